/**
 * The "endpoint" family: Microsoft Defender for Endpoint tables (DeviceProcessEvents,
 * DeviceNetworkEvents, DeviceFileEvents, DeviceRegistryEvents, DeviceLogonEvents) for
 * execution, credential theft, discovery, staging, persistence, command and control, and
 * the context of a host, an account, a process, a file hash, an address or a URL.
 *
 * Hosts are matched by short name or FQDN (Defender reports `DeviceName` as the FQDN in
 * lower case); accounts by UPN, `DOMAIN\name` or bare name (the part before `@` or after
 * `\` is compared with `AccountName`).
 *
 * @module
 */
import type { HuntFamily } from "../types.ts";

const HOST_FILTER = "optional host (short name or FQDN); empty for every device.";

/** Queries over the Defender for Endpoint device tables. */
export const FAMILY: HuntFamily = {
  name: "endpoint",
  description:
    "Defender for Endpoint device events: encoded PowerShell and download cradles, LOLBins, credential dumping, discovery bursts, archive staging, rare and misplaced binaries, beaconing and rare destinations, persistence, remote logons, and the processes, connections and logons of a host, account, process, hash, address or URL.",
  queries: [
    // ------------------------------------------------------------------ execution
    {
      name: "encodedPowerShell",
      description:
        "PowerShell started with -EncodedCommand (or its -enc/-e abbreviations), grouped by payload and decoded from UTF-16LE base64, rarest first. Attackers encode commands to hide download cradles and obfuscated scripts; management agents, inventory tasks and some admin scripts also encode, but run the same payload on many hosts as SYSTEM, so look at Hosts and Accounts.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Execution", "Defense Evasion"],
      techniques: ["T1059.001", "T1027"],
      columns: [
        "Runs",
        "Hosts",
        "Devices",
        "Accounts",
        "Parents",
        "FirstSeen",
        "LastSeen",
        "Decoded",
        "Encoded",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where FileName in~ ("powershell.exe", "pwsh.exe", "powershell_ise.exe")
| extend Encoded = extract(@"(?i)\s-e(?:nc(?:odedcommand)?)?\s+([A-Za-z0-9+/=]{16,})", 1, ProcessCommandLine)
| where isnotempty(Encoded)
| summarize Runs = count(), Hosts = dcount(DeviceName), Devices = make_set(DeviceName, 10),
    Accounts = make_set(AccountName, 10), Parents = make_set(InitiatingProcessFileName, 10),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by Encoded
// The payload is UTF-16LE: decode to bytes, drop the zero bytes, rebuild the text.
| mv-apply Byte = base64_decode_toarray(Encoded) to typeof(long) on (
    where Byte != 0
    | summarize Decoded = make_string(make_list(Byte)))
| project Runs, Hosts, Devices, Accounts, Parents, FirstSeen, LastSeen, Decoded, Encoded
| order by Hosts asc, Runs asc`,
    },
    {
      name: "downloadCradles",
      description:
        "Command lines (plain or -EncodedCommand decoded) that fetch content from a URL: Net.WebClient, DownloadString/DownloadFile, Invoke-WebRequest, Invoke-RestMethod, Start-BitsTransfer, curl and wget. A cradle piped into IEX is how most intrusions pull their second stage; admins also download tools and installers this way, usually from vendor sites and without IEX.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Execution", "Command and Control"],
      techniques: ["T1059.001", "T1105"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "AccountName",
        "FileName",
        "InitiatingProcessFileName",
        "Url",
        "RunsInMemory",
        "CommandText",
      ],
      query: String.raw`let commands = DeviceProcessEvents
    | where TimeGenerated between ({start} .. {end})
    | where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
    | where FileName in~ ("powershell.exe", "pwsh.exe", "cmd.exe", "curl.exe", "wget.exe")
    | extend Encoded = extract(@"(?i)\s-e(?:nc(?:odedcommand)?)?\s+([A-Za-z0-9+/=]{16,})", 1, ProcessCommandLine);
union
    (commands
    | where isempty(Encoded)
    | extend CommandText = ProcessCommandLine),
    (commands
    | where isnotempty(Encoded)
    // The payload is UTF-16LE: decode to bytes, drop the zero bytes, rebuild the text.
    | mv-apply Byte = base64_decode_toarray(Encoded) to typeof(long) on (
        where Byte != 0
        | summarize CommandText = make_string(make_list(Byte))))
| where CommandText has_any ("Net.WebClient", "DownloadString", "DownloadFile", "DownloadData",
    "Invoke-WebRequest", "iwr", "Invoke-RestMethod", "irm", "Start-BitsTransfer", "curl", "wget")
| extend Url = extract(@"(https?://[^\s'""\)]+)", 1, CommandText)
| where isnotempty(Url)
| extend RunsInMemory = CommandText has_any ("IEX", "Invoke-Expression")
| project TimeGenerated, DeviceName, AccountName, FileName, InitiatingProcessFileName, Url,
    RunsInMemory, CommandText
| order by TimeGenerated asc`,
    },
    {
      name: "lolbinProxyExecution",
      description:
        "Signed Windows binaries used to fetch or run remote or encoded content: certutil -urlcache/-decode, mshta with a URL or script, rundll32 with javascript: or a URL, regsvr32 /i:http (Squiblydoo), bitsadmin /transfer and msiexec from a URL. These let an attacker get past application control with Microsoft-signed tools; certutil and bitsadmin are occasionally used by old deployment scripts, so check the URL and the parent.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Defense Evasion", "Command and Control"],
      techniques: ["T1218.005", "T1218.010", "T1218.011", "T1218.007", "T1140", "T1197", "T1105"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "AccountName",
        "FileName",
        "Technique",
        "ProcessCommandLine",
        "InitiatingProcessFileName",
        "InitiatingProcessCommandLine",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where FileName in~ ("certutil.exe", "mshta.exe", "rundll32.exe", "regsvr32.exe", "bitsadmin.exe", "msiexec.exe")
| extend Cmd = tolower(ProcessCommandLine)
| extend Technique = case(
    FileName =~ "certutil.exe" and Cmd has_any ("urlcache", "verifyctl", "-decode", "-decodehex"), "certutil download/decode",
    FileName =~ "mshta.exe" and Cmd has_any ("http", "https", "javascript", "vbscript"), "mshta remote script",
    FileName =~ "rundll32.exe" and Cmd has_any ("javascript", "http", "https", "runhtmlapplication"), "rundll32 script/URL",
    FileName =~ "regsvr32.exe" and Cmd contains "/i:" and Cmd has_any ("http", "https", "scrobj"), "regsvr32 scriptlet",
    FileName =~ "bitsadmin.exe" and Cmd has_any ("/transfer", "/addfile", "/setnotifycmdline"), "bitsadmin transfer",
    FileName =~ "msiexec.exe" and Cmd has_any ("http", "https"), "msiexec remote package",
    "")
| where isnotempty(Technique)
| project TimeGenerated, DeviceName, AccountName, FileName, Technique, ProcessCommandLine,
    InitiatingProcessFileName, InitiatingProcessCommandLine
| order by TimeGenerated asc`,
    },
    {
      name: "binariesRunFromUserWritablePaths",
      description:
        "Programs started from folders any user can write to (ProgramData outside Microsoft's own folders, Users\\Public, Temp, Downloads, AppData), grouped by binary and hash with how many hosts ran them. Implants, dumpers and exfiltration tools are dropped there; per-user installers (Teams, Zoom, updaters) also live in AppData, but they are signed, widespread and stable.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
        maxHosts: {
          type: "long",
          description: "Report binaries that ran on at most this many hosts.",
          default: 3,
        },
      },
      window: "7d",
      tactics: ["Execution", "Defense Evasion"],
      techniques: ["T1204.002", "T1036.005"],
      columns: [
        "FolderPath",
        "FileName",
        "SHA256",
        "Runs",
        "Hosts",
        "Devices",
        "Accounts",
        "Parents",
        "FirstSeen",
        "SampleCommandLine",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where FolderPath matches regex @"(?i)^C:\\(ProgramData\\|Users\\Public\\|Windows\\Temp\\|Users\\[^\\]+\\(AppData|Downloads)\\)"
| where not(FolderPath matches regex @"(?i)^C:\\ProgramData\\Microsoft\\")
| summarize Runs = count(), Hosts = dcount(DeviceName), Devices = make_set(DeviceName, 10),
    Accounts = make_set(AccountName, 10), Parents = make_set(InitiatingProcessFileName, 10),
    FirstSeen = min(TimeGenerated), SampleCommandLine = take_any(ProcessCommandLine)
    by FolderPath, FileName, SHA256
| where Hosts <= {maxHosts}
| project FolderPath, FileName, SHA256, Runs, Hosts, Devices, Accounts, Parents, FirstSeen,
    SampleCommandLine
| order by FirstSeen asc`,
    },
    {
      name: "rareProcessesPerHost",
      description:
        "Binaries (by path) that ran on a host but on few machines of the fleet and only a few times, listed per host. New tools an intruder brings (implants, dumpers, rclone) stand out against software every machine runs; one-off admin tools, installers and a single server's own software are the usual benign hits.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
        maxFleetHosts: {
          type: "long",
          description: "A binary is rare when at most this many hosts ran it.",
          default: 2,
        },
        maxRuns: {
          type: "long",
          description: "...and it ran at most this many times in the window.",
          default: 5,
        },
      },
      window: "7d",
      tactics: ["Execution", "Defense Evasion"],
      techniques: ["T1204.002", "T1036.005"],
      columns: [
        "DeviceName",
        "FileName",
        "FolderPath",
        "SHA256",
        "FleetHosts",
        "FleetRuns",
        "Accounts",
        "Parents",
        "FirstSeen",
        "SampleCommandLine",
      ],
      query: String.raw`let events = DeviceProcessEvents
    | where TimeGenerated between ({start} .. {end});
let rare = events
    | summarize FleetHosts = dcount(DeviceName), FleetRuns = count() by FolderPath
    | where FleetHosts <= {maxFleetHosts} and FleetRuns <= {maxRuns};
events
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| join kind=inner rare on FolderPath
| summarize Accounts = make_set(AccountName, 10), Parents = make_set(InitiatingProcessFileName, 10),
    FirstSeen = min(TimeGenerated), SampleCommandLine = take_any(ProcessCommandLine),
    SHA256 = take_any(SHA256)
    by DeviceName, FileName, FolderPath, FleetHosts, FleetRuns
| project DeviceName, FileName, FolderPath, SHA256, FleetHosts, FleetRuns, Accounts, Parents,
    FirstSeen, SampleCommandLine
| order by FirstSeen asc`,
    },
    // ------------------------------------------------------------------ credential access
    {
      name: "credentialDumpingTools",
      description:
        "Command lines that dump credentials: procdump or comsvcs.dll MiniDump of lsass, Mimikatz keywords, reg save of the SAM/SECURITY/SYSTEM hives, ntdsutil IFM and shadow copies of ntds.dit. A hit on a workstation usually means the attacker already has local admin; support engineers occasionally procdump a crashing service (not lsass).",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1003.001", "T1003.002", "T1003.003"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "AccountName",
        "FileName",
        "FolderPath",
        "Method",
        "ProcessCommandLine",
        "InitiatingProcessFileName",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| extend Cmd = tolower(ProcessCommandLine)
| extend Method = case(
    Cmd has "comsvcs" and Cmd has "minidump", "process memory dump (comsvcs.dll)",
    Cmd has "lsass" and (Cmd matches regex @"\s-m[amp]\s" or FileName in~ ("procdump.exe", "procdump64.exe")),
    "lsass memory dump",
    Cmd has_any ("sekurlsa", "lsadump", "dcsync", "mimikatz"), "mimikatz",
    Cmd matches regex @"\breg(\.exe)?\s+save\s+(hklm|hkey_local_machine)\\(sam|security|system)\b", "registry hive export",
    Cmd has "ntdsutil" and Cmd has "ifm", "ntds.dit export (IFM)",
    Cmd has "ntds.dit" and Cmd has_any ("copy", "shadowcopy", "globalroot"), "ntds.dit copy",
    "")
| where isnotempty(Method)
| project TimeGenerated, DeviceName, AccountName, FileName, FolderPath, Method, ProcessCommandLine,
    InitiatingProcessFileName
| order by TimeGenerated asc`,
    },
    {
      name: "lsassDumpFiles",
      description:
        "Memory dump files whose name mentions lsass, or any .dmp written to Users\\Public, Temp or ProgramData. A fresh lsass dump is credential theft in progress (the file is usually copied out and deleted within minutes); Windows Error Reporting writes dumps of crashed programs under ProgramData\\Microsoft\\Windows\\WER, which is left out.",
      tables: ["DeviceFileEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1003.001"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "ActionType",
        "FolderPath",
        "FileSize",
        "InitiatingProcessAccountName",
        "InitiatingProcessFileName",
        "InitiatingProcessCommandLine",
      ],
      query: String.raw`DeviceFileEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where ActionType in ("FileCreated", "FileRenamed", "FileModified")
| where FileName endswith ".dmp"
| where FileName has "lsass"
    or FolderPath matches regex @"(?i)^C:\\(Users\\Public|Windows\\Temp|ProgramData)\\"
    or FolderPath contains @"\AppData\Local\Temp\"
| where not(FolderPath contains @"\Microsoft\Windows\WER\")
| project TimeGenerated, DeviceName, ActionType, FolderPath, FileSize, InitiatingProcessAccountName,
    InitiatingProcessFileName, InitiatingProcessCommandLine
| order by TimeGenerated asc`,
    },
    // ------------------------------------------------------------------ discovery, persistence, lateral movement
    {
      name: "discoveryBursts",
      description:
        "Several different reconnaissance commands (whoami, net/net1, nltest, ipconfig, systeminfo, quser, arp, route, netstat, tasklist, klist, dsquery, nslookup) run by one account on one host within a few minutes. Hands-on-keyboard intruders map the user, domain admins and domain controllers right after landing; helpdesk troubleshooting produces short bursts too, typically ipconfig/ping from an admin account.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        minCommands: {
          type: "long",
          description: "Distinct discovery tools in one burst.",
          default: 3,
        },
        burst: {
          type: "timespan",
          description: "Length of a burst (bin size).",
          default: "10m",
        },
      },
      window: "7d",
      tactics: ["Discovery"],
      techniques: ["T1033", "T1069.002", "T1018", "T1016", "T1082", "T1087.002"],
      columns: [
        "DeviceName",
        "AccountName",
        "BurstStart",
        "Tools",
        "DistinctTools",
        "Commands",
        "Parents",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where FileName in~ ("whoami.exe", "net.exe", "net1.exe", "nltest.exe", "ipconfig.exe", "systeminfo.exe",
    "quser.exe", "qwinsta.exe", "arp.exe", "route.exe", "netstat.exe", "tasklist.exe", "klist.exe",
    "dsquery.exe", "nslookup.exe", "hostname.exe")
| summarize Tools = make_set(tolower(FileName), 20), DistinctTools = dcount(tolower(FileName)),
    Commands = make_list(ProcessCommandLine, 20), Parents = make_set(InitiatingProcessFileName, 10)
    by DeviceName, AccountName, BurstStart = bin(TimeGenerated, {burst})
| where DistinctTools >= {minCommands}
| project DeviceName, AccountName, BurstStart, Tools, DistinctTools, Commands, Parents
| order by BurstStart asc`,
    },
    {
      name: "archiveStaging",
      description:
        "Archivers creating archives (7-Zip/RAR 'a', Compress-Archive, makecab, tar -c), flagging password-protected ones and archives written to ProgramData, Public or Temp. Intruders compress and encrypt shares before exfiltration; users and backup jobs archive too, mostly into their own profile and without a password, and extracting ('x') is left out.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Collection"],
      techniques: ["T1560.001", "T1074.001"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "AccountName",
        "FileName",
        "Encrypted",
        "StagedInSharedFolder",
        "ProcessCommandLine",
        "InitiatingProcessFileName",
        "InitiatingProcessParentFileName",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where (FileName in~ ("7z.exe", "7za.exe", "7zr.exe", "7zg.exe", "rar.exe", "winrar.exe")
        and ProcessCommandLine matches regex @"(?i)\s(a|u)\s")
    or (FileName in~ ("powershell.exe", "pwsh.exe") and ProcessCommandLine has "Compress-Archive")
    or FileName =~ "makecab.exe"
    or (FileName =~ "tar.exe" and ProcessCommandLine matches regex @"\s-[a-zA-Z]*c")
| extend Encrypted = ProcessCommandLine matches regex @"(?i)\s-(p\S+|hp\S*)"
| extend StagedInSharedFolder = ProcessCommandLine matches regex @"(?i)C:\\(ProgramData|Users\\Public|Windows\\Temp|PerfLogs)\\"
| project TimeGenerated, DeviceName, AccountName, FileName, Encrypted, StagedInSharedFolder,
    ProcessCommandLine, InitiatingProcessFileName, InitiatingProcessParentFileName
| order by TimeGenerated asc`,
    },
    {
      name: "scheduledTasksCreated",
      description:
        "Scheduled tasks created or changed from the command line (schtasks /create or /change, Register-ScheduledTask), with the command they run. Tasks that start at logon or boot with highest privileges are a common foothold, often named after real updaters; software installers and Group Policy also create tasks, normally from msiexec or setup processes and pointing into Program Files.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Persistence", "Execution"],
      techniques: ["T1053.005"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "AccountName",
        "TaskName",
        "TaskCommand",
        "ProcessCommandLine",
        "InitiatingProcessFileName",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where (FileName =~ "schtasks.exe" and ProcessCommandLine has_any ("/create", "/change"))
    or (FileName in~ ("powershell.exe", "pwsh.exe") and ProcessCommandLine has "Register-ScheduledTask")
| extend TaskName = extract(@"(?i)/tn\s+(""[^""]+""|\S+)", 1, ProcessCommandLine)
| extend TaskCommand = extract(@"(?i)/tr\s+(""[^""]+""|'[^']+'|\S+)", 1, ProcessCommandLine)
| project TimeGenerated, DeviceName, AccountName, TaskName, TaskCommand, ProcessCommandLine,
    InitiatingProcessFileName
| order by TimeGenerated asc`,
    },
    {
      name: "remoteServiceCreation",
      description:
        "Services created or started on another machine from the command line (sc \\\\host create/start, PsExec). This is how intruders run code on a server with stolen admin credentials; administrators use PsExec and sc against servers too, usually from a jump host and with an admin account, so check the source host and the binary path.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: {
          type: "host",
          description: "The optional source host; empty for every device.",
          default: "",
        },
      },
      window: "7d",
      tactics: ["Lateral Movement", "Execution", "Persistence"],
      techniques: ["T1021.002", "T1569.002", "T1543.003"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "AccountName",
        "TargetHost",
        "FileName",
        "ProcessCommandLine",
        "InitiatingProcessFileName",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where (FileName =~ "sc.exe" and ProcessCommandLine contains @"\\" and ProcessCommandLine has_any ("create", "config", "start"))
    or FileName in~ ("psexec.exe", "psexec64.exe", "paexec.exe")
| extend TargetHost = toupper(extract(@"\\\\([A-Za-z0-9._-]+)", 1, ProcessCommandLine))
| project TimeGenerated, DeviceName, AccountName, TargetHost, FileName, ProcessCommandLine,
    InitiatingProcessFileName
| order by TimeGenerated asc`,
    },
    {
      name: "localAccountsAddedByCommandLine",
      description:
        "Local accounts created or added to a local group from the command line (net user /add, net localgroup ... /add, New-LocalUser, Add-LocalGroupMember). An intruder adds a backdoor administrator, often with a helpdesk-like name and the password on the command line; IT build scripts do the same during imaging, usually as SYSTEM and on new machines.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Persistence", "Privilege Escalation"],
      techniques: ["T1136.001", "T1098"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "AccountName",
        "Action",
        "ProcessCommandLine",
        "InitiatingProcessFileName",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where (FileName in~ ("net.exe", "net1.exe") and ProcessCommandLine has "/add"
        and ProcessCommandLine has_any ("user", "localgroup"))
    or (FileName in~ ("powershell.exe", "pwsh.exe") and ProcessCommandLine has_any ("New-LocalUser", "Add-LocalGroupMember"))
// net.exe hands its work to net1.exe: keep the command the person typed.
| where not(FileName =~ "net1.exe" and InitiatingProcessFileName =~ "net.exe")
| extend Action = iff(ProcessCommandLine has_any ("localgroup", "Add-LocalGroupMember"), "added to group", "account created")
| project TimeGenerated, DeviceName, AccountName, Action, ProcessCommandLine, InitiatingProcessFileName
| order by TimeGenerated asc`,
    },
    {
      name: "runKeyPersistence",
      description:
        "Registry values written under the Run/RunOnce keys, Winlogon Userinit/Shell and the Startup folder paths, with the process that wrote them. Autostart values are the oldest persistence on Windows; installers of legitimate software write them too (OneDrive, Teams, updaters), normally from their own setup binaries pointing into Program Files.",
      tables: ["DeviceRegistryEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Persistence"],
      techniques: ["T1547.001", "T1547.004"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "RegistryKey",
        "RegistryValueName",
        "RegistryValueData",
        "InitiatingProcessAccountName",
        "InitiatingProcessFileName",
        "InitiatingProcessCommandLine",
      ],
      query: String.raw`DeviceRegistryEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where ActionType == "RegistryValueSet"
| where RegistryKey has_any (@"\CurrentVersion\Run", @"\CurrentVersion\RunOnce", @"\CurrentVersion\Policies\Explorer\Run")
    or (RegistryKey has @"\CurrentVersion\Winlogon" and RegistryValueName in~ ("Userinit", "Shell"))
    or (RegistryKey has @"\Explorer\User Shell Folders" and RegistryValueName =~ "Startup")
| project TimeGenerated, DeviceName, RegistryKey, RegistryValueName, RegistryValueData,
    InitiatingProcessAccountName, InitiatingProcessFileName, InitiatingProcessCommandLine
| order by TimeGenerated asc`,
    },
    {
      name: "executablesDroppedInUserWritablePaths",
      description:
        "Executable and script files (exe, dll, scr, ps1, bat, vbs, js, hta) created in ProgramData, Users\\Public, Temp or AppData, with where they came from. Droppers and download cradles write their payloads there; software updaters and per-user installers do too, but from signed setup processes and under their vendor's folder.",
      tables: ["DeviceFileEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Command and Control", "Defense Evasion"],
      techniques: ["T1105", "T1036.005"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "ActionType",
        "FolderPath",
        "SHA256",
        "FileOriginUrl",
        "InitiatingProcessAccountName",
        "InitiatingProcessFileName",
        "InitiatingProcessCommandLine",
      ],
      query: String.raw`DeviceFileEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where ActionType in ("FileCreated", "FileRenamed")
| where FileName matches regex @"(?i)\.(exe|dll|scr|ps1|bat|cmd|vbs|js|hta)$"
| where FolderPath matches regex @"(?i)^C:\\(ProgramData\\|Users\\Public\\|Windows\\Temp\\|Users\\[^\\]+\\AppData\\)"
| where not(FolderPath matches regex @"(?i)^C:\\ProgramData\\Microsoft\\")
| project TimeGenerated, DeviceName, ActionType, FolderPath, SHA256, FileOriginUrl,
    InitiatingProcessAccountName, InitiatingProcessFileName, InitiatingProcessCommandLine
| order by TimeGenerated asc`,
    },
    {
      name: "remoteInteractiveLogons",
      description:
        "Successful RDP (RemoteInteractive) logons to devices, by account and source address, flagging sources on the internet. RDP from a public address means an exposed port or a port forward and is a classic initial access path; helpdesk and admin RDP from jump hosts is normal, so read the private-address rows as context.",
      tables: ["DeviceLogonEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Initial Access", "Lateral Movement"],
      techniques: ["T1021.001", "T1133"],
      columns: [
        "DeviceName",
        "AccountDomain",
        "AccountName",
        "RemoteIP",
        "RemoteIPType",
        "FromInternet",
        "Logons",
        "IsLocalAdmin",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`DeviceLogonEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where ActionType == "LogonSuccess" and LogonType == "RemoteInteractive"
| summarize Logons = count(), IsLocalAdmin = max(toint(IsLocalAdmin)) == 1,
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by DeviceName, AccountDomain, AccountName, RemoteIP, RemoteIPType
| extend FromInternet = RemoteIPType == "Public"
| project DeviceName, AccountDomain, AccountName, RemoteIP, RemoteIPType, FromInternet, Logons,
    IsLocalAdmin, FirstSeen, LastSeen
| order by FromInternet desc, FirstSeen asc`,
    },
    // ------------------------------------------------------------------ command and control, exfiltration
    {
      name: "beaconingConnections",
      description:
        "Processes connecting to the same public address and port at a steady rhythm: many connections whose gaps have a low spread relative to their mean (jitter). Implants poll their C2 every N seconds with a little jitter; telemetry and update agents also poll, but from every machine and usually with much longer or irregular gaps, so compare Hosts in rarePublicDestinations.",
      tables: ["DeviceNetworkEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
        minConnections: {
          type: "long",
          description: "Fewest connections for a channel to be considered.",
          default: 100,
        },
        maxJitter: {
          type: "real",
          description: "Largest standard deviation of the gaps divided by their mean.",
          default: 0.3,
        },
      },
      window: "7d",
      tactics: ["Command and Control"],
      techniques: ["T1071.001", "T1573"],
      columns: [
        "DeviceName",
        "InitiatingProcessFileName",
        "RemoteIP",
        "RemotePort",
        "RemoteUrls",
        "Connections",
        "MedianGapSeconds",
        "Jitter",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`DeviceNetworkEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where RemoteIPType == "Public" and ActionType == "ConnectionSuccess"
| project TimeGenerated, DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort, RemoteUrl
| order by DeviceName asc, InitiatingProcessFileName asc, RemoteIP asc, RemotePort asc, TimeGenerated asc
| extend Gap = iff(DeviceName == prev(DeviceName) and InitiatingProcessFileName == prev(InitiatingProcessFileName)
    and RemoteIP == prev(RemoteIP) and RemotePort == prev(RemotePort),
    datetime_diff("second", TimeGenerated, prev(TimeGenerated)), long(null))
| summarize Connections = count(), MedianGapSeconds = percentile(Gap, 50), MeanGap = avg(Gap),
    StdevGap = stdev(Gap), RemoteUrls = make_set(RemoteUrl, 5),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort
| where Connections >= {minConnections} and MeanGap > 0
| extend Jitter = round(StdevGap / MeanGap, 2)
| where Jitter <= {maxJitter}
| project DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort, RemoteUrls, Connections,
    MedianGapSeconds, Jitter, FirstSeen, LastSeen
| order by Jitter asc`,
    },
    {
      name: "rarePublicDestinations",
      description:
        "Public addresses and names that only one or two devices talk to, with how often and by which process. C2 servers and exfiltration endpoints are contacted by the compromised machines alone; backup agents, line-of-business integrations and a single admin's tools are the usual benign entries.",
      tables: ["DeviceNetworkEvents"],
      parameters: {
        maxHosts: {
          type: "long",
          description: "A destination is rare when at most this many devices contact it.",
          default: 2,
        },
      },
      window: "7d",
      tactics: ["Command and Control", "Exfiltration"],
      techniques: ["T1071.001", "T1041"],
      columns: [
        "RemoteUrl",
        "RemoteIP",
        "RemotePorts",
        "Hosts",
        "Devices",
        "Processes",
        "Connections",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`DeviceNetworkEvents
| where TimeGenerated between ({start} .. {end})
| where RemoteIPType == "Public" and ActionType in ("ConnectionSuccess", "ConnectionAttempt")
| summarize Hosts = dcount(DeviceName), Devices = make_set(DeviceName, 10),
    Processes = make_set(InitiatingProcessFileName, 10), RemotePorts = make_set(RemotePort, 10),
    Connections = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by RemoteUrl, RemoteIP
| where Hosts <= {maxHosts}
| project RemoteUrl, RemoteIP, RemotePorts, Hosts, Devices, Processes, Connections, FirstSeen, LastSeen
| order by Connections desc`,
    },
    {
      name: "transferToolConnections",
      description:
        "Internet connections made by file-transfer and cloud-sync tools (rclone, MEGAsync, WinSCP, pscp, FileZilla, restic, curl/wget) or by binaries running from ProgramData, Users\\Public or Temp, summarised per destination. Defender does not record bytes per connection, so this finds bulk uploads by who makes them: intruders use rclone to cloud storage for exfiltration; IT may use the same tools for sanctioned transfers (see network.highBytesOut for volumes).",
      tables: ["DeviceNetworkEvents"],
      parameters: {
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: ["Exfiltration", "Command and Control"],
      techniques: ["T1567.002", "T1048", "T1105"],
      columns: [
        "DeviceName",
        "InitiatingProcessFileName",
        "InitiatingProcessFolderPath",
        "RemoteUrl",
        "RemoteIP",
        "Sessions",
        "FirstSeen",
        "LastSeen",
        "SampleCommandLine",
      ],
      query: String.raw`DeviceNetworkEvents
| where TimeGenerated between ({start} .. {end})
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| where RemoteIPType == "Public"
| where InitiatingProcessFileName in~ ("rclone.exe", "megasync.exe", "megacmd.exe", "winscp.exe", "pscp.exe",
        "psftp.exe", "filezilla.exe", "restic.exe", "curl.exe", "wget.exe", "croc.exe")
    or (InitiatingProcessFolderPath matches regex @"(?i)^C:\\(ProgramData\\|Users\\Public\\|Windows\\Temp\\)"
        and not(InitiatingProcessFolderPath matches regex @"(?i)^C:\\ProgramData\\Microsoft\\"))
| summarize Sessions = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated),
    SampleCommandLine = take_any(InitiatingProcessCommandLine)
    by DeviceName, InitiatingProcessFileName, InitiatingProcessFolderPath, RemoteUrl, RemoteIP
| project DeviceName, InitiatingProcessFileName, InitiatingProcessFolderPath, RemoteUrl, RemoteIP,
    Sessions, FirstSeen, LastSeen, SampleCommandLine
| order by FirstSeen asc`,
    },
    // ------------------------------------------------------------------ context
    {
      name: "processesOfHost",
      description:
        "Every binary that ran on a host, one row per path and hash with runs, accounts, parents and first/last run, rarest first. The overview to read when a host comes up in an incident: what normally runs there and what ran only once.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        host: {
          type: "host",
          description: "The host (short name or FQDN).",
          example: "LKS-WS-1042",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "FileName",
        "FolderPath",
        "SHA256",
        "Runs",
        "Accounts",
        "Parents",
        "FirstSeen",
        "LastSeen",
        "SampleCommandLine",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| summarize Runs = count(), Accounts = make_set(AccountName, 10),
    Parents = make_set(InitiatingProcessFileName, 10), FirstSeen = min(TimeGenerated),
    LastSeen = max(TimeGenerated), SampleCommandLine = take_any(ProcessCommandLine)
    by FileName, FolderPath, SHA256
| project FileName, FolderPath, SHA256, Runs, Accounts, Parents, FirstSeen, LastSeen, SampleCommandLine
| order by Runs asc, FirstSeen asc`,
    },
    {
      name: "processesOfAccount",
      description:
        "The processes an account started, on every device, in time order, with parent and hash. Shows what a user (or an intruder using their session) did on which machines; service and SYSTEM activity is not attributed to the user.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        account: {
          type: "account",
          description: "The account: UPN, DOMAIN\\name or name.",
          example: "daniel.reyes@larkspurlogistics.example",
        },
        host: { type: "host", description: `The ${HOST_FILTER}`, default: "" },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "AccountDomain",
        "AccountName",
        "FileName",
        "ProcessCommandLine",
        "InitiatingProcessFileName",
        "SHA256",
      ],
      query: String.raw`let user = extract(@"^(?:.*\\)?([^@\\]+)", 1, {account});
DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where AccountUpn =~ {account} or AccountName =~ user
| where isempty({host}) or DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| project TimeGenerated, DeviceName, AccountDomain, AccountName, FileName, ProcessCommandLine,
    InitiatingProcessFileName, SHA256
| order by TimeGenerated asc`,
    },
    {
      name: "runsOfProcess",
      description:
        "Every run of a program by file name, per host and account, with its paths, hashes and parents. Tells whether a tool seen once is normal somewhere else, and where a suspicious one also ran; several paths or hashes for one name suggest masquerading.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        process: {
          type: "process",
          description: "The process file name (e.g. rclone.exe).",
          example: "rclone.exe",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "DeviceName",
        "AccountName",
        "Runs",
        "FolderPaths",
        "Hashes",
        "Parents",
        "FirstSeen",
        "LastSeen",
        "SampleCommandLine",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where FileName =~ {process}
| summarize Runs = count(), FolderPaths = make_set(FolderPath, 5), Hashes = make_set(SHA256, 5),
    Parents = make_set(InitiatingProcessFileName, 10), FirstSeen = min(TimeGenerated),
    LastSeen = max(TimeGenerated), SampleCommandLine = take_any(ProcessCommandLine)
    by DeviceName, AccountName
| project DeviceName, AccountName, Runs, FolderPaths, Hashes, Parents, FirstSeen, LastSeen,
    SampleCommandLine
| order by FirstSeen asc`,
    },
    {
      name: "processesOfHash",
      description:
        "Processes whose image (or whose parent's image) has a given SHA-256, SHA-1 or MD5, on every device. Answers where a known-bad file ran, when, as whom and what launched it.",
      tables: ["DeviceProcessEvents"],
      parameters: {
        hash: {
          type: "hash",
          description: "The file hash (SHA-256, SHA-1 or MD5).",
          example: "2dc5f1f0bc82428ec71acd28eb1a650bed7d5184b66f760120fa050263b552ec",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "AccountName",
        "FileName",
        "FolderPath",
        "ProcessCommandLine",
        "InitiatingProcessFileName",
        "MatchedOn",
      ],
      query: String.raw`DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| where SHA256 =~ {hash} or SHA1 =~ {hash} or MD5 =~ {hash} or InitiatingProcessSHA256 =~ {hash}
    or InitiatingProcessSHA1 =~ {hash} or InitiatingProcessMD5 =~ {hash}
| extend MatchedOn = iff(SHA256 =~ {hash} or SHA1 =~ {hash} or MD5 =~ {hash}, "process", "parent")
| project TimeGenerated, DeviceName, AccountName, FileName, FolderPath, ProcessCommandLine,
    InitiatingProcessFileName, MatchedOn
| order by TimeGenerated asc`,
    },
    {
      name: "filesWithHash",
      description:
        "File events (created, renamed, modified, deleted) for a given SHA-256, SHA-1 or MD5, with the path, the process that wrote it and where it was downloaded from. Finds every copy of a known-bad file, including ones that never ran.",
      tables: ["DeviceFileEvents"],
      parameters: {
        hash: {
          type: "hash",
          description: "The file hash (SHA-256, SHA-1 or MD5).",
          example: "2dc5f1f0bc82428ec71acd28eb1a650bed7d5184b66f760120fa050263b552ec",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "ActionType",
        "FolderPath",
        "FileOriginUrl",
        "InitiatingProcessAccountName",
        "InitiatingProcessFileName",
      ],
      query: String.raw`DeviceFileEvents
| where TimeGenerated between ({start} .. {end})
| where SHA256 =~ {hash} or SHA1 =~ {hash} or MD5 =~ {hash}
| project TimeGenerated, DeviceName, ActionType, FolderPath, FileOriginUrl,
    InitiatingProcessAccountName, InitiatingProcessFileName
| order by TimeGenerated asc`,
    },
    {
      name: "connectionsOfHost",
      description:
        "A host's network connections summarised per remote address, port, name and process, with success and failure counts. Shows who a machine talks to and which process does the talking; the rows with one process and one destination are the ones to read first.",
      tables: ["DeviceNetworkEvents"],
      parameters: {
        host: {
          type: "host",
          description: "The host (short name or FQDN).",
          example: "LKS-WS-1042",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "RemoteIP",
        "RemotePort",
        "RemoteUrl",
        "RemoteIPType",
        "InitiatingProcessFileName",
        "Connections",
        "Failed",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`DeviceNetworkEvents
| where TimeGenerated between ({start} .. {end})
| where DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| summarize Connections = count(), Failed = countif(ActionType == "ConnectionFailed"),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by RemoteIP, RemotePort, RemoteUrl, RemoteIPType, InitiatingProcessFileName
| project RemoteIP, RemotePort, RemoteUrl, RemoteIPType, InitiatingProcessFileName, Connections,
    Failed, FirstSeen, LastSeen
| order by Connections desc`,
    },
    {
      name: "connectionsWithIp",
      description:
        "Device connections to or from an address (remote or local), per device, process and port. Answers which machines talked to a suspicious address, with which program, and when it started and stopped.",
      tables: ["DeviceNetworkEvents"],
      parameters: {
        ip: { type: "ip", description: "The IP address.", example: "198.51.100.160" },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "DeviceName",
        "InitiatingProcessFileName",
        "InitiatingProcessAccountName",
        "RemoteIP",
        "RemotePort",
        "RemoteUrl",
        "Connections",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`DeviceNetworkEvents
| where TimeGenerated between ({start} .. {end})
| where RemoteIP == {ip} or LocalIP == {ip}
| summarize Connections = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by DeviceName, InitiatingProcessFileName, InitiatingProcessAccountName, RemoteIP, RemotePort, RemoteUrl
| project DeviceName, InitiatingProcessFileName, InitiatingProcessAccountName, RemoteIP, RemotePort,
    RemoteUrl, Connections, FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
    {
      name: "connectionsToDomain",
      description:
        "Device connections whose remote name is a domain or one of its subdomains, per device and process. Finds every machine that reached a suspicious domain and the program that did, whatever address it resolved to.",
      tables: ["DeviceNetworkEvents"],
      parameters: {
        domain: {
          type: "domain",
          description: "The domain; its subdomains match too.",
          example: "edgeupdate-sync.example",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "DeviceName",
        "InitiatingProcessFileName",
        "RemoteUrl",
        "RemoteIPs",
        "RemotePorts",
        "Connections",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`DeviceNetworkEvents
| where TimeGenerated between ({start} .. {end})
| extend RemoteHost = tolower(tostring(split(RemoteUrl, "/")[0]))
| where RemoteHost == tolower({domain}) or RemoteHost endswith strcat(".", tolower({domain}))
| summarize RemoteIPs = make_set(RemoteIP, 10), RemotePorts = make_set(RemotePort, 10),
    Connections = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by DeviceName, InitiatingProcessFileName, RemoteUrl
| project DeviceName, InitiatingProcessFileName, RemoteUrl, RemoteIPs, RemotePorts, Connections,
    FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
    {
      name: "connectionsToUrl",
      description:
        "Device connections to the host of a URL (Defender records the host name, not the path), per device and process, plus command lines that mention the URL itself. Links a URL from an alert, a phish or a decoded script to the machines that fetched it.",
      tables: ["DeviceNetworkEvents", "DeviceProcessEvents"],
      parameters: {
        url: {
          type: "url",
          description: "The URL (with scheme) or bare host name.",
          example: "https://cdn.edgeupdate-sync.example/a/u.ps1",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "Source",
        "DeviceName",
        "ProcessFileName",
        "Detail",
        "Events",
        "FirstSeen",
        "LastSeen",
      ],
      query: String
        .raw`let wanted = tolower(iff({url} has "://", tostring(parse_url({url}).Host), tostring(split({url}, "/")[0])));
union
    (DeviceNetworkEvents
    | where TimeGenerated between ({start} .. {end})
    | where tolower(tostring(split(RemoteUrl, "/")[0])) == wanted
    | summarize Events = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
        by DeviceName, ProcessFileName = InitiatingProcessFileName, Detail = strcat(RemoteIP, ":", RemotePort)
    | extend Source = "connection"),
    (DeviceProcessEvents
    | where TimeGenerated between ({start} .. {end})
    | where ProcessCommandLine has {url}
    | summarize Events = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
        by DeviceName, ProcessFileName = FileName, Detail = ProcessCommandLine
    | extend Source = "command line")
| project Source, DeviceName, ProcessFileName, Detail, Events, FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
    {
      name: "logonsToHost",
      description:
        "Logons to a device (successes and failures) per account, logon type and source, from Defender's logon events. Shows who uses a machine, from where and how (interactive, RDP, network, service), and failures that precede a success.",
      tables: ["DeviceLogonEvents"],
      parameters: {
        host: {
          type: "host",
          description: "The host (short name or FQDN).",
          example: "LKS-WS-1042",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "AccountDomain",
        "AccountName",
        "LogonType",
        "RemoteIP",
        "RemoteDeviceName",
        "Successes",
        "Failures",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`DeviceLogonEvents
| where TimeGenerated between ({start} .. {end})
| where DeviceName =~ {host} or DeviceName startswith strcat({host}, ".")
| summarize Successes = countif(ActionType == "LogonSuccess"), Failures = countif(ActionType == "LogonFailed"),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by AccountDomain, AccountName, LogonType, RemoteIP, RemoteDeviceName
| project AccountDomain, AccountName, LogonType, RemoteIP, RemoteDeviceName, Successes, Failures,
    FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
    {
      name: "deviceLogonsOfAccount",
      description:
        "The devices an account logged on to (successes and failures), by logon type and source, from Defender's logon events. Traces where a user's or a stolen admin's credentials were used across the fleet.",
      tables: ["DeviceLogonEvents"],
      parameters: {
        account: {
          type: "account",
          description: "The account: UPN, DOMAIN\\name or name.",
          example: "LARKSPUR\\adm-tom.harper",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "DeviceName",
        "AccountDomain",
        "AccountName",
        "LogonType",
        "RemoteIP",
        "Successes",
        "Failures",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`let user = extract(@"^(?:.*\\)?([^@\\]+)", 1, {account});
DeviceLogonEvents
| where TimeGenerated between ({start} .. {end})
| where AccountName =~ user
| summarize Successes = countif(ActionType == "LogonSuccess"), Failures = countif(ActionType == "LogonFailed"),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by DeviceName, AccountDomain, AccountName, LogonType, RemoteIP
| project DeviceName, AccountDomain, AccountName, LogonType, RemoteIP, Successes, Failures,
    FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
  ],
};
