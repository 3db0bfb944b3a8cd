/**
 * Vega in a headless process: vega-lite compiled to vega, views rendered to SVG with the
 * chart fonts' real text widths.
 */
import { createRequire } from "node:module";
import type * as Vega from "vega";
import type * as VegaLite from "vega-lite";
import type { ChartParts } from "./_chart_types.ts";
import type { JsonObject } from "./_spec.ts";
import { chartFontMetrics } from "./_fonts.ts";
import { ChartError } from "./errors.ts";
import { quietPunycode } from "./warnings.ts";

// vega takes some 60-120 ms to load: it loads with the first chart, not with casefile (a
// script or REPL session that draws nothing never pays it). Both packages are CommonJS, so
// `require` loads them where they are needed, synchronously.
const require = createRequire(import.meta.url);
const load = (name: string) => {
  quietPunycode();
  return require(name);
};
let vegaModule: typeof Vega | undefined;
let vegaLiteModule: typeof VegaLite | undefined;
const vega = () => vegaModule ??= load("vega") as typeof Vega;
const vegaLite = () => vegaLiteModule ??= load("vega-lite") as typeof VegaLite;

/** The chart as a vega specification (vega-lite charts compiled). */
export function vegaSpecOf(chart: ChartParts): JsonObject {
  switch (chart.grammar) {
    case "vega":
      return chart.spec;
    case "vega-lite":
      try {
        // deno-lint-ignore no-explicit-any
        return vegaLite().compile(chart.spec as any, { logger: QUIET })
          .spec as unknown as JsonObject;
      } catch (error) {
        throw new ChartError(`Cannot compile the ${chart.kind} chart: ${messageOf(error)}`, {
          cause: error,
          hint: "This is a bug in casefile's chart builder; please report it with the query.",
        });
      }
  }
}

/** vega-lite's compile-time warnings are about its own choices, not the user's data. */
const QUIET = {
  level(): number {
    return 0;
  },
  error(...args: unknown[]): void {
    console.error(...args);
  },
  warn(): void {},
  info(): void {},
  debug(): void {},
  // deno-lint-ignore no-explicit-any
} as any;

type TextItem = { fontSize?: number | string; fontWeight?: number | string; limit?: number };

let metricsInstalled = false;

/** Makes vega measure text with the chart fonts instead of guessing 0.8 em a character. */
function installTextMetrics(): void {
  if (metricsInstalled) return;
  const faces = chartFontMetrics();
  const metrics = (vega() as unknown as { textMetrics: unknown }).textMetrics as {
    width: (item: TextItem, text: unknown) => number;
  };
  metrics.width = (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const weight = item.fontWeight;
    const bold = weight === "bold" || weight === "bolder" || Number(weight) >= 600;
    const line = text == null ? "" : String(text).trim();
    const width = (bold ? faces.bold : faces.regular).width(line, size);
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
  metricsInstalled = true;
}

/** The chart drawn as an SVG document. */
export async function svgOf(chart: ChartParts): Promise<string> {
  installTextMetrics();
  const spec = vegaSpecOf(chart);
  const { View, parse } = vega();
  let view: Vega.View | undefined;
  try {
    // deno-lint-ignore no-explicit-any
    view = new View(parse(spec as any), { renderer: "none" });
    return await view.toSVG();
  } catch (error) {
    throw new ChartError(`Cannot render the ${chart.kind} chart: ${messageOf(error)}`, {
      cause: error,
      hint: "This is a bug in casefile's chart builder; please report it with the query.",
    });
  } finally {
    view?.finalize();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
