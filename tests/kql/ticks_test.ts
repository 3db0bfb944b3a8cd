/**
 * Kusto's number for a datetime or a timespan is 100-nanosecond ticks (a datetime's since
 * 0001-01-01, as .NET counts them): `tolong(1d)` is 864000000000. The engine keeps
 * microseconds inside, and once gave them out (86400000000), ten times too small.
 * Expected values by hand: 1 day = 86,400 s = 864,000,000,000 ticks; 0001-01-01 to
 * 1970-01-01 is 719,162 days = 621,355,968,000,000,000 ticks; 2020-01-01 is 18,262 days
 * after 1970-01-01 = 15,778,368,000,000,000 ticks more: 637,134,336,000,000,000.
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile } from "../_helpers.ts";

/** The first row's columns as exact decimal text (Int64 beyond 2^53 stays exact). */
async function row(query: string): Promise<Record<string, string | null>> {
  const { frame } = await executeKql(query, {});
  const text = frame.select(...frame.columns.map((c) => pl.col(c).cast(pl.Utf8)));
  return Object.fromEntries(
    text.columns.map((c) => [c, text.getColumn(c).toArray()[0] as string | null]),
  );
}

Deno.test("tolong, toint and toreal of a timespan give ticks", async () => {
  assert.deepEqual(
    await row(
      "print a = tolong(1d), b = toint(1s), c = toreal(1ms), d = tolong(-1s)",
    ),
    { a: "864000000000", b: "10000000", c: "10000.0", d: "-10000000" },
  );
});

Deno.test("tolong of a datetime gives ticks since 0001-01-01, exact beyond 2^53", async () => {
  assert.deepEqual(
    await row(
      "print a = tolong(datetime(2020-01-01)), b = tolong(datetime(1970-01-01)), " +
        "c = tolong(datetime(2020-01-01 00:00:00.000001)), n = tolong(datetime(null))",
    ),
    { a: "637134336000000000", b: "621355968000000000", c: "637134336000000010", n: null },
  );
});

Deno.test("toint of a timespan past an int's range is null", async () => {
  assert.deepEqual(await row("print a = toint(1d)"), { a: null });
});

Deno.test("casefile query prints a day's ticks", async () => {
  const run = await runCasefile([
    "query",
    "print ticks = tolong(1d), since = tolong(datetime(2020-01-01))",
    "--format",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split("\n"), [
    "ticks,since",
    "864000000000,637134336000000000",
  ]);
});
