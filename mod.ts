/**
 * casefile: security investigations over Microsoft Sentinel and local data, in Deno.
 *
 * Open a folder of exported or bundled data as a provider, read tables as Polars
 * DataFrames with their Kusto types, and load any CSV, JSON or Parquet export with types
 * inferred the way an investigator expects.
 *
 * @example Summarise the bundled demo case
 * ```ts
 * import { openLocalProvider } from "./mod.ts";
 *
 * const provider = await openLocalProvider();
 * const tables = await provider.tables();
 * console.log(tables.map((t) => `${t.name}: ${t.rows} rows`).join("\n"));
 * ```
 *
 * @module
 */
export { pl } from "./src/polars.ts";
export type { DataFrame, LazyDataFrame, Series } from "./src/polars.ts";

export { CasefileError } from "./src/errors.ts";
export type { CasefileErrorOptions } from "./src/errors.ts";

export { formatSchema, KUSTO_TYPES, polarsTypeOf } from "./src/schema/types.ts";
export type { ColumnSchema, KustoType, TableSchema } from "./src/schema/types.ts";
export { SENTINEL_SCHEMAS } from "./src/schema/sentinel.ts";

export { loadTable } from "./src/data/load.ts";
export type { FileFormat, LoadedTable, LoadTableOptions } from "./src/data/load.ts";
export { DataLoadError } from "./src/data/errors.ts";
export type { LoadWarning } from "./src/data/errors.ts";
export type { CaseManifest, ManifestExternal, ManifestTable } from "./src/data/manifest.ts";

export type {
  Provider,
  ProviderKind,
  QueryOptions,
  QueryResult,
  QueryWarning,
  RenderSpec,
  TableInfo,
  TableSource,
  TimeRange,
} from "./src/providers/provider.ts";
export { ProviderError, UnknownTableError, UnsupportedQueryError } from "./src/providers/errors.ts";
export {
  DEMO_CASE_DIR,
  LocalProvider,
  openLocalProvider,
} from "./src/providers/local/local_provider.ts";
export type { LocalProviderOptions, LocalTable } from "./src/providers/local/local_provider.ts";

export { executeKql, runKql } from "./src/kql/run.ts";
export type { KqlResult, RunKqlOptions } from "./src/kql/run.ts";
export { KqlSemanticError, KqlSyntaxError, KqlUnsupportedError } from "./src/kql/errors.ts";
export { SUPPORTED_FUNCTIONS, SUPPORTED_OPERATORS } from "./src/kql/registry.ts";

export {
  ClientTimeoutError,
  MalformedResponseError,
  openSentinelProvider,
  SentinelAuthError,
  SentinelConfigError,
  SentinelError,
  SentinelNetworkError,
  SentinelProvider,
  SentinelQueryError,
  ServerTimeoutError,
  ServiceBusyError,
  TruncatedResultError,
  WorkspaceNotFoundError,
} from "./src/providers/sentinel/sentinel_provider.ts";
export type {
  CloudName,
  CredentialKind,
  QueryProgress,
  SentinelBatchOptions,
  SentinelBatchQuery,
  SentinelBatchResult,
  SentinelConfig,
  SentinelErrorOptions,
  SentinelProviderOptions,
  SentinelQueryOptions,
  SentinelQueryResult,
  WorkspaceConfig,
} from "./src/providers/sentinel/sentinel_provider.ts";

// Enrichment
export { EnrichmentError, EnrichmentProviderError } from "./src/enrich/errors.ts";
export type { EnrichmentErrorOptions } from "./src/enrich/errors.ts";
export { BUILTIN_IOC_TYPES, extractIocs, extractIocsFrame, refang } from "./src/enrich/ioc.ts";
export type {
  BuiltinIocType,
  CustomIocType,
  ExtractIocsFrameOptions,
  ExtractIocsOptions,
  IocMatch,
} from "./src/enrich/ioc.ts";
export {
  decode,
  decodeFrame,
  entropy,
  obfuscationFrame,
  obfuscationIndicators,
} from "./src/enrich/decode.ts";
export type {
  BinaryPayload,
  DecodeLayer,
  DecodeLayerKind,
  DecodeOptions,
  DecodeResult,
  DecodeStatus,
  ObfuscationIndicator,
  ObfuscationOptions,
  ObfuscationReport,
} from "./src/enrich/decode.ts";
export { FolderCache, hashKey, MemoryCache } from "./src/enrich/cache.ts";
export type { EnrichmentCache } from "./src/enrich/cache.ts";
export {
  classifyIp,
  GEO_SOURCES,
  GeoIpDatabase,
  geoLookup,
  geoLookupFrame,
} from "./src/enrich/geoip.ts";
export type {
  GeoDataSource,
  GeoIpOptions,
  GeoIpRecord,
  GeoStatus,
  IpClass,
  IpKind,
} from "./src/enrich/geoip.ts";
export {
  abuseIpDb,
  feedFromJson,
  greyNoise,
  INDICATOR_TYPES,
  loadFeed,
  lookupIndicators,
  lookupIndicatorsFrame,
  onlineProviders,
  otx,
  tiResultsFrame,
  virusTotal,
} from "./src/enrich/threat_intel.ts";
export type {
  FeedEntry,
  FeedFormat,
  HttpProviderOptions,
  IndicatorInput,
  IndicatorType,
  LoadFeedOptions,
  LookupOptions,
  ParsedFeed,
  TiAnswer,
  TiProvider,
  TiResult,
  TiStatus,
  Verdict,
} from "./src/enrich/threat_intel.ts";
export { BOOTSTRAP_SNAPSHOT, rdapLookup, rdapLookupFrame } from "./src/enrich/whois.ts";
export type {
  Bootstrap,
  BootstrapFile,
  RdapFacts,
  RdapOptions,
  RdapRecord,
  RdapStatus,
} from "./src/enrich/whois.ts";
