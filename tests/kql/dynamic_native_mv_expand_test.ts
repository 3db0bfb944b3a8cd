/**
 * `mv-expand` of arrays of strings held as JSON text (a dynamic column, or a property of one:
 * `AdditionalFields.Tags`) decoded by Polars in the plan, with no JavaScript barrier, one item
 * or several side by side; rows holding anything else (numbers, bags, escaped surrogates)
 * send the query to the exact reading. Values are hand-computed from Kusto's documented
 * semantics (each top-level element makes a record, the other columns repeated; an empty
 * array makes none, a null one a null row; several arrays expand side by side, the shorter
 * padded with nulls; `with_itemindex` counts from 0; `limit` caps each row's records), and
 * equal the JavaScript path's; the plans show Polars' decode and explode.
 */
import assert from "node:assert/strict";
import { compiled, rows } from "./_dynamic_native.ts";

const PLAIN = [
  `{"Tags":["office","macro"],"Cmd":"a, b"}`,
  `{"Tags":[]}`,
  null,
  `{"Other":1}`,
  `{"Tags":["é x"]}`,
];

const plan = (texts: (string | null)[], query: string): string =>
  compiled(texts, query).describePlan();

Deno.test("mv-expand of a property holding arrays of strings: Kusto's rows, read by Polars", async () => {
  const query = "E | mv-expand Tag = F.Tags to typeof(string) | project Id, Tag";
  // Row 1: two records; row 2 (empty array): none; rows 3 (null F) and 4 (no Tags): one
  // record each with an empty string; row 5: one.
  const expected = [
    { Id: 1, Tag: "office" },
    { Id: 1, Tag: "macro" },
    { Id: 3, Tag: "" },
    { Id: 4, Tag: "" },
    { Id: 5, Tag: "é x" },
  ];
  assert.deepStrictEqual(await rows(PLAIN, query), expected);
  assert.deepStrictEqual(await rows(PLAIN, query, false), expected);
  const described = plan(PLAIN, query);
  assert.match(described, /json_decode/);
  assert.match(described, /EXPLODE/);
  assert.doesNotMatch(described, /__js/);
});

Deno.test("mv-expand of a dynamic property: elements as dynamic, item index and limit", async () => {
  const query = "E | where Id != 3 | mv-expand with_itemindex = i T = F.Tags limit 1 " +
    "| project Id, i, T, S = tostring(T), K = gettype(T)";
  const expected = [
    // Dynamic values are held as their JSON text.
    { Id: 1, i: 0, T: `"office"`, S: "office", K: "string" },
    { Id: 4, i: 0, T: null, S: "", K: "null" },
    { Id: 5, i: 0, T: `"é x"`, S: "é x", K: "string" },
  ];
  assert.deepStrictEqual(await rows(PLAIN, query), expected);
  assert.deepStrictEqual(await rows(PLAIN, query, false), expected);
  // A dynamic column itself: its arrays expanded the same way.
  const arrays = [`["a","b"]`, `[]`, null, `["c"]`];
  const own = "E | mv-expand F | summarize n = count() by V = tostring(F) | order by V asc";
  const counts = [{ V: "", n: 1 }, { V: "a", n: 1 }, { V: "b", n: 1 }, { V: "c", n: 1 }];
  assert.deepStrictEqual(await rows(arrays, own), counts);
  assert.match(plan(arrays, own), /json_decode/);
});

Deno.test("rows a plain decode would get wrong go to the exact reading: values as JavaScript's", async () => {
  // Numbers, a bag, escapes, text, nested and mixed arrays: each expands as Kusto does.
  const mixed = [
    `{"Tags":["x",1,2.5]}`,
    `{"Tags":{"k":"v"}}`,
    String.raw`{"Tags":["say \"hi\"","b"]}`,
    `{"Tags":"text"}`,
    `{"Tags":[["n"],null,true]}`,
    // Escapes Polars decodes (read natively), and an escaped surrogate pair (exactly).
    String.raw`{"Tags":["\u00e9\n\\"]}`,
    String.raw`{"Tags":["\ud83d\ude00"]}`,
  ];
  const query = "E | mv-expand T = F.Tags | project Id, S = tostring(T)";
  const expected = [
    { Id: 1, S: "x" },
    { Id: 1, S: "1" },
    { Id: 1, S: "2.5" },
    { Id: 2, S: `{"k":"v"}` },
    { Id: 3, S: `say "hi"` },
    { Id: 3, S: "b" },
    { Id: 4, S: "text" },
    { Id: 5, S: `["n"]` },
    { Id: 5, S: "" },
    { Id: 5, S: "true" },
    { Id: 6, S: "é\n\\" },
    { Id: 7, S: "\u{1F600}" },
  ];
  assert.deepStrictEqual(await rows(mixed, query), expected);
  assert.deepStrictEqual(await rows(mixed, query, false), expected);
  // Each odd row alone (among plain ones) is enough to read the query exactly.
  for (const odd of mixed) {
    const texts = [...PLAIN, odd];
    assert.deepStrictEqual(await rows(texts, query), await rows(texts, query, false), odd);
  }
});

Deno.test("mv-expand of two parallel arrays: zipped, the shorter padded with nulls, in Polars", async () => {
  const texts = [
    `{"Users":["ana","ben","cy"],"Ips":["10.0.0.1","10.0.0.2"]}`,
    `{"Users":[],"Ips":[]}`,
    null,
    `{"Users":["dan"]}`,
  ];
  const query = "E | mv-expand with_itemindex = i U = F.Users to typeof(string), " +
    "P = F.Ips to typeof(string) | project Id, i, U, P";
  // Row 1: three records (the longer array), the third Ip null; row 2: none; row 3 (null):
  // one record of nulls; row 4 (no Ips): one.
  const expected = [
    { Id: 1, i: 0, U: "ana", P: "10.0.0.1" },
    { Id: 1, i: 1, U: "ben", P: "10.0.0.2" },
    { Id: 1, i: 2, U: "cy", P: "" },
    { Id: 3, i: 0, U: "", P: "" },
    { Id: 4, i: 0, U: "dan", P: "" },
  ];
  assert.deepStrictEqual(await rows(texts, query), expected);
  assert.deepStrictEqual(await rows(texts, query, false), expected);
  const described = plan(texts, query);
  assert.match(described, /EXPLODE/);
  assert.doesNotMatch(described, /__js/);

  // Arrays pack_array made, as dynamic elements, with a limit.
  const packed = "E | where Id <= 2 | extend a = pack_array(tostring(Id), 'z'), " +
    "b = pack_array('q') | mv-expand a, b | project Id, a, b";
  const zipped = [
    { Id: 1, a: `"1"`, b: `"q"` },
    { Id: 1, a: `"z"`, b: null },
    { Id: 2, a: `"2"`, b: `"q"` },
    { Id: 2, a: `"z"`, b: null },
  ];
  assert.deepStrictEqual(await rows(texts, packed), zipped);
  assert.deepStrictEqual(await rows(texts, packed, false), zipped);
  const limited = packed.replace("mv-expand a, b", "mv-expand a, b limit 1");
  assert.deepStrictEqual(await rows(texts, limited), [zipped[0], zipped[2]]);
  assert.doesNotMatch(plan(texts, packed), /__js/);
  // A bag in one item: the exact reading, as JavaScript expands it.
  const bag = [`{"Users":["ana"],"Ips":{"k":"v"}}`];
  const both = "E | mv-expand U = F.Users, P = F.Ips | project S = tostring(U), Q = tostring(P)";
  assert.deepStrictEqual(await rows(bag, both), [{ S: "ana", Q: `{"k":"v"}` }]);
});
