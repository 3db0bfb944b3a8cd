/**
 * Casting typed columns to their schema types (src/data/_coerce.ts `coerceColumns`): a
 * duration read in nanoseconds (Parquet's unit, which nodejs-polars misreports) still comes out
 * in casefile's microseconds, and a value that does not fit its type becomes null and is counted,
 * never an exception. Expected values by hand (1 s is 1,000,000 µs; 1.5 as a long is 1; 1e300
 * fits no long). Found by `deno task mutate src/data/_coerce.ts` (issue 23).
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { coerceColumns } from "../../src/data/_coerce.ts";

Deno.test("mutation/coerce: a nanosecond duration becomes a timespan in microseconds", () => {
  const frame = pl.DataFrame({
    d: pl.Series("d", [1_000_000_000, 2_500_000_000, null]).cast(pl.Duration("ns")),
  });
  const out = coerceColumns(frame, new Map([["d", "timespan"]]));
  assert.deepEqual(out.frame.getColumn("d").toArray(), [1_000_000, 2_500_000, null]);
  assert.deepEqual(out.misfits, []);
});

Deno.test("mutation/coerce: a number that fits no long is null and counted, not an error", () => {
  const frame = pl.DataFrame({ r: [1.5, 1e300, -2.5, null] });
  const out = coerceColumns(frame, new Map([["r", "long"]]));
  assert.deepEqual(out.frame.getColumn("r").toArray(), [1, null, -2, null]);
  assert.deepEqual(out.misfits, [{ name: "r", type: "long", misfits: 1 }]);
});
