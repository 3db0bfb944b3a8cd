/**
 * The line functions (measures, edits, intersections, unions) and WKT reading.
 *
 * @module
 */
import type { JsValue } from "../../runtime/_values.ts";
import { chains, contacts, distinct, overlaps, shapesJson } from "./_boolean.ts";
import { densifyBudget, densifyChain, metersToRadians, simplifyChain } from "./_edit.ts";
import { closestOnEdges, distanceToEdges, linesCentroid, linesLength } from "./_measure.ts";
import {
  collectionJson,
  lineEdges,
  linesJson,
  pointJson,
  readLines,
  readShape,
} from "./_shapes.ts";
import { angle, edgesIntersect, equals, interpolate, onEdge, type Point3 } from "./_sphere.ts";
import { wktToGeoJson } from "./_wkt.ts";
import { defineGeo, densifyTolerance, num, opt, point, text } from "./_define.ts";

defineGeo("geo_line_length", ["dynamic"], 1, "real", (v) => {
  const lines = readLines(v[0]);
  return lines ? linesLength(lines) : null;
});

defineGeo("geo_line_centroid", ["dynamic"], 1, "dynamic", (v) => {
  const lines = readLines(v[0]);
  const c = lines && linesCentroid(lines);
  return c ? pointJson(c) : null;
});

defineGeo("geo_distance_point_to_line", ["number", "number", "dynamic"], 3, "real", (v) => {
  const p = point(v[0], v[1]);
  const lines = readLines(v[2]);
  return p && lines ? distanceToEdges(p, lineEdges(lines)) : null;
});

defineGeo("geo_closest_point_on_line", ["number", "number", "dynamic"], 3, "dynamic", (v) => {
  const p = point(v[0], v[1]);
  const lines = readLines(v[2]);
  const closest = p && lines && closestOnEdges(p, lineEdges(lines));
  return closest ? pointJson(closest.point) : null;
});

defineGeo("geo_line_densify", ["dynamic", "number", "bool"], 1, "dynamic", (v) => {
  const lines = readLines(v[0]);
  const tolerance = densifyTolerance(v[1]);
  const preserve = opt(v[2], false);
  if (!lines || tolerance === null || typeof preserve !== "boolean") return null;
  const budget = densifyBudget();
  const out: Point3[][] = [];
  for (const line of lines) {
    const chain = densifyChain(line.coords, false, tolerance, preserve, budget);
    if (!chain) return null;
    out.push(chain);
  }
  return linesJson(out);
});

defineGeo("geo_line_simplify", ["dynamic", "number"], 1, "dynamic", (v) => {
  const lines = readLines(v[0]);
  const tolerance = num(opt(v[1], 10));
  if (!lines || tolerance === null || tolerance < 0) return null;
  const out = lines.map((l) => simplifyChain(l.points, false, metersToRadians(tolerance)))
    .filter((l) => l.length > 0);
  return out.length > 0 ? linesJson(out) : null;
});

/** The single LineString of a value, or null (these functions take no MultiLineString). */
function singleLine(v: JsValue) {
  const shape = readShape(v);
  return shape?.kind === "line" && !shape.multi ? shape.lines[0] : null;
}

defineGeo("geo_line_interpolate_point", ["dynamic", "number"], 2, "dynamic", (v) => {
  const line = singleLine(v[0]);
  const fraction = num(v[1]);
  if (!line || fraction === null || fraction < 0 || fraction > 1) return null;
  const pts = line.points;
  const lengths = pts.slice(1).map((p, i) => angle(pts[i], p));
  let target = fraction * lengths.reduce((a, b) => a + b, 0);
  if (fraction <= 0) return pointJson(pts[0]);
  for (let i = 0; i < lengths.length; i++) {
    if (target < lengths[i]) return pointJson(interpolate(pts[i], pts[i + 1], target / lengths[i]));
    target -= lengths[i];
  }
  return pointJson(pts[pts.length - 1]);
});

defineGeo("geo_line_locate_point", ["dynamic", "number", "number"], 3, "real", (v) => {
  const line = singleLine(v[0]);
  const p = point(v[1], v[2]);
  if (!line || !p) return null;
  const pts = line.points;
  const lengths = pts.slice(1).map((q, i) => angle(pts[i], q));
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let best = Infinity;
  let along = 0;
  let before = 0;
  for (let i = 0; i < lengths.length; i++) {
    const closest = closestOnEdges(p, [[pts[i], pts[i + 1]]])!;
    if (closest.distance < best) {
      best = closest.distance;
      along = before + angle(pts[i], closest.point);
    }
    before += lengths[i];
  }
  return Math.min(1, along / total);
});

defineGeo("geo_intersects_2lines", ["dynamic", "dynamic"], 2, "bool", (v) => {
  const a = readLines(v[0]);
  const b = readLines(v[1]);
  if (!a || !b) return null;
  const eb = lineEdges(b);
  return lineEdges(a).some(([p, q]) => eb.some(([r, s]) => edgesIntersect(p, q, r, s)));
});

defineGeo("geo_intersection_2lines", ["dynamic", "dynamic"], 2, "dynamic", (v) => {
  const a = readLines(v[0]);
  const b = readLines(v[1]);
  if (!a || !b) return null;
  const ea = lineEdges(a);
  const eb = lineEdges(b);
  const segments = overlaps(ea, eb);
  const inSegments = (p: Point3) =>
    segments.some((s) => s.some((x, i) => i > 0 && onEdge(p, s[i - 1], x)));
  const points = distinct(contacts(ea, eb)).filter((p) => !inSegments(p));
  return shapesJson(points, segments, []);
});

defineGeo("geo_union_lines_array", ["dynamic"], 1, "dynamic", (v) => {
  if (!Array.isArray(v[0])) return null;
  const edges: Array<[Point3, Point3]> = [];
  for (const item of v[0]) {
    const lines = readLines(item);
    if (!lines) return null;
    for (const [p, q] of lineEdges(lines)) {
      if (equals(p, q)) continue;
      const seen = edges.some(([x, y]) =>
        (equals(x, p) && equals(y, q)) || (equals(x, q) && equals(y, p))
      );
      if (!seen) edges.push([p, q]);
    }
  }
  if (edges.length === 0) return collectionJson([]);
  return linesJson(chains(edges));
});

// ---------------------------------------------------------------- WKT

defineGeo("geo_from_wkt", ["string"], 1, "dynamic", (v) => {
  const wkt = text(v[0]);
  return wkt === null ? null : wktToGeoJson(wkt);
});
