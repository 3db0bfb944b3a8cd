/**
 * The tabular operators: one function per operator kind, dispatched exhaustively.
 *
 * @module
 */
import { type Expr, pl } from "../polars.ts";
import type { ColumnSchema, KustoType } from "../schema/types.ts";
import type * as A from "./ast.ts";
import { columnMap, type Context, ExprEnv, type Relation, type Scope } from "./_env.ts";
import { compileExpr, toBool } from "./_expr.ts";
import { derivedName, uniqueNames } from "./_query.ts";
import { summarize } from "./_summarize.ts";
import { join, lookup, unionOperator } from "./_join.ts";
import { mvApply, mvExpand } from "./_expand.ts";
import { parseOperator } from "./_parse.ts";
import { makeSeries } from "./_series.ts";
import { evaluate, invoke } from "./_evaluate.ts";
import { jsToSeries } from "./_values.ts";
import { formatSchemaType } from "./_schema_names.ts";

/** Applies one operator to a relation. */
export function applyOperator(
  input: Relation,
  op: A.Operator,
  scope: Scope,
  ctx: Context,
): Relation {
  switch (op.kind) {
    case "where":
      return where(input, op, scope, ctx);
    case "project":
      return project(input, op.columns, scope, ctx, false);
    case "extend":
      return project(input, op.columns, scope, ctx, true);
    case "project-away":
    case "project-keep":
      return projectAway(input, op, ctx);
    case "project-rename":
      return projectRename(input, op, ctx);
    case "project-reorder":
      return projectReorder(input, op, ctx);
    case "summarize":
      return summarize(input, op, scope, ctx);
    case "sort":
      return sort(input, op.keys, scope, ctx);
    case "top": {
      const sorted = sort(input, op.keys, scope, ctx);
      return { ...sorted, frame: sorted.frame.head(count(op.count, scope, ctx)) };
    }
    case "take":
      return { ...input, frame: input.frame.head(count(op.count, scope, ctx)) };
    case "distinct":
      return distinct(input, op, scope, ctx);
    case "count":
      return {
        frame: input.frame.select(pl.len().cast(pl.Int64).alias("Count")),
        columns: [{ name: "Count", type: "long" }],
      };
    case "join":
      return join(input, op, scope, ctx);
    case "lookup":
      return lookup(input, op, scope, ctx);
    case "union":
      return unionOperator(input, op, scope, ctx);
    case "mv-expand":
      return mvExpand(input, op, scope, ctx);
    case "mv-apply":
      return mvApply(input, op, scope, ctx);
    case "parse":
      return parseOperator(input, op, scope, ctx);
    case "as":
      scope.set(op.name, { kind: "tabular", get: () => input });
      return input;
    case "serialize":
      return { ...project(input, op.columns, scope, ctx, true), ordered: true };
    case "make-series":
      return makeSeries(input, op, scope, ctx);
    case "evaluate":
      return evaluate(input, op, scope, ctx);
    case "invoke":
      return invoke(input, op, scope, ctx);
    case "render":
      return render(input, op, scope, ctx);
    case "getschema":
      return getschema(input);
    case "unsupported":
      throw ctx.unsupported(`The operator '${op.name}'`, op.span);
  }
}

/** An expression environment over a relation's columns. */
export function rowEnv(input: Relation, scope: Scope, ctx: Context): ExprEnv {
  return new ExprEnv(ctx, scope, columnMap(input.columns));
}

function count(e: A.Expression, scope: Scope, ctx: Context): number {
  const value = compileExpr(e, new ExprEnv(ctx, scope));
  const n = value.constant?.value;
  if (typeof n !== "number" || n < 0) {
    throw ctx.error("expected a non-negative whole number", e.span);
  }
  return Math.floor(n);
}

function keep(columns: readonly ColumnSchema[]): Expr[] {
  return columns.map((c) => pl.col(c.name));
}

function where(input: Relation, op: A.WhereOperator, scope: Scope, ctx: Context): Relation {
  const env = rowEnv(input, scope, ctx);
  const predicate = toBool(compileExpr(op.predicate, env), op.predicate, env);
  if (predicate.constant) {
    return predicate.constant.value === true ? input : { ...input, frame: input.frame.head(0) };
  }
  const frame = env.materialise(input.frame).filter(predicate.expr);
  return { ...input, frame: frame.select(...keep(input.columns)) };
}

/** `project` (replace the columns) and `extend` (add or replace some). */
export function project(
  input: Relation,
  items: readonly A.NamedExpression[],
  scope: Scope,
  ctx: Context,
  extend: boolean,
): Relation {
  if (items.length === 0) return input;
  const env = rowEnv(input, scope, ctx);
  let unnamed = 0;
  const outputs: Array<{ name: string; expr: Expr; type: KustoType }> = [];
  for (const item of items) {
    const value = compileExpr(item.expression, env);
    if (item.names && item.names.length > 1) {
      // `(a, b) = f(...)`: a function with several outputs assigns them in order.
      if (!value.components) {
        throw ctx.error(
          `cannot assign one value to ${item.names.length} names`,
          item.span,
          "Only functions with several outputs (series_fit_line(), ...) fill several names.",
        );
      }
      if (item.names.length > value.components.length) {
        throw ctx.error(
          `the function gives ${value.components.length} values for ${item.names.length} names`,
          item.span,
        );
      }
      item.names.forEach((name, i) => {
        const part = value.components![i];
        outputs.push({ name, expr: part.expr, type: part.type });
      });
      continue;
    }
    if (!item.names && value.components && value.componentNames) {
      value.components.forEach((part, i) =>
        outputs.push({ name: value.componentNames![i], expr: part.expr, type: part.type })
      );
      continue;
    }
    const name = item.names?.[0] ?? derivedName(item.expression, `Column${++unnamed}`, env.columns);
    outputs.push({ name, expr: value.expr, type: value.type });
  }
  const frame = env.materialise(input.frame);
  if (!extend) {
    const names = uniqueNames(outputs.map((o) => o.name));
    return {
      ...input,
      frame: frame.select(...outputs.map((o, i) => o.expr.alias(names[i]))),
      columns: outputs.map((o, i) => ({ name: names[i], type: o.type })),
    };
  }
  const columns = [...input.columns];
  const assigned = new Map<string, Expr>();
  for (const o of outputs) {
    const at = columns.findIndex((c) => c.name === o.name);
    if (at >= 0) columns[at] = { name: o.name, type: o.type };
    else columns.push({ name: o.name, type: o.type });
    assigned.set(o.name, o.expr);
  }
  return {
    ...input,
    frame: frame.select(
      ...columns.map((c) => (assigned.get(c.name) ?? pl.col(c.name)).alias(c.name)),
    ),
    columns,
  };
}

/** Column names matching a pattern with `*` wildcards. */
export function matchColumns(pattern: string, columns: readonly ColumnSchema[]): string[] {
  if (!pattern.includes("*")) return columns.some((c) => c.name === pattern) ? [pattern] : [];
  const regex = new RegExp(
    `^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`,
  );
  return columns.filter((c) => regex.test(c.name)).map((c) => c.name);
}

function unknownColumn(name: string, columns: readonly ColumnSchema[], span: A.Span, ctx: Context) {
  return ctx.error(
    `Unknown column '${name}'`,
    span,
    `Columns here: ${columns.map((c) => c.name).slice(0, 15).join(", ")}`,
  );
}

function projectAway(input: Relation, op: A.ProjectAwayOperator, ctx: Context): Relation {
  const selected = new Set<string>();
  for (const pattern of op.patterns) {
    const names = matchColumns(pattern, input.columns);
    if (names.length === 0 && !pattern.includes("*")) {
      throw unknownColumn(pattern, input.columns, op.span, ctx);
    }
    names.forEach((n) => selected.add(n));
  }
  const columns = input.columns.filter((c) =>
    op.kind === "project-away" ? !selected.has(c.name) : selected.has(c.name)
  );
  return { ...input, frame: input.frame.select(...keep(columns)), columns };
}

function projectRename(input: Relation, op: A.ProjectRenameOperator, ctx: Context): Relation {
  const renames = new Map<string, string>();
  for (const r of op.renames) {
    if (!input.columns.some((c) => c.name === r.from)) {
      throw unknownColumn(r.from, input.columns, op.span, ctx);
    }
    renames.set(r.from, r.to);
  }
  const columns = input.columns.map((c) => ({ ...c, name: renames.get(c.name) ?? c.name }));
  return {
    ...input,
    frame: input.frame.select(
      ...input.columns.map((c) => pl.col(c.name).alias(renames.get(c.name) ?? c.name)),
    ),
    columns,
  };
}

function projectReorder(input: Relation, op: A.ProjectReorderOperator, ctx: Context): Relation {
  const first: string[] = [];
  for (const p of op.patterns) {
    let names = matchColumns(p.pattern, input.columns).filter((n) => !first.includes(n));
    if (names.length === 0 && !p.pattern.includes("*")) {
      throw unknownColumn(p.pattern, input.columns, op.span, ctx);
    }
    if (p.order) {
      names = [...names].sort();
      if (p.order === "desc") names.reverse();
    }
    first.push(...names);
  }
  const columns = [
    ...first.map((n) => input.columns.find((c) => c.name === n)!),
    ...input.columns.filter((c) => !first.includes(c.name)),
  ];
  return { ...input, frame: input.frame.select(...keep(columns)), columns };
}

/** Sorts by keys with Kusto's defaults: descending, nulls last when descending. */
export function sort(
  input: Relation,
  keys: readonly A.SortKey[],
  scope: Scope,
  ctx: Context,
): Relation {
  const env = rowEnv(input, scope, ctx);
  const by: Expr[] = [];
  const descending: boolean[] = [];
  for (const key of keys) {
    const value = compileExpr(key.expression, env);
    if (value.type === "dynamic") {
      throw ctx.error(
        "cannot sort by a dynamic value; convert it first (tostring, toint...)",
        key.expression.span,
      );
    }
    const nullsFirst = key.nulls ? key.nulls === "first" : !key.descending;
    // Nulls are placed by a leading key, so each sort key can place them its own way.
    by.push(value.expr.isNull());
    descending.push(nullsFirst);
    by.push(value.expr);
    descending.push(key.descending);
  }
  const frame = env.materialise(input.frame).sort({ by, descending, maintainOrder: true } as never);
  return { ...input, frame: frame.select(...keep(input.columns)), ordered: true };
}

function distinct(input: Relation, op: A.DistinctOperator, scope: Scope, ctx: Context): Relation {
  if (op.columns.length === 1 && op.columns[0].kind === "star") {
    return { ...input, frame: input.frame.unique({ maintainOrder: true } as never) };
  }
  const projected = project(
    input,
    op.columns.map((expression) => ({ expression, span: expression.span })),
    scope,
    ctx,
    false,
  );
  return { ...projected, frame: projected.frame.unique({ maintainOrder: true } as never) };
}

function render(input: Relation, op: A.RenderOperator, scope: Scope, ctx: Context): Relation {
  const env = new ExprEnv(ctx, scope);
  const properties: Record<string, unknown> = {};
  for (const [name, e] of Object.entries(op.properties)) {
    if (e.kind === "name") {
      properties[name] = e.name;
      continue;
    }
    if (e.kind === "call" && e.name === "pack_array" && e.args.every((a) => a.kind === "name")) {
      properties[name] = e.args.map((a) => (a as A.NameRef).name);
      continue;
    }
    const value = compileExpr(e, env);
    if (!value.constant) {
      throw ctx.error(`the render property '${name}' must be a constant`, e.span);
    }
    properties[name] = value.constant.value;
  }
  return { ...input, render: { visualization: op.visualization, properties } };
}

function getschema(input: Relation): Relation {
  const columns: ColumnSchema[] = [
    { name: "ColumnName", type: "string" },
    { name: "ColumnOrdinal", type: "int" },
    { name: "DataType", type: "string" },
    { name: "ColumnType", type: "string" },
  ];
  const frame = pl.DataFrame([
    jsToSeries("ColumnName", input.columns.map((c) => c.name), "string"),
    jsToSeries("ColumnOrdinal", input.columns.map((_, i) => i), "int"),
    jsToSeries("DataType", input.columns.map((c) => formatSchemaType(c.type)), "string"),
    jsToSeries("ColumnType", input.columns.map((c) => c.type), "string"),
  ]);
  return { frame: frame.lazy(), columns };
}
