/**
 * Scenario D: a triage notebook (`_triage_notebook.ts`: 38 steps in 18 cells calling
 * `session.query` and `session.run`, a typo caught, a dead end, eight findings, a
 * `session.rerun` with another time window) executed through the real Deno Jupyter kernel
 * with nbconvert; its last cell exports the session, and each export is checked as a person
 * would use it (the exported notebook runs through nbconvert once more).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { pl } from "../../mod.ts";
import {
  checkExports,
  checkFindings,
  column,
  executeNotebook,
  hasNbconvert,
  isKept,
  joined,
  lastNbconvertLog,
  readSession,
  REPO,
  type StepFacts,
  tempDir,
} from "./_harness.ts";
import { notebookOf, TRIAGE_CELLS } from "./_triage_notebook.ts";

const NBCONVERT = await hasNbconvert();

Deno.test({
  name:
    "scenario D: a triage notebook run by nbconvert in the casefile kernel replays from every export",
  ignore: !NBCONVERT,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const out = await tempDir();
    const home = join(out, "home");
    const authored = join(out, "authored.ipynb");
    await Deno.writeTextFile(authored, notebookOf(TRIAGE_CELLS));
    const cells = await executeNotebook(authored, home, { SCENARIO_OUT: out });
    const outputOf = (marker: string) => {
      const cell = cells.find((c) => c.source.includes(marker));
      assert.ok(cell, `a cell with ${marker}`);
      return cell.outputs;
    };
    // The caught typo shows its message; the tree is printed; charts display as vega-lite. A
    // cell's outputs are read whole: a stream another cell's late work wrote may come first.
    const textOf = (marker: string) => {
      const outputs = outputOf(marker);
      const text = outputs.map((o) => joined(o.data?.["text/plain"] ?? o.text)).join("\n");
      const shapes = JSON.stringify(outputs.map((o) => ({
        type: o.output_type,
        text: joined(o.data?.["text/plain"] ?? o.text).slice(0, 300),
      })));
      return { text, shapes };
    };
    const oops = textOf('"oops"');
    // Seen empty a few times in CI under load (the kernel published no result for the cell):
    // say what every cell got and what nbconvert said, to find out why.
    const outputsPerCell = cells.map((c) => c.outputs.length).join(",");
    // Every cell that ends in a value shows it (the kernel once sent a result after the
    // cell's "idle" under load, and nbconvert dropped it): ten cells, by their position.
    const results = cells.flatMap((c, i) =>
      c.outputs.some((o) => o.output_type === "execute_result") ? [i] : []
    );
    assert.deepEqual(results, [0, 1, 7, 8, 9, 10, 11, 14, 15, 17], outputsPerCell);
    assert.match(textOf("session.name;").text, /triage/);
    assert.match(
      oops.text,
      /fsTre is not defined/,
      `${oops.shapes}; outputs per cell: ${outputsPerCell}; nbconvert:\n${lastNbconvertLog}`,
    );
    const staging = textOf('"staging"');
    assert.match(staging.text, /rclone\.exe/, staging.shapes);
    const heat = outputOf('"heat"');
    assert.ok(
      heat.some((o) => o.data?.["application/vnd.vegalite.v5+json"]),
      `the cell's last chart displays as a chart; its outputs: ${
        JSON.stringify(heat.map((o) => ({
          type: o.output_type,
          mimes: Object.keys(o.data ?? {}),
          text: joined(o.data?.["text/plain"] ?? o.text).slice(0, 300),
        })))
      }`,
    );

    const original = await readSession("triage", home);
    assert.equal(original.length, 38);
    assert.ok(original.filter(isKept).length >= 30, "30+ kept steps");
    assert.deepEqual(original.filter((s) => s.status !== "ok").map((s) => s.name), ["oops"]);
    assert.deepEqual(original.filter((s) => s.mark === "dead-end").map((s) => s.name), [
      "inventory",
    ]);
    assert.deepEqual(
      original.filter((s) => s.mark === "finding").map((s) => s.position),
      [5, 6, 8, 10, 13, 28, 31, 38],
    );
    assert.deepEqual(original.filter((s) => s.chart).map((s) => s.chart), [
      "bar",
      "heatmap",
      "timechart",
      "histogram",
      "timeline",
    ]);

    await checkExports(t, out, "triage", original, checkTriageReport);
  },
});

/** What each finding of the triage scenario must show, from the answer key. */
function checkTriageReport(dom: string, original: readonly StepFacts[]): void {
  const sections = checkFindings(dom, original);
  const section = (n: number) => sections.get(n)!;
  const { victim, spray, exfiltration, lateralMovement, stolenAdmin, alerts } = ANSWER_KEY;

  // 5: the victim's alerts (the spray, the forwarding rule), and his department.
  const users = section(5);
  const names = column(users, "CompromisedEntity");
  const victims = names.flatMap((n, i) => n === victim.upn ? [i] : []);
  assert.deepEqual(
    victims.map((i) => column(users, "AlertName")[i]),
    alerts.filter((a) => a.stage === "spray" || a.stage === "inboxRule").map((a) => a.name),
  );
  assert.deepEqual(
    new Set(victims.map((i) => column(users, "Department")[i])),
    new Set([
      victim.department,
    ]),
  );

  // 6: the victim's manager's manager is a VIP (ANSWERS.md, Outside data).
  const chain = section(6);
  assert.equal(column(chain, "UserPrincipalName")[0], victim.upn);
  assert.deepEqual(column(chain, "IsVIP").slice(0, 3), ["false", "false", "true"]);

  // 8: the disabled leavers' accounts, tried once by each spray address.
  const leavers = section(8);
  assert.equal(
    column(leavers, "Attempts").reduce((a, b) => a + Number(b), 0),
    spray.disabled50057,
  );
  assert.deepEqual(new Set(column(leavers, "Sources")), new Set([String(spray.ips.length)]));

  // 10: the file server in the asset list.
  assert.deepEqual(column(section(10), "Hostname"), [exfiltration.host]);
  assert.deepEqual(column(section(10), "IPAddress"), [exfiltration.sourceIp]);

  // 13: the staging tree, printed: the archive, then rclone, under the service's shells.
  const printed = section(13).printed ?? "";
  assert.ok(printed.includes(exfiltration.archive), printed);
  assert.match(
    printed,
    /^wsh\.exe [^\n]*\n(?:[├└│ ][^\n]*\n)*└─ cmd\.exe [^\n]*\n {3}└─ rclone\.exe /m,
  );

  // 28: binaries first seen on the file server since 12 March.
  const fresh = column(section(28), "NewProcessName");
  for (const path of [lateralMovement.serviceFile, exfiltration.toolPath]) {
    assert.ok(fresh.includes(path), `${path} in ${fresh.join(", ")}`);
  }
  assert.ok(fresh.some((p) => p.endsWith("\\7z.exe")), fresh.join(", "));

  // 31: the stolen admin's network logon from the victim's workstation.
  const admin = section(31);
  assert.deepEqual(column(admin, "account"), [stolenAdmin.account]);
  assert.deepEqual(column(admin, "sourceIp"), [lateralMovement.fromIp]);
  assert.deepEqual(column(admin, "start"), [lateralMovement.time.replace(".000Z", "Z")]);

  // 38: after the re-run over the night before: processes started on the file server in
  // those hours, counted here with Polars over the raw table.
  const started = pl.readParquet(join(REPO, "fixtures/demo-case/SecurityEvent.parquet")).filter(
    pl.col("EventID").eq(4688)
      .and(pl.col("Computer").str.startsWith(exfiltration.host))
      .and(pl.col("TimeGenerated").gtEq(new Date("2026-03-12T02:30:00Z")))
      .and(pl.col("TimeGenerated").lt(new Date("2026-03-12T05:00:00Z"))),
  );
  assert.equal(section(38).value, String(started.height));
}
