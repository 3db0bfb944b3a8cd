/**
 * The row functions of the element-wise series functions (`series_add`, `series_abs`,
 * `series_greater`, ...) and of the functions reducing series to numbers (`series_sum`,
 * `series_dot_product`, `series_pearson_correlation`, `series_stats`, ...) of
 * `_elementwise.ts`, as pure functions of the row's argument values. Each is
 * {@link portable}: a large job runs it on worker threads, which import this module (so it
 * loads no Polars).
 *
 * @module
 */
import type { JsValue } from "../../runtime/_values.ts";
import { portable, type RowFn } from "../../compile/_portable.ts";
import type { Output } from "./_args.ts";
import { jsonNumber, jsonReal, seriesOf } from "./_row_values.ts";
import { finite, mean, type Num, sampleVariance, sum } from "./_math.ts";

const HERE = import.meta.url;

// ---------------------------------------------------------------- element-wise

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

/**
 * The row function of a function of two series (or a series and a number), element by
 * element: as long as the longer series; a missing or non-numeric element gives null; numbers
 * are written as reals when `real` (Kusto writes `series_divide([1, 4], 2)` as `[0.5,2.0]`).
 */
function binary(op: (a: number, b: number) => JsValue, real = false): RowFn {
  return ([x, y]) => {
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
}

/** The row function of a function of one series, element by element, giving reals. */
function unary(op: (a: number) => number): RowFn {
  return ([x]) => {
    const s = seriesOf(x);
    return s && s.map((v) => (v === null ? null : jsonReal(op(v))));
  };
}

/** `series_add(a, b)`. */
export const seriesAddRow = portable(HERE, "seriesAddRow", binary((a, b) => a + b));
/** `series_subtract(a, b)`. */
export const seriesSubtractRow = portable(HERE, "seriesSubtractRow", binary((a, b) => a - b));
/** `series_multiply(a, b)`. */
export const seriesMultiplyRow = portable(HERE, "seriesMultiplyRow", binary((a, b) => a * b));
/** `series_divide(a, b)`: reals. */
export const seriesDivideRow = portable(HERE, "seriesDivideRow", binary((a, b) => a / b, true));
/** `series_pow(a, b)`: reals. */
export const seriesPowRow = portable(HERE, "seriesPowRow", binary(Math.pow, true));
/** `series_greater(a, b)`. */
export const seriesGreaterRow = portable(HERE, "seriesGreaterRow", binary((a, b) => a > b));
/** `series_greater_equals(a, b)`. */
export const seriesGreaterEqualsRow = portable(
  HERE,
  "seriesGreaterEqualsRow",
  binary((a, b) => a >= b),
);
/** `series_less(a, b)`. */
export const seriesLessRow = portable(HERE, "seriesLessRow", binary((a, b) => a < b));
/** `series_less_equals(a, b)`. */
export const seriesLessEqualsRow = portable(
  HERE,
  "seriesLessEqualsRow",
  binary((a, b) => a <= b),
);
/** `series_equals(a, b)`. */
export const seriesEqualsRow = portable(HERE, "seriesEqualsRow", binary((a, b) => a === b));
/** `series_not_equals(a, b)`. */
export const seriesNotEqualsRow = portable(
  HERE,
  "seriesNotEqualsRow",
  binary((a, b) => a !== b),
);
/** `series_abs(s)`. */
export const seriesAbsRow = portable(HERE, "seriesAbsRow", unary(Math.abs));
/** `series_ceiling(s)`. */
export const seriesCeilingRow = portable(HERE, "seriesCeilingRow", unary(Math.ceil));
/** `series_floor(s)`. */
export const seriesFloorRow = portable(HERE, "seriesFloorRow", unary(Math.floor));
/** `series_sign(s)`: 1, -1 or 0 (NaN gives 0). */
export const seriesSignRow = portable(
  HERE,
  "seriesSignRow",
  unary((a) => (a > 0 ? 1 : a < 0 ? -1 : 0)),
);
/** `series_exp(s)`. */
export const seriesExpRow = portable(HERE, "seriesExpRow", unary(Math.exp));
/** `series_log(s)`: the natural logarithm. */
export const seriesLogRow = portable(HERE, "seriesLogRow", unary(Math.log));
/** `series_sin(s)`. */
export const seriesSinRow = portable(HERE, "seriesSinRow", unary(Math.sin));
/** `series_cos(s)`. */
export const seriesCosRow = portable(HERE, "seriesCosRow", unary(Math.cos));
/** `series_tan(s)`. */
export const seriesTanRow = portable(HERE, "seriesTanRow", unary(Math.tan));
/** `series_asin(s)`. */
export const seriesAsinRow = portable(HERE, "seriesAsinRow", unary(Math.asin));
/** `series_acos(s)`. */
export const seriesAcosRow = portable(HERE, "seriesAcosRow", unary(Math.acos));
/** `series_atan(s)`. */
export const seriesAtanRow = portable(HERE, "seriesAtanRow", unary(Math.atan));

// ---------------------------------------------------------------- reductions

/** The row function of a function of one series giving a real; null for a non-array. */
function reduce(fn: (values: Num[]) => number | null): RowFn {
  return ([x]) => {
    const s = seriesOf(x);
    return s && fn(s);
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

/** The row function of a function of two operands (series or numbers) giving a real. */
function reducePairs(fn: (pairs: Array<[number, number]>) => number | null): RowFn {
  return ([x, y]) => {
    const a = operand(x);
    const b = operand(y);
    const p = a && b ? pairs(a, b) : null;
    return p && p.length > 0 ? fn(p) : null;
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

/** `series_sum(s)`: the sum of its finite numbers. */
export const seriesSumRow = portable(HERE, "seriesSumRow", reduce((s) => sum(finite(s))));
/** `series_magnitude(s)`: the Euclidean norm of its finite numbers. */
export const seriesMagnitudeRow = portable(
  HERE,
  "seriesMagnitudeRow",
  reduce((s) => Math.sqrt(sum(finite(s).map((v) => v * v)))),
);
/** `series_product(s)`: the product of its numbers (non-numeric elements left out). */
export const seriesProductRow = portable(
  HERE,
  "seriesProductRow",
  reduce((s) => s.reduce((p: number, v) => (v === null ? p : p * v), 1)),
);
/** `series_dot_product(a, b)`. */
export const seriesDotProductRow = portable(HERE, "seriesDotProductRow", reducePairs(dot));
/** `series_cosine_similarity(a, b)`. */
export const seriesCosineSimilarityRow = portable(
  HERE,
  "seriesCosineSimilarityRow",
  reducePairs((p) => {
    const a = Math.sqrt(sum(p.map(([u]) => u * u)));
    const b = Math.sqrt(sum(p.map(([, v]) => v * v)));
    return dot(p) / (a * b);
  }),
);
/** `series_pearson_correlation(a, b)`. */
export const seriesPearsonCorrelationRow = portable(
  HERE,
  "seriesPearsonCorrelationRow",
  ([x, y]) => {
    const a = seriesOf(x);
    const b = seriesOf(y);
    return a && b ? pearson(a, b) : null;
  },
);

// ---------------------------------------------------------------- statistics

/** The statistics `series_stats()` and `series_stats_dynamic()` report, or null. */
function stats(values: Num[], ignoreNonFinite: boolean) {
  const usable = finite(values);
  if (!ignoreNonFinite && usable.length !== values.length) return null;
  if (usable.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  let minIdx = -1;
  let maxIdx = -1;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    if (v < min) [min, minIdx] = [v, i];
    if (v > max) [max, maxIdx] = [v, i];
  });
  const variance = sampleVariance(usable);
  return {
    min,
    min_idx: minIdx,
    max,
    max_idx: maxIdx,
    avg: mean(usable),
    stdev: Math.sqrt(variance),
    variance,
    sum: sum(usable),
    len: values.length,
  };
}

/** The outputs of `series_stats()`. */
export const STATS_OUTPUTS: readonly Output[] = [
  { name: "min", type: "real" },
  { name: "min_idx", type: "long" },
  { name: "max", type: "real" },
  { name: "max_idx", type: "long" },
  { name: "avg", type: "real" },
  { name: "stdev", type: "real" },
  { name: "variance", type: "real" },
];

/** `series_stats(x, ignore_nonfinite)`: the {@link STATS_OUTPUTS}. */
export const seriesStatsRow = portable(HERE, "seriesStatsRow", ([x, ignore]) => {
  const s = seriesOf(x);
  const r = s && stats(s, ignore === true);
  return r && STATS_OUTPUTS.map((o) => r[o.name as keyof typeof r]);
});

/** `series_stats_dynamic(x, ignore_nonfinite)`: the statistics as a bag. */
export const seriesStatsDynamicRow = portable(HERE, "seriesStatsDynamicRow", ([x, ignore]) => {
  const s = seriesOf(x);
  return s && stats(s, ignore === true);
});
