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

/** TypeScript input that does not parse (the session's error for code that does not parse). */
export { CodeSyntaxError as ReplSyntaxError } from "../src/session/errors.ts";
