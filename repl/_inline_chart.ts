/**
 * A chart as an inline image for the terminal (PNG through resvg, in the terminal's
 * protocol). Loaded on first use: it loads vega.
 *
 * @module
 */
import type { DataFrame } from "../src/polars.ts";
import type { RenderSpec } from "../src/providers/mod.ts";
import type { TableSchema } from "../src/schema/mod.ts";
import { renderChart } from "../src/viz/charts.ts";
import { type Chart, isChart } from "../src/viz/chart.ts";
import { chartToPng } from "../src/viz/render.ts";
import { type ImageProtocol, inlineImage } from "./_image.ts";

/** `chart` as `protocol`'s escape sequence. */
export async function chartImage(chart: Chart, protocol: ImageProtocol): Promise<string> {
  return inlineImage(protocol, await chartToPng(chart), `${chart.kind}.png`);
}

/** The chart a query's `render` asks for, as `protocol`'s escape sequence. */
export function renderedImage(
  frame: DataFrame,
  render: RenderSpec,
  protocol: ImageProtocol,
  schema?: TableSchema,
): Promise<string> {
  return chartImage(renderChart({ frame, render, schema }), protocol);
}

/** A code step's value as an inline image when it is a chart, else "". */
export async function valueImage(value: unknown, protocol: ImageProtocol): Promise<string> {
  return isChart(value) ? await chartImage(value, protocol) : "";
}
