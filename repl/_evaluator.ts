/**
 * Evaluates REPL input (TypeScript) over a persistent scope: an object whose own
 * properties are the user's variables and whose prototype holds the casefile API.
 * Code runs as an async function in a `with (scope)` block, so names resolve to the scope
 * and top-level `await` works. A runaway synchronous loop cannot be interrupted in-process;
 * awaited promises can (the evaluation stops waiting for them).
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type TransformedInput, transformInput, typescript } from "./_transform.ts";
import { ReplError } from "./errors.ts";

/** What an evaluation gave. */
export interface Evaluation {
  /** The value: the last expression's, else the last declared variable's. */
  readonly value: unknown;
  /** Names declared at top level. */
  readonly declared: readonly string[];
  /** Whether there was a value to show (an expression, or a declaration). */
  readonly hasValue: boolean;
  readonly transformed: TransformedInput;
}

/** Names a step cannot have (the session reserves them). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(["params", "pl"]);

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
  ...args: string[]
) => (
  scope: object,
  load: (spec: string, options?: ImportCallOptions) => Promise<unknown>,
) => Promise<unknown>;

/** The cancellation of an evaluation by the user. */
export class EvaluationCancelled extends ReplError {
  constructor() {
    super("Cancelled.", {
      hint: "Work already started by the code (a timer, a loop) may still run in the background.",
    });
    this.name = "EvaluationCancelled";
  }
}

/** A scope of variables that persists between inputs, with the API beneath it. */
export class ScopeEvaluator {
  /** The user's variables (own properties), the API on the prototype. */
  readonly vars: Record<string, unknown>;
  readonly #cwd: string;

  /**
   * @param api The names beneath the variables (kept as given: getters stay live).
   */
  constructor(api: object, options: { cwd?: string } = {}) {
    this.vars = Object.create(api);
    this.#cwd = options.cwd ?? Deno.cwd();
  }

  /** The user's variable names. */
  names(): string[] {
    return Object.keys(this.vars);
  }

  /**
   * Transforms and runs `source`.
   *
   * @throws {ReplSyntaxError} when it does not parse; whatever the code throws;
   *   {@link EvaluationCancelled} when `signal` aborts first.
   */
  async evaluate(source: string, options: { signal?: AbortSignal } = {}): Promise<Evaluation> {
    const ts = await typescript();
    const transformed = transformInput(ts, source);
    for (const name of transformed.declared) {
      if (RESERVED_NAMES.has(name)) {
        throw new ReplError(`"${name}" is reserved in the REPL and cannot be declared.`, {
          hint: "Choose another name.",
        });
      }
    }
    let fn;
    try {
      fn = new AsyncFunction("__scope", "__import", transformed.body);
    } catch (error) {
      // The transform produced something V8 rejects (a construct it cannot rewrite).
      throw new ReplError(`This input cannot run in the REPL: ${(error as Error).message}`, {
        hint: "Put it in a function, or in a file you import.",
      });
    }
    // Declared names must exist on the scope, so that `with` sends assignments there.
    const added = transformed.declared.filter((n) => !Object.hasOwn(this.vars, n));
    for (const name of added) this.vars[name] = undefined;
    const run = fn(this.vars, (spec, opts) => this.#import(spec, opts));
    try {
      const returned = await cancellable(run, options.signal);
      const declared = transformed.declared;
      const value = transformed.returnsExpression
        ? returned
        : declared.length
        ? this.vars[declared[declared.length - 1]]
        : undefined;
      return {
        value,
        declared,
        hasValue: transformed.returnsExpression || declared.length > 0,
        transformed,
      };
    } catch (error) {
      for (const name of added) if (this.vars[name] === undefined) delete this.vars[name];
      throw error;
    }
  }

  #import(spec: string, options?: ImportCallOptions): Promise<unknown> {
    let target = spec;
    if (spec.startsWith("./") || spec.startsWith("../") || isAbsolute(spec)) {
      target = pathToFileURL(resolve(this.#cwd, spec)).href;
    }
    return options ? import(target, options) : import(target);
  }
}

function cancellable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
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
