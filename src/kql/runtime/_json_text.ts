/**
 * Reading dynamic values' JSON text into JavaScript values, without Polars: the runtime's
 * conversions (`_values.ts`) and the worker threads that compute JavaScript jobs off the main
 * thread (compile/_job_worker.ts) read dynamic text the same way.
 *
 * @module
 */
import { exactLongAsJson, realAsJson } from "../syntax/_literals.ts";

const jsonCache = new Map<string, unknown>();

/** Parses dynamic text; text that is not JSON stays a string (as Kusto's parse_json does). */
export function parseJson(text: string): unknown {
  if (jsonCache.size > 10_000) jsonCache.clear();
  const cached = jsonCache.get(text);
  if (cached !== undefined || jsonCache.has(text)) return structuredCloneIfObject(cached);
  const value = parseJsonUncached(text);
  jsonCache.set(text, value);
  return structuredCloneIfObject(value);
}

/**
 * {@link parseJson} without its cache: a new value at every call, never a copy. For a reader
 * of many distinct texts (a worker thread reading a job's series), where copying a cached
 * array out would cost more than parsing it.
 */
export function parseJsonUncached(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Text that may hold a number written as a real with an integral value, or an integer
 * beyond 2^53 (16 digits or more).
 */
const INTEGRAL_REAL_OR_LONG = /\d\.0*(?![0-9])|\d[eE]|[0-9]{16}/;

/**
 * Reads dynamic text for writing it back as text: a number written with a fraction or an
 * exponent stays a real (`2.0`, see `realAsJson`), an integer beyond 2^53 keeps every digit
 * (a long, exact as Kusto keeps it; see `exactLongAsJson`); text that is not JSON stays a
 * string.
 */
export function parseJsonKeepingReals(text: string): unknown {
  // Most text has neither (`2.0`, `1e3`, 12345678901234567): the cached plain reading will do.
  if (!INTEGRAL_REAL_OR_LONG.test(text)) return parseJson(text);
  const keep = (_key: string, value: unknown, context?: { source?: string }) => {
    if (typeof value !== "number") return value;
    const source = context?.source ?? "";
    if (/[.eE]/.test(source)) return realAsJson(value);
    // An integer beyond Int64 is a real in Kusto (never wrapped, never null).
    return Number.isSafeInteger(value) ? value : exactLongAsJson(source) ?? realAsJson(value);
  };
  try {
    return JSON.parse(text, keep as (key: string, value: unknown) => unknown);
  } catch {
    return text;
  }
}

function structuredCloneIfObject(value: unknown): unknown {
  return typeof value === "object" && value !== null ? structuredClone(value) : value;
}
