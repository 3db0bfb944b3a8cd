/**
 * Reading data files into typed tables: Parquet, CSV, TSV, JSON and NDJSON exports
 * (`loadTable`), with Kusto column types inferred from text or taken from a known schema;
 * a case folder's manifest (`readManifest`) and the tables a folder holds
 * (`discoverTables`); and the local files KQL's `externaldata` operator names
 * (`loadExternalData`). Problems with a file are a `DataLoadError` naming the file and
 * line; values that did not fit a type come back as warnings beside the table.
 *
 * @example Load a CSV export, typed by inference
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataLoadError, loadTable } from "./mod.ts";
 *
 * const folder = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${folder}/FailedLogons.csv`,
 *   "TimeGenerated,Account,Failures\n" +
 *     "2026-03-10T08:00:00Z,ana@larkspur.example,12\n" +
 *     "2026-03-10T08:01:00Z,ben@larkspur.example,1\n",
 * );
 * const table = await loadTable(`${folder}/FailedLogons.csv`);
 * assert.equal(table.schema.name, "FailedLogons");
 * assert.deepEqual(table.schema.columns, [
 *   { name: "TimeGenerated", type: "datetime" },
 *   { name: "Account", type: "string" },
 *   { name: "Failures", type: "long" },
 * ]);
 * assert.deepEqual(table.warnings, []);
 *
 * await Deno.writeTextFile(`${folder}/broken.csv`, 'Name,Note\nana,"never closed\n');
 * await assert.rejects(loadTable(`${folder}/broken.csv`), DataLoadError);
 * await Deno.remove(folder, { recursive: true });
 * ```
 *
 * @module
 */
export { loadTable } from "./load.ts";
export type { FileFormat, LoadedTable, LoadTableOptions } from "./load.ts";
export { changedFile, guardScan, misfitFallback, scanFailure, scanTable } from "./scan.ts";
export type { FileStamp, GuardScanOptions, ScanFailureOptions, ScannedTable } from "./scan.ts";
export { DataLoadError } from "./errors.ts";
export type { DataLoadErrorOptions, LoadWarning } from "./errors.ts";
export { MANIFEST_FILE, MANIFEST_FORMAT, readManifest } from "./manifest.ts";
export type { CaseManifest, ManifestExternal, ManifestTable } from "./manifest.ts";
export { discoverTables } from "./folder.ts";
export type { DiscoverTablesOptions, FolderContents, TableEntry } from "./folder.ts";
export { loadExternalData } from "./external_data.ts";
export type { ExternalDataOptions } from "./external_data.ts";
// Types of other units this surface refers to.
export type { ColumnSchema, KustoType, TableSchema } from "../schema/mod.ts";
export type { DataFrame, LazyDataFrame } from "../polars.ts";
export type { CasefileError, CasefileErrorOptions } from "../errors.ts";
