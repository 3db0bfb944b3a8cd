/**
 * NDJSON tables (and `.json` files of one object per line) scanned lazily: Polars' own
 * reader reads each file in batches, only the columns a query needs, with a schema fixed
 * at planning. The schema is Polars' inference over the whole file, the same inference the
 * eager loader ({@link readNdjsonNative}) starts from, so numbers and booleans keep their
 * native types (integers up to 2^63 exact) and a key first seen late is still a column.
 * Text columns are typed by a sample (the first rows and lines spread through the file)
 * under the loader's own rules ({@link inferTextColumns}), parsed by Polars expressions and
 * guarded: a value the sampled type does not fit stops the read with the
 * {@link MISFIT_MARKER} error, and the table is then loaded whole, never silently wrong.
 *
 * Loaded whole instead (undefined from {@link planNdjsonScan}): nested values (objects,
 * arrays: the loader rewrites them as compact JSON in JavaScript, and Polars' text of them
 * is not exact), integers past Int64, columns mixing JSON types Polars cannot combine, a
 * byte-order mark, an empty file, a `.json` file holding one document, text that the
 * sample finds mixed or `dynamic`, declared types the native type does not already have.
 *
 * @module
 */
import { nestsDeeperThan } from "./_json_depth.ts";
import {
  type DataFrame,
  type DataType,
  type Expr,
  type LazyDataFrame,
  pl,
  variantOf,
} from "../polars.ts";
import type { KustoType, TableSchema } from "../schema/types.ts";
import { cleaned, datetimeForms, inferTextColumns, parseText } from "./_coerce.ts";
import { readHead } from "./_csv.ts";
import { formatOf } from "./load.ts";
import { findBadLine } from "./_ndjson.ts";
import {
  fileReadFailure,
  guarded,
  HEAD_BYTES,
  HEAD_ROWS,
  LOOKS_TYPED,
  missingColumns,
  presentValues,
  SPREAD_FROM,
  spreadChunks,
} from "./_scan_sample.ts";
import { refuseShadowingNames } from "./_names.ts";
import { DataLoadError, type LoadWarning } from "./errors.ts";

/** An NDJSON table planned as a lazy scan. */
export interface NdjsonScan {
  readonly frame: LazyDataFrame;
  readonly schema: TableSchema;
  /** The records of the files. */
  readonly rows: number;
  readonly warnings: LoadWarning[];
  readonly notes: string[];
}

/** What planning learnt of one file (cached by its size and time). */
interface NdjsonFile {
  readonly file: string;
  readonly size: number;
  readonly mtime: number;
  /** Column → Polars' type over the whole file (Null columns read as text). */
  readonly types: ReadonlyMap<string, DataType>;
  readonly rows: number;
  /** The text columns' values of the first rows and of lines spread through the file. */
  readonly sample: DataFrame;
}

const planned = new Map<string, NdjsonFile>();

/**
 * Plans a lazy scan of the NDJSON `files` (sizes and existence already checked), or
 * returns undefined when the eager loader must read them (see the module's overview).
 *
 * @throws {DataLoadError} naming the line of a file that is not a JSON object.
 */
export async function planNdjsonScan(
  files: readonly string[],
  name: string,
  declared: ReadonlyMap<string, KustoType> = new Map(),
): Promise<NdjsonScan | undefined> {
  const read: NdjsonFile[] = [];
  for (const file of files) {
    const one = await planFile(file);
    if (!one) return undefined;
    read.push(one);
  }
  // The table's columns in order of first appearance, each with one native type.
  const union = new Map<string, DataType>();
  for (const one of read) {
    for (const [column, dtype] of one.types) {
      const before = union.get(column);
      const wider = before === undefined ? dtype : widened(before, dtype);
      if (wider === undefined) return undefined; // the loader reads the mix as text
      union.set(column, wider);
    }
  }
  // A column of no value in any file is text, as the loader makes it.
  for (const [column, dtype] of union) if (variantOf(dtype) === "Null") union.set(column, pl.Utf8);
  const parts = read.map((one) =>
    scanFile(one).select(...[...union].map(([column, dtype]) => {
      const own = one.types.get(column);
      if (own === undefined) return pl.lit(null).cast(dtype).alias(column);
      const read = variantOf(own) === "Null" ? pl.Utf8 : own;
      return String(read) === String(dtype) ? pl.col(column) : pl.col(column).cast(dtype);
    }))
  );
  const native = parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" });

  const textColumns = [...union].filter(([, t]) => variantOf(t) === "Utf8").map(([c]) => c);
  let sample = pl.concat(read.map((r) => r.sample), { how: "diagonal" });
  const undeclared = textColumns.filter((c) => !declared.has(c));
  const sparse = undeclared.filter((c) =>
    !sample.columns.includes(c) || presentValues(sample, c).length === 0
  );
  if (sparse.length > 0) {
    // Columns the sample holds no value of: their first values anywhere, those columns only.
    const found = native.select(...sparse)
      .filter(sparse.map((c) => cleaned(pl.col(c)).isNotNull()).reduce((a, b) => a.or(b)))
      .limit(HEAD_ROWS).collectSync();
    sample = pl.concat([sample, found], { how: "diagonal" });
  }
  for (const c of undeclared) {
    if (!sample.columns.includes(c)) {
      sample = sample.withColumns(pl.lit(null).cast(pl.Utf8).alias(c));
    }
  }
  const inferred = new Map(
    inferTextColumns(sample.select(...undeclared)).columns.map((c) => [c.name, c]),
  );
  const types = new Map<string, KustoType>();
  const parsed: Expr[] = [];
  const values: Expr[] = [];
  for (const [column, dtype] of union) {
    const variant = variantOf(dtype);
    const wanted = declared.get(column);
    if (variant !== "Utf8") {
      const own = variant === "Int64" ? "long" : variant === "Float64" ? "real" : "bool";
      if (wanted !== undefined && wanted !== own) return undefined;
      types.set(column, own);
      values.push(pl.col(column));
      continue;
    }
    const guess = inferred.get(column);
    if (guess?.mixed) return undefined; // the loader counts the misfits for its warning
    const type = wanted ?? guess?.type ?? "string";
    if (type === "dynamic") return undefined; // the loader rewrites it as compact JSON
    types.set(column, type);
    const text = pl.col(column);
    if (type === "string" || type === "guid") {
      const sampled = presentValues(sample, column).length > 0;
      values.push(
        wanted !== undefined || sampled
          ? text
          : guarded(text, cleaned(text).str.contains(LOOKS_TYPED), column),
      );
      continue;
    }
    const tmp = `\u0000parsed:${column}`;
    const forms = type === "datetime" && wanted === undefined
      ? datetimeForms(presentValues(sample, column))
      : undefined;
    parsed.push(parseText(column, type, forms).alias(tmp));
    values.push(guarded(pl.col(tmp), cleaned(text).isNotNull().and(pl.col(tmp).isNull()), column));
  }
  return {
    // Each parse a column of its own, which the guard and the value then share.
    frame: native.withColumns(...parsed).select(...values),
    rows: read.reduce((n, r) => n + r.rows, 0),
    schema: { name, columns: [...union.keys()].map((c) => ({ name: c, type: types.get(c)! })) },
    warnings: missingColumns(read, [...union.keys()], name, (one, c) => one.types.has(c)),
    notes: [],
  };
}

/**
 * The clear error for a failed read of the NDJSON `files` of table `name`: the line that
 * is not a JSON object, or the file whose native read fails, or undefined when each file
 * reads on its own.
 */
export async function ndjsonScanFailure(
  files: readonly string[],
  name: string,
): Promise<DataLoadError | undefined> {
  for (const file of files) {
    try {
      await findBadLine(file); // a chunk at a time, only now the native read has failed
    } catch (error) {
      if (error instanceof DataLoadError) return error;
      throw error;
    }
    const one = planned.get(file);
    if (!one) continue;
    const failed = fileReadFailure(
      file,
      name,
      () => scanFile(one).select(pl.len()).collectSync(),
      "Export the file again, or move it out of the folder.",
    );
    if (failed) return failed;
  }
  return undefined;
}

function scanFile(one: NdjsonFile): LazyDataFrame {
  const schema = [...one.types].map(([c, t]) => [c, variantOf(t) === "Null" ? pl.Utf8 : t]);
  return pl.scanJson(one.file, { schema: Object.fromEntries(schema) });
}

// One file's plan, or undefined when the loader reads it.
async function planFile(file: string): Promise<NdjsonFile | undefined> {
  const stat = await Deno.stat(file);
  const mtime = stat.mtime?.getTime() ?? -1;
  const cached = planned.get(file);
  if (cached && cached.size === stat.size && cached.mtime === mtime) return cached;
  const head = await readHead(file, HEAD_BYTES);
  if (!isLineDelimited(head, formatOf(file) === "ndjson")) return undefined;
  if (await nestsDeeperThan(file)) return undefined; // would abort Polars: the loader reads it
  let inferred: DataFrame;
  let dtypes: DataType[];
  try {
    // Polars' inference over every line, as the loader's own read does. (Reading the
    // types fails for some, such as Int128 for integers past Int64.)
    inferred = pl.scanJson(file, { inferSchemaLength: null }).limit(0).collectSync();
    dtypes = inferred.dtypes;
  } catch {
    await findBadLine(file); // names a line that is not a JSON object
    return undefined; // JSON types Polars cannot combine: the JavaScript reader
  }
  refuseShadowingNames(inferred, file);
  const types = new Map<string, DataType>();
  for (const [i, column] of inferred.columns.entries()) {
    const variant = variantOf(dtypes[i]);
    if (!["Utf8", "Null", "Int64", "Float64", "Bool"].includes(variant)) return undefined;
    types.set(column, dtypes[i]); // Null (no value in the file): read as text
  }
  const one = { file, size: stat.size, mtime, types, rows: 0, sample: pl.DataFrame({}) };
  const text = [...types].filter(([, t]) => ["Utf8", "Null"].includes(variantOf(t)))
    .map(([c]) => c);
  // Text mixing JSON types in the head (`"x"` and `1`): the loader counts them for its warning.
  if (mixesKinds(head, text)) return undefined;
  const scan = scanFile(one);
  let rows: number;
  let sample: DataFrame;
  try {
    rows = Number(scan.select(pl.len().alias("n")).collectSync().getColumn("n").get(0));
    sample = text.length === 0
      ? pl.DataFrame({})
      : scan.select(...text).limit(HEAD_ROWS).collectSync();
  } catch {
    await findBadLine(file);
    return undefined;
  }
  if (stat.size > SPREAD_FROM && text.length > 0) {
    sample = pl.concat([sample, ...await spreadRows(file, stat.size, text)], { how: "diagonal" });
  }
  const done = { ...one, rows, sample };
  planned.set(file, done);
  return done;
}

// The text columns of whole lines read at offsets spread through the file, as Polars reads
// them (its text of a number or `true` in a column of text).
async function spreadRows(file: string, size: number, text: string[]): Promise<DataFrame[]> {
  const rows: DataFrame[] = [];
  const schema = Object.fromEntries(text.map((c) => [c, pl.Utf8]));
  for await (const chunk of spreadChunks(file, size)) {
    const lines = new TextDecoder().decode(chunk).split("\n")
      .filter((l) => l.trim() !== "")
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return []; // Polars read every line: a cut one is all this can be
        }
      });
    rows.push(
      pl.readRecords(
        lines.map((r) => Object.fromEntries(text.map((c) => [c, textOf(r[c])]))),
        { schema },
      ),
    );
  }
  return rows;
}

// Whether a column of `text` holds values of more than one JSON type in the first lines of
// `head` (the loader's sample for its warning).
function mixesKinds(head: Uint8Array, text: readonly string[]): boolean {
  if (text.length === 0) return false;
  const end = head.lastIndexOf(0x0a);
  const lines = new TextDecoder().decode(head.subarray(0, end < 0 ? head.length : end))
    .split("\n").slice(0, HEAD_ROWS);
  const kinds = new Map(text.map((c) => [c, new Set<string>()]));
  for (const line of lines) {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      continue; // blank; Polars read every line
    }
    if (typeof record !== "object" || record === null) continue;
    for (const [column, seen] of kinds) {
      const v = record[column];
      if (v !== null && v !== undefined) seen.add(typeof v);
    }
  }
  return [...kinds.values()].some((seen) => seen.size > 1);
}

// A JSON value as Polars' text of it in a column of text (nested values end the scan
// plan: the whole-file inference gave the column no nested type).
function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? v : JSON.stringify(v);
}

// Whether the head of a file shows one JSON object per line, as the loader decides: no
// byte-order mark, not blank; for a `.json` file (not `lines`), the first line a whole
// object with more after it.
function isLineDelimited(head: Uint8Array, lines: boolean): boolean {
  if (head[0] === 0xef || head[0] === 0xff || head[0] === 0xfe) return false;
  let start = 0;
  while (start < head.length && isSpace(head[start])) start++;
  if (lines) return start < head.length;
  if (head[start] !== 0x7b /* { */) return false;
  const end = head.indexOf(0x0a, start);
  if (end < 0) return false;
  try {
    const first = JSON.parse(new TextDecoder().decode(head.subarray(start, end)));
    if (typeof first !== "object" || first === null || Array.isArray(first)) return false;
  } catch {
    return false;
  }
  // A single object followed by blanks only is one document (the loader's rule).
  for (let i = end; i < head.length; i++) if (!isSpace(head[i])) return true;
  return false;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

// The type two files' columns share as the loader reads them (each file's values as text,
// typed again), or undefined when the files disagree in a way only the loader settles.
function widened(a: DataType, b: DataType): DataType | undefined {
  const [x, y] = [variantOf(a), variantOf(b)];
  if (x === y) return a;
  if (x === "Null") return b;
  if (y === "Null") return a;
  if ((x === "Int64" && y === "Float64") || (x === "Float64" && y === "Int64")) return pl.Float64;
  return undefined;
}
