/**
 * KQL date and time functions (src/kql/functions/_datetime.ts): query in, values out.
 *
 * Datetimes read back as ISO text with six fraction digits (casefile keeps microseconds),
 * timespans in Kusto's text form. `both()` runs an expression with constant inputs (folded
 * while compiling) and over a table column, and expects the same answer from both.
 */
import assert from "node:assert/strict";
import { executeKql, formatKqlTimespan, KqlSemanticError } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";
import { formatDatetimeWith, parseFormat, strftimeOf } from "../../src/kql/functions/_datetime.ts";

/** `us` microseconds since the epoch as `2017-01-01T10:10:17.000000Z`. */
function iso(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - Math.floor(us / 1_000_000) * 1_000_000;
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(micros).padStart(6, "0")}Z`;
}

/** Every row of `query` as readable values, with the result's Kusto column types. */
async function rows(
  query: string,
): Promise<{ rows: Record<string, unknown>[]; types: Record<string, string> }> {
  const { frame, schema } = await executeKql(query);
  const columns: Record<string, unknown[]> = {};
  const types: Record<string, string> = {};
  for (const { name, type } of schema.columns) {
    types[name] = type;
    const series = frame.getColumn(name);
    if (type === "datetime" || type === "timespan") {
      columns[name] = (series.cast(pl.Int64).toArray() as unknown[]).map((v) => {
        if (v === null) return null;
        return type === "datetime" ? iso(Number(v)) : formatKqlTimespan(BigInt(v as number));
      });
    } else {
      columns[name] = (series.toArray() as unknown[]).map((v) =>
        typeof v === "bigint" ? Number(v) : v
      );
    }
  }
  return {
    rows: Array.from(
      { length: frame.height },
      (_, i) => Object.fromEntries(Object.keys(columns).map((c) => [c, columns[c][i]])),
    ),
    types,
  };
}

/** The first row of `query`. */
async function row(query: string): Promise<Record<string, unknown>> {
  return (await rows(query)).rows[0];
}

/** The value of `r` in the first row of `query`. */
async function value(query: string): Promise<unknown> {
  return (await row(query)).r;
}

/**
 * `template` with each `{name}` as a constant (folded) and as a column of a one-row
 * table; asserts both agree and returns the value.
 */
async function both(template: string, inputs: Record<string, [string, string]>): Promise<unknown> {
  const entries = Object.entries(inputs);
  let folded = template;
  let columnar = template;
  for (const [name, [, literal]] of entries) {
    folded = folded.replaceAll(`{${name}}`, literal);
    columnar = columnar.replaceAll(`{${name}}`, name);
  }
  const constant = await value(`print r = ${folded}`);
  const table = `datatable(${entries.map(([n, [t]]) => `${n}: ${t}`).join(", ")}) [${
    entries.map(([, [, l]]) => l).join(", ")
  }]`;
  const column = await value(`${table} | extend r = ${columnar}`);
  assert.deepEqual(column, constant, `${template} over a column differs from the constant`);
  return constant;
}

/** `both()` with one datetime input `{d}`. */
function onDate(template: string, date: string): Promise<unknown> {
  return both(template, { d: ["datetime", `datetime(${date})`] });
}

async function semanticError(query: string, pattern: RegExp): Promise<void> {
  await assert.rejects(() => executeKql(query), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, `expected a KqlSemanticError, got ${e}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

// ---------------------------------------------------------------- startof / endof

Deno.test("startofday/week/month/year() step by a row's offset (documentation examples)", async () => {
  const starts = async (fn: string) =>
    (await rows(
      `range offset from -1 to 1 step 1 | project r = ${fn}(datetime(2017-01-01 10:10:17), offset)`,
    )).rows.map((r) => r.r);
  assert.deepEqual(await starts("startofday"), [
    "2016-12-31T00:00:00.000000Z",
    "2017-01-01T00:00:00.000000Z",
    "2017-01-02T00:00:00.000000Z",
  ]);
  assert.deepEqual(await starts("startofweek"), [
    "2016-12-25T00:00:00.000000Z",
    "2017-01-01T00:00:00.000000Z",
    "2017-01-08T00:00:00.000000Z",
  ]);
  assert.deepEqual(await starts("startofmonth"), [
    "2016-12-01T00:00:00.000000Z",
    "2017-01-01T00:00:00.000000Z",
    "2017-02-01T00:00:00.000000Z",
  ]);
  assert.deepEqual(await starts("startofyear"), [
    "2016-01-01T00:00:00.000000Z",
    "2017-01-01T00:00:00.000000Z",
    "2018-01-01T00:00:00.000000Z",
  ]);
});

Deno.test("endof*() is the next start minus one microsecond (Kusto: minus one tick)", async () => {
  const ends = async (fn: string) =>
    (await rows(
      `range offset from -1 to 1 step 1 | project r = ${fn}(datetime(2017-01-01 10:10:17), offset)`,
    )).rows.map((r) => r.r);
  assert.deepEqual(await ends("endofmonth"), [
    "2016-12-31T23:59:59.999999Z",
    "2017-01-31T23:59:59.999999Z",
    "2017-02-28T23:59:59.999999Z",
  ]);
  assert.deepEqual(await ends("endofweek"), [
    "2016-12-31T23:59:59.999999Z",
    "2017-01-07T23:59:59.999999Z",
    "2017-01-14T23:59:59.999999Z",
  ]);
  assert.equal(await onDate("endofday({d})", "2017-01-01 10:10:17"), "2017-01-01T23:59:59.999999Z");
  assert.equal(await onDate("endofyear({d}, -1)", "2017-06-01"), "2016-12-31T23:59:59.999999Z");
  assert.equal(await onDate("endofmonth({d})", "2016-02-10"), "2016-02-29T23:59:59.999999Z");
});

Deno.test("startof*() with constant offsets agree with the column form", async () => {
  assert.equal(await onDate("startofmonth({d}, -13)", "2017-03-31"), "2016-02-01T00:00:00.000000Z");
  assert.equal(await onDate("startofmonth({d}, 30)", "2017-03-31"), "2019-09-01T00:00:00.000000Z");
  assert.equal(await onDate("startofyear({d}, 40)", "2017-03-31"), "2057-01-01T00:00:00.000000Z");
  assert.equal(await onDate("startofyear({d}, -3)", "2017-03-31"), "2014-01-01T00:00:00.000000Z");
  // Weeks start on Sunday, also before the epoch.
  assert.equal(await onDate("startofweek({d})", "1969-12-31 22:00"), "1969-12-28T00:00:00.000000Z");
  const columnOffset = await rows(
    "datatable(d: datetime, k: long) [datetime(2017-03-31), 30, datetime(2017-03-31), -40]" +
      " | extend m = startofmonth(d, k), y = startofyear(d, k)",
  );
  assert.deepEqual(columnOffset.rows.map((r) => [r.m, r.y]), [
    ["2019-09-01T00:00:00.000000Z", "2047-01-01T00:00:00.000000Z"],
    ["2013-11-01T00:00:00.000000Z", "1977-01-01T00:00:00.000000Z"],
  ]);
});

Deno.test("startof*() of a null datetime or offset is null", async () => {
  assert.equal(await value("print r = startofday(datetime(null))"), null);
  assert.equal(await value("print r = startofmonth(datetime(2017-01-01), long(null))"), null);
});

// ---------------------------------------------------------------- parts

Deno.test("datetime_part() extracts each part (documentation example)", async () => {
  const r = await rows(`let dt = datetime(2017-10-30 01:02:03.7654321);
    print year = datetime_part("year", dt), quarter = datetime_part("quarter", dt),
      month = datetime_part("month", dt), weekOfYear = datetime_part("week_of_year", dt),
      day = datetime_part("day", dt), dayOfYear = datetime_part("dayOfYear", dt),
      hour = datetime_part("hour", dt), minute = datetime_part("minute", dt),
      second = datetime_part("second", dt), millisecond = datetime_part("millisecond", dt),
      microsecond = datetime_part("microsecond", dt), nanosecond = datetime_part("nanosecond", dt)`);
  assert.deepEqual(r.rows[0], {
    year: 2017,
    quarter: 4,
    month: 10,
    weekOfYear: 44,
    day: 30,
    dayOfYear: 303,
    hour: 1,
    minute: 2,
    second: 3,
    millisecond: 765,
    microsecond: 765432,
    // Kusto says 765432100: the last 100 ns tick is below casefile's precision.
    nanosecond: 765432000,
  });
  assert.ok(Object.values(r.types).every((t) => t === "long"));
});

Deno.test("getyear(), getmonth(), dayofmonth(), dayofyear(), hourofday() return longs", async () => {
  const r = await rows(`let dt = datetime(2015-12-14 18:54);
    print y = getyear(dt), m = getmonth(dt), moy = monthofyear(dt), d = dayofmonth(dt),
      doy = dayofyear(dt), h = hourofday(dt)`);
  assert.deepEqual(r.rows[0], { y: 2015, m: 12, moy: 12, d: 14, doy: 348, h: 18 });
  assert.ok(Object.values(r.types).every((t) => t === "long"));
  assert.equal(await onDate("hourofday({d})", "2015-12-14 18:54"), 18);
});

Deno.test("week_of_year() counts ISO 8601 weeks (documentation examples)", async () => {
  assert.equal(await onDate("week_of_year({d})", "2020-12-31"), 53);
  assert.equal(await onDate("week_of_year({d})", "2020-06-15"), 25);
  assert.equal(await onDate("week_of_year({d})", "1970-01-01"), 1);
  assert.equal(await onDate("weekofyear({d})", "2000-01-01"), 52);
});

Deno.test("dayofweek() is the timespan since the preceding Sunday", async () => {
  assert.equal(await onDate("dayofweek({d})", "1947-11-30 10:00:05"), "00:00:00");
  assert.equal(await onDate("dayofweek({d})", "1970-01-01"), "4.00:00:00");
  assert.equal((await rows("print r = dayofweek(datetime(2024-01-06))")).types.r, "timespan");
});

// ---------------------------------------------------------------- datetime_add / diff

Deno.test("datetime_add() adds calendar periods (documentation example)", async () => {
  const r = await row(`let d = make_datetime(2017,1,1);
    print year = datetime_add('year',1,d), quarter = datetime_add('quarter',1,d),
      month = datetime_add('month',1,d), week = datetime_add('week',1,d),
      day = datetime_add('day',1,d), hour = datetime_add('hour',1,d),
      minute = datetime_add('minute',1,d), second = datetime_add('second',1,d)`);
  assert.deepEqual(r, {
    year: "2018-01-01T00:00:00.000000Z",
    quarter: "2017-04-01T00:00:00.000000Z",
    month: "2017-02-01T00:00:00.000000Z",
    week: "2017-01-08T00:00:00.000000Z",
    day: "2017-01-02T00:00:00.000000Z",
    hour: "2017-01-01T01:00:00.000000Z",
    minute: "2017-01-01T00:01:00.000000Z",
    second: "2017-01-01T00:00:01.000000Z",
  });
});

Deno.test("datetime_add() clamps to the last day of a shorter month and keeps the time", async () => {
  assert.equal(
    await onDate("datetime_add('month', 1, {d})", "2017-01-31 10:00"),
    "2017-02-28T10:00:00.000000Z",
  );
  assert.equal(
    await onDate("datetime_add('Year', 1, {d})", "2016-02-29"),
    "2017-02-28T00:00:00.000000Z",
  );
  assert.equal(
    await onDate("datetime_add('month', -13, {d})", "2017-03-31 23:59:59.5"),
    "2016-02-29T23:59:59.500000Z",
  );
  assert.equal(
    await onDate("datetime_add('quarter', 40, {d})", "2017-05-31"),
    "2027-05-31T00:00:00.000000Z",
  );
  // A column amount takes the arithmetic path; it agrees with the constant one.
  const r = await rows(
    "datatable(n: long) [1, -1, 13, 100] | extend r = datetime_add('month', n, datetime(2016-01-31))",
  );
  assert.deepEqual(r.rows.map((x) => x.r), [
    "2016-02-29T00:00:00.000000Z",
    "2015-12-31T00:00:00.000000Z",
    "2017-02-28T00:00:00.000000Z",
    "2024-05-31T00:00:00.000000Z",
  ]);
});

Deno.test("datetime_add() below a microsecond truncates toward zero", async () => {
  assert.equal(
    await onDate("datetime_add('nanosecond', 1500, {d})", "2017-01-01"),
    "2017-01-01T00:00:00.000001Z",
  );
  assert.equal(
    await onDate("datetime_add('millisecond', -1, {d})", "2017-01-01"),
    "2016-12-31T23:59:59.999000Z",
  );
});

Deno.test("datetime_diff() counts calendar boundaries crossed (documentation example)", async () => {
  const r = await rows(`print
    year = datetime_diff('year',datetime(2017-01-01),datetime(2000-12-31)),
    quarter = datetime_diff('quarter',datetime(2017-07-01),datetime(2017-03-30)),
    month = datetime_diff('month',datetime(2017-01-01),datetime(2015-12-30)),
    week = datetime_diff('week',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59)),
    day = datetime_diff('day',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59)),
    hour = datetime_diff('hour',datetime(2017-10-31 01:00),datetime(2017-10-30 23:59)),
    minute = datetime_diff('minute',datetime(2017-10-30 23:05:01),datetime(2017-10-30 23:00:59)),
    second = datetime_diff('second',datetime(2017-10-30 23:00:10.100),datetime(2017-10-30 23:00:00.900)),
    millisecond = datetime_diff('millisecond',datetime(2017-10-30 23:00:00.200100),datetime(2017-10-30 23:00:00.100900)),
    microsecond = datetime_diff('microsecond',datetime(2017-10-30 23:00:00.1009001),datetime(2017-10-30 23:00:00.1008009)),
    nanosecond = datetime_diff('nanosecond',datetime(2017-10-30 23:00:00.000000),datetime(2017-10-30 23:00:00.000001))`);
  assert.deepEqual(r.rows[0], {
    year: 17,
    quarter: 2,
    month: 13,
    week: 5,
    day: 29,
    hour: 2,
    minute: 5,
    second: 10,
    millisecond: 100,
    microsecond: 100,
    nanosecond: -1000,
  });
  assert.ok(Object.values(r.types).every((t) => t === "long"));
});

Deno.test("datetime_diff() over columns matches the constant form, also before the epoch", async () => {
  const inputs = {
    a: ["datetime", "datetime(1969-12-31 23:59:59)"] as [string, string],
    b: ["datetime", "datetime(1970-01-01 00:00:01)"] as [string, string],
  };
  assert.equal(await both("datetime_diff('second', {a}, {b})", inputs), -2);
  assert.equal(await both("datetime_diff('day', {a}, {b})", inputs), -1);
  assert.equal(await both("datetime_diff('week', {b}, {a})", inputs), 0);
  assert.equal(await both("datetime_diff('year', {b}, {a})", inputs), 1);
});

// ---------------------------------------------------------------- make_*, unixtime

Deno.test("make_datetime() builds a datetime, or null when a part is out of range", async () => {
  assert.equal(await value("print r = make_datetime(2017,10,01)"), "2017-10-01T00:00:00.000000Z");
  assert.equal(
    await value("print r = make_datetime(2017,10,01,12,10)"),
    "2017-10-01T12:10:00.000000Z",
  );
  assert.equal(
    await value("print r = make_datetime(2017,10,01,12,11,0.1234567)"),
    "2017-10-01T12:11:00.123456Z",
  );
  assert.equal(await value("print r = make_datetime(2017, 2, 29)"), null);
  assert.equal(await value("print r = make_datetime(2017, 13, 1)"), null);
  assert.equal(await value("print r = make_datetime(2017, 1, 1, 24, 0)"), null);
  assert.equal(await value("print r = make_datetime(int(null), 1, 1)"), null);
  assert.equal(
    await both("make_datetime({y}, 2, 29, 23, 59, 59.9999999)", { y: ["int", "2016"] }),
    "2016-02-29T23:59:59.999999Z",
  );
});

Deno.test("make_timespan() builds a timespan from days, hours, minutes and seconds", async () => {
  assert.equal(await value("print r = make_timespan(1,12,30,55.123)"), "1.12:30:55.1230000");
  assert.equal(await value("print r = make_timespan(2, 30)"), "02:30:00");
  assert.equal(await value("print r = make_timespan(2, 30, 15)"), "02:30:15");
  assert.equal(await value("print r = make_timespan(24, 0)"), null);
  assert.equal(await value("print r = make_timespan(1, 60, 0)"), null);
});

Deno.test("unixtime_*_todatetime() convert epoch counts (documentation examples)", async () => {
  const seconds = { x: ["long", "1546300800"] } as Record<string, [string, string]>;
  assert.equal(
    await both("unixtime_seconds_todatetime({x})", seconds),
    "2019-01-01T00:00:00.000000Z",
  );
  assert.equal(
    await both("unixtime_milliseconds_todatetime({x})", { x: ["long", "1546300800000"] }),
    "2019-01-01T00:00:00.000000Z",
  );
  assert.equal(
    await both("unixtime_microseconds_todatetime({x})", { x: ["long", "-1"] }),
    "1969-12-31T23:59:59.999999Z",
  );
  assert.equal(
    await both("unixtime_nanoseconds_todatetime({x})", { x: ["long", "1546300800123456789"] }),
    "2019-01-01T00:00:00.123456Z",
  );
  assert.equal(
    await both("unixtime_seconds_todatetime({x})", { x: ["real", "1546300800.5"] }),
    "2019-01-01T00:00:00.500000Z",
  );
});

Deno.test("unixtime_*_todatetime() of a value outside 0001..9999 or null is null", async () => {
  assert.equal(await value("print r = unixtime_seconds_todatetime(1e12)"), null);
  assert.equal(await value("print r = unixtime_seconds_todatetime(-62135596801)"), null);
  assert.equal(await value("print r = unixtime_milliseconds_todatetime(long(null))"), null);
});

// ---------------------------------------------------------------- formats

Deno.test("format_datetime() writes Kusto's format specifiers (documentation examples)", async () => {
  const dt = ["datetime", "datetime(2017-01-29 09:00:05)"] as [string, string];
  assert.equal(
    await both("format_datetime({d}, 'yy-MM-dd [HH:mm:ss]')", { d: dt }),
    "17-01-29 [09:00:05]",
  );
  assert.equal(
    await both("format_datetime({d}, 'yyyy-M-dd [H:mm:ss]')", { d: dt }),
    "2017-1-29 [9:00:05]",
  );
  assert.equal(
    await both("format_datetime({d}, 'yy-MM-dd [hh:mm:ss tt]')", { d: dt }),
    "17-01-29 [09:00:05 AM]",
  );
});

Deno.test("format_datetime() writes fractions: f pads, F trims and drops a bare point", async () => {
  const d = (t: string) => ({ d: ["datetime", `datetime(${t})`] as [string, string] });
  assert.equal(
    await both("format_datetime({d}, 'ss.fffffff')", d("2009-06-15 13:45:30.6175425")),
    "30.6175420",
  );
  assert.equal(await both("format_datetime({d}, 'fff')", d("2009-06-15 13:45:30.0005")), "000");
  assert.equal(
    await both("format_datetime({d}, 'ss.FFF')", d("2009-06-15 13:45:30.617")),
    "30.617",
  );
  assert.equal(await both("format_datetime({d}, 'ss.FFF')", d("2009-06-15 13:45:30.0005")), "30");
  assert.equal(
    await both("format_datetime({d}, 'FFFFFFF')", d("2009-06-15 13:45:30.000115")),
    "000115",
  );
  assert.equal(
    await both("format_datetime({d}, 'h tt')", d("2009-06-15 00:45:30")),
    "12 AM",
  );
  assert.equal(await value("print r = format_datetime(datetime(null), 'yyyy')"), "");
});

Deno.test("format_datetime() in Polars and in JavaScript write the same text", () => {
  const formats = ["yyyy-MM-dd HH:mm:ss.fff", "y/M/d H:m:s", "dddd, MMMM d yyyy hh tt", "ffffff %"];
  for (const format of formats) {
    const pieces = parseFormat(format, "yMdHhmstfF");
    const strftime = strftimeOf(pieces);
    assert.ok(strftime !== undefined, `${format} has a strftime form`);
    const values = [0, 1_234_567, -86_400_000_001, 253_402_300_799_000_000, 1_700_000_000_123_456];
    const frame = pl.DataFrame({ t: values }).select(
      pl.col("t").cast(pl.Int64).cast(pl.Datetime("us")).dt.strftime(strftime).alias("s"),
    );
    const native = frame.getColumn("s").toArray();
    assert.deepEqual(native, values.map((us) => formatDatetimeWith(us, pieces)), format);
  }
});

Deno.test("format_timespan() writes days, hours and fractions (documentation example)", async () => {
  const t = { t: ["timespan", "time(29.09:00:05.12345)"] as [string, string] };
  assert.equal(await both("format_timespan({t}, 'dd.hh:mm:ss:FF')", t), "29.09:00:05:12");
  assert.equal(
    await both("format_timespan({t}, 'ddd.h:mm:ss [fffffff]')", t),
    "029.9:00:05 [1234500]",
  );
  assert.equal(await value("print r = format_timespan(2h, 'hh:mm:ss.FFF')"), "02:00:00");
  assert.equal(await value("print r = format_timespan(timespan(null), 'hh')"), "");
});

Deno.test("format_datetime() needs a constant, non-empty format", async () => {
  await semanticError(
    "datatable(f: string) ['yyyy'] | extend r = format_datetime(now(), f)",
    /format of format_datetime\(\) must be a constant string/,
  );
  await semanticError(
    "print r = format_datetime(now(), '')",
    /format of format_datetime\(\) is empty/,
  );
});

// ---------------------------------------------------------------- time zones

Deno.test("datetime_local_to_utc() converts wall-clock times (documentation example)", async () => {
  const r = await rows(`datatable(local_dt: datetime, tz: string)
    [ datetime(2020-02-02 20:02:20), 'US/Pacific',
      datetime(2020-02-02 20:02:20), 'America/Chicago',
      datetime(2020-02-02 20:02:20), 'Europe/Paris']
    | extend utc_dt = datetime_local_to_utc(local_dt, tz)`);
  assert.deepEqual(r.rows.map((x) => x.utc_dt), [
    "2020-02-03T04:02:20.000000Z",
    "2020-02-03T02:02:20.000000Z",
    "2020-02-02T19:02:20.000000Z",
  ]);
});

Deno.test("datetime_local_to_utc() maps a time skipped by DST with the later offset", async () => {
  const r = await rows(
    `range Local from datetime(2022-03-27 01:00) to datetime(2022-03-27 04:00) step 1h
    | extend UTC = datetime_local_to_utc(Local, 'Europe/Brussels')
    | extend BackToLocal = datetime_utc_to_local(UTC, 'Europe/Brussels')
    | extend diff = Local - BackToLocal`,
  );
  assert.deepEqual(r.rows.map((x) => [x.UTC, x.diff]), [
    ["2022-03-27T00:00:00.000000Z", "00:00:00"],
    ["2022-03-27T00:00:00.000000Z", "01:00:00"],
    ["2022-03-27T01:00:00.000000Z", "00:00:00"],
    ["2022-03-27T02:00:00.000000Z", "00:00:00"],
  ]);
});

Deno.test("datetime_utc_to_local() applies the zone's offset at that instant", async () => {
  const r = await row(`let dt = datetime(2022-07-11 22:18:48.4678620);
    print pacific = datetime_utc_to_local(dt, 'US/Pacific'),
      canberra = datetime_utc_to_local(dt, 'Australia/Canberra'),
      winter = datetime_utc_to_local(datetime(2022-01-11 22:18:48), 'US/Pacific')`);
  assert.deepEqual(r, {
    pacific: "2022-07-11T15:18:48.467862Z",
    canberra: "2022-07-12T08:18:48.467862Z",
    winter: "2022-01-11T14:18:48.000000Z",
  });
});

Deno.test("time zone functions reject an unknown zone, and a column of one gives null", async () => {
  await semanticError(
    "print r = datetime_utc_to_local(now(), 'Mars/Olympus')",
    /unknown time zone 'Mars\/Olympus'/,
  );
  const r = await rows(
    "datatable(z: string) ['Mars/Olympus'] | extend r = datetime_utc_to_local(datetime(2020-01-01), z)",
  );
  assert.equal(r.rows[0].r, null);
});

// ---------------------------------------------------------------- argument checks

Deno.test("datetime functions reject unknown or non-constant parts", async () => {
  await semanticError("print r = datetime_part('fortnight', now())", /has no part 'fortnight'/);
  await semanticError("print r = datetime_add('decade', 1, now())", /has no part 'decade'/);
  await semanticError(
    "datatable(p: string) ['day'] | extend r = datetime_diff(p, now(), now())",
    /part of datetime_diff\(\) must be a constant string/,
  );
});

Deno.test("datetime functions reject arguments of the wrong type with a hint", async () => {
  await semanticError(
    "print r = startofday('2017-01-01')",
    /argument 1 of startofday\(\) must be a datetime, not string/,
  );
  await semanticError(
    "print r = datetime_add('day', 1.5, now())",
    /argument 2 of datetime_add\(\) must be an int or long, not real/,
  );
  await assert.rejects(
    () => executeKql("print r = startofday('2017-01-01')"),
    (e: unknown) => (e as KqlSemanticError).hint === "Convert it with todatetime(...) first.",
  );
});

Deno.test("datetime functions read datetimes held in dynamic values", async () => {
  assert.equal(
    await value("print r = startofday(dynamic('2017-01-01T10:00:00Z'))"),
    "2017-01-01T00:00:00.000000Z",
  );
});
