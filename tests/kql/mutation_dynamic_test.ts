/**
 * Dynamic-value functions where `deno task mutate src/kql/functions/_dynamic.ts` found bugs the
 * other tests let through (issue 23). Expected values by hand from Kusto's function pages:
 * - array_rotate_left(arr, n): rotating a one-element array leaves it as it is; the count is
 *   an integer (text is refused).
 * - array_index_of(arr, value[, start[, length[, occurrence]]]): `length` -1 means to the end;
 *   the array and the value are both required; a timespan matches an element holding it.
 * - array_split(arr, indices) needs an array: a string is refused when the query is checked.
 * - zip() takes 2 to 16 arrays; range() takes 2 or 3 arguments; bag_merge() 2 to 64 bags.
 * - pack_all([ignore_null_empty]) takes a bool.
 * - bag_has_key(bag, key): the key may be a JSONPath with `['a']` or `["a"]` steps; a path
 *   with an array index names no key (false).
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";

/** Column `r` of `query` as text (dynamic values as their JSON). */
async function r(query: string): Promise<unknown[]> {
  const { frame } = await executeKql(query);
  return frame.getColumn("r").toArray().map((v) => typeof v === "bigint" ? Number(v) : v);
}

async function refused(query: string, message: RegExp): Promise<void> {
  await assert.rejects(executeKql(query), (error: Error) => {
    assert.ok(error instanceof KqlSemanticError, `${error.name}: ${error.message}`);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("mutation/dynamic: array_rotate_left() of one element, and a count that is text", async () => {
  assert.deepEqual(
    await r(
      "datatable(a: dynamic) [dynamic([5]), dynamic([1, 2, 3])] " +
        "| extend r = tostring(array_rotate_left(a, 4))",
    ),
    ["[5]", "[2,3,1]"],
  );
  await refused('print r = array_rotate_left(dynamic([1, 2]), "2")', /array_rotate_left/);
});

Deno.test("mutation/dynamic: array_index_of() with length -1, a timespan, and too few arguments", async () => {
  // 3 is at index 2; with start 1 and length -1 (to the end) it is found, with length 1 not.
  assert.deepEqual(
    await r(
      "datatable(len: long) [-1, 1, 2] " +
        "| extend r = array_index_of(dynamic([1, 2, 3]), 3, 1, len)",
    ),
    [2, -1, 2],
  );
  assert.deepEqual(await r("print r = array_index_of(pack_array(1h, 2h, 3h), 2h)"), [1]);
  await refused("print r = array_index_of(dynamic([1]))", /array_index_of/);
});

Deno.test("mutation/dynamic: array_split() refuses text; zip() takes 16 arrays, range() 3 arguments", async () => {
  await refused('print r = array_split("a,b", 1)', /array_split/);
  const sixteen = Array.from({ length: 16 }, (_, i) => `dynamic([${i}])`).join(", ");
  assert.deepEqual(await r(`print r = tostring(zip(${sixteen}))`), [
    `[[${Array.from({ length: 16 }, (_, i) => i).join(",")}]]`,
  ]);
  await refused(`print r = zip(${sixteen}, dynamic([16]))`, /zip/);
  await refused("print r = range(1, 5, 1, 1)", /range/);
});

Deno.test("mutation/dynamic: bag_merge() of 64 bags, pack_all() of a bool only", async () => {
  const bags = Array.from({ length: 64 }, (_, i) => `dynamic({"k${i}": ${i}})`).join(", ");
  assert.deepEqual(await r(`print r = array_length(bag_keys(bag_merge(${bags})))`), [64]);
  await refused(`print r = bag_merge(${bags}, dynamic({"k64": 64}))`, /bag_merge/);
  assert.deepEqual(
    await r('datatable(a: string, b: long) ["", 1] | extend r = tostring(pack_all(true))'),
    ['{"b":1}'],
  );
  await refused('datatable(a: string) ["x"] | extend r = pack_all("yes")', /pack_all/);
});

Deno.test("mutation/dynamic: bag_has_key() with quoted JSONPath steps and an array index", async () => {
  assert.deepEqual(
    await r(
      `datatable(k: string) ["$['a']['b']", '$["a"]["b"]', "$.a.b", "$['a']['c']", "$[0]"] ` +
        `| extend r = bag_has_key(dynamic({"a": {"b": 1}}), k)`,
    ),
    [true, true, true, false, false],
  );
});

Deno.test("mutation/dynamic: casefile query shows them as a person reads them", async () => {
  const run = await runCasefile([
    "query",
    "print a = tostring(array_rotate_left(dynamic([5]), 4)), " +
    "i = array_index_of(dynamic([1, 2, 3]), 3, 1, -1)",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "a,i\n[5],2\n");
});
