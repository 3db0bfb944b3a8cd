/**
 * Issue 22: the value check of scanned Parquet (issue 18) covers only what the query reads.
 * A query whose every read of a table is filtered on TimeGenerated has the row groups its
 * window excludes (by their footer statistics, as the scan skips them) left unchecked: a
 * damaged file outside the window costs no read, one inside is still caught, and without a
 * time filter every file is checked as before. Damaged bytes are placed by hand; expected
 * sums are added up by hand.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempDir, tempFolder } from "../_helpers.ts";

/** Eight rows of day `day` of January 2026 (hours 0-7), Bytes 1000 … 8000 (sum 36,000). */
function day(day: number): Uint8Array {
  const start = Date.UTC(2026, 0, day);
  return new Uint8Array(
    pl.DataFrame({
      TimeGenerated: pl.Series(
        "TimeGenerated",
        [0, 1, 2, 3, 4, 5, 6, 7].map((h) => new Date(start + h * 3_600_000)),
      ).cast(pl.Datetime("us")),
      Bytes: pl.Series("Bytes", [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000], pl.Int64),
    }).writeParquet({ compression: "uncompressed" }),
  );
}

/** `bytes` with the little-endian int64 `value` found and its bit 46 set (+2^46). */
function flipInt64(bytes: Uint8Array, value: number): Uint8Array {
  const le = [...new Uint8Array(new BigInt64Array([BigInt(value)]).buffer)];
  const at = bytes.findIndex((_, i) => le.every((b, j) => bytes[i + j] === b));
  assert.ok(at > 0, `int64 ${value} not found`);
  bytes[at + 5] ^= 1 << 6;
  return bytes;
}

const CHILD = new URL("./_window_reads_child.ts", import.meta.url).pathname;

const DAMAGED =
  /Cannot read \S*d1\.parquet \(table T\): its data is damaged \(column Bytes of row group 1 holds 70368744181664, above the maximum its footer recorded \(8000\)\)/;

Deno.test("casefile query --data: a damaged day outside the time filter is not checked; inside, or unfiltered, it is caught", async () => {
  // d1 (Jan 1) has Bytes 4000 flipped to 4000 + 2^46 = 70,368,744,181,664; d2, d3 sound.
  const folder = await tempFolder({
    "T/d1.parquet": flipInt64(day(1), 4000),
    "T/d2.parquet": day(2),
    "T/d3.parquet": day(3),
  });
  const query = (kql: string) => runCasefile(["query", "--data", folder, "--format", "csv", kql]);
  try {
    // Days 2 and 3 only: 2 × 36,000. Checking d1 would have failed the query.
    const after = await query(
      "T | where TimeGenerated >= datetime(2026-01-02) | summarize s = sum(Bytes)",
    );
    assert.equal(after.code, 0, after.stdout + after.stderr);
    assert.match(after.stdout, /^s\r?\n72000\r?\n/);
    // between with a timespan, both ends inclusive: day 2 and d3's 00:00 row, 37,000.
    const between = await query(
      "T | where TimeGenerated between (datetime(2026-01-02) .. 1d) | summarize s = sum(Bytes)",
    );
    assert.equal(between.code, 0, between.stdout + between.stderr);
    assert.match(between.stdout, /^s\r?\n37000\r?\n/);

    // A window reaching day 1 reads d1: the flipped value is named.
    for (
      const kql of [
        "T | where TimeGenerated < datetime(2026-01-02) | summarize sum(Bytes)",
        // From 05:00 on day 1: d1's row group is read, its 03:00 row (the flipped one) too.
        "T | where TimeGenerated >= datetime(2026-01-01T05:00:00) | summarize sum(Bytes)",
        // No time filter; a filter under `or`; a second, unfiltered read of T.
        "T | summarize sum(Bytes)",
        "T | where TimeGenerated >= datetime(2026-01-02) or Bytes > 0 | summarize sum(Bytes)",
        "T | where TimeGenerated >= datetime(2026-01-02) | union (T) | summarize sum(Bytes)",
      ]
    ) {
      const run = await query(kql);
      assert.equal(run.code, 1, `${kql}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, DAMAGED, kql);
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("guardScan with a window reads the values of the file in it only", async () => {
  // Three days of 200,000 rows each, uncompressed: ~3.2 MB a file, bytes read counted by a
  // child process (see _window_reads_child.ts).
  const folder = await tempDir();
  const files: string[] = [];
  for (const d of [1, 2, 3]) {
    const start = Date.UTC(2026, 0, d);
    const n = 200_000;
    const file = join(folder, `d${d}.parquet`);
    pl.DataFrame({
      TimeGenerated: pl.Series(
        "TimeGenerated",
        Array.from({ length: n }, (_, i) => new Date(start + Math.floor(i * 86_399_000 / n))),
      ).cast(pl.Datetime("us")),
      Bytes: pl.Series("Bytes", Array.from({ length: n }, (_, i) => i), pl.Int64),
    }).writeParquet(file, { compression: "uncompressed" });
    files.push(file);
  }
  const size = (f: string) => Deno.statSync(f).size;
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", CHILD, ...files],
      env: { POLARS_FORCE_ASYNC: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, err);
    const { inWindow, rest } = JSON.parse(new TextDecoder().decode(out.stdout));
    // d2's two columns are most of d2; d1 and d3 are not read.
    assert.ok(inWindow > 0.9 * size(files[1]), `read ${inWindow} of ${size(files[1])}`);
    assert.ok(inWindow < 1.5 * size(files[1]), `read ${inWindow}, d2 is ${size(files[1])}`);
    // Without a window the other two days are read then (d2's chunks were checked already).
    assert.ok(rest > 0.9 * (size(files[0]) + size(files[2])), `read ${rest}`);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("casefile query --data: nanosecond TimeGenerated is checked whatever the time filter (its row groups are not pruned)", async () => {
  // d1 (Jan 1, Datetime(ns)) has its 03:00 TimeGenerated flipped at bit 47 (+2^47 ns,
  // ~39.1 h: Jan 2 18:05), past the footer's maximum (07:00). Its statistics put d1 outside
  // `>= Jan 2`, but the engine's filter does not prune a nanosecond column by them: left
  // unchecked, that row was read into day 2 (sum 40,000 over 9 rows instead of 36,000 / 8).
  const ns = (d: number) =>
    new Uint8Array(
      pl.DataFrame({
        TimeGenerated: pl.Series(
          "TimeGenerated",
          [0, 1, 2, 3, 4, 5, 6, 7].map((h) => new Date(Date.UTC(2026, 0, d, h))),
        ).cast(pl.Datetime("ns")),
        Bytes: pl.Series("Bytes", [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000], pl.Int64),
      }).writeParquet({ compression: "uncompressed" }),
    );
  const d1 = ns(1);
  const le = [
    ...new Uint8Array(new BigInt64Array([BigInt(Date.UTC(2026, 0, 1, 3)) * 1_000_000n]).buffer),
  ];
  const at = d1.findIndex((_, i) => le.every((b, j) => d1[i + j] === b));
  assert.ok(at > 0, "03:00 not found");
  d1[at + 5] ^= 1 << 7; // bit 47
  const folder = await tempFolder({ "T/d1.parquet": d1, "T/d2.parquet": ns(2) });
  try {
    const run = await runCasefile([
      "query",
      "--data",
      folder,
      "--format",
      "csv",
      "T | where TimeGenerated >= datetime(2026-01-02) | summarize s = sum(Bytes), n = count()",
    ]);
    assert.doesNotMatch(run.stdout, /40000,9/);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /d1\.parquet \(table T\): its data is damaged \(column TimeGenerated/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("casefile query --data: a zoned TimeGenerated reads as UTC, filters, and is checked whatever the filter", async () => {
  // Parquet written from time-zone-aware data (pandas, pyarrow) stores Datetime(us, <zone>).
  // Read as the same instants in UTC without a zone, `>= Jan 2` keeps day 2: 36,000 over 8
  // rows (added by hand). A time-zone-aware column is read through a cast, which Polars does
  // not prune by statistics, so d1's damaged 03:00 Bytes (+2^46) is read and must be caught.
  const zoned = (d: number, zone: string) =>
    new Uint8Array(
      pl.DataFrame({
        TimeGenerated: pl.Series(
          "TimeGenerated",
          [0, 1, 2, 3, 4, 5, 6, 7].map((h) => new Date(Date.UTC(2026, 0, d, h))),
        ).cast(pl.Datetime("us")),
        Bytes: pl.Series("Bytes", [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000], pl.Int64),
      }).withColumns(
        pl.col("TimeGenerated").dt.replaceTimeZone("UTC").dt.convertTimeZone(zone),
      ).writeParquet({ compression: "uncompressed" }),
    );
  const query = "T | where TimeGenerated >= datetime(2026-01-02) | summarize s = sum(Bytes), " +
    "n = count(), earliest = min(TimeGenerated)";
  const run = async (files: Record<string, Uint8Array>) => {
    const folder = await tempFolder(files);
    try {
      return await runCasefile(["query", "--data", folder, "--format", "csv", query]);
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  };
  for (const zone of ["UTC", "Europe/Paris"]) {
    const ok = await run({ "T/d1.parquet": zoned(1, zone), "T/d2.parquet": zoned(2, zone) });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^36000,8,2026-01-02T00:00:00Z$/m, `${zone}: ${ok.stdout}`);
  }
  const damaged = await run({
    "T/d1.parquet": flipInt64(zoned(1, "Europe/Paris"), 4000),
    "T/d2.parquet": zoned(2, "Europe/Paris"),
  });
  assert.equal(damaged.code, 1, damaged.stdout + damaged.stderr);
  assert.match(damaged.stderr, DAMAGED);
});
