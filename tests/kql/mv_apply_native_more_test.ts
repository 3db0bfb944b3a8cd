/**
 * `mv-apply` subqueries hunting queries use, natively (issue 22): `summarize make_list()`
 * and `make_set()` whose JSON text Polars writes, `take n` (the first element read off the
 * list for `take 1`), `top n by` per source row as a group-by, and the window functions
 * restarting per source row as Kusto's subtables do ("mv-apply operator": the subquery
 * applies to each record's subtable). Expected values are hand-written from the Kusto
 * docs; where a path has an independent twin, it is the oracle too: the JavaScript path
 * (native reading off) for lists and `take`, and `sort by … | take n` for `top n by`.
 */
import assert from "node:assert/strict";
import { collectsWhilePlanning, compiled, route, rows } from "./_dynamic_native.ts";
import { runKql } from "../../src/kql/mod.ts";

/** Rows of `query` natively, checked equal to the JavaScript path's. */
async function both(texts: (string | null)[], query: string): Promise<Record<string, unknown>[]> {
  const native = await rows(texts, query);
  assert.deepStrictEqual(native, await rows(texts, query, false), "native vs JavaScript");
  return native;
}

/** Rows of a query over no table (datatable, print). */
async function records(query: string): Promise<Record<string, unknown>[]> {
  return (await runKql(query)).toRecords();
}

// Strings a JSON writer must escape: a quote, a backslash, a tab, a newline, a control
// character, and text it must not escape (é, an emoji, a slash, U+2028).
const TRICKY = [
  String.raw`["say \"hi\"","C:\\Temp\\a.exe","tab\there"]`,
  String.raw`["line\nbreak","\u0001ctl","caf\u00e9 \ud83d\ude00","a/b","\u2028"]`,
  `[]`,
  null,
  `["dup","x.y","dup","x.y"]`,
];

Deno.test("mv-apply summarize make_list of strings: the JSON text JavaScript writes", async () => {
  const query =
    `E | mv-apply w = F to typeof(string) on (summarize L = make_list(w), S = make_set(w))
    | project Id, L, S`;
  const got = await both(TRICKY, query);
  // Hand-written: JSON.stringify's escapes (\" \\ \t \n \u0001), the rest as is. The empty
  // array makes no record; the null array one null element, an empty string in a string list.
  assert.deepStrictEqual(got, [
    {
      Id: 1,
      L: String.raw`["say \"hi\"","C:\\Temp\\a.exe","tab\there"]`,
      S: String.raw`["say \"hi\"","C:\\Temp\\a.exe","tab\there"]`,
    },
    {
      Id: 2,
      L: '["line\\nbreak","\\u0001ctl","café 😀","a/b","\u2028"]',
      S: '["line\\nbreak","\\u0001ctl","café 😀","a/b","\u2028"]',
    },
    { Id: 4, L: `[""]`, S: `[""]` },
    { Id: 5, L: `["dup","x.y","dup","x.y"]`, S: `["dup","x.y"]` },
  ]);
  // Dynamic elements (no `to typeof`): the expanded JSON strings make the same lists; the
  // null array's null element is left out. (Surrogate escapes send TRICKY to the exact
  // reading: the native one is checked without them.)
  const dynamic = query.replace(" to typeof(string)", "");
  const expected = got.map((r) => r.Id === 4 ? { Id: 4, L: "[]", S: "[]" } : r);
  assert.deepStrictEqual(await both(TRICKY, dynamic), expected);
  const line = String.raw`["line\nbreak","\u0001ctl","a/b"]`;
  const plain = TRICKY.map((t, i) => i === 1 ? line : t);
  assert.equal(route(plain, dynamic), "native");
  assert.equal(collectsWhilePlanning(plain, dynamic), 0, "no barrier");
  assert.deepStrictEqual(
    await both(plain, dynamic),
    expected.map((r) => r.Id === 2 ? { Id: 2, L: line, S: line } : r),
  );
  // tostring() of the list reads the same text.
  const text = await both(
    TRICKY,
    `E | mv-apply w = F to typeof(string) on (summarize L = make_list(w))
      | summarize n = count() by T = tostring(L) | order by T asc | take 1`,
  );
  assert.deepStrictEqual(text, [{ T: `[""]`, n: 1 }]);
});

Deno.test("make_list of longs, ints and bools: exact numbers, no JavaScript barrier", async () => {
  const query = `datatable(g: string, l: long, i: int, b: bool) [
      "a", 9007199254740993, 1, true,
      "a", -2, int(null), false,
      "b", long(null), 3, bool(null),
      "a", 9223372036854775807, -4, true]
    | summarize L = make_list(l), I = make_list(i), B = make_set(b), C = make_list_if(l, b),
        F = make_list(l, 1) by g`;
  // Nulls are left out; 2^53 + 1 and Int64's largest stay exact; make_set keeps the first
  // of each; make_list(l, 1) keeps one.
  assert.deepStrictEqual(await records(query), [
    {
      g: "a",
      L: "[9007199254740993,-2,9223372036854775807]",
      I: "[1,-4]",
      B: "[true,false]",
      C: "[9007199254740993,9223372036854775807]",
      F: "[9007199254740993]",
    },
    { g: "b", L: "[]", I: "[3]", B: "[]", C: "[]", F: "[]" },
  ]);
  const lists = `E | mv-apply w = F to typeof(string) on (summarize L = make_list(strlen(w)))`;
  assert.equal(collectsWhilePlanning(TRICKY, lists), 0);
  assert.doesNotMatch(compiled(TRICKY, lists).describePlan(), /__js/);
});

Deno.test("mv-apply summarize with the record's other columns: records' order, columns in front", async () => {
  // 3000 records: one summary each, in the records' order, with the record's own columns.
  const result = await records(`range i from 1 to 3000 step 1
    | extend h = strcat("H", i % 7), a = pack_array(tostring(i), "x.y", tostring(i * 2))
    | mv-apply v = a to typeof(string) on (where v != "x.y" | summarize L = make_list(v), n = count())
    | project i, h, L, n`);
  assert.equal(result.length, 3000);
  const wrong = result.filter((r, k) =>
    r.i !== k + 1 || r.h !== `H${(k + 1) % 7}` || r.n !== 2 ||
    r.L !== `["${k + 1}","${(k + 1) * 2}"]`
  );
  assert.deepStrictEqual(wrong.slice(0, 3), []);
});

// Id 1..6: ties, a null array, an empty one, one element, strings of equal length.
const WORDS = [
  `["bb","a","ccc","dd","e"]`,
  null,
  `[]`,
  `["x"]`,
  `["aa","bb","cc"]`,
  `["zz","y","xxx","w"]`,
];

Deno.test("mv-apply top n by: each record's first n by the keys, ties in their order", async () => {
  const cases: Array<[string, Record<string, unknown>[]]> = [
    [
      "top 2 by strlen(w) desc",
      [
        { Id: 1, w: "ccc" },
        { Id: 1, w: "bb" },
        { Id: 2, w: "" },
        { Id: 4, w: "x" },
        { Id: 5, w: "aa" },
        { Id: 5, w: "bb" },
        { Id: 6, w: "xxx" },
        { Id: 6, w: "zz" },
      ],
    ],
    [
      "top 1 by strlen(w) asc, w desc",
      [
        { Id: 1, w: "e" },
        { Id: 2, w: "" },
        { Id: 4, w: "x" },
        { Id: 5, w: "cc" },
        { Id: 6, w: "y" },
      ],
    ],
    ["top 0 by w", []],
  ];
  for (const [top, expected] of cases) {
    const query = `E | mv-apply w = F to typeof(string) on (${top}) | project Id, w`;
    assert.deepStrictEqual(await both(WORDS, query), expected, top);
    // The same as sorting each record's rows and taking the first n.
    const [, n, keys] = /^top (\d+) by (.*)$/.exec(top)!;
    const sorted = query.replace(top, `sort by ${keys} | take ${n}`);
    assert.deepStrictEqual(await rows(WORDS, sorted), expected, sorted);
  }
});

Deno.test("mv-apply top n by of dynamic items: their JSON texts and strings go along", async () => {
  const query = `E | mv-apply w = F on (top 1 by strlen(tostring(w)) desc)
    | project Id, w, s = tostring(w)`;
  assert.deepStrictEqual(await both(WORDS, query), [
    { Id: 1, w: `"ccc"`, s: "ccc" },
    { Id: 2, w: null, s: "" },
    { Id: 4, w: `"x"`, s: "x" },
    { Id: 5, w: `"aa"`, s: "aa" },
    { Id: 6, w: `"xxx"`, s: "xxx" },
  ]);
});

Deno.test("mv-apply top n by a key with nulls: nulls last when descending, first ascending", async () => {
  const data =
    `datatable(Id: long, A: dynamic) [1, dynamic([3, null, 1, 2]), 2, dynamic([null, 5])]`;
  assert.deepStrictEqual(
    await records(`${data} | mv-apply v = A to typeof(long) on (top 2 by v) | project Id, v`),
    [{ Id: 1, v: 3 }, { Id: 1, v: 2 }, { Id: 2, v: 5 }, { Id: 2, v: null }],
  );
  assert.deepStrictEqual(
    await records(`${data} | mv-apply v = A to typeof(long) on (top 2 by v asc) | project Id, v`),
    [{ Id: 1, v: null }, { Id: 1, v: 1 }, { Id: 2, v: null }, { Id: 2, v: 5 }],
  );
  // Several columns go along with their row.
  assert.deepStrictEqual(
    await records(`${data} | mv-apply with_itemindex = i v = A to typeof(long) on
      (extend t = v * 10 | top 1 by v desc) | project Id, i, v, t`),
    [{ Id: 1, i: 0, v: 3, t: 30 }, { Id: 2, i: 1, v: 5, t: 50 }],
  );
});

Deno.test("mv-apply take: the first elements, a null array's null, no row for an empty one", async () => {
  const take1 = `E | mv-apply w = F to typeof(string) on (take 1) | project Id, w`;
  assert.deepStrictEqual(await both(WORDS, take1), [
    { Id: 1, w: "bb" },
    { Id: 2, w: "" },
    { Id: 4, w: "x" },
    { Id: 5, w: "aa" },
    { Id: 6, w: "zz" },
  ]);
  const dynamic = `E | mv-apply with_itemindex = i w = F on (limit 1) | project Id, i, w`;
  assert.deepStrictEqual(await both(WORDS, dynamic), [
    { Id: 1, i: 0, w: `"bb"` },
    { Id: 2, i: 0, w: null },
    { Id: 4, i: 0, w: `"x"` },
    { Id: 5, i: 0, w: `"aa"` },
    { Id: 6, i: 0, w: `"zz"` },
  ]);
  const take2 =
    `E | mv-apply w = F to typeof(string) on (take 2 | where w != "bb") | project Id, w`;
  assert.deepStrictEqual(await both(WORDS, take2), [
    { Id: 1, w: "a" },
    { Id: 2, w: "" },
    { Id: 4, w: "x" },
    { Id: 5, w: "aa" },
    { Id: 6, w: "zz" },
    { Id: 6, w: "y" },
  ]);
  // After a filter: each record's first two matching rows (counted per record).
  const filtered =
    `E | mv-apply w = F to typeof(string) on (where w != "bb" | take 2) | project Id, w`;
  assert.deepStrictEqual(await both(WORDS, filtered), [
    { Id: 1, w: "a" },
    { Id: 1, w: "ccc" },
    { Id: 2, w: "" },
    { Id: 4, w: "x" },
    { Id: 5, w: "aa" },
    { Id: 5, w: "cc" },
    { Id: 6, w: "zz" },
    { Id: 6, w: "y" },
  ]);
  // mv-expand's own limit 1 reads the first element the same way.
  assert.deepStrictEqual(
    await both(
      WORDS,
      `E | mv-expand with_itemindex = i w = F to typeof(string) limit 1 | project Id, i, w`,
    ),
    [
      { Id: 1, i: 0, w: "bb" },
      { Id: 2, i: 0, w: "" },
      { Id: 4, i: 0, w: "x" },
      { Id: 5, i: 0, w: "aa" },
      { Id: 6, i: 0, w: "zz" },
    ],
  );
});

Deno.test("mv-apply window functions restart at each record, as Kusto's subtables do", async () => {
  const query = `datatable(Id: long, A: dynamic) [1, dynamic(["x","y","z"]), 2, dynamic(["p","q"])]
    | mv-apply v = A to typeof(string) on (
        extend n = row_number(), n0 = row_number(0, v == "y"), c = row_cumsum(strlen(v) * 10),
          p = prev(v), p2 = prev(v, 2, "none"), nx = next(v, 1, "END"))
    | project Id, v, n, n0, c, p, p2, nx`;
  assert.deepStrictEqual(await records(query), [
    { Id: 1, v: "x", n: 1, n0: 0, c: 10, p: "", p2: "none", nx: "y" },
    { Id: 1, v: "y", n: 2, n0: 0, c: 20, p: "x", p2: "none", nx: "z" },
    { Id: 1, v: "z", n: 3, n0: 1, c: 30, p: "y", p2: "x", nx: "END" },
    { Id: 2, v: "p", n: 1, n0: 0, c: 10, p: "", p2: "none", nx: "q" },
    { Id: 2, v: "q", n: 2, n0: 1, c: 20, p: "p", p2: "none", nx: "END" },
  ]);
  // After a per-record top, the numbering follows the subtable's new order.
  assert.deepStrictEqual(
    await records(`datatable(Id: long, A: dynamic) [1, dynamic([3,1,2]), 2, dynamic([5,4])]
      | mv-apply v = A to typeof(long) on (top 2 by v desc | extend r = row_number())
      | project Id, v, r`),
    [{ Id: 1, v: 3, r: 1 }, { Id: 1, v: 2, r: 2 }, { Id: 2, v: 5, r: 1 }, { Id: 2, v: 4, r: 2 }],
  );
  // The ranks and sessions restart too (each record's expansion is a table of its own).
  assert.deepStrictEqual(
    await records(`datatable(Id: long, A: dynamic) [1, dynamic(["a","bb"]), 2, dynamic(["ccc"])]
      | mv-apply w = A to typeof(string) on (
          extend t = datetime(2020-01-01) + 1h * strlen(w)
          | extend s = row_window_session(t, 1d, 1d), rd = row_rank_dense(w), rm = row_rank_min(w))
      | project Id, w, s = format_datetime(s, "HH:mm"), rd, rm`),
    [
      { Id: 1, w: "a", s: "01:00", rd: 1, rm: 1 },
      { Id: 1, w: "bb", s: "01:00", rd: 2, rm: 2 },
      { Id: 2, w: "ccc", s: "03:00", rd: 1, rm: 1 },
    ],
  );
  // A window function in a table query inside the subquery numbers that table's rows.
  assert.deepStrictEqual(
    await records(
      `let E = datatable(Id: long, A: dynamic) [1, dynamic(["a","b"]), 2, dynamic(["x"])];
      E | mv-apply w = A to typeof(string) on (
          extend m = toscalar(E | extend r = row_number() | summarize max(r)))
      | where Id in ((E | extend r = row_number() | where r == 1 | project Id))
      | project Id, w, m`,
    ),
    [{ Id: 1, w: "a", m: 2 }, { Id: 1, w: "b", m: 2 }],
  );
  // Outside mv-apply the numbering runs over the whole table.
  assert.deepStrictEqual(
    await records(`datatable(A: dynamic) [dynamic(["x","y"]), dynamic(["p"])]
      | mv-expand v = A to typeof(string) | extend n = row_number() | project v, n`),
    [{ v: "x", n: 1 }, { v: "y", n: 2 }, { v: "p", n: 3 }],
  );
});

Deno.test("make_bag keeps keys named like Object's own properties", async () => {
  assert.deepStrictEqual(
    await records(`datatable(Id: long) [1]
      | summarize B = make_bag(bag_pack("constructor", "c", "toString", "t", "__proto__", Id, "ok", 2))
      | project T = tostring(B)`),
    [{ T: '{"constructor":"c","toString":"t","__proto__":1,"ok":2}' }],
  );
});
