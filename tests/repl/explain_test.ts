/**
 * Did-you-mean for plain TypeScript and Polars errors in the REPL: an unknown variable, a
 * method, a column of a frame.
 */
import assert from "node:assert/strict";
import { explainError } from "../../repl/_explain.ts";
import { UnknownNameError } from "../../repl/errors.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";
import { pipeRepl } from "./_piped.ts";

const spray = pl.DataFrame({ IPAddress: ["a"], Failures: [1], Successes: [0] });
const vars = Object.assign(Object.create({ renderChart: () => {} }), { spray, fails: 1 });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail("did not throw");
}

Deno.test("an unknown variable: the closest names in scope", () => {
  const e = explainError(new ReferenceError("sprayy is not defined"), "sprayy.head(2)", vars);
  assert.ok(e instanceof UnknownNameError);
  assert.equal(e.message, "sprayy is not defined. Did you mean 'spray'?");
  assert.equal(e.hint, "Variables: spray, fails.");
  // The API in scope is a candidate too.
  const api = explainError(new ReferenceError("renderChrt is not defined"), "renderChrt(x)", vars);
  assert.match((api as Error).message, /Did you mean 'renderChart'\?/);
  // A name the input does not use (from inside a library) is left as it is.
  const inner = new ReferenceError("window is not defined");
  assert.equal(explainError(inner, "spray.head(2)", vars), inner);
});

Deno.test("a column Polars does not find: the frame the input names, its close columns", () => {
  const raw = thrown(() => spray.select("Failurez"));
  const e = explainError(raw, 'spray.select("Failurez")', vars) as UnknownNameError;
  assert.ok(e instanceof UnknownNameError, String(raw));
  assert.equal(
    e.message,
    "no column 'Failurez' in spray. Did you mean 'Failures'? Columns: IPAddress, Failures, Successes",
  );
  // The lazy form says it differently ("unable to find column ...; valid columns").
  const lazy = thrown(() => spray.groupBy("IPAdress").len());
  const l = explainError(lazy, 'spray.groupBy("IPAdress").len()', vars) as Error;
  assert.match(l.message, /^no column 'IPAdress' in spray\. Did you mean 'IPAddress'\?/);
  // Other errors pass through.
  const other = new RangeError("Invalid array length");
  assert.equal(explainError(other, "spray", vars), other);
});

Deno.test("a method that is not there: the value's close methods", () => {
  const raw = thrown(() => (spray as unknown as { hed(n: number): void }).hed(2));
  const e = explainError(raw, "spray.hed(2)", vars) as Error;
  assert.match(e.message, /^spray\.hed is not a function\. Did you mean 'head'/);
});

Deno.test({
  name: "in the piped REPL: did-you-mean for a mistyped variable and column",
  sanitizeResources: false,
  async fn() {
    const home = await tempFolder();
    const run = await pipeRepl(home, "typos", [
      `%kql spray = SigninLogs | where ResultType == "50126" | summarize Failures = count() by IPAddress`,
      "sprayy.head(2)",
      'spray.select("Failurez")',
      "spray.height > 0",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const errors = run.stderr.split("\n").filter((l) => l.startsWith("error"));
    assert.deepEqual(errors, [
      "error: sprayy is not defined. Did you mean 'spray'?",
      "error: no column 'Failurez' in spray. Did you mean 'Failures'? Columns: IPAddress, Failures",
    ]);
    // The REPL went on.
    assert.match(run.stdout, /^true$/m);
  },
});
