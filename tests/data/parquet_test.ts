import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTable } from "../../src/data/load.ts";
import { expandGlob, walk } from "../../src/data/_glob.ts";
import { DataLoadError } from "../../src/data/errors.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";
import { sha } from "../_order.ts";

Deno.test("loadTable() reads Parquet with its own types", async () => {
  const dir = await tempFolder();
  const file = join(dir, "p.parquet");
  pl.DataFrame({ a: [1, 2], b: ["x", "y"] }).writeParquet(file);
  const table = await loadTable(file);
  assert.deepEqual(table.schema.columns, [
    { name: "a", type: "real" },
    { name: "b", type: "string" },
  ]);
});

Deno.test("loadTable() rejects a truncated Parquet file, naming it", async () => {
  const dir = await tempFolder();
  const file = join(dir, "p.parquet");
  pl.DataFrame({ a: Array.from({ length: 1000 }, (_, i) => i) }).writeParquet(file);
  const bytes = await Deno.readFile(file);
  await Deno.writeFile(file, bytes.subarray(0, bytes.length / 2));
  const error = await loadTable(file).then(() => undefined, (e) => e);
  assert.ok(error instanceof DataLoadError);
  assert.match(error.message, /p\.parquet: not a valid Parquet file/);
  assert.match(error.hint ?? "", /truncated/);
});

Deno.test("loadTable() rejects a missing file and an unknown extension", async () => {
  const missing = await loadTable("/nonexistent/x.csv").then(() => undefined, (e) => e);
  assert.ok(missing instanceof DataLoadError);
  assert.match(missing.message, /x\.csv/);
  const unknown = await loadTable("/tmp/x.xlsx").then(() => undefined, (e) => e);
  assert.ok(unknown instanceof DataLoadError);
  assert.match(unknown.hint ?? "", /\.parquet, \.csv/);
});

Deno.test("loadTable() keeps each file's rows in order, the files as given (text before Parquet)", async () => {
  const dir = await tempFolder({
    "b.csv": "id,src\n3,b\n1,b\n2,b\n",
    "a.ndjson": '{"id": 9, "src": "a"}\n{"id": 7, "src": "a"}\n',
  });
  pl.DataFrame({ id: [6, 4, 5], src: ["p", "p", "p"] }).writeParquet(join(dir, "p.parquet"));
  pl.DataFrame({ id: [8, 0], src: ["q", "q"] }).writeParquet(join(dir, "q.parquet"));
  const files = ["q.parquet", "b.csv", "p.parquet", "a.ndjson"].map((f) => join(dir, f));
  const table = await loadTable(files);
  const rows = table.frame.select(pl.col("src"), pl.col("id").cast(pl.Int64)).toRecords();
  assert.deepEqual(
    rows.map((r) => `${r.src}${r.id}`),
    ["b3", "b1", "b2", "a9", "a7", "q8", "q0", "p6", "p4", "p5"],
  );
  const again = await loadTable(files);
  assert.equal(sha(again.frame), sha(table.frame), "a second load");
});

Deno.test("walk() and expandGlob() list files in code-unit order, the same in every locale", async () => {
  // localeCompare would put "a.csv" before "B.csv" and "é.csv" after "e.csv" or not,
  // depending on the host's locale; code units do not.
  const dir = await tempFolder({
    "b.csv": "x\n1\n",
    "B.csv": "x\n1\n",
    "a.csv": "x\n1\n",
    "_z.csv": "x\n1\n",
    "é.csv": "x\n1\n",
    "sub/Z.csv": "x\n1\n",
    "sub/y.csv": "x\n1\n",
  });
  const found: string[] = [];
  for await (const file of walk(dir)) found.push(file.slice(dir.length + 1));
  assert.deepEqual(found, ["B.csv", "_z.csv", "a.csv", "b.csv", "sub/Z.csv", "sub/y.csv", "é.csv"]);
  const globbed = (await expandGlob(dir, "**/*.csv")).map((f) => f.slice(dir.length + 1));
  assert.deepEqual(globbed, [
    "B.csv",
    "_z.csv",
    "a.csv",
    "b.csv",
    "sub/Z.csv",
    "sub/y.csv",
    "é.csv",
  ]);
});
