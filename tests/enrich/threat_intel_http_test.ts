/**
 * The online providers against the loopback services (tests/twins/enrich_services): real
 * response shapes, API keys, 404s, 429 with Retry-After, 5xx, timeouts, a provider going
 * down mid-batch, bounded concurrency and caching. Nothing here leaves 127.0.0.1.
 */
import assert from "node:assert/strict";
import { type EnrichServices, startEnrichServices } from "../twins/enrich_services/mod.ts";
import {
  abuseIpDb,
  greyNoise,
  type HttpProviderOptions,
  lookupIndicators,
  otx,
  type TiProvider,
  virusTotal,
} from "../../src/enrich/threat_intel.ts";
import { FolderCache, MemoryCache } from "../../src/enrich/cache.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { tempFolder } from "../_helpers.ts";

async function withServices(fn: (s: EnrichServices) => Promise<void>): Promise<void> {
  const services = await startEnrichServices();
  try {
    await fn(services);
  } finally {
    await services.close();
  }
}

function providers(s: EnrichServices, extra: HttpProviderOptions = {}): TiProvider[] {
  const o = { apiKey: s.apiKey, ...extra };
  return [
    virusTotal({ ...o, baseUrl: s.urls.virustotal }),
    abuseIpDb({ ...o, baseUrl: s.urls.abuseipdb }),
    otx({ ...o, baseUrl: s.urls.otx }),
    greyNoise({ ...o, baseUrl: s.urls.greynoise }),
  ];
}

Deno.test("online providers read the real response shapes into normalised rows", async () => {
  await withServices(async (s) => {
    const results = await lookupIndicators(
      [
        ANSWER_KEY.attacker.ip,
        "8.8.8.8",
        "192.0.2.200",
        ANSWER_KEY.c2.domain,
        ANSWER_KEY.encodedPowerShell.url,
      ],
      { providers: providers(s), cache: new MemoryCache() },
    );
    const get = (indicator: string, provider: string) =>
      results.find((r) => r.indicator === indicator && r.provider === provider)!;
    const attacker = ANSWER_KEY.attacker.ip;
    assert.deepEqual(
      ["VirusTotal", "AbuseIPDB", "OTX", "GreyNoise"].map((p) =>
        `${get(attacker, p).status}:${get(attacker, p).verdict}`
      ),
      ["ok:malicious", "ok:malicious", "ok:malicious", "ok:malicious"],
    );
    assert.equal(get(attacker, "AbuseIPDB").severity, 100);
    assert.equal(get(attacker, "AbuseIPDB").details!.totalReports, 1423);
    assert.equal(get(attacker, "VirusTotal").details!.as_owner, "Example Hosting Ltda");
    assert.equal(
      get(attacker, "VirusTotal").reference,
      `https://www.virustotal.com/gui/ip-address/${attacker}`,
    );
    assert.deepEqual(get(attacker, "OTX").details!.malware_families, ["EdgeSync"]);
    assert.equal(get(attacker, "OTX").details!.pulse_count, 3);
    // A benign resolver: whitelisted, RIOT, harmless.
    assert.equal(get("8.8.8.8", "AbuseIPDB").verdict, "harmless");
    assert.equal(get("8.8.8.8", "GreyNoise").verdict, "harmless");
    assert.equal(get("8.8.8.8", "VirusTotal").verdict, "harmless");
    // Unknown to everyone: VT 404, GreyNoise 404, AbuseIPDB and OTX answer with nothing.
    assert.equal(get("192.0.2.200", "VirusTotal").status, "not-found");
    assert.equal(get("192.0.2.200", "GreyNoise").status, "not-found");
    assert.equal(get("192.0.2.200", "AbuseIPDB").verdict, "unknown");
    assert.equal(get("192.0.2.200", "OTX").verdict, "unknown");
    // Domains and URLs go to the providers that take them (not AbuseIPDB / GreyNoise).
    const domainRows = results.filter((r) => r.indicator === ANSWER_KEY.c2.domain);
    assert.deepEqual(domainRows.map((r) => `${r.provider}:${r.verdict}`), [
      "VirusTotal:malicious",
      "OTX:suspicious",
    ]);
    const urlRow = results.find((r) => r.type === "url" && r.provider === "VirusTotal")!;
    assert.equal(urlRow.status, "not-found");
    assert.ok(
      s.requests.some((r) => r.path.startsWith("/api/v3/urls/aHR0cHM6")),
      "URL id is base64url",
    );
    // Every request carried a key; the key never appears in results.
    assert.ok(s.requests.every((r) => r.hadKey));
    assert.ok(!JSON.stringify(results).includes(s.apiKey));
  });
});

Deno.test("a wrong key, a 429 with Retry-After and a 5xx each mark their own row", async () => {
  await withServices(async (s) => {
    const wrong = await lookupIndicators(["8.8.8.8"], {
      providers: [virusTotal({ apiKey: "wrong-secret-key", baseUrl: s.urls.virustotal })],
      cache: new MemoryCache(),
    });
    assert.equal(wrong[0].status, "error");
    assert.equal(wrong[0].message, "VirusTotal rejected the API key (HTTP 401)");
    assert.ok(!JSON.stringify(wrong).includes("wrong-secret-key"));

    // A 429 with Retry-After: 1 is waited out and retried.
    s.fault("abuseipdb", { kind: "429", retryAfterSeconds: 1 });
    const before = s.requests.length;
    const retried = await lookupIndicators(["203.0.113.45"], {
      providers: [abuseIpDb({ apiKey: s.apiKey, baseUrl: s.urls.abuseipdb })],
      cache: new MemoryCache(),
    });
    assert.equal(retried[0].status, "ok");
    assert.equal(s.requests.length - before, 2);

    // A Retry-After longer than allowed gives the row up as rate-limited, at once.
    s.fault("greynoise", { kind: "429", retryAfterSeconds: 3600 });
    const limited = await lookupIndicators(["203.0.113.45"], {
      providers: [greyNoise({ apiKey: s.apiKey, baseUrl: s.urls.greynoise })],
      cache: new MemoryCache(),
    });
    assert.equal(limited[0].status, "rate-limited");
    assert.match(limited[0].message!, /HTTP 429, retry after 3600 s/);

    s.fault("otx", { kind: "500" });
    const failed = await lookupIndicators(["203.0.113.45", "8.8.8.8"], {
      providers: [otx({ apiKey: s.apiKey, baseUrl: s.urls.otx, concurrency: 1 })],
      cache: new MemoryCache(),
    });
    assert.deepEqual(failed.map((r) => r.status), ["error", "ok"]);
    assert.equal(failed[0].message, "OTX failed with HTTP 500");
  });
});

Deno.test("a hanging provider times out per row", async () => {
  await withServices(async (s) => {
    s.fault("virustotal", { kind: "hang" });
    const results = await lookupIndicators(["203.0.113.45", "8.8.8.8"], {
      providers: [
        virusTotal({
          apiKey: s.apiKey,
          baseUrl: s.urls.virustotal,
          timeoutMs: 300,
          concurrency: 1,
        }),
      ],
      cache: new MemoryCache(),
    });
    assert.deepEqual(results.map((r) => r.status), ["timeout", "ok"]);
    assert.equal(results[0].message, "VirusTotal did not answer within 300 ms");
  });
});

Deno.test("a provider going down mid-batch: its rows say so, the rest of the batch is answered", async () => {
  await withServices(async (s) => {
    s.downAfter("abuseipdb", 2);
    const ips = Array.from({ length: 8 }, (_, i) => `198.51.100.${10 + i}`);
    const results = await lookupIndicators(ips, {
      providers: providers(s, { concurrency: 1, timeoutMs: 2000 }),
      cache: new MemoryCache(),
    });
    const abuse = results.filter((r) => r.provider === "AbuseIPDB");
    assert.equal(abuse.length, 8);
    assert.equal(abuse.filter((r) => r.status === "ok").length, 2);
    const failed = abuse.filter((r) => r.status !== "ok");
    assert.ok(failed.every((r) => r.status === "error"));
    // After three failures in a row the provider is no longer called for this batch.
    assert.ok(failed.some((r) => /AbuseIPDB is down \(3 failures in a row/.test(r.message!)));
    assert.ok(s.requests.filter((r) => r.service === "abuseipdb").length <= 5);
    // The other providers answered every row.
    for (const p of ["VirusTotal", "OTX", "GreyNoise"]) {
      const rows = results.filter((r) => r.provider === p);
      assert.equal(rows.length, 8, p);
      assert.ok(rows.every((r) => r.status === "ok" || r.status === "not-found"), p);
    }
  });
});

Deno.test("answers are cached (memory and folder); concurrency is bounded", async () => {
  await withServices(async (s) => {
    const folder = new FolderCache(await tempFolder());
    const ips = Array.from({ length: 12 }, (_, i) => `198.51.100.${50 + i}`);
    const p = [virusTotal({ apiKey: s.apiKey, baseUrl: s.urls.virustotal, concurrency: 3 })];
    await lookupIndicators(ips, { providers: p, cache: folder });
    const first = s.requests.length;
    assert.equal(first, 12);
    const again = await lookupIndicators(ips, { providers: p, cache: folder });
    assert.equal(s.requests.length, first, "second batch served from the cache");
    assert.ok(again.every((r) => r.status === "not-found"));
    for (const entry of Deno.readDirSync(folder.folder)) {
      const text = Deno.readTextFileSync(`${folder.folder}/${entry.name}`);
      assert.ok(!text.includes(s.apiKey), "no key in the cache");
    }
  });
});
