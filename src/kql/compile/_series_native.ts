/**
 * Series laid out by Polars (issue 22): `make-series` of whole numbers (`count()`,
 * `dcount()`, `sum()` of longs) turns its per-bin summary into one array per group with
 * Polars' group and list operations, and writes the arrays' JSON text natively, instead of
 * a JavaScript loop over every bin of every group.
 *
 * Values are the JavaScript layout's, text for text: groups in the order of their first
 * input row, every bin present (the default where a bin has no rows), whole numbers written
 * as JSON writes them. Anything else (reals, whose text JavaScript and Polars write
 * differently, strings, dates, dynamic keys, numbers beyond 2^53) is laid out in JavaScript.
 *
 * @module
 */
import { type DataFrame, type Expr, pl } from "../../polars.ts";
import { type ColumnSchema, type KustoType, polarsTypeOf } from "../../schema/types.ts";
import type { JsValue } from "../runtime/_values.ts";
import { nativeDynamic } from "./_dynamic_native.ts";

/** The largest whole number a JavaScript number holds exactly. */
const SAFE = Number.MAX_SAFE_INTEGER;

/** Key types grouped alike by Polars and by the JavaScript layout (`JSON.stringify` of keys). */
const PLAIN_KEYS: ReadonlySet<KustoType> = new Set<KustoType>([
  "string",
  "long",
  "int",
  "bool",
  "datetime",
  "timespan",
  "guid",
]);

/** How the summary of a `make-series` is laid out. */
export interface SeriesLayout {
  /** The summary's column of bin numbers (0 to `bins` - 1). */
  readonly bin: string;
  /** The summary's column of each group's first input row. */
  readonly position: string;
  readonly bins: number;
  /** The value of a bin without rows, per value column. */
  readonly defaults: readonly JsValue[];
}

/** The JSON text of a list column (`[1,2,null]`), as `JSON.stringify` writes whole numbers. */
export function listJson(list: Expr): Expr {
  // `{"v":[…]}` sliced: the closing brace is the last character.
  return pl.when(list.isNull()).then(pl.lit(null).cast(pl.Utf8)).otherwise(
    pl.struct([list.alias("v")]).struct.jsonEncode().str.slice(5).str.stripCharsEnd("}"),
  );
}

/**
 * The series of `data` (a `make-series` summary: `keys`, the bin, `values`, the position),
 * one row per group with the keys and each value column's array as JSON text, in the order
 * of the groups' first input rows; undefined where the JavaScript layout is needed (see the
 * module comment) or native reading is off.
 */
export function nativeSeriesLayout(
  data: DataFrame,
  keys: readonly ColumnSchema[],
  values: readonly ColumnSchema[],
  layout: SeriesLayout,
): DataFrame | undefined {
  if (!nativeDynamic() || layout.bins === 0 || values.length === 0 || data.height === 0) {
    return undefined;
  }
  if (keys.some((k) => !PLAIN_KEYS.has(k.type))) return undefined;
  if (values.some((v) => v.type !== "long" && v.type !== "int")) return undefined;
  const whole = (d: JsValue) => d === null || (typeof d === "number" && Number.isSafeInteger(d));
  if (!layout.defaults.every(whole)) return undefined;
  // Numbers JavaScript would round (it reads longs as doubles): its text, not ours.
  const extremes = data.select(
    ...values.map((v, i) => pl.col(v.name).cast(pl.Float64).abs().max().alias(`m${i}`)),
  ).row(0) as (number | null)[];
  if (extremes.some((m) => m !== null && m > SAFE)) return undefined;
  const gid = "\u0000gid";
  const first = "\u0000first";
  // Marks the bins that have rows: only the others take the default (a bin's null value,
  // `max()` of nulls, stays null, as in the JavaScript layout).
  const present = "\u0000present";
  const { bin, position, bins } = layout;
  // No keys: one group of every row.
  const keyNames = keys.length > 0 ? keys.map((k) => k.name) : [gid];
  const source = keys.length > 0 ? data : data.withColumn(pl.lit(0).alias(gid));
  const groups = source
    .groupBy(keyNames)
    .agg(pl.col(position).min().alias(first), pl.col(bin), ...values.map((v) => pl.col(v.name)))
    .sort(first)
    .drop(keys.length > 0 ? [] : [gid])
    .withRowIndex(gid);
  const long = groups.select(gid, bin, ...values.map((v) => v.name))
    .explode([bin, ...values.map((v) => v.name)])
    .withColumn(pl.lit(true).alias(present));
  const binRange = pl.DataFrame([pl.Series(bin, Array.from({ length: bins }, (_, k) => k))])
    .withColumn(pl.col(bin).cast(pl.Int64));
  const full = groups.select(gid).lazy()
    .join(binRange.lazy(), { how: "cross" } as never)
    .join(
      long.lazy().withColumn(pl.col(bin).cast(pl.Int64)),
      { on: [gid, bin], how: "left" } as never,
    )
    .withColumns(
      ...values.map((v, i) => {
        const d = layout.defaults[i];
        const value = pl.col(v.name).cast(pl.Int64);
        return (d === null
          ? value
          : pl.when(pl.col(present).isNull()).then(pl.lit(d).cast(pl.Int64)).otherwise(value))
          .alias(v.name);
      }),
    )
    .sort([gid, bin])
    .groupBy(gid, true as never)
    .agg(...values.map((v) => pl.col(v.name)));
  return groups.lazy().select(gid, ...keys.map((k) => k.name))
    .join(full, { on: gid, how: "left" } as never)
    .sort(gid)
    .select(
      ...keys.map((k) => keyAsWritten(k)),
      ...values.map((v) => listJson(pl.col(v.name)).alias(v.name)),
    )
    .collectSync();
}

/**
 * A key column as the JavaScript layout writes it (`jsToSeries` of its Kusto type): the
 * summary holds times as numbers (`readableExpr`), and a missing string is an empty one.
 */
function keyAsWritten(key: ColumnSchema): Expr {
  let column = pl.col(key.name);
  if (key.type === "datetime" || key.type === "timespan") column = column.cast(pl.Int64);
  column = column.cast(polarsTypeOf(key.type));
  return (key.type === "string" ? column.fillNull(pl.lit("")) : column).alias(key.name);
}
