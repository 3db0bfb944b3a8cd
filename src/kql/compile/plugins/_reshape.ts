/**
 * The plugins that reshape a table: `bag_unpack` (a column per property of a dynamic
 * bag), `pivot` (a column per value) and `narrow` (a row per cell). Their output schema
 * depends on the data, so the input is collected and the new columns built in
 * JavaScript.
 *
 * @module
 */
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
  for (const bag of bags) {
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
  const data = summary.frame.select(
    ...summary.columns.map((c) => readableExpr(pl.col(c.name), c.type).alias(c.name)),
  ).collectSync();
  const keyValues = keys.map((k) => seriesToJs(data.getColumn(k.name), k.type));
  const pivots = seriesToJs(data.getColumn(pivotArg.name), pivotColumn.type);
  const values = seriesToJs(data.getColumn(valueName), valueColumn.type);
  const positions = seriesToJs(data.getColumn(position), "long") as number[];

  const empty = ZERO_WHEN_EMPTY.has(aggregate.name) ? 0 : null;
  const firstOf = new Map<string, number>();
  const rows = new Map<string, { keys: JsValue[]; cells: Map<string, JsValue>; first: number }>();
  const height = data.height;
  for (let row = 0; row < height; row++) {
    const name = kustoToString(pivots[row], pivotColumn.type);
    firstOf.set(name, Math.min(firstOf.get(name) ?? Infinity, positions[row]));
    const key = keyValues.map((k) => k[row]);
    const id = JSON.stringify(key);
    const entry = rows.get(id) ?? { keys: key, cells: new Map(), first: Infinity };
    entry.cells.set(name, values[row]);
    entry.first = Math.min(entry.first, positions[row]);
    rows.set(id, entry);
  }
  // One column per distinct value: check their number and size before building them.
  checkColumns(ctx, "pivot()", keys.length + firstOf.size, call.span);
  checkMemory(
    ctx,
    "pivot()",
    `${firstOf.size} columns of ${rows.size} rows`,
    tableBytes(rows.size, [...keys, ...[...firstOf.keys()].map(() => valueColumn)]),
    call.span,
  );
  const names = [...firstOf.keys()].sort((a, b) => firstOf.get(a)! - firstOf.get(b)!);
  const all = [...rows.values()].sort((a, b) => a.first - b.first);
  const columns: ColumnSchema[] = [
    ...keys,
    ...names.map((n) => ({ name: n, type: valueColumn.type })),
  ];
  const series = [
    ...keys.map((k, i) => jsToSeries(k.name, all.map((r) => r.keys[i]), k.type)),
    ...names.map((n) =>
      jsToSeries(n, all.map((r) => r.cells.has(n) ? r.cells.get(n)! : empty), valueColumn.type)
    ),
  ];
  return { frame: pl.DataFrame(series).lazy(), columns };
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
