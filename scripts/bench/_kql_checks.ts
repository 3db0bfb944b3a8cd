/**
 * Checks of the `kql` suite beside its timings: that the engine's answer and the hand plan's
 * are the same rows (so a wrong answer cannot look fast, and a hand plan that computes
 * something else cannot make a ratio look bad), and whether planning a query runs part of
 * it (a collect of a source table's plan while the lazy plan is built).
 *
 * @module
 */
import type { DataFrame } from "../../src/polars.ts";
import type { SourceTable } from "../../src/kql/compile/_context.ts";

/**
 * What a case's two results must share: `rows`, the same columns in the same order and the
 * same rows in any order (reals to 12 significant digits, JSON texts compared as the
 * values they hold); `shape`, only the columns and the row count (a hand plan that is a
 * proxy, not the same computation).
 */
export type ResultCheck = "rows" | "shape";

/** The first difference between the engine's result and the hand plan's, or undefined. */
export function resultDifference(
  kql: DataFrame,
  hand: DataFrame,
  check: ResultCheck,
): string | undefined {
  const names = (f: DataFrame) => f.columns.join(", ");
  if (names(kql) !== names(hand)) return `columns [${names(kql)}] vs [${names(hand)}]`;
  if (kql.height !== hand.height) return `${kql.height} rows vs ${hand.height}`;
  if (check === "shape") return undefined;
  const canonical = (f: DataFrame) =>
    (f.rows() as unknown[][]).map((row) => JSON.stringify(row.map(cell))).sort();
  const a = canonical(kql);
  const b = canonical(hand);
  const at = a.findIndex((row, i) => row !== b[i]);
  return at < 0 ? undefined : `row ${at} (sorted): ${a[at]} vs ${b[at]}`;
}

/** A cell as a comparable JSON value. */
function cell(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") {
    return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  }
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value) || Number.isInteger(value)) return value;
    return Number(value.toPrecision(12));
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") {
    if (!/^\s*[[{]/.test(value)) return value;
    try {
      return { json: cell(JSON.parse(value)) };
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map(cell);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cell(v)]));
  }
  return value;
}

/**
 * The engine's and the hand plan's runs of one case, wrapped so that the first result of
 * each is kept until the other's is there, then compared once and let go (the suite's
 * warm-up runs make the check: no extra run).
 */
export function checkedPair(
  check: ResultCheck,
  kql: () => Promise<DataFrame>,
  hand: () => DataFrame,
): { kql: () => Promise<void>; hand: () => void; difference: () => string | undefined } {
  let mine: DataFrame | undefined;
  let theirs: DataFrame | undefined;
  let difference: string | undefined;
  let checked = false;
  const compareOnce = () => {
    if (checked || !mine || !theirs) return;
    difference = resultDifference(mine, theirs, check);
    [mine, theirs, checked] = [undefined, undefined, true];
  };
  return {
    kql: async () => {
      const frame = await kql();
      if (!checked && !mine) mine = frame;
      compareOnce();
    },
    hand: () => {
      const frame = hand();
      if (!checked && !theirs) theirs = frame;
      compareOnce();
    },
    difference: () => checked ? difference : "the results were never compared",
  };
}

/**
 * `tables` with each source table's plan counting the collects made of it, or of any plan
 * built from it by a method call, into `counter.collects`.
 */
export function countingCollects(
  tables: ReadonlyMap<string, SourceTable>,
  counter: { collects: number },
): Map<string, SourceTable> {
  const counting = (frame: object): object =>
    new Proxy(frame, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (key === "collectSync" || key === "collect") counter.collects++;
          const out = value.apply(target, args);
          return out && typeof out === "object" && "describeOptimizedPlan" in out
            ? counting(out)
            : out;
        };
      },
    });
  return new Map(
    [...tables].map((
      [name, t],
    ) => [name, { ...t, frame: counting(t.frame) as typeof t.frame }]),
  );
}
