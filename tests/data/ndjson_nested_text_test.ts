/**
 * Nested NDJSON values keep their exact JSON: Polars' text of a nested value leaves a
 * backslash and control characters unescaped, and gives a plain string in a nested column
 * as bare text, so such files are read by the JavaScript reader. Expected values are the
 * input lines' own JSON, written compactly by hand.
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { columnValues } from "../../src/polars.ts";
import { tempFile } from "../_helpers.ts";

Deno.test("NDJSON: backslashes, quotes and tabs in nested strings are kept", async () => {
  const lines = [
    String.raw`{"a":{"p":"C:\\temp\\new.exe"}}`,
    String.raw`{"a":{"q":"say \"hi\"","t":"a\tb","n":"x\ny"}}`,
  ];
  const file = await tempFile("bs.ndjson", lines.join("\n") + "\n");
  const table = await loadTable(file);
  assert.deepEqual(columnValues(table.frame, "a"), [
    String.raw`{"p":"C:\\temp\\new.exe"}`,
    String.raw`{"q":"say \"hi\"","t":"a\tb","n":"x\ny"}`,
  ]);
});

Deno.test("NDJSON: a string in a column of objects is kept as a JSON string", async () => {
  const file = await tempFile(
    "str.ndjson",
    '{"a":{"k":1}}\n{"a":"hello"}\n{"a":"123"}\n{"a":null}\n',
  );
  const table = await loadTable(file);
  assert.equal(table.schema.columns.find((c) => c.name === "a")?.type, "dynamic");
  assert.deepEqual(columnValues(table.frame, "a"), ['{"k":1}', '"hello"', '"123"', null]);
});
