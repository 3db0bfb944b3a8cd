/**
 * Errors and warnings of loading data files.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../errors.ts";

/** Options of a {@link DataLoadError}. */
export interface DataLoadErrorOptions extends CasefileErrorOptions {
  /** The file that could not be loaded. */
  file: string;
  /** 1-based line in the file, where it applies. */
  line?: number;
}

/** A data file could not be read: names the file, and the line where it applies. */
export class DataLoadError extends CasefileError {
  /** The file that could not be loaded. */
  readonly file: string;
  /** 1-based line in the file, where it applies. */
  readonly line?: number;

  /** Makes the error; `options.file` names the file, `options.hint` what to do. */
  constructor(message: string, options: DataLoadErrorOptions) {
    super(message, options);
    this.name = "DataLoadError";
    this.file = options.file;
    this.line = options.line;
  }
}

/** Something a loader did that the user should know of, such as rows that did not fit a type. */
export interface LoadWarning {
  /** The file the warning is about. */
  readonly file: string;
  /** The column, when the warning is about one. */
  readonly column?: string;
  /** What happened, in a sentence. */
  readonly message: string;
}
