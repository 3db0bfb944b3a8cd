/**
 * A loopback Azure Monitor Log Analytics query service for tests and demos: HTTPS on
 * 127.0.0.1 with a throwaway CA and certificate made at start-up, speaking the real v1 query
 * API. Queries run on the local KQL engine over the bundled demo case or any folder; faults
 * can be injected per query.
 *
 * - Routes: `POST /v1/workspaces/{id}/query`, `GET` of the same with `?query=&timespan=`,
 *   resource-centric `POST /v1{resourceId}/query` (any `/subscriptions/...` id; unmapped ids
 *   go to the first workspace), and `POST /v1/$batch`. Each is also answered without `/v1`:
 *   `@azure/monitor-query-logs` uses a given `endpoint` as the API base as is, so give it
 *   `${endpoint}/v1` to send what it sends to `https://api.loganalytics.io/v1`.
 * - `Authorization: Bearer <token>`: missing → 401 `AuthorizationRequiredError`; another
 *   token → 401 `InvalidTokenError`. An unknown workspace GUID → 404
 *   `WorkspaceNotFoundError`; a workspace that is not a GUID or an unknown path → 404
 *   `PathNotFoundError`.
 * - KQL errors → 400 `BadArgumentError` with `innererror` `SyntaxError` (`SYN0002`, "Query
 *   could not be parsed at 'x' on line [l,p]", `line`, 0-based `pos`, `token`) or
 *   `SemanticError` (`SEM0100`, the engine's message). Other failures → 500.
 * - `timespan` (an ISO 8601 duration ending at `now`, or an interval) filters
 *   `TimeGenerated` before the query runs, as on the local provider.
 * - `Prefer`: `wait=N` (answers 504 `GatewayTimeout` when the query, or a `slow` fault,
 *   takes longer), `include-statistics=true`, `include-render=true`; echoed in
 *   `Preference-Applied`.
 * - Results over `maxRows` rows or `maxBytes` bytes of row text come back cut, with the real
 *   partial-result `error`: `PartialError` whose `details[0].innererror.message` names
 *   `E_QUERY_RESULT_SET_TOO_LARGE` and the limit.
 * - Cross-workspace queries (`workspaces` in the body) run over tables that union each
 *   workspace's table of the same name, with `TenantId` set to each row's workspace id (the
 *   column Log Analytics tells workspaces apart by). A single-workspace query is exactly
 *   the local provider's query, so both providers give the same frames.
 * - In a batch, every sub-query is answered on its own (its own status, faults included); a
 *   fault injected with `{ batch: true }` answers the `$batch` request as a whole instead.
 *
 * With `entra` set, the same port also answers as a Microsoft Entra ID (Azure AD) tenant:
 * OpenID metadata, client-credentials (secret or certificate), device-code and refresh-token
 * grants, in the real wire format (see `_entra.ts`). Its authority host is `endpoint`, and
 * the access tokens it issues are accepted by the query API until they expire, so the real
 * @azure/identity credentials can be exercised end to end (`authorityHost` in casefile's
 * Sentinel config).
 *
 * TLS trust for clients: Deno's `fetch` takes `Deno.createHttpClient({ caCerts:
 * [caCertificate] })`. Node's `https` (what the Azure SDK uses under Deno) takes an
 * `https.Agent({ ca: caCertificate })` (the SDK client's `agent` option), or
 * `NODE_EXTRA_CA_CERTS=caCertificatePath`, which Deno reads once, at the process's first
 * TLS connection through `node:https`/`node:tls`: set it in the environment of the process
 * (or before its first such connection); later changes, and a second service's CA, are not
 * seen.
 *
 * @example Query the demo case over HTTPS
 * ```ts
 * import assert from "node:assert/strict";
 * import { startLogAnalyticsService } from "./mod.ts";
 *
 * const service = await startLogAnalyticsService();
 * const client = Deno.createHttpClient({ caCerts: [service.caCertificate] });
 * try {
 *   const response = await fetch(
 *     `${service.endpoint}/v1/workspaces/${service.workspaceIds[0]}/query`,
 *     {
 *       method: "POST",
 *       headers: {
 *         authorization: `Bearer ${service.token}`,
 *         "content-type": "application/json",
 *       },
 *       body: JSON.stringify({ query: "SecurityAlert | count" }),
 *       client,
 *     },
 *   );
 *   assert.deepEqual((await response.json()).tables[0].rows, [[15]]);
 * } finally {
 *   client.close();
 *   await service.close();
 * }
 * ```
 *
 * @module
 */
import { startService } from "./_server.ts";
import type { LogAnalyticsService, ServiceOptions } from "./_types.ts";

export type {
  EntraApp,
  EntraOptions,
  EntraTenant,
  EntraUser,
  Fault,
  IssuedToken,
  LogAnalyticsService,
  RecordedRequest,
  ServiceOptions,
} from "./_types.ts";

/**
 * The workspace id the service serves the data under unless told otherwise: the demo case's
 * own (the `TenantId` of its rows).
 */
export const DEMO_WORKSPACE_ID = "c3a1e7f4-92d8-4b6a-8f15-6d0e9b2c4a77";

/** The Azure resource id of the demo workspace (for resource-centric queries). */
export const DEMO_WORKSPACE_RESOURCE_ID =
  "/subscriptions/0e4d9b62-7a1f-4c83-b5e2-91f7c6d8a3b0/resourceGroups/rg-secops-prod" +
  "/providers/Microsoft.OperationalInsights/workspaces/law-larkspur-sentinel";

/**
 * Starts the loopback Log Analytics service.
 *
 * @param options Data, port, workspaces, token and limits.
 * @returns The running service; call `close()` when done.
 * @throws {DataLoadError} when a data folder cannot be opened.
 * @throws {Deno.errors.AddrInUse} when the port is taken.
 */
export function startLogAnalyticsService(
  options: ServiceOptions = {},
): Promise<LogAnalyticsService> {
  return startService(options, DEMO_WORKSPACE_ID);
}
