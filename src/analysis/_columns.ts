/**
 * Column checks and conversions shared by the analyses: required columns with a "did you
 * mean", times as casefile datetimes, process ids from hex or decimal text.
 *
 * @module
 */
import {
  type DataFrame,
  DATETIME,
  type Expr,
  isIntegerVariant,
  pl,
  type Series,
  variantOf,
} from "../polars.ts";
import { didYouMean } from "../errors.ts";
import { AnalysisError } from "./errors.ts";

/** Throws an {@link AnalysisError} naming the first of `columns` that `frame` lacks. */
export function requireColumns(
  frame: DataFrame,
  columns: readonly (string | undefined)[],
  analysis: string,
  hint?: string,
): void {
  const present = new Set(frame.columns);
  for (const column of columns) {
    if (column === undefined || present.has(column)) continue;
    const close = didYouMean(column, frame.columns);
    throw new AnalysisError(`${analysis}: the frame has no column \`${column}\``, {
      analysis,
      column,
      hint: [close, hint ?? "Name the right column in the options."].filter(Boolean).join(" "),
    });
  }
}

/** The first of `candidates` that `frame` has, or undefined. */
export function firstPresent(
  frame: DataFrame,
  candidates: readonly string[],
): string | undefined {
  const present = new Set(frame.columns);
  return candidates.find((c) => present.has(c));
}

/** The dtype variant of a column ("Utf8", "Datetime", "Int64"...). */
export function variantOfColumn(frame: DataFrame, column: string): string {
  return variantOf(frame.getColumn(column).dtype);
}

export { isIntegerVariant };

/** Whether a dtype variant is numeric (integer or float). */
export function isNumericVariant(variant: string): boolean {
  return isIntegerVariant(variant) || variant === "Float32" || variant === "Float64";
}

/**
 * `column` as a casefile datetime: datetimes are cast to microseconds, text is parsed
 * (ISO 8601, with or without `T`, fraction and `Z`).
 */
export function datetimeExpr(frame: DataFrame, column: string, analysis: string): Expr {
  const variant = variantOfColumn(frame, column);
  if (variant === "Datetime") return pl.col(column).cast(DATETIME);
  if (variant === "Date") return pl.col(column).cast(DATETIME);
  if (variant === "Utf8") {
    return pl.col(column).str.replace("Z$", "").str.replace("T", " ").str.strptime(
      pl.Datetime("ms"),
      "%Y-%m-%d %H:%M:%S%.f",
    ).cast(DATETIME);
  }
  throw new AnalysisError(`${analysis}: column \`${column}\` holds ${variant}, not times`, {
    analysis,
    column,
    hint: "Give a datetime column, or text in ISO 8601 form.",
  });
}

/** Parses a process id written in decimal or as `0x` hex (4688's quirk); null when neither. */
export function parseProcessId(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const t = text.trim();
  if (t === "") return null;
  const n = /^0x[0-9a-f]+$/i.test(t)
    ? parseInt(t.slice(2), 16)
    : /^-?\d+$/.test(t)
    ? Number(t)
    : NaN;
  return Number.isFinite(n) ? n : null;
}

/**
 * Process ids as Int64: integer columns are cast; text (hex `0x1610` or decimal) is parsed
 * once per distinct value and joined back, so a million rows cost a few thousand parses.
 * Returns the frame with the id in `target`; rows keep their order.
 */
export function withProcessId(
  frame: DataFrame,
  column: string,
  target: string,
  analysis: string,
): DataFrame {
  const variant = variantOfColumn(frame, column);
  if (isNumericVariant(variant)) {
    return frame.withColumn(pl.col(column).cast(pl.Int64).alias(target));
  }
  if (variant !== "Utf8") {
    throw new AnalysisError(`${analysis}: column \`${column}\` holds ${variant}, not process ids`, {
      analysis,
      column,
      hint: "Process ids must be integers or text (decimal, or hex like 0x1610).",
    });
  }
  const distinct = frame.select(pl.col(column)).unique().getColumn(column).toArray() as (
    | string
    | null
  )[];
  const ids = distinct.map((d) => parseProcessId(d));
  const lookup = pl.DataFrame([
    pl.Series(column, distinct, pl.Utf8),
    pl.Series(target, ids.map((x) => x ?? NaN), pl.Float64),
  ]).withColumn(
    pl.when(pl.col(target).isNan()).then(pl.lit(null)).otherwise(pl.col(target)).cast(pl.Int64)
      .alias(target),
  );
  return frame.join(lookup, { on: column, how: "left", maintainOrder: "left" });
}

/** The lower-case file name of a path (`C:\Windows\System32\cmd.exe` → `cmd.exe`). */
export function baseNameExpr(column: string): Expr {
  return pl.col(column).str.toLowerCase().str.extract("([^\\\\/]*)$", 1);
}

/** A Series of `n` nulls of `dtype`. */
export function nullSeries(name: string, n: number, dtype = pl.Utf8): Series {
  return pl.Series(name, new Array(n).fill(null), dtype);
}
