/**
 * An operator whose outputs are all constants or scalars keeps its input's row count, as
 * Kusto evaluates a scalar expression once per row (issue 16: `range x from 1 to 3 step 1
 * | project s = 'a'` gave one row). Expected rows are hand-counted from Kusto's semantics:
 * `project`/`extend` keep every row, `summarize ... by` a constant makes one group that
 * counts every row, and nothing over an empty table.
 */
import assert from "node:assert/strict";
import { runKql } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";

const THREE = "range x from 1 to 3 step 1";

async function rows(query: string): Promise<Record<string, unknown>[]> {
  const frame = await runKql(query);
  return frame.toRecords() as Record<string, unknown>[];
}

Deno.test("project of constants alone keeps every input row", async () => {
  assert.deepEqual(await rows(`${THREE} | project s = 'a'`), [{ s: "a" }, { s: "a" }, {
    s: "a",
  }]);
  assert.deepEqual(await rows(`${THREE} | project s = 1`), [{ s: 1 }, { s: 1 }, { s: 1 }]);
  assert.deepEqual(await rows(`datatable(a:long)[1, 2, 3] | project c = 1`), [
    { c: 1 },
    { c: 1 },
    { c: 1 },
  ]);
  // A scalar function of constants, and a scalar sub-query, are scalars too.
  assert.equal((await rows(`${THREE} | project s = strlen('abc')`)).length, 3);
  assert.equal((await rows(`${THREE} | project s = toscalar(print 5)`)).length, 3);
});

Deno.test("operators after a constant-only projection see every row", async () => {
  assert.deepEqual(await rows(`${THREE} | project s = 1 | extend t = 2`), [
    { s: 1, t: 2 },
    { s: 1, t: 2 },
    { s: 1, t: 2 },
  ]);
  assert.equal((await rows(`${THREE} | project s = 1 | sort by s`)).length, 3);
  assert.equal((await rows(`${THREE} | project s = 1 | top 2 by s`)).length, 2);
  assert.equal((await rows(`${THREE} | project s = 1 | project-reorder s`)).length, 3);
  assert.equal((await rows(`${THREE} | project s = 1 | project-rename d = s`)).length, 3);
  assert.deepEqual(await rows(`${THREE} | project s = 1 | serialize r = row_number()`), [
    { s: 1, r: 1 },
    { s: 1, r: 2 },
    { s: 1, r: 3 },
  ]);
});

Deno.test("summarize by a constant counts every row in one group", async () => {
  assert.deepEqual(await rows(`${THREE} | summarize n = count() by b = 1`), [{ b: 1, n: 3 }]);
  assert.deepEqual(await rows(`${THREE} | summarize s = sum(1)`), [{ s: 3 }]);
  assert.deepEqual(await rows(`${THREE} | summarize s = sum(2) by b = 'k'`), [{ b: "k", s: 6 }]);
});

Deno.test("a constant-only projection over an empty table has no rows", async () => {
  assert.deepEqual(await rows(`datatable(a:long)[] | project c = 1`), []);
  assert.deepEqual(await rows(`range x from 1 to 0 step 1 | project c = 'a'`), []);
  assert.deepEqual(await rows(`datatable(a:long)[] | summarize count() by b = 1`), []);
});

Deno.test("casefile query: a constant column over the demo case's alerts, one per alert", async () => {
  const run = await runCasefile([
    "query",
    "SecurityAlert | project Seen = 'yes'",
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { Seen: string }[];
  // fixtures/demo-case/manifest.json: SecurityAlert has 15 rows.
  assert.deepEqual(out, Array.from({ length: 15 }, () => ({ Seen: "yes" })));
});
