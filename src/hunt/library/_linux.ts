/**
 * The "linux" family: Linux hosts through Syslog (sshd, sudo, su, cron, user management,
 * systemd). Syslog only carries the message text, so each query extracts the user, source
 * address or command from `SyslogMessage` with the standard OpenSSH / PAM / sudo formats.
 *
 * @module
 */
import type { HuntFamily } from "../types.ts";

/** The "linux" family of the hunting library. */
export const FAMILY: HuntFamily = {
  name: "linux",
  description:
    "Linux hosts through Syslog: SSH brute force and logons, sudo and su, new users and groups, cron changes, stopped services and suspicious shell commands.",
  queries: [
    {
      name: "sshBruteForceSources",
      description:
        "Source addresses with many failed SSH passwords against a host in one hour, with the user names tried: password guessing. Internet-facing SSH servers see this constantly; it matters when the source is internal, when the names tried are real accounts, or when a success follows (see sshSuccessAfterFailures). Benign causes: a script or backup job with a changed password.",
      tables: ["Syslog"],
      parameters: {
        minFailures: {
          type: "long",
          description: "Fewest failures from one address to one host in an hour.",
          default: 20,
        },
      },
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1110.001"],
      columns: [
        "Computer",
        "SourceIp",
        "Hour",
        "Failures",
        "InvalidUserFailures",
        "DistinctUsers",
        "SampleUsers",
      ],
      query: String.raw`Syslog
| where TimeGenerated between ({start} .. {end})
| where ProcessName =~ "sshd" and SyslogMessage startswith "Failed password for"
| extend SourceIp = extract(@"from (\d{1,3}(?:\.\d{1,3}){3})", 1, SyslogMessage),
    User = extract(@"Failed password for (?:invalid user )?(\S+)", 1, SyslogMessage)
| summarize Failures = count(), InvalidUserFailures = countif(SyslogMessage has "invalid user"),
    DistinctUsers = dcount(User), SampleUsers = make_set(User, 10) by Computer, SourceIp, Hour = bin(TimeGenerated, 1h)
| where Failures >= {minFailures}
| project Computer, SourceIp, Hour, Failures, InvalidUserFailures, DistinctUsers, SampleUsers
| order by Hour asc`,
    },
    {
      name: "sshSuccessAfterFailures",
      description:
        "Source addresses that failed SSH passwords several times on a host and then logged on successfully: a guessed password. Benign causes: a user fumbling their password before getting it right (few failures, their usual address).",
      tables: ["Syslog"],
      parameters: {
        minFailures: {
          type: "long",
          description: "Fewest failures before the success.",
          default: 5,
        },
      },
      window: "7d",
      tactics: ["Credential Access", "Initial Access"],
      techniques: ["T1110.001", "T1078.003"],
      columns: [
        "Computer",
        "SourceIp",
        "Failures",
        "FirstFailure",
        "FirstSuccess",
        "SuccessUsers",
      ],
      query: String.raw`Syslog
| where TimeGenerated between ({start} .. {end})
| where ProcessName =~ "sshd"
| where SyslogMessage startswith "Failed password for" or SyslogMessage startswith "Accepted "
| extend SourceIp = extract(@"from (\d{1,3}(?:\.\d{1,3}){3})", 1, SyslogMessage),
    User = extract(@"(?:Failed password|Accepted \S+) for (?:invalid user )?(\S+)", 1, SyslogMessage),
    Succeeded = SyslogMessage startswith "Accepted "
| summarize Failures = countif(not(Succeeded)), FirstFailure = minif(TimeGenerated, not(Succeeded)),
    FirstSuccess = minif(TimeGenerated, Succeeded), SuccessUsers = make_set_if(User, Succeeded)
    by Computer, SourceIp
| where Failures >= {minFailures} and isnotnull(FirstSuccess) and FirstSuccess > FirstFailure
| project Computer, SourceIp, Failures, FirstFailure, FirstSuccess, SuccessUsers
| order by FirstSuccess asc`,
    },
    {
      name: "sudoToRoot",
      description:
        "Commands run as root through sudo, by user and host, with refused attempts counted: who holds root and what they do with it. Look at users outside the admin team, shells and editors run as root, and refusals ('NOT in sudoers', wrong passwords). Benign causes: admins patching and restarting services.",
      tables: ["Syslog"],
      parameters: {
        excludeUsers: {
          type: "strings",
          description: "Users expected to use sudo (the admin team), left out.",
          default: [],
        },
      },
      window: "7d",
      tactics: ["Privilege Escalation"],
      techniques: ["T1548.003"],
      columns: [
        "Computer",
        "SudoUser",
        "Commands",
        "Refused",
        "CommandSet",
        "FirstSeen",
        "LastSeen",
      ],
      query: `Syslog
| where TimeGenerated between ({start} .. {end})
| where ProcessName =~ "sudo" and SyslogMessage has "USER=root"
| parse SyslogMessage with SudoUser " : " Details
| extend SudoUser = trim(" ", SudoUser), Command = extract(@"COMMAND=(.*)$", 1, Details)
| where SudoUser !in~ ({excludeUsers})
| summarize Commands = count(), Refused = countif(Details has_any ("NOT in sudoers", "incorrect password")),
    CommandSet = make_set(Command, 20), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by Computer, SudoUser
| project Computer, SudoUser, Commands, Refused, CommandSet, FirstSeen, LastSeen
| order by Computer asc, SudoUser asc`,
    },
    {
      name: "suFailures",
      description:
        "Failed su attempts (PAM authentication failures and 'FAILED SU'), with the user who tried and the account they tried to become: someone guessing the root password from a foothold. Benign causes: an admin mistyping.",
      tables: ["Syslog"],
      parameters: {},
      window: "7d",
      tactics: ["Privilege Escalation", "Credential Access"],
      techniques: ["T1548", "T1110.001"],
      columns: ["TimeGenerated", "Computer", "FromUser", "ToUser", "SyslogMessage"],
      query: String.raw`Syslog
| where TimeGenerated between ({start} .. {end})
| where ProcessName =~ "su"
| where SyslogMessage has "authentication failure" or SyslogMessage has "FAILED SU"
| extend FromUser = coalesce(extract(@"ruser=(\S+)", 1, SyslogMessage), extract(@"by (\S+)$", 1, SyslogMessage)),
    ToUser = coalesce(extract(@"\buser=(\S+)", 1, SyslogMessage), extract(@"to (\S+)", 1, SyslogMessage))
| project TimeGenerated, Computer, FromUser, ToUser, SyslogMessage
| order by TimeGenerated asc`,
    },
    {
      name: "usersOrGroupsAdded",
      description:
        "Local users and groups created or changed (useradd, groupadd, usermod, gpasswd), including users added to sudo or wheel: a backdoor account or a privilege grant. Benign causes: provisioning by configuration management and package installs creating service users.",
      tables: ["Syslog"],
      parameters: {},
      window: "7d",
      tactics: ["Persistence", "Privilege Escalation"],
      techniques: ["T1136.001", "T1098"],
      columns: ["TimeGenerated", "Computer", "ProcessName", "Name", "SyslogMessage"],
      query: String.raw`Syslog
| where TimeGenerated between ({start} .. {end})
| where ProcessName in~ ("useradd", "groupadd", "usermod", "gpasswd", "adduser", "userdel", "groupmod")
| extend Name = coalesce(extract(@"name=([^,\s]+)", 1, SyslogMessage), extract(@"(?:user|group) '([^']+)'", 1, SyslogMessage))
| project TimeGenerated, Computer, ProcessName, Name, SyslogMessage
| order by TimeGenerated asc`,
    },
    {
      name: "cronChanges",
      description:
        "Crontab edits, replacements and deletions (crontab and cron REPLACE / BEGIN EDIT / DELETE / RELOAD messages): a common way to persist or to run a payload on a schedule. Benign causes: admins and configuration management editing crontabs.",
      tables: ["Syslog"],
      parameters: {},
      window: "7d",
      tactics: ["Persistence", "Execution"],
      techniques: ["T1053.003"],
      columns: ["TimeGenerated", "Computer", "ProcessName", "User", "Action", "SyslogMessage"],
      query: String.raw`Syslog
| where TimeGenerated between ({start} .. {end})
| where ProcessName in~ ("crontab", "cron", "crond")
| where SyslogMessage has_any ("REPLACE", "BEGIN EDIT", "END EDIT", "DELETE", "RELOAD")
| extend User = extract(@"^\(([^)]+)\)", 1, SyslogMessage),
    Action = extract(@"^\([^)]+\)\s+([A-Z]+(?: EDIT)?)", 1, SyslogMessage)
| project TimeGenerated, Computer, ProcessName, User, Action, SyslogMessage
| order by TimeGenerated asc`,
    },
    {
      name: "suspiciousShellCommands",
      description:
        "Commands in Syslog messages (sudo, cron, auditd execve, shell history forwarders) that download and pipe into a shell (curl|sh, wget|bash), decode base64 into a shell, open reverse shells (/dev/tcp, nc -e) or make files in /tmp executable. Benign causes: vendor install one-liners run by admins.",
      tables: ["Syslog"],
      parameters: {},
      window: "7d",
      tactics: ["Execution", "Command and Control"],
      techniques: ["T1059.004", "T1105"],
      columns: ["TimeGenerated", "Computer", "ProcessName", "SyslogMessage"],
      query: String.raw`Syslog
| where TimeGenerated between ({start} .. {end})
| where SyslogMessage matches regex @"(curl|wget)\s[^|;]*\|\s*(sudo\s+)?(ba|da|z)?sh\b"
    or SyslogMessage matches regex @"base64\s+(-d|--decode)[^|]*\|\s*(ba|da|z)?sh\b"
    or SyslogMessage has "/dev/tcp/"
    or SyslogMessage matches regex @"\bnc(at)?\s+[^|;]*-e\s"
    or SyslogMessage matches regex @"chmod\s+(\+x|[0-7]*7[0-7]*)\s+/(tmp|dev/shm|var/tmp)/"
| project TimeGenerated, Computer, ProcessName, SyslogMessage
| order by TimeGenerated asc`,
    },
    {
      name: "securityServicesStopped",
      description:
        "systemd stopping security and logging services (auditd, rsyslog, syslog-ng, firewalls, AppArmor/SELinux, EDR and monitoring agents): turning off what would record the rest of an intrusion. Benign causes: package upgrades restarting the service (a start follows within seconds), planned maintenance.",
      tables: ["Syslog"],
      parameters: {},
      window: "7d",
      tactics: ["Defense Evasion"],
      techniques: ["T1562.001", "T1562.006"],
      columns: ["TimeGenerated", "Computer", "Service", "SyslogMessage"],
      query: String.raw`Syslog
| where TimeGenerated between ({start} .. {end})
| where ProcessName =~ "systemd"
| where SyslogMessage startswith "Stopped " or SyslogMessage startswith "Stopping "
| where SyslogMessage has_any ("auditd", "Auditing", "rsyslog", "syslog-ng", "journald", "firewalld", "ufw", "Firewall",
    "apparmor", "AppArmor", "SELinux", "mdatp", "Defender", "falcon", "azuremonitoragent", "omsagent", "osquery", "wazuh")
| extend Service = extract(@"^Stopp(?:ed|ing) (.+?)\.*$", 1, SyslogMessage)
| project TimeGenerated, Computer, Service, SyslogMessage
| order by TimeGenerated asc`,
    },
    // ---------------------------------------------------------------- entity context
    {
      name: "authEventsFromIp",
      description:
        "SSH authentication on Linux hosts that names one source address: successes and failures by host and user, with first and last times. Use it to see which hosts an address reached and as whom.",
      tables: ["Syslog"],
      parameters: {
        ip: {
          type: "ip",
          description: "The source IP address.",
          example: "10.10.1.70",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: ["Computer", "User", "Outcome", "Events", "FirstSeen", "LastSeen"],
      query: String.raw`Syslog
| where TimeGenerated between ({start} .. {end})
| where ProcessName =~ "sshd"
| where SyslogMessage startswith "Failed password for" or SyslogMessage startswith "Accepted "
    or SyslogMessage startswith "Invalid user"
| extend SourceIp = extract(@"from (\d{1,3}(?:\.\d{1,3}){3})", 1, SyslogMessage)
| where SourceIp == {ip}
| extend User = extract(@"(?:Failed password|Accepted \S+) for (?:invalid user )?(\S+)|Invalid user (\S+)", 1, SyslogMessage),
    Outcome = case(SyslogMessage startswith "Accepted ", "Success", SyslogMessage startswith "Invalid user", "InvalidUser", "Failure")
| summarize Events = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by Computer, User, Outcome
| project Computer, User, Outcome, Events, FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
    {
      name: "sshLogonsOfAccount",
      description:
        "SSH logons and failures of one user across Linux hosts, with source address and method (password or public key). The account may be a UPN or DOMAIN\\name; the bare user name is matched.",
      tables: ["Syslog"],
      parameters: {
        account: {
          type: "account",
          description: "The user (bare name, UPN or DOMAIN\\name).",
          example: "tom.harper@larkspurlogistics.example",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: ["TimeGenerated", "Computer", "User", "Outcome", "Method", "SourceIp"],
      query: String.raw`let user = extract(@"^(?:.*\\)?([^@\\]+)", 1, {account});
Syslog
| where TimeGenerated between ({start} .. {end})
| where ProcessName =~ "sshd"
| where SyslogMessage startswith "Failed " or SyslogMessage startswith "Accepted "
| extend User = extract(@"(?:Failed|Accepted) \S+ for (?:invalid user )?(\S+)", 1, SyslogMessage)
| where User =~ user
| extend Outcome = iff(SyslogMessage startswith "Accepted ", "Success", "Failure"),
    Method = extract(@"^(?:Failed|Accepted) (\S+)", 1, SyslogMessage),
    SourceIp = extract(@"from (\d{1,3}(?:\.\d{1,3}){3})", 1, SyslogMessage)
| project TimeGenerated, Computer, User, Outcome, Method, SourceIp
| order by TimeGenerated asc`,
    },
    {
      name: "hostActivity",
      description:
        "What one Linux host logged: Syslog messages grouped by facility, process and severity with counts, first and last times and a sample message. A quick profile of a host before reading its messages.",
      tables: ["Syslog"],
      parameters: {
        host: {
          type: "host",
          description: "The host (short name or FQDN).",
          example: "lks-sftp01",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "Facility",
        "ProcessName",
        "SeverityLevel",
        "Events",
        "FirstSeen",
        "LastSeen",
        "SampleMessage",
      ],
      query: `Syslog
| where TimeGenerated between ({start} .. {end})
| where Computer =~ {host} or HostName =~ {host} or Computer startswith strcat({host}, ".")
| summarize Events = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated),
    SampleMessage = take_any(SyslogMessage) by Facility, ProcessName, SeverityLevel
| project Facility, ProcessName, SeverityLevel, Events, FirstSeen, LastSeen, SampleMessage
| order by Events desc`,
    },
  ],
};
