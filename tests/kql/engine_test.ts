/**
 * The local KQL engine's core operators and Kusto semantics: query in, rows out.
 */
import assert from "node:assert/strict";
import {
  executeKql,
  KqlSemanticError,
  KqlSyntaxError,
  KqlUnsupportedError,
  runKql,
} from "../../src/kql/mod.ts";
import { CasefileError } from "../../src/errors.ts";
import { pl } from "../../src/polars.ts";

const NOW = new Date("2026-03-16T00:00:00Z");

async function rows(query: string, tables = {}) {
  const frame = await runKql(query, { tables, now: NOW });
  return frame.toRecords();
}

const logons = pl.DataFrame({
  TimeGenerated: [
    new Date("2026-03-15T10:05:00Z"),
    new Date("2026-03-15T10:40:00Z"),
    new Date("2026-03-15T11:15:00Z"),
    new Date("2026-03-14T09:00:00Z"),
    new Date("2026-03-15T23:59:00Z"),
  ],
  Account: ["alice", "alice", "bob", "carol", "Alice"],
  LogonType: [10, 3, 10, 2, 10],
  IpAddress: ["203.0.113.5", "10.0.0.4", "203.0.113.5", "", "198.51.100.7"],
}).withColumn(pl.col("TimeGenerated").cast(pl.Datetime("us")));

Deno.test("where, project and extend over a table", async () => {
  assert.deepEqual(
    await rows(
      "Logons | where LogonType == 10 and Account =~ 'ALICE' | extend Remote = IpAddress != '' | project Account, Remote",
      { Logons: logons },
    ),
    [{ Account: "alice", Remote: true }, { Account: "Alice", Remote: true }],
  );
});

Deno.test("summarize names its columns as Kusto does and bins on the epoch", async () => {
  const out = await rows(
    "Logons | summarize count(), dcount(Account), make_set(LogonType) by bin(TimeGenerated, 1d) | sort by TimeGenerated asc",
    { Logons: logons },
  );
  assert.deepEqual(Object.keys(out[0]), [
    "TimeGenerated",
    "count_",
    "dcount_Account",
    "set_LogonType",
  ]);
  // LogonType is a real column here (JS numbers make a Float64 frame column), and Kusto
  // writes reals inside dynamic values with their fraction.
  assert.deepEqual(out.map((r) => [r.count_, r.dcount_Account, r.set_LogonType]), [
    [1, 1, "[2.0]"],
    [4, 3, "[10.0,3.0]"],
  ]);
});

Deno.test("sort defaults to descending with nulls last; asc puts nulls first", async () => {
  const query = (dir: string) =>
    `datatable(x: long) [3, long(null), 1, 2] | sort by x ${dir} | project x`;
  assert.deepEqual((await rows(query(""))).map((r) => r.x), [3, 2, 1, null]);
  assert.deepEqual((await rows(query("asc"))).map((r) => r.x), [null, 1, 2, 3]);
  assert.deepEqual((await rows(query("asc nulls last"))).map((r) => r.x), [1, 2, 3, null]);
});

Deno.test("top and take", async () => {
  assert.deepEqual(
    await rows("Logons | top 2 by TimeGenerated | project Account", { Logons: logons }),
    [{ Account: "Alice" }, { Account: "bob" }],
  );
  assert.equal((await rows("Logons | take 3", { Logons: logons })).length, 3);
});

Deno.test("has matches whole terms; contains matches anywhere; both ignore case", async () => {
  const t =
    "datatable(s: string) ['powershell -EncodedCommand abc', 'mypowershellx', 'Power-Shell']";
  assert.deepEqual((await rows(`${t} | where s has 'PowerShell'`)).length, 1);
  assert.deepEqual((await rows(`${t} | where s contains 'powershell'`)).length, 2);
  assert.deepEqual((await rows(`${t} | where s has '-encodedcommand'`)).length, 1);
  assert.deepEqual((await rows(`${t} | where s has_cs 'PowerShell'`)).length, 0);
  assert.deepEqual((await rows(`${t} | where s has_any ('shell', 'abc')`)).length, 2);
  assert.deepEqual((await rows(`${t} | where s !has 'powershell'`)).length, 2);
});

Deno.test("in, !in, in~ and between", async () => {
  const t = "datatable(a: string, n: long) ['x', 1, 'Y', 5, 'z', 10]";
  assert.deepEqual(await rows(`${t} | where a in ('x', 'y') | project a`), [{ a: "x" }]);
  assert.deepEqual(await rows(`${t} | where a in~ ('x', 'y') | project a`), [{ a: "x" }, {
    a: "Y",
  }]);
  assert.deepEqual(await rows(`${t} | where a !in ('x') | count`), [{ Count: 2 }]);
  assert.deepEqual(await rows(`${t} | where n between (2 .. 10) | project n`), [{ n: 5 }, {
    n: 10,
  }]);
  assert.deepEqual(await rows(`${t} | where a in ((datatable(v: string) ['z']))| project n`), [{
    n: 10,
  }]);
});

Deno.test("joins: innerunique keeps the first left row per key; outer kinds fill text with ''", async () => {
  const left = "datatable(k: string, l: long) ['a', 1, 'a', 2, 'b', 3]";
  const right = "datatable(k: string, r: long) ['a', 10, 'a', 20, 'c', 30]";
  assert.deepEqual(await rows(`${left} | join (${right}) on k | sort by r asc`), [
    { k: "a", l: 1, k1: "a", r: 10 },
    { k: "a", l: 1, k1: "a", r: 20 },
  ]);
  assert.equal((await rows(`${left} | join kind=inner (${right}) on k`)).length, 4);
  assert.deepEqual(await rows(`${left} | join kind=leftanti (${right}) on k`), [{ k: "b", l: 3 }]);
  assert.deepEqual(
    await rows(`${left} | join kind=rightanti (${right}) on k`),
    [{ k: "c", r: 30 }],
  );
  const outer = await rows(`${left} | join kind=fullouter (${right}) on $left.k == $right.k`);
  assert.equal(outer.length, 6);
  assert.ok(outer.some((r) => r.k === "" && r.k1 === "c"));
  assert.deepEqual(await rows(`${left} | lookup (${right} | where r > 15) on k | sort by l asc`), [
    { k: "a", l: 1, r: 20 },
    { k: "a", l: 2, r: 20 },
    { k: "b", l: 3, r: null },
  ]);
});

Deno.test("union with source names, kinds inner and outer", async () => {
  const out = await rows(
    "let A = datatable(x: long, y: string) [1, 'a']; let B = datatable(x: long, z: real) [2, 2.5]; union withsource=T A, B | sort by x asc",
  );
  assert.deepEqual(out, [
    { T: "A", x: 1, y: "a", z: null },
    { T: "B", x: 2, y: "", z: 2.5 },
  ]);
});

Deno.test("let: scalars, tabular values, functions, toscalar and materialize", async () => {
  const out = await rows(`
    let limit = 2;
    let T = range x from 1 to 10 step 1;
    let above = (t: (x: long), n: long) { t | where x > n };
    let m = materialize(T | summarize total = sum(x));
    above(T, toscalar(m) - 50) | where x <= limit + 5 | count`);
  // sum is 55, so x > 5 and x <= 7.
  assert.deepEqual(out, [{ Count: 2 }]);
});

Deno.test("arithmetic follows Kusto: integer division truncates, timespans and datetimes mix", async () => {
  const [r] = await rows(
    `print a = 7 / 2, b = -7 / 2, c = 7.0 / 2, d = datetime(2024-01-02) - datetime(2024-01-01),
    e = datetime(2024-01-01) + 90m, f = 1d / 1h, g = 2 * 1h`,
  );
  assert.equal(r.a, 3);
  assert.equal(r.b, -3);
  assert.equal(r.c, 3.5);
  assert.equal(r.f, 24);
  const typed = await executeKql(
    "print d = datetime(2024-01-02) - datetime(2024-01-01), e = now()",
    {
      now: NOW,
    },
  );
  assert.deepEqual(typed.schema.columns, [
    { name: "d", type: "timespan" },
    { name: "e", type: "datetime" },
  ]);
});

Deno.test("ago() and now() use the pinned time", async () => {
  const out = await rows("Logons | where TimeGenerated > ago(1d) | count", { Logons: logons });
  assert.deepEqual(out, [{ Count: 4 }]);
});

Deno.test("unknown columns and tables are errors that suggest the right name", async () => {
  const column = await executeKql("Logons | where Acount == 'x'", { tables: { Logons: logons } })
    .then(() => undefined, (e) => e);
  assert.ok(column instanceof KqlSemanticError);
  assert.match(column.message, /Unknown column or name 'Acount'. Did you mean 'Account'\?/);
  assert.equal(column.column, 16);
  const table = await executeKql("Logon | count", { tables: { Logons: logons } })
    .then(() => undefined, (e) => e);
  assert.match(table.message, /Unknown table 'Logon'. Did you mean 'Logons'\?/);
});

Deno.test("features outside the supported set are named, never answered wrongly", async () => {
  const error = await executeKql("range x from 1 to 3 step 1 | evaluate sql_request('cs', 'q')")
    .then(() => undefined, (e) => e);
  assert.ok(error instanceof KqlUnsupportedError);
  assert.match(error.message, /'sql_request' is not supported by the local engine/);
  const fn = await executeKql("print current_principal()").then(
    () => undefined,
    (e) => e,
  );
  assert.ok(fn instanceof KqlUnsupportedError);
  const op = await executeKql("range x from 1 to 3 step 1 | assert-schema (x: long)")
    .then(() => undefined, (e) => e);
  assert.ok(op instanceof KqlUnsupportedError);
  assert.match(op.message, /The operator 'assert-schema'/);
});

Deno.test("KQL errors are CasefileErrors that keep their name, position and hint", async () => {
  const syntax = await executeKql("print (1").then(() => undefined, (e) => e);
  assert.ok(syntax instanceof KqlSyntaxError);
  assert.ok(syntax instanceof CasefileError);
  assert.equal(syntax.name, "KqlSyntaxError");
  assert.deepEqual([syntax.line, syntax.column], [1, 9]);
  const unknown = await executeKql("Logon | count", { tables: { Logons: logons } })
    .then(() => undefined, (e) => e);
  assert.ok(unknown instanceof KqlSemanticError);
  assert.ok(unknown instanceof CasefileError);
  assert.equal(unknown.name, "KqlSemanticError");
  assert.equal(unknown.hint, "Tables: Logons");
  const unsupported = await executeKql("range x from 1 to 3 step 1 | assert-schema (x: long)")
    .then(() => undefined, (e) => e);
  assert.ok(unsupported instanceof KqlSemanticError);
  assert.ok(unsupported instanceof CasefileError);
  assert.equal(unsupported.name, "KqlUnsupportedError");
  assert.match(unsupported.hint ?? "", /Run it against Sentinel/);
});

Deno.test("type errors say which types were mixed", async () => {
  const error = await executeKql("print 'a' > 1").then(() => undefined, (e) => e);
  assert.ok(error instanceof KqlSemanticError);
  assert.match(error.message, /cannot compare string with long/);
});

Deno.test("render keeps the chart with the result", async () => {
  const result = await executeKql(
    "range x from 1 to 3 step 1 | extend y = x * 2 | extend z = x | render timechart with (title='t', ycolumns=y, z)",
  );
  assert.deepEqual(result.render, {
    visualization: "timechart",
    properties: { title: "t", ycolumns: ["y", "z"] },
  });
});

Deno.test("distinct, count, project-away/rename/reorder, getschema", async () => {
  const t = "datatable(a: long, b: string, c: real) [1, 'x', 1.0, 1, 'x', 2.0, 2, 'y', 3.0]";
  assert.equal((await rows(`${t} | distinct a, b`)).length, 2);
  assert.deepEqual(Object.keys((await rows(`${t} | project-away c`))[0]), ["a", "b"]);
  assert.deepEqual(Object.keys((await rows(`${t} | project-rename B = b`))[0]), ["a", "B", "c"]);
  assert.deepEqual(Object.keys((await rows(`${t} | project-reorder c, a`))[0]), ["c", "a", "b"]);
  assert.deepEqual(await rows(`${t} | getschema | project ColumnName, ColumnType`), [
    { ColumnName: "a", ColumnType: "long" },
    { ColumnName: "b", ColumnType: "string" },
    { ColumnName: "c", ColumnType: "real" },
  ]);
});

Deno.test("typeof(T) names a type; adjacent strings join; matches regex takes RE2", async () => {
  const [r] = await rows(
    `print t = typeof(long), s = "ab" 'cd', m = "Admin01" matches regex @"(?i)^admin\\d+$",
      n = "x" matches regex "[[:digit:]]"`,
  );
  assert.deepEqual(r, { t: "long", s: "abcd", m: true, n: false });
});

Deno.test("declare query_parameters binds defaults", async () => {
  assert.deepEqual(
    await rows(
      "declare query_parameters(n: long = 3, s: string); range x from 1 to n step 1 | count",
    ),
    [{ Count: 3 }],
  );
});

Deno.test("a function with several outputs fills several names; one value cannot", async () => {
  const error = await executeKql("print x = 1 | extend (a, b) = strlen('x')")
    .then(() => undefined, (e) => e);
  assert.match(error.message, /cannot assign one value to 2 names/);
});

Deno.test("summarize computes scalar expressions over aggregates", async () => {
  assert.deepEqual(
    await rows(
      "range x from 1 to 4 step 1 | summarize m = max(x) + 1, small = max(x) < 10, r = round(avg(x), 1)",
    ),
    [{ m: 5, small: true, r: 2.5 }],
  );
});

Deno.test("modulo is never negative and integer arithmetic is long, as Kusto's", async () => {
  const result = await executeKql(
    "print a = 14 % 12, b = -14 % 12, c = 14 % -12, d = -14 % -12, e = toint(1) + toint(2), f = -7.5 % 2",
  );
  assert.deepEqual(result.frame.toRecords(), [{ a: 2, b: 10, c: 2, d: 10, e: 3, f: 0.5 }]);
  assert.equal(result.schema.columns.find((c) => c.name === "e")?.type, "long");
});

Deno.test("functions inlined inside functions compute row-by-row values at the barrier", async () => {
  const out = await rows(`
    let inner = (d: dynamic) { tostring(d.k) };
    let outer = (d: dynamic) { strcat(inner(d), "!") };
    datatable(d: dynamic) [dynamic({"k": "a"}), dynamic({"k": "b"})] | project r = outer(d)`);
  assert.deepEqual(out, [{ r: "a!" }, { r: "b!" }]);
});

Deno.test("user functions bind named arguments by name and positional ones to the rest", async () => {
  // Kusto's documented result (assert() page, recorded in the conformance corpus):
  // checkLength(len=3, input) binds `input` to `s`, and keeps the 4-character row.
  const checked = await rows(`
    let checkLength = (len:long, s:string) { assert(len > 0, "Length must be greater than zero") and strlen(s) > len };
    datatable(input:string) ['123', '4567'] | where checkLength(len=3, input)`);
  assert.deepEqual(checked, [{ input: "4567" }]);
  // Named arguments in any order, a default left in place, and the same in tabular functions.
  const named = await rows(`
    let f = (a:long, b:string = "b.default", c:long = 0) { strcat(a, "-", b, "-", c) };
    let g = (T:(x:long), v:long) { T | where x >= v };
    print x = f(c=7, a=12), y = f(12, c=7), z = toscalar(g(v=9, (range x from 1 to 10 step 1)) | count)`);
  assert.deepEqual(named, [{ x: "12-b.default-7", y: "12-b.default-7", z: 2 }]);
  await assert.rejects(
    () => rows(`let f = (a:long) { a }; print f(b=1)`),
    (e: Error) => e instanceof KqlSemanticError && /no parameter named 'b'/.test(e.message),
  );
  await assert.rejects(
    () => rows(`let f = (a:long) { a }; print f(1, 2)`),
    (e: Error) => e instanceof KqlSemanticError && /takes 1 argument/.test(e.message),
  );
});
