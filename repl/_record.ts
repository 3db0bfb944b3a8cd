/**
 * The display commands: `.show NAME [ROW] [COLS]` (one row as a record, every value whole),
 * `.table NAME [COLS] [ROWS|all]` (a frame as a table, chosen columns, more rows) and
 * `.display [SETTING VALUE]...` (cell width, rows, pager, inline charts).
 *
 * @module
 */
import { didYouMean } from "../src/errors.ts";
import { isDataFrame } from "../src/polars.ts";
import { show } from "../src/display/mod.ts";
import { type DisplaySettings, isSeries, maxCellOf } from "./_display.ts";
import { frameTable, textTable } from "./_format.ts";
import { ReplError } from "./errors.ts";

/** What the display commands reach of the REPL. */
export interface ViewHost {
  readonly output: { columns(): number };
  readonly evaluator: { readonly vars: Record<string, unknown> };
  readonly display: DisplaySettings;
  /** Prints `text`, through the pager when it does not fit the screen. */
  showText(text: string): void;
}

/** `.show NAME [ROW] [COL,COL...]`: one row as a record. */
export function showRecord(host: ViewHost, args: readonly string[]): void {
  const [name, ...rest] = args;
  const frame = frameNamed(host, name, ".show", ".show spray 2");
  let row = 0;
  let columns: string[] | undefined;
  for (const arg of rest) {
    if (/^-?\d+$/.test(arg)) row = Number(arg);
    else if (arg !== "cols") columns = columnList(arg);
  }
  const record = show(frame, row, { columns, width: host.output.columns() });
  host.showText(record.toText(host.output.columns()));
}

/** `.table NAME [COL,COL...] [ROWS|all]`: the frame as a table. */
export function showTable(host: ViewHost, args: readonly string[]): void {
  const [name, ...rest] = args;
  const frame = frameNamed(host, name, ".table", ".table spray IPAddress,Failures all");
  let rows = host.display.rows;
  let columns: string[] | undefined;
  for (const arg of rest) {
    if (arg === "all") rows = Infinity;
    else if (/^\d+$/.test(arg)) {
      rows = Number(arg);
      if (rows < 1) {
        throw new ReplError(".table shows at least one row.", {
          hint: `.table ${name} 10 (rows), or .table ${name} all`,
        });
      }
    } else if (arg !== "cols") columns = columnList(arg);
  }
  host.showText(frameTable(frame, {
    width: host.output.columns(),
    maxRows: rows,
    maxCell: maxCellOf(host.display),
    columns,
    name,
  }));
}

const SETTINGS = {
  width: "auto (cells cut to fit the terminal) | full (nothing cut) | N (characters a cell)",
  rows: "N: rows of a table shown",
  pager: "on | off: long or wide output through $PAGER or less -SRFX (on a terminal)",
  images: "auto | on | off: charts inline in kitty, iTerm2 or WezTerm",
} as const;

/** `.display [SETTING VALUE]...`: shows or changes the display settings. */
export function changeDisplay(host: ViewHost, args: readonly string[]): void {
  const settings = host.display;
  if (args.length % 2 === 1) {
    throw new ReplError(`.display ${args.at(-1)} needs a value.`, {
      hint: ".display width full, .display pager off, .display rows 50",
    });
  }
  for (let i = 0; i < args.length; i += 2) {
    const [key, value] = [args[i], args[i + 1]];
    switch (key) {
      case "width":
        if (value === "auto" || value === "full") settings.width = value;
        else settings.width = positive(value, "width", "auto, full or a number of characters");
        break;
      case "rows":
        settings.rows = positive(value, "rows", "a number of rows");
        break;
      case "pager":
        settings.pager = onOff(value, "pager");
        break;
      case "images":
        if (value !== "auto" && value !== "on" && value !== "off") {
          throw new ReplError(`images takes auto, on or off, not ${value}.`, {
            hint: ".display images off: charts only as files; on: inline even if not detected.",
          });
        }
        settings.images = value;
        break;
      default:
        throw new ReplError(`There is no display setting ${key}.`, {
          hint: didYouMean(key, Object.keys(SETTINGS)) ??
            `Settings: ${Object.keys(SETTINGS).join(", ")}.`,
        });
    }
  }
  host.showText(textTable(
    ["setting", "value", "what it takes"],
    Object.entries(SETTINGS).map(([key, what]) => [
      key,
      String(
        settings[key as keyof DisplaySettings] === true
          ? "on"
          : settings[key as keyof DisplaySettings] === false
          ? "off"
          : settings[key as keyof DisplaySettings],
      ),
      what,
    ]),
  ));
}

function frameNamed(host: ViewHost, name: string | undefined, command: string, example: string) {
  if (!name) throw new ReplError(`${command} needs a variable's name.`, { hint: example });
  const vars = host.evaluator.vars;
  if (!(name in vars)) {
    throw new ReplError(`There is no variable ${name}.`, {
      hint: didYouMean(name, Object.keys(vars)) ?? `Try ${example}.`,
    });
  }
  const value = vars[name];
  if (isDataFrame(value)) return value;
  if (isSeries(value)) return value.toFrame();
  throw new ReplError(`${name} is ${describe(value)}, not a table.`, {
    hint: `${command} shows a DataFrame or a Series (a query's result); type ${name} to see it.`,
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return type === "object" ? `a ${(value as object).constructor?.name ?? "object"}` : `a ${type}`;
}

function columnList(text: string): string[] {
  return text.split(",").map((c) => c.trim()).filter(Boolean);
}

function positive(value: string, key: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new ReplError(`${key} takes ${what}, not ${value}.`, {
      hint: `.display ${key} ${key === "width" ? "full" : "50"}`,
    });
  }
  return n;
}

function onOff(value: string, key: string): boolean {
  if (value === "on" || value === "off") return value === "on";
  throw new ReplError(`${key} takes on or off, not ${value}.`, { hint: `.display ${key} off` });
}
