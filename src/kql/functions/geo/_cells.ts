/**
 * The three grid systems Kusto's geo functions hash points into: geohash (implemented
 * here), S2 cells (through s2js, the port of Google's S2) and H3 cells (through h3-js,
 * Uber's library compiled to JavaScript). Invalid input gives null or "" as each
 * function's documentation says; the callers decide which.
 *
 * @module
 */
import type { s2 as S2 } from "s2js";
import { geo } from "./_libs.ts";
import { type LngLat, type Point3, toLngLat } from "./_sphere.ts";
import { type Polygon, s2Polygon } from "./_shapes.ts";

// ---------------------------------------------------------------- Kusto's set order

const M64 = (1n << 64n) - 1n;
const MURMUR_MUL = 0xc6a4a7935bd1e995n;
const shiftMix = (v: bigint) => v ^ (v >> 47n);
const utf8 = new TextEncoder();

/** libstdc++'s `std::hash<std::string>`: `_Hash_bytes`, a 64-bit MurmurHash2 variant. */
export function stdStringHash(text: string): bigint {
  const bytes = utf8.encode(text);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  const aligned = n & ~7;
  let hash = (0xc70f6907n ^ (BigInt(n) * MURMUR_MUL)) & M64;
  for (let i = 0; i < aligned; i += 8) {
    const data = (shiftMix((view.getBigUint64(i, true) * MURMUR_MUL) & M64) * MURMUR_MUL) & M64;
    hash = ((hash ^ data) * MURMUR_MUL) & M64;
  }
  if (n & 7) {
    let data = 0n;
    for (let i = n - 1; i >= aligned; i--) data = (data << 8n) + BigInt(bytes[i]);
    hash = ((hash ^ data) * MURMUR_MUL) & M64;
  }
  return shiftMix((shiftMix(hash) * MURMUR_MUL) & M64);
}

/**
 * The order in which Kusto lists the cells its grid functions gather in a hash set
 * (`geo_geohash_neighbors`, `geo_s2cell_neighbors`): the iteration order of a libstdc++
 * `std::unordered_set<std::string>` with 11 buckets that the cells were inserted into in
 * `inserted` order. Each new cell goes to the front of the list when its bucket is empty,
 * else to the front of its bucket's run. The Kusto emulator's results match this exactly,
 * and Microsoft's documented outputs match the same insertions into MSVC's
 * `std::unordered_set` (FNV-1a, 8 buckets); the order has no meaning of its own. Up to 11
 * cells (a neighbourhood has at most 8): a larger set would have been rehashed.
 */
export function kustoSetOrder(inserted: readonly string[]): string[] {
  const buckets = new Map<string, bigint>();
  for (const s of inserted) if (!buckets.has(s)) buckets.set(s, stdStringHash(s) % 11n);
  const list: string[] = [];
  for (const [s, bucket] of buckets) {
    const at = list.findIndex((t) => buckets.get(t) === bucket);
    list.splice(at < 0 ? 0 : at, 0, s);
  }
  return list;
}

// ---------------------------------------------------------------- geohash

const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/** The geohash of a point with `length` characters (1..18). */
export function geohashEncode(lng: number, lat: number, length: number): string {
  const lngRange = [-180, 180];
  const latRange = [-90, 90];
  let out = "";
  let bits = 0;
  let value = 0;
  let even = true;
  while (out.length < length) {
    const range = even ? lngRange : latRange;
    const x = even ? lng : lat;
    const mid = (range[0] + range[1]) / 2;
    if (x >= mid) {
      value = value * 2 + 1;
      range[0] = mid;
    } else {
      value = value * 2;
      range[1] = mid;
    }
    even = !even;
    if (++bits === 5) {
      out += BASE32[value];
      bits = 0;
      value = 0;
    }
  }
  return out;
}

/** A geohash's bounds as [west, south, east, north], or null when it is not a geohash. */
export function geohashBounds(hash: string): [number, number, number, number] | null {
  if (hash.length < 1 || hash.length > 18) return null;
  const lngRange = [-180, 180];
  const latRange = [-90, 90];
  let even = true;
  for (const ch of hash) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return null;
    for (let bit = 4; bit >= 0; bit--) {
      const range = even ? lngRange : latRange;
      const mid = (range[0] + range[1]) / 2;
      if ((v >> bit) & 1) range[0] = mid;
      else range[1] = mid;
      even = !even;
    }
  }
  return [lngRange[0], latRange[0], lngRange[1], latRange[1]];
}

/**
 * The geohashes around a geohash, gathered clockwise from north-west and listed in
 * Kusto's set order ({@link kustoSetOrder}). Cells beyond a pole do not exist; longitudes
 * wrap around the antimeridian.
 */
export function geohashNeighbors(hash: string): string[] | null {
  const b = geohashBounds(hash);
  if (!b) return null;
  const [w, s, e, n] = b;
  const width = e - w;
  const height = n - s;
  const lng = (w + e) / 2;
  const lat = (s + n) / 2;
  const out: string[] = [];
  const steps: Array<[number, number]> = [
    [-1, 1],
    [0, 1],
    [1, 1],
    [1, 0],
    [1, -1],
    [0, -1],
    [-1, -1],
    [-1, 0],
  ];
  for (const [dx, dy] of steps) {
    const y = lat + dy * height;
    if (y < -90 || y > 90) continue;
    let x = lng + dx * width;
    if (x > 180) x -= 360;
    if (x < -180) x += 360;
    const h = geohashEncode(x, y, hash.length);
    if (h !== hash && !out.includes(h)) out.push(h);
  }
  return kustoSetOrder(out);
}

// ---------------------------------------------------------------- S2

const s2 = (): typeof S2 => geo().s2;

/** The S2 cell token of a point at `level` (0..30). */
export function s2Token(lng: number, lat: number, level: number): string {
  const leaf = s2().cellid.fromLatLng(s2().LatLng.fromDegrees(lat, lng));
  return s2().cellid.toToken(s2().cellid.parent(leaf, level));
}

/** The cell id of a token, or null when it is not a valid S2 cell token. */
export function s2Cell(token: string): bigint | null {
  if (token.length < 1 || token.length > 16 || !/^[0-9a-fA-F]+$/.test(token)) return null;
  const id = s2().cellid.fromToken(token.toLowerCase());
  return s2().cellid.valid(id) ? id : null;
}

function vector(p: { x: number; y: number; z: number }): Point3 {
  return [p.x, p.y, p.z];
}

/** The center of an S2 cell. */
export function s2Center(id: bigint): LngLat {
  return toLngLat(vector(s2().cellid.point(id)));
}

/** The four corners of an S2 cell, counterclockwise. */
export function s2Corners(id: bigint): LngLat[] {
  const cell = s2().Cell.fromCellID(id);
  return [0, 1, 2, 3].map((k) => toLngLat(vector(cell.vertex(k))));
}

/**
 * The tokens of the cells around an S2 cell at its level, found by S2's AppendAllNeighbors
 * and listed in Kusto's set order ({@link kustoSetOrder}).
 */
export function s2Neighbors(id: bigint): string[] {
  const tokens = s2().cellid.allNeighbors(id, s2().cellid.level(id))
    .map((n: bigint) => s2().cellid.toToken(n));
  return kustoSetOrder(tokens);
}

/** Average area of an S2 cell at `level`, in steradians. */
function s2CellArea(level: number): number {
  return (4 * Math.PI) / (6 * 4 ** level);
}

/**
 * The tokens of the cells at `level` covering the polygons, or null when there would be
 * more than `limit`. The count is estimated first so that a fine level over a big area
 * gives up at once instead of enumerating millions of cells.
 */
export function s2Covering(
  polygons: readonly Polygon[],
  level: number,
  area: number,
  perimeter: number,
  limit: number,
): string[] | null {
  const cellArea = s2CellArea(level);
  const estimate = area / cellArea + 4 * perimeter / Math.sqrt(cellArea);
  if (estimate > 4 * limit) return null;
  const coverer = new (s2().RegionCoverer)({ minLevel: level, maxLevel: level, maxCells: limit });
  const ids = coverer.covering(s2Polygon(polygons));
  if (ids.length > limit) return null;
  return ids.map((id: bigint) => s2().cellid.toToken(id));
}

// ---------------------------------------------------------------- H3

/** The H3 cell of a point at `resolution` (0..15). */
export function h3Cell(lng: number, lat: number, resolution: number): string {
  return geo().h3.latLngToCell(lat, lng, resolution);
}

/** Whether a string is a valid H3 cell index. */
export function h3Valid(cell: string): boolean {
  return /^[0-9a-fA-F]{1,16}$/.test(cell) && geo().h3.isValidCell(cell.toLowerCase());
}

export function h3Level(cell: string): number {
  return geo().h3.getResolution(cell.toLowerCase());
}

export function h3Center(cell: string): LngLat {
  const [lat, lng] = geo().h3.cellToLatLng(cell.toLowerCase());
  return [lng, lat];
}

/** The closed boundary ring of an H3 cell, counterclockwise, as GeoJSON positions. */
export function h3Boundary(cell: string): LngLat[] {
  return geo().h3.cellToBoundary(cell.toLowerCase(), true) as LngLat[];
}

export function h3Parent(cell: string, resolution: number): string {
  return geo().h3.cellToParent(cell.toLowerCase(), resolution);
}

export function h3Children(cell: string, resolution: number): string[] {
  return geo().h3.cellToChildren(cell.toLowerCase(), resolution);
}

/** The cells at grid distance 0..k, ring by ring. */
export function h3Rings(cell: string, k: number): string[][] {
  return geo().h3.gridDiskDistances(cell.toLowerCase(), k);
}

/**
 * The cells whose centers lie in the polygons (edges straight in longitude/latitude), or
 * null when there would be more than `limit`; `areaKm2` bounds the count beforehand.
 */
export function h3Cover(
  polygons: readonly Polygon[],
  resolution: number,
  areaKm2: number,
  limit: number,
): string[] | null {
  const cellArea = geo().h3.getHexagonAreaAvg(resolution, geo().h3.UNITS.km2);
  if (areaKm2 / cellArea > 2 * limit) return null;
  const out = new Set<string>();
  for (const polygon of polygons) {
    const rings = [polygon.shell, ...polygon.holes].map((l) => l.coords.map((p) => [p[0], p[1]]));
    for (const c of geo().h3.polygonToCells(rings, resolution, true)) {
      out.add(c);
      if (out.size > limit) return null;
    }
  }
  return [...out];
}
