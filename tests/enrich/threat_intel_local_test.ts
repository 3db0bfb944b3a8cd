/**
 * Threat intel from local feeds: the demo case's STIX bundle against the answer key, MISP
 * JSON and CSV feeds, per-row statuses for bad input and missing keys, and the caches.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_CASE_DIR, openLocalProvider } from "../../src/providers/local/local_provider.ts";
import {
  feedFromJson,
  loadFeed,
  lookupIndicators,
  lookupIndicatorsFrame,
  onlineProviders,
  tiResultsFrame,
} from "../../src/enrich/threat_intel.ts";
import { FolderCache, hashKey, MemoryCache } from "../../src/enrich/cache.ts";
import { EnrichmentError } from "../../src/enrich/errors.ts";
import { pl } from "../../src/polars.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { tempFile, tempFolder } from "../_helpers.ts";
import { assertOrdered, permutation, sha } from "../_order.ts";
import type { TiProvider } from "../../src/enrich/threat_intel.ts";

const FEED = join(DEMO_CASE_DIR, "external", "threat_intel_feed.json");

Deno.test("the demo case's STIX feed knows the planted infrastructure", async () => {
  const feed = await loadFeed(FEED);
  assert.equal(feed.feed.format, "stix");
  assert.equal(feed.feed.skipped.length, 0);
  const results = await lookupIndicators([
    ANSWER_KEY.c2.ip,
    ANSWER_KEY.c2.domain,
    ANSWER_KEY.implant.sha256,
    ANSWER_KEY.inboxRule.forwardTo,
    "hxxps://cdn.edgeupdate-sync[.]example",
    ANSWER_KEY.attacker.ip,
    "8.8.8.8",
  ], { providers: [feed] });
  const by = new Map(results.map((r) => [r.indicator, r]));
  for (const hit of [ANSWER_KEY.c2.ip, ANSWER_KEY.c2.domain, ANSWER_KEY.implant.sha256]) {
    const r = by.get(hit)!;
    assert.equal(r.status, "ok", hit);
    assert.equal(r.verdict, "malicious", hit);
    assert.equal(r.severity, 85);
    if (hit !== ANSWER_KEY.c2.ip) {
      // The bundle relates the domain and the hash (not the address) to the malware.
      assert.deepEqual(r.details!.related, ["malware: EdgeSync loader"], hit);
    }
    assert.match(r.reference!, /^indicator--/);
  }
  assert.equal(by.get(ANSWER_KEY.inboxRule.forwardTo)!.type, "email");
  assert.equal(by.get(ANSWER_KEY.inboxRule.forwardTo)!.status, "ok");
  // The spray address is not in the feed (only .61 is); 8.8.8.8 is not either.
  assert.equal(by.get(ANSWER_KEY.attacker.ip)!.status, "not-found");
  assert.equal(by.get("8.8.8.8")!.status, "not-found");
  // A defanged URL is refanged and typed.
  assert.equal(results[4].indicator, "https://cdn.edgeupdate-sync.example");
  assert.equal(results[4].type, "url");
});

Deno.test("lookupIndicatorsFrame() over the demo case's network events finds the C2", async () => {
  const provider = await openLocalProvider();
  const network = (await provider.table("DeviceNetworkEvents")).frame;
  const feed = await loadFeed(FEED);
  const results = await lookupIndicatorsFrame(network, { column: "RemoteIP", providers: [feed] });
  const hits = results.filter(pl.col("status").eq(pl.lit("ok")));
  const ips = hits.getColumn("indicator").toArray();
  assert.ok(ips.includes(ANSWER_KEY.c2.ip));
  assert.ok(hits.getColumn("verdict").toArray().every((v) => v === "malicious"));
  assert.deepEqual(results.columns, [
    "indicator",
    "type",
    "provider",
    "status",
    "verdict",
    "severity",
    "details",
    "reference",
    "message",
  ]);
});

Deno.test("MISP JSON and CSV feeds are read, with CIDR entries and skips", async () => {
  const misp = feedFromJson({
    response: [{
      Event: {
        id: "42",
        uuid: "5f1c-event",
        info: "Phishing wave",
        threat_level_id: "1",
        Tag: [{ name: "tlp:amber" }],
        Attribute: [
          {
            type: "ip-dst|port",
            value: "192.0.2.77|443",
            category: "Network activity",
            to_ids: true,
          },
          { type: "domain", value: "Evil.Example", to_ids: true },
          { type: "filename|sha256", value: `drop.exe|${"a".repeat(64)}`, to_ids: false },
          { type: "mutex", value: "Global\\x", to_ids: true },
        ],
        Object: [{
          Attribute: [{ type: "url", value: "https://evil.example/login", to_ids: true }],
        }],
      },
    }],
  }, "misp");
  assert.equal(misp.feed.format, "misp");
  assert.equal(misp.feed.entries.length, 4);
  assert.equal(misp.feed.skipped.length, 1);
  const r = await lookupIndicators(
    ["192.0.2.77", "evil.example", "A".repeat(64), "https://evil.example/login"],
    { providers: [misp] },
  );
  assert.deepEqual(r.map((x) => `${x.status}:${x.verdict}:${x.severity}`), [
    "ok:malicious:90",
    "ok:malicious:90",
    "ok:suspicious:90",
    "ok:malicious:90",
  ]);
  assert.equal(r[0].reference, "misp:event/5f1c-event");
  assert.deepEqual(r[0].details!.tags, ["tlp:amber"]);

  const csv = await tempFile(
    "feed.csv",
    "indicator,type,verdict,confidence,description\n" +
      "198.51.100.0/24,ip,malicious,70,bad net\n" +
      "good.example,domain,benign,0,ok\n" +
      "not an indicator,,,,\n",
  );
  const feed = await loadFeed(csv);
  assert.equal(feed.feed.entries.length, 2);
  assert.equal(feed.feed.skipped.length, 1);
  const c = await lookupIndicators(["198.51.100.199", "good.example", "198.51.101.1"], {
    providers: [feed],
  });
  assert.deepEqual(c.map((x) => `${x.status}:${x.verdict}`), [
    "ok:malicious",
    "ok:harmless",
    "not-found:unknown",
  ]);
  await assert.rejects(
    async () => loadFeed(await tempFile("x.csv", "a,b\n1,2\n")),
    EnrichmentError,
  );
  await assert.rejects(async () => loadFeed(await tempFile("x.json", "{nope")), /not valid JSON/);
  await assert.rejects(() => loadFeed("/no/such/feed.json"), /Cannot read the feed/);
  assert.throws(() => feedFromJson({ hello: 1 }, "x"), EnrichmentError);
});

Deno.test("lookupIndicators() gives every bad row its own status", async () => {
  const feed = await loadFeed(FEED);
  const results = await lookupIndicators(
    ["", "not an indicator!", "999.1.1.1", ANSWER_KEY.c2.ip, { value: "abc", type: "md5" }],
    { providers: [feed, ...onlineProviders()] },
  );
  const frame = tiResultsFrame(results);
  assert.deepEqual(results.slice(0, 3).map((r) => r.status), ["invalid", "invalid", "invalid"]);
  const c2 = results.filter((r) => r.indicator === ANSWER_KEY.c2.ip);
  assert.deepEqual(c2.map((r) => `${r.provider}:${r.status}`), [
    "threat_intel_feed.json:ok",
    "VirusTotal:no-key",
    "AbuseIPDB:no-key",
    "OTX:no-key",
    "GreyNoise:no-key",
  ]);
  // One clear line naming the variable to set, never a key.
  assert.equal(
    c2[1].message,
    "VirusTotal needs an API key: set VIRUSTOTAL_API_KEY (or pass apiKey)",
  );
  assert.equal(c2[2].message, "AbuseIPDB needs an API key: set ABUSEIPDB_API_KEY (or pass apiKey)");
  assert.equal(results.at(-1)!.status, "invalid");
  assert.equal(frame.height, results.length);
  await assert.rejects(() => lookupIndicators(["1.2.3.4"], { providers: [] }), EnrichmentError);
});

Deno.test("MemoryCache and FolderCache store hashed keys with lifetimes", async () => {
  for (const cache of [new MemoryCache(2), new FolderCache(await tempFolder())]) {
    await cache.set("ti:x:ipv4:1.2.3.4", { verdict: "malicious" }, 60_000);
    assert.deepEqual(await cache.get("ti:x:ipv4:1.2.3.4"), { verdict: "malicious" });
    await cache.set("gone", 1, -1);
    assert.equal(await cache.get("gone"), undefined);
    assert.equal(await cache.get("never"), undefined);
  }
  const dir = await tempFolder();
  const folder = new FolderCache(join(dir, "cache"));
  await folder.set("ti:VirusTotal:ipv4:203.0.113.61", { ok: true }, 60_000);
  const files = [...Deno.readDirSync(join(dir, "cache"))].map((f) => f.name);
  assert.deepEqual(files, [`${hashKey("ti:VirusTotal:ipv4:203.0.113.61")}.json`]);
  const mode = Deno.statSync(join(dir, "cache", files[0])).mode! & 0o777;
  assert.equal(mode, 0o600);
  const text = Deno.readTextFileSync(join(dir, "cache", files[0]));
  assert.ok(!text.includes("203.0.113.61"), "the key is not stored in clear");
  const memory = new MemoryCache(2);
  await memory.set("a", 1, 60_000);
  await memory.set("b", 2, 60_000);
  await memory.set("c", 3, 60_000);
  assert.equal(memory.size, 2);
  assert.equal(await memory.get("a"), undefined);
});

Deno.test("lookupIndicatorsFrame() orders rows by indicator, then provider, whatever answers first", async () => {
  const feed = await loadFeed(FEED);
  // A provider whose answers come back in a scrambled order (delays by value), and whose
  // answer to the same indicator changes from call to call, as a live service's can.
  const slow = (): TiProvider => {
    const calls = new Map<string, number>();
    return {
      name: "slow",
      types: ["ipv4", "domain"],
      cacheTtlMs: 0,
      concurrency: 16,
      unavailable: () => undefined,
      lookup: (indicator) => {
        const call = (calls.get(indicator) ?? 0) + 1;
        calls.set(indicator, call);
        return new Promise((resolve) =>
          setTimeout(
            () =>
              resolve({
                status: "ok",
                verdict: "unknown",
                severity: null,
                details: { call },
                reference: null,
              }),
            [...indicator].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 23, 7),
          )
        );
      },
    };
  };
  const lookup = (frame: ReturnType<typeof pl.DataFrame>) =>
    lookupIndicatorsFrame(frame, { column: "ioc", providers: [slow(), feed] });
  const providers = [slow(), feed];
  const values = [
    "cdn.edgeupdate-sync.example",
    ANSWER_KEY.c2.ip,
    "8.8.8.8",
    "CDN.EdgeUpdate-Sync.example",
    "hxxps://cdn.edgeupdate-sync[.]example/a",
    ANSWER_KEY.implant.sha256,
    "not an indicator!",
    "10.0.0.1",
    null,
    "8.8.8.8",
    "1.1.1.1",
    // Sorts first as written, last as an indicator.
    "ZZZ.example",
  ];
  const frame = pl.DataFrame({ ioc: values }).withRowIndex("row");
  const found = await lookup(frame);
  assertOrdered(found, ["indicator"]);
  // Each value gets one row per provider that takes its type, in the order given.
  const names = providers.map((p) => p.name);
  const rows = found.toRecords();
  let run = 0;
  rows.forEach((r, i) => {
    const same = i > 0 && rows[i - 1].indicator === r.indicator;
    run = same ? run + 1 : 0;
    if (r.provider === "") return;
    const able = providers.filter((p) => p.types.includes(r.type as never)).map((p) => p.name);
    assert.equal(r.provider, able[run % able.length], `row ${i}`);
    assert.ok(names.includes(r.provider as string));
  });
  assert.equal(rows.at(-1)!.indicator, "zzz.example");
  // Two spellings of the domain: a run each, slow then the feed; slow's first answer first.
  const domain = found.filter(pl.col("indicator").eq(pl.lit("cdn.edgeupdate-sync.example")));
  assert.deepEqual(domain.select("provider", "details").toRecords(), [
    { provider: "slow", details: '{"call":1}' },
    { provider: "threat_intel_feed.json", details: domain.getColumn("details").get(1) },
    { provider: "slow", details: '{"call":2}' },
    { provider: "threat_intel_feed.json", details: domain.getColumn("details").get(1) },
  ]);
  const hash = sha(found);
  assert.equal(sha(await lookup(frame)), hash, "again");
  for (const seed of [1, 2, 3, 4]) {
    const moved = frame.select(pl.all().gather(permutation(frame.height, seed)));
    assert.equal(sha(await lookup(moved)), hash, `seed ${seed}`);
  }
  // tiResultsFrame keeps the results' order.
  const results = await lookupIndicators(["8.8.8.8", "1.1.1.1", "8.8.4.4"], { providers: [feed] });
  assert.deepEqual(
    tiResultsFrame(results).getColumn("indicator").toArray(),
    ["8.8.8.8", "1.1.1.1", "8.8.4.4"],
  );
});
