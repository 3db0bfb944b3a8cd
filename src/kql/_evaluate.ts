/**
 * `evaluate` plugins and `invoke`.
 *
 * @module
 */
import type * as A from "./ast.ts";
import type { Context, Relation, Scope } from "./_env.ts";

/** Applies `evaluate plugin(...)`. */
export function evaluate(
  _input: Relation,
  op: A.EvaluateOperator,
  _scope: Scope,
  ctx: Context,
): Relation {
  throw ctx.unsupported(`The plugin '${op.plugin.name}'`, op.span);
}

/** Applies `invoke f(...)`. */
export function invoke(
  _input: Relation,
  op: A.InvokeOperator,
  _scope: Scope,
  ctx: Context,
): Relation {
  throw ctx.unsupported("The operator 'invoke'", op.span);
}
