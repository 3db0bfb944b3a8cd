/**
 * A query step: its `kql` template rendered with the parameters' values (the values used
 * recorded), its time window resolved, `now()` pinned to the recorded instant, the result
 * fetched through the cache, summarised, checked against a replay's expectation, and
 * journaled.
 *
 * @module
 */
import type { Provider, QueryProgress, TimeRange } from "../providers/mod.ts";
import { sourceOf } from "./_provider_source.ts";
import { type ReplayError, SessionError } from "./errors.ts";
import { didYouMean } from "../errors.ts";
import { KqlExpression, KqlQuery, RawKql } from "./kql_template.ts";
import { ParamRef, type ParamSet, paramToJson } from "./params.ts";
import type { StepRecord, TemplatePart } from "./_journal.ts";
import { pinNow, usesNow, volatileQuery } from "./_query_text.ts";
import { frameSummary } from "./_values.ts";
import { checkStepName } from "./_step_list.ts";
import { commitFailure, commitStep, type StepContext, storeResult } from "./_step_context.ts";
import { type Fetched, fetchResult } from "./_query_cache.ts";
import {
  compareResult,
  failedCheck,
  replayDifference,
  type StepExpectation,
} from "./_replay_run.ts";

/** A time window as the journal keeps it: ISO instants, or the range parameter it came from. */
export type RecordedTimespan = { start: string; end: string } | { param: string };

/** How a query step runs (see {@link runQueryStep}). */
export interface QueryRunOptions {
  readonly timespan?: RecordedTimespan;
  /** The instant `now()` means, as recorded (default: the provider's reference time, else now). */
  readonly now?: string;
  readonly refresh?: boolean;
  readonly signal?: AbortSignal;
  readonly expect?: StepExpectation;
  /** Told of the query's progress (default: the session's `onProgress`). */
  readonly onProgress?: (progress: QueryProgress) => void;
  /** The provider's own query options (journaled; part of the cache key). */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
  /** The name of the session's provider to run on (see `Session.addProvider`); default: the session's. */
  readonly providerName?: string;
}

/** The journal's part of a step record common to success and failure. */
type QueryBase = Omit<StepRecord, "status" | "durationMs" | "code">;

/**
 * Runs the query `template` as the step `name` at `position` (a new one, or a re-run's
 * next revision), journals it and binds its frame.
 *
 * @returns The step's record.
 * @throws The provider's error (the failed step is journaled too); {@link ReplayError}
 *   when a replay's expected result differs (after the step is journaled).
 */
export async function runQueryStep(
  ctx: StepContext,
  position: number,
  revision: number,
  name: string,
  template: readonly TemplatePart[],
  options: QueryRunOptions,
): Promise<StepRecord> {
  checkStepName(name);
  if (position <= ctx.steps.length) ctx.steps.resetVariables(ctx.env.vars, position);
  const provider = options.providerName === undefined
    ? ctx.provider
    : ctx.providers.get(options.providerName);
  const startedAt = new Date();
  const started = performance.now();
  const used: Record<string, unknown> = {};
  const base: QueryBase = {
    type: "step" as const,
    position,
    revision,
    name,
    kind: "query" as const,
    template,
    params: used,
    ...(options.providerOptions && Object.keys(options.providerOptions).length
      ? { providerOptions: options.providerOptions }
      : {}),
    ...(options.providerName === undefined ? {} : { providerName: options.providerName }),
    startedAt: startedAt.toISOString(),
  };
  let text = "";
  // A result that differs from the one expected: journaled as run, then thrown.
  let failed: ReplayError | undefined;
  try {
    text = renderTemplate(ctx.params, template, used);
    if (!provider && options.providerName !== undefined) {
      throw unknownProvider(options.providerName, [...ctx.providers.keys()]);
    }
    if (!provider) {
      throw new SessionError("The session has no provider to run queries on.", {
        hint: "Connect one: session.connect(await openLocalProvider()) or a Sentinel provider.",
      });
    }
    const window = queryWindow(ctx.params, options.timespan, used);
    const now = usesNow(text)
      ? options.now ?? (provider.referenceTime ?? new Date()).toISOString()
      : undefined;
    const pinned = now ? pinNow(text, new Date(now)) : text;
    const fetched = await fetchResult(ctx, provider, pinned, {
      timespan: window.timespan,
      params: used,
      refresh: options.refresh ?? false,
      signal: options.signal,
      onProgress: options.onProgress ?? ctx.onProgress,
      providerOptions: base.providerOptions,
    });
    const { record, digest } = queryRecord(base, provider, fetched, {
      text,
      pinned,
      now,
      ...window,
      expect: options.expect,
      started,
    });
    if (digest && ctx.cache) await storeResult(ctx, fetched.frame, digest);
    await commitStep(ctx, record, { [name]: fetched.frame });
    if (record.check?.outcome === "differs") failed = replayDifference(record, record.check);
    else return record;
  } catch (error) {
    await commitFailure(
      ctx,
      { ...base, code: text, provider: provider?.id, check: failedCheck(options.expect) },
      started,
      error,
    );
    throw error;
  }
  throw failed!;
}

/** A query named a provider the session does not have. */
function unknownProvider(name: string, names: readonly string[]): SessionError {
  const close = didYouMean(name, names);
  return new SessionError(
    `The session has no provider named ${name}` +
      (names.length ? ` (it has ${names.join(", ")}).` : " (it has no named providers)."),
    {
      hint: (close ? `${close} ` : "") +
        `Add it first: session.addProvider("${name}", provider), or in the REPL .connect ` +
        `KIND ... as ${name} (a step recorded on it needs it again to re-run).`,
    },
  );
}

/**
 * The step's time window: a range parameter's value (recorded as used), or the window
 * given.
 *
 * @throws {SessionError} when the parameter is not a time range.
 */
function queryWindow(
  params: ParamSet,
  given: RecordedTimespan | undefined,
  used: Record<string, unknown>,
): { timespan?: { start: string; end: string }; timespanParam?: string } {
  if (given && "param" in given) {
    const timespanParam = given.param;
    const ref = params.ref(timespanParam);
    if (ref.kind !== "timerange") {
      throw new SessionError(`Parameter ${timespanParam} is a ${ref.kind}, not a time range.`, {
        hint: "A step's timespan takes a timerange parameter or { start, end }.",
      });
    }
    used[timespanParam] = paramToJson("timerange", ref.value);
    return { timespan: rangeJson(ref.value as TimeRange), timespanParam };
  }
  if (given && "start" in given) return { timespan: given };
  return {};
}

/** The record of a query step that ran well, and the result's serialisation to store. */
function queryRecord(
  base: QueryBase,
  provider: Provider,
  fetched: Fetched,
  run: {
    text: string;
    pinned: string;
    now?: string;
    timespan?: { start: string; end: string };
    timespanParam?: string;
    expect?: StepExpectation;
    started: number;
  },
): { record: StepRecord; digest?: ReturnType<typeof frameSummary>["digest"] } {
  const { frame, result, cache, stored } = fetched;
  const summary = frameSummary(frame, result.schema.columns, stored);
  const volatile = provider.kind === "sentinel"
    ? "live data from a Log Analytics workspace"
    : provider.kind === "adx"
    ? "live data from an Azure Data Explorer database"
    : provider.kind === "xdr"
    ? "live data from Defender XDR advanced hunting"
    : volatileQuery(run.pinned);
  const check = run.expect ? compareResult(run.expect, summary.summary, volatile) : undefined;
  const record: StepRecord = {
    ...base,
    code: run.text,
    provider: provider.id,
    connection: sourceOf(provider),
    now: run.now,
    timespan: run.timespan,
    timespanParam: run.timespanParam,
    status: "ok",
    result: summary.summary,
    warnings: result.warnings.length ? result.warnings : undefined,
    render: result.render,
    volatile,
    check,
    cache,
    cachedAt: fetched.cachedAt,
    durationMs: Math.round(performance.now() - run.started),
  };
  return { record, digest: summary.digest };
}

/** The query text of `template`, with the parameters' current values (recorded in `used`). */
function renderTemplate(
  params: ParamSet,
  template: readonly TemplatePart[],
  used: Record<string, unknown>,
): string {
  let text = "";
  for (const part of template) {
    if ("text" in part) {
      text += part.text;
      continue;
    }
    const [base, sub] = part.param.split(".");
    const ref = params.ref(base);
    const target = sub === "start" ? ref.start : sub === "end" ? ref.end : ref;
    used[base] = paramToJson(ref.kind, ref.value);
    text += new KqlQuery(["", ""], [target]).text;
  }
  return text;
}

/** A time range as ISO text. */
export function rangeJson(range: TimeRange): { start: string; end: string } {
  return { start: range.start.toISOString(), end: range.end.toISOString() };
}

/** The template's pieces, nested templates flattened, values other than parameters as literal text. */
export function templateParts(query: KqlQuery): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const push = (part: TemplatePart) => {
    const last = parts[parts.length - 1];
    if ("text" in part && !("expr" in part) && last && "text" in last && !("expr" in last)) {
      parts[parts.length - 1] = { text: last.text + part.text };
    } else parts.push(part);
  };
  const walk = (q: KqlQuery) => {
    q.strings.forEach((text, i) => {
      push({ text });
      if (i >= q.values.length) return;
      const given = q.values[i];
      // A parameter, a nested query or raw text keeps its own part, whatever computed it.
      const value = given instanceof KqlExpression &&
          (given.value instanceof ParamRef || given.value instanceof KqlQuery ||
            given.value instanceof RawKql)
        ? given.value
        : given;
      if (value instanceof ParamRef) push({ param: value.name });
      else if (value instanceof KqlQuery) walk(value);
      else if (value instanceof KqlExpression) {
        push({ text: new KqlQuery(["", ""], [value.value]).text, expr: value.source });
      } else {push({
          text: value instanceof RawKql ? value.text : new KqlQuery(["", ""], [value]).text,
        });}
    });
  };
  walk(query);
  return parts;
}
