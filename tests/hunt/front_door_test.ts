/**
 * The hunting library through its front doors: `casefile hunt` run as a person runs it,
 * `.hunt` / `.pivot` / `hunt.<family>.<name>()` typed into the REPL (piped), and a session
 * whose library step is exported as a script and replayed. Expected values are the demo
 * case's planted ones (fixtures/demo-case/ANSWERS.md).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createHunt, findHunt } from "../../src/hunt/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { exportScript, openSession } from "../../src/session/mod.ts";
import { replayScript, replaySummary, REPO, run, runRepl, tempDir } from "../scenarios/_harness.ts";

const SPRAY = ["203.0.113.61", "203.0.113.88", "203.0.113.45"]; // ANSWERS.md, stage 1
const spray = findHunt("identity.passwordSpraySourcesByIp");

function casefile(...args: string[]) {
  return run(Deno.execPath(), ["run", "-A", "repl/main.ts", ...args], { cwd: REPO });
}

Deno.test({
  name: "casefile hunt: list, a pack's hits per query, run with a parameter, a typo",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const list = await casefile(
      "hunt",
      "list",
      "--technique",
      "T1110.003",
      "--table",
      "SigninLogs",
    );
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /identity\.passwordSpraySourcesByIp\s+14d\s+T1110\.003/);
    assert.doesNotMatch(list.stdout, /office\./);

    const pack = await casefile("hunt", "--technique", "T1110", "--window", "14d");
    assert.equal(pack.code, 0, pack.stderr);
    assert.match(pack.stdout, /identity\.passwordSpraySourcesByIp\s+3\s+HIT/);
    assert.match(pack.stdout, /\d+ of \d+ queries found rows/);

    const one = await casefile(
      "hunt",
      "run",
      spray.id,
      "--param",
      "minAccounts=100",
      "--window",
      "14d",
    );
    assert.equal(one.code, 0, one.stderr);
    for (const ip of SPRAY) assert.ok(one.stdout.includes(ip), `${ip} in ${one.stdout}`);
    assert.match(one.stdout, /3 rows · identity\.passwordSpraySourcesByIp/);

    const typo = await casefile("hunt", "run", spray.id, "--param", "minAcounts=5");
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /has no parameter minAcounts/);
    assert.match(typo.stderr, /Did you mean `minAccounts`/);
  },
});

Deno.test({
  name: "REPL: .hunt search/show/run, .pivot ip, hunt.<family>.<name>() in scope",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempDir();
    const input = [
      ".hunt spray technique:T1110.003",
      `.hunt show ${spray.id}`,
      `.hunt run ${spray.id} minAccounts=100`,
      ".pivot ip 203.0.113.45",
      `viaCode = await hunt.identity.${spray.query.name}({ window: "14d" })`,
      "viaCode.height",
      `await hunt.identity.${spray.query.name}({ minAcounts: 3 })`,
      ".history",
      "",
    ].join("\n");
    const repl = await runRepl(home, "hunting", input);
    assert.equal(repl.code, 0, repl.stderr);
    assert.match(repl.stdout, /identity\.passwordSpraySourcesByIp\s+14d/);
    assert.match(repl.stdout, /parameter\s+type\s+default/);
    for (const ip of SPRAY) assert.ok(repl.stdout.includes(ip));
    // .pivot: the attacker's address signed in (spray + browser) and is placed by geo-IP.
    assert.match(repl.stdout, /ip 203\.0\.113\.45: \d+ of \d+ pivots found rows/);
    assert.match(repl.stdout, /enrich\.geoip\s+1 rows/);
    assert.match(repl.stdout, /enrich\.whois\s+- online/);
    assert.match(repl.stdout, /\n3\n/); // viaCode.height: the three spray sources
    assert.match(repl.stderr, /has no parameter minAcounts[\s\S]*`minAccounts`/);
    // The .hunt run step is a query step named after the query.
    assert.match(repl.stdout, /passwordSpraySourcesByIp\s+query\s+3\b/);
  },
});

Deno.test({
  name: "a session's library step is journaled with its KQL, exported, and replays equal",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const out = await tempDir();
    const home = join(out, "home");
    const session = await openSession("libstep", { home, provider: await openLocalProvider() });
    const lib = createHunt();
    const frame = await lib.identity[spray.query.name]({ minAccounts: 100 }, { session });
    assert.deepEqual([...frame.getColumn("IPAddress").toArray()].sort(), [...SPRAY].sort());
    const record = session.steps()[0].record;
    assert.equal(record.kind, "query");
    assert.match(
      record.code,
      /^\/\/ casefile hunt identity\.passwordSpraySourcesByIp \{"minAccounts":100\}\n/,
    );
    assert.match(
      record.code,
      /datetime\(2026-03-02T00:00:00\.000Z\) \.\. datetime\(2026-03-16T00:00:00\.000Z\)/,
    );
    const script = join(out, "libstep.ts");
    await exportScript(session, { path: script });
    await session.close();
    const replay = await replayScript(script, { session: "libstep-replay" });
    assert.equal(replay.code, 0, replay.stderr);
    const summary = replaySummary(replay.stdout);
    assert.deepEqual([summary.total, summary.equal], [1, 1]);
  },
});
