/**
 * The row functions of `series_fft()` and `series_ifft()` (`../_numeric_more.ts`), as pure
 * functions of the row's argument values, and the transform itself. Each is
 * {@link portable}: a large job runs it on worker threads, which import this module (so it
 * loads no Polars).
 *
 * @module
 */
import { portable, type RowFn } from "../../compile/_portable.ts";
import { jsonNumber, seriesOf } from "./_row_values.ts";

const HERE = import.meta.url;

/** The discrete Fourier transform (inverse: scaled by 1/n, opposite sign), O(n log n). */
export function fourier(re: number[], im: number[], inverse: boolean): [number[], number[]] {
  const n = re.length;
  if (n === 0) return [[], []];
  if ((n & (n - 1)) === 0) return radix2(re, im, inverse);
  // Long series of other lengths (a year of minutes, 525,600): Bluestein's algorithm, three
  // transforms of a power-of-two length, where the plain sum would take hours.
  if (n > PLAIN_SUM_MAX) return bluestein(re, im, inverse);
  // Shorter ones: the plain sum. Term (k, t) turns by the angle of (k · t) mod n, of which
  // there are n: each cosine and sine is computed once, as the same expression gives it
  // (the sums are the same to the bit).
  const sign = inverse ? 1 : -1;
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const angle = (sign * 2 * Math.PI * m) / n;
    cos[m] = Math.cos(angle);
    sin[m] = Math.sin(angle);
  }
  const outRe = new Array<number>(n).fill(0);
  const outIm = new Array<number>(n).fill(0);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const m = (k * t) % n;
      const c = cos[m];
      const s = sin[m];
      outRe[k] += re[t] * c - im[t] * s;
      outIm[k] += re[t] * s + im[t] * c;
    }
  }
  return inverse ? [outRe.map((v) => v / n), outIm.map((v) => v / n)] : [outRe, outIm];
}

/** The longest series of a length other than a power of two transformed by the plain sum. */
const PLAIN_SUM_MAX = 4096;

/**
 * The transform of a series of any length `n` as a convolution (Bluestein): with the chirp
 * w(j) = e^(±πi·j²/n), X(k) = w(k) · Σ x(t)·w(t) · conj(w(k − t)), the sum a circular
 * convolution of length 2^⌈log2(2n − 1)⌉ computed by {@link radix2} (its turns from a
 * table, not a recurrence: `src/fft.ts`' recurrence lost 1e-11 of a year of minutes' peak).
 * The chirp's angles take j² modulo 2n (its period), exactly in doubles up to n of 47
 * million.
 */
function bluestein(re: number[], im: number[], inverse: boolean): [number[], number[]] {
  const n = re.length;
  const sign = inverse ? 1 : -1;
  const m = 2 ** Math.ceil(Math.log2(2 * n - 1));
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const angle = (sign * Math.PI * ((j * j) % (2 * n))) / n;
    wr[j] = Math.cos(angle);
    wi[j] = Math.sin(angle);
  }
  const ar = new Array<number>(m).fill(0);
  const ai = new Array<number>(m).fill(0);
  for (let t = 0; t < n; t++) {
    ar[t] = re[t] * wr[t] - im[t] * wi[t];
    ai[t] = re[t] * wi[t] + im[t] * wr[t];
  }
  // conj(w), at offsets 0 … n − 1 and, circularly, −1 … −(n − 1).
  const br = new Array<number>(m).fill(0);
  const bi = new Array<number>(m).fill(0);
  for (let j = 0; j < n; j++) {
    br[j] = br[(m - j) % m] = wr[j];
    bi[j] = bi[(m - j) % m] = -wi[j];
  }
  const [fa, ga] = radix2(ar, ai, false);
  const [fb, gb] = radix2(br, bi, false);
  const cr = fa.map((v, k) => v * fb[k] - ga[k] * gb[k]);
  const ci = fa.map((v, k) => v * gb[k] + ga[k] * fb[k]);
  const [sr, si] = radix2(cr, ci, true);
  const outRe = new Array<number>(n);
  const outIm = new Array<number>(n);
  const scale = inverse ? 1 / n : 1;
  for (let k = 0; k < n; k++) {
    outRe[k] = (sr[k] * wr[k] - si[k] * wi[k]) * scale;
    outIm[k] = (sr[k] * wi[k] + si[k] * wr[k]) * scale;
  }
  return [outRe, outIm];
}

function radix2(re: number[], im: number[], inverse: boolean): [number[], number[]] {
  const n = re.length;
  const r = [...re];
  const i = [...im];
  for (let a = 1, j = 0; a < n; a++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (a < j) {
      [r[a], r[j]] = [r[j], r[a]];
      [i[a], i[j]] = [i[j], i[a]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / len;
    // The turns of this stage, computed once rather than once per block.
    const cos = new Float64Array(len / 2);
    const sin = new Float64Array(len / 2);
    for (let k = 0; k < len / 2; k++) {
      cos[k] = Math.cos(angle * k);
      sin[k] = Math.sin(angle * k);
    }
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < len / 2; k++) {
        const c = cos[k];
        const s = sin[k];
        const a = start + k;
        const b = a + len / 2;
        const tr = r[b] * c - i[b] * s;
        const ti = r[b] * s + i[b] * c;
        r[b] = r[a] - tr;
        i[b] = i[a] - ti;
        r[a] += tr;
        i[a] += ti;
      }
    }
  }
  return inverse ? [r.map((v) => v / n), i.map((v) => v / n)] : [r, i];
}

/**
 * The row function of `series_fft(re, im)` (or `series_ifft` when `inverse`): the real and
 * imaginary parts of the transform, with missing elements read as 0 and a missing `im` as
 * zeros; null when an argument is not an array.
 */
function transform(inverse: boolean): RowFn {
  return ([x, y]) => {
    const re = seriesOf(x);
    if (!re) return null;
    const im = y === undefined || y === null ? [] : seriesOf(y);
    if (!im) return null;
    const real = re.map((v) => v ?? 0);
    const imag = real.map((_, k) => im[k] ?? 0);
    const [outRe, outIm] = fourier(real, imag, inverse);
    return [outRe.map(jsonNumber), outIm.map(jsonNumber)];
  };
}

/** `series_fft(re, im)`: its two outputs, the real and imaginary parts. */
export const seriesFftRow = portable(HERE, "seriesFftRow", transform(false));

/** `series_ifft(re, im)`: its two outputs, the real and imaginary parts. */
export const seriesIfftRow = portable(HERE, "seriesIfftRow", transform(true));
