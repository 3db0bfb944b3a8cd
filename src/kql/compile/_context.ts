/**
 * The compiler's state: typed expressions, relations (a lazy frame with its Kusto
 * columns), scopes of `let` names, and the per-query context. Expressions that need
 * JavaScript (dynamic values, text formats) are computed at a barrier: the frame is
 * collected, the values computed, and the plan goes on lazily.
 *
 * The context also carries the query compiler ({@link QueryCompiler}): an operator or an
 * expression that holds a sub-query (`join`, `mv-apply`, `toscalar`, `in (T | ...)`)
 * compiles it through `ctx.compiler` instead of importing the query compiler back, so the
 * stages import one way only.
 *
 * @module
 */
import { checkInterrupt } from "../../interrupt.ts";
import { computeInWorkers } from "./_job_workers.ts";
import { applyRows, type RowFn, rowOutputs } from "./_portable.ts";
import type { DataFrame, Expr, LazyDataFrame, Series } from "../../polars.ts";
import { pl } from "../../polars.ts";
import {
  type ColumnSchema,
  type KustoType,
  polarsTypeOf,
  type TableSchema,
} from "../../schema/types.ts";
import type { RenderSpec } from "../../providers/provider.ts";
import type * as A from "../syntax/ast.ts";
import { plainJson } from "../syntax/_literals.ts";
import { KqlSemanticError, KqlUnsupportedError } from "../errors.ts";
import { type KqlLimits, type Limits, resolveLimits } from "./_limits.ts";
import { noteRawJson } from "./_raw_json.ts";
import {
  jsToExpr,
  jsToSeries,
  type JsValue,
  readableExpr,
  seriesToJs,
} from "../runtime/_values.ts";

/** A compiled scalar expression. */
export interface Typed {
  readonly expr: Expr;
  readonly type: KustoType;
  /** Set when the value is known while compiling (literals and what folds from them). */
  readonly constant?: { readonly value: JsValue };
  /**
   * The outputs of a function with several results, for `extend (a, b) = f(...)`;
   * `expr` and `type` are then those of the first.
   */
  readonly components?: readonly Typed[];
  /** Default column names of the components, when the call is not given names. */
  readonly componentNames?: readonly string[];
  /** A dynamic value read from JSON text by a path, which Polars can read natively. */
  readonly jsonPath?: JsonPath;
  /**
   * A dynamic array of strings Polars built (`pack_array`, `split`): the same array as a
   * Polars list of strings, read natively by `mv-expand`, indexing and `array_length`.
   */
  readonly jsonList?: {
    /** The elements (a null list where the array is null; no null elements). */
    readonly strings: Expr;
    /** Whether no array is empty (`split`, `pack_array`): an expansion keeps every row. */
    readonly nonEmpty?: boolean;
  };
  /** A dynamic value known to be a JSON string or null: the string itself. */
  readonly jsonString?: Expr;
  /**
   * `tostring()` of a dynamic value of any kind, written beside it (an `mv-expand` read
   * from element texts): read by `tostring()` only, never as the value itself.
   */
  readonly stringText?: Expr;
  /**
   * A dynamic source column's Polars JSON text (`_raw_json.ts`), which a JSON-path read of
   * it reads instead of the column.
   */
  readonly rawJson?: Expr;
  /**
   * The value's text is compact JSON written exactly as `JSON.stringify` writes its reading
   * (an array, a bag or `null`, never a string): text the engine wrote itself (native
   * `make_list`, `pack_array`, `split`), so `tostring()` of it is the text.
   */
  readonly canonicalJson?: boolean;
  /**
   * An expanded column read from element texts (`mv-expand`, `_dynamic_native.ts`):
   * `tostring(F[0])` of each element, written beside it by the expansion (a `[key, value]`
   * pair's key, `_bag_shapes.ts`), null where it needs the exact reading; `tostring(F[0])`
   * reads it instead of the element's text.
   */
  readonly pairKey?: Expr;
}

/** Where a dynamic value sits in JSON text: `source` (a text column) at `steps`. */
export interface JsonPath {
  readonly source: Expr;
  readonly steps: readonly (string | number)[];
  /** The JavaScript job that computes the value itself, dropped when only the path is used. */
  readonly job?: string;
  /** The source is text `parse_json` reads (`null` is then no value), not a dynamic column. */
  readonly parsed?: boolean;
  /** `source`'s Polars JSON text (see {@link Typed.rawJson}), which the path reads natively. */
  readonly raw?: Expr;
  /**
   * `tostring()` of the value, written for every row (`F[0]` of an expanded column,
   * {@link Typed.pairKey}; null where it needs the exact reading), read instead of the path.
   */
  readonly key?: Expr;
}

/** A typed constant. */
export function constant(value: JsValue, type: KustoType): Typed {
  // The text keeps a dynamic value's integral reals as reals (`2.0`); JS code reads numbers.
  const plain = type === "dynamic" ? plainJson(value) : value;
  return { expr: jsToExpr(value, type), type, constant: { value: plain } };
}

/**
 * The hidden column that keeps the rows of a table without columns (`_row_carrier.ts`).
 * Never in a relation's `columns` outside an operator; its NUL keeps it apart from any name
 * a query gives.
 */
export const ROW_CARRIER = "\u0000casefile_rows";

/** A table in the middle of a query: its lazy plan and Kusto columns. */
export interface Relation {
  readonly frame: LazyDataFrame;
  readonly columns: readonly ColumnSchema[];
  readonly render?: RenderSpec;
  /** Set by `serialize`, `sort` and `top`: row order is meaningful. */
  readonly ordered?: boolean;
  /**
   * The table the rows come from, set by a table reference and kept by the operators that
   * keep rows: the `$table` of `T | search ...`.
   */
  readonly source?: string;
}

/** What a name in a query stands for. */
export type Binding =
  | { readonly kind: "scalar"; readonly value: Typed }
  | { readonly kind: "tabular"; readonly get: () => Relation }
  | { readonly kind: "function"; readonly definition: A.FunctionDefinition; readonly scope: Scope };

/** Names bound by `let`, nested for function bodies. */
export class Scope {
  readonly #names = new Map<string, Binding>();
  readonly parent?: Scope;

  constructor(parent?: Scope) {
    this.parent = parent;
  }

  get(name: string): Binding | undefined {
    return this.#names.get(name) ?? this.parent?.get(name);
  }

  set(name: string, binding: Binding): void {
    this.#names.set(name, binding);
  }

  /** Every name visible here (for "did you mean"). */
  names(): string[] {
    return [...new Set([...this.#names.keys(), ...(this.parent?.names() ?? [])])];
  }
}

/** A table the query can name. */
export interface SourceTable {
  /** The table's rows, as a lazy plan. */
  readonly frame: LazyDataFrame;
  /** The table's name and Kusto columns. */
  readonly schema: TableSchema;
  /**
   * Whether `frame` reads files whose content nothing vouches for (no recorded SHA-256):
   * a query over such a table is collected synchronously, where a Polars panic on a damaged
   * page is an error rather than an abort of the process.
   */
  readonly unverified?: boolean;
  /**
   * The same rows with, beside some dynamic columns, Polars' own JSON text of their values
   * (`columns`: dynamic column → text column): a scanned NDJSON table's nested columns
   * (`ScannedTable.rawJson`), which JSON-path reads read instead of the compacted value.
   */
  readonly rawJson?: {
    readonly frame: LazyDataFrame;
    readonly columns: ReadonlyMap<string, string>;
  };
  /**
   * The first `rows` values of column `name` (an in-memory table's own column), read
   * without running a plan: the sample of `_bag_shapes.ts`. Without it, the sample is the
   * head of `frame`.
   */
  readonly head?: (name: string, rows: number) => readonly unknown[];
}

/** Options of a {@link Context}. */
export interface ContextOptions {
  /** Every table name the provider has (for suggestions). */
  knownTables?: readonly string[];
  /** Outside tables by request key (see syntax/_external.ts). */
  external?: ReadonlyMap<string, SourceTable>;
  /** Tables of other places (`workspace("w").T`) by key (see syntax/_external.ts). */
  scopedTables?: ReadonlyMap<string, SourceTable>;
  /** Values for `declare query_parameters(...)`, as JS values of the declared types. */
  parameters?: ReadonlyMap<string, JsValue>;
  /** The caller's query limits (a query's `set` statements may lower them). */
  limits?: KqlLimits;
}

/**
 * Compiles what a query nests: tabular expressions and operators. The query compiler
 * (compile/_query.ts) attaches itself to the {@link Context} of the query it compiles.
 */
export interface QueryCompiler {
  /** Compiles a tabular expression. */
  tabularOf(expression: A.Expression, scope: Scope, ctx: Context): Relation;
  /** Applies one tabular operator to a relation. */
  applyOperator(input: Relation, op: A.Operator, scope: Scope, ctx: Context): Relation;
  /** Runs a tabular expression now and returns its first column's values. */
  firstColumnValues(
    expression: A.Expression,
    scope: Scope,
    ctx: Context,
  ): { values: JsValue[]; type: KustoType };
}

/**
 * The text of the error a native dynamic read raises when a row needs the exact (JavaScript)
 * reading (see {@link Context.exactJson}).
 */
export const EXACT_JSON_NEEDED = "casefile-exact-json-needed";

/** Whether `error` is the native dynamic read asking for the exact reading. */
export function needsExactJson(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return message.includes(EXACT_JSON_NEEDED);
}

/** State shared by the whole compilation of one query. */
export class Context {
  readonly query: string;
  readonly tables: ReadonlyMap<string, SourceTable>;
  /** `now()` in microseconds since the epoch. */
  readonly now: number;
  #counter = 0;

  /** Every table name the provider has (for suggestions), loaded or not. */
  readonly knownTables: readonly string[];
  /** Outside tables (externaldata, watchlists) the provider loaded, by request key. */
  readonly external: ReadonlyMap<string, SourceTable>;
  /** Tables of other places (`workspace("w").T`) the provider resolved, by key. */
  readonly scopedTables: ReadonlyMap<string, SourceTable>;
  /** Values given for declared query parameters. */
  readonly parameters: ReadonlyMap<string, JsValue>;
  /** The caller's query limits, before the query's `set` statements. */
  readonly givenLimits: KqlLimits;
  /** The limits in force (see compile/_limits.ts); set from the statements when compiling. */
  limits: Limits;
  /**
   * Every operator applied so far with its result, in order: a failure while the plan
   * runs is traced back to the first of them that fails (see compile/_failures.ts).
   */
  readonly applied: Array<{ readonly operator: A.Operator; readonly relation: Relation }> = [];
  #compiler?: QueryCompiler;
  readonly #expanding = new Set<object>();
  /**
   * Whether dynamic values are read exactly: rows Polars' JSON reading may read differently
   * from JavaScript are computed in JavaScript (a pass to find them first). When false (the
   * first try), the plan reads natively in one pass and fails with {@link EXACT_JSON_NEEDED}
   * if any row needs JavaScript; the caller then compiles again with this set.
   */
  exactJson = false;
  /**
   * Whether `mv-expand` reads bags, mixed arrays and typed items natively through their
   * elements' texts (`_dynamic_elements.ts`). False on the first try: arrays of strings
   * only, the common case, read without the element machinery's cost (1.6× the plain read
   * over 1M rows); a query meeting other values fails with {@link EXACT_JSON_NEEDED} and is
   * compiled again with this set, then, if it fails again, with {@link exactJson}. Items
   * typed `long`, `real` or `bool` read element texts on the first try too (they have no
   * other native reading; the first plan would expand them in JavaScript while planning).
   */
  elementTexts = false;

  constructor(
    query: string,
    tables: ReadonlyMap<string, SourceTable>,
    now: Date,
    options: ContextOptions = {},
  ) {
    this.query = query;
    this.tables = tables;
    this.now = now.getTime() * 1000;
    this.knownTables = options.knownTables ?? [...tables.keys()];
    this.external = options.external ?? new Map();
    this.scopedTables = options.scopedTables ?? new Map();
    this.parameters = options.parameters ?? new Map();
    this.givenLimits = options.limits ?? {};
    this.limits = resolveLimits([], query, this.givenLimits);
  }

  /** The query compiler, for sub-queries; attached when the query's compilation starts. */
  get compiler(): QueryCompiler {
    if (!this.#compiler) throw new Error("the query compiler is not attached to this context");
    return this.#compiler;
  }

  /** Attaches the query compiler (see {@link QueryCompiler}). */
  attach(compiler: QueryCompiler): void {
    this.#compiler = compiler;
  }

  /** A fresh internal column name. */
  temp(prefix = "__t"): string {
    return `${prefix}${this.#counter++}`;
  }

  error(what: string, span: A.Span, hint?: string): KqlSemanticError {
    return new KqlSemanticError(what, this.query, span, { hint });
  }

  /**
   * Runs `expand` for one use of a user function or a `let` name, refusing a use inside
   * its own expansion: KQL forbids recursion, and expanding one would never end.
   */
  expanding<T>(what: object, name: string, span: A.Span, expand: () => T): T {
    if (this.#expanding.has(what)) {
      throw this.error(
        `'${name}' refers to itself: recursive functions and definitions are not allowed in KQL`,
        span,
        "Rewrite the recursion as a fixed number of steps (for example with mv-apply, scan or range).",
      );
    }
    this.#expanding.add(what);
    try {
      return expand();
    } finally {
      this.#expanding.delete(what);
    }
  }

  unsupported(feature: string, span: A.Span, hint?: string): KqlUnsupportedError {
    return new KqlUnsupportedError(feature, this.query, span, { hint });
  }

  /**
   * The error of a table (or watchlist) that does not exist: the one failure that
   * `union isfuzzy=true` forgives, told apart by {@link Context.isUnknownTable}.
   */
  unknownTable(what: string, span: A.Span, hint?: string): KqlSemanticError {
    const error = this.error(what, span, hint);
    this.#unknownTables.add(error);
    return error;
  }

  /** Whether `error` was made by {@link Context.unknownTable}. */
  isUnknownTable(error: unknown): boolean {
    return error instanceof KqlSemanticError && this.#unknownTables.has(error);
  }

  readonly #unknownTables = new WeakSet<KqlSemanticError>();
}

/** A row-by-row JavaScript computation waiting for the next barrier. */
interface Pending {
  readonly column: string;
  readonly inputs: readonly Typed[];
  readonly type: KustoType;
  readonly fn: RowFn;
  /**
   * The columns of a function with several outputs ({@link ExprEnv.rowwiseMany}): `fn`
   * returns them as one array per row. `column` and `type` are then the first's.
   */
  readonly outputs?: readonly { readonly column: string; readonly type: KustoType }[];
  /** Only the rows where this is true are computed (the others are null). */
  readonly only?: Expr;
  /** A Polars expression computed as a column instead (no JavaScript: `fn` is unused). */
  readonly native?: Expr;
}

/** Where a scalar expression is compiled: the row's columns and the names in scope. */
export class ExprEnv {
  readonly ctx: Context;
  readonly scope: Scope;
  /** Columns of the current row, or undefined outside any table (let, print inputs). */
  readonly columns?: ReadonlyMap<string, KustoType>;
  /** Row-by-row work waiting for the barrier; shared by the envs of inlined functions. */
  readonly #queue: Pending[];

  constructor(
    ctx: Context,
    scope: Scope,
    columns?: ReadonlyMap<string, KustoType>,
    queue: Pending[] = [],
  ) {
    this.ctx = ctx;
    this.scope = scope;
    this.columns = columns;
    this.#queue = queue;
  }

  /** The same columns in another scope (function bodies), sharing pending work. */
  withScope(scope: Scope): ExprEnv {
    return new ExprEnv(this.ctx, scope, this.columns, this.#queue);
  }

  /**
   * A value computed by `fn` from `inputs` row by row. Folds to a constant when every
   * input is constant; otherwise waits for the operator's barrier.
   */
  rowwise(
    inputs: readonly Typed[],
    type: KustoType,
    fn: (args: JsValue[]) => JsValue,
    only?: Expr,
  ): Typed {
    if (inputs.every((i) => i.constant)) {
      return constant(fn(inputs.map((i) => i.constant!.value)), type);
    }
    const column = this.ctx.temp("__js");
    this.#queue.push({ column, inputs, type, fn, only });
    return { expr: pl.col(column), type };
  }

  /**
   * The outputs of a function with several results, computed by `fn` from `inputs` in one
   * pass per row: `fn` returns an array with a value per type of `types` (or null), read as
   * {@link rowOutputs} says. Folds to constants when every input is constant.
   */
  rowwiseMany(inputs: readonly Typed[], types: readonly KustoType[], fn: RowFn): Typed[] {
    if (inputs.every((i) => i.constant)) {
      const values = rowOutputs(fn(inputs.map((i) => i.constant!.value)), types);
      return values.map((value, k) => constant(value, types[k]));
    }
    const outputs = types.map((type) => ({ column: this.ctx.temp("__js"), type }));
    this.#queue.push({ column: outputs[0].column, inputs, type: types[0], fn, outputs });
    return outputs.map((o) => ({ expr: pl.col(o.column), type: o.type }));
  }

  /**
   * `expr` computed as a column of its own before the operator applies: an expression
   * reading it twice (a filter, which Polars does not de-duplicate) computes it once.
   */
  column(expr: Expr, type: KustoType): Typed {
    const column = this.ctx.temp("__pl");
    this.#queue.push({ column, inputs: [], type, fn: () => null, native: expr });
    return { expr: pl.col(column), type };
  }

  /** The column of the computation {@link ExprEnv.rowwise} queued last, if any. */
  lastJob(): string | undefined {
    return this.#queue.at(-1)?.column;
  }

  /**
   * Drops the pending computation of `column` (a value whose native reading was used
   * instead). Only for a value compiled for one use: nothing else may read its column.
   */
  discard(column: string): void {
    const at = this.#queue.findIndex((job) => job.column === column);
    if (at >= 0) this.#queue.splice(at, 1);
  }

  /** The columns of the computations waiting for the barrier, in order. */
  pendingColumns(): string[] {
    return this.#queue.flatMap((job) => job.outputs?.map((o) => o.column) ?? [job.column]);
  }

  /** Whether expressions compiled here wait for a barrier. */
  get hasPending(): boolean {
    return this.#queue.length > 0;
  }

  /**
   * Runs the pending JavaScript computations over `frame`: the returned frame has their
   * columns, so the expressions compiled here can be applied to it.
   */
  materialise(frame: LazyDataFrame): LazyDataFrame {
    const queue = this.#queue;
    if (queue.length === 0) return frame;
    // Jobs for the few rows native reading leaves to JavaScript keep the plan lazy: only
    // those rows are read out, and the values join back by row number.
    if (queue.every((job) => job.only || job.native)) {
      for (const job of queue.splice(0)) {
        frame = job.native
          ? frame.withColumn(job.native.alias(job.column))
          : maskedLazy(frame, job);
      }
      return frame;
    }
    let data: DataFrame = frame.collectSync();
    for (const job of queue.splice(0)) {
      if (job.native) {
        data = data.withColumn(job.native.alias(job.column));
        continue;
      }
      if (job.only) {
        data = data.withColumn(masked(data, job));
        continue;
      }
      const names = job.inputs.map((_, i) => `${job.column}_in${i}`);
      // withColumns, not select: an input that reads no column (a long literal past 2^53)
      // is one value, which select leaves as one row and withColumns repeats for each row.
      const inputs = data.withColumns(
        ...job.inputs.map((input, i) => readableExpr(input.expr, input.type).alias(names[i])),
      ).select(...names.map((name) => pl.col(name)));
      data = data.withColumns(...computeRows(inputs, names, job));
    }
    return data.lazy();
  }
}

/** Rows read out of Polars, computed and written back at a time (see {@link computeRows}). */
const ROW_BATCH = 4096;

/**
 * `job.fn` over the rows of `inputs` (its columns `names`, in the order of `job.inputs`),
 * as the job's columns (one, or one per output of {@link ExprEnv.rowwiseMany}). A large job
 * of a portable function runs on worker threads (`_job_workers.ts`); otherwise the rows go
 * batch by batch, from reading them out of Polars to writing the results back, and Ctrl-C
 * is checked between batches: reading every column first (`pack_all()` over a wide table)
 * or writing every result last (JSON text of large bags) would each hold the thread for
 * seconds with no check.
 */
function computeRows(inputs: DataFrame, names: readonly string[], job: Pending): Series[] {
  const outputs = job.outputs ?? [{ column: job.column, type: job.type }];
  const many = job.outputs !== undefined;
  const onWorkers = computeInWorkers(
    inputs,
    names,
    { inputs: job.inputs, fn: job.fn, outputs, many },
    (batch) => computeBatch(batch, batch.height, names, job),
  );
  if (onWorkers) return onWorkers;
  // A DataFrame is a Proxy whose every property read lists the columns natively: the
  // height is read once, not per batch.
  const height = inputs.height;
  const parts: Series[][] = outputs.map(() => []);
  for (let offset = 0; offset === 0 || offset < height; offset += ROW_BATCH) {
    checkInterrupt();
    const batch = height <= ROW_BATCH ? inputs : inputs.slice(offset, ROW_BATCH);
    const rows = Math.min(ROW_BATCH, height - offset);
    const values = computeBatch(batch, rows, names, job);
    checkInterrupt();
    outputs.forEach((o, k) => parts[k].push(jsToSeries(o.column, values[k], o.type)));
  }
  return parts.map((p) => p.length === 1 ? p[0] : pl.concat(p, { rechunk: true, parallel: false }));
}

/** The values of `job`'s output columns over the first `rows` rows of `batch`. */
function computeBatch(
  batch: DataFrame,
  rows: number,
  names: readonly string[],
  job: Pending,
): JsValue[][] {
  const values = job.inputs.map((input, i) => seriesToJs(batch.getColumn(names[i]), input.type));
  return applyRows(job.fn, rows, values, job.outputs?.map((o) => o.type));
}

/** A job computed only on the rows its mask selects (typically none or a few). */
function masked(data: DataFrame, job: Pending): Series | Expr {
  const at = `${job.column}_at`;
  const names = job.inputs.map((_, i) => `${job.column}_in${i}`);
  const rows = data.withRowIndex(at).filter(job.only!).select(
    pl.col(at),
    ...job.inputs.map((input, i) => readableExpr(input.expr, input.type).alias(names[i])),
  );
  if (rows.height === 0) {
    return pl.lit(null).cast(polarsTypeOf(job.type)).alias(job.column);
  }
  const computed = pl.DataFrame([rows.getColumn(at), ...computeRows(rows, names, job)]);
  // Sorted by row number: the column goes next to the frame's rows, in their order.
  return data.withRowIndex(at).select(pl.col(at))
    .join(computed, { on: at, how: "left" } as never)
    .sort(at).getColumn(job.column);
}

/** A masked job run on a lazy frame: the frame with its column, still lazy. */
function maskedLazy(frame: LazyDataFrame, job: Pending): LazyDataFrame {
  const at = `${job.column}_at`;
  const names = job.inputs.map((_, i) => `${job.column}_in${i}`);
  const rows = frame.withRowIndex(at).filter(job.only!).select(
    pl.col(at),
    ...job.inputs.map((input, i) => readableExpr(input.expr, input.type).alias(names[i])),
  ).collectSync();
  if (rows.height === 0) {
    return frame.withColumn(pl.lit(null).cast(polarsTypeOf(job.type)).alias(job.column));
  }
  const computed = pl.DataFrame([rows.getColumn(at), ...computeRows(rows, names, job)]);
  return frame.withRowIndex(at)
    .join(computed.lazy(), { on: at, how: "left" } as never)
    .drop(at);
}

/** The columns of a relation as a lookup map. */
export function columnMap(columns: readonly ColumnSchema[]): Map<string, KustoType> {
  return new Map(columns.map((c) => [c.name, c.type]));
}

/**
 * Columns an `mv-expand` wrote with `tostring()` of each value beside them, in a frame
 * column: a native list of strings' expansion, whose every value is null or the JSON text
 * of a string (`onlyStrings`: the strings column holds the strings themselves), or one read
 * from element texts (any JSON value: the column holds `tostring()` of each, which is not
 * the value). A WeakMap of the column objects: an operator that computes a column anew
 * makes a new object, so the mark never outlives the values it describes.
 */
const jsonStringColumns = new WeakMap<
  ColumnSchema,
  { readonly strings: string; readonly onlyStrings: boolean }
>();

/** The marked columns' string columns, by the column map {@link rowEnv} made. */
const jsonStringNames = new WeakMap<
  ReadonlyMap<string, KustoType>,
  ReadonlyMap<string, { readonly strings?: string; readonly onlyStrings: boolean }>
>();

/**
 * Marks `column` as written with `tostring()` of each value in frame column `strings`, and
 * (`onlyStrings`, the default) as holding only JSON strings (or null); returns it.
 */
export function markJsonStrings(
  column: ColumnSchema,
  strings: string,
  onlyStrings = true,
): ColumnSchema {
  jsonStringColumns.set(column, { strings, onlyStrings });
  return column;
}

/**
 * Whether column `name` of an environment's `columns` is marked by {@link markJsonStrings}:
 * then `{ strings, onlyStrings }`, `strings` the frame column of `tostring()` of the values
 * when it is still there, `onlyStrings` whether every value is a JSON string (or null).
 */
export function jsonStringsOf(
  columns: ReadonlyMap<string, KustoType> | undefined,
  name: string,
): { readonly strings?: string; readonly onlyStrings: boolean } | undefined {
  const marked = columns === undefined ? undefined : jsonStringNames.get(columns);
  return marked?.get(name);
}

/**
 * The frame columns of the strings beside `input`'s JSON-string columns, and of the first
 * elements beside its expanded columns ({@link markPairKeys}), that are still in its frame,
 * for operators that keep rows to keep too.
 */
export function jsonStringsKept(input: Relation): string[] {
  const strings = input.columns.flatMap((c) => [
    ...(jsonStringColumns.has(c) ? [jsonStringColumns.get(c)!.strings] : []),
    ...(pairKeyColumns.has(c) ? [pairKeyColumns.get(c)!] : []),
  ]);
  if (strings.length === 0) return [];
  const present = new Set(input.frame.columns);
  return strings.filter((name) => present.has(name));
}

/** An expression environment over a relation's columns. */
export function rowEnv(input: Relation, scope: Scope, ctx: Context): ExprEnv {
  // The row carrier of a table without columns (`_row_carrier.ts`) is no name in a query.
  const columns = columnMap(input.columns.filter((c) => c.name !== ROW_CARRIER));
  const marked = input.columns.filter((c) => jsonStringColumns.has(c));
  if (marked.length > 0) {
    // Operators that select their columns drop the strings: then the text is read.
    const present = new Set(input.frame.columns);
    jsonStringNames.set(
      columns,
      new Map(marked.map((c) => {
        const { strings, onlyStrings } = jsonStringColumns.get(c)!;
        return [c.name, { strings: present.has(strings) ? strings : undefined, onlyStrings }];
      })),
    );
  }
  const paired = input.columns.filter((c) => pairKeyColumns.has(c));
  if (paired.length > 0) {
    const present = new Set(input.frame.columns);
    const keys = paired.map((c) => [c.name, pairKeyColumns.get(c)!] as const);
    pairKeyNames.set(columns, new Map(keys.filter(([, key]) => present.has(key))));
  }
  noteCanonicalJson(columns, input.columns.filter((c) => canonicalJsonColumns.has(c)));
  noteRawJson(input.frame, columns);
  return new ExprEnv(ctx, scope, columns);
}

/**
 * Columns whose every value is null or canonical JSON text ({@link Typed.canonicalJson}).
 * A set of column objects, as {@link jsonStringColumns}: an operator that computes a column
 * anew makes a new object, so the mark never outlives the values it describes.
 */
const canonicalJsonColumns = new WeakSet<ColumnSchema>();

/** The names of the canonical JSON columns, by the column map of an environment. */
const canonicalJsonNames = new WeakMap<ReadonlyMap<string, KustoType>, ReadonlySet<string>>();

/**
 * Marks `column` (a new column object, of values the caller wrote) as holding only null or
 * canonical JSON text; returns it. Only a `dynamic` column is marked.
 */
export function markCanonicalJson(column: ColumnSchema): ColumnSchema {
  if (column.type === "dynamic") canonicalJsonColumns.add(column);
  return column;
}

/**
 * `to` marked as `from` is by {@link markCanonicalJson}: for an operator that makes a new
 * column object of the same values (a rename). Returns `to`.
 */
export function carryCanonicalJson(from: ColumnSchema, to: ColumnSchema): ColumnSchema {
  return canonicalJsonColumns.has(from) ? markCanonicalJson(to) : to;
}

/**
 * Records that `marked` (columns of `columns`, an environment's column map) hold canonical
 * JSON text, for {@link canonicalJsonOf}.
 */
export function noteCanonicalJson(
  columns: ReadonlyMap<string, KustoType>,
  marked: readonly { readonly name: string; readonly type: KustoType }[],
): void {
  const names = marked.filter((c) => c.type === "dynamic" && columns.get(c.name) === "dynamic");
  if (names.length > 0) canonicalJsonNames.set(columns, new Set(names.map((c) => c.name)));
}

/** Whether column `name` of an environment's `columns` holds canonical JSON text. */
export function canonicalJsonOf(
  columns: ReadonlyMap<string, KustoType> | undefined,
  name: string,
): boolean {
  return columns !== undefined && canonicalJsonNames.get(columns)?.has(name) === true;
}

/**
 * Expanded columns with a frame column of `tostring()` of their first elements beside them
 * (see {@link Typed.pairKey}): a WeakMap of the column objects, as {@link jsonStringColumns},
 * so the mark dies with any operator that computes the column anew (or renames it).
 */
const pairKeyColumns = new WeakMap<ColumnSchema, string>();

/** The marked columns' key columns still in the frame, by the column map {@link rowEnv} made. */
const pairKeyNames = new WeakMap<ReadonlyMap<string, KustoType>, ReadonlyMap<string, string>>();

/**
 * Marks `column` as an expanded column whose elements' `tostring(F[0])` frame column `keys`
 * holds (null where it needs the exact reading); returns it.
 */
export function markPairKeys(column: ColumnSchema, keys: string): ColumnSchema {
  pairKeyColumns.set(column, keys);
  return column;
}

/** The frame column of the keys of column `name` of an environment's `columns`, if marked. */
export function pairKeysOf(
  columns: ReadonlyMap<string, KustoType> | undefined,
  name: string,
): string | undefined {
  return columns === undefined ? undefined : pairKeyNames.get(columns)?.get(name);
}
