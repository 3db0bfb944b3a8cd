/**
 * Planted bugs the suite let through (issue 23), KQL string functions: each test checks a
 * boundary a hunter relies on, with the expected value counted by hand from Kusto's
 * documented semantics.
 */
import assert from "node:assert/strict";
import { runKql } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";

// indexof(source, lookup, start, length): `length` is the number of character positions
// examined from `start`, so a match may start at start .. start + length - 1 (Kusto docs:
// indexof("abcdefg","cde",1,2) is 2: positions 1 and 2 are examined).
Deno.test("indexof() examines exactly `length` positions: a match one past them is -1", async () => {
  const row = (await runKql(`print
    lastfit = indexof("abcdefg", "cde", 2, 1),
    past = indexof("abcdefg", "cde", 1, 1)`)).toRecords()[0];
  // "abcdefg": "cde" starts at 2. From 2 with 1 position: 2 is examined, found.
  // From 1 with 1 position: only 1 is examined, not found.
  assert.equal(row.lastfit, 2);
  assert.equal(row.past, -1);
});

Deno.test("indexof() over a column: the match at start + length is outside the window", async () => {
  const rows = (await runKql(`datatable(s: string) ["abcdefg", "cdeabcd"]
    | extend two = indexof(s, "cde", 0, 2), three = indexof(s, "cde", 0, 3)`)).toRecords();
  // "abcdefg": cde at 2; positions 0,1 examined → -1; positions 0,1,2 → 2.
  // "cdeabcd": cde at 0, inside both windows.
  assert.deepEqual(rows.map((r) => [r.two, r.three]), [[-1, 2], [0, 0]]);
});

Deno.test("casefile query: indexof() with a one-position window finds only a match at the start", async () => {
  // An analyst looks for "203." in the first three characters of an address: found only
  // at position 0; "1203." would put it at 1, outside a window of one position.
  const kql = `print a = "203.0.113.45", b = "1203.0.113.45"
    | project inA = indexof(a, "203.", 0, 1), inB = indexof(b, "203.", 0, 1),
        inB2 = indexof(b, "203.", 0, 2)`;
  const run = await runCasefile(["query", kql, "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), [{ inA: 0, inB: -1, inB2: 1 }]);
});
