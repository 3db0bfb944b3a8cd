/**
 * Damaged Parquet pages never kill the process (issue 18). Polars panics on some damaged
 * pages; inside the asynchronous `collect()` the engine runs queries with, that panic aborts
 * the whole process (exit 134, the REPL gone), where the synchronous `collectSync()` turns it
 * into an error. A plan over files no recorded SHA-256 vouches for is therefore collected
 * synchronously (planning still reads footers only, and a query only what it needs). The damaged files are found here by flipping bits in a file written by
 * Polars and keeping a flip that Polars' own synchronous reader reports as a panic.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DataLoadError, scanTable } from "../../src/data/mod.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { pl } from "../../src/polars.ts";
import { parquetFooterProblem } from "../../src/data/_parquet_footer.ts";
import { runCasefile, tempDir, tempFolder } from "../_helpers.ts";

const ROWS = 2000;
const ACCOUNTS = ["ana", "ben", "cy", "dee", "eve"];

function intactParquet(): Uint8Array {
  return new Uint8Array(
    pl.DataFrame({
      Account: Array.from({ length: ROWS }, (_, i) => ACCOUNTS[i % ACCOUNTS.length]),
      Count: Array.from({ length: ROWS }, (_, i) => (i * 7919) % 1000),
    }).writeParquet({ compression: "uncompressed" }),
  );
}

/**
 * A copy of `bytes` with one bit flipped on which Polars' reader panics, past the footer's
 * checks (those refuse a file before Polars reads it): the panic is met when its values
 * are read.
 */
async function panicking(bytes: Uint8Array): Promise<Uint8Array> {
  const folder = await tempDir();
  const file = join(folder, "probe.parquet");
  try {
    for (let at = 4; at < Math.min(bytes.length, 4096); at++) {
      for (let bit = 0; bit < 8; bit++) {
        const copy = new Uint8Array(bytes);
        copy[at] ^= 1 << bit;
        await Deno.writeFile(file, copy);
        if (await parquetFooterProblem(file) !== undefined) continue;
        try {
          // Synchronously only: the asynchronous collect would abort this test process.
          pl.scanParquet(file).select(pl.all().nullCount()).collectSync();
        } catch (error) {
          if (/JoinError::Panic/.test(String(error))) return copy;
        }
      }
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
  throw new Error("no panicking bit flip found");
}

const DAMAGED = await panicking(intactParquet());

Deno.test("a query over a file whose pages make Polars panic fails naming it; the other table answers", async () => {
  const folder = await tempFolder({ "T.parquet": DAMAGED, "Good.parquet": intactParquet() });
  const file = join(folder, "T.parquet");
  const provider = await openLocalProvider(folder);
  // Planning reads the footer only, which is intact: the damage is met by the query's read
  // (before the fix, inside the asynchronous collect: this test process aborted).
  const tables = await provider.tables();
  assert.deepEqual(tables.map((t) => [t.name, t.rows]), [["Good", ROWS], ["T", ROWS]]);
  for (let i = 0; i < 2; i++) {
    await assert.rejects(provider.query("T | summarize count() by Account"), (error: unknown) => {
      assert.ok(error instanceof DataLoadError, String(error));
      assert.equal(error.file, file);
      assert.match(error.message, /T\.parquet \(table T\): its data is damaged/);
      assert.match(error.hint ?? "", /Copy or export the file again/);
      return true;
    });
    const good = await provider.query("Good | summarize n = count(), total = sum(Count)");
    // Count is 7919·i mod 1000 over i < 2000: every residue 0..999 twice (7919 is prime to
    // 1000), so the sum is 2 · (999 · 1000 / 2).
    assert.deepEqual(good.frame.toRecords(), [{ n: 2000, total: 999000 }]);
  }
  await Deno.remove(folder, { recursive: true });
});

Deno.test("a scan is unverified without a recorded SHA-256, verified with one", async () => {
  const intact = intactParquet();
  const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(intact)))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const folder = await tempFolder({ "T.parquet": intact, "C.csv": "a,b\n1,2\n" });
  assert.equal((await scanTable(join(folder, "T.parquet"))).unverified, true);
  assert.equal((await scanTable(join(folder, "T.parquet"), { sha256: digest })).unverified, false);
  const csv = await scanTable(join(folder, "C.csv")); // scanned too (issue 22): unhashed
  assert.equal(csv.scanned, true);
  assert.equal(csv.unverified, true);
  await Deno.remove(folder, { recursive: true });
});

Deno.test("casefile query on a folder with a panicking file: exit 1 naming it, no abort", async () => {
  const folder = await tempFolder({ "T.parquet": DAMAGED, "Good.parquet": intactParquet() });
  const bad = await runCasefile(["--data", folder, "query", "T | summarize count() by Account"]);
  assert.equal(bad.code, 1, `exit ${bad.code} (134 is an abort): ${bad.stderr.slice(-500)}`);
  assert.match(
    bad.stderr,
    // The flip is met by the page-header check before Polars reads it, or by Polars' panic.
    /error: Cannot read .*T\.parquet \(table T\): its data is damaged \((the reader panicked: |column \w+ of row group \d+ has a damaged page header)/,
  );
  assert.doesNotMatch(bad.stderr, /aborting/);
  const good = await runCasefile(["--data", folder, "query", "Good | count", "--format", "json"]);
  assert.equal(good.code, 0, good.stderr);
  assert.deepEqual(JSON.parse(good.stdout), [{ Count: ROWS }]);
  await Deno.remove(folder, { recursive: true });
});

Deno.test("the REPL reports the damaged table and goes on to the next query", async () => {
  const folder = await tempFolder({ "T.parquet": DAMAGED, "Good.parquet": intactParquet() });
  const home = await tempDir();
  const run = await runCasefile(
    ["repl", "--home", home, "--session", "damaged", "--data", folder],
    { stdin: "%kql T | summarize count() by Account\n%kql Good | where Account == 'cy' | count\n" },
  );
  assert.equal(run.code, 0, `exit ${run.code} (134 is an abort): ${run.stderr.slice(-500)}`);
  const output = run.stdout + run.stderr;
  assert.match(output, /T\.parquet \(table T\): its data is damaged/);
  // 'cy' is every fifth of the 2000 rows: 400, shown after the error.
  assert.match(run.stdout, /Count\s+-+\s+400\b/);
  await Deno.remove(folder, { recursive: true });
  await Deno.remove(home, { recursive: true });
});
