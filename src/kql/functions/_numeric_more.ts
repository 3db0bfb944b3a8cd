/**
 * Numeric functions beyond the math family: `around` (within a distance), `welch_test`
 * (Welch's two-sample t-test), the series functions `series_product`, `series_fft` and
 * `series_ifft`, and `percentrank_tdigest`.
 *
 * @module
 */
import { pl } from "../../polars.ts";
import type { Typed } from "../compile/_context.ts";
import { isNumeric } from "../compile/_conversion.ts";
import type { JsValue } from "../runtime/_values.ts";
import { type CallSite, defineScalar } from "./_registry.ts";
import { betaCdf } from "./_math.ts";
import { expectType } from "./_define.ts";
import { expectSeries, jsonNumber, multiOutput, seriesOf } from "./series/_args.ts";
import { digestFromJson, digestRank } from "./stats/_tdigest.ts";

// ---------------------------------------------------------------- around

defineScalar("around", {
  minArgs: 3,
  maxArgs: 3,
  compile(args, site) {
    const [value, center, delta] = args;
    const time = value.type === "datetime" && center.type === "datetime" &&
      delta.type === "timespan";
    const numbers = [value, center, delta].every((a) => isNumeric(a.type));
    const spans = [value, center, delta].every((a) => a.type === "timespan");
    if (!time && !numbers && !spans) {
      throw site.env.ctx.error(
        "around() needs numbers, or a datetime, a datetime and a timespan, or three timespans",
        site.call.span,
      );
    }
    const read = (t: Typed) => (numbers ? t.expr.cast(pl.Float64) : t.expr.cast(pl.Int64));
    const [v, c, d] = [value, center, delta].map(read);
    // Inclusive: center - delta <= value <= center + delta.
    return {
      expr: v.gtEq(c.sub(d)).and(v.ltEq(c.add(d))),
      type: "bool",
    };
  },
});

// ---------------------------------------------------------------- welch_test

/** The two-sided p-value of Welch's t-test for two samples' means, variances and counts. */
export function welchTest(
  m1: number,
  v1: number,
  n1: number,
  m2: number,
  v2: number,
  n2: number,
): number | null {
  const a = v1 / n1;
  const b = v2 / n2;
  const t = (m1 - m2) / Math.sqrt(a + b);
  const df = (a + b) ** 2 / (a ** 2 / (n1 - 1) + b ** 2 / (n2 - 1));
  if (!Number.isFinite(t) || !Number.isFinite(df) || df <= 0) return null;
  // P(|T| >= |t|) for Student's t with df degrees of freedom.
  return betaCdf(df / (df + t * t), df / 2, 0.5);
}

defineScalar("welch_test", {
  minArgs: 6,
  maxArgs: 6,
  compile(args, site) {
    args.forEach((_, i) => expectType(args, i, ["int", "long", "real", "decimal"], site));
    return site.env.rowwise(args, "real", (values) => {
      if (values.some((v) => typeof v !== "number")) return null;
      const [m1, v1, n1, m2, v2, n2] = values as number[];
      return welchTest(m1, v1, n1, m2, v2, n2);
    });
  },
});

// ---------------------------------------------------------------- series

defineScalar("series_product", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    expectSeries(args, 0, site);
    return site.env.rowwise(args, "real", ([x]) => {
      const s = seriesOf(x);
      if (!s) return null;
      // Non-numeric elements are left out, as in series_sum().
      return s.reduce((p: number, v) => (v === null ? p : p * v), 1);
    });
  },
});

/** The discrete Fourier transform (inverse: scaled by 1/n, opposite sign), O(n log n). */
export function fourier(re: number[], im: number[], inverse: boolean): [number[], number[]] {
  const n = re.length;
  if (n === 0) return [[], []];
  if ((n & (n - 1)) === 0) return radix2(re, im, inverse);
  // Other lengths: Bluestein's algorithm would do; the plain sum is exact enough.
  const sign = inverse ? 1 : -1;
  const outRe = new Array<number>(n).fill(0);
  const outIm = new Array<number>(n).fill(0);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (sign * 2 * Math.PI * ((k * t) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      outRe[k] += re[t] * c - im[t] * s;
      outIm[k] += re[t] * s + im[t] * c;
    }
  }
  return inverse ? [outRe.map((v) => v / n), outIm.map((v) => v / n)] : [outRe, outIm];
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
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < len / 2; k++) {
        const c = Math.cos(angle * k);
        const s = Math.sin(angle * k);
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

function checkFourier(args: Typed[], site: CallSite): void {
  expectSeries(args, 0, site);
  if (args[1]) expectSeries(args, 1, site);
}

for (const [name, inverse] of [["series_fft", false], ["series_ifft", true]] as const) {
  defineScalar(
    name,
    multiOutput(
      1,
      2,
      [{ name: "real", type: "dynamic" }, { name: "imag", type: "dynamic" }],
      checkFourier,
      ([x, y]: JsValue[]) => {
        const re = seriesOf(x);
        if (!re) return null;
        const im = y === undefined || y === null ? [] : seriesOf(y);
        if (!im) return null;
        const real = re.map((v) => v ?? 0);
        const imag = real.map((_, k) => im[k] ?? 0);
        const [outRe, outIm] = fourier(real, imag, inverse);
        return [outRe.map(jsonNumber), outIm.map(jsonNumber)];
      },
    ),
  );
}

// ---------------------------------------------------------------- percentrank_tdigest

defineScalar("percentrank_tdigest", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    expectType(args, 0, ["dynamic"], site);
    expectType(args, 1, ["int", "long", "real", "decimal", "datetime", "timespan"], site);
    return site.env.rowwise(args, "real", ([d, v]) => {
      const digest = digestFromJson(d);
      if (!digest || typeof v !== "number") return null;
      const total = digest.weights.reduce((a, b) => a + b, 0);
      return total > 0 ? (digestRank(digest, v) / total) * 100 : null;
    });
  },
});
