/**
 * `join` (every kind) and `lookup`.
 *
 * @module
 */
import { type DataFrame, type DataType, type LazyDataFrame, pl } from "../../../polars.ts";
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import type { Context, Relation, Scope } from "../_context.ts";
import { uniqueNames } from "../_names.ts";
import { isNumeric } from "../_conversion.ts";
import { checkMemory, tableBytes } from "../_limits.ts";
import { joinWhere } from "./_join_where.ts";

/** One join condition, with the cast both sides need to compare equal (if any). */
interface KeyPair {
  readonly left: string;
  readonly right: string;
  readonly cast?: DataType;
}

function keyPairs(
  left: Relation,
  right: Relation,
  on: readonly A.JoinCondition[],
  ctx: Context,
): KeyPair[] {
  return on.map((condition) => {
    const l = left.columns.find((c) => c.name === condition.left);
    const r = right.columns.find((c) => c.name === condition.right);
    if (!l) {
      throw ctx.error(
        `The left side of the join has no column '${condition.left}'`,
        condition.span,
      );
    }
    if (!r) {
      throw ctx.error(
        `The right side of the join has no column '${condition.right}'`,
        condition.span,
      );
    }
    return { left: l.name, right: r.name, cast: commonCast(l, r, condition, ctx) };
  });
}

function commonCast(
  l: ColumnSchema,
  r: ColumnSchema,
  condition: A.JoinCondition,
  ctx: Context,
): DataType | undefined {
  if (l.type === r.type) return undefined;
  if (isNumeric(l.type) && isNumeric(r.type)) {
    return l.type === "real" || r.type === "real" ? pl.Float64 : pl.Int64;
  }
  const text = (t: KustoType) => t === "string" || t === "guid" || t === "dynamic";
  if (text(l.type) && text(r.type)) return undefined;
  throw ctx.error(
    `Cannot join ${l.name} (${l.type}) with ${r.name} (${r.type}): the key types differ`,
    condition.span,
    "Convert one side first, e.g. extend Key = tostring(Key).",
  );
}

/**
 * The frame with the key columns the join compares: a column itself where no cast is
 * needed (no copy of millions of strings), else a cast copy under a temporary name.
 */
function keyed(
  frame: LazyDataFrame,
  pairs: readonly KeyPair[],
  side: "left" | "right",
  rename: (name: string) => string = (n) => n,
): { frame: LazyDataFrame; keys: string[] } {
  const casts = pairs.flatMap((p, i) =>
    p.cast ? [pl.col(rename(p[side])).cast(p.cast).alias(`__j${side}${i}`)] : []
  );
  return {
    frame: casts.length > 0 ? frame.withColumns(...casts) : frame,
    keys: pairs.map((p, i) => (p.cast ? `__j${side}${i}` : rename(p[side]))),
  };
}

/**
 * Functions whose value depends on more than the named left columns of a row: columns named
 * as text (`column_ifexists("RightCol", "")`), all of a row's columns, or the row's neighbours.
 */
const ROW_READERS = new Set([
  "column_ifexists",
  "pack_all",
  "prev",
  "next",
  "row_number",
  "row_cumsum",
  "row_rank",
  "row_rank_dense",
  "row_rank_min",
  "row_window_session",
]);

/**
 * `where` right after an innerunique `join`, split into the conditions (`and`-ed terms) over
 * the left side's columns only, which run before the join as Kusto runs them
 * (join-innerunique.md: the filter is propagated to the left side, so `| where value ==
 * "val1.2"` always keeps the val1.2 rows the deduplication could otherwise have dropped),
 * and the rest, after it. A term naming anything but left columns and `let` values (a
 * right-side column, a table, `*`) stays after, and so does a `let` value's name that
 * `joinedColumns` (the join's output columns, asked for only then) has: there the name is
 * the right side's column. Undefined when nothing moves.
 */
export function splitFilterAtJoin(
  filter: A.WhereOperator,
  op: A.JoinOperator,
  left: Relation,
  scope: Scope,
  joinedColumns: () => ReadonlySet<string>,
): { before: A.WhereOperator; after?: A.WhereOperator } | undefined {
  // A join matching by its own `where` predicate has no keys to deduplicate by.
  if (op.joinKind !== "innerunique" || op.where) return undefined;
  const columns = new Set(left.columns.map((c) => c.name));
  const leftOnly = (term: A.Expression): boolean => {
    let only = true;
    let reads = false;
    const visit = (node: unknown): void => {
      if (!only || node === null || typeof node !== "object") return;
      if (Array.isArray(node)) return node.forEach(visit);
      const n = node as { kind?: unknown; name?: unknown };
      if (n.kind === "star" || n.kind === "pipe") only = false;
      // Calls that read columns by text or the joined rows' order stay after the join.
      if (n.kind === "call" && typeof n.name === "string" && ROW_READERS.has(n.name)) only = false;
      if (n.kind === "name" && typeof n.name === "string") {
        if (columns.has(n.name)) reads = true;
        // A `let` scalar, unless the right side has a column of its name: after the join
        // the name is that column.
        else if (scope.get(n.name)?.kind !== "scalar" || joinedColumns().has(n.name)) {
          only = false;
        }
      }
      for (const [key, value] of Object.entries(node)) if (key !== "span") visit(value);
    };
    visit(term);
    return only && reads;
  };
  const terms: A.Expression[] = [];
  const split = (e: A.Expression): void => {
    if (e.kind === "binary" && e.op === "and") {
      split(e.left);
      split(e.right);
    } else if (e.kind === "paren" && e.expression.kind === "binary" && e.expression.op === "and") {
      split(e.expression);
    } else terms.push(e);
  };
  split(filter.predicate);
  const moved = terms.filter(leftOnly);
  if (moved.length === 0) return undefined;
  const kept = terms.filter((t) => !moved.includes(t));
  const and = (list: A.Expression[]): A.Expression =>
    list.reduce((l, r) => ({ kind: "binary", op: "and", left: l, right: r, span: filter.span }));
  return {
    before: { ...filter, predicate: and(moved) },
    after: kept.length > 0 ? { ...filter, predicate: and(kept) } : undefined,
  };
}

/** Applies `join`. */
export function join(input: Relation, op: A.JoinOperator, scope: Scope, ctx: Context): Relation {
  const right = ctx.compiler.tabularOf(op.right, scope, ctx);
  if (op.where) return joinWhere(input, right, op, op.where, scope, ctx);
  const pairs = keyPairs(input, right, op.on, ctx);
  checkJoinSize(input, right, pairs, op.joinKind, `join kind=${op.joinKind}`, op.span, ctx);
  return joinFrames(input, right, pairs, op.joinKind);
}

/**
 * Fails before a join whose output would pass the memory budget. The output's row count
 * comes from the key counts of both sides (the sum over keys of left rows x right rows,
 * plus the unmatched rows outer joins keep): one pass over each side's key columns.
 */
function checkJoinSize(
  left: Relation,
  right: Relation,
  pairs: readonly KeyPair[],
  kind: A.JoinKind,
  operator: string,
  span: A.Span,
  ctx: Context,
): void {
  if (kind.endsWith("semi") || kind.endsWith("anti")) return; // never more rows than a side
  const names = pairs.map((_, i) => `__k${i}`);
  const counts = (relation: Relation, side: "left" | "right", unique: boolean) => {
    const k = keyed(relation.frame, pairs, side);
    const frame = k.frame.select(...k.keys.map((key, i) => pl.col(key).alias(names[i])));
    const count = unique ? pl.lit(1).cast(pl.Float64) : pl.len().cast(pl.Float64);
    return frame.groupBy(names).agg(count.alias("__n")).collectSync();
  };
  const r = counts(right, "right", false);
  const rightMost = Number(r.getColumn("__n").max() ?? 0);
  if (rightMost <= 1 && (kind === "inner" || kind === "innerunique" || kind === "leftouter")) {
    // Each left row meets at most one right row: at most the left's rows come out. When that
    // fits, the left's key counts (a grouping of all its rows) are not needed.
    const leftRows = Number(
      left.frame.select(pl.len().alias("__n")).collectSync().getColumn("__n").get(0),
    );
    const bound = tableBytes(leftRows, [...left.columns, ...right.columns]);
    if (bound <= ctx.limits.maxMemoryConsumptionPerIterator) return;
  }
  const l = counts(left, "left", kind === "innerunique");
  const total = (frame: DataFrame) => Number(frame.getColumn("__n").sum() ?? 0);
  const both = l.join(r, { on: names, how: "inner" } as never).select(
    pl.col("__n").mul(pl.col("__n_right")).sum().alias("__n"),
    pl.col("__n").sum().alias("left"),
    pl.col("__n_right").sum().alias("right"),
  );
  const sum = (column: string) => Number(both.getColumn(column).toArray()[0] ?? 0);
  const matched = sum("__n");
  // Outer joins keep each unmatched row of their outer side once.
  const rows = matched +
    (kind === "leftouter" || kind === "fullouter" ? total(l) - sum("left") : 0) +
    (kind === "rightouter" || kind === "fullouter" ? total(r) - sum("right") : 0);
  checkMemory(
    ctx,
    operator,
    `${rows} rows (${total(l)} x ${total(r)} input rows, ${matched} matching pairs)`,
    tableBytes(rows, [...left.columns, ...right.columns]),
    span,
  );
}

/** The output columns; text from a side that may be missing reads "" (Kusto has no null text). */
function select(
  frame: LazyDataFrame,
  columns: readonly ColumnSchema[],
  nullable: ReadonlySet<string> = new Set(),
): Relation {
  return {
    frame: frame.select(
      ...columns.map((c) =>
        c.type === "string" && nullable.has(c.name)
          ? pl.col(c.name).fillNull(pl.lit("")).alias(c.name)
          : pl.col(c.name)
      ),
    ),
    columns,
  };
}

/**
 * The row order of a join's result: the left input's, then the right's among one left
 * row's matches. Kusto leaves it unspecified; a fixed order makes a query's result (and its
 * SHA-256) the same on every run, whatever the thread count.
 */
const ORDER = "left_right";

function joinFrames(
  left: Relation,
  right: Relation,
  pairs: readonly KeyPair[],
  kind: A.JoinKind,
): Relation {
  const l = keyed(left.frame, pairs, "left");
  let leftFrame = l.frame;
  if (kind === "innerunique") {
    leftFrame = leftFrame.unique({ subset: l.keys, keep: "first", maintainOrder: true } as never);
  }
  if (kind === "leftsemi" || kind === "leftanti" || kind === "rightsemi" || kind === "rightanti") {
    const r = keyed(right.frame, pairs, "right");
    const [a, b, aKeys, bKeys, columns] = kind.startsWith("left")
      ? [leftFrame, r.frame, l.keys, r.keys, left.columns]
      : [r.frame, leftFrame, r.keys, l.keys, right.columns];
    const frame = a.join(b.select(...bKeys.map((k) => pl.col(k))), {
      leftOn: aKeys,
      rightOn: bKeys,
      how: kind.endsWith("semi") ? "semi" : "anti",
      maintainOrder: "left",
    } as never);
    return select(frame, columns);
  }
  // Right columns whose names clash with the left's get Kusto's numeric suffixes.
  const names = uniqueNames(right.columns.map((c) => c.name), left.columns.map((c) => c.name));
  const renamed = new Map(right.columns.map((c, i) => [c.name, names[i]]));
  const r = keyed(
    right.frame.select(...right.columns.map((c, i) => pl.col(c.name).alias(names[i]))),
    pairs,
    "right",
    (n) => renamed.get(n) ?? n,
  );
  const frame = kind === "rightouter"
    ? r.frame.join(
      leftFrame,
      {
        leftOn: r.keys,
        rightOn: l.keys,
        how: "left",
        coalesce: false,
        maintainOrder: ORDER,
      } as never,
    )
    : leftFrame.join(r.frame, {
      leftOn: l.keys,
      rightOn: r.keys,
      how: kind === "leftouter" ? "left" : kind === "fullouter" ? "full" : "inner",
      coalesce: false,
      maintainOrder: ORDER,
    } as never);
  const rightColumns = right.columns.map((c, i) => ({ name: names[i], type: c.type }));
  const nullable = new Set([
    ...(kind === "rightouter" || kind === "fullouter" ? left.columns.map((c) => c.name) : []),
    ...(kind === "leftouter" || kind === "fullouter" ? rightColumns.map((c) => c.name) : []),
  ]);
  return select(frame, [...left.columns, ...rightColumns], nullable);
}

/** Applies `lookup`: a left-outer (or inner) join whose key columns appear once. */
export function lookup(
  input: Relation,
  op: A.LookupOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const right = ctx.compiler.tabularOf(op.right, scope, ctx);
  const pairs = keyPairs(input, right, op.on, ctx);
  const kind = op.lookupKind === "inner" ? "inner" : "leftouter";
  checkJoinSize(input, right, pairs, kind, "lookup", op.span, ctx);
  const keyColumns = new Set(pairs.map((p) => p.right));
  const extra = right.columns.filter((c) => !keyColumns.has(c.name));
  const names = uniqueNames(extra.map((c) => c.name), input.columns.map((c) => c.name));
  // The right keys travel under temporary names, so they never clash with the left's.
  const rightKeys = pairs.map((p, i) =>
    (p.cast ? pl.col(p.right).cast(p.cast) : pl.col(p.right)).alias(`__jr${i}`)
  );
  const rightFrame = right.frame.select(
    ...extra.map((c, i) => pl.col(c.name).alias(names[i])),
    ...rightKeys,
  );
  const l = keyed(input.frame, pairs, "left");
  const frame = l.frame.join(rightFrame, {
    leftOn: l.keys,
    rightOn: pairs.map((_, i) => `__jr${i}`),
    how: op.lookupKind === "inner" ? "inner" : "left",
    coalesce: false,
    maintainOrder: ORDER,
  } as never);
  const extraColumns = extra.map((c, i) => ({ name: names[i], type: c.type }));
  return select(frame, [...input.columns, ...extraColumns], new Set(names));
}
