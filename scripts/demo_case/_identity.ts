/**
 * Row builders for the identity and productivity tables: SigninLogs, AuditLogs,
 * OfficeActivity and IdentityInfo. Dynamic columns are compact JSON text with a fixed key
 * order, so equal values are equal strings.
 *
 * @module
 */
import type { EntraApp } from "./_catalog.ts";
import { isoSeconds } from "./_clock.ts";
import type { Place } from "./_geo.ts";
import { ORG, type User } from "./_org.ts";
import type { Row } from "./_table.ts";

/** How a client signed in. */
export type ClientApp =
  | "Browser"
  | "Mobile Apps and Desktop clients"
  | "IMAP4"
  | "Authenticated SMTP"
  | "Exchange ActiveSync";

/** Legacy protocols: no modern auth, so no MFA and no device details. */
export const LEGACY_CLIENTS: readonly ClientApp[] = [
  "IMAP4",
  "Authenticated SMTP",
  "Exchange ActiveSync",
];

/** What Entra ID says about each result code it uses in this case. */
export const RESULT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  "0": "",
  "50126": "Error validating credentials due to invalid username or password.",
  "50053": "Account is locked because user tried to sign in too many times with an incorrect " +
    "user ID or password.",
  "50057": "User account is disabled. The account has been disabled by an administrator.",
  "50034": "The user account does not exist in the directory. To sign into this " +
    "application, the account must be added to the directory.",
  "50074": "Strong Authentication is required.",
  "50079": "Due to a configuration change made by your administrator, or because you moved " +
    "to a new location, you must enroll in multi-factor authentication to access this resource.",
  "50140": "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
  "53003": "Access has been blocked by Conditional Access policies. The access policy does " +
    "not allow token issuance.",
};

/** A device as SigninLogs.DeviceDetail describes it. */
export interface SigninDevice {
  readonly deviceId: string;
  readonly displayName: string;
  readonly operatingSystem: string;
  readonly browser: string;
  readonly isCompliant: boolean;
  readonly isManaged: boolean;
  readonly trustType: string;
}

/** An unmanaged device with nothing known about it. */
export const UNKNOWN_DEVICE: SigninDevice = Object.freeze({
  deviceId: "",
  displayName: "",
  operatingSystem: "",
  browser: "",
  isCompliant: false,
  isManaged: false,
  trustType: "",
});

/** How the MFA requirement was met, if at all. */
export type MfaMethod =
  | "none"
  | "Previously satisfied"
  | "Mobile app notification"
  | "OATH verification code"
  | "Text message";

/** Risk information Identity Protection attached to a sign-in. */
export interface SigninRisk {
  readonly level: "low" | "medium" | "high";
  readonly eventTypes: readonly string[];
}

/** Everything that varies between sign-in rows. */
export interface SignIn {
  readonly time: number;
  readonly upn: string;
  readonly user: User | null;
  readonly app: EntraApp;
  readonly ip: string;
  readonly place: Place;
  readonly asn: string;
  readonly clientApp: ClientApp;
  readonly resultType: string;
  readonly mfa: MfaMethod;
  readonly device: SigninDevice;
  readonly userAgent: string | null;
  readonly interactive: boolean;
  /** Named location the address belongs to, if any. */
  readonly namedLocation: string | null;
  readonly correlationId: string;
  readonly id: string;
  readonly risk?: SigninRisk;
}

const CA_MFA = {
  id: "a6c1f0d2-8e4b-4c3a-9d71-2b5e8f0c6a13",
  name: "CA001: Require MFA for all users",
};
const CA_LEGACY = {
  id: "d2b7e9a4-1f6c-4e80-b3d5-7c9a0e2f4b68",
  name: "CA002: Block legacy authentication",
};
const CA_ADMIN = {
  id: "f4e8a2c6-3b9d-4f17-8a05-6d1c7e3b9f20",
  name: "CA003: Require compliant or hybrid joined device for IT staff",
};

function policy(
  p: { id: string; name: string },
  result: string,
  grant: readonly string[],
): Record<string, unknown> {
  return {
    id: p.id,
    displayName: p.name,
    enforcedGrantControls: grant,
    enforcedSessionControls: [],
    result,
  };
}

/** Conditional Access outcome for a sign-in: policies JSON, overall status, MFA required. */
function conditionalAccess(
  s: SignIn,
): { policies: string; status: string; requirement: string } {
  const legacy = LEGACY_CLIENTS.includes(s.clientApp);
  const primaryFailed = ["50126", "50053", "50057", "50034"].includes(s.resultType);
  const trusted = s.namedLocation !== null;
  const it = s.user?.department === "IT";
  const interrupted = s.resultType === "50074" || s.resultType === "50079" ||
    s.resultType === "50140";
  const mfaResult = legacy || trusted
    ? "notApplied"
    : primaryFailed
    ? "notEnabled"
    : interrupted
    ? "failure"
    : "success";
  const list = [
    policy(
      CA_MFA,
      primaryFailed && !legacy && !trusted ? "notApplied" : mfaResult,
      mfaResult === "success" ? ["Mfa"] : [],
    ),
    policy(CA_LEGACY, legacy ? "reportOnlyFailure" : "reportOnlyNotApplied", []),
    policy(
      CA_ADMIN,
      it && !legacy && !primaryFailed
        ? (s.device.isCompliant || s.device.trustType !== "" ? "success" : "failure")
        : "notApplied",
      it && !legacy && !primaryFailed ? ["CompliantDevice", "DomainJoinedDevice"] : [],
    ),
  ];
  const applied = list.some((p) => p.result === "success");
  const failed = list.some((p) => p.result === "failure");
  return {
    policies: JSON.stringify(list),
    status: primaryFailed || interrupted
      ? "notApplied"
      : failed
      ? "failure"
      : applied
      ? "success"
      : "notApplied",
    requirement: !legacy && !trusted && !primaryFailed
      ? "multiFactorAuthentication"
      : "singleFactorAuthentication",
  };
}

function authenticationDetails(s: SignIn, success: boolean): string {
  const when = isoSeconds(s.time);
  const steps: Record<string, unknown>[] = [];
  if (s.mfa === "Previously satisfied") {
    steps.push({
      authenticationStepDateTime: when,
      authenticationMethod: "Previously satisfied",
      succeeded: true,
      authenticationStepResultDetail: "First factor requirement satisfied by claim in the token",
      authenticationStepRequirement: "Primary authentication",
    });
  } else {
    steps.push({
      authenticationStepDateTime: when,
      authenticationMethod: "Password",
      authenticationMethodDetail: "Password Hash Sync",
      succeeded: s.resultType !== "50126" && s.resultType !== "50053" && s.resultType !== "50034" &&
        s.resultType !== "50057",
      authenticationStepResultDetail: s.resultType === "50126"
        ? "Invalid username or password or Invalid on-premise username or password."
        : s.resultType === "50034"
        ? "User not found"
        : "Correct password",
      authenticationStepRequirement: "Primary authentication",
    });
  }
  if (s.mfa !== "none" && s.mfa !== "Previously satisfied" && success) {
    steps.push({
      authenticationStepDateTime: when,
      authenticationMethod: s.mfa,
      succeeded: true,
      authenticationStepResultDetail: "MFA successfully completed",
      authenticationStepRequirement: "Multi-factor authentication",
    });
  }
  return JSON.stringify(steps);
}

/** The LocationDetails JSON for a place. */
export function locationDetails(place: Place): string {
  return JSON.stringify({
    city: place.city,
    state: place.state,
    countryOrRegion: place.country,
    geoCoordinates: { latitude: place.lat, longitude: place.lon },
  });
}

const locationCache = new Map<Place, string>();

function cachedLocation(place: Place): string {
  let text = locationCache.get(place);
  if (text === undefined) {
    text = locationDetails(place);
    locationCache.set(place, text);
  }
  return text;
}

const deviceCache = new Map<SigninDevice, string>();

function deviceDetail(d: SigninDevice): string {
  let text = deviceCache.get(d);
  if (text === undefined) {
    text = JSON.stringify({
      deviceId: d.deviceId,
      displayName: d.displayName,
      operatingSystem: d.operatingSystem,
      browser: d.browser,
      isCompliant: d.isCompliant,
      isManaged: d.isManaged,
      trustType: d.trustType,
    });
    deviceCache.set(d, text);
  }
  return text;
}

/** A SigninLogs row. */
export function signinRow(s: SignIn): Row {
  const success = s.resultType === "0";
  const ca = conditionalAccess(s);
  const description = RESULT_DESCRIPTIONS[s.resultType] ?? "";
  const status = success
    ? (s.mfa === "Previously satisfied"
      ? '{"errorCode":0,"additionalDetails":"MFA requirement satisfied by claim in the token"}'
      : s.mfa === "none"
      ? '{"errorCode":0}'
      : '{"errorCode":0,"additionalDetails":"MFA completed in Azure AD"}')
    : JSON.stringify({ errorCode: Number(s.resultType), failureReason: description });
  const risk = s.risk;
  return {
    SourceSystem: "Azure AD",
    TimeGenerated: s.time,
    ResourceId: `/tenants/${ORG.aadTenantId}/providers/Microsoft.aadiam`,
    OperationName: "Sign-in activity",
    OperationVersion: "1.0",
    Category: "SignInLogs",
    ResultType: s.resultType,
    ResultSignature: "None",
    ResultDescription: description,
    DurationMs: 0,
    CorrelationId: s.correlationId,
    Resource: "Microsoft.aadiam",
    ResourceGroup: "Microsoft.aadiam",
    ResourceProvider: "Microsoft.aadiam",
    Identity: s.user?.display ?? "",
    Level: "4",
    Location: s.place.country,
    AlternateSignInName: s.upn,
    AppDisplayName: s.app.name,
    AppId: s.app.appId,
    AuthenticationDetails: authenticationDetails(s, success),
    AuthenticationRequirement: ca.requirement,
    ClientAppUsed: s.clientApp,
    ConditionalAccessPolicies: ca.policies,
    ConditionalAccessStatus: ca.status,
    CreatedDateTime: s.time,
    DeviceDetail: deviceDetail(s.device),
    IsInteractive: s.interactive,
    Id: s.id,
    IPAddress: s.ip,
    IsRisky: risk !== undefined,
    LocationDetails: cachedLocation(s.place),
    MfaDetail: s.mfa === "none" || !success ? "{}" : `{"authMethod":"${s.mfa}"}`,
    NetworkLocationDetails: s.namedLocation === null
      ? "[]"
      : `[{"networkType":"namedNetwork","networkNames":["${s.namedLocation}"]}]`,
    OriginalRequestId: s.id,
    RiskDetail: "none",
    RiskEventTypes: risk ? JSON.stringify(risk.eventTypes) : "[]",
    RiskEventTypes_V2: risk ? JSON.stringify(risk.eventTypes) : "[]",
    RiskLevelAggregated: risk ? risk.level : "none",
    RiskLevelDuringSignIn: risk ? risk.level : "none",
    RiskState: risk ? "atRisk" : "none",
    ResourceDisplayName: s.app.resource,
    ResourceIdentity: s.app.resourceId,
    Status: status,
    TokenIssuerType: "AzureAD",
    UserAgent: s.userAgent,
    UserDisplayName: s.user?.display ?? "",
    UserId: s.user?.objectId ?? "00000000-0000-0000-0000-000000000000",
    UserPrincipalName: s.upn,
    AADTenantId: ORG.aadTenantId,
    UserType: "Member",
    ResourceTenantId: ORG.aadTenantId,
    HomeTenantId: ORG.aadTenantId,
    AutonomousSystemNumber: s.asn,
  };
}

/** Who started a directory change: a user (or sync account) or an app. */
export type Initiator =
  | {
    readonly kind: "user";
    readonly id: string;
    readonly upn: string;
    readonly display: string;
    readonly ip: string | null;
  }
  | { readonly kind: "app"; readonly name: string; readonly servicePrincipalId: string };

/** The initiator for a change `user` made from `ip`. */
export function byUser(user: User, ip: string | null): Initiator {
  return { kind: "user", id: user.objectId, upn: user.upn, display: user.display, ip };
}

/** A property a directory change modified. */
export interface ModifiedProperty {
  readonly displayName: string;
  readonly oldValue: string;
  readonly newValue: string;
}

/** Everything that varies between AuditLogs rows. */
export interface Audit {
  readonly time: number;
  readonly activity: string;
  readonly category: string;
  readonly service: string;
  readonly operationType: "Add" | "Update" | "Delete" | "Assign" | "Unassign" | "Other";
  readonly initiatedBy: Initiator;
  readonly target: {
    readonly id: string;
    readonly type: "User" | "Group" | "Device" | "ServicePrincipal" | "Application";
    readonly name: string | null;
    readonly upn: string | null;
    readonly modified: readonly ModifiedProperty[];
  };
  readonly details: ReadonlyArray<readonly [string, string]>;
  readonly correlationId: string;
  readonly idSuffix: string;
}

/** Entra Connect's directory synchronisation account, which writes most user changes. */
export const SYNC_ACCOUNT: Initiator = Object.freeze({
  kind: "user",
  id: "7e1c4b9a-2d58-4f03-a6e7-90b3c2d1f845",
  upn: "Sync_LKS-DC01_8d3f6a2c91e4@larkspurlogistics.onmicrosoft.com",
  display: "On-Premises Directory Synchronization Service Account",
  ip: null,
});

/** An AuditLogs row. */
export function auditRow(a: Audit): Row {
  const by = a.initiatedBy;
  const initiatedBy = by.kind === "user"
    ? JSON.stringify({
      user: {
        id: by.id,
        displayName: null,
        userPrincipalName: by.upn,
        ipAddress: by.ip,
        roles: [],
      },
    })
    : JSON.stringify({
      app: {
        appId: null,
        displayName: by.name,
        servicePrincipalId: by.servicePrincipalId,
        servicePrincipalName: null,
      },
    });
  const identity = by.kind === "user" ? by.display : by.name;
  return {
    SourceSystem: "Azure AD",
    TimeGenerated: a.time,
    ResourceId: `/tenants/${ORG.aadTenantId}/providers/Microsoft.aadiam`,
    OperationName: a.activity,
    OperationVersion: "1.0",
    Category: a.category,
    ResultType: "",
    ResultSignature: "None",
    ResultDescription: "",
    DurationMs: 0,
    CorrelationId: a.correlationId,
    Resource: "Microsoft.aadiam",
    ResourceGroup: "Microsoft.aadiam",
    ResourceProvider: "Microsoft.aadiam",
    Identity: identity,
    Level: "4",
    Location: "EU",
    AdditionalDetails: JSON.stringify(a.details.map(([key, value]) => ({ key, value }))),
    Id: `Directory_${a.correlationId}_${a.idSuffix}`,
    InitiatedBy: initiatedBy,
    LoggedByService: a.service,
    Result: "success",
    ResultReason: "",
    TargetResources: JSON.stringify([{
      id: a.target.id,
      displayName: a.target.name,
      type: a.target.type,
      userPrincipalName: a.target.upn,
      modifiedProperties: a.target.modified,
      administrativeUnits: [],
    }]),
    AADTenantId: ORG.aadTenantId,
    ActivityDisplayName: a.activity,
    ActivityDateTime: a.time,
    AADOperationType: a.operationType,
  };
}

/** Everything that varies between OfficeActivity rows. */
export interface OfficeEvent {
  readonly time: number;
  readonly user: User;
  readonly operation: string;
  readonly workload:
    | "Exchange"
    | "SharePoint"
    | "OneDrive"
    | "MicrosoftTeams"
    | "AzureActiveDirectory";
  readonly recordType: string;
  readonly clientIp: string;
  readonly objectId?: string;
  readonly siteUrl?: string;
  readonly relativeUrl?: string;
  readonly fileName?: string;
  readonly parameters?: ReadonlyArray<readonly [string, string]>;
  readonly clientInfo?: string;
  readonly userAgent?: string;
  readonly officeId: string;
  readonly resultStatus?: string;
}

/** An OfficeActivity row. */
export function officeRow(e: OfficeEvent): Row {
  const exchange = e.workload === "Exchange";
  const files = e.workload === "SharePoint" || e.workload === "OneDrive";
  const dot = e.fileName?.lastIndexOf(".") ?? -1;
  return {
    RecordType: e.recordType,
    TimeGenerated: e.time,
    Operation: e.operation,
    OrganizationId: ORG.aadTenantId,
    UserType: "Regular",
    UserKey: exchange ? e.user.puid : `i:0h.f|membership|${e.user.puid.toLowerCase()}@live.com`,
    OfficeWorkload: e.workload,
    ResultStatus: e.resultStatus ?? (exchange ? "True" : "Succeeded"),
    OfficeObjectId: e.objectId ?? (exchange ? e.user.upn : undefined),
    UserId: e.user.upn,
    ClientIP: e.clientIp,
    Site_Url: e.siteUrl,
    SourceRelativeUrl: e.relativeUrl,
    SourceFileName: e.fileName,
    SourceFileExtension: e.fileName && dot > 0 ? e.fileName.slice(dot + 1) : undefined,
    ItemType: files ? "File" : undefined,
    EventSource: files ? "SharePoint" : undefined,
    UserAgent: e.userAgent,
    ExternalAccess: exchange ? "false" : undefined,
    OriginatingServer: exchange ? "LO2P265MB5186 (15.20.7362.015)" : undefined,
    OrganizationName: exchange ? "larkspurlogistics.onmicrosoft.com" : undefined,
    Parameters: e.parameters
      ? JSON.stringify(e.parameters.map(([Name, Value]) => ({ Name, Value })))
      : undefined,
    Logon_Type: exchange ? "0" : undefined,
    MailboxGuid: exchange ? e.user.mailboxGuid : undefined,
    MailboxOwnerUPN: exchange ? e.user.upn : undefined,
    LogonUserSid: exchange ? e.user.sid : undefined,
    ClientInfoString: e.clientInfo,
    Client_IPAddress: exchange ? e.clientIp.replace(/:\d+$/, "") : undefined,
    OfficeId: e.officeId,
    SourceSystem: "OfficeActivityManager",
  };
}

/** Overrides for one IdentityInfo snapshot. */
export interface IdentitySnapshot {
  readonly time: number;
  readonly mfaRegistered?: boolean;
  readonly enabled?: boolean;
  readonly riskLevel?: string;
  readonly groups: readonly string[];
  readonly roles: readonly string[];
}

/** An IdentityInfo row for `user` at one point in time. */
export function identityRow(user: User, s: IdentitySnapshot): Row {
  const enabled = s.enabled ?? user.enabled;
  const tags = user.vip ? '["VIP"]' : user.adminSam ? '["Administrator"]' : "[]";
  return {
    TimeGenerated: s.time,
    SourceSystem: "AzureActiveDirectory",
    AccountObjectId: user.objectId,
    AccountUPN: user.upn,
    AccountName: user.sam,
    AccountDomain: ORG.adDomain,
    AccountDisplayName: user.display,
    GivenName: user.given,
    Surname: user.surname,
    AccountSID: user.sid,
    AccountTenantId: ORG.aadTenantId,
    AccountCreationTime: user.created,
    MailAddress: user.upn,
    Department: user.department,
    JobTitle: user.jobTitle,
    Manager: user.managerUpn?.split("@")[0] ?? "",
    City: user.home.city,
    Country: user.home.countryName,
    EmployeeId: user.employeeId,
    IsAccountEnabled: enabled,
    IsMFARegistered: s.mfaRegistered ?? user.mfaRegistered,
    AssignedRoles: JSON.stringify(s.roles),
    GroupMembership: JSON.stringify(s.groups),
    Tags: tags,
    UserType: "Member",
    UserState: enabled ? "Active" : "Disabled",
    BlastRadius: user.vip || user.adminSam
      ? "High"
      : user.department === "Finance"
      ? "Medium"
      : "Low",
    InvestigationPriority: 0,
    RiskLevel: s.riskLevel ?? "None",
    RiskState: s.riskLevel ? "AtRisk" : "None",
    OnPremisesDistinguishedName:
      `CN=${user.display},OU=${user.department},OU=Users,OU=Larkspur,DC=corp,DC=larkspurlogistics,DC=example`,
    ChangeSource: "AzureActiveDirectory",
    SAMAccountName: user.sam,
    IsServiceAccount: false,
    // The unified (Defender portal) table's names for the same facts.
    AccountUpn: user.upn,
    OnPremSid: user.sid,
    EmailAddress: user.upn,
    CreatedDateTime: user.created,
    SourceProvider: "Hybrid",
  };
}
