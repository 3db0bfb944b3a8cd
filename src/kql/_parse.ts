/**
 * `parse` and `parse-where`.
 *
 * @module
 */
import type * as A from "./ast.ts";
import type { Context, Relation, Scope } from "./_env.ts";

/** Applies `parse` / `parse-where`. */
export function parseOperator(
  _input: Relation,
  op: A.ParseOperator,
  _scope: Scope,
  ctx: Context,
): Relation {
  throw ctx.unsupported("The operator 'parse'", op.span);
}
