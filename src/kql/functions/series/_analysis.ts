/**
 * Series analysis functions: line and polynomial fits (`series_fit_*`), periods
 * (`series_periods_*`, `series_seasonal`), seasonal decomposition with anomaly detection
 * and forecasting (`series_decompose*`) and outlier scores (`series_outliers`). Their row
 * functions are in `_analysis_rows.ts`, where worker threads can load them.
 *
 * @module
 */
import type { Typed } from "../../compile/_context.ts";
import type { CallSite, ScalarFunction } from "../_registry.ts";
import { expectNumber, expectOption, expectSeries, multiOutput } from "./_args.ts";
import {
  AD_METHODS,
  ANOMALY_OUTPUTS,
  DECOMPOSE_OUTPUTS,
  LINE_OUTPUTS,
  PERIOD_OUTPUTS,
  POLY_OUTPUTS,
  seriesDecompose,
  seriesDecomposeAnomalies,
  seriesDecomposeForecast,
  seriesFit2lines,
  seriesFit2linesDynamic,
  seriesFitLine,
  seriesFitLineDynamic,
  seriesFitPoly,
  seriesOutliers,
  seriesPeriodsDetect,
  seriesPeriodsValidate,
  seriesSeasonal,
  TRENDS,
  TWO_LINES_OUTPUTS,
} from "./_analysis_rows.ts";

// ---------------------------------------------------------------- fits

function seriesOnly(args: Typed[], site: CallSite): void {
  expectSeries(args, 0, site);
}

/** Fit functions by name. */
const FITS: Record<string, ScalarFunction> = {
  series_fit_line: multiOutput(1, 1, LINE_OUTPUTS, seriesOnly, seriesFitLine),
  series_fit_line_dynamic: {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      seriesOnly(args, site);
      return site.env.rowwise(args, "dynamic", seriesFitLineDynamic);
    },
  },
  series_fit_2lines: multiOutput(1, 1, TWO_LINES_OUTPUTS, seriesOnly, seriesFit2lines),
  series_fit_2lines_dynamic: {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      seriesOnly(args, site);
      return site.env.rowwise(args, "dynamic", seriesFit2linesDynamic);
    },
  },
  series_fit_poly: multiOutput(1, 3, POLY_OUTPUTS, (args, site) => {
    expectSeries(args, 0, site);
    if (args[1] && args[1].type !== "dynamic") expectNumber(args, 1, site);
    expectNumber(args, 2, site);
  }, seriesFitPoly),
};

// ---------------------------------------------------------------- periods

/** Periods and seasonal functions by name. */
const PERIODS: Record<string, ScalarFunction> = {
  series_periods_detect: multiOutput(4, 4, PERIOD_OUTPUTS, (args, site) => {
    expectSeries(args, 0, site);
    for (const i of [1, 2, 3]) expectNumber(args, i, site);
  }, seriesPeriodsDetect),
  series_periods_validate: multiOutput(2, 17, PERIOD_OUTPUTS, (args, site) => {
    expectSeries(args, 0, site);
    for (let i = 1; i < args.length; i++) expectNumber(args, i, site);
  }, seriesPeriodsValidate),
  series_seasonal: {
    minArgs: 1,
    maxArgs: 2,
    compile(args, site) {
      expectSeries(args, 0, site);
      expectNumber(args, 1, site);
      return site.env.rowwise(args, "dynamic", seriesSeasonal);
    },
  },
};

// ---------------------------------------------------------------- decomposition

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
    seriesDecompose,
  ),
  series_decompose_anomalies: multiOutput(
    1,
    7,
    ANOMALY_OUTPUTS,
    checkDecompose({ numbers: [1, 2, 4, 6], trend: 3, method: 5 }),
    seriesDecomposeAnomalies,
  ),
  series_decompose_forecast: {
    minArgs: 2,
    maxArgs: 5,
    compile(args, site) {
      checkDecompose({ numbers: [1, 2, 4], trend: 3 })(args, site);
      return site.env.rowwise(args, "dynamic", seriesDecomposeForecast);
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
      return site.env.rowwise(args, "dynamic", seriesOutliers);
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
