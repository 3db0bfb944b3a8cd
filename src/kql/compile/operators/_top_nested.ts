/**
 * `top-nested` (hierarchical top values) and `top-hitters` (the most frequent values).
 * Aggregations go through `summarize`, so every aggregate and its result type work here
 * as they do there; the choice of the top values per level is made in JavaScript over
 * the (small) aggregated tables.
 *
 * @module
 */
import { pl } from "../../../polars.ts";
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import { type Context, ExprEnv, type Relation, rowEnv, type Scope } from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { convertJs } from "../_conversion.ts";
import { derivedName, uniqueNames } from "../_names.ts";
import { jsToSeries, type JsValue, readableExpr, seriesToJs } from "../../runtime/_values.ts";
import { rowCount } from "./_rows.ts";

/** Applies `top-hitters N of Value [by Sum]`: `summarize` then `top`, with Kusto's names. */
export function topHitters(
  input: Relation,
  op: A.TopHittersOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const columns = new Map(input.columns.map((c) => [c.name, c.type]));
  const valueName = op.value.names?.[0] ?? derivedName(op.value.expression, "Column1", columns);
  const aggregate: A.Expression = op.by
    ? { kind: "call", name: "sum", args: [op.by], span: op.by.span }
    : { kind: "call", name: "count", args: [], span: op.span };
  const aggregateName = op.by
    ? `approximate_sum_${derivedName(op.by, valueName, columns)}`
    : `approximate_count_${valueName}`;
  const counted = ctx.compiler.applyOperator(
    input,
    {
      kind: "summarize",
      aggregates: [{ names: [aggregateName], expression: aggregate, span: op.span }],
      by: [{ names: [valueName], expression: op.value.expression, span: op.value.span }],
      span: op.span,
    },
    scope,
    ctx,
  );
  return ctx.compiler.applyOperator(
    counted,
    {
      kind: "top",
      count: op.count,
      keys: [{
        expression: { kind: "name", name: aggregateName, span: op.span },
        descending: true,
      }],
      span: op.span,
    },
    scope,
    ctx,
  );
}

interface Level {
  readonly op: A.TopNestedLevel;
  /** The temporary column of the level's value. */
  readonly key: string;
  readonly keyType: KustoType;
  readonly count?: number;
  readonly others?: JsValue;
  /** Output names: the value's and the aggregate's. */
  readonly name: string;
  readonly aggregateName: string;
}

/** One chosen value of a level, under a chosen parent path. */
interface Node {
  readonly values: readonly JsValue[];
  readonly aggregates: readonly JsValue[];
  /** Set for the `with others` row of a level. */
  readonly others?: boolean;
  readonly children: Node[];
}

/** Applies `top-nested`: per level, the top values of each chosen parent path. */
export function topNested(
  input: Relation,
  op: A.TopNestedOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const columns = new Map(input.columns.map((c) => [c.name, c.type]));
  // The levels' values as columns, computed once over the input.
  const keyNames = op.levels.map(() => ctx.temp("__tn"));
  const keyed = ctx.compiler.applyOperator(
    input,
    {
      kind: "extend",
      columns: op.levels.map((level, i) => ({
        names: [keyNames[i]],
        expression: level.value.expression,
        span: level.value.span,
      })),
      span: op.span,
    },
    scope,
    ctx,
  );
  const keyTypes = new Map(keyed.columns.map((c) => [c.name, c.type]));
  const names = uniqueNames(
    op.levels.map((level, i) =>
      level.value.names?.[0] ?? derivedName(level.value.expression, `Column${i + 1}`, columns)
    ),
  );
  const levels: Level[] = op.levels.map((level, i) => {
    const keyType = keyTypes.get(keyNames[i])!;
    let others: JsValue | undefined;
    if (level.others) {
      const value = compileExpr(level.others, new ExprEnv(ctx, scope));
      if (!value.constant) {
        throw ctx.error("the value of 'others' must be a constant", level.others.span);
      }
      const v = value.constant.value;
      others = v === null || value.type === keyType ? v : convertJs(v, value.type, keyType);
    }
    return {
      op: level,
      key: keyNames[i],
      keyType,
      count: level.count ? rowCount(level.count, scope, ctx) : undefined,
      others,
      name: names[i],
      aggregateName: level.aggregate.names?.[0] ?? `aggregated_${names[i]}`,
    };
  });

  const root: Node = { values: [], aggregates: [], children: [] };
  let frontier: Node[] = [root];
  const aggregateTypes: KustoType[] = [];
  levels.forEach((level, depth) => {
    const parents = new Map(frontier.map((node) => [pathKey(node.values), node]));
    const groups = aggregate(keyed, levels.slice(0, depth + 1), level, scope, ctx);
    aggregateTypes.push(groups.type);
    const byParent = new Map<string, Array<{ values: JsValue[]; aggregate: JsValue }>>();
    for (const row of groups.rows) {
      const parent = pathKey(row.values.slice(0, depth));
      if (!parents.has(parent)) continue;
      const list = byParent.get(parent) ?? [];
      list.push(row);
      byParent.set(parent, list);
    }
    const next: Node[] = [];
    const chosen = new Map<string, Set<string>>();
    for (const [parentKey, rows] of byParent) {
      rows.sort((a, b) => compareAggregates(a.aggregate, b.aggregate, level.op.descending));
      const kept = level.count === undefined ? rows : rows.slice(0, level.count);
      const parent = parents.get(parentKey)!;
      for (const row of kept) {
        const node: Node = {
          values: row.values,
          aggregates: [...parent.aggregates, row.aggregate],
          children: [],
        };
        parent.children.push(node);
        next.push(node);
      }
      if (level.op.others !== undefined && kept.length < rows.length) {
        chosen.set(parentKey, new Set(kept.map((r) => pathKey([r.values[depth]]))));
      }
    }
    if (chosen.size > 0) {
      const rest = othersAggregates(keyed, levels.slice(0, depth + 1), level, chosen, scope, ctx);
      for (const [parentKey, value] of rest) {
        const parent = parents.get(parentKey)!;
        parent.children.push({
          values: [...parent.values, level.others ?? null],
          aggregates: [...parent.aggregates, value],
          others: true,
          children: [],
        });
      }
    }
    frontier = next;
  });

  // One output row per path from the root to a leaf (an `others` row ends its path).
  const rows: Array<{ values: JsValue[]; aggregates: JsValue[] }> = [];
  const walk = (node: Node) => {
    if (node !== root && (node.children.length === 0 || node.others)) {
      const values = [...node.values];
      const aggregates = [...node.aggregates];
      while (values.length < levels.length) values.push(null);
      while (aggregates.length < levels.length) aggregates.push(null);
      if (node.values.length === levels.length || node.others) rows.push({ values, aggregates });
      return;
    }
    node.children.forEach(walk);
  };
  walk(root);

  const outColumns: ColumnSchema[] = [];
  const series = [];
  for (const [i, level] of levels.entries()) {
    outColumns.push({ name: level.name, type: level.keyType });
    series.push(jsToSeries(level.name, rows.map((r) => r.values[i]), level.keyType));
    outColumns.push({ name: level.aggregateName, type: aggregateTypes[i] });
    series.push(
      jsToSeries(level.aggregateName, rows.map((r) => r.aggregates[i]), aggregateTypes[i]),
    );
  }
  const unique = uniqueNames(outColumns.map((c) => c.name));
  return {
    frame: pl.DataFrame(series.map((s, i) => s.rename(unique[i]))).lazy(),
    columns: outColumns.map((c, i) => ({ name: unique[i], type: c.type })),
  };
}

/** The level's aggregate per path of values down to the level, over `relation`'s rows. */
function aggregate(
  relation: Relation,
  path: readonly Level[],
  level: Level,
  scope: Scope,
  ctx: Context,
): { rows: Array<{ values: JsValue[]; aggregate: JsValue }>; type: KustoType } {
  const name = ctx.temp("__tnagg");
  const summarized = ctx.compiler.applyOperator(
    relation,
    {
      kind: "summarize",
      aggregates: [{
        names: [name],
        expression: level.op.aggregate.expression,
        span: level.op.span,
      }],
      by: path.map((l) => ({
        names: [l.key],
        expression: { kind: "name", name: l.key, span: l.op.span },
        span: l.op.span,
      })),
      span: level.op.span,
    },
    scope,
    ctx,
  );
  const type = summarized.columns.find((c) => c.name === name)!.type;
  const read = [...path.map((l) => ({ name: l.key, type: l.keyType })), { name, type }];
  const data = summarized.frame.select(
    ...read.map((c) => readableExpr(pl.col(c.name), c.type).alias(c.name)),
  ).collectSync();
  const columns = read.map((c) => seriesToJs(data.getColumn(c.name), c.type));
  const rows = Array.from({ length: data.height }, (_, r) => ({
    values: path.map((_, i) => columns[i][r]),
    aggregate: columns[path.length][r],
  }));
  return { rows, type };
}

/** The level's aggregate over the rows of each parent path whose value was not chosen. */
function othersAggregates(
  relation: Relation,
  path: readonly Level[],
  level: Level,
  chosen: ReadonlyMap<string, ReadonlySet<string>>,
  scope: Scope,
  ctx: Context,
): Map<string, JsValue> {
  const env = rowEnv(relation, scope, ctx);
  const depth = path.length - 1;
  const inputs = path.map((l) => ({ expr: pl.col(l.key), type: l.keyType }));
  const left = env.rowwise(inputs, "bool", (args) => {
    const kept = chosen.get(pathKey(args.slice(0, depth)));
    return kept !== undefined && !kept.has(pathKey([args[depth]]));
  });
  const frame = env.materialise(relation.frame).filter(left.expr);
  const rest = aggregate({ ...relation, frame }, path.slice(0, depth), level, scope, ctx);
  return new Map(rest.rows.map((row) => [pathKey(row.values), row.aggregate]));
}

function pathKey(values: readonly JsValue[]): string {
  return JSON.stringify(values);
}

// Highest first when descending (nulls always last), as `top` orders.
function compareAggregates(a: JsValue, b: JsValue, descending: boolean): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const order = (a as number) < (b as number) ? -1 : 1;
  return descending ? -order : order;
}
