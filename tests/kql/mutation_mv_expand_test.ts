/**
 * `mv-expand` and `mv-apply` (src/kql/compile/operators/_mv_expand.ts), on the JavaScript path
 * (several items, bags, `with_itemindex`, `to typeof()`, `mv-apply`) and the native one (one
 * list of strings). Expected values are the Kusto docs' ("mv-expand operator": the legacy
 * `mvexpand` stops at 128 rows; a null expands to one null row, an empty array or bag to no
 * row; arrays expand in parallel with nulls for the missing; `to typeof()` casts, elements of
 * another kind become null; `with_itemindex` counts from 0. "mv-apply operator": the
 * `top 2 by element` example over `range x from 1 to 8`) or computed by hand. Found by
 * `deno task mutate src/kql/compile/operators/_mv_expand.ts` (issue 23).
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";
import { failure, NOW, records } from "./_records.ts";

Deno.test("mutation/mv-expand: the legacy mvexpand stops at 128 rows, mv-expand does not", async () => {
  const base = "range i from 1 to 1 step 1 | extend a = range(1, 200)";
  assert.deepEqual(await records(`${base} | mvexpand a | count`), [{ Count: 128 }]);
  assert.deepEqual(await records(`${base} | mv-expand a | count`), [{ Count: 200 }]);
  assert.deepEqual(await records(`${base} | mv-expand a limit 3 | count`), [{ Count: 3 }]);
});

Deno.test("mutation/mv-expand: arrays expand in parallel, with_itemindex counts from 0", async () => {
  const rows = await records(
    `datatable(k: string, a: dynamic, b: dynamic) [
       "r", dynamic([1, 2, 3]), dynamic(["p", "q"]),
       "s", dynamic(null), dynamic([])]
     | mv-expand with_itemindex = ix a, b`,
  );
  // By the docs: the longer array sets the count, the shorter gives nulls; a null makes one row.
  assert.deepEqual(rows, [
    { k: "r", a: "1", b: '"p"', ix: 0 },
    { k: "r", a: "2", b: '"q"', ix: 1 },
    { k: "r", a: "3", b: null, ix: 2 },
    { k: "s", a: null, b: null, ix: 0 },
  ]);
  // Without the index: no extra column.
  const plain = await records(
    `datatable(k: string, a: dynamic, b: dynamic) ["r", dynamic([1, 2]), dynamic(["p"])]
     | mv-expand a, b`,
  );
  assert.deepEqual(plain, [{ k: "r", a: "1", b: '"p"' }, { k: "r", a: "2", b: null }]);
});

Deno.test("mutation/mv-expand: an index name already taken gets a number appended", async () => {
  const rows = await records(
    `datatable(n: long, d: dynamic) [7, dynamic(["x", "y"])] | mv-expand with_itemindex = n d`,
  );
  assert.deepEqual(rows, [{ n: 7, d: '"x"', n1: 0 }, { n: 7, d: '"y"', n1: 1 }]);
});

Deno.test("mutation/mv-expand: null gives one row, empty arrays and bags none, a scalar itself", async () => {
  const rows = await records(
    `datatable(k: string, d: dynamic) [
       "r", dynamic(5), "s", dynamic(null), "t", dynamic([]), "u", dynamic({})]
     | mv-expand d`,
  );
  assert.deepEqual(rows, [{ k: "r", d: "5" }, { k: "s", d: null }]);
});

Deno.test("mutation/mv-expand: bags expand to one-entry bags, or [key, value] with kind=array", async () => {
  const q = `datatable(k: string, d: dynamic) ["r", dynamic({"a": 1, "b": "x"})]`;
  assert.deepEqual(await records(`${q} | mv-expand d`), [
    { k: "r", d: '{"a":1}' },
    { k: "r", d: '{"b":"x"}' },
  ]);
  assert.deepEqual(await records(`${q} | mv-expand kind=array d`), [
    { k: "r", d: '["a",1]' },
    { k: "r", d: '["b","x"]' },
  ]);
});

Deno.test("mutation/mv-expand: to typeof() casts, elements of another kind become null", async () => {
  const rows = await records(
    `print d = dynamic(["2026-01-02T03:04:05Z", "1.02:00:00", 7, "a", true])
     | mv-expand t = d to typeof(datetime), s = d to typeof(timespan), x = d to typeof(string),
         l = d to typeof(long), b = d to typeof(bool)
     | project t, s, x, l, b`,
  );
  // By hand: 1.02:00:00 is 26 hours = 93 600 000 000 µs; 7 written as text is "7".
  assert.deepEqual(rows.map((r) => (r.t as Date | null)?.toISOString() ?? null), [
    "2026-01-02T03:04:05.000Z",
    null,
    null,
    null,
    null,
  ]);
  assert.deepEqual(rows.map((r) => r.s), [null, 93_600_000_000, null, null, null]);
  assert.deepEqual(rows.map((r) => r.x), ["2026-01-02T03:04:05Z", "1.02:00:00", "7", "a", "true"]);
  assert.deepEqual(rows.map((r) => r.l), [null, null, 7, null, null]);
  assert.deepEqual(rows.map((r) => r.b), [null, null, null, null, true]);
});

Deno.test("mutation/mv-expand: to typeof(string) writes bags and arrays as their JSON text", async () => {
  const rows = await records(
    `print d = dynamic([{"a": 1}, [1, 2], "x"]) | mv-expand s = d to typeof(string) | project s`,
  );
  assert.deepEqual(rows.map((r) => r.s), ['{"a":1}', "[1,2]", "x"]);
});

Deno.test("mutation/mv-expand: a named expression adds a column, a column name replaces it", async () => {
  const added = await records(
    `datatable(k: string) ["r"] | mv-expand v = pack_array(1, 2) | project-reorder k, v`,
  );
  assert.deepEqual(added, [{ k: "r", v: "1" }, { k: "r", v: "2" }]);
  const result = await executeKql(
    `datatable(k: string, v: dynamic) ["r", dynamic([1, 2])] | mv-expand v to typeof(long)`,
    { tables: {}, now: NOW },
  );
  assert.deepEqual(result.frame.columns, ["k", "v"]);
  assert.deepEqual(result.frame.toRecords(), [{ k: "r", v: 1 }, { k: "r", v: 2 }]);
});

Deno.test("mutation/mv-expand: a bad row limit is a clear error", async () => {
  for (const limit of ["-1", '"a"']) {
    const error = await failure(`print d = dynamic([1, 2]) | mv-expand d limit ${limit}`);
    assert.match(error.message, /the row limit must be a constant, non-negative whole number/);
  }
});

Deno.test("mutation/mv-apply: the docs' top 2 by element, and its summarize", async () => {
  const data = `let _data = range x from 1 to 8 step 1
    | summarize l = make_list(x) by xMod2 = x % 2;`;
  const top = await records(
    `${data} _data | mv-apply element = l to typeof(long) on (top 2 by element)`,
  );
  assert.deepEqual(top.map((r) => [r.xMod2, r.element]), [[1, 7], [1, 5], [0, 8], [0, 6]]);
  const sums = await records(
    `${data} _data | mv-apply l to typeof(long) on (top 2 by l | summarize SumOfTop2 = sum(l))`,
  );
  // Docs: 7 + 5 = 12 and 8 + 6 = 14.
  assert.deepEqual(sums, [{ xMod2: 1, SumOfTop2: 12 }, { xMod2: 0, SumOfTop2: 14 }]);
});

Deno.test("mutation/mv-apply: where, take and count run per source row", async () => {
  const q = `datatable(k: string, d: dynamic) ["a", dynamic([5, 1, 3]), "b", dynamic([2, 9])]`;
  const where = await records(`${q} | mv-apply x = d to typeof(long) on (where x > 2)`);
  assert.deepEqual(where.map((r) => [r.k, r.x]), [["a", 5], ["a", 3], ["b", 9]]);
  const take = await records(`${q} | mv-apply x = d to typeof(long) on (take 1)`);
  assert.deepEqual(take.map((r) => [r.k, r.x]), [["a", 5], ["b", 2]]);
  const counted = await records(`${q} | mv-apply d on (count)`);
  assert.deepEqual(counted, [{ k: "a", Count: 3 }, { k: "b", Count: 2 }]);
  const error = await failure(`${q} | mv-apply x = d on (facet by x)`);
  assert.match(error.message, /The operator 'facet' inside mv-apply is not supported/);
});

Deno.test("mutation/mv-expand: casefile query expands a list the way the docs show", async () => {
  const run = await runCasefile([
    "query",
    `datatable(k: string, a: dynamic) ["r", dynamic([10, 20]), "s", dynamic([])]
     | mv-expand with_itemindex = i a to typeof(long)`,
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split("\n"), ["k,a,i", "r,10,0", "r,20,1"]);
});
