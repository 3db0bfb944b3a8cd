/** Notebook display helpers, outside the kernel: HTML tables, result bundles, detection. */
import assert from "node:assert/strict";
import { display, displayable, frameToHtml, isJupyterKernel, pl, timeChart } from "../../mod.ts";
import { demo } from "../viz/_helpers.ts";

const DISPLAY = Symbol.for("Jupyter.display");
type Displayable = Record<symbol, () => Promise<Record<string, unknown>>>;

Deno.test("isJupyterKernel() is false outside the kernel, where Deno.jupyter throws", () => {
  assert.throws(() => (Deno as unknown as { jupyter: unknown }).jupyter);
  assert.equal(isJupyterKernel(), false);
});

Deno.test("frameToHtml() shows types, UTC datetimes, nulls, escaped text and the row count", () => {
  const frame = pl.DataFrame({
    When: [new Date("2026-03-12T01:52:08Z"), null],
    Who: ["<script>alert(1)</script>", null],
    Bytes: [48_000_000, 12],
  });
  const html = frameToHtml(frame);
  assert.match(html, /<th>When<br><small>Datetime<\/small><\/th>/);
  assert.match(html, /<td>2026-03-12T01:52:08Z<\/td>/);
  assert.match(html, /<td class="null">null<\/td>/);
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(!html.includes("<script>alert"));
  assert.match(html, /<td class="num">48000000<\/td>/);
  assert.match(html, /2 rows × 3 columns/);
  const many = pl.DataFrame({ n: Array.from({ length: 120 }, (_, i) => i) });
  const cut = frameToHtml(many, { maxRows: 10 });
  assert.match(cut, /120 rows × 1 columns \(first 10 shown\)/);
  assert.equal(cut.match(/<tr>/g)!.length, 11);
});

Deno.test("displayable() gives frames an HTML table instead of a data resource", async () => {
  const frame = pl.DataFrame({ a: [1, 2] });
  const bundle = await (displayable(frame) as Displayable)[DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  const polars = (frame as unknown as Displayable)[DISPLAY];
  assert.ok("application/vnd.dataresource+json" in await polars.call(frame), "polars' own bundle");
});

Deno.test("displayable() shows a query result's provenance, warnings and render chart", async () => {
  const provider = await demo();
  const result = await provider.query(
    `SigninLogs | summarize n = count() by bin(TimeGenerated, 1d) | render columnchart with (title="Per day")`,
  );
  const warned = {
    ...result,
    warnings: [{ kind: "truncated" as const, message: "cut at 500,000 rows" }],
  };
  const bundle = await (displayable(warned) as Displayable)[DISPLAY]();
  const html = String(bundle["text/html"]);
  assert.match(html, /<b>14 rows<\/b> from <code>local:/);
  assert.match(html, /<pre class="casefile-query">SigninLogs \| summarize/);
  assert.match(html, /casefile-warning"><b>⚠ truncated<\/b>: cut at 500,000 rows/);
  assert.match(html, /<img alt="Per day"[^>]*src="data:image\/png;base64,iVBOR/);
  assert.match(String(bundle["text/plain"]), /warning \(truncated\): cut at 500,000 rows/);
  assert.match(String(bundle["text/plain"]), /chart: bar "Per day"/);
});

Deno.test("a chart's bundle is vega-lite with a PNG and a text line", async () => {
  const provider = await demo();
  const chart = timeChart((await provider.query("SigninLogs")).frame, { title: "Sign-ins" });
  const bundle = await (displayable(chart) as Displayable)[DISPLAY]();
  assert.deepEqual(
    Object.keys(bundle).sort(),
    ["application/vnd.vegalite.v5+json", "image/png", "text/plain"],
  );
  assert.equal(bundle["application/vnd.vegalite.v5+json"], chart.spec);
  assert.ok(String(bundle["image/png"]).startsWith("iVBORw0KGgo"));
  assert.equal(bundle["text/plain"], "timechart chart: Sign-ins");
});

Deno.test("display() prints the text form outside the kernel", async () => {
  const lines: unknown[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(...args);
  try {
    await display(pl.DataFrame({ a: [1] }));
    await display("plain");
  } finally {
    console.log = original;
  }
  assert.match(String(lines[0]), /shape: \(1, 1\)/);
  assert.equal(lines[1], "plain");
});
