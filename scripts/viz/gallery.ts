/**
 * `deno run -A scripts/viz/gallery.ts [folder]`: draws every chart kind from the bundled
 * demo case as PNG (and HTML) into `folder` (default `.casefile/gallery`), to look at.
 *
 * @module
 */
import {
  barChart,
  type Chart,
  heatmapChart,
  histogramChart,
  openLocalProvider,
  pieChart,
  processTreeChart,
  renderChart,
  scatterChart,
  stackedBarChart,
  timeChart,
  timelineChart,
  writeChart,
} from "../../mod.ts";

const folder = Deno.args[0] ?? ".casefile/gallery";
const provider = await openLocalProvider();
const q = (kql: string) => provider.query(kql);

const charts: Record<string, () => Promise<Chart>> = {
  timeline_spray: async () =>
    timelineChart(
      (await q(`SigninLogs | where IPAddress in ("203.0.113.61", "203.0.113.88", "203.0.113.45")`))
        .frame,
      {
        group: "IPAddress",
        color: "ResultType",
        tooltip: ["UserPrincipalName"],
        title: "Password spray by source address",
        markers: [{ time: new Date("2026-03-11T05:12:44Z"), label: "Password Spray alert" }],
      },
    ),
  timeline_binned: async () =>
    timelineChart((await q("DeviceNetworkEvents")).frame, {
      group: "DeviceName",
      title: "Network events by device (binned)",
    }),
  timechart_beacon: async () =>
    timeChart(
      (await q(`DeviceNetworkEvents | where RemoteUrl == "cdn.edgeupdate-sync.example"`)).frame,
      { step: 3600_000, title: "C2 connections per hour" },
    ),
  timechart_series: async () =>
    timeChart((await q("SigninLogs")).frame, {
      series: "ClientAppUsed",
      title: "Sign-ins by client",
    }),
  bar: async () =>
    barChart((await q(`SigninLogs | where ResultType != "0"`)).frame, {
      category: "ResultType",
      title: "Failed sign-ins by result",
    }),
  column: async () =>
    barChart((await q("SecurityEvent")).frame, {
      category: "EventID",
      orientation: "vertical",
      top: 15,
    }),
  stacked: async () =>
    stackedBarChart((await q("SigninLogs")).frame, {
      category: "AppDisplayName",
      series: "ClientAppUsed",
    }),
  heatmap: async () => heatmapChart((await q("SigninLogs")).frame),
  scatter: async () =>
    scatterChart((await q("CommonSecurityLog")).frame, {
      x: "ReceivedBytes",
      y: "SentBytes",
      color: "DeviceAction",
      xScale: "log",
      yScale: "log",
    }),
  histogram: async () =>
    histogramChart((await q("CommonSecurityLog")).frame, { value: "SentBytes", logBins: true }),
  pie: async () => pieChart((await q("SecurityAlert")).frame, { category: "AlertSeverity" }),
  render_timechart: async () =>
    renderChart(
      await q(`SigninLogs | summarize Signins = count() by bin(TimeGenerated, 1h), ClientAppUsed
        | render timechart with (title="Sign-ins per hour", ytitle="sign-ins")`),
    ),
  render_columnchart: async () =>
    renderChart(
      await q(`SigninLogs | where ResultType == "50126" | summarize Failures = count() by IPAddress
        | top 10 by Failures | render columnchart with (title="Failures by address")`),
    ),
  render_piechart: async () =>
    renderChart(await q(`SecurityAlert | summarize n = count() by ProviderName | render piechart`)),
  render_areachart: async () =>
    renderChart(
      await q(
        `CommonSecurityLog | summarize MB = sum(SentBytes) / 1048576.0 by bin(TimeGenerated, 6h), DeviceAction
        | render areachart with (title="MB sent", kind=stacked)`,
      ),
    ),
  render_anomaly: async () =>
    renderChart(
      await q(`CommonSecurityLog
        | where DeviceVendor == "Palo Alto Networks"
        | make-series MB = sum(SentBytes) / 1048576.0 default=0 on TimeGenerated from datetime(2026-03-02) to datetime(2026-03-16) step 1h
        | extend (anomalies, score, baseline) = series_decompose_anomalies(MB, 3)
        | project TimeGenerated, MB, anomalies
        | render anomalychart with (anomalycolumns=anomalies, title="Outbound MB per hour")`),
    ),
  render_scatter: async () =>
    renderChart(
      await q(`DnsEvents | summarize Queries = count(), AvgLength = avg(strlen(Name)) by ClientIP
        | render scatterchart with (xcolumn=Queries, ycolumns=AvgLength)`),
    ),
  process_tree: async () =>
    processTreeChart(
      (await q(`DeviceProcessEvents
        | where DeviceName startswith "lks-ws-1042" and TimeGenerated between (datetime(2026-03-12T01:50:00Z) .. 40m)
        | project key = ProcessId, parentKey = InitiatingProcessId, label = FileName, AccountName, TimeGenerated`))
        .frame,
      { sort: "TimeGenerated", color: "AccountName", tooltip: ["TimeGenerated"] },
    ),
  empty: async () =>
    barChart((await q(`SigninLogs | where UserPrincipalName == "nobody"`)).frame, {
      category: "ResultType",
    }),
};

const only = Deno.args.slice(1);
for (const [name, build] of Object.entries(charts)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const started = performance.now();
  const chart = await build();
  const path = await writeChart(chart, `${folder}/${name}.png`, { scale: 1.5 });
  await writeChart(chart, `${folder}/${name}.html`);
  console.log(`${path}  ${Math.round(performance.now() - started)} ms  ${chart.notes.join(" | ")}`);
}
