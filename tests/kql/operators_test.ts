/**
 * The local KQL engine's expanding, parsing and series operators (mv-expand, mv-apply,
 * parse, parse-where, make-series, evaluate bag_unpack / pivot, invoke) and the window
 * functions over serialized rows: query in, rows out.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError, KqlUnsupportedError } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";

const NOW = new Date("2026-03-16T00:00:00Z");

/** The result's columns as `name:type` and its rows as arrays (dynamic values parsed). */
async function run(query: string, tables = {}) {
  const result = await executeKql(query, { tables, now: NOW });
  const columns = result.schema.columns;
  const rows = result.frame.toRecords().map((record) =>
    columns.map((c) => {
      const v: unknown = record[c.name];
      if (c.type === "dynamic") return v === null ? null : JSON.parse(v as string);
      if (v instanceof Date) return v.toISOString();
      return v;
    })
  );
  return { columns: columns.map((c) => `${c.name}:${c.type}`), rows };
}

async function rows(query: string, tables = {}) {
  return (await run(query, tables)).rows;
}

// ---------------------------------------------------------------- mv-expand

Deno.test("mv-expand repeats the other columns; null gives one row, empty arrays none", async () => {
  const out = await run(`
    datatable(a: int, b: dynamic) [
      1, dynamic([10, 20]),
      2, dynamic(null),
      3, dynamic([]),
      4, dynamic({}),
      5, dynamic(["x"])
    ]
    | mv-expand b`);
  assert.deepEqual(out.columns, ["a:int", "b:dynamic"]);
  assert.deepEqual(out.rows, [[1, 10], [1, 20], [2, null], [5, "x"]]);
});

Deno.test("mv-expand zips several columns, padding the shorter with nulls", async () => {
  assert.deepEqual(
    await rows(`
      datatable(a: int, b: dynamic, c: dynamic) [1, dynamic({"p1": "a", "p2": "b"}), dynamic([5, 4, 3])]
      | mv-expand b, c`),
    [[1, { p1: "a" }, 5], [1, { p2: "b" }, 4], [1, null, 3]],
  );
});

Deno.test("mv-expand kind=array and bagexpansion=array give [key, value] pairs", async () => {
  const query = (option: string) =>
    `print b = dynamic({"k1": 1, "k2": [2, 3]}) | mv-expand ${option} b`;
  const pairs = [[["k1", 1]], [["k2", [2, 3]]]];
  assert.deepEqual(await rows(query("kind=array")), pairs);
  assert.deepEqual(await rows(query("bagexpansion=array")), pairs);
  assert.deepEqual(await rows(query("kind=bag")), [[{ k1: 1 }], [{ k2: [2, 3] }]]);
});

Deno.test("mv-expand to typeof() casts elements; elements of another kind become null", async () => {
  const out = await run(`
    print arr = dynamic(["2024-01-02T03:04:05Z", "text", 5, 1.5, true])
    | mv-expand l = arr to typeof(long), d = arr to typeof(datetime), s = arr to typeof(string),
                r = arr to typeof(real), f = arr to typeof(bool)
    | project l, d, s, r, f`);
  assert.deepEqual(out.columns, ["l:long", "d:datetime", "s:string", "r:real", "f:bool"]);
  assert.deepEqual(out.rows, [
    [null, "2024-01-02T03:04:05.000Z", "2024-01-02T03:04:05Z", null, null],
    [null, null, "text", null, null],
    [5, null, "5", 5, null],
    [1, null, "1.5", 1.5, null],
    [null, null, "true", null, true],
  ]);
});

Deno.test("mv-expand with_itemindex numbers the elements and limit caps rows per record", async () => {
  const out = await run(`
    datatable(k: string, arr: dynamic) ["a", dynamic([7, 8, 9]), "b", dynamic([1])]
    | mv-expand with_itemindex = i arr to typeof(int) limit 2`);
  assert.deepEqual(out.columns, ["k:string", "arr:int", "i:long"]);
  assert.deepEqual(out.rows, [["a", 7, 0], ["a", 8, 1], ["b", 1, 0]]);
});

Deno.test("mv-expand of a named expression adds a column; legacy mvexpand stops at 128", async () => {
  assert.deepEqual(
    await rows("print n = 1 | mv-expand x = pack_array(n, n + 1) | project n, x"),
    [[1, 1], [1, 2]],
  );
  const legacy = await rows(
    "range i from 1 to 200 step 1 | summarize l = make_list(i) | mvexpand l | count",
  );
  assert.deepEqual(legacy, [[128]]);
  const modern = await rows(
    "range i from 1 to 200 step 1 | summarize l = make_list(i) | mv-expand l | count",
  );
  assert.deepEqual(modern, [[200]]);
});

Deno.test("mv-expand of a value that is not dynamic is an error", async () => {
  await assert.rejects(
    () => executeKql("print x = 1 | mv-expand x"),
    (e: Error) => e instanceof KqlSemanticError && /dynamic array or property bag/.test(e.message),
  );
});

// ---------------------------------------------------------------- mv-apply

Deno.test("mv-apply runs top and take within each row's expansion", async () => {
  const data =
    `datatable(id: int, arr: dynamic) [0, dynamic([1, 5, 3]), 1, dynamic([10, 2, 5, 7])]`;
  assert.deepEqual(
    await rows(`${data} | mv-apply top1 = arr to typeof(long) on (top 1 by top1)`),
    [[0, [1, 5, 3], 5], [1, [10, 2, 5, 7], 10]],
  );
  assert.deepEqual(
    await rows(
      `${data} | mv-apply e = arr to typeof(long) on (where e > 2 | take 1) | project id, e`,
    ),
    [[0, 5], [1, 10]],
  );
  assert.deepEqual(
    await rows(
      `${data} | mv-apply with_itemindex = i e = arr on (where i >= 2) | project id, e, i`,
    ),
    [[0, 3, 2], [1, 5, 2], [1, 7, 3]],
  );
});

Deno.test("mv-apply summarizes per row and puts the row's other columns first", async () => {
  const out = await run(`
    datatable(name: string, arr: dynamic) ["a", dynamic([1, 2, 3]), "b", dynamic([4])]
    | mv-apply arr to typeof(long) on (summarize total = sum(arr), n = count())`);
  assert.deepEqual(out.columns, ["name:string", "total:long", "n:long"]);
  assert.deepEqual(out.rows, [["a", 6, 3], ["b", 4, 1]]);
  assert.deepEqual(
    await rows(`print arr = dynamic([1, 2, 3]) | mv-apply arr on (count)`),
    [[3]],
  );
});

Deno.test("mv-apply rejects operators that cannot run per row", async () => {
  await assert.rejects(
    () => executeKql("print arr = dynamic([1]) | mv-apply arr on (join (print x = 1) on x)"),
    KqlUnsupportedError,
  );
});

// ---------------------------------------------------------------- parse

const events = `datatable(Text: string) [
  "user=alice port=22 at=2024-01-02 03:04:05 ok",
  "user=bob port=http at=2024-01-02 03:04:06 ok",
  "garbage"
]`;

Deno.test("parse extracts typed columns; rows that do not match get empty and null", async () => {
  const out = await run(
    `${events} | parse Text with "user=" User " port=" Port:long " at=" At:datetime " ok"
     | project User, Port, At`,
  );
  assert.deepEqual(out.columns, ["User:string", "Port:long", "At:datetime"]);
  assert.deepEqual(out.rows, [
    ["alice", 22, "2024-01-02T03:04:05.000Z"],
    ["", null, null], // simple mode: one column of the wrong type fails the whole row
    ["", null, null],
  ]);
});

Deno.test("parse kind=relaxed keeps the columns that convert", async () => {
  assert.deepEqual(
    await rows(
      `${events} | parse kind=relaxed Text with "user=" User " port=" Port:long " at=" * | project User, Port`,
    ),
    [["alice", 22], ["bob", null], ["", null]],
  );
  // A number column still takes just the number when a wildcard follows it.
  const line = `print s = "total=bad, slice=23 rest" `;
  const pattern = `with "total=" Total:long ", slice=" Slice:long * | project Total, Slice`;
  assert.deepEqual(await rows(`${line} | parse kind=relaxed s ${pattern}`), [[null, 23]]);
  assert.deepEqual(await rows(`${line} | parse s ${pattern}`), [[null, null]]);
});

Deno.test("parse: a trailing column takes the rest; leading and trailing * skip text", async () => {
  assert.deepEqual(
    await rows(
      `print s = "k=v1, rest=a b c" | parse s with "k=" K ", rest=" Rest | project K, Rest`,
    ),
    [["v1", "a b c"]],
  );
  assert.deepEqual(
    await rows(`print s = "junk id=42 more" | parse s with * "id=" Id:int * | project Id`),
    [[42]],
  );
});

Deno.test("parse-where drops rows that do not match or whose columns do not convert", async () => {
  assert.deepEqual(
    await rows(
      `${events} | parse-where Text with "user=" User " port=" Port:long * | project User, Port`,
    ),
    [["alice", 22]],
  );
});

Deno.test("parse kind=regex is greedy unless flags=U; its own groups do not shift columns", async () => {
  const text = `print s = "Name=Alice, Age=30, City=Paris"`;
  assert.deepEqual(
    await rows(`${text} | parse kind=regex s with "(Name)=" Who "," * | project Who`),
    [["Alice, Age=30"]],
  );
  assert.deepEqual(
    await rows(`${text} | parse kind=regex flags=U s with "(Name)=" Who "," * | project Who`),
    [["Alice"]],
  );
  assert.deepEqual(
    await rows(`${text} | parse-where kind=regex s with * "AGE=" Age:long "," * | project Age`),
    [],
  );
  assert.deepEqual(
    await rows(
      `${text} | parse-where kind=regex flags=i s with * "AGE=" Age:long "," * | project Age`,
    ),
    [[30]],
  );
});

Deno.test("parse rejects unknown regex flags", async () => {
  await assert.rejects(
    () => executeKql(`print s = "a" | parse kind=regex flags=q s with "a" x`),
    (e: Error) => e instanceof KqlSemanticError && /regex flags/.test(e.message),
  );
});

// ---------------------------------------------------------------- make-series

const metrics = `datatable(t: datetime, host: string, v: real) [
  datetime(2024-01-01 00:10), "a", 1,
  datetime(2024-01-01 00:20), "a", 3,
  datetime(2024-01-01 02:00), "a", 5,
  datetime(2024-01-01 01:30), "b", 7,
  datetime(2023-12-31 23:00), "b", 100
]`;

Deno.test("make-series fills missing bins with 0 and names the axis after its column", async () => {
  const out = await run(
    `${metrics} | make-series avg(v), count() on t from datetime(2024-01-01) to datetime(2024-01-01 03:00) step 1h by host | order by host asc`,
  );
  assert.deepEqual(out.columns, ["host:string", "avg_v:dynamic", "count_:dynamic", "t:dynamic"]);
  const axis = [
    "2024-01-01T00:00:00.0000000Z",
    "2024-01-01T01:00:00.0000000Z",
    "2024-01-01T02:00:00.0000000Z",
  ];
  assert.deepEqual(out.rows, [
    ["a", [2, 0, 5], [2, 0, 1], axis],
    ["b", [0, 7, 0], [0, 1, 0], axis],
  ]);
});

Deno.test("make-series default= and kind=nonempty on an empty input", async () => {
  const query = (kind: string) =>
    `${metrics} | take 0 | make-series ${kind} total = sum(v) default = -1 on t from datetime(2024-01-01) to datetime(2024-01-01 02:00) step 1h`;
  assert.deepEqual(await rows(query("")), []);
  assert.deepEqual(await rows(query("kind=nonempty")), [[
    [-1, -1],
    ["2024-01-01T00:00:00.0000000Z", "2024-01-01T01:00:00.0000000Z"],
  ]]);
});

Deno.test("make-series without bounds spans the bins that have data", async () => {
  const spanned = await rows(`${metrics} | where host == "a" | make-series sum(v) on t step 1h`);
  assert.deepEqual(spanned, [[
    [4, 0, 5],
    [
      "2024-01-01T00:00:00.0000000Z",
      "2024-01-01T01:00:00.0000000Z",
      "2024-01-01T02:00:00.0000000Z",
    ],
  ]]);
});

Deno.test("make-series over numbers, with a constant per bin", async () => {
  const out = await run(
    "range x from 0 to 9 step 1 | make-series n = count(), c = 1 default = 0 on x from 0 to 6 step 2",
  );
  assert.deepEqual(out.columns, ["n:dynamic", "c:dynamic", "x:dynamic"]);
  assert.deepEqual(out.rows, [[[2, 2, 2], [1, 1, 1], [0, 2, 4]]]);
});

Deno.test("make-series needs bounds of the axis' type", async () => {
  await assert.rejects(
    () => executeKql(`${metrics} | make-series count() on t step 5`),
    (e: Error) =>
      e instanceof KqlSemanticError && /step of make-series must be a timespan/.test(e.message),
  );
  await assert.rejects(
    () => executeKql(`${metrics} | make-series count() on host step 1h`),
    (e: Error) => e instanceof KqlSemanticError && /axis of make-series/.test(e.message),
  );
});

// ---------------------------------------------------------------- evaluate

Deno.test("bag_unpack makes a column per property, in name order, typed by its values", async () => {
  const out = await run(`
    datatable(id: int, d: dynamic) [
      1, dynamic({"name": "x", "n": 1, "mixed": 1, "nested": {"a": 1}}),
      2, dynamic({"n": 2, "mixed": "two", "gone": null}),
      3, dynamic([1, 2])
    ]
    | evaluate bag_unpack(d)`);
  assert.deepEqual(out.columns, [
    "id:int",
    "mixed:dynamic",
    "n:long",
    "name:string",
    "nested:dynamic",
  ]);
  assert.deepEqual(out.rows, [
    [1, 1, 1, "x", { a: 1 }],
    [2, "two", 2, "", null],
    [3, null, null, "", null],
  ]);
});

Deno.test("bag_unpack prefixes, ignores properties and resolves conflicts", async () => {
  const data = `datatable(Name: string, d: dynamic) ["old", dynamic({"Name": "new", "Age": 20})]`;
  assert.deepEqual(
    (await run(`${data} | evaluate bag_unpack(d, 'p_')`)).columns,
    ["Name:string", "p_Age:long", "p_Name:string"],
  );
  assert.deepEqual(
    await rows(`${data} | evaluate bag_unpack(d, columnsConflict='replace_source')`),
    [["new", 20]],
  );
  assert.deepEqual(
    await rows(`${data} | evaluate bag_unpack(d, columnsConflict='keep_source')`),
    [["old", 20]],
  );
  assert.deepEqual(
    await rows(`${data} | evaluate bag_unpack(d, ignoredProperties=dynamic(['Name']))`),
    [["old", 20]],
  );
  await assert.rejects(
    () => executeKql(`${data} | evaluate bag_unpack(d)`),
    (e: Error) => e instanceof KqlSemanticError && /second column 'Name'/.test(e.message),
  );
});

Deno.test("pivot turns values into columns, counting by default", async () => {
  const data = `datatable(host: string, action: string, bytes: long) [
    "a", "allow", 10, "a", "deny", 1, "a", "allow", 5, "b", "deny", 7
  ]`;
  const counted = await run(
    `${data} | project host, action | evaluate pivot(action) | order by host asc`,
  );
  assert.deepEqual(counted.columns, ["host:string", "allow:long", "deny:long"]);
  assert.deepEqual(counted.rows, [["a", 2, 1], ["b", 0, 1]]);
  assert.deepEqual(
    await rows(`${data} | evaluate pivot(action, sum(bytes), host) | order by host asc`),
    [["a", 15, 1], ["b", 0, 7]],
  );
  assert.deepEqual(
    await rows(`${data} | evaluate pivot(action, max(bytes), host) | order by host asc`),
    [["a", 10, 1], ["b", null, 7]],
  );
});

Deno.test("evaluate of an unknown plugin is unsupported", async () => {
  await assert.rejects(
    () => executeKql("print x = 1 | evaluate sql_request('x')"),
    KqlUnsupportedError,
  );
});

Deno.test("invoke passes the pipeline as the function's first, tabular parameter", async () => {
  const out = await rows(`
    let above = (T: (x: long), floor: long) { T | where x > floor | summarize n = count(), s = sum(x) };
    range x from 1 to 10 step 1 | invoke above(7)`);
  assert.deepEqual(out, [[3, 27]]);
  await assert.rejects(
    () => executeKql("let f = (a: long) { a + 1 }; print x = 1 | invoke f()"),
    (e: Error) =>
      e instanceof KqlSemanticError && /first parameter must be a table/.test(e.message),
  );
  await assert.rejects(
    () => executeKql("print x = 1 | invoke nothing()"),
    KqlSemanticError,
  );
});

// ---------------------------------------------------------------- window functions

const series = `datatable(g: string, t: long, v: long) [
  "a", 1, 5, "a", 2, long(null), "a", 3, 5, "b", 4, 2, "b", 5, 9
]`;

Deno.test("prev() and next() shift rows, with an offset and a default at the edges", async () => {
  assert.deepEqual(
    await rows(
      `${series} | serialize | project t, p = prev(t), n = next(t, 2), d = prev(t, 1, -1), s = prev(g)`,
    ),
    [
      [1, null, 3, -1, ""],
      [2, 1, 4, 1, "a"],
      [3, 2, 5, 2, "a"],
      [4, 3, null, 3, "a"],
      [5, 4, null, 4, "b"],
    ],
  );
});

Deno.test("row_number() counts from a start and restarts where asked", async () => {
  assert.deepEqual(
    await rows(
      `${series} | serialize | project a = row_number(), b = row_number(0), c = row_number(1, g != prev(g))`,
    ),
    [[1, 0, 1], [2, 1, 2], [3, 2, 3], [4, 3, 1], [5, 4, 2]],
  );
});

Deno.test("row_cumsum() sums over the rows so far, treating null as nothing", async () => {
  const out = await run(
    `${series} | serialize | project all = row_cumsum(v), per = row_cumsum(v, g != prev(g)), one = row_cumsum(1)`,
  );
  assert.deepEqual(out.columns, ["all:long", "per:long", "one:long"]);
  assert.deepEqual(out.rows, [[5, 5, 1], [5, 5, 2], [10, 10, 3], [12, 2, 4], [21, 11, 5]]);
});

Deno.test("row_rank_dense() and row_rank_min() rank equal neighbours together", async () => {
  assert.deepEqual(
    await rows(`
      datatable(g: string, v: long) ["a", 2, "a", 3, "a", 3, "a", 9, "b", 3, "b", 3]
      | serialize
      | project dense = row_rank_dense(v), min = row_rank_min(v), per = row_rank_min(v, g != prev(g))`),
    [[1, 1, 1], [2, 2, 2], [2, 2, 2], [3, 4, 4], [4, 5, 1], [4, 5, 1]],
  );
});

Deno.test("row_window_session() starts sessions by distance from the first and the previous row", async () => {
  const out = await run(`
    datatable(id: string, t: datetime) [
      "1", datetime(2024-04-11 10:00), "1", datetime(2024-04-11 10:04),
      "1", datetime(2024-04-11 10:20), "1", datetime(2024-04-11 10:24),
      "1", datetime(2024-04-11 11:22), "2", datetime(2024-04-11 11:23)
    ]
    | sort by id asc, t asc
    | extend s = row_window_session(t, 1h, 5m, id != prev(id))
    | project s`);
  assert.deepEqual(out.columns, ["s:datetime"]);
  assert.deepEqual(out.rows.map((r) => r[0]), [
    "2024-04-11T10:00:00.000Z",
    "2024-04-11T10:00:00.000Z",
    "2024-04-11T10:20:00.000Z",
    "2024-04-11T10:20:00.000Z",
    "2024-04-11T11:22:00.000Z",
    "2024-04-11T11:23:00.000Z",
  ]);
});

Deno.test("window functions reject arguments of the wrong type", async () => {
  const cases = [
    ["print x = 1 | extend y = prev(x, -1)", /non-negative whole number/],
    ["print x = 1 | extend y = prev(x, 1, 'a')", /default value of prev/],
    ["print x = 1 | extend y = row_number(1, 5)", /must be a bool/],
    ["print x = 'a' | extend y = row_cumsum(x)", /sums numbers/],
    ["print t = now() | extend y = row_window_session(t, 5, 1m)", /constant timespan/],
  ] as const;
  for (const [query, message] of cases) {
    await assert.rejects(
      () => executeKql(query),
      (e: Error) => e instanceof KqlSemanticError && message.test(e.message),
      query,
    );
  }
});

Deno.test("window functions follow the order of a sorted table", async () => {
  const frame = pl.DataFrame({ k: [3, 1, 2] });
  assert.deepEqual(
    await rows("T | sort by k asc | extend rn = row_number(), p = prev(k)", { T: frame }),
    [[1, 1, null], [2, 2, 1], [3, 3, 2]],
  );
  // A later filter does not renumber the rows computed before it.
  assert.deepEqual(
    await rows("range x from 1 to 5 step 1 | extend rn = row_number() | where x > 3"),
    [[4, 4], [5, 5]],
  );
  assert.deepEqual(
    await rows("range x from 1 to 5 step 1 | where x > 3 | extend rn = row_number()"),
    [[4, 1], [5, 2]],
  );
});
