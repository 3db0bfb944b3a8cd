/**
 * Running KQL locally: parse, check against the tables' schemas, compile to a Polars
 * lazy plan, execute.
 *
 * {@link runKql} is the everyday call: a query over frames, its result frame back.
 * {@link executeKql} runs the same way and returns the whole {@link KqlResult} (the frame
 * with its Kusto schema and the chart `render` asked for). {@link executeOn} runs over
 * tables a provider has already prepared ({@link sourceTables}), with what a provider
 * knows besides (every table name, outside data, parameter values).
 *
 * @module
 */
import {
  type DataFrame,
  type Expr,
  isIntegerVariant,
  pl,
  type Series,
  variantOf,
} from "../polars.ts";
import {
  type ColumnSchema,
  polarsTypeOf,
  schemaOfFrame,
  type TableSchema,
} from "../schema/types.ts";
import type { RenderSpec } from "../providers/provider.ts";
import { parseQuery } from "./syntax/_parser.ts";
import type { QueryText } from "./syntax/ast.ts";
import { Context, needsExactJson, type Relation, type SourceTable } from "./compile/_context.ts";
import { queryFailure, runFailure } from "./compile/_failures.ts";
import { collect, collectAsync, compileQuery } from "./compile/_query.ts";
import { resultTablesOf } from "./compile/operators/_partition.ts";
import {
  formatBytes,
  type KqlLimits,
  type Limits,
  raiseHint,
  resultBytes,
} from "./compile/_limits.ts";
import "./functions/_all.ts";
import { loadGeoLibraries } from "./functions/geo/_libs.ts";
import { preloadFunctionData } from "./functions/_preload.ts";
import { checkOptions, defineOptions, type OptionSpecs } from "../options.ts";

/** Options of {@link runKql} and {@link executeKql}. */
export interface RunKqlOptions {
  /** Tables the query may name, as frames (their Kusto schema is read off the dtypes). */
  tables?: Record<string, DataFrame>;
  /** Kusto schemas for some of `tables`, where text columns are `dynamic` or `guid`. */
  schemas?: Record<string, TableSchema>;
  /** The instant `now()` and `ago()` use (default: the current time). */
  now?: Date;
  /**
   * Query limits (Kusto's request properties); a query's `set` statements may lower them.
   * An operator that would pass one fails before doing the work, with a located error.
   */
  limits?: KqlLimits;
}

const KQL_OPTIONS: OptionSpecs<RunKqlOptions> = {
  tables: { kind: "object", aliases: ["frames", "data"] },
  schemas: "object",
  now: { kind: "date", aliases: ["time", "at"] },
  limits: "object",
};
const RUN_KQL_OPTIONS = defineOptions<RunKqlOptions>("runKql", KQL_OPTIONS);
const EXECUTE_KQL_OPTIONS = defineOptions<RunKqlOptions>("executeKql", KQL_OPTIONS);

/** A query's result with its Kusto schema and the chart `render` asked for. */
export interface KqlResult {
  /** The rows, with Polars dtypes that match `schema`. */
  readonly frame: DataFrame;
  /** The result's Kusto columns (named `PrimaryResult`, as Kusto names it). */
  readonly schema: TableSchema;
  /** The chart a trailing `render` asked for, if any. */
  readonly render?: RenderSpec;
  /**
   * Every result table, when the query makes several (`fork`, `facet`), in Kusto's order
   * and with Kusto's names; the first is `frame` and `schema`.
   */
  readonly tables?: readonly KqlTable[];
}

/** One result table of a query that makes several (`fork`, `facet`). */
export interface KqlTable {
  /** The rows, with Polars dtypes that match `schema`. */
  readonly frame: DataFrame;
  /** The table's name (a fork leg's `name=`, a facet's column) and Kusto columns. */
  readonly schema: TableSchema;
}

/**
 * Runs `query` and returns the result frame. Use {@link executeKql} for the result's
 * Kusto schema (where `dynamic`, `guid` and `timespan` columns are told apart) and its
 * `render` chart.
 *
 * @param query The KQL text.
 * @param options The tables the query may name, their schemas and the time `now()` is.
 * @returns The result frame.
 * @throws {KqlSyntaxError} when the query is not valid KQL (with line and column).
 * @throws {KqlSemanticError} for unknown tables, columns or functions, and type errors.
 * @throws {KqlUnsupportedError} for KQL features the local engine does not implement.
 *
 * @example Count failed sign-ins per account over inline data
 * ```ts
 * import assert from "node:assert/strict";
 * import { runKql } from "./mod.ts";
 *
 * const frame = await runKql(`
 *   datatable(Account: string, EventID: int) ["alice", 4625, "alice", 4625, "bob", 4624]
 *   | where EventID == 4625
 *   | summarize Failures = count() by Account`);
 * assert.deepEqual(frame.toRecords(), [{ Account: "alice", Failures: 2 }]);
 * ```
 */
export async function runKql(query: string, options: RunKqlOptions = {}): Promise<DataFrame> {
  checkOptions("runKql", options, RUN_KQL_OPTIONS);
  return (await executeKql(query, options)).frame;
}

/**
 * Runs `query` and returns its result with its Kusto schema and `render` chart: what
 * {@link runKql} runs, with what it leaves out.
 *
 * @param query The KQL text.
 * @param options The tables the query may name, their schemas and the time `now()` is.
 * @returns The frame, its Kusto schema and the chart asked for.
 * @throws {KqlSyntaxError} when the query is not valid KQL (with line and column).
 * @throws {KqlSemanticError} for unknown tables, columns or functions, and type errors.
 * @throws {KqlUnsupportedError} for KQL features the local engine does not implement.
 *
 * @example A result's Kusto types and its chart
 * ```ts
 * import assert from "node:assert/strict";
 * import { executeKql } from "./mod.ts";
 *
 * const result = await executeKql(
 *   `print Id = guid(74be27de-1e4e-49d9-b579-fe0b331d3642), Took = 90s | render card`,
 * );
 * assert.deepEqual(result.schema.columns, [
 *   { name: "Id", type: "guid" },
 *   { name: "Took", type: "timespan" },
 * ]);
 * assert.equal(result.render?.visualization, "card");
 * ```
 */
export async function executeKql(
  query: string,
  options: RunKqlOptions = {},
): Promise<KqlResult> {
  checkOptions("executeKql", options, EXECUTE_KQL_OPTIONS);
  const tables = sourceTables(options.tables, options.schemas);
  // Untyped callers may give `now` as ISO text or epoch milliseconds (checked above).
  const now = options.now === undefined ? new Date() : new Date(options.now);
  return await executeOn(query, tables, { now, limits: options.limits });
}

/** Options of {@link executeOn}. */
export interface ExecuteOptions {
  /** The instant `now()` and `ago()` use. */
  now: Date;
  /** The query already parsed (callers that inspected it first need not parse twice). */
  parsed?: QueryText;
  /** Every table name the provider has, loaded or not (for "did you mean"). */
  knownTables?: readonly string[];
  /** Outside tables (`externaldata`, watchlists) the provider loaded, by request key. */
  external?: ReadonlyMap<string, SourceTable>;
  /**
   * Tables of other places the provider resolved (`workspace("emea").SigninLogs`), by the
   * key {@link tableReferences} gives; the engine refuses a scoped table not given here.
   */
  scopedTables?: ReadonlyMap<string, SourceTable>;
  /** Values for `declare query_parameters(...)`, as JS values of the declared types. */
  parameters?: ReadonlyMap<string, unknown>;
  /** Query limits (see {@link KqlLimits}); the query's `set` statements may lower them. */
  limits?: KqlLimits;
}

/**
 * Runs `query` over prepared source tables (see {@link sourceTables}). The final plan
 * runs on Polars' thread pool, off the event loop, so a caller can stop waiting for it
 * (a REPL's Ctrl-C); a plan over a table marked `unverified` runs synchronously instead.
 *
 * @param query The KQL text.
 * @param tables The tables the query may name, by name.
 * @param options The time `now()` is, and what the provider knows besides the tables.
 * @returns The frame, its Kusto schema and the chart asked for.
 * @throws {KqlSyntaxError} when the query is not valid KQL (with line and column).
 * @throws {KqlSemanticError} for unknown tables, columns or functions, and type errors.
 * @throws {KqlUnsupportedError} for KQL features the local engine does not implement.
 */
export async function executeOn(
  query: string,
  tables: ReadonlyMap<string, SourceTable>,
  options: ExecuteOptions,
): Promise<KqlResult> {
  await loadGeoLibraries();
  await preloadFunctionData(query);
  // Arrays of strings natively; then bags and mixed arrays too; then exactly (a dynamic
  // value the one-pass native reading could read differently).
  for (const elementTexts of [false, true]) {
    try {
      return await executeOnce(query, tables, options, false, elementTexts);
    } catch (error) {
      if (!needsExactJson(error)) throw error;
    }
  }
  return await executeOnce(query, tables, options, true, true);
}

async function executeOnce(
  query: string,
  tables: ReadonlyMap<string, SourceTable>,
  options: ExecuteOptions,
  exactJson: boolean,
  elementTexts: boolean,
): Promise<KqlResult> {
  const ctx = new Context(query, tables, options.now, options);
  ctx.exactJson = exactJson;
  ctx.elementTexts = elementTexts;
  let relation: Relation;
  let parsed: QueryText;
  try {
    parsed = options.parsed ?? parseQuery(query);
    relation = compileQuery(parsed, ctx);
  } catch (error) {
    if (needsExactJson(error) && !exactJson) throw error;
    throw queryFailure(error, ctx);
  }
  // Off the event loop, unless the plan reads unverified files: Polars may panic on their
  // damaged pages, which aborts the process from the asynchronous collect.
  const run = [...tables.values(), ...(options.scopedTables?.values() ?? [])]
      .some((t) => t.unverified)
    ? (r: Relation) => Promise.resolve(collect(r))
    : collectAsync;
  let frame: DataFrame;
  try {
    frame = await run(truncated(relation, ctx.limits));
  } catch (error) {
    if (needsExactJson(error) && !exactJson) throw error;
    throw runFailure(error, ctx);
  }
  checkTruncation(frame, parsed, ctx);
  const results = await otherTables(relation, frame, parsed, ctx, run);
  return {
    frame,
    schema: { name: results?.[0].schema.name ?? "PrimaryResult", columns: relation.columns },
    render: relation.render,
    ...(results ? { tables: results } : {}),
  };
}

/** All result tables of a query ending in `fork` or `facet` (`first` already collected). */
async function otherTables(
  relation: Relation,
  first: DataFrame,
  parsed: QueryText,
  ctx: Context,
  run: (relation: Relation) => Promise<DataFrame>,
): Promise<KqlTable[] | undefined> {
  const made = resultTablesOf(relation);
  if (!made) return undefined;
  const out: KqlTable[] = [];
  for (const [i, table] of made.entries()) {
    let frame = first;
    if (i > 0) {
      try {
        frame = await run(truncated(table.relation, ctx.limits));
      } catch (error) {
        if (needsExactJson(error) && !ctx.exactJson) throw error;
        throw runFailure(error, ctx);
      }
      checkTruncation(frame, parsed, ctx);
    }
    out.push({ frame, schema: { name: table.name, columns: table.relation.columns } });
  }
  return out;
}

/**
 * The plan cut as the limits say: to `query_take_max_records` rows, and to one row past
 * `truncationmaxrecords` (enough to tell the result is too large without making all of it).
 */
function truncated(relation: Relation, limits: Limits): Relation {
  let frame = relation.frame;
  if (Number.isFinite(limits.takeMaxRecords)) frame = frame.limit(limits.takeMaxRecords);
  if (Number.isFinite(limits.truncationMaxRecords)) {
    frame = frame.limit(limits.truncationMaxRecords + 1);
  }
  return frame === relation.frame ? relation : { ...relation, frame };
}

const count = (n: number) => n.toLocaleString("en-US");

/**
 * Kusto's result truncation: a result past `truncationmaxrecords` records, or past
 * `truncationmaxsize` bytes, fails the query.
 */
function checkTruncation(frame: DataFrame, parsed: QueryText, ctx: Context): void {
  const limit = ctx.limits.truncationMaxRecords;
  const last = parsed.statements.findLast((s) => s.kind === "expression") ??
    parsed.statements.at(-1);
  const maxSize = ctx.limits.truncationMaxSize;
  if (Number.isFinite(maxSize)) {
    const bytes = resultBytes(frame);
    if (bytes > maxSize) {
      throw ctx.error(
        `The result holds ${count(bytes)} bytes (${formatBytes(bytes)}), more than the ` +
          `${count(maxSize)} the limit truncationmaxsize sets (Kusto's ` +
          "E_QUERY_RESULT_SET_TOO_LARGE)",
        last?.span ?? { start: 0, end: 0 },
        raiseHint("truncationMaxSize", Math.ceil(bytes)) +
          " Or project fewer columns, take fewer rows, or summarize.",
      );
    }
  }
  if (frame.height <= limit) return;
  throw ctx.error(
    `The result has more than ${limit} records, the limit truncationmaxrecords sets ` +
      `(Kusto's E_QUERY_RESULT_SET_TOO_LARGE)`,
    last?.span ?? { start: 0, end: 0 },
    raiseHint("truncationMaxRecords", limit * 10) +
      " Or cut the result with take, or summarize it.",
  );
}

/**
 * Frames and schemas as the compiler's source tables, for {@link executeOn}. A frame's
 * Kusto schema is read off its dtypes unless `schemas` gives it; Kusto strings are never
 * null, so nulls in string columns become "".
 *
 * @param tables The frames, by table name.
 * @param schemas Kusto schemas for some of the tables.
 * @returns The source tables, by name.
 */
export function sourceTables(
  tables: Record<string, DataFrame> = {},
  schemas: Record<string, TableSchema> = {},
): Map<string, SourceTable> {
  const out = new Map<string, SourceTable>();
  for (const [name, frame] of Object.entries(tables)) {
    const schema = schemas[name] ?? schemaOfFrame(name, frame);
    // The columns read once: nodejs-polars builds `frame.columns` afresh on every property
    // read of a frame (`frame.getColumn` included), which made wide tables quadratic.
    const present = new Map(frame.getColumns().map((s) => [s.name, s]));
    const fixes = schema.columns
      .filter((c) => present.has(c.name))
      .map((c) => conformColumn(present.get(c.name)!, c))
      .filter((e) => e !== undefined);
    // Only tables with dynamic columns are split: reading a property of JSON text is the
    // costly computed column the split parallelises, while group-bys and sorts of a split
    // table pay for putting it back together (measured: count by and arg_max 1.2-1.35x the
    // hand plan split, 0.8-1.17x whole).
    const base = schema.columns.some((c) => c.type === "dynamic") ? inThreadChunks(frame) : frame;
    const lazy = fixes.length > 0 ? base.lazy().withColumns(...fixes) : base.lazy();
    // The head of a column read as it is (a bag shape's sample, `_bag_shapes.ts`).
    const head = (column: string, rows: number) => present.get(column)?.head(rows).toArray() ?? [];
    out.set(name, { frame: lazy, schema: { name, columns: schema.columns }, head });
  }
  return out;
}

/** Rows below which a table stays in one chunk (splitting it would cost more than it saves). */
const CHUNK_SPLIT_ROWS = 200_000;

/**
 * A big one-chunk frame as one chunk per core (zero-copy slices): Polars evaluates a
 * filter's predicate on parts of a frame in parallel, but computed columns (`extend`, a
 * dynamic property read once for several uses) only chunk by chunk.
 */
function inThreadChunks(frame: DataFrame): DataFrame {
  const threads = Math.min(navigator.hardwareConcurrency ?? 1, 16);
  if (threads < 2 || frame.height < CHUNK_SPLIT_ROWS || frame.nChunks() > 1) return frame;
  const size = Math.ceil(frame.height / threads);
  const parts: DataFrame[] = [];
  for (let start = 0; start < frame.height; start += size) parts.push(frame.slice(start, size));
  return pl.concat(parts, { rechunk: false, how: "vertical" } as never);
}

/** The time unit of a datetime or duration column ("ms", "us", "ns"). */
function unitOf(series: Series): string | undefined {
  return (series.dtype as unknown as { timeUnit?: string }).timeUnit;
}

/** The time zone of a datetime column ("UTC", "Europe/Paris"), or undefined. */
function zoneOf(series: Series): string | undefined {
  return (series.dtype as unknown as { timeZone?: string }).timeZone || undefined;
}

/**
 * What a source column needs to match its Kusto type, or undefined: a column of nulls
 * only (an empty table, or an empty file's guess) or of narrower integers takes the
 * column's dtype, so the query's operations see the types its schema promises; Kusto
 * strings are never null, so nulls in string columns become "".
 */
function conformColumn(series: Series, column: ColumnSchema): Expr | undefined {
  const target = polarsTypeOf(column.type);
  const have = variantOf(series.dtype);
  const want = variantOf(target);
  const allNull = series.nullCount() === series.length;
  let expr: Expr | undefined;
  const widens = isIntegerVariant(have) && (want === "Int64" || want === "Float64");
  if (have !== want && (allNull || widens)) {
    expr = pl.col(column.name).cast(target);
  }
  // A caller's datetimes or durations in other units (ms from JavaScript dates, ns from
  // Arrow), or datetimes with a time zone: the engine computes in microseconds of UTC
  // without a zone, as it reads its own files.
  if (
    have === want && (have === "Datetime" || have === "Duration") &&
    (unitOf(series) !== "us" || zoneOf(series))
  ) {
    expr = pl.col(column.name).cast(target);
  }
  if (column.type === "string" && (have === want || expr) && series.nullCount() > 0) {
    expr = (expr ?? pl.col(column.name)).fillNull(pl.lit(""));
  }
  return expr?.alias(column.name);
}
