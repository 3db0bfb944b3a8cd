/**
 * The lookup plugins: `ipv4_lookup` and `ipv6_lookup` (rows whose address falls in a
 * lookup row's network, with optional extra keys), and `geo_polygon_lookup` and
 * `geo_line_lookup` (rows whose location falls in a polygon, or near a line, of the
 * lookup table). Each returns the matches, one row per matching pair, and with
 * `return_unmatched = true` the unmatched input rows too, their lookup columns empty.
 *
 * @module
 */
import { pl } from "../../../polars.ts";
import type { ColumnSchema } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import type { Relation } from "../_context.ts";
import type { JsValue } from "../../runtime/_values.ts";
import { readIpv4, readIpv6 } from "../../functions/_ip.ts";
import { columnName, keyOf, type PluginCall, relationOf, rowsOf } from "./_args.ts";

/** A matching pair: an input row and a lookup row (undefined for an unmatched input row). */
type Pair = readonly [number, number | undefined];

/**
 * The result of a lookup: input columns and lookup columns (those of the same name as an
 * input column are left out, as `lookup` does with its keys), either order.
 */
function joined(
  input: Relation,
  lookup: Relation,
  pairs: readonly Pair[],
  options: { lookupFirst?: boolean; dropLookup?: ReadonlySet<string> } = {},
): Relation {
  const inputRows = rowsOf(input);
  const lookupRows = rowsOf(lookup);
  const inputNames = new Set(input.columns.map((c) => c.name));
  const lookupColumns = lookup.columns.filter((c) =>
    !inputNames.has(c.name) && !options.dropLookup?.has(c.name)
  );
  const inputValues = input.columns.map((c) => pairs.map(([i]) => inputRows.get(c.name)![i]));
  const lookupValues = lookupColumns.map((c) =>
    pairs.map(([, j]) => (j === undefined ? null : lookupRows.get(c.name)![j]))
  );
  return options.lookupFirst
    ? relationOf([...lookupColumns, ...input.columns], [...lookupValues, ...inputValues])
    : relationOf([...input.columns, ...lookupColumns], [...inputValues, ...lookupValues]);
}

/** The matching pairs, then (when asked) each unmatched input row once. */
function withUnmatched(pairs: Pair[], height: number, returnUnmatched: boolean): Pair[] {
  if (!returnUnmatched) return pairs;
  const matched = new Set(pairs.map(([i]) => i));
  for (let i = 0; i < height; i++) if (!matched.has(i)) pairs.push([i, undefined]);
  return pairs;
}

// ---------------------------------------------------------------- ipv4_lookup, ipv6_lookup

/** An address or network read from text: its masked value and prefix length. */
interface Network {
  readonly value: bigint;
  readonly prefix: number;
}

function network(text: JsValue, v6: boolean): Network | null {
  if (v6) {
    const ip = readIpv6(text);
    return ip && { value: mask(ip.value, ip.prefix, 128), prefix: ip.prefix };
  }
  const ip = readIpv4(text);
  return ip && { value: mask(BigInt(ip.value), ip.prefix, 32), prefix: ip.prefix };
}

function mask(value: bigint, prefix: number, bits: number): bigint {
  const drop = BigInt(bits - prefix);
  return (value >> drop) << drop;
}

/**
 * `ipv4_lookup(LookupTable, SourceKey, LookupKey [, ExtraKeys...] [, return_unmatched])` and
 * `ipv6_lookup(LookupTable, SourceKey, LookupKey [, return_unmatched])`.
 */
export function ipLookup(p: PluginCall, v6: boolean): Relation {
  p.arity(
    3,
    Infinity,
    "a lookup table, the input's address column and the lookup's network column",
  );
  const [tableArg, sourceArg, lookupKeyArg, ...rest] = p.args;
  const lookup = p.table(tableArg);
  const keyName = columnName(lookupKeyArg);
  if (!keyName || !lookup.columns.some((c) => c.name === keyName)) {
    throw p.ctx.error(
      `the third argument of ${p.name}() must be a column of the lookup table`,
      lookupKeyArg.span,
    );
  }
  let returnUnmatched = p.bool(p.namedArg("return_unmatched"), "return_unmatched", false);
  const extra: string[] = [];
  rest.forEach((e, i) => {
    const name = columnName(e);
    if (name && p.input.columns.some((c) => c.name === name)) {
      if (!lookup.columns.some((c) => c.name === name)) {
        throw p.ctx.error(`the lookup table of ${p.name}() has no column '${name}'`, e.span);
      }
      extra.push(name);
    } else if (i === rest.length - 1) returnUnmatched = p.bool(e, "return_unmatched", false);
    else throw p.ctx.error(`${p.name}() takes extra key columns here`, e.span);
  });
  const [source] = p.compute([sourceArg]);
  const inputRows = extra.length > 0 ? rowsOf(p.input) : new Map<string, JsValue[]>();
  const lookupRows = rowsOf(lookup);
  // Lookup rows by prefix length, then by masked network and extra keys.
  const byPrefix = new Map<number, Map<string, number[]>>();
  lookupRows.get(keyName)!.forEach((text, j) => {
    const net = network(text, v6);
    if (!net) return;
    const key = keyOf([net.value.toString(), ...extra.map((k) => lookupRows.get(k)![j])]);
    const nets = byPrefix.get(net.prefix) ?? new Map<string, number[]>();
    (nets.get(key) ?? nets.set(key, []).get(key)!).push(j);
    byPrefix.set(net.prefix, nets);
  });
  const prefixes = [...byPrefix.keys()].sort((a, b) => b - a);
  const bits = v6 ? 128 : 32;
  const pairs: Pair[] = [];
  source.values.forEach((text, i) => {
    const address = network(text, v6);
    if (!address) return;
    const extras = extra.map((k) => inputRows.get(k)![i]);
    for (const prefix of prefixes) {
      if (prefix > address.prefix) continue;
      const key = keyOf([mask(address.value, prefix, bits).toString(), ...extras]);
      for (const j of byPrefix.get(prefix)!.get(key) ?? []) pairs.push([i, j]);
    }
  });
  // Kusto returns ipv6_lookup's lookup columns first (its documented results show it).
  return joined(p.input, lookup, withUnmatched(pairs, source.values.length, returnUnmatched), {
    lookupFirst: v6,
  });
}

// ---------------------------------------------------------------- geo_polygon_lookup, geo_line_lookup

/**
 * `geo_polygon_lookup(LookupTable, PolygonKey, Longitude, Latitude [, radius]
 * [, return_unmatched] [, lookup_area_radius] [, return_lookup_key])` and
 * `geo_line_lookup(LookupTable, LineKey, Longitude, Latitude, radius, ...)`: the
 * containment and distance tests are Kusto's `geo_point_in_polygon()`,
 * `geo_distance_point_to_polygon()` and `geo_distance_point_to_line()`.
 */
export function geoLookup(p: PluginCall, shape: "polygon" | "line"): Relation {
  const minimum = shape === "line" ? 5 : 4;
  p.arity(minimum, 8, "a lookup table, its shape column, longitude and latitude columns, options");
  const [tableArg, keyArg, lngArg, latArg] = p.args;
  const lookup = p.table(tableArg);
  const keyName = columnName(keyArg);
  const key = lookup.columns.find((c) => c.name === keyName);
  if (!key || key.type !== "dynamic") {
    throw p.ctx.error(
      `the second argument of ${p.name}() must be a dynamic column of the lookup table`,
      keyArg.span,
    );
  }
  const radiusArg = p.arg(4, "radius");
  const radius = radiusArg ? p.number(radiusArg, "the radius") : undefined;
  const returnUnmatched = p.bool(p.arg(5, "return_unmatched"), "return_unmatched", false);
  const returnKey = p.bool(p.arg(7, "return_lookup_key"), "return_lookup_key", false);

  // Every input row against every lookup row (the lookup table is small), tested by the
  // geo function itself over the pairs.
  const left = p.ctx.temp("__left");
  const right = p.ctx.temp("__right");
  const shapeColumn = p.ctx.temp("__shape");
  const pairsFrame = p.input.frame.withRowIndex(left)
    .join(
      lookup.frame.withRowIndex(right).select(pl.col(right), pl.col(key.name).alias(shapeColumn)),
      { how: "cross" },
    );
  const columns: ColumnSchema[] = [
    ...p.input.columns,
    { name: left, type: "long" },
    { name: right, type: "long" },
    { name: shapeColumn, type: "dynamic" },
  ];
  const pairsRelation: Relation = {
    frame: pairsFrame.withColumns(
      pl.col(left).cast(pl.Int64).alias(left),
      pl.col(right).cast(pl.Int64).alias(right),
    ),
    columns,
  };
  const at = p.call.span;
  const ref = (name: string): A.Expression => ({ kind: "name", name, span: at });
  const call = (name: string, args: A.Expression[]): A.Expression => ({
    kind: "call",
    name,
    args,
    span: at,
  });
  const test: A.Expression = shape === "polygon" && radius === undefined
    ? call("geo_point_in_polygon", [lngArg, latArg, ref(shapeColumn)])
    : {
      kind: "binary",
      op: "<=",
      left: call(
        shape === "polygon" ? "geo_distance_point_to_polygon" : "geo_distance_point_to_line",
        [lngArg, latArg, ref(shapeColumn)],
      ),
      right: { kind: "literal", type: "real", value: radius ?? 0, span: at },
      span: at,
    };
  const found = p.ctx.compiler.applyOperator(
    pairsRelation,
    { kind: "where", predicate: test, span: at } as A.Operator,
    p.scope,
    p.ctx,
  );
  const data = found.frame.select(pl.col(left), pl.col(right)).collectSync();
  const lefts = data.getColumn(left).toArray() as number[];
  const rights = data.getColumn(right).toArray() as number[];
  const pairs: Pair[] = lefts.map((i, k) => [Number(i), Number(rights[k])] as const)
    .sort((a, b) => a[0] - b[0] || a[1]! - b[1]!);
  const height = Number(
    p.input.frame.select(pl.len().alias("n")).collectSync().getColumn("n").toArray()[0],
  );
  return joined(p.input, lookup, withUnmatched(pairs, height, returnUnmatched), {
    dropLookup: returnKey ? undefined : new Set([key.name]),
  });
}
