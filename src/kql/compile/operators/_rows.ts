/**
 * The row operators: `where`, `take`, `top`, `sort` and `distinct`.
 *
 * @module
 */
import { type Expr, type LazyDataFrame, pl } from "../../../polars.ts";
import type * as A from "../../syntax/ast.ts";
import {
  type Context,
  ExprEnv,
  type Relation,
  ROW_CARRIER,
  rowEnv,
  type Scope,
} from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { toBool } from "../_conversion.ts";
import { keepRowColumns, project } from "./_columns.ts";
import { keepLists, readsColumn } from "../_dynamic_native.ts";
import { expandStar } from "./_search.ts";
import { carryRawJson, rawJsonColumns } from "../_raw_json.ts";

/** A constant row count (`take 10`, `top 5 by ...`). */
export function rowCount(e: A.Expression, scope: Scope, ctx: Context): number {
  const value = compileExpr(e, new ExprEnv(ctx, scope));
  const n = value.constant?.value;
  if (typeof n !== "number" || n < 0) {
    throw ctx.error("expected a non-negative whole number", e.span);
  }
  return Math.floor(n);
}

/** Applies `where`. */
export function where(input: Relation, op: A.WhereOperator, scope: Scope, ctx: Context): Relation {
  const env = rowEnv(input, scope, ctx);
  // `where * has "x"` tests every column (not the hidden row carrier, `_row_carrier.ts`).
  const written = expandStar(op.predicate, input.columns.filter((c) => c.name !== ROW_CARRIER));
  const predicate = toBool(compileExpr(written, env), written, env);
  if (predicate.constant) {
    return predicate.constant.value === true ? input : { ...input, frame: input.frame.head(0) };
  }
  const materialised = env.materialise(input.frame);
  // A scanned table's JSON texts go through too, for path reads after (`_raw_json.ts`).
  const texts = rawJsonColumns(input.frame).map((name) => pl.col(name));
  const keep = (f: LazyDataFrame, alias?: string) =>
    alias
      ? f.filter(predicate.expr)
      : f.filter(predicate.expr).select(...keepRowColumns(input), ...texts);
  // Native arrays an extend made go through a filter; one waiting for an mv-expand when the
  // filter does not read it (issue 22).
  const user = (name: string) => scope.get(name)?.kind === "function";
  const frame = materialised === input.frame
    ? keepLists(input.frame, keep, (name, text) => !text || !readsColumn(written, name, user))
    : keep(materialised);
  carryRawJson(input.frame, frame);
  return { ...input, frame };
}

/**
 * The Polars sort keys of KQL sort keys, as `sort` orders: each key's nulls placed by a
 * leading key of their own (first or last, each key its own way), NaN with them, then the
 * value; a constant key orders nothing and is left out.
 *
 * @throws {KqlSemanticError} (through `ctx.error`) for a dynamic key.
 */
export function sortKeys(
  keys: readonly A.SortKey[],
  env: ExprEnv,
  ctx: Context,
): { by: Expr[]; descending: boolean[] } {
  const by: Expr[] = [];
  const descending: boolean[] = [];
  for (const key of keys) {
    const value = compileExpr(key.expression, env);
    if (value.type === "dynamic") {
      throw ctx.error(
        "cannot sort by a dynamic value; convert it first (tostring, toint...)",
        key.expression.span,
      );
    }
    // A constant key (`order by 1`) orders nothing; Polars refuses a sort key of one value.
    if (value.constant !== undefined) continue;
    const nullsFirst = key.nulls ? key.nulls === "first" : !key.descending;
    // Nulls are placed by a leading key, so each sort key can place them its own way.
    by.push(value.expr.isNull());
    descending.push(nullsFirst);
    // NaN goes with the nulls, after them when they are first, before them when last
    // (sort-operator.md: null, NaN, -inf, ..., +inf / ..., NaN, null), whatever the direction.
    if (value.type === "real") {
      by.push(value.expr.isNan());
      descending.push(nullsFirst);
    }
    by.push(value.expr);
    descending.push(key.descending);
  }
  return { by, descending };
}

/** Sorts by keys with Kusto's defaults: descending, nulls last when descending. */
export function sort(
  input: Relation,
  keys: readonly A.SortKey[],
  scope: Scope,
  ctx: Context,
): Relation {
  const env = rowEnv(input, scope, ctx);
  const { by, descending } = sortKeys(keys, env, ctx);
  const materialised = env.materialise(input.frame);
  const frame = by.length === 0
    ? materialised
    : materialised.sort({ by, descending, maintainOrder: true } as never);
  return { ...input, frame: frame.select(...keepRowColumns(input)), ordered: true };
}

/** Applies `distinct`. */
export function distinct(
  input: Relation,
  op: A.DistinctOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  if (op.columns.length === 1 && op.columns[0].expression.kind === "star") {
    return { ...input, frame: input.frame.unique({ maintainOrder: true } as never) };
  }
  const projected = project(input, op.columns, scope, ctx, false, "distinct");
  return { ...projected, frame: projected.frame.unique({ maintainOrder: true } as never) };
}
