import assert from "node:assert/strict";
import { loadTable } from "../../src/data/load.ts";
import { DataLoadError } from "../../src/data/errors.ts";
import { columnValues, pl } from "../../src/polars.ts";
import { tempFile } from "../_helpers.ts";

async function load(csv: string, name = "t.csv") {
  return await loadTable(await tempFile(name, csv));
}

async function loadError(csv: string): Promise<DataLoadError> {
  const error = await load(csv).then(() => undefined, (e) => e);
  assert.ok(error instanceof DataLoadError, `expected a DataLoadError, got ${error}`);
  return error;
}

function types(table: { schema: { columns: readonly { name: string; type: string }[] } }) {
  return Object.fromEntries(table.schema.columns.map((c) => [c.name, c.type]));
}

Deno.test("loadTable() rejects an unterminated quoted field, naming file and line", async () => {
  const error = await loadError('a,b\n1,2\n3,"never closed\n4,5\n');
  assert.equal(error.line, 3);
  assert.match(error.message, /t\.csv: a quoted field is never closed at line 3/);
  assert.ok(error.hint);
});

Deno.test("loadTable() rejects a stray quote inside an unquoted field", async () => {
  const error = await loadError('a,b\n1,2\n3,5" screen\n');
  assert.equal(error.line, 3);
  assert.match(error.message, /quote inside a field that is not quoted/);
});

Deno.test("loadTable() rejects text after a closing quote", async () => {
  const error = await loadError('a,b\n1,"x"y\n');
  assert.equal(error.line, 2);
});

Deno.test("loadTable() rejects a record with more fields than the header", async () => {
  const error = await loadError("a,b\n1,2\n3,4,5\n");
  assert.equal(error.line, 3);
  assert.match(error.message, /3 fields but the header has 2/);
});

Deno.test("loadTable() counts records with fewer fields in a warning", async () => {
  const table = await load("a,b,c\n1,2,3\n4,5\n6,7\n");
  assert.equal(table.frame.height, 3);
  assert.match(table.warnings[0].message, /2 record\(s\) have fewer fields .*line 3/);
});

Deno.test("loadTable() reports the line of an error after a multi-line field", async () => {
  const error = await loadError('a,b\n1,"two\nlines"\n2,3,4\n');
  assert.equal(error.line, 4);
});

Deno.test("loadTable() reads an empty file as a table of no rows, with a warning", async () => {
  // As an empty NDJSON file is read (issue 18): a quiet day's log holds no rows.
  const table = await load("");
  assert.equal(table.frame.height, 0);
  assert.deepEqual(table.warnings.map((w) => w.message), [
    "the file is empty (0 bytes): it holds no rows",
  ]);
});

Deno.test("loadTable() reads a header-only file as an empty table", async () => {
  const table = await load("a,b\n");
  assert.deepEqual(table.frame.columns, ["a", "b"]);
  assert.equal(table.frame.height, 0);
});

Deno.test("loadTable() keeps a mixed column as text and counts the misfits", async () => {
  const table = await load("n\n1\n2\n3\nabc\n5\n6\n");
  assert.equal(types(table).n, "string");
  assert.equal(table.warnings.length, 1);
  assert.match(table.warnings[0].message, /1 value\(s\) are not long \(first at line 5: "abc"\)/);
  assert.deepEqual(columnValues(table.frame, "n"), ["1", "2", "3", "abc", "5", "6"]);
});

Deno.test("loadTable() gives the right line for misfits after multi-line fields", async () => {
  const table = await load('n,t\n1,"a\nb"\n2,x\n3,x\nx,x\n');
  assert.match(table.warnings[0].message, /first at line 6/);
});

Deno.test("loadTable() normalises the portal's export headers and dates", async () => {
  const table = await load(
    'TimeGenerated [UTC],Account,Count\n"3/7/2023, 10:21:45.123 PM",alice,1\n' +
      '"3/8/2023, 1:02:03.000 AM",bob,2\n',
  );
  assert.deepEqual(table.frame.columns, ["TimeGenerated", "Account", "Count"]);
  assert.equal(types(table).TimeGenerated, "datetime");
  const times = columnValues<Date>(table.frame, "TimeGenerated").map((d) => d.toISOString());
  assert.deepEqual(times, ["2023-03-07T22:21:45.123Z", "2023-03-08T01:02:03.000Z"]);
});

Deno.test("loadTable() reads every common datetime form as UTC", async () => {
  const table = await load(
    "t\n2019-01-15 05:24:24.010\n2019-07-10T15:13:25.813Z\n7/8/2019 16:08\n" +
      "2023-02-20T11:04:02.6371632Z\n2020-01-01\n2020-01-01T00:00:00+00:00\n",
  );
  assert.equal(types(table).t, "datetime");
  const micros = table.frame.getColumn("t").cast(pl.Int64).toArray().map((v) => BigInt(v));
  assert.deepEqual(micros, [
    1547529864010000n,
    1562771605813000n,
    1562602080000000n,
    1676891042637163n,
    1577836800000000n,
    1577836800000000n,
  ]);
});

Deno.test("loadTable() keeps identifiers with leading zeros and hex as text", async () => {
  const table = await load("zip,pid\n01234,0x1f\n98765,0x20\n");
  assert.deepEqual(types(table), { zip: "string", pid: "string" });
});

Deno.test("loadTable() reads Kusto timespans, booleans and reals", async () => {
  const table = await load("d,b,r\n1.02:03:04.5,True,1.5\n-00:00:10,false,2\n");
  assert.deepEqual(types(table), { d: "timespan", b: "bool", r: "real" });
  const micros = table.frame.getColumn("d").cast(pl.Int64).toArray().map(Number);
  assert.deepEqual(micros, [93_784_500_000, -10_000_000]);
  assert.deepEqual(columnValues(table.frame, "b"), [true, false]);
});

Deno.test("loadTable() reads JSON cells as dynamic and leaves prose alone", async () => {
  const table = await load(
    'j,p,s\n"{""a"": 1}","[\'x\', None, True]",[not json\n"[1,2]","{\'k\': \'v\'}",{ nor this\n',
  );
  assert.deepEqual(types(table), { j: "dynamic", p: "dynamic", s: "string" });
  assert.deepEqual(columnValues(table.frame, "p"), ['["x",null,true]', '{"k":"v"}']);
});

Deno.test("loadTable() names duplicate and empty headers as Kusto does", async () => {
  const table = await load("a,a,,b\n1,2,3,4\n");
  assert.deepEqual(table.frame.columns, ["a", "a1", "Column3", "b"]);
});

Deno.test("loadTable() applies known types and counts values that do not fit", async () => {
  const file = await tempFile(
    "SecurityEvent.csv",
    "EventID,TimeGenerated\n4624,2024-01-01\nx,bad\n",
  );
  const table = await loadTable(file, {
    types: new Map([["EventID", "int"], ["TimeGenerated", "datetime"]]),
  });
  assert.deepEqual(types(table), { EventID: "int", TimeGenerated: "datetime" });
  assert.equal(table.warnings.length, 2);
  assert.match(table.warnings[0].message, /EventID: 1 value\(s\) could not be read as int/);
});

Deno.test("loadTable() concatenates several CSV files and infers once", async () => {
  const a = await tempFile("a.csv", "x,y\n1,2020-01-01\n");
  const b = await tempFile("b.csv", "x,z\n2,hello\n");
  const table = await loadTable([a, b], { name: "both" });
  assert.equal(table.schema.name, "both");
  assert.deepEqual(types(table), { x: "long", y: "datetime", z: "string" });
  assert.equal(table.frame.height, 2);
});

Deno.test("loadTable() reads tab-separated files", async () => {
  const table = await loadTable(await tempFile("t.tsv", "a\tb\n1\tx y\n"));
  assert.deepEqual(types(table), { a: "long", b: "string" });
});
