/**
 * Element-wise series functions (`series_add`, `series_abs`, `series_greater`, ...) and
 * functions that reduce series to one number (`series_sum`, `series_dot_product`,
 * `series_pearson_correlation`, `series_stats`, ...). The row functions of the statistics are
 * in `_elementwise_rows.ts`, where worker threads can load them.
 *
 * @module
 */
import type { Typed } from "../../compile/_context.ts";
import type { JsValue } from "../../runtime/_values.ts";
import type { CallSite, ScalarFunction } from "../_registry.ts";
import {
  expectBool,
  expectNumber,
  expectSeries,
  jsonNumber,
  jsonReal,
  multiOutput,
  seriesOf,
} from "./_args.ts";
import { finite, mean, type Num, sum } from "./_math.ts";
import { nativeBinary, nativeSum } from "./_native.ts";
import { seriesStatsDynamicRow, seriesStatsRow, STATS_OUTPUTS } from "./_elementwise_rows.ts";

/** One operand of an element-wise function: a series, or a number applied to every element. */
type Operand = { kind: "series"; values: Num[] } | { kind: "scalar"; value: Num };

function operand(v: JsValue): Operand | null {
  if (Array.isArray(v)) return { kind: "series", values: seriesOf(v)! };
  if (typeof v === "number") return { kind: "scalar", value: v };
  return null;
}

function at(o: Operand, i: number): Num {
  return o.kind === "scalar" ? o.value : (o.values[i] ?? null);
}

function lengthOf(o: Operand): number {
  return o.kind === "series" ? o.values.length : 0;
}

/** Throws unless both operands are series or numbers, and at least one is dynamic. */
function checkOperands(args: Typed[], site: CallSite): void {
  expectNumber(args, 0, site);
  expectNumber(args, 1, site);
  if (args[0].type !== "dynamic" && args[1].type !== "dynamic") {
    throw site.env.ctx.error(
      `${site.call.name}() needs at least one dynamic array argument`,
      site.call.span,
      "Pass a series, such as the output of make-series or make_list().",
    );
  }
}

/**
 * A function of two series (or a series and a number), element by element. The result is
 * as long as the longer series; a missing or non-numeric element gives null.
 */
function binary(op: (a: number, b: number) => JsValue, real = false): ScalarFunction {
  return {
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      checkOperands(args, site);
      const fn = ([x, y]: JsValue[]) => {
        const a = operand(x);
        const b = operand(y);
        if (!a || !b || (a.kind === "scalar" && b.kind === "scalar")) return null;
        const n = Math.max(lengthOf(a), lengthOf(b));
        const out: JsValue[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const u = at(a, i);
          const v = at(b, i);
          const r = u === null || v === null ? null : op(u, v);
          out[i] = typeof r === "number" ? (real ? jsonReal(r) : jsonNumber(r)) : r;
        }
        return out;
      };
      // Series of whole numbers (make-series counts) as Polars lists; the rest in JavaScript.
      return nativeBinary(site.call.name, args, site.env, fn) ??
        site.env.rowwise(args, "dynamic", fn);
    },
  };
}

/** A function of one series, element by element, giving reals; non-numeric elements give null. */
function unary(op: (a: number) => number): ScalarFunction {
  return {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      expectSeries(args, 0, site);
      return site.env.rowwise(args, "dynamic", ([x]) => {
        const s = seriesOf(x);
        return s && s.map((v) => (v === null ? null : jsonReal(op(v))));
      });
    },
  };
}

/** Element-wise functions by name. */
export const ELEMENTWISE: Record<string, ScalarFunction> = {
  series_add: binary((a, b) => a + b),
  series_subtract: binary((a, b) => a - b),
  series_multiply: binary((a, b) => a * b),
  // Division and powers are reals, as Kusto writes them ([0.25,1.0,4.0]).
  series_divide: binary((a, b) => a / b, true),
  series_pow: binary((a, b) => Math.pow(a, b), true),
  series_greater: binary((a, b) => a > b),
  series_greater_equals: binary((a, b) => a >= b),
  series_less: binary((a, b) => a < b),
  series_less_equals: binary((a, b) => a <= b),
  series_equals: binary((a, b) => a === b),
  series_not_equals: binary((a, b) => a !== b),
  series_abs: unary(Math.abs),
  series_ceiling: unary(Math.ceil),
  series_floor: unary(Math.floor),
  series_sign: unary((a) => (a > 0 ? 1 : a < 0 ? -1 : 0)),
  series_exp: unary(Math.exp),
  series_log: unary(Math.log),
  series_sin: unary(Math.sin),
  series_cos: unary(Math.cos),
  series_tan: unary(Math.tan),
  series_asin: unary(Math.asin),
  series_acos: unary(Math.acos),
  series_atan: unary(Math.atan),
};

// ---------------------------------------------------------------- reductions

/** A function of one series giving a real; null when the argument is not an array. */
function reduce(fn: (values: Num[]) => number | null): ScalarFunction {
  return {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      expectSeries(args, 0, site);
      const row = ([x]: JsValue[]) => {
        const s = seriesOf(x);
        return s && fn(s);
      };
      return (site.call.name === "series_sum" ? nativeSum(args, site.env, row) : undefined) ??
        site.env.rowwise(args, "real", row);
    },
  };
}

/**
 * The numeric pairs of two operands (a number is repeated), the longer series cut to
 * the shorter; pairs with a non-numeric element are left out.
 */
function pairs(a: Operand, b: Operand): Array<[number, number]> | null {
  if (a.kind === "scalar" && b.kind === "scalar") return null;
  const n = a.kind === "scalar"
    ? lengthOf(b)
    : b.kind === "scalar"
    ? lengthOf(a)
    : Math.min(lengthOf(a), lengthOf(b));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const u = at(a, i);
    const v = at(b, i);
    if (u !== null && v !== null) out.push([u, v]);
  }
  return out;
}

/** A function of two operands (series or numbers) giving a real. */
function reducePairs(fn: (pairs: Array<[number, number]>) => number | null): ScalarFunction {
  return {
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      checkOperands(args, site);
      return site.env.rowwise(args, "real", ([x, y]) => {
        const a = operand(x);
        const b = operand(y);
        const p = a && b ? pairs(a, b) : null;
        return p && p.length > 0 ? fn(p) : null;
      });
    },
  };
}

function dot(p: Array<[number, number]>): number {
  let s = 0;
  for (const [u, v] of p) s += u * v;
  return s;
}

/** Pearson's correlation; null unless both are series of numbers of one length. */
function pearson(a: Num[], b: Num[]): number | null {
  if (a.length !== b.length || a.length === 0) return null;
  if (a.some((v) => v === null) || b.some((v) => v === null)) return null;
  const x = a as number[];
  const y = b as number[];
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / Math.sqrt(sxx * syy);
}

function checkStats(args: Typed[], site: CallSite): void {
  expectSeries(args, 0, site);
  expectBool(args, 1, site);
}

/** Functions reducing series to numbers, by name. */
export const REDUCTIONS: Record<string, ScalarFunction> = {
  series_sum: reduce((s) => sum(finite(s))),
  series_magnitude: reduce((s) => Math.sqrt(sum(finite(s).map((v) => v * v)))),
  series_dot_product: reducePairs(dot),
  series_cosine_similarity: reducePairs((p) => {
    const a = Math.sqrt(sum(p.map(([u]) => u * u)));
    const b = Math.sqrt(sum(p.map(([, v]) => v * v)));
    return dot(p) / (a * b);
  }),
  series_pearson_correlation: {
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      expectSeries(args, 0, site);
      expectSeries(args, 1, site);
      return site.env.rowwise(args, "real", ([x, y]) => {
        const a = seriesOf(x);
        const b = seriesOf(y);
        return a && b ? pearson(a, b) : null;
      });
    },
  },
  series_stats: multiOutput(1, 2, STATS_OUTPUTS, checkStats, seriesStatsRow),
  series_stats_dynamic: {
    minArgs: 1,
    maxArgs: 2,
    compile(args, site) {
      checkStats(args, site);
      return site.env.rowwise(args, "dynamic", seriesStatsDynamicRow);
    },
  },
};

/** Suffixes of the default column names of the several-output functions here. */
export const ELEMENTWISE_OUTPUT_NAMES: Record<string, readonly string[]> = {
  series_stats: STATS_OUTPUTS.map((o) => o.name),
};
