/**
 * The REPL's own tables fit the terminal: at 160 columns `.help` and `.history` (with its
 * status, what each step gave and the note) ran over the edge, and the terminal broke their
 * rows mid-cell under the first column. Read with wrapped lines joined, as the REPL wrote
 * them, no line may be wider than the terminal (160 columns, set by tests/_tmux.ts).
 */
import assert from "node:assert/strict";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { displayWidth } from "../../src/display/mod.ts";
import { tempDir } from "../_helpers.ts";

const ignore = !(await tmuxAvailable());
const COLUMNS = 160;

function tooWide(screen: string): string[] {
  return screen.split("\n").filter((l) => displayWidth(l) > COLUMNS);
}

Deno.test({
  name: "the REPL: .help and .history fit a 160-column terminal, their last column wrapped",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const home = await tempDir("casefile-fit-");
    const term = new Terminal({ joinWrapped: true, scrollback: 5000 });
    try {
      await term.start(["--home", home, "--session", "fit"]);
      await term.waitFor(/fit> ?$/);
      await term.line(".help");
      const help = await term.waitFor(/^Keys: /m);
      assert.deepEqual(tooWide(help), []);
      // The longest description is there whole, its words in order over its lines.
      const words = help.slice(help.indexOf(".rerun N")).split(/\s+/).join(" ");
      assert.match(words, /--refresh asks the provider again instead of taking cached results/);

      await term.line("%kql alerts = SecurityAlert | summarize n = count() by AlertName");
      await term.waitFor(/\(alerts · step 1/);
      await term.line(
        '.mark alerts finding four stages alerted: "Password Spray", "Suspicious inbox forwarding", ' +
          '"Suspicious PowerShell command line", "Sensitive credential memory read"',
      );
      await term.waitFor(/step 1 marked finding/);
      // A failed step's status is its error, the widest column with the note and what it gave.
      await term.line('timeChart(alerts, { y: ["n"] })');
      await term.waitFor(/Did you mean `values`\?/);
      await term.line('const path = "C:/Windows/System32/" + "a".repeat(60)');
      await term.waitFor(/aaaa/);
      await term.line(".history");
      const history = await term.waitFor(/add a step's number to see it in full/);
      assert.deepEqual(tooWide(history.slice(history.lastIndexOf(".history"))), []);
      assert.match(history, /finding/);
    } finally {
      await term.close();
    }
  },
});
