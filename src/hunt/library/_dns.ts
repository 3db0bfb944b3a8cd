/**
 * The "dns" family: Windows DNS server query logs (DnsEvents) for tunnelling, beaconing,
 * rare and new domains, failed-lookup bursts, and context on a domain or a client.
 *
 * Parent domains are approximated by the last two labels of a name, which is what an
 * analyst writes by hand; names under multi-label public suffixes (co.uk) group one level
 * too high, which is harmless for ranking.
 *
 * @module
 */
import type { HuntFamily } from "../types.ts";

/** Queries over DnsEvents. */
export const FAMILY: HuntFamily = {
  name: "dns",
  description:
    "DNS query logs: tunnelling, beacon-like lookups, rare and newly seen domains, failed-lookup bursts, TXT-heavy clients, and the lookups of a domain, a client or an address.",
  queries: [
    {
      name: "tunnellingLongLabels",
      description:
        "Parent domains queried with long first labels (encoded data), ranked by how many distinct names each client asked for. DNS tunnels carry data in base32/hex labels of 30+ characters under one attacker domain from one or two clients; antivirus and CDN reputation lookups also use long hashed labels, but from every machine at a low rate, so look at NamesPerClient.",
      tables: ["DnsEvents"],
      parameters: {
        minLabelLength: {
          type: "long",
          description: "Shortest first label that counts as long.",
          default: 30,
        },
      },
      window: "7d",
      tactics: ["Command and Control", "Exfiltration"],
      techniques: ["T1071.004", "T1048"],
      columns: [
        "ParentDomain",
        "Queries",
        "UniqueNames",
        "Clients",
        "NamesPerClient",
        "AvgNameLength",
        "QueryTypes",
        "FirstSeen",
        "LastSeen",
      ],
      query: `DnsEvents
| where TimeGenerated between ({start} .. {end})
| where SubType == "LookupQuery"
| extend Labels = split(Name, ".")
| where strlen(tostring(Labels[0])) >= {minLabelLength}
| extend ParentDomain = tolower(strcat(tostring(Labels[-2]), ".", tostring(Labels[-1])))
| summarize Queries = count(), UniqueNames = dcount(Name), Clients = dcount(ClientIP),
    AvgNameLength = round(avg(strlen(Name)), 1), QueryTypes = make_set(QueryType, 5),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by ParentDomain
| extend NamesPerClient = round(todouble(UniqueNames) / Clients, 1)
| project ParentDomain, Queries, UniqueNames, Clients, NamesPerClient, AvgNameLength, QueryTypes,
    FirstSeen, LastSeen
| order by NamesPerClient desc`,
    },
    {
      name: "manySubdomainsPerClient",
      description:
        "Clients that asked for an unusually large number of distinct names under one parent domain in a day. Tunnelling and DNS exfiltration need a fresh name per chunk; CDNs, telemetry and reputation services also spread names, but rarely to hundreds a day from one machine.",
      tables: ["DnsEvents"],
      parameters: {
        threshold: {
          type: "long",
          description: "Distinct names under one parent domain from one client in a day.",
          default: 200,
        },
      },
      window: "7d",
      tactics: ["Command and Control", "Exfiltration"],
      techniques: ["T1071.004", "T1048"],
      columns: [
        "Day",
        "ClientIP",
        "ParentDomain",
        "UniqueNames",
        "Queries",
        "QueryTypes",
        "SampleNames",
      ],
      query: `DnsEvents
| where TimeGenerated between ({start} .. {end})
| where SubType == "LookupQuery"
| extend Labels = split(tolower(Name), ".")
| where array_length(Labels) > 2
| extend ParentDomain = strcat(tostring(Labels[-2]), ".", tostring(Labels[-1]))
| summarize UniqueNames = dcount(Name), Queries = count(), QueryTypes = make_set(QueryType, 5),
    SampleNames = make_set(Name, 3)
    by Day = bin(TimeGenerated, 1d), ClientIP, ParentDomain
| where UniqueNames >= {threshold}
| order by UniqueNames desc`,
    },
    {
      name: "beaconLikeLookups",
      description:
        "Client and name pairs looked up many times at a steady interval (low spread of the gaps between lookups). Implants resolve their C2 name on a timer; the DNS cache stretches the gaps to the record's TTL, so expect minutes rather than seconds. Software update checks, NTP and monitoring agents are periodic too, so check whether the name is known and how many clients share it.",
      tables: ["DnsEvents"],
      parameters: {
        minLookups: {
          type: "long",
          description: "Fewest lookups of one name by one client to be considered.",
          default: 50,
        },
        maxJitter: {
          type: "real",
          description:
            "Largest spread of the gaps (standard deviation / mean) that counts as steady.",
          default: 0.5,
        },
      },
      window: "3d",
      tactics: ["Command and Control"],
      techniques: ["T1071.004", "T1071.001"],
      columns: [
        "ClientIP",
        "Name",
        "Lookups",
        "MedianGapSeconds",
        "Jitter",
        "NameClients",
        "FirstSeen",
        "LastSeen",
      ],
      query: `let Lookups = DnsEvents
    | where TimeGenerated between ({start} .. {end})
    | where SubType == "LookupQuery"
    | extend Name = tolower(Name);
let NameSpread = Lookups | summarize NameClients = dcount(ClientIP) by Name;
Lookups
| project TimeGenerated, ClientIP, Name
| order by ClientIP asc, Name asc, TimeGenerated asc
| extend Gap = iff(prev(ClientIP) == ClientIP and prev(Name) == Name,
    datetime_diff("second", TimeGenerated, prev(TimeGenerated)), long(null))
| summarize Lookups = count(), MedianGapSeconds = percentile(Gap, 50), MeanGap = avg(Gap),
    StdevGap = stdev(Gap), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by ClientIP, Name
| where Lookups >= {minLookups} and MeanGap > 0
| extend Jitter = round(StdevGap / MeanGap, 2)
| where Jitter <= {maxJitter}
| join kind=inner NameSpread on Name
| project ClientIP, Name, Lookups, MedianGapSeconds, Jitter, NameClients, FirstSeen, LastSeen
| order by NameClients asc, Jitter asc`,
    },
    {
      name: "rareDomains",
      description:
        "Parent domains that only a few clients looked up in the window, with the names and clients. Attacker infrastructure is usually reached by the few machines it controls, while business domains are shared; one-off visits to small websites are the usual benign hits, so weigh repeat lookups and odd names.",
      tables: ["DnsEvents"],
      parameters: {
        maxClients: {
          type: "long",
          description:
            "Most clients that may have looked a parent domain up for it to count as rare.",
          default: 1,
        },
        internalSuffix: {
          type: "string",
          description:
            "The organisation's own DNS suffix, left out (for example corp.contoso.com); empty for none.",
          default: "",
          example: "larkspurlogistics.example",
        },
      },
      window: "7d",
      tactics: ["Command and Control"],
      techniques: ["T1071.004"],
      columns: [
        "ParentDomain",
        "Clients",
        "ClientIPs",
        "Lookups",
        "UniqueNames",
        "SampleNames",
        "FirstSeen",
        "LastSeen",
      ],
      query: `DnsEvents
| where TimeGenerated between ({start} .. {end})
| where SubType == "LookupQuery"
| extend Name = tolower(Name)
| where isempty({internalSuffix}) or not(Name endswith tolower({internalSuffix}))
| where Name contains "." and not(Name endswith ".arpa") and not(Name endswith ".local")
| extend Labels = split(Name, ".")
| extend ParentDomain = strcat(tostring(Labels[-2]), ".", tostring(Labels[-1]))
| summarize Clients = dcount(ClientIP), ClientIPs = make_set(ClientIP, 5), Lookups = count(),
    UniqueNames = dcount(Name), SampleNames = make_set(Name, 5),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by ParentDomain
| where Clients <= {maxClients}
| order by Lookups desc`,
    },
    {
      name: "newlySeenDomains",
      description:
        "Parent domains first looked up in the recent part of the window and never in the earlier part (the baseline). New C2, staging and exfiltration domains appear this way during an intrusion; new SaaS tools, marketing links and news sites are benign newcomers, so focus on those few clients use repeatedly.",
      tables: ["DnsEvents"],
      parameters: {
        recent: {
          type: "timespan",
          description:
            "How far back from the end of the window counts as recent; earlier is the baseline.",
          default: "1d",
          example: "4d",
        },
      },
      window: "14d",
      tactics: ["Command and Control"],
      techniques: ["T1071.004", "T1583.001"],
      columns: ["ParentDomain", "FirstSeen", "Clients", "ClientIPs", "Lookups", "SampleNames"],
      query: `DnsEvents
| where TimeGenerated between ({start} .. {end})
| where SubType == "LookupQuery"
| extend Labels = split(tolower(Name), ".")
| where array_length(Labels) >= 2
| extend ParentDomain = strcat(tostring(Labels[-2]), ".", tostring(Labels[-1]))
| summarize FirstSeen = min(TimeGenerated), Clients = dcount(ClientIP), ClientIPs = make_set(ClientIP, 5),
    Lookups = count(), SampleNames = make_set(Name, 5)
    by ParentDomain
| where FirstSeen >= {end} - {recent}
| order by FirstSeen asc`,
    },
    {
      name: "nxdomainBursts",
      description:
        "Clients with a burst of failed lookups (NXDOMAIN) for many different names in an hour. Malware with a domain generation algorithm tries many random names until one resolves; misconfigured search suffixes, typos and WPAD/ISATAP probing fail repeatedly too, but for few distinct names.",
      tables: ["DnsEvents"],
      parameters: {
        threshold: {
          type: "long",
          description: "Distinct names that failed from one client in an hour.",
          default: 25,
        },
      },
      window: "7d",
      tactics: ["Command and Control"],
      techniques: ["T1568.002"],
      columns: ["Hour", "ClientIP", "FailedNames", "Failures", "ParentDomains", "SampleNames"],
      query: `DnsEvents
| where TimeGenerated between ({start} .. {end})
| where SubType == "LookupQuery" and ResultCode == 3
| extend Labels = split(tolower(Name), ".")
| extend ParentDomain = strcat(tostring(Labels[-2]), ".", tostring(Labels[-1]))
| summarize FailedNames = dcount(Name), Failures = count(), ParentDomains = dcount(ParentDomain),
    SampleNames = make_set(Name, 5)
    by Hour = bin(TimeGenerated, 1h), ClientIP
| where FailedNames >= {threshold}
| order by FailedNames desc`,
    },
    {
      name: "txtHeavyClients",
      description:
        "Clients ranked by how many TXT lookups they make and what share of their lookups are TXT. TXT records carry the most data per answer and are the favourite record type of DNS tunnels and C2; SPF/DKIM checks by mail servers and antivirus reputation lookups are the normal TXT users.",
      tables: ["DnsEvents"],
      parameters: {
        minTxt: {
          type: "long",
          description: "Fewest TXT lookups from a client for it to be listed.",
          default: 100,
        },
      },
      window: "7d",
      tactics: ["Command and Control"],
      techniques: ["T1071.004"],
      columns: [
        "ClientIP",
        "TxtLookups",
        "Lookups",
        "TxtShare",
        "TxtParentDomains",
        "TopTxtDomains",
      ],
      query: `DnsEvents
| where TimeGenerated between ({start} .. {end})
| where SubType == "LookupQuery"
| extend Labels = split(tolower(Name), ".")
| extend ParentDomain = strcat(tostring(Labels[-2]), ".", tostring(Labels[-1]))
| summarize TxtLookups = countif(QueryType == "TXT"), Lookups = count(),
    TxtParentDomains = dcountif(ParentDomain, QueryType == "TXT"),
    TopTxtDomains = make_set_if(ParentDomain, QueryType == "TXT", 5)
    by ClientIP
| where TxtLookups >= {minTxt}
| extend TxtShare = round(todouble(TxtLookups) / Lookups, 2)
| project ClientIP, TxtLookups, Lookups, TxtShare, TxtParentDomains, TopTxtDomains
| order by TxtLookups desc`,
    },
    {
      name: "lookupsOfDomain",
      description:
        "Every client that looked up a domain or any name under it, with the record types, answers and times. Context for a domain: who resolved it, since when, and to which addresses.",
      tables: ["DnsEvents"],
      parameters: {
        domain: {
          type: "domain",
          description: "The domain or host name; names under it match too.",
          example: "cdn.edgeupdate-sync.example",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "ClientIP",
        "QueryType",
        "Lookups",
        "UniqueNames",
        "Answers",
        "Results",
        "FirstSeen",
        "LastSeen",
      ],
      query: `DnsEvents
| where TimeGenerated between ({start} .. {end})
| where SubType == "LookupQuery"
| where Name =~ {domain} or Name endswith strcat(".", {domain})
| summarize Lookups = count(), UniqueNames = dcount(Name), Answers = make_set(IPAddresses, 10),
    Results = make_set(Result, 5), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by ClientIP, QueryType
| order by FirstSeen asc`,
    },
    {
      name: "lookupsByClient",
      description:
        "The domains one client looked up, by parent domain, least-shared first (how many other clients looked the same domain up). Context for a host's IP: what it talked to by name, and which of those names only it knows.",
      tables: ["DnsEvents"],
      parameters: {
        ip: {
          type: "ip",
          description: "The client's IP address.",
          example: "10.20.4.42",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "ParentDomain",
        "Lookups",
        "UniqueNames",
        "QueryTypes",
        "OtherClients",
        "SampleNames",
        "FirstSeen",
        "LastSeen",
      ],
      query: `let Lookups = DnsEvents
    | where TimeGenerated between ({start} .. {end})
    | where SubType == "LookupQuery"
    | extend Labels = split(tolower(Name), ".")
    | extend ParentDomain = strcat(tostring(Labels[-2]), ".", tostring(Labels[-1]));
let Spread = Lookups
    | where ClientIP != {ip}
    | summarize OtherClients = dcount(ClientIP) by ParentDomain;
Lookups
| where ClientIP == {ip}
| summarize Lookups = count(), UniqueNames = dcount(Name), QueryTypes = make_set(QueryType, 5),
    SampleNames = make_set(Name, 5), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by ParentDomain
| join kind=leftouter Spread on ParentDomain
| extend OtherClients = coalesce(OtherClients, 0)
| project ParentDomain, Lookups, UniqueNames, QueryTypes, OtherClients, SampleNames, FirstSeen, LastSeen
| order by OtherClients asc, Lookups desc`,
    },
    {
      name: "namesResolvingToIp",
      description:
        "The names whose answers contained one IP address, and the clients that resolved them. Context for an IP seen in firewall or endpoint data: which domain it was reached by, which says more than the address (shared hosting and CDNs serve many names from one address).",
      tables: ["DnsEvents"],
      parameters: {
        ip: {
          type: "ip",
          description: "The IP address in the answers.",
          example: "198.51.100.160",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: ["Name", "Clients", "ClientIPs", "Lookups", "FirstSeen", "LastSeen"],
      query: `DnsEvents
| where TimeGenerated between ({start} .. {end})
| where SubType == "LookupQuery"
| where IPAddresses has {ip}
| summarize Clients = dcount(ClientIP), ClientIPs = make_set(ClientIP, 10), Lookups = count(),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by Name
| order by Lookups desc`,
    },
  ],
};
