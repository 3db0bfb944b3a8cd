/**
 * `render`: the chart a query asks for, kept with the result.
 *
 * @module
 */
import type * as A from "../../syntax/ast.ts";
import { type Context, ExprEnv, type Relation, type Scope } from "../_context.ts";
import { compileExpr } from "../_expression.ts";

/** Applies `render`: constant properties, with column names as names. */
export function render(
  input: Relation,
  op: A.RenderOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const env = new ExprEnv(ctx, scope);
  const properties: Record<string, unknown> = {};
  for (const [name, e] of Object.entries(op.properties)) {
    if (e.kind === "name") {
      properties[name] = e.name;
      continue;
    }
    if (e.kind === "call" && e.name === "pack_array" && e.args.every((a) => a.kind === "name")) {
      properties[name] = e.args.map((a) => (a as A.NameRef).name);
      continue;
    }
    const value = compileExpr(e, env);
    if (!value.constant) {
      throw ctx.error(`the render property '${name}' must be a constant`, e.span);
    }
    properties[name] = value.constant.value;
  }
  return { ...input, render: { visualization: op.visualization, properties } };
}
