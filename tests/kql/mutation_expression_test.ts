/**
 * Scalar expressions (src/kql/compile/_expression.ts): literals, names, calls, user functions,
 * `and`/`or`, `in`, `between` and their errors, each checked on constants (folded in JavaScript)
 * and on columns (run in Polars). Expected values are Kusto's documented results (`between` is
 * inclusive at both ends; `and`/`or` over null follow the three-valued table of the "Logical
 * (binary) operators" page; Int64's range is −2^63 .. 2^63−1) or computed by hand. Found by
 * `deno task mutate src/kql/compile/_expression.ts` (issue 23).
 */
import assert from "node:assert/strict";
import { runCasefile } from "../_helpers.ts";
import { failure, records } from "./_records.ts";

Deno.test("mutation/expression: 'and' and 'or' with a null side, where Kusto's docs agree", async () => {
  // Docs ("Logical (binary) operators"): `and` is true only if both sides are true, `or` is
  // true if either side is true "regardless of the other operand". Whether `true and null` is
  // null or false the docs contradict themselves (null-values page vs logical-operators
  // table), so only the cases both pages agree on are checked.
  const [c] = await records(
    `print a = true and false, b = true and true, c = false and bool(null),
       e = true or bool(null), g = false or false, h = bool(null) and false, i = bool(null) or true`,
  );
  assert.deepEqual(c, { a: false, b: true, c: false, e: true, g: false, h: false, i: true });
  // The same on columns.
  const rows = await records(
    `datatable(x: bool, y: bool) [true, false, true, true, false, bool(null), true, bool(null)]
     | extend a = x and y, o = x or y`,
  );
  assert.deepEqual(rows.map((r) => r.a).slice(0, 3), [false, true, false]);
  assert.deepEqual(rows.map((r) => r.o), [true, true, rows[2].o, true]);
  assert.notEqual(rows[2].o, true); // false or null is not true
});

Deno.test("mutation/expression: between is inclusive at both ends, on constants and columns", async () => {
  const [c] = await records(
    `print a = 10 between (1 .. 10), b = 11 between (1 .. 10), c = 1 between (1 .. 10),
       d = 0 between (1 .. 10), e = 10 !between (1 .. 10), f = 0 !between (1 .. 10)`,
  );
  assert.deepEqual(c, { a: true, b: false, c: true, d: false, e: false, f: true });
  const rows = await records(
    "datatable(n: long) [0, 1, 5, 10, 11] | where n between (1 .. 10)",
  );
  assert.deepEqual(rows.map((r) => r.n), [1, 5, 10]);
  const outside = await records(
    "datatable(n: long) [0, 1, 5, 10, 11] | where n !between (1 .. 10)",
  );
  assert.deepEqual(outside.map((r) => r.n), [0, 11]);
});

Deno.test("mutation/expression: datetime between (start .. 1d) ends one day after start, inclusive", async () => {
  // Docs: "datetime between (start .. timespan)": the upper bound is start + timespan.
  const rows = await records(
    `datatable(t: datetime) [datetime(2025-12-31 23:59:59), datetime(2026-01-01),
       datetime(2026-01-01 12:00), datetime(2026-01-02), datetime(2026-01-02 00:00:01)]
     | where t between (datetime(2026-01-01) .. 1d)`,
  );
  assert.deepEqual(
    rows.map((r) => (r.t as Date).toISOString()),
    ["2026-01-01T00:00:00.000Z", "2026-01-01T12:00:00.000Z", "2026-01-02T00:00:00.000Z"],
  );
});

Deno.test("mutation/expression: 'in' on bools, texts (case-insensitive in~) and numbers", async () => {
  const bools = await records("datatable(b: bool) [true, false, true] | where b in (true)");
  assert.deepEqual(bools.map((r) => r.b), [true, true]);
  const notIn = await records("datatable(b: bool) [true, false, true] | where b !in (true)");
  assert.deepEqual(notIn.map((r) => r.b), [false]);
  const texts = await records(
    `datatable(s: string) ["Admin", "admin", "guest"] | extend cs = s in ("admin"), ci = s in~ ("ADMIN")`,
  );
  assert.deepEqual(texts.map((r) => [r.cs, r.ci]), [[false, true], [true, true], [false, false]]);
  const [c] = await records(
    `print a = 2 in (1, 2, 3), b = 4 in (1, 2, 3), c = "X" in~ ("x"), d = 2 in (dynamic([1, 2]))`,
  );
  assert.deepEqual(c, { a: true, b: false, c: true, d: true });
});

Deno.test("mutation/expression: typeof(long) names a type for extract()", async () => {
  const [c] = await records(`print x = extract("(\\\\d+)", 1, "ab123", typeof(long))`);
  assert.equal(c.x, 123);
  // A long, not text: arithmetic on it adds.
  const [d] = await records(`print x = extract("(\\\\d+)", 1, "ab123", typeof(long)) + 1`);
  assert.equal(d.x, 124);
});

Deno.test("mutation/expression: user functions take tabular parameters and nested functions", async () => {
  const [a] = await records(
    "let f = (T:(a:long)) { T | count }; f(datatable(a:long)[1, 2, 3])",
  );
  assert.deepEqual(a, { Count: 3 });
  // A scalar function of a table: the table argument is bound as a table, not a value.
  const [s] = await records(
    "let f = (T:(a:long)) { toscalar(T | count) }; print n = f(datatable(a:long)[1, 2, 3])",
  );
  assert.deepEqual(s, { n: 3 });
  const [b] = await records(
    "let f = () { let g = () { datatable(a:long)[1, 2] }; g() }; f() | count",
  );
  assert.deepEqual(b, { Count: 2 });
  // Bound by let: f() is known to be tabular through the function g it defines and calls.
  const [t] = await records(
    "let f = () { let g = () { datatable(a:long)[1, 2] }; g() }; let t = f(); t | count",
  );
  assert.deepEqual(t, { Count: 2 });
  const [c] = await records("let k = 5; let add = (x: long) { x + k }; print y = add(2)");
  assert.deepEqual(c, { y: 7 });
});

Deno.test("mutation/expression: errors name the mistake", async () => {
  const tabular = await failure("print x = (range i from 1 to 3 step 1)");
  assert.match(tabular.message, /a tabular expression is used where a scalar value is expected/);
  assert.match(tabular.hint ?? "", /toscalar/);
  const twoArgs = await failure("print x = toscalar(1, 2)");
  assert.match(twoArgs.message, /toscalar\(\) takes one argument/);
  const unknown = await failure("print x = foo_bar(1)");
  assert.match(unknown.message, /^Unknown function 'foo_bar\(\)'/);
  const aggregate = await failure("print x = dcount(1)");
  assert.match(aggregate.message, /dcount\(\) is an aggregate function/);
  // No columns at all: no "Columns here:" hint listing nothing.
  const noColumns = await failure("print a = 1 | project-away a | extend b = c");
  assert.match(noColumns.message, /Unknown column or name 'c'/);
  assert.equal(noColumns.hint, undefined);
  const withColumns = await failure("print a = 1, bb = 2 | extend z = c");
  assert.match(withColumns.hint ?? "", /^Columns here: a, bb$/);
  // A watchlist bound by let is a table: it is looked up (and missing), not called as a function.
  const watchlist = await failure('let w = _GetWatchlist("Nope"); w | count');
  assert.match(watchlist.message, /Unknown watchlist 'Nope'/);
});

Deno.test("mutation/expression: negating a null is null, negating a column negates each value", async () => {
  const [c] = await records(
    "print a = -long(null), b = -real(null), c = -(2), d = -timespan(null)",
  );
  assert.deepEqual(c, { a: null, b: null, c: -2, d: null });
  const rows = await records(
    "datatable(n: long, t: timespan) [3, 1h, long(null), 2h] | extend m = -n, u = -t",
  );
  assert.deepEqual(rows.map((r) => [r.m, r.u]), [[-3, -3_600_000_000], [null, -7_200_000_000]]);
});

Deno.test("mutation/expression: long literals beyond 2^53 and Int64's minimum stay exact (casefile query)", async () => {
  const run = await runCasefile([
    "query",
    "print x = 9007199254740993, y = -9223372036854775808, z = -5, b = 10 between (1 .. 10)",
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const [header, row] = run.stdout.trim().split("\n");
  assert.equal(header, "x,y,z,b");
  // By hand: 2^53 + 1 = 9007199254740993; Int64's minimum is −2^63 = −9223372036854775808.
  assert.equal(row, "9007199254740993,-9223372036854775808,-5,true");
});
