/**
 * KQL date and time functions: datetime_add, datetime_diff, datetime_part and its
 * shorthands (getyear, getmonth, monthofyear, dayofmonth, dayofyear, hourofday,
 * week_of_year), dayofweek, startof/endof day, week, month and year, make_datetime,
 * make_timespan, format_datetime, format_timespan, the unixtime_*_todatetime conversions,
 * and time zones (datetime_utc_to_local, datetime_local_to_utc).
 *
 * Datetimes are microseconds since the Unix epoch (Polars `Datetime("us")`). What
 * queries apply to millions of rows (bucketing, parts, calendar arithmetic) is native
 * Polars: calendar arithmetic goes through days-from-civil in Float64, exact for the
 * small integers involved. Text formats and time zones are computed in JavaScript.
 * Kusto keeps 100 ns ticks: the seventh fraction digit, and nanosecond parts below a
 * microsecond, are always zero here; `endof*()` is the next start minus one microsecond.
 *
 * @module
 */
import { DATETIME, DURATION, type Expr, pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import { constant, type Typed } from "../compile/_context.ts";
import type { JsValue } from "../runtime/_values.ts";
import { type CallSite, defineScalar, SCALAR_FUNCTIONS } from "./_registry.ts";
import { foldNative, int64, integerArg, numberArg } from "./_math.ts";

const MICROSECOND = 1;
const MILLISECOND = 1_000;
const SECOND = 1_000_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Kusto's datetime range: 0001-01-01 to 9999-12-31 23:59:59.9999999. */
const MIN_MICROS = -62_135_596_800_000_000;
const MAX_MICROS = 253_402_300_799_999_999;

// ---------------------------------------------------------------- arguments

/** Argument `i` as a datetime; dynamic values convert as todatetime() does. */
function datetimeArg(args: readonly Typed[], i: number, site: CallSite): Typed {
  return typedArg(args, i, site, "datetime", "todatetime");
}

function timespanArg(args: readonly Typed[], i: number, site: CallSite): Typed {
  return typedArg(args, i, site, "timespan", "totimespan");
}

function typedArg(
  args: readonly Typed[],
  i: number,
  site: CallSite,
  type: KustoType,
  converter: string,
): Typed {
  const arg = args[i];
  if (arg.type === type) return arg;
  if (arg.type === "dynamic") return SCALAR_FUNCTIONS.get(converter)!.compile([arg], site);
  throw site.env.ctx.error(
    `argument ${i + 1} of ${site.call.name}() must be a ${type}, not ${arg.type}`,
    site.call.args[i].span,
    arg.type === "string" ? `Convert it with ${converter}(...) first.` : undefined,
  );
}

/** A constant string argument (a part name, a format, a time zone). */
function constantString(args: readonly Typed[], i: number, site: CallSite, what: string): string {
  const arg = args[i];
  if (arg.type !== "string" || !arg.constant) {
    throw site.env.ctx.error(
      `${what} of ${site.call.name}() must be a constant string`,
      site.call.args[i].span,
    );
  }
  return String(arg.constant.value ?? "");
}

/** The part named by argument `i`, in lower case, checked against `parts`. */
function partArg<P extends string>(
  args: readonly Typed[],
  i: number,
  site: CallSite,
  parts: readonly P[],
): P {
  const part = constantString(args, i, site, "the part").toLowerCase();
  if (!(parts as readonly string[]).includes(part)) {
    throw site.env.ctx.error(
      `${site.call.name}() has no part '${part}'`,
      site.call.args[i].span,
      `Use one of: ${parts.join(", ")}.`,
    );
  }
  return part as P;
}

// ---------------------------------------------------------------- calendar arithmetic

function micros(t: Typed): Expr {
  return t.expr.cast(pl.Int64);
}

function f64(e: Expr): Expr {
  return e.cast(pl.Float64);
}

/**
 * Days from 1970-01-01 to the first of a month counted as `year * 12 + month - 1`
 * (Howard Hinnant's days-from-civil, with years starting in March so that leap days come
 * last). Each subexpression is used few times: Polars evaluates every copy separately.
 */
function monthStartDays(monthIndex: Expr): Expr {
  const fromMarch = monthIndex.sub(2); // months since March of year 0
  const year = fromMarch.div(12).floor();
  const month = fromMarch.sub(year.mul(12)); // 0 = March ... 11 = February
  return year.mul(365).add(year.div(4).floor()).sub(year.div(100).floor())
    .add(year.div(400).floor()).add(month.mul(153).add(2).div(5).floor()).sub(719468);
}

function daysToMicros(days: Expr): Expr {
  return days.cast(pl.Int64).mul(int64(DAY));
}

function monthIndex(dt: Expr): Expr {
  return f64(dt.dt.year()).mul(12).add(f64(dt.dt.month())).sub(1);
}

function dayStart(dt: Expr): Expr {
  return dt.dt.truncate("1d").cast(pl.Int64);
}

function daysSinceSunday(dt: Expr): Expr {
  // Polars numbers weekdays 1 (Monday) to 7 (Sunday).
  return dt.dt.weekday().cast(pl.Int64).modulo(int64(7));
}

type Period = "day" | "week" | "month" | "year";

/** Up to this many months or years, stepping with truncate beats the day arithmetic. */
const MAX_STEPS = 24;

/**
 * The start of the month (or year) `steps` away from the one starting at `start`: 32 days
 * after a month's start is in the next month (366 days, the next year) and one day before
 * it in the previous one, so each truncation there moves exactly one period.
 */
function stepStarts(start: Expr, steps: number, unit: "1mo" | "1y"): Expr {
  const forward = (unit === "1mo" ? 32 : 366) * DAY;
  let at = start;
  for (let i = 0; i < Math.abs(steps); i++) {
    at = at.cast(pl.Int64).add(int64(steps > 0 ? forward : -DAY)).cast(DATETIME).dt.truncate(unit);
  }
  return at;
}

/** The start of the period holding `dt`, `offset` periods later, in microseconds. */
function startOf(period: Period, dt: Expr, offset: Expr | number = 0): Expr {
  const shift = typeof offset === "number" ? int64(offset) : offset;
  switch (period) {
    case "day": {
      const start = dayStart(dt);
      return offset === 0 ? start : start.add(shift.mul(int64(DAY)));
    }
    case "week": {
      const start = dayStart(dt).sub(daysSinceSunday(dt).mul(int64(DAY)));
      return offset === 0 ? start : start.add(shift.mul(int64(WEEK)));
    }
    case "month":
      if (typeof offset === "number" && Math.abs(offset) <= MAX_STEPS) {
        return stepStarts(dt.dt.truncate("1mo"), offset, "1mo").cast(pl.Int64);
      }
      return daysToMicros(monthStartDays(monthIndex(dt).add(f64(shift))));
    case "year":
      if (typeof offset === "number" && Math.abs(offset) <= MAX_STEPS) {
        return stepStarts(dt.dt.truncate("1y"), offset, "1y").cast(pl.Int64);
      }
      return daysToMicros(monthStartDays(f64(dt.dt.year()).add(f64(shift)).mul(12)));
  }
}

/** `dt` moved by `months` calendar months; the day clamps to the month's last (.NET AddMonths). */
function addMonths(dt: Expr, months: Expr | number): Expr {
  const timeOfDay = dt.cast(pl.Int64).sub(dayStart(dt));
  if (typeof months === "number" && Math.abs(months) <= MAX_STEPS) {
    const monthStart = dt.dt.truncate("1mo");
    const start = stepStarts(monthStart, months, "1mo");
    const next = stepStarts(start, 1, "1mo");
    // The same day and time in the target month, unless past its last day.
    return pl.minHorizontal([
      start.cast(pl.Int64).add(dt.cast(pl.Int64).sub(monthStart.cast(pl.Int64))),
      next.cast(pl.Int64).sub(int64(DAY)).add(timeOfDay),
    ]);
  }
  const index = monthIndex(dt).add(typeof months === "number" ? months : f64(months));
  const days = pl.minHorizontal([
    monthStartDays(index).add(f64(dt.dt.day())).sub(1),
    monthStartDays(index.add(1)).sub(1),
  ]);
  return daysToMicros(days).add(timeOfDay);
}

/** `e / n` for an `e` known to be a multiple of `n` (Float64 rounding cannot miss it). */
function exactDiv(e: Expr, n: number): Expr {
  return f64(e).div(n).round(0).cast(pl.Int64);
}

/** `floor(e / n)` on Int64 without integer division: a Float64 guess, then corrected. */
function floorDiv(e: Expr, n: number): Expr {
  const guess = f64(e).div(n).floor().cast(pl.Int64);
  const rest = e.sub(guess.mul(int64(n)));
  return guess.add(f64(rest).div(n).floor().cast(pl.Int64));
}

function inRange(us: Expr): Expr {
  return pl.when(us.gtEq(int64(MIN_MICROS)).and(us.ltEq(int64(MAX_MICROS))))
    .then(us).otherwise(pl.lit(null).cast(pl.Int64));
}

/** Microseconds as a datetime: null outside Kusto's range (as its arithmetic gives). */
function datetimeResult(us: Expr, inputs: readonly Typed[]): Typed {
  return foldNative({ expr: inRange(us).cast(DATETIME), type: "datetime" }, inputs);
}

// ---------------------------------------------------------------- startof / endof

for (const period of ["day", "week", "month", "year"] as const) {
  for (const end of [false, true]) {
    defineScalar(`${end ? "end" : "start"}of${period}`, {
      minArgs: 1,
      maxArgs: 2,
      compile(args, site) {
        const dt = datetimeArg(args, 0, site);
        const offset = args.length > 1 ? integerArg(args, 1, site) : undefined;
        if (offset?.constant && offset.constant.value === null) return constant(null, "datetime");
        let shift: Expr | number = offset?.constant ? Number(offset.constant.value) : 0;
        if (offset && !offset.constant) shift = offset.expr.cast(pl.Int64);
        // The last instant of the period: Kusto's is one 100 ns tick before the next
        // start, ours one microsecond (the tick truncated).
        if (end) shift = typeof shift === "number" ? shift + 1 : shift.add(int64(1));
        let us = startOf(period, dt.expr, shift);
        if (end) us = us.sub(int64(1));
        return datetimeResult(us, offset ? [dt, offset] : [dt]);
      },
    });
  }
}

// ---------------------------------------------------------------- parts

const DATETIME_PARTS = [
  "year",
  "quarter",
  "month",
  "week_of_year",
  "weekofyear",
  "day",
  "dayofyear",
  "hour",
  "minute",
  "second",
  "millisecond",
  "microsecond",
  "nanosecond",
] as const;

type DatetimePart = typeof DATETIME_PARTS[number];

/** A part of `dt` as an Int64 expression. */
function partOf(part: DatetimePart, dt: Expr): Expr {
  switch (part) {
    case "year":
      return dt.dt.year().cast(pl.Int64);
    case "quarter":
      return f64(dt.dt.month()).add(2).div(3).floor().cast(pl.Int64);
    case "month":
      return dt.dt.month().cast(pl.Int64);
    case "week_of_year":
    case "weekofyear":
      // ISO 8601 weeks (the first holds the year's first Thursday), as Polars counts them.
      return dt.dt.week().cast(pl.Int64);
    case "day":
      return dt.dt.day().cast(pl.Int64);
    case "dayofyear":
      return dt.dt.ordinalDay().cast(pl.Int64);
    case "hour":
      return dt.dt.hour().cast(pl.Int64);
    case "minute":
      return dt.dt.minute().cast(pl.Int64);
    case "second":
      return dt.dt.second().cast(pl.Int64);
    case "millisecond":
      return f64(dt.dt.nanosecond()).div(1e6).floor().cast(pl.Int64);
    case "microsecond":
      return f64(dt.dt.nanosecond()).div(1e3).floor().cast(pl.Int64);
    case "nanosecond":
      return dt.dt.nanosecond().cast(pl.Int64);
  }
}

defineScalar(["datetime_part", "datepart"], {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    const part = partArg(args, 0, site, DATETIME_PARTS);
    const dt = datetimeArg(args, 1, site);
    return foldNative({ expr: partOf(part, dt.expr), type: "long" }, [dt]);
  },
});

// Kusto's engine returns long for these (its language service says int; the results
// the documentation cases record are Int64).
for (
  const [names, part] of [
    [["getyear"], "year"],
    [["getmonth", "monthofyear"], "month"],
    [["dayofmonth"], "day"],
    [["dayofyear"], "dayofyear"],
    [["hourofday"], "hour"],
    [["week_of_year", "weekofyear"], "week_of_year"],
  ] as const
) {
  defineScalar([...names], {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      const dt = datetimeArg(args, 0, site);
      return foldNative({ expr: partOf(part, dt.expr), type: "long" }, [dt]);
    },
  });
}

defineScalar("dayofweek", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const dt = datetimeArg(args, 0, site);
    const expr = daysSinceSunday(dt.expr).mul(int64(DAY)).cast(DURATION);
    return foldNative({ expr, type: "timespan" }, [dt]);
  },
});

// ---------------------------------------------------------------- datetime_add / diff

const PERIODS = [
  "year",
  "quarter",
  "month",
  "week",
  "day",
  "hour",
  "minute",
  "second",
  "millisecond",
  "microsecond",
  "nanosecond",
] as const;

type CalendarPeriod = typeof PERIODS[number];

const PERIOD_MICROS: Record<string, number> = {
  week: WEEK,
  day: DAY,
  hour: HOUR,
  minute: MINUTE,
  second: SECOND,
  millisecond: MILLISECOND,
  microsecond: MICROSECOND,
};

defineScalar("datetime_add", {
  minArgs: 3,
  maxArgs: 3,
  compile(args, site) {
    const period = partArg(args, 0, site, PERIODS);
    const amount = integerArg(args, 1, site);
    const dt = datetimeArg(args, 2, site);
    if (amount.constant && amount.constant.value === null) return constant(null, "datetime");
    const n = amount.expr.cast(pl.Int64);
    let us: Expr;
    switch (period) {
      case "year":
      case "quarter":
      case "month": {
        const months = period === "year" ? 12 : period === "quarter" ? 3 : 1;
        us = amount.constant
          ? addMonths(dt.expr, Number(amount.constant.value) * months)
          : addMonths(dt.expr, n.mul(int64(months)));
        break;
      }
      case "nanosecond":
        // Below a microsecond is below our precision: truncated toward zero.
        us = micros(dt).add(f64(n).div(1000).cast(pl.Int64));
        break;
      default:
        us = micros(dt).add(n.mul(int64(PERIOD_MICROS[period])));
    }
    return datetimeResult(us, [amount, dt]);
  },
});

/** Calendar periods from `b` to `a`: the difference of their truncations to `period`. */
function periodsBetween(period: CalendarPeriod, a: Expr, b: Expr): Expr {
  const diff = (fn: (dt: Expr) => Expr) => fn(a).sub(fn(b));
  switch (period) {
    case "year":
      return diff((dt) => dt.dt.year().cast(pl.Int64));
    case "quarter":
      return diff((dt) =>
        dt.dt.year().cast(pl.Int64).mul(int64(4)).add(
          f64(dt.dt.month()).sub(1).div(3).floor().cast(pl.Int64),
        )
      );
    case "month":
      return diff((dt) => monthIndex(dt).cast(pl.Int64));
    case "week":
      return exactDiv(diff((dt) => startOf("week", dt)), WEEK);
    case "day":
      return exactDiv(diff(dayStart), DAY);
    case "hour":
      return exactDiv(diff((dt) => dt.dt.truncate("1h").cast(pl.Int64)), HOUR);
    case "minute":
      return exactDiv(diff((dt) => dt.dt.truncate("1m").cast(pl.Int64)), MINUTE);
    case "second":
      return exactDiv(diff((dt) => dt.dt.truncate("1s").cast(pl.Int64)), SECOND);
    case "millisecond":
      return exactDiv(diff((dt) => dt.dt.truncate("1ms").cast(pl.Int64)), MILLISECOND);
    case "microsecond":
      return diff((dt) => dt.cast(pl.Int64));
    case "nanosecond":
      return diff((dt) => dt.cast(pl.Int64)).mul(int64(1000));
  }
}

defineScalar("datetime_diff", {
  minArgs: 3,
  maxArgs: 3,
  compile(args, site) {
    const period = partArg(args, 0, site, PERIODS);
    const a = datetimeArg(args, 1, site);
    const b = datetimeArg(args, 2, site);
    return foldNative({ expr: periodsBetween(period, a.expr, b.expr), type: "long" }, [a, b]);
  },
});

// ---------------------------------------------------------------- unix time

for (
  const [name, unit] of [
    ["unixtime_seconds_todatetime", SECOND],
    ["unixtime_milliseconds_todatetime", MILLISECOND],
    ["unixtime_microseconds_todatetime", MICROSECOND],
    ["unixtime_nanoseconds_todatetime", MICROSECOND / 1000],
  ] as const
) {
  defineScalar(name, {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      const x = numberArg(args, 0, site);
      // Out of Kusto's datetime range is null; test before multiplying, which could wrap.
      const fits = f64(x.expr).mul(unit).gtEq(MIN_MICROS).and(
        f64(x.expr).mul(unit).ltEq(MAX_MICROS),
      );
      let us: Expr;
      if (x.type === "int" || x.type === "long") {
        const n = x.expr.cast(pl.Int64);
        us = unit >= 1 ? n.mul(int64(unit)) : floorDiv(n, 1 / unit);
      } else {
        // Kusto counts 100 ns ticks: round to a tick, then truncate to our microsecond.
        const ticks = f64(x.expr).mul(unit * 10).round(0);
        us = ticks.div(10).floor().cast(pl.Int64);
      }
      const expr = pl.when(fits).then(us).otherwise(pl.lit(null).cast(pl.Int64));
      return datetimeResult(expr, [x]);
    },
  });
}

// ---------------------------------------------------------------- make_datetime / make_timespan

/** Microseconds of `seconds` (a real), counted in whole 100 ns ticks as Kusto does. */
function secondsToMicros(seconds: number): number {
  return Math.floor(Math.round(seconds * 1e7) / 10);
}

/**
 * `make_datetime(value)` and `make_timespan(value)`: Kusto.Language's one-value signatures
 * (`value: scalar`), a conversion as todatetime() and totimespan() make it. Published rules
 * rebuild a datetime from an mv-expanded list this way (`make_datetime(StartTime)`).
 */
function oneValue(args: readonly Typed[], site: CallSite, converter: string): Typed | undefined {
  if (args.length !== 1) return undefined;
  return SCALAR_FUNCTIONS.get(converter)!.compile([args[0]], site);
}

defineScalar("make_datetime", {
  minArgs: 1,
  maxArgs: 6,
  compile(args, site) {
    const converted = oneValue(args, site, "todatetime");
    if (converted) return converted;
    if (args.length === 2) {
      throw site.env.ctx.error(
        "make_datetime() takes one value, or 3 to 6 numbers (year, month, day[, hour, minute, second]), not 2",
        site.call.span,
      );
    }
    const inputs = args.map((_, i) => numberArg(args, i, site));
    return site.env.rowwise(inputs, "datetime", (values) => {
      if (values.some((v) => v === null)) return null;
      const [year, month, day, hour = 0, minute = 0, second = 0] = values.map(Number);
      if (![year, month, day, hour, minute].every(Number.isInteger)) return null;
      if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
      if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
      if (!(second >= 0 && second < 60)) return null;
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      if (date.getUTCDate() !== day) return null; // 31 April and the like
      return date.getTime() * 1000 + hour * HOUR + minute * MINUTE + secondsToMicros(second);
    });
  },
});

defineScalar("make_timespan", {
  minArgs: 1,
  maxArgs: 4,
  compile(args, site) {
    const converted = oneValue(args, site, "totimespan");
    if (converted) return converted;
    const inputs = args.map((_, i) => numberArg(args, i, site));
    return site.env.rowwise(inputs, "timespan", (values) => {
      if (values.some((v) => v === null)) return null;
      const numbers = values.map(Number);
      const [days, hours, minutes, seconds = 0] = numbers.length === 4 ? numbers : [0, ...numbers];
      if (![days, hours, minutes].every(Number.isInteger)) return null;
      if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return null;
      if (!(seconds >= 0 && seconds < 60)) return null;
      return days * DAY + hours * HOUR + minutes * MINUTE + secondsToMicros(seconds);
    });
  },
});

// ---------------------------------------------------------------- formats

/** A piece of a format: literal text, or a run of one specifier letter. */
type FormatPiece =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "field"; readonly letter: string; readonly count: number };

/**
 * Splits a .NET-style custom format into runs of specifier letters and literal text.
 * Letters outside `letters`, delimiters, `\x` and quoted text are literal.
 */
export function parseFormat(format: string, letters: string): FormatPiece[] {
  const pieces: FormatPiece[] = [];
  const text = (t: string) => {
    const last = pieces.at(-1);
    if (last?.kind === "text") pieces[pieces.length - 1] = { kind: "text", text: last.text + t };
    else pieces.push({ kind: "text", text: t });
  };
  for (let i = 0; i < format.length;) {
    const c = format[i];
    if (c === "\\" && i + 1 < format.length) {
      text(format[i + 1]);
      i += 2;
    } else if (c === "'" || c === '"') {
      const close = format.indexOf(c, i + 1);
      const end = close < 0 ? format.length : close;
      text(format.slice(i + 1, end));
      i = end + 1;
    } else if (letters.includes(c)) {
      let j = i;
      while (format[j] === c) j++;
      pieces.push({ kind: "field", letter: c, count: j - i });
      i = j;
    } else {
      text(c);
      i++;
    }
  }
  return pieces;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * Writes the fraction specifiers: `f`×n gives n digits; `F`×n the same without trailing
 * zeros, and nothing at all (taking a `.` just before it along) when they are all zero.
 */
function fraction(out: string[], letter: string, count: number, ticks: number): void {
  const digits = pad(ticks, 7).slice(0, Math.min(count, 7));
  if (letter === "f") {
    out.push(digits);
    return;
  }
  const trimmed = digits.replace(/0+$/, "");
  if (trimmed) out.push(trimmed);
  else if (out.at(-1)?.endsWith(".")) out[out.length - 1] = out[out.length - 1].slice(0, -1);
}

/** Kusto's format_datetime() of `us` microseconds since the epoch. */
export function formatDatetimeWith(us: number, pieces: readonly FormatPiece[]): string {
  const days = Math.floor(us / DAY);
  const timeOfDay = us - days * DAY;
  const date = new Date(days * 86_400_000);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  const hour = Math.floor(timeOfDay / HOUR);
  const minute = Math.floor(timeOfDay / MINUTE) % 60;
  const second = Math.floor(timeOfDay / SECOND) % 60;
  const ticks = (timeOfDay % SECOND) * 10;
  const out: string[] = [];
  for (const piece of pieces) {
    if (piece.kind === "text") {
      out.push(piece.text);
      continue;
    }
    const n = piece.count;
    switch (piece.letter) {
      case "y":
        out.push(n === 1 ? String(year % 100) : pad(n === 2 ? year % 100 : year, n));
        break;
      case "M":
        out.push(
          n >= 4 ? MONTHS[month - 1] : n === 3 ? MONTHS[month - 1].slice(0, 3) : pad(month, n),
        );
        break;
      case "d": {
        const weekday = DAYS[date.getUTCDay()];
        out.push(n >= 4 ? weekday : n === 3 ? weekday.slice(0, 3) : pad(day, n));
        break;
      }
      case "H":
        out.push(pad(hour, Math.min(n, 2)));
        break;
      case "h":
        out.push(pad(hour % 12 || 12, Math.min(n, 2)));
        break;
      case "m":
        out.push(pad(minute, Math.min(n, 2)));
        break;
      case "s":
        out.push(pad(second, Math.min(n, 2)));
        break;
      case "t":
        out.push((hour < 12 ? "AM" : "PM").slice(0, n === 1 ? 1 : 2));
        break;
      case "f":
      case "F":
        fraction(out, piece.letter, n, ticks);
        break;
    }
  }
  return out.join("");
}

/** Kusto's format_timespan() of `us` microseconds (components of its absolute value). */
function formatTimespanWith(us: number, pieces: readonly FormatPiece[]): string {
  const total = Math.abs(us);
  const days = Math.floor(total / DAY);
  const hour = Math.floor(total / HOUR) % 24;
  const minute = Math.floor(total / MINUTE) % 60;
  const second = Math.floor(total / SECOND) % 60;
  const ticks = (total % SECOND) * 10;
  const out: string[] = [];
  for (const piece of pieces) {
    if (piece.kind === "text") {
      out.push(piece.text);
      continue;
    }
    const n = piece.count;
    switch (piece.letter) {
      case "d":
        out.push(pad(days, n));
        break;
      case "h":
      case "H":
        out.push(pad(hour, Math.min(n, 2)));
        break;
      case "m":
        out.push(pad(minute, Math.min(n, 2)));
        break;
      case "s":
        out.push(pad(second, Math.min(n, 2)));
        break;
      case "f":
      case "F":
        fraction(out, piece.letter, n, ticks);
        break;
    }
  }
  return out.join("");
}

/** Polars (chrono) strftime specifiers for Kusto's, by letter and run length. */
const STRFTIME: Record<string, Record<number, string>> = {
  y: { 1: "%-y", 2: "%y", 4: "%Y" },
  M: { 1: "%-m", 2: "%m", 3: "%b", 4: "%B" },
  d: { 1: "%-d", 2: "%d", 3: "%a", 4: "%A" },
  H: { 1: "%-H", 2: "%H" },
  h: { 1: "%-I", 2: "%I" },
  m: { 1: "%-M", 2: "%M" },
  s: { 1: "%-S", 2: "%S" },
  t: { 2: "%p" },
  // The seventh digit (100 ns) is always zero here.
  f: { 3: "%3f", 6: "%6f", 7: "%6f0" },
};

/** The strftime form of a datetime format, when every specifier in it has one. */
export function strftimeOf(pieces: readonly FormatPiece[]): string | undefined {
  let out = "";
  for (const piece of pieces) {
    if (piece.kind === "text") out += piece.text.replaceAll("%", "%%");
    else {
      const spec = STRFTIME[piece.letter]?.[piece.count];
      if (spec === undefined) return undefined;
      out += spec;
    }
  }
  return out;
}

defineScalar("format_datetime", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    const dt = datetimeArg(args, 0, site);
    const pieces = formatArg(args, site, "yMdHhmstfF");
    // Common formats run in Polars; the rest (F, odd fraction lengths...) in JavaScript.
    const strftime = strftimeOf(pieces);
    if (strftime !== undefined) {
      const expr = dt.expr.dt.strftime(strftime).fillNull(pl.lit(""));
      return foldNative({ expr, type: "string" }, [dt]);
    }
    return site.env.rowwise(
      [dt],
      "string",
      ([v]) => (v === null ? "" : formatDatetimeWith(Number(v), pieces)),
    );
  },
});

defineScalar("format_timespan", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    const span = timespanArg(args, 0, site);
    const pieces = formatArg(args, site, "dHhmsfF");
    return site.env.rowwise(
      [span],
      "string",
      ([v]) => (v === null ? "" : formatTimespanWith(Number(v), pieces)),
    );
  },
});

function formatArg(args: readonly Typed[], site: CallSite, letters: string): FormatPiece[] {
  const format = constantString(args, 1, site, "the format");
  if (format === "") {
    throw site.env.ctx.error(`the format of ${site.call.name}() is empty`, site.call.args[1].span);
  }
  return parseFormat(format, letters);
}

// ---------------------------------------------------------------- time zones

const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

/** A formatter giving wall-clock parts in `zone`, or null for an unknown zone. */
function zoneFormat(zone: string): Intl.DateTimeFormat | null {
  let format = zoneFormats.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        era: "short",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      format = null;
    }
    zoneFormats.set(zone, format);
  }
  return format;
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds. */
function zoneOffset(format: Intl.DateTimeFormat, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(whole))) parts[p.type] = p.value;
  const year = parts.era === "BC" ? 1 - Number(parts.year) : Number(parts.year);
  const local = new Date(0);
  local.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  local.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return local.getTime() - whole;
}

/** UTC microseconds of the wall-clock time `us` in `zone`. */
function localToUtc(us: number, format: Intl.DateTimeFormat): number {
  const ms = Math.floor(us / 1000);
  const before = zoneOffset(format, ms - 86_400_000);
  const after = zoneOffset(format, ms + 86_400_000);
  if (before === after) return us - before * 1000;
  const earlier = ms - before;
  const later = ms - after;
  const earlierFits = zoneOffset(format, earlier) === before;
  const laterFits = zoneOffset(format, later) === after;
  // A time that exists once uses its offset. One in a gap (clocks moved forward) or that
  // happens twice (clocks moved back) uses the offset after the change: that is what the
  // documentation's Europe/Brussels example shows for the gap.
  if (earlierFits && !laterFits) return us - before * 1000;
  return us - after * 1000;
}

function zoneArg(args: readonly Typed[], site: CallSite): Typed {
  const zone = args[1];
  if (zone.type !== "string") {
    throw site.env.ctx.error(
      `argument 2 of ${site.call.name}() must be a time zone name (a string), not ${zone.type}`,
      site.call.args[1].span,
    );
  }
  if (zone.constant && zoneFormat(String(zone.constant.value)) === null) {
    throw site.env.ctx.error(
      `unknown time zone '${zone.constant.value}'`,
      site.call.args[1].span,
      "Use an IANA time zone name such as 'Europe/Paris' or 'America/New_York'.",
    );
  }
  return zone;
}

for (
  const [name, toUtc] of [["datetime_local_to_utc", true], [
    "datetime_utc_to_local",
    false,
  ]] as const
) {
  defineScalar(name, {
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      const dt = datetimeArg(args, 0, site);
      const zone = zoneArg(args, site);
      return site.env.rowwise([dt, zone], "datetime", ([v, z]): JsValue => {
        const format = zoneFormat(String(z));
        if (v === null || format === null) return null;
        const us = Number(v);
        return toUtc
          ? localToUtc(us, format)
          : us + zoneOffset(format, Math.floor(us / 1000)) * 1000;
      });
    },
  });
}
