/**
 * How the REPL shows values: DataFrames and Series as tables that fit the terminal (or
 * wide, cells whole), KQL queries as their text, strings raw (control characters made
 * visible), casefile objects by their own text (`Deno.customInspect`: process trees as the
 * tree, record views, charts as one line), decode results as their layers, everything else
 * inspected as `deno repl` does with strings shown raw (cut to a screenful).
 *
 * @module
 */
import { KqlQuery } from "../src/session/kql_template.ts";
import { ParamRef } from "../src/session/params.ts";
import { terminalSafe } from "../src/display/mod.ts";
import { frameTable } from "./_format.ts";
import { isDataFrame } from "../src/polars.ts";

/** Options of {@link formatValue}. */
export interface DisplayOptions {
  /** Terminal columns. */
  readonly width: number;
  /** ANSI colours for inspected values. */
  readonly colors: boolean;
  /** Rows of a table shown at most. */
  readonly maxRows?: number;
  /** Lines of an inspected value shown at most. */
  readonly maxLines?: number;
  /** Characters of a table cell at most (Infinity: wide, nothing cut; default 40). */
  readonly maxCell?: number;
  /** Only these columns of a table. */
  readonly columns?: readonly string[];
  /** The variable a table is bound to (its note on cut values says `.show NAME ROW`). */
  readonly name?: string;
}

/** The REPL's display settings (`.display`); one object per REPL, changed in place. */
export interface DisplaySettings {
  /** Table cells: cut to fit the terminal ("auto"), never cut ("full"), or at most n characters. */
  width: "auto" | "full" | number;
  /** Rows of a table shown at most. */
  rows: number;
  /** Page output taller or wider than the terminal (interactive only). */
  pager: boolean;
  /** Charts inline in terminals that show images: when detected ("auto"), always, never. */
  images: "auto" | "on" | "off";
}

/** The settings a REPL starts with. */
export function defaultDisplaySettings(): DisplaySettings {
  return { width: "auto", rows: 20, pager: true, images: "auto" };
}

/** The characters of a table cell at most under `settings`. */
export function maxCellOf(settings: DisplaySettings): number {
  return settings.width === "full" ? Infinity : settings.width === "auto" ? 40 : settings.width;
}

/** Whether `value` is a Polars Series. */
export function isSeries(value: unknown): value is import("../src/polars.ts").Series {
  return typeof value === "object" && value !== null &&
    typeof (value as { toFrame?: unknown }).toFrame === "function" &&
    typeof (value as { dtype?: unknown }).dtype === "object";
}

const INSPECT = Symbol.for("Deno.customInspect");

/** `value` as the REPL prints it. */
export function formatValue(value: unknown, options: DisplayOptions): string {
  const table = {
    width: options.width,
    maxRows: options.maxRows,
    maxCell: options.maxCell,
    columns: options.columns,
    name: options.name,
  };
  if (isDataFrame(value)) return frameTable(value, table);
  if (isSeries(value)) return frameTable(value.toFrame(), table);
  if (value instanceof KqlQuery) {
    const params = value.params;
    return `kql: ${value.text}${params.length ? `\n(parameters: ${params.join(", ")})` : ""}`;
  }
  if (value instanceof ParamRef) return `${value.name} (${value.kind}) = ${String(value)}`;
  if (typeof value === "string") return terminalSafe(value, { keepNewlines: true });
  if (isDecodeResult(value)) return decodeText(value);
  const inspectOptions = {
    colors: options.colors,
    depth: 4,
    iterableLimit: 50,
    strAbbreviateSize: 2000,
    breakLength: options.width,
    trailingComma: false,
  };
  if (hasOwnText(value)) {
    // A casefile object's own text (a process tree, a record): whole, made safe to print.
    return terminalSafe(Deno.inspect(value, inspectOptions), { keepNewlines: true });
  }
  const text = Deno.inspect(rawStrings(value, 5, new Set()), inspectOptions);
  const lines = text.split("\n");
  const max = options.maxLines ?? 60;
  if (lines.length <= max) return text;
  return `${lines.slice(0, max).join("\n")}\n… ${lines.length - max} more lines`;
}

function hasOwnText(value: unknown): boolean {
  return typeof value === "object" && value !== null &&
    typeof (value as Record<symbol, unknown>)[INSPECT] === "function";
}

/** A string inspected raw: `"C:\Windows"` rather than `"C:\\Windows"`, controls visible. */
class RawString {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  [INSPECT](): string {
    return `"${terminalSafe(this.#text)}"`;
  }
}

/**
 * `value` with its strings (in plain arrays and objects, to `depth`) as {@link RawString}s,
 * so that inspecting it shows them raw; anything else is kept as it is.
 */
function rawStrings(value: unknown, depth: number, seen: Set<unknown>): unknown {
  if (typeof value === "string") return new RawString(value);
  // A value with its own text (a step in `session.steps()`) keeps it.
  if (hasOwnText(value)) return value;
  if (depth <= 0 || typeof value !== "object" || value === null || seen.has(value)) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    return value.length > 1000 ? value : value.map((v) => rawStrings(v, depth - 1, seen));
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    seen.add(value);
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, rawStrings(v, depth - 1, seen)]),
    );
  }
  return value;
}

/** The shape of `decode()`'s result (src/enrich/decode.ts). */
interface DecodeResultLike {
  readonly status: string;
  readonly decoded: string;
  readonly layers: readonly { kind: string; depth: number; detail?: string }[];
  readonly payloads: readonly { size: number; fileType: string; sha256: string }[];
  readonly message?: string;
}

function isDecodeResult(value: unknown): value is DecodeResultLike {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === "string" && typeof v.decoded === "string" &&
    Array.isArray(v.layers) && Array.isArray(v.payloads);
}

/** A decode result as its layers, outermost first, then the text it decodes to. */
function decodeText(result: DecodeResultLike): string {
  const lines = [
    `decode: ${result.status}${result.message ? ` (${terminalSafe(result.message)})` : ""}`,
  ];
  for (const layer of result.layers) {
    lines.push(
      `  layer ${layer.depth}: ${layer.kind}${
        layer.detail ? ` (${terminalSafe(layer.detail)})` : ""
      }`,
    );
  }
  for (const p of result.payloads) {
    lines.push(`  payload: ${p.fileType}, ${p.size} bytes, sha256 ${p.sha256}`);
  }
  lines.push("decoded:", terminalSafe(result.decoded, { keepNewlines: true }));
  return lines.join("\n");
}
