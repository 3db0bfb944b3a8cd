/**
 * The KQL conformance runner: loads the documentation cases (queries with the results the
 * real Kusto engine gave), runs them through an executor, compares each result with what
 * Kusto returned, and reports pass rates on the supported subset and on the whole file.
 *
 * The comparison follows `shared/kql-conformance/README.md`:
 * - column names and order must match, and so must column types (the expected .NET type
 *   names mapped to Kusto types); `int` and `long` are distinct unless
 *   {@link CompareOptions.lenientIntWidth} is set;
 * - rows compare as a multiset, or in order when the query orders its output (see
 *   {@link outputOrder}); rows tied on plain sort-key columns may come in any order;
 * - reals within a relative tolerance of 1e-9, `NaN` equal to `NaN`, infinities exactly;
 * - datetimes as instants at microsecond precision: casefile holds microseconds, Kusto
 *   100 ns ticks, so the expected 7th fractional digit is truncated;
 * - timespans from Kusto strings (`-1.02:03:04.5000000`) to microseconds, truncated the same way;
 * - dynamic values as JSON deep equality: object keys in any order (Kusto bags are
 *   unordered), arrays in order, numbers as reals, and two strings that are both ISO 8601
 *   UTC datetimes as instants (Kusto writes datetimes inside dynamic values as strings);
 * - guids case-insensitively; a null equals only a null (a `string` null is not `""`).
 *
 * @module
 */
import {
  type DataFrame,
  DATETIME,
  DURATION,
  pl,
  type Series,
  variantOf,
} from "../../src/polars.ts";
import {
  type KustoType,
  kustoTypeFromName,
  polarsTypeOf,
  type TableSchema,
} from "../../src/schema/types.ts";
import { SUPPORTED_FUNCTIONS, SUPPORTED_OPERATORS } from "../../src/kql/mod.ts";

/** A JSON value as the conformance file holds it; integers beyond 2^53 are `bigint`s. */
export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** What Kusto returned for a case's query. */
export interface ExpectedResult {
  readonly columns: readonly string[];
  /** .NET type names: `String`, `Int64`, `Int32`, `Double`, `SByte` (bool), `Object` (dynamic)... */
  readonly column_types: readonly string[];
  readonly rows: readonly (readonly JsonValue[])[];
}

/** One conformance case: a query from the docs and Kusto's result for it. */
export interface ConformanceCase {
  readonly id: string;
  /** The doc page the query comes from. */
  readonly source?: string;
  readonly kql: string;
  /** What the query uses, by name (operators after `|`, functions and some keywords). */
  readonly tags: { readonly operators: readonly string[]; readonly functions: readonly string[] };
  readonly expected: ExpectedResult;
}

/** A query result as the engine gives it: a frame and its Kusto schema. */
export interface ResultLike {
  readonly frame: DataFrame;
  readonly schema: TableSchema;
}

/** Runs one query; {@link runConformance} calls it once per case. */
export type Executor = (query: string, options: { now: Date }) => Promise<ResultLike>;

/** Where the cases live: `shared/kql-conformance/`, beside the repository. */
export const DEFAULT_CASES_PATH = new URL(
  "../../../shared/kql-conformance/docs-cases.json",
  import.meta.url,
);

/** The baseline the conformance test holds the engine to. */
export const BASELINE_PATH = new URL("./conformance-baseline.json", import.meta.url);

/**
 * The `now()` every case runs with. Kusto produced the expected results at some other
 * instant, so cases using `now()`, `ago()` or randomness cannot match whatever this is; a
 * fixed value only keeps our side reproducible.
 */
export const CONFORMANCE_NOW = new Date("2024-01-01T00:00:00Z");

/** Names a case may use whose results differ from run to run. */
const NONDETERMINISTIC = new Set(["now", "ago", "rand", "new_guid", "sample", "sample-distinct"]);

// ---------------------------------------------------------------------------------------
// Loading

/**
 * Parses JSON keeping integers beyond 2^53 exact, as `bigint`s (the cases hold 64-bit
 * hashes, which `JSON.parse` alone would round).
 *
 * @example Big integers survive
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseJson("[9007199254740993, 1.5]"), [9007199254740993n, 1.5]);
 * ```
 */
export function parseJson(text: string): JsonValue {
  return JSON.parse(
    text,
    (_key: string, value: unknown, context?: { source?: string }) =>
      typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value) &&
        context?.source !== undefined && /^-?\d+$/.test(context.source)
        ? BigInt(context.source)
        : value,
  );
}

/**
 * Reads the conformance cases.
 *
 * @param path The case file (default {@link DEFAULT_CASES_PATH}).
 * @returns The cases, in file order.
 * @throws {Deno.errors.NotFound} When the file is not there.
 * @throws {TypeError} When the file is not a case file.
 */
export async function loadCases(
  path: string | URL = DEFAULT_CASES_PATH,
): Promise<ConformanceCase[]> {
  const file = parseJson(await Deno.readTextFile(path)) as { cases?: unknown };
  if (!Array.isArray(file?.cases)) {
    throw new TypeError(`Cannot read the conformance cases: ${path} has no "cases" array`);
  }
  for (const c of file.cases as ConformanceCase[]) {
    const e = c?.expected;
    if (
      typeof c?.id !== "string" || typeof c.kql !== "string" || !Array.isArray(e?.columns) ||
      !Array.isArray(e.column_types) || !Array.isArray(e.rows) ||
      e.columns.length !== e.column_types.length
    ) {
      throw new TypeError(
        `Cannot read the conformance cases: case ${c?.id ?? "?"} in ${path} is malformed`,
      );
    }
  }
  return file.cases as ConformanceCase[];
}

/** Whether the case file is there (under CI it must be). */
export async function hasCases(path: string | URL = DEFAULT_CASES_PATH): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    if (Deno.env.get("CI") === "true") throw new Error(`missing ${path} under CI`);
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// Supported features and the subset

/** The operators and functions the engine claims to support, by tag name. */
export interface SupportedFeatures {
  readonly operators: ReadonlySet<string>;
  readonly functions: ReadonlySet<string>;
  /** Where the sets came from, for the summary line. */
  readonly origin: string;
}

/** An operator or function a case uses that the engine does not claim to support. */
export interface UnsupportedFeature {
  readonly kind: "operator" | "function";
  readonly name: string;
}

/**
 * The engine's claims, read from `src/kql/mod.ts` (`SUPPORTED_OPERATORS`,
 * `SUPPORTED_FUNCTIONS`). This is the one place that knows that contract.
 */
export function loadSupportedFeatures(): Promise<SupportedFeatures> {
  return Promise.resolve({
    operators: SUPPORTED_OPERATORS,
    functions: SUPPORTED_FUNCTIONS,
    origin: "src/kql/supported.ts",
  });
}

/**
 * The operators and functions `kase` is tagged with that are not supported. Tags are taken
 * literally: the functions tags also hold keywords (`with`, `on`, `inner`), type literals
 * (`int`, `real`) and tabular sources (`datatable`, `range`), which a registry must list
 * for the cases using them to count as supported.
 */
export function unsupportedFeatures(
  kase: ConformanceCase,
  supportedOperators: ReadonlySet<string>,
  supportedFunctions: ReadonlySet<string>,
): UnsupportedFeature[] {
  return [
    ...kase.tags.operators.filter((name) => !supportedOperators.has(name))
      .map((name) => ({ kind: "operator" as const, name })),
    ...kase.tags.functions.filter((name) => !supportedFunctions.has(name))
      .map((name) => ({ kind: "function" as const, name })),
  ];
}

/**
 * The cases all of whose tagged operators and functions are supported, leaving out those
 * whose expected result depends on the clock or chance (now, rand, ...): no engine can
 * reproduce a result recorded at another instant or with other random numbers.
 */
export function selectSubset(
  cases: readonly ConformanceCase[],
  supportedOperators: ReadonlySet<string>,
  supportedFunctions: ReadonlySet<string>,
): ConformanceCase[] {
  return cases.filter((kase) =>
    unsupportedFeatures(kase, supportedOperators, supportedFunctions).length === 0 &&
    nondeterministicFeatures(kase).length === 0
  );
}

/** The clock- or chance-dependent functions and operators a case uses. */
export function nondeterministicFeatures(kase: ConformanceCase): string[] {
  return [...kase.tags.functions, ...kase.tags.operators].filter((name) =>
    NONDETERMINISTIC.has(name)
  );
}

// ---------------------------------------------------------------------------------------
// Ordering

/** Operators whose output is in a defined order (README: sort/order/top). */
const ORDERING = new Set(["sort", "order", "top"]);

/**
 * Operators that keep their input's order: Kusto's "preserve serialization" list (extend,
 * mv-expand, parse, project, project-away, project-rename, take, where) plus their aliases
 * and siblings, and operators that do not touch rows (render, as, serialize).
 */
const ORDER_PRESERVING = new Set([
  "extend",
  "mv-expand",
  "parse",
  "parse-where",
  "project",
  "project-away",
  "project-keep",
  "project-rename",
  "project-reorder",
  "take",
  "limit",
  "where",
  "filter",
  "serialize",
  "render",
  "as",
]);

/** How a query orders its output: whether it does, and by which output columns. */
export interface OutputOrder {
  readonly ordered: boolean;
  /**
   * The columns of the deciding `sort`/`order`/`top` when they are all plain names, so
   * that rows tied on them may come in any order; undefined when they are expressions.
   */
  readonly keys?: readonly string[];
}

/**
 * How a query's output is ordered, so that its rows compare in order or as a multiset.
 *
 * The rule: take the query's last statement and its top-level pipeline (pipes inside
 * parentheses, strings and comments do not count). Walking its operators, `sort`, `order`
 * and `top` make the output ordered, the order-preserving operators (`extend`, `project`,
 * `where`, `take`, ...) keep the state, and every other operator (`summarize`, `join`,
 * `union`, `distinct`, ...) makes it unordered; so the last operator that is not
 * order-preserving decides. A pipeline starting from a name bound by an earlier `let`
 * starts in that expression's state. Sources such as `range` and `datatable` are unordered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(outputOrder("T | sort by x desc, y | extend z = 1"), {
 *   ordered: true,
 *   keys: ["x", "y"],
 * });
 * assert.deepEqual(outputOrder("T | sort by x | summarize count() by y"), { ordered: false });
 * assert.equal(outputOrder("let S = T | order by x; S | take 3").ordered, true);
 * ```
 */
export function outputOrder(kql: string): OutputOrder {
  const statements = splitTopLevel(stripStringsAndComments(kql), ";")
    .map((s) => s.trim()).filter((s) => s !== "");
  const bound = new Map<string, OutputOrder>();
  let order: OutputOrder = { ordered: false };
  for (const statement of statements) {
    const binding = /^let\s+([A-Za-z_]\w*)\s*=([\s\S]*)$/.exec(statement);
    const expression = binding ? binding[2] : statement;
    const [source, ...operators] = splitTopLevel(expression, "|");
    order = bound.get(source.trim()) ?? { ordered: false };
    for (const segment of operators) {
      const name = /^\s*([A-Za-z_][\w-]*)/.exec(segment)?.[1].toLowerCase() ?? "";
      if (ORDERING.has(name)) order = { ordered: true, keys: sortKeys(segment) };
      else if (!ORDER_PRESERVING.has(name)) order = { ordered: false };
    }
    if (binding) bound.set(binding[1], order);
  }
  return order.keys === undefined ? { ordered: order.ordered } : order;
}

/** Whether a query's output is ordered (see {@link outputOrder}). */
export function outputIsOrdered(kql: string): boolean {
  return outputOrder(kql).ordered;
}

/** The plain column names after `by` in a sort/order/top segment, or undefined. */
function sortKeys(segment: string): string[] | undefined {
  const by = /\bby\b([\s\S]*)$/.exec(segment);
  if (!by) return undefined;
  const keys: string[] = [];
  for (const item of splitTopLevel(by[1], ",")) {
    const key = /^\s*([A-Za-z_]\w*)\s*(?:asc|desc)?\s*(?:nulls\s+(?:first|last))?\s*$/i
      .exec(item);
    if (!key) return undefined;
    keys.push(key[1]);
  }
  return keys;
}

/** `kql` with string literals emptied and comments removed, so their `|` and `;` vanish. */
function stripStringsAndComments(kql: string): string {
  let out = "";
  let i = 0;
  while (i < kql.length) {
    const c = kql[i];
    if (c === "/" && kql[i + 1] === "/") {
      while (i < kql.length && kql[i] !== "\n") i++;
    } else if (kql.startsWith("```", i)) {
      const end = kql.indexOf("```", i + 3);
      i = end < 0 ? kql.length : end + 3;
      out += '""';
    } else if (
      (c === "@" || c === "h" || c === "H") && (kql[i + 1] === "'" || kql[i + 1] === '"')
    ) {
      // Verbatim (@) strings escape a quote by doubling it; obfuscated (h) ones use backslashes.
      i = c === "@" ? skipVerbatim(kql, i + 1) : skipQuoted(kql, i + 1);
      out += '""';
    } else if (c === "'" || c === '"') {
      i = skipQuoted(kql, i);
      out += '""';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function skipQuoted(kql: string, start: number): number {
  const quote = kql[start];
  let i = start + 1;
  while (i < kql.length && kql[i] !== quote) i += kql[i] === "\\" ? 2 : 1;
  return i + 1;
}

function skipVerbatim(kql: string, start: number): number {
  const quote = kql[start];
  let i = start + 1;
  while (i < kql.length) {
    if (kql[i] === quote && kql[i + 1] === quote) i += 2;
    else if (kql[i] === quote) break;
    else i++;
  }
  return i + 1;
}

/** `text` split at each `separator` outside brackets. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth = Math.max(0, depth - 1);
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

// ---------------------------------------------------------------------------------------
// Values

/** .NET names Kusto reports that `kustoTypeFromName` does not know. */
const DOTNET_TYPES: Record<string, KustoType> = {
  // Kusto's v1 result metadata reports bool columns as SByte.
  sbyte: "bool",
  "system.sbyte": "bool",
  sqldecimal: "decimal",
};

/** The Kusto type of a .NET type name from the case file (`Int64`, `SByte`, `Object`...). */
export function kustoTypeOfDotNet(name: string): KustoType | undefined {
  return DOTNET_TYPES[name.toLowerCase()] ?? kustoTypeFromName(name);
}

const DATETIME_PATTERN =
  /^(-?\d{4,})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$/;

/**
 * Microseconds since the Unix epoch of an ISO 8601 datetime (UTC unless it carries an
 * offset); digits beyond the 6th fractional one are truncated.
 *
 * @example Kusto's 100 ns ticks truncate to microseconds
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(parseDatetime("1970-01-01T00:00:01.2345678Z"), 1_234_567n);
 * ```
 */
export function parseDatetime(text: string): bigint | undefined {
  const m = DATETIME_PATTERN.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction = "", zone = "Z"] = m;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as they are.
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), 0);
  if (Number.isNaN(date.getTime())) return undefined;
  let micros = BigInt(date.getTime()) * 1000n + BigInt(fraction.slice(0, 6).padEnd(6, "0"));
  if (zone !== "Z") {
    const sign = zone[0] === "-" ? -1n : 1n;
    micros -= sign * (BigInt(zone.slice(1, 3)) * 60n + BigInt(zone.slice(4, 6))) * 60_000_000n;
  }
  return micros;
}

/**
 * Microseconds of a Kusto timespan string (`[-][d.]hh:mm:ss[.fffffff]`); digits beyond the
 * 6th fractional one are truncated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(parseTimespan("1.02:03:04"), 93_784_000_000n);
 * assert.equal(parseTimespan("-00:00:10.5000000"), -10_500_000n);
 * ```
 */
export function parseTimespan(text: string): bigint | undefined {
  const m = /^(-)?(?:(\d+)\.)?(\d+):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const [, minus, days = "0", hours, minutes, seconds, fraction = ""] = m;
  const whole = ((BigInt(days) * 24n + BigInt(hours)) * 60n + BigInt(minutes)) * 60n +
    BigInt(seconds);
  const micros = whole * 1_000_000n + BigInt(fraction.slice(0, 6).padEnd(6, "0"));
  return minus ? -micros : micros;
}

/** `micros` as ISO 8601 with microseconds, for messages. */
function formatDatetime(micros: bigint): string {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const rest = micros - millis * 1000n;
  const iso = new Date(Number(millis)).toISOString();
  return `${iso.slice(0, -1)}${String(rest).padStart(3, "0")}Z`;
}

/** `micros` as a Kusto timespan string, for messages. */
function formatTimespan(micros: bigint): string {
  const sign = micros < 0n ? "-" : "";
  let rest = micros < 0n ? -micros : micros;
  const fraction = rest % 1_000_000n;
  rest /= 1_000_000n;
  const [seconds, minutes, hours, days] = [
    rest % 60n,
    rest / 60n % 60n,
    rest / 3600n % 24n,
    rest / 86400n,
  ];
  const two = (n: bigint) => String(n).padStart(2, "0");
  return `${sign}${days ? `${days}.` : ""}${two(hours)}:${two(minutes)}:${two(seconds)}` +
    (fraction ? `.${String(fraction).padStart(6, "0")}` : "");
}

/**
 * A cell in the form both sides are compared in: bool → boolean; int, long, datetime,
 * timespan → bigint (datetime and timespan in microseconds); real, decimal → number;
 * string, guid → string; dynamic → the JSON value. Null is null.
 */
type Cell = JsonValue;

/** An expected cell in comparable form; throws TypeError when it does not fit `type`. */
function expectedCell(type: KustoType, raw: JsonValue): Cell {
  if (raw === null) return null;
  const fail = (): never => {
    throw new TypeError(`cannot read ${stringify(raw)} as a ${type}`);
  };
  switch (type) {
    case "bool":
      return typeof raw === "boolean" ? raw : fail();
    case "int":
    case "long":
      if (typeof raw === "bigint") return raw;
      return typeof raw === "number" && Number.isInteger(raw) ? BigInt(raw) : fail();
    case "real":
    case "decimal":
      if (typeof raw === "number") return raw;
      if (typeof raw === "bigint") return Number(raw);
      if (raw === "NaN") return NaN;
      if (raw === "Infinity") return Infinity;
      if (raw === "-Infinity") return -Infinity;
      return typeof raw === "string" && raw.trim() !== "" && !Number.isNaN(Number(raw))
        ? Number(raw)
        : fail();
    case "string":
    case "guid":
      return typeof raw === "string" ? raw : fail();
    case "datetime":
      return (typeof raw === "string" ? parseDatetime(raw) : undefined) ?? fail();
    case "timespan":
      return (typeof raw === "string" ? parseTimespan(raw) : undefined) ?? fail();
    case "dynamic":
      // The file holds dynamic values as JSON values, never as JSON text to parse again.
      return raw;
  }
}

/** Whether two comparable cells of `type` are equal under the README's rules. */
function cellsEqual(type: KustoType, expected: Cell, actual: Cell): boolean {
  if (expected === null || actual === null) return expected === actual;
  switch (type) {
    case "real":
    case "decimal":
      return realsEqual(expected as number, actual as number);
    case "guid":
      return (expected as string).toLowerCase() === (actual as string).toLowerCase();
    case "dynamic":
      return jsonEqual(expected, actual);
    case "bool":
    case "int":
    case "long":
    case "string":
    case "datetime":
    case "timespan":
      return expected === actual;
  }
}

/** Relative tolerance 1e-9; NaN equals NaN; infinities only themselves. */
function realsEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** JSON deep equality with unordered object keys, numbers as reals, datetimes as instants. */
function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === null || b === null) return a === b;
  const numeric = (v: JsonValue) => typeof v === "number" || typeof v === "bigint";
  if (numeric(a) && numeric(b)) {
    if (typeof a === "bigint" || typeof b === "bigint") {
      const whole = (v: JsonValue) => typeof v === "bigint" || Number.isInteger(v);
      if (whole(a) && whole(b)) return BigInt(a as number) === BigInt(b as number);
    }
    return realsEqual(Number(a), Number(b));
  }
  if (typeof a === "string" && typeof b === "string") {
    if (a === b) return true;
    const [x, y] = [parseDatetime(a), parseDatetime(b)];
    return x !== undefined && x === y;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return a === b;
}

/** A cell for a message: datetimes and timespans in Kusto's form, the rest as JSON. */
function formatCell(type: KustoType, cell: Cell): string {
  if (cell === null) return "null";
  if (type === "datetime") return formatDatetime(cell as bigint);
  if (type === "timespan") return formatTimespan(cell as bigint);
  return stringify(cell);
}

/** `value` as JSON, bigints with all their digits (JSON.stringify rejects them). */
function stringify(value: JsonValue): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value, (_k, v) => typeof v === "bigint" ? `\u0000${v}` : v)
    .replace(/"\\u0000(-?\d+)"/g, "$1");
}

// ---------------------------------------------------------------------------------------
// Reading a result frame

/**
 * The frame's rows as comparable cells, read per Kusto type: 64-bit integers, datetimes and
 * timespans go through Int64 text so no digit is lost (nodejs-polars returns Int64 as
 * `number`, and misreports Duration units), dynamic text is parsed as JSON.
 */
function frameCells(result: ResultLike): Cell[][] {
  const columns = result.frame.getColumns().map((series, i) =>
    columnCells(series, result.schema.columns[i].type)
  );
  return Array.from({ length: result.frame.height }, (_, row) => columns.map((c) => c[row]));
}

function columnCells(series: Series, type: KustoType): Cell[] {
  const exactInts = (s: Series) =>
    (s.cast(pl.Int64).cast(pl.Utf8).toArray() as (string | null)[]).map((v) =>
      v === null ? null : BigInt(v)
    );
  switch (type) {
    case "bool":
      return series.toArray() as (boolean | null)[];
    case "int":
    case "long":
      return exactInts(series);
    case "real":
    case "decimal":
      return series.cast(pl.Float64).toArray() as (number | null)[];
    case "string":
    case "guid":
      return series.toArray() as (string | null)[];
    case "datetime":
      return exactInts(series.cast(DATETIME));
    case "timespan":
      return exactInts(series.cast(DURATION));
    case "dynamic":
      return (series.toArray() as (string | null)[]).map((text, row) => {
        if (text === null) return null;
        try {
          return parseJson(text);
        } catch {
          throw new TypeError(`row ${row}, column "${series.name}": not JSON: ${text}`);
        }
      });
  }
}

// ---------------------------------------------------------------------------------------
// Comparing

/** The outcome of comparing one result with Kusto's. */
export interface CompareOutcome {
  readonly ok: boolean;
  /** Why not, for a failure: the first difference found. */
  readonly reason?: string;
}

/** Options of {@link compareResult}. */
export interface CompareOptions {
  /** Compare rows in order (default: {@link outputOrder} of the case's query). */
  ordered?: boolean;
  /**
   * Let `int` and `long` columns match each other (default false: Kusto distinguishes
   * them, and so does `typeof` downstream, so conformance means getting the width right).
   */
  lenientIntWidth?: boolean;
}

/**
 * Compares `result` with the result Kusto gave for `kase`, per the module's rules.
 *
 * @returns `{ ok: true }`, or `{ ok: false, reason }` naming the first difference.
 */
export function compareResult(
  kase: ConformanceCase,
  result: ResultLike,
  options: CompareOptions = {},
): CompareOutcome {
  const fail = (reason: string): CompareOutcome => ({ ok: false, reason });
  const { expected } = kase;
  const names = result.schema.columns.map((c) => c.name);
  if (!sameList(result.frame.columns, names)) {
    return fail(`frame columns [${result.frame.columns}] differ from schema columns [${names}]`);
  }
  if (!sameList(expected.columns, names)) {
    return fail(`columns differ: expected [${expected.columns}], got [${names}]`);
  }

  const types: KustoType[] = [];
  const typeErrors: string[] = [];
  for (const [i, column] of result.schema.columns.entries()) {
    const dotNet = expected.column_types[i];
    const want = kustoTypeOfDotNet(dotNet);
    if (want === undefined) return fail(`column "${column.name}": unknown expected type ${dotNet}`);
    const family = (t: KustoType) =>
      options.lenientIntWidth && (t === "int" || t === "long") ? "long" : t;
    if (family(want) !== family(column.type)) {
      typeErrors.push(`column "${column.name}": expected ${want} (${dotNet}), got ${column.type}`);
    }
    const dtype = variantOf(result.frame.dtypes[i]);
    const stored = variantOf(polarsTypeOf(column.type));
    if (dtype !== stored && dtype !== "Null") {
      typeErrors.push(
        `column "${column.name}": schema says ${column.type} but the frame holds ${dtype}`,
      );
    }
    types.push(want);
  }
  if (typeErrors.length > 0) return fail(typeErrors.join("; "));

  if (result.frame.height !== expected.rows.length) {
    return fail(`expected ${expected.rows.length} rows, got ${result.frame.height}`);
  }

  let want: Cell[][];
  try {
    want = expected.rows.map((row) => row.map((raw, i) => expectedCell(types[i], raw)));
  } catch (error) {
    return fail(`expected rows: ${(error as Error).message}`);
  }
  let got: Cell[][];
  try {
    got = frameCells(result);
  } catch (error) {
    return fail((error as Error).message);
  }

  const rowsEqual = (a: Cell[], b: Cell[]) =>
    a.every((cell, i) => cellsEqual(types[i], cell, b[i]));
  const formatRow = (row: Cell[]) =>
    `[${row.map((cell, i) => formatCell(types[i], cell)).join(", ")}]`;

  const order = outputOrder(kase.kql);
  if (options.ordered ?? order.ordered) {
    // Rows tied on the sort keys may come in any order (Kusto's sort is not stable);
    // without plain key columns every column is a key.
    const keys = order.keys?.map((key) => names.indexOf(key));
    const keyColumns = keys && !keys.includes(-1) ? keys : names.map((_, i) => i);
    const differ = (r: number, columns: number[]) => {
      const c = columns.find((c) => !cellsEqual(types[c], want[r][c], got[r][c]));
      return c === undefined ? undefined : `row ${r}, column "${names[c]}" (rows ordered): ` +
        `expected ${formatCell(types[c], want[r][c])}, got ${formatCell(types[c], got[r][c])}`;
    };
    for (const r of want.keys()) {
      const difference = differ(r, keyColumns);
      if (difference) return fail(difference);
    }
    const tied = (a: Cell[], b: Cell[]) =>
      keyColumns.every((c) => cellsEqual(types[c], a[c], b[c]));
    for (let start = 0, end = 0; start < want.length; start = end) {
      while (end < want.length && tied(want[start], want[end])) end++;
      if (end - start === 1) {
        const difference = differ(start, names.map((_, i) => i));
        if (difference) return fail(difference);
        continue;
      }
      const mismatch = unmatchedRow(want.slice(start, end), got.slice(start, end), rowsEqual);
      if (mismatch) {
        const on = keyColumns.map((c) => names[c]).join(", ");
        return fail(
          `expected row ${formatRow(mismatch.row)} not at rows ${start}-${end - 1} ` +
            `(rows ordered, tied on ${on}); unmatched result rows there start with ` +
            formatRow(mismatch.unmatched[0]),
        );
      }
    }
    return { ok: true };
  }

  const mismatch = unmatchedRow(want, got, rowsEqual);
  if (mismatch) {
    return fail(
      `expected row ${formatRow(mismatch.row)} not in the result (unordered); ` +
        `unmatched result rows start with ${formatRow(mismatch.unmatched[0])}`,
    );
  }
  return { ok: true };
}

/**
 * The first of `want` that no row of `got` matches, one for one, with the rows of `got` left
 * unmatched at that point; undefined when they match as multisets of the same size.
 */
function unmatchedRow(
  want: Cell[][],
  got: Cell[][],
  equal: (a: Cell[], b: Cell[]) => boolean,
): { row: Cell[]; unmatched: Cell[][] } | undefined {
  // Greedy matching is exact here: equality is transitive up to the 1e-9 tolerance.
  const unmatched = [...got];
  for (const row of want) {
    const i = unmatched.findIndex((candidate) => equal(row, candidate));
    if (i < 0) return { row, unmatched };
    unmatched.splice(i, 1);
  }
  return undefined;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---------------------------------------------------------------------------------------
// Running

/** What happened to one case. */
export interface CaseOutcome {
  readonly id: string;
  readonly inSubset: boolean;
  readonly ok: boolean;
  readonly reason?: string;
  readonly unsupported: readonly UnsupportedFeature[];
  /** The nondeterministic functions or operators it uses (it cannot be expected to pass). */
  readonly nondeterministic: readonly string[];
  readonly milliseconds: number;
  /** It took longer than `slowMs`: reported apart from wrong answers, never a failure. */
  readonly slow: boolean;
}

/** A whole run's outcomes and rates (rates are fractions; 0 for an empty set). */
export interface ConformanceSummary {
  readonly outcomes: readonly CaseOutcome[];
  readonly features: SupportedFeatures;
  readonly cases: number;
  readonly passed: number;
  readonly subsetCases: number;
  readonly subsetPassed: number;
  readonly subsetPassRate: number;
  readonly wholeFilePassRate: number;
}

/** Options of {@link runConformance}. */
export interface RunConformanceOptions {
  /** The instant `now()` means (default {@link CONFORMANCE_NOW}). */
  now?: Date;
  /**
   * How long one case may take before it counts as failed (default 60 000 ms: generous, so
   * a loaded machine does not fail CI; a hang still ends).
   */
  timeoutMs?: number;
  /** A case taking longer than this is flagged `slow` and reported apart (default 5000 ms). */
  slowMs?: number;
}

/**
 * Runs every case through `execute` and compares its result. A case that throws, rejects
 * or times out fails with that message; the run itself never stops early. The timeout only
 * bounds asynchronous waiting: a synchronous loop in the engine would still block.
 */
export async function runConformance(
  cases: readonly ConformanceCase[],
  execute: Executor,
  features: SupportedFeatures,
  options: RunConformanceOptions = {},
): Promise<ConformanceSummary> {
  const now = options.now ?? CONFORMANCE_NOW;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const slowMs = options.slowMs ?? 5000;
  const outcomes: CaseOutcome[] = [];
  for (const kase of cases) {
    const unsupported = unsupportedFeatures(kase, features.operators, features.functions);
    const started = performance.now();
    let outcome: CompareOutcome;
    try {
      // `then` turns a synchronous throw from the executor into a rejection.
      const result = await withTimeout(
        Promise.resolve().then(() => execute(kase.kql, { now })),
        timeoutMs,
      );
      outcome = compareResult(kase, result);
    } catch (error) {
      outcome = { ok: false, reason: `threw ${describeError(error)}` };
    }
    const nondeterministic = nondeterministicFeatures(kase);
    const milliseconds = performance.now() - started;
    outcomes.push({
      id: kase.id,
      inSubset: unsupported.length === 0 && nondeterministic.length === 0,
      ok: outcome.ok,
      reason: outcome.reason,
      unsupported,
      nondeterministic,
      milliseconds,
      slow: milliseconds > slowMs,
    });
  }
  const subset = outcomes.filter((o) => o.inSubset);
  const passed = outcomes.filter((o) => o.ok).length;
  const subsetPassed = subset.filter((o) => o.ok).length;
  return {
    outcomes,
    features,
    cases: outcomes.length,
    passed,
    subsetCases: subset.length,
    subsetPassed,
    subsetPassRate: subset.length === 0 ? 0 : subsetPassed / subset.length,
    wholeFilePassRate: outcomes.length === 0 ? 0 : passed / outcomes.length,
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

// ---------------------------------------------------------------------------------------
// Baseline and report

/** The pass rates the conformance test must not fall below (fractions). */
export interface ConformanceBaseline {
  readonly subsetPassRate: number;
  readonly wholeFilePassRate: number;
  readonly subsetCases: number;
}

/** Reads the baseline; throws TypeError when it lacks a rate. */
export async function readBaseline(
  path: string | URL = BASELINE_PATH,
): Promise<ConformanceBaseline> {
  const baseline = JSON.parse(await Deno.readTextFile(path)) as Partial<ConformanceBaseline>;
  for (const key of ["subsetPassRate", "wholeFilePassRate", "subsetCases"] as const) {
    if (typeof baseline[key] !== "number") {
      throw new TypeError(`Cannot read the conformance baseline ${path}: "${key}" is not a number`);
    }
  }
  return baseline as ConformanceBaseline;
}

/** The baseline a summary sets: its rates rounded down to 3 decimals, so reruns pass. */
export function baselineOf(summary: ConformanceSummary): ConformanceBaseline {
  const floor3 = (rate: number) => Math.floor(rate * 1000 + 1e-9) / 1000;
  return {
    subsetPassRate: floor3(summary.subsetPassRate),
    wholeFilePassRate: floor3(summary.wholeFilePassRate),
    subsetCases: summary.subsetCases,
  };
}

/** Writes `baseline` as the file the conformance test reads. */
export async function writeBaseline(
  baseline: ConformanceBaseline,
  path: string | URL = BASELINE_PATH,
): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(baseline, null, 2) + "\n");
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** One line: both pass rates, against the baseline when given. */
export function summaryLine(summary: ConformanceSummary, baseline?: ConformanceBaseline): string {
  const against = (rate: number) => baseline ? `, baseline ${percent(rate)}` : "";
  return `KQL conformance: subset ${summary.subsetPassed}/${summary.subsetCases} ` +
    `(${percent(summary.subsetPassRate)}${against(baseline?.subsetPassRate ?? 0)}), ` +
    `whole file ${summary.passed}/${summary.cases} ` +
    `(${percent(summary.wholeFilePassRate)}${against(baseline?.wholeFilePassRate ?? 0)}); ` +
    `supported features from ${summary.features.origin}`;
}

/** The unsupported features by how many cases use them, and how many they alone block. */
export function unsupportedCounts(
  summary: ConformanceSummary,
): { kind: string; name: string; cases: number; soleBlocker: number }[] {
  const counts = new Map<
    string,
    { kind: string; name: string; cases: number; soleBlocker: number }
  >();
  for (const outcome of summary.outcomes) {
    for (const feature of outcome.unsupported) {
      const key = `${feature.kind} ${feature.name}`;
      const count = counts.get(key) ?? { ...feature, cases: 0, soleBlocker: 0 };
      count.cases++;
      if (outcome.unsupported.length === 1) count.soleBlocker++;
      counts.set(key, count);
    }
  }
  return [...counts.values()].sort((a, b) =>
    b.cases - a.cases || b.soleBlocker - a.soleBlocker || a.name.localeCompare(b.name)
  );
}

/** The Markdown report: summary, unsupported features, and one row per case. */
export function formatReport(summary: ConformanceSummary, baseline?: ConformanceBaseline): string {
  const cell = (text: string) => text.replace(/\s+/g, " ").replace(/\|/g, "\\|").slice(0, 300);
  const failures = new Map<string, number>();
  for (const o of summary.outcomes) {
    if (!o.ok && o.reason) {
      const key = o.reason.slice(0, 80);
      failures.set(key, (failures.get(key) ?? 0) + 1);
    }
  }
  const lines = [
    "# KQL conformance report",
    "",
    "Generated by `tests/kql/conformance_report.ts` / `tests/kql/conformance_test.ts` from " +
    "`shared/kql-conformance/docs-cases.json`. Do not edit by hand.",
    "",
    "## Summary",
    "",
    `- Supported subset: ${summary.subsetPassed} of ${summary.subsetCases} cases pass ` +
    `(${percent(summary.subsetPassRate)})` +
    (baseline ? `; baseline ${percent(baseline.subsetPassRate)} of ${baseline.subsetCases}` : ""),
    `- Whole file: ${summary.passed} of ${summary.cases} cases pass ` +
    `(${percent(summary.wholeFilePassRate)})` +
    (baseline ? `; baseline ${percent(baseline.wholeFilePassRate)}` : ""),
    `- Supported features from ${summary.features.origin}: ${summary.features.operators.size} ` +
    `operators, ${summary.features.functions.size} functions`,
    `- Cases using nondeterministic features (now, ago, rand, new_guid, sample): ` +
    `${summary.outcomes.filter((o) => o.nondeterministic.length > 0).length} ` +
    "(counted in the whole file, left out of the subset: their recorded results cannot be reproduced)",
    "",
    "### Slow cases (reported apart: slowness is not a failure)",
    "",
    ...summary.outcomes.filter((o) => o.slow)
      .map((o) => `- ${o.id}: ${Math.round(o.milliseconds)} ms${o.ok ? "" : " (and failed)"}`),
    "",
    "### Most common failure reasons",
    "",
    "| cases | reason (first 80 characters) |",
    "| ---: | --- |",
    ...[...failures].sort((a, b) => b[1] - a[1]).slice(0, 15)
      .map(([reason, count]) => `| ${count} | ${cell(reason)} |`),
    "",
    "## Unsupported features",
    "",
    "Tags are literal: the function tags include keywords and type literals.",
    "",
    "| kind | name | cases using it | cases it alone keeps out of the subset |",
    "| --- | --- | ---: | ---: |",
    ...unsupportedCounts(summary).map((f) =>
      `| ${f.kind} | \`${f.name}\` | ${f.cases} | ${f.soleBlocker} |`
    ),
    "",
    "## Cases",
    "",
    "| id | in subset | result | reason |",
    "| --- | --- | --- | --- |",
    ...summary.outcomes.map((o) => {
      const note = o.nondeterministic.length > 0
        ? ` (nondeterministic: ${o.nondeterministic.join(", ")})`
        : "";
      return `| ${o.id} | ${o.inSubset ? "yes" : "no"} | ${o.ok ? "pass" : "FAIL"} | ` +
        `${cell((o.reason ?? "") + (o.ok ? "" : note))} |`;
    }),
    "",
  ];
  return lines.join("\n");
}
