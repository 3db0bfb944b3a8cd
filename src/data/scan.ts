/**
 * Tables scanned lazily from their files: a table of Parquet (or Arrow IPC) files, one or
 * many (a folder of daily files), becomes one Polars lazy scan, so a query's filters and
 * column selection reach the reader and only the row groups and columns it needs are read.
 * Planning reads each file's footer only (its columns and row count), which is where a
 * truncated or foreign file is caught, naming the file. A scan of files no recorded SHA-256
 * vouches for is marked `unverified`: Polars panics on some damaged pages, which aborts the
 * process inside an asynchronous `collect()`, so such plans are collected synchronously,
 * where the panic is an error. CSV and TSV tables are scanned too: Polars reads their text
 * in batches, typed by a sample of each file under the loader's rules, with a guard on every
 * typed column; a value the sample's type does not fit makes the table load whole (see
 * {@link misfitFallback}), and a read that fails is checked for the malformed line then.
 * NDJSON tables (and `.json` files of one object per line) are scanned the same way, typed
 * by Polars' inference over each file, their text columns by a sample and guarded; their
 * nested values are `dynamic` columns, with Polars' own text of each beside them for the
 * KQL engine's JSON-path reads ({@link ScannedTable.rawJson}). JSON documents, and Parquet
 * whose column types need converting to the known schema, are loaded whole with
 * {@link loadTable} as before.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { type DataFrame, type DataType, type LazyDataFrame, pl, variantOf } from "../polars.ts";
import {
  type KustoType,
  kustoTypeOfPolars,
  polarsTypeOf,
  type TableSchema,
} from "../schema/types.ts";
import { formatOf, loadTable, type LoadTableOptions, tableNameOf } from "./load.ts";
import { EMPTY_FILE_WARNING, isEmptyFile } from "./_empty.ts";
import { DEFAULT_MAX_FILE_BYTES } from "./_csv.ts";
import { refuseShadowingNames } from "./_names.ts";
import {
  checkParquetFooter,
  decodeFailure,
  parquetChunkProblems,
  parquetDamagedChunks,
  parquetNullCounts,
  parquetRowCount,
} from "./_parquet_footer.ts";
import { verifyTableSha256 } from "./_integrity.ts";
import { binaryColumns, binaryNote, hexText } from "./_binary.ts";
import { planTextScan, textScanFailure } from "./_scan_text.ts";
import { isMisfit, misfitColumn } from "./_scan_sample.ts";
import { ndjsonScanFailure, planNdjsonScan } from "./_scan_ndjson.ts";
import { DataLoadError, type LoadWarning } from "./errors.ts";
import { CasefileError } from "../errors.ts";
import { checkOptions, defineOptions } from "../options.ts";
import { pinMmapThreshold } from "./_malloc.ts";

const SCAN_TABLE_OPTIONS = defineOptions<LoadTableOptions>("scanTable", {
  name: { kind: "string", aliases: ["table"] },
  types: { kind: "object", aliases: ["schema"] },
  maxFileBytes: "number",
  rows: "number",
  sha256: "string",
});

/** A file's size and modification time when a table was planned. */
export interface FileStamp {
  /** The file. */
  readonly file: string;
  /** Its size in bytes. */
  readonly size: number;
  /** Its modification time (ms since the epoch), or -1 when the system gives none. */
  readonly mtime: number;
}

/** A table ready to query: a lazy plan over its files, or its rows in memory. */
export interface ScannedTable {
  /** The table's rows as a lazy frame: a scan of its files when `scanned`. */
  readonly frame: LazyDataFrame;
  /** Whether `frame` scans the files (true) or holds rows loaded whole (false). */
  readonly scanned: boolean;
  /**
   * Whether `frame` scans files whose content no recorded SHA-256 vouches for. Polars
   * panics on some damaged Parquet pages (nodejs-polars 0.25.2), and a panic inside the
   * asynchronous `collect()` aborts the whole process, where `collectSync()` turns it into
   * an error: collect such a plan synchronously.
   */
  readonly unverified: boolean;
  /** The number of rows (from the files' footers when scanned). */
  readonly rows: number;
  /** The table's name and Kusto column types. */
  readonly schema: TableSchema;
  /** The files, in the order their rows are in. */
  readonly files: readonly string[];
  /** The files' sizes and times when planned: a scan checks them before reading. */
  readonly stamps: readonly FileStamp[];
  /** What planning found (columns missing from some files, values that did not fit). */
  readonly warnings: readonly LoadWarning[];
  /** What the loader did that a user may want to know. */
  readonly notes: readonly string[];
  /** The rows in memory, when the table was loaded whole (not scanned). */
  readonly loaded?: DataFrame;
  /**
   * The columns that may hold nulls, from the Parquet footers' statistics (a column some
   * file lacks, or whose nulls a footer does not count, is one); undefined: any column.
   */
  readonly nullable?: ReadonlySet<string>;
  /**
   * Datetime columns the files store with a time zone, read as UTC without it (the engine's
   * datetimes carry none): Polars cannot skip row groups of such a column by a filter on it.
   */
  readonly zoned?: ReadonlySet<string>;
  /**
   * For a scanned NDJSON table with nested columns: the same rows with, beside each nested
   * column, a column of Polars' own text of its value (blanks after `:` and `,`), which the
   * KQL engine's JSON-path reads use instead of the compacted value (`columns`: nested
   * column → text column). The text is guarded like the value against what would read as
   * another value (a backslash), but numbers keep Polars' spelling, escaped control
   * characters are raw (serde reads no such text), and keys keep their order only in
   * objects of up to 32 keys none a whole number: a reader checks the values it reads.
   */
  readonly rawJson?: {
    readonly frame: LazyDataFrame;
    readonly columns: ReadonlyMap<string, string>;
  };
}

/**
 * Plans a table over `files`: Parquet and Arrow IPC files are scanned lazily (one scan per
 * file, in order, as one table); other formats, or files whose column types differ from
 * `options.types` in a way only reading the values can settle, are loaded whole with
 * {@link loadTable}. Columns missing from some files are null there, with a warning that
 * counts the files; a column whose type differs between files is an error naming both.
 * Empty (0-byte) text files among others hold no rows: the rest is scanned, with a
 * warning naming each empty file.
 *
 * @param files A file or a list of files.
 * @param options The table's name, known column types, rows the manifest promises, and
 *   the largest file allowed.
 * @returns The lazy table, its Kusto schema, row count and the files' stamps.
 * @throws {DataLoadError} when a file is missing, too large, truncated or not of its
 *   format, or the files' columns clash.
 *
 * @example Two daily files scanned as one table
 * ```ts
 * import assert from "node:assert/strict";
 * import { pl } from "../polars.ts";
 * import { scanTable } from "./scan.ts";
 *
 * const folder = await Deno.makeTempDir();
 * pl.DataFrame({ Account: ["ana", "ben"] }).writeParquet(`${folder}/day1.parquet`);
 * pl.DataFrame({ Account: ["cy"] }).writeParquet(`${folder}/day2.parquet`);
 * const table = await scanTable([`${folder}/day1.parquet`, `${folder}/day2.parquet`]);
 * assert.equal(table.scanned, true);
 * assert.equal(table.rows, 3);
 * const rows = table.frame.filter(pl.col("Account").eq(pl.lit("cy"))).collectSync();
 * assert.deepEqual(rows.toRecords(), [{ Account: "cy" }]);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function scanTable(
  files: string | readonly string[],
  options: LoadTableOptions = {},
): Promise<ScannedTable> {
  checkOptions("scanTable", options, SCAN_TABLE_OPTIONS);
  await removeStaleStandIns();
  const list = typeof files === "string" ? [files] : [...files];
  if (bytesOf(list) >= PIN_MMAP_FROM_BYTES) pinMmapThreshold();
  const scannable = list.length > 0 &&
    list.every((f) => formatOf(f) === "parquet" || formatOf(f) === "ipc");
  const planned = scannable
    ? await planScan(list, options)
    : (isText(list) || isNdjson(list)) && !list.every(isEmptyFile)
    ? await planText(list, options)
    : undefined;
  if (planned) return planned;
  const stamps = await stampsOf(list);
  const loaded = await loadTable(list, options);
  return {
    frame: loaded.frame.lazy(),
    scanned: false,
    unverified: false, // in memory: already read whole
    rows: loaded.frame.height,
    schema: loaded.schema,
    files: loaded.files,
    stamps,
    warnings: loaded.warnings,
    notes: loaded.notes,
    loaded: loaded.frame,
  };
}

/**
 * Tables from this size on disk pin glibc's mmap threshold for the process (`_malloc.ts`):
 * below it the peak the pin saves is small, and the pin costs ordinary queries on small
 * tables about 8% (demo case, six queries, measured side by side).
 */
const PIN_MMAP_FROM_BYTES = 128 * 2 ** 20;

function bytesOf(files: readonly string[]): number {
  let total = 0;
  for (const file of files) {
    try {
      total += Deno.statSync(file).size;
    } catch {
      // missing: the scan or load below reports it
    }
  }
  return total;
}

/**
 * The first of `stamps` whose file changed or disappeared since, with what happened, or
 * undefined when all are as they were.
 */
export async function changedFile(
  stamps: readonly FileStamp[],
): Promise<{ file: string; what: string } | undefined> {
  for (const stamp of stamps) {
    const now = await Deno.stat(stamp.file).catch(() => undefined);
    if (!now) return { file: stamp.file, what: "disappeared" };
    if (now.size !== stamp.size || (now.mtime?.getTime() ?? -1) !== stamp.mtime) {
      return { file: stamp.file, what: "changed" };
    }
  }
  return undefined;
}

/**
 * The clear error for a scan that failed while reading: the file that changed, disappeared
 * or cannot be read, or undefined when every file of `table` still reads, or when `error`
 * is a casefile error of the query's own (a mistake in it, Ctrl-C): the failure was the
 * query's, not the data's, and the files are not read to check.
 */
export async function scanFailure(
  table: Pick<ScannedTable, "schema" | "files" | "stamps" | "scanned">,
  error: unknown,
  options: ScanFailureOptions = {},
): Promise<DataLoadError | undefined> {
  checkOptions("scanFailure", options, SCAN_FAILURE_OPTIONS);
  const changed = await changedFile(table.stamps);
  if (changed) {
    return new DataLoadError(
      `Cannot read table ${table.schema.name}: ${changed.file} ${changed.what} after the ` +
        "query was planned",
      {
        file: changed.file,
        cause: error,
        hint: "Another program is writing the data folder: wait until it is done, then run " +
          "the query again (casefile reads the folder afresh).",
      },
    );
  }
  if (!table.scanned || !fromTheData(error)) return undefined;
  if (isText(table.files) || isNdjson(table.files)) return await textFailure(table, error);
  const damaged = (file: string, problem: string, cause: unknown) =>
    new DataLoadError(
      `Cannot read ${file} (table ${table.schema.name}): its data is damaged (${problem})`,
      {
        file,
        cause,
        hint: "Copy or export the file again, or move it out of the folder to query the rest.",
      },
    );
  // Which file the read failed in, Polars does not say (its message names no file, and a
  // stand-in's path is not the file's): a stand-in is named when the columns the query
  // names meet its damaged chunks, then a file whose values do not decode, and only then
  // a stand-in the query may have read through columns it does not name (`take 5`).
  const withStandIn = table.files.filter((file) => standInOf(file));
  for (const file of withStandIn) {
    if (options.columns !== undefined && !decodes(file, options.columns)) {
      return damaged(file, standInOf(file)!.problem, error);
    }
  }
  for (const file of table.files) {
    if (withStandIn.includes(file)) continue;
    try {
      // Every value decoded, only a row of counts kept: a file at a time, in bounded memory.
      // Synchronously: a Polars panic on damaged pages is an error there, but aborts the
      // process from the asynchronous collect (nodejs-polars 0.25.2).
      scanOne(file).select(pl.all().nullCount()).collectSync();
    } catch (cause) {
      return damaged(file, decodeFailure(cause), cause);
    }
  }
  const first = withStandIn.find((file) => options.columns === undefined || !decodes(file));
  return first === undefined ? undefined : damaged(first, standInOf(first)!.problem, error);
}

/** Options of {@link scanFailure}. */
export interface ScanFailureOptions {
  /**
   * The columns the query names: a file with damaged chunks is named when these meet them
   * (a query reads at least the columns it names). Without them, the first such file.
   */
  columns?: readonly string[];
}

const SCAN_FAILURE_OPTIONS = defineOptions<ScanFailureOptions>("scanFailure", {
  columns: "strings",
});

// Whether the columns `columns` of `file` (all when not given), as a scan reads it, decode.
function decodes(file: string, columns?: readonly string[]): boolean {
  try {
    const lazy = scanOne(file);
    const own = columns && lazy.limit(0).collectSync().columns.filter((c) => columns.includes(c));
    if (own?.length === 0) return true;
    lazy.select(
      ...(own ?? []).map((c) => pl.col(c).nullCount()),
      ...(own ? [] : [pl.all().nullCount()]),
    )
      .collectSync();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the query over a scanned CSV, TSV or NDJSON `table` failed with `error` because
 * a value did not fit the type the sample gave its column. If so, the table is loaded whole by
 * {@link scanTable} from now on (until its files change), typed from every row as
 * {@link loadTable} types it: plan it again and run the query again.
 */
export function misfitFallback(
  table: Pick<ScannedTable, "files" | "stamps" | "scanned">,
  error: unknown,
): boolean {
  if (!table.scanned || !(isText(table.files) || isNdjson(table.files))) return false;
  if (!isMisfit(error)) return false;
  loadWhole.add(stampKey(table.stamps));
  return true;
}

// Text tables whose scan met a value its sample's types do not fit, by their files' stamps.
const loadWhole = new Set<string>();

function stampKey(stamps: readonly FileStamp[]): string {
  return stamps.map((s) => `${s.file}\0${s.size}\0${s.mtime}`).join("\n");
}

// NDJSON, and JSON that may hold one object per line (its plan looks at its head).
function isNdjson(files: readonly string[]): boolean {
  return files.length > 0 && files.every((f) => formatOf(f) === "ndjson" || formatOf(f) === "json");
}

function isText(files: readonly string[]): boolean {
  return files.length > 0 && files.every((f) => formatOf(f) === "csv" || formatOf(f) === "tsv");
}

// A failed read of a scanned text table: a misfit (for a caller that does not fall back),
// else the malformed line or the file that does not read.
async function textFailure(
  table: Pick<ScannedTable, "schema" | "files">,
  error: unknown,
): Promise<DataLoadError | undefined> {
  if (isMisfit(error)) {
    return new DataLoadError(
      `Cannot read table ${table.schema.name} as scanned: a value of column ` +
        `${misfitColumn(error)} does not fit the type its sample of rows gave it`,
      {
        file: table.files[0],
        cause: error,
        hint: "Run the query again: the table is then loaded whole, its types from every row.",
      },
    );
  }
  // Empty files were not scanned (their stamps say they still are empty).
  const read = table.files.filter((file) => !isEmptyFile(file));
  if (isNdjson(table.files)) return await ndjsonScanFailure(read, table.schema.name);
  return await textScanFailure(read, table.schema.name, Number.MAX_SAFE_INTEGER);
}

// A CSV/TSV table as a lazy scan, or undefined when it is loaded whole.
async function planText(
  files: string[],
  options: LoadTableOptions,
): Promise<ScannedTable | undefined> {
  const name = options.name ?? tableNameOf(files[0]);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const stamps: FileStamp[] = [];
  for (const file of files) stamps.push(await checkedStamp(file, maxBytes));
  if (loadWhole.has(stampKey(stamps))) return undefined;
  if (options.sha256 !== undefined) await verifyTableSha256(files, options.sha256, name);
  // Empty files (a quiet day among many daily exports) hold no rows: the others are
  // scanned, and the empty ones keep their stamps, so a later write to one is noticed.
  const full = stamps.filter((s) => s.size > 0);
  const empty: LoadWarning[] = stamps.filter((s) => s.size === 0)
    .map((s) => ({ file: s.file, message: EMPTY_FILE_WARNING }));
  const scanned =
    await (isNdjson(files)
      ? planNdjsonScan(full.map((s) => s.file), name, options.types)
      : planTextScan(full.map((s) => s.file), full.map((s) => s.size), name, options.types));
  if (!scanned) return undefined;
  const text = { ...scanned, warnings: [...empty, ...scanned.warnings] };
  if (options.rows !== undefined && text.rows !== options.rows) {
    const where = files.length === 1 ? files[0] : `the ${files.length} files of table ${name}`;
    throw new DataLoadError(
      `Cannot load ${where}: it holds ${text.rows} rows where the manifest says ${options.rows}`,
      {
        file: files[0],
        hint: "The file was changed or damaged after the case was made: restore it from the " +
          "original export, or regenerate the manifest if the change is intended.",
      },
    );
  }
  // Unhashed: collected synchronously, where a reader panic is an error.
  return { ...text, scanned: true, unverified: options.sha256 === undefined, files, stamps };
}

// Whether `error` may come from reading the data: a casefile error of its own (a typo in
// the query, Ctrl-C) is the query's, and is not worth decoding every file to confirm; one
// wrapping a foreign (Polars) error may be the data's.
function fromTheData(error: unknown): boolean {
  if (!(error instanceof CasefileError)) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && !(cause instanceof CasefileError);
}

// The stamps of `files` now.
async function stampsOf(files: readonly string[]): Promise<FileStamp[]> {
  return await Promise.all(files.map(async (file) => {
    const info = await Deno.stat(file).catch(() => undefined);
    return { file, size: info?.size ?? -1, mtime: info?.mtime?.getTime() ?? -1 };
  }));
}

interface FilePlan {
  file: string;
  columns: string[];
  dtypes: DataType[];
  rows: number;
  nulls?: Map<string, number | undefined>;
  /** The columns of bytes, scanned as hex text. */
  binary: ReadonlySet<string>;
}

async function planScan(
  files: string[],
  options: LoadTableOptions,
): Promise<ScannedTable | undefined> {
  const name = options.name ?? tableNameOf(files[0]);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const stamps: FileStamp[] = [];
  const plans: FilePlan[] = [];
  for (const file of files) {
    stamps.push(await checkedStamp(file, maxBytes));
    if (options.sha256 !== undefined) await verifyTableSha256(files, options.sha256, name);
    if (formatOf(file) === "parquet") await checkParquetFooter(file);
    const parquet = formatOf(file) === "parquet";
    // A Parquet file's rows from its footer (parsed once and kept): Polars need not read it
    // a second time to count them.
    const plan = planFile(file, parquet ? await parquetRowCount(file) : undefined);
    if (parquet) plan.nulls = await parquetNullCounts(file);
    plans.push(plan);
  }
  const union = unionColumns(plans, name);
  const declared = options.types ?? new Map<string, KustoType>();
  const casts = new Map<string, DataType>();
  for (const [column, dtype] of union.types) {
    const type = declared.get(column);
    if (type === undefined) continue;
    const target = polarsTypeOf(type);
    const how = castNeeded(dtype, target);
    if (how === "reading") return undefined; // values must be read to convert: load whole
    if (how === "cast") casts.set(column, target);
  }
  for (const [column, dtype] of union.types) {
    // Undeclared columns take the dtype of the Kusto type they read as (Int16 → int: Int32).
    if (declared.has(column)) continue;
    const target = polarsTypeOf(kustoTypeOfPolars(dtype));
    if (castNeeded(dtype, target) === "cast") casts.set(column, target);
  }
  const zoned = new Set([...union.types].filter(([, dtype]) => zoneOf(dtype)).map(([c]) => c));
  const rows = plans.reduce((sum, p) => sum + p.rows, 0);
  if (options.rows !== undefined && rows !== options.rows) {
    const where = files.length === 1 ? files[0] : `the ${files.length} files of table ${name}`;
    throw new DataLoadError(
      `Cannot load ${where}: it holds ${rows} rows where the manifest says ${options.rows}`,
      {
        file: files[0],
        hint: "The file was changed or damaged after the case was made: restore it from the " +
          "original export, or regenerate the manifest if the change is intended.",
      },
    );
  }
  const binary = plans.filter((p) => p.binary.size > 0);
  const notes = binary.map((p) => binaryNote(p.file, [...p.binary]));
  const parts = plans.map((plan) => {
    const have = new Map(plan.columns.map((c, i) => [c, plan.dtypes[i]]));
    return scanOne(plan.file).select(...[...union.types].map(([column, dtype]) => {
      const target = casts.get(column) ?? dtype;
      const own = have.get(column);
      if (own === undefined) return pl.lit(null).cast(target).alias(column);
      const expr = plan.binary.has(column) ? hexText(column) : pl.col(column);
      return String(own) === String(target) ? expr : expr.cast(target).alias(column);
    }));
  });
  const frame = parts.length === 1
    ? parts[0]
    : (await oneScan(plans, union.types, casts)) ?? pl.concat(parts, { how: "vertical" });
  const schema: TableSchema = {
    name,
    columns: [...union.types].map(([column, dtype]) => ({
      name: column,
      type: declared.get(column) ?? kustoTypeOfPolars(casts.get(column) ?? dtype),
    })),
  };
  return {
    frame,
    scanned: true,
    unverified: options.sha256 === undefined,
    rows,
    schema,
    files,
    stamps,
    warnings: union.warnings,
    notes,
    nullable: new Set(
      [...union.types.keys()].filter((column) =>
        plans.some((p) => {
          const n = p.nulls?.get(column);
          return n === undefined || n > 0; // unknown, missing from the file, or some nulls
        })
      ),
    ),
    ...(zoned.size > 0 ? { zoned } : {}),
  };
}

async function checkedStamp(file: string, maxBytes: number): Promise<FileStamp> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(file);
  } catch (error) {
    throw new DataLoadError(`Cannot read ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  if (!info.isFile) {
    throw new DataLoadError(`Cannot read ${file}: it is not a file`, {
      file,
      hint: "Point at a data file.",
    });
  }
  if (info.size > maxBytes) {
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 3 : 0)} MiB`;
    throw new DataLoadError(
      `Cannot read ${file}: it is ${mib(info.size)}, more than the limit of ${mib(maxBytes)}`,
      { file, hint: "Split the file, or raise the limit (maxFileBytes)." },
    );
  }
  return { file, size: info.size, mtime: info.mtime?.getTime() ?? -1 };
}

function scanOne(file: string): LazyDataFrame {
  if (formatOf(file) === "ipc") return pl.scanIPC(file);
  return pl.scanParquet(standInOf(file)?.copy ?? file);
}

/** Options of {@link guardScan}. */
export interface GuardScanOptions {
  /**
   * The columns the query names: their values are checked against the statistics the
   * footers recorded, one file and one row group at a time (bounded memory), each column
   * chunk once per file version: a later query reads only chunks not checked yet. Page
   * headers are checked for every column.
   */
  columns?: readonly string[];
  /**
   * Above this many bytes of Parquet in the table, the values are not checked, only the
   * page headers (default: no limit, every scanned file is checked).
   */
  maxValueCheckBytes?: number;
  /**
   * The query reads only rows whose timestamp `column` lies between `from` and `to`
   * (microseconds since 1970, inclusive; an end left out is open), as its time filter
   * says: row groups (and so whole files) whose footer statistics put every row outside are
   * not value-checked, since the scan skips them by the same statistics. A later query
   * over other times checks the chunks it reads then.
   */
  window?: { column: string; from?: bigint; to?: bigint };
}

const GUARD_SCAN_OPTIONS = defineOptions<GuardScanOptions>("guardScan", {
  columns: "strings",
  maxValueCheckBytes: "number",
  window: "object",
});

interface StandIn {
  readonly size: number;
  readonly mtime: number;
  /** A copy of the file with its damaged chunks zeroed. */
  readonly copy: string;
  /** The zeroed chunks: first byte and length. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  /** What is damaged, in words. */
  readonly problem: string;
}

// A file → the stand-in a scan reads instead, for the file's size and time then.
const standIns = new Map<string, StandIn>();

// The stand-in of `file` as it is now, if it has one.
function standInOf(file: string): StandIn | undefined {
  const standIn = standIns.get(file);
  if (!standIn) return undefined;
  const now = (() => {
    try {
      return Deno.statSync(file);
    } catch {
      return undefined;
    }
  })();
  return now && now.size === standIn.size && (now.mtime?.getTime() ?? -1) === standIn.mtime
    ? standIn
    : undefined;
}

/**
 * Checks the page headers of the Parquet files a scanned `table` reads without a recorded
 * SHA-256, before a query's first execution reads them (planning reads the footers only).
 * Polars trusts page headers: a flipped bit in one can make it allocate exabytes, which
 * aborts the process. A file with damaged page headers is then scanned through a copy
 * whose damaged column chunks are zeroed: a query Polars prunes to the file's sound row
 * groups and columns runs as before, and one that reads a damaged chunk fails with a clear
 * error naming the file (see {@link scanFailure}), never an abort. The values of
 * `options.columns` are also checked against the minimum, maximum and null count the
 * footers recorded (a flipped bit that still decodes); a chunk that contradicts them is
 * zeroed in the copy too. Each chunk is checked once per file version.
 *
 * @param table A table from {@link scanTable}.
 * @param options The columns whose values to check.
 * @returns Whether a file got a stand-in now: plan the table again before querying it.
 *
 * @example A table of sound files needs nothing
 * ```ts
 * import assert from "node:assert/strict";
 * import { pl } from "../polars.ts";
 * import { guardScan, scanTable } from "./scan.ts";
 *
 * const folder = await Deno.makeTempDir();
 * pl.DataFrame({ Account: ["ana", "ben"] }).writeParquet(`${folder}/day1.parquet`);
 * const table = await scanTable(`${folder}/day1.parquet`);
 * assert.equal(await guardScan(table), false);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function guardScan(
  table: Pick<ScannedTable, "files" | "scanned" | "unverified" | "zoned">,
  options: GuardScanOptions = {},
): Promise<boolean> {
  checkOptions("guardScan", options, GUARD_SCAN_OPTIONS);
  if (!table.scanned || !table.unverified) return false;
  // A zoned column is read through a cast, which Polars does not prune by statistics: it
  // reads every row group, so every row group is checked.
  if (options.window && table.zoned?.has(options.window.column)) {
    options = { ...options, window: undefined };
  }
  // The value check reads the named columns' chunks once per file version (a selective
  // query may read fewer): the first query over a big unhashed folder pays for it, later
  // ones only for chunks not yet checked. A manifest with each file's SHA-256 spares it.
  const checkValues = options.columns !== undefined &&
    (options.maxValueCheckBytes === undefined ||
      parquetBytes(table.files) <= options.maxValueCheckBytes);
  let added = false;
  for (const file of table.files) {
    if (formatOf(file) !== "parquet") continue;
    const current = standInOf(file);
    // A stand-in of a version the file no longer has: its copy is removed, not left on disk.
    const stale = standIns.get(file);
    if (stale && stale !== current) {
      removeQuietly(stale.copy);
      standIns.delete(file);
    }
    const found = [
      await parquetDamagedChunks(file),
      checkValues ? await parquetChunkProblems(file, options.columns!, options.window) : undefined,
    ].filter((d) => d !== undefined);
    const ranges = new Map((current?.ranges ?? []).map((r) => [r[0], r]));
    for (const damaged of found) for (const range of damaged.ranges) ranges.set(range[0], range);
    if (ranges.size === (current?.ranges.length ?? 0)) continue; // nothing new
    const stat = await Deno.stat(file);
    // Streamed, not read whole: a scanned file may be larger than memory. (makeTempFile's
    // mode 0600 is kept; Deno.copyFile would copy the evidence file's own mode.)
    // Named with this process's id: a later process removes the copies of one killed.
    const copy = await Deno.makeTempFile({ prefix: STAND_IN_PREFIX, suffix: ".parquet" });
    await (await Deno.open(file, { read: true })).readable.pipeTo(
      (await Deno.open(copy, { write: true })).writable,
    );
    {
      using out = await Deno.open(copy, { write: true });
      const zeros = new Uint8Array(1 << 20);
      for (const [start, length] of ranges.values()) {
        await out.seek(start, Deno.SeekMode.Start);
        for (let left = length; left > 0;) {
          left -= await out.write(zeros.subarray(0, Math.min(left, zeros.length)));
        }
      }
    }
    if (current) removeQuietly(current.copy);
    standIns.set(file, {
      size: stat.size,
      mtime: stat.mtime?.getTime() ?? -1,
      copy,
      ranges: [...ranges.values()],
      problem: current?.problem ?? found[0].problem,
    });
    added = true;
  }
  return added;
}

function parquetBytes(files: readonly string[]): number {
  let total = 0;
  for (const file of files) {
    if (formatOf(file) !== "parquet") continue;
    try {
      total += Deno.statSync(file).size;
    } catch {
      // gone: the scan says so
    }
  }
  return total;
}

function removeQuietly(file: string): void {
  try {
    Deno.removeSync(file);
  } catch {
    // already gone
  }
}

/**
 * The process's PID namespace (the inode behind `/proc/self/ns/pid`), or undefined where it
 * cannot be read: a process id means a process only within its namespace, and a temporary
 * folder may be shared by containers.
 */
function pidNamespace(): string | undefined {
  try {
    return /\[(\d+)\]/.exec(Deno.readLinkSync("/proc/self/ns/pid"))?.[1];
  } catch {
    return undefined;
  }
}

const NAMESPACE = pidNamespace();
const STAND_IN_PREFIX = `casefile_standin_${Deno.pid}_${NAMESPACE ?? "x"}_`;

let sweptStandIns: Promise<void> | undefined;

/**
 * Removes the stand-in copies a killed process left in the temporary folder (their name
 * holds the process's id and PID namespace; it ends its own on exit): once per process, at
 * its first scan. Only this user's copies from this namespace are touched; where a
 * process's liveness cannot be read (no `/proc`), copies are left alone.
 */
function removeStaleStandIns(): Promise<void> {
  sweptStandIns ??= (async () => {
    try {
      if (NAMESPACE === undefined) return;
      const dir = dirname(
        await Deno.makeTempFile({ prefix: STAND_IN_PREFIX }).then(
          async (probe) => (await Deno.remove(probe), probe),
        ),
      );
      for await (const entry of Deno.readDir(dir)) {
        const [, pid, namespace] = /^casefile_standin_(\d+)_(\d+)_/.exec(entry.name) ?? [];
        // Files are stand-ins, folders hold the links of a scan (see oneScan).
        if (!(entry.isFile || entry.isDirectory) || namespace !== NAMESPACE) continue;
        if (Number(pid) === Deno.pid) continue;
        const owner = await Deno.stat(join(dir, entry.name)).then((s) => s.uid, () => null);
        if (owner !== Deno.uid()) continue;
        if (await Deno.stat(`/proc/${pid}`).then(() => false, () => true)) {
          await Deno.remove(join(dir, entry.name), { recursive: true }).catch(() => {});
        }
      }
    } catch {
      // no temporary folder to read: nothing to clean
    }
  })();
  return sweptStandIns;
}

globalThis.addEventListener("unload", () => {
  for (const standIn of standIns.values()) removeQuietly(standIn.copy);
  for (const folder of linkFolders.values()) {
    try {
      Deno.removeSync(folder, { recursive: true });
    } catch {
      // already gone
    }
  }
});

// The files a scan reads (stand-ins included), in order → the folder of links to them.
const linkFolders = new Map<string, string>();

/**
 * The Parquet files of `plans` as one multi-file scan, when they all have the same columns
 * of the same types (no bytes read as hex): Polars reads one scan's files and row groups in
 * parallel, where a union of per-file scans reads them one after another (30 daily files of
 * 48M rows: a `has` search 0.2 s against 2.6-6 s; `deno task bench scale`). A scan takes one
 * path or glob, not a list, so it reads a private folder of links to the files, named in
 * their order: the files planned and no other, whatever is added next to them later.
 * Undefined when that cannot be (mixed layouts, links refused): the caller unions the files.
 */
async function oneScan(
  plans: readonly FilePlan[],
  types: ReadonlyMap<string, DataType>,
  casts: ReadonlyMap<string, DataType>,
): Promise<LazyDataFrame | undefined> {
  const layout = (p: FilePlan) =>
    p.columns.map((c, i) => `${c}\0${String(p.dtypes[i])}`).join("\n");
  const first = plans[0];
  if (plans.some((p) => formatOf(p.file) !== "parquet" || p.binary.size > 0)) return undefined;
  if (plans.some((p) => layout(p) !== layout(first))) return undefined;
  const targets = plans.map((p) => resolve(standInOf(p.file)?.copy ?? p.file));
  const key = targets.join("\n");
  let folder = linkFolders.get(key);
  if (folder === undefined) {
    // No temporary folder to write (a restricted process): one scan a file.
    const made = await Deno.makeTempDir({ prefix: `${STAND_IN_PREFIX}links_` }).catch(() => "");
    if (made === "") return undefined;
    try {
      const width = String(targets.length).length;
      for (const [i, target] of targets.entries()) {
        await Deno.symlink(target, join(made, `${String(i).padStart(width, "0")}.parquet`));
      }
    } catch {
      await Deno.remove(made, { recursive: true }).catch(() => {});
      return undefined; // no links here (a Windows user without the right): one scan a file
    }
    folder = made;
    linkFolders.set(key, folder);
  }
  const have = new Map(first.columns.map((c, i) => [c, first.dtypes[i]]));
  return pl.scanParquet(join(folder, "*.parquet")).select(
    ...[...types].map(([column, dtype]) => {
      const target = casts.get(column) ?? dtype;
      return String(have.get(column)) === String(target)
        ? pl.col(column)
        : pl.col(column).cast(target).alias(column);
    }),
  );
}

// The footer only: column names and types, and the row count from the row groups' metadata.
function planFile(file: string, counted?: number): FilePlan {
  let empty: DataFrame;
  let rows: number;
  try {
    empty = scanOne(file).limit(0).collectSync();
    rows = counted ??
      Number(scanOne(file).select(pl.len().alias("n")).collectSync().getColumn("n").get(0));
  } catch (error) {
    const kind = formatOf(file) === "ipc" ? "Arrow IPC" : "Parquet";
    throw new DataLoadError(
      `Cannot read ${file}: not a valid ${kind} file (${firstLine(error)})`,
      { file, cause: error, hint: "The file may be truncated; copy or export it again." },
    );
  }
  // Binary columns are read as hex text (JavaScript cannot receive bytes from Polars).
  const binary = binaryColumns(empty, file);
  if (binary.length > 0) empty = empty.withColumns(...binary.map(hexText));
  refuseShadowingNames(empty, file);
  return { file, columns: empty.columns, dtypes: empty.dtypes, rows, binary: new Set(binary) };
}

function unionColumns(
  plans: FilePlan[],
  table: string,
): { types: Map<string, DataType>; warnings: LoadWarning[] } {
  const types = new Map<string, DataType>();
  const firstIn = new Map<string, string>();
  for (const plan of plans) {
    for (const [i, column] of plan.columns.entries()) {
      const dtype = plan.dtypes[i];
      const before = types.get(column);
      if (!before) {
        types.set(column, dtype);
        firstIn.set(column, plan.file);
        continue;
      }
      const wider = supertype(before, dtype);
      if (!wider) {
        throw new DataLoadError(
          `Cannot combine the files of table ${table}: column ${column} is ` +
            `${typeName(before)} in ${firstIn.get(column)} and ${typeName(dtype)} in ${plan.file}`,
          { file: plan.file, hint: "Load the files as separate tables, or convert them." },
        );
      }
      types.set(column, wider);
    }
  }
  const warnings: LoadWarning[] = [];
  if (plans.length > 1) {
    for (const column of types.keys()) {
      const lacking = plans.filter((p) => !p.columns.includes(column));
      if (lacking.length === 0) continue;
      const rows = lacking.reduce((sum, p) => sum + p.rows, 0);
      warnings.push({
        file: lacking[0].file,
        column,
        message: `column ${column} is missing from ${lacking.length} of ${plans.length} files ` +
          `of table ${table} (first: ${basename(lacking[0].file)}); its ${rows} row(s) there ` +
          "are null",
      });
    }
  }
  return { types, warnings };
}

const INTEGERS = ["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32"];

// The type both files' values fit without reading them, or undefined for a real clash.
function supertype(a: DataType, b: DataType): DataType | undefined {
  const [x, y] = [variantOf(a), variantOf(b)];
  if (String(a) === String(b) || (x === y && x !== "Datetime")) return a;
  if (x === "Null") return b;
  if (y === "Null") return a;
  if (INTEGERS.includes(x) && INTEGERS.includes(y)) return pl.Int64;
  const numeric = (v: string) => INTEGERS.includes(v) || v === "Float32" || v === "Float64";
  if (numeric(x) && numeric(y)) return pl.Float64;
  return undefined;
}

// Whether a file's column reaches its declared type as is, by a cast that cannot lose a
// value, or only by reading the values (text to parse, a narrowing that may overflow).
function castNeeded(have: DataType, target: DataType): "none" | "cast" | "reading" {
  const [x, y] = [variantOf(have), variantOf(target)];
  // A zoned datetime is read as the same instant in UTC, without the zone (a cast keeps it).
  if (x === "Datetime" && y === "Datetime" && zoneOf(have) && !zoneOf(target)) return "cast";
  if (x === y && (x !== "Datetime" || String(have) === String(target))) {
    return x === "Duration" ? "cast" : "none";
  }
  if (x === "Null") return "cast";
  const narrow = ["Int8", "Int16", "Int32", "UInt8", "UInt16"];
  if (y === "Int64" && (narrow.includes(x) || x === "UInt32")) return "cast";
  if (y === "Int32" && ["Int8", "Int16", "UInt8", "UInt16"].includes(x)) return "cast";
  if (y === "Float64" && (INTEGERS.includes(x) || x === "Float32")) return "cast";
  return "reading";
}

/** A datetime type's time zone (`Datetime(ms, UTC)` → `UTC`), or "" when it has none. */
function zoneOf(type: DataType): string {
  return /^DataType\(Datetime\(\w+,(.*)\)\)$/.exec(String(type))?.[1].trim() ?? "";
}

// What decoding met, in a line: a panic's own message rather than the unwrap around it.
function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}

/** A type as a person reads it, unit and zone included: `Datetime(ns)`, `Datetime(us, UTC)`, `Int64`. */
function typeName(type: DataType): string {
  return String(type).replace(/^DataType\((.*)\)$/, "$1").replace(/,\)/g, ")").replace(
    /,(?=\S)/g,
    ", ",
  );
}
