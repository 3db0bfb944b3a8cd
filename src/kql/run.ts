/**
 * Running KQL locally: parse, check against the tables' schemas, compile to a Polars
 * lazy plan, execute.
 *
 * @module
 */
import { type DataFrame, pl } from "../polars.ts";
import { schemaOfFrame, type TableSchema } from "../schema/types.ts";
import type { RenderSpec } from "../providers/provider.ts";
import { parseQuery } from "./_parser.ts";
import type { QueryText } from "./ast.ts";
import { Context, type ContextOptions, type SourceTable } from "./_env.ts";
import { collectAsync, compileQuery } from "./_query.ts";
import "./functions/mod.ts";
import { loadGeoLibraries } from "./functions/geo/_libs.ts";

/** Options of {@link runKql} and {@link executeKql}. */
export interface RunKqlOptions {
  /** Tables the query may name, as frames (their Kusto schema is read off the dtypes). */
  tables?: Record<string, DataFrame>;
  /** Kusto schemas for some of `tables`, where text columns are `dynamic` or `guid`. */
  schemas?: Record<string, TableSchema>;
  /** The instant `now()` and `ago()` use (default: the current time). */
  now?: Date;
}

/** A query's result with its Kusto schema and the chart `render` asked for. */
export interface KqlResult {
  readonly frame: DataFrame;
  readonly schema: TableSchema;
  readonly render?: RenderSpec;
}

/** Frames and schemas as the compiler's source tables; text columns never hold nulls. */
export function sourceTables(
  tables: Record<string, DataFrame> = {},
  schemas: Record<string, TableSchema> = {},
): Map<string, SourceTable> {
  const out = new Map<string, SourceTable>();
  for (const [name, frame] of Object.entries(tables)) {
    const schema = schemas[name] ?? schemaOfFrame(name, frame);
    // Kusto strings are never null; only columns that hold nulls need the fill.
    const strings = schema.columns
      .filter((c) => c.type === "string" && frame.columns.includes(c.name))
      .filter((c) => frame.getColumn(c.name).nullCount() > 0)
      .map((c) => c.name);
    const lazy = strings.length > 0
      ? frame.lazy().withColumns(...strings.map((c) => pl.col(c).fillNull(pl.lit("")).alias(c)))
      : frame.lazy();
    out.set(name, { frame: lazy, schema: { name, columns: schema.columns } });
  }
  return out;
}

/**
 * Runs `query` and returns its result with its Kusto schema.
 *
 * @throws {KqlSyntaxError} when the query is not valid KQL (with line and column).
 * @throws {KqlSemanticError} for unknown tables, columns or functions, and type errors.
 * @throws {KqlUnsupportedError} for KQL features the local engine does not implement.
 */
export async function executeKql(
  query: string,
  options: RunKqlOptions = {},
): Promise<KqlResult> {
  const tables = sourceTables(options.tables, options.schemas);
  return await executeOn(query, tables, { now: options.now ?? new Date() });
}

/** Options of {@link executeOn}. */
export interface ExecuteOptions extends ContextOptions {
  /** The instant `now()` and `ago()` use. */
  now: Date;
  /** The query already parsed (callers that inspected it first need not parse twice). */
  parsed?: QueryText;
}

/**
 * Runs `query` over prepared source tables. The final plan runs on Polars' thread pool,
 * off the event loop, so a caller can stop waiting for it (a REPL's Ctrl-C).
 */
export async function executeOn(
  query: string,
  tables: ReadonlyMap<string, SourceTable>,
  options: ExecuteOptions,
): Promise<KqlResult> {
  const text = options.parsed ?? parseQuery(query);
  await loadGeoLibraries();
  const ctx = new Context(query, tables, options.now, options);
  const relation = compileQuery(text, ctx);
  const frame = await collectAsync(relation);
  return {
    frame,
    schema: { name: "PrimaryResult", columns: relation.columns },
    render: relation.render,
  };
}

/**
 * Runs `query` and returns the result frame.
 *
 * @example Count events per account over inline data
 * ```ts
 * import { runKql } from "./run.ts";
 *
 * const frame = await runKql(`
 *   datatable(Account: string, EventID: int) ["alice", 4625, "alice", 4625, "bob", 4624]
 *   | where EventID == 4625
 *   | summarize Failures = count() by Account`);
 * console.log(frame.toRecords()); // [{ Account: "alice", Failures: 2 }]
 * ```
 */
export async function runKql(query: string, options: RunKqlOptions = {}): Promise<DataFrame> {
  return (await executeKql(query, options)).frame;
}
