/**
 * Chart builders: small functions that turn a DataFrame into a {@link Chart} (a vega-lite
 * specification with its data inlined). Large frames are reduced in Polars before drawing
 * (binned in time, sampled, top categories kept) and every reduction is written in the
 * chart's notes, under its title: nothing is dropped silently.
 *
 * Bad input fails early with a {@link ChartError} naming the column and what would fit
 * (a did-you-mean for a misspelt name, the columns of the right type for a wrong one). An
 * empty frame is not an error: the chart says "No data" where the marks would be and
 * `chart.empty` is true, so reports and notebooks never show a broken image.
 *
 * @module
 */
import type { DataFrame } from "../polars.ts";
import type { Chart } from "./chart.ts";
import { buildTimeline, type TimelineOptions } from "./_timeline.ts";
import { buildTimeChart, type TimeChartOptions } from "./_time_chart.ts";
import {
  type BarChartOptions,
  buildBarChart,
  buildPieChart,
  type PieChartOptions,
  type StackedBarChartOptions,
} from "./_bar.ts";
import { buildHeatmap, type HeatmapOptions } from "./_heatmap.ts";
import { buildScatter, type ScatterChartOptions } from "./_scatter.ts";
import { buildHistogram, type HistogramOptions } from "./_histogram.ts";
import { buildProcessTreeChart, type ProcessTreeOptions } from "./_process_tree.ts";
import { checkOptions } from "../options.ts";
import {
  BAR_CHART_OPTIONS,
  HEATMAP_OPTIONS,
  HISTOGRAM_OPTIONS,
  PIE_CHART_OPTIONS,
  PROCESS_TREE_OPTIONS,
  RENDER_CHART_OPTIONS,
  SCATTER_CHART_OPTIONS,
  STACKED_BAR_CHART_OPTIONS,
  TIME_CHART_OPTIONS,
  TIMELINE_OPTIONS,
} from "./_option_specs.ts";
import { buildRenderChart, type RenderChartOptions, type RenderInput } from "./_render.ts";

export type { TimelineMarker, TimelineOptions } from "./_timeline.ts";
export type { TimeChartOptions } from "./_time_chart.ts";
export type { BarChartOptions, PieChartOptions, StackedBarChartOptions } from "./_bar.ts";
export type { HeatmapOptions } from "./_heatmap.ts";
export type { ScatterChartOptions } from "./_scatter.ts";
export type { HistogramOptions } from "./_histogram.ts";
export type { ProcessTreeOptions } from "./_process_tree.ts";
export type { RenderChartOptions, RenderInput, RenderVisualization } from "./_render.ts";
export { RENDER_VISUALIZATIONS } from "./_render.ts";
export type { Aggregate } from "./_data.ts";
export type { AxisOptions, ChartOptions } from "./_options.ts";

/**
 * An event timeline: one lane per `group` (a host, an account, a table), one diamond per
 * event, optional labelled markers (alerts, known attack steps). Above `maxEvents` events
 * (default 5,000), events are counted in time bins and each lane becomes a strip of
 * coloured cells; the chart's notes say so.
 *
 * @param frame The events.
 * @param options The time column (default `TimeGenerated`), lanes, colours, markers.
 * @returns The chart.
 * @throws {ChartError} when a column is missing or not of a usable type.
 *
 * @example The password spray, one lane per source address
 * ```ts
 * import assert from "node:assert/strict";
 * import { timelineChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const spray = await provider.query(`SigninLogs
 *   | where IPAddress in ("203.0.113.61", "203.0.113.88", "203.0.113.45")`);
 * const chart = timelineChart(spray.frame, {
 *   group: "IPAddress",
 *   color: "ResultType",
 *   markers: [{ time: new Date("2026-03-11T05:12:44Z"), label: "Password Spray alert" }],
 * });
 * assert.deepEqual([chart.kind, chart.title], ["timeline", "Events by IPAddress"]);
 * assert.equal(chart.sourceRows, spray.frame.height);
 * assert.deepEqual(chart.notes, []); // every sign-in drawn, nothing binned or merged
 * ```
 */
export function timelineChart(frame: DataFrame, options: TimelineOptions = {}): Chart {
  // Columns are checked by the builders, which know each one's role and type.
  checkOptions("timelineChart", options, TIMELINE_OPTIONS);
  return buildTimeline(frame, options);
}

/**
 * A time chart: numeric `values` over time as lines (or areas), one per `series`; without
 * `values`, rows are counted per time bin (events over time, gaps drawn as zero). Above
 * `maxPoints` points, values are combined in time bins (noted).
 *
 * @param frame The rows to draw.
 * @param options The time column (default `TimeGenerated`), values, series, mark.
 * @returns The chart.
 * @throws {ChartError} when a column is missing or not of a usable type.
 *
 * @example The beacon's steady heartbeat, connections per hour
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const beacon = await provider.query(`DeviceNetworkEvents
 *   | where RemoteUrl == "cdn.edgeupdate-sync.example"`);
 * const chart = timeChart(beacon.frame, { step: 60 * 60 * 1000, title: "C2 connections per hour" });
 * assert.equal(chart.title, "C2 connections per hour");
 * assert.equal(chart.sourceRows, beacon.frame.height);
 * const y = (chart.spec.layer as { encoding: { y: { title: string } } }[])[0].encoding.y;
 * assert.equal(y.title, "events per 1 h");
 * ```
 */
export function timeChart(frame: DataFrame, options: TimeChartOptions = {}): Chart {
  checkOptions("timeChart", options, TIME_CHART_OPTIONS);
  return buildTimeChart(frame, options);
}

/**
 * A bar chart: one bar per `category`, measuring `value` (summed) or counting rows. The
 * `top` categories (default 25) are drawn; the rest are combined into one "others" bar.
 * `orientation: "vertical"` draws columns.
 *
 * @param frame The rows to aggregate.
 * @param options The category, value, orientation, top N.
 * @returns The chart.
 * @throws {ChartError} when a column is missing or not of a usable type.
 *
 * @example Failed sign-ins by result code
 * ```ts
 * import assert from "node:assert/strict";
 * import { barChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const failures = await provider.query(`SigninLogs | where ResultType != "0"`);
 * const chart = barChart(failures.frame, { category: "ResultType", title: "Failed sign-ins" });
 * assert.deepEqual([chart.kind, chart.title, chart.notes], ["bar", "Failed sign-ins", []]);
 * const bars = (chart.spec.data as { values: { count: number }[] }).values;
 * assert.equal(bars.reduce((sum, bar) => sum + bar.count, 0), failures.frame.height);
 * ```
 */
export function barChart(frame: DataFrame, options: BarChartOptions): Chart {
  checkOptions("barChart", options, BAR_CHART_OPTIONS);
  return buildBarChart(frame, options, false);
}

/**
 * A stacked bar chart: one bar per `category`, split by `series`. `normalize` stacks to
 * 100 %; `grouped` puts the segments side by side.
 *
 * @param frame The rows to aggregate.
 * @param options The category, series, value, orientation.
 * @returns The chart.
 * @throws {ChartError} when a column is missing or not of a usable type.
 *
 * @example Sign-ins per application, split by client app
 * ```ts
 * import assert from "node:assert/strict";
 * import { stackedBarChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const signins = await provider.query("SigninLogs");
 * const chart = stackedBarChart(signins.frame, { category: "AppDisplayName", series: "ClientAppUsed" });
 * assert.deepEqual([chart.kind, chart.notes], ["stacked-bar", []]);
 * assert.equal(chart.sourceRows, signins.frame.height);
 * ```
 */
export function stackedBarChart(frame: DataFrame, options: StackedBarChartOptions): Chart {
  checkOptions("stackedBarChart", options, STACKED_BAR_CHART_OPTIONS);
  return buildBarChart(frame, options, true);
}

/**
 * A pie chart: one slice per `category` (the `top` 10, the rest combined), measuring `value`
 * or counting rows.
 *
 * @param frame The rows to aggregate.
 * @param options The category and value.
 * @returns The chart.
 * @throws {ChartError} when a column is missing or not of a usable type.
 *
 * @example Alerts by severity
 * ```ts
 * import assert from "node:assert/strict";
 * import { pieChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const alerts = await openLocalProvider().then((p) => p.query("SecurityAlert"));
 * const chart = pieChart(alerts.frame, { category: "AlertSeverity" });
 * assert.deepEqual([chart.kind, chart.title], ["pie", "Rows by AlertSeverity"]);
 * ```
 */
export function pieChart(frame: DataFrame, options: PieChartOptions): Chart {
  checkOptions("pieChart", options, PIE_CHART_OPTIONS);
  return buildPieChart(frame, options);
}

/**
 * A heat map of activity by hour of day (UTC) and weekday: counts (or a summed `value`)
 * in each of the 168 cells, computed in Polars whatever the frame's size.
 *
 * @param frame The rows to count.
 * @param options The time column (default `TimeGenerated`) and value.
 * @returns The chart.
 * @throws {ChartError} when the time column is missing or not a datetime.
 *
 * @example When does the attacker's address sign in?
 * ```ts
 * import assert from "node:assert/strict";
 * import { heatmapChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const signins = await provider.query("SigninLogs");
 * const chart = heatmapChart(signins.frame);
 * assert.deepEqual([chart.kind, chart.title], ["heatmap", "Events by hour and weekday (UTC)"]);
 * const cells = (chart.spec.data as { values: { events: number }[] }).values;
 * assert.equal(cells.reduce((sum, cell) => sum + cell.events, 0), signins.frame.height);
 * ```
 */
export function heatmapChart(frame: DataFrame, options: HeatmapOptions = {}): Chart {
  checkOptions("heatmapChart", options, HEATMAP_OPTIONS);
  return buildHeatmap(frame, options);
}

/**
 * A scatter chart of `y` against `x` (numeric or datetime). Above `maxPoints` points
 * (default 5,000), a reproducible random sample is drawn and noted.
 *
 * @param frame The rows to draw.
 * @param options The columns for x, y, colour and size.
 * @returns The chart.
 * @throws {ChartError} when a column is missing or not of a usable type.
 *
 * @example Bytes sent against bytes received per firewall session
 * ```ts
 * import assert from "node:assert/strict";
 * import { scatterChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const flows = await openLocalProvider().then((p) => p.query("CommonSecurityLog"));
 * const chart = scatterChart(flows.frame, { x: "ReceivedBytes", y: "SentBytes", xScale: "log", yScale: "log" });
 * assert.equal(chart.kind, "scatter");
 * assert.match(chart.notes[0], /^A random sample of 5,000 of [\d,]+ points is drawn\.$/);
 * ```
 */
export function scatterChart(frame: DataFrame, options: ScatterChartOptions): Chart {
  checkOptions("scatterChart", options, SCATTER_CHART_OPTIONS);
  return buildScatter(frame, options);
}

/**
 * A histogram of a numeric (or datetime) column, binned in Polars; `logBins` spaces the
 * bins logarithmically for heavy-tailed values such as byte counts.
 *
 * @param frame The rows to count.
 * @param options The value column, number of bins, log bins, stacking column.
 * @returns The chart.
 * @throws {ChartError} when the column is missing or not numeric.
 *
 * @example How large are outbound sessions?
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogramChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const flows = await openLocalProvider().then((p) => p.query("CommonSecurityLog"));
 * const chart = histogramChart(flows.frame, { value: "SentBytes", logBins: true });
 * assert.deepEqual([chart.kind, chart.title], ["histogram", "Distribution of SentBytes"]);
 * const bins = (chart.spec.data as { values: { count: number }[] }).values;
 * assert.equal(bins.reduce((sum, bin) => sum + bin.count, 0), flows.frame.height);
 * ```
 */
export function histogramChart(frame: DataFrame, options: HistogramOptions): Chart {
  checkOptions("histogramChart", options, HISTOGRAM_OPTIONS);
  return buildHistogram(frame, options);
}

/**
 * A process tree (vega tree layout): one node per row, linked to its parent by id. Column
 * names are options (default `key`, `parentKey`, `label`). Parents missing from the frame
 * make roots; several roots hang under one "(N roots)" node; beyond `maxNodes` (default
 * 300) deeper processes are summarised as "+N more" nodes and noted.
 *
 * @param frame One row per process.
 * @param options The id, parent and label columns, colour, tooltip, order.
 * @returns The chart (a vega specification).
 * @throws {ChartError} when a column is missing or not of a usable type.
 *
 * @example The implant's children on the victim's workstation
 * ```ts
 * import assert from "node:assert/strict";
 * import { processTreeChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const processes = await provider.query(`DeviceProcessEvents
 *   | where DeviceName startswith "lks-ws-1042" and TimeGenerated between (datetime(2026-03-12T01:50:00Z) .. 30m)
 *   | project key = ProcessId, parentKey = InitiatingProcessId, label = FileName, TimeGenerated`);
 * const chart = processTreeChart(processes.frame, { sort: "TimeGenerated" });
 * assert.deepEqual([chart.kind, chart.grammar, chart.notes], ["process-tree", "vega", []]);
 * const [tree] = chart.spec.data as { values: { label: string }[] }[];
 * assert.ok(tree.values.some((node) => node.label === "powershell.exe"));
 * ```
 */
export function processTreeChart(frame: DataFrame, options: ProcessTreeOptions = {}): Chart {
  checkOptions("processTreeChart", options, PROCESS_TREE_OPTIONS);
  return buildProcessTreeChart(frame, options);
}

/**
 * The chart a KQL query's `render` asks for (timechart, linechart, areachart,
 * stackedareachart, barchart, columnchart, piechart, scatterchart, anomalychart), with its
 * properties honoured: title, xtitle, ytitle, xcolumn, ycolumns, series, legend, xaxis,
 * yaxis, ymin, ymax, kind (stacked, unstacked, stacked100), accumulate, anomalycolumns.
 * Properties it does not draw are listed in the chart's notes. `make-series` results
 * (arrays) are expanded to one row per point.
 *
 * @param result A query result, or a frame: one bound from a query ending in `render` (in
 *   the REPL, by `session.query`, restored with its session) draws that chart; any frame
 *   draws with `{ visualization }`.
 * @param options Another visualization or extra properties.
 * @returns The chart.
 * @throws {ChartError} when the query has no `render`, asks for a chart casefile does not
 *   draw, or names a column that is missing.
 *
 * @example Sign-ins per hour, as the query asks
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const result = await provider.query(`SigninLogs
 *   | summarize Signins = count() by bin(TimeGenerated, 1h), ClientAppUsed
 *   | render timechart with (title="Sign-ins per hour", ytitle="sign-ins")`);
 * const chart = renderChart(result);
 * assert.deepEqual([chart.kind, chart.title], ["timechart", "Sign-ins per hour"]);
 * assert.equal(chart.sourceRows, result.frame.height);
 * // Any frame, told which chart to draw.
 * const pie = renderChart(result.frame, { visualization: "piechart" });
 * assert.equal(pie.kind, "pie");
 * ```
 */
export function renderChart(
  result: RenderInput | DataFrame,
  options: RenderChartOptions = {},
): Chart {
  checkOptions("renderChart", options, RENDER_CHART_OPTIONS);
  return buildRenderChart(result, options);
}
