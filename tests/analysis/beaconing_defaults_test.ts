/**
 * findBeacons()'s documented defaults, column detection and figures, on hand-made flows:
 * a 10 s beacon is inside the default period range, Bowley skew and regularity computed by
 * hand from the gaps, AzureNetworkAnalytics_CL's columns found without naming them, an empty
 * result with the documented columns. Expected values are computed here by hand.
 */
import assert from "node:assert/strict";
import { DATETIME, pl } from "../../src/polars.ts";
import { findBeacons } from "../../src/analysis/beaconing.ts";
import { OptionError, optionSpecsOf } from "../../src/options.ts";

const START = Date.UTC(2024, 0, 1);

/** A frame of one pair's connections at `offsets` (seconds from START), in columns `src`/`dst`. */
function pair(offsets: number[], src = "SrcIP", dst = "DstIP") {
  return pl.DataFrame({
    [src]: offsets.map(() => "10.0.0.5"),
    [dst]: offsets.map(() => "198.51.100.7"),
    TimeGenerated: offsets.map((s) => Math.round((START + s * 1000) * 1000)),
  }).withColumn(pl.col("TimeGenerated").cast(DATETIME));
}

/** Times whose gaps are `gaps`, in that order, from 0. */
function timesOf(gaps: number[]): number[] {
  const times = [0];
  for (const g of gaps) times.push(times.at(-1)! + g);
  return times;
}

Deno.test("findBeacons() finds a beacon every 10 s exactly: the shortest default period", () => {
  const [row] = findBeacons(pair(timesOf(new Array(29).fill(10)))).toRecords();
  assert.equal(row.connections, 30);
  assert.equal(row.periodSeconds, 10);
  assert.equal(row.missedBeats, 0);
  // Every 9 s is below the default range: no row.
  assert.equal(findBeacons(pair(timesOf(new Array(29).fill(9)))).height, 0);
});

Deno.test("findBeacons() skew and regularity are Bowley's skew and 1 − IQR/median of the gaps", () => {
  // 29 gaps: ten of 60.0 s, ten of 60.2 s, nine of 60.9 s (interleaved). Sorted, the 25th
  // percentile is 60.0, the median 60.2, the 75th percentile 60.9: IQR 0.9 (under a second).
  const gaps = [
    ...Array.from({ length: 10 }, (_, i) => [60, 60.2, 60.9][i % 3]),
    ...Array.from({ length: 19 }, (_, i) => [60, 60.2, 60.9][(i + 10) % 3]),
  ];
  const counts = [60, 60.2, 60.9].map((g) => gaps.filter((x) => x === g).length);
  assert.deepEqual(counts, [10, 10, 9]);
  const [row] = findBeacons(pair(timesOf(gaps))).toRecords();
  const skew = (60.9 + 60.0 - 2 * 60.2) / 0.9; // 0.5556
  assert.ok(Math.abs(Number(row.skew) - skew) < 1e-6, `skew ${row.skew}`);
  assert.ok(Math.abs(Number(row.regularity) - (1 - 0.9 / 60.2)) < 1e-6, `${row.regularity}`);
  assert.ok(Math.abs(Number(row.periodSeconds) - 60.2) < 1e-6);
});

Deno.test("findBeacons() reads AzureNetworkAnalytics_CL's SrcIP_s/DestIP_s without being told", () => {
  const [row] = findBeacons(pair(timesOf(new Array(29).fill(60)), "SrcIP_s", "DestIP_s"))
    .toRecords();
  assert.equal(row.SrcIP_s, "10.0.0.5");
  assert.equal(row.DestIP_s, "198.51.100.7");
  assert.equal(row.periodSeconds, 60);
});

Deno.test("findBeacons() takes a column name as a string, and an alias is offered for a near miss", () => {
  const frame = pair(timesOf(new Array(29).fill(60)), "Host", "Remote");
  const [row] = findBeacons(frame, { source: "Host", destination: "Remote" }).toRecords();
  assert.equal(row.Host, "10.0.0.5");
  assert.equal(row.connections, 30);
  assert.throws(
    () => findBeacons(frame, { source: "Host", dst: "Remote" } as never),
    (e: unknown) => e instanceof OptionError && /Did you mean `destination`/.test(e.message),
  );
  assert.ok(optionSpecsOf("findBeacons")?.mergeWithinSeconds);
});

Deno.test("findBeacons() with nothing to score returns no rows but the documented columns", () => {
  const few = findBeacons(pair([0, 60, 120]));
  assert.equal(few.height, 0);
  const columns = [
    "SrcIP",
    "DstIP",
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
    "rank",
  ];
  assert.deepEqual([...few.columns].sort(), [...columns].sort());
  assert.deepEqual(findBeacons(pair(timesOf(new Array(29).fill(60)))).columns, columns);
});

Deno.test("findBeacons() scores a steady beacon high and traffic with no rhythm low", () => {
  // Every 60 s exactly: no spread (IQR 0), so no skew and full regularity.
  const [steady] = findBeacons(pair(timesOf(new Array(29).fill(60)))).toRecords();
  assert.equal(steady.skew, 0);
  assert.equal(steady.regularity, 1);
  assert.ok(Number(steady.score) > 0.8, `steady ${steady.score}`);
  // Exponential gaps (mean 300 s, a fixed pseudo-random sequence): the IQR of exponential
  // gaps is about 1.6 times their median, so regularity is 0; without a rhythm the score is
  // volume and a weak spectral line at most.
  let x = 12345;
  const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const gaps = Array.from({ length: 59 }, () => Math.round(-300 * Math.log(1 - rand())));
  const [random] = findBeacons(pair(timesOf(gaps))).toRecords();
  assert.equal(random.regularity, 0);
  assert.ok(Number(random.score) < 0.2, `random ${random.score}`);
});

Deno.test("findBeacons() spectral period of a perfectly regular beacon is its period, not a harmonic", () => {
  // 2,160 beats exactly 60 s apart (the demo case's C2 rhythm, without jitter): every
  // harmonic has as much power as the line, and the line is at 60 s.
  for (const period of [60, 300]) {
    const [row] = findBeacons(pair(timesOf(new Array(2159).fill(period)))).toRecords();
    assert.ok(
      Math.abs((row.spectralPeriodSeconds as number) - period) < period * 0.01,
      `period ${period}: spectral ${row.spectralPeriodSeconds}`,
    );
  }
});
