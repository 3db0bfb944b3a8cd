/**
 * Slash dates that are no calendar day (31 February, 31 November) are not read as some
 * other day: Polars' `strptime` also matches after the start of the text, so `31/02/2024`
 * day first read as 1/02/2024 and `11/31/2024` month first as 1/31/2024. Such a column
 * stays text, its values as written.
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { tempFile } from "../_helpers.ts";

async function load(text: string) {
  const table = await loadTable(await tempFile("dates.csv", text));
  const type = table.schema.columns.find((c) => c.name === "t")!.type;
  return { type, values: table.frame.getColumn("t").toArray() };
}

Deno.test("a day-first 31 February is not read as 1 February", async () => {
  const { type, values } = await load("t,n\n31/02/2024,1\n13/01/2024,2\n");
  assert.equal(type, "string");
  assert.deepEqual(values, ["31/02/2024", "13/01/2024"]);
});

Deno.test("a day-first 31 April with a time is not read as 1 April", async () => {
  const { type, values } = await load("t,n\n31/04/2024 10:00,1\n13/04/2024 10:00,2\n");
  assert.equal(type, "string");
  assert.deepEqual(values, ["31/04/2024 10:00", "13/04/2024 10:00"]);
});

Deno.test("a month-first 31 November is not read as 31 January", async () => {
  const { type, values } = await load("t,n\n11/31/2024,1\n01/31/2024,2\n");
  assert.equal(type, "string");
  assert.deepEqual(values, ["11/31/2024", "01/31/2024"]);
});
