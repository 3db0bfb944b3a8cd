/**
 * The "network" family: firewall and other CEF traffic logs (CommonSecurityLog) for
 * exposed remote-access services, port forwards, scans, rare destinations, volume
 * exfiltration and beaconing, and the traffic of an address or a port.
 *
 * Direction is read from the addresses (`ipv4_is_private`), which works for every CEF
 * vendor; inbound NAT is recognised by a private `DestinationTranslatedAddress`. Palo
 * Alto and Fortinet log a session when it ends, so a long session appears once, at its end.
 *
 * @module
 */
import type { HuntFamily } from "../types.ts";

/** Queries over CommonSecurityLog (firewalls and other CEF sources). */
export const FAMILY: HuntFamily = {
  name: "network",
  description:
    "Firewall (CEF) traffic: remote-access ports reachable from the internet, port-forward hits, port scans, denied-then-allowed sources, rare outbound destinations, high volumes out, large single sessions, beacon-like sessions, and the traffic of an address or a port.",
  queries: [
    {
      name: "inboundRemoteAccessAllowed",
      description:
        "Sessions from internet addresses that the firewall allowed to remote-access services (RDP, SSH, SMB, WinRM, VNC, Telnet), directly or through a port forward, per source. An exposed RDP or SMB service is a prime initial access path; partner SFTP and published gateways are expected, so read the rule name and translated destination.",
      tables: ["CommonSecurityLog"],
      parameters: {
        ports: {
          type: "strings",
          description: "Service ports (after NAT) that count as remote access.",
          default: ["3389", "22", "445", "5985", "5986", "5900", "23"],
        },
      },
      window: "7d",
      tactics: ["Initial Access", "Lateral Movement"],
      techniques: ["T1133", "T1021.001", "T1021.004"],
      columns: [
        "SourceIP",
        "DestinationIP",
        "DestinationPort",
        "InternalTarget",
        "Rule",
        "Sessions",
        "SentBytes",
        "ReceivedBytes",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`CommonSecurityLog
| where TimeGenerated between ({start} .. {end})
| where DeviceAction in~ ("allow", "accept", "allowed", "permit")
| where not(ipv4_is_private(SourceIP))
| extend ServicePort = iff(DestinationTranslatedPort > 0, DestinationTranslatedPort, DestinationPort)
| where tostring(ServicePort) in ({ports})
| extend InternalTarget = iff(isnotempty(DestinationTranslatedAddress) and DestinationTranslatedAddress != "0.0.0.0",
    strcat(DestinationTranslatedAddress, ":", DestinationTranslatedPort), strcat(DestinationIP, ":", DestinationPort))
| summarize Sessions = count(), SentBytes = sum(SentBytes), ReceivedBytes = sum(ReceivedBytes),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by SourceIP, DestinationIP, DestinationPort, InternalTarget, Rule = DeviceCustomString1
| project SourceIP, DestinationIP, DestinationPort, InternalTarget, Rule, Sessions, SentBytes,
    ReceivedBytes, FirstSeen, LastSeen
| order by ReceivedBytes desc`,
    },
    {
      name: "portForwardHits",
      description:
        "Inbound destination-NAT (port forward) rules with traffic, per rule and internal target: sessions, distinct internet sources and bytes. Forgotten forwards to a workstation's RDP are a favourite way in; published web, mail and partner services are expected, so look for targets that are workstations or admin ports.",
      tables: ["CommonSecurityLog"],
      parameters: {},
      window: "14d",
      tactics: ["Initial Access", "Persistence"],
      techniques: ["T1133"],
      columns: [
        "Rule",
        "PublicAddress",
        "InternalTarget",
        "Sessions",
        "Sources",
        "SampleSources",
        "SentBytes",
        "ReceivedBytes",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`CommonSecurityLog
| where TimeGenerated between ({start} .. {end})
| where isnotempty(DestinationTranslatedAddress) and DestinationTranslatedAddress != "0.0.0.0"
| where ipv4_is_private(DestinationTranslatedAddress) and not(ipv4_is_private(SourceIP))
| summarize Sessions = count(), Sources = dcount(SourceIP), SampleSources = make_set(SourceIP, 10),
    SentBytes = sum(SentBytes), ReceivedBytes = sum(ReceivedBytes),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by Rule = DeviceCustomString1, PublicAddress = strcat(DestinationIP, ":", DestinationPort),
    InternalTarget = strcat(DestinationTranslatedAddress, ":", DestinationTranslatedPort)
| project Rule, PublicAddress, InternalTarget, Sessions, Sources, SampleSources, SentBytes,
    ReceivedBytes, FirstSeen, LastSeen
| order by Sessions asc`,
    },
    {
      name: "portScanSources",
      description:
        "Sources that tried many distinct ports (or many hosts) and were mostly denied. From the internet this is reconnaissance (usually background noise, but note what it found open); from inside it can be an intruder mapping the network, or a vulnerability scanner you run.",
      tables: ["CommonSecurityLog"],
      parameters: {
        minPorts: {
          type: "long",
          description: "Distinct destination ports for a source to count as scanning.",
          default: 10,
        },
      },
      window: "7d",
      tactics: ["Reconnaissance", "Discovery"],
      techniques: ["T1595.001", "T1046"],
      columns: [
        "SourceIP",
        "Internal",
        "Attempts",
        "Denied",
        "DistinctPorts",
        "DistinctTargets",
        "Ports",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`CommonSecurityLog
| where TimeGenerated between ({start} .. {end})
| summarize Attempts = count(), Denied = countif(DeviceAction in~ ("deny", "drop", "reset-both", "reset-client", "block", "blocked")),
    DistinctPorts = dcount(DestinationPort), DistinctTargets = dcount(DestinationIP),
    Ports = make_set(DestinationPort, 50), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by SourceIP
| where DistinctPorts >= {minPorts} and Denied * 2 >= Attempts
| extend Internal = ipv4_is_private(SourceIP)
| project SourceIP, Internal, Attempts, Denied, DistinctPorts, DistinctTargets, Ports, FirstSeen, LastSeen
| order by DistinctPorts desc, Attempts desc`,
    },
    {
      name: "deniedThenAllowed",
      description:
        "Internet sources that were denied and later allowed through, with the ports that were let through. A scanner that finds one open door among many closed ones shows what is exposed; real users behind a shared address can produce the same pattern, so check the allowed port and rule.",
      tables: ["CommonSecurityLog"],
      parameters: {},
      window: "7d",
      tactics: ["Reconnaissance", "Initial Access"],
      techniques: ["T1595.001", "T1133"],
      columns: [
        "SourceIP",
        "Denied",
        "Allowed",
        "FirstDenied",
        "FirstAllowed",
        "DeniedPorts",
        "AllowedPorts",
        "AllowedRules",
      ],
      query: String.raw`CommonSecurityLog
| where TimeGenerated between ({start} .. {end})
| where not(ipv4_is_private(SourceIP))
| extend Verdict = iff(DeviceAction in~ ("allow", "accept", "allowed", "permit"), "allowed", "denied")
| summarize Denied = countif(Verdict == "denied"), Allowed = countif(Verdict == "allowed"),
    FirstDenied = minif(TimeGenerated, Verdict == "denied"), FirstAllowed = minif(TimeGenerated, Verdict == "allowed"),
    DeniedPorts = make_set_if(DestinationPort, Verdict == "denied", 20),
    AllowedPorts = make_set_if(DestinationPort, Verdict == "allowed", 20),
    AllowedRules = make_set_if(DeviceCustomString1, Verdict == "allowed", 10)
    by SourceIP
| where Denied > 0 and Allowed > 0 and FirstAllowed > FirstDenied
| project SourceIP, Denied, Allowed, FirstDenied, FirstAllowed, DeniedPorts, AllowedPorts, AllowedRules
| order by Denied desc`,
    },
    {
      name: "rareOutboundDestinations",
      description:
        "Internet destinations that only one or two internal sources reached through the firewall, with sessions and bytes sent. C2 servers and exfiltration endpoints are contacted by the compromised machines alone; a backup provider or a single server's integration is the usual benign entry (the same every day, from the expected server).",
      tables: ["CommonSecurityLog"],
      parameters: {
        maxSources: {
          type: "long",
          description: "A destination is rare when at most this many internal sources reach it.",
          default: 2,
        },
      },
      window: "7d",
      tactics: ["Command and Control", "Exfiltration"],
      techniques: ["T1071.001", "T1041"],
      columns: [
        "DestinationIP",
        "DestinationPorts",
        "Sources",
        "SourceIPs",
        "Sessions",
        "SentBytes",
        "ReceivedBytes",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`CommonSecurityLog
| where TimeGenerated between ({start} .. {end})
| where DeviceAction in~ ("allow", "accept", "allowed", "permit")
| where ipv4_is_private(SourceIP) and not(ipv4_is_private(DestinationIP))
| summarize Sources = dcount(SourceIP), SourceIPs = make_set(SourceIP, 10),
    DestinationPorts = make_set(DestinationPort, 10), Sessions = count(), SentBytes = sum(SentBytes),
    ReceivedBytes = sum(ReceivedBytes), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by DestinationIP
| where Sources <= {maxSources}
| project DestinationIP, DestinationPorts, Sources, SourceIPs, Sessions, SentBytes, ReceivedBytes,
    FirstSeen, LastSeen
| order by Sessions desc`,
    },
    {
      name: "highBytesOut",
      description:
        "Internal sources that sent the most data to one internet destination, with sessions and the sent/received ratio. Exfiltration shows as a large, upload-heavy transfer from a host that does not normally send much (a file server to a file-sharing site); nightly offsite backups and cloud sync look the same, so compare with the host's usual traffic.",
      tables: ["CommonSecurityLog"],
      parameters: {
        minMegabytes: {
          type: "real",
          description: "Least data sent from one source to one destination in the window, in MB.",
          default: 500,
        },
      },
      window: "7d",
      tactics: ["Exfiltration"],
      techniques: ["T1048", "T1567.002", "T1030"],
      columns: [
        "SourceIP",
        "DestinationIP",
        "Sessions",
        "SentBytes",
        "SentMB",
        "ReceivedBytes",
        "UploadRatio",
        "Rules",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`CommonSecurityLog
| where TimeGenerated between ({start} .. {end})
| where DeviceAction in~ ("allow", "accept", "allowed", "permit")
| where ipv4_is_private(SourceIP) and not(ipv4_is_private(DestinationIP))
| summarize Sessions = count(), SentBytes = sum(SentBytes), ReceivedBytes = sum(ReceivedBytes),
    Rules = make_set(DeviceCustomString1, 5), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by SourceIP, DestinationIP
| extend SentMB = round(SentBytes / 1048576.0, 1)
| where SentMB >= {minMegabytes}
| extend UploadRatio = round(todouble(SentBytes) / (ReceivedBytes + 1), 1)
| project SourceIP, DestinationIP, Sessions, SentBytes, SentMB, ReceivedBytes, UploadRatio, Rules,
    FirstSeen, LastSeen
| order by SentBytes desc`,
    },
    {
      name: "largeOutboundSessions",
      description:
        "Single outbound sessions that sent more than a threshold to an internet destination few internal hosts use. One big upload on an otherwise quiet channel is how a credential dump or a staged archive leaves over an existing C2; backup agents and large cloud uploads are the usual benign hits, to well-known destinations.",
      tables: ["CommonSecurityLog"],
      parameters: {
        minMegabytes: {
          type: "real",
          description: "Least data sent in one session, in MB.",
          default: 20,
        },
        maxSources: {
          type: "long",
          description: "Only destinations reached by at most this many internal sources.",
          default: 2,
        },
      },
      window: "7d",
      tactics: ["Exfiltration"],
      techniques: ["T1041", "T1048"],
      columns: [
        "TimeGenerated",
        "SourceIP",
        "DestinationIP",
        "DestinationPort",
        "ApplicationProtocol",
        "SentMB",
        "ReceivedMB",
        "Rule",
      ],
      query: String.raw`let outbound = CommonSecurityLog
    | where TimeGenerated between ({start} .. {end})
    | where DeviceAction in~ ("allow", "accept", "allowed", "permit")
    | where ipv4_is_private(SourceIP) and not(ipv4_is_private(DestinationIP));
let rare = outbound
    | summarize Sources = dcount(SourceIP) by DestinationIP
    | where Sources <= {maxSources};
outbound
| where SentBytes >= {minMegabytes} * 1048576
| join kind=inner rare on DestinationIP
| project TimeGenerated, SourceIP, DestinationIP, DestinationPort, ApplicationProtocol,
    SentMB = round(SentBytes / 1048576.0, 1), ReceivedMB = round(ReceivedBytes / 1048576.0, 1),
    Rule = DeviceCustomString1
| order by TimeGenerated asc`,
    },
    {
      name: "beaconLikeSessions",
      description:
        "Internal sources opening sessions to the same internet address and port at a steady rhythm (low spread of the gaps between sessions relative to their mean). Implants poll their C2 every N seconds with a little jitter; update checks, telemetry and monitoring also poll, usually from many hosts, so check how many sources share the destination.",
      tables: ["CommonSecurityLog"],
      parameters: {
        minSessions: {
          type: "long",
          description: "Fewest sessions for a channel to be considered.",
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
        "SourceIP",
        "DestinationIP",
        "DestinationPort",
        "Sessions",
        "MedianGapSeconds",
        "Jitter",
        "SentBytes",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`CommonSecurityLog
| where TimeGenerated between ({start} .. {end})
| where DeviceAction in~ ("allow", "accept", "allowed", "permit")
| where ipv4_is_private(SourceIP) and not(ipv4_is_private(DestinationIP))
| project TimeGenerated, SourceIP, DestinationIP, DestinationPort, SentBytes
| order by SourceIP asc, DestinationIP asc, DestinationPort asc, TimeGenerated asc
| extend Gap = iff(SourceIP == prev(SourceIP) and DestinationIP == prev(DestinationIP)
    and DestinationPort == prev(DestinationPort),
    datetime_diff("second", TimeGenerated, prev(TimeGenerated)), long(null))
| summarize Sessions = count(), MedianGapSeconds = percentile(Gap, 50), MeanGap = avg(Gap),
    StdevGap = stdev(Gap), SentBytes = sum(SentBytes), FirstSeen = min(TimeGenerated),
    LastSeen = max(TimeGenerated)
    by SourceIP, DestinationIP, DestinationPort
| where Sessions >= {minSessions} and MeanGap > 0
| extend Jitter = round(StdevGap / MeanGap, 2)
| where Jitter <= {maxJitter}
| project SourceIP, DestinationIP, DestinationPort, Sessions, MedianGapSeconds, Jitter, SentBytes,
    FirstSeen, LastSeen
| order by Jitter asc`,
    },
    {
      name: "trafficOfIp",
      description:
        "Every firewall session to or from an address (also as a NAT-translated address), per peer, port, action and rule, with bytes each way. The first look at an address from an alert: what it reached, what was blocked, and how much data moved.",
      tables: ["CommonSecurityLog"],
      parameters: {
        ip: { type: "ip", description: "The IP address.", example: "203.0.113.45" },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "SourceIP",
        "DestinationIP",
        "DestinationPort",
        "TranslatedDestination",
        "DeviceAction",
        "Rule",
        "Sessions",
        "SentBytes",
        "ReceivedBytes",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`CommonSecurityLog
| where TimeGenerated between ({start} .. {end})
| where SourceIP == {ip} or DestinationIP == {ip} or DestinationTranslatedAddress == {ip}
    or SourceTranslatedAddress == {ip}
| extend TranslatedDestination = iff(isnotempty(DestinationTranslatedAddress) and DestinationTranslatedAddress != "0.0.0.0",
    strcat(DestinationTranslatedAddress, ":", DestinationTranslatedPort), "")
| summarize Sessions = count(), SentBytes = sum(SentBytes), ReceivedBytes = sum(ReceivedBytes),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by SourceIP, DestinationIP, DestinationPort, TranslatedDestination, DeviceAction, Rule = DeviceCustomString1
| project SourceIP, DestinationIP, DestinationPort, TranslatedDestination, DeviceAction, Rule, Sessions,
    SentBytes, ReceivedBytes, FirstSeen, LastSeen
| order by FirstSeen asc`,
    },
    {
      name: "trafficToPort",
      description:
        "Firewall sessions to a destination port (before or after NAT), per source, destination and action. Shows who reaches a service, from inside or outside, and what the firewall did with it; use it to scope exposure of a port once one source is known.",
      tables: ["CommonSecurityLog"],
      parameters: {
        port: { type: "long", description: "The destination port.", example: 3389 },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "SourceIP",
        "SourceInternal",
        "DestinationIP",
        "DestinationPort",
        "TranslatedDestination",
        "DeviceAction",
        "Rule",
        "Sessions",
        "SentBytes",
        "ReceivedBytes",
        "FirstSeen",
        "LastSeen",
      ],
      query: String.raw`CommonSecurityLog
| where TimeGenerated between ({start} .. {end})
| where DestinationPort == {port} or DestinationTranslatedPort == {port}
| extend TranslatedDestination = iff(isnotempty(DestinationTranslatedAddress) and DestinationTranslatedAddress != "0.0.0.0",
    strcat(DestinationTranslatedAddress, ":", DestinationTranslatedPort), "")
| summarize Sessions = count(), SentBytes = sum(SentBytes), ReceivedBytes = sum(ReceivedBytes),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by SourceIP, DestinationIP, DestinationPort, TranslatedDestination, DeviceAction, Rule = DeviceCustomString1
| extend SourceInternal = ipv4_is_private(SourceIP)
| project SourceIP, SourceInternal, DestinationIP, DestinationPort, TranslatedDestination, DeviceAction,
    Rule, Sessions, SentBytes, ReceivedBytes, FirstSeen, LastSeen
| order by ReceivedBytes desc`,
    },
  ],
};
