/**
 * `union *`, `search` and `find` over the demo case reach its tables, as a Sentinel
 * workspace's wildcards reach the workspace's tables: not the case's watchlists and
 * outside-data files (hr_employees, accounts, ...), which a query reads by name only.
 * Expected: the case's table list in fixtures/demo-case/manifest.json.
 */
import assert from "node:assert/strict";
import { openLocalProvider } from "../../src/providers/mod.ts";

const manifest = JSON.parse(
  await Deno.readTextFile(new URL("../../fixtures/demo-case/manifest.json", import.meta.url)),
) as { tables: { name: string }[] };
const CASE_TABLES = manifest.tables.map((t) => t.name).sort();

Deno.test("union withsource=TableName * lists the case's tables, no watchlist", async () => {
  const provider = await openLocalProvider();
  const result = await provider.query("union withsource=TableName * | summarize by TableName");
  const names = (result.frame.getColumn("TableName").toArray() as string[]).sort();
  assert.deepEqual(names, CASE_TABLES);
  // A watchlist is still there by name.
  const hr = await provider.query("hr_employees | count");
  assert.ok(Number(hr.frame.getColumn("Count").get(0)) > 0);
});
