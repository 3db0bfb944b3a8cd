/**
 * Errors of the REPL: input that cannot run (a syntax error, with its position) and
 * commands used wrongly.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../src/errors.ts";
import type { Span } from "../src/kql/ast.ts";

/** A REPL command or input used wrongly (an unknown command, a missing argument). */
export class ReplError extends CasefileError {
  constructor(message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "ReplError";
  }
}

/** TypeScript input that does not parse; `query` and `span` locate it for the caret. */
export class ReplSyntaxError extends SyntaxError {
  /** The input as typed. */
  readonly query: string;
  readonly span: Span;
  /** 1-based line and column of the error. */
  readonly line: number;
  readonly column: number;
  readonly hint?: string;

  constructor(message: string, source: string, span: Span, hint?: string) {
    const before = source.slice(0, span.start).split("\n");
    const line = before.length;
    const column = before[before.length - 1].length + 1;
    super(`${message} (line ${line}, column ${column})`);
    this.name = "ReplSyntaxError";
    this.query = source;
    this.span = span;
    this.line = line;
    this.column = column;
    this.hint = hint;
  }
}
