/**
 * A new investigator's small stumbles (G): `.rerun N name=value` printed only "step N fails:
 * 1 rows", so the new answer had to be asked for by name; and one row was "1 rows". The
 * rerun now shows the result as a step does, and counts of one are singular.
 */
import assert from "node:assert/strict";
import { pipeRepl } from "./_piped.ts";
import { tempFolder } from "../_helpers.ts";

Deno.test(".rerun with another parameter value prints the new result; one row is '1 row'", async () => {
  const home = await tempFolder();
  const run = await pipeRepl(home, "rerun", [
    ".set code 50126",
    `%kql fails = SigninLogs | where ResultType == "{{code}}" | summarize Failures = count()`,
    ".rerun 1 code=50057",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const after = run.stdout.slice(run.stdout.indexOf("step 1 fails:"));
  assert.match(after, /^step 1 fails: 1 row · /);
  // ANSWERS.md, stage 1: 9 failures with 50057 (disabled leavers), shown without asking.
  assert.match(after, /Failures[\s\S]*\b9\b/);
  assert.match(after, /\(1 row × 1 column\)/);
  assert.doesNotMatch(run.stdout, /\b1 rows\b|\b1 columns\b/);
});
