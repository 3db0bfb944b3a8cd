/**
 * The chart a code step shows, drawn as SVG into the session's folder (`charts/`) when the
 * step runs, for reports and notebooks. The chart renderer (and vega) loads on first use.
 *
 * @module
 */
import { join } from "node:path";
import type { StepChart } from "./_journal.ts";
import { writeFileAtomic } from "./_files.ts";
import { isChart } from "./_values.ts";
import { errorText, type StepContext } from "./_step_context.ts";

/**
 * The chart a code step shows: its value when that is a chart, else the last chart its
 * code made (drawn to a file, or displayed), drawn as SVG into the session's folder.
 */
export async function stepChart(
  ctx: StepContext,
  position: number,
  name: string,
  value: unknown,
  made: readonly unknown[],
): Promise<StepChart | undefined> {
  const chart = isChart(value) ? value : made.findLast(isChart);
  return chart ? await drawChart(ctx, position, name, chart) : undefined;
}

/** Draws a chart a step made as SVG in the session's folder; a failure is a notice. */
async function drawChart(
  ctx: StepContext,
  position: number,
  name: string,
  chart: { kind: string; title: string },
): Promise<StepChart | undefined> {
  try {
    const { chartToSvg } = await import(VIZ_URL.href) as typeof import("../viz/mod.ts");
    const svg = await chartToSvg(chart as Parameters<typeof chartToSvg>[0]);
    const file = `charts/${position}-${name}.svg`;
    await writeFileAtomic(join(ctx.dir, file), svg);
    return { file, kind: chart.kind, title: chart.title };
  } catch (error) {
    ctx.notice(`step ${position}: the chart was not drawn (${errorText(error)})`);
    return undefined;
  }
}

/** The charts, loaded on first use by a specifier `deno run` does not read ahead. */
const VIZ_URL = new URL("../viz/mod.ts", import.meta.url);
