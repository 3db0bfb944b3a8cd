/**
 * Kusto's conversions between types, for compiled values (`convert`, `toStringTyped`,
 * `toBool`) and for JavaScript values (`convertJs`).
 *
 * @module
 */
import { pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import type { ExprEnv, Typed } from "./_context.ts";
import { type JsValue, kustoToString } from "../runtime/_values.ts";
import { readDatetime, readTimespan } from "../syntax/_literals.ts";

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

/** A bool-typed value, or an error naming the expression. */
export function toBool(value: Typed, e: A.Expression, env: ExprEnv): Typed {
  if (value.type === "bool") return value;
  if (value.type === "dynamic") return convert(value, "bool", env);
  throw env.ctx.error(`expected a bool value, but this is ${value.type}`, e.span);
}
