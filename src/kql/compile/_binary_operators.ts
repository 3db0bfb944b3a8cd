/**
 * KQL's binary operators over compiled operands: arithmetic on numbers, datetimes and
 * timespans, comparisons, and the string operators (`has`, `contains`, `startswith`, ...
 * with their negated and case-sensitive forms). Constant operands fold to constants.
 *
 * @module
 */
import { DATETIME, DURATION, type Expr, pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import { constant, type ExprEnv, type Typed } from "./_context.ts";
import {
  convert as convertTyped,
  equalityOperands,
  isNumeric,
  numericType,
  orderingOperands,
  toStringTyped,
} from "./_conversion.ts";
import type { JsValue } from "../runtime/_values.ts";
import { exactNumber, exactRowwise, isExactNumber } from "./_exact_values.ts";
import { exactLongAsJson, isExactLongAsJson, realAsJson } from "../syntax/_literals.ts";
import { anyTermPattern, termMatchesJs, termPattern } from "../runtime/_text.ts";
import { jsRegex, rustRegexSource } from "../runtime/_regex.ts";

/** Microseconds from 0001-01-01 (Kusto's tick epoch) to 1970-01-01. */
const MICROS_FROM_YEAR_ONE = 62_135_596_800_000_000;

/** A binary operator (other than `and`, `or`) over compiled operands. */
export function binaryOperator(
  op: string,
  left: Typed,
  right: Typed,
  e: A.Binary,
  env: ExprEnv,
): Typed {
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

/** `result`, or its constant when every input is constant (null if any is null). */
export function fold(result: Typed, inputs: Typed[], fn: (...v: JsValue[]) => JsValue): Typed {
  if (!inputs.every((i) => i.constant)) return result;
  const values = inputs.map((i) => i.constant!.value);
  const value = values.some((v) => v === null) ? null : fn(...values);
  // A long beyond 2^53 is not exact in JS: Polars computes it from the Int64 expression.
  const integral = result.type === "long" || result.type === "int";
  if (integral && typeof value === "number" && !Number.isSafeInteger(value)) return result;
  return constant(value, result.type);
}

function stringPredicate(expr: Expr, inputs: Typed[], fn: (...v: JsValue[]) => boolean): Typed {
  return fold({ expr, type: "bool" }, inputs, fn);
}

/** `left op right` for `+ - * / %`. */
export function arithmetic(
  op: string,
  left: Typed,
  right: Typed,
  e: A.Binary,
  env: ExprEnv,
): Typed {
  const lt = left.type;
  const rt = right.type;
  const micros = (t: Typed) => t.expr.cast(pl.Int64);
  if (isNumeric(lt) && isNumeric(rt)) {
    // Kusto: decimal if either side is decimal, else real if either is real, else long
    // (int + int is long too). Decimals are held as reals.
    const wider = numericType(lt, rt);
    const type: KustoType = wider === "int" ? "long" : wider;
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
          ? pl.when(r.eq(0)).then(pl.lit(null)).otherwise(truncatedDivision(l, r))
          : l.div(right.constant ? alongside(r, l) : r);
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
  // Kusto.Language types datetime % timespan as a timespan and datetime / timespan as a real:
  // a datetime counts 100 ns ticks from 0001-01-01 (as tolong(datetime) gives them), so
  // `t % 7d` is the time since the last Monday midnight, not since a 1970 Thursday.
  if (op === "%" && lt === "datetime" && rt === "timespan") {
    const since = micros(left).add(pl.lit(MICROS_FROM_YEAR_ONE).cast(pl.Int64));
    return time("timespan", since.modulo(micros(right)), (a, b) => {
      const x = BigInt(Math.trunc(a)) + BigInt(MICROS_FROM_YEAR_ONE);
      const y = BigInt(Math.trunc(b));
      return y === 0n ? NaN : Number(((x % y) + y) % y);
    });
  }
  if (op === "/" && lt === "datetime" && rt === "timespan") {
    return fold(
      {
        expr: micros(left).add(pl.lit(MICROS_FROM_YEAR_ONE)).cast(pl.Float64)
          .div(micros(right).cast(pl.Float64)),
        type: "real",
      },
      [left, right],
      (a, b) => ((a as number) + MICROS_FROM_YEAR_ONE) / (b as number),
    );
  }
  // A dynamic value meets a typed one as that type's partner (Kusto.Language:
  // dynamic + long is long, datetime - dynamic is a timespan, dynamic + 1h a timespan).
  if ((lt === "dynamic") !== (rt === "dynamic")) {
    const typed = lt === "dynamic" ? rt : lt;
    const partner = dynamicPartner(op, typed);
    if (partner) {
      const convert = (t: Typed) => t.type === "dynamic" ? convertTyped(t, partner, env) : t;
      return arithmetic(op, convert(left), convert(right), e, env);
    }
    throw notApplicable(op, lt, rt, e, env);
  }
  if (lt === "dynamic" && rt === "dynamic") {
    // Read exactly: two longs compute in Int64 (beyond 2^53 too), anything else in reals.
    return exactRowwise(env, [left, right], "dynamic", ([a, b]) => dynamicArithmetic(op, a, b));
  }
  throw notApplicable(op, lt, rt, e, env);
}

/**
 * `a op b` over two numbers read from dynamic values (plain, or the markers of
 * `_exact_values.ts`): longs as Kusto computes longs (Int64, wrapping; `/` truncates toward
 * zero; null when dividing by zero), reals when either is a real; null for anything else.
 */
function dynamicArithmetic(op: string, a: unknown, b: unknown): JsValue {
  if (!isExactNumber(a) || !isExactNumber(b)) return null;
  const isLong = (v: unknown) =>
    isExactLongAsJson(v) || (typeof v === "number" && Number.isSafeInteger(v));
  if (isLong(a) && isLong(b)) {
    const x = BigInt(exactNumber(a));
    const y = BigInt(exactNumber(b));
    if ((op === "/" || op === "%") && y === 0n) return null;
    // `%` is never negative in Kusto: 0 <= N % D < abs(D) (-14 % 12 is 10).
    const rem = (r: bigint) => r < 0n ? r + (y < 0n ? -y : y) : r;
    const n = BigInt.asIntN(
      64,
      op === "+"
        ? x + y
        : op === "-"
        ? x - y
        : op === "*"
        ? x * y
        : op === "/"
        ? x / y
        : rem(x % y),
    );
    return Number.isSafeInteger(Number(n)) ? Number(n) : exactLongAsJson(n.toString()) as JsValue;
  }
  const x = Number(exactNumber(a));
  const y = Number(exactNumber(b));
  const r = op === "+"
    ? x + y
    : op === "-"
    ? x - y
    : op === "*"
    ? x * y
    : op === "/"
    ? x / y
    : x % y < 0
    ? x % y + Math.abs(y)
    : x % y;
  return realAsJson(r) as JsValue;
}

/**
 * `divisor` as a column as long as `column`: Polars divides by a single value by multiplying
 * with its inverse, which is not the IEEE quotient (3.0 / 10 would be 0.30000000000000004,
 * 49.0 / 49 0.9999999999999999); dividing column by column is exact.
 */
function alongside(divisor: Expr, column: Expr): Expr {
  return column.isNull().cast(pl.Float64).mul(0).add(divisor);
}

/**
 * `l / r` over longs as Kusto computes it: an exact integer quotient truncated toward zero
 * (-7 / 2 is -3). Polars' integer division floors, so a quotient with a remainder and
 * operands of opposite signs is one more.
 */
function truncatedDivision(l: Expr, r: Expr): Expr {
  const floored = l.div(r);
  const inexact = l.modulo(r).neq(0).and(l.lt(0).neq(r.lt(0)));
  return floored.add(pl.when(inexact).then(pl.lit(1)).otherwise(pl.lit(0)).cast(pl.Int64));
}

/** The error of an arithmetic operator over types it does not take, with what to do. */
function notApplicable(op: string, lt: KustoType, rt: KustoType, e: A.Binary, env: ExprEnv) {
  const undefinedHint = undocumentedTimeArithmetic(op, lt, rt);
  return env.ctx.error(
    undefinedHint
      ? `the operator '${op}' over ${lt} and ${rt} has no defined meaning in Kusto`
      : `the operator '${op}' cannot be applied to ${lt} and ${rt}`,
    e.span,
    undefinedHint ??
      "Convert an operand first: toreal() or tolong() for numbers, totimespan() or " +
        "todatetime() for times, strcat() to join text.",
  );
}

/**
 * What to write instead of the datetime and timespan arithmetic Kusto.Language's binder
 * types but Kusto's documentation gives no result for ("Datetime / timespan arithmetic":
 * datetimes subtract but do not add; timespans add, subtract, divide each other and scale
 * by a number), so casefile refuses it rather than guess. Undefined for other pairs.
 */
function undocumentedTimeArithmetic(
  op: string,
  lt: KustoType,
  rt: KustoType,
): string | undefined {
  const time = (t: KustoType) => t === "datetime" || t === "timespan";
  if (!time(lt) && !time(rt)) return undefined;
  if (lt === "datetime" && rt === "datetime") {
    return op === "+"
      ? "Two datetimes subtract (a timespan) but do not add: add a timespan, e.g. t + 1h."
      : "Subtract the datetimes first, e.g. (a - b) / 1h, or use a timespan: t % 1d.";
  }
  if (op === "-" && lt === "timespan" && rt === "datetime") {
    return "Subtract the timespan from the datetime instead: t - 1h.";
  }
  if (lt === "datetime" && isNumeric(rt) || isNumeric(lt) && rt === "datetime") {
    return "A datetime does not scale: work on its ticks (tolong(t)) or on a timespan, " +
      "e.g. (t - datetime(1970-01-01)) * 2.";
  }
  if (op === "*" && lt === "timespan" && rt === "timespan") {
    return "Multiply a timespan by a number (2 * 1h), or its counts: (a / 1s) * (b / 1s).";
  }
  if (op === "%" && lt === "timespan" && isNumeric(rt)) {
    return "Take the remainder by a timespan (x % 1h), or of its ticks: tolong(x) % n.";
  }
  return undefined;
}

/**
 * The type a dynamic operand is read as when it meets a `typed` operand in `op` (Kusto.
 * Language's operator signatures), or undefined when Kusto rejects the pair.
 */
function dynamicPartner(op: string, typed: KustoType): KustoType | undefined {
  if (typed === "int" || typed === "long") return "long";
  if (typed === "real" || typed === "decimal") return typed;
  if (typed === "timespan" && (op === "+" || op === "-")) return "timespan";
  if (typed === "datetime" && op === "+") return "timespan";
  if (typed === "datetime" && op === "-") return "datetime";
  return undefined;
}

function comparable(a: KustoType, b: KustoType): boolean {
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  const text = (t: KustoType) => t === "string" || t === "guid";
  return text(a) && text(b);
}

/** The error of two types that do not compare, with what to do. */
function notComparable(op: string, left: Typed, right: Typed, e: A.Binary, env: ExprEnv) {
  return env.ctx.error(
    `cannot compare ${left.type} with ${right.type} using '${op}'`,
    e.span,
    `Convert one side first, e.g. to${right.type}(...) or to${left.type}(...).`,
  );
}

/** `left op right` for `== != < <= > >=`. */
export function comparison(
  op: string,
  left: Typed,
  right: Typed,
  e: A.Binary,
  env: ExprEnv,
): Typed {
  if (left.type === "dynamic" || right.type === "dynamic") {
    return env.rowwise([left, right], "bool", ([a, b]) => {
      if (a === null || b === null) return null;
      const x = typeof a === "object" ? JSON.stringify(a) : a;
      const y = typeof b === "object" ? JSON.stringify(b) : b;
      return compareJs(op, x, y);
    });
  }
  const operands = op === "==" || op === "!="
    ? equalityOperands(left, right, env)
    : orderingOperands(left, right, env);
  if (!operands || !comparable(operands[0].type, operands[1].type)) {
    throw notComparable(op, left, right, e, env);
  }
  [left, right] = operands;
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
    // No term to look for: none is there (and `!has_any` holds).
    if (needles.length === 0) return constant(negated, "bool");
    const js = (a: JsValue) => {
      const hit = (n: string) => termMatchesJs("has", false, String(a), n);
      const result = base === "has_any" ? needles.some(hit) : needles.every(hit);
      return negated ? !result : result;
    };
    const patterns = needles.map((n) => termPattern("has", n, false));
    const anyPattern = anyTermPattern(needles, false);
    // A needle no Rust regex matches exactly runs the JavaScript reference row by row.
    if (anyPattern === undefined && !l.constant) {
      return env.rowwise([l], "bool", ([a]) => a === null ? null : js(a));
    }
    // (A constant text with no Rust regex folds through the reference below.)
    let expr = base === "has_any" || anyPattern === undefined
      ? l.expr.str.contains(anyPattern ?? "")
      : patterns.map((p) => l.expr.str.contains(p!)).reduce((a, b) => a.and(b));
    if (negated) expr = expr.not();
    return stringPredicate(expr, [l], js);
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
  switch (kind) {
    case "has":
    case "hasprefix":
    case "hassuffix": {
      const pattern = termPattern(kind, needle, cs);
      if (pattern === undefined && !l.constant) {
        // No Rust regex matches this needle exactly: the JavaScript reference, row by row.
        return env.rowwise([l], "bool", ([a]) => {
          if (a === null) return null;
          const result = termMatchesJs(kind, cs, String(a), needle);
          return negated ? !result : result;
        });
      }
      // (A constant text with no Rust regex folds through the reference below.)
      expr = l.expr.str.contains(pattern ?? "");
      break;
    }
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

/** The constant values of a list (`pack_array(...)`, a dynamic array, a subquery). */
function listValues(value: Typed, e: A.Expression, env: ExprEnv): JsValue[] {
  if (!value.constant) throw env.ctx.error("the list must be constant", e.span);
  const v = value.constant.value;
  // A dynamic array among the values stands for its elements (`has_any (dynamic(["a",
  // "b"]))` is `has_any ("a", "b")`, as `in` reads it); a null is no term to look for.
  const items = Array.isArray(v) ? v : [v];
  return items.flatMap((x) => Array.isArray(x) ? x : [x]).filter((x) => x !== null);
}

/** Kusto's string operators over JS strings. */
export function matchJs(kind: string, cs: boolean, a: string, b: string): boolean {
  const x = cs ? a : a.toLowerCase();
  const y = cs ? b : b.toLowerCase();
  switch (kind) {
    case "has":
    case "hasprefix":
    case "hassuffix":
      return termMatchesJs(kind, cs, a, b);
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
