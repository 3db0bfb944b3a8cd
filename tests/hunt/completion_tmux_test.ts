/**
 * The hunting library as an analyst finds it in a terminal (issue 21): Tab after `hunt.`
 * lists the families, Tab after `hunt.identity.` the family's queries, and one of them run
 * with the victim's account shows the attacker's sign-ins (fixtures/demo-case/ANSWERS.md:
 * daniel.reyes signs in from 203.0.113.45 on 11 March, after the spray).
 */
import { match, ok } from "node:assert/strict";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { tempDir } from "../_helpers.ts";

const ignore = !(await tmuxAvailable());

// The library's families and a few identity queries, as its files name them (written here,
// not read from the library, so a family that stops completing fails the test).
const FAMILIES = ["azure", "dns", "endpoint", "identity", "linux", "network", "office", "windows"];
const IDENTITY = ["signInsOfAccount", "passwordSpraySourcesByIp", "impossibleTravel"];

/**
 * Presses Tab until the screen passes `test`: readline lists the candidates on a second Tab,
 * and one pressed while the first is still being answered is dropped.
 */
async function tabUntil(term: Terminal, what: string, test: (screen: string) => boolean) {
  for (let i = 0; i < 10; i++) {
    await term.press("Tab");
    try {
      return await term.waitUntil(what, test, 3_000);
    } catch {
      // Not yet: press again.
    }
  }
  return await term.waitUntil(what, test, 1);
}

Deno.test({
  name: "the REPL: Tab completes hunt. to families and hunt.identity. to queries; one runs",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const home = await tempDir("casefile-hunt-tab-");
    const term = new Terminal({ scrollback: 5000 });
    try {
      await term.start(["--home", home]);
      await term.waitFor(/\n(demo-\d{8}-\d{6})> ?$/);

      // `hunt.` then Tab: the candidates are the families.
      await term.type("hunt.");
      const families = await tabUntil(
        term,
        "the families listed",
        (screen) => FAMILIES.every((f) => new RegExp(`\\b${f}\\b`).test(screen.slice(-2000))),
      );
      ok(/threatIntel/.test(families.slice(-2000)), families.slice(-2000));

      // Complete `ident` to the family, then list its queries.
      await term.press("C-u");
      await term.type("hunt.ident");
      await term.press("Tab");
      await term.waitFor(/hunt\.identity$/m);
      await term.type(".");
      const queries = await tabUntil(
        term,
        "the identity queries listed",
        (screen) => IDENTITY.every((q) => screen.slice(-4000).includes(q)),
      );
      // Only identity's own queries: no other family's query is offered.
      ok(!/dnsTunnel|inboxRule|encodedPowerShell/i.test(queries.slice(-4000)), queries);

      // Complete one query's name, and run it with the victim's account.
      await term.press("C-u");
      await term.type("signins = await hunt.identity.signInsOfAcc");
      await term.press("Tab");
      await term.waitFor(/hunt\.identity\.signInsOfAccount$/m);
      await term.line('({ account: "daniel.reyes@larkspurlogistics.example" })');
      const shown = await term.waitFor(/\(25 rows × \d+ columns[^\n]*\n\S+> ?$/);
      const result = shown.slice(shown.lastIndexOf("signInsOfAccount({"));
      // ANSWERS.md: from 203.0.113.45 the legacy IMAP sign-in succeeds; at 09:21:44 the
      // OfficeHome sign-in is told to register MFA (50079); at 09:26:10 it succeeds.
      match(result, /2026-03-11 \d\d:\d\d:\d\d +203\.0\.113\.45 +BR .*IMAP4 +0$/m);
      match(result, /2026-03-11 09:21:44 +203\.0\.113\.45 +BR +Sao Paulo +OfficeHome .* 50079$/m);
      match(result, /2026-03-11 09:26:10 +203\.0\.113\.45 +BR +Sao Paulo +OfficeHome .* 0$/m);
      // The victim's own sign-ins come from the London office.
      match(result, /192\.0\.2\.10 +GB +London/);
    } finally {
      await term.close();
    }
  },
});
