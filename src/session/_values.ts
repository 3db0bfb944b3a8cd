/**
 * What a step's value is, as the journal keeps it: a DataFrame or Series (stored in the
 * result cache as Parquet, its SHA-256 its identity), a plain JSON value (kept in the
 * journal), or anything else (a process tree, a decode result with bytes, a chart, a
 * function) kept as a readable rendering and a SHA-256 of its content, so that a replay
 * can say whether it got the same value.
 *
 * @module
 */
import { type DataFrame, isDataFrame, pl, type Series } from "../polars.ts";
import { type ColumnSchema, kustoTypeOfPolars } from "../schema/mod.ts";
import { digestFrame, type ResultDigest, sha256Hex } from "./result_cache.ts";
import type { ResultSummary } from "./_journal.ts";

/** Whether `value` is a Polars Series. */
export function isSeries(value: unknown): value is Series {
  return typeof value === "object" && value !== null &&
    typeof (value as Series).toFrame === "function" &&
    typeof (value as Series).dtype === "object";
}

/** A frame or series as a frame (a series becomes a one-column frame). */
export function asFrame(value: unknown): DataFrame | undefined {
  if (isDataFrame(value)) return value;
  if (isSeries(value)) return pl.DataFrame([value]);
  return undefined;
}

/** Whether `value` is a casefile chart (a vega-lite or vega specification with its data). */
export function isChart(value: unknown): value is {
  kind: string;
  title: string;
  grammar: string;
  spec: Record<string, unknown>;
} {
  return typeof value === "object" && value !== null &&
    typeof (value as { toVega?: unknown }).toVega === "function" &&
    typeof (value as { grammar?: unknown }).grammar === "string" &&
    typeof (value as { spec?: unknown }).spec === "object";
}

const JSON_LIMIT = 256 * 1024;
const TEXT_LIMIT = 20_000;

/** A step value's summary, with the serialisation to store when it is a frame. */
export function valueSummary(value: unknown): { summary: ResultSummary; digest?: ResultDigest } {
  const frame = asFrame(value);
  if (frame) {
    const digest = digestFrame(frame);
    return {
      summary: {
        kind: isDataFrame(value) ? "frame" : "series",
        rows: frame.height,
        columns: frame.columns.map((name) => ({
          name,
          type: kustoTypeOfPolars(frame.getColumn(name).dtype),
        })),
        sha256: digest.sha256,
        bytes: digest.parquet.length,
      },
      digest,
    };
  }
  if (isPlainJson(value)) {
    const json = JSON.stringify(value);
    if (json !== undefined && json.length <= JSON_LIMIT) {
      const plain = JSON.parse(json);
      return { summary: { kind: "json", value: plain, sha256: sha256Hex(canonicalJson(plain)) } };
    }
  }
  return {
    summary: {
      kind: "other",
      type: typeName(value),
      text: renderText(value),
      sha256: digestValue(value),
    },
  };
}

/**
 * A query result's summary. `stored` is what the cache already holds it as; otherwise the
 * result is serialised here, and the `digest` returned is to be stored.
 */
export function frameSummary(
  frame: DataFrame,
  columns: readonly ColumnSchema[],
  stored?: { sha256: string; bytes: number },
): { summary: ResultSummary; digest?: ResultDigest } {
  const digest = stored ? undefined : digestFrame(frame);
  return {
    summary: {
      kind: "frame",
      rows: frame.height,
      columns,
      sha256: stored?.sha256 ?? digest!.sha256,
      bytes: stored?.bytes ?? digest!.parquet.length,
    },
    digest,
  };
}

/** The name of a value's type, as a person reads it (`ProcessTree`, `Map`, `function`). */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return "function";
  if (typeof value !== "object") return typeof value;
  return (value as object).constructor?.name ?? "object";
}

/**
 * A value as readable text: its own `toText()` when it has one (a process tree), else as
 * Deno inspects it (never `[object Object]`), cut at 20,000 characters.
 */
export function renderText(value: unknown): string {
  let text: string;
  try {
    const toText = (value as { toText?: unknown } | null)?.toText;
    if (isChart(value)) {
      const notes = (value as { notes?: readonly string[] }).notes ?? [];
      return [`a ${value.kind} chart: ${value.title}`, ...notes].join("\n");
    }
    if (typeof value === "object" && value !== null && typeof toText === "function") {
      text = String(toText.call(value));
    } else if (typeof value === "function") {
      text = String(value);
    } else {
      text = Deno.inspect(value, {
        colors: false,
        depth: 6,
        iterableLimit: 100,
        strAbbreviateSize: 2000,
        breakLength: 100,
        sorted: false,
        trailingComma: false,
      });
    }
  } catch (error) {
    text = `(${typeName(value)} that cannot be shown: ${(error as Error).message})`;
  }
  return text.length <= TEXT_LIMIT
    ? text
    : `${text.slice(0, TEXT_LIMIT)}\n… ${text.length - TEXT_LIMIT} more characters`;
}

/**
 * A value JSON keeps as it is (no Dates, Maps, class instances; `undefined` only as an
 * object property, which JSON leaves out as a reader expects).
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1));
  const proto = typeof value === "object" ? Object.getPrototypeOf(value) : undefined;
  // A null prototype too: `Deno.env.toObject()`, `Object.create(null)` are plain data.
  if (typeof value === "object" && (proto === Object.prototype || proto === null)) {
    return Object.values(value as object).every((v) =>
      v === undefined || isPlainJson(v, depth + 1)
    );
  }
  return false;
}

/** JSON with object keys sorted: the same value gives the same text, whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_, v) =>
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
        : v,
  );
}

const MAX_NODES = 2_000_000;

/**
 * SHA-256 of a value's content: its own enumerable properties (sorted; timings such as
 * `durationMs` and a query result's `provider` left out), with frames and series by their
 * Parquet hash, dates as ISO text, maps, sets and bytes in order, functions by their name. Undefined for a function, and when the value holds something with no
 * content to compare (a promise, a symbol) or is too large to walk.
 */
export function digestValue(value: unknown): string | undefined {
  // A definition has no content to compare (its source differs between hosts).
  if (typeof value === "function") return undefined;
  let nodes = 0;
  const seen = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (++nodes > MAX_NODES) throw NOT_DIGESTIBLE;
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (v === undefined) return { $undefined: true };
    if (typeof v === "number") return Number.isFinite(v) ? v : { $number: String(v) };
    if (typeof v === "bigint") return { $bigint: v.toString() };
    // A function's source differs between hosts (a script's is compiled by Deno): its name.
    if (typeof v === "function") return { $function: v.name };
    if (typeof v !== "object") throw NOT_DIGESTIBLE;
    if (seen.has(v)) return { $cycle: true };
    seen.add(v);
    try {
      if (isDataFrame(v)) return { $frame: digestFrame(v).sha256 };
      if (isSeries(v)) return { $series: digestFrame(pl.DataFrame([v])).sha256 };
      if (v instanceof Date) return { $date: Number.isNaN(v.getTime()) ? null : v.toISOString() };
      if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet) {
        throw NOT_DIGESTIBLE;
      }
      if (ArrayBuffer.isView(v)) {
        const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        return { $bytes: sha256Hex(bytes), type: typeName(v) };
      }
      if (v instanceof ArrayBuffer) return { $bytes: sha256Hex(new Uint8Array(v)) };
      if (Array.isArray(v)) return v.map(walk);
      if (v instanceof Map) return { $map: [...v].map(([k, x]) => [walk(k), walk(x)]) };
      if (v instanceof Set) return { $set: [...v].map(walk) };
      if (v instanceof RegExp) return { $regexp: String(v) };
      if (v instanceof Error) return { $error: `${v.name}: ${v.message}` };
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      const proto = Object.getPrototypeOf(v);
      const type = proto === Object.prototype || proto === null ? undefined : typeName(v);
      if (typeof toJSON === "function") return { $type: type, $json: walk(toJSON.call(v)) };
      const out: Record<string, unknown> = type ? { $type: type } : {};
      const skip = circumstance(v as Record<string, unknown>);
      for (const key of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[key];
        if (x !== undefined && !skip.has(key)) out[key] = walk(x);
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  try {
    return sha256Hex(JSON.stringify(walk(value)));
  } catch {
    // Not digestible, or a property that throws when read (a session's `params` answers
    // an unknown name with an error): either way there is no content to compare.
    return undefined;
  }
}

const NOT_DIGESTIBLE = Symbol("not digestible");

/** How long something took: it differs from run to run, and is not the result. */
const TIMINGS: ReadonlySet<string> = new Set(["durationMs", "elapsedMs"]);

/**
 * The keys of an object that say how it was made, not what it is: timings everywhere, and
 * a query result's `provider` (its identity holds the data folder's path on this machine).
 */
function circumstance(v: Record<string, unknown>): ReadonlySet<string> {
  const keys = new Set([...TIMINGS].filter((k) => typeof v[k] === "number"));
  if (isDataFrame(v.frame) && typeof v.provider === "string") keys.add("provider");
  return keys;
}
