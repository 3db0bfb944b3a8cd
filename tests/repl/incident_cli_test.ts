/**
 * `casefile repl --incident ID` as an analyst runs it, with piped input: the Log Analytics
 * twin answers queries, the ARM twin holds the demo case's incidents. The session starts
 * seeded from incident 1010 (the answer key's intrusion), a query uses its parameters, the
 * step is marked as a finding and written back with a comment and the incident closed;
 * then the ARM twin's state is checked. Both twins' CAs go in one NODE_EXTRA_CA_CERTS file
 * (Deno reads it once, at the child's first TLS connection).
 */
import assert from "node:assert/strict";
import { DEMO_WORKSPACE_ID, startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { DEMO_INCIDENT_ID, startArmService } from "../twins/arm/mod.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

Deno.test("casefile repl --incident seeds the session, and .incident write closes the case", async () => {
  const logs = await startLogAnalyticsService();
  const arm = await startArmService();
  try {
    const folder = await tempFolder({ "ca.pem": logs.caCertificate + arm.caCertificate });
    const home = await tempFolder();
    const lines = [
      ".params",
      "%kql legacy = SigninLogs | where TimeGenerated between ({{window.start}} .. {{window.end}}) " +
      '| where UserPrincipalName in ({{accounts}}) and IPAddress in ({{ips}}) and ResultType == "0" ' +
      '| where ClientAppUsed == "IMAP4" | project TimeGenerated, UserPrincipalName, IPAddress',
      "legacy.height",
      ".mark legacy finding Legacy IMAP sign-in of the victim from the attacker",
      ".incident write --close TruePositive --reason SuspiciousActivity --report reports/case.html",
      ".incident write --bogus",
      "alerts.height",
    ];
    const args = ["repl", "--home", home, "--session", "incident-1010", "--provider", "sentinel"];
    const { code, stdout, stderr } = await runCasefile([
      ...args,
      "--workspace",
      DEMO_WORKSPACE_ID,
      "--incident",
      DEMO_INCIDENT_ID,
      "--workspace-resource",
      arm.workspaceResourceId,
    ], {
      stdin: lines.join("\n") + "\n",
      env: {
        NODE_EXTRA_CA_CERTS: `${folder}/ca.pem`,
        CASEFILE_SENTINEL_ENDPOINT: logs.endpoint,
        CASEFILE_SENTINEL_TOKEN: logs.token,
        CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
        CASEFILE_ARM_ENDPOINT: arm.endpoint,
        CASEFILE_ARM_TOKEN: arm.token,
        XDG_CONFIG_HOME: await tempFolder(),
      },
    });
    assert.equal(code, 0, stderr);

    // Seeded: the incident, and the answer key's victim and attacker as parameters.
    assert.match(stdout, /incident 1010 \(d1e91529-2e60-4a66-92c5-8a02ad2960e4\)/);
    assert.match(stdout, /accounts\s+strings\s+daniel\.reyes@larkspurlogistics\.example/);
    assert.match(stdout, /ips\s+strings\s+.*203\.0\.113\.45/);
    assert.match(stdout, /window\s+timerange\s+2026-03-11T01:10:00/);
    // The query on the workspace found the one legacy sign-in (ANSWERS.md, stage 2).
    const query = logs.requests.find((r) =>
      String((r.body as { query?: string })?.query).includes("IMAP4")
    );
    assert.ok(query, "the query went to the Log Analytics twin");
    assert.match(String((query.body as { query: string }).query), /203\.0\.113\.45/);
    assert.match(stdout, /^1$/m);
    // The incident's four alerts are a variable.
    assert.match(stdout, /^4$/m);
    assert.match(stdout, /written: bookmark Legacy IMAP sign-in/);
    assert.match(stdout, /written: comment/);
    assert.match(stdout, /written: incident .*Closed\/TruePositive/);
    // A mistake is an error with a hint, and the REPL goes on.
    assert.match(stderr, /--bogus is not an option of \.incident write/);

    const [bookmark] = arm.bookmarks();
    assert.match(String(bookmark.properties.query), /ClientAppUsed == "IMAP4"/);
    assert.equal(JSON.parse(String(bookmark.properties.queryResult)).rows, 1);
    const [comment] = arm.comments(DEMO_INCIDENT_ID);
    assert.match(String(comment.properties.message), /Legacy IMAP sign-in of the victim/);
    assert.match(String(comment.properties.message), /reports\/case\.html/);
    const incident = arm.incident(DEMO_INCIDENT_ID)!;
    assert.equal(incident.properties.status, "Closed");
    assert.equal(incident.properties.classification, "TruePositive");
    assert.equal(incident.properties.classificationReason, "SuspiciousActivity");
    // No token reached the journal.
    for await (const entry of Deno.readDir(`${home}/sessions/incident-1010`)) {
      if (!entry.isFile) continue;
      const text = await Deno.readTextFile(`${home}/sessions/incident-1010/${entry.name}`);
      assert.ok(!text.includes(arm.token) && !text.includes(logs.token), entry.name);
    }
  } finally {
    await arm.close();
    await logs.close();
  }
});
