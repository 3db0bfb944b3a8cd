/**
 * `parse_json()` and its other names take one argument (src/kql/functions/_core.ts; issue 23: a
 * harness run's survivor, `maxArgs: 1` → 2, let `parse_json("1", "2")` through). Kusto's
 * parse_json page gives the syntax `parse_json(json)` with one parameter; a second argument is an
 * error, placed on the call, not a value silently ignored.
 */
import assert from "node:assert/strict";
import { runCasefile } from "../_helpers.ts";

Deno.test("mutation/core: parse_json() with a second argument is an error (casefile query)", async () => {
  for (const name of ["parse_json", "todynamic", "toobject"]) {
    const run = await runCasefile(["query", `print ${name}("1", "2")`, "--format", "json"]);
    assert.equal(run.code, 1, `${name}: ${run.stdout}`);
    assert.equal(run.stdout, "", name);
    assert.match(run.stderr, new RegExp(`${name}\\(\\) takes 1 argument\\(s\\), not 2`));
    assert.match(run.stderr, /\(line 1, column 7\)/);
  }
});
