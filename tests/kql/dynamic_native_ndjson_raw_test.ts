/**
 * JSON-path reads of a scanned NDJSON table's nested columns read Polars' own text of the
 * value (`ScannedTable.rawJson`, src/kql/compile/_raw_json.ts), not the compacted column:
 * `mv-expand T = F.Tags`, `extend T = F.Tags | … | mv-expand T` and `tostring(F.a.b)`.
 * Polars' text differs from the file's where the compacted column would have stopped the
 * read (numbers respelt, keys of big objects or whole-number keys reordered, backslashes
 * left unescaped, escaped control characters written raw), so each query is checked against
 * the exact reading: the same file loaded whole by the JavaScript reader, native reading off.
 * A few answers are also written by hand from the records below.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTable, scanTable } from "../../src/data/mod.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { executeOn, sourceTables } from "../../src/kql/run.ts";
import { setNativeDynamic } from "../../src/kql/compile/_dynamic_native.ts";
import { Context } from "../../src/kql/compile/_context.ts";
import { compileQuery } from "../../src/kql/compile/_query.ts";
import { parseQuery } from "../../src/kql/syntax/_parser.ts";
import { tempFolder } from "../_helpers.ts";

const NOW = new Date(Date.UTC(2026, 2, 16));

/** 1200 plain records (past the scan's 1000-row head), then the ones to check. */
function records(tail: readonly string[]): string[] {
  const plain = Array.from({ length: 1200 }, (_, i) =>
    JSON.stringify({
      Computer: `HOST-${i % 3}`,
      F: { Parent: i % 2 ? "cmd.exe" : "explorer.exe", Tags: [`HOST-${i % 3}`, "a, b: c"] },
    }));
  return [...plain, ...tail];
}

/** Records only the end of a file holds (keys and a nested column first seen late). */
const LATE = [
  `{"Computer":"HOST-9","F":null}`,
  `{"Computer":"HOST-9"}`,
  `{"Computer":"HOST-9","F":{"Tags":null,"Parent":"late.exe"}}`,
  `{"Computer":"HOST-9","F":{"Tags":[]}}`,
  `{"Computer":"HOST-9","F":{"Procs":[{"Name":"a","Id":1},{"Name":"b"}],"Tags":["x"]}}`,
  `{"Computer":"HOST-9","F":{"Tags":["y","z"],"Late":{"Deep":["d1"]}},"G":{"Tags":["g"]}}`,
];

/** Records whose Polars text is not the file's, each a risk for a native reading. */
const RISKY = [
  // Whole-number keys (JavaScript writes them first), and a bag of 40 keys.
  `{"Computer":"HOST-7","F":{"Tags":["n"],"Map":{"b":1,"10":"x","2":"y"}}}`,
  `{"Computer":"HOST-7","F":{"Tags":["m"],"Map":{${
    Array.from({ length: 40 }, (_, k) => `"k${k}":${k}`).join(",")
  }}}}`,
  // An element of an array of bags with a whole-number key.
  `{"Computer":"HOST-7","F":{"Tags":["p"],"Procs":[{"b":1,"10":2},{"Name":"c"}]}}`,
  // Numbers Polars spells its own way inside the value read and beside it.
  `{"Computer":"HOST-7","F":{"Tags":["e"],"Map":{"big":1e21,"tiny":1e-7,"neg":-0.0}}}`,
  `{"Computer":"HOST-7","F":{"Tags":["f"],"Parent":"num.exe","Other":[1e21,1e-7]}}`,
  // An escaped control character (Polars writes it raw), in the value read and beside it.
  `{"Computer":"HOST-7","F":{"Tags":["t\\tab"],"Parent":"ctl.exe"}}`,
  `{"Computer":"HOST-7","F":{"Tags":["ok"],"Note":"bell\\u0007"}}`,
];

/** Records with a backslash in a string (Polars writes it unescaped), and a check by hand. */
const BACKSLASH: [string, (got: unknown[][]) => void][] = [
  [
    `{"Computer":"HOST-8","F":{"Tags":["a\\\\tb"],"Parent":"a\\\\nb"}}`,
    (got) => {
      assert.ok(got[0].some((r) => (r as { Tag: string }).Tag === "a\\tb"));
      assert.ok(got[4].some((r) => (r as { P: string }).P === "a\\nb"));
    },
  ],
  [
    `{"Computer":"HOST-8","F":{"Tags":["C:\\\\Temp"],"Parent":"C:\\\\x"}}`,
    (got) => assert.ok(got[0].some((r) => (r as { Tag: string }).Tag === "C:\\Temp")),
  ],
];

const QUERIES = [
  "T | mv-expand Tag = F.Tags to typeof(string) | summarize n = count() by Tag | order by Tag asc",
  "T | mv-expand Tag = F.Tags | summarize n = count() by Tag = tostring(Tag) | order by Tag asc",
  "T | extend X = F.Tags | where Computer != 'HOST-0' | mv-expand X to typeof(string) " +
  "| summarize n = count() by Computer, X | order by Computer asc, X asc",
  "T | extend X = F.Tags | project Computer, X | mv-expand X to typeof(string) " +
  "| summarize n = count() by Computer, X | order by Computer asc, X asc",
  "T | summarize n = count() by P = tostring(F.Parent) | order by P asc",
  "T | summarize n = count() by M = tostring(F.Map) | order by M asc",
  "T | where Computer != 'HOST-1' | where isnotempty(tostring(F.Parent)) " +
  "| summarize n = count() by Computer, P = tostring(F.Parent), M = tostring(F.Map) " +
  "| order by Computer asc, P asc, M asc",
  "T | summarize n = count() by D = tostring(F.Late.Deep) | order by D asc",
  "T | mv-expand P = F.Procs | summarize n = count() by N = tostring(P.Name) | order by N asc",
  "T | summarize n = count() by I = tostring(F.Procs[0].Name) | order by I asc",
  "T | mv-expand P = F.Procs | summarize n = count() by S = tostring(P) | order by S asc",
  "T | mv-expand O = F.Other | summarize n = count() by O = tostring(O) | order by O asc",
  "T | mv-expand G.Tags to typeof(string) | summarize n = count() by Tags = tostring(G_Tags) " +
  "| order by Tags asc",
];

/** Each query's rows over `file` loaded whole, read exactly (JavaScript, native off). */
async function exact(file: string, queries = QUERIES): Promise<unknown[][]> {
  const loaded = await loadTable(file, { name: "T" });
  const tables = sourceTables({ T: loaded.frame }, { T: loaded.schema });
  const was = setNativeDynamic(false);
  try {
    const out: unknown[][] = [];
    for (const kql of queries) {
      out.push((await executeOn(kql, tables, { now: NOW })).frame.toRecords());
    }
    return out;
  } finally {
    setNativeDynamic(was);
  }
}

/**
 * Each query's rows through a local provider over a folder of `lines` (the scan, natively),
 * a folder each: a query that meets a value the scan cannot read loads the file whole for
 * every later query (until the file changes), which would hide a later wrong reading.
 */
async function native(lines: readonly string[], queries = QUERIES): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (const kql of queries) {
    const { folder } = await folderOf(lines);
    try {
      out.push((await (await openLocalProvider(folder)).query(kql)).frame.toRecords());
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  }
  return out;
}

async function folderOf(lines: readonly string[]): Promise<{ folder: string; file: string }> {
  const folder = await tempFolder({ "T/day1.ndjson": lines.join("\n") + "\n" });
  return { folder, file: join(folder, "T/day1.ndjson") };
}

Deno.test("a scanned nested column's path reads read Polars' text of it", async () => {
  const { folder, file } = await folderOf(records(LATE));
  try {
    const table = await scanTable(file, { name: "T" });
    assert.equal(table.scanned, true);
    assert.deepEqual([...table.rawJson!.columns.keys()], ["F", "G"]);
    // The text beside the value: Polars' own, blanks and all.
    const last = table.rawJson!.frame.tail(1).collectSync().toRecords()[0];
    assert.equal(last["F\u0000json"], `{"Tags": ["y", "z"], "Late": {"Deep": ["d1"]}}`);
    assert.equal(last.F, `{"Tags":["y","z"],"Late":{"Deep":["d1"]}}`);
    // The public frame has the table's columns only.
    assert.deepEqual(table.frame.collectSync().columns, ["Computer", "F", "G"]);
    // The plan of a path read reads the text, not the compacted column.
    const tables = new Map([["T", table]]);
    const plan = (kql: string) =>
      compileQuery(parseQuery(kql), new Context(kql, tables, NOW)).frame.describeOptimizedPlan();
    for (const kql of [QUERIES[0], QUERIES[2], QUERIES[4], QUERIES[6]]) {
      assert.ok(plan(kql).includes("F\u0000json"), kql);
    }
    assert.ok(!plan("T | project F").includes("F\u0000json"));
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("path reads of Polars' text agree with the exact reading: late keys, nulls, arrays of objects", async () => {
  const lines = records(LATE);
  const { folder, file } = await folderOf(lines);
  try {
    const got = await native(lines);
    assert.deepEqual(got, await exact(file));
    // By hand: 1200 records of two tags each; a null F, a missing F and null Tags make a
    // null row each (""); an empty array none; x, y, z once.
    assert.deepEqual(got[0], [
      { Tag: "", n: 3 },
      { Tag: "HOST-0", n: 400 },
      { Tag: "HOST-1", n: 400 },
      { Tag: "HOST-2", n: 400 },
      { Tag: "a, b: c", n: 1200 },
      { Tag: "x", n: 1 },
      { Tag: "y", n: 1 },
      { Tag: "z", n: 1 },
    ]);
    assert.deepEqual(got[7], [{ D: "", n: 1205 }, { D: `["d1"]`, n: 1 }]);
    assert.deepEqual(got[8], [{ N: "", n: 1205 }, { N: "a", n: 1 }, { N: "b", n: 1 }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("path reads of Polars' text agree with the exact reading: reordered keys, respelt numbers, control characters", async () => {
  // A file each: one record the scan cannot read natively sends a query to the exact
  // reading (or the table to a whole load), which would hide another's wrong reading.
  for (const risky of RISKY) {
    const lines = records([...LATE, risky]);
    const { folder, file } = await folderOf(lines);
    try {
      const got = await native(lines);
      assert.deepEqual(got, await exact(file), risky);
      // By hand: the bags as JavaScript writes them (whole-number keys first, 40 keys in
      // order, 1e21 and 1e-7 as JavaScript spells them, -0.0 as 0).
      const bag = got[5].map((r) => (r as { M: string }).M).find((m) => m !== "");
      const expected = new Map([
        [RISKY[0], `{"2":"y","10":"x","b":1}`],
        [RISKY[1], `{${Array.from({ length: 40 }, (_, k) => `"k${k}":${k}`).join(",")}}`],
        [RISKY[3], `{"big":1e+21,"tiny":1e-7,"neg":0}`],
      ]);
      assert.equal(bag, expected.get(risky), risky);
      if (risky === RISKY[5]) assert.ok(got[0].some((r) => (r as { Tag: string }).Tag === "t\tab"));
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  }
});

Deno.test("a backslash in a nested value: the table loads whole, the answers exact", async () => {
  // Polars writes `a\\tb` as `a\tb`: valid JSON read as a tab; `C:\\T` as `C:\T`: not JSON.
  for (const [record, check] of BACKSLASH) {
    const lines = records([...LATE, record]);
    const { folder, file } = await folderOf(lines);
    try {
      const got = await native(lines);
      assert.deepEqual(got, await exact(file), record);
      check(got);
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  }
});

Deno.test("a file key named like the scan's own text column does not break the table", async () => {
  // The writer chooses the keys: one may be the name the scan gives Polars' text of F.
  const record =
    `{"Computer":"HOST-6","F":{"Tags":["k"],"Parent":"real.exe"},"F\\u0000json":"plain"}`;
  const lines = records([...LATE, record]);
  const { folder, file } = await folderOf(lines);
  try {
    const got = await native(lines);
    assert.deepEqual(got, await exact(file));
    assert.ok(got[4].some((r) => (r as { P: string }).P === "real.exe"));
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

/**
 * Records whose `Tags` is not an array of strings: a path read gives a string unquoted
 * (`"[]"` as `[]`), so a string that reads like an array must not expand as one.
 */
const NOT_ARRAYS: [string, unknown[]][] = [
  [`{"Computer":"HOST-5","F":{"Tags":"[]"}}`, [{ Tag: "[]", n: 1 }]],
  [`{"Computer":"HOST-5","F":{"Tags": "[]"}}`, [{ Tag: "[]", n: 1 }]],
  [`{"Computer":"HOST-5","F":{"Tags":"[1, 2]"}}`, [{ Tag: "[1, 2]", n: 1 }]],
  [`{"Computer":"HOST-5","F":{"Tags":"{}"}}`, [{ Tag: "{}", n: 1 }]],
  [`{"Computer":"HOST-5","F":{"Tags":"solo"}}`, [{ Tag: "solo", n: 1 }]],
  [`{"Computer":"HOST-5","F":{"Tags":""}}`, [{ Tag: "", n: 1 }]],
  [`{"Computer":"HOST-5","F":{"Tags":[1,2]}}`, [{ Tag: "1", n: 1 }, { Tag: "2", n: 1 }]],
  [`{"Computer":"HOST-5","F":{"Tags":7}}`, [{ Tag: "7", n: 1 }]],
  [`{"Computer":"HOST-5","F":{"Tags":{}}}`, []],
];

/** The queries of {@link QUERIES} that expand `F.Tags`. */
const EXPANSIONS = QUERIES.slice(0, 4);

Deno.test("path reads of Polars' text: a string that reads like an array is one value", async () => {
  for (const [record, mine] of NOT_ARRAYS) {
    // Alone after the plain records: a null read of `Tags` (LATE's) would send the query
    // to the exact reading, which would hide a wrong native one.
    const lines = records([record]);
    const { folder, file } = await folderOf(lines);
    try {
      const got = await native(lines, EXPANSIONS);
      assert.deepEqual(got, await exact(file, EXPANSIONS), record);
      // By hand: the record's own rows, beside the 1200 records' tags.
      const others = new Set(["HOST-0", "HOST-1", "HOST-2", "a, b: c"]);
      const own = (got[0] as { Tag: string; n: number }[]).filter((r) => !others.has(r.Tag));
      assert.deepEqual(own, mine, record);
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  }
});

Deno.test("a key twice in a nested value: reads of the scan keep the last value, as the loader", async () => {
  // JSON.parse (the loader's reading of nested values) and Kusto keep a repeated key's last
  // value; so do serde's path reads of Polars' text and `tostring()`.
  const record = `{"Computer":"HOST-4","F":{"Parent":"first","Parent":"last",` +
    `"Tags":["t1"],"Tags":["t2"]}}`;
  const lines = records([record]);
  const queries = [
    "T | where Computer == 'HOST-4' | project P = tostring(F.Parent), S = tostring(F)",
    "T | where Computer == 'HOST-4' | mv-expand Tag = F.Tags to typeof(string) | project Tag",
    "T | extend X = F.Tags | where Computer == 'HOST-4' | mv-expand X to typeof(string) " +
    "| project X",
  ];
  const { folder, file } = await folderOf(lines);
  try {
    const got = await native(lines, queries);
    assert.deepEqual(got, await exact(file, queries));
    assert.deepEqual(got, [
      [{ P: "last", S: `{"Parent":"last","Tags":["t2"]}` }],
      [{ Tag: "t2" }],
      [{ X: "t2" }],
    ]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
