/** MIME bundles for what casefile shows in a notebook: frames, query results, charts. */
import { Buffer } from "node:buffer";
import { type DataFrame, isDataFrame } from "../polars.ts";
import type { QueryResult } from "../providers/mod.ts";
import { chartToPng, escapeHtml, isChart, renderChart } from "../viz/mod.ts";
import { frameToHtml, frameToText } from "./_table.ts";

/** A Jupyter MIME bundle: MIME type → content. */
export type MimeBundle = Record<string, unknown>;

const DISPLAY = Symbol.for("Jupyter.display");

/** Whether `value` is a provider's {@link QueryResult}. */
export function isQueryResult(value: unknown): value is QueryResult {
  if (value === null || typeof value !== "object" || isDataFrame(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.query === "string" && typeof v.provider === "string" &&
    Array.isArray(v.warnings) && typeof v.rowCount === "number" && isDataFrame(v.frame);
}

/** A frame as an HTML table and text (no `application/vnd.dataresource+json`). */
export function frameBundle(frame: DataFrame): MimeBundle {
  return { "text/html": frameToHtml(frame), "text/plain": frameToText(frame) };
}

const RESULT_STYLE = `<style>
.casefile-provenance{font-size:12px;color:#333;margin:2px 0}
.casefile-provenance code{background:#f3f3f3;padding:0 3px}
.casefile-warning{background:#fff4d6;border-left:4px solid #e0a800;padding:4px 8px;margin:4px 0;font-size:12px}
.casefile-query{font-size:12px;background:#f7f7f7;padding:4px 8px;margin:2px 0;white-space:pre-wrap}
</style>`;

function instant(date: Date): string {
  return date.toISOString().replace(".000Z", "Z");
}

/**
 * A query result: where it came from (provider, query, time range, duration), its
 * warnings, the chart its `render` asked for (as a PNG), then the table.
 */
export async function queryResultBundle(result: QueryResult): Promise<MimeBundle> {
  const rows = result.rowCount.toLocaleString("en-US");
  const span = result.timespan
    ? `, time range ${instant(result.timespan.start)} to ${instant(result.timespan.end)}`
    : "";
  const provenance = `<div class="casefile-provenance"><b>${rows} rows</b> from <code>${
    escapeHtml(result.provider)
  }</code> in ${Math.round(result.durationMs)} ms${escapeHtml(span)}</div>`;
  const query = `<details><summary>Query</summary><pre class="casefile-query">${
    escapeHtml(result.query)
  }</pre></details>`;
  const warnings = result.warnings.map((w) =>
    `<div class="casefile-warning"><b>⚠ ${escapeHtml(w.kind)}</b>: ${escapeHtml(w.message)}</div>`
  ).join("\n");
  let chart = "";
  let chartText = "";
  if (result.render) {
    try {
      const drawn = renderChart(result);
      const png = Buffer.from(await chartToPng(drawn, { scale: 1.5 })).toString("base64");
      chart = `<div class="casefile-chart"><img alt="${escapeHtml(drawn.title)}" ` +
        `style="max-width:100%" src="data:image/png;base64,${png}"></div>`;
      chartText = `chart: ${drawn.kind} "${drawn.title}"\n`;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      chart = `<div class="casefile-warning"><b>chart</b>: ${escapeHtml(message)}</div>`;
      chartText = `chart not drawn: ${message}\n`;
    }
  }
  const text = [
    `${rows} rows from ${result.provider} in ${Math.round(result.durationMs)} ms${span}`,
    ...result.warnings.map((w) => `warning (${w.kind}): ${w.message}`),
    chartText.trimEnd(),
    frameToText(result.frame),
  ].filter((line) => line !== "").join("\n");
  return {
    "text/html":
      `${RESULT_STYLE}<div class="casefile-result">${provenance}${query}${warnings}${chart}${
        frameToHtml(result.frame)
      }</div>`,
    "text/plain": text,
  };
}

/** The bundle casefile shows for `value`, or undefined when it is not casefile's to show. */
export async function bundleOf(value: unknown): Promise<MimeBundle | undefined> {
  // A chart shows itself: its spec, a PNG fallback and a line of text.
  if (isChart(value)) {
    return await (value as unknown as Record<symbol, () => Promise<MimeBundle>>)[DISPLAY]();
  }
  if (isDataFrame(value)) return frameBundle(value);
  if (isQueryResult(value)) return await queryResultBundle(value);
  return undefined;
}
