/**
 * Errors of investigation sessions: parameters, query templates, the journal, the result
 * cache and session locks. Each says what could not be done and carries a hint.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../errors.ts";
import type { Span } from "../kql/syntax.ts";

/** Something about a session went wrong (the base of this module's errors). */
export class SessionError extends CasefileError {
  /**
   * Makes the error.
   *
   * @param message What could not be done.
   * @param options A hint, and the underlying error.
   */
  constructor(message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "SessionError";
  }
}

/** A parameter value of the wrong type or form, or an unknown parameter. */
export class ParamError extends SessionError {
  /** The parameter concerned. */
  readonly param: string;

  /**
   * Makes the error.
   *
   * @param param The parameter concerned.
   * @param message What is wrong with it.
   * @param options A hint, and the underlying error.
   */
  constructor(param: string, message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "ParamError";
    this.param = param;
  }
}

/** A value that cannot be put into a KQL query as a literal. */
export class KqlTemplateError extends SessionError {
  /** The position of the value among the template's interpolations (0-based). */
  readonly index: number;

  /**
   * Makes the error.
   *
   * @param index The value's position among the interpolations (0-based).
   * @param message What is wrong with it.
   * @param options A hint, and the underlying error.
   */
  constructor(index: number, message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "KqlTemplateError";
    this.index = index;
  }
}

/** Another process has the session open. */
export class SessionLockedError extends SessionError {
  /** The process holding the lock, as it recorded itself. */
  readonly holder: string;

  /**
   * Makes the error.
   *
   * @param session The session's name.
   * @param holder The process holding the lock, as it recorded itself.
   */
  constructor(session: string, holder: string) {
    super(`Session "${session}" is open in another process (${holder}).`, {
      hint:
        "Close it there first, or open a copy with another name; if that process is gone, the lock is taken over automatically.",
    });
    this.name = "SessionLockedError";
    this.holder = holder;
  }
}

/** A journal or cache file could not be written (disk full, permissions). */
export class SessionWriteError extends SessionError {
  /** The file that could not be written. */
  readonly path: string;

  /**
   * Makes the error.
   *
   * @param path The file that could not be written.
   * @param cause The error the write gave.
   */
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot write ${path}: ${reason}.`, {
      hint: /space|ENOSPC/i.test(reason)
        ? "Free disk space, then run the step again; everything recorded before is kept."
        : "Check the folder's permissions; everything recorded before is kept.",
      cause,
    });
    this.name = "SessionWriteError";
    this.path = path;
  }
}

/** A step that does not exist, or cannot be run again. */
export class StepError extends SessionError {
  /**
   * Makes the error.
   *
   * @param message What could not be done.
   * @param options A hint, and the underlying error.
   */
  constructor(message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "StepError";
  }
}

/** An export bundle that cannot be read or imported (damaged, or of another format). */
export class BundleError extends SessionError {
  /** The bundle file. */
  readonly path: string;

  /**
   * Makes the error.
   *
   * @param path The bundle file.
   * @param message What is wrong with it.
   * @param options A hint, and the underlying error.
   */
  constructor(path: string, message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "BundleError";
    this.path = path;
  }
}

/**
 * A code step's TypeScript that does not parse; `query` and `span` locate it for a caret
 * under the input.
 */
export class CodeSyntaxError extends CasefileError {
  /** The code as written. */
  readonly query: string;
  /** Where the error is in {@link CodeSyntaxError.query} (offsets). */
  readonly span: Span;
  /** The 1-based line of the error. */
  readonly line: number;
  /** The 1-based column of the error. */
  readonly column: number;

  /**
   * An error located in `source`, its message followed by the line and column.
   *
   * @param message The parser's message.
   * @param source The code as written.
   * @param span Where the error is in `source`.
   * @param hint What to do about it.
   */
  constructor(message: string, source: string, span: Span, hint?: string) {
    const before = source.slice(0, span.start).split("\n");
    const line = before.length;
    const column = before[before.length - 1].length + 1;
    super(`${message} (line ${line}, column ${column})`, { hint });
    this.name = "CodeSyntaxError";
    this.query = source;
    this.span = span;
    this.line = line;
    this.column = column;
  }
}

/** A replayed step whose result differs from the one recorded, or that failed. */
export class ReplayError extends StepError {
  /** The step's position in the session that was replayed. */
  readonly position: number;
  /** The step's name. */
  readonly step: string;

  /**
   * Makes the error.
   *
   * @param position The step's position in the session replayed.
   * @param step The step's name.
   * @param message What differs, or failed.
   * @param options A hint, and the underlying error.
   */
  constructor(position: number, step: string, message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "ReplayError";
    this.position = position;
    this.step = step;
  }
}

/** A step's code stopped by the user (Ctrl-C, an aborted signal). */
export class EvaluationCancelled extends SessionError {
  constructor() {
    super("Cancelled.", {
      hint: "Work already started by the code (a timer, a loop) may still run in the background.",
    });
    this.name = "EvaluationCancelled";
  }
}
