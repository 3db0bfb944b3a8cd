/**
 * Sessions over several providers, in code: a query names the provider it runs on
 * (`session.query(name, q, { provider: "adx" })`), the journal records the name, the cache
 * keeps one answer per provider, re-runs go back to the provider of that name, and a journal
 * written before sessions had named providers still loads (its steps ran on the default).
 *
 * The Kusto twin serves the first 5 of the demo case's alerts, so its answer cannot pass
 * for the demo case's (read here straight from the Parquet file, not through casefile).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type KustoService, startKustoService } from "../twins/kusto/mod.ts";
import { openAdxProvider } from "../../src/providers/adx/mod.ts";
import { DEMO_CASE_DIR, openLocalProvider, type Provider } from "../../src/providers/mod.ts";
import { openSession, SessionError } from "../../src/session/mod.ts";
import { Journal } from "../../src/session/_journal.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";

const ALL_ALERTS = pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet")).height;
const TWIN_ALERTS = 5;

async function withCluster(
  fn: (adx: Provider, service: KustoService) => Promise<void>,
): Promise<void> {
  const folder = await tempFolder({
    "SecurityAlert.parquet": pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet"))
      .head(TWIN_ALERTS).writeParquet(),
  });
  const service = await startKustoService({ databases: { demo: folder } });
  const adx = await openAdxProvider({
    cluster: service.endpoint,
    database: "demo",
    caCertificates: [service.caCertificate],
    credential: {
      getToken: () =>
        Promise.resolve({ token: service.token, expiresOnTimestamp: Date.now() + 3_600_000 }),
    },
    env: () => undefined,
  });
  try {
    await fn(adx, service);
  } finally {
    adx.close();
    await service.close();
  }
}

function count(frame: { getColumn(name: string): { toArray(): unknown[] } }): number {
  return Number(frame.getColumn("Count").toArray()[0]);
}

async function queryEntries(home: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(join(home, "cache", "queries"))) names.push(e.name);
  return names;
}

Deno.test("the same query text on two providers is two cache entries, each answered by its own", async () => {
  assert.notEqual(ALL_ALERTS, TWIN_ALERTS);
  await withCluster(async (adx, service) => {
    const home = await tempFolder();
    const session = await openSession("two", { home, provider: await openLocalProvider() });
    session.addProvider("adx", adx);
    const local = await session.query("here", "SecurityAlert | count");
    const remote = await session.query("there", "SecurityAlert | count", { provider: "adx" });
    assert.equal(count(local), ALL_ALERTS);
    assert.equal(count(remote), TWIN_ALERTS);
    assert.equal((await queryEntries(home)).length, 2);
    assert.equal(session.step("here").record.providerName, undefined);
    assert.equal(session.step("there").record.providerName, "adx");
    assert.equal(session.step("there").record.connection?.kind, "adx");

    // Again, in the other order: each is a cache hit with its own provider's answer.
    const asked = service.requests.filter((r) => r.path === "/v2/rest/query").length;
    const remote2 = await session.query("there2", "SecurityAlert | count", { provider: "adx" });
    const local2 = await session.query("here2", "SecurityAlert | count");
    assert.equal(count(remote2), TWIN_ALERTS);
    assert.equal(count(local2), ALL_ALERTS);
    assert.deepEqual(
      [session.step("there2").record.cache, session.step("here2").record.cache],
      ["hit", "hit"],
    );
    assert.equal(service.requests.filter((r) => r.path === "/v2/rest/query").length, asked);

    // A re-run goes back to the provider each step named.
    await session.rerun("here", {}, { refresh: true });
    assert.equal(count(session.value("there") as never), TWIN_ALERTS);
    assert.equal(count(session.value("here") as never), ALL_ALERTS);
    assert.ok(service.requests.filter((r) => r.path === "/v2/rest/query").length > asked);
    await session.close();
  });
});

Deno.test("a query naming a provider the session does not have is a clear error", async () => {
  const home = await tempFolder();
  const session = await openSession("typo", { home, provider: await openLocalProvider() });
  session.addProvider("adx", await openLocalProvider());
  await assert.rejects(
    () => session.query("x", "SecurityAlert | count", { provider: "adz" }),
    (error: unknown) => {
      assert.ok(error instanceof SessionError);
      assert.match(error.message, /no provider named adz \(it has adx\)/);
      assert.match(error.hint ?? "", /Did you mean `adx`\?/);
      assert.match(error.hint ?? "", /session\.addProvider\("adz"/);
      return true;
    },
  );
  assert.throws(() => session.addProvider("2nd", session.provider!), SessionError);
  await session.close();
});

Deno.test("a journal written before named providers loads, and its steps re-run on the default", async () => {
  const home = await tempFolder();
  const dir = join(home, "sessions", "old");
  await Deno.mkdir(dir, { recursive: true });
  // A query step as casefile wrote it before: the provider's id, no provider name.
  const { journal } = await Journal.open(join(dir, "journal.jsonl"));
  await journal.append({
    type: "session",
    format: 1,
    name: "old",
    created: "2026-03-16T09:00:00.000Z",
  });
  await journal.append({ type: "params", definitions: {}, values: {} });
  await journal.append({
    type: "step",
    position: 1,
    revision: 1,
    name: "alerts",
    kind: "query",
    code: "SecurityAlert | count",
    template: [{ text: "SecurityAlert | count" }],
    params: {},
    provider: `local:${DEMO_CASE_DIR}`,
    status: "ok",
    result: {
      kind: "frame",
      rows: 1,
      columns: [{ name: "Count", type: "long" }],
      sha256: "0".repeat(64),
      bytes: 400,
    },
    durationMs: 3,
  } as never);
  journal.close();
  const session = await openSession("old", { home, provider: await openLocalProvider() });
  // Another provider by name must not take the old step.
  const fewer = await tempFolder({
    "SecurityAlert.parquet": pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet"))
      .head(2).writeParquet(),
  });
  session.addProvider("local", await openLocalProvider(fewer));
  assert.deepEqual(session.steps().map((s) => [s.record.name, s.record.providerName]), [[
    "alerts",
    undefined,
  ]]);
  // Its result is not in this home's cache: said, not fatal.
  assert.ok(session.notices.some((n) => /result not in the cache/.test(n)), session.notices.join());
  await session.rerun(1);
  assert.equal(count(session.value("alerts") as never), ALL_ALERTS);
  await session.close();
});
