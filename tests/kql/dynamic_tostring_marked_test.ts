/**
 * `tostring()` of dynamic values whose JSON text the engine wrote itself (`make_list`,
 * `make_set`, `make_bag`, `pack_array`, `split`): the text is already what `tostring()`
 * writes (compact, as `JSON.stringify` writes its reading), so it is read as it is, with no
 * JSON-path re-read and no JavaScript job. The column mark follows the values: kept by
 * operators that keep them (`where`, `sort`, `project`, `project-rename`, a join's left
 * side), dropped by any that writes the column anew (`mv-expand`, `extend` over it, a
 * `union`). Expected texts are hand-written; the JavaScript path (native reading off) is
 * the oracle for the rest.
 */
import assert from "node:assert/strict";
import { collectsWhilePlanning, compiled, route, rows } from "./_dynamic_native.ts";

/** Rows of `query` natively, checked equal to the JavaScript path's. */
async function both(texts: (string | null)[], query: string): Promise<Record<string, unknown>[]> {
  const native = await rows(texts, query);
  assert.deepStrictEqual(native, await rows(texts, query, false), "native vs JavaScript");
  return native;
}

/** Whether `query`'s plan checks dynamic text for spellings serde may read otherwise. */
function rereads(texts: (string | null)[], query: string): boolean {
  // The checks of `_dynamic_native.ts` (RISKY, and its looser one-pass superset).
  const plan = compiled(texts, query).describeOptimizedPlan();
  return plan.includes(String.raw`(?:^|[:,\[])\s*(?:-?(?:[0-9]\.?){16}`) ||
    plan.includes(String.raw`(?:[0-9]\.?){16}|^\s*-?[0-9.]`);
}

// Arrays of strings in compact JSON: quotes, backslashes, a tab, a newline, a control
// character, é, an emoji, a slash and U+2028 (written as they are), an empty array, null.
const TEXTS = [
  String.raw`["say \"hi\"","C:\\Temp\\a.exe","tab\there"]`,
  String.raw`["line\nbreak","\u0001ctl","café 😀","a/b","` + "\u2028" + `"]`,
  `[]`,
  null,
  `["dup","x.y","dup"]`,
];

const LIST_1 = String.raw`["say \"hi\"","C:\\Temp\\a.exe","tab\there"]`;
const LIST_2 = '["line\\nbreak","\\u0001ctl","café 😀","a/b","\u2028"]';

Deno.test("tostring() of make_list/make_set is the list's text, read without re-reading it", async () => {
  const query =
    `E | mv-apply w = F to typeof(string) on (summarize L = make_list(w), S = make_set(w))
    | summarize n = count() by Id, L = tostring(L), S = tostring(S) | order by Id asc`;
  assert.equal(route(TEXTS, query), "native");
  assert.equal(collectsWhilePlanning(TEXTS, query), 0, "no JavaScript job while planning");
  assert.equal(rereads(TEXTS, query), false, "the text is not checked or re-read");
  assert.equal(rereads(TEXTS, "E | extend T = tostring(F)"), true, "a source's text is");
  // Hand-written: JSON.stringify's escapes (\" \\ \t \n \u0001), the rest as is. The
  // empty array makes no record; the null array one null element, an empty string.
  assert.deepStrictEqual(await both(TEXTS, query), [
    { Id: 1, L: LIST_1, S: LIST_1, n: 1 },
    { Id: 2, L: LIST_2, S: LIST_2, n: 1 },
    { Id: 4, L: `[""]`, S: `[""]`, n: 1 },
    { Id: 5, L: `["dup","x.y","dup"]`, S: `["dup","x.y"]`, n: 1 },
  ]);
  // The same reading in strcat(), in a scalar over an aggregate, and after a summarize.
  const more = `E | mv-expand w = F to typeof(string)
    | summarize L = make_list_if(w, w != "dup"), T = tostring(make_set(w)) by Id
    | extend C = strcat("<", L, ">"), U = tostring(L) | order by Id asc`;
  assert.equal(collectsWhilePlanning(TEXTS, more), 0);
  assert.equal(rereads(TEXTS, more), false);
  assert.deepStrictEqual((await both(TEXTS, more)).map((r) => [r.Id, r.T, r.C, r.U]), [
    [1, LIST_1, `<${LIST_1}>`, LIST_1],
    [2, LIST_2, `<${LIST_2}>`, LIST_2],
    [4, `[""]`, `<[""]>`, `[""]`],
    [5, `["dup","x.y"]`, `<["x.y"]>`, `["x.y"]`],
  ]);
});

Deno.test("tostring() of lists of longs, ints, bools, reals, dynamic values and bags", async () => {
  const texts = [
    `[{"b":1,"1":2},{"a":[1,2.0,-3.5]}]`,
    `["x",9007199254740993,true,null,1e21,{"k":"v\\u00e9"}]`,
    `[]`,
    null,
  ];
  const query = `E | extend Big = Id + 9007199254740992, Half = Id * 0.5, Whole = real(2)
    | mv-expand w = F
    | summarize Longs = make_list(Big), Ints = make_set(toint(Id)), Bools = make_list(Id > 1),
        Reals = make_set(Half), Wholes = make_set(Whole), Items = make_list(w),
        Nulls = make_list_with_nulls(w), Bag = make_bag(w), Set = make_set_if(w, Id > 1) by Id
    | project Id, Longs = tostring(Longs), Ints = tostring(Ints), Bools = tostring(Bools),
        Reals = tostring(Reals), Wholes = tostring(Wholes), Items = tostring(Items),
        Nulls = tostring(Nulls), Bag = tostring(Bag), Set = tostring(Set)
    | order by Id asc`;
  const got = await both(texts, query);
  // Hand-written for the native writers (longs exact past 2^53) and two JavaScript ones.
  assert.deepStrictEqual(got.map((r) => [r.Id, r.Longs, r.Ints, r.Bools, r.Reals, r.Wholes]), [
    [1, "[9007199254740993,9007199254740993]", "[1]", "[false,false]", "[0.5]", "[2.0]"],
    [
      2,
      `[${Array(6).fill("9007199254740994")}]`,
      "[2]",
      "[true,true,true,true,true,true]",
      "[1.0]",
      "[2.0]",
    ],
    [4, "[9007199254740996]", "[4]", "[true]", "[2.0]", "[2.0]"],
  ]);
  assert.equal(got[0].Bag, `{"1":2,"b":1,"a":[1,2.0,-3.5]}`);
  assert.equal(got[2].Nulls, "[null]");
});

Deno.test("tostring() of pack_array, split and array_slice: the text Polars wrote", async () => {
  const query = String.raw`E | extend P = pack_array(tostring(Id), "a\"b/é\t"),
      S = split(strcat("x,y\\", Id), ",")
    | project Id, P = tostring(P), S = strcat(S),
      Q = tostring(array_slice(split(strcat("x,y\\", Id), ","), 1, 1)) | take 2`;
  assert.equal(collectsWhilePlanning(TEXTS, query), 0);
  assert.equal(rereads(TEXTS, query), false);
  assert.deepStrictEqual(await both(TEXTS, query), [
    {
      Id: 1,
      P: String.raw`["1","a\"b/é\t"]`,
      S: String.raw`["x","y\\1"]`,
      Q: String.raw`["y\\1"]`,
    },
    {
      Id: 2,
      P: String.raw`["2","a\"b/é\t"]`,
      S: String.raw`["x","y\\2"]`,
      Q: String.raw`["y\\2"]`,
    },
  ]);
});

/** Lists of E's strings per Id, as a table `L` of `Id` and a dynamic `L`, then `rest`. */
function listed(rest: string): string {
  return `let L = E | mv-expand w = F to typeof(string) | summarize L = make_list(w) by Id;
    L ${rest}`;
}

Deno.test("the mark follows the values: kept where they are kept, read as they are", async () => {
  // Renamed, projected, filtered, sorted, cut, joined as the left side: still the text.
  const kept = listed(`| project-rename M = L | project Id, K = M | where Id < 5 | sort by Id asc
    | take 3 | join kind=inner (E | project Id) on Id | extend T = tostring(K)
    | project Id, T`);
  assert.equal(collectsWhilePlanning(TEXTS, kept), 0);
  assert.equal(rereads(TEXTS, kept), false);
  assert.deepStrictEqual(await both(TEXTS, kept), [
    { Id: 1, T: LIST_1 },
    { Id: 2, T: LIST_2 },
    { Id: 4, T: `[""]` },
  ]);
  // A rightouter join leaves the left side's list null where no left row matches: "".
  const outer = listed(`| join kind=rightouter (E | project Id) on Id
    | project Id = Id1, T = tostring(L) | order by Id asc`);
  assert.deepStrictEqual(
    (await both(TEXTS, outer)).map((r) => [r.Id, r.T]),
    [[1, LIST_1], [2, LIST_2], [3, ""], [4, `[""]`], [5, `["dup","x.y","dup"]`]],
  );
});

Deno.test("the mark dies with the values: mv-expand, extend over the column, union", async () => {
  // Non-compact text of the same lists: tostring() writes it compactly.
  const spaced = [`[ "a", "b" ]`, `["c"]`];
  // Expanded: each element is a JSON string, whose tostring() is the string unquoted.
  const expanded = listed(`| mv-expand L | extend T = tostring(L) | project Id, T`);
  assert.deepStrictEqual(await both(spaced, expanded), [
    { Id: 1, T: "a" },
    { Id: 1, T: "b" },
    { Id: 2, T: "c" },
  ]);
  // Assigned anew by an extend (the source's own text), and mixed with it by iff().
  const assigned = listed(`| join kind=inner (E) on Id | extend L = F | extend T = tostring(L),
    U = tostring(iff(Id == 1, F, L)) | project Id, T, U`);
  assert.deepStrictEqual(await both(spaced, assigned), [
    { Id: 1, T: `["a","b"]`, U: `["a","b"]` },
    { Id: 2, T: `["c"]`, U: `["c"]` },
  ]);
  // A union with the source's texts: the column holds both kinds of text.
  const union = `union (E | project Id, L = F),
    (E | mv-expand w = F to typeof(string) | summarize L = make_list(w) by Id)
    | summarize n = count() by T = tostring(L) | order by T asc`;
  assert.deepStrictEqual(await both(spaced, union), [
    { T: `["a","b"]`, n: 2 },
    { T: `["c"]`, n: 2 },
  ]);
  // Other aggregates of dynamic values keep the source's text: read exactly.
  const taken = `E | summarize A = take_any(F), (Last, B) = arg_max(Id, F) by Id
    | project Id, A = tostring(A), B = tostring(B) | order by Id asc`;
  assert.deepStrictEqual(await both(spaced, taken), [
    { Id: 1, A: `["a","b"]`, B: `["a","b"]` },
    { Id: 2, A: `["c"]`, B: `["c"]` },
  ]);
  // A list used as a group key comes back as the key's values: still read exactly.
  const keyed = listed(`| join kind=inner (E) on Id | extend L = iff(Id == 1, F, L)
    | summarize by L | extend T = tostring(L) | project T | order by T asc`);
  assert.deepStrictEqual(await both(spaced, keyed), [{ T: `["a","b"]` }, { T: `["c"]` }]);
});

Deno.test("tostring() of a source's own text: one pass, exact where JavaScript writes otherwise", async () => {
  const query = `E | extend T = tostring(F) | project Id, T`;
  // Compact or spaced, bags and arrays serde and JavaScript write alike: no rows are read
  // out while planning, and the plan runs through.
  const plain = [`["a", "b\\u00e9"]`, `{"k":[1,2.5,true],"s":"x\\/y"}`, null, `"str"`];
  assert.equal(collectsWhilePlanning(plain, query), 0, "no JavaScript job while planning");
  assert.equal(route(plain, query), "native");
  assert.deepStrictEqual((await both(plain, query)).map((r) => r.T), [
    `["a","bé"]`,
    `{"k":[1,2.5,true],"s":"x/y"}`,
    "",
    "str",
  ]);
  // Rows serde would write otherwise send the query to the exact reading: a whole-number
  // key (JavaScript writes it first), a long past 2^53, an exponent, an escaped surrogate
  // pair, and JSON null.
  const risky = [
    `{"b":1,"1":2}`,
    `[9007199254740993]`,
    `[1e2]`,
    `"\\ud83d\\ude00"`,
    `null`,
  ];
  for (const text of risky) assert.equal(route([...plain, text], query), "exact", text);
  assert.deepStrictEqual((await both([...plain, ...risky], query)).map((r) => r.T).slice(4), [
    `{"1":2,"b":1}`,
    `[9007199254740993]`,
    `[100.0]`,
    "😀",
    "null",
  ]);
});
