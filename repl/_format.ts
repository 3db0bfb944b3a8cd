/**
 * Plain-text output for the terminal: aligned tables, dates in UTC, errors with hints.
 *
 * @module
 */
import { caretLine } from "../src/kql/errors.ts";
import type { Span } from "../src/kql/ast.ts";

/** Rows as an aligned text table; numbers align right. */
export function textTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((_, i) =>
    rows.length > 0 && rows.every((r) => /^-?[\d,.]+$|^$/.test(r[i]))
  );
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
