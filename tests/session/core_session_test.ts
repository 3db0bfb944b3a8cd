import assert from "node:assert/strict";
import { join } from "node:path";
import { openSession, type Session } from "../../src/session/session.ts";
import { kql } from "../../src/session/kql_template.ts";
import { param } from "../../src/session/params.ts";
import { ParamError, SessionLockedError } from "../../src/session/errors.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import type { Provider, QueryOptions } from "../../src/providers/provider.ts";
import type { DataFrame } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";

/** The demo case's provider, counting the queries that reach it. */
async function countingProvider(): Promise<Provider & { calls: string[] }> {
  const inner = await openLocalProvider();
  const calls: string[] = [];
  return {
    kind: inner.kind,
    id: inner.id,
    description: inner.description,
    referenceTime: inner.referenceTime,
    calls,
    tables: () => inner.tables(),
    schema: (table) => inner.schema(table),
    dataVersion: () => inner.dataVersion(),
    query(query: string, options?: QueryOptions) {
      calls.push(query);
      return inner.query(query, options);
    },
  };
}

/** A provider that fails every query: resuming must not need one. */
const offline: Provider = {
  kind: "local",
  id: "local:offline",
  description: "offline",
  tables: () => Promise.resolve([]),
  schema: () => Promise.reject(new Error("offline")),
  query: () => Promise.reject(new Error("a resumed session called the provider")),
};

const SPRAY = (s: Session) =>
  kql`SigninLogs
  | where ResultType == ${s.params.code}
  | where TimeGenerated between (${s.params.window.start} .. ${s.params.window.end})
  | summarize Failures = count(), Accounts = dcount(UserPrincipalName) by IPAddress`;

const PARAMS = {
  code: param.string("50126"),
  window: param.timerange("2026-03-01..2026-03-16"),
};

Deno.test("a session journals steps, caches queries, and resumes without the provider", async (t) => {
  const home = await tempFolder();
  const provider = await countingProvider();
  let session = await openSession("spray", { home, provider, params: PARAMS });
  const failures = await session.query("failures", SPRAY(session));
  assert.ok(failures.height > 0);
  await session.query("again", SPRAY(session));
  assert.equal(provider.calls.length, 1, "the second run came from the cache");
  assert.equal(session.step("again").record.cache, "hit");
  assert.equal(session.step("again").record.result?.kind, "frame");
  const top = await session.run(
    "top",
    ({ failures }) => failures.sort("Failures", true).head(3),
  ) as DataFrame;
  const count = await session.run("count", "failures.height");
  assert.equal(count, failures.height);
  await session.mark("again", "dead-end", "same as failures");
  await session.mark("top", "finding", "three spray sources");
  const recorded = session.steps().map((s) => s.record.result);
  await session.close();

  await t.step("files are private to the user", async () => {
    const journal = join(home, "sessions", "spray", "journal.jsonl");
    assert.equal((await Deno.stat(journal)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(join(home, "sessions", "spray"))).mode! & 0o777, 0o700);
  });

  await t.step("resume restores values, marks and parameters from the cache", async () => {
    session = await openSession("spray", { home, provider: offline });
    assert.deepEqual(session.steps().map((s) => s.record.result), recorded);
    assert.deepEqual(session.steps().map((s) => s.mark), ["none", "dead-end", "finding", "none"]);
    assert.equal(session.step("top").note, "three spray sources");
    assert.ok((session.value("top") as DataFrame).frameEqual(top));
    assert.equal(session.value("count"), failures.height);
    assert.equal(session.paramList().find((p) => p.name === "code")?.text, "50126");
    assert.deepEqual(Object.keys(session.scope()), ["failures", "top", "count"]);
    await session.close();
  });

  await t.step("re-run from a step with another parameter value; later steps follow", async () => {
    session = await openSession("spray", { home, provider });
    const before = provider.calls.length;
    const rerun = await session.rerun("failures", {
      window: "2026-03-12T00:00Z..2026-03-13T00:00Z",
    });
    // The dead end is skipped.
    assert.deepEqual(rerun.map((s) => s.record.name), ["failures", "top", "count"]);
    assert.equal(provider.calls.length, before + 1);
    assert.match(provider.calls.at(-1)!, /datetime\(2026-03-12T00:00:00\.000Z\)/);
    const narrowed = session.value("failures") as DataFrame;
    assert.equal(session.value("count"), narrowed.height);
    assert.equal(session.step("failures").record.revision, 2);
    assert.deepEqual(
      session.step("failures").record.params.window,
      "2026-03-12T00:00:00Z..2026-03-13T00:00:00Z",
    );
    await session.close();
    // The re-run survives a reopen.
    session = await openSession("spray", { home, provider: offline });
    assert.equal((session.value("failures") as DataFrame).height, narrowed.height);
    await session.close();
  });
});

Deno.test("a failed step is journaled with its error and nothing before it is lost", async () => {
  const home = await tempFolder();
  const session = await openSession("errors", { home, provider: await openLocalProvider() });
  await session.query("alerts", "SecurityAlert | count");
  await assert.rejects(() => session.query("broken", "SecurityAlert | where"), /line 1, column/);
  await assert.rejects(() => session.run("oops", "nosuchvariable.height"), ReferenceError);
  await assert.rejects(() => session.setParams({ nothere: 1 }), ParamError);
  const steps = session.steps();
  assert.deepEqual(steps.map((s) => [s.record.name, s.record.status]), [
    ["alerts", "ok"],
    ["broken", "error"],
    ["oops", "error"],
  ]);
  assert.match(steps[1].record.error!.message, /expected an expression/);
  await session.close();
  const reopened = await openSession("errors", { home, provider: offline });
  assert.equal(reopened.steps().length, 3);
  assert.equal(reopened.steps()[1].record.status, "error");
  await reopened.close();
});

Deno.test("relative times are fixed at the first run", async () => {
  const home = await tempFolder();
  const provider = await countingProvider();
  const session = await openSession("relative", { home, provider });
  await session.query("recent", "SigninLogs | where TimeGenerated > ago(1d) | count");
  const record = session.step("recent").record;
  assert.equal(record.now, "2026-03-16T00:00:00.000Z", "the case's reference time");
  assert.match(
    provider.calls[0],
    /TimeGenerated > \(datetime\(2026-03-16T00:00:00\.000Z\) - \(1d\)\)/,
  );
  await session.rerun("recent", {}, { refresh: true });
  assert.equal(provider.calls[1], provider.calls[0]);
  await session.close();
});

Deno.test("a session is locked while open; a lock left by a dead process is taken over", async () => {
  const home = await tempFolder();
  const first = await openSession("locked", { home });
  await assert.rejects(() => openSession("locked", { home }), SessionLockedError);
  await first.close();
  const second = await openSession("locked", { home });
  await second.close();
  await Deno.writeTextFile(
    join(home, "sessions", "locked", "lock"),
    JSON.stringify({ pid: 999_999_999, host: (await import("node:os")).hostname() }),
  );
  const third = await openSession("locked", { home });
  await third.close();
});

Deno.test("a damaged cached result is reported on resume, never used, and re-run fixes it", async () => {
  const home = await tempFolder();
  const provider = await countingProvider();
  let session = await openSession("tamper", { home, provider });
  await session.query("alerts", "SecurityAlert | project TimeGenerated, AlertName");
  const sha = (session.step("alerts").record.result as { sha256: string }).sha256;
  await session.close();
  const file = join(home, "cache", "results", sha.slice(0, 2), `${sha}.parquet`);
  const bytes = await Deno.readFile(file);
  bytes[bytes.length - 20] ^= 1;
  await Deno.writeFile(file, bytes);
  const notices: string[] = [];
  session = await openSession("tamper", { home, provider, onNotice: (n) => notices.push(n) });
  assert.ok(notices.some((n) => /does not match its SHA-256/.test(n)), notices.join("\n"));
  assert.equal(session.step("alerts").restored, false);
  assert.throws(() => session.value("alerts"), /not available/);
  await session.rerun("alerts");
  assert.equal((session.step("alerts").record.result as { sha256: string }).sha256, sha);
  assert.equal(provider.calls.length, 2);
  await session.close();
});

Deno.test("local data that changes invalidates its cached results", async () => {
  const data = await tempFolder({ "Hosts.csv": "Computer,Risk\nws-01,3\nws-02,5\n" });
  const home = await tempFolder();
  const session = await openSession("changes", { home, provider: await openLocalProvider(data) });
  await session.query("a", "Hosts | summarize sum(Risk)");
  await session.query("b", "Hosts | summarize sum(Risk)");
  assert.equal(session.step("b").record.cache, "hit");
  await Deno.writeTextFile(join(data, "Hosts.csv"), "Computer,Risk\nws-01,3\nws-02,5\nws-03,9\n");
  await session.connect(await openLocalProvider(data));
  const c = await session.query("c", "Hosts | summarize sum(Risk)");
  assert.equal(session.step("c").record.cache, "miss");
  assert.equal(c.getColumn("sum_Risk").toArray()[0], 17);
  await session.close();
});

Deno.test("kill -9 in the middle of a scripted session loses at most the step in flight; its lock is taken over", async () => {
  const home = await tempFolder();
  const script = join(home, "steps.ts");
  const sessionUrl = new URL("../../src/session/session.ts", import.meta.url).href;
  const providerUrl = new URL("../../src/providers/local/local_provider.ts", import.meta.url).href;
  await Deno.writeTextFile(
    script,
    `import { openSession } from "${sessionUrl}";
import { openLocalProvider } from "${providerUrl}";
const session = await openSession("crash", { home: ${
      JSON.stringify(home)
    }, provider: await openLocalProvider() });
for (let i = 1; ; i++) {
  await session.query("q" + i, "SecurityEvent | where EventID == 4688 | summarize n = count() by Computer | extend i = " + i);
  console.log(i);
}`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--config=${new URL("../../deno.json", import.meta.url).pathname}`, script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let done = 0;
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  while (done < 8) {
    const { value, done: end } = await reader.read();
    if (end) break;
    buffered += value;
    done = buffered.split("\n").filter((l) => /^\d+$/.test(l)).length;
  }
  // While the script runs, the session is its own.
  await assert.rejects(() => openSession("crash", { home, provider: offline }), SessionLockedError);
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel().catch(() => {});
  assert.ok(done >= 8, "the script ran steps");
  const notices: string[] = [];
  const session = await openSession("crash", {
    home,
    provider: offline,
    onNotice: (n) => notices.push(n),
  });
  const steps = session.steps();
  assert.ok(steps.length >= done, `${steps.length} steps recorded, ${done} reported done`);
  steps.forEach((s, i) => {
    assert.equal(s.record.name, `q${i + 1}`);
    assert.equal(s.record.status, "ok");
  });
  // Every recorded step's result is there (a step is journaled after its result is cached).
  assert.ok(steps.every((s) => s.restored), notices.join("\n"));
  await session.close();
});
