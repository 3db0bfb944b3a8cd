/**
 * Plain-text output for the terminal: aligned tables, dates in UTC, errors with hints.
 *
 * @module
 */
import { caretLine, type Span } from "../src/kql/syntax.ts";
import { formatDuration } from "../src/duration.ts";

/**
 * Rows as an aligned text table; numbers align right (columns whose every cell looks like
 * a number, unless `numeric` says which columns are).
 */
export function textTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  numericColumns?: readonly boolean[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = numericColumns ??
    header.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[\d,.]+$|^$/.test(r[i])));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** `2026-03-02 00:03:11` for an instant, in UTC. */
export function utc(date: Date | null | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return "";
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** `12,345`. */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Where a query step's result came from: `cache hit, 3 h old` (a hit's age counted from
 * when the result was fetched), `cache miss`; "" when the session has no cache.
 */
export function cacheText(
  record: { readonly cache?: string; readonly cachedAt?: string },
  now = Date.now(),
): string {
  if (!record.cache || record.cache === "off") return "";
  if (record.cache !== "hit" || !record.cachedAt) return `cache ${record.cache}`;
  return `cache hit, ${formatDuration(now - Date.parse(record.cachedAt))} old`;
}

/** An error as a user should see it: message, the query line with a caret, the hint. */
export function describeError(error: unknown, debug = false): string {
  if (!(error instanceof Error)) return `error: ${String(error)}`;
  const lines = [`error: ${error.message}`];
  const located = error as Error & { query?: string; span?: Span; hint?: string };
  if (typeof located.query === "string" && located.span) {
    lines.push(indent(caretLine(located.query, located.span)));
  }
  if (located.hint) lines.push(`hint: ${located.hint}`);
  if (debug && error.stack) lines.push(error.stack);
  return lines.join("\n");
}

function indent(text: string): string {
  return text.split("\n").map((l) => `  ${l}`).join("\n");
}

/** Options of {@link frameTable}. */
export interface FrameTableOptions {
  /** Terminal width the table must fit (default 100). */
  readonly width?: number;
  /** Rows shown at most (default 20). */
  readonly maxRows?: number;
  /** Characters of one cell at most (default 40). */
  readonly maxCell?: number;
}

/** The minimal surface of a Polars frame that {@link frameTable} reads. */
interface FrameLike {
  readonly height: number;
  readonly width: number;
  readonly columns: string[];
  readonly dtypes: ReadonlyArray<{ variant: string }>;
  head(n: number): FrameLike;
  getColumn(name: string): { toArray(): unknown[] };
}

/**
 * A DataFrame as an aligned text table that fits `width`: at most `maxRows` rows, cells
 * cut at `maxCell` characters, columns that do not fit left out and named, and a line with
 * the shape and what was left out.
 */
export function frameTable(frame: FrameLike, options: FrameTableOptions = {}): string {
  const width = Math.max(20, options.width ?? 100);
  const maxRows = Math.max(1, options.maxRows ?? 20);
  const maxCell = Math.max(4, options.maxCell ?? 40);
  const shown = frame.head(Math.min(maxRows, frame.height));
  const cells = frame.columns.map((name, i) => {
    const variant = frame.dtypes[i].variant;
    const values = shown.getColumn(name).toArray();
    return values.map((v) => cut(formatCell(v, variant), maxCell));
  });
  // Columns left to right while they fit (the first always does, cut if need be).
  const kept: number[] = [];
  let used = 0;
  for (let i = 0; i < frame.columns.length; i++) {
    const w = Math.max(cut(frame.columns[i], maxCell).length, ...cells[i].map((c) => c.length));
    const need = (kept.length ? 2 : 0) + w;
    if (kept.length > 0 && used + need > width) break;
    kept.push(i);
    used += need;
  }
  const header = kept.map((i) => cut(frame.columns[i], maxCell));
  const rows = Array.from(
    { length: shown.height },
    (_, r) => kept.map((i) => cells[i][r]),
  );
  const numeric = kept.map((i) => /^(U?Int\d+|Float\d+|Decimal)$/.test(frame.dtypes[i].variant));
  const lines = [textTable(header, rows, numeric)];
  if (kept.length === 1 && used > width) {
    lines[0] = lines[0].split("\n").map((l) => cut(l, width)).join("\n");
  }
  const notes = [`${count(frame.height)} rows × ${count(frame.width)} columns`];
  if (shown.height < frame.height) notes.push(`first ${count(shown.height)} rows shown`);
  const hidden = frame.columns.slice(kept.length);
  if (hidden.length > 0) {
    const names = hidden.slice(0, 8).join(", ") + (hidden.length > 8 ? ", …" : "");
    notes.push(`${hidden.length} more columns: ${names}`);
  }
  lines.push(`(${notes.join("; ")})`);
  return lines.join("\n");
}

/** One cell as text: datetimes in UTC, nulls empty, lists and structs as JSON. */
export function formatCell(value: unknown, variant = ""): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return instant(value);
  if (variant === "Duration" && (typeof value === "number" || typeof value === "bigint")) {
    return duration(Number(value));
  }
  if (typeof value === "string") return value.replace(/\r?\n/g, "⏎").replace(/\t/g, " ");
  if (typeof value === "number") {
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(10)));
  }
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  try {
    return JSON.stringify(value, (_, v) => typeof v === "bigint" ? String(v) : v) ?? String(value);
  } catch {
    return String(value);
  }
}

function instant(date: Date): string {
  if (Number.isNaN(date.getTime())) return "";
  const iso = date.toISOString().replace("T", " ").replace("Z", "");
  return iso.endsWith(".000") ? iso.slice(0, 19) : iso;
}

function duration(micros: number): string {
  const sign = micros < 0 ? "-" : "";
  let m = Math.abs(micros);
  const days = Math.floor(m / 86_400_000_000);
  m -= days * 86_400_000_000;
  const two = (x: number) => String(Math.floor(x)).padStart(2, "0");
  const h = m / 3_600_000_000;
  const min = (m % 3_600_000_000) / 60_000_000;
  const s = (m % 60_000_000) / 1_000_000;
  const frac = m % 1_000_000;
  const clock = `${two(h)}:${two(min)}:${two(s)}${frac ? `.${String(frac).padStart(6, "0")}` : ""}`;
  return `${sign}${days ? `${days}.` : ""}${clock}`;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
