/**
 * Reading Log Analytics result tables, checked against values worked out independently:
 * datetimes against JavaScript's own `Date.UTC`, timespans by hand from Kusto's
 * `[-][d.]hh:mm:ss[.fffffff]` format, Kusto's rule that strings are never null, and the
 * large-column paths (dictionary, CSV) against the very cells that were sent.
 */
import assert from "node:assert/strict";
import {
  concatFrames,
  readWireDatetime,
  readWireResult,
  readWireTimespan,
  renderSpecOf,
  tableToFrame,
  type TypedFrame,
  WireShapeError,
  type WireTable,
} from "../../src/providers/sentinel/_results.ts";

Deno.test("readWireDatetime() reads ISO 8601 UTC to the microsecond, across months, years and leap days", () => {
  const cases: Array<[string, number]> = [
    ["2026-03-12T01:47:13Z", Date.UTC(2026, 2, 12, 1, 47, 13) * 1000],
    ["2026-03-13T01:47:13Z", Date.UTC(2026, 2, 13, 1, 47, 13) * 1000],
    ["2026-03-12T01:47:13.1234567Z", Date.UTC(2026, 2, 12, 1, 47, 13) * 1000 + 123_456],
    ["2026-03-12 23:59:59.5Z", Date.UTC(2026, 2, 12, 23, 59, 59) * 1000 + 500_000],
    ["2024-02-29T12:00:00Z", Date.UTC(2024, 1, 29, 12) * 1000],
    ["2023-01-31T00:00:00Z", Date.UTC(2023, 0, 31) * 1000],
    ["2023-03-01T00:00:00Z", Date.UTC(2023, 2, 1) * 1000],
    ["2023-12-31T10:20:30.000001Z", Date.UTC(2023, 11, 31, 10, 20, 30) * 1000 + 1],
    ["2000-02-29T00:00:00Z", Date.UTC(2000, 1, 29) * 1000],
    ["1900-03-01T00:00:00Z", Date.UTC(1900, 2, 1) * 1000],
    ["1969-12-31T23:59:59.75Z", -250_000],
    ["1970-01-01T00:00:00Z", 0],
  ];
  for (const [text, micros] of cases) assert.equal(readWireDatetime(text), micros, text);
  // Without the Z, still UTC (as Kusto reads it), fraction kept.
  assert.equal(
    readWireDatetime("2026-03-12T01:47:13.5"),
    Date.UTC(2026, 2, 12, 1, 47, 13) * 1000 + 500_000,
  );
  assert.equal(readWireDatetime(12345), undefined);
  assert.equal(readWireDatetime("yesterday"), undefined);
  // One character out of place is not a datetime: refused (the answer is then refused).
  for (
    const bad of [
      "2026-13-01T00:00:00Z",
      "2026-03-12X01:47:13Z",
      "2026-03-12T01-47:13Z",
      "2026-03-12T01:47-13Z",
      "2026/03-12T01:47:13Z",
      "2026-03-12T01:47:13/5Z",
      "2026-03-12T01:47:13.5Y",
    ]
  ) {
    assert.equal(readWireDatetime(bad), undefined, bad);
  }
});

Deno.test("readWireTimespan() reads [-][d.]hh:mm:ss[.fffffff] to the microsecond", () => {
  const cases: Array<[string, number]> = [
    ["00:00:00", 0],
    ["01:02:03", 3723e6],
    ["1.02:03:04.5", (86_400 + 2 * 3600 + 3 * 60 + 4) * 1e6 + 500_000],
    ["10.00:00:00", 864_000e6],
    ["-00:00:01.25", -1_250_000],
    ["00:00:00.0000019", 1],
    ["23:59:59.9999999", 86_399_999_999],
  ];
  for (const [text, micros] of cases) assert.equal(readWireTimespan(text), micros, text);
  assert.equal(readWireTimespan(60), undefined);
  assert.equal(readWireTimespan("a while"), undefined);
});

Deno.test("tableToFrame() gives each Kusto type its value, strings never null, dynamic as JSON", () => {
  const table: WireTable = {
    name: "PrimaryResult",
    columns: [
      { name: "s", type: "string" },
      { name: "g", type: "guid" },
      { name: "d", type: "dynamic" },
      { name: "b", type: "bool" },
      { name: "i", type: "int" },
      { name: "l", type: "long" },
      { name: "r", type: "real" },
      { name: "t", type: "datetime" },
      { name: "ts", type: "timespan" },
      { name: "x", type: "SomethingNew" },
    ],
    rows: [
      [
        "a",
        "0b9e5f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        { k: [1, 2] },
        "True",
        "12",
        5,
        "NaN",
        "2026-03-12T01:47:13Z",
        "00:01:00",
        "q",
      ],
      [null, null, null, null, null, -3, 1.5, null, null, 7],
      ["", "", "[1]", 0, 7, "9", true, "2026-03-12T01:47:14.5Z", "-1.00:00:00", null],
    ],
  };
  const { frame, schema } = tableToFrame(table);
  assert.deepEqual(schema.columns.map((c) => c.type), [
    "string",
    "guid",
    "dynamic",
    "bool",
    "int",
    "long",
    "real",
    "datetime",
    "timespan",
    "string",
  ]);
  const col = (name: string): unknown[] => [...frame.getColumn(name).toArray()];
  assert.deepEqual(col("s"), ["a", "", ""]);
  assert.deepEqual(col("g"), ["0b9e5f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", null, ""]);
  assert.deepEqual(col("d"), ['{"k":[1,2]}', null, "[1]"]);
  assert.deepEqual(col("b"), [true, null, false]);
  assert.deepEqual(col("i"), [12, null, 7]);
  assert.deepEqual(col("l").map(Number), [5, -3, 9]);
  assert.ok(Number.isNaN(col("r")[0] as number));
  assert.deepEqual(col("r").slice(1), [1.5, 1]);
  assert.deepEqual(col("t").map((d) => (d as Date | null)?.toISOString() ?? null), [
    "2026-03-12T01:47:13.000Z",
    null,
    "2026-03-12T01:47:14.500Z",
  ]);
  assert.deepEqual(col("x"), ["q", "7", ""]);
  assert.equal(frame.getColumn("ts").nullCount(), 1);
});

Deno.test("tableToFrame() refuses a cell that does not fit its column, or a row of the wrong width", () => {
  const one = (type: string, cell: unknown) =>
    tableToFrame({ name: "t", columns: [{ name: "c", type }], rows: [[null], [cell]] });
  for (
    const [type, cell] of [
      ["int", "1.5"],
      ["long", 2.5],
      ["bool", "yes"],
      ["real", "lots"],
      ["datetime", 1_700_000_000],
      ["timespan", "soon"],
    ] as const
  ) {
    assert.throws(
      () => one(type, cell),
      (e: unknown) =>
        e instanceof WireShapeError &&
        e.message === `column c is declared ${type} but row 1 holds ${JSON.stringify(cell)}`,
      `${type} ${cell}`,
    );
  }
  assert.throws(
    () =>
      tableToFrame({
        name: "t",
        columns: [{ name: "a", type: "string" }, { name: "b", type: "string" }],
        rows: [["x", "y"], ["z"]],
      }),
    (e: unknown) => e instanceof WireShapeError && e.message === "row 1 has 1 cells for 2 columns",
  );
});

Deno.test("tableToFrame() keeps every cell of large text columns, few values or many", () => {
  const n = 5000;
  // Few distinct values (the dictionary path), with nulls and repeats next to each other.
  const hosts = Array.from({ length: n }, (_, i) => i % 7 === 0 ? null : `host-${i % 5}`);
  // Many distinct values (the CSV path), with empty strings, the last one empty too.
  const lines = Array.from({ length: n }, (_, i) => i % 11 === 0 ? "" : `line ${i}, "quoted"`);
  lines[n - 1] = "";
  // Many values, one with a line break (which the CSV path cannot carry).
  const broken = Array.from({ length: n }, (_, i) => `v${i}`);
  broken[1234] = "two\nlines";
  const { frame } = tableToFrame({
    name: "t",
    columns: [
      { name: "host", type: "dynamic" },
      { name: "hostText", type: "string" },
      { name: "line", type: "string" },
      { name: "broken", type: "string" },
    ],
    rows: hosts.map((h, i) => [h, h, lines[i], broken[i]]),
  });
  assert.deepEqual([...frame.getColumn("host").toArray()], hosts);
  assert.deepEqual([...frame.getColumn("hostText").toArray()], hosts.map((h) => h ?? ""));
  assert.deepEqual([...frame.getColumn("line").toArray()], lines);
  assert.deepEqual([...frame.getColumn("broken").toArray()], broken);
});

Deno.test("readWireResult() names the first thing wrong with a body", () => {
  const wrong: Array<[unknown, string]> = [
    ["x", "the body is a string, not an object"],
    [null, "the body is null, not an object"],
    [[], "the body is a list, not an object"],
    [{}, `"tables" is missing, not a list`],
    [{ tables: 3 }, `"tables" is a number, not a list`],
    [{ tables: [] }, `"tables" is empty`],
    [{ tables: [null] }, "table 0 is null"],
    [{ tables: [{ rows: [] }] }, "table 0 has no column list"],
    [
      { tables: [{ columns: [{ name: "a" }], rows: [] }] },
      "a column of table 0 lacks a name or type",
    ],
    [{ tables: [{ columns: [], rows: {} }] }, "table 0 has no row list"],
    [{ tables: [{ columns: [], rows: [] }], error: "boom" }, `"error" is a string`],
  ];
  for (const [body, message] of wrong) {
    assert.throws(
      () => readWireResult(body),
      (e: unknown) => e instanceof WireShapeError && e.message === message,
      message,
    );
  }
  const good = { tables: [{ name: "t", columns: [{ name: "a", type: "long" }], rows: [[1]] }] };
  assert.equal(readWireResult(good), good);
});

Deno.test("renderSpecOf() keeps the properties a render set, not the service's defaults", () => {
  assert.deepEqual(
    renderSpecOf({
      visualization: "timechart",
      title: "Sign-ins",
      accumulate: false,
      isQuerySorted: true,
      xcolumn: null,
      ymin: "NaN",
      kind: "stacked",
    }),
    {
      visualization: "timechart",
      properties: { title: "Sign-ins", isQuerySorted: true, kind: "stacked" },
    },
  );
  assert.equal(renderSpecOf(undefined), undefined);
  assert.equal(renderSpecOf({ title: "no chart" }), undefined);
});

Deno.test("concatFrames() joins windows in order, filling missing columns, and refuses a type clash", () => {
  const part = (rows: unknown[][], columns: Array<[string, string]>): TypedFrame =>
    tableToFrame({
      name: "PrimaryResult",
      columns: columns.map(([name, type]) => ({ name, type })),
      rows,
    });
  const first = part([["a", 1]], [["s", "string"], ["n", "long"]]);
  const empty = part([], [["s", "string"], ["n", "long"]]);
  const second = part([[2.5], [3.5]], [["r", "real"]]);
  const joined = concatFrames([first, empty, second]) as TypedFrame;
  assert.deepEqual(joined.schema.columns.map((c) => `${c.name}:${c.type}`), [
    "s:string",
    "n:long",
    "r:real",
  ]);
  assert.deepEqual(
    joined.frame.toRecords().map((r) => [r.s, r.n === null ? null : Number(r.n), r.r]),
    [
      ["a", 1, null],
      ["", null, 2.5],
      ["", null, 3.5],
    ],
  );
  assert.equal(concatFrames([first]), first);
  const none = concatFrames([empty, empty]) as TypedFrame;
  assert.equal(none.frame.height, 0);
  assert.deepEqual(none.frame.columns, ["s", "n"]);
  assert.equal(
    concatFrames([first, part([[1.5]], [["n", "real"]])]),
    "column n is long in one time window and real in another",
  );
});
