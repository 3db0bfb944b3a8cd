/**
 * Two more of Sentinel's ASIM parsers, written in KQL after Microsoft's published schemas: web
 * sessions (https://aka.ms/ASimWebSessionDoc: Palo Alto PAN-OS URL-filtering logs in
 * CommonSecurityLog, Squid's native access log in Syslog) and registry events
 * (https://aka.ms/ASimRegistryEventDoc: DeviceRegistryEvents). `_asim_sources.ts` lists them
 * with the others; each is a union of one leg per source table.
 *
 * @module
 */
import { REGISTRY_SCHEMA, WEB_SESSION_SCHEMA } from "./_asim_schemas.ts";

const COMMON = `EventCount = int(1), EventStartTime = TimeGenerated, EventEndTime = TimeGenerated`;

// ---------------------------------------------------------------- web sessions

const WEB_COLUMNS =
  `TimeGenerated, Type, _ResourceId, EventCount, EventStartTime, EventEndTime, EventType,
  EventResult, EventResultDetails, EventSeverity, EventVendor, EventProduct, EventSchema,
  EventSchemaVersion, Url, UrlCategory, HttpUserAgent, HttpRequestMethod, HttpContentType, HttpStatusCode,
  SrcIpAddr, SrcPortNumber, SrcUsername, SrcHostname, DstIpAddr, DstPortNumber, DstHostname,
  SrcBytes, DstBytes, NetworkDuration, DvcAction, DvcHostname, Dvc`;

// PAN-OS sends URL-filtering records as THREAT logs of subtype `url` (CEF: request = the URL,
// requestClientApplication = the user agent, requestMethod, cs2 = the URL category). They carry
// no HTTP status; Microsoft's vimWebSessionPaloAltoCEF.yaml (Azure/Azure-Sentinel
// Parsers/ASimWebSession) sets EventResultDetails 'NA' and reads the action, the result and a
// nominal status from its action table (block-continue is an allowed, 'Partial' session),
// and the severity from the firewall's (1 Informational, 2 Low, 3-4 Medium, 5 High). Its
// vendor and product are the schema's 'Palo Alto' and 'PanOS' (the parser swaps the two).
const PAN_OS_URL = `CommonSecurityLog
  | where DeviceVendor == 'Palo Alto Networks' and DeviceProduct == 'PAN-OS'
      and Activity == 'THREAT' and DeviceEventClassID == 'url'
  | extend EventType = 'HTTPsession', ${COMMON}, EventVendor = 'Palo Alto', EventProduct = 'PanOS',
      EventSchema = 'WebSession', EventSchemaVersion = '0.2.6', EventResultDetails = 'NA',
      Url = RequestURL, UrlCategory = DeviceCustomString2, HttpUserAgent = RequestClientApplication,
      HttpRequestMethod = toupper(RequestMethod), HttpContentType = '', SrcIpAddr = SourceIP,
      SrcPortNumber = toint(SourcePort), SrcUsername = SourceUserName, SrcHostname = SourceHostName,
      DstIpAddr = DestinationIP, DstPortNumber = toint(DestinationPort),
      DstHostname = DestinationHostName, SrcBytes = tolong(SentBytes), DstBytes = tolong(ReceivedBytes),
      NetworkDuration = int(null),
      DvcAction = case(DeviceAction in ('alert', 'allow', 'continue', 'override', 'block-continue'), 'Allow',
        DeviceAction in ('block-url', 'block-override', 'override-lockout', 'deny'), 'Deny',
        DeviceAction == 'reset client', 'Reset Source', DeviceAction == 'reset server', 'Reset Destination',
        DeviceAction == 'reset both', 'Reset', DeviceAction == 'drop', 'Drop',
        DeviceAction == 'drop ICMP', 'Drop ICMP', ''),
      DvcHostname = DeviceName, Dvc = DeviceName,
      _severity = tostring(column_ifexists('LogSeverity', ''))
  | extend EventResult = case(DeviceAction == 'block-continue', 'Partial', DvcAction == 'Allow', 'Success',
        DvcAction == '', '', 'Failure'),
      HttpStatusCode = case(DvcAction == 'Allow', '200', DeviceAction == 'block-override', '302',
        DvcAction == '', '', '503'),
      EventSeverity = case(_severity == '1', 'Informational', _severity == '2', 'Low',
        _severity in ('3', '4'), 'Medium', _severity == '5', 'High', '')
  | project ${WEB_COLUMNS}`;

// Squid's native access.log line: time elapsed(ms) client action/status bytes method URL
// user hierarchy/peer type. A status of 400 or more is a failure (the schema's rule for HTTP), as
// is a denied, invalid, failed, aborted or timed-out request (ASimWebSessionSquidProxy's rule).
const SQUID = `Syslog
  | where ProcessName == 'squid'
  | extend _m = extract_all(@'^\\s*\\d+\\.\\d+\\s+(\\d+)\\s+(\\S+)\\s+([A-Z_]+)/(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+[A-Z_]+/(\\S+)\\s+(\\S+)', SyslogMessage)
  | where array_length(_m) > 0
  | extend _m = _m[0]
  | extend EventType = 'HTTPsession', ${COMMON}, EventVendor = 'Squid', EventProduct = 'Squid Proxy',
      EventSchema = 'WebSession', EventSchemaVersion = '0.2.6',
      EventResultDetails = tostring(_m[3]), Url = tostring(_m[6]), UrlCategory = '',
      HttpUserAgent = '', HttpRequestMethod = tostring(_m[5]),
      HttpContentType = iff(tostring(_m[9]) == '-', '', tostring(_m[9])),
      SrcIpAddr = tostring(_m[1]), SrcPortNumber = int(null),
      SrcUsername = iff(tostring(_m[7]) == '-', '', tostring(_m[7])), SrcHostname = '',
      DstIpAddr = iff(tostring(_m[8]) == '-', '', tostring(_m[8])), DstPortNumber = int(null),
      DstHostname = '', SrcBytes = long(null), DstBytes = tolong(_m[4]),
      NetworkDuration = toint(_m[0]),
      DvcAction = iff(tostring(_m[2]) contains 'DENIED', 'Deny', 'Allow'),
      DvcHostname = HostName, Dvc = HostName, HttpStatusCode = tostring(_m[3])
  | extend EventResult = iff(toint(EventResultDetails) >= 400 or DvcAction == 'Deny'
      or tostring(_m[2]) has_any ('INVALID', 'FAIL', 'ABORTED', 'TIMEOUT'), 'Failure', 'Success')
  | extend EventSeverity = iff(EventResult == 'Failure', 'Low', 'Informational')
  | project ${WEB_COLUMNS}`;

const WEB_PARAMS = `starttime:datetime=datetime(null), endtime:datetime=datetime(null),
  srcipaddr_has_any_prefix:dynamic=dynamic([]), ipaddr_has_any_prefix:dynamic=dynamic([]),
  url_has_any:dynamic=dynamic([]), httpuseragent_has_any:dynamic=dynamic([]),
  eventresultdetails_in:dynamic=dynamic([]), eventresult:string='*', pack:bool=false`;

const WEB_FILTER = `| where (isnull(starttime) or TimeGenerated >= starttime)
      and (isnull(endtime) or TimeGenerated <= endtime)
      and (array_length(srcipaddr_has_any_prefix) == 0
        or has_any_ipv4_prefix(SrcIpAddr, srcipaddr_has_any_prefix))
      and (array_length(ipaddr_has_any_prefix) == 0
        or has_any_ipv4_prefix(SrcIpAddr, ipaddr_has_any_prefix)
        or has_any_ipv4_prefix(DstIpAddr, ipaddr_has_any_prefix))
      and (array_length(url_has_any) == 0 or Url has_any (url_has_any))
      and (array_length(httpuseragent_has_any) == 0 or HttpUserAgent has_any (httpuseragent_has_any))
      and (array_length(eventresultdetails_in) == 0 or EventResultDetails in (eventresultdetails_in))
      and (eventresult == '*' or EventResult =~ eventresult)
  | extend IpAddr = SrcIpAddr, Src = SrcIpAddr, Dst = DstIpAddr, User = SrcUsername,
      UserAgent = HttpUserAgent, Hostname = DstHostname,
      Duration = NetworkDuration`;

/** ASIM web sessions: `_Im_WebSession` and the names Sentinel gives it. */
export const WEB_SESSION = {
  names: ["imWebSession", "_Im_WebSession"],
  parameterless: ["ASimWebSession", "_ASim_WebSession"],
  params: WEB_PARAMS,
  schema: WEB_SESSION_SCHEMA,
  legs: [["CommonSecurityLog", PAN_OS_URL], ["Syslog", SQUID]] as const,
  filter: WEB_FILTER,
};

// ---------------------------------------------------------------- registry events

const REG_COLUMNS =
  `TimeGenerated, Type, _ResourceId, EventCount, EventStartTime, EventEndTime, EventType,
  EventResult, EventSeverity, EventVendor, EventProduct, EventSchema, EventSchemaVersion,
  RegistryKey, RegistryValue, RegistryValueType, RegistryValueData, RegistryPreviousKey,
  RegistryPreviousValue, RegistryPreviousValueData, ActorUsername, ActorUserId, ActingProcessName,
  ActingProcessId, ActingProcessCommandLine, ParentProcessName, DvcHostname, DvcDomain, DvcFQDN, Dvc`;

// The schema's value types are the Windows names (REG_SZ as Reg_Sz, REG_DWORD as Reg_DWord, as
// vimRegistryEventMicrosoft365D spells them); Defender reports String, ExpandString, MultiString,
// Dword, QWord, Binary, None. Only the event's time, device, action and key are required: an
// export without the value, previous-value or initiating-process columns (a key event has
// none to report) reads them as empty, with Kusto's column_ifexists.
const REG_OPTIONAL = [
  "RegistryValueName",
  "RegistryValueType",
  "RegistryValueData",
  "PreviousRegistryKey",
  "PreviousRegistryValueName",
  "PreviousRegistryValueData",
  "InitiatingProcessAccountDomain",
  "InitiatingProcessAccountName",
  "InitiatingProcessAccountSid",
  "InitiatingProcessFolderPath",
  "InitiatingProcessCommandLine",
  "InitiatingProcessParentFileName",
  "_ResourceId",
];
const MDE_REGISTRY = `DeviceRegistryEvents
  | extend ${REG_OPTIONAL.map((c) => `${c} = tostring(column_ifexists('${c}', ''))`).join(", ")},
      InitiatingProcessId = tolong(column_ifexists('InitiatingProcessId', long(null))),
      Type = tostring(column_ifexists('Type', 'DeviceRegistryEvents'))
  | extend EventType = ActionType, EventResult = 'Success', EventSeverity = 'Informational', ${COMMON},
      EventVendor = 'Microsoft', EventProduct = 'M365 Defender for Endpoint',
      EventSchema = 'RegistryEvent', EventSchemaVersion = '0.1.2',
      RegistryValue = RegistryValueName,
      RegistryValueType = case(RegistryValueType == 'String', 'Reg_Sz',
        RegistryValueType == 'ExpandString', 'Reg_Expand_Sz', RegistryValueType == 'MultiString', 'Reg_Multi_Sz',
        RegistryValueType =~ 'Dword', 'Reg_DWord', RegistryValueType =~ 'Qword', 'Reg_QWord',
        RegistryValueType == 'Binary', 'Reg_Binary', RegistryValueType == 'None', 'Reg_None', RegistryValueType),
      RegistryPreviousKey = PreviousRegistryKey, RegistryPreviousValue = PreviousRegistryValueName,
      RegistryPreviousValueData = PreviousRegistryValueData,
      ActorUsername = iff(isnotempty(InitiatingProcessAccountDomain),
        strcat(InitiatingProcessAccountDomain, '\\\\', InitiatingProcessAccountName),
        InitiatingProcessAccountName),
      ActorUserId = InitiatingProcessAccountSid, ActingProcessName = InitiatingProcessFolderPath,
      ActingProcessId = tostring(InitiatingProcessId),
      ActingProcessCommandLine = InitiatingProcessCommandLine,
      ParentProcessName = InitiatingProcessParentFileName
  | extend _host = split(DeviceName, '.')
  | extend DvcHostname = tostring(_host[0]), DvcDomain = strcat_array(array_slice(_host, 1, -1), '.'),
      DvcFQDN = iff(DeviceName contains '.', DeviceName, ''), Dvc = DeviceName
  | project ${REG_COLUMNS}`;

const REG_PARAMS = `starttime:datetime=datetime(null), endtime:datetime=datetime(null),
  eventtype_in:dynamic=dynamic([]), actorusername_has_any:dynamic=dynamic([]),
  registrykey_has_any:dynamic=dynamic([]), registryvalue_has_any:dynamic=dynamic([]),
  registryvaluedata_has_any:dynamic=dynamic([]), dvchostname_has_any:dynamic=dynamic([]),
  pack:bool=false`;

const REG_FILTER = `| where (isnull(starttime) or TimeGenerated >= starttime)
      and (isnull(endtime) or TimeGenerated <= endtime)
      and (array_length(eventtype_in) == 0 or EventType in~ (eventtype_in))
      and (array_length(actorusername_has_any) == 0 or ActorUsername has_any (actorusername_has_any))
      and (array_length(registrykey_has_any) == 0 or RegistryKey has_any (registrykey_has_any))
      and (array_length(registryvalue_has_any) == 0 or RegistryValue has_any (registryvalue_has_any))
      and (array_length(registryvaluedata_has_any) == 0
        or RegistryValueData has_any (registryvaluedata_has_any))
      and (array_length(dvchostname_has_any) == 0 or DvcHostname has_any (dvchostname_has_any))
  | extend Process = ActingProcessName, User = ActorUsername, Hostname = DvcHostname`;

/** ASIM registry events: `imRegistry` and the names Sentinel gives it. */
export const REGISTRY = {
  names: ["imRegistry", "_Im_Registry", "_Im_RegistryEvent"],
  parameterless: ["ASimRegistry", "_ASim_Registry", "_ASim_RegistryEvent"],
  params: REG_PARAMS,
  schema: REGISTRY_SCHEMA,
  legs: [["DeviceRegistryEvents", MDE_REGISTRY]] as const,
  filter: REG_FILTER,
};
