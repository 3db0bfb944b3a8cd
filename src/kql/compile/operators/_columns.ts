/**
 * The column operators: `project`, `extend`, `project-away`, `project-keep`,
 * `project-rename`, `project-reorder` and `getschema`.
 *
 * @module
 */
import { type Expr, type LazyDataFrame, pl } from "../../../polars.ts";
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import {
  carryCanonicalJson,
  type Context,
  ExprEnv,
  jsonStringsKept,
  markCanonicalJson,
  type Relation,
  rowEnv,
  type Scope,
  type Typed,
} from "../_context.ts";
import {
  decodableJson,
  deferredFrame,
  keepLists,
  nativeJsonStrings,
  readsColumn,
  rememberList,
} from "../_dynamic_native.ts";
import { ROW_CARRIER, rowCarrier } from "../_row_carrier.ts";
import { checkDeclaredOnce, compileItem } from "../_same_operator_names.ts";
import { resultName, uniqueNames } from "../_names.ts";
import { carryBagShape } from "../_bag_shapes.ts";
import { jsToSeries } from "../../runtime/_values.ts";
import { formatSchemaType } from "../../runtime/_type_names.ts";

/** Plain references to `columns`, to select them unchanged. */
export function keepColumns(columns: readonly ColumnSchema[]): Expr[] {
  return columns.map((c) => pl.col(c.name));
}

/**
 * The columns an operator that keeps rows (`where`, `sort`) keeps: the relation's, and the
 * strings beside its expanded JSON-string columns (issue 22).
 */
export function keepRowColumns(input: Relation): Expr[] {
  return [...keepColumns(input.columns), ...jsonStringsKept(input).map((name) => pl.col(name))];
}

/**
 * Selects the named expressions with one value per input row. Polars' `select` of
 * expressions that are all scalars (`project s = 'a'`, `summarize by b = 1`) makes a single
 * row, where Kusto evaluates a scalar expression once per row: 3 rows in, 3 out, and none
 * over an empty table. `withColumns` broadcasts scalars to the frame's height; the select
 * then keeps the outputs alone, in their order.
 */
export function selectPerRow(
  frame: LazyDataFrame,
  outputs: readonly { name: string; expr: Expr }[],
): LazyDataFrame {
  if (outputs.length === 0) return frame.select();
  return frame.withColumns(...outputs.map((o) => o.expr.alias(o.name)))
    .select(...outputs.map((o) => pl.col(o.name)));
}

/** `project` (replace the columns) and `extend` (add or replace some). */
export function project(
  input: Relation,
  items: readonly A.NamedExpression[],
  scope: Scope,
  ctx: Context,
  extend: boolean,
  operator: string = extend ? "extend" : "project",
): Relation {
  if (items.length === 0) return input;
  checkDeclaredOnce(items, operator, ctx);
  const env = rowEnv(input, scope, ctx);
  // Every expression reads the input: names declared by earlier items are not visible.
  const declared = new Set<string>();
  let unnamed = 0;
  // Kusto numbers only the columns it cannot name (Column1, Column2...); extend skips the
  // names the row already has.
  const nextColumnName = () => {
    let name: string;
    do {
      name = `Column${++unnamed}`;
    } while (extend && env.columns?.has(name));
    return name;
  };
  const outputs: Output[] = [];
  for (const item of items) {
    const value = compileItem(item, env, declared, operator);
    for (const name of item.names ?? []) declared.add(name);
    if (item.names && item.names.length > 1) {
      // `(a, b) = f(...)`: a function with several outputs assigns them in order.
      if (!value.components) {
        throw ctx.error(
          `cannot assign one value to ${item.names.length} names`,
          item.span,
          "Only functions with several outputs (series_fit_line(), ...) fill several names.",
        );
      }
      if (item.names.length > value.components.length) {
        throw ctx.error(
          `the function gives ${value.components.length} values for ${item.names.length} names`,
          item.span,
        );
      }
      item.names.forEach((name, i) => {
        const part = value.components![i];
        outputs.push({ name, expr: part.expr, type: part.type });
      });
      continue;
    }
    // Unnamed outputs get the function's names for them; given one name, the first output
    // takes it and the others keep theirs (Kusto.Language: `x = array_sort_asc(a, b)` is x
    // and b_sorted).
    if (value.components && value.componentNames) {
      value.components.forEach((part, i) => {
        const name = i === 0 && item.names ? item.names[0] : value.componentNames![i];
        outputs.push({ name, expr: part.expr, type: part.type });
      });
      continue;
    }
    const name = item.names?.[0] ??
      resultName(item.expression, { columns: env.columns, scope }) ??
      nextColumnName();
    outputs.push({
      name,
      expr: value.expr,
      type: value.type,
      list: value.jsonList,
      value,
      expression: item.expression,
    });
  }
  // A JSON path member, the one JavaScript job here, waits for an mv-expand (issue 22).
  const waiting = extend && input.columns.length > 0 ? waitingPath(outputs, env) : undefined;
  let made: LazyDataFrame | undefined;
  const materialised = () => made ??= env.materialise(input.frame);
  const frame = waiting ? deferredFrame(materialised) : materialised();
  if (!extend) {
    const names = uniqueNames(outputs.map((o) => o.name));
    const outs = outputs.map((o, i) => ({ name: names[i], expr: o.expr }));
    const select = (f: LazyDataFrame, alias?: string) =>
      selectPerRow(f, alias ? [...outs, { name: alias, expr: pl.col(alias) }] : outs);
    return {
      ...input,
      // Native arrays of columns projected as they are go along (issue 22).
      frame: frame === input.frame
        ? keepLists(input.frame, select, (name) => projectsAsIs(outputs, names, name, scope))
        : select(frame),
      columns: outputs.map((o, i) =>
        carryBagShape(sameColumn(input, o), outputColumn(names[i], o))
      ),
    };
  }
  const columns = [...input.columns];
  const assigned = new Map<string, Expr>();
  const lists = new Map<string, NonNullable<Typed["jsonList"]>>();
  for (const o of outputs) {
    const at = columns.findIndex((c) => c.name === o.name);
    if (at >= 0) columns[at] = outputColumn(o.name, o);
    else columns.push(outputColumn(o.name, o));
    assigned.set(o.name, o.expr);
    if (o.list) lists.set(o.name, o.list);
    else lists.delete(o.name);
  }
  const selected = columns.map((c) => (assigned.get(c.name) ?? pl.col(c.name)).alias(c.name));
  // The strings beside expanded columns this extend keeps as they are go along (issue 22).
  const kept = new Set(columns);
  const strings = input.columns.filter((c) => kept.has(c));
  selected.push(...jsonStringsKept({ ...input, columns: strings }).map((n) => pl.col(n)));
  // With no columns before it (after `project-away *`), an extend of constants still has
  // one value per row: broadcast, not a single-row select.
  const result = input.columns.length === 0
    ? selectPerRow(frame, columns.map((c) => ({ name: c.name, expr: assigned.get(c.name)! })))
    : waiting
    ? deferredFrame(() => materialised().select(...selected))
    : frame.select(...selected);
  // An array kept as a Polars list too, for an mv-expand right after (issue 22).
  for (const [name, list] of lists) {
    rememberList(result, name, {
      withList: (alias) => materialised().select(...selected, list.strings.alias(alias)),
      nonEmpty: list.nonEmpty,
    });
  }
  if (waiting) {
    // The mv-expand reads the path natively from the input, the job never runs: the
    // column's own slot holds the path's text, which the expansion replaces.
    const { name, read, text } = waiting;
    rememberList(result, name, {
      withList: (alias) => {
        const slots = selected.map((e, i) =>
          columns[i]?.name === name ? pl.col(text).alias(name) : e
        );
        return input.frame.withColumns(read.text.alias(text))
          .select(...slots, read.list.alias(alias));
      },
      pathText: true,
    });
  }
  return { ...input, frame: result, columns };
}

/**
 * Whether a projection keeps column `name` as it is (an output of that name naming it) and
 * no other output reads it.
 */
function projectsAsIs(
  outputs: readonly Output[],
  names: readonly string[],
  name: string,
  scope: Scope,
): boolean {
  const at = outputs.findIndex((o, i) =>
    names[i] === name && o.expression?.kind === "name" && o.expression.name === name
  );
  if (at < 0) return false;
  const user = (called: string) => scope.get(called)?.kind === "function";
  return outputs.every((o, i) =>
    i === at || (o.expression !== undefined && !readsColumn(o.expression, name, user))
  );
}

interface Output {
  name: string;
  expr: Expr;
  type: KustoType;
  list?: Typed["jsonList"];
  /** The value and expression of an item naming one column. */
  value?: Typed;
  expression?: A.Expression;
}

/**
 * The output whose value is a JSON path member (`T = AdditionalFields.Tags`) Polars can
 * read as a list of strings for an `mv-expand T` right after, with that reading (a JSON
 * text column, then its list; see `nativeJsonStrings`): only when the member's JavaScript
 * job is the one pending here (the expansion's frame skips it) and it is the only such
 * output. The job stays queued, for any other use of the column.
 */
function waitingPath(
  outputs: readonly Output[],
  env: ExprEnv,
): { name: string; read: { text: Expr; list: Expr }; text: string } | undefined {
  const paths = outputs.filter((o) =>
    o.value?.jsonPath?.job !== undefined && o.value.jsonPath.steps.length > 0 &&
    o.expression !== undefined && o.type === "dynamic" &&
    decodableJson(o.value, o.expression, env)
  );
  if (paths.length !== 1) return undefined;
  const [o] = paths;
  const pending = env.pendingColumns();
  if (pending.length !== 1 || pending[0] !== o.value!.jsonPath!.job) return undefined;
  // A reading of its own: its dropping of the job is for an env nobody materialises.
  const own = new ExprEnv(env.ctx, env.scope, env.columns);
  const text = env.ctx.temp("__path");
  const read = nativeJsonStrings(o.value!, o.expression!, own, text);
  if (!read || own.hasPending) return undefined;
  return { name: o.name, read, text };
}

/** Column names matching a pattern with `*` wildcards. */
export function matchColumns(pattern: string, columns: readonly ColumnSchema[]): string[] {
  if (!pattern.includes("*")) return columns.some((c) => c.name === pattern) ? [pattern] : [];
  const regex = new RegExp(
    `^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`,
  );
  return columns.filter((c) => regex.test(c.name)).map((c) => c.name);
}

function unknownColumn(name: string, columns: readonly ColumnSchema[], span: A.Span, ctx: Context) {
  return ctx.error(
    `Unknown column '${name}'`,
    span,
    `Columns here: ${columns.map((c) => c.name).slice(0, 15).join(", ")}`,
  );
}

/** Applies `project-away` and `project-keep`. */
export function projectAway(input: Relation, op: A.ProjectAwayOperator, ctx: Context): Relation {
  const selected = new Set<string>();
  for (const pattern of op.patterns) {
    const names = matchColumns(pattern, input.columns);
    if (names.length === 0 && !pattern.includes("*")) {
      throw unknownColumn(pattern, input.columns, op.span, ctx);
    }
    names.forEach((n) => selected.add(n));
  }
  const columns = input.columns.filter((c) =>
    op.kind === "project-away" ? !selected.has(c.name) : selected.has(c.name)
  );
  // A Polars frame without columns has no rows, where Kusto's table keeps them (`T |
  // project-away * | project c = 1` has T's rows): a hidden column holds the row count.
  const kept = new Set(columns.map((c) => c.name));
  const frame = columns.length === 0 && input.columns.length > 0
    ? rowCarrier(input.frame)
    : keepLists(
      input.frame,
      (f, alias) => f.select(...keepColumns(columns), ...(alias ? [pl.col(alias)] : [])),
      (name) => kept.has(name),
    );
  return { ...input, frame, columns };
}

/** The input column an output names as it is (`project F`, `project G = F`), if any. */
function sameColumn(input: Relation, o: Output): ColumnSchema | undefined {
  const e = o.expression;
  if (e?.kind !== "name" || o.value === undefined || o.expr !== o.value.expr) return undefined;
  return input.columns.find((c) => c.name === e.name);
}

/**
 * The column `name` an output makes: marked as canonical JSON text when its value is (a
 * column `make_list` wrote, `pack_array`), so `tostring()` of it reads the text.
 */
function outputColumn(name: string, o: Output): ColumnSchema {
  const column = { name, type: o.type };
  return o.value?.canonicalJson && o.expr === o.value.expr ? markCanonicalJson(column) : column;
}

/** Applies `project-rename`. */
export function projectRename(
  input: Relation,
  op: A.ProjectRenameOperator,
  ctx: Context,
): Relation {
  const renames = new Map<string, string>();
  const targets = new Set<string>();
  for (const r of op.renames) {
    if (!input.columns.some((c) => c.name === r.from)) {
      throw unknownColumn(r.from, input.columns, op.span, ctx);
    }
    // Kusto.Language: "A column with the name 'a' is already declared".
    if (targets.has(r.to)) {
      throw ctx.error(
        `the column '${r.to}' is declared twice in one project-rename`,
        op.span,
        "Give each renamed column its own name.",
      );
    }
    targets.add(r.to);
    renames.set(r.from, r.to);
  }
  const columns = input.columns.map((c) =>
    carryBagShape(c, carryCanonicalJson(c, { ...c, name: renames.get(c.name) ?? c.name }))
  );
  return {
    ...input,
    frame: input.frame.select(
      ...input.columns.map((c) => pl.col(c.name).alias(renames.get(c.name) ?? c.name)),
    ),
    columns,
  };
}

/** Applies `project-reorder`. */
export function projectReorder(
  input: Relation,
  op: A.ProjectReorderOperator,
  ctx: Context,
): Relation {
  const first: string[] = [];
  for (const p of op.patterns) {
    let names = matchColumns(p.pattern, input.columns).filter((n) => !first.includes(n));
    if (names.length === 0 && !p.pattern.includes("*")) {
      throw unknownColumn(p.pattern, input.columns, op.span, ctx);
    }
    if (p.order) {
      names = [...names].sort();
      if (p.order === "desc") names.reverse();
    }
    first.push(...names);
  }
  const columns = [
    ...first.map((n) => input.columns.find((c) => c.name === n)!),
    ...input.columns.filter((c) => !first.includes(c.name)),
  ];
  return { ...input, frame: input.frame.select(...keepColumns(columns)), columns };
}

/** Applies `getschema`: one row per column, with its name, position and types. */
export function getschema(relation: Relation): Relation {
  // The row carrier of a table without columns is no column of it (an `invoke`d function
  // or a `fork` branch may see it).
  const input = { columns: relation.columns.filter((c) => c.name !== ROW_CARRIER) };
  const columns: ColumnSchema[] = [
    { name: "ColumnName", type: "string" },
    { name: "ColumnOrdinal", type: "int" },
    { name: "DataType", type: "string" },
    { name: "ColumnType", type: "string" },
  ];
  const frame = pl.DataFrame([
    jsToSeries("ColumnName", input.columns.map((c) => c.name), "string"),
    jsToSeries("ColumnOrdinal", input.columns.map((_, i) => i), "int"),
    jsToSeries("DataType", input.columns.map((c) => formatSchemaType(c.type)), "string"),
    jsToSeries("ColumnType", input.columns.map((c) => c.type), "string"),
  ]);
  return { frame: frame.lazy(), columns };
}
