/**
 * The notebook of scenario D, as an analyst would write it in Jupyter with the casefile
 * kernel: the alerts triaged against HR data and the asset list, then the file server's
 * night (the staging, the new binaries, the stolen admin's logons), with charts,
 * enrichment and decoding along the way. Each cell runs session steps (`session.query`,
 * `session.run`) in the session "triage" under `$CASEFILE_HOME`; the last cell exports the
 * session into `$SCENARIO_OUT`.
 *
 * @module
 */

/** The code cells, in order. */
export const TRIAGE_CELLS: readonly string[] = [
  `import {
  barChart,
  decodeFrame,
  decomposeSeries,
  exportBundle,
  exportNotebook,
  exportReport,
  exportScript,
  extractIocsFrame,
  firstSeen,
  geoLookupFrame,
  heatmapChart,
  histogramChart,
  kql,
  logonSessions,
  obfuscationFrame,
  openLocalProvider,
  openSession,
  param,
  pl,
  buildProcessTree,
  timeChart,
  timelineChart,
} from "casefile";

const session = await openSession("triage", {
  provider: await openLocalProvider(),
  params: {
    host: param.string({ default: "LKS-FS01", description: "the server under review" }),
    stage: param.timerange({
      default: "2026-03-13T02:30:00Z..2026-03-13T05:00:00Z",
      description: "the staging window",
    }),
    hours: param.timerange({
      default: "2026-03-13T02:30:00Z..2026-03-13T05:00:00Z",
      description: "hours to compare",
    }),
  },
});
const { params } = session;
session.name;`,

  // The alerts, by name, drawn.
  `const alerts = await session.query("alerts", kql\`SecurityAlert
| project TimeGenerated, AlertName, AlertSeverity, ProductName, CompromisedEntity, Description
| order by TimeGenerated asc\`);
await session.run("byName", ({ alerts }) =>
  alerts.groupBy("AlertName").agg(pl.len().alias("alerts")).sort(["alerts", "AlertName"], [true, false]));
await session.run("alertBars", "const alertBars = barChart(byName, { category: 'AlertName', value: 'alerts', title: 'Alerts by name' })");`,

  // Who the alerts are about, from HR.
  `const hr = await session.query("hr", kql\`hr_employees
| project UserPrincipalName, DisplayName, Department, JobTitle, ManagerUPN, IsVIP, EmploymentStatus\`);
await session.run("alertUsers", ({ alerts, hr }) =>
  alerts.join(hr, { leftOn: "CompromisedEntity", rightOn: "UserPrincipalName" })
    .select("TimeGenerated", "AlertName", "CompromisedEntity", "Department", "JobTitle")
    .sort("TimeGenerated"));
await session.mark("alertUsers", "finding", "The alerted user works in Finance");`,

  // The victim's management chain.
  `await session.run("chain", ({ hr }) => {
  const byUpn = new Map(hr.rows().map((r) => [r[0], r]));
  const chain = [];
  let upn = "daniel.reyes@larkspurlogistics.example";
  while (upn && chain.length < 4) {
    const row = byUpn.get(upn);
    if (!row) break;
    chain.push({ UserPrincipalName: row[0], JobTitle: row[3], IsVIP: row[5] });
    upn = row[4];
  }
  return pl.DataFrame(chain);
});
await session.mark("chain", "finding", "Two levels up, the victim reports to a VIP");`,

  // Disabled leavers tried by the spray.
  `await session.query("disabled", kql\`SigninLogs
| where ResultType == "50057"
| summarize Attempts = count(), Sources = dcount(IPAddress) by UserPrincipalName\`);
await session.run("leavers", ({ disabled, hr }) =>
  disabled.join(hr.filter(pl.col("EmploymentStatus").neq(pl.lit("Active"))), { on: "UserPrincipalName" })
    .select("UserPrincipalName", "EmploymentStatus", "Attempts", "Sources")
    .sort("UserPrincipalName"));
await session.mark("leavers", "finding", "The spray tried three leavers' disabled accounts");`,

  // The asset list.
  `await session.query("assets", kql\`high_value_assets | project Hostname, IPAddress, Role, Criticality, Notes\`);
await session.run("fsAsset", "const fsAsset = assets.filter(pl.col('Hostname').eq(pl.lit(params.host.value)))");
await session.mark("fsAsset", "finding", "The file server is a high-value asset");`,

  // The file server's processes in the staging window, as a tree.
  `await session.query("fsProcs", kql\`SecurityEvent
| where EventID == 4688 and Computer startswith \${params.host}\`, { timespan: params.stage });
await session.run("fsTree", ({ fsProcs }) => buildProcessTree(fsProcs));
await session.run("staging", ({ fsTree }) => { console.log(fsTree.toText({ width: 160 })); });
await session.mark("staging", "finding", "7-Zip then rclone under the service shell on the file server");`,

  // A typo, caught: the cell goes on.
  `await session.run("oops", "fsTre.summary()").catch((error) => error.message);`,

  `await session.run("obfuscation", ({ fsProcs }) =>
  obfuscationFrame(fsProcs, "CommandLine").select("NewProcessName", "CommandLine_obfuscation", "CommandLine_entropy")
    .sort(["CommandLine_entropy", "NewProcessName"], [true, false]).head(5));`,

  // Every encoded PowerShell command in SecurityEvent, decoded.
  `await session.query("encodedAll", kql\`SecurityEvent
| where EventID == 4688 and CommandLine has "-EncodedCommand"
| project TimeGenerated, Computer, SubjectUserName, CommandLine\`);
await session.run("decodedAll", ({ encodedAll }) => decodeFrame(encodedAll, "CommandLine"));
await session.run("inventory", ({ decodedAll }) =>
  decodedAll.filter(pl.col("CommandLine_decoded").str.contains("Get-CimInstance")).height);
await session.mark("inventory", "dead-end", "The LarkInventory task: harmless");
await session.run("notInventory", ({ decodedAll }) =>
  decodedAll.filter(pl.col("CommandLine_decoded").str.contains("Get-CimInstance").not())
    .select("TimeGenerated", "Computer", "SubjectUserName", "CommandLine_decoded")
    .sort("TimeGenerated"));`,

  // Sign-ins by hour and weekday; failures over time, decomposed.
  `await session.query("signins", kql\`SigninLogs | project TimeGenerated, UserPrincipalName, IPAddress, ResultType\`);
await session.run("heat", ({ signins }) => heatmapChart(signins, { title: "Sign-ins by hour and weekday (UTC)" }));
await session.query("failSeries", kql\`SigninLogs
| where ResultType != "0"
| make-series Failures = count() default = 0 on TimeGenerated from datetime(2026-03-02) to datetime(2026-03-16) step 1h\`);
await session.run("decomposed", ({ failSeries }) => decomposeSeries(failSeries));
await session.run("failChart", ({ decomposed }) =>
  timeChart(decomposed, { time: "time", values: ["value", "trend"], title: "Failed sign-ins per hour, and their trend" }));`,

  // DNS name lengths.
  `await session.query("dnsNames", kql\`DnsEvents | project TimeGenerated, ClientIP, NameLength = strlen(Name)\`);
await session.run("lengths", ({ dnsNames }) =>
  histogramChart(dnsNames, { value: "NameLength", bins: 30, title: "DNS name lengths" }));`,

  // Binaries new on the file server since 12 March.
  `await session.query("fsAll", kql\`SecurityEvent
| where EventID == 4688 and Computer startswith \${params.host}
| project TimeGenerated, Computer, NewProcessName, ParentProcessName, SubjectUserName\`);
await session.run("newProcs", ({ fsAll }) =>
  firstSeen(fsAll, { entity: "Computer", value: "NewProcessName", since: new Date("2026-03-12T00:00:00Z") })
    .select("NewProcessName", "first", "count"));
await session.mark("newProcs", "finding", "wsh.exe, 7z.exe and rclone.exe are new on the file server");`,

  // The stolen admin's network logons on the file server.
  `await session.query("fsLogons", kql\`SecurityEvent
| where Computer startswith \${params.host} and EventID in (4624, 4634, 4647, 4688)
| where TimeGenerated between (datetime(2026-03-12) .. 2d)\`);
await session.run("sessions", ({ fsLogons }) => logonSessions(fsLogons, { logonTypes: [3] }));
await session.run("adminSessions", ({ sessions }) =>
  sessions.filter(pl.col("account").str.contains("adm-tom.harper"))
    .select("account", "sourceIp", "start", "end", "processes"));
await session.mark("adminSessions", "finding", "adm-tom.harper's network logons on the file server came from the workstation");`,

  // The alerts on a timeline; names and addresses in their entities.
  `await session.run("alertTimeline", ({ alerts }) =>
  timelineChart(alerts, { group: "ProductName", color: "AlertSeverity", title: "Alerts over the fortnight" }));
await session.query("entities", kql\`SecurityAlert | project AlertName, Entities\`);
await session.run("alertIocs", ({ entities }) =>
  extractIocsFrame(entities, "Entities", { types: ["ipv4", "domain"] })
    .groupBy(["type", "value"]).agg(pl.len().alias("mentions")).sort(["type", "value"]));`,

  // Where the travellers signed in from.
  `await session.query("abroad", kql\`SigninLogs
| where ResultType == "0"
| extend Country = tostring(LocationDetails.countryOrRegion)
| where Country != "GB"
| summarize SignIns = count() by IPAddress, Country\`);
await session.run("abroadGeo", async ({ abroad }) =>
  (await geoLookupFrame(abroad, "IPAddress"))
    .select("IPAddress", "Country", "IPAddress_ip_kind", "IPAddress_country")
    .sort("IPAddress"));`,

  // What ran on the server in the staging window, then in the same hours the night before.
  `await session.query("stageProcs", kql\`SecurityEvent
| where EventID == 4688 and Computer startswith \${params.host}
| summarize Processes = count() by NewProcessName
| order by Processes desc, NewProcessName asc\`, { timespan: params.hours });
await session.run("stageCount", ({ stageProcs }) => stageProcs.getColumn("Processes").sum());
await session.rerun("stageProcs", { hours: "2026-03-12T02:30:00Z..2026-03-12T05:00:00Z" });
await session.mark("stageCount", "finding", "The night before, the file server ran few processes in those hours");`,

  // Exports.
  `const out = Deno.env.get("SCENARIO_OUT")!;
await exportScript(session, { path: \`\${out}/triage.ts\` });
await exportNotebook(session, { path: \`\${out}/triage.ipynb\` });
await exportReport(session, { path: \`\${out}/triage.html\` });
await exportBundle(session, { path: \`\${out}/triage.casefile.gz\` });
const summary = session.steps().map((s) => \`\${s.record.position} \${s.record.name} \${s.record.status}\`).join("\\n");
await session.close();
summary;`,
];

/** A notebook (nbformat 4) of `cells` for the casefile kernel. */
export function notebookOf(cells: readonly string[]): string {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: "casefile", display_name: "Deno (casefile)", language: "typescript" },
        language_info: { name: "typescript", file_extension: ".ts" },
      },
      cells: [
        {
          cell_type: "markdown",
          id: "intro",
          metadata: {},
          source: "# Triage: the alerts, the people, the file server",
        },
        ...cells.map((source, i) => ({
          cell_type: "code",
          id: `cell-${i + 1}`,
          metadata: {},
          execution_count: null,
          outputs: [],
          source,
        })),
      ],
    },
    null,
    1,
  );
}
