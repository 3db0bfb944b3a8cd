/**
 * Math functions where `deno task mutate src/kql/functions/_math.ts` found bugs the other tests
 * let through (issue 23). Expected values by hand or from an independent source:
 * - round(x, p) with a negative precision rounds to tens, hundreds (Kusto's round() page); a
 *   precision from a column takes the row-by-row path, not the constant one.
 * - rand(N) is an integer in [0, N): rand(1) is always 0, and rand(0) has no value (null).
 * - bitset_count_ones(42) is 3 (Kusto's page); 0 has no bit set, -1 all 64.
 * - The beta density at the ends of [0, 1]: Beta(1, 1) is the uniform density (1 everywhere);
 *   with a shape above 1 the density is 0 at that end (x^(a-1) with a-1 > 0). The CDF is 0 at 0
 *   and 1 at 1.
 * - loggamma() is ln|Γ(x)|: Γ(-0.5) = -2√π, so loggamma(-0.5) = ln(2√π) = 1.2655121234846454;
 *   loggamma(0.25) = 1.2880225246980772 (Python's math.lgamma).
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";

async function column(query: string): Promise<unknown[]> {
  const { frame } = await executeKql(query);
  return frame.getColumn("r").toArray().map((v) => typeof v === "bigint" ? Number(v) : v);
}

function close(actual: unknown, expected: number, tolerance = 1e-12): void {
  assert.equal(typeof actual, "number", `not a number: ${actual}`);
  assert.ok(
    Math.abs((actual as number) - expected) <= tolerance,
    `${actual} is not ${expected}`,
  );
}

Deno.test("mutation/math: round() to tens and hundreds with the precision in a column", async () => {
  assert.deepEqual(
    await column("datatable(p: long) [-1, -2, 1, 0] | extend r = round(1234.5678, p)"),
    [1230, 1200, 1234.6, 1235],
  );
  // The same constant precision folds while compiling: the same answers.
  assert.deepEqual(
    await column("print r = round(1234.5678, -1) | union (print r = round(1234.5678, -2))"),
    [1230, 1200],
  );
});

Deno.test("mutation/math: rand(N) is in [0, N): rand(1) is 0, rand(0) is null", async () => {
  assert.deepEqual(await column("range i from 1 to 5 step 1 | extend r = rand(1)"), [
    0,
    0,
    0,
    0,
    0,
  ]);
  assert.deepEqual(await column("range i from 1 to 3 step 1 | extend r = rand(0)"), [
    null,
    null,
    null,
  ]);
  const tens = await column("range i from 1 to 200 step 1 | extend r = rand(10)");
  assert.ok(tens.every((v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 10));
});

Deno.test("mutation/math: bitset_count_ones() of 0, 42 and -1", async () => {
  assert.deepEqual(
    await column("datatable(x: long) [0, 42, -1] | extend r = bitset_count_ones(x)"),
    [0, 3, 64],
  );
  assert.deepEqual(await column("print r = bitset_count_ones(0)"), [0]);
});

Deno.test("mutation/math: beta_pdf() and beta_cdf() at the ends of [0, 1]", async () => {
  const [uniform, zeroA, zeroB] = await column(
    "print r = beta_pdf(0.0, 1.0, 1.0) | union (print r = beta_pdf(0.0, 1.5, 2.0)) " +
      "| union (print r = beta_pdf(1.0, 2.0, 1.5))",
  );
  close(uniform, 1);
  assert.equal(zeroA, 0);
  assert.equal(zeroB, 0);
  assert.deepEqual(
    await column("datatable(x: real) [0.0, 1.0] | extend r = beta_cdf(x, 2.0, 5.0)"),
    [0, 1],
  );
});

Deno.test("mutation/math: loggamma() below 0.5 (the reflection formula)", async () => {
  const [negative, quarter] = await column(
    "datatable(x: real) [-0.5, 0.25] | extend r = loggamma(x)",
  );
  close(negative, 1.2655121234846454);
  close(quarter, 1.2880225246980772);
});

Deno.test("mutation/math: casefile query prints them as a person reads them", async () => {
  const run = await runCasefile([
    "query",
    "datatable(p: long) [-1, -2] | extend r = round(1234.5678, p), ones = bitset_count_ones(0), " +
    "g = round(loggamma(-0.5), 10), one = rand(1)",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "p,r,ones,g,one\n-1,1230,0,1.2655121235,0\n-2,1200,0,1.2655121235,0\n");
});
