/**
 * The sequence plugins: `funnel_sequence` (who went through a sequence of states, and
 * what came just before and after it), `funnel_sequence_completion` (how far IDs got
 * through a sequence within each allowed period) and `sequence_detect` (every
 * occurrence of a sequence of predicates, per dimension values).
 *
 * @module
 */
import type { ColumnSchema } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import type { Relation } from "../_context.ts";
import { type JsValue, kustoToString } from "../../runtime/_values.ts";
import { keyOf, type PluginCall, relationOfRows } from "./_args.ts";

/** Samples of IDs `funnel_sequence` returns per row, at most. */
const MAX_SAMPLES = 128;

/** One event of an ID: when, and in which state. */
interface Event {
  readonly t: number;
  readonly state: string;
}

/** The events of each ID between `start` and `end`, in time order. */
function eventsById(
  p: PluginCall,
  idArg: A.Expression,
  timeArg: A.Expression,
  stateArg: A.Expression,
  start: number,
  end: number,
): Map<string, { id: JsValue; events: Event[] }> {
  const [ids, times, states] = p.compute([idArg, timeArg, stateArg]);
  const out = new Map<string, { id: JsValue; events: Event[] }>();
  ids.values.forEach((id, row) => {
    const t = times.values[row];
    if (id === null || typeof t !== "number" || t < start || t > end) return;
    const key = keyOf([id]);
    const entry = out.get(key) ?? { id, events: [] };
    entry.events.push({ t, state: kustoToString(states.values[row], states.type) });
    out.set(key, entry);
  });
  for (const entry of out.values()) entry.events.sort((a, b) => a.t - b.t);
  return out;
}

/** The states of a `dynamic` array argument. */
function sequenceOf(p: PluginCall, e: A.Expression): string[] {
  const value = p.constant(e, "the sequence").constant!.value;
  if (!Array.isArray(value) || value.length === 0) {
    throw p.ctx.error(`the sequence of ${p.name}() must be a non-empty dynamic array`, e.span);
  }
  return value.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

function binOf(t: number, start: number, step: number): number {
  return start + Math.floor((t - start) / step) * step;
}

// ---------------------------------------------------------------- funnel_sequence

/**
 * `funnel_sequence(Id, Timeline, Start, End, MaxSequenceStepWindow, Step, State, Sequence)`:
 * per period, the distinct IDs whose events went through `Sequence` as consecutive
 * events (each within the step window of the one before), by the state just before and
 * just after it ("" when there is none within the window). Kusto returns two more
 * tables (by previous state only, by next state only); the local engine returns this
 * first one.
 */
export function funnelSequence(p: PluginCall): Relation {
  p.arity(8, 8, "an ID, a timeline, start, end, a step window, a step, a state column, a sequence");
  const [idArg, timeArg, startArg, endArg, windowArg, stepArg, stateArg, sequenceArg] = p.args;
  const timeline = p.column(timeArg, "the timeline column");
  const start = p.number(startArg, "the start");
  const end = p.number(endArg, "the end");
  const window = p.number(windowArg, "the step window");
  const step = p.number(stepArg, "the step");
  const sequence = sequenceOf(p, sequenceArg);
  const found = new Map<
    string,
    { period: number; prev: string; next: string; ids: Map<string, JsValue> }
  >();
  for (const [key, { id, events }] of eventsById(p, idArg, timeArg, stateArg, start, end)) {
    for (let i = 0; i + sequence.length <= events.length; i++) {
      const matches = sequence.every((s, k) =>
        events[i + k].state === s && (k === 0 || events[i + k].t - events[i + k - 1].t <= window)
      );
      if (!matches) continue;
      const last = i + sequence.length - 1;
      const before = events[i - 1];
      const after = events[last + 1];
      const prev = before && events[i].t - before.t <= window ? before.state : "";
      const next = after && after.t - events[last].t <= window ? after.state : "";
      const period = binOf(events[i].t, start, step);
      const rowKey = keyOf([period, prev, next]);
      const row = found.get(rowKey) ?? { period, prev, next, ids: new Map() };
      row.ids.set(key, id);
      found.set(rowKey, row);
    }
  }
  const rows = [...found.values()]
    .sort((a, b) => a.period - b.period || b.ids.size - a.ids.size)
    .map((r) => [r.period, r.prev, r.next, r.ids.size, [...r.ids.values()].slice(0, MAX_SAMPLES)]);
  return relationOfRows([
    { name: timeline.name, type: timeline.type },
    { name: "prev", type: "string" },
    { name: "next", type: "string" },
    { name: "dcount", type: "long" },
    { name: "samples", type: "dynamic" },
  ], rows);
}

// ---------------------------------------------------------------- funnel_sequence_completion

/**
 * `funnel_sequence_completion(Id, Timeline, Start, End, BinSize, State, Sequence, MaxPeriods)`:
 * per bin and per allowed period, the distinct IDs that reached each step of `Sequence`
 * (steps in order, the last within the period of the first).
 */
export function funnelSequenceCompletion(p: PluginCall): Relation {
  p.arity(8, 8, "an ID, a timeline, start, end, a bin size, a state column, a sequence, periods");
  const [idArg, timeArg, startArg, endArg, binArg, stateArg, sequenceArg, periodsArg] = p.args;
  const timeline = p.column(timeArg, "the timeline column");
  const state = p.column(stateArg, "the state column");
  const start = p.number(startArg, "the start");
  const end = p.number(endArg, "the end");
  const binSize = p.number(binArg, "the bin size");
  const sequence = sequenceOf(p, sequenceArg);
  const periodsValue = p.constant(periodsArg, "the periods").constant!.value;
  const periods = (Array.isArray(periodsValue) ? periodsValue : [periodsValue]).map((v) =>
    typeof v === "string" ? timespanOf(v) : Number(v)
  );
  if (periods.some((v) => !Number.isFinite(v))) {
    throw p.ctx.error(
      "the periods of funnel_sequence_completion() must be timespans",
      periodsArg.span,
    );
  }
  // reached[bin][period][step] = IDs that got at least that far.
  const reached = new Map<number, Set<string>[][]>();
  for (const [key, { events }] of eventsById(p, idArg, timeArg, stateArg, start, end)) {
    events.forEach((first, i) => {
      if (first.state !== sequence[0]) return;
      const bin = binOf(first.t, start, binSize);
      const steps = reached.get(bin) ??
        periods.map(() => sequence.map(() => new Set<string>()));
      reached.set(bin, steps);
      periods.forEach((period, pi) => {
        let step = 0;
        steps[pi][0].add(key);
        for (let j = i + 1; j < events.length && step + 1 < sequence.length; j++) {
          if (events[j].t - first.t > period) break;
          if (events[j].state === sequence[step + 1]) {
            step++;
            steps[pi][step].add(key);
          }
        }
      });
    });
  }
  const rows: JsValue[][] = [];
  for (const bin of [...reached.keys()].sort((a, b) => a - b)) {
    periods.forEach((period, pi) => {
      sequence.forEach((s, k) => rows.push([bin, s, period, reached.get(bin)![pi][k].size]));
    });
  }
  return relationOfRows([
    { name: timeline.name, type: timeline.type },
    { name: state.name, type: "string" },
    { name: "Period", type: "timespan" },
    { name: "dcount", type: "long" },
  ], rows);
}

/** A timespan given as text in a dynamic array (`"01:00:00"`, `"1.00:00:00"`), in microseconds. */
function timespanOf(text: string): number {
  const m = /^(-)?(?:(\d+)\.)?(\d+):(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (!m) return NaN;
  const [, sign, days, hours, minutes, seconds] = m;
  const total = ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 +
    Number(seconds ?? 0);
  return (sign ? -1 : 1) * Math.round(total * 1_000_000);
}

// ---------------------------------------------------------------- sequence_detect

/**
 * `sequence_detect(Timeline, MaxSequenceStepWindow, MaxSequenceSpan, Expr1, Expr2, ...,
 * Dim1, Dim2, ...)`: per dimension values, every chain of rows where each predicate
 * holds in turn, each step within the step window of the one before and the whole
 * chain within the span. Predicates are the bool arguments (named ones name their
 * columns), dimensions the others.
 */
export function sequenceDetect(p: PluginCall): Relation {
  p.arity(3, Infinity, "a timeline column, a step window, a span, predicates and dimensions");
  const [timeArg, windowArg, spanArg, ...rest] = p.args;
  const timeline = p.column(timeArg, "the timeline column");
  const window = p.number(windowArg, "the step window");
  const span = p.number(spanArg, "the sequence span");
  const steps: Array<{ name: string; e: A.Expression }> = [];
  const dimArgs: A.Expression[] = [];
  for (const e of rest) {
    if (p.typeOf(e) === "bool") steps.push({ name: "", e });
    else dimArgs.push(e);
  }
  // Named arguments (`heat = (EventType == "Excessive Heat")`) are the named steps, in order.
  for (const [name, e] of Object.entries(p.call.named ?? {})) steps.push({ name, e });
  if (steps.length === 0) {
    throw p.ctx.error("sequence_detect() needs at least one predicate", p.call.span);
  }
  const [times, ...computed] = p.compute([timeArg, ...steps.map((s) => s.e), ...dimArgs]);
  const predicates = computed.slice(0, steps.length);
  const dims = computed.slice(steps.length);
  const groups = new Map<string, { dims: JsValue[]; rows: number[] }>();
  times.values.forEach((t, row) => {
    if (typeof t !== "number") return;
    const dimRow = dims.map((d) => d.values[row]);
    const key = keyOf(dimRow);
    const group = groups.get(key) ?? { dims: dimRow, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  });
  const out: JsValue[][] = [];
  for (const group of groups.values()) {
    const rows = group.rows.sort((a, b) =>
      (times.values[a] as number) - (times.values[b] as number)
    );
    const chains = (chain: number[]): void => {
      const k = chain.length;
      if (k === steps.length) {
        const ts = chain.map((r) => times.values[r] as number);
        out.push([...group.dims, ...ts, ts[ts.length - 1] - ts[0]]);
        return;
      }
      const previous = k === 0 ? undefined : (times.values[chain[k - 1]] as number);
      const first = k === 0 ? undefined : (times.values[chain[0]] as number);
      for (const row of rows) {
        if (predicates[k].values[row] !== true) continue;
        const t = times.values[row] as number;
        if (previous !== undefined) {
          if (t <= previous || t - previous > window || t - first! > span) continue;
        }
        chains([...chain, row]);
      }
    };
    chains([]);
  }
  const columns: ColumnSchema[] = [
    ...dims.map((d, i): ColumnSchema => ({ name: d.name ?? `dim${i + 1}`, type: d.type })),
    ...steps.map((s): ColumnSchema => ({
      name: `${s.name}_${timeline.name}`,
      type: timeline.type,
    })),
    { name: "Duration", type: timeline.type === "datetime" ? "timespan" : timeline.type },
  ];
  return relationOfRows(uniqueColumns(columns), out);
}

/** Columns with repeated names suffixed (`_Ts`, `_Ts1`), as Kusto makes names unique. */
function uniqueColumns(columns: readonly ColumnSchema[]): ColumnSchema[] {
  const seen = new Map<string, number>();
  return columns.map((c) => {
    const n = seen.get(c.name) ?? 0;
    seen.set(c.name, n + 1);
    return n === 0 ? c : { ...c, name: `${c.name}${n}` };
  });
}
