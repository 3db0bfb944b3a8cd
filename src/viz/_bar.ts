/** Bars, stacked bars and pies: a value (or a count) per category, aggregated in Polars. */
import { type DataFrame, type Expr, pl } from "../polars.ts";
import { Chart, type ChartKind } from "./chart.ts";
import { columnKind, requireColumn } from "./_columns.ts";
import {
  type Aggregate,
  aggregateExpr,
  foldOthers,
  formatCount,
  topValues,
  toValues,
} from "./_data.ts";
import { type AxisOptions, type ChartOptions, positiveInt } from "./_options.ts";
import { logNote, positiveOnly, valueScale, withLegend } from "./_axes.ts";
import { DEFAULT_WIDTH, type JsonObject, noDataSpec, tooltipField, vegaLite } from "./_spec.ts";

/** Options of {@link barChart}. */
export interface BarChartOptions extends ChartOptions, AxisOptions {
  /** One bar per value of this column. */
  category: string;
  /** The numeric column the bars measure; left out, bars count rows. */
  value?: string;
  /** How a category's values combine (default `sum`; `count` counts rows). */
  aggregate?: Aggregate;
  /** Horizontal bars (default) or vertical columns. */
  orientation?: "horizontal" | "vertical";
  /** Bars kept; the rest are summed into one "others" bar (default 25). */
  top?: number;
  /** Order bars by value (default; by category for datetime categories) or by category. */
  sort?: "value" | "category";
}

/** Options of {@link stackedBarChart}. */
export interface StackedBarChartOptions extends BarChartOptions {
  /** One segment per value of this column. */
  series: string;
  /** Segments kept per bar; the rest are summed into "others" (default 10). */
  maxSeries?: number;
  /** Stack to 100 % (default false). */
  normalize?: boolean;
  /** Side-by-side bars instead of stacks (KQL `kind=unstacked`). */
  grouped?: boolean;
}

/** Options of {@link pieChart}. */
export interface PieChartOptions extends ChartOptions {
  /** One slice per value of this column. */
  category: string;
  /** The numeric column the slices measure; left out, slices count rows. */
  value?: string;
  /** Slices kept; the rest are summed into one "others" slice (default 10). */
  top?: number;
  /** Show the legend (default true). */
  legend?: boolean;
}

const CATEGORY_KINDS = ["text", "numeric", "boolean", "temporal"] as const;

interface Prepared {
  frame: DataFrame;
  notes: string[];
  valueName: string;
  valueTitle: string;
  categories: number;
}

/** Groups rows by category (and series), with the top categories kept and the rest folded. */
function prepare(
  frame: DataFrame,
  category: string,
  series: string | undefined,
  value: string | undefined,
  aggregate: Aggregate,
  top: number,
  maxSeries: number,
): Prepared {
  const notes: string[] = [];
  const valueName = value && value !== category ? value : "count";
  const measure: Expr = aggregateExpr(value ? aggregate : "count", value, valueName);
  let working = frame;
  if (columnKind(frame, category) === "temporal") {
    working = working.withColumns(pl.col(category).dt.strftime("%Y-%m-%d %H:%M").alias(category));
  }
  const ranked = topValues(
    working,
    category,
    top,
    value ? aggregateExpr(aggregate, value, "w") : undefined,
  );
  if (ranked.others > 0) {
    notes.push(
      `Top ${ranked.keep.length} of ${formatCount(ranked.keep.length + ranked.others)} ` +
        `${category} values; the other ${formatCount(ranked.others)} are combined in one bar.`,
    );
  }
  working = working.withColumns(foldOthers(category, ranked.keep, ranked.others));
  if (series) {
    const rankedSeries = topValues(working, series, maxSeries);
    if (rankedSeries.others > 0) {
      notes.push(
        `${rankedSeries.keep.length} largest of ${
          formatCount(rankedSeries.keep.length + rankedSeries.others)
        } ${series} values shown; the rest are combined.`,
      );
    }
    working = working.withColumns(foldOthers(series, rankedSeries.keep, rankedSeries.others));
  }
  const nullValues = value ? working.getColumn(value).nullCount() : 0;
  if (nullValues > 0) {
    notes.push(`${formatCount(nullValues)} rows without a ${value} are not counted.`);
  }
  const grouped = working.lazy()
    .groupBy(series ? [category, series] : [category])
    .agg(measure)
    .collectSync();
  const valueTitle = value
    ? (aggregate === "count"
      ? "rows"
      : `${aggregate === "sum" ? "" : aggregate + " "}${value}`.trim())
    : "rows";
  return {
    frame: grouped,
    notes,
    valueName,
    valueTitle,
    categories: ranked.keep.length + (ranked.others > 0 ? 1 : 0),
  };
}

function emptyChart(kind: ChartKind, title: string, width: number, sourceRows: number): Chart {
  return new Chart({
    kind,
    grammar: "vega-lite",
    spec: noDataSpec(title, "No data: the frame has no rows.", width),
    title,
    notes: ["No rows to draw."],
    sourceRows,
    empty: true,
  });
}

function checkBarInput(frame: DataFrame, options: BarChartOptions, series?: string): void {
  requireColumn(frame, options.category, "the categories", CATEGORY_KINDS);
  if (options.value) requireColumn(frame, options.value, "the bar lengths", ["numeric"]);
  if (series) requireColumn(frame, series, "the stacked segments", CATEGORY_KINDS);
}

export function buildBarChart(
  frame: DataFrame,
  options: BarChartOptions | StackedBarChartOptions,
  stacked: boolean,
): Chart {
  const series = stacked ? (options as StackedBarChartOptions).series : undefined;
  checkBarInput(frame, options, series);
  const kind: ChartKind = stacked ? "stacked-bar" : "bar";
  const aggregate = options.aggregate ?? "sum";
  const top = positiveInt(options.top, 25, "top");
  const maxSeries = positiveInt((options as StackedBarChartOptions).maxSeries, 10, "maxSeries");
  const title = options.title ??
    (options.value
      ? `${options.value} by ${options.category}${series ? ` and ${series}` : ""}`
      : `Rows by ${options.category}${series ? ` and ${series}` : ""}`);
  const width = options.width ?? (options.orientation === "vertical" ? DEFAULT_WIDTH : 560);
  if (frame.height === 0) return emptyChart(kind, title, width, 0);

  const categoryIsTime = columnKind(frame, options.category) === "temporal";
  const p = prepare(frame, options.category, series, options.value, aggregate, top, maxSeries);
  const sortBy = options.sort ?? (categoryIsTime ? "category" : "value");
  const vertical = options.orientation === "vertical";
  const valueAxis = vertical ? "y" : "x";
  const sort = sortBy === "value"
    ? { field: p.valueName, op: "sum", order: "descending" }
    : "ascending";
  const categoryEncoding: JsonObject = {
    field: options.category,
    type: "nominal",
    title: vertical ? (options.xTitle ?? options.category) : (options.yTitle ?? options.category),
    sort,
    ...(vertical ? { axis: { labelAngle: p.categories > 8 ? -40 : 0 } } : {}),
  };
  const grouped = stacked && (options as StackedBarChartOptions).grouped === true;
  const normalize = stacked && (options as StackedBarChartOptions).normalize === true;
  const valueEncoding: JsonObject = {
    field: p.valueName,
    type: "quantitative",
    title: vertical
      ? (options.yTitle ?? p.valueTitle)
      : (options.xTitle ?? options.yTitle ?? p.valueTitle),
    scale: valueScale(options),
    ...(stacked ? { stack: grouped ? null : normalize ? "normalize" : "zero" } : {}),
  };
  const encoding: JsonObject = {
    [vertical ? "x" : "y"]: categoryEncoding,
    [valueAxis]: valueEncoding,
    tooltip: [
      tooltipField(options.category, "nominal"),
      ...(series ? [tooltipField(series, "nominal")] : []),
      tooltipField(p.valueName, "quantitative"),
    ],
  };
  if (series) {
    encoding.color = withLegend({ field: series, type: "nominal", title: series }, options);
    if (grouped) encoding[vertical ? "xOffset" : "yOffset"] = { field: series };
  }
  const band = grouped ? 8 * Math.min(maxSeries, 4) : 20;
  const height = options.height ?? (vertical ? 320 : Math.max(60, p.categories * band));
  let values = toValues(p.frame, [options.category, p.valueName, ...(series ? [series] : [])]);
  if (options.yScale === "log") {
    p.notes.push(...logNote(values, p.valueName));
    values = positiveOnly(values, p.valueName);
  }
  const layers: JsonObject[] = [{ mark: { type: "bar" } }];
  if (!stacked && !vertical) {
    layers.push({
      mark: { type: "text", align: "left", dx: 3, fontSize: 10, color: "#444" },
      encoding: { text: { field: p.valueName, type: "quantitative", format: ",~r" } },
    });
  }
  const spec = vegaLite(title, p.notes, { data: { values }, encoding, layer: layers }, {
    width,
    height,
  });
  return new Chart({
    kind,
    grammar: "vega-lite",
    spec,
    title,
    notes: p.notes,
    sourceRows: frame.height,
  });
}

export function buildPieChart(frame: DataFrame, options: PieChartOptions): Chart {
  requireColumn(frame, options.category, "the slices", CATEGORY_KINDS);
  if (options.value) requireColumn(frame, options.value, "the slice sizes", ["numeric"]);
  const top = positiveInt(options.top, 10, "top");
  const title = options.title ??
    (options.value ? `${options.value} by ${options.category}` : `Rows by ${options.category}`);
  const size = options.width ?? 320;
  if (frame.height === 0) return emptyChart("pie", title, size, 0);
  const p = prepare(frame, options.category, undefined, options.value, "sum", top, 1);
  const values = toValues(p.frame, [options.category, p.valueName]);
  const spec = vegaLite(title, p.notes, {
    data: { values },
    mark: { type: "arc", innerRadius: 0, stroke: "white", tooltip: true },
    encoding: {
      theta: { field: p.valueName, type: "quantitative", stack: true },
      color: withLegend({
        field: options.category,
        type: "nominal",
        title: options.category,
        sort: { field: p.valueName, order: "descending" },
      }, { legend: options.legend }),
      order: { field: p.valueName, type: "quantitative", sort: "descending" },
      tooltip: [
        tooltipField(options.category, "nominal"),
        tooltipField(p.valueName, "quantitative"),
      ],
    },
  }, { width: size, height: options.height ?? size });
  return new Chart({
    kind: "pie",
    grammar: "vega-lite",
    spec,
    title,
    notes: p.notes,
    sourceRows: frame.height,
  });
}
