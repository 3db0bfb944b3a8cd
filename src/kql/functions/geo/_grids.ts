/**
 * The grid functions: geohash, S2 and H3 cells.
 *
 * @module
 */
import type { JsValue } from "../../runtime/_values.ts";
import * as cells from "./_cells.ts";
import { validLngLat } from "./_shapes.ts";
import { defineGeo, int, opt, text } from "./_define.ts";

// ---------------------------------------------------------------- geohash

defineGeo("geo_point_to_geohash", ["number", "number", "number"], 2, "string", (v) => {
  const accuracy = int(opt(v[2], 5), 1, 18);
  if (!validLngLat(v[0], v[1]) || accuracy === null) return "";
  return cells.geohashEncode(v[0] as number, v[1] as number, accuracy);
});

defineGeo("geo_geohash_to_central_point", ["string"], 1, "dynamic", (v) => {
  const b = text(v[0]) !== null ? cells.geohashBounds(v[0] as string) : null;
  return b ? { type: "Point", coordinates: [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] } : null;
});

defineGeo("geo_geohash_to_polygon", ["string"], 1, "dynamic", (v) => {
  const b = text(v[0]) !== null ? cells.geohashBounds(v[0] as string) : null;
  if (!b) return null;
  const [w, s, e, n] = b;
  return { type: "Polygon", coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
});

defineGeo("geo_geohash_neighbors", ["string"], 1, "dynamic", (v) => {
  const hash = text(v[0]);
  return hash === null ? null : cells.geohashNeighbors(hash);
});

// ---------------------------------------------------------------- S2

defineGeo("geo_point_to_s2cell", ["number", "number", "number"], 2, "string", (v) => {
  const level = int(opt(v[2], 11), 0, 30);
  if (!validLngLat(v[0], v[1]) || level === null) return "";
  return cells.s2Token(v[0] as number, v[1] as number, level);
});

/** The S2 cell of a token argument, or null. */
function s2Arg(v: JsValue): bigint | null {
  return typeof v === "string" ? cells.s2Cell(v) : null;
}

defineGeo("geo_s2cell_to_central_point", ["string"], 1, "dynamic", (v) => {
  const id = s2Arg(v[0]);
  return id === null ? null : { type: "Point", coordinates: cells.s2Center(id) };
});

defineGeo("geo_s2cell_to_polygon", ["string"], 1, "dynamic", (v) => {
  const id = s2Arg(v[0]);
  if (id === null) return null;
  const corners = cells.s2Corners(id);
  return { type: "Polygon", coordinates: [[...corners, corners[0]]] };
});

defineGeo("geo_s2cell_neighbors", ["string"], 1, "dynamic", (v) => {
  const id = s2Arg(v[0]);
  return id === null ? null : cells.s2Neighbors(id);
});

// ---------------------------------------------------------------- H3

defineGeo("geo_point_to_h3cell", ["number", "number", "number"], 2, "string", (v) => {
  const resolution = int(opt(v[2], 6), 0, 15);
  if (!validLngLat(v[0], v[1]) || resolution === null) return "";
  return cells.h3Cell(v[0] as number, v[1] as number, resolution);
});

/** A valid H3 cell argument (lowercase), or null. */
function h3Arg(v: JsValue): string | null {
  return typeof v === "string" && cells.h3Valid(v) ? v.toLowerCase() : null;
}

defineGeo("geo_h3cell_to_central_point", ["string"], 1, "dynamic", (v) => {
  const cell = h3Arg(v[0]);
  return cell === null ? null : { type: "Point", coordinates: cells.h3Center(cell) };
});

defineGeo("geo_h3cell_to_polygon", ["string"], 1, "dynamic", (v) => {
  const cell = h3Arg(v[0]);
  return cell === null ? null : { type: "Polygon", coordinates: [cells.h3Boundary(cell)] };
});

defineGeo("geo_h3cell_level", ["string"], 1, "int", (v) => {
  const cell = h3Arg(v[0]);
  return cell === null ? null : cells.h3Level(cell);
});

defineGeo("geo_h3cell_parent", ["string", "number"], 1, "string", (v) => {
  const cell = h3Arg(v[0]);
  if (cell === null) return "";
  const level = cells.h3Level(cell);
  const resolution = int(opt(v[1], level - 1), 0, 14);
  if (resolution === null || resolution > level) return "";
  return cells.h3Parent(cell, resolution);
});

defineGeo("geo_h3cell_children", ["string", "number"], 1, "dynamic", (v) => {
  const cell = h3Arg(v[0]);
  if (cell === null) return null;
  const level = cells.h3Level(cell);
  const resolution = int(opt(v[1], level + 1), 1, 15);
  if (resolution === null || resolution < level || resolution - level > 5) return null;
  return cells.h3Children(cell, resolution);
});

defineGeo("geo_h3cell_neighbors", ["string"], 1, "dynamic", (v) => {
  const cell = h3Arg(v[0]);
  return cell === null ? null : cells.h3Rings(cell, 1)[1] ?? [];
});

defineGeo("geo_h3cell_rings", ["string", "number"], 2, "dynamic", (v) => {
  const cell = h3Arg(v[0]);
  const distance = int(v[1], 0, 142);
  return cell === null || distance === null ? null : cells.h3Rings(cell, distance);
});
