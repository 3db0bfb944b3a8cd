/**
 * What a line of REPL input is (a dot-command, a `%kql` query, a line continuing the query
 * above it, TypeScript) and whether it is complete or continues on the next line; the parts
 * of a `%kql` input; and when a line starting with `|` belongs to the input before it.
 *
 * @module
 */
import type TS from "typescript";
import { isCompleteTypeScript } from "./_transform.ts";
import { ReplError } from "./errors.ts";

/**
 * The kinds of input: `pipe` is a line starting with `|`, which continues the KQL query of
 * the step before it (the Sentinel editor style).
 */
export type InputKind = "empty" | "command" | "kql" | "pipe" | "ts";

/** An input classified. */
export interface ClassifiedInput {
  readonly kind: InputKind;
  /** False while more lines are needed (open brackets or quotes, a trailing `|`). */
  readonly complete: boolean;
}

/** The kind of `text` without deciding completeness. */
export function inputKind(text: string): InputKind {
  const trimmed = text.trim();
  if (trimmed === "") return "empty";
  if (/^%kql!?(\s|$)/.test(trimmed)) return "kql";
  if (trimmed.startsWith("|")) return "pipe";
  if (/^\.[A-Za-z]/.test(trimmed) && !trimmed.includes("\n")) return "command";
  return "ts";
}

/**
 * Classifies input: its kind and whether it is complete. TypeScript completeness needs the
 * compiler (`ts`); the other kinds do not.
 */
export function classifyInput(text: string, ts: typeof TS): ClassifiedInput {
  const kind = inputKind(text);
  switch (kind) {
    case "empty":
    case "command":
      return { kind, complete: true };
    case "kql": {
      // `%kql` or `%kql name =` alone on the first line starts a block that an empty line
      // ends (for queries written with leading pipes).
      const lines = text.trimStart().split("\n");
      if (parseKqlInput(lines[0]).query === "") {
        return { kind, complete: lines.length > 1 && lines[lines.length - 1].trim() === "" };
      }
      return { kind, complete: isCompleteKql(parseKqlInput(text).query) };
    }
    case "pipe":
      return { kind, complete: isCompleteKql(text) };
    case "ts":
      return { kind, complete: isCompleteTypeScript(ts, text) };
  }
}

/** A `%kql` input: the variable it binds (if named) and the query text. */
export interface KqlInput {
  readonly name?: string;
  readonly query: string;
  /** `%kql!`: ask the provider again instead of taking a cached result. */
  readonly refresh?: boolean;
  /**
   * Query options written `key=value` right after `%kql` (`%kql split=1d name = ...`), as
   * typed: see {@link KQL_OPTIONS} and {@link kqlQueryOptions}.
   */
  readonly options?: Readonly<Record<string, string>>;
  /** `%kql @adx ...`: the name of the session's provider to run on (default: the connected one). */
  readonly provider?: string;
}

/**
 * The query options `%kql` takes (the Sentinel provider's), with what each means. They
 * come right after `%kql`, `key=value` with no blanks: `%kql split=1d
 * serverTimeoutSeconds=600 additionalWorkspaces=emea,apac name = SigninLogs | ...`.
 */
export const KQL_OPTIONS: Readonly<Record<string, string>> = {
  split: "run as time windows: a timespan (1d, 6h) or a number of windows",
  serverTimeoutSeconds: "how long the service may run the query, 1 to 600 seconds",
  additionalWorkspaces: "more workspaces the query spans, comma-separated names or ids",
  workspace: "another workspace than the connected one (a friendly name or id)",
  truncation: "a result cut at the service's limit: split (default), warn or error",
};

const OPTION = new RegExp(`^\\s*(${Object.keys(KQL_OPTIONS).join("|")})=(\\S+)`);
/** `@name` right after `%kql`: the provider the query runs on. */
const PROVIDER_TAG = /^\s*@([A-Za-z][A-Za-z0-9_]*)(?=\s|$)/;

/**
 * Splits `%kql [@provider] [key=value ...] name = query` / `%kql query` (`%kql!` refreshes:
 * see {@link KqlInput}).
 */
export function parseKqlInput(text: string): KqlInput {
  const bang = /^%kql!/.test(text.trim());
  let body = text.trim().replace(/^%kql!?/, "");
  const refresh = bang ? { refresh: true } : {};
  const options: Record<string, string> = {};
  let provider: string | undefined;
  for (;;) {
    const m = OPTION.exec(body);
    const tag = m ? undefined : provider === undefined ? PROVIDER_TAG.exec(body) : null;
    if (m) {
      options[m[1]] = m[2];
      body = body.slice(m[0].length);
    } else if (tag) {
      provider = tag[1];
      body = body.slice(tag[0].length);
    } else break;
  }
  const extra = {
    ...refresh,
    ...(provider === undefined ? {} : { provider }),
    ...(Object.keys(options).length ? { options } : {}),
  };
  const named = /^\s*([A-Za-z_$][\w$]*)\s*=(?!=)([\s\S]*)$/.exec(body);
  if (named) return { name: named[1], query: named[2].trim(), ...extra };
  return { query: body.trim(), ...extra };
}

/** `%kql name = query`, or `%kql query`: the one-line form of a `%kql` input. */
export function kqlInputText(input: KqlInput): string {
  const head = [
    input.refresh ? "%kql!" : "%kql",
    ...(input.provider === undefined ? [] : [`@${input.provider}`]),
    ...Object.entries(input.options ?? {}).map(([k, v]) => `${k}=${v}`),
  ].join(" ");
  return input.name === undefined
    ? `${head} ${input.query}`
    : `${head} ${input.name} = ${input.query}`;
}

/**
 * The provider query options of a `%kql` input's `key=value` options, checked.
 *
 * @throws {ReplError} for a value an option does not take.
 */
export function kqlQueryOptions(
  options: Readonly<Record<string, string>> | undefined,
): Record<string, string | number | string[]> | undefined {
  if (!options || !Object.keys(options).length) return undefined;
  const out: Record<string, string | number | string[]> = {};
  for (const [key, value] of Object.entries(options)) {
    const bad = (what: string) =>
      new ReplError(`%kql option ${key}=${value}: ${what}.`, {
        hint: `${key}: ${KQL_OPTIONS[key]}.`,
      });
    switch (key) {
      case "split":
        if (/^[1-9]\d*$/.test(value)) out.split = Number(value);
        else if (/^\d+(\.\d+)?(d|h|m|s|ms)$/.test(value)) out.split = value;
        else throw bad("not a timespan (1d, 6h, 30m) or a number of windows");
        break;
      case "serverTimeoutSeconds": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 600) throw bad("not a whole number 1 to 600");
        out.serverTimeoutSeconds = n;
        break;
      }
      case "additionalWorkspaces": {
        const list = value.split(",").map((w) => w.trim()).filter(Boolean);
        if (!list.length) throw bad("no workspace named");
        out.additionalWorkspaces = list;
        break;
      }
      case "workspace":
        out.workspace = value;
        break;
      case "truncation":
        if (!["split", "warn", "error"].includes(value)) throw bad("not split, warn or error");
        out.truncation = value;
        break;
      default:
        throw bad("no such option");
    }
  }
  return out;
}

/** Whether `line` starts with `|` (after blanks): in KQL, it continues the query above it. */
export function startsWithPipe(line: string): boolean {
  return /^\s*\|/.test(line);
}

/**
 * The `%kql` input `base` with `lines` (starting with `|`) added to its query, bound to the
 * same name.
 *
 * @example Extending a query
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { extendKqlInput } from "./_input.ts";
 *
 * deepStrictEqual(
 *   extendKqlInput({ name: "spray", query: "SigninLogs" }, "| where ResultType == '50126'"),
 *   { name: "spray", query: "SigninLogs\n| where ResultType == '50126'" },
 * );
 * ```
 */
export function extendKqlInput(base: KqlInput, lines: string): KqlInput {
  const options = base.options ? { options: base.options } : {};
  const provider = base.provider === undefined ? {} : { provider: base.provider };
  return { name: base.name, query: `${base.query}\n${lines.trim()}`, ...provider, ...options };
}

/**
 * The table a query written in the Sentinel style (no `%kql`) would start with: the first
 * line is a lone word and the second line starts with `|`. Undefined for any other text.
 * Whether the word is a table is for the provider to say (see {@link sentinelQuery}).
 */
export function sentinelQueryTable(text: string): string | undefined {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n[ \t]*\|/.exec(text);
  return match?.[1];
}

/**
 * A query written in the Sentinel style (`SigninLogs`, then lines starting with `|`) as a
 * `%kql` input, when its first line names one of `tables` (spelled as the provider spells
 * it); undefined for anything else. A variable named like a table stays TypeScript: only a
 * next line starting with `|` (never valid TypeScript after a name) makes the text a query.
 *
 * @example A pasted query
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { sentinelQuery } from "./_input.ts";
 *
 * const tables = ["SigninLogs", "AuditLogs"];
 * strictEqual(
 *   sentinelQuery("SigninLogs\n| take 5", tables),
 *   "%kql SigninLogs\n| take 5",
 * );
 * strictEqual(sentinelQuery("SigninLogs", tables), undefined);
 * strictEqual(sentinelQuery("signinlogs\n| take 5", tables), undefined);
 * ```
 */
export function sentinelQuery(text: string, tables: readonly string[]): string | undefined {
  const table = sentinelQueryTable(text);
  if (table === undefined || !tables.includes(table)) return undefined;
  return `%kql ${text.trim()}`;
}

/**
 * Whether a complete input could go on with a next line starting with `|`: a `%kql` query,
 * a `|` line, or a lone word that may name a table. Piped input reads the next line before
 * running these only, so nothing else waits.
 */
export function mayContinueWithPipe(input: string): boolean {
  switch (inputKind(input)) {
    case "kql":
    case "pipe":
      return true;
    case "ts":
      return /^\s*[A-Za-z_][A-Za-z0-9_]*\s*$/.test(input);
    case "empty":
    case "command":
      return false;
  }
}

/**
 * The input that `next` continues, when `next` starts with `|` and `input` (complete) is a
 * `%kql` query, a `|` line, or the name of one of `tables` (the Sentinel style, which becomes
 * `%kql`); undefined when `input` runs as it is. A `%kql name =` block comes back in the
 * one-line form, so it does not wait for another empty line.
 *
 * @example Piped lines
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { continuedInput } from "./_input.ts";
 *
 * strictEqual(
 *   continuedInput("%kql spray = SigninLogs", "| where ResultType == '50126'", []),
 *   "%kql spray = SigninLogs",
 * );
 * strictEqual(continuedInput("SigninLogs", "| take 5", ["SigninLogs"]), "%kql SigninLogs");
 * strictEqual(continuedInput("SigninLogs", "SigninLogs + 1", ["SigninLogs"]), undefined);
 * ```
 */
export function continuedInput(
  input: string,
  next: string,
  tables: readonly string[],
): string | undefined {
  if (!startsWithPipe(next)) return undefined;
  switch (inputKind(input)) {
    case "kql":
      return kqlInputText(parseKqlInput(input));
    case "pipe":
      return input;
    case "ts":
      return sentinelQuery(`${input.trim()}\n${next}`, tables) === undefined
        ? undefined
        : `%kql ${input.trim()}`;
    case "empty":
    case "command":
      return undefined;
  }
}

/**
 * Whether a KQL query is complete: no bracket, ``` string or `${...}` left open, and it
 * does not end with `|`, `,`, `;` or nothing. A quoted string left open is complete (and
 * fails to parse, saying so): KQL strings do not span lines.
 */
export function isCompleteKql(query: string): boolean {
  const scan = scanKql(query);
  // A '...' or "..." string ends on its line in KQL: no later line can close it, so the
  // query runs and the parser names the unterminated string (waiting for more lines would
  // glue whatever comes next, a command or the next step, into a query that cannot work).
  if (scan.unterminated) return true;
  if (scan.open > 0 || scan.inString) return false;
  const code = stripComments(query).trimEnd();
  if (code === "") return false;
  return !/[|,;]$/.test(code) && !/(^|\W)(and|or)$/.test(code);
}

interface KqlScan {
  /** Brackets (and `${`) still open. */
  readonly open: number;
  /** Whether the text ends inside a ``` block. */
  readonly inString: boolean;
  /** Whether a '...' or "..." string is left open at the end of its line. */
  readonly unterminated?: boolean;
}

function scanKql(text: string): KqlScan {
  let open = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "/") {
      const nl = text.indexOf("\n", i);
      if (nl < 0) break;
      i = nl + 1;
      continue;
    }
    if (text.startsWith("```", i)) {
      const close = text.indexOf("```", i + 3);
      if (close < 0) return { open, inString: true };
      i = close + 3;
      continue;
    }
    if (c === '"' || c === "'") {
      const verbatim = text[i - 1] === "@";
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        if (!verbatim && text[j] === "\\") {
          j += 2;
          continue;
        }
        if (text[j] === c) {
          if (verbatim && text[j + 1] === c) {
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        if (text[j] === "\n") break;
        j++;
      }
      if (!closed) return { open, inString: false, unterminated: true };
      i = j + 1;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") open++;
    else if (c === ")" || c === "]" || c === "}") open = Math.max(0, open - 1);
    i++;
  }
  return { open, inString: false };
}

function stripComments(text: string): string {
  return text.split("\n").map((line) => {
    const at = commentStart(line);
    return at < 0 ? line : line.slice(0, at);
  }).join("\n");
}

function commentStart(line: string): number {
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "/" && line[i + 1] === "/") return i;
  }
  return -1;
}

/** A piece of a `%kql` query: text, a `${expression}`, or a `{{parameter}}`. */
export type KqlPiece =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "expr"; readonly source: string; readonly offset: number }
  | { readonly kind: "param"; readonly name: string; readonly part?: "start" | "end" };

/**
 * Splits a `%kql` query into text, `${expression}` interpolations (TypeScript evaluated in
 * the REPL's scope; the value becomes a literal) and `{{name}}` session parameters
 * (`{{window.start}}` for a range's start). `$${` stays as the text `${`.
 *
 * @throws {ReplError} for an unclosed `${` or a malformed `{{...}}`.
 */
export function splitKql(query: string): KqlPiece[] {
  const pieces: KqlPiece[] = [];
  let text = "";
  let i = 0;
  const flush = () => {
    if (text) pieces.push({ kind: "text", text });
    text = "";
  };
  while (i < query.length) {
    if (query.startsWith("$${", i)) {
      text += "${";
      i += 3;
      continue;
    }
    if (query.startsWith("${", i)) {
      const end = closingBrace(query, i + 2);
      if (end < 0) {
        throw new ReplError(`The interpolation at position ${i + 1} is not closed.`, {
          hint: "Close it with }, or write $${ for the text ${.",
        });
      }
      const source = query.slice(i + 2, end).trim();
      if (!source) {
        throw new ReplError("An empty ${} in the query.", { hint: "Put a value in it." });
      }
      flush();
      pieces.push({ kind: "expr", source, offset: i + 2 });
      i = end + 1;
      continue;
    }
    if (query.startsWith("{{", i)) {
      const end = query.indexOf("}}", i + 2);
      const inner = end < 0 ? "" : query.slice(i + 2, end).trim();
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.(start|end))?$/.exec(inner);
      if (match) {
        flush();
        pieces.push({ kind: "param", name: match[1], part: match[2] as "start" | "end" });
        i = end + 2;
        continue;
      }
    }
    text += query[i];
    i++;
  }
  flush();
  return pieces;
}

/** The index of the `}` closing an interpolation that starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  let quote = "";
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** The first table a query reads (for completing its columns): the first word that is one. */
export function tableInPlay(query: string, tables: readonly string[]): string | undefined {
  const known = new Map(tables.map((t) => [t.toLowerCase(), t]));
  for (const match of query.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const found = known.get(match[0].toLowerCase());
    if (found) return found;
  }
  return undefined;
}
