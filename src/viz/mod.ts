/**
 * Charts of investigation data: small builders turn a DataFrame into a {@link Chart} (a
 * vega-lite, or for process trees vega, specification with its data inlined), and renderers
 * draw it without a browser as SVG, PNG or a self-contained HTML page. Large frames are
 * reduced in Polars before drawing (binned in time, sampled, top categories kept) and each
 * reduction is written in the chart's notes, under its title. Every builder takes the frame
 * first and its columns in an options object; a KQL query's `render` is drawn by
 * {@link renderChart}. vega itself loads with the first chart rendered, not with this module.
 *
 * @example Sign-ins over time, drawn as SVG
 * ```ts
 * import assert from "node:assert/strict";
 * import { chartToSvg, timeChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const signins = await provider.query("SigninLogs");
 * const chart = timeChart(signins.frame, { title: "Sign-ins" });
 * assert.deepEqual([chart.kind, chart.title, chart.empty], ["timechart", "Sign-ins", false]);
 * assert.equal(chart.sourceRows, signins.frame.height);
 * const svg = await chartToSvg(chart);
 * assert.ok(svg.startsWith("<svg") && svg.includes("Sign-ins"));
 * ```
 *
 * @module
 */
export { isChart } from "./chart.ts";
export type { Chart, ChartGrammar, ChartInit, ChartKind } from "./chart.ts";
export type { JsonObject } from "./_spec.ts";
export {
  barChart,
  heatmapChart,
  histogramChart,
  pieChart,
  processTreeChart,
  RENDER_VISUALIZATIONS,
  renderChart,
  scatterChart,
  stackedBarChart,
  timeChart,
  timelineChart,
} from "./charts.ts";
export type {
  Aggregate,
  AxisOptions,
  BarChartOptions,
  ChartOptions,
  HeatmapOptions,
  HistogramOptions,
  PieChartOptions,
  ProcessTreeOptions,
  RenderChartOptions,
  RenderInput,
  RenderVisualization,
  ScatterChartOptions,
  StackedBarChartOptions,
  TimeChartOptions,
  TimelineMarker,
  TimelineOptions,
} from "./charts.ts";
export { chartToHtml, chartToPng, chartToSvg, writeChart } from "./render.ts";
export type { ChartFormat, HtmlOptions, PngOptions, WriteChartOptions } from "./render.ts";
export { ChartError } from "./errors.ts";
export type { ChartErrorOptions } from "./errors.ts";
export { escapeHtml } from "./escape_html.ts";
export type { EscapeHtmlOptions } from "./escape_html.ts";
export { quietPunycode } from "./warnings.ts";
// Types the charts' signatures refer to, from the units that define them.
export type { DataFrame } from "../polars.ts";
export type { CasefileError, CasefileErrorOptions } from "../errors.ts";
export type { RenderSpec } from "../providers/mod.ts";
export type { ColumnSchema, KustoType, TableSchema } from "../schema/mod.ts";
