/**
 * The REPL's engine, independent of the terminal: it holds the session, the provider and
 * the persistent scope, and handles one complete input at a time (TypeScript, `%kql`, or a
 * dot-command), printing through {@link ReplOutput}. Every input that runs is a session
 * step, journaled the moment it completes.
 *
 * @module
 */
import { join } from "node:path";
import { didYouMean } from "../src/errors.ts";
import { listSessions, openSession, type Session } from "../src/session/session.ts";
import { kql, kqlIdent, kqlLiteral, KqlQuery, rawKql } from "../src/session/kql_template.ts";
import { param, ParamRef, Timespan } from "../src/session/params.ts";
import { ResultCache } from "../src/session/result_cache.ts";
import type { StepRecord } from "../src/session/_journal.ts";
import { EvaluationCancelled, ScopeEvaluator } from "./_evaluator.ts";
import { transformInput, typescript } from "./_transform.ts";
import { pl } from "../src/polars.ts";
import { inputKind, type KqlInput, parseKqlInput, splitKql } from "./_input.ts";
import { formatValue, isDataFrame } from "./_display.ts";
import { count, describeError } from "./_format.ts";
import { connect, type Connection, type ProviderSpec } from "./_providers.ts";
import { type CommandName, COMMANDS, runCommand } from "./_commands.ts";
import { ReplError, ReplSyntaxError } from "./errors.ts";
import { importLater } from "./_later.ts";

/** Where the REPL prints. */
export interface ReplOutput {
  /** Results and notes (stdout). */
  write(text: string): void;
  /** Errors (stderr). */
  error(text: string): void;
  /** Terminal columns. */
  columns(): number;
  /** Whether to colour inspected values. */
  readonly colors: boolean;
  /** Whether a person is at a terminal (charts are then opened in a viewer, where one exists). */
  readonly interactive?: boolean;
}

/** Options of {@link Repl.open}. */
export interface ReplOptions {
  /** The casefile home (sessions, cache, history). */
  readonly home: string;
  /** The session to open or create. */
  readonly session: string;
  readonly provider: ProviderSpec;
  readonly output: ReplOutput;
  /** Show stack traces of errors. */
  readonly debug?: boolean;
}

/** What handling an input asks the caller to do next. */
export type HandleOutcome = "continue" | "quit";

/** The REPL's state and the handling of inputs. */
export class Repl {
  readonly home: string;
  readonly output: ReplOutput;
  readonly debug: boolean;
  session!: Session;
  connection!: Connection;
  evaluator!: ScopeEvaluator;
  /** Set by the evaluator callback: the outcome of an input that was already evaluated. */
  #pending?: { source: string; outcome: { value: unknown } | { error: unknown } };
  /** The whole casefile API (`mod.ts`), loaded after the prompt shows (it pulls in the Azure SDK). */
  #apiLoaded?: Promise<void>;
  #scope?: object;
  /** The abort signal of the input running (exposed to code as `signal`). */
  #signal: AbortSignal = new AbortController().signal;

  private constructor(options: ReplOptions) {
    this.home = options.home;
    this.output = options.output;
    this.debug = options.debug ?? false;
  }

  /** Opens the provider and the session, and restores the session's variables. */
  static async open(options: ReplOptions): Promise<Repl> {
    const repl = new Repl(options);
    repl.connection = await connect(options.provider);
    await repl.openSession(options.session);
    return repl;
  }

  /** Closes the current session (if any) and opens `name`, restoring its variables. */
  async openSession(name: string): Promise<void> {
    const notices: string[] = [];
    const session = await openSession(name, {
      home: this.home,
      provider: this.connection.provider,
      evaluate: (source, scope) => this.#evaluateStep(source, scope),
      onNotice: (notice) => notices.push(notice),
    });
    if (this.session) await this.session.close();
    this.session = session;
    this.#scope ??= this.#api();
    this.evaluator = new ScopeEvaluator(this.#scope);
    const restored = await this.#restoreScope();
    // The summary below says which steps were not restored (and re-runs definitions).
    const shown = notices.filter((n) => !/^steps [\d, ]+: result not in the cache/.test(n));
    for (const notice of shown) this.output.write(`note: ${notice}`);
    if (restored) this.output.write(restored);
  }

  /** The names code sees beneath the user's variables. */
  #api(): object {
    const base: Record<string, unknown> = {
      pl,
      kql,
      rawKql,
      kqlIdent,
      kqlLiteral,
      KqlQuery,
      param,
      ParamRef,
      Timespan,
      openSession,
      listSessions,
      ResultCache,
    };
    const scope = Object.create(null);
    for (const [key, value] of Object.entries(base)) {
      Object.defineProperty(scope, key, { value, enumerable: true });
    }
    Object.defineProperties(scope, {
      session: { get: () => this.session, enumerable: true },
      provider: { get: () => this.connection.provider, enumerable: true },
      params: { get: () => this.session.params, enumerable: true },
      signal: { get: () => this.#signal, enumerable: true },
    });
    return scope;
  }

  /** Resolves when the whole API is in scope (loading it on first call). */
  ready(): Promise<void> {
    const scope = this.#scope!;
    this.#apiLoaded ??= importLater<typeof import("../mod.ts")>(
      new URL("../mod.ts", import.meta.url),
    ).then((api) => {
      for (const [key, value] of Object.entries(api)) {
        if (!(key in scope)) Object.defineProperty(scope, key, { value, enumerable: true });
      }
      Object.freeze(scope);
    });
    return this.#apiLoaded;
  }

  /**
   * Loads what the first input needs (the API, the TypeScript compiler) in the background:
   * called once the prompt shows, so it does not delay it.
   */
  async warmUp(): Promise<void> {
    await Promise.allSettled([this.ready(), typescript()]);
  }

  /** Names of the API in scope (for completion). */
  apiNames(): string[] {
    return Object.keys(Object.getPrototypeOf(this.evaluator.vars));
  }

  async #restoreScope(): Promise<string> {
    const vars = this.evaluator.vars;
    let values = 0;
    for (const [name, value] of Object.entries(this.session.scope())) {
      vars[name] = value;
      values++;
    }
    const steps = this.session.steps();
    // Definitions (functions, classes, imports) have no stored value: run them again.
    let rerun = 0;
    const missing: number[] = [];
    for (const step of steps) {
      const r = step.record;
      if (step.restored || r.status !== "ok" || step.mark === "dead-end") continue;
      if (r.kind === "code") {
        try {
          await this.ready();
          if (transformInput(await typescript(), r.code).definitionsOnly) {
            await this.evaluator.evaluate(r.code);
            rerun++;
            continue;
          }
        } catch {
          // Reported as missing below.
        }
      }
      missing.push(r.position);
    }
    const last = steps.findLast((s) => s.restored && s.record.status === "ok");
    if (last) vars._ = this.session.scope()[last.record.name];
    if (steps.length === 0) return "";
    const parts = [`session ${this.session.name}: ${steps.length} steps`];
    parts.push(`${values} variables restored`);
    if (rerun) parts.push(`${rerun} definitions run again`);
    if (missing.length) parts.push(`not restored: steps ${missing.join(", ")} (.rerun N)`);
    return parts.join("; ");
  }

  /** The prompt: the session's name. */
  prompt(): string {
    return `${this.session.name}> `;
  }

  /**
   * Handles one complete input. Errors are printed, never thrown: the REPL keeps going.
   */
  async handle(input: string, signal: AbortSignal): Promise<HandleOutcome> {
    this.#signal = signal;
    try {
      const kind = inputKind(input);
      if (kind === "ts" || kind === "kql") await this.ready();
      switch (kind) {
        case "empty":
          return "continue";
        case "command":
          return await runCommand(this, input.trim(), signal);
        case "kql":
          await this.runKql(parseKqlInput(input), signal);
          return "continue";
        case "ts":
          await this.runCode(input, signal);
          return "continue";
      }
    } catch (error) {
      this.showError(error);
      return "continue";
    }
  }

  /** Prints an error: message, caret, hint; the stack only with --debug. */
  showError(error: unknown): void {
    if (error instanceof EvaluationCancelled || isAbort(error)) {
      this.output.error("Cancelled.");
      return;
    }
    this.evaluator.vars._error = error;
    this.output.error(describeError(error, this.debug));
  }

  /** Runs TypeScript input as a step (named after its last declaration, else `_N`). */
  async runCode(source: string, signal: AbortSignal): Promise<void> {
    const before = this.session.steps().length;
    let outcome: { value: unknown } | { error: unknown };
    let name = `_${before + 1}`;
    try {
      const ev = await this.evaluator.evaluate(source, { signal });
      if (ev.declared.length) name = ev.declared[ev.declared.length - 1];
      outcome = { value: ev.value };
      if (ev.hasValue) {
        if (!ev.declared.length) this.evaluator.vars[name] = ev.value;
        this.evaluator.vars._ = ev.value;
      }
      if (ev.hasValue && ev.value !== undefined) this.show(ev.value);
    } catch (error) {
      // Input that did not run (a syntax error, a reserved name) is not a step.
      if (error instanceof ReplSyntaxError || (error instanceof ReplError && !isCancel(error))) {
        throw error;
      }
      outcome = { error };
    }
    // Steps the code ran itself (session.query(...)) are its record.
    if (this.session.steps().length === before) {
      this.#pending = { source, outcome };
      try {
        await this.session.run(name, source);
      } catch (error) {
        if ("error" in outcome && error === outcome.error) throw error;
        this.output.error(`note: the step was not recorded: ${describeError(error)}`);
      } finally {
        this.#pending = undefined;
      }
    }
    if ("error" in outcome) throw outcome.error;
  }

  /** The session's evaluator: the outcome of the input just evaluated, or (re-runs) a fresh evaluation. */
  async #evaluateStep(source: string, scope: Readonly<Record<string, unknown>>): Promise<unknown> {
    const pending = this.#pending;
    if (pending && pending.source === source) {
      this.#pending = undefined;
      if ("error" in pending.outcome) throw pending.outcome.error;
      return pending.outcome.value;
    }
    const vars = this.evaluator.vars;
    for (const [key, value] of Object.entries(scope)) {
      if (key !== "params" && key !== "pl") vars[key] = value;
    }
    const ev = await this.evaluator.evaluate(source, { signal: this.#signal });
    return ev.value;
  }

  /** Runs a `%kql` input as a query step on the current provider. */
  async runKql(input: KqlInput, signal: AbortSignal): Promise<void> {
    if (!input.query) {
      throw new ReplError("The %kql line has no query.", {
        hint: "Write %kql name = Table | where ... (or %kql Table | take 10).",
      });
    }
    const query = await this.#kqlQuery(input.query, signal);
    const name = input.name ?? `_${this.session.steps().length + 1}`;
    const frame = await this.session.query(name, query, { signal });
    this.evaluator.vars[name] = frame;
    this.evaluator.vars._ = frame;
    this.show(frame);
    const record = this.session.steps().at(-1)?.record;
    if (record) await this.showStepNotes(record, frame);
  }

  async #kqlQuery(text: string, signal: AbortSignal): Promise<KqlQuery | string> {
    const pieces = splitKql(text);
    if (pieces.every((p) => p.kind === "text")) return text;
    const strings: string[] = [""];
    const values: unknown[] = [];
    for (const piece of pieces) {
      switch (piece.kind) {
        case "text":
          strings[strings.length - 1] += piece.text;
          break;
        case "expr": {
          const ev = await this.evaluator.evaluate(piece.source, { signal });
          values.push(ev.value);
          strings.push("");
          break;
        }
        case "param": {
          const names = this.session.paramList().map((p) => p.name);
          if (!names.includes(piece.name)) {
            throw new ReplError(`There is no parameter ${piece.name}.`, {
              hint: didYouMean(piece.name, names) ??
                `Define it with .set ${piece.name} VALUE (see .params).`,
            });
          }
          const ref = this.session.params[piece.name];
          values.push(piece.part ? ref[piece.part] : ref);
          strings.push("");
          break;
        }
      }
    }
    return new KqlQuery(strings, values);
  }

  /** Prints a value as the REPL shows it. */
  show(value: unknown): void {
    this.output.write(
      formatValue(value, { width: this.output.columns(), colors: this.output.colors }),
    );
  }

  /** The line under a query result: name, time, cache; then warnings and the chart. */
  async showStepNotes(record: StepRecord, frame?: unknown): Promise<void> {
    const bits = [`${record.name}`, `step ${record.position}`, `${count(record.durationMs)} ms`];
    if (record.cache && record.cache !== "off") bits.push(`cache ${record.cache}`);
    this.output.write(`(${bits.join(" · ")})`);
    for (const w of record.warnings ?? []) this.output.write(`warning (${w.kind}): ${w.message}`);
    if (record.render && isDataFrame(frame)) {
      const columns = record.result?.kind === "frame" ? record.result.columns : undefined;
      // Charts load vega on first use: the prompt does not wait for it.
      const { drawChart, openInViewer } = await importLater<typeof import("./_charts.ts")>(
        new URL("./_charts.ts", import.meta.url),
      );
      const chart = await drawChart(
        frame,
        record.render,
        join(this.session.dir, "charts"),
        record.name,
        columns ? { name: record.name, columns } : undefined,
      );
      switch (chart.kind) {
        case "written":
          this.output.write(`chart: ${record.render.visualization} written to ${chart.path}`);
          if (this.output.interactive && openInViewer(chart.path)) {
            this.output.write("chart: opened in the desktop's viewer");
          }
          for (const note of chart.notes) this.output.write(`chart note: ${note}`);
          break;
        case "failed":
          this.output.error(`chart: ${chart.visualization} not drawn: ${chart.reason}`);
          break;
      }
    }
  }

  /** Switches provider (`.connect`). */
  async reconnect(spec: ProviderSpec): Promise<void> {
    const next = await connect(spec);
    const previous = this.connection;
    this.connection = next;
    this.session.connect(next.provider);
    previous.close();
  }

  /** Names of the dot-commands. */
  commandNames(): CommandName[] {
    return Object.keys(COMMANDS) as CommandName[];
  }

  /** Closes the session (journal flushed, lock released) and the provider. */
  async close(): Promise<void> {
    await this.session?.close();
    this.connection?.close();
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error &&
    (error.name === "AbortError" || (error as { code?: string }).code === "ABORT_ERR");
}

function isCancel(error: unknown): boolean {
  return error instanceof EvaluationCancelled;
}
