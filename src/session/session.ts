/**
 * Investigation sessions: a named, linear, persistent progression of steps (queries and
 * code) driven by typed parameters. Every step is journaled durably the moment it
 * completes, every result is kept in the shared result cache, and a session reopened
 * later restores its variables from the cache without calling any service.
 *
 * @module
 */
import { hostname } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import { type DataFrame, pl } from "../polars.ts";
import type { ColumnSchema } from "../schema/types.ts";
import type { Provider, QueryResult, TimeRange } from "../providers/provider.ts";
import { CasefileError, didYouMean } from "../errors.ts";
import { ReplayError, SessionError, SessionLockedError, StepError } from "./errors.ts";
import { exists, privateDir, writeFileAtomic } from "./_files.ts";
import {
  Journal,
  JOURNAL_FORMAT,
  type MarkRecord,
  type ParamsRecord,
  type ResultSummary,
  type StepChart,
  type StepCheck,
  type StepKind,
  type StepMark,
  type StepRecord,
  type Stored,
  type TemplatePart,
} from "./_journal.ts";
import { KqlQuery, RawKql } from "./kql_template.ts";
import {
  type ParamInfo,
  ParamRef,
  ParamSet,
  type ParamSpec,
  paramToJson,
  type ParamValue,
  parseParam,
} from "./params.ts";
import {
  type CacheEntry,
  digestFrame,
  ResultCache,
  type ResultCacheOptions,
  type ResultDigest,
} from "./result_cache.ts";
import { normaliseQuery, pinNow, usesNow, volatileQuery } from "./_query_text.ts";
import { type EnrichmentCache, FolderCache, MemoryCache } from "../enrich/cache.ts";
import { cancellable, CodeEnvironment, type Evaluation, RESERVED_NAMES } from "./_environment.ts";
import { capture } from "./_capture.ts";
import { asFrame, isChart, valueSummary } from "./_values.ts";
import { transformInput, typescript } from "./_transform.ts";

export type { StepChart, StepCheck, StepKind, StepMark, StepRecord } from "./_journal.ts";

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
   * For a replay (see `replaySession`): failed steps are collected in
   * {@link Session.replayFailures}; with `keepGoing`, `query` and `run` then return
   * `undefined` instead of throwing, so the replay goes on to the next step.
   */
  readonly replay?: {
    readonly keepGoing?: boolean;
    readonly refresh?: boolean;
    /** False: expectations are not checked (the replay runs with other parameter values). */
    readonly compare?: boolean;
    /**
     * What the replayed session's steps gave, in order: each step run takes the next one of
     * its name as its expectation (a step given `expect` itself keeps it).
     */
    readonly recorded?: readonly RecordedStep[];
  };
}

/**
 * A step's result as recorded, for a replay: `[position, name, kind, rows, sha256]` (rows
 * and sha256 `null` where the kind has none), and the parameter values it ran with where
 * they are not the replay's defaults (a step run before `rerun` changed a parameter).
 */
export type RecordedStep = readonly [
  position: number,
  name: string,
  kind: ResultSummary["kind"],
  rows: number | null,
  sha256: string | null,
  params?: Readonly<Record<string, unknown>>,
];

/** A step that failed in a replay: its name, its position in the replayed session, the error. */
export interface ReplayFailure {
  readonly name: string;
  /** The position it had in the session replayed (from its expectation), if known. */
  readonly position?: number;
  readonly error: unknown;
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
  readonly signal?: AbortSignal;
  /** For a replay: what the step gave when it was first run (see {@link StepExpectation}). */
  readonly expect?: StepExpectation;
}

/**
 * What a replayed step is expected to give: the result recorded by the session it
 * replays. A result of another kind, or another SHA-256, makes the step fail with a
 * {@link ReplayError} (after it is journaled), unless the step is volatile (its result
 * cannot be reproduced: `rand()`, a live service), which is recorded as such.
 */
export interface StepExpectation {
  /** The step's position in the replayed session. */
  readonly position: number;
  /** `frame`, `series`, `json` or `other`. */
  readonly kind: ResultSummary["kind"];
  readonly sha256?: string;
  /** For frames and series: the rows. */
  readonly rows?: number;
  /**
   * Parameter values the step ran with, where they differ from the session's (set for the
   * step, and after it back to the session's).
   */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Options of {@link Session.run}. */
export interface StepRunOptions {
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

/** A step as the session holds it: its latest record, its mark, and its value. */
export interface Step {
  readonly record: Stored<StepRecord>;
  readonly mark: StepMark;
  readonly note?: string;
  /** Whether the step's value is in memory (false when its result could not be restored). */
  readonly restored: boolean;
}

/** Options of {@link Session.rerun}. */
export interface RerunOptions {
  /** Move `now()` / `ago()` to the current time instead of the recorded instant. */
  readonly moveTime?: boolean;
  /** Bypass the cache. */
  readonly refresh?: boolean;
  readonly signal?: AbortSignal;
}

const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The default casefile home: `$CASEFILE_HOME`, else `./.casefile`. */
export function defaultHome(): string {
  let home: string | undefined;
  try {
    home = Deno.env.get("CASEFILE_HOME");
  } catch {
    // No env permission: the default.
  }
  return resolvePath(home || ".casefile");
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
 * import { openSession } from "./session.ts";
 * import { kql } from "./kql_template.ts";
 * import { param } from "./params.ts";
 * import { openLocalProvider } from "../providers/local/local_provider.ts";
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
 * console.log(session.steps().map((s) => `${s.record.position} ${s.record.name}: ${s.record.result?.kind}`));
 * await session.close();
 * ```
 */
export async function openSession(name: string, options: SessionOptions = {}): Promise<Session> {
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
    const cache = options.cache === false
      ? undefined
      : options.cache ?? await ResultCache.open(join(home, "cache"), options.cacheOptions);
    const { journal, contents } = await Journal.open(join(dir, "journal.jsonl"));
    const session = new Session(name, dir, home, journal, lock, cache, options);
    for (const problem of contents.problems) session.notice(`journal ${problem}`);
    await session.restore(contents.records);
    return session;
  } catch (error) {
    await Deno.remove(lock).catch(() => {});
    throw error;
  }
}

/** The sessions under a casefile home, newest activity first. */
export async function listSessions(
  home: string = defaultHome(),
): Promise<{ name: string; modified: Date; dir: string }[]> {
  const root = join(resolvePath(home), "sessions");
  const out: { name: string; modified: Date; dir: string }[] = [];
  try {
    for await (const entry of Deno.readDir(root)) {
      if (!entry.isDirectory) continue;
      const dir = join(root, entry.name);
      const info = await Deno.stat(join(dir, "journal.jsonl")).catch(() => undefined);
      if (info) out.push({ name: entry.name, modified: info.mtime ?? new Date(0), dir });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort((a, b) => b.modified.getTime() - a.modified.getTime());
}

/**
 * Removes the session `name` and its folder (journal, charts, history); the cached results
 * stay, shared by the home's sessions.
 *
 * @throws {SessionError} when there is no such session; {@link SessionLockedError} when a
 *   process has it open.
 */
export async function removeSession(name: string, home: string = defaultHome()): Promise<void> {
  const dir = join(resolvePath(home), "sessions", name);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || !await exists(join(dir, "journal.jsonl"))) {
    throw new SessionError(`There is no session ${name} under ${resolvePath(home)}.`, {
      hint: "casefile sessions lists them.",
    });
  }
  // Taking the lock refuses a session open elsewhere; the folder goes with it.
  await takeLock(dir, name);
  await Deno.remove(dir, { recursive: true });
}

async function takeLock(dir: string, name: string): Promise<string> {
  const path = join(dir, "lock");
  const me = JSON.stringify({ pid: Deno.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(path, me, { createNew: true, mode: 0o600 });
      return path;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    let holder: { pid?: number; host?: string; since?: string } = {};
    try {
      holder = JSON.parse(await Deno.readTextFile(path));
    } catch {
      // An unreadable lock (cut off by a crash) is stale.
    }
    const alive = holder.pid !== undefined &&
      (holder.host !== hostname() || await exists(`/proc/${holder.pid}`));
    if (alive) {
      throw new SessionLockedError(
        name,
        `pid ${holder.pid} on ${holder.host}, since ${holder.since}`,
      );
    }
    await Deno.remove(path).catch(() => {});
  }
  throw new SessionLockedError(name, "another process took it at the same moment");
}

/** An open investigation session. Open one with {@link openSession}. */
export class Session {
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
  readonly #lock: string;
  readonly #env: CodeEnvironment;
  readonly #onNotice?: (notice: string) => void;
  #provider?: Provider;
  #steps: Step[] = [];
  /** The values each step bound, by position (its own name's, and others its code bound). */
  readonly #bindings = new Map<number, Record<string, unknown>>();
  readonly #replay?: {
    readonly keepGoing: boolean;
    /** Every query bypasses the cache (a replay's `--refresh`). */
    readonly refresh: boolean;
    /** Whether expectations are checked. */
    readonly compare: boolean;
    /** The recorded results not yet taken by a step. */
    readonly recorded: RecordedStep[];
    /** The parameter values the replay was opened with (set again after a step's own). */
    base?: Record<string, unknown>;
    readonly failures: ReplayFailure[];
  };
  /** The signal of the step running (code sees it as `signal`). */
  #signal: AbortSignal = new AbortController().signal;
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
    lock: string,
    cache: ResultCache | undefined,
    options: SessionOptions,
  ) {
    this.name = name;
    this.dir = dir;
    this.home = home;
    this.#journal = journal;
    this.#lock = lock;
    this.cache = cache;
    this.#provider = options.provider;
    this.#onNotice = options.onNotice;
    if (options.replay) {
      this.#replay = {
        keepGoing: options.replay.keepGoing ?? false,
        refresh: options.replay.refresh ?? false,
        compare: options.replay.compare ?? true,
        recorded: [...(options.replay.recorded ?? [])],
        failures: [],
      };
    }
    this.#env = new CodeEnvironment(
      () => ({
        session: this,
        provider: this.#provider,
        params: this.params,
        signal: this.#signal,
      }),
      { pl },
      options.cwd ?? Deno.cwd(),
    );
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
    return this.#provider;
  }

  /** Sets the provider later steps run on. */
  connect(provider: Provider): void {
    this.#provider = provider;
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
    const definitions: Record<string, ParamsRecord["definitions"][string]> = {};
    for (const info of this.#paramSet.list()) {
      definitions[info.name] = {
        kind: info.kind,
        default: info.default === undefined ? undefined : paramToJson(info.kind, info.default),
        description: info.description,
      };
    }
    const record: ParamsRecord = { type: "params", definitions, values: this.#paramSet.toJson() };
    const json = JSON.stringify([record.definitions, record.values]);
    if (onlyIfChanged && json === this.#paramsJson) return;
    await this.#append(record);
    this.#paramsJson = json;
  }

  // ---- steps ------------------------------------------------------------------------

  /** The steps, in order (latest revision of each position). */
  steps(): readonly Step[] {
    return this.#steps;
  }

  /**
   * A step by position (1-based) or by name (the latest step of that name).
   *
   * @throws {StepError} when there is none.
   */
  step(ref: number | string): Step {
    const found = typeof ref === "number"
      ? this.#steps[ref - 1]
      : this.#steps.findLast((s) => s.record.name === ref);
    if (!found) {
      const names = [...new Set(this.#steps.map((s) => s.record.name))];
      throw new StepError(
        typeof ref === "number"
          ? `There is no step ${ref} (the session has ${this.#steps.length}).`
          : `There is no step named ${ref}.`,
        { hint: typeof ref === "string" ? didYouMean(ref, names) : undefined },
      );
    }
    return found;
  }

  /** The value of a step (its DataFrame for queries), by position or name. */
  value(ref: number | string): unknown {
    const step = this.step(ref);
    if (!step.restored) {
      throw new StepError(`The result of step ${step.record.position} is not available.`, {
        hint: `Run it again: rerun(${step.record.position}).`,
      });
    }
    return this.#bindings.get(step.record.position)?.[step.record.name];
  }

  /**
   * The variables steps made, by name (a later step of the same name wins; failed steps and
   * dead ends are left out). A step whose code bound several names gives each of them.
   */
  scope(upTo: number = this.#steps.length + 1): Record<string, unknown> {
    const scope: Record<string, unknown> = {};
    for (const step of this.#steps) {
      if (step.record.position >= upTo) break;
      if (step.record.status !== "ok" || !step.restored || step.mark === "dead-end") continue;
      Object.assign(scope, this.#bindings.get(step.record.position));
    }
    return scope;
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
  async evaluate(source: string, options: { signal?: AbortSignal } = {}): Promise<unknown> {
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
   * @returns The result frame.
   * @throws The provider's error (the failed step is journaled too).
   */
  query(
    name: string,
    query: KqlQuery | string,
    options: StepQueryOptions = {},
  ): Promise<DataFrame> {
    const expect = this.#expectation(name, options.expect);
    return this.#replayable(name, expect, async () => {
      await this.#replayParams(expect);
      return await this.#query(name, query, { ...options, expect });
    });
  }

  async #query(
    name: string,
    query: KqlQuery | string,
    options: StepQueryOptions,
  ): Promise<DataFrame> {
    const template = typeof query === "string" ? [{ text: query }] : templateParts(query);
    const timespan = options.timespan === undefined
      ? undefined
      : options.timespan instanceof ParamRef
      ? { param: options.timespan.name }
      : rangeJson(options.timespan);
    const record = await this.#runQuery(this.#steps.length + 1, 1, name, template, {
      timespan,
      now: options.now?.toISOString(),
      refresh: options.refresh ?? this.#replay?.refresh,
      signal: options.signal,
      expect: options.expect,
    });
    return this.value(record.position) as DataFrame;
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
    const expect = this.#expectation(name, options.expect);
    return this.#replayable(name, expect, async () => {
      await this.#replayParams(expect);
      const source = typeof code === "string" ? code : code.toString();
      const record = await this.#runCode(this.#steps.length + 1, 1, name, source, {
        fn: typeof code === "function" ? code : undefined,
        bind: options.bind,
        signal: options.signal,
        expect,
      });
      return record ? this.value(record.position) : undefined;
    });
  }

  /** What a step of a replay is expected to give (see {@link SessionOptions.replay}). */
  #expectation(name: string, given?: StepExpectation): StepExpectation | undefined {
    const replay = this.#replay;
    if (!replay || !replay.compare) return given;
    const at = replay.recorded.findIndex((r) => r[1] === name);
    if (at < 0) return given;
    const [position, , kind, rows, sha256, params] = replay.recorded.splice(at, 1)[0];
    return given ?? {
      position,
      kind,
      rows: rows ?? undefined,
      sha256: sha256 ?? undefined,
      params,
    };
  }

  /**
   * Sets the parameter values a replayed step ran with (`expect.params`), or back to the
   * replay's own, journaling the change.
   */
  async #replayParams(expect: StepExpectation | undefined): Promise<void> {
    const replay = this.#replay;
    if (!replay) return;
    replay.base ??= this.#paramSet.toJson();
    const wanted = { ...replay.base, ...(expect?.params ?? {}) };
    if (JSON.stringify(wanted) === JSON.stringify(this.#paramSet.toJson())) return;
    await this.setParams(wanted);
  }

  /** The steps that failed in this replay (see {@link SessionOptions.replay}), in order. */
  get replayFailures(): readonly ReplayFailure[] {
    return this.#replay?.failures ?? [];
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
      if (!this.#replay) throw error;
      this.#replay.failures.push({ name, position: expect?.position, error });
      if (this.#replay.keepGoing) return undefined as T;
      throw error;
    }
  }

  /**
   * Records a value computed outside the session as a step (it cannot be re-run, but is
   * kept, restored and exported with its `code` as written).
   */
  async record(name: string, value: unknown, options: { code?: string } = {}): Promise<void> {
    const expect = this.#expectation(name);
    await this.#replayable(name, expect, () =>
      this.#runCode(
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
    const record = await this.#append<MarkRecord>({
      type: "mark",
      position: step.record.position,
      mark,
      note,
    });
    this.#applyMark(record);
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
    const start = this.step(from).record.position;
    if (Object.keys(params).length > 0) await this.setParams(params);
    const done: Step[] = [];
    for (const step of this.#steps.slice(start - 1)) {
      const old = step.record;
      // Dead ends and mistakes (failed steps) are not part of the chain.
      if (step.mark === "dead-end" || old.status === "error") continue;
      if (old.kind === "value") {
        this.notice(`step ${old.position} (${old.name}) was recorded by a script; not re-run`);
        continue;
      }
      if (old.kind === "query") {
        await this.#runQuery(
          old.position,
          old.revision + 1,
          old.name,
          old.template ?? [{ text: old.code }],
          {
            timespan: old.timespanParam ? { param: old.timespanParam } : old.timespan,
            now: options.moveTime ? undefined : old.now,
            refresh: options.refresh,
            signal: options.signal,
          },
        );
      } else {
        await this.#runCode(old.position, old.revision + 1, old.name, old.code, {
          compile: old.form === "function" ||
            (old.form === undefined && isFunctionSource(old.code)),
          bind: old.form === "function" ? old.binds : undefined,
          signal: options.signal,
        });
      }
      done.push(this.#steps[old.position - 1]);
    }
    return done;
  }

  async #runQuery(
    position: number,
    revision: number,
    name: string,
    template: readonly TemplatePart[],
    options: {
      timespan?: { start: string; end: string } | { param: string };
      now?: string;
      refresh?: boolean;
      signal?: AbortSignal;
      expect?: StepExpectation;
    },
  ): Promise<StepRecord> {
    checkName(name);
    if (position <= this.#steps.length) this.#resetVariables(position);
    const provider = this.#provider;
    const startedAt = new Date();
    const started = performance.now();
    const used: Record<string, unknown> = {};
    const base = {
      type: "step" as const,
      position,
      revision,
      name,
      kind: "query" as const,
      template,
      params: used,
      startedAt: startedAt.toISOString(),
    };
    let text = "";
    let timespanParam: string | undefined;
    // A result that differs from the one expected: journaled as run, then thrown.
    let failed: ReplayError | undefined;
    try {
      text = this.#renderTemplate(template, used);
      if (!provider) {
        throw new SessionError("The session has no provider to run queries on.", {
          hint: "Connect one: session.connect(await openLocalProvider()) or a Sentinel provider.",
        });
      }
      let timespan: { start: string; end: string } | undefined;
      if (options.timespan && "param" in options.timespan) {
        timespanParam = options.timespan.param;
        const ref = this.#paramSet.ref(timespanParam);
        if (ref.kind !== "timerange") {
          throw new SessionError(`Parameter ${timespanParam} is a ${ref.kind}, not a time range.`, {
            hint: "A step's timespan takes a timerange parameter or { start, end }.",
          });
        }
        used[timespanParam] = paramToJson("timerange", ref.value);
        timespan = rangeJson(ref.value as TimeRange);
      } else if (options.timespan && "start" in options.timespan) {
        timespan = options.timespan;
      }
      const now = usesNow(text)
        ? options.now ?? (provider.referenceTime ?? new Date()).toISOString()
        : undefined;
      const pinned = now ? pinNow(text, new Date(now)) : text;
      const { frame, result, cache, stored } = await this.#fetch(provider, pinned, {
        timespan,
        params: used,
        refresh: options.refresh ?? false,
        signal: options.signal,
      });
      const summary = frameSummary(frame, result.schema.columns, stored);
      const volatile = provider.kind === "sentinel"
        ? "live data from a Log Analytics workspace"
        : volatileQuery(pinned);
      const check = options.expect
        ? compareResult(options.expect, summary.summary, volatile)
        : undefined;
      const record: StepRecord = {
        ...base,
        code: text,
        provider: provider.id,
        now,
        timespan,
        timespanParam,
        status: "ok",
        result: summary.summary,
        warnings: result.warnings.length ? result.warnings : undefined,
        render: result.render,
        volatile,
        check,
        cache,
        durationMs: Math.round(performance.now() - started),
      };
      if (summary.digest && this.cache) await this.#storeResult(frame, summary.digest);
      await this.#commit(record, { [name]: frame });
      if (check?.outcome === "differs") failed = replayDifference(record, check);
      else return record;
    } catch (error) {
      await this.#commitFailure(
        { ...base, code: text, provider: provider?.id, check: failedCheck(options.expect) },
        started,
        error,
      );
      throw error;
    }
    throw failed!;
  }

  async #fetch(
    provider: Provider,
    query: string,
    options: {
      timespan?: { start: string; end: string };
      params: Record<string, unknown>;
      refresh: boolean;
      signal?: AbortSignal;
    },
  ): Promise<{
    frame: DataFrame;
    result: Pick<QueryResult, "schema" | "warnings" | "render">;
    cache: "hit" | "miss" | "off";
    /** How the cache holds the result, when it does. */
    stored?: { sha256: string; bytes: number };
  }> {
    const cache = this.cache;
    const timespan = options.timespan
      ? { start: new Date(options.timespan.start), end: new Date(options.timespan.end) }
      : undefined;
    if (!cache) {
      const result = await provider.query(query, { timespan, signal: options.signal });
      return { frame: result.frame, result, cache: "off" };
    }
    const key = ResultCache.key({
      provider: provider.id,
      query: normaliseQuery(query),
      timespan: options.timespan,
      params: options.params,
    });
    const version = provider.dataVersion ? await provider.dataVersion() : undefined;
    if (!options.refresh) {
      const found = await cache.lookup(key, version);
      if (found.status === "hit") {
        const { entry } = found;
        return {
          frame: found.frame,
          result: {
            schema: { name: "result", columns: entry.columns },
            warnings: entry.warnings,
            render: entry.render,
          },
          cache: "hit",
          stored: entry,
        };
      }
      if (found.status === "damaged") this.notice(`cache: ${found.problem}; ran the query again`);
      if (found.status === "stale-format") {
        this.notice("cache: an entry written by another version was ignored; ran the query again");
      }
    }
    const result = await provider.query(query, { timespan, signal: options.signal });
    let entry: CacheEntry | undefined;
    try {
      entry = await cache.store(
        {
          key,
          rows: result.frame.height,
          columns: result.schema.columns,
          provider: provider.id,
          query,
          warnings: result.warnings,
          render: result.render,
          dataVersion: version,
        },
        provider.kind,
        result.frame,
      );
    } catch (error) {
      this.notice(`cache: result not stored (${errorText(error)})`);
    }
    return {
      frame: result.frame,
      result,
      cache: "miss",
      stored: entry,
    };
  }

  /**
   * Runs a code step (text, a function, or a value recorded from outside) at `position`,
   * journals it, binds its names, and returns its record; undefined when the code ran
   * steps of its own (`await session.query(...)` typed in the REPL): those are its record.
   */
  async #runCode(
    position: number,
    revision: number,
    name: string,
    source: string,
    how: {
      /** The function of a function-form step (absent: `source` is text, or compiled). */
      fn?: (scope: Record<string, unknown>) => unknown;
      /** Whether `source` is a function's source (`fn.toString()`), to compile. */
      compile?: boolean;
      /** A value recorded from outside (`kind: "value"`). */
      value?: { value: unknown };
      bind?: readonly string[];
      signal?: AbortSignal;
      expect?: StepExpectation;
    },
  ): Promise<Stored<StepRecord> | undefined> {
    checkName(name);
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
      params: this.#paramSet.toJson(),
      startedAt: startedAt.toISOString(),
    };
    if (position <= this.#steps.length) this.#resetVariables(position);
    const vars = this.#env.vars;
    const stepsBefore = this.#steps.length;
    const signal = how.signal ?? new AbortController().signal;
    const outerSignal = this.#signal;
    this.#signal = signal;
    let evaluation: Evaluation | undefined;
    const run = await capture(async (): Promise<Record<string, unknown>> => {
      if (how.value) return { [name]: how.value.value };
      if (!form) {
        evaluation = await this.#env.evaluate(source, { signal });
        const { declared, assigned } = evaluation.transformed;
        const bound = [...declared, ...assigned];
        const out: Record<string, unknown> = {};
        for (const n of bound) out[n] = vars[n];
        out[name] = bound.includes(name) ? vars[name] : evaluation.value;
        return out;
      }
      await this.#env.ready();
      const fn = how.fn ?? await this.#env.compile(source);
      const returned = await cancellable(Promise.resolve(fn(vars)), signal);
      if (!how.bind) return { [name]: returned };
      if (!how.bind.includes(name)) {
        throw new StepError(`Step ${name} binds ${how.bind.join(", ")} but not ${name}.`, {
          hint: `Add "${name}" to bind, or name the step after one of them.`,
        });
      }
      if (typeof returned !== "object" || returned === null) {
        throw new StepError(`Step ${name} binds several names but returned no object of them.`, {
          hint: `Return them as an object: () => ({ ${how.bind.join(", ")} }).`,
        });
      }
      return Object.fromEntries(
        how.bind.map((n) => [n, (returned as Record<string, unknown>)[n]]),
      );
    });
    this.#signal = outerSignal;
    // Code that ran steps of its own (session.query in the REPL) is recorded by them.
    if (this.#steps.length !== stepsBefore) {
      if (!run.ok) throw run.error;
      return undefined;
    }
    if (!run.ok) {
      await this.#commitFailure(
        { ...base, output: run.output || undefined, check: failedCheck(how.expect) },
        started,
        run.error,
      );
      throw run.error;
    }
    const bindings = run.value;
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
    const names = Object.keys(bindings);
    const volatile = kind === "value" ? undefined : run.volatile ?? volatileCode(source);
    const check = how.expect ? compareResult(how.expect, summary, volatile) : undefined;
    const record: StepRecord = {
      ...base,
      status: "ok",
      result: summary,
      binds: names.length > 1 || names[0] !== name ? names : undefined,
      bound: Object.keys(bound).length ? bound : undefined,
      uses: evaluation ? this.#usesOf(evaluation.transformed.uses, position) : undefined,
      imports: evaluation?.imports.length ? evaluation.imports : undefined,
      origin: how.fn ? Deno.mainModule : undefined,
      output: run.output || undefined,
      chart: await this.#stepChart(position, name, value, run.charts),
      volatile,
      check,
      durationMs: Math.round(performance.now() - started),
    };
    // Results are stored before the step is journaled: a journaled step's result is
    // always there to restore.
    if (this.cache) {
      for (const [frame, d] of toStore) await this.#storeResult(frame, d);
    }
    const stored = await this.#commit(record, bindings);
    if (check?.outcome === "differs") throw replayDifference(record, check);
    return stored;
  }

  /**
   * For each name a step read, the position of the step whose value it was (`_`: the step
   * before). Names no earlier step bound (the API, globals) are left out.
   */
  #usesOf(names: readonly string[], position: number): Record<string, number> | undefined {
    const out: Record<string, number> = {};
    // The step whose value the code saw: the latest that ran well, dead end or not (its
    // variable was still in reach; an export keeps a dead end a kept step reads).
    const ran = (s: Step) => s.record.status === "ok" && s.restored;
    for (const n of names) {
      const step = n === "_"
        ? this.#steps.slice(0, position - 1).findLast(ran)
        : this.#steps.slice(0, position - 1).findLast((s) =>
          ran(s) && Object.hasOwn(this.#bindings.get(s.record.position) ?? {}, n)
        );
      if (step) out[n] = step.record.position;
    }
    return Object.keys(out).length ? out : undefined;
  }

  /** Sets the variables back to what the steps before `position` bound (for a re-run). */
  #resetVariables(position: number): void {
    const vars = this.#env.vars;
    const keep = this.scope(position);
    for (const step of this.#steps.slice(position - 1)) {
      for (const n of Object.keys(this.#bindings.get(step.record.position) ?? {})) {
        if (!Object.hasOwn(keep, n)) delete vars[n];
      }
    }
    Object.assign(vars, keep);
    const last = this.#steps.slice(0, position - 1).findLast((s) => isKept(s) && s.restored);
    if (last) vars._ = this.value(last.record.position);
  }

  /**
   * The chart a code step shows: its value when that is a chart, else the last chart its
   * code made (drawn to a file, or displayed), drawn as SVG into the session's folder.
   */
  async #stepChart(
    position: number,
    name: string,
    value: unknown,
    made: readonly unknown[],
  ): Promise<StepChart | undefined> {
    const chart = isChart(value) ? value : made.findLast(isChart);
    return chart ? await this.#drawChart(position, name, chart) : undefined;
  }

  /** Draws a chart a step made as SVG in the session's folder, for reports and notebooks. */
  async #drawChart(
    position: number,
    name: string,
    chart: { kind: string; title: string },
  ): Promise<StepChart | undefined> {
    try {
      const { chartToSvg } = await import(RENDER_URL.href) as typeof import("../viz/render.ts");
      const svg = await chartToSvg(chart as Parameters<typeof chartToSvg>[0]);
      const file = `charts/${position}-${name}.svg`;
      await writeFileAtomic(join(this.dir, file), svg);
      return { file, kind: chart.kind, title: chart.title };
    } catch (error) {
      this.notice(`step ${position}: the chart was not drawn (${errorText(error)})`);
      return undefined;
    }
  }

  async #storeResult(frame: DataFrame, digest: ResultDigest): Promise<void> {
    try {
      await this.cache!.putResult(frame, digest);
    } catch (error) {
      this.notice(`cache: result not stored (${errorText(error)})`);
    }
  }

  #renderTemplate(template: readonly TemplatePart[], used: Record<string, unknown>): string {
    let text = "";
    for (const part of template) {
      if ("text" in part) {
        text += part.text;
        continue;
      }
      const [base, sub] = part.param.split(".");
      const ref = this.#paramSet.ref(base);
      const target = sub === "start" ? ref.start : sub === "end" ? ref.end : ref;
      used[base] = paramToJson(ref.kind, ref.value);
      text += new KqlQuery(["", ""], [target]).text;
    }
    return text;
  }

  async #commit(
    record: StepRecord,
    bindings: Record<string, unknown>,
  ): Promise<Stored<StepRecord>> {
    const stored = await this.#append(record);
    this.#bindings.set(record.position, bindings);
    Object.assign(this.#env.vars, bindings);
    this.#env.vars._ = bindings[record.name];
    this.#place(stored, true);
    return stored;
  }

  async #commitFailure(
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
      const stored = await this.#append(record);
      // A failed re-run keeps the earlier result in scope: only a new step is placed.
      if (record.position > this.#steps.length) this.#place(stored, false);
    } catch (writeError) {
      this.notice(`journal: the failed step was not recorded (${errorText(writeError)})`);
    }
  }

  #place(record: Stored<StepRecord>, restored: boolean): void {
    const index = record.position - 1;
    const previous = this.#steps[index];
    this.#steps[index] = {
      record,
      mark: previous?.mark ?? "none",
      note: previous?.note,
      restored,
    };
  }

  #applyMark(record: MarkRecord): void {
    const step = this.#steps[record.position - 1];
    if (step) this.#steps[record.position - 1] = { ...step, mark: record.mark, note: record.note };
  }

  async #append<R extends StepRecord | ParamsRecord | MarkRecord>(record: R): Promise<Stored<R>> {
    if (this.#closed) throw new SessionError(`Session ${this.name} is closed.`);
    return await this.#journal.append(record);
  }

  /** @internal Rebuilds the session from its journal records and restores the results. */
  async restore(records: readonly Stored[]): Promise<void> {
    if (!records.some((r) => r.type === "session")) {
      await this.#journal.append({
        type: "session",
        format: JOURNAL_FORMAT,
        name: this.name,
        created: new Date().toISOString(),
      });
    }
    for (const record of records) {
      switch (record.type) {
        case "session":
          if (record.format > JOURNAL_FORMAT) {
            throw new SessionError(
              `Session ${this.name} was written by a newer casefile (journal format ${record.format}).`,
              { hint: "Open it with that version." },
            );
          }
          break;
        case "params":
          this.#restoreParams(record);
          this.#paramsJson = JSON.stringify([record.definitions, record.values]);
          break;
        case "step":
          // A failed re-run does not replace the step it re-ran.
          if (record.status === "ok" || record.position > this.#steps.length) {
            this.#place(record, false);
          }
          break;
        case "mark":
          this.#applyMark(record);
          break;
      }
    }
    // Definitions given at open that the journal does not have yet.
    await this.#recordParams(true);
    const missing: number[] = [];
    await Promise.all(this.#steps.map(async (step, i) => {
      if (step.record.status !== "ok") return;
      const bindings = await this.#restoreBindings(step.record);
      if (bindings === NOT_RESTORED) {
        missing.push(step.record.position);
        return;
      }
      this.#bindings.set(step.record.position, bindings);
      this.#steps[i] = { ...step, restored: true };
    }));
    Object.assign(this.#env.vars, this.scope());
    const last = this.#steps.findLast((s) => isKept(s) && s.restored);
    if (last) this.#env.vars._ = this.value(last.record.position);
    // Definitions (functions, classes, imports) have no stored value: they run again.
    const rerun = await this.#runDefinitionsAgain(missing);
    const left = missing.filter((p) => !rerun.includes(p));
    if (left.length > 0) {
      this.notice(
        `steps ${left.sort((a, b) => a - b).join(", ")}: result not in the cache; ` +
          `run them again with rerun()`,
      );
    }
    if (rerun.length > 0) {
      this.notice(`steps ${rerun.join(", ")}: definitions run again (functions, imports)`);
    }
  }

  /**
   * Runs again, in order and without journaling, the code steps among `positions` that
   * only define things (functions, classes, imports): their values are not stored.
   *
   * @returns The positions run again.
   */
  async #runDefinitionsAgain(positions: readonly number[]): Promise<number[]> {
    const done: number[] = [];
    const candidates = positions.map((p) => this.#steps[p - 1])
      .filter((s) => s.record.kind === "code" && s.mark !== "dead-end" && !s.record.form)
      .sort((a, b) => a.record.position - b.record.position);
    if (candidates.length === 0) return done;
    const ts = await typescript();
    for (const step of candidates) {
      const r = step.record;
      try {
        if (!transformInput(ts, r.code).definitionsOnly) continue;
        await this.#env.evaluate(r.code);
        const names = r.binds ?? [r.name];
        const bindings = Object.fromEntries(names.map((n) => [n, this.#env.vars[n]]));
        this.#bindings.set(r.position, bindings);
        this.#steps[r.position - 1] = { ...step, restored: true };
        done.push(r.position);
      } catch {
        // Left unrestored (reported with the others).
      }
    }
    return done;
  }

  /** The values a step bound, from the journal and the cache. */
  async #restoreBindings(
    record: StepRecord,
  ): Promise<Record<string, unknown> | typeof NOT_RESTORED> {
    const main = await this.#restoreValue(record.position, record.result);
    if (main === NOT_RESTORED) return NOT_RESTORED;
    const out: Record<string, unknown> = { [record.name]: main };
    for (const [name, summary] of Object.entries(record.bound ?? {})) {
      const value = await this.#restoreValue(record.position, summary);
      if (value === NOT_RESTORED) return NOT_RESTORED;
      out[name] = value;
    }
    // Keep the order the code bound them in (the last one is the step's own value).
    const ordered: Record<string, unknown> = {};
    for (const name of record.binds ?? [record.name]) ordered[name] = out[name];
    return Object.assign(ordered, out);
  }

  #restoreParams(record: ParamsRecord): void {
    const specs: Record<string, ParamSpec> = {};
    for (const [name, definition] of Object.entries(record.definitions)) {
      const known = this.#paramSet.has(name) ? this.#paramSet.spec(name) : undefined;
      specs[name] = known?.kind === definition.kind ? known : {
        kind: definition.kind,
        default: definition.default === undefined
          ? undefined
          : parseParam(name, definition.kind, definition.default),
        description: definition.description,
      };
    }
    this.#paramSet.define(specs);
    try {
      this.#paramSet.set(record.values);
    } catch (error) {
      this.notice(`parameters: a recorded value was not restored (${errorText(error)})`);
    }
  }

  async #restoreValue(position: number, result: ResultSummary | undefined): Promise<unknown> {
    if (!result) return NOT_RESTORED;
    switch (result.kind) {
      case "json":
        return result.value;
      case "other":
        // Nothing to restore but "nothing" (a step that only printed, or looped).
        return result.type === "undefined" ? undefined : NOT_RESTORED;
      case "frame":
      case "series": {
        if (!this.cache) return NOT_RESTORED;
        const found = await this.cache.getResult(result.sha256);
        if (found.status !== "ok") {
          if (found.status === "damaged") {
            this.notice(
              `step ${position}: the cached result does not match its SHA-256; removed`,
            );
          }
          return NOT_RESTORED;
        }
        return result.kind === "series"
          ? found.frame.getColumn(found.frame.columns[0])
          : found.frame;
      }
    }
  }

  /** Closes the journal and releases the session's lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#journal.close();
    await Deno.remove(this.#lock).catch(() => {});
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

const NOT_RESTORED = Symbol("not restored");

function checkName(name: string): void {
  if (!NAME.test(name) || RESERVED_NAMES.has(name)) {
    throw new StepError(`"${name}" cannot name a step.`, {
      hint: "Use a variable name (letters, digits, _), other than params and pl.",
    });
  }
}

function rangeJson(range: TimeRange): { start: string; end: string } {
  return { start: range.start.toISOString(), end: range.end.toISOString() };
}

/** The template's pieces, nested templates flattened, values other than parameters as literal text. */
function templateParts(query: KqlQuery): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const push = (part: TemplatePart) => {
    const last = parts[parts.length - 1];
    if ("text" in part && last && "text" in last) {
      parts[parts.length - 1] = { text: last.text + part.text };
    } else parts.push(part);
  };
  const walk = (q: KqlQuery) => {
    q.strings.forEach((text, i) => {
      push({ text });
      if (i >= q.values.length) return;
      const value = q.values[i];
      if (value instanceof ParamRef) push({ param: value.name });
      else if (value instanceof KqlQuery) walk(value);
      else {push({
          text: value instanceof RawKql ? value.text : new KqlQuery(["", ""], [value]).text,
        });}
    });
  };
  walk(query);
  return parts;
}

/**
 * A query result's summary. `stored` is what the cache already holds it as; otherwise the
 * result is serialised here, and the `digest` returned is to be stored.
 */
function frameSummary(
  frame: DataFrame,
  columns: readonly ColumnSchema[],
  stored?: { sha256: string; bytes: number },
): { summary: ResultSummary; digest?: ResultDigest } {
  const digest = stored ? undefined : digestFrame(frame);
  return {
    summary: {
      kind: "frame",
      rows: frame.height,
      columns,
      sha256: stored?.sha256 ?? digest!.sha256,
      bytes: stored?.bytes ?? digest!.parquet.length,
    },
    digest,
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a step is part of the chain (ran well, not a dead end). */
function isKept(step: Step): boolean {
  return step.record.status === "ok" && step.mark !== "dead-end";
}

/** Whether recorded code is a function's source (journals from before `form` was kept). */
function isFunctionSource(source: string): boolean {
  return /^(async\s+)?(function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(source.trim());
}

/** The chart renderer, loaded on first use by a specifier `deno run` does not read ahead. */
const RENDER_URL = new URL("../viz/render.ts", import.meta.url);

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

/** Whether a step's result is the one expected of it (see {@link StepExpectation}). */
function compareResult(
  expect: StepExpectation,
  result: ResultSummary,
  volatile: string | undefined,
): StepCheck {
  const sha = "sha256" in result ? result.sha256 : undefined;
  const equal = expect.kind === result.kind &&
    (expect.sha256 === undefined || expect.sha256 === sha);
  return checkOf(expect, equal ? "equal" : volatile ? "volatile" : "differs");
}

/** The check of a replayed step that threw. */
function failedCheck(expect: StepExpectation | undefined): StepCheck | undefined {
  return expect ? checkOf(expect, "failed") : undefined;
}

function checkOf(expect: StepExpectation, outcome: StepCheck["outcome"]): StepCheck {
  const { position, kind, sha256, rows } = expect;
  return { position, expected: { kind, sha256, rows }, outcome };
}

/** The error of a replayed step whose result differs: what was expected, what came. */
function replayDifference(record: StepRecord, check: StepCheck): ReplayError {
  const r = record.result!;
  const e = check.expected;
  let got: string;
  switch (r.kind) {
    case "frame":
    case "series":
      got = `${r.kind} of ${r.rows} rows, sha256 ${r.sha256}`;
      break;
    case "other":
      got = `${r.type}${r.sha256 ? `, sha256 ${r.sha256}` : ""}`;
      break;
    case "json":
      got = `json ${JSON.stringify(r.value).slice(0, 80)}, sha256 ${r.sha256 ?? "-"}`;
      break;
  }
  const wanted = `${e.kind}${e.rows !== undefined ? ` of ${e.rows} rows` : ""}${
    e.sha256 ? `, sha256 ${e.sha256}` : ""
  }`;
  return new ReplayError(
    check.position,
    record.name,
    `Step ${check.position} (${record.name}) gave another result than when it was recorded: ` +
      `expected ${wanted}; got ${got}.`,
    {
      hint: e.kind !== r.kind
        ? "The step now returns another kind of value: check its code and the data it reads."
        : "The data or the code changed since the session was recorded (or the step is not " +
          "deterministic); compare the two results.",
    },
  );
}
