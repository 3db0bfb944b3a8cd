/**
 * `invoke f(...)`: calls a function defined with `let` whose first parameter is a table,
 * with the pipeline's table as that parameter.
 *
 * @module
 */
import type * as A from "../../syntax/ast.ts";
import { type Binding, type Context, ExprEnv, type Relation, Scope } from "../_context.ts";
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
  return invokeWith(
    op,
    scope,
    ctx,
    { kind: "tabular", get: () => input },
    (expression, inner) => ctx.compiler.tabularOf(expression, inner, ctx),
  );
}

/**
 * Runs the body of the function `invoke f(...)` calls: its first (table) parameter bound to
 * `table`, the others to the call's arguments, its `let`s bound, and its result expression
 * made a relation by `result` (in the body's scope). `mv-apply` runs it per source row.
 */
export function invokeWith(
  op: A.InvokeOperator,
  scope: Scope,
  ctx: Context,
  table: Binding,
  result: (expression: A.Expression, inner: Scope) => Relation,
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
  inner.set(first.name, table);
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
  let made: Relation | undefined;
  ctx.expanding(binding.definition, call.name, call.span, () => {
    for (const statement of binding.definition.body) {
      if (statement.kind === "let") bindLet(statement, innerEnv);
      else if (statement.kind === "expression") made = result(statement.expression, inner);
    }
  });
  if (!made) throw ctx.error(`${call.name}() has no tabular result`, call.span);
  return made;
}
