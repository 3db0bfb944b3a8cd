/**
 * How the shell commands (`query`, `head`, `load`, `schema`) write a frame: an aligned
 * table for a person, or CSV, TSV, JSON, NDJSON or Parquet for a pipeline, to standard
 * output or a file.
 *
 * Values in the text formats: datetimes as ISO 8601 in UTC with `Z` (microseconds kept),
 * timespans as Kusto writes them (`1.02:03:04`), dynamic values as their JSON. In JSON and
 * NDJSON, a long within ±(2^53 - 1) is a number and one beyond is its exact decimal
 * string (always, so a reader can rely on it); dynamic values are nested JSON.
 *
 * @module
 */
import { type DataFrame, isIntegerVariant, pl, variantOf } from "../src/polars.ts";
import { CliUsageError } from "./errors.ts";
import { count, formatCell } from "./_format.ts";
import { displayWidth, fitWidth, padWidth, show, terminalSafe } from "../src/display/mod.ts";

/** The formats the shell commands write. */
export const OUTPUT_FORMATS = ["table", "csv", "tsv", "json", "ndjson", "parquet"] as const;

/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** Where and how a command writes its frame. */
export interface OutputChoice {
  readonly format: OutputFormat;
  /** The file to write; standard output when absent. */
  readonly file?: string;
}

/** The output options every frame-writing command takes. */
export interface OutputCliOptions {
  format?: string;
  output?: string;
  rows?: string;
  /** Each row as a record (`query` and `head`): every column on a line of its own. */
  vertical?: boolean;
}

const EXTENSIONS: Record<string, OutputFormat> = {
  csv: "csv",
  tsv: "tsv",
  tab: "tsv",
  json: "json",
  ndjson: "ndjson",
  jsonl: "ndjson",
  parquet: "parquet",
  pq: "parquet",
  txt: "table",
};

/**
 * The format and destination the options ask for: `--format`, else the `--output` file's
 * extension, else a table on a terminal (or with `--vertical`) and CSV in a pipe.
 *
 * @throws {CliUsageError} for an unknown format or extension, or Parquet to a terminal.
 */
export function chooseOutput(options: OutputCliOptions, terminal: boolean): OutputChoice {
  const file = options.output;
  let format: OutputFormat;
  if (options.format !== undefined) {
    const asked = options.format.toLowerCase();
    if (!(OUTPUT_FORMATS as readonly string[]).includes(asked)) {
      throw new CliUsageError(
        `--format takes ${OUTPUT_FORMATS.join(", ")}, not ${options.format}.`,
        {
          hint: "--format csv for a pipeline, --format table to read it.",
        },
      );
    }
    format = asked as OutputFormat;
  } else if (file !== undefined) {
    const extension = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase() ?? "";
    const known = EXTENSIONS[extension];
    if (!known) {
      throw new CliUsageError(`Cannot tell the format of ${file} from its name.`, {
        hint: `Give --format (${OUTPUT_FORMATS.join(", ")}), or name it .csv, .tsv, .json, ` +
          ".ndjson or .parquet.",
      });
    }
    format = known;
  } else {
    // Records are for a person to read, piped into a pager too.
    format = terminal || options.vertical ? "table" : "csv";
  }
  if (format === "parquet" && file === undefined && terminal) {
    throw new CliUsageError("Parquet is binary: it is not written to a terminal.", {
      hint: "Give --output FILE.parquet, or pipe the output into a file or another program.",
    });
  }
  return file === undefined ? { format } : { format, file };
}

/**
 * How a table shows: each row as a record when `--vertical` asks (every column on a line
 * of its own, values whole: a SecurityEvent row, a long command line), else
 * `layout`.
 *
 * @throws {CliUsageError} for `--vertical` with a format other than a table.
 */
export function tableLayout(
  options: OutputCliOptions,
  choice: OutputChoice,
  layout: "wide" | "fit",
): Written["layout"] {
  if (!options.vertical) return layout;
  if (choice.format !== "table") {
    throw new CliUsageError(`--vertical shows a table's rows as records, not ${choice.format}.`, {
      hint: "Leave --vertical out for --format csv, json or parquet; --format table with it.",
    });
  }
  return "records";
}

/**
 * The rows `-n` asks for: a count, `all`, or (when absent) `fallback` (undefined: all).
 *
 * @throws {CliUsageError} when it is not a count.
 */
export function rowLimit(
  rows: string | undefined,
  fallback: number | undefined,
): number | undefined {
  if (rows === undefined) return fallback;
  if (/^all$/i.test(rows)) return undefined;
  if (!/^\d+$/.test(rows)) {
    throw new CliUsageError(`-n takes a number of rows or all, not ${rows}.`, {
      hint: "-n 50, or -n all for every row.",
    });
  }
  return Number(rows);
}

/** How a column's values are written. */
type CellKind = "integer" | "float" | "bool" | "datetime" | "timespan" | "dynamic" | "string";

/** A column's values as text (null for a null), and what kind they are. */
interface TextColumn {
  readonly name: string;
  readonly kind: CellKind;
  readonly values: ReadonlyArray<string | null>;
}

/** The Kusto type of each column, when known (a query's schema): marks dynamic columns. */
export type ColumnTypes = ReadonlyMap<string, string>;

/**
 * Every column of `frame` as text, exactly: datetimes and 64-bit integers are formatted by
 * Polars (JavaScript numbers would round a long past 2^53 and drop microseconds).
 */
function textColumns(
  frame: DataFrame,
  types: ColumnTypes | undefined,
  datetime: "iso" | "display",
): TextColumn[] {
  const pattern = datetime === "iso" ? "%Y-%m-%dT%H:%M:%S%.fZ" : "%Y-%m-%d %H:%M:%S%.f";
  // The frame's members read once and its datetime and integer columns formatted in one
  // select each: per column, each is a pass over all columns (quadratic in a wide file).
  const dtypes = frame.dtypes;
  const columns = frame.getColumns();
  const names = frame.columns;
  const ofVariant = (test: (v: string) => boolean) =>
    names.filter((_, i) => test(variantOf(dtypes[i])));
  const datetimes = ofVariant((v) => v === "Datetime");
  const integers = ofVariant(isIntegerVariant);
  const formatted = new Map(
    [
      ...(datetimes.length
        ? frame.select(pl.col(datetimes).dt.strftime(pattern)).getColumns()
        : []),
      ...(integers.length ? frame.select(pl.col(integers).cast(pl.Utf8)).getColumns() : []),
    ].map((s) => [s.name, s]),
  );
  return names.map((name, i) => {
    const variant = variantOf(dtypes[i]);
    const series = columns[i];
    if (variant === "Datetime") {
      const text = formatted.get(name)!;
      return { name, kind: "datetime", values: text.toArray() as Array<string | null> };
    }
    if (isIntegerVariant(variant)) {
      const text = formatted.get(name)!;
      return { name, kind: "integer", values: text.toArray() as Array<string | null> };
    }
    const raw = series.toArray() as unknown[];
    const kind: Exclude<CellKind, "integer" | "datetime"> =
      variant === "Float32" || variant === "Float64" || variant === "Decimal"
        ? "float"
        : variant === "Bool"
        ? "bool"
        : variant === "Duration"
        ? "timespan"
        : variant === "Utf8"
        ? (types?.get(name) === "dynamic" ? "dynamic" : "string")
        : "dynamic";
    const values = raw.map((v): string | null => {
      if (v === null || v === undefined) return null;
      switch (kind) {
        case "float":
          return String(v);
        case "bool":
          return v ? "true" : "false";
        case "timespan":
          return formatCell(v, "Duration");
        case "string":
          return String(v);
        case "dynamic":
          return typeof v === "string" ? v : jsonText(v);
      }
    });
    return { name, kind, values };
  });
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_, v) => typeof v === "bigint" ? String(v) : v) ?? String(value);
}

/** `frame` as CSV (`separator` ","), or TSV ("\t"), quoted per RFC 4180; ends with a newline. */
export function delimitedText(
  frame: DataFrame,
  separator: "," | "\t",
  types?: ColumnTypes,
): string {
  const columns = textColumns(frame, types, "iso");
  const special = separator === "," ? /[",\r\n]/ : /["\t\r\n]/;
  const field = (text: string) => special.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  const lines = [columns.map((c) => field(c.name)).join(separator)];
  for (let r = 0; r < frame.height; r++) {
    lines.push(columns.map((c) => field(c.values[r] ?? "")).join(separator));
  }
  return lines.join("\n") + "\n";
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function jsonValue(kind: CellKind, text: string | null): unknown {
  if (text === null) return null;
  switch (kind) {
    case "integer": {
      const n = BigInt(text);
      return n > SAFE || n < -SAFE ? text : Number(text);
    }
    case "float": {
      const n = Number(text);
      return Number.isFinite(n) ? n : null;
    }
    case "bool":
      return text === "true";
    case "dynamic":
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    case "datetime":
    case "timespan":
    case "string":
      return text;
  }
}

/** Each row of `frame` as a JSON object's text. */
export function jsonRecords(frame: DataFrame, types?: ColumnTypes): string[] {
  const columns = textColumns(frame, types, "iso");
  const records: string[] = [];
  for (let r = 0; r < frame.height; r++) {
    const record: Record<string, unknown> = {};
    for (const c of columns) record[c.name] = jsonValue(c.kind, c.values[r]);
    records.push(JSON.stringify(record));
  }
  return records;
}

/** Options of {@link gridText}. */
export interface GridOptions {
  /** Width to fit: columns that do not fit are left out and named (default: no limit). */
  readonly width?: number;
  /** Characters of a column's line at most; longer cells wrap (default: no limit). */
  readonly cellWidth?: number;
  /** Lines a cell wraps over at most, the last ending in … when cut (default 4). */
  readonly maxLines?: number;
  /** Kusto types of the columns (for dynamic ones). */
  readonly types?: ColumnTypes;
}

/**
 * `frame` as an aligned text table. Without `width` and `cellWidth`, every value whole on
 * one line and the table as wide as it needs; with them, cells wrap over at most
 * `maxLines` lines and columns that do not fit `width` are named below the table.
 */
export function gridText(frame: DataFrame, options: GridOptions = {}): string {
  const columns = textColumns(frame, options.types, "display");
  const cellWidth = options.cellWidth ?? Infinity;
  const maxLines = Math.max(1, options.maxLines ?? 4);
  // Control characters made visible: an escape sequence in log data never reaches the terminal.
  const cells = columns.map((c) => c.values.map((v) => v === null ? "" : terminalSafe(v)));
  const names = columns.map((c) => terminalSafe(c.name));
  const widths = columns.map((_, i) =>
    Math.min(cellWidth, Math.max(displayWidth(names[i]), ...cells[i].map(displayWidth)))
  );
  const kept: number[] = [];
  let used = 0;
  for (let i = 0; i < columns.length; i++) {
    const need = (kept.length ? 2 : 0) + widths[i];
    if (kept.length > 0 && options.width !== undefined && used + need > options.width) break;
    kept.push(i);
    used += need;
  }
  // Room left over goes to the columns that were cut, so they wrap less.
  if (options.width !== undefined && Number.isFinite(cellWidth)) {
    const natural = (i: number) => Math.max(displayWidth(names[i]), ...cells[i].map(displayWidth));
    let spare = options.width - used;
    let cut = kept.filter((i) => natural(i) > widths[i]);
    while (spare > 0 && cut.length > 0) {
      const share = Math.max(1, Math.floor(spare / cut.length));
      for (const i of cut) {
        const grow = Math.min(share, natural(i) - widths[i], spare);
        widths[i] += grow;
        spare -= grow;
      }
      cut = cut.filter((i) => natural(i) > widths[i]);
    }
  }
  const numeric = kept.map((i) => columns[i].kind === "integer" || columns[i].kind === "float");
  const line = (parts: readonly string[]) =>
    parts.map((p, k) => padWidth(p, widths[kept[k]], numeric[k] ? "start" : "end"))
      .join("  ").trimEnd();
  const out = [
    line(kept.map((i) => wrap(names[i], widths[i], 1)[0])),
    line(kept.map((i) => "-".repeat(widths[i]))),
  ];
  for (let r = 0; r < frame.height; r++) {
    const wrapped = kept.map((i) => wrap(cells[i][r], widths[i], maxLines));
    const height = Math.max(...wrapped.map((w) => w.length));
    for (let l = 0; l < height; l++) out.push(line(wrapped.map((w) => w[l] ?? "")));
  }
  const hidden = names.slice(kept.length);
  if (hidden.length > 0) {
    const listed = hidden.slice(0, 12).join(", ") + (hidden.length > 12 ? ", …" : "");
    out.push(
      `(${count(hidden.length)} more ${hidden.length === 1 ? "column" : "columns"}: ${listed}; ` +
        "--format csv or json shows them all)",
    );
  }
  return out.join("\n");
}

/** `text` in lines of at most `width` characters, at most `maxLines` of them. */
function wrap(text: string, width: number, maxLines: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let rest = text;
  // Widths in display columns (a CJK character takes two); cuts never split a character.
  while (displayWidth(rest) > width && lines.length < maxLines - 1) {
    // Break after the last space or punctuation in the line when there is one, else hard.
    const slice = fitWidth(rest, width).text;
    const at = Math.max(slice.lastIndexOf(" "), slice.search(/[\\/,;|][^\\/,;|]*$/));
    const cut = at > slice.length / 2 ? at + 1 : Math.max(1, slice.length);
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut);
  }
  lines.push(displayWidth(rest) > width ? `${fitWidth(rest, width - 1).text}…` : rest);
  return lines;
}

/** What a command writes: its frame and, for a table, the lines about it. */
export interface Written {
  /** The frame (already cut to the rows asked for). */
  readonly frame: DataFrame;
  /** Kusto types of the columns, when known. */
  readonly types?: ColumnTypes;
  /**
   * How a table shows: `wide` every value whole; `fit` wrapped to the terminal; `records`
   * each row as a record (`--vertical`), values whole and wrapped to the terminal.
   */
  readonly layout: "wide" | "fit" | "records";
  /** Terminal width, for the `fit` layout. */
  readonly width: number;
}

/** Rows formatted at a time: a pipe's reader (`| head`) gets the first ones early. */
const CHUNK_ROWS = 5_000;

/**
 * `written` in `format`, in pieces to write one after the other: text, or Parquet's bytes.
 */
export function* render(written: Written, format: OutputFormat): Generator<string | Uint8Array> {
  const { frame, types } = written;
  switch (format) {
    case "table":
      if (written.layout === "records") {
        // As the REPL's `.show`: one row after the other, a blank line between them.
        for (let row = 0; row < frame.height; row++) {
          yield `${row > 0 ? "\n" : ""}${show(frame, row, { width: written.width }).toText()}\n`;
        }
        return;
      }
      yield (written.layout === "wide"
        ? gridText(frame, { types })
        : gridText(frame, { types, width: written.width, cellWidth: 40, maxLines: 4 })) + "\n";
      return;
    case "parquet":
      yield new Uint8Array(frame.writeParquet());
      return;
    case "csv":
    case "tsv":
    case "json":
    case "ndjson":
      break;
  }
  if (format === "json") yield "[\n";
  for (let at = 0; at === 0 || at < frame.height; at += CHUNK_ROWS) {
    const part = frame.slice(at, CHUNK_ROWS);
    const first = at === 0;
    switch (format) {
      case "csv":
      case "tsv": {
        const text = delimitedText(part, format === "csv" ? "," : "\t", types);
        yield first ? text : text.slice(text.indexOf("\n") + 1);
        break;
      }
      case "ndjson":
        yield jsonRecords(part, types).map((r) => `${r}\n`).join("");
        break;
      case "json": {
        const records = jsonRecords(part, types);
        if (records.length > 0) yield `${first ? "" : ",\n"}${records.join(",\n")}`;
        break;
      }
    }
  }
  if (format === "json") yield frame.height === 0 ? "]\n" : "\n]\n";
}

/** The Kusto types of a schema's columns, by name. */
export function typesOf(
  schema: { readonly columns: ReadonlyArray<{ name: string; type: string }> },
): ColumnTypes {
  return new Map(schema.columns.map((c) => [c.name, c.type]));
}

/** Writes `piece` (text as UTF-8) whole to `to`. */
export async function writeAll(
  to: { write(p: Uint8Array): Promise<number> },
  piece: string | Uint8Array,
): Promise<void> {
  const bytes = typeof piece === "string" ? new TextEncoder().encode(piece) : piece;
  for (let at = 0; at < bytes.length;) at += await to.write(bytes.subarray(at));
}
