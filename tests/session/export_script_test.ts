import assert from "node:assert/strict";
import { join } from "node:path";
import { exportScript } from "../../src/session/export_script.ts";
import type { Session } from "../../src/session/session.ts";
import { tempFolder } from "../_helpers.ts";
import { openSession } from "../../src/session/session.ts";
import { openSentinelProvider } from "../../src/providers/sentinel/sentinel_provider.ts";
import { demoSession } from "./_export_fixture.ts";

/** The `deno` command line of the script's own header (its shebang). */
function headerCommand(script: string): string[] {
  const first = script.split("\n")[0];
  assert.match(first, /^#!\/usr\/bin\/env -S deno run /);
  return first.slice("#!/usr/bin/env -S ".length).split(" ");
}

async function runScript(
  path: string,
  args: string[] = [],
): Promise<{ code: number; out: string; err: string; steps: Map<string, string[]> }> {
  const script = await Deno.readTextFile(path);
  const [cmd, ...deno] = headerCommand(script);
  const cwd = await tempFolder();
  const output = await new Deno.Command(cmd, {
    args: [...deno, path, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(output.stdout);
  const steps = new Map<string, string[]>();
  for (const line of out.split("\n")) {
    const [name, ...fields] = line.split("\t");
    if (fields.length === 3) steps.set(name, fields);
  }
  return { code: output.code, out, err: new TextDecoder().decode(output.stderr), steps };
}

function recordedHashes(session: Session): Map<string, string> {
  const out = new Map<string, string>();
  for (const step of session.steps()) {
    const r = step.record.result;
    if (step.record.status === "ok" && step.mark !== "dead-end" && r?.kind === "frame") {
      out.set(step.record.name, r.sha256);
    }
  }
  return out;
}

Deno.test("exportScript() writes a script that replays the session with its header's permissions", async (t) => {
  const { session } = await demoSession();
  // A short path, so the #! line fits in what Linux reads (255 bytes).
  const replayHome = await Deno.makeTempDir({ prefix: "cf" });
  const path = join(await tempFolder(), "spray.ts");
  const script = await exportScript(session, { home: replayHome, path });
  const recorded = recordedHashes(session);
  assert.deepEqual([...recorded.keys()], ["spray", "recent", "top", "odd"]);

  await t.step("the header asks for least privilege", () => {
    const flags = headerCommand(script).slice(2);
    assert.ok(!flags.some((f) => f === "-A" || f.startsWith("--allow-all")), flags.join(" "));
    assert.ok(
      new TextEncoder().encode(script.split("\n")[0]).length <= 255 || /run it as/.test(script),
    );
    const value = (long: string, short: string) =>
      flags.find((f) => f.startsWith(`${long}=`) || f.startsWith(`${short}=`))?.split("=")[1];
    assert.equal(value("--allow-write", "-W"), replayHome);
    const read = value("--allow-read", "-R")!.split(",");
    // The demo case is inside casefile's folder: one grant covers it and node_modules.
    const repo = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
    assert.deepEqual(read, [repo, replayHome]);
    assert.deepEqual(value("--allow-sys", "-S"), "cpus,networkInterfaces,hostname");
    assert.ok(value("--allow-ffi", "--allow-ffi")!.endsWith("/node_modules"));
    assert.ok(!flags.some((f) => /^(--allow-(net|run)|-N)\b/.test(f)));
    // Every grant is scoped to paths or names, except env (the Azure SDK reads it at load).
    assert.deepEqual(flags.filter((f) => !f.includes("=")), [
      flags.find((f) => /^(-E|--allow-env)$/.test(f)),
    ]);
  });

  await t.step("dead ends, failed steps and recorded frames are left out; now() is pinned", () => {
    assert.ok(!script.includes('"wide"'));
    assert.ok(!script.includes('"broken"'));
    assert.match(script, /now: new Date\("2026-03-12T06:00:00.000Z"\)/);
    assert.match(script, /timespan: session\.params\.window/);
    assert.match(script, /\$\{session\.params\.code\}/);
    assert.match(script, /await session\.record\("analyst"/);
    assert.match(script, /\/\/ Finding: Three IPs/);
  });

  await t.step("running it reproduces the recorded result hashes", async () => {
    const run = await runScript(path);
    assert.equal(run.code, 0, run.err);
    for (const [name, sha] of recorded) {
      assert.deepEqual(
        run.steps.get(name)?.[1],
        `sha256=${sha}`,
        `${name}: ${run.out}\n${run.err}`,
      );
      assert.equal(run.steps.get(name)?.[2], name === "top" ? "cache=-" : "cache=miss");
    }
    assert.deepEqual(run.steps.get("spray")?.[0], "rows=3");
    assert.ok(!run.steps.has("wide"));
  });

  await t.step("run as a program, through its #! line, it gives the same hashes", async () => {
    if (new TextEncoder().encode(script.split("\n")[0]).length > 255) {
      console.warn("skipped: the temporary paths make the #! line longer than Linux reads");
      return;
    }
    const output = await new Deno.Command(path, {
      args: ["--refresh"],
      cwd: await tempFolder(),
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.ok(out.includes(`spray\trows=3\tsha256=${recorded.get("spray")}\tcache=miss`), out);
  });

  await t.step(
    "a second run is served from the cache; --refresh and --no-cache bypass it",
    async () => {
      const again = await runScript(path);
      assert.equal(again.code, 0, again.err);
      assert.equal(again.steps.get("spray")?.[2], "cache=hit");
      assert.equal(again.steps.get("spray")?.[1], `sha256=${recorded.get("spray")}`);
      const fresh = await runScript(path, ["--refresh"]);
      assert.equal(fresh.steps.get("spray")?.[2], "cache=miss");
      assert.equal(fresh.steps.get("spray")?.[1], `sha256=${recorded.get("spray")}`);
      const none = await runScript(path, ["--no-cache"]);
      assert.equal(none.steps.get("spray")?.[2], "cache=off");
      assert.equal(none.steps.get("odd")?.[1], `sha256=${recorded.get("odd")}`);
    },
  );

  await t.step(
    "changed parameter flags give the results a re-run with those values gives",
    async () => {
      const run = await runScript(path, ["--code", "50057", "--minAccounts", "1"]);
      assert.equal(run.code, 0, run.err);
      await session.rerun("spray", { code: "50057", minAccounts: 1 });
      const rerun = recordedHashes(session);
      assert.notEqual(rerun.get("spray"), recorded.get("spray"));
      for (const name of ["spray", "top"]) {
        assert.equal(run.steps.get(name)?.[1], `sha256=${rerun.get(name)}`, `${name}: ${run.out}`);
      }
      // The spray IPs also fail on disabled accounts (50057), one each per round.
      const rows = Number(run.steps.get("spray")?.[0].slice("rows=".length));
      assert.ok(rows >= 1 && rows <= 3, run.out);
      assert.equal(run.steps.get("recent")?.[1], `sha256=${recorded.get("recent")}`);
    },
  );

  await t.step("a bad flag value says what was expected", async () => {
    const run = await runScript(path, ["--window", "yesterday"]);
    assert.equal(run.code, 1);
    assert.match(run.err, /Parameter window \(timerange\) cannot be "yesterday"/);
    assert.match(run.err, /hint: Give two datetimes/);
    const unknown = await runScript(path, ["--nope"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /Usage: spray\.ts/);
  });
  await session.close();
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
  const flags = headerCommand(script).slice(2);
  const net = flags.find((f) => f.startsWith("--allow-net=") || f.startsWith("-N="));
  assert.equal(net?.split("=")[1], "127.0.0.1:8443,login.microsoftonline.com");
  assert.ok(flags.includes("--allow-run=az"));
  assert.ok(!flags.some((f) => f === "-A" || f.startsWith("--allow-all")));
  assert.match(
    script,
    /provider: await openSentinelProvider\(\{"workspace":"7e0b1c52-6a3f-4d5e-9b1a-2f4c8d9e0a11","cloud":"public","endpoint":"https:\/\/127\.0\.0\.1:8443\/v1","credential":"azure-cli"\}\)/,
  );
  await session.close();
});
