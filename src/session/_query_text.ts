/**
 * Query text for caching and replay: a normal form (comments and spacing do not make a
 * different query), and `now()` / `ago()` pinned to a recorded instant, so a replay means
 * the same time window on any provider (the service evaluates `now()` itself).
 *
 * @module
 */
import { type KqlToken, tokenizeKql } from "../kql/syntax.ts";

/** Tokens of `query`, or undefined when it does not tokenize (the provider will say why). */
function tokens(query: string): KqlToken[] | undefined {
  try {
    return tokenizeKql(query);
  } catch {
    return undefined;
  }
}

/** The query with comments dropped and tokens separated by single spaces. */
export function normaliseQuery(query: string): string {
  const list = tokens(query);
  if (!list) return query.trim();
  return list.filter((t) => t.kind !== "eof").map((t) => t.text).join(" ");
}

/** Whether the query uses `now()` or `ago()`. */
export function usesNow(query: string): boolean {
  return (tokens(query) ?? []).some((t, i, all) =>
    t.kind === "ident" && (t.text === "now" || t.text === "ago") && all[i + 1]?.text === "("
  );
}

/**
 * The query with `now()` as `datetime(<now>)`, `now(x)` as `(datetime(<now>) + (x))` and
 * `ago(x)` as `(datetime(<now>) - (x))`.
 */
export function pinNow(query: string, now: Date): string {
  const list = tokens(query);
  if (!list) return query;
  const instant = `datetime(${now.toISOString()})`;
  let out = "";
  let copied = 0;
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    if (t.kind !== "ident" || (t.text !== "now" && t.text !== "ago")) continue;
    if (list[i + 1]?.text !== "(" || list[i - 1]?.text === ".") continue;
    const close = matching(list, i + 1);
    if (close < 0) continue;
    const inner = query.slice(list[i + 1].span.end, list[close].span.start).trim();
    const replacement = t.text === "now"
      ? (inner === "" ? instant : `(${instant} + (${inner}))`)
      : `(${instant} - (${inner}))`;
    out += query.slice(copied, t.span.start) + replacement;
    copied = list[close].span.end;
    i = close;
  }
  return out + query.slice(copied);
}

function matching(list: readonly KqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < list.length; i++) {
    if (list[i].text === "(" && list[i].kind === "punct") depth++;
    else if (list[i].text === ")" && list[i].kind === "punct" && --depth === 0) return i;
  }
  return -1;
}

/** KQL functions and operators whose results differ from one run to the next. */
const VOLATILE: ReadonlyMap<string, string> = new Map([
  ["rand", "rand() draws random numbers"],
  ["new_guid", "new_guid() makes new identifiers"],
  ["sample", "sample picks rows at random"],
  ["sample-distinct", "sample-distinct picks values at random"],
  ["current_principal", "current_principal() depends on who runs it"],
  ["current_principal_details", "current_principal_details() depends on who runs it"],
]);

/**
 * Why the query's result may differ between runs on the same data (`rand()`, `sample`),
 * or undefined.
 */
export function volatileQuery(query: string): string | undefined {
  const list = tokens(query) ?? [];
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    if (t.kind !== "ident" || list[i - 1]?.text === ".") continue;
    // `sample-distinct` lexes as three tokens.
    const name = t.text === "sample" && list[i + 1]?.text === "-" &&
        list[i + 2]?.text === "distinct"
      ? "sample-distinct"
      : t.text;
    const reason = VOLATILE.get(name);
    if (!reason) continue;
    const isCall = list[i + 1]?.text === "(";
    const isOperator = list[i - 1]?.text === "|";
    if ((name === "sample" || name === "sample-distinct") ? isOperator : isCall) return reason;
  }
  return undefined;
}
