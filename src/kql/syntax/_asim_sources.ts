/**
 * Sentinel's ASIM parsers beyond DNS that the local engine offers, written in KQL after the
 * published ASIM schemas (https://aka.ms/AboutASIM): authentication (SigninLogs,
 * AADNonInteractiveUserSignInLogs, SecurityEvent 4624/4625/4634/4647, Syslog sshd), network
 * sessions (CommonSecurityLog, DeviceNetworkEvents) and process creation (SecurityEvent 4688,
 * DeviceProcessEvents), from `_asim_web_registry.ts` web sessions and registry events, and from
 * `_asim_file_audit_user.ts` file events, audit events and user management. Each
 * parser is a union of one leg per source table; a case folder gets the legs whose tables it
 * has (as a workspace gets the legs of its connectors).
 *
 * @module
 */
import { REGISTRY, WEB_SESSION } from "./_asim_web_registry.ts";
import { AUDIT_EVENT, FILE_EVENT, USER_MANAGEMENT } from "./_asim_file_audit_user.ts";
import { NETWORK_SESSION_SCHEMA } from "./_asim_schemas.ts";

/** One ASIM parser: its names, its parameters, a leg per source table, and its filters. */
export interface AsimParser {
  names: readonly string[];
  /** The parameter list in KQL, in the schema's order (empty for the parameterless names). */
  params: string;
  /** Names of the parameterless variant (`ASimAuthentication`): every parameter at its default. */
  parameterless: readonly string[];
  legs: ReadonlyArray<readonly [table: string, body: string]>;
  /** The parameters' filters on the normalised fields, applied after the union. */
  filter: string;
  /**
   * The schema's fields and types (`Name:type, ...`), when the parser starts from the
   * schema's empty table as Microsoft's unifying parsers do (`vimFileEventEmpty`).
   */
  schema?: string;
}

// The device fields of a Windows `Computer` (host.domain).
const DVC = `| extend _host = split(Computer, '.')
  | extend DvcHostname = tostring(_host[0]), DvcDomain = strcat_array(array_slice(_host, 1, -1), '.'),
      DvcFQDN = iff(Computer contains '.', Computer, ''), Dvc = Computer`;

const COMMON = `EventCount = int(1), EventStartTime = TimeGenerated, EventEndTime = TimeGenerated`;

// ---------------------------------------------------------------- authentication

const AUTH_COLUMNS =
  `TimeGenerated, Type, _ResourceId, EventCount, EventStartTime, EventEndTime, EventType,
  EventSubType, EventResult, EventResultDetails, EventOriginalResultDetails, EventOriginalType,
  EventSeverity, EventVendor, EventProduct, EventSchema, EventSchemaVersion, TargetUsername,
  TargetUsernameType, TargetUserId, TargetUserIdType, TargetUserType, TargetAppName, TargetAppId,
  TargetHostname, SrcIpAddr, SrcPortNumber, SrcHostname, SrcGeoCountry, SrcGeoCity, SrcDvcOs,
  HttpUserAgent, LogonMethod, LogonProtocol, DvcHostname, DvcDomain, DvcFQDN, Dvc`;

// Entra ID sign-ins; AADSTS codes as Microsoft documents them (50126 invalid user name or
// password, 50034 no such account, 50057 disabled, 50053 locked, 50055 password expired).
const entraLeg = (table: string) =>
  `${table}
  | extend EventType = 'Logon', EventSubType = '', EventResult = iff(ResultType == '0', 'Success', 'Failure'),
      EventResultDetails = case(ResultType == '0', '', ResultType == '50126', 'No such user or password',
        ResultType == '50034', 'No such user', ResultType == '50057', 'User disabled',
        ResultType == '50053', 'User locked', ResultType in ('50055', '50144'), 'Password expired',
        ResultType in ('50076', '50079', '50074', '53003', '530032'), 'Logon violates policy', 'Other'),
      EventOriginalResultDetails = ResultType, EventOriginalType = '', ${COMMON},
      EventVendor = 'Microsoft', EventProduct = 'Entra ID', EventSchema = 'Authentication',
      EventSchemaVersion = '0.1.3', TargetUsername = UserPrincipalName, TargetUsernameType = 'UPN',
      TargetUserId = UserId, TargetUserIdType = 'AADID',
      TargetUserType = case(UserType == 'Member', 'Regular', UserType == 'Guest', 'Guest', UserType),
      TargetAppName = AppDisplayName, TargetAppId = AppId, TargetHostname = '',
      SrcIpAddr = IPAddress, SrcPortNumber = int(null), SrcHostname = '',
      SrcGeoCountry = tostring(todynamic(LocationDetails).countryOrRegion),
      SrcGeoCity = tostring(todynamic(LocationDetails).city),
      SrcDvcOs = tostring(todynamic(DeviceDetail).operatingSystem), HttpUserAgent = UserAgent,
      LogonMethod = AuthenticationRequirement, LogonProtocol = ClientAppUsed,
      DvcHostname = '', DvcDomain = '', DvcFQDN = '', Dvc = ''
  | extend EventSeverity = iff(EventResult == 'Failure', 'Low', 'Informational')
  | project ${AUTH_COLUMNS}`;

// Windows logons; 4625's SubStatus as Microsoft documents it.
const WINDOWS_LOGON = `SecurityEvent
  | where EventID in (4624, 4625, 4634, 4647)
  | extend EventType = iff(EventID in (4634, 4647), 'Logoff', 'Logon'),
      EventSubType = case(LogonType == 2, 'Interactive', LogonType == 3, 'Network', LogonType == 4, 'Batch',
        LogonType == 5, 'Service', LogonType == 7, 'Unlock', LogonType == 8, 'NetworkCleartext',
        LogonType == 9, 'NewCredentials', LogonType == 10, 'RemoteInteractive',
        LogonType == 11, 'CachedInteractive', ''),
      EventResult = iff(EventID == 4625, 'Failure', 'Success'),
      // A lockout (0xc0000234) and other one-code failures leave SubStatus 0x0: read Status.
      _code = iff(isempty(SubStatus) or SubStatus == '0x0', Status, SubStatus)
  | extend _sub = tolower(_code)
  | extend EventResultDetails = case(EventID != 4625, '', _sub == '0xc0000064', 'No such user',
        _sub == '0xc000006a', 'Incorrect password', _sub == '0xc0000234', 'User locked',
        _sub == '0xc0000072', 'User disabled', _sub == '0xc0000193', 'Account expired',
        _sub in ('0xc0000071', '0xc0000224'), 'Password expired',
        _sub in ('0xc000006f', '0xc0000070', '0xc000015b'), 'Logon violates policy', 'Other'),
      EventOriginalResultDetails = _code, EventOriginalType = tostring(EventID), ${COMMON},
      EventVendor = 'Microsoft', EventProduct = 'Security Events', EventSchema = 'Authentication',
      EventSchemaVersion = '0.1.3',
      TargetUsername = iff(isnotempty(TargetDomainName) and TargetDomainName != '-',
        strcat(TargetDomainName, '\\\\', TargetUserName), TargetUserName),
      TargetUserId = TargetUserSid, TargetUserIdType = 'SID', TargetUserType = '',
      TargetAppName = '', TargetAppId = '', SrcIpAddr = iff(IpAddress in ('-', '::1', '127.0.0.1'), '', IpAddress),
      SrcPortNumber = toint(IpPort), SrcHostname = iff(WorkstationName == '-', '', WorkstationName),
      SrcGeoCountry = '', SrcGeoCity = '', SrcDvcOs = '', HttpUserAgent = '', LogonMethod = '',
      LogonProtocol = AuthenticationPackageName
  | extend TargetUsernameType = iff(TargetUsername contains '\\\\', 'Windows', 'Simple'),
      EventSeverity = iff(EventResult == 'Failure', 'Low', 'Informational')
  ${DVC}
  | extend TargetHostname = DvcHostname
  | project ${AUTH_COLUMNS}`;

// OpenSSH's own log lines: "Accepted <method> for <user> from <ip> port <n>" and
// "Failed password for [invalid user ]<user> from <ip> port <n>".
const SSHD = `Syslog
  | where ProcessName == 'sshd'
  | extend _m = extract_all(@'^(Accepted|Failed) (\\S+) for (invalid user )?(\\S+) from (\\S+) port (\\d+)', SyslogMessage)
  | where array_length(_m) > 0
  | extend _m = _m[0]
  | extend EventType = 'Logon', EventSubType = 'Remote',
      EventResult = iff(tostring(_m[0]) == 'Accepted', 'Success', 'Failure')
  | extend EventResultDetails = case(EventResult == 'Success', '', tostring(_m[2]) != '', 'No such user',
        'Incorrect password'),
      EventOriginalResultDetails = '', EventOriginalType = '', ${COMMON},
      EventVendor = 'OpenSSH', EventProduct = 'OpenSSH', EventSchema = 'Authentication',
      EventSchemaVersion = '0.1.3', TargetUsername = tostring(_m[3]), TargetUsernameType = 'Simple',
      TargetUserId = '', TargetUserIdType = '', TargetUserType = '', TargetAppName = 'sshd',
      TargetAppId = '', SrcIpAddr = tostring(_m[4]), SrcPortNumber = toint(_m[5]), SrcHostname = '',
      SrcGeoCountry = '', SrcGeoCity = '', SrcDvcOs = '', HttpUserAgent = '',
      LogonMethod = tostring(_m[1]), LogonProtocol = 'ssh', DvcHostname = HostName, DvcDomain = '',
      DvcFQDN = '', Dvc = HostName, TargetHostname = HostName
  | extend EventSeverity = iff(EventResult == 'Failure', 'Low', 'Informational')
  | project ${AUTH_COLUMNS}`;

const AUTH_PARAMS = `starttime:datetime=datetime(null), endtime:datetime=datetime(null),
  username_has_any:dynamic=dynamic([]), targetappname_has_any:dynamic=dynamic([]),
  srcipaddr_has_any_prefix:dynamic=dynamic([]), srchostname_has_any:dynamic=dynamic([]),
  eventtype:string='*', eventresultdetails_in:dynamic=dynamic([]), eventresult:string='*',
  pack:bool=false`;

const AUTH_FILTER = `| where (isnull(starttime) or TimeGenerated >= starttime)
      and (isnull(endtime) or TimeGenerated <= endtime)
      and (array_length(username_has_any) == 0 or TargetUsername has_any (username_has_any))
      and (array_length(targetappname_has_any) == 0 or TargetAppName has_any (targetappname_has_any))
      and (array_length(srcipaddr_has_any_prefix) == 0
        or has_any_ipv4_prefix(SrcIpAddr, srcipaddr_has_any_prefix))
      and (array_length(srchostname_has_any) == 0 or SrcHostname has_any (srchostname_has_any))
      and (eventtype == '*' or EventType =~ eventtype)
      and (array_length(eventresultdetails_in) == 0 or EventResultDetails in (eventresultdetails_in))
      and (eventresult == '*' or EventResult =~ eventresult)
  | extend User = TargetUsername, SrcDvcIpAddr = SrcIpAddr, IpAddr = SrcIpAddr, Src = SrcIpAddr,
      Application = TargetAppName, LogonTarget = TargetHostname, Hostname = DvcHostname`;

// ---------------------------------------------------------------- network sessions

const NET_COLUMNS =
  `TimeGenerated, Type, _ResourceId, EventCount, EventStartTime, EventEndTime, EventType,
  EventResult, EventSeverity, EventVendor, EventProduct, EventSchema, EventSchemaVersion,
  SrcIpAddr, SrcPortNumber, DstIpAddr, DstPortNumber, DstFQDN, NetworkProtocol,
  NetworkApplicationProtocol, DvcAction, SrcBytes, DstBytes, SrcUsername, SrcProcessName,
  DvcHostname, Dvc`;

// PAN-OS TRAFFIC logs as Microsoft's vimNetworkSessionPaloAltoCEF.yaml (Azure/Azure-Sentinel
// Parsers/ASimNetworkSession) reads them: its action table (reset client/server/both in both
// spellings, drop ICMP), 'allow' the only success, every session 'Informational' (the
// firewall's own severity is EventOriginalSeverity), vendor 'Palo Alto', product 'PanOS'.
const PALO_ALTO = `CommonSecurityLog
  | where DeviceVendor == 'Palo Alto Networks' and DeviceProduct == 'PAN-OS' and Activity == 'TRAFFIC'
  | extend EventType = 'NetworkSession', ${COMMON},
      DvcAction = case(DeviceAction in ('allow'), 'Allow', DeviceAction == 'deny', 'Deny',
        DeviceAction == 'drop', 'Drop', DeviceAction in ('drop ICMP', 'drop-icmp'), 'Drop ICMP',
        DeviceAction in ('reset client', 'reset-client'), 'Reset Source',
        DeviceAction in ('reset server', 'reset-server'), 'Reset Destination',
        DeviceAction in ('reset both', 'reset-both'), 'Reset', ''),
      EventSchema = 'NetworkSession', EventSchemaVersion = '0.2.6', EventVendor = 'Palo Alto',
      EventProduct = 'PanOS', SrcIpAddr = SourceIP, SrcPortNumber = toint(SourcePort),
      DstIpAddr = DestinationIP, DstPortNumber = toint(DestinationPort), DstFQDN = DestinationHostName,
      NetworkProtocol = toupper(Protocol), NetworkApplicationProtocol = ApplicationProtocol,
      SrcBytes = tolong(SentBytes), DstBytes = tolong(ReceivedBytes), SrcUsername = SourceUserName,
      SrcProcessName = '', DvcHostname = DeviceName, Dvc = DeviceName
  | extend EventResult = iff(DeviceAction == 'allow', 'Success', 'Failure'), EventSeverity = 'Informational',
      EventOriginalSeverity = tostring(column_ifexists('LogSeverity', '')), DvcOriginalAction = DeviceAction
  | project ${NET_COLUMNS}, EventOriginalSeverity, DvcOriginalAction`;

const MDE_NETWORK = `DeviceNetworkEvents
  | where ActionType in ('ConnectionSuccess', 'ConnectionFailed', 'ConnectionAttempt',
      'ConnectionRequest', 'InboundConnectionAccepted', 'ConnectionFound', 'ListeningConnectionCreated')
  | extend _in = ActionType == 'InboundConnectionAccepted'
  | extend EventType = iff(ActionType == 'ListeningConnectionCreated', 'ListeningConnectionCreated',
        'NetworkSession'), ${COMMON},
      EventResult = iff(ActionType == 'ConnectionFailed', 'Failure', 'Success'),
      EventSchema = 'NetworkSession', EventSchemaVersion = '0.2.6', EventVendor = 'Microsoft',
      EventProduct = 'M365 Defender for Endpoint',
      SrcIpAddr = iff(_in, RemoteIP, LocalIP), SrcPortNumber = toint(iff(_in, RemotePort, LocalPort)),
      DstIpAddr = iff(_in, LocalIP, RemoteIP), DstPortNumber = toint(iff(_in, LocalPort, RemotePort)),
      DstFQDN = RemoteUrl, NetworkProtocol = toupper(Protocol), NetworkApplicationProtocol = '',
      DvcAction = '', SrcBytes = long(null), DstBytes = long(null),
      SrcUsername = iff(isnotempty(InitiatingProcessAccountDomain),
        strcat(InitiatingProcessAccountDomain, '\\\\', InitiatingProcessAccountName),
        InitiatingProcessAccountName),
      SrcProcessName = InitiatingProcessFolderPath, DvcHostname = tostring(split(DeviceName, '.')[0]),
      Dvc = DeviceName
  | extend EventSeverity = iff(EventResult == 'Failure', 'Low', 'Informational')
  | project ${NET_COLUMNS}`;

const NET_PARAMS = `starttime:datetime=datetime(null), endtime:datetime=datetime(null),
  srcipaddr_has_any_prefix:dynamic=dynamic([]), dstipaddr_has_any_prefix:dynamic=dynamic([]),
  ipaddr_has_any_prefix:dynamic=dynamic([]), dstportnumber:int=int(null),
  hostname_has_any:dynamic=dynamic([]), dvcaction:dynamic=dynamic([]), eventresult:string='*',
  pack:bool=false`;

const NET_FILTER = `| where (isnull(starttime) or TimeGenerated >= starttime)
      and (isnull(endtime) or TimeGenerated <= endtime)
      and (array_length(srcipaddr_has_any_prefix) == 0
        or has_any_ipv4_prefix(SrcIpAddr, srcipaddr_has_any_prefix))
      and (array_length(dstipaddr_has_any_prefix) == 0
        or has_any_ipv4_prefix(DstIpAddr, dstipaddr_has_any_prefix))
      and (array_length(ipaddr_has_any_prefix) == 0
        or has_any_ipv4_prefix(SrcIpAddr, ipaddr_has_any_prefix)
        or has_any_ipv4_prefix(DstIpAddr, ipaddr_has_any_prefix))
      and (isnull(dstportnumber) or DstPortNumber == dstportnumber)
      and (array_length(hostname_has_any) == 0 or DstFQDN has_any (hostname_has_any)
        or DvcHostname has_any (hostname_has_any))
      and (array_length(dvcaction) == 0 or DvcAction in (dvcaction))
      and (eventresult == '*' or EventResult =~ eventresult)
  | extend _srcPrivate = ipv4_is_private(SrcIpAddr), _dstPrivate = ipv4_is_private(DstIpAddr)
  | extend NetworkDirection = case(isnull(_srcPrivate) or isnull(_dstPrivate), 'NA',
      _srcPrivate and _dstPrivate, 'Local', _dstPrivate, 'Inbound', _srcPrivate, 'Outbound', 'External')
  | project-away _srcPrivate, _dstPrivate
  | extend NetworkBytes = SrcBytes + DstBytes, IpAddr = SrcIpAddr, Src = SrcIpAddr,
      Dst = DstIpAddr, Hostname = DvcHostname, User = SrcUsername`;

// ---------------------------------------------------------------- process creation

const PROC_COLUMNS =
  `TimeGenerated, Type, _ResourceId, EventCount, EventStartTime, EventEndTime, EventType,
  EventResult, EventSeverity, EventVendor, EventProduct, EventSchema, EventSchemaVersion,
  TargetProcessName, TargetProcessCommandLine, TargetProcessId, TargetProcessSHA256,
  TargetProcessMD5, TargetProcessSHA1, ActingProcessName, ActingProcessCommandLine,
  ActingProcessId, ParentProcessName, ActorUsername, ActorUserId, TargetUsername, TargetUserId,
  DvcHostname, DvcDomain, DvcFQDN, Dvc`;

const WINDOWS_PROCESS = `SecurityEvent
  | where EventID == 4688
  | extend EventType = 'ProcessCreated', EventResult = 'Success', EventSeverity = 'Informational',
      ${COMMON}, EventVendor = 'Microsoft', EventProduct = 'Security Events',
      EventSchema = 'ProcessEvent', EventSchemaVersion = '0.1.4',
      TargetProcessName = NewProcessName, TargetProcessCommandLine = CommandLine,
      TargetProcessId = NewProcessId, TargetProcessSHA256 = '', TargetProcessMD5 = '',
      TargetProcessSHA1 = '', ActingProcessName = ParentProcessName, ActingProcessCommandLine = '',
      ActingProcessId = ProcessId, ParentProcessName = '',
      ActorUsername = iff(isnotempty(SubjectDomainName) and SubjectDomainName != '-',
        strcat(SubjectDomainName, '\\\\', SubjectUserName), SubjectUserName),
      ActorUserId = SubjectUserSid,
      TargetUsername = iff(isnotempty(TargetUserName) and TargetUserName != '-',
        iff(isnotempty(TargetDomainName) and TargetDomainName != '-',
          strcat(TargetDomainName, '\\\\', TargetUserName), TargetUserName), ''),
      TargetUserId = iff(TargetUserSid in ('S-1-0-0', '-'), '', TargetUserSid)
  ${DVC}
  // Sentinel's parser keeps the table's other columns (EventID, Computer, IpAddress, ...) and
  // removes only those it maps and that would confuse (ASimProcessCreateMicrosoftSecurityEvents).
  | project-away _host, ProcessId, SubjectUserSid, SubjectDomainName, SubjectUserName,
      TargetUserSid, TargetDomainName, TargetUserName
  | project-reorder ${PROC_COLUMNS}`;

const MDE_PROCESS = `DeviceProcessEvents
  | where ActionType == 'ProcessCreated'
  | extend EventType = 'ProcessCreated', EventResult = 'Success', EventSeverity = 'Informational',
      ${COMMON}, EventVendor = 'Microsoft', EventProduct = 'M365 Defender for Endpoint',
      EventSchema = 'ProcessEvent', EventSchemaVersion = '0.1.4',
      TargetProcessName = FolderPath, TargetProcessCommandLine = ProcessCommandLine,
      TargetProcessId = tostring(ProcessId), TargetProcessSHA256 = SHA256, TargetProcessMD5 = MD5,
      TargetProcessSHA1 = SHA1, ActingProcessName = InitiatingProcessFolderPath,
      ActingProcessCommandLine = InitiatingProcessCommandLine,
      ActingProcessId = tostring(InitiatingProcessId), ParentProcessName = InitiatingProcessParentFileName,
      ActorUsername = iff(isnotempty(InitiatingProcessAccountDomain),
        strcat(InitiatingProcessAccountDomain, '\\\\', InitiatingProcessAccountName),
        InitiatingProcessAccountName),
      ActorUserId = InitiatingProcessAccountSid,
      TargetUsername = iff(isnotempty(AccountDomain), strcat(AccountDomain, '\\\\', AccountName), AccountName),
      TargetUserId = AccountSid, Computer = DeviceName
  ${DVC}
  // As ASimProcessEventMicrosoft365D: the mapped columns go, the table's others stay.
  | project-away _host, ActionType, FolderPath, ProcessCommandLine, ProcessId, SHA256, MD5, SHA1,
      InitiatingProcessFolderPath, InitiatingProcessCommandLine, InitiatingProcessId,
      InitiatingProcessParentFileName, InitiatingProcessAccountDomain, InitiatingProcessAccountName,
      InitiatingProcessAccountSid, AccountDomain, AccountName, AccountSid
  | project-reorder ${PROC_COLUMNS}`;

const PROC_PARAMS = `starttime:datetime=datetime(null), endtime:datetime=datetime(null),
  commandline_has_any:dynamic=dynamic([]), commandline_has_all:dynamic=dynamic([]),
  commandline_has_any_ip_prefix:dynamic=dynamic([]), actingprocess_has_any:dynamic=dynamic([]),
  targetprocess_has_any:dynamic=dynamic([]), parentprocess_has_any:dynamic=dynamic([]),
  targetusername_has:string='*', dvcipaddr_has_any_prefix:dynamic=dynamic([]),
  dvchostname_has_any:dynamic=dynamic([]), eventtype:string='*',
  hashes_has_any:dynamic=dynamic([]), pack:bool=false`;

// The file name of a Windows path: what follows the last backslash.
const FILE_NAME = (path: string) => `tostring(split(${path}, '\\\\')[-1])`;

const PROC_FILTER = `| where (isnull(starttime) or TimeGenerated >= starttime)
      and (isnull(endtime) or TimeGenerated <= endtime)
      and (array_length(commandline_has_any) == 0 or TargetProcessCommandLine has_any (commandline_has_any))
      and (array_length(commandline_has_all) == 0 or TargetProcessCommandLine has_all (commandline_has_all))
      and (array_length(commandline_has_any_ip_prefix) == 0
        or has_any_ipv4_prefix(TargetProcessCommandLine, commandline_has_any_ip_prefix))
      and (array_length(actingprocess_has_any) == 0 or ActingProcessName has_any (actingprocess_has_any))
      and (array_length(targetprocess_has_any) == 0 or TargetProcessName has_any (targetprocess_has_any))
      and (array_length(parentprocess_has_any) == 0 or ParentProcessName has_any (parentprocess_has_any))
      and (targetusername_has == '*' or TargetUsername has targetusername_has)
      // Neither leg records the device's address: a prefix asked for matches no row.
      and array_length(dvcipaddr_has_any_prefix) == 0
      and (array_length(dvchostname_has_any) == 0 or DvcHostname has_any (dvchostname_has_any))
      and (eventtype == '*' or EventType =~ eventtype)
      and (array_length(hashes_has_any) == 0 or TargetProcessSHA256 has_any (hashes_has_any)
        or TargetProcessMD5 has_any (hashes_has_any) or TargetProcessSHA1 has_any (hashes_has_any))
  | extend CommandLine = TargetProcessCommandLine, Process = TargetProcessName,
      User = TargetUsername, Hostname = DvcHostname,
      Hash = coalesce(TargetProcessSHA256, TargetProcessSHA1, TargetProcessMD5),
      TargetProcessFileName = ${
  FILE_NAME("TargetProcessName")
}, TargetProcessFilePath = TargetProcessName,
      ActingProcessFileName = ${FILE_NAME("ActingProcessName")},
      ActorUserName = ActorUsername, ActorUserDomain = tostring(split(ActorUsername, '\\\\')[-2]),
      TargetUserName = TargetUsername, DvcHostName = DvcHostname, Account = ActorUsername`;

/** The ASIM parsers beyond DNS, by schema. */
export const ASIM_PARSERS: readonly AsimParser[] = [
  {
    names: ["imAuthentication", "_Im_Authentication"],
    parameterless: ["ASimAuthentication", "_ASim_Authentication"],
    params: AUTH_PARAMS,
    legs: [
      ["SigninLogs", entraLeg("SigninLogs")],
      ["AADNonInteractiveUserSignInLogs", entraLeg("AADNonInteractiveUserSignInLogs")],
      ["SecurityEvent", WINDOWS_LOGON],
      ["Syslog", SSHD],
    ],
    filter: AUTH_FILTER,
  },
  {
    names: ["imNetworkSession", "_Im_NetworkSession"],
    parameterless: ["ASimNetworkSession", "_ASim_NetworkSession"],
    params: NET_PARAMS,
    schema: NETWORK_SESSION_SCHEMA,
    legs: [["CommonSecurityLog", PALO_ALTO], ["DeviceNetworkEvents", MDE_NETWORK]],
    filter: NET_FILTER,
  },
  {
    names: [
      "imProcessCreate",
      "_Im_ProcessCreate",
      "imProcessCreation",
      "imProcessEvent",
      "imProcessEvents",
      "_Im_ProcessEvent",
      "imProcess",
    ],
    parameterless: [
      "ASimProcessCreate",
      "_ASim_ProcessCreate",
      "ASimProcessEvent",
      "_ASim_ProcessEvent",
    ],
    params: PROC_PARAMS,
    legs: [["SecurityEvent", WINDOWS_PROCESS], ["DeviceProcessEvents", MDE_PROCESS]],
    filter: PROC_FILTER,
  },
  WEB_SESSION,
  REGISTRY,
  FILE_EVENT,
  AUDIT_EVENT,
  USER_MANAGEMENT,
];
