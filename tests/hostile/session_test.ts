// Hostile campaign against sessions: a damaged journal (random bit flips, a deleted,
// moved or cut line, a journal emptied), many processes racing for one stale lock, a
// tampered cache, and secrets in what a step journals. The rule: the session always opens,
// keeps every intact step, and names what was lost; one writer; no wrong cache hit; no
// evidence deleted; no secret on disk.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { openSession } from "../../src/session/session.ts";
import { verifySession } from "../../src/session/verify.ts";
import { ResultCache } from "../../src/session/result_cache.ts";
import { resolveKey } from "../../src/enrich/_ti_http.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { tempFolder } from "../_helpers.ts";
import { rng as seeded } from "../_order.ts";

const STEPS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];

/** A session with six steps (JSON values) and a mark; returns its home and journal lines. */
async function sixStepSession(): Promise<{ home: string; journal: string; lines: string[] }> {
  const home = await tempFolder();
  const session = await openSession("case", { home, cache: false });
  for (const [i, name] of STEPS.entries()) {
    await session.run(name, `"value ${i + 1} of ${name}"`);
  }
  await session.mark(2, "finding", "the spray starts here");
  await session.close();
  const journal = join(home, "sessions", "case", "journal.jsonl");
  const text = await Deno.readTextFile(journal);
  return { home, journal, lines: text.split("\n").slice(0, -1) };
}

/** A fresh copy of a session's home, to damage. */
async function copyHome(home: string): Promise<string> {
  const copy = await tempFolder();
  await new Deno.Command("cp", { args: ["-a", `${home}/.`, copy] }).output();
  return copy;
}

/** The step names the lines before `line` (1-based) hold, read straight from the JSON. */
function stepsBefore(lines: readonly string[], line: number): string[] {
  return lines.slice(0, line - 1).map((l) => JSON.parse(l))
    .filter((r) => r.type === "step").map((r) => r.name);
}

async function openNoting(home: string) {
  const notices: string[] = [];
  const session = await openSession("case", {
    home,
    cache: false,
    onNotice: (n) => notices.push(n),
  });
  return { session, notices };
}

Deno.test("hostile journal: 30 seeded bit flips each open, keep the intact steps and name the line", async () => {
  const { home, lines } = await sixStepSession();
  const original = new TextEncoder().encode(lines.join("\n") + "\n");
  const random = seeded(18);
  for (let trial = 0; trial < 30; trial++) {
    const copy = await copyHome(home);
    const path = join(copy, "sessions", "case", "journal.jsonl");
    const bytes = original.slice();
    const at = Math.floor(random() * bytes.length);
    bytes[at] ^= 1 << Math.floor(random() * 8);
    await Deno.writeFile(path, bytes);
    // The damaged line: the one the flipped byte is in (a flipped newline ends its line).
    const line = original.subarray(0, at).filter((b) => b === 0x0a).length + 1;
    const label = `trial ${trial}: byte ${at}, line ${line}`;
    const { session, notices } = await openNoting(copy);
    const kept = session.steps().map((s) => s.record.name);
    assert.deepEqual(kept, stepsBefore(lines, line), label);
    const named = notices.find((n) => n.startsWith(`journal line ${line}: `));
    assert.ok(named, `${label}: ${notices.join(" | ")}`);
    if (line < lines.length) assert.match(named, /set aside \d+ line\(s\) in .*damaged-/, label);
    // The session stays usable: values in reach, a new step, a re-run, a verification.
    for (const name of kept) {
      assert.equal(session.value(name), `value ${STEPS.indexOf(name) + 1} of ${name}`, label);
    }
    await session.run("after", () => 42);
    if (kept.length) await session.rerun(kept[0]);
    await session.close();
    // The damaged tail was copied aside, byte for byte (never deleted).
    const dir = join(copy, "sessions", "case");
    const aside = [...Deno.readDirSync(dir)].filter((e) => e.name.includes(".damaged"));
    const tail = new TextDecoder().decode(bytes).split("\n").slice(line - 1).join("\n");
    assert.equal(
      Deno.readTextFileSync(join(dir, aside[0].name)).replace(/\n$/, ""),
      tail.replace(/\n$/, ""),
      label,
    );
    // Reopened, the repaired journal is whole: nothing more to report.
    const again = await openNoting(copy);
    assert.deepEqual(again.notices, [], label);
    assert.deepEqual(again.session.steps().map((s) => s.record.name).slice(0, kept.length), kept);
    await again.session.close();
  }
});

Deno.test("hostile journal: a deleted middle line is named as missing; later lines are set aside", async () => {
  const { home, lines } = await sixStepSession();
  const path = join(home, "sessions", "case", "journal.jsonl");
  // Line 4 is record 4 (step gamma).
  await Deno.writeTextFile(path, [...lines.slice(0, 3), ...lines.slice(4)].join("\n") + "\n");
  const { session, notices } = await openNoting(home);
  assert.deepEqual(session.steps().map((s) => s.record.name), ["alpha", "beta"]);
  assert.match(
    notices[0],
    /^journal line 4: record 5 where record 4 belongs \(records 4–4 missing\)/,
  );
  assert.match(
    notices[0],
    /lost: record 5: step 4 \(delta\); record 6: step 5 \(epsilon\); record 7: step 6 \(zeta\); record 8: a mark of step 2$/,
  );
  await session.close();
  const log = await Deno.readTextFile(`${path}.damage.log`);
  assert.match(log, /line 4: record 5 where record 4 belongs/);
});

Deno.test("hostile journal: two lines swapped are named as out of order", async () => {
  const { home, lines } = await sixStepSession();
  const path = join(home, "sessions", "case", "journal.jsonl");
  const swapped = [...lines];
  [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
  await Deno.writeTextFile(path, swapped.join("\n") + "\n");
  const { session, notices } = await openNoting(home);
  assert.deepEqual(session.steps().map((s) => s.record.name), ["alpha"]);
  assert.match(notices[0], /^journal line 3: record 4 where record 3 belongs/);
  await session.close();
});

Deno.test("hostile journal: a line altered with its checksum recomputed breaks the chain", async () => {
  const { home, lines } = await sixStepSession();
  const path = join(home, "sessions", "case", "journal.jsonl");
  // Rewrite step beta's value and give the line a valid checksum (the format's, computed here).
  const json = lines[2].replace(/,"sum":"[0-9a-f]{16}"\}$/, "}").replace(
    '"value":"value 2 of beta"',
    '"value":"forged"',
  );
  const sum = createHash("sha256").update(json).digest("hex").slice(0, 16);
  const altered = [...lines];
  altered[2] = `${json.slice(0, -1)},"sum":"${sum}"}`;
  await Deno.writeTextFile(path, altered.join("\n") + "\n");
  const { session, notices } = await openNoting(home);
  // The altered line itself checks; the next one no longer follows it.
  assert.match(notices[0], /^journal line 4: record 4 does not follow the record before it/);
  assert.equal(session.value("beta"), "forged");
  assert.deepEqual(session.steps().map((s) => s.record.name), ["alpha", "beta"]);
  await session.close();
});

Deno.test("hostile journal: a journal emptied or cut short is reported with what the session had", async () => {
  const { home, lines } = await sixStepSession();
  const path = join(home, "sessions", "case", "journal.jsonl");
  const empty = await copyHome(home);
  await Deno.writeTextFile(join(empty, "sessions", "case", "journal.jsonl"), "");
  let { session, notices } = await openNoting(empty);
  assert.equal(session.steps().length, 0);
  assert.deepEqual(notices, [
    `journal ends at record 0, but ${lines.length} were written (the session had 6 step(s); ` +
    `0 remain): records 1–${lines.length} are missing (the journal was truncated or emptied)`,
  ]);
  await session.close();
  // Cut at a line boundary: three whole lines left.
  await Deno.writeTextFile(path, lines.slice(0, 3).join("\n") + "\n");
  ({ session, notices } = await openNoting(home));
  assert.deepEqual(session.steps().map((s) => s.record.name), ["alpha", "beta"]);
  assert.match(
    notices[0],
    new RegExp(
      `^journal ends at record 3, but ${lines.length} were written \\(the session had 6 step\\(s\\); 2 remain\\)`,
    ),
  );
  await session.close();
});

Deno.test("hostile journal: a journal from before chaining is read, and said to be unchained", async () => {
  const { home, lines } = await sixStepSession();
  const path = join(home, "sessions", "case", "journal.jsonl");
  // The old format: no prev; each line's checksum over its own JSON (computed here).
  const old = lines.map((l) => {
    const json = l.replace(/,"sum":"[0-9a-f]{16}"\}$/, "}").replace(/,"prev":"[0-9a-f]*"/, "");
    return `${json.slice(0, -1)},"sum":"${
      createHash("sha256").update(json).digest("hex").slice(0, 16)
    }"}`;
  });
  await Deno.writeTextFile(path, old.join("\n") + "\n");
  await Deno.remove(`${path}.head`);
  const { session, notices } = await openNoting(home);
  assert.deepEqual(session.steps().map((s) => s.record.name), STEPS);
  assert.deepEqual(notices, [
    `journal records 1–${lines.length} were written before records were chained: a line ` +
    `missing among them is detected by its number, an altered one only by its checksum`,
  ]);
  await session.run("later", () => 7);
  await session.close();
});

const RACERS = 12;

/**
 * A script that waits for `go`, then opens the session and reports its outcome (in `done-N`);
 * the winner holds the session until every racer has reported, so a loser never finds the
 * lock already released (an event, not a wait).
 */
async function racerScript(): Promise<string> {
  const child = join(await tempFolder(), "child.ts");
  const module = new URL("../../src/session/session.ts", import.meta.url).href;
  await Deno.writeTextFile(
    child,
    `import { openSession } from "${module}";
const [home, barrier, me] = Deno.args;
await Deno.writeTextFile(barrier + "/ready-" + me, "");
while (true) { try { Deno.statSync(barrier + "/go"); break; } catch { await new Promise((r) => setTimeout(r, 1)); } }
const report = (outcome) => {
  console.log(outcome);
  Deno.writeTextFileSync(barrier + "/done-" + me, outcome);
};
const reported = () => [...Deno.readDirSync(barrier)].filter((e) => e.name.startsWith("done-")).length;
try {
  const s = await openSession("raced", { home, cache: false });
  await s.run("winner", "'" + me + "'");
  report("won");
  while (reported() < ${RACERS}) await new Promise((r) => setTimeout(r, 5));
  await s.close();
} catch (e) {
  report(e.name);
}
`,
  );
  return child;
}

/** One race of {@link RACERS} processes for the session's lock; their outcomes. */
async function race(child: string, home: string): Promise<string[]> {
  const barrier = await tempFolder();
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const racers = Array.from({ length: RACERS }, (_, i) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", config, child, home, barrier, String(i)],
      stdout: "piped",
      stderr: "piped",
    }).spawn());
  const finished = Promise.all(racers.map(async (p) => {
    const out = await p.output();
    return new TextDecoder().decode(out.stdout).trim() || new TextDecoder().decode(out.stderr);
  }));
  // All start together once all are loaded (bounded: a racer that died is not waited for).
  const deadline = Date.now() + 60_000;
  while ([...Deno.readDirSync(barrier)].length < RACERS && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await Deno.writeTextFile(join(barrier, "go"), "");
  return await finished;
}

Deno.test("hostile lock: 12 processes race to take over a stale lock, 4 times; exactly one wins each", async () => {
  const home = await tempFolder();
  const dir = join(home, "sessions", "raced");
  await Deno.mkdir(dir, { recursive: true });
  const child = await racerScript();
  for (let round = 1; round <= 4; round++) {
    // The lock a dead process left.
    await Deno.writeTextFile(
      join(dir, "lock"),
      JSON.stringify({ pid: 999_999_999, host: (await import("node:os")).hostname() }),
    );
    const outcomes = await race(child, home);
    const summary = `round ${round}:\n${outcomes.join("\n")}`;
    assert.equal(outcomes.filter((o) => o === "won").length, 1, summary);
    assert.equal(outcomes.filter((o) => o === "SessionLockedError").length, RACERS - 1, summary);
  }
  // One step per round, each at its own position: no two writers ever shared the journal.
  const notices: string[] = [];
  const session = await openSession("raced", {
    home,
    cache: false,
    onNotice: (n) => notices.push(n),
  });
  assert.deepEqual(session.steps().map((s) => s.record.position), [1, 2, 3, 4]);
  assert.deepEqual(notices, []);
  await session.close();
});

/** Where the cache keeps the entry of the query `query`. */
async function entryOf(home: string, query: string): Promise<string> {
  const dir = join(home, "cache", "queries");
  for (const e of Deno.readDirSync(dir)) {
    if (!e.name.endsWith(".json")) continue;
    const entry = JSON.parse(await Deno.readTextFile(join(dir, e.name)));
    if (entry.query === query) return join(dir, e.name);
  }
  throw new Error(`no entry for ${query}`);
}

Deno.test("hostile cache: an entry pointed at another stored result is a miss, quarantined, with a warning", async () => {
  const home = await tempFolder();
  const provider = await openLocalProvider();
  const small = "SecurityAlert | take 13";
  const big = "SigninLogs | take 266";
  let session = await openSession("tamper", { home, provider });
  await session.query("small", small);
  await session.query("big", big);
  await session.close();
  const smallEntry = await entryOf(home, small);
  const bigSha = JSON.parse(await Deno.readTextFile(await entryOf(home, big))).sha256;
  const tampered = { ...JSON.parse(await Deno.readTextFile(smallEntry)), sha256: bigSha };
  await Deno.writeTextFile(smallEntry, JSON.stringify(tampered));
  const notices: string[] = [];
  session = await openSession("tamper", { home, provider, onNotice: (n) => notices.push(n) });
  const again = await session.query("again", small);
  assert.equal(again.height, 13);
  assert.equal(session.step("again").record.cache, "miss");
  assert.ok(
    notices.some((n) =>
      /points at a result that is not its query's \(266 rows where it recorded 13\)/.test(n)
    ),
    notices.join("\n"),
  );
  const aside = [...Deno.readDirSync(join(home, "cache", "quarantine", "queries"))];
  assert.equal(aside.length, 1);
  assert.deepEqual(
    JSON.parse(
      await Deno.readTextFile(join(home, "cache", "quarantine", "queries", aside[0].name)),
    ),
    tampered,
  );
  await session.close();
});

Deno.test("hostile cache: a tampered result is never served; verifySession says mismatch, the bytes are kept", async () => {
  const home = await tempFolder();
  const provider = await openLocalProvider();
  let session = await openSession("evidence", { home, provider });
  await session.query("alerts", "SecurityAlert | take 13");
  await session.query("signins", "SigninLogs | take 20");
  const sha = (session.step("alerts").record.result as { sha256: string }).sha256;
  const other = (session.step("signins").record.result as { sha256: string }).sha256;
  await session.close();
  const file = join(home, "cache", "results", sha.slice(0, 2), `${sha}.parquet`);
  const bytes = await Deno.readFile(file);
  bytes[bytes.length - 30] ^= 4;
  await Deno.writeFile(file, bytes);
  await Deno.remove(join(home, "cache", "results", other.slice(0, 2), `${other}.parquet`));
  const notices: string[] = [];
  session = await openSession("evidence", { home, provider, onNotice: (n) => notices.push(n) });
  assert.ok(
    notices.some((n) =>
      /^step 1: the cached result does not match its SHA-256; set aside in .*quarantine/.test(n)
    ),
    notices.join("\n"),
  );
  assert.equal(session.step("alerts").restored, false);
  const report = await verifySession(session);
  assert.deepEqual(report.steps.map((s) => `${s.name}: ${s.status}`), [
    "alerts: mismatch",
    "signins: missing",
  ]);
  assert.equal(report.ok, false);
  assert.equal(report.steps[0].actual, createHash("sha256").update(bytes).digest("hex"));
  await session.close();
  // Opening again does not destroy the evidence either.
  session = await openSession("evidence", { home, provider });
  assert.equal((await verifySession(session)).steps[0].status, "mismatch");
  await session.close();
});

Deno.test("hostile cache: temporary files of killed writes are cleaned on the next open; live ones stay", async () => {
  const home = await tempFolder();
  const cacheDir = join(home, "cache");
  await ResultCache.open(cacheDir);
  await Deno.mkdir(join(cacheDir, "results", "ab"), { recursive: true });
  const dead = join(cacheDir, "results", "ab", "ab12.parquet.999999999-0badcafe.tmp");
  const live = join(cacheDir, "queries", `k.json.${Deno.pid}-0badcafe.tmp`);
  await Deno.writeTextFile(dead, "half");
  await Deno.writeTextFile(live, "half");
  const session = await openSession("tidy", { home });
  const left = join(session.dir, "journal.jsonl.head.999999999-12345678.tmp");
  await session.close();
  await Deno.writeTextFile(left, "x");
  const again = await openSession("tidy", { home });
  await again.close();
  assert.equal(await Deno.stat(dead).then(() => true, () => false), false);
  assert.equal(await Deno.stat(live).then(() => true, () => false), true);
  assert.equal(await Deno.stat(left).then(() => true, () => false), false);
});

Deno.test("hostile secrets: a step returning the environment journals no trace of a secret", async () => {
  const secret = `s3cr3t-${crypto.randomUUID()}`;
  const token = `tok-${crypto.randomUUID()}`;
  const tiKey = `vt-${crypto.randomUUID()}`;
  const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbmFseXN0QGNvbnRvc28uY29tIn0.c2lnbmF0dXJlLWJ5dGVz";
  Deno.env.set("AZURE_CLIENT_SECRET", secret);
  Deno.env.set("CASEFILE_SENTINEL_TOKEN", token);
  try {
    // A threat-intel key handed over in code.
    resolveKey({ apiKey: tiKey }, "VIRUSTOTAL_API_KEY");
    const home = await tempFolder();
    const session = await openSession("secrets", { home });
    const env = await session.run("env", () => Deno.env.toObject());
    assert.equal(env.AZURE_CLIENT_SECRET, secret, "the live value is untouched");
    await session.run("printed", () => {
      console.log(`auth: Bearer ${jwt} key=${tiKey}`);
      return { header: `Bearer ${token}`, nested: [{ jwt }] };
    });
    await session.run("failed", () => {
      throw new Error(`login failed with ${secret}`);
    }).catch(() => {});
    await session.close();
    const record = await openSession("secrets", { home });
    const value = record.value("env") as Record<string, string>;
    assert.equal(value.AZURE_CLIENT_SECRET, "[redacted: AZURE_CLIENT_SECRET]");
    assert.equal(value.CASEFILE_SENTINEL_TOKEN, "[redacted: CASEFILE_SENTINEL_TOKEN]");
    assert.equal(
      record.step("printed").record.output?.trim(),
      "auth: Bearer [redacted: token] key=[redacted: VIRUSTOTAL_API_KEY]",
    );
    await record.close();
    const grep = await new Deno.Command("grep", {
      args: ["-rlaF", "-e", secret, "-e", token, "-e", tiKey, "-e", jwt.split(".")[1], home],
    }).output();
    assert.equal(new TextDecoder().decode(grep.stdout), "", "files holding a secret");
  } finally {
    Deno.env.delete("AZURE_CLIENT_SECRET");
    Deno.env.delete("CASEFILE_SENTINEL_TOKEN");
  }
});
