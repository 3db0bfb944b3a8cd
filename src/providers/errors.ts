/**
 * Errors of providers: unknown tables, queries a provider cannot run, failures of the
 * data behind it.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions, didYouMean } from "../errors.ts";

/** A query or read named a table the provider does not have. */
export class UnknownTableError extends CasefileError {
  readonly table: string;
  readonly provider: string;

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
  readonly provider: string;

  constructor(message: string, provider: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "UnsupportedQueryError";
    this.provider = provider;
  }
}

/** The provider could not be set up or reached. */
export class ProviderError extends CasefileError {
  readonly provider: string;

  constructor(message: string, provider: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "ProviderError";
    this.provider = provider;
  }
}
