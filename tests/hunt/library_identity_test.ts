/**
 * The identity family of the hunting library on the bundled demo case: every query runs
 * and returns exactly its declared columns, and the example-bearing queries surface what
 * fixtures/demo-case/ANSWERS.md says was planted (expected values copied from the answer
 * key, never computed by the queries).
 */
import assert from "node:assert/strict";
import { FAMILY } from "../../src/hunt/library/_identity.ts";
import type { HuntQuery } from "../../src/hunt/types.ts";
import { DEMO_TABLES, rows, runOnDemo, runOnEmptySchemas } from "./_family_check.ts";
import { tempFolder } from "../_helpers.ts";
import { fileURLToPath as fromFileUrl } from "node:url";

// From ANSWERS.md.
const VICTIM = "daniel.reyes@larkspurlogistics.example";
const ATTACKER_IP = "203.0.113.45";
const SPRAY_IPS = ["203.0.113.45", "203.0.113.61", "203.0.113.88"];
const TI_LISTED_SPRAY_IPS = ["203.0.113.61", "203.0.113.88"];

function query(name: string): HuntQuery {
  const found = FAMILY.queries.find((q) => q.name === name);
  assert.ok(found, `no query ${name} in the identity family`);
  return found;
}

function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : JSON.parse(String(value));
}

Deno.test("identity: every query runs and returns its declared columns", async (t) => {
  assert.equal(FAMILY.name, "identity");
  assert.ok(FAMILY.queries.length >= 30, `${FAMILY.queries.length} queries`);
  for (const q of FAMILY.queries) {
    await t.step(q.name, async () => {
      if (q.tables.every((table) => DEMO_TABLES.has(table))) {
        await runOnDemo(q);
      } else {
        await runOnEmptySchemas(q, { account: VICTIM });
      }
    });
  }
});

Deno.test("identity: every entity kind of these tables has a context query", () => {
  const contextKinds = new Set(
    FAMILY.queries.filter((q) => q.techniques.length === 0)
      .flatMap((q) => Object.values(q.parameters).map((p) => p.type)),
  );
  for (const kind of ["account", "ip", "app"]) assert.ok(contextKinds.has(kind as never), kind);
});

Deno.test("identity: the spray sources are the three attacker addresses", async () => {
  const found = rows(await runOnDemo(query("passwordSpraySourcesByIp")));
  assert.deepEqual(found.map((r) => r.IPAddress).sort(), SPRAY_IPS);
  // 162 account names, one round per address.
  for (const r of found) assert.equal(r.Accounts, 162);
  assert.deepEqual(
    found.filter((r) => Number(r.Successes) > 0).map((r) => r.IPAddress),
    [ATTACKER_IP],
  );
});

Deno.test("identity: the spray's one success is the victim's IMAP sign-in", async () => {
  const found = rows(await runOnDemo(query("sprayedAccountsThatSignedIn")));
  assert.deepEqual([...new Set(found.map((r) => r.UserPrincipalName))], [VICTIM]);
  const imap = found.find((r) => r.ClientAppUsed === "IMAP4");
  assert.ok(imap);
  assert.equal(iso(imap.TimeGenerated), "2026-03-11T03:47:29.000Z");
  assert.equal(imap.IPAddress, ATTACKER_IP);
  assert.equal(imap.AuthenticationRequirement, "singleFactorAuthentication");
});

Deno.test("identity: disabled and unknown names tried by the spray", async () => {
  const found = rows(await runOnDemo(query("failuresOnDisabledOrUnknownAccounts")));
  assert.deepEqual(found.map((r) => r.IPAddress).sort(), SPRAY_IPS);
  // 9 failures with 50057 and 27 with 50034 over the three rounds.
  assert.equal(found.reduce((n, r) => n + Number(r.DisabledAccountAttempts), 0), 9);
  assert.equal(found.reduce((n, r) => n + Number(r.UnknownAccountAttempts), 0), 27);
});

Deno.test("identity: the ROPC client got into the victim's mailbox only", async () => {
  const found = rows(await runOnDemo(query("scriptedClientSignIns"), { account: "" }));
  const hits = found.filter((r) => Number(r.Successes) > 0);
  assert.equal(hits.length, 1);
  assert.equal(hits[0].UserAgent, "BAV2ROPC");
  assert.equal(hits[0].IPAddress, ATTACKER_IP);
  assert.deepEqual(list(hits[0].AccountsSignedIn), [VICTIM]);
});

Deno.test("identity: legacy authentication success and the report-only policy", async () => {
  const legacy = rows(await runOnDemo(query("legacyAuthSuccesses")));
  assert.deepEqual(
    legacy.map((r) => [r.UserPrincipalName, r.ClientAppUsed, r.IPAddress, r.Country]),
    [[VICTIM, "IMAP4", ATTACKER_IP, "BR"]],
  );
  // Without the example, the benign look-alikes are there too (svc-scan, rachel.stone).
  const all = rows(await runOnDemo(query("legacyAuthSuccesses"), { account: "" }));
  const clients = new Map(all.map((r) => [r.UserPrincipalName, r.ClientAppUsed]));
  assert.equal(clients.get("svc-scan@larkspurlogistics.example"), "Authenticated SMTP");
  assert.equal(clients.get("rachel.stone@larkspurlogistics.example"), "Exchange ActiveSync");

  const reportOnly = rows(await runOnDemo(query("successesAllowedByReportOnlyPolicy")));
  assert.deepEqual(
    reportOnly.map((r) => [r.UserPrincipalName, r.IPAddress, r.ClientAppUsed, r.PolicyName]),
    [[VICTIM, ATTACKER_IP, "IMAP4", "CA002: Block legacy authentication"]],
  );
});

Deno.test("identity: the attacker is asked to register MFA, registers it, and it sticks", async () => {
  const demanded = rows(await runOnDemo(query("mfaRegistrationDemanded")));
  assert.deepEqual(
    demanded.map((r) => [iso(r.TimeGenerated), r.IPAddress, r.Country, r.ResultType]),
    [["2026-03-11T09:21:44.000Z", ATTACKER_IP, "BR", "50079"]],
  );

  const registered = rows(await runOnDemo(query("mfaMethodRegistrations")));
  assert.deepEqual(
    registered.map((r) => [iso(r.TimeGenerated), r.UserPrincipalName, r.IPAddress, r.Method]),
    [["2026-03-11T09:24:31.000Z", VICTIM, ATTACKER_IP, "Microsoft Authenticator App"]],
  );

  const unfamiliar = rows(await runOnDemo(query("mfaRegistrationFromUnfamiliarIp")));
  assert.deepEqual(
    unfamiliar.filter((r) => r.IPAddress === ATTACKER_IP).map((r) => r.UserPrincipalName),
    [VICTIM],
  );

  const methods = rows(await runOnDemo(query("strongAuthMethodUpdates")));
  assert.equal(methods.length, 1);
  assert.equal(methods[0].TargetUser, VICTIM);
  assert.ok(list(methods[0].ChangedProperties).includes("StrongAuthenticationMethod"));

  const flips = rows(await runOnDemo(query("mfaRegistrationStateChanges")));
  const victim = flips.find((r) => r.AccountUPN === VICTIM);
  assert.ok(victim, "the victim's IsMFARegistered flips");
  assert.equal(victim.WasRegistered, false);
  assert.equal(victim.IsRegistered, true);
  assert.ok(iso(victim.ChangedRecord) > "2026-03-11T09:24:31.000Z");
});

Deno.test("identity: new country and impossible travel for the victim", async () => {
  const country = rows(await runOnDemo(query("newCountryForAccount")));
  assert.deepEqual(country.map((r) => [r.Country, list(r.IPAddresses)]), [["BR", [ATTACKER_IP]]]);

  const travel = rows(await runOnDemo(query("impossibleTravel")));
  const toBrazil = travel.find((r) => iso(r.TimeGenerated) === "2026-03-11T09:21:44.000Z");
  assert.ok(toBrazil, "London then Sao Paulo at 09:21:44");
  assert.equal(toBrazil.PreviousCountry, "GB");
  assert.equal(toBrazil.PreviousIp, "192.0.2.10");
  assert.equal(toBrazil.Country, "BR");
  // London to Sao Paulo is about 9,500 km (great circle).
  assert.ok(Number(toBrazil.DistanceKm) > 9000 && Number(toBrazil.DistanceKm) < 10000);
});

Deno.test("identity: sign-ins from threat-intel addresses are the two listed spray rounds", async () => {
  const found = rows(await runOnDemo(query("signInsFromThreatIntelIps")));
  assert.deepEqual(found.map((r) => r.IPAddress).sort(), TI_LISTED_SPRAY_IPS);
  for (const r of found) assert.equal(r.Successes, 0);
});

Deno.test("identity: context queries on the victim, the attacker's address and Exchange", async () => {
  const signIns = rows(await runOnDemo(query("signInsOfAccount")));
  const imap = signIns.find((r) => iso(r.TimeGenerated) === "2026-03-11T03:47:29.000Z");
  assert.ok(imap);
  assert.deepEqual([imap.IPAddress, imap.ClientAppUsed, imap.ResultType], [
    ATTACKER_IP,
    "IMAP4",
    "0",
  ]);

  const summary = rows(await runOnDemo(query("signInSummaryOfAccount")));
  assert.deepEqual(summary.map((r) => r.IPAddress).sort(), ["192.0.2.10", ...SPRAY_IPS].sort());

  const fromIp = rows(await runOnDemo(query("signInsFromIp")));
  assert.equal(fromIp.length, 162);
  assert.deepEqual(fromIp.filter((r) => Number(r.Successes) > 0).map((r) => r.UserPrincipalName), [
    VICTIM,
  ]);

  const app = rows(await runOnDemo(query("signInsToApp")));
  assert.ok(
    app.some((r) =>
      r.UserPrincipalName === VICTIM && r.IPAddress === ATTACKER_IP &&
      r.ClientAppUsed === "IMAP4" &&
      r.Successes === 1
    ),
  );

  for (const name of ["directoryChangesByAccount", "directoryChangesFromIp"]) {
    const changes = rows(await runOnDemo(query(name)));
    assert.ok(
      changes.some((r) =>
        r.OperationName === "User registered security info" &&
        iso(r.TimeGenerated) === "2026-03-11T09:24:31.000Z"
      ),
      name,
    );
  }
  const toVictim = rows(await runOnDemo(query("directoryChangesToAccount")));
  assert.ok(toVictim.some((r) => list(r.ChangedProperties).includes("StrongAuthenticationMethod")));

  const account = rows(await runOnDemo(query("accountSummary")));
  assert.equal(account.length, 1);
  assert.equal(account[0].Department, "Finance");
  assert.equal(account[0].IsMFARegistered, true);
});

/** The `casefile` REPL on the demo case, reading `input` as piped in; returns what it printed. */
async function pipedRepl(input: string[]): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "repl/main.ts", "repl", "--home", await tempFolder()],
    cwd: fromFileUrl(new URL("../../", import.meta.url)),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", XDG_CONFIG_HOME: await tempFolder() },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input.join("\n") + "\n"));
  await writer.close();
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, `the REPL failed:\n${text}\n${new TextDecoder().decode(out.stderr)}`);
  return text;
}

Deno.test("identity: in the REPL, the spray query and a pivot on the victim find the attack", async () => {
  const text = await pipedRepl([
    ".hunt run identity.passwordSpraySourcesByIp",
    `.pivot account ${VICTIM}`,
  ]);
  // The spray table: the three attacker addresses, 162 accounts each.
  for (const ip of SPRAY_IPS) {
    assert.match(text, new RegExp(`${ip.replaceAll(".", "\\.")}\\s+\\d+\\s+\\d+\\s+\\d+\\s+162`));
  }
  // The pivot lists the identity context queries that take an account and found rows.
  assert.match(text, /identity\.signInsOfAccount\s+\d+ rows/);
  assert.match(text, /identity\.accountSummary\s+1 rows/);
});
