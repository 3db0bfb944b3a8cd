/**
 * Ctrl-C during a row-by-row function over a wide table (a new investigator's stumble B):
 * `pack_all()` over SecurityEvent's 229 columns used to read every column of every row
 * out of Polars before its first check of Ctrl-C, and to write every result back after
 * its last, so "Cancelled." came 15 to 24 s after the key. The rows now go batch by batch
 * (4096 at a time), with a check between batches.
 *
 * The query reads SecurityEvent twice (405,486 rows): left to run, its row-by-row stretch
 * lasts minutes on a loaded machine. The wait for "Cancelled." is not a timing: it is a
 * bound that only a query which runs to its end (or to the end of its reading) exceeds.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Terminal } from "../_tmux.ts";
import { tempFolder } from "../_helpers.ts";

const WIDE = `union SecurityEvent, SecurityEvent ` +
  `| extend p = tostring(pack_all()) | summarize n = count() by len = strlen(p) | top 3 by n`;

Deno.test({
  name: "Ctrl-C stops pack_all() over a wide table within a batch; the session goes on",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempFolder();
    const t = new Terminal();
    try {
      await t.start(["repl", "--home", home, "--session", "wide"]);
      await t.waitFor(/wide>/);
      await t.line(`%kql packed = ${WIDE}`);
      // Past the reading of the table (about 2 s): inside the row-by-row function.
      await t.waitFor(/running ([3-9]|\d\d+)\.\d s .*\(Ctrl-C cancels\)/, 120_000);
      await t.press("C-c");
      await t.waitFor(/^Cancelled\.$/m, 60_000);
      const journal = await Deno.readTextFile(join(home, "sessions", "wide", "journal.jsonl"));
      const steps = journal.trim().split("\n").map((l) => JSON.parse(l))
        .filter((r) => r.type === "step" && r.name === "packed");
      assert.deepEqual(steps.map((r) => r.status), ["error"]);
      assert.match(steps[0].error?.message, /^Cancelled \(Ctrl-C\)\.$|aborted/);
      // The prompt is back and answers: ANSWERS.md's 9 sign-ins of disabled leavers (50057).
      await t.line(`%kql disabled = SigninLogs | where ResultType == "50057" | count`);
      await t.waitFor(/\(disabled · step \d+/);
      await t.line("disabled.getColumn('Count').toArray()");
      await t.waitFor(/\[ 9 \]/);
    } finally {
      await t.close();
    }
  },
});
