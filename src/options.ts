/**
 * Options checked at run time. TypeScript checks an options object at compile time, but the
 * REPL, notebooks and plain JavaScript do not: there a mistyped option (`{ y: [...] }` for
 * `{ values: [...] }`) would be ignored and give a wrong answer without a word. Each public
 * function declares its options once, as a map from option name to {@link OptionSpec},
 * typed against its options interface (so tsc fails when the two disagree), and checks what
 * it is given with {@link checkOptions} before doing anything: an unknown option, a value of
 * the wrong type, or a column the frame does not have is an {@link OptionError} with a
 * did-you-mean. The same declarations feed the REPL's `.doc` and Tab completion.
 *
 * @example A mistyped option is an error, not a silent default
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOptions, defineOptions, OptionError } from "./options.ts";
 *
 * interface TopOptions {
 *   column?: string;
 *   top?: number;
 * }
 * const TOP_OPTIONS = defineOptions<TopOptions>("topValues", {
 *   column: "column",
 *   top: { kind: "number", aliases: ["n", "limit"] },
 * });
 * const frame = { columns: ["Computer", "Account"] };
 * checkOptions("topValues", { column: "Computer", top: 5 }, TOP_OPTIONS, frame);
 * assert.throws(
 *   () => checkOptions("topValues", { limit: 5 }, TOP_OPTIONS, frame),
 *   (e: OptionError) => e.message === "topValues: unknown option `limit`. Did you mean `top`?",
 * );
 * assert.throws(
 *   () => checkOptions("topValues", { column: "Computr" }, TOP_OPTIONS, frame),
 *   /no column `Computr` \(option `column`\)\. Did you mean `Computer`\?/,
 * );
 * assert.throws(() => checkOptions("topValues", { top: "5" }, TOP_OPTIONS, frame), OptionError);
 * ```
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions, closestNames } from "./errors.ts";

/**
 * What an option holds: `column` names one column of the frame, `columns` one or several,
 * `strings` a list of strings, `date` a Date (or a date string or epoch milliseconds),
 * `object` any object (a map, a provider, a cache), `any` is not checked.
 */
export type OptionKind =
  | "string"
  | "number"
  | "boolean"
  | "date"
  | "function"
  | "object"
  | "array"
  | "strings"
  | "column"
  | "columns"
  | "any";

/** An option's rule in full: its kinds, the literal values it takes, names users guess for it. */
export interface OptionRule {
  /** The kind, or several kinds a value may have (`["boolean", "string"]`). */
  readonly kind?: OptionKind | readonly OptionKind[];
  /** Literal values the option takes (`["line", "area"]`), beside any `kind`. */
  readonly oneOf?: readonly (string | number | boolean)[];
  /** Names users (or other tools) use for this option: `y` for `values`. */
  readonly aliases?: readonly string[];
  /**
   * The value may be a secret: errors never print it (options named like a secret, such as
   * `clientSecret`, `token` or `password`, are treated so without saying).
   */
  readonly secret?: boolean;
}

/** An option's rule: a kind, or the rule in full. */
export type OptionSpec = OptionKind | OptionRule;

/**
 * The one declaration of a function's options: a rule for every key of the options
 * interface `T`, and no other key (tsc checks both).
 */
export type OptionSpecs<T> = { readonly [K in keyof T]-?: OptionSpec };

/** Anything with column names: a Polars DataFrame, or a stand-in. */
export interface HasColumns {
  /** The column names. */
  readonly columns: readonly string[];
}

/** Options of {@link OptionError}. */
export interface OptionErrorOptions extends CasefileErrorOptions {
  /** The function the options were given to. */
  fn: string;
  /** The option at fault, where one is. */
  option?: string;
}

/** An options object a function cannot take: an unknown option, a wrong type, a missing column. */
export class OptionError extends CasefileError {
  /** The function the options were given to. */
  readonly fn: string;
  /** The option at fault, where one is. */
  readonly option?: string;

  /** Makes the error; `options.fn` is the function, `options.option` the option at fault. */
  constructor(message: string, options: OptionErrorOptions) {
    super(message, options);
    this.name = "OptionError";
    this.fn = options.fn;
    this.option = options.option;
  }
}

const REGISTRY = new Map<string, Readonly<Record<string, OptionSpec>>>();

/**
 * Declares the options of the public function `fn` (its name as users call it) and returns
 * the declaration, for {@link checkOptions}. `.doc` and Tab completion read it back with
 * {@link optionSpecsOf}.
 */
export function defineOptions<T>(fn: string, specs: OptionSpecs<T>): OptionSpecs<T> {
  REGISTRY.set(fn, specs as Readonly<Record<string, OptionSpec>>);
  return specs;
}

/** The options declared for the function `fn`, or undefined for one that takes none. */
export function optionSpecsOf(fn: string): Readonly<Record<string, OptionSpec>> | undefined {
  return REGISTRY.get(fn);
}

/** The names of the functions whose options are declared (those loaded so far). */
export function optionFunctions(): string[] {
  return [...REGISTRY.keys()].sort();
}

/** The kinds and literal values of an option, in words (`a column name`, `"line" or "area"`). */
export function describeOption(spec: OptionSpec): string {
  const rule = ruleOf(spec);
  const parts = kindsOf(rule).filter((k) => k !== "any").map((k) => KIND_WORDS[k]);
  for (const value of rule.oneOf ?? []) parts.push(JSON.stringify(value));
  return parts.length === 0 ? "any value" : parts.join(" or ");
}

/**
 * Checks `options`, given to `fn` from code that may be untyped, against its declaration:
 * every key declared, every value of its kind, every column option naming a column of
 * `frame` (when given). `undefined` values count as left out. Throws an {@link OptionError}
 * with a did-you-mean; returns nothing when all is well.
 */
export function checkOptions(
  fn: string,
  options: unknown,
  specs: Readonly<Record<string, OptionSpec>>,
  frame?: HasColumns,
): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new OptionError(`${fn}: options must be an object, not ${valueWords(options)}.`, {
      fn,
      hint: `Pass options as { name: value }; ${optionList(fn, specs)}`,
    });
  }
  const names = Object.keys(specs);
  for (const [key, value] of Object.entries(options)) {
    const spec = specs[key];
    if (spec === undefined) {
      const guess = aliasOf(key, specs) ?? closest(key, names);
      throw new OptionError(
        `${fn}: unknown option \`${key}\`.${guess ? ` Did you mean \`${guess}\`?` : ""}`,
        { fn, option: key, hint: optionList(fn, specs) },
      );
    }
    if (value === undefined) continue;
    checkValue(fn, key, value, ruleOf(spec), frame);
  }
}

function checkValue(
  fn: string,
  key: string,
  value: unknown,
  rule: OptionRule,
  frame: HasColumns | undefined,
): void {
  if (rule.oneOf?.includes(value as string)) return;
  const kinds = kindsOf(rule);
  if (!kinds.some((kind) => fits(kind, value))) {
    const words = describeOption(rule);
    const given = rule.secret || SECRET_NAME.test(key) ? kindWords(value) : valueWords(value);
    throw new OptionError(`${fn}: option \`${key}\` must be ${words}, not ${given}.`, {
      fn,
      option: key,
      hint: `Give ${key} ${words}, or leave it out for the default (.doc ${fn}).`,
    });
  }
  if (!frame || !Array.isArray(frame.columns)) return;
  const isColumn = kinds.includes("column") && typeof value === "string";
  const isColumns = kinds.includes("columns") &&
    (typeof value === "string" || Array.isArray(value));
  if (!isColumn && !isColumns) return;
  for (const column of typeof value === "string" ? [value] : value as string[]) {
    if (frame.columns.includes(column)) continue;
    const guess = closest(column, frame.columns);
    throw new OptionError(
      `${fn}: no column \`${column}\` (option \`${key}\`).${
        guess ? ` Did you mean \`${guess}\`?` : ""
      }`,
      { fn, option: key, hint: `The frame's columns: ${clipList(frame.columns)}.` },
    );
  }
}

function fits(kind: OptionKind, value: unknown): boolean {
  switch (kind) {
    case "string":
    case "column":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && !Number.isNaN(value);
    case "boolean":
      return typeof value === "boolean";
    case "date":
      // A Date from another realm, or made before someone replaced the global Date, is a Date.
      return Object.prototype.toString.call(value) === "[object Date]" ||
        typeof value === "string" || typeof value === "number";
    case "function":
      return typeof value === "function";
    case "object":
      return (typeof value === "object" && value !== null) || typeof value === "function";
    case "array":
      return Array.isArray(value);
    case "strings":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "columns":
      return typeof value === "string" ||
        (Array.isArray(value) && value.every((v) => typeof v === "string"));
    case "any":
      return true;
  }
}

const KIND_WORDS: Record<OptionKind, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  date: "a Date",
  function: "a function",
  object: "an object",
  array: "an array",
  strings: "a list of strings",
  column: "a column name",
  columns: "a column name or a list of them",
  any: "any value",
};

function ruleOf(spec: OptionSpec): OptionRule {
  return typeof spec === "string" ? { kind: spec } : spec;
}

function kindsOf(rule: OptionRule): OptionKind[] {
  if (rule.kind === undefined) return [];
  return typeof rule.kind === "string" ? [rule.kind] : [...rule.kind];
}

/** The closest name; among equally close ones, a transposition (`titel` → `title`) first. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  const close = closestNames(name, candidates, 3);
  const letters = (text: string) => [...text.toLowerCase()].sort().join("");
  return close.find((c) => letters(c) === letters(name)) ?? close[0];
}

function aliasOf(key: string, specs: Readonly<Record<string, OptionSpec>>): string | undefined {
  const lower = key.toLowerCase();
  for (const [name, spec] of Object.entries(specs)) {
    if (name.toLowerCase() === lower) return name;
    if (ruleOf(spec).aliases?.some((alias) => alias.toLowerCase() === lower)) return name;
  }
  return undefined;
}

function optionList(fn: string, specs: Readonly<Record<string, OptionSpec>>): string {
  return `Options of ${fn}: ${Object.keys(specs).join(", ")} (.doc ${fn} describes them).`;
}

function clipList(names: readonly string[], max = 25): string {
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown}, … (${names.length} in all)` : shown;
}

/** Option names whose values may be secrets: errors name the value's kind only. */
const SECRET_NAME = /secret|password|passphrase|token|apikey|api_key|privatekey|credential/i;

/** What a value is, without any of its content (for a value that may be a secret). */
function kindWords(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a Date";
  const type = typeof value;
  return type === "object" ? "an object" : `a ${type}`;
}

function valueWords(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array (${clip(JSON.stringify(value) ?? "")})`;
  switch (typeof value) {
    case "string":
      return `the string ${clip(JSON.stringify(value))}`;
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof value} ${String(value)}`;
    case "function":
      return "a function";
    case "object":
      return value instanceof Date ? "a Date" : "an object";
    default:
      return typeof value;
  }
}

function clip(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
