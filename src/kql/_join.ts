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
  const kind = op.joinKind;
  if (kind === "rightsemi" || kind === "rightanti" || kind === "rightouter") {
    // The mirror image of the left-hand kinds.
    const swapped = kind === "rightsemi"
      ? "leftsemi"
      : kind === "rightanti"
      ? "leftanti"
      : "leftouter";
    const mirrored = joinFrames(
      right,
      input,
      op.on.map((c) => ({ ...c, left: c.right, right: c.left })),
      swapped,
      ctx,
    );
    if (kind !== "rightouter") return mirrored;
    // rightouter lists the left's columns first, like every other kind.
    const leftCount = input.columns.length;
    const names = rightNames(input.columns, right.columns);
    const rightPart = mirrored.columns.slice(0, right.columns.length);
    const leftPart = mirrored.columns.slice(right.columns.length, right.columns.length + leftCount);
    void names;
    const columns = [...leftPart, ...rightPart];
    return { frame: mirrored.frame.select(...columns.map((c) => pl.col(c.name))), columns };
  }
  return joinFrames(input, right, op.on, kind, ctx);
}

function joinFrames(
  left: Relation,
  right: Relation,
  on: readonly A.JoinCondition[],
  kind: Exclude<A.JoinKind, "rightsemi" | "rightanti" | "rightouter">,
  ctx: Context,
): Relation {
  const keys = keyExprs(left, right, on, ctx);
  let leftFrame: LazyDataFrame = left.frame.withColumns(...keys.left);
  if (kind === "innerunique") {
    leftFrame = leftFrame.unique(
      { subset: keys.leftNames, keep: "first", maintainOrder: true } as never,
    );
  }
  const names = rightNames(left.columns, right.columns);
  const rightFrame = right.frame.withColumns(...keys.right).select(
    ...right.columns.map((c, i) => pl.col(c.name).alias(names[i])),
    ...keys.rightNames.map((n) => pl.col(n)),
  );
  if (kind === "leftsemi" || kind === "leftanti") {
    const frame = leftFrame.join(rightFrame.select(...keys.rightNames.map((n) => pl.col(n))), {
      leftOn: keys.leftNames,
      rightOn: keys.rightNames,
      how: kind === "leftsemi" ? "semi" : "anti",
    } as never);
    return {
      frame: frame.select(...left.columns.map((c) => pl.col(c.name))),
      columns: left.columns,
    };
  }
  const how = kind === "leftouter" ? "left" : kind === "fullouter" ? "full" : "inner";
  const frame = leftFrame.join(rightFrame, {
    leftOn: keys.leftNames,
    rightOn: keys.rightNames,
    how,
    coalesce: false,
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
