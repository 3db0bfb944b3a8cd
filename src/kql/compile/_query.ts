/**
 * Compiling tabular KQL: statements, sources (tables, `datatable`, `print`, `range`,
 * `union`) and the pipeline's operators, to Polars lazy plans.
 *
 * @module
 */
import {
  type DataFrame,
  DATETIME,
  DURATION,
  type Expr,
  type LazyDataFrame,
  pl,
} from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import { closestNames } from "../../errors.ts";
import {
  type Context,
  ExprEnv,
  type QueryCompiler,
  type Relation,
  Scope,
  type Typed,
} from "./_context.ts";
import { bindLet, compileExpr, isTabular } from "./_expression.ts";
import { convert, convertJs, dynamicText, isNumeric } from "./_conversion.ts";
import { uniqueNames } from "./_names.ts";
import { checkMicrosecondStep } from "./_time_resolution.ts";
import { checkDeclaredOnce, compileItem } from "./_same_operator_names.ts";
import { bindArguments } from "./_arguments.ts";
import { union, unionInputs } from "./operators/_union.ts";
import { findSource, searchSource } from "./operators/_search.ts";
import { splitFilterAtJoin } from "./operators/_join.ts";
import {
  exactInteger,
  int64Literal,
  jsToExpr,
  jsToSeries,
  type JsValue,
  parseJsonKeepingReals,
  readableExpr,
  seriesToJs,
} from "../runtime/_values.ts";
import { realAsJson } from "../syntax/_literals.ts";
import { applyOperator } from "./_apply_operator.ts";
import { rememberRawJson } from "./_raw_json.ts";
import { sourceColumns } from "./_bag_shapes.ts";
import { operatorFailure } from "./_failures.ts";
import { requestOf, tableReferenceKey } from "../syntax/_external.ts";
import { excludedFunctionError } from "../functions/_excluded.ts";
import type { KqlUnsupportedError } from "../errors.ts";
import { checkMemory, resolveLimits } from "./_limits.ts";
import { missingWorkspaceTables, workspaceScope } from "./_workspace_functions.ts";
import { expandLet, expandPatterns, type Patterns } from "./_patterns.ts";
import { checkInterrupt, interrupted, InterruptedError } from "../../interrupt.ts";

/** Compiles a query; returns the relation of its last tabular statement. */
export function compileQuery(text: A.QueryText, ctx: Context): Relation {
  ctx.attach(QUERY_COMPILER);
  const problem = text.problems?.[0];
  if (problem) throw ctx.error(problem.message, problem.span, problem.hint);
  ctx.limits = resolveLimits(text.statements, ctx.query, ctx.givenLimits);
  // Sentinel's workspace functions (ASIM parsers) sit above the query's own names.
  const scope = new Scope(workspaceScope(ctx));
  const env = new ExprEnv(ctx, scope);
  let result: Relation | undefined;
  const patterns: Patterns = new Map();
  for (const statement of text.statements) {
    if (statement.kind === "declare") declareParameters(statement, env, ctx);
    if (statement.kind === "set" && statement.pattern) {
      patterns.set(statement.pattern.name, statement.pattern);
    }
    if (statement.kind === "let") bindLet(expandLet(statement, patterns, ctx), env);
    else if (statement.kind === "expression") {
      const e = expandPatterns(statement.expression, patterns, ctx);
      // A lone unknown name is a table the user expected to exist.
      const unknownName = e.kind === "name" && !scope.get(e.name) && !ctx.tables.has(e.name);
      result = isTabular(e, scope, env) || unknownName
        ? tabularOf(e, scope, ctx)
        : printRelation([{ expression: e, span: statement.span }], scope, ctx);
    }
  }
  if (!result) {
    const last = text.statements.at(-1);
    throw ctx.error(
      "the query has no tabular expression to run",
      last?.span ?? { start: 0, end: 0 },
      "End the query with a table, a pipeline or print (e.g. SigninLogs | take 10).",
    );
  }
  return result;
}

/** Binds declared query parameters: the caller's values, else the declared defaults. */
function declareParameters(statement: A.DeclareStatement, env: ExprEnv, ctx: Context): void {
  for (const p of statement.parameters) {
    const given = ctx.parameters.get(p.name);
    if (given !== undefined) {
      env.scope.set(p.name, {
        kind: "scalar",
        value: { ...jsToTyped(given, p.type ?? "string") },
      });
    } else if (p.defaultValue) {
      const value = compileExpr(p.defaultValue, env);
      env.scope.set(p.name, {
        kind: "scalar",
        value: p.type ? convert(value, p.type, env) : value,
      });
    }
  }
}

function jsToTyped(value: JsValue, type: KustoType): Typed {
  return { expr: jsToExpr(value, type), type, constant: { value } };
}

/** Compiles a tabular expression. */
export function tabularOf(e: A.Expression, scope: Scope, ctx: Context): Relation {
  switch (e.kind) {
    case "paren":
      return tabularOf(e.expression, scope, ctx);
    case "pipe": {
      const below = e.source.kind === "pipe" ? e.source : undefined;
      if (below && e.operator.kind === "where" && below.operator.kind === "join") {
        // An innerunique join's filter of left columns runs before it (see splitFilterAtJoin).
        const left = tabularOf(below.source, scope, ctx);
        let whole: Relation | undefined; // the join of all left rows, when needed
        const joinAll = () => whole ??= applyTraced(left, below.operator, scope, ctx);
        const split = splitFilterAtJoin(
          e.operator,
          below.operator,
          left,
          scope,
          () => new Set(joinAll().columns.map((c) => c.name)),
        );
        if (!split) return applyTraced(joinAll(), e.operator, scope, ctx);
        const joined = applyTraced(
          applyTraced(left, split.before, scope, ctx),
          below.operator,
          scope,
          ctx,
        );
        return split.after ? applyTraced(joined, split.after, scope, ctx) : joined;
      }
      return applyTraced(tabularOf(e.source, scope, ctx), e.operator, scope, ctx);
    }
    case "name":
      return named(e, scope, ctx);
    case "call":
      return tabularCall(e, scope, ctx);
    case "datatable":
      return datatable(e, scope, ctx);
    case "print":
      return printRelation(e.columns, scope, ctx);
    case "range":
      return range(e, scope, ctx);
    case "union-source": {
      const { relations, sources } = unionInputs(e.tables, e.options, scope, ctx);
      return union(relations, e.options, sources);
    }
    case "search-source":
      return searchSource(e, scope, ctx);
    case "find":
      return findSource(e, scope, ctx);
    case "scoped-table":
      return scopedTable(e, ctx);
    case "missing-input":
      throw ctx.error(
        `'${e.operator}' has no input: a query starts with a table, a let name or a source`,
        e.span,
        `Put the table it reads first: T | ${e.operator} …`,
      );
    default: {
      // database('db').T and cluster('c').database('db').T name tables of a cluster.
      let object: A.Expression = e;
      while (object.kind === "member" || object.kind === "index") object = object.object;
      if (object.kind === "call") {
        if (["workspace", "app", "resource"].includes(object.name)) {
          throw placeRefusal(
            object.name as A.TablePlace["kind"],
            `(${object.name}())`,
            e.span,
            ctx,
          );
        }
        const excluded = excludedFunctionError(object.name, object.span, ctx);
        if (excluded) throw excluded;
      }
      throw ctx.error("expected a table here", e.span);
    }
  }
}

function named(e: A.NameRef, scope: Scope, ctx: Context): Relation {
  const binding = scope.get(e.name);
  if (binding?.kind === "tabular") return binding.get();
  if (binding?.kind === "function") {
    return tabularCall({ kind: "call", name: e.name, args: [], span: e.span }, scope, ctx);
  }
  const table = ctx.tables.get(e.name);
  if (table?.rawJson && !ctx.exactJson) {
    // Dynamic columns' JSON text beside them, for native path reads (`_raw_json.ts`).
    rememberRawJson(table.rawJson.frame, table.rawJson.columns);
    return { frame: table.rawJson.frame, columns: sourceColumns(table), source: e.name };
  }
  if (table) return { frame: table.frame, columns: sourceColumns(table), source: e.name };
  const workspace = missingWorkspaceTables(e.name, e.span, ctx);
  if (workspace) throw workspace;
  const names = [...ctx.knownTables, ...scope.names()];
  const close = closestNames(e.name, names);
  throw ctx.unknownTable(
    `Unknown table '${e.name}'` + (close.length ? `. Did you mean '${close[0]}'?` : ""),
    e.span,
    ctx.knownTables.length > 0 ? `Tables: ${ctx.knownTables.slice(0, 20).join(", ")}` : undefined,
  );
}

// A table of another place: the provider resolves it (the Log Analytics service for
// `workspace("w").T`); the local engine has only its provider's one set of tables.
function scopedTable(e: A.ScopedTable, ctx: Context): Relation {
  const table = ctx.scopedTables.get(tableReferenceKey(e));
  if (table) return { frame: table.frame, columns: table.schema.columns, source: e.table };
  const outer = e.scope[0];
  throw placeRefusal(outer.kind, `(${outer.kind}("${outer.name}").${e.table})`, e.span, ctx);
}

function placeRefusal(
  kind: A.TablePlace["kind"],
  what: string,
  span: A.Span,
  ctx: Context,
): KqlUnsupportedError {
  if (kind === "cluster" || kind === "database") return excludedFunctionError(kind, span, ctx)!;
  return ctx.unsupported(
    `The table of another ${kind === "app" ? "Application Insights app" : kind} ${what}`,
    span,
    "The local provider has one set of tables; cross-workspace queries need the Sentinel " +
      "provider (openSentinelProvider), which runs them on Log Analytics.",
  );
}

const materialized = new WeakMap<A.Expression, Relation>();

function tabularCall(e: A.Call, scope: Scope, ctx: Context): Relation {
  const binding = scope.get(e.name);
  if (binding?.kind === "function") {
    const inner = new Scope(binding.scope);
    const env = new ExprEnv(ctx, scope);
    const args = bindArguments(binding.definition.parameters, e, ctx);
    binding.definition.parameters.forEach((p, i) => {
      const arg = args[i];
      if (p.tabular) {
        const relation = tabularOf(arg, scope, ctx);
        inner.set(p.name, { kind: "tabular", get: () => relation });
      } else {
        const value = compileExpr(arg, env);
        inner.set(p.name, { kind: "scalar", value: p.type ? convert(value, p.type, env) : value });
      }
    });
    const innerEnv = new ExprEnv(ctx, inner);
    let result: Relation | undefined;
    ctx.expanding(binding.definition, e.name, e.span, () => {
      for (const statement of binding.definition.body) {
        if (statement.kind === "let") bindLet(statement, innerEnv);
        else if (statement.kind === "expression") {
          result = tabularOf(statement.expression, inner, ctx);
        }
      }
    });
    if (!result) throw ctx.error(`${e.name}() has no tabular result`, e.span);
    return result;
  }
  if (e.name === "materialize" && e.args.length === 1) {
    const cached = materialized.get(e);
    if (cached) return cached;
    const relation = tabularOf(e.args[0], scope, ctx);
    const done = { ...relation, frame: relation.frame.collectSync().lazy() };
    materialized.set(e, done);
    return done;
  }
  const request = requestOf(e);
  if (request) {
    const table = ctx.external.get(request.key);
    if (table) return { frame: table.frame, columns: table.schema.columns };
    if (request.kind === "watchlist") {
      throw ctx.unknownTable(
        `Unknown watchlist '${request.name}'`,
        e.span,
        "A watchlist is a file of the data folder's outside data with that name.",
      );
    }
    throw ctx.unsupported(
      "externaldata here",
      e.span,
      "Run it through the local provider; it reads local files (paths or file:// URLs).",
    );
  }
  if (e.name === "view" || e.name === "table") {
    // The name is any constant string: a literal, a `let`, or a function's parameter
    // (`let f = (t: string) { table(t) | ... }`).
    const arg = e.args[0];
    const name = arg && compileExpr(arg, new ExprEnv(ctx, scope)).constant?.value;
    if (typeof name === "string") {
      return named({ kind: "name", name, span: arg.span }, scope, ctx);
    }
    if (arg) {
      throw ctx.error(`${e.name}() takes a table name known before the query runs`, arg.span);
    }
  }
  throw excludedFunctionError(e.name, e.span, ctx) ??
    missingWorkspaceTables(e.name, e.span, ctx) ??
    ctx.unsupported(`The tabular function '${e.name}()'`, e.span);
}

function constantValue(e: A.Expression, scope: Scope, ctx: Context, what: string): Typed {
  const value = compileExpr(e, new ExprEnv(ctx, scope));
  if (value.constant) return value;
  // A long beyond 2^53 is an exact Int64 expression, not a JS constant: read it exactly.
  if (value.type === "long") {
    let exact: bigint | null | undefined;
    try {
      exact = exactInteger(value.expr);
    } catch {
      exact = undefined;
    }
    if (exact !== undefined) {
      const safe = exact === null || Number.isSafeInteger(Number(exact));
      return { ...value, constant: { value: safe && exact !== null ? Number(exact) : exact } };
    }
  }
  throw ctx.error(`${what} must be a constant`, e.span);
}

function datatable(e: A.Datatable, scope: Scope, ctx: Context): Relation {
  const width = e.columns.length;
  if (width === 0) throw ctx.error("datatable needs at least one column", e.span);
  if (e.values.length % width !== 0) {
    throw ctx.error(
      `datatable has ${e.values.length} values for ${width} columns: the last row is incomplete`,
      e.span,
    );
  }
  const columns: JsValue[][] = e.columns.map(() => []);
  e.values.forEach((v, i) => {
    const value = constantValue(v, scope, ctx, "a datatable value");
    const column = e.columns[i % width];
    const held = value.constant!.value;
    const converted = column.type === "dynamic" && held !== null &&
        (value.type === "dynamic" || value.type === "real")
      // As written, so that reals stay reals in the column's JSON text (`42.0`).
      ? (value.type === "real"
        ? realAsJson(Number(held))
        : parseJsonKeepingReals(dynamicText(value).constant!.value as string))
      : value.type === column.type || held === null
      ? held
      : typeof held === "bigint" && column.type === "string"
      ? held.toString()
      : convertJs(typeof held === "bigint" ? Number(held) : held, value.type, column.type);
    columns[i % width].push(converted);
  });
  const frame = pl.DataFrame(e.columns.map((c, i) => jsToSeries(c.name, columns[i], c.type)));
  return { frame: frame.lazy(), columns: e.columns };
}

/** A one-row relation of the given expressions (`print`, or a scalar query). */
export function printRelation(
  items: readonly A.NamedExpression[],
  scope: Scope,
  ctx: Context,
): Relation {
  const env = new ExprEnv(ctx, scope, new Map());
  checkDeclaredOnce(items, "print", ctx);
  const declared = new Set<string>();
  const compiled = items.flatMap((item, i) => {
    const value = compileItem(item, env, declared, "print");
    for (const name of item.names ?? []) declared.add(name);
    // A function with several outputs prints them all under its names for them.
    const parts = value.components;
    if (!item.names && parts && parts.length > 1 && value.componentNames) {
      return parts.map((part, k) => ({ name: value.componentNames![k], value: part }));
    }
    // Otherwise Kusto names an unnamed print column print_N, whatever the expression.
    return [{ name: item.names?.[0] ?? `print_${i}`, value }];
  });
  if (compiled.length === 0) return { frame: pl.DataFrame({}).lazy(), columns: [] };
  let frame: LazyDataFrame = pl.DataFrame({ __row: [0] }).lazy();
  frame = env.materialise(frame);
  const names = uniqueNames(compiled.map((c) => c.name));
  frame = frame.select(...compiled.map((c, i) => c.value.expr.alias(names[i])));
  return { frame, columns: compiled.map((c, i) => ({ name: names[i], type: c.value.type })) };
}

/**
 * Kusto's types of `range`: numbers step by a number, datetimes and timespans by a
 * timespan (Kusto.Language: "the operator is not defined for long and timespan").
 */
function checkRangeTypes(
  from: KustoType,
  to: KustoType,
  step: KustoType,
  e: A.RangeSource,
  ctx: Context,
): void {
  const time = from === "datetime" || from === "timespan";
  if (!isNumeric(from) && !time) {
    throw ctx.error(
      `'range' cannot start from a ${from}`,
      e.from.span,
      "Start a range from a number, a datetime or a timespan.",
    );
  }
  if (time ? to !== from : !isNumeric(to)) {
    throw ctx.error(
      `'range' cannot go from a ${from} to a ${to}`,
      e.to.span,
      `Give both bounds the same kind of value (both ${time ? `${from}s` : "numbers"}).`,
    );
  }
  if (time ? step !== "timespan" : !isNumeric(step)) {
    throw ctx.error(
      `a range of ${time ? `${from}s` : "numbers"} cannot step by a ${step}`,
      e.step.span,
      time
        ? "Step a range of datetimes or timespans by a timespan, e.g. step 1h."
        : "Step a range of numbers by a number; for a range of times, start and end it " +
          "with datetime(...) or timespan values.",
    );
  }
}

function range(e: A.RangeSource, scope: Scope, ctx: Context): Relation {
  const from = constantValue(e.from, scope, ctx, "the start of 'range'");
  const to = constantValue(e.to, scope, ctx, "the end of 'range'");
  const step = constantValue(e.step, scope, ctx, "the step of 'range'");
  const exact = [from, to, step].map((t) => t.constant!.value as number | bigint | null);
  if (exact.some((v) => v === null)) throw ctx.error("range bounds cannot be null", e.span);
  if (Number(exact[2]) === 0) throw ctx.error("the step of 'range' cannot be zero", e.step.span);
  checkRangeTypes(from.type, to.type, step.type, e, ctx);
  if (step.type === "timespan") checkMicrosecondStep(e.step, "the step of 'range'", ctx);
  const [startValue, stopValue, stepValue] = exact;
  const bounds = [
    [startValue, e.from, "start"],
    [stopValue, e.to, "end"],
    [stepValue, e.step, "step"],
  ] as const;
  for (const [value, node, what] of bounds) {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw ctx.error(
        `the ${what} of 'range' must be a finite number, not ${value}`,
        node.span,
        "real(nan) and real(+inf) cannot bound or step a range.",
      );
    }
  }
  const type: KustoType = from.type === "datetime"
    ? "datetime"
    : from.type === "timespan"
    ? "timespan"
    : from.type === "real" || to.type === "real" || step.type === "real"
    ? "real"
    : "long";
  let count: number;
  let values: Expr;
  if (type === "real") {
    const [start, stop, by] = exact.map(Number);
    count = Math.max(0, Math.floor((stop - start) / by) + 1);
    checkRange(count, e, ctx);
    values = rowIndex(count).cast(pl.Float64).mul(pl.lit(by)).add(pl.lit(start));
  } else {
    // Longs, datetimes and timespans (microseconds) in Int64, exact near 2^63: the count in
    // bigints, each value `start + i * step` computed by Polars.
    const [start, stop, by] = exact.map((v) =>
      typeof v === "bigint" ? v : BigInt(Math.trunc(v as number))
    );
    if (by === 0n) throw ctx.error("the step of 'range' cannot be zero", e.step.span);
    const span = stop - start;
    let steps = span / by;
    if (span % by !== 0n && (span < 0n) !== (by < 0n)) steps -= 1n;
    const rows = steps < 0n ? 0n : steps + 1n;
    count = Number(rows);
    checkRange(count, e, ctx);
    values = rowIndex(count).mul(int64Literal(by)).add(int64Literal(start));
    if (type === "datetime") values = values.cast(DATETIME);
    if (type === "timespan") values = values.cast(DURATION);
  }
  return {
    frame: pl.DataFrame({}).lazy().select(values.alias(e.column)),
    columns: [{ name: e.column, type }],
  };
}

/**
 * The row numbers 0 to `count - 1`, made by Polars when the plan runs (lazily, off the
 * main thread), not in JavaScript while the query compiles.
 */
function rowIndex(count: number): Expr {
  return pl.intRange(pl.lit(0).cast(pl.Int64), pl.lit(count).cast(pl.Int64), 1, pl.Int64);
}

/**
 * Fails before `range` makes its values when they would pass the memory budget. Polars
 * holds the row numbers and the values (16 bytes a row); the estimate keeps the margin of
 * the JavaScript-built range it replaced (32 bytes a row, 1.5 GB for 40 million rows), for
 * the copies the operators after it make.
 */
function checkRange(count: number, e: A.RangeSource, ctx: Context): void {
  checkMemory(ctx, "range", `${count} rows`, count * 32, e.span);
}

/** Runs a tabular expression and returns the values of its first column. */
function firstColumnValues(
  e: A.Expression,
  scope: Scope,
  ctx: Context,
): { values: JsValue[]; type: KustoType } {
  const relation = tabularOf(e, scope, ctx);
  const first = relation.columns[0];
  if (!first) return { values: [], type: "dynamic" };
  const wide = first.type === "long" || first.type === "datetime" || first.type === "timespan";
  const read = readableExpr(pl.col(first.name), first.type);
  const data = relation.frame.select(
    read.alias("v"),
    // Polars reads Int64 into JS numbers; the text keeps values beyond 2^53 exact.
    ...(wide ? [read.cast(pl.Int64).cast(pl.Utf8).alias("exact")] : []),
  ).collectSync();
  const values = seriesToJs(data.getColumn("v"), first.type);
  if (wide) {
    (data.getColumn("exact").toArray() as (string | null)[]).forEach((text, i) => {
      if (text !== null && !Number.isSafeInteger(Number(text))) values[i] = BigInt(text);
    });
  }
  return { values, type: first.type };
}

/**
 * Applies one operator and records its result on the context; an error that is not a
 * casefile error becomes one located at the operator (see compile/_failures.ts).
 */
function applyTraced(input: Relation, op: A.Operator, scope: Scope, ctx: Context): Relation {
  let relation: Relation;
  try {
    relation = applyOperator(input, op, scope, ctx);
  } catch (error) {
    throw operatorFailure(error, op, ctx);
  }
  ctx.applied.push({ operator: op, relation });
  return relation;
}

/** What operators and expressions holding a sub-query compile it with (see `Context.compiler`). */
const QUERY_COMPILER: QueryCompiler = {
  tabularOf,
  applyOperator: applyTraced,
  firstColumnValues,
};

/** Collects a relation into a frame with Kusto's dtypes. */
export function collect(relation: Relation): DataFrame {
  return relation.frame.select(...relation.columns.map((c) => pl.col(c.name))).collectSync();
}

/**
 * {@link collect} on Polars' thread pool, leaving the event loop free meanwhile. Ctrl-C (the
 * interrupt flag, raised by another thread) ends the wait at once with an
 * {@link InterruptedError}: Polars cannot stop a plan it runs, so the work goes on in the
 * background and its result is dropped, but the prompt comes back.
 */
export function collectAsync(relation: Relation): Promise<DataFrame> {
  checkInterrupt();
  const work = relation.frame.select(...relation.columns.map((c) => pl.col(c.name))).collect();
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (!interrupted()) return;
      clearInterval(poll);
      reject(new InterruptedError());
    }, INTERRUPT_POLL_MS);
    work.then(resolve, reject).finally(() => clearInterval(poll));
  });
}

/** How often a query waiting on Polars looks at the interrupt flag. */
const INTERRUPT_POLL_MS = 25;
