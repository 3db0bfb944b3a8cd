/**
 * Data some functions read, loaded before a query that names them compiles (compiling is
 * synchronous): the geo-IP databases of `geo_info_from_ip_address` and the user-agent
 * patterns of `parse_user_agent`. Each loads once, with the first query that needs it.
 *
 * @module
 */
import { loadIpGeo, needsIpGeo } from "./_ip_geo.ts";
import { loadUserAgentParsers, needsUserAgentParsers } from "./_user_agent.ts";

/** Loads what the functions `query` names need (a no-op for most queries). */
export async function preloadFunctionData(query: string): Promise<void> {
  const loads: Promise<void>[] = [];
  if (needsIpGeo(query)) loads.push(loadIpGeo());
  if (needsUserAgentParsers(query)) loads.push(loadUserAgentParsers());
  await Promise.all(loads);
}
