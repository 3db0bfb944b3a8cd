/**
 * Wide CSV files (thousands of columns, as some exports are) load with every column typed
 * and every value where it belongs. Values are known by construction: column `c{j}` of
 * record `r` is `r * j` when j % 3 is 0, text `v{r}_{j}` when it is 1, and a date (or empty
 * on odd records) when it is 2.
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { columnValues } from "../../src/polars.ts";
import { runCasefile, tempFile } from "../_helpers.ts";

const COLUMNS = 3000;
const ROWS = 6;

function wideCsv(): string {
  const lines = [Array.from({ length: COLUMNS }, (_, j) => `c${j}`).join(",")];
  for (let r = 0; r < ROWS; r++) {
    lines.push(
      Array.from(
        { length: COLUMNS },
        (_, j) =>
          j % 3 === 0
            ? String(r * j)
            : j % 3 === 1
            ? `v${r}_${j}`
            : r % 2 === 1
            ? ""
            : `2026-03-1${r}T08:0${r}:00Z`,
      ).join(","),
    );
  }
  return lines.join("\n") + "\n";
}

Deno.test("a 3,000-column CSV loads with each column typed and its values in place", async () => {
  const table = await loadTable(await tempFile("wide.csv", wideCsv()));
  assert.equal(table.frame.width, COLUMNS);
  assert.equal(table.frame.height, ROWS);
  const types = table.schema.columns.map((c) => c.type);
  assert.deepEqual(types.slice(0, 6), ["long", "string", "datetime", "long", "string", "datetime"]);
  assert.deepEqual(types.slice(-3), ["long", "string", "datetime"]);
  assert.equal(types.filter((t) => t === "long").length, 1000);
  assert.equal(types.filter((t) => t === "datetime").length, 1000);
  assert.deepEqual(columnValues(table.frame, "c2997"), [0, 2997, 5994, 8991, 11988, 14985]);
  assert.deepEqual(columnValues(table.frame, "c1501").slice(0, 2), ["v0_1501", "v1_1501"]);
  const dates = columnValues(table.frame, "c2999") as Array<Date | null>;
  assert.equal(dates[4]?.toISOString(), "2026-03-14T08:04:00.000Z");
  assert.equal(dates[5], null);
  assert.deepEqual(table.warnings, []);
});

Deno.test("casefile load prints a 3,000-column CSV's values in their columns", async () => {
  const file = await tempFile("wide_cli.csv", wideCsv());
  const out = await runCasefile(["load", file, "--format", "csv"]);
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stdout.trimEnd().split("\n");
  assert.equal(lines.length, ROWS + 1);
  const header = lines[0].split(",");
  const last = lines[ROWS].split(",");
  assert.equal(header.length, COLUMNS);
  assert.equal(last.length, COLUMNS);
  assert.equal(last[header.indexOf("c2997")], "14985");
  assert.equal(last[header.indexOf("c2998")], "v5_2998");
  assert.equal(last[header.indexOf("c2999")], "");
});

Deno.test("columns written in different datetime forms each parse by their own form", async () => {
  const table = await loadTable(
    await tempFile(
      "forms.csv",
      "Iso,Us,UsDate\n" +
        "2026-03-10T08:00:00Z,3/10/2026 8:15:00 AM,3/10/2026\n" +
        "2026-03-11T09:30:00Z,3/11/2026 9:45:00 PM,3/11/2026\n",
    ),
  );
  assert.deepEqual(table.schema.columns.map((c) => c.type), ["datetime", "datetime", "datetime"]);
  const iso = (column: string) =>
    (columnValues(table.frame, column) as Date[]).map((d) => d.toISOString());
  assert.deepEqual(iso("Iso"), ["2026-03-10T08:00:00.000Z", "2026-03-11T09:30:00.000Z"]);
  assert.deepEqual(iso("Us"), ["2026-03-10T08:15:00.000Z", "2026-03-11T21:45:00.000Z"]);
  assert.deepEqual(iso("UsDate"), ["2026-03-10T00:00:00.000Z", "2026-03-11T00:00:00.000Z"]);
});
