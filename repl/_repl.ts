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
import { openSession, type Session } from "../src/session/session.ts";
import { kqlExpression, KqlQuery } from "../src/session/kql_template.ts";
import type { StepRecord } from "../src/session/mod.ts";
import { EvaluationCancelled } from "../src/session/errors.ts";
import { RESERVED_STEP_NAMES as RESERVED_NAMES } from "../src/session/code.ts";
import { transformInput, typescript } from "./_transform.ts";
import {
  extendKqlInput,
  inputKind,
  type KqlInput,
  kqlInputText,
  kqlQueryOptions,
  parseKqlInput,
  splitKql,
} from "./_input.ts";
import {
  defaultDisplaySettings,
  type DisplaySettings,
  formatValue,
  isSeries,
  maxCellOf,
} from "./_display.ts";
import { type ImageProtocol, imageProtocol } from "./_image.ts";
import { isDataFrame } from "../src/polars.ts";
import type { Provider } from "../src/providers/mod.ts";
import { tablesOf } from "../src/providers/frame_tables.ts";
import { cacheText, count, describeError } from "./_format.ts";
import { connect, type Connection, type ProviderSpec } from "./_providers.ts";
import { reconnectRecorded } from "./_resume.ts";
import {
  type CommandHost,
  type CommandName,
  COMMANDS,
  type HandleOutcome,
  runCommand,
} from "./_commands.ts";
import { ReplError } from "./errors.ts";
import { explainError } from "./_explain.ts";
import { importLater } from "./_later.ts";
import { ProgressStatus } from "./_progress.ts";
import type { QueryProgress } from "../src/providers/mod.ts";

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
  /**
   * Shows what the running input is doing beside the spinner (asked again at every tick);
   * undefined clears it. Without it, progress events are printed as `progress:` lines on
   * the error stream.
   */
  status?(text: (() => string) | undefined): void;
  /**
   * Shows text through the pager when it does not fit the screen (a terminal only).
   * Returns whether it did; else the REPL writes it.
   */
  page?(text: string): boolean;
  /** The environment variable `name` (to tell which terminal this is: inline images). */
  env?(name: string): string | undefined;
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

export type { HandleOutcome };

/** The REPL's state and the handling of inputs. */
export class Repl implements CommandHost {
  readonly home: string;
  readonly output: ReplOutput;
  readonly debug: boolean;
  /** How values are shown (`.display`): cell width, rows, pager, inline charts. */
  readonly display: DisplaySettings = defaultDisplaySettings();
  session!: Session;
  connection!: Connection;
  /**
   * Every provider connected, by name (its kind, or the name `.connect ... as NAME` gave):
   * `%kql @name` runs on one; the last connected is {@link connection}, the default.
   */
  readonly connections: Map<string, Connection> = new Map();
  /** The abort signal of the input running. */
  #signal: AbortSignal = new AbortController().signal;
  /** What the running query is doing (retries, windows, rows so far). */
  readonly #progress = new ProgressStatus();
  /** The last `%kql` input that ran, and its step: what a line starting with `|` extends. */
  #lastKql?: { readonly input: KqlInput; readonly position: number; readonly session: Session };

  private constructor(options: ReplOptions) {
    this.home = options.home;
    this.output = options.output;
    this.debug = options.debug ?? false;
  }

  /** Opens the provider and the session, and restores the session's variables. */
  static async open(options: ReplOptions): Promise<Repl> {
    const repl = new Repl(options);
    repl.connection = await connect(options.provider);
    repl.connections.set(options.provider.kind, repl.connection);
    await repl.openSession(options.session);
    return repl;
  }

  /** Closes the current session (if any) and opens `name`, restoring its variables. */
  async openSession(name: string): Promise<void> {
    const notices: string[] = [];
    const session = await openSession(name, {
      home: this.home,
      provider: this.connection.provider,
      cwd: startFolder(),
      onNotice: (notice) => notices.push(notice),
      onProgress: (progress) => this.#showProgress(progress),
    });
    if (this.session) await this.session.close();
    this.session = session;
    for (const [key, c] of this.connections) session.addProvider(key, c.provider);
    // The providers its steps named (`%kql @name`), connected again under those names.
    await reconnectRecorded(this);
    // The summary below says which steps were not restored and which definitions ran again.
    const shown = notices.filter((n) =>
      !/^steps [\d, ]+: (result not in the cache|definitions run again)/.test(n)
    );
    for (const notice of shown) this.output.write(`note: ${notice}`);
    const restored = this.#restoreSummary();
    if (restored) this.output.write(restored);
  }

  /**
   * The session's variables, as code sees them (the same scope `session.run` uses in a
   * script or a notebook).
   */
  get evaluator(): { readonly vars: Record<string, unknown>; names(): string[] } {
    const vars = this.session.variables;
    return { vars, names: () => Object.keys(vars) };
  }

  /** Resolves when the whole API is in scope (loading it on first call). */
  async ready(): Promise<void> {
    await this.session.environmentNames();
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
    return Object.keys(Object.getPrototypeOf(this.session.variables));
  }

  #restoreSummary(): string {
    const steps = this.session.steps();
    if (steps.length === 0) return "";
    const values = Object.keys(this.session.scope()).length;
    // A restored value the journal cannot hold (a function, a class) was defined again.
    const again =
      steps.filter((s) =>
        s.restored && s.record.result?.kind === "other" && s.record.result.type !== "undefined"
      ).length;
    const missing = steps.filter((s) =>
      !s.restored && s.record.status === "ok" && s.mark !== "dead-end"
    ).map((s) => s.record.position);
    const parts = [`session ${this.session.name}: ${steps.length} steps`];
    parts.push(
      `${values} variables restored` +
        (again
          ? ` (${again} by running ${again === 1 ? "its definition" : "their definitions"} again)`
          : ""),
    );
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
    this.#progress.reset();
    try {
      const kind = inputKind(input);
      if (kind === "ts" || kind === "kql" || kind === "pipe") await this.ready();
      switch (kind) {
        case "empty":
          return "continue";
        case "command":
          return await runCommand(this, input.trim(), signal);
        case "kql":
          await this.runKql(parseKqlInput(input), signal);
          return "continue";
        case "pipe":
          await this.extendKql(input, signal);
          return "continue";
        case "ts":
          await this.runCode(input, signal);
          return "continue";
      }
    } catch (error) {
      this.showError(explainError(error, input, this.session?.variables ?? {}, this.#lost()));
      return "continue";
    }
  }

  /** Names bound by steps whose values a resume could not restore, to those steps' numbers. */
  #lost(): Map<string, number> {
    const lost = new Map<string, number>();
    for (const step of this.session?.steps() ?? []) {
      if (step.restored || step.record.status !== "ok") continue;
      for (const name of step.record.binds ?? [step.record.name]) {
        lost.set(name, step.record.position);
      }
    }
    return lost;
  }

  #showProgress(progress: QueryProgress): void {
    const event = this.#progress.update(progress);
    if (this.output.status) this.output.status(() => this.#progress.text());
    else if (event) this.output.error(`progress: ${event}`);
  }

  /** Prints an error: message, caret, hint; the stack only with --debug. */
  showError(error: unknown): void {
    if (error instanceof EvaluationCancelled || isAbort(error)) {
      this.output.error("Cancelled.");
      return;
    }
    if (this.session) this.session.variables._error = error;
    this.output.error(describeError(error, this.debug));
  }

  /**
   * Runs TypeScript input as a step in the session (named after the last name it binds,
   * else `_N`). Input that does not run at all (a syntax error, a reserved name) is not a
   * step; code that throws is journaled as a failed step.
   */
  async runCode(source: string, signal: AbortSignal): Promise<void> {
    const transformed = transformInput(await typescript(), source);
    const bound = [...transformed.declared, ...transformed.assigned];
    for (const name of bound) {
      if (RESERVED_NAMES.has(name)) {
        throw new ReplError(`"${name}" is reserved in the REPL and cannot be declared.`, {
          hint: "Choose another name.",
        });
      }
    }
    const name = bound.at(-1) ?? `_${this.session.steps().length + 1}`;
    const value = await this.session.run(name, source, { signal });
    if (value !== undefined) this.show(value, name);
    const record = this.session.steps().at(-1)?.record;
    if (record?.name === name && record.chart) {
      this.output.write(
        `chart: ${record.chart.kind} drawn to ${join(this.session.dir, record.chart.file)}`,
      );
      await this.#inlineChart((protocol, images) => images.valueImage(value, protocol));
    }
  }

  /** Runs a `%kql` input as a query step on the current provider. */
  async runKql(input: KqlInput, signal: AbortSignal): Promise<void> {
    if (!input.query) {
      throw new ReplError("The %kql line has no query.", {
        hint: "Write %kql name = Table | where ... (or %kql Table | take 10).",
      });
    }
    const providerOptions = kqlQueryOptions(input.options);
    const provider = input.provider === undefined
      ? this.connection.provider
      : this.#namedProvider(input.provider);
    if (providerOptions && provider.kind !== "sentinel") {
      throw new ReplError(
        `The query options (${Object.keys(providerOptions).join(", ")}) are a Log Analytics ` +
          `workspace's; this session queries ${provider.description}.`,
        { hint: "Leave them out here, or .connect sentinel WORKSPACE first." },
      );
    }
    const on = input.provider === undefined ? {} : { provider: input.provider };
    const query = await this.#kqlQuery(input.query, signal);
    const name = input.name ?? `_${this.session.steps().length + 1}`;
    const frame = await this.session.query(name, query, {
      signal,
      refresh: input.refresh,
      ...on,
      ...(providerOptions ? { providerOptions } : {}),
    });
    this.#showTables(frame, name);
    const record = this.session.steps().at(-1)?.record;
    if (record) this.#lastKql = { input, position: record.position, session: this.session };
    if (record) await this.showStepNotes(record, frame);
  }

  /**
   * The query a line starting with `|` continues: the last step's, when that step is a query
   * that ran without error. A `%kql` input run here keeps its `${}` and `{{}}` parts; a query
   * from elsewhere (a resumed session, `session.query` in code) is taken as it ran, and an
   * automatic `_N` name is not kept. Undefined when the last step is code, failed, or there
   * is none.
   */
  kqlToExtend(): { readonly input: KqlInput; readonly position: number } | undefined {
    const last = this.session.steps().at(-1)?.record;
    if (!last || last.kind !== "query" || last.status !== "ok") return undefined;
    const typed = this.#lastKql;
    if (typed && typed.session === this.session && typed.position === last.position) return typed;
    const name = /^_\d+$/.test(last.name) ? undefined : last.name;
    const options = last.providerOptions
      ? {
        options: Object.fromEntries(
          Object.entries(last.providerOptions).map(([k, v]) => [
            k,
            Array.isArray(v) ? v.join(",") : String(v),
          ]),
        ),
      }
      : {};
    return { input: { name, query: last.code, ...options }, position: last.position };
  }

  /**
   * Runs `lines` (starting with `|`) as the last step's query extended with them: a new step,
   * bound to the same name (`_N` when the query had none), that says which step it extends.
   *
   * @throws {ReplError} when the last step is not a query that ran (see {@link kqlToExtend}).
   */
  async extendKql(lines: string, signal: AbortSignal): Promise<void> {
    const base = this.kqlToExtend();
    if (!base) {
      const last = this.session.steps().at(-1)?.record;
      const why = !last
        ? "there is no step yet"
        : `step ${last.position} (${last.name}) ${
          last.kind === "query" ? "failed" : last.kind === "code" ? "is code" : "is not a query"
        }`;
      throw new ReplError(
        `A line starting with | continues the query of the step before it, but ${why}.`,
        {
          hint: last?.kind === "query"
            ? "Press Up to edit that query and run it again."
            : "Start a query with %kql name = Table, or paste the whole query (its first line a table).",
        },
      );
    }
    const input = extendKqlInput(base.input, lines);
    this.output.write(`extends step ${base.position}: ${kqlInputText(input)}`);
    await this.runKql(input, signal);
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
          // With its expression, so an export computes it again from the earlier steps.
          const value = await this.session.evaluate(piece.source, { signal });
          values.push(kqlExpression(piece.source, value));
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

  /**
   * Prints a value as the REPL shows it. Tables page when they do not fit the screen (as
   * psql's results do); other values print whole, since a pager's `-S` would cut the long
   * line a user wants to read (a decoded command, a path). `name`: the variable it is bound
   * to, for the table's note on cut values (`.show NAME ROW`).
   */
  show(value: unknown, name?: string): void {
    const text = formatValue(value, {
      width: this.output.columns(),
      colors: this.output.colors,
      maxRows: this.display.rows,
      maxCell: maxCellOf(this.display),
      name,
    });
    if (isDataFrame(value) || isSeries(value)) this.showText(text);
    else this.output.write(text);
  }

  /**
   * Shows a query's result: its table, or each of its tables under its name when the
   * query made several (`fork`, `facet`).
   */
  #showTables(frame: unknown, name: string): void {
    const tables = tablesOf(frame);
    if (!tables) return this.show(frame, name);
    for (const [i, table] of tables.entries()) {
      const rows = table.frame.height === 1 ? "1 row" : `${table.frame.height} rows`;
      this.output.write(`table ${i + 1} of ${tables.length}: ${table.schema.name} (${rows})`);
      if (i === 0) this.show(frame, name);
      else this.show(table.frame);
    }
  }

  /** Prints text, through the pager when it does not fit the screen (`.display pager`). */
  showText(text: string): void {
    if (this.display.pager && this.output.page?.(text)) return;
    this.output.write(text);
  }

  /** Shows a chart inline when the terminal can (`.display images`). */
  async #inlineChart(
    image: (
      protocol: ImageProtocol,
      images: typeof import("./_inline_chart.ts"),
    ) => Promise<string>,
  ): Promise<void> {
    const protocol = this.imageProtocol();
    if (!protocol) return;
    const images = await importLater<typeof import("./_inline_chart.ts")>(
      new URL("./_inline_chart.ts", import.meta.url),
    );
    try {
      const text = await image(protocol, images);
      if (text) this.output.write(text);
    } catch (error) {
      this.output.error(`chart: not shown inline (${(error as Error).message})`);
    }
  }

  /** The protocol to show charts inline with (`.display images`), if any. */
  imageProtocol(): ImageProtocol | undefined {
    if (this.display.images === "off" || !this.output.interactive || !this.output.env) {
      return undefined;
    }
    const env = this.output.env.bind(this.output);
    return imageProtocol(env) ?? (this.display.images === "on" ? "kitty" : undefined);
  }

  /** The line under a query result: name, time, cache; then warnings and the chart. */
  async showStepNotes(record: StepRecord, frame?: unknown): Promise<void> {
    const bits = [`${record.name}`, `step ${record.position}`, `${count(record.durationMs)} ms`];
    const cache = cacheText(record);
    if (cache) bits.push(cache);
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
          await this.#inlineChart((protocol, images) =>
            images.renderedImage(
              frame,
              record.render!,
              protocol,
              columns ? { name: record.name, columns } : undefined,
            )
          );
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

  /** The provider `%kql @name` names, or a clear error naming the ones connected. */
  #namedProvider(name: string): Provider {
    const found = this.connections.get(name);
    if (found) return found.provider;
    const names = [...this.connections.keys()];
    const close = didYouMean(name, names);
    throw new ReplError(
      `No provider is connected as @${name} (connected: ${names.join(", ") || "none"}).`,
      {
        hint: (close ? `${close} ` : "") +
          `Connect it first: .connect ${name === "adx" ? "adx CLUSTER DATABASE" : name}` +
          ` (or .connect KIND ... as ${name}).`,
      },
    );
  }

  /**
   * Connects a provider (`.connect`): it becomes the default, and the ones connected before
   * stay open under their names for `%kql @name` (one connected again by a name it had
   * replaces it).
   */
  async reconnect(spec: ProviderSpec, name: string = spec.kind): Promise<void> {
    const next = await connect(spec);
    const previous = this.connections.get(name);
    this.connections.set(name, next);
    this.connection = next;
    this.session.connect(next.provider);
    this.session.addProvider(name, next.provider);
    if (previous && previous !== next) previous.close();
  }

  /** Names of the dot-commands. */
  commandNames(): CommandName[] {
    return Object.keys(COMMANDS) as CommandName[];
  }

  /** Closes the session (journal flushed, lock released) and the provider. */
  async close(): Promise<void> {
    await this.session?.close();
    const open = new Set([this.connection, ...this.connections.values()]);
    for (const c of open) c?.close();
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error &&
    (error.name === "AbortError" || (error as { code?: string }).code === "ABORT_ERR");
}

/** The folder the user started casefile in (`deno task` runs it in the checkout's folder). */
function startFolder(): string {
  try {
    return Deno.env.get("INIT_CWD") || Deno.cwd();
  } catch {
    return Deno.cwd();
  }
}
