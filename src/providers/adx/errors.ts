/**
 * Errors of the Azure Data Explorer provider. Each names the cluster and database, says
 * what went wrong in the service's own words where it gave some, and carries a `hint`
 * with what to do next.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../../errors.ts";

/** Options of {@link AdxError}: the HTTP status and the service's error code, when known. */
export interface AdxErrorOptions extends CasefileErrorOptions {
  /** The HTTP status of the answer, when there was one. */
  status?: number;
  /** The service's error code (`General_BadRequest`, `SYN0002`, `LimitsExceeded`, ...). */
  code?: string;
}

/** Something went wrong talking to an Azure Data Explorer cluster. */
export class AdxError extends CasefileError {
  /** The HTTP status of the answer, when there was one. */
  readonly status?: number;
  /** The service's error code, when it gave one. */
  readonly code?: string;

  /** Makes the error; `options.hint` says what to do next. */
  constructor(message: string, options: AdxErrorOptions = {}) {
    super(message, options);
    this.name = "AdxError";
    this.status = options.status;
    this.code = options.code;
  }
}

/** The provider's settings are incomplete or wrong (no cluster, a cluster that is not a URL). */
export class AdxConfigError extends AdxError {
  /** Makes the error. */
  constructor(message: string, options: AdxErrorOptions = {}) {
    super(message, options);
    this.name = "AdxConfigError";
  }
}

/** The cluster could not be reached, or the connection dropped before the answer was whole. */
export class AdxNetworkError extends AdxError {
  /** Makes the error. */
  constructor(message: string, options: AdxErrorOptions = {}) {
    super(message, options);
    this.name = "AdxNetworkError";
  }
}

/** No token could be had, or the cluster refused it (401), or the principal lacks a role (403). */
export class AdxAuthError extends AdxError {
  /** Makes the error. */
  constructor(message: string, options: AdxErrorOptions = {}) {
    super(message, options);
    this.name = "AdxAuthError";
  }
}

/** The cluster has no database of that name. */
export class AdxDatabaseNotFoundError extends AdxError {
  /** The database asked for. */
  readonly database: string;

  /** Makes the error. */
  constructor(database: string, message: string, options: AdxErrorOptions = {}) {
    super(message, options);
    this.name = "AdxDatabaseNotFoundError";
    this.database = database;
  }
}

/**
 * The cluster rejected the query (a syntax or semantic error). `line` and `column` (1-based)
 * are where the service says the error is, when it says.
 */
export class AdxQueryError extends AdxError {
  /** 1-based line of the error in the query, when the service gave it. */
  readonly line?: number;
  /** 1-based column of the error in the query, when the service gave it. */
  readonly column?: number;

  /** Makes the error. */
  constructor(
    message: string,
    options: AdxErrorOptions & { line?: number; column?: number } = {},
  ) {
    super(message, options);
    this.name = "AdxQueryError";
    this.line = options.line;
    this.column = options.column;
  }
}

/** The cluster throttled the query (429) and kept doing so after the allowed retries. */
export class AdxThrottledError extends AdxError {
  /** Seconds the service last asked to wait, when it said. */
  readonly retryAfterSeconds?: number;

  /** Makes the error. */
  constructor(
    message: string,
    options: AdxErrorOptions & { retryAfterSeconds?: number } = {},
  ) {
    super(message, options);
    this.name = "AdxThrottledError";
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The query took longer than the client-side timeout. */
export class AdxTimeoutError extends AdxError {
  /** Makes the error. */
  constructor(message: string, options: AdxErrorOptions = {}) {
    super(message, options);
    this.name = "AdxTimeoutError";
  }
}

/** The answer was not in the shape of a Kusto v1/v2 response. */
export class AdxResponseError extends AdxError {
  /** Makes the error. */
  constructor(message: string, options: AdxErrorOptions = {}) {
    super(message, options);
    this.name = "AdxResponseError";
  }
}
