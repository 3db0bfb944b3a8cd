/**
 * The other result tables of a query that makes several (`fork`, `facet`), kept with its
 * first table's frame: the frame is what gets bound to a variable and shown, so the REPL
 * and notebooks find the rest from it. Like {@link attachRender}'s chart, they travel with
 * the frame object in a weak map; a frame derived from it is a new frame, without them.
 *
 * @module
 */
import type { DataFrame } from "../polars.ts";
import type { TableSchema } from "../schema/types.ts";

/** One result table: its rows and its name and Kusto columns. */
export interface FrameTable {
  /** The rows. */
  readonly frame: DataFrame;
  /** The table's name (`PrimaryResult`, a fork leg's name, a facet's column) and columns. */
  readonly schema: TableSchema;
}

const tables = new WeakMap<object, readonly FrameTable[]>();

/**
 * Remembers every result table of the query `frame` is the first table of (nothing when
 * `all` is undefined or has one table).
 *
 * @param frame The query's first result table.
 * @param all Every result table, the first included (a `QueryResult`'s `tables`).
 * @returns `frame`, for chaining.
 *
 * @example A fork's tables stay with its first table
 * ```ts
 * import assert from "node:assert/strict";
 * import { attachTables, openLocalProvider, tablesOf } from "./mod.ts";
 *
 * const provider = await openLocalProvider();
 * const result = await provider.query(
 *   "SigninLogs | fork (take 2) Failed = (where ResultType != '0' | count)",
 * );
 * const frame = attachTables(result.frame, result.tables);
 * assert.deepEqual(tablesOf(frame)?.map((t) => t.schema.name), ["PrimaryResult", "Failed"]);
 * assert.equal(tablesOf(frame.head(1)), undefined); // a derived frame is a new frame
 * ```
 */
export function attachTables(frame: DataFrame, all: readonly FrameTable[] | undefined): DataFrame {
  if (all && all.length > 1 && typeof frame === "object" && frame !== null) tables.set(frame, all);
  return frame;
}

/**
 * Every result table of the query `value` is the first table of (see
 * {@link attachTables}); undefined for a one-table result and anything else.
 *
 * @param value A frame (or anything: untyped code may pass anything).
 * @returns The tables, the first being `value`'s.
 */
export function tablesOf(value: unknown): readonly FrameTable[] | undefined {
  return typeof value === "object" && value !== null ? tables.get(value) : undefined;
}
