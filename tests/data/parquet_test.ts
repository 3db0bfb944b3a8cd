import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTable } from "../../src/data/load.ts";
import { DataLoadError } from "../../src/data/errors.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";

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
