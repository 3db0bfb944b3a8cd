/**
 * The element split of bags and mixed arrays (`_dynamic_elements.ts`: one one-pass regular
 * expression, a key twice found by serde's own writing, reals written `2.0` checked element
 * by element for `to typeof(string)`) against the JavaScript reading as the oracle, over
 * texts whose delimiters hide in strings and keys: each query's rows equal the exact path's,
 * row for row, and equal the values written by hand where the split could go wrong. Texts
 * the split cannot copy go to the exact reading, with the same rows.
 */
import assert from "node:assert/strict";
import { route, rows } from "./_dynamic_native.ts";

/** Texts the grammar copies: delimiters, quotes and brackets inside strings and keys. */
const COPIED = [
  `["a,b","[x]","{y}",",",""]`,
  `[{"k,1":"v]","k:2":"}{"},[",","{"]]`,
  `{"a,b":"c:d","e]":["f,g",1],"h}":{"i":"j,k"}}`,
  String.raw`["q\"u,o\"te",{"s":"back\\slash,"},"tab\tand\nnewline"]`,
  `["é,ü","日本",{"ключ":"значение"}]`,
  `[-1.5,0,10.25,true,false,null,[],{}]`,
  `{"":"empty key"}`,
  `"just a string, with a comma"`,
  `42`,
  `{}`,
  `[]`,
  null,
];

const QUERIES = [
  "E | mv-expand F | project Id, F",
  "E | mv-expand kind=array F | project Id, F",
  "E | mv-expand with_itemindex = i F | project Id, i, S = tostring(F)",
  "E | mv-expand V = F to typeof(string) limit 2 | project Id, V",
  "E | mv-expand V = F to typeof(long) | project Id, V",
  "E | mv-expand V = F to typeof(bool) | project Id, V",
];

/**
 * Texts read exactly, each with a copied text beside it: nested deeper than the split reads,
 * a key twice (at the top, inside an element), a real `to typeof(string)` writes otherwise
 * inside an element, blanks, escapes serde or JavaScript write otherwise.
 */
const EXACT = [
  `{"only":[{"no":"deeper"}]}`,
  `[[1,"a"],["b",[]]]`,
  `{"k":1,"j":2,"k":3}`,
  `[1,{"a":1,"b":2,"a":3}]`,
  `{"x":{"a":1,"a":2},"y":0}`,
  `["s", 1]`,
  String.raw`[1,"\u00e9"]`,
  String.raw`[1,"a\/b"]`,
  `[1.50]`,
];

Deno.test("rows the split cannot copy are read exactly, with JavaScript's values", async () => {
  for (const text of EXACT) {
    const texts = [COPIED[2], text];
    for (const query of QUERIES) {
      assert.deepStrictEqual(await rows(texts, query), await rows(texts, query, false), query);
    }
    assert.equal(route(texts, QUERIES[0]), "exact", text);
  }
  // By hand: the last value of a key twice, in the first key's place.
  assert.deepStrictEqual(await rows([EXACT[2], EXACT[3]], "E | mv-expand F | project F"), [
    { F: `{"k":3}` },
    { F: `{"j":2}` },
    { F: "1" },
    { F: `{"a":3,"b":2}` },
  ]);
});

Deno.test("to typeof(string): a real written 2.0 reads as 2, natively unless inside an element", async () => {
  const typed = "E | mv-expand V = F to typeof(string) | project Id, V";
  const texts = [`["HOST-1",40503.0,-2.0,0.0,2.5,true]`, `{"Id":7}`];
  assert.deepStrictEqual(await rows(texts, typed), [
    { Id: 1, V: "HOST-1" },
    { Id: 1, V: "40503" },
    { Id: 1, V: "-2" },
    { Id: 1, V: "0" },
    { Id: 1, V: "2.5" },
    { Id: 1, V: "true" },
    { Id: 2, V: `{"Id":7}` },
  ]);
  assert.deepStrictEqual(await rows(texts, typed, false), await rows(texts, typed));
  assert.equal(route(texts, typed), "native");
  // Inside a bag element: JavaScript writes {"Id":40503}, so the exact reading answers...
  const nested = [`["HOST-1",{"Id":40503.0}]`];
  assert.deepStrictEqual(await rows(nested, typed), [
    { Id: 1, V: "HOST-1" },
    { Id: 1, V: `{"Id":40503}` },
  ]);
  assert.equal(route(nested, typed), "exact");
  // The same inside an array element, right after its bracket.
  const inArray = [`["HOST-1",[2.0,1]]`];
  assert.deepStrictEqual(await rows(inArray, typed), [
    { Id: 1, V: "HOST-1" },
    { Id: 1, V: "[2,1]" },
  ]);
  assert.equal(route(inArray, typed), "exact");
  // ...unless a limit leaves that element out: only the elements expanded are checked.
  assert.equal(
    route(nested, `${typed.replace("typeof(string)", "typeof(string) limit 1")}`),
    "native",
  );
  // As dynamic values, reals keep their spelling.
  assert.deepStrictEqual(await rows(nested, "E | mv-expand F | project F"), [
    { F: `"HOST-1"` },
    { F: `{"Id":40503.0}` },
  ]);
});

Deno.test("bags and mixed arrays with delimiters inside strings split as JavaScript does", async () => {
  for (const query of QUERIES) {
    const native = await rows(COPIED, query);
    assert.deepStrictEqual(native, await rows(COPIED, query, false), query);
    assert.equal(route(COPIED, query), "native", query);
  }
  // By hand: each element whole, wherever its commas, brackets and colons are.
  assert.deepStrictEqual(await rows(COPIED.slice(0, 3), "E | mv-expand F | project F"), [
    { F: `"a,b"` },
    { F: `"[x]"` },
    { F: `"{y}"` },
    { F: `","` },
    { F: `""` },
    { F: `{"k,1":"v]","k:2":"}{"}` },
    { F: `[",","{"]` },
    { F: `{"a,b":"c:d"}` },
    { F: `{"e]":["f,g",1]}` },
    { F: `{"h}":{"i":"j,k"}}` },
  ]);
  assert.deepStrictEqual(
    await rows(COPIED.slice(2, 3), "E | mv-expand kind=array F | project K = tostring(F[0])"),
    [{ K: "a,b" }, { K: "e]" }, { K: "h}" }],
  );
});
