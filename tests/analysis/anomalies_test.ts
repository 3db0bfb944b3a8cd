import assert from "node:assert/strict";
import { loadTable } from "../../src/data/load.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { columnValues, DATETIME, pl } from "../../src/polars.ts";
import { decomposeSeries, findAnomalies } from "../../src/analysis/anomalies.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";
import { hasShared, REALDATA_DIR } from "../_helpers.ts";
import { assertOrdered, reversed, sha, shuffled, tiesOn } from "../_order.ts";

const shared = await hasShared();

function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

Deno.test("decomposeSeries() recovers a planted season and trend and flags only the planted spikes", () => {
  const noise = gaussian(3);
  const n = 24 * 21;
  const start = Date.UTC(2024, 0, 1);
  const season = (i: number) =>
    50 * Math.sin((2 * Math.PI * (i % 24)) / 24) + 20 * ((i % 24) === 9 ? 1 : 0);
  const trend = (i: number) => 500 + 0.5 * i;
  const planted = new Map([[100, 80], [250, -70], [430, 90]]);
  const values = Array.from(
    { length: n },
    (_, i) => trend(i) + season(i) + 4 * noise() + (planted.get(i) ?? 0),
  );
  const frame = pl.DataFrame({
    TimeGenerated: Array.from({ length: n }, (_, i) => (start + i * 3_600_000) * 1000),
    Bytes: values,
  }).withColumn(pl.col("TimeGenerated").cast(DATETIME));
  const parts = decomposeSeries(frame);
  assert.deepEqual(parts.columns, [
    "time",
    "value",
    "trend",
    "seasonal",
    "residual",
    "score",
    "isAnomaly",
  ]);
  assert.equal(parts.height, n);
  const flagged = columnValues<boolean>(parts, "isAnomaly").flatMap((a, i) => (a ? [i] : []));
  assert.deepEqual(flagged, [...planted.keys()]);
  // The parts add up, and are close to what was planted (away from the edges).
  const get = (c: string) => columnValues<number>(parts, c);
  const [v, t, s, r] = ["value", "trend", "seasonal", "residual"].map(get);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(v[i] - t[i] - s[i] - r[i]) < 1e-6);
  for (let i = 0; i < n; i++) {
    // The edges carry the trend along its slope: a little less exact there.
    const edge = i < 12 || i >= n - 12 ? 8 : 3;
    assert.ok(Math.abs(t[i] - trend(i) - 20 / 24) < edge, `trend at ${i}: ${t[i]} vs ${trend(i)}`);
    assert.ok(Math.abs(s[i] - (season(i) - 20 / 24)) < 4, `season at ${i}`);
  }
  const [top] = findAnomalies(frame).toRecords();
  assert.equal((top.time as unknown as Date).getTime(), start + 430 * 3_600_000);
});

Deno.test({
  name: "findAnomalies() on the real hourly series finds its obvious spikes and dips",
  ignore: !shared,
  fn: async () => {
    const { frame } = await loadTable(`${REALDATA_DIR}/time_series.csv`);
    const found = findAnomalies(frame, { value: "TotalBytesSent" });
    const top = found.head(7).toRecords().map((r) => (r.time as unknown as Date).toISOString());
    // The seven strongest: the six hours KQL's series_decompose_anomalies flagged in the
    // file's own column, and the last hour (1.47 GB against ~0.75 GB in the hours before),
    // which KQL missed at the series' edge. Then a clear drop in score.
    const kql = columnValues<Date>(frame.filter(pl.col("anomalies").neq(0)), "TimeGenerated")
      .map((d) => d.toISOString());
    assert.equal(kql.length, 6);
    assert.deepEqual(top.sort(), [...kql, "2019-06-05T05:00:00.000Z"].sort());
    const scores = columnValues<number>(found, "score").map(Math.abs);
    assert.ok(scores[6] > 8 && scores[7] < 7, `${scores[6]} ${scores[7]}`);
    // Spikes score positive, dips negative.
    const score = (iso: string) =>
      found.filter(pl.col("time").eq(pl.lit(new Date(iso)).cast(DATETIME))).getColumn("score")
        .toArray()[0] as number;
    assert.ok(score("2019-05-26T05:00:00Z") > 0 && score("2019-05-07T11:00:00Z") < 0);
  },
});

Deno.test("decomposeSeries() takes a make-series result from the local engine: the spray hours stand out", async () => {
  const provider = await openLocalProvider();
  const { frame } = await provider.query(
    "SigninLogs | make-series Signins = count() default = 0 on TimeGenerated step 1h",
  );
  const found = findAnomalies(frame);
  const top = found.head(2).toRecords().map((r) => (r.time as unknown as Date).toISOString());
  assert.deepEqual(top, ["2026-03-11T02:00:00.000Z", "2026-03-11T03:00:00.000Z"]);
  // One series per row of a make-series ... by: its keys come along.
  const { frame: byApp } = await provider.query(
    "SigninLogs | make-series Signins = count() default = 0 on TimeGenerated step 1h by ClientAppUsed",
  );
  const parts = decomposeSeries(byApp);
  assert.equal(parts.columns[0], "ClientAppUsed");
  const points = columnValues<string>(byApp, "Signins").reduce(
    (n, a) => n + JSON.parse(a).length,
    0,
  );
  assert.equal(parts.height, points);
  const imap = findAnomalies(byApp).filter(pl.col("ClientAppUsed").eq(pl.lit("IMAP4"))).toRecords();
  assert.ok(
    imap.some((r) => (r.time as unknown as Date).toISOString() === "2026-03-11T02:00:00.000Z"),
  );
});

Deno.test("decomposeSeries() refuses an irregular series with a hint", () => {
  const frame = pl.DataFrame({ t: [0, 3600e6, 7200e6, 9000e6, 12600e6], v: [1, 2, 3, 4, 5] })
    .withColumn(pl.col("t").cast(DATETIME));
  assert.throws(
    () => decomposeSeries(frame),
    (e: unknown) =>
      e instanceof AnalysisError && /not regular/.test(e.message) &&
      /make-series/.test(e.hint ?? ""),
  );
});

/** A make-series result (JSON text arrays, as the local engine writes them), one row per host. */
function seriesByHost(spikes: Record<string, number>): ReturnType<typeof pl.DataFrame> {
  const n = 24 * 6;
  const start = Date.UTC(2024, 0, 1);
  const times = JSON.stringify(
    Array.from({ length: n }, (_, i) => new Date(start + i * 3_600_000).toISOString()),
  );
  const hosts = Object.keys(spikes);
  return pl.DataFrame({
    Host: hosts,
    Site: hosts.map((h) => (h.startsWith("web") ? "east" : "west")),
    TimeGenerated: hosts.map(() => times),
    Count: hosts.map((h) =>
      JSON.stringify(
        Array.from({ length: n }, (_, i) =>
          100 + 30 * Math.sin((2 * Math.PI * (i % 24)) / 24) + ((i * 7) % 5) +
          (i === spikes[h] ? 400 : 0)),
      )
    ),
  });
}

Deno.test("decomposeSeries() orders a make-series result's blocks by their keys, each in time order", () => {
  // Input rows out of key order; web-1 and web-2 are the same series.
  const frame = seriesByHost({ "web-2": 60, "db-1": 90, "web-1": 60, "app-1": 30 });
  const parts = decomposeSeries(frame, { period: 24 });
  assert.deepEqual(parts.columns.slice(0, 3), ["Host", "Site", "time"]);
  assertOrdered(parts, ["Host", "Site", "time"], { strict: true });
  assert.deepEqual(
    [...new Set(parts.getColumn("Host").toArray())],
    ["app-1", "db-1", "web-1", "web-2"],
  );
  const hash = sha(parts);
  assert.equal(sha(decomposeSeries(frame, { period: 24 })), hash, "a second run");
  for (const seed of [1, 2, 3]) {
    assert.equal(
      sha(decomposeSeries(shuffled(frame, seed), { period: 24 })),
      hash,
      `shuffle ${seed}`,
    );
  }
  // A frame of points: sorted by time whatever the input's order.
  const points = parts.filter(pl.col("Host").eq(pl.lit("db-1"))).select(
    pl.col("time").alias("TimeGenerated"),
    pl.col("value").alias("Count"),
  );
  const plain = decomposeSeries(points);
  assertOrdered(plain, ["time"], { strict: true });
  assert.equal(sha(decomposeSeries(reversed(points))), sha(plain), "reversed points");
  assert.equal(sha(decomposeSeries(shuffled(points, 5))), sha(plain), "shuffled points");
});

Deno.test("findAnomalies() orders by |score|, ties by the series' keys, then time", () => {
  const frame = seriesByHost({ "web-2": 60, "db-1": 90, "web-1": 60, "app-1": 30 });
  const found = findAnomalies(frame, { period: 24 });
  const absScore = { column: "score", desc: true, map: (v: unknown) => Math.abs(v as number) };
  assert.ok(found.height >= 4);
  assert.ok(tiesOn(found, [absScore]) >= 1, "the data must tie on |score|");
  assertOrdered(found, [absScore, "Host", "Site", "time"], { strict: true });
  const hash = sha(found);
  assert.equal(sha(findAnomalies(frame, { period: 24 })), hash, "a second run");
  for (const seed of [1, 2, 3]) {
    assert.equal(
      sha(findAnomalies(shuffled(frame, seed), { period: 24 })),
      hash,
      `shuffle ${seed}`,
    );
  }
});
