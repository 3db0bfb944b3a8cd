/**
 * The row functions of the series analysis functions (`_analysis.ts`): fits, periods,
 * decomposition and outliers of one row's series, as pure functions of the row's argument
 * values. Each is {@link portable}: a large job runs it on worker threads, which import this
 * module (so it loads no Polars).
 *
 * @module
 */
import type { JsValue } from "../../runtime/_values.ts";
import { portable } from "../../compile/_portable.ts";
import type { Output } from "./_args.ts";
import { jsonNumber, jsonReal, numberOf, seriesOf } from "./_row_values.ts";
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

const HERE = import.meta.url;

const json = (values: readonly Num[]) => values.map((v) => jsonReal(v));

// ---------------------------------------------------------------- fits

/** The outputs of `series_fit_line()`. */
export const LINE_OUTPUTS: readonly Output[] = [
  { name: "rsquare", type: "real" },
  { name: "slope", type: "real" },
  { name: "variance", type: "real" },
  { name: "rvariance", type: "real" },
  { name: "interception", type: "real" },
  { name: "line_fit", type: "dynamic" },
];

const LINE_STATS = ["rsquare", "slope", "interception", "variance", "rvariance"] as const;

/** The outputs of `series_fit_2lines()`. */
export const TWO_LINES_OUTPUTS: readonly Output[] = [
  { name: "rsquare", type: "real" },
  { name: "split_idx", type: "long" },
  { name: "variance", type: "real" },
  { name: "rvariance", type: "real" },
  { name: "line_fit", type: "dynamic" },
  ...["right", "left"].flatMap((side) =>
    LINE_STATS.map((s) => ({ name: `${side}_${s}`, type: "real" as const }))
  ),
];

/** The outputs of `series_fit_poly()`. */
export const POLY_OUTPUTS: readonly Output[] = [
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

/** `series_fit_line(x)`: the {@link LINE_OUTPUTS}. */
export const seriesFitLine = portable(HERE, "seriesFitLine", ([x]) => {
  const s = seriesOf(x);
  if (!s || s.length === 0) return null;
  const bag = lineBag(fitLine(s));
  return LINE_OUTPUTS.map((o) => bag[o.name as keyof typeof bag]);
});

/** `series_fit_line_dynamic(x)`: the fit as a bag. */
export const seriesFitLineDynamic = portable(HERE, "seriesFitLineDynamic", ([x]) => {
  const s = seriesOf(x);
  return s && s.length > 0 ? lineBag(fitLine(s)) : null;
});

/** `series_fit_2lines(x)`: the {@link TWO_LINES_OUTPUTS}. */
export const seriesFit2lines = portable(HERE, "seriesFit2lines", ([x]) => {
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
});

/** `series_fit_2lines_dynamic(x)`: the fit as a bag. */
export const seriesFit2linesDynamic = portable(HERE, "seriesFit2linesDynamic", ([x]) => {
  const s = seriesOf(x);
  return s && twoLinesBag(s);
});

/** `series_fit_poly(y, x, degree)`: the {@link POLY_OUTPUTS}. */
export const seriesFitPoly = portable(HERE, "seriesFitPoly", ([y, x, degree]) => {
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
});

// ---------------------------------------------------------------- periods

/** The outputs of `series_periods_detect()` and `series_periods_validate()`. */
export const PERIOD_OUTPUTS: readonly Output[] = [
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

/** `series_periods_detect(x, min, max, count)`: the {@link PERIOD_OUTPUTS}. */
export const seriesPeriodsDetect = portable(HERE, "seriesPeriodsDetect", ([x, min, max, count]) => {
  const s = seriesOf(x);
  const [lo, hi, n] = [numberOf(min), numberOf(max), numberOf(count)];
  if (!s || lo === null || hi === null || n === null) return null;
  const found = detectPeriods(s, lo, hi, Math.trunc(n));
  // The arrays always have `count` elements; missing periods are 0.
  const pad = (
    values: number[],
  ) => [...values, ...new Array(Math.max(0, n - values.length)).fill(0)];
  return [pad(found.map((f) => f.period)), pad(found.map((f) => f.score))];
});

/** `series_periods_validate(x, period, ...)`: the {@link PERIOD_OUTPUTS}. */
export const seriesPeriodsValidate = portable(HERE, "seriesPeriodsValidate", ([x, ...periods]) => {
  const s = seriesOf(x);
  if (!s || periods.some((p) => numberOf(p) === null)) return null;
  const ps = periods as number[];
  return [ps, validatePeriods(s, ps).map(jsonReal)];
});

/** `series_seasonal(x, period)`: the seasonal component. */
export const seriesSeasonal = portable(HERE, "seriesSeasonal", ([x, period]) => {
  const s = seriesOf(x);
  if (!s) return null;
  // Kusto detects the period with a 0.7 score threshold here.
  const p = seasonality(s, numberOf(period ?? null) ?? -1, 0.7);
  return json(seasonalComponent(s, p));
});

// ---------------------------------------------------------------- decomposition

/** The trends `series_decompose*()` accept. */
export const TRENDS: readonly TrendKind[] = ["avg", "linefit", "none"];
/** The outlier methods of `series_decompose_anomalies()` and `series_outliers()`. */
export const AD_METHODS: readonly OutlierKind[] = ["ctukey", "tukey"];

/** The outputs of `series_decompose()`. */
export const DECOMPOSE_OUTPUTS: readonly Output[] = [
  { name: "baseline", type: "dynamic" },
  { name: "seasonal", type: "dynamic" },
  { name: "trend", type: "dynamic" },
  { name: "residual", type: "dynamic" },
];

/** The outputs of `series_decompose_anomalies()`. */
export const ANOMALY_OUTPUTS: readonly Output[] = [
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

/** `series_decompose(x, period, trend, test_points, threshold)`: the {@link DECOMPOSE_OUTPUTS}. */
export const seriesDecompose = portable(
  HERE,
  "seriesDecompose",
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
);

/**
 * `series_decompose_anomalies(x, threshold, period, trend, test_points, method,
 * seasonality_threshold)`: the {@link ANOMALY_OUTPUTS}.
 */
export const seriesDecomposeAnomalies = portable(
  HERE,
  "seriesDecomposeAnomalies",
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
);

/** `series_decompose_forecast(x, points, period, trend, threshold)`: the baseline. */
export const seriesDecomposeForecast = portable(
  HERE,
  "seriesDecomposeForecast",
  ([x, points, period, trend, threshold]) => {
    const s = seriesOf(x);
    const d = s && run(s, {
      seasonality: numberOf(period ?? null) ?? -1,
      trend: trendOf(trend, "avg"),
      testPoints: numberOf(points) ?? 0,
      threshold: numberOf(threshold ?? null) ?? 0.6,
    });
    return d && json(d.baseline);
  },
);

/** `series_outliers(x, kind, ignore_val, min_percentile, max_percentile)`: the scores. */
export const seriesOutliers = portable(HERE, "seriesOutliers", ([x, kind, ignore, min, max]) => {
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
