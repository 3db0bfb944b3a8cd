/** Bad input: a clear ChartError with a hint, or a "No data" chart; a million rows: aggregated. */
import assert from "node:assert/strict";
import {
  barChart,
  ChartError,
  chartToPng,
  chartToSvg,
  heatmapChart,
  histogramChart,
  pl,
  processTreeChart,
  renderChart,
  scatterChart,
  timeChart,
  timelineChart,
} from "../../mod.ts";
import { demo, readPng, rowsOf } from "./_helpers.ts";

function chartError(pattern: RegExp, hint: RegExp, column?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof ChartError, `a ChartError, got ${e}`);
    assert.match(e.message, pattern);
    assert.match(e.hint ?? "", hint);
    if (column) assert.equal(e.column, column);
    return true;
  };
}

Deno.test("a column option left out (untyped code) says which role and what fits", () => {
  const frame = pl.DataFrame({ Host: ["a", "b"], Failures: [1, 2] });
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => barChart(frame, {} as any),
    chartError(/no column is named for the categories/, /Name one in the chart's options; .*Host/),
  );
});

Deno.test("a misspelt column says which and suggests the right one", async () => {
  const signins = (await (await demo()).query("SigninLogs")).frame;
  assert.throws(
    () => timelineChart(signins, { time: "TimeGenerate" }),
    chartError(
      /no column `TimeGenerate` for the time axis/,
      /Did you mean `TimeGenerated`/,
      "TimeGenerate",
    ),
  );
  assert.throws(
    () => barChart(signins, { category: "resulttype" }),
    chartError(/no column `resulttype`/, /`ResultType`/),
  );
  assert.throws(
    () => scatterChart(signins, { x: "TimeGenerated", y: "Nothing" }),
    chartError(/no column `Nothing` for the vertical axis/, /Columns that fit:/),
  );
});

Deno.test("a column of the wrong type says what it is and lists the columns that fit", async () => {
  const signins = (await (await demo()).query("SigninLogs")).frame;
  assert.throws(
    () => timeChart(signins, { time: "UserPrincipalName" }),
    chartError(
      /column `UserPrincipalName` is text \(String\), but the time axis needs a datetime/,
      /Columns that fit: `TimeGenerated`, `CreatedDateTime`;.*todatetime/,
    ),
  );
  assert.throws(
    () => histogramChart(signins, { value: "IPAddress" }),
    chartError(/`IPAddress` is text .* needs a number or a datetime/, /toreal/),
  );
  assert.throws(
    () => barChart(signins, { category: "ResultType", value: "AppDisplayName" }),
    chartError(/the bar lengths needs a number/, /Polars `cast\(pl.Float64\)`/),
  );
  assert.throws(
    () => barChart(signins, { category: "ResultType", top: 0 }),
    chartError(/top must be a whole number of at least 1, not 0/, /default \(25\)/),
  );
});

Deno.test("renderChart() without render, or with a chart kind casefile does not draw", async () => {
  const provider = await demo();
  const plain = await provider.query("SigninLogs | take 5");
  assert.throws(() => renderChart(plain), chartError(/has no `render`/, /render timechart/));
  const odd = await provider.query(
    "SigninLogs | summarize count() by bin(TimeGenerated, 1d) | render ladderchart",
  );
  assert.throws(() => renderChart(odd), chartError(/does not draw it/, /timechart, linechart/));
  assert.throws(
    () => renderChart(plain, { visualization: "timechar" }),
    chartError(/`render timechar`/, /Did you mean `timechart`/),
  );
  const noTime = await provider.query(
    "SigninLogs | summarize n = count() by ResultType | render timechart",
  );
  assert.throws(
    () => renderChart(noTime),
    chartError(/has no datetime column/, /bin\(TimeGenerated, 1h\)/),
  );
  const badColumn = await provider.query(
    "SigninLogs | summarize n = count() by ResultType | render barchart with (xcolumn=Result)",
  );
  assert.throws(() => renderChart(badColumn), chartError(/no column `Result`/, /`ResultType`/));
});

Deno.test("an empty frame draws a 'No data' chart, never a broken image", async () => {
  const provider = await demo();
  const none = await provider.query(`SigninLogs | where UserPrincipalName == "nobody@nowhere"`);
  const charts = [
    timelineChart(none.frame, { group: "IPAddress" }),
    timeChart(none.frame),
    barChart(none.frame, { category: "ResultType" }),
    heatmapChart(none.frame),
    scatterChart(none.frame, { x: "TimeGenerated", y: "DurationMs" }),
    histogramChart(none.frame, { value: "DurationMs" }),
    processTreeChart(none.frame.select(
      pl.col("Id").alias("key"),
      pl.col("CorrelationId").alias("parentKey"),
      pl.col("AppDisplayName").alias("label"),
    )),
  ];
  for (const chart of charts) {
    assert.equal(chart.empty, true, chart.kind);
    assert.equal(chart.sourceRows, 0);
    const svg = await chartToSvg(chart);
    assert.match(svg, /No data: the frame has no rows\./, chart.kind);
    assert.ok(readPng(await chartToPng(chart, { scale: 1 })).colours > 2);
  }
  // Still checked: a missing column is an error even when there are no rows.
  assert.throws(() => barChart(none.frame, { category: "Nope" }), ChartError);
});

Deno.test("rows without a time are counted out loud", () => {
  const frame = pl.DataFrame({
    TimeGenerated: [new Date("2026-03-12T01:00:00Z"), null, new Date("2026-03-12T02:00:00Z")],
    Host: ["a", "b", "a"],
  });
  const chart = timelineChart(frame, { group: "Host" });
  assert.deepEqual(chart.notes, ["1 events without a TimeGenerated are not drawn."]);
  assert.equal(rowsOf(chart.spec).length, 2);
});

function millionEvents() {
  const n = 1_000_000;
  const start = Date.parse("2026-03-01T00:00:00Z");
  return pl.DataFrame({
    TimeGenerated: pl.Series("TimeGenerated", Array.from({ length: n }, (_, i) => start + i * 1000))
      .cast(pl.Datetime("ms")),
    Computer: pl.Series("Computer", Array.from({ length: n }, (_, i) => `host-${i % 40}`)),
    Bytes: pl.Series(
      "Bytes",
      Array.from({ length: n }, (_, i) => (i * 7919) % 100_000),
      pl.Float64,
    ),
  });
}

Deno.test("a million events give aggregated charts with a note, and render", async () => {
  const frame = millionEvents();
  const timeline = timelineChart(frame, { group: "Computer" });
  const rows = rowsOf(timeline.spec);
  assert.ok(rows.length <= 26 * 241, `${rows.length} cells`);
  assert.equal(rows.reduce((s, r) => s + (r.events as number), 0), 1_000_000);
  assert.match(
    timeline.notes.join(" "),
    /1,000,000 events counted in \d+ (min|h) bins \(more than 5,000/,
  );
  assert.match(timeline.notes.join(" "), /25 busiest of 40 Computer lanes/);

  const counts = timeChart(frame);
  assert.ok(rowsOf(counts.spec).length <= 160);
  assert.equal(rowsOf(counts.spec).reduce((s, r) => s + (r.events as number), 0), 1_000_000);

  const values = timeChart(frame, { values: "Bytes", aggregate: "mean" });
  assert.ok(rowsOf(values.spec).length <= 5000);
  assert.match(values.notes[0], /1,000,000 points combined \(mean\)/);

  const scatter = scatterChart(frame, { x: "TimeGenerated", y: "Bytes" });
  assert.equal(rowsOf(scatter.spec).length, 5000);
  assert.match(scatter.notes[0], /5,000 of 1,000,000 points/);

  const heat = heatmapChart(frame);
  assert.equal(rowsOf(heat.spec).reduce((s, r) => s + (r.events as number), 0), 1_000_000);

  for (const chart of [timeline, counts, values, scatter, heat]) {
    const svg = await chartToSvg(chart);
    assert.ok(svg.length < 5_000_000, `${chart.kind} SVG is ${svg.length} bytes`);
  }
});
