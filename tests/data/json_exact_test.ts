/**
 * JSON loaders keep integers beyond 2^53 exact as `long` (Int64), and read Log Analytics
 * responses as strictly as the Sentinel provider reads the service's: a value that does not
 * fit its declared column type is refused, naming the file, column and row. Expected values
 * are the digits written in the hand-made files (compared as text, so no double rounds them).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DataLoadError, loadTable } from "../../src/data/mod.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { type DataFrame, pl } from "../../src/polars.ts";
import { REALDATA_DIR, runCasefile, tempFile, tempFolder } from "../_helpers.ts";

/** A column's values as exact decimal text (Int64 cast to text in Polars). */
function digits(frame: DataFrame, column: string): Array<string | null> {
  return frame.select(pl.col(column).cast(pl.Utf8)).getColumn(column).toArray() as Array<
    string | null
  >;
}

function types(table: { schema: { columns: readonly { name: string; type: string }[] } }) {
  return Object.fromEntries(table.schema.columns.map((c) => [c.name, c.type]));
}

// Written as text: JSON.stringify of numbers would already have rounded them.
const ARRAY = `[
  {"Id": 9007199254740993, "Name": "a", "Nested": {"ReportId": 12345678901234567891}},
  {"Id": 9223372036854775807, "Name": "b", "Nested": null},
  {"Id": -9223372036854775808, "Name": "c", "Nested": null},
  {"Id": 1, "Name": "d", "Nested": null}
]`;
const NDJSON = '{"Id": 9007199254740993, "Name": "a"}\n{"Id": 9007199254740992, "Name": "b"}\n';
const LOG_ANALYTICS = `{"tables": [{"name": "PrimaryResult",
  "columns": [{"name": "EventRecordId", "type": "long"}, {"name": "ReportId", "type": "long"},
    {"name": "Score", "type": "real"}, {"name": "Flag", "type": "bool"}],
  "rows": [[9007199254740993, "9223372036854775807", "NaN", true],
           [12, 9007199254740995, 1.5, 0],
           [null, null, "-Infinity", null]]}]}`;

Deno.test("JSON, NDJSON and Log Analytics integers beyond 2^53 load exactly as long", async () => {
  const array = await loadTable(await tempFile("a.json", ARRAY));
  assert.equal(types(array).Id, "long");
  assert.equal(String(array.frame.getColumn("Id").dtype), "DataType(Int64)");
  assert.deepEqual(digits(array.frame, "Id"), [
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "1",
  ]);
  // Nested values keep every digit in their JSON text.
  assert.equal(array.frame.getColumn("Nested").get(0), '{"ReportId":12345678901234567891}');

  const lines = await loadTable(await tempFile("l.ndjson", NDJSON));
  assert.deepEqual(digits(lines.frame, "Id"), ["9007199254740993", "9007199254740992"]);

  const la = await loadTable(await tempFile("la.json", LOG_ANALYTICS));
  assert.deepEqual(types(la), {
    EventRecordId: "long",
    ReportId: "long",
    Score: "real",
    Flag: "bool",
  });
  assert.deepEqual(digits(la.frame, "EventRecordId"), ["9007199254740993", "12", null]);
  assert.deepEqual(digits(la.frame, "ReportId"), ["9223372036854775807", "9007199254740995", null]);
  const score = la.frame.getColumn("Score").toArray() as Array<number | null>;
  assert.ok(Number.isNaN(score[0]));
  assert.deepEqual(score.slice(1), [1.5, -Infinity]);
  assert.deepEqual(la.frame.getColumn("Flag").toArray(), [true, false, null]);
  assert.deepEqual(la.warnings, []);
});

Deno.test("a column of integers beyond Int64, or mixed with fractions, is real, not long", async () => {
  const table = await loadTable(
    await tempFile(
      "r.json",
      '[{"A": 18446744073709551616, "B": 9007199254740993}, {"A": 1, "B": 0.5}]',
    ),
  );
  assert.deepEqual(types(table), { A: "real", B: "real" });
  assert.deepEqual(table.frame.getColumn("A").toArray(), [18446744073709551616, 1]);
});

Deno.test("KQL over a folder of JSON files compares longs beyond 2^53 exactly", async () => {
  const folder = await tempFolder({ "Events.json": ARRAY, "Lines.ndjson": NDJSON });
  const provider = await openLocalProvider(folder);
  const one = await provider.query("Events | where Id == 9007199254740993 | project Name");
  assert.deepEqual(one.frame.getColumn("Name").toArray(), ["a"]);
  const none = await provider.query("Events | where Id == 9007199254740992 | count");
  assert.equal(Number(none.frame.getColumn("Count").get(0)), 0);
  const max = await provider.query(
    "Events | where Id == 9223372036854775807 | project Name, Text = tostring(Id)",
  );
  assert.deepEqual(max.frame.toRecords(), [{ Name: "b", Text: "9223372036854775807" }]);
  const pair = await provider.query("Lines | where Id > 9007199254740992 | project Name");
  assert.deepEqual(pair.frame.getColumn("Name").toArray(), ["a"]);
  await Deno.remove(folder, { recursive: true });
});

Deno.test("casefile query prints a long beyond 2^53 from a JSON file with every digit", async () => {
  const folder = await tempFolder({ "Events.json": ARRAY });
  const run = await runCasefile([
    "--data",
    folder,
    "query",
    "Events | where Id == 9007199254740993 | project Id, Name",
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /9007199254740993,a/);
  await Deno.remove(folder, { recursive: true });
});

function laBody(type: string, cell: string): string {
  return `{"tables":[{"name":"PrimaryResult","columns":[{"name":"Host","type":"string"},` +
    `{"name":"V","type":"${type}"}],"rows":[["web01",null],["web02",${cell}]]}]}`;
}

Deno.test("Log Analytics JSON: a value that does not fit its declared type is refused", async () => {
  const cases: Array<[string, string]> = [
    ["long", '"x"'],
    ["long", "1.5"],
    ["long", "9223372036854775808"], // one past Int64
    ["int", "2147483648"], // one past Int32
    ["bool", '"yes"'],
    ["bool", "2"],
    ["real", '"abc"'],
    ["datetime", "1700000000"], // a bare number: its unit is unknown
    ["timespan", "true"],
  ];
  for (const [type, cell] of cases) {
    const file = await tempFile(`${type}.json`, laBody(type, cell));
    await assert.rejects(loadTable(file), (error: unknown) => {
      assert.ok(error instanceof DataLoadError, `${type} ${cell}: ${error}`);
      assert.ok(error.message.includes(file), error.message);
      assert.match(error.message, new RegExp(`column V as ${type} but row 2 holds`), error.message);
      return true;
    }, `${type} ${cell}`);
  }
});

Deno.test("Log Analytics JSON: the values the service writes are read by their types", async () => {
  const accepted: Array<[string, string, unknown]> = [
    ["long", '"12"', "12"],
    ["int", "-2147483648", "-2147483648"],
    ["bool", "1", true],
    ["bool", '"False"', false],
    ["real", '"Infinity"', Infinity],
    ["real", "3", 3],
    ["string", "12", "12"],
  ];
  for (const [type, cell, expected] of accepted) {
    const table = await loadTable(await tempFile(`${type}.json`, laBody(type, cell)));
    const value = ["long", "int"].includes(type)
      ? digits(table.frame, "V")[1]
      : table.frame.getColumn("V").toArray()[1];
    assert.equal(value, expected, `${type} ${cell}`);
    assert.equal(table.frame.getColumn("V").toArray()[0], null);
  }
});

Deno.test("the raw Log Analytics response in the shared real data still loads", async () => {
  const file = join(REALDATA_DIR, "az_mon_raw_query.json");
  if (!(await Deno.stat(file).catch(() => undefined))) return; // the shared folder is optional
  const table = await loadTable(file);
  const body = JSON.parse(await Deno.readTextFile(file));
  assert.equal(table.frame.height, body.tables[0].rows.length);
  assert.equal(table.frame.width, body.tables[0].columns.length);
  assert.deepEqual(table.warnings, []);
});
