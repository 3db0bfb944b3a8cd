/**
 * The front door for the office, dns and threatIntel families until `.hunt` lands: their
 * query text, with parameters substituted, typed into the REPL (piped) as `%kql` steps, and
 * what an analyst reads on the screen checked against the answer key.
 */
import assert from "node:assert/strict";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { FAMILY as OFFICE } from "../../src/hunt/library/_office.ts";
import { FAMILY as DNS } from "../../src/hunt/library/_dns.ts";
import { FAMILY as THREAT_INTEL } from "../../src/hunt/library/_threat_intel.ts";
import type { HuntFamily } from "../../src/hunt/types.ts";
import { substitute } from "./_family_check.ts";
import { pipeRepl } from "../repl/_piped.ts";
import { tempDir } from "../_helpers.ts";

/** A `%kql` step on one line (KQL ignores line breaks; `//` comment lines are dropped). */
function step(variable: string, family: HuntFamily, name: string): string {
  const query = family.queries.find((q) => q.name === name);
  assert.ok(query, name);
  const text = substitute(query).split("\n").filter((l) => !l.trim().startsWith("//"));
  return `%kql ${variable} = ${text.join(" ")}`;
}

Deno.test("library queries typed into the REPL show the planted forwarding rule, DNS tunnel and spray addresses", async () => {
  const home = await tempDir();
  const input = [
    step("rules", OFFICE, "inboxRulesForwardingMail"),
    'console.log("target=" + rules.getColumn("Target").toArray().join(","))',
    step("tunnel", DNS, "tunnellingLongLabels"),
    step("known", THREAT_INTEL, "ipIndicatorsInSignins"),
    'console.log("known=" + known.getColumn("IPAddress").toArray().sort().join(","))',
  ];
  const { code, stdout, stderr } = await pipeRepl(home, "hunt", input);
  assert.equal(code, 0, stderr);
  assert.equal(stderr.trim(), "", stderr);
  // The forwarding rule: the victim, the attacker's address, the rule's target.
  assert.match(
    stdout,
    /daniel\.reyes@larkspurlogistics\.example\s+203\.0\.113\.45:50412\s+New-InboxRule/,
  );
  assert.ok(stdout.includes(`target=${ANSWER_KEY.inboxRule.forwardTo}\n`), stdout);
  // The tunnel domain heads the table, with its 1100 queries from one client.
  assert.match(
    stdout,
    new RegExp(
      `ParentDomain[^\\n]*\\n-+[^\\n]*\\n${
        ANSWER_KEY.dnsTunnel.domain.replaceAll(".", "\\.")
      }\\s+${ANSWER_KEY.dnsTunnel.queries}\\s+\\d+\\s+1\\s`,
    ),
  );
  // The spray addresses the workspace's threat intel knows (not the attacker's own).
  const known = ANSWER_KEY.indicators.filter((i) => i.type === "ipv4" && i.inWorkspaceTi)
    .map((i) => i.value).filter((ip) => ANSWER_KEY.spray.ips.includes(ip)).sort();
  assert.ok(stdout.includes(`known=${known.join(",")}\n`), stdout);
  assert.match(stdout, /\(rules · step 1 ·/);
});
