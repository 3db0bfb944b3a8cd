/**
 * Errors of the local KQL engine: syntax errors with line, column and a caret; semantic
 * errors (unknown table or column, wrong types) with a "did you mean"; features outside
 * the supported set, named. All extend {@link CasefileError}, so their `hint` goes wherever
 * casefile shows or journals an error.
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../errors.ts";
import type { Span } from "./syntax/ast.ts";

/** Line and column (1-based) of an offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The line of `text` holding `span`, with a caret under it. */
export function caretLine(text: string, span: Span): string {
  const { line, column } = lineColumn(text, span.start);
  const source = text.split("\n")[line - 1] ?? "";
  const width = Math.max(1, Math.min(span.end - span.start, source.length - column + 1));
  return `${source}\n${" ".repeat(column - 1)}${"^".repeat(width)}`;
}

/** Options shared by KQL errors: a `hint` (what to do next) and a `cause`. */
export type KqlErrorOptions = CasefileErrorOptions;

function locate(query: string, span: Span) {
  return lineColumn(query, span.start);
}

/** The query text is not valid KQL. */
export class KqlSyntaxError extends CasefileError {
  /** The query as written. */
  readonly query: string;
  /** Where in `query` the error is. */
  readonly span: Span;
  /** 1-based line of the error. */
  readonly line: number;
  /** 1-based column of the error. */
  readonly column: number;

  /**
   * An error located in `query`, its message prefixed with "Cannot parse query".
   *
   * @param what What is wrong (`expected ')'`); the message adds where.
   * @param query The query as written.
   * @param span Where in `query` the error is.
   * @param options The hint and the cause.
   */
  constructor(what: string, query: string, span: Span, options: KqlErrorOptions = {}) {
    const { line, column } = locate(query, span);
    super(`Cannot parse query: ${what} at line ${line}, column ${column}`, {
      hint: options.hint,
      cause: options.cause,
    });
    this.name = "KqlSyntaxError";
    this.query = query;
    this.span = span;
    this.line = line;
    this.column = column;
  }
}

/** The query is valid KQL but names something that does not exist, or mixes types. */
export class KqlSemanticError extends CasefileError {
  /** The query as written. */
  readonly query: string;
  /** Where in `query` the error is. */
  readonly span: Span;
  /** 1-based line of the error. */
  readonly line: number;
  /** 1-based column of the error. */
  readonly column: number;

  /**
   * An error located in `query`, its message ending with the line and column.
   *
   * @param what What is wrong (`Unknown column 'x'`); the message adds where.
   * @param query The query as written.
   * @param span Where in `query` the error is.
   * @param options The hint and the cause.
   */
  constructor(what: string, query: string, span: Span, options: KqlErrorOptions = {}) {
    const { line, column } = locate(query, span);
    super(`${what} (line ${line}, column ${column})`, {
      hint: options.hint,
      cause: options.cause,
    });
    this.name = "KqlSemanticError";
    this.query = query;
    this.span = span;
    this.line = line;
    this.column = column;
  }
}

/** The query uses a KQL feature the local engine does not implement. */
export class KqlUnsupportedError extends KqlSemanticError {
  /** The feature, as the message names it (`The operator 'evaluate'`). */
  readonly feature: string;

  /**
   * An error naming the feature, with a hint by default.
   *
   * @param feature The feature, named for the message (`The operator 'fork'`).
   * @param query The query as written.
   * @param span Where in `query` the feature is used.
   * @param options The hint (by default: run it against Sentinel) and the cause.
   */
  constructor(feature: string, query: string, span: Span, options: KqlErrorOptions = {}) {
    super(`${feature} is not supported by the local engine`, query, span, {
      hint: options.hint ??
        "Run it against Sentinel, or rewrite it with supported operators and functions.",
      cause: options.cause,
    });
    this.name = "KqlUnsupportedError";
    this.feature = feature;
  }
}
