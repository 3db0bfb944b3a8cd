/**
 * Running a library query: its arguments checked against its parameters, each `{name}`
 * replaced by the KQL literal of its value (values never change the query's structure),
 * `{start}` and `{end}` by the window's datetimes, and the text run on a provider, or as a
 * step of a session (journaled with the KQL as run, so it replays and exports like any
 * query).
 *
 * @module
 */
import { isIP } from "node:net";
import { didYouMean } from "../errors.ts";
import { checkOptions, defineOptions, type OptionSpecs } from "../options.ts";
import { readKqlTimespan } from "../kql/syntax.ts";
import type { DataFrame } from "../polars.ts";
import type { Provider } from "../providers/mod.ts";
import { kqlLiteral } from "../session/kql_template.ts";
import { Timespan } from "../session/params.ts";
import type { Session } from "../session/session.ts";
import { HuntError } from "./errors.ts";
import { exampleOf, PLACEHOLDER, valueProblem } from "./_validate.ts";
import type { HuntParameter, HuntParamType, HuntQuery } from "./types.ts";

/**
 * The arguments of a library query: its parameters by name, and its window: `window` (a
 * lookback ending at the provider's now, default the query's own), or `start` and `end`.
 */
export interface HuntArgs {
  /** A lookback ending at `end` (default the query's `window`): `"7d"`, `"12h"`. */
  readonly window?: string;
  /** The window's first instant (default `end` minus `window`; not with `window`). */
  readonly start?: Date | string;
  /** The window's end (default the provider's now: the demo case's is 2026-03-16). */
  readonly end?: Date | string;
  /** The query's parameters, by name. */
  readonly [param: string]: unknown;
}

/** Where and how a library query runs. */
export interface HuntRunOptions {
  /**
   * Run it as a step of this session: journaled with the KQL as run (its first line says
   * which library query and arguments it came from), cached, replayable, exported.
   */
  readonly session?: Session;
  /** Run it on this provider (ignored when a session is given). */
  readonly provider?: Provider;
  /** The step's name in the session (default: the query's name). */
  readonly name?: string;
  /** The instant the window ends at by default (default: the provider's now). */
  readonly now?: Date;
  /** Cancels the query. */
  readonly signal?: AbortSignal;
}

/**
 * The rules of {@link HuntRunOptions}, for every function that takes them (a library
 * query's function, a pivot), so each checks them under its own name.
 */
export const HUNT_RUN_SPECS: OptionSpecs<HuntRunOptions> = {
  session: "object",
  provider: { kind: "object", aliases: ["source", "on"] },
  name: { kind: "string", aliases: ["step", "stepName"] },
  now: { kind: "date", aliases: ["at", "reference", "referenceTime"] },
  signal: "object",
};

const RUN_HUNT_OPTIONS = defineOptions<HuntRunOptions & { id?: string }>("runHuntQuery", {
  ...HUNT_RUN_SPECS,
  id: "string",
});

const HUNT_TEXT_OPTIONS = defineOptions<{ id?: string; now?: Date }>("huntText", {
  id: "string",
  now: { kind: "date", aliases: ["at", "reference", "referenceTime"] },
});

/** A library query's text, ready to run. */
export interface HuntText {
  /** The KQL to run: a comment naming the query and arguments, then the text substituted. */
  readonly text: string;
  /** The window's start. */
  readonly start: Date;
  /** The window's end. */
  readonly end: Date;
  /** Every parameter's value, defaults included, as substituted. */
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * The text of `query` with `args` substituted.
 *
 * @param query The library query.
 * @param args Its parameters and window.
 * @param options `id`: the query's id for the leading comment; `now`: the window's default end.
 * @returns The KQL, the window and the values used.
 * @throws {HuntError} for a missing required parameter, an unknown one (with the closest
 *   names), a value of the wrong type, a window that is not a timespan, or both `start`
 *   and `window`.
 *
 * @example Values stay literals
 * ```ts
 * import assert from "node:assert/strict";
 * import { huntText } from "./run.ts";
 *
 * const query = {
 *   name: "signinsOf",
 *   description: "An account's sign-ins.",
 *   tables: ["SigninLogs"],
 *   parameters: { account: { type: "account", description: "The account." } },
 *   window: "1d",
 *   tactics: [],
 *   techniques: [],
 *   columns: ["TimeGenerated"],
 *   query: "SigninLogs | where TimeGenerated between ({start} .. {end}) | where UserPrincipalName =~ {account} | project TimeGenerated",
 * } as const;
 * const { text } = huntText(query, { account: 'x" or 1==1 //' }, { now: new Date("2026-03-16T00:00:00Z") });
 * assert.ok(text.includes('UserPrincipalName =~ "x\\" or 1==1 //"'));
 * assert.ok(text.includes("between (datetime(2026-03-15T00:00:00.000Z) .. datetime(2026-03-16T00:00:00.000Z))"));
 * ```
 */
export function huntText(
  query: HuntQuery,
  args: HuntArgs = {},
  options: { id?: string; now?: Date } = {},
): HuntText {
  checkOptions("huntText", options, HUNT_TEXT_OPTIONS);
  const id = options.id ?? query.name;
  const params = query.parameters ?? {};
  const names = Object.keys(params);
  for (const key of Object.keys(args)) {
    if (key === "window" || key === "start" || key === "end") continue;
    if (!(key in params)) {
      throw new HuntError(`${id} has no parameter ${key}.`, {
        hint: didYouMean(key, [...names, "window", "start", "end"]) ??
          (names.length ? `Its parameters: ${names.join(", ")}.` : "It takes no parameters.") +
            ' A window is window: "7d", or start and end.',
      });
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(params)) {
    const given = args[name];
    if (given === undefined) {
      if (spec.default === undefined) {
        throw new HuntError(
          `${id} needs the parameter ${name} (${spec.type}): ${spec.description}`,
          {
            hint: `Give it: { ${name}: ${JSON.stringify(spec.example ?? exampleOf(spec.type))} }.`,
          },
        );
      }
      values[name] = literalValue(spec.type, spec.default, id, name);
    } else {
      values[name] = checkedValue(spec, given, id, name);
    }
  }
  const now = options.now === undefined ? new Date() : dateArg(options.now, id, "now");
  const { start, end } = windowOf(query, args, now, id);
  const substituted = query.query.replace(PLACEHOLDER, (whole, name: string) => {
    if (name === "start") return kqlLiteral(start);
    if (name === "end") return kqlLiteral(end);
    if (name in values) return kqlLiteral(values[name]);
    return whole;
  });
  return { text: `${huntComment(id, args)}\n${substituted}`, start, end, values };
}

/**
 * Runs a library query on a provider, or as a step of a session.
 *
 * @param query The library query.
 * @param args Its parameters and window.
 * @param options The session or provider, the step's name, a signal.
 * @returns The result.
 * @throws {HuntError} for arguments the query does not take, or no provider.
 */
export async function runHuntQuery(
  query: HuntQuery,
  args: HuntArgs = {},
  options: HuntRunOptions & { id?: string } = {},
): Promise<DataFrame> {
  checkOptions("runHuntQuery", options, RUN_HUNT_OPTIONS);
  const provider = options.session?.provider ?? options.provider;
  if (!provider) {
    throw new HuntError(`${options.id ?? query.name} has no provider to run on.`, {
      hint:
        "Pass { provider } or { session } (in the REPL and in session steps it is the session's).",
    });
  }
  const now = options.now === undefined
    ? provider.referenceTime ?? new Date()
    : dateArg(options.now, options.id ?? query.name, "now");
  const { text } = huntText(query, args, { id: options.id, now });
  if (options.session) {
    return await options.session.query(options.name ?? query.name, text, {
      signal: options.signal,
    });
  }
  return (await provider.query(text, { signal: options.signal, now })).frame;
}

/**
 * Reads a parameter's value written as text (a command line's `name=value`): numbers,
 * booleans, comma-separated lists; everything else is kept as text.
 *
 * @throws {HuntError} when the text is not a value of the type.
 */
export function parseHuntArg(spec: HuntParameter, text: string, id = "", name = ""): unknown {
  switch (spec.type) {
    case "long":
    case "real": {
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n)) throw wrongType(id, name, spec.type, text);
      return n;
    }
    case "bool":
      if (/^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
      throw wrongType(id, name, spec.type, text);
    case "strings":
    case "ips":
    case "accounts":
    case "hosts":
      return text.split(",").map((s) => s.trim()).filter(Boolean);
    default:
      return text;
  }
}

/** The leading comment: which library query and arguments the text came from. */
function huntComment(id: string, args: HuntArgs): string {
  const shown = Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
  // JSON escapes line breaks; the rest outside printable ASCII is escaped too, so no value
  // can end the comment and start a line of query.
  const json = (JSON.stringify(shown) ?? "{}").replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `// casefile hunt ${id} ${json}`;
}

function windowOf(
  query: HuntQuery,
  args: HuntArgs,
  now: Date,
  id: string,
): { start: Date; end: Date } {
  if (args.start !== undefined && args.window !== undefined) {
    throw new HuntError(`${id}: give start/end or window, not both.`, {
      hint: `window ${JSON.stringify(args.window)} is a lookback from end; start ` +
        `${JSON.stringify(args.start)} fixes the beginning. Drop one of them.`,
    });
  }
  const end = args.end === undefined ? now : dateArg(args.end, id, "end");
  if (args.start !== undefined) {
    const start = dateArg(args.start, id, "start");
    if (start.getTime() >= end.getTime()) {
      throw new HuntError(`${id}: the window's start is not before its end.`, {
        hint: `start ${start.toISOString()}, end ${end.toISOString()}.`,
      });
    }
    return { start, end };
  }
  const text = args.window ?? query.window;
  const micros = typeof text === "string" ? readKqlTimespan(text) : undefined;
  if (micros === undefined || micros <= 0n) {
    throw new HuntError(`${id}: the window ${JSON.stringify(text)} is not a KQL timespan.`, {
      hint: 'Write a lookback such as window: "7d", "12h" or "30m", or give start and end.',
    });
  }
  return { start: new Date(end.getTime() - Number(micros / 1000n)), end };
}

const NAIVE_DATETIME = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?$/;

function dateArg(value: unknown, id: string, name: string): Date {
  const date = value instanceof Date ? value : typeof value === "string"
    // KQL reads a date and time without an offset as UTC; JavaScript would read it as local.
    ? new Date(NAIVE_DATETIME.test(value) ? `${value.replace(" ", "T")}Z` : value)
    : typeof value === "number"
    ? new Date(value)
    : undefined;
  if (!date || Number.isNaN(date.getTime())) throw wrongType(id, name, "datetime", value);
  return date;
}

function checkedValue(spec: HuntParameter, value: unknown, id: string, name: string): unknown {
  switch (spec.type) {
    case "datetime":
      return dateArg(value, id, name);
    case "timespan":
      if (value instanceof Timespan) return value;
      return literalValue(spec.type, value, id, name);
    case "ip":
      if (typeof value === "string" && value !== "" && !isIP(value)) {
        throw new HuntError(`${id}: ${name} must be an IP address, not ${JSON.stringify(value)}.`, {
          hint: 'Give an IPv4 or IPv6 address: { ip: "203.0.113.45" }.',
        });
      }
      return literalValue(spec.type, value, id, name);
    case "ips":
      if (Array.isArray(value)) {
        const bad = value.find((v) => typeof v === "string" && !isIP(v));
        if (bad !== undefined) {
          throw new HuntError(
            `${id}: ${name} must be IP addresses; ${JSON.stringify(bad)} is not one.`,
            {
              hint: 'Give a list of addresses: ["203.0.113.45", "203.0.113.61"].',
            },
          );
        }
      }
      return literalValue(spec.type, value, id, name);
    default:
      return literalValue(spec.type, value, id, name);
  }
}

function literalValue(type: HuntParamType, value: unknown, id: string, name: string): unknown {
  if (valueProblem(type, value)) throw wrongType(id, name, type, value);
  switch (type) {
    case "timespan":
      return Timespan.parse(value as string)!;
    case "datetime":
      return dateArg(value, id, name);
    default:
      return value;
  }
}

function wrongType(id: string, name: string, type: HuntParamType, value: unknown): HuntError {
  return new HuntError(
    `${id}: ${name} must be ${article(type)}, not ${
      typeof value === "string" ? JSON.stringify(value) : `${typeof value} ${String(value)}`
    }.`,
    { hint: `For example { ${name}: ${JSON.stringify(exampleOf(type))} }.` },
  );
}

function article(type: HuntParamType): string {
  switch (type) {
    case "long":
      return "a whole number (long)";
    case "real":
      return "a number (real)";
    case "bool":
      return "true or false (bool)";
    case "strings":
    case "ips":
    case "accounts":
    case "hosts":
      return `a list of strings (${type})`;
    case "datetime":
      return "a date and time (a Date or ISO 8601 text)";
    case "timespan":
      return 'a KQL timespan ("1d", "30m")';
    default:
      return `a string (${type})`;
  }
}
