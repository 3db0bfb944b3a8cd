/**
 * The loopback Kusto cluster's public types; `mod.ts` re-exports them, its parts import them
 * from here.
 *
 * @module
 */
import type { EntraOptions, EntraTenant } from "../log_analytics/mod.ts";

/** Options of `startKustoService`. */
export interface KustoServiceOptions {
  /** The folder served as database `demo` (default: the bundled demo case). */
  data?: string;
  /** Database name → folder (default: `demo` → `data`). */
  databases?: Record<string, string>;
  /** The port on 127.0.0.1; 0 (default) takes any free port. */
  port?: number;
  /** The bearer token accepted (default: a random one, see `token`). */
  token?: string;
  /** The instant `now()` means when the request gives no `query_now` (default: the data's). */
  now?: Date;
  /**
   * Rows per `TableFragment` of a progressive answer (a request with
   * `results_progressive_enabled`; default 500).
   */
  fragmentRows?: number;
  /** Also serve a loopback Microsoft Entra ID tenant on the same port. */
  entra?: boolean | EntraOptions;
}

/** A fault the service plays for the next `times` (default 1) matching queries. */
export type KustoFault =
  & { readonly times?: number }
  & (
    | { readonly kind: "throttle"; readonly retryAfterSeconds: number }
    | { readonly kind: "partial" }
    | { readonly kind: "drop" }
    | { readonly kind: "unauthorized" }
    | { readonly kind: "forbidden" }
    | { readonly kind: "hang" }
    // A progressive answer that sends its first fragment, then stays running (until
    // `.cancel query`), as a long query streaming its result.
    | { readonly kind: "stall" }
  );

/** A request the service received (the bearer token redacted). */
export interface KustoRecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** The JSON body (`{db, csl, properties}`). */
  readonly body?: unknown;
  /** The status answered. */
  status: number;
}

/** The running service. */
export interface KustoService {
  /** `https://127.0.0.1:PORT`: the cluster URL. */
  readonly endpoint: string;
  /** The throwaway CA's certificate (PEM). */
  readonly caCertificate: string;
  /** A file holding it, for `NODE_EXTRA_CA_CERTS` (removed on close). */
  readonly caCertificatePath: string;
  /** The bearer token accepted. */
  readonly token: string;
  /** The databases served. */
  readonly databases: readonly string[];
  /** The Entra tenant, when `entra` is on. */
  readonly entra?: EntraTenant;
  /** Queues a fault for queries whose text includes `match.queryIncludes` (default: any). */
  inject(fault: KustoFault, match?: { queryIncludes?: string }): void;
  /** Drops queued faults. */
  clearFaults(): void;
  /** Every request, in order. */
  readonly requests: KustoRecordedRequest[];
  /** Stops the service. */
  close(): Promise<void>;
}
