/**
 * Registers every function family.
 *
 * @module
 */
import "./core.ts";
import "./aggregates.ts";
import "./strings.ts";
import "./datetime.ts";
import "./math.ts";
import "./dynamic.ts";
import "./ip.ts";
import "./window.ts";
import "./geo.ts";
import "./series.ts";
import "./stats.ts";
