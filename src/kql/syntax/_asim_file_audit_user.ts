/**
 * Three more of Sentinel's ASIM parsers, written in KQL after Microsoft's own parsers in
 * Azure/Azure-Sentinel and the published schemas:
 * - file events (https://aka.ms/ASimFileEventDoc; Parsers/ASimFileEvent/Parsers/
 *   vimFileEventM365D.yaml for DeviceFileEvents, vimFileEventMicrosoftSecurityEvents.yaml for
 *   SecurityEvent 4663);
 * - audit events (https://aka.ms/ASimAuditEventDoc; Parsers/ASimAuditEvent/Parsers/
 *   vimAuditEventAzureAdminActivity.yaml for AzureActivity,
 *   vimAuditEventMicrosoftEntraIDAuditLogs.yaml for AuditLogs,
 *   vimAuditEventMicrosoftExchangeAdmin365.yaml for OfficeActivity's ExchangeAdmin records);
 * - user management (https://aka.ms/ASimUserManagementDoc; Parsers/ASimUserManagement/Parsers/
 *   vimUserManagementMicrosoftSecurityEvent.yaml for SecurityEvent 4720-4781; Microsoft maps
 *   no Entra ID source to this schema).
 *
 * Each parser starts from its schema's empty table (vimFileEventEmpty, vimAuditEventEmpty,
 * vimUserManagementEmpty), as Microsoft's unifying parsers do, so that a query naming any
 * schema field runs; every leg gives its fields the schema's types, so the union keeps one
 * column per field. A source table's optional columns are read with `column_ifexists`, so
 * that an export lacking one still parses. `_asim_sources.ts` lists them with the others.
 *
 * @module
 */

const COMMON = `EventCount = int(1), EventStartTime = TimeGenerated, EventEndTime = TimeGenerated`;

/** A column of the source that may be missing, as a string ('' when it is). */
const opt = (column: string) => `tostring(column_ifexists('${column}', ''))`;

/**
 * A Windows event field: its SecurityEvent column, else the `<Data Name=...>` of `EventData`
 * (Microsoft's parsers read some fields with `parse-kv EventData`).
 */
const eventField = (name: string) =>
  `coalesce(${opt(name)}, extract(@'<Data Name="${name}">([^<]*)</Data>', 1, ${opt("EventData")}))`;

/**
 * `_ASIM_ResolveDvcFQDN`: the device's host name, domain and FQDN from a host name that may
 * carry its domain (https://learn.microsoft.com/azure/sentinel/normalization-functions).
 */
const resolveDvc = (column: string) =>
  `| extend _host = split(${column}, '.')
  | extend DvcHostname = tostring(_host[0]), DvcDomain = strcat_array(array_slice(_host, 1, -1), '.'),
      DvcFQDN = iff(${column} contains '.', ${column}, '')
  | extend DvcDomainType = iff(DvcFQDN != '', 'FQDN', '')`;

/**
 * `_ASIM_GetUsernameType` as the ASIM helper-function page describes it: `UPN` for an e-mail
 * like name, `Windows` for domain\user, `DN` for a distinguished name, `Simple` otherwise, and
 * empty for an empty name.
 */
const usernameType = (column: string) =>
  `case(isempty(${column}), '', ${column} startswith 'CN=', 'DN', ${column} contains '\\\\', 'Windows',
    ${column} contains '@', 'UPN', 'Simple')`;

// ---------------------------------------------------------------- file events

// vimFileEventEmpty: the File Event schema's fields and types.
const FILE_SCHEMA = `_ResourceId:string, ActingProcessCommandLine:string,
  ActingProcessGuid:string, ActingProcessId:string, ActingProcessName:string,
  ActorOriginalUserType:string, ActorScope:string, ActorScopeId:string, ActorSessionId:string,
  ActorUserAadId:string, ActorUserId:string, ActorUserIdType:string, ActorUsername:string,
  ActorUsernameType:string, ActorUserSid:string, ActorUserType:string, AdditionalFields:dynamic,
  Application:string, Dvc:string, DvcAction:string, DvcDescription:string, DvcDomain:string,
  DvcDomainType:string, DvcFQDN:string, DvcHostname:string, DvcId:string, DvcIdType:string,
  DvcInterface:string, DvcIpAddr:string, DvcMacAddr:string, DvcOriginalAction:string, DvcOs:string,
  DvcOsVersion:string, DvcScopeId:string, DvcScope:string, DvcZone:string, EventCount:int,
  EventEndTime:datetime, EventMessage:string, EventOriginalResultDetails:string,
  EventOriginalSeverity:string, EventOriginalSubType:string, EventOriginalType:string,
  EventOriginalUid:string, EventOwner:string, EventProduct:string, EventProductVersion:string,
  EventReportUrl:string, EventResult:string, EventSchema:string, EventSchemaVersion:string,
  EventSeverity:string, EventStartTime:datetime, EventType:string, EventUid:string,
  EventVendor:string, EventSubType:string, EventResultDetails:string, FileName:string,
  FilePath:string, Hash:string, HashType:string, HttpUserAgent:string, IpAddr:string,
  NetworkApplicationProtocol:string, Process:string, Rule:string, RuleName:string,
  RuleNumber:int, Src:string, SrcDescription:string, SrcDeviceType:string, SrcDomain:string,
  SrcDomainType:string, SrcDvcId:string, SrcDvcIdType:string, SrcDvcScope:string,
  SrcDvcScopeId:string, SrcFileCreationTime:datetime, SrcFileDirectory:string,
  SrcFileExtension:string, SrcFileMD5:string, SrcFileMimeType:string, SrcFileName:string,
  SrcFilePath:string, SrcFilePathType:string, SrcFileSHA1:string, SrcFileSHA256:string,
  SrcFileSHA512:string, SrcFileSize:long, SrcFQDN:string, SrcGeoCity:string,
  SrcGeoCountry:string, SrcGeoLatitude:real, SrcGeoLongitude:real, SrcGeoRegion:string,
  SrcHostname:string, SrcIpAddr:string, SrcPortNumber:int, SrcMacAddr:string, SrcRiskLevel:int,
  SrcOriginalRiskLevel:string, TargetAppId:string, TargetAppName:string, TargetAppType:string,
  TargetFileCreationTime:datetime, TargetFileDirectory:string, TargetFileExtension:string,
  TargetFileMD5:string, TargetFileMimeType:string, TargetFileName:string, TargetFilePath:string,
  TargetFilePathType:string, TargetFileSHA1:string, TargetFileSHA256:string,
  TargetFileSHA512:string, TargetFileSize:long, TargetUrl:string, ThreatCategory:string,
  ThreatConfidence:int, ThreatField:string, ThreatFilePath:string,
  ThreatFirstReportedTime:datetime, ThreatId:string, ThreatIpAddr:string, ThreatIsActive:bool,
  ThreatLastReportedTime:datetime, ThreatName:string, ThreatOriginalConfidence:string,
  ThreatOriginalRiskLevel:string, ThreatRiskLevel:int, TimeGenerated:datetime, Type:string,
  Url:string, User:string, ActorUserPuid:string, ActorUpn:string, Dst:string`;

// The fields the file legs fill (the aliases are set after the union). TargetUsername and its
// kin and ActorWindowsUsername are beyond the schema; vimFileEventM365D keeps them too.
const FILE_COLUMNS = `TimeGenerated, Type, _ResourceId, EventCount, EventStartTime, EventEndTime,
  EventType, EventResult, EventSeverity, EventVendor, EventProduct, EventSchema, EventSchemaVersion,
  EventOriginalUid, EventOriginalType, TargetFileName, TargetFilePath, TargetFilePathType,
  TargetFileMD5, TargetFileSHA1, TargetFileSHA256, TargetFileSize, SrcFileName, SrcFilePath,
  SrcFilePathType, Hash, HashType, ActorUsername, ActorUsernameType, ActorUserId, ActorUserIdType,
  ActorUserSid, ActorUserAadId, ActorWindowsUsername, ActorUserType, ActorSessionId,
  ActingProcessName, ActingProcessId, ActingProcessCommandLine, TargetUsername, TargetUsernameType,
  TargetUserId, TargetUserIdType, SrcIpAddr, SrcPortNumber, NetworkApplicationProtocol,
  DvcHostname, DvcDomain, DvcDomainType, DvcFQDN, Dvc, DvcId, DvcIdType, DvcOs`;

// Defender for Endpoint (vimFileEventM365D). A row with a RequestAccountName is a remote
// (SMB) write: the actor is the remote account and the target user the local process's.
// Two readings differ from the published parser, whose strcat forms assume a FolderPath
// without the file name: Defender's FolderPath already ends with it (C:\Users\Public\x.exe),
// so TargetFilePath is FolderPath then, and an empty previous path stays empty rather than
// '\'. Its RequestProtocol test (`in ('smb')`) never equals Defender's 'SMB'; the schema's
// NetworkApplicationProtocol for such a write is SMB, so the comparison ignores case. HashType
// names the hash Hash holds, and is empty when there is none.
const MDE_FILE = `DeviceFileEvents
  | extend _reqName = ${opt("RequestAccountName")}, _reqDomain = ${opt("RequestAccountDomain")},
      _ipDomain = ${opt("InitiatingProcessAccountDomain")}, _ipName = ${
  opt("InitiatingProcessAccountName")
},
      _ipUpn = ${opt("InitiatingProcessAccountUpn")}, _ipSid = ${
  opt("InitiatingProcessAccountSid")
},
      _ipAad = ${opt("InitiatingProcessAccountObjectId")}, _folder = ${opt("FolderPath")},
      _name = ${opt("FileName")}, _prevName = ${opt("PreviousFileName")},
      _prevFolder = ${opt("PreviousFolderPath")}, _sha256 = ${opt("SHA256")}, _sha1 = ${
  opt("SHA1")
},
      _md5 = ${opt("MD5")}
  | extend _remote = isnotempty(_reqName), _linux = _folder startswith '/'
  | extend _sep = iff(_linux, '/', '\\\\')
  | extend ActorUserSid = iff(_remote, ${opt("RequestAccountSid")}, _ipSid),
      ActorUserAadId = iff(_remote, '', _ipAad), ActorUserUpn = iff(_remote, '', _ipUpn),
      ActorWindowsUsername = iff(_remote, strcat(_reqDomain, '\\\\', _reqName), strcat(_ipDomain, '\\\\', _ipName)),
      TargetUserSid = iff(_remote, _ipSid, ''), TargetUserAadId = iff(_remote, _ipAad, ''),
      TargetUserUpn = iff(_remote, _ipUpn, ''),
      TargetWindowsUsername = iff(_remote, strcat(_ipDomain, '\\\\', _ipName), ''),
      SrcIpAddr = iff(_remote, ${opt("RequestSourceIP")}, ''),
      SrcPortNumber = iff(_remote, toint(column_ifexists('RequestSourcePort', int(null))), int(null))
  | extend ActorUsername = coalesce(ActorUserUpn, ActorWindowsUsername),
      ActorUsernameType = iff(isempty(ActorUserUpn), 'Windows', 'UPN'),
      ActorUserId = coalesce(ActorUserAadId, ActorUserSid),
      ActorUserIdType = iff(isempty(ActorUserSid), 'AADID', 'SID'),
      TargetUsername = iff(_remote, coalesce(TargetUserUpn, TargetWindowsUsername), ''),
      TargetUsernameType = iff(_remote, iff(isempty(TargetUserUpn), 'Windows', 'UPN'), ''),
      TargetUserId = iff(_remote, coalesce(TargetUserAadId, TargetUserSid), ''),
      TargetUserIdType = iff(_remote, iff(isempty(TargetUserSid), 'AADID', 'SID'), '')
  | extend EventType = ActionType, EventCount = int(1),
      EventStartTime = todatetime(column_ifexists('Timestamp', TimeGenerated)),
      EventEndTime = todatetime(column_ifexists('Timestamp', TimeGenerated)),
      EventResult = 'Success', EventSeverity = 'Informational', EventVendor = 'Microsoft',
      EventProduct = 'M365 Defender for Endpoint', EventSchema = 'FileEvent', EventSchemaVersion = '0.2.1',
      EventOriginalUid = tostring(column_ifexists('ReportId', long(null))), EventOriginalType = '',
      TargetFileName = _name,
      TargetFilePath = case(_folder == '', _name, _name == '' or _folder endswith strcat(_sep, _name), _folder,
        strcat(_folder, _sep, _name)),
      TargetFilePathType = iff(_linux, 'Unix', 'Windows Local'),
      TargetFileMD5 = _md5, TargetFileSHA1 = _sha1, TargetFileSHA256 = _sha256,
      TargetFileSize = tolong(column_ifexists('FileSize', long(null))), SrcFileName = _prevName,
      SrcFilePath = case(_prevFolder == '', _prevName, _prevName == '' or _prevFolder endswith strcat(_sep, _prevName),
        _prevFolder, strcat(_prevFolder, _sep, _prevName)),
      SrcFilePathType = iff(_prevFolder == '' and _prevName == '', '', iff(_linux, 'Unix', 'Windows Local')),
      Hash = coalesce(_sha256, _sha1, _md5),
      ActorUserType = '', ActorSessionId = '',
      ActingProcessName = ${opt("InitiatingProcessFolderPath")},
      ActingProcessId = tostring(column_ifexists('InitiatingProcessId', long(null))),
      ActingProcessCommandLine = ${opt("InitiatingProcessCommandLine")},
      NetworkApplicationProtocol = iff(${opt("RequestProtocol")} =~ 'smb', 'SMB', ''),
      DvcId = ${opt("DeviceId")}, DvcIdType = 'MDEid', DvcOs = iff(_linux, 'Linux', 'Windows'),
      _ResourceId = ${
  opt("_ResourceId")
}, Type = tostring(column_ifexists('Type', 'DeviceFileEvents'))
  | extend HashType = case(Hash == '', '', Hash == _sha256, 'SHA256', Hash == _sha1, 'SHA1', 'MD5')
  ${resolveDvc("DeviceName")}
  | extend Dvc = coalesce(DvcFQDN, DvcHostname)
  | project ${FILE_COLUMNS}`;

// SecurityEvent 4663, an attempt to access an object (vimFileEventMicrosoftSecurityEvents):
// files only, not devices. The access mask names the event type; the parser leaves the file
// name, hashes and source fields empty, and the device's name is the Computer as logged.
const WINDOWS_FILE = `SecurityEvent
  | where EventID == 4663
  | extend _objectType = ${opt("ObjectType")}, _object = ${opt("ObjectName")}
  | where _objectType == 'File' and _object !startswith @'\\Device\\'
  | extend _mask = ${opt("AccessMask")}, _subjectName = ${opt("SubjectUserName")},
      _subjectSid = ${opt("SubjectUserSid")}
  | extend EventType = case(_mask == '0x1', 'ObjectAccessed', _mask in ('0x10', '0x100', '0x40000', '0x80000'),
        'MetadataModified', _mask in ('0x10000', '0x40'), 'ObjectDeleted', _mask in ('0x2', '0x4', '0x6'),
        'ObjectModified', _mask in ('0x20000', '0x8', '0x80'), 'MetadataAccessed', ''),
      ${COMMON}, EventResult = 'Success', EventSeverity = '', EventVendor = 'Microsoft',
      EventProduct = 'Security Events', EventSchema = 'FileEvent', EventSchemaVersion = '0.1.1',
      EventOriginalUid = '', EventOriginalType = tostring(EventID),
      TargetFileName = '', TargetFilePath = _object, TargetFilePathType = '', TargetFileMD5 = '',
      TargetFileSHA1 = '', TargetFileSHA256 = '', TargetFileSize = long(null), SrcFileName = '',
      SrcFilePath = '', SrcFilePathType = '', Hash = '', HashType = '',
      ActorUsername = iff(_subjectName == '-', case(_subjectSid == 'S-1-5-18', 'Local System',
        _subjectSid == 'S-1-0-0', 'Nobody', ''), ${opt("SubjectAccount")}),
      ActorUsernameType = iff(_subjectName == '-', iff(_subjectSid in ('S-1-5-18', 'S-1-0-0'), 'Simple', ''),
        'Windows'),
      ActorUserId = _subjectSid, ActorUserSid = _subjectSid, ActorUserAadId = '',
      ActorUserIdType = '', ActorSessionId = ${opt("SubjectLogonId")},
      ActorUserType = case(${opt("AccountType")} == 'User', 'Regular', ${
  opt("AccountType")
} == 'Machine', 'Machine', ''),
      ActingProcessName = ${opt("ProcessName")},
      ActingProcessId = tostring(toint(column_ifexists('ProcessId', ''))), ActingProcessCommandLine = '',
      TargetUsername = '', TargetUsernameType = '', TargetUserId = '', TargetUserIdType = '',
      SrcIpAddr = '', SrcPortNumber = int(null), NetworkApplicationProtocol = '',
      DvcHostname = Computer, DvcDomain = '', DvcDomainType = '', DvcFQDN = '', Dvc = Computer,
      DvcId = '', DvcIdType = '', DvcOs = '', _ResourceId = ${opt("_ResourceId")},
      Type = tostring(column_ifexists('Type', 'SecurityEvent'))
  | extend ActorWindowsUsername = ActorUsername
  | project ${FILE_COLUMNS}`;

// imFileEvent's parameters, in the order of Microsoft's function (ARM imFileEvent.json).
const FILE_PARAMS = `starttime:datetime=datetime(null), endtime:datetime=datetime(null),
  eventtype_in:dynamic=dynamic([]), srcipaddr_has_any_prefix:dynamic=dynamic([]),
  actorusername_has_any:dynamic=dynamic([]), targetfilepath_has_any:dynamic=dynamic([]),
  srcfilepath_has_any:dynamic=dynamic([]), hashes_has_any:dynamic=dynamic([]),
  dvchostname_has_any:dynamic=dynamic([]), disabled:bool=false, pack:bool=false`;

// The source parsers' filters, on the normalised fields (the SecurityEvent leg has no source
// address, source file or hash, so asking for one excludes its rows, as there).
const FILE_FILTER = `| where not(disabled)
      and (isnull(starttime) or TimeGenerated >= starttime)
      and (isnull(endtime) or TimeGenerated <= endtime)
      and (array_length(eventtype_in) == 0 or EventType in~ (eventtype_in))
      and (array_length(srcipaddr_has_any_prefix) == 0
        or has_any_ipv4_prefix(SrcIpAddr, srcipaddr_has_any_prefix))
      and (array_length(actorusername_has_any) == 0 or ActorUsername has_any (actorusername_has_any)
        or ActorWindowsUsername has_any (actorusername_has_any))
      and (array_length(targetfilepath_has_any) == 0 or TargetFilePath has_any (targetfilepath_has_any)
        or TargetFileName has_any (targetfilepath_has_any))
      and (array_length(srcfilepath_has_any) == 0 or SrcFilePath has_any (srcfilepath_has_any)
        or SrcFileName has_any (srcfilepath_has_any))
      and (array_length(hashes_has_any) == 0 or TargetFileSHA256 in (hashes_has_any)
        or TargetFileSHA1 in (hashes_has_any) or TargetFileMD5 in (hashes_has_any))
      and (array_length(dvchostname_has_any) == 0 or Dvc has_any (dvchostname_has_any)
        or DvcHostname has_any (dvchostname_has_any))
  | extend User = ActorUsername, FilePath = TargetFilePath, FileName = TargetFileName,
      Process = ActingProcessName, CommandLine = ActingProcessCommandLine, IpAddr = SrcIpAddr,
      Src = SrcIpAddr`;

/** ASIM file events: `imFileEvent` and the names Sentinel gives it. */
export const FILE_EVENT = {
  names: ["imFileEvent", "_Im_FileEvent"],
  // ASimFileEventLogs is the workspace table of events normalised at ingestion: a case
  // folder without one reads the parser's output under that name.
  parameterless: ["ASimFileEvent", "_ASim_FileEvent", "ASimFileEventLogs"],
  params: FILE_PARAMS,
  schema: FILE_SCHEMA,
  legs: [["DeviceFileEvents", MDE_FILE], ["SecurityEvent", WINDOWS_FILE]] as const,
  filter: FILE_FILTER,
};

// ---------------------------------------------------------------- audit events

// vimAuditEventEmpty: the Audit Event schema's fields and types.
const AUDIT_SCHEMA = `ActorUserType:string, ActorUsernameType:string,
  ActorUserIdType:string, EventResult:string, EventType:string, EventSchema:string,
  ValueType:string, EventSeverity:string, EventVendor:string, EventProduct:string,
  SrcDvcIdType:string, TargetDvcIdType:string, SrcDomainType:string, TargetDomainType:string,
  SrcDeviceType:string, TargetDeviceType:string, ObjectType:string, OriginalObjectType:string,
  TargetAppType:string, TargetOriginalAppType:string, ActingAppType:string,
  ActingOriginalAppType:string, ThreatConfidence:int, SrcGeoCountry:string, TargetGeoCountry:string,
  EventSubType:string, EventResultDetails:string, SrcHostname:string, TargetHostname:string,
  SrcIpAddr:string, TargetIpAddr:string, SrcGeoRegion:string, SrcGeoCity:string,
  TargetGeoRegion:string, TargetGeoCity:string, ThreatRiskLevel:int, EventSchemaVersion:string,
  EventReportUrl:string, User:string, ActorUsername:string, Application:string, Process:string,
  Operation:string, Object:string, ObjectId:string, OldValue:string, NewValue:string,
  Value:string, TimeGenerated:datetime, _ResourceId:string, Type:string,
  AdditionalFields:dynamic, EventMessage:string, EventCount:int, EventStartTime:datetime,
  EventEndTime:datetime, EventOriginalUid:string, EventOriginalType:string,
  EventOriginalSubType:string, EventOriginalResultDetails:string, EventOriginalSeverity:string,
  EventProductVersion:string, EventOwner:string, Rule:string, RuleName:string, RuleNumber:int,
  ThreatId:string, ThreatName:string, ThreatCategory:string, ThreatOriginalRiskLevel:string,
  ThreatOriginalConfidence:string, ThreatIsActive:bool, ThreatIpAddr:string, ThreatField:string,
  ThreatFirstReportedTime:datetime, ThreatLastReportedTime:datetime, ActorUserId:string,
  ActorScopeId:string, ActorScope:string, ActorOriginalUserType:string, ActorSessionId:string,
  TargetAppId:string, TargetAppName:string, TargetUrl:string, ActingAppId:string,
  ActingAppName:string, HttpUserAgent:string, Src:string, SrcPortNumber:int, SrcDomain:string,
  SrcFQDN:string, SrcDvcDescription:string, SrcDvcId:string, SrcDvcScopeId:string,
  SrcDvcScope:string, SrcGeoLatitude:real, SrcGeoLongitude:real, Dst:string,
  TargetPortNumber:int, TargetDomain:string, TargetFQDN:string, TargetDvcDescription:string,
  TargetDvcId:string, TargetDvcScopeId:string, TargetDvcScope:string, TargetGeoLatitude:real,
  TargetGeoLongitude:real, Dvc:string, DvcId:string, DvcIpAddr:string, DvcHostname:string,
  DvcDomain:string, DvcDomainType:string, DvcFQDN:string, DvcDescription:string,
  DvcIdType:string, DvcMacAddr:string, DvcZone:string, DvcOs:string, DvcOsVersion:string,
  DvcAction:string, DvcOriginalAction:string, DvcScope:string, DvcScopeOd:string`;

const AUDIT_COLUMNS = `TimeGenerated, Type, _ResourceId, EventCount, EventStartTime,
  EventEndTime, EventType, EventResult, EventResultDetails, EventOriginalResultDetails,
  EventSeverity, EventVendor, EventProduct, EventSchema, EventSchemaVersion, EventOriginalUid,
  EventOriginalType, Operation, Object, ObjectId, ObjectType, OldValue, NewValue, ActorUsername,
  ActorUsernameType, ActorUserId, ActorUserIdType, ActorUserType, ActorOriginalUserType,
  ActorSessionId, ActorScope, ActorScopeId, ActingAppName, ActingAppType, SrcIpAddr,
  SrcPortNumber, HttpUserAgent, TargetAppName, TargetAppType, AdditionalFields, Dvc`;

// AzureActivity's administrative operations (vimAuditEventAzureAdminActivity): the last part
// of the operation names its type; status and sub-status name the result from Microsoft's
// table (a numeric sub-status counts as none); a caller without '@' is an Entra object id.
const AZURE_ACTIVITY = `AzureActivity
  | where CategoryValue == 'Administrative'
  | where array_length(actorusername_has_any) == 0 or Caller has_any (actorusername_has_any)
  | extend _op = toupper(tostring(split(OperationNameValue, '/')[-1]))
  | extend EventType = case(_op == 'ACTION', 'Execute', _op == 'WRITE', 'Set', _op == 'DELETE', 'Delete', 'Other'),
      _status = ${opt("ActivityStatusValue")}, _substatus = ${opt("ActivitySubstatusValue")}
  | extend EventOriginalResultDetails = strcat(_status, iff(_substatus != '', strcat(' [', _substatus, ']'), ''))
  | extend _substatus = iff(_substatus matches regex '\\\\d+', '', _substatus)
  | lookup kind=leftouter (datatable(_status:string, _substatus:string, EventResult:string, EventResultDetails:string) [
      'Accept', 'Accepted', 'Success', '', 'Accept', 'Created', 'Success', '', 'Accept', 'OK', 'Success', '',
      'Accept', '', 'Success', '', 'Accepted', '', 'Success', '', 'Active', '', 'Success', 'Active',
      'Failed', '', 'Failure', '', 'Failure', 'BadRequest', 'Failure', 'Bad Request',
      'Failure', 'Conflict', 'Failure', 'Bad Request', 'Failure', 'Forbidden', 'Failure', 'Unauthorized',
      'Failure', 'InternalServerError', 'Failure', 'Internal error',
      'Failure', 'MethodNotAllowed', 'Failure', 'Bad Request', 'Failure', 'NotFound', 'Failure', 'Not found',
      'Failure', 'Unauthorized', 'Failure', 'Unauthorized', 'Failure', '', 'Failure', '',
      'In Progress', '', 'Success', 'In Progress', 'Resolved', '', 'Success', '',
      'Start', '', 'Success', 'Start', 'Started', '', 'Success', 'Start', 'Succeeded', '', 'Success', '',
      'Success', 'Created', 'Success', '', 'Success', 'NoContent', 'Success', '', 'Success', 'OK', 'Success', '',
      'Success', '', 'Success', '', 'Updated', '', 'Success', '', 'Succeeded', 'OK', 'Success', '',
      'Accepted', 'Accepted', 'Success', '', 'Accepted', 'OK', 'Success', '',
      'Failed', 'Forbidden', 'Failure', 'Unauthorized', 'Succeeded', 'Created', 'Success', '',
      'Failed', 'BadRequest', 'Failure', 'Bad request', 'Accepted', 'Created', 'Success', '',
      'Failed', 'Conflict', 'Failure', 'Bad request', 'Failed', 'MethodNotAllowed', 'Failure', 'Bad request',
      'Failure', 'BadGateway', 'Failure', 'Bad request', 'Succeeded', 'NoContent', 'Success', '',
      'Failure', 'ServiceUnavailable', 'Failure', 'Internal error',
      'Failure', 'GatewayTimeout', 'Failure', 'Internal error', 'Failed', 'NotFound', 'Failure', 'Not found',
      'Failed', 'BadGateway', 'Failure', 'Bad request', 'Failure', 'UnsupportedMediaType', 'Failure', 'Bad request',
      'Failed', 'Unauthorized', 'Failure', 'Unauthorized', 'Cancel', '', 'Failure', 'Cancelled'
    ]) on _status, _substatus
  | extend EventResult = iff(isempty(EventResult), 'Other', EventResult),
      EventResultDetails = tostring(EventResultDetails)
  | extend EventSeverity = iff(EventResult == 'Failure', 'Low', 'Informational'),
      Operation = OperationNameValue, SrcIpAddr = ${opt("CallerIpAddress")},
      EventOriginalUid = ${opt("EventDataId")}, ActorSessionId = ${opt("CorrelationId")},
      EventOriginalType = CategoryValue, ${COMMON}, EventProduct = 'Azure', EventVendor = 'Microsoft',
      EventSchemaVersion = '0.1.0', EventSchema = 'AuditEvent', ObjectType = 'Cloud Resource',
      TargetAppName = 'Azure', TargetAppType = 'CSP',
      _caller = iff(Caller == 'Microsoft.RecoveryServices', '', Caller)
  | extend ActorUsernameType = iff(_caller has '@', 'UPN', '')
  | extend ActorUsername = iff(ActorUsernameType == 'UPN', _caller, ''),
      ActorUserId = iff(ActorUsernameType != 'UPN', _caller, '')
  | extend ActorUserIdType = iff(ActorUserId != '', 'AADID', '')
  | extend _props = todynamic(tostring(column_ifexists('Properties_d', '')))
  | extend _entity = tostring(_props.entity), _resource = tostring(_props.resource),
      _entityName = tostring(_props['Entity Name'])
  | extend Object = case(_entity != '', _entity,
      strcat('/subscriptions/', ${opt("SubscriptionId")}, '/resourceGroups/', ${
  opt("ResourceGroup")
},
        '/providers/', ${opt("ResourceProviderValue")}, '/', _resource,
        iff(_entityName != '', strcat('/', _entityName), '')))
  | extend AdditionalFields = bag_pack('Authorization', todynamic(tostring(column_ifexists('Authorization_d', ''))),
      'Claims', todynamic(tostring(column_ifexists('Claims_d', ''))), 'Error', _props.statusMessage),
      ObjectId = '', OldValue = '', NewValue = '', ActorUserType = '', ActorOriginalUserType = '',
      ActorScope = '', ActorScopeId = '', ActingAppName = '', ActingAppType = '',
      SrcPortNumber = int(null), HttpUserAgent = '', Dvc = '', _ResourceId = ${opt("_ResourceId")},
      Type = tostring(column_ifexists('Type', 'AzureActivity'))
  | project ${AUDIT_COLUMNS}`;

// Entra ID audit logs (vimAuditEventMicrosoftEntraIDAuditLogs): the operation type names the
// event type, the initiating user or app is the actor, the first target resource the object
// and its first modified property the old and new values.
const ENTRA_AUDIT = `AuditLogs
  | extend _by = todynamic(InitiatedBy), _targets = todynamic(TargetResources)
  | extend EventResult = iff(Result == 'success', 'Success', iff(Result == 'failure', 'Failure', 'NA')),
      _optype = ${opt("AADOperationType")}
  | extend EventType = case(_optype == 'Add', 'Create', _optype == 'Update', 'Set', _optype == 'Delete', 'Delete',
      _optype == 'Assign', 'Set', _optype == 'Unassign', 'Delete', 'Other')
  | extend ActorUsername = coalesce(tostring(_by.user.userPrincipalName), tostring(_by.app.displayName)),
      ActorUserId = coalesce(tostring(_by.user.id), tostring(_by.app.servicePrincipalId)),
      ActorUserType = iff(isnotempty(tostring(_by.user.userPrincipalName)), 'Member',
        iff(isnotempty(tostring(_by.app.displayName)), 'Application', ''))
  | where array_length(actorusername_has_any) == 0 or ActorUsername has_any (actorusername_has_any)
  | extend SrcIpAddr = tostring(_by.user.ipAddress)
  | extend _target = iff(array_length(_targets) > 0, _targets[0], dynamic(null))
  | extend Object = tostring(_target.displayName), ObjectId = tostring(_target.id),
      ObjectType = case(tostring(_target.type) in ('User', 'Group', 'Device'), 'Directory Service Object',
        tostring(_target.type) in ('Application', 'ServicePrincipal'), 'Cloud Resource',
        tostring(_target.type) == 'Policy', 'Policy Rule', tostring(_target.type) == 'Role', 'Configuration Atom',
        'Other')
  | extend _modified = iff(array_length(_target.modifiedProperties) > 0, _target.modifiedProperties, dynamic(null))
  | extend NewValue = tostring(_modified[0].newValue), OldValue = tostring(_modified[0].oldValue)
  | extend EventCount = int(1), EventStartTime = todatetime(column_ifexists('ActivityDateTime', TimeGenerated)),
      EventEndTime = todatetime(column_ifexists('ActivityDateTime', TimeGenerated)),
      EventProduct = 'Microsoft Entra ID', EventVendor = 'Microsoft', EventSchemaVersion = '0.1.2',
      EventSchema = 'AuditEvent', EventSeverity = iff(EventResult == 'Failure', 'Low', 'Informational'),
      Operation = ActivityDisplayName, EventOriginalUid = ${opt("Id")},
      ActorSessionId = ${opt("CorrelationId")}, EventOriginalType = ${opt("OperationName")},
      EventOriginalResultDetails = ${opt("ResultReason")}, TargetAppName = ${
  opt("LoggedByService")
},
      EventResultDetails = ''
  | extend ActorUsernameType = iff(ActorUsername has '@', 'UPN', iff(isnotempty(ActorUsername), 'Simple', '')),
      ActorUserIdType = iff(isnotempty(ActorUserId), 'AADID', ''),
      ActorScopeId = ${opt("AADTenantId")}, ActorScope = 'Microsoft Entra ID',
      TargetAppType = 'SaaS application',
      AdditionalFields = bag_pack('Category', ${opt("Category")}, 'AdditionalDetails',
        todynamic(tostring(column_ifexists('AdditionalDetails', '')))),
      ActorOriginalUserType = '', ActingAppName = '', ActingAppType = '', SrcPortNumber = int(null),
      HttpUserAgent = '', Dvc = 'Microsoft Entra ID', _ResourceId = ${opt("_ResourceId")},
      Type = tostring(column_ifexists('Type', 'AuditLogs')),
      OriginalObjectType = tostring(_target.type)
  | project ${AUDIT_COLUMNS}, OriginalObjectType`;

// Exchange Online administration in OfficeActivity (vimAuditEventMicrosoftExchangeAdmin365):
// the cmdlet's verb names the event type, its parameters are the new value, ClientIP may carry
// a port ([ipv6]:port or ip:port), a UserId "name (app)" names the acting app, and an object
// id under the organisation is shown without it.
const EXCHANGE_ADMIN = `OfficeActivity
  | where RecordType == 'ExchangeAdmin'
  | extend _resultStatus = ${opt("ResultStatus")}, _clientIp = ${opt("ClientIP")}, _userId = ${
  opt("UserId")
},
      _objectId = ${opt("OfficeObjectId")}, _org = ${opt("OrganizationName")}
  | where array_length(actorusername_has_any) == 0 or _userId has_any (actorusername_has_any)
  | extend EventResult = iff(_resultStatus == 'True', 'Success', 'Failure')
  | extend _splitOp = split(Operation, '-')
  | extend _verb = tostring(_splitOp[0])
  | extend EventType = case(_verb == 'Remove', 'Delete', _verb in ('New', 'Add'), 'Create', _verb == 'Enable', 'Enable',
      _verb == 'Install', 'Install', _verb == 'Set', 'Set', _verb in ('Disable', 'disable'), 'Disable', '')
  | extend _ipPort = extract_all(@'^\\[?(.*?)\\]?:(\\d+)$', _clientIp)[0]
  | extend SrcIpAddr = iff(tostring(_ipPort[1]) == '', _clientIp, tostring(_ipPort[0])),
      SrcPortNumber = toint(iff(tostring(_ipPort[1]) == '', '', tostring(_ipPort[1])))
  | parse _userId with _actor ' (' ActingAppName ')'
  | extend ActorUsernameType = iff(_actor == '', 'UPN', 'Windows'),
      ActorUsername = iff(_actor == '', _userId, _actor),
      ActingAppType = iff(ActingAppName == '', '', 'Process')
  | where array_length(actorusername_has_any) == 0 or ActorUsername has_any (actorusername_has_any)
  | extend _splitObject = extract_all(@'^(.*?)[\\\\/](.*)$', _objectId)[0]
  | extend Object = case(tostring(_splitObject[0]) == _org and _org != '', tostring(_splitObject[1]),
      _objectId == '', tostring(_splitOp[1]), _objectId)
  | extend NewValue = ${opt("Parameters")}, HttpUserAgent = ${opt("UserAgent")},
      ActorOriginalUserType = ${opt("UserType")}, ActorScopeId = ${
  opt("OrganizationId")
}, ActorScope = _org,
      EventOriginalUid = ${opt("SourceRecordId")}
  | extend ActorUserType = case(ActorOriginalUserType == 'Admin', 'Admin', ActorOriginalUserType == 'DcAdmin', 'Admin',
      ActorOriginalUserType == 'System', 'System', ActorOriginalUserType == 'Application', 'Application',
      ActorOriginalUserType == 'ServicePrincipal', 'Service Principal',
      ActorOriginalUserType in ('CustomPolicy', 'SystemPolicy', 'Reserved'), 'Other', ''),
      ${COMMON}, EventProduct = 'Exchange 365', EventVendor = 'Microsoft', EventSchemaVersion = '0.1.0',
      EventSchema = 'AuditEvent', TargetAppName = 'Exchange 365', TargetAppType = 'SaaS application',
      EventSeverity = iff(EventResult == 'Failure', 'Low', 'Informational'), EventResultDetails = '',
      EventOriginalResultDetails = '', EventOriginalType = '', ObjectId = '', ObjectType = '', OldValue = '',
      ActorUserId = '', ActorUserIdType = '', ActorSessionId = '', AdditionalFields = dynamic(null),
      Dvc = 'Exchange 365', _ResourceId = ${opt("_ResourceId")},
      Type = tostring(column_ifexists('Type', 'OfficeActivity'))
  | project ${AUDIT_COLUMNS}`;

// imAuditEvent's parameters, in the order of Microsoft's function (ARM imAuditEvent.json).
const AUDIT_PARAMS = `starttime:datetime=datetime(null), endtime:datetime=datetime(null),
  srcipaddr_has_any_prefix:dynamic=dynamic([]), actorusername_has_any:dynamic=dynamic([]),
  operation_has_any:dynamic=dynamic([]), eventtype_in:dynamic=dynamic([]), eventresult:string='*',
  object_has_any:dynamic=dynamic([]), newvalue_has_any:dynamic=dynamic([]), pack:bool=false`;

// The actor filter is each leg's own (on its source's actor column); the others are the same
// test on the normalised fields in every source parser. AzureActivity has no new value, so
// asking for one excludes its rows, as there.
const AUDIT_FILTER = `| where (isnull(starttime) or TimeGenerated >= starttime)
      and (isnull(endtime) or TimeGenerated <= endtime)
      and (array_length(srcipaddr_has_any_prefix) == 0
        or has_any_ipv4_prefix(SrcIpAddr, srcipaddr_has_any_prefix))
      and (array_length(operation_has_any) == 0 or Operation has_any (operation_has_any))
      and (array_length(eventtype_in) == 0 or EventType in (eventtype_in))
      and (eventresult == '*' or EventResult == eventresult)
      and (array_length(object_has_any) == 0 or Object has_any (object_has_any))
      and (array_length(newvalue_has_any) == 0 or NewValue has_any (newvalue_has_any))
  | extend IpAddr = SrcIpAddr, User = ActorUsername, Application = TargetAppName, Dst = TargetAppName,
      Src = SrcIpAddr, Value = NewValue, ActorUserUpn = iff(ActorUsernameType == 'UPN', ActorUsername, ''),
      ActorUserAadId = iff(ActorUserIdType == 'AADID', ActorUserId, '')`;

/** ASIM audit events: `imAuditEvent` and the names Sentinel gives it. */
export const AUDIT_EVENT = {
  names: ["imAuditEvent", "_Im_AuditEvent"],
  parameterless: ["ASimAuditEvent", "_ASim_AuditEvent", "ASimAuditEventLogs"],
  params: AUDIT_PARAMS,
  schema: AUDIT_SCHEMA,
  legs: [
    ["AzureActivity", AZURE_ACTIVITY],
    ["AuditLogs", ENTRA_AUDIT],
    ["OfficeActivity", EXCHANGE_ADMIN],
  ] as const,
  filter: AUDIT_FILTER,
};

// ---------------------------------------------------------------- user management

// vimUserManagementEmpty: the User Management schema's fields and types.
const USER_SCHEMA = `TimeGenerated:datetime, _ResourceId:string, Type:string,
  EventCount:int, EventEndTime:datetime, EventProduct:string, EventResult:string,
  EventSchema:string, EventSchemaVersion:string, EventSeverity:string, EventStartTime:datetime,
  EventType:string, EventVendor:string, EventResultDetails:string, EventUid:string,
  EventMessage:string, EventOriginalResultDetails:string, EventOriginalSeverity:string,
  EventOriginalSubType:string, EventOriginalType:string, EventOriginalUid:string,
  EventOwner:string, EventProductVersion:string, EventReportUrl:string, EventSubType:string,
  AdditionalFields:dynamic, Dvc:string, DvcAction:string, DvcDomain:string, DvcDomainType:string,
  DvcFQDN:string, DvcHostname:string, DvcId:string, DvcIdType:string, DvcIpAddr:string,
  DvcDescription:string, DvcInterface:string, DvcMacAddr:string, DvcOriginalAction:string,
  DvcOs:string, DvcOsVersion:string, DvcScope:string, DvcScopeId:string, DvcZone:string,
  Src:string, SrcDomain:string, SrcDomainType:string, SrcHostname:string, SrcIpAddr:string,
  ActorUsername:string, ActorUsernameType:string, ActorOriginalUserType:string,
  ActorSessionId:string, ActorUserId:string, ActorUserIdType:string, ActorUserType:string,
  ActingAppId:string, ActingAppType:string, ActingOriginalAppType:string, ActingAppName:string,
  ActorUserAadId:string, ActorUserSid:string, ActorScopeId:string, ActorScope:string,
  GroupId:string, GroupIdType:string, GroupName:string, GroupNameType:string,
  GroupOriginalType:string, GroupType:string, HttpUserAgent:string, NewPropertyValue:string,
  PreviousPropertyValue:string, SrcDeviceType:string, SrcDvcId:string, SrcDvcIdType:string,
  SrcDvcScope:string, SrcDvcScopeId:string, SrcFQDN:string, SrcGeoCity:string,
  SrcGeoCountry:string, SrcGeoLatitude:real, SrcGeoLongitude:real, SrcGeoRegion:string,
  SrcMacAddr:string, SrcPortNumber:int, SrcDescription:string, SrcRiskLevel:int,
  SrcOriginalRiskLevel:string, TargetOriginalUserType:string, TargetUserId:string,
  TargetUserIdType:string, TargetUsername:string, TargetUsernameType:string,
  TargetUserType:string, TargetUserUid:string, TargetUserScopeId:string, TargetUserScope:string,
  TargetUserSessionId:string, RuleName:string, RuleNumber:int, ThreatId:string, ThreatName:string,
  ThreatCategory:string, ThreatRiskLevel:int, ThreatOriginalRiskLevel:string,
  ThreatConfidence:int, ThreatOriginalConfidence:string, ThreatIsActive:bool,
  ThreatFirstReportedTime:datetime, ThreatLastReportedTime:datetime, ThreatField:string,
  Hostname:string, IpAddr:string, UpdatedPropertyName:string, User:string, Dst:string`;

const USER_COLUMNS = `TimeGenerated, Type, _ResourceId, EventCount, EventStartTime,
  EventEndTime, EventType, EventSubType, EventResult, EventSeverity, EventVendor, EventProduct,
  EventSchema, EventSchemaVersion, EventOriginalType, EventUid, EventMessage, GroupType,
  UpdatedPropertyName, TargetUsername, TargetUsernameType, TargetUserId, TargetUserIdType,
  GroupName, GroupNameType, GroupId, GroupIdType, NewPropertyValue, PreviousPropertyValue,
  ActorUsername, ActorUsernameType, ActorUserId, ActorUserIdType, ActorUserType,
  ActorOriginalUserType, ActorSessionId, DvcHostname, DvcDomain, DvcDomainType, DvcFQDN, Dvc,
  DvcId, DvcIdType, DvcOs, Hostname`;

// The event ids vimUserManagementMicrosoftSecurityEvent reads, with their ASIM event type,
// sub-type and (for groups) the group's type. 4744-4763's distribution groups come without
// columns for their subject and target, so Microsoft reads those from EventData; every field
// here falls back to EventData the same way.
const USER_EVENT_TYPES = `case(EventID == 4720, 'UserCreated', EventID == 4722, 'UserEnabled',
      EventID == 4723, 'PasswordChanged', EventID == 4724, 'PasswordReset', EventID == 4725, 'UserDisabled',
      EventID == 4726, 'UserDeleted', EventID in (4727, 4731, 4744, 4749, 4754, 4759), 'GroupCreated',
      EventID in (4728, 4732, 4756), 'UserAddedToGroup', EventID in (4729, 4733, 4757), 'UserRemovedFromGroup',
      EventID in (4730, 4734, 4748, 4753, 4758, 4763), 'GroupDeleted', EventID in (4738, 4781), 'UserModified',
      EventID in (4740, 4767), 'UserLocked', '')`;
const USER_SUB_TYPES =
  `case(EventID == 4720, 'UserCreated', EventID in (4722, 4723, 4724, 4725, 4726, 4738, 4740,
      4767, 4781), 'UserModified', EventID in (4727, 4731, 4744, 4749, 4754, 4759), 'GroupCreated', 'GroupModified')`;
const GROUP_TYPES = `case(EventID in (4727, 4728, 4729, 4730), 'Global Security Enabled',
      EventID in (4731, 4732, 4733, 4734), 'Local Security Enabled', EventID in (4744, 4748), 'Local Distribution',
      EventID in (4749, 4753), 'Global Distribution', EventID in (4754, 4756, 4757, 4758), 'Universal Security Enabled',
      EventID in (4759, 4763), 'Universal Distribution', '')`;

const WINDOWS_USERS = `SecurityEvent
  | where EventID in (4720, 4722, 4723, 4724, 4725, 4726, 4738, 4740, 4767, 4781,
      4727, 4728, 4729, 4730, 4731, 4732, 4733, 4734, 4744, 4748, 4749, 4753, 4754, 4756, 4757, 4758, 4759, 4763)
  | where array_length(srcipaddr_has_any_prefix) == 0
  | extend _group = EventID !in (4720, 4722, 4723, 4724, 4725, 4726, 4738, 4740, 4767, 4781),
      _subjectName = ${eventField("SubjectUserName")}, _subjectDomain = ${
  eventField("SubjectDomainName")
},
      _targetName = ${eventField("TargetUserName")}, _targetDomain = ${
  eventField("TargetDomainName")
},
      _targetSid = ${eventField("TargetSid")}, _memberName = ${eventField("MemberName")},
      _memberSid = ${eventField("MemberSid")}, _oldName = ${eventField("OldTargetUserName")},
      _newName = ${eventField("NewTargetUserName")}
  | where array_length(actorusername_has_any) == 0 or _subjectDomain has_any (actorusername_has_any)
      or _subjectName has_any (actorusername_has_any)
      or strcat(_subjectDomain, '\\\\', _subjectName) has_any (actorusername_has_any)
  | where array_length(targetusername_has_any) == 0
      or (_group and _memberName has_any (targetusername_has_any))
      or (not(_group) and (_targetDomain has_any (targetusername_has_any) or _targetName has_any (targetusername_has_any)
        or strcat(_targetDomain, '\\\\', _targetName) has_any (targetusername_has_any)))
  | extend EventType = ${USER_EVENT_TYPES}, EventSubType = ${USER_SUB_TYPES}, GroupType = ${GROUP_TYPES}
  | extend UpdatedPropertyName = EventSubType,
      _userName = coalesce(_targetName, _oldName)
  | extend TargetUsername = iff(_group, _memberName,
        iff(_targetDomain == '', _userName, strcat(_targetDomain, '\\\\', _userName))),
      TargetUserId = iff(_group, _memberSid, _targetSid),
      GroupName = iff(_group, iff(_targetDomain == '', _targetName, strcat(_targetDomain, '\\\\', _targetName)), ''),
      GroupId = iff(_group, _targetSid, ''),
      NewPropertyValue = iff(_group, '', _newName), PreviousPropertyValue = iff(_group, '', _oldName)
  | extend TargetUserIdType = iff(not(_group) and isnotempty(TargetUserId), 'SID', ''),
      GroupIdType = iff(isnotempty(GroupId), 'SID', ''),
      ActorUsername = iff(_subjectDomain == '', _subjectName, strcat(_subjectDomain, '\\\\', _subjectName)),
      ActorUserId = ${eventField("SubjectUserSid")}, ActorSessionId = ${
  eventField("SubjectLogonId")
},
      ActorOriginalUserType = ${opt("AccountType")}, EventMessage = ${opt("Activity")}
  | extend ActorUserIdType = iff(isnotempty(ActorUserId), 'SID', ''),
      ActorUserType = case(ActorOriginalUserType == 'Machine', 'Machine', ActorOriginalUserType == 'User', 'Regular', ''),
      ActorUsernameType = ${usernameType("ActorUsername")}, GroupNameType = ${
  usernameType("GroupName")
},
      TargetUsernameType = ${usernameType("TargetUsername")},
      ${COMMON}, EventProduct = 'Security Events', EventVendor = 'Microsoft', EventResult = 'Success',
      EventSchema = 'UserManagement', EventSchemaVersion = '0.1.1', EventSeverity = 'Informational',
      EventOriginalType = tostring(EventID), EventUid = ${opt("_ItemId")}, _ResourceId = ${
  opt("_ResourceId")
},
      DvcId = coalesce(${opt("_ResourceId")}, ${opt("SourceComputerId")}),
      DvcIdType = iff(isnotempty(${opt("_ResourceId")}), 'AzureResourceID', ''), DvcOs = 'Windows',
      Type = tostring(column_ifexists('Type', 'SecurityEvent'))
  ${resolveDvc("Computer")}
  | extend Dvc = DvcHostname, Hostname = DvcHostname
  | project ${USER_COLUMNS}`;

// imUserManagement's parameters, in the order of Microsoft's function (imUserManagement.yaml).
const USER_PARAMS = `starttime:datetime=datetime(null), endtime:datetime=datetime(null),
  srcipaddr_has_any_prefix:dynamic=dynamic([]), targetusername_has_any:dynamic=dynamic([]),
  actorusername_has_any:dynamic=dynamic([]), eventtype_in:dynamic=dynamic([]), pack:bool=false`;

const USER_FILTER = `| where (isnull(starttime) or TimeGenerated >= starttime)
      and (isnull(endtime) or TimeGenerated <= endtime)
      and (array_length(eventtype_in) == 0 or EventType in (eventtype_in))
  | extend User = ActorUsername`;

/** ASIM user management: `imUserManagement` and the names Sentinel gives it. */
export const USER_MANAGEMENT = {
  names: ["imUserManagement", "_Im_UserManagement"],
  parameterless: ["ASimUserManagement", "_ASim_UserManagement", "ASimUserManagementActivityLogs"],
  params: USER_PARAMS,
  schema: USER_SCHEMA,
  legs: [["SecurityEvent", WINDOWS_USERS]] as const,
  filter: USER_FILTER,
};
