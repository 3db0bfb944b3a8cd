/** Rendering every chart kind: SVG marks and text, PNG pixels, offline HTML, files. */
import assert from "node:assert/strict";
import { isAbsolute, join } from "node:path";
import {
  barChart,
  type Chart,
  ChartError,
  chartToHtml,
  chartToPng,
  chartToSvg,
  heatmapChart,
  histogramChart,
  pieChart,
  processTreeChart,
  renderChart,
  scatterChart,
  stackedBarChart,
  timeChart,
  timelineChart,
  writeChart,
} from "../../mod.ts";
import { tempFolder } from "../_helpers.ts";
import { demo, readPng } from "./_helpers.ts";

/** Every chart kind from the demo case, with the mark class its SVG must hold. */
async function gallery(): Promise<Array<{ chart: Chart; mark: string; text: string }>> {
  const provider = await demo();
  const q = async (kql: string) => (await provider.query(kql)).frame;
  const signins = await q("SigninLogs");
  const flows = await q("CommonSecurityLog");
  return [
    {
      chart: timelineChart(await q(`SigninLogs | where IPAddress == "203.0.113.45"`), {
        group: "ResultType",
        markers: [{ time: new Date("2026-03-11T05:12:44Z"), label: "Password Spray" }],
      }),
      mark: "mark-symbol",
      text: "Password Spray",
    },
    {
      chart: timelineChart(await q("DeviceNetworkEvents"), { group: "DeviceName" }),
      mark: "mark-rect",
      text: "events per",
    },
    { chart: timeChart(signins, { series: "ClientAppUsed" }), mark: "mark-line", text: "IMAP4" },
    {
      chart: timeChart(signins, {
        mark: "area",
        series: "ClientAppUsed",
        title: "Stacked sign-ins",
      }),
      mark: "mark-area",
      text: "Stacked sign-ins",
    },
    { chart: barChart(signins, { category: "ResultType" }), mark: "mark-rect", text: "50126" },
    {
      chart: stackedBarChart(signins, { category: "AppDisplayName", series: "ClientAppUsed" }),
      mark: "mark-rect",
      text: "Office 365 Exchange Online",
    },
    { chart: heatmapChart(signins), mark: "mark-rect", text: "Wed" },
    {
      chart: scatterChart(flows, { x: "ReceivedBytes", y: "SentBytes" }),
      mark: "mark-symbol",
      text: "SentBytes",
    },
    {
      chart: histogramChart(flows, { value: "SentBytes", logBins: true }),
      mark: "mark-rect",
      text: "Distribution of SentBytes",
    },
    {
      chart: pieChart(await q("SecurityAlert"), { category: "AlertSeverity" }),
      mark: "mark-arc",
      text: "High",
    },
    {
      chart: renderChart(
        await provider.query(`DeviceNetworkEvents
        | where RemoteUrl == "cdn.edgeupdate-sync.example"
        | make-series Connections = count() default=0 on TimeGenerated from datetime(2026-03-11) to datetime(2026-03-14) step 1h
        | extend (anomalies, score, baseline) = series_decompose_anomalies(Connections)
        | render anomalychart with (anomalycolumns=anomalies, title="Beacon")`),
      ),
      mark: "mark-line",
      text: "Beacon",
    },
    {
      chart: processTreeChart(
        await q(`DeviceProcessEvents
        | where DeviceName startswith "lks-ws-1042" and TimeGenerated between (datetime(2026-03-12T01:50:00Z) .. 40m)
        | project key = ProcessId, parentKey = InitiatingProcessId, label = FileName`),
      ),
      mark: "mark-path",
      text: "msedgeupdate.exe",
    },
    {
      chart: barChart(await q(`SigninLogs | where UserPrincipalName == "nobody"`), {
        category: "ResultType",
      }),
      mark: "mark-text",
      text: "No data",
    },
  ];
}

Deno.test("chartToSvg() draws every chart kind with its marks and text", async () => {
  for (const { chart, mark, text } of await gallery()) {
    const svg = await chartToSvg(chart);
    assert.ok(svg.startsWith("<svg"), chart.kind);
    assert.ok(svg.includes(mark), `${chart.kind} (${chart.title}) has ${mark}`);
    assert.ok(svg.includes(text), `${chart.kind} (${chart.title}) shows "${text}"`);
    assert.ok(svg.includes(chart.title.replaceAll("&", "&amp;")), `${chart.kind} shows its title`);
    if (chart.empty) continue; // The chart says "No data" in place of the marks.
    for (const note of chart.notes) {
      assert.ok(svg.includes(note.slice(0, 20)), `note shown: ${note}`);
    }
  }
});

Deno.test("chartToPng() gives a valid, sized, non-blank PNG for every chart kind", async () => {
  for (const { chart } of await gallery()) {
    const png = await chartToPng(chart, { scale: 1 });
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], chart.kind);
    const image = readPng(png);
    const svg = await chartToSvg(chart);
    const [, w, h] = svg.match(/width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/)!;
    assert.equal(image.width, Math.round(Number(w)), `${chart.kind} width`);
    assert.equal(image.height, Math.round(Number(h)), `${chart.kind} height`);
    assert.ok(
      image.width >= 200 && image.height >= 100,
      `${chart.kind} is ${image.width}×${image.height}`,
    );
    // Text in DejaVu Sans and coloured marks: many distinct colours, not a blank page.
    assert.ok(image.colours > 20, `${chart.kind} has ${image.colours} colours`);
  }
});

Deno.test("chartToPng() scales, and rejects a scale out of range", async () => {
  const provider = await demo();
  const chart = heatmapChart((await provider.query("SigninLogs")).frame);
  const one = readPng(await chartToPng(chart, { scale: 1 }));
  const two = readPng(await chartToPng(chart));
  assert.equal(two.width, one.width * 2);
  await assert.rejects(() => chartToPng(chart, { scale: 0 }), ChartError);
});

Deno.test("chartToHtml() is self-contained: no script, style or image is fetched", async () => {
  const provider = await demo();
  const chart = timelineChart((await provider.query("DeviceNetworkEvents")).frame, {
    group: "DeviceName",
  });
  for (const interactive of [false, true]) {
    const html = await chartToHtml(chart, { interactive });
    assert.ok(html.startsWith("<!doctype html>"));
    assert.doesNotMatch(html, /<script[^>]+src=/i);
    assert.doesNotMatch(html, /<link[^>]+href=/i);
    assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\//i);
    assert.doesNotMatch(html, /@import|url\(\s*["']?https?:/i);
    assert.ok(html.includes("<svg"), "the SVG is inlined (or the noscript fallback)");
    assert.ok(html.includes("events counted in"), "the notes are in the page");
    if (interactive) {
      assert.ok(html.length > 400_000, "vega is inlined");
      assert.match(html, /new vega\.View\(vega\.parse\(/);
      assert.doesNotMatch(
        html.slice(html.indexOf("<script>") + 8),
        /<\/script>[\s\S]*<\/script>[\s\S]*<\/script>/,
      );
    } else {
      assert.ok(!html.includes("<script"), "the static page has no script");
    }
  }
});

Deno.test("writeChart() writes each format by extension and returns the absolute path", async () => {
  const provider = await demo();
  const chart = pieChart((await provider.query("SecurityAlert")).frame, {
    category: "ProviderName",
  });
  const dir = await tempFolder();
  for (const ext of ["svg", "png", "html", "json"]) {
    const path = await writeChart(chart, join(dir, "sub", `alerts.${ext}`));
    assert.ok(isAbsolute(path));
    assert.equal(path, join(dir, "sub", `alerts.${ext}`));
    const bytes = await Deno.readFile(path);
    const text = new TextDecoder().decode(bytes);
    // Each file is what its extension says, with the chart in it (not merely some bytes).
    if (ext === "png") assert.deepEqual([...bytes.subarray(0, 4)], [137, 80, 78, 71]);
    if (ext === "svg") assert.ok(text.startsWith("<svg"), text.slice(0, 40));
    if (ext === "html") assert.match(text, /<html[\s>]/i);
    // The alert providers of the answer key (ANSWERS.md, "Alerts": Identity Protection, Cloud
    // App Security, Defender for Endpoint, Security Center) label the slices, by Sentinel's
    // ProviderName codes.
    if (ext === "svg" || ext === "html") {
      for (const name of ["IPC", "MCAS", "MDATP", "Azure Security Center"]) {
        assert.ok(text.includes(`>${name}<`) || text.includes(`"${name}"`), `${ext}: ${name}`);
      }
    }
  }
  const spec = JSON.parse(await Deno.readTextFile(join(dir, "sub", "alerts.json")));
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  const forced = await writeChart(chart, join(dir, "chart.out"), { format: "svg" });
  assert.ok((await Deno.readTextFile(forced)).startsWith("<svg"));
  await assert.rejects(() => writeChart(chart, join(dir, "chart.gif")), (e: unknown) => {
    assert.ok(e instanceof ChartError);
    assert.match(e.message, /the extension is gif/);
    assert.match(e.hint!, /\.svg, \.png, \.html or \.json/);
    return true;
  });
});
