/**
 * KQL's geospatial functions: distances, containment, measures and edits of GeoJSON
 * shapes on the sphere (S2 semantics: geodesic edges, Earth radius 6,371,010 m, the
 * WGS-84 ellipsoid only for `geo_distance_2points(..., true)`), WKT reading, and the
 * geohash, S2 and H3 grid systems.
 *
 * `geo_distance_2points` and `geo_point_in_circle` over columns compile to native Polars
 * expressions (impossible-travel queries run them over every sign-in); everything else
 * runs row by row in JavaScript, with a constant shape argument parsed once per query.
 * Invalid coordinates or shapes give null (or "" for functions returning cell tokens), as
 * Kusto's documentation says.
 *
 * The functions register from `geo/_points.ts`, `_polygons.ts`, `_lines.ts` and
 * `_grids.ts`, over the spherical geometry of `geo/_sphere.ts`.
 *
 * @module
 */
import "./geo/_points.ts";
import "./geo/_polygons.ts";
import "./geo/_lines.ts";
import "./geo/_grids.ts";
import "./geo/_buffers.ts";
