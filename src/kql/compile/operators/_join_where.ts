/**
 * `join ... where Predicate`: Kusto.Language's JoinWhereClause, which Microsoft's own Sentinel
 * rules use to match rows by a predicate rather than equal keys (DNS Essentials' "Detect DNS
 * request to known Domain IOCs": `_Im_Dns(...) | join kind=inner ['DNS_IOCs'] where DnsQuery
 * has wl_DNSDomain`). Every pair of rows is tested, so the pairs the predicate keeps are the
 * matches; the kinds then keep rows as with `on` (Kusto.Language gives the same output columns):
 * inner the matching pairs, leftouter/rightouter/fullouter those plus the unmatched rows of the
 * outer side(s), leftsemi/leftanti (rightsemi/rightanti) the rows of one side with (without) a
 * match. `innerunique`, the default kind, deduplicates the left side by the join keys, which a
 * predicate does not have: it is refused with a hint rather than guessed.
 *
 * A bare name in the predicate is the column of the side that has it; `$left.Col` and
 * `$right.Col` name a side, and a name both sides have must be written so.
 *
 * @module
 */
import { type LazyDataFrame, pl } from "../../../polars.ts";
import type { ColumnSchema } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import type { Context, Relation, Scope } from "../_context.ts";
import { uniqueNames } from "../_names.ts";
import { checkMemory, tableBytes } from "../_limits.ts";
import { where } from "./_rows.ts";

const LEFT_ROW = "__jw_left_row";
const RIGHT_ROW = "__jw_right_row";

/** The side a `$left.Col` / `$left['Col']` names, and the column; undefined otherwise. */
function sided(e: A.Expression): ["$left" | "$right", string] | undefined {
  if (e.kind !== "member" && e.kind !== "index") return undefined;
  if (e.object.kind !== "name") return undefined;
  const side = e.object.name;
  if (side !== "$left" && side !== "$right") return undefined;
  if (e.kind === "member") return [side, e.name];
  const key = e.index;
  return key.kind === "literal" && typeof key.value === "string" ? [side, key.value] : undefined;
}

/**
 * The predicate over the joined row: `$left.X` and a left-only name read the left column,
 * `$right.X` and a right-only name the right column under its output name.
 */
function rewrite(
  predicate: A.Expression,
  left: ReadonlySet<string>,
  right: ReadonlyMap<string, string>,
  ctx: Context,
): A.Expression {
  const visit = (node: unknown): unknown => {
    if (node === null || typeof node !== "object") return node;
    if (Array.isArray(node)) return node.map(visit);
    const e = node as A.Expression;
    // A sub-query has its own columns.
    if (e.kind === "pipe") return e;
    const side = sided(e);
    if (side) {
      const [which, column] = side;
      const name = which === "$left" ? (left.has(column) ? column : undefined) : right.get(column);
      if (name === undefined) {
        throw ctx.error(
          `The ${which === "$left" ? "left" : "right"} side of the join has no column '${column}'`,
          e.span,
        );
      }
      return { kind: "name", name, span: e.span };
    }
    if (e.kind === "name" && (e.name === "$left" || e.name === "$right")) {
      throw ctx.error(
        `${e.name} needs a column: ${e.name}.Column`,
        e.span,
        "Write $left.Column or $right.Column.",
      );
    }
    if (e.kind === "name" && left.has(e.name) && right.has(e.name)) {
      throw ctx.error(
        `Both sides of the join have a column '${e.name}'`,
        e.span,
        `Write $left.${e.name} or $right.${e.name}.`,
      );
    }
    if (e.kind === "name" && right.has(e.name)) {
      return { kind: "name", name: right.get(e.name)!, span: e.span };
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = key === "span" ? value : visit(value);
    }
    return out;
  };
  return visit(predicate) as A.Expression;
}

/** The rows of `frame` (one pass over a column-free count). */
function rowCount(frame: LazyDataFrame): number {
  return Number(frame.select(pl.len().alias("n")).collectSync().getColumn("n").get(0));
}

/** Applies `join kind=... (right) where predicate`. */
export function joinWhere(
  left: Relation,
  right: Relation,
  op: A.JoinOperator,
  predicate: A.Expression,
  scope: Scope,
  ctx: Context,
): Relation {
  const kind = op.joinKind;
  if (kind === "innerunique") {
    throw ctx.error(
      "A join with 'where' needs a kind: innerunique (the default) deduplicates the left " +
        "side by join keys, which 'where' does not have",
      op.span,
      "Write join kind=inner (or leftouter, leftsemi, leftanti, ...) ... where ...",
    );
  }
  // Right columns whose names clash with the left's get Kusto's numeric suffixes.
  const outNames = uniqueNames(right.columns.map((c) => c.name), left.columns.map((c) => c.name));
  const rightNames = new Map(right.columns.map((c, i) => [c.name, outNames[i]]));
  const rightColumns: ColumnSchema[] = right.columns.map((c, i) => ({
    name: outNames[i],
    type: c.type,
  }));
  const leftFrame = left.frame
    .select(...left.columns.map((c) => pl.col(c.name)))
    .withRowIndex(LEFT_ROW)
    .withColumns(pl.col(LEFT_ROW).cast(pl.Int64));
  const rightFrame = right.frame
    .select(...right.columns.map((c, i) => pl.col(c.name).alias(outNames[i])))
    .withRowIndex(RIGHT_ROW)
    .withColumns(pl.col(RIGHT_ROW).cast(pl.Int64));
  const leftRows = rowCount(leftFrame);
  const rightRows = rowCount(rightFrame);
  const pairColumns: ColumnSchema[] = [
    ...left.columns,
    ...rightColumns,
    { name: LEFT_ROW, type: "long" },
    { name: RIGHT_ROW, type: "long" },
  ];
  checkMemory(
    ctx,
    `join kind=${kind} ... where`,
    `${leftRows * rightRows} row pairs to test (${leftRows} x ${rightRows} input rows)`,
    tableBytes(leftRows * rightRows, pairColumns),
    op.span,
  );
  const pairs = leftFrame.join(rightFrame, { how: "cross" } as never);
  const test: A.WhereOperator = {
    kind: "where",
    predicate: rewrite(predicate, new Set(left.columns.map((c) => c.name)), rightNames, ctx),
    span: op.span,
  };
  const matched = where({ frame: pairs, columns: pairColumns }, test, scope, ctx).frame
    .select(...pairColumns.map((c) => pl.col(c.name)))
    .sort([LEFT_ROW, RIGHT_ROW]);
  const rowsOf = (side: LazyDataFrame, row: string, how: "semi" | "anti") =>
    side.join(matched.select(pl.col(row)).unique(), { on: row, how } as never).sort(row);
  const both = [...left.columns, ...rightColumns];
  const shaped = (frame: LazyDataFrame, columns: readonly ColumnSchema[]): Relation => ({
    frame: frame.select(...columns.map((c) => pl.col(c.name))),
    columns,
  });
  switch (kind) {
    case "inner":
      return shaped(matched, both);
    case "leftsemi":
      return shaped(rowsOf(leftFrame, LEFT_ROW, "semi"), left.columns);
    case "leftanti":
      return shaped(rowsOf(leftFrame, LEFT_ROW, "anti"), left.columns);
    case "rightsemi":
    case "rightanti": {
      // Only the right side's columns: under their own names, no left column to clash with.
      const rows = rowsOf(rightFrame, RIGHT_ROW, kind === "rightsemi" ? "semi" : "anti");
      return {
        frame: rows.select(...right.columns.map((c, i) => pl.col(outNames[i]).alias(c.name))),
        columns: right.columns.map((c) => ({ name: c.name, type: c.type })),
      };
    }
    case "leftouter":
    case "rightouter":
    case "fullouter": {
      // Each row of the outer side with its matches, or once with the other side null (text
      // "", as Kusto has no null string), in the outer side's row order.
      const leftNames = [...left.columns.map((c) => c.name), LEFT_ROW];
      const rightNames = [...rightColumns.map((c) => c.name), RIGHT_ROW];
      const outer = (
        side: LazyDataFrame,
        row: string,
        otherNames: readonly string[],
        other: LazyDataFrame,
      ) =>
        side.join(other.select(...otherNames.map((n) => pl.col(n))), {
          leftOn: row,
          rightOn: row,
          how: "left",
          coalesce: true,
        } as never);
      let frame: LazyDataFrame;
      if (kind === "rightouter") {
        frame = outer(rightFrame, RIGHT_ROW, [RIGHT_ROW, ...leftNames], matched)
          .sort({ by: [RIGHT_ROW, LEFT_ROW], nullsLast: true } as never);
      } else {
        frame = outer(leftFrame, LEFT_ROW, [LEFT_ROW, ...rightNames], matched)
          .sort({ by: [LEFT_ROW, RIGHT_ROW], nullsLast: true } as never);
        if (kind === "fullouter") {
          // The right rows no pair kept, with every left column null.
          const unmatched = rowsOf(rightFrame, RIGHT_ROW, "anti").join(
            leftFrame.filter(pl.lit(false)),
            { leftOn: RIGHT_ROW, rightOn: LEFT_ROW, how: "left", coalesce: false } as never,
          );
          const columns = pairColumns.map((c) => pl.col(c.name));
          frame = pl.concat([frame.select(...columns), unmatched.select(...columns)]);
        }
      }
      const nullable = new Set([
        ...(kind !== "leftouter" ? left.columns.map((c) => c.name) : []),
        ...(kind !== "rightouter" ? rightColumns.map((c) => c.name) : []),
      ]);
      return {
        frame: frame.select(
          ...both.map((c) =>
            c.type === "string" && nullable.has(c.name)
              ? pl.col(c.name).fillNull(pl.lit("")).alias(c.name)
              : pl.col(c.name)
          ),
        ),
        columns: both,
      };
    }
  }
}
