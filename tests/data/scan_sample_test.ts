/**
 * The lazy scans' sample of a large file (src/data/_scan_sample.ts): besides the file's first
 * rows, whole lines read at offsets spread through a file past 4 MiB. A column whose first
 * rows hold numbers and whose middle holds words is then seen as mixed at planning, and the
 * table is loaded whole from the start (as the eager loader types it), not planned as numbers.
 * Expected values are worked out by hand from the files the test writes.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { join } from "node:path";
import { scanTable } from "../../src/data/mod.ts";
import { tempFolder } from "../_helpers.ts";

// 400,000 rows of about 16 bytes: some 6.4 MiB, so sampled at 8 offsets (11%, 22%, … 89%).
// Rows 120,000 to 279,999 (30% to 70%) hold a word in Code: the offsets at 33%, 44%, 55% and
// 66% land among them; the first 1,000 rows hold numbers only.
const ROWS = 400_000;
const code = (i: number) => i >= 120_000 && i < 280_000 ? `w${i}` : String(i);

Deno.test("a large CSV whose middle holds words in a column of numbers is loaded whole", async () => {
  const lines = ["Account,Code"];
  for (let i = 0; i < ROWS; i++) lines.push(`u${i},${code(i)}`);
  const folder = await tempFolder({ "Big.csv": lines.join("\n") + "\n" });
  try {
    const table = await scanTable([join(folder, "Big.csv")], { name: "Big" });
    assertEquals(table.scanned, false);
    assertEquals(table.schema.columns[1], { name: "Code", type: "string" });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a large NDJSON file whose middle holds words in a text column of numbers is loaded whole", async () => {
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) lines.push(`{"Account":"u${i}","Code":"${code(i)}"}`);
  const folder = await tempFolder({ "Big.ndjson": lines.join("\n") + "\n" });
  try {
    const table = await scanTable([join(folder, "Big.ndjson")], { name: "Big" });
    assertEquals(table.scanned, false);
    assertEquals(table.schema.columns[1], { name: "Code", type: "string" });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("files of one scanned table lacking a column: the warning names the first that lacks it", async () => {
  const folder = await tempFolder({
    "T/a.csv": "Account,Note\nana,x\n",
    "T/b.csv": "Account\nben\n",
    "T/c.csv": "Account\ncy\n",
    "N/a.ndjson": '{"Account":"ana","Note":"x"}\n{"Account":"al","Note":"y"}\n',
    "N/b.ndjson": '{"Account":"ben"}\n{"Account":"bo"}\n',
  });
  try {
    const csv = ["a", "b", "c"].map((f) => join(folder, `T/${f}.csv`));
    const text = await scanTable(csv, { name: "T" });
    assertEquals(text.scanned, true);
    assertEquals(text.warnings.map((w) => [w.file, w.column]), [[csv[1], "Note"]]);
    assertEquals(
      text.warnings[0].message,
      "column Note is missing from 2 of 3 files of table T (first: b.csv); its rows there are empty",
    );
    const ndjson = ["a", "b"].map((f) => join(folder, `N/${f}.ndjson`));
    const lines = await scanTable(ndjson, { name: "N" });
    assertEquals(lines.scanned, true);
    assertEquals(lines.warnings.map((w) => [w.file, w.column]), [[ndjson[1], "Note"]]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
