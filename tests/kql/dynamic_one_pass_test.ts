/**
 * Dynamic property access read in one pass (issue 22): Polars' JSON path with a check that
 * stops the query when a row may read differently in JavaScript; the query then runs again
 * with the exact reading. Row by row, the one pass gives the JavaScript value or asks for the
 * exact reading, never a different value; ordinary security JSON takes the one pass; and
 * through `casefile query` a column mixing both kinds of rows gives the values a person reads
 * off the JSON.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { executeKql } from "../../src/kql/mod.ts";
import { setNativeDynamic } from "../../src/kql/compile/_dynamic_native.ts";
import { pl } from "../../src/polars.ts";
import { sourceTables } from "../../src/kql/run.ts";
import { parseQuery } from "../../src/kql/syntax/_parser.ts";
import { Context, needsExactJson } from "../../src/kql/compile/_context.ts";
import { collect, compileQuery } from "../../src/kql/compile/_query.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

const SCHEMAS = {
  T: {
    name: "T",
    columns: [
      { name: "d", type: "dynamic" as const },
      { name: "s", type: "string" as const },
    ],
  },
};

/** The one-pass plan's values, or "exact" when it asks for the exact reading. */
function onePass(query: string, texts: (string | null)[]): unknown[] | "exact" {
  const tables = sourceTables({ T: pl.DataFrame({ d: texts, s: texts }) }, SCHEMAS);
  try {
    const ctx = new Context(query, tables, new Date());
    return collect(compileQuery(parseQuery(query), ctx)).getColumn("v").toArray();
  } catch (error) {
    if (needsExactJson(error)) return "exact";
    throw error;
  }
}

/** The JavaScript path's values (native reading off). */
async function javascript(query: string, texts: (string | null)[]): Promise<unknown[]> {
  const was = setNativeDynamic(false);
  try {
    const tables = { T: pl.DataFrame({ d: texts, s: texts }) };
    return (await executeKql(query, { tables, schemas: SCHEMAS })).frame.getColumn("v")
      .toArray();
  } finally {
    setNativeDynamic(was);
  }
}

/** Texts whose numbers, escapes or shapes serde and JavaScript may read differently. */
const TRICKY = [
  '{"a":{"b":1e3}}',
  '{"a": {"b": 1E-7}}',
  '{"a":{"b":9007199254740993}}',
  '{"a":{"b":123456789012345678901234}}',
  '{"a":{"b":-0}}',
  '{"a":{"b":-0.0}}',
  '{"a":{"b":0.000001}}',
  '{"a":{"b":[1, 2.5e1]}}',
  '{"a":{"b":{"c":1e400}}}',
  '{"a":{"b":"\\ud83d\\ude00"}}',
  '{"a":{"b":"\\ud800"}}',
  '{"a":{"b":"x"},"k":"\\udc00"}',
  '{"a":{"b":1}} trailing',
  "1e3",
  "  -0",
  "[1e5]",
  `${"[".repeat(200)}1${"]".repeat(200)}`,
  `{"a":{"b":${"[".repeat(150)}1${"]".repeat(150)}}}`,
  '{"a":{"b":{"x":0.000001}}}',
  '{"a":{"b":[12345678901234567]}}',
  '{"a":{"b":12345678901234567}}',
  '{"a":{"b":1e21}}',
  '{"a":{"b":"3e4f"},"c":-0}',
  '{"\\u0061":{"b":1},"k":"\\ud800"}',
  '{"a\\/x":{"b":1},"k":1e400}',
  '{"a":{"b":null}}',
  '{"a":null}',
  "not json",
  "",
  null,
];

/** JSON as security tables hold it: GUIDs, IPs, dates, small numbers, nested bags. */
const ORDINARY = [
  '{"a":{"b":"explorer.exe"},"deviceId":"3e4f1a2b-0c9d-4e5f-8a7b-1e2d3c4b5a69"}',
  '{"a":{"b":"10.0.0.5"},"when":"2026-03-11T09:21:44.1234567Z"}',
  '{"a":{"b":4512},"k":-5}',
  '{"a":{"b":1.5},"k":[1,2,3]}',
  '{"a":{"b":true}}',
  '{"a":{"b":{"city":"Sao Paulo","geo":{"lat":-23.55,"lon":-46.63}}}}',
  '{"x":"no a here"}',
  '{"a":{"b":"S-1-5-21-3623811015-3361044348-30300820-1013"}}',
];

const QUERIES = [
  "T | project v = tostring(d.a.b)",
  'T | project v = tostring(d["a/x"].b)',
  'T | project v = tostring(d["a"]["b"])',
  "T | project v = tostring(d.a)",
  "T | project v = tostring(parse_json(s).a.b)",
  "T | project v = tostring(d[0])",
];

Deno.test("one pass, row by row: the JavaScript value, or a request for the exact reading", async () => {
  for (const query of QUERIES) {
    for (const text of [...TRICKY, ...ORDINARY]) {
      const fast = onePass(query, [text]);
      if (fast === "exact") continue;
      assert.deepEqual(fast, await javascript(query, [text]), `${query} over ${text}`);
    }
  }
});

Deno.test("ordinary security JSON is read in one pass, with the values written in it", () => {
  assert.deepEqual(onePass("T | project v = tostring(d.a.b)", ORDINARY), [
    "explorer.exe",
    "10.0.0.5",
    "4512",
    "1.5",
    "true",
    '{"city":"Sao Paulo","geo":{"lat":-23.55,"lon":-46.63}}',
    "",
    "S-1-5-21-3623811015-3361044348-30300820-1013",
  ]);
  assert.deepEqual(onePass("T | project v = tostring(parse_json(s).deviceId)", ORDINARY), [
    "3e4f1a2b-0c9d-4e5f-8a7b-1e2d3c4b5a69",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
  ]);
  // Numbers serde may write differently ask for the exact reading.
  assert.equal(onePass("T | project v = tostring(d.a.b)", ['{"a":{"b":0.000001}}']), "exact");
});

Deno.test("a table mixing both kinds of rows runs again exactly, every row as written", async () => {
  const texts = [
    '{"a":{"b":"explorer.exe"}}',
    '{"a":{"b":0.000001}}',
    '{"a":{"b":"\\ud83d\\ude00"}}',
    '{"a":{"b":-0}}',
    '{"a":{"b":4512}}',
  ];
  const result = await executeKql("T | project v = tostring(d.a.b)", {
    tables: { T: pl.DataFrame({ d: texts, s: texts }) },
    schemas: SCHEMAS,
  });
  // The fraction as written (serde writes 1e-6), the surrogate pair as one emoji, -0 as the
  // long 0 (serde writes -0.0).
  assert.deepEqual(result.frame.getColumn("v").toArray(), [
    "explorer.exe",
    "0.000001",
    "\u{1F600}",
    "0",
    "4512",
  ]);
});

Deno.test("an array nested deeper than serde reads: its first element, in JavaScript", async () => {
  const deep = `${"[".repeat(200)}1${"]".repeat(200)}`;
  const result = await executeKql("T | project v = tostring(d[0])", {
    tables: { T: pl.DataFrame({ d: [deep, '{"k":1}'], s: [deep, ""] }) },
    schemas: SCHEMAS,
  });
  assert.deepEqual(result.frame.getColumn("v").toArray(), [
    `${"[".repeat(199)}1${"]".repeat(199)}`,
    "",
  ]);
});

Deno.test("casefile query: property access over a CSV of JSON, ordinary and exact rows", async () => {
  const rows = [
    ["1", '{"Parent":"explorer.exe","Score":0.5}'],
    ["2", '{"Parent":"services.exe","Score":0.000001}'],
    ["3", '{"Parent":"explorer.exe","Score":2}'],
  ];
  const csv = "Id,Fields\n" +
    rows.map(([id, json]) => `${id},"${json.replaceAll('"', '""')}"`).join("\n") + "\n";
  const folder = await tempFolder({ "Process.csv": csv });
  try {
    const run = await runCasefile([
      "--data",
      folder,
      "query",
      `Process | extend Parent = tostring(parse_json(Fields).Parent),
         Score = tostring(parse_json(Fields).Score) | project Id, Parent, Score | order by Id asc`,
      "--format",
      "json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [
      { Id: 1, Parent: "explorer.exe", Score: "0.5" },
      { Id: 2, Parent: "services.exe", Score: "0.000001" },
      { Id: 3, Parent: "explorer.exe", Score: "2" },
    ]);
    const counted = await runCasefile([
      "--data",
      folder,
      "query",
      "Process | summarize n = count() by Parent = tostring(parse_json(Fields).Parent) | order by Parent asc",
      "--format",
      "json",
    ]);
    assert.equal(counted.code, 0, counted.stderr);
    assert.deepEqual(JSON.parse(counted.stdout), [
      { Parent: "explorer.exe", n: 2 },
      { Parent: "services.exe", n: 1 },
    ]);
  } finally {
    await Deno.remove(join(folder), { recursive: true });
  }
});
