/**
 * Threat-intelligence write-back through the API: STIX patterns of each indicator type (by
 * hand, from the STIX 2.1 patterning grammar), the createIndicator request as ARM gets it
 * (api-version, body), the session's `ips` as the default, dedupe across pages of
 * queryIndicators, and bad options as clear errors.
 */
import assert from "node:assert/strict";
import { IncidentError, openIncidents, seedSession } from "../../src/providers/sentinel/mod.ts";
import { stixOf } from "../../src/providers/sentinel/_incident_ti.ts";
import { openSession } from "../../src/session/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { DEMO_INCIDENT_ID, startArmService } from "../twins/arm/mod.ts";
import { tempFolder } from "../_helpers.ts";

Deno.test("stixOf maps each indicator type to its STIX pattern, escaping quotes", () => {
  const pattern = (type: string, value: string) => {
    const made = stixOf({ type, value });
    return "pattern" in made ? `${made.patternType} ${made.pattern}` : `skip ${made.reason}`;
  };
  assert.equal(pattern("ipv4", "203.0.113.45"), "ipv4-addr [ipv4-addr:value = '203.0.113.45']");
  assert.equal(pattern("ip", "203.0.113.45"), "ipv4-addr [ipv4-addr:value = '203.0.113.45']");
  assert.equal(pattern("ip", "2001:db8::1"), "ipv6-addr [ipv6-addr:value = '2001:db8::1']");
  assert.equal(
    pattern("domain", "dx.datapipe-metrics.example"),
    "domain-name [domain-name:value = 'dx.datapipe-metrics.example']",
  );
  assert.equal(
    pattern("url", "https://x.example/a?b='c'"),
    "url [url:value = 'https://x.example/a?b=\\'c\\'']",
  );
  assert.equal(
    pattern("md5", "d41d8cd98f00b204e9800998ecf8427e"),
    "file [file:hashes.'MD5' = 'd41d8cd98f00b204e9800998ecf8427e']",
  );
  // A 40-digit filehash is SHA-1, a 64-digit one SHA-256.
  assert.equal(
    pattern("filehash", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    "file [file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
  );
  // The implant's SHA-256 (ANSWERS.md).
  assert.equal(
    pattern("sha256", "2dc5f1f0bc82428ec71acd28eb1a650bed7d5184b66f760120fa050263b552ec"),
    "file [file:hashes.'SHA-256' = " +
      "'2dc5f1f0bc82428ec71acd28eb1a650bed7d5184b66f760120fa050263b552ec']",
  );
  assert.equal(pattern("filehash", "abc"), "skip not an MD5, SHA-1 or SHA-256");
  assert.equal(pattern("registry_key", "HKLM\\x"), "skip no STIX pattern for type registry_key");
});

Deno.test("threatIntel write-back: createIndicator bodies, the session's ips by default, dedupe across pages", async () => {
  const service = await startArmService({ pageSize: 2 });
  try {
    const incidents = await openIncidents({
      workspaceResource: service.workspaceResourceId,
      endpoint: service.endpoint,
      caCertificates: [service.caCertificate],
      credential: {
        getToken: () =>
          Promise.resolve({ token: service.token, expiresOnTimestamp: Date.now() + 3_600_000 }),
      },
    });
    const session = await openSession("ti-api", {
      home: await tempFolder(),
      provider: await openLocalProvider(),
      cache: false,
    });
    await seedSession(session, await incidents.open(DEMO_INCIDENT_ID));
    // ANSWERS.md: the spray sources 203.0.113.61, .88, .45 are the incident's IPs.
    const first = await incidents.writeBack(DEMO_INCIDENT_ID, session, {
      comment: false,
      bookmarks: false,
      threatIntel: { validFrom: new Date("2026-03-16T00:00:00Z") },
    });
    assert.deepEqual(first.items.map((i) => `${i.status} ${i.name}`), [
      "written [ipv4-addr:value = '203.0.113.61']",
      "written [ipv4-addr:value = '203.0.113.88']",
      "written [ipv4-addr:value = '203.0.113.45']",
    ]);
    const create = service.requests.filter((r) => r.path.includes("/createIndicator"));
    assert.equal(create.length, 3);
    assert.equal(create[0].method, "POST");
    assert.match(
      create[0].path,
      /\/providers\/Microsoft\.SecurityInsights\/threatIntelligence\/main\/createIndicator\?api-version=2024-03-01$/,
    );
    assert.deepEqual(create[0].body, {
      kind: "indicator",
      properties: {
        source: "casefile",
        displayName: "ip 203.0.113.61",
        description: `From casefile session ti-api, incident ${DEMO_INCIDENT_ID}`,
        pattern: "[ipv4-addr:value = '203.0.113.61']",
        patternType: "ipv4-addr",
        labels: ["casefile", "ti-api", `incident-${DEMO_INCIDENT_ID}`],
        threatTypes: ["malicious-activity"],
        confidence: 50,
        validFrom: "2026-03-16T00:00:00.000Z",
        revoked: false,
      },
    });

    // Again, with a frame adding one more: the three (on two pages of queryIndicators) are
    // left out, only the new one is created.
    const frame = pl.DataFrame({
      type: ["ipv4", "ipv4", "domain"],
      value: ["203.0.113.45", "203.0.113.88", "files.quickdrop-share.example"],
    });
    const again = await incidents.writeBack(DEMO_INCIDENT_ID, session, {
      comment: false,
      bookmarks: false,
      threatIntel: { indicators: frame, confidence: 90 },
    });
    assert.deepEqual(again.items.map((i) => i.name), [
      "[domain-name:value = 'files.quickdrop-share.example']",
    ]);
    assert.deepEqual(again.skipped.map((s) => `${s.value} ${s.reason}`), [
      "203.0.113.45 written before",
      "203.0.113.88 written before",
    ]);
    assert.ok(service.requests.some((r) => r.path.includes("%24skipToken=2")), "a second page");
    assert.equal(service.indicators().length, 4);

    // Bad input: clear errors, nothing sent.
    const before = service.requests.length;
    await assert.rejects(
      incidents.writeBack(DEMO_INCIDENT_ID, session, { threatIntel: { confidence: 150 } }),
      (e) =>
        e instanceof IncidentError && /Confidence 150 is not between 0 and 100/.test(e.message),
    );
    await assert.rejects(
      incidents.writeBack(DEMO_INCIDENT_ID, session, {
        threatIntel: { indicators: pl.DataFrame({ ioc: ["x"] }) },
      }),
      (e) => e instanceof IncidentError && /no 'type' column/.test(e.message),
    );
    assert.equal(service.requests.length, before);
    await session.close();
  } finally {
    await service.close();
  }
});

Deno.test("stixOf: one pattern for a hash, domain or IPv6 in any case; CIDR blocks; no address with a port", () => {
  const pattern = (type: string, value: string) => {
    const made = stixOf({ type, value });
    return "pattern" in made ? made.pattern : `skip ${made.reason}`;
  };
  // Hex digits and DNS names are case-insensitive: both spellings must dedupe to one pattern.
  assert.equal(
    pattern("md5", "D41D8CD98F00B204E9800998ECF8427E"),
    pattern("md5", "d41d8cd98f00b204e9800998ecf8427e"),
  );
  assert.equal(pattern("domain", "Evil.Example"), "[domain-name:value = 'evil.example']");
  assert.equal(pattern("ip", "2001:DB8::/32"), "[ipv6-addr:value = '2001:db8::/32']");
  // STIX 2.1: ipv4-addr and ipv6-addr values may be CIDR blocks.
  assert.equal(pattern("ip", "203.0.113.0/24"), "[ipv4-addr:value = '203.0.113.0/24']");
  assert.equal(pattern("ip", "::ffff:203.0.113.45"), "[ipv6-addr:value = '::ffff:203.0.113.45']");
  // An address and port is not an IPv6 address.
  assert.equal(pattern("ip", "203.0.113.45:443"), "skip not an IP address");
  // URLs keep their case (paths are case-sensitive).
  assert.equal(pattern("url", "https://x.example/A"), "[url:value = 'https://x.example/A']");
});
