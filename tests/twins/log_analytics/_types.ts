/**
 * The loopback service's public types: its options, the Entra ID tenant's apps, users and
 * tokens, faults, recorded requests and the running service. `mod.ts` re-exports them; the
 * service's parts import them from here (not from `mod.ts`, which imports those parts).
 *
 * @module
 */
/** Options of `startLogAnalyticsService`. */
export interface ServiceOptions {
  /** The folder served (default: the bundled demo case). Ignored when `workspaces` is given. */
  data?: string;
  /** The port on 127.0.0.1; 0 (the default) takes any free port. */
  port?: number;
  /** Workspace id → data folder (default: `DEMO_WORKSPACE_ID` → `data`). */
  workspaces?: Record<string, string>;
  /**
   * Resource id → workspace id, for resource-centric queries (`/v1{resourceId}/query`).
   * Resource ids not listed here map to the first workspace.
   */
  resources?: Record<string, string>;
  /**
   * Workspace name → workspace id: the names a query's `workspace("name")` may use besides
   * the ids and the `resources` ids (the real service resolves all three).
   */
  workspaceNames?: Record<string, string>;
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
  /**
   * 429 Too Many Requests with `Retry-After` (code `ThrottledError`), and `retry-after-ms` when
   * `retryAfterMs` is given (the millisecond header Azure services may send beside it).
   */
  | { kind: "throttle"; retryAfterSeconds: number; retryAfterMs?: number; times?: number }
  /** 503 Service Unavailable, with `Retry-After` when given (`ServiceUnavailableError`). */
  | { kind: "unavailable"; retryAfterSeconds?: number; retryAfterMs?: number; times?: number }
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
  | {
    kind: "malformed";
    body?: string;
    times?: number;
    /** Headers sent with it (e.g. a wrong `content-type`), over the JSON default. */
    headers?: Record<string, string>;
  }
  /** 200 with half of the rows (rounded down) and a `PartialError`, the real partial shape. */
  | { kind: "partial"; times?: number }
  /** 200 and half of the body, then the connection is dropped mid-body. */
  | { kind: "drop"; times?: number };

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
   * includes `match.queryIncludes`). Faults fire in the order they were injected. With
   * `match.batch`, the fault answers the next `$batch` requests as a whole instead (none of
   * their queries runs); `partial` and `drop` do nothing there.
   */
  inject(fault: Fault, match?: { queryIncludes?: string; batch?: boolean }): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** Every request so far, in order of arrival (status filled in when answered). */
  readonly requests: ReadonlyArray<RecordedRequest>;
  /** Stops the service, releases the port and removes the CA file. */
  close(): Promise<void>;
}
