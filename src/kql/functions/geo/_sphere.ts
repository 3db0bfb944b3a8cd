/**
 * Geometry on the unit sphere, following the S2 geometry library that Kusto's geo
 * functions are built on: points are unit vectors, edges are geodesics, and lengths are
 * angles scaled by S2's Earth radius. The formulas (and their floating-point order of
 * operations) follow S2's C++ code so that results match Kusto's to the last digits.
 *
 * @module
 */

/** A point on the unit sphere (or any 3-vector). */
export type Point3 = readonly [number, number, number];

/** A [longitude, latitude] pair in degrees, as GeoJSON writes it. */
export type LngLat = readonly [number, number];

/** The Earth's mean radius in meters, as S2 (and so Kusto) uses it. */
export const EARTH_RADIUS_M = 6371010;

const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;

/** The unit vector of a longitude/latitude in degrees (S2LatLng::ToPoint). */
export function toPoint(lng: number, lat: number): Point3 {
  const phi = DEG_TO_RAD * lat;
  const theta = DEG_TO_RAD * lng;
  const cosphi = Math.cos(phi);
  return [Math.cos(theta) * cosphi, Math.sin(theta) * cosphi, Math.sin(phi)];
}

/** The longitude/latitude in degrees of a (not necessarily unit) vector. */
export function toLngLat(p: Point3): [number, number] {
  const lat = Math.atan2(p[2], Math.sqrt(p[0] * p[0] + p[1] * p[1]));
  const lng = Math.atan2(p[1], p[0]);
  return [RAD_TO_DEG * lng, RAD_TO_DEG * lat];
}

/** Radians to degrees the way S1Angle::degrees() computes it. */
export function degrees(radians: number): number {
  return RAD_TO_DEG * radians;
}

/** Degrees to radians the way S1Angle::Degrees() computes it. */
export function radians(degrees: number): number {
  return DEG_TO_RAD * degrees;
}

export function add(a: Point3, b: Point3): Point3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function sub(a: Point3, b: Point3): Point3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function scale(a: Point3, k: number): Point3 {
  return [a[0] * k, a[1] * k, a[2] * k];
}

export function dot(a: Point3, b: Point3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Point3, b: Point3): Point3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function norm2(a: Point3): number {
  return dot(a, a);
}

export function norm(a: Point3): number {
  return Math.sqrt(dot(a, a));
}

/** `a` scaled to unit length (the zero vector stays zero). */
export function normalize(a: Point3): Point3 {
  const n = norm(a);
  return n === 0 ? a : scale(a, 1 / n);
}

export function equals(a: Point3, b: Point3): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/** The angle between two vectors in radians, accurate for small and large angles. */
export function angle(a: Point3, b: Point3): number {
  return Math.atan2(norm(cross(a, b)), dot(a, b));
}

/**
 * A vector orthogonal to both points that stays accurate when they are nearly equal:
 * (b + a) × (b - a) = 2 (a × b) without the cancellation (S2's RobustCrossProd core).
 */
export function robustCross(a: Point3, b: Point3): Point3 {
  const x = cross(add(b, a), sub(b, a));
  if (x[0] !== 0 || x[1] !== 0 || x[2] !== 0) return x;
  return ortho(a);
}

/** Some unit vector orthogonal to `a`. */
export function ortho(a: Point3): Point3 {
  const ax = Math.abs(a[0]);
  const ay = Math.abs(a[1]);
  const az = Math.abs(a[2]);
  // Cross with the axis of the second-largest component's successor, as S2 does.
  const k = ax > ay ? (ax > az ? 0 : 2) : (ay > az ? 1 : 2);
  const axis: [number, number, number] = [0, 0, 0];
  axis[(k + 1) % 3] = 1;
  return normalize(cross(a, axis));
}

/** +1 if a, b, c turn counterclockwise, -1 if clockwise, 0 if collinear (in floating point). */
export function orientation(a: Point3, b: Point3, c: Point3): number {
  return Math.sign(dot(cross(a, b), c));
}

/** Whether edges ab and cd cross at a point interior to both (S2's CrossingSign > 0). */
export function edgesCross(a: Point3, b: Point3, c: Point3, d: Point3): boolean {
  const acb = orientation(a, c, b);
  if (acb === 0) return false;
  if (orientation(b, d, a) !== acb) return false;
  if (orientation(c, b, d) !== acb) return false;
  return orientation(d, a, c) === acb;
}

/** Whether edges ab and cd share any point (crossing, touching or overlapping). */
export function edgesIntersect(a: Point3, b: Point3, c: Point3, d: Point3): boolean {
  if (edgesCross(a, b, c, d)) return true;
  return onEdge(a, c, d) || onEdge(b, c, d) || onEdge(c, a, b) || onEdge(d, a, b);
}

/** Whether `x` lies on edge ab (within a few ulps). */
export function onEdge(x: Point3, a: Point3, b: Point3): boolean {
  if (equals(x, a) || equals(x, b)) return true;
  return angle(x, project(x, a, b)) < 1e-14;
}

/** The point of edge ab closest to x (S2::Project). */
export function project(x: Point3, a: Point3, b: Point3): Point3 {
  const n = robustCross(a, b);
  const p = sub(x, scale(n, dot(x, n) / norm2(n)));
  if (dot(cross(p, n), a) > 0 && dot(cross(n, p), b) > 0) return normalize(p);
  return norm2(sub(x, a)) <= norm2(sub(x, b)) ? a : b;
}

/** The angular distance from x to edge ab, in radians. */
export function edgeDistance(x: Point3, a: Point3, b: Point3): number {
  return angle(x, project(x, a, b));
}

/**
 * The intersection of two crossing edges ab and cd: the point of the great circles'
 * intersection that lies on both edges.
 */
export function intersection(a: Point3, b: Point3, c: Point3, d: Point3): Point3 {
  const n1 = robustCross(a, b);
  const n2 = robustCross(c, d);
  let x = normalize(cross(n1, n2));
  // Of the two antipodal candidates, keep the one near the edges.
  if (dot(x, add(add(a, b), add(c, d))) < 0) x = scale(x, -1);
  return x;
}

/** The point at fraction `t` of the way along edge ab (spherical interpolation). */
export function interpolate(a: Point3, b: Point3, t: number): Point3 {
  if (t === 0) return a;
  if (t === 1) return b;
  const ab = angle(a, b);
  const dir = normalize(sub(b, scale(a, dot(a, b))));
  const theta = t * ab;
  return normalize(add(scale(a, Math.cos(theta)), scale(dir, Math.sin(theta))));
}

// ---------------------------------------------------------------- areas and centroids

/** The area of triangle abc on the unit sphere, always positive (S2::Area). */
export function triangleArea(a: Point3, b: Point3, c: Point3): number {
  const sa = angle(b, c);
  const sb = angle(c, a);
  const sc = angle(a, b);
  const s = 0.5 * (sa + sb + sc);
  if (s >= 3e-4) {
    const s2 = s * s;
    const dmin = s - Math.max(sa, Math.max(sb, sc));
    if (dmin < 1e-2 * s * s2 * s2) {
      const area = girardArea(a, b, c);
      if (dmin < s * (0.1 * (area + 5e-15))) return area;
    }
  }
  return 4 * Math.atan(Math.sqrt(Math.max(
    0,
    Math.tan(0.5 * s) * Math.tan(0.5 * (s - sa)) * Math.tan(0.5 * (s - sb)) *
      Math.tan(0.5 * (s - sc)),
  )));
}

function girardArea(a: Point3, b: Point3, c: Point3): number {
  const ab = robustCross(a, b);
  const bc = robustCross(b, c);
  const ac = robustCross(a, c);
  return Math.max(0, angle(ab, ac) - angle(ab, bc) + angle(bc, ac));
}

/** The signed area of triangle abc: positive when counterclockwise. */
export function signedArea(a: Point3, b: Point3, c: Point3): number {
  return triangleArea(a, b, c) * orientation(a, b, c);
}

/**
 * The true centroid of triangle abc multiplied by its signed area (S2::TrueCentroid):
 * summing these over a triangle fan gives a loop's centroid direction.
 */
export function triangleCentroid(a: Point3, b: Point3, c: Point3): Point3 {
  const angleA = angle(b, c);
  const angleB = angle(c, a);
  const angleC = angle(a, b);
  const ra = angleA === 0 ? 1 : angleA / Math.sin(angleA);
  const rb = angleB === 0 ? 1 : angleB / Math.sin(angleB);
  const rc = angleC === 0 ? 1 : angleC / Math.sin(angleC);
  // Cramer's rule on rows relative to a, which keeps small triangles accurate.
  const x: Point3 = [a[0], b[0] - a[0], c[0] - a[0]];
  const y: Point3 = [a[1], b[1] - a[1], c[1] - a[1]];
  const z: Point3 = [a[2], b[2] - a[2], c[2] - a[2]];
  const r: Point3 = [ra, rb - ra, rc - ra];
  return scale([dot(cross(y, z), r), dot(cross(z, x), r), dot(cross(x, y), r)], 0.5);
}

/** The true centroid of edge ab multiplied by its length (S2::TrueCentroid of an edge). */
export function edgeCentroid(a: Point3, b: Point3): Point3 {
  const vdiff = sub(a, b);
  const vsum = add(a, b);
  const sin2 = norm2(vdiff);
  const cos2 = norm2(vsum);
  if (cos2 === 0) return [0, 0, 0];
  return scale(vsum, Math.sqrt(sin2 / cos2));
}

/**
 * Sums `f` over a fan of triangles covering a loop (S2's GetSurfaceIntegral), moving the
 * fan's origin where an edge of the fan would get close to 180 degrees.
 */
export function surfaceIntegral<T>(
  loop: readonly Point3[],
  f: (a: Point3, b: Point3, c: Point3) => T,
  plus: (x: T, y: T) => T,
  zero: T,
): T {
  const maxLength = Math.PI - 1e-5;
  let sum = zero;
  if (loop.length < 3) return sum;
  let origin = loop[0];
  for (let i = 1; i + 1 < loop.length; i++) {
    if (angle(loop[i + 1], origin) > maxLength) {
      const oldOrigin = origin;
      if (origin === loop[0]) {
        origin = normalize(robustCross(loop[0], loop[i]));
      } else if (angle(loop[i], loop[0]) < maxLength) {
        origin = loop[0];
      } else {
        origin = cross(loop[0], oldOrigin);
        sum = plus(sum, f(loop[0], oldOrigin, origin));
      }
      sum = plus(sum, f(oldOrigin, loop[i], origin));
    }
    sum = plus(sum, f(origin, loop[i], loop[i + 1]));
  }
  if (origin !== loop[0]) sum = plus(sum, f(origin, loop[loop.length - 1], loop[0]));
  return sum;
}

/** The signed area of a loop (positive for a counterclockwise loop under a hemisphere). */
export function loopSignedArea(loop: readonly Point3[]): number {
  return surfaceIntegral(loop, signedArea, (x, y) => x + y, 0);
}

/** The centroid of a loop multiplied by its area (not unit length). */
export function loopCentroid(loop: readonly Point3[]): Point3 {
  return surfaceIntegral(loop, triangleCentroid, add, [0, 0, 0] as Point3);
}

/** The initial bearing from a to b in radians, clockwise from north, in [0, 2π). */
export function bearing(a: LngLat, b: LngLat): number {
  const phi1 = radians(a[1]);
  const phi2 = radians(b[1]);
  const dl = radians(b[0] - a[0]);
  const y = Math.sin(dl) * Math.cos(phi2);
  const x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dl);
  const theta = Math.atan2(y, x);
  return theta < 0 ? theta + 2 * Math.PI : theta;
}
