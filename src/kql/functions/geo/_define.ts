/**
 * Helpers to define the geo functions: argument checks, argument readers, and a
 * native Polars path for the functions that are worth it.
 *
 * @module
 */
import type { KustoType } from "../../../schema/types.ts";
import { constant, type Typed } from "../../compile/_context.ts";
import { isNumeric } from "../../compile/_conversion.ts";
import type { JsValue } from "../../runtime/_values.ts";
import { type CallSite, defineScalar, SCALAR_FUNCTIONS } from "../_registry.ts";
import { realAsJson } from "../../syntax/_literals.ts";
import { validLngLat } from "./_shapes.ts";
import { type Point3, toPoint } from "./_sphere.ts";

/** What an argument must be: a number, a GeoJSON value, a string or a bool. */
export type ArgKind = "number" | "dynamic" | "string" | "bool";

const ACCEPTS: Record<ArgKind, readonly KustoType[]> = {
  number: ["int", "long", "real", "decimal", "dynamic"],
  dynamic: ["dynamic"],
  string: ["string", "dynamic"],
  bool: ["bool", "dynamic"],
};

const ARTICLE: Record<ArgKind, string> = {
  number: "a number",
  dynamic: "a dynamic GeoJSON value",
  string: "a string",
  bool: "a bool",
};

/**
 * Registers a geo function computed row by row. Constant arguments are passed as the
 * same JS object on every row, so parsed shapes are cached by identity.
 */
export function defineGeo(
  name: string,
  kinds: readonly ArgKind[],
  required: number,
  returns: KustoType,
  fn: (values: JsValue[]) => JsValue,
): void {
  defineScalar(name, {
    minArgs: required,
    maxArgs: kinds.length,
    compile(args: Typed[], site: CallSite) {
      args.forEach((arg, i) => checkArg(arg, kinds[i], i, site));
      const values: JsValue[] = args.map((a) => (a.constant ? a.constant.value : null));
      const live = args.map((a, i) => (a.constant ? -1 : i)).filter((i) => i >= 0);
      if (live.length === 0) return constant(guarded(fn, values, returns), returns);
      return site.env.rowwise(live.map((i) => args[i]), returns, (row) => {
        const all = values.slice();
        live.forEach((i, k) => (all[i] = row[k]));
        return guarded(fn, all, returns);
      });
    },
  });
}

/**
 * `fn` of the values; a failure inside the grid libraries on odd input (they throw on
 * some invalid cells) is Kusto's invalid-input result rather than a failed query.
 */
export function guarded(fn: (values: JsValue[]) => JsValue, values: JsValue[], type: KustoType) {
  try {
    const value = fn(values);
    return type === "dynamic" ? realCoordinates(value) : value;
  } catch {
    return type === "string" ? "" : null;
  }
}

/**
 * A GeoJSON result with its coordinates written as reals: Kusto's coordinates are doubles,
 * so `tostring()` of `[50, 50]` gives `[50.0,50.0]`. Only for values about to be written
 * out (see `realAsJson`); other values are returned as they are.
 */
function realCoordinates(value: JsValue): JsValue {
  if (Array.isArray(value)) return value.map(realCoordinates) as JsValue;
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key === "coordinates" ? realNumbers(v) : realCoordinates(v as JsValue);
  }
  return out as JsValue;
}

function realNumbers(value: unknown): unknown {
  if (typeof value === "number") return realAsJson(value);
  return Array.isArray(value) ? value.map(realNumbers) : value;
}

export function checkArg(arg: Typed, kind: ArgKind, i: number, site: CallSite): void {
  if (arg.constant && arg.constant.value === null) return;
  if (!ACCEPTS[kind].includes(arg.type)) {
    throw site.env.ctx.error(
      `argument ${i + 1} of ${site.call.name}() must be ${ARTICLE[kind]}, not ${arg.type}`,
      site.call.args[i].span,
    );
  }
}

/** A finite number, or null. */
export function num(v: JsValue): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** An integer argument within lo..hi, or null. */
export function int(v: JsValue, lo: number, hi: number): number | null {
  const n = num(v);
  return n !== null && Number.isInteger(n) && n >= lo && n <= hi ? n : null;
}

/** A point from longitude/latitude arguments, or null when invalid. */
export function point(lng: JsValue, lat: JsValue): Point3 | null {
  return validLngLat(lng, lat) ? toPoint(lng as number, lat as number) : null;
}

/** An optional argument's value, or its default when omitted or null. */
export function opt<T>(v: JsValue, fallback: T): JsValue | T {
  return v === null || v === undefined ? fallback : v;
}

export function text(v: JsValue): string | null {
  return typeof v === "string" ? v : null;
}

/** Whether the first `n` arguments are plain numbers, not all constant (native path). */
export function nativeNumbers(args: readonly Typed[], n: number): boolean {
  const head = args.slice(0, n);
  return head.every((a) => isNumeric(a.type)) && !head.every((a) => a.constant);
}

/** Wraps a defined geo function with a native compile path taken when `when` holds. */
export function withNative(
  name: string,
  when: (args: Typed[]) => boolean,
  native: (args: Typed[], site: CallSite) => Typed,
): void {
  const rowwiseFn = SCALAR_FUNCTIONS.get(name)!;
  defineScalar(name, {
    minArgs: rowwiseFn.minArgs,
    maxArgs: rowwiseFn.maxArgs,
    compile: (args, site) => (when(args) ? native(args, site) : rowwiseFn.compile(args, site)),
  });
}

/** A densify tolerance in meters within Kusto's range [0.1, 10000], or null. */
export function densifyTolerance(v: JsValue): number | null {
  const t = num(opt(v, 10));
  return t !== null && t >= 0.1 && t <= 10000 ? t : null;
}
