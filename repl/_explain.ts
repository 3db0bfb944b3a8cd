/**
 * Plain JavaScript and Polars errors from code typed in the REPL, said in the REPL's terms:
 * `sprayy is not defined` gains "Did you mean 'spray'?" (from the scope's names), and
 * Polars' `not found: "Failurez" not found` becomes "no column 'Failurez' in spray. Did you
 * mean 'Failures'? Columns: …" (the frame found among the variables the input names).
 * Anything else is left as it is.
 *
 * @module
 */
import { closestNames } from "../src/errors.ts";
import { isDataFrame } from "../src/polars.ts";
import { UnknownNameError } from "./errors.ts";

/** Columns listed at most in a message. */
const MAX_LISTED = 20;

/**
 * The error to show for `error`, thrown by `source` run in the scope `vars` (its prototype
 * holds the API's names): an {@link UnknownNameError} when it names a variable, a method
 * or a column that is not there; else `error` itself. `lost` maps names that steps bound
 * but a resume could not restore to those steps' numbers.
 */
export function explainError(
  error: unknown,
  source: string,
  vars: Record<string, unknown>,
  lost: ReadonlyMap<string, number> = new Map(),
): unknown {
  if (!(error instanceof Error) || error instanceof UnknownNameError) return error;
  try {
    return unknownVariable(error, source, vars, lost) ??
      unknownProperty(error, source, vars) ??
      unknownColumn(error, source, vars) ?? error;
  } catch {
    return error; // Explaining must never hide the error itself.
  }
}

/** `sprayy is not defined`: the names in scope closest to it. */
function unknownVariable(
  error: Error,
  source: string,
  vars: Record<string, unknown>,
  lost: ReadonlyMap<string, number>,
): UnknownNameError | undefined {
  const match = /^([\p{L}_$][\p{L}\p{N}_$]*) is not defined$/u.exec(error.message);
  if (!(error instanceof ReferenceError) || !match || !mentions(source, match[1])) return;
  const name = match[1];
  const step = lost.get(name);
  if (step !== undefined) {
    // Bound before the session was reopened, by a step whose value is not stored (a
    // process tree, an object): say so, rather than suggest other names.
    return new UnknownNameError(
      "variable",
      name,
      `${name} is not defined: step ${step} bound it, and its value was not restored ` +
        "when the session was reopened (only tables and JSON values are stored).",
      { hint: `.rerun ${step} computes it again.`, cause: error },
    );
  }
  const own = Object.keys(vars).filter((n) => !n.startsWith("_"));
  const api = Object.keys(Object.getPrototypeOf(vars) ?? {});
  const close = closestNames(name, [...own, ...api]);
  const listed = own.length > 0
    ? `Variables: ${list(own)}.`
    : "No variables yet: bind one with %kql name = Table | ... or const name = ...";
  return new UnknownNameError(
    "variable",
    name,
    `${name} is not defined.${close.length ? ` ${guess(close)}` : ""}`,
    { hint: listed, cause: error },
  );
}

/** `spray.hed is not a function`: the value's properties closest to it. */
function unknownProperty(
  error: Error,
  source: string,
  vars: Record<string, unknown>,
): UnknownNameError | undefined {
  const match = /^([\p{L}_$][\p{L}\p{N}_$]*)\.([\p{L}_$][\p{L}\p{N}_$]*) is not a function$/u
    .exec(error.message);
  if (!(error instanceof TypeError) || !match || !mentions(source, match[1])) return;
  const [, base, property] = match;
  const value = base in vars ? vars[base] : (globalThis as Record<string, unknown>)[base];
  if (value === null || value === undefined) return;
  const close = closestNames(property, propertyNames(value));
  if (close.length === 0) return;
  return new UnknownNameError(
    "property",
    property,
    `${base}.${property} is not a function. ${guess(close)}`,
    { hint: `Press Tab after \`${base}.\` to see what it has.`, cause: error },
  );
}

/** Polars' `not found: "X" not found` (or `unable to find column "X"`) for a frame named in the input. */
function unknownColumn(
  error: Error,
  source: string,
  vars: Record<string, unknown>,
): UnknownNameError | undefined {
  const match = /^not found: (?:unable to find column )?"([^"]*)"/.exec(error.message) ??
    /ColumnNotFound(?:Error)?:?\s*"?([^"\s]+)"?/.exec(error.message);
  if (!match) return;
  const column = match[1];
  const frames = Object.entries(vars).filter(([name, value]) =>
    !name.startsWith("_") && isDataFrame(value) && mentions(source, name) &&
    !value.columns.includes(column)
  ).sort(([a], [b]) => firstMention(source, a) - firstMention(source, b));
  const listed = /valid columns: (\[[^\]]*\])/.exec(error.message);
  const named = frames[0];
  const columns: string[] = named
    ? [...(named[1] as { columns: string[] }).columns]
    : listed
    ? JSON.parse(listed[1])
    : [];
  if (!named && columns.length === 0) return;
  const close = closestNames(column, columns);
  const where = named ? ` in ${named[0]}` : "";
  return new UnknownNameError(
    "column",
    column,
    `no column '${column}'${where}.${close.length ? ` ${guess(close)}` : ""} ` +
      `Columns: ${list(columns)}`,
    {
      hint: `Column names are case-sensitive${named ? `; ${named[0]}.columns lists them` : ""}.`,
      cause: error,
    },
  );
}

function guess(close: readonly string[]): string {
  return `Did you mean ${close.map((c) => `'${c}'`).join(" or ")}?`;
}

function list(names: readonly string[]): string {
  return names.length <= MAX_LISTED
    ? names.join(", ")
    : `${names.slice(0, MAX_LISTED).join(", ")}, … (${names.length} in all)`;
}

/** Whether `source` uses the identifier `name` (not as part of a longer one). */
function mentions(source: string, name: string): boolean {
  return firstMention(source, name) >= 0;
}

function firstMention(source: string, name: string): number {
  const escaped = name.replace(/[$]/g, "\\$");
  const found = new RegExp(`(?<![\\p{L}\\p{N}_$.])${escaped}(?![\\p{L}\\p{N}_$])`, "u")
    .exec(source);
  return found ? found.index : -1;
}

/**
 * A Polars DataFrame is a Proxy that lists its columns as its keys: its methods cannot be
 * listed, so the common ones are named here (those present on the frame are offered).
 */
const FRAME_METHODS = [
  "head",
  "tail",
  "select",
  "filter",
  "sort",
  "groupBy",
  "withColumn",
  "withColumns",
  "getColumn",
  "getColumns",
  "join",
  "unique",
  "rename",
  "drop",
  "dropNulls",
  "describe",
  "toRecords",
  "toObject",
  "writeCSV",
  "writeJSON",
  "writeParquet",
  "sample",
  "slice",
  "limit",
  "lazy",
  "clone",
  "columns",
  "height",
  "width",
  "shape",
  "schema",
  "vstack",
  "hstack",
  "melt",
  "pivot",
  "explode",
  "fillNull",
  "nUnique",
  "rows",
  "row",
  "toSeries",
  "upsample",
  "sum",
  "mean",
  "max",
  "min",
  "median",
  "std",
  "var",
  "count",
  "print",
];

/** A value's property names, own and inherited (Object's own left out). */
function propertyNames(value: unknown): string[] {
  if (isDataFrame(value)) {
    return FRAME_METHODS.filter((m) =>
      (value as unknown as Record<string, unknown>)[m] !== undefined
    );
  }
  const names = new Set<string>();
  let object: unknown = Object(value);
  while (object && object !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(object)) {
      if (name !== "constructor" && !name.startsWith("_")) names.add(name);
    }
    object = Object.getPrototypeOf(object);
  }
  return [...names];
}
