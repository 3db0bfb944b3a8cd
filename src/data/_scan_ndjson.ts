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
 * Nested values (objects, arrays: `AdditionalFields`, `DeviceDetail`) are scanned too, as
 * `dynamic` columns: Polars reads each as its JSON text (`{"k": [1, 2]}`), and an expression
 * removes the blanks outside strings, which gives the compact JSON the loader writes. Where
 * Polars' text is not that (a backslash or control character in a string, which Polars
 * leaves unescaped; a bag of more than 32 keys, whose order Polars' reader loses; keys that
 * are whole numbers, which JavaScript puts first; numbers JavaScript writes with an exponent
 * or as `0`), a guard stops the read with the {@link MISFIT_MARKER} error and the table is
 * loaded whole.
 *
 * A JSON-path read needs none of that compaction (serde reads blanks alike), so the scan
 * also gives the rows with Polars' text beside each nested column, guarded only against
 * what reads as another value ({@link RawJson}): the KQL engine's path reads read it (2M
 * records, `deno task bench kql`'s NDJSON file: the compaction was a fifth of the CPU time
 * of `mv-expand` of a path).
 *
 * Loaded whole instead (undefined from {@link planNdjsonScan}): integers past Int64, columns
 * mixing JSON types Polars cannot combine (text in one row, an object in another), a
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
  /** The rows again with Polars' own text of each nested column beside it (see {@link RawJson}). */
  readonly rawJson?: RawJson;
}

/**
 * A scanned table's rows with, beside each nested (`dynamic`) column, a column of Polars'
 * own text of its value, before the compaction and the full guard of {@link nestedValue}:
 * a reader that only looks values up by JSON path (which blanks do not change) reads that
 * text and skips the compaction.
 *
 * The text is guarded only against what makes it read as another JSON value (the
 * {@link MISFIT_MARKER} error on a row with a backslash, which Polars leaves unescaped, or
 * not an object or array; escaped control characters, which Polars writes raw, make text
 * serde does not read at all). It may still differ from the loader's text
 * where the compacted column would have stopped the read: numbers as Polars writes them
 * (`1e21` as `1000000000000000000000`, `-0` as `0`), keys of an object of more than 32 keys
 * out of order, keys that are whole numbers in the file's order (JavaScript puts them
 * first). A reader checks the values it reads for those (a number of 16 digits or more, a
 * small fraction, an object).
 */
export interface RawJson {
  /** The table's columns (as `frame`), then the text columns. */
  readonly frame: LazyDataFrame;
  /** Nested column → its text column in `frame`. */
  readonly columns: ReadonlyMap<string, string>;
}

/** What planning learnt of one file (cached by its size and time). */
interface NdjsonFile {
  readonly file: string;
  readonly size: number;
  readonly mtime: number;
  /** Column → Polars' type over the whole file (Null columns read as text). */
  readonly types: ReadonlyMap<string, DataType>;
  /** The columns holding objects or arrays (read as their JSON text, typed as `Utf8`). */
  readonly nested: ReadonlySet<string>;
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
  const nested = new Set<string>();
  for (const one of read) for (const column of one.nested) nested.add(column);
  for (const one of read) {
    for (const [column, dtype] of one.types) {
      // Nested in one file, text or numbers in another: the loader settles the mix.
      if (nested.has(column) && !one.nested.has(column) && variantOf(dtype) !== "Null") {
        return undefined;
      }
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

  const textColumns = [...union].filter(([c, t]) => variantOf(t) === "Utf8" && !nested.has(c))
    .map(([c]) => c);
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
  const rawTexts = new Map<string, string>();
  // The file's keys and the names given to columns of our own so far (none may repeat).
  const taken = new Set(union.keys());
  for (const [column, dtype] of union) {
    const variant = variantOf(dtype);
    const wanted = declared.get(column);
    if (nested.has(column)) {
      if (wanted !== undefined && wanted !== "dynamic") return undefined;
      types.set(column, "dynamic");
      values.push(nestedValue(pl.col(column), column));
      rawTexts.set(column, freeName(`${column}${RAW_SUFFIX}`, taken));
      continue;
    }
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
    const tmp = freeName(`\u0000parsed:${column}`, taken);
    const forms = type === "datetime" && wanted === undefined
      ? datetimeForms(presentValues(sample, column))
      : undefined;
    parsed.push(parseText(column, type, forms).alias(tmp));
    values.push(guarded(pl.col(tmp), cleaned(text).isNotNull().and(pl.col(tmp).isNull()), column));
  }
  // Each parse a column of its own, which the guard and the value then share.
  const typed = native.withColumns(...parsed);
  const raw = [...rawTexts].map(([c, name]) => rawValue(pl.col(c), c).alias(name));
  return {
    frame: typed.select(...values),
    ...(raw.length > 0
      ? { rawJson: { frame: typed.select(...values, ...raw), columns: rawTexts } }
      : {}),
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
  // Columns the head shows nested are read as text from the start: Polars' inference of
  // their structs (keys varying from record to record) is slow and can fail.
  const nested = nestedInHead(head);
  let inferred: DataFrame;
  let dtypes: DataType[];
  try {
    // Polars' inference over every line, as the loader's own read does. (Reading the
    // types fails for some, such as Int128 for integers past Int64.)
    const schemaOverrides = Object.fromEntries([...nested].map((c) => [c, pl.Utf8]));
    inferred = pl.scanJson(file, { inferSchemaLength: null, schemaOverrides }).limit(0)
      .collectSync();
    dtypes = inferred.dtypes;
  } catch {
    await findBadLine(file); // names a line that is not a JSON object
    return undefined; // JSON types Polars cannot combine: the JavaScript reader
  }
  refuseShadowingNames(inferred, file);
  const types = new Map<string, DataType>();
  for (const [i, column] of inferred.columns.entries()) {
    const variant = variantOf(dtypes[i]);
    // Nested only past the head: read as text too.
    if (variant === "Struct" || variant === "List") nested.add(column);
    else if (!["Utf8", "Null", "Int64", "Float64", "Bool"].includes(variant)) return undefined;
    // Null (no value in the file) and nested columns: read as text.
    types.set(column, nested.has(column) ? pl.Utf8 : dtypes[i]);
  }
  const one = {
    file,
    size: stat.size,
    mtime,
    types,
    nested,
    rows: 0,
    sample: pl.DataFrame({}),
  };
  const text = [...types]
    .filter(([c, t]) => ["Utf8", "Null"].includes(variantOf(t)) && !nested.has(c))
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

// The columns holding an object or array in the first lines of `head`.
function nestedInHead(head: Uint8Array): Set<string> {
  const nested = new Set<string>();
  const end = head.lastIndexOf(0x0a);
  const lines = new TextDecoder().decode(head.subarray(0, end < 0 ? head.length : end))
    .split("\n").slice(0, HEAD_ROWS);
  for (const line of lines) {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue; // blank; a bad line is named by the read
    }
    if (typeof record !== "object" || record === null) continue;
    for (const [key, v] of Object.entries(record)) {
      if (typeof v === "object" && v !== null) nested.add(key);
    }
  }
  return nested;
}

/**
 * A nested column's value: Polars' text of it (`{"k": [1, "a b"]}`) as the compact JSON the
 * loader writes (`{"k":[1,"a b"]}`), or the {@link MISFIT_MARKER} error (naming `column`)
 * on a row where the two may differ ({@link UNFAITHFUL}, or more than {@link ORDERED_KEYS}
 * keys, counted over the whole value: its objects' keys may have lost their order).
 *
 * Polars writes `": ` after a key and `, ` between elements and, where no row is
 * unfaithful, no backslash, so a string runs from a quote to the next: two literal replaces
 * remove the blanks, except in rows where a string holds `, ` or `: `, which a regular
 * expression that skips strings compacts (only those rows: the others are null to it).
 * Measured (2M records, `deno task bench kql`'s NDJSON file): reading the text 0.87 s,
 * compacting and guarding it 0.40 s more (0.70 s with the two checks as separate passes).
 */
export function nestedValue(text: Expr, column: string): Expr {
  const keysJoined = text.str.replaceAll(`": `, `":`, true);
  const keys = text.str.lengths().sub(keysJoined.str.lengths());
  const literal = keysJoined.str.replaceAll(", ", ",", true);
  // One pass of both patterns over every row; each on its own only over the rows that
  // matched either (the others are null to it): a third less time than two passes.
  const suspect = text.str.contains(`${BLANKS_IN_STRINGS}|${UNFAITHFUL}`);
  const some = pl.when(suspect).then(text).otherwise(pl.lit(null).cast(pl.Utf8));
  const blanksInStrings = some.str.contains(BLANKS_IN_STRINGS).fillNull(false);
  const skipping = pl.when(blanksInStrings).then(text).otherwise(pl.lit(null).cast(pl.Utf8))
    .str.replaceAll(String.raw`("[^"]*")|\s+`, "$1");
  const compact = pl.when(blanksInStrings).then(skipping).otherwise(literal);
  const bad = some.str.contains(UNFAITHFUL).fillNull(false).or(keys.gt(ORDERED_KEYS));
  return guarded(compact, text.isNotNull().and(bad), column);
}

/** The name of a nested column's {@link RawJson} text column is the column's and this. */
const RAW_SUFFIX = "\u0000json";

/**
 * `name`, or `name` with more NULs in front, so that it is none of `taken` (a file's keys,
 * which are the writer's: a record may hold any name), and taken from now on.
 */
function freeName(name: string, taken: Set<string>): string {
  while (taken.has(name)) name = `\u0000${name}`;
  taken.add(name);
  return name;
}

/**
 * Polars' text of a nested value (see {@link RawJson}), or the {@link MISFIT_MARKER} error
 * (naming `column`) on a row whose text may read as another JSON value than the file's: a
 * backslash (Polars writes `\\` unescaped, so `\\t` would read as a tab), or not an object or
 * array. Literal tests, a tenth of the time of a regular expression over the text. Escaped
 * control characters Polars writes raw need no test: serde (Polars' JSON-path reader) reads
 * no such text, and a reader treats a value it could not read as one to read exactly.
 */
function rawValue(text: Expr, column: string): Expr {
  const nested = text.str.startsWith("{").or(text.str.startsWith("["));
  const rewritten = text.str.contains("\\", true as never).or(nested.not());
  return guarded(text, text.isNotNull().and(rewritten), column);
}

/** A string (after an even number of quotes, an odd one) holding `, ` or `: `. */
const BLANKS_IN_STRINGS = String.raw`^(?:[^"]*"[^"]*")*[^"]*"[^"]*[:,] `;

/** More keys than Polars' reader keeps in order in one object (it then hashes them). */
const ORDERED_KEYS = 32;

/**
 * Polars' text of a nested value that may differ, compacted, from the loader's compact JSON
 * (`JSON.stringify` of its `JSON.parse`): not an object or array; a backslash or control
 * character (Polars leaves them unescaped in strings); a key that is a whole number
 * (JavaScript puts those first); a number JavaScript writes otherwise: a fraction below 1e-6
 * (with an exponent), one of 16 or more whole digits (rounded) or negative zero (a value
 * `-0`, not `HOST-0`). Numbers are spotted anywhere (text in a string that looks like one
 * only costs a whole load), in one pass.
 */
const UNFAITHFUL = String
  .raw`^[^\[{]|[\\\x00-\x1f]|"[0-9]+": |0\.000000|[0-9]{16}[0-9]*\.|[ \[]-0[,\]}]`;

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
