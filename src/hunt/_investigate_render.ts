/**
 * How an investigation's summary reads: plain text for the REPL and reports, an HTML
 * table for notebooks, and the frame its timeline chart is drawn from.
 *
 * @module
 */
import { terminalSafe } from "../display/text.ts";
import { type DataFrame, pl } from "../polars.ts";
import { escapeHtml } from "../viz/escape_html.ts";
import type { MergedFinding } from "./_investigate_findings.ts";

/** What the renderers read of an investigation. */
export interface RenderInput {
  readonly title: string;
  readonly start: Date;
  readonly end: Date;
  readonly findings: readonly MergedFinding[];
  readonly entities: readonly {
    kind: string;
    value: string;
    hop: number;
    from: string;
    investigated: boolean;
    findings: number;
    note?: string;
  }[];
  readonly skipped: ReadonlyMap<string, string>;
  readonly context: readonly { id: string; entity: string; rows: number }[];
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}

function span(f: MergedFinding): string {
  if (f.end.getTime() - f.time.getTime() < 60_000) return iso(f.time);
  const sameDay = iso(f.time).slice(0, 10) === iso(f.end).slice(0, 10);
  return `${iso(f.time)} .. ${sameDay ? iso(f.end).slice(11) : iso(f.end)}`;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width - 1) + "…";
}

/** The summary as text: findings in time order, then the entities, then what did not run. */
export function summaryText(input: RenderInput): string {
  const safe = (s: string) => terminalSafe(s);
  const investigated = input.entities.filter((e) => e.investigated);
  const lines = [
    safe(input.title),
    `window ${iso(input.start)} .. ${iso(input.end)}; ${input.findings.length} finding${
      input.findings.length === 1 ? "" : "s"
    } from ${investigated.length} entit${investigated.length === 1 ? "y" : "ies"} investigated`,
    "",
  ];
  if (input.findings.length === 0) {
    lines.push("No finding: no detection or analysis flagged these entities.");
  }
  input.findings.forEach((f, i) => {
    lines.push(
      `${String(i + 1).padStart(2)}. ${span(f)}  ${f.severity.toUpperCase()}  ${safe(f.stage)}` +
        ` [${f.techniques.join(", ")}]`,
      `    ${safe(cut(f.what, 110))}`,
      `    entities: ${safe(f.entities.join(", "))}; rows: ${f.rows}; found by: ${
        safe(f.sources.join(", "))
      }`,
    );
  });
  lines.push("", "Entities:");
  for (const e of input.entities) {
    lines.push(
      `  ${e.kind.padEnd(7)} ${safe(e.value)}  ${
        e.investigated
          ? `investigated (${e.findings} finding${e.findings === 1 ? "" : "s"})`
          : "to pivot from"
      }; hop ${e.hop}, from ${safe(e.from)}${e.note ? `; ${safe(e.note)}` : ""}`,
    );
  }
  if (input.skipped.size) {
    lines.push("", `Not run here (${input.skipped.size}):`);
    for (const [id, why] of input.skipped) lines.push(`  ${safe(id)}: ${safe(cut(why, 100))}`);
  }
  return lines.join("\n");
}

/** The findings as an HTML table (every text escaped). */
export function summaryHtml(input: RenderInput, chartSvg?: string): string {
  const e = (s: string) => escapeHtml(s);
  const rows = input.findings.map((f, i) =>
    `<tr><td>${i + 1}</td><td>${e(span(f))}</td><td>${e(f.severity)}</td><td>${e(f.stage)}</td>` +
    `<td>${e(f.what)}</td><td>${e(f.entities.join(", "))}</td><td>${f.rows}</td>` +
    `<td>${e(f.techniques.join(", "))}</td><td>${e(f.sources.join(", "))}</td></tr>`
  ).join("");
  const entities = input.entities.map((x) =>
    `<li>${e(x.kind)} <b>${e(x.value)}</b>: ${
      x.investigated ? `investigated, ${x.findings} finding(s)` : "to pivot from"
    } (hop ${x.hop}, from ${e(x.from)})${x.note ? `; ${e(x.note)}` : ""}</li>`
  ).join("");
  return `<div class="casefile-investigation"><h3>${e(input.title)}</h3>` +
    `<p>Window ${e(iso(input.start))} .. ${
      e(iso(input.end))
    }; ${input.findings.length} findings.</p>` +
    `<table><thead><tr><th>#</th><th>time (UTC)</th><th>severity</th><th>stage</th><th>what</th>` +
    `<th>entities</th><th>rows</th><th>ATT&amp;CK</th><th>found by</th></tr></thead><tbody>${rows}` +
    `</tbody></table>${chartSvg ?? ""}<p>Entities:</p><ul>${entities}</ul></div>`;
}

/** One row per finding, for the timeline chart. */
export function timelineFrame(findings: readonly MergedFinding[]): DataFrame {
  return pl.DataFrame({
    TimeGenerated: findings.map((f) => f.time),
    Stage: findings.map((f) => f.tactics[0] ?? "Unmapped"),
    Severity: findings.map((f) => f.severity),
    What: findings.map((f) => f.what),
    Entities: findings.map((f) => f.entities.join(", ")),
  });
}
