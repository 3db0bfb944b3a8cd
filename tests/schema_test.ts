import assert from "node:assert/strict";
import { join } from "node:path";
import { pl, variantOf } from "../src/polars.ts";
import { polarsTypeOf, SENTINEL_SCHEMAS } from "../src/schema/mod.ts";
import { readManifest } from "../src/data/manifest.ts";
import { SENTINEL_TABLE_COLUMNS } from "../src/schema/_sentinel_tables.ts";

const CASE = join(import.meta.dirname!, "..", "fixtures", "demo-case");

/**
 * From Microsoft's Azure Monitor Logs table reference (azure-monitor-ref/tables/includes/
 * <table>-include.md in MicrosoftDocs/azure-reference-other, the 2024 pages), read by hand: how many columns each page lists, the
 * first and last in the page's order, and columns real hunting queries use, with their types.
 */
const DOCS: Record<string, { count: number; first: string; last: string; has: string[] }> = {
  SecurityEvent: {
    count: 228,
    first: "AccessMask:string",
    last: "WorkstationName:string",
    has: [
      "ProcessName:string",
      "_ResourceId:string",
      "EventData:string",
      "LogonType:int",
      "Keywords:string",
      "Version:int",
      "SystemProcessId:int",
    ],
  },
  SigninLogs: {
    count: 77,
    first: "AADTenantId:string",
    last: "UserType:string",
    has: [
      "ConditionalAccessPolicies:dynamic",
      "FlaggedForReview:bool",
      "DurationMs:long",
      "AppliedEventListeners:dynamic",
      "AuthenticationProtocol:string",
      "RiskLevel:string",
    ],
  },
  AuditLogs: {
    count: 31,
    first: "AADOperationType:string",
    last: "Type:string",
    has: ["ActivityDateTime:datetime", "TargetResources:dynamic", "_BilledSize:real"],
  },
  OfficeActivity: {
    count: 132,
    first: "AADGroupId:string",
    last: "UserType:string",
    has: [
      "Members:dynamic",
      "TeamName:string",
      "CrossMailboxOperations:bool",
      "_IsBillable:string",
    ],
  },
  SecurityAlert: {
    count: 35,
    first: "AlertLink:string",
    last: "WorkspaceSubscriptionId:string",
    has: ["ConfidenceScore:real", "IsIncident:bool", "SubTechniques:string", "AlertType:string"],
  },
  DeviceProcessEvents: {
    count: 64,
    first: "AccountDomain:string",
    last: "Type:string",
    has: [
      "AdditionalFields:dynamic",
      "InitiatingProcessSHA256:string",
      "ProcessId:long",
      "ProcessVersionInfoCompanyName:string",
      "InitiatingProcessSignerType:string",
      "FileSize:long",
    ],
  },
  DeviceNetworkEvents: {
    count: 46,
    first: "ActionType:string",
    last: "Type:string",
    has: [
      "RemotePort:int",
      "ReportId:long",
      "AppGuardContainerId:string",
      "InitiatingProcessFileSize:long",
    ],
  },
  CommonSecurityLog: {
    count: 163,
    first: "Activity:string",
    last: "Type:string",
    has: [
      "FileHash:string",
      "DeviceCustomFloatingPoint1:real",
      "RemotePort:string",
      "FieldDeviceCustomNumber1:long",
      "ExtID:string",
      "CollectorHostName:string",
    ],
  },
  DnsEvents: {
    count: 26,
    first: "_BilledSize:real",
    last: "Type:string",
    has: ["RemoteIPLatitude:real", "Severity:int"],
  },
  Syslog: {
    count: 17,
    first: "_BilledSize:real",
    last: "Type:string",
    has: ["EventTime:datetime", "ProcessID:int", "CollectorHostName:string"],
  },
  IdentityInfo: {
    count: 57,
    first: "AccountCloudSID:string",
    last: "UserType:string",
    has: [
      "AdditionalMailAddresses:dynamic",
      "InvestigationPriority:int",
      "SAMAccountName:string",
      "IsServiceAccount:bool",
      "EntityRiskScore:dynamic",
      "PrivilegedEntraPimRoles:dynamic",
      "AccountUpn:string",
    ],
  },
  ThreatIntelligenceIndicator: {
    count: 64,
    first: "Action:string",
    last: "UserAgent:string",
    has: [
      "EmailSourceIpAddress:string",
      "KillChainC2:bool",
      "NetworkDestinationAsn:int",
      "SourceSystem:string",
    ],
  },
  Heartbeat: {
    count: 31,
    first: "_BilledSize:real",
    last: "VMUUID:string",
    has: [
      "_ResourceId:string",
      "RemoteIPLongitude:real",
      "IsGatewayInstalled:bool",
      "ComputerPrivateIPs:dynamic",
    ],
  },
  AADNonInteractiveUserSignInLogs: {
    count: 69,
    first: "AlternateSignInName:string",
    last: "UserType:string",
    has: ["AppliedEventListeners:dynamic", "_BilledSize:real", "LocationDetails:string"],
  },
  AADServicePrincipalSignInLogs: {
    count: 35,
    first: "AppId:string",
    last: "UniqueTokenIdentifier:string",
    has: ["DurationMs:long", "ServicePrincipalCredentialKeyId:string", "TenantId:string"],
  },
  Event: {
    count: 22,
    first: "AzureDeploymentID:string",
    last: "UserName:string",
    has: ["EventID:int", "EventData:string", "RenderedDescription:string", "EventLevel:int"],
  },
  WindowsEvent: {
    count: 26,
    first: "_BilledSize:real",
    last: "Version:int",
    has: ["EventData:dynamic", "SystemProcessId:int", "Provider:string", "Task:int"],
  },
  AzureActivity: {
    count: 37,
    first: "ActivityStatus:string",
    last: "Type:string",
    has: ["Authorization_d:dynamic", "EventSubmissionTimestamp:datetime", "Caller:string"],
  },
  SecurityIncident: {
    count: 33,
    first: "AdditionalData:dynamic",
    last: "Type:string",
    has: ["IncidentNumber:int", "Owner:dynamic", "ClosedTime:datetime", "AlertIds:dynamic"],
  },
  BehaviorAnalytics: {
    count: 33,
    first: "ActionType:string",
    last: "UsersInsights:dynamic",
    has: [
      "InvestigationPriority:int",
      "ActivityInsights:dynamic",
      "TimeProcessed:datetime",
      "ActorName:string",
      "NativeTableName:string",
    ],
  },
  DeviceFileEvents: {
    count: 59,
    first: "ActionType:string",
    last: "Type:string",
    has: ["FileSize:long", "RequestSourcePort:int", "IsAzureInfoProtectionApplied:bool"],
  },
  DeviceRegistryEvents: {
    count: 44,
    first: "ActionType:string",
    last: "Type:string",
    has: ["RegistryValueData:string", "InitiatingProcessId:long", "ReportId:long"],
  },
  DeviceLogonEvents: {
    count: 50,
    first: "AccountDomain:string",
    last: "Type:string",
    has: ["LogonType:string", "IsLocalAdmin:bool", "LogonId:long", "RemotePort:int"],
  },
  DeviceImageLoadEvents: {
    count: 43,
    first: "ActionType:string",
    last: "Type:string",
    has: [
      "InitiatingProcessFileSize:long",
      "InitiatingProcessVersionInfoCompanyName:string",
      "FileSize:long",
    ],
  },
  DeviceEvents: {
    count: 62,
    first: "AccountDomain:string",
    last: "Type:string",
    has: ["InitiatingProcessLogonId:long", "LocalPort:int", "ProcessCreationTime:datetime"],
  },
  DeviceInfo: {
    count: 39,
    first: "AadDeviceId:string",
    last: "Vendor:string",
    has: [
      "OSBuild:long",
      "LoggedOnUsers:dynamic",
      "IsAzureADJoined:bool",
      "IsInternetFacing:bool",
      "ExposureLevel:string",
    ],
  },
  // Issue 16: AlertInfo and AlertEvidence (alertinfo-include.md, alertevidence-include.md).
  AlertInfo: {
    count: 13,
    first: "AlertId:string",
    last: "Type:string",
    has: ["AttackTechniques:string", "ServiceSource:string", "Severity:string"],
  },
  AlertEvidence: {
    count: 41,
    first: "AccountDomain:string",
    last: "Type:string",
    has: ["ApplicationId:int", "FileSize:long", "EntityType:string", "AdditionalFields:dynamic"],
  },
  IdentityLogonEvents: {
    count: 31,
    first: "AccountDisplayName:string",
    last: "Type:string",
    has: ["DestinationPort:string", "ReportId:string", "AdditionalFields:dynamic"],
  },
  IdentityQueryEvents: {
    count: 30,
    first: "AccountDisplayName:string",
    last: "Type:string",
    has: ["QueryTarget:string", "TargetAccountUpn:string", "_IsBillable:string"],
  },
  // Issue 16, second pass (emailurlinfo-, emailattachmentinfo-, urlclickevents-,
  // identitydirectoryevents-, enrichedmicrosoft365auditlogs-include.md), counted by hand.
  EmailUrlInfo: {
    count: 11,
    first: "_BilledSize:real",
    last: "UrlLocation:string",
    has: ["NetworkMessageId:string", "Url:string", "UrlDomain:string"],
  },
  EmailAttachmentInfo: {
    count: 20,
    first: "_BilledSize:real",
    last: "Type:string",
    has: ["FileSize:long", "SHA256:string", "SenderObjectId:string"],
  },
  UrlClickEvents: {
    count: 17,
    first: "AccountUpn:string",
    last: "Workload:string",
    has: ["IsClickedThrough:bool", "UrlChain:string", "IPAddress:string"],
  },
  IdentityDirectoryEvents: {
    count: 28,
    first: "AccountDisplayName:string",
    last: "Type:string",
    has: ["AdditionalFields:dynamic", "TargetAccountUpn:string", "DestinationPort:string"],
  },
  EnrichedMicrosoft365AuditLogs: {
    count: 24,
    first: "ActorUserType:string",
    last: "Workload:string",
    has: ["AdditionalProperties:dynamic", "RecordType:int", "SourceIp:string"],
  },
  Anomalies: {
    count: 38,
    first: "ActivityInsights:dynamic",
    last: "WorkspaceId:string",
    has: ["Score:real", "AnomalyTemplateName:string", "SourceIpAddress:string"],
  },
  EmailEvents: {
    count: 44,
    first: "AdditionalFields:dynamic",
    last: "UserLevelPolicy:string",
    has: ["SenderFromAddress:string", "BulkComplaintLevel:int", "EmailClusterId:long"],
  },
  CloudAppEvents: {
    count: 36,
    first: "AccountDisplayName:string",
    last: "UserAgentTags:dynamic",
    has: ["ApplicationId:int", "RawEventData:dynamic", "IsImpersonated:bool"],
  },
};

/**
 * The unified IdentityInfo's columns (Sentinel in the Defender portal) the Log Analytics page
 * lacks, read by hand from defender-docs advanced-hunting-identityinfo-table.md (its table, in
 * order) and the renames table of sentinel/ueba-reference.md.
 */
const IDENTITY_INFO_UNIFIED = [
  "Timestamp",
  "ReportId",
  "AccountUpn",
  "OnPremSid",
  "DistinguishedName",
  "CloudSid",
  "EmailAddress",
  "SipProxyAddress",
  "Address",
  "CreatedDateTime",
  "SourceProvider",
  "PrivilegedEntraPimRoles",
  "OtherMailAddresses",
  "OnPremObjectId",
  "RiskStatus",
  "IdentityEnvironment",
  "IdentityType",
  "TenantMembershipType",
];

/**
 * The standard columns every Log Analytics table has, written out by hand from Microsoft's
 * "Azure Monitor Logs cost calculations" (excluded columns, "common to all tables") and
 * "Standard columns in Azure Monitor Logs", with the types the table reference gives them.
 */
const STANDARD = [
  "TenantId:string",
  "Type:string",
  "_ResourceId:string",
  "_SubscriptionId:string",
  "_ItemId:string",
  "_IsBillable:string",
  "_BilledSize:real",
];

/**
 * A table's columns as its reference page lists them, then the few the page leaves out, then
 * the standard columns it leaves out.
 */
function pairs(table: string): string[] {
  const t = SENTINEL_TABLE_COLUMNS.find((t) => t.name === table)!;
  const listed = `${t.documented}${t.undocumented === "" ? "" : `, ${t.undocumented}`}`
    .trim().split(/\s*,\s*/);
  const names = new Set(listed.map((c) => c.split(":")[0]));
  return [...listed, ...STANDARD.filter((c) => !names.has(c.split(":")[0]))];
}

/**
 * The first columns of a workspace's `getschema` for some demo tables, written out by hand
 * (as a Log Analytics workspace lists them): a schema puts them first.
 */
const GETSCHEMA_FIRST: Record<string, string[]> = {
  SecurityEvent: [
    "TenantId",
    "TimeGenerated",
    "SourceSystem",
    "Account",
    "AccountType",
    "Computer",
  ],
  SigninLogs: ["TenantId", "SourceSystem", "TimeGenerated", "ResourceId", "OperationName"],
};

Deno.test("SENTINEL_SCHEMAS puts getschema's leading columns first, then the page's, each once", () => {
  for (const [table, first] of Object.entries(GETSCHEMA_FIRST)) {
    const names = SENTINEL_SCHEMAS[table].columns.map((c) => c.name);
    assert.deepEqual(names.slice(0, first.length), first, table);
  }
  for (const table of Object.keys(SENTINEL_SCHEMAS)) {
    const built = SENTINEL_SCHEMAS[table].columns.map((c) => `${c.name}:${c.type}`);
    assert.deepEqual([...built].sort(), [...pairs(table)].sort(), table);
  }
});

Deno.test("SENTINEL_SCHEMAS holds every column Microsoft documents, in the page's order", () => {
  assert.deepEqual(Object.keys(SENTINEL_SCHEMAS).sort(), Object.keys(DOCS).sort());
  for (const [table, docs] of Object.entries(DOCS)) {
    const columns = pairs(table);
    assert.equal(columns[0], docs.first, `${table} first`);
    assert.equal(columns[docs.count - 1], docs.last, `${table}: ${docs.count} documented`);
    for (const column of docs.has) assert.ok(columns.includes(column), `${table}.${column}`);
    assert.ok(docs.count <= columns.length, `${table}: fewer than ${docs.count} columns`);
    // Microsoft's pages list columns alphabetically, ignoring case and a leading underscore
    // (an inner one sorts before letters: Client_IPAddress, then ClientAppId).
    const key = (c: string) => c.split(":")[0].replace(/^_/, "").toLowerCase();
    columns.slice(0, docs.count).forEach((c, i, all) => {
      assert.ok(i === 0 || key(all[i - 1]) <= key(c), `${table}: ${all[i - 1]} before ${c}`);
    });
    // Past the documented block come only the few columns the page leaves out.
    // Every table has every standard column, with the reference's type.
    for (const column of STANDARD) assert.ok(columns.includes(column), `${table}.${column}`);
    const extra = columns.slice(docs.count).map((c) => c.split(":")[0])
      .filter((c) => !STANDARD.some((s) => s.startsWith(`${c}:`)) || c === "TenantId");
    if (table === "IdentityInfo") {
      assert.deepEqual(extra, IDENTITY_INFO_UNIFIED, table);
      continue;
    }
    assert.ok(extra.length <= 3, `${table} extras ${extra}`);
    for (const name of extra) {
      // SecurityEvent's AccessList: object-access rights real workspaces hold and Microsoft's
      // own hunts read (GroupPolicyScheduledTask: `AccessList contains "%%4417"`).
      const known = table === "SecurityEvent" ? ["AccessList"] : [];
      assert.ok(
        ["TenantId", "Timestamp", "SourceSystem", ...known].includes(name),
        `${table}.${name}`,
      );
    }
    assert.equal(new Set(columns.map((c) => c.split(":")[0])).size, columns.length, table);
  }
});

Deno.test("every demo table carries all its documented columns, in order, with their types", async () => {
  const manifest = await readManifest(CASE);
  assert.ok(manifest);
  // The demo case holds some of the tables; each one it holds is checked against the docs.
  for (const t of manifest.tables) assert.ok(DOCS[t.name], `${t.name} has no DOCS entry`);
  for (const entry of manifest.tables) {
    const docs = DOCS[entry.name];
    const frame = pl.readParquet(join(CASE, entry.file));
    const schema = SENTINEL_SCHEMAS[entry.name].columns;
    assert.deepEqual(frame.columns, schema.map((c) => c.name), entry.name);
    assert.deepEqual(
      [...frame.columns].sort(),
      pairs(entry.name).map((c) => c.split(":")[0]).sort(),
      entry.name,
    );
    schema.forEach((c, i) => {
      assert.equal(
        variantOf(frame.dtypes[i]),
        variantOf(polarsTypeOf(c.type)),
        `${entry.name}.${c.name} holds ${c.type}`,
      );
    });
    for (const column of docs.has) {
      const [name, type] = column.split(":");
      const i = frame.columns.indexOf(name);
      assert.ok(i >= 0, `${entry.name}.${name}`);
      assert.equal(variantOf(frame.dtypes[i]), variantOf(polarsTypeOf(type as never)), column);
    }
  }
});

Deno.test("machine tables carry the workspace's _ResourceId for the row's computer", () => {
  for (const table of ["SecurityEvent", "Syslog", "Heartbeat", "DnsEvents"]) {
    const frame = pl.readParquet(join(CASE, `${table}.parquet`)).select("Computer", "_ResourceId")
      .head(500);
    for (const { Computer, _ResourceId } of frame.toRecords()) {
      const host = String(Computer).split(".")[0];
      assert.match(
        String(_ResourceId),
        /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.HybridCompute\/machines\/[^/]+$/,
      );
      assert.ok(String(_ResourceId).endsWith(`/machines/${host}`), `${table} ${Computer}`);
    }
  }
});
