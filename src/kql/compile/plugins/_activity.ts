/**
 * The user-activity plugins: `activity_counts_metrics`, `activity_metrics`,
 * `new_activity_metrics`, `activity_engagement`, `active_users_count`, `session_count`
 * and `sliding_window_counts`. Each reads an ID column and a timeline column, cuts the
 * timeline into periods from a start, and counts distinct IDs per period (and per
 * dimension columns given after the fixed arguments), following the definitions and
 * examples of Kusto's documentation for each plugin.
 *
 * @module
 */
import type { ColumnSchema } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import type { Relation } from "../_context.ts";
import { keyOf, type PluginCall, relationOfRows, rowsOf } from "./_args.ts";
import type { JsValue } from "../../runtime/_values.ts";

const DAY = 86_400_000_000;

/** How a timeline is cut into periods: a fixed step from a start, or calendar weeks/months/years. */
interface Periods {
  /** The start of the period holding `t`. */
  of(t: number): number;
  /** The start of the period after the one starting at `p`. */
  next(p: number): number;
  /** The start of the period before the one starting at `p`. */
  previous(p: number): number;
}

function fixedPeriods(start: number, step: number): Periods {
  return {
    of: (t) => start + Math.floor((t - start) / step) * step,
    next: (p) => p + step,
    previous: (p) => p - step,
  };
}

function calendarPeriods(unit: "week" | "month" | "year"): Periods {
  const of = (t: number): number => {
    const d = new Date(Math.floor(t / 1000));
    if (unit === "week") {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return (day - d.getUTCDay() * 86_400_000) * 1000;
    }
    if (unit === "month") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) * 1000;
    return Date.UTC(d.getUTCFullYear(), 0, 1) * 1000;
  };
  const shift = (p: number, by: number): number => {
    if (unit === "week") return p + by * 7 * DAY;
    const d = new Date(p / 1000);
    return unit === "month"
      ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + by, 1) * 1000
      : Date.UTC(d.getUTCFullYear() + by, 0, 1) * 1000;
  };
  return { of, next: (p) => shift(p, 1), previous: (p) => shift(p, -1) };
}

/** One row of activity: the ID (as a key), its time, and its dimension values. */
interface Activity {
  readonly id: string;
  readonly t: number;
  readonly dims: readonly JsValue[];
}

/** The parsed common arguments of an activity plugin. */
interface ActivityInput {
  readonly timeline: ColumnSchema;
  readonly dims: readonly ColumnSchema[];
  /** Rows grouped by their dimension values, groups in order of first appearance. */
  readonly groups: ReadonlyMap<string, { dims: readonly JsValue[]; rows: Activity[] }>;
}

/** Reads the ID and timeline columns and the dimension columns of the rows. */
function readActivity(
  p: PluginCall,
  idArg: A.Expression,
  timelineArg: A.Expression,
  dimArgs: readonly A.Expression[],
): ActivityInput {
  const timeline = p.column(timelineArg, "the timeline column");
  if (!["datetime", "long", "int", "real", "timespan"].includes(timeline.type)) {
    throw p.ctx.error(
      `the timeline column of ${p.name}() must be a datetime or a number, not ${timeline.type}`,
      timelineArg.span,
    );
  }
  const [ids, times, ...dimValues] = p.compute([idArg, timelineArg, ...dimArgs]);
  const dims = dimArgs.map((_, i): ColumnSchema => ({
    name: dimValues[i].name ?? `dim${i + 1}`,
    type: dimValues[i].type,
  }));
  const groups = new Map<string, { dims: JsValue[]; rows: Activity[] }>();
  for (let row = 0; row < ids.values.length; row++) {
    const id = ids.values[row];
    const t = times.values[row];
    if (id === null || id === "" || typeof t !== "number") continue;
    const dimRow = dimValues.map((d) => d.values[row]);
    const key = keyOf(dimRow);
    const group = groups.get(key) ?? { dims: dimRow, rows: [] };
    group.rows.push({ id: keyOf([id]), t, dims: dimRow });
    groups.set(key, group);
  }
  return { timeline, dims, groups };
}

/** The periods of a step argument: a number or timespan from `start`, or 'week'/'month'/'year'. */
function periodsOf(p: PluginCall, e: A.Expression, start: number): Periods {
  const value = p.constant(e, "the step").constant!.value;
  if (typeof value === "string") {
    const unit = value.toLowerCase();
    if (unit === "week" || unit === "month" || unit === "year") return calendarPeriods(unit);
  }
  if (typeof value !== "number" || !(value > 0)) {
    throw p.ctx.error(
      `the step of ${p.name}() must be a positive number or timespan, or 'week', 'month' or 'year'`,
      e.span,
    );
  }
  return fixedPeriods(start, value);
}

/** IDs by period (only periods with rows between `start` and `end`, inclusive). */
function idsByPeriod(
  rows: readonly Activity[],
  periods: Periods,
  start: number,
  end: number,
): Map<number, { ids: Set<string>; count: number }> {
  const out = new Map<number, { ids: Set<string>; count: number }>();
  for (const r of rows) {
    if (r.t < start || r.t > end) continue;
    const period = periods.of(r.t);
    const entry = out.get(period) ?? { ids: new Set<string>(), count: 0 };
    entry.ids.add(r.id);
    entry.count++;
    out.set(period, entry);
  }
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}

function timeColumn(timeline: ColumnSchema, name = timeline.name): ColumnSchema {
  return { name, type: timeline.type };
}

const long = (name: string): ColumnSchema => ({ name, type: "long" });
const real = (name: string): ColumnSchema => ({ name, type: "real" });

// ---------------------------------------------------------------- activity_counts_metrics

/** `activity_counts_metrics(Id, Timeline, Start, End, Step [, dims...])`. */
export function activityCountsMetrics(p: PluginCall): Relation {
  p.arity(5, Infinity, "an ID column, a timeline column, a start, an end, a step, and dimensions");
  const [idArg, timeArg, startArg, endArg, stepArg, ...dimArgs] = p.args;
  const start = p.number(startArg, "the start");
  const end = p.number(endArg, "the end");
  const periods = periodsOf(p, stepArg, start);
  const input = readActivity(p, idArg, timeArg, dimArgs);
  const rows: JsValue[][] = [];
  for (const group of input.groups.values()) {
    const seen = new Set<string>();
    for (const [period, { ids, count }] of idsByPeriod(group.rows, periods, start, end)) {
      let fresh = 0;
      for (const id of ids) {
        if (!seen.has(id)) fresh++;
        seen.add(id);
      }
      rows.push([period, ...group.dims, count, ids.size, fresh, seen.size]);
    }
  }
  return relationOfRows([
    timeColumn(input.timeline),
    ...input.dims,
    long("count"),
    long("dcount"),
    long("new_dcount"),
    long("aggregated_dcount"),
  ], rows);
}

// ---------------------------------------------------------------- activity_metrics

/** `activity_metrics(Id, Timeline, Start, End, Window [, dims...])`: each period against the one before. */
export function activityMetrics(p: PluginCall): Relation {
  p.arity(
    5,
    Infinity,
    "an ID column, a timeline column, a start, an end, a window, and dimensions",
  );
  const [idArg, timeArg, startArg, endArg, stepArg, ...dimArgs] = p.args;
  const start = p.number(startArg, "the start");
  const end = p.number(endArg, "the end");
  const periods = periodsOf(p, stepArg, start);
  const input = readActivity(p, idArg, timeArg, dimArgs);
  const rows: JsValue[][] = [];
  for (const group of input.groups.values()) {
    const byPeriod = idsByPeriod(group.rows, periods, start, end);
    for (const [period, { ids }] of byPeriod) {
      const before = byPeriod.get(periods.previous(period))?.ids ?? new Set<string>();
      let returned = 0;
      for (const id of ids) if (before.has(id)) returned++;
      // Retention: returning IDs over the IDs of the period before (0/0 is NaN, as in Kusto).
      const retention = returned / before.size;
      rows.push([
        period,
        ...group.dims,
        ids.size,
        ids.size - returned,
        retention,
        (before.size - returned) / before.size,
      ]);
    }
  }
  return relationOfRows([
    timeColumn(input.timeline),
    ...input.dims,
    long("dcount_values"),
    long("dcount_newvalues"),
    real("retention_rate"),
    real("churn_rate"),
  ], rows);
}

// ---------------------------------------------------------------- new_activity_metrics

/**
 * `new_activity_metrics(Id, Timeline, Start, End, Window [, Cohort] [, dims...] [, Lookback])`:
 * each cohort of new IDs (first seen in a period) against every period from its own on.
 */
export function newActivityMetrics(p: PluginCall): Relation {
  p.arity(5, Infinity, "an ID column, a timeline column, a start, an end, a window, then options");
  const [idArg, timeArg, startArg, endArg, stepArg, ...rest] = p.args;
  const start = p.number(startArg, "the start");
  const end = p.number(endArg, "the end");
  const periods = periodsOf(p, stepArg, start);
  // After the window: an optional cohort (a constant of the timeline's type), dimension
  // columns, and an optional lookback table of IDs known before the analysis.
  let cohort: number | undefined;
  let lookback: Set<string> | undefined;
  const dimArgs: A.Expression[] = [];
  rest.forEach((e, i) => {
    if (i === rest.length - 1 && isTabularArg(p, e)) {
      const table = p.table(e);
      const idName = p.column(idArg, "the ID column").name;
      const idColumn = table.columns.find((c) => c.name === idName) ?? table.columns[0];
      const values = idColumn ? rowsOf(table).get(idColumn.name)! : [];
      lookback = new Set(values.filter((v) => v !== null).map((v) => keyOf([v])));
    } else if (i === 0 && isConstant(p, e)) {
      const value = p.constant(e, "the cohort").constant!.value;
      if (typeof value === "number") cohort = periods.of(value);
    } else dimArgs.push(e);
  });
  const input = readActivity(p, idArg, timeArg, dimArgs);
  const all: number[] = [];
  for (let period = periods.of(start); period <= end; period = periods.next(period)) {
    all.push(period);
  }
  const rows: JsValue[][] = [];
  for (const group of input.groups.values()) {
    const byPeriod = idsByPeriod(group.rows, periods, start, end);
    const idsAt = (period: number) => byPeriod.get(period)?.ids ?? new Set<string>();
    const firstSeen = new Map<string, number>();
    for (const [period, { ids }] of byPeriod) {
      for (const id of ids) {
        if (!firstSeen.has(id) && !lookback?.has(id)) firstSeen.set(id, period);
      }
    }
    for (const from of all) {
      if (cohort !== undefined && from !== cohort) continue;
      const members = [...firstSeen].filter(([, period]) => period === from).map(([id]) => id);
      // IDs seen up to and including the cohort's period (and in the lookback).
      const known = new Set<string>(lookback ?? []);
      for (const period of all) {
        if (period < from) {
          for (const id of idsAt(period)) known.add(id);
        }
      }
      for (const to of all) {
        if (to < from) continue;
        const seen = to === from ? known : new Set([...known, ...idsAt(from)]);
        const present = idsAt(to);
        let fresh = 0;
        for (const id of present) if (!seen.has(id)) fresh++;
        const retained = members.filter((id) => present.has(id)).length;
        const churned = members.length - retained;
        rows.push([
          from,
          to,
          ...group.dims,
          fresh,
          retained,
          churned,
          retained / members.length,
          churned / members.length,
        ]);
      }
    }
  }
  return relationOfRows([
    timeColumn(input.timeline, `from_${input.timeline.name}`),
    timeColumn(input.timeline, `to_${input.timeline.name}`),
    ...input.dims,
    long("dcount_new_values"),
    long("dcount_retained_values"),
    long("dcount_churn_values"),
    real("retention_rate"),
    real("churn_rate"),
  ], rows);
}

function isConstant(p: PluginCall, e: A.Expression): boolean {
  try {
    return p.constant(e, "an argument").constant !== undefined;
  } catch {
    return false;
  }
}

/** Whether an argument names a table rather than a column or a constant. */
function isTabularArg(p: PluginCall, e: A.Expression): boolean {
  if (e.kind === "name") {
    if (p.input.columns.some((c) => c.name === e.name)) return false;
    const binding = p.scope.get(e.name);
    return binding?.kind === "tabular" || (!binding && p.ctx.tables.has(e.name));
  }
  return e.kind === "pipe" || (e.kind === "paren" && isTabularArg(p, e.expression));
}

// ---------------------------------------------------------------- activity_engagement

/**
 * `activity_engagement(Id, Timeline, [Start, End,] InnerWindow, OuterWindow [, dims...])`:
 * distinct IDs of each inner window over those of the outer window ending with it.
 */
export function activityEngagement(p: PluginCall): Relation {
  p.arity(
    4,
    Infinity,
    "an ID column, a timeline column, [start, end,] two windows, and dimensions",
  );
  const [idArg, timeArg, ...rest] = p.args;
  const timeline = p.column(timeArg, "the timeline column");
  // With a start and an end, the third and fourth arguments are of the timeline's type.
  const bounded = rest.length >= 4 && isConstant(p, rest[0]) && isConstant(p, rest[1]) &&
    isConstant(p, rest[2]) && isConstant(p, rest[3]) &&
    p.constant(rest[0], "the start").type === timeline.type && timeline.type === "datetime";
  const [startArg, endArg] = bounded ? rest : [];
  const [innerArg, outerArg, ...dimArgs] = bounded ? rest.slice(2) : rest;
  const inner = p.number(innerArg, "the inner window");
  const outer = p.number(outerArg, "the outer window");
  const input = readActivity(p, idArg, timeArg, dimArgs);
  const all = [...input.groups.values()].flatMap((g) => g.rows.map((r) => r.t));
  const start = startArg ? p.number(startArg, "the start") : Math.min(...all);
  const end = endArg ? p.number(endArg, "the end") : Math.max(...all);
  const periods = fixedPeriods(startArg ? start : 0, inner);
  const rows: JsValue[][] = [];
  for (const group of input.groups.values()) {
    const byPeriod = idsByPeriod(group.rows, periods, start, end);
    for (const [period, { ids }] of byPeriod) {
      // The outer window ends where this inner window ends.
      const windowEnd = period + inner;
      const outerIds = new Set<string>();
      for (const r of group.rows) {
        if (r.t >= windowEnd - outer && r.t < windowEnd && r.t >= start && r.t <= end) {
          outerIds.add(r.id);
        }
      }
      rows.push([period, ...group.dims, ids.size, outerIds.size, ids.size / outerIds.size]);
    }
  }
  return relationOfRows([
    timeColumn(input.timeline),
    ...input.dims,
    long("dcount_activities_inner"),
    long("dcount_activities_outer"),
    real("activity_ratio"),
  ], rows);
}

/** Each ID's times that `keep` accepts, in the order read. */
function timesById(rows: readonly Activity[], keep: (t: number) => boolean): Map<string, number[]> {
  const byId = new Map<string, number[]>();
  for (const r of rows) if (keep(r.t)) (byId.get(r.id) ?? byId.set(r.id, []).get(r.id)!).push(r.t);
  return byId;
}

/** A row `[bin, ...dims, distinct keys]` for each bin of `perBin`, in time order. */
function pushDistinctPerBin(
  rows: JsValue[][],
  perBin: ReadonlyMap<number, ReadonlySet<string>>,
  dims: readonly JsValue[],
): void {
  for (const [bin, keys] of [...perBin].sort((a, b) => a[0] - b[0])) {
    rows.push([bin, ...dims, keys.size]);
  }
}

// ---------------------------------------------------------------- active_users_count

/**
 * `active_users_count(Id, Timeline, Start, End, Lookback, Period, ActivePeriods, Bin [, dims...])`:
 * distinct IDs per bin among appearances that are "active": the ID was seen in at least
 * ActivePeriods distinct periods within the lookback window ending at the appearance.
 */
export function activeUsersCount(p: PluginCall): Relation {
  p.arity(8, Infinity, "an ID column, a timeline column, start, end, lookback, period, count, bin");
  const [idArg, timeArg, startArg, endArg, lookbackArg, periodArg, countArg, binArg, ...dimArgs] =
    p.args;
  const start = p.number(startArg, "the start");
  const end = p.number(endArg, "the end");
  const lookback = p.number(lookbackArg, "the lookback window");
  const period = p.number(periodArg, "the period");
  const needed = p.number(countArg, "the number of active periods");
  const bins = periodsOf(p, binArg, start);
  const input = readActivity(p, idArg, timeArg, dimArgs);
  const rows: JsValue[][] = [];
  for (const group of input.groups.values()) {
    const active = new Map<number, Set<string>>();
    for (const [id, times] of timesById(group.rows, () => true)) {
      for (const t of times) {
        if (t < start || t > end) continue;
        // The lookback window is (t - lookback, t]: its start is not part of it.
        const distinct = new Set(
          times.filter((u) => u > t - lookback && u <= t).map((u) => Math.floor(u / period)),
        );
        if (distinct.size < needed) continue;
        const bin = bins.of(t);
        active.set(bin, (active.get(bin) ?? new Set()).add(id));
      }
    }
    pushDistinctPerBin(rows, active, group.dims);
  }
  return relationOfRows(
    [timeColumn(input.timeline), ...input.dims, long("dcount")],
    rows,
  );
}

// ---------------------------------------------------------------- session_count

/**
 * `session_count(Id, Timeline, Start, End, Bin, LookBackWindow [, dims...])`: sessions
 * active in each bin. An appearance continues its ID's session when the ID appeared
 * within the lookback window before it, and starts a new session otherwise.
 */
export function sessionCount(p: PluginCall): Relation {
  p.arity(6, Infinity, "an ID column, a timeline column, start, end, bin, lookback, dimensions");
  const [idArg, timeArg, startArg, endArg, binArg, lookbackArg, ...dimArgs] = p.args;
  const start = p.number(startArg, "the start");
  const end = p.number(endArg, "the end");
  const lookback = p.number(lookbackArg, "the lookback window");
  const bins = periodsOf(p, binArg, start);
  const input = readActivity(p, idArg, timeArg, dimArgs);
  const rows: JsValue[][] = [];
  for (const group of input.groups.values()) {
    const sessions = new Map<number, Set<string>>();
    for (const [id, times] of timesById(group.rows, (t) => t >= start && t <= end)) {
      times.sort((a, b) => a - b);
      let session = 0;
      times.forEach((t, i) => {
        if (i > 0 && t - times[i - 1] > lookback) session++;
        const bin = bins.of(t);
        sessions.set(bin, (sessions.get(bin) ?? new Set()).add(`${id}#${session}`));
      });
    }
    pushDistinctPerBin(rows, sessions, group.dims);
  }
  return relationOfRows(
    [timeColumn(input.timeline), ...input.dims, long("count_sessions")],
    rows,
  );
}

// ---------------------------------------------------------------- sliding_window_counts

/**
 * `sliding_window_counts(Id, Timeline, Start, End, LookbackWindow, Bin [, dims...])`: rows
 * and distinct IDs of the lookback window ending with each bin (the window is rounded
 * down to whole bins).
 */
export function slidingWindowCounts(p: PluginCall): Relation {
  p.arity(6, Infinity, "an ID column, a timeline column, start, end, lookback, bin, dimensions");
  const [idArg, timeArg, startArg, endArg, lookbackArg, binArg, ...dimArgs] = p.args;
  const start = p.number(startArg, "the start");
  const end = p.number(endArg, "the end");
  const lookback = p.number(lookbackArg, "the lookback window");
  const bins = periodsOf(p, binArg, start);
  const input = readActivity(p, idArg, timeArg, dimArgs);
  const rows: JsValue[][] = [];
  for (const group of input.groups.values()) {
    const byBin = idsByPeriod(group.rows, bins, start, end);
    const windows = new Map<number, { ids: Set<string>; count: number }>();
    for (const [bin, { ids, count }] of byBin) {
      // A bin counts for itself and the following bins its lookback window reaches.
      for (let target = bin; target <= end && target < bin + lookback; target = bins.next(target)) {
        const w = windows.get(target) ?? { ids: new Set<string>(), count: 0 };
        for (const id of ids) w.ids.add(id);
        w.count += count;
        windows.set(target, w);
      }
    }
    for (const [bin, w] of [...windows].sort((a, b) => a[0] - b[0])) {
      rows.push([bin, ...group.dims, w.count, w.ids.size]);
    }
  }
  return relationOfRows(
    [timeColumn(input.timeline), ...input.dims, long("Count"), long("Dcount")],
    rows,
  );
}
