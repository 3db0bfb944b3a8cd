/**
 * Pattern statements (`declare pattern`): each invocation of a declared pattern,
 * `Name("a").b`, `Name("a").["b"]` or `Name("a")`, stands for the query of the mapping
 * whose argument and path values it names. Invocations are replaced before the query is
 * compiled: as a pipeline's source and as the tables of `union`.
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

function invocationOf(e: A.Expression, patterns: Patterns): Invocation | undefined {
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
  return pattern && { pattern, args: call.args.map((a) => stringOf(a)), path };
}

/** How Kusto names an invocation in its error: `app('ApplicationX').['*']`. */
function reference(invocation: Invocation): string {
  const args = invocation.args.map((a) => `'${a ?? ""}'`).join(", ");
  const path = invocation.path === undefined ? "" : `.['${invocation.path}']`;
  return `${invocation.pattern.name}(${args})${path}`;
}

function expandOne(e: A.Expression, patterns: Patterns, ctx: Context): A.Expression {
  const invocation = invocationOf(e, patterns);
  if (!invocation) return e;
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
    const invocation = invocationOf(t, patterns);
    if (!invocation) return true;
    const key = reference(invocation);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).map((t) => expandPatterns(t, patterns, ctx));
}

/** `e` with the pattern invocations at its source (and in its unions) replaced. */
export function expandPatterns(e: A.Expression, patterns: Patterns, ctx: Context): A.Expression {
  if (patterns.size === 0) return e;
  switch (e.kind) {
    case "pipe": {
      const source = expandPatterns(e.source, patterns, ctx);
      const operator = e.operator.kind === "union"
        ? { ...e.operator, tables: unionTables(e.operator.tables, patterns, ctx) }
        : e.operator;
      return { ...e, source, operator };
    }
    case "paren":
      return { ...e, expression: expandPatterns(e.expression, patterns, ctx) };
    case "union-source":
      return { ...e, tables: unionTables(e.tables, patterns, ctx) };
    default:
      return expandOne(e, patterns, ctx);
  }
}
