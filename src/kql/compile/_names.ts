/**
 * Column names as Kusto makes them: the name an unnamed expression gets (Kusto.Language's
 * result-name rules: `tostring(x)` is `x`, `make_list(tostring(x))` is `list_x`, `d.a` is
 * `d_a`), and names made unique.
 *
 * @module
 */
import type * as A from "../syntax/ast.ts";
import type { Scope } from "./_context.ts";
import {
  AGGREGATE_RESULT_NAMES,
  type ResultNameRule,
  SCALAR_RESULT_NAMES,
} from "../functions/_result_names.ts";

/** What naming an expression depends on besides the expression. */
export interface NameContext {
  /** The row's columns (`column_ifexists('c', ...)` is named `c` only when `c` is one). */
  readonly columns?: ReadonlyMap<string, unknown>;
  /** The names in scope: a call of a user function gets no name. */
  readonly scope?: Scope;
  /** Whether calls are aggregates first (the aggregates of `summarize`). */
  readonly aggregates?: boolean;
}

/**
 * Kusto's name for the column of an unnamed expression (Kusto.Language's
 * `GetExpressionResultName`), or undefined where Kusto makes one up (`Column1`).
 */
export function resultName(e: A.Expression, where: NameContext = {}): string | undefined {
  switch (e.kind) {
    case "name":
      return e.name;
    case "paren":
      return e.name ?? resultName(e.expression, where);
    case "member":
      return pathName(resultName(e.object, where), e.name);
    case "index":
      return pathName(resultName(e.object, where), selectorName(e.index));
    case "call":
      return callName(e, where);
    default:
      return undefined;
  }
}

/** `a.b` and `a[k]` are named `a_b`; without a name for `a`, `b`. */
function pathName(left: string | undefined, right: string | undefined): string | undefined {
  return left ? `${left}_${right ?? ""}` : right;
}

/**
 * The name a `[...]` selector gives: its text, when it is a string or integer literal (a
 * negative index is an expression in Kusto, not a literal).
 */
function selectorName(e: A.Expression): string | undefined {
  if (e.kind !== "literal" || e.value === null) return undefined;
  if (e.type === "string") return String(e.value);
  if (e.type !== "long" && e.type !== "int") return undefined;
  return Number(e.value) >= 0 ? String(e.value) : undefined;
}

function callName(e: A.Call, where: NameContext): string | undefined {
  if (where.scope?.get(e.name)?.kind === "function") return undefined;
  const rule = ruleOf(e.name, where.aggregates ?? false);
  if (!rule) return undefined;
  const argName = (i: number) => resultName(e.args[i], where);
  const count = e.args.length;
  switch (rule.kind) {
    case "NameAndFirstArgument":
    case "PrefixAndFirstArgument": {
      const prefix = rule.kind === "NameAndFirstArgument" ? e.name : rule.prefix;
      if (count === 0) return prefix === undefined ? undefined : `${prefix}_`;
      const name = argName(0);
      return prefix === undefined ? name : `${prefix}_${name ?? ""}`;
    }
    case "NameAndOnlyArgument":
    case "PrefixAndOnlyArgument": {
      if (count !== 1) return undefined;
      const prefix = rule.kind === "NameAndOnlyArgument" ? e.name : rule.prefix;
      const name = argName(0);
      return prefix === undefined ? name : `${prefix}_${name ?? ""}`;
    }
    case "FirstArgument":
      return count > 0 ? argName(0) : undefined;
    case "OnlyArgument":
      return count === 1 ? argName(0) : undefined;
    case "PrefixOnly":
      return rule.prefix;
    case "FirstArgumentValueIfColumn": {
      const first = e.args[0];
      if (first?.kind !== "literal" || typeof first.value !== "string") return undefined;
      return where.columns?.has(first.value) ? first.value : undefined;
    }
  }
}

function ruleOf(name: string, aggregates: boolean): ResultNameRule | undefined {
  return (aggregates ? AGGREGATE_RESULT_NAMES.get(name) : undefined) ??
    SCALAR_RESULT_NAMES.get(name);
}

/**
 * The name an aggregate's argument contributes to the aggregate's column name (`x` in
 * `sum_x`, also for `sum(tolong(x))`), or "" when Kusto gives it none (`sum(x * 2)` is
 * `sum_`).
 */
export function argumentName(e: A.Expression | undefined): string {
  return e ? resultName(e) ?? "" : "";
}

/**
 * Kusto's name for an unnamed expression (see {@link resultName}), else `fallback`. `where`
 * may also be just the row's columns.
 */
export function derivedName(
  e: A.Expression,
  fallback: string,
  where: NameContext | ReadonlyMap<string, unknown> = {},
): string {
  return resultName(e, where instanceof Map ? { columns: where } : where as NameContext) ??
    fallback;
}

/** Names made unique the way Kusto does: a repeated name gets a number appended. */
export function uniqueNames(names: readonly string[], taken: Iterable<string> = []): string[] {
  const used = new Set(taken);
  return names.map((name) => {
    let candidate = name;
    for (let i = 1; used.has(candidate); i++) candidate = `${name}${i}`;
    used.add(candidate);
    return candidate;
  });
}
