/**
 * Issue 16, three rules of exactness:
 *
 * - Names declared in one operator (`extend a = 2, b = a + 1`). Kusto.Language's binder is
 *   the reference: every expression of an `extend`, `project`, `print`, `distinct` or
 *   `serialize` reads the operator's input (so `extend x = x + 1, b = x` reads the input's
 *   x, and `b = a` with `a` declared beside it is unknown), and a name declared twice is
 *   refused, where derived names (`tostring(x)` is x) are made unique or replace. casefile
 *   accepts what Kusto.Language accepts, refuses what it refuses (with a message saying
 *   why), and names the columns as it does.
 * - The row-by-row dynamic functions keep a long beyond 2^53 (9007199254740993, which a JS
 *   number rounds to ...992): the expected text is the input's own digits, placed by hand.
 * - A range, range() or make-series stepped by less than the engine's 1 µs resolution
 *   (`1tick`) is an error, not a silent tenth of Kusto's rows.
 */
import assert from "node:assert/strict";
import { KqlSemanticError, runKql } from "../../src/kql/mod.ts";
import { bindKql } from "./_kusto_binder.ts";
import { runCasefile } from "../_helpers.ts";

/** 2^53 + 1: the first integer a JavaScript number cannot hold. */
const BIG = "9007199254740993";

async function rows(query: string): Promise<Record<string, unknown>[]> {
  return (await runKql(query)).toRecords() as Record<string, unknown>[];
}

async function failure(query: string): Promise<KqlSemanticError> {
  const error = await runKql(query).then(() => undefined, (e) => e);
  assert.ok(error instanceof KqlSemanticError, `${query}: ${error}`);
  return error;
}

const T = "datatable(x:long, s:string)[1, 'a', 2, 'b']";

Deno.test("names declared in one operator: accepted and refused as Kusto.Language does", async () => {
  const queries = [
    "T | extend a = x, b = a + 1",
    "T | extend x = x + 1, b = x + 10",
    "T | extend c = a, a = x",
    "T | extend a = 1, a = 2",
    "T | extend x, x",
    "T | extend tostring(x), tostring(x)",
    "T | extend s = 1, x = 2",
    "T | project a = 1, b = a + 1",
    "T | project x = x + 1, b = x",
    "T | project a = x, a = 2",
    "T | project x, tostring(x)",
    "T | project tostring(x), tostring(x)",
    "T | distinct a = x, b = a",
    "T | serialize a = x, b = a + 1",
    "T | project-rename a = x, a = s",
    "T | project-rename a = x, b = s",
    "print a = 1, b = a + 1",
    "print a = 1, a = 2",
    "print 1, 1",
    'let a = "s"; T | extend a = x, b = a',
  ];
  for (const query of queries) {
    const reference = bindKql(query, { T: "(x:long, s:string)" });
    const ours = await runKql(query.replace(/^(let [^;]*; )?T/, `$1${T}`)).then(
      (frame) => ({ columns: frame.columns }),
      (error) => ({ error }),
    );
    if (reference.errors.length > 0) {
      assert.ok("error" in ours, `${query}: Kusto.Language refuses it (${reference.errors})`);
      assert.ok(ours.error instanceof KqlSemanticError, `${query}: ${ours.error}`);
    } else {
      assert.ok(
        "columns" in ours,
        `${query}: Kusto.Language accepts it, we gave ${"error" in ours ? ours.error : ""}`,
      );
      assert.deepEqual(ours.columns, reference.columns.map((c) => c.name), query);
    }
  }
});

Deno.test("every expression of one extend or project reads the input's columns", async () => {
  // By hand: x is 1 and 2 on the way in; b reads that x, not the x this extend sets.
  assert.deepEqual(await rows(`${T} | extend x = x + 1, b = x + 10 | project x, b`), [
    { x: 2, b: 11 },
    { x: 3, b: 12 },
  ]);
  assert.deepEqual(await rows(`${T} | project x = x * 100, b = x`), [
    { x: 100, b: 1 },
    { x: 200, b: 2 },
  ]);
  // A let name of the same name as a column declared beside it is the let's value.
  assert.deepEqual(await rows(`let a = "s"; ${T} | extend a = x, b = a | project a, b`), [
    { a: 1, b: "s" },
    { a: 2, b: "s" },
  ]);
  // Split in two operators, the name is known: 2 then 3.
  assert.deepEqual(await rows("print x = 1 | extend a = 2 | extend b = a + 1"), [
    { x: 1, a: 2, b: 3 },
  ]);
});

Deno.test("using a name declared in the same operator says why and what to write", async () => {
  const error = await failure("print x = 1 | extend a = 2, b = a + 1");
  assert.match(error.message, /'a' is declared by this same extend/);
  // The caret is on the a of a + 1 (column 33).
  assert.equal(error.column, 33);
  assert.match(error.hint ?? "", /\| extend a = \.\.\. \| extend b = \.\.\.a\.\.\./);
  const twice = await failure(`${T} | project a = x, a = 2`);
  assert.match(twice.message, /the column 'a' is declared twice in one project/);
  // A name nobody declared keeps the plain message.
  const unknown = await failure("print x = 1 | extend b = zz + 1");
  assert.match(unknown.message, /^Unknown column or name 'zz'/);
});

Deno.test("casefile query prints the input-bound result and explains the refused form", async () => {
  const ok = await runCasefile(["query", "print x = 1 | extend x = x + 1, b = x + 10"]);
  assert.equal(ok.code, 0, ok.stderr);
  // By hand: x + 1 = 2, and b reads the input's x: 1 + 10 = 11.
  assert.deepEqual(ok.stdout.trim().split("\n"), ["x,b", "2,11"]);
  const bad = await runCasefile([
    "query",
    "SecurityEvent | take 1 | extend a = EventID, b = a + 1",
  ]);
  assert.notEqual(bad.code, 0);
  const text = bad.stdout + bad.stderr;
  assert.match(text, /'a' is declared by this same extend/);
  assert.match(text, /\| extend a = \.\.\. \| extend b = \.\.\.a\.\.\./);
  assert.doesNotMatch(text, /at .*\.ts:\d+/, "no stack trace");
});

Deno.test("row-by-row dynamic functions keep a long beyond 2^53", async () => {
  // d comes from a text column, so every function runs row by row (no constant folding).
  const source =
    `datatable(t:string, n:long)['{"a":[${BIG},2],"b":{"k":${BIG}},"c":[1,0]}', ${BIG}]` +
    " | extend d = parse_json(t)";
  const cases: Array<[string, string]> = [
    ["array_slice(d.a, 0, 0)", `[${BIG}]`],
    ["array_reverse(d.a)", `[2,${BIG}]`],
    ["array_rotate_left(d.a, 1)", `[2,${BIG}]`],
    ["array_rotate_right(d.a, 1)", `[2,${BIG}]`],
    ["array_shift_left(d.a, -1)", `[null,${BIG}]`],
    ["array_shift_right(d.a, 1, n)", `[${BIG},${BIG}]`],
    ["array_iff(d.c, d.a, 0)", `[${BIG},0]`],
    ["array_iff(d.c, n, 0)", `[${BIG},0]`],
    ["array_split(d.a, 1)", `[[${BIG}],[2]]`],
    ["zip(d.a, d.c)", `[[${BIG},1],[2,0]]`],
    ["repeat(n, 2)", `[${BIG},${BIG}]`],
    ["repeat(d.b, 1)", `[{"k":${BIG}}]`],
    ["bag_merge(d.b, dynamic({'k':1, 'z':2}))", `{"k":${BIG},"z":2}`],
    ['bag_remove_keys(d, dynamic(["a", "c"]))', `{"b":{"k":${BIG}}}`],
    ['bag_set_key(d.b, "z", n)', `{"k":${BIG},"z":${BIG}}`],
    ['bag_zip(dynamic(["x"]), d.a)', `{"x":${BIG}}`],
    ["bag_pack_columns(n)", `{"n":${BIG}}`],
    ['extract_json("$.b.k", t)', BIG],
    ['extract_json("$.b.k", t, typeof(long))', BIG],
    ["d.a[0] + d.c[1]", BIG],
    ["d.a[0] - d.c[0]", "9007199254740992"],
    ["range(n, n + 1, 1)", `[${BIG},9007199254740994]`],
    ["array_index_of(d.a, n)", "0"],
    ["array_index_of(d.a, n - 1)", "-1"],
    ["set_has_element(d.a, n - 1)", "false"],
    ["set_equals(d.a, dynamic([9007199254740992, 2]))", "false"],
  ];
  const query = `${source} | project ${cases.map(([e], i) => `v${i} = tostring(${e})`).join(", ")}`;
  const [row] = await rows(query);
  for (const [i, [expression, expected]] of cases.entries()) {
    assert.equal(row[`v${i}`], expected, expression);
  }
  // Dynamic arithmetic follows the values' types: longs divide as longs (7 / 2 is 3, toward
  // zero), a real makes a real (3.5), and dividing a long by zero gives null.
  const [ops] = await rows(
    "print a = tostring(dynamic(7) / dynamic(2)), b = tostring(dynamic(-7) / dynamic(2))," +
      " c = tostring(dynamic(7.0) / dynamic(2)), z = tostring(dynamic(1) / dynamic(0))",
  );
  assert.deepEqual(ops, { a: "3", b: "-3", c: "3.5", z: "" });
  // `%` as Kusto's "Numerical operators" page documents it, never negative:
  // 0 <= N % D < abs(D), so -14 % 12 is 10 (as the typed operator gives); -7.5 % 2 is 0.5.
  const [mod] = await rows(
    "print a = tostring(dynamic(-14) % dynamic(12)), b = tostring(dynamic(14) % dynamic(-12))," +
      " c = tostring(dynamic(-14) % dynamic(-12)), d = tostring(dynamic(-7.5) % dynamic(2))",
  );
  assert.deepEqual(mod, { a: "10", b: "2", c: "10", d: "0.5" });
});

Deno.test("a range stepped by less than 1 microsecond is an error, not a rounded range", async () => {
  const day = "datetime(2024-01-01)";
  const error = await failure(`range t from ${day} to ${day} + 1s step 1tick`);
  assert.match(error.message, /1tick \(100 ns\), not a whole number of microseconds/);
  assert.match(error.message, /resolution is 1 microsecond/);
  for (
    const query of [
      "range t from 0s to 1ms step 15ticks",
      "range t from 0s to 1ms step 1.5microseconds",
      `print r = range(${day}, ${day} + 1ms, 1tick)`,
      `datatable(t:datetime)[${day}] | make-series c = count() on t from ${day} to ${day} + 1ms step 1tick`,
    ]
  ) {
    assert.match((await failure(query)).message, /not a whole number of microseconds/, query);
  }
  // Whole microseconds are fine: 0 to 10 µs by 1 µs (10 ticks) is 11 values, by hand.
  assert.deepEqual(
    await rows(`range t from ${day} to ${day} + 10microseconds step 10ticks | count`),
    [
      { Count: 11 },
    ],
  );
  assert.deepEqual(await rows("range t from 0s to 1ms step 0.5ms | count"), [{ Count: 3 }]);
});
