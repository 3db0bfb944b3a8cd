/**
 * Errors of enrichment: bad input that cannot be enriched at all, and providers that are
 * misconfigured. Batch operations never throw these for one bad row; they put a status on
 * the row instead.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../errors.ts";

/** Options of an {@link EnrichmentError}. */
export interface EnrichmentErrorOptions extends CasefileErrorOptions {
  /** The enrichment that failed ("ioc", "decode", "geoip", "threat-intel", "whois", "cache"). */
  capability: string;
  /** The provider involved, where one is. */
  provider?: string;
}

/** An enrichment could not be done: bad input, a missing column, a broken data file. */
export class EnrichmentError extends CasefileError {
  /** The enrichment that failed. */
  readonly capability: string;
  /** The provider involved, where one is. */
  readonly provider?: string;

  /**
   * An enrichment error.
   *
   * @param message What could not be enriched, and why.
   * @param options The capability, the provider, the hint, the cause.
   */
  constructor(message: string, options: EnrichmentErrorOptions) {
    super(message, options);
    this.name = "EnrichmentError";
    this.capability = options.capability;
    this.provider = options.provider;
  }
}

/** Options of an {@link EnrichmentProviderError}. */
export interface EnrichmentProviderErrorOptions extends EnrichmentErrorOptions {
  /** The HTTP status, when the provider answered. */
  status?: number;
  /** Seconds the provider asked to wait (a 429's Retry-After). */
  retryAfterSeconds?: number;
}

/**
 * An online provider answered with an error, timed out or could not be reached. Batch
 * lookups turn it into a per-row status; single lookups throw it.
 */
export class EnrichmentProviderError extends EnrichmentError {
  /** The HTTP status, when the provider answered. */
  readonly status?: number;
  /** Seconds the provider asked to wait (a 429's Retry-After). */
  readonly retryAfterSeconds?: number;

  /**
   * A provider's error.
   *
   * @param message What the provider could not do, and why.
   * @param options As {@link EnrichmentError}'s, plus the HTTP status and the wait asked for.
   */
  constructor(message: string, options: EnrichmentProviderErrorOptions) {
    super(message, options);
    this.name = "EnrichmentProviderError";
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
