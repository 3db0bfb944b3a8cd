/**
 * Shape edits: densifying planar edges into geodesic chains, and simplifying chains of
 * short edges (snapping vertices closer than the tolerance together, then dropping the
 * vertices whose removal keeps every original vertex within the tolerance).
 *
 * @module
 */
import type { Rings } from "./_boolean.ts";
import {
  angle,
  EARTH_RADIUS_M,
  edgeDistance,
  equals,
  type LngLat,
  type Point3,
  toPoint,
} from "./_sphere.ts";

/** Kusto's cap on the vertices of a densified shape. */
const MAX_POINTS = 10_485_760;

/**
 * The positions of the planar edge a→b with points added where the geodesic strays more
 * than `tolerance` meters from it, ending before b. Null past the vertex limit.
 */
function densifyEdge(
  a: LngLat,
  b: LngLat,
  tolerance: number,
  out: LngLat[],
  budget: { left: number },
): boolean {
  const stack: Array<[LngLat, LngLat]> = [[a, b]];
  while (stack.length > 0) {
    const [p, q] = stack.pop()!;
    const mid: LngLat = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
    const deviation =
      edgeDistance(toPoint(mid[0], mid[1]), toPoint(p[0], p[1]), toPoint(q[0], q[1])) *
      EARTH_RADIUS_M;
    if (deviation > tolerance && (mid[0] !== p[0] || mid[1] !== p[1])) {
      stack.push([mid, q], [p, mid]);
      continue;
    }
    out.push(p);
    if (--budget.left < 0) return false;
  }
  return true;
}

function unwrap(a: LngLat, b: LngLat, preserveCrossing: boolean): LngLat {
  if (!preserveCrossing) return b;
  if (b[0] - a[0] > 180) return [b[0] - 360, b[1]];
  if (a[0] - b[0] > 180) return [b[0] + 360, b[1]];
  return b;
}

function wrap(p: LngLat): LngLat {
  return p[0] > 180 ? [p[0] - 360, p[1]] : p[0] < -180 ? [p[0] + 360, p[1]] : p;
}

/** A densified chain of positions (closed chains get their closing edge densified). */
export function densifyChain(
  coords: readonly LngLat[],
  closed: boolean,
  tolerance: number,
  preserveCrossing: boolean,
  budget: { left: number } = { left: MAX_POINTS },
): Point3[] | null {
  const out: LngLat[] = [];
  const n = coords.length;
  const edges = closed ? n : n - 1;
  for (let i = 0; i < edges; i++) {
    const a = coords[i];
    const b = unwrap(a, coords[(i + 1) % n], preserveCrossing);
    if (!densifyEdge(a, b, tolerance, out, budget)) return null;
  }
  if (!closed) out.push(coords[n - 1]);
  return out.map(wrap).map(([lng, lat]) => toPoint(lng, lat));
}

/** A fresh budget of vertices for one densified shape. */
export function densifyBudget(): { left: number } {
  return { left: MAX_POINTS };
}

/**
 * A chain simplified with `tolerance` radians: vertices closer than the tolerance snap
 * together (first come, first kept), then interior vertices go while the straight edge
 * stays within the tolerance of the vertices it replaces.
 */
export function simplifyChain(
  points: readonly Point3[],
  closed: boolean,
  tolerance: number,
): Point3[] {
  const sites: Point3[] = [];
  const snapped: Point3[] = [];
  for (const p of points) {
    let site = sites.find((s) => angle(s, p) <= tolerance);
    if (!site) {
      site = p;
      sites.push(p);
    }
    if (snapped.length === 0 || !equals(snapped[snapped.length - 1], site)) snapped.push(site);
  }
  if (closed) {
    while (snapped.length > 1 && equals(snapped[0], snapped[snapped.length - 1])) snapped.pop();
    if (snapped.length < 3) return [];
    snapped.push(snapped[0]);
  } else if (snapped.length < 2) return [];

  const kept: Point3[] = [snapped[0]];
  let anchor = 0;
  while (anchor < snapped.length - 1) {
    let next = anchor + 1;
    for (let j = anchor + 2; j < snapped.length; j++) {
      let fits = true;
      for (let k = anchor + 1; k < j && fits; k++) {
        fits = edgeDistance(snapped[k], snapped[anchor], snapped[j]) <= tolerance;
      }
      if (!fits) break;
      next = j;
    }
    kept.push(snapped[next]);
    anchor = next;
  }
  if (closed) {
    kept.pop();
    return kept.length >= 3 ? kept : [];
  }
  return kept.length >= 2 && !equals(kept[0], kept[kept.length - 1]) ? kept : [];
}

/** Simplified polygons (output-oriented rings); polygons whose shell vanishes are dropped. */
export function simplifyPolygons(polygons: readonly Rings[], tolerance: number): Rings[] {
  const out: Rings[] = [];
  for (const rings of polygons) {
    const shell = simplifyChain(rings[0], true, tolerance);
    if (shell.length === 0) continue;
    const holes = rings.slice(1).map((h) => simplifyChain(h, true, tolerance)).filter((h) =>
      h.length > 0
    );
    out.push([shell, ...holes]);
  }
  return out;
}

/** Meters to radians on the Earth's sphere. */
export function metersToRadians(meters: number): number {
  return meters / EARTH_RADIUS_M;
}
