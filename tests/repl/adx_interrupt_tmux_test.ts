/**
 * Ctrl-C during a query on Azure Data Explorer, in a real terminal: the loopback Kusto
 * cluster holds the request (`hang`), the analyst presses Ctrl-C, the REPL says it
 * cancelled and comes back, the journal records the step as cancelled, and the same query
 * runs to the end once the cluster answers again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { tempFolder } from "../_helpers.ts";
import { startKustoService } from "../twins/kusto/mod.ts";

/** SecurityAlert's rows, as the demo case's generator wrote them in its manifest. */
const ALERTS = (JSON.parse(
  await Deno.readTextFile(new URL("../../fixtures/demo-case/manifest.json", import.meta.url)),
) as { tables: { name: string; rows: number }[] }).tables.find((x) => x.name === "SecurityAlert")!
  .rows;

Deno.test({
  name: "Ctrl-C cancels a query held by the ADX cluster; the REPL and session go on",
  ignore: !(await tmuxAvailable()),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const service = await startKustoService();
    const home = await tempFolder();
    const t = new Terminal();
    try {
      await t.start(
        [
          "repl",
          "--home",
          home,
          "--session",
          "remote",
          "--provider",
          "adx",
          "--cluster",
          service.endpoint,
          "--database",
          "demo",
        ],
        {
          NODE_EXTRA_CA_CERTS: service.caCertificatePath,
          CASEFILE_ADX_TOKEN: service.token,
          XDG_CONFIG_HOME: await tempFolder(),
        },
      );
      await t.waitFor(/remote>/);
      // Only the analyst's query is held: the REPL's own requests (table names for completion)
      // must not take the fault.
      service.inject({ kind: "hang" }, { queryIncludes: "project AlertName" });
      await t.line("%kql held = SecurityAlert | project AlertName");
      await t.waitFor(/Ctrl-C cancels/);
      // The request is at the cluster, held there.
      while (
        !service.requests.some((r) =>
          r.path === "/v2/rest/query" &&
          String((r.body as { csl?: unknown })?.csl).includes("project AlertName")
        )
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await t.press("C-c");
      await t.waitFor(/^Cancelled\.$/m);
      const journal = await Deno.readTextFile(join(home, "sessions", "remote", "journal.jsonl"));
      const held = journal.trim().split("\n").map((l) => JSON.parse(l))
        .filter((r) => r.type === "step" && r.name === "held");
      assert.deepEqual(held.map((r) => r.status), ["error"]);
      assert.match(String(held[0].error?.message), /cancelled/i);
      // The cluster answers again: the same query runs to the end, with every alert.
      await t.line("%kql held = SecurityAlert | project AlertName");
      await t.waitFor(/\(held · step \d+/);
      await t.line("held.height");
      await t.waitFor(new RegExp(`^${ALERTS}$`, "m"));
    } finally {
      await t.close();
      await service.close();
    }
  },
});
