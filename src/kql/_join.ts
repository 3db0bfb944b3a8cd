/**
 * `join` (every kind), `lookup` and `| union`.
 *
 * @module
 */
import { type Expr, type LazyDataFrame, pl } from "../polars.ts";
import type { ColumnSchema, KustoType } from "../schema/types.ts";
import type * as A from "./ast.ts";
import type { Context, Relation, Scope } from "./_env.ts";
import { tabularOf, union, uniqueNames } from "./_query.ts";
import { isNumeric } from "./_expr.ts";

interface Keys {
  left: Expr[];
  right: Expr[];
  leftNames: string[];
  rightNames: string[];
}

function keyExprs(
  left: Relation,
  right: Relation,
  on: readonly A.JoinCondition[],
  ctx: Context,
): Keys {
  const keys: Keys = { left: [], right: [], leftNames: [], rightNames: [] };
  on.forEach((condition, i) => {
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
    const [le, re] = commonKey(l, r, condition, ctx);
    keys.leftNames.push(`__jl${i}`);
    keys.rightNames.push(`__jr${i}`);
    keys.left.push(le.alias(`__jl${i}`));
    keys.right.push(re.alias(`__jr${i}`));
  });
  return keys;
}

function commonKey(
  l: ColumnSchema,
  r: ColumnSchema,
  condition: A.JoinCondition,
  ctx: Context,
): [Expr, Expr] {
  if (l.type === r.type) return [pl.col(l.name), pl.col(r.name)];
  if (isNumeric(l.type) && isNumeric(r.type)) {
    const t = l.type === "real" || r.type === "real" ? pl.Float64 : pl.Int64;
    return [pl.col(l.name).cast(t), pl.col(r.name).cast(t)];
  }
  const text = (t: KustoType) => t === "string" || t === "guid" || t === "dynamic";
  if (text(l.type) && text(r.type)) return [pl.col(l.name), pl.col(r.name)];
  throw ctx.error(
    `Cannot join ${l.name} (${l.type}) with ${r.name} (${r.type}): the key types differ`,
    condition.span,
    "Convert one side first, e.g. extend Key = tostring(Key).",
  );
}

/** Right columns renamed so they do not clash with the left's (Kusto appends 1, 2, ...). */
function rightNames(left: readonly ColumnSchema[], right: readonly ColumnSchema[]): string[] {
  return uniqueNames(right.map((c) => c.name), left.map((c) => c.name));
}

/** Applies `join`. */
export function join(input: Relation, op: A.JoinOperator, scope: Scope, ctx: Context): Relation {
  const right = tabularOf(op.right, scope, ctx);
  return joinFrames(input, right, op.on, op.joinKind, ctx);
}

function joinFrames(
  left: Relation,
  right: Relation,
  on: readonly A.JoinCondition[],
  kind: A.JoinKind,
  ctx: Context,
): Relation {
  const keys = keyExprs(left, right, on, ctx);
  let leftFrame: LazyDataFrame = left.frame.withColumns(...keys.left);
  if (kind === "innerunique") {
    leftFrame = leftFrame.unique(
      { subset: keys.leftNames, keep: "first", maintainOrder: true } as never,
    );
  }
  const rightKeyed = right.frame.withColumns(...keys.right);
  const semi = (
    a: LazyDataFrame,
    b: LazyDataFrame,
    aKeys: string[],
    bKeys: string[],
    how: "semi" | "anti",
    columns: readonly ColumnSchema[],
  ): Relation => ({
    frame: a.join(b.select(...bKeys.map((n) => pl.col(n))), {
      leftOn: aKeys,
      rightOn: bKeys,
      how,
    } as never).select(...columns.map((c) => pl.col(c.name))),
    columns,
  });
  switch (kind) {
    case "leftsemi":
    case "leftanti":
      return semi(
        leftFrame,
        rightKeyed,
        keys.leftNames,
        keys.rightNames,
        kind === "leftsemi" ? "semi" : "anti",
        left.columns,
      );
    case "rightsemi":
    case "rightanti":
      return semi(
        rightKeyed,
        leftFrame,
        keys.rightNames,
        keys.leftNames,
        kind === "rightsemi" ? "semi" : "anti",
        right.columns,
      );
  }
  // Right columns whose names clash with the left's get Kusto's numeric suffixes.
  const names = rightNames(left.columns, right.columns);
  const rightFrame = rightKeyed.select(
    ...right.columns.map((c, i) => pl.col(c.name).alias(names[i])),
    ...keys.rightNames.map((n) => pl.col(n)),
  );
  const options = (how: string) => ({ coalesce: false, how }) as const;
  const frame = kind === "rightouter"
    ? rightFrame.join(leftFrame, {
      leftOn: keys.rightNames,
      rightOn: keys.leftNames,
      ...options("left"),
    } as never)
    : leftFrame.join(rightFrame, {
      leftOn: keys.leftNames,
      rightOn: keys.rightNames,
      ...options(kind === "leftouter" ? "left" : kind === "fullouter" ? "full" : "inner"),
    } as never);
  const columns: ColumnSchema[] = [
    ...left.columns,
    ...right.columns.map((c, i) => ({ name: names[i], type: c.type })),
  ];
  return { frame: frame.select(...columns.map((c) => pl.col(c.name))), columns };
}

/** Applies `lookup`: a left-outer (or inner) join whose key columns appear once. */
export function lookup(
  input: Relation,
  op: A.LookupOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const right = tabularOf(op.right, scope, ctx);
  const keys = keyExprs(input, right, op.on, ctx);
  const keyColumns = new Set(op.on.map((c) => c.right));
  const extra = right.columns.filter((c) => !keyColumns.has(c.name));
  const names = uniqueNames(extra.map((c) => c.name), input.columns.map((c) => c.name));
  const rightFrame = right.frame.withColumns(...keys.right).select(
    ...extra.map((c, i) => pl.col(c.name).alias(names[i])),
    ...keys.rightNames.map((n) => pl.col(n)),
  );
  const frame = input.frame.withColumns(...keys.left).join(rightFrame, {
    leftOn: keys.leftNames,
    rightOn: keys.rightNames,
    how: op.lookupKind === "inner" ? "inner" : "left",
    coalesce: false,
  } as never);
  const columns = [...input.columns, ...extra.map((c, i) => ({ name: names[i], type: c.type }))];
  return { frame: frame.select(...columns.map((c) => pl.col(c.name))), columns };
}

/** Applies `| union T2, ...`. */
export function unionOperator(
  input: Relation,
  op: A.UnionOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const others = op.tables.map((t) => tabularOf(t, scope, ctx));
  const self: A.Expression = { kind: "name", name: "union_arg0", span: op.span };
  return union([input, ...others], op.options, [self, ...op.tables], ctx);
}
