/**
 * Source frames whose dynamic columns have Polars' own JSON text beside them (a scanned
 * NDJSON table's {@link SourceTable.rawJson}): a JSON-path read of such a column reads that
 * text, skipping the compaction the column's value costs, while the rows are still the
 * source's. Keyed by the frame object, as the lists `extend` keeps: any operator makes a new
 * frame, so a text is only ever read beside the column it was read with.
 *
 * @module
 */
import type { LazyDataFrame } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";

/** Frame → its dynamic columns' text columns. */
const rawFrames = new WeakMap<LazyDataFrame, ReadonlyMap<string, string>>();

/** The text columns of the environments' column maps made over those frames. */
const rawColumns = new WeakMap<ReadonlyMap<string, KustoType>, ReadonlyMap<string, string>>();

/** Records that `frame` holds, beside each dynamic column of `columns`, its text column. */
export function rememberRawJson(frame: LazyDataFrame, columns: ReadonlyMap<string, string>): void {
  if (columns.size > 0) rawFrames.set(frame, columns);
}

/**
 * Carries the text columns of `frame`, if it has some, to the column map of an
 * environment over it (`rowEnv`).
 */
export function noteRawJson(
  frame: LazyDataFrame,
  columns: ReadonlyMap<string, KustoType>,
): void {
  const raw = rawFrames.get(frame);
  if (raw) rawColumns.set(columns, raw);
}

/** The text column beside dynamic column `name` of an environment's `columns`, or undefined. */
export function rawJsonOf(
  columns: ReadonlyMap<string, KustoType> | undefined,
  name: string,
): string | undefined {
  return columns === undefined ? undefined : rawColumns.get(columns)?.get(name);
}

/** The text columns `frame` holds beside its dynamic columns (none for other frames). */
export function rawJsonColumns(frame: LazyDataFrame): string[] {
  return [...(rawFrames.get(frame)?.values() ?? [])];
}

/**
 * Records that `to`, made from `from` by keeping rows whole (a filter that selects the
 * columns and {@link rawJsonColumns} of `from`), holds the same text columns.
 */
export function carryRawJson(from: LazyDataFrame, to: LazyDataFrame): void {
  const raw = rawFrames.get(from);
  if (raw) rawFrames.set(to, raw);
}
