/**
 * Compiling scalar KQL expressions to Polars expressions, with Kusto's types and rules:
 * literals, names, function calls, `let` bindings, and the operators (`and`, `or`, `in`,
 * `between`, members); the binary operators themselves are in `_binary_operators.ts` and
 * the conversions in `_conversion.ts`.
 *
 * @module
 */
import { DURATION, type Expr, pl } from "../../polars.ts";
import { type KustoType, kustoTypeFromName } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import { closestNames } from "../../errors.ts";
import {
  canonicalJsonOf,
  constant,
  type ExprEnv,
  jsonStringsOf,
  pairKeysOf,
  type Relation,
  Scope,
  type Typed,
} from "./_context.ts";
import { AGGREGATE_FUNCTIONS, type CallSite, SCALAR_FUNCTIONS } from "../functions/_registry.ts";
import { excludedFunctionError } from "../functions/_excluded.ts";
import {
  exactInteger as exactIntegerOf,
  int64Literal,
  jsToExpr,
  jsToSeries,
  type JsValue,
  kustoToString,
  parseJsonKeepingReals,
  seriesToJs,
} from "../runtime/_values.ts";
import {
  convert,
  convertJs,
  dynamicText,
  isNumeric,
  toBool,
  toStringTyped,
} from "./_conversion.ts";
import { arithmetic, binaryOperator, comparison, fold } from "./_binary_operators.ts";
import { bindArguments } from "./_arguments.ts";
import { dynamicGet, nativeMember } from "./_dynamic_native.ts";
import { rawJsonOf } from "./_raw_json.ts";

/** Compiles a scalar expression. */
export function compileExpr(e: A.Expression, env: ExprEnv): Typed {
  switch (e.kind) {
    case "literal":
      return literal(e);
    case "name":
      return name(e, env);
    case "paren":
      return compileExpr(e.expression, env);
    case "call":
      return call(e, env);
    case "binary":
      return binary(e, env);
    case "unary":
      return unary(e, env);
    case "in":
      return inExpression(e, env);
    case "between":
      return between(e, env);
    case "member":
      return member(e, env, { kind: "literal", type: "string", value: e.name, span: e.span });
    case "index":
      return member(e, env, e.index);
    case "star":
      throw env.ctx.error("'*' is not a value here", e.span);
    case "pipe":
    case "datatable":
    case "print":
    case "range":
    case "union-source":
    case "search-source":
    case "find":
    case "scoped-table":
    case "missing-input":
      throw env.ctx.error(
        "a tabular expression is used where a scalar value is expected",
        e.span,
        "Wrap it in toscalar(...) to use its first value.",
      );
  }
}

function literal(e: A.Literal): Typed {
  const v = e.value;
  if (e.type === "dynamic" && e.json !== undefined) {
    return { expr: pl.lit(e.json), type: "dynamic", constant: { value: v } };
  }
  if (typeof v === "bigint" && (e.type === "long" || e.type === "int")) {
    // A constant holds a long as a JS number; one beyond 2^53 stays an exact Int64 literal
    // (as foldNative does), so comparisons and arithmetic on it run exactly in Polars.
    if (Number.isSafeInteger(Number(v))) return constant(Number(v), e.type);
    if (e.type === "long" && v >= INT64_MIN && v <= INT64_MAX) {
      return { expr: int64Literal(v), type: "long" };
    }
  }
  const value = typeof v === "bigint" ? Number(v) : v;
  return constant(value ?? null, e.type);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function name(e: A.NameRef, env: ExprEnv): Typed {
  const column = env.columns?.get(e.name);
  if (column !== undefined) {
    const expr = pl.col(e.name);
    // JSON strings (an expanded list of strings) read natively as strings (issue 22).
    const json = jsonStringsOf(env.columns, e.name);
    // Text the engine wrote canonically (`make_list`'s): `tostring()` reads it as it is.
    if (!json && canonicalJsonOf(env.columns, e.name)) {
      return { expr, type: column, canonicalJson: true };
    }
    if (!json) {
      // A scanned NDJSON table's nested column: its Polars text, for path reads.
      const raw = column === "dynamic" ? rawJsonOf(env.columns, e.name) : undefined;
      return raw === undefined
        ? { expr, type: column }
        : { expr, type: column, rawJson: pl.col(raw) };
    }
    // An expanded column's `tostring(F[0])`, written beside it (a pair's key, an element's).
    const keys = pairKeysOf(env.columns, e.name);
    const pairKey = keys ? { pairKey: pl.col(keys) } : {};
    if (!json.onlyStrings) {
      // Any JSON value (element texts): `tostring()` of each is beside it while the column
      // is there; it is no string to collect (`make_list`) or compare as one.
      const text = json.strings ? { stringText: pl.col(json.strings) } : {};
      return { expr, type: column, ...text, ...pairKey };
    }
    const strings = json.strings ? pl.col(json.strings) : expr.str.jsonPathMatch("$");
    return { expr, type: column, jsonString: strings, ...pairKey };
  }
  const binding = env.scope.get(e.name);
  if (binding?.kind === "scalar") return binding.value;
  if (binding?.kind === "function") {
    return callFunction(binding, { kind: "call", name: e.name, args: [], span: e.span }, env);
  }
  if (binding?.kind === "tabular" || env.ctx.tables.has(e.name)) {
    throw env.ctx.error(`'${e.name}' is a table, not a value`, e.span);
  }
  const candidates = [...(env.columns?.keys() ?? []), ...env.scope.names()];
  const close = closestNames(e.name, candidates);
  const where = env.columns ? "column or name" : "name";
  throw env.ctx.error(
    `Unknown ${where} '${e.name}'` + (close.length ? `. Did you mean '${close[0]}'?` : ""),
    e.span,
    env.columns && env.columns.size > 0
      ? `Columns here: ${[...env.columns.keys()].slice(0, 15).join(", ")}`
      : undefined,
  );
}

function call(e: A.Call, env: ExprEnv): Typed {
  const binding = env.scope.get(e.name);
  if (binding?.kind === "function") return callFunction(binding, e, env);
  // typeof(long) names a type (used by extract(), mv-expand ... to typeof()).
  if (e.name === "typeof" && e.args.length === 1 && e.args[0].kind === "name") {
    const type = kustoTypeFromName(e.args[0].name);
    if (type && !env.columns?.has(e.args[0].name)) return constant(type, "string");
  }
  if (e.name === "toscalar") {
    if (e.args.length !== 1) throw env.ctx.error("toscalar() takes one argument", e.span);
    if (!isTabular(e.args[0], env.scope, env)) return compileExpr(e.args[0], env);
    const { values, type } = env.ctx.compiler.firstColumnValues(e.args[0], env.scope, env.ctx);
    // A 64-bit value beyond 2^53 comes back as a bigint: an exact Int64 literal, as a
    // literal that large compiles (constants hold JS numbers).
    if (typeof values[0] === "bigint") return { expr: jsToExpr(values[0], type), type };
    return constant(values[0] ?? null, type);
  }
  const fn = SCALAR_FUNCTIONS.get(e.name);
  if (!fn) {
    if (AGGREGATE_FUNCTIONS.has(e.name)) {
      throw env.ctx.error(
        `${e.name}() is an aggregate function; it can only be used in summarize`,
        e.span,
      );
    }
    const excluded = excludedFunctionError(e.name, e.span, env.ctx);
    if (excluded) throw excluded;
    const close = closestNames(e.name, [...SCALAR_FUNCTIONS.keys()]);
    const didYouMean = close.length
      ? `Did you mean ${close.map((c) => `${c}()`).join(" or ")}?`
      : undefined;
    // Every function of Kusto.Language is supported or refused by name (official_names_test),
    // so any other name is a typo or a workspace function (a saved query or parser such as
    // _GetWatchlist or imAuthentication): Kusto itself knows only the latter, by workspace.
    if (/^_|^(?:im|ASim|vim)[A-Z]/.test(e.name)) {
      throw env.ctx.unsupported(
        `The workspace function '${e.name}()'`,
        e.span,
        didYouMean ??
          "Define it with a let statement before the query, or run the query against Sentinel.",
      );
    }
    throw env.ctx.error(
      `Unknown function '${e.name}()'${didYouMean ? `. ${didYouMean}` : ""}`,
      e.span,
      "Check the function's name in the KQL reference, or define it with a let statement.",
    );
  }
  if (e.args.length < fn.minArgs || e.args.length > fn.maxArgs) {
    const expected = fn.minArgs === fn.maxArgs
      ? `${fn.minArgs}`
      : fn.maxArgs === Infinity
      ? `at least ${fn.minArgs}`
      : `${fn.minArgs} to ${fn.maxArgs}`;
    throw env.ctx.error(
      `${e.name}() takes ${expected} argument(s), not ${e.args.length}`,
      e.span,
    );
  }
  const site: CallSite = { env, call: e, compile: (x) => compileExpr(x, env) };
  return fn.compile(fn.rawArgs ? [] : e.args.map((a) => compileExpr(a, env)), site);
}

/** Inlines a user function: parameters bound to the arguments' compiled values. */
export function callFunction(
  binding: { definition: A.FunctionDefinition; scope: Scope },
  call: A.Call,
  env: ExprEnv,
): Typed {
  const { definition } = binding;
  const { name: fname, span } = call;
  const scope = new Scope(binding.scope);
  const args = bindArguments(definition.parameters, call, env.ctx);
  definition.parameters.forEach((p, i) => {
    const arg = args[i];
    if (p.tabular) {
      const relation = env.ctx.compiler.tabularOf(arg, env.scope, env.ctx);
      scope.set(p.name, { kind: "tabular", get: () => relation });
    } else {
      const value = compileExpr(arg, env);
      scope.set(p.name, { kind: "scalar", value: p.type ? convert(value, p.type, env) : value });
    }
  });
  const inner = env.withScope(scope);
  let result: Typed | undefined;
  env.ctx.expanding(definition, fname, span, () => {
    for (const statement of definition.body) {
      if (statement.kind === "let") bindLet(statement, inner);
      else if (statement.kind === "expression") result = compileExpr(statement.expression, inner);
    }
  });
  if (!result) throw env.ctx.error(`${fname}() has no result expression`, span);
  return result;
}

/** Binds a `let` statement in `env.scope`. */
export function bindLet(statement: A.LetStatement, env: ExprEnv): void {
  const { value } = statement;
  if (value.kind === "function") {
    env.scope.set(statement.name, { kind: "function", definition: value, scope: env.scope });
    return;
  }
  if (isTabular(value, env.scope, env)) {
    const scope = env.scope;
    let memo: Relation | undefined;
    env.scope.set(statement.name, {
      kind: "tabular",
      get: () =>
        memo ??= env.ctx.expanding(
          statement,
          statement.name,
          statement.span,
          () => env.ctx.compiler.tabularOf(value, scope, env.ctx),
        ),
    });
    return;
  }
  env.scope.set(statement.name, { kind: "scalar", value: letValue(compileExpr(value, env), env) });
}

/**
 * A `let` value outside any table, computed now when it waits for row-by-row work: its
 * pending column exists only in the frame its own environment materialises, which no
 * later statement reads (a long past 2^53 stops constant folding of such a call).
 */
function letValue(value: Typed, env: ExprEnv): Typed {
  if (value.constant || env.columns || !env.hasPending) return value;
  const one = env.materialise(pl.DataFrame({ __row: [0] }).lazy());
  const series = one.select(value.expr.alias("v")).collectSync().getColumn("v");
  const raw = series.get(0);
  if (typeof raw === "bigint" && !Number.isSafeInteger(Number(raw))) {
    return { expr: pl.lit(series), type: value.type };
  }
  // A dynamic value keeps its text, as a dynamic literal does: its numbers stay exact.
  if (value.type === "dynamic" && typeof raw === "string") {
    return { expr: pl.lit(raw), type: "dynamic", constant: { value: parseJsonKeepingReals(raw) } };
  }
  return constant(seriesToJs(series, value.type)[0], value.type);
}

/** Whether an expression is tabular (a table, a pipeline, a tabular function...). */
export function isTabular(e: A.Expression, scope: Scope, env: ExprEnv): boolean {
  switch (e.kind) {
    case "pipe":
    case "datatable":
    case "print":
    case "range":
    case "union-source":
    case "search-source":
    case "find":
    case "scoped-table":
    case "missing-input":
      return true;
    case "paren":
      return isTabular(e.expression, scope, env);
    case "name": {
      const binding = scope.get(e.name);
      if (binding) {
        if (binding.kind === "function") {
          return env.ctx.expanding(
            binding.definition,
            e.name,
            e.span,
            () => isTabularBody(binding.definition, binding.scope, env),
          );
        }
        return binding.kind === "tabular";
      }
      return env.ctx.tables.has(e.name);
    }
    case "call": {
      const binding = scope.get(e.name);
      if (binding?.kind === "function") {
        return env.ctx.expanding(
          binding.definition,
          e.name,
          e.span,
          () => isTabularBody(binding.definition, binding.scope, env),
        );
      }
      return ["materialize", "view", "externaldata", "_GetWatchlist", "table"].includes(e.name);
    }
    default:
      return false;
  }
}

function isTabularBody(definition: A.FunctionDefinition, scope: Scope, env: ExprEnv): boolean {
  const last = definition.body.at(-1);
  if (!last || last.kind !== "expression") return false;
  const inner = new Scope(scope);
  for (const p of definition.parameters) {
    if (p.tabular) inner.set(p.name, { kind: "tabular", get: () => undefined as never });
    else inner.set(p.name, { kind: "scalar", value: constant(null, p.type ?? "dynamic") });
  }
  for (const statement of definition.body) {
    if (statement.kind === "let") {
      const v = statement.value;
      if (v.kind === "function") {
        inner.set(statement.name, { kind: "function", definition: v, scope: inner });
      } else if (isTabular(v, inner, env)) {
        inner.set(statement.name, {
          kind: "tabular",
          get: () => undefined as never,
        });
      } else inner.set(statement.name, { kind: "scalar", value: constant(null, "dynamic") });
    }
  }
  return isTabular(last.expression, inner, env);
}

// ---------------------------------------------------------------- operators

function unary(e: A.Unary, env: ExprEnv): Typed {
  const operand = compileExpr(e.operand, env);
  if (e.op === "+") return operand;
  // -9223372036854775808: the digits alone are beyond Int64, their negation is its minimum.
  if (e.operand.kind === "literal" && e.operand.value === -INT64_MIN) {
    return { expr: int64Literal(INT64_MIN), type: "long" };
  }
  if (isNumeric(operand.type)) {
    return fold(
      { expr: operand.expr.mul(-1), type: operand.type },
      [operand],
      (v) => -(v as number),
    );
  }
  if (operand.type === "timespan") {
    return {
      expr: operand.expr.cast(pl.Int64).mul(-1).cast(DURATION),
      type: "timespan",
      constant: operand.constant
        ? { value: operand.constant.value === null ? null : -(operand.constant.value as number) }
        : undefined,
    };
  }
  throw env.ctx.error(`cannot negate a value of type ${operand.type}`, e.span);
}

function binary(e: A.Binary, env: ExprEnv): Typed {
  const op = e.op;
  if (op === "and" || op === "or") {
    const left = toBool(compileExpr(e.left, env), e.left, env);
    const right = toBool(compileExpr(e.right, env), e.right, env);
    const expr = op === "and" ? left.expr.and(right.expr) : left.expr.or(right.expr);
    if (left.constant && right.constant) {
      const a = left.constant.value as boolean | null;
      const b = right.constant.value as boolean | null;
      const value = op === "and"
        ? (a === false || b === false ? false : a === null || b === null ? null : true)
        : (a === true || b === true ? true : a === null || b === null ? null : false);
      return constant(value, "bool");
    }
    return { expr, type: "bool" };
  }
  const left = compileExpr(e.left, env);
  const right = compileExpr(e.right, env);
  return binaryOperator(op, left, right, e, env);
}

function inExpression(e: A.InExpression, env: ExprEnv): Typed {
  const left = compileExpr(e.left, env);
  const items: Array<{ value: JsValue; type: KustoType }> = [];
  for (const item of e.values) {
    if (isTabular(item, env.scope, env)) {
      const result = env.ctx.compiler.firstColumnValues(item, env.scope, env.ctx);
      items.push(...result.values.map((value) => ({ value, type: result.type })));
      continue;
    }
    const v = compileExpr(item, env);
    const exact = v.constant ? undefined : exactLong(v);
    if (exact !== undefined) {
      items.push({ value: exact, type: "long" });
      continue;
    }
    if (!v.constant) {
      throw env.ctx.error("the values of 'in' must be constants or a subquery", item.span);
    }
    if (v.type === "dynamic" && Array.isArray(v.constant.value)) {
      // A dynamic literal's text keeps its longs beyond 2^53 (the constant holds numbers).
      const json = item.kind === "literal" && item.json !== undefined ? item.json : constantText(v);
      const elements = json !== undefined
        ? exactElements(json) ?? v.constant.value
        : v.constant.value;
      items.push(...elements.map((value) => ({ value, type: v.type })));
    } else items.push({ value: v.constant.value, type: v.type });
  }
  const ci = e.caseInsensitive;
  let l = left;
  if (left.type === "dynamic") l = toStringTyped(left, env);
  // Each value meets the left side as in `==`: a literal takes the left side's type.
  const text = l.type === "string" || l.type === "guid";
  const target: KustoType = text ? "string" : isNumeric(l.type) ? "real" : l.type;
  // A long side takes numbers as they are (bigints exact; a fraction matches no long).
  const integral = l.type === "long" || l.type === "int";
  const values = items.map(({ value, type }) =>
    text
      ? (value === null ? null : kustoToString(value, type))
      : integral && (typeof value === "number" || typeof value === "bigint")
      ? value
      : convertJs(value, type, integral ? "long" : target)
  ).filter((v) => v !== null);
  if (values.length === 0 || (integral && !values.some((v) => exactInteger(v) !== undefined))) {
    // Nothing to find (only nulls, or values no long equals): false, null for a null left
    // side as with a non-empty list. Polars types an empty list as List(Float64), which
    // strings and bools refuse, and may fold `is_in([])` to false in `where`.
    return fold(
      {
        expr: pl.when(l.expr.isNull()).then(pl.lit(null).cast(pl.Bool)).otherwise(
          pl.lit(e.negated === true),
        ),
        type: "bool",
      },
      [l],
      () => e.negated === true,
    );
  }
  let expr: Expr;
  if (text) {
    const texts = (values as string[]).map((v) => ci ? v.toLowerCase() : v);
    expr = (ci ? l.expr.str.toLowerCase() : l.expr).isIn(texts);
  } else if (integral) {
    // Longs compare exactly in Int64 (a Float64 holds them only to 2^53); a value with a
    // fraction never equals a long.
    const integers = values.map(exactInteger).filter((v) => v !== undefined);
    expr = l.expr.cast(pl.Int64).isIn(pl.lit(jsToSeries("in", integers, "long")));
    return fold({ expr: e.negated ? expr.not() : expr, type: "bool" }, [l], (a) => {
      const found = integers.some((v) => BigInt(v as number | bigint) === BigInt(a as number));
      return e.negated ? !found : found;
    });
  } else if (isNumeric(l.type)) {
    expr = l.expr.cast(pl.Float64).isIn(values.map((v) => Number(v)));
  } else if (l.type === "datetime" || l.type === "timespan") {
    expr = l.expr.cast(pl.Int64).isIn(values);
  } else {
    expr = l.expr.isIn(values);
  }
  if (e.negated) expr = expr.not();
  return fold({ expr, type: "bool" }, [l], (a) => {
    const found = values.some((v) =>
      // A subquery's datetime or timespan beyond 2^53 microseconds comes back as a bigint.
      ci
        ? String(v).toLowerCase() === String(a).toLowerCase()
        : (typeof v === "bigint" ? Number(v) === a : v === a)
    );
    return e.negated ? !found : found;
  });
}

/** The exact value of a long that reads no column (a literal beyond 2^53), else undefined. */
function exactLong(v: Typed): bigint | null | undefined {
  if (v.type !== "long") return undefined;
  try {
    return exactIntegerOf(v.expr);
  } catch {
    return undefined;
  }
}

/**
 * The JSON text a constant dynamic value is held as (a `let` of a dynamic literal), so
 * `in (ids)` keeps its longs beyond 2^53 as `in (dynamic([...]))` does; else undefined.
 */
function constantText(v: Typed): string | undefined {
  try {
    const text = pl.select(v.expr.alias("v")).getColumn("v").get(0);
    if (typeof text !== "string") return undefined;
    JSON.parse(text); // text that is no JSON is no dynamic literal
    return text;
  } catch {
    return undefined;
  }
}

/** The elements of a dynamic array literal's JSON text, longs beyond 2^53 as bigints. */
function exactElements(json: string): JsValue[] | undefined {
  const value = JSON.parse(
    json,
    (_key, x, context?: { source?: string }) =>
      typeof x === "number" && !Number.isSafeInteger(x) && context?.source &&
        /^-?[0-9]+$/.test(context.source)
        ? BigInt(context.source)
        : x,
  );
  return Array.isArray(value) ? value : undefined;
}

/** A value of `in`'s list as an exact integer (bigint or safe number), undefined if none. */
function exactInteger(v: JsValue): number | bigint | undefined {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) {
    return Number.isSafeInteger(v) ? v : undefined;
  }
  return undefined;
}

function between(e: A.BetweenExpression, env: ExprEnv): Typed {
  const left = compileExpr(e.left, env);
  const low = compileExpr(e.low, env);
  let high = compileExpr(e.high, env);
  // `datetime between (start .. 1d)`: a timespan upper bound is relative to the lower.
  if (left.type === "datetime" && low.type === "datetime" && high.type === "timespan") {
    high = arithmetic("+", low, high, {
      kind: "binary",
      op: "+",
      left: e.low,
      right: e.high,
      span: e.span,
    }, env);
  }
  const ge = comparison(">=", left, low, {
    kind: "binary",
    op: ">=",
    left: e.left,
    right: e.low,
    span: e.span,
  }, env);
  const le = comparison("<=", left, high, {
    kind: "binary",
    op: "<=",
    left: e.left,
    right: e.high,
    span: e.span,
  }, env);
  let expr = ge.expr.and(le.expr);
  if (e.negated) expr = expr.not();
  return fold({ expr, type: "bool" }, [left, low, high], (a, b, c) => {
    const inside = (a as number) >= (b as number) && (a as number) <= (c as number);
    return e.negated ? !inside : inside;
  });
}

function member(e: A.Member | A.IndexExpression, env: ExprEnv, key: A.Expression): Typed {
  if (e.kind === "member" && e.object.kind === "name" && e.object.name.startsWith("$")) {
    throw env.ctx.error(`${e.object.name}.${e.name} can only be used in join conditions`, e.span);
  }
  const object = compileExpr(e.object, env);
  const index = compileExpr(key, env);
  if (object.type !== "dynamic") {
    throw env.ctx.error(`cannot index into a value of type ${object.type}`, e.span);
  }
  // A constant key on a column: a JSON path Polars can read (`tostring(d.a.b)`).
  const native = nativeMember(object, e.object, index, env);
  if (native) return native;
  // Read from the text, so that a real written 118.0 is still one when taken out.
  return env.rowwise(
    [dynamicText(object), index],
    "dynamic",
    ([o, k]) => o === null ? null : dynamicGet(parseJsonKeepingReals(o as string), k),
  );
}
