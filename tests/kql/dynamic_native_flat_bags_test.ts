/**
 * The literal split of flat bags (`_dynamic_elements.ts`: a bag of scalars whose keys and
 * strings hold no comma, no escape and no leading colon, cut at each comma, and for
 * `kind=array` at each `":`) against the JavaScript reading as the oracle: each query's rows
 * equal the exact path's row for row, and the values written by hand. Bags next to those
 * rules (a comma, a colon first, an escape, a nested value) take the capturing split, and
 * those the split cannot copy (a key twice, a whole-number key) the exact reading.
 */
import assert from "node:assert/strict";
import { route, rows } from "./_dynamic_native.ts";

/** Flat bags the literal split reads: braces, brackets and colons inside strings. */
const FLAT = [
  `{"Parent":"cmd.exe","ProcessId":40503.0,"Elevated":true}`,
  `{"t":"12:30","n":null,"r":-1.5,"z":0}`,
  `{"":"","x":""}`,
  `{"a":"}","b":"{","c":"]","d":"["}`,
  `{"k:1":"v\\u","p":"a:b:c:"}`.replace("\\u", ""),
  `{"only":false}`,
];

/** Bags beside the rules, read by the capturing split (still natively). */
const NEAR = [
  `{"k":":x","j":1}`,
  `{":k":1,"j":2}`,
  `{"a":"x,y","b":2}`,
  String.raw`{"a":"q\"x","b":"back\\slash"}`,
  `{"a":[1,"x"],"b":{"c":"d","e":2}}`,
  `{}`,
];

const QUERIES = [
  "E | mv-expand F | project Id, F",
  "E | mv-expand F | summarize n = count() by V = tostring(F) | order by V asc",
  "E | mv-expand kind=array F | project Id, F",
  "E | mv-expand kind=array F | project Id, K = tostring(F[0]), V = tostring(F[1]), W = F[1]",
  "E | mv-expand kind=array F | project-rename P = F | extend K = tostring(P[0]) | project Id, K, P",
  "E | mv-expand kind=array F | extend F = F[1] | project Id, K = tostring(F[0]), F",
  "E | mv-expand with_itemindex = i F | project Id, i, S = tostring(F)",
  "E | mv-expand V = F to typeof(string) limit 2 | project Id, V",
  "E | mv-expand kind=array V = F to typeof(string) | project Id, V",
];

Deno.test("flat bags split at their commas as JavaScript splits them, natively", async () => {
  for (const texts of [FLAT, NEAR, [...FLAT, ...NEAR, null]]) {
    for (const [k, query] of QUERIES.entries()) {
      assert.deepStrictEqual(await rows(texts, query), await rows(texts, query, false), query);
      // (Path reads of a pair's value may go exact on their own: `tostring(F[1])` of -1.5;
      // `to typeof(string)` writes `{"ProcessId":40503.0}` as JavaScript reads it, exactly.)
      const real = k >= 7 && texts.includes(FLAT[0]);
      if (k !== 3 && k !== 5) assert.equal(route(texts, query), real ? "exact" : "native", query);
    }
  }
  // By hand: each member whole, wherever its braces, brackets and colons are.
  assert.deepStrictEqual(await rows(FLAT.slice(0, 4), "E | mv-expand F | project F"), [
    { F: `{"Parent":"cmd.exe"}` },
    { F: `{"ProcessId":40503.0}` },
    { F: `{"Elevated":true}` },
    { F: `{"t":"12:30"}` },
    { F: `{"n":null}` },
    { F: `{"r":-1.5}` },
    { F: `{"z":0}` },
    { F: `{"":""}` },
    { F: `{"x":""}` },
    { F: `{"a":"}"}` },
    { F: `{"b":"{"}` },
    { F: `{"c":"]"}` },
    { F: `{"d":"["}` },
  ]);
  assert.deepStrictEqual(
    await rows(
      [FLAT[1], FLAT[4], NEAR[0]],
      "E | mv-expand kind=array F | project F, K = tostring(F[0]), V = tostring(F[1])",
    ),
    [
      { F: `["t","12:30"]`, K: "t", V: "12:30" },
      { F: `["n",null]`, K: "n", V: "" },
      { F: `["r",-1.5]`, K: "r", V: "-1.5" },
      { F: `["z",0]`, K: "z", V: "0" },
      { F: `["k:1","v"]`, K: "k:1", V: "v" },
      { F: `["p","a:b:c:"]`, K: "p", V: "a:b:c:" },
      { F: `["k",":x"]`, K: "k", V: ":x" },
      { F: `["j",1]`, K: "j", V: "1" },
    ],
  );
});

Deno.test("flat bags with a key twice or a whole-number key are read exactly", async () => {
  for (const text of [`{"k":1,"j":2,"k":3}`, `{"b":1,"1":2}`, `{"a":"x","a":"y"}`]) {
    const texts = [FLAT[0], text];
    for (const query of QUERIES) {
      assert.deepStrictEqual(await rows(texts, query), await rows(texts, query, false), query);
    }
    assert.equal(route(texts, QUERIES[0]), "exact", text);
  }
  // By hand: the last value of a key twice in the first key's place; whole-number keys first.
  assert.deepStrictEqual(
    await rows([`{"k":1,"j":2,"k":3}`, `{"b":1,"1":2}`], "E | mv-expand kind=array F | project F"),
    [{ F: `["k",3]` }, { F: `["j",2]` }, { F: `["1",2]` }, { F: `["b",1]` }],
  );
});

Deno.test("a key twice in an array's bag element is found once expanded, beside bag rows", async () => {
  // Bag rows' elements are not searched again (their row was checked whole); an array's are.
  const twice = `[1,{"a":1,"b":2,"a":3}]`;
  const queries = [
    "E | mv-expand F | project Id, F",
    "E | mv-expand F | summarize n = count() by V = tostring(F) | order by V asc",
    "E | extend G = F | mv-expand F, G | project Id, F, G",
    "E | mv-expand with_itemindex = i V = F to typeof(string) limit 3 | project Id, i, V",
  ];
  for (const query of queries) {
    const texts = [FLAT[0], twice, NEAR[4]];
    assert.deepStrictEqual(await rows(texts, query), await rows(texts, query, false), query);
    assert.equal(route(texts, query), "exact", query);
    // Without the array, every row is read natively (side by side too).
    const bags = [FLAT[1], NEAR[4], `["x",{"a":1,"b":2}]`];
    assert.deepStrictEqual(await rows(bags, query), await rows(bags, query, false), query);
    assert.equal(route(bags, query), "native", query);
  }
  // By hand: JavaScript keeps the last value in the first key's place.
  assert.deepStrictEqual(await rows([FLAT[5], twice], "E | mv-expand F | project F"), [
    { F: `{"only":false}` },
    { F: "1" },
    { F: `{"a":3,"b":2}` },
  ]);
});
