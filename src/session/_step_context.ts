/**
 * What running a step needs of its session (the session's state the step runners share),
 * and how a step's outcome is kept: its results stored in the cache before its journal
 * line is written (a journaled step's result is always there to restore), then the line,
 * then its names bound in the scope.
 *
 * @module
 */
import type { DataFrame } from "../polars.ts";
import type { Provider, QueryProgress } from "../providers/mod.ts";
import { CasefileError } from "../errors.ts";
import type { ParamSet } from "./params.ts";
import type { ResultCache, ResultDigest } from "./result_cache.ts";
import type { JournalRecord, StepRecord, Stored } from "./_journal.ts";
import type { CodeEnvironment } from "./_environment.ts";
import type { StepList } from "./_step_list.ts";

/** A session's state as its step runners see it (the session owns it). */
export interface StepContext {
  /** The session's folder (charts are drawn into it). */
  readonly dir: string;
  /** The shared result cache, unless disabled. */
  readonly cache?: ResultCache;
  /** The provider queries run on. */
  provider?: Provider;
  /** The other providers a query can name (`session.addProvider`), by name. */
  readonly providers: Map<string, Provider>;
  /** The parameters: definitions and values. */
  readonly params: ParamSet;
  /** The scope code steps run in. */
  readonly env: CodeEnvironment;
  /** The steps, and the values each bound. */
  readonly steps: StepList;
  /** The signal of the step running (code sees it as `signal`). */
  signal: AbortSignal;
  /** Records a notice and passes it on. */
  notice(text: string): void;
  /** Told of a long query's progress (the session's `onProgress`). */
  readonly onProgress?: (progress: QueryProgress) => void;
  /** Appends a record to the session's journal (refused once the session is closed). */
  append<R extends JournalRecord>(record: R): Promise<Stored<R>>;
}

/** An error's message (or the value thrown, as text). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Stores a step's result in the cache; a failure to store is a notice, not an error. */
export async function storeResult(
  ctx: StepContext,
  frame: DataFrame,
  digest: ResultDigest,
): Promise<void> {
  try {
    await ctx.cache!.putResult(frame, digest);
  } catch (error) {
    ctx.notice(`cache: result not stored (${errorText(error)})`);
  }
}

/** Journals a step that ran well and binds the names it bound (`_` to its own value). */
export async function commitStep(
  ctx: StepContext,
  record: StepRecord,
  bindings: Record<string, unknown>,
): Promise<Stored<StepRecord>> {
  const stored = await ctx.append(record);
  ctx.steps.bind(record.position, bindings);
  Object.assign(ctx.env.vars, bindings);
  ctx.env.vars._ = bindings[record.name];
  ctx.steps.place(stored, true);
  return stored;
}

/**
 * Journals a step that failed, with its error (and hint); a failure to journal it is a
 * notice. A failed re-run keeps the earlier result in scope: only a new step is placed.
 */
export async function commitFailure(
  ctx: StepContext,
  base: Omit<StepRecord, "status" | "durationMs" | "code"> & { code: string },
  started: number,
  error: unknown,
): Promise<void> {
  const record: StepRecord = {
    ...base,
    status: "error",
    error: {
      name: error instanceof Error ? error.name : "Error",
      message: errorText(error),
      hint: error instanceof CasefileError ? error.hint : undefined,
    },
    durationMs: Math.round(performance.now() - started),
  };
  try {
    const stored = await ctx.append(record);
    if (record.position > ctx.steps.length) ctx.steps.place(stored, false);
  } catch (writeError) {
    ctx.notice(`journal: the failed step was not recorded (${errorText(writeError)})`);
  }
}
