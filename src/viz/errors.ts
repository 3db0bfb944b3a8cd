/**
 * Errors of drawing charts: a column that is missing or of the wrong type, a chart kind
 * that does not exist, a chart that cannot be rendered.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../errors.ts";

/** Options of a {@link ChartError}. */
export interface ChartErrorOptions extends CasefileErrorOptions {
  /** The column the chart could not use, where one is to blame. */
  column?: string;
}

/** A chart could not be built or rendered: says which column or setting, and what to do. */
export class ChartError extends CasefileError {
  /** The column the chart could not use, where one is to blame. */
  readonly column?: string;

  /**
   * A chart error.
   *
   * @param message What could not be drawn, and why.
   * @param options The hint, the column to blame, the cause.
   */
  constructor(message: string, options: ChartErrorOptions = {}) {
    super(message, options);
    this.name = "ChartError";
    this.column = options.column;
  }
}
