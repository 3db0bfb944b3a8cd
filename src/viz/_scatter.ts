/** The scatter chart: one point per row, sampled (and said so) when there are too many. */
import { emptyChart } from "./_empty.ts";
import { type DataFrame, pl } from "../polars.ts";
import { Chart } from "./chart.ts";
import { columnKind, requireColumn } from "./_columns.ts";
import { foldOthers, formatCount, topValues, toValues } from "./_data.ts";
import { type AxisOptions, type ChartOptions, positiveInt } from "./_options.ts";
import { categoryScheme, logNote, positiveOnly, valueScale, withLegend } from "./_axes.ts";
import { DEFAULT_WIDTH, type JsonObject, tooltipField, utcAxis, vegaLite } from "./_spec.ts";

/** Options of {@link scatterChart}. */
export interface ScatterChartOptions extends ChartOptions, AxisOptions {
  /** The horizontal axis: a numeric or datetime column. */
  x: string;
  /** The vertical axis: a numeric column. */
  y: string;
  /** Colour points by this column. */
  color?: string;
  /** Size points by this numeric column. */
  size?: string;
  /** Columns to show when hovering a point (interactive output). */
  tooltip?: readonly string[];
  /** Above this many points, a random sample of this many is drawn (default 5,000). */
  maxPoints?: number;
}

export function buildScatter(frame: DataFrame, options: ScatterChartOptions): Chart {
  requireColumn(frame, options.x, "the horizontal axis", ["numeric", "temporal"]);
  requireColumn(frame, options.y, "the vertical axis", ["numeric"]);
  if (options.color) {
    requireColumn(frame, options.color, "the colours", ["text", "numeric", "boolean"]);
  }
  if (options.size) requireColumn(frame, options.size, "the point sizes", ["numeric"]);
  for (const c of options.tooltip ?? []) requireColumn(frame, c, "the tooltip");
  const maxPoints = positiveInt(options.maxPoints, 5000, "maxPoints");
  const title = options.title ?? `${options.y} against ${options.x}`;
  const width = options.width ?? DEFAULT_WIDTH;
  if (frame.height === 0) {
    return emptyChart("scatter", title, width);
  }
  const notes: string[] = [];
  let working = frame.filter(pl.col(options.x).isNotNull().and(pl.col(options.y).isNotNull()));
  const dropped = frame.height - working.height;
  if (dropped > 0) {
    notes.push(`${formatCount(dropped)} rows without ${options.x} or ${options.y} are not drawn.`);
  }
  if (working.height > maxPoints) {
    notes.push(
      `A random sample of ${formatCount(maxPoints)} of ${formatCount(working.height)} points ` +
        `is drawn.`,
    );
    working = working.sample(maxPoints, undefined, false, 20260316);
  }
  const colorIsText = options.color !== undefined && columnKind(frame, options.color) !== "numeric";
  if (options.color && colorIsText) {
    const top = topValues(working, options.color, 20);
    if (top.others > 0) {
      notes.push(`20 most frequent ${options.color} values coloured; the rest share one colour.`);
    }
    working = working.withColumns(foldOthers(options.color, top.keep, top.others));
  }
  const xIsTime = columnKind(frame, options.x) === "temporal";
  const x: JsonObject = xIsTime
    ? { ...utcAxis(options.x), ...(options.xTitle ? { title: options.xTitle } : {}) }
    : {
      field: options.x,
      type: "quantitative",
      title: options.xTitle ?? options.x,
      scale: options.xScale === "log" ? { type: "log" } : { zero: false },
      ...(options.xScale === "log" ? { axis: { format: "~s" } } : {}),
    };
  const encoding: JsonObject = {
    x,
    y: {
      field: options.y,
      type: "quantitative",
      title: options.yTitle ?? options.y,
      scale: valueScale(options, { zero: false }),
      ...(options.yScale === "log" ? { axis: { format: "~s" } } : {}),
    },
    tooltip: [
      tooltipField(options.x, xIsTime ? "temporal" : "quantitative"),
      tooltipField(options.y, "quantitative"),
      ...(options.color ? [tooltipField(options.color, "nominal")] : []),
      ...(options.tooltip ?? []).map((c) => tooltipField(c, "nominal")),
    ],
  };
  if (options.color) {
    encoding.color = withLegend({
      field: options.color,
      type: colorIsText ? "nominal" : "quantitative",
      title: options.color,
    }, options);
  }
  if (options.color && colorIsText) {
    (encoding.color as JsonObject).scale = categoryScheme(
      working.getColumn(options.color).nUnique(),
    );
  }
  if (options.size) {
    encoding.size = { field: options.size, type: "quantitative", title: options.size };
  }
  const columns = [options.x, options.y, options.color, options.size, ...(options.tooltip ?? [])]
    .filter((c): c is string => c !== undefined);
  let values = toValues(working, columns);
  if (options.xScale === "log" && !xIsTime) {
    notes.push(...logNote(values, options.x));
    values = positiveOnly(values, options.x);
  }
  if (options.yScale === "log") {
    notes.push(...logNote(values, options.y));
    values = positiveOnly(values, options.y);
  }
  const spec = vegaLite(title, notes, {
    data: { values },
    mark: { type: "circle", opacity: 0.65, size: 40 },
    encoding,
  }, { width, height: options.height ?? 360 });
  return new Chart({
    kind: "scatter",
    grammar: "vega-lite",
    spec,
    title,
    notes,
    sourceRows: frame.height,
  });
}
