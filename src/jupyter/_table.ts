/** DataFrames as HTML tables that every notebook front end renders (VS Code included). */
import type { DataFrame } from "../polars.ts";
import { escapeHtml } from "../viz/mod.ts";
import { checkOptions, defineOptions } from "../options.ts";

/** Options of {@link frameToHtml}. */
export interface FrameHtmlOptions {
  /** Rows shown (default 50, or `POLARS_FMT_MAX_ROWS`); the rest are counted, not shown. */
  maxRows?: number;
  /** Characters shown of a long value (default 200). */
  maxChars?: number;
}

const FRAME_HTML_OPTIONS = defineOptions<FrameHtmlOptions>("frameToHtml", {
  maxRows: { kind: "number", aliases: ["rows", "n", "limit"] },
  maxChars: { kind: "number", aliases: ["width", "chars"] },
});

const STYLE = `<style>
.casefile-table{border-collapse:collapse;font-size:12px;font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace}
.casefile-table th,.casefile-table td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top;white-space:pre-wrap;max-width:40em}
.casefile-table th{background:#f3f3f3}
.casefile-table th small{font-weight:normal;color:#777}
.casefile-table td.num{text-align:right}
.casefile-table td.null{color:#aaa;font-style:italic}
.casefile-caption{font-size:12px;color:#555;margin:2px 0 4px}
</style>`;

function defaultRows(): number {
  try {
    const env = Number(Deno.env.get("POLARS_FMT_MAX_ROWS"));
    return Number.isInteger(env) && env > 0 ? env : 50;
  } catch {
    return 50;
  }
}

function cell(value: unknown, maxChars: number): { text: string; className?: string } {
  if (value === null || value === undefined) return { text: "null", className: "null" };
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? { text: "invalid date", className: "null" }
      : { text: value.toISOString().replace(".000Z", "Z") };
  }
  if (typeof value === "number" || typeof value === "bigint") {
    return { text: String(value), className: "num" };
  }
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return { text: text.length > maxChars ? `${text.slice(0, maxChars)}…` : text };
}

/**
 * `frame` as an HTML table: column names with their types, datetimes in ISO 8601 UTC,
 * nulls marked, long values cut; a caption says how many rows exist and how many are shown.
 *
 * @param frame The frame.
 * @param options Rows and characters shown.
 * @returns The HTML (a style element, the caption and the table).
 */
export function frameToHtml(frame: DataFrame, options: FrameHtmlOptions = {}): string {
  checkOptions("frameToHtml", options, FRAME_HTML_OPTIONS);
  const maxRows = options.maxRows ?? defaultRows();
  const maxChars = options.maxChars ?? 200;
  const shown = frame.head(maxRows);
  const columns = frame.columns;
  const dtypes = frame.getColumns().map((s) => String(s.dtype.variant));
  const head = columns.map((c, i) =>
    `<th>${escapeHtml(c)}<br><small>${escapeHtml(dtypes[i])}</small></th>`
  ).join("");
  const rows = (shown.toRecords() as Record<string, unknown>[]).map((row) =>
    "<tr>" + columns.map((c) => {
      const { text, className } = cell(row[c], maxChars);
      return `<td${className ? ` class="${className}"` : ""}>${escapeHtml(text)}</td>`;
    }).join("") + "</tr>"
  ).join("\n");
  const total = frame.height.toLocaleString("en-US");
  const caption = frame.height > shown.height
    ? `${total} rows × ${columns.length} columns (first ${shown.height} shown)`
    : `${total} rows × ${columns.length} columns`;
  return `${STYLE}<div class="casefile-caption">${caption}</div>
<table class="casefile-table"><thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/**
 * `frame` as plain text, for front ends without HTML: its first 20 rows as Polars prints
 * them, and how many rows there are in all when there are more.
 *
 * @param frame The frame.
 * @returns The text.
 */
export function frameToText(frame: DataFrame): string {
  return String(frame.head(20)) +
    (frame.height > 20 ? `\n${frame.height.toLocaleString("en-US")} rows in all` : "");
}
