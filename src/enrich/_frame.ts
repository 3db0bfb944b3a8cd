/**
 * Column helpers shared by the enrichments: checked access to a text column, and
 * dedupe-then-join-back for per-value work.
 *
 * @module
 */
import { type DataFrame, pl, variantOf } from "../polars.ts";
import { didYouMean } from "../errors.ts";
import { EnrichmentError } from "./errors.ts";

/** The values of a text column (nulls as null); throws a clear error for a missing column. */
export function textColumn(
  frame: DataFrame,
  column: string,
  capability: string,
): Array<string | null> {
  if (!frame.columns.includes(column)) {
    const hint = didYouMean(column, frame.columns) ??
      `The frame's columns are: ${frame.columns.join(", ")}.`;
    throw new EnrichmentError(`No column ${column} in the frame`, { capability, hint });
  }
  const series = frame.getColumn(column);
  const variant = variantOf(series.dtype);
  if (variant === "Utf8") return series.toArray() as unknown as Array<string | null>;
  if (variant === "Null") return new Array(frame.height).fill(null);
  return series.cast(pl.Utf8).toArray() as unknown as Array<string | null>;
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
