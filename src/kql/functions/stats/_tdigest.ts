/**
 * The t-digest behind `tdigest()`, `tdigest_merge()` and `percentile_tdigest()`: a sorted
 * list of centroids (mean, weight). Small populations are kept exactly (one centroid per
 * distinct value); larger ones are merged into about a thousand centroids with the
 * t-digest's arcsine scale, precise at the tails and within a fraction of a percent of
 * rank in the middle.
 *
 * The dynamic form is `[[type], [means...], [weights...]]`, the shape Kusto shows; Kusto
 * documents its binary content as unstable, and casefile's is its own (datetimes and
 * timespans as microseconds).
 *
 * @module
 */
import type { KustoType } from "../../../schema/types.ts";
import { kustoTypeFromName } from "../../../schema/types.ts";

/** A digest of a population of `type` values. */
export interface Digest {
  readonly type: KustoType;
  /** Ascending. */
  readonly means: number[];
  readonly weights: number[];
}

/** Distinct values kept exactly before the digest compresses. */
const EXACT_LIMIT = 2000;
/** The compression of a digest beyond that: about this many centroids. */
const COMPRESSION = 1000;

/** A digest of weighted values (non-positive and missing weights are left out). */
export function digestOf(
  points: ReadonlyArray<{ v: number | null; w: number | null }>,
  type: KustoType,
): Digest {
  const totals = new Map<number, number>();
  for (const { v, w } of points) {
    if (v === null || !Number.isFinite(v) || w === null || !(w > 0)) continue;
    totals.set(v, (totals.get(v) ?? 0) + w);
  }
  const means = [...totals.keys()].sort((a, b) => a - b);
  return compress({ type, means, weights: means.map((m) => totals.get(m)!) });
}

/** The digest of the union of populations; the type is the first one's. */
export function mergeDigests(digests: readonly Digest[]): Digest | null {
  if (digests.length === 0) return null;
  const points = digests.flatMap((d) => d.means.map((v, i) => ({ v, w: d.weights[i] })));
  return digestOf(points, digests[0].type);
}

function compress(d: Digest): Digest {
  if (d.means.length <= EXACT_LIMIT) return d;
  const total = d.weights.reduce((s, w) => s + w, 0);
  const k = (q: number) => (COMPRESSION / (2 * Math.PI)) * Math.asin(2 * Math.min(1, q) - 1);
  const means: number[] = [];
  const weights: number[] = [];
  let mean = d.means[0];
  let weight = d.weights[0];
  let before = 0;
  for (let i = 1; i < d.means.length; i++) {
    const w = d.weights[i];
    if (k((before + weight + w) / total) - k(before / total) <= 1) {
      mean += ((d.means[i] - mean) * w) / (weight + w);
      weight += w;
    } else {
      means.push(mean);
      weights.push(weight);
      before += weight;
      mean = d.means[i];
      weight = w;
    }
  }
  means.push(mean);
  weights.push(weight);
  return { type: d.type, means, weights };
}

/**
 * The nearest-rank `p`-th percentile: the smallest value with at least p% of the weight
 * at or below it (the minimum for p = 0).
 */
export function digestPercentile(d: Digest, p: number): number | null {
  if (d.means.length === 0 || !Number.isFinite(p)) return null;
  const total = d.weights.reduce((s, w) => s + w, 0);
  const target = (Math.min(Math.max(p, 0), 100) / 100) * total;
  let cum = 0;
  for (let i = 0; i < d.means.length; i++) {
    cum += d.weights[i];
    if (cum >= target) return d.means[i];
  }
  return d.means[d.means.length - 1];
}

/** The rank of `v`: the weight of the values at or below it. */
export function digestRank(d: Digest, v: number): number {
  let rank = 0;
  for (let i = 0; i < d.means.length && d.means[i] <= v; i++) rank += d.weights[i];
  return rank;
}

/** The dynamic form of a digest. */
export function digestToJson(d: Digest): unknown {
  return [[d.type], d.means, d.weights];
}

/** A digest from its dynamic form, or null when the value is not one. */
export function digestFromJson(v: unknown): Digest | null {
  if (!Array.isArray(v) || v.length !== 3) return null;
  const [head, means, weights] = v;
  const type = Array.isArray(head) && typeof head[0] === "string"
    ? kustoTypeFromName(head[0])
    : undefined;
  if (!type || !Array.isArray(means) || !Array.isArray(weights)) return null;
  if (means.length !== weights.length) return null;
  if (![...means, ...weights].every((x) => typeof x === "number")) return null;
  return { type, means: means as number[], weights: weights as number[] };
}
