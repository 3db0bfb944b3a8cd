/**
 * `parse_json()` of a value that is already dynamic (src/kql/functions/_core.ts; issue 23: the
 * harness run's survivor "`if (x.type === "dynamic") return x;` removed", listed before as
 * equivalent). Kusto's parse_json page: "If json is of type dynamic, its value is used as-is",
 * and its note: a second `parse_json` of a slot holding JSON text passes it through unchanged
 * (hence `tostring` first). Without the early return a dynamic real went through the text
 * route and came back a long.
 */
import assert from "node:assert/strict";
import { runCasefile } from "../_helpers.ts";

Deno.test("mutation/core: parse_json() of a dynamic value keeps it as it is (casefile query)", async () => {
  const run = await runCasefile([
    "query",
    `let d = '{"a":123, "b":"{\\\\"c\\\\":456}"}';
     print r = parse_json(dynamic(5.0)),
           t = gettype(parse_json(dynamic(5.0))),
           u = gettype(dynamic(5.0)),
           inner = parse_json(parse_json(d).b).c,
           twice = parse_json(tostring(parse_json(d).b)).c`,
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const [row] = JSON.parse(run.stdout);
  // As-is: the same type before and after, a real (5.0 is a real literal).
  assert.equal(row.u, "real");
  assert.equal(row.t, row.u);
  assert.equal(row.r, 5);
  // The docs' example: without tostring the slot stays a string, which has no "c"; with it, 456.
  assert.equal(row.inner ?? null, null);
  assert.equal(row.twice, 456);
});
