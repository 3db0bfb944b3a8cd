/**
 * Rarity and first sight: which values are rare for an entity (processes on a host,
 * countries for an account, parent-child pairs), with counts and baselines, and which
 * values an entity shows for the first time after a baseline period.
 *
 * @module
 */
import { type DataFrame, type Expr, pl } from "../polars.ts";
import { datetimeExpr, requireColumns } from "./_columns.ts";
import { AnalysisError } from "./errors.ts";
import { columnNames } from "../errors.ts";
import { checkOptions, defineOptions } from "../options.ts";

const RARE_VALUES_OPTIONS = defineOptions<RareValuesOptions>("rareValues", {
  entity: { kind: "columns", aliases: ["entities", "by", "group"] },
  value: { kind: "columns", aliases: ["values", "column", "columns"] },
  time: "column",
  maxShare: "number",
  maxEntities: "number",
});
const FIRST_SEEN_OPTIONS = defineOptions<FirstSeenOptions>("firstSeen", {
  entity: { kind: "columns", aliases: ["entities", "by", "group"] },
  value: { kind: "columns", aliases: ["values", "column", "columns"] },
  time: "column",
  since: { kind: "date", aliases: ["baselineEnd", "after"] },
});

/** Options of {@link rareValues}. */
export interface RareValuesOptions {
  /** The entity column(s) (a host, an account). */
  readonly entity: string | readonly string[];
  /** The value column(s) (a process; parent and child together for pairs). */
  readonly value: string | readonly string[];
  /** The time column, for first and last sight (default `TimeGenerated` when present). */
  readonly time?: string;
  /** A value is rare for an entity when it is at most this share of its events (default 0.01). */
  readonly maxShare?: number;
  /** ...and seen on at most this many entities in all (default: any number). */
  readonly maxEntities?: number;
}

/** Options of {@link firstSeen}. */
export interface FirstSeenOptions {
  /** The entity column(s). */
  readonly entity: string | readonly string[];
  /** The value column(s). */
  readonly value: string | readonly string[];
  /** The time column (default `TimeGenerated`). */
  readonly time?: string;
  /** The end of the baseline: values an entity first shows at or after it are new. */
  readonly since: Date;
}

/** An `entity` or `value` option as a list; untyped code (the REPL, a notebook) may omit it. */
function columnList(x: unknown, option: string, analysis: string): string[] {
  const names = columnNames(x);
  if (names) return names;
  throw new AnalysisError(`${analysis}: the \`${option}\` option names no column`, {
    analysis,
    hint: `Give it a column name or a list of names, e.g. ${analysis}(events, ` +
      `{ entity: "Computer", value: "NewProcessName" }).`,
  });
}

/**
 * Counts every (entity, value) and marks the rare ones.
 *
 * One row per (entity, value), rarest first: the entity and value columns, `count`,
 * `entityEvents` (the entity's events), `share` (count / entityEvents), `entities` (how
 * many entities show the value), `globalCount`, `first` and `last` (when a time column is
 * there) and `isRare`.
 *
 * Rows are ordered by `share`, then `entities`, then `count` (all ascending: rarest first);
 * ties by the entity columns, then the value columns (ascending, nulls first).
 *
 * @param events Any events.
 * @param options Entity and value columns, thresholds.
 * @returns The counts, rarest first.
 * @throws {AnalysisError} when a column is missing.
 *
 * @example Rare parent-child process pairs on the victim's workstation
 * ```ts
 * import assert from "node:assert/strict";
 * import { rareValues } from "./mod.ts";
 * import { openLocalProvider, pl } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query("DeviceProcessEvents");
 * const rare = rareValues(frame, {
 *   entity: "DeviceName",
 *   value: ["InitiatingProcessFileName", "FileName"],
 * });
 * const [rarest] = rare.toRecords(); // rarest first
 * assert.deepEqual([rarest.count, rarest.isRare], [1, true]);
 * assert.ok(rare.filter(pl.col("isRare")).height < rare.height);
 * ```
 */
export function rareValues(events: DataFrame, options: RareValuesOptions): DataFrame {
  checkOptions("rareValues", options, RARE_VALUES_OPTIONS);
  const entity = columnList(options?.entity, "entity", "rareValues");
  const value = columnList(options?.value, "value", "rareValues");
  const time = options.time ??
    (events.columns.includes("TimeGenerated") ? "TimeGenerated" : undefined);
  requireColumns(events, [...entity, ...value, time], "rareValues");
  const keys = [...entity, ...value];
  const times: Expr[] = time
    ? [
      datetimeExpr(events, time, "rareValues").min().alias("first"),
      datetimeExpr(events, time, "rareValues").max().alias("last"),
    ]
    : [];
  const counts = events.groupBy(keys).agg(pl.len().cast(pl.Int64).alias("count"), ...times);
  const perEntity = counts.groupBy(entity).agg(pl.col("count").sum().alias("entityEvents"));
  const perValue = counts.groupBy(value).agg(
    pl.len().cast(pl.Int64).alias("entities"),
    pl.col("count").sum().alias("globalCount"),
  );
  const maxShare = options.maxShare ?? 0.01;
  let rare = pl.col("share").ltEq(maxShare);
  if (options.maxEntities !== undefined) {
    rare = rare.and(pl.col("entities").ltEq(options.maxEntities));
  }
  return counts.join(perEntity, { on: entity }).join(perValue, { on: value })
    // Counts are integers: divide as floats (Int64 / Int64 is an integer division).
    .withColumn(pl.col("count").cast(pl.Float64).div(pl.col("entityEvents")).alias("share"))
    .withColumn(rare.alias("isRare"))
    .select(
      ...keys,
      "count",
      "entityEvents",
      "share",
      "entities",
      "globalCount",
      ...(time ? ["first", "last"] : []),
      "isRare",
    )
    // (entity, value) is unique: the order is total.
    .sort(["share", "entities", "count", ...keys]);
}

/**
 * Values an entity shows for the first time at or after `since`, with how often since.
 *
 * One row per new (entity, value), in order of first sight: the entity and value columns,
 * `first`, `last`, `count` (events since), `entityBaselineEvents` (the entity's events
 * before `since`: a new value on a well-known entity means more than on a new one).
 *
 * Rows are ordered by `first`, earliest first; ties by the entity columns, then the value
 * columns (ascending, nulls first).
 *
 * @param events Any events with a time column.
 * @param options Entity and value columns, and the end of the baseline.
 * @returns The new values.
 * @throws {AnalysisError} when a column is missing.
 *
 * @example A sign-in country new for its account during the intrusion
 * ```ts
 * import assert from "node:assert/strict";
 * import { firstSeen } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query(
 *   "SigninLogs | extend Country = tostring(LocationDetails.countryOrRegion)",
 * );
 * const fresh = firstSeen(frame, {
 *   entity: "UserPrincipalName",
 *   value: "Country",
 *   since: new Date("2026-03-09T00:00:00Z"),
 * }).toRecords();
 * // The compromised account signs in from a country it never used before.
 * assert.ok(fresh.some((r) => /^daniel\.reyes@/.test(String(r.UserPrincipalName)) && r.Country === "BR"));
 * ```
 */
export function firstSeen(events: DataFrame, options: FirstSeenOptions): DataFrame {
  checkOptions("firstSeen", options, FIRST_SEEN_OPTIONS);
  const entity = columnList(options?.entity, "entity", "firstSeen");
  const value = columnList(options?.value, "value", "firstSeen");
  // A date; from untyped code also an ISO text or epoch milliseconds.
  const raw: unknown = options.since;
  const baselineEnd = raw instanceof Date
    ? raw
    : typeof raw === "string" || typeof raw === "number"
    ? new Date(raw)
    : undefined;
  if (baselineEnd === undefined || Number.isNaN(baselineEnd.getTime())) {
    throw new AnalysisError("firstSeen: the `since` option is not a date", {
      analysis: "firstSeen",
      hint: 'Give the end of the baseline, e.g. since: new Date("2026-03-10T00:00:00Z").',
    });
  }
  const time = options.time ?? "TimeGenerated";
  requireColumns(events, [...entity, ...value, time], "firstSeen");
  const keys = [...entity, ...value];
  const since = pl.lit(baselineEnd).cast(pl.Datetime("us"));
  const t = events.select(
    ...keys.map((k) => pl.col(k)),
    datetimeExpr(events, time, "firstSeen").alias("__t"),
  );
  const baseline = t.filter(pl.col("__t").lt(since)).groupBy(entity)
    .agg(pl.len().cast(pl.Int64).alias("entityBaselineEvents"));
  return t.groupBy(keys).agg(
    pl.col("__t").min().alias("first"),
    pl.col("__t").max().alias("last"),
    pl.col("__t").gtEq(since).cast(pl.Int64).sum().alias("count"),
  ).filter(pl.col("first").gtEq(since))
    .join(baseline, { on: entity, how: "left" })
    .withColumn(pl.col("entityBaselineEvents").fillNull(0))
    .sort(["first", ...keys]);
}
