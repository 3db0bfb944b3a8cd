/**
 * Pattern invocations (`declare pattern`) wherever a table can go (issue 16): the right
 * side of `join` and `lookup`, a `let`, `as`, `materialize`, `toscalar`, `in (…)`, a
 * function's body, the sub-queries of `fork` and `facet`. The pattern maps "a" and "b" to
 * two small tables, so every expected result below is worked out by hand from them:
 *
 *     p("a"): x=1 v="one",  x=2 v="two"
 *     p("b"): x=2 w="deux", x=3 w="trois"
 *
 * Kusto documents pattern arguments and paths as strings only (the pattern statement page:
 * ArgType and PathArgType "possible values: string"), so anything else is a clear error.
 * One test goes through the front door (`casefile query`).
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";
import { CasefileError } from "../../src/errors.ts";

const P = `declare pattern p = (name:string) {
  ("a") = { datatable(x:long, v:string)[1, "one", 2, "two"] };
  ("b") = { datatable(x:long, w:string)[2, "deux", 3, "trois"] };
};
`;

async function rows(query: string): Promise<Record<string, unknown>[]> {
  const result = await executeKql(P + query);
  return result.frame.toRecords() as Record<string, unknown>[];
}

Deno.test("a pattern invocation is the right side of join and lookup", async () => {
  // Only x=2 is in both tables.
  assert.deepEqual(await rows(`p("a") | join (p("b")) on x`), [
    { x: 2, v: "two", x1: 2, w: "deux" },
  ]);
  assert.deepEqual(await rows(`p("a") | join kind=leftanti p("b") on x`), [{ x: 1, v: "one" }]);
  assert.deepEqual(await rows(`p("a") | lookup (p("b")) on x | order by x asc`), [
    { x: 1, v: "one", w: "" },
    { x: 2, v: "two", w: "deux" },
  ]);
});

Deno.test("a pattern invocation is bound by let, as and materialize", async () => {
  assert.deepEqual(await rows(`let t = p("a"); t | count`), [{ Count: 2 }]);
  assert.deepEqual(await rows(`p("a") | as T | join (T) on x | count`), [{ Count: 2 }]);
  assert.deepEqual(await rows(`let m = materialize(p("b")); m | union m | count`), [{
    Count: 4,
  }]);
});

Deno.test("a pattern invocation feeds toscalar and in (…)", async () => {
  assert.deepEqual(await rows(`print n = toscalar(p("b") | summarize max(x))`), [{ n: 3 }]);
  assert.deepEqual(await rows(`p("b") | where x in (p("a") | project x)`), [{ x: 2, w: "deux" }]);
  assert.deepEqual(await rows(`p("b") | where x !in (p("a") | project x)`), [{
    x: 3,
    w: "trois",
  }]);
});

Deno.test("a pattern invocation runs inside a function's body", async () => {
  assert.deepEqual(await rows(`let f = (k:long) { p("b") | where x > k }; f(2)`), [
    { x: 3, w: "trois" },
  ]);
  assert.deepEqual(await rows(`let f = () { p("a") }; f() | count`), [{ Count: 2 }]);
});

Deno.test("a pattern invocation runs inside fork and facet sub-queries", async () => {
  const forked = await executeKql(P + `p("a") | fork (join (p("b")) on x | count) (where x == 1)`);
  assert.deepEqual(forked.frame.toRecords(), [{ Count: 1 }]);
  assert.deepEqual(forked.tables?.[1].frame.toRecords(), [{ x: 1, v: "one" }]);
  const faceted = await executeKql(
    P + `p("a") | facet by v with (join kind=leftanti (p("b")) on x)`,
  );
  assert.deepEqual(faceted.frame.toRecords(), [{ x: 1, v: "one" }]);
});

Deno.test("a union names the same mapping once, wherever it stands", async () => {
  assert.deepEqual(await rows(`union p("a"), p('a'), p("b") | count`), [{ Count: 4 }]);
  assert.deepEqual(await rows(`p("a") | union p("b") | count`), [{ Count: 4 }]);
});

Deno.test("a pattern argument that is not a string literal is a clear error", async () => {
  for (
    const [query, what] of [
      [`p(1)`, /long 1 is not a string literal/],
      [`p("a", 2) | count`, /long 2 is not a string literal/],
      [`let y = "a"; p(y)`, /'y' is not a string literal/],
      [`p("a") | join (p(1)) on x`, /long 1 is not a string literal/],
    ] as const
  ) {
    await assert.rejects(() => executeKql(P + query), (error: Error) => {
      assert.match(error.message, /the arguments and path of pattern 'p' are strings/);
      assert.match(error.message, what);
      assert.ok(error instanceof CasefileError, "a casefile error, not a crash");
      assert.ok((error as { hint?: string }).hint, "the error carries a hint");
      return true;
    });
  }
});

Deno.test("casefile query: a pattern on a join's right side and in a let", async () => {
  const run = await runCasefile([
    "query",
    `${P}let t = p("b"); p("a") | join kind=inner (t) on x | project x, v, w`,
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), [{ x: 2, v: "two", w: "deux" }]);
  const wrong = await runCasefile(["query", `${P}p("a") | join (p(7)) on x`]);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr + wrong.stdout, /pattern 'p' are strings: long 7/);
});
