/**
 * Union and intersection of polygons with geodesic edges. The shapes are projected with
 * the gnomonic projection centred on them, which maps every great circle to a straight
 * line: the planar result of polyclip-ts is then exactly the spherical one, intersection
 * points included, and projecting back gives the vertices S2 would compute (up to
 * rounding). Shapes spreading beyond ~80° from their centre are not supported (null).
 *
 * Output rings start where S2's builder starts them: at the edge that comes from the
 * earliest input edge, so results read like Kusto's. The helpers at the end assemble
 * the lower-dimensional parts of intersections (touching points, shared stretches).
 *
 * @module
 */
import type * as polyclip from "polyclip-ts";
import { geo } from "./_libs.ts";
import {
  add,
  angle,
  cross,
  dot,
  edgesCross,
  equals,
  intersection,
  normalize,
  onEdge,
  type Point3,
  scale,
  toLngLat,
} from "./_sphere.ts";
import { collectionJson, linesJson, pointJson, type Polygon, polygonsJson } from "./_shapes.ts";

/** Rings of a polygon: the shell counterclockwise, then holes clockwise, unclosed. */
export type Rings = readonly (readonly Point3[])[];

/** The rings of a parsed polygon in output orientation. */
export function polygonRings(p: Polygon): Rings {
  return [p.shell.points, ...p.holes.map((h) => [...h.points].reverse())];
}

type XY = [number, number];

interface Projection {
  readonly forward: (p: Point3) => XY;
  readonly back: (q: XY) => Point3;
}

/** A gnomonic projection centred on the points, or null when they spread too far. */
function gnomonic(points: readonly Point3[]): Projection | null {
  let sum: Point3 = [0, 0, 0];
  for (const p of points) sum = add(sum, p);
  const c = normalize(sum);
  if (c[0] === 0 && c[1] === 0 && c[2] === 0) return null;
  if (points.some((p) => dot(p, c) < 0.17)) return null;
  const pole: Point3 = Math.abs(c[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const e1 = normalize(cross(pole, c));
  const e2 = cross(c, e1);
  return {
    forward: (p) => {
      const d = dot(p, c);
      return [dot(p, e1) / d, dot(p, e2) / d];
    },
    back: ([x, y]) => normalize(add(c, add(scale(e1, x), scale(e2, y)))),
  };
}

interface InputEdge {
  readonly a: XY;
  readonly b: XY;
}

function key(q: XY): string {
  return `${q[0]},${q[1]}`;
}

/** Whether q lies on segment ab (relative tolerance for the projected coordinates). */
function onSegment(q: XY, a: XY, b: XY): boolean {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return q[0] === a[0] && q[1] === a[1];
  const crossed = (q[0] - a[0]) * dy - (q[1] - a[1]) * dx;
  if (crossed * crossed > 1e-20 * len2 * len2) return false;
  const t = ((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / len2;
  return t >= -1e-9 && t <= 1 + 1e-9;
}

/** The ring rotated to start with the edge taken from the earliest input edge. */
function rotate(ring: XY[], edges: readonly InputEdge[]): XY[] {
  let best = Infinity;
  let start = 0;
  for (let i = 0; i < ring.length; i++) {
    const u = ring[i];
    const v = ring[(i + 1) % ring.length];
    const id = edges.findIndex((e) => onSegment(u, e.a, e.b) && onSegment(v, e.a, e.b));
    if (id >= 0 && id < best) {
      best = id;
      start = i;
    }
  }
  return [...ring.slice(start), ...ring.slice(0, start)];
}

/** Planar rings (open, planar orientation kept) of a polyclip result. */
function openRings(poly: polyclip.Geom): XY[][][] {
  return (poly as XY[][][]).map((p) => p.map((ring) => ring.slice(0, -1)));
}

/** The boolean operation of polygon groups (each a multipolygon), or null if unsupported. */
export function clip(
  op: "union" | "intersection",
  groups: readonly (readonly Rings[])[],
): Rings[] | null {
  const all = groups.flatMap((group) => group.flatMap((rings) => rings.flat()));
  const projection = gnomonic(all);
  if (!projection) return null;
  const original = new Map<string, Point3>();
  const edges: InputEdge[] = [];
  const geoms = groups.map((group) =>
    group.map((rings) =>
      rings.map((ring) => {
        const xy = ring.map((p) => {
          const q = projection.forward(p);
          original.set(key(q), p);
          return q;
        });
        xy.forEach((a, i) => edges.push({ a, b: xy[(i + 1) % xy.length] }));
        return [...xy, xy[0]];
      })
    )
  );
  if (geoms.length === 0) return [];
  const [first, ...rest] = geoms as unknown as polyclip.Geom[];
  const result = op === "union"
    ? geo().polyclip.union(first, ...rest)
    : geo().polyclip.intersection(first, ...rest);
  return openRings(result).map((polygon) =>
    polygon.map((ring) =>
      rotate(ring, edges).map((q) => original.get(key(q)) ?? projection.back(q))
    )
  );
}

/** The distinct points among `points` (exact comparison). */
export function distinct(points: readonly Point3[]): Point3[] {
  const out: Point3[] = [];
  for (const p of points) if (!out.some((q) => equals(p, q))) out.push(p);
  return out;
}

/** The points where two sets of edges cross or touch. */
export function contacts(
  ea: ReadonlyArray<readonly [Point3, Point3]>,
  eb: ReadonlyArray<readonly [Point3, Point3]>,
): Point3[] {
  const out: Point3[] = [];
  for (const [p, q] of ea) {
    for (const [r, s] of eb) {
      if (edgesCross(p, q, r, s)) out.push(intersection(p, q, r, s));
      else {
        for (const x of [p, q]) if (onEdge(x, r, s)) out.push(x);
        for (const x of [r, s]) if (onEdge(x, p, q)) out.push(x);
      }
    }
  }
  return out;
}

/** The stretches of edges of `ea` lying along edges of `eb`, chained in `ea`'s order. */
export function overlaps(
  ea: ReadonlyArray<readonly [Point3, Point3]>,
  eb: ReadonlyArray<readonly [Point3, Point3]>,
): Point3[][] {
  const pieces: Array<[Point3, Point3]> = [];
  for (const [p, q] of ea) {
    for (const [r, s] of eb) {
      const on = [p, q, r, s].filter((x, i) => (i < 2 ? onEdge(x, r, s) : onEdge(x, p, q)));
      const ends = distinct(on);
      if (ends.length < 2) continue;
      // Order the shared stretch along p→q.
      ends.sort((x, y) => angle(p, x) - angle(p, y));
      pieces.push([ends[0], ends[ends.length - 1]]);
    }
  }
  return chains(pieces);
}

/** Edges joined into chains where one ends at the next one's start. */
export function chains(edges: ReadonlyArray<readonly [Point3, Point3]>): Point3[][] {
  const out: Point3[][] = [];
  for (const [p, q] of edges) {
    const last = out[out.length - 1];
    if (last && equals(last[last.length - 1], p)) last.push(q);
    else if (last && equals(last[last.length - 1], q)) last.push(p);
    else out.push([p, q]);
  }
  return out;
}

/** Points, lines and polygons as one GeoJSON value (a collection when mixed or empty). */
export function shapesJson(
  points: readonly Point3[],
  lines: readonly Point3[][],
  polygons: readonly Rings[],
) {
  const parts: unknown[] = [];
  if (points.length === 1) parts.push(pointJson(points[0]));
  else if (points.length > 1) parts.push({ type: "MultiPoint", coordinates: points.map(toLngLat) });
  if (lines.length > 0) parts.push(linesJson(lines));
  if (polygons.length > 0) parts.push(polygonsJson(polygons));
  return parts.length === 1 ? parts[0] : collectionJson(parts);
}
