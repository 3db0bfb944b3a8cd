/**
 * Benchmark cases of the `kql` suite for `mv-expand` of property bags and of mixed arrays
 * (elements of different JSON types), with an item index, a limit and a typed item, and
 * for an `extend` of a JSON path with a filter or a projection before its `mv-expand`
 * (issue 22), each with the same plan written by hand with Polars' lazy API. Run them
 * alone with `KQL_BENCH_CASES='bag|mixed|between' deno task bench kql`.
 *
 * The process table's `Items` column holds one mixed array a row:
 * `["HOST-3",4242,true,{"Parent":"cmd.exe","Id":4242},null]`.
 *
 * @module
 */
import { type Expr, type LazyDataFrame, pl } from "../../src/polars.ts";

/** One case over the process table (the shape of `Case` in kql.ts, kept apart). */
export interface MvExpandCase {
  readonly name: string;
  readonly kql: string;
  readonly hand: (processes: LazyDataFrame) => LazyDataFrame;
  readonly runs?: number;
}

/** The `Items` text of a row, made from the process table's own columns. */
export function itemsText(computer: Expr, pid: Expr, elevated: Expr, parent: Expr): Expr {
  return pl.concatString([
    pl.lit(`["`),
    computer,
    pl.lit(`",`),
    pid.cast(pl.Utf8),
    pl.lit(","),
    elevated,
    pl.lit(`,{"Parent":"`),
    parent,
    pl.lit(`","Id":`),
    pid.cast(pl.Utf8),
    pl.lit("},null]"),
  ], "");
}

/** The keys of `AdditionalFields` as the process table writes them. */
const KEYS = ["Parent", "ProcessId", "Elevated"];

/** Whether a key of `AdditionalFields` holds strings (quoted in JSON). */
const QUOTED: ReadonlySet<string> = new Set(["Parent"]);

/** The process table's first million rows (the cases' common start). */
function first(p: LazyDataFrame): LazyDataFrame {
  return p.head(1_000_000);
}

/** The first `n` elements of `Items` as `tostring()` reads them (strings unquoted). */
function elements(n: number): Expr {
  return pl.concatList(
    Array.from({ length: n }, (_, i) => pl.col("Items").str.jsonPathMatch(`$[${i}]`)),
  );
}

/** The cases. */
export const MV_EXPAND_CASES: MvExpandCase[] = [
  {
    name: "mv-expand kind=array of a bag, count by key (1M rows)",
    kql: `ProcessEvents | take 1000000 | mv-expand kind=array AdditionalFields
          | summarize n = count() by K = tostring(AdditionalFields[0])`,
    hand: (p) => {
      const bag = pl.col("AdditionalFields").str.jsonDecode(
        pl.Struct({ Parent: pl.Utf8, ProcessId: pl.Int64, Elevated: pl.Bool }),
      );
      // A key per field the record has (the decode is read, not optimised away).
      return first(p).select(bag.alias("b"))
        .select(
          pl.concatList(
            KEYS.map((k) =>
              pl.when(pl.col("b").struct.field(k).isNull()).then(pl.lit(null).cast(pl.Utf8))
                .otherwise(pl.lit(k))
            ),
          ).alias("K"),
        )
        .explode("K")
        .groupBy("K").agg(pl.len().cast(pl.Int64).alias("n"));
    },
    runs: 2,
  },
  {
    name: "mv-expand of a bag, one-key bags, count by value (1M rows)",
    kql: `ProcessEvents | take 1000000 | mv-expand AdditionalFields
          | summarize n = count() by V = tostring(AdditionalFields)`,
    hand: (p) => {
      const text = pl.col("AdditionalFields");
      return first(p)
        .select(
          pl.concatList(
            KEYS.map((k) =>
              // `jsonPathMatch` reads a string unquoted: quoted back (the strings
              // hold nothing JSON escapes).
              QUOTED.has(k)
                ? pl.concatString(
                  [pl.lit(`{"${k}":"`), text.str.jsonPathMatch(`$.${k}`), pl.lit(`"}`)],
                  "",
                )
                : pl.concatString(
                  [pl.lit(`{"${k}":`), text.str.jsonPathMatch(`$.${k}`), pl.lit("}")],
                  "",
                )
            ),
          ).alias("V"),
        )
        .explode("V")
        .groupBy("V").agg(pl.len().cast(pl.Int64).alias("n"));
    },
    runs: 2,
  },
  {
    name: "mv-expand of mixed arrays, count by item (1M rows)",
    kql: `ProcessEvents | take 1000000 | mv-expand Items
          | summarize n = count() by V = tostring(Items)`,
    hand: (p) =>
      // The null element reads "" (`tostring(null)`).
      first(p).select(elements(5).alias("V")).explode("V").withColumns(pl.col("V").fillNull(""))
        .groupBy("V").agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 2,
  },
  {
    name: "mv-expand mixed with_itemindex limit to typeof(string) (1M rows)",
    kql: `ProcessEvents | take 1000000
          | mv-expand with_itemindex = i V = Items to typeof(string) limit 3
          | summarize n = count() by i, V`,
    hand: (p) =>
      first(p).select(
        elements(3).alias("V"),
        pl.intRanges(0, 3, 1, pl.Int64).alias("i"),
      ).explode(["V", "i"])
        .groupBy(["i", "V"]).agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 2,
  },
  {
    name: "mv-expand mixed to typeof(long), sum (1M rows)",
    kql: `ProcessEvents | take 1000000 | mv-expand V = Items to typeof(long)
          | summarize s = sum(V), n = count()`,
    hand: (p) =>
      first(p).select(elements(5).alias("V")).explode("V")
        .select(
          pl.col("V").cast(pl.Int64, false as never).sum().alias("s"),
          pl.len().cast(pl.Int64).alias("n"),
        ),
    runs: 2,
  },
];
