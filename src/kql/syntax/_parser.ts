/**
 * The KQL parser: tokens to the syntax tree of ast.ts, with spans on every node.
 * Scalar and tabular expressions share one grammar; `|` binds loosest.
 *
 * @module
 */
import type * as A from "./ast.ts";
import { type KustoType, kustoTypeFromName } from "../../schema/types.ts";
import { closestNames } from "../../errors.ts";
import { KqlSyntaxError } from "../errors.ts";
import { type Token, tokenize, type TypedRaw } from "./_lexer.ts";
import { plainJson, readTypedLiteral } from "./_literals.ts";
import {
  PARSED_OPERATORS,
  parseFindSource,
  parseOperatorOf,
  parsePatternDeclaration,
  type ParserCursor,
  parseSearchSource,
} from "./_parse_operators.ts";

/** Operators the parser knows but the engine does not run. */
export const UNSUPPORTED_OPERATORS: ReadonlySet<string> = new Set([
  "graph-merge",
  "consume",
  "project-smart",
  "assert-schema",
]);

/** Every operator name the parser reads. */
export const OPERATOR_NAMES = [
  "where",
  "filter",
  "project",
  "project-away",
  "project-keep",
  "project-rename",
  "project-reorder",
  "extend",
  "summarize",
  "sort",
  "order",
  "top",
  "take",
  "limit",
  "distinct",
  "count",
  "join",
  "lookup",
  "union",
  "mv-expand",
  "mvexpand",
  "mv-apply",
  "mvapply",
  "parse",
  "parse-where",
  "as",
  "serialize",
  "make-series",
  "evaluate",
  "invoke",
  "render",
  "getschema",
  "find",
  ...PARSED_OPERATORS,
  ...UNSUPPORTED_OPERATORS,
];

const COMPARISON = new Set([
  "==",
  "!=",
  "<>",
  "<",
  "<=",
  ">",
  ">=",
  "=~",
  "!~",
]);

const STRING_OPERATORS = new Set([
  "has",
  "has_cs",
  "hasprefix",
  "hasprefix_cs",
  "hassuffix",
  "hassuffix_cs",
  "contains",
  "contains_cs",
  "startswith",
  "startswith_cs",
  "endswith",
  "endswith_cs",
  "has_any",
  "has_all",
]);

/**
 * How deeply expressions and sub-queries may nest (a parenthesis or a call counts about
 * two levels). Kusto has such a limit too; past it a query would exhaust the stack instead
 * of failing with a located error.
 */
export const MAX_NESTING = 400;

/**
 * How deep a syntax tree may be: a chain of `and`, `or`, `+` or pipes adds one level per
 * term, and the compiler walks the tree recursively.
 */
export const MAX_TREE_DEPTH = 1000;

/** Parses a whole query. */
export function parseQuery(query: string): A.QueryText {
  const tree = new Parser(query).query();
  checkTreeDepth(tree, query);
  return tree;
}

/** Fails, at the deepest node, on a tree deeper than {@link MAX_TREE_DEPTH} (iteratively). */
function checkTreeDepth(tree: A.QueryText, query: string): void {
  const stack: Array<[unknown, number]> = [[tree.statements, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item === "object") stack.push([item, depth]);
      continue;
    }
    const node = value as Record<string, unknown>;
    const isNode = typeof node.kind === "string" && typeof node.span === "object";
    const level = isNode ? depth + 1 : depth;
    if (level > MAX_TREE_DEPTH) {
      throw new KqlSyntaxError(
        `the query is nested too deeply (more than ${MAX_TREE_DEPTH} levels of operators, ` +
          "terms and pipes)",
        query,
        node.span as A.Span,
        {
          hint: "Split long chains: in/has_any with a list instead of many or/and terms, " +
            "or several let statements instead of one very long pipeline.",
        },
      );
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== "span" && child && typeof child === "object") stack.push([child, level]);
    }
  }
}

class Parser {
  readonly #text: string;
  readonly #tokens: Token[];
  #pos = 0;
  /** Where the current statement's or `let` value's query starts (see `#queryMayStart`). */
  #queryStart = 0;
  /** What parses but cannot run (see `A.QueryText.problems`). */
  readonly #problems: A.QueryProblem[] = [];
  /** Where the arguments of the innermost function call start. */
  #callArguments = -1;
  #depth = 0;

  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenize(text);
  }

  // ------------------------------------------------------------ token helpers

  #peek(offset = 0): Token {
    return this.#tokens[Math.min(this.#pos + offset, this.#tokens.length - 1)];
  }

  #next(): Token {
    const token = this.#peek();
    if (token.kind !== "eof") this.#pos++;
    return token;
  }

  #lastEnd(): number {
    return this.#tokens[Math.max(0, this.#pos - 1)].span.end;
  }

  #spanFrom(start: number): A.Span {
    return { start, end: Math.max(start, this.#lastEnd()) };
  }

  #isPunct(text: string, offset = 0): boolean {
    const t = this.#peek(offset);
    return t.kind === "punct" && t.text === text;
  }

  #isWord(word: string, offset = 0): boolean {
    const t = this.#peek(offset);
    return t.kind === "ident" && t.text === word;
  }

  #eatPunct(text: string): boolean {
    if (!this.#isPunct(text)) return false;
    this.#next();
    return true;
  }

  #eatWord(word: string): boolean {
    if (!this.#isWord(word)) return false;
    this.#next();
    return true;
  }

  /** Records something that parses but cannot run; compiling the query fails with it. */
  #problem(message: string, span: A.Span, hint?: string): void {
    this.#problems.push({ message, span, hint });
  }

  #fail(what: string, token = this.#peek(), hint?: string): never {
    const found = token.kind === "eof" ? "the end of the query" : `'${token.text}'`;
    throw new KqlSyntaxError(`${what}, found ${found}`, this.#text, token.span, { hint });
  }

  #expectPunct(text: string, context = ""): Token {
    if (!this.#isPunct(text)) this.#fail(`expected '${text}'${context}`);
    return this.#next();
  }

  #expectWord(word: string, context = ""): Token {
    if (!this.#isWord(word)) this.#fail(`expected '${word}'${context}`);
    return this.#next();
  }

  #identifier(what = "a name"): string {
    const t = this.#peek();
    if (t.kind === "ident") {
      this.#next();
      return t.text;
    }
    if (this.#isPunct("[") && this.#peek(1).kind === "string" && this.#isPunct("]", 2)) {
      this.#next();
      const name = this.#next().value as string;
      this.#next();
      return name;
    }
    // Type names lexed as typed literals never reach here; keywords are plain identifiers.
    return this.#fail(`expected ${what}`);
  }

  #adjacent(offset = 0): boolean {
    return this.#peek(offset).span.end === this.#peek(offset + 1).span.start;
  }

  // ------------------------------------------------------------ statements

  query(): A.QueryText {
    // Nothing but comments parses (as in Kusto.Language); compiling it says there is no query.
    const statements = this.#statements("eof");
    if (this.#problems.length === 0) return { statements };
    const problems = this.#problems.sort((a, b) => a.span.start - b.span.start);
    return { statements, problems };
  }

  #statements(until: "eof" | "}"): A.Statement[] {
    const statements: A.Statement[] = [];
    const atEnd = () => until === "eof" ? this.#peek().kind === "eof" : this.#isPunct("}");
    for (;;) {
      if (atEnd()) break;
      // One ';' ends a statement; Kusto.Language rejects an empty one (`;;`, a leading `;`).
      if (this.#isPunct(";")) {
        this.#fail("expected a statement before ';'", undefined, "Remove the extra ';'.");
      }
      statements.push(this.#statement());
      if (this.#eatPunct(";")) continue;
      if (!atEnd()) this.#fail("expected ';' or the end of the statement");
    }
    return statements;
  }

  #statement(): A.Statement {
    const start = this.#peek().span.start;
    // A `let` with no name after it is a name, as Kusto.Language reads it.
    if (this.#isWord("let") && (this.#peek(1).kind === "ident" || this.#isPunct("[", 1))) {
      return this.#let();
    }
    if (this.#isWord("declare") && this.#isWord("query_parameters", 1)) {
      this.#next();
      this.#next();
      this.#expectPunct("(", " after 'query_parameters'");
      const parameters: A.Parameter[] = [];
      while (!this.#isPunct(")")) {
        const name = this.#declared("a parameter name");
        this.#expectPunct(":", " after the parameter name");
        const type = this.#typeName();
        const defaultValue = this.#eatPunct("=") ? this.#or() : undefined;
        parameters.push({ name, type, defaultValue });
        if (!this.#eatPunct(",")) break;
      }
      this.#expectPunct(")", " after the query parameters");
      return { kind: "declare", parameters, span: this.#spanFrom(start) };
    }
    if (this.#isWord("declare") && this.#isWord("pattern", 1)) {
      const pattern = parsePatternDeclaration(this.#cursor);
      return {
        kind: "set",
        text: this.#text.slice(start, this.#lastEnd()),
        span: this.#spanFrom(start),
        pattern,
      };
    }
    if (this.#isWord("set") || this.#isWord("alias") || this.#isWord("restrict")) {
      // To the `;` that ends the statement (`declare pattern` bodies hold `;`s in braces).
      let depth = 0;
      while (!(depth === 0 && this.#isPunct(";")) && this.#peek().kind !== "eof") {
        const t = this.#next();
        if (t.kind === "punct" && "([{".includes(t.text)) depth++;
        if (t.kind === "punct" && ")]}".includes(t.text) && depth > 0) depth--;
      }
      return {
        kind: "set",
        text: this.#text.slice(start, this.#lastEnd()),
        span: this.#spanFrom(start),
      };
    }
    this.#queryStart = this.#pos;
    const expression = this.#pipeline();
    return { kind: "expression", expression, span: this.#spanFrom(start) };
  }

  #let(): A.LetStatement {
    const start = this.#next().span.start;
    const name = this.#declared("a name after 'let'", LET_KEYWORDS);
    this.#expectPunct("=", " after the name in 'let'");
    let value: A.Expression | A.FunctionDefinition;
    if (this.#isWord("view") && this.#isPunct("(", 1)) {
      this.#next();
      value = { ...this.#function(), view: true };
    } else if (this.#isPunct("(") && this.#looksLikeFunction()) {
      value = this.#function();
    } else {
      this.#queryStart = this.#pos;
      value = this.#pipeline();
    }
    return { kind: "let", name, value, span: this.#spanFrom(start) };
  }

  #looksLikeFunction(): boolean {
    let depth = 0;
    for (let i = this.#pos; i < this.#tokens.length; i++) {
      const t = this.#tokens[i];
      if (t.kind === "punct" && t.text === "(") depth++;
      else if (t.kind === "punct" && t.text === ")") {
        if (--depth === 0) {
          const after = this.#tokens[i + 1];
          return after?.kind === "punct" && after.text === "{";
        }
      } else if (t.kind === "eof") return false;
    }
    return false;
  }

  #function(): A.FunctionDefinition {
    const start = this.#expectPunct("(").span.start;
    const parameters: A.Parameter[] = [];
    while (!this.#isPunct(")")) {
      const name = this.#declared("a parameter name");
      this.#expectPunct(":", " after the parameter name");
      let parameter: A.Parameter;
      if (this.#isPunct("(")) {
        this.#next();
        if (this.#eatPunct("*")) {
          this.#expectPunct(")");
          parameter = { name, tabular: "*" };
        } else {
          const columns = this.#columnDeclarations(")");
          this.#expectPunct(")");
          parameter = { name, tabular: columns };
        }
      } else {
        parameter = { name, type: this.#typeName() };
      }
      if (this.#eatPunct("=")) parameter = { ...parameter, defaultValue: this.#or() };
      parameters.push(parameter);
      if (!this.#eatPunct(",")) break;
    }
    this.#expectPunct(")", " after the parameters");
    this.#expectPunct("{", " to start the function body");
    const body = this.#statements("}");
    this.#expectPunct("}", " to end the function body");
    return { kind: "function", parameters, body, span: this.#spanFrom(start) };
  }

  #typeName(): KustoType {
    const t = this.#next();
    const type = t.kind === "ident" ? kustoTypeFromName(t.text) : undefined;
    if (!type) this.#fail("expected a type name (string, long, datetime, ...)", t);
    return type!;
  }

  #columnDeclarations(until: string): A.ColumnDeclaration[] {
    const columns: A.ColumnDeclaration[] = [];
    while (!this.#isPunct(until)) {
      const name = this.#declared("a column name");
      this.#expectPunct(":", ` after column ${name}`);
      columns.push({ name, type: this.#typeName() });
      if (!this.#eatPunct(",")) break;
    }
    return columns;
  }

  // ------------------------------------------------------------ tabular expressions

  /** Runs one nested parse, failing past {@link MAX_NESTING} levels. */
  #nested<T>(parse: () => T): T {
    if (++this.#depth > MAX_NESTING) {
      this.#depth--;
      this.#fail(
        `the query nests parentheses, calls or sub-queries too deeply (more than ${MAX_NESTING} levels of expressions)`,
        this.#peek(),
        "Move inner parts into let statements.",
      );
    }
    try {
      return parse();
    } finally {
      this.#depth--;
    }
  }

  #pipeline(): A.Expression {
    return this.#nested(() => this.#pipelineAt());
  }

  #pipelineAt(): A.Expression {
    const start = this.#peek().span.start;
    let expression = this.#source();
    while (this.#eatPunct("|")) {
      const operator = this.#operator();
      expression = { kind: "pipe", source: expression, operator, span: this.#spanFrom(start) };
    }
    return expression;
  }

  #source(): A.Expression {
    const t = this.#peek();
    // Sources without parentheses start a query only where one may start (not in f(...)).
    if (
      t.kind === "ident" &&
      (this.#queryMayStart() ||
        ((t.text === "datatable" || t.text === "externaldata") && this.#isPunct("(", 1)))
    ) {
      const start = t.span.start;
      switch (t.text) {
        case "print": {
          this.#next();
          return { kind: "print", columns: this.#namedList(), span: this.#spanFrom(start) };
        }
        case "range":
          if (this.#peek(1).kind === "ident") return this.#range();
          break;
        case "datatable":
          if (this.#isPunct("(", 1)) return this.#datatable();
          return this.#fail("expected '(' and the columns after 'datatable'", this.#peek(1));
        case "union": {
          this.#next();
          const options = this.#unionOptions();
          const tables = this.#unionTables();
          return { kind: "union-source", options, tables, span: this.#spanFrom(start) };
        }
        case "externaldata":
          if (this.#isPunct("(", 1)) return this.#externaldata();
          break;
        case "find":
          return parseFindSource(this.#cursor);
        case "search":
          return parseSearchSource(this.#cursor);
      }
    }
    return this.#or();
  }

  #range(): A.RangeSource {
    const start = this.#next().span.start;
    const column = this.#identifier("a column name after 'range'");
    this.#expectWord("from", " in 'range'");
    const from = this.#or();
    this.#expectWord("to", " in 'range'");
    const to = this.#or();
    this.#expectWord("step", " in 'range'");
    const step = this.#or();
    return { kind: "range", column, from, to, step, span: this.#spanFrom(start) };
  }

  #datatable(): A.Datatable {
    const start = this.#next().span.start;
    this.#expectPunct("(");
    const columns = this.#columnDeclarations(")");
    this.#expectPunct(")", " after the columns of 'datatable'");
    this.#expectPunct("[", " to start the values of 'datatable'");
    const values: A.Expression[] = [];
    this.#eatPunct(","); // Kusto's grammar allows one leading comma
    while (!this.#isPunct("]")) {
      values.push(this.#datatableValue());
      if (!this.#eatPunct(",")) break;
    }
    this.#expectPunct("]", " to end the values of 'datatable'");
    return { kind: "datatable", columns, values, span: this.#spanFrom(start) };
  }

  // A datatable value is a literal (with one optional sign), not an expression.
  #datatableValue(): A.Expression {
    const signed = this.#isPunct("-") || this.#isPunct("+");
    const t = this.#peek(signed ? 1 : 0);
    // A sign goes before a number, a timespan or a typed literal (`-real(1)`), never a string.
    const literal = (t.kind === "string" && !signed) || t.kind === "long" || t.kind === "real" ||
      t.kind === "timespan" || t.kind === "typed" ||
      (t.kind === "ident" && BOOLEAN_WORDS.has(t.text) && !signed);
    if (!literal) this.#fail("expected a literal value in 'datatable'", t);
    return signed ? this.#unary() : this.#primary();
  }

  // externaldata(cols) [ "url", ... ] with (options): read as a call the provider answers.
  #externaldata(): A.Call {
    const start = this.#next().span.start;
    this.#expectPunct("(");
    const columns = this.#columnDeclarations(")");
    this.#expectPunct(")");
    this.#expectPunct("[", " to start the URLs of 'externaldata'");
    const args: A.Expression[] = [];
    while (!this.#isPunct("]")) {
      args.push(this.#or());
      if (!this.#eatPunct(",")) break;
    }
    this.#expectPunct("]");
    const named: Record<string, A.Expression> = {
      __columns: {
        kind: "literal",
        type: "dynamic",
        value: columns.map((c) => ({ name: c.name, type: c.type })),
        span: this.#spanFrom(start),
      },
    };
    if (this.#eatWord("with")) {
      this.#expectPunct("(");
      while (!this.#isPunct(")")) {
        const name = this.#identifier("an option name");
        this.#expectPunct("=");
        named[name] = this.#or();
        if (!this.#eatPunct(",")) break;
      }
      this.#expectPunct(")");
    }
    return { kind: "call", name: "externaldata", args, named, span: this.#spanFrom(start) };
  }

  // ------------------------------------------------------------ operators

  #operatorName(): Token & { name: string } {
    const t = this.#peek();
    if (t.kind !== "ident") this.#fail("expected an operator after '|'");
    this.#next();
    let name = t.text;
    // Hyphenated names: project-away, mv-expand, parse-where, make-series ...
    while (
      this.#isPunct("-") && this.#peek().span.start === this.#lastEnd() &&
      this.#peek(1).kind === "ident" && this.#adjacent()
    ) {
      this.#next();
      name += "-" + this.#next().text;
    }
    return { ...t, name };
  }

  #operator(): A.Operator {
    const token = this.#operatorName();
    const start = token.span.start;
    const span = () => this.#spanFrom(start);
    switch (token.name) {
      case "where":
      case "filter":
        return { kind: "where", predicate: this.#or(), span: span() };
      case "project":
        return {
          kind: "project",
          columns: this.#atOperatorEnd() ? [] : this.#namedList(),
          span: span(),
        };
      case "extend":
        return { kind: "extend", columns: this.#namedList(), span: span() };
      case "project-away":
      case "project-keep":
        return {
          kind: token.name,
          patterns: this.#atOperatorEnd() ? [] : this.#patterns(),
          span: span(),
        };
      case "project-rename": {
        const renames: Array<{ to: string; from: string }> = [];
        do {
          const to = this.#declared("a new column name");
          this.#expectPunct("=", " in 'project-rename'");
          renames.push({ to, from: this.#identifier("a column name") });
        } while (this.#eatPunct(","));
        return { kind: "project-rename", renames, span: span() };
      }
      case "project-reorder": {
        const patterns: Array<{ pattern: string; order?: "asc" | "desc" }> = [];
        if (!this.#atOperatorEnd()) {
          do {
            const pattern = this.#pattern();
            const order = this.#eatWord("asc")
              ? "asc"
              : this.#eatWord("desc")
              ? "desc"
              : this.#eatWord("granny-asc")
              ? "asc"
              : undefined;
            patterns.push({ pattern, order });
          } while (this.#eatPunct(","));
        }
        return { kind: "project-reorder", patterns, span: span() };
      }
      case "summarize": {
        this.#hints();
        // `by` starts the grouping: `summarize by = count()` names nothing (Kusto.Language).
        if (this.#isWord("by") && this.#isPunct("=", 1)) this.#declared("a name", BY_KEYWORD);
        const aggregates = this.#isWord("by") || this.#atOperatorEnd() ? [] : this.#namedList();
        const by = this.#eatWord("by") ? this.#namedList() : [];
        return { kind: "summarize", aggregates, by, span: span() };
      }
      case "sort":
      case "order": {
        this.#hints();
        this.#expectWord("by", ` after '${token.name}'`);
        return { kind: "sort", keys: this.#sortKeys(), span: span() };
      }
      case "top": {
        const count = this.#additive();
        this.#expectWord("by", " after the count of 'top'");
        return { kind: "top", count, keys: this.#sortKeys(), span: span() };
      }
      case "take":
      case "limit":
        return { kind: "take", count: this.#additive(), span: span() };
      case "distinct": {
        this.#hints();
        if (this.#isPunct("*")) {
          const star = this.#next();
          const columns = [{
            expression: { kind: "star", span: star.span } as const,
            span: star.span,
          }];
          return { kind: "distinct", columns, span: span() };
        }
        return { kind: "distinct", columns: this.#namedList(), span: span() };
      }
      case "count": {
        // `count as N` names the result column (Kusto's default is `Count`).
        if (this.#isWord("as") && this.#peek(1).kind === "ident") {
          this.#next();
          return { kind: "count", name: this.#identifier("a name after 'as'"), span: span() };
        }
        return { kind: "count", span: span() };
      }
      case "join":
        return this.#join(start);
      case "lookup":
        return this.#lookup(start);
      case "union": {
        const options = this.#unionOptions();
        return { kind: "union", options, tables: this.#unionTables(), span: span() };
      }
      case "mv-expand":
      case "mvexpand":
        return this.#mvExpand(start);
      case "mv-apply":
      case "mvapply":
        return this.#mvApply(start);
      case "parse":
      case "parse-where":
        return this.#parse(start, token.name === "parse-where");
      case "as":
        this.#hints();
        return { kind: "as", name: this.#identifier("a name after 'as'"), span: span() };
      case "serialize":
        return {
          kind: "serialize",
          columns: this.#atOperatorEnd() ? [] : this.#namedList(),
          span: span(),
        };
      case "make-series":
        return this.#makeSeries(start);
      case "evaluate": {
        this.#hints();
        const plugin = this.#postfix();
        if (plugin.kind !== "call") this.#fail("expected a plugin call after 'evaluate'");
        if (!this.#eatPunct(":")) {
          return { kind: "evaluate", plugin: plugin as A.Call, span: span() };
        }
        // The output schema: `: (*, Name: string, Age: long)`.
        this.#expectPunct("(", " to start the plugin's output schema");
        const star = this.#eatPunct("*");
        if (star && !this.#isPunct(")")) this.#expectPunct(",", " after '*'");
        const columns = this.#columnDeclarations(")");
        this.#expectPunct(")", " to end the plugin's output schema");
        const outputSchema = { star, columns };
        return { kind: "evaluate", plugin: plugin as A.Call, outputSchema, span: span() };
      }
      case "invoke": {
        const call = this.#postfix();
        if (call.kind !== "call") this.#fail("expected a function call after 'invoke'");
        return { kind: "invoke", call: call as A.Call, span: span() };
      }
      case "render":
        return this.#render(start);
      case "getschema":
        return { kind: "getschema", span: span() };
      case "print":
      case "range": {
        // A source after '|' parses in Kusto.Language and fails when it binds.
        if (token.name === "print") this.#namedList();
        else {
          this.#identifier("a column name after 'range'");
          for (const word of ["from", "to", "step"]) {
            this.#expectWord(word, " in 'range'");
            this.#or();
          }
        }
        this.#problem(
          `'${token.name}' starts a query; it cannot follow '|'`,
          token.span,
          `Start a new query with ${token.name}, or use union (${token.name} ...) to add its rows.`,
        );
        return { kind: "unsupported", name: token.name, span: span() };
      }
      default: {
        const parsed = parseOperatorOf(token.name, start, this.#cursor);
        if (parsed) return parsed;
        if (UNSUPPORTED_OPERATORS.has(token.name)) {
          this.#skipOperator();
          return { kind: "unsupported", name: token.name, span: span() };
        }
        return this.#fail(
          `unknown operator '${token.name}'`,
          token,
          suggest(token.name, OPERATOR_NAMES),
        );
      }
    }
  }

  // What the parsing of operators with a grammar of their own (_parse_operators.ts) uses.
  #cursorCache?: ParserCursor;
  get #cursor(): ParserCursor {
    return this.#cursorCache ??= {
      peek: (offset) => this.#peek(offset),
      next: () => this.#next(),
      mark: () => this.#pos,
      reset: (mark) => {
        this.#pos = mark;
      },
      isPunct: (text, offset) => this.#isPunct(text, offset),
      isWord: (word, offset) => this.#isWord(word, offset),
      eatPunct: (text) => this.#eatPunct(text),
      eatWord: (word) => this.#eatWord(word),
      expectPunct: (text, context) => this.#expectPunct(text, context),
      expectWord: (word, context) => this.#expectWord(word, context),
      fail: (what, token, hint) => this.#fail(what, token, hint),
      identifier: (what) => this.#identifier(what),
      spanFrom: (start) => this.#spanFrom(start),
      adjacent: (offset) => this.#adjacent(offset),
      typeName: () => this.#typeName(),
      options: (allowed) => this.#options(allowed),
      pattern: () => this.#pattern(),
      atOperatorEnd: () => this.#atOperatorEnd(),
      expression: () => this.#or(),
      comparison: () => this.#comparison(),
      additive: () => this.#additive(),
      postfix: () => this.#postfix(),
      pipeline: () => this.#pipeline(),
      named: () => this.#named(),
      namedList: () => this.#namedList(),
      operator: () => this.#operator(),
    };
  }

  #atOperatorEnd(): boolean {
    const t = this.#peek();
    return t.kind === "eof" || this.#isPunct("|") || this.#isPunct(")") || this.#isPunct(";");
  }

  // An operator the engine does not run: its tokens up to its end, brackets balanced.
  #skipOperator(): void {
    const open: string[] = [];
    const closing: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
    while (this.#peek().kind !== "eof") {
      if (open.length === 0 && (this.#isPunct("|") || this.#isPunct(")") || this.#isPunct(";"))) {
        return;
      }
      const t = this.#next();
      if (t.kind !== "punct") continue;
      if (closing[t.text]) open.push(closing[t.text]);
      else if (t.text === ")" || t.text === "]" || t.text === "}") {
        if (open.pop() !== t.text) this.#fail("unbalanced brackets", t);
      }
    }
    if (open.length > 0) this.#fail(`expected '${open.at(-1)}'`);
  }

  // `hint.strategy = shuffle` and similar options that do not change results.
  #hints(): void {
    while (
      this.#peek().kind === "ident" && this.#peek().text.startsWith("hint") && this.#isPunct(".", 1)
    ) {
      this.#next();
      this.#next();
      this.#identifier("a hint name");
      this.#expectPunct("=");
      this.#next();
    }
  }

  #patterns(): string[] {
    const patterns: string[] = [];
    do patterns.push(this.#pattern()); while (this.#eatPunct(","));
    return patterns;
  }

  // A column name with `*` wildcards: `Account*`, `*Id`, `*`.
  #pattern(): string {
    if (this.#isPunct("[")) return this.#identifier("a column name");
    const start = this.#peek();
    if (!(start.kind === "ident" || this.#isPunct("*"))) this.#fail("expected a column name");
    const continues = (this.#peek(1).kind === "ident" || this.#isPunct("*", 1)) &&
      this.#peek(1).span.start === start.span.end;
    if (EXPRESSION_KEYWORDS.has(start.text) && !continues) {
      this.#fail(`'${start.text}' is a keyword; as a name it is written ['${start.text}']`);
    }
    let text = this.#next().text;
    // Digits glue on too (`*1`, `Col*2`): the lexer reads them as numbers or timespans.
    const glued = () => {
      const t = this.#peek();
      return t.kind === "ident" || this.#isPunct("*") ||
        ((t.kind === "long" || t.kind === "real" || t.kind === "timespan") && /^\w+$/.test(t.text));
    };
    while (glued() && this.#peek().span.start === this.#lastEnd()) text += this.#next().text;
    return text;
  }

  #sortKeys(): A.SortKey[] {
    const keys: A.SortKey[] = [];
    do {
      const expression = this.#or();
      let descending = true;
      if (this.#eatWord("asc")) descending = false;
      else if (this.#eatWord("desc")) descending = true;
      let nulls: "first" | "last" | undefined;
      if (this.#eatWord("nulls")) {
        if (this.#eatWord("first")) nulls = "first";
        else if (this.#eatWord("last")) nulls = "last";
        else this.#fail("expected 'first' or 'last' after 'nulls'");
      }
      keys.push({ expression, descending, nulls });
    } while (this.#eatPunct(","));
    return keys;
  }

  #options(allowed: readonly string[]): Record<string, Token> {
    const options: Record<string, Token> = {};
    for (;;) {
      this.#hints();
      const t = this.#peek();
      if (t.kind === "ident" && allowed.includes(t.text) && this.#isPunct("=", 1)) {
        this.#next();
        this.#next();
        const value = this.#peek();
        if (value.kind === "punct" || value.kind === "eof") {
          this.#fail(`expected a value after '${t.text}='`, value);
        }
        options[t.text] = this.#next();
        continue;
      }
      return options;
    }
  }

  #join(start: number): A.JoinOperator {
    const options = this.#options(["kind", "withsource"]);
    const kind = (options.kind?.text ?? "innerunique").toLowerCase();
    const kinds: Record<string, A.JoinKind> = {
      innerunique: "innerunique",
      inner: "inner",
      leftouter: "leftouter",
      rightouter: "rightouter",
      fullouter: "fullouter",
      outer: "fullouter",
      leftanti: "leftanti",
      anti: "leftanti",
      leftantisemi: "leftanti",
      rightanti: "rightanti",
      rightantisemi: "rightanti",
      leftsemi: "leftsemi",
      semi: "leftsemi",
      rightsemi: "rightsemi",
    };
    let joinKind = kinds[kind];
    if (!joinKind) {
      this.#problem(
        `unknown join kind '${kind}'`,
        options.kind!.span,
        suggest(kind, Object.keys(kinds)) ?? `The kinds: ${Object.keys(kinds).join(", ")}.`,
      );
      joinKind = "innerunique";
    }
    const right = this.#postfix();
    if (this.#isWord("where")) {
      // Kusto.Language's JoinWhereClause: `join kind=inner (T) where Ports has tostring(Port)`.
      this.#next();
      const where = this.#or();
      return { kind: "join", joinKind, right, on: [], where, span: this.#spanFrom(start) };
    }
    const on = this.#joinConditions("join");
    return { kind: "join", joinKind, right, on, span: this.#spanFrom(start) };
  }

  #lookup(start: number): A.LookupOperator {
    const options = this.#options(["kind"]);
    const kind = (options.kind?.text ?? "leftouter").toLowerCase();
    const known = kind === "leftouter" || kind === "inner";
    if (!known) {
      this.#problem(
        `lookup kind must be leftouter or inner, not '${kind}'`,
        options.kind!.span,
        "Write kind=leftouter (the default) or kind=inner.",
      );
    }
    const right = this.#postfix();
    const on = this.#joinConditions("lookup");
    return {
      kind: "lookup",
      lookupKind: known ? kind : "leftouter",
      right,
      on,
      span: this.#spanFrom(start),
    };
  }

  #joinConditions(operator: "join" | "lookup"): A.JoinCondition[] {
    const conditions: A.JoinCondition[] = [];
    // Kusto.Language: a lookup without `on` is a syntax error, a join without it a binding one.
    if (operator === "lookup" && !this.#isWord("on")) {
      this.#fail("expected 'on' before the lookup keys");
    }
    if (!this.#isWord("on")) {
      const at = this.#tokens[this.#pos - 1].span;
      this.#problem(
        `'${operator}' needs 'on' and the columns to match`,
        at,
        `Write ${operator} (...) on Key, or on $left.A == $right.B.`,
      );
      return conditions;
    }
    this.#next();
    const add = (e: A.Expression) => {
      if (e.kind === "binary" && e.op === "and") {
        add(e.left);
        add(e.right);
        return;
      }
      if (e.kind === "name") {
        conditions.push({ left: e.name, right: e.name, span: e.span });
        return;
      }
      if (e.kind === "binary" && e.op === "==") {
        // $left.Col, or $left.['Col name'] / $left['Col name'] for a name with spaces.
        const side = (x: A.Expression): [string, string] | undefined => {
          if (x.kind !== "member" && x.kind !== "index") return undefined;
          if (x.object.kind !== "name") return undefined;
          if (x.object.name !== "$left" && x.object.name !== "$right") return undefined;
          if (x.kind === "member") return [x.object.name, x.name];
          return x.index.kind === "literal" && x.index.type === "string" &&
              typeof x.index.value === "string"
            ? [x.object.name, x.index.value]
            : undefined;
        };
        const a = side(e.left);
        const b = side(e.right);
        if (a && b && a[0] !== b[0]) {
          const [left, right] = a[0] === "$left" ? [a[1], b[1]] : [b[1], a[1]];
          conditions.push({ left, right, span: e.span });
          return;
        }
      }
      this.#problem(
        "expected a join key: a column name or $left.Column == $right.Column",
        e.span,
        "Write on Key, or on $left.A == $right.B, joined by commas or 'and'.",
      );
    };
    do add(this.#or()); while (this.#eatPunct(","));
    return conditions;
  }

  #unionOptions(): A.UnionOptions {
    const options = this.#options(["kind", "withsource", "isfuzzy"]);
    const kind = options.kind?.text.toLowerCase() ?? "outer";
    if (kind !== "inner" && kind !== "outer") {
      this.#problem(
        `union kind must be inner or outer, not '${kind}'`,
        options.kind!.span,
        "Write kind=outer (the default) or kind=inner.",
      );
    }
    return {
      unionKind: kind as "inner" | "outer",
      withSource: options.withsource?.text,
      isFuzzy: BOOLEAN_WORDS.get(options.isfuzzy?.text ?? "") === true,
    };
  }

  #unionTables(): A.Expression[] {
    const tables: A.Expression[] = [];
    do {
      // A name pattern (`View*`, `K*`, `*`): the tables and views it matches.
      const t = this.#peek();
      const star = this.#isPunct("*") ||
        (t.kind === "ident" && this.#isPunct("*", 1) && this.#peek(1).span.start === t.span.end);
      if (star) {
        const start = t.span.start;
        tables.push({ kind: "name", name: this.#pattern(), span: this.#spanFrom(start) });
      } else tables.push(this.#postfix());
    } while (this.#eatPunct(","));
    return tables;
  }

  #mvItems(): A.MvExpandItem[] {
    const items: A.MvExpandItem[] = [];
    do {
      const start = this.#peek().span.start;
      let name: string | undefined;
      if (
        (this.#peek().kind === "ident" || this.#isPunct("[")) &&
        this.#isPunct("=", this.#isPunct("[") ? 3 : 1)
      ) {
        name = this.#declared("a name", MV_KEYWORDS);
        this.#next();
      }
      const expression = this.#or();
      let toType: KustoType | undefined;
      if (this.#eatWord("to")) {
        this.#expectWord("typeof", " after 'to'");
        this.#expectPunct("(");
        toType = this.#typeName();
        this.#expectPunct(")");
      }
      items.push({ name, expression, toType, span: this.#spanFrom(start) });
    } while (this.#eatPunct(","));
    return items;
  }

  #mvExpand(start: number): A.MvExpandOperator {
    const options = this.#options(["bagexpansion", "with_itemindex", "kind"]);
    const items = this.#mvItems();
    const limit = this.#eatWord("limit") ? this.#additive() : undefined;
    return {
      kind: "mv-expand",
      items,
      bagExpansion: options.bagexpansion?.text === "array" || options.kind?.text === "array"
        ? "array"
        : "bag",
      itemIndex: options.with_itemindex?.text,
      limit,
      span: this.#spanFrom(start),
    };
  }

  #mvApply(start: number): A.MvApplyOperator {
    const options = this.#options(["with_itemindex"]);
    const items = this.#mvItems();
    const limit = this.#eatWord("limit") ? this.#additive() : undefined;
    this.#expectWord("on", " before the subquery of 'mv-apply'");
    this.#expectPunct("(", " to start the subquery of 'mv-apply'");
    const subquery: A.Operator[] = [];
    // Operators separated by '|', with none before the first, as Kusto.Language reads it.
    if (!this.#isPunct(")")) {
      do subquery.push(this.#operator()); while (this.#eatPunct("|"));
    }
    this.#expectPunct(")");
    return {
      kind: "mv-apply",
      items,
      itemIndex: options.with_itemindex?.text,
      limit,
      subquery,
      span: this.#spanFrom(start),
    };
  }

  #parse(start: number, filter: boolean): A.ParseOperator {
    const options = this.#options(["kind", "flags"]);
    const kind = options.kind?.text ?? "simple";
    if (kind !== "simple" && kind !== "regex" && kind !== "relaxed") {
      this.#fail(`parse kind must be simple, regex or relaxed`, options.kind);
    }
    const source = this.#additive();
    this.#expectWord("with", " after the expression of 'parse'");
    const parts: A.ParsePart[] = [];
    while (!this.#atOperatorEnd()) {
      const t = this.#peek();
      if (t.kind === "string") {
        this.#next();
        parts.push({ kind: "text", text: t.value as string });
      } else if (this.#eatPunct("*")) {
        parts.push({ kind: "wildcard" });
      } else if (
        (t.kind === "ident" && t.text !== "project" && !RESERVED_NAMES.has(t.text)) ||
        this.#isPunct("[")
      ) {
        // `project` ends a pattern in Kusto's grammar: it is never a column name there.
        const name = this.#declared("a column name");
        const type = this.#eatPunct(":") ? this.#typeName() : "string";
        parts.push({ kind: "column", name, type });
      } else if (t.kind === "ident") {
        break;
      } else {
        this.#fail("expected a string, a column name or '*' in the pattern of 'parse'");
      }
    }
    return {
      kind: "parse",
      filter,
      parseKind: kind as "simple" | "regex" | "relaxed",
      flags: options.flags ? String(options.flags.value ?? options.flags.text) : undefined,
      source,
      parts,
      span: this.#spanFrom(start),
    };
  }

  #makeSeries(start: number): A.MakeSeriesOperator {
    this.#options(["kind"]);
    const aggregates: Array<A.NamedExpression & { defaultValue?: A.Expression }> = [];
    do {
      const item = this.#named();
      if (this.#isWord("default") && this.#isPunct("=", 1)) {
        this.#next();
        this.#next();
        aggregates.push({ ...item, defaultValue: this.#or() });
      } else aggregates.push(item);
    } while (this.#eatPunct(","));
    this.#expectWord("on", " in 'make-series'");
    // The axis stops before `in range(...)`, which is not the `in` operator here.
    const on = this.#additive();
    let from: A.Expression | undefined;
    let to: A.Expression | undefined;
    let step: A.Expression | undefined;
    if (this.#eatWord("in")) {
      const range = this.#postfix();
      if (range.kind !== "call" || range.name !== "range" || range.args.length !== 3) {
        this.#fail("expected 'range(start, stop, step)' after 'in'");
      }
      [from, to, step] = (range as A.Call).args;
    } else {
      if (this.#eatWord("from")) from = this.#or();
      if (this.#eatWord("to")) to = this.#or();
      this.#expectWord("step", " in 'make-series'");
      step = this.#or();
    }
    const by = this.#eatWord("by") ? this.#namedList() : [];
    return {
      kind: "make-series",
      aggregates,
      on,
      from,
      to,
      step: step!,
      by,
      span: this.#spanFrom(start),
    };
  }

  #render(start: number): A.RenderOperator {
    const visualization = this.#identifier("a chart kind after 'render'");
    const properties: Record<string, A.Expression> = {};
    if (this.#eatWord("with")) {
      this.#expectPunct("(", " after 'with'");
      while (!this.#isPunct(")")) {
        const name = this.#identifier("a property name");
        this.#expectPunct("=");
        const first = this.#or();
        // `ycolumns = a, b, c`: names up to the next `name =`.
        if (first.kind === "name" && this.#isPunct(",") && !this.#isPunct("=", 2)) {
          const names: A.Expression[] = [first];
          while (this.#isPunct(",") && !this.#isPunct("=", 2) && this.#peek(1).kind === "ident") {
            this.#next();
            names.push(this.#or());
          }
          properties[name] = { kind: "call", name: "pack_array", args: names, span: first.span };
        } else {
          properties[name] = first;
        }
        if (!this.#eatPunct(",")) break;
      }
      this.#expectPunct(")", " to close the properties of 'render'");
    }
    return { kind: "render", visualization, properties, span: this.#spanFrom(start) };
  }

  #namedList(): A.NamedExpression[] {
    const items: A.NamedExpression[] = [];
    do items.push(this.#named()); while (this.#eatPunct(","));
    return items;
  }

  #named(): A.NamedExpression {
    const start = this.#peek().span.start;
    // (a, b) = expr
    if (this.#isPunct("(") && this.#peek(1).kind === "ident") {
      let i = 1;
      while (this.#peek(i).kind === "ident" && this.#isPunct(",", i + 1)) i += 2;
      if (
        this.#peek(i).kind === "ident" && this.#isPunct(")", i + 1) && this.#isPunct("=", i + 2)
      ) {
        this.#next();
        const names: string[] = [];
        do names.push(this.#declared()); while (this.#eatPunct(","));
        this.#expectPunct(")");
        this.#expectPunct("=");
        return { names, expression: this.#or(), span: this.#spanFrom(start) };
      }
    }
    const nameLength = this.#peek().kind === "ident" ? 1 : this.#isPunct("[") &&
        this.#peek(1).kind === "string" && this.#isPunct("]", 2)
      ? 3
      : 0;
    if (nameLength > 0 && this.#isPunct("=", nameLength)) {
      const name = this.#declared();
      this.#next();
      return { names: [name], expression: this.#or(), span: this.#spanFrom(start) };
    }
    return { expression: this.#or(), span: this.#spanFrom(start) };
  }

  // ------------------------------------------------------------ scalar expressions

  #or(): A.Expression {
    return this.#nested(() => this.#orAt());
  }

  #orAt(): A.Expression {
    const start = this.#peek().span.start;
    let left = this.#and();
    while (this.#eatWord("or")) {
      left = { kind: "binary", op: "or", left, right: this.#and(), span: this.#spanFrom(start) };
    }
    return left;
  }

  #and(): A.Expression {
    const start = this.#peek().span.start;
    let left = this.#comparison();
    while (this.#eatWord("and")) {
      left = {
        kind: "binary",
        op: "and",
        left,
        right: this.#comparison(),
        span: this.#spanFrom(start),
      };
    }
    return left;
  }

  #comparison(): A.Expression {
    const start = this.#peek().span.start;
    const left = this.#additive();
    const t = this.#peek();
    const span = () => this.#spanFrom(start);
    if (t.kind === "punct" && COMPARISON.has(t.text)) {
      this.#next();
      const op = t.text === "<>" ? "!=" : t.text;
      return { kind: "binary", op, left, right: this.#additive(), span: span() };
    }
    if (t.kind !== "ident") return left;
    const word = t.text;
    const negated = word.startsWith("!");
    const base = negated ? word.slice(1) : word;
    if (base === "in" || base === "in~") {
      this.#next();
      const values = this.#parenthesisedList(`'${word}'`);
      return {
        kind: "in",
        negated,
        caseInsensitive: base === "in~",
        left,
        values,
        span: span(),
      };
    }
    if (base === "between") {
      this.#next();
      this.#expectPunct("(", " after 'between'");
      const low = this.#additive();
      this.#expectPunct("..", " between the bounds of 'between'");
      const high = this.#additive();
      this.#expectPunct(")", " after the bounds of 'between'");
      return { kind: "between", negated, left, low, high, span: span() };
    }
    if (base === "matches" && !negated) {
      this.#next();
      this.#expectWord("regex", " after 'matches'");
      return { kind: "binary", op: "matches regex", left, right: this.#additive(), span: span() };
    }
    if (base === "has_any" || base === "has_all") {
      this.#next();
      const values = this.#parenthesisedList(`'${word}'`);
      const right: A.Expression = values.length === 1 && values[0].kind !== "literal"
        ? values[0]
        : { kind: "call", name: "pack_array", args: values, span: span() };
      return { kind: "binary", op: word, left, right, span: span() };
    }
    if (STRING_OPERATORS.has(base)) {
      this.#next();
      return { kind: "binary", op: word, left, right: this.#additive(), span: span() };
    }
    return left;
  }

  #parenthesisedList(context: string): A.Expression[] {
    this.#expectPunct("(", ` after ${context}`);
    const values: A.Expression[] = [];
    do values.push(this.#pipeline()); while (this.#eatPunct(","));
    this.#expectPunct(")", ` to close the list of ${context}`);
    return values;
  }

  #additive(): A.Expression {
    const start = this.#peek().span.start;
    let left = this.#multiplicative();
    while (this.#isPunct("+") || this.#isPunct("-")) {
      const op = this.#next().text;
      left = {
        kind: "binary",
        op,
        left,
        right: this.#notStar(this.#multiplicative()),
        span: this.#spanFrom(start),
      };
    }
    return left;
  }

  // `*` is a value only alone (count(*), hash_many(*)), never an operand: `pi() / *`.
  #notStar(e: A.Expression): A.Expression {
    if (e.kind === "star") this.#fail("expected an expression", this.#tokens[this.#pos - 1]);
    return e;
  }

  #multiplicative(): A.Expression {
    const start = this.#peek().span.start;
    let left = this.#unary();
    while (this.#isPunct("*") || this.#isPunct("/") || this.#isPunct("%")) {
      const op = this.#next().text;
      const right = this.#notStar(this.#unary());
      left = { kind: "binary", op, left, right, span: this.#spanFrom(start) };
    }
    return left;
  }

  #unary(): A.Expression {
    if (this.#isPunct("-") || this.#isPunct("+")) {
      const t = this.#next();
      // Kusto.Language takes one sign: `- -1` and `+-1` are syntax errors there (write -(-1)).
      if (this.#isPunct("-") || this.#isPunct("+")) this.#fail("expected an expression");
      const operand = this.#unary();
      // Fold signs into numeric literals, so `-1` is a literal as in Kusto.
      if (operand.kind === "literal" && t.text === "-" && operand.value !== null) {
        const v = operand.value;
        if (typeof v === "bigint" || typeof v === "number") {
          return { ...operand, value: -v as typeof v, span: this.#spanFrom(t.span.start) };
        }
      }
      return {
        kind: "unary",
        op: t.text as "-" | "+",
        operand,
        span: this.#spanFrom(t.span.start),
      };
    }
    return this.#postfix();
  }

  #postfix(): A.Expression {
    const start = this.#peek().span.start;
    let expression = this.#primary();
    for (;;) {
      if (
        this.#isPunct(".") && (this.#peek(1).kind === "ident" || this.#peek(1).kind === "typed")
      ) {
        this.#next();
        const t = this.#next();
        // `x.date` lexes as a typed literal only with a following '('; plain names arrive here.
        expression = {
          kind: "member",
          object: expression,
          name: t.text,
          span: this.#spanFrom(start),
        };
      } else if (this.#isPunct(".") && this.#isPunct("[", 1)) {
        this.#next();
      } else if (this.#isPunct("[")) {
        this.#next();
        const index = this.#or();
        this.#expectPunct("]", " to close the index");
        expression = { kind: "index", object: expression, index, span: this.#spanFrom(start) };
      } else {
        return expression;
      }
    }
  }

  #primary(): A.Expression {
    const t = this.#peek();
    const start = t.span.start;
    switch (t.kind) {
      case "string": {
        this.#next();
        // Adjacent string literals are one string: "a" "b" is "ab".
        let value = t.value as string;
        while (this.#peek().kind === "string") value += this.#next().value as string;
        return { kind: "literal", type: "string", value, span: this.#spanFrom(start) };
      }
      case "long":
        this.#next();
        return { kind: "literal", type: "long", value: t.value, span: t.span };
      case "real":
        this.#next();
        return { kind: "literal", type: "real", value: t.value, span: t.span };
      case "timespan":
        this.#next();
        return { kind: "literal", type: "timespan", value: t.value, span: t.span };
      case "typed": {
        this.#next();
        const { name, raw } = t.value as TypedRaw;
        const read = readTypedLiteral(name, raw);
        if ("error" in read) {
          throw new KqlSyntaxError(read.error, this.#text, t.span);
        }
        if (read.type === "dynamic" && read.value !== null) {
          const json = JSON.stringify(read.value);
          return {
            kind: "literal",
            type: read.type,
            value: plainJson(read.value),
            json,
            span: t.span,
          };
        }
        return { kind: "literal", type: read.type, value: read.value, span: t.span };
      }
      case "punct":
        if (t.text === "(") {
          this.#next();
          const expression = this.#pipeline();
          if (expression.kind === "star") {
            this.#fail("expected an expression", this.#tokens[this.#pos - 1]);
          }
          this.#expectPunct(")", " to close '('");
          return { kind: "paren", expression, span: this.#spanFrom(start) };
        }
        if (t.text === "[" && this.#peek(1).kind === "string" && this.#isPunct("]", 2)) {
          const name = this.#identifier();
          return { kind: "name", name, span: this.#spanFrom(start) };
        }
        if (t.text === "[" && !this.#isPunct("]", 1)) {
          // Kusto's grammar takes any expression in a bracketed name and its binder then
          // asks for a string constant: parsed, and refused as a problem at that place.
          this.#next();
          this.#pipeline();
          this.#expectPunct("]", " to close '['");
          const span = this.#spanFrom(start);
          this.#problem(
            "a name in brackets must be a string constant",
            span,
            "Quote the name, ['Column Name'], or index a value after it: value[0].",
          );
          return { kind: "name", name: "[]", span };
        }
        if (t.text === "*") {
          this.#next();
          return { kind: "star", span: t.span };
        }
        if (t.text === "@") {
          this.#next();
          this.#problem(
            "'@' alone is not a value",
            t.span,
            "A verbatim string is written @'text' or @\"text\".",
          );
          return { kind: "name", name: "@", span: t.span };
        }
        return this.#fail("expected an expression");
      case "ident": {
        if (BOOLEAN_WORDS.has(t.text)) {
          this.#next();
          return { kind: "literal", type: "bool", value: BOOLEAN_WORDS.get(t.text)!, span: t.span };
        }
        // `where x > 1` alone parses (Kusto.Language reads it so) and fails when it runs.
        if (INPUT_OPERATORS.has(t.text) && this.#queryMayStart()) {
          const source: A.MissingInput = { kind: "missing-input", operator: t.text, span: t.span };
          const operator = this.#operator();
          return { kind: "pipe", source, operator, span: this.#spanFrom(t.span.start) };
        }
        if (
          ["datatable", "print", "range", "union", "externaldata"].includes(t.text) &&
          (t.text !== "range" || this.#peek(1).kind === "ident") &&
          (this.#queryMayStart() ||
            ((t.text === "datatable" || t.text === "externaldata") && this.#isPunct("(", 1)))
        ) {
          return this.#source();
        }
        if (SCOPE_KINDS.has(t.text) && this.#isPunct("(", 1)) {
          const scoped = this.#scopedTable();
          if (scoped) return scoped;
        }
        // A negated operator (`!in`, `!has`, ...) where a value should be: its left side is
        // missing, as Kusto.Language says ("Missing expression").
        if (t.text.startsWith("!")) {
          this.#fail(
            `'${t.text}' needs a value on its left`,
            t,
            `Write Column ${t.text} (...); for a column called ${t.text}, write ['${t.text}'].`,
          );
        }
        this.#next();
        if (this.#isPunct("(") && EXPRESSION_KEYWORDS.has(t.text) && !KEYWORD_CALLS.has(t.text)) {
          // `has_any(...)` with its left side lost; `materialize()` only where a query starts.
          if (t.text !== "materialize" || this.#pos - 1 !== this.#queryStart) {
            this.#fail(
              `'${t.text}' is a keyword; as a name it is written ['${t.text}']`,
              t,
              `Write ['${t.text}'] for a column or name called ${t.text}.`,
            );
          }
        }
        if (this.#isPunct("(")) return this.#call(t);
        this.#notReserved(t);
        if (EXPRESSION_KEYWORDS.has(t.text)) {
          this.#fail(
            `'${t.text}' is a keyword; as a name it is written ['${t.text}']`,
            t,
            `Write ['${t.text}'] for a column or name called ${t.text}.`,
          );
        }
        return { kind: "name", name: t.text, span: t.span };
      }
      case "eof":
        return this.#fail("expected an expression");
    }
  }

  /**
   * `workspace("w").T`, `app("a").T`, `resource("id").T`, `database("d").T` or
   * `cluster("c").database("d").T` (the table also as `['T']` or `table("T")`); undefined,
   * with nothing read, when the text is not one of these with literal names.
   */
  #scopedTable(): A.ScopedTable | undefined {
    const mark = this.#pos;
    const start = this.#peek().span.start;
    const step = (): A.TablePlace | undefined => {
      const kind = this.#peek().text;
      if (this.#peek().kind !== "ident" || !SCOPE_KINDS.has(kind) || !this.#isPunct("(", 1)) {
        return undefined;
      }
      if (this.#peek(2).kind !== "string") return undefined;
      this.#next();
      this.#next();
      let name = "";
      while (this.#peek().kind === "string") name += this.#next().value as string;
      if (!this.#eatPunct(")")) return undefined;
      return { kind: kind as A.TablePlace["kind"], name };
    };
    const table = (): string | undefined => {
      if (!this.#eatPunct(".")) return undefined;
      const t = this.#peek();
      if (t.kind === "ident" && t.text === "table" && this.#isPunct("(", 1)) {
        // table("T"): only a literal name names a table of that place.
        if (this.#peek(2).kind !== "string" || !this.#isPunct(")", 3)) return undefined;
        this.#next();
        this.#next();
        const name = this.#next().value as string;
        this.#next();
        return name;
      }
      if (t.kind === "ident" && !this.#isPunct("(", 1)) return this.#next().text;
      if (this.#isPunct("[") && this.#peek(1).kind === "string" && this.#isPunct("]", 2)) {
        return this.#identifier();
      }
      return undefined;
    };
    const scope: A.TablePlace[] = [];
    const first = step();
    if (first) scope.push(first);
    if (first?.kind === "cluster") {
      const database = this.#isPunct(".") ? (this.#next(), step()) : undefined;
      if (database?.kind === "database") scope.push(database);
      else scope.length = 0;
    }
    const name = scope.length > 0 ? table() : undefined;
    if (name === undefined) {
      this.#pos = mark;
      return undefined;
    }
    return { kind: "scoped-table", scope, table: name, span: this.#spanFrom(start) };
  }

  /**
   * Whether a tabular source without parentheses (`print`, `union`, `range`) may start
   * here: at the start of a statement or a `let` value, or just inside `(` or `{` (a
   * subquery, a `toscalar` argument, a pattern's body); elsewhere, as in `f(print 1)`,
   * Kusto.Language reads the word as a misplaced keyword.
   */
  #queryMayStart(): boolean {
    const before = this.#tokens[this.#pos - 1];
    return this.#pos === this.#queryStart ||
      (before?.kind === "punct" && (before.text === "(" || before.text === "{") &&
        this.#pos !== this.#callArguments);
  }

  /**
   * A name being declared (a column, a `let` name, a parameter): the keywords Kusto.Language
   * refuses there (`DECLARED_KEYWORDS`, and `also` for the position) fail as such.
   */
  #declared(what = "a name", also?: ReadonlySet<string>): string {
    const t = this.#peek();
    if (t.kind === "ident" && (DECLARED_KEYWORDS.has(t.text) || also?.has(t.text))) {
      this.#fail(
        `'${t.text}' is a keyword; as a name it is written ['${t.text}']`,
        t,
        `Write ['${t.text}'] for a column or name called ${t.text}.`,
      );
    }
    return this.#identifier(what);
  }

  // Type names and sort words are keywords: as names they are written ['date'].
  #notReserved(t: Token): void {
    if (t.kind === "ident" && RESERVED_NAMES.has(t.text)) {
      this.#fail(
        `'${t.text}' is a keyword; as a name it is written ['${t.text}']`,
        t,
        `Write ['${t.text}'] for a column or name called ${t.text}.`,
      );
    }
  }

  #call(name: Token): A.Call {
    this.#expectPunct("(");
    // Only toscalar() and materialize() take a query that starts with `print` or `where`.
    if (name.text !== "toscalar" && name.text !== "materialize") this.#callArguments = this.#pos;
    // typeof(long) names a type.
    if (name.text === "typeof" && this.#peek().kind === "ident" && this.#isPunct(")", 1)) {
      const t = this.#next();
      this.#next();
      const arg: A.NameRef = { kind: "name", name: t.text, span: t.span };
      return { kind: "call", name: "typeof", args: [arg], span: this.#spanFrom(name.span.start) };
    }
    const args: A.Expression[] = [];
    let named: Record<string, A.Expression> | undefined;
    // A query with pipes is an argument of toscalar() and materialize() only (Kusto.Language);
    // elsewhere it is written in parentheses: f((T | take 1)).
    const tabular = name.text === "toscalar" || name.text === "materialize" ||
      name.text === "totable";
    const argument = () => tabular ? this.#pipeline() : this.#nested(() => this.#source());
    while (!this.#isPunct(")")) {
      if (this.#peek().kind === "ident" && this.#isPunct("=", 1)) {
        const key = this.#next().text;
        this.#next();
        named = { ...named, [key]: argument() };
      } else {
        args.push(argument());
      }
      if (!this.#eatPunct(",")) break;
      if (this.#isPunct(")")) this.#fail(`expected an argument after ',' in ${name.text}()`);
    }
    this.#expectPunct(")", ` to close the arguments of ${name.text}()`);
    return { kind: "call", name: name.text, args, named, span: this.#spanFrom(name.span.start) };
  }
}

/** The functions that name where a table is (see {@link A.ScopedTable}). */
const SCOPE_KINDS: ReadonlySet<string> = new Set([
  "cluster",
  "database",
  "workspace",
  "app",
  "resource",
]);

/**
 * Keywords Kusto.Language does not read as a bare name (type names but `bool` and `guid`,
 * and the sort directions): `['date']` is the column called date.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "boolean",
  "int8",
  "char",
  "uint8",
  "byte",
  "int16",
  "uint16",
  "int",
  "int32",
  "uint",
  "uint32",
  "long",
  "int64",
  "ulong",
  "uint64",
  "float",
  "real",
  "decimal",
  "double",
  "string",
  "time",
  "timespan",
  "date",
  "datetime",
  "uniqueid",
  "dynamic",
  "asc",
  "desc",
]);

/**
 * Words Kusto.Language does not read as a name where an expression is expected (operators,
 * query keywords, chart kinds), listed from its keyword table by asking it to parse each
 * as `print x = w`, `T | project w`, `T | where w == 1` and `T | extend y = w + 1`. Type
 * names and sort words are in `RESERVED_NAMES`; `print`, `union` and friends start a
 * subquery where one may start. As names they are written `['where']`.
 */
const EXPRESSION_KEYWORDS: ReadonlySet<string> = new Set(
  (
    "__contextual_datatable __crossCluster __crossDB __executeAndCache __id __isFuzzy " +
    "__noWithSource __packedColumn __projectAway __sourceColumnIndex accumulate and " +
    "anomalychart areachart as bagexpansion barchart between by cachingpolicy callout cancel " +
    "card columnchart contains contains_cs containscs cycles dataexport datascope datatable " +
    "decodeblocks earliest encodingpolicy endswith endswith_cs expandoutput " +
    "extent_tags_retention external_data externaldata find first flags force_remote " +
    "harddelete hardretention has has_all has_any has_cs hasprefix hasprefix_cs hassuffix " +
    "hassuffix_cs hotcache in invoke isfuzzy journal ladderchart last latest like likecs " +
    "linechart materialize mdm missing nooptimization notcontains notcontainscs notlike " +
    "notlikecs of or others pathformat piechart pivotchart print project queries " +
    "query_results relaxed restricted_view_access row_level_security rowstore " +
    "rowstore_references rowstore_sealinfo rowstorepolicy rowstores sample scatterchart seal " +
    "seals search set shards simple softdelete softretention sql stackedareachart startswith " +
    "startswith_cs statistics storedqueryresultcontainers tablepurge timechart timeline " +
    "timepivot title to toscalar totable treemap union unrestrictedviewers verbose viewers " +
    "views where with_itemindex with_match_id with_step_name writeaheadlog"
  ).split(" "),
);

/**
 * Words Kusto.Language refuses as a declared name (left of `=` in print, extend, project,
 * summarize, mv-expand and project-rename, a `let` name, a parse pattern's column, a
 * datatable column, a function parameter, a name in `(a, b) = ...`): as names they are
 * written `['last']`. Derived (issue 16) by asking Kusto.Language 12.4.1 to parse every
 * identifier-shaped word of its keyword table and of `OPERATOR_NAMES` in each of those
 * positions (`print w = 1`, `T | extend w = 1`, `T | parse x with w:string`,
 * `datatable(w:long)[1]`, ...); the same set came back in every position (plus the few
 * below for `let`, summarize's `by` and mv-expand's `limit` and `to`), and
 * tests/kql/declared_keywords_test.ts keeps it in step. Reviewed: type names (but `bool`
 * and `guid`), sort and option words, chart kinds, and the operators `and`, `or`, `like`,
 * `between`, `has_any`... Words such as `where`, `has`, `in`, `to` or `by` stay names.
 */
const DECLARED_KEYWORDS: ReadonlySet<string> = new Set(
  (
    "__contextual_datatable __crossCluster __crossDB __executeAndCache __id __isFuzzy " +
    "__noWithSource __packedColumn __projectAway __sourceColumnIndex and anomalychart " +
    "areachart asc bagexpansion barchart between bin_legacy boolean byte cachingpolicy callout " +
    "cancel card char columnchart contains_cs containscs cycles dataexport datascope date " +
    "datetime decimal decodeblocks desc double dynamic encodingpolicy endswith endswith_cs " +
    "expandoutput extent_tags_retention external_data first flags float force_remote " +
    "harddelete hardretention has_all has_any has_cs hasprefix hasprefix_cs hassuffix " +
    "hassuffix_cs hotcache int int16 int32 int64 int8 isfuzzy journal kind ladderchart last " +
    "like likecs linechart long missing nooptimization notcontains notcontainscs notlike " +
    "notlikecs or others pathformat piechart pivotchart project queries query_results real " +
    "relaxed restricted_view_access row_level_security rowstore rowstore_references " +
    "rowstore_sealinfo rowstorepolicy rowstores scatterchart seal seals shards simple " +
    "softdelete softretention stackedareachart startswith startswith_cs statistics " +
    "storedqueryresultcontainers string tablepurge time timechart timeline timepivot timespan " +
    "treemap uint uint16 uint32 uint64 uint8 ulong union uniqueid unrestrictedviewers views " +
    "with_itemindex with_match_id with_source with_step_name withsource writeaheadlog"
  ).split(" "),
);

/**
 * Words Kusto.Language refuses as a `let` name besides `DECLARED_KEYWORDS` (`let where = 1`),
 * derived the same way from `let w = 1; print y = 1`.
 */
const LET_KEYWORDS: ReadonlySet<string> = new Set(
  (
    "accumulate as by contains datatable earliest externaldata find has in invoke latest " +
    "materialize mdm of print sample search set sql title to toscalar totable verbose viewers " +
    "where"
  ).split(" "),
);

/** `by` starts the grouping of summarize, so is never an aggregate's name. */
const BY_KEYWORD: ReadonlySet<string> = new Set(["by"]);

/** Words that start a clause of mv-expand and mv-apply, so never a name before `=` there. */
const MV_KEYWORDS: ReadonlySet<string> = new Set(["limit", "to"]);

/** Operators whose names are keywords: where a query may start, they start one with no input. */
const INPUT_OPERATORS: ReadonlySet<string> = new Set([
  "where",
  "project",
  "invoke",
  "sample",
  "as",
]);

/** Keywords Kusto.Language calls as functions anywhere: `toscalar(...)`, `totable(...)`. */
const KEYWORD_CALLS: ReadonlySet<string> = new Set(["toscalar", "totable"]);

/** Kusto's boolean literals: `true` and `false` in lower, capitalised or upper case. */
const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ["true", true],
  ["True", true],
  ["TRUE", true],
  ["false", false],
  ["False", false],
  ["FALSE", false],
]);

function suggest(name: string, candidates: readonly string[]): string | undefined {
  const close = closestNames(name, candidates);
  return close.length > 0 ? `Did you mean ${close.map((c) => `'${c}'`).join(" or ")}?` : undefined;
}
