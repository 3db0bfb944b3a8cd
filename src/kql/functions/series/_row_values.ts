/**
 * Reading the argument values of the series functions' row functions, and writing their
 * numbers into dynamic arrays. Loads no Polars: worker threads run the row functions (see
 * compile/_portable.ts).
 *
 * @module
 */
import type { JsValue } from "../../runtime/_values.ts";
import { realAsJson } from "../../syntax/_literals.ts";
import { type Num, toNums } from "./_math.ts";

/** The numbers of a series argument, or null when the value is not an array. */
export function seriesOf(v: JsValue): Num[] | null {
  return Array.isArray(v) ? toNums(v) : null;
}

/** A number argument's value (a dynamic holding a number counts), or null. */
export function numberOf(v: JsValue): number | null {
  return typeof v === "number" ? v : null;
}

/**
 * A JSON-safe number: NaN and infinities have no JSON form, so they become null inside
 * dynamic arrays (as they print in Kusto's JSON output).
 */
export function jsonNumber(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}

/**
 * A real inside a dynamic array, as {@link jsonNumber} but kept a real when integral (Kusto
 * writes `series_pow([1, 2], 2)` as `[1.0,4.0]`). Only for arrays about to be written out.
 */
export function jsonReal(v: number | null): unknown {
  const n = jsonNumber(v);
  return n === null ? null : realAsJson(n);
}
