/**
 * The REPL's charts: a result whose query ended in `render` is drawn to an HTML file (the
 * chart inline, no outside links) named after the step; the REPL prints its path.
 *
 * @module
 */
import { join } from "node:path";
import type { DataFrame } from "../src/polars.ts";
import type { RenderSpec } from "../src/providers/mod.ts";
import type { TableSchema } from "../src/schema/mod.ts";
import { renderChart } from "../src/viz/charts.ts";
import { writeChart } from "../src/viz/render.ts";

/** What became of a chart. */
export type ChartOutcome =
  | { readonly kind: "written"; readonly path: string; readonly notes: readonly string[] }
  | { readonly kind: "failed"; readonly visualization: string; readonly reason: string };

/** Draws the chart a result asked for into `dir`, as `<name>.html`. */
export async function drawChart(
  frame: DataFrame,
  render: RenderSpec,
  dir: string,
  name: string,
  schema?: TableSchema,
): Promise<ChartOutcome> {
  try {
    const chart = renderChart({ frame, render, schema });
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const path = await writeChart(chart, join(dir, `${name}.html`));
    return { kind: "written", path, notes: chart.notes };
  } catch (error) {
    return {
      kind: "failed",
      visualization: render.visualization,
      reason: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * Opens `path` in the desktop's viewer when there is one (a graphical session and
 * `xdg-open`, or macOS' `open`), without waiting for it.
 *
 * @returns Whether a viewer was started.
 */
export function openInViewer(path: string): boolean {
  let env: Record<string, string> = {};
  try {
    env = Deno.env.toObject();
  } catch {
    return false;
  }
  const command = Deno.build.os === "darwin"
    ? "open"
    : env.DISPLAY || env.WAYLAND_DISPLAY
    ? "xdg-open"
    : undefined;
  if (!command) return false;
  try {
    const child = new Deno.Command(command, { args: [path], stdout: "null", stderr: "null" })
      .spawn();
    child.unref();
    child.status.catch(() => {});
    return true;
  } catch {
    return false; // No such program.
  }
}
