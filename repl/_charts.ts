/**
 * The REPL's charts: a result whose query ended in `render` is drawn to an HTML file (the
 * chart inline, no outside links) named after the step; the REPL prints its path.
 * `.chart NAME [FILE]` draws a variable (a chart, or a frame that kept its query's
 * `render`) again, to any file.
 *
 * @module
 */
import { join } from "node:path";
import { type DataFrame, isDataFrame } from "../src/polars.ts";
import type { RenderSpec } from "../src/providers/mod.ts";
import type { TableSchema } from "../src/schema/mod.ts";
import { renderChart } from "../src/viz/charts.ts";
import { writeChart } from "../src/viz/render.ts";
import { Chart } from "../src/viz/chart.ts";
import { didYouMean } from "../src/errors.ts";
import { ReplError } from "./errors.ts";

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

/** What `.chart` reaches of the REPL. */
export interface ChartHost {
  readonly session: { readonly dir: string };
  readonly evaluator: { readonly vars: Record<string, unknown> };
  readonly output: { write(text: string): void; readonly interactive?: boolean };
}

/**
 * `.chart NAME [FILE]`: draws the variable `NAME` (a chart, or a frame bound from a query
 * ending in `render`) to `FILE` (SVG, PNG, HTML or JSON by its extension; default
 * `charts/NAME.html` in the session's folder), prints where, and opens it in the desktop's
 * viewer when there is one.
 *
 * @throws {ReplError} when the name is missing or unknown; {@link ChartError} when the
 *   value has no chart to draw.
 */
export async function chartCommand(host: ChartHost, args: readonly string[]): Promise<void> {
  const [name, file] = args;
  if (!name) {
    throw new ReplError(".chart needs a variable's name.", {
      hint: ".chart fails (a result of a query ending in `| render timechart`), " +
        ".chart fails fails.png",
    });
  }
  const vars = host.evaluator.vars;
  if (!(name in vars)) {
    const names = Object.keys(vars).filter((n) => !n.startsWith("_"));
    throw new ReplError(`There is no variable ${name}.`, {
      hint: didYouMean(name, names) ?? "Bind a query's result first: %kql name = Table | ...",
    });
  }
  const value = vars[name];
  if (!(value instanceof Chart) && !isDataFrame(value)) {
    throw new ReplError(
      `${name} is ${value === null ? "null" : `a ${typeof value}`}: .chart draws a chart or a ` +
        "query's result.",
      { hint: "Bind a query ending in `| render timechart` (or a chart: c = timeChart(frame))." },
    );
  }
  const chart = value instanceof Chart ? value : renderChart(value);
  const target = file ?? join(host.session.dir, "charts", `${name}.html`);
  const path = await writeChart(chart, target);
  host.output.write(`chart: ${chart.kind} written to ${path}`);
  if (host.output.interactive && openInViewer(path)) {
    host.output.write("chart: opened in the desktop's viewer");
  }
  for (const note of chart.notes) host.output.write(`chart note: ${note}`);
}
