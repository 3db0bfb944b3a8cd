/**
 * Binding the arguments of a call to a user function's parameters, as Kusto does: a
 * `name = value` argument goes to the parameter of that name, and the positional
 * arguments fill the remaining parameters in order (`f(len = 3, input)` binds `input` to
 * the second parameter); a parameter left without an argument takes its default.
 *
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Context } from "./_context.ts";

/**
 * The argument expression of each parameter, in the parameters' order.
 *
 * @param parameters The function's parameters (without a piped table, for `invoke`).
 * @param call The call, for its positional and named arguments.
 * @param ctx For errors: an unknown name, too many arguments, or a missing value.
 */
export function bindArguments(
  parameters: readonly A.Parameter[],
  call: A.Call,
  ctx: Context,
): A.Expression[] {
  const bound: Array<A.Expression | undefined> = parameters.map(() => undefined);
  for (const [name, value] of Object.entries(call.named ?? {})) {
    const at = parameters.findIndex((p) => p.name === name);
    if (at < 0) {
      const names = parameters.map((p) => p.name).join(", ");
      throw ctx.error(
        `${call.name}() has no parameter named '${name}'`,
        call.span,
        names ? `Its parameters are: ${names}.` : `${call.name}() takes no arguments.`,
      );
    }
    bound[at] = value;
  }
  let next = 0;
  for (const arg of call.args) {
    while (next < parameters.length && bound[next] !== undefined) next++;
    if (next >= parameters.length) {
      throw ctx.error(
        `${call.name}() takes ${parameters.length} argument(s), not ${
          call.args.length + Object.keys(call.named ?? {}).length
        }`,
        call.span,
      );
    }
    bound[next++] = arg;
  }
  return parameters.map((p, i) => {
    const arg = bound[i] ?? p.defaultValue;
    if (!arg) throw ctx.error(`${call.name}() needs a value for parameter '${p.name}'`, call.span);
    return arg;
  });
}
