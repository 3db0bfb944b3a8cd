/**
 * The record view: one row of a frame, every column, whole values (as `psql`'s `\x` and
 * VisiData's row view show it).
 *
 * @module
 */
import { type DataFrame, isDataFrame } from "../polars.ts";
import { didYouMean } from "../errors.ts";
import { checkOptions, defineOptions } from "../options.ts";
import { DisplayError } from "./errors.ts";
import { cellText, terminalSafe } from "./text.ts";

/** Options of {@link show}. */
export interface ShowOptions {
  /** Only these columns, in this order (default: every column). */
  readonly columns?: readonly string[];
  /** Characters per line the text is wrapped to (default 100; the REPL's is the terminal's). */
  readonly width?: number;
}

/** One field of a {@link RecordView}: a column's name and its whole value as text. */
export interface RecordField {
  /** The column's name. */
  readonly column: string;
  /** The value in full: floats unrounded, JSON pretty-printed, text made terminal-safe. */
  readonly text: string;
}

const INSPECT = Symbol.for("Deno.customInspect");

const SHOW_OPTIONS = defineOptions<ShowOptions>("show", {
  columns: { kind: "columns", aliases: ["column", "cols", "select"] },
  width: "number",
});

/**
 * One row of a frame, every column, values whole. Made by {@link show}; prints as text
 * (the REPL, `console.log`), `toString()` gives the same text.
 */
export class RecordView {
  /** The row shown (0 is the first). */
  readonly row: number;
  /** Rows in the frame. */
  readonly rows: number;
  /** The columns, in order, with their values as text. */
  readonly fields: readonly RecordField[];
  /** Columns of the frame not shown (left out by `columns`). */
  readonly hidden: number;
  readonly #width: number;

  /** Use {@link show}. */
  constructor(row: number, rows: number, fields: RecordField[], hidden: number, width: number) {
    this.row = row;
    this.rows = rows;
    this.fields = fields;
    this.hidden = hidden;
    this.#width = width;
  }

  /** The record as text, wrapped to `width` characters (default: the one it was made with). */
  toText(width: number = this.#width): string {
    const nameWidth = Math.min(32, Math.max(0, ...this.fields.map((f) => f.column.length)));
    const valueWidth = Math.max(20, width - nameWidth - 2);
    const lines = [
      `row ${this.row} of ${this.rows} (0 to ${this.rows - 1})` +
      (this.hidden ? `; ${this.hidden} columns not shown` : ""),
    ];
    for (const field of this.fields) {
      const name = terminalSafe(field.column);
      const wrapped = field.text === ""
        ? [""]
        : field.text.split("\n").flatMap((l) => wrap(l, valueWidth));
      const label = name.length > nameWidth ? name : name.padEnd(nameWidth);
      if (name.length > nameWidth) lines.push(name);
      wrapped.forEach((part, i) => {
        const lead = i === 0 && name.length <= nameWidth ? label : " ".repeat(nameWidth);
        lines.push(`${lead}  ${part}`.trimEnd());
      });
    }
    return lines.join("\n");
  }

  /** The same text as {@link RecordView.toText}. */
  toString(): string {
    return this.toText();
  }

  /** How `console.log` and the REPL print it: the text, wrapped to their line width. */
  [INSPECT](_inspect: unknown, options?: { breakLength?: number }): string {
    const width = options?.breakLength;
    return this.toText(width && Number.isFinite(width) ? width : this.#width);
  }
}

/**
 * One row of `frame` as a record: every column (or `options.columns`) on its own line,
 * the whole value beside it: long text wrapped (not cut), JSON objects and arrays
 * (dynamic columns) pretty-printed, floats at full precision, control characters made
 * visible.
 *
 * @param frame The frame.
 * @param row The row, 0 for the first (default); negative counts from the end (-1: last).
 * @param options Columns to show, line width.
 * @returns The record view; it prints as text.
 * @throws {DisplayError} for a row past the end or a column the frame does not have.
 *
 * @example The demo case's encoded PowerShell, its command line whole
 * ```ts
 * import assert from "node:assert/strict";
 * import { show } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query(
 *   'DeviceProcessEvents | where ProcessCommandLine has "-EncodedCommand" ' +
 *     '| where InitiatingProcessFileName =~ "explorer.exe" | take 1',
 * );
 * const record = show(frame, 0, { columns: ["FileName", "ProcessCommandLine"] });
 * const command = record.fields[1].text;
 * assert.equal(command, frame.getColumn("ProcessCommandLine").toArray()[0]);
 * assert.match(command, /-EncodedCommand \S{200,}/);
 * assert.match(record.toText(60), /^FileName {12}powershell\.exe$/m);
 * ```
 */
export function show(frame: DataFrame, row = 0, options: ShowOptions = {}): RecordView {
  checkOptions("show", options, SHOW_OPTIONS, isDataFrame(frame) ? frame : undefined);
  if (!isDataFrame(frame)) {
    throw new DisplayError("show() takes a DataFrame (a query's result).", {
      hint: "Pass a frame: show(spray, 0); a Series: show(series.toFrame()).",
    });
  }
  const rows = frame.height;
  if (!Number.isInteger(row)) {
    throw new DisplayError(`Row ${String(row)} is not a row number.`, {
      hint: "Rows count from 0; -1 is the last.",
    });
  }
  const at = row < 0 ? rows + row : row;
  if (rows === 0 || at < 0 || at >= rows) {
    throw new DisplayError(
      rows === 0 ? "The frame has no rows." : `There is no row ${row}: the frame has ${rows} rows.`,
      {
        hint: rows === 0
          ? "Nothing to show."
          : `Rows count from 0 to ${rows - 1} (-1 is the last).`,
      },
    );
  }
  const columns = typeof options.columns === "string"
    ? [options.columns as string]
    : options.columns ?? frame.columns;
  for (const column of columns) {
    if (!frame.columns.includes(column)) {
      throw new DisplayError(`The frame has no column ${column}.`, {
        hint: didYouMean(column, frame.columns) ?? `Its columns: ${frame.columns.join(", ")}.`,
      });
    }
  }
  const one = frame.slice(at, 1);
  const variants = new Map(frame.columns.map((c, i) => [c, frame.dtypes[i].variant]));
  const fields = columns.map((column) => ({
    column,
    text: fieldText(one.getColumn(column).toArray()[0], variants.get(column) ?? ""),
  }));
  return new RecordView(
    at,
    rows,
    fields,
    frame.columns.length - columns.length,
    options.width ?? 100,
  );
}

/** A value whole: JSON (a dynamic column's text included) pretty-printed, floats unrounded. */
function fieldText(value: unknown, variant: string): string {
  if (typeof value === "string") {
    const json = /^\s*[[{]/.test(value) ? parseJson(value) : undefined;
    return terminalSafe(json === undefined ? value : pretty(json), { keepNewlines: true });
  }
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return terminalSafe(pretty(value), { keepNewlines: true });
  }
  return cellText(value, { variant, fullPrecision: true });
}

/** JSON's numbers kept as written: a long past 2^53 (an event id) is not rounded. */
const rawJSON = (JSON as { rawJSON?: (text: string) => unknown }).rawJSON;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(
      text,
      // The reviver's third argument is the text of a primitive (ES2026 JSON.parse source).
      (_key, value, context?: { source?: string }) =>
        typeof value === "number" && rawJSON && context?.source !== undefined
          ? rawJSON(context.source)
          : value,
    );
  } catch {
    return undefined;
  }
}

function pretty(value: unknown): string {
  return JSON.stringify(value, (_, v) => typeof v === "bigint" ? String(v) : v, 2) ?? "";
}

/** `line` in pieces of at most `width` characters, broken after a space where one is near. */
function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const space = rest.lastIndexOf(" ", width);
    const cut = space > width / 2 ? space + 1 : width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}
