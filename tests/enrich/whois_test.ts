/**
 * RDAP against the loopback registries: bootstrap from the service, referral between
 * registries, normalisation, 404s, special ranges, an unreachable registry, caching, and
 * the shipped IANA snapshot's routing.
 */
import assert from "node:assert/strict";
import { startEnrichServices } from "../twins/enrich_services/mod.ts";
import { BOOTSTRAP_SNAPSHOT, rdapLookup, rdapLookupFrame } from "../../src/enrich/whois.ts";
import { registryForDomain, registryForIp } from "../../src/enrich/_rdap.ts";
import { MemoryCache } from "../../src/enrich/cache.ts";
import { pl } from "../../src/polars.ts";
import { assertOrdered, permutation, sha } from "../_order.ts";

Deno.test("the shipped bootstrap snapshot routes to the right registry", () => {
  const b = BOOTSTRAP_SNAPSHOT;
  assert.equal(registryForIp("8.8.8.8", b), "https://rdap.arin.net/registry/");
  assert.equal(registryForIp("81.2.69.142", b), "https://rdap.db.ripe.net/");
  assert.equal(registryForIp("1.1.1.1", b), "https://rdap.apnic.net/");
  assert.equal(registryForIp("200.1.1.1", b), "https://rdap.lacnic.net/rdap/");
  assert.equal(registryForIp("41.1.1.1", b), "https://rdap.afrinic.net/rdap/");
  assert.equal(registryForIp("2a00:1450::1", b), "https://rdap.db.ripe.net/");
  assert.equal(registryForIp("2001:4860:4860::8888", b), "https://rdap.arin.net/registry/");
  assert.equal(registryForIp("3fff::1", b), undefined);
  assert.equal(registryForIp("2600:1f18::1", b), "https://rdap.arin.net/registry/");
  assert.equal(registryForDomain("mail.google.com", b), "https://rdap.verisign.com/com/v1/");
  assert.equal(registryForDomain("example.zz", b), undefined);
});

Deno.test("rdapLookup() follows the bootstrap to the registry and normalises the answer", async () => {
  const s = await startEnrichServices();
  try {
    const options = { bootstrapUrl: `${s.urls.rdap}/bootstrap/`, cache: new MemoryCache() };
    const [google, aaisp, moved, v6, domain, missing, lan, junk, dark, unknown] = await rdapLookup([
      "8.8.8.8",
      "81.2.69.142",
      "45.136.1.9",
      "2001:4860:4860::8888",
      "GOOGLE.com",
      "8.8.9.9",
      "192.168.1.1",
      "not a thing!",
      "9.9.9.9",
      "nothing.zz",
    ], options);
    assert.equal(google.status, "ok");
    assert.equal(google.name, "GOGL");
    assert.equal(google.handle, "NET-8-8-8-0-2");
    assert.equal(google.country, "US");
    assert.equal(google.registrant, "Google LLC");
    assert.equal(google.abuseEmail, "network-abuse@google.com");
    assert.equal(google.created, "2014-03-14T16:52:05-04:00");
    assert.equal(google.cidr, "8.8.8.0/24");
    assert.equal(google.startAddress, "8.8.8.0");
    assert.equal(google.endAddress, "8.8.8.255");
    assert.equal(aaisp.registrant, "Andrews & Arnold Ltd");
    assert.equal(aaisp.abuseEmail, "abuse@aa.net.uk");
    assert.equal(aaisp.updated, "2021-02-03T10:05:12Z");
    // ARIN refers 45.136.0.0/22 to RIPE: the redirect is followed.
    assert.equal(moved.status, "ok");
    assert.equal(moved.country, "DE");
    assert.match(moved.link!, /\/ripe\/ip\//);
    assert.equal(v6.cidr, "2001:4860::/32");
    assert.equal(domain.query, "google.com");
    assert.equal(domain.name, "google.com");
    assert.equal(domain.registrar, "MarkMonitor Inc.");
    assert.equal(domain.abuseEmail, "abusecomplaints@markmonitor.com");
    assert.equal(domain.expires, "2028-09-14T04:00:00Z");
    assert.deepEqual(domain.nameservers, [
      "ns1.google.com",
      "ns2.google.com",
      "ns3.google.com",
      "ns4.google.com",
    ]);
    assert.equal(missing.status, "not-found");
    assert.equal(lan.status, "special-range");
    assert.equal(lan.message, "private (192.168.0.0/16)");
    assert.equal(junk.status, "invalid");
    assert.equal(dark.status, "error");
    assert.match(dark.message!, /^Cannot reach http:\/\/127\.0\.0\.1:\d+\/unreachable\//);
    assert.equal(unknown.status, "no-registry");

    // Cached: a second lookup asks nothing.
    const before = s.requests.length;
    const again = await rdapLookup(["8.8.8.8", "google.com"], { ...options, bootstrap: undefined });
    assert.equal(again[0].name, "GOGL");
    assert.ok(s.requests.length - before <= 3, "only the bootstrap files were fetched again");

    const frame = await rdapLookupFrame(
      pl.DataFrame({ ip: ["8.8.8.8", "8.8.8.8", null, "10.0.0.1"] }),
      { ...options, column: "ip" },
    );
    // Ordered by query: "10.0.0.1" < "8.8.8.8".
    assert.deepEqual(frame.getColumn("query").toArray(), ["10.0.0.1", "8.8.8.8"]);
    assert.deepEqual(frame.getColumn("status").toArray(), ["special-range", "ok"]);
    assert.deepEqual(frame.getColumn("abuse_email").toArray(), [null, "network-abuse@google.com"]);
  } finally {
    await s.close();
  }
});

Deno.test("a value the snapshot cannot route fetches the current bootstrap once", async () => {
  const s = await startEnrichServices();
  try {
    const live = `${s.urls.rdap}/bootstrap/`;
    const fetched = () => s.requests.filter((r) => r.path.includes("/bootstrap/")).length;
    // The snapshot routes 10.x (special) and needs nothing; .org is not in it.
    const options = { liveBootstrapUrl: live, cache: new MemoryCache() };
    const [org] = await rdapLookup(["wikipedia.org"], options);
    assert.equal(org.status, "not-found");
    assert.equal(org.registry, `${s.urls.rdap}/pir/`);
    assert.equal(fetched(), 3);
    await rdapLookup(["example.org", "10.0.0.1"], options);
    assert.equal(fetched(), 3, "fetched once per process");
    const [offline] = await rdapLookup(["wikipedia.org"], { liveBootstrapUrl: false });
    assert.equal(offline.status, "no-registry");
    const [down] = await rdapLookup(["nothing.zz"], {
      liveBootstrapUrl: `${s.urls.rdap}/missing/`,
      cache: new MemoryCache(),
    });
    assert.equal(down.status, "no-registry");
    assert.match(down.message!, /current ones could not be fetched.*HTTP 404/);
  } finally {
    await s.close();
  }
});

Deno.test("a registry that times out gets a per-row timeout", async () => {
  const s = await startEnrichServices();
  try {
    const bootstrap = {
      ipv4: {
        services: [[["8.0.0.0/8"], [`${s.urls.rdap}/arin/`]], [["81.0.0.0/8"], [
          `${s.urls.rdap}/ripe/`,
        ]]],
      },
    } as const;
    s.fault("rdap", { kind: "hang" });
    const records = await rdapLookup(["8.8.8.8", "81.2.69.142"], {
      bootstrap: bootstrap as never,
      timeoutMs: 300,
      concurrency: 1,
      cache: new MemoryCache(),
    });
    assert.deepEqual(records.map((r) => r.status), ["timeout", "ok"]);
  } finally {
    await s.close();
  }
});

Deno.test("rdapLookupFrame() orders rows by query, whatever the input order", async () => {
  // Special ranges and non-values: answered without a registry, so no network.
  const values = [
    "192.168.1.1",
    "10.0.0.1",
    "FD00::1",
    "not an address",
    "127.0.0.1",
    "fd00::1",
    null,
    "10.0.0.1",
    "169.254.169.254",
    "2001:db8::1",
    "::1",
    // Sort elsewhere as written than as queried.
    " 10.0.0.9",
    "FE80::1",
  ];
  const frame = pl.DataFrame({ ip: values });
  const options = { liveBootstrapUrl: false as const, cache: new MemoryCache() };
  const found = await rdapLookupFrame(frame, { ...options, column: "ip" });
  assert.equal(found.height, 11);
  assertOrdered(found, ["query"]);
  assert.deepEqual(found.getColumn("query").toArray().slice(0, 5), [
    "10.0.0.1",
    "10.0.0.9",
    "127.0.0.1",
    "169.254.169.254",
    "192.168.1.1",
  ]);
  const hash = sha(found);
  assert.equal(sha(await rdapLookupFrame(frame, { ...options, column: "ip" })), hash, "again");
  for (const seed of [1, 2, 3]) {
    const moved = frame.select(pl.all().gather(permutation(frame.height, seed)));
    assert.equal(
      sha(await rdapLookupFrame(moved, { ...options, column: "ip" })),
      hash,
      `seed ${seed}`,
    );
  }
});
