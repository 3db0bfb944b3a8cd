/**
 * GeoJSON shapes as the geo functions read and write them: validation per Kusto's rules
 * (coordinates in range, rings closed with at least three distinct vertices, no
 * antipodal edges), polygon rings normalized to the smaller of the two regions they
 * bound (as S2 does, so a clockwise shell is reversed), and point containment.
 *
 * Parsed shapes are cached by the identity of the JSON value, so a constant polygon
 * argument is read once for a whole column.
 *
 * @module
 */
import type { s2 as S2 } from "s2js";
import { geo } from "./_libs.ts";
import {
  angle,
  edgesCross,
  equals,
  type LngLat,
  loopSignedArea,
  type Point3,
  toLngLat,
  toPoint,
} from "./_sphere.ts";

/** A closed ring without its repeated last vertex, normalized counterclockwise. */
export interface Loop {
  readonly points: readonly Point3[];
  /** The ring's input coordinates in the same (possibly reversed) order. */
  readonly coords: readonly LngLat[];
}

/** A polygon: a shell and its holes, every loop counterclockwise around its region. */
export interface Polygon {
  readonly shell: Loop;
  readonly holes: readonly Loop[];
}

/** A polyline's vertices. */
export interface Line {
  readonly points: readonly Point3[];
  readonly coords: readonly LngLat[];
}

/** A parsed GeoJSON geometry. */
export type Shape =
  | { readonly kind: "point"; readonly points: readonly Point3[]; readonly multi: boolean }
  | { readonly kind: "line"; readonly lines: readonly Line[]; readonly multi: boolean }
  | { readonly kind: "polygon"; readonly polygons: readonly Polygon[]; readonly multi: boolean }
  | { readonly kind: "collection"; readonly shapes: readonly Shape[] };

/** Whether a longitude/latitude pair is within Kusto's valid ranges. */
export function validLngLat(lng: unknown, lat: unknown): boolean {
  return typeof lng === "number" && typeof lat === "number" && lng >= -180 && lng <= 180 &&
    lat >= -90 && lat <= 90;
}

/** A GeoJSON position, or null when it is not a valid [lng, lat]. */
export function readPosition(v: unknown): LngLat | null {
  if (!Array.isArray(v) || v.length < 2 || v.length > 3) return null;
  const [lng, lat] = v;
  return validLngLat(lng, lat) ? [lng, lat] : null;
}

function readPositions(v: unknown, min: number): LngLat[] | null {
  if (!Array.isArray(v) || v.length < min) return null;
  const out: LngLat[] = [];
  for (const item of v) {
    const p = readPosition(item);
    if (!p) return null;
    out.push(p);
  }
  return out;
}

/** A polyline from GeoJSON positions: at least two, no antipodal edge. */
export function makeLine(coords: readonly LngLat[]): Line | null {
  if (coords.length < 2) return null;
  const points = coords.map(([lng, lat]) => toPoint(lng, lat));
  for (let i = 1; i < points.length; i++) {
    if (angle(points[i - 1], points[i]) >= Math.PI - 1e-12) return null;
  }
  return { points, coords };
}

/**
 * A ring from GeoJSON positions: closed, at least three distinct vertices once repeats of
 * consecutive vertices are dropped, no repeated vertex, no antipodal edge; reversed when
 * it runs clockwise (the smaller region is the polygon's).
 */
export function makeLoop(ring: readonly LngLat[]): Loop | null {
  if (ring.length < 4) return null;
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) return null;
  const coords: LngLat[] = [];
  const points: Point3[] = [];
  for (const c of ring.slice(0, -1)) {
    const p = toPoint(c[0], c[1]);
    if (points.length > 0 && equals(points[points.length - 1], p)) continue;
    coords.push(c);
    points.push(p);
  }
  while (points.length > 1 && equals(points[0], points[points.length - 1])) {
    points.pop();
    coords.pop();
  }
  if (points.length < 3) return null;
  const seen = new Set<string>();
  for (const p of points) {
    const key = p.join(",");
    if (seen.has(key)) return null;
    seen.add(key);
  }
  for (let i = 0; i < points.length; i++) {
    if (angle(points[i], points[(i + 1) % points.length]) >= Math.PI - 1e-12) return null;
  }
  if (loopSignedArea(points) < 0) {
    points.reverse();
    coords.reverse();
  }
  return { points, coords };
}

function readPolygon(rings: unknown): Polygon | null {
  if (!Array.isArray(rings) || rings.length === 0) return null;
  const loops: Loop[] = [];
  for (const ring of rings) {
    const coords = readPositions(ring, 4);
    const loop = coords && makeLoop(coords);
    if (!loop) return null;
    loops.push(loop);
  }
  if (anyCrossing(loops)) return null;
  return { shell: loops[0], holes: loops.slice(1) };
}

/**
 * Whether edges of the loops cross each other (rings must not cross, within a ring or
 * between rings). A sweep over the edges' x extents keeps this near-linear for the
 * small edges of real polygons.
 */
function anyCrossing(loops: readonly Loop[]): boolean {
  const edges: Array<{ a: Point3; b: Point3; lo: number; hi: number }> = [];
  for (const loop of loops) {
    const n = loop.points.length;
    for (let i = 0; i < n; i++) {
      const a = loop.points[i];
      const b = loop.points[(i + 1) % n];
      // A geodesic strays from its chord by at most 1 - cos(θ/2) < θ²/8.
      const theta = angle(a, b);
      const margin = (theta * theta) / 8 + 1e-15;
      edges.push({ a, b, lo: Math.min(a[0], b[0]) - margin, hi: Math.max(a[0], b[0]) + margin });
    }
  }
  edges.sort((x, y) => x.lo - y.lo);
  const active: typeof edges = [];
  for (const e of edges) {
    for (let k = active.length - 1; k >= 0; k--) {
      const other = active[k];
      if (other.hi < e.lo) {
        active.splice(k, 1);
        continue;
      }
      if (edgesCross(e.a, e.b, other.a, other.b)) return true;
    }
    active.push(e);
  }
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseShape(v: unknown): Shape | null {
  if (!isObject(v)) return null;
  const coordinates = v.coordinates;
  switch (v.type) {
    case "Point": {
      const p = readPosition(coordinates);
      return p && { kind: "point", points: [toPoint(p[0], p[1])], multi: false };
    }
    case "MultiPoint": {
      const ps = readPositions(coordinates, 1);
      return ps && { kind: "point", points: ps.map(([x, y]) => toPoint(x, y)), multi: true };
    }
    case "LineString": {
      const coords = readPositions(coordinates, 2);
      const line = coords && makeLine(coords);
      return line && { kind: "line", lines: [line], multi: false };
    }
    case "MultiLineString": {
      if (!Array.isArray(coordinates) || coordinates.length === 0) return null;
      const lines: Line[] = [];
      for (const item of coordinates) {
        const coords = readPositions(item, 2);
        const line = coords && makeLine(coords);
        if (!line) return null;
        lines.push(line);
      }
      return { kind: "line", lines, multi: true };
    }
    case "Polygon": {
      const polygon = readPolygon(coordinates);
      return polygon && { kind: "polygon", polygons: [polygon], multi: false };
    }
    case "MultiPolygon": {
      if (!Array.isArray(coordinates) || coordinates.length === 0) return null;
      const polygons: Polygon[] = [];
      for (const item of coordinates) {
        const polygon = readPolygon(item);
        if (!polygon) return null;
        polygons.push(polygon);
      }
      return { kind: "polygon", polygons, multi: true };
    }
    case "GeometryCollection": {
      if (!Array.isArray(v.geometries)) return null;
      const shapes: Shape[] = [];
      for (const g of v.geometries) {
        const shape = parseShape(g);
        if (!shape) return null;
        shapes.push(shape);
      }
      return { kind: "collection", shapes };
    }
    default:
      return null;
  }
}

const cache = new WeakMap<object, Shape | null>();

/** The shape a GeoJSON value holds, or null when it is not a valid shape. */
export function readShape(v: unknown): Shape | null {
  if (typeof v !== "object" || v === null) return null;
  let shape = cache.get(v);
  if (shape === undefined) {
    shape = parseShape(v);
    cache.set(v, shape);
  }
  return shape;
}

/** The polygons of a Polygon or MultiPolygon value, or null. */
export function readPolygons(v: unknown): readonly Polygon[] | null {
  const shape = readShape(v);
  return shape?.kind === "polygon" ? shape.polygons : null;
}

/** The lines of a LineString or MultiLineString value, or null. */
export function readLines(v: unknown): readonly Line[] | null {
  const shape = readShape(v);
  return shape?.kind === "line" ? shape.lines : null;
}

// ---------------------------------------------------------------- containment

const s2Loops = new WeakMap<Loop, InstanceType<typeof S2.Loop>>();

function s2Loop(loop: Loop): InstanceType<typeof S2.Loop> {
  let l = s2Loops.get(loop);
  if (!l) {
    const { Loop: S2Loop, Point: S2Point } = geo().s2;
    l = new S2Loop(loop.points.map(([x, y, z]) => new S2Point(x, y, z)));
    s2Loops.set(loop, l);
  }
  return l;
}

/** Whether a loop contains a point (S2's semi-open boundary rules). */
export function loopContains(loop: Loop, p: Point3): boolean {
  const { Point: S2Point } = geo().s2;
  return s2Loop(loop).containsPoint(new S2Point(p[0], p[1], p[2]));
}

/** Whether a polygon (shell minus holes) contains a point. */
export function polygonContains(polygon: Polygon, p: Point3): boolean {
  return loopContains(polygon.shell, p) && !polygon.holes.some((h) => loopContains(h, p));
}

/** Whether any of the polygons contains a point. */
export function polygonsContain(polygons: readonly Polygon[], p: Point3): boolean {
  return polygons.some((polygon) => polygonContains(polygon, p));
}

/** An s2js polygon of the polygons' loops, for region coverings. */
export function s2Polygon(polygons: readonly Polygon[]): InstanceType<typeof S2.Polygon> {
  const loops = polygons.flatMap((p) => [p.shell, ...p.holes]).map((l) => s2Loop(l));
  const { Polygon: S2Polygon } = geo().s2;
  return new S2Polygon(loops);
}

/** Every edge of the polygons' loops as [from, to]. */
export function polygonEdges(polygons: readonly Polygon[]): Array<[Point3, Point3]> {
  const edges: Array<[Point3, Point3]> = [];
  for (const polygon of polygons) {
    for (const loop of [polygon.shell, ...polygon.holes]) {
      const n = loop.points.length;
      for (let i = 0; i < n; i++) edges.push([loop.points[i], loop.points[(i + 1) % n]]);
    }
  }
  return edges;
}

/** Every edge of the lines as [from, to]. */
export function lineEdges(lines: readonly Line[]): Array<[Point3, Point3]> {
  const edges: Array<[Point3, Point3]> = [];
  for (const line of lines) {
    for (let i = 1; i < line.points.length; i++) edges.push([line.points[i - 1], line.points[i]]);
  }
  return edges;
}

// ---------------------------------------------------------------- GeoJSON output

/** A GeoJSON position of a point. */
export function position(p: Point3): [number, number] {
  return toLngLat(p);
}

/** A GeoJSON Point. */
export function pointJson(p: Point3): Record<string, unknown> {
  return { type: "Point", coordinates: position(p) };
}

/** A GeoJSON LineString or MultiLineString of point chains. */
export function linesJson(lines: readonly (readonly Point3[])[]): Record<string, unknown> {
  const coordinates = lines.map((l) => l.map(position));
  return coordinates.length === 1
    ? { type: "LineString", coordinates: coordinates[0] }
    : { type: "MultiLineString", coordinates };
}

/**
 * A GeoJSON Polygon or MultiPolygon of polygons given as rings in output orientation
 * (shell counterclockwise, holes clockwise), each ring unclosed.
 */
export function polygonsJson(
  polygons: readonly (readonly (readonly Point3[])[])[],
): Record<string, unknown> {
  const ring = (points: readonly Point3[]) => {
    const coords = points.map(position);
    coords.push(coords[0]);
    return coords;
  };
  const coordinates = polygons.map((rings) => rings.map(ring));
  return coordinates.length === 1
    ? { type: "Polygon", coordinates: coordinates[0] }
    : { type: "MultiPolygon", coordinates };
}

/** A GeoJSON GeometryCollection. */
export function collectionJson(geometries: unknown[]): Record<string, unknown> {
  return { type: "GeometryCollection", geometries };
}
