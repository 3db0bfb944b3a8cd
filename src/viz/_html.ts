/** Charts as self-contained HTML pages: nothing is fetched, so they open offline. */
import { createRequire } from "node:module";
import type { ChartParts } from "./_chart_types.ts";
import { vegaSpecOf } from "./_vega.ts";
import { ChartError } from "./errors.ts";
import { escapeHtml } from "./escape_html.ts";

/** Text that may sit inside a `<script>` element without closing it. */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, "<\\/$1").replaceAll("<!--", "<\\!--");
}

const STYLE = `body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:24px;color:#222}
figure{margin:0}figcaption{color:#8a4b08;font-size:13px;margin-top:6px}
ul.notes{margin:4px 0 0 18px;padding:0}`;

function page(chart: ChartParts, body: string, head = ""): string {
  const notes = chart.notes.length > 0
    ? `<figcaption><ul class="notes">${
      chart.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")
    }</ul></figcaption>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(chart.title)}</title>
<style>${STYLE}</style>
${head}</head>
<body>
<figure class="casefile-chart" data-kind="${chart.kind}">
${body}
${notes}
</figure>
</body>
</html>
`;
}

/** A page holding the chart's SVG (small, no script). */
export function staticHtml(chart: ChartParts, svg: string): string {
  return page(chart, svg.replace(/^<\?xml[^>]*>\s*/, ""));
}

let vegaScript: string | undefined;

function readVegaScript(): string {
  if (vegaScript !== undefined) return vegaScript;
  try {
    const path = createRequire(import.meta.url).resolve("vega/build/vega.min.js");
    vegaScript = scriptSafe(Deno.readTextFileSync(path));
    return vegaScript;
  } catch (error) {
    throw new ChartError("Cannot write an interactive chart: vega's browser build is missing.", {
      cause: error,
      hint: "Run `deno install` in casefile's folder, or write the chart without `interactive`.",
    });
  }
}

/**
 * A page that draws the chart with vega inlined (tooltips on hover); the SVG stands in where
 * scripts are off.
 */
export function interactiveHtml(chart: ChartParts, svg: string): string {
  const spec = scriptSafe(JSON.stringify(vegaSpecOf(chart)));
  const body = `<div id="chart"></div>
<noscript>${svg.replace(/^<\?xml[^>]*>\s*/, "")}</noscript>
<script>${readVegaScript()}</script>
<script>
new vega.View(vega.parse(${spec}), { renderer: "svg", container: "#chart", hover: true })
  .runAsync();
</script>`;
  return page(chart, body);
}
