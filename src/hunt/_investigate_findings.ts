/**
 * From hits to findings: hits of the same stage (a shared ATT&CK technique, or the same
 * source, close in time) become one finding with several sources; findings are ranked by
 * severity and listed in time order.
 *
 * @module
 */
import type { FindingSeverity, Hit } from "./_investigate_run.ts";

/** A finding as the summary holds it (see `Finding` in investigate.ts). */
export interface MergedFinding {
  time: Date;
  end: Date;
  what: string;
  stage: string;
  entities: string[];
  rows: number;
  sources: string[];
  techniques: string[];
  tactics: string[];
  severity: FindingSeverity;
}

/** Hits within this of each other (ends included) can be one stage. */
const NEAR_MS = 15 * 60 * 1000;

const SEVERITY_RANK: Readonly<Record<FindingSeverity, number>> = { high: 3, medium: 2, low: 1 };

/** The rank of a severity (high 3, medium 2, low 1). */
export function severityRank(severity: FindingSeverity): number {
  return SEVERITY_RANK[severity];
}

/**
 * Merges hits into findings, in time order. A hit joins a finding when it is near the
 * finding's first hit in time and shares a technique with it or comes from the same source
 * (comparing with the first hit, not every hit, keeps one stage from chaining into the next).
 */
export function mergeHits(hits: readonly Hit[]): MergedFinding[] {
  const sorted = [...hits].sort((a, b) =>
    a.time.getTime() - b.time.getTime() || a.source.localeCompare(b.source)
  );
  const groups: { seed: Hit; hits: Hit[] }[] = [];
  for (const hit of sorted) {
    const group = groups.find(({ seed }) => sameStage(seed, hit));
    if (group) group.hits.push(hit);
    else groups.push({ seed: hit, hits: [hit] });
  }
  return groups.map(({ seed, hits }) => finding(seed, hits)).sort((a, b) =>
    a.time.getTime() - b.time.getTime()
  );
}

function sameStage(a: Hit, b: Hit): boolean {
  const overlap = b.time.getTime() <= a.end.getTime() + NEAR_MS &&
    a.time.getTime() <= b.end.getTime() + NEAR_MS;
  if (a.source === b.source) return overlap;
  // Other sources join when they start close to it: a long stage (a beacon) must not swallow
  // the later stages that happen while it runs.
  if (Math.abs(b.time.getTime() - a.time.getTime()) > NEAR_MS && !contains(a, b)) return false;
  return a.techniques.some((t) => b.techniques.includes(t)) ||
    // An alert's technique is often the parent of a query's (T1110 and T1110.003).
    a.techniques.some((t) => b.techniques.some((u) => parentOf(t, u)));
}

/** Whether b lies inside a and a is short (an alert's span around its rows). */
function contains(a: Hit, b: Hit): boolean {
  return a.end.getTime() - a.time.getTime() <= 6 * 3_600_000 && b.time >= a.time && b.end <= a.end;
}

function parentOf(a: string, b: string): boolean {
  return (!a.includes(".") && b.startsWith(a + ".")) || (!b.includes(".") && a.startsWith(b + "."));
}

function finding(seed: Hit, hits: readonly Hit[]): MergedFinding {
  const unique = <T>(values: T[]) => [...new Set(values)];
  const severity = hits.reduce<FindingSeverity>(
    (best, h) => SEVERITY_RANK[h.severity] > SEVERITY_RANK[best] ? h.severity : best,
    "low",
  );
  // Rows: the largest count any one source saw (sources overlap; summing would double count).
  const bySource = new Map<string, number>();
  for (const h of hits) bySource.set(h.source, Math.max(bySource.get(h.source) ?? 0, h.rows));
  const detections = hits.filter((h) => !h.source.startsWith("alert: "));
  return {
    time: new Date(Math.min(...hits.map((h) => h.time.getTime()))),
    end: new Date(Math.max(...hits.map((h) => h.end.getTime()))),
    what: (detections[0] ?? seed).what,
    stage: unique(hits.flatMap((h) => h.tactics)).join(", ") || "Unmapped",
    entities: unique(hits.map((h) => h.entity.value)),
    rows: Math.max(...bySource.values()),
    sources: unique(hits.map((h) => h.source)),
    techniques: unique(hits.flatMap((h) => h.techniques)),
    tactics: unique(hits.flatMap((h) => h.tactics)),
    severity,
  };
}
