/**
 * What every `evaluate` plugin needs: its arguments read by position or name (with `~`
 * for "the default", as Kusto's plugins take it), constants, column values computed
 * over the input rows, tabular arguments, and a result relation built from JavaScript
 * values. Plugins run at a barrier: their output depends on the data.
 *
 * @module
 */
import { pl } from "../../../polars.ts";
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
import { jsToSeries, type JsValue, readableExpr, seriesToJs } from "../../runtime/_values.ts";

/** A column computed over the input rows: its JavaScript values and Kusto type. */
export interface Computed {
  readonly values: JsValue[];
  readonly type: KustoType;
  /** The column's name when the argument is a plain column reference. */
  readonly name?: string;
}

/** The arguments of one plugin call, over the relation it is applied to. */
export class PluginCall {
  readonly call: A.Call;
  readonly input: Relation;
  readonly scope: Scope;
  readonly ctx: Context;

  constructor(call: A.Call, input: Relation, scope: Scope, ctx: Context) {
    this.call = call;
    this.input = input;
    this.scope = scope;
    this.ctx = ctx;
  }

  get name(): string {
    return this.call.name;
  }

  /** Positional arguments. */
  get args(): readonly A.Expression[] {
    return this.call.args;
  }

  /** The argument at `position`, or the one named `name`; undefined when absent or `~`. */
  arg(position: number, name?: string): A.Expression | undefined {
    const named = name === undefined ? undefined : this.namedArg(name);
    const e = named ?? this.call.args[position];
    return e && !isTilde(e) ? e : undefined;
  }

  /** A named argument (`return_unmatched = true`), names compared case-insensitively. */
  namedArg(name: string): A.Expression | undefined {
    const entries = Object.entries(this.call.named ?? {});
    return entries.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  }

  /** Fails unless the call has between `min` and `max` positional arguments. */
  arity(min: number, max: number, usage: string): void {
    const n = this.call.args.length;
    if (n < min || n > max) {
      throw this.ctx.error(`${this.name}() takes ${usage}`, this.call.span);
    }
  }

  /** A constant argument, compiled outside any row. */
  constant(e: A.Expression, what: string): Typed {
    const value = compileExpr(e, new ExprEnv(this.ctx, this.scope));
    if (!value.constant) {
      throw this.ctx.error(`${what} of ${this.name}() must be a constant`, e.span);
    }
    return value;
  }

  /** A constant number (long, int, real, or a timespan/datetime in microseconds). */
  number(e: A.Expression, what: string): number {
    const value = this.constant(e, what).constant!.value;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw this.ctx.error(`${what} of ${this.name}() must be a number`, e.span);
    }
    return value;
  }

  /** A constant bool, with a default when the argument is absent. */
  bool(e: A.Expression | undefined, what: string, fallback: boolean): boolean {
    if (!e) return fallback;
    const value = this.constant(e, what).constant!.value;
    if (typeof value !== "boolean") {
      throw this.ctx.error(`${what} of ${this.name}() must be true or false`, e.span);
    }
    return value;
  }

  /** The type of an expression over the input's rows, without computing it. */
  typeOf(e: A.Expression): KustoType {
    return compileExpr(e, rowEnv(this.input, this.scope, this.ctx)).type;
  }

  /** A column of the input named by a plain reference (`UserId`, `['id']`). */
  column(e: A.Expression, what: string): ColumnSchema {
    const name = columnName(e);
    const column = name === undefined ? undefined : this.input.columns.find((c) => c.name === name);
    if (!column) {
      throw this.ctx.error(`${what} of ${this.name}() must be a column of its input`, e.span);
    }
    return column;
  }

  /** Expressions computed over every input row, in row order. */
  compute(expressions: readonly A.Expression[]): Computed[] {
    return computeOver(this.input, expressions, this.scope, this.ctx);
  }

  /** A tabular argument (a table, a `let` name, a parenthesized query). */
  table(e: A.Expression): Relation {
    return this.ctx.compiler.tabularOf(e, this.scope, this.ctx);
  }
}

/** Whether an argument is `~` (or `'~'`): "use the default". */
function isTilde(e: A.Expression): boolean {
  return e.kind === "literal" && e.value === "~";
}

/** The column a plain reference names (`x`, `['x']`, `(x)`), or undefined. */
export function columnName(e: A.Expression): string | undefined {
  if (e.kind === "name") return e.name;
  if (e.kind === "paren") return columnName(e.expression);
  return undefined;
}

/** Expressions over `input`'s rows as JavaScript values. */
export function computeOver(
  input: Relation,
  expressions: readonly A.Expression[],
  scope: Scope,
  ctx: Context,
): Computed[] {
  const env = rowEnv(input, scope, ctx);
  const typed = expressions.map((e) => compileExpr(e, env));
  if (typed.length === 0) return [];
  const names = typed.map(() => ctx.temp("__arg"));
  const data = env.materialise(input.frame)
    .select(...typed.map((t, i) => readableExpr(t.expr, t.type).alias(names[i])))
    .collectSync();
  return typed.map((t, i) => ({
    values: seriesToJs(data.getColumn(names[i]), t.type),
    type: t.type,
    name: columnName(expressions[i]),
  }));
}

/** Every column of a relation as JavaScript values, by column name. */
export function rowsOf(input: Relation): Map<string, JsValue[]> {
  const data = input.frame
    .select(...input.columns.map((c) => readableExpr(pl.col(c.name), c.type).alias(c.name)))
    .collectSync();
  return new Map(input.columns.map((c) => [c.name, seriesToJs(data.getColumn(c.name), c.type)]));
}

/** The number of rows of a relation's values (see {@link rowsOf}). */
export function heightOf(rows: Map<string, JsValue[]>, input: Relation): number {
  const first = input.columns[0];
  return first ? rows.get(first.name)!.length : 0;
}

/** A relation of JavaScript column values. */
export function relationOf(
  columns: readonly ColumnSchema[],
  values: readonly (readonly JsValue[])[],
): Relation {
  const frame = columns.length > 0
    ? pl.DataFrame(columns.map((c, i) => jsToSeries(c.name, values[i], c.type)))
    : pl.DataFrame({});
  return { frame: frame.lazy(), columns };
}

/** A relation of rows (arrays in `columns` order). */
export function relationOfRows(
  columns: readonly ColumnSchema[],
  rows: readonly (readonly JsValue[])[],
): Relation {
  return relationOf(columns, columns.map((_, i) => rows.map((r) => r[i])));
}

/** A key for a tuple of JavaScript values (group keys, itemsets). */
export function keyOf(values: readonly JsValue[]): string {
  return JSON.stringify(values);
}
