/**
 * A loopback Microsoft Graph advanced hunting service for tests and demos: HTTPS on
 * 127.0.0.1 with a throwaway CA made at start-up, answering
 * `POST /v1.0/security/runHuntingQuery` (`{ "Query", "Timespan"? }`) with the local KQL
 * engine over the bundled demo case (its Device* and Identity* tables, and every other).
 *
 * - Answers: `{ schema: [{name, type}], results: [{...}] }` with .NET type names (`String`,
 *   `DateTime`, `Int64`, `Int32`, `Double`, `Boolean`, `Object`, `Guid`, `TimeSpan`), one
 *   object per row, `dynamic` as nested JSON.
 * - `Timespan` (ISO 8601 duration or interval, default `P30D`, ending at the data's
 *   reference time) filters `TimeGenerated` before the query runs.
 * - Results over `maxRows` (100,000) are cut silently, as advanced hunting does.
 * - Errors in Graph's shape `{"error":{"code","message","innerError"}}`: a missing or wrong
 *   token → 401 `InvalidAuthenticationToken`; a query the engine rejects → 400
 *   `BadRequest` with its message (an unknown table: "Failed to resolve table or column
 *   expression named 'X'").
 * - Faults (see {@link GraphFault}): throttling with `Retry-After`, the CPU quota, the
 *   10-minute timeout, a hang, a dropped connection, 401 and 403.
 * - With `entra`, the same port is also a Microsoft Entra ID tenant (the Log Analytics
 *   twin's) issuing tokens for `https://graph.microsoft.com`.
 *
 * @example Query the demo case over HTTPS
 * ```ts
 * import assert from "node:assert/strict";
 * import { startGraphHuntingService } from "./mod.ts";
 *
 * const service = await startGraphHuntingService();
 * const client = Deno.createHttpClient({ caCerts: [service.caCertificate] });
 * try {
 *   const response = await fetch(`${service.endpoint}/v1.0/security/runHuntingQuery`, {
 *     method: "POST",
 *     headers: { authorization: `Bearer ${service.token}`, "content-type": "application/json" },
 *     body: JSON.stringify({ Query: "print n = 6 * 7, at = datetime(2026-03-12 02:18:55)" }),
 *     client,
 *   });
 *   const body = await response.json();
 *   assert.deepEqual(body.schema, [
 *     { name: "n", type: "Int64" },
 *     { name: "at", type: "DateTime" },
 *   ]);
 *   assert.deepEqual(body.results, [{ n: 42, at: "2026-03-12T02:18:55Z" }]);
 * } finally {
 *   client.close();
 *   await service.close();
 * }
 * ```
 *
 * @module
 */
import { startService } from "./_server.ts";
import type { GraphHuntingOptions, GraphHuntingService } from "./_types.ts";

export type { GraphFault, GraphHuntingOptions, GraphHuntingService } from "./_types.ts";
export { GRAPH_RESOURCE, MAX_ROWS } from "./_server.ts";

/**
 * Starts the loopback Graph advanced hunting service.
 *
 * @param options Data, port, token, row limit, clock and Entra tenant.
 * @returns The running service; call `close()` when done.
 */
export function startGraphHuntingService(
  options: GraphHuntingOptions = {},
): Promise<GraphHuntingService> {
  return startService(options);
}
