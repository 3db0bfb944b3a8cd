/** The histogram: values counted in equal bins (or log-spaced bins) computed in Polars. */
import { type DataFrame, pl } from "../polars.ts";
import { Chart } from "./chart.ts";
import { requireColumn } from "./_columns.ts";
import {
  epochMs,
  foldOthers,
  formatCount,
  formatStep,
  niceStep,
  topValues,
  toValues,
} from "./_data.ts";
import { type AxisOptions, type ChartOptions, positiveInt } from "./_options.ts";
import { valueScale, withLegend } from "./_axes.ts";
import {
  DEFAULT_WIDTH,
  type JsonObject,
  noDataSpec,
  TIME_LABELS,
  tooltipField,
  vegaLite,
} from "./_spec.ts";

/** Options of {@link histogramChart}. */
export interface HistogramOptions extends ChartOptions, AxisOptions {
  /** The numeric (or datetime) column to count. */
  value: string;
  /** How many bins (default 40). */
  bins?: number;
  /** Log-spaced bins, for heavy-tailed values such as byte counts (values ≤ 0 are noted). */
  logBins?: boolean;
  /** Stack each bin by this column. */
  color?: string;
}

/** The histogram: values read (noted where left out), counted in bins, drawn as bars. */
export function buildHistogram(frame: DataFrame, options: HistogramOptions): Chart {
  const kind = requireColumn(frame, options.value, "the histogram", ["numeric", "temporal"]);
  if (options.color) {
    requireColumn(frame, options.color, "the colours", ["text", "numeric", "boolean"]);
  }
  const bins = positiveInt(options.bins, 40, "bins");
  const title = options.title ?? `Distribution of ${options.value}`;
  const width = options.width ?? DEFAULT_WIDTH;
  const notes: string[] = [];
  const temporal = kind === "temporal";
  const logBins = options.logBins === true && !temporal;
  let working = countableValues(frame, options, temporal, logBins, notes);
  if (working.height === 0) {
    return new Chart({
      kind: "histogram",
      grammar: "vega-lite",
      spec: noDataSpec(
        title,
        frame.height === 0
          ? "No data: the frame has no rows."
          : `No data: no ${options.value} to count.`,
        width,
      ),
      title,
      notes: frame.height === 0 ? ["No rows to draw."] : notes,
      sourceRows: frame.height,
      empty: true,
    });
  }
  if (options.color) {
    const top = topValues(working, options.color, 10);
    if (top.others > 0) {
      notes.push(`10 most frequent ${options.color} values stacked; the rest combined.`);
    }
    working = working.withColumns(foldOthers(options.color, top.keep, top.others));
  }
  const values = countInBins(working, bins, options.color, temporal, logBins, notes);
  const spec = vegaLite(title, notes, {
    data: { values },
    mark: { type: "bar", binSpacing: 1 },
    encoding: histogramEncoding(options, temporal, logBins),
  }, { width, height: options.height ?? 280 });
  return new Chart({
    kind: "histogram",
    grammar: "vega-lite",
    spec,
    title,
    notes,
    sourceRows: frame.height,
  });
}

/**
 * The values to count as `__v` (datetimes as epoch ms), with the colour column: rows
 * without a value, and values ≤ 0 for log bins, left out and noted.
 */
function countableValues(
  frame: DataFrame,
  options: HistogramOptions,
  temporal: boolean,
  logBins: boolean,
  notes: string[],
): DataFrame {
  const v = temporal ? epochMs(options.value) : pl.col(options.value).cast(pl.Float64);
  let working = frame.select(
    v.alias("__v"),
    ...(options.color ? [foldOthers(options.color, undefined, 0)] : []),
  ).filter(
    temporal
      ? pl.col("__v").isNotNull()
      : pl.col("__v").isNotNull().and(pl.col("__v").isNan().not()),
  );
  const missing = frame.height - working.height;
  if (missing > 0) {
    notes.push(`${formatCount(missing)} rows without a ${options.value} are not counted.`);
  }
  if (logBins) {
    const before = working.height;
    working = working.filter(pl.col("__v").gt(0));
    const dropped = before - working.height;
    if (dropped > 0) {
      notes.push(
        `${formatCount(dropped)} values ≤ 0 have no place on a log scale and are not counted.`,
      );
    }
  }
  return working;
}

/**
 * Rows counted in `bins` equal bins (round time steps for datetimes, powers of ten for log
 * bins), as vega data: start, end, count (and the colour).
 */
function countInBins(
  working: DataFrame,
  bins: number,
  color: string | undefined,
  temporal: boolean,
  logBins: boolean,
  notes: string[],
): Record<string, unknown>[] {
  const scaled = logBins ? pl.col("__v").log(10) : pl.col("__v");
  const extent = working.select(scaled.min().alias("lo"), scaled.max().alias("hi"))
    .toRecords()[0] as {
      lo: number;
      hi: number;
    };
  let lo = Number(extent.lo);
  let hi = Number(extent.hi);
  let width_: number;
  if (temporal) {
    width_ = niceStep(Math.max(hi - lo, 1000), bins);
    lo = lo - (((lo % width_) + width_) % width_);
  } else {
    if (hi === lo) {
      hi = lo + 1;
    }
    width_ = (hi - lo) / bins;
  }
  // The tiny nudge keeps values on a bin edge in the bin that starts there (see floorTo).
  const index = scaled.sub(lo).div(width_).add(1e-9).floor().clip(
    0,
    Math.max(0, Math.ceil((hi - lo) / width_) - 1),
  );
  const counted = working.lazy()
    .withColumns(index.alias("__bin"))
    .groupBy(color ? ["__bin", color] : ["__bin"])
    .agg(pl.len().alias("count"))
    .collectSync();
  const start = pl.col("__bin").mul(width_).add(lo);
  const end = pl.col("__bin").add(1).mul(width_).add(lo);
  const edges = counted.withColumns(start.alias("start"), end.alias("end"));
  if (temporal) notes.push(`Counted in ${formatStep(width_)} bins.`);
  const values = toValues(edges, [
    "start",
    "end",
    "count",
    ...(color ? [color] : []),
  ]);
  if (logBins) {
    for (const row of values) {
      row.start = 10 ** Number(row.start);
      row.end = 10 ** Number(row.end);
    }
  }
  return values;
}

/** Bars from each bin's start to its end, stacked by colour; tooltips give the range. */
function histogramEncoding(
  options: HistogramOptions,
  temporal: boolean,
  logBins: boolean,
): JsonObject {
  const xTitle = options.xTitle ?? (temporal ? `${options.value} (UTC)` : options.value);
  const x: JsonObject = {
    field: "start",
    type: temporal ? "temporal" : "quantitative",
    title: xTitle,
    bin: { binned: true },
    ...(temporal
      ? { scale: { type: "utc" }, axis: { format: TIME_LABELS } }
      : { scale: logBins ? { type: "log" } : { zero: false }, axis: { format: "~s" } }),
  };
  const encoding: JsonObject = {
    x,
    x2: { field: "end" },
    y: {
      field: "count",
      type: "quantitative",
      title: options.yTitle ?? "rows",
      scale: valueScale(options),
      stack: options.color ? "zero" : null,
    },
    tooltip: [
      temporal
        ? { ...tooltipField("start", "temporal"), title: "from" }
        : { field: "start", type: "quantitative", title: "from", format: ",.4~r" },
      temporal
        ? { ...tooltipField("end", "temporal"), title: "to" }
        : { field: "end", type: "quantitative", title: "to", format: ",.4~r" },
      tooltipField("count", "quantitative"),
      ...(options.color ? [tooltipField(options.color, "nominal")] : []),
    ],
  };
  if (options.color) {
    encoding.color = withLegend(
      { field: options.color, type: "nominal", title: options.color },
      options,
    );
  }
  return encoding;
}
