/**
 * `extend T = F.Tags | … | mv-expand T` with a `where`, `project` or `project-away` between
 * the extend and the expansion reads the JSON path natively, as with nothing between (issue
 * 22): an operator that keeps T unread carries the path's reading to the expansion, and the
 * member's JavaScript job never runs. An operator that reads T (or renames it) runs the job
 * as before. Expected values are written by hand from the texts below (Kusto: each element
 * makes a record, an empty array none, a null or missing one a null record).
 */
import assert from "node:assert/strict";
import { runCasefile, tempFolder } from "../_helpers.ts";
import { collectsWhilePlanning, compiled, rows } from "./_dynamic_native.ts";

const TEXTS = [
  `{"Tags":["office","macro"],"Host":"a"}`,
  `{"Tags":[]}`,
  null,
  `{"Other":1}`,
  `{"Tags":["vpn"],"Host":"b"}`,
];

async function both(query: string, expected: Record<string, unknown>[]) {
  assert.deepStrictEqual(await rows(TEXTS, query), expected, query);
  assert.deepStrictEqual(await rows(TEXTS, query, false), expected, `${query} (JavaScript)`);
}

Deno.test("a where between extend T = F.Tags and mv-expand T: the rows, no JavaScript job", async () => {
  const query = "E | extend T = F.Tags | where Id != 1 | mv-expand T | project Id, T";
  // Row 2 (empty): no record; 3 (null) and 4 (no Tags): a null record each; 5: one.
  await both(query, [{ Id: 3, T: null }, { Id: 4, T: null }, { Id: 5, T: `"vpn"` }]);
  assert.equal(collectsWhilePlanning(TEXTS, query), 0);
  assert.doesNotMatch(compiled(TEXTS, query).describeOptimizedPlan(), /__js/);
  // Two filters, the second on another property, then a typed expansion.
  const typed = "E | extend T = F.Tags | where Id <= 5 | where isnotempty(tostring(F.Host))" +
    " | mv-expand T to typeof(string) | project Id, T";
  await both(typed, [{ Id: 1, T: "office" }, { Id: 1, T: "macro" }, { Id: 5, T: "vpn" }]);
});

Deno.test("a project or project-away between: the rows, no JavaScript job", async () => {
  const projected = "E | extend T = F.Tags | project T, Id | mv-expand T";
  await both(projected, [
    { T: `"office"`, Id: 1 },
    { T: `"macro"`, Id: 1 },
    { T: null, Id: 3 },
    { T: null, Id: 4 },
    { T: `"vpn"`, Id: 5 },
  ]);
  assert.equal(collectsWhilePlanning(TEXTS, projected), 0);
  const away = "E | extend T = F.Tags | project-away F | where Id > 3 | mv-expand T";
  await both(away, [{ Id: 4, T: null }, { Id: 5, T: `"vpn"` }]);
  assert.equal(collectsWhilePlanning(TEXTS, away), 0);
  const kept = "E | extend T = F.Tags | project-keep Id, T | mv-expand T to typeof(string)" +
    " | summarize n = count() by T | order by T asc";
  await both(kept, [
    { T: "", n: 2 },
    { T: "macro", n: 1 },
    { T: "office", n: 1 },
    { T: "vpn", n: 1 },
  ]);
});

Deno.test("an operator between that reads or renames T runs the job: the values T holds", async () => {
  // The filter reads T's value (its text would be the path's, a different thing).
  const reads = "E | extend T = F.Tags | where array_length(T) == 1 | mv-expand T | project Id, T";
  await both(reads, [{ Id: 5, T: `"vpn"` }]);
  // Renamed, or computed from T, or T dropped: the expansion reads the new column.
  await both("E | extend T = F.Tags | project Id, U = T | mv-expand U | where Id == 5", [
    { Id: 5, U: `"vpn"` },
  ]);
  // T given another column's value: the expansion is of that value (row 5's bag).
  await both("E | extend T = F.Tags | project Id, T = F | mv-expand T | where Id == 5", [
    { Id: 5, T: `{"Tags":["vpn"]}` },
    { Id: 5, T: `{"Host":"b"}` },
  ]);
  await both(
    "E | extend T = F.Tags | project Id, T, n = array_length(T) | mv-expand T | where Id == 1",
    [
      { Id: 1, T: `"office"`, n: 2 },
      { Id: 1, T: `"macro"`, n: 2 },
    ],
  );
  await both(
    "E | extend T = F.Tags | project-away T | extend T = F.Other | mv-expand T | where Id == 4",
    [
      { Id: 4, F: `{"Other":1}`, T: `1` },
    ],
  );
  // A user function reading T in the filter.
  await both(
    "let has_vpn = () { tostring(T) has 'vpn' }; E | extend T = F.Tags | where has_vpn() | mv-expand T | project Id, T",
    [{ Id: 5, T: `"vpn"` }],
  );
});

Deno.test("casefile query --data: a filter and a projection between extend and mv-expand", async () => {
  const lines = [
    `{"Id":1,"Host":"a","AdditionalFields":{"Tags":["office","macro"],"Score":{"x":1,"y":2}}}`,
    `{"Id":2,"Host":"b","AdditionalFields":{"Tags":["office"],"Score":{"x":3}}}`,
    `{"Id":3,"Host":"a","AdditionalFields":{"Tags":[],"Score":{}}}`,
    `{"Id":4,"Host":"c","AdditionalFields":{"Tags":["vpn"],"Score":{"z":9}}}`,
  ];
  const folder = await tempFolder({ "Proc/day1.ndjson": lines.join("\n") + "\n" });
  const query = async (kql: string) => {
    const out = await runCasefile(["query", "--data", folder, kql, "--format", "json"]);
    assert.equal(out.code, 0, out.stderr);
    return JSON.parse(out.stdout);
  };
  try {
    // Hosts a and b: office twice, macro once (row 3's empty array makes none).
    assert.deepStrictEqual(
      await query(
        "Proc | extend Tag = AdditionalFields.Tags | where Host != 'c' | project Host, Tag " +
          "| mv-expand Tag to typeof(string) | summarize n = count() by Tag | order by Tag asc",
      ),
      [{ Tag: "macro", n: 1 }, { Tag: "office", n: 2 }],
    );
    // A bag's keys, kind=array: x twice, y and z once.
    assert.deepStrictEqual(
      await query(
        "Proc | mv-expand kind=array S = AdditionalFields.Score " +
          "| summarize n = count() by K = tostring(S[0]), V = toint(S[1]) | order by K asc, V asc",
      ),
      [{ K: "x", V: 1, n: 1 }, { K: "x", V: 3, n: 1 }, { K: "y", V: 2, n: 1 }, {
        K: "z",
        V: 9,
        n: 1,
      }],
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
