/**
 * The loopback Graph advanced hunting service's public types; `mod.ts` re-exports them.
 *
 * @module
 */
import type { EntraOptions, EntraTenant, RecordedRequest } from "../log_analytics/mod.ts";

/** Options of `startGraphHuntingService`. */
export interface GraphHuntingOptions {
  /** The folder served (default: the bundled demo case). */
  data?: string;
  /** The port on 127.0.0.1; 0 (the default) takes any free port. */
  port?: number;
  /** The bearer token the service accepts (default: a random one, see `token`). */
  token?: string;
  /** The row limit results are silently cut at (advanced hunting: 100,000). */
  maxRows?: number;
  /** The instant `now()`, `ago()` and a `Timespan` like `P30D` end at (default: the data's). */
  now?: Date;
  /**
   * Also serve a loopback Microsoft Entra ID tenant on the same port, issuing tokens for
   * `https://graph.microsoft.com` (`true`: defaults).
   */
  entra?: boolean | EntraOptions;
}

/** A fault the service can be told to produce. `times` defaults to 1. */
export type GraphFault =
  /** 429 `TooManyRequests` (call rate) with `Retry-After`. */
  | { kind: "throttle"; retryAfterSeconds: number; times?: number }
  /** 429 `TooManyRequests` for the tenant's CPU allocation (Retry-After: 900). */
  | { kind: "cpu-quota"; times?: number }
  /** 400 `BadRequest`: the query ran past advanced hunting's 10 minutes. */
  | { kind: "timeout"; times?: number }
  /** No answer until the client gives up or the service closes. */
  | { kind: "hang"; times?: number }
  /** 200 and half of the body, then the connection is dropped. */
  | { kind: "drop"; times?: number }
  /** 401 `InvalidAuthenticationToken`, whatever the token. */
  | { kind: "unauthorized"; times?: number }
  /** 403 `Forbidden`: the identity lacks `ThreatHunting.Read.All`. */
  | { kind: "forbidden"; times?: number };

/** A running loopback Graph advanced hunting service. */
export interface GraphHuntingService {
  /** `https://127.0.0.1:PORT`: the Graph endpoint (the API lives under `/v1.0`). */
  readonly endpoint: string;
  /** PEM of the throwaway CA that signed the service's certificate. */
  readonly caCertificate: string;
  /** The same PEM in a temporary file (for `NODE_EXTRA_CA_CERTS`); removed by `close()`. */
  readonly caCertificatePath: string;
  /** The bearer token the service accepts (beside unexpired tokens of its Entra tenant). */
  readonly token: string;
  /** The loopback Entra ID tenant, when started with `entra`. */
  readonly entra?: EntraTenant;
  /** Queues a fault for the next `times` matching queries, in the order injected. */
  inject(fault: GraphFault, match?: { queryIncludes?: string }): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** Every request so far (authorization redacted), status filled in when answered. */
  readonly requests: ReadonlyArray<RecordedRequest>;
  /** Stops the service, releases the port and removes the CA file. */
  close(): Promise<void>;
}
