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
 * - In a batch, every sub-query is answered on its own (its own status, faults included).
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
 *   console.log((await response.json()).tables[0].rows); // [[13]]
 * } finally {
 *   client.close();
 *   await service.close();
 * }
 * ```
 *
 * @module
 */
import { startService } from "./_server.ts";

/**
 * The workspace id the service serves the data under unless told otherwise: the demo case's
 * own (the `TenantId` of its rows).
 */
export const DEMO_WORKSPACE_ID = "c3a1e7f4-92d8-4b6a-8f15-6d0e9b2c4a77";

/** The Azure resource id of the demo workspace (for resource-centric queries). */
export const DEMO_WORKSPACE_RESOURCE_ID =
  "/subscriptions/0e4d9b62-7a1f-4c83-b5e2-91f7c6d8a3b0/resourceGroups/rg-secops-prod" +
  "/providers/Microsoft.OperationalInsights/workspaces/law-larkspur-sentinel";

/** Options of {@link startLogAnalyticsService}. */
export interface ServiceOptions {
  /** The folder served (default: the bundled demo case). Ignored when `workspaces` is given. */
  data?: string;
  /** The port on 127.0.0.1; 0 (the default) takes any free port. */
  port?: number;
  /** Workspace id → data folder (default: {@link DEMO_WORKSPACE_ID} → `data`). */
  workspaces?: Record<string, string>;
  /**
   * Resource id → workspace id, for resource-centric queries (`/v1{resourceId}/query`).
   * Resource ids not listed here map to the first workspace.
   */
  resources?: Record<string, string>;
  /** The bearer token the service accepts (default: a random one, see `token`). */
  token?: string;
  /** The row limit of one result (Log Analytics: 500,000). */
  maxRows?: number;
  /** The size limit of one result in bytes (Log Analytics: 64 MiB, 67,108,864). */
  maxBytes?: number;
  /** The instant `now()` and `ago()` mean (default: the data's reference time, or now). */
  now?: Date;
  /** Also serve a loopback Microsoft Entra ID tenant on the same port (`true`: defaults). */
  entra?: boolean | EntraOptions;
}

/** An app registration of the loopback Entra ID tenant. */
export interface EntraApp {
  /** The application (client) id, a GUID. */
  readonly clientId: string;
  readonly displayName?: string;
  /** Client secret values the app accepts (made by the caller; never logged or recorded). */
  readonly secrets?: readonly string[];
  /** PEM certificates whose private keys may sign client assertions. */
  readonly certificates?: readonly string[];
  /** Whether public-client flows (device code) are allowed ("Allow public client flows"). */
  readonly publicClient?: boolean;
}

/** A person signing in through the device-code flow. */
export interface EntraUser {
  /** Display name. */
  readonly name: string;
  /** User principal name (`preferred_username`). */
  readonly username: string;
  /** Object id (default: one derived from `username`). */
  readonly objectId?: string;
}

/** Options of the loopback Entra ID tenant. */
export interface EntraOptions {
  /** The tenant id (default: the demo case's, `5b8f2d71-4c3e-4a9b-9e61-2f0c7d3a8b14`). */
  tenantId?: string;
  /** Domain names that also name the tenant (default: the demo organisation's). */
  domains?: readonly string[];
  /** App registrations (more can be added with `registerApp`). */
  apps?: readonly EntraApp[];
  /** Resources tokens can be asked for (default: `https://api.loganalytics.io`). */
  resources?: readonly string[];
  /** Lifetime of access tokens in seconds (default 3599, as Entra ID's). */
  tokenLifetimeSeconds?: number;
  /** Lifetime of device codes in seconds (default 900). */
  deviceCodeLifetimeSeconds?: number;
  /** The polling interval device-code clients are told, in seconds (default 5). */
  pollingIntervalSeconds?: number;
  /**
   * Also answer as an App Service managed identity endpoint at `/msi/token` (what
   * `IDENTITY_ENDPOINT` names), for callers sending `X-IDENTITY-HEADER: identityHeader`.
   */
  managedIdentity?: { readonly identityHeader: string; readonly clientId?: string };
}

/** An access token the loopback tenant issued (its text is not kept). */
export interface IssuedToken {
  /** The grant type it was issued for (`client_credentials`, `refresh_token`, ...). */
  readonly grant: string;
  readonly clientId: string;
  /** The resource (`aud`). */
  readonly audience: string;
  /** The user name, or the client id of an app token. */
  readonly subject: string;
  readonly expiresAt: Date;
}

/** The loopback Entra ID tenant of a running service. */
export interface EntraTenant {
  /** The authority host (the service's endpoint): casefile's `authorityHost`. */
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly domains: readonly string[];
  /** Registers (or replaces) an app registration. */
  registerApp(app: EntraApp): Promise<void>;
  /** The user codes of device-code sign-ins waiting for a person. */
  pendingUserCodes(): string[];
  /**
   * Signs `user` in for `userCode` (what a person does on the verification page).
   *
   * @throws {RangeError} when no sign-in with that user code is waiting.
   */
  approve(userCode: string, user?: EntraUser): void;
  /** Declines the sign-in of `userCode`. */
  decline(userCode: string): void;
  /** Every access token issued so far, in order. */
  readonly issued: ReadonlyArray<IssuedToken>;
}

/** A fault the service can be told to produce. `times` defaults to 1. */
export type Fault =
  /** 429 Too Many Requests with `Retry-After` (code `ThrottledError`). */
  | { kind: "throttle"; retryAfterSeconds: number; times?: number }
  /** 503 Service Unavailable, with `Retry-After` when given (`ServiceUnavailableError`). */
  | { kind: "unavailable"; retryAfterSeconds?: number; times?: number }
  /** The answer comes after `delayMs` (and is otherwise normal). */
  | { kind: "slow"; delayMs: number; times?: number }
  /** The service's own query timeout error (504 `GatewayTimeout`, as Log Analytics sends it). */
  | { kind: "timeout"; times?: number }
  /**
   * No answer until the client gives up (recorded with status 499) or the service closes
   * (then 503).
   */
  | { kind: "hang"; times?: number }
  /** 200 with a body that is not the real shape (default `{"unexpected":"shape"}`). */
  | { kind: "malformed"; body?: string; times?: number }
  /** 200 with half of the rows (rounded down) and a `PartialError`, the real partial shape. */
  | { kind: "partial"; times?: number };

/**
 * A request the service received, for assertions: header names in lower case with the
 * `authorization` value redacted (`Bearer <redacted>`), the body parsed when it is JSON, and
 * the status answered (0 while unanswered).
 */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly status: number;
}

/** A running loopback service. */
export interface LogAnalyticsService {
  /** `https://127.0.0.1:PORT` (the SDK's `endpoint`; the API lives under `/v1`). */
  readonly endpoint: string;
  /** PEM of the throwaway CA that signed the service's certificate. */
  readonly caCertificate: string;
  /** The same PEM in a temporary file (for `NODE_EXTRA_CA_CERTS`); removed by `close()`. */
  readonly caCertificatePath: string;
  /** The bearer token the service accepts (beside unexpired tokens of its Entra tenant). */
  readonly token: string;
  /** The loopback Entra ID tenant, when started with `entra`. */
  readonly entra?: EntraTenant;
  /** The workspace ids served, the default one first. */
  readonly workspaceIds: readonly string[];
  /**
   * Queues a fault for the next `times` matching queries (every query, or those whose text
   * includes `match.queryIncludes`). Faults fire in the order they were injected.
   */
  inject(fault: Fault, match?: { queryIncludes?: string }): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** Every request so far, in order of arrival (status filled in when answered). */
  readonly requests: ReadonlyArray<RecordedRequest>;
  /** Stops the service, releases the port and removes the CA file. */
  close(): Promise<void>;
}

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
