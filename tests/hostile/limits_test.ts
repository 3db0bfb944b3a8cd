/**
 * Bounded operators (issue 18): joins, pivot, bag_unpack, make-series, mv-expand and range
 * that would make more than a query's limits fail before doing the work, at the operator,
 * saying the limit, what the query would have made and how to raise it; the limits are
 * Kusto's (`set maxmemoryconsumptionperiterator`, `maxoutputcolumns`, `truncationmaxrecords`,
 * `query_take_max_records`), per query or per call. Expected values are counted by hand.
 */
import assert from "node:assert/strict";
import { executeKql, type KqlLimits, KqlSemanticError } from "../../src/kql/mod.ts";
import { OptionError } from "../../src/options.ts";
import { runCasefile } from "../_helpers.ts";

const NOW = new Date("2026-01-01T00:00:00Z");

async function rows(query: string, limits?: KqlLimits) {
  return (await executeKql(query, { now: NOW, limits })).frame.toRecords();
}

/** Asserts that `query` fails at `text` (its first occurrence) with a message matching all of `parts`. */
async function assertLimited(
  query: string,
  text: string,
  parts: RegExp[],
  hint: RegExp,
  limits?: KqlLimits,
) {
  const offset = query.indexOf(text);
  assert.ok(offset >= 0, `'${text}' is not in the query`);
  const lines = query.slice(0, offset).split("\n");
  await assert.rejects(() => executeKql(query, { now: NOW, limits }), (error: unknown) => {
    assert.ok(
      error instanceof KqlSemanticError,
      `${(error as Error).name}: ${(error as Error).message}`,
    );
    for (const part of parts) assert.match(error.message, part);
    assert.match(error.hint ?? "", hint);
    assert.equal(error.line, lines.length);
    assert.equal(error.column, lines.at(-1)!.length + 1);
    return true;
  });
}

const RAISE_MEMORY = /set maxmemoryconsumptionperiterator = \d+;/;
const RAISE_COLUMNS = /set maxoutputcolumns = \d+;/;

// ---------------------------------------------------------------- joins

// 10^5 x 10^5 rows on one key: 10^10 rows (this took 4 GB in 4 s before the guard).
const CROSS = "range a from 1 to 100000 step 1 | extend k = 1\n" +
  "| join kind=inner (range b from 1 to 100000 step 1 | extend k = 1) on k\n| count";

Deno.test("a cross join of 10^5 x 10^5 rows fails at the join before running it", async () => {
  await assertLimited(
    CROSS,
    "join kind=inner",
    [/10000000000 rows/, /100000 x 100000 input rows/, /memory limit of 5 GB per operator/],
    RAISE_MEMORY,
  );
});

Deno.test("a join's output rows are counted from its keys, outer rows included", async () => {
  // Left keys a % 3: 1, 2, 0, 1; right keys b % 2: 1, 0. Key 1: 2 x 1 rows, key 0: 1 x 1,
  // and the left row of key 2 has no match: 4 rows of 4 longs (32 bytes) = 128 bytes.
  const query = "set maxmemoryconsumptionperiterator = LIMIT;\n" +
    "datatable(a: long)[1, 2, 3, 4] | extend k = a % 3\n" +
    "| join kind=leftouter (datatable(b: long)[1, 2] | extend k = b % 2) on k | count";
  assert.deepEqual(await rows(query.replace("LIMIT", "128")), [{ Count: 4 }]);
  await assertLimited(
    query.replace("LIMIT", "127"),
    "join kind=leftouter",
    [/4 rows/, /4 x 2 input rows, 3 matching pairs/, /memory limit of 127 bytes/],
    /set maxmemoryconsumptionperiterator = 128;/,
  );
});

Deno.test("raising the memory limit lets the join run, with the right answer", async () => {
  // 30 x 30 rows on one key: 900 rows of 32 bytes = 28,800 bytes.
  const query = (limit: number) =>
    `set maxmemoryconsumptionperiterator = ${limit};
range a from 1 to 30 step 1 | extend k = 1
| join kind=inner (range b from 1 to 30 step 1 | extend k = 1) on k
| summarize n = count(), s = sum(a * b)`;
  await assertLimited(query(28_799), "join kind=inner", [/900 rows/], RAISE_MEMORY);
  // sum over a, b of a * b = (30 * 31 / 2)^2 = 465^2.
  assert.deepEqual(await rows(query(28_800)), [{ n: 900, s: 216_225 }]);
});

Deno.test("lookup is bounded like join", async () => {
  await assertLimited(
    "range a from 1 to 30 step 1 | extend k = 1 | lookup (range b from 1 to 30 step 1 | extend k = 1) on k",
    "lookup",
    [/lookup would make 900 rows/],
    RAISE_MEMORY,
    { maxMemoryConsumptionPerIterator: 1000 },
  );
});

// ---------------------------------------------------------------- the limits' sources

Deno.test("a call's limits apply, and the lower of the call's and the query's wins", async () => {
  const join = "range a from 1 to 30 step 1 | extend k = 1\n" +
    "| join kind=inner (range b from 1 to 30 step 1 | extend k = 1) on k | count";
  await assertLimited(join, "join", [/900 rows/], RAISE_MEMORY, {
    maxMemoryConsumptionPerIterator: 1000,
  });
  assert.deepEqual(await rows(join, { maxMemoryConsumptionPerIterator: 28_800 }), [{
    Count: 900,
  }]);
  // The query lowers the call's limit; it cannot raise it past the call's (Kusto's rule).
  await assertLimited(
    "set maxmemoryconsumptionperiterator = 1000;\n" + join,
    "join",
    [/memory limit of 1000 bytes/],
    RAISE_MEMORY,
    { maxMemoryConsumptionPerIterator: 10 ** 12 },
  );
  await assertLimited(
    "set maxmemoryconsumptionperiterator = 1000000000000;\n" + join,
    "join",
    [/memory limit of 1000 bytes/],
    RAISE_MEMORY,
    { maxMemoryConsumptionPerIterator: 1000 },
  );
});

Deno.test("a set statement with a value that is not a number fails at the statement", async () => {
  await assertLimited(
    "print 1;\nset maxoutputcolumns = lots;\nprint 2",
    "set maxoutputcolumns",
    [/set maxoutputcolumns takes a whole number of columns, not 'lots'/],
    /set maxoutputcolumns = 1000000;/,
  );
});

// ---------------------------------------------------------------- pivot and bag_unpack

Deno.test("pivot over 20,000 distinct values fails before making the columns", async () => {
  await assertLimited(
    "range x from 1 to 20000 step 1 | project k = 1, v = strcat('v', x) | evaluate pivot(v)",
    "pivot(v)",
    [/pivot\(\) would make 20001 columns, more than the limit of 1000/],
    RAISE_COLUMNS,
  );
});

Deno.test("raising maxoutputcolumns lets pivot run, with the right answer", async () => {
  const query = (n: number) =>
    `set maxoutputcolumns = ${n};
datatable(k: string, v: string) ['a', 'x', 'a', 'y', 'b', 'x', 'a', 'x'] | evaluate pivot(v)`;
  await assertLimited(query(2), "pivot(v)", [/3 columns, more than the limit of 2/], RAISE_COLUMNS);
  assert.deepEqual(await rows(query(3)), [{ k: "a", x: 2, y: 1 }, { k: "b", x: 1, y: 0 }]);
});

const BAG = "range x from 1 to 5000 step 1\n" +
  "| summarize b = make_bag(bag_pack(strcat('k', x), x)) | evaluate bag_unpack(b)";

Deno.test("bag_unpack of 5,000 keys fails before making the columns", async () => {
  await assertLimited(
    BAG,
    "bag_unpack(b)",
    [/bag_unpack\(\) would make 5000 columns, more than the limit of 1000/],
    RAISE_COLUMNS,
  );
});

Deno.test("raising maxoutputcolumns lets bag_unpack run, with the right answer", async () => {
  assert.deepEqual(
    await rows(BAG + " | project k1, k2500, k5000", { maxOutputColumns: 5000 }),
    [{ k1: 1, k2500: 2500, k5000: 5000 }],
  );
});

// ---------------------------------------------------------------- make-series, mv-expand, range

Deno.test("make-series of 1,000 groups x 10^6 bins fails before making the arrays", async () => {
  await assertLimited(
    `range g from 1 to 1000 step 1 | extend t = datetime(2020-01-01)
| make-series c = count() on t from datetime(2020-01-01) to datetime(2020-01-01) + 1000000s step 1s by g`,
    "make-series",
    [/make-series would make 1000 series of 1000000 bins/, /memory limit of 5 GB/],
    RAISE_MEMORY,
  );
});

Deno.test("make-series within a raised limit gives its arrays", async () => {
  // 2 groups x 3 bins x 1 aggregate x 32 bytes = 192 bytes.
  const query = (limit: number) =>
    `set maxmemoryconsumptionperiterator = ${limit};
datatable(g: long, t: long) [1, 0, 1, 2, 2, 2, 2, 2]
| make-series c = count() on t from 0 to 3 step 1 by g | project g, c`;
  await assertLimited(query(191), "make-series", [/2 series of 3 bins/], RAISE_MEMORY);
  assert.deepEqual(await rows(query(192)), [{ g: 1, c: "[1,0,1]" }, { g: 2, c: "[0,0,2]" }]);
});

Deno.test("mv-expand fails before copying rows past the limit", async () => {
  // 100 elements with one other column (b), and the item index: a dynamic (a 16-byte string
  // view), a long and a long = 32 bytes a row, 3,200 bytes.
  const query = (limit: number) =>
    `set maxmemoryconsumptionperiterator = ${limit};
print a = range(1, 100, 1), b = 1 | mv-expand with_itemindex = i a | summarize n = count(), s = sum(toint(a))`;
  await assertLimited(
    query(3199),
    "a | summarize",
    [/mv-expand would make 100 rows/],
    RAISE_MEMORY,
  );
  assert.deepEqual(await rows(query(3200)), [{ n: 100, s: 5050 }]);
});

Deno.test("native mv-expand (of split) fails before exploding rows past the limit", async () => {
  // split() makes a Polars list, exploded natively. 100 elements; s (a string), b (a long),
  // a (dynamic) and i (a long): 16 + 8 + 16 + 8 = 48 bytes a row, 4,800 bytes.
  const numbers = Array.from({ length: 100 }, (_, i) => i + 1).join(",");
  const query = (limit: number) =>
    `set maxmemoryconsumptionperiterator = ${limit};
print s = "${numbers}", b = 1 | mv-expand with_itemindex = i a = split(s, ",") | summarize n = count(), t = sum(toint(a))`;
  await assertLimited(query(4799), "a = split", [/mv-expand would make 100 rows/], RAISE_MEMORY);
  assert.deepEqual(await rows(query(4800)), [{ n: 100, t: 5050 }]);
  // limit= caps each array before the count: 10 rows of 48 bytes.
  const capped = (limit: number) =>
    `set maxmemoryconsumptionperiterator = ${limit};
print s = "${numbers}", b = 1 | mv-expand with_itemindex = i a = split(s, ",") limit 10 | count`;
  await assertLimited(capped(479), "a = split", [/mv-expand would make 10 rows/], RAISE_MEMORY);
  assert.deepEqual(await rows(capped(480)), [{ Count: 10 }]);
  // Through the command line: exit 1, the limit named, no stack trace.
  const cli = await runCasefile(["query", query(4799)]);
  assert.equal(cli.code, 1, cli.stderr);
  assert.match(cli.stderr, /mv-expand would make 100 rows .*more than the memory limit/);
  assert.doesNotMatch(cli.stderr, /^\s+at /m);
});

Deno.test("range past the memory limit fails at range without making its rows", async () => {
  await assertLimited(
    "print 1;\nrange x from 1 to 1000000000 step 1",
    "range",
    [/range would make 1000000000 rows/, /memory limit of 5 GB/],
    RAISE_MEMORY,
  );
});

// ---------------------------------------------------------------- result truncation

Deno.test("truncationmaxrecords fails a result past it; query_take_max_records cuts it", async () => {
  await assertLimited(
    "set truncationmaxrecords = 5;\nrange x from 1 to 10 step 1",
    "range",
    [/The result has more than 5 records/, /E_QUERY_RESULT_SET_TOO_LARGE/],
    /set truncationmaxrecords = 50;/,
  );
  assert.equal(
    (await rows("set truncationmaxrecords = 10; range x from 1 to 10 step 1")).length,
    10,
  );
  assert.deepEqual(await rows("set query_take_max_records = 3; range x from 1 to 10 step 1"), [
    { x: 1 },
    { x: 2 },
    { x: 3 },
  ]);
  assert.deepEqual(await rows("range x from 1 to 10 step 1", { takeMaxRecords: 2 }), [
    { x: 1 },
    { x: 2 },
  ]);
  // notruncation lifts nothing a truncationmaxrecords also given sets (Kusto's rule).
  await assertLimited(
    "set notruncation;\nrange x from 1 to 10 step 1",
    "range",
    [/more than 5 records/],
    /truncationmaxrecords/,
    { truncationMaxRecords: 5 },
  );
});

Deno.test("truncationmaxsize fails a result past its bytes; a call's limit works the same", async () => {
  // 1,000 longs: 8,000 bytes. One byte less fails; the limit itself passes.
  await assertLimited(
    "set truncationmaxsize = 7999;\nrange x from 1 to 1000 step 1",
    "range",
    [
      /The result holds 8,000 bytes \(7\.8 KB\), more than the 7,999/,
      /E_QUERY_RESULT_SET_TOO_LARGE/,
    ],
    /set truncationmaxsize = 8000;/,
  );
  assert.equal(
    (await rows("set truncationmaxsize = 8000; range x from 1 to 1000 step 1")).length,
    1000,
  );
  // Text counts by its UTF-8 bytes: 'é' is 2, so 3 rows of 'éé' are 12.
  await assertLimited(
    "datatable(s: string)['éé', 'éé', 'éé']",
    "datatable",
    [/holds 12 bytes/],
    /truncationmaxsize = 12;/,
    { truncationMaxSize: 11 },
  );
});

Deno.test("make_list keeps at most Kusto's 1,048,576 elements", async () => {
  assert.deepEqual(
    await rows(
      "range x from 1 to 1100000 step 1 | summarize l = make_list(x) | project n = array_length(l), lastValue = tolong(l[-1])",
    ),
    [{ n: 1_048_576, lastValue: 1_048_576 }],
  );
});

// ---------------------------------------------------------------- toscalar of 64-bit longs

Deno.test("toscalar() of a long beyond 2^53 stays exact", async () => {
  assert.deepEqual(
    await rows(`print a = tostring(toscalar(print 9223372036854775807)),
      b = tostring(toscalar(print 9223372036854775807) - 1),
      c = toscalar(print 9007199254740993) == 9007199254740992,
      d = toscalar(print 9007199254740993) > toscalar(print 9007199254740992)`),
    [{ a: "9223372036854775807", b: "9223372036854775806", c: false, d: true }],
  );
});

Deno.test("'in' a subquery finds a datetime or timespan beyond 2^53 microseconds", async () => {
  // The same value on both sides: Kusto says true (review: the subquery's value came back
  // as a bigint and the folded comparison said false).
  assert.deepEqual(
    await rows(`print a = datetime(2300-01-01) in ((print datetime(2300-01-01))),
      b = 200000d in ((print 200000d)),
      c = datetime(2300-01-01) !in ((print datetime(2300-01-01)))`),
    [{ a: true, b: true, c: false }],
  );
});

// ---------------------------------------------------------------- the front door

Deno.test("casefile query: a cross join fails with the limit, a caret and the set to raise it", async () => {
  const cross = await runCasefile(["query", CROSS.replaceAll("\n", " ")]);
  assert.equal(cross.code, 1);
  assert.match(cross.stderr, /join kind=inner would make 10000000000 rows/);
  assert.match(
    cross.stderr,
    /more than the memory limit of 5 GB per operator \(line 1, column 50\)/,
  );
  // The query is shown indented by two spaces, the caret under "join" (column 50).
  assert.match(cross.stderr, /\n {51}\^+\n/);
  assert.match(cross.stderr, /hint: .*set maxmemoryconsumptionperiterator = \d+;/);

  const raised = await runCasefile([
    "query",
    "set maxmemoryconsumptionperiterator = 28800; range a from 1 to 30 step 1 | extend k = 1 " +
    "| join kind=inner (range b from 1 to 30 step 1 | extend k = 1) on k " +
    "| summarize n = count(), s = sum(a * b)",
  ]);
  assert.equal(raised.code, 0, raised.stderr);
  assert.equal(raised.stdout.trim(), "n,s\n900,216225");
});

Deno.test("a limit option with a wrong name or type is an OptionError with a did-you-mean", async () => {
  await assert.rejects(
    () => executeKql("print 1", { limits: { maxMemory: 5 } as KqlLimits }),
    (error: unknown) => {
      assert.ok(error instanceof OptionError);
      assert.match(error.message, /unknown option `maxMemory`/);
      assert.match(error.message, /Did you mean `maxMemoryConsumptionPerIterator`\?/);
      return true;
    },
  );
  await assert.rejects(
    () => executeKql("print 1", { limits: { maxOutputColumns: "9" } as unknown as KqlLimits }),
    OptionError,
  );
});

Deno.test("a limit option that is not a whole number of 0 or more is refused, as in set", async () => {
  // Review: -1 made every join fail with "a limit of -1 bytes"; 2.5 said "more than 2.5 records".
  for (
    const limits of [
      { maxMemoryConsumptionPerIterator: -1 },
      { truncationMaxRecords: 2.5 },
      { takeMaxRecords: -3 },
    ]
  ) {
    await assert.rejects(
      () => executeKql("print 1", { limits }),
      (error: unknown) => {
        assert.ok(error instanceof OptionError, String(error));
        assert.match(error.message, /must be a whole number, 0 or more/);
        return true;
      },
    );
  }
  assert.deepEqual(await rows("print a = 1", { truncationMaxRecords: Infinity }), [{ a: 1 }]);
});
