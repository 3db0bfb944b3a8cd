/**
 * Ctrl-C during a heavy local query (the engine holds the main thread for seconds): the
 * spinner shows and says it is cancelling, the REPL comes back to its prompt, and the
 * session is intact (its variables, and the same query runs to the end afterwards).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Terminal } from "../_tmux.ts";
import { tempFolder } from "../_helpers.ts";

// Splits 4 x 202,743 command lines into words, next to their computers' name parts, and
// counts the words: seconds of work in the engine. (An expansion of two columns at once is
// done in JavaScript, row by row; one column of words alone is a native Polars explode,
// over too fast to interrupt.)
const HEAVY = `union SecurityEvent, SecurityEvent, SecurityEvent, SecurityEvent ` +
  `| project CommandLine, Computer ` +
  `| extend w = split(CommandLine, " "), c = split(Computer, ".") | mv-expand w, c ` +
  `| summarize n = count() by Word = tostring(w) | top 3 by n`;

Deno.test({
  name: "Ctrl-C cancels a heavy local query; the session is intact",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempFolder();
    const t = new Terminal();
    try {
      await t.start(["repl", "--home", home, "--session", "heavy"]);
      await t.waitFor(/heavy>/);
      await t.line(`%kql events = SecurityEvent | count`);
      await t.waitFor(/\(events · step 1/);
      await t.line(`%kql words = ${HEAVY}`);
      // The spinner is drawn by its own thread while the engine works.
      await t.waitFor(/running \d+\.\d s .*\(Ctrl-C cancels\)/);
      await t.press("C-c");
      // The spinner says it is cancelling, unless the engine stops first (within a batch of
      // rows, before the screen is read) and the line is already gone.
      await t.waitFor(/cancelling|^Cancelled\.$/m);
      await t.waitFor(/^Cancelled\.$/m);
      // The engine stopped the work itself, at Ctrl-C (not the query finished, then dropped).
      const journal = await Deno.readTextFile(join(home, "sessions", "heavy", "journal.jsonl"));
      const failed = journal.trim().split("\n").map((l) => JSON.parse(l))
        .filter((r) => r.type === "step" && r.name === "words");
      assert.deepEqual(failed.map((r) => [r.status, r.error?.message]), [
        ["error", "Cancelled (Ctrl-C)."],
      ]);
      await t.line("events.getColumn('Count').toArray()");
      const screen = await t.waitFor(/\[ 204172n? \]/); // manifest.json: SecurityEvent rows
      assert.doesNotMatch(screen, /\(words · step/, "the cancelled query bound nothing");
      // The same query runs to the end when left alone.
      await t.line(`%kql words = ${HEAVY}`);
      await t.waitFor(/\(words · step \d+/, 120_000);
    } finally {
      await t.close();
    }
  },
});
