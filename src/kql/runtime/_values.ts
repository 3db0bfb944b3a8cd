/**
 * KQL values in JavaScript, for the functions computed row by row (dynamic values, text
 * formats) and for constant folding: conversions between Polars columns and JS values,
 * and Kusto's text forms of every type.
 *
 * @module
 */
import { DATETIME, DURATION, type Expr, pl, type Series } from "../../polars.ts";
import { type KustoType, polarsTypeOf } from "../../schema/types.ts";
import {
  formatDatetime,
  formatTimespan,
  isExactLongAsJson,
  isRealAsJson,
  literalAsJson,
} from "../syntax/_literals.ts";
import { parseJson, parseJsonKeepingReals } from "./_json_text.ts";

/**
 * A KQL value in JavaScript: string/guid → string; int, long, real → number; bool →
 * boolean; datetime and timespan → number of microseconds; dynamic → the JSON value
 * (`undefined` never appears: a missing value is `null`). `jsToSeries` and `jsToExpr` also
 * take a bigint for an integer, kept exact in Int64 (a long beyond 2^53).
 */
export type JsValue = unknown;

/** The Polars expression that reads a column of `type` so that `toJs` can convert it. */
export function readableExpr(expr: Expr, type: KustoType): Expr {
  return type === "datetime" || type === "timespan" ? expr.cast(pl.Int64) : expr;
}

/** JS values of a column read through `readableExpr`. */
export function seriesToJs(series: Series, type: KustoType): JsValue[] {
  const raw = series.toArray() as unknown[];
  switch (type) {
    case "dynamic":
      return raw.map((v) => (v === null || v === undefined ? null : parseJson(v as string)));
    case "datetime":
    case "timespan":
    case "long":
    case "int":
      return raw.map((v) => (v === null || v === undefined ? null : Number(v)));
    default:
      return raw.map((v) => (v === undefined ? null : v));
  }
}

export { parseJson, parseJsonKeepingReals } from "./_json_text.ts";

/**
 * The JSON text of a dynamic value as Kusto's `tostring()` gives it: compact, reals kept as
 * reals, a string without its quotes.
 */
export function dynamicToString(text: string): string {
  const value = parseJsonKeepingReals(text);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A Polars series of `type` holding JS `values`. */
export function jsToSeries(name: string, values: readonly JsValue[], type: KustoType): Series {
  switch (type) {
    case "datetime":
      return pl.Series(name, values.map(toIntOrNull), pl.Int64).cast(DATETIME);
    case "timespan":
      return pl.Series(name, values.map(toIntOrNull), pl.Int64).cast(DURATION);
    case "long":
      return values.some((v) => typeof v === "bigint")
        ? int64Series(name, values)
        : pl.Series(name, values.map(toIntOrNull), pl.Int64);
    case "int":
      // A typed Int32 series turns nulls into 0 in nodejs-polars 0.25.2: go through Int64.
      return pl.Series(name, values.map(toIntOrNull), pl.Int64).cast(pl.Int32);
    case "real":
    case "decimal":
      return pl.Series(name, values.map((v) => (v === null ? null : Number(v))), pl.Float64);
    case "bool":
      return pl.Series(name, values.map((v) => (v === null ? null : Boolean(v))), pl.Bool);
    case "dynamic":
      return pl.Series(name, values.map((v) => (v === null ? null : JSON.stringify(v))), pl.Utf8);
    case "string":
      return pl.Series(name, values.map((v) => (v === null ? "" : String(v))), pl.Utf8);
    case "guid":
      return pl.Series(name, values.map((v) => (v === null ? null : String(v))), pl.Utf8);
  }
}

/**
 * An Int64 series of values some of which are bigints: they enter Polars as text, since
 * nodejs-polars 0.25.2 turns a typed Int64 series of bigints into nulls and reads JS numbers
 * as doubles (exact only up to 2^53).
 */
function int64Series(name: string, values: readonly JsValue[]): Series {
  const texts = values.map((v) => {
    if (typeof v === "bigint") return v.toString();
    const n = toIntOrNull(v);
    return n === null ? null : BigInt(n).toString();
  });
  return pl.Series(name, texts, pl.Utf8).cast(pl.Int64);
}

/** The exact Int64 literal of `value` (a plain `pl.lit(n)` is a Float64, exact only to 2^53). */
export function int64Literal(value: bigint): Expr {
  return pl.lit(value.toString()).cast(pl.Int64);
}

/**
 * The exact value of an integer expression that reads no column (a literal beyond 2^53, or
 * arithmetic on one), computed by Polars: a bigint, or null.
 */
export function exactInteger(expr: Expr): bigint | null {
  const text = pl.select(expr.cast(pl.Int64).cast(pl.Utf8).alias("v")).getColumn("v")
    .toArray()[0] as string | null | undefined;
  return text === null || text === undefined ? null : BigInt(text);
}

function toIntOrNull(v: JsValue): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

/**
 * `expr` with the dtype casefile gives `type`. Polars types what it cannot see (a value
 * taken from an empty group, a null literal) as `Null`, which string and numeric
 * operations later reject; the cast pins the dtype, and Kusto strings are never null.
 */
export function kustoTypedExpr(expr: Expr, type: KustoType): Expr {
  const typed = expr.cast(polarsTypeOf(type));
  return type === "string" ? typed.fillNull(pl.lit("")) : typed;
}

/** A Polars literal of `type` for a JS value. */
export function jsToExpr(value: JsValue, type: KustoType): Expr {
  if (value === null || value === undefined) {
    return type === "string" ? pl.lit("") : pl.lit(null).cast(polarsTypeOf(type));
  }
  if (typeof value === "bigint" && type !== "real" && type !== "decimal") {
    const exact = int64Literal(value);
    if (type === "long") return exact;
    if (type === "int") return exact.cast(pl.Int32);
    if (type === "datetime") return exact.cast(DATETIME);
    if (type === "timespan") return exact.cast(DURATION);
  }
  switch (type) {
    case "datetime":
      return pl.lit(Math.trunc(Number(value))).cast(pl.Int64).cast(DATETIME);
    case "timespan":
      return pl.lit(Math.trunc(Number(value))).cast(pl.Int64).cast(DURATION);
    case "long":
      return pl.lit(Math.trunc(Number(value))).cast(pl.Int64);
    case "int":
      return pl.lit(Math.trunc(Number(value))).cast(pl.Int32);
    case "real":
    case "decimal":
      return pl.lit(Number(value)).cast(pl.Float64);
    case "bool":
      return pl.lit(Boolean(value));
    case "dynamic":
      return pl.lit(JSON.stringify(value));
    case "string":
    case "guid":
      return pl.lit(String(value));
  }
}

/** Kusto's `tostring()` of a JS value of `type`. */
export function kustoToString(value: JsValue, type: KustoType): string {
  if (value === null || value === undefined) return "";
  switch (type) {
    case "datetime":
      return formatDatetime(BigInt(Math.trunc(Number(value))));
    case "timespan":
      return formatTimespan(BigInt(Math.trunc(Number(value))));
    case "bool":
      return value ? "true" : "false";
    case "real":
    case "decimal":
      return formatReal(Number(value));
    case "dynamic":
      return typeof value === "string" ? value : JSON.stringify(value);
    default:
      return String(value);
  }
}

/** A real as Kusto prints it: shortest round-trip text, `NaN`, `Infinity`, `-Infinity`. */
export function formatReal(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  const text = String(n);
  // .NET writes exponents as E+20 / E-07.
  return text.replace(/e([+-])(\d+)$/, (_, sign, digits) => `E${sign}${digits.padStart(2, "0")}`);
}

/**
 * The Kusto type of a JS value held in a dynamic (for `gettype`-like decisions): a whole
 * number in the 32-bit range is an `int`, a larger one a `long` (gettype-function.md:
 * `gettype(parse_json('1'))` is `int`).
 */
export function jsonTypeOf(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (isRealAsJson(value)) return "real";
  if (isExactLongAsJson(value)) return "long";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") return "dictionary";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return "real";
    return value >= -2147483648 && value <= 2147483647 ? "int" : "long";
  }
  return "string";
}

/** The JSON form of a column's values inside a dynamic array (datetimes as ISO text...). */
export function jsonElements(values: JsValue[], type: KustoType): JsValue[] {
  return values.map((v) =>
    literalAsJson(
      type,
      v === null
        ? null
        : type === "datetime" || type === "timespan"
        ? BigInt(Math.trunc(v as number))
        : v,
    )
  );
}
