/**
 * Log Analytics' longs past 2^53 read exactly, as ADX's and XDR's are: the body parsed with
 * exact integers (raw JSON) and the column built from BigInts. A value past Int64 does not
 * fit a `long` and refuses the answer rather than wrapping around.
 */
import assert from "node:assert/strict";
import { tableToFrame } from "../../src/providers/sentinel/_results.ts";
import { parseExact } from "../../src/providers/_exact_json.ts";
import { pl } from "../../src/polars.ts";

function longs(text: string): unknown[] {
  const body = parseExact(text) as { tables: [Parameters<typeof tableToFrame>[0]] };
  const { frame } = tableToFrame(body.tables[0]);
  return frame.select(pl.col("l").cast(pl.Utf8)).getColumn("l").toArray();
}

Deno.test("sentinel results keep longs past 2^53 exact, from numbers and from text", () => {
  const text = `{"tables":[{"name":"PrimaryResult","columns":[{"name":"l","type":"long"},
    {"name":"r","type":"real"}],"rows":[[9007199254740993,1],[-9223372036854775808,2],
    [null,3],["9223372036854775807",100000000000000000000],[5,4]]}]}`;
  // By hand: 2^53 + 1, -2^63, 2^63 - 1.
  assert.deepEqual(longs(text), [
    "9007199254740993",
    "-9223372036854775808",
    null,
    "9223372036854775807",
    "5",
  ]);
  const body = parseExact(text) as { tables: [Parameters<typeof tableToFrame>[0]] };
  const reals = tableToFrame(body.tables[0]).frame.getColumn("r").toArray();
  assert.deepEqual(reals, [1, 2, 3, 1e20, 4]);
});

Deno.test("sentinel results refuse a long past Int64 instead of wrapping it", () => {
  assert.throws(
    () =>
      longs(
        `{"tables":[{"name":"PrimaryResult","columns":[{"name":"l","type":"long"}],` +
          `"rows":[[9223372036854775808]]}]}`,
      ),
    /column l is declared long but row 0 holds 9223372036854775808/,
  );
});
