/**
 * Pattern statements (`declare pattern`): each invocation of a declared pattern,
 * `Name("a").b`, `Name("a").["b"]` or `Name("a")`, stands for the query of the mapping
 * whose argument and path values it names. Invocations are replaced before a statement is
 * compiled, wherever they stand in it: a pipeline's source, the tables of `union`, the
 * right side of `join` and `lookup`, a `let` (of a table or in a function's body),
 * `materialize`, `toscalar`, `in (…)`, the sub-queries of `fork` and `facet`.
 *
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Context } from "./_context.ts";

/** The patterns a query declares, by name. */
export type Patterns = Map<string, A.PatternDeclaration>;

/** The text of a string literal (a pattern's values are strings), else undefined. */
function stringOf(e: A.Expression | undefined): string | undefined {
  return e?.kind === "literal" && e.type === "string" ? String(e.value) : undefined;
}

interface Invocation {
  readonly pattern: A.PatternDeclaration;
  readonly args: readonly (string | undefined)[];
  readonly path?: string;
}

function invocationOf(
  e: A.Expression,
  patterns: Patterns,
  ctx: Context,
): Invocation | undefined {
  // A pattern named like a place (`app`, `database`) is read as a scoped table:
  // the pattern, declared in the query, comes first.
  if (e.kind === "scoped-table" && e.scope.length === 1) {
    const pattern = patterns.get(e.scope[0].kind);
    return pattern && { pattern, args: [e.scope[0].name], path: e.table };
  }
  let call = e;
  let path: string | undefined;
  if (e.kind === "member") {
    call = e.object;
    path = e.name;
  } else if (e.kind === "index") {
    call = e.object;
    path = stringOf(e.index) ?? "";
  }
  if (call.kind !== "call") return undefined;
  const pattern = patterns.get(call.name);
  if (!pattern) return undefined;
  // Kusto's pattern arguments and paths are strings only (ArgType, PathArgType: string).
  const notString = call.args.find((a) => stringOf(a) === undefined) ??
    (e.kind === "index" && stringOf(e.index) === undefined ? e.index : undefined);
  if (notString) {
    throw ctx.error(
      `the arguments and path of pattern '${pattern.name}' are strings: ` +
        `${readable(notString)} is not a string literal`,
      notString.span,
      `Write the value as a string literal, e.g. ${pattern.name}("a").b: a pattern maps ` +
        "tuples of strings to queries.",
    );
  }
  return { pattern, args: call.args.map((a) => stringOf(a)), path };
}

/** A short rendering of an expression for an error message. */
function readable(e: A.Expression): string {
  if (e.kind === "literal") return e.value === null ? "null" : `${e.type} ${String(e.value)}`;
  if (e.kind === "name") return `'${e.name}'`;
  return `a ${e.kind} expression`;
}

/** How Kusto names an invocation in its error: `app('ApplicationX').['*']`. */
function reference(invocation: Invocation): string {
  const args = invocation.args.map((a) => `'${a ?? ""}'`).join(", ");
  const path = invocation.path === undefined ? "" : `.['${invocation.path}']`;
  return `${invocation.pattern.name}(${args})${path}`;
}

function expandOne(
  e: A.Expression,
  patterns: Patterns,
  ctx: Context,
): A.Expression | undefined {
  const invocation = invocationOf(e, patterns, ctx);
  if (!invocation) return undefined;
  const match = invocation.pattern.cases.find((c) =>
    c.args.length === invocation.args.length &&
    c.args.every((a, i) => stringOf(a) === invocation.args[i]) &&
    stringOf(c.path) === invocation.path
  );
  if (!match) {
    throw ctx.error(
      "One or more pattern references were not declared. Detected pattern references: " +
        `["${reference(invocation)}"]`,
      e.span,
      `Add a mapping for it to 'declare pattern ${invocation.pattern.name}', or invoke one ` +
        "of the declared mappings (values are compared exactly).",
    );
  }
  return { kind: "paren", expression: match.query, span: e.span };
}

/**
 * The tables of a `union` with their pattern invocations replaced; invocations naming the
 * same mapping (`app("x").a`, `app('x').["a"]`) count once, as Kusto normalises them.
 */
function unionTables(
  tables: readonly A.Expression[],
  patterns: Patterns,
  ctx: Context,
): A.Expression[] {
  const seen = new Set<string>();
  return tables.filter((t) => {
    const invocation = invocationOf(t, patterns, ctx);
    if (!invocation) return true;
    const key = reference(invocation);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).map((t) => expandPatterns(t, patterns, ctx));
}

/** A plain syntax object or array (not a literal's Date, bigint or other value). */
function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === Array.prototype;
}

/** `node` with every pattern invocation in it replaced; the same object when none is. */
function expandNode(node: unknown, patterns: Patterns, ctx: Context): unknown {
  if (!isPlain(node)) return node;
  if (Array.isArray(node)) {
    let changed = false;
    const out = node.map((item) => {
      const next = expandNode(item, patterns, ctx);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : node;
  }
  if (typeof node.kind === "string" && "span" in node) {
    const replaced = expandOne(node as unknown as A.Expression, patterns, ctx);
    // The mapped query is the declaration's own text, not searched again.
    if (replaced) return replaced;
  }
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // The tables of `union` (operator and source): the same mapping counts once.
    const next = key === "tables" && Array.isArray(value) && isUnion(node)
      ? unionTables(value as A.Expression[], patterns, ctx)
      : expandNode(value, patterns, ctx);
    if (next !== value) changed = true;
    out[key] = next;
  }
  return changed ? out : node;
}

function isUnion(node: Record<string, unknown>): boolean {
  return node.kind === "union" || node.kind === "union-source";
}

/** `e` with the pattern invocations anywhere in it replaced by the queries they name. */
export function expandPatterns(e: A.Expression, patterns: Patterns, ctx: Context): A.Expression {
  if (patterns.size === 0) return e;
  return expandNode(e, patterns, ctx) as A.Expression;
}

/** A `let` statement with the pattern invocations in its value (or function body) replaced. */
export function expandLet(
  statement: A.LetStatement,
  patterns: Patterns,
  ctx: Context,
): A.LetStatement {
  if (patterns.size === 0) return statement;
  return expandNode(statement, patterns, ctx) as A.LetStatement;
}
