/**
 * Row builders for the cloud and Defender XDR tables the first cut of the case lacked:
 * AADNonInteractiveUserSignInLogs, EmailEvents, CloudAppEvents, AzureActivity,
 * BehaviorAnalytics, DeviceFileEvents, DeviceRegistryEvents, IdentityQueryEvents and
 * SecurityIncident. Benign activity and both incidents build their rows here, so a planted
 * row differs from an ordinary one only in what it says.
 *
 * @module
 */
import { SENTINEL_SCHEMAS } from "../../src/schema/sentinel.ts";
import { type Binary, binary } from "./_catalog.ts";
import { HOUR, iso, MINUTE } from "./_clock.ts";
import { type SignIn, signinRow } from "./_identity.ts";
import { type Host, ORG, type User } from "./_org.ts";
import { hash32 } from "./_prng.ts";
import type { Row } from "./_table.ts";
import { type Account, deviceName, machineGroup } from "./_windows.ts";

const NON_INTERACTIVE_COLUMNS = new Set(
  SENTINEL_SCHEMAS.AADNonInteractiveUserSignInLogs.columns.map((c) => c.name),
);

/** An AADNonInteractiveUserSignInLogs row: a token refresh or silent sign-in. */
export function nonInteractiveRow(s: SignIn): Row {
  const full = signinRow({ ...s, interactive: false });
  const row: Record<string, Row[string]> = {};
  for (const [key, value] of Object.entries(full)) {
    if (NON_INTERACTIVE_COLUMNS.has(key)) row[key] = value;
  }
  row.Category = "NonInteractiveUserSignInLogs";
  row.SignInEventTypes = '["nonInteractiveUser"]';
  row.IsInteractive = false;
  return row;
}

/** Everything that varies between EmailEvents rows. */
export interface Email {
  readonly time: number;
  readonly direction: "Inbound" | "Outbound" | "Intra-org";
  readonly from: string;
  readonly fromName: string;
  readonly to: string;
  readonly recipient: User | null;
  readonly subject: string;
  readonly senderIp: string;
  readonly attachments: number;
  readonly urls: number;
  readonly threat?: { readonly types: string; readonly names: string; readonly method: string };
  readonly deliveryLocation?: string;
  readonly messageId: string;
}

/** An EmailEvents row. */
export function emailRow(e: Email): Row {
  const domain = e.from.slice(e.from.indexOf("@") + 1);
  const blocked = e.deliveryLocation === "Quarantine";
  const pass = domain.endsWith(ORG.domain) || !e.threat;
  return {
    TimeGenerated: e.time,
    Timestamp: e.time,
    NetworkMessageId: e.messageId,
    InternetMessageId: `<${e.messageId.slice(0, 18)}@${domain}>`,
    SenderFromAddress: e.from,
    SenderMailFromAddress: e.from,
    SenderDisplayName: e.fromName,
    SenderFromDomain: domain,
    SenderMailFromDomain: domain,
    SenderIPv4: e.senderIp.includes(":") ? undefined : e.senderIp,
    SenderIPv6: e.senderIp.includes(":") ? e.senderIp : undefined,
    RecipientEmailAddress: e.to,
    RecipientObjectId: e.recipient?.objectId,
    Subject: e.subject,
    EmailClusterId: hash32(e.subject) * 16,
    EmailDirection: e.direction,
    DeliveryAction: blocked ? "Blocked" : "Delivered",
    DeliveryLocation: e.deliveryLocation ??
      (e.direction === "Outbound" ? "External" : "Inbox/folder"),
    LatestDeliveryAction: blocked ? "Blocked" : "Delivered",
    LatestDeliveryLocation: e.deliveryLocation ??
      (e.direction === "Outbound" ? "External" : "Inbox/folder"),
    ThreatTypes: e.threat?.types,
    ThreatNames: e.threat?.names,
    DetectionMethods: e.threat
      ? JSON.stringify({ [e.threat.types]: [e.threat.method] })
      : undefined,
    ConfidenceLevel: e.threat ? JSON.stringify({ [e.threat.types]: "High" }) : undefined,
    AuthenticationDetails: JSON.stringify({
      SPF: pass ? "pass" : "fail",
      DKIM: pass ? "pass" : "none",
      DMARC: pass ? "pass" : "fail",
      CompAuth: pass ? "pass" : "fail",
    }),
    AttachmentCount: e.attachments,
    UrlCount: e.urls,
    EmailLanguage: "en",
    Connectors: "",
    OrgLevelAction: blocked ? "Quarantine" : undefined,
    BulkComplaintLevel: 0,
    ReportId: `${e.messageId}-${hash32(e.to) % 1_000_000}`,
    AdditionalFields: "{}",
    SourceSystem: "",
  };
}

/** The apps CloudAppEvents names, with Defender for Cloud Apps' ids. */
export const CLOUD_APPS = {
  exchange: { name: "Microsoft Exchange Online", id: 20893 },
  sharepoint: { name: "Microsoft SharePoint Online", id: 20892 },
  onedrive: { name: "Microsoft OneDrive for Business", id: 15600 },
  teams: { name: "Microsoft Teams", id: 28375 },
  azure: { name: "Microsoft Azure", id: 12260 },
  entra: { name: "Microsoft Entra ID", id: 12260 },
} as const;

/** Everything that varies between CloudAppEvents rows. */
export interface CloudAppEvent {
  readonly time: number;
  readonly app: (typeof CLOUD_APPS)[keyof typeof CLOUD_APPS];
  readonly action: string;
  readonly activityType: string;
  readonly user: User;
  readonly ip: string;
  readonly countryCode: string;
  readonly city: string;
  readonly isp: string;
  readonly userAgent: string;
  readonly objectName?: string;
  readonly objectType?: string;
  readonly admin?: boolean;
  /** The Entra app the action was made through (its appId), for OAuth access. */
  readonly appId?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly reportId: string;
}

/** A CloudAppEvents row, with the audit record as Defender stores it in `RawEventData`. */
export function cloudAppRow(e: CloudAppEvent): Row {
  const raw = {
    CreationTime: iso(e.time).replace("Z", ""),
    Operation: e.action,
    OrganizationId: ORG.aadTenantId,
    UserId: e.user.upn,
    ClientIPAddress: e.ip,
    ...(e.appId ? { AppId: e.appId, ClientAppId: e.appId } : {}),
    ...(e.extra ?? {}),
  };
  return {
    TimeGenerated: e.time,
    Timestamp: e.time,
    ActionType: e.action,
    Application: e.app.name,
    ApplicationId: e.app.id,
    AppInstanceId: 0,
    AccountObjectId: e.user.objectId,
    AccountId: e.user.objectId,
    AccountDisplayName: e.user.display,
    AccountType: e.admin ? "Admin" : "Regular",
    IsAdminOperation: e.admin ?? false,
    DeviceType: e.userAgent.includes("Mobile") || e.userAgent.includes("iOS")
      ? "Mobile"
      : "Desktop",
    OSPlatform: e.userAgent.includes("Windows") ? "Windows 10" : undefined,
    IPAddress: e.ip,
    IsAnonymousProxy: false,
    CountryCode: e.countryCode,
    City: e.city,
    ISP: e.isp,
    UserAgent: e.userAgent,
    ActivityType: e.activityType,
    ActivityObjects: JSON.stringify(
      e.objectName ? [{ Type: e.objectType ?? "Mailbox", Name: e.objectName }] : [],
    ),
    ObjectName: e.objectName,
    ObjectType: e.objectType,
    ObjectId: e.objectName,
    IsExternalUser: false,
    IsImpersonated: false,
    IPTags: "[]",
    IPCategory: undefined,
    UserAgentTags: "[]",
    RawEventData: JSON.stringify(raw),
    ReportId: e.reportId,
    AdditionalFields: "{}",
    SourceSystem: "",
  };
}

/** Everything that varies between the rows of one Azure Resource Manager operation. */
export interface ArmOperation {
  readonly time: number;
  /** `Microsoft.Compute/virtualMachines/write`. */
  readonly operation: string;
  /** Human name of the operation (`Create or Update Virtual Machine`). */
  readonly operationName: string;
  readonly resourceGroup: string;
  /** Resource path below the group: `providers/Microsoft.Compute/virtualMachines/vm1`. */
  readonly resource: string;
  /** A user's UPN or a service principal's object id. */
  readonly caller: string;
  readonly callerIp: string;
  /** The caller's claims (appid, upn, ...). */
  readonly claims: Readonly<Record<string, string>>;
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly correlationId: string;
  readonly eventIds: readonly [string, string];
  readonly category?: "Administrative" | "Policy";
  /** Default `Success`. */
  readonly outcome?: "Success" | "Failure";
}

/** The two AzureActivity rows of an ARM operation: `Start`, then its outcome. */
export function azureActivityRows(op: ArmOperation): Row[] {
  const provider = op.operation.slice(0, op.operation.indexOf("/"));
  const resourceId = `/subscriptions/${ORG.subscriptionId}/resourceGroups/${op.resourceGroup}` +
    (op.resource ? `/${op.resource}` : "");
  const resourceName = op.resource ? op.resource.slice(op.resource.lastIndexOf("/") + 1) : "";
  const base = {
    OperationNameValue: op.operation.toUpperCase(),
    OperationName: op.operationName,
    Category: op.category ?? "Administrative",
    CategoryValue: op.category ?? "Administrative",
    Caller: op.caller,
    CallerIpAddress: op.callerIp,
    CorrelationId: op.correlationId,
    ResourceGroup: op.resourceGroup.toUpperCase(),
    ResourceProviderValue: provider.toUpperCase(),
    ResourceProvider: provider,
    Resource: resourceName,
    ResourceId: resourceId,
    _ResourceId: resourceId.toLowerCase(),
    SubscriptionId: ORG.subscriptionId,
    _SubscriptionId: ORG.subscriptionId,
    Hierarchy: `${ORG.aadTenantId}/${ORG.subscriptionId}`,
    Claims: JSON.stringify(op.claims),
    Claims_d: JSON.stringify(op.claims),
    Authorization: JSON.stringify({ action: op.operation, scope: resourceId }),
    Authorization_d: JSON.stringify({ action: op.operation, scope: resourceId }),
    HTTPRequest: JSON.stringify({ clientIpAddress: op.callerIp, method: "PUT" }),
    SourceSystem: "Azure",
  };
  const outcome = op.outcome ?? "Success";
  const properties = JSON.stringify({
    eventCategory: op.category ?? "Administrative",
    entity: resourceId,
    message: op.operation,
    hierarchy: base.Hierarchy,
    ...(op.properties ?? {}),
  });
  return [
    {
      ...base,
      TimeGenerated: op.time,
      EventSubmissionTimestamp: op.time + 4_000_000,
      ActivityStatus: "Started",
      ActivityStatusValue: "Start",
      ActivitySubstatus: "",
      ActivitySubstatusValue: "",
      Level: "Informational",
      EventDataId: op.eventIds[0],
      OperationId: op.eventIds[0],
      Properties: properties,
      Properties_d: properties,
    },
    {
      ...base,
      TimeGenerated: op.time + 38_000_000 + (hash32(op.correlationId) % 90) * 1_000_000,
      EventSubmissionTimestamp: op.time + 42_000_000 + (hash32(op.correlationId) % 90) * 1_000_000,
      ActivityStatus: outcome === "Success" ? "Succeeded" : "Failed",
      ActivityStatusValue: outcome,
      ActivitySubstatus: outcome === "Success" ? "OK (HTTP Status Code: 200)" : "Forbidden",
      ActivitySubstatusValue: outcome === "Success" ? "OK" : "Forbidden",
      Level: outcome === "Success" ? "Informational" : "Error",
      EventDataId: op.eventIds[1],
      OperationId: op.eventIds[0],
      Properties: properties,
      Properties_d: properties,
    },
  ];
}

/** Everything that varies between BehaviorAnalytics rows. */
export interface Behavior {
  readonly time: number;
  readonly user: User;
  readonly source: "Azure AD" | "Azure" | "AuditLogs" | "Security Events";
  readonly activityType: string;
  readonly actionType: string;
  readonly ip: string;
  readonly country: string;
  readonly city: string;
  readonly priority: number;
  readonly insights: Readonly<Record<string, boolean | string>>;
  readonly device?: string;
  readonly recordId: string;
}

/** A BehaviorAnalytics (UEBA) row. */
export function behaviorRow(b: Behavior): Row {
  return {
    TimeGenerated: b.time,
    TimeProcessed: b.time + 2 * HOUR + (hash32(b.recordId) % 60) * MINUTE,
    SourceRecordId: b.recordId,
    UserName: b.user.sam,
    UserPrincipalName: b.user.upn,
    EventSource: b.source,
    ActivityType: b.activityType,
    ActionType: b.actionType,
    SourceIPAddress: b.ip,
    SourceIPLocation: b.country,
    SourceDevice: b.device,
    DestinationDevice: undefined,
    ActivityInsights: JSON.stringify(b.insights),
    UsersInsights: JSON.stringify({
      AccountDisplayName: b.user.display,
      AccountObjectID: b.user.objectId,
      IsDormantAccount: false,
      IsNewAccount: false,
    }),
    DevicesInsights: JSON.stringify({ ISP: b.city === "" ? "" : `${b.city} ISP` }),
    InvestigationPriority: b.priority,
    SourceSystem: "",
  };
}

/** Everything that varies between DeviceFileEvents rows. */
export interface FileEvent {
  readonly time: number;
  readonly host: Host;
  readonly action: "FileCreated" | "FileModified" | "FileDeleted" | "FileRenamed";
  readonly path: string;
  readonly size?: number;
  readonly file?: Binary;
  readonly by: { readonly image: string; readonly command: string; readonly account: Account };
  readonly originUrl?: string;
  readonly smb?: { readonly ip: string; readonly account: Account; readonly share: string };
  readonly reportId: number;
}

/** A DeviceFileEvents row. */
export function fileEventRow(f: FileEvent): Row {
  const file = f.file ?? binary(f.path);
  const by = binary(f.by.image);
  const a = f.by.account;
  return {
    TimeGenerated: f.time,
    Timestamp: f.time,
    DeviceId: f.host.deviceId,
    DeviceName: deviceName(f.host),
    MachineGroup: machineGroup(f.host),
    ActionType: f.action,
    FileName: file.name,
    FolderPath: f.path,
    SHA1: f.action === "FileDeleted" ? undefined : file.sha1,
    SHA256: f.action === "FileDeleted" ? undefined : file.sha256,
    MD5: f.action === "FileDeleted" ? undefined : file.md5,
    FileSize: f.size,
    FileOriginUrl: f.originUrl,
    InitiatingProcessFileName: by.name,
    InitiatingProcessFolderPath: by.path.toLowerCase(),
    InitiatingProcessCommandLine: f.by.command,
    InitiatingProcessSHA1: by.sha1,
    InitiatingProcessSHA256: by.sha256,
    InitiatingProcessMD5: by.md5,
    InitiatingProcessAccountDomain: a.mdeDomain,
    InitiatingProcessAccountName: a.mdeName,
    InitiatingProcessAccountSid: a.sid,
    InitiatingProcessAccountUpn: a.upn,
    InitiatingProcessAccountObjectId: a.objectId,
    RequestSourceIP: f.smb?.ip,
    RequestAccountName: f.smb?.account.mdeName,
    RequestAccountDomain: f.smb?.account.mdeDomain,
    RequestAccountSid: f.smb?.account.sid,
    RequestProtocol: f.smb ? "SMB" : undefined,
    ShareName: f.smb?.share,
    IsAzureInfoProtectionApplied: false,
    ReportId: f.reportId,
  };
}

/** Everything that varies between DeviceRegistryEvents rows. */
export interface RegistryEvent {
  readonly time: number;
  readonly host: Host;
  readonly action: "RegistryKeyCreated" | "RegistryValueSet" | "RegistryKeyDeleted";
  readonly key: string;
  readonly valueName?: string;
  readonly valueData?: string;
  readonly valueType?: "String" | "ExpandString" | "Dword" | "Binary";
  readonly by: { readonly image: string; readonly command: string; readonly account: Account };
  readonly reportId: number;
}

/** A DeviceRegistryEvents row. */
export function registryEventRow(r: RegistryEvent): Row {
  const by = binary(r.by.image);
  const a = r.by.account;
  return {
    TimeGenerated: r.time,
    Timestamp: r.time,
    DeviceId: r.host.deviceId,
    DeviceName: deviceName(r.host),
    MachineGroup: machineGroup(r.host),
    ActionType: r.action,
    RegistryKey: r.key,
    RegistryValueName: r.valueName,
    RegistryValueData: r.valueData,
    RegistryValueType: r.valueType,
    InitiatingProcessFileName: by.name,
    InitiatingProcessFolderPath: by.path.toLowerCase(),
    InitiatingProcessCommandLine: r.by.command,
    InitiatingProcessSHA1: by.sha1,
    InitiatingProcessSHA256: by.sha256,
    InitiatingProcessMD5: by.md5,
    InitiatingProcessAccountDomain: a.mdeDomain,
    InitiatingProcessAccountName: a.mdeName,
    InitiatingProcessAccountSid: a.sid,
    InitiatingProcessAccountUpn: a.upn,
    InitiatingProcessAccountObjectId: a.objectId,
    ReportId: r.reportId,
  };
}

/** Everything that varies between IdentityQueryEvents rows. */
export interface DirectoryQuery {
  readonly time: number;
  readonly action: "SAMR query" | "LDAP query" | "DNS query";
  readonly queryType: string;
  readonly query: string;
  readonly target?: string;
  readonly account: Account;
  readonly user: User | null;
  readonly from: Host;
  readonly dc: Host;
  readonly reportId: string;
}

/** An IdentityQueryEvents row (Defender for Identity sees a query against a DC). */
export function identityQueryRow(q: DirectoryQuery): Row {
  const protocol = q.action === "SAMR query" ? "Samr" : q.action === "LDAP query" ? "Ldap" : "Dns";
  return {
    TimeGenerated: q.time,
    Timestamp: q.time,
    ActionType: q.action,
    Application: "Active Directory",
    QueryType: q.queryType,
    Query: q.query,
    QueryTarget: q.target,
    Protocol: protocol,
    AccountName: q.account.name,
    AccountDomain: ORG.adDomain,
    AccountSid: q.account.sid,
    AccountUpn: q.user ? `${q.account.name}@${ORG.domain}` : undefined,
    AccountObjectId: q.user?.objectId,
    AccountDisplayName: q.user?.display,
    DeviceName: q.from.fqdn.toLowerCase(),
    IPAddress: q.from.ip,
    Port: String(49152 + (hash32(q.reportId) % 16000)),
    DestinationDeviceName: q.dc.fqdn.toLowerCase(),
    DestinationIPAddress: q.dc.ip,
    DestinationPort: protocol === "Samr" ? "445" : protocol === "Ldap" ? "389" : "53",
    TargetAccountDisplayName: q.target,
    ReportId: q.reportId,
    AdditionalFields: "{}",
    SourceSystem: "",
  };
}
