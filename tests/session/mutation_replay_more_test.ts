/**
 * More of `replaySession` (src/session/replay.ts), for the survivors of a 20-mutant harness run
 * (issue 23, M2): the exit codes its doc gives (0 replayed, 1 a step failed or differed, 2 bad
 * flags), parameters given as flags (a parameter named like one of the replay's own flags takes
 * `--param-<name>`), `--no-cache`, the summary line a person reads, and where in the script a
 * failing step was. Expected counts are worked by hand from the steps each test runs (the demo
 * case's `SecurityAlert | count` is one row).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { replaySession, type ReplaySpec } from "../../src/session/replay.ts";
import type { Session } from "../../src/session/session.ts";
import { tempDir } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

interface Replayed {
  code: number;
  out: string[];
  err: string[];
}

async function replay(
  spec: Omit<ReplaySpec, "output" | "session"> & { session?: string },
  steps: (session: Session) => Promise<void> = async (session) => {
    await session.query("alerts", "SecurityAlert | count", {
      expect: { position: 1, kind: "frame", rows: 1 },
    });
  },
): Promise<Replayed> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await replaySession(
    { session: "demo", ...spec, output: { log: (l) => out.push(l), error: (l) => err.push(l) } },
    steps,
  );
  return { code, out, err };
}

Deno.test("mutation/replay: an unknown flag is exit code 2 with the usage", async () => {
  const home = await tempDir();
  const r = await replay({ provider: { kind: "none" }, args: ["--home", home, "--bogus"] });
  assert.equal(r.code, 2);
  assert.match(r.err.join("\n"), /bogus[\s\S]*Usage: demo\.ts \[flags\]/);
});

Deno.test("mutation/replay: parameters are flags; one named like a replay flag is --param-NAME", async () => {
  const home = await tempDir();
  const params = {
    home: { kind: "string" as const, default: "no" },
    user: { kind: "string" as const, default: "alice" },
  };
  const help = await replay({ provider: { kind: "none" }, params, args: ["--help"] });
  assert.equal(help.code, 0);
  assert.match(help.out.join("\n"), /^ {2}--param-home STRING$/m);
  assert.match(help.out.join("\n"), /^ {2}--user STRING$/m);

  let seen: Record<string, unknown> = {};
  const r = await replay(
    { provider: { kind: "local" }, params, args: ["--home", home, "--param-home", "yes"] },
    async (session) => {
      seen = { ...session.paramValues() };
      // A step with no recorded result to compare with (one added to the script by hand).
      await session.query("alerts", "SecurityAlert | count");
    },
  );
  assert.equal(r.code, 0, r.err.join("\n"));
  // The one given takes its value; the one not given keeps the recorded default.
  assert.deepEqual(seen, { home: "yes", user: "alice" });
  assert.ok(
    r.out.includes(
      "with other parameter values (home=yes): results are not compared with the recorded ones",
    ),
    r.out.join("\n"),
  );
  assert.match(r.out.join("\n"), /step 1 alerts: frame, 1 rows {2}ran \(not compared\)/);
  assert.equal(r.out.at(-1), "1 step replayed: 0 equal, 1 not compared");
});

Deno.test("mutation/replay: a step that differs is exit 1, named, and its session removed", async () => {
  const home = await tempDir();
  const r = await replay(
    { provider: { kind: "local" }, args: ["--home", home] },
    async (session) => {
      await session.query("alerts", "SecurityAlert | count", {
        expect: { position: 1, kind: "frame", rows: 1 },
      });
      // Recorded with another result (its SHA-256): the same count now differs.
      await session.query("again", "SecurityAlert | count", {
        expect: { position: 2, kind: "frame", rows: 1, sha256: "0".repeat(64) },
      });
    },
  );
  assert.equal(r.code, 1);
  assert.match(r.out.join("\n"), /step 1 alerts: frame, 1 rows {2}equal/);
  assert.equal(
    r.out.at(-1),
    "2 steps replayed: 1 equal, 1 differ (stopped at the first failure; --keep-going replays the rest)",
  );
  assert.match(r.err.join("\n"), /step 2 \(again\) differs/);
  assert.match(r.err.join("\n"), /the failed replay's session demo-replay-\S+ was removed/);
  const left = [];
  for await (const e of Deno.readDir(join(home, "sessions"))) left.push(e.name);
  assert.deepEqual(left.filter((n) => n.startsWith("demo-replay")), []);
});

Deno.test("mutation/replay: --no-cache replays without writing the result cache", async () => {
  const home = await tempDir();
  const r = await replay({ provider: { kind: "local" }, args: ["--home", home, "--no-cache"] });
  assert.equal(r.code, 0, r.err.join("\n"));
  assert.equal(r.out.at(-1), "1 step replayed: 1 equal");
  await assert.rejects(() => Deno.stat(join(home, "cache")), Deno.errors.NotFound);
});

Deno.test("mutation/replay: the header names the provider; a data folder comes from CASEFILE_DATA", async () => {
  const home = await tempDir();
  const none = await replay({ provider: { kind: "none" }, args: ["--home", home] }, async () => {});
  assert.equal(none.code, 0);
  assert.match(none.out[0], /^replaying session demo as demo-replay-\S+ \(home .+; no provider\)$/);
  assert.equal(none.out.at(-1), "0 steps replayed: 0 equal");

  const previous = Deno.env.get("CASEFILE_DATA");
  Deno.env.set("CASEFILE_DATA", join(REPO, "fixtures/demo-case"));
  try {
    const r = await replay({ provider: { kind: "local", data: "case" }, args: ["--home", home] });
    assert.equal(r.code, 0, r.err.join("\n"));
    assert.match(r.out[0], /; data demo-case\)$/);
    assert.equal(r.out.at(-1), "1 step replayed: 1 equal");
  } finally {
    if (previous === undefined) Deno.env.delete("CASEFILE_DATA");
    else Deno.env.set("CASEFILE_DATA", previous);
  }
});

Deno.test("mutation/replay: a script run with deno run reports a failed step and exits 1", async () => {
  const home = await tempDir();
  const dir = await tempDir();
  const script = join(dir, "broken_hunt.ts");
  const mod = pathToFileURL(join(REPO, "src/session/mod.ts")).href;
  await Deno.writeTextFile(
    script,
    [
      `import { replaySession } from "${mod}";`,
      `Deno.exit(await replaySession({ session: "hunt", provider: { kind: "local" } }, async (s) => {`,
      `  await s.query("bad", "SecurityAlert | where NoSuchColumn == 1");`,
      `}));`,
      "",
    ].join("\n"),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--config=${join(REPO, "deno.json")}`, script, "--home", home],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1, stdout + stderr);
  assert.match(stderr, /step 1 \(bad\) failed: .*NoSuchColumn/);
  assert.match(stdout, /1 step replayed: 0 equal, 1 failed \(stopped at the first failure/);
});

Deno.test("mutation/replay: an XDR replay signing in another way needs no CASEFILE_XDR_TOKEN", async () => {
  const home = await tempDir();
  const previous = Deno.env.get("CASEFILE_XDR_TOKEN");
  Deno.env.delete("CASEFILE_XDR_TOKEN");
  try {
    const r = await replay(
      { provider: { kind: "xdr", credential: "azure-cli" }, args: ["--home", home] },
      async () => {},
    );
    assert.equal(r.code, 0, r.err.join("\n"));
    assert.match(r.out[0], /\(home .+; Defender XDR advanced hunting\)$/);
    const token = await replay(
      { provider: { kind: "xdr", credential: "token" }, args: ["--home", home] },
      async () => {},
    );
    assert.equal(token.code, 1);
    assert.match(token.err.join("\n"), /CASEFILE_XDR_TOKEN, and it is not set/);
  } finally {
    if (previous !== undefined) Deno.env.set("CASEFILE_XDR_TOKEN", previous);
  }
});
