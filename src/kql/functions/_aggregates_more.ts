/**
 * Aggregates beyond the everyday ones: `take_anyif` (and its old name `anyif`), the bitwise
 * `binary_all_and`/`binary_all_or`/`binary_all_xor`, `make_dictionary` (an old name of
 * `make_bag`), `buildschema`, and the old `argmax`/`argmin` with their `max_`/`min_` column
 * names. Output names follow Kusto.Language's result-name rules for each.
 *
 * @module
 */
import { type Expr, pl } from "../../polars.ts";
import type * as A from "../syntax/ast.ts";
import { argumentName } from "../compile/_names.ts";
import { type JsValue, parseJson } from "../runtime/_values.ts";
import {
  AGGREGATE_FUNCTIONS,
  type AggregateCall,
  type AggregateFunction,
  type AggregateSite,
  defineAggregate,
} from "./_registry.ts";

/** The column name an argument contributes to an output name, or "". */
function argName(e: A.Expression | undefined): string {
  return argumentName(e);
}

function boolInput(site: AggregateSite, i: number): Expr {
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

// ---------------------------------------------------------------- take_anyif

for (const name of ["take_anyif", "anyif"]) {
  defineAggregate(name, {
    minArgs: 2,
    maxArgs: 2,
    compile(site) {
      const arg = site.call.args[0];
      const x = site.input(arg);
      const keep = boolInput(site, 1);
      // take_anyif(x, p) is named like x (an expression is left unnamed: Column1...); the
      // old anyif(x, p) is anyif_x.
      const column = argName(arg);
      const outName = name === "anyif" ? `anyif_${column}` : column;
      return {
        inputs: [],
        outputs: [{
          expr: pl.col(x.column).filter(keep).dropNulls().first(),
          type: x.type,
          name: outName,
        }],
      };
    },
  });
}

// ---------------------------------------------------------------- binary_all_*

/** Bit `k` of a 64-bit integer as an Int64 literal (2^63 is built from 2^62, exactly). */
function bit(k: number): Expr {
  return k === 63
    ? pl.lit(-(2 ** 62)).cast(pl.Int64).mul(pl.lit(2).cast(pl.Int64))
    : pl.lit(2 ** k).cast(pl.Int64);
}

/**
 * A bitwise reduction over a group, bit by bit in Polars (a long does not fit a JS number):
 * bit k of the result is whether all (and), any (or) or an odd number (xor) of the values
 * have it.
 */
function bitwise(column: string, op: "and" | "or" | "xor"): Expr {
  const values = pl.col(column).cast(pl.Int64).dropNulls();
  let result: Expr = pl.lit(0).cast(pl.Int64);
  for (let k = 0; k < 64; k++) {
    const set = values.and(bit(k)).neq(pl.lit(0));
    const on = op === "and" ? set.all() : op === "or" ? set.any() : set.cast(pl.Int64).sum()
      .modulo(2).eq(pl.lit(1));
    result = result.add(pl.when(on).then(bit(k)).otherwise(pl.lit(0).cast(pl.Int64)));
  }
  // No values: null, as Kusto's aggregates give over nothing.
  return pl.when(values.count().gt(0)).then(result).otherwise(pl.lit(null).cast(pl.Int64));
}

for (const op of ["and", "or", "xor"] as const) {
  defineAggregate(`binary_all_${op}`, {
    minArgs: 1,
    maxArgs: 1,
    compile(site) {
      const arg = site.call.args[0];
      const x = site.input(arg);
      if (x.type !== "long" && x.type !== "int") {
        throw site.env.ctx.error(
          `binary_all_${op}() needs a long, not ${x.type}`,
          arg.span,
        );
      }
      const out = bitwise(x.column, op);
      return {
        inputs: [],
        outputs: [{
          expr: x.type === "int" ? out.cast(pl.Int32) : out,
          type: x.type,
          name: argName(arg) || `binary_all_${op}_`,
        }],
      };
    },
  });
}

// ---------------------------------------------------------------- make_dictionary

/** An aggregate registered under another name, its outputs renamed. */
function renamed(
  base: string,
  rename: (name: string, index: number, site: AggregateSite) => string,
): AggregateFunction {
  const fn = AGGREGATE_FUNCTIONS.get(base);
  if (!fn) throw new Error(`internal: the aggregate ${base}() is not registered`);
  return {
    minArgs: fn.minArgs,
    maxArgs: fn.maxArgs,
    compile(site): AggregateCall {
      const call = fn.compile(site);
      return {
        ...call,
        outputs: call.outputs.map((o, i) => ({ ...o, name: rename(o.name, i, site) })),
      };
    },
  };
}

defineAggregate(
  "make_dictionary",
  renamed("make_bag", (name) => name.replace(/^bag_/, "dictionary_")),
);

// ---------------------------------------------------------------- buildschema

/** A schema in Kusto's notation: a type name, a container, or a union (an array). */
type Schema = string | { [key: string]: Schema } | Schema[];

function primitive(value: unknown): string {
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "long" : "double";
  return "string";
}

/** The schema of one value (null admits nothing: undefined). */
function schemaOf(value: unknown): Schema | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    let items: Schema | undefined;
    for (const item of value) items = unite(items, schemaOf(item));
    return items === undefined ? {} : { "`indexer`": items };
  }
  if (typeof value === "object") {
    const out: Record<string, Schema> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const s = schemaOf(v);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return primitive(value);
}

const isContainer = (s: Schema): s is Record<string, Schema> =>
  typeof s === "object" && !Array.isArray(s);

/** The minimal schema admitting what `a` and `b` admit: containers merge, others unite. */
function unite(a: Schema | undefined, b: Schema | undefined): Schema | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const members = Array.isArray(a) ? [...a] : [a];
  for (const s of Array.isArray(b) ? b : [b]) {
    const same = members.findIndex((m) =>
      isContainer(m) && isContainer(s) ? true : JSON.stringify(m) === JSON.stringify(s)
    );
    if (same < 0) members.push(s);
    else if (isContainer(members[same]) && isContainer(s)) {
      const merged: Record<string, Schema> = { ...(members[same] as Record<string, Schema>) };
      for (const [k, v] of Object.entries(s)) merged[k] = unite(merged[k], v)!;
      members[same] = merged;
    }
  }
  return members.length === 1 ? members[0] : members;
}

defineAggregate("buildschema", {
  minArgs: 1,
  maxArgs: 1,
  compile(site) {
    const arg = site.call.args[0];
    const x = site.input(arg);
    if (x.type !== "dynamic") {
      throw site.env.ctx.error(`buildschema() needs a dynamic value, not ${x.type}`, arg.span);
    }
    return {
      inputs: [],
      outputs: [{
        expr: pl.col(x.column).dropNulls().implode(),
        type: "dynamic",
        name: `schema_${argName(arg)}`,
        post: (v: JsValue) => {
          let schema: Schema | undefined;
          for (const text of (v ?? []) as string[]) {
            schema = unite(schema, schemaOf(parseJson(text)));
          }
          return schema ?? null;
        },
      }],
    };
  },
});
