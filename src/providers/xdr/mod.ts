/**
 * The Microsoft Defender XDR advanced hunting provider: KQL over the Device*, Identity*,
 * Email*, CloudApp* and Alert* tables through Microsoft Graph
 * (`POST /v1.0/security/runHuntingQuery`), signed in with `@azure/identity`, results typed
 * like the local engine's. Advanced hunting's limits (30 days of data, 100,000 rows, 10
 * minutes per query, call and CPU quotas) come back as warnings or errors with a hint,
 * never as a silently short result. The identity needs the Graph permission
 * `ThreatHunting.Read.All`.
 *
 * `openXdrProvider()` is the one constructor; `XdrProvider` is exported as a type.
 *
 * @example Open advanced hunting (nothing is sent until the first query)
 * ```ts
 * import assert from "node:assert/strict";
 * import { openXdrProvider, XdrConfigError } from "./mod.ts";
 *
 * const provider = await openXdrProvider({
 *   credential: {
 *     getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }),
 *   },
 *   cloud: "usgov",
 *   env: () => undefined, // no settings of the machine running this
 * });
 * try {
 *   assert.equal(provider.kind, "xdr");
 *   assert.equal(provider.endpoint, "https://graph.microsoft.us");
 * } finally {
 *   provider.close();
 * }
 *
 * // Graph in China does not serve advanced hunting: a clear error, before any call.
 * await assert.rejects(
 *   // deno-lint-ignore no-explicit-any
 *   openXdrProvider({ cloud: "china" as any, env: () => undefined }),
 *   XdrConfigError,
 * );
 * ```
 *
 * @module
 */
export {
  openXdrProvider,
  XDR_MAX_ROWS,
  XDR_QUERY_LIMIT_MS,
  XDR_RETENTION_DAYS,
  XDR_TABLES,
} from "./xdr_provider.ts";
export type {
  TokenCredential,
  XdrCloud,
  XdrCredentialKind,
  XdrEnvReader,
  XdrProvider,
  XdrProviderOptions,
  XdrRetrySettings,
} from "./xdr_provider.ts";
export {
  XdrAuthError,
  XdrConfigError,
  XdrError,
  XdrNetworkError,
  XdrQueryError,
  XdrQuotaError,
  XdrResponseError,
  XdrThrottledError,
  XdrTimeoutError,
} from "./errors.ts";
export type { XdrErrorOptions } from "./errors.ts";
// Types of other units this surface refers to.
export type {
  Provider,
  ProviderError,
  ProviderKind,
  QueryOptions,
  QueryProgress,
  QueryResult,
  QueryWarning,
  TableInfo,
  TimeRange,
} from "../mod.ts";
export type { ColumnSchema, KustoType, TableSchema } from "../../schema/mod.ts";
export type { DataFrame } from "../../polars.ts";
export type { CasefileError, CasefileErrorOptions } from "../../errors.ts";
