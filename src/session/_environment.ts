/**
 * Where a session's code steps run: one scope, the same in every host (the REPL, a script's
 * `session.run`, a notebook cell, a resume, a `rerun`, an exported script). Its own
 * properties are the variables steps bound; beneath them (its prototype) is the whole
 * public API (what `mod.ts` exports), `pl`, `kql`, `session`, `params`, `provider` and the
 * running step's `signal`.
 *
 * Code given as text is TypeScript: it runs as an async function in a `with (scope)` block,
 * so names resolve to the scope, declarations persist between steps and top-level `await`
 * works. Code given as a function (`session.run("top", ({ spray }) => ...)`) is called with
 * the scope; on a re-run its recorded source is compiled with the same names in reach.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type TransformedInput, transformInput, typescript } from "./_transform.ts";
import { EvaluationCancelled, StepError } from "./errors.ts";

/** What running a step's code gave. */
export interface Evaluation {
  /** The last expression's value, else the last bound variable's. */
  readonly value: unknown;
  /** Whether there was a value (an expression, or a binding). */
  readonly hasValue: boolean;
  readonly transformed: TransformedInput;
  /** The modules imported, with what each specifier resolved to. */
  readonly imports: readonly { specifier: string; url: string }[];
}

/** Names a step cannot bind: the environment provides them. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(["params", "pl"]);

/** The live names of the environment (getters, read when code runs). */
export interface EnvironmentContext {
  readonly session: unknown;
  readonly provider: unknown;
  readonly params: unknown;
  readonly signal: AbortSignal;
}

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
  ...args: string[]
) => (
  scope: object,
  load: (spec: string, options?: ImportCallOptions) => Promise<unknown>,
) => Promise<unknown>;

/** The key of an API value's session-bound form (see `bindable` in src/hunt/hunt.ts). */
const SCOPE_BINDING = Symbol.for("casefile.scopeBinding");

/** `mod.ts`, loaded by a specifier `deno run` does not read ahead (it loads charts, Azure). */
const MOD_URL = new URL("../../mod.ts", import.meta.url);

let api: Promise<Record<string, unknown>> | undefined;

/** The public API (what `mod.ts` exports), loaded once, on first use. */
export function casefileApi(): Promise<Record<string, unknown>> {
  api ??= import(MOD_URL.href);
  return api;
}

/** A scope of variables that persists between steps, with the casefile API beneath it. */
export class CodeEnvironment {
  /** The variables (own properties); the API and context on the prototype. */
  readonly vars: Record<string, unknown>;
  readonly #cwd: string;
  readonly #base: Record<string, unknown>;
  readonly #context: () => EnvironmentContext;
  #api?: Promise<void>;

  /**
   * @param context The live names (read each time code reads them).
   * @param base Names in reach before the whole API has loaded (`pl`).
   * @param cwd The folder relative imports resolve against.
   */
  constructor(context: () => EnvironmentContext, base: Record<string, unknown>, cwd: string) {
    const scope = Object.create(null);
    for (const [key, value] of Object.entries(base)) {
      Object.defineProperty(scope, key, { value, enumerable: true });
    }
    for (const key of ["session", "provider", "params", "signal"] as const) {
      Object.defineProperty(scope, key, { get: () => context()[key], enumerable: true });
    }
    this.#base = scope;
    this.#context = context;
    this.vars = Object.create(scope);
    this.#cwd = cwd;
  }

  /** Resolves when the whole API is beneath the variables (loading it on first call). */
  ready(): Promise<void> {
    const scope = this.#base;
    this.#api ??= casefileApi().then((exports) => {
      for (const [key, value] of Object.entries(exports)) {
        if (key in scope) continue;
        // A value that binds itself to a session (the hunting library, pivots) gets the
        // session's live names, so `hunt.x.y()` in a step runs on the session's provider.
        const bind = typeof value === "function" || (typeof value === "object" && value)
          ? (value as Record<symbol, unknown>)[SCOPE_BINDING]
          : undefined;
        const bound = typeof bind === "function" ? bind(this.#context) : value;
        Object.defineProperty(scope, key, { value: bound, enumerable: true });
      }
      Object.freeze(scope);
    });
    return this.#api;
  }

  /** The names beneath the variables (the API and context). */
  apiNames(): string[] {
    return Object.keys(this.#base);
  }

  /**
   * Transforms and runs TypeScript `source` in the scope.
   *
   * @throws {CodeSyntaxError} when it does not parse; {@link StepError} when it declares a
   *   reserved name; whatever the code throws; {@link EvaluationCancelled} when `signal`
   *   aborts first.
   */
  async evaluate(source: string, options: { signal?: AbortSignal } = {}): Promise<Evaluation> {
    await this.ready();
    const ts = await typescript();
    const transformed = transformInput(ts, source);
    const bound = [...transformed.declared, ...transformed.assigned];
    for (const name of bound) {
      if (RESERVED_NAMES.has(name)) {
        throw new StepError(`"${name}" is reserved in a session and cannot be bound.`, {
          hint: "Choose another name.",
        });
      }
    }
    let fn;
    try {
      fn = new AsyncFunction("__scope", "__import", transformed.body);
    } catch (error) {
      // The transform produced something V8 rejects (a construct it cannot rewrite).
      throw new StepError(`This code cannot run as a step: ${(error as Error).message}`, {
        hint: "Put it in a function, or in a file you import.",
      });
    }
    // Bound names must exist on the scope, so that `with` sends assignments there (an
    // undeclared assignment would otherwise create a global).
    const added = bound.filter((n) => !Object.hasOwn(this.vars, n));
    for (const name of added) this.vars[name] = undefined;
    const imports: { specifier: string; url: string }[] = [];
    const run = fn(this.vars, (spec, opts) => {
      const url = this.#resolve(spec);
      imports.push({ specifier: spec, url });
      return opts ? import(url, opts) : import(url);
    });
    try {
      const returned = await cancellable(run, options.signal);
      const value = transformed.returnsExpression
        ? returned
        : bound.length
        ? this.vars[bound[bound.length - 1]]
        : undefined;
      return {
        value,
        hasValue: transformed.returnsExpression || bound.length > 0,
        transformed,
        imports,
      };
    } catch (error) {
      for (const name of added) if (this.vars[name] === undefined) delete this.vars[name];
      throw error;
    }
  }

  /**
   * A function from its recorded source (`fn.toString()` of a function-form step), compiled
   * with the API and the variables in reach, as the step had them.
   */
  async compile(source: string): Promise<(scope: Record<string, unknown>) => unknown> {
    await this.ready();
    const make = new AsyncFunction(
      "__scope",
      "__import",
      `with (__scope) { return (${source}\n); }`,
    );
    const fn = await make(this.vars, (spec) => import(this.#resolve(spec)));
    if (typeof fn !== "function") {
      throw new StepError("The recorded code of this step is not a function.", {
        hint: "Run it again as text: session.run(name, source).",
      });
    }
    return fn as (scope: Record<string, unknown>) => unknown;
  }

  #resolve(spec: string): string {
    if (spec.startsWith("./") || spec.startsWith("../") || isAbsolute(spec)) {
      return pathToFileURL(resolve(this.#cwd, spec)).href;
    }
    return spec;
  }
}

/** `promise`, or a rejection with {@link EvaluationCancelled} when `signal` aborts first. */
export function cancellable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new EvaluationCancelled());
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(new EvaluationCancelled());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolvePromise(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
