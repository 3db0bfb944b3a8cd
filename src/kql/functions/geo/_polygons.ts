/**
 * The polygon functions: containment, measures, edits, coverings, unions and
 * intersections.
 *
 * @module
 */
import type { JsValue } from "../../runtime/_values.ts";
import { clip, contacts, distinct, polygonRings, type Rings, shapesJson } from "./_boolean.ts";
import * as cells from "./_cells.ts";
import { densifyBudget, densifyChain, metersToRadians, simplifyPolygons } from "./_edit.ts";
import {
  closestOnEdges,
  distanceToPolygons,
  ringsArea,
  ringsCentroid,
  ringsPerimeter,
  unionOf,
} from "./_measure.ts";
import {
  collectionJson,
  pointJson,
  type Polygon,
  polygonEdges,
  polygonsContain,
  polygonsJson,
  readPolygons,
} from "./_shapes.ts";
import { EARTH_RADIUS_M, edgesIntersect, onEdge, type Point3, toPoint } from "./_sphere.ts";
import { defineGeo, densifyTolerance, int, num, opt, point } from "./_define.ts";

defineGeo("geo_point_in_polygon", ["number", "number", "dynamic"], 3, "bool", (v) => {
  const p = point(v[0], v[1]);
  const polygons = readPolygons(v[2]);
  return p && polygons ? polygonsContain(polygons, p) : null;
});

defineGeo("geo_polygon_area", ["dynamic"], 1, "real", (v) => {
  const polygons = readPolygons(v[0]);
  const union = polygons && unionOf(polygons);
  return union ? ringsArea(union) : null;
});

defineGeo("geo_polygon_perimeter", ["dynamic"], 1, "real", (v) => {
  const polygons = readPolygons(v[0]);
  const union = polygons && unionOf(polygons);
  return union ? ringsPerimeter(union) : null;
});

defineGeo("geo_polygon_centroid", ["dynamic"], 1, "dynamic", (v) => {
  const polygons = readPolygons(v[0]);
  const union = polygons && unionOf(polygons);
  const c = union && ringsCentroid(union);
  return c ? pointJson(c) : null;
});

defineGeo("geo_distance_point_to_polygon", ["number", "number", "dynamic"], 3, "real", (v) => {
  const p = point(v[0], v[1]);
  const polygons = readPolygons(v[2]);
  return p && polygons ? distanceToPolygons(p, polygons) : null;
});

defineGeo("geo_closest_point_on_polygon", ["number", "number", "dynamic"], 3, "dynamic", (v) => {
  const p = point(v[0], v[1]);
  const polygons = readPolygons(v[2]);
  if (!p || !polygons) return null;
  if (polygonsContain(polygons, p)) return pointJson(p);
  const closest = closestOnEdges(p, polygonEdges(polygons));
  return closest ? pointJson(closest.point) : null;
});

defineGeo("geo_polygon_densify", ["dynamic", "number", "bool"], 1, "dynamic", (v) => {
  const polygons = readPolygons(v[0]);
  const tolerance = densifyTolerance(v[1]);
  const preserve = opt(v[2], false);
  if (!polygons || tolerance === null || typeof preserve !== "boolean") return null;
  const budget = densifyBudget();
  const out: Rings[] = [];
  for (const polygon of polygons) {
    const rings: Point3[][] = [];
    for (const [k, loop] of [polygon.shell, ...polygon.holes].entries()) {
      const ring = densifyChain(loop.coords, true, tolerance, preserve, budget);
      if (!ring) return null;
      rings.push(k === 0 ? ring : ring.reverse());
    }
    out.push(rings);
  }
  return polygonsJson(out);
});

defineGeo("geo_polygon_simplify", ["dynamic", "number"], 1, "dynamic", (v) => {
  const polygons = readPolygons(v[0]);
  const tolerance = num(opt(v[1], 10));
  if (!polygons || tolerance === null || tolerance < 0) return null;
  const union = unionOf(polygons);
  const out = union && simplifyPolygons(union, metersToRadians(tolerance));
  return out && out.length > 0 ? polygonsJson(out) : null;
});

defineGeo("geo_polygon_to_s2cells", ["dynamic", "number"], 1, "dynamic", (v) => {
  const polygons = readPolygons(v[0]);
  const level = int(opt(v[1], 11), 0, 30);
  if (!polygons || level === null) return null;
  const union = unionOf(polygons);
  if (!union) return null;
  const area = ringsArea(union) / (EARTH_RADIUS_M * EARTH_RADIUS_M);
  const perimeter = ringsPerimeter(union) / EARTH_RADIUS_M;
  return cells.s2Covering(polygons, level, area, perimeter, 65536);
});

defineGeo("geo_polygon_to_h3cells", ["dynamic", "number", "number"], 1, "dynamic", (v) => {
  const polygons = readPolygons(v[0]);
  const resolution = int(opt(v[1], 6), 0, 15);
  const radius = num(opt(v[2], 0));
  if (!polygons || resolution === null || radius === null || radius < 0) return null;
  const union = unionOf(polygons);
  if (!union) return null;
  const limit = 61680;
  const inner = cells.h3Cover(polygons, resolution, ringsArea(union) / 1e6, limit);
  if (!inner || radius === 0) return inner;
  return bufferedCells(polygons, resolution, radius, inner, limit);
});

/**
 * The cells whose centers lie within `radius` meters of the polygons: the cells inside,
 * grown ring by ring from them and from the cells of the vertices while the neighbors'
 * centers stay within the radius.
 */
function bufferedCells(
  polygons: readonly Polygon[],
  resolution: number,
  radius: number,
  inner: readonly string[],
  limit: number,
): string[] | null {
  const out = new Set(inner);
  const within = (cell: string) => {
    const [lng, lat] = cells.h3Center(cell);
    return distanceToPolygons(toPoint(lng, lat), polygons) <= radius;
  };
  const vertexCells = polygons.flatMap((p) => p.shell.coords).map(([lng, lat]) =>
    cells.h3Cell(lng, lat, resolution)
  );
  const frontier = [...out, ...vertexCells.filter((c) => !out.has(c))];
  for (const c of vertexCells) if (within(c)) out.add(c);
  const seen = new Set(frontier);
  while (frontier.length > 0) {
    const cell = frontier.pop()!;
    for (const next of cells.h3Rings(cell, 1)[1] ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      if (!within(next)) continue;
      out.add(next);
      if (out.size > limit) return null;
      frontier.push(next);
    }
  }
  return [...out];
}

/** The polygons of a dynamic array of Polygon/MultiPolygon values, or null if any is invalid. */
function polygonArray(v: JsValue): Rings[] | null {
  if (!Array.isArray(v)) return null;
  const out: Rings[] = [];
  for (const item of v) {
    const polygons = readPolygons(item);
    if (!polygons) return null;
    out.push(...polygons.map(polygonRings));
  }
  return out;
}

defineGeo("geo_union_polygons_array", ["dynamic"], 1, "dynamic", (v) => {
  const polygons = polygonArray(v[0]);
  if (!polygons) return null;
  if (polygons.length === 0) return collectionJson([]);
  const union = clip("union", polygons.map((p) => [p]));
  return union ? shapesJson([], [], union) : null;
});

defineGeo("geo_simplify_polygons_array", ["dynamic", "number"], 1, "dynamic", (v) => {
  const polygons = polygonArray(v[0]);
  const tolerance = num(opt(v[1], 10));
  if (!polygons || tolerance === null || tolerance < 0) return null;
  const out = simplifyPolygons(polygons, metersToRadians(tolerance));
  return out.length > 0 ? polygonsJson(out) : null;
});

defineGeo("geo_intersects_2polygons", ["dynamic", "dynamic"], 2, "bool", (v) => {
  const a = readPolygons(v[0]);
  const b = readPolygons(v[1]);
  if (!a || !b) return null;
  const ea = polygonEdges(a);
  const eb = polygonEdges(b);
  if (ea.some(([p, q]) => eb.some(([r, s]) => edgesIntersect(p, q, r, s)))) return true;
  return polygonsContain(b, ea[0][0]) || polygonsContain(a, eb[0][0]);
});

defineGeo("geo_intersection_2polygons", ["dynamic", "dynamic"], 2, "dynamic", (v) => {
  const a = readPolygons(v[0]);
  const b = readPolygons(v[1]);
  if (!a || !b) return null;
  const areas = clip("intersection", [a.map(polygonRings), b.map(polygonRings)]);
  if (!areas) return null;
  // Boundaries that only touch leave points the areal intersection does not cover.
  const ea = polygonEdges(a);
  const eb = polygonEdges(b);
  const covered = areas.flatMap((rings) =>
    rings.flatMap((ring) => ring.map((p, i) => [p, ring[(i + 1) % ring.length]] as const))
  );
  const touches = distinct(contacts(ea, eb)).filter((p) =>
    !covered.some(([x, y]) => onEdge(p, x, y))
  );
  return shapesJson(touches, [], areas);
});
