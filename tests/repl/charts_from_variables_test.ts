/**
 * Charts from variables: a frame bound from a query ending in `render` keeps the chart it
 * asked for (in the REPL, from `session.query`, after the session is reopened), `renderChart`
 * draws any frame given a visualization, and `.chart NAME [FILE]` writes it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openLocalProvider, openSession, renderChart } from "../../mod.ts";
import { ChartError } from "../../src/viz/errors.ts";
import { tempFolder } from "../_helpers.ts";
import { pipeRepl } from "./_piped.ts";

const FAILS = `SigninLogs | where ResultType == "50126" ` +
  `| summarize Failures = count() by bin(TimeGenerated, 1d) | render columnchart with (title="Failed sign-ins per day")`;

Deno.test("a frame from session.query keeps its render, also once the session is reopened", async () => {
  const home = await tempFolder();
  const provider = await openLocalProvider();
  const session = await openSession("charts", { home, provider });
  const fails = await session.query("fails", FAILS);
  const chart = renderChart(fails);
  // What the query asked for: a column chart (casefile's "bar") with its title.
  assert.deepEqual([chart.kind, chart.title], ["bar", "Failed sign-ins per day"]);
  // A derived frame is a new frame, without the query's render.
  assert.throws(() => renderChart(fails.head(3)), /the query has no `render`/);
  // Any frame, told which chart to draw.
  assert.equal(renderChart(fails.head(3), { visualization: "piechart" }).kind, "pie");
  await session.close();

  const again = await openSession("charts", { home, provider });
  const restored = again.variables.fails;
  assert.notEqual(restored, fails, "a restore builds a new frame");
  assert.equal(renderChart(restored as typeof fails).title, "Failed sign-ins per day");
  await again.close();
});

Deno.test("renderChart of what is not a frame is a ChartError, not a TypeError", () => {
  for (const value of [undefined, null, 42, "fails", [1, 2], { rows: 3 }]) {
    assert.throws(
      () => renderChart(value as never, { visualization: "timechart" }),
      (e: unknown) => e instanceof ChartError && /Cannot draw a chart of /.test(e.message),
      String(value),
    );
  }
});

Deno.test({
  name: "in the piped REPL: renderChart(variable), .chart NAME FILE, and again after reopening",
  sanitizeResources: false,
  async fn() {
    const home = await tempFolder();
    const out = await tempFolder();
    const svg = join(out, "fails.svg");
    const first = await pipeRepl(home, "viz", [
      `%kql fails = ${FAILS}`,
      "renderChart(fails).title",
      `renderChart(fails.head(2), { visualization: "timechart" }).kind`,
      `.chart fails ${svg}`,
      ".chart fials",
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Failed sign-ins per day$/m);
    assert.match(first.stdout, /^timechart$/m);
    assert.ok(first.stdout.includes(`chart: bar written to ${svg}`), first.stdout);
    const text = await Deno.readTextFile(svg);
    assert.ok(text.startsWith("<svg") && text.includes("Failed sign-ins per day"));
    assert.match(first.stderr, /There is no variable fials\.\nhint: Did you mean `fails`\?/);
    assert.doesNotMatch(first.stderr, /TypeError|Cannot read properties/);

    const second = await pipeRepl(home, "viz", [".chart fails"]);
    assert.equal(second.code, 0, second.stderr);
    const path = join(home, "sessions", "viz", "charts", "fails.html");
    assert.ok(second.stdout.includes(`chart: bar written to ${path}`), second.stdout);
    assert.ok((await Deno.readTextFile(path)).includes("<svg"));
  },
});
