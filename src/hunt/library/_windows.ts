/**
 * The "windows" family: Windows security auditing (SecurityEvent) and the System log (Event).
 *
 * Conventions used throughout: `Computer` holds the FQDN, so a host parameter matches either the
 * full name or its first label; an account parameter may be a UPN, `DOMAIN\name` or a bare name,
 * and is reduced to the bare name before matching `TargetUserName` / `SubjectUserName`; Kerberos
 * events log IPv4 addresses as `::ffff:a.b.c.d`, so IP parameters match both forms.
 *
 * @module
 */
import type { HuntFamily } from "../types.ts";

/** The "windows" family of the hunting library. */
export const FAMILY: HuntFamily = {
  name: "windows",
  description:
    "Windows security auditing (SecurityEvent) and System log (Event): logons, account and group changes, services, scheduled tasks, process creation and Kerberos.",
  queries: [
    // ---------------------------------------------------------------- credential access
    {
      name: "failedLogonBursts",
      description:
        "Sources with many failed logons (4625) against a host: password guessing or spraying against RDP/SMB. SubStatus 0xc0000064 means the account name does not exist (scanners guessing names), 0xc000006a a wrong password for a real account. Benign causes: a service with a stale password, a user's typo followed by success, vulnerability scanners.",
      tables: ["SecurityEvent"],
      parameters: {
        minFailures: {
          type: "long",
          description: "Fewest failures from one source to one host to report.",
          default: 5,
        },
      },
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1110.001", "T1110.003"],
      columns: [
        "Computer",
        "IpAddress",
        "Failures",
        "DistinctAccounts",
        "SampleAccounts",
        "SubStatuses",
        "LogonTypes",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4625
| summarize Failures = count(), DistinctAccounts = dcount(TargetUserName),
    SampleAccounts = make_set(TargetUserName, 10), SubStatuses = make_set(SubStatus, 5),
    LogonTypes = make_set(LogonType, 5), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by Computer, IpAddress
| where Failures >= {minFailures}
| order by Failures desc
| project Computer, IpAddress, Failures, DistinctAccounts, SampleAccounts, SubStatuses, LogonTypes, FirstSeen, LastSeen`,
    },
    {
      name: "accountLockouts",
      description:
        "Accounts locked out (4740, logged on domain controllers) with the computer the bad attempts came from. A lockout on many accounts from one caller is guessing or spraying; one account locking repeatedly is usually a device or mapped drive with an old password.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1110"],
      columns: ["TimeGenerated", "Computer", "LockedAccount", "CallerComputer"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4740
// In 4740 the "caller computer name" is logged in TargetDomainName.
| project TimeGenerated, Computer, LockedAccount = TargetAccount, CallerComputer = TargetDomainName
| order by TimeGenerated asc`,
    },
    {
      name: "kerberosPreauthFailures",
      description:
        "Accounts with repeated Kerberos pre-authentication failures (4771, status 0x18 wrong password) by source address: password guessing over Kerberos, which avoids 4625. Benign causes: a device or service with a stale cached password.",
      tables: ["SecurityEvent"],
      parameters: {
        minFailures: {
          type: "long",
          description: "Fewest failures for an account from one address to report.",
          default: 5,
        },
      },
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1110.001"],
      columns: ["TargetUserName", "IpAddress", "Failures", "FirstSeen", "LastSeen"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4771 and Status == "0x18"
| summarize Failures = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by TargetUserName, IpAddress
| where Failures >= {minFailures}
| order by Failures desc
| project TargetUserName, IpAddress, Failures, FirstSeen, LastSeen`,
    },
    {
      name: "kerberoastingRc4Tickets",
      description:
        "Accounts requesting RC4-encrypted (0x17) service tickets (4769) for several user-account services: the request pattern of Kerberoasting, where tickets are cracked offline. Benign causes: legacy applications or old trusts that still negotiate RC4.",
      tables: ["SecurityEvent"],
      parameters: {
        minServices: {
          type: "long",
          description: "Fewest distinct services an account requested RC4 tickets for.",
          default: 3,
        },
      },
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1558.003"],
      columns: ["Requester", "IpAddress", "Services", "ServiceCount", "FirstSeen", "LastSeen"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4769 and Status == "0x0"
| extend TicketEncryptionType = extract(@"TicketEncryptionType"">([^<]+)<", 1, EventData)
| where TicketEncryptionType == "0x17"
// Machine accounts and krbtgt are not roastable targets.
| where ServiceName !endswith "$" and ServiceName !~ "krbtgt"
| summarize Services = make_set(ServiceName, 50), ServiceCount = dcount(ServiceName),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by Requester = TargetUserName, IpAddress
| where ServiceCount >= {minServices}
| project Requester, IpAddress, Services, ServiceCount, FirstSeen, LastSeen`,
    },
    {
      name: "lsassDumpCommands",
      description:
        "Process creations (4688) whose command line dumps LSASS memory: procdump -ma, comsvcs.dll MiniDump, sqldumper or known credential tools. A hit means the credentials of everyone logged on to that host since its last reboot must be treated as stolen. Benign causes: a support engineer collecting a crash dump, rare and announced.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1003.001"],
      columns: [
        "TimeGenerated",
        "Computer",
        "Account",
        "NewProcessName",
        "ParentProcessName",
        "CommandLine",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4688
| where (CommandLine has "lsass" and CommandLine has_any ("-ma", "MiniDump", "comsvcs", "sqldumper", "createdump"))
    or CommandLine has_any ("sekurlsa", "mimikatz", "nanodump", "lsassy")
| project TimeGenerated, Computer, Account, NewProcessName, ParentProcessName, CommandLine
| order by TimeGenerated asc`,
    },
    // ---------------------------------------------------------------- lateral movement, remote access
    {
      name: "rdpLogonsFromPublicIps",
      description:
        "Successful RDP logons (4624 type 10) whose source address is a public IPv4 address: a host reachable from the internet (a port forward or exposed RDP) and someone using it. Benign causes: a sanctioned remote-access setup, usually through a gateway rather than straight to a workstation.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "14d",
      tactics: ["Initial Access", "Lateral Movement"],
      techniques: ["T1133", "T1021.001"],
      columns: ["TimeGenerated", "Computer", "Account", "IpAddress", "IpPort", "WorkstationName"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4624 and LogonType == 10
| where isnotempty(parse_ipv4(IpAddress)) and not(ipv4_is_private(IpAddress))
| project TimeGenerated, Computer, Account, IpAddress, IpPort, WorkstationName
| order by TimeGenerated asc`,
    },
    {
      name: "newCredentialsLogons",
      description:
        "Logons of type 9 (NewCredentials, logon process seclogo): runas /netonly, and the logon that pass-the-hash and overpass-the-hash tools create to use stolen hashes for network access. Benign causes: admins using runas /netonly to manage another domain.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Lateral Movement", "Defense Evasion"],
      techniques: ["T1550.002"],
      columns: [
        "TimeGenerated",
        "Computer",
        "Account",
        "LogonProcessName",
        "AuthenticationPackageName",
        "TargetOutboundUserName",
        "TargetOutboundDomainName",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4624 and LogonType == 9
| project TimeGenerated, Computer, Account, LogonProcessName = trim(" ", LogonProcessName),
    AuthenticationPackageName, TargetOutboundUserName, TargetOutboundDomainName
| order by TimeGenerated asc`,
    },
    {
      name: "ntlmNetworkLogonsOfUsers",
      description:
        "Network logons (4624 type 3) of user accounts that used NTLM rather than Kerberos: in a Kerberos domain, admin accounts authenticating with NTLM to servers is how pass-the-hash lateral movement looks. Benign causes: access by IP address instead of name, old applications, non-domain clients.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Lateral Movement"],
      techniques: ["T1550.002", "T1021.002"],
      columns: [
        "TimeGenerated",
        "Computer",
        "Account",
        "IpAddress",
        "WorkstationName",
        "LmPackageName",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4624 and LogonType == 3 and AuthenticationPackageName == "NTLM"
| where TargetUserName !endswith "$" and TargetUserName !~ "ANONYMOUS LOGON"
| project TimeGenerated, Computer, Account, IpAddress, WorkstationName, LmPackageName
| order by TimeGenerated asc`,
    },
    {
      name: "explicitCredentialLogons",
      description:
        "Logons with explicit credentials (4648) where a user supplied a different account's credentials to reach another server: runas, scheduled tasks with stored credentials, or an attacker using harvested passwords. Benign causes: admins using runas with their admin account, backup and monitoring tools.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Lateral Movement", "Privilege Escalation"],
      techniques: ["T1078.002"],
      columns: [
        "TimeGenerated",
        "Computer",
        "SubjectAccount",
        "TargetUserName",
        "TargetServerName",
        "ProcessName",
        "IpAddress",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4648
| where SubjectUserName !endswith "$" and TargetUserName !~ SubjectUserName
| where TargetServerName !in~ ("localhost", "-")
| project TimeGenerated, Computer, SubjectAccount, TargetUserName, TargetServerName, ProcessName, IpAddress
| order by TimeGenerated asc`,
    },
    {
      name: "adminShareAccess",
      description:
        "Access to administrative shares (C$, ADMIN$, other drive shares; 5140) by user accounts: copying tools to a remote host before running them as a service or task. Benign causes: admins and software deployment tools, which usually come from a jump host or management server.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Lateral Movement"],
      techniques: ["T1021.002"],
      columns: ["TimeGenerated", "Computer", "Account", "IpAddress", "ShareName", "ShareLocalPath"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 5140
| where ShareName endswith "\\\\ADMIN$" or ShareName matches regex @"\\\\[A-Za-z]\\$$"
| where SubjectUserName !endswith "$"
| project TimeGenerated, Computer, Account, IpAddress, ShareName, ShareLocalPath
| order by TimeGenerated asc`,
    },
    {
      name: "executablesWrittenToShares",
      description:
        "Detailed file share events (5145) where an executable or script is written through a share (write access to .exe, .dll, .ps1, .bat): tool transfer for lateral movement. Requires 'Audit Detailed File Share'. Benign causes: software deployment shares, admins copying installers.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Lateral Movement"],
      techniques: ["T1570", "T1021.002"],
      columns: [
        "TimeGenerated",
        "Computer",
        "Account",
        "IpAddress",
        "ShareName",
        "RelativeTargetName",
        "AccessMask",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 5145
// 0x2 WriteData, 0x6 WriteData|AppendData, 0x100180-style masks from copy include 0x2.
| where AccessMask in ("0x2", "0x6", "0x12019f", "0x100180")
| where RelativeTargetName has_any (".exe", ".dll", ".ps1", ".bat", ".vbs", ".sys")
| project TimeGenerated, Computer, Account, IpAddress, ShareName, RelativeTargetName, AccessMask
| order by TimeGenerated asc`,
    },
    // ---------------------------------------------------------------- persistence, accounts
    {
      name: "userAccountsCreated",
      description:
        "User accounts created (4720), domain or local (a local one has the host as its domain). A local account on a workstation is a classic backdoor. Benign causes: joiners created by the service desk or an identity-management tool, during working hours and by known admins.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Persistence"],
      techniques: ["T1136.001", "T1136.002"],
      columns: ["TimeGenerated", "Computer", "CreatedAccount", "TargetSid", "CreatedBy"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4720
| project TimeGenerated, Computer, CreatedAccount = TargetAccount, TargetSid, CreatedBy = SubjectAccount
| order by TimeGenerated asc`,
    },
    {
      name: "accountsEnabledOrPasswordsReset",
      description:
        "Accounts enabled (4722) or whose password was reset by someone else (4724): reviving a dormant or leaver's account, or taking over an account by resetting its password. Benign causes: the service desk's password resets and returning staff.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Persistence", "Privilege Escalation"],
      techniques: ["T1098", "T1078.002"],
      columns: [
        "TimeGenerated",
        "Computer",
        "EventID",
        "Activity",
        "TargetAccount",
        "SubjectAccount",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID in (4722, 4724)
| project TimeGenerated, Computer, EventID, Activity, TargetAccount, SubjectAccount
| order by TimeGenerated asc`,
    },
    {
      name: "accountsDeleted",
      description:
        "User accounts deleted (4726): attackers remove accounts they created, or delete legitimate ones to disrupt response. Benign causes: leaver processing by the service desk or an identity-management tool.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Impact", "Defense Evasion"],
      techniques: ["T1531", "T1070"],
      columns: ["TimeGenerated", "Computer", "DeletedAccount", "DeletedBy"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4726
| project TimeGenerated, Computer, DeletedAccount = TargetAccount, DeletedBy = SubjectAccount
| order by TimeGenerated asc`,
    },
    {
      name: "securityGroupMembersAdded",
      description:
        "Members added to security-enabled groups: global (4728), local (4732) and universal (4756). Additions to Administrators, Domain Admins, Enterprise Admins or Remote Desktop Users deserve a look. Local-account members are logged by SID only, so the member's name is resolved from the 4720 that created it when there is one. Benign causes: access requests handled by IT.",
      tables: ["SecurityEvent"],
      parameters: {
        group: {
          type: "string",
          description: "Only this group (name as logged, e.g. Administrators); empty for all.",
          default: "",
          example: "Administrators",
        },
      },
      window: "7d",
      tactics: ["Persistence", "Privilege Escalation"],
      techniques: ["T1098"],
      columns: ["TimeGenerated", "Computer", "EventID", "Group", "Member", "MemberSid", "AddedBy"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID in (4728, 4732, 4756)
| where isempty({group}) or TargetUserName =~ {group}
| join kind=leftouter (
    SecurityEvent
    | where EventID == 4720
    | project MemberSid = TargetSid, CreatedAccount = TargetAccount
  ) on MemberSid
| extend Member = iff(isnotempty(MemberName) and MemberName != "-", MemberName, CreatedAccount)
| project TimeGenerated, Computer, EventID, Group = TargetAccount, Member, MemberSid, AddedBy = SubjectAccount
| order by TimeGenerated asc`,
    },
    {
      name: "auditLogCleared",
      description:
        "The Security event log was cleared (1102): almost always an attacker hiding their tracks, since logs roll over on their own. Benign causes: a rebuilt lab or test machine, or an admin clearing a full log on an old system.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "14d",
      tactics: ["Defense Evasion"],
      techniques: ["T1070.001"],
      columns: ["TimeGenerated", "Computer", "Account", "Activity"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 1102
| project TimeGenerated, Computer, Account = SubjectAccount, Activity
| order by TimeGenerated asc`,
    },
    {
      name: "servicesInstalled",
      description:
        "Services installed (4697), with a flag for binaries in user-writable or temporary folders or launched through a shell: remote service creation is how PsExec-style lateral movement and many implants run as SYSTEM. Benign causes: software installs and updates, PsExec used by admins (PSEXESVC).",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Persistence", "Execution", "Privilege Escalation"],
      techniques: ["T1543.003", "T1569.002"],
      columns: [
        "TimeGenerated",
        "Computer",
        "Account",
        "ServiceName",
        "ServiceFileName",
        "ServiceAccount",
        "ServiceStartType",
        "UnusualPath",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4697
| extend UnusualPath = ServiceFileName has_any ("Temp", "Users", "ProgramData", "AppData", "cmd.exe", "powershell.exe", "rundll32.exe", "mshta.exe")
| project TimeGenerated, Computer, Account, ServiceName, ServiceFileName, ServiceAccount, ServiceStartType, UnusualPath
| order by TimeGenerated asc`,
    },
    {
      name: "servicesInstalledSystemLog",
      description:
        "Services installed as recorded by the Service Control Manager in the System log (7045, Event table), which is collected on more machines than 4697. Same meaning: UnusualPath marks binaries in Temp, user or ProgramData folders and shell or script hosts as the image. Benign causes: software installs, admins' PsExec (C:\\Windows\\PSEXESVC.exe), and Microsoft Defender's own MpKsl scanning drivers, which load from its Definition Updates folder under ProgramData and are not marked.",
      tables: ["Event"],
      parameters: {},
      window: "7d",
      tactics: ["Persistence", "Execution", "Privilege Escalation"],
      techniques: ["T1543.003", "T1569.002"],
      columns: [
        "TimeGenerated",
        "Computer",
        "UserName",
        "ServiceName",
        "ImagePath",
        "StartType",
        "AccountName",
        "UnusualPath",
      ],
      query: String.raw`Event
| where TimeGenerated between ({start} .. {end})
| where EventLog == "System" and Source == "Service Control Manager" and EventID == 7045
| extend ServiceName = extract(@"Name=""ServiceName"">([^<]*)<", 1, EventData),
    ImagePath = extract(@"Name=""ImagePath"">([^<]*)<", 1, EventData),
    StartType = extract(@"Name=""StartType"">([^<]*)<", 1, EventData),
    AccountName = extract(@"Name=""AccountName"">([^<]*)<", 1, EventData)
// Defender's scanning driver is installed from its own definition folder on every machine.
| extend UnusualPath = ImagePath has_any ("Temp", "Users", "AppData", "cmd.exe", "powershell.exe",
        "rundll32.exe", "mshta.exe")
    or (ImagePath has "ProgramData"
        and not(ImagePath contains @"\Windows Defender\Definition Updates\"))
| project TimeGenerated, Computer, UserName, ServiceName, ImagePath, StartType, AccountName,
    UnusualPath
| order by TimeGenerated asc`,
    },
    {
      name: "scheduledTasksRegistered",
      description:
        "Scheduled tasks registered (4698), with the command they run taken from the task XML: tasks that start binaries from ProgramData, Temp or user folders, or encoded PowerShell, are a common persistence. Requires 'Audit Other Object Access Events'. Benign causes: software updaters and management agents.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Persistence", "Execution"],
      techniques: ["T1053.005"],
      columns: ["TimeGenerated", "Computer", "Account", "TaskName", "TaskCommand", "TaskArguments"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4698
| extend TaskName = extract(@"Name=""TaskName"">([^<]*)<", 1, EventData),
    TaskCommand = extract(@"&lt;Command&gt;([^&]*)&lt;", 1, EventData),
    TaskArguments = extract(@"&lt;Arguments&gt;([^&]*)&lt;", 1, EventData)
| project TimeGenerated, Computer, Account = SubjectAccount, TaskName, TaskCommand, TaskArguments
| order by TimeGenerated asc`,
    },
    {
      name: "scheduledTasksCreatedByCommandLine",
      description:
        "schtasks.exe /create command lines (4688): the task name, trigger and the program it runs are all in the command line. Tasks set to run at logon or with highest privileges that start a binary from ProgramData or a user folder are typical persistence. Benign causes: installers and admin scripts creating maintenance tasks.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Persistence", "Execution"],
      techniques: ["T1053.005"],
      columns: [
        "TimeGenerated",
        "Computer",
        "Account",
        "ParentProcessName",
        "TaskName",
        "CommandLine",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4688
| where NewProcessName endswith "\\\\schtasks.exe" and CommandLine has "/create"
| extend TaskName = extract(@"(?i)/tn\\s+""?([^""]+)""?", 1, CommandLine)
| project TimeGenerated, Computer, Account, ParentProcessName, TaskName, CommandLine
| order by TimeGenerated asc`,
    },
    // ---------------------------------------------------------------- execution, discovery
    {
      name: "encodedPowerShell",
      description:
        "PowerShell started with an encoded command (-EncodedCommand / -enc / -e) in 4688 command lines, with the base64 payload extracted for decoding. Attackers encode download cradles to hide them from casual review. Benign causes: management agents and inventory scripts that pass scripts encoded, usually as SYSTEM on a schedule.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Execution", "Defense Evasion"],
      techniques: ["T1059.001", "T1027"],
      columns: [
        "TimeGenerated",
        "Computer",
        "Account",
        "ParentProcessName",
        "CommandLine",
        "EncodedPayload",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4688
| where NewProcessName has_any ("powershell.exe", "pwsh.exe")
// -e, -ec, -en, -enc ... -EncodedCommand are all accepted; -ExecutionPolicy is not one of them.
| extend EncodedPayload = extract(@"(?i)\\s-(e|ec|en|enc|enco\\w*)\\s+([A-Za-z0-9+/=]{16,})", 2, CommandLine)
| where isnotempty(EncodedPayload)
| project TimeGenerated, Computer, Account, ParentProcessName, CommandLine, EncodedPayload
| order by TimeGenerated asc`,
    },
    {
      name: "downloadCradles",
      description:
        "Command lines (4688) that download and run content: Net.WebClient DownloadString/DownloadFile, Invoke-WebRequest, certutil -urlcache, bitsadmin /transfer, mshta or curl to a URL. Benign causes: admins fetching tools or installers, software updaters; check the URL and the account.",
      tables: ["SecurityEvent"],
      parameters: {},
      window: "7d",
      tactics: ["Execution", "Command and Control"],
      techniques: ["T1105", "T1059.001"],
      columns: ["TimeGenerated", "Computer", "Account", "NewProcessName", "CommandLine", "Url"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4688
| where CommandLine has_any ("DownloadString", "DownloadFile", "DownloadData", "Invoke-WebRequest", "iwr ", "Invoke-RestMethod", "Start-BitsTransfer", "urlcache", "/transfer")
    or (CommandLine has "http" and NewProcessName has_any ("mshta.exe", "curl.exe", "wget.exe", "regsvr32.exe"))
| extend Url = extract(@"(https?://[^\\s'""\\)]+)", 1, CommandLine)
| project TimeGenerated, Computer, Account, NewProcessName, CommandLine, Url
| order by TimeGenerated asc`,
    },
    {
      name: "discoveryCommandBursts",
      description:
        "Several different discovery tools (whoami, net, nltest, ipconfig, systeminfo, quser, tasklist, ...) run by one account on one host within ten minutes: the first thing an operator does on a new foothold. Benign causes: admin troubleshooting sessions and login scripts; check the parent process and the account.",
      tables: ["SecurityEvent"],
      parameters: {
        minTools: {
          type: "long",
          description: "Fewest distinct discovery tools in one ten-minute window.",
          default: 3,
        },
      },
      window: "7d",
      tactics: ["Discovery"],
      techniques: ["T1033", "T1069.002", "T1018", "T1087.002", "T1082", "T1016"],
      columns: ["Computer", "Account", "WindowStart", "ToolCount", "Tools", "Commands"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4688
| extend Tool = tolower(tostring(split(NewProcessName, "\\\\")[-1]))
| where Tool in ("whoami.exe", "net.exe", "net1.exe", "nltest.exe", "ipconfig.exe", "systeminfo.exe",
    "quser.exe", "qwinsta.exe", "tasklist.exe", "netstat.exe", "arp.exe", "route.exe", "hostname.exe",
    "dsquery.exe", "klist.exe", "setspn.exe", "nslookup.exe")
| summarize ToolCount = dcount(Tool), Tools = make_set(Tool), Commands = make_set(CommandLine, 20)
    by Computer, Account, WindowStart = bin(TimeGenerated, 10m)
| where ToolCount >= {minTools}
| project Computer, Account, WindowStart, ToolCount, Tools, Commands
| order by WindowStart asc`,
    },
    {
      name: "rareProcessesPerHost",
      description:
        "Executables (4688) that ran on at most a few hosts and only a few times in the window, flagged when they run from user-writable folders (ProgramData, Users, Temp): implants, dropped tools and renamed binaries stand out this way. Benign causes: one-off installers, admin tools and software on a single server.",
      tables: ["SecurityEvent"],
      parameters: {
        maxHosts: {
          type: "long",
          description: "Most hosts an executable may have run on to count as rare.",
          default: 1,
        },
        maxExecutions: {
          type: "long",
          description: "Most executions in the window to count as rare.",
          default: 5,
        },
      },
      window: "14d",
      tactics: ["Execution", "Defense Evasion"],
      techniques: ["T1204.002", "T1036.005"],
      columns: [
        "NewProcessName",
        "Hosts",
        "Executions",
        "Computers",
        "Accounts",
        "FirstSeen",
        "LastSeen",
        "SampleCommandLine",
        "UserWritablePath",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4688
| summarize Hosts = dcount(Computer), Executions = count(), Computers = make_set(Computer, 5),
    Accounts = make_set(Account, 5), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated),
    SampleCommandLine = take_any(CommandLine) by NewProcessName
| where Hosts <= {maxHosts} and Executions <= {maxExecutions}
| extend UserWritablePath = NewProcessName has_any ("ProgramData", "Users", "Temp", "AppData")
| project NewProcessName, Hosts, Executions, Computers, Accounts, FirstSeen, LastSeen, SampleCommandLine, UserWritablePath
| order by UserWritablePath desc, FirstSeen asc`,
    },
    // ---------------------------------------------------------------- entity context
    {
      name: "logonsOfAccount",
      description:
        "Logon activity of one account across Windows hosts: successes (4624), failures (4625), explicit-credential use (4648), NTLM validations (4776) and logoffs (4634), with logon type and source. Use it to see where an account has been and from where. The account may be a UPN, DOMAIN\\name or a bare name.",
      tables: ["SecurityEvent"],
      parameters: {
        account: {
          type: "account",
          description: "The account (UPN, DOMAIN\\name or sAMAccountName).",
          example: "LARKSPUR\\adm-tom.harper",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "Computer",
        "EventID",
        "Activity",
        "Account",
        "LogonType",
        "IpAddress",
        "WorkstationName",
        "AuthenticationPackageName",
        "Status",
      ],
      query: String.raw`let user = extract(@"^(?:.*\\)?([^@\\]+)", 1, {account});
SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID in (4624, 4625, 4634, 4648, 4776)
| where TargetUserName =~ user or (EventID == 4648 and SubjectUserName =~ user)
| project TimeGenerated, Computer, EventID, Activity, Account = TargetAccount, LogonType, IpAddress,
    WorkstationName, AuthenticationPackageName, Status
| order by TimeGenerated asc`,
    },
    {
      name: "logonsToHost",
      description:
        "Who logged on to one host, how and from where: successful and failed logons (4624/4625) grouped by account, logon type and source address with counts and first/last times. Machine accounts and service logons are left out. Use it to scope a compromised machine.",
      tables: ["SecurityEvent"],
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
        "Account",
        "LogonTypeName",
        "IpAddress",
        "Successes",
        "Failures",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where Computer =~ {host} or Computer startswith strcat({host}, ".")
| where EventID in (4624, 4625)
| where TargetUserName !endswith "$" and LogonType != 5
| summarize Successes = countif(EventID == 4624), Failures = countif(EventID == 4625),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by Account = TargetAccount, LogonTypeName, IpAddress
| project Account, LogonTypeName, IpAddress, Successes, Failures, FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
    {
      name: "eventsFromIp",
      description:
        "Windows security events that name one source address: logons and failures, Kerberos ticket requests, share access, grouped by event, host and account. Use it to see what an address did inside the Windows estate.",
      tables: ["SecurityEvent"],
      parameters: {
        ip: {
          type: "ip",
          description: "The source IP address.",
          example: "203.0.113.45",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: ["EventID", "Activity", "Computer", "Account", "Events", "FirstSeen", "LastSeen"],
      query: `SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where IpAddress == {ip} or IpAddress == strcat("::ffff:", {ip})
| summarize Events = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by EventID, Activity, Computer, Account
| project EventID, Activity, Computer, Account, Events, FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
    {
      name: "processesOnHost",
      description:
        "Process creations (4688) on one host, optionally for one account, with parent and command line: the timeline of what ran on a machine. Machine-account (SYSTEM) activity is included unless excluded.",
      tables: ["SecurityEvent"],
      parameters: {
        host: {
          type: "host",
          description: "The host (short name or FQDN).",
          example: "LKS-WS-1042",
        },
        account: {
          type: "account",
          description:
            "Only processes of this account (UPN, DOMAIN\\name or bare name); empty for all.",
          default: "",
        },
        includeSystem: {
          type: "bool",
          description: "Include processes started by the machine account (SYSTEM).",
          default: true,
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "Computer",
        "Account",
        "ParentProcessName",
        "NewProcessName",
        "CommandLine",
      ],
      query: String.raw`let user = extract(@"^(?:.*\\)?([^@\\]+)", 1, {account});
SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where Computer =~ {host} or Computer startswith strcat({host}, ".")
| where EventID == 4688
| where isempty(user) or SubjectUserName =~ user
| where {includeSystem} or SubjectUserName !endswith "$"
| project TimeGenerated, Computer, Account, ParentProcessName, NewProcessName, CommandLine
| order by TimeGenerated asc`,
    },
    {
      name: "hostsRunningProcess",
      description:
        "Where one executable ran (4688): hosts and accounts with counts, first and last times and a sample command line. The process may be a file name (procdump64.exe) or a full path. Use it to find every machine an implant or tool reached.",
      tables: ["SecurityEvent"],
      parameters: {
        process: {
          type: "process",
          description: "The executable's file name or full path.",
          example: "msedgeupdate.exe",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "Computer",
        "Account",
        "NewProcessName",
        "Executions",
        "FirstSeen",
        "LastSeen",
        "SampleCommandLine",
      ],
      query: String.raw`SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4688
| where NewProcessName =~ {process} or NewProcessName endswith strcat("\\", {process})
| summarize Executions = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated),
    SampleCommandLine = take_any(CommandLine) by Computer, Account, NewProcessName
| project Computer, Account, NewProcessName, Executions, FirstSeen, LastSeen, SampleCommandLine
| order by FirstSeen asc`,
    },
    {
      name: "privilegedLogonsOfAccount",
      description:
        "Hosts where one account received special privileges at logon (4672, admin-equivalent rights), with counts and first/last times: where an admin account was used, and so where its credentials may be cached.",
      tables: ["SecurityEvent"],
      parameters: {
        account: {
          type: "account",
          description: "The account (UPN, DOMAIN\\name or sAMAccountName).",
          example: "LARKSPUR\\adm-tom.harper",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: ["Computer", "Account", "Logons", "FirstSeen", "LastSeen"],
      query: String.raw`let user = extract(@"^(?:.*\\)?([^@\\]+)", 1, {account});
SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID == 4672 and SubjectUserName =~ user
| summarize Logons = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by Computer, Account = SubjectAccount
| project Computer, Account, Logons, FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
    {
      name: "kerberosTicketsOfAccount",
      description:
        "Kerberos activity of one account on domain controllers: TGT requests (4768) and service tickets (4769) by source address and service, with failure status. Shows which machines the account authenticated from and which services it reached.",
      tables: ["SecurityEvent"],
      parameters: {
        account: {
          type: "account",
          description: "The account (UPN, DOMAIN\\name or sAMAccountName).",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "EventID",
        "IpAddress",
        "ServiceName",
        "Status",
        "Tickets",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`let user = extract(@"^(?:.*\\)?([^@\\]+)", 1, {account});
SecurityEvent
| where TimeGenerated between ({start} .. {end})
| where EventID in (4768, 4769) and TargetUserName =~ user
| summarize Tickets = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by EventID, IpAddress, ServiceName, Status
| project EventID, IpAddress, ServiceName, Status, Tickets, FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
  ],
};
