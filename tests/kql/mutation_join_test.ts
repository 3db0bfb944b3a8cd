/**
 * `join` of every kind and `lookup` (src/kql/compile/operators/_join.ts) over two small tables
 * whose results are worked out by hand from Kusto's documented join flavors: innerunique keeps
 * one left row per key, inner every pair, the outer kinds the unmatched rows of their outer
 * side (text read as "", Kusto having no null string), semi and anti joins the columns of their
 * own side; clashing right column names get the suffix 1; a long key meets an int key. Found by
 * `deno task mutate src/kql/compile/operators/_join.ts` (issue 23).
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";

const NOW = new Date("2026-03-16T00:00:00Z");

// Left: key 1 twice, 2 once, 3 (no match). Right (int keys): 1 once, 2 twice, 4 (no match).
const TABLES = `let L = datatable(k: long, a: string) [1, "a1", 1, "a1b", 2, "a2", 3, "a3"];
let R = datatable(k: int, b: string, a: string) [1, "b1", "x", 2, "b2", "y", 2, "b2b", "z",
  4, "b4", "w"];`;

async function run(query: string) {
  const result = await executeKql(`${TABLES}\n${query}`, { tables: {}, now: NOW });
  return {
    columns: result.schema.columns.map((c) => `${c.name}:${c.type}`),
    rows: result.frame.toRecords().map((r) => Object.values(r)),
  };
}

const JOINED = ["k:long", "a:string", "k1:int", "b:string", "a1:string"];

Deno.test("mutation/join: inner keeps every matching pair; innerunique one left row per key", async () => {
  const inner = await run("L | join kind=inner R on k");
  assert.deepEqual(inner.columns, JOINED);
  assert.deepEqual(inner.rows, [
    [1, "a1", 1, "b1", "x"],
    [1, "a1b", 1, "b1", "x"],
    [2, "a2", 2, "b2", "y"],
    [2, "a2", 2, "b2b", "z"],
  ]);
  const unique = await run("L | join kind=innerunique R on k");
  assert.deepEqual(unique.columns, JOINED);
  // Key 1 once (Kusto keeps one of its left rows), key 2 with both right rows.
  assert.deepEqual(unique.rows.map((r) => [r[0], r[3]]), [[1, "b1"], [2, "b2"], [2, "b2b"]]);
  // The default kind is innerunique.
  assert.deepEqual((await run("L | join R on k")).rows, unique.rows);
  assert.deepEqual((await run("L | join R on $left.k == $right.k")).rows, unique.rows);
});

Deno.test("mutation/join: outer kinds keep their side's unmatched rows, text filled with ''", async () => {
  const unmatchedLeft = [3, "a3", null, "", ""];
  const unmatchedRight = [null, "", 4, "b4", "w"];
  const left = await run("L | join kind=leftouter R on k");
  assert.equal(left.rows.length, 5);
  assert.deepEqual(left.rows[4], unmatchedLeft);
  const right = await run("L | join kind=rightouter R on k");
  assert.equal(right.rows.length, 5);
  assert.deepEqual(right.rows.find((r) => r[2] === 4), unmatchedRight);
  assert.ok(!right.rows.some((r) => r[0] === 3));
  const full = await run("L | join kind=fullouter R on k");
  assert.deepEqual(full.columns, JOINED);
  assert.equal(full.rows.length, 6);
  assert.deepEqual(full.rows.find((r) => r[0] === 3), unmatchedLeft);
  assert.deepEqual(full.rows.find((r) => r[2] === 4), unmatchedRight);
});

Deno.test("mutation/join: semi and anti joins give their own side's rows and columns", async () => {
  const semi = await run("L | join kind=leftsemi R on k");
  assert.deepEqual(semi.columns, ["k:long", "a:string"]);
  assert.deepEqual(semi.rows, [[1, "a1"], [1, "a1b"], [2, "a2"]]);
  assert.deepEqual((await run("L | join kind=leftanti R on k")).rows, [[3, "a3"]]);
  const rightSemi = await run("L | join kind=rightsemi R on k");
  assert.deepEqual(rightSemi.columns, ["k:int", "b:string", "a:string"]);
  assert.deepEqual(rightSemi.rows, [[1, "b1", "x"], [2, "b2", "y"], [2, "b2b", "z"]]);
  assert.deepEqual((await run("L | join kind=rightanti R on k")).rows, [[4, "b4", "w"]]);
});

Deno.test("mutation/join: lookup adds the right's other columns once, outer by default", async () => {
  const outer = await run("L | lookup R on k");
  assert.deepEqual(outer.columns, ["k:long", "a:string", "b:string", "a1:string"]);
  assert.deepEqual(outer.rows, [
    [1, "a1", "b1", "x"],
    [1, "a1b", "b1", "x"],
    [2, "a2", "b2", "y"],
    [2, "a2", "b2b", "z"],
    [3, "a3", "", ""],
  ]);
  const inner = await run("L | lookup kind=inner R on k");
  assert.deepEqual(inner.rows, outer.rows.slice(0, 4));
});

Deno.test("mutation/join: a real key meets a long key by value; text meets a number as an error", async () => {
  const out = await run(`datatable(k: real, v: long) [1.5, 1, 2.0, 2]
    | join kind=inner (datatable(k: long, w: long) [2, 20, 1, 10]) on k`);
  // 2.0 == 2; 1.5 matches nothing (as a long it would be 1).
  assert.deepEqual(out.rows, [[2, 2, 2, 20]]);
  const mirrored = await run(`datatable(k: long, w: long) [2, 20, 1, 10]
    | join kind=inner (datatable(k: real, v: long) [1.5, 1, 2.0, 2]) on k`);
  assert.deepEqual(mirrored.rows, [[2, 20, 2, 2]]);
  await assert.rejects(() => run("L | join (R | extend k = tostring(k)) on k"), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, String(e));
    assert.match(e.message, /Cannot join k \(long\) with k \(string\): the key types differ/);
    assert.match(e.hint ?? "", /tostring/);
    return true;
  });
  await assert.rejects(
    () => run("L | join R on $left.nope == $right.k"),
    /The left side of the join has no column 'nope'/,
  );
  await assert.rejects(
    () => run("L | join R on $left.k == $right.nope"),
    /The right side of the join has no column 'nope'/,
  );
});

Deno.test("mutation/join: a semi join never outgrows its side, so the memory budget lets it run", async () => {
  // 30 x 30 rows on one key: an inner join would make 900 rows (past a 1,000-byte budget); a
  // semi join keeps at most the 30 left rows.
  const query = `set maxmemoryconsumptionperiterator = 1000;
range a from 1 to 30 step 1 | extend k = 1
| join kind=leftsemi (range b from 1 to 30 step 1 | extend k = 1) on k | count`;
  const result = await executeKql(query, { tables: {}, now: NOW });
  assert.deepEqual(result.frame.toRecords(), [{ Count: 30 }]);
});

Deno.test("mutation/join: through the command line, an anti join lists what has no match", async () => {
  const run = await runCasefile([
    "query",
    `${TABLES.replace(/\s+/g, " ")} L | join kind=leftanti R on k`,
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), "k,a\n3,a3");
});
