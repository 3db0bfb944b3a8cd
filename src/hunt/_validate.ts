/**
 * Validation of a family of the hunting library, as written (a TypeScript object or a YAML
 * file's data): every problem is collected with its file, family, query and field.
 *
 * @module
 */
import { SENTINEL_SCHEMAS } from "../schema/mod.ts";
import { parseKql, readKqlTimespan } from "../kql/syntax.ts";
import { KqlSyntaxError, lineColumn } from "../kql/errors.ts";
import { didYouMean } from "../errors.ts";
import type { HuntProblem } from "./errors.ts";
import type { EntityKind, HuntFamily, HuntParamType } from "./types.ts";

/** Kinds of entity, as parameters and pivots name them. */
export const ENTITY_KINDS: readonly EntityKind[] = [
  "account",
  "host",
  "ip",
  "url",
  "domain",
  "hash",
  "process",
  "mailbox",
  "app",
  "file",
];

/** Every parameter type. */
export const PARAM_TYPES: readonly HuntParamType[] = [
  ...ENTITY_KINDS,
  "string",
  "strings",
  "ips",
  "accounts",
  "hosts",
  "long",
  "real",
  "bool",
  "datetime",
  "timespan",
];

/** The list types, and the entity kind of their items (pivots match on it). */
export const LIST_KINDS: Readonly<Partial<Record<HuntParamType, EntityKind | "string">>> = {
  strings: "string",
  ips: "ip",
  accounts: "account",
  hosts: "host",
};

/** The MITRE ATT&CK Enterprise tactics, as ATT&CK names them. */
export const ATTACK_TACTICS: readonly string[] = [
  "Reconnaissance",
  "Resource Development",
  "Initial Access",
  "Execution",
  "Persistence",
  "Privilege Escalation",
  "Defense Evasion",
  "Credential Access",
  "Discovery",
  "Lateral Movement",
  "Collection",
  "Command and Control",
  "Exfiltration",
  "Impact",
];

/** Names the runner gives every query: a parameter cannot take them. */
export const WINDOW_NAMES: readonly string[] = ["start", "end", "window"];

/** `{name}` in a query's text. */
export const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

const FAMILY_FIELDS = ["name", "description", "queries"];
const QUERY_FIELDS = [
  "name",
  "description",
  "tables",
  "parameters",
  "window",
  "tactics",
  "techniques",
  "columns",
  "query",
];
const PARAM_FIELDS = ["type", "description", "default", "example"];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CAMEL = /^[a-z][A-Za-z0-9]*$/;
const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

/**
 * The problems of `raw` as a family (none: it is a {@link HuntFamily}).
 *
 * @param raw The family as written (untyped: it may come from YAML).
 * @param source Where it came from, for the messages.
 */
export function familyProblems(raw: unknown, source: string): HuntProblem[] {
  const problems: HuntProblem[] = [];
  if (!isRecord(raw)) {
    return [{ source, message: "a family must be a mapping with name, description and queries" }];
  }
  const family = typeof raw.name === "string" ? raw.name : undefined;
  const at = (message: string, more: Partial<HuntProblem> = {}) =>
    problems.push({ source, family, message, ...more });
  unknownFields(raw, FAMILY_FIELDS, (field, hint) => at(`unknown field${hint}`, { field }));
  if (family === undefined || !IDENTIFIER.test(family)) {
    at(`the name must be an identifier (letters, digits, _), not ${show(raw.name)}`, {
      field: "name",
    });
  }
  if (!nonEmptyString(raw.description)) {
    at("a description is required (one sentence)", { field: "description" });
  }
  if (!Array.isArray(raw.queries) || raw.queries.length === 0) {
    at("queries must be a non-empty list", { field: "queries" });
    return problems;
  }
  const seen = new Set<string>();
  raw.queries.forEach((query: unknown, i: number) => {
    const name = isRecord(query) && typeof query.name === "string" ? query.name : `#${i + 1}`;
    if (seen.has(name)) at(`a second query is named ${name}`, { query: name, field: "name" });
    seen.add(name);
    for (const p of queryProblems(query)) problems.push({ source, family, query: name, ...p });
  });
  return problems;
}

type QueryProblem = Omit<HuntProblem, "source" | "family" | "query">;

function queryProblems(raw: unknown): QueryProblem[] {
  const out: QueryProblem[] = [];
  const at = (field: string, message: string) => out.push({ field, message });
  if (!isRecord(raw)) return [{ message: "a query must be a mapping of its fields" }];
  unknownFields(raw, QUERY_FIELDS, (field, hint) => at(field, `unknown field${hint}`));
  if (typeof raw.name !== "string" || !CAMEL.test(raw.name)) {
    at("name", `the name must be camelCase letters and digits, not ${show(raw.name)}`);
  }
  if (!nonEmptyString(raw.description)) at("description", "a description is required");
  if (!stringList(raw.tables) || raw.tables.length === 0) {
    at("tables", "tables must be a non-empty list of table names");
  } else {
    for (const table of raw.tables) {
      if (!(table in SENTINEL_SCHEMAS)) {
        at(
          "tables",
          `${table} is not a Sentinel table${
            prefixed(didYouMean(table, Object.keys(SENTINEL_SCHEMAS)))
          }`,
        );
      }
    }
  }
  if (typeof raw.window !== "string" || readKqlTimespan(raw.window) === undefined) {
    at("window", `the window must be a KQL timespan ("1d", "7d", "12h"), not ${show(raw.window)}`);
  } else if ((readKqlTimespan(raw.window) ?? 0n) <= 0n) {
    at("window", `the window must be positive, not ${raw.window}`);
  }
  if (!stringList(raw.tactics)) at("tactics", "tactics must be a list of ATT&CK tactic names");
  else {
    for (const tactic of raw.tactics) {
      if (!ATTACK_TACTICS.includes(tactic)) {
        at("tactics", `${show(tactic)} is not an ATT&CK tactic${tacticHint(tactic)}`);
      }
    }
  }
  if (!stringList(raw.techniques)) at("techniques", "techniques must be a list (may be empty)");
  else {
    for (const technique of raw.techniques) {
      if (!TECHNIQUE.test(technique)) {
        at("techniques", `${show(technique)} is not an ATT&CK technique id (T1234 or T1234.567)`);
      }
    }
  }
  if (!stringList(raw.columns) || raw.columns.length === 0) {
    at("columns", "columns must be a non-empty list of the output's column names");
  }
  const params = raw.parameters ?? {};
  if (!isRecord(params)) at("parameters", "parameters must be a mapping of name to parameter");
  else {
    for (const [name, spec] of Object.entries(params)) {
      for (const p of parameterProblems(name, spec)) out.push(p);
    }
  }
  if (typeof raw.query !== "string" || raw.query.trim() === "") {
    at("query", "the KQL text is required");
    return out;
  }
  const declared = isRecord(params) ? Object.keys(params) : [];
  const used = new Set([...raw.query.matchAll(PLACEHOLDER)].map((m) => m[1]));
  for (const name of used) {
    // The runner substitutes {start} and {end} only: {window} would reach the KQL as is.
    if (!declared.includes(name) && name !== "start" && name !== "end") {
      at(
        "query",
        `{${name}} is used but not declared in parameters${
          prefixed(didYouMean(name, [...declared, "start", "end"]))
        }`,
      );
    }
  }
  for (const name of declared) {
    if (!used.has(name)) {
      at(`parameters.${name}`, `declared but not used as {${name}} in the query`);
    }
  }
  const syntax = kqlSyntaxProblem(raw.query);
  if (syntax) out.push(syntax);
  return out;
}

function parameterProblems(name: string, raw: unknown): QueryProblem[] {
  const field = `parameters.${name}`;
  const out: QueryProblem[] = [];
  const at = (sub: string, message: string) =>
    out.push({ field: sub ? `${field}.${sub}` : field, message });
  if (!IDENTIFIER.test(name)) at("", `${show(name)} is not an identifier`);
  if (WINDOW_NAMES.includes(name)) {
    at("", `${name} is the query's window: use {start} and {end}, not a parameter of that name`);
  }
  if (!isRecord(raw)) {
    at("", "a parameter must be a mapping with type and description");
    return out;
  }
  unknownFields(raw, PARAM_FIELDS, (f, hint) => at(f, `unknown field${hint}`));
  const type = raw.type as HuntParamType;
  if (!PARAM_TYPES.includes(type)) {
    at(
      "type",
      `${show(raw.type)} is not a parameter type${
        prefixed(didYouMean(String(raw.type), PARAM_TYPES))
      }` +
        ` (types: ${PARAM_TYPES.join(", ")})`,
    );
  }
  if (!nonEmptyString(raw.description)) at("description", "a description is required");
  for (const key of ["default", "example"] as const) {
    if (raw[key] === undefined || !PARAM_TYPES.includes(type)) continue;
    const wrong = valueProblem(type, raw[key]);
    if (wrong) at(key, wrong);
  }
  return out;
}

/** Why `value` is not a value of `type` as written in a library file, or undefined. */
export function valueProblem(type: HuntParamType, value: unknown): string | undefined {
  switch (type) {
    case "long":
      return Number.isSafeInteger(value) ? undefined : `${show(value)} is not a whole number`;
    case "real":
      return typeof value === "number" && Number.isFinite(value)
        ? undefined
        : `${show(value)} is not a number`;
    case "bool":
      return typeof value === "boolean" ? undefined : `${show(value)} is not true or false`;
    case "strings":
    case "ips":
    case "accounts":
    case "hosts":
      return stringList(value) ? undefined : `${show(value)} is not a list of strings`;
    case "timespan":
      return typeof value === "string" && readKqlTimespan(value) !== undefined
        ? undefined
        : `${show(value)} is not a KQL timespan ("1d", "30m")`;
    case "datetime":
      return typeof value === "string" && !Number.isNaN(Date.parse(value))
        ? undefined
        : `${show(value)} is not an ISO 8601 date and time`;
    case "string":
    case "account":
    case "host":
    case "ip":
    case "url":
    case "domain":
    case "hash":
    case "process":
    case "mailbox":
    case "app":
    case "file":
      return typeof value === "string" ? undefined : `${show(value)} is not a string`;
  }
}

/**
 * A syntax problem of a query's text, at its line and column: each `{name}` is read as a
 * string literal of the same length, so positions are the text's own.
 */
function kqlSyntaxProblem(text: string): QueryProblem | undefined {
  const probe = text.replace(PLACEHOLDER, (whole) => `"${"x".repeat(whole.length - 2)}"`);
  try {
    // What parses but cannot run (`where x` with no table, a join without `on`) is refused too.
    const problem = parseKql(probe).problems?.[0];
    if (!problem) return undefined;
    const { line, column } = lineColumn(probe, problem.span.start);
    return { field: "query", message: `the KQL cannot run: ${problem.message}`, line, column };
  } catch (error) {
    if (!(error instanceof KqlSyntaxError)) throw error;
    return {
      field: "query",
      message: `the KQL does not parse: ${error.message.split("\n")[0]}`,
      line: error.line,
      column: error.column,
    };
  }
}

function unknownFields(
  raw: Record<string, unknown>,
  known: readonly string[],
  report: (field: string, hint: string) => void,
): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) report(key, prefixed(didYouMean(key, known), " (", ")"));
  }
}

function tacticHint(tactic: string): string {
  const close = didYouMean(tactic, ATTACK_TACTICS);
  return close ? ` (${close})` : ` (tactics: ${ATTACK_TACTICS.join(", ")})`;
}

function prefixed(text: string | undefined, before = ": ", after = ""): string {
  return text ? `${before}${text}${after}` : "";
}

function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value) ?? String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

function stringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/**
 * Narrows a validated value (no problems) to a family. `parameters` may be left out of a
 * query's YAML; the family has it, empty, as every reader of a query expects.
 */
export function asFamily(raw: unknown): HuntFamily {
  const family = raw as HuntFamily;
  if (family.queries.every((q) => q.parameters !== undefined)) return family;
  return {
    ...family,
    queries: family.queries.map((q) => q.parameters === undefined ? { ...q, parameters: {} } : q),
  };
}

/** A value of `type` to show in a hint, or to fill a parameter a check runs the query with. */
export function exampleOf(type: HuntParamType): unknown {
  switch (type) {
    case "long":
      return 10;
    case "real":
      return 0.5;
    case "bool":
      return true;
    case "strings":
    case "accounts":
    case "hosts":
      return ["a", "b"];
    case "ips":
      return ["203.0.113.45"];
    case "datetime":
      return "2026-03-11T00:00:00Z";
    case "timespan":
      return "1h";
    case "ip":
      return "203.0.113.45";
    case "account":
    case "mailbox":
      return "daniel.reyes@larkspurlogistics.example";
    case "host":
      return "LKS-WS-1042";
    default:
      return "value";
  }
}
