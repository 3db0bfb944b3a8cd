/**
 * Reading what KQL's `externaldata` operator asks for from local files: CSV and TSV
 * without a header (columns by position, as Kusto reads them), text (a value a line),
 * JSON records. casefile works offline, so http(s) addresses are refused with a hint.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DataFrame, pl } from "../polars.ts";
import type { ColumnSchema, KustoType } from "../schema/types.ts";
import { coerceColumns } from "./_coerce.ts";
import { checkCsv } from "./_csv.ts";
import { DataLoadError } from "./errors.ts";
import { loadTable } from "./load.ts";
import { isInsideAny } from "./_confine.ts";
import { asUtf8, DEFAULT_MAX_FILE_BYTES, readBoundedFile } from "./_csv.ts";
import { checkOptions, defineOptions } from "../options.ts";

const EXTERNAL_DATA_OPTIONS = defineOptions<ExternalDataOptions>("loadExternalData", {
  base: "string",
  allow: "strings",
  options: "object",
});

/** Options of {@link loadExternalData}. */
export interface ExternalDataOptions {
  /** Folder that relative paths are read from; files inside it may be read. */
  base: string;
  /**
   * Other files or folders the user allows `externaldata` to read (default: none). Paths
   * outside `base` and these are refused, so a query cannot read arbitrary local files.
   */
  allow?: readonly string[];
  /** `format` (csv, tsv, txt, json, multijson) and `ignoreFirstRecord`. */
  options?: Readonly<Record<string, unknown>>;
}

/** The file a URL or path names. */
function localPath(url: string, base: string): string {
  if (/^https?:\/\//i.test(url)) {
    throw new DataLoadError(`Cannot read ${url}: casefile does not fetch data from the network`, {
      file: url,
      hint: "Download the file and give its local path (or a file:// URL) in externaldata.",
    });
  }
  let path: string;
  try {
    path = url.startsWith("file://") ? fileURLToPath(url) : url;
  } catch (error) {
    throw new DataLoadError(`Cannot read ${url}: ${(error as Error).message}`, {
      file: url,
      hint: "Give a local path, or a file:// URL with an absolute path.",
    });
  }
  return isAbsolute(path) ? path : join(base, path);
}

function checkAllowed(url: string, path: string, base: string, allow: readonly string[]): void {
  if (isInsideAny([base, ...allow], path)) return;
  throw new DataLoadError(
    `Cannot read ${url}: externaldata reads files inside the case folder ${base} only`,
    {
      file: path,
      hint: "Copy the file into the case folder, or allow its folder explicitly " +
        "(the allowedPaths option of openLocalProvider).",
    },
  );
}

/**
 * Reads `urls` as one table with the declared `columns`.
 *
 * @throws {DataLoadError} for network addresses, missing or malformed files.
 */
export async function loadExternalData(
  urls: readonly string[],
  columns: readonly ColumnSchema[],
  externalOptions: ExternalDataOptions,
): Promise<DataFrame> {
  checkOptions("loadExternalData", externalOptions, EXTERNAL_DATA_OPTIONS);
  const { base, options = {}, allow = [] } = externalOptions;
  const frames: DataFrame[] = [];
  for (const url of urls) {
    const path = localPath(url, base);
    checkAllowed(url, path, base, allow);
    const format = String(options.format ?? extensionFormat(path)).toLowerCase();
    const skipFirst = options.ignoreFirstRecord === true || options.ignoreFirstRecord === "true";
    frames.push(await readOne(path, format, columns, skipFirst));
  }
  const text = frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
  const types = new Map<string, KustoType>(columns.map((c) => [c.name, c.type]));
  return coerceColumns(text, types).frame;
}

function extensionFormat(path: string): string {
  const ext = path.toLowerCase().split(".").pop() ?? "";
  return ["csv", "tsv", "txt", "json", "multijson", "ndjson", "parquet"].includes(ext)
    ? ext
    : "csv";
}

async function readOne(
  path: string,
  format: string,
  columns: readonly ColumnSchema[],
  skipFirst: boolean,
): Promise<DataFrame> {
  const names = columns.map((c) => c.name);
  if (format === "json" || format === "multijson" || format === "ndjson" || format === "parquet") {
    const table = await loadTable(path);
    return table.frame.select(
      ...names.map((n) =>
        table.frame.columns.includes(n)
          ? pl.col(n).cast(pl.Utf8)
          : pl.lit(null).cast(pl.Utf8).alias(n)
      ),
    );
  }
  const bytes = asUtf8(await readBoundedFile(path, DEFAULT_MAX_FILE_BYTES), path);
  if (format === "txt" || format === "raw") {
    let lines = new TextDecoder().decode(bytes).split(/\r?\n/);
    if (lines.at(-1) === "") lines.pop();
    if (skipFirst) lines = lines.slice(1);
    return pl.DataFrame([pl.Series(names[0] ?? "Line", lines, pl.Utf8)]);
  }
  const separator = format === "tsv" ? "\t" : ",";
  checkCsv(bytes, path, separator);
  const frame = pl.readCSV(Buffer.from(bytes), {
    hasHeader: false,
    inferSchemaLength: 0,
    sep: separator,
    skipRows: skipFirst ? 1 : 0,
    missingIsNull: true,
  });
  // Columns are matched by position; missing trailing ones read as empty.
  return frame.select(
    ...names.map((n, i) =>
      i < frame.width ? pl.col(frame.columns[i]).alias(n) : pl.lit(null).cast(pl.Utf8).alias(n)
    ),
  );
}
