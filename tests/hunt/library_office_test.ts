/**
 * The "office" family of the hunting library on the demo case: every query runs (or, on
 * EmailEvents, type-checks against the schema) with its declared columns, and the planted
 * mailbox takeover (ANSWERS.md stages 2 and 5) surfaces with the answer key's values.
 */
import assert from "node:assert/strict";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { FAMILY } from "../../src/hunt/library/_office.ts";
import {
  checkFamilyShape,
  DEMO_TABLES,
  rows,
  runOnDemo,
  runOnEmptySchemas,
} from "./_family_check.ts";

const VICTIM = ANSWER_KEY.victim.upn;
const RULE = ANSWER_KEY.inboxRule;

function query(name: string) {
  const found = FAMILY.queries.find((q) => q.name === name);
  assert.ok(found, `no query ${name}`);
  return found;
}

Deno.test("office family: every query keeps the library format", () => {
  assert.equal(FAMILY.name, "office");
  checkFamilyShape(FAMILY);
});

Deno.test("office family: every query runs with its declared columns", async () => {
  for (const q of FAMILY.queries) {
    if (q.tables.every((t) => DEMO_TABLES.has(t))) await runOnDemo(q);
    else await runOnEmptySchemas(q, { domain: "example.com" });
  }
});

Deno.test("inboxRulesForwardingMail finds the attacker's rule as external and the leave-cover redirect as internal", async () => {
  const found = rows(await runOnDemo(query("inboxRulesForwardingMail"), {}, "14d"));
  const external = found.filter((r) => r.IsExternal === true);
  assert.equal(external.length, 1);
  assert.equal(external[0].UserId, VICTIM);
  assert.equal(external[0].Target, RULE.forwardTo);
  assert.equal(external[0].RuleName, RULE.name);
  assert.equal(external[0].ClientIP, RULE.clientIp);
  assert.equal(external[0].Keywords, RULE.keywords);
  assert.equal(
    (external[0].TimeGenerated as Date).toISOString(),
    new Date(RULE.time).toISOString(),
  );
  // ANSWERS.md: graham.whitfield's "Leave cover - redirect to Helen" redirects internally.
  const internal = found.filter((r) => r.IsExternal === false);
  assert.deepEqual(internal.map((r) => [r.UserId, r.Target]), [
    ["graham.whitfield@larkspurlogistics.example", "helen.marsh@larkspurlogistics.example"],
  ]);
});

Deno.test("inboxRulesHidingMail flags only the attacker's rule, not the newsletter rules", async () => {
  const found = rows(await runOnDemo(query("inboxRulesHidingMail"), {}, "14d"));
  assert.deepEqual(found.map((r) => [r.UserId, r.RuleName]), [[VICTIM, RULE.name]]);
});

Deno.test("legacyProtocolMailAccess: the victim's mailbox read over IMAP4 from the attacker after the spray", async () => {
  const found = rows(await runOnDemo(query("legacyProtocolMailAccess")));
  assert.deepEqual(found.map((r) => [r.UserId, r.ClientAddress, r.ClientInfoString]), [
    [VICTIM, ANSWER_KEY.attacker.ip, "Client=IMAP4"],
  ]);
  assert.ok((found[0].FirstSeen as Date) > new Date(ANSWER_KEY.legacySuccess.time));
});

Deno.test("mailAccessFromNewAddress lists the victim's mailbox from the attacker's address", async () => {
  const found = rows(await runOnDemo(query("mailAccessFromNewAddress")));
  assert.ok(found.some((r) => r.UserId === VICTIM && r.ClientAddress === ANSWER_KEY.attacker.ip));
  // The anonymising VPN ethan.clarke uses is in the baseline, so it is not new.
  assert.ok(!found.some((r) => r.ClientAddress === "203.0.113.200"));
});

Deno.test("context queries: the attacker's IP, the victim's mailbox and the forwarding domain", async () => {
  const fromIp = rows(await runOnDemo(query("activityFromIp")));
  assert.deepEqual([...new Set(fromIp.map((r) => r.UserId))], [VICTIM]);
  assert.ok(fromIp.some((r) => r.Operation === RULE.operation));
  const rules = rows(await runOnDemo(query("inboxRulesOfMailbox")));
  assert.deepEqual(rules.map((r) => [r.RuleName, r.ClientIP]), [[RULE.name, RULE.clientIp]]);
  const toDomain = rows(await runOnDemo(query("mailForwardedToDomain")));
  assert.deepEqual(toDomain.map((r) => r.UserId), [VICTIM]);
  const ofAccount = rows(await runOnDemo(query("activityOfAccount")));
  assert.ok(ofAccount.some((r) => r.Operation === RULE.operation && r.ClientIP === RULE.clientIp));
});
