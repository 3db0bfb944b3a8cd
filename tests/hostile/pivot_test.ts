/**
 * `evaluate pivot` is built in Polars (issue 18: built in JavaScript, SecurityEvent's
 * 202,743 groups × 226 key columns took 35 s): rows and value columns in the order they
 * first appear, a missing cell 0 for counts and sums and null otherwise (as Kusto documents
 * pivot), the key columns first. Through `casefile query`, values worked out by hand.
 */
import assert from "node:assert/strict";
import { runCasefile } from "../_helpers.ts";

const DATA = "datatable(k: string, v: string, n: long) " +
  "['b', 'y', 1, 'a', 'x', 2, 'b', 'x', 3, 'a', 'x', 4, 'c', 'z', 5]";

async function query(kql: string): Promise<unknown> {
  const run = await runCasefile(["query", kql, "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

Deno.test("casefile query: pivot by hand, sums filled with 0, maxima with null, in first-seen order", async () => {
  // Keys in order b, a, c; values y, x, z. b: y 1, x 3; a: x 2+4; c: z 5.
  assert.deepEqual(await query(`${DATA} | evaluate pivot(v, sum(n), k)`), [
    { k: "b", y: 1, x: 3, z: 0 },
    { k: "a", y: 0, x: 6, z: 0 },
    { k: "c", y: 0, x: 0, z: 5 },
  ]);
  assert.deepEqual(await query(`${DATA} | evaluate pivot(v, max(n), k)`), [
    { k: "b", y: 1, x: 3, z: null },
    { k: "a", y: null, x: 4, z: null },
    { k: "c", y: null, x: null, z: 5 },
  ]);
  // Every other column a key (k and n): count() per (k, n) row, five rows of one cell each.
  assert.deepEqual(await query(`${DATA} | evaluate pivot(v)`), [
    { k: "b", n: 1, y: 1, x: 0, z: 0 },
    { k: "a", n: 2, y: 0, x: 1, z: 0 },
    { k: "b", n: 3, y: 0, x: 1, z: 0 },
    { k: "a", n: 4, y: 0, x: 1, z: 0 },
    { k: "c", n: 5, y: 0, x: 0, z: 1 },
  ]);
});

Deno.test("casefile query: pivot of SecurityEvent's EventID over all its other columns keeps its rows", async () => {
  // ANSWERS.md-independent: a pivot makes one row per distinct rest-of-row, and each row's
  // cells sum to the events it stands for: the table's rows.
  const [{ Rows }] = await query("SecurityEvent | count | project Rows = Count") as [
    { Rows: number },
  ];
  const [{ Cells }] = await query(
    "SecurityEvent | where EventID in (4624, 4625) | evaluate pivot(EventID) " +
      "| summarize Cells = sum(['4624']) + sum(['4625'])",
  ) as [{ Cells: number }];
  const [{ Logons }] = await query(
    "SecurityEvent | where EventID in (4624, 4625) | count | project Logons = Count",
  ) as [{ Logons: number }];
  assert.equal(Cells, Logons);
  assert.ok(Logons > 0 && Logons <= Rows);
});
