/**
 * Tables that record the same events as the Security log from another sensor: Defender for
 * Endpoint's DeviceLogonEvents (interactive, remote-interactive and unlock logons, failed
 * logons, and network logons of admin accounts on onboarded machines) and Defender for
 * Identity's IdentityLogonEvents (Kerberos TGT requests and NTLM validations the domain
 * controller sees). They are derived from the SecurityEvent rows, benign and planted alike,
 * so the sensors agree and no random stream is drawn.
 *
 * @module
 */
import { ORG, type Organisation, type User } from "./_org.ts";
import type { Row } from "./_table.ts";
import { deviceName, ipType, machineGroup } from "./_windows.ts";

/** Emits a derived row into `table`. */
export type DerivedEmit = (table: string, row: Row) => void;

const MDE_LOGON_TYPES: Readonly<Record<number, string>> = {
  2: "Interactive",
  3: "Network",
  7: "Unlock",
  10: "RemoteInteractive",
  11: "CachedInteractive",
};

const FAILURES: Readonly<Record<string, string>> = {
  "0xc000006a": "InvalidUserNameOrPassword",
  "0xc0000064": "InvalidUserNameOrPassword",
  "0xc0000234": "UserAccountLocked",
  "0xc0000072": "AccountDisabled",
};

/**
 * Returns a function that, given one SecurityEvent row, emits the rows other sensors
 * record for the same event.
 */
export function securityEventEchoes(org: Organisation): (row: Row, emit: DerivedEmit) => void {
  const byIp = new Map(org.hosts.map((h) => [h.ip, h]));
  const bySam = new Map<string, User>();
  for (const u of org.users) {
    bySam.set(u.sam, u);
    if (u.adminSam !== null) bySam.set(u.adminSam, u);
  }
  const reports = new Map<string, number>();
  const report = (key: string) => {
    const next = (reports.get(key) ?? 0) + 1;
    reports.set(key, next);
    return next;
  };
  return (row, emit) => {
    const id = row.EventID;
    if (id !== 4624 && id !== 4625 && id !== 4768 && id !== 4776) return;
    const computer = row.Computer as string;
    const host = org.byHost.get(computer.split(".")[0]);
    if (host === undefined) return;
    if (id === 4768 || id === 4776) {
      if (String(row.TargetUserName).endsWith("$")) return; // machine accounts: not a person
      const ip = typeof row.IpAddress === "string" ? row.IpAddress.replace("::ffff:", "") : null;
      const source = ip === null ? org.byHost.get(String(row.WorkstationName)) : byIp.get(ip);
      const failed = row.Status !== "0x0";
      const user = bySam.get(String(row.TargetUserName));
      emit("IdentityLogonEvents", {
        TimeGenerated: row.TimeGenerated,
        Timestamp: row.TimeGenerated,
        ActionType: failed ? "LogonFailed" : "LogonSuccess",
        Application: "Active Directory",
        LogonType: "Credentials validation",
        Protocol: id === 4768 ? "Kerberos" : "Ntlm",
        FailureReason: failed ? "WrongPassword" : undefined,
        AccountName: row.TargetUserName,
        AccountDomain: ORG.adDomain,
        AccountUpn: user ? `${row.TargetUserName}@${ORG.domain}` : undefined,
        AccountSid: user
          ? (user.adminSam === row.TargetUserName ? user.adminSid : user.sid) ?? undefined
          : undefined,
        AccountObjectId: user && user.sam === row.TargetUserName ? user.objectId : undefined,
        AccountDisplayName: user
          ? (user.adminSam === row.TargetUserName ? `${user.display} (admin)` : user.display)
          : undefined,
        DeviceName: source ? source.fqdn.toLowerCase() : undefined,
        DeviceType: source ? (source.kind === "server" ? "Server" : "Workstation") : undefined,
        OSPlatform: source ? source.osName : undefined,
        IPAddress: source?.ip ?? ip ?? undefined,
        Port: typeof row.IpPort === "string" ? row.IpPort : undefined,
        DestinationDeviceName: host.fqdn.toLowerCase(),
        DestinationIPAddress: host.ip,
        DestinationPort: id === 4768 ? "88" : "445",
        ReportId: `${host.deviceId.slice(0, 8)}-${report(`mdi`)}`,
        AdditionalFields: JSON.stringify({ Count: "1", Spns: id === 4768 ? "krbtgt" : "" }),
        SourceSystem: "",
      });
      return;
    }
    if (!host.mde) return;
    const type = row.LogonType as number;
    const failed = id === 4625;
    const name = String(row.TargetUserName);
    if (!failed) {
      if (MDE_LOGON_TYPES[type] === undefined) return;
      if (type === 3 && !name.startsWith("adm-")) return; // only admins' network logons
    }
    const remote = typeof row.IpAddress === "string" && row.IpAddress !== "-" &&
        row.IpAddress !== "127.0.0.1" && row.IpAddress !== "::1"
      ? row.IpAddress
      : undefined;
    const user = bySam.get(name);
    emit("DeviceLogonEvents", {
      TimeGenerated: row.TimeGenerated,
      Timestamp: row.TimeGenerated,
      DeviceId: host.deviceId,
      DeviceName: deviceName(host),
      MachineGroup: machineGroup(host),
      ActionType: failed ? "LogonFailed" : "LogonSuccess",
      LogonType: MDE_LOGON_TYPES[type] ?? "Network",
      AccountDomain: String(row.TargetDomainName ?? "").toLowerCase(),
      AccountName: name.toLowerCase(),
      AccountSid: failed ? undefined : row.TargetUserSid,
      Protocol: row.AuthenticationPackageName,
      FailureReason: failed
        ? FAILURES[String(row.SubStatus)] ?? "InvalidUserNameOrPassword"
        : undefined,
      LogonId: failed || typeof row.TargetLogonId !== "string"
        ? undefined
        : parseInt(row.TargetLogonId, 16),
      RemoteIP: remote,
      RemoteIPType: remote ? ipType(remote) : undefined,
      RemotePort: remote && typeof row.IpPort === "string" ? Number(row.IpPort) : undefined,
      RemoteDeviceName: typeof row.WorkstationName === "string" && row.WorkstationName !== "-" &&
          row.WorkstationName !== host.name
        ? row.WorkstationName
        : undefined,
      IsLocalAdmin: name.startsWith("adm-") || (user === undefined && !failed && type !== 3),
      InitiatingProcessFileName: "lsass.exe",
      InitiatingProcessFolderPath: "c:\\windows\\system32\\lsass.exe",
      InitiatingProcessAccountDomain: "nt authority",
      InitiatingProcessAccountName: "system",
      InitiatingProcessAccountSid: "S-1-5-18",
      ReportId: report(host.name),
    });
  };
}
