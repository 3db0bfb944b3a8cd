/**
 * Lengths, areas, centroids and distances of shapes on the sphere, as S2 measures them.
 * A multipolygon is measured as the union of its polygons: overlapping polygons are
 * merged first.
 *
 * @module
 */
import { geo } from "./_libs.ts";
import { clip, polygonRings, type Rings } from "./_boolean.ts";
import { type Line, type Polygon, polygonEdges, polygonsContain } from "./_shapes.ts";
import {
  add,
  angle,
  EARTH_RADIUS_M,
  edgeCentroid,
  edgeDistance,
  loopCentroid,
  loopSignedArea,
  norm,
  type Point3,
  project,
  toPoint,
} from "./_sphere.ts";

/** The distance in meters between two points: on the sphere, or on the WGS-84 ellipsoid. */
export function pointDistance(
  lng1: number,
  lat1: number,
  lng2: number,
  lat2: number,
  spheroid: boolean,
): number {
  if (spheroid) {
    return geo().geographiclib.Geodesic.WGS84.Inverse(lat1, lng1, lat2, lng2).s12 ?? NaN;
  }
  return angle(toPoint(lng1, lat1), toPoint(lng2, lat2)) * EARTH_RADIUS_M;
}

/** The total length in meters of the lines. */
export function linesLength(lines: readonly Line[]): number {
  let sum = 0;
  for (const line of lines) {
    for (let i = 1; i < line.points.length; i++) {
      sum += angle(line.points[i - 1], line.points[i]);
    }
  }
  return sum * EARTH_RADIUS_M;
}

/** The centroid of the lines (length-weighted), or null for zero-length lines. */
export function linesCentroid(lines: readonly Line[]): Point3 | null {
  let sum: Point3 = [0, 0, 0];
  for (const line of lines) {
    for (let i = 1; i < line.points.length; i++) {
      sum = add(sum, edgeCentroid(line.points[i - 1], line.points[i]));
    }
  }
  return norm(sum) === 0 ? null : sum;
}

function bounds(p: Polygon): [number, number, number, number] {
  let w = Infinity, e = -Infinity, s = Infinity, n = -Infinity;
  for (const [lng, lat] of p.shell.coords) {
    w = Math.min(w, lng);
    e = Math.max(e, lng);
    s = Math.min(s, lat);
    n = Math.max(n, lat);
  }
  return [w, s, e, n];
}

/**
 * The polygons as output-oriented rings, merged into their union when some of them may
 * overlap (their bounding boxes meet); null when the union cannot be computed.
 */
export function unionOf(polygons: readonly Polygon[]): Rings[] | null {
  const rings = polygons.map(polygonRings);
  if (polygons.length < 2) return rings;
  const boxes = polygons.map(bounds);
  const overlap = boxes.some((a, i) =>
    boxes.some((b, j) => j > i && a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3])
  );
  return overlap ? clip("union", rings.map((r) => [r])) : rings;
}

/** The area in square meters of polygons given as output-oriented rings. */
export function ringsArea(polygons: readonly Rings[]): number {
  let sum = 0;
  for (const rings of polygons) for (const ring of rings) sum += loopSignedArea(ring);
  return sum * EARTH_RADIUS_M * EARTH_RADIUS_M;
}

/** The perimeter in meters of polygons given as rings. */
export function ringsPerimeter(polygons: readonly Rings[]): number {
  let sum = 0;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0; i < ring.length; i++) sum += angle(ring[i], ring[(i + 1) % ring.length]);
    }
  }
  return sum * EARTH_RADIUS_M;
}

/** The centroid direction of polygons given as rings, or null for empty polygons. */
export function ringsCentroid(polygons: readonly Rings[]): Point3 | null {
  let sum: Point3 = [0, 0, 0];
  for (const rings of polygons) for (const ring of rings) sum = add(sum, loopCentroid(ring));
  return norm(sum) === 0 ? null : sum;
}

/** The point of the edges closest to x, with its angular distance. */
export function closestOnEdges(
  x: Point3,
  edges: ReadonlyArray<readonly [Point3, Point3]>,
): { point: Point3; distance: number } | null {
  let best: { point: Point3; distance: number } | null = null;
  for (const [a, b] of edges) {
    const p = project(x, a, b);
    const d = angle(x, p);
    if (!best || d < best.distance) best = { point: p, distance: d };
  }
  return best;
}

/** The distance in meters from x to the nearest edge. */
export function distanceToEdges(
  x: Point3,
  edges: ReadonlyArray<readonly [Point3, Point3]>,
): number {
  let best = Infinity;
  for (const [a, b] of edges) best = Math.min(best, edgeDistance(x, a, b));
  return best * EARTH_RADIUS_M;
}

/** The distance in meters from x to the polygons: 0 inside. */
export function distanceToPolygons(x: Point3, polygons: readonly Polygon[]): number {
  if (polygonsContain(polygons, x)) return 0;
  return distanceToEdges(x, polygonEdges(polygons));
}
