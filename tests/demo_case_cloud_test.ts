/**
 * The demo case as a real workspace: the tables hunts join, watchlists, the second (cloud)
 * incident and the first intrusion's traces in the later tables. Every check is a plain
 * KQL query an analyst would write, run on the local provider, with expected values from
 * the answer keys (`CLOUD_ANSWER_KEY`, `ANSWER_KEY`), the HR export, or counted by hand.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { openLocalProvider } from "../src/providers/local/local_provider.ts";
import { ANSWER_KEY } from "../scripts/demo_case/_attack.ts";
import { CLOUD_ANSWER_KEY } from "../scripts/demo_case/_cloud_attack.ts";
import { FIRST_INCIDENT_TRACES } from "../scripts/demo_case/_traces.ts";
import { runCasefile, tempDir } from "./_helpers.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const CASE = join(REPO, "fixtures/demo-case");
const C = CLOUD_ANSWER_KEY;
const K = ANSWER_KEY;
const provider = await openLocalProvider();

type Rec = Record<string, unknown>;

async function rows(query: string): Promise<Rec[]> {
  const result = await provider.query(query);
  return result.frame.toRecords() as Rec[];
}

function iso(value: unknown): string {
  return new Date(value as Date).toISOString().replace(".000Z", "Z");
}

/** The tables the issue asks for, beyond the first cut's thirteen. */
const NEW_TABLES = [
  "Event",
  "AADNonInteractiveUserSignInLogs",
  "BehaviorAnalytics",
  "IdentityLogonEvents",
  "IdentityQueryEvents",
  "DeviceFileEvents",
  "DeviceRegistryEvents",
  "DeviceLogonEvents",
  "AzureActivity",
  "EmailEvents",
  "CloudAppEvents",
  "SecurityIncident",
];

Deno.test("the new tables exist, small, with the workspace columns filled", async () => {
  for (const name of NEW_TABLES) {
    const [r] = await rows(
      `${name} | summarize N = count(), Tenants = dcount(TenantId), Types = dcount(Type), ` +
        `NoTenant = countif(isempty(TenantId)), T = take_any(Type), Tenant = take_any(TenantId)`,
    );
    assert.ok(Number(r.N) >= 10 && Number(r.N) <= 6000, `${name}: ${r.N} rows`);
    assert.equal(Number(r.NoTenant), 0, `${name} TenantId`);
    assert.equal(r.T, name, `${name} Type`);
    assert.equal(r.Tenant, "c3a1e7f4-92d8-4b6a-8f15-6d0e9b2c4a77", `${name} workspace id`);
  }
  const [event] = await rows(
    "Event | summarize NoResource = countif(isempty(_ResourceId)), NoXml = countif(EventData !startswith '<DataItem'), N = count()",
  );
  assert.equal(Number(event.NoResource), 0, "Event rows name their Arc machine");
  assert.equal(Number(event.NoXml), 0, "Event rows carry EventData XML");
});

Deno.test("service installs: 7045 in Event (System log), 4697 stays in SecurityEvent", async () => {
  const lm = K.lateralMovement;
  const system = await rows(`Event
| where EventLog == "System" and Source == "Service Control Manager" and EventID == 7045
| extend ServiceName = extract(@'Name="ServiceName">([^<]*)<', 1, EventData),
    ImagePath = extract(@'Name="ImagePath">([^<]*)<', 1, EventData)
| where ServiceName == "${lm.serviceName}"`);
  assert.equal(system.length, 1);
  assert.equal(system[0].ImagePath, lm.serviceFile);
  assert.match(String(system[0].Computer), new RegExp(`^${lm.to}\\.`));
  assert.equal(system[0].UserName, `LARKSPUR\\${lm.account}`);
  // Recorded 312 µs after the 4697, within the same second as the key's install time.
  assert.equal(iso(system[0].TimeGenerated).slice(0, 19), lm.serviceInstalledAt.slice(0, 19));
  const security = await rows(
    `SecurityEvent | where EventID in (4697, 7045) | where ServiceName == "${lm.serviceName}"`,
  );
  assert.deepEqual(security.map((r) => r.EventID), [4697]);
  // The agent keeps the event's fields as XML too: a hunt can parse them from EventData.
  const parsed = await rows(`SecurityEvent
| where EventID == 4697
| extend Image = extract(@'Name="ServiceFileName">([^<]*)<', 1, EventData)
| where Image == @"${lm.serviceFile}"
| project SubjectUserName`);
  assert.deepEqual(parsed.map((r) => r.SubjectUserName), [lm.account]);
  const [stray] = await rows("SecurityEvent | where EventID == 7045 | count");
  assert.equal(Number(stray.Count), 0, "no System-log events in SecurityEvent");
});

Deno.test("second incident: each stage is findable with plain queries", async (t) => {
  await t.step("the consent-phishing email reached four people", async () => {
    const mail = await rows(
      `EmailEvents | where SenderFromDomain == "${C.phishing.senderDomain}" | order by TimeGenerated asc`,
    );
    assert.deepEqual(
      mail.map((r) => r.RecipientEmailAddress).sort(),
      [...C.phishing.recipients].sort(),
    );
    assert.ok(mail.every((r) => r.SenderIPv4 === C.phishing.senderIp));
    assert.ok(mail.every((r) => r.DeliveryLocation === C.phishing.deliveryLocation));
    assert.ok(mail.every((r) => String(r.Subject).endsWith(C.phishing.subject)));
    assert.equal(iso(mail[0].TimeGenerated), C.phishing.time);
  });

  await t.step("admin consent to the app, and the legitimate one beside it", async () => {
    const consents = await rows(`AuditLogs
| where OperationName == "Consent to application"
| extend App = tostring(TargetResources[0].displayName),
    By = tostring(InitiatedBy.user.userPrincipalName),
    Props = tostring(TargetResources[0].modifiedProperties)
| order by TimeGenerated asc`);
    assert.deepEqual(consents.map((r) => r.App), [C.lookalikes.consent.app, C.consent.app]);
    const bad = consents[1];
    assert.equal(iso(bad.TimeGenerated), C.consent.time);
    assert.equal(bad.By, C.victim.upn);
    assert.ok(String(bad.Props).includes(C.consent.permissions));
    assert.ok(String(bad.Props).includes("IsAdminConsent"));
    const [sp] = await rows(
      `AuditLogs | where OperationName == "Add service principal" and AdditionalDetails has "${C.consent.appId}" | count`,
    );
    assert.equal(Number(sp.Count), 1);
  });

  await t.step("the app read the mailbox and refreshed its token", async () => {
    const reads = await rows(`OfficeActivity
| where Operation == "MailItemsAccessed" and AppId == "${C.mailAccess.appId}"
| summarize Events = count(), First = min(TimeGenerated) by UserId, ClientIP`);
    assert.equal(reads.length, 1);
    assert.equal(reads[0].UserId, C.victim.upn);
    assert.equal(reads[0].ClientIP, C.mailAccess.ip);
    assert.equal(Number(reads[0].Events), C.mailAccess.events);
    assert.ok(iso(reads[0].First) >= C.mailAccess.start);
    const [mcas] = await rows(
      `CloudAppEvents | where ActionType == "MailItemsAccessed" | where tostring(RawEventData.AppId) == "${C.mailAccess.appId}" | count`,
    );
    assert.equal(Number(mcas.Count), C.mailAccess.events);
    const tokens = await rows(`AADNonInteractiveUserSignInLogs
| where AppId == "${C.consent.appId}"
| summarize N = count() by UserPrincipalName, IPAddress`);
    assert.deepEqual(tokens.map((r) => [r.UserPrincipalName, r.IPAddress, Number(r.N)]), [
      [C.victim.upn, C.mailAccess.tokenIp, C.mailAccess.tokenRefreshes],
    ]);
  });

  await t.step("a secret added to the automation app, beside a routine rotation", async () => {
    const changes = await rows(`AuditLogs
| where OperationName has "Certificates and secrets management"
| extend App = tostring(TargetResources[0].displayName),
    By = tostring(InitiatedBy.user.userPrincipalName),
    IP = tostring(InitiatedBy.user.ipAddress)
| order by TimeGenerated asc`);
    assert.equal(changes.length, 2);
    const [bad, rotation] = changes;
    assert.equal(iso(bad.TimeGenerated), C.servicePrincipalSecret.time);
    assert.equal(bad.App, C.servicePrincipalSecret.targetApp);
    assert.equal(bad.By, C.servicePrincipalSecret.initiatedBy);
    assert.equal(bad.IP, C.servicePrincipalSecret.ip);
    assert.ok(String(bad.AdditionalDetails).includes(C.servicePrincipalSecret.throughAppId));
    assert.equal(rotation.By, C.lookalikes.secret.by);
    assert.equal(rotation.App, C.lookalikes.secret.app);
  });

  await t.step(
    "the service principal deployed the mining VMs from the attacker's address",
    async () => {
      const vms = await rows(`AzureActivity
| where OperationNameValue =~ "Microsoft.Compute/virtualMachines/write" and ActivityStatusValue == "Success"
| where Caller == "${C.azureAbuse.caller}"
| project TimeGenerated, Resource, ResourceGroup, CallerIpAddress, Properties
| order by TimeGenerated asc`);
      assert.deepEqual(vms.map((r) => r.Resource), [...C.azureAbuse.vms]);
      assert.ok(vms.every((r) => r.CallerIpAddress === C.azureAbuse.callerIp));
      assert.ok(vms.every((r) => r.ResourceGroup === C.azureAbuse.resourceGroup.toUpperCase()));
      assert.ok(vms.every((r) => String(r.Properties).includes(C.azureAbuse.vmSize)));
      // The same principal's routine comes from the office only.
      const ips = await rows(
        `AzureActivity | where Caller == "${C.azureAbuse.caller}" | distinct CallerIpAddress | order by CallerIpAddress asc`,
      );
      assert.deepEqual(ips.map((r) => r.CallerIpAddress), ["192.0.2.10", C.azureAbuse.callerIp]);
      const [rg] = await rows(
        `AzureActivity | where OperationNameValue endswith "RESOURCEGROUPS/WRITE" and ActivityStatusValue == "Start" and Caller == "${C.azureAbuse.caller}" | project TimeGenerated`,
      );
      assert.equal(iso(rg.TimeGenerated), C.azureAbuse.resourceGroupCreated);
      const [normal] = await rows(
        `AzureActivity | where Resource == "${C.lookalikes.vm.name}" and OperationNameValue endswith "VIRTUALMACHINES/WRITE" | summarize by Caller`,
      );
      assert.equal(normal.Caller, C.lookalikes.vm.by);
    },
  );

  await t.step("two alerts, correlated in one open incident", async () => {
    const ids: string[] = [];
    for (const a of C.alerts) {
      const hit = await rows(
        `SecurityAlert | where AlertName == "${a.name}" | project TimeGenerated, ProductName, SystemAlertId`,
      );
      assert.equal(hit.length, 1, a.name);
      assert.equal(iso(hit[0].TimeGenerated), a.time);
      assert.equal(hit[0].ProductName, a.product);
      ids.push(String(hit[0].SystemAlertId));
    }
    const incidents = await rows(
      `SecurityIncident | mv-expand AlertId = AlertIds to typeof(string) | where AlertId in ("${
        ids.join('", "')
      }") | summarize Alerts = dcount(AlertId) by IncidentNumber, Status`,
    );
    assert.equal(incidents.length, 1);
    assert.equal(Number(incidents[0].Alerts), 2);
    assert.equal(incidents[0].Status, "New");
    const first = await rows(
      `SecurityIncident | where array_length(AlertIds) == ${K.alerts.length} | project Status`,
    );
    assert.deepEqual(first.map((r) => r.Status), ["New"], "the first intrusion's incident");
  });
});

Deno.test("the first intrusion shows in the tables added later", async (t) => {
  const ws = K.victim.workstation.toLowerCase();
  await t.step("the implant's file creation, before it started", async () => {
    const files = await rows(
      `DeviceFileEvents | where FileName =~ "${K.implant.fileName}" and ActionType == "FileCreated"`,
    );
    assert.equal(files.length, 1);
    assert.equal(files[0].SHA256, K.implant.sha256);
    assert.equal(files[0].FolderPath, K.implant.path);
    assert.ok(String(files[0].DeviceName).startsWith(ws));
    assert.equal(files[0].InitiatingProcessFileName, "powershell.exe");
    assert.ok(iso(files[0].TimeGenerated) < K.implant.startedAt);
  });
  await t.step("the LSASS dump created, then deleted", async () => {
    const dump = await rows(
      `DeviceFileEvents | where FolderPath == @"${K.lsassDump.dumpPath}" | order by TimeGenerated asc | project ActionType, InitiatingProcessFileName, FileSize`,
    );
    assert.deepEqual(dump.map((r) => r.ActionType), ["FileCreated", "FileDeleted"]);
    assert.equal(dump[0].InitiatingProcessFileName, K.lsassDump.tool);
    assert.equal(Number(dump[0].FileSize), K.c2.dumpUploadBytes);
  });
  await t.step("the service binary arrives on the file server over SMB", async () => {
    const smb = await rows(
      `DeviceFileEvents | where FolderPath == @"${K.lateralMovement.serviceFile}" | project DeviceName, RequestSourceIP, RequestAccountName, ShareName`,
    );
    assert.deepEqual(smb.map((r) => [r.RequestSourceIP, r.RequestAccountName, r.ShareName]), [
      [K.lateralMovement.fromIp, K.lateralMovement.account, "C$"],
    ]);
  });
  await t.step("the scheduled task's registry key", async () => {
    const keys = await rows(
      `DeviceRegistryEvents | where RegistryKey endswith @"\\${K.implant.scheduledTask}" | distinct DeviceName`,
    );
    assert.deepEqual(keys.map((r) => String(r.DeviceName).split(".")[0]), [ws]);
    const real = await rows(
      `DeviceRegistryEvents | where RegistryKey endswith @"\\MicrosoftEdgeUpdateTaskMachineUA" | count`,
    );
    assert.ok(Number(real[0].Count) > 10, "the genuine Edge update task is everywhere");
  });
  await t.step("the RDP logon from the attacker, as Defender sees it", async () => {
    const logons = await rows(
      `DeviceLogonEvents | where RemoteIP == "${K.rdp.ip}" | project TimeGenerated, DeviceName, LogonType, AccountName, ActionType`,
    );
    assert.equal(logons.length, 1);
    assert.equal(iso(logons[0].TimeGenerated), K.rdp.time);
    assert.equal(logons[0].LogonType, "RemoteInteractive");
    assert.equal(logons[0].AccountName, K.victim.upn.split("@")[0]);
  });
  await t.step("discovery against the DC: Domain Admins over SAMR", async () => {
    const queries = await rows(
      `IdentityQueryEvents | where QueryTarget == "Domain Admins" | order by TimeGenerated asc | project TimeGenerated, AccountName, DeviceName`,
    );
    // The monthly review by adm-tom.harper, then the intrusion's discovery.
    assert.equal(queries.length, 2);
    assert.equal(queries[0].AccountName, "adm-tom.harper");
    assert.equal(queries[1].AccountName, K.victim.upn.split("@")[0]);
    assert.ok(String(queries[1].DeviceName).startsWith(ws));
    const gap = Date.parse(iso(queries[1].TimeGenerated)) - Date.parse(K.discovery.time);
    assert.ok(gap >= 0 && gap < 10_000, `${gap} ms after the discovery commands`);
  });
  await t.step("the attacker's token refreshes, UEBA and forwarded mail", async () => {
    const [tokens] = await rows(
      `AADNonInteractiveUserSignInLogs | where IPAddress == "${K.attacker.ip}" | count`,
    );
    assert.equal(Number(tokens.Count), FIRST_INCIDENT_TRACES.attackerTokenRefreshes);
    const [ueba] = await rows(
      `BehaviorAnalytics | where SourceIPAddress == "${K.attacker.ip}" | project InvestigationPriority, ActivityInsights`,
    );
    assert.ok(Number(ueba.InvestigationPriority) >= 7);
    const [forwarded] = await rows(
      `EmailEvents | where RecipientEmailAddress == "${K.inboxRule.forwardTo}" | count`,
    );
    assert.equal(Number(forwarded.Count), FIRST_INCIDENT_TRACES.forwardedEmails);
  });
});

Deno.test("_GetWatchlist serves the case's watchlists", async (t) => {
  await t.step("VIPUsers: HR's VIPs plus the Global Administrator", async () => {
    const hr = (await Deno.readTextFile(join(CASE, "external/hr_employees.csv"))).trim()
      .split("\n").slice(1).map((l) => l.split(","))
      .filter((f) => f[10] === "true" && f[11] === "Active").map((f) => f[1]);
    const vips = await rows("_GetWatchlist('VIPUsers') | project SearchKey, Tags");
    assert.deepEqual(vips.map((r) => r.SearchKey).sort(), [...hr, C.victim.upn].sort());
    const joined = await rows(`AuditLogs
| where OperationName == "Consent to application"
| extend By = tostring(InitiatedBy.user.userPrincipalName)
| join kind=inner (_GetWatchlist('VIPUsers') | project SearchKey) on $left.By == $right.SearchKey
| count`);
    assert.equal(Number(joined[0].Count), 2, "both consents were by a VIP");
  });
  await t.step("BreakGlassAccounts: two accounts that never sign in", async () => {
    const accounts = await rows("_GetWatchlist('BreakGlassAccounts') | project SearchKey");
    assert.equal(accounts.length, 2);
    const used = await rows(`union SigninLogs, AADNonInteractiveUserSignInLogs
| where UserPrincipalName in ((_GetWatchlist('BreakGlassAccounts') | project SearchKey))
| count`);
    assert.equal(Number(used[0].Count), 0);
  });
  await t.step("HighValueAssets: IT's list, keyed by host name", async () => {
    const assets = await rows(
      "_GetWatchlist('HighValueAssets') | where SearchKey == 'LKS-FS01' | project Criticality",
    );
    assert.deepEqual(assets.map((r) => r.Criticality), ["High"]);
  });
});

Deno.test("piped REPL: an analyst finds the mining VMs and who is a VIP", async () => {
  const home = await tempDir();
  const input = [
    "%kql vms =",
    "AzureActivity",
    '| where OperationNameValue =~ "Microsoft.Compute/virtualMachines/write"',
    '| where ActivityStatusValue == "Success" and CallerIpAddress !startswith "192.0.2."',
    "| project Resource, CallerIpAddress",
    "",
    "%kql vip =",
    "_GetWatchlist('VIPUsers') | where Tags has 'Global' | project SearchKey",
    "",
  ].join("\n") + "\n";
  try {
    const { code, stdout, stderr } = await runCasefile(
      ["repl", "--home", home, "--session", "cloud"],
      { stdin: input },
    );
    assert.equal(code, 0, stderr);
    for (const vm of C.azureAbuse.vms) assert.ok(stdout.includes(vm), stdout);
    assert.ok(stdout.includes(C.azureAbuse.callerIp), stdout);
    assert.ok(!stdout.includes(C.lookalikes.vm.name), "the office deployment is filtered out");
    assert.ok(stdout.includes(C.victim.upn), stdout);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("ANSWERS.md states the second incident's facts", async () => {
  const answers = await Deno.readTextFile(join(CASE, "ANSWERS.md"));
  for (
    const fact of [
      C.victim.upn,
      C.phishing.from,
      C.phishing.senderIp,
      C.consent.app,
      C.consent.appId,
      C.consent.time,
      C.consent.permissions,
      C.mailAccess.ip,
      C.servicePrincipalSecret.targetApp,
      C.servicePrincipalSecret.time,
      C.azureAbuse.resourceGroup,
      C.azureAbuse.vmSize,
      ...C.azureAbuse.vms,
      ...C.alerts.map((a) => a.name),
      ...C.indicators.map((i) => i.value),
      C.lookalikes.consent.app,
      C.lookalikes.vm.name,
      FIRST_INCIDENT_TRACES.taskCacheKey,
    ]
  ) {
    assert.ok(answers.includes(String(fact)), `ANSWERS.md mentions ${fact}`);
  }
});
