import assert from "node:assert/strict";
import { loadTable } from "../../src/data/load.ts";
import { DataLoadError } from "../../src/data/errors.ts";
import { columnValues } from "../../src/polars.ts";
import { tempFile } from "../_helpers.ts";

function types(table: { schema: { columns: readonly { name: string; type: string }[] } }) {
  return Object.fromEntries(table.schema.columns.map((c) => [c.name, c.type]));
}

async function loadError(name: string, text: string): Promise<DataLoadError> {
  const error = await loadTable(await tempFile(name, text)).then(() => undefined, (e) => e);
  assert.ok(error instanceof DataLoadError, `expected a DataLoadError, got ${error}`);
  return error;
}

Deno.test("loadTable() names the line of an invalid NDJSON record", async () => {
  const error = await loadError("e.ndjson", '{"a":1}\n{"a":2}\n{"a":\n{"a":4}\n');
  assert.equal(error.line, 3);
  assert.match(error.message, /line 3 is not valid JSON/);
});

Deno.test("loadTable() gives line and column of invalid JSON", async () => {
  const error = await loadError("e.json", '[\n  {"a": 1},\n  {"a": 2,,}\n]');
  assert.equal(error.line, 3);
  assert.match(error.message, /line 3, column \d+/);
});

Deno.test("loadTable() rejects JSON that holds no records", async () => {
  const error = await loadError("e.json", "42");
  assert.match(error.message, /single number/);
});

Deno.test("loadTable() reads newline-delimited records in a .json file", async () => {
  const table = await loadTable(await tempFile("l.json", '{"a":1}\n{"a":2,"b":"x"}\n'));
  assert.deepEqual(types(table), { a: "long", b: "string" });
});

Deno.test("loadTable() types JSON records: nested as dynamic, text inferred", async () => {
  const table = await loadTable(
    await tempFile(
      "r.json",
      JSON.stringify([
        { t: "2024-05-01T10:00:00Z", n: 1, r: 1.5, ok: true, d: { k: [1, 2] } },
        { t: "2024-05-01T11:00:00Z", n: 2, r: 2, ok: false, d: null },
      ]),
    ),
  );
  assert.deepEqual(types(table), {
    t: "datetime",
    n: "long",
    r: "real",
    ok: "bool",
    d: "dynamic",
  });
  assert.deepEqual(columnValues(table.frame, "d"), ['{"k":[1,2]}', null]);
});

Deno.test("loadTable() keeps a column of mixed JSON types as text, with a warning", async () => {
  const table = await loadTable(await tempFile("m.json", '[{"a":1},{"a":"x"},{"a":3}]'));
  assert.equal(types(table).a, "string");
  assert.match(table.warnings[0].message, /1 value\(s\) are not of the column's main JSON type/);
});

Deno.test("loadTable() reads a STIX bundle's objects", async () => {
  const bundle = {
    type: "bundle",
    id: "bundle--1",
    objects: [
      { type: "indicator", id: "indicator--1", pattern: "[ipv4-addr:value = '203.0.113.5']" },
      { type: "indicator", id: "indicator--2", pattern: "[domain-name:value = 'x.example']" },
    ],
  };
  const table = await loadTable(await tempFile("feed.json", JSON.stringify(bundle)));
  assert.equal(table.frame.height, 2);
  assert.match(table.notes[0], /STIX bundle/);
});

Deno.test("loadTable() types a Log Analytics response by its declared columns", async () => {
  const response = {
    tables: [{
      name: "PrimaryResult",
      columns: [
        { name: "TimeGenerated", type: "datetime" },
        { name: "Count", type: "long" },
        { name: "Elapsed", type: "timespan" },
        { name: "Props", type: "dynamic" },
        { name: "Id", type: "guid" },
        { name: "Code", type: "string" },
      ],
      rows: [
        ["2024-01-01T00:00:00.1234567Z", 5, "00:01:00", { a: 1 }, "0d3c-guid", "007"],
        [null, null, null, null, null, null],
      ],
    }],
  };
  const table = await loadTable(await tempFile("resp.json", JSON.stringify(response)));
  assert.deepEqual(types(table), {
    TimeGenerated: "datetime",
    Count: "long",
    Elapsed: "timespan",
    Props: "dynamic",
    Id: "guid",
    Code: "string",
  });
  // Declared strings are not re-typed: "007" stays text.
  assert.deepEqual(columnValues(table.frame, "Code"), ["007", null]);
  assert.deepEqual(columnValues(table.frame, "Props"), ['{"a":1}', null]);
});

Deno.test("loadTable() reads NDJSON larger than one decoding chunk, counting lines across chunks", async () => {
  const line = '{"a":1,"b":"some text to make the line longer"}\n';
  const count = Math.ceil((20 * 1024 * 1024) / line.length);
  const good = await tempFile("big.ndjson", line.repeat(count));
  const table = await loadTable(good);
  assert.equal(table.frame.height, count);
  const bad = await tempFile("bad.ndjson", line.repeat(count) + "{oops\n");
  const error = await loadTable(bad).then(() => undefined, (e) => e);
  assert.ok(error instanceof DataLoadError);
  assert.equal(error.line, count + 1);
});
