/**
 * Errors of the Microsoft Defender XDR advanced hunting provider. Each says what could not
 * be done, why, and (in `hint`) what to do next; Graph's own error code and HTTP status are
 * kept on the error. No error carries a token or an `Authorization` header.
 *
 * @module
 */
import { ProviderError } from "../errors.ts";
import type { CasefileErrorOptions } from "../../errors.ts";
import { formatDuration } from "../../duration.ts";

/** Options shared by the XDR provider's errors. */
export interface XdrErrorOptions extends CasefileErrorOptions {
  /** The HTTP status Graph answered with, when there was an answer. */
  status?: number;
  /** Graph's error code (`BadRequest`, `Forbidden`, `TooManyRequests`, ...). */
  code?: string;
}

/** The base of every error of the XDR provider. */
export class XdrError extends ProviderError {
  /** The HTTP status Graph answered with, when there was an answer. */
  readonly status?: number;
  /** Graph's error code, when it sent one. */
  readonly code?: string;

  /** Makes the error; `provider` is the provider's identity, `options` status, code and hint. */
  constructor(message: string, provider: string, options: XdrErrorOptions = {}) {
    super(message, provider, options);
    this.name = "XdrError";
    this.status = options.status;
    this.code = options.code;
  }
}

/** The options or environment are incomplete or wrong (a credential missing its settings). */
export class XdrConfigError extends XdrError {
  /** Makes the error; `options.hint` says which setting to give. */
  constructor(message: string, options: XdrErrorOptions = {}) {
    super(message, "xdr", options);
    this.name = "XdrConfigError";
  }
}

/** No token could be had, or Graph refused it (401) or the permission is missing (403). */
export class XdrAuthError extends XdrError {
  /** Makes the error for `provider`, with the status, code and hint in `options`. */
  constructor(message: string, provider: string, options: XdrErrorOptions = {}) {
    super(message, provider, options);
    this.name = "XdrAuthError";
  }
}

/** Advanced hunting rejected the query itself (syntax, unknown names, types). */
export class XdrQueryError extends XdrError {
  /** Makes the error; `message` is Graph's own explanation. */
  constructor(message: string, provider: string, options: XdrErrorOptions = {}) {
    super(message, provider, options);
    this.name = "XdrQueryError";
  }
}

/** Graph kept answering 429 (too many calls) beyond the retry budget. */
export class XdrThrottledError extends XdrError {
  /** How long Graph last asked to wait, in milliseconds. */
  readonly retryAfterMs?: number;

  /** Makes the error; `options.retryAfterMs` is how long Graph last asked to wait. */
  constructor(
    message: string,
    provider: string,
    options: XdrErrorOptions & { retryAfterMs?: number } = {},
  ) {
    super(message, provider, options);
    this.name = "XdrThrottledError";
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The tenant has used up its advanced hunting CPU allocation: queries are blocked until the
 * next 15-minute cycle. Not retried (waiting a few seconds does not help).
 */
export class XdrQuotaError extends XdrError {
  /** How long Graph said to wait, in milliseconds, when it said. */
  readonly retryAfterMs?: number;

  /** Makes the error; `options.retryAfterMs` is how long Graph said to wait. */
  constructor(
    message: string,
    provider: string,
    options: XdrErrorOptions & { retryAfterMs?: number } = {},
  ) {
    super(message, provider, options);
    this.name = "XdrQuotaError";
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The query ran out of time: advanced hunting's own limit (10 minutes per query), or the
 * client-side timeout (`timeoutMs` is then set).
 */
export class XdrTimeoutError extends XdrError {
  /** The client-side timeout that expired, in milliseconds (absent for the service's own). */
  readonly timeoutMs?: number;

  /** Makes the error; `options.timeoutMs` is the client-side timeout that expired. */
  constructor(
    message: string,
    provider: string,
    options: XdrErrorOptions & { timeoutMs?: number } = {},
  ) {
    super(message, provider, {
      hint: "Narrow the query (fewer days with a `where Timestamp > ago(...)`, fewer devices, " +
        "`project` only the columns needed, summarize earlier), then run it again.",
      ...options,
    });
    this.name = "XdrTimeoutError";
    this.timeoutMs = options.timeoutMs;
  }

  /** The error for a client-side timeout of `timeoutMs` that expired. */
  static client(timeoutMs: number, provider: string): XdrTimeoutError {
    return new XdrTimeoutError(
      `No answer from advanced hunting within ${formatDuration(timeoutMs)}`,
      provider,
      { timeoutMs },
    );
  }
}

/** Graph could not be reached, or the connection dropped before the whole answer came. */
export class XdrNetworkError extends XdrError {
  /** Makes the error for `provider`, with the cause and hint in `options`. */
  constructor(message: string, provider: string, options: XdrErrorOptions = {}) {
    super(message, provider, options);
    this.name = "XdrNetworkError";
  }
}

/** Graph answered with a body that is not a hunting result (`schema` and `results`). */
export class XdrResponseError extends XdrError {
  /** Makes the error for `provider`; `message` says what is wrong with the body. */
  constructor(message: string, provider: string, options: XdrErrorOptions = {}) {
    super(message, provider, options);
    this.name = "XdrResponseError";
  }
}
