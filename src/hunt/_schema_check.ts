/**
 * The schema check of library queries: each query, with a sample value of every
 * parameter, runs on empty tables built from the Sentinel schemas of the tables it
 * declares, so the engine resolves every table, column, function and type the text uses;
 * its output columns must be the ones it declares. A user's folder is checked this way as
 * it loads (a column that does not exist is named at load, not at the first run). Queries
 * that read a watchlist or `externaldata` are left to run time: those columns are known
 * only where the provider loads them; so are queries that use what only the workspace has
 * (a function or feature the local engine lacks, a table casefile has no schema of).
 *
 * @module
 */
import { CasefileError } from "../errors.ts";
import { executeOn, sourceTables } from "../kql/run.ts";
import type { SourceTable } from "../kql/mod.ts";
import { externalRequests, tablePatterns, tokenizeKql } from "../kql/syntax.ts";
import { KqlSemanticError, KqlSyntaxError, KqlUnsupportedError } from "../kql/errors.ts";
import { pl } from "../polars.ts";
import { polarsTypeOf, SENTINEL_SCHEMAS } from "../schema/mod.ts";
import { kqlLiteral } from "../session/kql_template.ts";
import type { HuntProblem } from "./errors.ts";
import { huntText } from "./run.ts";
import { exampleOf, PLACEHOLDER } from "./_validate.ts";
import type { HuntFamily, HuntQuery } from "./types.ts";

// A fixed instant: the check runs no data, so the window only has to be a valid one.
const NOW = new Date("2026-03-16T00:00:00Z");

/**
 * The problems of `families`' queries against the Sentinel schemas: KQL that names an
 * unknown table, column or function or mixes types, and output columns other than the
 * declared ones. Families are assumed to have passed the format validation.
 *
 * @param families The families (validated).
 * @param source Where they came from, for the messages.
 */
export async function schemaProblems(
  families: readonly HuntFamily[],
  source: string | ((family: HuntFamily) => string),
): Promise<HuntProblem[]> {
  const problems: HuntProblem[] = [];
  for (const family of families) {
    const from = typeof source === "string" ? source : source(family);
    for (const query of family.queries) {
      const problem = await queryProblem(query);
      if (problem) {
        problems.push({ source: from, family: family.name, query: query.name, ...problem });
      }
    }
  }
  return problems;
}

type QueryProblem = Omit<HuntProblem, "source" | "family" | "query">;

async function queryProblem(query: HuntQuery): Promise<QueryProblem | undefined> {
  const args: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(query.parameters ?? {})) {
    args[name] = p.example ?? p.default ?? exampleOf(p.type);
  }
  const { text, start, end, values } = huntText(query, args, { now: NOW });
  // A watchlist's or externaldata's columns are known only where it is loaded: not checked.
  if (externalRequests(text).length) return undefined;
  // Nor are columns made from the values (pivot, bag_unpack): empty tables make none of them.
  if (columnsFromValues(text)) return undefined;
  // Every Sentinel table the text names, declared or not (a join or union may read one the
  // query does not declare: it runs on Sentinel all the same).
  const tables = new Map<string, SourceTable>();
  let columns: string[];
  try {
    for (const token of tokenizeKql(text)) {
      if (token.kind !== "ident" || tables.has(token.text)) continue;
      const table = emptyTable(token.text);
      if (table) tables.set(token.text, table);
    }
    // And the tables the workspace functions it calls read (`_Im_Dns` reads DnsEvents).
    for (const name of tablePatterns(text)) {
      const table = name.includes("*") || tables.has(name) ? undefined : emptyTable(name);
      if (table) tables.set(name, table);
    }
    columns = (await executeOn(text, tables, { now: NOW, knownTables: KNOWN_TABLES })).frame
      .columns;
  } catch (error) {
    if (!(error instanceof CasefileError)) throw error;
    // What only the workspace has cannot be checked here, and runs there: a feature or
    // function (an ASIM parser, a saved function) the local engine lacks, a table casefile
    // has no schema of (a custom `_CL` table). A name close to a Sentinel table is a typo.
    if (error instanceof KqlUnsupportedError) return undefined;
    if (/^Unknown table '[^']*'(?!\. Did you mean)/.test(error.message)) return undefined;
    // So is a function (a saved scalar function may have any name): one close to a KQL
    // function's name is a typo.
    if (/^Unknown function '[^']*'(?!\. Did you mean)/.test(error.message)) return undefined;
    const literals = (name: string) =>
      name === "start"
        ? kqlLiteral(start)
        : name === "end"
        ? kqlLiteral(end)
        : name in values
        ? kqlLiteral(values[name])
        : `{${name}}`;
    const where = error instanceof KqlSyntaxError || error instanceof KqlSemanticError
      ? placeInQuery(query.query, error.line - 1, error.column, literals)
      : {};
    return {
      field: "query",
      message: `the KQL does not check against the Sentinel schemas of ${
        query.tables.join(", ")
      }: ${error.message.split("\n")[0].replace(/ \(line \d+, column \d+\)$/, "")}`,
      ...where,
    };
  }
  const declared = [...query.columns];
  if (columns.join("\u0000") !== declared.join("\u0000")) {
    return {
      field: "columns",
      message: `the query returns ${columns.join(", ")}; columns declares ${declared.join(", ")}`,
    };
  }
  return undefined;
}

const KNOWN_TABLES = Object.keys(SENTINEL_SCHEMAS);

/** Plugins whose output columns are named by the values of their input. */
const VALUE_COLUMN_PLUGINS = new Set(["pivot", "bag_unpack"]);

/** Whether `text` calls a plugin whose output columns come from the data. */
function columnsFromValues(text: string): boolean {
  const tokens = tokenizeKql(text);
  return tokens.some((t, i) =>
    t.kind === "ident" && VALUE_COLUMN_PLUGINS.has(t.text) && tokens[i + 1]?.text === "("
  );
}

// Empty tables of the Sentinel schemas, made once: a wide one (SecurityEvent's 230 columns)
// costs more to prepare than the check of a query over it.
const emptyTables = new Map<string, SourceTable>();

function emptyTable(name: string): SourceTable | undefined {
  const schema = Object.hasOwn(SENTINEL_SCHEMAS, name) ? SENTINEL_SCHEMAS[name] : undefined;
  if (!schema) return undefined;
  let table = emptyTables.get(name);
  if (!table) {
    const frame = pl.DataFrame(
      schema.columns.map((c) => pl.Series(c.name, [], polarsTypeOf(c.type))),
    );
    table = sourceTables({ [name]: frame }, { [name]: schema }).get(name)!;
    emptyTables.set(name, table);
  }
  return table;
}

/**
 * The line and column in the query as written of a place in its substituted text
 * (`line` of the query, 1-based; `column` in the substituted line): each placeholder
 * before the column counts as its own length, not its literal's.
 */
function placeInQuery(
  written: string,
  line: number,
  column: number,
  literal: (name: string) => string,
): { line?: number; column?: number } {
  const original = written.split("\n")[line - 1];
  if (line < 1 || original === undefined) return {};
  let shift = 0;
  for (const m of original.matchAll(PLACEHOLDER)) {
    const at = m.index! + 1 + shift; // where the literal starts in the substituted line
    const length = literal(m[1]).length;
    if (column < at) break;
    if (column < at + length) return { line, column: m.index! + 1 };
    shift += length - m[0].length;
  }
  return { line, column: column - shift };
}
