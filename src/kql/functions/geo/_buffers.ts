/**
 * Buffers and line coverings: `geo_point_buffer`, `geo_line_buffer`, `geo_polygon_buffer`
 * (the polygon of all points within a radius, its boundary within a tolerance of the ideal
 * one), `geo_line_to_s2cells` (the S2 cells a line, or its buffer, passes through), and
 * `geo_intersects_line_with_polygon` / `geo_intersection_line_with_polygon`.
 *
 * A point's buffer is a regular polygon inscribed in the spherical cap, with enough vertices
 * that its edges stay within the tolerance of the circle. A line's buffer is the union of
 * its vertices' circles and of bands along its edges; a polygon's adds the polygon itself
 * to its boundary's buffer.
 *
 * @module
 */
import type { JsValue } from "../../runtime/_values.ts";
import { clip, contacts, distinct, polygonRings, type Rings, shapesJson } from "./_boolean.ts";
import { metersToRadians } from "./_edit.ts";
import {
  type Line,
  lineEdges,
  type Polygon,
  polygonEdges,
  polygonsContain,
  polygonsJson,
  readLines,
  readPolygons,
} from "./_shapes.ts";
import {
  add,
  angle,
  cross,
  dot,
  edgesCross,
  edgesIntersect,
  equals,
  interpolate,
  intersection,
  loopSignedArea,
  normalize,
  onEdge,
  ortho,
  type Point3,
  scale,
} from "./_sphere.ts";
import { defineGeo, int, num, opt, point } from "./_define.ts";
import { geo } from "./_libs.ts";

/** Default tolerance, in meters (Kusto's). */
const TOLERANCE_M = 10;
const MAX_VERTICES = 1024;
/** Edge pieces of a line's band are at most this long (radians, ~64 km). */
const MAX_PIECE = 0.01;

/** The tolerance for a radius: the argument (default 10 m), kept within Kusto's limits. */
function toleranceFor(radius: number, value: JsValue): number | null {
  const t = num(opt(value, TOLERANCE_M));
  if (t === null || t <= 0) return null;
  return Math.min(Math.max(t, radius * 1e-6), radius * 0.99);
}

/** A circle of angular radius `r` around `c`: a counterclockwise ring of `n` vertices. */
function circle(c: Point3, r: number, n: number): Point3[] {
  const u = ortho(c);
  const v = cross(c, u);
  const ring: Point3[] = [];
  for (let k = 0; k < n; k++) {
    const t = (2 * Math.PI * k) / n;
    const dir = add(scale(u, Math.cos(t)), scale(v, Math.sin(t)));
    ring.push(normalize(add(scale(c, Math.cos(r)), scale(dir, Math.sin(r)))));
  }
  return ring;
}

/** Vertices a circle of `radius` meters needs to stay within `tolerance` meters. */
function verticesFor(radius: number, tolerance: number): number {
  const n = Math.ceil(Math.PI / Math.acos(1 - tolerance / radius));
  return Math.min(MAX_VERTICES, Math.max(8, n));
}

/** Whether a radius is a valid buffer radius: positive, less than a quarter of the Earth. */
function validRadius(radius: number | null): radius is number {
  return radius !== null && radius > 0 && metersToRadians(radius) < Math.PI / 2;
}

function counterclockwise(ring: Point3[]): Point3[] {
  return loopSignedArea(ring) < 0 ? ring.reverse() : ring;
}

/** The vertex of a circle (as `circle` makes them) nearest to direction `dir` from `c`. */
function nearestVertex(ring: readonly Point3[], c: Point3, dir: Point3): Point3 {
  const u = ortho(c);
  const v = cross(c, u);
  const theta = Math.atan2(dot(dir, v), dot(dir, u));
  const k = Math.round((theta / (2 * Math.PI)) * ring.length);
  return ring[((k % ring.length) + ring.length) % ring.length];
}

/**
 * The buffer rings of lines, or null if too large: a circle around each vertex and a band
 * along each (short) piece of edge. A band's corners are vertices of its ends' circles, so
 * the pieces share exact vertices and their union has no slivers.
 */
function lineBuffer(lines: readonly Line[], radius: number, tolerance: number): Rings[] | null {
  const r = metersToRadians(radius);
  const n = verticesFor(radius, tolerance);
  const shapes: Rings[] = [];
  for (const line of lines) {
    const points: Point3[] = [];
    for (const p of line.points) {
      const last = points.at(-1);
      if (!last) {
        points.push(p);
        continue;
      }
      if (equals(last, p)) continue;
      // Long edges in short pieces: a band's sides are great circles, its ideal not.
      const pieces = Math.ceil(angle(last, p) / MAX_PIECE);
      for (let k = 1; k <= pieces; k++) points.push(interpolate(last, p, k / pieces));
    }
    const circles = points.map((p) => circle(p, r, n));
    circles.forEach((c) => shapes.push([c]));
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1], points[i]];
      const normal = normalize(cross(a, b));
      const minus = scale(normal, -1);
      const ring = [
        nearestVertex(circles[i - 1], a, normal),
        nearestVertex(circles[i], b, normal),
        nearestVertex(circles[i], b, minus),
        nearestVertex(circles[i - 1], a, minus),
      ];
      shapes.push([counterclockwise(ring)]);
    }
  }
  return clip("union", shapes.map((s) => [s]));
}

function ringsJson(rings: Rings[] | null): JsValue {
  return rings && rings.length > 0 ? polygonsJson(rings) : null;
}

defineGeo(
  "geo_point_buffer",
  ["number", "number", "number", "number"],
  3,
  "dynamic",
  (v) => {
    const p = point(v[0], v[1]);
    const radius = num(v[2]);
    if (!p || !validRadius(radius)) return null;
    const tolerance = toleranceFor(radius, v[3]);
    if (tolerance === null) return null;
    return polygonsJson([[circle(p, metersToRadians(radius), verticesFor(radius, tolerance))]]);
  },
);

defineGeo("geo_line_buffer", ["dynamic", "number", "number"], 2, "dynamic", (v) => {
  const lines = readLines(v[0]);
  const radius = num(v[1]);
  if (!lines || !validRadius(radius)) return null;
  const tolerance = toleranceFor(radius, v[2]);
  return tolerance === null ? null : ringsJson(lineBuffer(lines, radius, tolerance));
});

defineGeo("geo_polygon_buffer", ["dynamic", "number", "number"], 2, "dynamic", (v) => {
  const polygons = readPolygons(v[0]);
  const radius = num(v[1]);
  if (!polygons || !validRadius(radius)) return null;
  const tolerance = toleranceFor(radius, v[2]);
  if (tolerance === null) return null;
  // The boundary's buffer, as closed lines, united with the polygons themselves.
  const boundary: Line[] = polygons.flatMap((p) =>
    [p.shell, ...p.holes].map((loop) => ({
      points: [...loop.points, loop.points[0]],
      coords: [...loop.coords, loop.coords[0]],
    }))
  );
  const edges = lineBuffer(boundary, radius, tolerance);
  if (!edges) return null;
  return ringsJson(clip("union", [polygons.map(polygonRings), ...edges.map((e) => [e])]));
});

// ---------------------------------------------------------------- lines and polygons

defineGeo("geo_intersects_line_with_polygon", ["dynamic", "dynamic"], 2, "bool", (v) => {
  const lines = readLines(v[0]);
  const polygons = readPolygons(v[1]);
  if (!lines || !polygons) return null;
  const el = lineEdges(lines);
  const ep = polygonEdges(polygons);
  if (el.some(([p, q]) => ep.some(([r, s]) => edgesIntersect(p, q, r, s)))) return true;
  return lines.some((l) => l.points.some((p) => polygonsContain(polygons, p)));
});

/** The stretches of `line` inside (or on the boundary of) the polygons. */
function clipLine(line: Line, polygons: readonly Polygon[]): Point3[][] {
  const ep = polygonEdges(polygons);
  const inside = (p: Point3) =>
    polygonsContain(polygons, p) || ep.some(([r, s]) => onEdge(p, r, s));
  const out: Point3[][] = [];
  let current: Point3[] | null = null;
  for (let i = 1; i < line.points.length; i++) {
    const [a, b] = [line.points[i - 1], line.points[i]];
    // The edge's cuts by the polygons' edges, in order along it.
    const cuts = ep.filter(([r, s]) => edgesCross(a, b, r, s)).map(([r, s]) =>
      intersection(a, b, r, s)
    );
    const stops = [a, ...cuts.sort((x, y) => angle(a, x) - angle(a, y)), b];
    for (let k = 1; k < stops.length; k++) {
      const [p, q] = [stops[k - 1], stops[k]];
      if (equals(p, q)) continue;
      if (inside(normalize(add(p, q)))) {
        if (!current) {
          current = [p];
          out.push(current);
        }
        current.push(q);
      } else {
        current = null;
      }
    }
  }
  return out;
}

defineGeo("geo_intersection_line_with_polygon", ["dynamic", "dynamic"], 2, "dynamic", (v) => {
  const lines = readLines(v[0]);
  const polygons = readPolygons(v[1]);
  if (!lines || !polygons) return null;
  const stretches = lines.flatMap((l) => clipLine(l, polygons));
  const covered = (p: Point3) =>
    stretches.some((s) => s.some((x, i) => i > 0 && onEdge(p, s[i - 1], x)));
  // Places where the line only touches the polygons are points of the intersection.
  const touches = distinct([
    ...contacts(lineEdges(lines), polygonEdges(polygons)),
    ...lines.flatMap((l) => l.points.filter((p) => polygonsContain(polygons, p))),
  ]).filter((p) => !covered(p));
  return shapesJson(touches, stretches, []);
});

// ---------------------------------------------------------------- geo_line_to_s2cells

const MAX_CELLS = 65536;

defineGeo("geo_line_to_s2cells", ["dynamic", "number", "number"], 1, "dynamic", (v) => {
  const lines = readLines(v[0]);
  const level = int(opt(v[1], 11), 0, 30);
  const radius = num(opt(v[2], 0));
  if (!lines || level === null || radius === null || radius < 0) return null;
  const s2 = geo().s2;
  const coverer = new s2.RegionCoverer({ minLevel: level, maxLevel: level, maxCells: MAX_CELLS });
  const tokens = new Set<string>();
  if (radius === 0) {
    for (const line of lines) {
      const polyline = new s2.Polyline(line.points.map(([x, y, z]) => new s2.Point(x, y, z)));
      for (const id of coverer.covering(polyline)) tokens.add(s2.cellid.toToken(id));
    }
  } else {
    if (!validRadius(radius)) return null;
    const buffer = lineBuffer(lines, radius, toleranceFor(radius, undefined) ?? radius / 2);
    const polygons = buffer && readPolygons(polygonsJson(buffer));
    if (!polygons) return null;
    const loops = polygons.flatMap((p) => [p.shell, ...p.holes]).map((l) =>
      new s2.Loop(l.points.map(([x, y, z]) => new s2.Point(x, y, z)))
    );
    for (const id of coverer.covering(new s2.Polygon(loops))) tokens.add(s2.cellid.toToken(id));
  }
  if (tokens.size > MAX_CELLS) return null;
  return [...tokens].sort();
});
