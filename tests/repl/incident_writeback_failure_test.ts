/**
 * A write-back that fails, as an analyst meets it in the REPL (piped input, the Log
 * Analytics and ARM twins): the ARM twin fails the comment once (a 500) after the bookmark
 * was written. The REPL says what was written and what was not, goes on, the session keeps
 * its steps, and writing again finishes the job without doubling the bookmark. Then, with
 * only the Responder role (bookmarks need Contributor), the refusal names the role.
 */
import assert from "node:assert/strict";
import { DEMO_INCIDENT_ID } from "../twins/arm/mod.ts";
import { startIncidentTwins } from "./_incident_twins.ts";
import { runCasefile } from "../_helpers.ts";

Deno.test("a failing .incident write says what was and was not written, and the session is unchanged", async () => {
  const twins = await startIncidentTwins();
  const { arm, env, home } = twins;
  try {
    const args = twins.args("wb");
    arm.inject({ status: 500, code: "InternalServerError", message: "Boom" }, {
      method: "PUT",
      pathIncludes: "/comments/",
    });
    const run = await runCasefile(args, {
      env,
      stdin: [
        "%kql legacy = SigninLogs | where UserPrincipalName in ({{accounts}}) and IPAddress in " +
        '({{ips}}) and ResultType == "0" and ClientAppUsed == "IMAP4" | project TimeGenerated',
        ".mark legacy finding Legacy IMAP sign-in from the attacker",
        ".history",
        ".incident write --close TruePositive",
        ".history",
        "`after the failure ${legacy.height}`",
        ".incident write --close TruePositive",
      ].join("\n") + "\n",
    });
    assert.equal(run.code, 0, run.stderr);
    // What was and was not written, in order, and why it stopped.
    assert.match(run.stderr, /Write-back stopped at comment .*Boom/);
    assert.match(run.stderr, /written: bookmark Legacy IMAP sign-in from the attacker/);
    assert.match(run.stderr, /failed: comment/);
    assert.match(run.stderr, /not-attempted: incident/);
    assert.match(run.stderr, /1 of 3 items were written .*the session is unchanged/);
    // The REPL went on, with the same steps before and after the failure.
    const histories = [...run.stdout.matchAll(/^.*legacy.*finding.*$/gm)].map((m) => m[0]);
    assert.equal(histories.length, 2, run.stdout);
    assert.equal(histories[0], histories[1]);
    assert.match(run.stdout, /^after the failure 1$/m);
    // Written again: done, the bookmark replaced rather than doubled.
    assert.match(run.stdout, /written: incident .*Closed\/TruePositive/);
    assert.equal(arm.bookmarks().length, 1);
    assert.equal(arm.comments(DEMO_INCIDENT_ID).length, 1);
    assert.equal(arm.incident(DEMO_INCIDENT_ID)!.properties.status, "Closed");
    // The journal has no write-back in it: the failure changed nothing there.
    const journal = await Deno.readTextFile(`${home}/sessions/wb/journal.jsonl`);
    assert.doesNotMatch(journal, /Boom/);

    // A role that may comment but not bookmark: nothing is written, the role is named.
    arm.setRole("responder");
    const refused = await runCasefile([...args.slice(0, 4), "wb2", ...args.slice(5)], {
      env,
      stdin: [
        "%kql one = SigninLogs | take 1",
        ".mark one finding A finding",
        ".incident write",
      ].join("\n") + "\n",
    });
    assert.equal(refused.code, 0, refused.stderr);
    assert.match(refused.stderr, /not-attempted: comment/);
    assert.match(refused.stderr, /0 of 2 items were written/);
    assert.match(refused.stderr, /Microsoft Sentinel Contributor/);
    assert.equal(arm.bookmarks().length, 1);
  } finally {
    await twins.close();
  }
});
