/**
 * Benchmark cases of the `kql` suite for `mv-apply` and `make-series` with the series
 * functions (issue 22), each with the same plan written by hand with Polars' lazy API.
 *
 * The `mv-apply` cases expand the words of each process command line (`split`, a native
 * list) and apply the subquery shapes hunting queries use: a filter on the item, a
 * `summarize make_list()`, `top 1 by`, `take 1`. The series cases make hourly counts per
 * host and apply element-wise functions, statistics and anomaly detection.
 *
 * @module
 */
import { type Expr, type LazyDataFrame, pl } from "../../src/polars.ts";
import type { ResultCheck } from "./_kql_checks.ts";

/** One case: the shape of `Case` in kql.ts (kept apart so kql.ts imports this one way). */
export interface ApplySeriesCase {
  readonly name: string;
  readonly kql: string;
  readonly hand: (events: LazyDataFrame) => LazyDataFrame;
  readonly runs?: number;
  /** What the two results must share (default `rows`: the same rows). */
  readonly check?: ResultCheck;
}

const HOUR = 3_600_000_000;

/** The hand plans' common start: the 4688 events of the first million rows. */
function processes(e: LazyDataFrame): LazyDataFrame {
  return e.head(1_000_000).filter(pl.col("EventID").eq(pl.lit(4688).cast(pl.Int32)));
}

/** The words of each command line, one row each, with the number of the row they came from. */
function words(e: LazyDataFrame, ...keep: string[]): LazyDataFrame {
  return processes(e).withRowIndex("r")
    .select("r", ...keep, pl.col("CommandLine").str.split(" ").alias("Part"))
    .explode("Part");
}

/** A list column's JSON text (`{"v":[…]}` sliced), as the engine writes dynamic arrays. */
function jsonList(list: Expr): Expr {
  return pl.struct([list.alias("v")]).struct.jsonEncode().str.slice(5).str.stripCharsEnd("}");
}

const APPLY_PREFIX = `SecurityEvent | take 1000000 | where EventID == 4688
          | extend Parts = split(CommandLine, " ")`;

/**
 * Hourly counts per host over the whole table, every bin present (0 where a host has no
 * events), as one list per host: what `make-series count() default=0 … step 1h by
 * Computer` computes. `n` the list; `long` keeps the long form (`Computer`, `b`, `n`).
 */
function hourlyCounts(e: LazyDataFrame): { long: LazyDataFrame } {
  const t = pl.col("TimeGenerated").cast(pl.Int64);
  const hour = t.sub(t.modulo(HOUR));
  const binned = e.head(1_000_000).select(
    "Computer",
    hour.sub(hour.min()).div(HOUR).cast(pl.Int64).alias("b"),
  );
  const counts = binned.groupBy(["Computer", "b"]).agg(pl.len().cast(pl.Int64).alias("n"));
  const bins = binned.select(pl.intRanges(0, pl.col("b").max().add(1), 1, pl.Int64).alias("b"))
    .explode("b");
  const long = binned.select("Computer").unique()
    .join(bins, { how: "cross" } as never)
    .join(counts, { on: ["Computer", "b"], how: "left" } as never)
    .withColumns(pl.col("n").fillNull(0))
    .sort(["Computer", "b"]);
  return { long };
}

/** The cases (run with `KQL_BENCH_CASES='mv-apply|make-series'`). */
export const APPLY_SERIES_CASES: ApplySeriesCase[] = [
  {
    name: "mv-apply where has, count by item (1M rows)",
    kql: `${APPLY_PREFIX}
          | mv-apply Part = Parts to typeof(string) on (where Part has "exe")
          | summarize n = count() by Part`,
    hand: (e) =>
      words(e)
        .filter(pl.col("Part").str.contains("(?i)(?:^|[^0-9A-Za-z])exe(?:$|[^0-9A-Za-z])"))
        .groupBy("Part").agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 2,
  },
  {
    name: "mv-apply summarize make_list, count by (1M rows)",
    kql: `${APPLY_PREFIX}
          | mv-apply Part = Parts to typeof(string) on
            (where Part contains "." | summarize Files = make_list(Part))
          | summarize n = count() by Computer, Files = tostring(Files)`,
    hand: (e) =>
      words(e, "Computer")
        .filter(pl.col("Part").str.contains(".", true as never))
        .groupBy(["r", "Computer"], true as never).agg(pl.col("Part").alias("Files"))
        .select("Computer", jsonList(pl.col("Files")).alias("Files"))
        .groupBy(["Computer", "Files"]).agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 2,
  },
  {
    name: "mv-apply top 1 by, count by item (1M rows)",
    kql: `${APPLY_PREFIX}
          | mv-apply Part = Parts to typeof(string) on (top 1 by strlen(Part) desc)
          | summarize n = count() by Part`,
    hand: (e) =>
      words(e)
        .groupBy("r").agg(
          pl.col("Part").gather(pl.col("Part").str.lengths().argMax()).first().alias("Part"),
        )
        .groupBy("Part").agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 2,
  },
  {
    name: "mv-apply take 1, count by item (1M rows)",
    kql: `${APPLY_PREFIX}
          | mv-apply Part = Parts to typeof(string) on (take 1)
          | summarize n = count() by Part`,
    hand: (e) =>
      processes(e).select(pl.col("CommandLine").str.split(" ").lst.first().alias("Part"))
        .groupBy("Part").agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 2,
  },
  {
    name: "make-series 1h by Computer + series_stats_dynamic (1M rows)",
    kql: `SecurityEvent | take 1000000
          | make-series n = count() default=0 on TimeGenerated step 1h by Computer
          | extend s = series_stats_dynamic(n) | project Computer, s`,
    hand: (e) => {
      const n = pl.col("n");
      const std = n.lst.eval(pl.element().std()).lst.first();
      return hourlyCounts(e).long.groupBy("Computer", true as never).agg(n)
        .select(
          "Computer",
          pl.struct([
            n.lst.min().alias("min"),
            n.lst.argMin().alias("min_idx"),
            n.lst.max().alias("max"),
            n.lst.argMax().alias("max_idx"),
            n.lst.mean().alias("avg"),
            std.alias("stdev"),
            std.pow(2).alias("variance"),
            n.lst.sum().alias("sum"),
            n.lst.lengths().alias("len"),
          ]).struct.jsonEncode().alias("s"),
        );
    },
    runs: 3,
  },
  {
    name: "make-series 1h by Computer + series_fir, series_add (1M rows)",
    kql: `SecurityEvent | take 1000000
          | make-series n = count() default=0 on TimeGenerated step 1h by Computer
          | extend f = series_fir(n, dynamic([1,1,1]), false), a = series_add(n, n)
          | project Computer, f, a`,
    hand: (e) => {
      const n = pl.col("n");
      const lag = (k: number) => n.shift(k).over("Computer").fillNull(0);
      return hourlyCounts(e).long
        .withColumns(n.add(lag(1)).add(lag(2)).alias("f"), n.add(n).alias("a"))
        .groupBy("Computer", true as never).agg(pl.col("f"), pl.col("a"))
        .select("Computer", jsonList(pl.col("f")).alias("f"), jsonList(pl.col("a")).alias("a"));
    },
    runs: 3,
  },
  {
    // The hand plan is a proxy (a rolling z-score per bin): Polars has no seasonal
    // decomposition; the ratio bounds what the JavaScript decomposition costs.
    name: "make-series 1h by Computer + series_decompose_anomalies (1M rows)",
    kql: `SecurityEvent | take 1000000
          | make-series n = count() default=0 on TimeGenerated step 1h by Computer
          | extend anomalies = series_decompose_anomalies(n) | project Computer, anomalies`,
    hand: (e) => {
      const n = pl.col("n").cast(pl.Float64);
      const mean = n.rollingMean(24).over("Computer");
      const std = n.rollingStd(24).over("Computer");
      const z = n.sub(mean).div(std);
      return hourlyCounts(e).long
        .withColumns(
          pl.when(z.gt(1.5)).then(pl.lit(1)).when(z.lt(-1.5)).then(pl.lit(-1)).otherwise(pl.lit(0))
            .fillNull(0).cast(pl.Int64)
            .alias("anomalies"),
        )
        .groupBy("Computer", true as never).agg(pl.col("anomalies"))
        .select("Computer", jsonList(pl.col("anomalies")).alias("anomalies"));
    },
    runs: 3,
    check: "shape",
  },
];
