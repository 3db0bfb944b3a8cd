/**
 * A loopback Azure Resource Manager service for Microsoft Sentinel's incidents
 * (Microsoft.SecurityInsights, api-version 2024-03-01), for tests and demos: HTTPS on
 * 127.0.0.1 with the Log Analytics twin's throwaway CA and (with `entra`) its Entra ID
 * tenant, issuing tokens for `https://management.azure.com`.
 *
 * - Routes under `{workspace}/providers/Microsoft.SecurityInsights/`: `GET incidents`
 *   (`$filter` on `properties/...` with eq/ne/ge/gt/le/lt joined by `and`, `$orderby`,
 *   `$top`, `nextLink` with `$skipToken`), `GET|PUT incidents/{id}` (PUT checks the `etag`
 *   of the body or `If-Match`: 412 `PreconditionFailed`), `POST incidents/{id}/alerts`,
 *   `POST incidents/{id}/entities`, `GET incidents/{id}/comments`,
 *   `PUT incidents/{id}/comments/{id}`, `GET|PUT bookmarks/{id}`, `PUT watchlists/{alias}`,
 *   `PUT watchlists/{alias}/watchlistItems/{id}`. Without `api-version`: 400.
 * - Every object in ARM's envelope (`id`, `name`, `type`, `etag`, `kind`, `properties`);
 *   errors as `{"error":{"code","message"}}`.
 * - Seeded from the case's SecurityIncident rows, each with its SecurityAlert rows and the
 *   entities of those alerts (one per distinct account, host, IP, mailbox, file, URL).
 * - Roles (`role`, `setRole`): 403 `AuthorizationFailed` naming the action and scope.
 * - Faults (`inject`): any status, with `Retry-After` for throttling.
 *
 * @example Read the demo case's first intrusion
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEMO_INCIDENT_ID, startArmService } from "./mod.ts";
 *
 * const service = await startArmService();
 * const client = Deno.createHttpClient({ caCerts: [service.caCertificate] });
 * try {
 *   const url = `${service.endpoint}${service.workspaceResourceId}` +
 *     `/providers/Microsoft.SecurityInsights/incidents/${DEMO_INCIDENT_ID}?api-version=2024-03-01`;
 *   const response = await fetch(url, {
 *     headers: { authorization: `Bearer ${service.token}` },
 *     client,
 *   });
 *   assert.equal((await response.json()).properties.incidentNumber, 1010);
 * } finally {
 *   client.close();
 *   await service.close();
 * }
 * ```
 *
 * @module
 */
import { DEMO_WORKSPACE_RESOURCE_ID } from "../log_analytics/mod.ts";
import { startService } from "./_server.ts";
import type { ArmService, ArmServiceOptions } from "./_types.ts";

export type {
  ArmFault,
  ArmResource,
  ArmService,
  ArmServiceOptions,
  SentinelRole,
} from "./_types.ts";

/** The demo case's first intrusion (incident 1010: spray, inbox rule, PowerShell, LSASS). */
export const DEMO_INCIDENT_ID = "d1e91529-2e60-4a66-92c5-8a02ad2960e4";

/**
 * Starts the loopback ARM service for the demo workspace (`DEMO_WORKSPACE_RESOURCE_ID`).
 *
 * @throws {DataLoadError} when the data folder cannot be opened.
 */
export function startArmService(options: ArmServiceOptions = {}): Promise<ArmService> {
  return startService(options, DEMO_WORKSPACE_RESOURCE_ID);
}
