/**
 * Slash dates: month first (US, Excel) unless a value can only be day first. Polars'
 * `strptime` reads `13/01/2024` with `%m/%d/%Y` as month 1 and shifts the rest, so these
 * dates once loaded as wrong dates without a word (13 January became 1 March).
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFile, tempFolder } from "../_helpers.ts";

async function load(text: string) {
  const table = await loadTable(await tempFile("dates.csv", text));
  const type = table.schema.columns.find((c) => c.name === "t")!.type;
  const values = type === "datetime"
    ? table.frame.select(pl.col("t").dt.strftime("%Y-%m-%d %H:%M")).getColumn("t").toArray()
    : table.frame.getColumn("t").toArray();
  return { type, values };
}

Deno.test("a column with a day above 12 first reads day first, every row", async () => {
  const { type, values } = await load(
    "t,n\n13/01/2024 10:00,1\n14/01/2024 11:30,2\n25/12/2023 08:00,3\n02/01/2024 09:15,4\n",
  );
  assert.equal(type, "datetime");
  assert.deepEqual(values, [
    "2024-01-13 10:00",
    "2024-01-14 11:30",
    "2023-12-25 08:00",
    "2024-01-02 09:15",
  ]);
});

Deno.test("a column with a month-first day above 12 reads month first", async () => {
  const { type, values } = await load(
    "t\n01/13/2024 10:00\n12/25/2023 8:00 PM\n02/01/2024 09:15\n",
  );
  assert.equal(type, "datetime");
  assert.deepEqual(values, ["2024-01-13 10:00", "2023-12-25 20:00", "2024-02-01 09:15"]);
});

Deno.test("a column that is day first in one row and month first in another stays text", async () => {
  const { type, values } = await load("t\n13/01/2024 10:00\n01/13/2024 10:00\n");
  assert.equal(type, "string");
  assert.deepEqual(values, ["13/01/2024 10:00", "01/13/2024 10:00"]);
});

Deno.test("day-first dates without a time read day first", async () => {
  const { type, values } = await load("t\n31/12/2024\n01/02/2024\n");
  assert.equal(type, "datetime");
  assert.deepEqual(values, ["2024-12-31 00:00", "2024-02-01 00:00"]);
});

Deno.test("casefile query filters day-first dates by their real day", async () => {
  const folder = await tempFolder({
    "Logons.csv": "t,user\n13/01/2024 10:00,ana\n03/01/2024 09:00,bo\n25/12/2023 08:00,cy\n",
  });
  const run = await runCasefile([
    "--data",
    folder,
    "query",
    "Logons | where t between (datetime(2024-01-01) .. datetime(2024-01-31)) | order by t asc | project user",
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split("\n"), ["user", "bo", "ana"]);
  await Deno.remove(folder, { recursive: true });
});
