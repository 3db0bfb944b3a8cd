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
  variantOf,
} from "../polars.ts";
import { type KustoType, polarsTypeOf } from "../schema/types.ts";
import { parsePythonLiteral } from "./_python_literal.ts";

/** Text that stands for "no value" in exports (pandas writes `NaN` and `None`). */
const NULL_TOKENS = ["", "null", "NULL", "None", "NaN", "nan"];

// ISO 8601 in UTC, with a space or a T, optional seconds, fraction, and Z or a zero offset.
const ISO_DATETIME = String
  .raw`^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-]00:?00)?$`;
const ISO_DATE = String.raw`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`;
// US month/day/year as Excel and the Log Analytics portal write it, 24h or AM/PM.
const US_DATETIME = String
  .raw`^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4},? [0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?( ?[AaPp][Mm])?$`;
const US_DATE = String.raw`^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$`;
// Kusto's timespan text: [-][d.]hh:mm:ss[.fffffff]
const TIMESPAN = String
  .raw`^(-)?(?:([0-9]+)\.)?([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,7}))?$`;
const LEADING_ZERO = String.raw`^[+-]?0[0-9]`;

/** The types inference tries for a text column, most specific first. */
const CANDIDATES = ["bool", "long", "real", "datetime", "timespan"] as const;
type Candidate = typeof CANDIDATES[number];

/** Text with surrounding blanks removed and null tokens turned into nulls. */
function cleaned(c: Expr): Expr {
  const stripped = c.str.strip();
  return pl.when(stripped.isIn(NULL_TOKENS)).then(pl.lit(null)).otherwise(stripped);
}

function parseBool(s: Expr): Expr {
  const lower = s.str.toLowerCase();
  return pl.when(lower.eq(pl.lit("true")).or(lower.eq(pl.lit("false"))))
    .then(lower.eq(pl.lit("true")))
    .otherwise(pl.lit(null));
}

function parseInteger(s: Expr, type: "int" | "long"): Expr {
  return pl.when(s.str.contains(LEADING_ZERO)).then(pl.lit(null))
    .otherwise(s.cast(type === "int" ? pl.Int32 : pl.Int64, false));
}

function strptime(s: Expr, format: string): Expr {
  // nodejs-polars only accepts Datetime("ms") here; the unit it parses to follows the format.
  return s.str.strptime(pl.Datetime("ms"), format).cast(DATETIME);
}

function parseDatetime(s: Expr): Expr {
  const iso = s.str.replace("T", " ", true).str.replace(String.raw`(Z|[+-]00:?00)$`, "");
  const us = s.str.replace(",", "", true).str.toUpperCase().str.replace(
    String.raw`([0-9])([AP]M)$`,
    "$1 $2",
  );
  const date = (x: Expr, format: string) =>
    x.str.strptime(pl.Date, format).cast(pl.Datetime("ms")).cast(DATETIME);
  return pl.when(s.str.contains(ISO_DATETIME))
    .then(strptime(iso, "%Y-%m-%d %H:%M:%S%.f").fillNull(strptime(iso, "%Y-%m-%d %H:%M")))
    .when(s.str.contains(US_DATETIME))
    .then(
      strptime(us, "%m/%d/%Y %I:%M:%S%.f %p")
        .fillNull(strptime(us, "%m/%d/%Y %I:%M %p"))
        .fillNull(strptime(us, "%m/%d/%Y %H:%M:%S%.f"))
        .fillNull(strptime(us, "%m/%d/%Y %H:%M")),
    )
    .when(s.str.contains(ISO_DATE)).then(date(s, "%Y-%m-%d"))
    .when(s.str.contains(US_DATE)).then(date(s, "%m/%d/%Y"))
    .otherwise(pl.lit(null).cast(DATETIME));
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

/** An expression reading the text column `name` as Kusto `type` (null where it does not fit). */
export function parseText(name: string, type: Exclude<KustoType, "dynamic">): Expr {
  const s = cleaned(pl.col(name));
  switch (type) {
    case "bool":
      return parseBool(s);
    case "int":
    case "long":
      return parseInteger(s, type);
    case "real":
    case "decimal":
      return pl.when(s.str.contains(LEADING_ZERO)).then(pl.lit(null))
        .otherwise(s.cast(pl.Float64, false));
    case "datetime":
      return parseDatetime(s);
    case "timespan":
      return parseTimespan(s);
    case "string":
    case "guid":
      return pl.col(name);
  }
}

/** Text as compact JSON, read as JSON or as a Python literal; undefined if it is neither. */
export function dynamicText(text: string): string | undefined {
  const trimmed = text.trim();
  if (!(trimmed.startsWith("[") || trimmed.startsWith("{"))) return undefined;
  try {
    return JSON.stringify(JSON.parse(trimmed));
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

/**
 * Infers the Kusto type of every text column of `frame` and returns the frame with those
 * columns parsed. A column becomes typed only if every value fits; a column where most but
 * not all values fit stays text and is reported as `mixed`, so no value is ever lost.
 */
export function inferTextColumns(
  frame: DataFrame,
): { frame: DataFrame; columns: InferredColumn[] } {
  const textColumns = frame.columns.filter((_, i) => variantOf(frame.dtypes[i]) === "Utf8");
  if (textColumns.length === 0 || frame.height === 0) {
    return { frame, columns: textColumns.map((name) => ({ name, type: "string" })) };
  }
  // A sample screened in JavaScript picks the candidate types worth parsing in full:
  // building and running every parser on every column costs far more than the read.
  const screened = screenSample(frame.head(SAMPLE_ROWS), textColumns);
  const stats = frame.select(...textColumns.flatMap((name, i) => {
    const s = cleaned(pl.col(name));
    return [
      s.isNotNull().sum().alias(`${i}:present`),
      ...(screened[i].json ? [s.str.contains(String.raw`^[\[{]`).sum().alias(`${i}:json`)] : []),
      ...screened[i].types.map((t) => parseText(name, t).isNotNull().sum().alias(`${i}:${t}`)),
    ];
  })).toRecords()[0] as Record<string, number>;

  const columns: InferredColumn[] = [];
  const parsed: Expr[] = [];
  const replaced: Series[] = [];
  for (const [i, name] of textColumns.entries()) {
    const present = Number(stats[`${i}:present`]);
    const fits = (t: Candidate) => Number(stats[`${i}:${t}`] ?? 0);
    const full = present > 0 ? CANDIDATES.find((t) => fits(t) === present) : undefined;
    if (full) {
      columns.push({ name, type: full });
      parsed.push(parseText(name, full).alias(name));
      continue;
    }
    if (present > 0 && Number(stats[`${i}:json`] ?? 0) === present) {
      const dynamic = readDynamic(frame.getColumn(name).toArray() as Array<string | null>);
      if (dynamic.misfits === 0) {
        columns.push({ name, type: "dynamic" });
        replaced.push(pl.Series(name, dynamic.values, pl.Utf8));
        continue;
      }
    }
    const majority = CANDIDATES.find((t) => fits(t) * 2 > present && fits(t) < present);
    if (majority && present >= 4) {
      const misfit = cleaned(pl.col(name)).isNotNull().and(parseText(name, majority).isNull());
      const firstRow = frame.withRowIndex("__row").filter(misfit).getColumn("__row").get(0);
      columns.push({
        name,
        type: "string",
        mixed: { type: majority, misfits: present - fits(majority), firstRow: Number(firstRow) },
      });
    } else {
      columns.push({ name, type: "string" });
    }
  }
  let out = parsed.length > 0 ? frame.withColumns(...parsed) : frame;
  for (const series of replaced) out = out.withColumn(series);
  return { frame: out, columns };
}

const SAMPLE_ROWS = 500;

const SCREENS: Record<Candidate, RegExp[]> = {
  bool: [/^(true|false)$/i],
  long: [/^[+-]?[0-9]+$/],
  real: [/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/, /^[+-]?(inf|infinity)$/i],
  datetime: [ISO_DATETIME, ISO_DATE, US_DATETIME, US_DATE].map((r) => new RegExp(r)),
  timespan: [new RegExp(TIMESPAN)],
};

/** Per column: the candidate types at least half the sampled values look like. */
function screenSample(
  sample: DataFrame,
  columns: readonly string[],
): Array<{ types: Candidate[]; json: boolean }> {
  return columns.map((name) => {
    const values = (sample.getColumn(name).toArray() as Array<string | null>)
      .map((v) => v?.trim() ?? "")
      .filter((v) => !NULL_TOKENS.includes(v));
    if (values.length === 0) return { types: [], json: false };
    const half = values.length / 2;
    const count = (test: (v: string) => boolean) => values.filter(test).length;
    return {
      types: CANDIDATES.filter((t) => count((v) => SCREENS[t].some((r) => r.test(v))) >= half),
      json: count((v) => v.startsWith("[") || v.startsWith("{")) === values.length,
    };
  });
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
  for (const [i, name] of frame.columns.entries()) {
    const type = types.get(name);
    if (type === undefined) continue;
    const variant = variantOf(frame.dtypes[i]);
    const target = polarsTypeOf(type);
    // Datetimes must also have casefile's unit; Duration units are misreported, so those
    // are always cast (a no-op when the unit is already right).
    const same = variant === variantOf(target) &&
      (variant === "Datetime"
        ? String(frame.dtypes[i]) === String(target)
        : variant !== "Duration");
    if (same) {
      if (type === "dynamic") dynamicColumns.push(name);
      continue;
    }
    if (type === "dynamic") {
      if (variant === "Utf8") dynamicColumns.push(name);
      continue;
    }
    const expr = variant === "Utf8" && type !== "string" && type !== "guid"
      ? parseText(name, type)
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
