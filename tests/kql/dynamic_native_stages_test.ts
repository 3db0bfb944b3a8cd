/**
 * The engine reads dynamic values in stages (src/kql/run.ts `executeOn`): arrays of strings
 * first, without the element-text machinery bags and mixed arrays need; then with it; then
 * exactly. Arrays of strings, the common case, take the first plan (it was 1.6× slower over
 * 1M rows with the machinery always on); bags and mixed arrays reach the second, still native.
 * Expected rows by hand.
 */
import assert from "node:assert/strict";
import { compiled, route, rows } from "./_dynamic_native.ts";

const STRINGS = ['{"Tags":["a","b"]}', '{"Tags":["b"]}', null];
const MIXED = ['{"Tags":["a",1,{"k":2}]}', '{"Tags":["b"]}'];
const QUERY = "E | mv-expand T = F.Tags | summarize n = count() by tostring(T) | order by T asc";

Deno.test("arrays of strings: the first plan has no element texts and runs through", () => {
  const plan = compiled(STRINGS, QUERY, false).describeOptimizedPlan();
  assert.doesNotMatch(plan, /_texts/);
  compiled(STRINGS, QUERY, false).collectSync(); // no EXACT_JSON_NEEDED: the first stage answers
});

Deno.test("mixed arrays: the first plan stops, the second answers natively", async () => {
  assert.throws(() => compiled(MIXED, QUERY, false).collectSync(), /casefile-exact-json-needed/);
  assert.equal(route(MIXED, QUERY), "native");
  // By hand: "a", "1", '{"k":2}' from the first row, "b" from the second.
  assert.deepEqual(await rows(MIXED, QUERY), [
    { T: "1", n: 1 },
    { T: "a", n: 1 },
    { T: "b", n: 1 },
    { T: '{"k":2}', n: 1 },
  ]);
});

Deno.test("typed items (long, real, bool) read element texts in the first plan: no JavaScript", async () => {
  // Arrays of strings have no native long reading: before, the first plan expanded them in
  // JavaScript while planning (1.7 s over 1M rows); now it splits the texts in Polars.
  const typed = "E | mv-expand V = F.Tags to typeof(long) | summarize s = sum(V), n = count()";
  const plan = compiled(MIXED, typed, false);
  assert.match(plan.describeOptimizedPlan(), /EXPLODE/);
  // By hand: 1 is the only number; "a", {"k":2} and "b" are null as longs.
  assert.deepEqual(plan.collectSync().toRecords(), [{ s: 1, n: 4 }]);
  assert.deepEqual(await rows(MIXED, typed), [{ s: 1, n: 4 }]);
  assert.deepEqual(await rows(MIXED, typed, false), [{ s: 1, n: 4 }]);
});
