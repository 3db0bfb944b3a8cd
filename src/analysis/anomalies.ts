/**
 * Time-series anomalies: seasonal decomposition of a regular series (hourly, daily...)
 * into trend, seasonal and residual parts, robust scores of the residuals, and the points
 * whose score is extreme. Takes a frame with a time and a value column, or a KQL
 * `make-series` result (one series per row, in `dynamic` arrays).
 *
 * @module
 */
import { columnValues, type DataFrame, DATETIME, pl } from "../polars.ts";
import { datetimeExpr, isNumericVariant, requireColumns, variantOfColumn } from "./_columns.ts";
import { decompose, detectPeriod } from "./_decompose.ts";
import { AnalysisError } from "./errors.ts";
import { checkOptions, defineOptions } from "../options.ts";

const DECOMPOSE_SPECS = {
  time: "column",
  value: { kind: "column", aliases: ["values", "column", "y"] },
  period: "number",
  threshold: "number",
} as const;
const DECOMPOSE_OPTIONS = defineOptions<DecomposeSeriesOptions>("decomposeSeries", DECOMPOSE_SPECS);
const ANOMALY_OPTIONS = defineOptions<DecomposeSeriesOptions>("findAnomalies", DECOMPOSE_SPECS);

/** Options of {@link decomposeSeries}. */
export interface DecomposeSeriesOptions {
  /** The time column (default `TimeGenerated`, else the first datetime column). */
  readonly time?: string;
  /** The value column (default: the first numeric or series column that is not the time). */
  readonly value?: string;
  /**
   * The seasonal period in points. Default: a day for steps of a day or less that divide
   * it (24 for hourly), a week for daily steps, else found by autocorrelation (0: none).
   */
  readonly period?: number;
  /** A point is an anomaly when its residual's robust z-score exceeds this (default 5). */
  readonly threshold?: number;
}

const ANALYSIS = "decomposeSeries";
const DAY = 86_400_000;

/**
 * Decomposes a regular series and scores every point.
 *
 * The result has one row per point: the `make-series` row's other columns (when the
 * input is a `make-series` result), `time`, `value`, `trend`, `seasonal`, `residual`,
 * `score` (robust z-score of the residual) and `isAnomaly` (|score| > threshold): the
 * frame a chart plots.
 *
 * Rows are ordered by `time` (a frame's points are sorted by time, ties by value). A
 * `make-series` result gives one block of rows per series, the blocks ordered by the row's
 * other columns (ascending in column order, nulls first; series with equal keys keep the
 * input's order), each block in time order.
 *
 * @param series A frame of (time, value) rows on a regular grid, or a `make-series` result.
 * @param options Columns, period and threshold.
 * @returns The decomposition, in time order.
 * @throws {AnalysisError} when the columns are missing, the grid is irregular, or a
 *   `make-series` array is malformed.
 *
 * @example Hourly sign-ins in the demo case, from the local engine's make-series
 * ```ts
 * import assert from "node:assert/strict";
 * import { decomposeSeries } from "./mod.ts";
 * import { openLocalProvider, pl } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query(
 *   "SigninLogs | make-series Signins = count() default = 0 on TimeGenerated step 1h",
 * );
 * const parts = decomposeSeries(frame);
 * assert.deepEqual(parts.columns, [
 *   "time", "value", "trend", "seasonal", "residual", "score", "isAnomaly",
 * ]);
 * // One row per hour of the series; value = trend + seasonal + residual.
 * const { value, trend, seasonal, residual } = parts.toRecords()[0] as Record<string, number>;
 * assert.ok(Math.abs(value - (trend + seasonal + residual)) < 1e-9);
 * assert.ok(parts.filter(pl.col("isAnomaly")).height > 0);
 * ```
 */
export function decomposeSeries(
  series: DataFrame,
  options: DecomposeSeriesOptions = {},
): DataFrame {
  checkOptions("decomposeSeries", options, DECOMPOSE_OPTIONS);
  const threshold = options.threshold ?? 5;
  const time = options.time ?? pickTime(series);
  const value = options.value ?? pickValue(series, time);
  requireColumns(series, [time, value], ANALYSIS);
  if (isSeriesColumn(series, value)) return fromMakeSeries(series, time, value, options, threshold);
  const rows = series.select(
    datetimeExpr(series, time, ANALYSIS).alias("time"),
    pl.col(value).cast(pl.Float64).alias("value"),
  ).filter(pl.col("time").isNotNull()).sort(["time", "value"]);
  const times = columnValues<Date>(rows, "time");
  const values = Float64Array.from(
    rows.getColumn("value").toArray() as (number | null)[],
    (v) => v ?? NaN,
  );
  return decomposed(times.map((d) => d.getTime()), values, options.period, threshold);
}

/**
 * Only the anomalies of {@link decomposeSeries}, most extreme first.
 *
 * Rows are ordered by |`score`|, highest first; ties by the `make-series` row's other
 * columns (ascending in column order, nulls first), then by `time`.
 *
 * @param series As {@link decomposeSeries}.
 * @param options As {@link decomposeSeries}.
 * @returns The anomalous points.
 * @throws {AnalysisError} as {@link decomposeSeries}.
 *
 * @example The hours of the demo case's password spray stand out
 * ```ts
 * import assert from "node:assert/strict";
 * import { findAnomalies } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query(
 *   "SigninLogs | where ResultType != '0' " +
 *     "| make-series Failures = count() default = 0 on TimeGenerated step 1h",
 * );
 * const [first, second] = findAnomalies(frame).head(2).toRecords();
 * // The spray's two hours, strongest first.
 * assert.deepEqual(first.time, new Date("2026-03-11T02:00:00Z"));
 * assert.deepEqual(second.time, new Date("2026-03-11T03:00:00Z"));
 * ```
 */
export function findAnomalies(series: DataFrame, options: DecomposeSeriesOptions = {}): DataFrame {
  checkOptions("findAnomalies", options, ANOMALY_OPTIONS);
  const parts = decomposeSeries(series, options);
  // The columns before `time` are the make-series keys (none for a plain frame).
  const keys = parts.columns.slice(0, parts.columns.indexOf("time"));
  return parts.filter(pl.col("isAnomaly")).sort({
    by: [pl.col("score").abs(), ...keys.map((k) => pl.col(k)), pl.col("time")],
    descending: [true, ...keys.map(() => false), false],
    maintainOrder: true,
  });
}

function pickTime(frame: DataFrame): string {
  if (frame.columns.includes("TimeGenerated")) return "TimeGenerated";
  const found = frame.columns.find((c) => variantOfColumn(frame, c) === "Datetime");
  if (found) return found;
  throw new AnalysisError(`${ANALYSIS}: no time column`, {
    analysis: ANALYSIS,
    hint: 'Name it: decomposeSeries(frame, { time: "<column>", value: "<column>" }).',
  });
}

function pickValue(frame: DataFrame, time: string): string {
  const found = frame.columns.find((c) =>
    c !== time && (isNumericVariant(variantOfColumn(frame, c)) || isSeriesColumn(frame, c))
  );
  if (found) return found;
  throw new AnalysisError(`${ANALYSIS}: no numeric value column`, {
    analysis: ANALYSIS,
    hint: 'Name it: decomposeSeries(frame, { value: "<column>" }).',
  });
}

function isSeriesColumn(frame: DataFrame, column: string): boolean {
  const variant = variantOfColumn(frame, column);
  if (variant === "List") return true;
  if (variant !== "Utf8" || frame.height === 0) return false;
  const first = frame.getColumn(column).toArray().find((v) => v !== null);
  return typeof first === "string" && first.trimStart().startsWith("[");
}

function parseArray(cell: unknown, column: string): unknown[] {
  if (Array.isArray(cell)) return cell;
  if (typeof cell === "string") {
    try {
      const parsed = JSON.parse(cell);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // Falls through to the error.
    }
  }
  throw new AnalysisError(`${ANALYSIS}: \`${column}\` does not hold a series array`, {
    analysis: ANALYSIS,
    column,
    hint: "Pass a make-series result, or a frame with one row per point.",
  });
}

function fromMakeSeries(
  frame: DataFrame,
  time: string,
  value: string,
  options: DecomposeSeriesOptions,
  threshold: number,
): DataFrame {
  const keys = frame.columns.filter((c) => c !== time && c !== value && !isSeriesColumn(frame, c));
  const timeCells = frame.getColumn(time).toArray();
  const valueCells = frame.getColumn(value).toArray();
  const keyRows = keys.length > 0 ? frame.select(...keys).toRecords() : [];
  const parts: DataFrame[] = [];
  for (const r of seriesOrder(frame, keys)) {
    const ts = parseArray(timeCells[r], time).map((t) => new Date(String(t)).getTime());
    const vs = parseArray(valueCells[r], value);
    if (ts.length !== vs.length || ts.some((t) => Number.isNaN(t))) {
      throw new AnalysisError(
        `${ANALYSIS}: row ${r} has ${ts.length} times and ${vs.length} values`,
        {
          analysis: ANALYSIS,
          column: value,
          hint: "Times and values of a make-series row must pair up.",
        },
      );
    }
    const values = Float64Array.from(vs, (v) => (v === null ? NaN : Number(v)));
    let part = decomposed(ts, values, options.period, threshold);
    if (keys.length > 0) {
      part = part.withColumns(...keys.map((k) => pl.lit(keyRows[r][k]).alias(k)))
        .select(...keys, ...part.columns);
    }
    parts.push(part);
  }
  return parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" });
}

/** The rows of a make-series result in key order (stable: equal keys keep the input's order). */
function seriesOrder(frame: DataFrame, keys: readonly string[]): number[] {
  if (keys.length === 0 || frame.height < 2) {
    return Array.from({ length: frame.height }, (_, i) => i);
  }
  return frame.select(...keys).withRowIndex("__row")
    .sort({ by: [...keys], maintainOrder: true })
    .getColumn("__row").toArray() as number[];
}

function decomposed(
  times: number[],
  values: Float64Array,
  period: number | undefined,
  threshold: number,
): DataFrame {
  const n = times.length;
  if (n < 4) {
    throw new AnalysisError(`${ANALYSIS}: ${n} points are too few to decompose`, {
      analysis: ANALYSIS,
      hint: "Give a series of at least a few periods.",
    });
  }
  const step = times[1] - times[0];
  for (let i = 2; i < n; i++) {
    if (times[i] - times[i - 1] !== step) {
      throw new AnalysisError(
        `${ANALYSIS}: the series is not regular (${new Date(times[i - 1]).toISOString()} to ` +
          `${new Date(times[i]).toISOString()} is not one step of ${step / 1000} s)`,
        {
          analysis: ANALYSIS,
          hint:
            "Put it on a regular grid first: KQL make-series ... default = 0, or summarize by bin().",
        },
      );
    }
  }
  // Missing values are filled by the neighbours' mean so the averages stay defined.
  const filled = Float64Array.from(values);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(filled[i])) {
      const before = i > 0 ? filled[i - 1] : NaN;
      const after = values.slice(i + 1).find((v) => !Number.isNaN(v)) ?? before;
      filled[i] = Number.isNaN(before) ? after : (before + after) / 2;
    }
  }
  const p = period ?? defaultPeriod(step, filled);
  const d = decompose(filled, p, threshold);
  return pl.DataFrame([
    pl.Series("time", times.map((t) => t * 1000), pl.Int64),
    pl.Series("value", values, pl.Float64),
    pl.Series("trend", d.trend, pl.Float64),
    pl.Series("seasonal", d.seasonal, pl.Float64),
    pl.Series("residual", d.residual, pl.Float64),
    pl.Series("score", d.score, pl.Float64),
    pl.Series("isAnomaly", Array.from(d.anomaly, (a) => a === 1), pl.Bool),
  ]).withColumns(pl.col("time").cast(DATETIME), pl.col("value").fillNan(null));
}

function defaultPeriod(step: number, values: Float64Array): number {
  if (step > 0 && step < DAY && DAY % step === 0 && values.length >= 2 * (DAY / step)) {
    return DAY / step;
  }
  if (step === DAY && values.length >= 14) return 7;
  return detectPeriod(values);
}
