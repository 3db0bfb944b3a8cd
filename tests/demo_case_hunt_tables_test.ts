/**
 * The second pass of tables, columns and watchlists real hunting queries need (issue 16):
 * EmailUrlInfo, EmailAttachmentInfo, UrlClickEvents, IdentityDirectoryEvents and
 * EnrichedMicrosoft365AuditLogs with Microsoft's documented columns; SecurityEvent's AccessList
 * with 5145 and 5058 events; the `Accounts` and `DNS_Solution_Monitoring_Configuration`
 * watchlists. Checked through the `casefile query` command, with real Microsoft queries.
 *
 * Expected values, written by hand from independent sources: the column lists of Microsoft's
 * table reference pages (EmailUrlInfo's written out below from azure-reference-other
 * `emailurlinfo-include.md`), the DNS Essentials solution's watchlist JSON (Azure-Sentinel
 * `Solutions/DNS Essentials/Watchlists/DNS_Solution_Monitoring_Configuration.json`), and the
 * answer key (fixtures/demo-case/ANSWERS.md: the phish's recipients and link, the consent
 * sign-in at 10:02:11, the lateral movement's account, address and times, the forwarded mail).
 */
import assert from "node:assert/strict";
import { SENTINEL_TABLE_COLUMNS } from "../src/schema/_sentinel_tables.ts";
import { casefileJson, catalogPairs, checkDocumentedColumns } from "./_demo_tables.ts";

const NEW_TABLES = [
  "EmailUrlInfo",
  "EmailAttachmentInfo",
  "UrlClickEvents",
  "IdentityDirectoryEvents",
  "EnrichedMicrosoft365AuditLogs",
  "AADServicePrincipalSignInLogs",
  "Anomalies",
];
const PHISH_URL = "https://login.docuview-secure.example/consent?doc=q1-supplier-contracts";
const NADIA = "nadia.brooks@larkspurlogistics.example";

Deno.test("each new table has exactly Microsoft's documented columns, rows inside the case", async () => {
  await checkDocumentedColumns(NEW_TABLES);
});

Deno.test("EmailUrlInfo's columns are the ones on Microsoft's page (written out by hand)", () => {
  const catalog = SENTINEL_TABLE_COLUMNS.find((t) => t.name === "EmailUrlInfo")!;
  assert.deepEqual(catalogPairs(catalog.documented), [
    ["_BilledSize", "real"],
    ["_IsBillable", "string"],
    ["NetworkMessageId", "string"],
    ["ReportId", "string"],
    ["SourceSystem", "string"],
    ["TenantId", "string"],
    ["TimeGenerated", "datetime"],
    ["Type", "string"],
    ["Url", "string"],
    ["UrlDomain", "string"],
    ["UrlLocation", "string"],
  ]);
});

Deno.test("casefile query: the consent phish's link, and the one recipient who clicked it", async () => {
  const rows = await casefileJson(
    `EmailUrlInfo | where Url == "${PHISH_URL}" ` +
      "| join kind=inner (EmailEvents | project NetworkMessageId, RecipientEmailAddress, " +
      "SenderFromAddress) on NetworkMessageId " +
      "| join kind=leftouter (UrlClickEvents | project NetworkMessageId, ClickTime = " +
      "format_datetime(TimeGenerated, 'yyyy-MM-ddTHH:mm:ss'), ActionType, IPAddress, " +
      "AccountUpn) on NetworkMessageId " +
      "| project RecipientEmailAddress, SenderFromAddress, ClickTime, ActionType, IPAddress, " +
      "AccountUpn | order by RecipientEmailAddress asc",
  );
  // ANSWERS.md C1: four recipients, sent from no-reply@sharepoint-docreview.example.
  assert.deepEqual(rows.map((r) => r.RecipientEmailAddress), [
    "aisha.khan@larkspurlogistics.example",
    "graham.whitfield@larkspurlogistics.example",
    "megan.doyle@larkspurlogistics.example",
    NADIA,
  ]);
  assert.ok(rows.every((r) => r.SenderFromAddress === "no-reply@sharepoint-docreview.example"));
  // C2: she signed in to the app at 10:02:11 from the office (192.0.2.10); the click comes first.
  const clicked = rows.filter((r) => r.ClickTime);
  assert.deepEqual(clicked, [{
    RecipientEmailAddress: NADIA,
    SenderFromAddress: "no-reply@sharepoint-docreview.example",
    ClickTime: "2026-03-05T10:01:48",
    ActionType: "ClickAllowed",
    IPAddress: "192.0.2.10",
    AccountUpn: NADIA,
  }]);
  // Nobody else ever clicked a link to the attacker's domain.
  assert.deepEqual(
    await casefileJson('UrlClickEvents | where Url has "docuview-secure.example" | count'),
    [{ Count: 1 }],
  );
});

Deno.test("casefile query: the mail the inbox rule forwarded carries its invoices", async () => {
  // ANSWERS.md stage 5: forwarding to ap.remit.archive@securemail-relay.example; "Where else":
  // 7 forwarded messages. Each has one PDF, named after the invoice or remittance.
  const rows = await casefileJson(
    'EmailEvents | where RecipientEmailAddress == "ap.remit.archive@securemail-relay.example" ' +
      "| join kind=inner EmailAttachmentInfo on NetworkMessageId " +
      "| summarize Messages = dcount(NetworkMessageId), Files = count(), " +
      "Types = make_set(FileType), Senders = make_set(SenderFromAddress)",
  );
  assert.deepEqual(rows, [{
    Messages: 7,
    Files: 7,
    Types: ["pdf"],
    Senders: ["daniel.reyes@larkspurlogistics.example"],
  }]);
  const invoice = await casefileJson(
    'EmailAttachmentInfo | where RecipientEmailAddress == "ap.remit.archive@securemail-relay.example" ' +
      'and FileName == "INV-20931.pdf" | count',
  );
  assert.deepEqual(invoice, [{ Count: 1 }]);
});

Deno.test("casefile query: 5145 shows the service binary written over C$ at the lateral movement", async () => {
  const rows = await casefileJson(
    '// Microsoft: "Hunting Queries/SecurityEvent/GroupPolicyScheduledTask" reads AccessList.\n' +
      "SecurityEvent | where EventID == 5145 " +
      '| where ShareName in (@"\\\\*\\C$", @"\\\\*\\IPC$") and AccessList has "%%4417" ' +
      "| project T = format_datetime(TimeGenerated, 'yyyy-MM-ddTHH:mm:ss'), Computer, " +
      "SubjectUserName, IpAddress, ShareName, RelativeTargetName | order by T asc",
  );
  // ANSWERS.md stage 12: adm-tom.harper from 10.20.4.42 on LKS-FS01, NTLM logon at 03:05:42,
  // C$ access, then the service WinSysHealth (C:\Windows\Temp\wsh.exe) installed at 03:05:59.
  assert.deepEqual(rows.map((r) => [r.SubjectUserName, r.IpAddress, r.RelativeTargetName]), [
    ["adm-tom.harper", "10.20.4.42", "Windows\\Temp\\wsh.exe"],
    ["adm-tom.harper", "10.20.4.42", "svcctl"],
  ]);
  assert.ok(rows.every((r) => String(r.Computer).startsWith("LKS-FS01.")));
  assert.equal(rows[0].T, "2026-03-12T03:05:43");
  assert.ok(
    String(rows[1].T) >= "2026-03-12T03:05:43" && String(rows[1].T) <= "2026-03-12T03:05:59",
  );
  // Only the file server audits detailed file share access.
  assert.deepEqual(
    await casefileJson(
      'SecurityEvent | where EventID == 5145 | summarize by Computer = tostring(split(Computer, ".")[0])',
    ),
    [{ Computer: "LKS-FS01" }],
  );
  // Microsoft's GPO scheduled-task hunt, verbatim: it runs (AccessList exists) and, rightly,
  // finds nothing: nobody wrote a ScheduledTasks.xml to SYSVOL.
  assert.deepEqual(
    await casefileJson(`SecurityEvent
   | where EventID == 5145
   | where ShareName == "\\\\\\\\*\\\\SYSVOL" and RelativeTargetName endswith "ScheduledTasks.xml" and AccessList contains "%%4417"
   | summarize StartTime = min(TimeGenerated), EndTime = max(TimeGenerated) by EventID, Computer, SubjectDomainName, SubjectUserName, SubjectLogonId, ShareName, RelativeTargetName, AccessList, IpAddress
   | count`),
    [{ Count: 0 }],
  );
});

Deno.test("casefile query: 5058 key reads come with RDP logons, the attacker's included", async () => {
  // Microsoft's device-identity-key hunt (its SecurityEvent leg): the pivot of EventData gives
  // KeyName, KeyType and KeyFilePath; the RDP key TSSecKeySet1 is what it filters out.
  const keys = await casefileJson(`SecurityEvent
    | where EventID == 5058
    | where Activity == '5058 - Key file operation.'
    | extend EventData = parse_xml(EventData).EventData.Data
    | mv-expand bagexpansion=array EventData
    | evaluate bag_unpack(EventData)
    | extend Key = tostring(column_ifexists('@Name', "")), Value = column_ifexists('#text', "")
    | evaluate pivot(Key, any(Value), TimeGenerated, Computer, EventID)
    | where Computer startswith "LKS-WS-1042"
    | project T = format_datetime(TimeGenerated, 'yyyy-MM-ddTHH:mm:ss'), KeyName, KeyType, SubjectLogonId`);
  // ANSWERS.md stage 6: the attacker's RDP logon on LKS-WS-1042 at 01:47:13.
  const attack = keys.filter((k) => k.T === "2026-03-12T01:47:12" || k.T === "2026-03-12T01:47:13");
  assert.deepEqual(attack.map((k) => [k.KeyName, k.KeyType, k.SubjectLogonId]), [
    ["TSSecKeySet1", "%%2499", "0x3e4"],
  ]);
  const hunt = await casefileJson(
    `let filterList = dynamic(["TSSecKeySet1", "iisCngWasKey", "iisCngConfigurationKey", "ConfigMgrPrimaryKey"]);
    SecurityEvent
    | where EventID == '5058'
    | where Activity == '5058 - Key file operation.'
    | extend EventData = parse_xml(EventData).EventData.Data
    | mv-expand bagexpansion=array EventData
    | evaluate bag_unpack(EventData)
    | extend Key = tostring(column_ifexists('@Name', "")), Value = column_ifexists('#text', "")
    | evaluate pivot(Key, any(Value), TimeGenerated, Computer, EventID)
    | where KeyType == '%%2499' and SubjectLogonId !in ('0x3e7', '0x3e4')
    | where KeyFilePath has 'Microsoft\\\\Crypto\\\\Keys\\\\'
    | where KeyName !in (filterList)
    | count`,
  );
  assert.deepEqual(hunt, [{ Count: 0 }]);
});

Deno.test("casefile query: the Accounts and DNS Essentials watchlists", async () => {
  // The DNS Essentials solution's own thresholds (its watchlist JSON's rawContent).
  assert.deepEqual(
    await casefileJson(
      "_GetWatchlist('DNS_Solution_Monitoring_Configuration') " +
        "| where wl_RuleName == 'Excessive NXDOMAIN DNS Queries' and wl_Type == 'Detection' " +
        "| project threshold = toint(wl_Threshold)",
    ),
    [{ threshold: 200 }],
  );
  assert.deepEqual(
    await casefileJson(
      "_GetWatchlist('DNS_Solution_Monitoring_Configuration') " +
        "| where wl_RuleName == 'Anomaly - Anomalous Increase in DNS activity by Clients' " +
        "and wl_Type == 'Hunting' | project t = todouble(wl_AnomalyThreshold)",
    ),
    [{ t: 2.5 }],
  );
  // The DNS Essentials rule "DNS request to known domain IOCs", verbatim but for the lookback
  // (the whole case instead of the last hour): the ISAC feed's C2 domain (ANSWERS.md "Outside
  // data") looked up for the victim's workstation (stage 8: 10.20.4.42, the DC logs lookups).
  const iocs = await casefileJson(`let lookback = 14d;
let DNS_IOCs = materialize(_GetWatchlist('DNS_Solution_Domain_IOCs')
  | where wl_Type == 'Detection' and wl_Enabled == 'TRUE'
  | project
      wl_DNSDomain,
      wl_Name,
      wl_Description,
      wl_Type,
      wl_ThresholdType,
      wl_Threshold,
      wl_Severity,
      wl_Tactic,
      wl_Enabled);
let Dynamic_DomainList=DNS_IOCs | summarize  make_set(wl_DNSDomain);
_Im_Dns(starttime=ago(lookback),domain_has_any=toscalar(Dynamic_DomainList))
| join kind=inner['DNS_IOCs'] where DnsQuery has wl_DNSDomain
| project
  SrcIpAddr,
  DnsQuery,
  EventResultDetails,
  Name=wl_Name,
  Description=wl_Description,
  TimeGenerated,
  Tactic=wl_Tactic,
  Severity=wl_Severity
| summarize Count=count(), EventStartTime=min(TimeGenerated), EventEndTime=max(TimeGenerated) by SrcIpAddr,DnsQuery, EventResultDetails, Name, Description, Tactic, Severity
| project SrcIpAddr, DnsQuery, Name, Severity, Count`);
  assert.deepEqual(iocs.map((r) => [r.SrcIpAddr, r.DnsQuery, r.Name, r.Severity]), [
    ["10.20.4.42", "cdn.edgeupdate-sync.example", "EdgeSync C2 and payload domain", "High"],
  ]);
  assert.ok(Number(iocs[0].Count) > 0);
  // The users allowed to hold Entra ID roles: the four IT staff IdentityInfo gives roles to.
  const users = await casefileJson(
    "_GetWatchlist('Accounts') | project Users, SearchKey | order by Users asc",
  );
  assert.deepEqual(users.map((u) => u.Users), [
    "aisha.khan@larkspurlogistics.example",
    "liam.oconnor@larkspurlogistics.example",
    NADIA,
    "tom.harper@larkspurlogistics.example",
  ]);
  assert.ok(users.every((u) => u.SearchKey === u.Users));
});

Deno.test("casefile query: Global Secure Access never saw the attackers; directory changes are routine", async () => {
  // ANSWERS.md: 203.0.113.45 (first intrusion), 203.0.113.132 and 2001:db8:5e7:1::20 (second).
  assert.deepEqual(
    await casefileJson(
      "EnrichedMicrosoft365AuditLogs " +
        '| where SourceIp in ("203.0.113.45", "203.0.113.132", "2001:db8:5e7:1::20") ' +
        'or ClientIp in ("203.0.113.45", "203.0.113.132", "2001:db8:5e7:1::20") | count',
    ),
    [{ Count: 0 }],
  );
  const victim = await casefileJson(
    "EnrichedMicrosoft365AuditLogs " +
      '| where UserId == "daniel.reyes@larkspurlogistics.example" ' +
      "| summarize by Workload, RecordType, SourceIp",
  );
  // The victim works at the London office (ANSWERS.md "Who and what": 192.0.2.10).
  assert.deepEqual(victim, [{ Workload: "SharePoint", RecordType: 6, SourceIp: "192.0.2.10" }]);
  assert.deepEqual(
    await casefileJson(
      "IdentityDirectoryEvents | summarize by ActionType, Application | order by ActionType asc",
    ),
    [
      { ActionType: "Account Password changed", Application: "Active Directory" },
      { ActionType: "Group Membership changed", Application: "Active Directory" },
    ],
  );
  // The new HR advisor (created 2026-03-06T10:12:41, synced to Entra ID two minutes later)
  // joins her groups, as Defender for Identity and the DC's Security log both record.
  const groups = await casefileJson(
    'IdentityDirectoryEvents | where ActionType == "Group Membership changed" ' +
      "| project AccountUpn, Group = tostring(AdditionalFields['TO.GROUP']), " +
      "By = tostring(AdditionalFields['ACTOR.ACCOUNT']) | order by Group asc",
  );
  assert.deepEqual(groups, [
    {
      AccountUpn: "megan.doyle@larkspurlogistics.example",
      Group: "All Staff",
      By: "adm-liam.oconnor",
    },
    { AccountUpn: "megan.doyle@larkspurlogistics.example", Group: "SG-HR", By: "adm-liam.oconnor" },
  ]);
  assert.deepEqual(
    await casefileJson(
      "SecurityEvent | where EventID in (4720, 4722, 4728) and TargetUserName != 'svc-helpdesk' " +
        "| project EventID, T = format_datetime(TimeGenerated, 'yyyy-MM-ddTHH:mm:ss'), " +
        "SubjectUserName | order by T asc, EventID asc | take 2",
    ),
    [
      { EventID: 4720, T: "2026-03-06T10:12:41", SubjectUserName: "adm-liam.oconnor" },
      { EventID: 4722, T: "2026-03-06T10:12:42", SubjectUserName: "adm-liam.oconnor" },
    ],
  );
  assert.deepEqual(
    await casefileJson(
      'IdentityDirectoryEvents | where AccountName has "svc-helpdesk" or AccountName startswith "adm-" | count',
    ),
    [{ Count: 0 }],
  );
});

Deno.test("casefile query: the service principal signs in with the secret the attacker added", async () => {
  // ANSWERS.md C4: a secret (DisplayName backup-sync) added to lks-infra-automation at
  // 02:13:45 from 203.0.113.132; C5: the GPU VMs from the same address from 02:31:05.
  const rows = await casefileJson(`AuditLogs
    | where OperationName has "Certificates and secrets management"
    | where tostring(TargetResources) has "backup-sync"
    | extend KeyId = extract(@"KeyIdentifier=([0-9a-f-]{36})", 1, tostring(TargetResources))
    | join kind=inner (AADServicePrincipalSignInLogs
        | project SigninTime = format_datetime(TimeGenerated, 'yyyy-MM-ddTHH:mm:ss'),
            KeyId = ServicePrincipalCredentialKeyId, IPAddress, ServicePrincipalName,
            City = tostring(parse_json(LocationDetails).city)) on KeyId
    | project SigninTime, IPAddress, ServicePrincipalName, City`);
  assert.deepEqual(rows, [{
    SigninTime: "2026-03-06T02:30:27",
    IPAddress: "203.0.113.132",
    ServicePrincipalName: "lks-infra-automation",
    City: "Ashburn",
  }]);
});
