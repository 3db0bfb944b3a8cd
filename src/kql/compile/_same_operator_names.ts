/**
 * The names one operator declares (`extend a = ..., b = ...`, `project`, `print`), with
 * Kusto's rules for them (Kusto.Language's binder, checked in tests/kql/same_operator_test.ts):
 *
 * - every expression of the operator sees the operator's input, never a name declared by
 *   an earlier expression of the same operator (`extend a = 2, b = a + 1` fails: the name
 *   'a' is unknown there; `extend x = x + 1, b = x` reads the input's x);
 * - a name declared twice (an explicit `name =` or a plain column reference) is refused,
 *   where names Kusto derives (`tostring(x)` is x) are made unique or replace.
 *
 * This file gives the errors for both a clear message and a hint.
 *
 * @module
 */
import type * as A from "../syntax/ast.ts";
import { KqlSemanticError } from "../errors.ts";
import type { Context, ExprEnv, Typed } from "./_context.ts";
import { compileExpr } from "./_expression.ts";

/** The names an item declares: its explicit names, or a plain column reference's name. */
export function declaredNames(item: A.NamedExpression): readonly string[] {
  if (item.names) return item.names;
  return item.expression.kind === "name" ? [item.expression.name] : [];
}

/**
 * Throws when two items of one operator declare the same name (Kusto.Language: "A column
 * with the name 'a' is already declared").
 */
export function checkDeclaredOnce(
  items: readonly A.NamedExpression[],
  operator: string,
  ctx: Context,
): void {
  const seen = new Set<string>();
  for (const item of items) {
    for (const name of declaredNames(item)) {
      if (seen.has(name)) {
        throw ctx.error(
          `the column '${name}' is declared twice in one ${operator}`,
          item.span,
          `Kusto refuses a name declared twice in the same ${operator}: give one of them ` +
            `another name, or set it again in a following operator (| extend ${name} = ...).`,
        );
      }
      seen.add(name);
    }
  }
}

/**
 * Compiles one item's expression, explaining an unknown name that an earlier item of the
 * same operator declares: Kusto evaluates all of an operator's expressions over its input.
 */
export function compileItem(
  item: A.NamedExpression,
  env: ExprEnv,
  earlier: ReadonlySet<string>,
  operator: string,
): Typed {
  try {
    return compileExpr(item.expression, env);
  } catch (error) {
    if (!(error instanceof KqlSemanticError) || !error.message.startsWith("Unknown")) throw error;
    const name = nameAt(item.expression, error.span);
    if (name === undefined || !earlier.has(name)) throw error;
    throw env.ctx.error(
      `'${name}' is declared by this same ${operator}, and every expression of one ` +
        `${operator} reads only the columns it receives`,
      error.span,
      `Kusto refuses it too. Declare it first, then use it: ${
        operator === "print" ? "print" : "| extend"
      } ${name} = ... | ${operator === "print" ? "extend" : operator} ${
        item.names?.[0] ?? "..."
      } = ...${name}...`,
    );
  }
}

/** The name referred to at `span` in `node`, if a name reference is there. */
function nameAt(node: unknown, span: A.Span): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = nameAt(item, span);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== "object") return undefined;
  const n = node as { kind?: unknown; name?: unknown; span?: A.Span };
  if (
    n.kind === "name" && typeof n.name === "string" && n.span?.start === span.start &&
    n.span.end === span.end
  ) {
    return n.name;
  }
  for (const value of Object.values(node)) {
    const found = nameAt(value, span);
    if (found !== undefined) return found;
  }
  return undefined;
}
