/**
 * A Parquet file read whole is checked before and after Polars reads it (issue 18): its
 * page headers (Polars trusts their sizes and counts: one flipped bit made it allocate
 * 2^61 bytes, which aborts the process), its footer's schema against its column chunks and
 * the names Polars reads (a flipped bit in a name read a renamed column of nulls), and,
 * without a recorded SHA-256, its values against the minimum, maximum and null count its
 * footer recorded. The damaged files are made by hand at known bytes; the checks are seen
 * through `casefile load` and `casefile summary`, as a person would meet them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

const ACCOUNTS = ["ana", "ben", "cy", "dee", "eve", "fay", "gus", "hal"];

/** Eight rows, uncompressed: a flipped bit stays a flipped bit in what Polars reads. */
function eightRows(): Uint8Array {
  return new Uint8Array(
    pl.DataFrame({ Account: ACCOUNTS, Count: [3, 1, 7, 2, 9, 4, 6, 5] })
      .writeParquet({ compression: "uncompressed" }),
  );
}

function flipped(bytes: Uint8Array, at: number, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] ^= 1 << bit;
  return copy;
}

/** Where `text` first occurs in `bytes` at or after `from`. */
function indexOf(bytes: Uint8Array, text: string, from = 0): number {
  const needle = new TextEncoder().encode(text);
  outer: for (let i = from; i <= bytes.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

Deno.test("casefile load: a page header with a negative value count is refused, no abort", async () => {
  const bytes = eightRows();
  // The file as nodejs-polars 0.25.2 writes it: PAR1, the Account chunk's dictionary page
  // (its header at byte 4, 55 bytes of data from 17), then its data page's header at 72:
  // 15 00 (type DATA_PAGE), 15 16, 15 16 (sizes 11), 2c (data_page_header), 15 (its
  // num_values, an i32) and 10 (zigzag 8). Bit 0 of byte 80 makes it 11: zigzag -9.
  assert.deepEqual(
    [...bytes.subarray(72, 81)],
    [0x15, 0x00, 0x15, 0x16, 0x15, 0x16, 0x2c, 0x15, 0x10],
  );
  const folder = await tempFolder({ "T.parquet": flipped(bytes, 80, 0) });
  const run = await runCasefile(["load", join(folder, "T.parquet")]);
  // Before the check, Polars asked for 2305843009213693952 bytes and the process aborted.
  assert.equal(run.code, 1, `exit ${run.code} (134 is an abort): ${run.stderr.slice(-400)}`);
  assert.doesNotMatch(run.stderr, /memory allocation/);
  assert.match(
    run.stderr,
    /Cannot read .*T\.parquet: it is damaged: column Account of row group 1 has a page header at byte 72 with a negative count/,
  );
  await Deno.remove(folder, { recursive: true });
});

Deno.test("casefile load: a column name flipped in the footer is refused, not read as nulls", async () => {
  const bytes = eightRows();
  const footerLength = new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
  const footer = bytes.length - 8 - footerLength;
  // The schema comes first in the footer: its 'Account' element. 'A' (0x41) with bit 1
  // flipped is 'C' (0x43).
  const at = indexOf(bytes, "Account", footer);
  assert.ok(at > footer);
  const folder = await tempFolder({ "T.parquet": flipped(bytes, at, 1) });
  const run = await runCasefile(["load", join(folder, "T.parquet")]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /T\.parquet.*it is damaged/);
  assert.match(run.stderr, /"Cccount"/);
  assert.match(run.stderr, /"Account"/);
  assert.doesNotMatch(run.stdout, /Cccount/);
  await Deno.remove(folder, { recursive: true });
});

Deno.test("casefile load: a value outside the footer's maximum is refused, naming column and value", async () => {
  // Four distinct whole numbers, plain-encoded by a dictionary page: 1000, 2000, 3000, 4000.
  const bytes = new Uint8Array(
    pl.DataFrame({ Bytes: pl.Series("Bytes", [1000, 2000, 3000, 4000], pl.Int64) })
      .writeParquet({ compression: "uncompressed" }),
  );
  // 4000 as an int64, little-endian: a0 0f 00 00 00 00 00 00. Bit 6 of its sixth byte
  // adds 2^46: 70368744181664, above the maximum 4000 the footer recorded.
  const at = bytes.findIndex((_, i) =>
    [0xa0, 0x0f, 0, 0, 0, 0, 0, 0].every((b, j) => bytes[i + j] === b)
  );
  assert.ok(at > 0);
  const folder = await tempFolder({ "T.parquet": flipped(bytes, at + 5, 6) });
  const run = await runCasefile(["load", join(folder, "T.parquet")]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(
    run.stderr,
    /T\.parquet \(table T\): its data is damaged \(column Bytes of row group 1 holds 70368744181664, above the maximum its footer recorded \(4000\)\)/,
  );
  // The intact file loads: the check has no false alarm on it.
  const intact = await tempFolder({ "T.parquet": bytes });
  const ok = await runCasefile(["load", join(intact, "T.parquet")]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /4000/);
  await Deno.remove(folder, { recursive: true });
  await Deno.remove(intact, { recursive: true });
});

Deno.test("casefile summary: a damaged table is one line and its error; the others are summarised", async () => {
  const good = new Uint8Array(
    pl.DataFrame({
      TimeGenerated: [new Date("2026-03-10T08:00:00Z"), new Date("2026-03-10T09:30:00Z")],
      Account: ["ana", "ben"],
    }).writeParquet({ compression: "snappy" }),
  );
  // TimeGenerated's dictionary page: its header from byte 4 to 16, then its snappy data,
  // which starts with the decoded length (10: 16 bytes, two int64). Four bytes of 0xff
  // there: the footer is intact, the data does not decompress.
  const damaged = new Uint8Array(good);
  assert.equal(damaged[17], 0x10);
  damaged.fill(0xff, 17, 21);
  const folder = await tempFolder({ "Good.parquet": good, "T.parquet": damaged });
  const run = await runCasefile(["summary", "--data", folder]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Good\s+2\s+2\s+2026-03-10 08:00:00\s+2026-03-10 09:30:00/);
  assert.match(run.stdout, /T\s+damaged\s+2/);
  assert.match(
    run.stdout,
    /Damaged \(the other tables answer\):\n\s+T: Cannot read table T: its TimeGenerated column does not decode/,
  );
  await Deno.remove(folder, { recursive: true });
});
