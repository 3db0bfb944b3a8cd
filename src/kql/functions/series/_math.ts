/**
 * The numeric algorithms behind the series functions, over plain arrays: reading the
 * numbers of a dynamic array, least squares lines and polynomials, percentiles and
 * medians, and the autocorrelation used to find periods.
 *
 * A missing element (null, a string, a bool) is `null` here; each function says what
 * it does with it.
 *
 * @module
 */
import { fft } from "../../../fft.ts";

/** One element of a series: a finite or infinite number, or null when missing. */
export type Num = number | null;

/** An element as a number, or null when it is not a JSON number. */
export function toNum(v: unknown): Num {
  return typeof v === "number" ? v : null;
}

/** The elements of a dynamic array as numbers (null where not a number). */
export function toNums(values: readonly unknown[]): Num[] {
  return values.map(toNum);
}

/** The numbers of `values` that are present and finite. */
export function finite(values: readonly Num[]): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v));
}

export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : sum(values) / values.length;
}

/** Sample variance (n - 1 in the denominator), as Kusto's `variance()`. */
export function sampleVariance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return n === 1 ? 0 : NaN;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return s / (n - 1);
}

/**
 * The `p`-th percentile (0–100) interpolated linearly between the closest ranks of the
 * sorted values: the definition Kusto's outlier scores were measured to use.
 */
export function percentileLinear(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Finite numbers in ascending order, as a typed array (sorted natively, without a compare
 * function). Only for finite numbers: the one difference from `sort((a, b) => a - b)`, -0
 * before 0, cannot change a percentile (a zero percentile is computed as 0 either way).
 */
function sortedFinite(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** The median (mean of the two middle values when their count is even). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return percentileLinear(sorted, 50);
}

// ---------------------------------------------------------------- lines

/** A least squares line over positions 1..n, as `series_fit_line()` reports it. */
export interface LineFit {
  readonly rsquare: number;
  readonly slope: number;
  readonly variance: number;
  readonly rvariance: number;
  readonly interception: number;
  readonly line_fit: number[];
}

/**
 * Fits y = slope * x + interception by least squares, x being each element's 1-based
 * position (`offset` + 1, ...). Missing elements are left out of the fit; the fitted line
 * covers every position.
 */
export function fitLine(values: readonly Num[], offset = 0): LineFit {
  const xs: number[] = [];
  const ys: number[] = [];
  values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) {
      xs.push(offset + i + 1);
      ys.push(v);
    }
  });
  const n = xs.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) * (xs[i] - mx);
  }
  const slope = n < 2 || sxx === 0 ? 0 : sxy / sxx;
  const interception = n === 0 ? NaN : my - slope * mx;
  const line = values.map((_, i) => slope * (offset + i + 1) + interception);
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const r = ys[i] - (slope * xs[i] + interception);
    ssRes += r * r;
    ssTot += (ys[i] - my) * (ys[i] - my);
  }
  return {
    rsquare: ssTot === 0 ? (n > 0 ? 1 : NaN) : 1 - ssRes / ssTot,
    slope,
    variance: sampleVariance(ys),
    rvariance: n < 2 ? 0 : ssRes / (n - 1),
    interception,
    line_fit: line,
  };
}

/** The best split of a series into two lines, as `series_fit_2lines()` reports it. */
export interface TwoLinesFit {
  readonly rsquare: number;
  readonly split_idx: number;
  readonly variance: number;
  readonly rvariance: number;
  readonly line_fit: number[];
  readonly right: Omit<LineFit, "line_fit">;
  readonly left: Omit<LineFit, "line_fit">;
}

/**
 * Tries every split of the series into a left part [0, i) and a right part [i, n), each
 * of at least two elements, fits a line to each (on the global positions) and keeps the
 * split with the largest total r-square. `split_idx` is the first index of the right part.
 */
export function fitTwoLines(values: readonly Num[]): TwoLinesFit | null {
  const n = values.length;
  if (n < 4) return null;
  const present = finite(values);
  const my = mean(present);
  let ssTot = 0;
  for (const v of present) ssTot += (v - my) * (v - my);
  let best: { i: number; ssRes: number; left: LineFit; right: LineFit } | null = null;
  for (let i = 2; i <= n - 2; i++) {
    const left = fitLine(values.slice(0, i));
    const right = fitLine(values.slice(i), i);
    const ssRes = residualSum(values.slice(0, i), left.line_fit) +
      residualSum(values.slice(i), right.line_fit);
    if (!best || ssRes < best.ssRes) best = { i, ssRes, left, right };
  }
  if (!best) return null;
  const line = [...best.left.line_fit, ...best.right.line_fit];
  const strip = ({ line_fit: _, ...rest }: LineFit) => rest;
  return {
    rsquare: ssTot === 0 ? 1 : 1 - best.ssRes / ssTot,
    split_idx: best.i,
    variance: sampleVariance(present),
    rvariance: present.length < 2 ? 0 : best.ssRes / (present.length - 1),
    line_fit: line,
    right: strip(best.right),
    left: strip(best.left),
  };
}

function residualSum(values: readonly Num[], fitted: readonly number[]): number {
  let s = 0;
  values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) s += (v - fitted[i]) * (v - fitted[i]);
  });
  return s;
}

// ---------------------------------------------------------------- polynomials

/** A least squares polynomial, as `series_fit_poly()` reports it. */
export interface PolyFit {
  readonly rsquare: number;
  /** Highest power first. */
  readonly coefficients: number[];
  readonly variance: number;
  readonly rvariance: number;
  readonly poly_fit: number[];
}

/**
 * Fits a polynomial of `degree` to (x, y) by least squares (normal equations solved with
 * partial pivoting). Pairs with a missing x or y are left out of the fit.
 */
export function fitPoly(ys: readonly Num[], xs: readonly Num[], degree: number): PolyFit | null {
  const px: number[] = [];
  const py: number[] = [];
  ys.forEach((y, i) => {
    const x = xs[i];
    if (y !== null && x !== null && x !== undefined && Number.isFinite(y) && Number.isFinite(x)) {
      px.push(x);
      py.push(y);
    }
  });
  const m = degree + 1;
  if (px.length === 0 || degree < 0) return null;
  // Normal equations A c = b over powers 0..degree.
  const a = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  for (let k = 0; k < px.length; k++) {
    const powers = [1];
    for (let j = 1; j < 2 * m; j++) powers.push(powers[j - 1] * px[k]);
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) a[r][c] += powers[r + c];
      a[r][m] += powers[r] * py[k];
    }
  }
  const low = solve(a);
  if (!low) return null;
  const evaluate = (x: number) => low.reduceRight((acc, c) => acc * x + c, 0);
  const fitted = ys.map((_, i) => {
    const x = xs[i];
    return x === null || x === undefined ? NaN : evaluate(x);
  });
  const my = mean(py);
  let ssRes = 0;
  let ssTot = 0;
  for (let k = 0; k < px.length; k++) {
    const r = py[k] - evaluate(px[k]);
    ssRes += r * r;
    ssTot += (py[k] - my) * (py[k] - my);
  }
  return {
    rsquare: ssTot === 0 ? 1 : 1 - ssRes / ssTot,
    coefficients: [...low].reverse(),
    variance: sampleVariance(py),
    rvariance: py.length < 2 ? 0 : ssRes / (py.length - 1),
    poly_fit: fitted,
  };
}

/** Solves an augmented square system in place; null when it is singular. */
function solve(a: number[][]): number[] | null {
  const m = a.length;
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) {
      if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    }
    if (Math.abs(a[pivot][col]) < 1e-300) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= m; c++) a[r][c] -= f * a[col][c];
    }
  }
  return a.map((row, i) => row[m] / row[i]);
}

// ---------------------------------------------------------------- periods

/**
 * The autocorrelation of a series at each lag 0..maxLag, after removing its least squares
 * line: each lag's sum of products is averaged over its own number of pairs (the unbiased
 * estimate), so that long lags are not penalised for having fewer pairs.
 */
export function autocorrelation(values: readonly Num[], maxLag: number): number[] {
  const n = values.length;
  const present = finite(values);
  const fill = mean(present);
  const filled = values.map((v) => (v === null || !Number.isFinite(v) ? fill : v));
  const line = fitLine(filled);
  const d = filled.map((v, i) => v - line.line_fit[i]);
  let energy = 0;
  for (const v of d) energy += v * v;
  const lags = Math.min(maxLag, n - 1);
  // Long series (minute bins over weeks) would take O(n²) directly: go through the FFT.
  const sums = n * (lags + 1) > 1 << 20 ? lagSumsFft(d, lags) : lagSums(d, lags);
  return sums.map((s, k) => (energy === 0 ? 0 : (s / (n - k)) / (energy / n)));
}

/** Σ d[i]·d[i+k] for k = 0..lags, directly. */
function lagSums(d: readonly number[], lags: number): number[] {
  const out: number[] = [];
  for (let k = 0; k <= lags; k++) {
    let s = 0;
    for (let i = 0; i + k < d.length; i++) s += d[i] * d[i + k];
    out.push(s);
  }
  return out;
}

/** The same sums through the power spectrum (Wiener–Khinchin), zero-padded to 2n. */
function lagSumsFft(d: readonly number[], lags: number): number[] {
  let size = 1;
  while (size < 2 * d.length) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  re.set(d);
  fft(re, im, false);
  for (let i = 0; i < size; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  fft(re, im, true);
  return Array.from(re.subarray(0, lags + 1), (v) => v / size);
}

/** Scores below this are not periods at all (reported as 0). */
const SIGNIFICANT = 0.5;

/** The autocorrelation at a (possibly fractional) lag, interpolated between whole lags. */
function scoreAt(acf: readonly number[], period: number): number {
  const lo = Math.floor(period);
  const hi = Math.ceil(period);
  if (lo < 0 || hi >= acf.length) return 0;
  const v = acf[lo] + (period - lo) * (acf[hi] - acf[lo]);
  return v < SIGNIFICANT ? 0 : Math.min(v, 1);
}

/**
 * Scores of given periods (`series_periods_validate()`): the series' autocorrelation at
 * each period, 0 outside [4, n/2] or when not significant.
 */
export function validatePeriods(values: readonly Num[], periods: readonly number[]): number[] {
  const n = values.length;
  const acf = autocorrelation(values, Math.floor(n / 2) + 1);
  return periods.map((p) => (p >= 4 && p <= n / 2 ? scoreAt(acf, p) : 0));
}

/**
 * The most significant periods of a series (`series_periods_detect()`), best first.
 *
 * Kusto does not document its algorithm; this one finds the local peaks of the
 * autocorrelation between `minPeriod` and `maxPeriod` (at least 4, and short enough for
 * the series to hold more than two whole periods), keeps those scoring at least 0.5,
 * drops (near) multiples of a shorter period that scores nearly as well (harmonics) and peaks
 * within 20% of a better one (side lobes), and reports at most `count` of them.
 */
export function detectPeriods(
  values: readonly Num[],
  minPeriod: number,
  maxPeriod: number,
  count: number,
): Array<{ period: number; score: number }> {
  const n = values.length;
  const lo = Math.max(4, Math.ceil(minPeriod));
  const hi = Math.min(Math.floor(maxPeriod), Math.floor((n - 1) / 2));
  if (lo > hi || count <= 0) return [];
  const acf = autocorrelation(values, hi + 1);
  const peaks: Array<{ period: number; score: number }> = [];
  for (let p = lo; p <= hi; p++) {
    const v = acf[p];
    const left = acf[p - 1] ?? -Infinity;
    const right = acf[p + 1] ?? -Infinity;
    if (v >= SIGNIFICANT && v >= left && v >= right) {
      peaks.push({ period: p, score: Math.min(v, 1) });
    }
  }
  // A (near) multiple of a shorter period that scores nearly as well repeats that period.
  const fundamentals = peaks.filter((q) =>
    !peaks.some((p) =>
      p.period < q.period && nearMultiple(q.period, p.period) && p.score >= 0.9 * q.score
    )
  );
  fundamentals.sort((a, b) => b.score - a.score || a.period - b.period);
  const chosen: Array<{ period: number; score: number }> = [];
  for (const c of fundamentals) {
    if (chosen.some((p) => Math.abs(c.period - p.period) <= 0.2 * p.period)) continue;
    chosen.push(c);
    if (chosen.length === count) break;
  }
  return chosen;
}

/** Whether `q` is within 20% of `period` from a multiple (2 or more) of `period`. */
function nearMultiple(q: number, period: number): boolean {
  const k = Math.round(q / period);
  return k >= 2 && Math.abs(q - k * period) <= 0.2 * period;
}

// ---------------------------------------------------------------- decomposition

/** The seasonal component: the median of the points in each phase of `period`. */
export function seasonalComponent(
  values: readonly Num[],
  period: number,
  learn = values.length,
): number[] {
  const n = values.length;
  if (period <= 0) return new Array(n).fill(0);
  // A period past the series' length gives each point a phase of its own, as a period of
  // exactly its length does; an infinite one (seasonality real(+inf)) allocated forever.
  period = Math.min(period, Math.max(n, 1));
  const phases: number[][] = Array.from({ length: period }, () => []);
  for (let i = 0; i < learn; i++) {
    const v = values[i];
    if (v !== null && Number.isFinite(v)) phases[i % period].push(v);
  }
  const medians = phases.map((p) => (p.length === 0 ? 0 : percentileLinear(sortedFinite(p), 50)));
  return values.map((_, i) => medians[i % period]);
}

/** The components `series_decompose()` returns. */
export interface Decomposition {
  readonly baseline: Num[];
  readonly seasonal: number[];
  readonly trend: number[];
  readonly residual: Num[];
}

/** How `series_decompose()` finds the trend. */
export type TrendKind = "avg" | "linefit" | "none";

/**
 * Seasonal decomposition as Kusto documents it: the seasonal series (median per phase),
 * then the trend of the deseasonalised series (its average or its least squares line),
 * baseline = seasonal + trend, residual = x - baseline. The last `testPoints` points are
 * left out of the learning and forecast.
 */
export function decompose(
  values: readonly Num[],
  period: number,
  trend: TrendKind,
  testPoints: number,
): Decomposition {
  const n = values.length;
  const learn = Math.max(0, n - Math.max(0, testPoints));
  const seasonal = seasonalComponent(values, period, learn);
  const deseasonal: Num[] = values.map((v, i) =>
    i < learn && v !== null && Number.isFinite(v) ? v - seasonal[i] : null
  );
  let trendSeries: number[];
  switch (trend) {
    case "avg": {
      const m = mean(finite(deseasonal));
      trendSeries = new Array(n).fill(Number.isNaN(m) ? 0 : m);
      break;
    }
    case "linefit": {
      const line = fitLine(deseasonal);
      trendSeries = line.line_fit.map((v) => (Number.isNaN(v) ? 0 : v));
      break;
    }
    case "none":
      trendSeries = new Array(n).fill(0);
      break;
  }
  const baseline = seasonal.map((s, i) => s + trendSeries[i]);
  const residual = values.map((v, i) => (v === null ? null : v - baseline[i]));
  return { baseline, seasonal, trend: trendSeries, residual };
}

// ---------------------------------------------------------------- outliers

/** The outlier tests of `series_outliers()`. */
export type OutlierKind = "tukey" | "ctukey";

/**
 * How many inter-percentile ranges one unit of score is, for ctukey's default 10th–90th
 * percentile range. Kusto does not document it; it was measured from Kusto's own scores
 * (the score of a point above the 90th percentile is its distance from it divided by the
 * 10–90 range over this constant), exactly for every case in the documentation.
 */
const CTUKEY_RANGE_UNITS = 2.7726056055080575;

/**
 * Anomaly scores (`series_outliers()`): 0 inside the fences, otherwise the distance to
 * the nearer fence in units of the (rescaled) inter-percentile range; positive above,
 * negative below. Missing and ignored elements score 0.
 */
export function outlierScores(
  values: readonly Num[],
  kind: OutlierKind,
  ignore: number | null,
  minPercentile: number,
  maxPercentile: number,
  fitOn: readonly Num[] = values,
): number[] {
  const usable = (v: Num): v is number => v !== null && Number.isFinite(v) && v !== ignore;
  const sorted = sortedFinite(fitOn.filter(usable));
  if (sorted.length === 0) return values.map(() => 0);
  const [pLow, pHigh] = kind === "tukey" ? [25, 75] : [minPercentile, maxPercentile];
  const low = percentileLinear(sorted, pLow);
  const high = percentileLinear(sorted, pHigh);
  const scale = kind === "tukey"
    ? high - low
    : (high - low) / (CTUKEY_RANGE_UNITS * normalRange(pLow, pHigh) / normalRange(10, 90));
  return values.map((v) => {
    if (!usable(v) || scale === 0) return 0;
    if (v > high) return (v - high) / scale;
    if (v < low) return (v - low) / scale;
    return 0;
  });
}

/** The width of the [p1, p2] percentile range of a standard normal distribution. */
function normalRange(p1: number, p2: number): number {
  return normalQuantile(p2 / 100) - normalQuantile(p1 / 100);
}

/** The standard normal quantile (Acklam's rational approximation, ~1e-9 relative error). */
function normalQuantile(p: number): number {
  const a = [
    -3.969683028665376e+01,
    2.209460984245205e+02,
    -2.759285104469687e+02,
    1.383577518672690e+02,
    -3.066479806614716e+01,
    2.506628277459239e+00,
  ];
  const b = [
    -5.447609879822406e+01,
    1.615858368580409e+02,
    -1.556989798598866e+02,
    6.680131188771972e+01,
    -1.328068155288572e+01,
  ];
  const c = [
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e+00,
    -2.549732539343734e+00,
    4.374664141464968e+00,
    2.938163982698783e+00,
  ];
  const d = [
    7.784695709041462e-03,
    3.224671290700398e-01,
    2.445134137142996e+00,
    3.754408661907416e+00,
  ];
  const tail = 0.02425;
  if (p < tail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - tail) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
