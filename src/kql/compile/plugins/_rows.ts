/**
 * Plugins that pick or summarize rows in their order: `rows_near` (rows around those
 * matching a condition), `preview` (the first rows), `rolling_percentile` (a percentile
 * over a sliding window of bins), `schema_merge` (one schema from `getschema`
 * outputs) and `dcount_intersect` (distinct counts of intersections of hll sketches).
 *
 * @module
 */
import { pl } from "../../../polars.ts";
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import type { Relation } from "../_context.ts";
import type { JsValue } from "../../runtime/_values.ts";
import { keyOf, type PluginCall, relationOfRows, rowsOf } from "./_args.ts";

// ---------------------------------------------------------------- rows_near

/** `rows_near(Condition, NumRows [, RowsAfter])`: rows within reach of a row where the condition holds. */
export function rowsNear(p: PluginCall): Relation {
  p.arity(2, 3, "a condition, a number of rows, and optionally a number of rows after");
  const [conditionArg, beforeArg, afterArg] = p.args;
  const before = p.number(beforeArg, "the number of rows");
  const after = afterArg ? p.number(afterArg, "the number of rows after") : before;
  const [condition] = p.compute([conditionArg]);
  if (condition.type !== "bool") {
    throw p.ctx.error("the condition of rows_near() must be a bool", conditionArg.span);
  }
  const keep = new Array<boolean>(condition.values.length).fill(false);
  condition.values.forEach((hit, row) => {
    if (hit !== true) return;
    const from = Math.max(0, row - before);
    const to = Math.min(keep.length - 1, row + after);
    for (let i = from; i <= to; i++) keep[i] = true;
  });
  const index = p.ctx.temp("__row");
  const wanted = keep.flatMap((k, i) => (k ? [i] : []));
  return {
    ...p.input,
    frame: p.input.frame.withRowIndex(index)
      .filter(pl.col(index).isIn(wanted))
      .select(...p.input.columns.map((c) => pl.col(c.name))),
  };
}

// ---------------------------------------------------------------- preview

/** `preview(NumberOfRows)`: the first rows (Kusto's second table, the row count, is left out). */
export function preview(p: PluginCall): Relation {
  p.arity(1, 1, "a number of rows");
  const n = p.number(p.args[0], "the number of rows");
  return { ...p.input, frame: p.input.frame.head(Math.max(0, Math.floor(n))) };
}

// ---------------------------------------------------------------- rolling_percentile

/**
 * `rolling_percentile(Value, Percentile, Index, BinSize, BinsPerWindow [, dims...])`: per
 * bin of the index, the percentile (nearest rank, as Kusto's percentile()) of the values
 * of the window of bins ending with it.
 */
export function rollingPercentile(p: PluginCall): Relation {
  p.arity(5, Infinity, "a value, a percentile, an index column, a bin size, a window, dimensions");
  const [valueArg, pctArg, indexArg, binArg, windowArg, ...dimArgs] = p.args;
  const percentile = p.number(pctArg, "the percentile");
  const binSize = p.number(binArg, "the bin size");
  const window = Math.floor(p.number(windowArg, "the number of bins per window"));
  if (!(binSize > 0) || window < 1) {
    throw p.ctx.error("rolling_percentile() needs a positive bin size and window", p.call.span);
  }
  const index = p.column(indexArg, "the index column");
  const [values, indexes, ...dims] = p.compute([valueArg, indexArg, ...dimArgs]);
  const groups = new Map<string, { dims: JsValue[]; bins: Map<number, number[]> }>();
  values.values.forEach((v, row) => {
    const at = indexes.values[row];
    if (typeof v !== "number" || typeof at !== "number") return;
    const dimRow = dims.map((d) => d.values[row]);
    const key = keyOf(dimRow);
    const group = groups.get(key) ?? { dims: dimRow, bins: new Map() };
    const bin = Math.floor(at / binSize) * binSize;
    (group.bins.get(bin) ?? group.bins.set(bin, []).get(bin)!).push(v);
    groups.set(key, group);
  });
  const rows: JsValue[][] = [];
  for (const group of groups.values()) {
    for (const bin of [...group.bins.keys()].sort((a, b) => a - b)) {
      const inWindow: number[] = [];
      for (let k = 0; k < window; k++) inWindow.push(...(group.bins.get(bin - k * binSize) ?? []));
      inWindow.sort((a, b) => a - b);
      const rank = Math.max(0, Math.ceil((percentile / 100) * inWindow.length) - 1);
      rows.push([bin, ...group.dims, inWindow[rank]]);
    }
  }
  const dimColumns = dims.map((d, i): ColumnSchema => ({
    name: d.name ?? `dim${i + 1}`,
    type: d.type,
  }));
  const valueName = values.name ?? "value";
  return relationOfRows([
    { name: index.name, type: index.type },
    ...dimColumns,
    { name: `rolling_${window}_percentile_${valueName}_${percentile}`, type: values.type },
  ], rows);
}

// ---------------------------------------------------------------- schema_merge

const NUMERIC_RANK: Partial<Record<KustoType, number>> = { int: 1, long: 2, decimal: 3, real: 4 };

/**
 * `schema_merge([PreserveOrder])`: the `getschema` rows of several schemas (each starting
 * at ordinal 0) merged into one; a column whose type cannot be reduced, or that moved
 * while the order is preserved, is reported in the row with ordinal -1.
 */
export function schemaMerge(p: PluginCall): Relation {
  p.arity(0, 1, "an optional PreserveOrder flag");
  const preserve = p.bool(p.arg(0, "PreserveOrder"), "PreserveOrder", true);
  for (const name of ["ColumnName", "ColumnOrdinal", "DataType", "ColumnType"]) {
    if (!p.input.columns.some((c) => c.name === name)) {
      throw p.ctx.error(
        `schema_merge() merges the output of getschema; its input has no column '${name}'`,
        p.call.span,
      );
    }
  }
  const rows = rowsOf(p.input);
  const names = rows.get("ColumnName")!;
  const ordinals = rows.get("ColumnOrdinal")!;
  const dataTypes = rows.get("DataType")!;
  const columnTypes = rows.get("ColumnType")!;
  interface Merged {
    name: string;
    ordinal: number;
    dataType: string;
    type: string;
    error?: string;
  }
  const merged = new Map<string, Merged>();
  for (let row = 0; row < names.length; row++) {
    const name = String(names[row]);
    const ordinal = Number(ordinals[row]);
    const type = String(columnTypes[row]);
    const dataType = String(dataTypes[row]);
    const seen = merged.get(name);
    if (!seen) {
      merged.set(name, { name, ordinal, dataType, type });
      continue;
    }
    if (seen.error) continue;
    if (preserve && seen.ordinal !== ordinal) {
      seen.error = "columns are out of order";
      continue;
    }
    if (!preserve) seen.ordinal = Math.max(seen.ordinal, ordinal);
    if (seen.type !== type) {
      const a = NUMERIC_RANK[seen.type as KustoType];
      const b = NUMERIC_RANK[type as KustoType];
      if (a !== undefined && b !== undefined) {
        if (b > a) Object.assign(seen, { type, dataType });
      } else seen.error = `cannot merge types ${seen.type} and ${type}`;
    }
  }
  const valid = [...merged.values()].filter((m) => !m.error);
  const failed = [...merged.values()].filter((m) => m.error);
  // Column order: by ordinal (the first schema's ordinals when preserving the order; the
  // latest schema's otherwise), ties by first appearance.
  const ordered = valid.map((m, i) => ({ m, i })).sort((a, b) =>
    a.m.ordinal - b.m.ordinal || a.i - b.i
  ).map(({ m }) => m);
  const out: JsValue[][] = ordered.map((m, i) => [m.name, i, m.dataType, m.type]);
  for (const m of failed) {
    out.push([m.name, -1, `ERROR(unknown CSL type:ERROR(${m.error}))`, `ERROR(${m.error})`]);
  }
  return relationOfRows([
    { name: "ColumnName", type: "string" },
    { name: "ColumnOrdinal", type: "long" },
    { name: "DataType", type: "string" },
    { name: "ColumnType", type: "string" },
  ], out);
}

// ---------------------------------------------------------------- dcount_intersect

/**
 * `dcount_intersect(hll_1, hll_2 [, ...])`: columns s0 .. s(n-1), the distinct counts of
 * S1, S1 ∩ S2, ..., S1 ∩ ... ∩ Sn, from `hll()` sketches. Each intersection is computed
 * by inclusion-exclusion over the unions (`dcount_hll(hll_merge(...))`) of its sets.
 */
export function dcountIntersect(p: PluginCall): Relation {
  p.arity(2, 16, "from 2 to 16 hll() values");
  const at = p.call.span;
  const call = (name: string, args: A.Expression[]): A.Expression => ({
    kind: "call",
    name,
    args,
    span: at,
  });
  const unionCount = (sets: A.Expression[]) =>
    call("dcount_hll", [sets.length === 1 ? sets[0] : call("hll_merge", sets)]);
  const columns: A.NamedExpression[] = p.args.map((_, k) => {
    let sum: A.Expression | undefined;
    // Every non-empty subset of the first k + 1 sets, with the sign of its size.
    for (let mask = 1; mask < 1 << (k + 1); mask++) {
      const sets = p.args.filter((_, i) => mask & (1 << i));
      const term = unionCount([...sets]);
      const add = sets.length % 2 === 1;
      sum = sum === undefined
        ? term
        : { kind: "binary", op: add ? "+" : "-", left: sum, right: term, span: at };
    }
    return { names: [`s${k}`], expression: sum!, span: at };
  });
  return p.ctx.compiler.applyOperator(
    p.input,
    { kind: "extend", columns, span: at },
    p.scope,
    p.ctx,
  );
}
