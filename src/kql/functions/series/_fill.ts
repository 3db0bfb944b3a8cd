/**
 * Series functions that fill missing values (`series_fill_*`) and filters
 * (`series_fir`, `series_iir`, whose row functions are in `_fill_rows.ts`, where worker
 * threads can load them).
 *
 * A missing value is a null element, or an element equal to the
 * *missing_value_placeholder* argument when one is given. Elements that are not numbers
 * are kept as they are by the fills that only copy values, and count as missing for
 * interpolation.
 *
 * @module
 */
import { constant, type Typed } from "../../compile/_context.ts";
import { pl } from "../../../polars.ts";
import { dynamicText } from "../../compile/_conversion.ts";
import { isExactLongAsJson } from "../../syntax/_literals.ts";
import { type JsValue, parseJsonKeepingReals } from "../../runtime/_values.ts";
import type { CallSite, ScalarFunction } from "../_registry.ts";
import { expectBool, expectSeries, jsonReal, NUMERIC } from "./_args.ts";
import { expectType } from "../_define.ts";
import { nativeFillConst } from "./_native.ts";
import { seriesFirRow, seriesIirRow } from "./_fill_rows.ts";

const NULL_ARG: Typed = { expr: pl.lit(null), type: "dynamic", constant: { value: null } };

/** Whether the JSON text is an array whose numbers are all integers (longs in Kusto). */
function integerSeries(text: string): boolean {
  const parsed = parseJsonKeepingReals(text);
  if (!Array.isArray(parsed)) return false;
  const numbers = parsed.filter((v) => v !== null);
  return numbers.length > 0 &&
    numbers.every((v) => isExactLongAsJson(v) || (typeof v === "number" && Number.isInteger(v)));
}

/** Whether `v` is missing, given the placeholder argument's value. */
function missing(v: JsValue, placeholder: JsValue): boolean {
  return v === null || v === undefined || (placeholder !== null && v === placeholder);
}

/** Throws unless the placeholder argument at `i` is a scalar of a numeric type. */
function checkPlaceholder(args: Typed[], i: number, site: CallSite): void {
  expectType(args, i, [...NUMERIC, "dynamic"], site);
}

/** Copies the nearest present value over missing ones, scanning forwards or backwards. */
function carry(values: readonly JsValue[], placeholder: JsValue, forward: boolean): JsValue[] {
  const out = [...values];
  let last: JsValue = null;
  const n = out.length;
  for (let k = 0; k < n; k++) {
    const i = forward ? k : n - 1 - k;
    if (missing(out[i], placeholder)) {
      if (last !== null) out[i] = last;
    } else {
      last = out[i];
    }
  }
  return out;
}

function fillCarry(forward: boolean): ScalarFunction {
  return {
    minArgs: 1,
    maxArgs: 2,
    compile(args, site) {
      expectSeries(args, 0, site);
      checkPlaceholder(args, 1, site);
      return site.env.rowwise(
        args,
        "dynamic",
        ([x, placeholder]) => Array.isArray(x) ? carry(x, placeholder ?? null, forward) : null,
      );
    },
  };
}

/**
 * Linear interpolation of missing values between the present numbers around them; the
 * missing values before the first and after the last present number take that number
 * when `edges` is set; a series with no number at all is filled with `constant`. A
 * series of integers (`integral`) keeps its type: the interpolated values are truncated,
 * as Kusto gives them (`[1, null, 2]` becomes `[1, 1, 2]`).
 */
export function fillLinear(
  values: readonly JsValue[],
  placeholder: JsValue,
  edges: boolean,
  constant: JsValue,
  integral = false,
): JsValue[] {
  const n = values.length;
  const known: number[] = [];
  values.forEach((v, i) => {
    if (!missing(v, placeholder) && typeof v === "number") known.push(i);
  });
  if (known.length === 0) return values.map(() => constant);
  const out = [...values];
  const value = (i: number) => values[i] as number;
  for (let k = 0; k + 1 < known.length; k++) {
    const [a, b] = [known[k], known[k + 1]];
    for (let i = a + 1; i < b; i++) {
      const v = value(a) + ((value(b) - value(a)) * (i - a)) / (b - a);
      out[i] = integral ? Math.trunc(v) : v;
    }
  }
  if (edges) {
    for (let i = 0; i < known[0]; i++) out[i] = value(known[0]);
    for (let i = known[known.length - 1] + 1; i < n; i++) out[i] = value(known[known.length - 1]);
  }
  return integral ? out : out.map((v) => (typeof v === "number" ? jsonReal(v) : v));
}

/** Fill and filter functions by name. */
export const FILL: Record<string, ScalarFunction> = {
  series_fill_forward: fillCarry(true),
  series_fill_backward: fillCarry(false),
  series_fill_const: {
    minArgs: 2,
    maxArgs: 3,
    compile(args, site) {
      expectSeries(args, 0, site);
      checkPlaceholder(args, 2, site);
      const fn = ([x, constant, placeholder]: JsValue[]) =>
        Array.isArray(x) ? x.map((v) => (missing(v, placeholder ?? null) ? constant : v)) : null;
      // Whole-number series and a whole constant as Polars lists; the rest in JavaScript.
      return nativeFillConst(args, site.env, fn) ?? site.env.rowwise(args, "dynamic", fn);
    },
  },
  series_fill_linear: {
    minArgs: 1,
    maxArgs: 4,
    compile(args, site) {
      expectSeries(args, 0, site);
      checkPlaceholder(args, 1, site);
      expectBool(args, 2, site);
      checkPlaceholder(args, 3, site);
      const edgesGiven = args.length > 2;
      const constantGiven = args.length > 3;
      const [series, placeholder, edges, constant] = args;
      // The text tells integers from integral reals (`2` from `2.0`).
      return site.env.rowwise(
        [
          series,
          placeholder ?? NULL_ARG,
          edges ?? NULL_ARG,
          constant ?? NULL_ARG,
          dynamicText(series),
        ],
        "dynamic",
        ([x, placeholder, edges, constant, text]) =>
          Array.isArray(x)
            ? fillLinear(
              x,
              placeholder ?? null,
              edgesGiven ? edges === true : true,
              constantGiven ? constant ?? null : 0,
              typeof text === "string" && integerSeries(text),
            )
            : null,
      );
    },
  },
  series_fir: {
    minArgs: 2,
    maxArgs: 4,
    compile(args, site) {
      expectSeries(args, 0, site);
      expectSeries(args, 1, site);
      expectBool(args, 2, site);
      expectBool(args, 3, site);
      // Whether normalize is given is an argument too: the row function is portable.
      const given = constant(args.length > 2, "bool");
      const [x, f, normalize, center] = args;
      return site.env.rowwise(
        [x, f, normalize ?? NULL_ARG, center ?? NULL_ARG, given],
        "dynamic",
        seriesFirRow,
      );
    },
  },
  series_iir: {
    minArgs: 3,
    maxArgs: 3,
    compile(args, site) {
      expectSeries(args, 0, site);
      expectSeries(args, 1, site);
      expectSeries(args, 2, site);
      return site.env.rowwise(args, "dynamic", seriesIirRow);
    },
  },
};
