/**
 * The aggregate functions of `summarize` (src/kql/functions/_aggregates.ts), for the survivors of
 * a 30-mutant harness run (issue 23, M1). One small table, every value computed by hand; the
 * rules from the Kusto docs: the `…if` forms count only the rows where the predicate holds;
 * `percentile()` is the nearest rank (the ceil(p% × n)-th smallest value); `stdev`/`variance`
 * are the sample (n − 1) forms and `stdevp`/`variancep` the population ones; Kusto has
 * `stdevif`, `varianceif` and `variancepif` but no `stdevpif`; `make_list_with_nulls` keeps
 * nulls. Output names as Kusto gives them (`countif_`, `dcountif_x`, `percentile_x_50`).
 */
import assert from "node:assert/strict";
import { runCasefile } from "../_helpers.ts";
import { failure, records } from "./_records.ts";
import { bindKql } from "./_kusto_binder.ts";

const HOUR = 3_600_000_000; // a timespan's value in the frame: microseconds

const T = `datatable(x: long, d: timespan, t: datetime, s: string, b: dynamic) [
  1, 1h, datetime(2026-01-01), "a", dynamic({"k": 1}),
  2, 2h, datetime(2026-01-02), "b", dynamic({"k": 2, "m": 3}),
  2, 3h, datetime(2026-01-03), "b", dynamic(null),
  4, 6h, datetime(2026-01-04), "c", dynamic({"z": 4})]`;

Deno.test("mutation/aggregates: the …if forms count only the rows where the predicate holds", async () => {
  const [r] = await records(
    `${T} | summarize countif(x > 1), dcountif(x, x > 1), count_distinctif(x, x > 1),
       avgif(x, x > 1), sumif(x, x > 1), minif(t, x > 1), maxif(t, x < 4)`,
  );
  // x > 1 holds for 2, 2, 4: three rows, two distinct values, sum 8, mean 8/3.
  assert.equal(r.countif_, 3);
  assert.equal(r.dcountif_x, 2);
  assert.equal(r.count_distinctif_x, 2);
  assert.equal(r.sumif_x, 8);
  assert.ok(Math.abs((r.avgif_x as number) - 8 / 3) < 1e-12, String(r.avgif_x));
  assert.equal((r.minif_t as Date).toISOString(), "2026-01-02T00:00:00.000Z");
  assert.equal((r.maxif_t as Date).toISOString(), "2026-01-03T00:00:00.000Z");
});

Deno.test("mutation/aggregates: sum and avg of timespans are timespans", async () => {
  const [r] = await records(`${T} | summarize sum(d), avg(d) | extend g = gettype(sum_d)`);
  // 1h + 2h + 3h + 6h = 12h; the mean is 3h.
  assert.deepEqual(r, { sum_d: 12 * HOUR, avg_d: 3 * HOUR, g: "timespan" });
});

Deno.test("mutation/aggregates: a predicate that is not a bool, a sum of text: errors naming them", async () => {
  const countif = await failure(`${T} | summarize countif(x)`);
  assert.match(countif.message, /argument 1 of countif\(\) must be a bool/);
  const minif = await failure(`${T} | summarize minif(x, s)`);
  assert.match(minif.message, /argument 2 of minif\(\) must be a bool/);
  const run = await runCasefile(["query", `${T} | summarize sum(s)`, "--format", "json"]);
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stderr, /sum\(\) needs a number, not string/);
});

Deno.test("mutation/aggregates: make_set, make_list_if, make_bag_if and make_list_with_nulls", async () => {
  const [r] = await records(
    `${T} | summarize make_set(s), si = make_set_if(s, x > 1), li = make_list_if(s, x > 1),
       bi = make_bag_if(b, x > 1), lim = make_list(s, 2)`,
  );
  assert.deepEqual(JSON.parse(r.set_s as string), ["a", "b", "c"]);
  assert.deepEqual(JSON.parse(r.si as string), ["b", "c"]);
  assert.deepEqual(JSON.parse(r.li as string), ["b", "b", "c"]);
  // Rows 2 and 4 hold bags (row 3's is null): their keys together.
  assert.deepEqual(JSON.parse(r.bi as string), { k: 2, m: 3, z: 4 });
  assert.deepEqual(JSON.parse(r.lim as string), ["a", "b"]);
  const [n] = await records(
    "datatable(v: long) [1, long(null), 3] | summarize make_list_with_nulls(v)",
  );
  assert.deepEqual(JSON.parse(n.list_v as string), [1, null, 3]);
});

Deno.test("mutation/aggregates: percentile() is the nearest rank, of numbers and of timespans", async () => {
  const [r] = await records(
    `${T} | summarize percentile(x, 50), percentiles(x, 25, 75, 100), percentile(d, 50)
     | extend g = gettype(percentile_d_50)`,
  );
  // Sorted 1, 2, 2, 4 (n = 4): 25% → 1st, 50% → 2nd, 75% → 3rd, 100% → 4th. d: 1h 2h 3h 6h.
  assert.deepEqual(r, {
    percentile_x_50: 2,
    percentile_x_25: 1,
    percentile_x_75: 2,
    percentile_x_100: 4,
    percentile_d_50: 2 * HOUR,
    g: "timespan",
  });
});

Deno.test("mutation/aggregates: stdev and variance, sample and population, and their …if forms", async () => {
  const [r] = await records(
    `${T} | summarize stdev(x), stdevp(x), variance(x), variancep(x), stdevif(x, x > 1),
       varianceif(x, x > 1), variancepif(x, x > 1)`,
  );
  // By hand: x = 1, 2, 2, 4, mean 2.25, squared deviations sum to 4.75.
  // For x > 1 (2, 2, 4): mean 8/3, squared deviations sum to 24/9.
  const expected: Record<string, number> = {
    stdev_x: Math.sqrt(4.75 / 3),
    stdevp_x: Math.sqrt(4.75 / 4),
    variance_x: 4.75 / 3,
    variancep_x: 4.75 / 4,
    stdevif_x: Math.sqrt(24 / 9 / 2),
    varianceif_x: 24 / 9 / 2,
    variancepif_x: 24 / 9 / 3,
  };
  assert.deepEqual(Object.keys(r), Object.keys(expected));
  for (const [k, v] of Object.entries(expected)) {
    assert.ok(Math.abs((r[k] as number) - v) < 1e-12, `${k}: ${r[k]} ≠ ${v}`);
  }
  const error = await failure(`${T} | summarize stdevpif(x, x > 1)`);
  assert.match(error.message, /stdevpif/);
});

Deno.test("mutation/aggregates: arg_max's outputs are named as Kusto.Language names them", async () => {
  const small = `datatable(x: long, s: string) [1, "a", 4, "c"]`;
  for (
    const [items, values] of [
      [`arg_max(x, strcat(s, "!"), s)`, [4, "c!", "c"]],
      [`arg_max(x, s, strcat(s, "!"))`, [4, "c", "c!"]],
      [`arg_min(x, *)`, [1, "a"]],
    ] as const
  ) {
    const query = `${small} | summarize ${items}`;
    const [r] = await records(query);
    // Kusto.Language's binder (the official one) gives the names: x, s, max_x_arg1, ...
    assert.deepEqual(Object.keys(r), bindKql(query).columns.map((c) => c.name), items);
    assert.deepEqual(Object.values(r), values, items);
  }
});

Deno.test("mutation/aggregates: argument counts Kusto.Language refuses are refused", async () => {
  for (
    const [call, name, n] of [
      ["take_any()", "take_any", 0],
      ["percentile(x)", "percentile", 1],
      ["percentiles(x)", "percentiles", 1],
      ["make_list(s, 2, 3)", "make_list", 3],
      ["make_set(s, 2, 3)", "make_set", 3],
    ] as const
  ) {
    const query = `${T} | summarize ${call}`;
    assert.notDeepEqual(bindKql(query).errors, [], call);
    const error = await failure(query);
    assert.match(error.message, new RegExp(`${name}\\(\\) does not take ${n} argument`), call);
  }
});

Deno.test("mutation/aggregates: exact longs in make_list_with_nulls; percentile of datetimes", async () => {
  const [r] = await records(
    "datatable(v: long) [9007199254740993, long(null)] | summarize make_list_with_nulls(v)",
  );
  // 2^53 + 1 is not a double: the list's text keeps its digits.
  assert.equal(r.list_v, "[9007199254740993,null]");
  const [p] = await records(`${T} | summarize percentile(t, 50)`);
  // Sorted 01-01, 01-02, 01-03, 01-04: the 2nd is the median by nearest rank.
  assert.equal((p.percentile_t_50 as Date).toISOString(), "2026-01-02T00:00:00.000Z");
});

Deno.test("mutation/aggregates: avg of datetimes is a datetime (Kusto.Language's type)", async () => {
  const query = `${T} | summarize avg(t), avgif(t, x > 1) | extend g = gettype(avg_t)`;
  assert.deepEqual(bindKql(query).columns.map((c) => c.type), ["datetime", "datetime", "string"]);
  const [r] = await records(query);
  // By hand: the mean of Jan 1-4 is Jan 2, noon; of Jan 2-4 (x > 1) Jan 3.
  assert.equal((r.avg_t as Date).toISOString(), "2026-01-02T12:00:00.000Z");
  assert.equal((r.avgif_t as Date).toISOString(), "2026-01-03T00:00:00.000Z");
  assert.equal(r.g, "datetime");
});
