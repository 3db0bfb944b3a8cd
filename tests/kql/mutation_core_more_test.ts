/**
 * More of the logic and conversion functions (src/kql/functions/_core.ts), for the survivors of
 * a 30-mutant harness run (issue 23, M1). Expected values from the Kusto docs: `case()` gives its
 * else value when no predicate holds; `coalesce()` takes at most 64 arguments; `isempty()`'s table
 * (`parsejson("")` true, `parsejson("[]")` and `parsejson("{}")` false); `totimespan(value)` takes
 * one argument. Error texts are casefile's own, checked as a person reads them: which argument is
 * wrong.
 */
import assert from "node:assert/strict";
import { runCasefile } from "../_helpers.ts";
import { executeKql } from "../../src/kql/mod.ts";
import { failure, NOW, records } from "./_records.ts";

Deno.test("mutation/core: a non-bool predicate names its own argument (casefile query)", async () => {
  const run = await runCasefile(["query", 'print iff(1, "a", "b")', "--format", "json"]);
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stderr, /argument 1 of iff\(\) must be a bool, not long/);
  // case()'s second predicate is its third argument.
  const error = await failure('print case(true, "a", "x", "b", "c")');
  assert.match(error.message, /argument 3 of case\(\) must be a bool, not string/);
});

Deno.test("mutation/core: case() of constant predicates none of which holds gives the else value", async () => {
  const [c] = await records(
    'print a = case(1 > 2, "a", 2 > 3, "b", "c"), b = case(false, 1, false, 2, 3), ' +
      "g = gettype(case(false, 1, 2))",
  );
  assert.deepEqual(c, { a: "c", b: 3, g: "long" });
});

Deno.test("mutation/core: coalesce() takes 64 arguments, not 65 (the docs' maximum)", async () => {
  const args = (n: number) =>
    Array.from({ length: n }, (_, i) => (i === n - 1 ? "7" : "long(null)"));
  const [c] = await records(`print a = coalesce(${args(64).join(", ")})`);
  assert.deepEqual(c, { a: 7 });
  const error = await failure(`print a = coalesce(${args(65).join(", ")})`);
  assert.match(error.message, /coalesce\(\) takes/);
});

Deno.test("mutation/core: isempty() of a number column and of parsed JSON, as the docs' table", async () => {
  const numbers = await records(
    "datatable(n: long) [1, long(null), 0] | extend e = isempty(n), f = isnotempty(n)",
  );
  assert.deepEqual(numbers.map((r) => [r.e, r.f]), [[false, true], [true, false], [false, true]]);
  // The docs: isempty(parsejson("")) is true, of "[]" and "{}" false; on a column here.
  const parsed = await records(
    `datatable(s: string) ["", "[]", "{}", "x"] | extend e = isempty(parse_json(s))`,
  );
  assert.deepEqual(parsed.map((r) => r.e), [true, false, false, false]);
});

Deno.test("mutation/core: totimespan() takes one argument", async () => {
  for (const name of ["totimespan", "totime"]) {
    const error = await failure(`print ${name}("1d", 2)`);
    assert.match(error.message, new RegExp(`${name}\\(\\) takes 1 argument\\(s\\), not 2`));
  }
});

Deno.test("mutation/core: tolower() and toupper() on constants and columns (the docs' examples)", async () => {
  // The docs: tolower("Hello") == "hello", toupper("hello") == "HELLO".
  const [c] = await records('print a = tolower("Hello"), b = toupper("hello")');
  assert.deepEqual(c, { a: "hello", b: "HELLO" });
  const rows = await records(
    'datatable(s: string) ["Hello", "ÉCOLE", ""] | extend l = tolower(s), u = toupper(s)',
  );
  assert.deepEqual(rows.map((r) => [r.l, r.u]), [["hello", "HELLO"], ["école", "ÉCOLE"], ["", ""]]);
});

Deno.test("mutation/core: bin() of an int stays an int; a real packed into an array stays a real", async () => {
  // Kusto.Language's signature (BabyKusto's BinIntFunctionImpl): bin(int, int) is an int.
  // By hand: bin(5, 2) = 4, bin(-3, 2) = -4.
  const rows = await records(
    `datatable(n: int, x: real) [5, 2.0, -3, 0.5]
     | extend b = bin(n, 2), g = gettype(bin(n, 2)), t = gettype(pack_array(x)[0]),
         s = tostring(pack_array(x))`,
  );
  assert.deepEqual(rows.map((r) => [r.b, r.g, r.t, r.s]), [
    [4, "int", "real", "[2.0]"],
    [-4, "int", "real", "[0.5]"],
  ]);
  // An int is 32 bits in the frame too (what a Parquet export or a join on it sees).
  const result = await executeKql("datatable(n: int) [5, -3] | extend b = bin(n, 2)", {
    tables: {},
    now: NOW,
  });
  assert.equal(String(result.frame.getColumn("b").dtype), "DataType(Int32)");
});
