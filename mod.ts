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
 * - A hunting library of parameterised queries, entity pivots and guided investigations
 *   (`hunt`, `pivot`, `investigateAlert`); more providers (Azure Data Explorer, Defender XDR)
 *   and Sentinel incidents read and written back.
 *
 * Each capability is also a subpath of its own (`casefile/kql`, `casefile/session`,
 * `casefile/sentinel`, `casefile/viz`, ...; CONTRIBUTING.md lists them), so a script loads only
 * what it uses: `casefile/kql` loads neither the Azure SDK nor vega.
 *
 * @example The demo case's password spray, found with KQL
 * ```ts
 * import assert from "node:assert/strict";
 * import { openLocalProvider } from "./mod.ts";
 *
 * const provider = await openLocalProvider();
 * const tables = await provider.tables();
 * assert.equal(tables.find((t) => t.name === "SecurityAlert")?.rows, 15);
 * const alerts = await provider.query(
 *   "SecurityAlert | where AlertName == 'Password Spray' | project TimeGenerated",
 * );
 * assert.deepEqual(alerts.frame.getColumn("TimeGenerated").toArray(), [
 *   new Date("2026-03-11T05:12:44Z"),
 * ]);
 * ```
 *
 * @module
 */

// Polars, the frames every result is
export { pl } from "./src/polars.ts";
export type { DataFrame, LazyDataFrame, Series } from "./src/polars.ts";

// The base error
export { CasefileError } from "./src/errors.ts";
export type { CasefileErrorOptions } from "./src/errors.ts";
export { OptionError } from "./src/options.ts";
export type { OptionErrorOptions } from "./src/options.ts";

// Kusto types and Sentinel schemas
export { formatSchema, KUSTO_TYPES, polarsTypeOf, SENTINEL_SCHEMAS } from "./src/schema/mod.ts";
export type { ColumnSchema, KustoType, TableSchema } from "./src/schema/mod.ts";

// Loading data
export { DataLoadError, loadTable, scanTable } from "./src/data/mod.ts";
export type {
  CaseManifest,
  FileFormat,
  FileStamp,
  LoadedTable,
  LoadTableOptions,
  LoadWarning,
  ManifestExternal,
  ManifestTable,
  ScannedTable,
} from "./src/data/mod.ts";

// Providers: the contract and the local provider
export {
  attachRender,
  attachTables,
  DEMO_CASE_DIR,
  openLocalProvider,
  ProviderError,
  renderOf,
  tablesOf,
  UnknownTableError,
  UnsupportedQueryError,
} from "./src/providers/mod.ts";
export type {
  FrameRender,
  FrameTable,
  LocalProvider,
  LocalProviderOptions,
  LocalTable,
  Provider,
  ProviderKind,
  QueryOptions,
  QueryResult,
  QueryWarning,
  RenderSpec,
  TableInfo,
  TableSource,
  TimeRange,
} from "./src/providers/mod.ts";

// The local KQL engine
export {
  executeKql,
  KqlSemanticError,
  KqlSyntaxError,
  KqlUnsupportedError,
  runKql,
  SUPPORTED_FUNCTIONS,
  SUPPORTED_OPERATORS,
} from "./src/kql/mod.ts";
export type { KqlLimits, KqlResult, KqlTable, RunKqlOptions } from "./src/kql/mod.ts";

// Microsoft Sentinel / Log Analytics
export {
  ClientTimeoutError,
  IncidentConflictError,
  IncidentError,
  MalformedResponseError,
  openIncidents,
  openSentinelProvider,
  seedSession,
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
} from "./src/providers/sentinel/mod.ts";
export type {
  CloudName,
  CredentialKind,
  IncidentClient,
  IncidentClientOptions,
  ListIncidentsOptions,
  OpenedIncident,
  QueryProgress,
  SeedSessionOptions,
  SentinelBatchOptions,
  SentinelBatchQuery,
  SentinelBatchResult,
  SentinelConfig,
  SentinelErrorOptions,
  SentinelProvider,
  SentinelProviderOptions,
  SentinelQueryOptions,
  SentinelQueryResult,
  SkippedIndicator,
  ThreatIntelWriteOptions,
  WorkspaceConfig,
  WriteBackItem,
  WriteBackOptions,
  WriteBackReport,
} from "./src/providers/sentinel/mod.ts";

// Azure Data Explorer
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
  adxTokenCredential,
  openAdxProvider,
} from "./src/providers/adx/mod.ts";
export type {
  AdxCredentialKind,
  AdxEnvReader,
  AdxErrorOptions,
  AdxParameterValue,
  AdxProvider,
  AdxProviderOptions,
  AdxQueryOptions,
  AdxSignIn,
} from "./src/providers/adx/mod.ts";

// Microsoft Defender XDR advanced hunting
export {
  openXdrProvider,
  XDR_MAX_ROWS,
  XDR_QUERY_LIMIT_MS,
  XDR_RETENTION_DAYS,
  XDR_TABLES,
  XdrAuthError,
  XdrConfigError,
  XdrError,
  XdrNetworkError,
  XdrQueryError,
  XdrQuotaError,
  XdrResponseError,
  XdrThrottledError,
  XdrTimeoutError,
} from "./src/providers/xdr/mod.ts";
export type {
  XdrCloud,
  XdrCredentialKind,
  XdrEnvReader,
  XdrErrorOptions,
  XdrProvider,
  XdrProviderOptions,
  XdrRetrySettings,
} from "./src/providers/xdr/mod.ts";

// Analysis
export {
  AnalysisError,
  buildProcessTree,
  createMasker,
  decomposeSeries,
  detectProcessSchema,
  findAnomalies,
  findBeacons,
  findPasswordAttacks,
  firstSeen,
  logonSessions,
  PROCESS_SCHEMA_KINDS,
  PROCESS_SCHEMAS,
  rareValues,
  SIGNIN_FAILURE_CODES,
} from "./src/analysis/mod.ts";
export type {
  AnalysisErrorOptions,
  AroundOptions,
  AuthColumns,
  AuthSourceKind,
  BuildProcessTreeOptions,
  ColumnRule,
  DecomposeSeriesOptions,
  FindBeaconsOptions,
  FindPasswordAttacksOptions,
  FirstSeenOptions,
  LogonSessionsOptions,
  Masker,
  MaskerOptions,
  MaskKind,
  MaskOptions,
  ParentRule,
  ProcessColumns,
  ProcessSchemaKind,
  ProcessTree,
  ProcessTreeSummary,
  ProcessTreeTextOptions,
  ProcessTreeTextOptionsWithRows,
  RareValuesOptions,
} from "./src/analysis/mod.ts";

// Seeing values whole: the record view of a row, terminal-safe text of a cell
export {
  cellText,
  DisplayError,
  displayWidth,
  fitWidth,
  padWidth,
  show,
  terminalSafe,
} from "./src/display/mod.ts";
export type {
  CellTextOptions,
  RecordField,
  RecordView,
  ShowOptions,
  TerminalSafeOptions,
} from "./src/display/mod.ts";

// Sessions
export {
  BUNDLE_FORMAT,
  BundleError,
  CACHE_FORMAT,
  CodeSyntaxError,
  defaultHome,
  digestFrame,
  EvaluationCancelled,
  exportBundle,
  exportNotebook,
  exportReport,
  exportScript,
  formatParam,
  importBundle,
  kql,
  kqlExpression,
  kqlIdent,
  kqlLiteral,
  KqlQuery,
  KqlTemplateError,
  listSessions,
  openSession,
  param,
  PARAM_KINDS,
  ParamError,
  ParamRef,
  ParamSet,
  parseParam,
  RawKql,
  rawKql,
  removeSession,
  ReplayError,
  replaySession,
  ResultCache,
  SessionError,
  SessionLockedError,
  SessionWriteError,
  sha256Hex,
  StepError,
  Timespan,
  verifySession,
} from "./src/session/mod.ts";
export type {
  BundleSummary,
  CacheEntry,
  CacheLookup,
  CacheStats,
  ChartRenderer,
  ExportBundleOptions,
  ExportNotebookOptions,
  ExportOptions,
  ExportReportOptions,
  ExportScriptOptions,
  ImportBundleOptions,
  ImportedBundle,
  ImportedResult,
  KqlExpression,
  ParamBuilder,
  ParamInfo,
  ParamKind,
  ParamSpec,
  ParamSpecInput,
  ParamValue,
  ParamValueMap,
  RecordedStep,
  ReplayFailure,
  ReplayProvider,
  ReplaySpec,
  RerunOptions,
  ResultCacheOptions,
  ResultDigest,
  ResultSummary,
  Session,
  SessionListing,
  SessionOptions,
  SessionReplayOptions,
  Step,
  StepChart,
  StepCheck,
  StepEvaluateOptions,
  StepExpectation,
  StepKind,
  StepMark,
  StepQueryOptions,
  StepRecord,
  StepRecordOptions,
  StepRunOptions,
  TemplatePart,
  VerifiedStep,
  VerifyReport,
  VerifyStatus,
} from "./src/session/mod.ts";

// Charts
export {
  barChart,
  ChartError,
  chartToHtml,
  chartToPng,
  chartToSvg,
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
  writeChart,
} from "./src/viz/mod.ts";
export type {
  Aggregate,
  AxisOptions,
  BarChartOptions,
  Chart,
  ChartErrorOptions,
  ChartFormat,
  ChartGrammar,
  ChartInit,
  ChartKind,
  ChartOptions,
  HeatmapOptions,
  HistogramOptions,
  HtmlOptions,
  PieChartOptions,
  PngOptions,
  ProcessTreeOptions,
  RenderChartOptions,
  RenderInput,
  RenderVisualization,
  ScatterChartOptions,
  StackedBarChartOptions,
  TimeChartOptions,
  TimelineMarker,
  TimelineOptions,
  WriteChartOptions,
} from "./src/viz/mod.ts";

// Jupyter
export {
  display,
  displayable,
  frameToHtml,
  installNotebookDisplay,
  isJupyterKernel,
} from "./src/jupyter/mod.ts";
export type { FrameHtmlOptions, MimeBundle } from "./src/jupyter/mod.ts";

// Enrichment
export {
  abuseIpDb,
  BOOTSTRAP_SNAPSHOT,
  BUILTIN_IOC_TYPES,
  classifyIp,
  decode,
  decodeFrame,
  EnrichmentError,
  EnrichmentProviderError,
  entropy,
  extractIocs,
  extractIocsFrame,
  feedFromJson,
  FolderCache,
  GEO_SOURCES,
  GeoIpDatabase,
  geoLookup,
  geoLookupFrame,
  greyNoise,
  hashKey,
  INDICATOR_TYPES,
  loadFeed,
  lookupIndicators,
  lookupIndicatorsFrame,
  MemoryCache,
  obfuscationFrame,
  obfuscationIndicators,
  onlineProviders,
  otx,
  rdapLookup,
  rdapLookupFrame,
  refang,
  tiResultsFrame,
  virusTotal,
} from "./src/enrich/mod.ts";
export type {
  BinaryPayload,
  Bootstrap,
  BootstrapFile,
  BuiltinIocType,
  CustomIocType,
  DecodeLayer,
  DecodeLayerKind,
  DecodeOptions,
  DecodeResult,
  DecodeStatus,
  EnrichmentCache,
  EnrichmentErrorOptions,
  ExtractIocsFrameOptions,
  ExtractIocsOptions,
  FeedEntry,
  FeedFormat,
  GeoDataSource,
  GeoIpOptions,
  GeoIpRecord,
  GeoStatus,
  HttpProviderOptions,
  IndicatorInput,
  IndicatorType,
  IocMatch,
  IpClass,
  IpKind,
  LoadFeedOptions,
  LookupOptions,
  ObfuscationIndicator,
  ObfuscationOptions,
  ObfuscationReport,
  ParsedFeed,
  RdapFacts,
  RdapOptions,
  RdapRecord,
  RdapStatus,
  TiAnswer,
  TiProvider,
  TiResult,
  TiStatus,
  Verdict,
} from "./src/enrich/mod.ts";

// The hunting library and entity pivots
export {
  ATTACK_TACTICS,
  bindable,
  builtinHuntFamilies,
  createHunt,
  createPivot,
  ENTITY_KINDS,
  EntityPivot,
  findHunt,
  hunt,
  huntEntityParams,
  huntEntries,
  HuntError,
  HuntLibraryError,
  huntText,
  investigateAccount,
  investigateAlert,
  investigateHost,
  investigateIncident,
  investigateIp,
  loadHuntFolder,
  parseHuntArg,
  pivot,
  PivotReport,
  problemPlace,
  runHuntQuery,
  SCOPE_BINDING,
  searchHunts,
  validateHuntFamilies,
} from "./src/hunt/mod.ts";
export type {
  AlertInput,
  EntityKind,
  Finding,
  FindingSeverity,
  Hunt,
  HuntArgs,
  HuntEntry,
  HuntFamily,
  HuntFunction,
  HuntParameter,
  HuntParamType,
  HuntParamValue,
  HuntProblem,
  HuntQuery,
  HuntRunOptions,
  HuntSearch,
  HuntText,
  InvestigatedEntity,
  InvestigatedKind,
  InvestigateOptions,
  InvestigateTarget,
  Investigation,
  Pivot,
  PivotEntry,
  PivotFunction,
  PivotOptions,
  PivotOutcome,
  ScopeContext,
  TimelineEntry,
} from "./src/hunt/mod.ts";
