/**
 * Exact integers from a provider's JSON answer: `JSON.parse` with source text access keeps
 * integer literals beyond 2^53 as raw JSON (every digit), and {@link bigSeries} builds an
 * Int64-backed column from BigInts, so a `long` like 9007199254740993 or
 * -9223372036854775808 arrives as the service wrote it. Shared by the ADX and Defender XDR
 * providers and the loaders of JSON files.
 *
 * @module
 */
import { pl, type Series } from "./polars.ts";
import type { polarsTypeOf } from "./schema/types.ts";

/** `JSON.rawJSON` and `JSON.isRawJSON` (ES2025, not yet in TypeScript's library). */
const RAW_JSON = JSON as unknown as {
  rawJSON(text: string): unknown;
  isRawJSON(value: unknown): boolean;
};

/** Parses JSON, keeping integers beyond 2^53 as raw JSON (exact digits). */
export function parseExact(text: string): unknown {
  return JSON.parse(text, (_key, value, context?: { source?: string }) => {
    if (
      typeof value === "number" && !Number.isSafeInteger(value) && context?.source &&
      /^-?\d+$/.test(context.source)
    ) {
      return RAW_JSON.rawJSON(context.source);
    }
    return value;
  });
}

/**
 * {@link parseExact} where the text could hold an integer beyond 2^53 (a run of 16 digits),
 * the faster plain `JSON.parse` elsewhere.
 */
export function parseJson(text: string): unknown {
  return /[0-9]{16}/.test(text) ? parseExact(text) : JSON.parse(text);
}

/** Whether a parsed value is an integer {@link parseExact} kept as raw JSON. */
export function isRaw(value: unknown): value is { rawJSON: string } {
  return RAW_JSON.isRawJSON(value);
}

/** An Int64-backed series from BigInts (exact beyond 2^53), cast to `dtype`. */
export function bigSeries(
  name: string,
  values: (bigint | null)[],
  dtype: ReturnType<typeof polarsTypeOf>,
): Series {
  const n = values.length;
  const data = new BigInt64Array(n);
  let nulls = false;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) nulls = true;
    else data[i] = v;
  }
  let series: Series = pl.Series(name, data);
  if (nulls) {
    // A BigInt64Array has no nulls: mask them in.
    const mask = pl.Series("__null", values.map((v) => v === null));
    series = pl.DataFrame([series, mask])
      .select(pl.when(pl.col("__null")).then(pl.lit(null)).otherwise(pl.col(name)).alias(name))
      .getColumn(name);
  }
  return series.cast(dtype);
}
