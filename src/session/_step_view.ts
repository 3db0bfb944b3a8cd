/**
 * What the analyst saw of a step, for the report, the notebook export and `.history`: what
 * it printed, its table, its value as text (a process tree's drawing, a decode result),
 * and its chart (one a code step made, or the one a query's `render` asked for) as SVG.
 *
 * @module
 */
import { join } from "node:path";
import type { DataFrame } from "../polars.ts";
import type { RenderSpec } from "../providers/mod.ts";
import type { Session } from "./session.ts";
import type { Step } from "./_step_list.ts";
import { asFrame } from "./_values.ts";

/** A step as it was shown. */
export interface StepView {
  /** What the step printed. */
  readonly output?: string;
  /** Its result table (restored from the cache). */
  readonly frame?: DataFrame;
  /** Its value as text, when it is not a table (JSON, a tree's drawing, an inspected value). */
  readonly text?: string;
  /** Its chart as SVG markup, when it has one and it could be drawn. */
  readonly svg?: string;
  /** What the chart is (`timechart: Failed sign-ins`), drawn or not. */
  readonly chart?: string;
  /** The kind of chart (`timechart`, `bar`, ...). */
  readonly chartKind?: string;
  /** Why the chart could not be drawn. */
  readonly chartProblem?: string;
}

/**
 * Draws a query's `render` chart (an inline SVG or HTML fragment), as the report's
 * `renderChart` option does.
 */
export type ChartRenderer = (
  step: Step,
  frame: DataFrame,
  render: RenderSpec,
) => string | undefined | Promise<string | undefined>;

/**
 * What `step` showed. `render` draws a query's `render` chart (default: as SVG); `false`
 * leaves query charts undrawn.
 */
export async function stepView(
  session: Session,
  step: Step,
  render: ChartRenderer | false = svgChart,
): Promise<StepView> {
  const r = step.record;
  const value = step.restored ? session.value(r.position) : undefined;
  const frame = asFrame(value);
  let text: string | undefined;
  if (!frame) {
    const result = r.result;
    if (result?.kind === "json") text = JSON.stringify(result.value, null, 2) ?? "undefined";
    else if (result?.kind === "other") text = result.type === "undefined" ? undefined : result.text;
    else if (result) text = "The result is not in the cache (run the step again to see it).";
  }
  let svg: string | undefined;
  let chart: string | undefined;
  let chartKind: string | undefined;
  let chartProblem: string | undefined;
  if (r.chart) {
    chart = `${r.chart.kind}: ${r.chart.title}`;
    chartKind = r.chart.kind;
    try {
      svg = await Deno.readTextFile(join(session.dir, r.chart.file));
    } catch (error) {
      chartProblem = `the chart file is missing (${(error as Error).message})`;
    }
  } else if (r.render) {
    chart = renderLabel(r.render);
    chartKind = r.render.visualization;
    if (frame && render !== false) {
      try {
        svg = await render(step, frame, r.render);
      } catch (error) {
        chartProblem = (error as Error).message;
      }
    }
  }
  return { output: r.output, frame, text, svg, chart, chartKind, chartProblem };
}

/** `timechart (title="x")` */
export function renderLabel(spec: RenderSpec): string {
  const props = Object.entries(spec.properties).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${spec.visualization}${props.length ? ` (${props.join(", ")})` : ""}`;
}

/** The charts, loaded on first use by a specifier `deno run` does not read ahead. */
const VIZ_URL = new URL("../viz/mod.ts", import.meta.url);

/** A query's `render` chart, drawn as SVG (vega loads on first use). */
export async function svgChart(step: Step, frame: DataFrame, render: RenderSpec): Promise<string> {
  const { chartToSvg, renderChart } = await import(VIZ_URL.href) as typeof import("../viz/mod.ts");
  const result = step.record.result;
  const columns = result?.kind === "frame" ? result.columns : undefined;
  const chart = renderChart({
    frame,
    render,
    schema: columns ? { name: step.record.name, columns } : undefined,
  });
  return await chartToSvg(chart);
}
