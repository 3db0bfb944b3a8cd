/**
 * The "office" family's consent-phishing queries on the demo case's second incident: the
 * phish from a first-seen domain, mail read through the OAuth app, and the consent followed
 * by that app's mail access. Expected values are the answer key's (CLOUD_ANSWER_KEY, in
 * ANSWERS.md "Second incident"); the look-alikes (the weekly SharePoint notices, the
 * legitimate admin consent, everyone's own mail clients) must not appear.
 */
import assert from "node:assert/strict";
import { CLOUD_ANSWER_KEY } from "../../scripts/demo_case/_cloud_attack.ts";
import { FAMILY } from "../../src/hunt/library/_office.ts";
import { FAMILY as IDENTITY } from "../../src/hunt/library/_identity.ts";
import { substitute } from "./_family_check.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import type { HuntParamValue, HuntQuery } from "../../src/hunt/types.ts";

const KEY = CLOUD_ANSWER_KEY;
const provider = await openLocalProvider();

function query(name: string, family = FAMILY): HuntQuery {
  const found = family.queries.find((q) => q.name === name);
  assert.ok(found, `no query ${name}`);
  return found;
}

/** Runs a query over [start, end) (ISO times) with `values`; checks its columns. */
async function run(
  q: HuntQuery,
  start: string,
  end: string,
  values: Record<string, HuntParamValue> = {},
): Promise<Record<string, unknown>[]> {
  const windowed = {
    ...q,
    query: q.query.replaceAll("{start}", `datetime(${start})`).replaceAll(
      "{end}",
      `datetime(${end})`,
    ),
  };
  const text = substitute(windowed, values);
  const { frame } = await provider.query(text);
  assert.deepEqual(frame.columns, [...q.columns], `${q.name}: output columns`);
  return frame.toRecords() as Record<string, unknown>[];
}

const iso = (v: unknown) => new Date(v as string | Date).toISOString();
const list = (v: unknown): string[] => Array.isArray(v) ? v : JSON.parse(String(v));

// The second incident's days (ANSWERS.md: days 4-5, 5-6 March), with the workspace's first
// two days as the baseline of known senders.
const START = "2026-03-04T00:00:00Z";
const END = "2026-03-09T00:00:00Z";

Deno.test("newSenderDomainBurst: the consent phish from a first-seen domain reaching four inboxes, nothing else", async () => {
  const found = await run(query("newSenderDomainBurst"), START, END);
  assert.deepEqual(found.map((r) => r.SenderFromDomain), [KEY.phishing.senderDomain]);
  const [phish] = found;
  assert.equal(iso(phish.TimeGenerated), new Date(KEY.phishing.time).toISOString());
  assert.deepEqual(list(phish.Recipients).sort(), [...KEY.phishing.recipients].sort());
  assert.equal(phish.RecipientCount, 4);
  assert.deepEqual(list(phish.Senders), [KEY.phishing.from]);
  assert.deepEqual(list(phish.SenderIPs), [KEY.phishing.senderIp]);
  assert.ok(list(phish.Subjects)[0].endsWith(KEY.phishing.subject));
  // Delivered without a verdict: that is why no phishing query saw it.
  assert.deepEqual(list(phish.Verdicts), [""]);
  // A higher bar than the campaign's four recipients finds nothing.
  assert.deepEqual(await run(query("newSenderDomainBurst"), START, END, { minRecipients: 5 }), []);
});

Deno.test("newSenderDomainBurst: the weekly SharePoint notices and known suppliers are not new", async () => {
  // Over the week after the incident every sender was seen before (the look-alike included).
  const found = await run(
    query("newSenderDomainBurst"),
    "2026-03-09T00:00:00Z",
    "2026-03-16T00:00:00Z",
  );
  assert.deepEqual(found, []);
});

Deno.test("mailReadByApp: the victim's mailbox read 18 times through the OAuth app from the attacker's IPv6", async () => {
  const found = await run(query("mailReadByApp"), START, END);
  assert.deepEqual(found.map((r) => [r.UserId, r.AppId, r.ClientIP, r.Events]), [
    [KEY.victim.upn, KEY.mailAccess.appId, KEY.mailAccess.ip, KEY.mailAccess.events],
  ]);
  // ANSWERS.md: the reads start at 10:07:52 and spread over about 16 hours.
  const first = new Date(found[0].TimeGenerated as Date).getTime();
  const start = new Date(KEY.mailAccess.start).getTime();
  assert.ok(first >= start && first - start < 5 * 60_000);
  const hours = (new Date(found[0].LastSeen as Date).getTime() - first) / 3_600_000;
  assert.ok(hours > 14 && hours < 17, `${hours} h`);
  // An approved app is left out; another mailbox has no such reads.
  assert.deepEqual(
    await run(query("mailReadByApp"), START, END, { trustedApps: [KEY.mailAccess.appId] }),
    [],
  );
  assert.deepEqual(
    await run(query("mailReadByApp"), START, END, {
      mailbox: KEY.lookalikes.secret.by,
    }),
    [],
  );
});

Deno.test("consentThenMailAccess: the admin consent followed by the app's mail reads; the legitimate consent is not", async () => {
  // The whole workspace: the Adobe Acrobat Sign consent of 3 March is in it, without mail reads.
  const found = await run(
    query("consentThenMailAccess"),
    "2026-03-02T00:00:00Z",
    "2026-03-16T00:00:00Z",
  );
  assert.deepEqual(found.map((r) => [r.AppName, r.AppId, r.ConsentedBy, r.UserId, r.Events]), [
    [KEY.consent.app, KEY.consent.appId, KEY.victim.upn, KEY.victim.upn, KEY.mailAccess.events],
  ]);
  assert.equal(iso(found[0].ConsentTime), new Date(KEY.consent.time).toISOString());
  assert.deepEqual(list(found[0].ClientIPs), [KEY.mailAccess.ip]);
  // Reads counted only within `within` of the consent: the reads are 53 minutes apart from
  // five minutes after it, so half an hour holds only the first.
  const hour = await run(
    query("consentThenMailAccess"),
    "2026-03-02T00:00:00Z",
    "2026-03-16T00:00:00Z",
    { within: "30m" },
  );
  assert.equal(hour[0].Events, 1);
});

Deno.test("identity.applicationConsents: AppId is the application's id, both consents listed", async () => {
  const found = await run(
    query("applicationConsents", IDENTITY),
    "2026-03-02T00:00:00Z",
    "2026-03-16T00:00:00Z",
  );
  const consents = found.filter((r) => r.AppId);
  assert.deepEqual(
    consents.map((r) => [r.AppName, r.AppId, r.ServicePrincipalId]).filter((r) =>
      r[0] === KEY.consent.app
    ),
    [[KEY.consent.app, KEY.consent.appId, KEY.consent.servicePrincipalId]],
  );
  assert.ok(consents.some((r) => r.AppName === KEY.lookalikes.consent.app));
});

Deno.test({
  name:
    "REPL: investigateAlert on the OAuth alert lists the app, the phish and the app's mail reads",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { runRepl, tempDir } = await import("../scenarios/_harness.ts");
    const home = await tempDir();
    const alert = KEY.alerts[0].name;
    const input = [
      `%kql alerts = SecurityAlert | where AlertName == ${JSON.stringify(alert)}`,
      "inv = await investigateAlert(session, alerts)",
      "inv",
      "",
    ].join("\n");
    const repl = await runRepl(home, "apps", input);
    assert.equal(repl.code, 0, repl.stderr);
    // The app the alert names is investigated, as an account is.
    assert.match(repl.stdout, new RegExp(`app\\s+${KEY.consent.appId}\\s+investigated`));
    // The phish (no verdict) and the mail read through the app are findings.
    assert.match(repl.stdout, /Mail from a sender domain the organisation had not received/);
    assert.match(repl.stdout, /Mailbox items read \(MailItemsAccessed\) through an application/);
  },
});
