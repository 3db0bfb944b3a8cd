/**
 * A progressive ADX answer in a real terminal: the loopback Kusto cluster streams the first
 * fragment of the spray's sign-ins and keeps the query running (`stall`); the REPL's status
 * shows the rows received so far, Ctrl-C cancels it (nothing partial is kept), and the same
 * query then comes back whole: the answer key's 486 attempts.
 */
import assert from "node:assert/strict";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { tempFolder } from "../_helpers.ts";
import { startKustoService } from "../twins/kusto/mod.ts";

// ANSWERS.md, the password spray: 486 IMAP attempts from 203.0.113.61/.88/.45.
const SPRAY = '%kql spray = SigninLogs | where IPAddress in ("203.0.113.61", "203.0.113.88", ' +
  '"203.0.113.45") and ClientAppUsed == "IMAP4" | project TimeGenerated, UserPrincipalName';

Deno.test({
  name:
    "an ADX answer streams in fragments: the REPL shows rows so far, Ctrl-C stops it, the rerun is whole",
  ignore: !(await tmuxAvailable()),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const service = await startKustoService({ fragmentRows: 100 });
    const home = await tempFolder();
    const t = new Terminal();
    try {
      await t.start(
        [
          "repl",
          "--home",
          home,
          "--session",
          "stream",
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
      await t.waitFor(/stream>/);
      service.inject({ kind: "stall" }, { queryIncludes: "IMAP4" });
      await t.line(SPRAY);
      // The first fragment (100 rows) arrived; the rest has not.
      await t.waitFor(/100 rows so far/);
      const sent = service.requests.filter((r) => r.path === "/v2/rest/query").at(-1);
      const options = (sent?.body as { properties?: { Options?: Record<string, unknown> } })
        .properties?.Options;
      assert.equal(options?.results_progressive_enabled, true);
      await t.press("C-c");
      await t.waitFor(/^Cancelled\.$/m);
      await t.line("typeof spray");
      await t.waitFor(/^undefined$/m);
      await t.line(SPRAY);
      await t.waitFor(/\(spray · step \d+/);
      await t.line("spray.height");
      await t.waitFor(/^486$/m);
    } finally {
      await t.close();
      await service.close();
    }
  },
});
