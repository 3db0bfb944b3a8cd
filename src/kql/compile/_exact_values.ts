/**
 * Row-by-row functions that rebuild dynamic values (`bag_pack`, `array_concat`, `set_*`,
 * `array_sort_*`) with the numbers exactly as Kusto holds them: a long beyond 2^53 keeps
 * every digit and an integral real stays a real (`2.0`). Their inputs are read as text and
 * parsed with raw-JSON markers (see `realAsJson` and `exactLongAsJson`), which
 * `JSON.stringify` writes back verbatim; {@link exactNumber} reads a marker as a number.
 *
 * @module
 */
import { pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import { type JsValue, parseJsonKeepingReals } from "../runtime/_values.ts";
import { exactLongAsJson, isExactLongAsJson, isRealAsJson } from "../syntax/_literals.ts";
import { dynamicText } from "./_conversion.ts";
import type { ExprEnv, Typed } from "./_context.ts";

/**
 * `env.rowwise` whose `fn` sees longs beyond 2^53 and the numbers inside dynamic values as
 * raw-JSON markers when a JS number would change them; what it returns is written as is.
 */
export function exactRowwise(
  env: ExprEnv,
  inputs: readonly Typed[],
  type: KustoType,
  fn: (args: JsValue[]) => JsValue,
): Typed {
  const readers: Array<(v: JsValue) => JsValue> = [];
  const texts = inputs.map((input) => {
    if (input.type === "dynamic") {
      readers.push((v) => v === null ? null : parseJsonKeepingReals(v as string));
      return dynamicText(input);
    }
    if (input.type === "long" && !input.constant) {
      readers.push((v) => v === null ? null : exactLong(v as string));
      return { expr: input.expr.cast(pl.Utf8), type: "string" as KustoType };
    }
    readers.push((v) => v);
    return input;
  });
  return env.rowwise(texts, type, (args) => fn(args.map((v, i) => readers[i](v))));
}

/** A long's text as a JS number when exact, else a raw-JSON marker of its digits. */
export function exactLong(text: string): JsValue {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : exactLongAsJson(text) ?? n;
}

/** Whether `v` is a number or a raw-JSON marker of one. */
export function isExactNumber(v: unknown): boolean {
  return typeof v === "number" || isExactLongAsJson(v) || isRealAsJson(v);
}

/**
 * The value of a number or marker for ordering: a bigint for a long marker (JS compares
 * bigints and numbers exactly), a number otherwise.
 */
export function exactNumber(v: unknown): number | bigint {
  if (isExactLongAsJson(v)) return BigInt((v as { rawJSON: string }).rawJSON);
  if (isRealAsJson(v)) return Number((v as { rawJSON: string }).rawJSON);
  return v as number;
}

/**
 * The identity of a value for set operations: its JSON text, a long marker by its digits
 * and an integral real as its number (`1.0` and `1` are one value, as before).
 */
export function exactIdentity(v: unknown): string {
  return JSON.stringify(v ?? null, (_key, x) => isRealAsJson(x) ? exactNumber(x) : x);
}
