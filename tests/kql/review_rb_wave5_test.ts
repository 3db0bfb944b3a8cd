/**
 * Review of wave 5's KQL changes (join ... where, the innerunique filter split, the
 * summarize defaults): cases found wrong, with expected values computed by hand or taken
 * from Kusto.Language's binder (the output columns).
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";

async function run(kql: string) {
  const { frame, schema } = await executeKql(kql);
  return {
    columns: schema.columns.map((c) => `${c.name}:${c.type}`),
    rows: frame.toRecords() as Record<string, unknown>[],
  };
}

const SIDES = `let L = datatable(a:long, s:string)[1, "x", 2, "y"];
  let R = datatable(a:long, t:string)[1, "p", 5, "r"];`;

Deno.test("join kind=rightsemi/rightanti ... where: the right columns keep their names", async () => {
  // Kusto.Language binds `L | join kind=rightsemi (R) where $left.a == $right.a` to (a, t):
  // no left column is in the output, so nothing clashes and nothing is renamed to a1.
  const semi = await run(`${SIDES} L | join kind=rightsemi (R) where $left.a == $right.a`);
  assert.deepEqual(semi.columns, ["a:long", "t:string"]);
  assert.deepEqual(semi.rows, [{ a: 1, t: "p" }]);
  const anti = await run(`${SIDES} L | join kind=rightanti (R) where $left.a == $right.a`);
  assert.deepEqual(anti.columns, ["a:long", "t:string"]);
  assert.deepEqual(anti.rows, [{ a: 5, t: "r" }]);
});

Deno.test("where after innerunique join: a term reading columns by name stays after it", async () => {
  // Unique keys, so the deduplication drops nothing: the join gives (1,a,1,x) and (2,b,2,y).
  // The right column w, read through column_ifexists or pack_all, exists only after the join.
  const T = `let L = datatable(k:long, v:string)[1, "a", 2, "b"];
    let R = datatable(k:long, w:string)[1, "x", 2, "y"];`;
  const expected = [{ k: 1, v: "a", k1: 1, w: "x" }];
  assert.deepEqual(
    (await run(`${T} L | join (R) on k | where strcat(v, column_ifexists("w", "")) == "ax"`)).rows,
    expected,
  );
  assert.deepEqual(
    (await run(`${T} L | join (R) on k | where strcat(v, tostring(pack_all().w)) == "ax"`)).rows,
    expected,
  );
});

Deno.test("stdevp/variancep of one value are 0", async () => {
  // One value is its own mean: the squared deviations sum to 0, over n = 1.
  const { rows } = await run(`datatable(g:string, x:long)["a", 7, "b", 1, "b", 3]
    | summarize sp = stdevp(x), vp = variancep(x), vpi = variancepif(x, x > 0) by g
    | order by g asc`);
  assert.deepEqual(rows, [
    { g: "a", sp: 0, vp: 0, vpi: 0 },
    // By hand: mean 2, deviations -1 and 1, population variance 2/2 = 1.
    { g: "b", sp: 1, vp: 1, vpi: 1 },
  ]);
});

Deno.test("where after innerunique join: a let scalar a right column shadows is that column", async () => {
  // After the join, `v` names R's column (columns shadow a query's let scalars): the row
  // (1, "p", 1, "p") has x == v. Moved before the join, `v` would be the scalar "zz": 0 rows.
  const T = `let v = "zz";
    let L = datatable(k:long, x:string)[1, "p", 2, "q"];
    let R = datatable(k:long, v:string)[1, "p", 2, "r"];`;
  assert.deepEqual((await run(`${T} L | join (R) on k | where x == v`)).rows, [
    { k: 1, x: "p", k1: 1, v: "p" },
  ]);
  // Not shadowed: the scalar, before or after the join alike.
  const U = `let v = "q";
    let L = datatable(k:long, x:string)[1, "p", 2, "q"];
    let R = datatable(k:long, w:string)[1, "p", 2, "r"];`;
  assert.deepEqual((await run(`${U} L | join (R) on k | where x == v`)).rows, [
    { k: 2, x: "q", k1: 2, w: "r" },
  ]);
});
