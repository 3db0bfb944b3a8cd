/**
 * More of `mv-expand` and `mv-apply` (src/kql/compile/operators/_mv_expand.ts), for the
 * survivors of a 30-mutant harness run (issue 23, M1). Expected values from the Kusto docs
 * ("mv-expand operator": several columns expand in parallel, the shorter one padded with nulls;
 * "mv-apply operator": the subquery runs on each row's own subtable, so a sort inside it orders
 * each row's elements and not all of them) and by hand.
 */
import assert from "node:assert/strict";
import { executeKql, KqlUnsupportedError } from "../../src/kql/mod.ts";
import { NOW, records } from "./_records.ts";

Deno.test("mutation/mv-expand: two native lists (split, pack_array) expand in parallel", async () => {
  // Each item is a list Polars builds; expanded together they pair up by position.
  const rows = await records(
    `print s = "a,b,c" | extend a = split(s, ","), b = pack_array(1, 2) | mv-expand a, b
     | project a, b`,
  );
  assert.deepEqual(rows, [
    { a: '"a"', b: "1" },
    { a: '"b"', b: "2" },
    { a: '"c"', b: null },
  ]);
});

Deno.test("mutation/mv-apply: a sort in the subquery orders each row's elements on their own", async () => {
  // Two rows of 60 elements each; sorted descending inside the subquery, the first row's
  // elements (1..60) come first, 60 down to 1, then the second row's (101..160), 160 down to 101.
  const rows = await records(
    `range r from 0 to 1 step 1
     | extend a = range(r * 100 + 1, r * 100 + 60, 1)
     | mv-apply x = a to typeof(long) on (order by x desc)
     | project r, x`,
  );
  const expected = [
    ...Array.from({ length: 60 }, (_, i) => ({ r: 0, x: 60 - i })),
    ...Array.from({ length: 60 }, (_, i) => ({ r: 1, x: 160 - i })),
  ];
  assert.deepEqual(rows, expected);
});

Deno.test("mutation/mv-expand: a native list past the memory limit is refused before it is made", async () => {
  // 3 rows × 1000 elements = 3000 rows, far past a 1000-byte budget (Kusto's
  // maxmemoryconsumptionperiterator); the same query under the default limit runs.
  const query = `range i from 1 to 3 step 1 | extend s = strcat_array(range(1, 1000, 1), ",")
    | mv-expand a = split(s, ",") | count`;
  const error = await executeKql(query, {
    tables: {},
    now: NOW,
    limits: { maxMemoryConsumptionPerIterator: 1000 },
  }).then(() => undefined, (e) => e);
  assert.ok(error instanceof Error, "expected the memory limit to refuse the expansion");
  assert.match(error.message, /mv-expand/);
  assert.match(error.message, /would make 3000 rows/);
  assert.deepEqual(await records(query), [{ Count: 3000 }]);
});

Deno.test("mutation/mv-apply: distinct * in the subquery keeps each row's distinct elements", async () => {
  // By hand: [1, 1, 2] has 1 and 2, [2, 2] has 2; three rows, not the two of all rows together.
  const rows = await records(
    `datatable(k: string, a: dynamic) ["p", dynamic([1, 1, 2]), "q", dynamic([2, 2])]
     | mv-apply x = a to typeof(long) on (distinct *)
     | project k, x`,
  );
  assert.deepEqual(rows, [{ k: "p", x: 1 }, { k: "p", x: 2 }, { k: "q", x: 2 }]);
});

Deno.test("mutation/mv-apply: operators it cannot run inside say so by name", async () => {
  for (
    const [sub, name] of [
      ["top-nested 1 of x by count()", "top-nested"],
      ["graph-to-table nodes", "graph-to-table"],
    ]
  ) {
    const query = `print a = dynamic([1, 2]) | mv-apply x = a to typeof(long) on (${sub})`;
    const error = await executeKql(query, { tables: {}, now: NOW }).then(() => undefined, (e) => e);
    assert.ok(error instanceof KqlUnsupportedError, `${name}: ${error}`);
    assert.match(error.message, new RegExp(`The operator '${name}' inside mv-apply`));
  }
});
