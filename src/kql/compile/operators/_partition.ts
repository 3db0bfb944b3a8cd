/**
 * `partition`, `fork` and `facet`: subqueries over parts or copies of the piped table.
 * `partition` runs its subquery once per value of the key column and unions the results
 * (every `hint.strategy` gives the same result). `fork` and `facet` make several results;
 * a query result here is one table, so they return the first (`fork`'s first leg,
 * `facet`'s `with` table or its first column's counts) after checking the others compile.
 *
 * @module
 */
import { type DataFrame, pl } from "../../../polars.ts";
import type * as A from "../../syntax/ast.ts";
import { type Context, type Relation, Scope, type Typed } from "../_context.ts";
import { jsToExpr, readableExpr, seriesToJs } from "../../runtime/_values.ts";
import { union } from "./_union.ts";

/** Applies `partition by Column (operators)` or `partition by Column { query }`. */
export function partition(
  input: Relation,
  op: A.PartitionOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const key = input.columns.find((c) => c.name === op.column.name);
  if (!key) {
    throw ctx.error(
      `Unknown column '${op.column.name}' to partition by`,
      op.column.span,
      `Columns here: ${input.columns.map((c) => c.name).slice(0, 15).join(", ")}`,
    );
  }
  if (key.type === "dynamic") {
    throw ctx.error("cannot partition by a dynamic column; convert it first", op.column.span);
  }
  // The input runs once; each partition is a part of its rows.
  const data = input.frame.select(...input.columns.map((c) => pl.col(c.name))).collectSync();
  const parts: DataFrame[] = data.height === 0 ? [] : data.partitionBy(key.name, true, true);
  const subquery = op.subquery;
  const run = (part: DataFrame): Relation => {
    const inner = new Scope(scope);
    if (subquery.kind === "operators") {
      let relation: Relation = { ...input, frame: part.lazy(), ordered: input.ordered };
      for (const step of subquery.operators) {
        relation = ctx.compiler.applyOperator(relation, step, inner, ctx);
      }
      return relation;
    }
    // `{ query }`: the key's name is the partition's value (also as `toscalar(Key)`).
    const value = seriesToJs(
      part.select(readableExpr(pl.col(key.name), key.type).alias("v")).getColumn("v"),
      key.type,
    )[0] ?? null;
    const typed: Typed = { expr: jsToExpr(value, key.type), type: key.type, constant: { value } };
    inner.set(key.name, { kind: "scalar", value: typed });
    return ctx.compiler.tabularOf(subquery.expression, inner, ctx);
  };
  if (parts.length === 0) {
    // No rows: the subquery over the empty table still gives the result's columns.
    const empty = run(data);
    return { ...empty, frame: empty.frame.head(0) };
  }
  const results = parts.map((part) => {
    const result = run(part);
    const frame = result.frame.select(...result.columns.map((c) => pl.col(c.name))).collectSync();
    return { ...result, frame: frame.lazy() };
  });
  if (results.length === 1) return results[0];
  const sources = results.map((_, i): A.Expression => ({
    kind: "name",
    name: `partition_${i}`,
    span: op.span,
  }));
  return union(results, { unionKind: "outer" }, sources);
}

/** Applies `fork (ops) (ops) ...`: every leg is compiled; the first leg's table is the result. */
export function fork(input: Relation, op: A.ForkOperator, scope: Scope, ctx: Context): Relation {
  const results = op.legs.map((leg) => applyAll(input, leg.operators, scope, ctx));
  return results[0];
}

/** Applies `facet by a, b [with (ops)]`: the first of its tables is the result. */
export function facet(input: Relation, op: A.FacetOperator, scope: Scope, ctx: Context): Relation {
  const results: Relation[] = [];
  if (op.with) results.push(applyAll(input, op.with, scope, ctx));
  for (const column of op.columns) {
    results.push(ctx.compiler.applyOperator(
      input,
      {
        kind: "summarize",
        aggregates: [{
          names: [`count_${column.name}`],
          expression: { kind: "call", name: "count", args: [], span: column.span },
          span: column.span,
        }],
        by: [{ expression: column, span: column.span }],
        span: op.span,
      },
      scope,
      ctx,
    ));
  }
  return results[0];
}

function applyAll(
  input: Relation,
  operators: readonly A.Operator[],
  scope: Scope,
  ctx: Context,
): Relation {
  let relation = input;
  for (const step of operators) relation = ctx.compiler.applyOperator(relation, step, scope, ctx);
  return relation;
}
