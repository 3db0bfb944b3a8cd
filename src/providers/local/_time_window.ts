/**
 * The span of `TimeGenerated` a query can read from a table, from its time filters: what
 * the Parquet value checks limit themselves to (a scan skips the row groups outside by
 * their statistics, so the checks never read more than the query).
 *
 * @module
 */
import { type parseKql, tablePatterns, tokenizeKql } from "../../kql/syntax.ts";
import type { TimeRange } from "../provider.ts";

/** A query's syntax tree. */
export type KqlTree = ReturnType<typeof parseKql>;

/** Microseconds since 1970, both ends inclusive; an end left out is open. */
export interface TimeWindow {
  readonly column: string;
  readonly from?: bigint;
  readonly to?: bigint;
}

const COLUMN = "TimeGenerated";

type Node = { readonly kind?: unknown; readonly [key: string]: unknown };

/**
 * The window of `TimeGenerated` that every read of `table` in `parsed` (the parsed
 * `query`, whose text is not parsed again) is filtered to, or undefined when some read is
 * not: each mention of the table
 * must be followed at once by a `where` whose top-level `and` holds a comparison of
 * `TimeGenerated` with a datetime literal (`>=`, `>`, `<=`, `<`, `between`). A mention the
 * syntax tree does not show as such (a wildcard, a string, a column of that name) gives
 * undefined. `timespan` (the query option) bounds every read too.
 */
export function timeWindow(
  query: string,
  parsed: KqlTree,
  table: string,
  timespan?: TimeRange,
): TimeWindow | undefined {
  const span = timespan && {
    from: BigInt(timespan.start.getTime()) * 1000n,
    to: BigInt(timespan.end.getTime()) * 1000n,
  };
  const fromQuery = queryWindow(query, parsed, table);
  if (!span) return fromQuery && { column: COLUMN, ...fromQuery };
  if (!fromQuery) return { column: COLUMN, ...span };
  return {
    column: COLUMN,
    from: fromQuery.from === undefined || fromQuery.from < span.from ? span.from : fromQuery.from,
    to: fromQuery.to === undefined || fromQuery.to > span.to ? span.to : fromQuery.to,
  };
}

function queryWindow(
  query: string,
  parsed: KqlTree,
  table: string,
): { from?: bigint; to?: bigint } | undefined {
  if (tablePatterns(parsed).length > 0) return undefined; // wildcards: not worth the risk
  let mentions = 0;
  for (const token of tokenizeKql(query)) {
    const text = token.kind === "string" ? String(token.value) : token.text;
    if ((token.kind === "ident" || token.kind === "string") && text === table) mentions++;
  }
  const reads: Array<{ from?: bigint; to?: bigint } | undefined> = [];
  let names = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    const n = node as Node;
    if (n.kind === "name" && n.name === table) names++;
    if (n.kind === "pipe" && isTable(n.source, table)) {
      const operator = n.operator as Node | undefined;
      reads.push(operator?.kind === "where" ? bounds(operator.predicate as Node) : undefined);
    }
    for (const value of Object.values(n)) if (typeof value === "object") walk(value);
  };
  walk(parsed);
  // Every mention is a name node, and every name node the source of a filtered pipe.
  if (mentions === 0 || names !== mentions || reads.length !== names) return undefined;
  if (reads.some((r) => r === undefined || (r.from === undefined && r.to === undefined))) {
    return undefined;
  }
  const from = reads.map((r) => r!.from);
  const to = reads.map((r) => r!.to);
  return {
    from: from.includes(undefined) ? undefined : from.reduce((a, b) => (a! < b! ? a : b)),
    to: to.includes(undefined) ? undefined : to.reduce((a, b) => (a! > b! ? a : b)),
  };
}

function isTable(node: unknown, table: string): boolean {
  const n = node as Node | undefined;
  return n?.kind === "name" && n.name === table;
}

// The bounds a predicate's top-level conjuncts put on TimeGenerated.
function bounds(predicate: Node): { from?: bigint; to?: bigint } {
  let from: bigint | undefined;
  let to: bigint | undefined;
  const lower = (v: bigint) => (from = from === undefined || v > from ? v : from);
  const upper = (v: bigint) => (to = to === undefined || v < to ? v : to);
  const visit = (node: Node): void => {
    if (node.kind === "paren") return visit(node.expression as Node);
    if (node.kind === "binary" && node.op === "and") {
      visit(node.left as Node);
      visit(node.right as Node);
      return;
    }
    if (node.kind === "between" && !node.negated && isColumn(node.left)) {
      const low = datetime(node.low);
      if (low === undefined) return;
      lower(low);
      const high = datetime(node.high) ?? timespanAfter(low, node.high);
      if (high !== undefined) upper(high);
      return;
    }
    if (node.kind !== "binary") return;
    const flip: Record<string, string> = { ">=": "<=", ">": "<", "<=": ">=", "<": ">" };
    let op = node.op as string;
    let value = datetime(node.right);
    if (!isColumn(node.left) || value === undefined) {
      if (!isColumn(node.right) || (value = datetime(node.left)) === undefined) return;
      op = flip[op] ?? op;
    }
    if (op === ">=" || op === ">") lower(value);
    else if (op === "<=" || op === "<") upper(value);
  };
  visit(predicate);
  return { from, to };
}

function isColumn(node: unknown): boolean {
  const n = node as Node | undefined;
  return n?.kind === "name" && n.name === COLUMN;
}

function datetime(node: unknown): bigint | undefined {
  const n = node as Node | undefined;
  return n?.kind === "literal" && n.type === "datetime" && typeof n.value === "bigint"
    ? n.value
    : undefined;
}

function timespanAfter(low: bigint, node: unknown): bigint | undefined {
  const n = node as Node | undefined;
  return n?.kind === "literal" && n.type === "timespan" && typeof n.value === "bigint" &&
      n.value >= 0n
    ? low + n.value
    : undefined;
}
