/**
 * The library as functions: `hunt.<family>.<name>(args, options)` runs a query
 * (`hunt.identity.spraySourcesByIp({ window: "14d" })`). In a session's scope (the REPL, a
 * notebook, `session.run`) the functions run on the session's provider unless told
 * otherwise; elsewhere, pass `{ provider }` or `{ session }`.
 *
 * @module
 */
import type { DataFrame } from "../polars.ts";
import type { Provider } from "../providers/mod.ts";
import { builtinHuntFamilies, type HuntEntry } from "./library.ts";
import { BUILTIN_FAMILIES } from "./library/_index.ts";
import { checkOptions, defineOptions } from "../options.ts";
import {
  HUNT_RUN_SPECS,
  type HuntArgs,
  type HuntRunOptions,
  huntText,
  runHuntQuery,
} from "./run.ts";
import type { HuntFamily, HuntQuery } from "./types.ts";

/** One query of the library as a function. */
export interface HuntFunction {
  /**
   * Runs the query.
   *
   * @param args Its parameters, and a `window` (`"7d"`) or `start` and `end`.
   * @param options A session (the query becomes a step) or a provider; default: the
   *   session's provider in a session's scope.
   */
  (args?: HuntArgs, options?: HuntRunOptions): Promise<DataFrame>;
  /** `family.name`. */
  readonly id: string;
  /** The family's name. */
  readonly family: string;
  /** The query as the library holds it (description, parameters, tables, ATT&CK). */
  readonly query: HuntQuery;
  /** The KQL it would run with `args` (its window ending at `now`, default the current time). */
  kql(args?: HuntArgs, now?: Date): string;
}

const CREATE_HUNT_OPTIONS = defineOptions<HuntRunOptions>("createHunt", HUNT_RUN_SPECS);

/** The library's queries as functions, by family and name. */
export type Hunt = Readonly<Record<string, Readonly<Record<string, HuntFunction>>>>;

/**
 * The key a value of the API uses to bind itself to a session's scope: the session's
 * code environment calls `value[SCOPE_BINDING](context)` and puts what it returns in scope.
 */
export const SCOPE_BINDING: unique symbol = Symbol.for("casefile.scopeBinding") as never;

/** The live names of a session's scope a bound value may read. */
export interface ScopeContext {
  /** The session's provider. */
  readonly provider: unknown;
}

/**
 * The queries of `families` as functions.
 *
 * @param families The families (default: the built-in ones); add a folder's with
 *   `[...builtinHuntFamilies(), ...await loadHuntFolder(dir)]`.
 * @param defaults Options every call starts from (a provider, a session).
 * @returns The functions, by family and name.
 *
 * @example A folder of your own queries with the built-in ones, on the demo case
 * ```ts
 * import assert from "node:assert/strict";
 * import { createHunt } from "./hunt.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const mine = createHunt([{
 *   name: "mine",
 *   description: "My queries.",
 *   queries: [{
 *     name: "sprayFailures",
 *     description: "Failed password sign-ins (50126) from one address.",
 *     tables: ["SigninLogs"],
 *     parameters: { ip: { type: "ip", description: "The address." } },
 *     window: "14d",
 *     tactics: ["Credential Access"],
 *     techniques: ["T1110.003"],
 *     columns: ["Failures"],
 *     query: `SigninLogs
 * | where TimeGenerated between ({start} .. {end})
 * | where IPAddress == {ip} and ResultType == "50126"
 * | summarize Failures = count()`,
 *   }],
 * }], { provider: await openLocalProvider() });
 * const result = await mine.mine.sprayFailures({ ip: "203.0.113.45" });
 * assert.ok((result.getColumn("Failures").get(0) as number) > 100);
 * ```
 */
export function createHunt(
  families: readonly HuntFamily[] = builtinHuntFamilies(),
  defaults: HuntRunOptions | (() => HuntRunOptions) = {},
): Hunt {
  if (typeof defaults !== "function") checkOptions("createHunt", defaults, CREATE_HUNT_OPTIONS);
  return Object.freeze(
    huntObject(families, typeof defaults === "function" ? defaults : () => defaults, false),
  );
}

function huntObject(
  families: readonly HuntFamily[],
  defaults: () => HuntRunOptions,
  validate: boolean,
): Hunt {
  const out: Record<string, Record<string, HuntFunction>> = {};
  for (const family of families) {
    const group: Record<string, HuntFunction> = {};
    for (const query of family.queries) {
      group[query.name] = huntFunction(
        { id: `${family.name}.${query.name}`, family: family.name, query },
        defaults,
        validate,
      );
    }
    out[family.name] = Object.freeze(group);
  }
  return out;
}

function huntFunction(
  entry: HuntEntry,
  defaults: () => HuntRunOptions,
  validate: boolean,
): HuntFunction {
  const run = async (args: HuntArgs = {}, options: HuntRunOptions = {}) => {
    checkOptions(`hunt.${entry.id}`, options, HUNT_RUN_SPECS);
    // The built-in library is checked once, on first use (not when casefile is imported).
    if (validate) builtinHuntFamilies();
    const base = defaults();
    const merged: HuntRunOptions = options.session || options.provider
      ? { ...options }
      : { ...base, ...options };
    return await runHuntQuery(entry.query, args, { ...merged, id: entry.id });
  };
  return Object.assign(run, {
    id: entry.id,
    family: entry.family,
    query: entry.query,
    kql: (args: HuntArgs = {}, now?: Date) =>
      huntText(entry.query, args, { id: entry.id, now }).text,
  });
}

/**
 * The built-in library as functions: `hunt.<family>.<name>(args, options)`. In a session's
 * scope (the REPL, a notebook, a step's code) it runs on the session's provider; elsewhere
 * pass `{ provider }` or `{ session }` (a session makes each call a journaled step).
 */
export const hunt: Hunt = bindable(
  huntObject(BUILTIN_FAMILIES, () => ({}), true),
  (context) =>
    huntObject(BUILTIN_FAMILIES, () => ({ provider: context().provider as Provider }), true),
);

/** `value`, with a non-enumerable {@link SCOPE_BINDING} that makes its scope-bound form. */
export function bindable<T extends object>(
  value: T,
  bind: (context: () => ScopeContext) => T,
): T {
  Object.defineProperty(value, SCOPE_BINDING, { value: bind, enumerable: false });
  return Object.freeze(value);
}
