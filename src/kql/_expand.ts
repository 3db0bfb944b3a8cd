/**
 * `mv-expand` and `mv-apply`.
 *
 * @module
 */
import type * as A from "./ast.ts";
import type { Context, Relation, Scope } from "./_env.ts";

/** Applies `mv-expand`. */
export function mvExpand(
  _input: Relation,
  op: A.MvExpandOperator,
  _scope: Scope,
  ctx: Context,
): Relation {
  throw ctx.unsupported("The operator 'mv-expand'", op.span);
}

/** Applies `mv-apply`. */
export function mvApply(
  _input: Relation,
  op: A.MvApplyOperator,
  _scope: Scope,
  ctx: Context,
): Relation {
  throw ctx.unsupported("The operator 'mv-apply'", op.span);
}
