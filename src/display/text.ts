/**
 * Values as text for a terminal: control characters made visible (an escape sequence in
 * the data never reaches the terminal raw), strings otherwise raw (`C:\Windows`, not
 * `C:\\Windows`), floats rounded for tables, datetimes in UTC, JSON compact.
 *
 * @module
 */
import { checkOptions, defineOptions } from "../options.ts";

/**
 * C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional overrides and
 * isolates (which reorder what follows them: "Trojan Source").
 */
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const TERMINAL_SAFE_OPTIONS = defineOptions<TerminalSafeOptions>("terminalSafe", {
  keepNewlines: "boolean",
});
const CELL_TEXT_OPTIONS = defineOptions<CellTextOptions>("cellText", {
  variant: "string",
  fullPrecision: "boolean",
});

/** Options of {@link terminalSafe}. */
export interface TerminalSafeOptions {
  /** Keep line breaks (`\n`, `\r\n`) as line breaks; else they show as `⏎` (default false). */
  readonly keepNewlines?: boolean;
}

/**
 * `text` safe to print on a terminal: control characters (ESC, BEL, CR, backspace, C1),
 * and bidirectional overrides, shown as `\x1b`, `\u202e`...; tabs as a space; line breaks
 * as `⏎` unless kept. Everything else is printed as it is (no quotes, no doubled
 * backslashes).
 *
 * @param text Any text, from any source (log data is hostile input).
 * @param options Whether line breaks are kept.
 * @returns Text that moves no cursor and sets no colour or title.
 *
 * @example An escape sequence in a command line, and a Windows path
 * ```ts
 * import assert from "node:assert/strict";
 * import { terminalSafe } from "./mod.ts";
 *
 * assert.equal(terminalSafe("cmd \x1b]0;pwned\x07 /c"), "cmd \\x1b]0;pwned\\x07 /c");
 * assert.equal(terminalSafe("C:\\Windows\\Temp\\wsh.exe"), "C:\\Windows\\Temp\\wsh.exe");
 * assert.equal(terminalSafe("a\r\nb"), "a⏎b");
 * ```
 */
export function terminalSafe(text: string, options: TerminalSafeOptions = {}): string {
  checkOptions("terminalSafe", options, TERMINAL_SAFE_OPTIONS);
  const lines = options.keepNewlines ? text.replace(/\r\n/g, "\n") : text.replace(/\r?\n/g, "⏎");
  return lines.replace(/\t/g, " ").replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** Options of {@link cellText}. */
export interface CellTextOptions {
  /** The Polars dtype variant of the column (`Duration` values are microseconds). */
  readonly variant?: string;
  /**
   * Floats as they are (the record view) instead of rounded: 2 decimals from 1 up, 3
   * significant digits below 1 (default false).
   */
  readonly fullPrecision?: boolean;
}

/**
 * One value as a table cell: nulls empty, datetimes in UTC, durations as `d.hh:mm:ss`,
 * integers exact, floats rounded (59.91966105 → 59.92, 0.0123456 → 0.0123), lists and
 * objects as compact JSON, text made {@link terminalSafe} on one line.
 *
 * @param value A value from a frame's column.
 * @param options The column's dtype variant, and whether floats are kept whole.
 * @returns The cell's text.
 *
 * @example Floats rounded, integers exact, a datetime in UTC
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellText } from "./mod.ts";
 *
 * assert.equal(cellText(59.91966105), "59.92");
 * assert.equal(cellText(59.91966105, { fullPrecision: true }), "59.91966105");
 * assert.equal(cellText(2684354560), "2684354560");
 * assert.equal(cellText(new Date("2026-03-12T01:52:08Z")), "2026-03-12 01:52:08");
 * assert.equal(cellText({ a: [1, 2] }), '{"a":[1,2]}');
 * ```
 */
export function cellText(value: unknown, options: CellTextOptions = {}): string {
  checkOptions("cellText", options, CELL_TEXT_OPTIONS);
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return instant(value);
  if (
    options.variant === "Duration" && (typeof value === "number" || typeof value === "bigint")
  ) {
    return duration(Number(value));
  }
  if (typeof value === "string") return terminalSafe(value);
  if (typeof value === "number") {
    return options.fullPrecision ? String(value) : roundedNumber(value);
  }
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  try {
    const json = JSON.stringify(value, (_, v) => typeof v === "bigint" ? String(v) : v);
    return terminalSafe(json ?? String(value));
  } catch {
    return terminalSafe(String(value));
  }
}

/** A number as a table shows it: integers exact, floats to a readable precision. */
function roundedNumber(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1) return String(Number(value.toFixed(2)));
  // Below 1, the digits that matter start later: keep three significant ones.
  return String(Number(value.toPrecision(3)));
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
