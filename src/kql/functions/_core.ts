/**
 * Logic, conversion and a few basic functions: iff, case, coalesce, isnull/isempty,
 * not, to*(), strcat, strlen, tolower/toupper, now, ago, bin, pack_array,
 * array_length, typeof/gettype.
 *
 * @module
 */
import { DATETIME, DURATION, type Expr, pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import { constant, type Typed } from "../compile/_context.ts";
import {
  convert,
  convertJs,
  dynamicText,
  isNumeric,
  toStringTyped,
} from "../compile/_conversion.ts";
import {
  jsonTypeOf,
  type JsValue,
  kustoToString,
  parseJsonKeepingReals,
} from "../runtime/_values.ts";
import { type CallSite, defineScalar } from "./_registry.ts";
import {
  dynamicToStringNative,
  nativeArrayLength,
  nativePackArray,
} from "../compile/_dynamic_native.ts";
import { asCanonicalJson, canonicalToString } from "../compile/_canonical_json.ts";
import { commonType, expectType, rowwise } from "./_define.ts";
import { exactRowwise } from "../compile/_exact_values.ts";
import { readDatetime, readTimespan, realAsJson } from "../syntax/_literals.ts";

/** Values brought to one type, for iff/case/coalesce. */
function unify(values: Typed[], site: CallSite): { values: Typed[]; type: KustoType } {
  // Typed nulls (`int(null)`) take part only when every value is one: iff(c, int(null), int(null)).
  const known = values.filter((v) => !(v.constant && v.constant.value === null)).map((v) => v.type);
  const type = known.length > 0 ? commonType(known) : values[0].type;
  return { values: values.map((v) => (v.type === type ? v : convert(v, type, site.env))), type };
}

function boolArg(args: Typed[], i: number, site: CallSite): Typed {
  const arg = args[i];
  if (arg.type === "bool") return arg;
  if (arg.type === "dynamic") return convert(arg, "bool", site.env);
  throw site.env.ctx.error(
    `argument ${i + 1} of ${site.call.name}() must be a bool, not ${arg.type}`,
    site.call.args[i].span,
  );
}

defineScalar(["iff", "iif"], {
  minArgs: 3,
  maxArgs: 3,
  compile(args, site) {
    const cond = boolArg(args, 0, site);
    const { values: [a, b], type } = unify([args[1], args[2]], site);
    if (cond.constant) return cond.constant.value === true ? a : b;
    return { expr: pl.when(cond.expr.fillNull(false)).then(a.expr).otherwise(b.expr), type };
  },
});

defineScalar("case", {
  minArgs: 3,
  maxArgs: Infinity,
  compile(args, site) {
    if (args.length % 2 === 0) {
      throw site.env.ctx.error(
        "case() needs pairs of predicate and value, then an else value",
        site.call.span,
      );
    }
    const pairs: Array<[Typed, Typed]> = [];
    for (let i = 0; i + 1 < args.length; i += 2) pairs.push([boolArg(args, i, site), args[i + 1]]);
    const { values, type } = unify([...pairs.map((p) => p[1]), args[args.length - 1]], site);
    const otherwise = values[values.length - 1];
    if (pairs.every(([p]) => p.constant)) {
      const hit = pairs.findIndex(([p]) => p.constant!.value === true);
      return hit >= 0 ? values[hit] : otherwise;
    }
    let chain = pl.when(pairs[0][0].expr.fillNull(false)).then(values[0].expr);
    for (let i = 1; i < pairs.length; i++) {
      chain = chain.when(pairs[i][0].expr.fillNull(false)).then(values[i].expr) as never;
    }
    return { expr: chain.otherwise(otherwise.expr), type };
  },
});

defineScalar("coalesce", {
  minArgs: 1,
  maxArgs: 64,
  compile(args, site) {
    const { values, type } = unify(args, site);
    if (type === "string") {
      const expr = values.reduceRight<Expr>(
        (rest, v) => pl.when(v.expr.neq(pl.lit(""))).then(v.expr).otherwise(rest),
        pl.lit(""),
      );
      if (values.every((v) => v.constant)) {
        return constant(
          values.map((v) => v.constant!.value).find((v) => v !== "" && v !== null) ?? "",
          "string",
        );
      }
      return { expr, type };
    }
    if (values.every((v) => v.constant)) {
      return constant(values.map((v) => v.constant!.value).find((v) => v !== null) ?? null, type);
    }
    return { expr: values.slice(1).reduce((a, v) => a.fillNull(v.expr), values[0].expr), type };
  },
});

function nullTest(empty: boolean, negate: boolean) {
  return {
    minArgs: 1,
    maxArgs: 1,
    compile([x]: Typed[]): Typed {
      let expr: Expr;
      if (x.type === "string") expr = empty ? x.expr.eq(pl.lit("")) : pl.lit(false);
      else if (empty && x.type === "dynamic") expr = x.expr.isNull().or(x.expr.eq(pl.lit('""')));
      else expr = x.expr.isNull();
      if (negate) expr = expr.not();
      if (x.constant) {
        const v = x.constant.value;
        let result = x.type === "string"
          ? (empty ? v === "" || v === null : false)
          : v === null || (empty && v === "");
        if (negate) result = !result;
        return constant(result, "bool");
      }
      return { expr: expr.fillNull(!negate), type: "bool" as KustoType };
    },
  };
}

defineScalar("isnull", nullTest(false, false));
defineScalar("isnotnull", nullTest(false, true));
defineScalar("isempty", nullTest(true, false));
defineScalar("isnotempty", nullTest(true, true));

defineScalar("not", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const b = boolArg(args, 0, site);
    if (b.constant) return constant(b.constant.value === null ? null : !b.constant.value, "bool");
    return { expr: b.expr.not(), type: "bool" };
  },
});

defineScalar("tostring", {
  minArgs: 1,
  maxArgs: 1,
  // `tostring(d.a.b)` reads the path natively, without computing `d.a.b` itself.
  compile: ([x], site) =>
    canonicalToString(x) ?? dynamicToStringNative(x, site.call.args[0], site.env) ??
      toStringTyped(x, site.env),
});

for (
  const [names, type] of [
    [["toint"], "int"],
    [["tolong"], "long"],
    [["toreal", "todouble"], "real"],
    [["todecimal"], "decimal"],
    [["tobool", "toboolean"], "bool"],
  ] as const
) {
  defineScalar([...names], {
    minArgs: 1,
    maxArgs: 1,
    compile([x], site) {
      if (isNumeric(x.type) && isNumeric(type)) {
        // Kusto truncates reals toward zero when converting to an integer.
        return convert(x, type, site.env);
      }
      if ((x.type === "datetime" || x.type === "timespan") && isNumeric(type)) {
        const to = NUMERIC_DTYPE[type as keyof typeof NUMERIC_DTYPE];
        return { expr: ticksOf(x).cast(to, false), type };
      }
      // A dynamic integer is read exactly from its text (convert), not as a JS number.
      if (type === "long" && x.type === "dynamic") return convert(x, type, site.env);
      return site.env.rowwise([x], type, ([v]) => convertJs(v, x.type, type));
    },
  });
}

/** Polars types of the numeric conversions (`toint(1d)` past an int's range is null). */
const NUMERIC_DTYPE = {
  int: pl.Int32,
  long: pl.Int64,
  real: pl.Float64,
  decimal: pl.Float64,
} as const;

/** Ticks from 0001-01-01 to 1970-01-01, the Unix epoch (.NET `DateTime.UnixEpoch.Ticks`). */
const EPOCH_TICKS = 621_355_968_000_000_000n;

/**
 * A datetime or timespan as Kusto's number for it: 100-nanosecond ticks (since 0001-01-01
 * for a datetime), in Int64: `tolong(1d)` is 864000000000.
 */
function ticksOf(x: Typed): Expr {
  const ticks = x.expr.cast(pl.Int64).mul(pl.lit(10).cast(pl.Int64));
  return x.type === "datetime" ? ticks.add(pl.lit(EPOCH_TICKS.toString()).cast(pl.Int64)) : ticks;
}

defineScalar(
  ["todatetime"],
  rowwise(1, 1, "datetime", ([v], [t]) => {
    if (v === null) return null;
    if (t === "datetime") return v;
    if (t === "long" || t === "int" || t === "real") return null;
    const value = readDatetime(typeof v === "string" ? v : kustoToString(v, t));
    return value === undefined ? null : Number(value);
  }),
);

defineScalar(
  ["totimespan", "totime"],
  rowwise(1, 1, "timespan", ([v], [t]) => {
    if (v === null) return null;
    if (t === "timespan") return v;
    if (t === "long" || t === "int") return (v as number) / 10; // ticks
    if (t === "real") return null;
    const value = readTimespan(typeof v === "string" ? v : kustoToString(v, t));
    return value === undefined ? null : Number(value);
  }),
);

defineScalar(
  "toguid",
  rowwise(1, 1, "guid", ([v]) => {
    if (typeof v !== "string") return null;
    const m =
      /^\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})\}?$/
        .exec(v.trim());
    return m ? m.slice(1).join("-").toLowerCase() : null;
  }),
);

defineScalar(
  ["parse_json", "todynamic", "toobject"],
  {
    minArgs: 1,
    maxArgs: 1,
    compile([x], site) {
      if (x.type === "dynamic") return x;
      // A long beyond 2^53 keeps its digits (exactRowwise reads it as text).
      const value = exactRowwise(site.env, [x], "dynamic", ([v]) => {
        // Empty text is no JSON value: isnull(parse_json("")) is true (Kusto's isnull docs).
        if (v === null || (x.type === "string" && v === "")) return null;
        // Reals keep their fraction in the text: todynamic("1.0") is the real 1.0.
        return x.type === "string" ? parseJsonKeepingReals(v as string) : jsonValue(v, x.type);
      });
      // `parse_json(s).a.b` reads the path from the text natively.
      if (x.type !== "string" || x.constant) return value;
      return {
        ...value,
        jsonPath: { source: x.expr, steps: [], job: site.env.lastJob(), parsed: true },
      };
    },
  },
);

defineScalar("strcat", {
  minArgs: 1,
  maxArgs: 64,
  compile(args, site) {
    const parts = args.map((a) => toStringTyped(a, site.env));
    if (parts.every((p) => p.constant)) {
      return constant(parts.map((p) => p.constant!.value ?? "").join(""), "string");
    }
    return {
      expr: pl.concatString(parts.map((p) => p.expr.fillNull(pl.lit(""))), ""),
      type: "string",
    };
  },
});

defineScalar("strlen", {
  minArgs: 1,
  maxArgs: 1,
  compile([x], site) {
    const s = toStringTyped(x, site.env);
    if (s.constant) return constant([...String(s.constant.value ?? "")].length, "long");
    return { expr: s.expr.str.lengths().cast(pl.Int64), type: "long" };
  },
});

for (const [name, upper] of [["tolower", false], ["toupper", true]] as const) {
  defineScalar(name, {
    minArgs: 1,
    maxArgs: 1,
    compile([x], site) {
      const s = toStringTyped(x, site.env);
      if (s.constant) {
        const v = String(s.constant.value ?? "");
        return constant(upper ? v.toUpperCase() : v.toLowerCase(), "string");
      }
      return { expr: upper ? s.expr.str.toUpperCase() : s.expr.str.toLowerCase(), type: "string" };
    },
  });
}

defineScalar("now", {
  minArgs: 0,
  maxArgs: 1,
  compile(args, site) {
    if (args.length === 0) return constant(site.env.ctx.now, "datetime");
    expectType(args, 0, ["timespan"], site);
    const offset = args[0];
    if (offset.constant) {
      const v = offset.constant.value as number | null;
      return constant(v === null ? null : site.env.ctx.now + v, "datetime");
    }
    return {
      expr: pl.lit(site.env.ctx.now).cast(pl.Int64).add(offset.expr.cast(pl.Int64)).cast(DATETIME),
      type: "datetime",
    };
  },
});

defineScalar("ago", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    expectType(args, 0, ["timespan"], site);
    const span = args[0];
    if (span.constant) {
      const v = span.constant.value as number | null;
      return constant(v === null ? null : site.env.ctx.now - v, "datetime");
    }
    return {
      expr: pl.lit(site.env.ctx.now).cast(pl.Int64).sub(span.expr.cast(pl.Int64)).cast(DATETIME),
      type: "datetime",
    };
  },
});

/** Rounds `value` down to a multiple of `size` (anchored at zero / the Unix epoch). */
export function binExpr(value: Typed, size: Typed, site: CallSite, at?: Typed): Typed {
  const t = value.type;
  const s = size.constant?.value as number | null | undefined;
  // bin_auto() takes its size and anchor from query options, not from its arguments.
  const argSpan = (i: number) => site.call.args[i]?.span ?? site.call.span;
  if (s === undefined) {
    throw site.env.ctx.error("the bin size must be a constant", argSpan(1));
  }
  for (const [i, arg] of [[1, size], [2, at]] as const) {
    // A size or anchor of another type (a string, a dynamic value) reached Polars raw.
    const dateAnchor = i === 2 && arg?.type === "datetime";
    if (arg && !isNumeric(arg.type) && arg.type !== "timespan" && !dateAnchor) {
      const what = i === 1 ? "size must be a number or a timespan" : "anchor must be a number, " +
        "a timespan or a datetime";
      throw site.env.ctx.error(`the bin ${what}, not ${arg.type}`, argSpan(i));
    }
  }
  if (s === null || s <= 0) return constant(null, t);
  const anchor = (at?.constant?.value as number | undefined) ?? 0;
  const floorTo = (x: Expr, step: number, base: number) =>
    x.sub(base).div(step).floor().mul(step).add(base);
  // Whole steps over whole numbers stay in integers: floored modulo, no float round trip.
  const floorInt = (x: Expr, step: number, base: number) => {
    const shifted = base === 0 ? x : x.sub(base);
    const floored = shifted.sub(shifted.modulo(step));
    return base === 0 ? floored : floored.add(base);
  };
  if (t === "datetime" || t === "timespan") {
    const micros = value.expr.cast(pl.Int64);
    const expr = (Number.isInteger(s) && Number.isInteger(anchor)
      ? floorInt(micros, s, anchor)
      : floorTo(micros.cast(pl.Float64), s, anchor).cast(pl.Int64))
      .cast(t === "datetime" ? DATETIME : DURATION);
    return fold(value, { expr, type: t }, (v) =>
      Math.floor((v - anchor) / s) * s + anchor);
  }
  if (isNumeric(t)) {
    const real = t === "real" || t === "decimal" || !Number.isInteger(s);
    const expr = real || !Number.isInteger(anchor)
      ? floorTo(value.expr.cast(pl.Float64), s, anchor)
      : floorInt(value.expr.cast(pl.Int64), s, anchor);
    const type: KustoType = real ? "real" : t;
    return fold(value, {
      expr: expr.cast(real ? pl.Float64 : t === "int" ? pl.Int32 : pl.Int64),
      type,
    }, (v) => Math.floor((v - anchor) / s) * s + anchor);
  }
  throw site.env.ctx.error(`bin() cannot round a ${t}`, site.call.args[0].span);
}

function fold(input: Typed, result: Typed, fn: (v: number) => number): Typed {
  if (!input.constant) return result;
  const v = input.constant.value as number | null;
  return constant(v === null ? null : fn(v), result.type);
}

defineScalar(["bin", "floor"], {
  minArgs: 2,
  maxArgs: 2,
  compile: ([value, size], site) => binExpr(value, size, site),
});

defineScalar("bin_at", {
  minArgs: 3,
  maxArgs: 3,
  compile: ([value, size, at], site) => binExpr(value, size, site, at),
});

defineScalar(["pack_array"], {
  minArgs: 0,
  maxArgs: Infinity,
  // Strings are packed by Polars (and expand natively); other values in JavaScript, with
  // longs beyond 2^53 and the numbers of dynamic values exact.
  compile: (args, site) =>
    asCanonicalJson(nativePackArray(args)) ??
      exactRowwise(site.env, args, "dynamic", (values) =>
        values.map((v, i) =>
          jsonValue(v, args[i].type)
        )),
});

/** A typed JS value as it is held inside a dynamic value. */
export function jsonValue(v: JsValue, type: KustoType): JsValue {
  if (v === null || v === undefined) return null;
  if (type === "datetime" || type === "timespan") return kustoToString(v, type);
  // An integral real is written 2.0, and reads back as a real.
  if (type === "real") return realAsJson(Number(v));
  return v;
}

const arrayLengthJs = rowwise(1, 1, "long", ([v]) => (Array.isArray(v) ? v.length : null));

defineScalar("array_length", {
  minArgs: 1,
  maxArgs: 1,
  // A list Polars built (split, pack_array) is measured natively.
  compile: (args, site) => nativeArrayLength(args) ?? arrayLengthJs.compile(args, site),
});

const TYPE_NAMES: Record<string, string> = {
  bool: "bool",
  datetime: "datetime",
  dynamic: "dynamic",
  int: "int",
  long: "long",
  real: "real",
  string: "string",
  guid: "guid",
  decimal: "decimal",
  timespan: "timespan",
};

defineScalar("gettype", {
  minArgs: 1,
  maxArgs: 1,
  compile([x], site) {
    if (x.type !== "dynamic") return constant(TYPE_NAMES[x.type], "string");
    // Read from the text, where a real written `2.0` is still a real.
    return site.env.rowwise(
      [dynamicText(x)],
      "string",
      ([text]) => text === null ? "null" : jsonTypeOf(parseJsonKeepingReals(text as string)),
    );
  },
});
