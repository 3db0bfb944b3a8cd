/**
 * The result cache with a live service: sessions on the Sentinel provider against the
 * loopback Log Analytics service. Incomplete results are never served to a later run, the
 * key holds the service's endpoint, a hit says how old it is, and the time to live suits an
 * investigation and can be set.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DEMO_WORKSPACE_ID,
  type LogAnalyticsService,
  type ServiceOptions,
  startLogAnalyticsService,
} from "../twins/log_analytics/mod.ts";
import type { SentinelProvider } from "../../src/providers/sentinel/sentinel_provider.ts";
import { openTwinProvider } from "../providers/_twin_provider.ts";
import { DEMO_CASE_DIR } from "../../src/providers/mod.ts";
import { openSession, type Session } from "../../src/session/session.ts";
import { ResultCache } from "../../src/session/result_cache.ts";
import { SessionError } from "../../src/session/errors.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";

/** SecurityAlert rows of the demo case; the twin's partial fault answers half, rounded down. */
const ALERTS = 15;
const HALF = 7;

async function withTwin<T>(
  fn: (service: LogAnalyticsService, provider: SentinelProvider) => Promise<T>,
  options: ServiceOptions = {},
): Promise<T> {
  const service = await startLogAnalyticsService(options);
  // The demo case's data is months old: the helper reads it whole (no default timespan),
  // as the local engine does.
  const provider = await openTwinProvider(service, { workspace: DEMO_WORKSPACE_ID });
  try {
    return await fn(service, provider);
  } finally {
    provider.close();
    await service.close();
  }
}

/** Query requests the service received whose text includes `text`. */
function sent(service: LogAnalyticsService, text: string): number {
  return service.requests.filter((r) =>
    (r.body as { query?: string } | undefined)?.query?.includes(text)
  ).length;
}

function rowsOf(session: Session, position: number): number | undefined {
  const result = session.step(position).record.result;
  return result?.kind === "frame" ? result.rows : undefined;
}

Deno.test("live cache: a partial result is kept with its step but never served to a re-run", async () => {
  const home = await tempFolder();
  await withTwin(async (service, provider) => {
    const session = await openSession("partial", { home, provider });
    try {
      const query = "SecurityAlert | project TimeGenerated, AlertName";
      service.inject({ kind: "partial" });
      const first = await session.query("alerts", query);
      assert.equal(first.height, HALF);
      const record = session.step(1).record;
      assert.deepEqual(record.warnings?.map((w) => w.kind), ["partial"]);
      assert.equal(record.cache, "miss");
      assert.match(session.notices.join("\n"), /result is partial, so it is not cached/);

      // The re-run asks the service again and gets the whole result...
      const [again] = await session.rerun(1);
      assert.equal(again.record.cache, "miss");
      assert.equal(rowsOf(session, 1), ALERTS);
      assert.equal(again.record.warnings, undefined);
      assert.equal(sent(service, query), 2);

      // ...which is complete, so the next re-run is served from the cache, with its age.
      const [hit] = await session.rerun(1);
      assert.equal(hit.record.cache, "hit");
      assert.equal(rowsOf(session, 1), ALERTS);
      assert.equal(sent(service, query), 2);
      const fetched = Date.parse(hit.record.cachedAt!);
      assert.ok(fetched >= Date.parse(again.record.startedAt!), "fetched by the second run");
      assert.ok(fetched <= Date.parse(hit.record.startedAt!));

      // A refresh asks again.
      const [fresh] = await session.rerun(1, {}, { refresh: true });
      assert.equal(fresh.record.cache, "miss");
      assert.equal(sent(service, query), 3);

      // A result cut at the row limit (one that cannot be split) is not cached either.
      const cut = "SigninLogs | take 500";
      await session.query("cut", cut);
      assert.equal(rowsOf(session, 2), 400);
      assert.ok(session.step(2).record.warnings?.some((w) => w.kind === "truncated"));
      const [cutAgain] = await session.rerun(2);
      assert.equal(cutAgain.record.cache, "miss");
      assert.equal(sent(service, cut), 2);
    } finally {
      await session.close();
    }
  }, { maxRows: 400 });
});

Deno.test("live cache: the same workspace id at another service is not a hit", async () => {
  const home = await tempFolder();
  // Another service with other data under the same workspace id: 5 alerts, not 13.
  const alerts = pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet")).head(5);
  const other = await tempFolder({ "SecurityAlert.parquet": alerts.writeParquet() });
  const count = (frame: { getColumn(name: string): { get(i: number): unknown } }) =>
    Number(frame.getColumn("Count").get(0));
  await withTwin(async (first, demo) => {
    await withTwin(async (second, five) => {
      assert.equal(demo.id, five.id, "the same provider id: only the endpoint differs");
      const session = await openSession("two-services", { home, provider: demo });
      try {
        assert.equal(count(await session.query("n", "SecurityAlert | count")), ALERTS);
        session.connect(five);
        assert.equal(count(await session.query("n", "SecurityAlert | count")), 5);
        assert.equal(session.step(2).record.cache, "miss");
        assert.equal(sent(second, "SecurityAlert | count"), 1);
        // Each service's result is its own entry: back on the first, a hit of its 13.
        session.connect(demo);
        assert.equal(count(await session.query("n", "SecurityAlert | count")), ALERTS);
        assert.equal(session.step(3).record.cache, "hit");
        assert.equal(sent(first, "SecurityAlert | count"), 1);
      } finally {
        await session.close();
      }
    }, { workspaces: { [DEMO_WORKSPACE_ID]: other } });
  });
});

Deno.test("live cache: one hour to live by default, CASEFILE_CACHE_TTL sets another", async () => {
  const env = (value?: string) => (name: string) =>
    name === "CASEFILE_CACHE_TTL" ? value : undefined;
  const dir = await tempFolder();
  const plain = await ResultCache.open(dir, { env: env() });
  assert.equal(plain.ttl("sentinel"), 3_600_000);
  assert.equal(plain.ttl("local"), null);
  assert.equal((await ResultCache.open(dir, { env: env("30m") })).ttl("sentinel"), 1_800_000);
  assert.equal((await ResultCache.open(dir, { env: env("1d") })).ttl("sentinel"), 86_400_000);
  assert.equal((await ResultCache.open(dir, { env: env("90") })).ttl("sentinel"), 90_000);
  assert.equal((await ResultCache.open(dir, { env: env("0") })).ttl("sentinel"), 0);
  await assert.rejects(ResultCache.open(dir, { env: env("soon") }), (error: Error) => {
    assert.ok(error instanceof SessionError);
    assert.match(error.message, /CASEFILE_CACHE_TTL is 'soon', which is not a timespan/);
    return true;
  });

  // An entry stored under a longer time to live expires under a shorter one set later.
  const frame = pl.DataFrame({ Count: [13] });
  const key = ResultCache.key({ provider: "sentinel:x", origin: "https://a/v1", query: "T" });
  await plain.store(
    {
      key,
      rows: 1,
      columns: [{ name: "Count", type: "long" }],
      provider: "sentinel:x",
      query: "T",
      warnings: [],
    },
    "sentinel",
    frame,
  );
  assert.equal((await plain.lookup(key)).status, "hit");
  assert.equal((await plain.lookup(key, undefined, 0)).status, "expired");
  assert.equal((await plain.lookup(key)).status, "miss", "an expired entry is dropped");
  // The key holds the endpoint.
  assert.notEqual(
    key,
    ResultCache.key({ provider: "sentinel:x", origin: "https://b/v1", query: "T" }),
  );
});
