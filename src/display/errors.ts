/**
 * Errors of the display functions: a row or a column that the frame does not have.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../errors.ts";

/** A value could not be shown as asked (a row past the end, a column the frame lacks). */
export class DisplayError extends CasefileError {
  /** Makes the error; `options.hint` says what to ask for instead. */
  constructor(message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "DisplayError";
  }
}
