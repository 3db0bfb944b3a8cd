/**
 * Kusto v2 answers as the service writes them, by hand (the frame shapes of Microsoft's
 * REST API documentation and azure-kusto-data's reader), read into typed frames: values the
 * local engine cannot produce (a `long` past 2^53 inside `dynamic`, datetimes with a
 * seventh fraction digit, `decimal` as text) and errors in the data.
 */
import assert from "node:assert/strict";
import { parseExact, readV2, tableToFrame } from "../../src/providers/adx/_results.ts";
import { pl, variantOf } from "../../src/polars.ts";

const ANSWER = `[
{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties",
 "Columns":[{"ColumnName":"TableId","ColumnType":"int"},{"ColumnName":"Key","ColumnType":"string"},
  {"ColumnName":"Value","ColumnType":"dynamic"}],
 "Rows":[[1,"Visualization","{\\"Visualization\\":\\"timechart\\",\\"Title\\":\\"Sign-ins\\",\\"Xcolumn\\":null}"]]},
{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult",
 "Columns":[{"ColumnName":"l","ColumnType":"long"},{"ColumnName":"dt","ColumnType":"datetime"},
  {"ColumnName":"t","ColumnType":"timespan"},{"ColumnName":"m","ColumnType":"decimal"},
  {"ColumnName":"d","ColumnType":"dynamic"},{"ColumnName":"g","ColumnType":"guid"},
  {"ColumnName":"s","ColumnType":"string"}],
 "Rows":[
  [9223372036854775807,"2024-01-02T03:04:05.1234567Z","1.02:03:04.5000001","1.25",{"id":12345678901234567890,"tags":["a"]},"6f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6","x"],
  [null,null,null,null,null,null,null],
  {"OneApiErrors":[{"error":{"code":"LimitsExceeded","message":"Request is invalid and cannot be executed.","@message":"The results of this query exceed the set limit of 2 records (E_QUERY_RESULT_SET_TOO_LARGE)."}}]}
 ]},
{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false}
]`;

Deno.test("a v2 answer reads into frames typed like the local engine's, exactly", () => {
  const answer = readV2(parseExact(ANSWER));
  assert.equal(answer.complete, true);
  assert.equal(answer.truncated, true);
  assert.deepEqual(answer.errors, [
    "The results of this query exceed the set limit of 2 records (E_QUERY_RESULT_SET_TOO_LARGE).",
  ]);
  assert.deepEqual(answer.render, {
    visualization: "timechart",
    properties: { title: "Sign-ins" },
  });
  const typed = tableToFrame(answer.primary!);
  assert.deepEqual(typed.frame.dtypes.map(variantOf), [
    "Int64",
    "Datetime",
    "Duration",
    "Float64",
    "Utf8",
    "Utf8",
    "Utf8",
  ]);
  const exact = typed.frame.select(
    pl.col("l").cast(pl.Utf8),
    pl.col("dt").cast(pl.Int64).cast(pl.Utf8),
    pl.col("t").cast(pl.Int64).cast(pl.Utf8),
    pl.col("m"),
    pl.col("d"),
    pl.col("g"),
    pl.col("s"),
  ).toRecords();
  // By hand: 2^63 - 1; 2024-01-02T03:04:05.123456Z in µs (the 7th digit dropped);
  // 1 d 2 h 3 min 4.5 s in µs; a string column's null is "" as in Kusto, a guid's stays null.
  assert.deepEqual(exact, [
    {
      l: "9223372036854775807",
      dt: String(Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 123_456),
      t: String(((24 + 2) * 3600 + 3 * 60 + 4) * 1_000_000 + 500_000),
      m: 1.25,
      d: '{"id":12345678901234567890,"tags":["a"]}',
      g: "6f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6",
      s: "x",
    },
    { l: null, dt: null, t: null, m: null, d: null, g: null, s: "" },
  ]);
  assert.deepEqual(typed.warnings.map((w) => w.kind), ["data"]);
  assert.match(typed.warnings[0].message, /^2 datetime\/timespan value\(s\) had 100-ns digits/);
});

Deno.test("an answer cut before its completion frame is marked incomplete", () => {
  const frames = parseExact(ANSWER) as unknown[];
  const answer = readV2(frames.slice(0, 3));
  assert.equal(answer.complete, false);
});
