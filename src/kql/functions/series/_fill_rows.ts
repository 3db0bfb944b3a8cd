/**
 * The row functions of the filters `series_fir()` and `series_iir()` (`_fill.ts`), as pure
 * functions of the row's argument values. Each is {@link portable}: a large job runs it on
 * worker threads, which import this module (so it loads no Polars).
 *
 * @module
 */
import type { JsValue } from "../../runtime/_values.ts";
import { portable } from "../../compile/_portable.ts";
import { jsonReal, seriesOf } from "./_row_values.ts";

const HERE = import.meta.url;

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
