/**
 * Reference data shared by the generators: Windows binaries and their hashes, the
 * processes ordinary machines start, the services they talk to, and the Entra ID apps
 * staff sign in to. Hashes are SHA digests of a label, so they look real, never change,
 * and match no real file.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";

/** An executable with its hashes. */
export interface Binary {
  readonly path: string;
  readonly name: string;
  readonly folder: string;
  readonly sha1: string;
  readonly sha256: string;
  readonly md5: string;
}

const binaries = new Map<string, Binary>();

/** The binary at `path` (a Windows path), with stable made-up hashes. */
export function binary(path: string): Binary {
  let b = binaries.get(path);
  if (b === undefined) {
    const cut = path.lastIndexOf("\\");
    const label = `casefile-demo:${path.toLowerCase()}`;
    b = Object.freeze({
      path,
      name: path.slice(cut + 1),
      folder: path.slice(0, cut),
      sha1: createHash("sha1").update(label).digest("hex"),
      sha256: createHash("sha256").update(label).digest("hex"),
      md5: createHash("md5").update(label).digest("hex"),
    });
    binaries.set(path, b);
  }
  return b;
}

/** Encodes a PowerShell script the way `-EncodedCommand` expects (UTF-16LE, base64). */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, "utf16le").toString("base64");
}

/** Decodes an `-EncodedCommand` argument. */
export function decodePowerShell(encoded: string): string {
  return Buffer.from(encoded, "base64").toString("utf16le");
}

const SYS32 = "C:\\Windows\\System32";

/** Well-known image paths. */
export const IMAGES = {
  system: `${SYS32}\\ntoskrnl.exe`,
  services: `${SYS32}\\services.exe`,
  svchost: `${SYS32}\\svchost.exe`,
  explorer: "C:\\Windows\\explorer.exe",
  userinit: `${SYS32}\\userinit.exe`,
  winlogon: `${SYS32}\\winlogon.exe`,
  lsass: `${SYS32}\\lsass.exe`,
  cmd: `${SYS32}\\cmd.exe`,
  conhost: `${SYS32}\\conhost.exe`,
  powershell: `${SYS32}\\WindowsPowerShell\\v1.0\\powershell.exe`,
  net: `${SYS32}\\net.exe`,
  net1: `${SYS32}\\net1.exe`,
  sc: `${SYS32}\\sc.exe`,
  schtasks: `${SYS32}\\schtasks.exe`,
  whoami: `${SYS32}\\whoami.exe`,
  nltest: `${SYS32}\\nltest.exe`,
  runas: `${SYS32}\\runas.exe`,
  mstsc: `${SYS32}\\mstsc.exe`,
  rdpclip: `${SYS32}\\rdpclip.exe`,
  taskhostw: `${SYS32}\\taskhostw.exe`,
  wmiprvse: `${SYS32}\\wbem\\WmiPrvSE.exe`,
  wsmprovhost: `${SYS32}\\wsmprovhost.exe`,
  msedge: "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
  edgeUpdate: "C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe",
  chrome: "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
  outlook: "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
  excel: "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE",
  winword: "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
  teams:
    "C:\\Program Files\\WindowsApps\\MSTeams_24033.811.2738.2546_x64__8wekyb3d8bbwe\\ms-teams.exe",
  onedrive: "C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe",
  acrobat: "C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe",
  notepad: `${SYS32}\\notepad.exe`,
  mpcmdrun: "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24010.12-0\\MpCmdRun.exe",
  msmpeng: "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24010.12-0\\MsMpEng.exe",
  sense: "C:\\Program Files\\Windows Defender Advanced Threat Protection\\MsSense.exe",
  searchProtocolHost: `${SYS32}\\SearchProtocolHost.exe`,
  backgroundTaskHost: `${SYS32}\\backgroundTaskHost.exe`,
  runtimeBroker: `${SYS32}\\RuntimeBroker.exe`,
  dllhost: `${SYS32}\\dllhost.exe`,
  tiworker: "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35" +
    "_10.0.22621.3227_none_7d8a4a3c5a2c11d4\\TiWorker.exe",
  trustedInstaller: "C:\\Windows\\servicing\\TrustedInstaller.exe",
  compattel: `${SYS32}\\CompatTelRunner.exe`,
  gpupdate: `${SYS32}\\gpupdate.exe`,
  msiexec: `${SYS32}\\msiexec.exe`,
  sppsvc: `${SYS32}\\sppsvc.exe`,
  wermgr: `${SYS32}\\wermgr.exe`,
  sevenZip: "C:\\Program Files\\7-Zip\\7z.exe",
  psexec: "C:\\Tools\\SysinternalsSuite\\PsExec64.exe",
  psexesvc: "C:\\Windows\\PSEXESVC.exe",
  sqlcmd: "C:\\Program Files\\Microsoft SQL Server\\Client SDK\\ODBC\\170\\Tools\\Binn\\SQLCMD.EXE",
  vaultline: "C:\\Program Files\\VaultLine\\Agent\\vlagent.exe",
  wmsClient: "C:\\Program Files\\Larkspur\\WMS Client\\WmsClient.exe",
  inventoryDir: "C:\\ProgramData\\LarkInventory",
  spoolsv: `${SYS32}\\spoolsv.exe`,
  sqlservr:
    "C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe",
  w3wp: `${SYS32}\\inetsrv\\w3wp.exe`,
} as const;

/** The daily inventory task's script, run by SYSTEM as `-EncodedCommand` on every Windows host. */
export const INVENTORY_SCRIPT =
  "$ErrorActionPreference='SilentlyContinue';$os=Get-CimInstance Win32_OperatingSystem|" +
  "Select-Object Caption,Version,LastBootUpTime;$disk=Get-CimInstance Win32_LogicalDisk " +
  "-Filter 'DriveType=3'|Select-Object DeviceID,Size,FreeSpace;@{host=$env:COMPUTERNAME;" +
  "os=$os;disks=$disk}|ConvertTo-Json -Depth 3|Out-File -Encoding utf8 " +
  "C:\\ProgramData\\LarkInventory\\inventory.json";

/** The inventory task's full command line. */
export const INVENTORY_COMMAND = `"${IMAGES.powershell}" -NoProfile -NonInteractive ` +
  `-ExecutionPolicy Bypass -EncodedCommand ${encodePowerShell(INVENTORY_SCRIPT)}`;

/** An IT admin's habit of passing a report script as `-EncodedCommand` (avoids quoting). */
export const ADMIN_ENCODED_SCRIPT = "Get-ADComputer -Filter * -Properties LastLogonDate," +
  "OperatingSystem | Where-Object { $_.LastLogonDate -lt (Get-Date).AddDays(-45) } | " +
  "Select-Object Name,OperatingSystem,LastLogonDate | Export-Csv -NoTypeInformation " +
  "C:\\Temp\\stale-computers.csv";

/** Who a process runs as. */
export type RunAs = "system" | "user" | "admin" | "network" | "local";

/** A kind of process an ordinary machine starts. */
export interface ProcessKind {
  readonly image: string;
  readonly parent: string;
  readonly parentCommand: string;
  /** The command line; `{user}` is replaced with the account name, `{host}` with the host. */
  readonly command: string;
  readonly runAs: RunAs;
  /** Relative frequency per active hour. */
  readonly weight: number;
  readonly elevated?: boolean;
}

function kind(
  image: string,
  parent: string,
  parentCommand: string,
  command: string,
  runAs: RunAs,
  weight: number,
  elevated = false,
): ProcessKind {
  return Object.freeze({ image, parent, parentCommand, command, runAs, weight, elevated });
}

const SCHEDULE = `${IMAGES.svchost} -k netsvcs -p -s Schedule`;
const DCOM = `${IMAGES.svchost} -k DcomLaunch -p`;
const EXPLORER = IMAGES.explorer;
const q = (path: string) => `"${path}"`;

/** Processes a signed-in user starts on a workstation during the working day. */
export const USER_PROCESSES: readonly ProcessKind[] = [
  kind(
    IMAGES.msedge,
    EXPLORER,
    EXPLORER,
    `${q(IMAGES.msedge)} --profile-directory=Default`,
    "user",
    8,
  ),
  kind(
    IMAGES.msedge,
    IMAGES.msedge,
    `${q(IMAGES.msedge)} --profile-directory=Default`,
    `${q(IMAGES.msedge)} --type=renderer --lang=en-GB --enable-features=msEdgeSidebarV2 ` +
      `--renderer-client-id=7 --mojo-platform-channel-handle=4260 /prefetch:1`,
    "user",
    14,
  ),
  kind(IMAGES.outlook, EXPLORER, EXPLORER, q(IMAGES.outlook), "user", 2),
  kind(
    IMAGES.excel,
    EXPLORER,
    EXPLORER,
    `${
      q(IMAGES.excel)
    } "C:\\Users\\{user}\\OneDrive - Larkspur Logistics\\Documents\\Weekly report.xlsx"`,
    "user",
    3,
  ),
  kind(IMAGES.winword, EXPLORER, EXPLORER, `${q(IMAGES.winword)} /n`, "user", 2),
  kind(IMAGES.teams, EXPLORER, EXPLORER, `${q(IMAGES.teams)} --system-initiated`, "user", 1),
  kind(
    IMAGES.acrobat,
    IMAGES.outlook,
    q(IMAGES.outlook),
    `${
      q(IMAGES.acrobat)
    } "C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\4Q8ZKJ2C\\Invoice.pdf"`,
    "user",
    2,
  ),
  kind(IMAGES.onedrive, EXPLORER, EXPLORER, `${q(IMAGES.onedrive)} /background`, "user", 1),
  kind(IMAGES.notepad, EXPLORER, EXPLORER, `${q(IMAGES.notepad)}`, "user", 1),
  kind(
    IMAGES.runtimeBroker,
    `${SYS32}\\svchost.exe`,
    DCOM,
    `${IMAGES.runtimeBroker} -Embedding`,
    "user",
    4,
  ),
  kind(
    IMAGES.backgroundTaskHost,
    `${SYS32}\\svchost.exe`,
    DCOM,
    `${q(IMAGES.backgroundTaskHost)} -ServerName:BackgroundTaskHost.WebAccountProvider`,
    "user",
    3,
  ),
  kind(IMAGES.wmsClient, EXPLORER, EXPLORER, `${q(IMAGES.wmsClient)} /server:lks-app01`, "user", 1),
  kind(
    IMAGES.sevenZip,
    EXPLORER,
    EXPLORER,
    `${
      q(IMAGES.sevenZip)
    } x "C:\\Users\\{user}\\Downloads\\carrier-rates-2026.zip" -o"C:\\Users\\{user}\\Downloads\\carrier-rates-2026"`,
    "user",
    0.3,
  ),
];

/** Extra processes IT staff start on their own workstations. */
export const IT_USER_PROCESSES: readonly ProcessKind[] = [
  kind(
    IMAGES.mstsc,
    EXPLORER,
    EXPLORER,
    `${q(IMAGES.mstsc)} /v:lks-jump01.corp.larkspurlogistics.example`,
    "user",
    2,
  ),
  kind(IMAGES.powershell, EXPLORER, EXPLORER, q(IMAGES.powershell), "user", 1.5),
  kind(IMAGES.cmd, EXPLORER, EXPLORER, `${q(IMAGES.cmd)}`, "user", 1),
  kind(IMAGES.chrome, EXPLORER, EXPLORER, q(IMAGES.chrome), "user", 1),
];

/** Background processes every Windows machine starts. */
export const SYSTEM_PROCESSES: readonly ProcessKind[] = [
  kind(
    IMAGES.svchost,
    IMAGES.services,
    IMAGES.services,
    `${IMAGES.svchost} -k netsvcs -p -s BITS`,
    "system",
    2,
  ),
  kind(
    IMAGES.svchost,
    IMAGES.services,
    IMAGES.services,
    `${IMAGES.svchost} -k wsappx -p -s ClipSVC`,
    "local",
    1,
  ),
  kind(
    IMAGES.svchost,
    IMAGES.services,
    IMAGES.services,
    `${IMAGES.svchost} -k NetworkService -p -s DoSvc`,
    "network",
    1,
  ),
  kind(
    IMAGES.taskhostw,
    `${SYS32}\\svchost.exe`,
    SCHEDULE,
    `taskhostw.exe Install $(Arg0)`,
    "system",
    3,
  ),
  kind(
    IMAGES.wmiprvse,
    `${SYS32}\\svchost.exe`,
    DCOM,
    `${IMAGES.wmiprvse} -secured -Embedding`,
    "network",
    3,
  ),
  kind(
    IMAGES.searchProtocolHost,
    `${SYS32}\\SearchIndexer.exe`,
    `${SYS32}\\SearchIndexer.exe /Embedding`,
    `"${IMAGES.searchProtocolHost}" Global\\UsGthrFltPipeMssGthrPipe1_ Global\\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 "Software\\Microsoft\\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon"`,
    "system",
    3,
  ),
  kind(
    IMAGES.mpcmdrun,
    IMAGES.msmpeng,
    `"${IMAGES.msmpeng}"`,
    `"${IMAGES.mpcmdrun}" SignatureUpdate -ScheduleJob -RestrictPrivileges -DefinitionUpdateAndPlatformUpdate`,
    "network",
    1,
  ),
  kind(
    IMAGES.compattel,
    `${SYS32}\\svchost.exe`,
    SCHEDULE,
    `${IMAGES.compattel} -m:appraiser.dll -f:DoScheduledTelemetryRun -cv:Ij6x8bDhBkG6ZpRm.2`,
    "system",
    0.4,
  ),
  kind(
    IMAGES.tiworker,
    `${SYS32}\\svchost.exe`,
    DCOM,
    `${IMAGES.tiworker} -Embedding`,
    "system",
    0.5,
  ),
  kind(IMAGES.sppsvc, IMAGES.services, IMAGES.services, IMAGES.sppsvc, "network", 0.5),
  kind(
    IMAGES.dllhost,
    `${SYS32}\\svchost.exe`,
    DCOM,
    `${IMAGES.dllhost} /Processid:{3EB3C877-1F16-487C-9050-104DBCD66683}`,
    "system",
    1,
  ),
  kind(
    IMAGES.conhost,
    IMAGES.svchost,
    SCHEDULE,
    `\\??\\${IMAGES.conhost} 0xffffffff -ForceV1`,
    "system",
    1,
  ),
  kind(
    IMAGES.edgeUpdate,
    `${SYS32}\\svchost.exe`,
    SCHEDULE,
    `${q(IMAGES.edgeUpdate)} /ua /installsource scheduler`,
    "system",
    0.5,
  ),
  kind(IMAGES.wermgr, `${SYS32}\\svchost.exe`, SCHEDULE, `${IMAGES.wermgr} -upload`, "system", 0.3),
  kind(
    IMAGES.gpupdate,
    `${SYS32}\\svchost.exe`,
    `${IMAGES.svchost} -k GPSvcGroup`,
    `gpupdate.exe /target:computer`,
    "system",
    0.2,
  ),
];

/** Extra background processes on servers, keyed by server name. */
export const SERVER_PROCESSES: Readonly<Record<string, readonly ProcessKind[]>> = {
  "LKS-SQL01": [
    kind(
      IMAGES.sqlcmd,
      IMAGES.svchost,
      SCHEDULE,
      `"${IMAGES.sqlcmd}" -S localhost -E -Q "EXEC dbo.usp_IndexMaintenance"`,
      "system",
      0.3,
    ),
  ],
  "LKS-BKP01": [
    kind(
      IMAGES.vaultline,
      IMAGES.services,
      IMAGES.services,
      `"${IMAGES.vaultline}" --run-job nightly-full --target backup.vaultline.example`,
      "system",
      0.2,
    ),
  ],
  "LKS-PRINT01": [
    kind(IMAGES.spoolsv, IMAGES.services, IMAGES.services, IMAGES.spoolsv, "system", 0.1),
  ],
  "LKS-APP01": [
    kind(
      IMAGES.w3wp,
      IMAGES.svchost,
      `${IMAGES.svchost} -k iissvcs`,
      `${IMAGES.w3wp} -ap "WmsApi" -v "v4.0" -l "webengine4.dll" -a \\\\.\\pipe\\iisipm0b7a5c1e`,
      "network",
      0.3,
    ),
  ],
};

/** Commands IT admins run (as their `adm-` account) on servers and the jump host. */
export const ADMIN_COMMANDS: readonly string[] = [
  `${q(IMAGES.powershell)} -NoProfile -Command "Get-ADUser -Filter * -Properties LastLogonDate | ` +
  `Where-Object {$_.LastLogonDate -lt (Get-Date).AddDays(-90)} | Select-Object SamAccountName"`,
  `${
    q(IMAGES.powershell)
  } -NoProfile -Command "Invoke-Command -ComputerName LKS-FS01 -ScriptBlock { Get-SmbOpenFile | Measure-Object }"`,
  `${q(IMAGES.powershell)} -NoProfile -Command "Restart-Service -Name Spooler -Force"`,
  `${
    q(IMAGES.powershell)
  } -ExecutionPolicy Bypass -File \\\\lks-wsus01\\deploy$\\scripts\\Update-Agents.ps1`,
  `${
    q(IMAGES.powershell)
  } -NoProfile -Command "Get-WinEvent -LogName System -MaxEvents 50 | Format-List"`,
  `${
    q(IMAGES.powershell)
  } -NoProfile -Command "Invoke-WebRequest -Uri https://download.sysinternals.com/files/SysinternalsSuite.zip -OutFile C:\\Tools\\SysinternalsSuite.zip"`,
  `${
    q(IMAGES.powershell)
  } -NoProfile -Command "Get-Service | Where-Object Status -eq 'Stopped' | Where-Object StartType -eq 'Automatic'"`,
  `${q(IMAGES.cmd)} /c ipconfig /all`,
  `${q(IMAGES.cmd)} /c "net localgroup administrators"`,
  `${q(IMAGES.cmd)} /c gpresult /r`,
];

/** A service machines talk to over the network. */
export interface Destination {
  readonly url: string | null;
  readonly ips: readonly string[];
  readonly port: number;
  readonly protocol: "Tcp" | "Udp";
  /** Palo Alto App-ID, for the firewall log. */
  readonly app: string;
  /** Image paths that open these connections. */
  readonly processes: readonly string[];
  readonly weight: number;
  readonly sent: readonly [number, number];
  readonly received: readonly [number, number];
  readonly internal: boolean;
}

function dest(
  url: string | null,
  ips: readonly string[],
  port: number,
  app: string,
  processes: readonly string[],
  weight: number,
  sent: readonly [number, number],
  received: readonly [number, number],
  internal = false,
  protocol: "Tcp" | "Udp" = "Tcp",
): Destination {
  return Object.freeze({
    url,
    ips,
    port,
    protocol,
    app,
    processes,
    weight,
    sent,
    received,
    internal,
  });
}

const BROWSERS = [IMAGES.msedge, IMAGES.msedge, IMAGES.msedge, IMAGES.chrome];

/** Where workstations connect during the working day. */
export const WORKSTATION_DESTINATIONS: readonly Destination[] = [
  dest(
    "login.microsoftonline.com",
    ["20.190.151.68", "20.190.151.131", "40.126.32.74"],
    443,
    "ms-office365-base",
    [IMAGES.msedge, IMAGES.outlook, IMAGES.teams],
    8,
    [2_000, 9_000],
    [5_000, 40_000],
  ),
  dest(
    "outlook.office365.com",
    ["52.97.183.162", "52.98.207.18", "40.99.150.82"],
    443,
    "ms-exchange-online",
    [IMAGES.outlook],
    10,
    [4_000, 400_000],
    [10_000, 2_500_000],
  ),
  dest(
    "teams.microsoft.com",
    ["52.113.194.132", "52.114.128.10"],
    443,
    "ms-teams",
    [IMAGES.teams],
    8,
    [3_000, 300_000],
    [5_000, 900_000],
  ),
  dest(
    "larkspurlogistics.sharepoint.com",
    ["13.107.136.9", "13.107.138.9"],
    443,
    "sharepoint-online",
    [IMAGES.onedrive, IMAGES.msedge],
    6,
    [2_000, 3_000_000],
    [5_000, 6_000_000],
  ),
  dest("www.office.com", ["13.107.6.156"], 443, "ms-office365-base", BROWSERS, 3, [2_000, 20_000], [
    20_000,
    900_000,
  ]),
  dest("www.google.com", ["142.250.187.196", "142.250.180.4"], 443, "google-base", BROWSERS, 5, [
    1_500,
    12_000,
  ], [10_000, 600_000]),
  dest(
    "www.bbc.co.uk",
    ["151.101.0.81", "151.101.64.81"],
    443,
    "ssl",
    BROWSERS,
    2,
    [1_500, 8_000],
    [40_000, 2_000_000],
  ),
  dest("www.linkedin.com", ["13.107.42.14"], 443, "linkedin-base", BROWSERS, 2, [2_000, 10_000], [
    30_000,
    1_500_000,
  ]),
  dest(
    "portal.northwind-freight.example",
    ["192.0.2.70"],
    443,
    "ssl",
    BROWSERS,
    3,
    [2_000, 60_000],
    [20_000, 700_000],
  ),
  dest(
    "api.routeplanner-saas.example",
    ["192.0.2.71"],
    443,
    "ssl",
    [IMAGES.wmsClient, IMAGES.msedge],
    2,
    [3_000, 90_000],
    [10_000, 300_000],
  ),
  dest(
    "settings-win.data.microsoft.com",
    ["20.42.65.92", "51.104.136.2"],
    443,
    "ms-update",
    [IMAGES.svchost],
    3,
    [1_000, 6_000],
    [2_000, 9_000],
  ),
  dest(
    "v10.events.data.microsoft.com",
    ["20.189.173.1", "13.69.239.72"],
    443,
    "ssl",
    [IMAGES.svchost, IMAGES.compattel],
    4,
    [5_000, 80_000],
    [1_000, 4_000],
  ),
  dest("wdcp.microsoft.com", ["13.78.168.230"], 443, "ms-defender", [IMAGES.msmpeng], 2, [
    1_000,
    20_000,
  ], [1_000, 15_000]),
  dest("winatp-gw-weu.microsoft.com", ["52.157.234.6"], 443, "ms-defender", [IMAGES.sense], 4, [
    5_000,
    150_000,
  ], [1_000, 8_000]),
  dest("ctldl.windowsupdate.com", ["93.184.221.240"], 80, "web-browsing", [IMAGES.svchost], 1, [
    500,
    1_500,
  ], [2_000, 60_000]),
  dest("msedge.api.cdp.microsoft.com", ["13.107.246.40"], 443, "ssl", [IMAGES.edgeUpdate], 1, [
    1_000,
    4_000,
  ], [2_000, 20_000]),
  dest("lookup.cloudav-reputation.example", ["192.0.2.72"], 443, "ssl", [IMAGES.msmpeng], 1, [
    600,
    1_500,
  ], [600, 2_000]),
  dest(
    "lks-fs01.corp.larkspurlogistics.example",
    ["10.10.1.20"],
    445,
    "ms-ds-smbv3",
    [IMAGES.system, IMAGES.explorer, IMAGES.excel],
    6,
    [2_000, 2_000_000],
    [2_000, 6_000_000],
    true,
  ),
  dest(
    "lks-dc01.corp.larkspurlogistics.example",
    ["10.10.1.10"],
    389,
    "ldap",
    [IMAGES.lsass, IMAGES.svchost],
    4,
    [500, 8_000],
    [500, 20_000],
    true,
  ),
  dest(
    "lks-dc02.corp.larkspurlogistics.example",
    ["10.10.1.11"],
    88,
    "kerberos",
    [IMAGES.lsass],
    3,
    [1_200, 3_000],
    [1_200, 4_000],
    true,
  ),
  dest(
    "lks-app01.corp.larkspurlogistics.example",
    ["10.10.1.31"],
    443,
    "ssl",
    [IMAGES.wmsClient],
    5,
    [2_000, 50_000],
    [10_000, 300_000],
    true,
  ),
  dest(
    "lks-print01.corp.larkspurlogistics.example",
    ["10.10.1.80"],
    445,
    "ms-ds-smbv3",
    [IMAGES.system],
    1,
    [20_000, 900_000],
    [1_000, 5_000],
    true,
  ),
];

/** Where servers connect, by server name prefix; every server also uses `SERVER_COMMON`. */
export const SERVER_COMMON: readonly Destination[] = [
  dest("settings-win.data.microsoft.com", ["20.42.65.92"], 443, "ms-update", [IMAGES.svchost], 2, [
    1_000,
    6_000,
  ], [2_000, 9_000]),
  dest("winatp-gw-weu.microsoft.com", ["52.157.234.6"], 443, "ms-defender", [IMAGES.sense], 4, [
    5_000,
    150_000,
  ], [1_000, 8_000]),
  dest(
    "lks-wsus01.corp.larkspurlogistics.example",
    ["10.10.1.50"],
    8530,
    "web-browsing",
    [IMAGES.svchost],
    2,
    [1_000, 5_000],
    [5_000, 2_000_000],
    true,
  ),
  dest(
    "lks-dc01.corp.larkspurlogistics.example",
    ["10.10.1.10"],
    389,
    "ldap",
    [IMAGES.lsass],
    3,
    [500, 8_000],
    [500, 20_000],
    true,
  ),
];

/** The nightly offsite backup: large, regular, and not exfiltration. */
export const BACKUP_DESTINATION = dest(
  "backup.vaultline.example",
  ["198.51.100.20", "198.51.100.21"],
  443,
  "ssl",
  [IMAGES.vaultline],
  0,
  [400_000_000, 900_000_000],
  [200_000, 2_000_000],
);

/** An Entra ID application staff sign in to. */
export interface EntraApp {
  readonly name: string;
  readonly appId: string;
  readonly resource: string;
  readonly resourceId: string;
}

function app(name: string, appId: string, resource: string, resourceId: string): EntraApp {
  return Object.freeze({ name, appId, resource, resourceId });
}

/** Well-known first-party apps (their real app ids). */
export const APPS = {
  officeHome: app(
    "OfficeHome",
    "4765445b-32c6-49b0-83e6-1d93765276ca",
    "Office 365 Exchange Online",
    "00000002-0000-0ff1-ce00-000000000000",
  ),
  outlookWeb: app(
    "One Outlook Web",
    "9199bf20-a13f-4107-85dc-02114787ef48",
    "Office 365 Exchange Online",
    "00000002-0000-0ff1-ce00-000000000000",
  ),
  office: app(
    "Microsoft Office",
    "d3590ed6-52b3-4102-aeff-aad2292ab01c",
    "Microsoft Graph",
    "00000003-0000-0000-c000-000000000000",
  ),
  teams: app(
    "Microsoft Teams",
    "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
    "Microsoft Teams Services",
    "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe",
  ),
  outlookMobile: app(
    "Outlook Mobile",
    "27922004-5251-4030-b22d-91ecd9a37ea4",
    "Office 365 Exchange Online",
    "00000002-0000-0ff1-ce00-000000000000",
  ),
  sharepoint: app(
    "SharePoint Online Web Client Extensibility",
    "08e18876-6177-487e-b8b5-cf950c1e598c",
    "Office 365 SharePoint Online",
    "00000003-0000-0ff1-ce00-000000000000",
  ),
  exchange: app(
    "Office 365 Exchange Online",
    "00000002-0000-0ff1-ce00-000000000000",
    "Office 365 Exchange Online",
    "00000002-0000-0ff1-ce00-000000000000",
  ),
  azurePortal: app(
    "Azure Portal",
    "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
    "Windows Azure Service Management API",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013",
  ),
  mySignins: app(
    "My Signins",
    "19db86c3-b2b9-44cc-b339-36da233a3be2",
    "Microsoft Graph",
    "00000003-0000-0000-c000-000000000000",
  ),
} as const;
