/**
 * `make-series`.
 *
 * @module
 */
import type * as A from "./ast.ts";
import type { Context, Relation, Scope } from "./_env.ts";

/** Applies `make-series`. */
export function makeSeries(
  _input: Relation,
  op: A.MakeSeriesOperator,
  _scope: Scope,
  ctx: Context,
): Relation {
  throw ctx.unsupported("The operator 'make-series'", op.span);
}
