/**
 * `mv-expand` of property bags and of mixed arrays (elements of different JSON types) read
 * by Polars (issue 22): each element's JSON text copied out of the value's text, with
 * `kind=array`, `with_itemindex`, `limit` and `to typeof(…)`. Expected values are written
 * by hand from the texts below and Kusto's documented semantics (mv-expand operator: each
 * top-level element of an array, or key of a bag, makes a record; `kind=bag` makes one-key
 * bags, `kind=array` `[key, value]` pairs; a null value makes one null record, an empty
 * array or bag none; `to typeof()` only casts, elements of another type are null), and equal
 * the JavaScript path's. Text the copy could get wrong (a key twice, whole-number keys,
 * escapes, numbers JavaScript writes otherwise, deeper nesting) is read exactly, with the
 * same values.
 */
import assert from "node:assert/strict";
import { compiled, route, rows } from "./_dynamic_native.ts";

const TEXTS = [
  `{"a":1,"b":"x"}`,
  `["s",2,true,null,{"k":"v"},[1,2]]`,
  `[]`,
  `{}`,
  null,
  `2.5`,
  `{"n":{"x":1},"m":[true]}`,
];

/** `query` over TEXTS, native and JavaScript, equal to `expected`; the native one planned without JavaScript. */
async function check(query: string, expected: Record<string, unknown>[], texts = TEXTS) {
  assert.deepStrictEqual(await rows(texts, query), expected, query);
  assert.deepStrictEqual(await rows(texts, query, false), expected, `${query} (JavaScript)`);
  assert.equal(route(texts, query), "native", query);
  assert.doesNotMatch(compiled(texts, query).describePlan(), /__js/, query);
}

Deno.test("mv-expand of bags and mixed arrays: one-key bags and each element, by Polars", async () => {
  await check("E | mv-expand F | project Id, F", [
    { Id: 1, F: `{"a":1}` },
    { Id: 1, F: `{"b":"x"}` },
    { Id: 2, F: `"s"` },
    { Id: 2, F: `2` },
    { Id: 2, F: `true` },
    { Id: 2, F: null },
    { Id: 2, F: `{"k":"v"}` },
    { Id: 2, F: `[1,2]` },
    // Rows 3 and 4 (an empty array, an empty bag): no record; row 5 (null): one null.
    { Id: 5, F: null },
    // A scalar is its own one element.
    { Id: 6, F: `2.5` },
    { Id: 7, F: `{"n":{"x":1}}` },
    { Id: 7, F: `{"m":[true]}` },
  ]);
});

Deno.test("mv-expand kind=array: [key, value] pairs; bagexpansion=array the same", async () => {
  const expected = [
    { Id: 1, F: `["a",1]` },
    { Id: 1, F: `["b","x"]` },
    { Id: 7, F: `["n",{"x":1}]` },
    { Id: 7, F: `["m",[true]]` },
  ];
  await check("E | where Id in (1, 3, 4, 7) | mv-expand kind=array F | project Id, F", expected);
  await check(
    "E | where Id in (1, 3, 4, 7) | mv-expand bagexpansion=array F | project Id, F",
    expected,
  );
  // The key and the value read back from the pair.
  await check(
    "E | where Id == 1 | mv-expand kind=array F | project K = tostring(F[0]), V = tostring(F[1])",
    [{ K: "a", V: "1" }, { K: "b", V: "x" }],
  );
});

Deno.test("mv-expand with_itemindex, limit and to typeof(string) of mixed values", async () => {
  await check(
    "E | mv-expand with_itemindex = i V = F to typeof(string) limit 2 | project Id, i, V",
    [
      { Id: 1, i: 0, V: `{"a":1}` },
      { Id: 1, i: 1, V: `{"b":"x"}` },
      { Id: 2, i: 0, V: "s" },
      { Id: 2, i: 1, V: "2" },
      { Id: 5, i: 0, V: "" },
      { Id: 6, i: 0, V: "2.5" },
      { Id: 7, i: 0, V: `{"n":{"x":1}}` },
      { Id: 7, i: 1, V: `{"m":[true]}` },
    ],
  );
  // tostring() of the dynamic items: a string's own text, JSON text of the others.
  await check("E | where Id == 2 | mv-expand F | project S = tostring(F)", [
    { S: "s" },
    { S: "2" },
    { S: "true" },
    { S: "" },
    { S: `{"k":"v"}` },
    { S: "[1,2]" },
  ]);
});

Deno.test("mv-expand to typeof(long), real and bool: a cast, other elements null", async () => {
  const only = "E | where Id in (2, 6)";
  await check(`${only} | mv-expand V = F to typeof(long) | project Id, V`, [
    { Id: 2, V: null },
    { Id: 2, V: 2 },
    { Id: 2, V: null },
    { Id: 2, V: null },
    { Id: 2, V: null },
    { Id: 2, V: null },
    { Id: 6, V: 2 }, // 2.5, its whole part
  ]);
  await check(`${only} | mv-expand V = F to typeof(real) | summarize s = sum(V), n = count()`, [
    { s: 4.5, n: 7 },
  ]);
  await check(`${only} | mv-expand V = F to typeof(bool) | where isnotnull(V) | project Id, V`, [
    { Id: 2, V: true },
  ]);
});

Deno.test("mv-expand of a bag and an array side by side: zipped, padded with nulls", async () => {
  const texts = [`{"A":{"x":1,"y":"b"},"B":["p",3,null]}`, `{"A":[],"B":{}}`];
  await check("E | mv-expand A = F.A, B = F.B to typeof(string) | project Id, A, B", [
    { Id: 1, A: `{"x":1}`, B: "p" },
    { Id: 1, A: `{"y":"b"}`, B: "3" },
    { Id: 1, A: null, B: "" },
  ], texts);
  // Two dynamic columns of the same table.
  await check("E | extend G = F | mv-expand F, G to typeof(string) | project Id, F, G", [
    { Id: 1, F: `{"A":{"x":1,"y":"b"}}`, G: `{"A":{"x":1,"y":"b"}}` },
    { Id: 1, F: `{"B":["p",3,null]}`, G: `{"B":["p",3,null]}` },
    { Id: 2, F: `{"A":[]}`, G: `{"A":[]}` },
    { Id: 2, F: `{"B":{}}`, G: `{"B":{}}` },
  ], texts);
});

Deno.test("text the element copy could get wrong is read exactly, as JavaScript reads it", async () => {
  // Each: the text, and the elements JavaScript writes (JSON.stringify of JSON.parse).
  const odd: [string, (string | null)[]][] = [
    [`{"a":1,"a":2}`, [`{"a":2}`]], // a key twice: the last value, in the first place
    [`{"b":1,"1":2}`, [`{"1":2}`, `{"b":1}`]], // whole-number keys first
    [`[1.50,2.0]`, [`1.5`, `2.0`]], // a real keeps one fraction digit, no more
    [`[1e3]`, [`1000.0`]], // an exponent makes a real
    [String.raw`[1,"\u00e9","a\/b"]`, [`1`, `"é"`, `"a/b"`]], // escapes written otherwise
    [`[[[1]],{"k":{"j":[2]}}]`, [`[[1]]`, `{"k":{"j":[2]}}`]], // nested deeper
    [`[{"k":1,"k":2}]`, [`{"k":2}`]],
    [`[1, 2]`, [`1`, `2`]], // blanks
    [`[12345678901234567]`, [`12345678901234567`]],
    [`[-0]`, [`0`]],
    [`2.0`, [`2.0`]], // a real is one element, not a bag
    [`"text"`, [`"text"`]],
    [`not json`, [`"not json"`]],
  ];
  const query = "E | mv-expand F | project Id, F";
  for (const [text, elements] of odd) {
    const expected = elements.map((F) => ({ Id: 1, F }));
    assert.deepStrictEqual(await rows([text], query), expected, text);
    assert.deepStrictEqual(await rows([text], query, false), expected, `${text} (JavaScript)`);
  }
  // Among texts the copy reads, one odd row sends the query to the exact reading.
  for (const [text] of odd.slice(0, 10)) {
    assert.equal(route([...TEXTS, text], query), "exact", text);
  }
  // `to typeof(string)` reads a real written 2.0 as 2.
  const typed = "E | mv-expand V = F to typeof(string) | project V";
  assert.deepStrictEqual(await rows([`[2.0,{"r":2.0}]`], typed), [{ V: "2" }, { V: `{"r":2}` }]);
  assert.deepStrictEqual(await rows([`[2.0,{"r":2.0}]`], typed, false), [
    { V: "2" },
    { V: `{"r":2}` },
  ]);
});

Deno.test("a property holding a string that reads as JSON is one element, the string", async () => {
  // Polars' JSON path gives a string's text unquoted (`"[]"` as `[]`): such rows are read
  // exactly. Each string is one element, as Kusto expands a scalar.
  const texts = [
    `{"Tags":"[]"}`,
    String.raw`{"Tags":"[\"a\"]"}`,
    `{"Tags":"5"}`,
    `{"Tags":["x",1]}`,
    `{"Tags": "[7]"}`, // written with a blank, as Python's json.dumps does
  ];
  const expected = [
    { Id: 1, T: `"[]"` },
    { Id: 2, T: String.raw`"[\"a\"]"` },
    { Id: 3, T: `"5"` },
    { Id: 4, T: `"x"` },
    { Id: 4, T: `1` },
    { Id: 5, T: `"[7]"` },
  ];
  for (
    const query of [
      "E | mv-expand T = F.Tags | project Id, T",
      "E | extend T = F.Tags | mv-expand T | project Id, T",
      "E | extend T = F.Tags | where Id > 0 | mv-expand T | project Id, T",
    ]
  ) {
    assert.deepStrictEqual(await rows(texts, query), expected, query);
    assert.deepStrictEqual(await rows(texts, query, false), expected, `${query} (JavaScript)`);
  }
  assert.equal(route(texts.slice(3, 4), "E | mv-expand T = F.Tags"), "native");
  assert.equal(route(texts.slice(0, 1), "E | mv-expand T = F.Tags"), "exact");
});

Deno.test("strings that look like numbers JavaScript rewrites stay on the Polars reading", async () => {
  // Only numbers are checked for the spellings JavaScript changes: an address ending in 0,
  // a host named -0, a version with a long fraction are strings, copied as they are.
  const texts = [`["10.0.0.10","HOST-0","v1.2345678901234567",2.5]`, `{"ip":"10.1.0.0"}`];
  await check("E | mv-expand F to typeof(string) | project Id, F", [
    { Id: 1, F: "10.0.0.10" },
    { Id: 1, F: "HOST-0" },
    { Id: 1, F: "v1.2345678901234567" },
    { Id: 1, F: "2.5" },
    { Id: 2, F: `{"ip":"10.1.0.0"}` },
  ], texts);
});
