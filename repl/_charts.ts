/**
 * The REPL's door to charts: a result whose query ended in `render` is drawn to a file by
 * the viz capability (`writeChart`, re-exported from `mod.ts`) when this build has it;
 * otherwise the REPL names the chart kind only.
 *
 * Expected interface (from the viz capability):
 * `writeChart(frame, render, { path })` writes the chart and returns the path written.
 *
 * @module
 */
import { join } from "node:path";
import type { DataFrame } from "../src/polars.ts";
import type { RenderSpec } from "../src/providers/provider.ts";

/** What became of a chart. */
export type ChartOutcome =
  | { readonly kind: "written"; readonly path: string }
  | { readonly kind: "unavailable"; readonly visualization: string };

/**
 * Draws the chart a result asked for into `dir` (named after the step).
 */
export async function drawChart(
  frame: DataFrame,
  render: RenderSpec,
  dir: string,
  name: string,
): Promise<ChartOutcome> {
  const mod = await import("../mod.ts") as Record<string, unknown>;
  const writeChart = mod.writeChart;
  if (typeof writeChart !== "function") {
    return { kind: "unavailable", visualization: render.visualization };
  }
  await Deno.mkdir(dir, { recursive: true });
  const wanted = join(dir, `${name}.html`);
  const written = await writeChart(frame, render, { path: wanted });
  return { kind: "written", path: typeof written === "string" ? written : wanted };
}
