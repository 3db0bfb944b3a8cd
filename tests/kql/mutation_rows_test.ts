/**
 * The row operators `where`, `take`, `sort` and `distinct` (src/kql/compile/operators/_rows.ts),
 * for the survivors of a 30-mutant harness run (issue 23, M1). Expected values from the Kusto
 * docs ("sort operator": descending by default, nulls last when descending and first when
 * ascending; dynamic values cannot be sort keys; "take operator": a row count) and by hand.
 */
import assert from "node:assert/strict";
import { runCasefile } from "../_helpers.ts";
import { failure, records } from "./_records.ts";
import { Context } from "../../src/kql/compile/_context.ts";
import { compileQuery } from "../../src/kql/compile/_query.ts";
import { parseQuery } from "../../src/kql/syntax/_parser.ts";

Deno.test("mutation/rows: take of a negative count is an error placed on the count (casefile query)", async () => {
  const run = await runCasefile([
    "query",
    "range x from 1 to 5 step 1 | take -1",
    "--format",
    "json",
  ]);
  assert.equal(run.code, 1, run.stdout);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /expected a non-negative whole number/);
  // By hand: "range x from 1 to 5 step 1 | take " is 34 characters; -1 starts at column 35.
  assert.match(run.stderr, /\(line 1, column 35\)/);
  // take 0 is no row; take 2.7 keeps two (a whole number of rows).
  assert.deepEqual(await records("range x from 1 to 5 step 1 | take 0"), []);
  assert.equal((await records("range x from 1 to 5 step 1 | take 2.7")).length, 2);
});

Deno.test("mutation/rows: sorting by a dynamic value is refused with what to do", async () => {
  const error = await failure(
    "datatable(d: dynamic) [dynamic([2]), dynamic([1])] | sort by d",
  );
  assert.match(error.message, /cannot sort by a dynamic value; convert it first/);
  // Converted, it sorts (descending by default): "[2]" before "[1]".
  const rows = await records(
    "datatable(d: dynamic) [dynamic([1]), dynamic([2])] | sort by tostring(d) | project s = tostring(d)",
  );
  assert.deepEqual(rows, [{ s: "[2]" }, { s: "[1]" }]);
});

/** The Polars plan of `query` (the engine's compiled frame, not run). */
function plan(query: string): string {
  return compileQuery(parseQuery(query), new Context(query, new Map(), new Date())).frame
    .describePlan();
}

Deno.test("mutation/rows: an extended array filtered by where still expands natively, same rows", async () => {
  // issue 22: an array `extend` made is exploded by Polars after a filter too, in one lazy plan
  // that still holds the filter (not read into JavaScript first and parsed back from JSON text);
  // the rows are the ones by hand: b's two elements, then c's.
  const query = `datatable(k: string, s: string) ["a", "x", "b", "y", "c", "z"]
    | extend a = pack_array(s, k) | where k != "a" | mv-expand a | project k, a`;
  const described = plan(query);
  assert.match(described, /EXPLODE/i);
  assert.match(described, /FILTER \[\(col\("k"\)\) != \("a"\)\]/);
  assert.deepEqual(await records(query), [
    { k: "b", a: '"y"' },
    { k: "b", a: '"b"' },
    { k: "c", a: '"z"' },
    { k: "c", a: '"c"' },
  ]);
});

Deno.test("mutation/rows: distinct * keeps the rows in the order first seen, run after run", async () => {
  // A replayed session compares each step's rows by hash: the same query must give the same
  // order. By hand: x % 1000 over 1..3000 first meets 1, 2, ..., 999, then 0.
  const rows = await records("range x from 1 to 3000 step 1 | project k = x % 1000 | distinct *");
  const expected = [...Array.from({ length: 999 }, (_, i) => i + 1), 0];
  assert.deepEqual(rows.map((r) => r.k), expected);
  const named = await records("range x from 1 to 3000 step 1 | extend k = x % 1000 | distinct k");
  assert.deepEqual(named.map((r) => r.k), expected);
});

Deno.test("mutation/rows: a name given twice in distinct is refused, naming distinct", async () => {
  const error = await failure("range x from 1 to 3 step 1 | distinct x, x");
  assert.match(error.message, /the column 'x' is declared twice in one distinct/);
  assert.match(error.hint ?? "", /in the same distinct/);
});
