/**
 * The geometry libraries (h3-js, s2js, geographiclib, polyclip-ts) load with the first
 * query, not with the engine: together they take some 25 ms, which every start of the REPL
 * or of a script would otherwise pay. `executeOn` awaits {@link loadGeoLibraries} before it
 * compiles a query; the geo functions then reach them synchronously.
 *
 * @module
 */
import type * as H3 from "h3-js";
import type { s2 as S2 } from "s2js";
import type Geographiclib from "geographiclib-geodesic";
import type * as Polyclip from "polyclip-ts";

/** The loaded libraries. */
export interface GeoLibraries {
  readonly h3: typeof H3;
  readonly s2: typeof S2;
  readonly geographiclib: typeof Geographiclib;
  readonly polyclip: typeof Polyclip;
}

let libraries: GeoLibraries | undefined;
let loading: Promise<void> | undefined;

/** Loads the libraries once (later calls return at once). */
export function loadGeoLibraries(): Promise<void> {
  loading ??= Promise.all([
    import("h3-js"),
    import("s2js"),
    import("geographiclib-geodesic"),
    import("polyclip-ts"),
  ]).then(([h3, s2js, geographiclib, polyclip]) => {
    libraries = { h3, s2: s2js.s2, geographiclib: geographiclib.default, polyclip };
  });
  return loading;
}

/** The libraries; only after {@link loadGeoLibraries} has settled. */
export function geo(): GeoLibraries {
  if (!libraries) throw new Error("internal: a geo function ran before loadGeoLibraries()");
  return libraries;
}
