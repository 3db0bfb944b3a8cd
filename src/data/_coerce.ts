/**
 * Reading text columns as typed columns: type inference for CSV and JSON text, and
 * coercion to a known schema. All parsing runs as Polars expressions (no row-at-a-time
 * JavaScript) except `dynamic`, whose JSON or Python-literal text is checked in JavaScript.
 *
 * @module
 */
import {
  type DataFrame,
  DATETIME,
  DURATION,
  type Expr,
  pl,
  type Series,
  strptimeExact,
  variantOf,
} from "../polars.ts";
import { type KustoType, polarsTypeOf } from "../schema/types.ts";
import { parsePythonLiteral } from "./_python_literal.ts";
import { parseJson } from "../_exact_json.ts";

/** Text that stands for "no value" in exports (pandas writes `NaN` and `None`). */
const NULL_TOKENS = ["", "null", "NULL", "None", "NaN", "nan"];

// Kusto's timespan text: [-][d.]hh:mm:ss[.fffffff]
const TIMESPAN = String
  .raw`^(-)?(?:([0-9]+)\.)?([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,7}))?$`;
const LEADING_ZERO = String.raw`^[+-]?0[0-9]`;

/** The types inference tries for a text column, most specific first. */
const CANDIDATES = ["bool", "long", "real", "datetime", "timespan"] as const;
type Candidate = typeof CANDIDATES[number];

// The parsers below keep the text in the `then` branch, whose name the result takes: so
// each also works on many columns at once (`pl.col([...])`), each result named as its input.

/** Text with surrounding blanks removed and null tokens turned into nulls. */
export function cleaned(c: Expr): Expr {
  const stripped = c.str.strip();
  return pl.when(stripped.isIn(NULL_TOKENS).not()).then(stripped).otherwise(pl.lit(null));
}

function parseBool(s: Expr): Expr {
  const lower = s.str.toLowerCase();
  return pl.when(lower.eq(pl.lit("true")).or(lower.eq(pl.lit("false"))))
    .then(lower.eq(pl.lit("true")))
    .otherwise(pl.lit(null));
}

function parseInteger(s: Expr, type: "int" | "long"): Expr {
  return pl.when(s.str.contains(LEADING_ZERO).not())
    .then(s.cast(type === "int" ? pl.Int32 : pl.Int64, false))
    .otherwise(pl.lit(null));
}

function strptime(s: Expr, format: string): Expr {
  // nodejs-polars only accepts Datetime("ms") here; the unit it parses to follows the format.
  return s.str.strptime(pl.Datetime("ms"), format).cast(DATETIME);
}

/** A datetime text form, with the regex that recognises it and how Polars reads it. */
interface DatetimeForm {
  readonly test: RegExp;
  readonly parse: (s: Expr) => Expr;
}

const isoText = (s: Expr) =>
  s.str.replace("T", " ", true).str.replace(String.raw`(Z|[+-]00:?00)$`, "");
const usText = (s: Expr) =>
  s.str.replace(",", "", true).str.toUpperCase().str.replace(String.raw`([0-9])([AP]M)$`, "$1 $2");
const dateOnly = (s: Expr, format: string) =>
  s.str.strptime(pl.Date, format).cast(pl.Datetime("ms")).cast(DATETIME);

/**
 * A form written with slashes (`12/01/2024`), in the month-first order (US, Excel) or the
 * day-first one (Europe). Polars' `strptime` reads `13/01/2024` as month 1 and the rest as
 * a day, so each row is checked whole against its order before it is parsed: a row of the
 * other order is null (the column then stays text, never silently wrong dates).
 */
function slashForm(rest: string, format: string, dayFirst: boolean): DatetimeForm {
  const month = "(0?[1-9]|1[0-2])";
  const day = "(0?[1-9]|[12][0-9]|3[01])";
  const date = dayFirst ? `${day}/${month}` : `${month}/${day}`;
  const pattern = `^${date}/[0-9]{4}${rest}$`;
  const test = new RegExp(pattern);
  const order = dayFirst ? format.replace("%m/%d", "%d/%m") : format;
  return {
    test,
    parse: (s) => {
      const parsed = rest === "" ? dateOnly(s, order) : strptime(usText(s), order);
      // Polars' strptime also matches after the start (`31/02/2024` as 1/02/2024, the 1st
      // of February): the day and month parsed must be the text's own.
      const number = (group: number) => s.str.extract(pattern, group).cast(pl.Int32);
      const [dayGroup, monthGroup] = dayFirst ? [1, 2] : [2, 1];
      const own = parsed.dt.day().cast(pl.Int32).eq(number(dayGroup))
        .and(parsed.dt.month().cast(pl.Int32).eq(number(monthGroup)));
      return pl.when(s.str.contains(pattern).and(own)).then(parsed)
        .otherwise(pl.lit(null).cast(DATETIME));
    },
  };
}

const CLOCK_SECONDS = ",? [0-9]{1,2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?";
const CLOCK_MINUTES = ",? [0-9]{1,2}:[0-9]{2}";
const AM_PM = " ?[AaPp][Mm]";

/** ISO 8601 text to the second: the date/time separator, the fraction and the zero zone apart. */
const ISO_SHAPE =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ])[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-]00:?00)?$/;

/**
 * The strptime format that reads every one of `values` whole, when all are ISO 8601 text of
 * one shape (`2026-03-10T08:00:00.5Z`: the same separator and zone suffix, a fraction in all
 * or in none; `.%6f` when every fraction has 6 digits and nothing follows, so Polars reads it
 * without chrono); undefined otherwise. Parsed with it exactly, a value gets the datetime the
 * `iso` form gives it (the same fields), at a fraction of the cost: no text rewritten, the
 * format matched once. A value of another shape further down does not parse with it, and the
 * column is then parsed the general way.
 */
export function isoFormatOf(values: readonly string[]): string | undefined {
  let shape: RegExpExecArray | undefined;
  let digits: number | undefined; // the fraction's length with its point, while all agree
  for (const v of values) {
    const m = ISO_SHAPE.exec(v);
    if (m === null) return undefined;
    if (shape === undefined) {
      shape = m;
      digits = m[2]?.length;
    }
    if (
      m[1] !== shape[1] || (m[2] === undefined) !== (shape[2] === undefined) || m[3] !== shape[3]
    ) {
      return undefined;
    }
    if (m[2]?.length !== digits) digits = undefined;
  }
  if (shape === undefined) return undefined;
  const date = `%Y-%m-%d${shape[1]}%H:%M:%S`;
  const zone = shape[3] ?? "";
  if (shape[2] === undefined) return date + zone;
  // Polars reads a fraction of 3, 6 or 9 digits ending the format without chrono, ~7× faster.
  const fixed = digits !== undefined && [3, 6, 9].includes(digits - 1) && zone === "";
  return date + (fixed ? `.%${digits! - 1}f` : "%.f") + zone;
}

/** {@link isoFormatOf}'s format applied: the datetimes, null where a value has another shape. */
export function parseIsoExactly(s: Expr, format: string): Expr {
  return strptimeExact(s, format).cast(DATETIME);
}

/** The slash forms of one order, by name (`us…` month first, `dayFirst…` day first). */
function slashForms(dayFirst: boolean): Record<string, DatetimeForm> {
  const prefix = dayFirst ? "dayFirst" : "us";
  return {
    [`${prefix}Clock`]: slashForm(CLOCK_SECONDS + AM_PM, "%m/%d/%Y %I:%M:%S%.f %p", dayFirst),
    [`${prefix}ClockMinutes`]: slashForm(CLOCK_MINUTES + AM_PM, "%m/%d/%Y %I:%M %p", dayFirst),
    [prefix]: slashForm(CLOCK_SECONDS, "%m/%d/%Y %H:%M:%S%.f", dayFirst),
    [`${prefix}Minutes`]: slashForm(CLOCK_MINUTES, "%m/%d/%Y %H:%M", dayFirst),
  };
}

/** The slash form of a date alone, in one order. */
function slashDate(dayFirst: boolean): Record<string, DatetimeForm> {
  return { [dayFirst ? "dayFirstDate" : "usDate"]: slashForm("", "%m/%d/%Y", dayFirst) };
}

/**
 * The datetime forms casefile reads. Each is parsed only where a sample shows it: a
 * format Polars tries and fails on every row costs several times a successful parse.
 */
const DATETIME_FORMS: Record<string, DatetimeForm> = {
  iso: {
    test:
      /^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-]00:?00)?$/,
    parse: (s) => strptime(isoText(s), "%Y-%m-%d %H:%M:%S%.f"),
  },
  isoMinutes: {
    test: /^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(Z|[+-]00:?00)?$/,
    parse: (s) => strptime(isoText(s), "%Y-%m-%d %H:%M"),
  },
  ...slashForms(false),
  isoDate: { test: /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, parse: (s) => dateOnly(s, "%Y-%m-%d") },
  ...slashDate(false),
};

/** The day-first slash forms, used only where a sample shows a day above 12 first. */
const DAY_FIRST_FORMS = { ...slashForms(true), ...slashDate(true) };

/** `a/b/yyyy…` text: its first two numbers. */
const SLASH_DATE = /^([0-9]{1,2})\/([0-9]{1,2})\/[0-9]{4}/;

/**
 * The datetime forms that `values` use (all month-first ones when there are none to look
 * at). Slash dates are month first, as in the US and Excel, unless some value can only be
 * day first (`13/01/2024`) and none can only be month first (`01/13/2024`); with both, no
 * slash form fits and the column stays text.
 */
export function datetimeForms(values: readonly string[]): string[] {
  const names = Object.keys(DATETIME_FORMS);
  if (values.length === 0) return names;
  let dayFirst = false;
  let monthFirst = false;
  for (const v of values) {
    const m = SLASH_DATE.exec(v);
    if (!m) continue;
    if (Number(m[1]) > 12) dayFirst = true;
    if (Number(m[2]) > 12) monthFirst = true;
  }
  const forms = dayFirst && !monthFirst
    ? { ...DATETIME_FORMS, ...DAY_FIRST_FORMS }
    : DATETIME_FORMS;
  const candidates = Object.keys(forms).filter((n) =>
    !(dayFirst && !monthFirst && n.startsWith("us"))
  );
  return candidates.filter((n) => values.some((v) => formOf(n).test.test(v)));
}

function formOf(name: string): DatetimeForm {
  return DATETIME_FORMS[name] ?? DAY_FIRST_FORMS[name];
}

function parseDatetime(s: Expr, forms: readonly string[] = Object.keys(DATETIME_FORMS)): Expr {
  if (forms.length === 0) return pl.lit(null).cast(DATETIME);
  const [first, ...rest] = forms.map((n) => formOf(n).parse(s));
  return rest.reduce((a, b) => a.fillNull(b), first);
}

function parseTimespan(s: Expr): Expr {
  const part = (i: number) => s.str.extract(TIMESPAN, i).cast(pl.Int64, false);
  const fraction = s.str.extract(TIMESPAN, 6).str.padEnd(7, "0").cast(pl.Int64, false);
  const micros = part(2).fillNull(0).mul(86_400_000_000)
    .add(part(3).mul(3_600_000_000))
    .add(part(4).mul(60_000_000))
    .add(part(5).mul(1_000_000))
    .add(fraction.fillNull(0).div(10).cast(pl.Int64));
  const signed = pl.when(s.str.extract(TIMESPAN, 1).eq(pl.lit("-")))
    .then(micros.mul(-1)).otherwise(micros);
  return pl.when(s.str.contains(TIMESPAN)).then(signed.cast(DURATION))
    .otherwise(pl.lit(null).cast(DURATION));
}

/**
 * An expression reading the text column `name` as Kusto `type` (null where it does not
 * fit). `forms` narrows the datetime forms tried to those a sample showed.
 */
export function parseText(
  name: string,
  type: Exclude<KustoType, "dynamic">,
  forms?: readonly string[],
): Expr {
  return type === "string" || type === "guid"
    ? pl.col(name)
    : parseCleaned(cleaned(pl.col(name)), type, forms);
}

/**
 * {@link parseText} as inference chose `type`: an integer beyond the 64-bit range does not
 * fit `real` (a scan's guard then sees a misfit, as the loader does).
 */
export function parseInferredText(
  name: string,
  type: Exclude<KustoType, "dynamic">,
  forms?: readonly string[],
): Expr {
  return type === "real" ? inferredReal(cleaned(pl.col(name))) : parseText(name, type, forms);
}

/** {@link parseText} of text already {@link cleaned}. */
function parseCleaned(
  s: Expr,
  type: Exclude<KustoType, "dynamic">,
  forms?: readonly string[],
): Expr {
  switch (type) {
    case "bool":
      return parseBool(s);
    case "int":
    case "long":
      return parseInteger(s, type);
    case "real":
    case "decimal":
      return pl.when(s.str.contains(LEADING_ZERO).not()).then(s.cast(pl.Float64, false))
        .otherwise(pl.lit(null));
    case "datetime":
      return parseDatetime(s, forms);
    case "timespan":
      return parseTimespan(s);
    case "string":
    case "guid":
      return s;
  }
}

/**
 * `real` as inference tries it: an integer beyond the 64-bit range is no real (read as one
 * it would lose its last digits silently, 18446744073709551615 becoming ...552000), so a
 * column holding one stays text, every digit kept. A column declared `real` still reads it.
 */
function inferredReal(s: Expr): Expr {
  const beyondLong = s.str.contains(String.raw`^[+-]?[0-9]+$`)
    .and(s.cast(pl.Int64, false).isNull());
  return pl.when(beyondLong.not()).then(parseCleaned(s, "real")).otherwise(pl.lit(null));
}

/** Text as compact JSON, read as JSON or as a Python literal; undefined if it is neither. */
export function dynamicText(text: string): string | undefined {
  const trimmed = text.trim();
  if (!(trimmed.startsWith("[") || trimmed.startsWith("{"))) return undefined;
  try {
    // Integers beyond 2^53 keep every digit (a long stays exact, as Kusto keeps it).
    return JSON.stringify(parseJson(trimmed));
  } catch {
    const value = parsePythonLiteral(trimmed);
    return value === undefined ? undefined : JSON.stringify(value);
  }
}

/** What inference decided for one text column. */
export interface InferredColumn {
  readonly name: string;
  readonly type: KustoType;
  /** Set when most values fit a type but some did not: the column stays text. */
  readonly mixed?: {
    readonly type: KustoType;
    readonly misfits: number;
    readonly firstRow: number;
  };
}

/** Options of {@link inferTextColumns}. */
export interface InferOptions {
  /** Parse every candidate type in one pass (the reference the two-pass choice must equal). */
  readonly everyCandidate?: boolean;
}

/**
 * Infers the Kusto type of every text column of `frame` and returns the frame with those
 * columns parsed. A column becomes typed only if every value fits; a column where most but
 * not all values fit stays text and is reported as `mixed`, so no value is ever lost.
 */
export function inferTextColumns(
  frame: DataFrame,
  options: InferOptions = {},
): { frame: DataFrame; columns: InferredColumn[] } {
  // The frame's members read once: each read of one (a proxy over all its column names)
  // costs as much as the frame is wide, so reading them per column is quadratic.
  const dtypes = frame.dtypes;
  const textColumns = frame.columns.filter((_, i) => variantOf(dtypes[i]) === "Utf8");
  if (textColumns.length === 0 || frame.height === 0) {
    return { frame, columns: textColumns.map((name) => ({ name, type: "string" })) };
  }
  // A sample screened in JavaScript picks the candidate types worth parsing in full:
  // building and running every parser on every column costs far more than the read.
  const screened = screenSample(sampleRows(frame), textColumns);
  // A column whose sample looks like no candidate type and not like JSON is text whatever
  // the rest holds, so only the others are parsed in full.
  const tried = (i: number) => screened[i].types.length > 0 || screened[i].json;
  // Each candidate parse runs once; its null count says whether every value fit.
  // The text is cleaned once, then every candidate parses the cleaned column.
  const triedColumns = textColumns.flatMap((name, i) => tried(i) ? [{ name, i }] : []);
  // One expression per parser over all the columns it is tried on, not one per column: a
  // wide file's columns would each cost an expression built in JavaScript and planned.
  let clean: DataFrame | undefined;
  if (triedColumns.length > 0) {
    let tried = frame.select(...triedColumns.map((c) => c.name));
    // Polars' NDJSON reader leaves a column in thousands of pieces, and each parser below
    // pays per piece: joining the tried columns first costs less than that.
    if (tried.getColumn(triedColumns[0].name).nChunks() > MANY_CHUNKS) tried = tried.rechunk();
    clean = tried.select(cleaned(pl.col(triedColumns.map((c) => c.name))));
    clean.columns = triedColumns.map(({ i }) => `${i}:present`);
  }
  // Two passes: first each column's most specific candidate only (the one chosen whenever
  // it fits every value, as it does for most columns); the other candidates only for the
  // columns where it did not. The choice below is the same as with every candidate parsed.
  // In the first pass (not the reference), a datetime column whose sample shares one exact
  // ISO format is parsed with it; where some value has another shape, the second pass parses
  // the column the general way.
  const isoFormat = (i: number, first: boolean) =>
    first && !options.everyCandidate ? screened[i].isoFormat : undefined;
  const trialPass = (
    wanted: Array<{ i: number; types: readonly Candidate[] }>,
    first: boolean,
  ): Series[] => {
    const groups = new Map<
      string,
      { type: Candidate; forms: string[]; iso?: string; keys: string[] }
    >();
    for (const { i, types } of wanted) {
      for (const type of types) {
        const iso = type === "datetime" ? isoFormat(i, first) : undefined;
        const forms = type === "datetime" && iso === undefined ? screened[i].forms : [];
        const group = iso === undefined ? `${type}|${forms.join(",")}` : `${type}|=${iso}`;
        if (!groups.has(group)) groups.set(group, { type, forms, iso, keys: [] });
        groups.get(group)!.keys.push(`${i}:present`);
      }
    }
    const exprs = [
      ...(first ? [pl.col(triedColumns.map(({ i }) => `${i}:present`))] : []),
      ...[...groups.values()].map(({ type, forms, iso, keys }) =>
        (iso !== undefined
          ? parseIsoExactly(pl.col(keys), iso)
          : type === "real"
          ? inferredReal(pl.col(keys))
          : parseCleaned(pl.col(keys), type, forms)).suffix(`:${type}`)
      ),
    ];
    return clean === undefined || exprs.length === 0 ? [] : clean.select(...exprs).getColumns();
  };
  // Columns by name once: looking each up in a wide frame is a scan, quadratic in all.
  const trial = new Map(
    trialPass(
      triedColumns.map(({ i }) => ({
        i,
        types: options.everyCandidate ? screened[i].types : screened[i].types.slice(0, 1),
      })),
      true,
    )
      .map((s) => [s.name, s]),
  );
  const second = triedColumns.flatMap(({ i }) => {
    const [first, ...rest] = screened[i].types;
    // A first candidate parsed with an exact ISO format is tried again the general way.
    const again = first === "datetime" && isoFormat(i, true) !== undefined ? [first] : [];
    if (rest.length + again.length === 0 || options.everyCandidate) return [];
    const misfit = trial.get(`${i}:present:${first}`)!.nullCount() !==
      trial.get(`${i}:present`)!.nullCount();
    return misfit ? [{ i, types: [...again, ...rest] }] : [];
  });
  for (const s of trialPass(second, false)) trial.set(s.name, s);
  const column = (key: string) => trial.get(key) as Series;
  const height = frame.height;
  const present = (i: number) => height - column(`${i}:present`).nullCount();

  const columns: InferredColumn[] = [];
  const parsed: Series[] = [];
  for (const [i, name] of textColumns.entries()) {
    if (!tried(i)) {
      columns.push({ name, type: "string" });
      continue;
    }
    const count = present(i);
    const fits = (t: Candidate) =>
      trial.has(`${i}:present:${t}`) ? height - column(`${i}:present:${t}`).nullCount() : 0;
    const full = count > 0 ? CANDIDATES.find((t) => fits(t) === count) : undefined;
    if (full) {
      columns.push({ name, type: full });
      parsed.push(column(`${i}:present:${full}`).alias(name));
      continue;
    }
    if (count > 0 && screened[i].json) {
      const dynamic = readDynamic(frame.getColumn(name).toArray() as Array<string | null>);
      if (dynamic.misfits === 0) {
        columns.push({ name, type: "dynamic" });
        parsed.push(pl.Series(name, dynamic.values, pl.Utf8));
        continue;
      }
    }
    const majority = CANDIDATES.find((t) => fits(t) * 2 > count && fits(t) < count);
    if (majority && count >= 4) {
      // Found natively: the column's values as JavaScript arrays cost ~60 ms per 100k rows.
      const misfit = pl.DataFrame([
        column(`${i}:present`).alias("present"),
        column(`${i}:present:${majority}`).alias("parsed"),
      ]).select(pl.col("present").isNotNull().and(pl.col("parsed").isNull()).alias("misfit"))
        .getColumn("misfit");
      const firstRow = Number(misfit.argTrue().get(0));
      columns.push({
        name,
        type: "string",
        mixed: { type: majority, misfits: count - fits(majority), firstRow },
      });
    } else {
      columns.push({ name, type: "string" });
    }
  }
  // One new frame from its columns: adding them one by one (or by withColumns) copies a
  // frame as wide as the file per column.
  const replaced = new Map(parsed.map((s) => [s.name, s]));
  const out = parsed.length === 0
    ? frame
    : pl.DataFrame(frame.getColumns().map((s) => replaced.get(s.name) ?? s));
  return { frame: out, columns };
}

/** Pieces of a column from which inference joins them first (a CSV read leaves dozens). */
const MANY_CHUNKS = 256;

/** The first rows and rows spread over the rest: formats often change further down. */
function sampleRows(frame: DataFrame): DataFrame {
  if (frame.height <= SAMPLE_ROWS * 2) return frame;
  const step = Math.floor(frame.height / SAMPLE_ROWS);
  return pl.concat([frame.head(SAMPLE_ROWS), frame.gatherEvery(step)]);
}

const SAMPLE_ROWS = 500;

const SCREENS: Record<Candidate, RegExp[]> = {
  bool: [/^(true|false)$/i],
  long: [/^[+-]?[0-9]+$/],
  real: [/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/, /^[+-]?(inf|infinity)$/i],
  datetime: [...Object.values(DATETIME_FORMS), ...Object.values(DAY_FIRST_FORMS)].map((f) =>
    f.test
  ),
  timespan: [new RegExp(TIMESPAN)],
};

/** Per column: the candidate types at least half the sampled values look like, and their forms. */
function screenSample(
  sample: DataFrame,
  columns: readonly string[],
): Screened[] {
  const byName = new Map(sample.getColumns().map((s) => [s.name, s]));
  const worth = worthScreening(columns.map((name) => byName.get(name) as Series));
  return columns.map((name, i) => {
    const series = byName.get(name) as Series;
    // Wide exports hold many empty columns, and most text starts with a letter: nothing to
    // screen, and no JS array to build.
    if (!worth[i]) return { types: [], json: false, forms: [] };
    const values = seriesText(series);
    if (values.length === 0) return { types: [], json: false, forms: [] };
    const types = CANDIDATES.filter((t) =>
      atLeastHalf(values, (v) => SCREENS[t].some((r) => r.test(v)))
    );
    const datetime = types.includes("datetime");
    return {
      types,
      json: values.every((v) => v.startsWith("[") || v.startsWith("{")),
      forms: datetime ? datetimeForms(values) : [],
      isoFormat: datetime ? isoFormatOf(values) : undefined,
    };
  });
}

/**
 * How a value of a candidate type or JSON can start, after blanks (those JavaScript's `trim`
 * removes, with the byte-order mark Rust's `\s` leaves): a sign, a digit or a point (numbers,
 * dates, timespans), `t`/`f` (bool), `i` (inf), `[` or `{` (JSON).
 */
const CANDIDATE_START = String.raw`^[\s\x{FEFF}]*[-+.0-9tTfFiI\[{]`;

/**
 * Per sampled column, whether some value could be a candidate type or JSON: found by one
 * Polars pass over the sample, so only those are made JavaScript strings and screened. A
 * column none of whose values starts like one (text that starts with a letter, or empty)
 * screens to nothing whatever its values.
 */
function worthScreening(columns: readonly Series[]): boolean[] {
  if (columns.length === 0) return [];
  // Named by position: a column's own name may read as a pattern (`^a$`) in `pl.col`.
  const keys = columns.map((_, i) => `${i}`);
  const row = pl.DataFrame(columns.map((s, i) => s.alias(keys[i])))
    .select(pl.col(keys).str.contains(CANDIDATE_START).any())
    .toRecords()[0] as Record<string, boolean | null>;
  return keys.map((k) => row[k] === true);
}

/** What the sample showed of a column. */
interface Screened {
  /** The candidate types at least half the sampled values look like. */
  readonly types: Candidate[];
  /** Whether every sampled value starts like JSON (an array or an object). */
  readonly json: boolean;
  /** The datetime forms the sampled values use. */
  readonly forms: string[];
  /** The one exact ISO 8601 format of every sampled value, when they share one. */
  readonly isoFormat?: string;
}

/** Whether at least half of `values` pass `test`: stops as soon as the answer is known. */
function atLeastHalf(values: readonly string[], test: (v: string) => boolean): boolean {
  const half = values.length / 2;
  let hits = 0;
  let misses = 0;
  for (const v of values) {
    if (test(v)) {
      if (++hits >= half) return true;
    } else if (++misses > values.length - half) return false;
  }
  return hits >= half;
}

/** The non-null, trimmed text values of a column. */
function textValues(frame: DataFrame, name: string): string[] {
  return seriesText(frame.getColumn(name));
}

function seriesText(series: Series): string[] {
  return (series.toArray() as Array<string | null>)
    .map((v) => v?.trim() ?? "")
    .filter((v) => !NULL_TOKENS.includes(v));
}

function readDynamic(
  values: Array<string | null>,
): { values: Array<string | null>; misfits: number } {
  let misfits = 0;
  const out = values.map((v) => {
    if (v === null || v.trim() === "") return null;
    const json = dynamicText(v);
    if (json === undefined) misfits++;
    return json ?? v;
  });
  return { values: out, misfits };
}

/** A column the coercion could not fully read as its schema type. */
export interface CoercionMisfit {
  readonly name: string;
  readonly type: KustoType;
  readonly misfits: number;
}

/**
 * Casts the columns of `frame` named in `types` to their Kusto types: text is parsed,
 * other dtypes are cast. Values that do not fit become null and are counted per column.
 * With `fromText`, `dynamic` text written as Python literals (pandas' CSVs) becomes JSON;
 * typed sources such as Parquet skip that check, which reads every value.
 */
export function coerceColumns(
  frame: DataFrame,
  types: ReadonlyMap<string, KustoType>,
  fromText = true,
): { frame: DataFrame; misfits: CoercionMisfit[] } {
  const exprs: Expr[] = [];
  const checks: Array<{ name: string; type: KustoType; misfit: Expr }> = [];
  const dynamicColumns: string[] = [];
  const dtypes = frame.dtypes; // once: a read per column is quadratic in a wide frame
  for (const [i, name] of frame.columns.entries()) {
    const type = types.get(name);
    if (type === undefined) continue;
    const variant = variantOf(dtypes[i]);
    const target = polarsTypeOf(type);
    // Datetimes must also have casefile's unit; Duration units are misreported, so those
    // are always cast (a no-op when the unit is already right).
    const same = variant === variantOf(target) &&
      (variant === "Datetime" ? String(dtypes[i]) === String(target) : variant !== "Duration");
    if (same) {
      if (type === "dynamic") dynamicColumns.push(name);
      continue;
    }
    if (type === "dynamic") {
      if (variant === "Utf8") dynamicColumns.push(name);
      continue;
    }
    const forms = variant === "Utf8" && type === "datetime"
      ? datetimeForms(textValues(sampleRows(frame), name))
      : undefined;
    const expr = variant === "Utf8" && type !== "string" && type !== "guid"
      ? parseText(name, type, forms)
      : pl.col(name).cast(target, false);
    exprs.push(expr.alias(name));
    checks.push({ name, type, misfit: pl.col(name).isNotNull().and(expr.isNull()) });
  }
  const misfits: CoercionMisfit[] = [];
  if (checks.length > 0) {
    const counts = frame.select(...checks.map((c, i) => c.misfit.sum().alias(String(i))))
      .toRecords()[0] as Record<string, number>;
    checks.forEach((c, i) => {
      const n = Number(counts[String(i)]);
      if (n > 0) misfits.push({ name: c.name, type: c.type, misfits: n });
    });
  }
  let out = exprs.length > 0 ? frame.withColumns(...exprs) : frame;
  // Dynamic text that is a Python literal is rewritten as JSON; text that is neither stays.
  for (const name of fromText ? dynamicColumns : []) {
    const raw = frame.getColumn(name).toArray() as Array<string | null>;
    if (!raw.some((v) => v !== null && /^\s*[\[{]/.test(v) && !isJson(v))) continue;
    out = out.withColumn(pl.Series(name, readDynamic(raw).values, pl.Utf8));
  }
  return { frame: out, misfits };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
