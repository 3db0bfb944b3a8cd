/**
 * US clock times written without a space before AM/PM (`8:00PM`, as Excel and many exports
 * write them) read as datetimes (src/data/_coerce.ts `usText`, which puts the space back before
 * Polars parses the text). Expected values by hand: 8:00PM is 20:00, 12:30AM is 00:30, and
 * 11:59:59pm is 23:59:59. Found by `deno task mutate src/data/_coerce.ts` (issue 23): emptying
 * the replacement left such a column as text.
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFile, tempFolder } from "../_helpers.ts";

Deno.test("mutation/coerce: AM/PM glued to the time reads as a datetime", async () => {
  const table = await loadTable(
    await tempFile(
      "clock.csv",
      "t,n\n12/25/2023 8:00PM,1\n01/02/2024 12:30AM,2\n03/04/2024 11:59:59pm,3\n",
    ),
  );
  const t = table.schema.columns.find((c) => c.name === "t")!;
  assert.equal(t.type, "datetime");
  const shown = table.frame.select(pl.col("t").dt.strftime("%Y-%m-%d %H:%M:%S")).getColumn("t");
  assert.deepEqual(shown.toArray(), [
    "2023-12-25 20:00:00",
    "2024-01-02 00:30:00",
    "2024-03-04 23:59:59",
  ]);
});

Deno.test("mutation/coerce: casefile query filters glued AM/PM times by their real hour", async () => {
  const folder = await tempFolder({
    "Logons.csv": "t,user\n12/25/2023 8:00PM,ana\n12/25/2023 8:00AM,bo\n12/25/2023 9:15PM,cy\n",
  });
  try {
    const run = await runCasefile([
      "--data",
      folder,
      "query",
      "Logons | where hourofday(t) >= 18 | order by t asc | project user",
      "--format",
      "csv",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split("\n"), ["user", "ana", "cy"]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
