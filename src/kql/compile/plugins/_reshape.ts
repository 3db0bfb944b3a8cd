/**
 * The plugins that reshape a table: `bag_unpack` (a column per property of a dynamic
 * bag), `pivot` (a column per value) and `narrow` (a row per cell). Their output schema
 * depends on the data, so the input is collected and the new columns built in
 * JavaScript.
 *
 * @module
 */
import { checkInterrupt } from "../../../interrupt.ts";
import { pl, type Series } from "../../../polars.ts";
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import {
  type Context,
  ExprEnv,
  type Relation,
  rowEnv,
  type Scope,
  type Typed,
} from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { summarize } from "../operators/_summarize.ts";
import {
  jsToSeries,
  type JsValue,
  kustoToString,
  readableExpr,
  seriesToJs,
} from "../../runtime/_values.ts";
import { type PluginCall, relationOf, rowsOf } from "./_args.ts";
import { checkColumns, checkMemory, tableBytes } from "../_limits.ts";

// ---------------------------------------------------------------- bag_unpack

type Conflict = "error" | "replace_source" | "keep_source";

/** A constant argument of a plugin, by position or by name. */
function option(
  call: A.Call,
  position: number,
  name: string,
  scope: Scope,
  ctx: Context,
): Typed | undefined {
  const e = call.named?.[name] ?? call.args[position];
  if (!e) return undefined;
  const value = compileExpr(e, new ExprEnv(ctx, scope));
  if (!value.constant) throw ctx.error(`the ${name} of ${call.name}() must be a constant`, e.span);
  return value;
}

/** `bag_unpack(Column [, OutputColumnPrefix, columnsConflict, ignoredProperties])`. */
export function bagUnpack(p: PluginCall): Relation {
  const { input, call, scope, ctx } = p;
  if (call.args.length < 1 || call.args.length > 4) {
    throw ctx.error("bag_unpack() takes a dynamic column, then optional prefix options", call.span);
  }
  const env = rowEnv(input, scope, ctx);
  const column = compileExpr(call.args[0], env);
  if (column.type !== "dynamic") {
    throw ctx.error(
      `bag_unpack() unpacks a dynamic column, not ${column.type}`,
      call.args[0].span,
    );
  }
  const source = call.args[0].kind === "name" ? call.args[0].name : undefined;
  const prefix = String(option(call, 1, "OutputColumnPrefix", scope, ctx)?.constant?.value ?? "");
  const conflict = String(
    option(call, 2, "columnsConflict", scope, ctx)?.constant?.value ?? "error",
  ) as Conflict;
  if (!["error", "replace_source", "keep_source"].includes(conflict)) {
    throw ctx.error(
      `columnsConflict must be 'error', 'replace_source' or 'keep_source', not '${conflict}'`,
      call.span,
    );
  }
  const ignoredValue = option(call, 3, "ignoredProperties", scope, ctx)?.constant?.value;
  const ignored = new Set(
    (Array.isArray(ignoredValue) ? ignoredValue : ignoredValue == null ? [] : [ignoredValue])
      .map(String),
  );

  const bagColumn = ctx.temp("__bag");
  const kept = input.columns.filter((c) => c.name !== source);
  const data = env.materialise(input.frame).select(
    ...kept.map((c) => pl.col(c.name)),
    column.expr.alias(bagColumn),
  ).collectSync();
  const bags = (data.getColumn(bagColumn).toArray() as (string | null)[]).map((text) => {
    const value = text === null ? null : parseJsonText(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  });

  // One column per property with a non-null value, in name order, typed by its values.
  const kinds = new Map<string, Set<KustoType>>();
  for (const [row, bag] of bags.entries()) {
    if ((row & 4095) === 0) checkInterrupt();
    if (!bag) continue;
    for (const [key, value] of Object.entries(bag)) {
      if (ignored.has(key)) continue;
      const set = kinds.get(key) ?? new Set<KustoType>();
      if (value !== null) set.add(jsonKind(value));
      kinds.set(key, set);
    }
  }
  const slots = [...kinds.keys()].filter((k) => kinds.get(k)!.size > 0).sort();
  // One column per property: check their number and size before building them.
  checkColumns(ctx, "bag_unpack()", kept.length + slots.length, call.span);
  checkMemory(
    ctx,
    "bag_unpack()",
    `${slots.length} columns of ${bags.length} rows`,
    tableBytes(bags.length, [...kept, ...slots.map(() => ({ type: "dynamic" as const }))]),
    call.span,
  );
  const unpacked: Array<{ key: string; column: ColumnSchema }> = slots.map((key) => {
    const types = kinds.get(key)!;
    return {
      key,
      column: { name: prefix + key, type: types.size === 1 ? [...types][0] : "dynamic" },
    };
  });

  const byName = new Map(unpacked.map((u) => [u.column.name, u]));
  const columns: ColumnSchema[] = [];
  const series: Series[] = [];
  const build = (u: { key: string; column: ColumnSchema }) =>
    jsToSeries(u.column.name, bags.map((bag) => bag?.[u.key] ?? null), u.column.type);
  for (const c of kept) {
    const u = byName.get(c.name);
    if (u && conflict === "error") {
      throw ctx.error(
        `bag_unpack() would make a second column '${c.name}'`,
        call.span,
        "Pass columnsConflict='replace_source' or 'keep_source', or an output column prefix.",
      );
    }
    if (u && conflict === "replace_source") {
      columns.push(u.column);
      series.push(build(u));
    } else {
      columns.push(c);
      series.push(data.getColumn(c.name));
    }
    byName.delete(c.name);
  }
  for (const u of unpacked) {
    if (!byName.has(u.column.name)) continue;
    columns.push(u.column);
    series.push(build(u));
  }
  const frame = series.length > 0 ? pl.DataFrame(series) : pl.DataFrame({});
  return { frame: frame.lazy(), columns };
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The Kusto type of a non-null value inside a dynamic value. */
function jsonKind(value: unknown): KustoType {
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "long" : "real";
  if (typeof value === "string") return "string";
  return "dynamic";
}

// ---------------------------------------------------------------- pivot

/** Aggregates whose value for a missing combination is 0 rather than null. */
const ZERO_WHEN_EMPTY = new Set(["count", "countif", "dcount", "dcountif", "sum", "sumif"]);

/** `pivot(Column [, Aggregate(...) [, KeyColumns...]])`. */
export function pivot(p: PluginCall): Relation {
  const { input, call, scope, ctx } = p;
  const [pivotArg, aggArg, ...byArgs] = call.args;
  if (!pivotArg || pivotArg.kind !== "name") {
    throw ctx.error("pivot() needs the column to pivot as its first argument", call.span);
  }
  const pivotColumn = input.columns.find((c) => c.name === pivotArg.name);
  if (!pivotColumn) throw ctx.error(`Unknown column '${pivotArg.name}'`, pivotArg.span);
  const aggregate: A.Call = aggArg && aggArg.kind === "call"
    ? aggArg
    : { kind: "call", name: "count", args: [], span: call.span };
  if (aggArg && aggArg.kind !== "call") {
    throw ctx.error(
      "the second argument of pivot() must be an aggregation like sum(x)",
      aggArg.span,
    );
  }
  for (const b of byArgs) {
    if (b.kind !== "name") throw ctx.error("pivot() groups by column names", b.span);
  }
  // By default every column other than the pivoted one and the aggregated ones is a key.
  const used = new Set<string>([pivotArg.name]);
  const collect = (e: A.Expression): void => {
    if (e.kind === "name") used.add(e.name);
    else if (e.kind === "call") e.args.forEach(collect);
    else if (e.kind === "binary") {
      collect(e.left);
      collect(e.right);
    } else if (e.kind === "paren") collect(e.expression);
    else if (e.kind === "unary") collect(e.operand);
  };
  aggregate.args.forEach(collect);
  const keyNames = byArgs.length > 0
    ? byArgs.map((b) => (b as A.NameRef).name)
    : input.columns.map((c) => c.name).filter((n) => !used.has(n));

  // The columns pivot would make are known before grouping: fail fast (grouping a big
  // table by every other column only to refuse its 20,000 values took minutes).
  const distinct = input.frame.select(pl.col(pivotArg.name).nUnique()).collectSync()
    .getColumn(pivotArg.name).get(0);
  checkColumns(ctx, "pivot()", keyNames.length + Number(distinct), call.span);

  // Rows and pivoted columns come in the order their values first appear in the input.
  const valueName = ctx.temp("__pivot");
  const position = ctx.temp("__pos");
  const positioned: Relation = {
    frame: input.frame.withRowIndex(position).withColumns(
      pl.col(position).cast(pl.Int64).alias(position),
    ),
    columns: [...input.columns, { name: position, type: "long" }],
  };
  const nameRef = (name: string): A.NameRef => ({ kind: "name", name, span: call.span });
  const summary = summarize(
    positioned,
    {
      kind: "summarize",
      aggregates: [
        { names: [valueName], expression: aggregate, span: aggregate.span },
        {
          names: [position],
          expression: { kind: "call", name: "min", args: [nameRef(position)], span: call.span },
          span: call.span,
        },
      ],
      by: [
        ...keyNames.map((n) => ({ expression: nameRef(n), span: call.span })),
        { expression: pivotArg, span: pivotArg.span },
      ],
      span: call.span,
    },
    scope,
    ctx,
  );
  const keys = summary.columns.slice(0, keyNames.length);
  const valueColumn = summary.columns.find((c) => c.name === valueName)!;
  // In Polars: each (keys, value) group once, then a row per keys, a column per value.
  // (Built in JavaScript it took 35 s for SecurityEvent's 202,743 groups × 226 keys.)
  const first = ctx.temp("__first");
  const data = summary.frame
    .withColumns(pl.col(position).min().over(pivotArg.name).alias(first))
    .collectSync();
  const found = data.filter(pl.col(position).eq(pl.col(first)))
    .sort(first)
    .select(readableExpr(pl.col(pivotArg.name), pivotColumn.type).alias(pivotArg.name), first);
  const pivots = seriesToJs(found.getColumn(pivotArg.name), pivotColumn.type);
  const firsts = seriesToJs(found.getColumn(first), "long") as number[];
  const names = pivots.map((v) => kustoToString(v, pivotColumn.type));
  const groups = keys.length === 0
    ? Math.min(data.height, 1)
    : data.select(...keys.map((k) => k.name)).unique().height;
  // One column per distinct value: check their number and size before building them.
  checkColumns(ctx, "pivot()", keys.length + names.length, call.span);
  checkMemory(
    ctx,
    "pivot()",
    `${names.length} columns of ${groups} rows`,
    tableBytes(groups, [...keys, ...names.map(() => valueColumn)]),
    call.span,
  );
  const columns: ColumnSchema[] = [
    ...keys,
    ...names.map((n) => ({ name: n, type: valueColumn.type })),
  ];
  if (data.height === 0) {
    return { frame: data.select(...keys.map((k) => k.name)).lazy(), columns };
  }
  // Kusto fills a missing cell with 0 for counts and sums, null otherwise.
  const dtype = data.getColumn(valueName).dtype;
  const cells = names.map((n, i) => {
    const cell = pl.col(valueName).filter(pl.col(first).eq(pl.lit(firsts[i]))).first();
    return (ZERO_WHEN_EMPTY.has(aggregate.name) ? cell.fillNull(pl.lit(0).cast(dtype)) : cell)
      .alias(n);
  });
  // Rows come in the order their keys first appear in the input.
  const rowFirst = ctx.temp("__row");
  const firstRow = pl.col(position).min().alias(rowFirst);
  const frame = keys.length === 0
    ? data.lazy().select(...cells)
    : data.lazy().groupBy(keys.map((k) => k.name)).agg(firstRow, ...cells).sort(rowFirst)
      .select(...columns.map((c) => pl.col(c.name)));
  return { frame, columns };
}

// ---------------------------------------------------------------- narrow

/** `narrow()`: one row per cell, `Row` (from 0), `Column` and `Value` as a string. */
export function narrow(p: PluginCall): Relation {
  p.arity(0, 0, "no arguments");
  const rows = rowsOf(p.input);
  const height = p.input.columns[0] ? rows.get(p.input.columns[0].name)!.length : 0;
  const out: [JsValue[], JsValue[], JsValue[]] = [[], [], []];
  for (let row = 0; row < height; row++) {
    for (const c of p.input.columns) {
      out[0].push(row);
      out[1].push(c.name);
      out[2].push(kustoToString(rows.get(c.name)![row], c.type));
    }
  }
  return relationOf([
    { name: "Row", type: "long" },
    { name: "Column", type: "string" },
    { name: "Value", type: "string" },
  ], out);
}
