/**
 * The row carrier of a table without columns. Kusto's `T | project-away *` keeps T's rows
 * with no columns; a Polars frame without columns has no rows. Such a relation (its
 * `columns` empty) keeps one hidden constant column, {@link ROW_CARRIER}, whose height is
 * the row count.
 *
 * One place keeps it through every operator: `applyOperator` shows the carrier to the
 * operator as an ordinary column ({@link exposeRowCarrier}), so operators that select
 * `input.columns` (sort, top, sample, mv-expand, distinct, union, project-keep...) keep
 * it like any other, then hides it again from the result ({@link hideRowCarrier}). The
 * carrier is constant, so `distinct *` sees one value: all zero-column rows are equal.
 *
 * @module
 */
import { type LazyDataFrame, pl } from "../../polars.ts";
import { type Relation, ROW_CARRIER } from "./_context.ts";

export { ROW_CARRIER };

/** `frame`'s rows, with the carrier as their only column. */
export function rowCarrier(frame: LazyDataFrame): LazyDataFrame {
  return frame.withColumns(pl.lit(true).alias(ROW_CARRIER)).select(pl.col(ROW_CARRIER));
}

/** Whether a relation without columns carries rows. */
function carriesRows(input: Relation): boolean {
  return input.columns.length === 0 && input.frame.columns.includes(ROW_CARRIER);
}

/** `input` with its row carrier shown as a column, for an operator to keep. */
export function exposeRowCarrier(input: Relation): Relation {
  if (!carriesRows(input)) return input;
  return { ...input, columns: [{ name: ROW_CARRIER, type: "bool" }] };
}

/**
 * An operator's result without the carrier in its columns: dropped when other columns are
 * left, kept hidden (and made constant again) when none are.
 */
export function hideRowCarrier(result: Relation): Relation {
  if (!result.columns.some((c) => c.name === ROW_CARRIER)) return result;
  const columns = result.columns.filter((c) => c.name !== ROW_CARRIER);
  const frame = columns.length === 0 ? rowCarrier(result.frame) : result.frame.drop(ROW_CARRIER);
  return { ...result, frame, columns };
}
