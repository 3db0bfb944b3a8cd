/**
 * Renders ANSWERS.md, the demo case's answer key for tests and teaching, from
 * `ANSWER_KEY` so the prose can never disagree with the data.
 *
 * @module
 */
import { ANSWER_KEY } from "./_attack.ts";
import { renderCloudIncident } from "./_answers_cloud.ts";
import { INBOX_RULE_STORIES } from "./_benign_identity.ts";
import { DAY, END, iso, START } from "./_clock.ts";
import { ORG, RDP_FORWARD, TRIPS } from "./_org.ts";

const K = ANSWER_KEY;

function kql(query: string): string {
  return "```kql\n" + query.trim() + "\n```";
}

/** "2-6 March" for day indexes 0 and 4. */
function dates(from: number, to: number): string {
  const day = (d: number) => new Date((START + d * DAY) / 1000).getUTCDate();
  return from === to ? `${day(from)} March` : `${day(from)}-${day(to)} March`;
}

function yes(value: boolean): string {
  return value ? "yes" : "no";
}

/** The stages of the intrusion, in order, with where to look and whether anything alerted. */
export const STAGES = [
  {
    id: "spray",
    title: "Password spray over IMAP",
    time: `${K.spray.start} to ${K.spray.end}`,
    tables: "SigninLogs",
    mitre: "T1110.003",
    detail: `${K.spray.attempts} attempts from ${K.spray.ips.join(", ")} (one round each, ` +
      `about 10 s apart) against ${K.spray.targets} account names: ${K.spray.failures50126} ` +
      `failures with ResultType 50126, ${K.spray.disabled50057} with 50057 (disabled leavers), ` +
      `${K.spray.unknown50034} with 50034 (names that do not exist), and ${K.spray.successes} ` +
      `success. ClientAppUsed is \`${K.spray.clientApp}\`, UserAgent \`${K.attacker.sprayUserAgent}\`.`,
    query: `SigninLogs
| where TimeGenerated between (datetime(2026-03-11) .. 1d)
| where ResultType == "50126"
| summarize Failures = count(), Accounts = dcount(UserPrincipalName),
    First = min(TimeGenerated), Last = max(TimeGenerated) by IPAddress, ClientAppUsed
| where Accounts >= 20
| order by Failures desc`,
  },
  {
    id: "legacySuccess",
    title: "One legacy-authentication success, no MFA",
    time: K.legacySuccess.time,
    tables: "SigninLogs, OfficeActivity",
    mitre: "T1078.004",
    detail: `${K.victim.upn} from ${K.legacySuccess.ip}: ResultType 0, ClientAppUsed ` +
      `\`${K.legacySuccess.clientApp}\`, AuthenticationRequirement ` +
      `\`${K.legacySuccess.authenticationRequirement}\`, ConditionalAccessStatus ` +
      `\`${K.legacySuccess.conditionalAccessStatus}\`. The policy that would have blocked it, ` +
      `"${K.legacySuccess.reportOnlyPolicy}", is in report-only mode (result ` +
      "`reportOnlyFailure` in ConditionalAccessPolicies). Minutes later OfficeActivity shows " +
      "MailItemsAccessed with ClientInfoString `Client=IMAP4` from the same address.",
    query: `SigninLogs
| where IPAddress in ("${K.spray.ips.join('", "')}")
| where ResultType == "0"
| project TimeGenerated, UserPrincipalName, IPAddress, ClientAppUsed,
    AuthenticationRequirement, ConditionalAccessStatus, ConditionalAccessPolicies`,
  },
  {
    id: "impossibleTravel",
    title: "Browser sign-in from a new country (impossible travel)",
    time: `${K.impossibleTravel.interruptTime} to ${K.impossibleTravel.successTime}`,
    tables: "SigninLogs",
    mitre: "T1078.004",
    detail: `The victim's own sign-ins that morning come from the London office ` +
      `(${K.impossibleTravel.victimIp}, ${K.impossibleTravel.victimCountry}). At ` +
      `${K.impossibleTravel.interruptTime} the attacker signs in to ` +
      `${K.impossibleTravel.app} from ${K.impossibleTravel.ip} (${K.attacker.city}, ` +
      `${K.impossibleTravel.country}) and is told to register MFA (ResultType ` +
      `${K.impossibleTravel.interruptResultType}); after registering, the sign-in at ` +
      `${K.impossibleTravel.successTime} succeeds with MFA.`,
    query: `SigninLogs
| where UserPrincipalName == "${K.victim.upn}"
| where TimeGenerated between (datetime(2026-03-11) .. 1d)
| extend Country = tostring(LocationDetails.countryOrRegion)
| project TimeGenerated, IPAddress, Country, AppDisplayName, ClientAppUsed, ResultType
| order by TimeGenerated asc`,
  },
  {
    id: "mfaRegistration",
    title: "Attacker registers a new MFA method",
    time: K.mfaRegistration.time,
    tables: "AuditLogs, IdentityInfo",
    mitre: "T1098.005",
    detail: `AuditLogs \`${K.mfaRegistration.activity}\` (${K.mfaRegistration.method}) ` +
      `initiated by ${K.victim.upn} from ${K.mfaRegistration.ip}, followed by an ` +
      "`Update user` changing StrongAuthenticationMethod. IdentityInfo flips " +
      "IsMFARegistered to true for the victim shortly after.",
    query: `AuditLogs
| where OperationName == "User registered security info"
| extend User = tostring(InitiatedBy.user.userPrincipalName),
    Ip = tostring(InitiatedBy.user.ipAddress)
| project TimeGenerated, User, Ip, AdditionalDetails`,
  },
  {
    id: "inboxRule",
    title: "External inbox forwarding rule",
    time: K.inboxRule.time,
    tables: "OfficeActivity",
    mitre: "T1114.003",
    detail: `\`${K.inboxRule.operation}\` named \`${K.inboxRule.name}\` forwarding mail that ` +
      `mentions "${K.inboxRule.keywords}" to ${K.inboxRule.forwardTo}, marking it read. ` +
      `ClientIP is \`${K.inboxRule.clientIp}\` (Exchange logs address and port).`,
    query: `OfficeActivity
| where Operation in ("New-InboxRule", "Set-InboxRule")
| where Parameters has_any ("ForwardTo", "RedirectTo", "ForwardAsAttachmentTo")
| project TimeGenerated, UserId, ClientIP, Parameters`,
  },
  {
    id: "rdp",
    title: "RDP from the attacker's address to the victim's workstation",
    time: `${K.rdp.time} to ${K.rdp.logoff}`,
    tables: "SecurityEvent, CommonSecurityLog",
    mitre: "T1021.001, T1133",
    detail: `4624 LogonType ${K.rdp.logonType} on ${K.rdp.host} for LARKSPUR\\daniel.reyes ` +
      `with IpAddress ${K.rdp.ip}. It arrives through a forgotten port forward ` +
      `(${K.rdp.publicAddress} to ${K.victim.workstationIp}:3389, firewall rule ` +
      `\`${K.rdp.firewallRule}\`).`,
    query: `SecurityEvent
| where EventID == 4624 and LogonType == 10
| where not(ipv4_is_private(IpAddress))
| project TimeGenerated, Computer, Account, IpAddress, IpPort`,
  },
  {
    id: "encodedPowerShell",
    title: "PowerShell download cradle with -EncodedCommand",
    time: K.encodedPowerShell.time,
    tables: "SecurityEvent (4688), DeviceProcessEvents",
    mitre: "T1059.001, T1027",
    detail: `On ${K.encodedPowerShell.host}, parent explorer.exe in the RDP session. The ` +
      `argument is UTF-16LE base64 and decodes to:\n\n    ${K.encodedPowerShell.decoded}\n\n` +
      `It fetches ${K.encodedPowerShell.url}, which drops \`${K.implant.path}\` ` +
      `(SHA-256 \`${K.implant.sha256}\`, started ${K.implant.startedAt}) and a scheduled ` +
      `task \`${K.implant.scheduledTask}\` for persistence.`,
    query: `DeviceProcessEvents
| where FileName =~ "powershell.exe" and ProcessCommandLine has "-EncodedCommand"
| extend Encoded = extract(@"-EncodedCommand\\s+(\\S+)", 1, ProcessCommandLine)
// The payload is UTF-16LE: decode to bytes, drop the zero bytes, rebuild the text.
| mv-apply Byte = base64_decode_toarray(Encoded) to typeof(int) on (
    where Byte != 0 | summarize Decoded = make_string(make_list(Byte)))
| project TimeGenerated, DeviceName, AccountName, InitiatingProcessFileName, Decoded`,
  },
  {
    id: "c2",
    title: "C2 beaconing every ~60 s for ~36 h",
    time: `${K.c2.firstBeacon} onwards (${K.c2.beacons} connections)`,
    tables: "DeviceNetworkEvents, CommonSecurityLog, DnsEvents",
    mitre: "T1071.001, T1573",
    detail: `msedgeupdate.exe on ${K.victim.workstation} connects to ${K.c2.domain} ` +
      `(${K.c2.ip}:${K.c2.port}) every ${K.c2.intervalSeconds} s with +/-${K.c2.jitterPercent}% ` +
      `jitter, ${K.c2.beacons} times. The firewall logs each session; the DC logs a lookup about ` +
      `every five minutes. One session shortly after the LSASS dump sends about ` +
      `${Math.round(K.c2.dumpUploadBytes / 1_000_000)} MB: the dump leaving.`,
    query: `// Rare destinations one machine talks to very often
DeviceNetworkEvents
| where RemoteIPType == "Public"
| summarize Connections = count(), Hosts = dcount(DeviceName) by RemoteUrl, InitiatingProcessFileName
| where Hosts == 1 and Connections > 500

// Then the rhythm of one of them
DeviceNetworkEvents
| where RemoteUrl == "${K.c2.domain}"
| order by TimeGenerated asc
| extend Gap = datetime_diff("second", TimeGenerated, prev(TimeGenerated))
| summarize Beacons = count(), MedianGap = percentile(Gap, 50),
    First = min(TimeGenerated), Last = max(TimeGenerated)`,
  },
  {
    id: "discovery",
    title: "Discovery from the implant",
    time: K.discovery.time,
    tables: "SecurityEvent (4688), DeviceProcessEvents",
    mitre: "T1033, T1069.002, T1018",
    detail: `cmd.exe spawned by msedgeupdate.exe runs ${
      K.discovery.commands.map((c) => `\`${c}\``).join(", ")
    }.`,
    query: `DeviceProcessEvents
| where InitiatingProcessFileName =~ "cmd.exe" and InitiatingProcessParentFileName =~ "msedgeupdate.exe"
| project TimeGenerated, DeviceName, FileName, ProcessCommandLine`,
  },
  {
    id: "lsassDump",
    title: "LSASS memory dump with procdump",
    time: K.lsassDump.time,
    tables: "SecurityEvent (4688), DeviceProcessEvents",
    mitre: "T1003.001",
    detail: `\`${K.lsassDump.commandLine}\` from an elevated cmd.exe. This exposes the ` +
      `credentials of ${K.stolenAdmin.account}, cached since ${K.stolenAdmin.exposedAt} ` +
      `(${K.stolenAdmin.exposure}).`,
    query: `DeviceProcessEvents
| where ProcessCommandLine has "lsass" and ProcessCommandLine has_any ("-ma", "MiniDump", "comsvcs")
| project TimeGenerated, DeviceName, AccountName, FileName, ProcessCommandLine`,
  },
  {
    id: "localAdmin",
    title: "New local administrator",
    time: `${K.localAdmin.createdAt} and ${K.localAdmin.addedAt}`,
    tables: "SecurityEvent (4720, 4732, 4688)",
    mitre: "T1136.001, T1098",
    detail:
      `Local account \`${K.localAdmin.account}\` created on ${K.localAdmin.host} (4720) and ` +
      `added to Builtin\\${K.localAdmin.group} (4732), both via net.exe with the password on the ` +
      "command line. The case's only other account creation is a domain account: the service " +
      "desk creates the new HR advisor megan.doyle on LKS-DC01 on 6 March.",
    query: `SecurityEvent
| where EventID in (4720, 4732)
// Accounts and groups of a machine's own SAM, not the domain's.
| where TargetDomainName != "${ORG.netbios}"
| project TimeGenerated, Computer, EventID, Account, TargetAccount, SamAccountName, MemberSid`,
  },
  {
    id: "lateralMovement",
    title: "Lateral movement to the file server",
    time: `${K.lateralMovement.passTheHashAt} to ${K.lateralMovement.serviceInstalledAt}`,
    tables: "SecurityEvent (4624 type 9 and 3, 4776, 5140, 4697, 4688), Event (7045), " +
      "DeviceProcessEvents, DeviceFileEvents, DeviceRegistryEvents, DeviceLogonEvents, " +
      "IdentityLogonEvents",
    mitre: "T1550.002, T1021.002, T1543.003",
    detail: `Pass-the-hash (4624 LogonType 9, LogonProcessName \`seclogo\`) on ` +
      `${K.lateralMovement.from}, then a ${K.lateralMovement.authentication} network logon ` +
      `(4624 LogonType ${K.lateralMovement.logonType}) as ${K.lateralMovement.account} on ` +
      `${K.lateralMovement.to} from ${K.lateralMovement.fromIp}, C$ access, and service ` +
      `\`${K.lateralMovement.serviceName}\` installed (4697 in SecurityEvent, 7045 in the ` +
      `System log, i.e. the Event table) running \`${K.lateralMovement.serviceFile}\` ` +
      `(SHA-256 \`${K.lateralMovement.serviceSha256}\`). Defender for Endpoint saw the binary ` +
      "arrive over SMB (DeviceFileEvents, RequestSourceIP the workstation) and the service key " +
      "written (DeviceRegistryEvents).",
    query: `SecurityEvent
| where EventID == 4697
| project TimeGenerated, Computer, EventID, Account, ServiceName, ServiceFileName
| join kind=leftouter (
    SecurityEvent
    | where EventID == 4624 and LogonType == 3
    | project LogonTime = TimeGenerated, Computer, TargetUserName, IpAddress
  ) on Computer
| where LogonTime between ((TimeGenerated - 5m) .. TimeGenerated)`,
  },
  {
    id: "dnsTunnel",
    title: "DNS tunnelling",
    time: `${K.dnsTunnel.start} onwards (${K.dnsTunnel.queries} queries)`,
    tables: "DnsEvents",
    mitre: "T1071.004, T1048",
    detail: `${K.dnsTunnel.queryType} lookups from ${K.dnsTunnel.clientIp} for ` +
      `\`<${K.dnsTunnel.labelLength} base32 characters>.<sequence>.${K.dnsTunnel.suffix}\`.`,
    query: `DnsEvents
| extend FirstLabel = tostring(split(Name, ".")[0])
| where strlen(FirstLabel) >= 30
| extend Parts = split(Name, ".")
| extend Parent = strcat(tostring(Parts[array_length(Parts) - 2]), ".", tostring(Parts[array_length(Parts) - 1]))
| summarize Queries = count(), Clients = dcount(ClientIP), AvgLength = avg(strlen(Name)) by Parent
| order by Queries desc`,
  },
  {
    id: "exfiltration",
    title: "Staging and exfiltration from the file server",
    time: `${K.exfiltration.start} to ${K.exfiltration.end}`,
    tables:
      "DeviceProcessEvents, SecurityEvent (4688), DeviceNetworkEvents, CommonSecurityLog, DnsEvents",
    mitre: "T1560.001, T1567.002",
    detail: `7-Zip archives the Finance and HR shares into \`${K.exfiltration.archive}\` ` +
      `(${K.exfiltration.stagingAt}); \`${K.exfiltration.toolPath}\` uploads it to ` +
      `${K.exfiltration.domain} (${K.exfiltration.ip}) in ${K.exfiltration.sessions} sessions, ` +
      `${K.exfiltration.totalBytes} bytes in total, from ${K.exfiltration.host} ` +
      `(${K.exfiltration.sourceIp}), a server that otherwise sends almost nothing to the internet.`,
    query: `CommonSecurityLog
| where DeviceVendor == "Palo Alto Networks" and DeviceAction == "allow"
| where ipv4_is_private(SourceIP) and not(ipv4_is_private(DestinationIP))
| summarize SentMB = sum(SentBytes) / 1048576.0 by SourceIP, DestinationIP, bin(TimeGenerated, 1h)
| order by SentMB desc`,
  },
] as const;

/** Benign activity that looks like parts of the attack. */
export const LOOKALIKES = [
  [
    "Admins' PowerShell",
    "IT admins (adm-* accounts) run PowerShell on LKS-JUMP01 and servers every working day, " +
    "including `Invoke-WebRequest` of SysinternalsSuite.zip and an `-EncodedCommand` report " +
    "script by adm-aisha.khan.",
  ],
  [
    "Encoded inventory task",
    "Every Windows machine runs the LarkInventory scheduled task as SYSTEM each morning: " +
    "`powershell.exe ... -EncodedCommand` that decodes to a harmless Get-CimInstance report. " +
    "Defender alerted on it once (LKS-SQL01, 2026-03-03, Low).",
  ],
  [
    "Travellers",
    TRIPS.map((t) => `${t.upn.split("@")[0]} (${t.place.city}, ${dates(t.from, t.to)})`).join(
      ", ",
    ) +
    " all sign in from abroad; james.okafor's trip overlaps the intrusion, and Identity " +
    'Protection raised "Unfamiliar sign-in properties" on his first sign-in there.',
  ],
  [
    "Anonymising VPN",
    "ethan.clarke sometimes works through a VPN exiting at 203.0.113.200 (Zurich), " +
    'flagged as "Anonymous IP address".',
  ],
  [
    "Typos",
    "About 3% of sign-ins follow a single 50126 failure (george.hill far more often), and " +
    "some workstation logons follow a 4625 with SubStatus 0xc000006a.",
  ],
  [
    "Legacy authentication that is fine",
    "svc-scan (the multifunction printer's scan-to-email mailbox) signs in with " +
    '"Authenticated SMTP" from the office all day; rachel.stone\'s phone uses "Exchange ' +
    'ActiveSync". Both succeed without MFA.',
  ],
  [
    "RDP through the port forward",
    `Daniel Reyes himself uses ${RDP_FORWARD.publicIp}:${RDP_FORWARD.publicPort} from his ` +
    `home address (${RDP_FORWARD.ownerSessions.map((s) => iso(s.start)).join(", ")}), ` +
    "and internet scanners hit it daily (4625 on LKS-WS-1042 with SubStatus 0xc0000064).",
  ],
  [
    "Admin RDP and PsExec",
    "Admins RDP from LKS-JUMP01 to servers (4624 type 10), the service desk RDPs to staff " +
    "workstations, and adm-aisha.khan uses PsExec (PSEXESVC: 4697, and 7045 in Event) on LKS-APP01 " +
    "(4 March) and LKS-SQL01 (10 March). adm-tom.harper's RDP to LKS-WS-1042 on 9 March is " +
    "benign but is how his credentials ended up in LSASS.",
  ],
  [
    "Inbox rules",
    INBOX_RULE_STORIES.map((s) => `${s.sam} creates "${s.name}"`).join("; ") +
    " (the second redirects payment mail internally and drew a Low MCAS alert); a few other " +
    "users create newsletter rules.",
  ],
  [
    "MFA registrations",
    "megan.doyle (new HR advisor, 6 March) registers her first authenticator, and a few " +
    "people re-register after changing phones, all from the office.",
  ],
  [
    "Large uploads",
    "LKS-BKP01 sends several GB a night to backup.vaultline.example (198.51.100.20-21), as " +
    "much as the exfiltration, but every night, from the backup server, to a known provider.",
  ],
  [
    "Long random DNS names",
    "Every Windows machine looks up `<32 hex>.<8 hex>.rep.cloudav-reputation.example` TXT " +
    "records (antivirus cloud reputation) a few times an hour.",
  ],
  [
    "SSH brute force",
    "lks-sftp01 gets two to four password-guessing bursts a day (Syslog `Failed password`, " +
    "firewall allows to 192.0.2.11:22); Defender for Servers alerts on some of them.",
  ],
] as const;

/** The markdown text of ANSWERS.md. */
export function renderAnswers(extra: readonly string[] = []): string {
  const lines: string[] = [];
  // Each argument is a paragraph (or a fenced block): blank lines between them.
  const p = (...text: string[]) => {
    for (const t of text) lines.push(t, "");
  };
  p(
    "# Demo case: answer key",
    "> Spoilers. This file lists everything planted in the bundled demo case. It is " +
      "generated from `ANSWER_KEY` in `scripts/demo_case/_attack.ts`; the tests check the " +
      "data against the same key. Nothing in the data refers to this file.",
  );
  p(
    "## The case",
    `${ORG.name} (${ORG.domain}, on-premises domain ${ORG.netbios} / ${ORG.adDomain}) is a ` +
      "UK logistics company with about 200 staff and 60 machines. The workspace covers " +
      `${iso(START)} to ${iso(END)}; the reference time ("now") is ${iso(END)}. The intrusion ` +
      "runs on days 10-12 (11-13 March 2026); a second, cloud-side incident (consent phishing " +
      "to crypto mining) runs on days 4-5 (5-6 March), described after the first. All times " +
      "are UTC (the UK is on GMT in March).",
  );
  p("## Who and what");
  lines.push(
    `- Victim: ${K.victim.displayName} (${K.victim.upn}), ${K.victim.department}, no MFA ` +
      `registered before the attack, workstation ${K.victim.workstation} ` +
      `(${K.victim.workstationIp}), normally signs in from the London office ` +
      `(${K.victim.officeIp}).`,
    `- Attacker: ${K.attacker.ip} (${K.attacker.city}, ${K.attacker.country}, AS${K.attacker.asn}); ` +
      `spray sources ${K.spray.ips.join(", ")}.`,
    `- Stolen admin: ${K.stolenAdmin.account} (owner ${K.stolenAdmin.owner}).`,
    `- Implant: ${K.implant.path}, SHA-256 ${K.implant.sha256}.`,
    `- C2: ${K.c2.domain} / ${K.c2.ip}:${K.c2.port}. DNS tunnel: ${K.dnsTunnel.suffix}. ` +
      `Exfiltration: ${K.exfiltration.domain} / ${K.exfiltration.ip}.`,
    "",
  );
  lines.push(
    "## Timeline",
    "",
    "| When (UTC) | Stage | Tables | Alert |",
    "| --- | --- | --- | --- |",
  );
  for (const s of STAGES) {
    const alert = K.alerts.find((a) => a.stage === s.id);
    lines.push(
      `| ${s.time} | ${s.title} | ${s.tables} | ${
        alert ? `${alert.name} (${alert.time})` : "none"
      } |`,
    );
  }
  lines.push("");
  p("## Stages");
  for (const [i, s] of STAGES.entries()) {
    const alert = K.alerts.find((a) => a.stage === s.id);
    p(
      `### ${i + 1}. ${s.title}`,
      `When: ${s.time}. Tables: ${s.tables}. MITRE ATT&CK: ${s.mitre}. Alert: ` +
        (alert ? `"${alert.name}" from ${alert.product} at ${alert.time}.` : "none."),
      s.detail,
      kql(s.query),
    );
  }
  p(
    "## Alerts",
    "SecurityAlert has rows for four stages only: " +
      K.alerts.map((a) => `"${a.name}" (${a.stage}, ${a.time})`).join(", ") + ". The " +
      "legacy-auth success, the impossible travel, the MFA registration, the RDP logon, " +
      "discovery, the local admin, the lateral movement, the beaconing, the DNS tunnel and the " +
      "exfiltration raised nothing. SecurityAlert also holds benign alerts (see look-alikes).",
  );
  lines.push(
    "## Indicators",
    "",
    "| Type | Value | Role | In external/threat_intel_feed.json | In ThreatIntelligenceIndicator |",
    "| --- | --- | --- | --- | --- |",
  );
  for (const i of K.indicators) {
    lines.push(
      `| ${i.type} | \`${i.value}\` | ${i.role} | ${yes(i.inStixFeed)} | ${yes(i.inWorkspaceTi)} |`,
    );
  }
  lines.push("");
  p("## Benign look-alikes");
  for (const [title, text] of LOOKALIKES) lines.push(`- **${title}.** ${text}`);
  lines.push("");
  renderCloudIncident(lines, p);
  p("## Outside data");
  lines.push(
    "- `external/hr_employees.csv`: the victim is in Finance; his manager's manager, the CFO, " +
      "is a VIP. Leavers' accounts (disabled) were among the spray targets.",
    "- `external/high_value_assets.csv`: LKS-FS01 is listed (Finance, HR and Board shares); the " +
      "victim's workstation is not.",
    "- `external/threat_intel_feed.json`: knows the C2 domain and address, the implant hash, " +
      "one spray address and the forwarding address; not 203.0.113.45, the DNS tunnel or the " +
      "exfiltration endpoint.",
    "- Watchlists: `_GetWatchlist('VIPUsers')` (`watchlists/vip_users.csv`: executives and the " +
      "Global Administrator nadia.brooks, the second incident's victim), " +
      "`_GetWatchlist('BreakGlassAccounts')` (two emergency-access accounts that never sign " +
      "in), `_GetWatchlist('HighValueAssets')` (`external/high_value_assets.csv`).",
  );
  if (extra.length > 0) lines.push("", ...extra);
  return lines.join("\n").replace(/\n+$/, "\n");
}
