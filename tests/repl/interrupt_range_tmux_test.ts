/**
 * Ctrl-C during a long `range` query in the REPL (issue 19): `range` used to build its 100
 * million values in JavaScript on the main thread, where Ctrl-C was seen only once they
 * were made (about 35 s); now Polars makes them while the query runs, and the wait for
 * Polars ends at Ctrl-C. The session stays usable: the next query answers, with the row
 * count Kusto gives a constant-only projection (issue 16).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Terminal } from "../_tmux.ts";
import { tempFolder } from "../_helpers.ts";

const LONG = "range x from 1 to 100000000 step 1 | summarize sum(x), dcount(x)";

Deno.test({
  name: "Ctrl-C cancels a long range query; the next query answers",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempFolder();
    const t = new Terminal();
    try {
      await t.start(["repl", "--home", home, "--session", "ranges"]);
      await t.waitFor(/ranges>/);
      await t.line(`%kql big = ${LONG}`);
      await t.waitFor(/running \d+\.\d s .*\(Ctrl-C cancels\)/);
      await t.press("C-c");
      await t.waitFor(/^Cancelled\.$/m);
      const journal = await Deno.readTextFile(join(home, "sessions", "ranges", "journal.jsonl"));
      const steps = journal.trim().split("\n").map((l) => JSON.parse(l))
        .filter((r) => r.type === "step" && r.name === "big");
      // Cancelled by the engine's flag or by the REPL's abort signal, whichever is first.
      assert.deepEqual(steps.map((r) => r.status), ["error"]);
      assert.match(steps[0].error?.message, /^Cancelled \(Ctrl-C\)\.$|aborted/);
      assert.ok(!journal.includes("sum_x"), "the cancelled query bound no result");
      // Three input rows, three output rows, each 'a'.
      await t.line(`%kql small = range x from 1 to 3 step 1 | project s = 'a'`);
      await t.waitFor(/\(small · step \d+/);
      await t.line("small.getColumn('s').toArray()");
      await t.waitFor(/\[ "a", "a", "a" \]/);
    } finally {
      await t.close();
    }
  },
});
