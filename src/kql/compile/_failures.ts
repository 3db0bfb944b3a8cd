/**
 * The net under the engine: an error that is not a casefile error (a Polars or JavaScript
 * error) never reaches the user raw. It becomes a {@link KqlSemanticError} located at the
 * operator at fault, with the original as its `cause`. Compile-time failures are caught
 * where the operator is applied; a failure while the plan runs is traced back to the
 * first operator whose result fails to run on its own.
 *
 * Real crashes are fixed where they happen; this only keeps the error a casefile error.
 *
 * @module
 */
import { CasefileError } from "../../errors.ts";
import { KqlSemanticError } from "../errors.ts";
import type * as A from "../syntax/ast.ts";
import type { Context } from "./_context.ts";

const HINT =
  "This is a gap in casefile's local engine, not in the query: rewrite this step, or run the " +
  "query against Sentinel. The error's cause has the engine's own message.";

/** How many applied operators a run-time failure is traced through before giving up. */
const MAX_TRACED = 60;

/** The operator as a user wrote it: `summarize`, `evaluate autocluster`. */
function operatorName(op: A.Operator): string {
  if (op.kind === "evaluate") return `evaluate ${op.plugin.name}`;
  if (op.kind === "unsupported") return op.name;
  return op.kind;
}

/**
 * Engine messages a person cannot act on, said in the query's terms: a value nested past
 * the engine's stack, a string or array past JavaScript's size limits, a dynamic value
 * Polars cannot hold.
 */
const PLAIN: ReadonlyArray<[RegExp, string]> = [
  [
    /maximum call stack size exceeded|too much recursion/i,
    "a value is nested too deeply for the local engine",
  ],
  [
    /invalid string length|invalid array length|buffer exceeds maximum|array buffer allocation failed/i,
    "a value grew past the local engine's size limits",
  ],
  [
    /could not deserialize value/i,
    "a dynamic value is nested too deeply or is too large for the local engine",
  ],
];

/** The first line of an error's message, in plain words where the engine's are raw. */
function summary(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  for (const [pattern, plain] of PLAIN) if (pattern.test(text)) return plain;
  return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? "unknown error";
}

/** `error` as a casefile error: unchanged when it is one, else located at `op`. */
export function operatorFailure(error: unknown, op: A.Operator, ctx: Context): Error {
  if (error instanceof CasefileError) return error;
  return new KqlSemanticError(
    `the operator '${operatorName(op)}' failed in the local engine: ${summary(error)}`,
    ctx.query,
    op.span,
    { hint: HINT, cause: error },
  );
}

/** `error` as a casefile error located at the whole query (no operator to blame). */
export function queryFailure(error: unknown, ctx: Context | string): Error {
  if (error instanceof CasefileError) return error;
  const query = typeof ctx === "string" ? ctx : ctx.query;
  return new KqlSemanticError(
    `the query failed in the local engine: ${summary(error)}`,
    query,
    { start: 0, end: query.length },
    { hint: HINT, cause: error },
  );
}

/**
 * `error`, raised while the query's plan ran, as a casefile error at the first operator
 * whose result fails to run (each result is run again, in the order the operators were
 * applied; only on this error path).
 */
export function runFailure(error: unknown, ctx: Context): Error {
  if (error instanceof CasefileError) return error;
  for (const { operator, relation } of ctx.applied.slice(0, MAX_TRACED)) {
    try {
      // Synchronously: the failure may be damaged data, on which Polars can panic, and a
      // panic inside the asynchronous collect aborts the process (nodejs-polars 0.25.2).
      relation.frame.collectSync();
    } catch {
      return operatorFailure(error, operator, ctx);
    }
  }
  return queryFailure(error, ctx);
}
