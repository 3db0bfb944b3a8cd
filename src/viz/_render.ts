/** The chart a KQL `render` operator asks for, with its properties honoured. */
import { type DataFrame, isDataFrame, pl } from "../polars.ts";
import type { RenderSpec } from "../providers/provider.ts";
import { renderOf } from "../providers/frame_render.ts";
import type { TableSchema } from "../schema/types.ts";
import { didYouMean } from "../errors.ts";
import { Chart, type ChartKind } from "./chart.ts";
import { columnKind, columnsOfKind, requireColumn } from "./_columns.ts";
import type { AxisOptions, ChartOptions } from "./_options.ts";
import { buildTimeChart } from "./_time_chart.ts";
import { buildBarChart, buildPieChart } from "./_bar.ts";
import { buildScatter } from "./_scatter.ts";
import { ChartError } from "./errors.ts";

/** The `render` visualizations casefile draws. */
export const RENDER_VISUALIZATIONS = [
  "timechart",
  "linechart",
  "areachart",
  "stackedareachart",
  "barchart",
  "columnchart",
  "piechart",
  "scatterchart",
  "anomalychart",
] as const;

/** One `render` visualization casefile draws. */
export type RenderVisualization = typeof RENDER_VISUALIZATIONS[number];

/** What {@link renderChart} draws from: a query result, or a frame with a render spec. */
export interface RenderInput {
  /** The rows to draw. */
  readonly frame: DataFrame;
  /** The query's `render` (its visualization and properties), when it had one. */
  readonly render?: RenderSpec;
  /** Kusto types of the frame's columns (tells `dynamic` arrays from text). */
  readonly schema?: TableSchema;
}

/** Options of {@link renderChart}. */
export interface RenderChartOptions extends ChartOptions {
  /** Draw this visualization instead of (or without) the query's `render`. */
  visualization?: string;
  /** Properties added to (and overriding) the query's `render ... with (...)`. */
  properties?: Readonly<Record<string, unknown>>;
}

/** The `render` properties casefile honours. */
const HONOURED = new Set([
  "title",
  "xtitle",
  "ytitle",
  "xcolumn",
  "ycolumns",
  "series",
  "legend",
  "xaxis",
  "yaxis",
  "ymin",
  "ymax",
  "kind",
  "accumulate",
  "anomalycolumns",
]);

/** A `render` request read: the visualization, its properties and what they set. */
interface RenderContext {
  readonly visualization: RenderVisualization;
  /** The frame to draw (`make-series` arrays expanded). */
  readonly frame: DataFrame;
  /** A property's value (names lower-cased). */
  readonly prop: (name: string) => unknown;
  /** A property's column names (one or a list); undefined when unset. */
  readonly names: (name: string) => string[] | undefined;
  readonly axes: AxisOptions;
  /** The `kind` property, lower-cased (`default` when unset). */
  readonly kind: string;
  readonly common: ChartOptions;
  /** Notes of the render itself (properties not drawn, ...), added to the chart's own. */
  readonly notes: string[];
}

/** The chart a `render` asks for: the visualization checked, its properties read, drawn. */
export function buildRenderChart(
  given: RenderInput | DataFrame,
  options: RenderChartOptions,
): Chart {
  const input = renderInputOf(given);
  const visualization = checkVisualization(input, options);
  const context = readRender(input, options, visualization);
  const { chart, kind } = drawRender(context);
  const notes = [...chart.notes, ...context.notes];
  return new Chart({
    kind: kind ?? chart.kind,
    grammar: chart.grammar,
    spec: withNotes(chart.spec, notes),
    title: chart.title,
    notes,
    sourceRows: input.frame.height,
    empty: chart.empty,
  });
}

/**
 * What to draw: a query result as is; a frame with the `render` of the query it came from
 * (bound in the REPL, by `session.query`, restored), or none. Anything else (untyped code
 * may pass anything) is a {@link ChartError}, never a TypeError from deep inside.
 */
export function renderInputOf(value: unknown): RenderInput {
  if (isDataFrame(value)) {
    const attached = renderOf(value);
    return { frame: value, render: attached?.render, schema: attached?.schema };
  }
  if (typeof value === "object" && value !== null && isDataFrame((value as RenderInput).frame)) {
    return value as RenderInput;
  }
  throw new ChartError(`Cannot draw a chart of ${describeValue(value)}.`, {
    hint: "Pass a query result or a DataFrame: renderChart(result) or " +
      'renderChart(frame, { visualization: "timechart" }).',
  });
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return "an array (renderChart takes a frame)";
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return `${name && name !== "Object" ? `a ${name}` : "an object"} (renderChart takes a frame)`;
  }
  return `a ${typeof value} (renderChart takes a frame)`;
}

/** The visualization asked for, when casefile draws it. */
function checkVisualization(input: RenderInput, options: RenderChartOptions): RenderVisualization {
  const visualization = (options.visualization ?? input.render?.visualization)?.toLowerCase();
  if (!visualization) {
    throw new ChartError("Cannot draw the query's chart: the query has no `render`.", {
      hint: "End the query with `| render timechart` (or barchart, piechart, ...), " +
        'or pass { visualization: "timechart" }.',
    });
  }
  if (!(RENDER_VISUALIZATIONS as readonly string[]).includes(visualization)) {
    throw new ChartError(`Cannot draw \`render ${visualization}\`: casefile does not draw it.`, {
      hint: [
        didYouMean(visualization, RENDER_VISUALIZATIONS),
        `casefile draws ${RENDER_VISUALIZATIONS.join(", ")}.`,
      ].filter(Boolean).join(" "),
    });
  }
  return visualization as RenderVisualization;
}

/** The query's own properties, overridden by the caller's; those not drawn are noted. */
function readRender(
  input: RenderInput,
  options: RenderChartOptions,
  visualization: RenderVisualization,
): RenderContext {
  const properties: Record<string, unknown> = {
    ...(input.render?.properties ?? {}),
    ...options.properties,
  };
  const lowered = new Map(Object.entries(properties).map(([k, v]) => [k.toLowerCase(), v]));
  const notes: string[] = [];
  const ignored = [...lowered.keys()].filter((k) => !HONOURED.has(k));
  if (ignored.length > 0) {
    notes.push(
      `render ${ignored.length === 1 ? "property" : "properties"} ${ignored.join(", ")} not drawn.`,
    );
  }
  const prop = (name: string) => lowered.get(name);
  const names = (name: string): string[] | undefined => {
    const value = prop(name);
    if (value === undefined || value === null || value === "") return undefined;
    return (Array.isArray(value) ? value : [value]).map(String);
  };
  const frame = expandSeries(input.frame, input.schema);
  const title = options.title ?? stringProp(prop("title")) ?? `render ${visualization}`;
  const axes: AxisOptions = {
    xTitle: stringProp(prop("xtitle")),
    yTitle: stringProp(prop("ytitle")),
    yScale: prop("yaxis") === "log" ? "log" : "linear",
    xScale: prop("xaxis") === "log" ? "log" : "linear",
    yMin: numberProp(prop("ymin")),
    yMax: numberProp(prop("ymax")),
    legend: prop("legend") !== "hidden",
  };
  const kind = (stringProp(prop("kind")) ?? "default").toLowerCase();
  const common: ChartOptions = { title, width: options.width, height: options.height };
  return { visualization, frame, prop, names, axes, kind, common, notes };
}

/** The chart of each visualization (and the kind it is shown as, where not its own). */
function drawRender(c: RenderContext): { chart: Chart; kind?: ChartKind } {
  switch (c.visualization) {
    case "timechart":
    case "linechart":
    case "areachart":
    case "stackedareachart":
    case "anomalychart":
      return {
        chart: renderTimeChart(c),
        kind: c.visualization === "anomalychart" ? "anomaly" : "timechart",
      };
    case "barchart":
    case "columnchart":
      return { chart: renderBarChart(c) };
    case "piechart":
      return { chart: renderPieChart(c) };
    case "scatterchart":
      return { chart: renderScatterChart(c) };
  }
}

/** timechart, linechart, areachart, stackedareachart and anomalychart. */
function renderTimeChart(c: RenderContext): Chart {
  const { frame, names, kind, visualization: v } = c;
  const anomalies = names("anomalycolumns") ?? [];
  for (const a of anomalies) requireColumn(frame, a, "the anomalies", ["numeric"]);
  const x = names("xcolumn")?.[0] ??
    (v === "linechart" ? frame.columns[0] : columnsOfKind(frame, ["temporal"])[0]);
  if (x === undefined) {
    throw new ChartError(`Cannot draw \`render ${v}\`: the result has no datetime column.`, {
      hint: "Keep a datetime column (e.g. `bin(TimeGenerated, 1h)`), or name one with `xcolumn=`.",
    });
  }
  requireColumn(frame, x, "the time axis (xcolumn)", ["temporal"]);
  const series = seriesColumn(frame, names("series") ?? textColumns(frame, [x]));
  const y = names("ycolumns") ??
    columnsOfKind(series.frame, ["numeric"]).filter((c) => c !== x && !anomalies.includes(c));
  if (y.length === 0) {
    throw new ChartError(
      `Cannot draw \`render ${v}\`: the result has no numeric column to plot.`,
      {
        hint: "Add a value, e.g. `summarize count() by bin(TimeGenerated, 1h)`.",
      },
    );
  }
  const area = v === "areachart" || v === "stackedareachart";
  const chart = buildTimeChart(series.frame, {
    ...c.common,
    ...c.axes,
    time: x,
    values: y,
    series: series.column,
    mark: area ? "area" : "line",
    stack: area
      ? (kind === "unstacked" ? false : kind === "stacked100" ? "normalize" : true)
      : undefined,
    accumulate: c.prop("accumulate") === true || c.prop("accumulate") === "true",
    highlight: anomalies.length > 0
      ? { column: anomalies[0], label: anomalies[0], on: y[0] }
      : undefined,
  });
  if (anomalies.length > 1) c.notes.push(`Only the anomalies of ${anomalies[0]} are marked.`);
  return chart;
}

/** barchart (horizontal) and columnchart (vertical): several ycolumns become series. */
function renderBarChart(c: RenderContext): Chart {
  const { frame, names, kind, axes } = c;
  const x = names("xcolumn")?.[0] ?? frame.columns[0];
  requireColumn(frame, x, "the categories (xcolumn)");
  const y = names("ycolumns") ?? columnsOfKind(frame, ["numeric"]).filter((c) => c !== x);
  const seriesNames = names("series") ?? textColumns(frame, [x]);
  const orientation = c.visualization === "barchart" ? "horizontal" : "vertical";
  let working = frame;
  let seriesColumnName: string | undefined;
  let value = y[0];
  if (y.length > 1) {
    for (const c of y) requireColumn(frame, c, "a bar value (ycolumns)", ["numeric"]);
    const keep = [x, ...seriesNames];
    working = pl.concat(y.map((c) =>
      frame.select(
        ...keep.map((k) => pl.col(k)),
        pl.lit(c).alias("measure"),
        pl.col(c).cast(pl.Float64).alias("value"),
      )
    ));
    const combined = seriesColumn(working, [...seriesNames, "measure"]);
    working = combined.frame;
    seriesColumnName = combined.column;
    value = "value";
  } else if (seriesNames.length > 0) {
    const combined = seriesColumn(working, seriesNames);
    working = combined.frame;
    seriesColumnName = combined.column;
  }
  const base = {
    ...c.common,
    ...axes,
    category: x,
    value,
    orientation,
    sort: columnKind(frame, x) === "temporal" ? "category" : undefined,
    yTitle: axes.yTitle ?? (value === "value" ? "value" : undefined),
  } as const;
  return seriesColumnName
    ? buildBarChart(working, {
      ...base,
      series: seriesColumnName,
      grouped: kind === "unstacked",
      normalize: kind === "stacked100",
    }, true)
    : buildBarChart(working, base, false);
}

/** piechart: the first text column's categories, the first numeric column's values. */
function renderPieChart(c: RenderContext): Chart {
  const { frame, names } = c;
  const category = names("xcolumn")?.[0] ?? textColumns(frame, [])[0] ?? frame.columns[0];
  const value = names("ycolumns")?.[0] ??
    columnsOfKind(frame, ["numeric"]).find((c) => c !== category);
  return buildPieChart(frame, { ...c.common, category, value, legend: c.axes.legend });
}

/** scatterchart: x against the first other numeric column, coloured by the series. */
function renderScatterChart(c: RenderContext): Chart {
  const { frame, names } = c;
  const x = names("xcolumn")?.[0] ?? frame.columns[0];
  const y = names("ycolumns")?.[0] ??
    columnsOfKind(frame, ["numeric"]).find((c) => c !== x);
  if (y === undefined) {
    throw new ChartError(
      "Cannot draw `render scatterchart`: the result has no numeric column.",
      {
        hint: "Project two numeric columns (or a datetime and a number).",
      },
    );
  }
  const seriesNames = names("series") ?? textColumns(frame, [x, y]);
  const series = seriesColumn(frame, seriesNames);
  return buildScatter(series.frame, { ...c.common, ...c.axes, x, y, color: series.column });
}

function stringProp(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

function numberProp(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function textColumns(frame: DataFrame, except: readonly string[]): string[] {
  return columnsOfKind(frame, ["text"]).filter((c) => !except.includes(c));
}

/** One series column: the only one as is, several joined with " · ". */
function seriesColumn(
  frame: DataFrame,
  columns: readonly string[],
): { frame: DataFrame; column?: string } {
  for (const c of columns) requireColumn(frame, c, "the series");
  if (columns.length === 0) return { frame };
  if (columns.length === 1) return { frame, column: columns[0] };
  const name = columns.filter((c) => c !== "measure").join(" · ") || "series";
  return {
    frame: frame.withColumns(
      pl.concatString(columns.map((c) => pl.col(c).cast(pl.Utf8).fillNull(pl.lit(""))), " · ")
        .alias(name),
    ),
    column: name,
  };
}

/** The title block with the render notes added. */
function withNotes(
  spec: Record<string, unknown>,
  notes: readonly string[],
): Record<string, unknown> {
  if (notes.length === 0) return spec;
  const title = spec.title as Record<string, unknown>;
  return { ...spec, title: { ...title, subtitle: [...notes] } };
}

/**
 * `make-series` results hold one row per series with arrays (Kusto `dynamic`) of times and
 * values; charts want one row per point. Rows are expanded, array elements paired by
 * position; datetime strings become datetimes.
 */
function expandSeries(frame: DataFrame, schema: TableSchema | undefined): DataFrame {
  const dynamic = new Set(
    (schema?.columns ?? []).filter((c) => c.type === "dynamic").map((c) => c.name),
  );
  const arrays = frame.columns.filter((c) => {
    if (!dynamic.has(c) || columnKind(frame, c) !== "text") return false;
    const first = frame.getColumn(c).dropNulls().head(1).toArray()[0];
    return typeof first === "string" && first.trimStart().startsWith("[");
  });
  if (arrays.length === 0 || frame.height === 0) return frame;
  const out: Record<string, unknown[]> = {};
  for (const c of arrays) out[c] = [];
  const indices: number[] = [];
  const rows = frame.select(...arrays).toRecords() as Record<string, unknown>[];
  for (const [index, row] of rows.entries()) {
    const parsed = arrays.map((c) => {
      try {
        const value = JSON.parse(String(row[c] ?? "[]"));
        return Array.isArray(value) ? value : [value];
      } catch {
        return [];
      }
    });
    const length = Math.max(...parsed.map((p) => p.length));
    for (let i = 0; i < length; i++) {
      indices.push(index);
      arrays.forEach((c, j) => out[c].push(parsed[j][i] ?? null));
    }
  }
  const columns = frame.columns.map((c) => {
    const values = out[c] ?? [];
    if (!arrays.includes(c)) return frame.getColumn(c).gather(indices);
    const present = values.filter((x) => x !== null && x !== undefined);
    if (present.length > 0 && present.every((x) => typeof x === "number")) {
      return pl.Series(
        c,
        values.map((x) => (typeof x === "number" ? x : null)) as never,
        pl.Float64,
      );
    }
    if (present.length > 0 && present.every((x) => typeof x === "string" && ISO_INSTANT.test(x))) {
      const dates = values.map((x) => (typeof x === "string" ? new Date(trimFraction(x)) : null));
      return pl.Series(c, dates as never, pl.Datetime("ms"));
    }
    return pl.Series(
      c,
      values.map((
        x,
      ) => (x === null || x === undefined
        ? null
        : typeof x === "string"
        ? x
        : JSON.stringify(x))
      ) as never,
      pl.Utf8,
    );
  });
  return pl.DataFrame(columns);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function trimFraction(text: string): string {
  return text.replace(/(\.\d{3})\d+/, "$1");
}
