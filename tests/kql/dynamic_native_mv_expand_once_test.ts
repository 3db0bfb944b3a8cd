/**
 * `mv-expand` of arrays of strings held as JSON text reads each row's text once (issue 22):
 * the JSON path read (`F.Tags`, a parse of the whole value) is a column of its own, which
 * the exactness checks and the decode share, and the search for a key the path read missed
 * only looks at the rows it missed. Escaped surrogates, which serde rejects alone, still go
 * to the exact reading; other `\u` escapes are decoded natively. Expected values are written
 * by hand from the texts below (Kusto: each element makes a record, an empty array none).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCasefile as casefile, tempFolder } from "../_helpers.ts";
import { compiled, route, rows } from "./_dynamic_native.ts";

const optimizedPlan = (texts: (string | null)[], query: string): string =>
  compiled(texts, query).describeOptimizedPlan();

/**
 * How many times the plan reads a JSON path of column F (Polars shows the read as `map()`;
 * the element texts' check for a key twice reads the text it made, not F).
 */
function pathReads(plan: string): number {
  return plan.match(/col\("F"\)\.map\(\)/g)?.length ?? 0;
}

const PLAIN = [`{"Tags":["office","macro"]}`, `{"Tags":[]}`, null, `{"Other":1}`];

Deno.test("mv-expand of a property reads each row's JSON path once", () => {
  const one = optimizedPlan(
    PLAIN,
    "E | mv-expand Tag = F.Tags to typeof(string) | summarize n = count() by Tag",
  );
  assert.equal(pathReads(one), 1, one);
  assert.match(one, /EXPLODE/);
  const two = optimizedPlan(
    [`{"U":["a"],"P":["b","c"]}`],
    "E | mv-expand U = F.U to typeof(string), P = F.P to typeof(string) | project Id, U, P",
  );
  assert.equal(pathReads(two), 2, two);
});

Deno.test("escaped surrogates and missed paths go to the exact reading; other escapes natively", async () => {
  const texts = [
    // A lone surrogate elsewhere: serde reads no path at all, the key is there: exactly.
    String.raw`{"Tags":["a"],"X":"\ud800"}`,
    // A lone surrogate in the array itself.
    String.raw`{"Tags":["\ud800"]}`,
    // Around the surrogates: U+D7FF and U+E000, and an escaped backslash before "ud800".
    String.raw`{"Tags":["\ud7ff","\ue000","\\ud800"]}`,
    `{"Tags":["plain"]}`,
  ];
  const expected = [
    { Id: 1, T: "a" },
    // A Polars string holds UTF-8: a lone surrogate is stored as U+FFFD (either reading).
    { Id: 2, T: "\ufffd" },
    { Id: 3, T: "\ud7ff" },
    { Id: 3, T: "\ue000" },
    { Id: 3, T: "\\ud800" },
    { Id: 4, T: "plain" },
  ];
  const byPath = "E | mv-expand T = F.Tags to typeof(string) | project Id, T";
  assert.deepStrictEqual(await rows(texts, byPath), expected);
  assert.deepStrictEqual(await rows(texts, byPath, false), expected);
  // The column's own text (no path read): the arrays themselves.
  const arrays = [
    `["a"]`,
    String.raw`["\ud800"]`,
    String.raw`["\ud7ff","\ue000","\\ud800"]`,
    `["plain"]`,
  ];
  const byColumn = "E | mv-expand T = F to typeof(string) | project Id, T";
  assert.deepStrictEqual(await rows(arrays, byColumn), expected);
  assert.deepStrictEqual(await rows(arrays, byColumn, false), expected);
  // Which rows stop the one-pass plan: only those a plain decode would get wrong.
  assert.equal(route([...PLAIN, texts[3]], byPath), "native");
  assert.equal(route([...PLAIN, texts[0]], byPath), "exact");
  assert.equal(route([...PLAIN, texts[1]], byPath), "exact");
  assert.equal(route([`[]`, null, arrays[2], arrays[3]], byColumn), "native");
  assert.equal(route([arrays[0], arrays[1]], byColumn), "exact");
  // Plain rows alone are read natively: the plan decodes and explodes them.
  const plain = optimizedPlan(arrays.slice(2), byColumn);
  assert.match(plain, /json_decode/);
  assert.match(plain, /EXPLODE/);
  assert.doesNotMatch(plain, /__js/);
});

Deno.test("casefile query --data: mv-expand of a nested array, a lone surrogate beside it", async () => {
  const lines = [
    `{"Computer":"H1","AdditionalFields":{"Tags":["office","macro"]}}`,
    String.raw`{"Computer":"H2","AdditionalFields":{"Tags":["office"],"Note":"\ud800"}}`,
    String.raw`{"Computer":"H3","AdditionalFields":{"Tags":["\u00e9t\u00e9"]}}`,
    `{"Computer":"H4","AdditionalFields":{"Tags":[]}}`,
  ];
  const folder = await tempFolder({ "Proc/day1.ndjson": lines.join("\n") + "\n" });
  try {
    const out = await casefile([
      "query",
      "--data",
      folder,
      "Proc | mv-expand Tag = AdditionalFields.Tags to typeof(string) " +
      "| summarize n = count() by Tag | order by Tag asc",
      "--format",
      "json",
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepStrictEqual(JSON.parse(out.stdout), [
      { Tag: "macro", n: 1 },
      { Tag: "office", n: 2 },
      { Tag: "été", n: 1 },
    ]);
  } finally {
    await Deno.remove(join(folder), { recursive: true });
  }
});
