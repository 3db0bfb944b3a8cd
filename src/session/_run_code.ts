/**
 * A code step: TypeScript text run in the session's scope, a function of the variables,
 * or a value recorded from outside. What it printed, the charts it made, the modules it
 * imported and the variables it read are journaled with its source; the values it bound
 * are summarised (frames and series stored in the cache), checked against a replay's
 * expectation, and bound in the scope.
 *
 * @module
 */
import type { DataFrame } from "../polars.ts";
import { StepError } from "./errors.ts";
import type { ResultSummary, StepKind, StepRecord, Stored } from "./_journal.ts";
import type { ResultDigest } from "./result_cache.ts";
import { cancellable, type Evaluation } from "./_environment.ts";
import { capture } from "./_capture.ts";
import { asFrame, valueSummary } from "./_values.ts";
import { checkStepName } from "./_step_list.ts";
import { commitFailure, commitStep, type StepContext, storeResult } from "./_step_context.ts";
import {
  compareResult,
  failedCheck,
  replayDifference,
  type StepExpectation,
} from "./_replay_run.ts";
import { stepChart } from "./_step_chart.ts";

/** How a code step runs (see {@link runCodeStep}). */
export interface CodeRunHow {
  /** The function of a function-form step (absent: `source` is text, or compiled). */
  readonly fn?: (scope: Record<string, unknown>) => unknown;
  /** Whether `source` is a function's source (`fn.toString()`), to compile. */
  readonly compile?: boolean;
  /** A value recorded from outside (`kind: "value"`). */
  readonly value?: { value: unknown };
  /** For a function: the names it binds (it returns an object of them). */
  readonly bind?: readonly string[];
  readonly signal?: AbortSignal;
  readonly expect?: StepExpectation;
}

/**
 * Runs a code step (text, a function, or a value recorded from outside) at `position`,
 * journals it, binds its names, and returns its record; undefined when the code ran
 * steps of its own (`await session.query(...)` typed in the REPL): those are its record.
 *
 * @throws What the code throws (the failed step is journaled too); {@link ReplayError}
 *   when a replay's expected result differs (after the step is journaled).
 */
export async function runCodeStep(
  ctx: StepContext,
  position: number,
  revision: number,
  name: string,
  source: string,
  how: CodeRunHow,
): Promise<Stored<StepRecord> | undefined> {
  checkStepName(name);
  const kind: StepKind = how.value ? "value" : "code";
  const form = how.fn || how.compile ? "function" as const : undefined;
  const startedAt = new Date();
  const started = performance.now();
  const base = {
    type: "step" as const,
    position,
    revision,
    name,
    kind,
    code: source,
    form,
    params: ctx.params.toJson(),
    startedAt: startedAt.toISOString(),
  };
  if (position <= ctx.steps.length) ctx.steps.resetVariables(ctx.env.vars, position);
  const stepsBefore = ctx.steps.length;
  const signal = how.signal ?? new AbortController().signal;
  const outerSignal = ctx.signal;
  ctx.signal = signal;
  const run = await capture(() => evaluateStep(ctx, name, source, how, signal));
  ctx.signal = outerSignal;
  // Code that ran steps of its own (session.query in the REPL) is recorded by them.
  if (ctx.steps.length !== stepsBefore) {
    if (!run.ok) throw run.error;
    return undefined;
  }
  if (!run.ok) {
    await commitFailure(
      ctx,
      { ...base, output: run.output || undefined, check: failedCheck(how.expect) },
      started,
      run.error,
    );
    throw run.error;
  }
  const { bindings, evaluation } = run.value;
  const value = bindings[name];
  const { summary, bound, toStore } = summarise(name, bindings);
  const names = Object.keys(bindings);
  const volatile = kind === "value" ? undefined : run.volatile ?? volatileCode(source);
  const check = how.expect ? compareResult(how.expect, summary, volatile) : undefined;
  const record: StepRecord = {
    ...base,
    status: "ok",
    result: summary,
    binds: names.length > 1 || names[0] !== name ? names : undefined,
    bound: Object.keys(bound).length ? bound : undefined,
    uses: evaluation ? ctx.steps.usesOf(evaluation.transformed.uses, position) : undefined,
    imports: evaluation?.imports.length ? evaluation.imports : undefined,
    origin: how.fn ? Deno.mainModule : undefined,
    output: run.output || undefined,
    chart: await stepChart(ctx, position, name, value, run.charts),
    volatile,
    check,
    durationMs: Math.round(performance.now() - started),
  };
  // Results are stored before the step is journaled: a journaled step's result is
  // always there to restore.
  if (ctx.cache) {
    for (const [frame, d] of toStore) await storeResult(ctx, frame, d);
  }
  const stored = await commitStep(ctx, record, bindings);
  if (check?.outcome === "differs") throw replayDifference(record, check);
  return stored;
}

/**
 * Runs the step's code and returns the names it bound with their values (its own name's
 * is the step's value), and, for text, what its evaluation found.
 */
async function evaluateStep(
  ctx: StepContext,
  name: string,
  source: string,
  how: CodeRunHow,
  signal: AbortSignal,
): Promise<{ bindings: Record<string, unknown>; evaluation?: Evaluation }> {
  const vars = ctx.env.vars;
  if (how.value) return { bindings: { [name]: how.value.value } };
  if (!how.fn && !how.compile) {
    const evaluation = await ctx.env.evaluate(source, { signal });
    const { declared, assigned } = evaluation.transformed;
    const bound = [...declared, ...assigned];
    const out: Record<string, unknown> = {};
    for (const n of bound) out[n] = vars[n];
    out[name] = bound.includes(name) ? vars[name] : evaluation.value;
    return { bindings: out, evaluation };
  }
  await ctx.env.ready();
  const fn = how.fn ?? await ctx.env.compile(source);
  const returned = await cancellable(Promise.resolve(fn(vars)), signal);
  return { bindings: functionBindings(name, how.bind, returned) };
}

/**
 * The names a function-form step bound: its own name's value, or with `bind`, the named
 * properties of the object it returned.
 *
 * @throws {StepError} when `bind` leaves out the step's name, or nothing of them came back.
 */
function functionBindings(
  name: string,
  bind: readonly string[] | undefined,
  returned: unknown,
): Record<string, unknown> {
  if (!bind) return { [name]: returned };
  if (!bind.includes(name)) {
    throw new StepError(`Step ${name} binds ${bind.join(", ")} but not ${name}.`, {
      hint: `Add "${name}" to bind, or name the step after one of them.`,
    });
  }
  if (typeof returned !== "object" || returned === null) {
    throw new StepError(`Step ${name} binds several names but returned no object of them.`, {
      hint: `Return them as an object: () => ({ ${bind.join(", ")} }).`,
    });
  }
  return Object.fromEntries(bind.map((n) => [n, (returned as Record<string, unknown>)[n]]));
}

/**
 * The summaries of what a step bound: its own value's, the others' (`bound`), and the
 * frames to store in the cache.
 */
function summarise(name: string, bindings: Record<string, unknown>): {
  summary: ResultSummary;
  bound: Record<string, ResultSummary>;
  toStore: [DataFrame, ResultDigest][];
} {
  const value = bindings[name];
  const { summary, digest } = valueSummary(value);
  const bound: Record<string, ResultSummary> = {};
  const toStore: [DataFrame, ResultDigest][] = [];
  if (digest) toStore.push([asFrame(value)!, digest]);
  for (const [n, v] of Object.entries(bindings)) {
    if (n === name) continue;
    const extra = valueSummary(v);
    bound[n] = extra.summary;
    if (extra.digest) toStore.push([asFrame(v)!, extra.digest]);
  }
  return { summary, bound, toStore };
}

/** Code that asks for the current time or randomness by name. */
const VOLATILE_CODE: readonly [RegExp, string][] = [
  [/\bMath\.random\s*\(/, "Math.random()"],
  [/\bDate\.now\s*\(|\bnew\s+Date\s*\(\s*\)/, "the current time"],
  [/\brandomUUID\s*\(/, "crypto.randomUUID()"],
  [/\.sample\s*\(/, "a random sample"],
  [/\.shuffle\s*\(|\bshuffle\s*:\s*true/, "a random shuffle"],
];

/** Why code's result may differ between runs, read from its source (or undefined). */
export function volatileCode(source: string): string | undefined {
  const found = VOLATILE_CODE.filter(([pattern]) => pattern.test(source)).map(([, what]) => what);
  return found.length ? `uses ${found.join(", ")}` : undefined;
}

/**
 * Whether recorded code is a function's source (journals from before `form` was kept): a
 * `function`, or an arrow whose parameter list is followed by `=>`. Text that merely starts
 * with a parenthesis (`({ n: 1 })`, `(a + b) * 2`) is code, not a function.
 */
export function isFunctionSource(source: string): boolean {
  return /^(async\s+)?(function\b|\([^()]*\)\s*(:\s*[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)/
    .test(source.trim());
}
