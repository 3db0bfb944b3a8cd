/**
 * A session as a report for people: self-contained HTML (inline style, no scripts, no
 * outside links) or Markdown. Findings first, then the parameters, then each kept step
 * with its query or code, what it returned (rows, result SHA-256, cache, duration,
 * provider, warnings) and its result table, truncated.
 *
 * @module
 */
import { extname } from "node:path";
import type { DataFrame } from "../polars.ts";
import { formatParam } from "./params.ts";
import type { Session } from "./session.ts";
import type { Step } from "./_step_list.ts";
import { type ExportOptions, keptSteps, providerSource } from "./_export_common.ts";
import { writeFileAtomic } from "./_files.ts";
import { type ChartRenderer, type StepView, stepView, svgChart } from "./_step_view.ts";
import { escapeHtml as escapeHtmlText } from "../viz/escape_html.ts";
import { checkOptions, defineOptions } from "../options.ts";

const REPORT_OPTIONS = defineOptions<ExportReportOptions>("exportReport", {
  path: { kind: "string", aliases: ["file", "output"] },
  format: { oneOf: ["html", "markdown"] },
  rows: "number",
  cellWidth: "number",
  columns: "number",
  renderChart: { kind: "function", oneOf: [false] },
});

export type { ChartRenderer } from "./_step_view.ts";

/** Options of {@link exportReport}. */
export interface ExportReportOptions extends ExportOptions {
  /**
   * `html` (self-contained) or `markdown` (default: from `path`, HTML for a name ending in
   * `.htm` or `.html`, else Markdown; HTML without a path).
   */
  readonly format?: "html" | "markdown";
  /** Rows of each result shown (default 20). */
  readonly rows?: number;
  /** Longest cell shown, in characters (default 80); longer ones are cut with `…`. */
  readonly cellWidth?: number;
  /** Columns of each result shown (default 12). */
  readonly columns?: number;
  /**
   * Draws the chart of a step whose query asked for one (`render`), in HTML reports
   * (default: the chart `render` asks for, as inline SVG; `false`: none). When there is
   * none, or it returns undefined, the report says which chart it was.
   */
  readonly renderChart?: ChartRenderer | false;
}

/** Text safe in HTML (and in Markdown, where inline HTML would otherwise render). */
function escapeHtml(text: string): string {
  return escapeHtmlText(text, { entities: "numeric" });
}

interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly moreRows: number;
  readonly moreColumns: number;
}

function cell(value: unknown, width: number): string {
  let text: string;
  if (value === null || value === undefined) text = "";
  else if (value instanceof Date) {
    text = Number.isNaN(value.getTime()) ? "" : value.toISOString().replace(".000Z", "Z");
  } else if (typeof value === "object") {
    text = JSON.stringify(value, (_, v) => typeof v === "bigint" ? String(v) : v);
  } else text = String(value);
  text = text.replace(/\s+/g, " ");
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function tableOf(frame: DataFrame, options: ExportReportOptions): Table {
  const maxRows = options.rows ?? 20;
  const maxColumns = options.columns ?? 12;
  const width = options.cellWidth ?? 80;
  const columns = frame.columns.slice(0, maxColumns);
  const head = frame.head(maxRows);
  const values = columns.map((c) => head.getColumn(c).toArray() as unknown[]);
  const rows = Array.from({ length: head.height }, (_, r) => values.map((v) => cell(v[r], width)));
  return {
    columns,
    rows,
    moreRows: frame.height - head.height,
    moreColumns: frame.columns.length - columns.length,
  };
}

interface StepFacts {
  readonly facts: [string, string][];
  readonly source: string;
  readonly language: string;
  readonly warnings: string[];
  /** What the step printed. */
  readonly output?: string;
  readonly table?: Table;
  readonly valueText?: string;
  /** The step's chart: what it is, and its drawing (HTML reports) or why it has none. */
  readonly chart?: { label: string; kind: string; svg?: string; problem?: string };
}

function stepFacts(step: Step, view: StepView, options: ExportReportOptions): StepFacts {
  const r = step.record;
  const result = r.result;
  const facts: [string, string][] = [["status", r.status]];
  if (result?.kind === "frame" || result?.kind === "series") {
    facts.push(["rows", String(result.rows)]);
    facts.push(["columns", result.columns.map((c) => `${c.name} (${c.type})`).join(", ")]);
  } else if (result?.kind === "other") {
    facts.push(["value", result.type === "undefined" ? "none" : `a ${result.type}`]);
  }
  if (result && "sha256" in result && result.sha256) facts.push(["result SHA-256", result.sha256]);
  if (r.uses) {
    facts.push([
      "reads",
      Object.entries(r.uses).map(([name, p]) => `${name} (step ${p})`).join(", "),
    ]);
  }
  if (r.imports) facts.push(["imports", r.imports.map((i) => i.specifier).join(", ")]);
  facts.push(["duration", `${r.durationMs} ms`]);
  if (r.provider) {
    facts.push([
      "provider",
      r.providerName === undefined ? r.provider : `${r.providerName} (${r.provider})`,
    ]);
  }
  if (r.cache) facts.push(["cache", r.cache]);
  if (r.now) facts.push(["now() meant", r.now]);
  if (r.timespan) {
    facts.push([
      "time window",
      `${r.timespan.start} .. ${r.timespan.end}${
        r.timespanParam ? ` (parameter ${r.timespanParam})` : ""
      }`,
    ]);
  }
  const used = Object.entries(r.params).filter(([name]) =>
    r.kind === "query" &&
      (r.template ?? []).some((p) => "param" in p && p.param.split(".")[0] === name) ||
    r.timespanParam === name
  );
  if (used.length) {
    facts.push(["parameters", used.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ")]);
  }
  facts.push(["started", r.startedAt]);
  facts.push(["revision", String(r.revision)]);
  if (r.volatile) facts.push(["may differ on a re-run", r.volatile]);
  return {
    facts,
    source: r.code,
    language: r.kind === "query" ? "kql" : "typescript",
    warnings: (r.warnings ?? []).map((w) => `${w.kind}: ${w.message}`),
    output: view.output,
    table: view.frame ? tableOf(view.frame, options) : undefined,
    valueText: view.frame ? undefined : view.text,
    chart: view.chart
      ? {
        label: view.chart,
        kind: view.chartKind ?? "",
        svg: options.format === "html" ? view.svg : undefined,
        problem: view.chartProblem,
      }
      : undefined,
  };
}

function leftOut(session: Session): string[] {
  const kept = new Set(keptSteps(session));
  return session.steps()
    .filter((s) => !kept.has(s))
    .map((s) =>
      `${s.record.position}. ${s.record.name}: ${
        s.mark === "dead-end"
          ? `dead end${s.note ? ` (${s.note})` : ""}`
          : `failed (${s.record.error?.message ?? "error"})`
      }`
    );
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d232a}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
.meta{color:#57606a}table{border-collapse:collapse;margin:.5rem 0;font-size:13px}
th,td{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}table.facts th{width:10rem}td.hash{font-family:ui-monospace,monospace;word-break:break-all}
pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.6rem;overflow-x:auto;white-space:pre-wrap}
.step{border-left:4px solid #d0d7de;padding-left:1rem;margin:1.5rem 0}.step.finding{border-left-color:#cf222e}
.note{background:#fff8c5;padding:.4rem .6rem}.warnings{color:#9a6700}.more{color:#57606a;font-style:italic}
.chart{border:1px dashed #8c959f;padding:.6rem;color:#57606a}.scroll{overflow-x:auto}
.output{background:#fff;border-left:3px solid #8c959f}.chart svg{max-width:100%;height:auto}
`.trim();

function htmlTable(table: Table): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = table.rows.map((row) =>
    `<tr>${row.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`
  ).join("\n");
  const more = [
    table.moreRows > 0 ? `… ${table.moreRows} more rows` : "",
    table.moreColumns > 0 ? `… ${table.moreColumns} more columns` : "",
  ].filter(Boolean).join("; ");
  return `<div class="scroll"><table class="result"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>` +
    (more ? `\n<p class="more">${escapeHtml(more)}</p>` : "");
}

function html(
  session: Session,
  options: ExportReportOptions,
  views: ReadonlyMap<number, StepView>,
): string {
  const steps = keptSteps(session);
  const e = escapeHtml;
  const out: string[] = [];
  const source = providerSource(session);
  const provider = session.provider?.description ??
    (source.kind === "local"
      ? source.folder
      : source.kind === "sentinel"
      ? source.workspace
      : source.kind === "adx"
      ? `${source.cluster}/${source.database}`
      : source.kind === "xdr"
      ? "Defender XDR advanced hunting"
      : "none");
  out.push(
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(`casefile session ${session.name}`)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>Session ${e(session.name)}</h1>`,
    `<p class="meta">Report made ${e(new Date().toISOString())}. Provider: ${e(provider)}. ` +
      `${steps.length} of ${session.steps().length} steps kept.</p>`,
    "<h2>Findings</h2>",
  );
  const findings = steps.filter((s) => s.mark === "finding");
  if (findings.length === 0) out.push("<p>No step is pinned as a finding.</p>");
  else {
    out.push("<ul>");
    for (const s of findings) {
      out.push(
        `<li><a href="#step-${s.record.position}">${s.record.position}. ${e(s.record.name)}</a>` +
          `${s.note ? `: ${e(s.note)}` : ""}</li>`,
      );
    }
    out.push("</ul>");
  }
  out.push("<h2>Parameters</h2>");
  const params = session.paramList();
  if (params.length === 0) out.push("<p>None.</p>");
  else {
    out.push(
      "<table><thead><tr><th>name</th><th>kind</th><th>value</th><th>default</th><th>description</th></tr></thead><tbody>",
    );
    for (const p of params) {
      out.push(
        `<tr><td>${e(p.name)}</td><td>${e(p.kind)}</td><td>${e(p.text)}</td><td>${
          e(p.default === undefined ? "" : formatParam(p.kind, p.default))
        }</td><td>${e(p.description ?? "")}</td></tr>`,
      );
    }
    out.push("</tbody></table>");
  }
  out.push("<h2>Steps</h2>");
  for (const step of steps) {
    const r = step.record;
    const f = stepFacts(step, views.get(r.position)!, options);
    out.push(
      `<section class="step${step.mark === "finding" ? " finding" : ""}" id="step-${r.position}">`,
      `<h3>${r.position}. ${e(r.name)} <small>(${e(r.kind)})</small></h3>`,
    );
    if (step.mark === "finding") out.push(`<p class="note">Finding: ${e(step.note ?? "")}</p>`);
    out.push(`<pre><code class="language-${f.language}">${e(f.source)}</code></pre>`);
    out.push('<table class="facts"><tbody>');
    for (const [k, v] of f.facts) {
      out.push(
        `<tr><th>${e(k)}</th><td${k === "result SHA-256" ? ' class="hash"' : ""}>${e(v)}</td></tr>`,
      );
    }
    out.push("</tbody></table>");
    if (f.warnings.length) {
      out.push(`<ul class="warnings">${f.warnings.map((w) => `<li>${e(w)}</li>`).join("")}</ul>`);
    }
    if (f.output) out.push(`<pre class="output" title="printed">${e(f.output)}</pre>`);
    if (f.chart) {
      out.push(
        `<div class="chart" data-step="${r.position}" data-visualization="${e(f.chart.kind)}">` +
          (f.chart.svg ??
            (f.chart.problem
              ? `<p class="note">The chart (${e(f.chart.label)}) could not be drawn: ${
                e(f.chart.problem)
              }</p>`
              : `Chart: ${e(f.chart.label)}, drawn from this step's result.`)) +
          "</div>",
      );
    }
    if (f.table) out.push(htmlTable(f.table));
    else if (f.valueText !== undefined) out.push(`<pre>${e(f.valueText)}</pre>`);
    out.push("</section>");
  }
  const dropped = leftOut(session);
  if (dropped.length) {
    out.push("<h2>Left out</h2><ul>", ...dropped.map((d) => `<li>${e(d)}</li>`), "</ul>");
  }
  out.push("</body></html>", "");
  return out.join("\n");
}

/** Markdown text: HTML-escaped, table pipes escaped. */
function md(text: string): string {
  return escapeHtml(text.replace(/([\\`*_[\]#|])/g, "\\$1"));
}

/** A fenced block that its content cannot close. */
function fence(text: string, language = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

function markdown(
  session: Session,
  options: ExportReportOptions,
  views: ReadonlyMap<number, StepView>,
): string {
  const steps = keptSteps(session);
  const out: string[] = [];
  out.push(
    `# Session ${md(session.name)}`,
    "",
    `Report made ${
      new Date().toISOString()
    }. ${steps.length} of ${session.steps().length} steps kept.`,
    "",
    "## Findings",
    "",
  );
  const findings = steps.filter((s) => s.mark === "finding");
  if (findings.length === 0) out.push("No step is pinned as a finding.");
  for (const s of findings) {
    out.push(`- **${s.record.position}. ${md(s.record.name)}**${s.note ? `: ${md(s.note)}` : ""}`);
  }
  out.push("", "## Parameters", "");
  const params = session.paramList();
  if (params.length === 0) out.push("None.");
  else {
    out.push("| name | kind | value | default | description |", "| --- | --- | --- | --- | --- |");
    for (const p of params) {
      out.push(
        `| ${md(p.name)} | ${p.kind} | ${md(p.text)} | ${
          md(p.default === undefined ? "" : formatParam(p.kind, p.default))
        } | ${md(p.description ?? "")} |`,
      );
    }
  }
  out.push("", "## Steps");
  for (const step of steps) {
    const r = step.record;
    const f = stepFacts(step, views.get(r.position)!, options);
    out.push("", `### ${r.position}. ${md(r.name)} (${r.kind})`, "");
    if (step.mark === "finding") out.push(`> **Finding:** ${md(step.note ?? "")}`, "");
    out.push(fence(f.source, f.language), "");
    for (const [k, v] of f.facts) {
      out.push(`- ${k}: ${k === "result SHA-256" ? `\`${v}\`` : md(v)}`);
    }
    for (const w of f.warnings) out.push(`- warning: ${md(w)}`);
    if (f.output) out.push("", "Printed:", "", fence(f.output));
    if (f.chart) out.push("", `*Chart: ${md(f.chart.label)}.*`);
    out.push("");
    if (f.table) {
      const t = f.table;
      out.push(`| ${t.columns.map(md).join(" | ")} |`, `|${" --- |".repeat(t.columns.length)}`);
      for (const row of t.rows) out.push(`| ${row.map(md).join(" | ")} |`);
      const more = [
        t.moreRows > 0 ? `… ${t.moreRows} more rows` : "",
        t.moreColumns > 0 ? `… ${t.moreColumns} more columns` : "",
      ].filter(Boolean).join("; ");
      if (more) out.push("", `*${more}*`);
    } else if (f.valueText !== undefined) out.push(fence(f.valueText));
  }
  const dropped = leftOut(session);
  if (dropped.length) out.push("", "## Left out", "", ...dropped.map((d) => `- ${md(d)}`));
  out.push("");
  return out.join("\n");
}

/**
 * A report of the session for people: findings (steps pinned with a note) first, then the
 * parameters, then each kept step: its query or code, status, rows, columns, duration,
 * provider, cache hit or miss, result SHA-256, warnings, and its result table (the first
 * `rows` rows, long cells cut, with "… N more rows"). Dead ends and failed steps are
 * listed at the end. HTML is one self-contained file: inline style, no scripts, no
 * outside links, every text escaped. A step whose query asked for a chart gets a chart
 * section, drawn as inline SVG (HTML only; Markdown names the chart).
 *
 * @param session The session.
 * @param options The format, how much of each result to show, a file to write it to.
 * @returns The report's text.
 *
 * @example A Markdown report of a short session
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportReport } from "./export_report.ts";
 * import { openSession } from "./session.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const home = await Deno.makeTempDir();
 * const session = await openSession("alerts", {
 *   home,
 *   provider: await openLocalProvider(),
 * });
 * await session.query("alerts", "SecurityAlert | summarize n = count() by AlertName");
 * await session.mark("alerts", "finding", "Four alerts fired");
 * const report = await exportReport(session, { format: "markdown", rows: 3 });
 * const lines = report.split("\n");
 * assert.equal(lines[0], "# Session alerts");
 * assert.equal(lines.includes("- **1. alerts**: Four alerts fired"), true);
 * await session.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function exportReport(
  session: Session,
  options: ExportReportOptions = {},
): Promise<string> {
  checkOptions("exportReport", options, REPORT_OPTIONS);
  const format = options.format ?? reportFormat(options.path);
  const renderer = format === "html" ? options.renderChart ?? svgChart : false;
  const views = new Map<number, StepView>();
  for (const step of keptSteps(session)) {
    views.set(step.record.position, await stepView(session, step, renderer));
  }
  const text = format === "html"
    ? html(session, { ...options, format }, views)
    : markdown(session, { ...options, format }, views);
  if (options.path) await writeFileAtomic(options.path, text);
  return text;
}

/** The format a report written to `path` has: HTML for `.htm` and `.html`, else Markdown. */
function reportFormat(path: string | undefined): "html" | "markdown" {
  if (path === undefined) return "html";
  return extname(path).toLowerCase().startsWith(".htm") ? "html" : "markdown";
}
