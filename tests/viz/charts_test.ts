/** Chart builders over the bundled demo case: the specs hold the truth of the data. */
import assert from "node:assert/strict";
import {
  barChart,
  heatmapChart,
  histogramChart,
  pieChart,
  processTreeChart,
  renderChart,
  scatterChart,
  stackedBarChart,
  timeChart,
  timelineChart,
} from "../../mod.ts";
import { demo, rowsOf } from "./_helpers.ts";

const SPRAY_IPS = `("203.0.113.61", "203.0.113.88", "203.0.113.45")`;
const C2 = "cdn.edgeupdate-sync.example";

Deno.test("timelineChart() draws one lane per spray address, every event, and the alert marker", async () => {
  const provider = await demo();
  const spray = await provider.query(`SigninLogs | where IPAddress in ${SPRAY_IPS}`);
  const chart = timelineChart(spray.frame, {
    group: "IPAddress",
    color: "ResultType",
    markers: [{ time: new Date("2026-03-11T05:12:44Z"), label: "Password Spray" }],
  });
  assert.equal(chart.kind, "timeline");
  assert.deepEqual(chart.notes, []);
  const layers = chart.spec.layer as Record<string, unknown>[];
  assert.equal(layers.length, 3);
  const rows = rowsOf(chart.spec);
  assert.equal(rows.length, spray.rowCount);
  assert.deepEqual(
    new Set(rows.map((r) => r.IPAddress)),
    new Set(["203.0.113.61", "203.0.113.88", "203.0.113.45"]),
  );
  // 486 spray attempts (ANSWER_KEY) happen between 02:10 and 03:47:29 on 11 March.
  const start = Date.parse("2026-03-11T02:10:00Z");
  const end = Date.parse("2026-03-11T03:47:30Z");
  assert.equal(
    rows.filter((r) => (r.TimeGenerated as number) >= start && (r.TimeGenerated as number) < end)
      .length,
    486,
  );
  const marker = rowsOf(layers[1] as Record<string, unknown>);
  assert.deepEqual(marker, [{ time: Date.parse("2026-03-11T05:12:44Z"), label: "Password Spray" }]);
  const x = (layers[0].encoding as Record<string, Record<string, unknown>>).x;
  assert.deepEqual(x.scale, { type: "utc" });
  assert.equal(x.title, "TimeGenerated (UTC)");
});

Deno.test("timelineChart() counts events in time bins above maxEvents, and says so", async () => {
  const provider = await demo();
  const events = await provider.query("DeviceNetworkEvents");
  const chart = timelineChart(events.frame, { group: "DeviceName", maxGroups: 10 });
  const rows = rowsOf(chart.spec);
  const total = rows.reduce((sum, r) => sum + (r.events as number), 0);
  assert.equal(total, events.rowCount, "no event lost in binning or lane folding");
  assert.ok(rows.length < events.rowCount);
  assert.equal(new Set(rows.map((r) => r.DeviceName)).size, 11);
  assert.match(
    chart.notes.join("\n"),
    /10 busiest of \d+ DeviceName lanes drawn; the other \d+ are merged/,
  );
  assert.match(chart.notes.join("\n"), /[\d,]+ events counted in \d+ h bins/);
  assert.deepEqual((chart.spec.title as { subtitle: string[] }).subtitle, chart.notes);
});

Deno.test("timeChart() shows the beacon's hourly heartbeat: 2,160 connections, ~60 an hour", async () => {
  const provider = await demo();
  const beacon = await provider.query(
    `DeviceNetworkEvents | where RemoteUrl == "${C2}" and InitiatingProcessFileName == "msedgeupdate.exe"`,
  );
  const chart = timeChart(beacon.frame, { step: 3_600_000 });
  const rows = rowsOf(chart.spec);
  assert.equal(rows.reduce((s, r) => s + (r.events as number), 0), 2160);
  const full = rows.slice(1, -1).map((r) => r.events as number);
  assert.ok(full.every((n) => n >= 54 && n <= 66), `hourly counts ${full}`);
  const y = (chart.spec.layer as Record<string, Record<string, Record<string, unknown>>>[])[0]
    .encoding.y;
  assert.equal(y.title, "events per 1 h");
});

Deno.test("timeChart() draws value columns per series and bins them above maxPoints", async () => {
  const provider = await demo();
  const result = await provider.query(
    `SigninLogs | summarize Signins = count() by bin(TimeGenerated, 1h), ClientAppUsed`,
  );
  const plain = timeChart(result.frame, { values: "Signins", series: "ClientAppUsed" });
  assert.equal(rowsOf(plain.spec).length, result.rowCount);
  const binned = timeChart(result.frame, {
    values: "Signins",
    series: "ClientAppUsed",
    maxPoints: 50,
  });
  const rows = rowsOf(binned.spec);
  assert.ok(rows.length <= 5 * 20);
  const sum = (rs: Record<string, unknown>[]) => rs.reduce((s, r) => s + (r.Signins as number), 0);
  assert.equal(sum(rows), sum(rowsOf(plain.spec)));
  assert.match(binned.notes[0], /points combined \(sum\) in \d+ (h|d) bins/);
});

Deno.test("barChart() counts failed sign-ins by result code as KQL does", async () => {
  const provider = await demo();
  const failures = await provider.query(`SigninLogs | where ResultType != "0"`);
  const truth = await provider.query(
    `SigninLogs | where ResultType != "0" | summarize n = count() by ResultType`,
  );
  const chart = barChart(failures.frame, { category: "ResultType" });
  const rows = rowsOf(chart.spec);
  const expected = Object.fromEntries(
    truth.frame.toRecords().map((r) => [r.ResultType as string, r.n as number]),
  );
  assert.deepEqual(Object.fromEntries(rows.map((r) => [r.ResultType, r.count])), expected);
  assert.ok(expected["50126"] >= 449, "the spray's 449 wrong passwords are in 50126");
});

Deno.test("barChart() keeps the top N and sums the rest into one 'others' bar", async () => {
  const provider = await demo();
  const events = await provider.query("SecurityEvent");
  const chart = barChart(events.frame, { category: "EventID", top: 3, orientation: "vertical" });
  const rows = rowsOf(chart.spec);
  assert.equal(rows.length, 4);
  assert.equal(rows.reduce((s, r) => s + (r.count as number), 0), events.rowCount);
  const others = rows.find((r) => String(r.EventID).endsWith("others)"));
  assert.ok(others, "an others bar");
  assert.match(
    chart.notes[0],
    /^Top 3 of \d+ EventID values; the other \d+ are combined in one bar\.$/,
  );
});

Deno.test("stackedBarChart() splits applications by client app; IMAP4 only under Exchange Online", async () => {
  const provider = await demo();
  const signins = await provider.query("SigninLogs");
  const chart = stackedBarChart(signins.frame, {
    category: "AppDisplayName",
    series: "ClientAppUsed",
  });
  const rows = rowsOf(chart.spec);
  assert.equal(rows.reduce((s, r) => s + (r.count as number), 0), signins.rowCount);
  const imap = rows.filter((r) => r.ClientAppUsed === "IMAP4");
  assert.deepEqual(imap.map((r) => r.AppDisplayName), ["Office 365 Exchange Online"]);
  const grouped = stackedBarChart(signins.frame, {
    category: "AppDisplayName",
    series: "ClientAppUsed",
    grouped: true,
  });
  const encoding = grouped.spec.encoding as Record<string, unknown>;
  assert.deepEqual(encoding.yOffset, { field: "ClientAppUsed" });
});

Deno.test("heatmapChart() fills all 168 hour × weekday cells; the spray is Wednesday 02-03 UTC", async () => {
  const provider = await demo();
  const signins = await provider.query("SigninLogs");
  const chart = heatmapChart(signins.frame);
  const rows = rowsOf(chart.spec);
  assert.equal(rows.length, 168);
  assert.equal(rows.reduce((s, r) => s + (r.events as number), 0), signins.rowCount);
  const night = rows.filter((r) => r.day === "Wed" && (r.hour === 2 || r.hour === 3));
  const otherNights = rows.filter((r) => r.day === "Tue" && (r.hour === 2 || r.hour === 3));
  const sum = (rs: Record<string, unknown>[]) => rs.reduce((s, r) => s + (r.events as number), 0);
  assert.ok(sum(night) >= 486 - 30, `Wednesday night ${sum(night)}`);
  assert.ok(sum(otherNights) < 50);
});

Deno.test("scatterChart() samples above maxPoints and notes it", async () => {
  const provider = await demo();
  const flows = await provider.query("CommonSecurityLog");
  const chart = scatterChart(flows.frame, { x: "ReceivedBytes", y: "SentBytes", maxPoints: 1000 });
  assert.equal(rowsOf(chart.spec).length, 1000);
  assert.match(chart.notes.join(" "), /A random sample of 1,000 of [\d,]+ points is drawn\./);
  const again = scatterChart(flows.frame, { x: "ReceivedBytes", y: "SentBytes", maxPoints: 1000 });
  assert.deepEqual(rowsOf(again.spec), rowsOf(chart.spec), "the sample is reproducible");
});

Deno.test("histogramChart() counts every value once, in log bins for bytes", async () => {
  const provider = await demo();
  const flows = await provider.query("CommonSecurityLog");
  const positive = await provider.query("CommonSecurityLog | where SentBytes > 0 | count");
  const chart = histogramChart(flows.frame, { value: "SentBytes", logBins: true, bins: 30 });
  const rows = rowsOf(chart.spec);
  assert.ok(rows.length <= 30);
  assert.equal(
    rows.reduce((s, r) => s + (r.count as number), 0),
    positive.frame.toRecords()[0].Count,
  );
  for (const r of rows) assert.ok((r.end as number) > (r.start as number));
});

Deno.test("pieChart() has one slice per alert severity", async () => {
  const provider = await demo();
  const alerts = await provider.query("SecurityAlert");
  const chart = pieChart(alerts.frame, { category: "AlertSeverity" });
  const rows = rowsOf(chart.spec);
  assert.equal(rows.reduce((s, r) => s + (r.count as number), 0), alerts.rowCount);
  assert.ok(rows.some((r) => r.AlertSeverity === "High"));
});

Deno.test("processTreeChart() links the implant to the discovery commands", async () => {
  const provider = await demo();
  const processes = await provider.query(`DeviceProcessEvents
    | where DeviceName startswith "lks-ws-1042" and TimeGenerated between (datetime(2026-03-12T01:50:00Z) .. 40m)
    | project key = ProcessId, parentKey = InitiatingProcessId, label = FileName, TimeGenerated`);
  const chart = processTreeChart(processes.frame, { sort: "TimeGenerated" });
  assert.equal(chart.grammar, "vega");
  const values = (chart.spec.data as { values?: Record<string, unknown>[] }[])[0].values!;
  const byId = new Map(values.map((v) => [v.id, v]));
  const parentLabel = (label: string) =>
    values.filter((v) => v.label === label).map((v) => byId.get(v.parent)?.label);
  assert.deepEqual(parentLabel("msedgeupdate.exe"), ["powershell.exe"]);
  for (const tool of ["whoami.exe", "nltest.exe"]) {
    const cmd = values.find((v) => v.label === tool)!;
    const shell = byId.get(cmd.parent)!;
    assert.equal(shell.label, "cmd.exe");
    assert.equal(byId.get(shell.parent)?.label, "msedgeupdate.exe");
  }
  assert.ok(values.some((v) => v.label === "procdump64.exe"));
});

Deno.test("processTreeChart() takes other column names, joins roots, summarises beyond maxNodes", async () => {
  const { pl } = await import("../../mod.ts");
  // A root with 5 children, each with 2 grandchildren: 16 processes.
  const id: string[] = ["r"], parent: (string | null)[] = [null], name: string[] = ["root.exe"];
  for (let c = 0; c < 5; c++) {
    id.push(`c${c}`), parent.push("r"), name.push(`child${c}.exe`);
    for (let g = 0; g < 2; g++) id.push(`c${c}g${g}`), parent.push(`c${c}`), name.push("grand.exe");
  }
  id.push("o"), parent.push("missing"), name.push("orphan.exe");
  const frame = pl.DataFrame({ pid: id, ppid: parent, image: name });
  const chart = processTreeChart(frame, { id: "pid", parent: "ppid", label: "image", maxNodes: 8 });
  const values = (chart.spec.data as { values?: Record<string, unknown>[] }[])[0].values!;
  const real = values.filter((v) => !v.more && !v.root);
  assert.equal(real.length, 8);
  const hidden = values.filter((v) => v.more).reduce(
    (s, v) => s + Number(String(v.label).match(/\+(\d+) more/)![1]),
    0,
  );
  assert.equal(real.length + hidden, 17, "every process drawn or counted in a +N more node");
  assert.equal(values.filter((v) => v.root).length, 1, "two roots joined under one node");
  assert.match(chart.notes.join(" "), /8 of 17 processes drawn; 9 deeper ones are summarised/);
});

Deno.test("renderChart() draws the query's timechart with its properties", async () => {
  const provider = await demo();
  const result = await provider.query(`SigninLogs
    | summarize Signins = count() by bin(TimeGenerated, 1h), ClientAppUsed
    | render timechart with (title="Sign-ins per hour", ytitle="sign-ins", legend=hidden, yaxis=log, ysplit=panels)`);
  const chart = renderChart(result);
  assert.equal(chart.kind, "timechart");
  assert.equal(chart.title, "Sign-ins per hour");
  const encoding =
    (chart.spec.layer as Record<string, Record<string, Record<string, unknown>>>[])[0]
      .encoding;
  assert.equal(encoding.y.title, "sign-ins");
  assert.equal((encoding.y.scale as Record<string, unknown>).type, "log");
  assert.equal(encoding.color.legend, null);
  assert.equal(encoding.color.field, "series");
  assert.ok(chart.notes.includes("render property ysplit not drawn."));
  assert.equal(rowsOf(chart.spec).length, result.rowCount);
});

Deno.test("renderChart() expands make-series and marks the exfiltration as an anomaly", async () => {
  const provider = await demo();
  const result = await provider.query(`CommonSecurityLog
    | where DeviceVendor == "Palo Alto Networks"
    | make-series MB = sum(SentBytes) / 1048576.0 default=0 on TimeGenerated from datetime(2026-03-02) to datetime(2026-03-16) step 1h
    | extend (anomalies, score, baseline) = series_decompose_anomalies(MB, 3)
    | project TimeGenerated, MB, anomalies
    | render anomalychart with (anomalycolumns=anomalies)`);
  const chart = renderChart(result);
  assert.equal(chart.kind, "anomaly");
  const rows = rowsOf(chart.spec);
  assert.equal(rows.length, 14 * 24);
  const top = rows.reduce((a, b) => ((a.MB as number) > (b.MB as number) ? a : b));
  assert.equal(new Date(top.TimeGenerated as number).toISOString().slice(0, 10), "2026-03-13");
  assert.notEqual(top.anomalies, 0, "the largest hour (the exfiltration) is flagged");
});

Deno.test("renderChart() bar, column, pie and scatter honour xcolumn, ycolumns, kind", async () => {
  const provider = await demo();
  const columns = await provider.query(`SigninLogs | where ResultType == "50126"
    | summarize Failures = count(), Accounts = dcount(UserPrincipalName) by IPAddress
    | top 5 by Failures
    | render columnchart with (kind=unstacked, xtitle="source", ycolumns=Failures, Accounts)`);
  const chart = renderChart(columns);
  assert.equal(chart.kind, "stacked-bar");
  const encoding = chart.spec.encoding as Record<string, Record<string, unknown>>;
  assert.equal(encoding.x.title, "source");
  assert.deepEqual(encoding.xOffset, { field: "measure" });
  assert.equal(rowsOf(chart.spec).length, 10);
  const bar = renderChart(columns, {
    visualization: "barchart",
    properties: { ycolumns: "Failures", kind: "default" },
  });
  assert.equal(bar.kind, "bar");
  const pie = renderChart(
    await provider.query(`SecurityAlert | summarize n = count() by ProviderName | render piechart`),
  );
  assert.equal(pie.kind, "pie");
  const scatter = renderChart(
    await provider.query(`DnsEvents
    | summarize Queries = count(), AvgLength = avg(strlen(Name)) by ClientIP
    | top 10 by AvgLength
    | render scatterchart with (xcolumn=Queries, ycolumns=AvgLength, series=ClientIP)`),
  );
  assert.equal(scatter.kind, "scatter");
  // The DNS tunnel's client sends the longest names.
  const rows = rowsOf(scatter.spec);
  const longest = rows.reduce((
    a,
    b,
  ) => ((a.AvgLength as number) > (b.AvgLength as number) ? a : b));
  assert.equal(longest.ClientIP, "10.20.4.42");
});
