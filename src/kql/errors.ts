/**
 * Errors of the local KQL engine: syntax errors with line, column and a caret; semantic
 * errors (unknown table or column, wrong types) with a "did you mean"; features outside
 * the supported set, named.
 *
 * @module
 */
import type { Span } from "./ast.ts";

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

/** Options shared by KQL errors. */
export interface KqlErrorOptions {
  hint?: string;
  cause?: unknown;
}

function locate(query: string, span: Span) {
  return lineColumn(query, span.start);
}

/** The query text is not valid KQL. */
export class KqlSyntaxError extends SyntaxError {
  readonly query: string;
  readonly span: Span;
  readonly line: number;
  readonly column: number;
  readonly hint?: string;

  constructor(what: string, query: string, span: Span, options: KqlErrorOptions = {}) {
    const { line, column } = locate(query, span);
    super(`Cannot parse query: ${what} at line ${line}, column ${column}`, {
      cause: options.cause,
    });
    this.name = "KqlSyntaxError";
    this.query = query;
    this.span = span;
    this.line = line;
    this.column = column;
    this.hint = options.hint;
  }
}

/** The query is valid KQL but names something that does not exist, or mixes types. */
export class KqlSemanticError extends Error {
  readonly query: string;
  readonly span: Span;
  readonly line: number;
  readonly column: number;
  readonly hint?: string;

  constructor(what: string, query: string, span: Span, options: KqlErrorOptions = {}) {
    const { line, column } = locate(query, span);
    super(`${what} (line ${line}, column ${column})`, { cause: options.cause });
    this.name = "KqlSemanticError";
    this.query = query;
    this.span = span;
    this.line = line;
    this.column = column;
    this.hint = options.hint;
  }
}

/** The query uses a KQL feature the local engine does not implement. */
export class KqlUnsupportedError extends KqlSemanticError {
  readonly feature: string;

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
