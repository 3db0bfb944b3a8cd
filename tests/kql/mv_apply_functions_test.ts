/**
 * `mv-apply` subqueries reaching window functions through user functions, and `invoke`
 * inside them (issue 22): Kusto applies the subquery to each source row's subtable
 * ("mv-apply operator"), so `row_number`, `prev`, `row_cumsum`, `row_window_session`… inside
 * a `let` function called there restart at each source row as they do written inline.
 * Also `mv-expand … limit 0`: Kusto's RowLimit is "the maximum number of rows generated from
 * each original row", so no row at all, also for a null value (which otherwise makes one).
 *
 * Expected values are hand-written: the JavaScript path runs the same per-row rewrite, so
 * it is no oracle for the window functions; it is one for `limit 0`.
 */
import assert from "node:assert/strict";
import { rows } from "./_dynamic_native.ts";

const PAIRS = ['["a","b"]', '["x","y","z"]'];

/** Rows of `query` over table E of `texts`, as `[Id, …]` tuples of the named columns. */
async function tuples(texts: (string | null)[], query: string, ...names: string[]) {
  return (await rows(texts, query)).map((r) => names.map((n) => r[n]));
}

Deno.test("mv-apply: window functions inside scalar let functions restart per source row", async () => {
  // RA's finding 3: a function with prev(), a parameterless one with row_number(), called
  // with parentheses and by bare name.
  const query = `let f = (s:string) { strcat("<", prev(s), ">") };
    let rn = () { row_number() };
    E | mv-apply w = F to typeof(string) on (extend p = f(w), r = rn(), b = rn)
    | project Id, w, p, r, b`;
  assert.deepStrictEqual(await tuples(PAIRS, query, "Id", "w", "p", "r", "b"), [
    [1, "a", "<>", 1, 1],
    [1, "b", "<a>", 2, 2],
    [2, "x", "<>", 1, 1],
    [2, "y", "<x>", 2, 2],
    [2, "z", "<y>", 3, 3],
  ]);
  // Through another function, with next(), row_cumsum() and a restart of its own; and in
  // `where` and `top` keys.
  const nested = `let rn = () { row_number() };
    let g = (s:string) { strcat(tostring(rn() * 10), next(s, 1, "-")) };
    let cs = (n:long) { row_cumsum(n, n == 3) };
    E | mv-apply w = F to typeof(string) on
      (extend n = strlen(w) + rn() | extend g = g(w), c = cs(n) | where rn() < 3)
    | project Id, w, g, c`;
  assert.deepStrictEqual(await tuples(PAIRS, nested, "Id", "w", "g", "c"), [
    [1, "a", "10b", 2],
    [1, "b", "20-", 3],
    [2, "x", "10y", 2],
    [2, "y", "20z", 3],
  ]);
  const top = `let rn = () { row_number() };
    E | mv-apply w = F to typeof(string) on (top 1 by rn() desc) | project Id, w`;
  assert.deepStrictEqual(await tuples(PAIRS, top, "Id", "w"), [[1, "b"], [2, "z"]]);
});

Deno.test("mv-apply: rank and session functions in a let function restart per source row", async () => {
  const query = `let rank = (s:string) { row_rank_dense(s) };
    let session = (t:datetime) { row_window_session(t, 1d, 1d) };
    E | mv-apply w = F to typeof(string) on
      (extend t = datetime(2020-01-01) + 1h * strlen(w) | extend s = session(t), d = rank(w))
    | project Id, w, s, d`;
  const got = await tuples(['["a","bb"]', '["ccc"]'], query, "Id", "w", "s", "d");
  const at = (h: number) => new Date(Date.UTC(2020, 0, 1, h));
  assert.deepStrictEqual(got, [
    [1, "a", at(1), 1],
    [1, "bb", at(1), 2],
    [2, "ccc", at(3), 1],
  ]);
});

Deno.test("mv-apply: names a function would take keep their meaning", async () => {
  // A column named like the function is read as the column; a parameter named like it is
  // the parameter; a table query inside the subquery calls the function over its own
  // table (E's 2 rows), not per source row.
  const column = `let rn = () { row_number() };
    E | extend rn = 7 | mv-apply w = F to typeof(string) on (extend r = rn) | project Id, w, r`;
  assert.deepStrictEqual(await tuples(PAIRS, column, "Id", "r"), [[1, 7], [1, 7], [2, 7], [
    2,
    7,
  ], [2, 7]]);
  const parameter = `let rn = () { row_number() }; let f = (rn:long) { rn + 1 };
    E | mv-apply w = F to typeof(string) on (extend r = f(100), q = rn()) | project Id, r, q`;
  assert.deepStrictEqual(await tuples(PAIRS, parameter, "Id", "r", "q"), [
    [1, 101, 1],
    [1, 101, 2],
    [2, 101, 1],
    [2, 101, 2],
    [2, 101, 3],
  ]);
  const table = `let rn = () { row_number() };
    E | mv-apply w = F to typeof(string) on
      (extend m = toscalar(E | extend r = rn() | summarize max(r)), r = rn())
    | project Id, w, m, r`;
  assert.deepStrictEqual(await tuples(PAIRS, table, "Id", "m", "r"), [
    [1, 2, 1],
    [1, 2, 2],
    [2, 2, 1],
    [2, 2, 2],
    [2, 2, 3],
  ]);
});

Deno.test("mv-apply: errors of such functions name them as written", async () => {
  const at = (body: string, call: string) =>
    `let f = (s:string) { ${body} };
    E | mv-apply w = F to typeof(string) on (extend p = ${call}) | project Id, p`;
  for (
    const [query, error] of [
      [at("prev(s)", "f(w, 1)"), /^f\(\) takes 1 argument\(s\), not 2/],
      [at("prev(s)", "f()"), /^f\(\) needs a value for parameter 's'/],
      [at("strcat(prev(s), f(s))", "f(w)"), /^'f' refers to itself/],
    ] as const
  ) {
    await assert.rejects(() => rows(PAIRS, query), (e: Error) => {
      assert.match(e.message, error);
      assert.doesNotMatch(e.message, /__mv/);
      return true;
    });
  }
});

Deno.test("mv-apply: invoke runs the function's pipeline on each source row's rows", async () => {
  const query = `let t = (T:(*), k:long) {
      let limit = k + 0;
      T | extend r = row_number(), p = prev(w) | where r <= limit
    };
    E | mv-apply w = F to typeof(string) on (invoke t(2)) | project Id, w, r, p`;
  assert.deepStrictEqual(await tuples(PAIRS, query, "Id", "w", "r", "p"), [
    [1, "a", 1, ""],
    [1, "b", 2, "a"],
    [2, "x", 1, ""],
    [2, "y", 2, "x"],
  ]);
  // Per-row operators inside: summarize, top, take, and a scalar function in the body.
  const grouped = `let rn = () { row_number() };
    let t = (T:(*)) { T | extend r = rn() | summarize L = make_list(w), n = max(r) };
    let u = (T:(*)) { (T | top 2 by w desc) | take 1 };
    E | mv-apply w = F to typeof(string) on (invoke t()) | project Id, L, n`;
  assert.deepStrictEqual(await tuples(PAIRS, grouped, "Id", "L", "n"), [
    [1, '["a","b"]', 2],
    [2, '["x","y","z"]', 3],
  ]);
  const first = grouped.replace("invoke t()) | project Id, L, n", "invoke u()) | project Id, w");
  assert.deepStrictEqual(await tuples(PAIRS, first, "Id", "w"), [[1, "b"], [2, "z"]]);
});

Deno.test("mv-apply: invoke of a function using its table otherwise is refused", async () => {
  for (
    const body of [
      "T | where w in ((T | take 1 | project w))",
      "E | project w = tostring(F)",
    ]
  ) {
    const query = `let t = (T:(*)) { ${body} };
      E | mv-apply w = F to typeof(string) on (invoke t()) | project Id, w`;
    await assert.rejects(() => rows(PAIRS, query), /invoked function 't' inside mv-apply/);
  }
});

Deno.test("mv-expand limit 0 makes no row, also for a null value", async () => {
  const texts = [null, '["a","b"]', "[1]", '{"k":1}', "[]"];
  for (
    const query of [
      "E | mv-expand F limit 0 | project Id, F",
      "E | mv-expand with_itemindex=i F limit 0 | project Id, i, F",
      "E | mv-expand F to typeof(string) limit 0 | project Id, F",
      "E | mv-expand F, G = pack_array(Id, 2) limit 0 | project Id, F, G",
      "E | extend P = split(tostring(Id), '') | mv-expand P limit 0 | project Id, P",
      "E | mv-apply w = F on (take 0) | project Id, w",
      "E | mv-apply w = F limit 0 on (extend n = 1) | project Id, w, n",
    ]
  ) {
    assert.deepStrictEqual(await rows(texts, query), [], query);
    assert.deepStrictEqual(await rows(texts, query, false), [], `${query} (JavaScript)`);
  }
  // limit 1 still keeps the null value's one row.
  assert.deepStrictEqual(await tuples([null, '["a","b"]'], "E | mv-expand F limit 1", "Id", "F"), [
    [1, null],
    [2, '"a"'],
  ]);
});

Deno.test("mv-apply: a table expression in the subquery numbers its own rows", async () => {
  // `print` (and `range`) make a table of their own: a window function there, inline or in
  // a let function, counts that table's rows, not the subquery's (RE3's finding).
  const query = `let f = () { row_number() };
    E | mv-apply w = F to typeof(string) on
      (extend a = toscalar(print x = f()), b = toscalar(print x = row_number()),
        c = toscalar(range i from 1 to 3 step 1 | extend r = f() | summarize max(r)),
        r = f())
    | project Id, w, a, b, c, r`;
  assert.deepStrictEqual(await tuples(PAIRS, query, "Id", "w", "a", "b", "c", "r"), [
    [1, "a", 1, 1, 3, 1],
    [1, "b", 1, 1, 3, 2],
    [2, "x", 1, 1, 3, 1],
    [2, "y", 1, 1, 3, 2],
    [2, "z", 1, 1, 3, 3],
  ]);
});
