/**
 * `invoke f(...)`: calls a function defined with `let` whose first parameter is a table,
 * with the pipeline's table as that parameter.
 *
 * @module
 */
import type * as A from "../../syntax/ast.ts";
import { type Context, ExprEnv, type Relation, Scope } from "../_context.ts";
import { bindLet, compileExpr } from "../_expression.ts";
import { convert } from "../_conversion.ts";
import { bindArguments } from "../_arguments.ts";

/** Applies `invoke f(...)`: the pipeline's table is the function's first argument. */
export function invoke(
  input: Relation,
  op: A.InvokeOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const { call } = op;
  const binding = scope.get(call.name);
  if (binding?.kind !== "function") {
    throw ctx.error(
      `invoke needs a function defined with 'let', and '${call.name}' is not one`,
      call.span,
    );
  }
  const [first, ...rest] = binding.definition.parameters;
  if (!first?.tabular) {
    throw ctx.error(
      `${call.name}() cannot be invoked: its first parameter must be a table, like (T:(*))`,
      call.span,
    );
  }
  const inner = new Scope(binding.scope);
  inner.set(first.name, { kind: "tabular", get: () => input });
  const env = new ExprEnv(ctx, scope);
  if (call.args.length > rest.length) {
    throw ctx.error(
      `${call.name}() takes ${rest.length} argument(s) after the piped table, not ${call.args.length}`,
      call.span,
    );
  }
  const args = bindArguments(rest, call, ctx);
  rest.forEach((p, i) => {
    const arg = args[i];
    if (p.tabular) {
      const relation = ctx.compiler.tabularOf(arg, scope, ctx);
      inner.set(p.name, { kind: "tabular", get: () => relation });
    } else {
      const value = compileExpr(arg, env);
      inner.set(p.name, { kind: "scalar", value: p.type ? convert(value, p.type, env) : value });
    }
  });
  const innerEnv = new ExprEnv(ctx, inner);
  let result: Relation | undefined;
  ctx.expanding(binding.definition, call.name, call.span, () => {
    for (const statement of binding.definition.body) {
      if (statement.kind === "let") bindLet(statement, innerEnv);
      else if (statement.kind === "expression") {
        result = ctx.compiler.tabularOf(statement.expression, inner, ctx);
      }
    }
  });
  if (!result) throw ctx.error(`${call.name}() has no tabular result`, call.span);
  return result;
}
