/**
 * The "dns" family of the hunting library on the demo case: every query runs with its
 * declared columns, and the planted C2 lookups, DNS tunnel and exfiltration domain
 * (ANSWERS.md stages 8, 13 and 14) surface with the answer key's values, ahead of the
 * antivirus reputation look-alike.
 */
import assert from "node:assert/strict";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { FAMILY } from "../../src/hunt/library/_dns.ts";
import { checkFamilyShape, rows, runOnDemo } from "./_family_check.ts";

const TUNNEL = ANSWER_KEY.dnsTunnel;
const C2 = ANSWER_KEY.c2;
const parentOf = (name: string) => name.split(".").slice(-2).join(".");

function query(name: string) {
  const found = FAMILY.queries.find((q) => q.name === name);
  assert.ok(found, `no query ${name}`);
  return found;
}

Deno.test("dns family: every query keeps the library format", () => {
  assert.equal(FAMILY.name, "dns");
  checkFamilyShape(FAMILY);
});

Deno.test("dns family: every query runs with its declared columns", async () => {
  for (const q of FAMILY.queries) await runOnDemo(q);
});

Deno.test("tunnelling queries put the tunnel domain first, from one client", async () => {
  const long = rows(await runOnDemo(query("tunnellingLongLabels")));
  assert.equal(long[0].ParentDomain, TUNNEL.domain);
  assert.equal(long[0].Queries, TUNNEL.queries);
  assert.equal(long[0].Clients, 1);
  // The look-alike: antivirus reputation names are long too, but spread over every machine.
  assert.ok(long.slice(1).some((r) => r.ParentDomain === "cloudav-reputation.example"));
  const many = rows(await runOnDemo(query("manySubdomainsPerClient")));
  assert.deepEqual([...new Set(many.map((r) => `${r.ClientIP} ${r.ParentDomain}`))], [
    `${TUNNEL.clientIp} ${TUNNEL.domain}`,
  ]);
  const txt = rows(await runOnDemo(query("txtHeavyClients")));
  assert.equal(txt[0].ClientIP, TUNNEL.clientIp);
});

Deno.test("beaconLikeLookups finds the C2 name on the victim's workstation, about every five minutes", async () => {
  const found = rows(await runOnDemo(query("beaconLikeLookups")));
  const c2 = found.find((r) => r.Name === C2.domain);
  assert.ok(c2, JSON.stringify(found));
  assert.equal(c2.ClientIP, ANSWER_KEY.victim.workstationIp);
  assert.equal(c2.NameClients, 1);
  // ANSWERS.md: "the DC logs a lookup about every five minutes".
  const gap = Number(c2.MedianGapSeconds);
  assert.ok(gap >= 240 && gap <= 420, `median gap ${gap}`);
});

Deno.test("rare and newly seen domains include the C2, tunnel and exfiltration domains", async () => {
  const planted = [C2.domain, TUNNEL.domain, ANSWER_KEY.exfiltration.domain].map(parentOf);
  const rare = new Set(rows(await runOnDemo(query("rareDomains"))).map((r) => r.ParentDomain));
  for (const d of planted) assert.ok(rare.has(d), d);
  const fresh = rows(await runOnDemo(query("newlySeenDomains")));
  for (const d of planted) assert.ok(fresh.some((r) => r.ParentDomain === d), d);
  const c2 = fresh.find((r) => r.ParentDomain === parentOf(C2.domain));
  // The first lookup follows the download cradle that fetched from the C2 host.
  assert.ok((c2?.FirstSeen as Date) >= new Date(ANSWER_KEY.encodedPowerShell.time));
});

Deno.test("context queries: the C2 domain, its address and the victim's workstation", async () => {
  const ofDomain = rows(await runOnDemo(query("lookupsOfDomain")));
  assert.deepEqual(ofDomain.map((r) => r.ClientIP), [ANSWER_KEY.victim.workstationIp]);
  assert.ok(String(ofDomain[0].Answers).includes(C2.ip));
  const toIp = rows(await runOnDemo(query("namesResolvingToIp")));
  assert.deepEqual(toIp.map((r) => r.Name), [C2.domain]);
  const byClient = rows(await runOnDemo(query("lookupsByClient")));
  const onlyHere = byClient.filter((r) => r.OtherClients === 0).map((r) => r.ParentDomain);
  assert.deepEqual(onlyHere.sort(), [parentOf(C2.domain), TUNNEL.domain].sort());
});
