/**
 * Exact 64-bit integers (issue 18): Kusto's long is Int64, so literals, comparisons,
 * arithmetic and `range` stay exact beyond 2^53, where JS numbers collapse neighbours.
 * Expected values are written by hand (2^53 = 9007199254740992, 2^63 - 1 =
 * 9223372036854775807). Values are read as text, since nodejs-polars returns Int64 cells
 * to JS as doubles.
 */
import assert from "node:assert/strict";
import { runKql } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";

async function rowsAsText(query: string): Promise<Record<string, string | null>[]> {
  const frame = await runKql(query);
  return frame.select(...frame.columns.map((c) => pl.col(c).cast(pl.Utf8)))
    .toRecords() as Record<string, string | null>[];
}

async function column(query: string, name: string): Promise<(string | null)[]> {
  return (await rowsAsText(query)).map((r) => r[name]);
}

Deno.test("long literals are exact up to Int64's bounds", async () => {
  assert.deepEqual(await rowsAsText("print x=9223372036854775807, y=-9223372036854775808"), [
    { x: "9223372036854775807", y: "-9223372036854775808" },
  ]);
  assert.deepEqual(await column("print x=9007199254740993", "x"), ["9007199254740993"]);
  assert.deepEqual(await column("print x=-9007199254740993", "x"), ["-9007199254740993"]);
  assert.deepEqual(await column("print x=tostring(9007199254740993)", "x"), [
    "9007199254740993",
  ]);
});

Deno.test("comparisons and arithmetic beyond 2^53 stay in Int64", async () => {
  assert.deepEqual(
    await rowsAsText(
      "print eq=9007199254740993 == 9007199254740992, gt=9007199254740993 > 9007199254740992",
    ),
    [{ eq: "false", gt: "true" }],
  );
  assert.deepEqual(
    await rowsAsText(
      "print d=9007199254740993 - 9007199254740992, s=9007199254740991 + 2, " +
        "m=4503599627370497 * 2, n=9223372036854775806 + 1",
    ),
    [{ d: "1", s: "9007199254740993", m: "9007199254740994", n: "9223372036854775807" }],
  );
  assert.deepEqual(
    await column(
      "datatable(a:long)[9007199254740993, 9007199254740992] | where a > 9007199254740992",
      "a",
    ),
    ["9007199254740993"],
  );
});

Deno.test("range near 2^53 makes distinct, exact rows", async () => {
  assert.deepEqual(
    await column("range x from 9007199254740990 to 9007199254740995 step 1", "x"),
    [
      "9007199254740990",
      "9007199254740991",
      "9007199254740992",
      "9007199254740993",
      "9007199254740994",
      "9007199254740995",
    ],
  );
  assert.deepEqual(
    await column("range x from 9007199254740995 to 9007199254740990 step -2", "x"),
    ["9007199254740995", "9007199254740993", "9007199254740991"],
  );
  assert.deepEqual(
    await column("range x from 9223372036854775800 to 9223372036854775807 step 3", "x"),
    ["9223372036854775800", "9223372036854775803", "9223372036854775806"],
  );
  assert.deepEqual(
    await column(
      "range x from 9007199254740992 to 9007199254740993 step 1 | summarize dcount(x)",
      "dcount_x",
    ),
    ["2"],
  );
  assert.deepEqual(
    await column("range x from 9007199254740993 to 9007199254740992 step 1 | count", "Count"),
    ["0"],
  );
  // The end one below the start with a step of 2: no row (the count rounds down, not to 0).
  assert.deepEqual(
    await column("range x from 9007199254740993 to 9007199254740992 step 2 | count", "Count"),
    ["0"],
  );
});

Deno.test("datatable keeps longs beyond 2^53 exact", async () => {
  assert.deepEqual(
    await column("datatable(a:long)[9007199254740993, 1, -9223372036854775808]", "a"),
    ["9007199254740993", "1", "-9223372036854775808"],
  );
});
