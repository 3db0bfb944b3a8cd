/**
 * The standard Defender XDR tables real hunting queries read that the first versions of the
 * case lacked (issue 16): DeviceInfo, DeviceEvents, DeviceImageLoadEvents, AlertInfo and
 * AlertEvidence. Ordinary rows for every Defender-onboarded machine, plus the traces the
 * intrusion leaves there, derived from the attack's own DeviceProcessEvents rows, and one
 * AlertInfo row (with its evidence) per SecurityAlert row.
 *
 * Everything draws from its own stream (`<seed>/xdr-tables/...`) and only reads the other
 * generators' rows, so adding these tables moves no byte of the older ones.
 *
 * @module
 */
import { SENTINEL_SCHEMAS } from "../../src/schema/sentinel.ts";
import { binary, IMAGES } from "./_catalog.ts";
import { DAY, DAYS, HOUR, iso, isWeekend, SECOND, START } from "./_clock.ts";
import { type Host, ORG, type Organisation } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";
import { deviceName, machineGroup } from "./_windows.ts";

/** The tables this module fills, in manifest order. */
export const XDR_TABLES = [
  "DeviceInfo",
  "DeviceEvents",
  "DeviceImageLoadEvents",
  "AlertInfo",
  "AlertEvidence",
] as const;

/** One planted row, for the answer key. */
interface StoryRow {
  readonly table: string;
  readonly time: number;
  readonly what: string;
}

/** What {@link xdrTableRows} made: rows by table, and the story rows for ANSWERS.md. */
export interface XdrTables {
  readonly rows: Map<string, Row[]>;
  readonly story: readonly StoryRow[];
}

const WINHTTP = "C:\\Windows\\System32\\winhttp.dll";
const DBGHELP = "C:\\Windows\\System32\\dbghelp.dll";
const FASTPROX = "C:\\Windows\\System32\\wbem\\fastprox.dll";
const AMSI = "C:\\Windows\\System32\\amsi.dll";
const OUTLOOK = "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE";
const MSMPENG =
  "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25010.11-0\\MsMpEng.exe";
const TASK = "\\MicrosoftEdgeUpdateTaskMachineUA-S2";

/**
 * The rows of the XDR tables. `attackProcesses` are the intrusion's DeviceProcessEvents rows
 * and `alerts` every SecurityAlert row of the case (attack, cloud incident and benign).
 */
export function xdrTableRows(
  org: Organisation,
  seed: string,
  attackProcesses: readonly Row[],
  alerts: readonly Row[],
): XdrTables {
  const rows = new Map<string, Row[]>(XDR_TABLES.map((t) => [t, []]));
  const story: StoryRow[] = [];
  const rng = new Prng(`${seed}/xdr-tables`);
  const onboarded = org.hosts.filter((h) => h.mde && h.os === "Windows");
  let report = 91_000_000;
  for (const host of onboarded) {
    const r = rng.fork(`host/${host.name}`);
    for (let day = 0; day < DAYS; day++) {
      rows.get("DeviceInfo")!.push(
        deviceInfo(host, org, START + day * DAY + r.int(HOUR), report++),
      );
      for (const row of benignEvents(host, day, r)) {
        rows.get("DeviceEvents")!.push({ ...row, ReportId: report++ });
      }
      for (const row of benignImageLoads(host, day, r)) {
        rows.get("DeviceImageLoadEvents")!.push({ ...row, ReportId: report++ });
      }
    }
  }
  for (const planted of attackTraces(attackProcesses)) {
    rows.get(planted.table)!.push(fit(planted.table, { ...planted.row, ReportId: report++ }));
    story.push({
      table: planted.table,
      time: planted.row.TimeGenerated as number,
      what: planted.what,
    });
  }
  for (const alert of alerts) {
    const info = alertInfo(alert);
    rows.get("AlertInfo")!.push(info);
    rows.get("AlertEvidence")!.push(...alertEvidence(alert, info, org));
  }
  return { rows, story };
}

/** The answer key's section on these tables. */
export function xdrAnswerLines(tables: XdrTables): string[] {
  const lines = [
    "## Defender XDR tables",
    "",
    "DeviceInfo (one inventory row per onboarded Windows machine per day), DeviceEvents " +
    "(antivirus scans and definition updates, Outlook opening links, the servers' inventory " +
    "PowerShell), DeviceImageLoadEvents (Edge and Outlook loading winhttp.dll and amsi.dll, " +
    "WMI loading fastprox.dll) hold ordinary rows for every onboarded machine. AlertInfo has one " +
    "row per SecurityAlert row (AlertId = its VendorOriginalId, Title = its AlertName) and " +
    "AlertEvidence one row per entity of the alert. The intrusion leaves these rows:",
    "",
    "| When (UTC) | Table | What |",
    "| --- | --- | --- |",
  ];
  for (const s of [...tables.story].sort((a, b) => a.time - b.time)) {
    lines.push(`| ${iso(s.time)} | ${s.table} | ${s.what} |`);
  }
  lines.push(
    "",
    "```kql",
    "DeviceEvents",
    '| where DeviceName startswith "lks-ws-1042" and ActionType in ("PowerShellCommand", ' +
      '"ScheduledTaskCreated", "OpenProcessApiCall", "UserAccountCreated", ' +
      '"UserAccountAddedToLocalGroup")',
    "| project TimeGenerated, ActionType, FileName, InitiatingProcessFileName, AccountName, AdditionalFields",
    "```",
    "",
  );
  return lines;
}

function deviceInfo(host: Host, org: Organisation, time: number, reportId: number): Row {
  const server = host.kind === "server";
  const user = host.primaryUser === null ? null : org.byUpn.get(host.primaryUser) ?? null;
  return {
    TimeGenerated: time,
    Timestamp: time,
    DeviceId: host.deviceId,
    DeviceName: deviceName(host),
    ClientVersion: "10.8760.26100.3037",
    PublicIP: ORG.egress.london,
    OSArchitecture: "64-bit",
    OSPlatform: server ? "WindowsServer2022" : "Windows11",
    OSBuild: server ? 20348 : 26100,
    OSVersion: server ? "10.0" : "10.0",
    OSVersionInfo: server ? "21H2" : "24H2",
    OSDistribution: "",
    DeviceType: server ? "Server" : "Workstation",
    DeviceCategory: "Endpoint",
    DeviceSubtype: "",
    IsAzureADJoined: !server,
    JoinType: server ? "Domain Joined" : "Hybrid Azure AD Join",
    AadDeviceId: server ? "" : guidOf(`aad-device/${host.name}`),
    LoggedOnUsers: JSON.stringify(
      user === null ? [] : [{ UserName: user.sam, DomainName: ORG.netbios, Sid: user.sid }],
    ),
    RegistryDeviceTag: "",
    MachineGroup: machineGroup(host),
    OnboardingStatus: "Onboarded",
    SensorHealthState: "Active",
    ExposureLevel: server ? "Medium" : "Low",
    AssetValue: host.name === "LKS-FS01" || host.name === "LKS-DC01" ? "High" : "Normal",
    IsInternetFacing: false,
    IsExcluded: false,
    ExclusionReason: "",
    Model: server ? "Virtual Machine" : "Latitude 5440",
    Vendor: server ? "Microsoft Corporation" : "Dell Inc.",
    AdditionalFields: "{}",
    MergedDeviceIds: "",
    MergedToDeviceId: "",
    DeviceObjectId: "",
    ReportId: reportId,
  };
}

/** Common columns of a Defender event on `host` initiated by `image`. */
function initiating(host: Host, time: number, image: string, command: string, pid: number): Row {
  const file = binary(image);
  return {
    TimeGenerated: time,
    Timestamp: time,
    DeviceId: host.deviceId,
    DeviceName: deviceName(host),
    MachineGroup: machineGroup(host),
    InitiatingProcessFileName: file.name,
    InitiatingProcessFolderPath: file.path,
    InitiatingProcessCommandLine: command,
    InitiatingProcessId: pid,
    InitiatingProcessSHA1: file.sha1,
    InitiatingProcessSHA256: file.sha256,
    InitiatingProcessMD5: file.md5,
    InitiatingProcessAccountDomain: "nt authority",
    InitiatingProcessAccountName: "system",
    InitiatingProcessAccountSid: "S-1-5-18",
  };
}

function benignEvents(host: Host, day: number, r: Prng): Row[] {
  const out: Row[] = [];
  const base = START + day * DAY;
  const working = host.kind === "server" || !isWeekend(day);
  const workTime = () => base + 8 * HOUR + r.int(9 * HOUR / SECOND) * SECOND;
  const engine = (time: number) =>
    initiating(host, time, MSMPENG, `"MsMpEng.exe"`, 3000 + r.int(900));
  // Definitions update a few times a day on every machine that is on.
  const updates = host.alwaysOn ? 3 : working ? 2 : 0;
  for (let i = 0; i < updates; i++) {
    const time = host.alwaysOn ? base + r.int(DAY / SECOND) * SECOND : workTime();
    out.push({
      ...engine(time),
      ActionType: "AntivirusDefinitionsUpdated",
      AdditionalFields: JSON.stringify({ Description: "Security intelligence updated" }),
    });
  }
  if (host.alwaysOn || working) {
    const time = host.alwaysOn ? base + 2 * HOUR + r.int(HOUR / SECOND) * SECOND : workTime();
    out.push({
      ...engine(time),
      ActionType: "AntivirusScanCompleted",
      AdditionalFields: JSON.stringify({ ScanTypeIndex: "Quick", Domain: "NT AUTHORITY" }),
    });
  }
  if (host.kind === "server") {
    // The nightly inventory script.
    const time = base + HOUR + r.int(HOUR / SECOND) * SECOND;
    for (const command of ["Get-CimInstance", "Get-Service", "Export-Csv"]) {
      out.push({
        ...initiating(
          host,
          time,
          IMAGES.powershell,
          `"powershell.exe" -NoProfile -File C:\\Scripts\\inventory.ps1`,
          5000 + r.int(900),
        ),
        ActionType: "PowerShellCommand",
        AdditionalFields: JSON.stringify({ Command: command }),
      });
    }
  } else if (working && host.primaryUser !== null) {
    const links = 1 + r.int(3);
    for (let i = 0; i < links; i++) {
      const time = workTime();
      const user = host.primaryUser.split("@")[0];
      out.push({
        ...initiating(host, time, OUTLOOK, `"OUTLOOK.EXE"`, 8000 + r.int(900)),
        InitiatingProcessAccountDomain: ORG.netbios.toLowerCase(),
        InitiatingProcessAccountName: user,
        InitiatingProcessAccountSid: "",
        ActionType: "BrowserLaunchedToOpenUrl",
        RemoteUrl: `https://larkspurlogistics.sharepoint.com/sites/${
          r.pick(["Finance", "Operations", "HR", "Fleet", "Intranet"])
        }/Shared%20Documents/Forms/AllItems.aspx`,
      });
    }
  }
  return out;
}

function benignImageLoads(host: Host, day: number, r: Prng): Row[] {
  const out: Row[] = [];
  const base = START + day * DAY;
  const load = (time: number, image: string, command: string, dll: string): Row => {
    const file = binary(dll);
    return {
      ...initiating(host, time, image, command, 4000 + r.int(4000)),
      ActionType: "ImageLoaded",
      FileName: file.name,
      FolderPath: file.path,
      SHA1: file.sha1,
      SHA256: file.sha256,
      MD5: file.md5,
      FileSize: 400_000 + (parseInt(file.sha1.slice(0, 4), 16) * 16),
    };
  };
  out.push(
    load(base + r.int(DAY / SECOND) * SECOND, IMAGES.wmiprvse, "wmiprvse.exe -Embedding", FASTPROX),
  );
  if (host.kind === "workstation" && !isWeekend(day)) {
    const time = base + 8 * HOUR + r.int(2 * HOUR / SECOND) * SECOND;
    out.push(load(time, IMAGES.msedge, `"msedge.exe" --no-startup-window`, WINHTTP));
    out.push(load(time + 20 * SECOND, OUTLOOK, `"OUTLOOK.EXE"`, AMSI));
  }
  return out;
}

/** The intrusion's traces, from the attack's own process rows. */
function attackTraces(
  processes: readonly Row[],
): { table: string; row: Row; what: string }[] {
  const out: { table: string; row: Row; what: string }[] = [];
  const find = (test: (command: string, file: string) => boolean) =>
    processes.find((p) => test(String(p.ProcessCommandLine ?? ""), String(p.FileName ?? "")));
  // The process that did it becomes the initiating process of the new event.
  const as = (p: Row, time: number): Row => ({
    TimeGenerated: time,
    Timestamp: time,
    DeviceId: p.DeviceId,
    DeviceName: p.DeviceName,
    MachineGroup: p.MachineGroup,
    InitiatingProcessFileName: p.FileName,
    InitiatingProcessFolderPath: p.FolderPath,
    InitiatingProcessCommandLine: p.ProcessCommandLine,
    InitiatingProcessId: p.ProcessId,
    InitiatingProcessCreationTime: p.ProcessCreationTime,
    InitiatingProcessSHA1: p.SHA1,
    InitiatingProcessSHA256: p.SHA256,
    InitiatingProcessMD5: p.MD5,
    InitiatingProcessAccountDomain: p.AccountDomain,
    InitiatingProcessAccountName: p.AccountName,
    InitiatingProcessAccountSid: p.AccountSid,
    InitiatingProcessAccountUpn: p.AccountUpn,
    InitiatingProcessAccountObjectId: p.AccountObjectId,
    InitiatingProcessLogonId: p.LogonId,
    InitiatingProcessParentFileName: p.InitiatingProcessFileName,
    InitiatingProcessParentId: p.InitiatingProcessId,
    InitiatingProcessParentCreationTime: p.InitiatingProcessCreationTime,
  });
  const t = (p: Row) => p.TimeGenerated as number;

  const cradle = find((c, f) => f === "powershell.exe" && c.includes("-EncodedCommand"));
  if (cradle) {
    for (const [i, command] of ["New-Object", "Invoke-Expression"].entries()) {
      out.push({
        table: "DeviceEvents",
        row: {
          ...as(cradle, t(cradle) + (2 + i) * SECOND),
          ActionType: "PowerShellCommand",
          AdditionalFields: JSON.stringify({ Command: command }),
        },
        what: `PowerShellCommand \`${command}\` by the download cradle (powershell.exe)`,
      });
    }
    // The task is registered by the schtasks.exe /Create the cradle starts (DeviceProcessEvents),
    // the second its TaskCache key appears in DeviceRegistryEvents; /TN names a root task.
    const schtasks = find((c, f) => f === "schtasks.exe" && c.includes(`/TN "${TASK.slice(1)}"`));
    if (schtasks) {
      out.push({
        table: "DeviceEvents",
        row: {
          ...as(schtasks, t(schtasks) + SECOND),
          ActionType: "ScheduledTaskCreated",
          AdditionalFields: JSON.stringify({
            TaskName: TASK,
            TaskContent: `<Exec><Command>C:\\ProgramData\\EdgeUpdate\\msedgeupdate.exe</Command>` +
              `<Arguments>/svc</Arguments></Exec>`,
          }),
        },
        what: "ScheduledTaskCreated `MicrosoftEdgeUpdateTaskMachineUA-S2` (persistence of the " +
          "implant, schtasks.exe)",
      });
    }
  }
  const implant = find((_, f) => f === "msedgeupdate.exe");
  if (implant) {
    const dll = binary(WINHTTP);
    out.push({
      table: "DeviceImageLoadEvents",
      row: {
        ...as(implant, t(implant) + SECOND),
        ActionType: "ImageLoaded",
        FileName: dll.name,
        FolderPath: dll.path,
        SHA1: dll.sha1,
        SHA256: dll.sha256,
        MD5: dll.md5,
      },
      what: "the implant msedgeupdate.exe loads winhttp.dll (C2 over HTTPS)",
    });
  }
  const dump = find((c) => c.includes("procdump64.exe") && c.includes("lsass"));
  if (dump) {
    const dll = binary(DBGHELP);
    out.push({
      table: "DeviceImageLoadEvents",
      row: {
        ...as(dump, t(dump) + SECOND),
        ActionType: "ImageLoaded",
        FileName: dll.name,
        FolderPath: dll.path,
        SHA1: dll.sha1,
        SHA256: dll.sha256,
        MD5: dll.md5,
      },
      what: "procdump64.exe loads dbghelp.dll (MiniDumpWriteDump)",
    });
    const lsass = binary(IMAGES.lsass);
    out.push({
      table: "DeviceEvents",
      row: {
        ...as(dump, t(dump) + 2 * SECOND),
        ActionType: "OpenProcessApiCall",
        FileName: lsass.name,
        FolderPath: lsass.path,
        SHA1: lsass.sha1,
        SHA256: lsass.sha256,
        AdditionalFields: JSON.stringify({ DesiredAccess: 2097151 }),
      },
      what: "OpenProcessApiCall on lsass.exe by procdump64.exe",
    });
  }
  const created = find((c, f) => f === "net.exe" && /user svc-helpdesk .*\/add/.test(c));
  if (created) {
    out.push({
      table: "DeviceEvents",
      row: {
        ...as(created, t(created) + SECOND),
        ActionType: "UserAccountCreated",
        AccountName: "svc-helpdesk",
        AccountDomain: String(created.DeviceName).split(".")[0],
      },
      what: "UserAccountCreated `svc-helpdesk` (net.exe)",
    });
  }
  const added = find((c, f) =>
    f === "net.exe" && c.includes("localgroup administrators svc-helpdesk")
  );
  if (added) {
    out.push({
      table: "DeviceEvents",
      row: {
        ...as(added, t(added) + SECOND),
        ActionType: "UserAccountAddedToLocalGroup",
        AccountName: "svc-helpdesk",
        AccountDomain: String(added.DeviceName).split(".")[0],
        AdditionalFields: JSON.stringify({
          GroupName: "Administrators",
          GroupDomainName: "Builtin",
          GroupSid: "S-1-5-32-544",
        }),
      },
      what: "UserAccountAddedToLocalGroup `svc-helpdesk` to Builtin\\Administrators (net.exe)",
    });
  }
  return out;
}

/** Defender XDR's service and detection source for a SecurityAlert's product. */
const SOURCES: Readonly<Record<string, readonly [string, string]>> = {
  "Microsoft Defender Advanced Threat Protection": ["Microsoft Defender for Endpoint", "EDR"],
  "Microsoft Cloud App Security": [
    "Microsoft Defender for Cloud Apps",
    "Microsoft Defender for Cloud Apps",
  ],
  "Azure Active Directory Identity Protection": [
    "Microsoft Entra ID Protection",
    "Microsoft Entra ID Protection",
  ],
  "Azure Security Center": ["Microsoft Defender for Cloud", "Microsoft Defender for Cloud"],
};

/** MITRE ATT&CK technique names, as Defender XDR writes them ("Name (Txxxx)"). */
const TECHNIQUES: Readonly<Record<string, string>> = {
  "T1059.001": "PowerShell",
  "T1003.001": "LSASS Memory",
  T1110: "Brute Force",
  T1078: "Valid Accounts",
  T1114: "Email Collection",
  T1020: "Automated Exfiltration",
  "T1098.001": "Additional Cloud Credentials",
  T1496: "Resource Hijacking",
};

function alertInfo(alert: Row): Row {
  const product = String(alert.ProductName);
  const [service, detection] = SOURCES[product] ?? [product, product];
  const techniques = (JSON.parse(String(alert.Techniques ?? "[]")) as string[])
    .map((id) => `${TECHNIQUES[id] ?? id} (${id})`);
  const time = alert.TimeGenerated as number;
  return {
    TimeGenerated: time,
    Timestamp: time,
    AlertId: String(alert.VendorOriginalId ?? alert.SystemAlertId),
    Title: alert.AlertName,
    Category: String(alert.Tactics ?? "").split(",")[0].trim(),
    Severity: alert.AlertSeverity,
    ServiceSource: service,
    DetectionSource: detection,
    AttackTechniques: JSON.stringify(techniques),
  };
}

function alertEvidence(alert: Row, info: Row, org: Organisation): Row[] {
  const entities = JSON.parse(String(alert.Entities ?? "[]")) as Record<string, string>[];
  const out: Row[] = [];
  for (const e of entities) {
    const common: Row = {
      TimeGenerated: info.TimeGenerated,
      Timestamp: info.Timestamp,
      AlertId: info.AlertId,
      Title: info.Title,
      Categories: JSON.stringify([info.Category]),
      AttackTechniques: info.AttackTechniques,
      ServiceSource: info.ServiceSource,
      DetectionSource: info.DetectionSource,
      EvidenceRole: "Related",
      AdditionalFields: JSON.stringify(e),
    };
    switch (e.Type) {
      case "host": {
        const host = org.byHost.get(String(e.HostName).toUpperCase());
        out.push({
          ...common,
          EntityType: "Machine",
          EvidenceRole: "Impacted",
          DeviceName: host ? deviceName(host) : e.HostName,
          DeviceId: host?.mde ? host.deviceId : "",
        });
        break;
      }
      case "account": {
        const user = org.byUpn.get(`${e.Name}@${e.UPNSuffix}`);
        out.push({
          ...common,
          EntityType: "User",
          EvidenceRole: "Impacted",
          AccountName: e.Name,
          AccountDomain: e.UPNSuffix,
          AccountUpn: `${e.Name}@${e.UPNSuffix}`,
          AccountObjectId: e.AadUserId ?? user?.objectId,
          AccountSid: user?.sid,
        });
        break;
      }
      case "ip":
        out.push({ ...common, EntityType: "Ip", RemoteIP: e.Address });
        break;
      case "process": {
        const command = String(e.CommandLine);
        const image = command.startsWith('"')
          ? command.slice(1, command.indexOf('"', 1))
          : command.split(" ")[0];
        const file = binary(image);
        out.push({
          ...common,
          EntityType: "Process",
          ProcessCommandLine: command,
          FileName: file.name,
          FolderPath: file.folder,
          SHA1: file.sha1,
          SHA256: file.sha256,
        });
        break;
      }
      case "file":
        out.push({ ...common, EntityType: "File", FileName: e.Name, FolderPath: e.Directory });
        break;
      case "mailbox":
        out.push({ ...common, EntityType: "MailBox", AccountUpn: e.MailboxPrimaryAddress });
        break;
      default:
        out.push({ ...common, EntityType: typeName(String(e.Type)) });
    }
  }
  return out;
}

/** `row` without the columns `table` does not have (process rows carry more than some tables). */
function fit(table: string, row: Row): Row {
  const names = new Set(SENTINEL_SCHEMAS[table].columns.map((c) => c.name));
  return Object.fromEntries(Object.entries(row).filter(([name]) => names.has(name)));
}

function typeName(type: string): string {
  return type.length === 0 ? "Unknown" : type[0].toUpperCase() + type.slice(1);
}

function guidOf(label: string): string {
  return new Prng(label).guid();
}
