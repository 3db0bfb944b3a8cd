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
import { type CallSite, defineScalar } from "./_registry.ts";
import { betaCdf } from "./_math.ts";
import { expectType } from "./_define.ts";
import { expectSeries, multiOutput } from "./series/_args.ts";
import { seriesProductRow } from "./series/_elementwise_rows.ts";
// The transform and its row functions, which worker threads load.
import { seriesFftRow, seriesIfftRow } from "./series/_fourier_rows.ts";
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
    // Non-numeric elements are left out, as in series_sum().
    return site.env.rowwise(args, "real", seriesProductRow);
  },
});

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
      inverse ? seriesIfftRow : seriesFftRow,
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
