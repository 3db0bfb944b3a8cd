/**
 * Microsoft Sentinel / Log Analytics table schemas: the real column names and Kusto types
 * (from Microsoft's Azure Monitor Logs table reference) of the columns casefile's bundled
 * demo case holds. Each schema is a subset of the real table, in the order `getschema`
 * lists the real columns, so a query written against the demo case runs unchanged against
 * a real workspace.
 *
 * @example Look up a column's Kusto type
 * ```ts
 * import assert from "node:assert/strict";
 * import { SENTINEL_SCHEMAS } from "./sentinel.ts";
 *
 * const eventId = SENTINEL_SCHEMAS.SecurityEvent.columns.find((c) => c.name === "EventID");
 * assert.equal(eventId?.type, "int");
 * ```
 *
 * @module
 */
import { isKustoType, type TableSchema } from "./types.ts";

/** Builds a frozen schema from Kusto's `Name:type, Name:type` notation. */
function table(name: string, columns: string): TableSchema {
  return Object.freeze({
    name,
    columns: Object.freeze(
      columns.trim().split(/\s*,\s*/).map((pair) => {
        const [column, type] = pair.split(":");
        if (!isKustoType(type)) throw new TypeError(`${name}.${column} has unknown type ${type}`);
        return Object.freeze({ name: column, type });
      }),
    ),
  });
}

/** The demo case's tables, by name, with real Sentinel column names and Kusto types. */
export const SENTINEL_SCHEMAS: Readonly<Record<string, TableSchema>> = Object.freeze({
  SigninLogs: table(
    "SigninLogs",
    `TenantId:string, SourceSystem:string, TimeGenerated:datetime, ResourceId:string,
    OperationName:string, OperationVersion:string, Category:string, ResultType:string,
    ResultSignature:string, ResultDescription:string, DurationMs:long, CorrelationId:string,
    Resource:string, ResourceGroup:string, ResourceProvider:string, Identity:string,
    Level:string, Location:string, AlternateSignInName:string, AppDisplayName:string,
    AppId:string, AuthenticationDetails:string, AuthenticationRequirement:string,
    ClientAppUsed:string, ConditionalAccessPolicies:dynamic, ConditionalAccessStatus:string,
    CreatedDateTime:datetime, DeviceDetail:dynamic, IsInteractive:bool, Id:string,
    IPAddress:string, IsRisky:bool, LocationDetails:dynamic, MfaDetail:dynamic,
    NetworkLocationDetails:string, OriginalRequestId:string, RiskDetail:string,
    RiskEventTypes:string, RiskEventTypes_V2:string, RiskLevelAggregated:string,
    RiskLevelDuringSignIn:string, RiskState:string, ResourceDisplayName:string,
    ResourceIdentity:string, Status:dynamic, TokenIssuerType:string, UserAgent:string,
    UserDisplayName:string, UserId:string, UserPrincipalName:string, AADTenantId:string,
    UserType:string, ResourceTenantId:string, HomeTenantId:string,
    AutonomousSystemNumber:string, Type:string`,
  ),
  AuditLogs: table(
    "AuditLogs",
    `TenantId:string, SourceSystem:string, TimeGenerated:datetime, ResourceId:string,
    OperationName:string, OperationVersion:string, Category:string, ResultType:string,
    ResultSignature:string, ResultDescription:string, DurationMs:long, CorrelationId:string,
    Resource:string, ResourceGroup:string, ResourceProvider:string, Identity:string,
    Level:string, Location:string, AdditionalDetails:dynamic, Id:string, InitiatedBy:dynamic,
    LoggedByService:string, Result:string, ResultReason:string, TargetResources:dynamic,
    AADTenantId:string, ActivityDisplayName:string, ActivityDateTime:datetime,
    AADOperationType:string, Type:string`,
  ),
  OfficeActivity: table(
    "OfficeActivity",
    `TenantId:string, RecordType:string, TimeGenerated:datetime, Operation:string,
    OrganizationId:string, UserType:string, UserKey:string, OfficeWorkload:string,
    ResultStatus:string, OfficeObjectId:string, UserId:string, ClientIP:string,
    Site_Url:string, SourceRelativeUrl:string, SourceFileName:string,
    SourceFileExtension:string, ItemType:string, EventSource:string, UserAgent:string,
    ExternalAccess:string, OriginatingServer:string, OrganizationName:string,
    Parameters:string, Logon_Type:string, MailboxGuid:string, MailboxOwnerUPN:string,
    LogonUserSid:string, ClientInfoString:string, Client_IPAddress:string, OfficeId:string,
    SourceSystem:string, Type:string`,
  ),
  SecurityEvent: table(
    "SecurityEvent",
    `TenantId:string, TimeGenerated:datetime, SourceSystem:string, Account:string,
    AccountType:string, Computer:string, EventSourceName:string, Channel:string, Task:int,
    EventID:int, Activity:string, AuthenticationPackageName:string, CommandLine:string,
    FailureReason:string, IpAddress:string, IpPort:string, LmPackageName:string,
    LogonProcessName:string, LogonType:int, LogonTypeName:string, MandatoryLabel:string,
    MemberName:string, MemberSid:string, NewProcessId:string, NewProcessName:string,
    ParentProcessName:string, Process:string, ProcessId:string, SamAccountName:string,
    ServiceAccount:string, ServiceFileName:string, ServiceName:string, ServiceStartType:int,
    ServiceType:string, ShareLocalPath:string, ShareName:string, Status:string,
    SubStatus:string, SubjectAccount:string, SubjectDomainName:string, SubjectLogonId:string,
    SubjectUserName:string, SubjectUserSid:string, TargetAccount:string,
    TargetDomainName:string, TargetLogonId:string, TargetSid:string, TargetUserName:string,
    TargetUserSid:string, TokenElevationType:string, UserPrincipalName:string,
    WorkstationName:string, Type:string`,
  ),
  SecurityAlert: table(
    "SecurityAlert",
    `TenantId:string, TimeGenerated:datetime, DisplayName:string, AlertName:string,
    AlertSeverity:string, Description:string, ProviderName:string, VendorName:string,
    VendorOriginalId:string, SystemAlertId:string, ResourceId:string,
    SourceComputerId:string, AlertType:string, ConfidenceLevel:string, ConfidenceScore:real,
    IsIncident:bool, StartTime:datetime, EndTime:datetime, ProcessingEndTime:datetime,
    RemediationSteps:string, ExtendedProperties:string, Entities:string, SourceSystem:string,
    WorkspaceSubscriptionId:string, WorkspaceResourceGroup:string, ExtendedLinks:string,
    ProductName:string, ProductComponentName:string, AlertLink:string, Status:string,
    CompromisedEntity:string, Tactics:string, Techniques:string, Type:string`,
  ),
  DeviceProcessEvents: table(
    "DeviceProcessEvents",
    `TenantId:string, TimeGenerated:datetime, Timestamp:datetime, DeviceId:string,
    DeviceName:string, ActionType:string, FileName:string, FolderPath:string, SHA1:string,
    SHA256:string, MD5:string, ProcessId:long, ProcessCommandLine:string,
    ProcessIntegrityLevel:string, ProcessTokenElevation:string,
    ProcessCreationTime:datetime, AccountDomain:string, AccountName:string,
    AccountSid:string, AccountUpn:string, AccountObjectId:string, LogonId:long,
    InitiatingProcessAccountDomain:string, InitiatingProcessAccountName:string,
    InitiatingProcessAccountSid:string, InitiatingProcessAccountUpn:string,
    InitiatingProcessAccountObjectId:string, InitiatingProcessLogonId:long,
    InitiatingProcessIntegrityLevel:string, InitiatingProcessTokenElevation:string,
    InitiatingProcessSHA1:string, InitiatingProcessMD5:string,
    InitiatingProcessFileName:string, InitiatingProcessId:long,
    InitiatingProcessCommandLine:string, InitiatingProcessCreationTime:datetime,
    InitiatingProcessFolderPath:string, InitiatingProcessParentId:long,
    InitiatingProcessParentFileName:string, InitiatingProcessParentCreationTime:datetime,
    ReportId:long, MachineGroup:string, SourceSystem:string, Type:string`,
  ),
  DeviceNetworkEvents: table(
    "DeviceNetworkEvents",
    `TenantId:string, TimeGenerated:datetime, Timestamp:datetime, DeviceId:string,
    DeviceName:string, ActionType:string, RemoteIP:string, RemotePort:int, RemoteUrl:string,
    LocalIP:string, LocalPort:int, Protocol:string, LocalIPType:string, RemoteIPType:string,
    InitiatingProcessSHA1:string, InitiatingProcessMD5:string,
    InitiatingProcessFileName:string, InitiatingProcessFolderPath:string,
    InitiatingProcessId:long, InitiatingProcessCommandLine:string,
    InitiatingProcessCreationTime:datetime, InitiatingProcessParentFileName:string,
    InitiatingProcessParentId:long, InitiatingProcessAccountDomain:string,
    InitiatingProcessAccountName:string, InitiatingProcessAccountSid:string,
    InitiatingProcessAccountUpn:string, InitiatingProcessIntegrityLevel:string,
    InitiatingProcessTokenElevation:string, ReportId:long, MachineGroup:string,
    SourceSystem:string, Type:string`,
  ),
  CommonSecurityLog: table(
    "CommonSecurityLog",
    `TenantId:string, TimeGenerated:datetime, DeviceVendor:string, DeviceProduct:string,
    DeviceVersion:string, DeviceEventClassID:string, Activity:string, LogSeverity:string,
    AdditionalExtensions:string, DeviceAction:string, ApplicationProtocol:string,
    EventCount:int, DestinationIP:string, DestinationPort:int,
    DestinationTranslatedAddress:string, DestinationTranslatedPort:int,
    DeviceInboundInterface:string, DeviceOutboundInterface:string, DeviceName:string,
    Protocol:string, ReceivedBytes:long, SentBytes:long, SourceIP:string, SourcePort:int,
    SourceTranslatedAddress:string, SourceTranslatedPort:int, SourceUserName:string,
    DeviceCustomNumber1:int, DeviceCustomNumber1Label:string, DeviceCustomString1:string,
    DeviceCustomString1Label:string, DeviceCustomString4:string,
    DeviceCustomString4Label:string, DeviceCustomString5:string,
    DeviceCustomString5Label:string, RequestURL:string, Computer:string,
    SourceSystem:string, Type:string`,
  ),
  DnsEvents: table(
    "DnsEvents",
    `TenantId:string, TimeGenerated:datetime, SourceSystem:string, Computer:string,
    EventId:int, SubType:string, Name:string, ClientIP:string, QueryType:string,
    IPAddresses:string, Result:string, ResultCode:int, Type:string`,
  ),
  Syslog: table(
    "Syslog",
    `TenantId:string, TimeGenerated:datetime, SourceSystem:string, Computer:string,
    EventTime:datetime, Facility:string, HostName:string, SeverityLevel:string,
    SyslogMessage:string, ProcessID:int, HostIP:string, ProcessName:string, Type:string`,
  ),
  IdentityInfo: table(
    "IdentityInfo",
    `TenantId:string, TimeGenerated:datetime, SourceSystem:string, AccountObjectId:string,
    AccountUPN:string, AccountName:string, AccountDomain:string, AccountDisplayName:string,
    GivenName:string, Surname:string, AccountSID:string, AccountTenantId:string,
    AccountCreationTime:datetime, MailAddress:string, Department:string, JobTitle:string,
    Manager:string, City:string, Country:string, EmployeeId:string, IsAccountEnabled:bool,
    IsMFARegistered:bool, AssignedRoles:dynamic, GroupMembership:dynamic, Tags:string,
    UserType:string, UserState:string, BlastRadius:string, InvestigationPriority:int,
    RiskLevel:string, RiskState:string, OnPremisesDistinguishedName:string,
    ChangeSource:string, Type:string`,
  ),
  ThreatIntelligenceIndicator: table(
    "ThreatIntelligenceIndicator",
    `TenantId:string, TimeGenerated:datetime, SourceSystem:string, IndicatorId:string,
    ExternalIndicatorId:string, Action:string, Active:bool, ConfidenceScore:real,
    Description:string, DomainName:string, NetworkIP:string, Url:string,
    FileHashType:string, FileHashValue:string, ExpirationDateTime:datetime,
    IndicatorProvider:string, ThreatType:string, ThreatSeverity:int,
    TrafficLightProtocolLevel:string, Tags:string, Type:string`,
  ),
  Heartbeat: table(
    "Heartbeat",
    `TenantId:string, SourceSystem:string, TimeGenerated:datetime, Computer:string,
    ComputerIP:string, Category:string, OSType:string, OSName:string, OSMajorVersion:string,
    OSMinorVersion:string, Version:string, SCAgentChannel:string, IsGatewayInstalled:bool,
    ComputerEnvironment:string, RemoteIPCountry:string, RemoteIPLatitude:real,
    RemoteIPLongitude:real, Solutions:string, VMUUID:string, Type:string`,
  ),
});
