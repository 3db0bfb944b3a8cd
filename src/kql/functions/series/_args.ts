/**
 * Argument checks and result shapes shared by the series functions: series (dynamic)
 * arguments, numeric and option arguments, and functions with several outputs.
 *
 * @module
 */
import type { KustoType } from "../../../schema/types.ts";
import type { Typed } from "../../compile/_context.ts";
import { type JsValue, parseJsonKeepingReals } from "../../runtime/_values.ts";
import { plainJson, realAsJson } from "../../syntax/_literals.ts";
import { dynamicText } from "../../compile/_conversion.ts";
import { expectType } from "../_define.ts";
import { resultName } from "../../compile/_names.ts";
import type { CallSite, ScalarFunction } from "../_registry.ts";
import { type Num, toNums } from "./_math.ts";

/** Kusto's numeric types. */
export const NUMERIC: readonly KustoType[] = ["int", "long", "real", "decimal"];

/** Throws unless argument `i` is a dynamic value (a series). */
export function expectSeries(args: Typed[], i: number, site: CallSite): void {
  expectType(args, i, ["dynamic"], site);
}

/** Throws unless argument `i` is a number (or a dynamic holding one). */
export function expectNumber(args: Typed[], i: number, site: CallSite): void {
  expectType(args, i, [...NUMERIC, "dynamic"], site);
}

/** Throws unless argument `i` is a bool. */
export function expectBool(args: Typed[], i: number, site: CallSite): void {
  expectType(args, i, ["bool"], site);
}

/**
 * Throws unless argument `i` is a string; when it is a constant, also unless it is one
 * of `allowed` (a non-constant value outside them gives a null result at run time).
 */
export function expectOption(
  args: Typed[],
  i: number,
  site: CallSite,
  allowed: readonly string[],
): void {
  expectType(args, i, ["string"], site);
  const value = args[i]?.constant?.value;
  if (typeof value === "string" && !allowed.includes(value)) {
    throw site.env.ctx.error(
      `argument ${i + 1} of ${site.call.name}() must be one of ${
        allowed.map((a) => `'${a}'`).join(", ")
      }, not '${value}'`,
      site.call.args[i].span,
    );
  }
}

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

/** One output of a function with several results. */
export interface Output {
  /** The suffix of its default column name (`rsquare` in `series_fit_line_y_rsquare`). */
  readonly name: string;
  readonly type: KustoType;
}

/**
 * A function with several outputs (`extend (a, b) = f(x)`): `fn` computes all of them
 * once per row, as an array in the order of `outputs`, or null. Used with one name, the
 * call is its first output.
 */
export function multiOutput(
  minArgs: number,
  maxArgs: number,
  outputs: readonly Output[],
  check: (args: Typed[], site: CallSite) => void,
  fn: (values: JsValue[]) => JsValue[] | null,
): ScalarFunction {
  return {
    minArgs,
    maxArgs,
    compile(args, site) {
      check(args, site);
      // All outputs come from one computation, kept as a dynamic array per row.
      const all = site.env.rowwise(args, "dynamic", (values) => fn(values));
      // Read from the text, so that the reals of dynamic outputs stay reals (`2.0`).
      const text = dynamicText(all);
      const components = outputs.map((o, i) =>
        site.env.rowwise([text], o.type, ([t]) => {
          const v = t === null ? null : parseJsonKeepingReals(t as string);
          const part = Array.isArray(v) ? v[i] ?? null : null;
          return o.type === "dynamic" ? part : plainJson(part);
        })
      );
      // Unnamed, the outputs are columns named function_argument_output.
      const arg = site.call.args[0] && resultName(site.call.args[0]);
      const base = arg ? `${site.call.name}_${arg}` : site.call.name;
      const componentNames = outputs.map((o) => `${base}_${o.name}`);
      return { ...components[0], components, componentNames };
    },
  };
}
