/**
 * Registers every function family.
 *
 * @module
 */
import "./_core.ts";
import "./_aggregates.ts";
import "./_strings.ts";
import "./_datetime.ts";
import "./_math.ts";
import "./_dynamic.ts";
import "./_ip.ts";
import "./_window.ts";
import "./_geo.ts";
import "./_series.ts";
import "./_stats.ts";
