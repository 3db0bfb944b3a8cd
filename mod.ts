/**
 * casefile: security investigations over Microsoft Sentinel and local data, in Deno.
 *
 * - Providers: a folder of exported or bundled data (`openLocalProvider`, queried with the
 *   local KQL engine on Polars) or Sentinel / Log Analytics (`openSentinelProvider`); results
 *   are Polars DataFrames with their Kusto types.
 * - Sessions (`openSession`): typed parameters, the `kql` template, a crash-safe journal, a
 *   result cache, resume, re-run, and exports as a script, a notebook or a report.
 * - Enrichment (IoCs, decoding, geo-IP, threat intel, RDAP), analysis (process trees,
 *   beacons, anomalies, rarity, logon sessions, masking) and charts (vega-lite, rendered to
 *   SVG, PNG or HTML, and shown richly in the Deno Jupyter kernel).
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

// Analysis
export { AnalysisError } from "./src/analysis/errors.ts";
export type { AnalysisErrorOptions } from "./src/analysis/errors.ts";
export {
  buildProcessTree,
  detectProcessSchema,
  PROCESS_SCHEMA_KINDS,
  PROCESS_SCHEMAS,
  ProcessTree,
} from "./src/analysis/process_tree.ts";
export type {
  AroundOptions,
  BuildProcessTreeOptions,
  ParentRule,
  ProcessColumns,
  ProcessSchemaKind,
  ProcessTreeSummary,
  ProcessTreeTextOptions,
  ProcessTreeTextOptionsWithRows,
} from "./src/analysis/process_tree.ts";
export { findBeacons } from "./src/analysis/beaconing.ts";
export type { FindBeaconsOptions } from "./src/analysis/beaconing.ts";
export { findPasswordAttacks, SIGNIN_FAILURE_CODES } from "./src/analysis/password_attacks.ts";
export type {
  AuthColumns,
  AuthSourceKind,
  FindPasswordAttacksOptions,
} from "./src/analysis/password_attacks.ts";
export { decomposeSeries, findAnomalies } from "./src/analysis/anomalies.ts";
export type { DecomposeSeriesOptions } from "./src/analysis/anomalies.ts";
export { firstSeen, rareValues } from "./src/analysis/rarity.ts";
export type { FirstSeenOptions, RareValuesOptions } from "./src/analysis/rarity.ts";
export { createMasker, Masker } from "./src/analysis/masking.ts";
export type { ColumnRule, MaskerOptions, MaskKind, MaskOptions } from "./src/analysis/masking.ts";
export { logonSessions } from "./src/analysis/logon_sessions.ts";
export type { LogonSessionsOptions } from "./src/analysis/logon_sessions.ts";
// Sessions
export {
  defaultHome,
  listSessions,
  openSession,
  removeSession,
  Session,
} from "./src/session/session.ts";
export type {
  RerunOptions,
  SessionOptions,
  Step,
  StepChart,
  StepCheck,
  StepExpectation,
  StepKind,
  StepMark,
  StepQueryOptions,
  StepRecord,
  StepRunOptions,
} from "./src/session/session.ts";
export {
  formatParam,
  param,
  PARAM_KINDS,
  ParamRef,
  ParamSet,
  parseParam,
  Timespan,
} from "./src/session/params.ts";
export type {
  ParamBuilder,
  ParamInfo,
  ParamKind,
  ParamSpec,
  ParamSpecInput,
  ParamValue,
  ParamValueMap,
} from "./src/session/params.ts";
export { kql, kqlIdent, kqlLiteral, KqlQuery, RawKql, rawKql } from "./src/session/kql_template.ts";
export { CACHE_FORMAT, digestFrame, ResultCache, sha256Hex } from "./src/session/result_cache.ts";
export type {
  CacheEntry,
  CacheLookup,
  CacheStats,
  ResultCacheOptions,
  ResultDigest,
} from "./src/session/result_cache.ts";
export type { ResultSummary, TemplatePart } from "./src/session/_journal.ts";
export {
  BundleError,
  CodeSyntaxError,
  EvaluationCancelled,
  KqlTemplateError,
  ParamError,
  ReplayError,
  SessionError,
  SessionLockedError,
  SessionWriteError,
  StepError,
} from "./src/session/errors.ts";
export { exportScript } from "./src/session/export_script.ts";
export { replaySession } from "./src/session/replay.ts";
export type { ReplayProvider, ReplaySpec } from "./src/session/replay.ts";
export type { RecordedStep, ReplayFailure } from "./src/session/session.ts";
export type { ExportScriptOptions } from "./src/session/export_script.ts";
export { BUNDLE_FORMAT, exportBundle, importBundle } from "./src/session/bundle.ts";
export type {
  BundleSummary,
  ImportBundleOptions,
  ImportedBundle,
  ImportedResult,
} from "./src/session/bundle.ts";
export { verifySession } from "./src/session/verify.ts";
export type { VerifiedStep, VerifyReport, VerifyStatus } from "./src/session/verify.ts";
export { exportReport } from "./src/session/export_report.ts";
export type { ChartRenderer, ExportReportOptions } from "./src/session/export_report.ts";
export { exportNotebook } from "./src/session/export_notebook.ts";
export type { ExportNotebookOptions } from "./src/session/export_notebook.ts";
// Charts
export { Chart } from "./src/viz/chart.ts";
export type { ChartGrammar, ChartInit, ChartKind } from "./src/viz/chart.ts";
export {
  barChart,
  heatmapChart,
  histogramChart,
  pieChart,
  processTreeChart,
  RENDER_VISUALIZATIONS,
  renderChart,
  scatterChart,
  stackedBarChart,
  timeChart,
  timelineChart,
} from "./src/viz/charts.ts";
export type {
  Aggregate,
  AxisOptions,
  BarChartOptions,
  ChartOptions,
  HeatmapOptions,
  HistogramOptions,
  PieChartOptions,
  ProcessTreeOptions,
  RenderChartOptions,
  RenderInput,
  RenderVisualization,
  ScatterChartOptions,
  StackedBarChartOptions,
  TimeChartOptions,
  TimelineMarker,
  TimelineOptions,
} from "./src/viz/charts.ts";
export { chartToHtml, chartToPng, chartToSvg, writeChart } from "./src/viz/render.ts";
export type { ChartFormat, HtmlOptions, PngOptions, WriteChartOptions } from "./src/viz/render.ts";
export { ChartError } from "./src/viz/errors.ts";
export type { ChartErrorOptions } from "./src/viz/errors.ts";

// Jupyter
export {
  display,
  displayable,
  frameToHtml,
  installNotebookDisplay,
  isJupyterKernel,
} from "./src/jupyter/jupyter.ts";
export type { FrameHtmlOptions, MimeBundle } from "./src/jupyter/jupyter.ts";
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
