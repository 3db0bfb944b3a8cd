/**
 * Ctrl-C during a heavy local query when standard error is sent to a file (`casefile 2>log`):
 * the spinner draws nothing into the file, but its thread still answers Ctrl-C while the
 * engine holds the main thread, so the query stops at once rather than running to its end
 * (about a minute here) before the REPL sees the key.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Terminal } from "../_tmux.ts";
import { tempFolder } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
// Words of 16 x 202,743 command lines, split row by row in JavaScript (interrupt_tmux_test).
const HEAVY = `union ${Array(16).fill("SecurityEvent").join(", ")} ` +
  `| project CommandLine, Computer ` +
  `| extend w = split(CommandLine, " "), c = split(Computer, ".") | mv-expand w, c ` +
  `| summarize n = count() by Word = tostring(w) | top 3 by n`;

Deno.test({
  name: "Ctrl-C cancels a heavy local query with standard error in a file",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempFolder();
    const log = join(home, "stderr.log");
    const t = new Terminal();
    try {
      const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
      const command = [Deno.execPath(), "run", "--allow-all", "repl/main.ts", "repl", "--home"]
        .concat([home, "--session", "heavy"]).map(quote).join(" ");
      await t.tmux(
        "new-session",
        ...["-d", "-x", "160", "-y", "50", "-s", "repl", "-c", REPO, "-e", "NO_COLOR=1"],
        `${command} 2>${quote(log)}; sleep 600`,
      );
      await t.waitFor(/heavy>/);
      await t.line(`%kql words = ${HEAVY}`);
      // Into the engine's work (nothing shows it: the spinner is not drawn into the file).
      await new Promise((r) => setTimeout(r, 3000));
      await t.press("C-c");
      // The deadline guards a hang: the query left alone takes about a minute.
      const deadline = Date.now() + 30_000;
      let text = "";
      while (!/^Cancelled\.$/m.test(text) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        text = await Deno.readTextFile(log).catch(() => "");
      }
      assert.match(text, /^Cancelled\.$/m, "Ctrl-C stopped the query");
      assert.doesNotMatch(text, /Ctrl-C cancels|\r/, "no spinner drawn into the file");
    } finally {
      await t.close();
    }
  },
});
