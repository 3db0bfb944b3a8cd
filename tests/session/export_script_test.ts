import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportScript } from "../../src/session/export_script.ts";
import type { Session } from "../../src/session/session.ts";
import { tempFolder } from "../_helpers.ts";
import { openSession } from "../../src/session/session.ts";
import { openSentinelProvider } from "../../src/providers/sentinel/sentinel_provider.ts";
import { startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { openTwinProvider } from "../providers/_twin_provider.ts";
import { demoSession } from "./_export_fixture.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** The first line of an exported demo-case script (paths from the environment). */
const HEADER = "#!/usr/bin/env -S deno run --config=${CASEFILE_DIR}/deno.json " +
  "--allow-read=${CASEFILE_DIR},${CASEFILE_HOME} --allow-write=${CASEFILE_HOME} " +
  "--allow-ffi=${CASEFILE_DIR}/node_modules --allow-sys=cpus,networkInterfaces,hostname " +
  "--allow-env";

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the script as a program (through its `#!` line) from a fresh folder. */
async function runScript(path: string, home: string, args: string[] = []): Promise<Run> {
  const output = await new Deno.Command(path, {
    args,
    cwd: await tempFolder(),
    env: {
      NO_COLOR: "1",
      CASEFILE_DIR: REPO,
      CASEFILE_HOME: home,
      // `env -S deno` finds Deno where the tests run it from.
      PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}`,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    out: decoder.decode(output.stdout),
    err: decoder.decode(output.stderr),
  };
}

/** `casefile --home HOME run SCRIPT -- --session NAME`, from a fresh folder. */
async function casefileRun(
  path: string,
  home: string,
  session: string,
  env: Record<string, string> = {},
): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(REPO, "repl/main.ts"),
      "--home",
      home,
      "run",
      path,
      "--",
      "--session",
      session,
    ],
    cwd: await tempFolder(),
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, out: decoder.decode(out.stdout), err: decoder.decode(out.stderr) };
}

/** `deno check` accepts the script, with casefile's configuration. */
async function assertChecks(path: string): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", `--config=${REPO}/deno.json`, path],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

/** The kept steps' results by position: [name, kind, sha256]. */
function keptResults(session: Session): [string, string, string | undefined][] {
  return session.steps()
    .filter((s) => s.record.status === "ok" && s.mark !== "dead-end")
    .map((s) => {
      const r = s.record.result!;
      return [s.record.name, r.kind, "sha256" in r ? r.sha256 : undefined];
    });
}

/** The results of a replay's session, read from its journal. */
async function replayed(home: string, name: string): Promise<Session> {
  return await openSession(name, { home });
}

Deno.test("exportScript() writes a portable script that replays the session and checks each step", async (t) => {
  const { session, home } = await demoSession();
  const path = join(await tempFolder(), "spray.ts");
  const script = await exportScript(session, { path });
  const recorded = keptResults(session);
  assert.deepEqual(recorded.map(([name]) => name), [
    "spray",
    "recent",
    "top",
    "count",
    "odd",
    "analyst",
  ]);

  await t.step("its first line asks for least privilege, with no path of this machine", () => {
    assert.equal(script.split("\n")[0], HEADER);
    assert.ok(!script.includes(REPO), "no path of the checkout");
    assert.ok(!script.includes(home), "no path of the home");
    assert.ok(!script.includes("/tmp/"), "no temporary path");
    assert.ok(!/--allow-all|\s-A\s/.test(script.split("\n")[0]));
    assert.ok((Deno.statSync(path).mode! & 0o777) === 0o700);
  });

  await t.step("its steps are TypeScript a person reads: templates and functions", () => {
    assert.ok(!script.includes('"wide"'), "the dead end is dropped");
    assert.ok(!script.includes('"broken"'), "the failed step is dropped");
    assert.match(
      script,
      /import \{ kql, param, rawKql, type RecordedStep, replaySession \} from "casefile";/,
    );
    assert.match(script, /now: new Date\("2026-03-12T06:00:00.000Z"\)/);
    assert.match(script, /timespan: session\.params\.window/);
    assert.match(script, /\$\{session\.params\.code\}/);
    // The text step became a function of what it reads, typed.
    assert.match(
      script,
      /const count = await session\.run\("count", \(\{ spray \}: Pick<Steps, "spray">\) => spray\.height\);/,
    );
    // A function step keeps its code, its parameter typed.
    assert.match(
      script,
      /const top = await session\.run\(\s*"top",\s*\(\{ spray \}: Pick<Steps, "spray">\) =>/,
    );
    assert.match(script, /await session\.record\("analyst", analyst/);
    assert.match(script, /\/\/ Finding: Three IPs/);
    assert.match(
      script,
      /window: param\.timerange\(\{\s*default: "2026-03-11T00:00:00Z\.\.2026-03-12T00:00:00Z"/,
    );
    for (const [name, kind, sha] of recorded) {
      const flat = script.replace(/\s+/g, " ");
      if (sha) assert.ok(flat.includes(`"${name}", "${kind}",`) && flat.includes(sha), name);
    }
  });

  await t.step("deno check accepts it", async () => {
    await assertChecks(path);
  });

  const replayHome = await tempFolder();
  await t.step("run as its first line says, from another folder, it gives every hash", async () => {
    const run = await runScript(path, replayHome, ["--session", "first"]);
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /6 steps replayed: 6 equal\n$/);
    const copy = await replayed(replayHome, "first");
    assert.deepEqual(keptResults(copy), recorded);
    assert.deepEqual(
      copy.steps().map((s) => [s.record.check?.position, s.record.check?.outcome]),
      [[1, "equal"], [2, "equal"], [5, "equal"], [6, "equal"], [7, "equal"], [8, "equal"]],
    );
    assert.deepEqual(copy.steps().map((s) => s.record.cache), [
      "miss",
      "miss",
      undefined,
      undefined,
      "miss",
      undefined,
    ]);
    await copy.close();
  });

  await t.step(
    "a second run is served from the cache; --refresh and --no-cache bypass it",
    async () => {
      const cacheOf = async (name: string) => {
        const copy = await replayed(replayHome, name);
        const cache = copy.step("spray").record.cache;
        await copy.close();
        return cache;
      };
      assert.equal((await runScript(path, replayHome, ["--session", "again"])).code, 0);
      assert.equal(await cacheOf("again"), "hit");
      assert.equal(
        (await runScript(path, replayHome, ["--session", "fresh", "--refresh"])).code,
        0,
      );
      assert.equal(await cacheOf("fresh"), "miss");
      assert.equal(
        (await runScript(path, replayHome, ["--session", "none", "--no-cache"])).code,
        0,
      );
    },
  );

  await t.step("other parameter values: the results a re-run gives, not compared", async () => {
    const run = await runScript(path, replayHome, [
      "--session",
      "other",
      "--code",
      "50057",
      "--minAccounts",
      "1",
    ]);
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(
      run.out,
      /with other parameter values \(code=50057, minAccounts=1\): results are not compared/,
    );
    await session.rerun("spray", { code: "50057", minAccounts: 1 });
    const copy = await replayed(replayHome, "other");
    const rerun = new Map(keptResults(session).map(([n, , sha]) => [n, sha]));
    assert.notEqual(rerun.get("spray"), recorded[0][2]);
    for (const [name, , sha] of keptResults(copy)) assert.equal(sha, rerun.get(name), name);
    await copy.close();
  });

  await t.step(
    "bad flags: a wrong value says what was expected; an unknown flag shows usage",
    async () => {
      const run = await runScript(path, replayHome, ["--window", "yesterday"]);
      assert.equal(run.code, 1);
      assert.match(run.err, /Parameter window \(timerange\) cannot be "yesterday"/);
      assert.match(run.err, /hint: Give two datetimes/);
      const unknown = await runScript(path, replayHome, ["--nope"]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.err, /Usage: spray\.ts/);
    },
  );
  await session.close();
});

Deno.test("an edited script that breaks says which step, and changes nothing recorded", async (t) => {
  const { session, home } = await demoSession("edited");
  const dir = await tempFolder();
  const script = await exportScript(session);
  const journal = join(home, "sessions", "edited", "journal.jsonl");
  const before = await Deno.readTextFile(journal);
  await session.close();
  const replayHome = await tempFolder();
  const write = async (name: string, text: string) => {
    const path = join(dir, name);
    await Deno.writeTextFile(path, text, { mode: 0o700 });
    return path;
  };

  await t.step("a step that throws stops the replay, named with its code and error", async () => {
    const path = await write(
      "throws.ts",
      script.replace("=> spray.height", "=> (spray as unknown as { x: { y: number } }).x.y"),
    );
    const run = await runScript(path, replayHome);
    assert.equal(run.code, 1, run.out);
    assert.match(
      run.err,
      /step 6 \(count\) failed: TypeError: Cannot read properties of undefined \(reading 'y'\)/,
    );
    assert.match(run.err, /\n {2}at throws\.ts:\d+:\d+\n/);
    assert.match(run.err, /code: \(\{ spray \}\) ?=> ?spray\.x\.y/);
    assert.match(run.out, /stopped at the first failure; --keep-going replays the rest/);
    assert.ok(!run.out.includes("step 7 odd"), "nothing after the failure ran");
    assert.match(run.err, /the failed replay's session edited-replay-\S+ was removed/);
    const left = [...Deno.readDirSync(join(replayHome, "sessions"))].map((e) => e.name);
    assert.deepEqual(left, [], "no replay session is left behind");
  });

  await t.step(
    "--keep-going replays the rest and reports every failure; --keep keeps it",
    async () => {
      const path = await write(
        "both.ts",
        script.replace("=> spray.height", "=> spray.height + 1")
          .replace('.select("IPAddress", "Failures")', '.select("IPAddress", "Nope")'),
      );
      const run = await runScript(path, replayHome, [
        "--keep-going",
        "--keep",
        "--session",
        "kept",
      ]);
      assert.equal(run.code, 1);
      assert.match(run.err, /step 5 \(top\) failed: .*Nope/);
      assert.match(
        run.err,
        /step 6 \(count\) differs: ReplayError: Step 6 \(count\) gave another result than when it was recorded: expected json, sha256 [0-9a-f]{64}; got json 4, sha256 [0-9a-f]{64}/,
      );
      assert.match(run.out, /step 7 odd: frame, 1 rows {2}equal/);
      assert.match(run.out, /6 steps replayed: 4 equal, 1 differ, 1 failed\n$/);
      const copy = await replayed(replayHome, "kept");
      assert.equal(copy.step("count").record.check?.outcome, "differs");
      await copy.close();
    },
  );

  await t.step("the recorded session's journal is unchanged", async () => {
    assert.equal(await Deno.readTextFile(journal), before);
  });

  await t.step("casefile run fills in the paths of its first line", async () => {
    const path = await write("ok.ts", script);
    const run = await casefileRun(path, replayHome, "via-casefile");
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /6 steps replayed: 6 equal/);
  });
});

Deno.test("exportScript() for a Sentinel session opens the same workspace and allows only its hosts", async () => {
  const provider = await openSentinelProvider({
    workspace: "7e0b1c52-6a3f-4d5e-9b1a-2f4c8d9e0a11",
    credential: "azure-cli",
    endpoint: "https://127.0.0.1:8443",
    env: () => undefined,
  });
  const session = await openSession("remote", { home: await tempFolder(), provider });
  const script = await exportScript(session);
  const flags = script.split("\n")[0].split(" ").slice(3);
  const net = flags.find((f) => f.startsWith("--allow-net=") || f.startsWith("-N="));
  assert.equal(net?.split("=")[1], "127.0.0.1:8443,login.microsoftonline.com");
  assert.ok(flags.includes("--allow-run=az"));
  assert.ok(flags.some((f) => /^(--allow-read|-R)=.*\$\{HOME\}\/\.config\/casefile/.test(f)));
  assert.ok(!flags.some((f) => f === "-A" || f.startsWith("--allow-all")));
  // Too long for Linux to read whole: the script says how to run it.
  assert.ok(
    new TextEncoder().encode(script.split("\n")[0]).length <= 255 ||
      script.includes("The first line is longer than Linux reads (255 bytes): run it as"),
  );
  assert.match(
    script,
    /provider: \{\s*kind: "sentinel",\s*workspace: "7e0b1c52-6a3f-4d5e-9b1a-2f4c8d9e0a11",\s*cloud: "public",\s*endpoint: "https:\/\/127\.0\.0\.1:8443\/v1",\s*credential: "azure-cli",?\s*\}/,
  );
  await session.close();
});

Deno.test("a name bound again is declared once in the script, which deno check accepts", async () => {
  const session = await openSession("again", { home: await tempFolder(), cache: false });
  await session.run("n", "const n = 20");
  await session.run("n", "const n = n + 1");
  await session.run("n", "n = n * 2");
  const path = join(await tempFolder(), "again.ts");
  const script = await exportScript(session, { path });
  assert.match(script, /let n = await session\.run\("n", \(\) => 20\);/);
  assert.match(
    script,
    /\n {2}n = await session\.run\("n", \(\{ n \}: Pick<Steps, "n">\) => n \+ 1\);/,
  );
  await assertChecks(path);
  const run = await runScript(path, await tempFolder(), ["--session", "again2"]);
  assert.equal(run.code, 0, run.out + run.err);
  assert.match(run.out, /3 steps replayed: 3 equal/);
  await session.close();
});

Deno.test("a dead end whose value a kept step reads is kept in the export, with why", async () => {
  const session = await openSession("deadend", {
    home: await tempFolder(),
    provider: await openLocalProvider(),
  });
  await session.query("wide", "SigninLogs | take 5");
  await session.mark("wide", "dead-end", "too broad");
  await session.query("other", "SecurityAlert | take 2");
  await session.mark("other", "dead-end", "not this");
  await session.run("n", "const n = wide.height");
  const script = await exportScript(session);
  assert.match(
    script,
    /\/\/ A dead end \(too broad\), kept: step 3 reads its value\.\n\s+const wide = /,
  );
  assert.ok(!script.includes('"other"'), "a dead end nothing reads is dropped");
  assert.match(script, /\[1, "wide", "frame", 5, "[0-9a-f]{64}"\]/);
  await session.close();
});

Deno.test({
  name: "a Sentinel session's script replays against the workspace (the loopback service)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const service = await startLogAnalyticsService();
    const home = await tempFolder();
    // No config: the provider's own defaults, as the exported script opens it.
    const provider = await openTwinProvider(service, { config: undefined });
    try {
      const session = await openSession("remote", { home, provider });
      await session.query(
        "alerts",
        "SecurityAlert | summarize n = count() by AlertName | order by AlertName asc",
      );
      await session.run("top", "const top = alerts.head(2)");
      assert.equal(
        session.step("alerts").record.volatile,
        "live data from a Log Analytics workspace",
      );
      const path = join(await tempFolder(), "remote.ts");
      const script = await exportScript(session, { path });
      await session.close();
      assert.ok(!script.includes(service.token), "no secret in the script");
      const before = service.requests.length;
      const replayHome = await tempFolder();
      const run = await casefileRun(path, replayHome, "again", {
        NODE_EXTRA_CA_CERTS: service.caCertificatePath,
        CASEFILE_SENTINEL_TOKEN: service.token,
      });
      const stdout = run.out;
      assert.equal(run.code, 0, run.out + run.err);
      assert.match(stdout, new RegExp(`Log Analytics workspace ${service.workspaceIds[0]}`));
      assert.match(stdout, /2 steps replayed: 2 equal\n$/);
      assert.ok(service.requests.length > before, "the replay asked the service");
      const journal = await Deno.readTextFile(
        join(replayHome, "sessions", "again", "journal.jsonl"),
      );
      assert.ok(!journal.includes(service.token), "no secret in the replay's journal");
    } finally {
      provider.close();
      await service.close();
    }
  },
});
