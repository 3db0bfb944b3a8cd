/**
 * `union`: the `union T1, T2` source and the `| union T2, ...` operator. Columns of one
 * name and several types become one column per type, as in Kusto.
 *
 * @module
 */
import { type Expr, pl } from "../../../polars.ts";
import { type ColumnSchema, type KustoType, polarsTypeOf } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import type { KqlSemanticError } from "../../errors.ts";
import type { Context, Relation, Scope } from "../_context.ts";
import { selectPerRow } from "./_columns.ts";
import { rowCarrier } from "../_row_carrier.ts";

/** Applies `| union T2, ...`. */
export function unionOperator(
  input: Relation,
  op: A.UnionOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  // The piped input is a leg that exists: fuzzy legs that do not may all be left out.
  const { relations, sources } = unionInputs(op.tables, op.options, scope, ctx, true);
  const self: A.Expression = { kind: "name", name: "union_arg0", span: op.span };
  return union([input, ...relations], op.options, [self, ...sources]);
}

/**
 * The columns of an outer union of `relations`, and the name a relation's column takes
 * there: a name with several types becomes one column per type (`x_long`, `x_int`), as
 * Kusto does, and these sit together where the name first appears.
 */
export function unionColumns(
  relations: readonly { readonly columns: readonly ColumnSchema[] }[],
): { columns: ColumnSchema[]; outputName: (name: string, type: KustoType) => string } {
  const typesOf = new Map<string, KustoType[]>();
  for (const r of relations) {
    for (const c of r.columns) {
      const seen = typesOf.get(c.name) ?? [];
      if (!seen.includes(c.type)) seen.push(c.type);
      typesOf.set(c.name, seen);
    }
  }
  // A suffixed name that another leg already has as a column name takes a number
  // (union-operator.md: `x` of type long next to a column `x_long` becomes `x_long1`).
  const plain = new Set([...typesOf].filter(([, types]) => types.length === 1).map(([n]) => n));
  const suffixed = new Map<string, string>();
  const taken = new Set(plain);
  for (const [name, types] of typesOf) {
    if (types.length === 1) continue;
    for (const type of types) {
      let out = `${name}_${type}`;
      for (let n = 1; taken.has(out); n++) out = `${name}_${type}${n}`;
      taken.add(out);
      suffixed.set(`${name}\u0000${type}`, out);
    }
  }
  const outputName = (name: string, type: KustoType) =>
    typesOf.get(name)!.length > 1 ? suffixed.get(`${name}\u0000${type}`)! : name;
  const columns: ColumnSchema[] = [];
  const placed = new Set<string>();
  for (const r of relations) {
    for (const c of r.columns) {
      for (const type of typesOf.get(c.name)!) {
        const name = outputName(c.name, type);
        if (!placed.has(name)) columns.push({ name, type });
        placed.add(name);
      }
    }
  }
  return { columns, outputName };
}

/** `union` of relations (kind outer: all columns; inner: common ones). */
export function union(
  relations: Relation[],
  options: A.UnionOptions,
  sources: readonly A.Expression[],
): Relation {
  const { columns, outputName } = unionColumns(relations);
  const kept = options.unionKind === "inner"
    ? columns.filter((out) =>
      relations.every((r) => r.columns.some((c) => outputName(c.name, c.type) === out.name))
    )
    : columns;
  const frames = relations.map((r, i) => {
    const have = new Map(r.columns.map((c) => [outputName(c.name, c.type), c.name]));
    const exprs: Expr[] = [];
    if (options.withSource) {
      exprs.push(pl.lit(sourceName(sources[i], i)).alias(options.withSource));
    }
    for (const c of kept) {
      const source = have.get(c.name);
      exprs.push(
        source === undefined ? nullColumn(c.type).alias(c.name) : pl.col(source).alias(c.name),
      );
    }
    // A union without columns (of `T | project-away *` legs) keeps every leg's rows.
    if (exprs.length === 0) return rowCarrier(r.frame);
    // A leg without columns (`T | project-away *`) still has rows: its null columns are
    // broadcast to them, not selected as a single row.
    if (r.columns.length === 0) {
      const names = [
        ...(options.withSource ? [options.withSource] : []),
        ...kept.map((c) => c.name),
      ];
      return selectPerRow(r.frame, exprs.map((expr, i) => ({ name: names[i], expr })));
    }
    return r.frame.select(...exprs);
  });
  const frame = frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
  const all = options.withSource
    ? [{ name: options.withSource, type: "string" as KustoType }, ...kept]
    : kept;
  return { frame, columns: all };
}

/**
 * The relations of `union`'s tables. With isfuzzy=true, legs naming a table that does not
 * exist are left out (Kusto's fuzzy resolution of union legs); any other error of a leg
 * is the query's error, as in Kusto. `piped`: a piped input (`T | union ...`) is a leg too,
 * so the listed legs may all be missing.
 */
export function unionInputs(
  tables: readonly A.Expression[],
  options: A.UnionOptions,
  scope: Scope,
  ctx: Context,
  piped = false,
): { relations: Relation[]; sources: A.Expression[] } {
  const relations: Relation[] = [];
  const sources: A.Expression[] = [];
  let firstMissing: KqlSemanticError | undefined;
  for (const t of tables.flatMap((t) => matching(t, options, scope, ctx))) {
    try {
      relations.push(ctx.compiler.tabularOf(t, scope, ctx));
      sources.push(t);
    } catch (error) {
      if (!options.isFuzzy || !ctx.isUnknownTable(error)) throw error;
      firstMissing ??= error as KqlSemanticError;
    }
  }
  if (relations.length === 0 && !piped) {
    // Name the first missing table: a leg can be a function whose body reads it.
    const cause = firstMissing
      ? ` (${
        firstMissing.message.replace(/ \(line \d+, column \d+\)$/, "")
      } at line ${firstMissing.line}, column ${firstMissing.column})`
      : "";
    throw ctx.unknownTable(
      `none of the tables of 'union' exist${cause}`,
      tables[0]?.span ?? { start: 0, end: 0 },
      firstMissing?.hint,
    );
  }
  return { relations, sources };
}

/**
 * A leg as written, or for a name pattern (`View*`) the views (`let V = view () {...}`) and
 * tables it matches, views first (union-operator.md: the union scope includes let statements
 * attributed with `view`). A pattern matching nothing is left out with isfuzzy=true, else
 * an unknown table.
 */
function matching(
  t: A.Expression,
  options: A.UnionOptions,
  scope: Scope,
  ctx: Context,
): A.Expression[] {
  if (t.kind !== "name" || !t.name.includes("*")) return [t];
  const pattern = wildcard(t.name);
  const views = scope.names().filter((name) => {
    const b = scope.get(name);
    return b?.kind === "function" && b.definition.view && b.definition.parameters.length === 0;
  });
  const names = [...new Set([...views, ...ctx.tables.keys()])].filter((n) => pattern.test(n));
  if (names.length === 0 && !options.isFuzzy) {
    throw ctx.unknownTable(`no table or view matches '${t.name}'`, t.span);
  }
  return names.map((name) => ({ kind: "name" as const, name, span: t.span }));
}

/** A table-name pattern with `*` wildcards as a regular expression. */
export function wildcard(pattern: string): RegExp {
  const parts = pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*")}$`);
}

function sourceName(e: A.Expression | undefined, i: number): string {
  if (e?.kind === "name") return e.name;
  return `union_arg${i}`;
}

/** A null column of a type. */
export function nullColumn(type: KustoType): Expr {
  return type === "string" ? pl.lit("") : pl.lit(null).cast(polarsTypeOf(type));
}
