/**
 * `extend T = F.Tags | mv-expand T` reads the JSON path natively, as `mv-expand T = F.Tags`
 * does (issue 22): `extend` keeps the member's JavaScript job waiting, and the expansion
 * right after builds its frame from the input with Polars' JSON path, decode and explode.
 * Any other use of T (printed, compared, tostring, bag functions, another mv-expand) runs
 * the job as before. Expected values are written by hand from the texts below (Kusto: each
 * element makes a record, an empty array none, a null or missing one a null record).
 */
import assert from "node:assert/strict";
import { runCasefile as casefile, tempFolder } from "../_helpers.ts";
import { collectsWhilePlanning, compiled, route, rows } from "./_dynamic_native.ts";

const PLAIN = [`{"Tags":["office","macro"]}`, `{"Tags":[]}`, null, `{"Other":1}`];
/** Dynamic elements are JSON texts: `"office"`. */
const EXPANDED = [
  { Id: 1, T: `"office"` },
  { Id: 1, T: `"macro"` },
  { Id: 3, T: null },
  { Id: 4, T: null },
];

Deno.test("extend T = F.Tags | mv-expand T: the rows of mv-expand T = F.Tags", async () => {
  const viaExtend = "E | extend T = F.Tags | mv-expand T | project Id, T";
  assert.deepStrictEqual(await rows(PLAIN, viaExtend), EXPANDED);
  assert.deepStrictEqual(await rows(PLAIN, viaExtend, false), EXPANDED);
  assert.deepStrictEqual(await rows(PLAIN, "E | mv-expand T = F.Tags | project Id, T"), EXPANDED);
  // As strings, counted.
  assert.deepStrictEqual(
    await rows(
      [...PLAIN, `{"Tags":["macro"]}`],
      "E | extend T = F.Tags | mv-expand T to typeof(string) | summarize n = count() by T" +
        " | order by T asc",
    ),
    [{ T: "", n: 2 }, { T: "macro", n: 2 }, { T: "office", n: 1 }],
  );
  // T replaces F in its place; the other columns extend assigns are kept.
  assert.deepStrictEqual(
    await rows(PLAIN.slice(0, 2), "E | extend F = F.Tags, K = Id * 10 | mv-expand F"),
    [{ Id: 1, F: `"office"`, K: 10 }, { Id: 1, F: `"macro"`, K: 10 }],
  );
  // Beside another JavaScript job (a second path): both computed as before.
  assert.deepStrictEqual(
    await rows(PLAIN, "E | extend T = F.Tags, U = F.Other | mv-expand T | project Id, T, U"),
    [
      { Id: 1, T: `"office"`, U: null },
      { Id: 1, T: `"macro"`, U: null },
      { Id: 3, T: null, U: null },
      { Id: 4, T: null, U: "1" },
    ],
  );
  // Beside a job of another kind: T waits only when its job is the one pending.
  assert.deepStrictEqual(
    await rows(PLAIN, "E | extend T = F.Tags, U = bag_keys(F) | mv-expand T | project Id, T, U"),
    [
      { Id: 1, T: `"office"`, U: `["Tags"]` },
      { Id: 1, T: `"macro"`, U: `["Tags"]` },
      { Id: 3, T: null, U: null },
      { Id: 4, T: null, U: `["Other"]` },
    ],
  );
  // with_itemindex and limit.
  assert.deepStrictEqual(
    await rows(PLAIN.slice(0, 1), "E | extend T = F.Tags | mv-expand with_itemindex=i T limit 1"),
    [{ Id: 1, F: PLAIN[0], T: `"office"`, i: 0 }],
  );
});

Deno.test("extend T = F.Tags | mv-expand T: Polars reads the path, no JavaScript job", () => {
  const query = "E | extend T = F.Tags | mv-expand T to typeof(string) | summarize count() by T";
  const plan = compiled(PLAIN, query).describeOptimizedPlan();
  assert.match(plan, /json_decode/);
  assert.match(plan, /EXPLODE/);
  assert.equal(plan.match(/\.map\(\)/g)?.length, 1, plan); // the JSON path, read once
  // The job's column (`__js…`) is in neither the plan nor a frame computed beforehand.
  assert.doesNotMatch(plan, /__js/);
  assert.doesNotMatch(plan, /DF \[.*"T"/);
  // A row the native decode would get wrong sends the query to the exact reading.
  assert.equal(route(PLAIN, query), "native");
  assert.equal(route([...PLAIN, `{"Tags":["a",1]}`], query), "exact");
});

Deno.test("extend T = F.Tags | mv-expand T: planning runs no JavaScript job", () => {
  assert.equal(collectsWhilePlanning(PLAIN, "E | extend T = F.Tags | mv-expand T"), 0);
  assert.equal(
    collectsWhilePlanning(PLAIN, "E | extend T = F.Tags, K = Id + 1 | mv-expand T | where K > 1"),
    0,
  );
  // Read by the next operator, T is computed by its job, at planning as before (the count
  // sees it); only kept by it (project Id, T), T waits (see dynamic_native_between_test.ts).
  assert.ok(
    collectsWhilePlanning(PLAIN, "E | extend T = F.Tags | project Id, n = array_length(T)") > 0,
  );
});

Deno.test("other uses of T = F.Tags give what they gave", async () => {
  const texts = [
    ...PLAIN,
    `{"Tags":["a",1.0,{"k":2}]}`,
    `{"Tags":{"b":1}}`,
    `{"Tags":[{"z":1,"a":2}]}`,
  ];
  const cases: [string, Record<string, unknown>[]][] = [
    ["E | extend T = F.Tags | project Id, T", [
      { Id: 1, T: `["office","macro"]` },
      { Id: 2, T: `[]` },
      { Id: 3, T: null },
      { Id: 4, T: null },
      { Id: 5, T: `["a",1.0,{"k":2}]` },
      { Id: 6, T: `{"b":1}` },
      { Id: 7, T: `[{"z":1,"a":2}]` },
    ]],
    [`E | extend T = F.Tags | where tostring(T) == '[]' | project Id`, [{ Id: 2 }]],
    ["E | extend T = F.Tags | extend n = array_length(T) | project Id, n", [
      { Id: 1, n: 2 },
      { Id: 2, n: 0 },
      { Id: 3, n: null },
      { Id: 4, n: null },
      { Id: 5, n: 3 },
      { Id: 6, n: null },
      { Id: 7, n: 1 },
    ]],
    ["E | extend T = F.Tags | where Id == 6 | project k = bag_keys(T)", [{ k: `["b"]` }]],
    // Mixed and bag rows: exact reading, as with the path written in mv-expand.
    ["E | extend T = F.Tags | where Id >= 5 | mv-expand T | project Id, T", [
      { Id: 5, T: `"a"` },
      { Id: 5, T: `1.0` },
      { Id: 5, T: `{"k":2}` },
      { Id: 6, T: `{"b":1}` },
      { Id: 7, T: `{"z":1,"a":2}` },
    ]],
    ["E | extend T = F.Tags | mv-expand T | where Id >= 5 | project Id, T", [
      { Id: 5, T: `"a"` },
      { Id: 5, T: `1.0` },
      { Id: 5, T: `{"k":2}` },
      { Id: 6, T: `{"b":1}` },
      { Id: 7, T: `{"z":1,"a":2}` },
    ]],
    // A filter on T between: it reads T's value (the job runs), not the path's text.
    [`E | extend T = F.Tags | where tostring(T) has "1.0" | mv-expand T | project Id, T`, [
      { Id: 5, T: `"a"` },
      { Id: 5, T: `1.0` },
      { Id: 5, T: `{"k":2}` },
    ]],
    // Bag keys in their order (a JSON path read may order them otherwise).
    [`E | extend T = F.Tags | where tostring(T) has '"z":1,"a"' | mv-expand T | project Id, T`, [
      { Id: 7, T: `{"z":1,"a":2}` },
    ]],
    // Types the native expansion does not make: the job runs, as before.
    ["E | extend T = F.Tags | mv-expand T to typeof(long) | where Id == 5 | project T", [
      { T: null },
      { T: 1 },
      { T: null },
    ]],
  ];
  for (const [query, expected] of cases) {
    assert.deepStrictEqual(await rows(texts, query), expected, query);
    assert.deepStrictEqual(await rows(texts, query, false), expected, `${query} (JavaScript)`);
  }
});

Deno.test("casefile query --data: extend T = AdditionalFields.Tags | mv-expand T", async () => {
  const lines = [
    `{"Id":1,"AdditionalFields":{"Tags":["office","macro"]}}`,
    `{"Id":2,"AdditionalFields":{"Tags":[]}}`,
    `{"Id":3,"AdditionalFields":{"Tags":["office"]}}`,
  ];
  const folder = await tempFolder({ "Proc/day1.ndjson": lines.join("\n") + "\n" });
  try {
    const out = await casefile([
      "query",
      "--data",
      folder,
      "Proc | extend Tag = AdditionalFields.Tags | mv-expand Tag to typeof(string) " +
      "| summarize n = count() by Tag | order by Tag asc",
      "--format",
      "json",
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepStrictEqual(JSON.parse(out.stdout), [
      { Tag: "macro", n: 1 },
      { Tag: "office", n: 2 },
    ]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
