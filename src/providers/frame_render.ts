/**
 * The chart a query asked for, kept with its result frame: a query ending in `render`
 * gives a frame, and the frame is what gets bound to a variable (in the REPL, by
 * `session.query`, by a restore or a replay). The `render` travels with the frame object
 * (a weak map: nothing is added to the frame, and the entry goes when the frame does), so
 * `renderChart(frame)` draws what the query asked for. A frame derived from it (`head`,
 * `filter`) is a new frame, without it.
 *
 * @module
 */
import type { DataFrame } from "../polars.ts";
import type { TableSchema } from "../schema/types.ts";
import type { RenderSpec } from "./provider.ts";

/** A frame's `render`, with the Kusto types of its columns (they tell `dynamic` arrays). */
export interface FrameRender {
  /** The query's `render`. */
  readonly render: RenderSpec;
  /** The Kusto types of the frame's columns, when known. */
  readonly schema?: TableSchema;
}

const renders = new WeakMap<object, FrameRender>();

/**
 * Remembers that `frame` came from a query that asked for `render` (nothing when `render`
 * is undefined).
 *
 * @param frame The query's result frame.
 * @param render The query's `render`, if any.
 * @param schema The Kusto types of the frame's columns.
 * @returns `frame`, for chaining.
 *
 * @example A frame keeps its query's chart
 * ```ts
 * import assert from "node:assert/strict";
 * import { attachRender, openLocalProvider, renderOf } from "./mod.ts";
 *
 * const provider = await openLocalProvider();
 * const result = await provider.query("SigninLogs | summarize count() by ResultType | render piechart");
 * const frame = attachRender(result.frame, result.render, result.schema);
 * assert.equal(renderOf(frame)?.render.visualization, "piechart");
 * assert.equal(renderOf(frame.head(2)), undefined); // a derived frame is a new frame
 * ```
 */
export function attachRender(
  frame: DataFrame,
  render: RenderSpec | undefined,
  schema?: TableSchema,
): DataFrame {
  if (render && typeof frame === "object" && frame !== null) {
    renders.set(frame, schema ? { render, schema } : { render });
  }
  return frame;
}

/**
 * The `render` of the query `value` came from, when it is such a frame (see
 * {@link attachRender}); undefined for anything else.
 *
 * @param value A frame (or anything: untyped code may pass anything).
 * @returns The frame's `render` and schema, if it has one.
 */
export function renderOf(value: unknown): FrameRender | undefined {
  return typeof value === "object" && value !== null ? renders.get(value) : undefined;
}
