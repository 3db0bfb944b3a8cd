/**
 * Numbers of 16 digits or more in all, a point among them (`123456789012345.67`,
 * `0.12345678901234567`): serde, which reads JSON for Polars, may read such a number one
 * unit off in its last place, so the native reading must leave them to the exact one.
 * The expected texts are JavaScript's spelling of each number (`JSON.stringify` of
 * `JSON.parse`), written out by hand.
 */
import assert from "node:assert/strict";
import { executeOn, sourceTables } from "../../src/kql/run.ts";
import { pl } from "../../src/polars.ts";

const TEXTS = [
  `{"x":123456789012345.67,"y":0.12345678901234567,"t":["a"],"z":[1234567890.1234567]}`,
  `{"x":1.5,"y":2,"t":["b"],"z":[3]}`,
];

async function rows(query: string): Promise<Record<string, unknown>[]> {
  const tables = sourceTables({ T: pl.DataFrame({ F: TEXTS }) }, {
    T: { name: "T", columns: [{ name: "F", type: "dynamic" }] },
  });
  return (await executeOn(query, tables, { now: new Date(0) })).frame.toRecords();
}

Deno.test("long fractions in dynamic values read as JavaScript reads them", async () => {
  assert.deepStrictEqual(
    await rows("T | project x = tostring(F.x), y = tostring(F.y), z = tostring(F.z)"),
    [
      { x: "123456789012345.67", y: "0.12345678901234566", z: "[1234567890.1234567]" },
      { x: "1.5", y: "2", z: "[3]" },
    ],
  );
  assert.deepStrictEqual(
    await rows("T | mv-expand z = F.z | project z = tostring(z)"),
    [{ z: "1234567890.1234567" }, { z: "3" }],
  );
  assert.deepStrictEqual(
    await rows(`print b = tostring(parse_json('[0.12345678901234567]'))`),
    [{ b: "[0.12345678901234566]" }],
  );
});
