/**
 * The memory check of a native `mv-expand` under a lowered memory limit counts the rows the
 * expansion makes, not the parts of its split: under a `limit` of 16 or less, an array's
 * first elements only are split apart, and an array shorter than the limit leaves empty
 * parts that are no element (they once counted as rows: a query that fits failed).
 */
import assert from "node:assert/strict";
import { route, rows } from "./_dynamic_native.ts";

// 100 mixed arrays of 2 elements: 200 rows under any limit of 2 or more.
const TEXTS = Array.from({ length: 100 }, (_, i) => `[${i},"a"]`);

Deno.test("a short mixed array under limit 16 counts its elements against the memory limit", async () => {
  const query = (bytes: number, tail = "count") =>
    `set maxmemoryconsumptionperiterator = ${bytes};\nE | mv-expand F limit 16 | ${tail}`;
  assert.equal(await route(TEXTS, query(1_000_000)), "native");
  // 200 rows of a long (8 bytes) and a dynamic value (16): 4,800 bytes, not 1,600 rows' 38,400.
  assert.deepEqual(await rows(TEXTS, query(4_800)), [{ Count: 200 }]);
  assert.deepEqual(await rows(TEXTS, query(4_800), false), [{ Count: 200 }]);
  await assert.rejects(() => rows(TEXTS, query(4_799)), /mv-expand would make 200 rows/);
  // The same through mv-apply's take.
  // (With its row number: 32 bytes a row.)
  const apply = "set maxmemoryconsumptionperiterator = 6400;\n" +
    "E | mv-apply F on (take 16) | count";
  assert.deepEqual(await rows(TEXTS, apply), [{ Count: 200 }]);
});
