import assert from "node:assert/strict";
import { type DataFrame, DATETIME, DURATION, pl, type Series } from "../../src/polars.ts";
import type { KustoType, TableSchema } from "../../src/schema/types.ts";
import {
  baselineOf,
  type CompareOptions,
  compareResult,
  type ConformanceCase,
  formatReport,
  hasCases,
  type JsonValue,
  kustoTypeOfDotNet,
  loadCases,
  outputIsOrdered,
  outputOrder,
  parseDatetime,
  parseTimespan,
  type ResultLike,
  runConformance,
  selectSubset,
  type SupportedFeatures,
  unsupportedFeatures,
} from "./_conformance.ts";

/**
 * A result built directly in the engine's representation: `int`, `real`, `bool` as JS
 * values; `long` as bigint or number; `datetime` as ISO text; `timespan` as Kusto text;
 * `string`, `guid` as text; `dynamic` as JSON text.
 */
function result(columns: [string, KustoType][], rows: unknown[][]): ResultLike {
  const schema: TableSchema = {
    name: "result",
    columns: columns.map(([name, type]) => ({ name, type })),
  };
  const series = columns.map(([name, type], i) => seriesOf(name, type, rows.map((r) => r[i])));
  return { frame: pl.DataFrame(series) as DataFrame, schema };
}

function seriesOf(name: string, type: KustoType, values: unknown[]): Series {
  const text = (f: (v: never) => unknown) =>
    pl.Series(name, values.map((v) => v === null ? null : String(f(v as never))), pl.Utf8);
  switch (type) {
    case "bool":
      return pl.Series(name, values as boolean[], pl.Bool);
    case "int":
      // Built untyped then cast: a typed Int32 series turns nulls into 0 in nodejs-polars.
      return pl.Series(name, values as number[]).cast(pl.Int32);
    case "long":
      return text((v) => v).cast(pl.Int64);
    case "real":
    case "decimal":
      return pl.Series(name, values as number[], pl.Float64);
    case "string":
    case "guid":
    case "dynamic":
      return pl.Series(name, values as string[], pl.Utf8);
    case "datetime":
      return text((v: string) => parseDatetime(v)).cast(pl.Int64).cast(DATETIME);
    case "timespan":
      return text((v: string) => parseTimespan(v)).cast(pl.Int64).cast(DURATION);
  }
}

/** A case expecting `rows` (in the file's encoding) under .NET `columns` types. */
function kase(columns: [string, string][], rows: JsonValue[][], kql = "T"): ConformanceCase {
  return {
    id: "test-case",
    kql,
    tags: { operators: [], functions: [] },
    expected: { columns: columns.map((c) => c[0]), column_types: columns.map((c) => c[1]), rows },
  };
}

function assertPass(c: ConformanceCase, r: ResultLike, options?: CompareOptions) {
  const outcome = compareResult(c, r, options);
  assert.ok(outcome.ok, outcome.reason);
}

function assertFail(c: ConformanceCase, r: ResultLike, reason: RegExp, options?: CompareOptions) {
  const outcome = compareResult(c, r, options);
  assert.equal(outcome.ok, false, "expected a mismatch");
  assert.match(outcome.reason ?? "", reason);
}

Deno.test("compareResult() accepts an equal result", () => {
  assertPass(
    kase([["a", "Int64"], ["b", "String"]], [[1, "x"], [2, "y"]]),
    result([["a", "long"], ["b", "string"]], [[1n, "x"], [2n, "y"]]),
  );
});

Deno.test("compareResult() rejects a wrong value, naming the row", () => {
  assertFail(
    kase([["a", "Int64"], ["b", "String"]], [[1, "x"], [2, "y"]], "T | sort by a"),
    result([["a", "long"], ["b", "string"]], [[1n, "x"], [2n, "z"]]),
    /row 1, column "b".*expected "y", got "z"/,
  );
  assertFail(
    kase([["a", "Int64"]], [[1], [2]]),
    result([["a", "long"]], [[1n], [3n]]),
    /expected row \[2\] not in the result/,
  );
});

Deno.test("compareResult() rejects a wrong column name or column order", () => {
  const c = kase([["a", "Int64"], ["b", "Int64"]], [[1, 2]]);
  assertFail(c, result([["a", "long"], ["c", "long"]], [[1n, 2n]]), /columns differ/);
  assertFail(c, result([["b", "long"], ["a", "long"]], [[2n, 1n]]), /columns differ/);
  assertFail(c, result([["a", "long"]], [[1n]]), /columns differ/);
});

Deno.test("compareResult() rejects a wrong type; int and long only match when lenient", () => {
  const c = kase([["a", "Int64"]], [[1]]);
  assertFail(c, result([["a", "int"]], [[1]]), /column "a": expected long \(Int64\), got int/);
  assertPass(c, result([["a", "int"]], [[1]]), { lenientIntWidth: true });
  assertFail(c, result([["a", "real"]], [[1]]), /expected long \(Int64\), got real/);
  assertFail(
    kase([["a", "String"]], [["x"]]),
    result([["a", "dynamic"]], [['"x"']]),
    /expected string \(String\), got dynamic/,
  );
});

Deno.test("compareResult() maps the file's .NET type names, SByte being bool", () => {
  const names = ["String", "Int64", "Int32", "Double", "DateTime", "TimeSpan", "Guid", "Object"];
  assert.deepEqual(names.map(kustoTypeOfDotNet), [
    "string",
    "long",
    "int",
    "real",
    "datetime",
    "timespan",
    "guid",
    "dynamic",
  ]);
  assert.equal(kustoTypeOfDotNet("SByte"), "bool");
  assert.equal(kustoTypeOfDotNet("Boolean"), "bool");
  assert.equal(kustoTypeOfDotNet("Decimal"), "decimal");
  assertFail(kase([["a", "Char"]], [["x"]]), result([["a", "string"]], [["x"]]), /unknown/);
});

Deno.test("compareResult() rejects a frame whose dtype disagrees with its schema", () => {
  const r = result([["a", "long"]], [[1n]]);
  const lying: ResultLike = {
    frame: r.frame,
    schema: { name: "t", columns: [{ name: "a", type: "int" }] },
  };
  assertFail(kase([["a", "Int32"]], [[1]]), lying, /schema says int but the frame holds Int64/);
});

Deno.test("compareResult() rejects a wrong row count", () => {
  assertFail(
    kase([["a", "Int64"]], [[1], [1]]),
    result([["a", "long"]], [[1n]]),
    /expected 2 rows, got 1/,
  );
  assertPass(kase([["a", "String"]], []), result([["a", "string"]], []));
});

Deno.test("compareResult() compares rows in order only when the query orders its output", () => {
  const expected: JsonValue[][] = [[1, "a"], [2, "b"], [3, "c"]];
  const shuffled = result([["n", "long"], ["s", "string"]], [[3n, "c"], [1n, "a"], [2n, "b"]]);
  const columns: [string, string][] = [["n", "Int64"], ["s", "String"]];
  assertPass(kase(columns, expected, "T | where n > 0"), shuffled);
  assertFail(
    kase(columns, expected, "T | sort by n asc | project n, s"),
    shuffled,
    /row 0, column "n" \(rows ordered\): expected 1, got 3/,
  );
  assertFail(kase(columns, expected, "T"), shuffled, /rows ordered/, { ordered: true });
});

Deno.test("compareResult() lets rows tied on plain sort keys come in any order", () => {
  const columns: [string, string][] = [["k", "Int64"], ["s", "String"]];
  const types: [string, KustoType][] = [["k", "long"], ["s", "string"]];
  const expected: JsonValue[][] = [[1, "a"], [2, "b"], [2, "c"], [3, "d"]];
  const tiesSwapped = result(types, [[1n, "a"], [2n, "c"], [2n, "b"], [3n, "d"]]);
  assertPass(kase(columns, expected, "T | sort by k asc"), tiesSwapped);
  // Ties only stay free within their run, and only on plain column keys.
  assertFail(
    kase(columns, expected, "T | sort by k asc"),
    result(types, [[1n, "a"], [2n, "b"], [2n, "d"], [3n, "c"]]),
    /expected row \[2, "c"\] not at rows 1-2 \(rows ordered, tied on k\)/,
  );
  assertFail(kase(columns, expected, "T | sort by k + 0 asc"), tiesSwapped, /row 1, column "s"/);
  assertFail(
    kase(columns, expected, "T | sort by k asc"),
    result(types, [[2n, "b"], [1n, "a"], [2n, "c"], [3n, "d"]]),
    /row 0, column "k" \(rows ordered\): expected 1, got 2/,
  );
});

Deno.test("compareResult() treats unordered rows as a multiset, duplicates included", () => {
  assertFail(
    kase([["n", "Int64"]], [[1], [1], [2]]),
    result([["n", "long"]], [[1n], [2n], [2n]]),
    /expected row \[1\] not in the result/,
  );
  assertPass(kase([["n", "Int64"]], [[1], [2], [1]]), result([["n", "long"]], [[2n], [1n], [1n]]));
});

Deno.test("compareResult() compares reals with a relative tolerance of 1e-9", () => {
  const c = kase([["x", "Double"]], [[0.1], [1e300], [-2.5]]);
  assertPass(c, result([["x", "real"]], [[0.1 * (1 + 1e-12)], [1e300 * (1 - 1e-10)], [-2.5]]));
  assertFail(
    c,
    result([["x", "real"]], [[0.1 * (1 + 1e-8)], [1e300], [-2.5]]),
    /expected row \[0.1\]/,
  );
  // Integers written without a fraction still compare as reals.
  assertPass(kase([["x", "Double"]], [[10]]), result([["x", "real"]], [[10.000000000001]]));
});

Deno.test("compareResult() matches NaN, infinities and nulls of reals exactly", () => {
  const c = kase(
    [["x", "Double"]],
    [["NaN"], ["Infinity"], ["-Infinity"], [null]],
    "T | sort by x",
  );
  assertPass(c, result([["x", "real"]], [[NaN], [Infinity], [-Infinity], [null]]));
  assertFail(
    c,
    result([["x", "real"]], [[null], [Infinity], [-Infinity], [null]]),
    /expected NaN, got null/,
  );
  assertFail(
    c,
    result([["x", "real"]], [[NaN], [1e308], [-Infinity], [null]]),
    /expected Infinity/,
  );
  assertFail(
    c,
    result([["x", "real"]], [[NaN], [Infinity], [-Infinity], [NaN]]),
    /expected null, got NaN/,
  );
});

Deno.test("compareResult() reads Kusto timespan strings", () => {
  const c = kase([["t", "TimeSpan"]], [
    ["1.02:03:04"],
    ["00:00:10.5000000"],
    ["-00:01:00"],
    ["-1.00:00:00.0000001"],
    [null],
  ], "T | order by t");
  const ours = [["1.02:03:04"], ["00:00:10.5"], ["-00:01:00"], ["-1.00:00:00"], [null]];
  assertPass(c, result([["t", "timespan"]], ours));
  assertFail(
    c,
    result([["t", "timespan"]], [["1.02:03:05"], ...ours.slice(1)]),
    /expected 1\.02:03:04, got 1\.02:03:05/,
  );
  assert.equal(parseTimespan("00:00:00.0000009"), 0n);
  assert.equal(parseTimespan("12:00"), undefined);
});

Deno.test("compareResult() compares datetimes as instants at microsecond precision", () => {
  const c = kase([["d", "DateTime"]], [
    ["2017-08-01T00:00:00Z"],
    ["2022-01-01T10:20:30.1234567Z"],
    ["2022-01-01T10:20:30.5Z"],
    ["0001-01-01T00:00:00Z"],
    ["9999-12-31T23:59:59.9999999Z"],
    [null],
  ], "T | sort by d");
  const ours = [
    ["2017-08-01T00:00:00.000000Z"],
    ["2022-01-01T10:20:30.123456Z"], // the 7th digit is truncated
    ["2022-01-01T12:20:30.5+02:00"],
    ["0001-01-01T00:00:00Z"],
    ["9999-12-31T23:59:59.999999Z"],
    [null],
  ];
  assertPass(c, result([["d", "datetime"]], ours));
  const off = [ours[0], ["2022-01-01T10:20:30.123457Z"], ...ours.slice(2)];
  assertFail(
    c,
    result([["d", "datetime"]], off),
    /expected 2022-01-01T10:20:30\.123456Z, got 2022-01-01T10:20:30\.123457Z/,
  );
  assert.equal(parseDatetime("1969-12-31T23:59:59.9999999Z"), -1n);
});

Deno.test("compareResult() compares dynamic values as JSON, bag keys in any order", () => {
  const expected: JsonValue[][] = [
    [{ a: 1, b: { c: [1, 2, null], d: "x" } }],
    [[1, "two", true, null]],
    ["value4"],
    [42.47314453125],
    [null],
  ];
  const c = kase([["v", "Object"]], expected, "T | sort by tostring(v)");
  const ours = [
    ['{"b":{"d":"x","c":[1,2,null]},"a":1.0}'],
    ['[1,"two",true,null]'],
    ['"value4"'],
    ["42.47314453125"],
    [null],
  ];
  assertPass(c, result([["v", "dynamic"]], ours));
  // JSON text "null" is the dynamic null too.
  assertPass(c, result([["v", "dynamic"]], [...ours.slice(0, 4), ["null"]]));
  const arrayOrder = [ours[0], ['["two",1,true,null]'], ...ours.slice(2)];
  assertFail(c, result([["v", "dynamic"]], arrayOrder), /row 1, column "v"/);
  const extraKey = [['{"a":1,"b":{"c":[1,2,null],"d":"x"},"e":0}'], ...ours.slice(1)];
  assertFail(c, result([["v", "dynamic"]], extraKey), /row 0, column "v"/);
  // A JSON string holding JSON text is not the value it spells.
  const textNotArray = [ours[0], ['"[1,\\"two\\",true,null]"'], ...ours.slice(2)];
  assertFail(c, result([["v", "dynamic"]], textNotArray), /row 1/);
  const invalid = [ours[0], ["[1,"], ...ours.slice(2)];
  assertFail(c, result([["v", "dynamic"]], invalid), /row 1, column "v": not JSON: \[1,/);
});

Deno.test("compareResult() compares datetimes inside dynamic values as instants", () => {
  assertPass(
    kase([["v", "Object"]], [[["some string value", "2022-01-01T00:00:00.0000000Z", null]]]),
    result([["v", "dynamic"]], [['["some string value","2022-01-01T00:00:00Z",null]']]),
  );
  assertFail(
    kase([["v", "Object"]], [[["2022-01-01T00:00:00.0000000Z"]]]),
    result([["v", "dynamic"]], [['["2022-01-01T00:00:01Z"]']]),
    /not in the result/,
  );
});

Deno.test("compareResult() keeps 64-bit integers exact", () => {
  const c = kase([["h", "Int64"]], [[9007199254740993n], [-3122868243544336885n]]);
  assertPass(c, result([["h", "long"]], [[9007199254740993n], [-3122868243544336885n]]));
  assertFail(
    c,
    result([["h", "long"]], [[9007199254740992n], [-3122868243544336885n]]),
    /expected row \[9007199254740993\] not in the result.*start with \[9007199254740992\]/,
  );
});

Deno.test("compareResult() matches a null only with a null", () => {
  const columns: [string, string][] = [["i", "Int32"], ["s", "String"], ["b", "SByte"], [
    "g",
    "Guid",
  ]];
  const types: [string, KustoType][] = [["i", "int"], ["s", "string"], ["b", "bool"], [
    "g",
    "guid",
  ]];
  const c = kase(columns, [[null, "", null, null]], "T | sort by i");
  assertPass(c, result(types, [[null, "", null, null]]));
  assertFail(c, result(types, [[0, "", null, null]]), /column "i".*: expected null, got 0/);
  assertFail(c, result(types, [[null, null, null, null]]), /column "s".*: expected "", got null/);
  assertFail(c, result(types, [[null, "", false, null]]), /column "b".*: expected null, got false/);
});

Deno.test("compareResult() compares guids case-insensitively and bools exactly", () => {
  const c = kase([["g", "Guid"], ["b", "SByte"]], [["ccdf8f26-0dd9-42b8-9e69-25b2b19a3305", true]]);
  const types: [string, KustoType][] = [["g", "guid"], ["b", "bool"]];
  assertPass(c, result(types, [["CCDF8F26-0DD9-42B8-9E69-25B2B19A3305", true]]));
  assertFail(
    c,
    result(types, [["ccdf8f26-0dd9-42b8-9e69-25b2b19a3305", false]]),
    /not in the result/,
  );
  assertFail(
    c,
    result(types, [["00000000-0dd9-42b8-9e69-25b2b19a3305", true]]),
    /not in the result/,
  );
});

Deno.test("outputIsOrdered() follows the last statement's top-level pipeline", () => {
  assert.equal(outputIsOrdered("T | sort by a"), true);
  assert.equal(outputIsOrdered("T | order by a desc | take 3 | project a"), true);
  assert.equal(outputIsOrdered("T | top 3 by a"), true);
  assert.equal(outputIsOrdered("T | sort by a | summarize count() by b"), false);
  assert.equal(outputIsOrdered("T | sort by a | join (U) on a"), false);
  assert.equal(outputIsOrdered("T | summarize count() by b | sort by b"), true);
  assert.equal(outputIsOrdered("range x from 1 to 3 step 1"), false);
  // Pipes inside parentheses, strings and comments do not count.
  assert.equal(outputIsOrdered("T | mv-apply x to typeof(long) on (top 1 by x)"), false);
  assert.equal(outputIsOrdered("T | where s == '| sort by a' // | order by b"), false);
  assert.equal(outputIsOrdered('T | where s has @"x""| sort by a"'), false);
  assert.equal(outputIsOrdered("T // ; order\n| sort by a"), true);
  assert.deepEqual(outputOrder("T | top 3 by a desc nulls last, b"), {
    ordered: true,
    keys: ["a", "b"],
  });
  assert.deepEqual(outputOrder("T | sort by strlen(a)"), { ordered: true });
  assert.deepEqual(outputOrder("T | sort by a | summarize by a"), { ordered: false });
  // Earlier statements only matter through the names they bind.
  assert.equal(outputIsOrdered("let S = T | sort by a; S | extend b = 1"), true);
  assert.equal(outputIsOrdered("let S = T | sort by a; U | extend b = 1"), false);
  assert.equal(outputIsOrdered("let S = T | sort by a;\nS | summarize count()"), false);
});

Deno.test("selectSubset() keeps the cases whose every tag is supported", () => {
  const a = { ...kase([], []), id: "a", tags: { operators: ["extend"], functions: ["strcat"] } };
  const b = {
    ...kase([], []),
    id: "b",
    tags: { operators: ["extend", "mv-expand"], functions: [] },
  };
  const c = {
    ...kase([], []),
    id: "c",
    tags: { operators: [], functions: ["geo_distance_2points"] },
  };
  const ops = new Set(["extend"]);
  const fns = new Set(["strcat"]);
  assert.deepEqual(selectSubset([a, b, c], ops, fns).map((x) => x.id), ["a"]);
  assert.deepEqual(unsupportedFeatures(b, ops, fns), [{ kind: "operator", name: "mv-expand" }]);
  assert.deepEqual(unsupportedFeatures(c, ops, fns), [
    { kind: "function", name: "geo_distance_2points" },
  ]);
});

Deno.test("runConformance() counts throwing, rejecting and hanging cases as failures", async () => {
  const make = (id: string, functions: string[]) => ({
    ...kase([["a", "Int64"]], [[1]]),
    id,
    kql: id,
    tags: { operators: [], functions },
  });
  const features: SupportedFeatures = {
    operators: new Set(),
    functions: new Set(["ok"]),
    origin: "test",
  };
  const summary = await runConformance(
    [make("pass", ["ok"]), make("throw", ["ok"]), make("reject", ["geo_x"]), make("hang", ["ok"])],
    (query) => {
      if (query === "throw") throw new SyntaxError("Cannot parse query");
      if (query === "reject") return Promise.reject(new Error("nope"));
      if (query === "hang") return new Promise(() => {});
      return Promise.resolve(result([["a", "long"]], [[1n]]));
    },
    features,
    { timeoutMs: 20, slowMs: Infinity },
  );
  assert.deepEqual(summary.outcomes.map((o) => [o.id, o.ok, o.inSubset]), [
    ["pass", true, true],
    ["throw", false, true],
    ["reject", false, false],
    ["hang", false, true],
  ]);
  assert.match(summary.outcomes[1].reason ?? "", /threw SyntaxError: Cannot parse query/);
  assert.match(summary.outcomes[3].reason ?? "", /timed out after 20 ms/);
  // No case is slow under an infinite threshold; every case is under a negative one, and a
  // slow case that answered right still passes (slowness is reported apart).
  assert.deepEqual(summary.outcomes.map((o) => o.slow), [false, false, false, false]);
  const allSlow = await runConformance(
    [make("pass", ["ok"])],
    () => Promise.resolve(result([["a", "long"]], [[1n]])),
    features,
    { slowMs: -1 },
  );
  assert.deepEqual(allSlow.outcomes.map((o) => [o.id, o.ok, o.slow]), [["pass", true, true]]);
  assert.equal(allSlow.passed, 1);
  assert.equal(summary.subsetPassRate, 1 / 3);
  assert.equal(summary.wholeFilePassRate, 1 / 4);
  assert.deepEqual(baselineOf(summary), {
    subsetPassRate: 0.333,
    wholeFilePassRate: 0.25,
    subsetCases: 3,
  });
  const report = formatReport(summary);
  assert.match(report, /\| throw \| yes \| FAIL \| threw SyntaxError: Cannot parse query \|/);
  assert.match(report, /\| function \| `geo_x` \| 1 \| 1 \|/);
});

Deno.test({
  name: "compareResult() accepts every case's own expected result, built as a frame",
  ignore: !(await hasCases()),
  async fn() {
    for (const c of await loadCases()) {
      const columns = c.expected.columns.map((name, i): [string, KustoType] => [
        name,
        kustoTypeOfDotNet(c.expected.column_types[i])!,
      ]);
      const rows = c.expected.rows.map((row) => row.map((v, i) => ours(columns[i][1], v)));
      const outcome = compareResult(c, result(columns, rows));
      assert.ok(outcome.ok, `${c.id}: ${outcome.reason}`);
    }
  },
});

/** An expected value in the representation `result()` takes. */
function ours(type: KustoType, value: JsonValue): unknown {
  if (value === null) return null;
  if (type === "dynamic") {
    // Written by hand around bigints, which JSON.stringify cannot write exactly.
    return JSON.stringify(value, (_k, v) => typeof v === "bigint" ? `\u0000${v}` : v)
      .replace(/"\\u0000(-?\d+)"/g, "$1");
  }
  if (type === "real" && typeof value === "string") return Number(value);
  return value;
}
