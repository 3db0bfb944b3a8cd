/**
 * The `kql` benchmark's check that the engine and the hand-written Polars plan computed the
 * same result (scripts/bench/_kql_checks.ts): the same rows in any order, reals to 12
 * significant digits, JSON texts compared as values; a proxy case compares only the shape.
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { checkedPair, resultDifference } from "../../scripts/bench/_kql_checks.ts";

const frame = (columns: Record<string, unknown[]>) => pl.DataFrame(columns);

Deno.test("bench result check: the same rows in another order are the same result", () => {
  const kql = frame({ K: ["a", "b", null], n: [1, 2, 3], r: [0.1 + 0.2, 1.5, 2] });
  const hand = frame({ K: [null, "b", "a"], n: [3, 2, 1], r: [2, 1.5, 0.3] });
  assert.equal(resultDifference(kql, hand, "rows"), undefined);
  // JSON texts written with other spacing hold the same values.
  const a = frame({ J: ['{"a":1,"b":[1,2]}'] });
  const b = frame({ J: ['{ "a": 1, "b": [1, 2] }'] });
  assert.equal(resultDifference(a, b, "rows"), undefined);
});

Deno.test("bench result check: a wrong value, row count or column is a difference", () => {
  const kql = frame({ K: ["a", "b"], n: [1, 2] });
  assert.match(
    resultDifference(kql, frame({ K: ["a", "b"], n: [1, 3] }), "rows") ?? "",
    /row 1/,
  );
  assert.match(
    resultDifference(kql, frame({ K: ["a", "b", "c"], n: [1, 2, 3] }), "rows") ?? "",
    /2 rows vs 3/,
  );
  assert.match(
    resultDifference(kql, frame({ n: [1, 2], K: ["a", "b"] }), "rows") ?? "",
    /columns \[K, n\] vs \[n, K\]/,
  );
  // An empty string is not a null (tostring(null) is "").
  assert.notEqual(
    resultDifference(frame({ K: [""] }), frame({ K: [null as string | null] }), "rows"),
    undefined,
  );
  // A real that differs past 12 digits is the same; before, it is not.
  assert.equal(
    resultDifference(frame({ r: [1 / 3] }), frame({ r: [0.333333333333334] }), "rows"),
    undefined,
  );
  assert.notEqual(
    resultDifference(frame({ r: [1 / 3] }), frame({ r: [0.3334] }), "rows"),
    undefined,
  );
  // A proxy case: only the shape.
  assert.equal(resultDifference(kql, frame({ K: ["x", "y"], n: [5, 6] }), "shape"), undefined);
});

Deno.test("bench result check: the pair compares its first results once, in either order", async () => {
  let runs = 0;
  const pair = checkedPair(
    "rows",
    () => Promise.resolve(frame({ n: [runs++] })),
    () => frame({ n: [0] }),
  );
  assert.equal(pair.difference(), "the results were never compared");
  await pair.kql();
  pair.hand();
  // Later runs (which differ here) are not compared: only the first pair.
  await pair.kql();
  pair.hand();
  assert.equal(pair.difference(), undefined);
  const wrong = checkedPair(
    "rows",
    () => Promise.resolve(frame({ n: [1] })),
    () => frame({ n: [2] }),
  );
  wrong.hand();
  await wrong.kql();
  assert.match(wrong.difference() ?? "", /row 0/);
});
