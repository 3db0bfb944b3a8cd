/**
 * A multi-file text table with one empty file (a quiet day among many daily exports,
 * issue 22) is still scanned, not loaded whole: the empty file gives no rows and a warning
 * naming it, and its stamp is kept, so a later write to it is noticed. Expected values are
 * counted by hand from the files below.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { changedFile, scanTable } from "../../src/data/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

const EMPTY = "the file is empty (0 bytes): it holds no rows";

// Day 1: 3 rows, Failed 4 + 1 + 2 = 7; day 2 empty; day 3: 2 rows, Failed 5 + 0 = 5.
const DAYS = {
  "Logons/2026-03-10.csv": "Account,Failed\nana,4\nben,1\ncy,2\n",
  "Logons/2026-03-11.csv": "",
  "Logons/2026-03-12.csv": "Account,Failed\nana,5\ndee,0\n",
};

Deno.test("scanTable() scans daily CSVs around an empty day, which warns and keeps its stamp", async () => {
  const folder = await tempFolder(DAYS);
  const files = Object.keys(DAYS).map((f) => join(folder, f));
  const table = await scanTable(files, { name: "Logons" });
  assert.equal(table.scanned, true);
  assert.equal(table.rows, 5);
  const total = table.frame.select(pl.col("Failed").sum()).collectSync().getColumn("Failed");
  assert.equal(Number(total.get(0)), 12);
  assert.deepEqual(table.warnings, [{ file: files[1], message: EMPTY }]);
  assert.deepEqual(table.stamps.map((s) => [s.file, s.size]), [
    [files[0], 32], // 15 + 6 + 6 + 5 bytes
    [files[1], 0],
    [files[2], 27], // 15 + 6 + 6 bytes
  ]);
  // A row written to the empty day after planning: the plan is stale.
  assert.equal(await changedFile(table.stamps), undefined);
  await Deno.writeTextFile(files[1], "Account,Failed\neve,9\n");
  assert.deepEqual(await changedFile(table.stamps), { file: files[1], what: "changed" });
  const again = await scanTable(files, { name: "Logons" });
  assert.equal(again.rows, 6);
  assert.deepEqual(again.warnings, []);
});

Deno.test("scanTable() scans NDJSON days around an empty one", async () => {
  const folder = await tempFolder({
    "a.ndjson": '{"Host":"h1","Bytes":10}\n{"Host":"h2","Bytes":30}\n',
    "b.ndjson": "",
    "c.ndjson": '{"Host":"h3","Bytes":2}\n',
  });
  const files = ["a", "b", "c"].map((d) => join(folder, `${d}.ndjson`));
  const table = await scanTable(files);
  assert.equal(table.scanned, true);
  assert.equal(table.rows, 3);
  const total = table.frame.select(pl.col("Bytes").sum()).collectSync().getColumn("Bytes");
  assert.equal(Number(total.get(0)), 42);
  assert.deepEqual(table.warnings, [{ file: files[1], message: EMPTY }]);
});

Deno.test("casefile query --data sums the non-empty days and names the empty one", async () => {
  const folder = await tempFolder(DAYS);
  const run = await runCasefile([
    "query",
    "--data",
    folder,
    "Logons | summarize Total = sum(Failed), Rows = count()",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Total,Rows\n12,5$/m);
  assert.match(run.stderr, /2026-03-11\.csv: the file is empty \(0 bytes\): it holds no rows/);
  assert.doesNotMatch(run.stderr, /2026-03-1[02]\.csv/);
});
