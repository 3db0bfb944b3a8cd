/**
 * The remaining evidence gaps of issue 18 in scanned Parquet (no recorded SHA-256), through
 * `casefile query --data`: a value flipped past its footer's bounds is caught in a folder
 * of any size (the value check used to stop at 256 MiB); the error names the file whose
 * damaged column the query read, when several files have damaged chunks; the stand-in
 * copies a killed process left are removed by the next one. Each damaged byte is placed by
 * hand; expected values are summed by hand.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempDir, tempFolder } from "../_helpers.ts";

const ACCOUNTS = ["ana", "ben", "cy", "dee", "eve", "fay", "gus", "hal"];

/** Eight rows, uncompressed: Account a..h and Bytes 1000, 2000, … 8000 (sum 36,000). */
function eightRows(): Uint8Array {
  return new Uint8Array(
    pl.DataFrame({
      Account: ACCOUNTS,
      Bytes: pl.Series("Bytes", [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000], pl.Int64),
    }).writeParquet({ compression: "uncompressed" }),
  );
}

/** The file with the Account chunk's data page header's value count flipped (8 → -9). */
function damagedAccountHeader(): Uint8Array {
  const bytes = eightRows();
  // As nodejs-polars 0.25.2 writes it: the Account chunk's data page header at byte 72,
  // its num_values (zigzag 8 = 0x10) at byte 80; bit 0 makes it 0x11: -9.
  assert.deepEqual(
    [...bytes.subarray(72, 81)],
    [0x15, 0x00, 0x15, 0x16, 0x15, 0x16, 0x2c, 0x15, 0x10],
  );
  bytes[80] ^= 1;
  return bytes;
}

/** `bytes` with the little-endian int64 `value` found and its bit 46 set (+2^46). */
function flipInt64(bytes: Uint8Array, value: number): Uint8Array {
  const le = [...new Uint8Array(new BigInt64Array([BigInt(value)]).buffer)];
  const at = bytes.findIndex((_, i) => le.every((b, j) => bytes[i + j] === b));
  assert.ok(at > 0, `int64 ${value} not found`);
  bytes[at + 5] ^= 1 << 6;
  return bytes;
}

Deno.test("casefile query --data: a value flipped in one of 20 files totalling over 256 MiB is named", async () => {
  // Each file: 1.4 million rows of Bytes (the row number mod 100,000, so 0..99,999) and
  // Pad, uncompressed: about 13.5 MB; 20 of them hold 280 MB, past the 256 MiB the value
  // check once stopped at. In day17, one 77,777 gets bit 46: 70,368,744,255,441 (2^46 = 70,368,744,177,664), above
  // the footer's maximum of 99,999.
  const rows = 1_400_000;
  const frame = pl.DataFrame({
    Bytes: pl.Series("Bytes", Array.from({ length: rows }, (_, i) => i % 100_000), pl.Int64),
  }).withColumns(pl.lit(1).alias("Pad"));
  const sound = new Uint8Array(frame.writeParquet({ compression: "uncompressed" }));
  assert.ok(sound.length * 20 > 256 * 2 ** 20, `${sound.length} bytes a file`);
  const folder = await tempFolder();
  try {
    await Deno.mkdir(join(folder, "Traffic"));
    for (let day = 1; day <= 20; day++) {
      const name = join(folder, "Traffic", `day${String(day).padStart(2, "0")}.parquet`);
      await Deno.writeFile(name, day === 17 ? flipInt64(sound.slice(), 77_777) : sound);
    }
    const run = await runCasefile(["query", "--data", folder, "Traffic | summarize max(Bytes)"]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /70368744255441/);
    assert.match(
      run.stderr,
      /Cannot read .*day17\.parquet \(table Traffic\): its data is damaged \(column Bytes of row group \d+ holds 70368744255441, above the maximum its footer recorded \(99999\)\)/,
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("casefile query --data: of 3 files, two with damaged chunks, the error names the one whose column the query reads", async () => {
  // a: Account's page header damaged; b: sound; c: one Bytes value flipped past its
  // maximum. A sum of Bytes reads c's damaged chunk and a's sound one: the error is c's.
  const folder = await tempFolder({
    "T/a.parquet": damagedAccountHeader(),
    "T/b.parquet": eightRows(),
    "T/c.parquet": flipInt64(eightRows(), 4000),
  });
  try {
    const bytes = await runCasefile(["query", "--data", folder, "T | summarize sum(Bytes)"]);
    assert.equal(bytes.code, 1, bytes.stdout + bytes.stderr);
    assert.match(
      bytes.stderr,
      /Cannot read \S*c\.parquet \(table T\): its data is damaged \(column Bytes of row group 1 holds 70368744181664, above the maximum its footer recorded \(8000\)\)/,
    );
    assert.doesNotMatch(bytes.stderr, /a\.parquet/);

    // And the other way round: counting Accounts reads a's damaged chunk, not c's.
    const accounts = await runCasefile([
      "query",
      "--data",
      folder,
      "T | summarize dcount(Account)",
    ]);
    assert.equal(accounts.code, 1, accounts.stdout + accounts.stderr);
    assert.match(
      accounts.stderr,
      /Cannot read \S*a\.parquet \(table T\): its data is damaged \(column Account of row group 1 has a page header at byte 72 with a negative count\)/,
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("casefile query --data: of 3 files, the one damaged is named, wherever it is; the others' values are right", async () => {
  const folder = await tempFolder({
    "T/a.parquet": eightRows(),
    "T/b.parquet": eightRows(),
    "T/c.parquet": damagedAccountHeader(),
  });
  try {
    const run = await runCasefile(["query", "--data", folder, "T | summarize dcount(Account)"]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /Cannot read \S*c\.parquet \(table T\): its data is damaged/);
    // The damaged chunk is not read by a sum of Bytes: 3 × 36,000 = 108,000.
    const sum = await runCasefile([
      "query",
      "--data",
      folder,
      "T | summarize Total = sum(Bytes)",
      "--format",
      "json",
    ]);
    assert.equal(sum.code, 0, sum.stderr);
    assert.deepEqual(JSON.parse(sum.stdout), [{ Total: 108000 }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

const CHILD = new URL("./_standin_child.ts", import.meta.url).pathname;

/** The stand-in copies in `dir`. */
async function standIns(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith("casefile_standin_")) names.push(entry.name);
  }
  return names.sort();
}

/** A process holding a stand-in of `file` in `tmp`, once it has said the copy's name. */
async function holdStandIn(file: string, tmp: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CHILD, file],
    env: { TMPDIR: tmp },
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let said = "";
  while (!said.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the child ended before making a stand-in: ${said}`);
    said += value;
  }
  reader.releaseLock();
  return { child, copy: said.trim() };
}

Deno.test("a stand-in copy left by a killed process is removed by the next casefile; a live one's is kept", async () => {
  const folder = await tempFolder({ "T.parquet": damagedAccountHeader() });
  const tmp = await tempDir("casefile-tmp-");
  try {
    const killed = await holdStandIn(join(folder, "T.parquet"), tmp);
    const live = await holdStandIn(join(folder, "T.parquet"), tmp);
    assert.deepEqual(await standIns(tmp), [killed.copy, live.copy].sort());
    // A copy made in another PID namespace (a container sharing the folder): its process id
    // means nothing here, so it is never removed, even with no such process in this one.
    const foreign = killed.copy.replace(
      /^casefile_standin_\d+_\d+_/,
      "casefile_standin_4194000_1_",
    );
    assert.notEqual(foreign, killed.copy);
    await Deno.writeFile(join(tmp, foreign), new Uint8Array(8));
    assert.equal(await Deno.stat("/proc/4194000").then(() => "alive", () => "none"), "none");
    killed.child.kill("SIGKILL");
    assert.equal((await killed.child.status).signal, "SIGKILL");
    await killed.child.stdout.cancel().catch(() => {});
    assert.deepEqual((await standIns(tmp)).includes(killed.copy), true, "SIGKILL cleans nothing");

    // The next casefile that scans (any table) removes the dead process's copy.
    const run = await runCasefile(["query", "--data", folder, "T | summarize sum(Bytes)"], {
      env: { TMPDIR: tmp },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await standIns(tmp), [foreign, live.copy].sort());
    await Deno.remove(join(tmp, foreign));

    live.child.stdin.close();
    assert.equal((await live.child.status).code, 0);
    await live.child.stdout.cancel().catch(() => {});
    assert.deepEqual(await standIns(tmp), [], "a process ending normally removes its own");
  } finally {
    await Deno.remove(folder, { recursive: true });
    await Deno.remove(tmp, { recursive: true });
  }
});
