/**
 * The one place casefile imports nodejs-polars. Everything else imports `pl` and the
 * Polars types from here, so the pinned version and its quirks are handled once.
 *
 * @module
 */
import pl, { type DataFrame, type Expr } from "nodejs-polars";

export { pl };
export type { DataFrame, DataType, Expr, LazyDataFrame, Series } from "nodejs-polars";

/** The Polars dtype casefile uses for every Kusto `datetime`: naive microseconds, read as UTC. */
export const DATETIME = pl.Datetime("us");
/** The Polars dtype casefile uses for every Kusto `timespan`: microseconds. */
export const DURATION = pl.Duration("us");

/**
 * Text read as naive datetimes with the strptime `format`, which must match each value whole
 * (null where it does not). nodejs-polars' `str.strptime` has no such option: its format may
 * match anywhere in the text, tried at every offset, which also keeps Polars from its fast
 * reader of fixed-width formats (`%Y-%m-%dT%H:%M:%S.%6f`: ~10× faster). Read in microseconds
 * whatever the format (with `%9f` Polars would pick nanoseconds, which wrap silently for years
 * outside 1677-2262).
 */
export function strptimeExact(text: Expr, format: string): Expr {
  // Polars' own `str.to_datetime(format, strict=False, exact=True, cache=False)`: its cache
  // of parsed values costs more than it saves on timestamps that rarely repeat.
  const native = (text as unknown as { _expr: NativeStringExpr })._expr.strToDatetime(
    format,
    "us",
    undefined,
    false,
    true,
    false,
    undefined,
  );
  return (pl.Expr as unknown as (native: unknown) => Expr)(native);
}

interface NativeStringExpr {
  strToDatetime(
    format: string,
    timeUnit: "us",
    timeZone: undefined,
    strict: boolean,
    exact: boolean,
    cache: boolean,
    ambiguous: undefined,
  ): unknown;
}

/**
 * The name of a dtype's variant ("Datetime", "Utf8", ...). nodejs-polars 0.25.2 reports a
 * wrong time unit for `Duration` columns read back from files, so casefile compares
 * variants, never whole dtypes.
 */
export function variantOf(dtype: { variant: string }): string {
  return dtype.variant === "String" ? "Utf8" : dtype.variant;
}

const INTEGER_VARIANTS = new Set([
  "Int8",
  "Int16",
  "Int32",
  "Int64",
  "UInt8",
  "UInt16",
  "UInt32",
  "UInt64",
]);

/** Whether a dtype variant (see {@link variantOf}) is an integer. */
export function isIntegerVariant(variant: string): boolean {
  return INTEGER_VARIANTS.has(variant);
}

/** Whether a dtype variant is a number: an integer, a float or a decimal. */
export function isNumericVariant(variant: string): boolean {
  return INTEGER_VARIANTS.has(variant) || variant === "Float32" || variant === "Float64" ||
    variant === "Decimal";
}

/**
 * The values of one column as JavaScript values (datetimes as `Date`, 64-bit integers as
 * `number` or `bigint`). nodejs-polars types these loosely; callers state what they expect.
 */
export function columnValues<T = unknown>(frame: DataFrame, column: string): T[] {
  return frame.getColumn(column).toArray() as unknown as T[];
}

/**
 * Whether `value` is a Polars DataFrame (not a Series, not a LazyDataFrame). Checked by its
 * methods: a DataFrame is a proxy whose `in` answers for column names only.
 */
export function isDataFrame(value: unknown): value is DataFrame {
  return typeof value === "object" && value !== null &&
    typeof (value as DataFrame).writeParquet === "function" &&
    typeof (value as DataFrame).getColumn === "function";
}
