/**
 * Planted bugs the suite caught only through the conformance share (issue 23): bin_at()
 * below its anchor and the start of a week. Expected values are the Kusto documentation's
 * (bin_at(), startofweek()): weeks start on Sunday, and bin_at floors toward -infinity.
 */
import assert from "node:assert/strict";
import { runKql } from "../../src/kql/mod.ts";

Deno.test("bin_at() floors a value before its anchor down, not toward the anchor (docs)", async () => {
  const [row] = (await runKql(`print
    a = bin_at(time(1h), 1d, 12h),
    b = bin_at(datetime(2017-05-15 10:20:00.0), 1d, datetime(1970-01-01 12:00:00.0)),
    c = bin_at(6.5, 2.5, 7)`)).toRecords();
  assert.equal(row.a, -12 * 3600 * 1e6); // -12:00:00, in microseconds
  assert.equal((row.b as unknown as Date).toISOString(), "2017-05-14T12:00:00.000Z");
  assert.equal(row.c, 4.5);
});

Deno.test("startofweek() is the Sunday on or before, constant and over a column (docs)", async () => {
  const [row] = (await runKql(`print
    back = startofweek(datetime(2017-01-01 10:10:17), -1),
    same = startofweek(datetime(2017-01-01 10:10:17)),
    next = startofweek(datetime(2017-01-01 10:10:17), 1)`)).toRecords();
  const iso = (v: unknown) => (v as Date).toISOString().slice(0, 10);
  assert.deepEqual([iso(row.back), iso(row.same), iso(row.next)], [
    "2016-12-25",
    "2017-01-01",
    "2017-01-08",
  ]);
  // 2026-03-11 is a Wednesday, 2026-03-15 a Sunday, 2026-03-14 a Saturday.
  const rows = (await runKql(`datatable(t: datetime)
    [datetime(2026-03-11 09:21:44), datetime(2026-03-15 00:00:00), datetime(2026-03-14 23:59:59)]
    | extend w = startofweek(t)`)).toRecords();
  assert.deepEqual(rows.map((r) => iso(r.w)), ["2026-03-08", "2026-03-15", "2026-03-08"]);
});
