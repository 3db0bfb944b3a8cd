/**
 * Inference makes JavaScript strings only of the sampled columns some value of which could
 * be a typed value or JSON (it starts, after blanks, with a sign, a digit, a point, `t`, `f`,
 * `i`, `[` or `{`). Each start that leads to a type is tried here in a column of its own, the
 * types worked by hand.
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/load.ts";
import { runCasefile, tempFile } from "../_helpers.ts";

const COLUMNS: Record<string, [string, string, string]> = {
  // name: two values, and the type they make
  T: ["true", "TRUE", "bool"],
  F: ["false", "False", "bool"],
  Spaced: [" 5", "6 ", "long"],
  // Screened as a number (JavaScript's trim removes a byte-order mark), but Polars' strip
  // keeps it, so "\uFEFF7" is no long and the column stays text (as it did before).
  Bom: ["\uFEFF7", "8", "string"],
  Plus: ["+3", "4", "long"],
  Point: [".5", "1.25", "real"],
  Inf: ["inf", "Infinity", "real"],
  Minus: ["-00:10:00", "1.02:03:04", "timespan"],
  Date: ["2026-03-10", "2026-03-11", "datetime"],
  Json: ["[1, 2]", '{"a": 1}', "dynamic"],
  Text: ["abc", "NaN", "string"],
  Empty: ["None", "", "string"],
};

Deno.test("inference types columns by every start a typed value can have", async () => {
  const names = Object.keys(COLUMNS);
  const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
  const rows = [0, 1].map((r) => names.map((n) => quote(COLUMNS[n][r])).join(","));
  const file = await tempFile("starts.csv", [names.join(","), ...rows].join("\n") + "\n");
  const table = await loadTable(file);
  assert.deepEqual(
    Object.fromEntries(table.schema.columns.map((c) => [c.name, c.type])),
    Object.fromEntries(names.map((n) => [n, COLUMNS[n][2]])),
  );
  const out = await runCasefile(["load", file]);
  assert.equal(out.code, 0, out.stderr);
  // Typed: TRUE and False print as bools, " 5" and "6 " as numbers, ".5" as 0.5.
  const lines = out.stdout.split("\n");
  assert.ok(lines[1].startsWith("true,false,5,"), lines[1]);
  assert.ok(lines[2].startsWith("true,false,6,8,4,1.25,Infinity,1.02:03:04,"), lines[2]);
});
