/** The run-time declarations of the chart builders' options (see `src/options.ts`). */
import { defineOptions, type OptionSpec } from "../options.ts";
import type { TimelineOptions } from "./_timeline.ts";
import type { TimeChartOptions } from "./_time_chart.ts";
import type { BarChartOptions, PieChartOptions, StackedBarChartOptions } from "./_bar.ts";
import type { HeatmapOptions } from "./_heatmap.ts";
import type { ScatterChartOptions } from "./_scatter.ts";
import type { HistogramOptions } from "./_histogram.ts";
import type { ProcessTreeOptions } from "./_process_tree.ts";
import type { RenderChartOptions } from "./_render.ts";
import type { AxisOptions, ChartOptions } from "./_options.ts";

const CHART = {
  title: "string",
  width: "number",
  height: "number",
} as const satisfies Record<keyof ChartOptions, OptionSpec>;

const SCALE = { oneOf: ["linear", "log"] } as const;
const AXIS = {
  xTitle: "string",
  yTitle: "string",
  yScale: SCALE,
  xScale: SCALE,
  yMin: "number",
  yMax: "number",
  legend: "boolean",
} as const satisfies Record<keyof AxisOptions, OptionSpec>;

const AGGREGATE = { oneOf: ["sum", "mean", "min", "max", "count"] } as const;

/** Options of `timelineChart`. */
export const TIMELINE_OPTIONS = defineOptions<TimelineOptions>("timelineChart", {
  ...CHART,
  time: "column",
  group: { kind: "column", aliases: ["lane", "lanes", "by", "series", "y"] },
  color: { kind: "column", aliases: ["colour"] },
  tooltip: "columns",
  markers: "array",
  maxEvents: "number",
  maxGroups: "number",
});

/** Options of `timeChart`. */
export const TIME_CHART_OPTIONS = defineOptions<TimeChartOptions>("timeChart", {
  ...CHART,
  ...AXIS,
  time: { kind: "column", aliases: ["x"] },
  values: { kind: "columns", aliases: ["y", "value", "columns", "ycolumns"] },
  series: { kind: "column", aliases: ["group", "by", "color"] },
  mark: { oneOf: ["line", "area"] },
  stack: { kind: "boolean", oneOf: ["normalize"] },
  aggregate: AGGREGATE,
  step: { kind: "number", aliases: ["bin"] },
  maxPoints: "number",
  maxSeries: "number",
  accumulate: "boolean",
  highlight: "object",
});

const BAR = {
  ...CHART,
  ...AXIS,
  category: { kind: "column", aliases: ["x", "by", "group"] },
  value: { kind: "column", aliases: ["y", "values"] },
  aggregate: AGGREGATE,
  orientation: { oneOf: ["horizontal", "vertical"] },
  top: "number",
  sort: { oneOf: ["value", "category"] },
} as const satisfies Record<keyof BarChartOptions, OptionSpec>;

/** Options of `barChart`. */
export const BAR_CHART_OPTIONS = defineOptions<BarChartOptions>("barChart", BAR);

/** Options of `stackedBarChart`. */
export const STACKED_BAR_CHART_OPTIONS = defineOptions<StackedBarChartOptions>(
  "stackedBarChart",
  {
    ...BAR,
    series: { kind: "column", aliases: ["color", "stack"] },
    maxSeries: "number",
    normalize: "boolean",
    grouped: "boolean",
  },
);

/** Options of `pieChart`. */
export const PIE_CHART_OPTIONS = defineOptions<PieChartOptions>("pieChart", {
  ...CHART,
  category: { kind: "column", aliases: ["by", "group"] },
  value: { kind: "column", aliases: ["values", "y"] },
  top: "number",
  legend: "boolean",
});

/** Options of `heatmapChart`. */
export const HEATMAP_OPTIONS = defineOptions<HeatmapOptions>("heatmapChart", {
  ...CHART,
  time: "column",
  value: { kind: "column", aliases: ["values"] },
  aggregate: AGGREGATE,
});

/** Options of `scatterChart`. */
export const SCATTER_CHART_OPTIONS = defineOptions<ScatterChartOptions>("scatterChart", {
  ...CHART,
  ...AXIS,
  x: "column",
  y: "column",
  color: { kind: "column", aliases: ["colour", "series"] },
  size: "column",
  tooltip: "columns",
  maxPoints: "number",
});

/** Options of `histogramChart`. */
export const HISTOGRAM_OPTIONS = defineOptions<HistogramOptions>("histogramChart", {
  ...CHART,
  ...AXIS,
  value: { kind: "column", aliases: ["column", "values", "x"] },
  bins: { kind: "number", aliases: ["bin"] },
  logBins: "boolean",
  color: { kind: "column", aliases: ["series", "stack"] },
});

/** Options of `processTreeChart`. */
export const PROCESS_TREE_OPTIONS = defineOptions<ProcessTreeOptions>("processTreeChart", {
  ...CHART,
  id: { kind: "column", aliases: ["key"] },
  parent: { kind: "column", aliases: ["parentKey", "parentId"] },
  label: "column",
  color: "column",
  tooltip: "columns",
  sort: "column",
  maxNodes: "number",
  rootLabel: "string",
});

/** Options of `renderChart`. */
export const RENDER_CHART_OPTIONS = defineOptions<RenderChartOptions>("renderChart", {
  ...CHART,
  visualization: { kind: "string", aliases: ["kind", "type", "render"] },
  properties: "object",
});
