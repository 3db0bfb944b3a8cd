/**
 * `make-series` (src/kql/compile/operators/_make_series.ts). Expected values are the Kusto docs'
 * ("make-series operator": the axis runs from `start` by whole steps while below `end`,
 * which is not included; without bounds it spans the bins that have data; `default=` fills
 * bins without rows, 0 when not given; at most 2^20 = 1,048,576 values per array) or counted
 * by hand from the rows. Found by
 * `deno task mutate src/kql/compile/operators/_make_series.ts` (issue 23).
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";
import { failure, NOW, records } from "./_records.ts";

/** A dynamic column's JSON text read back. */
const json = (v: unknown) => JSON.parse(v as string);

Deno.test("mutation/make-series: from/to/step on a number axis starts at from, end excluded", async () => {
  const [row] = await records(
    "datatable(x: long) [1, 2, 5] | make-series c = count() on x from 1 to 10 step 3",
  );
  // By hand: bins [1,4) [4,7) [7,10): rows 1 and 2, then 5, then none.
  assert.deepEqual(json(row.x), [1, 4, 7]);
  assert.deepEqual(json(row.c), [2, 1, 0]);
});

Deno.test("mutation/make-series: 'in range(start, stop, step)' bins with bin() and includes stop", async () => {
  // Docs (alternate syntax): the stop value is inclusive, and the axis is binned with bin(),
  // not bin_at(), so start need not be on it: bin(1, 3) = 0 and bin(10, 3) = 9.
  const [row] = await records(
    "datatable(x: long) [1, 2, 5] | make-series c = count() on x in range(1, 10, 3)",
  );
  assert.deepEqual(json(row.x), [0, 3, 6, 9]);
  assert.deepEqual(json(row.c), [2, 1, 0, 0]);
  // A stop on a bin's start: that bin is in the series, with the row at the stop.
  const [onStop] = await records(
    "datatable(x: long) [0, 9] | make-series c = count() on x in range(0, 9, 3)",
  );
  assert.deepEqual(json(onStop.x), [0, 3, 6, 9]);
  assert.deepEqual(json(onStop.c), [1, 0, 0, 1]);
});

Deno.test("mutation/make-series: groups by key, in the order of their first row, with default=", async () => {
  const rows = await records(
    `datatable(x: long, k: string) [1, "b", 2, "a", 5, "b", 4, "a", 4, "a"]
     | make-series c = count() default = -1, s = sum(x) on x from 0 to 6 step 2 by k`,
  );
  // By hand: b has 1 (bin 0) and 5 (bin 4); a has 2 (bin 2) and 4, 4 (bin 4).
  assert.deepEqual(rows.map((r) => r.k), ["b", "a"]);
  assert.deepEqual(rows.map((r) => json(r.c)), [[1, -1, 1], [-1, 1, 2]]);
  // No default given: 0 where a bin has no rows.
  assert.deepEqual(rows.map((r) => json(r.s)), [[1, 0, 5], [0, 2, 8]]);
  assert.deepEqual(rows.map((r) => json(r.x)), [[0, 2, 4], [0, 2, 4]]);
});

Deno.test("mutation/make-series: a datetime axis, with and without bounds", async () => {
  const q =
    `datatable(t: datetime, n: long) [datetime(2026-01-01 01:00), 2, datetime(2026-01-01 03:30), 5]`;
  const [bounded] = await records(
    `${q} | make-series s = sum(n) on t from datetime(2026-01-01) to datetime(2026-01-01 04:00) step 1h`,
  );
  assert.deepEqual(json(bounded.s), [0, 2, 0, 5]);
  assert.deepEqual(json(bounded.t).map((t: string) => new Date(t).toISOString()), [
    "2026-01-01T00:00:00.000Z",
    "2026-01-01T01:00:00.000Z",
    "2026-01-01T02:00:00.000Z",
    "2026-01-01T03:00:00.000Z",
  ]);
  // No bounds: from the first bin with data to the last.
  const [free] = await records(`${q} | make-series s = sum(n) on t step 1h`);
  assert.deepEqual(json(free.s), [2, 0, 5]);
  assert.deepEqual(json(free.t).map((t: string) => new Date(t).toISOString()), [
    "2026-01-01T01:00:00.000Z",
    "2026-01-01T02:00:00.000Z",
    "2026-01-01T03:00:00.000Z",
  ]);
});

Deno.test("mutation/make-series: arrays of exactly 2^20 values are allowed, one more is not", async () => {
  const [row] = await records(
    "print x = 0 | make-series c = count() on x from 0 to 1048576 step 1 | project n = array_length(c)",
  );
  assert.deepEqual(row, { n: 1_048_576 });
  const error = await failure(
    "print x = 0 | make-series c = count() on x from 0 to 1048577 step 1",
  );
  assert.match(error.message, /arrays of 1048577 elements \(at most 1048576\)/);
});

Deno.test("mutation/make-series: bad bounds, steps and defaults are clear errors", async () => {
  const zero = await failure(
    "datatable(x: long) [1] | make-series c = count() on x from 0 to 10 step 0",
  );
  assert.match(zero.message, /the step of make-series must be positive/);
  const start = await failure(
    "print x = 0 | make-series c = count() on x from rand() to 10 step 1",
  );
  assert.match(start.message, /the start of make-series must be a constant/);
  const end = await failure("print x = 0 | make-series c = count() on x from 0 to rand() step 1");
  assert.match(end.message, /the end of make-series must be a constant/);
  const dflt = await failure(
    "print x = 0 | make-series c = count() default = rand() on x from 0 to 10 step 1",
  );
  assert.match(dflt.message, /the default value of make-series must be a constant/);
  const axis = await failure('print x = "a" | make-series c = count() on x step 1');
  assert.match(axis.message, /the axis of make-series must be a datetime, timespan or number/);
});

Deno.test("mutation/make-series: one series over a small memory budget is refused", async () => {
  // One series of 100 bins is more than 1000 bytes under any per-value estimate above 10 bytes.
  const error = await failure(
    "print x = 0 | make-series c = count() on x from 0 to 100 step 1",
    { maxMemoryConsumptionPerIterator: 1000 },
  );
  assert.match(error.message, /make-series/);
});

Deno.test("mutation/make-series: kind=nonempty gives one default series only for empty input", async () => {
  // Docs: kind=nonempty "produces a default result when the input of make-series is empty".
  const empty = await records(
    "datatable(x: long) [] | make-series kind=nonempty c = count() on x from 0 to 4 step 2",
  );
  assert.deepEqual(empty.map((r) => [json(r.c), json(r.x)]), [[[0, 0], [0, 2]]]);
  const plain = await records(
    "datatable(x: long) [] | make-series c = count() on x from 0 to 4 step 2",
  );
  assert.deepEqual(plain, []);
  // With rows: the series of the rows alone, no extra default one.
  const rows = await records(
    "datatable(x: long) [1, 3] | make-series kind=nonempty c = count() on x from 0 to 4 step 2",
  );
  assert.deepEqual(rows.map((r) => json(r.c)), [[1, 1]]);
});

Deno.test("mutation/make-series: the memory check counts series x bins, not input rows", async () => {
  // One series of 100 bins from 50 rows: within a 10 kB budget however the rows spread.
  const result = await executeKql(
    `range x from 0 to 49 step 1
     | make-series c = count() on x from 0 to 100 step 1 | project n = array_length(c)`,
    { tables: {}, now: NOW, limits: { maxMemoryConsumptionPerIterator: 10_000 } },
  );
  assert.deepEqual(result.frame.toRecords(), [{ n: 100 }]);
});

Deno.test("mutation/make-series: casefile query prints the series a person would count", async () => {
  const run = await runCasefile([
    "query",
    `datatable(x: long, k: string) [1, "a", 2, "a", 5, "b"]
     | make-series c = count() on x from 0 to 6 step 2 by k`,
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const rows = JSON.parse(run.stdout);
  assert.deepEqual(
    rows.map((r: Record<string, unknown>) => [r.k, r.c, r.x]),
    [["a", [1, 1, 0], [0, 2, 4]], ["b", [0, 0, 1], [0, 2, 4]]],
  );
});
