/**
 * The one place casefile imports nodejs-polars. Everything else imports `pl` and the
 * Polars types from here, so the pinned version and its quirks are handled once.
 *
 * @module
 */
import pl, { type DataFrame } from "nodejs-polars";

export { pl };
export type { DataFrame, DataType, Expr, LazyDataFrame, Series } from "nodejs-polars";

/** The Polars dtype casefile uses for every Kusto `datetime`: naive microseconds, read as UTC. */
export const DATETIME = pl.Datetime("us");
/** The Polars dtype casefile uses for every Kusto `timespan`: microseconds. */
export const DURATION = pl.Duration("us");

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
