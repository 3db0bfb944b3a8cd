/**
 * Errors of the REPL: input that cannot run (a syntax error, with its position) and
 * commands used wrongly.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../src/errors.ts";

/** A REPL command or input used wrongly (an unknown command, a missing argument). */
export class ReplError extends CasefileError {
  constructor(message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "ReplError";
  }
}

/**
 * A shell command used wrongly: an option's value it does not take, options that do not go
 * together. `casefile` exits with code 2 for it (as for an unknown option).
 */
export class CliUsageError extends ReplError {
  constructor(message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "CliUsageError";
  }
}

/**
 * Code typed in the REPL that names what is not there: a variable (`sprayy`), a method
 * (`spray.hed`), or a column of a frame (`spray.select("Failurez")`). The REPL raises it in
 * place of the plain JavaScript or Polars error (kept as `cause`), with a did-you-mean.
 */
export class UnknownNameError extends ReplError {
  /** What is missing: a variable, a property (method) or a column. */
  readonly what: "variable" | "property" | "column";
  /** The name as typed. */
  readonly unknown: string;

  constructor(
    what: "variable" | "property" | "column",
    unknown: string,
    message: string,
    options: CasefileErrorOptions = {},
  ) {
    super(message, options);
    this.name = "UnknownNameError";
    this.what = what;
    this.unknown = unknown;
  }
}

/** TypeScript input that does not parse (the session's error for code that does not parse). */
export { CodeSyntaxError as ReplSyntaxError } from "../src/session/errors.ts";
