/**
 * Scenario A: an identity investigation of the demo case (the password spray, the legacy
 * sign-in that broke the victim's account, impossible travel, the attacker's MFA method,
 * the forwarding rule), typed as an analyst would into the REPL with piped standard input
 * (`fixtures/scenarios/identity.txt`: 37 steps, one of them a typo, three dead ends, ten
 * findings, a `.rerun` with another parameter value), then exported as a script, a
 * notebook, a report and a bundle, and each export checked as a person would use it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import {
  checkExports,
  checkFindings,
  column,
  isKept,
  readSession,
  runRepl,
  type StepFacts,
  tempDir,
  transcript,
} from "./_harness.ts";

const sorted = (values: readonly string[]) => [...values].sort();

Deno.test({
  name: "scenario A: an identity investigation piped into the REPL replays from every export",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const out = await tempDir();
    const home = join(out, "home");
    const repl = await runRepl(home, "identity", await transcript("identity.txt", out));
    assert.equal(repl.code, 0, repl.stderr);
    // The one mistake: a typo, shown and journaled as a failed step; nothing else failed.
    assert.deepEqual(
      repl.stderr.split("\n").filter((l) => l.startsWith("error")),
      ["error: sprayz is not defined. Did you mean 'sprays'?"],
      repl.stderr,
    );
    assert.match(repl.stdout, /"daniel\.reyes@larkspurlogistics\.example"/);
    assert.match(repl.stdout, /forwarding addresses: ap\.remit\.archive@securemail-relay\.example/);
    // .rerun ran the two steps after the parameter changed, with the disabled accounts' code.
    assert.match(repl.stdout, /\nstep 36 codes: 3 rows[^\n]*\nstep 37 codeTotal\b/);
    for (const kind of ["script", "notebook", "report", "bundle"]) {
      assert.match(repl.stdout, new RegExp(`${kind} written to `));
    }

    const original = await readSession("identity", home);
    const at = (n: number) => original[n - 1];
    assert.equal(original.length, 37);
    assert.ok(original.filter(isKept).length >= 30, "30+ kept steps");
    assert.deepEqual(
      original.filter((s) => s.status !== "ok").map((s) => s.position),
      [10],
    );
    assert.deepEqual(
      original.filter((s) => s.mark === "dead-end").map((s) => s.position),
      [19, 20, 30],
    );
    assert.deepEqual(
      original.filter((s) => s.mark === "finding").map((s) => s.position),
      [4, 8, 12, 13, 17, 22, 24, 28, 33, 37],
    );
    // The capability families the transcript uses, as journaled.
    assert.equal(original.filter((s) => s.kind === "query").length, 13);
    assert.deepEqual(original.filter((s) => s.chart).map((s) => [s.position, s.chart]), [
      [17, "timeline"],
      [34, "bar"],
    ]);
    assert.ok(at(3).code.includes('ResultType == "50126"'), at(3).code);
    assert.ok(at(36).code.includes('ResultType == "50057"'), "re-run with code=50057");

    await checkExports(t, out, "identity", original, checkIdentityReport);
  },
});

/** What each finding of the identity scenario must show, from the answer key. */
function checkIdentityReport(dom: string, original: readonly StepFacts[]): void {
  const sections = checkFindings(dom, original);
  const section = (n: number) => sections.get(n)!;
  const { spray, victim, legacySuccess, impossibleTravel, mfaRegistration, inboxRule } = ANSWER_KEY;

  // 4: the three spray sources, with every 50126 failure they caused on the day.
  const sprayers = section(4);
  assert.deepEqual(column(sprayers, "IPAddress"), sorted(spray.ips));
  assert.equal(
    column(sprayers, "Failures").reduce((a, b) => a + Number(b), 0),
    spray.failures50126,
  );
  assert.deepEqual(new Set(column(sprayers, "ClientAppUsed")), new Set([spray.clientApp]));

  // 8: findPasswordAttacks' three sprays: every failed attempt, and the one account broken.
  const sprays = section(8);
  assert.deepEqual(column(sprays, "source"), sorted(spray.ips));
  assert.equal(
    column(sprays, "failures").reduce((a, b) => a + Number(b), 0),
    spray.attempts - spray.successes,
  );
  const broke = column(sprays, "compromisedAccounts");
  assert.equal(broke[column(sprays, "source").indexOf(ANSWER_KEY.attacker.ip)], victim.upn);
  assert.equal(broke.filter((b) => b !== "").length, 1);

  // 12: the KQL `render` chart, drawn inline.
  assert.match(section(12).svgText, /Failed sign-ins per hour/);

  // 13: the legacy IMAP4 success, single factor, conditional access not applied.
  const success = section(13);
  assert.deepEqual(success.rows.slice(1), [[
    legacySuccess.time.replace(".000Z", "Z"),
    victim.upn,
    legacySuccess.ip,
    legacySuccess.clientApp,
    legacySuccess.authenticationRequirement,
    legacySuccess.conditionalAccessStatus,
  ]]);

  // 17: the timeline chart made in code: one lane per country, GB and BR.
  const travel = section(17);
  assert.match(travel.svgText, /Daniel Reyes' sign-ins on 11 March/);
  for (const country of [impossibleTravel.victimCountry, impossibleTravel.country]) {
    assert.match(travel.svgText, new RegExp(`\\b${country}\\b`), `lane ${country}`);
  }

  // 22: BR is new for the victim, first seen at the IMAP success.
  const fresh = section(22);
  assert.deepEqual(column(fresh, "Country"), [impossibleTravel.country]);
  assert.deepEqual(column(fresh, "first"), [legacySuccess.time.replace(".000Z", "Z")]);

  // 24: the authenticator registered from the attacker's address.
  const mfa = section(24);
  assert.deepEqual(column(mfa, "User"), [victim.upn]);
  assert.deepEqual(column(mfa, "Ip"), [mfaRegistration.ip]);
  assert.deepEqual(column(mfa, "TimeGenerated"), [mfaRegistration.time.replace(".000Z", "Z")]);

  // 28: what the step printed names the outside forwarding address.
  assert.ok(section(28).printed?.includes(inboxRule.forwardTo), section(28).text);

  // 33: the STIX feed knows 203.0.113.61 only (ANSWERS.md, Indicators).
  const hits = section(33);
  const verdicts = Object.fromEntries(
    column(hits, "indicator").map((ip, i) => [ip, column(hits, "verdict")[i]]),
  );
  assert.deepEqual(verdicts, {
    "203.0.113.45": "unknown",
    "203.0.113.61": "malicious",
    "203.0.113.88": "unknown",
  });

  // 37: after `.rerun 36 code=50057`: the disabled leavers' failures, 3 per round.
  assert.equal(section(37).value, String(spray.disabled50057));
  assert.match(
    dom,
    /<tr><td>code<\/td><td>string<\/td><td>50057<\/td>/,
    "the parameters show the re-run value",
  );
  // The typo and the dead ends are listed as left out, with the analyst's notes.
  const leftOut = /<h2>Left out<\/h2>([\s\S]*?)<\/ul>/.exec(dom)?.[1] ?? "";
  assert.match(leftOut, /10\. typo: failed \(sprayz is not defined\)/);
  assert.match(leftOut, /19\. rareIps: dead end \(rare addresses per user/);
  assert.match(leftOut, /30\. _30: dead end \(every spray address is in a documentation range/);
}
