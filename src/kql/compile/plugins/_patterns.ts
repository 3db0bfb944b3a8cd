/**
 * The pattern-mining plugins: `basket` (frequent patterns, Apriori-style), `autocluster`
 * (a few patterns that summarize the rows) and `diffpatterns` (patterns that tell two
 * sets of rows apart). A pattern is a set of column = value pairs; columns outside it
 * show the wildcard (null, or "" for strings, unless custom wildcards are given).
 *
 * Kusto documents the aim of each algorithm and its parameters, not its exact steps: the
 * local engine mines the closed frequent patterns exactly (no sampling) and selects among
 * them as each plugin's documentation describes, so `basket` matches Kusto's definition
 * while `autocluster` and `diffpatterns` give patterns of the same kind, not necessarily
 * the same ones.
 *
 * @module
 */
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import type { Relation } from "../_context.ts";
import type { JsValue } from "../../runtime/_values.ts";
import { columnName, keyOf, type PluginCall, relationOfRows, rowsOf } from "./_args.ts";

/** A pattern: one item (a value's index) per constrained column, the rows it covers. */
interface Pattern {
  /** `items[c]` is the index of column c's value, or -1 for the wildcard. */
  readonly items: readonly number[];
  /** Indexes of the rows that match. */
  readonly rows: readonly number[];
  /** The weight of those rows. */
  readonly weight: number;
}

/** How many candidate patterns a search may visit before it gives up. */
const MAX_PATTERNS_VISITED = 500_000;

/**
 * How many rows a search may read (a pattern's rows, once per column it splits them by)
 * before it gives up: a wide table's patterns each hold thousands of rows, so counting
 * patterns alone let `T | evaluate autocluster()` run for minutes and exhaust the memory.
 * A billion reads is a few seconds: a 200,000-row table of eight columns needs about a
 * tenth of it, the demo case's 45-column SigninLogs runs out of it in about 1.5 s.
 */
const MAX_ROWS_READ = 1_000_000_000;

/** The search visited too many patterns: the caller says what to change. */
class TooManyPatterns extends Error {}

/** Runs a search, turning an exhausted budget into a query error with a hint. */
function bounded<T>(p: PluginCall, search: () => T): T {
  try {
    return search();
  } catch (error) {
    if (!(error instanceof TooManyPatterns)) throw error;
    throw p.ctx.error(
      `${p.name}() has too many candidate patterns to search (too many columns or distinct values)`,
      p.call.span,
      "Project fewer columns, raise the threshold, or lower MaxDimensions.",
    );
  }
}

/** The rows as item indexes per column, with each column's distinct values. */
interface Encoded {
  readonly columns: readonly ColumnSchema[];
  /** `cells[c][row]`: the index of the row's value in `values[c]`, or -1 (no item). */
  readonly cells: readonly Int32Array[];
  readonly values: readonly JsValue[][];
  readonly weights: readonly number[];
  readonly height: number;
}

function encode(
  columns: readonly ColumnSchema[],
  rows: Map<string, JsValue[]>,
  weights: readonly number[],
): Encoded {
  const height = weights.length;
  const values: JsValue[][] = [];
  const cells = columns.map((c, ci) => {
    const index = new Map<string, number>();
    values[ci] = [];
    const out = new Int32Array(height).fill(-1);
    rows.get(c.name)!.forEach((v, row) => {
      // Nulls and empty strings are what the wildcard shows: never an item.
      if (v === null || v === "") return;
      const key = keyOf([v]);
      let at = index.get(key);
      if (at === undefined) {
        at = values[ci].length;
        values[ci].push(v);
        index.set(key, at);
      }
      out[row] = at;
    });
    return out;
  });
  return { columns, cells, values, weights, height };
}

/**
 * The closed patterns (no pattern with one more item covers the same rows) whose weight
 * reaches `minWeight`, with at most `maxItems` items, by depth-first search over columns.
 */
function closedPatterns(
  data: Encoded,
  rowsIn: readonly number[],
  minWeight: number,
  maxItems: number,
): Pattern[] {
  const out: Pattern[] = [];
  const weigh = (rows: readonly number[]) => rows.reduce((s, r) => s + data.weights[r], 0);
  let budget = MAX_PATTERNS_VISITED;
  let reads = MAX_ROWS_READ;
  const grow = (items: number[], rows: readonly number[], weight: number, fromColumn: number) => {
    if (--budget < 0) throw new TooManyPatterns();
    reads -= rows.length * data.columns.length;
    if (reads < 0) throw new TooManyPatterns();
    let closed = true;
    if (items.filter((i) => i >= 0).length < maxItems) {
      for (let c = 0; c < data.columns.length; c++) {
        if (items[c] >= 0) continue;
        // Split the rows by their value in column c.
        const byValue = new Map<number, number[]>();
        for (const r of rows) {
          const v = data.cells[c][r];
          if (v < 0) continue;
          const list = byValue.get(v);
          if (list) list.push(r);
          else byValue.set(v, [r]);
        }
        for (const [v, subset] of byValue) {
          const w = weigh(subset);
          if (w < minWeight) continue;
          if (subset.length === rows.length) closed = false;
          // Each set of items is reached once: from its columns in increasing order.
          if (c < fromColumn) continue;
          const next = [...items];
          next[c] = v;
          grow(next, subset, w, c + 1);
        }
      }
    }
    if (closed && items.some((i) => i >= 0)) out.push({ items, rows, weight });
  };
  grow(data.columns.map(() => -1), rowsIn, weigh(rowsIn), 0);
  return out;
}

/** The wildcard of each column: custom ones by type, else "" for strings and null. */
function wildcards(
  p: PluginCall,
  columns: readonly ColumnSchema[],
  args: readonly A.Expression[],
): JsValue[] {
  const custom = new Map<KustoType, JsValue>();
  for (const e of args) {
    if (e.kind === "literal" && e.value === "~") continue;
    const value = p.constant(e, "a custom wildcard");
    custom.set(value.type, value.constant!.value);
  }
  return columns.map((c) =>
    custom.has(c.type) ? custom.get(c.type)! : c.type === "string" ? "" : null
  );
}

/** A pattern's cells: its values, the wildcard elsewhere. */
function cellsOf(data: Encoded, pattern: Pattern, wild: readonly JsValue[]): JsValue[] {
  return pattern.items.map((v, c) => (v < 0 ? wild[c] : data.values[c][v]));
}

/** The weight of each row: 1, or the weight column's value. */
function weightsOf(p: PluginCall, e: A.Expression | undefined, height: number): number[] {
  if (!e) return new Array(height).fill(1);
  const [w] = p.compute([e]);
  if (!["int", "long", "real", "decimal"].includes(w.type)) {
    throw p.ctx.error(`the weight column of ${p.name}() must be numeric`, e.span);
  }
  return w.values.map((v) => (typeof v === "number" ? v : 0));
}

function ratioArg(p: PluginCall, e: A.Expression | undefined, fallback: number, what: string) {
  if (!e) return fallback;
  const value = p.number(e, what);
  if (!(value > 0 && value <= 1)) {
    throw p.ctx.error(`${what} of ${p.name}() must be between 0 and 1`, e.span);
  }
  return value;
}

/** The input's dimension columns: all but the weight column and the ones named in `skip`. */
function dimensionsOf(p: PluginCall, skip: readonly (A.Expression | undefined)[]): ColumnSchema[] {
  const names = new Set(skip.map((e) => (e ? columnName(e) : undefined)).filter(Boolean));
  return p.input.columns.filter((c) => !names.has(c.name));
}

function heightOfInput(rows: Map<string, JsValue[]>, input: Relation): number {
  const first = input.columns[0];
  return first ? rows.get(first.name)!.length : 0;
}

/**
 * What basket and autocluster mine: the input's dimension columns (all but the weight
 * column), its rows encoded with their weights, the total weight, and every row index.
 */
function patternInput(p: PluginCall, weightArg: ReturnType<PluginCall["arg"]>) {
  const columns = dimensionsOf(p, [weightArg]);
  const rows = rowsOf(p.input);
  const height = heightOfInput(rows, p.input);
  const data = encode(columns, rows, weightsOf(p, weightArg, height));
  const total = data.weights.reduce((s, w) => s + w, 0);
  const all = Array.from({ length: height }, (_, i) => i);
  return { columns, data, total, all };
}

// ---------------------------------------------------------------- basket

/**
 * `basket([Threshold, WeightColumn, MaxDimensions, CustomWildcard...])`: every closed
 * frequent pattern: rows sharing column values, at least Threshold (default 0.05) of the
 * rows, at most MaxDimensions (default 5) columns.
 */
export function basket(p: PluginCall): Relation {
  const threshold = ratioArg(p, p.arg(0, "Threshold"), 0.05, "the threshold");
  const weightArg = p.arg(1, "WeightColumn");
  const maxArg = p.arg(2, "MaxDimensions");
  const maxDims = maxArg ? Math.max(1, Math.floor(p.number(maxArg, "MaxDimensions"))) : 5;
  const { columns, data, total, all } = patternInput(p, weightArg);
  const patterns = bounded(p, () => closedPatterns(data, all, threshold * total, maxDims))
    .sort((a, b) => b.weight - a.weight);
  const wild = wildcards(p, columns, p.args.slice(3));
  const out = patterns.map((
    pt,
    i,
  ) => [i, pt.weight, (100 * pt.weight) / total, ...cellsOf(data, pt, wild)]);
  return relationOfRows([
    { name: "SegmentId", type: "long" },
    { name: "Count", type: "long" },
    { name: "Percent", type: "real" },
    ...columns,
  ], out);
}

// ---------------------------------------------------------------- autocluster

/** The most columns an autocluster pattern fixes. */
const AUTOCLUSTER_MAX_DIMENSIONS = 8;

/**
 * `autocluster([SizeWeight, WeightColumn, NumSeeds, CustomWildcard...])`: a few patterns
 * that together cover much of the data. Candidates are the closed patterns; each is scored
 * by the weighted geometric mean of its coverage and of the share of columns it fixes
 * (weights SizeWeight and 1 - SizeWeight, as Kusto documents), and the best are taken in
 * turn while they still cover rows the patterns before them do not.
 */
export function autocluster(p: PluginCall): Relation {
  const sizeWeight = ratioArg(p, p.arg(0, "SizeWeight"), 0.5, "the size weight");
  const weightArg = p.arg(1, "WeightColumn");
  const seedsArg = p.arg(2, "NumSeeds");
  const seeds = seedsArg ? Math.max(1, Math.floor(p.number(seedsArg, "NumSeeds"))) : 25;
  const { columns, data, total, all } = patternInput(p, weightArg);
  const score = (pt: Pattern) => {
    const size = pt.items.filter((i) => i >= 0).length;
    return (pt.weight / total) ** sizeWeight *
      (size / Math.max(1, columns.length)) ** (1 - sizeWeight);
  };
  const depth = Math.min(columns.length, AUTOCLUSTER_MAX_DIMENSIONS);
  const candidates = bounded(p, () => closedPatterns(data, all, 0.05 * total, depth))
    .sort((a, b) => score(b) - score(a))
    .slice(0, seeds * 20);
  const covered = new Set<number>();
  const chosen: Pattern[] = [];
  for (const pt of candidates) {
    if (chosen.length >= seeds) break;
    const fresh = pt.rows.filter((r) => !covered.has(r)).length;
    if (fresh < pt.rows.length / 2) continue;
    chosen.push(pt);
    for (const r of pt.rows) covered.add(r);
  }
  const wild = wildcards(p, columns, p.args.slice(3));
  const out = chosen.map((
    pt,
    i,
  ) => [i, pt.weight, (100 * pt.weight) / total, ...cellsOf(data, pt, wild)]);
  return relationOfRows([
    { name: "SegmentId", type: "long" },
    { name: "Count", type: "long" },
    { name: "Percent", type: "real" },
    ...columns,
  ], out);
}

// ---------------------------------------------------------------- diffpatterns

/**
 * `diffpatterns(SplitColumn, SplitValueA, SplitValueB [, WeightColumn, Threshold,
 * MaxDimensions, CustomWildcard...])`: patterns whose share of set A and of set B differ
 * by at least Threshold (default 0.05), the largest differences first; a pattern is left
 * out when a more general or more specific one already shows the same difference.
 */
export function diffpatterns(p: PluginCall): Relation {
  p.arity(3, Infinity, "a split column, two split values, then options");
  const [splitArg, aArg, bArg] = p.args;
  const weightArg = p.arg(3, "WeightColumn");
  const threshold = ratioArg(p, p.arg(4, "Threshold"), 0.05, "the threshold");
  const maxArg = p.arg(5, "MaxDimensions");
  const columns = dimensionsOf(p, [weightArg, splitArg]);
  const maxDims = maxArg
    ? Math.max(1, Math.floor(p.number(maxArg, "MaxDimensions")))
    : columns.length;
  const rows = rowsOf(p.input);
  const height = heightOfInput(rows, p.input);
  const data = encode(columns, rows, weightsOf(p, weightArg, height));
  const [split] = p.compute([splitArg]);
  const text = (v: JsValue) => (v === null ? "" : typeof v === "string" ? v : String(v));
  const a = String(p.constant(aArg, "split value A").constant!.value);
  const b = String(p.constant(bArg, "split value B").constant!.value);
  const rowsA: number[] = [];
  const rowsB: number[] = [];
  split.values.forEach((v, r) => {
    if (text(v) === a) rowsA.push(r);
    else if (text(v) === b) rowsB.push(r);
  });
  const weigh = (list: readonly number[]) => list.reduce((s, r) => s + data.weights[r], 0);
  const totalA = weigh(rowsA);
  const totalB = weigh(rowsB);
  const inA = new Set(rowsA);
  const found = new Map<string, Pattern>();
  for (const [set, total] of [[rowsA, totalA], [rowsB, totalB]] as const) {
    for (const pt of bounded(p, () => closedPatterns(data, set, threshold * total, maxDims))) {
      found.set(keyOf(pt.items), pt);
    }
  }
  const scored = [...found.values()].map((pt) => {
    // Count each candidate over both sets.
    const matches = [...rowsA, ...rowsB].filter((r) =>
      pt.items.every((v, c) => v < 0 || data.cells[c][r] === v)
    );
    const countA = weigh(matches.filter((r) => inA.has(r)));
    const countB = weigh(matches.filter((r) => !inA.has(r)));
    const percentA = totalA > 0 ? (100 * countA) / totalA : 0;
    const percentB = totalB > 0 ? (100 * countB) / totalB : 0;
    return { pt, countA, countB, percentA, percentB, diff: Math.abs(percentA - percentB) };
  }).filter((s) => s.diff >= threshold * 100).sort((x, y) => y.diff - x.diff);
  const related = (x: Pattern, y: Pattern) => {
    const sub = (s: Pattern, t: Pattern) => s.items.every((v, c) => v < 0 || t.items[c] === v);
    return sub(x, y) || sub(y, x);
  };
  const chosen: typeof scored = [];
  for (const s of scored) {
    const direction = Math.sign(s.percentA - s.percentB);
    const shown = chosen.some((c) =>
      related(c.pt, s.pt) && Math.sign(c.percentA - c.percentB) === direction
    );
    if (!shown) chosen.push(s);
  }
  const wild = wildcards(p, columns, p.args.slice(6));
  const out = chosen.map((s, i) => [
    i,
    s.countA,
    s.countB,
    s.percentA,
    s.percentB,
    s.diff,
    ...cellsOf(data, s.pt, wild),
  ]);
  return relationOfRows([
    { name: "SegmentId", type: "long" },
    { name: "CountA", type: "long" },
    { name: "CountB", type: "long" },
    { name: "PercentA", type: "real" },
    { name: "PercentB", type: "real" },
    { name: "PercentDiffAB", type: "real" },
    ...columns,
  ], out);
}
