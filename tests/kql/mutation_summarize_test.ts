/**
 * `summarize` (src/kql/compile/operators/_summarize.ts): group keys and their names,
 * aggregates inside scalar expressions, named arguments, and an empty input. Expected values
 * are counted by hand from the small table below, or are Kusto's documented results (the
 * summarize operator page: "Default values of aggregations"; an empty input without group keys
 * gives one row, with group keys none). Found by `deno task mutate` (issue 23).
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";
import { bindKql } from "./_kusto_binder.ts";

const NOW = new Date("2026-03-16T00:00:00Z");

// Three sign-ins: u1 twice (x 5 and 7), u2 once (x 1).
const T = `datatable(a: string, x: long, t: datetime) [
  "u1", 5, datetime(2024-01-01),
  "u1", 7, datetime(2024-01-02),
  "u2", 1, datetime(2024-01-03)]`;

async function run(query: string) {
  const result = await executeKql(query, { tables: {}, now: NOW });
  return {
    columns: result.schema.columns.map((c) => `${c.name}:${c.type}`),
    rows: result.frame.toRecords(),
  };
}

Deno.test("mutation/summarize: an empty input gives one row of defaults without keys, none with keys", async () => {
  const empty = await run(
    `${T} | where x > 100 | summarize c = count(), s = sum(x), d = dcount(a), l = make_list(a),
      m = max(x), v = avg(x)`,
  );
  // Kusto: count, sum, dcount are 0; make_list is []; all others null, but avg is NaN
  // (summarize-operator.md's empty-input example: "NaN due to dividing by 0").
  assert.deepEqual(empty.rows, [{ c: 0, s: 0, d: 0, l: "[]", m: null, v: NaN }]);
  const grouped = await run(`${T} | where x > 100 | summarize c = count() by a`);
  assert.deepEqual(grouped.columns, ["a:string", "c:long"]);
  assert.deepEqual(grouped.rows, []);
});

Deno.test("mutation/summarize: a group key with no name of its own is Column1, then Column2", async () => {
  const out = await run(`${T} | summarize n = count() by x % 2, x > 4`);
  assert.deepEqual(out.columns, ["Column1:long", "Column2:bool", "n:long"]);
  // By hand: 5 % 2 = 1 and 7 % 2 = 1 (both > 4), 1 % 2 = 1 (not > 4).
  const rows = out.rows.sort((p, q) => Number(p.n) - Number(q.n));
  assert.deepEqual(rows, [
    { Column1: 1, Column2: false, n: 1 },
    { Column1: 1, Column2: true, n: 2 },
  ]);
});

Deno.test("mutation/summarize: a group key named in the query keeps that name", async () => {
  const out = await run(`${T} | summarize n = count() by User = a | order by User asc`);
  assert.deepEqual(out.columns, ["User:string", "n:long"]);
  assert.deepEqual(out.rows, [{ User: "u1", n: 2 }, { User: "u2", n: 1 }]);
});

Deno.test("mutation/summarize: an aggregate's unnamed output is Column1, as Kusto.Language names it", async () => {
  const query = "T | summarize take_anyif(x + 1, x > 4)";
  const expected = bindKql(query, { T: "(a:string, x:long, t:datetime)" }).columns;
  assert.deepEqual(expected, [{ name: "Column1", type: "long" }]);
  const out = await run(query.replace("T |", `${T} |`));
  assert.deepEqual(out.columns, ["Column1:long"]);
  // Any row with x > 4: x + 1 is 6 or 8.
  assert.ok([6, 8].includes(out.rows[0].Column1 as number), String(out.rows[0].Column1));
  // A scalar function over a list aggregate.
  const joined = await run(`${T} | summarize s = strcat_array(make_set(a), "-")`);
  assert.deepEqual(String(joined.rows[0].s).split("-").sort(), ["u1", "u2"]);
});

Deno.test("mutation/summarize: aggregates inside expressions, in parentheses, in and round", async () => {
  const out = await run(
    `${T} | summarize c2 = (count()) * 2, three = count() in (3), r = round(avg(x), 1),
      spread = max(x) - min(x) by a`,
  );
  assert.deepEqual(out.columns, ["a:string", "c2:long", "three:bool", "r:real", "spread:long"]);
  const rows = out.rows.sort((p, q) => String(p.a).localeCompare(String(q.a)));
  // u1: 2 rows, avg 6, spread 2; u2: 1 row, avg 1, spread 0.
  assert.deepEqual(rows, [
    { a: "u1", c2: 4, three: false, r: 6, spread: 2 },
    { a: "u2", c2: 2, three: false, r: 1, spread: 0 },
  ]);
  // Named after the aggregate inside (Kusto.Language): round(avg(x), 1) is avg_x.
  const unnamed = await run(`${T} | summarize round(avg(x), 1)`);
  assert.deepEqual(unnamed.columns, ["avg_x:real"]);
  assert.deepEqual(unnamed.rows, [{ avg_x: 4.3 }]); // 13 / 3 = 4.33…
});

Deno.test("mutation/summarize: a named argument names the output (arg_max(t, N = x), sum(A = x))", async () => {
  const out = await run(`${T} | summarize arg_max(t, N = x), sum(A = x)`);
  assert.deepEqual(out.columns, ["t:datetime", "N:long", "sum_A:long"]);
  // The latest sign-in is u2's (x 1); the sum is 5 + 7 + 1.
  assert.equal(out.rows[0].N, 1);
  assert.equal(out.rows[0].sum_A, 13);
  assert.equal((out.rows[0].t as unknown as Date).toISOString(), "2024-01-03T00:00:00.000Z");
});

Deno.test("mutation/summarize: a list aggregate per group is a dynamic array", async () => {
  const out = await run(`${T} | summarize xs = make_list(x) by a | order by a asc`);
  assert.deepEqual(out.rows, [{ a: "u1", xs: "[5,7]" }, { a: "u2", xs: "[1]" }]);
});

Deno.test("mutation/summarize: an expression with no aggregate is a clear error", async () => {
  const query = `${T} | summarize x + 1`;
  await assert.rejects(() => run(query), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, String(e));
    assert.match(e.message, /summarize needs an aggregate function here/);
    const lines = query.split("\n");
    assert.equal(e.line, lines.length);
    assert.equal(e.column, lines.at(-1)!.indexOf("x + 1") + 1);
    return true;
  });
  await assert.rejects(() => run(`${T} | summarize count(x, 2, 3)`), /does not take 3 argument/);
  // A scalar function is no aggregate; an unknown name is a typo (every aggregate of
  // Kusto.Language is supported or refused by name), with the names close to it.
  await assert.rejects(
    () => run(`${T} | summarize strlen(a)`),
    (e: unknown) => e instanceof KqlSemanticError && /needs an aggregate function/.test(e.message),
  );
  await assert.rejects(
    () => run(`${T} | summarize nosuchagg(x)`),
    (e: unknown) =>
      e instanceof KqlSemanticError &&
      /Unknown aggregate function 'nosuchagg\(\)'/.test(e.message),
  );
  await assert.rejects(
    () => run(`${T} | summarize countt()`),
    (e: unknown) =>
      e instanceof KqlSemanticError && /'countt\(\)'\. Did you mean count\(\)/.test(e.message),
  );
});

Deno.test("mutation/summarize: through the command line, counts over nothing are one row of zeros", async () => {
  const run = await runCasefile([
    "query",
    `${T.replace(/\s+/g, " ")} | where x > 100 | summarize c = count(), s = sum(x)`,
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), "c,s\n0,0");
});
