/**
 * Errors of the Sentinel / Log Analytics provider. Each says what could not be done, why,
 * and (in `hint`) what to do next; the underlying SDK or network error is the `cause`,
 * with any `Authorization` header redacted.
 *
 * @module
 */
import { ProviderError } from "../errors.ts";
import type { CasefileErrorOptions } from "../../errors.ts";
import { formatDuration } from "../../duration.ts";

/** Options shared by Sentinel errors. */
export interface SentinelErrorOptions extends CasefileErrorOptions {
  /** The HTTP status the service answered with, when there was an answer. */
  status?: number;
  /** The service's error code (`BadArgumentError`, `WorkspaceNotFoundError`, ...). */
  code?: string;
}

/** The base of every error of the Sentinel provider. */
export class SentinelError extends ProviderError {
  /** The HTTP status the service answered with, when there was an answer. */
  readonly status?: number;
  /** The service's error code, when it sent one. */
  readonly code?: string;

  /** Makes the error; `provider` is the provider's identity, `options` the status, code and hint. */
  constructor(message: string, provider: string, options: SentinelErrorOptions = {}) {
    super(message, provider, options);
    this.name = "SentinelError";
    this.status = options.status;
    this.code = options.code;
  }
}

/** The configuration (file, environment, options) is incomplete or wrong. */
export class SentinelConfigError extends SentinelError {
  /** The config file at fault, when there is one. */
  readonly file?: string;

  /** Makes the error; `options.file` names the config file at fault. */
  constructor(message: string, options: SentinelErrorOptions & { file?: string } = {}) {
    super(message, "sentinel", options);
    this.name = "SentinelConfigError";
    this.file = options.file;
  }
}

/** No token could be had, or the service refused it (401/403). */
export class SentinelAuthError extends SentinelError {
  /** Makes the error for `provider`, with the status, code and hint in `options`. */
  constructor(message: string, provider: string, options: SentinelErrorOptions = {}) {
    super(message, provider, options);
    this.name = "SentinelAuthError";
  }
}

/** The workspace (or resource) does not exist, or is not visible to this identity. */
export class WorkspaceNotFoundError extends SentinelError {
  /** The workspace id or resource id asked for. */
  readonly workspace: string;

  /**
   * Makes the error for the `workspace` (or resource) id asked for; `options.label` names it
   * for people (`workspace prod (8f1c...)`, default `workspace <id>`).
   */
  constructor(
    workspace: string,
    provider: string,
    options: SentinelErrorOptions & { label?: string } = {},
  ) {
    super(
      `Log Analytics did not find ${options.label ?? `workspace ${workspace}`}`,
      provider,
      options,
    );
    this.name = "WorkspaceNotFoundError";
    this.workspace = workspace;
  }
}

/** The service rejected the query itself (syntax, unknown names, types). */
export class SentinelQueryError extends SentinelError {
  /** 1-based line of the problem in the query, when the service said. */
  readonly line?: number;
  /** 1-based column of the problem in the query, when the service said. */
  readonly column?: number;

  /** Makes the error; `options.line` and `options.column` place the problem in the query. */
  constructor(
    message: string,
    provider: string,
    options: SentinelErrorOptions & { line?: number; column?: number } = {},
  ) {
    super(message, provider, options);
    this.name = "SentinelQueryError";
    this.line = options.line;
    this.column = options.column;
  }
}

/** The service could not be reached: DNS, connection, TLS, proxy. */
export class SentinelNetworkError extends SentinelError {
  /** Makes the error for `provider`, with the cause and hint in `options`. */
  constructor(message: string, provider: string, options: SentinelErrorOptions = {}) {
    super(message, provider, options);
    this.name = "SentinelNetworkError";
  }
}

/** The service answered with a body that is not a Log Analytics result. */
export class MalformedResponseError extends SentinelError {
  /** Makes the error for `provider`; `message` says what is wrong with the body. */
  constructor(message: string, provider: string, options: SentinelErrorOptions = {}) {
    super(message, provider, options);
    this.name = "MalformedResponseError";
  }
}

/** The service kept answering 429 or 503 beyond the retry budget. */
export class ServiceBusyError extends SentinelError {
  /** How long the service last asked to wait, in milliseconds. */
  readonly retryAfterMs?: number;

  /** Makes the error; `options.retryAfterMs` is how long the service last asked to wait. */
  constructor(
    message: string,
    provider: string,
    options: SentinelErrorOptions & { retryAfterMs?: number } = {},
  ) {
    super(message, provider, options);
    this.name = "ServiceBusyError";
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The service gave up on the query (its own time limit, `Prefer: wait`). */
export class ServerTimeoutError extends SentinelError {
  /** Makes the error for `provider`, with the status, code and hint in `options`. */
  constructor(message: string, provider: string, options: SentinelErrorOptions = {}) {
    super(message, provider, options);
    this.name = "ServerTimeoutError";
  }
}

/** casefile gave up waiting for an answer (the client-side timeout). */
export class ClientTimeoutError extends SentinelError {
  /** The timeout that expired, in milliseconds. */
  readonly timeoutMs: number;

  /** Makes the error for a `timeoutMs` timeout that expired. */
  constructor(timeoutMs: number, provider: string, options: SentinelErrorOptions = {}) {
    super(`No answer from Log Analytics within ${formatDuration(timeoutMs)}`, provider, {
      hint: 'Narrow the query or its timespan, split it (split: "1d"), or raise timeoutMs.',
      ...options,
    });
    this.name = "ClientTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/** The result was cut at the service's row or size limit and could not be completed. */
export class TruncatedResultError extends SentinelError {
  /** Makes the error for `provider`; `message` names the limit that was hit. */
  constructor(message: string, provider: string, options: SentinelErrorOptions = {}) {
    super(message, provider, options);
    this.name = "TruncatedResultError";
  }
}

/**
 * A Microsoft Sentinel incident request (Azure Resource Manager) failed: `status` and
 * `code` are ARM's, `role` names the Sentinel role the action needs when the caller lacks it.
 */
export class IncidentError extends SentinelError {
  /** The Microsoft Sentinel role the refused action needs (on a 403). */
  readonly role?: string;

  /** Makes the error; `options.role` names the role needed. */
  constructor(message: string, options: SentinelErrorOptions & { role?: string } = {}) {
    super(message, "sentinel-incidents", options);
    this.name = "IncidentError";
    this.role = options.role;
  }
}

/** The incident changed since it was read (412 on its etag): nothing was overwritten. */
export class IncidentConflictError extends IncidentError {
  /** Makes the error. */
  constructor(message: string, options: SentinelErrorOptions = {}) {
    super(message, { status: 412, ...options });
    this.name = "IncidentConflictError";
  }
}

/** One item of a write-back: what it was, and whether it was written. */
export interface WriteBackItem {
  /** `bookmark`, `comment`, `incident`, `watchlist`, `watchlist-item` or `indicator`. */
  readonly kind: string;
  /** Its name (the bookmark's display name, the watchlist's alias, ...). */
  readonly name: string;
  /** `written`, `failed`, or `not-attempted` (after a failure). */
  readonly status: "written" | "failed" | "not-attempted";
  /** Its ARM id, once written. */
  readonly id?: string;
  /** Why it failed. */
  readonly error?: string;
}

/** A write-back stopped part way: `items` says exactly what was and was not written. */
export class WriteBackError extends IncidentError {
  /** Every item, in order, with its status. */
  readonly items: readonly WriteBackItem[];

  /** Makes the error from the per-item report and the failure that stopped it. */
  constructor(items: readonly WriteBackItem[], cause: IncidentError) {
    const written = items.filter((i) => i.status === "written");
    const failed = items.find((i) => i.status === "failed");
    super(
      `Write-back stopped at ${failed?.kind} ${failed?.name}: ${cause.message}\n` +
        items.map((i) => `  ${i.status}: ${i.kind} ${i.name}`).join("\n"),
      {
        status: cause.status,
        code: cause.code,
        role: cause.role,
        cause,
        hint: `${written.length} of ${items.length} items were written (they stay written); ` +
          "the session is unchanged. " + (cause.hint ?? "") +
          " Writing again is safe: items have fixed ids, so written ones are replaced, not " +
          "doubled (threat-intelligence indicators already written are left out).",
      },
    );
    this.name = "WriteBackError";
    this.items = items;
  }
}
