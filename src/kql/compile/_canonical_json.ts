/**
 * Dynamic values whose JSON text the engine wrote itself, canonically: compact, exactly as
 * `JSON.stringify` writes the value's reading (`make_list`'s lists, `pack_array`, `split`).
 * `tostring()` of such a value is its text, read as it is: no JSON-path re-read by Polars
 * and no check of spellings serde and JavaScript read differently (see
 * {@link Typed.canonicalJson}, and `markCanonicalJson` in `_context.ts` for columns).
 *
 * @module
 */
import { pl } from "../../polars.ts";
import type { Typed } from "./_context.ts";
import { nativeDynamic } from "./_dynamic_native.ts";

/**
 * `value` marked as canonical JSON text ({@link Typed.canonicalJson}), for a builder whose
 * text is JSON.stringify's (Polars' JSON writer on strings, whole numbers and booleans).
 * Undefined stays undefined; a value that is not dynamic is returned as it is.
 */
export function asCanonicalJson(value: Typed | undefined): Typed | undefined {
  if (value === undefined || value.type !== "dynamic" || value.constant) return value;
  return { ...value, canonicalJson: true };
}

/**
 * `tostring()` of a value holding canonical JSON text: the text (null reads ""); undefined
 * for any other value, or when native reading is off (the JavaScript path is the oracle).
 */
export function canonicalToString(value: Typed): Typed | undefined {
  if (!value.canonicalJson || value.type !== "dynamic" || value.constant || !nativeDynamic()) {
    return undefined;
  }
  return { expr: value.expr.fillNull(pl.lit("")), type: "string" };
}
