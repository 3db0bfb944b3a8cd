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
