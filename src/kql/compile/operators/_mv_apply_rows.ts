/**
 * `mv-apply` subquery operators that look at a source row's expansion as a whole: `top`
 * per source row as a group-by on the row number (each group sorted on its own, not the
 * whole expansion sorted by row number and keys), `take` by each row's position among its
 * source row's rows (a scan, not a window), and the window functions (`row_number`,
 * `row_cumsum`, `prev`, `next`, the ranks, `row_window_session`), which restart at each
 * source row: in Kusto each row's expansion is a table of its own ("mv-apply operator": the
 * subquery applies to each subtable). That holds inside the `let` functions the subquery
 * calls too (called through renamed, rewritten copies), and `invoke` runs its function's
 * pipeline per source row.
 *
 * @module
 */
import { type Expr, pl } from "../../../polars.ts";
import type * as A from "../../syntax/ast.ts";
import {
  type Binding,
  type Context,
  jsonStringsKept,
  type Relation,
  rowEnv,
  Scope,
} from "../_context.ts";
import { keepRowColumns } from "./_columns.ts";
import { invokeWith } from "./_invoke.ts";
import { bindArguments } from "../_arguments.ts";
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

type FunctionBinding = Extract<Binding, { kind: "function" }>;

/**
 * `op` with its window functions restarting at each source row (numbered by column
 * `rowId`), and the scope to apply it in: `row_number` and `row_cumsum` restart where the
 * row number changes (or where their own restart predicate says), and `prev`/`next` read
 * their default where the row `k` away belongs to another source row.
 *
 * A user function `op` calls that calls window functions (itself or through other user
 * functions) is called under a name of its own instead, bound in the returned scope to a
 * copy rewritten the same way: a scalar function's body is inlined into the row's
 * expression, so it reads the same subtable. The original names stay as they are, for the
 * table expressions inside `op` (`toscalar(T | …)`), which read other tables. `columns`:
 * the names a bare name may read as a column here (a column comes before a function).
 * A call that would fail (its arguments, a recursive function, a body without a result)
 * keeps its function, so that its error names the function as written. `op` and `scope`
 * themselves when none of this applies.
 */
export function perRowWindows(
  op: A.Operator,
  rowId: string,
  scope: Scope,
  columns: Iterable<string>,
  ctx: Context,
): { op: A.Operator; scope: Scope } {
  const windowCall = (where: Scope) => (node: unknown): node is A.Call => {
    const call = node as A.Call;
    return call.kind === "call" && WINDOW_FUNCTIONS.has(call.name) &&
      where.get(call.name)?.kind !== "function";
  };
  // The names a bare name may read as a column: the input's, and any `op` assigns.
  const taken = new Set([...columns, ...assignedNames(op)]);
  const functionOf = (node: unknown, where: Scope, shadowed: ReadonlySet<string>) => {
    const n = node as { kind?: unknown; name?: unknown };
    if (n.kind !== "call" && n.kind !== "name") return undefined;
    if (typeof n.name !== "string" || shadowed.has(n.name)) return undefined;
    if (n.kind === "name" && taken.has(n.name)) return undefined;
    const binding = where.get(n.name);
    return binding?.kind === "function" ? binding : undefined;
  };
  // Whether a user function's body (or one it calls) calls a window function.
  const reading = new Map<FunctionBinding, boolean>();
  const readsWindows = (binding: FunctionBinding): boolean => {
    const known = reading.get(binding);
    if (known !== undefined) return known;
    reading.set(binding, false); // a function calling itself: refused when expanded
    const inside = localNames(binding.definition);
    const found = mentions(binding.definition.body, (node) => {
      if (windowCall(binding.scope)(node)) return true;
      const called = functionOf(node, binding.scope, inside);
      return called !== undefined && readsWindows(called);
    });
    reading.set(binding, found);
    return found;
  };
  // The user functions a function's body calls (each once).
  const callees = (binding: FunctionBinding): Set<FunctionBinding> => {
    const found = new Set<FunctionBinding>();
    const inside = localNames(binding.definition);
    mentions(binding.definition.body, (node) => {
      const called = functionOf(node, binding.scope, inside);
      if (called) found.add(called);
      return false;
    });
    return found;
  };
  // Whether a function calls itself, directly or through others.
  const recursive = (binding: FunctionBinding): boolean => {
    const seen = new Set<FunctionBinding>();
    const reaches = (from: FunctionBinding): boolean =>
      [...callees(from)].some((b) => b === binding || (!seen.has(b) && seen.add(b) && reaches(b)));
    return reaches(binding);
  };
  const needsCopy = (where: Scope, shadowed: ReadonlySet<string>) => (node: unknown) => {
    const called = functionOf(node, where, shadowed);
    if (called === undefined || !readsWindows(called) || recursive(called)) return false;
    if (!called.definition.body.some((s) => s.kind === "expression")) return false;
    const { name, span, args, named } = node as A.Call;
    try {
      bindArguments(called.definition.parameters, {
        kind: "call",
        name,
        span,
        args: args ?? [],
        named,
      }, ctx);
      return true;
    } catch {
      return false;
    }
  };
  if (!mentions(op, (n) => windowCall(scope)(n) || needsCopy(scope, new Set())(n))) {
    return { op, scope };
  }

  // Each function that reads windows, copied once under a name of its own; every copy's
  // scope (and the returned one) binds every copy's name.
  const names = new Map<FunctionBinding, string>();
  const copies = new Map<string, FunctionBinding>();
  const scopes: Scope[] = [];
  const renamed = (binding: FunctionBinding): string => {
    const known = names.get(binding);
    if (known) return known;
    const name = `${rowId}_f${names.size}`;
    names.set(binding, name);
    const inner = new Scope(binding.scope);
    scopes.push(inner);
    const body = perRowCalls(
      binding.definition.body,
      rowId,
      windowCall(binding.scope),
      renaming(binding.scope, localNames(binding.definition)),
    );
    copies.set(name, {
      kind: "function",
      definition: { ...binding.definition, body },
      scope: inner,
    });
    return name;
  };
  const renaming = (where: Scope, shadowed: ReadonlySet<string>) => (node: A.Call | A.NameRef) =>
    needsCopy(where, shadowed)(node) ? renamed(functionOf(node, where, shadowed)!) : undefined;
  const rewritten = perRowCalls(op, rowId, windowCall(scope), renaming(scope, new Set()));
  const outer = new Scope(scope);
  for (const where of [outer, ...scopes]) {
    for (const [name, binding] of copies) where.set(name, binding);
  }
  return { op: rewritten, scope: outer };
}

/**
 * The names a function's body binds itself (its parameters, its `let`s and those of the
 * functions inside it), which hide the functions of the same name outside.
 */
function localNames(definition: A.FunctionDefinition): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const n = node as { kind?: unknown; name?: unknown; parameters?: unknown };
    if (n.kind === "let" && typeof n.name === "string") names.add(n.name);
    if (n.kind === "function") {
      for (const p of (node as A.FunctionDefinition).parameters) names.add(p.name);
    }
    Object.values(node).forEach(visit);
  };
  visit(definition);
  return names;
}

/** The names `op` gives columns (`extend x = …`, `summarize n = …`, `parse … with x`…). */
function assignedNames(op: A.Operator): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const n = node as { kind?: unknown; name?: unknown; names?: unknown };
    if (n.kind !== "name" && n.kind !== "call") {
      if (typeof n.name === "string") names.add(n.name);
      if (Array.isArray(n.names)) n.names.forEach((x) => typeof x === "string" && names.add(x));
    }
    Object.values(node).forEach(visit);
  };
  visit(op);
  return names;
}

/**
 * `node` with each window call `windowCall` accepts made to restart per source row, and
 * each call (or bare name) of a user function `rename` names called by that name instead.
 */
function perRowCalls<T>(
  node: T,
  rowId: string,
  windowCall: (node: unknown) => boolean,
  rename: (node: A.Call | A.NameRef) => string | undefined,
): T {
  return rewrite(node, (call) => {
    const name = rename(call);
    if (name !== undefined) return { ...call, name };
    if (call.kind === "name" || !windowCall(call)) return call;
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

/**
 * `invoke f(...)` in an `mv-apply` subquery: the function's body runs on each source row's
 * rows, its result's operators applied per source row by `apply` (with its window functions
 * and user functions rewritten as the subquery's own). Its result must be a pipeline
 * starting at its table parameter (`T | where … | top 1 by …`); another use of that table
 * inside would read every row's rows at once, and is refused.
 */
export function invokePerRow(
  input: Relation,
  op: A.InvokeOperator,
  scope: Scope,
  ctx: Context,
  apply: (input: Relation, op: A.Operator, scope: Scope) => Relation,
): Relation {
  const refused = (span: A.Span) =>
    ctx.unsupported(
      `The invoked function '${op.call.name}' inside mv-apply, except as a pipeline starting at its table parameter`,
      span,
    );
  const table: Binding = {
    kind: "tabular",
    get: () => {
      throw refused(op.span);
    },
  };
  return invokeWith(op, scope, ctx, table, (expression, inner) => {
    const operators: A.Operator[] = [];
    let source = expression;
    for (;;) {
      if (source.kind === "pipe") {
        operators.unshift(source.operator);
        source = source.source;
      } else if (source.kind === "paren") source = source.expression;
      else break;
    }
    if (source.kind !== "name" || inner.get(source.name) !== table) throw refused(source.span);
    return operators.reduce((relation, o) => apply(relation, o, inner), input);
  });
}

/** Whether `node` (an AST part) holds a node `test` accepts, outside nested subqueries. */
/**
 * The kinds of table expressions (and literals): a window function in one reads its own
 * table, not the subquery's rows (`toscalar(print x = f())`, `toscalar(T | …)`).
 */
const KEPT_KINDS: ReadonlySet<unknown> = new Set([
  "literal",
  "pipe",
  "print",
  "range",
  "datatable",
  "union-source",
  "search-source",
  "find",
  "scoped-table",
  "missing-input",
]);

function mentions(node: unknown, test: (node: unknown) => boolean): boolean {
  if (Array.isArray(node)) return node.some((n) => mentions(n, test));
  if (node === null || typeof node !== "object") return false;
  if (test(node)) return true;
  const kind = (node as { kind?: unknown }).kind;
  if (KEPT_KINDS.has(kind)) return false;
  return Object.entries(node).some(([key, value]) =>
    !(kind === "mv-apply" && key === "subquery") && mentions(value, test)
  );
}

/**
 * A copy of `node` (an AST part) with each call and name replaced by what `replace` makes
 * of it (a call's arguments rewritten first); literals, table expressions and nested
 * `mv-apply` subqueries (which restart per their own rows) are kept as they are.
 */
function rewrite<T>(node: T, replace: (call: A.Call | A.NameRef) => A.Expression): T {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, replace)) as T;
  if (node === null || typeof node !== "object") return node;
  const kind = (node as { kind?: unknown }).kind;
  if (KEPT_KINDS.has(kind)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = kind === "mv-apply" && key === "subquery" ? value : rewrite(value, replace);
  }
  return (kind === "call" || kind === "name" ? replace(out as unknown as A.Call) : out) as T;
}
