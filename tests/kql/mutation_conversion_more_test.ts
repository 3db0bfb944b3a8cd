/**
 * Text read as an integer (src/kql/compile/_conversion.ts `convertJs`): Kusto reads only
 * integer syntax, so `tolong("5.7")` and `tolong("1e3")` are null where `todouble()` reads
 * them, and `toint()` of text past the 32-bit range is null. Expected values are those measured
 * on Microsoft's Kusto emulator and published with the duckdb_kql project's conversion tests
 * (`toint("123") == 123` is also the Kusto documentation's example; an int result that is not
 * an integer, such as `toint("inf")`, has no value but null). Found by `deno task mutate`
 * (issue 23): a survivor let `toint("2.5")` fall through to the real conversion.
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";

async function rows(query: string) {
  return (await executeKql(query, { tables: {} })).frame.toRecords();
}

const TEXTS = ["5.7", "1e3", " 7 ", "-3", "0x10", "1,000", "+4", "", "9999999999", "nan", "inf"];

Deno.test("mutation/conversion: text converts to a long or int only in integer syntax", async () => {
  const list = TEXTS.map((t) => `"${t}"`).join(", ");
  const out = await rows(
    `datatable(s: string) [${list}] | project l = tolong(s), i = toint(s), d = todouble(s)`,
  );
  // Measured on the Kusto emulator (nan and inf: not integers, so null).
  assert.deepEqual(out.map((r) => r.l), [
    null,
    null,
    7,
    -3,
    16,
    null,
    4,
    null,
    9999999999,
    null,
    null,
  ]);
  assert.deepEqual(out.map((r) => r.i), [null, null, 7, -3, 16, null, 4, null, null, null, null]);
  // todouble() still reads what tolong() refuses; empty text is null, not a number.
  const reals = out.map((r) => r.d);
  assert.deepEqual([...reals.slice(0, 4), ...reals.slice(5, 9)], [
    5.7,
    1000,
    7,
    -3,
    null,
    4,
    null,
    9999999999,
  ]);
});

Deno.test("mutation/conversion: folded constants read text as integers as columns do", async () => {
  const [r] = await rows(
    `print a = toint("5.7"), b = tolong("1e3"), c = tolong(" 7 "), d = toint("9999999999"),
      e = tolong("9999999999"), f = toint("inf"), g = tolong("-3")`,
  );
  assert.deepEqual(r, { a: null, b: null, c: 7, d: null, e: 9999999999, f: null, g: -3 });
});

Deno.test("mutation/conversion: a dynamic value converts as what it holds", async () => {
  const out = await rows(
    `datatable(d: dynamic) [dynamic(5.7), dynamic("5.7"), dynamic(" 7 "), dynamic(true)]
      | project l = tolong(d)`,
  );
  // Kusto emulator: a number truncates, text must be integer syntax, a bool is 0/1.
  assert.deepEqual(out.map((r) => r.l), [5, null, 7, 1]);
});

Deno.test("mutation/conversion: through the command line, tolong() of a fraction is empty", async () => {
  const run = await runCasefile([
    "query",
    `print a = tolong("5.7"), b = tolong("42"), c = toint("2.5")`,
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), "a,b,c\n,42,");
});

Deno.test("mutation/conversion: a literal on the left adapts to the column on the right", async () => {
  // As `EventID == "4625"` compares numbers, so does `"4625" == EventID`.
  const out = await rows(`datatable(n: long) [4625, 4624, 7] | where "4625" == n`);
  assert.deepEqual(out, [{ n: 4625 }]);
  const flags = await rows(`datatable(b: bool, k: long) [true, 1, false, 2] | where 0 == b`);
  assert.deepEqual(flags, [{ b: false, k: 2 }]);
});

Deno.test("mutation/conversion: gettype() of dynamic values is their JSON's type", async () => {
  // The Kusto documentation's gettype() examples (parsed text), and the same values written
  // as dynamic literals (measured on the Kusto emulator: array, dictionary).
  const [r] = await rows(
    `print a = gettype(parse_json(' {"abc":1} ')), b = gettype(parse_json(' [1, 2, 3] ')),
      c = gettype(dynamic({"abc": 1})), d = gettype(dynamic([1, 2, 3]))`,
  );
  assert.deepEqual(r, { a: "dictionary", b: "array", c: "dictionary", d: "array" });
  const column = await rows(
    `datatable(d: dynamic) [dynamic([1, 2, 3]), dynamic({"abc": 1})] | project t = gettype(d)`,
  );
  assert.deepEqual(column.map((x) => x.t), ["array", "dictionary"]);
});

Deno.test("mutation/conversion: todecimal() reads text as the documentation shows", async () => {
  // Kusto documentation: todecimal("123.45678") == decimal(123.45678).
  const [r] = await rows(`print a = todecimal("123.45678") == decimal(123.45678)`);
  assert.equal(r.a, true);
  const out = await rows(
    `datatable(s: string) ["123.45678", "abc"] | project d = todecimal(s) == decimal(123.45678)`,
  );
  assert.deepEqual(out.map((x) => x.d), [true, null]);
});

Deno.test("mutation/conversion: a number never equals text that is not a number", async () => {
  // No long is "abc": no row, and no error (the literal stays text and compares as text).
  const out = await rows(`datatable(n: long) [1, 2] | where n == "abc" or "abc" == n`);
  assert.deepEqual(out, []);
  const [r] = await rows(`print a = 1 == "abc", b = "abc" == 1`);
  assert.deepEqual(r, { a: false, b: false });
});
