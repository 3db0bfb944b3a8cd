/**
 * The Microsoft Sentinel / Log Analytics provider: KQL queries against Log Analytics
 * workspaces through `@azure/monitor-query-logs` and `@azure/identity`, with results typed
 * like the local engine's (same query → same Kusto types and Polars dtypes on both
 * providers). Workspaces are named in a config file or the environment; a result cut at the
 * service's limit is run again as time windows; throttling is retried; every error says
 * what to do next in its `hint`. This unit loads the Azure SDK, which is why it is apart
 * from `src/providers/mod.ts`.
 *
 * `openSentinelProvider()` is the one constructor; `SentinelProvider` is exported as a type.
 *
 * @example Open a workspace (nothing is sent until the first query)
 * ```ts
 * import assert from "node:assert/strict";
 * import { openSentinelProvider, SentinelConfigError } from "./mod.ts";
 *
 * const workspace = "c3a1e7f4-92d8-4b6a-8f15-6d0e9b2c4a77";
 * const provider = await openSentinelProvider({
 *   workspace,
 *   credential: {
 *     getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }),
 *   },
 *   env: () => undefined, // no settings or config file of the machine running this
 * });
 * try {
 *   assert.equal(provider.kind, "sentinel");
 *   assert.equal(provider.id, `sentinel:${workspace}`);
 *   assert.equal(provider.config.cloud.name, "public");
 * } finally {
 *   provider.close();
 * }
 *
 * // A workspace id must be a GUID; the error says how to name one.
 * await assert.rejects(
 *   openSentinelProvider({ workspace: "prod", env: () => undefined }),
 *   SentinelConfigError,
 * );
 * ```
 *
 * @module
 */
export { envTokenCredential, MAX_CONCURRENCY, openSentinelProvider } from "./sentinel_provider.ts";
export type {
  QueryProgress,
  SentinelBatchOptions,
  SentinelBatchQuery,
  SentinelBatchResult,
  SentinelProvider,
  SentinelProviderOptions,
  SentinelQueryOptions,
  SentinelQueryResult,
} from "./sentinel_provider.ts";
export { openIncidents, seedSession } from "./incidents.ts";
export type {
  FindingsSession,
  IncidentClient,
  IncidentClientOptions,
  IncidentIndicators,
  Indicator,
  ListIncidentsOptions,
  OpenedIncident,
  SeedableSession,
  SeedSessionOptions,
  SkippedIndicator,
  ThreatIntelWriteOptions,
  WriteBackOptions,
  WriteBackReport,
} from "./incidents.ts";
export {
  ClientTimeoutError,
  IncidentConflictError,
  IncidentError,
  MalformedResponseError,
  SentinelAuthError,
  SentinelConfigError,
  SentinelError,
  SentinelNetworkError,
  SentinelQueryError,
  ServerTimeoutError,
  ServiceBusyError,
  TruncatedResultError,
  WorkspaceNotFoundError,
  WriteBackError,
} from "./_errors.ts";
export type { SentinelErrorOptions, WriteBackItem } from "./_errors.ts";
export type {
  CloudName,
  CloudSettings,
  CredentialKind,
  EnvReader,
  ResolvedConfig,
  ResolvedWorkspace,
  SentinelConfig,
  WorkspaceConfig,
} from "./_config.ts";
export type { SignInKind, TokenCredential } from "./_credentials.ts";
export type { RetrySettings } from "./_client.ts";
// Types of other units this surface refers to.
export type {
  Provider,
  ProviderError,
  ProviderKind,
  QueryOptions,
  QueryResult,
  QueryWarning,
  RenderSpec,
  TableInfo,
  TimeRange,
} from "../mod.ts";
export type { ColumnSchema, KustoType, TableSchema } from "../../schema/mod.ts";
export type { DataFrame } from "../../polars.ts";
export type { CasefileError, CasefileErrorOptions } from "../../errors.ts";
