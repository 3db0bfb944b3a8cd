import assert from "node:assert/strict";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { DATETIME, pl } from "../../src/polars.ts";
import { findBeacons } from "../../src/analysis/beaconing.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";
import { assertOrdered, reversed, rng, sha, shuffled, tiesOn } from "../_order.ts";

const START = Date.UTC(2024, 0, 1) / 1000;

function flows(pairs: Record<string, number[]>) {
  const src: string[] = [];
  const dst: string[] = [];
  const t: number[] = [];
  for (const [pair, times] of Object.entries(pairs)) {
    const [s, d] = pair.split(">");
    for (const x of times) {
      src.push(s);
      dst.push(d);
      t.push(Math.round((START + x) * 1e6));
    }
  }
  return pl.DataFrame({ SrcIP: src, DstIP: dst, TimeGenerated: t }).withColumn(
    pl.col("TimeGenerated").cast(DATETIME),
  );
}

Deno.test("findBeacons() measures period, jitter and missed beats of a planted beacon", () => {
  const r = rng(7);
  // 300 s, ±20% uniform jitter, 400 check-ins of which about 10% are lost.
  const beacon: number[] = [];
  let t = 0;
  let dropped = 0;
  for (let i = 0; i < 400; i++) {
    if (r() < 0.1 && i > 0) dropped++;
    else beacon.push(t);
    t += 300 * (1 + (r() - 0.5) * 0.4);
  }
  // Random (Poisson) traffic at the same average rate.
  const random: number[] = [];
  for (let x = 0; x < 400 * 300;) {
    x += -Math.log(1 - r()) * 300;
    random.push(x);
  }
  const result = findBeacons(
    flows({ "10.0.0.5>198.51.100.7": beacon, "10.0.0.6>203.0.113.9": random }),
  );
  const rows = result.toRecords();
  assert.equal(rows.length, 2);
  const [top, other] = rows;
  assert.equal(top.DstIP, "198.51.100.7");
  assert.equal(top.rank, 1);
  assert.ok(Math.abs((top.periodSeconds as number) - 300) < 15, `period ${top.periodSeconds}`);
  // ±20% jitter that accumulates widens the spectral line by a few percent.
  assert.ok(
    Math.abs((top.spectralPeriodSeconds as number) - 300) < 15,
    `spectral ${top.spectralPeriodSeconds}`,
  );
  assert.ok(Math.abs((top.jitterPercent as number) - 20) < 4, `jitter ${top.jitterPercent}`);
  // Missed beats, counted from the gaps, are about what was dropped (two in a row count 2).
  assert.ok(
    Math.abs((top.missedBeats as number) - dropped) <= 3,
    `${top.missedBeats} vs ${dropped}`,
  );
  assert.equal(top.connections, 400 - dropped);
  assert.ok((other.regularity as number) < 0.3);
  assert.ok((top.score as number) > 2 * (other.score as number));
});

Deno.test("findBeacons() hears a beacon under unrelated traffic on the same pair by its spectrum", () => {
  const r = rng(11);
  const times: number[] = [];
  for (let t = 0, i = 0; i < 600; i++) {
    times.push(t);
    t += 120 * (1 + (r() - 0.5) * 0.1);
  }
  // As much browsing to the same address, at random.
  for (let x = 0; x < 600 * 120;) {
    x += -Math.log(1 - r()) * 120;
    times.push(x);
  }
  const [row] = findBeacons(flows({ "a>b": times.sort((p, q) => p - q) }), {
    mergeWithinSeconds: 0,
  }).toRecords();
  // The gaps are a mix, so the median says little; the spectral line is still at 120 s.
  assert.ok(Math.abs((row.periodSeconds as number) - 120) > 30, `median gap ${row.periodSeconds}`);
  assert.ok(
    Math.abs((row.spectralPeriodSeconds as number) - 120) < 3,
    `${row.spectralPeriodSeconds}`,
  );
});

Deno.test("findBeacons() puts the demo case's C2 beacon first, with its 60 s period and 10% jitter", async () => {
  const provider = await openLocalProvider();
  for (const table of ["DeviceNetworkEvents", "CommonSecurityLog"]) {
    const { frame } = await provider.query(table);
    const rows = findBeacons(frame).toRecords();
    const [top, next] = rows;
    const destination = top.RemoteIP ?? top.DestinationIP;
    assert.equal(destination, "198.51.100.160", table);
    assert.equal(
      top.DeviceName ?? top.SourceIP,
      table === "CommonSecurityLog" ? "10.20.4.42" : "lks-ws-1042.corp.larkspurlogistics.example",
    );
    assert.ok(
      Math.abs((top.periodSeconds as number) - 60) < 1,
      `${table} period ${top.periodSeconds}`,
    );
    assert.ok(
      Math.abs((top.spectralPeriodSeconds as number) - 60) < 1,
      `${table} ${top.spectralPeriodSeconds}`,
    );
    assert.ok(
      Math.abs((top.jitterPercent as number) - 10) < 1.5,
      `${table} jitter ${top.jitterPercent}`,
    );
    assert.ok((top.connections as number) >= 2160);
    // Nothing else in the case comes close.
    assert.ok(
      (top.score as number) > 0.8 && (next.score as number) < 0.5,
      `${table} ${next.score}`,
    );
  }
});

Deno.test("findBeacons() leaves out pairs whose rhythm is outside the period range", async () => {
  const provider = await openLocalProvider();
  const { frame } = await provider.query("DeviceNetworkEvents");
  // The exfiltration's 48 uploads a few seconds apart are regular, but far too fast.
  const rows = findBeacons(frame, { minConnections: 40 }).filter(
    pl.col("RemoteIP").eq(pl.lit("198.51.100.199")),
  );
  assert.equal(rows.height, 0);
  const fast = findBeacons(frame, { minConnections: 40, minPeriodSeconds: 1 })
    .filter(pl.col("RemoteIP").eq(pl.lit("198.51.100.199")));
  assert.equal(fast.height, 1);
});

Deno.test("findBeacons() asks for columns it cannot guess", () => {
  const frame = pl.DataFrame({ a: ["x"], b: ["y"], TimeGenerated: [1] });
  assert.throws(
    () => findBeacons(frame),
    (e: unknown) => e instanceof AnalysisError && /source/.test(e.hint ?? ""),
  );
  const empty = findBeacons(frame.withColumn(pl.col("TimeGenerated").cast(DATETIME)), {
    source: "a",
    destination: "b",
  });
  assert.equal(empty.height, 0);
  assert.ok(empty.columns.includes("score"));
});

Deno.test("findBeacons() orders pairs by score, ties by source then destination, whatever the input order", () => {
  // Six pairs with exactly the same rhythm tie on every statistic; two others differ.
  const steady = Array.from({ length: 60 }, (_, i) => i * 60);
  const r = rng(3);
  const noisy = Array.from({ length: 60 }, (_, i) => i * 60 + (r() - 0.5) * 30);
  const frame = flows({
    "10.0.0.9>203.0.113.1": steady,
    "10.0.0.9>198.51.100.2": steady,
    "10.0.0.3>203.0.113.1": steady,
    "10.0.0.1>198.51.100.7": steady,
    "10.0.0.5>198.51.100.2": steady,
    "10.0.0.1>198.51.100.2": steady,
    "10.0.0.2>192.0.2.1": noisy,
    "10.0.0.8>192.0.2.1": noisy.map((t) => t * 2),
  });
  const result = findBeacons(frame);
  assert.equal(result.height, 8);
  const order = [{ column: "score", desc: true }, "SrcIP", "DstIP"];
  assert.ok(tiesOn(result, ["score"]) >= 5, "the data must tie on score");
  assertOrdered(result, order, { strict: true });
  assert.deepEqual(
    result.head(6).select(pl.concatString([pl.col("SrcIP"), pl.col("DstIP")], ">").alias("p"))
      .getColumn("p").toArray(),
    [
      "10.0.0.1>198.51.100.2",
      "10.0.0.1>198.51.100.7",
      "10.0.0.3>203.0.113.1",
      "10.0.0.5>198.51.100.2",
      "10.0.0.9>198.51.100.2",
      "10.0.0.9>203.0.113.1",
    ],
  );
  assert.deepEqual(result.getColumn("rank").toArray(), [1, 2, 3, 4, 5, 6, 7, 8]);
  const hash = sha(result);
  assert.equal(sha(findBeacons(frame)), hash, "a second run");
  for (const seed of [1, 2, 3]) {
    assert.equal(sha(findBeacons(shuffled(frame, seed))), hash, `shuffle ${seed}`);
  }
  assert.equal(sha(findBeacons(reversed(frame))), hash, "reversed");
});
