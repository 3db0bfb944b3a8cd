/**
 * Getting a frame's values into a chart: JSON-safe rows (datetimes as epoch milliseconds),
 * and the Polars aggregations that keep large frames small (time bins, top categories,
 * samples), each with the note the chart shows.
 */
import { type DataFrame, type Expr, pl } from "../polars.ts";
import { columnKind } from "./_columns.ts";

/** Rows as vega data: datetimes as epoch milliseconds, non-finite numbers as null. */
export function toValues(frame: DataFrame, columns: readonly string[]): Record<string, unknown>[] {
  const unique = [...new Set(columns)];
  const selected = frame.select(...unique.map((c) => valueExpr(frame, c)));
  const rows = selected.toRecords() as Record<string, unknown>[];
  for (const row of rows) {
    for (const key of unique) {
      const value = row[key];
      if (typeof value === "number" && !Number.isFinite(value)) row[key] = null;
      else if (typeof value === "bigint") row[key] = Number(value);
    }
  }
  return rows;
}

function valueExpr(frame: DataFrame, column: string): Expr {
  switch (columnKind(frame, column)) {
    case "temporal":
      return epochMs(column);
    case "numeric":
      return pl.col(column).cast(pl.Float64);
    case "text":
    case "boolean":
      return pl.col(column);
    case "other":
      return pl.col(column).cast(pl.Utf8);
  }
}

/** A datetime column as epoch milliseconds (Int64), whatever its time unit. */
export function epochMs(column: string): Expr {
  return pl.col(column).cast(pl.Datetime("ms")).cast(pl.Int64).alias(column);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bin widths a time axis uses, smallest first. */
const STEPS = [
  SECOND,
  5 * SECOND,
  10 * SECOND,
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  7 * DAY,
  30 * DAY,
];

/** The smallest round bin width that cuts `spanMs` into at most `maxBins` bins. */
export function niceStep(spanMs: number, maxBins: number): number {
  for (const step of STEPS) if (spanMs / step <= maxBins) return step;
  return Math.ceil(spanMs / maxBins / DAY) * DAY;
}

/** "1 h", "5 min", "30 s", "2 d". */
export function formatStep(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY} d`;
  if (ms % HOUR === 0) return `${ms / HOUR} h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE} min`;
  if (ms % SECOND === 0) return `${ms / SECOND} s`;
  return `${ms} ms`;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** The first and last instants of a datetime column, in epoch ms (undefined when all null). */
export function timeExtent(frame: DataFrame, column: string): [number, number] | undefined {
  const row = frame.select(
    epochMs(column).min().alias("lo"),
    epochMs(column).max().alias("hi"),
  ).toRecords()[0] as { lo: number | null; hi: number | null };
  if (row.lo === null || row.hi === null) return undefined;
  return [Number(row.lo), Number(row.hi)];
}

/** How values are combined into one bin or one category. */
export type Aggregate = "sum" | "mean" | "min" | "max" | "count";

/** The Polars expression of `aggregate` over `column` (count ignores the column). */
export function aggregateExpr(
  aggregate: Aggregate,
  column: string | undefined,
  alias: string,
): Expr {
  if (aggregate === "count" || column === undefined) return pl.len().alias(alias);
  const c = pl.col(column).cast(pl.Float64);
  switch (aggregate) {
    case "sum":
      return c.sum().alias(alias);
    case "mean":
      return c.mean().alias(alias);
    case "min":
      return c.min().alias(alias);
    case "max":
      return c.max().alias(alias);
  }
}

/**
 * Rows grouped into time bins of `stepMs` (and by the `by` columns), each bin's start in
 * `time` (epoch ms) and the aggregates in `values`. Rows with no time are dropped (the
 * caller notes how many).
 */
export function binByTime(
  frame: DataFrame,
  time: string,
  stepMs: number,
  by: readonly string[],
  values: readonly Expr[],
): DataFrame {
  const ms = epochMs(time);
  return frame.lazy()
    .filter(pl.col(time).isNotNull())
    .withColumns(floorTo(ms, stepMs).alias(time))
    .groupBy([time, ...by])
    .agg(...values)
    .sort(time)
    .collectSync();
}

/**
 * Epoch milliseconds rounded down to a multiple of `step`, as Int64. Integer arithmetic
 * only: Polars divides by a number literal as a multiplication by its inverse, which puts
 * exact multiples in the bin below. (Polars' modulo is floored, so this floors negatives.)
 */
export function floorTo(ms: Expr, step: number): Expr {
  const int = ms.cast(pl.Int64);
  return int.sub(int.modulo(pl.lit(step).cast(pl.Int64)));
}

/** Rows whose `column` is null. */
export function nullCount(frame: DataFrame, column: string): number {
  return frame.getColumn(column).nullCount();
}

/** The label that stands for the categories beyond the top N. */
export function otherLabel(count: number): string {
  return `(${formatCount(count)} others)`;
}

/**
 * The `n` most frequent (or largest by `weight`) values of `column`, and how many other
 * distinct values there are.
 */
export function topValues(
  frame: DataFrame,
  column: string,
  n: number,
  weight?: Expr,
): { keep: string[]; others: number } {
  const ranked = frame.lazy()
    .groupBy(column)
    .agg((weight ?? pl.len()).alias("__weight"))
    .sort(["__weight", column], [true, false])
    .collectSync();
  const names = ranked.getColumn(column).cast(pl.Utf8).toArray() as (string | null)[];
  return {
    keep: names.slice(0, n).map((v) => v ?? "(empty)"),
    others: Math.max(0, names.length - n),
  };
}

/**
 * `column` as text with nulls shown as "(empty)" and values beyond `keep` folded into one
 * "others" label.
 */
export function foldOthers(
  column: string,
  keep: readonly string[] | undefined,
  others: number,
): Expr {
  const text = pl.col(column).cast(pl.Utf8).fillNull(pl.lit("(empty)"));
  if (!keep || others === 0) return text.alias(column);
  return pl.when(text.isIn([...keep])).then(text).otherwise(pl.lit(otherLabel(others))).alias(
    column,
  );
}
