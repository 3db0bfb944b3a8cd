/**
 * The loopback ARM service's public types. `mod.ts` re-exports them; the service's parts
 * import them from here.
 *
 * @module
 */
import type { EntraOptions, EntraTenant, RecordedRequest } from "../log_analytics/mod.ts";
import type { ArmResource } from "./_seed.ts";

export type { ArmResource };

/**
 * The Microsoft Sentinel role the caller holds on the workspace: `reader` reads incidents,
 * alerts, entities, comments and bookmarks; `responder` also updates incidents and writes
 * comments; `contributor` also writes bookmarks and watchlists.
 */
export type SentinelRole = "none" | "reader" | "responder" | "contributor";

/** Options of `startArmService`. */
export interface ArmServiceOptions {
  /** The case folder whose SecurityIncident and SecurityAlert rows are served (default: the demo case). */
  data?: string;
  /** The port on 127.0.0.1; 0 (the default) takes any free port. */
  port?: number;
  /** The bearer token the service accepts (default: a random one). */
  token?: string;
  /** The most incidents one page of a list holds, whatever `$top` asks (default 50). */
  pageSize?: number;
  /** The caller's role (default `contributor`). */
  role?: SentinelRole;
  /**
   * The origin the `nextLink` of a list points to (default: the service's own); another
   * origin stands in for a broken or malicious service sending the client elsewhere.
   */
  nextLinkOrigin?: string;
  /** Also serve a loopback Entra ID tenant issuing tokens for `https://management.azure.com`. */
  entra?: boolean | EntraOptions;
}

/** An error answer the service can be told to give, `times` times (default 1). */
export interface ArmFault {
  /** 401, 403, 404, 412, 429, 500, ... */
  status: number;
  /** The error code (default `TooManyRequests` for 429, else `InjectedFault`). */
  code?: string;
  message?: string;
  /** Sent as `Retry-After`. */
  retryAfterSeconds?: number;
  times?: number;
  /** Let this many matching requests through before the fault plays (default 0). */
  after?: number;
}

/** A running loopback ARM service. */
export interface ArmService {
  /** `https://127.0.0.1:PORT`: the Resource Manager endpoint. */
  readonly endpoint: string;
  /** PEM of the throwaway CA that signed the service's certificate. */
  readonly caCertificate: string;
  /** The same PEM in a temporary file; removed by `close()`. */
  readonly caCertificatePath: string;
  /** The bearer token the service accepts (beside its Entra tenant's tokens). */
  readonly token: string;
  /** The ARM id of the served workspace. */
  readonly workspaceResourceId: string;
  /** The loopback Entra ID tenant, when started with `entra`. */
  readonly entra?: EntraTenant;
  /** Changes the caller's role. */
  setRole(role: SentinelRole): void;
  /** Queues a fault for the next matching requests (by method and a part of the path). */
  inject(fault: ArmFault, match?: { method?: string; pathIncludes?: string }): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** The incident as the service holds it now. */
  incident(id: string): ArmResource | undefined;
  /** The incident's comments. */
  comments(id: string): ArmResource[];
  /** Every bookmark. */
  bookmarks(): ArmResource[];
  /** Every watchlist. */
  watchlists(): ArmResource[];
  /** A watchlist's items. */
  watchlistItems(alias: string): ArmResource[];
  /** Every threat-intelligence indicator created (`threatIntelligence/main/createIndicator`). */
  indicators(): ArmResource[];
  /** Every request so far (the authorization header redacted). */
  readonly requests: ReadonlyArray<RecordedRequest>;
  /** Stops the service and removes the CA file. */
  close(): Promise<void>;
}
