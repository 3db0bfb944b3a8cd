import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { CLOUD_ANSWER_KEY } from "../../scripts/demo_case/_cloud_attack.ts";
import { openSession } from "../../src/session/session.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempDir } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** `casefile ARGS` with `stdin` piped in. */
function casefile(args: string[], stdin = "") {
  return runCasefile(args, { stdin });
}

Deno.test("the REPL reads piped input: plain output, errors on stderr, steps journaled", async () => {
  const home = await tempDir();
  const input = [
    "%kql spray =",
    "SigninLogs",
    '| where ResultType == "50126"',
    "| summarize Failures = count() by IPAddress",
    "| top 3 by Failures",
    "",
    "const total = spray.getColumn('Failures').toArray().reduce((a: number, b: number) => a + b, 0)",
    '"total=" + total',
    "nope(",
    ")",
    ".history",
  ].join("\n") + "\n";
  const { code, stdout, stderr } = await casefile(
    ["repl", "--home", home, "--session", "piped"],
    input,
  );
  assertEquals(code, 0, stderr);
  ok(!stdout.includes("\x1b["), "no escape codes without a terminal");
  for (const ip of ANSWER_KEY.spray.ips) ok(stdout.includes(ip), stdout);
  match(stderr, /error: nope is not defined/);
  match(
    stdout,
    /1\s+spray\s+query\s+3\s+\d+\s+ok\s+miss\n2\s+total\s+code[\s\S]*4\s+_4\s+code\s+\d+\s+error/,
  );
  // The total of the three spray addresses' failures: every 50126 failure from them.
  const total = Number(/total=(\d+)/.exec(stdout)?.[1]);
  assertEquals(total, ANSWER_KEY.spray.failures50126);

  const sessions = await casefile(["sessions", "--home", home]);
  match(sessions.stdout, /piped\s+\d{4}-\d\d-\d\d/);
  const stats = await casefile(["cache", "stats", "--home", home]);
  match(stats.stdout, /cache .*: 1 queries, [12] results/);
  const cleared = await casefile(["cache", "clear", "--home", home]);
  match(cleared.stdout, /cache cleared/);
  const statsAfter = await casefile(["cache", "--home", home]);
  match(statsAfter.stdout, /: 0 queries, 0 results/);
});

Deno.test("piped input: lines starting with | continue the query above them", async () => {
  const home = await tempDir();
  const input = [
    "%kql spray = SigninLogs",
    '| where ResultType == "50126"',
    "| summarize n = count() by IPAddress",
    'console.log("rows=" + spray.sort("IPAddress").rows().map(([ip, n]) => `${ip}:${n}`).join(","))',
    // The Sentinel style: a table's name, then | lines (no %kql).
    "SigninLogs",
    '  | where ResultType == "50126"',
    "| count",
    // A variable named like a table is TypeScript when no | line follows.
    "const SigninLogs = 41",
    "SigninLogs",
    '"next=" + (SigninLogs + 1)',
    // After a %kql block (ended by its empty line), | lines still belong to the query.
    "%kql ips =",
    "SigninLogs",
    "| distinct IPAddress",
    "",
    "| count",
  ].join("\n") + "\n";
  const { code, stdout, stderr } = await casefile(
    ["repl", "--home", home, "--session", "pipes"],
    input,
  );
  assertEquals(code, 0, stderr);
  assertEquals(stderr, "");

  // The demo's SigninLogs, counted with Polars alone (no KQL engine).
  const signins = pl.readParquet(join(REPO, "fixtures/demo-case/SigninLogs.parquet"));
  const failures = signins.filter(pl.col("ResultType").eq(pl.lit("50126")));
  const perIp = failures.groupBy("IPAddress").len().sort("IPAddress");
  const expected = perIp.rows().map(([ip, n]) => `${ip}:${n}`).join(",");
  ok(perIp.height > 3, `${perIp.height} addresses`);
  assertEquals(/rows=(\S*)/.exec(stdout)?.[1], expected);
  match(stdout, new RegExp(`\\(${perIp.height} rows × 2 columns; first \\d+ rows shown\\)`));
  match(stdout, new RegExp(`Count\\n-----\\n\\s*${failures.height}\\n`));
  match(stdout, /\n41\n41\n"?next=42"?\n/);
  const ips = signins.select("IPAddress").unique().height;
  match(stdout, new RegExp(`Count\\n-----\\n\\s*${ips}\\n[\\s\\S]*\\(ips · step 7 ·`));

  const session = await openSession("pipes", { home });
  try {
    const steps = session.steps().map((s) => s.record);
    assertEquals(steps.map((r) => [r.name, r.kind, r.status]), [
      ["spray", "query", "ok"],
      ["_2", "code", "ok"],
      ["_3", "query", "ok"],
      ["SigninLogs", "code", "ok"],
      ["_5", "code", "ok"],
      ["_6", "code", "ok"],
      ["ips", "query", "ok"],
    ]);
    assertEquals(
      steps[0].code,
      'SigninLogs\n| where ResultType == "50126"\n| summarize n = count() by IPAddress',
    );
    const result = steps[0].result;
    assertEquals(result?.kind === "frame" ? result.rows : result, perIp.height);
    assertEquals(steps[2].code, 'SigninLogs\n  | where ResultType == "50126"\n| count');
    assertEquals(steps[6].code, "SigninLogs\n| distinct IPAddress\n| count");
  } finally {
    await session.close();
  }
});

Deno.test("casefile run runs a TypeScript file with its arguments", async () => {
  const dir = await tempDir();
  const script = join(dir, "count.ts");
  await Deno.writeTextFile(
    script,
    `import { openLocalProvider } from "${join(REPO, "mod.ts")}";
const demo = await openLocalProvider();
const r = await demo.query("SecurityAlert | count");
console.log(Deno.args.join(","), r.frame.getColumn("Count").toArray()[0]);`,
  );
  const { code, stdout, stderr } = await casefile(["run", script, "--", "upn=a", "b"]);
  assertEquals(code, 0, stderr);
  // 13 alerts in the first cut of the demo case (the intrusion's 4 and 9 benign), plus the
  // cloud incident's, counted from its answer key.
  assertEquals(stdout.trim(), `upn=a,b ${13 + CLOUD_ANSWER_KEY.alerts.length}`);
  const failing = join(dir, "fails.ts");
  await Deno.writeTextFile(failing, "throw new Error('boom');");
  const failed = await casefile(["run", failing]);
  assertEquals(failed.code, 1);
  match(failed.stderr, /boom[\s\S]*exited with code 1/);
});

Deno.test("every casefile command has --help", async () => {
  for (const command of ["repl", "run", "export", "sessions", "cache", "query", "tables"]) {
    const { code, stdout } = await casefile([command, "--help"]);
    assertEquals(code, 0, command);
    match(stdout, new RegExp(`Usage: casefile ${command}`));
  }
  const top = await casefile(["--help"]);
  for (const command of ["repl", "run", "export", "sessions", "cache"]) {
    match(top.stdout, new RegExp(`\\n  ${command}\\b`));
  }
});

Deno.test("casefile export writes a script, and says what it cannot do", async () => {
  const home = await tempDir();
  const none = await casefile(["export", "script", join(home, "x.ts"), "--home", home]);
  assertEquals(none.code, 1);
  match(none.stderr, /There are no sessions under/);
  await casefile(["repl", "--home", home, "--session", "s"], "const a = 1\n");
  const bad = await casefile(["export", "slides", "x", "--home", home]);
  match(bad.stderr, /slides is not an export kind/);
  const result = await casefile(["export", "script", join(home, "s.ts"), "--home", home]);
  assertEquals(result.code, 0, result.stderr);
  match(await Deno.readTextFile(join(home, "s.ts")), /session\.run\("a"/);
});

Deno.test("casefile sessions rm removes named sessions or every replay's, never an open one", async () => {
  const home = await tempDir();
  for (
    const name of [
      "case1",
      "case1-replay-20261206T101500-ab12",
      "case1-replay-20261206T101600-cd34",
    ]
  ) {
    const session = await openSession(name, { home, cache: false });
    await session.record("x", 1);
    await session.close();
  }
  const replays = await casefile(["sessions", "rm", "--replays", "--home", home]);
  assertEquals(replays.code, 0, replays.stderr);
  match(replays.stdout, /removed session case1-replay-20261206T101500-ab12\n/);
  match(replays.stdout, /removed session case1-replay-20261206T101600-cd34\n/);
  const list = await casefile(["sessions", "--home", home]);
  ok(list.stdout.includes("case1 ") && !list.stdout.includes("replay"), list.stdout);
  // Open elsewhere: refused, and kept.
  const open = await openSession("case1", { home, cache: false });
  const refused = await casefile(["sessions", "rm", "case1", "--home", home]);
  assertEquals(refused.code, 1);
  match(refused.stderr, /Session "case1" is open in another process/);
  await open.close();
  const removed = await casefile(["sessions", "rm", "case1", "--home", home]);
  assertEquals(removed.code, 0, removed.stderr);
  const none = await casefile(["sessions", "--home", home]);
  match(none.stdout, /No sessions under/);
  const missing = await casefile(["sessions", "rm", "nosuch", "--home", home]);
  assertEquals(missing.code, 1);
  match(missing.stderr, /There is no session nosuch/);
});
