/**
 * KQL statistics: the covariance aggregates (`covariance`, `covariancep` and their `if`
 * forms), weighted percentiles (`percentilew`, `percentilesw`, `percentilesw_array`) and
 * `percentiles_array`, t-digests (`tdigest`, `tdigest_merge`, `merge_tdigest`,
 * `percentile_tdigest`, `percentiles_array_tdigest`, `rank_tdigest`), and unit
 * conversions (`convert_angle`, `convert_energy`, `convert_force`, `convert_length`,
 * `convert_mass`, `convert_speed`, `convert_temperature`, `convert_volume`).
 *
 * Percentiles follow Kusto's nearest-rank definition: the smallest value with at least
 * P% of the (weighted) population at or below it. They are computed exactly, in Polars.
 *
 * @module
 */
import { DATETIME, DURATION, type Expr, pl } from "../../polars.ts";
import { type KustoType, kustoTypeFromName } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import type { Typed } from "../compile/_context.ts";
import { compileExpr } from "../compile/_expression.ts";
import { isNumeric } from "../compile/_conversion.ts";
import { formatDatetime, formatTimespan } from "../syntax/_literals.ts";
import { jsonElements, type JsValue, parseJson, readableExpr } from "../runtime/_values.ts";
import {
  AGGREGATE_FUNCTIONS,
  type AggregateCall,
  type AggregateOutput,
  type AggregateSite,
  type CallSite,
  defineAggregate,
  defineScalar,
} from "./_registry.ts";
import { expectType } from "./_define.ts";
import { convertUnits, UNITS } from "./stats/_units.ts";
import {
  type Digest,
  digestFromJson,
  digestOf,
  digestPercentile,
  digestRank,
  digestToJson,
  mergeDigests,
} from "./stats/_tdigest.ts";
import { argumentName } from "../compile/_names.ts";

// ---------------------------------------------------------------- aggregate helpers

/** The column name an argument contributes to an output name (`x` in `covariance_x_y`). */
function argName(e: A.Expression | undefined): string {
  return argumentName(e);
}

function named(prefix: string, ...args: Array<A.Expression | undefined>): string {
  return [prefix, ...args.map(argName).filter(Boolean)].join("_");
}

function one(output: AggregateOutput): AggregateCall {
  return { inputs: [], outputs: [output] };
}

type Input = ReturnType<AggregateSite["input"]>;

/** Input `i`, which must be a number (or, with `time`, a datetime or timespan). */
function numberInput(site: AggregateSite, i: number, time = false): Input {
  const arg = site.call.args[i];
  const x = site.input(arg);
  const timeOk = time && (x.type === "datetime" || x.type === "timespan");
  if (!isNumeric(x.type) && !timeOk) {
    throw site.env.ctx.error(
      `argument ${i + 1} of ${site.call.name}() must be a number${
        time ? ", datetime or timespan" : ""
      }, not ${x.type}`,
      arg.span,
    );
  }
  return x;
}

/** Input `i` as a filter: a bool, null counting as false. */
function predicate(site: AggregateSite, i: number): Expr {
  const arg = site.call.args[i];
  const p = site.input(arg);
  if (p.type !== "bool") {
    throw site.env.ctx.error(
      `argument ${i + 1} of ${site.call.name}() must be a bool, not ${p.type}`,
      arg.span,
    );
  }
  return pl.col(p.column).fillNull(false);
}

/** A constant number argument (a literal, or a name bound to a constant). */
function constantNumber(site: AggregateSite, arg: A.Expression): number {
  const value = compileExpr(arg, site.env).constant?.value;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw site.env.ctx.error(`a percentile must be a constant number`, arg.span);
  }
  return value;
}

/** Constant percentiles from `from` on: numbers, or one dynamic array of numbers. */
function percentilesOf(site: AggregateSite, from: number): number[] {
  const args = site.call.args.slice(from);
  if (args.length === 1) {
    const value = compileExpr(args[0], site.env).constant?.value;
    if (Array.isArray(value)) {
      if (!value.every((v) => typeof v === "number")) {
        throw site.env.ctx.error("the percentiles must be numbers", args[0].span);
      }
      return value as number[];
    }
  }
  return args.map((a) => constantNumber(site, a));
}

// ---------------------------------------------------------------- covariance

for (
  const [name, ddof, conditional] of [
    ["covariance", 1, false],
    ["covariancep", 0, false],
    ["covarianceif", 1, true],
    ["covariancepif", 0, true],
  ] as const
) {
  defineAggregate(name, {
    minArgs: conditional ? 3 : 2,
    maxArgs: conditional ? 3 : 2,
    compile(site) {
      const x = numberInput(site, 0);
      const y = numberInput(site, 1);
      // Pairs with a null on either side are left out, as are rows the predicate rejects.
      let keep = pl.col(x.column).isNotNull().and(pl.col(y.column).isNotNull());
      if (conditional) keep = keep.and(predicate(site, 2));
      const a = pl.col(x.column).cast(pl.Float64).filter(keep);
      const b = pl.col(y.column).cast(pl.Float64).filter(keep);
      return one({
        expr: pl.cov(a, b, ddof),
        type: "real",
        name: named(name, site.call.args[0], site.call.args[1]),
      });
    },
  });
}

// ---------------------------------------------------------------- percentiles

/**
 * The nearest-rank `p`-th percentile of `x` weighted by `w` (null and non-positive
 * weights left out), in x's readable form (datetimes and timespans as microseconds).
 */
function weightedPercentile(x: Input, w: Expr, p: number): Expr {
  const ok = pl.col(x.column).isNotNull().and(w.isNotNull()).and(w.gt(0));
  const values = readableExpr(pl.col(x.column), x.type).filter(ok);
  const weights = w.cast(pl.Float64).filter(ok);
  const cumulative = weights.sortBy(values).cumSum();
  return values.sort().filter(cumulative.gtEq(weights.sum().mul(p / 100))).first();
}

/** A readable-form value back in x's type. */
function typed(expr: Expr, type: KustoType): Expr {
  if (type === "datetime") return expr.cast(DATETIME);
  if (type === "timespan") return expr.cast(DURATION);
  return expr;
}

function percentileName(arg: A.Expression, p: number): string {
  return `${named("percentile", arg)}_${String(p).replace(".", "_")}`;
}

/** The weight input of the weighted percentiles: a number. */
function weightOf(site: AggregateSite): Expr {
  return pl.col(numberInput(site, 1).column);
}

/** An aggregate output holding several percentiles as a dynamic array. */
function percentileArray(x: Input, w: Expr, ps: number[], name: string): AggregateOutput {
  return {
    expr: pl.concatList(ps.map((p) => weightedPercentile(x, w, p))),
    type: "dynamic",
    name,
    post: (v) =>
      jsonElements(
        ((v ?? []) as JsValue[]).map((e) => (e === null ? null : Number(e))),
        x.type,
      ),
  };
}

defineAggregate("percentilew", {
  minArgs: 3,
  maxArgs: 3,
  compile(site) {
    const x = numberInput(site, 0, true);
    const [p] = percentilesOf(site, 2);
    return one({
      expr: typed(weightedPercentile(x, weightOf(site), p), x.type),
      type: x.type,
      name: percentileName(site.call.args[0], p),
    });
  },
});

defineAggregate("percentilesw", {
  minArgs: 3,
  maxArgs: Infinity,
  compile(site) {
    const x = numberInput(site, 0, true);
    const w = weightOf(site);
    return {
      inputs: [],
      outputs: percentilesOf(site, 2).map((p) => ({
        expr: typed(weightedPercentile(x, w, p), x.type),
        type: x.type,
        name: percentileName(site.call.args[0], p),
      })),
    };
  },
});

defineAggregate("percentilesw_array", {
  minArgs: 3,
  maxArgs: Infinity,
  compile(site) {
    const x = numberInput(site, 0, true);
    const name = named("percentiles", site.call.args[0]);
    return one(percentileArray(x, weightOf(site), percentilesOf(site, 2), name));
  },
});

// _aggregates.ts owns the unweighted percentiles; this fills the array form if it lacks it.
if (!AGGREGATE_FUNCTIONS.has("percentiles_array")) {
  defineAggregate("percentiles_array", {
    minArgs: 2,
    maxArgs: Infinity,
    compile(site) {
      const x = numberInput(site, 0, true);
      // Every present value weighs 1.
      const w = pl.col(x.column).isNotNull().cast(pl.Float64);
      const name = named("percentiles", site.call.args[0]);
      return one(percentileArray(x, w, percentilesOf(site, 1), name));
    },
  });
}

// ---------------------------------------------------------------- t-digest

defineAggregate("tdigest", {
  minArgs: 1,
  maxArgs: 2,
  compile(site) {
    const x = numberInput(site, 0, true);
    const w = site.call.args[1]
      ? pl.col(numberInput(site, 1).column).cast(pl.Float64)
      : pl.col(x.column).isNotNull().cast(pl.Float64);
    const points = pl.struct([
      readableExpr(pl.col(x.column), x.type).cast(pl.Float64).alias("v"),
      w.alias("w"),
    ]);
    return one({
      expr: points.filter(pl.col(x.column).isNotNull()).implode(),
      type: "dynamic",
      name: named("tdigest", site.call.args[0]),
      // No values: null, not an empty digest (summarize-operator.md, "Default values").
      post: (v) =>
        v === null || (v as JsValue[]).length === 0 ? null : digestToJson(
          digestOf(v as Array<{ v: number | null; w: number | null }>, x.type),
        ),
    });
  },
});

/** Merges the digests of a column (`tdigest_merge()`, also spelled `merge_tdigest()`). */
for (const name of ["tdigest_merge", "merge_tdigest"]) {
  defineAggregate(name, {
    minArgs: 1,
    maxArgs: 1,
    compile(site) {
      const arg = site.call.args[0];
      const d = site.input(arg);
      if (d.type !== "dynamic") {
        throw site.env.ctx.error(`${name}() needs a tdigest (dynamic), not ${d.type}`, arg.span);
      }
      return one({
        expr: pl.col(d.column).dropNulls().implode(),
        type: "dynamic",
        name: named("merge_tdigests", arg),
        post: (v) => {
          const digests = ((v ?? []) as string[]).map((t) => digestFromJson(parseJson(t)));
          const merged = mergeDigests(digests.filter((g): g is Digest => g !== null));
          return merged && digestToJson(merged);
        },
      });
    },
  });
}

function expectDigest(args: Typed[], i: number, site: CallSite): void {
  expectType(args, i, ["dynamic"], site);
}

defineScalar("merge_tdigest", {
  minArgs: 1,
  maxArgs: 64,
  compile(args, site) {
    args.forEach((_, i) => expectDigest(args, i, site));
    return site.env.rowwise(args, "dynamic", (values) => {
      const digests = values.map(digestFromJson).filter((d): d is Digest => d !== null);
      const merged = mergeDigests(digests);
      return merged && digestToJson(merged);
    });
  },
});

/** A digest value (µs for datetimes and timespans) as a value of `type`. */
function digestValue(v: number | null, digest: Digest, type: KustoType): JsValue {
  if (v === null) return null;
  if (type !== "dynamic") {
    return type === "long" || type === "int" ? Math.trunc(v) : v;
  }
  // In a dynamic value, datetimes and timespans take their text form.
  if (digest.type === "datetime") return formatDatetime(BigInt(Math.trunc(v)));
  if (digest.type === "timespan") return formatTimespan(BigInt(Math.trunc(v)));
  return v;
}

/** The result type named by a `typeof(...)` argument, or dynamic without one. */
function resultType(args: Typed[], i: number, site: CallSite): KustoType {
  if (!args[i]) return "dynamic";
  const name = args[i].constant?.value;
  const type = typeof name === "string" ? kustoTypeFromName(name) : undefined;
  if (!type) {
    throw site.env.ctx.error(
      `argument ${i + 1} of ${site.call.name}() must be a type literal such as typeof(long)`,
      site.call.args[i].span,
    );
  }
  return type;
}

defineScalar("percentile_tdigest", {
  minArgs: 2,
  maxArgs: 3,
  compile(args, site) {
    expectDigest(args, 0, site);
    expectType(args, 1, ["int", "long", "real", "decimal"], site);
    const type = resultType(args, 2, site);
    return site.env.rowwise(args.slice(0, 2), type, ([d, p]) => {
      const digest = digestFromJson(d);
      if (!digest || typeof p !== "number") return null;
      return digestValue(digestPercentile(digest, p), digest, type);
    });
  },
});

defineScalar("percentiles_array_tdigest", {
  minArgs: 2,
  maxArgs: 64,
  compile(args, site) {
    expectDigest(args, 0, site);
    for (let i = 1; i < args.length; i++) {
      expectType(args, i, ["int", "long", "real", "decimal", "dynamic"], site);
    }
    return site.env.rowwise(args, "dynamic", ([d, ...ps]) => {
      const digest = digestFromJson(d);
      const percentiles = ps.length === 1 && Array.isArray(ps[0]) ? ps[0] : ps;
      if (!digest || !percentiles.every((p) => typeof p === "number")) return null;
      return (percentiles as number[]).map((p) =>
        digestValue(digestPercentile(digest, p), digest, "dynamic")
      );
    });
  },
});

defineScalar("rank_tdigest", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    expectDigest(args, 0, site);
    expectType(args, 1, ["int", "long", "real", "decimal", "datetime", "timespan"], site);
    return site.env.rowwise(args, "real", ([d, v]) => {
      const digest = digestFromJson(d);
      return digest && typeof v === "number" ? digestRank(digest, v) : null;
    });
  },
});

// ---------------------------------------------------------------- unit conversion

for (const [name, units] of Object.entries(UNITS)) {
  defineScalar(name, {
    minArgs: 3,
    maxArgs: 3,
    compile(args, site) {
      expectType(args, 0, ["int", "long", "real", "decimal"], site);
      expectType(args, 1, ["string"], site);
      expectType(args, 2, ["string"], site);
      return site.env.rowwise(
        args,
        "real",
        ([value, from, to]) =>
          typeof value === "number" && typeof from === "string" && typeof to === "string"
            ? convertUnits(units, value, from, to)
            : null,
      );
    },
  });
}
