/**
 * Replay with bad input (issue 14, "Bad input"): an exported script edited so that a step
 * throws, so that a step gives another result, or so that it does not parse; a module a
 * step imported that is gone; a tampered bundle; a folder of data that moved. Replay stops
 * (or goes on with `--keep-going`) naming the step, removes its failed session unless
 * asked to keep it, and never changes what the original session journaled.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  BundleError,
  exportBundle,
  exportScript,
  importBundle,
  kql,
  openLocalProvider,
  openSession,
  param,
  type Session,
  verifySession,
} from "../../mod.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import {
  assertSameSteps,
  isKept,
  readSession,
  replayScript,
  replaySummary,
  REPO,
  run,
  type StepFacts,
  stepFacts,
  tempDir,
} from "./_harness.ts";

/**
 * A short session over the demo case, exported as a script beside a module one step
 * imports: 1 spray (query), 2 top, 3 n, 4 alerts (query), 5 severities, 6 total, 7 doubled
 * (imports ./helper.ts).
 */
async function smallSession(): Promise<{
  home: string;
  out: string;
  script: string;
  original: StepFacts[];
  journal: () => Promise<Uint8Array>;
}> {
  const home = await tempDir("cf-bad-");
  const out = await tempDir("cf-bad-out-");
  await Deno.writeTextFile(
    join(out, "helper.ts"),
    "export function double(n: number): number {\n  return n * 2;\n}\n",
  );
  const session = await openSession("small", {
    home,
    provider: await openLocalProvider(),
    params: { code: param.string("50126") },
    cwd: out,
  });
  await session.query(
    "spray",
    kql`SigninLogs | where ResultType == ${session.params.code}
| summarize Failures = count() by IPAddress | where Failures > 20 | order by IPAddress asc`,
  );
  await session.run("top", 'const top = spray.sort("Failures", true).head(2)');
  await session.run("n", "const n = spray.height");
  await session.query(
    "alerts",
    "SecurityAlert | summarize Alerts = count() by AlertSeverity | order by AlertSeverity asc",
  );
  await session.run("severities", 'const severities = alerts.getColumn("AlertSeverity").toArray()');
  await session.run("total", 'const total = top.getColumn("Failures").sum()');
  await session.run(
    "doubled",
    'import { double } from "./helper.ts";\nconst doubled = double(total)',
  );
  const script = join(out, "small.ts");
  await exportScript(session, { path: script });
  const original = stepFacts(session);
  await session.close();
  const journal = () => Deno.readFile(join(home, "sessions", "small", "journal.jsonl"));
  return { home, out, script, original, journal };
}

/** Writes a copy of `script` with `edits` (each must match) and returns its path. */
async function edited(script: string, name: string, edits: [string, string][]): Promise<string> {
  let text = await Deno.readTextFile(script);
  for (const [from, to] of edits) {
    assert.ok(text.includes(from), `the exported script has ${from}`);
    text = text.replace(from, to);
  }
  const path = join(script, "..", name);
  await Deno.writeTextFile(path, text, { mode: 0o700 });
  return path;
}

const sessionsIn = async (home: string) => {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(join(home, "sessions"))) names.push(e.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
};

const THROW = 'throw new RangeError("edited to fail")';

Deno.test({
  name: "replay: a step edited to throw stops the replay, named, and removes its session",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const small = await smallSession();
    const before = await small.journal();
    // The unedited script replays (the baseline the edits break).
    const clean = await replayScript(small.script, { session: "clean" });
    assert.equal(clean.code, 0, clean.stderr);
    assertSameSteps(small.original, clean.steps!, "the replay", { checked: true });

    const broken = await edited(small.script, "throws.ts", [[
      '({ spray }: Pick<Steps, "spray">) => spray.height',
      `({ spray }: Pick<Steps, "spray">): number => { if (spray) ${THROW}; return 0; }`,
    ]]);

    await t.step("it exits 1 and names step 3 (n) and the error", async () => {
      const home = await tempDir("cf-home-");
      const ran = await replayScript(broken, { session: "ignored", home, args: [] });
      // (`--session` names it, which keeps it; without it the failed session goes.)
      assert.equal(ran.code, 1, ran.stderr);
      assert.match(ran.stderr, /step 3 \(n\) failed: RangeError: edited to fail/);
      assert.match(ran.stderr, /\n {2}code: [\s\S]*edited to fail/);
      assert.match(ran.stdout, /step 2 top: frame, 2 rows {2}equal/);
      assert.match(ran.stdout, /stopped at the first failure; --keep-going replays the rest/);
      assert.ok(!/step 4 alerts/.test(ran.stdout), "nothing after the failure ran");
    });

    await t.step("without --session or --keep the failed replay's session is removed", async () => {
      const home = await tempDir("cf-home-");
      const cwd = await tempDir("cf-cwd-");
      const env = { CASEFILE_DIR: REPO, CASEFILE_HOME: home };
      const ran = await run(broken, [], { cwd, env });
      assert.equal(ran.code, 1, ran.stderr);
      assert.match(ran.stderr, /the failed replay's session small-replay-\S+ was removed/);
      assert.deepEqual(await sessionsIn(home), []);
      const kept = await run(broken, ["--keep"], { cwd, env });
      assert.equal(kept.code, 1);
      const left = await sessionsIn(home);
      assert.equal(left.length, 1, left.join(", "));
      assert.match(left[0], /^small-replay-/);
      const steps = await readSession(left[0], home);
      assert.deepEqual(steps.map((s) => [s.name, s.status]), [
        ["spray", "ok"],
        ["top", "ok"],
        ["n", "error"],
      ]);
    });

    await t.step("--keep-going replays the rest and reports both failures", async () => {
      const twice = await edited(broken, "throws-twice.ts", [[
        '({ alerts }: Pick<Steps, "alerts">) => alerts.getColumn("AlertSeverity").toArray()',
        `({ alerts }: Pick<Steps, "alerts">): string[] => { if (alerts) ${THROW}; return []; }`,
      ]]);
      const ran = await replayScript(twice, { session: "going", args: ["--keep-going"] });
      assert.equal(ran.code, 1, ran.stderr);
      assert.match(ran.stderr, /step 3 \(n\) failed: RangeError: edited to fail/);
      assert.match(ran.stderr, /step 5 \(severities\) failed: RangeError: edited to fail/);
      for (const name of ["spray", "top", "alerts", "total", "doubled"]) {
        assert.match(ran.stdout, new RegExp(`step \\d+ ${name}: [^\\n]* equal`), name);
      }
      const summary = replaySummary(ran.stdout);
      assert.deepEqual([summary.total, summary.equal, summary.rest], [7, 5, ", 2 failed"]);
    });

    await t.step("the original session's journal is byte for byte the same", async () => {
      assert.deepEqual(await small.journal(), before);
      assertSameSteps(
        small.original,
        (await readSession("small", small.home)).filter(isKept),
        "the original",
      );
    });
  },
});

Deno.test({
  name: "replay: a step whose result changed differs, with both hashes",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const small = await smallSession();
    const before = await small.journal();
    const changed = await edited(small.script, "changed.ts", [[
      'spray.sort("Failures", true).head(2)',
      'spray.sort("Failures", true).head(1)',
    ]]);
    const ran = await replayScript(changed, { session: "changed" });
    assert.equal(ran.code, 1, ran.stderr);
    const recorded = small.original[1].sha256!;
    const got = ran.steps!.find((s) => s.name === "top")!;
    assert.equal(got.check?.outcome, "differs");
    assert.notEqual(got.sha256, recorded);
    assert.match(ran.stdout, /step 2 top: frame, 1 rows {2}DIFFERS/);
    assert.match(
      ran.stderr,
      new RegExp(
        `step 2 \\(top\\) differs: .*expected frame of 2 rows, sha256 ${recorded}; got frame of 1 rows, sha256 ${got.sha256}`,
      ),
    );
    assert.deepEqual(await small.journal(), before);
  },
});

Deno.test({
  name: "replay: an edited script that does not parse, and a step whose import is gone",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const small = await smallSession();
    const before = await small.journal();
    const unparsable = await edited(small.script, "syntax.ts", [[
      "spray.height",
      "spray.height +* )",
    ]]);
    const ran = await replayScript(unparsable, { session: "syntax" });
    assert.notEqual(ran.code, 0);
    assert.match(ran.stderr, /syntax\.ts:\d+:\d+/, ran.stderr);
    assert.equal(ran.steps, undefined, "no session was opened");

    await Deno.remove(join(small.out, "helper.ts"));
    const gone = await replayScript(small.script, { session: "gone" });
    assert.equal(gone.code, 1, gone.stderr);
    assert.match(
      gone.stderr,
      /step 7 \(doubled\) failed: TypeError: Module not found "[^"]*helper\.ts"/,
    );
    assert.match(gone.stdout, /step 6 total: json {2}equal/);
    assert.deepEqual(await small.journal(), before);
  },
});

Deno.test({
  name: "importBundle: a tampered result is refused, a changed journal or a cut file fails clearly",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const small = await smallSession();
    const session = await openSession("small", { home: small.home });
    const bundle = join(small.out, "small.casefile.gz");
    await exportBundle(session, { path: bundle });
    await session.close();
    const lines = new TextDecoder().decode(gunzipSync(await Deno.readFile(bundle))).split("\n");
    const write = async (name: string, text: string[]) => {
      const path = join(small.out, name);
      await Deno.writeFile(path, new Uint8Array(gzipSync(text.join("\n"))));
      return path;
    };

    await t.step("a result whose bytes changed is reported and not imported", async () => {
      const top = small.original[1].sha256!;
      const tampered = lines.map((line) => {
        if (!line.includes(`"sha256":"${top}"`)) return line;
        const entry = JSON.parse(line);
        const bytes = Buffer.from(entry.data, "base64");
        bytes[bytes.length >> 1] ^= 0xff;
        return JSON.stringify({ ...entry, data: bytes.toString("base64") });
      });
      assert.notDeepEqual(tampered, lines, "the result of step 2 is in the bundle");
      const imported = await importBundle(await write("tampered.casefile.gz", tampered), {
        home: await tempDir("cf-import-"),
      });
      try {
        assert.equal(imported.ok, false);
        assert.deepEqual(
          imported.results.filter((r) => r.status !== "ok"),
          [{ sha256: top, status: "mismatch" }],
        );
        const step = imported.session.step(2);
        assert.equal(step.restored, false, "its step opens without its result");
        const verified = await verifySession(imported.session);
        assert.equal(verified.ok, false);
        assert.deepEqual(
          verified.steps.filter((s) => s.status !== "ok").map((s) => [s.position, s.status]),
          [[2, "missing"]],
        );
      } finally {
        await imported.session.close();
      }
    });

    await t.step("a changed journal stops the import", async () => {
      const changed = lines.map((line) =>
        line.startsWith('{"type":"journal"') ? line.replace("50126", "50057") : line
      );
      assert.notDeepEqual(changed, lines);
      const home = await tempDir("cf-import-");
      await assert.rejects(
        importBundle(await write("journal.casefile.gz", changed), { home }),
        (error: unknown) =>
          error instanceof BundleError &&
          /does not match its SHA-256: it was changed/.test(error.message),
      );
      assert.deepEqual(await sessionsIn(home), []);
    });

    await t.step("a file cut off in transfer is not a bundle", async () => {
      const bytes = await Deno.readFile(bundle);
      const cut = join(small.out, "cut.casefile.gz");
      await Deno.writeFile(cut, bytes.subarray(0, bytes.length >> 1));
      await assert.rejects(
        importBundle(cut, { home: await tempDir("cf-import-") }),
        (error: unknown) => error instanceof BundleError && error.message.includes(cut),
      );
    });
  },
});

Deno.test({
  name:
    "replay: a session over a folder of CSV files replays from CASEFILE_DATA; moved, it fails clearly",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const data = join(await tempDir("cf-data-"), "exports");
    await Deno.mkdir(data);
    const rows = [
      "TimeGenerated,User,Ip,Result",
      ...Array.from(
        { length: 12 },
        (_, i) =>
          `2026-03-11T0${i % 10}:${String(10 + i).padStart(2, "0")}:00Z,user${i % 4}@corp.example,${
            i % 3 ? "192.0.2.10" : "203.0.113.45"
          },${i % 5 ? "fail" : "ok"}`,
      ),
    ];
    await Deno.writeTextFile(join(data, "logins.csv"), rows.join("\n") + "\n");
    // The analyst's copy of the exports.
    const copy = join(await tempDir("cf-data-"), "exports");
    await Deno.mkdir(copy);
    await Deno.copyFile(join(data, "logins.csv"), join(copy, "logins.csv"));
    const home = await tempDir("cf-home-");
    const session: Session = await openSession("csv", {
      home,
      provider: await openLocalProvider(copy),
    });
    await session.query(
      "fails",
      'logins | where Result == "fail" | summarize Failures = count() by Ip | order by Ip asc',
    );
    await session.run("worst", 'const worst = fails.sort("Failures", true).head(1)');
    const script = join(await tempDir("cf-out-"), "csv.ts");
    await exportScript(session, { path: script });
    const original = stepFacts(session);
    await session.close();
    const before = await Deno.readFile(join(home, "sessions", "csv", "journal.jsonl"));
    const text = await Deno.readTextFile(script);
    assert.match(text.split("\n")[0], /--allow-read=[^ ]*\$\{CASEFILE_DATA\}/);
    assert.ok(!text.includes(copy), "the script does not hold the folder's path");

    // Given where the data is now (another copy), it replays.
    const moved = await replayScript(script, { session: "moved", env: { CASEFILE_DATA: data } });
    assert.equal(moved.code, 0, moved.stderr);
    assertSameSteps(original, moved.steps!, "the replay", { checked: true });

    // The folder is gone: a clear error naming the folder, no session left behind.
    await Deno.remove(data, { recursive: true });
    const gone = await replayScript(script, { session: "gone", env: { CASEFILE_DATA: data } });
    assert.notEqual(gone.code, 0);
    assert.ok(gone.stderr.includes(data), `the error names ${data}:\n${gone.stderr}`);
    assert.ok(!/^\s+at /m.test(gone.stderr), `no stack trace:\n${gone.stderr}`);
    // Or given to `casefile run --data`, which fills in CASEFILE_DATA.
    const again = join(await tempDir("cf-data-"), "exports");
    await Deno.mkdir(again);
    await Deno.writeTextFile(join(again, "logins.csv"), rows.join("\n") + "\n");
    const flagHome = await tempDir("cf-home-");
    const flag = await run(Deno.execPath(), [
      "run",
      "-A",
      join(REPO, "repl", "main.ts"),
      "--home",
      flagHome,
      "--data",
      again,
      "run",
      script,
      "--",
      "--session",
      "flag",
    ], { cwd: await tempDir("cf-cwd-") });
    assert.equal(flag.code, 0, flag.stderr);
    assertSameSteps(original, await readSession("flag", flagHome), "the replay with --data", {
      checked: true,
    });
    // Neither: the first line cannot grant reading nothing (Deno stops at once), and
    // `casefile run` says what it needs.
    const unset = await replayScript(script, { session: "unset" });
    assert.notEqual(unset.code, 0);
    assert.match(unset.stderr, /Empty path is not allowed/);
    const told = await run(Deno.execPath(), [
      "run",
      "-A",
      join(REPO, "repl", "main.ts"),
      "--home",
      flagHome,
      "run",
      script,
    ], { cwd: await tempDir("cf-cwd-") });
    assert.equal(told.code, 1);
    assert.match(told.stderr, /needs CASEFILE_DATA, which is not set/);
    assert.match(told.stderr, /give --data DIR \(before run\), or set CASEFILE_DATA/);
    assert.deepEqual(await Deno.readFile(join(home, "sessions", "csv", "journal.jsonl")), before);
  },
});

Deno.test({
  name:
    "replay: steps recorded before a re-run changed a parameter they use replay to their hashes",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempDir("cf-home-");
    const session = await openSession("rerun", {
      home,
      provider: await openLocalProvider(),
      params: { code: param.string("50126") },
    });
    // Step 1 counts 50126 failures from the spray addresses; step 2 the same for any code.
    const ips = ANSWER_KEY.spray.ips;
    await session.query(
      "failures",
      kql`SigninLogs | where ResultType == ${session.params.code} and IPAddress in (${ips}) | count`,
    );
    await session.query(
      "codes",
      kql`SigninLogs | where ResultType == ${session.params.code} and IPAddress in (${ips})
| summarize n = count() by IPAddress | order by IPAddress asc`,
    );
    // The analyst looks at the disabled accounts' code in step 2 only.
    await session.rerun(2, { code: "50057" });
    const script = join(await tempDir("cf-out-"), "rerun.ts");
    await exportScript(session, { path: script });
    const original = stepFacts(session);
    await session.close();
    const replay = await replayScript(script, { session: "replayed" });
    assert.equal(replay.code, 0, `${replay.stdout}\n${replay.stderr}`);
    assertSameSteps(original, replay.steps!, "the replay", { checked: true });
  },
});
