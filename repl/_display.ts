/**
 * How the REPL shows values: DataFrames and Series as tables that fit the terminal, KQL
 * queries as their text, everything else inspected as `deno repl` does (cut to a screenful).
 *
 * @module
 */
import { KqlQuery } from "../src/session/kql_template.ts";
import { ParamRef } from "../src/session/params.ts";
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
}

/** Whether `value` is a Polars Series. */
export function isSeries(value: unknown): value is import("../src/polars.ts").Series {
  return typeof value === "object" && value !== null &&
    typeof (value as { toFrame?: unknown }).toFrame === "function" &&
    typeof (value as { dtype?: unknown }).dtype === "object";
}

/** `value` as the REPL prints it. */
export function formatValue(value: unknown, options: DisplayOptions): string {
  if (isDataFrame(value)) {
    return frameTable(value, { width: options.width, maxRows: options.maxRows });
  }
  if (isSeries(value)) {
    return frameTable(value.toFrame(), { width: options.width, maxRows: options.maxRows });
  }
  if (value instanceof KqlQuery) {
    const params = value.params;
    return `kql: ${value.text}${params.length ? `\n(parameters: ${params.join(", ")})` : ""}`;
  }
  if (value instanceof ParamRef) return `${value.name} (${value.kind}) = ${String(value)}`;
  const text = Deno.inspect(value, {
    colors: options.colors,
    depth: 4,
    iterableLimit: 50,
    strAbbreviateSize: 2000,
    breakLength: options.width,
    trailingComma: false,
  });
  const lines = text.split("\n");
  const max = options.maxLines ?? 60;
  if (lines.length <= max) return text;
  return `${lines.slice(0, max).join("\n")}\n… ${lines.length - max} more lines`;
}
