/**
 * Helpers for the row-order tests of analyses, enrichments and loaders: a documented order
 * checked in plain JavaScript (not by sorting with Polars again), seeded shuffles, and the
 * SHA-256 a session records for a result.
 */
import assert from "node:assert/strict";
import { type DataFrame, pl } from "../src/polars.ts";
import { digestFrame } from "../src/session/result_cache.ts";

/** The SHA-256 of a frame's Parquet bytes: what a session records and a replay compares. */
export function sha(frame: DataFrame): string {
  return digestFrame(frame).sha256;
}

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, seed: number): number[] {
  const random = rng(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `frame`'s rows in a seeded random order. */
export function shuffled(frame: DataFrame, seed: number): DataFrame {
  return frame.select(pl.all().gather(permutation(frame.height, seed)));
}

/** `frame`'s rows in reverse order. */
export function reversed(frame: DataFrame): DataFrame {
  return frame.select(pl.all().gather(Array.from({ length: frame.height }, (_, i) => i).reverse()));
}

/** One key of an order: a column, ascending unless `desc`; nulls first either way (Polars' default). */
export interface OrderKey {
  readonly column: string;
  readonly desc?: boolean;
  /** Compare by this function of the value instead (e.g. `Math.abs`). */
  readonly map?: (value: unknown) => unknown;
}

/** Compares two cell values as Polars orders them: null first, then by value. */
export function compareValues(a: unknown, b: unknown): number {
  const isNull = (v: unknown) => v === null || v === undefined;
  if (isNull(a) || isNull(b)) return isNull(a) ? (isNull(b) ? 0 : -1) : 1;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (
    (typeof a === "number" || typeof a === "bigint") &&
    (typeof b === "number" || typeof b === "bigint")
  ) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`cannot compare ${String(a)} with ${String(b)}`);
}

/** Compares two rows by `keys`. */
export function compareRows(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  keys: readonly (string | OrderKey)[],
): number {
  for (const k of keys) {
    const key = typeof k === "string" ? { column: k } : k;
    const map = key.map ?? ((v: unknown) => v);
    // Nulls stay first when descending (Polars' nullsLast = false).
    const [x, y] = [map(a[key.column]), map(b[key.column])];
    const nulls = (x === null) !== (y === null);
    const c = compareValues(x, y);
    if (c !== 0) return key.desc && !nulls ? -c : c;
  }
  return 0;
}

/**
 * Asserts that `frame`'s rows are in the order `keys` gives, strictly when `strict` (the
 * keys make a total order, so no two rows tie).
 */
export function assertOrdered(
  frame: DataFrame,
  keys: readonly (string | OrderKey)[],
  options: { strict?: boolean } = {},
): void {
  const rows = frame.toRecords() as Record<string, unknown>[];
  for (let i = 1; i < rows.length; i++) {
    const c = compareRows(rows[i - 1], rows[i], keys);
    const bad = options.strict ? c >= 0 : c > 0;
    if (bad) {
      assert.fail(
        `rows ${i - 1} and ${i} are out of order by ${show(keys)}:\n` +
          `${show(rows[i - 1])}\n${show(rows[i])}`,
      );
    }
  }
}

function show(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? String(v) : v));
}

/** How many adjacent rows tie on `keys` (a test's data must have ties for a tie-break to matter). */
export function tiesOn(frame: DataFrame, keys: readonly (string | OrderKey)[]): number {
  const rows = frame.toRecords() as Record<string, unknown>[];
  let ties = 0;
  for (let i = 1; i < rows.length; i++) if (compareRows(rows[i - 1], rows[i], keys) === 0) ties++;
  return ties;
}

/**
 * Asserts two long lists are equal, naming the first difference (`assert.deepEqual` would
 * build a diff of the whole lists, which for tens of thousands of values takes gigabytes).
 */
export function assertSameList(actual: readonly unknown[], expected: readonly unknown[]): void {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (!Object.is(actual[i], expected[i])) {
      assert.fail(
        `the lists differ first at ${i} (lengths ${actual.length} and ${expected.length}): ` +
          `${show(actual[i])} where ${show(expected[i])} was expected`,
      );
    }
  }
}
