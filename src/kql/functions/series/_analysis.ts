/**
 * Series analysis functions: line and polynomial fits (`series_fit_*`), periods
 * (`series_periods_*`, `series_seasonal`), seasonal decomposition with anomaly detection
 * and forecasting (`series_decompose*`) and outlier scores (`series_outliers`).
 *
 * @module
 */
import type { Typed } from "../../compile/_context.ts";
import type { JsValue } from "../../runtime/_values.ts";
import type { CallSite, ScalarFunction } from "../_registry.ts";
import {
  expectNumber,
  expectOption,
  expectSeries,
  jsonNumber,
  jsonReal,
  multiOutput,
  numberOf,
  type Output,
  seriesOf,
} from "./_args.ts";
import {
  decompose,
  detectPeriods,
  fitLine,
  fitPoly,
  fitTwoLines,
  type LineFit,
  type Num,
  type OutlierKind,
  outlierScores,
  seasonalComponent,
  type TrendKind,
  validatePeriods,
} from "./_math.ts";

const json = (values: readonly Num[]) => values.map((v) => jsonReal(v));

// ---------------------------------------------------------------- fits

const LINE_OUTPUTS: readonly Output[] = [
  { name: "rsquare", type: "real" },
  { name: "slope", type: "real" },
  { name: "variance", type: "real" },
  { name: "rvariance", type: "real" },
  { name: "interception", type: "real" },
  { name: "line_fit", type: "dynamic" },
];

const LINE_STATS = ["rsquare", "slope", "interception", "variance", "rvariance"] as const;

const TWO_LINES_OUTPUTS: readonly Output[] = [
  { name: "rsquare", type: "real" },
  { name: "split_idx", type: "long" },
  { name: "variance", type: "real" },
  { name: "rvariance", type: "real" },
  { name: "line_fit", type: "dynamic" },
  ...["right", "left"].flatMap((side) =>
    LINE_STATS.map((s) => ({ name: `${side}_${s}`, type: "real" as const }))
  ),
];

const POLY_OUTPUTS: readonly Output[] = [
  { name: "rsquare", type: "real" },
  { name: "coefficients", type: "dynamic" },
  { name: "variance", type: "real" },
  { name: "rvariance", type: "real" },
  { name: "poly_fit", type: "dynamic" },
];

function lineBag(fit: LineFit) {
  return {
    slope: jsonNumber(fit.slope),
    interception: jsonNumber(fit.interception),
    rsquare: jsonNumber(fit.rsquare),
    variance: jsonNumber(fit.variance),
    rvariance: jsonNumber(fit.rvariance),
    line_fit: json(fit.line_fit),
  };
}

function twoLinesBag(values: Num[]) {
  const fit = fitTwoLines(values);
  if (!fit) return null;
  const side = (s: Omit<LineFit, "line_fit">) =>
    Object.fromEntries(LINE_STATS.map((k) => [k, jsonNumber(s[k])]));
  return {
    rsquare: jsonNumber(fit.rsquare),
    split_idx: fit.split_idx,
    variance: jsonNumber(fit.variance),
    rvariance: jsonNumber(fit.rvariance),
    line_fit: json(fit.line_fit),
    right: side(fit.right),
    left: side(fit.left),
  };
}

function seriesOnly(args: Typed[], site: CallSite): void {
  expectSeries(args, 0, site);
}

/** Fit functions by name. */
const FITS: Record<string, ScalarFunction> = {
  series_fit_line: multiOutput(1, 1, LINE_OUTPUTS, seriesOnly, ([x]) => {
    const s = seriesOf(x);
    if (!s || s.length === 0) return null;
    const bag = lineBag(fitLine(s));
    return LINE_OUTPUTS.map((o) => bag[o.name as keyof typeof bag]);
  }),
  series_fit_line_dynamic: {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      seriesOnly(args, site);
      return site.env.rowwise(args, "dynamic", ([x]) => {
        const s = seriesOf(x);
        return s && s.length > 0 ? lineBag(fitLine(s)) : null;
      });
    },
  },
  series_fit_2lines: multiOutput(1, 1, TWO_LINES_OUTPUTS, seriesOnly, ([x]) => {
    const s = seriesOf(x);
    const bag = s && twoLinesBag(s);
    if (!bag) return null;
    return TWO_LINES_OUTPUTS.map((o) => {
      const [side, ...rest] = o.name.split("_");
      const nested = side === "right" || side === "left"
        ? (bag[side] as Record<string, JsValue>)[rest.join("_")]
        : undefined;
      return nested !== undefined ? nested : bag[o.name as keyof typeof bag];
    });
  }),
  series_fit_2lines_dynamic: {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      seriesOnly(args, site);
      return site.env.rowwise(args, "dynamic", ([x]) => {
        const s = seriesOf(x);
        return s && twoLinesBag(s);
      });
    },
  },
  series_fit_poly: multiOutput(1, 3, POLY_OUTPUTS, (args, site) => {
    expectSeries(args, 0, site);
    if (args[1] && args[1].type !== "dynamic") expectNumber(args, 1, site);
    expectNumber(args, 2, site);
  }, ([y, x, degree]) => {
    const ys = seriesOf(y);
    if (!ys) return null;
    // Without x (or with a null x) the points are at 1, 2, ..., n.
    const xs = seriesOf(x ?? null) ?? ys.map((_, i) => i + 1);
    const d = numberOf(degree ?? null) ?? 1;
    const fit = fitPoly(ys, xs, Math.trunc(d));
    return fit && [
      jsonNumber(fit.rsquare),
      json(fit.coefficients),
      jsonNumber(fit.variance),
      jsonNumber(fit.rvariance),
      json(fit.poly_fit),
    ];
  }),
};

// ---------------------------------------------------------------- periods

const PERIOD_OUTPUTS: readonly Output[] = [
  { name: "periods", type: "dynamic" },
  { name: "scores", type: "dynamic" },
];

/** The seasonal period to use: the given one, or the detected one when it is -1. */
function seasonality(values: Num[], requested: number, threshold: number): number {
  if (requested > 0) return Math.trunc(requested);
  if (requested !== -1) return 0;
  const best = detectPeriods(values, 4, values.length / 2, 1)[0];
  return best && best.score >= threshold ? best.period : 0;
}

/** Periods and seasonal functions by name. */
const PERIODS: Record<string, ScalarFunction> = {
  series_periods_detect: multiOutput(4, 4, PERIOD_OUTPUTS, (args, site) => {
    expectSeries(args, 0, site);
    for (const i of [1, 2, 3]) expectNumber(args, i, site);
  }, ([x, min, max, count]) => {
    const s = seriesOf(x);
    const [lo, hi, n] = [numberOf(min), numberOf(max), numberOf(count)];
    if (!s || lo === null || hi === null || n === null) return null;
    const found = detectPeriods(s, lo, hi, Math.trunc(n));
    // The arrays always have `count` elements; missing periods are 0.
    const pad = (
      values: number[],
    ) => [...values, ...new Array(Math.max(0, n - values.length)).fill(0)];
    return [pad(found.map((f) => f.period)), pad(found.map((f) => f.score))];
  }),
  series_periods_validate: multiOutput(2, 17, PERIOD_OUTPUTS, (args, site) => {
    expectSeries(args, 0, site);
    for (let i = 1; i < args.length; i++) expectNumber(args, i, site);
  }, ([x, ...periods]) => {
    const s = seriesOf(x);
    if (!s || periods.some((p) => numberOf(p) === null)) return null;
    const ps = periods as number[];
    return [ps, validatePeriods(s, ps).map(jsonReal)];
  }),
  series_seasonal: {
    minArgs: 1,
    maxArgs: 2,
    compile(args, site) {
      expectSeries(args, 0, site);
      expectNumber(args, 1, site);
      return site.env.rowwise(args, "dynamic", ([x, period]) => {
        const s = seriesOf(x);
        if (!s) return null;
        // Kusto detects the period with a 0.7 score threshold here.
        const p = seasonality(s, numberOf(period ?? null) ?? -1, 0.7);
        return json(seasonalComponent(s, p));
      });
    },
  },
};

// ---------------------------------------------------------------- decomposition

const TRENDS: readonly TrendKind[] = ["avg", "linefit", "none"];
const AD_METHODS: readonly OutlierKind[] = ["ctukey", "tukey"];

const DECOMPOSE_OUTPUTS: readonly Output[] = [
  { name: "baseline", type: "dynamic" },
  { name: "seasonal", type: "dynamic" },
  { name: "trend", type: "dynamic" },
  { name: "residual", type: "dynamic" },
];

const ANOMALY_OUTPUTS: readonly Output[] = [
  { name: "ad_flag", type: "dynamic" },
  { name: "ad_score", type: "dynamic" },
  { name: "baseline", type: "dynamic" },
];

/** The decomposition options shared by `series_decompose*()`, from argument values. */
interface DecomposeOptions {
  seasonality: number;
  trend: TrendKind | null;
  testPoints: number;
  threshold: number;
}

function run(values: Num[], o: DecomposeOptions) {
  if (o.trend === null) return null;
  const learn = values.slice(0, Math.max(0, values.length - o.testPoints));
  const period = seasonality(learn, o.seasonality, o.threshold);
  return decompose(values, period, o.trend, o.testPoints);
}

function trendOf(v: JsValue, fallback: TrendKind): TrendKind | null {
  if (v === null || v === undefined || v === "") return fallback;
  return TRENDS.includes(v as TrendKind) ? (v as TrendKind) : null;
}

function checkDecompose(positions: { numbers: number[]; trend: number; method?: number }) {
  return (args: Typed[], site: CallSite) => {
    expectSeries(args, 0, site);
    for (const i of positions.numbers) expectNumber(args, i, site);
    expectOption(args, positions.trend, site, TRENDS);
    if (positions.method !== undefined) expectOption(args, positions.method, site, AD_METHODS);
  };
}

/** Decomposition functions by name. */
const DECOMPOSITION: Record<string, ScalarFunction> = {
  series_decompose: multiOutput(
    1,
    5,
    DECOMPOSE_OUTPUTS,
    checkDecompose({ numbers: [1, 3, 4], trend: 2 }),
    ([x, period, trend, test, threshold]) => {
      const s = seriesOf(x);
      const d = s && run(s, {
        seasonality: numberOf(period ?? null) ?? -1,
        trend: trendOf(trend, "avg"),
        testPoints: numberOf(test ?? null) ?? 0,
        threshold: numberOf(threshold ?? null) ?? 0.6,
      });
      return d && [json(d.baseline), json(d.seasonal), json(d.trend), json(d.residual)];
    },
  ),
  series_decompose_anomalies: multiOutput(
    1,
    7,
    ANOMALY_OUTPUTS,
    checkDecompose({ numbers: [1, 2, 4, 6], trend: 3, method: 5 }),
    ([x, threshold, period, trend, test, method, seasonalThreshold]) => {
      const s = seriesOf(x);
      const testPoints = numberOf(test ?? null) ?? 0;
      const d = s && run(s, {
        seasonality: numberOf(period ?? null) ?? -1,
        trend: trendOf(trend, "avg"),
        testPoints,
        threshold: numberOf(seasonalThreshold ?? null) ?? 0.6,
      });
      const kind = method === null || method === undefined || method === ""
        ? "ctukey"
        : AD_METHODS.find((m) => m === method);
      if (!d || !kind) return null;
      // The fences are learnt on the residuals of the learning part only.
      const learn = d.residual.slice(0, Math.max(0, d.residual.length - testPoints));
      const scores = outlierScores(d.residual, kind, null, 10, 90, learn);
      const k = numberOf(threshold ?? null) ?? 1.5;
      const flags = scores.map((v) => (v > k ? 1 : v < -k ? -1 : 0));
      return [flags, json(scores), json(d.baseline)];
    },
  ),
  series_decompose_forecast: {
    minArgs: 2,
    maxArgs: 5,
    compile(args, site) {
      checkDecompose({ numbers: [1, 2, 4], trend: 3 })(args, site);
      return site.env.rowwise(args, "dynamic", ([x, points, period, trend, threshold]) => {
        const s = seriesOf(x);
        const d = s && run(s, {
          seasonality: numberOf(period ?? null) ?? -1,
          trend: trendOf(trend, "avg"),
          testPoints: numberOf(points) ?? 0,
          threshold: numberOf(threshold ?? null) ?? 0.6,
        });
        return d && json(d.baseline);
      });
    },
  },
  series_outliers: {
    minArgs: 1,
    maxArgs: 5,
    compile(args, site) {
      expectSeries(args, 0, site);
      expectOption(args, 1, site, AD_METHODS);
      for (const i of [2, 3, 4]) expectNumber(args, i, site);
      for (const i of [3, 4]) {
        const p = args[i]?.constant?.value;
        if (typeof p === "number" && (p < 2 || p > 98)) {
          throw site.env.ctx.error(
            `argument ${i + 1} of series_outliers() must be between 2 and 98, not ${p}`,
            site.call.args[i].span,
          );
        }
      }
      return site.env.rowwise(args, "dynamic", ([x, kind, ignore, min, max]) => {
        const s = seriesOf(x);
        const k = kind === null || kind === undefined || kind === ""
          ? "ctukey"
          : AD_METHODS.find((m) => m === kind);
        if (!s || !k) return null;
        return json(
          outlierScores(
            s,
            k,
            numberOf(ignore ?? null),
            numberOf(min ?? null) ?? 10,
            numberOf(max ?? null) ?? 90,
          ),
        );
      });
    },
  },
};

/** Analysis functions by name. */
export const ANALYSIS: Record<string, ScalarFunction> = { ...FITS, ...PERIODS, ...DECOMPOSITION };

/** Suffixes of the default column names of the several-output functions here. */
export const ANALYSIS_OUTPUT_NAMES: Record<string, readonly string[]> = Object.fromEntries(
  (
    [
      ["series_fit_line", LINE_OUTPUTS],
      ["series_fit_2lines", TWO_LINES_OUTPUTS],
      ["series_fit_poly", POLY_OUTPUTS],
      ["series_periods_detect", PERIOD_OUTPUTS],
      ["series_periods_validate", PERIOD_OUTPUTS],
      ["series_decompose", DECOMPOSE_OUTPUTS],
      ["series_decompose_anomalies", ANOMALY_OUTPUTS],
    ] as const
  ).map(([name, outputs]) => [name, outputs.map((o) => o.name)]),
);
