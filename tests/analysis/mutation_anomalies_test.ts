/**
 * decomposeSeries() and findAnomalies() where `deno task mutate src/analysis/anomalies.ts` found
 * bugs the other tests let through (issue 23): a make-series result held in Polars list
 * columns (not JSON text), a series too short to decompose, a row that holds no series, a time
 * option that is not a column name, missing points, and a daily series' weekly season.
 * Expected values by hand: the series below is about 10 but for one point (100) at 05:00 on
 * the first day, the strongest anomaly.
 */
import assert from "node:assert/strict";
import { DATETIME, pl, variantOf } from "../../src/polars.ts";
import { decomposeSeries, findAnomalies } from "../../src/analysis/anomalies.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";
import { OptionError } from "../../src/options.ts";

const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 11);
const N = 48;
const TIMES = Array.from({ length: N }, (_, i) => new Date(START + i * HOUR).toISOString());
// Flat at 10 with a small repeating wiggle, one spike of 100 at 05:00 on the first day.
const VALUES = Array.from({ length: N }, (_, i) => (i === 5 ? 100 : 10 + (i % 3)));

Deno.test("mutation/anomalies: a make-series result in list columns is read as one", () => {
  const frame = pl.DataFrame({
    Host: ["web1"],
    TimeGenerated: [TIMES],
    Count: [VALUES],
  });
  assert.equal(variantOf(frame.getColumn("Count").dtype), "List");
  // Strongest first: the spike (two days of data also put a shadow of it in the season).
  const found = findAnomalies(frame).toRecords();
  assert.equal(found[0].Host, "web1");
  assert.deepEqual(found[0].time, new Date("2026-03-11T05:00:00Z"));
  assert.equal(found[0].value, 100);
});

Deno.test("mutation/anomalies: three points are too few, and say so", () => {
  const frame = pl.DataFrame({ t: [0, HOUR * 1000, 2 * HOUR * 1000], v: [1, 2, 3] })
    .withColumn(pl.col("t").cast(DATETIME));
  assert.throws(
    () => decomposeSeries(frame),
    (e: unknown) =>
      e instanceof AnalysisError && /3 points are too few to decompose/.test(e.message) &&
      /at least a few periods/.test(e.hint ?? ""),
  );
});

Deno.test("mutation/anomalies: a make-series row without a series says which column and what to pass", () => {
  const frame = pl.DataFrame({
    TimeGenerated: [JSON.stringify(TIMES), JSON.stringify(TIMES)],
    Count: [JSON.stringify(VALUES), "not a series"],
  });
  assert.throws(
    () => decomposeSeries(frame),
    (e: unknown) =>
      e instanceof AnalysisError && /`Count` does not hold a series array/.test(e.message) &&
      e.hint === "Pass a make-series result, or a frame with one row per point.",
  );
});

Deno.test("mutation/anomalies: a time option that is not a column name is an option error", () => {
  const frame = pl.DataFrame({
    TimeGenerated: TIMES.map((t) => new Date(t)),
    Count: VALUES,
  });
  assert.throws(
    () => decomposeSeries(frame, { time: 5 as unknown as string }),
    (e: unknown) =>
      e instanceof OptionError &&
      /option `time` must be a column name, not number 5/.test(e.message),
  );
});

Deno.test("mutation/anomalies: a missing point is filled from its neighbours, first or inside", () => {
  // A straight line 0, 1, 2, ... hourly: its decomposition has no anomaly. A point missing
  // inside is filled with its neighbours' mean (on the line), one missing first with the next.
  const line = Array.from({ length: N }, (_, i) => i as number | null);
  line[20] = null;
  line[0] = null;
  const frame = pl.DataFrame({ t: TIMES.map((t) => new Date(t)), v: line })
    .withColumn(pl.col("t").cast(DATETIME));
  const parts = decomposeSeries(frame).toRecords();
  assert.equal(parts[20].value, null);
  assert.ok(parts.every((p) => Number.isFinite(p.trend)), "a trend for every point");
  assert.deepEqual(
    parts.filter((p) => p.isAnomaly).map((p) => (p.time as unknown as Date).toISOString()),
    [],
    "a filled point is on the line",
  );
});

Deno.test("mutation/anomalies: a daily series takes a weekly season, so weekends are no anomaly", () => {
  // Four weeks from Monday 2026-03-02: 100 on weekdays, 20 on Saturday and Sunday.
  const DAY = 24 * HOUR;
  const start = Date.UTC(2026, 2, 2);
  const days = Array.from({ length: 28 }, (_, i) => new Date(start + i * DAY));
  const frame = pl.DataFrame({
    day: days,
    n: days.map((d) => (d.getUTCDay() === 0 || d.getUTCDay() === 6 ? 20 : 100)),
  });
  const parts = decomposeSeries(frame).toRecords();
  assert.deepEqual(parts.filter((p) => p.isAnomaly), []);
  // The weekend dip is in the season (Saturday 2026-03-07 well below Monday 2026-03-02).
  assert.ok((parts[5].seasonal as number) < (parts[0].seasonal as number) - 50);
  // The season repeats weekly: each day's seasonal part is the one a week later.
  for (let i = 0; i + 7 < parts.length; i++) {
    assert.ok(Math.abs((parts[i].seasonal as number) - (parts[i + 7].seasonal as number)) < 1e-9);
  }
});
