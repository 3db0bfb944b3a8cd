/** A chart as a Jupyter MIME bundle. */
import { Buffer } from "node:buffer";
import type { ChartParts } from "./_chart_types.ts";
import { svgOf } from "./_vega.ts";
import { pngOf } from "./_png.ts";

/** MIME type of each grammar in Jupyter front ends. */
export const CHART_MIME = {
  "vega-lite": "application/vnd.vegalite.v5+json",
  vega: "application/vnd.vega.v5+json",
} as const;

/** The chart's specification, a PNG of it (base64) and a one-line text description. */
export async function chartBundle(chart: ChartParts): Promise<Record<string, unknown>> {
  const png = await pngOf(await svgOf(chart), 1.5);
  const notes = chart.notes.length > 0 ? ` (${chart.notes.join("; ")})` : "";
  return {
    [CHART_MIME[chart.grammar]]: chart.spec,
    "image/png": Buffer.from(png).toString("base64"),
    "text/plain": `${chart.kind} chart: ${chart.title}${notes}`,
  };
}
