/**
 * Providers: where queries go. `Provider` is the contract every data source implements
 * (tables, schemas, KQL queries returning Polars frames with their Kusto schema and
 * warnings); its errors name the provider and carry a hint. The local provider serves a
 * folder of exported files (the bundled demo case by default) through the local KQL
 * engine. The Sentinel / Log Analytics provider is its own unit,
 * `src/providers/sentinel/mod.ts`, so that local work never loads the Azure SDK.
 *
 * @example Query the bundled demo case
 * ```ts
 * import assert from "node:assert/strict";
 * import { openLocalProvider, UnknownTableError } from "./mod.ts";
 *
 * const provider = await openLocalProvider();
 * assert.equal(provider.kind, "local");
 * const result = await provider.query(
 *   "SecurityAlert | summarize n = count() by AlertSeverity | sort by AlertSeverity asc",
 * );
 * assert.deepEqual(result.schema.columns, [
 *   { name: "AlertSeverity", type: "string" },
 *   { name: "n", type: "long" },
 * ]);
 * assert.equal(result.rowCount, result.frame.height);
 * await assert.rejects(provider.schema("SecurityAlerts"), UnknownTableError);
 * ```
 *
 * @module
 */
export type {
  Provider,
  ProviderKind,
  QueryOptions,
  QueryProgress,
  QueryResult,
  QueryWarning,
  RenderSpec,
  TableInfo,
  TableSource,
  TimeRange,
} from "./provider.ts";
export { ProviderError, UnknownTableError, UnsupportedQueryError } from "./errors.ts";
export { DEMO_CASE_DIR, openLocalProvider } from "./local/local_provider.ts";
export { attachRender, renderOf } from "./frame_render.ts";
export type { FrameRender } from "./frame_render.ts";
export { attachTables, tablesOf } from "./frame_tables.ts";
export type { FrameTable } from "./frame_tables.ts";
export type { LocalProvider, LocalProviderOptions, LocalTable } from "./local/local_provider.ts";
// Types of other units this surface refers to.
export type { ColumnSchema, KustoType, TableSchema } from "../schema/mod.ts";
export type { CaseManifest, LoadWarning, ManifestExternal, ManifestTable } from "../data/mod.ts";
export type { DataFrame, LazyDataFrame } from "../polars.ts";
export type { CasefileError, CasefileErrorOptions } from "../errors.ts";
