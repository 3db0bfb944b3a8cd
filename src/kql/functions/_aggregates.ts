/**
 * Aggregate functions for `summarize` (and `make-series`): counts, sums, averages,
 * extremes, sets and lists, bags, arg_max/arg_min, percentiles, deviations.
 *
 * @module
 */
import { type Expr, pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import { type AggregateCall, type AggregateSite, defineAggregate } from "./_registry.ts";
import {
  jsonElements,
  type JsValue,
  parseJsonKeepingReals,
  readableExpr,
} from "../runtime/_values.ts";
import { compileExpr } from "../compile/_expression.ts";
import { isNumeric } from "../compile/_conversion.ts";
import { argumentName } from "../compile/_names.ts";
import { exactIdentity, exactLong } from "../compile/_exact_values.ts";
import { listJson } from "../compile/_series_native.ts";
import { nativeDynamic } from "../compile/_dynamic_native.ts";

/** The column name an argument contributes to an output name (`sum_Bytes`), or "". */
function argName(e: A.Expression | undefined): string {
  return argumentName(e);
}

function named(prefix: string, ...args: Array<A.Expression | undefined>): string {
  return `${prefix}_${args.map(argName).filter(Boolean).join("_")}`;
}

function input(site: AggregateSite, i: number) {
  const arg = site.call.args[i];
  if (!arg) throw site.env.ctx.error(`${site.call.name}() needs argument ${i + 1}`, site.call.span);
  return site.input(arg);
}

function predicate(site: AggregateSite, i: number): Expr {
  const p = input(site, i);
  if (p.type !== "bool") {
    throw site.env.ctx.error(
      `argument ${i + 1} of ${site.call.name}() must be a bool`,
      site.call.args[i].span,
    );
  }
  return pl.col(p.column).fillNull(false);
}

function one(
  expr: Expr,
  type: KustoType,
  name: string,
  extra: Partial<AggregateCall["outputs"][0]> = {},
): AggregateCall {
  return { inputs: [], outputs: [{ expr, type, name, ...extra }] };
}

function sumType(type: KustoType): KustoType {
  return type === "real" || type === "decimal" ? "real" : type === "timespan" ? "timespan" : "long";
}

defineAggregate("count", {
  minArgs: 0,
  maxArgs: 1,
  compile(site) {
    // count(x) counts rows like count(), nulls included (as Kusto does); x names the column.
    const arg = site.call.args[0];
    const name = arg && arg.kind !== "star" ? named("count", arg) : "count_";
    return one(pl.len().cast(pl.Int64), "long", name);
  },
});

defineAggregate("countif", {
  minArgs: 1,
  maxArgs: 1,
  compile: (site) =>
    one(predicate(site, 0).cast(pl.Int64).sum(), "long", named("countif", site.call.args[0])),
});

defineAggregate(["dcount", "count_distinct"], {
  minArgs: 1,
  maxArgs: 2,
  compile(site) {
    const x = input(site, 0);
    return one(
      pl.col(x.column).dropNulls().nUnique().cast(pl.Int64),
      "long",
      named(site.call.name, site.call.args[0]),
    );
  },
});

defineAggregate(["dcountif", "count_distinctif"], {
  minArgs: 2,
  maxArgs: 3,
  compile(site) {
    const x = input(site, 0);
    const p = predicate(site, 1);
    return one(
      pl.col(x.column).filter(p).dropNulls().nUnique().cast(pl.Int64),
      "long",
      named(site.call.name, site.call.args[0]),
    );
  },
});

function numericInput(site: AggregateSite, i: number) {
  const x = input(site, i);
  if (!isNumeric(x.type) && x.type !== "timespan" && x.type !== "datetime" && x.type !== "bool") {
    throw site.env.ctx.error(
      `${site.call.name}() needs a number, not ${x.type}`,
      site.call.args[i].span,
    );
  }
  return x;
}

defineAggregate("sum", {
  minArgs: 1,
  maxArgs: 1,
  compile(site) {
    const x = numericInput(site, 0);
    const type = sumType(x.type);
    return one(castSum(pl.col(x.column), type), type, named("sum", site.call.args[0]));
  },
});

function castSum(expr: Expr, type: KustoType): Expr {
  if (type === "timespan") return expr.cast(pl.Int64).sum().cast(pl.Duration("us"));
  return expr.sum().cast(type === "real" ? pl.Float64 : pl.Int64);
}

defineAggregate("sumif", {
  minArgs: 2,
  maxArgs: 2,
  compile(site) {
    const x = numericInput(site, 0);
    const type = sumType(x.type);
    return one(
      castSum(pl.col(x.column).filter(predicate(site, 1)), type),
      type,
      named("sumif", site.call.args[0]),
    );
  },
});

defineAggregate("avg", {
  minArgs: 1,
  maxArgs: 1,
  compile(site) {
    const x = numericInput(site, 0);
    return one(mean(pl.col(x.column), x.type), meanType(x.type), named("avg", site.call.args[0]));
  },
});

defineAggregate("avgif", {
  minArgs: 2,
  maxArgs: 2,
  compile(site) {
    const x = numericInput(site, 0);
    return one(
      mean(pl.col(x.column).filter(predicate(site, 1)), x.type),
      meanType(x.type),
      named("avgif", site.call.args[0]),
    );
  },
});

function meanType(type: KustoType): KustoType {
  return type === "timespan" || type === "datetime" ? type : "real";
}

function mean(expr: Expr, type: KustoType): Expr {
  if (type === "timespan") return expr.cast(pl.Int64).mean().cast(pl.Int64).cast(pl.Duration("us"));
  if (type === "datetime") return expr.cast(pl.Int64).mean().cast(pl.Int64).cast(pl.Datetime("us"));
  // The sum of the values over their count: 0/0 is NaN when there are none (summarize-operator.md,
  // "The result of avg_x(x) is NaN due to dividing by 0"), nulls being ignored.
  return pl.when(expr.count().eq(0)).then(pl.lit(NaN)).otherwise(expr.cast(pl.Float64).mean());
}

for (const [name, max] of [["min", false], ["max", true]] as const) {
  defineAggregate(name, {
    minArgs: 1,
    maxArgs: 1,
    compile(site) {
      const x = input(site, 0);
      const c = pl.col(x.column);
      return one(max ? c.max() : c.min(), x.type, named(name, site.call.args[0]));
    },
  });
  defineAggregate(`${name}if`, {
    minArgs: 2,
    maxArgs: 2,
    compile(site) {
      const x = input(site, 0);
      const c = pl.col(x.column).filter(predicate(site, 1));
      return one(max ? c.max() : c.min(), x.type, named(`${name}if`, site.call.args[0]));
    },
  });
}

function listPost(type: KustoType, set: boolean, limit?: number) {
  return (value: JsValue): JsValue => {
    // Longs arrive as text (exact beyond 2^53, see listAggregate).
    let items = type === "long"
      ? (value as (string | null)[]).map((v) => v === null ? null : exactLong(v))
      : jsonElements(value as JsValue[], type);
    if (type === "dynamic") {
      // Dynamic arrays contribute their elements (one level), as Kusto's lists and sets do.
      // Their numbers stay exact (longs beyond 2^53, integral reals).
      items = (value as string[]).map((v) => (v === null ? null : parseJsonKeepingReals(v)))
        .flatMap((v) => (Array.isArray(v) ? v : [v]));
    }
    if (set && type === "dynamic") {
      // A set of dynamic values: arrays contribute their elements.
      const seen = new Set<string>();
      const out: JsValue[] = [];
      for (const item of items) {
        const key = exactIdentity(item);
        if (item === null || seen.has(key)) continue;
        seen.add(key);
        out.push(item);
      }
      items = out;
    }
    return limit === undefined ? items : items.slice(0, limit);
  };
}

function limitArg(site: AggregateSite, i: number): number | undefined {
  const arg = site.call.args[i];
  return arg ? constantNumber(site, arg, "the limit") : undefined;
}

/** A constant number argument (a literal, or a name bound to a constant). */
function constantNumber(site: AggregateSite, arg: A.Expression, what: string): number {
  const value = compileExpr(arg, site.env).constant?.value;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw site.env.ctx.error(`${what} must be a constant number`, arg.span);
  }
  return value;
}

/**
 * The element types whose lists Polars writes as JSON text exactly as `JSON.stringify`
 * writes them (serde escapes the same characters; longs stay exact): the others (reals,
 * dates, dynamic values) are written in JavaScript.
 */
const NATIVE_LIST_TYPES: ReadonlySet<KustoType> = new Set([
  "string",
  "guid",
  "int",
  "long",
  "bool",
]);

/** The most elements make_list() and make_set() return (Kusto's maxSize, default and max). */
const MAX_LIST_SIZE = 1_048_576;

function listAggregate(prefix: string, set: boolean, conditional: boolean) {
  return {
    minArgs: conditional ? 2 : 1,
    maxArgs: conditional ? 3 : 2,
    compile(site: AggregateSite): AggregateCall {
      const x = input(site, 0);
      // Dynamic values known to be JSON strings (an expanded array of strings): their
      // strings make the list, each one element.
      const strings = x.type === "dynamic" && nativeDynamic() ? x.typed.jsonString : undefined;
      const native = strings !== undefined || (NATIVE_LIST_TYPES.has(x.type) && nativeDynamic());
      let c = strings
        ? pl.col(site.addInput({ expr: strings, type: "string" }))
        : readableExpr(pl.col(x.column), x.type);
      // A long beyond 2^53 leaves Polars exactly only as text (unless Polars writes it).
      if (x.type === "long" && !native) c = c.cast(pl.Utf8);
      if (conditional) c = c.filter(predicate(site, 1));
      c = c.dropNulls();
      if (set && (x.type !== "dynamic" || strings)) c = c.unique({ maintainOrder: true } as never);
      // Kusto's maxSize: 1,048,576 elements by default and at most.
      const limit = Math.min(limitArg(site, conditional ? 2 : 1) ?? MAX_LIST_SIZE, MAX_LIST_SIZE);
      // One element per row (dynamic arrays contribute several): cut before building the list.
      if (x.type !== "dynamic" || strings) c = c.head(limit);
      // Polars writes the JSON text (no barrier): serde writes strings, whole numbers and
      // booleans as JSON.stringify does.
      // Either way the text is canonical (serde's or JSON.stringify's): `tostring()` reads it.
      if (native) {
        return one(listJson(c.implode()), "dynamic", named(prefix, site.call.args[0]), {
          canonicalJson: true,
        });
      }
      return one(c.implode(), "dynamic", named(prefix, site.call.args[0]), {
        canonicalJson: true,
        list: false,
        post: (v) => listPost(x.type, set, limit)(v === null ? [] : v),
      });
    },
  };
}

defineAggregate(["make_set", "makeset"], listAggregate("set", true, false));
defineAggregate("make_set_if", listAggregate("set", true, true));
defineAggregate(["make_list", "makelist"], listAggregate("list", false, false));
defineAggregate("make_list_if", listAggregate("list", false, true));
defineAggregate("make_list_with_nulls", {
  minArgs: 1,
  maxArgs: 1,
  compile(site) {
    const x = input(site, 0);
    return one(
      // Longs as text: exact beyond 2^53.
      (x.type === "long" ? pl.col(x.column).cast(pl.Utf8) : readableExpr(pl.col(x.column), x.type))
        .implode(),
      "dynamic",
      named("list", site.call.args[0]),
      {
        canonicalJson: true,
        post: (v) => {
          const values = (v ?? []) as JsValue[];
          return x.type === "dynamic"
            ? values.map((s) => (s === null ? null : parseJsonKeepingReals(s as string)))
            : x.type === "long"
            ? values.map((s) => (s === null ? null : exactLong(s as string)))
            : jsonElements(values, x.type);
        },
      },
    );
  },
});

function bagAggregate(conditional: boolean) {
  return {
    minArgs: conditional ? 2 : 1,
    maxArgs: conditional ? 3 : 2,
    compile(site: AggregateSite): AggregateCall {
      const x = input(site, 0);
      let c = pl.col(x.column);
      if (conditional) c = c.filter(predicate(site, 1));
      return one(c.dropNulls().implode(), "dynamic", named("bag", site.call.args[0]), {
        canonicalJson: true,
        post: (v) => {
          // No prototype: keys such as "constructor" or "__proto__" are the bag's own.
          const bag: Record<string, unknown> = Object.create(null);
          for (const text of (v ?? []) as string[]) {
            const value = parseJsonKeepingReals(text);
            if (value && typeof value === "object" && !Array.isArray(value)) {
              for (const [k, item] of Object.entries(value)) if (!(k in bag)) bag[k] = item;
            }
          }
          return bag;
        },
      });
    },
  };
}

defineAggregate("make_bag", bagAggregate(false));
defineAggregate("make_bag_if", bagAggregate(true));

/**
 * `arg_max`/`arg_min` (and the old `argmax`/`argmin`, `old`), named as Kusto.Language names
 * them: the target by its name (`max_` for an unnamed expression), each returned value by its
 * name or `Name = ` (an unnamed expression at argument i is `max_<target>_arg<i>`); the old
 * forms prefix `max_<target>` and `max_<target>_`.
 */
function argExtreme(max: boolean, old = false) {
  const prefix = max ? "max" : "min";
  return {
    minArgs: 1,
    maxArgs: Infinity,
    compile(site: AggregateSite): AggregateCall {
      const [target, ...rest] = site.call.args;
      const t = site.input(target);
      // The first row when every target is null; no row (null results) when there are no
      // rows at all, where gathering row 0 would be out of bounds.
      const extreme = (max ? pl.col(t.column).argMax() : pl.col(t.column).argMin()).fillNull(0);
      const index = pl.when(pl.len().gt(0)).then(extreme).otherwise(pl.lit(null));
      const given = argName(target);
      // `*` leaves out the target's own column, also when the target is renamed.
      const targetColumn = argName(target.kind === "paren" ? target.expression : target);
      const targetName = old ? `${prefix}_${given}` : given || `${prefix}_`;
      const returnedName = (name: string) => old ? `${prefix}_${given}_${name}` : name;
      const outputs: AggregateCall["outputs"][number][] = [
        { expr: pl.col(t.column).gather(index).first(), type: t.type, name: targetName },
      ];
      const returned: Array<{ name: string; typed: { column: string; type: KustoType } }> = [];
      rest.forEach((arg, i) => {
        if (arg.kind === "star") {
          for (const c of site.columns) {
            if (c.name === targetColumn || site.keys.includes(c.name)) continue;
            if (returned.some((r) => r.name === returnedName(c.name))) continue;
            const column = site.addInput({ expr: pl.col(c.name), type: c.type });
            returned.push({ name: returnedName(c.name), typed: { column, type: c.type } });
          }
        } else {
          const x = site.input(arg);
          const name = argName(arg);
          returned.push({
            name: name ? returnedName(name) : `${prefix}_${given}_arg${i + 1}`,
            typed: x,
          });
        }
      });
      for (const r of returned) {
        outputs.push({
          expr: pl.col(r.typed.column).gather(index).first(),
          type: r.typed.type,
          name: r.name,
        });
      }
      return { inputs: [], outputs };
    },
  };
}

defineAggregate("arg_max", argExtreme(true));
defineAggregate("arg_min", argExtreme(false));
defineAggregate("argmax", argExtreme(true, true));
defineAggregate("argmin", argExtreme(false, true));

defineAggregate(["take_any", "any"], {
  minArgs: 1,
  maxArgs: Infinity,
  compile(site) {
    const outputs = site.call.args.flatMap((arg, i) => {
      if (arg.kind === "star") {
        return site.columns.filter((c) => !site.keys.includes(c.name)).map((c) => ({
          expr: pl.col(site.addInput({ expr: pl.col(c.name), type: c.type })).first(),
          type: c.type,
          name: c.name,
        }));
      }
      const x = site.input(arg);
      // take_any(x) is named x (any_arg0 for an expression); the old any(x) is any_x.
      const name = site.call.name === "any" ? named("any", arg) : argName(arg) || `any_arg${i}`;
      return [{ expr: pl.col(x.column).dropNulls().first(), type: x.type, name }];
    });
    return { inputs: [], outputs };
  },
});

function percentileName(arg: A.Expression, p: number): string {
  return `percentile_${argName(arg)}_${String(p).replace(".", "_")}`;
}

function percentileExpr(column: string, type: KustoType, p: number): Expr {
  // Kusto returns a value of the data by nearest rank: the ceil(p% * n)-th smallest.
  const rank = pl.lit(p / 100).mul(pl.col(column).count()).ceil().sub(1);
  // No values (an empty group, or nulls only): no index, so the result is null.
  const index = pl.when(pl.col(column).count().eq(0)).then(pl.lit(null))
    .when(rank.lt(0)).then(pl.lit(0)).otherwise(rank).cast(pl.Int64);
  const expr = readableExpr(pl.col(column), type).dropNulls().sort().gather(index as never)
    .first();
  return type === "datetime" || type === "timespan"
    ? expr.cast(type === "datetime" ? pl.Datetime("us") : pl.Duration("us"))
    : expr;
}

function percentilesOf(site: AggregateSite, from: number) {
  return site.call.args.slice(from).map((a) => {
    const p = constantNumber(site, a, "a percentile");
    if (p < 0 || p > 100) {
      throw site.env.ctx.error(
        `a percentile must be between 0 and 100, not ${p}`,
        a.span,
        "Percentiles are percentages: the median is 50, the 95th percentile 95.",
      );
    }
    return p;
  });
}

defineAggregate("percentile", {
  minArgs: 2,
  maxArgs: 2,
  compile(site) {
    const x = numericInput(site, 0);
    const [p] = percentilesOf(site, 1);
    return one(percentileExpr(x.column, x.type, p), x.type, percentileName(site.call.args[0], p));
  },
});

defineAggregate("percentiles", {
  minArgs: 2,
  maxArgs: Infinity,
  compile(site) {
    const x = numericInput(site, 0);
    return {
      inputs: [],
      outputs: percentilesOf(site, 1).map((p) => ({
        expr: percentileExpr(x.column, x.type, p),
        type: x.type,
        name: percentileName(site.call.args[0], p),
      })),
    };
  },
});

/** Sample (ddof 1) or population (ddof 0) variance or standard deviation. */
function deviation(c: Expr, ddof: 0 | 1, sqrt: boolean): Expr {
  // Population form from the sample one; one value deviates by 0 (the sample form is null there).
  const variance = ddof === 1 ? c.var() : pl.when(c.count().eq(1)).then(pl.lit(0)).otherwise(
    c.var().mul(c.count().sub(1)).div(c.count()),
  );
  // Over no values (nulls ignored) the default is 0 (summarize-operator.md, "Default values").
  return pl.when(c.count().eq(0)).then(pl.lit(0)).otherwise(sqrt ? variance.pow(0.5) : variance);
}

for (
  const [name, ddof, sqrt] of [["stdev", 1, true], ["stdevp", 0, true], ["variance", 1, false], [
    "variancep",
    0,
    false,
  ]] as const
) {
  defineAggregate(name, {
    minArgs: 1,
    maxArgs: 1,
    compile(site) {
      const x = numericInput(site, 0);
      return one(
        deviation(pl.col(x.column).cast(pl.Float64), ddof, sqrt),
        "real",
        named(name, site.call.args[0]),
      );
    },
  });
  // Kusto has stdevif, varianceif and variancepif, but no stdevpif.
  if (name === "stdevp") continue;
  defineAggregate(`${name}if`, {
    minArgs: 2,
    maxArgs: 2,
    compile(site) {
      const x = numericInput(site, 0);
      const c = pl.col(x.column).cast(pl.Float64).filter(predicate(site, 1));
      return one(deviation(c, ddof, sqrt), "real", named(`${name}if`, site.call.args[0]));
    },
  });
}
