/** The time chart: values (or event counts) over time, one line or area per series. */
import { type DataFrame, type Expr, pl } from "../polars.ts";
import { Chart } from "./chart.ts";
import { requireColumn } from "./_columns.ts";
import {
  type Aggregate,
  aggregateExpr,
  binByTime,
  epochMs,
  floorTo,
  foldOthers,
  formatCount,
  formatStep,
  niceStep,
  nullCount,
  timeExtent,
  topValues,
  toValues,
} from "./_data.ts";
import { type AxisOptions, type ChartOptions, positiveInt } from "./_options.ts";
import { categoryScheme, logNote, positiveOnly, valueScale, withLegend } from "./_axes.ts";
import {
  DEFAULT_WIDTH,
  type JsonObject,
  noDataSpec,
  tooltipField,
  utcAxis,
  vegaLite,
} from "./_spec.ts";

/** Options of {@link timeChart}. */
export interface TimeChartOptions extends ChartOptions, AxisOptions {
  /** The datetime column (default `TimeGenerated`). */
  time?: string;
  /**
   * Numeric columns to draw. Left out, the chart counts rows per time bin (events over
   * time).
   */
  values?: string | readonly string[];
  /** One line (or area) per value of this column. */
  series?: string;
  /** Lines (default) or areas. */
  mark?: "line" | "area";
  /** Stack areas (default true for areas); `normalize` stacks them to 100 %. */
  stack?: boolean | "normalize";
  /**
   * How values falling in one time bin combine, when the chart has to bin them (default
   * `sum`).
   */
  aggregate?: Aggregate;
  /** Bin width in milliseconds for counting rows (default: about 150 bins over the span). */
  step?: number;
  /** Above this many points, values are binned in time (default 5,000). */
  maxPoints?: number;
  /** Series kept; the rest are folded into one "others" series (default 12). */
  maxSeries?: number;
  /** Running total of each series (KQL `accumulate=true`). */
  accumulate?: boolean;
  /**
   * Red points where `column` is not zero (the anomaly chart's anomalies), on the line of
   * value column `on` (default: every line).
   */
  highlight?: { column: string; label: string; on?: string };
}

/** What {@link buildTimeChart} settled from the options, the columns checked. */
interface TimeChartPlan {
  readonly time: string;
  readonly values: readonly string[];
  readonly series?: string;
  readonly maxPoints: number;
  readonly maxSeries: number;
  readonly mark: "line" | "area";
  /** No value columns: rows are counted per time bin. */
  readonly counting: boolean;
  readonly title: string;
  readonly width: number;
  /** The name of the drawn value in the long frame. */
  readonly value: string;
}

/** The long frame's series column. */
const SERIES = "series";

/** The time chart: columns checked, series kept, the long frame built, then drawn. */
export function buildTimeChart(frame: DataFrame, options: TimeChartOptions): Chart {
  const plan = planTimeChart(frame, options);
  const { time, title, width } = plan;
  const empty = (message: string, notes: string[]) =>
    new Chart({
      kind: "timechart",
      grammar: "vega-lite",
      spec: noDataSpec(title, message, width),
      title,
      notes,
      sourceRows: frame.height,
      empty: true,
    });
  if (frame.height === 0) return empty("No data: the frame has no rows.", ["No rows to draw."]);

  const notes: string[] = [];
  const missing = nullCount(frame, time);
  if (missing > 0) notes.push(`${formatCount(missing)} rows without a ${time} are not drawn.`);
  let working = frame.filter(pl.col(time).isNotNull());
  if (working.height === 0) return empty(`No data: no row has a ${time}.`, notes);
  if (plan.series) working = keepTopSeries(working, plan.series, plan.maxSeries, notes);

  const extent = timeExtent(working, time)!;
  const drawn = plan.counting
    ? countedLong(working, plan, extent, options)
    : valuesLong(working, plan, extent, options, notes);
  const long = options.accumulate ? runningTotals(drawn.long, plan, notes) : drawn.long;
  const spec = timeChartSpec(long, plan, drawn.yTitle, options, notes);
  return new Chart({
    kind: "timechart",
    grammar: "vega-lite",
    spec,
    title,
    notes,
    sourceRows: frame.height,
  });
}

/** Checks the columns the options name and settles the defaults. */
function planTimeChart(frame: DataFrame, options: TimeChartOptions): TimeChartPlan {
  const time = options.time ?? "TimeGenerated";
  requireColumn(frame, time, "the time axis", ["temporal"]);
  const values = options.values === undefined
    ? []
    : typeof options.values === "string"
    ? [options.values]
    : [...options.values];
  for (const v of values) requireColumn(frame, v, "a value line", ["numeric"]);
  const series = options.series;
  if (series) requireColumn(frame, series, "the series", ["text", "numeric", "boolean"]);
  if (options.highlight) {
    requireColumn(frame, options.highlight.column, "the highlighted points", [
      "numeric",
      "boolean",
    ]);
  }
  const maxPoints = positiveInt(options.maxPoints, 5000, "maxPoints");
  const maxSeries = positiveInt(options.maxSeries, 12, "maxSeries");
  const mark = options.mark ?? "line";
  const counting = values.length === 0;
  const title = options.title ??
    (counting ? "Events over time" : `${values.join(", ")} over time`);
  const width = options.width ?? DEFAULT_WIDTH;
  const value = counting ? "events" : values.length === 1 ? values[0] : "value";
  return { time, values, series, maxPoints, maxSeries, mark, counting, title, width, value };
}

/** The `maxSeries` largest series kept, the others merged into one (noted). */
function keepTopSeries(
  working: DataFrame,
  series: string,
  maxSeries: number,
  notes: string[],
): DataFrame {
  const top = topValues(working, series, maxSeries);
  if (top.others > 0) {
    notes.push(
      `${top.keep.length} largest of ${formatCount(top.keep.length + top.others)} ${series} ` +
        `series drawn; the other ${formatCount(top.others)} are merged into one.`,
    );
  }
  return working.withColumns(foldOthers(series, top.keep, top.others));
}

/** Rows counted per time bin (and series), empty bins as zero: time, series, events. */
function countedLong(
  working: DataFrame,
  plan: TimeChartPlan,
  [lo, hi]: [number, number],
  options: TimeChartOptions,
): { long: DataFrame; yTitle?: string } {
  const { time, series, value } = plan;
  const step = options.step ?? niceStep(Math.max(hi - lo, 1000), 150);
  let long = binByTime(working, time, step, series ? [series] : [], [pl.len().alias(value)]);
  if (series) long = long.rename({ [series]: SERIES });
  long = fillGaps(long, time, step, lo, hi, series ? SERIES : undefined, value);
  return { long, yTitle: options.yTitle ?? `events per ${formatStep(step)}` };
}

/**
 * The value columns in long format (time, series, value), combined in time bins when
 * there are more than `maxPoints` points (noted).
 */
function valuesLong(
  working: DataFrame,
  plan: TimeChartPlan,
  [lo, hi]: [number, number],
  options: TimeChartOptions,
  notes: string[],
): { long: DataFrame; yTitle?: string } {
  const { time, values, series, value: VALUE, maxPoints } = plan;
  const parts: DataFrame[] = [];
  for (const v of values) {
    const label: Expr = series
      ? (values.length > 1 ? pl.concatString([pl.col(series), pl.lit(v)], " · ") : pl.col(series))
      : pl.lit(v);
    parts.push(
      working.select(
        epochMs(time),
        label.alias(SERIES),
        pl.col(v).cast(pl.Float64).alias(VALUE),
        ...(options.highlight
          ? [
            (options.highlight.on === undefined || options.highlight.on === v
              ? pl.col(options.highlight.column).cast(pl.Float64)
              : pl.lit(null).cast(pl.Float64)).alias(options.highlight.column),
          ]
          : []),
      ),
    );
  }
  let long = pl.concat(parts).filter(pl.col(VALUE).isNotNull());
  if (long.height > maxPoints) {
    const seriesCount = long.getColumn(SERIES).nUnique();
    const step = niceStep(
      Math.max(hi - lo, 1000),
      Math.max(10, Math.floor(maxPoints / seriesCount)),
    );
    const aggregate = options.aggregate ?? "sum";
    const rows = long.height;
    long = long.lazy()
      .withColumns(floorTo(pl.col(time), step).alias(time))
      .groupBy([time, SERIES])
      .agg(
        aggregateExpr(aggregate, VALUE, VALUE),
        ...(options.highlight ? [pl.col(options.highlight.column).abs().max()] : []),
      )
      .sort(time)
      .collectSync();
    notes.push(
      `${formatCount(rows)} points combined (${aggregate}) in ${formatStep(step)} bins ` +
        `(more than ${formatCount(maxPoints)} to draw one by one).`,
    );
  }
  return { long, yTitle: options.yTitle ?? (values.length === 1 ? values[0] : "value") };
}

/** Each series' running total (KQL `accumulate=true`), noted. */
function runningTotals(long: DataFrame, plan: TimeChartPlan, notes: string[]): DataFrame {
  const running = pl.col(plan.value).cumSum();
  notes.push("Running totals (accumulate).");
  return long.sort(plan.time).withColumns(
    (long.columns.includes(SERIES) ? running.over(SERIES) : running).alias(plan.value),
  );
}

/** The vega-lite specification: a line or area layer, and the highlighted points. */
function timeChartSpec(
  long: DataFrame,
  plan: TimeChartPlan,
  yTitle: string | undefined,
  options: TimeChartOptions,
  notes: string[],
): JsonObject {
  const { time, series, values, mark, value: VALUE } = plan;
  const hasSeries = long.columns.includes(SERIES) && (series !== undefined || values.length > 1);
  const x = {
    ...utcAxis(time, options.xTitle),
    ...(options.xTitle ? { title: options.xTitle } : {}),
  };
  const stack = options.stack ?? (mark === "area" ? true : false);
  const y: JsonObject = {
    field: VALUE,
    type: "quantitative",
    title: yTitle,
    scale: valueScale(options, { zero: options.yScale !== "log" }),
    stack: mark === "area" ? (stack === "normalize" ? "normalize" : stack ? "zero" : null) : null,
  };
  const encoding: JsonObject = {
    x,
    y,
    tooltip: [
      tooltipField(time, "temporal"),
      ...(hasSeries ? [tooltipField(SERIES, "nominal")] : []),
      tooltipField(VALUE, "quantitative"),
    ],
  };
  if (hasSeries) {
    encoding.color = withLegend(
      { field: SERIES, type: "nominal", title: series ?? "series" },
      options,
    );
  }
  const pointsPerSeries = long.height /
    Math.max(1, hasSeries ? long.getColumn(SERIES).nUnique() : 1);
  const markSpec: JsonObject = mark === "area"
    ? { type: "area", opacity: stack ? 0.85 : 0.5, line: true, interpolate: "linear" }
    : { type: "line", point: pointsPerSeries <= 60, strokeWidth: 1.5, interpolate: "linear" };
  const layers: JsonObject[] = [{ mark: markSpec, encoding }];
  const columns = [time, VALUE, ...(hasSeries ? [SERIES] : [])];
  if (options.highlight) {
    layers.push(highlightLayer(time, VALUE, options.highlight));
    columns.push(options.highlight.column);
  }
  let data = toValues(long, columns);
  if (options.yScale === "log") {
    notes.push(...logNote(data, VALUE));
    data = positiveOnly(data, VALUE);
  }
  if (hasSeries) {
    (encoding.color as JsonObject).scale = categoryScheme(long.getColumn(SERIES).nUnique());
  }
  const height = options.height ?? 300;
  return vegaLite(plan.title, notes, { data: { values: data }, layer: layers }, {
    width: plan.width,
    height,
  });
}

/**
 * Red points where the highlight column is not zero. The column travels with the values
 * (same rows, same order).
 */
function highlightLayer(
  time: string,
  value: string,
  h: NonNullable<TimeChartOptions["highlight"]>,
): JsonObject {
  return {
    transform: [{ filter: `datum['${h.column}'] != null && datum['${h.column}'] != 0` }],
    mark: { type: "point", filled: true, color: "#d62728", size: 70, shape: "circle" },
    encoding: {
      x: { field: time, type: "temporal" },
      y: { field: value, type: "quantitative" },
      tooltip: [
        tooltipField(time, "temporal"),
        tooltipField(value, "quantitative"),
        { field: h.column, type: "quantitative", title: h.label },
      ],
    },
  };
}

/** Adds zero-count bins so counted series drop to zero instead of bridging gaps. */
function fillGaps(
  binned: DataFrame,
  time: string,
  step: number,
  lo: number,
  hi: number,
  series: string | undefined,
  value: string,
): DataFrame {
  const first = lo - (((lo % step) + step) % step);
  const count = Math.floor((hi - first) / step) + 1;
  if (count > 20000) return binned;
  const grid = pl.DataFrame({ [time]: Array.from({ length: count }, (_, i) => first + i * step) })
    .withColumns(pl.col(time).cast(pl.Int64));
  const keys: DataFrame = series
    ? grid.join(binned.select(series).unique(), { how: "cross" })
    : grid;
  return keys.join(binned.withColumns(pl.col(time).cast(pl.Int64)), {
    on: series ? [time, series] : [time],
    how: "left",
  }).withColumns(pl.col(value).fillNull(0)).sort(time);
}
