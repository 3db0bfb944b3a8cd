/**
 * Query limits, as Kusto has them: a memory budget per operator
 * (`maxmemoryconsumptionperiterator`, 5 GB), a most columns an operator may make
 * (`maxoutputcolumns`), and result truncation (`truncationmaxrecords`, `notruncation`,
 * `query_take_max_records`). A query sets them with `set name = value;` statements and a
 * caller with {@link KqlLimits}; where both give a value the lower one applies, as in Kusto.
 *
 * Operators that can grow without bound (joins, pivot, bag_unpack, make-series, mv-expand,
 * range) estimate what they would make before making it and fail fast with a located
 * error that names the limit, the estimate and the `set` statement that raises it.
 *
 * @module
 */
import type { KustoType } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import { KqlSemanticError } from "../errors.ts";
import { checkOptions, defineOptions, OptionError, type OptionSpecs } from "../../options.ts";
import { Buffer } from "node:buffer";
import { type DataFrame, variantOf } from "../../polars.ts";
import { checkInterrupt } from "../../interrupt.ts";

/** Limits a caller gives a query (the same as Kusto's request properties). */
export interface KqlLimits {
  /**
   * Bytes one operator may hold (Kusto's `maxmemoryconsumptionperiterator`, default 5 GB).
   * Joins, pivot, bag_unpack, make-series, mv-expand and range estimate their output and
   * fail before making more than this.
   */
  maxMemoryConsumptionPerIterator?: number;
  /** Columns one operator may make (Kusto's `maxoutputcolumns`; default 1,000 locally). */
  maxOutputColumns?: number;
  /**
   * Result rows past which the query fails (Kusto's `truncationmaxrecords`). Unset by
   * default locally: results are the investigator's own frames, often whole tables.
   */
  truncationMaxRecords?: number;
  /**
   * Result bytes past which the query fails (Kusto's `truncationmaxsize`; Kusto's default
   * is 64 MB, unset locally as `truncationMaxRecords` is). Measured as Polars holds the
   * result.
   */
  truncationMaxSize?: number;
  /** Lifts `truncationMaxRecords` (Kusto's `notruncation`); ignored when that is given. */
  noTruncation?: boolean;
  /** Cuts the result to this many rows, without an error (Kusto's `query_take_max_records`). */
  takeMaxRecords?: number;
}

const LIMIT_OPTIONS: OptionSpecs<KqlLimits> = defineOptions<KqlLimits>("limits", {
  maxMemoryConsumptionPerIterator: "number",
  maxOutputColumns: "number",
  truncationMaxRecords: "number",
  truncationMaxSize: "number",
  noTruncation: "boolean",
  takeMaxRecords: "number",
});

/** The limits in force for one query (every value resolved). */
export interface Limits {
  readonly maxMemoryConsumptionPerIterator: number;
  readonly maxOutputColumns: number;
  /** Infinity when there is no truncation. */
  readonly truncationMaxRecords: number;
  /** Infinity when there is no truncation by size. */
  readonly truncationMaxSize: number;
  /** Infinity when the result is not cut. */
  readonly takeMaxRecords: number;
}

/** Kusto's default memory budget per operator: 5 GB. */
export const DEFAULT_MAX_MEMORY = 5 * 1024 ** 3;
/** The local default of the most columns an operator makes (Kusto documents none). */
export const DEFAULT_MAX_OUTPUT_COLUMNS = 1_000;

/** The `set` option names this engine acts on, with the {@link KqlLimits} field each sets. */
const SET_OPTIONS: Record<string, keyof KqlLimits> = {
  maxmemoryconsumptionperiterator: "maxMemoryConsumptionPerIterator",
  maxoutputcolumns: "maxOutputColumns",
  truncationmaxrecords: "truncationMaxRecords",
  truncationmaxsize: "truncationMaxSize",
  notruncation: "noTruncation",
  query_take_max_records: "takeMaxRecords",
};

/** The `set` statement (or call option) that raises a limit, for hints. */
const SET_NAMES: Record<keyof Limits, string> = {
  maxMemoryConsumptionPerIterator: "maxmemoryconsumptionperiterator",
  maxOutputColumns: "maxoutputcolumns",
  truncationMaxRecords: "truncationmaxrecords",
  truncationMaxSize: "truncationmaxsize",
  takeMaxRecords: "query_take_max_records",
};

/**
 * The limits of a query: its `set` statements and the caller's `limits`, the lower value
 * where both give one (Kusto's rule), else the defaults.
 */
export function resolveLimits(
  statements: readonly A.Statement[],
  query: string,
  given: KqlLimits = {},
): Limits {
  checkOptions("limits", given, LIMIT_OPTIONS);
  // As a `set` statement's value: a whole number, 0 or more (Infinity for no limit).
  for (const [key, value] of Object.entries(given)) {
    if (typeof value !== "number" || value === Infinity) continue;
    if (Number.isInteger(value) && value >= 0) continue;
    throw new OptionError(
      `limits: option \`${key}\` must be a whole number, 0 or more, not ${value}.`,
      { fn: "limits", option: key, hint: `Give ${key} a count such as 1000, or leave it out.` },
    );
  }
  const sets: KqlLimits[] = [given];
  for (const statement of statements) {
    if (statement.kind === "set") {
      const parsed = setStatement(statement, query);
      if (parsed) sets.push(parsed);
    }
  }
  const lowest = (key: Exclude<keyof KqlLimits, "noTruncation">): number | undefined => {
    const values = sets.map((s) => s[key]).filter((v): v is number => v !== undefined);
    return values.length > 0 ? Math.min(...values) : undefined;
  };
  // Kusto ignores notruncation when a truncation limit is also given.
  const records = lowest("truncationMaxRecords");
  return {
    maxMemoryConsumptionPerIterator: lowest("maxMemoryConsumptionPerIterator") ??
      DEFAULT_MAX_MEMORY,
    maxOutputColumns: lowest("maxOutputColumns") ?? DEFAULT_MAX_OUTPUT_COLUMNS,
    truncationMaxRecords: records ?? Infinity,
    truncationMaxSize: lowest("truncationMaxSize") ?? Infinity,
    takeMaxRecords: lowest("takeMaxRecords") ?? Infinity,
  };
}

/** One `set name [= value]` statement as a limit, or undefined for options not acted on. */
function setStatement(statement: A.SetStatement, query: string): KqlLimits | undefined {
  const match = /^set\s+([A-Za-z_][\w.]*)\s*(?:=\s*([\s\S]*?))?\s*$/i.exec(statement.text);
  if (!match) return undefined;
  const key = SET_OPTIONS[match[1].toLowerCase()];
  if (!key) return undefined;
  const text = match[2]?.trim();
  if (key === "noTruncation") {
    if (text === undefined || /^true$/i.test(text)) return { noTruncation: true };
    if (/^false$/i.test(text)) return {};
    throw new KqlSemanticError(`set notruncation takes true or false, not '${text}'`, query, {
      start: statement.span.start,
      end: statement.span.end,
    });
  }
  const value = text === undefined ? NaN : Number(text.replace(/_/g, ""));
  if (!Number.isInteger(value) || value < 0) {
    throw new KqlSemanticError(
      `set ${match[1]} takes a whole number of ${
        key === "maxMemoryConsumptionPerIterator"
          ? "bytes"
          : key.endsWith("Columns")
          ? "columns"
          : key === "truncationMaxSize"
          ? "bytes"
          : "records"
      }, not '${text ?? ""}'`,
      query,
      statement.span,
      {
        hint: `For example: set ${match[1]} = ${
          key === "maxMemoryConsumptionPerIterator" ? "10737418240" : "1000000"
        };`,
      },
    );
  }
  return { [key]: value };
}

/**
 * Bytes one cell of a Kusto type takes, roughly. Text and dynamic values are Polars string
 * views: 16 bytes per cell, the text itself shared by every copy of the row.
 */
export function cellBytes(type: KustoType): number {
  switch (type) {
    case "bool":
      return 1;
    case "int":
      return 4;
    case "long":
    case "real":
    case "decimal":
    case "datetime":
    case "timespan":
      return 8;
    case "guid":
      return 36;
    case "string":
    case "dynamic":
      return 16;
  }
}

/** Bytes of `rows` rows of `columns`, roughly. */
export function tableBytes(rows: number, columns: readonly { type: KustoType }[]): number {
  const width = columns.reduce((sum, c) => sum + cellBytes(c.type), 0);
  return rows * Math.max(width, 8);
}

/** What a guard needs to throw a located error. */
export interface LimitSite {
  readonly limits: Limits;
  error(what: string, span: A.Span, hint?: string): KqlSemanticError;
}

/**
 * Fails when an operator would hold more than the memory budget: `what` says what it
 * would make (`10000000000 rows`), `bytes` the estimate.
 */
export function checkMemory(
  site: LimitSite,
  operator: string,
  what: string,
  bytes: number,
  span: A.Span,
): void {
  const limit = site.limits.maxMemoryConsumptionPerIterator;
  if (bytes <= limit) return;
  throw site.error(
    `${operator} would make ${what} (about ${formatBytes(bytes)}), more than the memory ` +
      `limit of ${formatBytes(limit)} per operator`,
    span,
    raiseHint("maxMemoryConsumptionPerIterator", Math.ceil(bytes)) +
      " Or narrow the input first (where, project, summarize, take).",
  );
}

/** Fails when an operator would make more columns than `maxoutputcolumns`. */
export function checkColumns(
  site: LimitSite,
  operator: string,
  columns: number,
  span: A.Span,
): void {
  const limit = site.limits.maxOutputColumns;
  if (columns <= limit) return;
  throw site.error(
    `${operator} would make ${columns} columns, more than the limit of ${limit}`,
    span,
    raiseHint("maxOutputColumns", columns) +
      " Or keep fewer distinct values (where, or a top-N first).",
  );
}

/** The hint naming the `set` statement and the call option that raise a limit. */
export function raiseHint(key: keyof Limits, needed: number): string {
  return `To allow it, start the query with 'set ${SET_NAMES[key]} = ${needed};' ` +
    `(or pass limits: { ${key}: ${needed} }).`;
}

/** Bytes as KB, MB or GB (binary units, as Kusto's limits are). */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || Number.isInteger(value)
    ? String(Math.round(value))
    : value.toFixed(value < 10 ? 1 : 0);
  return `${shown} ${units[unit]}`;
}

/**
 * The bytes of a result as `truncationmaxsize` counts them, roughly: text by its UTF-8
 * bytes, other values by their width (Kusto counts the serialized result).
 */
export function resultBytes(frame: DataFrame): number {
  let bytes = 0;
  for (const [i, column] of frame.columns.entries()) {
    checkInterrupt();
    const variant = variantOf(frame.dtypes[i]);
    if (variant === "Utf8") {
      for (const value of frame.getColumn(column).toArray() as (string | null)[]) {
        if (value !== null) bytes += Buffer.byteLength(value, "utf8");
      }
    } else if (variant === "Bool") bytes += frame.height;
    else if (["Int8", "UInt8"].includes(variant)) bytes += frame.height;
    else if (["Int16", "UInt16"].includes(variant)) bytes += 2 * frame.height;
    else if (["Int32", "UInt32", "Float32", "Date"].includes(variant)) bytes += 4 * frame.height;
    else bytes += 8 * frame.height;
  }
  return bytes;
}
