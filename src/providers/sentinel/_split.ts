/**
 * Time-window splitting: when a query's result is cut at the service's row or size limit
 * (or the service times out on it), the query runs again over halves of its time window,
 * recursively, with bounded concurrency, and the pieces are joined in time order.
 *
 * Splitting is exact only for queries whose rows do not depend on other rows: a pipeline of
 * `where`, `project`, `extend`, `parse`, `mv-expand` and the like over tables. Anything
 * that aggregates, limits, joins, or reads a subquery (`summarize`, `count`, `take`, `top`,
 * `join`, `in (T | ...)`, `toscalar`) would give a different answer per window, so such
 * queries are never split automatically (the result then carries a `truncated` warning);
 * {@link splitPlan} decides, conservatively, from the parsed query.
 *
 * @module
 */
import type * as A from "../../kql/mod.ts";
import { type KqlToken, parseKql, readKqlTimespan, tokenizeKql } from "../../kql/syntax.ts";
import type { TimeRange } from "../provider.ts";
import type { WireError, WireResult } from "./_results.ts";
import { errorTree } from "./_client.ts";
import { abortError } from "./_client.ts";
import { ServerTimeoutError } from "./_errors.ts";

/** Whether a query may be split by time, and in which order to join the windows. */
export type SplitPlan =
  | { readonly safe: true; readonly order: "asc" | "desc" }
  | { readonly safe: false; readonly reason: string };

/** The most windows one query is split into. */
export const MAX_WINDOWS = 512;
/** The narrowest window splitting goes down to. */
export const MIN_WINDOW_MS = 1000;

const ROW_WISE = new Set<A.Operator["kind"]>([
  "where",
  "project",
  "project-away",
  "project-keep",
  "project-rename",
  "project-reorder",
  "extend",
  "mv-expand",
  "parse",
  "render",
  "as",
  "union",
]);

const TABULAR_CALLS =
  /^(toscalar|materialize|externaldata|_getwatchlist|view|table|database|workspace|app|cluster|find|search)$/i;

/**
 * Whether `query` limits its time itself: a `where` (or `filter`) clause that names
 * `TimeGenerated`, or `Timestamp` (the event time of the Defender tables, which hunting
 * queries filter: `| where Timestamp > ago(7d)`), as in `| where TimeGenerated > ago(7d)` or
 * `| where TimeGenerated between (a .. b)`. Such a query keeps its own window; another gets
 * the default one (the Log Analytics portal shows "Set in query" for the same queries). Text
 * casefile cannot read counts as unfiltered.
 */
export function filtersTimeGenerated(query: string): boolean {
  let tokens: KqlToken[];
  try {
    tokens = tokenizeKql(query);
  } catch {
    return false;
  }
  let inWhere = false;
  let previous: KqlToken | undefined;
  for (const token of tokens) {
    if (token.kind === "ident") {
      const word = token.text.toLowerCase();
      if ((word === "where" || word === "filter") && previous?.text === "|") inWhere = true;
      else if (inWhere && (token.text === "TimeGenerated" || token.text === "Timestamp")) {
        return true;
      }
    } else if (token.text === "|") inWhere = false;
    previous = token;
  }
  return false;
}

/** Decides whether `query` may be run as time windows and joined (see the module doc). */
export function splitPlan(query: string): SplitPlan {
  let text: A.QueryText;
  try {
    text = parseKql(query);
  } catch {
    return { safe: false, reason: "casefile cannot read the query to check it" };
  }
  const expressions = text.statements.filter((s) => s.kind === "expression");
  if (expressions.length !== 1) {
    return { safe: false, reason: "the query has several results" };
  }
  for (const statement of text.statements) {
    if (statement.kind === "let" && hasSubquery(statement.value)) {
      return { safe: false, reason: `'let ${statement.name}' holds a subquery` };
    }
  }
  const operators: A.Operator[] = [];
  let source: A.Expression = (expressions[0] as A.ExpressionStatement).expression;
  for (;;) {
    if (source.kind === "paren") source = source.expression;
    else if (source.kind === "pipe") {
      operators.unshift(source.operator);
      source = source.source;
    } else break;
  }
  if (!isTables(source)) {
    return {
      safe: false,
      reason: "it does not read tables only (datatable, print, range, a function)",
    };
  }
  let order: "asc" | "desc" = "asc";
  const last = operators.filter((op) => op.kind !== "render").length - 1;
  for (const [i, op] of operators.entries()) {
    if (op.kind === "sort") {
      const key = op.keys.length === 1 ? op.keys[0] : undefined;
      if (
        i === last && key?.expression.kind === "name" && key.expression.name === "TimeGenerated"
      ) {
        order = key.descending ? "desc" : "asc";
        continue;
      }
      return { safe: false, reason: "it sorts by something other than TimeGenerated" };
    }
    if (!ROW_WISE.has(op.kind)) {
      return { safe: false, reason: `it uses '${op.kind}', which depends on all rows at once` };
    }
    if (op.kind === "union") {
      if (!op.tables.every(isTables)) return { safe: false, reason: "it unions a subquery" };
      continue;
    }
    if (hasSubquery(op)) return { safe: false, reason: `its '${op.kind}' reads a subquery` };
  }
  return { safe: true, order };
}

function isTables(expression: A.Expression): boolean {
  switch (expression.kind) {
    case "name":
    case "scoped-table":
      return true;
    case "paren":
      return isTables(expression.expression);
    case "union-source":
      return expression.tables.every(isTables);
    default:
      return false;
  }
}

// Whether a node holds a tabular expression: a pipe, an inline table, or a call that reads
// tables. Syntax nodes are plain objects, so a generic walk sees every child.
function hasSubquery(node: unknown): boolean {
  if (typeof node !== "object" || node === null) return false;
  if (Array.isArray(node)) return node.some(hasSubquery);
  const kind = (node as { kind?: unknown }).kind;
  if (
    kind === "pipe" || kind === "datatable" || kind === "print" || kind === "range" ||
    kind === "union-source" || kind === "search-source" || kind === "find" || kind === "function"
  ) {
    return true;
  }
  if (kind === "call" && TABULAR_CALLS.test((node as A.Call).name)) return true;
  return Object.values(node).some(hasSubquery);
}

/** Whether a partial-result error says the result was cut at a row or size limit. */
export function isTruncation(error: WireError | undefined): boolean {
  return errorTree(error).some((e) =>
    /E_QUERY_RESULT_SET_TOO_LARGE|result set has exceeded|exceeded the internal (record count|data size) limit|truncat/i
      .test(`${e.code ?? ""} ${e.message ?? ""}`)
  );
}

/**
 * The windows of an explicit split: `n` equal windows, or windows of a KQL timespan
 * (`"1d"`, `"6h"`) from the start (the last one may be shorter).
 *
 * @returns The windows, or a message saying why `split` does not work for `range`.
 */
export function explicitWindows(range: TimeRange, split: string | number): TimeRange[] | string {
  const start = range.start.getTime();
  const end = range.end.getTime();
  if (!(end > start)) return "the timespan is empty";
  let width: number;
  if (typeof split === "number") {
    if (!Number.isInteger(split) || split < 1 || split > MAX_WINDOWS) {
      return `a number of windows must be a whole number from 1 to ${MAX_WINDOWS}`;
    }
    width = (end - start) / split;
  } else {
    const micros = readKqlTimespan(split);
    if (micros === undefined || micros <= 0n) {
      return `'${split}' is not a timespan such as "1d", "6h" or "30m"`;
    }
    width = Number(micros) / 1000;
    if ((end - start) / width > MAX_WINDOWS) {
      return `windows of ${split} would make more than ${MAX_WINDOWS} queries`;
    }
  }
  const windows: TimeRange[] = [];
  for (let i = 0; start + i * width < end; i++) {
    const from = Math.round(start + i * width);
    const to = Math.min(end, Math.round(start + (i + 1) * width));
    if (to > from) windows.push({ start: new Date(from), end: new Date(to) });
  }
  return windows;
}

/** The two halves of `range` on a whole millisecond, or undefined when too narrow. */
export function halves(range: TimeRange): [TimeRange, TimeRange] | undefined {
  const start = range.start.getTime();
  const end = range.end.getTime();
  if (end - start < 2 * MIN_WINDOW_MS) return undefined;
  const middle = new Date(Math.floor((start + end) / 2));
  return [{ start: range.start, end: middle }, { start: middle, end: range.end }];
}

/** A piece of a split query: its window and the service's answer. */
export interface Piece {
  readonly range?: TimeRange;
  readonly result: WireResult;
}

/** Options of {@link runWindows}. */
export interface WindowOptions {
  /** Halve windows whose result is cut at a limit or that time out at the service. */
  readonly autoSplit: boolean;
  readonly signal?: AbortSignal;
  /** Called when a window is done: `done` of `total` windows known so far, its `rows`. */
  readonly onWindow?: (done: number, total: number, rows: number) => void;
}

/**
 * Runs `windows` (concurrency is `run`'s business) and, with `autoSplit`, halves windows
 * that come back cut or time out at the service, recursively.
 *
 * @returns The pieces in time order and how many windows ran.
 * @throws the first error of any window (the other windows are cancelled).
 */
export async function runWindows(
  windows: readonly TimeRange[],
  run: (range: TimeRange, signal: AbortSignal) => Promise<WireResult>,
  options: WindowOptions,
): Promise<{ pieces: Piece[]; windows: number }> {
  const inner = new AbortController();
  const forward = () => inner.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", forward, { once: true });
  let total = windows.length;
  let done = 0;
  const divisible = (range: TimeRange) =>
    options.autoSplit && total < MAX_WINDOWS ? halves(range) : undefined;
  const solve = async (range: TimeRange): Promise<Piece[]> => {
    let result: WireResult;
    try {
      result = await run(range, inner.signal);
    } catch (error) {
      const parts = error instanceof ServerTimeoutError ? divisible(range) : undefined;
      if (!parts) throw error;
      return await divide(parts);
    }
    const parts = isTruncation(result.error) ? divisible(range) : undefined;
    if (parts) return await divide(parts);
    done++;
    options.onWindow?.(done, total, result.tables[0]?.rows.length ?? 0);
    return [{ range, result }];
  };
  const divide = async (parts: [TimeRange, TimeRange]) => {
    total++;
    return (await Promise.all(parts.map(solve))).flat();
  };
  try {
    const pieces = (await Promise.all(windows.map(solve))).flat();
    return { pieces, windows: pieces.length };
  } catch (error) {
    inner.abort(error);
    if (options.signal?.aborted) throw abortError(options.signal.reason);
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", forward);
  }
}

/** At most `size` tasks at a time, in order of arrival. */
export class Semaphore {
  #free: number;
  readonly #waiting: Array<{ grant: () => void }> = [];

  constructor(size: number) {
    this.#free = size;
  }

  /**
   * Runs `task` when a slot is free.
   *
   * @throws an AbortError when `signal` aborts while waiting.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal);
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next.grant();
      else this.#free++;
    }
  }

  #acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const at = this.#waiting.indexOf(waiter);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(abortError(signal?.reason));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }
}
