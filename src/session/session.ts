/**
 * Investigation sessions: a named, linear, persistent progression of steps (queries and
 * code) driven by typed parameters. Every step is journaled durably the moment it
 * completes, every result is kept in the shared result cache, and a session reopened
 * later restores its variables from the cache without calling any service.
 *
 * The `Session` class is the surface; its parts are internal: the steps and their values
 * (`_step_list.ts`), running a query (`_run_query.ts`, through the cache:
 * `_query_cache.ts`) or code (`_run_code.ts`), re-runs (`_rerun.ts`), reopening
 * (`_restore.ts`), replays (`_replay_run.ts`) and the lock (`_lock.ts`).
 *
 * @module
 */
import { join, resolve as resolvePath } from "node:path";
import { type DataFrame, pl } from "../polars.ts";
import type { Provider, QueryProgress, TimeRange } from "../providers/mod.ts";
import { SessionError } from "./errors.ts";
import { privateDir, removeTemporaries } from "./_files.ts";
import { Journal, type JournalRecord, type StepMark, type Stored } from "./_journal.ts";
import type { KqlQuery } from "./kql_template.ts";
import { type ParamInfo, ParamRef, ParamSet, type ParamSpec, type ParamValue } from "./params.ts";
import { ResultCache, type ResultCacheOptions } from "./result_cache.ts";
import { type EnrichmentCache, FolderCache, MemoryCache } from "../enrich/cache.ts";
import { CodeEnvironment } from "./_environment.ts";
import { defaultHome } from "./home.ts";
import { releaseLock, type SessionLock, takeLock } from "./_lock.ts";
import { type Step, StepList } from "./_step_list.ts";
import type { StepContext } from "./_step_context.ts";
import { paramsKey, paramsRecord, restoreParams } from "./_params_record.ts";
import { rangeJson, runQueryStep, templateParts } from "./_run_query.ts";
import { runCodeStep } from "./_run_code.ts";
import { rerunSteps } from "./_rerun.ts";
import type { ProviderSource } from "./_provider_source.ts";
import { readJournal, restoreValues } from "./_restore.ts";
import {
  type ReplayFailure,
  ReplayRun,
  type SessionReplayOptions,
  type StepExpectation,
} from "./_replay_run.ts";
import { checkOptions, defineOptions } from "../options.ts";

const SESSION_OPTIONS = defineOptions<SessionOptions>("openSession", {
  home: "string",
  provider: { kind: "object", aliases: ["connection", "source"] },
  params: { kind: "object", aliases: ["parameters"] },
  cache: { kind: "object", oneOf: [false] },
  cacheOptions: "object",
  cwd: "string",
  onNotice: "function",
  onProgress: "function",
  replay: "object",
});
const QUERY_OPTIONS = defineOptions<StepQueryOptions>("session.query", {
  timespan: { kind: "object", aliases: ["window", "timeRange", "range"] },
  refresh: { kind: "boolean", aliases: ["noCache", "fresh"] },
  now: "date",
  signal: "object",
  onProgress: "function",
  expect: "object",
  providerOptions: "object",
  provider: { kind: "string", aliases: ["providerName", "on"] },
});
const RUN_OPTIONS = defineOptions<StepRunOptions>("session.run", {
  signal: "object",
  bind: "strings",
  expect: "object",
});
const EVALUATE_OPTIONS = defineOptions<StepEvaluateOptions>("session.evaluate", {
  signal: "object",
});
const RECORD_OPTIONS = defineOptions<StepRecordOptions>("session.record", {
  code: { kind: "string", aliases: ["source"] },
});
const RERUN_OPTIONS = defineOptions<RerunOptions>("session.rerun", {
  moveTime: "boolean",
  refresh: "boolean",
  signal: "object",
});

/** Options of {@link openSession}. */
export interface SessionOptions {
  /** The casefile home: sessions and the cache live here (default `$CASEFILE_HOME` or `./.casefile`). */
  readonly home?: string;
  /** The provider queries run on (it can be set later with {@link Session.connect}). */
  readonly provider?: Provider;
  /** Parameter definitions; the session's recorded values win over their defaults. */
  readonly params?: Readonly<Record<string, ParamSpec>>;
  /** The result cache (default: `<home>/cache`); `false` keeps results in the session only. */
  readonly cache?: ResultCache | false;
  /** Options of the default cache. */
  readonly cacheOptions?: ResultCacheOptions;
  /** The folder relative imports in code steps resolve against (default: the current one). */
  readonly cwd?: string;
  /** Receives notices: cache problems, steps not restored, journal lines skipped. */
  readonly onNotice?: (notice: string) => void;
  /**
   * Told of the progress of every long query the session runs (retries and their waits,
   * windows done, rows so far), unless a query is given its own `onProgress`.
   */
  readonly onProgress?: (progress: QueryProgress) => void;
  /**
   * For a replay (see `replaySession`): failed steps are collected in
   * {@link Session.replayFailures}; with `keepGoing`, `query` and `run` then return
   * `undefined` instead of throwing, so the replay goes on to the next step.
   */
  readonly replay?: SessionReplayOptions;
}

/** Options of {@link Session.query}. */
export interface StepQueryOptions {
  /** Only rows whose `TimeGenerated` is in this window (a time range or a range parameter). */
  readonly timespan?: TimeRange | ParamRef<"timerange"> | ParamRef;
  /** Bypass the cache for this run (the fresh result replaces the cached one). */
  readonly refresh?: boolean;
  /**
   * The instant `now()` and `ago()` mean (default: the provider's reference time, else the
   * current time); a replay passes the recorded one so it means the same window.
   */
  readonly now?: Date;
  /** Cancels the query. */
  readonly signal?: AbortSignal;
  /** Told of the query's progress (default: the session's {@link SessionOptions.onProgress}). */
  readonly onProgress?: (progress: QueryProgress) => void;
  /** For a replay: what the step gave when it was first run (see {@link StepExpectation}). */
  readonly expect?: StepExpectation;
  /**
   * The provider's own query options, passed to its `query` (a Sentinel workspace's
   * `split`, `serverTimeoutSeconds`, `additionalWorkspaces`, `workspace`, `truncation`):
   * JSON values, journaled with the step, part of its cache key, and kept by re-runs and
   * exports.
   */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
  /**
   * The name of the provider to run on, one added with {@link Session.addProvider}
   * (default: the session's provider). Journaled with the step, part of its cache key (the
   * provider's), re-run and replayed on the provider of that name.
   */
  readonly provider?: string;
}

/** Options of {@link Session.evaluate}. */
export interface StepEvaluateOptions {
  /** Cancels the code (it is stopped with an `EvaluationCancelled` error). */
  readonly signal?: AbortSignal;
}

/** Options of {@link Session.record}. */
export interface StepRecordOptions {
  /** The code that computed the value, kept with the step and exported (default: a comment). */
  readonly code?: string;
}

/** Options of {@link Session.run}. */
export interface StepRunOptions {
  /** Cancels the code (it is stopped with an `EvaluationCancelled` error). */
  readonly signal?: AbortSignal;
  /**
   * For a function: the names it binds. The function then returns an object of those
   * values (`() => ({ a, b })`, with `bind: ["a", "b"]`); the step's own value is the one of
   * its name.
   */
  readonly bind?: readonly string[];
  /** For a replay: what the step gave when it was first run. */
  readonly expect?: StepExpectation;
}

/** Options of {@link Session.rerun}. */
export interface RerunOptions {
  /** Move `now()` / `ago()` to the current time instead of the recorded instant. */
  readonly moveTime?: boolean;
  /** Bypass the cache. */
  readonly refresh?: boolean;
  /** Cancels the re-run. */
  readonly signal?: AbortSignal;
}

/**
 * Opens the session `name` under the casefile home, creating it if new. A session that
 * exists is resumed: its parameters and steps are read from its journal and every step's
 * result restored from the cache (no query runs).
 *
 * @param name The session's name (letters, digits, `-`, `_`, `.`).
 * @param options Home, provider, parameters, cache.
 * @returns The open session; close it with {@link Session.close}.
 * @throws {SessionLockedError} when another process has it open.
 *
 * @example Query, transform, and read it all back
 * ```ts
 * import assert from "node:assert/strict";
 * import { openSession } from "./session.ts";
 * import { kql } from "./kql_template.ts";
 * import { param } from "./params.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const home = await Deno.makeTempDir();
 * const session = await openSession("spray", {
 *   home,
 *   provider: await openLocalProvider(),
 *   params: { code: param.string("50126") },
 * });
 * const failures = await session.query(
 *   "failures",
 *   kql`SigninLogs | where ResultType == ${session.params.code} | summarize n = count() by IPAddress`,
 * );
 * await session.run("top", ({ failures }) => failures.sort("n", true).head(3));
 * assert.deepEqual(
 *   session.steps().map((s) => `${s.record.position} ${s.record.name}: ${s.record.result?.kind}`),
 *   ["1 failures: frame", "2 top: frame"],
 * );
 * assert.equal(failures.height > 0, true);
 * await session.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function openSession(name: string, options: SessionOptions = {}): Promise<Session> {
  checkOptions("openSession", options, SESSION_OPTIONS);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || name.length > 100) {
    throw new SessionError(`"${name}" cannot be a session name.`, {
      hint: "Use letters, digits, '-', '_' and '.', starting with a letter or digit.",
    });
  }
  const home = options.home ? resolvePath(options.home) : defaultHome();
  const dir = join(home, "sessions", name);
  await privateDir(dir);
  const lock = await takeLock(dir, name);
  try {
    await removeTemporaries(dir);
    const cache = options.cache === false
      ? undefined
      : options.cache ?? await ResultCache.open(join(home, "cache"), options.cacheOptions);
    const { journal, contents } = await Journal.open(join(dir, "journal.jsonl"));
    const session = new Session(name, dir, home, journal, lock, cache, options);
    for (const problem of contents.problems) session.notice(`journal ${problem}`);
    await session.restore(contents.records);
    return session;
  } catch (error) {
    await releaseLock(lock);
    throw error;
  }
}

/** An open investigation session. Open one with {@link openSession}. */
export class Session {
  /** The session's name. */
  readonly name: string;
  /** The session's folder. */
  readonly dir: string;
  /** The casefile home it lives in. */
  readonly home: string;
  /** The shared result cache, unless disabled. */
  readonly cache?: ResultCache;
  /**
   * References to the parameters, for query templates and options:
   * ``kql`... | where UserPrincipalName == ${session.params.upn}` ``.
   */
  readonly params: Readonly<Record<string, ParamRef>>;
  readonly #paramSet = new ParamSet();
  readonly #journal: Journal;
  readonly #lock: SessionLock;
  readonly #env: CodeEnvironment;
  readonly #onNotice?: (notice: string) => void;
  readonly #steps = new StepList();
  /** What the step runners share of the session (provider and running signal included). */
  readonly #ctx: StepContext;
  readonly #replay?: ReplayRun;
  readonly #notices: string[] = [];
  #closed = false;
  #enrichment?: EnrichmentCache;
  #paramsJson = JSON.stringify([{}, {}]);

  /** @internal Use {@link openSession}. */
  constructor(
    name: string,
    dir: string,
    home: string,
    journal: Journal,
    lock: SessionLock,
    cache: ResultCache | undefined,
    options: SessionOptions,
  ) {
    this.name = name;
    this.dir = dir;
    this.home = home;
    this.#journal = journal;
    this.#lock = lock;
    this.cache = cache;
    this.#onNotice = options.onNotice;
    if (options.replay) this.#replay = new ReplayRun(options.replay);
    this.#env = new CodeEnvironment(
      () => ({
        session: this,
        provider: this.#ctx.provider,
        params: this.params,
        signal: this.#ctx.signal,
      }),
      { pl },
      options.cwd ?? Deno.cwd(),
    );
    this.#ctx = {
      dir,
      cache,
      provider: options.provider,
      providers: new Map(),
      params: this.#paramSet,
      env: this.#env,
      steps: this.#steps,
      signal: new AbortController().signal,
      notice: (text) => this.notice(text),
      onProgress: options.onProgress,
      append: (record) => this.#append(record),
    };
    if (options.params) this.#paramSet.define(options.params);
    const set = this.#paramSet;
    this.params = new Proxy({}, {
      get: (_, key) => typeof key === "string" ? set.ref(key) : undefined,
      has: (_, key) => typeof key === "string" && set.has(key),
      ownKeys: () => set.names(),
      getOwnPropertyDescriptor: (_, key) =>
        typeof key === "string" && set.has(key)
          ? { enumerable: true, configurable: true, value: set.ref(key) }
          : undefined,
    });
  }

  /**
   * The cache for enrichment answers (threat intel, RDAP): a folder beside the result
   * cache, shared by every session under the home (in memory when the cache is off).
   * Pass it as `cache` to `lookupThreatIntel` and `whois`.
   */
  get enrichmentCache(): EnrichmentCache {
    this.#enrichment ??= this.cache
      ? new FolderCache(join(this.cache.dir, "enrichment"))
      : new MemoryCache();
    return this.#enrichment;
  }

  /** The provider queries run on. */
  get provider(): Provider | undefined {
    return this.#ctx.provider;
  }

  /** Sets the provider later steps run on. */
  connect(provider: Provider): void {
    this.#ctx.provider = provider;
  }

  /**
   * Adds a provider by name, beside the session's own: a query runs on it when it names it
   * (`session.query("spray", q, { provider: "adx" })`, `%kql @adx spray = ...` in the REPL).
   * The default provider is unchanged. A name added again is replaced (later steps run on
   * the new one; earlier ones keep what they recorded).
   *
   * @param name The name queries use (a letter, then letters, digits or `_`).
   * @param provider The provider.
   * @throws {SessionError} for a name that cannot be one.
   *
   * @example Query two providers in one session
   * ```ts
   * import assert from "node:assert/strict";
   * import { openSession } from "./session.ts";
   * import { DEMO_CASE_DIR, openLocalProvider } from "../providers/mod.ts";
   *
   * const home = await Deno.makeTempDir();
   * const session = await openSession("two", { home, provider: await openLocalProvider() });
   * session.addProvider("archive", await openLocalProvider(DEMO_CASE_DIR));
   * await session.query("alerts", "SecurityAlert | count", { provider: "archive" });
   * assert.deepEqual(Object.keys(session.providers), ["archive"]);
   * assert.equal(session.step("alerts").record.providerName, "archive");
   * await session.close();
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  addProvider(name: string, provider: Provider): void {
    if (typeof name !== "string" || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name)) {
      throw new SessionError(`"${name}" cannot be a provider's name.`, {
        hint: "Use a letter, then letters, digits or '_' (adx, xdr, emea_logs).",
      });
    }
    if (!provider || typeof (provider as Provider).query !== "function") {
      throw new SessionError(`session.addProvider("${name}", ...) was not given a provider.`, {
        hint: "Pass an open provider: await openAdxProvider({ cluster, database }).",
      });
    }
    this.#ctx.providers.set(name, provider);
  }

  /** The providers added by name ({@link Session.addProvider}), besides the default one. */
  get providers(): Readonly<Record<string, Provider>> {
    return Object.fromEntries(this.#ctx.providers);
  }

  /**
   * The named providers the session's steps ran on (`providerName` in the journal), with
   * how to open each again: what a resumed session must connect (`session.addProvider`)
   * before those steps can re-run. Never a secret, only folders, workspaces, clusters,
   * endpoints and credential kinds.
   *
   * @example A reopened session says which provider its step needs
   * ```ts
   * import assert from "node:assert/strict";
   * import { openSession } from "./session.ts";
   * import { DEMO_CASE_DIR, openLocalProvider } from "../providers/mod.ts";
   *
   * const home = await Deno.makeTempDir();
   * const first = await openSession("two", { home, provider: await openLocalProvider() });
   * first.addProvider("archive", await openLocalProvider(DEMO_CASE_DIR));
   * await first.query("alerts", "SecurityAlert | count", { provider: "archive" });
   * await first.close();
   *
   * const again = await openSession("two", { home, provider: await openLocalProvider() });
   * assert.deepEqual(Object.keys(again.recordedProviders()), ["archive"]);
   * assert.equal(again.recordedProviders().archive.kind, "local");
   * await again.close();
   * await Deno.remove(home, { recursive: true });
   * ```
   */
  recordedProviders(): Readonly<Record<string, ProviderSource>> {
    const found: Record<string, ProviderSource> = {};
    for (const { record } of this.#steps.all()) {
      if (record.kind === "query" && record.providerName !== undefined && record.connection) {
        found[record.providerName] = record.connection;
      }
    }
    return found;
  }

  /** Notices so far (cache problems, steps not restored, journal lines skipped). */
  get notices(): readonly string[] {
    return this.#notices;
  }

  /** @internal Records a notice and passes it on. */
  notice(text: string): void {
    this.#notices.push(text);
    this.#onNotice?.(text);
  }

  // ---- parameters -------------------------------------------------------------------

  /** The parameters with their values, defaults and descriptions. */
  paramList(): ParamInfo[] {
    return this.#paramSet.list();
  }

  /** The current value of each parameter that has one. */
  paramValues(): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    for (const info of this.#paramSet.list()) {
      if (info.value !== undefined) out[info.name] = info.value;
    }
    return out;
  }

  /**
   * Defines parameters (new ones, or new defaults); recorded in the journal.
   *
   * @throws {ParamError} for an invalid name.
   */
  async defineParams(specs: Readonly<Record<string, ParamSpec>>): Promise<void> {
    this.#paramSet.define(specs);
    await this.#recordParams();
  }

  /**
   * Sets parameter values (values of their kind, or text); all are checked before any is
   * set, and the change is recorded.
   *
   * @throws {ParamError} naming the parameter and the form expected.
   */
  async setParams(values: Readonly<Record<string, unknown>>): Promise<void> {
    this.#paramSet.set(values);
    await this.#recordParams();
  }

  async #recordParams(onlyIfChanged = false): Promise<void> {
    const record = paramsRecord(this.#paramSet);
    const key = paramsKey(record);
    if (onlyIfChanged && key === this.#paramsJson) return;
    await this.#append(record);
    this.#paramsJson = key;
  }

  // ---- steps ------------------------------------------------------------------------

  /** The steps, in order (latest revision of each position). */
  steps(): readonly Step[] {
    return this.#steps.all();
  }

  /**
   * A step by position (1-based) or by name (the latest step of that name).
   *
   * @throws {StepError} when there is none.
   */
  step(ref: number | string): Step {
    return this.#steps.find(ref);
  }

  /**
   * How the REPL and `console.log` print a session: one line (its name, steps, failures,
   * findings and provider); `session.steps()` lists the steps a line each.
   */
  [Symbol.for("Deno.customInspect")](): string {
    const steps = this.#steps.all();
    const failed = steps.filter((s) => s.record.status !== "ok").length;
    const findings = steps.filter((s) => s.mark === "finding").length;
    const counts = [
      failed ? `${failed} failed` : "",
      findings ? `${findings} ${findings === 1 ? "finding" : "findings"}` : "",
    ].filter(Boolean).join(", ");
    const provider = this.provider;
    // Names of the other providers (the REPL also names the default one: not "also").
    const named = [...this.#ctx.providers].filter(([, p]) => p !== provider).map(([n]) => n);
    return `session ${this.name}: ${steps.length} ${steps.length === 1 ? "step" : "steps"}${
      counts ? ` (${counts})` : ""
    }, ${provider ? `provider ${provider.id}` : "no provider"}${
      named.length ? ` (also ${named.join(", ")})` : ""
    }`;
  }

  /**
   * The value of a step (its DataFrame for queries), by position or name.
   *
   * @throws {StepError} when there is no such step, or its result is not restored.
   */
  value(ref: number | string): unknown {
    return this.#steps.value(ref);
  }

  /**
   * The variables steps made, by name (a later step of the same name wins; failed steps and
   * dead ends are left out). A step whose code bound several names gives each of them.
   */
  scope(upTo?: number): Record<string, unknown> {
    return this.#steps.scope(upTo);
  }

  /**
   * The variables code steps see, with the whole casefile API beneath them: the one scope
   * every host (the REPL, a script, a notebook) runs code in. Its own properties are the
   * variables.
   */
  get variables(): Record<string, unknown> {
    return this.#env.vars;
  }

  /**
   * The value of TypeScript `source` in the session's scope, without making a step (for a
   * `${expression}` in a REPL query). Names it declares are bound as variables.
   *
   * @throws {CodeSyntaxError} when it does not parse; whatever the code throws.
   */
  async evaluate(source: string, options: StepEvaluateOptions = {}): Promise<unknown> {
    checkOptions("session.evaluate", options, EVALUATE_OPTIONS);
    return (await this.#env.evaluate(source, options)).value;
  }

  /** The names beneath the variables: the casefile API, `session`, `params`, `provider`, `signal`. */
  environmentNames(): Promise<string[]> {
    return this.#env.ready().then(() => this.#env.apiNames());
  }

  /**
   * Runs a KQL query as a step: the result is bound to `name`, cached, and journaled.
   * Relative times (`now()`, `ago()`) are fixed to the instant of the first run, so a
   * re-run means the same window.
   *
   * @param name The variable the result is bound to.
   * @param query A {@link kql} template (parameters recorded) or plain KQL text.
   * @param options A time window, a cache bypass, the instant `now()` means, a signal.
   * @returns The result frame.
   * @throws The provider's error (the failed step is journaled too).
   */
  query(
    name: string,
    query: KqlQuery | string,
    options: StepQueryOptions = {},
  ): Promise<DataFrame> {
    try {
      checkOptions("session.query", options, QUERY_OPTIONS);
    } catch (error) {
      return Promise.reject(error);
    }
    const expect = this.#expectation(name, options.expect);
    return this.#replayable(name, expect, async () => {
      await this.#replayParams(expect);
      const template = typeof query === "string" ? [{ text: query }] : templateParts(query);
      const timespan = options.timespan === undefined
        ? undefined
        : options.timespan instanceof ParamRef
        ? { param: options.timespan.name }
        : rangeJson(options.timespan);
      const record = await runQueryStep(this.#ctx, this.#steps.length + 1, 1, name, template, {
        timespan,
        now: options.now?.toISOString(),
        refresh: options.refresh ?? this.#replay?.refresh,
        signal: options.signal,
        onProgress: options.onProgress,
        expect,
        providerOptions: options.providerOptions,
        providerName: options.provider,
      });
      return this.value(record.position) as DataFrame;
    });
  }

  /**
   * Runs code as a step, in the session's scope (its variables, with the whole casefile API
   * beneath them: see {@link Session.variables}). The code is TypeScript text, as typed in
   * the REPL or a notebook (`"const top = spray.head(5)"`: declarations persist, the value
   * is the step's name's, else the last expression's), or a function of the variables
   * (`({ spray }) => spray.head(5)`, its value the step's). What the code printed, the
   * modules it imported and the variables it read are journaled with its source, so the
   * step can be re-run with other parameters, resumed and exported.
   *
   * @param name The variable the value is bound to.
   * @param code TypeScript source, or a function of the variables.
   * @param options A cancel signal; for a function, the names it binds; for a replay, the
   *   result expected.
   * @returns The step's value (DataFrames and Series are cached like query results).
   * @throws What the code throws (the failed step is journaled too);
   *   {@link CodeSyntaxError} for text that does not parse; {@link ReplayError} when an
   *   expected result differs.
   */
  // deno-lint-ignore no-explicit-any
  run(name: string, code: string, options?: StepRunOptions): Promise<any>;
  /** Runs a function of the variables as a step (see the overload above): its value is the step's. */
  // deno-lint-ignore no-explicit-any
  run<S extends object = Record<string, any>, T = unknown>(
    name: string,
    code: (scope: S) => T | Promise<T>,
    options?: StepRunOptions,
  ): Promise<T>;
  run(
    name: string,
    code: string | ((scope: Record<string, unknown>) => unknown),
    options: StepRunOptions = {},
  ): Promise<unknown> {
    try {
      checkOptions("session.run", options, RUN_OPTIONS);
    } catch (error) {
      return Promise.reject(error);
    }
    const expect = this.#expectation(name, options.expect);
    return this.#replayable(name, expect, async () => {
      await this.#replayParams(expect);
      const source = typeof code === "string" ? code : code.toString();
      const record = await runCodeStep(this.#ctx, this.#steps.length + 1, 1, name, source, {
        fn: typeof code === "function" ? code : undefined,
        bind: options.bind,
        signal: options.signal,
        expect,
      });
      return record ? this.value(record.position) : undefined;
    });
  }

  /**
   * Records a value computed outside the session as a step (it cannot be re-run, but is
   * kept, restored and exported with its `code` as written).
   */
  async record(name: string, value: unknown, options: StepRecordOptions = {}): Promise<void> {
    checkOptions("session.record", options, RECORD_OPTIONS);
    const expect = this.#expectation(name);
    await this.#replayable(name, expect, () =>
      runCodeStep(
        this.#ctx,
        this.#steps.length + 1,
        1,
        name,
        options.code ?? `/* value recorded by a script */`,
        { value: { value }, expect },
      ));
  }

  /**
   * Marks a step as a dead end (left out of exports and of later steps' scope) or as a
   * finding (pinned in reports), with a note; `none` clears the mark.
   */
  async mark(ref: number | string, mark: StepMark, note?: string): Promise<void> {
    const step = this.step(ref);
    const record = await this.#append({
      type: "mark",
      position: step.record.position,
      mark,
      note,
    });
    this.#steps.applyMark(record);
  }

  /**
   * Runs the steps from `from` (position or name) to the last again, after setting
   * `params`: queries with their templates at the new values, code with its source.
   * Dead ends and failed steps are skipped; steps recorded by {@link record} cannot be
   * re-run and are reported. A step that fails stops the re-run (its error is thrown; the
   * steps before it have their new results, the ones after it keep their old ones).
   *
   * @returns The steps run again.
   */
  async rerun(
    from: number | string = 1,
    params: Readonly<Record<string, unknown>> = {},
    options: RerunOptions = {},
  ): Promise<Step[]> {
    checkOptions("session.rerun", options, RERUN_OPTIONS);
    const start = this.step(from).record.position;
    if (Object.keys(params).length > 0) await this.setParams(params);
    return await rerunSteps(this.#ctx, start, options);
  }

  // ---- replays ----------------------------------------------------------------------

  /** The steps that failed in this replay (see {@link SessionOptions.replay}), in order. */
  get replayFailures(): readonly ReplayFailure[] {
    return this.#replay?.failures ?? [];
  }

  /** What a step of a replay is expected to give (see {@link SessionOptions.replay}). */
  #expectation(name: string, given?: StepExpectation): StepExpectation | undefined {
    return this.#replay ? this.#replay.expectation(name, given) : given;
  }

  /**
   * Sets the parameter values a replayed step ran with (`expect.params`), or back to the
   * replay's own, journaling the change.
   */
  async #replayParams(expect: StepExpectation | undefined): Promise<void> {
    const wanted = this.#replay?.paramsFor(expect, this.#paramSet.toJson());
    if (wanted) await this.setParams(wanted);
  }

  /** Runs a step; in a replay, its failure is collected (and, going on, not thrown). */
  async #replayable<T>(
    name: string,
    expect: StepExpectation | undefined,
    step: () => Promise<T>,
  ): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (!this.#replay?.failed(name, expect, error)) throw error;
      return undefined as T;
    }
  }

  // ---- journal and lifetime ---------------------------------------------------------

  async #append<R extends JournalRecord>(record: R): Promise<Stored<R>> {
    if (this.#closed) throw new SessionError(`Session ${this.name} is closed.`);
    return await this.#journal.append(record);
  }

  /** @internal Rebuilds the session from its journal records and restores the results. */
  async restore(records: readonly Stored[]): Promise<void> {
    await readJournal(this.#ctx, this.name, records, (record) => {
      restoreParams(this.#paramSet, record, (text) => this.notice(text));
      this.#paramsJson = paramsKey(record);
    });
    // Definitions given at open that the journal does not have yet.
    await this.#recordParams(true);
    await restoreValues(this.#ctx);
  }

  /** Closes the journal and releases the session's lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#journal.close();
    await releaseLock(this.#lock);
  }

  /** Closes the session (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
