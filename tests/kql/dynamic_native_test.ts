/**
 * Dynamic values read natively by Polars (property access and `tostring()` as JSON-path
 * matches, `pack_array` of strings and its `mv-expand` as Polars lists): the values equal
 * the JavaScript path's on tricky inputs, row for row, and Kusto's documented results.
 */
import assert from "node:assert/strict";
import { executeKql, type KqlResult } from "../../src/kql/mod.ts";
import { explodeJsonStrings, setNativeDynamic } from "../../src/kql/compile/_dynamic_native.ts";
import { pl } from "../../src/polars.ts";
import { sourceTables } from "../../src/kql/run.ts";
import { parseQuery } from "../../src/kql/syntax/_parser.ts";
import { Context } from "../../src/kql/compile/_context.ts";
import { compileQuery } from "../../src/kql/compile/_query.ts";

/** JSON texts (and text that is not JSON) a dynamic column may hold. */
const TEXTS: (string | null)[] = [
  '{"a":{"b":1,"z":[1,2]},"k":"x"}',
  '{"a":{"b":"text","c":null},"k":2.0}',
  '{"a":{"b":2.0}}',
  '{"a":{"b":1.50},"k":-0.0}',
  '{"a":{"b":1e3},"k":1E-7}',
  '{"a":{"b":9007199254740993},"k":123456789012345678901234}',
  '{"a":{"b":0.000001},"k":-0}',
  '{"a":{"b":[]},"k":{}}',
  '{"a":{"b":[[1,[2,3]],{"x":[4.0]}]}}',
  '{"a":null,"k":null}',
  "{}",
  "[]",
  '[10,"x",{"a":{"b":7}},[1]]',
  '["a"]',
  "not json",
  '{"a":1} trailing',
  "",
  null,
  "null",
  "12",
  '"a string"',
  '"{\\"a\\":{\\"b\\":1}}"',
  '{"é ü":"ß","日本":{"b":"語"},"a":{"b":"tab\\tquote\\"back\\\\slash\\u0001"}}',
  '{"a":{"b":"\\ud83d\\ude00 \\u00e9"},"k":"\\ud800"}',
  '{"0":"zero","-1":"minus one","a":{"b":true}}',
  '{"a":{"b":false},"a":{"b":"last wins"}}',
  ' { "a" : { "b" : 1 } , "k" : [ 1 , 2 ] } ',
  '{"k":"9007199254740993 in text","a":{"b":"2024-01-02T03:04:05Z"}}',
  '{"a":{"b":1.7976931348623157e308},"k":5e-324}',
  '{"a":{"b":0.0001},"k":0.00001}',
  '{"a":{"b":1e21},"k":123456789012345680000}',
  '{"a":{"b":[-0,-0.0,0.5e1]},"k":[1E+2,-1.0e-3]}',
  '{"a":{"b":"HOST-0"},"k":"id-0e5f"}',
  "-0.0",
  "1e3",
  '{"a":{"b":12345678901234567},"k":{"x":1e400}}',
];

/** Expressions over `d` (a dynamic column) and `s` (the same text as a string). */
const EXPRESSIONS = [
  "tostring(d.a.b)",
  'tostring(d["a"]["b"])',
  "tostring(d.a)",
  "tostring(d.k)",
  "tostring(d)",
  "tostring(d[0])",
  "tostring(d[-1])",
  "tostring(d[2].a.b)",
  "tostring(d.a.b[1][1][0])",
  'tostring(d["é ü"])',
  'tostring(d["日本"].b)',
  'tostring(d["0"])',
  'tostring(d["-1"])',
  "tostring(parse_json(s).a.b)",
  'tostring(parse_json(s)["k"])',
  "tostring(parse_json(s))",
  "tostring(todynamic(s).a)",
  "d.a.b",
  "parse_json(s).a",
  'strcat("<", d.a.b, ">")',
  "d.a.b == 1",
  'tostring(d.a.b) == "text"',
];

function table(): Record<string, pl.DataFrame> {
  return { T: pl.DataFrame({ d: TEXTS, s: TEXTS, n: TEXTS.map((_, i) => i) }) };
}

const SCHEMAS = {
  T: {
    name: "T",
    columns: [
      { name: "d", type: "dynamic" as const },
      { name: "s", type: "string" as const },
      { name: "n", type: "long" as const },
    ],
  },
};

async function run(query: string, native: boolean): Promise<KqlResult> {
  const was = setNativeDynamic(native);
  try {
    return await executeKql(query, { tables: table(), schemas: SCHEMAS });
  } finally {
    setNativeDynamic(was);
  }
}

async function bothWays(query: string): Promise<Record<string, unknown>[]> {
  const js = (await run(query, false)).frame.toRecords();
  const native = (await run(query, true)).frame.toRecords();
  assert.deepEqual(native, js, query);
  return native;
}

Deno.test("property access and tostring read natively give the JavaScript path's values", async () => {
  for (const e of EXPRESSIONS) await bothWays(`T | project n, v = ${e}`);
  // Grouping and filtering on a path, as hunting queries do.
  await bothWays("T | summarize c = count() by v = tostring(d.a.b) | sort by v asc");
  await bothWays('T | where tostring(d.k) == "x" or tostring(parse_json(s).a.b) has "last"');
});

Deno.test("values read natively are the values a person expects", async () => {
  const rows = await bothWays(
    "T | project n, b = tostring(d.a.b), k = tostring(d['k']), e = tostring(d[-1])",
  );
  const at = (n: number) => rows.find((r) => r.n === n)!;
  assert.equal(at(0).b, "1");
  assert.equal(at(0).k, "x");
  assert.equal(at(1).b, "text");
  assert.equal(at(1).k, "2.0"); // a real keeps its .0 (dynamic reals, issue 16)
  assert.equal(at(2).b, "2.0");
  assert.equal(at(3).b, "1.5");
  assert.equal(at(7).b, "[]");
  assert.equal(at(7).k, "{}");
  assert.equal(at(9).b, ""); // under a null: empty
  assert.equal(at(12).e, "[1]");
  assert.equal(at(14).b, ""); // not JSON: no properties
  assert.equal(at(17).b, ""); // null
  assert.equal(at(22).b, 'tab\tquote"back\\slash\u0001');
  assert.equal(at(25).b, "last wins");
  assert.equal(at(26).k, "[1,2]"); // compact
});

/** The lazy plan a query compiles to (barriers already run), as Polars describes it. */
function plan(query: string, native: boolean): string {
  const was = setNativeDynamic(native);
  try {
    const tables = sourceTables(table(), SCHEMAS);
    return compileQuery(parseQuery(query), new Context(query, tables, new Date())).frame
      .describePlan();
  } finally {
    setNativeDynamic(was);
  }
}

Deno.test("the native paths are the ones taken: Polars' JSON path and explode", () => {
  const path = "T | summarize c = count() by v = tostring(d.a.b)";
  // nodejs-polars describes str.jsonPathMatch as a map of the column.
  assert.match(plan(path, true), /col\("d"\)\.map\(\)/);
  assert.doesNotMatch(plan(path, false), /col\("d"\)\.map\(\)/);
  const expand = "T | mv-expand Item = pack_array(s, s)";
  assert.match(plan(expand, true), /EXPLODE/i);
  assert.doesNotMatch(plan(expand, false), /EXPLODE/i);
  // The item index is a range exploded alongside the list (issue 22).
  const indexed = "T | mv-expand with_itemindex=i Item = pack_array(s, s)";
  assert.match(plan(indexed, true), /EXPLODE/i);
  assert.match(plan(indexed, true), /int_ranges/i);
  // A column of arrays of strings (a split, an extended pack_array) is exploded by Polars;
  // anything else (numbers, bags, spaced or invalid text) is left to JavaScript.
  const frame = (texts: (string | null)[]) => pl.DataFrame({ t: texts });
  const strings = explodeJsonStrings(frame(['["a","b\\\\"]', null, "[]"]), "t", "v", "dynamic");
  assert.deepEqual(strings?.collectSync().getColumn("v").toArray(), ['"a"', '"b\\\\"', null]);
  for (const other of ['["a",1]', '["a", "b"]', '{"a":"b"}', '"a"', "not json", '[["a"]]']) {
    assert.equal(explodeJsonStrings(frame([other]), "t", "v", "dynamic"), undefined, other);
  }
});

Deno.test("pack_array of strings and its mv-expand: Polars' explode, the JavaScript values", async () => {
  const queries = [
    "T | project n, s | extend Item = pack_array(s, 'x\"y', s) | mv-expand Item",
    "T | extend Item = pack_array(s, tostring(n)) | mv-expand Item | project n, Item",
    "T | extend Item = pack_array(s, tostring(n)) | mv-expand Item to typeof(string) | project n, Item",
    "T | extend s = pack_array(s) | mv-expand s | summarize c = count() by v = tostring(s) | sort by v asc",
    "T | extend a = pack_array(s, s) | mv-expand with_itemindex=i a | project n, a, i",
    "T | extend a = pack_array(s, s, s) | mv-expand a limit 2 | project n, a",
    "T | extend a = pack_array(s, s) | mv-expand a to typeof(long) | project n, a",
    "T | project n, a = pack_array(s, 'é\\t\\u2028'), b = pack_array(s)",
    "T | extend w = split(s, '\"') | mv-expand w | project n, w",
    "T | extend w = split(s, ',') | mv-expand w to typeof(string) | project n, w",
    "T | summarize l = make_list(s) by n | mv-expand l | project n, l",
    "T | mv-expand d | project n, d",
    // Arrays Polars decodes as strings but that hold numbers: JavaScript expands them.
    "T | extend a = pack_array(tostring(n), n) | mv-expand a | project n, a",
    "T | mv-expand e = d.a.b | project n, e",
  ];
  for (const q of queries) await bothWays(q);
});

Deno.test("Kusto's documented mv-expand of pack_array and dynamic property access", async () => {
  // learn.microsoft.com/kusto/query/mv-expand-operator: each element of the array becomes a
  // row, the other columns are repeated; the expanded column is dynamic unless typed.
  const q = `datatable(a: string, b: string) ["x1", "y1", "x2", "y2"]
    | extend c = pack_array(a, b) | mv-expand c`;
  const rows = (await run(q, true)).frame.toRecords();
  assert.deepEqual(rows, [
    { a: "x1", b: "y1", c: '"x1"' },
    { a: "x1", b: "y1", c: '"y1"' },
    { a: "x2", b: "y2", c: '"x2"' },
    { a: "x2", b: "y2", c: '"y2"' },
  ]);
  // learn.microsoft.com/kusto/query/scalar-data-types/dynamic: d.a.b and d["a"]["b"] read the
  // same value; a missing property is null, tostring of null is empty.
  const access = (await run(
    `datatable(s: string) ['{"a":{"b":"v","n":[10,20,30]}}', '{"c":1}']
      | project b = tostring(parse_json(s).a.b), i = tostring(parse_json(s)["a"]["n"][1]),
        tail = tostring(parse_json(s).a.n[-1])`,
    true,
  )).frame.toRecords();
  assert.deepEqual(access, [{ b: "v", i: "20", tail: "30" }, { b: "", i: "", tail: "" }]);
});
