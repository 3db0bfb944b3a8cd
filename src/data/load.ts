/**
 * Loading tables from files: Parquet, CSV (including the Sentinel portal's exports and
 * pandas' CSVs), JSON and NDJSON, one file or many. Types are inferred from text (dates
 * parsed, numbers read, JSON and Python literals recognised as `dynamic`), or taken from a
 * schema when one is known. Problems name the file and line; values that do not fit a type
 * are counted in warnings, never dropped silently.
 *
 * @module
 */
import { basename, extname } from "node:path";
import { Buffer } from "node:buffer";
import { type DataFrame, pl, variantOf } from "../polars.ts";
import { type KustoType, kustoTypeOfPolars, type TableSchema } from "../schema/types.ts";
import { coerceColumns, inferTextColumns } from "./_coerce.ts";
import {
  type CsvShape,
  DEFAULT_MAX_FILE_BYTES,
  lineOfRecord,
  readBoundedFile,
  readCsvText,
} from "./_csv.ts";
import { readJsonFile } from "./_json.ts";
import { DataLoadError, type LoadWarning } from "./errors.ts";
import { refuseShadowingNames } from "./_names.ts";
import { verifyTableSha256 } from "./_integrity.ts";
import { checkParquetFooter, checkParquetStatistics } from "./_parquet_footer.ts";
import { withHexText } from "./_binary.ts";
import { checkOptions, defineOptions } from "../options.ts";
import { EMPTY_FILE_WARNING, isEmptyFile } from "./_empty.ts";

const LOAD_TABLE_OPTIONS = defineOptions<LoadTableOptions>("loadTable", {
  name: { kind: "string", aliases: ["table"] },
  types: { kind: "object", aliases: ["schema"] },
  maxFileBytes: "number",
  rows: "number",
  sha256: "string",
});

/** The file formats casefile reads. */
export type FileFormat = "parquet" | "ipc" | "csv" | "tsv" | "json" | "ndjson";

/** Options of {@link loadTable}. */
export interface LoadTableOptions {
  /** The table's name (default: the first file's name without extension). */
  name?: string;
  /** Known column types (a manifest's, or Sentinel's reference schema); others are inferred. */
  types?: ReadonlyMap<string, KustoType>;
  /**
   * The largest file read, in bytes (default 1 GiB): a larger one is refused before any of
   * it is read, so a huge or wrong file cannot exhaust memory.
   */
  maxFileBytes?: number;
  /** Rows the table must have (a manifest's `rows`); a different count is an error. */
  rows?: number;
  /**
   * The SHA-256 (64 hex digits) the file's content must have, as a manifest recorded it; a
   * file whose content differs (damaged, or changed after the case was made) is an error
   * naming it. For a table of one file. The hash is computed once per process for a given
   * file, size and modification time.
   */
  sha256?: string;
}

/** A table read from files. */
export interface LoadedTable {
  /** The table's rows. */
  readonly frame: DataFrame;
  /** The table's name and Kusto column types. */
  readonly schema: TableSchema;
  /** The files read, in the order their rows are in. */
  readonly files: readonly string[];
  /** Values that did not fit, rows that were short: things to look at. */
  readonly warnings: readonly LoadWarning[];
  /** What the loader did that a user may want to know (e.g. dropped a pandas index). */
  readonly notes: readonly string[];
}

/** The format of `file`, from its extension. */
export function formatOf(file: string): FileFormat | undefined {
  switch (extname(file).toLowerCase()) {
    case ".parquet":
      return "parquet";
    case ".arrow":
    case ".ipc":
    case ".feather":
      return "ipc";
    case ".csv":
      return "csv";
    case ".tsv":
      return "tsv";
    case ".json":
      return "json";
    case ".ndjson":
    case ".jsonl":
      return "ndjson";
    default:
      return undefined;
  }
}

/** A table name from a file name: `SecurityEvent.parquet` → `SecurityEvent`. */
export function tableNameOf(file: string): string {
  return basename(file).replace(/\.[^.]+$/, "");
}

/**
 * Reads one table from one or more files of the supported formats. Several files are
 * concatenated (columns matched by name); text is typed by inference unless `types` says.
 *
 * Rows keep the files' order: each file's rows as they are in it (nothing is sorted,
 * grouped or deduplicated), the files in the order given, except that with both kinds the
 * text files (CSV, TSV, JSON, NDJSON) come before the Parquet files.
 *
 * @param files A file or a list of files (.parquet, .arrow/.ipc/.feather, .csv, .tsv, .json, .ndjson,
 *   .jsonl).
 * @param options The table's name and known column types.
 * @returns The frame, its Kusto schema, and warnings and notes about the data.
 * @throws {DataLoadError} when a file is missing, unreadable or malformed.
 *
 * @example Load a CSV export: its columns typed by inference
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTable } from "./load.ts";
 *
 * const file = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(file, "TimeGenerated,Account,Failed\n2026-03-10T08:00:00Z,ana,3\n");
 * const table = await loadTable(file, { name: "Logons" });
 * assert.deepEqual(table.schema.columns.map((c) => c.type), ["datetime", "string", "long"]);
 * assert.equal(table.frame.height, 1);
 * await Deno.remove(file);
 * ```
 */
export async function loadTable(
  files: string | readonly string[],
  options: LoadTableOptions = {},
): Promise<LoadedTable> {
  checkOptions("loadTable", options, LOAD_TABLE_OPTIONS);
  const list = typeof files === "string" ? [files] : [...files];
  if (list.length === 0) {
    throw new DataLoadError("Cannot load a table from no files", {
      file: "",
      hint: "Check the path or glob: it matched nothing.",
    });
  }
  const name = options.name ?? tableNameOf(list[0]);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (options.sha256 !== undefined) await verifyTableSha256(list, options.sha256, name);
  const warnings: LoadWarning[] = [];
  const notes: string[] = [];
  const declared = new Map<string, KustoType>(options.types ?? []);
  const inferredTypes = new Map<string, KustoType>();
  const textParts: Array<{ frame: DataFrame; file: string; shape?: CsvShape }> = [];
  const typedParts: DataFrame[] = [];

  for (const file of list) {
    const format = formatOf(file);
    if (format !== undefined && format !== "parquet" && format !== "ipc" && isEmptyFile(file)) {
      // An empty text file (a collector's log of a quiet day, an export cut to nothing)
      // holds no rows, whatever its format: read as such, and said.
      warnings.push({ file, message: EMPTY_FILE_WARNING });
      textParts.push({ frame: pl.DataFrame({}), file });
      continue;
    }
    switch (format) {
      case "csv":
      case "tsv": {
        const raw = await readCsvText(file, format === "tsv" ? "\t" : ",", {
          maxBytes,
          detect: format === "csv",
        });
        warnings.push(...raw.warnings);
        notes.push(...raw.notes.map((n) => `${basename(file)}: ${n}`));
        textParts.push({ frame: dropPandasIndex(raw.frame, file, notes), file, shape: raw.shape });
        break;
      }
      case "json":
      case "ndjson": {
        const raw = await readJsonFile(file, format === "ndjson", maxBytes);
        warnings.push(...raw.warnings);
        notes.push(...raw.notes.map((n) => `${basename(file)}: ${n}`));
        for (const [column, type] of raw.declared ?? []) {
          if (!declared.has(column)) declared.set(column, type);
        }
        textParts.push({ frame: raw.frame, file });
        break;
      }
      case "parquet": {
        const read = await readParquetFile(file, maxBytes);
        // Without a recorded hash, the file's own statistics are the check it can have:
        // on the rows just read (the file is read once).
        if (options.sha256 === undefined) {
          await checkParquetStatistics(file, name, { frame: read });
        }
        typedParts.push(withHexText(read, file, notes));
        break;
      }
      case "ipc":
        typedParts.push(withHexText(await readIpcFile(file, maxBytes), file, notes));
        break;
      case undefined:
        throw new DataLoadError(`Cannot load ${file}: unknown file type`, {
          file,
          hint: "casefile reads .parquet, .csv, .tsv, .json, .ndjson and .jsonl files, and " +
            "Arrow IPC (.arrow, .ipc, .feather).",
        });
    }
  }

  for (const part of [...textParts.map((p) => p.frame), ...typedParts]) {
    refuseShadowingNames(part, list[0]);
  }
  let frame: DataFrame | undefined;
  if (textParts.length > 0) {
    const text = textParts.length === 1
      ? textParts[0].frame
      : pl.concat(textParts.map((p) => toText(p.frame)), { how: "diagonal" });
    const inferred = inferTextColumns(withoutDeclaredText(text, declared));
    frame = restoreDeclaredText(inferred.frame, text, declared);
    for (const column of inferred.columns) {
      inferredTypes.set(column.name, column.type);
      if (!column.mixed || declared.has(column.name)) continue;
      const { type, misfits, firstRow } = column.mixed;
      const where = whereIsRow(textParts, firstRow);
      const example = text.getColumn(column.name).get(firstRow);
      warnings.push({
        file: where.file,
        column: column.name,
        message: `column ${column.name}: ${misfits} value(s) are not ${type} ` +
          `(first at ${where.at}: ${JSON.stringify(example)}); the column is kept as text`,
      });
    }
  }
  if (typedParts.length > 0) {
    const parts = frame ? [frame, ...typedParts] : typedParts;
    frame = parts.length === 1 ? parts[0] : concatTyped(parts, list[0]);
  }
  frame = frame as DataFrame;
  if (options.rows !== undefined && frame.height !== options.rows) {
    const where = list.length === 1 ? list[0] : `the ${list.length} files of table ${name}`;
    throw new DataLoadError(
      `Cannot load ${where}: it holds ${frame.height} rows where the manifest says ` +
        `${options.rows}`,
      {
        file: list[0],
        hint: "The file was changed or damaged after the case was made: restore it from the " +
          "original export, or regenerate the manifest if the change is intended.",
      },
    );
  }

  if (declared.size > 0) {
    const coerced = coerceColumns(frame, declared, textParts.length > 0);
    frame = coerced.frame;
    for (const m of coerced.misfits) {
      warnings.push({
        file: list.length === 1 ? list[0] : `${list.length} files`,
        column: m.name,
        message: `column ${m.name}: ${m.misfits} value(s) could not be read as ${m.type} ` +
          "and are null",
      });
    }
  }
  const dtypes = frame.dtypes; // once: each read of it costs as much as the frame is wide
  const schema: TableSchema = {
    name,
    columns: frame.columns.map((column, i) => ({
      name: column,
      type: declared.get(column) ?? inferredTypes.get(column) ?? kustoTypeOfPolars(dtypes[i]),
    })),
  };
  return { frame, schema, files: list, warnings, notes };
}

async function readParquetFile(file: string, maxBytes: number): Promise<DataFrame> {
  const bytes = await readBoundedFile(file, maxBytes);
  // Read whole: its page headers first (Polars trusts their sizes), then its values
  // against its statistics (by the caller, without a recorded hash).
  await checkParquetFooter(file, { pages: true });
  try {
    return pl.readParquet(Buffer.from(bytes));
  } catch (error) {
    throw new DataLoadError(
      `Cannot read ${file}: not a valid Parquet file (${(error as Error).message.split("\n")[0]})`,
      { file, cause: error, hint: "The file may be truncated; copy or export it again." },
    );
  }
}

async function readIpcFile(file: string, maxBytes: number): Promise<DataFrame> {
  const bytes = await readBoundedFile(file, maxBytes);
  try {
    return pl.readIPC(Buffer.from(bytes));
  } catch (error) {
    throw new DataLoadError(
      `Cannot read ${file}: not a valid Arrow IPC file (${
        (error as Error).message.split("\n")[0]
      })`,
      { file, cause: error, hint: "The file may be truncated; copy or export it again." },
    );
  }
}

function dropPandasIndex(frame: DataFrame, file: string, notes: string[]): DataFrame {
  const first = frame.columns[0];
  if (first !== "" && first !== "Unnamed: 0") return frame;
  const values = frame.getColumn(first);
  const integral = frame.select(
    pl.col(first).cast(pl.Int64, false).isNull().sum().alias("bad"),
  ).getColumn("bad").get(0);
  if (Number(integral) > 0 || values.nullCount() > 0) {
    return frame.rename({ [first]: "Column1" });
  }
  notes.push(`${basename(file)}: dropped the unnamed index column a pandas export wrote`);
  return frame.drop(first);
}

function toText(frame: DataFrame): DataFrame {
  return frame.select(...frame.columns.map((c) => pl.col(c).cast(pl.Utf8)));
}

// Columns whose type is declared are not inferred: they are coerced to that type afterwards.
function withoutDeclaredText(frame: DataFrame, declared: ReadonlyMap<string, KustoType>) {
  const keep = frame.columns.filter((c) => !declared.has(c));
  return keep.length === frame.columns.length ? frame : frame.select(...keep);
}

function restoreDeclaredText(
  inferred: DataFrame,
  text: DataFrame,
  declared: ReadonlyMap<string, KustoType>,
): DataFrame {
  if (inferred.columns.length === text.columns.length) return inferred;
  const withAll = inferred.hstack(text.select(...text.columns.filter((c) => declared.has(c))));
  return withAll.select(...text.columns);
}

function whereIsRow(
  parts: ReadonlyArray<{ frame: DataFrame; file: string; shape?: CsvShape }>,
  row: number,
): { file: string; at: string } {
  let offset = row;
  for (const part of parts) {
    if (offset < part.frame.height) {
      return {
        file: part.file,
        at: part.shape ? `line ${lineOfRecord(part.shape, offset)}` : `record ${offset + 1}`,
      };
    }
    offset -= part.frame.height;
  }
  return { file: parts[0].file, at: `row ${row + 1}` };
}

function concatTyped(parts: DataFrame[], first: string): DataFrame {
  try {
    return pl.concat(parts, { how: "diagonalRelaxed" });
  } catch (error) {
    const clash = findTypeClash(parts);
    throw new DataLoadError(
      `Cannot combine the files of table ${tableNameOf(first)}: ${
        clash ?? (error as Error).message
      }`,
      { file: first, cause: error, hint: "Load the files as separate tables, or convert them." },
    );
  }
}

function findTypeClash(parts: DataFrame[]): string | undefined {
  const seen = new Map<string, string>();
  for (const part of parts) {
    for (const [i, column] of part.columns.entries()) {
      const variant = variantOf(part.dtypes[i]);
      const before = seen.get(column);
      if (before && before !== variant) {
        return `column ${column} is ${before} in one file and ${variant} in another`;
      }
      seen.set(column, variant);
    }
  }
  return undefined;
}
