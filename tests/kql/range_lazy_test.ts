/**
 * `range` made by Polars when the plan runs (issue 19): no JavaScript array while the
 * query compiles, exact Int64 values near 2^63, datetime and timespan steps, and the memory
 * guard before anything is made. And a query waiting on Polars ends at Ctrl-C (the
 * interrupt flag) instead of when Polars is done.
 */
import assert from "node:assert/strict";
import { runKql } from "../../src/kql/mod.ts";
import { parseQuery } from "../../src/kql/syntax/_parser.ts";
import { Context } from "../../src/kql/compile/_context.ts";
import { collectAsync, compileQuery } from "../../src/kql/compile/_query.ts";
import "../../src/kql/functions/_all.ts";
import { clearInterrupt, InterruptedError, raiseInterrupt } from "../../src/interrupt.ts";
import { pl } from "../../src/polars.ts";

async function column(query: string, name: string): Promise<unknown[]> {
  return (await runKql(query)).getColumn(name).toArray() as unknown[];
}

Deno.test("range compiles to a Polars plan that makes the rows when it runs", () => {
  const query = "range x from 1 to 100000000 step 1";
  const ctx = new Context(query, new Map(), new Date("2026-03-12T00:00:00Z"));
  const relation = compileQuery(parseQuery(query), ctx);
  const plan = relation.frame.describePlan();
  // No table of 100 million values made in JavaScript and handed over: a generated range.
  assert.match(plan, /int_range/);
  assert.doesNotMatch(plan, /DF \["/);
});

Deno.test("range of longs near 2^63 is exact (Kusto's Int64)", async () => {
  // By hand: 9223372036854775800 + 3k up to 2^63 - 1 = 9223372036854775807.
  assert.deepEqual(
    await column(
      "range x from 9223372036854775800 to 9223372036854775807 step 3 | project s = tostring(x)",
      "s",
    ),
    ["9223372036854775800", "9223372036854775803", "9223372036854775806"],
  );
  assert.deepEqual(
    await column(
      "range x from -9223372036854775807 to 9223372036854775807 step 9223372036854775807" +
        " | project s = tostring(x)",
      "s",
    ),
    ["-9223372036854775807", "0", "9223372036854775807"],
  );
  assert.deepEqual(await column("range x from 5 to 1 step -2", "x"), [5, 3, 1]);
  assert.deepEqual(await column("range x from 1 to 5 step -1", "x"), []);
  assert.deepEqual(await column("range x from 1 to 3 step 0.7", "x"), [1, 1.7, 2.4]);
});

Deno.test("range over datetimes and timespans steps by the timespan", async () => {
  const times = await column(
    "range t from datetime(2020-01-01) to datetime(2020-01-02) step 7h | project s = tostring(t)",
    "s",
  );
  assert.deepEqual(times, [
    "2020-01-01T00:00:00.0000000Z",
    "2020-01-01T07:00:00.0000000Z",
    "2020-01-01T14:00:00.0000000Z",
    "2020-01-01T21:00:00.0000000Z",
  ]);
  assert.deepEqual(
    await column("range t from 1d to 3d step 1d | project s = tostring(t)", "s"),
    ["1.00:00:00", "2.00:00:00", "3.00:00:00"],
  );
  assert.deepEqual(
    await column(
      "range t from datetime(2020-01-01) to datetime(2019-06-01) step -100d | project s = tostring(t)",
      "s",
    ),
    // By hand: 100 days before 2020-01-01 is 2019-09-23, 200 days 2019-06-15.
    [
      "2020-01-01T00:00:00.0000000Z",
      "2019-09-23T00:00:00.0000000Z",
      "2019-06-15T00:00:00.0000000Z",
    ],
  );
});

Deno.test("range past the memory limit fails before making anything", async () => {
  await assert.rejects(
    () => runKql("range x from 1 to 3000000000 step 1"),
    /range would make 3000000000 rows .* more than the memory limit/,
  );
  // A lower limit set by the query: 1,000 rows at 32 bytes a row is past 16 KB.
  await assert.rejects(
    () => runKql("set maxmemoryconsumptionperiterator = 16000; range x from 1 to 1000 step 1"),
    /range would make 1000 rows/,
  );
});

Deno.test("a query waiting on Polars ends at Ctrl-C", async () => {
  // Seconds of work on Polars' threads (distinct count of 20 million values).
  const frame = pl.DataFrame({}).lazy().select(
    pl.intRange(pl.lit(0).cast(pl.Int64), pl.lit(20_000_000).cast(pl.Int64), 1, pl.Int64)
      .alias("x"),
  ).select(pl.col("x").mul(7).nUnique().alias("n"));
  clearInterrupt();
  try {
    const waiting = collectAsync({ frame, columns: [{ name: "n", type: "long" }] });
    raiseInterrupt(); // what the spinner's thread does on Ctrl-C
    await assert.rejects(waiting, InterruptedError);
  } finally {
    clearInterrupt();
  }
});
