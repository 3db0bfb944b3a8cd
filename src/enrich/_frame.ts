/**
 * Column helpers shared by the enrichments: checked access to a text column, and
 * dedupe-then-join-back for per-value work.
 *
 * @module
 */
import { type DataFrame, pl, type Series, variantOf } from "../polars.ts";
import { didYouMean } from "../errors.ts";
import { EnrichmentError } from "./errors.ts";

/** The values of a text column (nulls as null); throws a clear error for a missing column. */
export function textColumn(
  frame: DataFrame,
  column: string,
  capability: string,
): Array<string | null> {
  return textSeries(frame, column, capability).toArray() as unknown as Array<string | null>;
}

/** A column as text (Utf8); throws a clear error for a missing column. */
function textSeries(frame: DataFrame, column: string, capability: string): Series {
  // Untyped code (the REPL, a notebook) may leave the column out.
  if (typeof column !== "string" || column === "") {
    throw new EnrichmentError("No column is named: give the column to read", {
      capability,
      hint: `The frame's columns are: ${frame.columns.join(", ")}.`,
    });
  }
  if (!frame.columns.includes(column)) {
    const hint = didYouMean(column, frame.columns) ??
      `The frame's columns are: ${frame.columns.join(", ")}.`;
    throw new EnrichmentError(`No column ${column} in the frame`, { capability, hint });
  }
  const series = frame.getColumn(column);
  const variant = variantOf(series.dtype);
  if (variant === "Utf8") return series;
  if (variant === "Null") return pl.Series(column, new Array(frame.height).fill(null), pl.Utf8);
  return series.cast(pl.Utf8);
}

/**
 * As `dedupe(textColumn(...))` (distinct values in another order), computed in Polars: only
 * the distinct values cross into JS, and a JS Map of a million long strings is slow.
 */
export function distinctTexts(
  frame: DataFrame,
  column: string,
  capability: string,
): { unique: string[]; index: Int32Array } {
  const series = textSeries(frame, column, capability).rename("t");
  // A categorical numbers the distinct values by hashing; its codes are the index.
  const codes = series.cast(pl.Categorical).cast(pl.UInt32).rename("k");
  const firsts = pl.DataFrame([codes, series]).dropNulls().unique({ subset: "k" }).sort("k");
  const ks = firsts.getColumn("k").toTypedArray() as Uint32Array;
  // Codes are dense (0..n-1) for a fresh categorical; anything else goes the slow way.
  if (ks.length > 0 && ks[ks.length - 1] !== ks.length - 1) {
    return dedupe(series.toArray() as unknown as Array<string | null>);
  }
  const unique = firsts.getColumn("t").toArray() as unknown as string[];
  const index = pl.DataFrame([codes]).select(pl.col("k").cast(pl.Int32).fillNull(-1))
    .getColumn("k").toTypedArray() as Int32Array;
  return { unique, index: Int32Array.from(index) };
}

/** The distinct non-null values of `values`, and each row's index into them (-1 for null). */
export function dedupe(
  values: ReadonlyArray<string | null>,
): { unique: string[]; index: Int32Array } {
  const seen = new Map<string, number>();
  const unique: string[] = [];
  const index = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      index[i] = -1;
      continue;
    }
    let k = seen.get(v);
    if (k === undefined) {
      k = unique.length;
      unique.push(v);
      seen.set(v, k);
    }
    index[i] = k;
  }
  return { unique, index };
}

/** Code-unit order: the same on every host and in every locale (unlike `localeCompare`). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The arguments of a frame enrichment called as `f(frame, { column, ...options })` or, the
 * deprecated form recorded journals still hold, `f(frame, column, options)`: the column (or
 * columns) as given, for the caller to check, and the options.
 */
export function columnArguments<O extends object>(
  second: unknown,
  third: O | undefined,
  key: "column" | "columns",
): { column: unknown; options: O } {
  if (second !== null && typeof second === "object" && !Array.isArray(second)) {
    // The options without the column, so the per-value functions they go on to check them.
    const options = Object.fromEntries(Object.entries(second).filter(([k]) => k !== key));
    return { column: (second as Record<string, unknown>)[key], options: options as O };
  }
  return { column: second, options: third ?? ({} as O) };
}
