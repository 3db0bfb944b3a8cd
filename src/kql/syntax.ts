/**
 * The KQL syntax layer on its own: reading a query (its tokens, its syntax tree, the tables
 * and external data it names) and Kusto's datetime and timespan literals, without loading
 * the engine that runs queries. Providers that send KQL elsewhere and sessions that check
 * a query's text use this; `casefile/kql` re-exports all of it.
 *
 * @example Find the tables a query names and read a timespan literal
 * ```ts
 * import assert from "node:assert/strict";
 * import { readKqlTimespan, tokenizeKql } from "./syntax.ts";
 *
 * const names = tokenizeKql("SigninLogs | where TimeGenerated > ago(1d)")
 *   .filter((t) => t.kind === "ident").map((t) => t.text);
 * assert.deepEqual(names, ["SigninLogs", "where", "TimeGenerated", "ago"]);
 * assert.equal(readKqlTimespan("1d"), 86_400_000_000n);
 * ```
 *
 * @module
 */
export { parseQuery as parseKql } from "./syntax/_parser.ts";
export {
  type Token as KqlToken,
  tokenize as tokenizeKql,
  type TokenKind as KqlTokenKind,
} from "./syntax/_lexer.ts";
export {
  formatDatetime as formatKqlDatetime,
  formatTimespan as formatKqlTimespan,
  readDatetime as readKqlDatetime,
  readTimespan as readKqlTimespan,
} from "./syntax/_literals.ts";
export {
  type ExternalRequest,
  externalRequests,
  tablePatterns,
  type TableReference,
  tableReferences,
} from "./syntax/_external.ts";
export { caretLine, lineColumn } from "./errors.ts";
export type { Span } from "./syntax/ast.ts";
