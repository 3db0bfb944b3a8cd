/**
 * A radix-2 fast Fourier transform over typed arrays, and the power spectrum of a real
 * series: enough for periodicity tests (analysis' beacon spectrum, KQL's
 * `series_periods_detect`) without a numeric library.
 *
 * @module
 */

/** The smallest power of two ≥ n. */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/**
 * In-place FFT of (re, im); the length must be a power of two. The inverse is not scaled
 * by 1/n.
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = (inverse ? 2 : -2) * Math.PI / size;
    const wr = Math.cos(step);
    const wi = Math.sin(step);
    for (let start = 0; start < n; start += size) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < half; k++) {
        const a = start + k;
        const b = a + half;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

/**
 * The power spectrum |X_k|² for k = 0 .. n/2 of a real series, zero-padded to a power of
 * two of at least `length`. The mean is removed first, so bin 0 holds no power.
 */
export function powerSpectrum(values: Float64Array, length = values.length): Float64Array {
  const n = nextPow2(Math.max(length, values.length, 2));
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length || 1;
  for (let i = 0; i < values.length; i++) re[i] = values[i] - mean;
  fft(re, im);
  const power = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) power[k] = re[k] * re[k] + im[k] * im[k];
  return power;
}
