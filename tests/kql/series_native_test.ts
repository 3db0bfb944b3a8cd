/**
 * `make-series` of whole numbers laid out by Polars (issue 22): each group's array over
 * every bin, with the default where a bin has no rows, the groups in the order of their
 * first input row, and the arrays' JSON text as Kusto writes it. Expected values are
 * computed by hand from the Kusto docs ("make-series operator": `default=` fills the bins
 * without rows, 0 for numbers unless given; the axis is `from`, `from + step`, … up to
 * `to`, excluded), and equal the JavaScript layout's (native reading off). Plus the series
 * functions over those arrays (`series_add`, `series_stats_dynamic`, `series_fir`), whose
 * values are computed by hand too.
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { setNativeDynamic } from "../../src/kql/compile/_dynamic_native.ts";
import { NOW } from "./_records.ts";
import { runCasefile } from "../_helpers.ts";

/** Rows of `query` (no tables), natively, checked equal to the JavaScript layout's. */
async function both(query: string): Promise<Record<string, unknown>[]> {
  const run = async (native: boolean) => {
    const was = setNativeDynamic(native);
    try {
      return (await executeKql(query, { tables: {}, now: NOW })).frame.toRecords();
    } finally {
      setNativeDynamic(was);
    }
  };
  const native = await run(true);
  assert.deepStrictEqual(native, await run(false), "native vs JavaScript");
  return native;
}

// Hosts B then A (B's first row comes first); hours 00, 01 and 03 of 2026-03-01.
const EVENTS = `datatable(T: datetime, Host: string, Bytes: long, Port: int) [
  datetime(2026-03-01T00:10:00Z), "B", 5, 443,
  datetime(2026-03-01T03:59:00Z), "A", 7, 80,
  datetime(2026-03-01T00:20:00Z), "B", 1, 443,
  datetime(2026-03-01T01:00:00Z), "A", 2, 80,
  datetime(2026-03-01T03:00:00Z), "B", 4, 22,
]`;
const RANGE = "from datetime(2026-03-01) to datetime(2026-03-01T05:00:00Z) step 1h";

Deno.test("make-series count and sum by host: every bin, defaults, first-row order", async () => {
  const rows = await both(`${EVENTS}
    | make-series n = count(), b = sum(Bytes) default = -1 on T ${RANGE} by Host`);
  const axis = JSON.stringify([0, 1, 2, 3, 4].map((h) => `2026-03-01T0${h}:00:00.0000000Z`));
  assert.deepStrictEqual(rows, [
    { Host: "B", n: "[2,0,0,1,0]", b: "[6,-1,-1,4,-1]", T: axis },
    { Host: "A", n: "[0,1,0,1,0]", b: "[-1,2,-1,7,-1]", T: axis },
  ]);
});

Deno.test("make-series without by, by an int and by a day: keys as typed", async () => {
  assert.deepStrictEqual(
    (await both(`${EVENTS} | make-series n = count() on T ${RANGE}`)).map((r) => r.n),
    ["[2,1,0,2,0]"],
  );
  const ports = await both(`${EVENTS} | make-series n = count() on T ${RANGE} by Port`);
  assert.deepStrictEqual(ports.map((r) => [r.Port, r.n]), [
    [443, "[2,0,0,0,0]"],
    [80, "[0,1,0,1,0]"],
    [22, "[0,0,0,1,0]"],
  ]);
  const days = await both(`${EVENTS} | extend Day = bin(T, 1d)
    | make-series n = dcount(Host) on T ${RANGE} by Day`);
  assert.deepStrictEqual(days.map((r) => [(r.Day as Date).toISOString(), r.n]), [
    ["2026-03-01T00:00:00.000Z", "[1,1,0,2,0]"],
  ]);
  // Reals and an average stay on the JavaScript layout, with the same values.
  const reals = await both(`${EVENTS}
    | make-series a = avg(Bytes) on T ${RANGE} by Host | project Host, a`);
  assert.deepStrictEqual(reals, [
    { Host: "B", a: "[3.0,0.0,0.0,4.0,0.0]" },
    { Host: "A", a: "[0.0,2.0,0.0,7.0,0.0]" },
  ]);
});

Deno.test("make-series: a bin with rows whose value is null stays null, not the default", async () => {
  // Kusto docs: the default fills a bin only when no row falls in it. Hour 0 has one row
  // whose max(V) is null (V is null); hour 1 holds V = 3; hours 2 to 4 have no rows.
  const rows = await both(`datatable(T: datetime, V: long) [
      datetime(2026-03-01T00:10:00Z), long(null),
      datetime(2026-03-01T01:10:00Z), 3,
    ] | make-series m = max(V) default = 0 on T ${RANGE}`);
  assert.deepStrictEqual(rows.map((r) => r.m), ["[null,3,0,0,0]"]);
});

Deno.test("series of different lengths: null past the shorter one, no failed query", async () => {
  // series-add-function.md: "non-existing element (arrays of different sizes) yields a null
  // element value". Total lengths 5 and 3 (odd) split unevenly in the native pairing.
  const rows = await both(`datatable(Id: long, A: dynamic, B: dynamic) [
      1, dynamic([1, 2, 3]), dynamic([1, 2]),
      2, dynamic([5, 6]), dynamic([1, 2]),
    ] | extend s = series_add(A, B), g = series_greater(A, B) | project Id, s, g`);
  assert.deepStrictEqual(rows, [
    { Id: 1, s: "[2,4,null]", g: "[false,false,null]" },
    { Id: 2, s: "[6,8]", g: "[true,true]" },
  ]);
});

Deno.test("series functions over make-series arrays: hand-computed values", async () => {
  const rows = await both(`${EVENTS}
    | make-series n = count() on T ${RANGE} by Host
    | extend twice = series_add(n, n), fir = series_fir(n, dynamic([1, 1]), false),
        st = series_stats_dynamic(n)
    | project Host, twice, fir, st`);
  // B: n = [2,0,0,1,0]; fir with [1,1]: x[i] + x[i-1] = [2,2,0,1,1].
  assert.deepStrictEqual(rows[0].twice, "[4,0,0,2,0]");
  assert.deepStrictEqual(JSON.parse(rows[0].fir as string), [2, 2, 0, 1, 1]);
  const st = JSON.parse(rows[0].st as string);
  // min 0 at 1, max 2 at 0, mean 3/5, sample variance ((1.4^2) + 3 * 0.6^2 + 0.4^2) / 4.
  assert.equal(st.min, 0);
  assert.equal(st.min_idx, 1);
  assert.equal(st.max, 2);
  assert.equal(st.max_idx, 0);
  assert.ok(Math.abs(st.avg - 0.6) < 1e-12);
  assert.ok(Math.abs(st.variance - 0.8) < 1e-12);
});

Deno.test("element-wise series functions, sums and fills over whole-number series", async () => {
  const rows = await both(`${EVENTS}
    | make-series n = count(), b = sum(Bytes) default = long(null) on T ${RANGE} by Host
    | extend d = series_subtract(b, n), g = series_greater(n, 0), s = series_sum(b),
        f = series_fill_const(b, 9), m = series_multiply(3, n), e = series_equals(n, b)
    | project Host, b, d, g, s, f, m, e`);
  // B: n = [2,0,0,1,0], b = [6,null,null,4,null]; A: n = [0,1,0,1,0], b = [null,2,null,7,null].
  assert.deepStrictEqual(rows, [
    {
      Host: "B",
      b: "[6,null,null,4,null]",
      d: "[4,null,null,3,null]",
      g: "[true,false,false,true,false]",
      s: 10,
      f: "[6,9,9,4,9]",
      m: "[6,0,0,3,0]",
      e: "[false,null,null,false,null]",
    },
    {
      Host: "A",
      b: "[null,2,null,7,null]",
      d: "[null,1,null,6,null]",
      g: "[false,true,false,true,false]",
      s: 9,
      f: "[9,2,9,7,9]",
      m: "[0,3,0,3,0]",
      e: "[null,false,null,false,null]",
    },
  ]);
});

Deno.test("casefile query: hourly sign-in failures of the spray as a series", async () => {
  // ANSWERS.md step 1: 449 failures with ResultType 50126 from three addresses, all between
  // 02:10:00 and 03:47:29 on 2026-03-11 (in the 02:00 and 03:00 bins).
  const run = await runCasefile([
    "query",
    `SigninLogs
    | where ResultType == "50126" and IPAddress in ("203.0.113.61", "203.0.113.88", "203.0.113.45")
    | make-series n = count() default = 0 on TimeGenerated
        from datetime(2026-03-11T00:00:00Z) to datetime(2026-03-11T06:00:00Z) step 1h
    | extend total = series_sum(n), st = series_stats_dynamic(n)
    | project n, total, Peak = toint(st.max_idx)`,
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const [row] = JSON.parse(run.stdout);
  assert.equal(row.total, 449);
  assert.equal(row.n.length, 6);
  assert.deepEqual([row.n[0], row.n[1], row.n[4], row.n[5]], [0, 0, 0, 0]);
  assert.equal(row.n[2] + row.n[3], 449);
  assert.ok(row.Peak === 2 || row.Peak === 3);
});
