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
import { type DataFrame, pl, type Series } from "../polars.ts";
import { type ColumnSchema, kustoTypeOfPolars } from "../schema/types.ts";
import type { Provider, QueryResult, TimeRange } from "../providers/provider.ts";
import { CasefileError, didYouMean } from "../errors.ts";
import { SessionError, SessionLockedError, StepError } from "./errors.ts";
import { exists, privateDir } from "./_files.ts";
import {
  Journal,
  JOURNAL_FORMAT,
  type MarkRecord,
  type ParamsRecord,
  type ResultSummary,
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
import { normaliseQuery, pinNow, usesNow } from "./_query_text.ts";
import { type EnrichmentCache, FolderCache, MemoryCache } from "../enrich/cache.ts";

export type { StepKind, StepMark, StepRecord } from "./_journal.ts";

/**
 * Evaluates a code step's source with the session's variables in scope. The default
 * evaluates JavaScript (an expression, or statements ending in `return`); the REPL gives
 * one that understands TypeScript.
 */
export type Evaluator = (source: string, scope: Readonly<Record<string, unknown>>) => unknown;

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
  /** Evaluates code steps given as text (default: JavaScript). */
  readonly evaluate?: Evaluator;
  /** Receives notices: cache problems, steps not restored, journal lines skipped. */
  readonly onNotice?: (notice: string) => void;
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
  readonly #evaluate: Evaluator;
  readonly #onNotice?: (notice: string) => void;
  #provider?: Provider;
  #steps: Step[] = [];
  readonly #values = new Map<number, unknown>();
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
    this.#evaluate = options.evaluate ?? evaluateJavaScript;
    this.#onNotice = options.onNotice;
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
    return this.#values.get(step.record.position);
  }

  /** The variables steps made, by name (a later step of the same name wins; failed steps and dead ends are left out). */
  scope(upTo: number = this.#steps.length + 1): Record<string, unknown> {
    const scope: Record<string, unknown> = {};
    for (const step of this.#steps) {
      if (step.record.position >= upTo) break;
      if (step.record.status !== "ok" || !step.restored || step.mark === "dead-end") continue;
      scope[step.record.name] = this.#values.get(step.record.position);
    }
    return scope;
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
  async query(
    name: string,
    query: KqlQuery | string,
    options: StepQueryOptions = {},
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
      refresh: options.refresh,
      signal: options.signal,
    });
    return this.#values.get(record.position) as DataFrame;
  }

  /**
   * Runs code as a step: a function of the session's variables (`({ spray }) =>
   * spray.head(5)`), or source text evaluated with them in scope. The function's source
   * is journaled, so the step can be re-run with other parameters and exported.
   *
   * @returns The step's value (DataFrames are cached like query results).
   */
  // deno-lint-ignore no-explicit-any
  async run(name: string, code: string | ((scope: Record<string, any>) => unknown)): Promise<any> {
    const source = typeof code === "string" ? code : code.toString();
    const run = typeof code === "string"
      ? (scope: Record<string, unknown>) => this.#evaluate(code, scope)
      : code;
    const record = await this.#runCode(this.#steps.length + 1, 1, name, "code", source, run);
    return this.#values.get(record.position);
  }

  /**
   * Records a value computed outside the session as a step (it cannot be re-run, but is
   * kept, restored and exported with its `code` as written).
   */
  async record(name: string, value: unknown, options: { code?: string } = {}): Promise<void> {
    await this.#runCode(
      this.#steps.length + 1,
      1,
      name,
      "value",
      options.code ?? `/* value recorded by a script */`,
      () => value,
    );
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
        const run = async (scope: Record<string, unknown>) => {
          if (!isFunctionSource(old.code)) return await this.#evaluate(old.code, scope);
          const fn = await evaluateJavaScript(`(${old.code})`, {});
          return await (fn as (s: Record<string, unknown>) => unknown)(scope);
        };
        await this.#runCode(old.position, old.revision + 1, old.name, "code", old.code, run);
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
    },
  ): Promise<StepRecord> {
    checkName(name);
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
        cache,
        durationMs: Math.round(performance.now() - started),
      };
      if (summary.digest && this.cache) await this.#storeResult(frame, summary.digest);
      await this.#commit(record, frame);
      return record;
    } catch (error) {
      await this.#commitFailure({ ...base, code: text, provider: provider?.id }, started, error);
      throw error;
    }
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

  async #runCode(
    position: number,
    revision: number,
    name: string,
    kind: StepKind,
    source: string,
    run: (scope: Record<string, unknown>) => unknown,
  ): Promise<StepRecord> {
    checkName(name);
    const startedAt = new Date();
    const started = performance.now();
    const used = this.#paramSet.toJson();
    const base = {
      type: "step" as const,
      position,
      revision,
      name,
      kind,
      code: source,
      params: used,
      startedAt: startedAt.toISOString(),
    };
    try {
      const scope = { ...this.scope(position), params: this.paramValues(), pl };
      const value = await run(scope);
      const { summary, digest } = valueSummary(value);
      const record: StepRecord = {
        ...base,
        status: "ok",
        result: summary,
        durationMs: Math.round(performance.now() - started),
      };
      // The result is stored before the step is journaled: a journaled step's result is
      // always there to restore.
      if (digest && this.cache) await this.#storeResult(asFrame(value)!, digest);
      await this.#commit(record, value);
      return record;
    } catch (error) {
      await this.#commitFailure(base, started, error);
      throw error;
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

  async #commit(record: StepRecord, value: unknown): Promise<void> {
    const stored = await this.#append(record);
    this.#values.set(record.position, value);
    this.#place(stored, true);
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
      const value = step.record.status === "ok" ? await this.#restoreValue(step.record) : undefined;
      if (value === NOT_RESTORED) {
        missing.push(step.record.position);
        return;
      }
      if (step.record.status === "ok") this.#values.set(step.record.position, value);
      this.#steps[i] = { ...step, restored: step.record.status === "ok" };
    }));
    if (missing.length > 0) {
      this.notice(
        `steps ${missing.sort((a, b) => a - b).join(", ")}: result not in the cache; ` +
          `run them again with rerun()`,
      );
    }
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

  async #restoreValue(record: StepRecord): Promise<unknown> {
    const result = record.result;
    if (!result) return NOT_RESTORED;
    switch (result.kind) {
      case "json":
        return result.value;
      case "other":
        return NOT_RESTORED;
      case "frame":
      case "series": {
        if (!this.cache) return NOT_RESTORED;
        const found = await this.cache.getResult(result.sha256);
        if (found.status !== "ok") {
          if (found.status === "damaged") {
            this.notice(
              `step ${record.position}: the cached result does not match its SHA-256; removed`,
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
  if (!NAME.test(name) || name === "params" || name === "pl") {
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

function asFrame(value: unknown): DataFrame | undefined {
  if (isFrame(value)) return value;
  if (isSeries(value)) return pl.DataFrame([value]);
  return undefined;
}

function isFrame(value: unknown): value is DataFrame {
  return typeof value === "object" && value !== null &&
    typeof (value as DataFrame).writeParquet === "function" &&
    typeof (value as DataFrame).getColumn === "function";
}

function isSeries(value: unknown): value is Series {
  return typeof value === "object" && value !== null &&
    typeof (value as Series).toFrame === "function" &&
    typeof (value as Series).dtype === "object";
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

const JSON_LIMIT = 256 * 1024;

/** A code step's result summary, with the serialisation to store when it is a frame. */
function valueSummary(value: unknown): { summary: ResultSummary; digest?: ResultDigest } {
  const frame = asFrame(value);
  if (frame) {
    const digest = digestFrame(frame);
    return {
      summary: {
        kind: isFrame(value) ? "frame" : "series",
        rows: frame.height,
        columns: frame.columns.map((name) => ({
          name,
          type: kustoTypeOfPolars(frame.getColumn(name).dtype),
        })),
        sha256: digest.sha256,
        bytes: digest.parquet.length,
      },
      digest,
    };
  }
  try {
    const json = JSON.stringify(value);
    if (json !== undefined && json.length <= JSON_LIMIT && isPlainJson(value)) {
      return { summary: { kind: "json", value: JSON.parse(json) } };
    }
  } catch {
    // Not JSON: summarised below.
  }
  const type = value === null
    ? "null"
    : typeof value === "object"
    ? (value as object).constructor?.name ?? "object"
    : typeof value;
  return { summary: { kind: "other", type, text: String(value).slice(0, 200) } };
}

// A value JSON keeps as it is (no Dates, Maps, class instances or undefined turned into
// something else).
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as object).every(isPlainJson);
  }
  return false;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isFunctionSource(source: string): boolean {
  return /^(async\s+)?(function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(source.trim());
}

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
  ...args: string[]
) => (scope: Record<string, unknown>) => Promise<unknown>;

/**
 * The default {@link Evaluator}: JavaScript with the session's variables in scope, as an
 * expression (`failures.head(5)`) or statements ending in `return`.
 */
export function evaluateJavaScript(
  source: string,
  scope: Readonly<Record<string, unknown>>,
): unknown {
  const names = Object.keys(scope).filter((n) => NAME.test(n));
  const values = names.map((n) => scope[n]);
  let fn: (...args: unknown[]) => unknown;
  try {
    fn = new AsyncFunction(...names, `return (${source}\n);`) as unknown as typeof fn;
  } catch {
    fn = new AsyncFunction(...names, source) as unknown as typeof fn;
  }
  return fn(...values);
}
