/**
 * Compiling scalar KQL expressions to Polars expressions, with Kusto's types and rules.
 *
 * @module
 */
import { DATETIME, DURATION, type Expr, pl } from "../polars.ts";
import { type KustoType, kustoTypeFromName } from "../schema/types.ts";
import type * as A from "./ast.ts";
import { closestNames } from "../errors.ts";
import { constant, type Context, type ExprEnv, type Relation, Scope, type Typed } from "./_env.ts";
import { AGGREGATE_FUNCTIONS, type CallSite, SCALAR_FUNCTIONS } from "./functions/_registry.ts";
import { type JsValue, kustoToString } from "./_values.ts";
import { readDatetime, readTimespan } from "./_literals.ts";
import { hasTermPattern, regexEscape } from "./_text.ts";
import { jsRegex, rustRegexSource } from "./_regex.ts";

/** Compiles tabular expressions; set by the query compiler (they depend on each other). */
export interface TabularCompiler {
  tabular(expression: A.Expression, scope: Scope, ctx: Context): Relation;
  /** Runs a tabular expression now and returns its first column's values. */
  values(
    expression: A.Expression,
    scope: Scope,
    ctx: Context,
  ): { values: JsValue[]; type: KustoType };
}

let tabularCompiler: TabularCompiler | undefined;

/** Connects the tabular compiler (called once by the query compiler). */
export function setTabularCompiler(compiler: TabularCompiler): void {
  tabularCompiler = compiler;
}

/** The tabular compiler. */
export function tabular(): TabularCompiler {
  return tabularCompiler!;
}

const NUMERIC = new Set<KustoType>(["int", "long", "real", "decimal"]);

/** Whether `type` is a number type. */
export function isNumeric(type: KustoType): boolean {
  return NUMERIC.has(type);
}

/** The type of arithmetic between two numbers. */
export function numericType(a: KustoType, b: KustoType): KustoType {
  if (a === "real" || b === "real" || a === "decimal" || b === "decimal") return "real";
  if (a === "long" || b === "long") return "long";
  return "int";
}

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
      throw env.ctx.error(
        "a tabular expression is used where a scalar value is expected",
        e.span,
        "Wrap it in toscalar(...) to use its first value.",
      );
  }
}

function literal(e: A.Literal): Typed {
  const v = e.value;
  const value = typeof v === "bigint" ? Number(v) : v;
  return constant(value ?? null, e.type);
}

function name(e: A.NameRef, env: ExprEnv): Typed {
  const column = env.columns?.get(e.name);
  if (column !== undefined) return { expr: pl.col(e.name), type: column };
  const binding = env.scope.get(e.name);
  if (binding?.kind === "scalar") return binding.value;
  if (binding?.kind === "function") {
    return callFunction(binding, [], e.span, env, e.name);
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
  if (binding?.kind === "function") return callFunction(binding, e.args, e.span, env, e.name);
  // typeof(long) names a type (used by extract(), mv-expand ... to typeof()).
  if (e.name === "typeof" && e.args.length === 1 && e.args[0].kind === "name") {
    const type = kustoTypeFromName(e.args[0].name);
    if (type && !env.columns?.has(e.args[0].name)) return constant(type, "string");
  }
  if (e.name === "toscalar") {
    if (e.args.length !== 1) throw env.ctx.error("toscalar() takes one argument", e.span);
    if (!isTabular(e.args[0], env.scope, env)) return compileExpr(e.args[0], env);
    const { values, type } = tabular().values(e.args[0], env.scope, env.ctx);
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
    const close = closestNames(e.name, [...SCALAR_FUNCTIONS.keys()]);
    throw env.ctx.unsupported(
      `The function '${e.name}()'`,
      e.span,
      close.length ? `Did you mean ${close.map((c) => `${c}()`).join(" or ")}?` : undefined,
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
  return fn.compile(e.args.map((a) => compileExpr(a, env)), site);
}

/** Inlines a user function: parameters bound to the arguments' compiled values. */
export function callFunction(
  binding: { definition: A.FunctionDefinition; scope: Scope },
  args: readonly A.Expression[],
  span: A.Span,
  env: ExprEnv,
  fname: string,
): Typed {
  const { definition } = binding;
  const scope = new Scope(binding.scope);
  definition.parameters.forEach((p, i) => {
    const arg = args[i] ?? p.defaultValue;
    if (!arg) throw env.ctx.error(`${fname}() needs a value for parameter '${p.name}'`, span);
    if (p.tabular) {
      const relation = tabular().tabular(arg, env.scope, env.ctx);
      scope.set(p.name, { kind: "tabular", get: () => relation });
    } else {
      const value = compileExpr(arg, env);
      scope.set(p.name, { kind: "scalar", value: p.type ? convert(value, p.type, env) : value });
    }
  });
  const inner = env.withScope(scope);
  let result: Typed | undefined;
  for (const statement of definition.body) {
    if (statement.kind === "let") bindLet(statement, inner);
    else if (statement.kind === "expression") result = compileExpr(statement.expression, inner);
  }
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
      get: () => memo ??= tabular().tabular(value, scope, env.ctx),
    });
    return;
  }
  env.scope.set(statement.name, { kind: "scalar", value: compileExpr(value, env) });
}

/** Whether an expression is tabular (a table, a pipeline, a tabular function...). */
export function isTabular(e: A.Expression, scope: Scope, env: ExprEnv): boolean {
  switch (e.kind) {
    case "pipe":
    case "datatable":
    case "print":
    case "range":
    case "union-source":
      return true;
    case "paren":
      return isTabular(e.expression, scope, env);
    case "name": {
      const binding = scope.get(e.name);
      if (binding) {
        if (binding.kind === "function") {
          return isTabularBody(binding.definition, binding.scope, env);
        }
        return binding.kind === "tabular";
      }
      return env.ctx.tables.has(e.name);
    }
    case "call": {
      const binding = scope.get(e.name);
      if (binding?.kind === "function") {
        return isTabularBody(binding.definition, binding.scope, env);
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

// ---------------------------------------------------------------- conversions

/** `value` converted to `type` (as the to*() functions do). */
export function convert(value: Typed, type: KustoType, env: ExprEnv): Typed {
  if (value.type === type) return value;
  if (type === "string") return toStringTyped(value, env);
  if (isNumeric(type) && (isNumeric(value.type) || value.type === "bool")) {
    const target = type === "int" ? pl.Int32 : type === "long" ? pl.Int64 : pl.Float64;
    return { expr: value.expr.cast(target), type, constant: value.constant };
  }
  if (type === "guid" && value.type === "string") return { ...value, type };
  return env.rowwise([value], type, ([v]) => convertJs(v, value.type, type));
}

/** Converts a JS value between Kusto types, null when it does not convert. */
export function convertJs(v: JsValue, from: KustoType, to: KustoType): JsValue {
  if (v === null || v === undefined) return null;
  const text = from === "dynamic"
    ? (typeof v === "string" ? v : JSON.stringify(v))
    : kustoToString(v, from);
  switch (to) {
    case "string":
      return kustoToString(v, from);
    case "long":
    case "int": {
      if (typeof v === "number") return Number.isFinite(v) ? Math.trunc(v) : null;
      if (typeof v === "boolean") return v ? 1 : 0;
      const n = Number(text.trim());
      return text.trim() !== "" && Number.isFinite(n) ? Math.trunc(n) : null;
    }
    case "real":
    case "decimal": {
      if (typeof v === "number") return v;
      if (typeof v === "boolean") return v ? 1 : 0;
      const t = text.trim().toLowerCase();
      if (t === "nan") return NaN;
      if (t === "inf" || t === "+inf" || t === "infinity") return Infinity;
      if (t === "-inf" || t === "-infinity") return -Infinity;
      const n = Number(t);
      return t !== "" && !Number.isNaN(n) ? n : null;
    }
    case "bool": {
      if (typeof v === "boolean") return v;
      if (typeof v === "number") return v !== 0;
      const t = text.trim().toLowerCase();
      return t === "true" || t === "1" ? true : t === "false" || t === "0" ? false : null;
    }
    case "datetime": {
      if (from === "datetime") return v;
      const micros = from === "string" || from === "dynamic" ? readDatetime(text) : undefined;
      return micros === undefined ? null : Number(micros);
    }
    case "timespan": {
      if (from === "timespan") return v;
      const micros = from === "string" || from === "dynamic" ? readTimespan(text) : undefined;
      return micros === undefined ? null : Number(micros);
    }
    case "guid":
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)
        ? text.toLowerCase()
        : null;
    case "dynamic":
      return v;
    default:
      return v;
  }
}

/** Kusto's tostring() of any typed value. */
export function toStringTyped(value: Typed, env: ExprEnv): Typed {
  if (value.type === "string") return value;
  if (value.type === "guid") {
    return { ...value, type: "string", expr: value.expr.fillNull(pl.lit("")) };
  }
  if (value.type === "long" || value.type === "int") {
    return {
      expr: value.expr.cast(pl.Utf8).fillNull(pl.lit("")),
      type: "string",
      constant: value.constant
        ? { value: kustoToString(value.constant.value, value.type) }
        : undefined,
    };
  }
  return env.rowwise([value], "string", ([v]) => kustoToString(v, value.type));
}

// ---------------------------------------------------------------- operators

function unary(e: A.Unary, env: ExprEnv): Typed {
  const operand = compileExpr(e.operand, env);
  if (e.op === "+") return operand;
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

function fold(result: Typed, inputs: Typed[], fn: (...v: JsValue[]) => JsValue): Typed {
  if (!inputs.every((i) => i.constant)) return result;
  const values = inputs.map((i) => i.constant!.value);
  const value = values.some((v) => v === null) ? null : fn(...values);
  return constant(value, result.type);
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
  switch (op) {
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return arithmetic(op, left, right, e, env);
    case "==":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      return comparison(op, left, right, e, env);
    case "=~":
    case "!~": {
      const l = toStringTyped(left, env);
      const r = toStringTyped(right, env);
      const eq = l.expr.str.toLowerCase().eq(r.expr.str.toLowerCase());
      return stringPredicate(op === "=~" ? eq : eq.not(), [l, r], (a, b) => {
        const same = String(a).toLowerCase() === String(b).toLowerCase();
        return op === "=~" ? same : !same;
      });
    }
    case "matches regex": {
      const l = toStringTyped(left, env);
      if (!right.constant) {
        return env.rowwise([l, right], "bool", ([a, b]) => jsRegex(String(b)).test(String(a)));
      }
      const pattern = String(right.constant.value);
      let source: string;
      try {
        source = rustRegexSource(pattern);
      } catch (error) {
        throw env.ctx.error(
          `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`,
          e.right.span,
        );
      }
      return stringPredicate(
        l.expr.str.contains(source),
        [l, right],
        (a) => jsRegex(pattern).test(String(a)),
      );
    }
    default:
      return stringOperator(op, left, right, e, env);
  }
}

function stringPredicate(expr: Expr, inputs: Typed[], fn: (...v: JsValue[]) => boolean): Typed {
  return fold({ expr, type: "bool" }, inputs, fn);
}

/** A bool-typed value, or an error naming the expression. */
export function toBool(value: Typed, e: A.Expression, env: ExprEnv): Typed {
  if (value.type === "bool") return value;
  if (value.type === "dynamic") return convert(value, "bool", env);
  throw env.ctx.error(`expected a bool value, but this is ${value.type}`, e.span);
}

function arithmetic(op: string, left: Typed, right: Typed, e: A.Binary, env: ExprEnv): Typed {
  const lt = left.type;
  const rt = right.type;
  const micros = (t: Typed) => t.expr.cast(pl.Int64);
  if (isNumeric(lt) && isNumeric(rt)) {
    // Kusto: real if either side is real, else long (int + int is long too).
    const type: KustoType = numericType(lt, rt) === "real" ? "real" : "long";
    const integral = type === "long";
    const target = integral ? pl.Int64 : pl.Float64;
    const l = left.expr.cast(target);
    const r = right.expr.cast(target);
    let expr: Expr;
    switch (op) {
      case "+":
        expr = l.add(r);
        break;
      case "-":
        expr = l.sub(r);
        break;
      case "*":
        expr = l.mul(r);
        break;
      case "/":
        expr = integral
          ? pl.when(r.eq(0)).then(pl.lit(null)).otherwise(
            l.cast(pl.Float64).div(r.cast(pl.Float64)),
          ).cast(pl.Int64)
          : l.div(r);
        break;
      default:
        // Kusto's modulo is never negative: 0 <= N % D < abs(D).
        expr = integral
          ? pl.when(r.eq(0)).then(pl.lit(null)).otherwise(l.modulo(r.abs()))
          : l.modulo(r.abs());
    }
    return fold({ expr: expr.cast(target), type }, [left, right], (a, b) => {
      const x = a as number;
      const y = b as number;
      switch (op) {
        case "+":
          return x + y;
        case "-":
          return x - y;
        case "*":
          return x * y;
        case "/":
          return integral ? (y === 0 ? null : Math.trunc(x / y)) : x / y;
        default:
          return integral && y === 0 ? null : ((x % y) + Math.abs(y)) % Math.abs(y);
      }
    });
  }
  const time = (type: KustoType, expr: Expr, fn: (a: number, b: number) => number): Typed =>
    fold(
      { expr: expr.cast(type === "datetime" ? DATETIME : DURATION), type },
      [left, right],
      (a, b) => fn(a as number, b as number),
    );
  if (op === "-" && lt === "datetime" && rt === "datetime") {
    return time("timespan", micros(left).sub(micros(right)), (a, b) => a - b);
  }
  if ((op === "+" || op === "-") && lt === "datetime" && rt === "timespan") {
    const expr = op === "+" ? micros(left).add(micros(right)) : micros(left).sub(micros(right));
    return time("datetime", expr, (a, b) => (op === "+" ? a + b : a - b));
  }
  if (op === "+" && lt === "timespan" && rt === "datetime") {
    return time("datetime", micros(left).add(micros(right)), (a, b) => a + b);
  }
  if ((op === "+" || op === "-") && lt === "timespan" && rt === "timespan") {
    const expr = op === "+" ? micros(left).add(micros(right)) : micros(left).sub(micros(right));
    return time("timespan", expr, (a, b) => (op === "+" ? a + b : a - b));
  }
  if (op === "*" && lt === "timespan" && isNumeric(rt)) {
    return time(
      "timespan",
      micros(left).cast(pl.Float64).mul(right.expr).cast(pl.Int64),
      (a, b) => Math.trunc(a * b),
    );
  }
  if (op === "*" && isNumeric(lt) && rt === "timespan") {
    return time(
      "timespan",
      micros(right).cast(pl.Float64).mul(left.expr).cast(pl.Int64),
      (a, b) => Math.trunc(a * b),
    );
  }
  if (op === "/" && lt === "timespan" && isNumeric(rt)) {
    return time(
      "timespan",
      micros(left).cast(pl.Float64).div(right.expr.cast(pl.Float64)).cast(pl.Int64),
      (a, b) => Math.trunc(a / b),
    );
  }
  if (op === "/" && lt === "timespan" && rt === "timespan") {
    return fold(
      { expr: micros(left).cast(pl.Float64).div(micros(right).cast(pl.Float64)), type: "real" },
      [left, right],
      (a, b) => (a as number) / (b as number),
    );
  }
  if (op === "%" && lt === "timespan" && rt === "timespan") {
    return time(
      "timespan",
      micros(left).modulo(micros(right)),
      (a, b) => a - Math.floor(a / b) * b,
    );
  }
  if (lt === "dynamic" || rt === "dynamic") {
    return env.rowwise([left, right], "dynamic", ([a, b]) => {
      if (typeof a !== "number" || typeof b !== "number") return null;
      return op === "+"
        ? a + b
        : op === "-"
        ? a - b
        : op === "*"
        ? a * b
        : op === "/"
        ? a / b
        : a % b;
    });
  }
  throw env.ctx.error(`the operator '${op}' cannot be applied to ${lt} and ${rt}`, e.span);
}

function comparable(a: KustoType, b: KustoType): boolean {
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  const text = (t: KustoType) => t === "string" || t === "guid";
  return text(a) && text(b);
}

function comparison(op: string, left: Typed, right: Typed, e: A.Binary, env: ExprEnv): Typed {
  if (left.type === "dynamic" || right.type === "dynamic") {
    return env.rowwise([left, right], "bool", ([a, b]) => {
      if (a === null || b === null) return null;
      const x = typeof a === "object" ? JSON.stringify(a) : a;
      const y = typeof b === "object" ? JSON.stringify(b) : b;
      return compareJs(op, x, y);
    });
  }
  if (!comparable(left.type, right.type)) {
    throw env.ctx.error(`cannot compare ${left.type} with ${right.type} using '${op}'`, e.span);
  }
  let l = left.expr;
  let r = right.expr;
  if (left.type === "guid" || right.type === "guid") {
    l = l.str.toLowerCase();
    r = r.str.toLowerCase();
  }
  const expr = op === "=="
    ? l.eq(r)
    : op === "!="
    ? l.neq(r)
    : op === "<"
    ? l.lt(r)
    : op === "<="
    ? l.ltEq(r)
    : op === ">"
    ? l.gt(r)
    : l.gtEq(r);
  return fold({ expr, type: "bool" }, [left, right], (a, b) => compareJs(op, a, b));
}

function compareJs(op: string, a: JsValue, b: JsValue): boolean {
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case "==":
      return x === y;
    case "!=":
      return x !== y;
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    default:
      return x >= y;
  }
}

function stringOperator(op: string, left: Typed, right: Typed, e: A.Binary, env: ExprEnv): Typed {
  const negated = op.startsWith("!");
  const base = negated ? op.slice(1) : op;
  const l = toStringTyped(left, env);
  if (base === "has_any" || base === "has_all") {
    const needles = listValues(right, e.right, env).map(String);
    if (needles.length === 0) return constant(false, "bool");
    const matches = needles.map((n) => l.expr.str.contains(hasTermPattern(n, false)));
    let expr = base === "has_any"
      ? l.expr.str.contains(hasAnyPattern(needles))
      : matches.reduce((a, b) => a.and(b));
    if (negated) expr = expr.not();
    return stringPredicate(expr, [l], (a) => {
      const hits = needles.map((n) =>
        new RegExp(hasTermPattern(n, false, "js"), "i").test(String(a))
      );
      const result = base === "has_any" ? hits.some(Boolean) : hits.every(Boolean);
      return negated ? !result : result;
    });
  }
  const r = toStringTyped(right, env);
  const cs = base.endsWith("_cs");
  const kind = cs ? base.slice(0, -3) : base;
  if (!r.constant) {
    return env.rowwise([l, r], "bool", ([a, b]) => {
      const result = matchJs(kind, cs, String(a ?? ""), String(b ?? ""));
      return negated ? !result : result;
    });
  }
  const needle = String(r.constant.value ?? "");
  let expr: Expr;
  const ci = cs ? "" : "(?i)";
  switch (kind) {
    case "has":
      expr = l.expr.str.contains(hasTermPattern(needle, cs));
      break;
    case "hasprefix":
      expr = l.expr.str.contains(`${ci}(^|[^0-9A-Za-z])${regexEscape(needle)}`);
      break;
    case "hassuffix":
      expr = l.expr.str.contains(`${ci}${regexEscape(needle)}($|[^0-9A-Za-z])`);
      break;
    case "contains":
      expr = cs
        ? l.expr.str.contains(needle, true)
        : l.expr.str.toLowerCase().str.contains(needle.toLowerCase(), true);
      break;
    case "startswith":
      expr = cs
        ? l.expr.str.startsWith(needle)
        : l.expr.str.toLowerCase().str.startsWith(needle.toLowerCase());
      break;
    case "endswith":
      expr = cs
        ? l.expr.str.endsWith(needle)
        : l.expr.str.toLowerCase().str.endsWith(needle.toLowerCase());
      break;
    default:
      throw env.ctx.error(`unknown operator '${op}'`, e.span);
  }
  if (negated) expr = expr.not();
  return stringPredicate(expr, [l, r], (a, b) => {
    const result = matchJs(kind, cs, String(a), String(b));
    return negated ? !result : result;
  });
}

function hasAnyPattern(needles: string[]): string {
  return `(?i)(?:^|[^0-9A-Za-z])(?:${needles.map(regexEscape).join("|")})(?:$|[^0-9A-Za-z])`;
}

/** Kusto's string operators over JS strings. */
export function matchJs(kind: string, cs: boolean, a: string, b: string): boolean {
  const x = cs ? a : a.toLowerCase();
  const y = cs ? b : b.toLowerCase();
  switch (kind) {
    case "has":
      return new RegExp(hasTermPattern(b, cs, "js"), cs ? "" : "i").test(a);
    case "hasprefix":
      return new RegExp(`(^|[^0-9A-Za-z])${regexEscape(b)}`, cs ? "" : "i").test(a);
    case "hassuffix":
      return new RegExp(`${regexEscape(b)}($|[^0-9A-Za-z])`, cs ? "" : "i").test(a);
    case "contains":
      return x.includes(y);
    case "startswith":
      return x.startsWith(y);
    case "endswith":
      return x.endsWith(y);
    default:
      return false;
  }
}

/** The constant values of a list (`pack_array(...)`, a dynamic array, a subquery). */
function listValues(value: Typed, e: A.Expression, env: ExprEnv): JsValue[] {
  if (!value.constant) throw env.ctx.error("the list must be constant", e.span);
  const v = value.constant.value;
  return Array.isArray(v) ? v : v === null ? [] : [v];
}

function inExpression(e: A.InExpression, env: ExprEnv): Typed {
  const left = compileExpr(e.left, env);
  const values: JsValue[] = [];
  for (const item of e.values) {
    if (isTabular(item, env.scope, env)) {
      const result = tabular().values(item, env.scope, env.ctx);
      values.push(...result.values);
      continue;
    }
    const v = compileExpr(item, env);
    if (!v.constant) {
      throw env.ctx.error("the values of 'in' must be constants or a subquery", item.span);
    }
    if (v.type === "dynamic" && Array.isArray(v.constant.value)) values.push(...v.constant.value);
    else values.push(v.constant.value);
  }
  const ci = e.caseInsensitive;
  let expr: Expr;
  let l = left;
  if (left.type === "dynamic") l = toStringTyped(left, env);
  if (l.type === "string" || l.type === "guid") {
    const texts = values.filter((v) => v !== null).map((v) =>
      typeof v === "string" ? v : JSON.stringify(v)
    ).map((v) => ci ? v.toLowerCase() : v);
    expr = (ci ? l.expr.str.toLowerCase() : l.expr).isIn(texts);
  } else if (isNumeric(l.type)) {
    expr = l.expr.cast(pl.Float64).isIn(values.filter((v) => v !== null).map(Number));
  } else if (l.type === "datetime" || l.type === "timespan") {
    expr = l.expr.cast(pl.Int64).isIn(values.filter((v) => v !== null).map(Number));
  } else {
    expr = l.expr.isIn(values.filter((v) => v !== null));
  }
  if (e.negated) expr = expr.not();
  return fold({ expr, type: "bool" }, [l], (a) => {
    const found = values.some((v) =>
      ci ? String(v).toLowerCase() === String(a).toLowerCase() : v === a
    );
    return e.negated ? !found : found;
  });
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
  return env.rowwise([object, index], "dynamic", ([o, k]) => dynamicGet(o, k));
}

/** `o[k]` on a dynamic value: arrays by (negative) position, bags by key. */
export function dynamicGet(o: JsValue, k: JsValue): JsValue {
  if (o === null || k === null) return null;
  if (Array.isArray(o)) {
    if (typeof k !== "number") return null;
    const i = k < 0 ? o.length + k : k;
    return o[i] ?? null;
  }
  if (typeof o === "object") return (o as Record<string, unknown>)[String(k)] ?? null;
  return null;
}
