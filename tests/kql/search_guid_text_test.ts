/**
 * `search` over a `guid` column reads its text as `where tostring(G) has "term"` does. A
 * guid column holds the text it was loaded with (a schema may declare `guid` over
 * `{...}`-wrapped or placeholder values), so a term with letters past `f` or punctuation can
 * match it; search's shortcut for "characters this type's text never holds" must not apply.
 * Expected rows by hand: "N/A" and "x" are in G's second and third rows only.
 */
import assert from "node:assert/strict";
import { runKql } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";

const T = pl.DataFrame([
  pl.Series("G", ["{6F1A2B3C-4D5E-4F60-8A7B-9C0D1E2F3A4B}", "N/A", "x"]),
  pl.Series("S", ["a", "b", "c"]),
]);
const schemas = {
  T: {
    name: "T",
    columns: [{ name: "G", type: "guid" as const }, { name: "S", type: "string" as const }],
  },
};
const found = async (query: string) =>
  (await runKql(query, { tables: { T }, schemas })).toRecords().map((r) => r.S);

Deno.test("search finds text in a guid column as where tostring(G) has finds it", async () => {
  assert.deepEqual(await found('T | where tostring(G) has "N/A"'), ["b"]);
  assert.deepEqual(await found('T | search "N/A"'), ["b"]);
  assert.deepEqual(await found('T | search "x"'), ["c"]);
  assert.deepEqual(await found('T | search G:"x"'), ["c"]);
  assert.deepEqual(await found('T | search "{6f1a2b3c*"'), ["a"]);
  // Canonical guid text still found, any case.
  assert.deepEqual(await found('T | search "6F1A2B3C"'), ["a"]);
});
