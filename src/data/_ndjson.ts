/**
 * Newline-delimited JSON through Polars' own reader: the file is never read into a
 * JavaScript string. A first-lines sample, parsed here, names the columns that hold nested
 * values (objects, arrays), which Polars is told to read as their JSON text (`dynamic`);
 * Polars infers the other types over the whole file in the same read, as its own reader
 * does, so a key that first appears late is still a column. The sample also spots columns
 * that mix JSON types, whose values are then counted in a streamed pass for the warning.
 * Only when Polars' read fails is the file read again, line by line in bounded memory, to
 * name the line at fault.
 *
 * @module
 */
import { nestsDeeperThan } from "./_json_depth.ts";
import { type DataFrame, pl, variantOf } from "../polars.ts";
import type { KustoType } from "../schema/types.ts";
import { DataLoadError, type LoadWarning } from "./errors.ts";
import { readHead } from "./_csv.ts";
import { isRaw, parseJson } from "../_exact_json.ts";

/** Records read from an NDJSON file: typed columns, nested ones as JSON text. */
export interface NdjsonTable {
  readonly frame: DataFrame;
  /** Columns that hold nested JSON (declared `dynamic`). */
  readonly declared: ReadonlyMap<string, KustoType>;
  readonly warnings: LoadWarning[];
}

/** Lines parsed here to spot columns mixing JSON types (Polars reads those as text). */
const SAMPLE_LINES = 1000;
const SAMPLE_BYTES = 4 * 2 ** 20;
/** Bytes read at a time when the file is read line by line. */
const CHUNK_BYTES = 16 * 2 ** 20;

/**
 * Reads the NDJSON `file` (UTF-8 without a byte-order mark; its size already checked)
 * with Polars' reader, or returns undefined when only the JavaScript reader can read it
 * (JSON types that Polars cannot reconcile in one column, such as `true` and `1`).
 *
 * @throws {DataLoadError} naming the line that is not a JSON object.
 */
export async function readNdjsonNative(file: string): Promise<NdjsonTable | undefined> {
  const head = await readHead(file, SAMPLE_BYTES);
  if (head.length < SAMPLE_BYTES && isBlank(head)) {
    return { frame: pl.DataFrame({}), declared: new Map(), warnings: [] };
  }
  if (await nestsDeeperThan(file)) return undefined; // would abort Polars: the JavaScript reader
  const sample = sampleRecords(head);
  // Columns the sample shows nested are read as their JSON text; Polars infers the rest
  // over the whole file in the same read, as its own reader does.
  const nested = new Set<string>();
  for (const record of sample) {
    for (const [key, v] of Object.entries(record)) {
      if (typeof v === "object" && v !== null && !isRaw(v)) nested.add(key);
    }
  }
  let frame: DataFrame;
  try {
    frame = readWithText(file, nested);
    // A column nested only past the sample: read again with it as text too (rare).
    const late = nestedColumns(frame);
    if (late.length > 0) {
      for (const column of late) nested.add(column);
      frame = readWithText(file, nested);
    }
  } catch {
    // A line that is not a JSON object is named; a file whose lines are all objects but
    // whose JSON types Polars cannot combine in a column goes to the JavaScript reader.
    await findBadLine(file);
    return undefined;
  }
  const declared = new Map<string, KustoType>();
  const dtypes = frame.dtypes;
  const empty: string[] = [];
  for (const [i, column] of frame.columns.entries()) {
    if (nested.has(column)) declared.set(column, "dynamic");
    if (variantOf(dtypes[i]) === "Null") empty.push(column);
  }
  // A column of nulls only is text, as the JavaScript reader makes it.
  if (empty.length > 0) frame = frame.withColumns(pl.col(empty).cast(pl.Utf8));
  const compact = compactNested(frame, declared);
  if (compact === undefined) return undefined;
  const warnings = await mixedTypeWarnings(file, sample, frame, declared);
  return { frame: compact, declared, warnings };
}

/**
 * Nested columns as compact JSON, the form every other source gives `dynamic` text
 * (Polars writes `{"k": [1, 2]}`); integers beyond 2^53 keep every digit. Undefined when
 * Polars' text is not faithful JSON, for the JavaScript reader to read the file: Polars
 * leaves a backslash and control characters in strings unescaped (`C:\temp` would read back
 * with a tab), gives a string or number in the column as bare text (`hello`, `123`), and
 * loses the order of the keys of an object of more than 32.
 */
function compactNested(
  frame: DataFrame,
  nested: ReadonlyMap<string, KustoType>,
): DataFrame | undefined {
  if (nested.size === 0) return frame;
  const columns = [];
  for (const series of frame.getColumns()) {
    if (!nested.has(series.name)) {
      columns.push(series);
      continue;
    }
    const values: Array<string | null> = [];
    for (const v of series.toArray() as Array<string | null>) {
      if (v !== null && (!FAITHFUL_NESTED.test(v) || keysOf(v) > ORDERED_KEYS)) return undefined;
      values.push(v === null ? null : JSON.stringify(parseJson(v)));
    }
    columns.push(pl.Series(series.name, values, pl.Utf8));
  }
  return pl.DataFrame(columns);
}

/** More keys than Polars' reader keeps in order in one object (past them it hashes them). */
const ORDERED_KEYS = 32;

/** The keys of Polars' text of a nested value: each ends `": ` (no quote inside a string). */
function keysOf(text: string): number {
  return text.split(`": `).length - 1;
}

/** Polars' text of an object or array with no backslash or control character in it. */
// deno-lint-ignore no-control-regex
const FAITHFUL_NESTED = /^[[{][^\\\x00-\x1f]*$/;

// Polars' read of `file`, the `text` columns as their JSON text, the others inferred.
function readWithText(file: string, text: ReadonlySet<string>): DataFrame {
  const schemaOverrides = Object.fromEntries([...text].map((c) => [c, pl.Utf8]));
  return pl.scanJson(file, { inferSchemaLength: null, schemaOverrides }).collectSync();
}

function nestedColumns(frame: DataFrame): string[] {
  const dtypes = frame.dtypes;
  return frame.columns.filter((_, i) => ["Struct", "List"].includes(variantOf(dtypes[i])));
}

/**
 * Throws a {@link DataLoadError} naming the first line of `file` that is not a JSON object
 * (or holds a NUL byte); returns when every line is one. Reads the file a chunk at a time.
 */
export async function findBadLine(file: string): Promise<void> {
  await forEachLine(file, (line, lineNumber) => {
    if (line.trim() !== "") parseLine(line.trim(), lineNumber, file);
  });
}

/** One line of an NDJSON file as a record, or a {@link DataLoadError} naming the line. */
export function parseLine(
  line: string,
  lineNumber: number,
  file: string,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJson(line);
  } catch (error) {
    throw new DataLoadError(
      `Cannot read ${file}: line ${lineNumber} is not valid JSON (${(error as Error).message})`,
      { file, line: lineNumber, hint: "Each line of an NDJSON file holds one JSON object." },
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DataLoadError(`Cannot read ${file}: line ${lineNumber} is not a JSON object`, {
      file,
      line: lineNumber,
    });
  }
  return value as Record<string, unknown>;
}

// Calls `each` with every line of `file` and its 1-based number, reading a chunk at a
// time (a line is never cut in two), so a file of any size reads in bounded memory.
async function forEachLine(
  file: string,
  each: (line: string, lineNumber: number) => void,
): Promise<void> {
  using handle = await Deno.open(file);
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(CHUNK_BYTES);
  let carry = new Uint8Array(0);
  let lineNumber = 0;
  for (;;) {
    const n = await handle.read(buffer);
    const done = n === null;
    const read = done ? new Uint8Array(0) : buffer.subarray(0, n);
    const bytes = carry.length === 0 ? read : concat(carry, read);
    const end = done ? bytes.length : bytes.lastIndexOf(0x0a) + 1;
    const complete = bytes.subarray(0, end);
    const nul = complete.indexOf(0);
    const pieces = decoder.decode(complete).split("\n");
    if (complete[complete.length - 1] === 0x0a) pieces.pop();
    for (const piece of pieces) {
      lineNumber++;
      if (nul >= 0 && piece.includes("\0")) {
        throw new DataLoadError(
          `Cannot read ${file}: it holds a NUL byte at line ${lineNumber} (UTF-16 without a ` +
            "byte-order mark, or not a text file)",
          { file, line: lineNumber, hint: "Re-export the file as UTF-8 text." },
        );
      }
      each(piece, lineNumber);
    }
    if (done) return;
    carry = bytes.slice(end);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Warnings for text columns whose values mix JSON types (a number in a column of
 * strings): spotted in the sample, counted over the whole file.
 */
async function mixedTypeWarnings(
  file: string,
  sample: Record<string, unknown>[],
  frame: DataFrame,
  declared: ReadonlyMap<string, KustoType>,
): Promise<LoadWarning[]> {
  const dtypes = frame.dtypes;
  const text = new Set(
    frame.columns.filter((c, i) => variantOf(dtypes[i]) === "Utf8" && !declared.has(c)),
  );
  const suspects = [...text].filter((column) => kindsOf(sample, column).size > 1);
  if (suspects.length === 0) return [];
  const counts = new Map(suspects.map((c) => [c, new Map<string, number>()]));
  await forEachLine(file, (line, lineNumber) => {
    if (line.trim() === "") return;
    const record = parseLine(line.trim(), lineNumber, file);
    for (const [column, kinds] of counts) {
      const v = record[column];
      if (v === null || v === undefined) continue;
      const kind = isRaw(v) ? "number" : typeof v;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
  });
  return [...counts].map(([column, kinds]) => {
    const [major] = [...kinds.entries()].sort((a, b) => b[1] - a[1])[0];
    const misfits = [...kinds.entries()].filter(([k]) => k !== major)
      .reduce((n, [, c]) => n + c, 0);
    return {
      file,
      column,
      message: `column ${column}: ${misfits} value(s) are not of the column's main JSON type ` +
        `(${major}); the column is kept as text`,
    };
  });
}

function sampleRecords(head: Uint8Array): Record<string, unknown>[] {
  const end = head.lastIndexOf(0x0a);
  const lines = new TextDecoder().decode(head.subarray(0, end < 0 ? head.length : end))
    .split("\n").slice(0, SAMPLE_LINES);
  const records: Record<string, unknown>[] = [];
  for (const line of lines) {
    try {
      const value = JSON.parse(line);
      if (typeof value === "object" && value !== null) records.push(value);
    } catch {
      // Polars read the file, so a line cut by the sample's end is all this can be.
    }
  }
  return records;
}

function kindsOf(records: Record<string, unknown>[], column: string): Set<string> {
  const kinds = new Set<string>();
  for (const record of records) {
    const v = record[column];
    if (v !== null && v !== undefined) kinds.add(typeof v);
  }
  return kinds;
}

function isBlank(head: Uint8Array): boolean {
  for (const b of head) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  return true;
}
