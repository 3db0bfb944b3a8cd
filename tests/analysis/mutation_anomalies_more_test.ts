/**
 * decomposeSeries() and findAnomalies() where a second `deno task mutate
 * src/analysis/anomalies.ts --max 30` run found bugs the other tests let through (issue 23):
 * the options declared under another name (`.doc` and Tab completion read them by the
 * function's name), a missing point filled from the wrong neighbour, and a short hourly series
 * given a weekly period instead of the one it has. Expected values by hand (comments).
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { decomposeSeries, findAnomalies } from "../../src/analysis/anomalies.ts";
import { optionSpecsOf } from "../../src/options.ts";

const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 11);

function hourly(values: (number | null)[]) {
  return pl.DataFrame({
    TimeGenerated: values.map((_, i) => new Date(START + i * HOUR)),
    Count: values,
  });
}

Deno.test("mutation/anomalies: both functions' options are declared under their own names", () => {
  // `.doc decomposeSeries` marks column options and Tab completes option names from these.
  for (const fn of ["decomposeSeries", "findAnomalies"]) {
    const specs = optionSpecsOf(fn);
    assert.ok(specs, `${fn} has no declared options`);
    assert.deepEqual(Object.keys(specs).sort(), ["period", "threshold", "time", "value"]);
  }
});

Deno.test("mutation/anomalies: a missing point is filled with the mean of its two neighbours", () => {
  // 12 hours, no value at 02:00; the neighbours are 12 (01:00) and 20 (03:00): filled with 16,
  // and the parts of that point add up to it (40 at 04:00 must not be used).
  const values = [10, 12, null, 20, 40, 11, 10, 12, 11, 10, 12, 11];
  const rows = decomposeSeries(hourly(values)).toRecords();
  assert.equal(rows.length, 12);
  const gap = rows[2];
  assert.deepEqual(gap.time, new Date("2026-03-11T02:00:00Z"));
  assert.equal(gap.value, null);
  const sum = (gap.trend as number) + (gap.seasonal as number) + (gap.residual as number);
  assert.ok(Math.abs(sum - 16) < 1e-9, `parts add up to ${sum}, not 16`);
  // A point with a value keeps it: parts add up to the value itself.
  const after = rows[3];
  const sum3 = (after.trend as number) + (after.seasonal as number) + (after.residual as number);
  assert.ok(Math.abs(sum3 - 20) < 1e-9);
});

Deno.test("mutation/anomalies: a day of hourly points with a 4-hour cycle keeps the cycle seasonal", () => {
  // 24 hours (too few for a daily season): a job every 4 hours lifts the count from 10 to 50,
  // and one burst of 100 at 13:00. The season is the 4-hour cycle (found by autocorrelation,
  // not a weekly 7): the job's hours are no anomaly, only the burst is.
  const values = Array.from({ length: 24 }, (_, i) => (i === 13 ? 100 : i % 4 === 2 ? 50 : 10));
  const parts = decomposeSeries(hourly(values)).toRecords();
  const seasonal = parts.map((r) => r.seasonal as number);
  for (let i = 0; i + 4 < 24; i++) {
    assert.ok(Math.abs(seasonal[i] - seasonal[i + 4]) < 1e-9, `season differs at ${i}, ${i + 4}`);
  }
  // The job's hour sits 30 above the cycle's mean (phase medians 10, 10, 50, 10: mean 20).
  assert.ok(Math.abs(seasonal[2] - 30) < 1e-6, `seasonal at 02:00 is ${seasonal[2]}`);
  const found = findAnomalies(hourly(values)).toRecords();
  assert.deepEqual(found.map((r) => (r.time as unknown as Date).toISOString()), [
    "2026-03-11T13:00:00.000Z",
  ]);
  assert.equal(found[0].value, 100);
});
