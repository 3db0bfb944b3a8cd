import assert from "node:assert/strict";
import { join } from "node:path";
import { openSession } from "../../src/session/session.ts";
import { lookupIndicators, virusTotal } from "../../src/enrich/threat_intel.ts";
import { startEnrichServices } from "../twins/enrich_services/mod.ts";
import { tempFolder } from "../_helpers.ts";

Deno.test("enrichment answers are cached beside the results, shared by sessions, without the key", async () => {
  const services = await startEnrichServices();
  try {
    const home = await tempFolder();
    const provider = virusTotal({ apiKey: services.apiKey, baseUrl: services.urls.virustotal });
    const indicators = ["8.8.8.8", "evil.example"];
    const first = await openSession("one", { home });
    const answers = await lookupIndicators(indicators, {
      providers: [provider],
      cache: first.enrichmentCache,
    });
    await first.close();
    const asked = services.requests.length;
    assert.ok(asked >= 2, "the service was asked");
    const second = await openSession("two", { home });
    const again = await lookupIndicators(indicators, {
      providers: [provider],
      cache: second.enrichmentCache,
    });
    await second.close();
    assert.equal(
      services.requests.length,
      asked,
      "the second session's answers came from the cache",
    );
    assert.deepEqual(
      again.map((r) => [r.indicator, r.status, r.verdict]),
      answers.map((r) => [r.indicator, r.status, r.verdict]),
    );
    const folder = join(home, "cache", "enrichment");
    for await (const entry of Deno.readDir(folder)) {
      const path = join(folder, entry.name);
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      const text = await Deno.readTextFile(path);
      assert.ok(!text.includes(services.apiKey), "no API key in the cache");
    }
  } finally {
    await services.close();
  }
});
