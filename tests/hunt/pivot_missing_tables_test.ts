/**
 * Library queries whose tables the data lacks are not run, and say so (issue 21): a pivot,
 * `.pivot` and a `casefile hunt` pack over a case folder holding only the demo case's
 * SigninLogs list them as "not run: this data has no <table>", never as a failure, and
 * count them apart in the summary. Expected values: fixtures/demo-case/ANSWERS.md.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPivot, HuntError } from "../../src/hunt/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { runCasefile, tempDir } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DEMO = join(REPO, "fixtures/demo-case");
const VICTIM = "daniel.reyes@larkspurlogistics.example"; // ANSWERS.md
const ATTACKER = "203.0.113.45";

/** A case folder with the demo case's SigninLogs and nothing else. */
async function signinsOnlyCase(): Promise<string> {
  const dir = await tempDir("casefile-signins-only-");
  await Deno.copyFile(join(DEMO, "SigninLogs.parquet"), join(dir, "SigninLogs.parquet"));
  const manifest = JSON.parse(await Deno.readTextFile(join(DEMO, "manifest.json")));
  manifest.tables = manifest.tables.filter((t: { name: string }) => t.name === "SigninLogs");
  manifest.external = [];
  await Deno.writeTextFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

/** `casefile ARGS`, with `stdin` piped in. */
function casefile(args: string[], stdin?: string) {
  return runCasefile(args, { stdin });
}

Deno.test("pivot.account() on sign-ins only: other tables' queries are not run, counted apart", async () => {
  const dir = await signinsOnlyCase();
  const pivot = createPivot({ provider: await openLocalProvider(dir) });
  const account = pivot.account(VICTIM);
  const report = await account.run();
  const byId = new Map(report.outcomes.map((o) => [o.id, o]));

  // Office and audit queries read tables this folder does not have.
  assert.equal(
    byId.get("office.inboxRulesForwardingMail")?.skipped,
    "not run: this data has no OfficeActivity",
  );
  assert.equal(
    byId.get("identity.mfaMethodRegistrations")?.skipped,
    "not run: this data has no AuditLogs",
  );
  for (const outcome of report.outcomes) {
    assert.doesNotMatch(outcome.skipped ?? "", /failed|Unknown table/, outcome.id);
  }
  // The sign-in queries ran: the victim's sign-ins include the attacker's address.
  const signins = report.frame("identity.signInsOfAccount");
  assert.ok(signins, String(report));
  assert.ok(signins.getColumn("IPAddress").toArray().includes(ATTACKER));
  assert.ok(report.hits.length > 0);

  const notRun = report.notRun;
  assert.ok(notRun.length > 10, String(report));
  assert.ok(notRun.every((o) => o.rows === 0 && o.missing!.length > 0 && !o.frame));
  assert.ok(notRun.every((o) => !o.missing!.includes("SigninLogs")));
  assert.match(
    String(report).split("\n")[0],
    new RegExp(
      `: ${report.hits.length} of ${report.outcomes.length} pivots found rows; ` +
        `${notRun.length} not run \\(this data lacks their tables\\)$`,
    ),
  );

  // One pivot asked for by name says why it cannot run, instead of "Unknown table".
  await assert.rejects(
    () => pivot.host("LKS-WS-1042").run("endpoint.lsassDumpFiles"),
    (e: Error) =>
      e instanceof HuntError &&
      e.message === "endpoint.lsassDumpFiles cannot run: this data has no DeviceFileEvents.",
  );
});

Deno.test({
  name: ".pivot and a casefile hunt pack on sign-ins only: 'not run' lines and a count",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await signinsOnlyCase();
    const home = await tempDir("casefile-signins-home-");
    const repl = await casefile(
      ["repl", "--data", dir, "--home", home, "--session", "signins-only"],
      [`.pivot host LKS-WS-1042`, `.pivot account ${VICTIM}`, ""].join("\n"),
    );
    assert.equal(repl.code, 0, repl.stderr);
    assert.doesNotMatch(repl.stdout + repl.stderr, /Unknown table|failed:/);
    // Nothing of the host's is here: every pivot of it is not run, and said so.
    const host = /host LKS-WS-1042: 0 of (\d+) pivots found rows; (\d+) not run/.exec(repl.stdout);
    assert.ok(host && host[1] === host[2], repl.stdout);
    assert.match(
      repl.stdout,
      /endpoint\.lsassDumpFiles\s+- not run: this data has no DeviceFileEvents/,
    );
    // The account's sign-in pivots ran (the victim has sign-ins in the window).
    assert.match(repl.stdout, /identity\.signInsOfAccount\s+[1-9]\d* rows/);
    assert.match(
      repl.stdout,
      /office\.activityOfAccount\s+- not run: this data has no OfficeActivity/,
    );

    const pack = await casefile(["--data", dir, "hunt", "--technique", "T1110", "--window", "14d"]);
    assert.equal(pack.code, 0, pack.stderr);
    // ANSWERS.md stage 1: three spray sources, found from SigninLogs alone.
    assert.match(pack.stdout, /identity\.passwordSpraySourcesByIp\s+3\s+HIT/);
    assert.match(
      pack.stdout,
      /windows\.failedLogonBursts\s+not run: this data has no SecurityEvent/,
    );
    assert.doesNotMatch(pack.stdout, /failed:|Unknown table/);
    const summary =
      /(\d+) of (\d+) queries found rows; (\d+) not run \(this data lacks their tables\)/
        .exec(pack.stdout);
    assert.ok(summary, pack.stdout);
    const notRunLines = pack.stdout.split("\n").filter((l) =>
      /\snot run: this data has no /.test(l)
    );
    assert.equal(Number(summary[3]), notRunLines.length);
  },
});
