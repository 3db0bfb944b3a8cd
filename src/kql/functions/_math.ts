/**
 * KQL math functions: abs, ceiling, round, sign, sqrt, pow, exp/exp2/exp10,
 * log/log2/log10, pi, the trigonometric functions, degrees/radians, isnan/isinf/isfinite,
 * max_of/min_of, gamma/loggamma, erf/erfc, beta_cdf/beta_pdf/beta_inv, rand, and the
 * binary_* bit functions.
 *
 * Functions that are cheap and exact in Polars run natively (they may be applied to
 * millions of rows); the rest (special functions, and logarithms whose Polars form loses
 * the last digit) run row by row in JavaScript. Constant calls fold while compiling,
 * through the same code as column values.
 *
 * @module
 */
import { DURATION, type Expr, pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import { constant, type Typed } from "../compile/_context.ts";
import { convert, isNumeric, numericType } from "../compile/_conversion.ts";
import { readableExpr, seriesToJs } from "../runtime/_values.ts";
import { type CallSite, defineScalar } from "./_registry.ts";

/**
 * `result` as a constant when every input is constant, computed by Polars from the
 * expression itself, so that folded and column values can never disagree.
 */
export function foldNative(result: Typed, inputs: readonly Typed[]): Typed {
  if (!inputs.every((i) => i.constant)) return result;
  const series = pl.select(readableExpr(result.expr, result.type).alias("v")).getColumn("v");
  const value = seriesToJs(series, result.type)[0] ?? null;
  // A constant holds a long as a JS number: one beyond 2^53 stays a Polars literal
  // expression, exact in Int64.
  const integral = result.type === "long" || result.type === "int";
  if (integral && typeof value === "number" && !Number.isSafeInteger(value)) {
    return result;
  }
  return constant(value, result.type);
}

/** A 64-bit integer literal (a plain `pl.lit(n)` is a Float64). */
export function int64(n: number | bigint): Expr {
  return pl.lit(n).cast(pl.Int64);
}

const NULL_REAL = pl.lit(null).cast(pl.Float64);

/** Argument `i` as a number; dynamic values convert to real. */
export function numberArg(args: readonly Typed[], i: number, site: CallSite): Typed {
  const arg = args[i];
  if (isNumeric(arg.type)) return arg;
  if (arg.type === "dynamic") return convert(arg, "real", site.env);
  throw site.env.ctx.error(
    `argument ${i + 1} of ${site.call.name}() must be a number, not ${arg.type}`,
    site.call.args[i].span,
  );
}

/** Argument `i` as a whole number (int or long); dynamic values convert to long. */
export function integerArg(args: readonly Typed[], i: number, site: CallSite): Typed {
  const arg = args[i];
  if (arg.type === "int" || arg.type === "long") return arg;
  if (arg.type === "dynamic") return convert(arg, "long", site.env);
  throw site.env.ctx.error(
    `argument ${i + 1} of ${site.call.name}() must be an int or long, not ${arg.type}`,
    site.call.args[i].span,
    arg.type === "real" || arg.type === "decimal"
      ? `Convert it with tolong(...) or round(...) first.`
      : undefined,
  );
}

function real(t: Typed): Expr {
  return t.expr.cast(pl.Float64);
}

// ---------------------------------------------------------------- real functions

/** A real function computed by Polars; `valid` marks inputs inside its domain (else null). */
function nativeReal(
  names: string | string[],
  fn: (x: Expr) => Expr,
  valid?: (x: Expr) => Expr,
): void {
  defineScalar(names, {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      const x = numberArg(args, 0, site);
      const value = fn(real(x));
      const expr = valid ? pl.when(valid(real(x))).then(value).otherwise(NULL_REAL) : value;
      return foldNative({ expr: expr.cast(pl.Float64), type: "real" }, [x]);
    },
  });
}

/** A real function computed in JavaScript. */
function jsReal(names: string | string[], fn: (x: number) => number | null): void {
  defineScalar(names, {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      const x = numberArg(args, 0, site);
      return site.env.rowwise([x], "real", ([v]) => (v === null ? null : fn(Number(v))));
    },
  });
}

nativeReal("exp", (x) => x.exp());
// Kusto: null for negative input (log(0) is -infinity).
nativeReal("log", (x) => x.log(), (x) => x.gtEq(0));
nativeReal("sqrt", (x) => x.pow(0.5), (x) => x.gtEq(0));
nativeReal("sin", (x) => x.sin());
nativeReal("cos", (x) => x.cos());
nativeReal("tan", (x) => x.tan());
nativeReal("cot", (x) => x.cot());
nativeReal("atan", (x) => x.arctan());
nativeReal("asin", (x) => x.arcsin(), (x) => x.abs().ltEq(1));
nativeReal("acos", (x) => x.arccos(), (x) => x.abs().ltEq(1));
nativeReal("degrees", (x) => x.degrees());
nativeReal("radians", (x) => x.radians());
nativeReal(
  "sign",
  (x) => pl.when(x.gt(0)).then(pl.lit(1)).when(x.lt(0)).then(pl.lit(-1)).otherwise(x),
);
nativeReal("ceiling", (x) => x.ceil());

/**
 * log(x, base) in Polars is ln(x)/ln(base), a unit or two off in the last place: snap
 * results that close to a whole number onto it, so log10(1000) is 3 as in Kusto (and
 * JavaScript's Math.log10) rather than 2.9999999999999996.
 */
function logBase(x: Expr, base: number): Expr {
  const value = x.log(base);
  const whole = value.round(0);
  return pl.when(value.sub(whole).abs().ltEq(whole.abs().mul(4.5e-16))).then(whole)
    .otherwise(value);
}

nativeReal("log10", (x) => logBase(x, 10), (x) => x.gtEq(0));
nativeReal("log2", (x) => logBase(x, 2), (x) => x.gtEq(0));
jsReal("exp2", (x) => Math.pow(2, x));
jsReal("exp10", (x) => Math.pow(10, x));
jsReal("gamma", gamma);
jsReal("loggamma", logGamma);
jsReal("erf", erf);
jsReal("erfc", erfc);

defineScalar("pi", { minArgs: 0, maxArgs: 0, compile: () => constant(Math.PI, "real") });

defineScalar("atan2", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    const y = numberArg(args, 0, site);
    const x = numberArg(args, 1, site);
    return foldNative({ expr: real(y).arctan2(real(x)), type: "real" }, [y, x]);
  },
});

defineScalar("pow", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    const base = numberArg(args, 0, site);
    const exponent = numberArg(args, 1, site);
    // Polars takes only a constant exponent.
    if (exponent.constant) {
      const e = exponent.constant.value as number | null;
      if (e === null) return constant(null, "real");
      return foldNative({ expr: real(base).pow(Number(e)), type: "real" }, [base]);
    }
    return site.env.rowwise(
      [base, exponent],
      "real",
      ([b, e]) => (b === null || e === null ? null : Math.pow(Number(b), Number(e))),
    );
  },
});

defineScalar("abs", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const x = args[0];
    if (x.type === "timespan") {
      const expr = x.expr.cast(pl.Int64).abs().cast(DURATION);
      return foldNative({ expr, type: "timespan" }, [x]);
    }
    const n = numberArg(args, 0, site);
    // Kusto's abs() of an int is a long.
    const type: KustoType = n.type === "int" || n.type === "long" ? "long" : "real";
    const expr = type === "long" ? n.expr.cast(pl.Int64).abs() : real(n).abs();
    return foldNative({ expr, type }, [n]);
  },
});

defineScalar("round", {
  minArgs: 1,
  maxArgs: 2,
  compile(args, site) {
    const x = numberArg(args, 0, site);
    const precision = args.length > 1 ? integerArg(args, 1, site) : constant(0, "long");
    const type: KustoType = x.type;
    if (!precision.constant) {
      return site.env.rowwise(
        [x, precision],
        type,
        ([v, p]) => (v === null || p === null ? null : roundTo(Number(v), Number(p))),
      );
    }
    const p = precision.constant.value as number | null;
    if (p === null) return constant(null, type);
    // Half away from zero at `p` decimal digits, as .NET's Math.Round(x, p, AwayFromZero):
    // scale, round, scale back with a true division, so that the result is the double
    // nearest the decimal (Polars' own round; dividing by a literal multiplies by its
    // inverse, which gives 50.900000000000006 for 509 / 10). Negative precisions round to
    // tens, hundreds...: the rounded quotient times a power of ten is exact.
    const scale = Math.pow(10, Math.abs(p));
    let expr = p >= 0
      ? real(x).round(p, "halfawayfromzero" as never)
      : real(x).div(scale).round(0, "halfawayfromzero" as never).mul(scale);
    if (type === "int" || type === "long") {
      expr = p >= 0 ? x.expr : expr.cast(type === "int" ? pl.Int32 : pl.Int64);
    }
    return foldNative({ expr, type }, [x]);
  },
});

/**
 * `x` rounded half away from zero to `p` decimal digits (negative: to tens, hundreds...),
 * as the double nearest the decimal result; `x` itself when it has no digits that far.
 */
function roundTo(x: number, p: number): number {
  const scale = Math.pow(10, Math.abs(p));
  const away = (v: number) => Math.sign(v) * Math.round(Math.abs(v));
  if (p < 0) return away(x / scale) * scale;
  const scaled = x * scale;
  return Number.isFinite(scaled) ? away(scaled) / scale : x;
}

for (
  const [name, test] of [
    ["isnan", (x: Expr) => x.isNan()],
    ["isinf", (x: Expr) => x.isInfinite()],
    ["isfinite", (x: Expr) => x.isFinite()],
  ] as const
) {
  defineScalar(name, {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      const x = numberArg(args, 0, site);
      // Documented as "true if ..., false otherwise": a null is false.
      return foldNative({ expr: test(real(x)).fillNull(false), type: "bool" }, [x]);
    },
  });
}

// ---------------------------------------------------------------- max_of / min_of

const ORDERABLE = new Set<KustoType>(["datetime", "timespan", "string"]);

for (const [name, max] of [["max_of", true], ["min_of", false]] as const) {
  defineScalar(name, {
    minArgs: 2,
    maxArgs: 64,
    compile(args, site) {
      const known = args.filter((a) => a.type !== "dynamic").map((a) => a.type);
      if (known.length === 0) {
        throw site.env.ctx.error(
          `${name}() cannot compare dynamic values`,
          site.call.span,
          "Convert the arguments with toreal(), todatetime()... first.",
        );
      }
      let type: KustoType;
      if (known.every(isNumeric)) type = known.reduce(numericType);
      else {
        type = known[0];
        const odd = args.findIndex((a) => a.type !== type && a.type !== "dynamic");
        if (!ORDERABLE.has(type) || odd >= 0) {
          const at = odd >= 0 ? odd : 0;
          throw site.env.ctx.error(
            `${name}() needs arguments of one orderable type (numbers, datetime, timespan or ` +
              `string); argument ${at + 1} is ${args[at].type}`,
            site.call.args[at].span,
          );
        }
      }
      const values = args.map((a) => (a.type === type ? a : convert(a, type, site.env)));
      const target = type === "int" ? pl.Int32 : type === "long" ? pl.Int64 : pl.Float64;
      const exprs = values.map((v) => (isNumeric(type) ? v.expr.cast(target) : v.expr));
      // Polars skips nulls, as Kusto does ("non-null values take precedence").
      const expr = max ? pl.maxHorizontal(exprs) : pl.minHorizontal(exprs);
      return foldNative({ expr, type }, values);
    },
  });
}

// ---------------------------------------------------------------- rand

defineScalar("rand", {
  minArgs: 0,
  maxArgs: 1,
  compile(args, site) {
    // The row number as an input keeps the call from folding into one value for all rows.
    const row: Typed = { expr: pl.intRange(0, pl.len()), type: "long" };
    if (args.length === 0) return site.env.rowwise([row], "real", () => Math.random());
    const n = integerArg(args, 0, site);
    return site.env.rowwise([row, n], "real", ([, v]) => {
      if (v === null || Number(v) <= 0) return null;
      return Math.floor(Math.random() * Number(v));
    });
  },
});

// ---------------------------------------------------------------- bit functions

function binary(name: string, fn: (a: Expr, b: Expr) => Expr): void {
  defineScalar(name, {
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      const a = integerArg(args, 0, site);
      const b = integerArg(args, 1, site);
      return foldNative(
        { expr: fn(a.expr.cast(pl.Int64), b.expr.cast(pl.Int64)), type: "long" },
        [a, b],
      );
    },
  });
}

binary("binary_and", (a, b) => a.and(b));
binary("binary_or", (a, b) => a.or(b));
// a | b is a ^ b plus a & b, bit for bit without carries; Int64 arithmetic wraps.
binary("binary_xor", (a, b) => a.or(b).sub(a.and(b)));

defineScalar("binary_not", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const x = integerArg(args, 0, site);
    // ~x == -x - 1 in two's complement (wrapping at the extremes, as ~ does).
    return foldNative({ expr: x.expr.cast(pl.Int64).mul(int64(-1)).sub(int64(1)), type: "long" }, [
      x,
    ]);
  },
});

for (const [name, left] of [["binary_shift_left", true], ["binary_shift_right", false]] as const) {
  defineScalar(name, {
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      const x = integerArg(args, 0, site);
      const shift = integerArg(args, 1, site);
      if (!shift.constant) {
        return site.env.rowwise([x, shift], "long", ([v, s]) => {
          if (v === null || s === null || Number(s) < 0) return null;
          const n = BigInt(Number(s) % 64);
          const big = BigInt(Math.trunc(Number(v)));
          return Number(BigInt.asIntN(64, left ? big << n : big >> n));
        });
      }
      const s = shift.constant.value as number | null;
      if (s === null || s < 0) return constant(null, "long");
      const value = x.expr.cast(pl.Int64);
      const expr = left ? shiftLeft(value, s % 64) : shiftRight(value, s % 64);
      return foldNative({ expr, type: "long" }, [x]);
    },
  });
}

/** `x << s` on Int64 by wrapping multiplication (two factors, each exact as a literal). */
function shiftLeft(x: Expr, s: number): Expr {
  const half = Math.floor(s / 2);
  return x.mul(int64(2 ** half)).mul(int64(2 ** (s - half)));
}

/**
 * `x >> s` (arithmetic) on Int64 without integer division: split x into a high and a low
 * 32-bit half, whose quotients by powers of two are exact in Float64.
 */
function shiftRight(x: Expr, s: number): Expr {
  const low = x.modulo(int64(2 ** 32)); // floored: 0 <= low < 2^32
  const high = x.sub(low).cast(pl.Float64).div(2 ** 32).cast(pl.Int64);
  if (s >= 32) return high.cast(pl.Float64).div(2 ** (s - 32)).floor().cast(pl.Int64);
  return high.mul(int64(2 ** (32 - s))).add(
    low.cast(pl.Float64).div(2 ** s).floor().cast(pl.Int64),
  );
}

defineScalar("bitset_count_ones", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const x = integerArg(args, 0, site);
    const value = x.expr.cast(pl.Int64);
    // One test per bit, summed as a balanced tree; bit 63 is the sign.
    let terms: Expr[] = [];
    for (let bit = 0n; bit < 63n; bit++) {
      terms.push(value.and(pl.lit(1n << bit).cast(pl.Int64)).neq(int64(0)).cast(pl.Int64));
    }
    terms.push(value.lt(int64(0)).cast(pl.Int64));
    while (terms.length > 1) {
      const next: Expr[] = [];
      for (let i = 0; i < terms.length; i += 2) {
        next.push(i + 1 < terms.length ? terms[i].add(terms[i + 1]) : terms[i]);
      }
      terms = next;
    }
    return foldNative({ expr: terms[0], type: "long" }, [x]);
  },
});

// ---------------------------------------------------------------- beta distribution

for (
  const [name, fn] of [
    ["beta_cdf", betaCdf],
    ["beta_pdf", betaPdf],
    ["beta_inv", betaInv],
  ] as const
) {
  defineScalar(name, {
    minArgs: 3,
    maxArgs: 3,
    compile(args, site) {
      const inputs = [0, 1, 2].map((i) => numberArg(args, i, site));
      return site.env.rowwise(inputs, "real", ([x, a, b]) => {
        if (x === null || a === null || b === null) return null;
        return fn(Number(x), Number(a), Number(b));
      });
    },
  });
}

function betaParametersValid(a: number, b: number): boolean {
  return a > 0 && a <= 10_000 && b > 0 && b <= 10_000;
}

/** The beta distribution's density at `x`; NaN outside the documented domain. */
export function betaPdf(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1) || !betaParametersValid(a, b)) return NaN;
  if (x === 0 || x === 1) {
    const edge = x === 0 ? a : b;
    if (edge < 1) return Infinity;
    if (edge > 1) return 0;
    return Math.exp(-logBeta(a, b));
  }
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

/** The beta distribution's cumulative probability at `x` (regularized incomplete beta). */
export function betaCdf(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1) || !betaParametersValid(a, b)) return NaN;
  if (x === 0 || x === 1) return x;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  // The continued fraction converges fast on the side of the distribution's mean.
  return x < (a + 1) / (a + b + 2)
    ? front * betaFraction(x, a, b) / a
    : 1 - front * betaFraction(1 - x, b, a) / b;
}

/** The `x` at which `beta_cdf(x, a, b)` is `p`. */
export function betaInv(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1) || !betaParametersValid(a, b)) return NaN;
  if (p === 0 || p === 1) return p;
  // The CDF is increasing on [0, 1]: bisect to the last bit.
  let low = 0;
  let high = 1;
  for (let i = 0; i < 200 && high - low > 1e-17; i++) {
    const mid = (low + high) / 2;
    if (betaCdf(mid, a, b) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

// The continued fraction of the incomplete beta function (modified Lentz's method).
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let numerator = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    f *= d * c;
    numerator = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

// ---------------------------------------------------------------- gamma and erf

// Lanczos approximation, g = 7, nine coefficients: about 15 significant digits.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

function lanczosSum(x: number): number {
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (x + i);
  return sum;
}

function factorial(n: number): number {
  let product = 1;
  for (let i = 2; i <= n; i++) product *= i;
  return product;
}

/** The gamma function (C's tgamma: poles at 0 and the negative integers). */
export function gamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (Number.isInteger(x)) {
    if (x === 0) return Object.is(x, -0) ? -Infinity : Infinity;
    if (x < 0) return NaN;
    if (x <= 171) return factorial(x - 1);
    return Infinity;
  }
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const z = x - 1;
  const t = z + LANCZOS_G + 0.5;
  // t^(z + 0.5) overflows before e^-t brings it back: take it in two halves.
  const half = Math.pow(t, (z + 0.5) / 2);
  return Math.sqrt(2 * Math.PI) * half * (half * Math.exp(-t)) * lanczosSum(z);
}

/** The natural logarithm of |gamma(x)| (C's lgamma). */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return Infinity;
  if (Number.isInteger(x)) {
    if (x <= 0) return Infinity;
    if (x <= 171) return Math.log(factorial(x - 1));
  }
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(lanczosSum(z));
}

/** The error function, to about 15 significant digits. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -erf(-x);
  return x < 2.5 ? erfSeries(x) : 1 - erfcFraction(x);
}

/** The complementary error function `1 - erf(x)`, accurate in its tail too. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  return x < 1.5 ? 1 - erfSeries(x) : erfcFraction(x);
}

// erf(x) = 2/sqrt(pi) e^(-x^2) sum (2x^2)^n x / (1 3 5 ... (2n+1)): all terms positive,
// so no digits cancel.
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500 && term > sum * 1e-17; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
  }
  return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
}

// erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), by Lentz's method.
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n <= 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
