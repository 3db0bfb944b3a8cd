/**
 * A Parquet file scanned lazily (`casefile query --data`, no recorded SHA-256) has its page
 * headers checked before a query's first execution reads it (issue 18): one flipped bit in
 * a page header's value count made Polars allocate 2^61 bytes and abort the process. Now the
 * query that reads the damaged column is a casefile error naming the file and the column,
 * and one that reads only the sound column still answers (planning stays footer-only, and
 * the damaged chunk is never handed to Polars). The damaged byte is placed by hand.
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

const ACCOUNTS = ["ana", "ben", "cy", "dee", "eve", "fay", "gus", "hal"];

/** Eight rows, uncompressed, with the Account chunk's data page header's count flipped. */
function damagedHeader(): Uint8Array {
  const bytes = new Uint8Array(
    pl.DataFrame({ Account: ACCOUNTS, Count: [3, 1, 7, 2, 9, 4, 6, 5] })
      .writeParquet({ compression: "uncompressed" }),
  );
  // As nodejs-polars 0.25.2 writes it: the Account chunk's data page header at byte 72,
  // its num_values (zigzag 8 = 0x10) at byte 80; bit 0 makes it 0x11: -9.
  assert.deepEqual(
    [...bytes.subarray(72, 81)],
    [0x15, 0x00, 0x15, 0x16, 0x15, 0x16, 0x2c, 0x15, 0x10],
  );
  bytes[80] ^= 1;
  return bytes;
}

Deno.test("casefile query --data: a scanned file with a damaged page header is a casefile error naming it, no abort", async () => {
  const folder = await tempFolder({ "T.parquet": damagedHeader() });
  try {
    const run = await runCasefile(["query", "--data", folder, "T | summarize dcount(Account)"]);
    // Before the check, the process aborted (exit 134, "memory allocation of ... failed").
    assert.equal(run.code, 1, `exit ${run.code} (134 is an abort): ${run.stderr.slice(-400)}`);
    assert.doesNotMatch(run.stderr, /memory allocation/);
    assert.match(
      run.stderr,
      /Cannot read .*T\.parquet \(table T\): its data is damaged \(column Account of row group 1 has a page header at byte 72 with a negative count\)/,
    );
    assert.doesNotMatch(run.stderr, /casefile_standin_/, "the stand-in copy is not the file named");
    assert.doesNotMatch(run.stderr, /at (async )?\w+ \(file:/, run.stderr);

    // The sound column answers: Count's values, summed by hand: 3+1+7+2+9+4+6+5 = 37.
    const sound = await runCasefile([
      "query",
      "--data",
      folder,
      "T | summarize Total = sum(Count)",
      "--format",
      "json",
    ]);
    assert.equal(sound.code, 0, sound.stderr);
    assert.deepEqual(JSON.parse(sound.stdout), [{ Total: 37 }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("casefile query --data: a scanned value flipped past its footer's maximum is named; other columns answer", async () => {
  // Bytes 1000, 2000, 3000, 4000 and Account a..d, uncompressed: 4000 as an int64 is
  // a0 0f 00 00 00 00 00 00; bit 6 of its sixth byte adds 2^46: 70368744181664, above the
  // maximum 4000 the footer recorded. Without a check, the query would sum it silently.
  const bytes = new Uint8Array(
    pl.DataFrame({
      Bytes: pl.Series("Bytes", [1000, 2000, 3000, 4000], pl.Int64),
      Account: ["a", "b", "c", "d"],
    }).writeParquet({ compression: "uncompressed" }),
  );
  const at = bytes.findIndex((_, i) =>
    [0xa0, 0x0f, 0, 0, 0, 0, 0, 0].every((b, j) => bytes[i + j] === b)
  );
  assert.ok(at > 0);
  bytes[at + 5] ^= 1 << 6;
  const folder = await tempFolder({ "T.parquet": bytes });
  try {
    const run = await runCasefile(["query", "--data", folder, "T | summarize sum(Bytes)"]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /70368744191664|70368744181664/);
    assert.match(
      run.stderr,
      /Cannot read .*T\.parquet \(table T\): its data is damaged \(column Bytes of row group 1 holds 70368744181664, above the maximum its footer recorded \(4000\)\)/,
    );
    const sound = await runCasefile([
      "query",
      "--data",
      folder,
      "T | summarize n = dcount(Account)",
      "--format",
      "json",
    ]);
    assert.equal(sound.code, 0, sound.stderr);
    assert.deepEqual(JSON.parse(sound.stdout), [{ n: 4 }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("guardScan(): a table over the value-check budget gets page-header checks only", async () => {
  // The value check reads the named columns whole: over a big folder it would cost more than
  // the query. The same flipped value (2^46 + 4000 above a footer maximum of 4000) is found
  // within the budget and left to the query over it.
  const { guardScan, scanTable } = await import("../../src/data/scan.ts");
  const bytes = new Uint8Array(
    pl.DataFrame({ Bytes: pl.Series("Bytes", [1000, 2000, 3000, 4000], pl.Int64) })
      .writeParquet({ compression: "uncompressed" }),
  );
  const at = bytes.findIndex((_, i) =>
    [0xa0, 0x0f, 0, 0, 0, 0, 0, 0].every((b, j) => bytes[i + j] === b)
  );
  bytes[at + 5] ^= 1 << 6;
  const over = await tempFolder({ "T.parquet": bytes });
  const within = await tempFolder({ "T.parquet": bytes });
  try {
    const big = await scanTable(`${over}/T.parquet`);
    assert.equal(await guardScan(big, { columns: ["Bytes"], maxValueCheckBytes: 100 }), false);
    const small = await scanTable(`${within}/T.parquet`);
    assert.equal(await guardScan(small, { columns: ["Bytes"] }), true);
  } finally {
    await Deno.remove(over, { recursive: true });
    await Deno.remove(within, { recursive: true });
  }
});
