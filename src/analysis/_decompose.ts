/**
 * Seasonal decomposition of a regular series (value = trend + seasonal + residual) with
 * robust residual scores: a centred moving average for the trend, per-phase medians for
 * the seasonal part, then a second pass with the anomalies of the first replaced by their
 * fitted values, so a spike does not bend the trend or the season around it.
 *
 * @module
 */

/** The parts of a decomposed series. */
export interface Decomposition {
  readonly trend: Float64Array;
  readonly seasonal: Float64Array;
  readonly residual: Float64Array;
  /** Robust z-score of each residual: (r − median) / (1.4826 · MAD). */
  readonly score: Float64Array;
  readonly anomaly: Uint8Array;
}

function median(values: Float64Array | number[]): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/**
 * The trend: a centred moving average over one period, carried to the edges along the
 * slope of the nearest period of full averages (a shrinking window would lag a trend).
 */
export function trendOf(y: Float64Array, period: number): Float64Array {
  const n = y.length;
  const trend = movingAverage(y, period);
  const half = Math.floor(period / 2);
  const first = half;
  const last = n - 1 - half;
  if (period < 2 || last - first < period) return trend;
  const startSlope = (trend[first + period] - trend[first]) / period;
  const endSlope = (trend[last] - trend[last - period]) / period;
  for (let i = 0; i < first; i++) trend[i] = trend[first] - (first - i) * startSlope;
  for (let i = last + 1; i < n; i++) trend[i] = trend[last] + (i - last) * endSlope;
  return trend;
}

/** Centred moving average over `window` points (a 2×window average when even); shrinks at the edges. */
export function movingAverage(y: Float64Array, window: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  if (window <= 1) return Float64Array.from(y);
  const half = Math.floor(window / 2);
  const even = window % 2 === 0;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + y[i];
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(n - 1, i + half);
    if (even && i - half >= 0 && i + half < n) {
      // Weights ½ at both ends: a centred average over exactly one period.
      const inner = prefix[i + half] - prefix[i - half + 1];
      out[i] = (inner + (y[i - half] + y[i + half]) / 2) / window;
    } else {
      out[i] = (prefix[hi + 1] - prefix[lo]) / (hi - lo + 1);
    }
  }
  return out;
}

/** Decomposes `y` with seasonal `period` (points); anomalies are |score| > `threshold`. */
export function decompose(y: Float64Array, period: number, threshold: number): Decomposition {
  const n = y.length;
  let work = Float64Array.from(y);
  let result = once(y, work, period, threshold);
  // Second pass: refit with the first pass's anomalies replaced by their fitted values.
  work = Float64Array.from(y);
  for (let i = 0; i < n; i++) {
    if (result.anomaly[i]) work[i] = result.trend[i] + result.seasonal[i];
  }
  result = once(y, work, period, threshold);
  return result;
}

function once(
  y: Float64Array,
  fitted: Float64Array,
  period: number,
  threshold: number,
): Decomposition {
  const n = y.length;
  const trend = trendOf(fitted, period > 1 ? period : Math.min(n, 5));
  const seasonal = new Float64Array(n);
  if (period > 1) {
    const byPhase: number[][] = Array.from({ length: period }, () => []);
    for (let i = 0; i < n; i++) byPhase[i % period].push(fitted[i] - trend[i]);
    const phase = byPhase.map((v) => (v.length ? median(v) : 0));
    const mean = phase.reduce((a, b) => a + b, 0) / period;
    for (let i = 0; i < n; i++) seasonal[i] = phase[i % period] - mean;
  }
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = y[i] - trend[i] - seasonal[i];
  const centre = median(residual);
  const deviations = residual.map((r) => Math.abs(r - centre));
  // A series that is flat most of the time has a zero MAD: fall back to the mean deviation.
  let mad = median(deviations) * 1.4826;
  if (mad === 0) mad = deviations.reduce((a, b) => a + b, 0) / n * 1.2533;
  const score = new Float64Array(n);
  const anomaly = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    score[i] = mad > 0 ? (residual[i] - centre) / mad : 0;
    anomaly[i] = Math.abs(score[i]) > threshold ? 1 : 0;
  }
  return { trend, seasonal, residual, score, anomaly };
}

/**
 * The seasonal period of `y` by autocorrelation: the lag in [2, n/2] with the highest
 * autocorrelation that is also a local peak; 0 when no lag correlates above 0.3.
 */
export function detectPeriod(y: Float64Array, maxLag = Math.floor(y.length / 2)): number {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  // Detrend with a long average first, so growth does not look like a long period.
  const base = movingAverage(y, Math.max(3, Math.floor(n / 4)));
  const d = y.map((v, i) => v - base[i]);
  let denom = 0;
  for (let i = 0; i < n; i++) denom += d[i] * d[i];
  if (denom === 0) return 0;
  const acf = new Float64Array(maxLag + 2);
  for (let lag = 1; lag <= maxLag + 1 && lag < n; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += d[i] * d[i - lag];
    acf[lag] = s / denom;
  }
  let best = 0;
  for (let lag = 2; lag <= maxLag; lag++) {
    if (acf[lag] > acf[lag - 1] && acf[lag] >= acf[lag + 1] && acf[lag] > 0.3) {
      if (best === 0 || acf[lag] > acf[best] + 0.05) best = lag;
    }
  }
  return best;
}
