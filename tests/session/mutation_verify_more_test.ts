/**
 * More of `verifySession` (src/session/verify.ts), for the survivors of a 20-mutant harness run
 * (issue 23, M2): which steps it checks (the ones that kept a table result: not a failed step),
 * that a dead end's missing result does not make the session fail (its doc: `ok` is true when
 * every step not marked a dead end is `ok`), and the error and hint of a session without cache.
 * Expected statuses are worked by hand from the files each test removes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { verifySession } from "../../src/session/verify.ts";
import { openSession } from "../../src/session/session.ts";
import { SessionError } from "../../src/session/errors.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { tempFolder } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("mutation/verify: a failed step is not checked; a dead end's missing result is not a failure", async () => {
  const home = await tempFolder();
  const session = await openSession("triage", { home, provider: await openLocalProvider() });
  await session.query("alerts", "SecurityAlert | take 3");
  await assert.rejects(session.query("bad", "SecurityAlert | where NoSuchColumn == 1"));
  await session.query("scratch", "SigninLogs | take 2");
  await session.mark("scratch", "dead-end");
  const sha = (name: string) => (session.step(name).record.result as { sha256: string }).sha256;
  await Deno.remove(session.cache!.resultPath(sha("scratch")));

  const report = await verifySession(session);
  assert.deepEqual(
    report.steps.map((s) => [s.name, s.status, s.deadEnd]),
    [["alerts", "ok", false], ["scratch", "missing", true]],
  );
  assert.equal(report.ok, true);

  await Deno.remove(session.cache!.resultPath(sha("alerts")));
  const after = await verifySession(session);
  assert.deepEqual(after.steps.map((s) => s.status), ["missing", "missing"]);
  assert.equal(after.ok, false);
  await session.close();
});

Deno.test("mutation/verify: a session without a cache is a SessionError that says what to do", async () => {
  const home = await tempFolder();
  const session = await openSession("nocache", { home, cache: false });
  await assert.rejects(verifySession(session), (e: unknown) => {
    assert.ok(e instanceof SessionError);
    assert.equal(e.message, "Session nocache keeps no result cache to verify.");
    assert.equal(e.hint, "Open it without cache: false.");
    return true;
  });
  await session.close();
});

Deno.test("mutation/verify: a script run with deno run verifies a reopened session", async () => {
  const home = await tempFolder();
  const dir = await tempFolder();
  const script = join(dir, "check.ts");
  const mod = pathToFileURL(join(REPO, "mod.ts")).href;
  await Deno.writeTextFile(
    script,
    [
      `import { openLocalProvider, openSession, verifySession } from "${mod}";`,
      `const home = Deno.args[0];`,
      `let s = await openSession("case", { home, provider: await openLocalProvider() });`,
      `await s.query("alerts", "SecurityAlert | summarize n = count() by AlertSeverity");`,
      `await s.close();`,
      `s = await openSession("case", { home, provider: await openLocalProvider() });`,
      `const r = await verifySession(s);`,
      `console.log(JSON.stringify({ ok: r.ok, steps: r.steps.map((x) => [x.name, x.status]) }));`,
      `await s.close();`,
      "",
    ].join("\n"),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--config=${join(REPO, "deno.json")}`, script, home],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, stdout + new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(stdout.trim().split("\n").at(-1)!), {
    ok: true,
    steps: [["alerts", "ok"]],
  });
});
