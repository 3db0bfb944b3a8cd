/**
 * The registry of KQL functions: scalar functions and aggregates, by name. Each family
 * of functions lives in its own file and registers itself here.
 *
 * @module
 */
import type { Expr } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import type { ExprEnv, Typed } from "../compile/_context.ts";
import type { JsValue } from "../runtime/_values.ts";

/** Where a function is called. */
export interface CallSite {
  readonly env: ExprEnv;
  readonly call: A.Call;
  /** Compiles another expression in the same place (for functions taking raw arguments). */
  readonly compile: (expression: A.Expression) => Typed;
}

/** A scalar function. */
export interface ScalarFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  /**
   * The function compiles its arguments itself (`site.compile`, or the query compiler for a
   * tabular argument, or `*`): `compile` then gets no compiled arguments.
   */
  readonly rawArgs?: boolean;
  /** Compiles a call whose arguments are already compiled. */
  compile(args: Typed[], site: CallSite): Typed;
}

/** One output of an aggregate. */
export interface AggregateOutput {
  /** The aggregation, over the input columns named in `AggregateCall.inputs`. */
  readonly expr: Expr;
  readonly type: KustoType;
  /**
   * The default column name (Kusto's: `count_`, `sum_X`, ...); empty when Kusto leaves the
   * output unnamed, and `summarize` names it `Column1`, ...
   */
  readonly name: string;
  /** Turns the aggregated values into Kusto values (lists into JSON arrays...). */
  readonly post?: (value: JsValue) => JsValue;
  /** The aggregated column's values are Polars lists to be turned into dynamic arrays. */
  readonly list?: boolean;
  /**
   * Every value is null or canonical JSON text (an array or a bag written as
   * `JSON.stringify` writes its reading): `tostring()` of the column is its text.
   */
  readonly canonicalJson?: boolean;
}

/** An aggregate call ready for `summarize`. */
export interface AggregateCall {
  /** Columns to compute before grouping: name → row expression. */
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly value: Typed }>;
  readonly outputs: readonly AggregateOutput[];
}

/** Where an aggregate is called. */
export interface AggregateSite {
  readonly env: ExprEnv;
  readonly call: A.Call;
  /** Compiles a row expression and gives the input column that will hold it. */
  readonly input: (expression: A.Expression) => { column: string; type: KustoType; typed: Typed };
  /** Columns of the input (for `*`). */
  readonly columns: ReadonlyArray<{ name: string; type: KustoType }>;
  /** Names of the group keys (excluded from `arg_max(x, *)`). */
  readonly keys: readonly string[];
  /** Registers an input column computed from `typed`; returns its name. */
  readonly addInput: (typed: Typed) => string;
}

/** An aggregate function. */
export interface AggregateFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  compile(site: AggregateSite): AggregateCall;
}

/** Scalar functions by name. */
export const SCALAR_FUNCTIONS = new Map<string, ScalarFunction>();

/** Aggregate functions by name. */
export const AGGREGATE_FUNCTIONS = new Map<string, AggregateFunction>();

/** Registers a scalar function under one or more names. */
export function defineScalar(names: string | readonly string[], fn: ScalarFunction): void {
  for (const name of typeof names === "string" ? [names] : names) SCALAR_FUNCTIONS.set(name, fn);
}

/** Registers an aggregate under one or more names. */
export function defineAggregate(names: string | readonly string[], fn: AggregateFunction): void {
  for (const name of typeof names === "string" ? [names] : names) AGGREGATE_FUNCTIONS.set(name, fn);
}
