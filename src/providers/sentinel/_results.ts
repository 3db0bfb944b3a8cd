/**
 * Log Analytics result tables → Polars DataFrames with the dtypes the local engine gives
 * (src/schema/types.ts), built column by column from the parsed response: numbers and
 * times go through typed arrays, repetitive text through a dictionary, and no JavaScript
 * object is made per row.
 *
 * Values are read as the service writes them: datetimes as ISO 8601 UTC text with up to
 * seven fraction digits (kept to the microsecond, as the local engine keeps them),
 * timespans as `[-][d.]hh:mm:ss[.fffffff]`, reals as numbers or `"NaN"`/`"Infinity"`,
 * `dynamic` as text holding JSON (or, from other producers, as a JSON value), strings
 * never null (`""`, as in Kusto).
 *
 * @module
 */
import {
  type DataFrame,
  type DataType,
  DATETIME,
  DURATION,
  pl,
  type Series,
} from "../../polars.ts";
import {
  type ColumnSchema,
  type KustoType,
  kustoTypeFromName,
  polarsTypeOf,
} from "../../schema/types.ts";
import type { TableSchema } from "../../schema/types.ts";
import type { RenderSpec } from "../provider.ts";
import { Buffer } from "node:buffer";
import { CasefileError } from "../../errors.ts";
import { readKqlDatetime, readKqlTimespan } from "../../kql/syntax.ts";
import { bigSeries, isRaw } from "../_exact_json.ts";

/** A column as the service describes it. */
export interface WireColumn {
  readonly name: string;
  readonly type: string;
}

/** A result table as the service sends it. */
export interface WireTable {
  readonly name: string;
  readonly columns: readonly WireColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

/** An error object of the service (`{code, message, details?, innererror?}`). */
export interface WireError {
  readonly code?: string;
  readonly message?: string;
  readonly details?: readonly WireError[];
  readonly innererror?: WireError;
  readonly [key: string]: unknown;
}

/** A query response body. */
export interface WireResult {
  readonly tables: readonly WireTable[];
  /** Present when the result is partial. */
  readonly error?: WireError;
  readonly render?: Readonly<Record<string, unknown>>;
  readonly statistics?: Readonly<Record<string, unknown>>;
}

/**
 * A response body that is not a Log Analytics result; `message` says what is wrong. The
 * provider reports it as a {@link MalformedResponseError}.
 */
export class WireShapeError extends CasefileError {
  constructor(message: string) {
    super(message);
    this.name = "WireShapeError";
  }
}

/** A frame with its Kusto schema. */
export interface TypedFrame {
  readonly frame: DataFrame;
  readonly schema: TableSchema;
}

/**
 * Checks that `value` (a parsed body) has the shape of a query result: tables with named,
 * typed columns and a list of rows. (Each row's width is checked by {@link tableToFrame},
 * which reads every row anyway.)
 *
 * @throws {WireShapeError} naming the first thing that is wrong.
 */
export function readWireResult(value: unknown): WireResult {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new WireShapeError(`the body is ${describe(value)}, not an object`);
  }
  const body = value as Record<string, unknown>;
  if (!Array.isArray(body.tables)) {
    throw new WireShapeError(`"tables" is ${describe(body.tables)}, not a list`);
  }
  // The service always answers with at least the primary result table.
  if (body.tables.length === 0) throw new WireShapeError(`"tables" is empty`);
  for (const [t, table] of (body.tables as unknown[]).entries()) {
    if (typeof table !== "object" || table === null) {
      throw new WireShapeError(`table ${t} is ${describe(table)}`);
    }
    const { columns, rows } = table as Record<string, unknown>;
    if (!Array.isArray(columns)) throw new WireShapeError(`table ${t} has no column list`);
    for (const column of columns) {
      if (
        typeof column !== "object" || column === null ||
        typeof (column as WireColumn).name !== "string" ||
        typeof (column as WireColumn).type !== "string"
      ) {
        throw new WireShapeError(`a column of table ${t} lacks a name or type`);
      }
    }
    if (!Array.isArray(rows)) throw new WireShapeError(`table ${t} has no row list`);
  }
  if (body.error !== undefined && (typeof body.error !== "object" || body.error === null)) {
    throw new WireShapeError(`"error" is ${describe(body.error)}`);
  }
  return body as unknown as WireResult;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The Kusto type of a column type name the service sent (unknown names are `string`). */
export function wireType(name: string): KustoType {
  return kustoTypeFromName(name) ?? "string";
}

/**
 * One result table as a DataFrame with its Kusto schema.
 *
 * @throws {WireShapeError} when a row is not a list of one cell per column.
 */
export function tableToFrame(table: WireTable): TypedFrame {
  const columns: ColumnSchema[] = table.columns.map((c) => ({
    name: c.name,
    type: wireType(c.type),
  }));
  // Kusto's column names are unique; Polars would refuse the frame with an error of its own.
  const seen = new Set<string>();
  for (const { name } of columns) {
    if (seen.has(name)) throw new WireShapeError(`column ${name} is declared twice`);
    seen.add(name);
  }
  const cells = transpose(table.rows, columns.length);
  const series = columns.map((column, i) => {
    try {
      // A type this casefile does not know yet is read as text, whatever JSON it holds.
      return columnSeries(column, cells[i], kustoTypeFromName(table.columns[i].type) !== undefined);
    } catch (error) {
      if (!(error instanceof Misfit)) throw error;
      throw new WireShapeError(
        `column ${column.name} is declared ${column.type} but row ${error.row} holds ` +
          `${JSON.stringify(error.value)?.slice(0, 60)}`,
      );
    }
  });
  return {
    frame: pl.DataFrame(series),
    schema: { name: table.name, columns },
  };
}

// One pass over the rows into one array per column: the row arrays are scattered over the
// heap, and reading them once instead of once per column is much kinder to the caches.
function transpose(rows: WireTable["rows"], width: number): unknown[][] {
  const n = rows.length;
  const columns: unknown[][] = Array.from({ length: width }, () => new Array(n).fill(null));
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== width) {
      throw new WireShapeError(
        `row ${i} has ${
          Array.isArray(row) ? `${row.length} cells` : describe(row)
        } for ${width} columns`,
      );
    }
    for (let c = 0; c < width; c++) columns[c][i] = row[c];
  }
  return columns;
}

function columnSeries(column: ColumnSchema, cells: readonly unknown[], known: boolean): Series {
  const { name, type } = column;
  switch (type) {
    case "string":
      return textSeries(name, cells, false, known);
    case "guid":
      if (known) refuseMisfits(cells, (v) => typeof v !== "string" || v === "" || GUID.test(v));
      return textSeries(name, cells, true, known);
    case "dynamic":
      return textSeries(name, cells, true);
    case "bool":
      return boolSeries(name, cells);
    case "datetime":
      return numberSeries(name, cells, readWireDatetime, DATETIME);
    case "timespan":
      return numberSeries(name, cells, readWireTimespan, DURATION);
    case "int":
      // Past 32 bits the value does not fit the declared type (the cast would make it null).
      refuseMisfits(cells, (v) => {
        const x = typeof v === "number" ? v : isRaw(v) ? Number(v.rawJSON) : readWireInteger(v);
        return x === undefined || (x >= INT32_MIN && x <= INT32_MAX);
      });
      return numberSeries(name, cells, readWireInteger, polarsTypeOf(type), true);
    case "long":
      return exactLongSeries(name, cells) ??
        numberSeries(name, cells, readWireInteger, polarsTypeOf(type), true);
    case "real":
    case "decimal":
      return numberSeries(name, cells, readWireNumber, polarsTypeOf(type));
  }
}

const BULK_MIN_ROWS = 4096;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;

/** Throws a {@link Misfit} for the first non-null cell `fits` refuses. */
function refuseMisfits(cells: readonly unknown[], fits: (v: unknown) => boolean): void {
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v !== null && v !== undefined && !fits(v)) throw new Misfit(i, v);
  }
}

/**
 * A text column: strings as they are, JSON values as compact JSON, null as `""` for Kusto
 * `string` and as null for `guid` and `dynamic`.
 */
function textSeries(
  name: string,
  cells: readonly unknown[],
  nullable: boolean,
  textOnly = false,
): Series {
  const n = cells.length;
  if (textOnly) {
    // A string or guid column holds JSON strings (or null): a number, bool or object there
    // is not what the column declares, so the answer is refused rather than stringified.
    for (let i = 0; i < n; i++) {
      const v = cells[i];
      if (typeof v !== "string" && v !== null && v !== undefined) throw new Misfit(i, v);
    }
  }
  const nulls = nullable ? new Uint8Array(n) : undefined;
  let series: Series | undefined;
  if (n >= BULK_MIN_ROWS && fewDistinct(cells)) series = viaDictionary(name, cells, nulls);
  if (!series) {
    const values = textValues(cells, nulls);
    series = (n >= BULK_MIN_ROWS ? viaCsv(name, values) : undefined) ??
      pl.Series(name, values, pl.Utf8);
  }
  return withNulls(series, nulls);
}

/**
 * The cells as text: strings as they are, JSON values as JSON, null as `""` (marked in
 * `nulls` when given). The cells themselves when they are all text already.
 */
function textValues(cells: readonly unknown[], nulls: Uint8Array | undefined): string[] {
  const n = cells.length;
  let i = 0;
  while (i < n && typeof cells[i] === "string") i++;
  if (i === n) return cells as string[];
  const values = cells.slice(0, i) as string[];
  values.length = n;
  for (; i < n; i++) {
    const v = cells[i];
    values[i] = typeof v === "string" ? v : textOf(v, i, nulls);
  }
  return values;
}

function textOf(v: unknown, i: number, nulls: Uint8Array | undefined): string {
  if (v === null || v === undefined) {
    if (nulls) nulls[i] = 1;
    return "";
  }
  return JSON.stringify(v);
}

// Building a Polars text column from JS strings costs one native call per value, which is
// most of the cost of a response. Two ways around it, by what the column holds:
//
// - few distinct values (hosts, accounts, event names): the distinct values and an index
//   per row, gathered by Polars;
// - many: all values joined into one buffer and read by Polars' CSV reader (one value per
//   line, no quoting, a separator that cannot occur). Values the trick cannot carry (line
//   breaks, the quote or separator character) fall back to the direct way.

function fewDistinct(cells: readonly unknown[]): boolean {
  const seen = new Set<unknown>();
  const step = Math.max(1, Math.floor(cells.length / 1024));
  for (let i = 0; i < cells.length; i += step) seen.add(cells[i]);
  return seen.size <= 256;
}

// Cells that are not text are converted as they are met: the common all-text column is
// read once.
function viaDictionary(
  name: string,
  cells: readonly unknown[],
  nulls: Uint8Array | undefined,
): Series | undefined {
  const n = cells.length;
  const codes = new Map<string, number>();
  const distinct: string[] = [];
  const index = new Uint32Array(n);
  let previous: unknown;
  let previousCode = 0;
  for (let i = 0; i < n; i++) {
    const cell = cells[i];
    // Neighbouring rows often repeat a value: no hashing then.
    if (cell === previous) {
      index[i] = previousCode;
      continue;
    }
    const v = typeof cell === "string" ? cell : textOf(cell, i, nulls);
    let code = codes.get(v);
    if (code === undefined) {
      if (distinct.length >= 65_536) return undefined;
      code = distinct.length;
      codes.set(v, code);
      distinct.push(v);
    }
    index[i] = code;
    previous = typeof cell === "string" ? cell : undefined;
    previousCode = code;
  }
  return pl.DataFrame([pl.Series(name, distinct, pl.Utf8)])
    .select(pl.col(name).gather(pl.Series("index", index) as unknown as number[]))
    .getColumn(name);
}

function viaCsv(name: string, values: readonly string[]): Series | undefined {
  // A last line that is not a value keeps a trailing empty value from being taken for the
  // end of the file.
  const text = values.join("\n") + "\n\x02";
  if (text.includes("\r") || text.includes("\x01") || text.includes("\x1f")) return undefined;
  const frame = pl.readCSV(Buffer.from(text, "utf8"), {
    hasHeader: false,
    sep: "\x1f",
    quoteChar: "\x01",
    inferSchemaLength: 0,
  });
  // A value holding a line break makes more lines than values.
  if (frame.height !== values.length + 1 || frame.width !== 1) return undefined;
  // The reader reads an empty line as null.
  return frame.head(values.length)
    .select(pl.col(frame.columns[0]).fillNull(pl.lit("")).alias(name))
    .getColumn(name);
}

// A cell that does not fit its column's declared type: a value is never silently nulled or
// truncated, so the whole answer is refused (as MalformedResponseError).
class Misfit {
  constructor(readonly row: number, readonly value: unknown) {}
}

const TRUE = new Set<unknown>([true, 1, "true", "True"]);
const FALSE = new Set<unknown>([false, 0, "false", "False"]);

function boolSeries(name: string, cells: readonly unknown[]): Series {
  const n = cells.length;
  const values = new Uint8Array(n);
  let nulls: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const v = cells[i];
    if (v === null || v === undefined) {
      nulls ??= new Uint8Array(n);
      nulls[i] = 1;
    } else if (TRUE.has(v)) values[i] = 1;
    else if (!FALSE.has(v)) throw new Misfit(i, v);
  }
  return withNulls(pl.Series(name, values).cast(pl.Bool), nulls);
}

/** A column read through `read` (NaN = null) into a Float64 array, cast to `dtype`. */
function numberSeries(
  name: string,
  cells: readonly unknown[],
  read: (v: unknown) => number | undefined,
  dtype: DataType,
  integral = false,
): Series {
  // Datetimes and timespans come as text: a bare number would be read in the wrong unit.
  const text = dtype === DATETIME || dtype === DURATION;
  const n = cells.length;
  const values = new Float64Array(n);
  let nulls: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const v = cells[i];
    const x = typeof v === "number" && !text
      ? v
      : v === null || v === undefined
      ? undefined
      : read(v);
    if (x === undefined && v !== null && v !== undefined) throw new Misfit(i, v);
    if (integral && x !== undefined && !Number.isInteger(x)) throw new Misfit(i, v);
    if (x === undefined) {
      nulls ??= new Uint8Array(n);
      nulls[i] = 1;
    } else {
      values[i] = x;
    }
  }
  // Float64 holds every datetime and timespan in microseconds exactly (below 2^53), and
  // every long the JSON text could carry (JSON.parse made them doubles already).
  const floats: Series = pl.Series(name, values);
  const series = dtype === DATETIME || dtype === DURATION ? floats.cast(pl.Int64) : floats;
  return withNulls(series.cast(dtype), nulls);
}

function withNulls(series: Series, nulls: Uint8Array | undefined): Series {
  if (!nulls || nulls.indexOf(1) < 0) return series;
  const name = series.name;
  const mask = pl.Series("__null", nulls).cast(pl.Bool);
  return pl.DataFrame([series, mask])
    .select(pl.when(pl.col("__null")).then(pl.lit(null)).otherwise(pl.col(name)).alias(name))
    .getColumn(name);
}

const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n;

/**
 * A `long` column holding a value past 2^53 (raw JSON from `parseJson`, or digit text),
 * built from BigInts so every digit stays; `undefined` when all fit a double exactly.
 */
function exactLongSeries(name: string, cells: readonly unknown[]): Series | undefined {
  const big = (v: unknown) =>
    isRaw(v) || (typeof v === "string" && /^[+-]?[0-9]{16,}$/.test(v) &&
      !Number.isSafeInteger(Number(v)));
  if (!cells.some(big)) return undefined;
  const values = cells.map((v, i) => {
    if (v === null || v === undefined) return null;
    const text = isRaw(v) ? v.rawJSON : typeof v === "number" ? String(v) : v;
    if (typeof text !== "string" || !/^[+-]?[0-9]+$/.test(text)) throw new Misfit(i, v);
    const x = BigInt(text);
    // Past Int64 the value does not fit the declared type (BigInt64Array would wrap it).
    if (x < INT64_MIN || x > INT64_MAX) throw new Misfit(i, v);
    return x;
  });
  return bigSeries(name, values, polarsTypeOf("long"));
}

/** An integer from a cell that is not a JSON number: `"12"` (never `"x"` or `"1.5"`). */
function readWireInteger(v: unknown): number | undefined {
  return typeof v === "string" && /^[+-]?[0-9]+$/.test(v) ? Number(v) : undefined;
}

/** A number from a cell that is not a JSON number: `"NaN"`, `"1.5"`, `true`. */
function readWireNumber(v: unknown): number | undefined {
  // A whole real past 2^53 written without a dot or exponent (parseJson kept its digits).
  if (isRaw(v)) return Number(v.rawJSON);
  if (typeof v === "string") {
    const x = Number(v);
    return Number.isNaN(x) && v !== "NaN" ? undefined : x;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/**
 * Microseconds since the epoch of a datetime cell. The usual form
 * `YYYY-MM-DDTHH:MM:SS[.fffffff]Z` is read by position; anything else by the KQL reader.
 */
export function readWireDatetime(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const fast = readIsoUtc(v);
  if (!Number.isNaN(fast)) return fast;
  const slow = readKqlDatetime(v);
  return slow === undefined ? undefined : Number(slow);
}

// Digit `i` of `s`, or NaN.
// Days from 1970-01-01 of the date `YYYY-MM-DD` at the start of `s` (a proleptic Gregorian
// calendar, Howard Hinnant's algorithm), or NaN.
function civilDays(s: string): number {
  let y = dg(s, 0) * 1000 + dg(s, 1) * 100 + dg(s, 2) * 10 + dg(s, 3);
  const m = dg(s, 5) * 10 + dg(s, 6);
  const d = dg(s, 8) * 10 + dg(s, 9);
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m))) return NaN;
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

function dg(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

// The day of the last datetime read: rows of a result mostly share a handful of days.
let lastDayText = "";
let lastDay = 0;

function readIsoUtc(s: string): number {
  const end = s.length - 1;
  if (
    end < 19 || end > 27 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 ||
    (s.charCodeAt(10) !== 84 && s.charCodeAt(10) !== 32) || s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 || s.charCodeAt(end) !== 90 || (end > 19 && s.charCodeAt(19) !== 46)
  ) {
    return NaN;
  }
  const hh = dg(s, 11) * 10 + dg(s, 12), mm = dg(s, 14) * 10 + dg(s, 15);
  const ss = dg(s, 17) * 10 + dg(s, 18);
  // `25:00` or `:61` is no time of day (NaN digits fail these too).
  if (!(hh <= 23 && mm <= 59 && ss <= 59)) return NaN;
  const seconds = hh * 3600 + mm * 60 + ss;
  let days: number;
  if (s.startsWith(lastDayText) && lastDayText !== "") days = lastDay;
  else {
    days = civilDays(s);
    if (Number.isNaN(days)) return NaN;
    lastDayText = s.slice(0, 10);
    lastDay = days;
  }
  // Seven fraction digits are 100 ns ticks: the seventh is dropped (microseconds, as the
  // local engine keeps them).
  let micros = 0;
  for (let i = 20, scale = 100_000; i < end; i++, scale /= 10) {
    const digit = dg(s, i);
    if (scale >= 1) micros += digit * scale;
    else if (Number.isNaN(digit)) return NaN;
  }
  return (days * 86_400 + seconds) * 1_000_000 + micros;
}

/**
 * Microseconds of a timespan cell: `[-][d.]hh:mm:ss[.fffffff]` read by position, anything
 * else by the KQL reader.
 */
export function readWireTimespan(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const fast = readClock(v);
  if (!Number.isNaN(fast)) return fast;
  // Minutes or seconds of 60 and more (`1:99:00`) are damage, not a longer span.
  if (/:[6-9][0-9]/.test(v)) return undefined;
  const slow = readKqlTimespan(v);
  return slow === undefined ? undefined : Number(slow);
}

function readClock(s: string): number {
  let i = 0;
  const negative = s.charCodeAt(0) === 45;
  if (negative) i++;
  // Days, when a '.' comes before the first ':'.
  let days = 0;
  const colon = s.indexOf(":", i);
  const dot = s.indexOf(".", i);
  if (colon < 0) return NaN;
  if (dot >= 0 && dot < colon) {
    for (; i < dot; i++) days = days * 10 + dg(s, i);
    i = dot + 1;
  }
  if (colon - i !== 2 || s.length < i + 8 || s.charCodeAt(i + 5) !== 58) return NaN;
  const hh = dg(s, i) * 10 + dg(s, i + 1), mm = dg(s, i + 3) * 10 + dg(s, i + 4);
  const ss = dg(s, i + 6) * 10 + dg(s, i + 7);
  // Kusto writes hours below 24 (a day more is `d.`), minutes and seconds below 60: a
  // clock past them is damage, not a longer span.
  if (!(hh < 24 && mm < 60 && ss < 60)) return NaN;
  const seconds = hh * 3600 + mm * 60 + ss;
  i += 8;
  let micros = 0;
  if (i < s.length) {
    if (s.charCodeAt(i) !== 46 || s.length - i > 8) return NaN;
    for (let j = i + 1, scale = 100_000; j < s.length; j++, scale /= 10) {
      const digit = dg(s, j);
      if (scale >= 1) micros += digit * scale;
      else if (Number.isNaN(digit)) return NaN;
    }
  }
  const total = (days * 86_400 + seconds) * 1_000_000 + micros;
  return negative ? -total : total;
}

/**
 * The chart a `render` asked for, from the service's `render` object: its visualization
 * and the properties that were set (the service lists unset ones as null).
 */
export function renderSpecOf(
  render: Readonly<Record<string, unknown>> | undefined,
): RenderSpec | undefined {
  if (!render || typeof render.visualization !== "string") return undefined;
  const defaults: Record<string, unknown> = { accumulate: false, isQuerySorted: false };
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(render)) {
    if (key === "visualization" || value === null || value === "NaN") continue;
    if (key in defaults && defaults[key] === value) continue;
    properties[key] = value;
  }
  return { visualization: render.visualization, properties };
}

/**
 * Frames of one query's pieces (time windows) as one frame. Columns missing from a piece
 * are filled (strings with `""`, others with nulls); a column whose type differs between
 * pieces is an error, returned as a message.
 */
export function concatFrames(parts: readonly TypedFrame[]): TypedFrame | string {
  if (parts.length === 1) return parts[0];
  const columns: ColumnSchema[] = [];
  for (const part of parts) {
    for (const column of part.schema.columns) {
      const seen = columns.find((c) => c.name === column.name);
      if (!seen) columns.push(column);
      else if (seen.type !== column.type) {
        return `column ${column.name} is ${seen.type} in one time window and ${column.type} in another`;
      }
    }
  }
  const frames = parts.map(({ frame }) =>
    frame.select(
      ...columns.map((c) =>
        frame.columns.includes(c.name)
          ? pl.col(c.name)
          : (c.type === "string" ? pl.lit("") : pl.lit(null)).cast(polarsTypeOf(c.type)).alias(
            c.name,
          )
      ),
    )
  );
  const nonEmpty = frames.filter((f) => f.height > 0);
  const frame = nonEmpty.length === 0
    ? frames[0]
    : nonEmpty.length === 1
    ? nonEmpty[0]
    : pl.concat(nonEmpty, { how: "vertical" });
  return { frame, schema: { name: parts[0].schema.name, columns } };
}
