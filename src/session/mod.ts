/**
 * Investigation sessions: a named, linear, persistent progression of steps (KQL queries
 * and TypeScript code) driven by typed parameters. {@link openSession} opens one (or
 * resumes it: its variables come back from the result cache without calling any service);
 * every step is journaled durably the moment it completes, its result kept in the shared
 * result cache under its SHA-256, and the session can be re-run with other parameter
 * values, verified against its journal, and exported.
 *
 * Every export has one shape: `exportX(session, options)` returns what it made (the text
 * of a replayable script, a notebook or a report; a bundle's bytes with what they hold)
 * and, given `options.path`, also writes it there, private to the user. A replayable
 * script runs {@link replaySession}; a bundle opens elsewhere with {@link importBundle}.
 *
 * Hosts that read code before running it as a step (the REPL) use
 * {@link isCompleteTypeScript}, {@link transformInput} and {@link RESERVED_STEP_NAMES}.
 *
 * @example Investigate, mark a finding, and export a report
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportReport, kql, openSession, param } from "./mod.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const home = await Deno.makeTempDir();
 * const session = await openSession("spray", {
 *   home,
 *   provider: await openLocalProvider(),
 *   params: { code: param.string("50126") },
 * });
 * const failures = await session.query(
 *   "failures",
 *   kql`SigninLogs | where ResultType == ${session.params.code} | summarize n = count() by IPAddress`,
 * );
 * await session.run("top", ({ failures }) => failures.sort("n", true).head(2));
 * await session.mark("top", "finding", "Two addresses lead the spray");
 * const report = await exportReport(session, { format: "markdown" });
 *
 * assert.deepEqual(session.steps().map((s) => s.record.name), ["failures", "top"]);
 * assert.equal((session.value("top") as typeof failures).height, 2);
 * assert.equal(report.split("\n")[0], "# Session spray");
 * await session.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 *
 * @module
 */

// Sessions
export { openSession } from "./session.ts";
export type {
  RerunOptions,
  Session,
  SessionOptions,
  StepEvaluateOptions,
  StepQueryOptions,
  StepRecordOptions,
  StepRunOptions,
} from "./session.ts";
export { defaultHome, listSessions, removeSession } from "./home.ts";
export type { SessionListing } from "./home.ts";
export type { Step } from "./_step_list.ts";
export type {
  JournalRecord,
  MarkRecord,
  ParamsRecord,
  ResultSummary,
  SessionRecord,
  StepChart,
  StepCheck,
  StepKind,
  StepMark,
  StepRecord,
  Stored,
  TemplatePart,
} from "./_journal.ts";
export type { ProviderSource } from "./_provider_source.ts";

// Parameters and the `kql` template
export {
  formatParam,
  param,
  PARAM_KINDS,
  ParamRef,
  ParamSet,
  parseParam,
  Timespan,
} from "./params.ts";
export type {
  ParamBuilder,
  ParamInfo,
  ParamKind,
  ParamSpec,
  ParamSpecInput,
  ParamValue,
  ParamValueMap,
} from "./params.ts";
export {
  kql,
  type KqlExpression,
  kqlExpression,
  kqlIdent,
  kqlLiteral,
  KqlQuery,
  RawKql,
  rawKql,
} from "./kql_template.ts";

// The result cache
export { CACHE_FORMAT, digestFrame, ResultCache, sha256Hex } from "./result_cache.ts";
export type {
  CacheEntry,
  CacheLookup,
  CacheStats,
  ResultCacheOptions,
  ResultDigest,
} from "./result_cache.ts";

// Errors
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
} from "./errors.ts";

// Exports
export type { ExportOptions } from "./_export_common.ts";
export { exportScript } from "./export_script.ts";
export type { ExportScriptOptions } from "./export_script.ts";
export { exportNotebook } from "./export_notebook.ts";
export type { ExportNotebookOptions } from "./export_notebook.ts";
export { exportReport } from "./export_report.ts";
export type { ChartRenderer, ExportReportOptions } from "./export_report.ts";
export { BUNDLE_FORMAT, exportBundle, importBundle } from "./bundle.ts";
export type {
  BundleSummary,
  ExportBundleOptions,
  ImportBundleOptions,
  ImportedBundle,
  ImportedResult,
} from "./bundle.ts";

// Replays and verification
export { replaySession } from "./replay.ts";
export type { ReplayProvider, ReplaySpec } from "./replay.ts";
export type {
  RecordedStep,
  ReplayFailure,
  SessionReplayOptions,
  StepExpectation,
} from "./_replay_run.ts";
export { verifySession } from "./verify.ts";
export type { VerifiedStep, VerifyReport, VerifyStatus } from "./verify.ts";

// Code input, for hosts that read code before running it as a step
export {
  isCompleteTypeScript,
  loadTypeScript,
  RESERVED_STEP_NAMES,
  transformInput,
} from "./code.ts";
export type { TransformedInput, TypeScriptCompiler } from "./code.ts";

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
} from "../providers/mod.ts";
export type { CloudName, CredentialKind } from "../providers/sentinel/mod.ts";
export type { ColumnSchema, KustoType, TableSchema } from "../schema/mod.ts";
export type { Span } from "../kql/mod.ts";
export type { EnrichmentCache } from "../enrich/mod.ts";
export type { DataFrame } from "../polars.ts";
export type { CasefileError, CasefileErrorOptions } from "../errors.ts";
