/**
 * Tables of other workspaces in the query text (`workspace("emea").SecurityAlert`) through
 * the real Sentinel provider against the loopback Log Analytics service, which resolves
 * them by workspace id, name or resource id as the real service does.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DEMO_WORKSPACE_ID,
  type LogAnalyticsService,
  startLogAnalyticsService,
} from "../twins/log_analytics/mod.ts";
import {
  type SentinelProvider,
  SentinelQueryError,
} from "../../src/providers/sentinel/sentinel_provider.ts";
import { DEMO_CASE_DIR, openLocalProvider } from "../../src/providers/mod.ts";
import { KqlUnsupportedError } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";
import { openTwinProvider } from "./_twin_provider.ts";

const EMEA = "0d6f4b1a-3c2e-4f8d-9a7b-5e1c2d3f4a5b";
const EMEA_RESOURCE =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-emea/providers/" +
  "Microsoft.OperationalInsights/workspaces/law-emea";

/** The first workspace holds 5 alerts, `emea` the demo case's 15. */
async function withTwoWorkspaces(
  fn: (provider: SentinelProvider, service: LogAnalyticsService) => Promise<void>,
): Promise<void> {
  const five = await tempFolder({
    "SecurityAlert.parquet": pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet")).head(5)
      .writeParquet(),
  });
  const service = await startLogAnalyticsService({
    workspaces: { [DEMO_WORKSPACE_ID]: five, [EMEA]: DEMO_CASE_DIR },
    workspaceNames: { "law-emea": EMEA },
    resources: { [EMEA_RESOURCE]: EMEA },
  });
  const provider = await openTwinProvider(service, { workspace: DEMO_WORKSPACE_ID });
  try {
    await fn(provider, service);
  } finally {
    provider.close();
    await service.close();
  }
}

const count = async (provider: SentinelProvider, query: string) =>
  Number((await provider.query(query)).frame.getColumn("Count").get(0));

Deno.test('workspace("...").T reads the other workspace\'s table, named by id, name or resource id', async () => {
  await withTwoWorkspaces(async (provider) => {
    assert.equal(await count(provider, "SecurityAlert | count"), 5);
    assert.equal(await count(provider, `workspace("${EMEA}").SecurityAlert | count`), 15);
    assert.equal(await count(provider, `workspace("law-emea").SecurityAlert | count`), 15);
    assert.equal(await count(provider, `workspace("LAW-EMEA").SecurityAlert | count`), 15);
    assert.equal(await count(provider, `workspace("${EMEA_RESOURCE}").SecurityAlert | count`), 15);
    assert.equal(
      await count(provider, `union SecurityAlert, workspace("law-emea").SecurityAlert | count`),
      20,
    );
    // Rows say which workspace they come from, as in Log Analytics.
    const tenants = await provider.query(
      `union SecurityAlert, workspace("law-emea").SecurityAlert | summarize n = count() by TenantId`,
    );
    const rows = tenants.frame.toRecords().sort((a, b) => Number(a.n) - Number(b.n));
    assert.deepEqual(rows, [{ TenantId: DEMO_WORKSPACE_ID, n: 5 }, { TenantId: EMEA, n: 15 }]);
    // In a join's right side, in brackets.
    assert.equal(
      await count(
        provider,
        `SecurityAlert | join kind=inner (workspace('law-emea').['SecurityAlert'] | project SystemAlertId) on SystemAlertId | count`,
      ),
      5,
    );
  });
});

Deno.test("a workspace the service does not know is the service's query error", async () => {
  await withTwoWorkspaces(async (provider) => {
    await assert.rejects(
      provider.query(`workspace("law-apac").SecurityAlert | count`),
      (e: unknown) => e instanceof SentinelQueryError && /law-apac/.test(String(e.message)),
    );
  });
});

Deno.test("the local provider refuses another workspace's table by name, with a hint", async () => {
  const local = await openLocalProvider();
  await assert.rejects(
    local.query(`union SecurityAlert, workspace("emea").SecurityAlert | count`),
    (e: unknown) =>
      e instanceof KqlUnsupportedError && /workspace\("emea"\)\.SecurityAlert/.test(e.message) &&
      /Sentinel provider/.test(e.hint ?? ""),
  );
});
