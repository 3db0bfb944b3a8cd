/**
 * Row builders for the Windows tables (SecurityEvent, DeviceProcessEvents,
 * DeviceNetworkEvents). Benign activity and the planted attack both build their rows here,
 * so an attack row differs from ordinary rows only in what it says, never in its shape.
 *
 * @module
 */
import { type Binary, binary, IMAGES } from "./_catalog.ts";
import { type Host, ORG, type User } from "./_org.ts";
import { hash32 } from "./_prng.ts";
import type { Row } from "./_table.ts";

/** Who did something, in both the Windows event log's and Defender's spelling. */
export interface Account {
  /** `SubjectUserName` / `TargetUserName` form (`daniel.reyes`, `LKS-WS-1042$`). */
  readonly name: string;
  /** `LARKSPUR`, `NT AUTHORITY`, or a machine name for local accounts. */
  readonly domain: string;
  readonly sid: string;
  readonly type: "User" | "Machine";
  /** Defender's lowercase spelling (`system`, `nt authority`). */
  readonly mdeName: string;
  readonly mdeDomain: string;
  readonly upn: string | null;
  readonly objectId: string | null;
  /** Logon id of the well-known session, for built-in accounts. */
  readonly fixedLogonId: number | null;
}

/** The machine's SYSTEM account. */
export function systemAccount(host: Host): Account {
  return {
    name: `${host.name}$`,
    domain: ORG.netbios,
    sid: "S-1-5-18",
    type: "Machine",
    mdeName: "system",
    mdeDomain: "nt authority",
    upn: null,
    objectId: null,
    fixedLogonId: 0x3e7,
  };
}

/** The machine's domain computer account (`LKS-WS-1042$`) as a DC sees it. */
export function computerAccount(host: Host): Account {
  return {
    name: `${host.name}$`,
    domain: ORG.netbios,
    sid: `${ORG.domainSid}-${2000 + (hash32(host.name) % 6000)}`,
    type: "Machine",
    mdeName: `${host.name.toLowerCase()}$`,
    mdeDomain: ORG.netbios.toLowerCase(),
    upn: null,
    objectId: null,
    fixedLogonId: null,
  };
}

/** NETWORK SERVICE or LOCAL SERVICE on `host`. */
export function serviceAccount(host: Host, which: "network" | "local"): Account {
  const network = which === "network";
  return {
    name: `${host.name}$`,
    domain: ORG.netbios,
    sid: network ? "S-1-5-20" : "S-1-5-19",
    type: "Machine",
    mdeName: network ? "network service" : "local service",
    mdeDomain: "nt authority",
    upn: null,
    objectId: null,
    fixedLogonId: network ? 0x3e4 : 0x3e5,
  };
}

/** A person's everyday domain account. */
export function userAccount(user: User): Account {
  return {
    name: user.sam,
    domain: ORG.netbios,
    sid: user.sid,
    type: "User",
    mdeName: user.sam,
    mdeDomain: ORG.netbios.toLowerCase(),
    upn: user.upn,
    objectId: user.objectId,
    fixedLogonId: null,
  };
}

/** An IT person's privileged `adm-` account (on-premises only: no UPN in Entra ID). */
export function adminAccount(user: User): Account {
  if (user.adminSam === null || user.adminSid === null) {
    throw new TypeError(`${user.upn} has no admin account`);
  }
  return {
    name: user.adminSam,
    domain: ORG.netbios,
    sid: user.adminSid,
    type: "User",
    mdeName: user.adminSam,
    mdeDomain: ORG.netbios.toLowerCase(),
    upn: null,
    objectId: null,
    fixedLogonId: null,
  };
}

/** A local account in `host`'s SAM. */
export function localAccount(host: Host, name: string, rid: number): Account {
  return {
    name,
    domain: host.name,
    sid: `${host.machineSid}-${rid}`,
    type: "User",
    mdeName: name,
    mdeDomain: host.name.toLowerCase(),
    upn: null,
    objectId: null,
    fixedLogonId: null,
  };
}

/** `0x1a2b` form of a process or logon id, as the Security log prints it. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** The name SecurityEvent uses for a host (`LKS-WS-1042.corp.larkspurlogistics.example`). */
export function eventComputer(host: Host): string {
  return `${host.name}.${ORG.adDomain}`;
}

const SECURITY = "Microsoft-Windows-Security-Auditing";

const ACTIVITY: Readonly<Record<number, string>> = {
  4624: "4624 - An account was successfully logged on.",
  4625: "4625 - An account failed to log on.",
  4634: "4634 - An account was logged off.",
  4672: "4672 - Special privileges assigned to new logon.",
  4688: "4688 - A new process has been created.",
  4697: "4697 - A service was installed in the system.",
  4720: "4720 - A user account was created.",
  4732: "4732 - A member was added to a security-enabled local group.",
  4768: "4768 - A Kerberos authentication ticket (TGT) was requested.",
  4769: "4769 - A Kerberos service ticket was requested.",
  4776: "4776 - The computer attempted to validate the credentials for an account.",
  5140: "5140 - A network share object was accessed.",
};

const TASK: Readonly<Record<number, number>> = {
  4624: 12544,
  4625: 12544,
  4634: 12545,
  4672: 12548,
  4688: 13312,
  4697: 12289,
  4720: 13824,
  4732: 13826,
  4768: 14339,
  4769: 14337,
  4776: 14336,
  5140: 12808,
};

/** The `LogonTypeName` for a logon type. */
export const LOGON_TYPE_NAMES: Readonly<Record<number, string>> = {
  2: "2 - Interactive",
  3: "3 - Network",
  4: "4 - Batch",
  5: "5 - Service",
  7: "7 - Unlock",
  9: "9 - NewCredentials",
  10: "10 - RemoteInteractive",
  11: "11 - CachedInteractive",
};

function base(time: number, host: Host, eventId: number): Row {
  return {
    TimeGenerated: time,
    SourceSystem: "OpsManager",
    Computer: eventComputer(host),
    EventSourceName: SECURITY,
    Channel: "Security",
    Task: TASK[eventId],
    EventID: eventId,
    Activity: ACTIVITY[eventId],
  };
}

function subject(a: Account, logonId: number): Row {
  return {
    SubjectUserSid: a.sid,
    SubjectUserName: a.name,
    SubjectDomainName: a.domain,
    SubjectLogonId: hex(logonId),
    SubjectAccount: `${a.domain}\\${a.name}`,
  };
}

/** Parameters of a 4624 / 4625 logon event. */
export interface LogonParams {
  readonly time: number;
  readonly host: Host;
  readonly account: Account;
  readonly logonType: number;
  readonly logonId: number;
  /** Source address; `-` for local logons. */
  readonly ip?: string;
  readonly port?: number;
  readonly workstation?: string;
  readonly auth?: "Kerberos" | "NTLM" | "Negotiate";
  /** For 4625: NTSTATUS codes and reason. */
  readonly failure?: {
    readonly status: string;
    readonly subStatus: string;
    readonly reason: string;
  };
}

const LOGON_PROCESS: Readonly<Record<number, string>> = {
  2: "User32 ",
  3: "NtLmSsp ",
  5: "Advapi  ",
  7: "User32 ",
  9: "seclogo",
  10: "User32 ",
  11: "User32 ",
};

/** A 4624 (or, with `failure`, 4625) row. */
export function logonEvent(p: LogonParams): Row {
  const failed = p.failure !== undefined;
  const a = p.account;
  const auth = p.auth ?? (p.logonType === 3 ? "NTLM" : "Negotiate");
  const local = p.ip === undefined;
  const caller = p.logonType === 5 ? IMAGES.services : p.logonType === 3 ? "-" : IMAGES.winlogon;
  return {
    ...base(p.time, p.host, failed ? 4625 : 4624),
    Account: `${a.domain}\\${a.name}`,
    AccountType: a.type,
    AuthenticationPackageName: auth,
    FailureReason: p.failure?.reason,
    IpAddress: local ? (p.logonType === 2 || p.logonType === 7 ? "127.0.0.1" : "-") : p.ip,
    IpPort: local ? (p.logonType === 2 || p.logonType === 7 ? "0" : "-") : String(p.port ?? 0),
    LmPackageName: auth === "NTLM" ? "NTLM V2" : "-",
    LogonProcessName: p.logonType === 3 && auth === "Kerberos"
      ? "Kerberos"
      : LOGON_PROCESS[p.logonType] ?? "Advapi  ",
    LogonType: p.logonType,
    LogonTypeName: LOGON_TYPE_NAMES[p.logonType],
    Process: caller === "-" ? "-" : caller.slice(caller.lastIndexOf("\\") + 1),
    ProcessId: caller === "-" ? "0x0" : hex(caller === IMAGES.services ? 0x2b4 : 0x2f8),
    Status: p.failure?.status,
    SubStatus: p.failure?.subStatus,
    ...subject(
      p.logonType === 3 ? NULL_ACCOUNT : systemAccountOf(p.host),
      p.logonType === 3 ? 0 : 0x3e7,
    ),
    TargetAccount: `${a.domain}\\${a.name}`,
    TargetDomainName: a.domain,
    TargetLogonId: failed ? undefined : hex(p.logonId),
    TargetUserName: a.name,
    TargetUserSid: failed ? "S-1-0-0" : a.sid,
    WorkstationName: p.workstation ?? (local ? p.host.name : "-"),
  };
}

const NULL_ACCOUNT: Account = {
  name: "-",
  domain: "-",
  sid: "S-1-0-0",
  type: "User",
  mdeName: "-",
  mdeDomain: "-",
  upn: null,
  objectId: null,
  fixedLogonId: 0,
};

function systemAccountOf(host: Host): Account {
  return systemAccount(host);
}

/** A 4634 logoff row. */
export function logoffEvent(
  time: number,
  host: Host,
  account: Account,
  logonType: number,
  logonId: number,
): Row {
  return {
    ...base(time, host, 4634),
    Account: `${account.domain}\\${account.name}`,
    AccountType: account.type,
    LogonType: logonType,
    LogonTypeName: LOGON_TYPE_NAMES[logonType],
    TargetAccount: `${account.domain}\\${account.name}`,
    TargetDomainName: account.domain,
    TargetLogonId: hex(logonId),
    TargetUserName: account.name,
    TargetUserSid: account.sid,
  };
}

/** A 4672 row (special privileges for a new admin or SYSTEM logon). */
export function specialPrivilegesEvent(
  time: number,
  host: Host,
  account: Account,
  logonId: number,
): Row {
  return {
    ...base(time, host, 4672),
    Account: `${account.domain}\\${account.name}`,
    AccountType: account.type,
    ...subject(account, logonId),
  };
}

/** One process start, as both the Security log (4688) and Defender see it. */
export interface ProcessStart {
  readonly time: number;
  readonly host: Host;
  readonly image: string;
  readonly command: string;
  readonly pid: number;
  readonly account: Account;
  readonly logonId: number;
  readonly integrity: "Medium" | "High" | "System";
  readonly elevation: "Limited" | "Full" | "Default";
  readonly parentImage: string;
  readonly parentCommand: string;
  readonly parentPid: number;
  readonly parentTime: number;
  readonly parentAccount: Account;
  readonly grandparentImage: string;
  readonly grandparentPid: number;
  readonly grandparentTime: number;
  /** Set for binaries whose hash is not the catalog's (the implant, for example). */
  readonly file?: Binary;
}

const LABEL: Readonly<Record<ProcessStart["integrity"], string>> = {
  Medium: "S-1-16-8192",
  High: "S-1-16-12288",
  System: "S-1-16-16384",
};

const ELEVATION_CODE: Readonly<Record<ProcessStart["elevation"], string>> = {
  Default: "%%1936",
  Full: "%%1937",
  Limited: "%%1938",
};

/** A 4688 row for a process start. */
export function processEvent(p: ProcessStart): Row {
  const a = p.account;
  const name = p.image.slice(p.image.lastIndexOf("\\") + 1);
  return {
    ...base(p.time, p.host, 4688),
    Account: `${a.domain}\\${a.name}`,
    AccountType: a.type,
    CommandLine: p.command,
    MandatoryLabel: LABEL[p.integrity],
    NewProcessId: hex(p.pid),
    NewProcessName: p.image,
    ParentProcessName: p.parentImage,
    Process: name,
    ProcessId: hex(p.parentPid),
    ...subject(a, p.logonId),
    TargetDomainName: "-",
    TargetLogonId: "0x0",
    TargetUserName: "-",
    TargetUserSid: "S-1-0-0",
    TokenElevationType: ELEVATION_CODE[p.elevation],
  };
}

const MDE_ELEVATION: Readonly<Record<ProcessStart["elevation"], string>> = {
  Default: "TokenElevationTypeDefault",
  Full: "TokenElevationTypeFull",
  Limited: "TokenElevationTypeLimited",
};

/** The Defender device name (lowercase FQDN). */
export function deviceName(host: Host): string {
  return host.fqdn.toLowerCase();
}

/** Defender's machine group for a host. */
export function machineGroup(host: Host): string {
  return host.kind === "server" ? "Servers" : "Workstations";
}

/** A DeviceProcessEvents row for a process start. */
export function deviceProcessEvent(p: ProcessStart, reportId: number): Row {
  const file = p.file ?? binary(p.image);
  const parent = binary(p.parentImage);
  const a = p.account;
  const pa = p.parentAccount;
  const parentIntegrity = pa.fixedLogonId === 0x3e7 ? "System" : p.integrity;
  return {
    TimeGenerated: p.time,
    Timestamp: p.time,
    DeviceId: p.host.deviceId,
    DeviceName: deviceName(p.host),
    ActionType: "ProcessCreated",
    FileName: file.name,
    FolderPath: file.path,
    SHA1: file.sha1,
    SHA256: file.sha256,
    MD5: file.md5,
    ProcessId: p.pid,
    ProcessCommandLine: p.command,
    ProcessIntegrityLevel: p.integrity,
    ProcessTokenElevation: MDE_ELEVATION[p.elevation],
    ProcessCreationTime: p.time,
    AccountDomain: a.mdeDomain,
    AccountName: a.mdeName,
    AccountSid: a.sid,
    AccountUpn: a.upn,
    AccountObjectId: a.objectId,
    LogonId: p.logonId,
    InitiatingProcessAccountDomain: pa.mdeDomain,
    InitiatingProcessAccountName: pa.mdeName,
    InitiatingProcessAccountSid: pa.sid,
    InitiatingProcessAccountUpn: pa.upn,
    InitiatingProcessAccountObjectId: pa.objectId,
    InitiatingProcessLogonId: pa.fixedLogonId ?? p.logonId,
    InitiatingProcessIntegrityLevel: parentIntegrity,
    InitiatingProcessTokenElevation: pa.fixedLogonId === null
      ? MDE_ELEVATION[p.elevation]
      : "TokenElevationTypeDefault",
    InitiatingProcessSHA1: parent.sha1,
    InitiatingProcessMD5: parent.md5,
    InitiatingProcessFileName: parent.name,
    InitiatingProcessId: p.parentPid,
    InitiatingProcessCommandLine: p.parentCommand,
    InitiatingProcessCreationTime: p.parentTime,
    InitiatingProcessFolderPath: parent.path,
    InitiatingProcessParentId: p.grandparentPid,
    InitiatingProcessParentFileName: p.grandparentImage.slice(
      p.grandparentImage.lastIndexOf("\\") + 1,
    ),
    InitiatingProcessParentCreationTime: p.grandparentTime,
    ReportId: reportId,
    MachineGroup: machineGroup(p.host),
  };
}

/** A connection a machine made or accepted. */
export interface Flow {
  readonly time: number;
  readonly host: Host;
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly remoteUrl: string | null;
  readonly localPort: number;
  readonly protocol: "Tcp" | "Udp";
  readonly inbound: boolean;
  readonly failed: boolean;
  readonly app: string;
  readonly sent: number;
  readonly received: number;
  /** Initiating process (for outbound) or listening process (for inbound). */
  readonly process: string;
  readonly processPid: number;
  readonly processCommand: string;
  readonly processTime: number;
  readonly account: Account;
  readonly file?: Binary;
}

/** Private, Public or Loopback, as Defender classifies addresses. */
export function ipType(ip: string): string {
  if (ip.startsWith("10.") || ip.startsWith("192.168.") || ip.startsWith("172.16.")) {
    return "Private";
  }
  if (ip.startsWith("127.")) return "Loopback";
  return "Public";
}

/** A DeviceNetworkEvents row for a connection. */
export function deviceNetworkEvent(f: Flow, reportId: number): Row {
  const file = f.file ?? binary(f.process);
  const a = f.account;
  const system = a.fixedLogonId !== null;
  return {
    TimeGenerated: f.time,
    Timestamp: f.time,
    DeviceId: f.host.deviceId,
    DeviceName: deviceName(f.host),
    ActionType: f.inbound
      ? "InboundConnectionAccepted"
      : f.failed
      ? "ConnectionFailed"
      : "ConnectionSuccess",
    RemoteIP: f.remoteIp,
    RemotePort: f.remotePort,
    RemoteUrl: f.remoteUrl ?? "",
    LocalIP: f.host.ip,
    LocalPort: f.localPort,
    Protocol: f.protocol,
    LocalIPType: "Private",
    RemoteIPType: ipType(f.remoteIp),
    InitiatingProcessSHA1: file.sha1,
    InitiatingProcessMD5: file.md5,
    InitiatingProcessFileName: file.name,
    InitiatingProcessFolderPath: file.path,
    InitiatingProcessId: f.processPid,
    InitiatingProcessCommandLine: f.processCommand,
    InitiatingProcessCreationTime: f.processTime,
    InitiatingProcessParentFileName: system ? "services.exe" : "explorer.exe",
    InitiatingProcessParentId: system ? 0x2b4 : 0x1a4c,
    InitiatingProcessAccountDomain: a.mdeDomain,
    InitiatingProcessAccountName: a.mdeName,
    InitiatingProcessAccountSid: a.sid,
    InitiatingProcessAccountUpn: a.upn,
    InitiatingProcessIntegrityLevel: system ? "System" : "Medium",
    InitiatingProcessTokenElevation: system
      ? "TokenElevationTypeDefault"
      : "TokenElevationTypeLimited",
    ReportId: reportId,
    MachineGroup: machineGroup(f.host),
  };
}

/** Parameters of a service installation (4697 in Security, 7045 in System). */
export interface ServiceInstall {
  readonly time: number;
  readonly host: Host;
  readonly account: Account;
  readonly logonId: number;
  readonly serviceName: string;
  readonly fileName: string;
  readonly startType: number;
  readonly serviceAccount: string;
}

const START_TYPES: Readonly<Record<number, string>> = {
  0: "boot start",
  1: "system start",
  2: "auto start",
  3: "demand start",
  4: "disabled",
};

/** One System-log data item: a `Data Name=` field of the event's XML. */
export type SystemLogData = ReadonlyArray<readonly [string, string]>;

/** Parameters of a System-log row in the Event table. */
export interface SystemLogEvent {
  readonly time: number;
  readonly host: Host;
  readonly source: string;
  readonly eventId: number;
  /** 1 error, 2 warning, 4 information. */
  readonly level: 1 | 2 | 4;
  readonly userName: string;
  readonly description: string;
  readonly data: SystemLogData;
}

const LEVEL_NAMES = { 1: "Error", 2: "Warning", 4: "Information" } as const;

function xmlText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * An Event-table row for the System log, as the Log Analytics agent stores it: the
 * rendered message, the parameters, and the event's data as XML in `EventData`.
 */
export function systemLogRow(e: SystemLogEvent): Row {
  const data = e.data.map(([name, value]) => `<Data Name="${name}">${xmlText(value)}</Data>`)
    .join("");
  return {
    TimeGenerated: e.time,
    SourceSystem: "OpsManager",
    Source: e.source,
    EventLog: "System",
    Computer: eventComputer(e.host),
    EventLevel: e.level,
    EventLevelName: LEVEL_NAMES[e.level],
    ParameterXml: e.data.map(([, value]) => `<Param>${xmlText(value)}</Param>`).join(""),
    EventData: `<DataItem type="System.XmlData" time="${new Date(e.time / 1000).toISOString()}" ` +
      `sourceHealthServiceId="${e.host.vmuuid}"><EventData ` +
      `xmlns="http://schemas.microsoft.com/win/2004/08/events/event">${data}</EventData></DataItem>`,
    EventID: e.eventId,
    EventCategory: 0,
    UserName: e.userName,
    RenderedDescription: e.description,
    ManagementGroupName: `AOI-${ORG.workspaceId}`,
  };
}

/**
 * The 4697 (Security log, SecurityEvent) and 7045 (System log, Event table) rows for a
 * service installation; the Event row is the one with an `EventLog` column.
 */
export function serviceInstallEvents(s: ServiceInstall): Row[] {
  const common = {
    Account: `${s.account.domain}\\${s.account.name}`,
    AccountType: s.account.type,
    ServiceName: s.serviceName,
    ServiceFileName: s.fileName,
    ServiceStartType: s.startType,
    ServiceType: "0x10",
    ServiceAccount: s.serviceAccount,
  };
  return [
    { ...base(s.time, s.host, 4697), ...common, ...subject(s.account, s.logonId) },
    systemLogRow({
      time: s.time + 312,
      host: s.host,
      source: "Service Control Manager",
      eventId: 7045,
      level: 4,
      userName: `${s.account.domain}\\${s.account.name}`,
      description: `A service was installed in the system.\r\n\r\nService Name:  ${s.serviceName}` +
        `\r\nService File Name:  ${s.fileName}\r\nService Type:  user mode service` +
        `\r\nService Start Type:  ${START_TYPES[s.startType]}\r\nService Account:  ` +
        s.serviceAccount,
      data: [
        ["ServiceName", s.serviceName],
        ["ImagePath", s.fileName],
        ["ServiceType", "user mode service"],
        ["StartType", START_TYPES[s.startType]],
        ["AccountName", s.serviceAccount],
      ],
    }),
  ];
}

/** A 4720 row (user account created). */
export function userCreatedEvent(
  time: number,
  host: Host,
  actor: Account,
  logonId: number,
  created: Account,
): Row {
  return {
    ...base(time, host, 4720),
    Account: `${actor.domain}\\${actor.name}`,
    AccountType: actor.type,
    ...subject(actor, logonId),
    SamAccountName: created.name,
    TargetAccount: `${created.domain}\\${created.name}`,
    TargetDomainName: created.domain,
    TargetSid: created.sid,
    TargetUserName: created.name,
    UserPrincipalName: created.upn ?? "-",
  };
}

/** A 4732 row (member added to a local group such as Administrators). */
export function groupMemberAddedEvent(
  time: number,
  host: Host,
  actor: Account,
  logonId: number,
  member: Account,
  group: { readonly name: string; readonly domain: string; readonly sid: string },
): Row {
  return {
    ...base(time, host, 4732),
    Account: `${actor.domain}\\${actor.name}`,
    AccountType: actor.type,
    ...subject(actor, logonId),
    MemberName: member.domain === ORG.netbios
      ? `CN=${member.name},OU=Users,OU=Larkspur,DC=corp,DC=larkspurlogistics,DC=example`
      : "-",
    MemberSid: member.sid,
    TargetAccount: `${group.domain}\\${group.name}`,
    TargetDomainName: group.domain,
    TargetSid: group.sid,
    TargetUserName: group.name,
  };
}

/** Kerberos TGT (4768), service ticket (4769) or NTLM validation (4776) on a DC. */
export function domainAuthEvent(
  time: number,
  dc: Host,
  eventId: 4768 | 4769 | 4776,
  account: Account,
  clientIp: string,
  serviceName: string,
  workstation: string,
  failed = false,
): Row {
  return {
    ...base(time, dc, eventId),
    Account: `${account.domain}\\${account.name}`,
    AccountType: account.type,
    IpAddress: eventId === 4776 ? undefined : `::ffff:${clientIp}`,
    IpPort: eventId === 4776 ? undefined : String(49152 + ((time / 1000) % 16000 | 0)),
    ServiceName: eventId === 4776 ? undefined : serviceName,
    Status: eventId === 4776 ? (failed ? "0xc000006a" : "0x0") : (failed ? "0x18" : "0x0"),
    TargetAccount: `${account.domain}\\${account.name}`,
    TargetDomainName: eventId === 4776 ? undefined : ORG.adDomain.toUpperCase(),
    TargetUserName: account.name,
    TargetUserSid: eventId === 4768 ? account.sid : undefined,
    WorkstationName: eventId === 4776 ? workstation : undefined,
    AuthenticationPackageName: eventId === 4776
      ? "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0"
      : undefined,
  };
}

/** A 5140 row (network share accessed). */
export function shareAccessEvent(
  time: number,
  host: Host,
  account: Account,
  logonId: number,
  ip: string,
  share: string,
  localPath: string,
): Row {
  return {
    ...base(time, host, 5140),
    Account: `${account.domain}\\${account.name}`,
    AccountType: account.type,
    ...subject(account, logonId),
    IpAddress: ip,
    IpPort: String(49152 + ((time / 1000) % 16000 | 0)),
    ShareName: `\\\\*\\${share}`,
    ShareLocalPath: `\\??\\${localPath}`,
  };
}
