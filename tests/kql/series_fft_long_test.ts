/**
 * `series_fft`/`series_ifft` of a long series whose length is no power of two (Bluestein's
 * algorithm past 4,096 points): the same values as the plain discrete Fourier sum, written
 * here on its own, and a year of minutes (525,600 points) in seconds, not hours.
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { fourier } from "../../src/kql/functions/series/_fourier_rows.ts";

/** The discrete Fourier transform by its definition (inverse: opposite sign, scaled 1/n). */
function dft(re: number[], im: number[], inverse: boolean): [number[], number[]] {
  const n = re.length;
  const outRe = new Array<number>(n).fill(0);
  const outIm = new Array<number>(n).fill(0);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const angle = ((inverse ? 2 : -2) * Math.PI * ((k * t) % n)) / n;
      outRe[k] += re[t] * Math.cos(angle) - im[t] * Math.sin(angle);
      outIm[k] += re[t] * Math.sin(angle) + im[t] * Math.cos(angle);
    }
  }
  const scale = inverse ? 1 / n : 1;
  return [outRe.map((v) => v * scale), outIm.map((v) => v * scale)];
}

/** The largest difference between two transforms, relative to the largest value. */
function gap(a: [number[], number[]], b: [number[], number[]]): number {
  let most = 0;
  let size = 0;
  for (let part = 0; part < 2; part++) {
    for (let k = 0; k < a[part].length; k++) {
      most = Math.max(most, Math.abs(a[part][k] - b[part][k]));
      size = Math.max(size, Math.abs(b[part][k]));
    }
  }
  return most / size;
}

Deno.test("a long series of another length than a power of two: the plain sum's values", () => {
  for (const n of [4097]) {
    const re = Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 10 + (i % 7));
    const im = Array.from({ length: n }, (_, i) => (i % 3) - 1);
    for (const inverse of [false, true]) {
      const relative = gap(fourier(re, im, inverse), dft(re, im, inverse));
      assert.ok(relative < 1e-12, `n ${n}, inverse ${inverse}: ${relative}`);
    }
  }
});

Deno.test("series_fft of a year of minutes: a daily cycle's one peak", async () => {
  // 365 days of 1,440 minutes, one cycle a day: the transform's weight is at bin 365
  // (and its mirror), n/2 = 262,800 each, nothing elsewhere.
  const result = await executeKql(
    `range d from 1 to 1 step 1
     | extend y = range(0, 525599, 1)
     | mv-apply y to typeof(long) on (summarize y = make_list(sin(2 * pi() * y / 1440)))
     | extend (re, im) = series_fft(y)
     | project peak = todouble(im[365]), mirror = todouble(im[525600 - 365]),
               other = todouble(re[364]), n = array_length(re)`,
    {},
  );
  const [row] = result.frame.toRecords();
  assert.equal(row.n, 525_600);
  assert.ok(Math.abs(Number(row.peak) + 262_800) < 1e-6, String(row.peak));
  assert.ok(Math.abs(Number(row.mirror) - 262_800) < 1e-6, String(row.mirror));
  assert.ok(Math.abs(Number(row.other)) < 1e-6, String(row.other));
});
