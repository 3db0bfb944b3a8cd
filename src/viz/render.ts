/**
 * Rendering charts without a browser: SVG (vega's headless renderer), PNG (resvg, in
 * WebAssembly, with a bundled font), and self-contained HTML that opens offline.
 *
 * @module
 */
import { dirname, extname, resolve } from "node:path";
import type { Chart } from "./chart.ts";
import { svgOf } from "./_vega.ts";
import { pngOf } from "./_png.ts";
import { interactiveHtml, staticHtml } from "./_html.ts";
import { ChartError } from "./errors.ts";
import { checkOptions, defineOptions } from "../options.ts";

/** Formats a chart can be written in. `json` is the vega-lite (or vega) specification. */
export type ChartFormat = "svg" | "png" | "html" | "json";

const FORMATS: readonly ChartFormat[] = ["svg", "png", "html", "json"];

/** Options of {@link chartToPng}. */
export interface PngOptions {
  /** Pixels per SVG unit (default 2: sharp on high-density screens and in reports). */
  scale?: number;
}

/** Options of {@link chartToHtml}. */
export interface HtmlOptions {
  /**
   * Inline vega itself (about 500 kB) so the page draws the chart with tooltips; default
   * false: the page holds the SVG only. Both open offline.
   */
  interactive?: boolean;
}

/** Options of {@link writeChart}. */
export interface WriteChartOptions extends PngOptions, HtmlOptions {
  /** The format (default: from the file's extension). */
  format?: ChartFormat;
}

const PNG_OPTIONS = defineOptions<PngOptions>("chartToPng", { scale: "number" });
const HTML_OPTIONS = defineOptions<HtmlOptions>("chartToHtml", { interactive: "boolean" });
const WRITE_CHART_OPTIONS = defineOptions<WriteChartOptions>("writeChart", {
  scale: "number",
  interactive: "boolean",
  format: { oneOf: FORMATS },
});

/**
 * Draws `chart` as an SVG document (fonts: sans-serif; text laid out with DejaVu Sans).
 *
 * @param chart A chart from one of the chart builders.
 * @returns The SVG text.
 * @throws {ChartError} when the specification cannot be rendered.
 *
 * @example Draw logons by result as SVG
 * ```ts
 * import assert from "node:assert/strict";
 * import { barChart, chartToSvg } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const signins = await openLocalProvider().then((p) => p.query("SigninLogs"));
 * const svg = await chartToSvg(barChart(signins.frame, { category: "ResultType" }));
 * assert.ok(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"));
 * assert.ok(svg.includes("Rows by ResultType"));
 * ```
 */
export function chartToSvg(chart: Chart): Promise<string> {
  return svgOf(chart);
}

/**
 * Draws `chart` as a PNG image.
 *
 * @param chart A chart from one of the chart builders.
 * @param options The scale (default 2).
 * @returns The PNG bytes.
 * @throws {ChartError} when the chart cannot be rendered.
 *
 * @example Draw sign-ins per hour and weekday as PNG
 * ```ts
 * import assert from "node:assert/strict";
 * import { chartToPng, heatmapChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const signins = await openLocalProvider().then((p) => p.query("SigninLogs"));
 * const png = await chartToPng(heatmapChart(signins.frame), { scale: 1 });
 * assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
 * ```
 */
export async function chartToPng(chart: Chart, options: PngOptions = {}): Promise<Uint8Array> {
  checkOptions("chartToPng", options, PNG_OPTIONS);
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) {
    throw new ChartError(`Cannot draw a PNG at scale ${scale}.`, {
      hint: "Use a scale between 0 (excluded) and 8; 1 is the SVG's own size.",
    });
  }
  return pngOf(await svgOf(chart), scale);
}

/**
 * Writes `chart` as a self-contained HTML page: no script or style is fetched, so it opens
 * offline and can be attached to a case.
 *
 * @param chart A chart from one of the chart builders.
 * @param options `interactive: true` inlines vega for tooltips.
 * @returns The HTML text.
 *
 * @example A self-contained page
 * ```ts
 * import assert from "node:assert/strict";
 * import { chartToHtml, histogramChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const flows = await openLocalProvider().then((p) => p.query("CommonSecurityLog"));
 * const html = await chartToHtml(histogramChart(flows.frame, { value: "SentBytes", logBins: true }));
 * assert.ok(html.startsWith("<!doctype html>") && html.includes("<svg"));
 * assert.ok(!html.includes("<script")); // the SVG only, unless `interactive`
 * ```
 */
export async function chartToHtml(chart: Chart, options: HtmlOptions = {}): Promise<string> {
  checkOptions("chartToHtml", options, HTML_OPTIONS);
  const svg = await svgOf(chart);
  return options.interactive ? interactiveHtml(chart, svg) : staticHtml(chart, svg);
}

/**
 * Writes `chart` to `path` as SVG, PNG, HTML or JSON (the specification), creating the
 * folder if needed; what the REPL calls to put a chart where the user can open it.
 *
 * @param chart A chart from one of the chart builders.
 * @param path The file to write; its extension gives the format unless `format` does.
 * @param options The format, the PNG scale, whether HTML is interactive.
 * @returns The absolute path written.
 * @throws {ChartError} when the format is unknown.
 *
 * @example Write a chart as PNG and print where it went
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeChart, writeChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const signins = await openLocalProvider().then((p) => p.query("SigninLogs"));
 * const dir = await Deno.makeTempDir();
 * const path = await writeChart(timeChart(signins.frame), `${dir}/signins.png`);
 * assert.equal(path, `${dir}/signins.png`);
 * assert.ok((await Deno.stat(path)).size > 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeChart(
  chart: Chart,
  path: string,
  options: WriteChartOptions = {},
): Promise<string> {
  checkOptions("writeChart", options, WRITE_CHART_OPTIONS);
  const format = options.format ?? formatOf(path);
  const target = resolve(path);
  let content: string | Uint8Array;
  switch (format) {
    case "svg":
      content = await chartToSvg(chart);
      break;
    case "png":
      content = await chartToPng(chart, { scale: options.scale });
      break;
    case "html":
      content = await chartToHtml(chart, { interactive: options.interactive });
      break;
    case "json":
      content = JSON.stringify(chart.spec, null, 2) + "\n";
      break;
    default:
      throw unknownFormat(String(format));
  }
  await Deno.mkdir(dirname(target), { recursive: true });
  if (typeof content === "string") await Deno.writeTextFile(target, content);
  else await Deno.writeFile(target, content);
  return target;
}

function formatOf(path: string): ChartFormat {
  const extension = extname(path).slice(1).toLowerCase();
  if (extension === "htm") return "html";
  if ((FORMATS as readonly string[]).includes(extension)) return extension as ChartFormat;
  throw unknownFormat(extension || "(none)", path);
}

function unknownFormat(format: string, path?: string): ChartError {
  return new ChartError(
    path
      ? `Cannot tell which format to write ${path} in: the extension is ${format}.`
      : `Cannot write a chart as ${format}.`,
    { hint: `End the file name with .svg, .png, .html or .json, or pass { format }.` },
  );
}
