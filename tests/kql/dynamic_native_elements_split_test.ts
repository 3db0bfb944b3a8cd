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

/**
 * Rows for the expansion's bounds: escaped strings, strings that look like other elements
 * (`"null"`, `"2.0"`, quotes only), nulls, empty arrays and bags, arrays shorter and longer
 * than a limit (past the 16 elements a limit splits apart alone), a plain array of strings
 * holding empty strings (its list is not of element texts: an empty part there is an
 * element).
 */
const BOUNDS = [
  String.raw`["a\"b","x\\y",null,"null",2.0,"2.0"]`,
  `[]`,
  null,
  `[7]`,
  String.raw`["\"\"","\"",{"k":"v\"w"},["q"],true]`,
  `{}`,
  `["","",""]`,
  `[1,{"a":"b"},2]`,
  `{"a":1,"b":"c"}`,
  `"scalar"`,
  `{"a":[1,"x"],"b":2,"c":3,"d":4}`,
  `[${Array.from({ length: 25 }, (_, i) => (i % 3 === 0 ? `"s${i}"` : String(i))).join(",")}]`,
];

const BOUNDED = [
  "E | mv-expand with_itemindex = i V = F to typeof(string) limit 3 | project Id, i, V",
  "E | mv-expand with_itemindex = i F limit 2 | project Id, i, F, S = tostring(F)",
  "E | mv-expand F limit 1 | project Id, F, S = tostring(F)",
  "E | mv-expand with_itemindex = i V = F to typeof(string) limit 20 | project Id, i, V",
  "E | mv-expand V = F to typeof(long) limit 4 | project Id, V",
  "E | mv-expand F | project Id, S = tostring(F)",
  "E | mv-expand with_itemindex = i F | summarize n = count() by i | sort by i asc",
  "E | extend G = F | mv-expand F, G limit 3 | project Id, F, G",
  "E | mv-apply F on (take 2) | project Id, F",
];

Deno.test("limits, item indexes, nulls, empty arrays and escapes: the exact path's rows", async () => {
  for (const query of BOUNDED) {
    assert.deepStrictEqual(await rows(BOUNDS, query), await rows(BOUNDS, query, false), query);
    assert.equal(route(BOUNDS, query), "native", query);
  }
  // By hand: strings unquoted and unescaped, a null as empty, the real 2.0 as 2, the string
  // "2.0" as it is; an empty array makes no row, a null one row; at most 3 per row.
  const texts = [BOUNDS[0], BOUNDS[1], BOUNDS[2], BOUNDS[3], BOUNDS[4], BOUNDS[6]];
  assert.deepStrictEqual(await rows(texts, BOUNDED[0]), [
    { Id: 1, i: 0, V: `a"b` },
    { Id: 1, i: 1, V: String.raw`x\y` },
    { Id: 1, i: 2, V: "" },
    { Id: 3, i: 0, V: "" },
    { Id: 4, i: 0, V: "7" },
    { Id: 5, i: 0, V: `""` },
    { Id: 5, i: 1, V: `"` },
    { Id: 5, i: 2, V: `{"k":"v\\"w"}` },
    { Id: 6, i: 0, V: "" },
    { Id: 6, i: 1, V: "" },
    { Id: 6, i: 2, V: "" },
  ]);
  const all = "E | mv-expand V = F to typeof(string) | project V";
  assert.deepStrictEqual((await rows([BOUNDS[0]], all)).map((r) => r.V), [
    `a"b`,
    String.raw`x\y`,
    "",
    "null",
    "2",
    "2.0",
  ]);
  // Past 16, a limit still stops at its count: elements 0 to 19 of 25.
  // Side by side, the shorter list's rows past its end are null (rows the path read `F.a`
  // sends to the exact reading on its own, a backslash or an `"a":` inside an array, left
  // out).
  const side = "E | mv-expand F, G = F.a | project Id, F, G";
  const plain = [1, 2, 3, 5, 6, 8, 10, 11].map((i) => BOUNDS[i]);
  assert.deepStrictEqual(await rows(plain, side), await rows(plain, side, false));
  assert.equal(route(plain, side), "native");
  assert.deepStrictEqual(await rows([BOUNDS[10]], side), [
    { Id: 1, F: `{"a":[1,"x"]}`, G: "1" },
    { Id: 1, F: `{"b":2}`, G: `"x"` },
    { Id: 1, F: `{"c":3}`, G: null },
    { Id: 1, F: `{"d":4}`, G: null },
  ]);
  const long = await rows([BOUNDS[11]], BOUNDED[3]);
  assert.deepStrictEqual(long.map((r) => r.i), Array.from({ length: 20 }, (_, i) => i));
  assert.deepStrictEqual(long.slice(17).map((r) => r.V), ["17", "s18", "19"]);
});

Deno.test("under a limit, the elements left whole are not checked; the expanded ones are", async () => {
  const typed = (limit: number) =>
    `E | mv-expand V = F to typeof(string) limit ${limit} | project Id, V`;
  // A bag with a key twice, and a real written 2.0 inside a bag, past the limit: native.
  const texts = [`["a",{"k":1,"k":2}]`, `["b",{"Id":2.0}]`];
  assert.equal(route(texts, typed(1)), "native");
  assert.deepStrictEqual(await rows(texts, typed(1)), [{ Id: 1, V: "a" }, { Id: 2, V: "b" }]);
  // Within it: the exact reading, with JavaScript's values.
  assert.equal(route(texts, typed(2)), "exact");
  assert.deepStrictEqual(await rows(texts, typed(2)), [
    { Id: 1, V: "a" },
    { Id: 1, V: `{"k":2}` },
    { Id: 2, V: "b" },
    { Id: 2, V: `{"Id":2}` },
  ]);
});
