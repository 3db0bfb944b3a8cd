/**
 * `search` and `find`: a predicate over several tables at once. Search's terms are
 * rewritten into ordinary KQL per table: `"term"` is `has` over every column (`"t*"` is
 * `hasprefix`, `"*t"` `hassuffix`, `"*t*"` `contains`, `"a*b"` a regex on word bounds),
 * `Column:"term"` the same over one column, a lone `*` every row; `kind=case_sensitive`
 * makes every string operator case-sensitive. A table without any column the predicate
 * names is left out; one with some of them reads the others as null.
 *
 * `search` returns `$table` and the union of the tables' columns; `find` returns
 * `source_`, the predicate's columns, the columns every table has, and the rest packed
 * into `pack_` (or the columns `project` lists).
 *
 * @module
 */
import { type Expr, pl } from "../../../polars.ts";
import { type ColumnSchema, type KustoType, polarsTypeOf } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import { type Context, type Relation, ROW_CARRIER, rowEnv, type Scope } from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { convert } from "../_conversion.ts";
import { nullColumn, union, unionColumns, wildcard } from "./_union.ts";

/** A table in the scope of `search` or `find`: its name as written in the output. */
interface Searched {
  readonly name: string;
  readonly relation: Relation;
  /** The table before the predicate: its columns' types are read from it, cheaply. */
  readonly unfiltered?: Relation;
}

/** Runs `search ...` at the start of a query. */
export function searchSource(e: A.SearchSource, scope: Scope, ctx: Context): Relation {
  if (e.badOption) {
    const bad = e.badOption;
    const allowed = `${bad.allowed.slice(0, -1).join(", ")} or ${bad.allowed.at(-1)}`;
    throw ctx.error(`search ${bad.name} must be ${allowed}, not '${bad.value}'`, bad.span);
  }
  const tables = tablesOf(e.tables, e, scope, ctx);
  const filtered = filterTables(tables, e.predicate, e.caseSensitive, scope, ctx, e.span);
  return searchResult(filtered, e.span);
}

/** Applies `T | search ...`. */
export function searchOperator(
  input: Relation,
  op: A.SearchOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const tables = [{ name: input.source ?? "union_arg0", relation: input }];
  const filtered = filterTables(tables, op.predicate, op.caseSensitive, scope, ctx, op.span);
  return searchResult(filtered, op.span);
}

/** Runs `find ...`. */
export function findSource(e: A.FindSource, scope: Scope, ctx: Context): Relation {
  const tables = tablesOf(e.tables, e, scope, ctx);
  const filtered = filterTables(tables, e.predicate, false, scope, ctx, e.span);
  const sourceColumn = e.withSource ?? "source_";
  const plan = e.project
    ? projectedColumns(e.project, filtered)
    : smartColumns(filtered, referencedColumns(e.predicate, scope));
  const packs = e.project ? e.packAll === true : plan.rest;
  const columns: ColumnSchema[] = [
    { name: sourceColumn, type: "string" },
    ...plan.columns.map((c) => ({ name: c.name, type: c.type })),
    ...(packs ? [{ name: "pack_", type: "dynamic" as KustoType }] : []),
  ];
  const frames = filtered.map(({ name, relation }) => {
    const env = rowEnv(relation, scope, ctx);
    const have = new Map(relation.columns.map((c) => [c.name, c.type]));
    const exprs: Expr[] = [pl.lit(name).alias(sourceColumn)];
    for (const c of plan.columns) {
      const type = have.get(c.source);
      if (type === undefined || (c.onlyType !== undefined && type !== c.onlyType)) {
        exprs.push(nullColumn(c.type).alias(c.name));
      } else {
        const value = compileExpr({ kind: "name", name: c.source, span: e.span }, env);
        exprs.push(convert(value, c.type, env).expr.alias(c.name));
      }
    }
    if (packs) {
      const shown = new Set(plan.columns.map((c) => c.source));
      const rest = relation.columns.filter((c) =>
        !shown.has(c.name) ||
        plan.columns.some((p) => p.source === c.name && p.onlyType && p.onlyType !== c.type)
      );
      const pack: A.Call = {
        kind: "call",
        name: "bag_pack",
        args: rest.flatMap((c): A.Expression[] => [
          { kind: "literal", type: "string", value: c.name, span: e.span },
          { kind: "name", name: c.name, span: e.span },
        ]),
        span: e.span,
      };
      exprs.push(compileExpr(pack, env).expr.alias("pack_"));
    }
    return env.materialise(relation.frame).select(...exprs);
  });
  if (frames.length === 0) return emptyRelation(columns);
  const frame = frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
  return { frame, columns };
}

// ------------------------------------------------------------ the tables searched

/** The tables of `in (...)`, or every table the query can read. */
function tablesOf(
  written: A.TableScope | undefined,
  at: A.SyntaxNode,
  scope: Scope,
  ctx: Context,
): Searched[] {
  if (!written) {
    const names = [...ctx.tables.keys()];
    if (names.length === 0) {
      throw ctx.error(
        "there are no tables to search",
        at.span,
        "Open a data folder (or pass tables) so that search and find have tables to read.",
      );
    }
    return names.map((name) => tableNamed(name, at.span, scope, ctx));
  }
  const found: Searched[] = [];
  written.forEach((t, i) => {
    if (t.kind === "name" && t.name.includes("*")) {
      const pattern = wildcard(t.name);
      for (const name of ctx.tables.keys()) {
        if (pattern.test(name) && !found.some((f) => f.name === name)) {
          found.push(tableNamed(name, t.span, scope, ctx));
        }
      }
      return;
    }
    const relation = ctx.compiler.tabularOf(t, scope, ctx);
    found.push({ name: t.kind === "name" ? t.name : `union_arg${i}`, relation });
  });
  return found;
}

function tableNamed(name: string, span: A.Span, scope: Scope, ctx: Context): Searched {
  return { name, relation: ctx.compiler.tabularOf({ kind: "name", name, span }, scope, ctx) };
}

// ------------------------------------------------------------ the predicate, per table

/** Each table's rows that meet the predicate; tables without the predicate's columns left out. */
function filterTables(
  tables: readonly Searched[],
  predicate: A.Expression,
  caseSensitive: boolean,
  scope: Scope,
  ctx: Context,
  span: A.Span,
): Searched[] {
  const referenced = referencedColumns(predicate, scope);
  const typeOf = new Map<string, KustoType>();
  for (const { relation } of tables) {
    for (const c of relation.columns) if (!typeOf.has(c.name)) typeOf.set(c.name, c.type);
  }
  const unknown = referenced.find((name) => !typeOf.has(name));
  if (unknown !== undefined && referenced.every((name) => !typeOf.has(name))) {
    throw ctx.error(
      `Unknown column '${unknown}': no table searched has it`,
      span,
      tables.length > 0 ? `Tables searched: ${tables.map((t) => t.name).join(", ")}` : undefined,
    );
  }
  const out: Searched[] = [];
  for (const { name, relation } of tables) {
    const have = new Map(relation.columns.map((c) => [c.name, c.type]));
    if (referenced.length > 0 && !referenced.some((c) => have.has(c))) continue;
    // Columns the predicate names that this table lacks read as null.
    const missing = referenced.filter((c) => !have.has(c) && typeOf.has(c));
    const widened: Relation = missing.length === 0 ? relation : {
      ...relation,
      frame: relation.frame.withColumns(
        ...missing.map((c) => nullColumn(typeOf.get(c)!).alias(c)),
      ),
      columns: [...relation.columns, ...missing.map((c) => ({ name: c, type: typeOf.get(c)! }))],
    };
    // Not the hidden row carrier of a table without columns (`_row_carrier.ts`).
    const visible = relation.columns.filter((c) => c.name !== ROW_CARRIER);
    const where = rewrite(predicate, visible, caseSensitive);
    const kept = ctx.compiler.applyOperator(
      widened,
      { kind: "where", predicate: where, span },
      scope,
      ctx,
    );
    out.push({
      name,
      unfiltered: relation,
      relation: {
        ...kept,
        frame: kept.frame.select(...relation.columns.map((c) => pl.col(c.name))),
        columns: relation.columns,
      },
    });
  }
  return out;
}

/** The names a predicate reads that are not `let` names: the columns it needs. */
function referencedColumns(predicate: A.Expression, scope: Scope): string[] {
  const names: string[] = [];
  const visit = (e: A.Expression): void => {
    switch (e.kind) {
      case "name":
        if (!scope.get(e.name) && !names.includes(e.name)) names.push(e.name);
        return;
      case "binary":
        visit(e.left);
        visit(e.right);
        return;
      case "unary":
        visit(e.operand);
        return;
      case "paren":
        visit(e.expression);
        return;
      case "call":
        e.args.forEach(visit);
        return;
      case "in":
        visit(e.left);
        e.values.forEach(visit);
        return;
      case "between":
        visit(e.left);
        visit(e.low);
        visit(e.high);
        return;
      case "member":
      case "index":
        visit(e.object);
        return;
      default:
        return;
    }
  };
  visit(predicate);
  return names;
}

const CASE_SENSITIVE: Readonly<Record<string, string>> = {
  "has": "has_cs",
  "!has": "!has_cs",
  "hasprefix": "hasprefix_cs",
  "!hasprefix": "!hasprefix_cs",
  "hassuffix": "hassuffix_cs",
  "!hassuffix": "!hassuffix_cs",
  "contains": "contains_cs",
  "!contains": "!contains_cs",
  "startswith": "startswith_cs",
  "!startswith": "!startswith_cs",
  "endswith": "endswith_cs",
  "!endswith": "!endswith_cs",
  "=~": "==",
  "!~": "!=",
};

/** search's terms as plain KQL over a table's columns. */
function rewrite(
  e: A.Expression,
  columns: readonly ColumnSchema[],
  caseSensitive: boolean,
): A.Expression {
  const again = (x: A.Expression) => rewrite(x, columns, caseSensitive);
  switch (e.kind) {
    case "star":
      return { kind: "literal", type: "bool", value: true, span: e.span };
    case "literal":
      if (typeof e.value === "string") {
        const term = e.value;
        return anyOf(
          columns.map((c) => termTest(c, term, e.span, caseSensitive)),
          e.span,
        );
      }
      return e;
    case "paren":
      return { ...e, expression: again(e.expression) };
    case "call":
      return e.name === "not"
        ? { ...e, args: e.args.map(again) }
        : caseSensitively(e, caseSensitive);
    case "binary": {
      if (e.op === "and" || e.op === "or") {
        return { ...e, left: again(e.left), right: again(e.right) };
      }
      if (e.op === ":") {
        if (e.left.kind !== "name") return e;
        const name = e.left.name;
        const column = { name, type: columns.find((c) => c.name === name)?.type ?? "string" };
        if (e.right.kind === "literal" && typeof e.right.value === "string") {
          return termTest(column, e.right.value, e.span, caseSensitive);
        }
        return { ...e, op: "==" };
      }
      if (e.left.kind === "star") {
        const op = caseSensitive ? CASE_SENSITIVE[e.op] ?? e.op : e.op;
        return anyOf(
          columns.map((c) => ({ ...e, op, left: columnValue(c, e.span) })),
          e.span,
        );
      }
      return caseSensitively(e, caseSensitive);
    }
    default:
      return caseSensitively(e, caseSensitive);
  }
}

/**
 * `* has "x"` (any string operator, or `==`, with `*` on the left) as a test of every
 * column: any column for a positive operator, every column for a negated one. Used by
 * `where` as by search.
 */
export function expandStar(e: A.Expression, columns: readonly ColumnSchema[]): A.Expression {
  const again = (x: A.Expression) => expandStar(x, columns);
  switch (e.kind) {
    case "binary": {
      if (e.left.kind !== "star") return { ...e, left: again(e.left), right: again(e.right) };
      const tests = columns.map((c): A.Expression => ({ ...e, left: columnValue(c, e.span) }));
      if (!e.op.startsWith("!")) return anyOf(tests, e.span);
      if (tests.length === 0) return { kind: "literal", type: "bool", value: true, span: e.span };
      return tests.reduce((left, right) => ({
        kind: "binary",
        op: "and",
        left,
        right,
        span: e.span,
      }));
    }
    case "paren":
      return { ...e, expression: again(e.expression) };
    case "call":
      return e.name === "not" ? { ...e, args: e.args.map(again) } : e;
    default:
      return e;
  }
}

/** `Column has "term"` (or the operator the term's wildcards stand for). */
function termTest(
  column: ColumnSchema,
  term: string,
  span: A.Span,
  caseSensitive: boolean,
): A.Expression {
  const value = columnValue(column, span);
  const starts = term.startsWith("*");
  const ends = term.length > 1 && term.endsWith("*");
  const core = term.slice(starts ? 1 : 0, ends ? -1 : undefined);
  if (core === "") return { kind: "literal", type: "bool", value: true, span };
  // A term with a character the column's text never holds cannot match it: the column is
  // not formatted as text row by row (a datetime column alone took seconds per 200k rows).
  const alphabet = TEXT_ALPHABETS[column.type];
  if (alphabet && [...core.replaceAll("*", "").toLowerCase()].some((c) => !alphabet.includes(c))) {
    return { kind: "literal", type: "bool", value: false, span };
  }
  const literal = (text: string): A.Expression => ({
    kind: "literal",
    type: "string",
    value: text,
    span,
  });
  if (core.includes("*")) {
    const body = core.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
    const regex = `${caseSensitive ? "" : "(?i)"}${starts ? "" : "\\b"}${body}${ends ? "" : "\\b"}`;
    return { kind: "binary", op: "matches regex", left: value, right: literal(regex), span };
  }
  const op = starts && ends ? "contains" : starts ? "hassuffix" : ends ? "hasprefix" : "has";
  return {
    kind: "binary",
    op: caseSensitive ? `${op}_cs` : op,
    left: value,
    right: literal(core),
    span,
  };
}

/**
 * Every character (lower-cased) the text of a value of each type can hold, for the types
 * whose text is made of few: `tostring()` of numbers (with NaN and Infinity), datetimes,
 * timespans and bools. Not guids: a guid column holds the text it was loaded with (`{...}`,
 * `N/A`), and is text already, so it costs no formatting.
 */
const TEXT_ALPHABETS: Partial<Record<KustoType, string>> = {
  int: "0123456789-",
  long: "0123456789-",
  real: "0123456789-+.enaifty",
  decimal: "0123456789-+.enaifty",
  datetime: "0123456789-:.tz ",
  timespan: "0123456789-:.",
  bool: "truefals",
};

/** A column as text: its value for a string column, `tostring()` of it otherwise. */
function columnValue(column: ColumnSchema, span: A.Span): A.Expression {
  const name: A.NameRef = { kind: "name", name: column.name, span };
  return column.type === "string" ? name : { kind: "call", name: "tostring", args: [name], span };
}

function anyOf(tests: A.Expression[], span: A.Span): A.Expression {
  if (tests.length === 0) return { kind: "literal", type: "bool", value: false, span };
  return tests.reduce((left, right) => ({ kind: "binary", op: "or", left, right, span }));
}

/** With `kind=case_sensitive`, every string operator of `e` made case-sensitive. */
function caseSensitively(e: A.Expression, caseSensitive: boolean): A.Expression {
  if (!caseSensitive) return e;
  const again = (x: A.Expression) => caseSensitively(x, true);
  switch (e.kind) {
    case "binary":
      return { ...e, op: CASE_SENSITIVE[e.op] ?? e.op, left: again(e.left), right: again(e.right) };
    case "in":
      return { ...e, caseInsensitive: false, left: again(e.left) };
    case "paren":
      return { ...e, expression: again(e.expression) };
    case "call":
      return { ...e, args: e.args.map(again) };
    case "unary":
      return { ...e, operand: again(e.operand) };
    default:
      return e;
  }
}

// ------------------------------------------------------------ results

function searchResult(filtered: readonly Searched[], span: A.Span): Relation {
  if (filtered.length === 0) return emptyRelation([{ name: "$table", type: "string" }]);
  if (filtered.some((t) => t.relation.columns.length === 0)) {
    const sources: A.Expression[] = filtered.map((t) => ({ kind: "name", name: t.name, span }));
    return union(
      filtered.map((t) => t.relation),
      { unionKind: "outer", withSource: "$table" },
      sources,
    );
  }
  return outerUnion(filtered);
}

/**
 * `union kind=outer withsource=$table` of the searched tables, as `union` makes it (the
 * same columns, types, order and rows), in a few Polars expressions per table: Polars'
 * diagonal concatenation adds each table's missing columns, where `union` built one
 * expression per missing column and table (30 tables × 1,500 columns took seconds to
 * build before Polars ran).
 */
function outerUnion(tables: readonly Searched[]): Relation {
  const { columns, outputName } = unionColumns(tables.map((t) => t.relation));
  const legs = tables.map(({ name, relation, unfiltered }) => {
    const renames: Record<string, string> = {};
    for (const c of relation.columns) {
      const out = outputName(c.name, c.type);
      if (out !== c.name) renames[c.name] = out;
    }
    const renamed = Object.keys(renames).length > 0
      ? relation.frame.rename(renames)
      : relation.frame;
    const frame = renamed.withColumns(pl.lit(name).alias("$table"));
    // The types without running the predicate (head(0) of a filter still runs it).
    const source = unfiltered ?? relation;
    const empty = source.frame.select(pl.col(relation.columns.map((c) => c.name))).head(0);
    const typed = (Object.keys(renames).length > 0 ? empty.rename(renames) : empty)
      .withColumns(pl.lit(name).alias("$table"));
    const have = new Set(relation.columns.map((c) => outputName(c.name, c.type)));
    // A missing string column reads "" (Kusto strings are never null); others null.
    const blank = columns.filter((c) => c.type === "string" && !have.has(c.name));
    return { frame, typed, have, blank: blank.map((c) => c.name) };
  });
  const names = ["$table", ...columns.map((c) => c.name)];
  // A column some table lacks has the type's own Polars type there, as union's null columns.
  const template = pl.concat(legs.map((l) => l.typed), { how: "diagonal" }).select(
    pl.col("$table"),
    ...columns.map((c) =>
      legs.every((l) => l.have.has(c.name))
        ? pl.col(c.name)
        : pl.col(c.name).cast(polarsTypeOf(c.type))
    ),
  );
  const frames = legs.map(({ frame, have, blank }) => {
    if (have.size === columns.length) return frame.select(pl.col(names));
    const full = pl.concat([template, frame], { how: "diagonal" });
    return blank.length > 0 ? full.withColumns(pl.col(blank).fillNull("")) : full;
  });
  const frame = frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
  return { frame, columns: [{ name: "$table", type: "string" }, ...columns] };
}

/** An output column of `find`: where its values come from in each table. */
interface FindOutput {
  readonly name: string;
  readonly type: KustoType;
  /** The column read in each table. */
  readonly source: string;
  /** For one of a column's several types: only tables where it has this type. */
  readonly onlyType?: KustoType;
}

/**
 * `project-smart`: the columns every table has (of the first table's type, as
 * Kusto.Language has them), then the other columns the predicate names (one column per
 * type, `Name_type`, when the tables disagree on it), and whether other columns remain for
 * `pack_`.
 */
function smartColumns(
  tables: readonly Searched[],
  referenced: readonly string[],
): { columns: FindOutput[]; rest: boolean } {
  const columns: FindOutput[] = [];
  const first = tables[0]?.relation.columns ?? [];
  for (const c of first) {
    const common = tables.every(({ relation }) => relation.columns.some((x) => x.name === c.name));
    if (common) columns.push({ name: c.name, type: c.type, source: c.name });
  }
  for (const name of referenced) {
    if (columns.some((o) => o.source === name)) continue;
    const types: KustoType[] = [];
    for (const { relation } of tables) {
      const type = relation.columns.find((c) => c.name === name)?.type;
      if (type !== undefined && !types.includes(type)) types.push(type);
    }
    if (types.length === 1) columns.push({ name, type: types[0], source: name });
    else {
      for (const type of types) {
        columns.push({ name: `${name}_${type}`, type, source: name, onlyType: type });
      }
    }
  }
  const shown = new Set(columns.map((c) => c.source));
  const rest = tables.some(({ relation }) => relation.columns.some((c) => !shown.has(c.name)));
  return { columns, rest };
}

/** `project a, b:type`: the listed columns, typed as given or as the tables have them. */
function projectedColumns(
  project: readonly A.FindColumn[],
  tables: readonly Searched[],
): { columns: FindOutput[]; rest: boolean } {
  const columns = project.map((p) => {
    const found = tables.flatMap(({ relation }) => relation.columns).find((c) => c.name === p.name);
    return { name: p.name, type: p.type ?? found?.type ?? "string", source: p.name };
  });
  return { columns, rest: false };
}

function emptyRelation(columns: readonly ColumnSchema[]): Relation {
  const frame = pl.DataFrame({}).lazy().select(
    ...columns.map((c) => nullColumn(c.type).alias(c.name)),
  );
  return { frame: frame.head(0), columns };
}
