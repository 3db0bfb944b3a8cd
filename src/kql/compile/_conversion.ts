/**
 * Kusto's conversions between types, for compiled values (`convert`, `toStringTyped`,
 * `toBool`) and for JavaScript values (`convertJs`).
 *
 * @module
 */
import { pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import { constant, type ExprEnv, type Typed } from "./_context.ts";
import { dynamicToString, type JsValue, kustoToString } from "../runtime/_values.ts";
import { readDatetime, readTimespan } from "../syntax/_literals.ts";
import { dynamicToStringNative } from "./_dynamic_native.ts";
import { canonicalToString } from "./_canonical_json.ts";

const NUMERIC = new Set<KustoType>(["int", "long", "real", "decimal"]);

/** Text Kusto reads as an integer: decimal digits with a sign, or hexadecimal (`0x10`). */
const INTEGER_TEXT = /^[+-]?[0-9]+$|^0x[0-9a-f]+$/i;

/** Text Kusto reads as a real: decimal digits with a sign, a point and an exponent. */
const REAL_TEXT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?$/i;

/** Whether `type` is a number type. */
export function isNumeric(type: KustoType): boolean {
  return NUMERIC.has(type);
}

/** The wider of two number types (decimal over real over long over int), as Kusto widens. */
export function numericType(a: KustoType, b: KustoType): KustoType {
  if (a === "decimal" || b === "decimal") return "decimal";
  if (a === "real" || b === "real") return "real";
  if (a === "long" || b === "long") return "long";
  return "int";
}

/** `value` converted to `type` (as the to*() functions do). */
export function convert(value: Typed, type: KustoType, env: ExprEnv): Typed {
  if (value.type === type) return value;
  if (value.constant) return constant(convertJs(value.constant.value, value.type, type), type);
  if (type === "string") return toStringTyped(value, env);
  if (isNumeric(type) && (isNumeric(value.type) || value.type === "bool")) {
    const target = type === "int" ? pl.Int32 : type === "long" ? pl.Int64 : pl.Float64;
    return { expr: value.expr.cast(target), type, constant: value.constant };
  }
  if (type === "guid" && value.type === "string") return { ...value, type };
  if (type === "long" && value.type === "dynamic") return dynamicToLong(value, env);
  return env.rowwise([value], type, ([v]) => convertJs(v, value.type, type));
}

/**
 * `tolong()` of a dynamic value. A JSON integer is read by Polars from its text, exact in
 * Int64 (Kusto keeps longs exactly; a JavaScript number is exact only up to 2^53); the
 * other values (reals, bools, strings holding numbers) go to JavaScript, only those rows.
 */
function dynamicToLong(value: Typed, env: ExprEnv): Typed {
  const text = value.expr.cast(pl.Utf8);
  const integer = text.str.contains("^-?[0-9]+$");
  const native = pl.when(integer).then(text.cast(pl.Int64, false)).otherwise(
    pl.lit(null).cast(pl.Int64),
  );
  const rest = env.rowwise(
    [value],
    "long",
    ([v]) => convertJs(v, "dynamic", "long"),
    integer.not().and(text.isNotNull()),
  );
  return { expr: pl.when(integer).then(native).otherwise(rest.expr), type: "long" };
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
      // Kusto reads text in integer syntax only ("5.7", "1e3" and "nan" are null), and
      // text past an int's range is null for toint().
      const t = text.trim();
      if (!INTEGER_TEXT.test(t)) return null;
      const n = Number(t);
      if (to === "int") return n < -2_147_483_648 || n > 2_147_483_647 ? null : n;
      return Number.isSafeInteger(n) ? n : exactLong(t);
    }
    case "real":
    case "decimal": {
      if (typeof v === "number") return v;
      if (typeof v === "boolean") return v ? 1 : 0;
      const t = text.trim().toLowerCase();
      if (t === "nan") return NaN;
      if (t === "inf" || t === "+inf" || t === "infinity") return Infinity;
      if (t === "-inf" || t === "-infinity") return -Infinity;
      // .NET's number syntax, not JS's: "0x10", "0b1" and "1_000" are not reals in Kusto.
      if (!REAL_TEXT.test(t)) return null;
      const n = Number(t);
      return !Number.isNaN(n) ? n : null;
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

/** Integer text beyond 2^53 as an exact bigint (a long in Int64), null past Int64. */
function exactLong(text: string): bigint | null {
  const n = BigInt(text.replace(/^\+/, ""));
  return n < -(2n ** 63n) || n > 2n ** 63n - 1n ? null : n;
}

/**
 * A dynamic value as its JSON text (a string, null for a null), so that what reads the text
 * sees reals as written (`2.0`), which JS numbers forget. A constant's text is its literal's.
 */
export function dynamicText(value: Typed): Typed {
  if (!value.constant) return { expr: value.expr, type: "string" };
  const held = value.constant.value;
  let text: string | null = null;
  if (held !== null) {
    try {
      text = pl.select(value.expr.alias("v")).getColumn("v").toArray()[0] as string | null;
    } catch {
      text = JSON.stringify(held); // a constant whose expression needs a frame
    }
  }
  return { expr: pl.lit(text), type: "string", constant: { value: text } };
}

/** Kusto's tostring() of any typed value. */
export function toStringTyped(value: Typed, env: ExprEnv): Typed {
  if (value.type === "string") return value;
  if (value.type === "dynamic") {
    const native = canonicalToString(value) ?? dynamicToStringNative(value, undefined, env);
    if (native) return native;
    return env.rowwise(
      [dynamicText(value)],
      "string",
      ([t]) => t === null ? "" : dynamicToString(t as string),
    );
  }
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

/**
 * Whether Kusto converts a value of type `from` to `to` when the two meet in `==`, `!=` or
 * `in`: text reads as any scalar, and a bool as a number (and back).
 */
function convertsForEquality(from: KustoType, to: KustoType): boolean {
  const scalar = (t: KustoType) =>
    isNumeric(t) || t === "bool" || t === "datetime" || t === "timespan" || t === "guid";
  if (from === "string") return scalar(to);
  if (to === "string") return scalar(from);
  return (from === "bool" && isNumeric(to)) || (isNumeric(from) && to === "bool");
}

/**
 * The operands of `==`, `!=` (and the values of `in`) brought to a type both can be compared
 * in, as Kusto compares values of different types (Kusto.Language binds `==` for any two
 * scalars): a literal takes the type of the other side (`EventID == "4625"` compares
 * numbers, `ResultType == 0` compares text, `IsAdmin == 0` compares bools), and otherwise
 * a number meets text as text, a bool meets a number as 0/1, and text meets a bool, a
 * datetime, a timespan or a guid as that type. Undefined when the types do not compare.
 * Numbers of different widths, text with guids and dynamic values are left as they are.
 */
export function equalityOperands(
  left: Typed,
  right: Typed,
  env: ExprEnv,
): [Typed, Typed] | undefined {
  const a = left.type;
  const b = right.type;
  const text = (t: KustoType) => t === "string" || t === "guid";
  if (
    a === b || (isNumeric(a) && isNumeric(b)) || (text(a) && text(b)) || a === "dynamic" ||
    b === "dynamic"
  ) {
    return [left, right];
  }
  if (!convertsForEquality(a, b)) return undefined;
  // A literal adapts to the other side, unless it does not read as that type (a bool
  // literal meets text as a bool: "True" and "1" are true too).
  if (right.constant && !left.constant && !(b === "bool" && a === "string")) {
    const adapted = convertConstant(right, b, a);
    if (adapted) return [left, adapted];
  }
  if (left.constant && !right.constant && !(a === "bool" && b === "string")) {
    const adapted = convertConstant(left, a, b);
    if (adapted) return [adapted, right];
  }
  if (isNumeric(a) && b === "string") return [toStringTyped(left, env), right];
  if (a === "string" && isNumeric(b)) return [left, toStringTyped(right, env)];
  if (a === "string" || a === "bool") return [convert(left, b, env), right];
  return [left, convert(right, a, env)];
}

/** A constant converted to `to`, or undefined when a non-null value does not convert. */
function convertConstant(value: Typed, from: KustoType, to: KustoType): Typed | undefined {
  const v = value.constant!.value;
  const converted = convertJs(v, from, to);
  if (converted === null && v !== null) return undefined;
  return constant(converted, to);
}

/**
 * The operands of `<`, `<=`, `>`, `>=` and `between` brought to one type: Kusto orders
 * numbers and bools together (a bool as 0/1); other types compare only with their own.
 */
export function orderingOperands(left: Typed, right: Typed, env: ExprEnv): [Typed, Typed] {
  if (left.type === "bool" && isNumeric(right.type)) {
    return [convert(left, right.type, env), right];
  }
  if (right.type === "bool" && isNumeric(left.type)) {
    return [left, convert(right, left.type, env)];
  }
  return [left, right];
}

/** A bool-typed value, or an error naming the expression. */
export function toBool(value: Typed, e: A.Expression, env: ExprEnv): Typed {
  if (value.type === "bool") return value;
  if (value.type === "dynamic") return convert(value, "bool", env);
  throw env.ctx.error(`expected a bool value, but this is ${value.type}`, e.span);
}
