/**
 * The point functions: distances (native Polars over columns), circles, azimuths
 * and angles.
 *
 * @module
 */
import { type Expr, pl } from "../../../polars.ts";
import type { Typed } from "../../compile/_context.ts";
import { isNumeric } from "../../compile/_conversion.ts";
import { pointDistance } from "./_measure.ts";
import { validLngLat } from "./_shapes.ts";
import { angle, bearing, EARTH_RADIUS_M, equals, type LngLat } from "./_sphere.ts";
import { defineGeo, nativeNumbers, num, opt, point, withNative } from "./_define.ts";

defineGeo(
  "geo_distance_2points",
  ["number", "number", "number", "number", "bool"],
  4,
  "real",
  (v) => {
    if (!validLngLat(v[0], v[1]) || !validLngLat(v[2], v[3])) return null;
    const spheroid = opt(v[4], false);
    if (typeof spheroid !== "boolean") return null;
    return pointDistance(v[0] as number, v[1] as number, v[2] as number, v[3] as number, spheroid);
  },
);

defineGeo(
  "geo_point_in_circle",
  ["number", "number", "number", "number", "number"],
  5,
  "bool",
  (v) => {
    const p = point(v[0], v[1]);
    const c = point(v[2], v[3]);
    const radius = num(v[4]);
    if (!p || !c || radius === null || radius <= 0) return null;
    return angle(p, c) * EARTH_RADIUS_M <= radius;
  },
);

/**
 * The great-circle angle between two points as a Polars expression, with S2's formula
 * (atan2 of the cross and dot products of the unit vectors); null when a coordinate is
 * null or out of range. Distances over millions of sign-ins (impossible travel) stay
 * native instead of going through JavaScript row by row.
 */
function nativeAngle(args: readonly Typed[]): Expr {
  const [lng1, lat1, lng2, lat2] = args.map((a) => a.expr.cast(pl.Float64));
  const vector = (lng: Expr, lat: Expr) => {
    const phi = lat.mul(pl.lit(Math.PI / 180));
    const theta = lng.mul(pl.lit(Math.PI / 180));
    const cosphi = phi.cos();
    return [theta.cos().mul(cosphi), theta.sin().mul(cosphi), phi.sin()];
  };
  const [x1, y1, z1] = vector(lng1, lat1);
  const [x2, y2, z2] = vector(lng2, lat2);
  const cx = y1.mul(z2).sub(z1.mul(y2));
  const cy = z1.mul(x2).sub(x1.mul(z2));
  const cz = x1.mul(y2).sub(y1.mul(x2));
  const crossNorm = cx.mul(cx).add(cy.mul(cy)).add(cz.mul(cz)).pow(0.5);
  const dotProduct = x1.mul(x2).add(y1.mul(y2)).add(z1.mul(z2));
  const inRange = (e: Expr, limit: number) => e.gtEq(-limit).and(e.ltEq(limit));
  const valid = inRange(lng1, 180).and(inRange(lat1, 90)).and(inRange(lng2, 180))
    .and(inRange(lat2, 90));
  return pl.when(valid).then(crossNorm.arctan2(dotProduct)).otherwise(pl.lit(null));
}

withNative(
  "geo_distance_2points",
  (args) =>
    nativeNumbers(args, 4) &&
    (args.length === 4 || (args[4].constant !== undefined && args[4].constant.value !== true)),
  (args) => ({ expr: nativeAngle(args).mul(pl.lit(EARTH_RADIUS_M)), type: "real" }),
);

withNative(
  "geo_point_in_circle",
  (args) => nativeNumbers(args, 4) && isNumeric(args[4].type),
  (args) => {
    const radius = args[4].expr.cast(pl.Float64);
    const inside = nativeAngle(args).mul(pl.lit(EARTH_RADIUS_M)).ltEq(radius);
    return { expr: pl.when(radius.gt(0)).then(inside).otherwise(pl.lit(null)), type: "bool" };
  },
);

defineGeo("geo_azimuth", ["number", "number", "number", "number"], 4, "real", (v) => {
  const a = point(v[0], v[1]);
  const b = point(v[2], v[3]);
  if (!a || !b || equals(a, b) || angle(a, b) >= Math.PI - 1e-12) return null;
  return bearing([v[0], v[1]] as LngLat, [v[2], v[3]] as LngLat);
});

defineGeo(
  "geo_angle",
  ["number", "number", "number", "number", "number", "number"],
  6,
  "real",
  (v) => {
    const a = point(v[0], v[1]);
    const b = point(v[2], v[3]);
    const c = point(v[4], v[5]);
    if (!a || !b || !c || equals(a, b) || equals(b, c)) return null;
    if (angle(a, b) >= Math.PI - 1e-12 || angle(b, c) >= Math.PI - 1e-12) return null;
    const from = bearing([v[2], v[3]] as LngLat, [v[0], v[1]] as LngLat);
    const to = bearing([v[2], v[3]] as LngLat, [v[4], v[5]] as LngLat);
    const turn = to - from;
    return turn < 0 ? turn + 2 * Math.PI : turn;
  },
);
