/**
 * What `session`, `session.step(n)` and `session.steps()` print in the REPL (issue 19):
 * one line each (a session's name, steps and provider; a step's number, name, kind, rows
 * and duration), not the raw objects with their journal records.
 */
import assert from "node:assert/strict";
import { pipeRepl } from "./_piped.ts";
import { tempDir } from "../_helpers.ts";

Deno.test({
  name: "the REPL prints a session and its steps one line each",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempDir("casefile-inspect-");
    const repl = await pipeRepl(home, "inspect", [
      // ANSWERS.md stage 1: the three spray sources each failed with 50126.
      '%kql spray = SigninLogs | where IPAddress in ("203.0.113.61", "203.0.113.88", "203.0.113.45") and ResultType == "50126" | summarize Failures = count() by IPAddress',
      "oops = sprayz.height",
      ".mark 1 finding three spray sources",
      "session",
      "session.step(1)",
      'session.step("oops")',
      "session.steps()",
    ]);
    assert.equal(repl.code, 0, repl.stderr);
    const out = repl.stdout;
    // The session: its name, its steps (the one printing it included), the failed one, the
    // finding, and the provider it queries.
    assert.match(
      out,
      /^session inspect: 3 steps \(1 failed, 1 finding\), provider local:\S*fixtures\/demo-case$/m,
    );
    // A step: number, name, kind, rows (three sources), duration, and its mark.
    assert.match(
      out,
      /^step 1 spray \(query\): 3 rows, \d+ ms · finding: three spray sources$/m,
    );
    assert.match(out, /^step 2 oops \(code\): failed \(ReferenceError\), \d+ ms$/m);
    // The list: one line a step, in order.
    const list = out.slice(out.lastIndexOf("[\n"));
    assert.match(
      list,
      /^\[\n {2}step 1 spray \(query\): 3 rows, [^\n]+,\n {2}step 2 oops \(code\): failed[^\n]+,\n {2}step 3 _3 \(code\): Session, [^\n]+,\n/,
    );
    // Never the raw objects, nor an error from printing them.
    assert.doesNotMatch(out, /record: \{|journal|sha256/);
    assert.doesNotMatch(repl.stderr, /There is no parameter/);
  },
});
