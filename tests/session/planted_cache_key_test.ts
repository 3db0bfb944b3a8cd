/**
 * Planted bug the suite let through (issue 23): the session's result cache keyed a query
 * without its provider options, so the same text run over more workspaces was served the
 * one-workspace answer as a cache hit. Through a session on the Sentinel provider against
 * the loopback Log Analytics service, as a notebook runs it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_WORKSPACE_ID, startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { openTwinProvider } from "../providers/_twin_provider.ts";
import { DEMO_CASE_DIR } from "../../src/providers/mod.ts";
import { openSession } from "../../src/session/session.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";

const EMEA = "0d6f4b1a-3c2e-4f8d-9a7b-5e1c2d3f4a5b";

Deno.test("session cache: a query's provider options are part of its key (more workspaces, more rows)", async () => {
  // The first workspace holds the demo case's first 5 alerts, the second all 15
  // (ANSWERS.md: SecurityAlert has 15 rows): 5 alone, 5 + 15 = 20 over both.
  const five = await tempFolder({
    "SecurityAlert.parquet": pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet")).head(5)
      .writeParquet(),
  });
  const service = await startLogAnalyticsService({
    workspaces: { [DEMO_WORKSPACE_ID]: five, [EMEA]: DEMO_CASE_DIR },
  });
  const provider = await openTwinProvider(service, { workspace: DEMO_WORKSPACE_ID });
  const home = await tempFolder();
  const session = await openSession("workspaces", { home, provider });
  try {
    const query = "SecurityAlert | project AlertName";
    const one = await session.query("one", query);
    assert.equal(one.height, 5);
    const both = await session.query("both", query, {
      providerOptions: { additionalWorkspaces: [EMEA] },
    });
    assert.equal(both.height, 20, "the two-workspace query was served the one-workspace rows");
    assert.equal(session.step(2).record.cache, "miss");
    // The same options again are a hit, with the same 20 rows.
    const again = await session.query("again", query, {
      providerOptions: { additionalWorkspaces: [EMEA] },
    });
    assert.equal(again.height, 20);
    assert.equal(session.step(3).record.cache, "hit");
  } finally {
    await session.close();
    provider.close();
    await service.close();
  }
});
