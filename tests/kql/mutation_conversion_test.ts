/**
 * Kusto's conversions (src/kql/compile/_conversion.ts) on columns (computed row by row or by
 * Polars casts) and on constants (folded in JavaScript). Values are the Kusto documentation's
 * (toint("123") == 123, toint(2.3) is 2, tobool("true"), tobool(123) is true, a failed
 * conversion is null); result types are Kusto.Language's (its binder, bundled as
 * `@kusto/language-service-next`). Found by `deno task mutate` (issue 23).
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { bindKql } from "./_kusto_binder.ts";
import { runCasefile } from "../_helpers.ts";

const NOW = new Date("2026-03-16T00:00:00Z");

const SCHEMA = "(s:string, r:real, n:long, i:int, b:bool, m:decimal)";
const T = `datatable(s: string, r: real, n: long, i: int, b: bool, m: decimal) [
  "123", 2.3, 123, 1, true, 1.5,
  "abc", -2.7, 0, 2, false, 2.5,
  " 42 ", 1.5, 7, 3, true, 0.5]`;

async function run(query: string) {
  const result = await executeKql(query, { tables: {}, now: NOW });
  return {
    columns: result.schema.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: result.frame.toRecords(),
  };
}

Deno.test("mutation/conversion: arithmetic widens as Kusto.Language types it", async () => {
  const exprs = {
    intInt: "i + i",
    intLong: "i + n",
    longInt: "n * i",
    intReal: "i + r",
    realLong: "r - n",
    decimalLong: "m + n",
    longDecimal: "n + m",
    decimalReal: "m * r",
    boolLong: "toint(b) + n",
    // Functions over several numbers widen the same way.
    maxIntLong: "max_of(i, n)",
    minLongInt: "min_of(n, i)",
    maxIntInt: "max_of(i, i)",
    coalesceIntLong: "coalesce(i, n)",
  };
  const extend = Object.entries(exprs).map(([k, e]) => `${k} = ${e}`).join(", ");
  const query = `T | project ${extend}`;
  const expected = bindKql(query, { T: SCHEMA }).columns;
  assert.deepEqual(bindKql(query, { T: SCHEMA }).errors, []);
  const ours = await run(`${T} | project ${extend}`);
  assert.deepEqual(ours.columns, expected);
  // By hand, first row: 1+1, 1+123, 123*1, 1+2.3, 2.3-123, 1.5+123, 123+1.5, 1.5*2.3, 1+123.
  const first = ours.rows[0];
  assert.deepEqual(
    [first.intInt, first.intLong, first.longInt, first.realLong, first.boolLong],
    [2, 124, 123, 2.3 - 123, 124],
  );
  assert.ok(Math.abs((first.intReal as number) - 3.3) < 1e-12);
  assert.ok(Math.abs((first.decimalReal as number) - 3.45) < 1e-12);
  assert.equal(first.decimalLong, 124.5);
});

Deno.test("mutation/conversion: to*() of text columns: numbers read, others null", async () => {
  const out = await run(`${T} | project a = toint(s), b = tolong(s), c = toreal(s)`);
  assert.deepEqual(out.rows, [
    { a: 123, b: 123, c: 123 },
    { a: null, b: null, c: null },
    { a: 42, b: 42, c: 42 },
  ]);
  const flags = await run(`datatable(s: string) ["true", "false", "TRUE", "maybe"]
    | project v = tobool(s)`);
  assert.deepEqual(flags.rows.map((r) => r.v), [true, false, true, null]);
});

Deno.test("mutation/conversion: reals truncate toward zero; numbers and bools convert both ways", async () => {
  const out = await run(
    `${T} | project a = toint(r), b = tolong(r), c = tobool(n), d = toreal(b), e = tolong(b)`,
  );
  assert.deepEqual(out.rows, [
    { a: 2, b: 2, c: true, d: 1, e: 1 },
    { a: -2, b: -2, c: false, d: 0, e: 0 },
    { a: 1, b: 1, c: true, d: 1, e: 1 },
  ]);
  const [c] = (await run(`print a = toint("123") == 123, b = toint(2.3), c = tobool("true"),
    d = tobool("false"), e = tobool(1), f = tobool(123), g = toreal("abc"), h = tolong(""),
    j = toint(-2.7), k = tolong(2.7)`)).rows;
  // "If the input includes a decimal value, the result truncates to only the integer portion."
  assert.deepEqual(c, {
    a: true,
    b: 2,
    c: true,
    d: false,
    e: true,
    f: true,
    g: null,
    h: null,
    j: -2,
    k: 2,
  });
});

Deno.test("mutation/conversion: a literal takes the other side's type in ==", async () => {
  const rows = async (where: string) => (await run(`${T} | where ${where}`)).rows.map((r) => r.n);
  assert.deepEqual(await rows(`n == "123"`), [123]);
  assert.deepEqual(await rows(`"7" == n`), [7]);
  assert.deepEqual(await rows(`s == 123`), [123]);
  assert.deepEqual(await rows(`b == 1`), [123, 7]);
  assert.deepEqual(await rows(`0 == b`), [0]);
  assert.deepEqual(await rows(`b > 0`), [123, 7]);
  assert.deepEqual(await rows(`1 <= b`), [123, 7]);
});

Deno.test("mutation/conversion: == reads a literal as a number, text as a datetime, dynamic as is", async () => {
  const out = await run(`datatable(n: long, d: dynamic, s: string, t: datetime) [
    7, dynamic(7), "2024-01-01", datetime(2024-01-01),
    8, dynamic(9), "x", datetime(2024-01-02)]
    | project a = n == "07", b = "07" == n, c = n == d, e = d == n, f = s == t, g = t == s`);
  // "07" read as the number 7 (as text it would differ from "7"); dynamic 7 is 7; the text
  // "2024-01-01" is that day; "x" is no datetime, so the comparison is null.
  assert.deepEqual(out.rows, [
    { a: true, b: true, c: true, e: true, f: true, g: true },
    { a: false, b: false, c: false, e: false, f: null, g: null },
  ]);
});

Deno.test("mutation/conversion: tostring() of columns writes values as Kusto does", async () => {
  const out = await run(`datatable(r: real, t: datetime, b: bool, n: long, d: dynamic) [
    1.0, datetime(2015-12-31 23:59:59.9), true, 123, dynamic(2)]
    | project a = tostring(r), c = tostring(t), e = tostring(b), f = tostring(n), g = d + 1`);
  // Kusto: a real without a fraction has none; datetimes are ISO 8601 with 7 digits.
  assert.deepEqual(out.rows, [
    { a: "1", c: "2015-12-31T23:59:59.9000000Z", e: "true", f: "123", g: 3 },
  ]);
});

Deno.test("mutation/conversion: a filter needs a bool; a dynamic bool is read as one", async () => {
  await assert.rejects(() => run("print x = 1 | where x"), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, String(e));
    assert.match(e.message, /expected a bool value, but this is long/);
    assert.equal(e.column, "print x = 1 | where x".lastIndexOf("x") + 1);
    return true;
  });
  const out = await run(`datatable(d: dynamic) [dynamic(true), dynamic(false), dynamic(null)]
    | where d`);
  assert.deepEqual(out.rows, [{ d: "true" }]);
});

Deno.test("mutation/conversion: through the command line, text read as numbers", async () => {
  const run = await runCasefile([
    "query",
    `print a = toint("123") + 1, b = toint(2.3), c = tobool("false")`,
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), "a,b,c\n124,2,false");
});
