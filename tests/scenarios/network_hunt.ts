/**
 * An analyst's hunt through the demo case's network data, written as a `deno run` script:
 * the command and control beacon, the dump leaving through it, the DNS tunnel, and the
 * exfiltration from the file server. Every query and transform is a step of the session
 * "network"; at the end the session is exported as a script, a notebook, a report and a
 * bundle into the folder given as the first argument.
 *
 * Scenario C of the end-to-end tests (`script_test.ts` runs it):
 *
 *     CASEFILE_HOME=/tmp/h deno run -A tests/scenarios/network_hunt.ts /tmp/out
 *
 * @module
 */
import { join } from "node:path";
import {
  barChart,
  DEMO_CASE_DIR,
  exportBundle,
  exportNotebook,
  exportReport,
  exportScript,
  extractIocsFrame,
  findAnomalies,
  findBeacons,
  geoLookupFrame,
  kql,
  loadFeed,
  lookupIndicatorsFrame,
  openLocalProvider,
  openSession,
  param,
  pl,
  timeChart,
} from "../../mod.ts";

const out = Deno.args[0] ?? ".";
const session = await openSession("network", {
  provider: await openLocalProvider(),
  params: {
    window: param.timerange({
      default: "2026-03-12..2026-03-14",
      description: "the two days after the RDP logon",
    }),
    minConnections: param.number({ default: 500, description: "a busy destination" }),
    day: param.timerange({ default: "2026-03-13..2026-03-14", description: "a day to total" }),
  },
});
const { params } = session;

// Which public destinations does a single machine talk to, very often?
const destinations = await session.query(
  "destinations",
  kql`DeviceNetworkEvents
| where RemoteIPType == "Public"
| summarize Connections = count(), Hosts = dcount(DeviceName) by RemoteUrl, InitiatingProcessFileName`,
);
console.log(`${destinations.height} public destinations`);
await session.run(
  "busy",
  `const busy = destinations
  .filter(pl.col("Hosts").eq(1).and(pl.col("Connections").gt(params.minConnections.value)))
  .sort("Connections", true)`,
);
const c2 = await session.run("c2", ({ busy }) => busy.getColumn("RemoteUrl").get(0) as string);
await session.defineParams({ c2: param.string({ default: c2, description: "the C2 domain" }) });

// Every public connection in the window, and the pairs that beat like a heart.
const flows = await session.query(
  "flows",
  kql`DeviceNetworkEvents
| where RemoteIPType == "Public"
| project TimeGenerated, DeviceName, RemoteIP, RemoteUrl, RemotePort, InitiatingProcessFileName`,
  { timespan: params.window },
);
await session.run("top", "const top = flows.head(3)");
await session.run("top", ({ flows }) => flows.head(3));
await session.run("beacons", ({ flows }) => findBeacons(flows, { top: 5 }));
await session.run(
  "beacon",
  ({ beacons }) =>
    beacons.filter(pl.col("rank").eq(1)).select(
      "DeviceName",
      "RemoteIP",
      "connections",
      "periodSeconds",
      "jitterPercent",
    ),
);
await session.mark("beacon", "finding", "One workstation beacons to the C2 every minute");
console.log(`beacon: ${flows.height} flows in the window`);

// The C2's connections and their rhythm.
await session.query(
  "c2Flows",
  kql`DeviceNetworkEvents
| where RemoteUrl == ${params.c2}
| project TimeGenerated, DeviceName, RemoteIP, RemotePort, InitiatingProcessFileName
| order by TimeGenerated asc`,
);
await session.query(
  "rhythm",
  kql`DeviceNetworkEvents
| where RemoteUrl == ${params.c2} and InitiatingProcessFileName == "msedgeupdate.exe"
| order by TimeGenerated asc
| extend Gap = datetime_diff("second", TimeGenerated, prev(TimeGenerated))
| summarize Beacons = count(), MedianGap = percentile(Gap, 50), First = min(TimeGenerated), Last = max(TimeGenerated)`,
);
await session.mark("rhythm", "finding", "2160 beacons, a median gap of 60 s");
await session.query(
  "perHour",
  kql`DeviceNetworkEvents
| where RemoteUrl == ${params.c2}
| summarize Connections = count() by bin(TimeGenerated, 1h)
| render timechart with (title="C2 connections per hour")`,
);
await session.run(
  "c2Chart",
  ({ c2Flows }) => timeChart(c2Flows, { title: "Beacons to the C2 over time", step: 3_600_000 }),
);
await session.mark("c2Chart", "finding", "The beacon runs for a day and a half");

// The firewall's view: the one large upload through the C2 (the LSASS dump).
const firewall = await session.query(
  "firewall",
  kql`CommonSecurityLog
| where DestinationIP == "198.51.100.160"
| summarize Sessions = count(), SentMB = round(sum(SentBytes) / 1048576.0, 1) by SourceIP, DestinationPort`,
);
console.log(firewall.toString());
await session.query(
  "dumpUpload",
  kql`CommonSecurityLog
| where DestinationIP == "198.51.100.160"
| top 1 by SentBytes desc
| project TimeGenerated, SourceIP, DestinationIP, SentBytes`,
);
await session.mark("dumpUpload", "finding", "About 48 MB left through the C2 after the dump");
await session.query(
  "dnsC2",
  kql`DnsEvents | where Name == ${params.c2} | summarize Lookups = count() by ClientIP`,
);

// DNS: long random first labels, by parent domain.
await session.query(
  "dnsParents",
  kql`DnsEvents
| extend FirstLabel = tostring(split(Name, ".")[0])
| where strlen(FirstLabel) >= 30
| extend Parts = split(Name, ".")
| extend Parent = strcat(tostring(Parts[array_length(Parts) - 2]), ".", tostring(Parts[array_length(Parts) - 1]))
| summarize Queries = count(), Clients = dcount(ClientIP), AvgLength = avg(strlen(Name)) by Parent
| order by Queries desc`,
);
await session.run("reputation", "dnsParents.filter(pl.col('Clients').gt(1))");
await session.mark("reputation", "dead-end", "Antivirus reputation lookups from every machine");
await session.run("tunnel", "const tunnel = dnsParents.filter(pl.col('Clients').eq(1))");
await session.mark("tunnel", "finding", "One client tunnels TXT lookups to datapipe-metrics");
await session.query(
  "tunnelQueries",
  kql`DnsEvents
| where Name endswith "dx.datapipe-metrics.example"
| project TimeGenerated, ClientIP, Name, QueryType
| order by TimeGenerated asc`,
);
await session.run(
  "labels",
  ({ tunnelQueries }) =>
    tunnelQueries
      .select(pl.col("Name").str.split(".").lst.get(0).str.lengths().alias("labelLength"))
      .groupBy("labelLength")
      .agg(pl.len().alias("queries"))
      .sort("labelLength"),
);
const typo = await session.run("oops", "tunnelQuery.height").catch((error) => error as Error);
console.log(`a typo: ${typo instanceof Error ? typo.message : typo}`);

// Outbound volume per hour: what stands out?
await session.query(
  "outbound",
  kql`CommonSecurityLog
| where DeviceVendor == "Palo Alto Networks"
| make-series MB = sum(SentBytes) / 1048576.0 default=0 on TimeGenerated from datetime(2026-03-02) to datetime(2026-03-16) step 1h
| extend (anomalies, score, baseline) = series_decompose_anomalies(MB, 3)
| project TimeGenerated, MB, anomalies
| render anomalychart with (anomalycolumns=anomalies, title="Outbound MB per hour")`,
);
await session.query(
  "hourly",
  kql`CommonSecurityLog
| where DeviceVendor == "Palo Alto Networks"
| make-series MB = sum(SentBytes) / 1048576.0 default=0 on TimeGenerated from datetime(2026-03-02) to datetime(2026-03-16) step 1h`,
);
await session.run("spikes", ({ hourly }) => findAnomalies(hourly).head(5));
await session.mark("spikes", "finding", "The largest outbound hour is on 13 March");

// Who sent the most on 13 March?
await session.query(
  "exfil",
  kql`CommonSecurityLog
| where DeviceVendor == "Palo Alto Networks" and DeviceAction == "allow"
| where ipv4_is_private(SourceIP) and not(ipv4_is_private(DestinationIP))
| where TimeGenerated between (datetime(2026-03-13) .. 1d)
| summarize SentMB = round(sum(SentBytes) / 1048576.0, 1) by SourceIP, DestinationIP
| top 5 by SentMB desc`,
);
await session.run(
  "backups",
  ({ exfil }) => exfil.filter(pl.col("SourceIP").eq(pl.lit("10.10.1.60"))),
);
await session.mark("backups", "dead-end", "LKS-BKP01's nightly copy to its provider");
await session.run(
  "fileServer",
  ({ exfil }) => exfil.filter(pl.col("SourceIP").eq(pl.lit("10.10.1.20"))),
);
await session.mark("fileServer", "finding", "The file server sent 2.5 GB to 198.51.100.199");
await session.run(
  "sentBars",
  ({ exfil }) =>
    barChart(exfil, { category: "DestinationIP", value: "SentMB", title: "MB sent on 13 March" }),
);
await session.run("destinationsGeo", async ({ exfil }) => {
  const geo = await geoLookupFrame(exfil, "DestinationIP");
  return geo.select("SourceIP", "DestinationIP", "DestinationIP_ip_kind", "DestinationIP_country")
    .sort("DestinationIP");
});

// The tool that sent it: its connections, and the names and paths they mention.
await session.query(
  "tools",
  kql`DeviceNetworkEvents
| where InitiatingProcessFileName =~ "rclone.exe"
| project TimeGenerated, DeviceName, RemoteIP, RemoteUrl, InitiatingProcessCommandLine
| order by TimeGenerated asc`,
);
await session.run(
  "toolIocs",
  ({ tools }) => extractIocsFrame(tools, ["RemoteUrl", "InitiatingProcessCommandLine"]),
);
await session.run(
  "exfilDomains",
  ({ toolIocs }) =>
    toolIocs.filter(pl.col("type").eq(pl.lit("domain"))).groupBy("value")
      .agg(pl.len().alias("mentions")).sort("value"),
);
await session.mark("exfilDomains", "finding", "rclone uploads to files.quickdrop-share.example");

// What do the feed and the workspace's TI table know of the network indicators?
await session.run("indicators", ({ c2 }) =>
  pl.DataFrame({
    indicator: [
      c2,
      "198.51.100.160",
      "datapipe-metrics.example",
      "files.quickdrop-share.example",
      "198.51.100.199",
    ],
  }));
await session.run("intel", async ({ indicators }) => {
  const feed = await loadFeed(join(DEMO_CASE_DIR, "external", "threat_intel_feed.json"));
  return await lookupIndicatorsFrame(indicators, "indicator", { providers: [feed] });
});
await session.mark("intel", "finding", "The feed knows the C2, not the tunnel or the drop site");
await session.query(
  "tiTable",
  kql`ThreatIntelligenceIndicator
| where DomainName in ("cdn.edgeupdate-sync.example", "datapipe-metrics.example", "files.quickdrop-share.example")
    or NetworkIP in ("198.51.100.160", "198.51.100.199")
| project Indicator = iff(isnotempty(DomainName), DomainName, NetworkIP), ThreatType, ConfidenceScore`,
);
await session.run(
  "known",
  ({ intel, tiTable }) =>
    intel.select("indicator", "verdict").join(tiTable, {
      leftOn: "indicator",
      rightOn: "Indicator",
      how: "left",
    }).sort("indicator"),
);

// The file server's total on a day: 13 March, then the day before to compare.
await session.query(
  "dayTotal",
  kql`CommonSecurityLog
| where SourceIP == "10.10.1.20" and not(ipv4_is_private(DestinationIP))
| summarize SentMB = round(sum(SentBytes) / 1048576.0, 1), Sessions = count()`,
  { timespan: params.day },
);
await session.run("dayMB", "const dayMB = dayTotal.getColumn('SentMB').get(0)");
await session.rerun("dayTotal", { day: "2026-03-12..2026-03-13" });
await session.mark("dayMB", "finding", "The day before, the file server sent almost nothing");

console.log(
  session.steps().map((s) => `${s.record.position} ${s.record.name} ${s.record.status}`).join(
    "\n",
  ),
);
await exportScript(session, { path: join(out, "network.ts") });
await exportNotebook(session, { path: join(out, "network.ipynb") });
await exportReport(session, { path: join(out, "network.html") });
await exportBundle(session, { path: join(out, "network.casefile.gz") });
await session.close();
