/**
 * Exact types end to end (issues 16 and 18): longs beyond 2^53 in `in`, `!in`, `between`
 * and in the dynamic values `bag_pack`, `array_*`, `set_*`, `make_list` and `make_set`
 * build; JSON integers beyond Int64 read as reals; the arithmetic of every pair of scalar
 * types typed as Kusto.Language types it (or refused with the types named where Kusto
 * documents no meaning); `project-away *` keeps the rows; `range`'s types; `toscalar()` of
 * an empty table.
 *
 * Expected values are the inputs' own digits (a JS number would round 9007199254740993 to
 * ...992), Kusto's documentation ("Datetime / timespan arithmetic", "Numerical operators",
 * toscalar()), hand counts, and Kusto.Language's binder (`_kusto_binder.ts`).
 */
import assert from "node:assert/strict";
import { runKql } from "../../src/kql/mod.ts";
import { bindKql } from "./_kusto_binder.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

/** 2^53 + 1: the first integer a JavaScript number cannot hold. */
const BIG = "9007199254740993";
/** 2^53: what BIG becomes in a JavaScript number. */
const NEAR = "9007199254740992";

async function first(query: string): Promise<Record<string, unknown>> {
  return (await runKql(query)).toRecords()[0] as Record<string, unknown>;
}

async function texts(query: string, column: string): Promise<unknown[]> {
  return (await runKql(query)).getColumn(column).toArray();
}

Deno.test("in, !in and between compare longs beyond 2^53 exactly", async () => {
  const rows = `datatable(x:long)[${BIG}, ${NEAR}, 5]`;
  assert.deepEqual(
    await texts(`${rows} | where x in (${BIG}, 5) | project s = tostring(x)`, "s"),
    [BIG, "5"],
  );
  assert.deepEqual(
    await texts(`${rows} | where x !in (${BIG}) | project s = tostring(x)`, "s"),
    [NEAR, "5"],
  );
  // A dynamic array, text and a subquery as the list.
  assert.deepEqual(
    await texts(`${rows} | where x in (dynamic([${BIG}])) | project s = tostring(x)`, "s"),
    [BIG],
  );
  // The same array through a let, as hunting queries write a list of ids (was: no row).
  assert.deepEqual(
    await texts(
      `let ids = dynamic([${BIG}]); ${rows} | where x in (ids) | project s = tostring(x)`,
      "s",
    ),
    [BIG],
  );
  assert.deepEqual(
    await texts(`${rows} | where x in ("${BIG}") | project s = tostring(x)`, "s"),
    [BIG],
  );
  assert.deepEqual(
    await texts(
      `${rows} | where x in ((datatable(y:long)[${BIG}])) | project s = tostring(x)`,
      "s",
    ),
    [BIG],
  );
  assert.deepEqual(
    await texts(`${rows} | where x between (${BIG} .. ${BIG}) | project s = tostring(x)`, "s"),
    [BIG],
  );
  assert.deepEqual(
    await texts(`${rows} | where x !between (${BIG} .. ${BIG}) | project s = tostring(x)`, "s"),
    [NEAR, "5"],
  );
  // A constant on the left, and numbers of other kinds: 3 equals 3.0, never 3.5.
  assert.deepEqual(
    await first(
      `print a = ${BIG} in (${BIG}), b = ${BIG} in (${NEAR}), c = ${BIG} !in (${NEAR}),` +
        ` d = 3 in (3.0), e = 3 in (3.5), f = int(2) in (2, 4)`,
    ),
    { a: true, b: false, c: true, d: true, e: false, f: true },
  );
});

Deno.test("dynamic values built from longs beyond 2^53 keep every digit", async () => {
  const row = await first(
    `print p = tostring(bag_pack("a", ${BIG}, "r", 2.0)),` +
      ` q = tostring(pack("d", dynamic({"x":${BIG}}))),` +
      ` up = tostring(array_sort_asc(dynamic([${BIG}, ${NEAR}, 3]))),` +
      ` down = tostring(array_sort_desc(dynamic([${NEAR}, ${BIG}]))),` +
      ` cat = tostring(array_concat(dynamic([${BIG}]), dynamic([1]))),` +
      ` u = tostring(set_union(dynamic([${BIG}]), dynamic([${NEAR}]))),` +
      ` i = tostring(set_intersect(dynamic([${BIG}, 1]), dynamic([${NEAR}, 1]))),` +
      ` d = tostring(set_difference(dynamic([${BIG}]), dynamic([${NEAR}])))`,
  );
  assert.deepEqual(row, {
    p: `{"a":${BIG},"r":2.0}`,
    q: `{"d":{"x":${BIG}}}`,
    up: `[3,${NEAR},${BIG}]`,
    down: `[${BIG},${NEAR}]`,
    cat: `[${BIG},1]`,
    u: `[${BIG},${NEAR}]`,
    i: "[1]",
    d: `[${BIG}]`,
  });
  // From a column of longs, through the aggregates.
  const agg = await first(
    `datatable(x:long)[${BIG}, ${NEAR}, ${BIG}, 5]` +
      ` | summarize l = make_list(x), s = make_set(x)` +
      ` | project l = tostring(l), s = tostring(s), p = tostring(bag_pack("v", toscalar(` +
      `datatable(y:long)[${BIG}] | project y)))`,
  );
  assert.deepEqual(agg, {
    l: `[${BIG},${NEAR},${BIG},5]`,
    s: `[${BIG},${NEAR},5]`,
    p: `{"v":${BIG}}`,
  });
});

Deno.test("JSON integers beyond Int64 are reals, never wrapped or null", async () => {
  // Kusto's long is a 64-bit signed integer; a JSON number past it is a real.
  const row = await first(
    `print d = parse_json('{"a":10000000000000000000, "b":9223372036854775807,` +
      ` "c":-10000000000000000000}')` +
      ` | project ta = gettype(d.a), tb = gettype(d.b), tc = gettype(d.c),` +
      ` ra = toreal(d.a), rc = toreal(d.c), sb = tostring(d.b)`,
  );
  assert.deepEqual(row, {
    ta: "real",
    tb: "long",
    tc: "real",
    ra: 1e19,
    rc: -1e19,
    sb: "9223372036854775807",
  });
  const td = await first(`print t = gettype(todynamic("10000000000000000000"))`);
  assert.equal(td.t, "real");
});

/** A value of each scalar type, for the operator matrix. */
const SAMPLES: Record<string, string> = {
  int: "int(2)",
  long: "long(3)",
  real: "real(1.5)",
  decimal: "decimal(2.5)",
  datetime: "datetime(2020-01-01)",
  timespan: "1h",
  bool: "true",
  string: '"a"',
  guid: "guid(00000000-0000-0000-0000-000000000000)",
};

/**
 * The pairs Kusto.Language types but Kusto documents no result for ("Datetime / timespan
 * arithmetic": datetimes subtract but do not add, timespans add, subtract, divide each
 * other and scale by a number): casefile refuses them, naming both types.
 */
function undocumented(op: string, l: string, r: string): boolean {
  const numeric = (t: string) => ["int", "long", "real", "decimal"].includes(t);
  if (l === "datetime" && r === "datetime") return op !== "-";
  if (op === "-" && l === "timespan" && r === "datetime") return true;
  if (op !== "+" && op !== "-") {
    if ((l === "datetime" && numeric(r)) || (numeric(l) && r === "datetime")) return true;
  }
  if (op === "*" && l === "timespan" && r === "timespan") return true;
  return op === "%" && l === "timespan" && numeric(r);
}

Deno.test("arithmetic over every pair of scalar types is typed as Kusto.Language types it", async () => {
  const mismatches: string[] = [];
  for (const op of ["+", "-", "*", "/", "%"]) {
    for (const [l, lv] of Object.entries(SAMPLES)) {
      for (const [r, rv] of Object.entries(SAMPLES)) {
        const query = `print x = ${lv} ${op} ${rv}`;
        const bound = bindKql(query);
        const kusto = bound.errors.length > 0 ? "error" : bound.columns[0].type;
        let ours: string;
        try {
          ours = String((await first(`${query} | project t = gettype(x)`)).t);
        } catch (error) {
          const message = (error as Error).message;
          const named = message.includes(`${l} and ${r}`);
          ours = named && (kusto === "error" || undocumented(op, l, r))
            ? kusto
            : `error: ${message}`;
        }
        // int + int is long in Kusto; Kusto.Language writes it so too.
        if (ours !== kusto) {
          mismatches.push(`${l} ${op} ${r}: Kusto.Language ${kusto}, casefile ${ours}`);
        }
      }
    }
  }
  assert.deepEqual(mismatches, []);
});

Deno.test("datetime and timespan arithmetic gives the documented results", async () => {
  // Kusto's "Datetime / timespan arithmetic" and "Numerical operators" pages.
  const row = await first(
    `print a = 1d / 5h, b = 1h / 1s, c = tostring(1.5 * 1h),` +
      ` d = tostring(datetime(1970-01-01) + 1546897531 * 1sec),` +
      ` e = (datetime(2019-01-07 21:45:31.0000000) - datetime(1970-01-01)) / 1s,` +
      ` f = tostring(datetime(1997-06-25) - datetime(1910-06-11)), g = tostring(1d + 2d),` +
      ` plusPlus = 14 % 12, minusPlus = -14 % 12, plusMinus = 14 % -12, minusMinus = -14 % -12`,
  );
  assert.deepEqual(row, {
    a: 4.8,
    b: 3600,
    c: "01:30:00",
    d: "2019-01-07T21:45:31.0000000Z",
    e: 1546897531,
    // 87 years (87 × 365 days and 22 leap days, 1912 to 1996) and 14 days: 31,791 days.
    f: "31791.00:00:00",
    g: "3.00:00:00",
    plusPlus: 2,
    minusPlus: 10,
    plusMinus: 2,
    minusMinus: 10,
  });
  await assert.rejects(
    runKql("print datetime(2020-01-01) + datetime(2020-01-02)"),
    (e: Error & { hint?: string }) =>
      /'\+' over datetime and datetime/.test(e.message) && /add a timespan/.test(e.hint ?? ""),
  );
});

Deno.test("project-away * keeps the rows: a later project or extend has one per row", async () => {
  const T = "range x from 1 to 3 step 1";
  assert.equal((await runKql(`${T} | project-away * | project c = 1`)).height, 3);
  assert.equal((await runKql(`${T} | project-keep nothing* | extend c = 2`)).height, 3);
  assert.deepEqual(await first(`${T} | project-away * | count`), { Count: 3 });
  assert.equal((await runKql(`${T} | project-away * | union (print z = 1)`)).height, 4);
});

Deno.test("range steps numbers by a number and times by a timespan", async () => {
  await assert.rejects(
    runKql("range x from 1 to 10 step 1tick"),
    /a range of numbers cannot step by a timespan \(line 1, column 27\)/,
  );
  await assert.rejects(
    runKql("range x from datetime(2020-01-01) to 5 step 1h"),
    /'range' cannot go from a datetime to a long/,
  );
  assert.equal(
    (await runKql("range x from datetime(2020-01-01) to datetime(2020-01-02) step 6h")).height,
    5,
  );
});

Deno.test("toscalar() of an empty table is a null of the column's type", async () => {
  // Kusto: count of no rows is one row holding 0; any other empty result is null.
  const row = await first(
    `let T = range x from 1 to 3 step 1;` +
      ` print a = toscalar(T | where false | count),` +
      ` b = isnull(toscalar(T | where false | project x)),` +
      ` g = gettype(toscalar(T | where false | project x)),` +
      ` t = isnull(toscalar(T | where false | project t = datetime(2020-01-01)))`,
  );
  assert.deepEqual(row, { a: 0, b: true, g: "long", t: true });
});

Deno.test("the casefile command keeps longs beyond 2^53 in 'in' and make_set", async () => {
  const dir = await tempFolder({
    "Events.ndjson": [BIG, NEAR, BIG, "5"].map((id) => `{"Id":${id}}`).join("\n") + "\n",
  });
  try {
    const run = await runCasefile([
      "query",
      "--data",
      dir,
      "--format",
      "csv",
      `Events | where Id in (${BIG}, 5) | summarize s = make_set(Id), n = count()` +
      ` | project s = tostring(s), n`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split("\n"), ["s,n", `"[${BIG},5]",3`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
