/**
 * The "threatIntel" family of the hunting library on the demo case: every query runs (or,
 * on DeviceFileEvents, type-checks against the schema) with its declared columns, and the
 * matches follow the answer key's indicator table (which indicators the workspace's
 * ThreatIntelligenceIndicator holds and which it does not).
 */
import assert from "node:assert/strict";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { FAMILY } from "../../src/hunt/library/_threat_intel.ts";
import {
  checkFamilyShape,
  DEMO_TABLES,
  rows,
  runOnDemo,
  runOnEmptySchemas,
} from "./_family_check.ts";

function query(name: string) {
  const found = FAMILY.queries.find((q) => q.name === name);
  assert.ok(found, `no query ${name}`);
  return found;
}

const inTi = (type: string) =>
  ANSWER_KEY.indicators.filter((i) => i.type === type && i.inWorkspaceTi).map((i) => i.value);
const notInTi = (type: string) =>
  ANSWER_KEY.indicators.filter((i) => i.type === type && !i.inWorkspaceTi).map((i) => i.value);

Deno.test("threatIntel family: every query keeps the library format", () => {
  assert.equal(FAMILY.name, "threatIntel");
  checkFamilyShape(FAMILY);
});

Deno.test("threatIntel family: every query runs with its declared columns", async () => {
  for (const q of FAMILY.queries) {
    if (q.tables.every((t) => DEMO_TABLES.has(t))) await runOnDemo(q);
    else await runOnEmptySchemas(q);
  }
});

Deno.test("ipIndicatorsInSignins: the two spray addresses the feeds know, none of them successful", async () => {
  const found = rows(await runOnDemo(query("ipIndicatorsInSignins")));
  const spray = ANSWER_KEY.spray.ips.filter((ip) => inTi("ipv4").includes(ip));
  assert.equal(spray.length, 2);
  assert.deepEqual(found.map((r) => r.IPAddress).sort(), [...spray].sort());
  // ANSWERS.md: one round each against every target; the one success came from 203.0.113.45.
  for (const r of found) {
    assert.equal(r.Attempts, ANSWER_KEY.spray.targets);
    assert.equal(r.Successes, 0);
  }
});

Deno.test("domainIndicatorsInDns: the DNS tunnel's domain, from the victim's workstation", async () => {
  const found = rows(await runOnDemo(query("domainIndicatorsInDns")));
  const tunnel = ANSWER_KEY.dnsTunnel;
  assert.deepEqual(found.map((r) => [r.IndicatorDomain, r.ClientIP, r.Lookups]), [
    [tunnel.domain, tunnel.clientIp, tunnel.queries],
  ]);
});

Deno.test("lookups of one indicator follow the answer key's table", async () => {
  const ofIp = query("indicatorsOfIp");
  for (const ip of inTi("ipv4")) assert.equal(rows(await runOnDemo(ofIp, { ip })).length, 1, ip);
  for (const ip of notInTi("ipv4")) assert.equal(rows(await runOnDemo(ofIp, { ip })).length, 0, ip);
  const ofDomain = query("indicatorsOfDomain");
  for (const domain of inTi("domain")) {
    assert.equal(rows(await runOnDemo(ofDomain, { domain })).length, 1, domain);
    // A name under the listed domain matches it too.
    assert.equal(rows(await runOnDemo(ofDomain, { domain: `x.dx.${domain}` })).length, 1);
  }
  for (const domain of notInTi("domain")) {
    assert.equal(rows(await runOnDemo(ofDomain, { domain })).length, 0, domain);
  }
  const ofHash = query("indicatorsOfHash");
  for (const hash of notInTi("sha256")) {
    assert.equal(rows(await runOnDemo(ofHash, { hash })).length, 0, hash);
  }
  const active = rows(await runOnDemo(query("activeIndicators"), { indicatorType: "ip" }));
  const listed = new Set(active.map((r) => r.Indicator));
  for (const ip of inTi("ipv4")) assert.ok(listed.has(ip), ip);
  for (const ip of notInTi("ipv4")) assert.ok(!listed.has(ip), ip);
  assert.ok(active.every((r) => r.IndicatorType === "ip"));
});
