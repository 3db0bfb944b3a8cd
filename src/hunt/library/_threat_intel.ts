/**
 * The "threatIntel" family: ThreatIntelligenceIndicator on its own and matched against
 * sign-ins, firewall, DNS, Defender network, process and file events, and Microsoft 365
 * audit.
 *
 * Every match query reads the indicators over their own lookback (`indicatorLookback`,
 * ending at the window's end), keeps the latest version of each indicator, and drops
 * revoked or expired ones, so an indicator published after the activity still matches it.
 *
 * @module
 */
import type { HuntFamily } from "../types.ts";

const LOOKBACK = {
  type: "timespan",
  description: "How far back to read indicators, counted from the end of the window.",
  default: "30d",
} as const;

const MIN_CONFIDENCE = {
  type: "long",
  description: "Only indicators with at least this confidence score (0-100).",
  default: 0,
} as const;

/** Queries over ThreatIntelligenceIndicator. */
export const FAMILY: HuntFamily = {
  name: "threatIntel",
  description:
    "Threat-intelligence indicators: which are active, and where known-bad IPs, domains, URLs and file hashes appear in sign-ins, firewall, DNS, endpoint and Microsoft 365 data.",
  queries: [
    {
      name: "activeIndicators",
      description:
        "The indicators currently active (latest version of each, not revoked, not expired), optionally of one kind. Context for a hunt: what the feeds know, from which provider and with what confidence; a large, stale feed is a source of false positives rather than of findings.",
      tables: ["ThreatIntelligenceIndicator"],
      parameters: {
        indicatorType: {
          type: "string",
          description: 'One of "ip", "domain", "url", "hash", "email"; empty for all.',
          default: "",
          example: "ip",
        },
        minConfidence: MIN_CONFIDENCE,
      },
      window: "30d",
      tactics: [],
      techniques: [],
      columns: [
        "IndicatorType",
        "Indicator",
        "ThreatType",
        "ConfidenceScore",
        "IndicatorProvider",
        "Description",
        "LastUpdated",
        "ExpirationDateTime",
      ],
      query: `ThreatIntelligenceIndicator
| where TimeGenerated between ({start} .. {end})
| summarize arg_max(TimeGenerated, *) by IndicatorId
| where Active == true and ExpirationDateTime > {end} and ConfidenceScore >= {minConfidence}
| extend IndicatorType = case(
    isnotempty(NetworkIP) or isnotempty(NetworkDestinationIP) or isnotempty(NetworkSourceIP), "ip",
    isnotempty(DomainName), "domain",
    isnotempty(Url), "url",
    isnotempty(FileHashValue), "hash",
    isnotempty(EmailSenderAddress), "email",
    "other")
| extend Indicator = coalesce(NetworkIP, NetworkDestinationIP, NetworkSourceIP, DomainName, Url,
    FileHashValue, EmailSenderAddress)
| where isempty({indicatorType}) or IndicatorType == {indicatorType}
| project IndicatorType, Indicator, ThreatType, ConfidenceScore, IndicatorProvider, Description,
    LastUpdated = TimeGenerated, ExpirationDateTime
| order by IndicatorType asc, ConfidenceScore desc`,
    },
    {
      name: "indicatorsOfIp",
      description:
        "What the threat-intelligence feeds say about one IP address, including revoked and expired entries. Context for an IP: a hit raises its weight in the investigation, while no hit means only that no feed knows it.",
      tables: ["ThreatIntelligenceIndicator"],
      parameters: {
        ip: { type: "ip", description: "The IP address.", example: "203.0.113.61" },
      },
      window: "90d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "ThreatType",
        "ConfidenceScore",
        "IndicatorProvider",
        "Description",
        "Active",
        "ExpirationDateTime",
        "Tags",
      ],
      query: `ThreatIntelligenceIndicator
| where TimeGenerated between ({start} .. {end})
| where NetworkIP == {ip} or NetworkSourceIP == {ip} or NetworkDestinationIP == {ip}
    or EmailSourceIpAddress == {ip}
| summarize arg_max(TimeGenerated, *) by IndicatorId
| project TimeGenerated, ThreatType, ConfidenceScore, IndicatorProvider, Description, Active,
    ExpirationDateTime, Tags
| order by TimeGenerated desc`,
    },
    {
      name: "indicatorsOfDomain",
      description:
        "What the threat-intelligence feeds say about a domain, its subdomains, or URLs on it, including revoked and expired entries. Context for a domain or host name.",
      tables: ["ThreatIntelligenceIndicator"],
      parameters: {
        domain: {
          type: "domain",
          description: "The domain or host name.",
          example: "datapipe-metrics.example",
        },
      },
      window: "90d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "Indicator",
        "ThreatType",
        "ConfidenceScore",
        "IndicatorProvider",
        "Description",
        "Active",
        "ExpirationDateTime",
      ],
      query: `ThreatIntelligenceIndicator
| where TimeGenerated between ({start} .. {end})
| extend UrlHost = tostring(parse_url(Url).Host)
| where DomainName =~ {domain} or DomainName endswith strcat(".", {domain})
    or (isnotempty(DomainName) and {domain} endswith strcat(".", DomainName))
    or UrlHost =~ {domain} or UrlHost endswith strcat(".", {domain})
| summarize arg_max(TimeGenerated, *) by IndicatorId
| project TimeGenerated, Indicator = coalesce(DomainName, Url), ThreatType, ConfidenceScore,
    IndicatorProvider, Description, Active, ExpirationDateTime
| order by TimeGenerated desc`,
    },
    {
      name: "indicatorsOfHash",
      description:
        "What the threat-intelligence feeds say about a file hash (MD5, SHA-1 or SHA-256), with the malware names and file names they give. Context for a file hash.",
      tables: ["ThreatIntelligenceIndicator"],
      parameters: {
        hash: {
          type: "hash",
          description: "The file hash (any of MD5, SHA-1, SHA-256).",
          example: "0948146323536bc15d87e1324ae5e91efacfb0ad1d855f91d443c0678f3eac29",
        },
      },
      window: "90d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "FileHashType",
        "ThreatType",
        "MalwareNames",
        "FileName",
        "ConfidenceScore",
        "IndicatorProvider",
        "Description",
        "Active",
      ],
      query: `ThreatIntelligenceIndicator
| where TimeGenerated between ({start} .. {end})
| where FileHashValue =~ {hash}
| summarize arg_max(TimeGenerated, *) by IndicatorId
| project TimeGenerated, FileHashType, ThreatType, MalwareNames, FileName, ConfidenceScore,
    IndicatorProvider, Description, Active
| order by TimeGenerated desc`,
    },
    {
      name: "indicatorsOfUrl",
      description:
        "What the threat-intelligence feeds say about a URL, matched exactly or on its host. Context for a URL from a mail, a proxy log or a decoded command line.",
      tables: ["ThreatIntelligenceIndicator"],
      parameters: {
        url: {
          type: "url",
          description: "The URL.",
          example: "https://auth-files91.example/drive/337b89e7",
        },
      },
      window: "90d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "Indicator",
        "ThreatType",
        "ConfidenceScore",
        "IndicatorProvider",
        "Description",
        "Active",
      ],
      query: `ThreatIntelligenceIndicator
| where TimeGenerated between ({start} .. {end})
| extend UrlHost = tostring(parse_url({url}).Host)
| where Url =~ {url} or (isnotempty(UrlHost) and (DomainName =~ UrlHost or tostring(parse_url(Url).Host) =~ UrlHost))
| summarize arg_max(TimeGenerated, *) by IndicatorId
| project TimeGenerated, Indicator = coalesce(Url, DomainName), ThreatType, ConfidenceScore,
    IndicatorProvider, Description, Active
| order by TimeGenerated desc`,
    },
    {
      name: "ipIndicatorsInSignins",
      description:
        "Entra ID sign-ins (failed and successful) from IP addresses that an active indicator lists, by address. Password spray and token replay often come from infrastructure the feeds already know; a success from such an address needs immediate follow-up. Shared VPN and cloud egress addresses are the usual false positives.",
      tables: ["ThreatIntelligenceIndicator", "SigninLogs"],
      parameters: {
        indicatorLookback: LOOKBACK,
        minConfidence: MIN_CONFIDENCE,
      },
      window: "14d",
      tactics: ["Initial Access", "Credential Access"],
      techniques: ["T1078", "T1110"],
      columns: [
        "IPAddress",
        "ThreatType",
        "ConfidenceScore",
        "Description",
        "Attempts",
        "Successes",
        "Accounts",
        "SuccessfulAccounts",
        "FirstSeen",
        "LastSeen",
      ],
      query: `ThreatIntelligenceIndicator
| where TimeGenerated between ({end} - {indicatorLookback} .. {end})
| where isnotempty(NetworkIP)
| summarize arg_max(TimeGenerated, *) by IndicatorId
| where Active == true and ExpirationDateTime > {end} and ConfidenceScore >= {minConfidence}
| summarize arg_max(ConfidenceScore, ThreatType, Description) by NetworkIP
| join kind=inner (
    SigninLogs
    | where TimeGenerated between ({start} .. {end})
    | summarize Attempts = count(), Successes = countif(ResultType == "0"),
        Accounts = dcount(UserPrincipalName),
        SuccessfulAccounts = make_set_if(UserPrincipalName, ResultType == "0", 20),
        FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
        by IPAddress
  ) on $left.NetworkIP == $right.IPAddress
| project IPAddress, ThreatType, ConfidenceScore, Description, Attempts, Successes, Accounts,
    SuccessfulAccounts, FirstSeen, LastSeen
| order by Attempts desc`,
    },
    {
      name: "ipIndicatorsInFirewall",
      description:
        "Firewall and proxy sessions (CommonSecurityLog) to or from IP addresses that an active indicator lists, by direction and device action. Outbound allowed traffic to a C2 or malware address suggests an infected host; inbound traffic from scanners listed as watch-list entries is mostly noise unless it was allowed.",
      tables: ["ThreatIntelligenceIndicator", "CommonSecurityLog"],
      parameters: {
        indicatorLookback: LOOKBACK,
        minConfidence: MIN_CONFIDENCE,
      },
      window: "7d",
      tactics: ["Command and Control"],
      techniques: ["T1071"],
      columns: [
        "IndicatorIP",
        "ThreatType",
        "ConfidenceScore",
        "Direction",
        "DeviceAction",
        "Sessions",
        "InternalHosts",
        "Ports",
        "SentBytes",
        "FirstSeen",
        "LastSeen",
      ],
      query: `let Indicators = ThreatIntelligenceIndicator
    | where TimeGenerated between ({end} - {indicatorLookback} .. {end})
    | where isnotempty(NetworkIP)
    | summarize arg_max(TimeGenerated, *) by IndicatorId
    | where Active == true and ExpirationDateTime > {end} and ConfidenceScore >= {minConfidence}
    | summarize arg_max(ConfidenceScore, ThreatType) by NetworkIP;
let Sessions = CommonSecurityLog
    | where TimeGenerated between ({start} .. {end})
    | where isnotempty(SourceIP) and isnotempty(DestinationIP);
union
    (Sessions | join kind=inner Indicators on $left.DestinationIP == $right.NetworkIP
        | extend Direction = "outbound", InternalHost = SourceIP),
    (Sessions | join kind=inner Indicators on $left.SourceIP == $right.NetworkIP
        | extend Direction = "inbound", InternalHost = DestinationIP)
| summarize Sessions = count(), InternalHosts = make_set(InternalHost, 20),
    Ports = make_set(DestinationPort, 20), SentBytes = sum(SentBytes),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by IndicatorIP = NetworkIP, ThreatType, ConfidenceScore, Direction, DeviceAction
| order by Direction desc, Sessions desc`,
    },
    {
      name: "ipIndicatorsInDeviceNetwork",
      description:
        "Connections seen by Defender for Endpoint to IP addresses an active indicator lists, with the device and the process that made them. A process talking to a known C2 address is a strong lead; browsers reaching a listed shared-hosting address are a frequent benign cause.",
      tables: ["ThreatIntelligenceIndicator", "DeviceNetworkEvents"],
      parameters: {
        indicatorLookback: LOOKBACK,
        minConfidence: MIN_CONFIDENCE,
      },
      window: "7d",
      tactics: ["Command and Control"],
      techniques: ["T1071"],
      columns: [
        "DeviceName",
        "InitiatingProcessFileName",
        "RemoteIP",
        "RemotePort",
        "ThreatType",
        "ConfidenceScore",
        "Connections",
        "FirstSeen",
        "LastSeen",
      ],
      query: `ThreatIntelligenceIndicator
| where TimeGenerated between ({end} - {indicatorLookback} .. {end})
| where isnotempty(NetworkIP)
| summarize arg_max(TimeGenerated, *) by IndicatorId
| where Active == true and ExpirationDateTime > {end} and ConfidenceScore >= {minConfidence}
| summarize arg_max(ConfidenceScore, ThreatType) by NetworkIP
| join kind=inner (
    DeviceNetworkEvents
    | where TimeGenerated between ({start} .. {end})
    | where isnotempty(RemoteIP)
  ) on $left.NetworkIP == $right.RemoteIP
| summarize Connections = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort, ThreatType, ConfidenceScore
| order by Connections desc`,
    },
    {
      name: "domainIndicatorsInDns",
      description:
        "DNS lookups (DnsEvents) of domains an active indicator lists, or of their subdomains, by client. A client resolving a C2 or tunnelling domain is probably infected; a single lookup from a mail or web security gateway checking a link is a common benign cause.",
      tables: ["ThreatIntelligenceIndicator", "DnsEvents"],
      parameters: {
        indicatorLookback: LOOKBACK,
        minConfidence: MIN_CONFIDENCE,
      },
      window: "7d",
      tactics: ["Command and Control"],
      techniques: ["T1071.004"],
      columns: [
        "IndicatorDomain",
        "ThreatType",
        "ConfidenceScore",
        "ClientIP",
        "Lookups",
        "UniqueNames",
        "SampleNames",
        "FirstSeen",
        "LastSeen",
      ],
      query: `let Indicators = ThreatIntelligenceIndicator
    | where TimeGenerated between ({end} - {indicatorLookback} .. {end})
    | where isnotempty(DomainName)
    | summarize arg_max(TimeGenerated, *) by IndicatorId
    | where Active == true and ExpirationDateTime > {end} and ConfidenceScore >= {minConfidence}
    | summarize arg_max(ConfidenceScore, ThreatType) by IndicatorDomain = tolower(DomainName);
DnsEvents
| where TimeGenerated between ({start} .. {end})
| where SubType == "LookupQuery"
// Match the name itself and each parent domain down to two labels.
| extend Labels = split(tolower(trim_end(@"\\.", Name)), ".")
| mv-expand Skip = range(0, array_length(Labels) - 2) to typeof(long)
| extend IndicatorDomain = strcat_array(array_slice(Labels, Skip, -1), ".")
| join kind=inner Indicators on IndicatorDomain
| summarize Lookups = count(), UniqueNames = dcount(Name), SampleNames = make_set(Name, 5),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by IndicatorDomain, ThreatType, ConfidenceScore, ClientIP
| order by Lookups desc`,
    },
    {
      name: "urlIndicatorsInDeviceNetwork",
      description:
        "Connections seen by Defender for Endpoint whose RemoteUrl is a URL, host or domain an active indicator lists, with device and process. A browser reaching a phishing URL means someone may have entered credentials; a process reaching a malware host suggests a download or C2.",
      tables: ["ThreatIntelligenceIndicator", "DeviceNetworkEvents"],
      parameters: {
        indicatorLookback: LOOKBACK,
        minConfidence: MIN_CONFIDENCE,
      },
      window: "7d",
      tactics: ["Initial Access", "Command and Control"],
      techniques: ["T1566.002", "T1071.001"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "InitiatingProcessAccountName",
        "InitiatingProcessFileName",
        "RemoteUrl",
        "RemoteIP",
        "Indicator",
        "ThreatType",
        "ConfidenceScore",
      ],
      query: `let Indicators = ThreatIntelligenceIndicator
    | where TimeGenerated between ({end} - {indicatorLookback} .. {end})
    | where isnotempty(Url) or isnotempty(DomainName)
    | summarize arg_max(TimeGenerated, *) by IndicatorId
    | where Active == true and ExpirationDateTime > {end} and ConfidenceScore >= {minConfidence}
    | extend Host = tolower(coalesce(tostring(parse_url(Url).Host), DomainName)),
        Indicator = coalesce(Url, DomainName)
    | where isnotempty(Host)
    | summarize arg_max(ConfidenceScore, ThreatType, Indicator) by Host;
DeviceNetworkEvents
| where TimeGenerated between ({start} .. {end})
| where isnotempty(RemoteUrl)
| extend Host = tolower(iff(RemoteUrl has "://", tostring(parse_url(RemoteUrl).Host),
    tostring(split(RemoteUrl, "/")[0])))
| join kind=inner Indicators on Host
| project TimeGenerated, DeviceName, InitiatingProcessAccountName, InitiatingProcessFileName, RemoteUrl,
    RemoteIP, Indicator, ThreatType, ConfidenceScore
| order by TimeGenerated asc`,
    },
    {
      name: "hashIndicatorsInProcesses",
      description:
        "Processes started (DeviceProcessEvents) whose image or parent image hash an active indicator lists. A listed hash running is close to a confirmed infection; hacking tools that admins also use (PsExec, procdump) can appear in feeds, so check who ran them.",
      tables: ["ThreatIntelligenceIndicator", "DeviceProcessEvents"],
      parameters: {
        indicatorLookback: LOOKBACK,
        minConfidence: MIN_CONFIDENCE,
      },
      window: "14d",
      tactics: ["Execution"],
      techniques: ["T1204.002"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "AccountName",
        "FileName",
        "FolderPath",
        "ProcessCommandLine",
        "MatchedHash",
        "ThreatType",
        "MalwareNames",
        "ConfidenceScore",
      ],
      query: `let Indicators = ThreatIntelligenceIndicator
    | where TimeGenerated between ({end} - {indicatorLookback} .. {end})
    | where isnotempty(FileHashValue)
    | summarize arg_max(TimeGenerated, *) by IndicatorId
    | where Active == true and ExpirationDateTime > {end} and ConfidenceScore >= {minConfidence}
    | summarize arg_max(ConfidenceScore, ThreatType, MalwareNames) by MatchedHash = tolower(FileHashValue);
DeviceProcessEvents
| where TimeGenerated between ({start} .. {end})
| mv-expand MatchedHash = pack_array(tolower(SHA256), tolower(SHA1), tolower(MD5),
    tolower(InitiatingProcessSHA256), tolower(InitiatingProcessSHA1), tolower(InitiatingProcessMD5)) to typeof(string)
| where isnotempty(MatchedHash)
| join kind=inner Indicators on MatchedHash
| project TimeGenerated, DeviceName, AccountName, FileName, FolderPath, ProcessCommandLine, MatchedHash,
    ThreatType, MalwareNames, ConfidenceScore
| order by TimeGenerated asc`,
    },
    {
      name: "hashIndicatorsInFileEvents",
      description:
        "Files created, modified or renamed on endpoints (DeviceFileEvents) whose hash an active indicator lists, with the process that wrote them. It finds malware dropped but perhaps never run; quarantine by the antivirus right after is common and should be checked.",
      tables: ["ThreatIntelligenceIndicator", "DeviceFileEvents"],
      parameters: {
        indicatorLookback: LOOKBACK,
        minConfidence: MIN_CONFIDENCE,
      },
      window: "14d",
      tactics: ["Command and Control"],
      techniques: ["T1105"],
      columns: [
        "TimeGenerated",
        "DeviceName",
        "ActionType",
        "FileName",
        "FolderPath",
        "InitiatingProcessFileName",
        "InitiatingProcessAccountName",
        "MatchedHash",
        "ThreatType",
        "ConfidenceScore",
      ],
      query: `let Indicators = ThreatIntelligenceIndicator
    | where TimeGenerated between ({end} - {indicatorLookback} .. {end})
    | where isnotempty(FileHashValue)
    | summarize arg_max(TimeGenerated, *) by IndicatorId
    | where Active == true and ExpirationDateTime > {end} and ConfidenceScore >= {minConfidence}
    | summarize arg_max(ConfidenceScore, ThreatType) by MatchedHash = tolower(FileHashValue);
DeviceFileEvents
| where TimeGenerated between ({start} .. {end})
| mv-expand MatchedHash = pack_array(tolower(SHA256), tolower(SHA1), tolower(MD5)) to typeof(string)
| where isnotempty(MatchedHash)
| join kind=inner Indicators on MatchedHash
| project TimeGenerated, DeviceName, ActionType, FileName, FolderPath, InitiatingProcessFileName,
    InitiatingProcessAccountName, MatchedHash, ThreatType, ConfidenceScore
| order by TimeGenerated asc`,
    },
    {
      name: "indicatorsInOfficeActivity",
      description:
        "Microsoft 365 audit events (inbox rules, mailbox settings, sharing, file activity) that name a domain, URL host or email address an active indicator lists, for example a forwarding rule to a known-bad address. Links to listed domains pasted into documents can match harmlessly.",
      tables: ["ThreatIntelligenceIndicator", "OfficeActivity"],
      parameters: {
        indicatorLookback: LOOKBACK,
        minConfidence: MIN_CONFIDENCE,
      },
      window: "14d",
      tactics: ["Collection", "Exfiltration"],
      techniques: ["T1114.003", "T1567"],
      columns: [
        "TimeGenerated",
        "UserId",
        "ClientIP",
        "Operation",
        "MatchedDomain",
        "Indicator",
        "ThreatType",
        "ConfidenceScore",
        "OfficeObjectId",
      ],
      query: `let Indicators = ThreatIntelligenceIndicator
    | where TimeGenerated between ({end} - {indicatorLookback} .. {end})
    | where isnotempty(DomainName) or isnotempty(Url) or isnotempty(EmailSenderAddress)
    | summarize arg_max(TimeGenerated, *) by IndicatorId
    | where Active == true and ExpirationDateTime > {end} and ConfidenceScore >= {minConfidence}
    | extend MatchedDomain = tolower(coalesce(DomainName, tostring(parse_url(Url).Host),
        tostring(split(EmailSenderAddress, "@")[1]))),
        Indicator = coalesce(DomainName, Url, EmailSenderAddress)
    | where isnotempty(MatchedDomain)
    | summarize arg_max(ConfidenceScore, ThreatType, Indicator) by MatchedDomain;
OfficeActivity
| where TimeGenerated between ({start} .. {end})
| extend Text = strcat(Parameters, " ", OfficeObjectId, " ", Site_Url, " ", UserSharedWith)
| extend MatchedDomain = tolower(extract(@"(?:https?://|@)([A-Za-z0-9][A-Za-z0-9.-]*\\.[A-Za-z]{2,})", 1, Text))
| where isnotempty(MatchedDomain)
| join kind=inner Indicators on MatchedDomain
| project TimeGenerated, UserId, ClientIP, Operation, MatchedDomain, Indicator, ThreatType, ConfidenceScore,
    OfficeObjectId
| order by TimeGenerated asc`,
    },
  ],
};
