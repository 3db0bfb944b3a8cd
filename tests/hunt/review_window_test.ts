/**
 * Review fixes of the library runner: a window written without an offset is UTC, as KQL
 * reads it, whatever the machine's time zone; and `{window}` in a query's text (which the
 * runner does not substitute) is a validation problem, not KQL that fails at run time.
 * Expected values: the demo case's spray (fixtures/demo-case/ANSWERS.md, stage 1:
 * 2026-03-11T02:10:00Z to 03:47:29Z from three addresses).
 */
import assert from "node:assert/strict";
import { HuntLibraryError, validateHuntFamilies } from "../../src/hunt/mod.ts";
import { REPO, run } from "../scenarios/_harness.ts";

Deno.test({
  name: "casefile hunt run: start and end without an offset are UTC, in any time zone",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const ran = await run(Deno.execPath(), [
      "run",
      "-A",
      "repl/main.ts",
      "hunt",
      "run",
      "identity.passwordSpraySourcesByIp",
      "--param",
      "minAccounts=100",
      "--param",
      "start=2026-03-11T02:00",
      "--param",
      "end=2026-03-11T04:00",
    ], { cwd: REPO, env: { TZ: "America/New_York" } });
    assert.equal(ran.code, 0, ran.stderr);
    for (const ip of ["203.0.113.61", "203.0.113.88", "203.0.113.45"]) {
      assert.ok(ran.stdout.includes(ip), `${ip} in ${ran.stdout}`);
    }
    assert.match(ran.stdout, /3 rows · identity\.passwordSpraySourcesByIp/);
  },
});

Deno.test("a query that uses {window} does not validate (only {start} and {end} are substituted)", () => {
  const family = {
    name: "f",
    description: "d",
    queries: [{
      name: "q",
      description: "d",
      tables: ["SigninLogs"],
      parameters: {},
      window: "1d",
      tactics: [],
      techniques: [],
      columns: ["n"],
      query: "SigninLogs | where TimeGenerated > ago({window}) | count",
    }],
  };
  assert.throws(
    () => validateHuntFamilies([family]),
    (e: HuntLibraryError) =>
      e instanceof HuntLibraryError && e.problems.some((p) =>
        p.field === "query" &&
        /\{window\} is used but not declared/.test(p.message)
      ),
  );
});
