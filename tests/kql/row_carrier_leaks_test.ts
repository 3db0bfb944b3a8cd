/**
 * Review of issue 16's hidden row column (`src/kql/compile/_row_carrier.ts`) and of the
 * caller's time units: places it showed, and a zoned caller column.
 *
 * - `narrow()` makes one row per cell (Kusto's docs: Row, Column, Value); a table without
 *   columns has no cells, so no rows, and never a row naming the hidden column.
 * - `where * has "t"` and `search "t"` test the visible columns; with none, no row matches
 *   (hand reasoning: an `or` of no tests is false), and no error names the hidden column.
 * - A caller's `Datetime("us", zone)` column holds UTC instants like any other: compared
 *   with a datetime literal it behaves as the same instant (10:00Z > 09:30Z).
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { runKql } from "../../src/kql/mod.ts";

const EMPTY = "datatable(a:long, b:string)[1,'x', long(null),'y', 3,'z'] | project-away *";

Deno.test("narrow of a table without columns has no cells, so no rows", async () => {
  const frame = await runKql(`${EMPTY} | evaluate narrow()`);
  assert.deepEqual(frame.toRecords(), []);
});

Deno.test("where * and search over a table without columns match nothing", async () => {
  for (const q of [`where * has "true"`, `search "true"`, `where * == "true"`]) {
    const frame = await runKql(`${EMPTY} | ${q} | count`);
    assert.equal(Number(frame.getColumn("Count").get(0)), 0, q);
  }
});

Deno.test("a caller's zoned Datetime in microseconds compares with datetime literals", async () => {
  for (const zone of ["UTC", "America/New_York"]) {
    const t = pl.Series("t", [new Date("2024-03-01T10:00:00Z")]).cast(pl.Datetime("us", zone));
    const frame = await runKql(
      "T | project s = tostring(t), later = t > datetime(2024-03-01T09:30:00Z)",
      { tables: { T: pl.DataFrame([t]) } },
    );
    assert.deepEqual(frame.toRecords(), [{ s: "2024-03-01T10:00:00.0000000Z", later: true }], zone);
  }
});
