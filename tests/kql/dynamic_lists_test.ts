/**
 * Arrays of strings kept as Polars lists through the plan (issue 22): `split` and
 * `pack_array` of strings, their `mv-expand` (right after the `extend` that made them, with
 * `with_itemindex`, `limit`, `to typeof(string)`), `array_length` and `a[i]` on them. Values
 * are hand-computed from Kusto's documentation, equal to the JavaScript path's, and the plans
 * show Polars' list expressions (a regression to JavaScript fails here).
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { setNativeDynamic } from "../../src/kql/compile/_dynamic_native.ts";
import { pl } from "../../src/polars.ts";
import { sourceTables } from "../../src/kql/run.ts";
import { parseQuery } from "../../src/kql/syntax/_parser.ts";
import { Context } from "../../src/kql/compile/_context.ts";
import { compileQuery } from "../../src/kql/compile/_query.ts";

/** `s`: two words; empty; null (Kusto's empty string); quote, backslash and é; tab. */
function tables(): Record<string, pl.DataFrame> {
  return {
    T: pl.DataFrame({
      n: [1, 2, 3, 4, 5],
      s: ["a b", "", null, 'q"\\ é', "x\ty z"],
    }),
  };
}

const SCHEMAS = {
  T: {
    name: "T",
    columns: [
      { name: "n", type: "long" as const },
      { name: "s", type: "string" as const },
    ],
  },
};

async function rows(query: string, native = true): Promise<Record<string, unknown>[]> {
  const was = setNativeDynamic(native);
  try {
    return (await executeKql(query, { tables: tables(), schemas: SCHEMAS })).frame.toRecords();
  } finally {
    setNativeDynamic(was);
  }
}

/** The native rows, checked equal to the JavaScript path's. */
async function bothWays(query: string): Promise<Record<string, unknown>[]> {
  const native = await rows(query, true);
  assert.deepEqual(native, await rows(query, false), query);
  return native;
}

function plan(query: string): string {
  const catalog = sourceTables(tables(), SCHEMAS);
  return compileQuery(parseQuery(query), new Context(query, catalog, new Date())).frame
    .describePlan();
}

Deno.test("mv-expand of split(): one row per part, the item index, dynamic strings", async () => {
  // learn.microsoft.com/kusto/query/split-function: split("", " ") is [""]; mv-expand gives
  // one row per element (the index from 0), elements stay dynamic: gettype() is "string".
  const got = await bothWays(
    `T | extend w = split(s, " ") | mv-expand with_itemindex = i w
       | project n, i, w, t = gettype(w), v = tostring(w)`,
  );
  assert.deepEqual(got, [
    { n: 1, i: 0, w: '"a"', t: "string", v: "a" },
    { n: 1, i: 1, w: '"b"', t: "string", v: "b" },
    { n: 2, i: 0, w: '""', t: "string", v: "" },
    { n: 3, i: 0, w: '""', t: "string", v: "" },
    { n: 4, i: 0, w: '"q\\"\\\\"', t: "string", v: 'q"\\' },
    { n: 4, i: 1, w: '"é"', t: "string", v: "é" },
    { n: 5, i: 0, w: '"x\\ty"', t: "string", v: "x\ty" },
    { n: 5, i: 1, w: '"z"', t: "string", v: "z" },
  ]);
});

Deno.test("mv-expand limit, to typeof(string) and typeof(long) of a native array", async () => {
  // limit caps the rows of each record; limit 0 leaves none (an empty expansion drops the row).
  assert.deepEqual(
    await bothWays('T | extend w = split(s, " ") | mv-expand w limit 1 | project n, w'),
    [{ n: 1, w: '"a"' }, { n: 2, w: '""' }, { n: 3, w: '""' }, { n: 4, w: '"q\\"\\\\"' }, {
      n: 5,
      w: '"x\\ty"',
    }],
  );
  assert.deepEqual(
    await bothWays('T | extend w = split(s, " ") | mv-expand w limit 0 | project n, w'),
    [],
  );
  assert.deepEqual(
    await bothWays(
      'T | where n == 1 | extend w = pack_array(s, "c") | mv-expand w to typeof(string)',
    ),
    [{ n: 1, s: "a b", w: "a b" }, { n: 1, s: "a b", w: "c" }],
  );
  // A cast, not a conversion: strings as long are null.
  assert.deepEqual(
    await bothWays('T | where n == 1 | extend w = split(s, " ") | mv-expand w to typeof(long)'),
    [{ n: 1, s: "a b", w: null }, { n: 1, s: "a b", w: null }],
  );
});

Deno.test("array_length() and a[i] of split(): native, negative from the end, null past it", async () => {
  const got = await bothWays(
    `T | project n, l = array_length(split(s, " ")), second = split(s, " ")[1],
       lastWord = tostring(split(s, " ")[-1]), firstWord = tostring(split(s, " ")[-2]),
       far = tostring(split(s, " ")[5]),
       kindOf = gettype(split(s, " ")), key = tostring(split(s, " ")["0"]),
       hasB = set_has_element(split(s, " "), "b"), hasEmpty = set_has_element(split(s, " "), "")`,
  );
  assert.deepEqual(got, [
    {
      n: 1,
      l: 2,
      second: '"b"',
      lastWord: "b",
      firstWord: "a",
      far: "",
      kindOf: "array",
      key: "",
      hasB: true,
      hasEmpty: false,
    },
    {
      n: 2,
      l: 1,
      second: null,
      lastWord: "",
      firstWord: "",
      far: "",
      kindOf: "array",
      key: "",
      hasB: false,
      hasEmpty: true,
    },
    {
      n: 3,
      l: 1,
      second: null,
      lastWord: "",
      firstWord: "",
      far: "",
      kindOf: "array",
      key: "",
      hasB: false,
      hasEmpty: true,
    },
    {
      n: 4,
      l: 2,
      second: '"é"',
      lastWord: "é",
      firstWord: 'q"\\',
      far: "",
      kindOf: "array",
      key: "",
      hasB: false,
      hasEmpty: false,
    },
    {
      n: 5,
      l: 2,
      second: '"z"',
      lastWord: "z",
      firstWord: "x\ty",
      far: "",
      kindOf: "array",
      key: "",
      hasB: false,
      hasEmpty: false,
    },
  ]);
});

Deno.test("array_slice() of split(): inclusive ends, negative from the end, then expanded", async () => {
  // learn.microsoft.com/kusto/query/array-slice-function: array_slice([1,2,3], 1, 2) is
  // [2,3]; array_slice([1,2,3,4,5], 2, -1) is [3,4,5]; -3, -2 is [3,4]; out of range: [].
  const got = await bothWays(
    `T | where n in (1, 2, 5) | project n, a = array_slice(split(s, " "), 1, 1),
       b = array_slice(split(strcat(s, " 3 4 5"), " "), -3, -2),
       c = array_slice(split(s, " "), 1, -1), d = array_slice(split(s, " "), 2, 1),
       e = array_slice(split(s, " "), -10, 10), f = array_slice(split(s, " "), 5, 9)`,
  );
  assert.deepEqual(got, [
    { n: 1, a: '["b"]', b: '["3","4"]', c: '["b"]', d: "[]", e: '["a","b"]', f: "[]" },
    { n: 2, a: "[]", b: '["3","4"]', c: "[]", d: "[]", e: '[""]', f: "[]" },
    { n: 5, a: '["z"]', b: '["3","4"]', c: '["z"]', d: "[]", e: '["x\\ty","z"]', f: "[]" },
  ]);
  assert.deepEqual(
    await bothWays(
      `T | where n == 1 | extend a = array_slice(split(strcat(s, " c"), " "), 1, -1)
         | mv-expand with_itemindex = i a | project i, v = tostring(a)`,
    ),
    [{ i: 0, v: "b" }, { i: 1, v: "c" }],
  );
  assert.match(plan('T | project a = array_slice(split(s, " "), 1, -1)'), /list\.slice\(/);
});

Deno.test("mixed, nested and rewritten arrays fall back to JavaScript with the same values", async () => {
  // A number among the strings: JSON numbers, not strings.
  assert.deepEqual(
    await bothWays("T | where n == 1 | extend a = pack_array(s, n) | mv-expand a | project a"),
    [{ a: '"a b"' }, { a: "1" }],
  );
  // A nested array expands to the inner array, then the string.
  assert.deepEqual(
    await bothWays(
      'T | where n == 1 | extend a = pack_array(split(s, " "), s) | mv-expand a | project a',
    ),
    [{ a: '["a","b"]' }, { a: '"a b"' }],
  );
  // The list of the first extend is not read for a column assigned again since.
  assert.deepEqual(
    await bothWays(
      `T | where n == 1 | extend a = split(s, " ") | extend a = pack_array(n, 2.5)
         | mv-expand a | project a`,
    ),
    [{ a: "1" }, { a: "2.5" }],
  );
  assert.deepEqual(
    await bothWays(
      `T | where n == 1 | extend a = split(s, " ") | project-rename b = a | extend a = pack_array(n)
         | mv-expand a | project a, b`,
    ),
    [{ a: "1", b: '["a","b"]' }],
  );
  // Assigned twice in one extend is refused, as Kusto.Language refuses it ("A column with the
  // name 'a' is already declared"); the two-extend form above is how it is written.
  await assert.rejects(
    () =>
      rows(
        'T | where n == 1 | extend a = split(s, " "), a = pack_array(n, 2.5) | mv-expand a',
        true,
      ),
    /declared twice in one extend/,
  );
  // An operator that keeps the expanded column but not the strings beside it: the text is read.
  assert.deepEqual(
    await bothWays(
      `T | where n == 4 | extend w = split(s, " ") | mv-expand w | extend k = 1
         | project v = tostring(w), k`,
    ),
    [{ v: 'q"\\', k: 1 }, { v: "é", k: 1 }],
  );
  // An expanded column computed anew is no longer read as JSON strings.
  assert.deepEqual(
    await bothWays(
      `T | where n == 1 | extend w = split(s, " ") | mv-expand w
         | extend w = parse_json(strcat("[", tostring(w) == "a", "]")) | project v = tostring(w)`,
    ),
    [{ v: "[true]" }, { v: "[false]" }],
  );
  // Grouped and counted, as a hunting query does.
  assert.deepEqual(
    await bothWays(
      `T | extend w = split(s, " ") | mv-expand w | summarize c = count() by v = tostring(w)
         | sort by v asc`,
    ),
    [
      { v: "", c: 2 },
      { v: "a", c: 1 },
      { v: "b", c: 1 },
      { v: 'q"\\', c: 1 },
      { v: "x\ty", c: 1 },
      { v: "z", c: 1 },
      { v: "é", c: 1 },
    ],
  );
});

Deno.test("a where or sort between: the list and the strings go through", async () => {
  const query = `T | extend w = split(s, " ") | where n != 2 | mv-expand w
    | where n != 4 and tostring(w) != "a" | sort by n desc | extend k = n * 10
    | project k, v = tostring(w)`;
  assert.deepEqual(await bothWays(query), [
    { k: 50, v: "x\ty" },
    { k: 50, v: "z" },
    { k: 30, v: "" },
    { k: 10, v: "b" },
  ]);
  const described = plan(query);
  assert.match(described, /EXPLODE/);
  // Not decoded from JSON text: neither the list nor the strings.
  assert.doesNotMatch(described, /__mv\d+_list/);
  assert.doesNotMatch(described, /col\("w"\)\.map\(\)/);
});

Deno.test("the native list paths are taken: explode, list length and get, no JavaScript", () => {
  const expand = plan(
    'T | extend w = split(s, " ") | mv-expand with_itemindex = i w | summarize c = count() by v = tostring(w), i',
  );
  assert.match(expand, /EXPLODE/);
  assert.match(expand, /int_ranges/);
  // JavaScript work shows as `__js` columns (and a row-number join for masked rows).
  assert.doesNotMatch(expand, /__js/);
  const read = plan('T | project l = array_length(split(s, " ")), a = tostring(split(s, " ")[1])');
  assert.match(read, /list\.length\(\)/);
  assert.match(read, /list\.get\(/);
  assert.match(plan('T | project b = set_has_element(split(s, " "), "b")'), /list\.contains\(/);
  assert.doesNotMatch(read, /__js/);
  // Anything between the extend and the mv-expand: the list is not known, the JSON text is
  // decoded by Polars in the plan (no barrier reading the rows into JavaScript first).
  const decoded = plan("T | extend w = pack_array(s, tostring(n)) | extend k = 1 | mv-expand w");
  assert.match(decoded, /json_decode/);
  assert.match(decoded, /EXPLODE/);
  assert.doesNotMatch(decoded, /__mv\d+_list/);
  assert.doesNotMatch(expand, /__mv\d+_list/);
});

Deno.test("operators after a native mv-expand: the JavaScript path's columns and rows", async () => {
  // The strings kept beside an expanded column never show, and operators that drop them or
  // keep rows keep the values right.
  const tails = [
    "getschema",
    "join kind=leftouter (T | project n, t = strlen(s)) on n",
    "distinct *",
    "top 2 by n desc",
    "serialize r = row_number()",
    "summarize arg_max(n, *)",
    "project-away s | extend v = tostring(w)",
    "project-rename x = w | extend v = tostring(x)",
    "as X | union X",
    "summarize make_list(w) by n",
    "evaluate bag_unpack(w)",
    "fork (where n > 1) (take 1)",
    "join kind=inner (T | extend w = split(s, ' ') | mv-expand w) on n",
  ];
  for (const tail of tails) {
    const query = `T | extend w = split(s, " ") | mv-expand w | ${tail}`;
    const was = setNativeDynamic(true);
    let native: unknown, js: unknown;
    try {
      const result = await executeKql(query, { tables: tables(), schemas: SCHEMAS });
      native = { columns: result.frame.columns, rows: result.frame.toRecords() };
      setNativeDynamic(false);
      const reference = await executeKql(query, { tables: tables(), schemas: SCHEMAS });
      js = { columns: reference.frame.columns, rows: reference.frame.toRecords() };
    } finally {
      setNativeDynamic(was);
    }
    assert.deepEqual(native, js, query);
  }
});

Deno.test("with_itemindex naming a column already there makes a new name, as Kusto does", async () => {
  // Kusto appends a number to a taken index name (`with_itemindex=n` over `n` gives `n1`, as
  // a join names clashing columns); both paths failed with Polars' duplicate-name error, the
  // native one blamed on the operator after the mv-expand.
  assert.deepEqual(
    await bothWays(
      `T | where n == 1 | extend w = split(s, " ") | mv-expand with_itemindex=n w
         | where n1 >= 0 | project n, n1, w`,
    ),
    [{ n: 1, n1: 0, w: '"a"' }, { n: 1, n1: 1, w: '"b"' }],
  );
  assert.deepEqual(
    await bothWays(
      'T | where n == 1 | mv-expand with_itemindex=w w = split(s, " ") | project w, w1',
    ),
    [{ w: '"a"', w1: 0 }, { w: '"b"', w1: 1 }],
  );
});
