/**
 * Beaconing: connections from one source to one destination at a steady rhythm, the mark
 * of an implant checking in. For each (source, destination) pair the gaps between
 * connections are summarised (median period, jitter, skew, missed beats) with Polars, and
 * a spectral test on the event times confirms a period in a way that jitter, gaps and
 * unrelated traffic on the same pair do not break. Pairs are ranked by a score in [0, 1].
 *
 * @module
 */
import { type DataFrame, pl } from "../polars.ts";
import { datetimeExpr, requireColumns } from "./_columns.ts";
import { spectralTest } from "./_beacon_spectrum.ts";
import { AnalysisError } from "./errors.ts";
import { checkOptions, defineOptions } from "../options.ts";

const BEACON_OPTIONS = defineOptions<FindBeaconsOptions>("findBeacons", {
  time: "column",
  source: { kind: "columns", aliases: ["src", "from", "host"] },
  destination: { kind: "columns", aliases: ["dest", "dst", "to", "remote"] },
  minConnections: "number",
  minPeriodSeconds: "number",
  maxPeriodSeconds: "number",
  mergeWithinSeconds: "number",
  top: "number",
});

/** Options of {@link findBeacons}. */
export interface FindBeaconsOptions {
  /** The time column (default `TimeGenerated`). */
  readonly time?: string;
  /**
   * Source column(s). Default by table: `DeviceName` (DeviceNetworkEvents), `SourceIP`
   * (CommonSecurityLog), `ClientIP` (DnsEvents), `SrcIP`.
   */
  readonly source?: string | readonly string[];
  /**
   * Destination column(s). Default by table: `RemoteIP`, `DestinationIP`, `Name` (DNS),
   * `DstIP`, `DestIP`.
   */
  readonly destination?: string | readonly string[];
  /** Pairs with fewer connections are not scored (default 20). */
  readonly minConnections?: number;
  /** Shortest period looked for, in seconds (default 10). */
  readonly minPeriodSeconds?: number;
  /** Longest period looked for, in seconds (default 6 hours). */
  readonly maxPeriodSeconds?: number;
  /** Connections of one pair closer than this count once (default 1 s: retries, log pairs). */
  readonly mergeWithinSeconds?: number;
  /** Keep only the best `top` pairs (default: all scored pairs). */
  readonly top?: number;
}

const ANALYSIS = "findBeacons";
/** Source and destination columns of the usual tables, tried in order. */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["DeviceName", "RemoteIP"], // DeviceNetworkEvents
  ["SourceIP", "DestinationIP"], // CommonSecurityLog
  ["ClientIP", "Name"], // DnsEvents
  ["SrcIP", "DstIP"],
  ["SrcIP_s", "DestIP_s"], // AzureNetworkAnalytics_CL
  ["src_ip", "dst_ip"],
];

/**
 * Ranks (source, destination) pairs by how much their connections look like a beacon.
 *
 * The result has one row per pair with at least `minConnections` connections and a median
 * gap within the period range, best first:
 * the source and destination columns, `connections`, `first`, `last`, `periodSeconds`
 * (median beat: a gap of about k periods counts as k beats), `jitterSeconds` and
 * `jitterPercent` (half-width of the beats' spread, from their 10th-90th percentiles read as
 * uniform jitter, the way implants apply it), `skew` (Bowley skew of the gaps),
 * `missedBeats` (gaps of two or more periods, counted in periods), `spectralPeriodSeconds` and `spectralStrength` (share of spectral power in
 * the strongest line; the score uses its excess over what a random spectrum would give), `regularity` (1 − IQR / median of the gaps), `score` and `rank`.
 *
 * Rows are ordered by `score`, highest first; ties by the source columns, then the
 * destination columns, ascending (nulls first). `rank` numbers the rows in that order, so
 * the result does not depend on the input's row order or on Polars' thread count.
 *
 * @param flows Connection events: a time, a source and a destination per row.
 * @param options Column names and thresholds.
 * @returns The scored pairs, best first.
 * @throws {AnalysisError} when the columns cannot be found.
 *
 * @example The demo case's C2 beacon comes first
 * ```ts
 * import assert from "node:assert/strict";
 * import { findBeacons } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query("DeviceNetworkEvents");
 * const beacons = findBeacons(frame, { top: 5 });
 * assert.equal(beacons.height, 5);
 * const [c2] = beacons.toRecords();
 * assert.equal(c2.RemoteIP, "198.51.100.160");
 * assert.match(String(c2.DeviceName), /^lks-ws-1042\./);
 * assert.equal(Math.round(c2.periodSeconds as number), 60); // a heartbeat a minute
 * ```
 */
export function findBeacons(flows: DataFrame, options: FindBeaconsOptions = {}): DataFrame {
  checkOptions("findBeacons", options, BEACON_OPTIONS);
  const time = options.time ?? "TimeGenerated";
  // A table with Sentinel's full schema carries other tables' columns too (CommonSecurityLog
  // has RemoteIP and DeviceName), so a pair counts only when both columns hold values
  // (Kusto's empty strings, or nulls, are no values).
  const filled = (c: string) =>
    flows.columns.includes(c) &&
    flows.select(pl.col(c).cast(pl.Utf8).fillNull("").neq(pl.lit("")).sum().alias("n"))
        .getColumn("n").get(0) > 0;
  const pair = PAIRS.find(([s, d]) => filled(s) && filled(d)) ??
    PAIRS.find(([s, d]) => flows.columns.includes(s) && flows.columns.includes(d));
  const source = columnsOf(options.source, pair?.[0], "source");
  const destination = columnsOf(options.destination, pair?.[1], "destination");
  requireColumns(flows, [time, ...source, ...destination], ANALYSIS);
  const keys = [...source, ...destination];
  const minConnections = options.minConnections ?? 20;
  const minPeriod = options.minPeriodSeconds ?? 10;
  const maxPeriod = options.maxPeriodSeconds ?? 6 * 3600;
  const merge = options.mergeWithinSeconds ?? 1;
  if (!(minPeriod > 0) || !(maxPeriod > minPeriod)) {
    throw new AnalysisError(`${ANALYSIS}: the period range ${minPeriod}..${maxPeriod} s is empty`, {
      analysis: ANALYSIS,
      hint: "Give 0 < minPeriodSeconds < maxPeriodSeconds.",
    });
  }
  const gap = pl.col("__t").diff(1, "ignore").over(keys[0], ...keys.slice(1));
  let events = flows.select(
    ...keys.map((k) => pl.col(k)),
    datetimeExpr(flows, time, ANALYSIS).cast(pl.Int64).div(1e6).alias("__t"),
  ).filter(pl.col("__t").isNotNull()).sort([...keys, "__t"]);
  events = events.filter(gap.isNull().or(gap.gtEq(merge))).withColumn(gap.alias("__gap"));
  const raw = events.groupBy(keys).agg(
    pl.len().alias("connections"),
    pl.col("__t").min().alias("__first"),
    pl.col("__t").max().alias("__last"),
    pl.col("__gap").median().alias("__median"),
    pl.col("__gap").quantile(0.25).alias("__q25"),
    pl.col("__gap").quantile(0.75).alias("__q75"),
  ).filter(
    pl.col("connections").gtEq(minConnections)
      .and(pl.col("__median").gtEq(minPeriod))
      .and(pl.col("__median").ltEq(maxPeriod)),
  );
  if (raw.height === 0) return emptyResult(flows, keys);
  // A gap of about k periods is one beat heard after k − 1 missed ones: the beat is the
  // gap / k. Period and jitter are read from beats, so lost check-ins do not bias them.
  const k = pl.col("__gap").div(pl.col("__median")).round(0);
  const beats = events.join(raw.select(...keys, "__median"), { on: keys }).withColumns(
    pl.when(pl.col("__gap").gt(pl.col("__median").mul(1.5))).then(pl.col("__gap").div(k))
      .otherwise(pl.col("__gap")).alias("__beat"),
    pl.when(pl.col("__gap").gt(pl.col("__median").mul(1.5))).then(k.sub(1))
      .otherwise(pl.lit(0)).alias("__missed"),
  ).groupBy(keys).agg(
    pl.col("__beat").median().alias("periodSeconds"),
    pl.col("__beat").quantile(0.1).alias("__q10"),
    pl.col("__beat").quantile(0.9).alias("__q90"),
    pl.col("__missed").sum().alias("missedBeats"),
    pl.col("__t").alias("__times"),
  );
  let scored = raw.join(beats, { on: keys, how: "left" });
  // The spectral test runs per pair on typed arrays.
  const lists = scored.getColumn("__times").toArray() as unknown as number[][];
  const spectralPeriod = new Float64Array(lists.length).fill(NaN);
  const spectralStrength = new Float64Array(lists.length);
  const spectralExcess = new Float64Array(lists.length);
  lists.forEach((list, i) => {
    const t = Float64Array.from(list).sort();
    const result = spectralTest(t, minPeriod, maxPeriod);
    if (result) {
      spectralPeriod[i] = result.periodSeconds;
      spectralStrength[i] = result.strength;
      spectralExcess[i] = result.excess;
    }
  });
  const iqr = pl.col("__q75").sub(pl.col("__q25"));
  scored = scored.drop("__times").withColumns(
    pl.Series("spectralPeriodSeconds", spectralPeriod, pl.Float64),
    pl.Series("spectralStrength", spectralStrength, pl.Float64),
    pl.Series("__excess", spectralExcess, pl.Float64),
  ).withColumns(
    pl.col("spectralPeriodSeconds").fillNan(null),
    pl.col("__first").mul(1e6).cast(pl.Int64).cast(pl.Datetime("us")).alias("first"),
    pl.col("__last").mul(1e6).cast(pl.Int64).cast(pl.Datetime("us")).alias("last"),
    pl.col("__q90").sub(pl.col("__q10")).div(1.6).alias("jitterSeconds"),
    pl.when(iqr.gt(0)).then(
      pl.col("__q75").add(pl.col("__q25")).sub(pl.col("__median").mul(2)).div(iqr),
    ).otherwise(pl.lit(0)).alias("skew"),
    pl.lit(1).sub(iqr.div(pl.col("__median"))).clip(0, 1).alias("regularity"),
  ).withColumn(
    pl.col("jitterSeconds").div(pl.col("periodSeconds")).mul(100).alias("jitterPercent"),
  );
  // Score: regular gaps and a strong spectral line count most; volume a little; a skewed
  // gap distribution (bursts) takes some off.
  const spectral = pl.col("__excess").div(0.2).clip(0, 1);
  const volume = pl.col("connections").cast(pl.Float64).log(10).div(3).clip(0, 1);
  scored = scored.withColumn(
    pl.lit(0.45).mul(pl.col("regularity")).add(pl.lit(0.45).mul(spectral))
      .add(pl.lit(0.1).mul(volume))
      .mul(pl.lit(1).sub(pl.col("skew").abs().mul(0.25)))
      .alias("score"),
  ).sort({ by: ["score", ...keys], descending: [true, ...keys.map(() => false)] })
    .withRowIndex("rank", 1);
  const result = scored.select(
    ...keys,
    "connections",
    "first",
    "last",
    "periodSeconds",
    "jitterSeconds",
    "jitterPercent",
    "skew",
    "missedBeats",
    "spectralPeriodSeconds",
    "spectralStrength",
    "regularity",
    "score",
    pl.col("rank").cast(pl.Int64),
  );
  return options.top === undefined ? result : result.head(options.top);
}

function columnsOf(
  given: string | readonly string[] | undefined,
  found: string | undefined,
  role: string,
): string[] {
  if (given !== undefined) return typeof given === "string" ? [given] : [...given];
  if (found === undefined) {
    const known = PAIRS.map(([s, d]) => `${s}/${d}`).join(", ");
    throw new AnalysisError(`${ANALYSIS}: no known ${role} column (looked for ${known})`, {
      analysis: ANALYSIS,
      hint: `Name it: findBeacons(frame, { source: "<column>", destination: "<column>" }).`,
    });
  }
  return [found];
}

function emptyResult(frame: DataFrame, keys: string[]): DataFrame {
  const base = frame.select(...keys).head(0);
  const nums = [
    "periodSeconds",
    "jitterSeconds",
    "jitterPercent",
    "skew",
    "missedBeats",
    "spectralPeriodSeconds",
    "spectralStrength",
    "regularity",
    "score",
  ];
  return base.withColumns(
    pl.lit(0).cast(pl.Int64).alias("connections"),
    pl.lit(null).cast(pl.Datetime("us")).alias("first"),
    pl.lit(null).cast(pl.Datetime("us")).alias("last"),
    ...nums.map((n) => pl.lit(0).cast(pl.Float64).alias(n)),
    pl.lit(0).cast(pl.Int64).alias("rank"),
  );
}
