/**
 * `make_list`, `make_set` and `make_list_if` of an `mv-expand`ed column collect each
 * element as the value it is: a number stays a number, a bag a bag. The expansion of element
 * texts (bags, mixed arrays) writes `tostring()` of each element beside it for later reads;
 * that text is no string to collect (it once made `[1,2,3]` into `["1","2","3"]`). Expected
 * values are written by hand, and each equals the exact JavaScript reading's.
 */
import assert from "node:assert/strict";
import { route, rows } from "./_dynamic_native.ts";

// (No array inside an array: `make_list` adds an array's elements, not the array.)
const TEXTS = [`[1,2,3]`, `[4,"a",true,null]`, `[{"b":1,"a":2},2.5]`, `{"k":"v","n":6}`];

/** Each row's collected list, by Id. */
async function collected(query: string, native = true): Promise<Record<number, string>> {
  const out: Record<number, string> = {};
  for (const r of await rows(TEXTS, query, native)) out[Number(r.Id)] = String(r.L);
  return out;
}

Deno.test("make_list/make_set of expanded mixed arrays and bags keep each element's kind", async () => {
  const expected = {
    1: `[1,2,3]`,
    2: `[4,"a",true]`,
    3: `[{"b":1,"a":2},2.5]`,
    4: `[{"k":"v"},{"n":6}]`,
  };
  for (const aggregate of ["make_list(F)", "make_set(F)", "make_list_if(F, true)"]) {
    const query = `E | mv-expand F | summarize L = ${aggregate} by Id`;
    assert.equal(await route(TEXTS, query), "native", query);
    assert.deepEqual(await collected(query), expected, query);
    assert.deepEqual(await collected(query, false), expected, `${query} (exact)`);
  }
});

Deno.test("make_list of an expanded array of strings still collects the strings", async () => {
  const texts = [`["x","y"]`, `["z"]`];
  const query = "E | mv-expand F | summarize L = make_list(F) by Id";
  const got = await rows(texts, query);
  assert.deepEqual(
    Object.fromEntries(got.map((r) => [Number(r.Id), String(r.L)])),
    { 1: `["x","y"]`, 2: `["z"]` },
  );
  // tostring() of the elements, read from the text written beside them.
  const strings = await rows(TEXTS, "E | mv-expand F | summarize S = make_list(tostring(F)) by Id");
  assert.equal(strings.find((r) => r.Id === 2)?.S, `["4","a","true",""]`);
});
