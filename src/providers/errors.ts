/**
 * Errors of providers: unknown tables, queries a provider cannot run, failures of the
 * data behind it.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions, didYouMean } from "../errors.ts";

/** A query or read named a table the provider does not have. */
export class UnknownTableError extends CasefileError {
  /** The table asked for. */
  readonly table: string;
  /** The provider asked (its description). */
  readonly provider: string;

  /** Makes the error; `known` (the provider's tables) feeds the suggestion and hint. */
  constructor(table: string, provider: string, known: readonly string[]) {
    const suggestion = didYouMean(table, known);
    super(`Unknown table '${table}' in ${provider}.${suggestion ? " " + suggestion : ""}`, {
      hint: known.length > 0
        ? `Tables here: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", ..." : ""}`
        : "This provider has no tables: check the folder or workspace it points at.",
    });
    this.name = "UnknownTableError";
    this.table = table;
    this.provider = provider;
  }
}

/** The provider cannot run this query (it is not something it supports). */
export class UnsupportedQueryError extends CasefileError {
  /** The provider's identity. */
  readonly provider: string;

  /** Makes the error; `options.hint` says what to do instead. */
  constructor(message: string, provider: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "UnsupportedQueryError";
    this.provider = provider;
  }
}

/** The provider could not be set up or reached. */
export class ProviderError extends CasefileError {
  /** The provider's identity. */
  readonly provider: string;

  /** Makes the error; `options.hint` says what to do, `options.cause` the underlying error. */
  constructor(message: string, provider: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "ProviderError";
    this.provider = provider;
  }
}
