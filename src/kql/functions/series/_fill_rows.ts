/**
 * The row functions of the fills (`series_fill_forward()`, `series_fill_backward()`,
 * `series_fill_const()`, `series_fill_linear()`) and of the filters `series_fir()` and
 * `series_iir()` (`_fill.ts`), as pure functions of the row's argument values. Each is
 * {@link portable}: a large job runs it on worker threads, which import this module (so it
 * loads no Polars).
 *
 * @module
 */
import type { JsValue } from "../../runtime/_values.ts";
import { parseJsonKeepingReals } from "../../runtime/_json_text.ts";
import { isExactLongAsJson } from "../../syntax/_literals.ts";
import { portable } from "../../compile/_portable.ts";
import { jsonReal, seriesOf } from "./_row_values.ts";

const HERE = import.meta.url;

// ---------------------------------------------------------------- fills

/** Whether `v` is missing, given the placeholder argument's value. */
function missing(v: JsValue, placeholder: JsValue): boolean {
  return v === null || v === undefined || (placeholder !== null && v === placeholder);
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

/** `series_fill_forward(x, placeholder)`. */
export const seriesFillForwardRow = portable(
  HERE,
  "seriesFillForwardRow",
  ([x, placeholder]) => Array.isArray(x) ? carry(x, placeholder ?? null, true) : null,
);

/** `series_fill_backward(x, placeholder)`. */
export const seriesFillBackwardRow = portable(
  HERE,
  "seriesFillBackwardRow",
  ([x, placeholder]) => Array.isArray(x) ? carry(x, placeholder ?? null, false) : null,
);

/** `series_fill_const(x, constant, placeholder)`. */
export const seriesFillConstRow = portable(
  HERE,
  "seriesFillConstRow",
  ([x, constant, placeholder]) =>
    Array.isArray(x) ? x.map((v) => (missing(v, placeholder ?? null) ? constant : v)) : null,
);

/**
 * Whether series `values`, whose JSON text is `text`, is an array whose numbers are all
 * integers (longs in Kusto). Read from the values when they tell (an element other than an
 * integer number, or no element but nulls: not such an array); otherwise from the text, which
 * tells integers from integral reals (`2` from `2.0`).
 */
function integerValues(values: readonly JsValue[], text: unknown): boolean {
  let present = false;
  for (const v of values) {
    if (v === null) continue;
    if (typeof v !== "number" || !Number.isInteger(v)) return false;
    present = true;
  }
  return present && typeof text === "string" && integerSeries(text);
}

/** Whether the JSON text is an array whose numbers are all integers (longs in Kusto). */
function integerSeries(text: string): boolean {
  const parsed = parseJsonKeepingReals(text);
  if (!Array.isArray(parsed)) return false;
  const numbers = parsed.filter((v) => v !== null);
  return numbers.length > 0 &&
    numbers.every((v) => isExactLongAsJson(v) || (typeof v === "number" && Number.isInteger(v)));
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

/**
 * `series_fill_linear(x, placeholder, edges, constant)`, then the series' JSON text (it
 * tells integers from integral reals, `2` from `2.0`). The caller gives the defaults of
 * arguments left out: edges true, constant 0 (a null given is not the default).
 */
export const seriesFillLinearRow = portable(
  HERE,
  "seriesFillLinearRow",
  ([x, placeholder, edges, constant, text]) =>
    Array.isArray(x)
      ? fillLinear(
        x,
        placeholder ?? null,
        edges === true,
        constant ?? null,
        integerValues(x, text),
      )
      : null,
);

// ---------------------------------------------------------------- filters

/** `y[i] = Σ filter[j] · x[i + shift - j]`, elements outside the series counting as 0. */
function fir(values: readonly JsValue[], filter: readonly number[], center: boolean) {
  const x = values.map((v) => (typeof v === "number" ? v : 0));
  const m = filter.length;
  const shift = center ? Math.floor((m - 1) / 2) : 0;
  return x.map((_, i) => {
    let s = 0;
    for (let j = 0; j < m; j++) {
      const k = i + shift - j;
      if (k >= 0 && k < x.length) s += filter[j] * x[k];
    }
    return jsonReal(s);
  });
}

/**
 * `y[i] = (Σ b[j] · x[i - j] - Σ_{j ≥ 1} a[j] · y[i - j]) / a[0]`, with zeros before the
 * series starts; null when `a[0]` is 0.
 */
function iir(values: readonly JsValue[], b: readonly number[], a: readonly number[]) {
  if (a.length === 0 || a[0] === 0) return null;
  const x = values.map((v) => (typeof v === "number" ? v : 0));
  const y: number[] = [];
  for (let i = 0; i < x.length; i++) {
    let s = 0;
    for (let j = 0; j < b.length && j <= i; j++) s += b[j] * x[i - j];
    for (let j = 1; j < a.length && j <= i; j++) s -= a[j] * y[i - j];
    y.push(s / a[0]);
  }
  return y.map(jsonReal);
}

/** The numbers of a coefficients array, or null when it has anything else. */
function coefficients(v: JsValue): number[] | null {
  const s = seriesOf(v);
  return s && s.every((c) => c !== null) ? (s as number[]) : null;
}

/**
 * `series_fir(x, filter, normalize, center)`; the fifth value says whether `normalize` was
 * given (normalising is the default unless a coefficient is negative, which it forbids).
 */
export const seriesFirRow = portable(HERE, "seriesFirRow", ([x, f, normalize, center, given]) => {
  const filter = coefficients(f);
  if (!Array.isArray(x) || !filter || filter.length === 0) return null;
  const negative = filter.some((c) => c < 0);
  const scale = given === true ? normalize === true : !negative;
  if (scale && negative) return null;
  const total = filter.reduce((s, c) => s + c, 0);
  const used = scale ? filter.map((c) => c / total) : filter;
  return fir(x, used, center === true);
});

/** `series_iir(x, numerators, denominators)`. */
export const seriesIirRow = portable(HERE, "seriesIirRow", ([x, b, a]) => {
  const num = coefficients(b);
  const den = coefficients(a);
  return Array.isArray(x) && num && den ? iir(x, num, den) : null;
});
