/**
 * The example notebook, executed through the real Deno kernel by `jupyter nbconvert
 * --execute`, shows what the demo case holds. The kernel spec is written to a temporary
 * JUPYTER_PATH, so the test does not depend on what is installed in the user's profile.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasNbconvert, jupyterEnv, PYTHON, tempFolder, writeTestKernel } from "../_helpers.ts";

const NOTEBOOK = fileURLToPath(
  new URL("../../examples/demo_case_investigation.ipynb", import.meta.url),
);

const available = await hasNbconvert();

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

const text = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value ?? ""));

Deno.test({
  name: "the demo notebook runs in the Deno kernel and shows the intrusion",
  ignore: !available,
  sanitizeResources: false,
  async fn() {
    const dir = await tempFolder();
    await writeTestKernel(dir);
    const run = await new Deno.Command(PYTHON, {
      args: [
        "-m",
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        NOTEBOOK,
        "--output-dir",
        dir,
        "--output",
        "executed",
        "--ExecutePreprocessor.kernel_name=casefile-deno",
        "--ExecutePreprocessor.timeout=600",
        "--ExecutePreprocessor.iopub_timeout=120",
      ],
      env: jupyterEnv(dir),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(run.success, `nbconvert failed:\n${new TextDecoder().decode(run.stderr)}`);
    const executed = JSON.parse(await Deno.readTextFile(join(dir, "executed.ipynb")));
    const cells = (executed.cells as Cell[]).filter((c) => c.cell_type === "code");

    for (const cell of cells) {
      const source = text(cell.source).split("\n")[0];
      const outputs = cell.outputs ?? [];
      assert.ok(outputs.length > 0, `no output for the cell starting "${source}"`);
      for (const o of outputs) {
        assert.notEqual(o.output_type, "error", `${source}: ${o.ename}: ${o.evalue}`);
        if (o.data) {
          assert.ok(
            !("application/vnd.dataresource+json" in o.data),
            "tables are HTML, not data resources",
          );
        }
      }
    }
    const cell = (marker: string) => {
      const found = cells.find((c) => text(c.source).includes(marker));
      assert.ok(found, `a cell with ${marker}`);
      return found.outputs!;
    };
    const html = (outputs: Output[]) => outputs.map((o) => text(o.data?.["text/html"])).join("\n");
    const charts = (outputs: Output[], mime: string) =>
      outputs.filter((o) => o.data?.[mime]).map((o) => ({
        spec: o.data![mime] as Record<string, unknown>,
        png: Buffer.from(text(o.data!["image/png"]), "base64"),
      }));
    const isPng = (bytes: Uint8Array) =>
      bytes.length > 1000 && [...bytes.subarray(0, 4)].join() === "137,80,78,71";

    {
      // The session cells: a journaled query step, a re-run, a report with the finding.
      const sources = html(cell("const sources"));
      for (const ip of ["203.0.113.61", "203.0.113.88", "203.0.113.45"]) {
        assert.match(sources, new RegExp(ip.replaceAll(".", "\\.")));
      }
      assert.equal(
        text(cell("session.rerun(")[0]?.data?.["text/plain"]),
        "session steps: 1; sprayers the day before: 0; report: has the finding",
      );
    }
    assert.match(
      text(cell("const provider")[0].data?.["text/plain"]),
      /^kernel: true; 37 tables: SigninLogs/,
    );

    // The spray: three addresses, IMAP4, with provenance above the rows.
    const spray = html(cell("const spray"));
    for (const ip of ["203.0.113.61", "203.0.113.88", "203.0.113.45"]) {
      assert.ok(spray.includes(ip));
    }
    assert.match(spray, /<b>3 rows<\/b> from <code>local:.*demo-case<\/code>/);
    assert.match(spray, /IMAP4/);
    assert.match(spray, /2026-03-11T0\d:\d\d:\d\d/);
    const [timeline] = charts(
      cell("timelineChart(attempts.frame"),
      "application/vnd.vegalite.v5+json",
    );
    assert.equal(
      (timeline.spec.title as { text: string }).text,
      "The spray, one lane per source address",
    );
    assert.ok(isPng(timeline.png));

    // The one success: the victim, single factor, over IMAP.
    const success = html(cell("const success"));
    assert.match(success, /daniel\.reyes@larkspurlogistics\.example/);
    assert.match(success, /singleFactorAuthentication/);
    assert.match(success, /1 rows × 6 columns/);

    // Impossible travel: GB then BR the same morning.
    const travel = html(cell("const travel"));
    assert.ok(travel.includes("<td>GB</td>") && travel.includes("<td>BR</td>"));
    assert.equal(charts(cell("const travel"), "application/vnd.vegalite.v5+json").length, 1);
    assert.equal(
      charts(cell("heatmapChart(signins.frame"), "application/vnd.vegalite.v5+json").length,
      1,
    );

    // The encoded PowerShell decodes to the download cradle.
    assert.match(html(cell("const cradle")), /https:\/\/cdn\.edgeupdate-sync\.example\/a\/u\.ps1/);
    const [tree] = charts(cell("processTreeChart("), "application/vnd.vega.v5+json");
    assert.ok(JSON.stringify(tree.spec).includes("msedgeupdate.exe"));
    assert.ok(isPng(tree.png));

    // The beacon: one rare destination, 2,160 connections, a median gap of 60 s.
    assert.match(html(cell("const rare")), /cdn\.edgeupdate-sync\.example[\s\S]*msedgeupdate\.exe/);
    const rhythm = html(cell("const rhythm"));
    assert.match(rhythm, /<td class="num">2160<\/td><td class="num">60<\/td>/);
    const perHour = cell("const perHour");
    assert.match(
      html(perHour),
      /<img alt="C2 connections per hour"[^>]*src="data:image\/png;base64,/,
    );
    assert.equal(charts(perHour, "application/vnd.vegalite.v5+json").length, 1);

    // The exfiltration: the anomaly chart's largest hour is on 13 March, flagged.
    const [anomaly] = charts(cell("const outbound"), "application/vnd.vegalite.v5+json");
    const rows = (anomaly.spec.data as { values: Record<string, number>[] }).values;
    const top = rows.reduce((a, b) => (a.MB > b.MB ? a : b));
    assert.equal(new Date(top.TimeGenerated).toISOString().slice(0, 10), "2026-03-13");
    assert.notEqual(top.anomalies, 0);
    assert.match(
      html(cell("const exfil")),
      /10\.10\.1\.20<\/td><td>198\.51\.100\.199<\/td><td class="num">2560<\/td>/,
    );
  },
});
