/**
 * What a local query reads, shared by the local provider and the loopback Log Analytics
 * service (which must give the same frames): the tables a query names, and a table's rows
 * within a timespan.
 *
 * @module
 */
import { type DataFrame, type LazyDataFrame, pl, variantOf } from "../../polars.ts";
import type { TableSchema } from "../../schema/mod.ts";
import { tablePatterns, tokenizeKql } from "../../kql/syntax.ts";
import type { TimeRange } from "../provider.ts";

/**
 * The names in `tables` that a query mentions (as identifiers or bracketed names), and
 * those its wildcards reach: every table for `search` or `find` without `in (...)`, the
 * matching ones for `in (Sec*)` and `union Sec*`. `patterns` are the query's wildcards
 * (`tablePatterns` of its tree, when the caller has parsed it already); `reached` the names
 * they may reach (by default all of `tables`).
 */
export function referencedTables(
  query: string,
  tables: readonly string[],
  patterns: readonly string[] = tablePatterns(query),
  reached: readonly string[] = tables,
): string[] {
  const known = new Set(tables);
  const found = new Set<string>();
  for (const token of tokenizeKql(query)) {
    const text = token.kind === "string" ? String(token.value) : token.text;
    if ((token.kind === "ident" || token.kind === "string") && known.has(text)) found.add(text);
  }
  for (const pattern of patterns) {
    const parts = pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    const re = new RegExp(`^${parts.join(".*")}$`);
    for (const name of reached) if (re.test(name)) found.add(name);
  }
  return [...found];
}

/**
 * The rows of `frame` whose `TimeGenerated` falls in `range` (start inclusive, end
 * exclusive), or undefined when the frame has no `TimeGenerated` datetime column.
 */
export function filterTimespan(frame: DataFrame, range: TimeRange): DataFrame | undefined {
  const at = frame.columns.indexOf("TimeGenerated");
  if (at < 0 || variantOf(frame.dtypes[at]) !== "Datetime") return undefined;
  const micros = (d: Date) => pl.lit(BigInt(d.getTime()) * 1000n).cast(pl.Int64);
  const t = pl.col("TimeGenerated").cast(pl.Int64);
  return frame.filter(t.gtEq(micros(range.start)).and(t.lt(micros(range.end))));
}

/**
 * {@link filterTimespan} on a lazy table: the filter compares the column with datetime
 * literals, so a scan reads only the row groups (and files) whose times can fall in
 * `range`. Undefined when the schema has no `TimeGenerated` datetime column.
 */
export function filterTimespanLazy(
  frame: LazyDataFrame,
  schema: TableSchema,
  range: TimeRange,
): LazyDataFrame | undefined {
  const column = schema.columns.find((c) => c.name === "TimeGenerated");
  if (column?.type !== "datetime") return undefined;
  const t = pl.col("TimeGenerated");
  return frame.filter(t.gtEq(pl.lit(range.start)).and(t.lt(pl.lit(range.end))));
}
