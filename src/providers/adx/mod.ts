/**
 * The Azure Data Explorer (Kusto) provider: KQL queries against a cluster's database
 * through Microsoft's client `azure-kusto-data` and `@azure/identity`, with results typed
 * like the local engine's (`dynamic`, `timespan`, `decimal`, `guid`, `long` beyond 2^53).
 * Client request properties (server timeout, `truncationmaxrecords`, `query_now`), real
 * Kusto query parameters, partial failures and truncation as warnings, 429 retried, and
 * `AbortSignal` to cancel. This unit loads the Kusto client, which is why it is apart from
 * `src/providers/mod.ts`.
 *
 * `openAdxProvider()` is the one constructor; `AdxProvider` is exported as a type. The
 * principal needs the Database Viewer role on the database.
 *
 * @example Open a database (nothing is sent until the first query)
 * ```ts
 * import assert from "node:assert/strict";
 * import { AdxConfigError, openAdxProvider } from "./mod.ts";
 *
 * const provider = await openAdxProvider({
 *   cluster: "https://help.kusto.windows.net",
 *   database: "Samples",
 *   credential: {
 *     getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }),
 *   },
 *   env: () => undefined,
 * });
 * try {
 *   assert.equal(provider.kind, "adx");
 *   assert.equal(provider.database, "Samples");
 * } finally {
 *   provider.close();
 * }
 *
 * // A cluster is an https:// URL, without a database in its path.
 * await assert.rejects(
 *   openAdxProvider({ cluster: "help.kusto.windows.net", database: "Samples", env: () => undefined }),
 *   AdxConfigError,
 * );
 * ```
 *
 * @module
 */
export { adxTokenCredential, openAdxProvider } from "./adx_provider.ts";
export type {
  AdxCredentialKind,
  AdxEnvReader,
  AdxParameterValue,
  AdxProvider,
  AdxProviderOptions,
  AdxQueryOptions,
  AdxSignIn,
  RetrySettings,
  TokenCredential,
} from "./adx_provider.ts";
export {
  AdxAuthError,
  AdxConfigError,
  AdxDatabaseNotFoundError,
  AdxError,
  AdxNetworkError,
  AdxQueryError,
  AdxResponseError,
  AdxThrottledError,
  AdxTimeoutError,
} from "./errors.ts";
export type { AdxErrorOptions } from "./errors.ts";
// Types of other units this surface refers to.
export type {
  Provider,
  ProviderKind,
  QueryOptions,
  QueryProgress,
  QueryResult,
  QueryWarning,
  RenderSpec,
  TableInfo,
  TimeRange,
} from "../mod.ts";
export type { ColumnSchema, KustoType, TableSchema } from "../../schema/mod.ts";
export type { DataFrame } from "../../polars.ts";
export type { CasefileError, CasefileErrorOptions } from "../../errors.ts";
