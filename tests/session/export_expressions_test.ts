/**
 * Values a `%kql` query takes from earlier steps (`${expression}`) are computed again when an
 * exported script replays the session, so a replay with another `--window` changes the
 * dependent query instead of reusing the recorded literal.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Repl, type ReplOutput } from "../../repl/_repl.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { exportScript } from "../../src/session/export_script.ts";
import { openSession } from "../../src/session/session.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { tempDir } from "../_helpers.ts";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function quiet(): ReplOutput {
  return { write: () => {}, error: () => {}, columns: () => 120, colors: false };
}

async function runScript(path: string, home: string, args: string[]) {
  const output = await new Deno.Command(path, {
    args,
    cwd: await tempDir(),
    env: {
      NO_COLOR: "1",
      CASEFILE_DIR: REPO,
      CASEFILE_HOME: home,
      PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}`,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: output.code, out: text.decode(output.stdout) + text.decode(output.stderr) };
}

const SPRAY = "2026-03-11T02:00:00Z..2026-03-11T03:50:00Z";
const AFTERNOON = "2026-03-11T12:00:00Z..2026-03-11T18:00:00Z";
const FAILED = "%kql failed = SigninLogs | where TimeGenerated between ({{window.start}} .. " +
  '{{window.end}}) and ResultType == "50126" | distinct IPAddress | order by IPAddress asc';
const FROM_THEM = "%kql fromThem = SigninLogs | where IPAddress in " +
  '(${failed.getColumn("IPAddress").toArray()}) | summarize n = count() by IPAddress';

Deno.test("an exported script computes ${} values from earlier steps again on replay", async () => {
  const home = await tempDir();
  const repl = await Repl.open({
    home,
    session: "dependent",
    provider: { kind: "local" },
    output: quiet(),
  });
  const signal = new AbortController().signal;
  await repl.handle(`.set window ${SPRAY}`, signal);
  await repl.handle(FAILED, signal);
  await repl.handle(FROM_THEM, signal);
  const steps = repl.session.steps().map((s) => s.record);
  assert.deepEqual(steps.map((r) => [r.name, r.status]), [["failed", "ok"], ["fromThem", "ok"]]);
  // The recorded query holds the spray's addresses (the demo case's answer key).
  for (const ip of ANSWER_KEY.spray.ips) assert.ok(steps[1].code!.includes(`"${ip}"`), ip);
  const path = join(await tempDir(), "dependent.ts");
  const script = await exportScript(repl.session, { path });
  await repl.close();
  // The script interpolates the expression over the earlier step, not its recorded literal.
  assert.match(
    script,
    /kql`SigninLogs \| where IPAddress in \(\$\{\s*failed\.getColumn\("IPAddress"\)\.toArray\(\)\s*\}\) \| summarize/,
  );
  assert.ok(!script.includes("203.0.113"));

  const replayHome = await tempDir();
  const run = await runScript(path, replayHome, ["--session", "afternoon", "--window", AFTERNOON]);
  const replay = await openSession("afternoon", { home: replayHome });
  const again = replay.steps().map((s) => s.record);
  assert.equal(again.length, 2, run.out);
  // The addresses that failed that afternoon, read independently with the local engine.
  const local = await openLocalProvider();
  const afternoon = await local.query(
    "SigninLogs | where TimeGenerated between (datetime(2026-03-11T12:00:00Z) .. " +
      'datetime(2026-03-11T18:00:00Z)) and ResultType == "50126" | distinct IPAddress',
  );
  const ips = afternoon.frame.getColumn("IPAddress").toArray() as string[];
  assert.ok(ips.length > 0);
  for (const ip of ips) assert.ok(again[1].code!.includes(`"${ip}"`), ip);
  for (const ip of ANSWER_KEY.spray.ips) assert.ok(!again[1].code!.includes(ip), ip);
  assert.equal(again[1].status, "ok");
  assert.equal(again[1].result?.kind === "frame" && again[1].result.rows, ips.length);
});
