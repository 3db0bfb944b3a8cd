/**
 * Inference over text columns in hundreds of pieces, as Polars' NDJSON reader leaves a big
 * file (issue 22: the tried columns are joined first). The types and values are the ones a
 * person reads off the rows, computed by hand from how the rows are made.
 */
import assert from "node:assert/strict";
import { inferTextColumns } from "../../src/data/_coerce.ts";
import { type DataFrame, pl } from "../../src/polars.ts";

const PIECES = 300;
const ROWS_PER_PIECE = 100;
const START = Date.UTC(2026, 2, 1);

/**
 * Row k: a time k seconds after 2026-03-01, a count "k mod 10", a code that is "007" on
 * row 20,500 only (a leading zero: the column stays text), a name, and an empty column.
 */
function piece(p: number): DataFrame {
  const ks = Array.from({ length: ROWS_PER_PIECE }, (_, i) => p * ROWS_PER_PIECE + i);
  return pl.DataFrame({
    Time: ks.map((k) => new Date(START + k * 1000).toISOString().replace(".000Z", "Z")),
    Count: ks.map((k) => String(k % 10)),
    Code: ks.map((k) => (k === 20_500 ? "007" : String(100 + (k % 50)))),
    Name: ks.map((k) => `n${k}`),
  }).withColumns(pl.lit(null).cast(pl.Utf8).alias("Empty"));
}

Deno.test("text columns in 300 pieces: times, numbers and text inferred as written", () => {
  const frame = pl.concat(Array.from({ length: PIECES }, (_, p) => piece(p)), {
    rechunk: false,
    how: "vertical",
  } as never);
  assert.equal(frame.getColumn("Time").nChunks(), PIECES, "the case needs many pieces");
  const { frame: typed, columns } = inferTextColumns(frame);
  assert.deepEqual(columns.map((c) => [c.name, c.type]), [
    ["Time", "datetime"],
    ["Count", "long"],
    ["Code", "string"],
    ["Name", "string"],
    ["Empty", "string"],
  ]);
  assert.equal(typed.height, 30_000);
  const [summary] = typed.select(
    pl.col("Time").min().cast(pl.Int64).alias("first"),
    pl.col("Time").max().cast(pl.Int64).alias("last"),
    pl.col("Count").sum().alias("total"),
    pl.col("Code").eq(pl.lit("007")).sum().alias("sevens"),
  ).toRecords();
  // Microseconds: the last row is 29,999 s after the start; counts 0..9 repeat 3,000 times.
  assert.deepEqual(
    { ...summary },
    {
      first: START * 1000,
      last: (START + 29_999_000) * 1000,
      total: 135_000,
      sevens: 1,
    },
  );
  // Row order kept: row 12,345 is 12,345 s in and counts 5.
  assert.equal(Number(typed.getColumn("Count").get(12_345)), 5);
  const micros = typed.select(pl.col("Time").cast(pl.Int64).cast(pl.Float64)).getColumn("Time");
  assert.equal(Number(micros.get(12_345)), (START + 12_345_000) * 1000);
  assert.equal(typed.getColumn("Name").get(29_999), "n29999");
});
