/**
 * Errors of the analysis functions: the input frame lacks a column, a column has the wrong
 * type, or a parameter makes no sense for the data.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../errors.ts";

/** Options of an {@link AnalysisError}. */
export interface AnalysisErrorOptions extends CasefileErrorOptions {
  /** The analysis that could not run (`buildProcessTree`, `findBeacons`...). */
  analysis: string;
  /** The column at fault, where one is. */
  column?: string;
}

/** An analysis could not run on the frame it was given; says which column or option to fix. */
export class AnalysisError extends CasefileError {
  /** The analysis that could not run. */
  readonly analysis: string;
  /** The column at fault, where one is. */
  readonly column?: string;

  /** An error of `options.analysis` that says what to fix in `options.hint`. */
  constructor(message: string, options: AnalysisErrorOptions) {
    super(message, options);
    this.name = "AnalysisError";
    this.analysis = options.analysis;
    this.column = options.column;
  }
}
