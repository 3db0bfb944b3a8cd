/**
 * `mv-apply` subquery operators that look at a source row's expansion as a whole: `top`
 * per source row as a group-by on the row number (each group sorted on its own, not the
 * whole expansion sorted by row number and keys), `take` by each row's position among its
 * source row's rows (a scan, not a window), and the window functions (`row_number`,
 * `row_cumsum`, `prev`, `next`), which restart at each source row: in Kusto each row's
 * expansion is a table of its own ("mv-apply operator": the subquery applies to each
 * subtable).
 *
 * @module
 */
import { type Expr, pl } from "../../../polars.ts";
import type * as A from "../../syntax/ast.ts";
import { type Context, jsonStringsKept, type Relation, rowEnv, type Scope } from "../_context.ts";
import { keepRowColumns } from "./_columns.ts";
import { sortKeys } from "./_rows.ts";

/**
 * `top count by keys` applied to each source row's expanded rows (numbered by column
 * `rowId`, in the order of the numbers): per number, its rows sorted by the keys (nulls and
 * NaN placed as `sort` places them, ties in their order) and the first `count` kept. One
 * group per number, in the numbers' order; no sort of the whole expansion.
 */
export function topPerRow(
  input: Relation,
  op: A.TopOperator,
  count: number,
  rowId: string,
  scope: Scope,
  ctx: Context,
): Relation {
  const env = rowEnv(input, scope, ctx);
  // As `sort` orders: nulls by a leading key, then NaN, each key its own way.
  const { by: keys, descending } = sortKeys(op.keys, env, ctx);
  // The columns an operator that keeps rows keeps (as `keepRowColumns`).
  const names = [...input.columns.map((c) => c.name), ...jsonStringsKept(input)];
  let frame = env.materialise(input.frame);
  if (count === 0) {
    return { ...input, frame: frame.filter(pl.lit(false)).select(...keepRowColumns(input)) };
  }
  // The keys as columns (computed once, not per group), then the rows' order as the last
  // key: equal keys keep their order (Polars' sort within a group is not stable).
  const at = ctx.temp("__mvat");
  const keyNames = keys.map(() => ctx.temp("__mvkey"));
  frame = frame.withColumns(...keys.map((k, i) => k.alias(keyNames[i]))).withRowIndex(at);
  const by = [...keyNames, at].map((k) => pl.col(k));
  const order = [...descending, false];
  const others = names.filter((n) => n !== rowId);
  const sorted = (name: string) => pl.col(name).sortBy({ by, descending: order } as never);
  let grouped = frame.groupBy(rowId, true as never).agg(
    ...others.map((n) => count === 1 ? sorted(n).first().alias(n) : sorted(n).head(count).alias(n)),
  );
  if (count !== 1 && others.length > 0) grouped = grouped.explode(others);
  return { ...input, frame: grouped.select(...names.map((n) => pl.col(n))), ordered: true };
}

/**
 * Each row's position among the rows of its source row (from 0), numbered by column
 * `rowId`. A source row's rows are next to each other (the expansion makes them so, and
 * every subquery operator keeps them so), so the position is a scan: the row's index less
 * that of the row where the number last changed (a window over the number is 6x slower
 * over 1M rows).
 */
export function positionInRow(rowId: string): Expr {
  const index = pl.intRange(
    { start: 0, end: pl.len(), dtype: pl.Int64 } as never,
  ) as unknown as Expr;
  const changed = pl.col(rowId).neq(pl.col(rowId).shift(1)).fillNull(true);
  const start = pl.when(changed).then(index).otherwise(pl.lit(null).cast(pl.Int64)).forwardFill();
  return index.sub(start);
}

/** The window functions that read the rows around a row, which restart per source row. */
const RESTART_ARG: ReadonlyMap<string, number> = new Map([
  ["row_number", 1],
  ["row_cumsum", 1],
  ["row_rank_dense", 1],
  ["row_rank", 1],
  ["row_rank_min", 1],
  ["row_window_session", 3],
]);
const WINDOW_FUNCTIONS: ReadonlySet<string> = new Set([...RESTART_ARG.keys(), "prev", "next"]);

/** The largest offset `prev`/`next` take: past any table, so it reads the default. */
const PAST_ANY_ROW = 2_147_483_647n;

/**
 * `op` with its window functions restarting at each source row (numbered by column
 * `rowId`): `row_number` and `row_cumsum` restart where the row number changes (or where
 * their own restart predicate says), and `prev`/`next` read their default where the row
 * `k` away belongs to another source row. `op` itself when it calls none of them.
 */
export function perRowWindows(op: A.Operator, rowId: string, scope: Scope): A.Operator {
  const windowCall = (node: unknown): node is A.Call => {
    const call = node as A.Call;
    return call.kind === "call" && WINDOW_FUNCTIONS.has(call.name) &&
      scope.get(call.name)?.kind !== "function";
  };
  if (!mentions(op, windowCall)) return op;
  return rewrite(op, (call) => {
    if (!windowCall(call)) return call;
    const span = call.span;
    const row: A.NameRef = { kind: "name", name: rowId, span };
    const long = (value: bigint): A.Literal => ({ kind: "literal", type: "long", value, span });
    const fn = (name: string, ...args: A.Expression[]): A.Call => ({
      kind: "call",
      name,
      args,
      span,
    });
    const binary = (op: string, left: A.Expression, right: A.Expression): A.Binary => ({
      kind: "binary",
      op,
      left,
      right,
      span,
    });
    switch (call.name) {
      case "row_number":
      case "row_cumsum":
      case "row_rank_dense":
      case "row_rank":
      case "row_rank_min":
      case "row_window_session": {
        const at = RESTART_ARG.get(call.name)!;
        const changed = binary("!=", fn("prev", row), row);
        const restart = call.args[at];
        const args = [...call.args];
        if (call.name === "row_number" && args.length === 0) args.push(long(1n));
        args[at] = restart ? binary("or", restart, changed) : changed;
        return { ...call, args };
      }
      case "prev":
      case "next": {
        const offset = call.args[1] ?? long(1n);
        const same = binary("==", fn(call.name, row, offset), row);
        // Across a source row: the default (or null, read past every row).
        const fallback = call.args[2] ?? undefined;
        const other = fn(
          call.name,
          call.args[0],
          long(PAST_ANY_ROW),
          ...(fallback ? [fallback] : []),
        );
        return fn("iff", same, call, other);
      }
      default:
        return call;
    }
  });
}

/** Whether `node` (an AST part) holds a node `test` accepts, outside nested subqueries. */
function mentions(node: unknown, test: (node: unknown) => boolean): boolean {
  if (Array.isArray(node)) return node.some((n) => mentions(n, test));
  if (node === null || typeof node !== "object") return false;
  if (test(node)) return true;
  const kind = (node as { kind?: unknown }).kind;
  if (kind === "literal" || kind === "pipe") return false;
  return Object.entries(node).some(([key, value]) =>
    !(kind === "mv-apply" && key === "subquery") && mentions(value, test)
  );
}

/**
 * A copy of `node` (an AST part) with each call replaced by what `replace` makes of it
 * (its arguments rewritten first); literals and nested `mv-apply` subqueries (which restart
 * per their own rows) are kept as they are.
 */
function rewrite<T>(node: T, replace: (call: A.Call) => A.Expression): T {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, replace)) as T;
  if (node === null || typeof node !== "object") return node;
  const kind = (node as { kind?: unknown }).kind;
  if (kind === "literal" || kind === "pipe") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = kind === "mv-apply" && key === "subquery" ? value : rewrite(value, replace);
  }
  return (kind === "call" ? replace(out as unknown as A.Call) : out) as T;
}
