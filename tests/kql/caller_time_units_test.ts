/**
 * A caller's frame with datetimes or durations in another unit than the engine's
 * microseconds (JavaScript dates give milliseconds, Arrow files often nanoseconds): the
 * values mean the same instants and lengths in every function.
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { runKql } from "../../mod.ts";

for (const unit of ["ms", "ns"] as const) {
  Deno.test(`a caller's Datetime("${unit}") and Duration("${unit}") columns keep their values`, async () => {
    const t = pl.Series("t", [new Date("2024-03-01T10:00:00Z")]).cast(pl.Datetime(unit));
    // 1.5 seconds written in the column's own unit.
    const d = pl.Series("d", [unit === "ms" ? 1500 : 1_500_000_000]).cast(pl.Duration(unit));
    const result = await runKql(
      `T | project s = tostring(t), h = hourofday(t), later = tostring(t + d),
         ds = tostring(d), seconds = d / 1s`,
      { tables: { T: pl.DataFrame([t, d]) } },
    );
    assert.deepEqual(result.toRecords(), [{
      s: "2024-03-01T10:00:00.0000000Z",
      h: 10,
      later: "2024-03-01T10:00:01.5000000Z",
      ds: "00:00:01.5000000",
      seconds: 1.5,
    }]);
  });
}
