/**
 * KQL's binary operators (src/kql/compile/_binary_operators.ts) on columns as well as on
 * constants (constants fold in JavaScript, columns run in Polars: each path needs its own
 * check). Expected values are Kusto's documented results (the numerical operators page:
 * `-14 % 12` is 10, integer division truncates) or computed by hand. Found by
 * `deno task mutate src/kql/compile/_binary_operators.ts` (issue 23).
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";

const NOW = new Date("2026-03-16T00:00:00Z");
const HOUR = 3_600_000_000; // a timespan's value in the frame: microseconds

/** The result's rows as records. */
async function records(query: string): Promise<Record<string, unknown>[]> {
  const result = await executeKql(query, { tables: {}, now: NOW });
  return result.frame.toRecords();
}

async function column(query: string, name: string): Promise<unknown[]> {
  return (await records(query)).map((r) => r[name]);
}

Deno.test("mutation/binary: long division truncates toward zero on columns, and / 0 is null", async () => {
  const q = `datatable(a: long, b: long) [-8, 2, -7, 2, 7, -2, -7, -2, 6, -3, 7, 0]
    | extend q = a / b`;
  // By hand: -8/2 = -4 exactly; -7/2 = -3.5 → -3; 7/-2 → -3; -7/-2 = 3.5 → 3; 6/-3 = -2.
  assert.deepEqual(await column(q, "q"), [-4, -3, -3, 3, -2, null]);
  // The same as constants.
  const [r] = await records("print a = -8 / 2, b = -7 / 2, c = 7 / -2, d = 6 / -3, e = 7 / 0");
  assert.deepEqual(r, { a: -4, b: -3, c: -3, d: -2, e: null });
});

Deno.test("mutation/binary: modulo is never negative (Kusto's documented 14 % 12 table)", async () => {
  const q = `datatable(a: long, b: long) [14, 12, -14, 12, 14, -12, -14, -12] | extend m = a % b`;
  assert.deepEqual(await column(q, "m"), [2, 10, 2, 10]);
  const [r] = await records(
    "print plusPlus = 14 % 12, minusPlus = -14 % 12, plusMinus = 14 % -12, minusMinus = -14 % -12",
  );
  assert.deepEqual(r, { plusPlus: 2, minusPlus: 10, plusMinus: 2, minusMinus: 10 });
});

Deno.test("mutation/binary: timespans add, subtract, scale and divide on columns and constants", async () => {
  const q = `datatable(a: timespan, b: timespan, n: long) [1h, 30m, 2, 2h, 45m, 3]
    | extend s = a + b, d = a - b, m = a % b, r = a / b, t = a * n, u = n * a, v = a / n`;
  const rows = await records(q);
  // By hand: 1h+30m = 90m, 1h-30m = 30m, 1h % 30m = 0, 1h / 30m = 2, 1h*2 = 2h, 1h/2 = 30m;
  // 2h+45m = 165m, 2h-45m = 75m, 2h % 45m = 30m, 2h / 45m = 8/3, 2h*3 = 6h, 2h/3 = 40m.
  const pick = (r: Record<string, unknown>) => [r.s, r.d, r.m, r.r, r.t, r.u, r.v];
  assert.deepEqual(rows.map(pick), [
    [1.5 * HOUR, 0.5 * HOUR, 0, 2, 2 * HOUR, 2 * HOUR, 0.5 * HOUR],
    [2.75 * HOUR, 1.25 * HOUR, 0.5 * HOUR, 8 / 3, 6 * HOUR, 6 * HOUR, 40 * 60_000_000],
  ]);
  const [c] = await records("print half = 1h / 2, twice = 1h * 2, thrice = 3 * 1h, gap = 1h - 15m");
  assert.deepEqual(c, { half: 0.5 * HOUR, twice: 2 * HOUR, thrice: 3 * HOUR, gap: 0.75 * HOUR });
});

Deno.test("mutation/binary: timespan + datetime, and text compared with a guid (Kusto.Language binds both)", async () => {
  const rows = await records(`datatable(s: string, g: guid, t: timespan, d: datetime) [
    "0f8fad5b-d9cb-469f-a165-70867728950e", guid(0F8FAD5B-D9CB-469F-A165-70867728950E), 1h,
      datetime(2024-01-01),
    "x", guid(7c9e6679-7425-40de-944b-e07fc1f90ae7), 30m, datetime(2024-01-02)]
    | project x = s == g, y = g != s, z = t + d, w = 2h + datetime(2024-01-01)`);
  const iso = (v: unknown) => (v as Date).toISOString();
  // A guid equals its text whatever the case; 1h + Jan 1 is 01:00, 30m + Jan 2 is 00:30.
  assert.deepEqual(rows.map((r) => [r.x, r.y, iso(r.z), iso(r.w)]), [
    [true, false, "2024-01-01T01:00:00.000Z", "2024-01-01T02:00:00.000Z"],
    [false, true, "2024-01-02T00:30:00.000Z", "2024-01-01T02:00:00.000Z"],
  ]);
});

Deno.test("mutation/binary: a long past 2^53 stays exact (2^53 + 1)", async () => {
  const [r] = await records(
    "print a = tostring(9007199254740992 + 1), b = tostring(9007199254740993 - 2)",
  );
  assert.deepEqual(r, { a: "9007199254740993", b: "9007199254740991" });
  // Two exact operands whose sum or product is past 2^53 (JS would round it to an even number).
  const [q] = await records(
    "print a = tostring(9007199254740991 + 2), b = tostring(3 * 3002399751580331)",
  );
  assert.deepEqual(q, { a: "9007199254740993", b: "9007199254740993" });
});

Deno.test("mutation/binary: numbers in dynamic values compute with each other", async () => {
  const [r] = await records(`print
    s = dynamic(2) + dynamic(3), d = dynamic(5) - dynamic(3), p = dynamic(5) * dynamic(3),
    m = dynamic(7) % dynamic(4), t = dynamic("a") + dynamic(1)`);
  // Dynamic results come back as JSON text.
  assert.deepEqual(r, { s: "5", d: "2", p: "15", m: "3", t: null });
  // A dynamic meeting a timespan is read as one (Kusto.Language: timespan - dynamic is a
  // timespan): 2h - 1h, 1h - 30m, 2h + 30m.
  const [t] = await records(`print a = 2h - dynamic("01:00:00"),
    b = dynamic("01:00:00") - 30m, c = 2h + dynamic("00:30:00")`);
  assert.deepEqual(t, { a: HOUR, b: 0.5 * HOUR, c: 2.5 * HOUR });
});

Deno.test("mutation/binary: a null dynamic value compares as null: no row passes a filter on it", async () => {
  const q = `datatable(d: dynamic) [dynamic(null), dynamic(3), dynamic(7)]`;
  // By hand: only 3 < 5; null < 5 is null, which a filter drops (in JS, null < 5 is true).
  assert.deepEqual(await column(`${q} | where d < 5`, "d"), ["3"]);
  assert.deepEqual(await column(`${q} | where d >= 5`, "d"), ["7"]);
  assert.deepEqual(await column(`${q} | extend lt = d < 5`, "lt"), [null, true, false]);
});

Deno.test("mutation/binary: has_any and has_all take a dynamic array literal as its elements", async () => {
  // Kusto's has_any takes "a list of comma-separated scalar expressions, or a dynamic array";
  // hunting rules write has_any (dynamic(["-enc", ...])). Found when listValues was mutated:
  // the array was one term "world,xyz" and matched nothing; a null matched the text "null".
  const d = `datatable(a: string) ["hello world", "xyz abc", "Null value", "other"]`;
  const hits = (q: string) => column(`${d} | where ${q}`, "a");
  assert.deepEqual(await hits(`a has_any (dynamic(["world", "xyz"]))`), ["hello world", "xyz abc"]);
  assert.deepEqual(await hits(`a has_any ("world", dynamic(["other"]))`), ["hello world", "other"]);
  assert.deepEqual(await hits(`a has_all (dynamic(["hello", "world"]))`), ["hello world"]);
  assert.deepEqual(await hits(`a !has_any (dynamic(["world", "xyz"]))`), ["Null value", "other"]);
  assert.deepEqual(await hits(`a has_any (dynamic(null))`), []);
  // Any of no terms: none is there, so every row lacks them all.
  assert.deepEqual(await hits(`a has_any (dynamic([]))`), []);
  assert.equal((await hits(`a !has_any (dynamic([]))`)).length, 4);
  // Constants fold the same way, ignoring case as has does.
  const [r] = await records(
    `print a = "Hello World" has_any ("hello"), b = "Hello World" has_any ("ell")`,
  );
  assert.deepEqual(r, { a: true, b: false });
});

Deno.test("mutation/binary: has, contains and startswith with a column on each side", async () => {
  const d = `datatable(a: string, b: string) ["hello world", "world", "hello world", "xyz",
    "Hello", "hel", "x y", "X"]`;
  // By hand: "world" is a term of "hello world"; "xyz" is not; "hel" is a prefix of "Hello" but
  // not a term; "X" is a term of "x y" ignoring case, but not in it with case.
  assert.deepEqual(await column(`${d} | extend r = a has b`, "r"), [true, false, false, true]);
  assert.deepEqual(await column(`${d} | extend r = a !has b`, "r"), [false, true, true, false]);
  assert.deepEqual(await column(`${d} | extend r = a startswith b`, "r"), [
    false,
    false,
    true,
    true,
  ]);
  assert.deepEqual(await column(`${d} | extend r = a contains_cs b`, "r"), [
    true,
    false,
    false,
    false,
  ]); // With a constant on the right (a regex or a Polars string test, not row by row); the left
  // texts are "hello world", "hello world", "Hello", "x y".
  const constantCases: [string, boolean[]][] = [
    [`a startswith "HEL"`, [true, true, true, false]],
    [`a startswith_cs "hel"`, [true, true, false, false]],
    [`a !startswith "hel"`, [false, false, false, true]],
    [`a endswith "LD"`, [true, true, false, false]],
    [`a hasprefix "wor"`, [true, true, false, false]],
    [`a hassuffix "llo"`, [true, true, true, false]],
    [`a contains "O W"`, [true, true, false, false]],
  ];
  for (const [predicate, expected] of constantCases) {
    assert.deepEqual(await column(`${d} | extend r = ${predicate}`, "r"), expected, predicate);
  }
});

Deno.test("mutation/binary: an invalid regular expression is an error at its place in the query", async () => {
  const query = 'datatable(x: string) ["abc"] | where x matches regex "("';
  await assert.rejects(() => records(query), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, String(e));
    assert.match(e.message, /invalid regular expression "\("/);
    assert.equal(e.column, query.indexOf('"("') + 1);
    return true;
  });
});

Deno.test("mutation/binary: through the command line, an analyst's division and modulo", async () => {
  const run = await runCasefile([
    "query",
    "print q = -7 / 2, m = -14 % 12, h = 1h / 2",
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const [header, row] = run.stdout.trim().split("\n");
  assert.equal(header, "q,m,h");
  assert.equal(row, "-3,10,00:30:00");
});
