/**
 * A big one-chunk table (issue 22): the engine splits it into one piece per core so that a
 * dynamic property read once for several uses runs in parallel. Every row is still counted
 * once, in order, and the one-pass guard still sends a row in the last piece to the exact
 * reading. Expected values are computed by hand from how the rows are made.
 */
import assert from "node:assert/strict";
import { runKql } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";

const ROWS = 300_000;

const SCHEMAS = {
  T: {
    name: "T",
    columns: [
      { name: "Pid", type: "long" as const },
      { name: "Computer", type: "string" as const },
      { name: "d", type: "dynamic" as const },
    ],
  },
};

/**
 * Row k: host `HOST-(k mod 7)`, `Elevated` true when 3 divides k, and on row 299,998 only a
 * `Score` of 0.000001 (serde writes 1e-6: the exact reading must give it as written).
 */
function table(): pl.DataFrame {
  const pids = Array.from({ length: ROWS }, (_, k) => k);
  const frame = pl.DataFrame({
    Pid: pl.Series("Pid", pids, pl.Int64),
    Computer: pids.map((k) => `HOST-${k % 7}`),
    d: pids.map((k) =>
      k === 299_998
        ? `{"Elevated":false,"Score":0.000001}`
        : `{"Elevated":${k % 3 === 0},"Pid":${k}}`
    ),
  });
  assert.equal(frame.getColumn("d").nChunks(), 1, "the case needs a one-chunk table");
  return frame;
}

Deno.test("a 300,000-row table: a dynamic property filter counts each row once, per host", async () => {
  const frame = await runKql(
    `T | where tostring(d.Elevated) == "true" | summarize n = count() by Computer
       | order by Computer asc`,
    { tables: { T: table() }, schemas: SCHEMAS },
  );
  // k = 3m with k ≡ h (mod 7) is k ≡ 3·(5h mod 7) (mod 21); 300,000 = 21·14,285 + 15, so
  // residues below 15 occur 14,286 times and the others 14,285 times.
  const expected = [14_286, 14_285, 14_286, 14_286, 14_285, 14_286, 14_286];
  assert.deepEqual(
    frame.toRecords(),
    expected.map((n, h) => ({ Computer: `HOST-${h}`, n })),
  );
  assert.equal(expected.reduce((a, b) => a + b), 100_000);
});

Deno.test("a 300,000-row table: a row in the last piece is read exactly, rows keep their order", async () => {
  const frame = await runKql(
    `T | extend Score = tostring(d.Score), Pid2 = tolong(d.Pid)
       | where isnotempty(Score) or Pid2 in (0, 149999, 150000, 299999)
       | project Pid, Score, Pid2`,
    { tables: { T: table() }, schemas: SCHEMAS },
  );
  assert.deepEqual(frame.toRecords(), [
    { Pid: 0, Score: "", Pid2: 0 },
    { Pid: 149_999, Score: "", Pid2: 149_999 },
    { Pid: 150_000, Score: "", Pid2: 150_000 },
    { Pid: 299_998, Score: "0.000001", Pid2: null },
    { Pid: 299_999, Score: "", Pid2: 299_999 },
  ]);
});
