/**
 * Logic, conversion and basic functions (src/kql/functions/_core.ts): iff, case, coalesce,
 * isempty/isnull, to*(), parse_json, strlen, now/ago, bin/bin_at, pack_array. Expected values
 * are the Kusto docs' examples (case()'s Small/Medium/Large buckets; bin(4.5, 1) = 4;
 * bin_at(6.5, 2.5, 7) = 4.5, bin_at(time(1h), 1d, 12h) = -12h and the docs' daily buckets at
 * 15:14; strlen("⒦⒰⒮⒯⒪") = 5; coalesce skips empty strings; isnull(parse_json("")) is true)
 * or computed by hand (a day is 864 000 000 000 ticks of 100 ns). Each is checked on columns
 * (Polars) and, where it folds, on constants (JavaScript). Found by
 * `deno task mutate src/kql/functions/_core.ts` (issue 23).
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";
import { NOW, records } from "./_records.ts";

const HOUR = 3_600_000_000; // a timespan's value in the frame: microseconds

Deno.test("mutation/core: case() buckets as in the docs' Small/Medium/Large example", async () => {
  const rows = await records(
    `range Size from 1 to 15 step 2
     | extend bucket = case(Size <= 3, "Small", Size <= 10, "Medium", "Large")`,
  );
  assert.deepEqual(rows.map((r) => r.bucket), [
    "Small",
    "Small",
    "Medium",
    "Medium",
    "Medium",
    "Large",
    "Large",
    "Large",
  ]);
});

Deno.test("mutation/core: iff() of a long and a real is a real on both branches", async () => {
  const rows = await records("datatable(b: bool) [true, false] | extend x = iff(b, 1, 2.5)");
  assert.deepEqual(rows.map((r) => r.x), [1, 2.5]);
  const [c] = await records("print a = iff(false, 1, 2.5), b = iff(true, 1, 2.5)");
  assert.deepEqual(c, { a: 2.5, b: 1 });
});

Deno.test("mutation/core: coalesce() skips empty strings, isempty() sees them", async () => {
  const rows = await records(
    `datatable(a: string, b: string) ["", "x", "y", "z"]
     | extend c = coalesce(a, b), e = isempty(a), ne = isnotempty(a), n = isnull(a)`,
  );
  assert.deepEqual(rows.map((r) => [r.c, r.e, r.ne, r.n]), [
    ["x", true, false, false],
    ["y", false, true, false],
  ]);
  const [c] = await records(
    `print a = isempty(""), b = isnotempty(""), c = isnull(""), d = isempty("x"),
       e = coalesce("", "q"), f = coalesce(long(null), 7)`,
  );
  assert.deepEqual(c, { a: true, b: false, c: false, d: false, e: "q", f: 7 });
});

Deno.test("mutation/core: conversions: ticks of timespans, text to long and timespan, guids, JSON", async () => {
  const [c] = await records(
    `print a = tolong(1d), b = toint(1d), c = tolong("123"), t = totimespan("1.02:00:00"),
       g = toguid(123), h = toguid("{A1B2C3D4-0000-1111-2222-333344445555}"),
       j = isnull(parse_json("")), k = gettype(parse_json("{}"))`,
  );
  // By hand: a day is 86 400 s = 864 000 000 000 ticks of 100 ns; 1.02:00:00 is 26 hours.
  assert.equal(c.a, 864_000_000_000);
  // Beyond an int: not an error (casefile gives null for an int that cannot hold it).
  assert.equal(c.b, null);
  assert.equal(c.c, 123);
  assert.equal(c.t, 26 * HOUR);
  assert.equal(c.g, null);
  assert.equal(c.h, "a1b2c3d4-0000-1111-2222-333344445555");
  assert.equal(c.j, true);
  assert.equal(c.k, "dictionary");
  // On columns.
  const rows = await records(
    `datatable(s: string, d: timespan) ["42", 2h, "x", 1d]
     | extend l = tolong(s), ts = totimespan(s), dt = todatetime("2026-01-02"), ticks = tolong(d)`,
  );
  assert.deepEqual(rows.map((r) => [r.l, r.ticks]), [[42, 72_000_000_000], [
    null,
    864_000_000_000,
  ]]);
  assert.equal((rows[0].dt as Date).toISOString(), "2026-01-02T00:00:00.000Z");
  // Docs: a value that does not convert gives null (not an error).
  const [n] = await records("print a = todatetime(1h), b = todatetime(true), c = todatetime(7)");
  assert.deepEqual(n, { a: null, b: null, c: null });
});

Deno.test("mutation/core: strlen counts characters (the docs' ⒦⒰⒮⒯⒪ is 5)", async () => {
  const [c] = await records('print a = strlen("⒦⒰⒮⒯⒪"), b = strlen("hello"), c = strlen("")');
  assert.deepEqual(c, { a: 5, b: 5, c: 0 });
  const rows = await records('datatable(s: string) ["⒦⒰⒮⒯⒪", "héllo"] | extend n = strlen(s)');
  assert.deepEqual(rows.map((r) => r.n), [5, 5]);
});

Deno.test("mutation/core: now(offset) and ago() are offsets of the query's now", async () => {
  const [c] = await records("print a = now(1h) - now(), b = now() - ago(1h), c = ago(1d)");
  assert.equal(c.a, HOUR);
  assert.equal(c.b, HOUR);
  assert.equal((c.c as Date).toISOString(), "2026-03-15T00:00:00.000Z");
  // On a column of timespans.
  const rows = await records(
    "datatable(d: timespan) [1h, 2d] | extend t = ago(d), u = now(d), g = gettype(now(d))",
  );
  assert.deepEqual(rows.map((r) => (r.t as Date).toISOString()), [
    "2026-03-15T23:00:00.000Z",
    "2026-03-14T00:00:00.000Z",
  ]);
  assert.deepEqual(rows.map((r) => (r.u as Date).toISOString()), [
    "2026-03-16T01:00:00.000Z",
    "2026-03-18T00:00:00.000Z",
  ]);
  assert.deepEqual(rows.map((r) => r.g), ["datetime", "datetime"]);
});

Deno.test("mutation/core: bin() and bin_at() give the docs' values, on constants and columns", async () => {
  const [c] = await records(
    "print a = bin_at(6.5, 2.5, 7), b = bin_at(time(1h), 1d, 12h), c = bin(4.5, 1), d = bin(time(16d), 7d)",
  );
  assert.deepEqual(c, { a: 4.5, b: -12 * HOUR, c: 4, d: 14 * 24 * HOUR });
  // By hand: floor(-4.5) = -5; bin(7, 2.5) = 5; bin(3, 2.5) = 2.5; bin_at(-4.5, 2.5, 7) = -5.5.
  const rows = await records(
    `datatable(x: real, n: long) [-4.5, 7, 4.5, 3, 6.5, 10]
     | extend a = bin(x, 1), b = bin(n, 2.5), c = bin_at(x, 2.5, 7.0), d = bin_at(n, 4, 1),
         t = gettype(bin(x, 1)), u = gettype(bin(n, 2.5)), v = gettype(bin(n, 2))`,
  );
  assert.deepEqual(rows.map((r) => [r.a, r.b, r.c, r.d]), [
    [-5, 5, -5.5, 5],
    [4, 2.5, 4.5, 1],
    [6, 10, 4.5, 9],
  ]);
  assert.deepEqual([rows[0].t, rows[0].u, rows[0].v], ["real", "real", "long"]);
});

Deno.test("mutation/core: bin_at() buckets a day at 15:14, as in the docs' summarize example", async () => {
  const rows = await records(
    `datatable(Date: datetime, NumOfEvents: int) [
       datetime(2018-02-24T15:14), 3, datetime(2018-02-24T15:24), 4,
       datetime(2018-02-23T16:14), 4, datetime(2018-02-23T17:29), 4,
       datetime(2018-02-26T15:14), 5]
     | summarize TotalEvents = sum(NumOfEvents)
         by bin_at(Date, 1d, datetime(2018-02-24 15:14:00.0000000))
     | order by Date asc`,
  );
  assert.deepEqual(rows.map((r) => [(r.Date as Date).toISOString(), r.TotalEvents]), [
    ["2018-02-23T15:14:00.000Z", 8],
    ["2018-02-24T15:14:00.000Z", 7],
    ["2018-02-26T15:14:00.000Z", 5],
  ]);
});

Deno.test("mutation/core: pack_array() of mixed values, and array_length()", async () => {
  const rows = await records(
    `datatable(x: long) [3] | extend p = pack_array(x, 2.5, "s"), l = array_length(pack_array(x, 1))`,
  );
  assert.deepEqual(JSON.parse(rows[0].p as string), [3, 2.5, "s"]);
  assert.equal(rows[0].l, 2);
});

Deno.test("mutation/core: not(), strcat()'s 64 arguments, array_length() of non-arrays", async () => {
  const [c] = await records("print a = not(true), b = not(bool(null))");
  assert.deepEqual(c, { a: false, b: null });
  const rows = await records("datatable(b: bool) [true, false] | extend n = not(b)");
  assert.deepEqual(rows.map((r) => r.n), [false, true]);
  // Docs: strcat takes 1 to 64 arguments.
  const args = (n: number) => Array.from({ length: n }, () => '"a"').join(", ");
  const [s] = await records(`print n = strlen(strcat(${args(64)}))`);
  assert.deepEqual(s, { n: 64 });
  const tooMany = await executeKql(`print s = strcat(${args(65)})`, { tables: {}, now: NOW })
    .then(() => undefined, (e) => e);
  assert.match(String(tooMany?.message), /strcat\(\) takes 1 to 64 argument\(s\), not 65/);
  // Docs: array_length is null when the value is not an array.
  const lengths = await records(
    `datatable(d: dynamic) [dynamic([1, 2, 3]), dynamic({"a": 1}), dynamic("x")]
     | extend n = array_length(d)`,
  );
  assert.deepEqual(lengths.map((r) => r.n), [3, null, null]);
  // A bin size that is text is refused with the argument named.
  const bad = await executeKql('print x = bin(1, "a")', { tables: {}, now: NOW })
    .then(() => undefined, (e) => e);
  assert.ok(bad instanceof KqlSemanticError, String(bad));
  assert.match(bad.message, /bin size/);
});

Deno.test("mutation/core: casefile query buckets and converts as the docs show", async () => {
  const run = await runCasefile([
    "query",
    `range Size from 1 to 5 step 2
     | extend bucket = case(Size <= 3, "Small", "Large"), b = bin(Size, 2), e = coalesce("", "q")`,
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split("\n"), [
    "Size,bucket,b,e",
    "1,Small,0,q",
    "3,Small,2,q",
    "5,Large,4,q",
  ]);
});
