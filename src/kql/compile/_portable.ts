/**
 * Row functions a worker thread can run (see `_job_workers.ts`): a JavaScript job whose
 * function is a pure function of its arguments, exported by a module that does not load
 * Polars, is marked with where it lives ({@link portable}), so a worker can import the same
 * function instead of receiving a closure. Also what both sides of a job share: the values
 * of a function with several outputs ({@link rowOutputs}) and the text of dynamic results.
 *
 * This module loads no Polars: worker threads import it.
 *
 * @module
 */
import type { KustoType } from "../../schema/types.ts";
import type { JsValue } from "../runtime/_values.ts";
import { parseJsonKeepingReals } from "../runtime/_json_text.ts";
import { plainJson } from "../syntax/_literals.ts";

/** A row function: the row's argument values in, its value out. */
export type RowFn = (args: JsValue[]) => JsValue;

/** Where a {@link PortableRowFn} lives: export `name` of the module at URL `module`. */
export interface PortableSource {
  readonly module: string;
  readonly name: string;
}

/** A row function marked as safe to run on a worker thread (see {@link portable}). */
export type PortableRowFn = RowFn & { readonly portable: PortableSource };

/**
 * Marks `fn`, exported as `name` by the module at `module` (its `import.meta.url`), as
 * safe to run on a worker thread. Only for a pure function of its arguments, whose module
 * loads no Polars and no engine state: the worker imports the module and calls its export.
 */
export function portable(module: string, name: string, fn: RowFn): PortableRowFn {
  return Object.assign(fn, { portable: { module, name } });
}

/** Whether `fn` was marked by {@link portable}. */
export function isPortable(fn: RowFn): fn is PortableRowFn {
  return typeof (fn as Partial<PortableRowFn>).portable === "object";
}

/**
 * `fn` over the first `rows` rows of the argument columns `values` (one array per argument):
 * its values as one column, or, with `types` (a function with several outputs), one column
 * per output as {@link rowOutputs} reads them. The loop the main thread and the workers share.
 */
export function applyRows(
  fn: RowFn,
  rows: number,
  values: readonly (readonly JsValue[])[],
  types?: readonly KustoType[],
): JsValue[][] {
  const args: JsValue[] = new Array(values.length);
  const out: JsValue[][] = (types ?? [undefined]).map(() => new Array(rows));
  for (let row = 0; row < rows; row++) {
    for (let k = 0; k < args.length; k++) args[k] = values[k][row];
    if (!types) {
      out[0][row] = fn(args);
      continue;
    }
    const parts = rowOutputs(fn(args), types);
    for (let k = 0; k < parts.length; k++) out[k][row] = parts[k];
  }
  return out;
}

/** A run of 19 digits: a number in JSON text that may lie beyond Int64. */
const LONG_DIGITS = /[0-9]{19}/;

const RAW_JSON = JSON as unknown as { isRawJSON(value: unknown): boolean };

/**
 * The values of a function with several outputs, from what its row function returned (an
 * array with one value per output, or null): as if the array were written as JSON text and
 * each output read back from it (the engine did so until the outputs were computed in one
 * job), so NaN and missing values are null, dynamic outputs keep their reals (`2.0`) and
 * other outputs are plain values.
 */
export function rowOutputs(result: JsValue, types: readonly KustoType[]): JsValue[] {
  const parts = Array.isArray(result) ? result : null;
  return types.map((type, i) => outputValue(parts === null ? null : parts[i], type));
}

function outputValue(part: JsValue, type: KustoType): JsValue {
  if (part === null || part === undefined) return null;
  if (typeof part === "number") {
    if (!Number.isFinite(part)) return null;
    if (Object.is(part, -0)) return 0; // JSON writes it 0
  }
  const value = readsBack(part) ? part : readBack(part);
  return type === "dynamic" ? value : plainJson(value);
}

/** `value` written as JSON text and read back (reals kept); null when it has no text. */
function readBack(value: JsValue): JsValue {
  const text = JSON.stringify(value);
  return text === undefined ? null : parseJsonKeepingReals(text);
}

/** The powers of two around Int64's range, as numbers. */
const TWO_63 = 2 ** 63;

/**
 * Whether `value`'s JSON text reads back (reals kept) to text the same as it: true of
 * every JSON value but integers written without an exponent beyond Int64 (they read back
 * as reals), non-JSON values (undefined, functions, bigints) and objects with their own
 * JSON form (a Date). Nested NaN or infinities are written null either way.
 */
function readsBack(value: JsValue): boolean {
  switch (typeof value) {
    case "number":
      return !Number.isInteger(value) || Math.abs(value) >= 1e21 ||
        (value < TWO_63 && value >= -TWO_63);
    case "string":
    case "boolean":
      return true;
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (const item of value) if (!readsBack(item)) return false;
        return true;
      }
      if (RAW_JSON.isRawJSON(value)) {
        return !LONG_DIGITS.test((value as { rawJSON: string }).rawJSON);
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const item of Object.values(value)) if (!readsBack(item)) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * The column values of a job's results as they cross to the main thread: the JSON text of
 * dynamic values (as `jsToSeries` writes them; reals written `2.0` cannot cross as values),
 * the values themselves otherwise.
 *
 * @throws {TypeError} when a value of another type is an object (it would not cross intact).
 */
export function crossingValues(values: readonly JsValue[], type: KustoType): JsValue[] {
  if (type === "dynamic") return values.map((v) => (v === null ? null : JSON.stringify(v)));
  for (const v of values) {
    if (typeof v === "object" && v !== null) {
      throw new TypeError(`a ${type} result that is an object cannot leave the worker`);
    }
  }
  return values as JsValue[];
}
