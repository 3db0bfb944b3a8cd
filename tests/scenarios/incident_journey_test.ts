/**
 * Issue 20's journey in one REPL session, piped as an analyst would type it: start from
 * Sentinel incident 1010 (`--incident` on the Sentinel provider: the Log Analytics twin
 * answers queries, the ARM twin holds the incident), query the workspace with the
 * incident's parameters, `.connect` the Kusto twin and the Graph advanced hunting twin and
 * ask each about the incident's entities (`%kql @adx`: the attacker IP's sign-ins of the
 * victim; `%kql @xdr`: the encoded PowerShell on the victim's workstation), mark both as
 * findings, write them back and close the incident, export a script and replay it with
 * `casefile run SCRIPT -- --refresh`.
 *
 * Expected values come from the demo case's answer key (fixtures/demo-case/ANSWERS.md):
 * the victim daniel.reyes@larkspurlogistics.example and workstation LKS-WS-1042, the
 * attacker 203.0.113.45, its IMAP success at 2026-03-11T03:47:29Z (stage 2), the MFA
 * prompt at 09:21:44Z and success at 09:26:10Z (stage 3), the PowerShell cradle with
 * -EncodedCommand at 2026-03-12T01:52:08Z under explorer.exe (stage 7).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_WORKSPACE_ID, startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { DEMO_INCIDENT_ID, startArmService } from "../twins/arm/mod.ts";
import { startKustoService } from "../twins/kusto/mod.ts";
import { startGraphHuntingService } from "../twins/graph_hunting/mod.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";
import { pipeRepl } from "../repl/_piped.ts";

const VICTIM = "daniel.reyes@larkspurlogistics.example";
const ATTACKER = "203.0.113.45";

Deno.test("issue 20: from a Sentinel incident over three providers to write-back, export and replay", async () => {
  const logs = await startLogAnalyticsService();
  const arm = await startArmService();
  const kusto = await startKustoService();
  const graph = await startGraphHuntingService({ now: new Date("2026-03-16T00:00:00Z") });
  try {
    // One CA file for the four twins: Deno reads NODE_EXTRA_CA_CERTS once, at start.
    const home = await tempFolder({
      "twins-ca.pem": [logs, arm, kusto, graph].map((t) => t.caCertificate).join("\n"),
    });
    const env = {
      NODE_EXTRA_CA_CERTS: join(home, "twins-ca.pem"),
      CASEFILE_SENTINEL_ENDPOINT: logs.endpoint,
      CASEFILE_SENTINEL_TOKEN: logs.token,
      CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
      CASEFILE_ARM_ENDPOINT: arm.endpoint,
      CASEFILE_ARM_TOKEN: arm.token,
      CASEFILE_ADX_TOKEN: kusto.token,
      CASEFILE_XDR_ENDPOINT: graph.endpoint,
      CASEFILE_XDR_TOKEN: graph.token,
      XDG_CONFIG_HOME: await tempFolder(),
    };
    const tokens = [logs.token, arm.token, kusto.token, graph.token];
    const script = join(home, "journey.ts");
    const run = await pipeRepl(home, "incident-1010", [
      "%kql legacy = SigninLogs | where TimeGenerated between ({{window.start}} .. {{window.end}}) " +
      '| where UserPrincipalName in ({{accounts}}) and IPAddress in ({{ips}}) and ResultType == "0" ' +
      '| where ClientAppUsed == "IMAP4" | project TimeGenerated, UserPrincipalName, IPAddress',
      `.connect adx ${kusto.endpoint} demo`,
      "%kql @adx attacker = SigninLogs | where IPAddress in ({{ips}}) and UserPrincipalName in " +
      '({{accounts}}) and ResultType in ("0", "50079") ' +
      "| summarize First = min(TimeGenerated) by ResultType, ClientAppUsed, IPAddress " +
      "| order by First asc",
      ".connect xdr",
      "%kql @xdr cradle = DeviceProcessEvents " +
      "| where Timestamp between ({{window.start}} .. {{window.end}}) " +
      '| where tostring(split(DeviceName, ".")[0]) in~ ({{hosts}}) ' +
      '| where FileName =~ "powershell.exe" and ProcessCommandLine has "-EncodedCommand" ' +
      '| where InitiatingProcessFileName =~ "explorer.exe" ' +
      "| project Timestamp, DeviceName, AccountName, ProcessCommandLine",
      "`attacker ${attacker.height} cradle ${cradle.height}`",
      ".mark attacker finding The attacker's address signed in as the victim",
      ".mark cradle finding Encoded PowerShell download cradle on the victim's workstation",
      ".incident write --close TruePositive --reason SuspiciousActivity",
      `.export script ${script}`,
    ], {
      env,
      args: [
        "--provider",
        "sentinel",
        "--workspace",
        DEMO_WORKSPACE_ID,
        "--incident",
        DEMO_INCIDENT_ID,
        "--workspace-resource",
        arm.workspaceResourceId,
      ],
    });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.doesNotMatch(run.stderr, /error/i, run.stderr);

    // Seeded from the incident: the answer key's victim, workstation and attacker.
    assert.match(run.stdout, /incident 1010 \(d1e91529-2e60-4a66-92c5-8a02ad2960e4\)/);
    assert.match(run.stdout, new RegExp(`accounts = ${VICTIM}`));
    assert.match(run.stdout, /hosts = lks-ws-1042/i);
    assert.match(run.stdout, /ips = .*203\.0\.113\.45/);
    // Each provider got its query with the incident's values in it.
    const laQuery = logs.requests.map((r) => String((r.body as { query?: string })?.query))
      .find((q) => q.includes("IMAP4"));
    assert.ok(laQuery?.includes(ATTACKER), "the workspace query carries the attacker's IP");
    const adxAsked = kusto.requests.filter((r) => r.path === "/v2/rest/query");
    assert.ok(JSON.stringify(adxAsked.map((r) => r.body)).includes(VICTIM), "ADX got the victim");
    const xdrAsked = graph.requests.filter((r) => r.path.endsWith("/runHuntingQuery"));
    assert.match(JSON.stringify(xdrAsked.map((r) => r.body)), /lks-ws-1042/i);
    // What each answered, as the answer key has it: the IMAP success, the MFA prompt and the
    // browser success from the attacker (stages 2, 3); the one cradle (stage 7).
    assert.match(run.stdout, /^attacker 3 cradle 1$/m);
    assert.match(run.stdout, /0\s+IMAP4\s+203\.0\.113\.45\s+2026-03-11 03:47:29/);
    assert.match(run.stdout, /50079\s+Browser\s+203\.0\.113\.45\s+2026-03-11 09:21:44/);
    assert.match(run.stdout, /0\s+Browser\s+203\.0\.113\.45\s+2026-03-11 09:26:10/);
    assert.match(run.stdout, /2026-03-12 01:52:08\s+lks-ws-1042\.\S+\s+daniel\.reyes/);
    assert.match(run.stdout, /written: bookmark The attacker's address/);
    assert.match(run.stdout, /written: bookmark Encoded PowerShell/);
    assert.match(run.stdout, /written: comment/);
    assert.match(run.stdout, /written: incident .*Closed\/TruePositive/);

    // The twin's incident: two bookmarks with their KQL and rows, the comment, the status.
    const bookmarks = arm.bookmarks().filter((b) =>
      (b.properties.incidentInfo as { incidentId?: string })?.incidentId === DEMO_INCIDENT_ID
    );
    assert.equal(bookmarks.length, 2);
    const byName = (text: string) =>
      bookmarks.find((b) => String(b.properties.displayName).includes(text))!.properties;
    const signins = byName("The attacker's address");
    assert.match(String(signins.query), /^SigninLogs \| where IPAddress in \(.*203\.0\.113\.45/);
    assert.match(String(signins.notes), /run on casefile's @adx provider/);
    const signinRows = JSON.parse(String(signins.queryResult));
    assert.equal(signinRows.rows, 3);
    assert.equal(signinRows.sample[0].ClientAppUsed, "IMAP4");
    assert.match(String(signinRows.sample[0].First), /^2026-03-11T03:47:29/);
    const cradle = byName("Encoded PowerShell");
    assert.match(String(cradle.query), /^DeviceProcessEvents \|.*lks-ws-1042.*-EncodedCommand/i);
    assert.match(String(cradle.notes), /run on casefile's @xdr provider/);
    const cradleRows = JSON.parse(String(cradle.queryResult));
    assert.equal(cradleRows.rows, 1);
    assert.match(String(cradleRows.sample[0].Timestamp), /^2026-03-12T01:52:08/);
    assert.equal(cradleRows.sample[0].AccountName, "daniel.reyes");
    assert.match(cradleRows.sample[0].ProcessCommandLine, /powershell.*-EncodedCommand/i);
    const comments = arm.comments(DEMO_INCIDENT_ID);
    assert.equal(comments.length, 1);
    const message = String(comments[0].properties.message);
    assert.match(
      message,
      /The attacker's address signed in as the victim \(step \d+ on @adx, 3 rows\)/,
    );
    assert.match(message, /Encoded PowerShell download cradle .* \(step \d+ on @xdr, 1 rows\)/);
    const incident = arm.incident(DEMO_INCIDENT_ID)!.properties;
    assert.deepEqual(
      [incident.status, incident.classification, incident.classificationReason],
      ["Closed", "TruePositive", "SuspiciousActivity"],
    );

    // The script names each step's provider and opens each again.
    const text = await Deno.readTextFile(script);
    assert.match(text, /provider: \{\s*kind: "sentinel"/);
    assert.match(text, /session\.query\(\s*"attacker",[\s\S]*?\{ provider: "adx" \}/);
    assert.match(text, /session\.query\(\s*"cradle",[\s\S]*?\{ provider: "xdr" \}/);
    assert.match(text, /--hosts strings \(default "lks-ws-1042"\)/i);

    // The replay asks the three services again (past the cache) and finds the same answers.
    const asked = [logs.requests.length, adxAsked.length, xdrAsked.length];
    const replay = await runCasefile(
      ["--home", home, "run", script, "--", "--session", "again", "--refresh"],
      { cwd: home, env },
    );
    assert.equal(replay.code, 0, replay.stderr + replay.stdout);
    assert.match(replay.stdout, /step \d+ legacy: frame, 1 rows\s+equal/);
    assert.match(replay.stdout, /step \d+ attacker: frame, 3 rows\s+equal/);
    assert.match(replay.stdout, /step \d+ cradle: frame, 1 rows\s+equal/);
    const summary = /(\d+) steps replayed: (\d+) equal$/m.exec(replay.stdout);
    assert.ok(summary && summary[1] === summary[2], replay.stdout);
    assert.ok(logs.requests.length > asked[0], "the replay asked the workspace again");
    assert.ok(kusto.requests.filter((r) => r.path === "/v2/rest/query").length > asked[1]);
    assert.ok(graph.requests.filter((r) => r.path.endsWith("/runHuntingQuery")).length > asked[2]);

    // No token reached the journal, the sessions' files or the export.
    const written = [text];
    for (const session of ["incident-1010", "again"]) {
      for await (const entry of Deno.readDir(join(home, "sessions", session))) {
        if (entry.isFile) {
          written.push(await Deno.readTextFile(join(home, "sessions", session, entry.name)));
        }
      }
    }
    for (const t of written) {
      assert.ok(!tokens.some((token) => t.includes(token)), "a token leaked");
    }
  } finally {
    await graph.close();
    await kusto.close();
    await arm.close();
    await logs.close();
  }
});
