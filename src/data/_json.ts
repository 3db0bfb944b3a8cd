/**
 * JSON files: an array of records, newline-delimited records, a Log Analytics query
 * response (`{"tables": [...]}`, typed by its own column list), a STIX bundle
 * (`{"type": "bundle", "objects": [...]}`), or an object holding one list of records.
 *
 * @module
 */
import { type DataFrame, pl } from "../polars.ts";
import { isKustoType, type KustoType } from "../schema/types.ts";
import { DataLoadError, type LoadWarning } from "./errors.ts";
import { asUtf8, DEFAULT_MAX_FILE_BYTES, fileSize, readBoundedFile, readHead } from "./_csv.ts";
import { parseLine, readNdjsonNative } from "./_ndjson.ts";
import { bigSeries, isRaw, parseJson } from "../_exact_json.ts";

/** Records read from a JSON file, as text and typed columns ready for inference. */
export interface RawJson {
  readonly frame: DataFrame;
  /** Column types the file declares (a Log Analytics response does). */
  readonly declared?: ReadonlyMap<string, KustoType>;
  readonly warnings: LoadWarning[];
  readonly notes: string[];
}

/** The largest single JSON document read whole; bigger ones must be newline-delimited. */
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/**
 * Reads `file`; `lines` forces newline-delimited records. A file larger than `maxBytes`
 * is refused before it is read.
 */
export async function readJsonFile(
  file: string,
  lines: boolean,
  maxBytes: number = DEFAULT_MAX_FILE_BYTES,
): Promise<RawJson> {
  if (lines) {
    // Polars reads the file itself, so it is never held here whole.
    await fileSize(file, maxBytes);
    const native = await readNativeLines(file);
    if (native) return native;
  }
  const raw = await readBoundedFile(file, maxBytes);
  let bytes = asUtf8(raw, file);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  if (!lines && !looksLikeOneDocument(bytes)) {
    const native = bytes === raw ? await readNativeLines(file) : undefined;
    if (native) return native;
  }
  if (lines || !looksLikeOneDocument(bytes)) return recordsFrame(readLines(bytes, file), file, []);
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    throw new DataLoadError(
      `Cannot read ${file}: a single JSON document of ${Math.round(bytes.length / 2 ** 20)} MB ` +
        "is too large to read whole",
      { file, hint: "Export it as NDJSON (one JSON object per line), which has no size limit." },
    );
  }
  const text = new TextDecoder().decode(bytes);
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    throw jsonError(file, text, error as Error);
  }
  if (Array.isArray(value)) return recordsFrame(asRecords(value, file), file, []);
  if (typeof value === "object" && value !== null) {
    const doc = value as Record<string, unknown>;
    if (Array.isArray(doc.tables)) return logAnalyticsFrame(doc.tables, file);
    if (doc.type === "bundle" && Array.isArray(doc.objects)) {
      return recordsFrame(asRecords(doc.objects, file), file, [
        "read the objects of a STIX bundle",
      ]);
    }
    const lists = Object.entries(doc).filter(([, v]) => Array.isArray(v));
    if (lists.length === 1) {
      const [key, list] = lists[0];
      return recordsFrame(asRecords(list as unknown[], file), file, [
        `read the records under "${key}"`,
      ]);
    }
    return recordsFrame([doc], file, []);
  }
  throw new DataLoadError(`Cannot read ${file}: it holds a single ${typeof value}, not records`, {
    file,
    hint: "A JSON table is an array of objects, or one object per line.",
  });
}

// NDJSON read by Polars, or undefined for what only the JavaScript reader reads: text with
// a byte-order mark (UTF-8 or UTF-16), and columns mixing JSON types Polars cannot combine.
async function readNativeLines(file: string): Promise<RawJson | undefined> {
  const head = await readHead(file, 3);
  if (head[0] === 0xef || head[0] === 0xff || head[0] === 0xfe) return undefined;
  const native = await readNdjsonNative(file);
  return native && { ...native, notes: [] };
}

function looksLikeOneDocument(bytes: Uint8Array): boolean {
  let start = 0;
  while (start < bytes.length && isSpace(bytes[start])) start++;
  if (bytes[start] === 0x5b /* [ */) return true;
  // `{...}\n{...}` is newline-delimited; a single object spans to the end.
  const firstLineEnd = bytes.indexOf(0x0a, start);
  if (firstLineEnd < 0) return true;
  const first = new TextDecoder().decode(bytes.subarray(start, firstLineEnd)).trim();
  try {
    JSON.parse(first);
  } catch {
    return true;
  }
  for (let i = firstLineEnd; i < bytes.length; i++) if (!isSpace(bytes[i])) return false;
  return true;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A raw JSON integer as a BigInt, or undefined when it does not fit Int64. */
function int64Of(raw: { rawJSON: string }): bigint | undefined {
  const n = BigInt(raw.rawJSON);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** A cell's text: raw integers keep every digit. */
function cellText(v: unknown): string {
  if (isRaw(v)) return v.rawJSON;
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Chunk size for newline-delimited files: decoded a piece at a time, so size is unbounded. */
const CHUNK_BYTES = 16 * 1024 * 1024;

function readLines(bytes: Uint8Array, file: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  const decoder = new TextDecoder();
  let lineNumber = 0;
  for (let start = 0; start < bytes.length;) {
    let end = Math.min(bytes.length, start + CHUNK_BYTES);
    if (end < bytes.length) {
      // End the chunk after a newline, so no line is cut in two.
      const newline = bytes.lastIndexOf(0x0a, end - 1);
      end = newline >= start ? newline + 1 : (bytes.indexOf(0x0a, end) + 1 || bytes.length);
    }
    const pieces = decoder.decode(bytes.subarray(start, end)).split("\n");
    // A chunk ending in a newline leaves an empty last piece that is not a line.
    if (bytes[end - 1] === 0x0a) pieces.pop();
    for (const raw of pieces) {
      lineNumber++;
      const line = raw.trim();
      if (line !== "") records.push(parseLine(line, lineNumber, file));
    }
    start = end;
  }
  return records;
}

function jsonError(file: string, text: string, error: Error): DataLoadError {
  const position = /position (\d+)/.exec(error.message);
  let line: number | undefined;
  let where = "";
  if (position) {
    const before = text.slice(0, Number(position[1]));
    line = before.split("\n").length;
    const column = Number(position[1]) - before.lastIndexOf("\n");
    where = ` at line ${line}, column ${column}`;
  }
  return new DataLoadError(`Cannot parse ${file}: invalid JSON${where} (${error.message})`, {
    file,
    line,
    hint: "Fix the file, or export it again; a truncated download often ends mid-value.",
  });
}

function asRecords(list: unknown[], file: string): Record<string, unknown>[] {
  for (const [i, item] of list.entries()) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new DataLoadError(`Cannot read ${file}: item ${i} of the list is not an object`, {
        file,
        hint: "A JSON table is a list of objects with one key per column.",
      });
    }
  }
  return list as Record<string, unknown>[];
}

/** Columns from records: scalars keep their JSON type, nested values become JSON text. */
function recordsFrame(records: Record<string, unknown>[], file: string, notes: string[]): RawJson {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
    }
  }
  const warnings: LoadWarning[] = [];
  const declared = new Map<string, KustoType>();
  const series = names.map((name) => {
    const values = records.map((r) => r[name] ?? null);
    const kinds = new Map<string, number>();
    for (const v of values) {
      if (v === null) continue;
      const kind = isRaw(v) ? "number" : typeof v === "object" ? "nested" : typeof v;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    if (kinds.has("nested")) {
      declared.set(name, "dynamic");
      return pl.Series(name, values.map((v) => v === null ? null : JSON.stringify(v)), pl.Utf8);
    }
    if (kinds.size === 1 && kinds.has("boolean")) return pl.Series(name, values, pl.Bool);
    if (kinds.size === 1 && kinds.has("number")) return numberColumn(name, values);
    if (kinds.size > 1) {
      const [major] = [...kinds.entries()].sort((a, b) => b[1] - a[1])[0];
      const misfits = [...kinds.entries()].filter(([k]) => k !== major).reduce(
        (n, [, c]) => n + c,
        0,
      );
      warnings.push({
        file,
        column: name,
        message: `column ${name}: ${misfits} value(s) are not of the column's main JSON type ` +
          `(${major}); the column is kept as text`,
      });
    }
    return pl.Series(name, values.map((v) => v === null ? null : cellText(v)), pl.Utf8);
  });
  return { frame: pl.DataFrame(series), declared, warnings, notes };
}

/**
 * A column of JSON numbers: Int64 when every one is an integer within Int64 (exact beyond
 * 2^53: those arrive as raw JSON), else Float64 (a column with fractions or integers
 * beyond Int64 is `real`, as Kusto reads it).
 */
function numberColumn(name: string, values: unknown[]) {
  const big = values.some(isRaw);
  if (!big) {
    const integral = values.every((v) => v === null || Number.isSafeInteger(v));
    return pl.Series(name, values, integral ? pl.Int64 : pl.Float64);
  }
  const ints = values.map((v) =>
    v === null
      ? null
      : isRaw(v)
      ? int64Of(v)
      : Number.isSafeInteger(v)
      ? BigInt(v as number)
      : undefined
  );
  if (ints.every((v) => v !== undefined)) {
    return bigSeries(name, ints as (bigint | null)[], pl.Int64);
  }
  return pl.Series(
    name,
    values.map((v) => v === null ? null : isRaw(v) ? Number(v.rawJSON) : v),
    pl.Float64,
  );
}

const WIRE_TRUE = new Set<unknown>([true, 1, "true", "True"]);
const WIRE_FALSE = new Set<unknown>([false, 0, "false", "False"]);

/**
 * The text of a Log Analytics cell for the loader to parse as `type`, or undefined when
 * the cell's JSON kind cannot be of that type. The same values the Sentinel provider takes
 * from the service: integers as numbers or integer text (exact beyond 2^53), reals also as
 * `"NaN"`/`"Infinity"`, booleans also as 0/1, datetimes and timespans as text only.
 */
function wireText(v: unknown, type: KustoType): string | undefined {
  switch (type) {
    case "bool":
      return WIRE_TRUE.has(v) ? "true" : WIRE_FALSE.has(v) ? "false" : undefined;
    case "int":
    case "long": {
      let n: bigint | undefined;
      if (isRaw(v)) n = BigInt(v.rawJSON);
      else if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
      else if (typeof v === "string" && /^[+-]?[0-9]+$/.test(v)) n = BigInt(v);
      const [min, max] = type === "int" ? [-(2n ** 31n), 2n ** 31n - 1n] : [INT64_MIN, INT64_MAX];
      return n === undefined || n < min || n > max ? undefined : String(n);
    }
    case "real":
    case "decimal":
      if (isRaw(v)) return v.rawJSON;
      if (typeof v === "number") return String(v);
      if (typeof v === "boolean") return v ? "1" : "0";
      if (typeof v !== "string") return undefined;
      return /^(NaN|[+-]?Infinity)$/.test(v) || (v.trim() !== "" && !Number.isNaN(Number(v)))
        ? v
        : undefined;
    case "datetime":
    case "timespan":
      return typeof v === "string" ? v : undefined;
    case "string":
    case "guid":
    case "dynamic":
      return cellText(v);
  }
}

function logAnalyticsFrame(tables: unknown[], file: string): RawJson {
  const table = tables[0] as { name?: string; columns?: unknown; rows?: unknown };
  if (!Array.isArray(table?.columns) || !Array.isArray(table.rows)) {
    throw new DataLoadError(`Cannot read ${file}: its first table has no columns or rows`, {
      file,
      hint: "A Log Analytics response has tables[0].columns and tables[0].rows.",
    });
  }
  const fail = (what: string): never => {
    throw new DataLoadError(`Cannot read ${file}: the Log Analytics response ${what}`, {
      file,
      hint: "Each of tables[0].columns has a name and a type, and each row is a list with " +
        "one value per column; export the result again.",
    });
  };
  const columns = table.columns as Array<{ name: string; type: string }>;
  const names = new Set<string>();
  for (const [i, column] of (table.columns as unknown[]).entries()) {
    const c = column as { name?: unknown; type?: unknown } | null;
    if (typeof c?.name !== "string" || typeof c.type !== "string") {
      fail(`has a column (${i + 1}) without a name or type`);
    }
    if (names.has(c!.name as string)) fail(`names column ${c!.name} twice`);
    names.add(c!.name as string);
  }
  const rows = table.rows as unknown[][];
  for (const [i, row] of rows.entries()) {
    if (!Array.isArray(row)) fail(`has a row (${i + 1}) that is not a list`);
    if (row.length !== columns.length) {
      fail(`has a row (${i + 1}) of ${row.length} values for ${columns.length} columns`);
    }
  }
  const declared = new Map<string, KustoType>();
  const series = columns.map((column, i) => {
    const lower = column.type.toLowerCase();
    const type: KustoType = isKustoType(lower) ? lower : "string";
    declared.set(column.name, type);
    const values = rows.map((row, r) => {
      const v = row[i];
      if (v === null || v === undefined) return null;
      const text = wireText(v, type);
      if (text === undefined) {
        fail(
          `declares column ${column.name} as ${column.type} but row ${r + 1} holds ` +
            `${cellText(v).slice(0, 60)}${typeof v === "string" ? " (text)" : ""}`,
        );
      }
      return text as string;
    });
    // Reals as numbers: the text parse reads "NaN" as a missing value (pandas' CSVs).
    return type === "real" || type === "decimal"
      ? pl.Series(column.name, values.map((v) => v === null ? null : Number(v)), pl.Float64)
      : pl.Series(column.name, values, pl.Utf8);
  });
  const notes = [`read a Log Analytics query response (table ${table.name ?? "0"})`];
  const warnings: LoadWarning[] = tables.length > 1
    ? [{ file, message: `the response holds ${tables.length} tables; only the first was read` }]
    : [];
  return { frame: pl.DataFrame(series), declared, warnings, notes };
}
