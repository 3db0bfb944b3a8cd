/**
 * exportReport() step facts where `deno task mutate src/session/export_report.ts` found gaps the
 * other tests let through (issue 23): the result's columns with their Kusto types, the time
 * window a query ran over with the parameter that set it, and the parameters a query used.
 * Expected values by hand from the demo session's spray query (tests/session/_export_fixture.ts):
 * `summarize Failures = count(), Accounts = dcount(...) by IPAddress` gives a string key and two
 * longs; its window parameter defaults to 2026-03-11..2026-03-12; it uses code 50126 and
 * minAccounts 20.
 */
import assert from "node:assert/strict";
import { exportReport } from "../../src/session/export_report.ts";
import { demoSession } from "./_export_fixture.ts";

Deno.test("mutation/report: a query step lists its columns, time window and parameters", async () => {
  const { session } = await demoSession("facts");
  try {
    for (const format of ["markdown", "html"] as const) {
      const text = await exportReport(session, { format, rows: 1 });
      const spray = format === "markdown"
        ? text.slice(text.indexOf("### 1. spray"), text.indexOf("### 2. recent"))
        : text.slice(text.indexOf('id="step-1"'), text.indexOf('id="step-2"'));
      assert.ok(spray.length > 0, format);
      const fact = (name: string) =>
        format === "markdown"
          ? new RegExp(`^- ${name}: (.*)$`, "m").exec(spray)?.[1]
          : new RegExp(`<th>${name}</th><td[^>]*>(.*?)</td>`).exec(spray)?.[1];
      assert.equal(
        fact("columns"),
        "IPAddress (string), Failures (long), Accounts (long)",
        format,
      );
      assert.equal(
        fact("time window"),
        "2026-03-11T00:00:00.000Z .. 2026-03-12T00:00:00.000Z (parameter window)",
        format,
      );
      const used = fact("parameters") ?? "";
      assert.match(used, /code = &#34;50126&#34;/, format);
      assert.match(used, /minAccounts = 20/, format);
      assert.match(used, /window = &#34;2026-03-11T00:00:00Z\.\.2026-03-12T00:00:00Z&#34;/, format);
    }
    // The headline: which steps of how many were kept (8 recorded; the dead end and the
    // failed step left out), findings as a list, and the parameters as a table in Markdown.
    const html = await exportReport(session, { format: "html" });
    assert.match(
      html,
      /<p class="meta">Report made [^<]*\. Provider: [^<]+\. 6 of 8 steps kept\.<\/p>/,
    );
    assert.match(html, /<h2>Findings<\/h2>\n<ul>\n<li><a href="#step-1">1\. spray<\/a>/);
    const markdown = await exportReport(session, { format: "markdown" });
    assert.match(markdown, /^## Findings$/m);
    assert.match(
      markdown,
      /^\| window \| timerange \| 2026-03-11T00:00:00Z\.\.2026-03-12T00:00:00Z \| 2026-03-11T00:00:00Z\.\.2026-03-12T00:00:00Z \| the day of the spray \|$/m,
    );
    assert.match(markdown, /^\| minAccounts \| number \| 20 \| 20 \| {2}\|$/m);
    assert.ok(markdown.endsWith("\n"), "ends with a line break");
  } finally {
    await session.close();
  }
});
