/**
 * Plain-text output for the terminal: aligned tables, dates in UTC, errors with hints.
 *
 * @module
 */
import { caretLine, type Span } from "../src/kql/syntax.ts";
import { formatDuration } from "../src/duration.ts";
import { didYouMean } from "../src/errors.ts";
import { cellText, displayWidth, fitWidth, padWidth, terminalSafe } from "../src/display/mod.ts";
import { ReplError } from "./errors.ts";

/**
 * Rows as an aligned text table; numbers align right (columns whose every cell looks like
 * a number, unless `numeric` says which columns are). Given the terminal's `width`, a table
 * wider than it wraps its last column's text under that column (and the widest other
 * column's too, when the others leave the last under 20 columns), so no row runs over the
 * edge (the terminal would break it mid-cell, under the first column).
 */
export function textTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  numericColumns?: readonly boolean[],
  width?: number,
): string {
  // Display columns, not string length: CJK names and emoji take two, accents none.
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i])))
  );
  const numeric = numericColumns ??
    header.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[\d,.]+$|^$/.test(r[i])));
  const last = widths.length - 1;
  const wrapped = new Set<number>();
  const startOf = () => widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  if (width && last >= 0 && startOf() + widths[last] > width) {
    // The last column gets what is left of the width, never under 20 columns; when the
    // others leave it less (a long `.connect` usage), the widest of them wraps too.
    const excess = startOf() + 20 + 1 - width;
    if (excess > 0 && last > 0) {
      const widest = widths.slice(0, last).reduce((m, w, i) => w > widths[m] ? i : m, 0);
      widths[widest] = Math.max(20, widths[widest] - excess);
      wrapped.add(widest);
    }
    widths[last] = Math.min(widths[last], Math.max(20, width - startOf() - 1));
    wrapped.add(last);
  }
  const line = (cells: readonly string[]) => {
    const parts = cells.map((c, i) => wrapped.has(i) ? wrapWords(c ?? "", widths[i]) : [c]);
    const count = Math.max(1, ...parts.map((p) => p.length));
    const lines: string[] = [];
    for (let k = 0; k < count; k++) {
      lines.push(
        parts.map((p, i) => padWidth(p[k] ?? "", widths[i], numeric[i] ? "start" : "end"))
          .join("  ").trimEnd(),
      );
    }
    return lines.join("\n");
  };
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** `text` in lines of at most `width` display columns, broken at blanks where it can be. */
function wrapWords(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    const candidate = current ? `${current} ${word}` : word;
    if (displayWidth(candidate) <= width) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    current = "";
    // A word wider than the line is cut between characters (never inside a flag, an emoji
    // sequence or an accented letter), each piece as wide as fits.
    let rest = word;
    while (displayWidth(rest) > width) {
      const cut = fitWidth(rest, width).text || [...rest][0];
      lines.push(cut);
      rest = rest.slice(cut.length);
    }
    current = rest;
  }
  if (current) lines.push(current);
  return lines;
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

/** `1 row`, `12,345 rows`: a count and its noun, plural unless one. */
export function counted(n: number, noun: string): string {
  return `${count(n)} ${n === 1 ? noun : `${noun}s`}`;
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
  /** Terminal width the table must fit (default 100); ignored when `maxCell` is Infinity. */
  readonly width?: number;
  /** Rows shown at most (default 20; Infinity for all). */
  readonly maxRows?: number;
  /**
   * Characters of one cell at most (default 40). Infinity is the wide mode: no cell is
   * cut and no column left out (the pager scrolls sideways).
   */
  readonly maxCell?: number;
  /** Only these columns, in this order. */
  readonly columns?: readonly string[];
  /**
   * The variable the frame is bound to: a note under a table whose cells were cut says
   * `.show NAME ROW` shows a row whole (no note when absent).
   */
  readonly name?: string;
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
  const wide = options.maxCell === Infinity;
  const width = wide ? Infinity : Math.max(20, options.width ?? 100);
  const maxRows = Math.max(1, options.maxRows ?? 20);
  const maxCell = wide ? Infinity : Math.max(4, options.maxCell ?? 40);
  const shown = frame.head(Math.min(maxRows, frame.height));
  const index = new Map(frame.columns.map((c, i) => [c, i]));
  const chosen = (options.columns ?? frame.columns).map((c) => {
    const i = index.get(c);
    if (i === undefined) {
      throw new ReplError(`The frame has no column ${c}.`, {
        hint: didYouMean(c, frame.columns) ?? `Its columns: ${frame.columns.join(", ")}.`,
      });
    }
    return i;
  });
  // The first row with a cell cut, by column: the note points at a row to .show.
  const firstCut = new Map<number, number>();
  const cells = chosen.map((i, k) => {
    const variant = frame.dtypes[i].variant;
    const values = shown.getColumn(frame.columns[i]).toArray();
    return values.map((v, r) => {
      const whole = formatCell(v, variant);
      const text = cut(whole, maxCell);
      if (text !== whole && !firstCut.has(k)) firstCut.set(k, r);
      return text;
    });
  });
  const names = chosen.map((i) => cut(terminalSafe(frame.columns[i]), maxCell));
  // Columns left to right while they fit (the first always does, cut if need be).
  const kept: number[] = [];
  let used = 0;
  for (let k = 0; k < chosen.length; k++) {
    const w = Math.max(displayWidth(names[k]), ...cells[k].map(displayWidth));
    const need = (kept.length ? 2 : 0) + w;
    if (kept.length > 0 && used + need > width) break;
    kept.push(k);
    used += need;
  }
  const header = kept.map((k) => names[k]);
  const rows = Array.from(
    { length: shown.height },
    (_, r) => kept.map((k) => cells[k][r]),
  );
  const numeric = kept.map((k) =>
    /^(U?Int\d+|Float\d+|Decimal)$/.test(frame.dtypes[chosen[k]].variant)
  );
  const lines = [textTable(header, rows, numeric)];
  const single = kept.length === 1 && used > width;
  if (single) {
    lines[0] = lines[0].split("\n").map((l) => cut(l, width)).join("\n");
    const r = cells[kept[0]].findIndex((c) => displayWidth(c) > width);
    if (r >= 0 && !firstCut.has(kept[0])) firstCut.set(kept[0], r);
  }
  const notes = [`${counted(frame.height, "row")} × ${counted(frame.width, "column")}`];
  if (shown.height < frame.height) notes.push(`first ${counted(shown.height, "row")} shown`);
  if (chosen.length < frame.columns.length) {
    notes.push(`${counted(chosen.length, "column")} chosen`);
  }
  const cutRows = kept.flatMap((k) => firstCut.has(k) ? [firstCut.get(k)!] : []);
  // Only with a name: `.show` is the REPL's, and it reaches a variable (not the shell's
  // `casefile hunt run`, nor a `fork`'s second table).
  if (cutRows.length > 0 && options.name !== undefined) {
    // Short parts: the note wraps after ", " to a narrow terminal.
    notes.push(`values cut, whole with .show ${options.name} ${Math.min(...cutRows)}`);
  }
  const hidden = chosen.slice(kept.length).map((i) => terminalSafe(frame.columns[i]));
  if (hidden.length > 0) {
    const more = hidden.slice(0, 8).join(", ") + (hidden.length > 8 ? ", …" : "");
    notes.push(`${hidden.length} more ${hidden.length === 1 ? "column" : "columns"}: ${more}`);
  }
  // Wrapped after a "; " or ", " to the table's width (a wider line would call the pager).
  lines.push(wrapAfter(`(${notes.join("; ")})`, width));
  return lines.join("\n");
}

/**
 * One cell as text: datetimes in UTC, nulls empty, floats rounded, lists and structs as
 * JSON, control characters made visible (see `cellText` in src/display).
 */
export function formatCell(value: unknown, variant = ""): string {
  return cellText(value, { variant });
}

/** `text` over lines of at most `width` where it can be broken after "; " or ", ". */
function wrapAfter(text: string, width: number): string {
  const parts = text.split(/(?<=[;,] )/);
  const lines: string[] = [];
  let line = "";
  for (const part of parts) {
    if (line && displayWidth((line + part).trimEnd()) > width) {
      lines.push(line.trimEnd());
      line = "";
    }
    line += part;
  }
  lines.push(line);
  return lines.join("\n");
}

/** `text` cut to `max` display columns, ending in … when cut. */
function cut(text: string, max: number): string {
  return displayWidth(text) <= max ? text : `${fitWidth(text, max - 1).text}…`;
}
