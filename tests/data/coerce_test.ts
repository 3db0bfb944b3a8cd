/**
 * Type inference and coercion of text columns (CSV and JSON), with expected values written
 * by hand: Kusto's timespan text, datetimes against `Date.UTC`, the null tokens pandas
 * writes, leading zeros kept as text, and a format that changes far below the head of a
 * file (the sample must look past the first rows).
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import {
  coerceColumns,
  datetimeForms,
  dynamicText,
  inferTextColumns,
} from "../../src/data/_coerce.ts";

const infer = (columns: Record<string, string[]>) => inferTextColumns(pl.DataFrame(columns));
const micros = (d: unknown) => d === null ? null : (d as Date).getTime();

Deno.test("inferTextColumns() types each column from its text, null tokens aside", () => {
  const { frame, columns } = infer({
    flag: ["true", "FALSE", "", "True"],
    count: ["1", "-2", "null", "+30"],
    zip: ["007", "010", "123", "999"],
    ratio: ["1.5", "2e3", "NaN", "-inf"],
    at: ["2026-03-12T01:47:13Z", "2026-03-12 01:47:13.25", "2026-03-12T01:47+00:00", "None"],
    took: ["1.02:03:04.5", "-00:00:01", "00:00:00.0000001", "nan"],
    text: ["a", "b", "c", "d"],
  });
  assert.deepEqual(columns.map((c) => `${c.name}:${c.type}`), [
    "flag:bool",
    "count:long",
    "zip:string",
    "ratio:real",
    "at:datetime",
    "took:timespan",
    "text:string",
  ]);
  assert.deepEqual(frame.getColumn("flag").toArray(), [true, false, null, true]);
  assert.deepEqual(
    [...frame.getColumn("count").toArray()].map((v) => v === null ? null : Number(v)),
    [1, -2, null, 30],
  );
  assert.deepEqual(frame.getColumn("zip").toArray(), ["007", "010", "123", "999"]);
  assert.deepEqual(frame.getColumn("ratio").toArray(), [1.5, 2000, null, -Infinity]);
  assert.deepEqual([...frame.getColumn("at").toArray()].map(micros), [
    Date.UTC(2026, 2, 12, 1, 47, 13),
    Date.UTC(2026, 2, 12, 1, 47, 13, 250),
    Date.UTC(2026, 2, 12, 1, 47),
    null,
  ]);
  // 1 day 2:03:04.5 = 93 784.5 s; 100 ns rounds down to 0 µs.
  const took = frame.select(pl.col("took").cast(pl.Int64)).getColumn("took").toArray();
  assert.deepEqual([...took].map((v) => v === null ? null : Number(v)), [
    93_784_500_000,
    -1_000_000,
    0,
    null,
  ]);
});

Deno.test("inferTextColumns() reads US clock forms, dates alone, and names the forms it saw", () => {
  const { frame, columns } = infer({
    us: ["3/12/2026 1:47:13 PM", "03/12/2026, 01:47:13 am", "12/31/2025 11:59 PM", "1/2/2026"],
  });
  assert.equal(columns[0].type, "datetime");
  assert.deepEqual([...frame.getColumn("us").toArray()].map(micros), [
    Date.UTC(2026, 2, 12, 13, 47, 13),
    Date.UTC(2026, 2, 12, 1, 47, 13),
    Date.UTC(2025, 11, 31, 23, 59),
    Date.UTC(2026, 0, 2),
  ]);
  assert.deepEqual(datetimeForms(["2026-03-12", "3/12/2026 1:47 PM"]), [
    "usClockMinutes",
    "isoDate",
  ]);
  assert.equal(datetimeForms([]).length, 8);
});

Deno.test("inferTextColumns() looks far below the head: a format that changes at row 1200 is still read", () => {
  const n = 2000;
  const at = Array.from({ length: n }, (_, i) => {
    const t = new Date(Date.UTC(2026, 0, 1) + i * 60_000);
    if (i < 1200) return t.toISOString();
    // Further down, the US clock form (as a second export appended to the first).
    const h = t.getUTCHours();
    const pad = (x: number) => String(x).padStart(2, "0");
    return `${t.getUTCMonth() + 1}/${t.getUTCDate()}/${t.getUTCFullYear()} ` +
      `${h % 12 || 12}:${pad(t.getUTCMinutes())}:00 ${h < 12 ? "AM" : "PM"}`;
  });
  const { frame, columns } = infer({ at });
  assert.deepEqual(columns, [{ name: "at", type: "datetime" }]);
  const values = [...frame.getColumn("at").toArray()].map(micros);
  assert.equal(values[1999], Date.UTC(2026, 0, 1) + 1999 * 60_000);
  assert.equal(values.filter((v) => v === null).length, 0);
});

Deno.test("inferTextColumns() keeps a mostly-numeric column as text and says where it breaks", () => {
  const { frame, columns } = infer({ port: ["443", "80", "n/a", "8443", "22"] });
  assert.deepEqual(columns, [
    { name: "port", type: "string", mixed: { type: "long", misfits: 1, firstRow: 2 } },
  ]);
  // Three values are too few to call it mixed; two of four is not a majority.
  assert.deepEqual(infer({ few: ["1", "2", "x"] }).columns, [{ name: "few", type: "string" }]);
  assert.deepEqual(infer({ half: ["1", "2", "x", "y"] }).columns, [{
    name: "half",
    type: "string",
  }]);
  assert.deepEqual(frame.getColumn("port").toArray(), ["443", "80", "n/a", "8443", "22"]);
});

Deno.test("inferTextColumns() reads JSON and Python-literal columns as dynamic, compact", () => {
  const { frame, columns } = infer({
    props: ['{"a": 1}', "[1, 2]", "{'ok': True, 'n': None}", ""],
    notJson: ["{a", "[1, 2]", "{}", "[]"],
  });
  assert.deepEqual(columns.map((c) => c.type), ["dynamic", "string"]);
  assert.deepEqual(frame.getColumn("props").toArray(), [
    '{"a":1}',
    "[1,2]",
    '{"ok":true,"n":null}',
    null,
  ]);
  assert.equal(dynamicText("  [ 1 ]"), "[1]");
  assert.equal(dynamicText("1"), undefined);
  assert.equal(dynamicText("{nope"), undefined);
});

Deno.test("inferTextColumns() leaves frames without text, or without rows, as they are", () => {
  const numbers = pl.DataFrame({ n: [1, 2] });
  assert.equal(inferTextColumns(numbers).frame, numbers);
  assert.deepEqual(inferTextColumns(numbers).columns, []);
  const empty = pl.DataFrame({ s: [] as string[] }).withColumn(pl.col("s").cast(pl.Utf8));
  assert.deepEqual(inferTextColumns(empty).columns, [{ name: "s", type: "string" }]);
  const blank = infer({ s: ["", "null", "None"] });
  assert.deepEqual(blank.columns, [{ name: "s", type: "string" }]);
});

Deno.test("coerceColumns() casts to a schema and counts the values that did not fit", () => {
  const frame = pl.DataFrame({
    n: ["1", "x", "3", "04"],
    t: ["2026-03-12T01:47:13Z", "3/12/2026 1:47:13 PM", "later", null],
    d: ["{'a': 1}", '{"b":2}', "plain", null],
    keep: ["a", "b", "c", "d"],
    r: [1, 2, 3, 4],
  });
  const types = new Map(
    [
      ["n", "long"],
      ["t", "datetime"],
      ["d", "dynamic"],
      ["r", "real"],
      ["missing", "long"],
    ] as const,
  );
  const { frame: out, misfits } = coerceColumns(frame, types);
  assert.deepEqual(misfits, [{ name: "n", type: "long", misfits: 2 }, {
    name: "t",
    type: "datetime",
    misfits: 1,
  }]);
  assert.deepEqual([...out.getColumn("n").toArray()].map((v) => v === null ? null : Number(v)), [
    1,
    null,
    3,
    null,
  ]);
  assert.deepEqual([...out.getColumn("t").toArray()].map(micros), [
    Date.UTC(2026, 2, 12, 1, 47, 13),
    Date.UTC(2026, 2, 12, 13, 47, 13),
    null,
    null,
  ]);
  assert.deepEqual(out.getColumn("d").toArray(), ['{"a":1}', '{"b":2}', "plain", null]);
  assert.deepEqual(out.getColumn("keep").toArray(), ["a", "b", "c", "d"]);
  assert.match(String(out.getColumn("r").dtype), /Float64/);
  assert.deepEqual(out.getColumn("r").toArray(), [1, 2, 3, 4]);
  // A typed source (Parquet) keeps Python-literal text as it is.
  const typed = coerceColumns(frame, new Map([["d", "dynamic"]]), false);
  assert.deepEqual(typed.frame.getColumn("d").toArray(), ["{'a': 1}", '{"b":2}', "plain", null]);
});

Deno.test("coerceColumns() to datetime: text in no known form is all misfits, other units become microseconds", () => {
  const frame = pl.DataFrame({ t: ["later", "soon", null] });
  const { frame: out, misfits } = coerceColumns(frame, new Map([["t", "datetime"]]));
  assert.deepEqual(misfits, [{ name: "t", type: "datetime", misfits: 2 }]);
  assert.deepEqual(out.getColumn("t").toArray(), [null, null, null]);
  // A Parquet datetime in milliseconds takes casefile's unit (microseconds), same instants.
  const ms = pl.DataFrame({ t: [Date.UTC(2026, 2, 12, 1, 47, 13, 250)] })
    .withColumn(pl.col("t").cast(pl.Datetime("ms")));
  const asUs = coerceColumns(ms, new Map([["t", "datetime"]]), false).frame;
  assert.match(String(asUs.getColumn("t").dtype), /Datetime\(us,/);
  const raw = asUs.select(pl.col("t").cast(pl.Int64)).getColumn("t").toArray();
  assert.deepEqual([...raw].map(Number), [Date.UTC(2026, 2, 12, 1, 47, 13, 250) * 1000]);
});

Deno.test("coerceColumns() leaves a typed column declared dynamic as it is; blank text is not dynamic", () => {
  const frame = pl.DataFrame({ n: [5, 6] });
  const { frame: out, misfits } = coerceColumns(frame, new Map([["n", "dynamic"]]), false);
  assert.deepEqual(misfits, []);
  assert.deepEqual([...out.getColumn("n").toArray()].map(Number), [5, 6]);
  assert.match(String(out.getColumn("n").dtype), /Int64|Float64/);
  assert.deepEqual(infer({ s: ["", " "] }).columns, [{ name: "s", type: "string" }]);
});

Deno.test("coerceColumns() leaves dynamic text that is JSON already as it was written", () => {
  const frame = pl.DataFrame({ d: ['{"b": 2}', "[1, 2]", null] });
  const { frame: out, misfits } = coerceColumns(frame, new Map([["d", "dynamic"]]));
  assert.deepEqual(misfits, []);
  assert.deepEqual(out.getColumn("d").toArray(), ['{"b": 2}', "[1, 2]", null]);
});
