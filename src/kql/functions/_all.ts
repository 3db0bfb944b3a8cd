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
import "./_aggregates_more.ts";
import "./_hll.ts";
import "./_text_formats.ts";
import "./_row_context.ts";
import "./_xml.ts";
import "./_ip_geo.ts";
import "./_user_agent.ts";
import "./_numeric_more.ts";
import "./_dynamic_more.ts";
import "./_old_names.ts";
import "./_timezones.ts";
