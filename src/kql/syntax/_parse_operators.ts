/**
 * Parsing the operators that bring a small grammar of their own: `search` and `find` (with
 * search's terms), `top-nested`, `top-hitters`, `sample`, `sample-distinct`, `partition`,
 * `fork`, `facet`, `reduce`, `parse-kv`, `scan`, `make-graph` and `graph-match`. The parser
 * (`_parser.ts`) hands these functions a {@link ParserCursor}: its token helpers and the
 * expression levels they build on.
 *
 * @module
 */
import type * as A from "./ast.ts";
import type { KustoType } from "../../schema/types.ts";
import type { Token } from "./_lexer.ts";

/** What the parser lends the functions of this file: token helpers and expression levels. */
export interface ParserCursor {
  peek(offset?: number): Token;
  next(): Token;
  /** The position in the token list, to come back to with {@link ParserCursor.reset}. */
  mark(): number;
  reset(mark: number): void;
  isPunct(text: string, offset?: number): boolean;
  isWord(word: string, offset?: number): boolean;
  eatPunct(text: string): boolean;
  eatWord(word: string): boolean;
  expectPunct(text: string, context?: string): Token;
  expectWord(word: string, context?: string): Token;
  fail(what: string, token?: Token, hint?: string): never;
  identifier(what?: string): string;
  spanFrom(start: number): A.Span;
  /** Whether tokens at `offset` and `offset + 1` touch (no space between). */
  adjacent(offset?: number): boolean;
  typeName(): KustoType;
  options(allowed: readonly string[]): Record<string, Token>;
  /** A column name with `*` wildcards. */
  pattern(): string;
  atOperatorEnd(): boolean;
  /** A full expression (`or` level). */
  expression(): A.Expression;
  /** A comparison (`a == b`, `a has "x"`, `a in (...)`) or anything tighter. */
  comparison(): A.Expression;
  additive(): A.Expression;
  postfix(): A.Expression;
  pipeline(): A.Expression;
  named(): A.NamedExpression;
  namedList(): A.NamedExpression[];
  /** One operator after `|`. */
  operator(): A.Operator;
}

/** Parses the operators of this file after their name; undefined for other names. */
export function parseOperatorOf(
  name: string,
  start: number,
  c: ParserCursor,
): A.Operator | undefined {
  switch (name) {
    case "search": {
      const { caseSensitive, badOption } = searchOptions(c, false);
      const predicate = searchPredicate(c);
      return { kind: "search", caseSensitive, predicate, badOption, span: c.spanFrom(start) };
    }
    case "top-nested":
      return topNested(start, c);
    case "top-hitters": {
      const count = c.additive();
      c.expectWord("of", " after the count of 'top-hitters'");
      const value = c.named();
      const by = c.eatWord("by") ? c.expression() : undefined;
      return { kind: "top-hitters", count, value, by, span: c.spanFrom(start) };
    }
    case "sample":
      return { kind: "sample", count: c.additive(), span: c.spanFrom(start) };
    case "sample-distinct": {
      const count = c.additive();
      c.expectWord("of", " after the count of 'sample-distinct'");
      return { kind: "sample-distinct", count, value: c.named(), span: c.spanFrom(start) };
    }
    case "partition":
      return partition(start, c);
    case "fork":
      return fork(start, c);
    case "facet": {
      c.expectWord("by", " after 'facet'");
      const columns: A.NameRef[] = [];
      do columns.push(nameRef(c, "a column name")); while (c.eatPunct(","));
      let with_: A.Operator[] | undefined;
      if (c.eatWord("with")) {
        c.expectPunct("(", " after 'with'");
        with_ = operatorList(c);
        c.expectPunct(")", " to close the subquery of 'facet'");
      }
      return { kind: "facet", columns, with: with_, span: c.spanFrom(start) };
    }
    case "reduce": {
      const options = c.options(["kind"]);
      const kind = options.kind?.text;
      c.expectWord("by", " after 'reduce'");
      const value = c.expression();
      const named: Record<string, A.Expression> = {};
      if (c.eatWord("with")) {
        do {
          const t = c.peek();
          if (!c.isWord("threshold") && !c.isWord("characters")) {
            c.fail("expected an option of 'reduce' (threshold, characters)", t);
          }
          const option = c.identifier();
          c.expectPunct("=", ` after '${option}'`);
          named[option] = c.expression();
        } while (c.eatPunct(","));
      }
      return {
        kind: "reduce",
        keepSource: kind === "source",
        value,
        options: named,
        badOption: problem("kind", options.kind, ["source"]),
        span: c.spanFrom(start),
      };
    }
    case "parse-kv":
      return parseKv(start, c);
    case "scan":
      return scan(start, c);
    case "make-graph":
      return makeGraph(start, c);
    case "graph-match":
      return graphMatch(start, c);
    case "graph-shortest-paths": {
      const options = c.options(["output"]);
      const output = options.output?.text ?? "any";
      const badOption = problem("output", options.output, ["any", "all"]);
      const patterns: A.GraphPatternElement[][] = [];
      do patterns.push(graphPattern(c)); while (c.eatPunct(","));
      const where = c.eatWord("where") ? c.expression() : undefined;
      const project = c.eatWord("project") ? c.namedList() : undefined;
      return {
        kind: "graph-shortest-paths",
        all: output === "all",
        badOption,
        patterns,
        where,
        project,
        span: c.spanFrom(start),
      };
    }
    case "graph-to-table": {
      const parts: A.GraphTablePart[] = [];
      do {
        const what = c.next();
        if (what.text !== "nodes" && what.text !== "edges") {
          c.fail("expected 'nodes' or 'edges'", what);
        }
        const name = c.eatWord("as") ? c.identifier("a table name") : undefined;
        const allowed = what.text === "nodes"
          ? ["with_node_id"]
          : ["with_source_id", "with_target_id"];
        const options = c.options(allowed);
        parts.push({
          what: what.text as "nodes" | "edges",
          name,
          nodeId: options.with_node_id?.text,
          sourceId: options.with_source_id?.text,
          targetId: options.with_target_id?.text,
        });
      } while (c.eatPunct(","));
      return { kind: "graph-to-table", parts, span: c.spanFrom(start) };
    }
    case "graph-mark-components": {
      const options = c.options(["kind", "with_component_id"]);
      const kind = options.kind?.text ?? "weak";
      return {
        kind: "graph-mark-components",
        strong: kind === "strong",
        badOption: problem("kind", options.kind, ["weak", "strong"]),
        componentId: options.with_component_id?.text ?? "ComponentId",
        span: c.spanFrom(start),
      };
    }
    default:
      return undefined;
  }
}

/** `search ...` at the start of a query (the word `search` is the current token). */
export function parseSearchSource(c: ParserCursor): A.SearchSource {
  const start = c.next().span.start;
  const { caseSensitive, tables, badOption } = searchOptions(c, true);
  const predicate = searchPredicate(c);
  return {
    kind: "search-source",
    caseSensitive,
    tables,
    predicate,
    badOption,
    span: c.spanFrom(start),
  };
}

/** `find ...` at the start of a query (the word `find` is the current token). */
export function parseFindSource(c: ParserCursor): A.FindSource {
  const start = c.next().span.start;
  const options = c.options(["withsource"]);
  const withSource = options.withsource?.text;
  const tables = c.eatWord("in") ? tableScope(c) : undefined;
  // `where` is required after `in (...)` and optional otherwise.
  if (tables) c.expectWord("where", " after the tables of 'find'");
  else c.eatWord("where");
  const predicate = searchPredicate(c);
  let project: A.FindColumn[] | undefined;
  let packAll = false;
  if (isHyphenated(c, 0, "project-smart")) {
    c.next();
    c.next();
    c.next();
  } else if (c.eatWord("project")) {
    project = [];
    do {
      if (c.isWord("pack_all") && c.isPunct("(", 1)) {
        c.next();
        c.next();
        c.expectPunct(")", " after 'pack_all('");
        packAll = true;
        continue;
      }
      const name = c.identifier("a column name");
      project.push({ name, type: c.eatPunct(":") ? c.typeName() : undefined });
    } while (c.eatPunct(","));
  }
  return {
    kind: "find",
    withSource,
    tables,
    predicate,
    project,
    packAll: packAll || undefined,
    span: c.spanFrom(start),
  };
}

// ------------------------------------------------------------ search and find

function searchOptions(
  c: ParserCursor,
  allowTables: boolean,
): { caseSensitive: boolean; tables?: A.TableScope; badOption?: A.OptionProblem } {
  const options = c.options(["kind"]);
  const kind = options.kind?.text ?? "default";
  const badOption = problem("kind", options.kind, [
    "default",
    "case_insensitive",
    "case_sensitive",
  ]);
  let tables: A.TableScope | undefined;
  if (c.isWord("in") && c.isPunct("(", 1)) {
    if (!allowTables) c.fail("'search in (...)' cannot follow '|': search the piped table instead");
    c.next();
    tables = tableScope(c);
  }
  return { caseSensitive: kind === "case_sensitive", tables, badOption };
}

// `(T1, T2, A*, (Events | where x > 1))`
function tableScope(c: ParserCursor): A.Expression[] {
  c.expectPunct("(", " after 'in'");
  const tables: A.Expression[] = [];
  while (!c.isPunct(")")) {
    const start = c.peek().span.start;
    const t = c.peek();
    const isName = t.kind === "ident" || c.isPunct("*") ||
      (c.isPunct("[") && c.peek(1).kind === "string");
    if (isName && !c.isPunct("(", 1) && !c.isPunct(".", 1)) {
      tables.push({ kind: "name", name: c.pattern(), span: c.spanFrom(start) });
    } else {
      tables.push(c.postfix());
    }
    if (!c.eatPunct(",")) break;
  }
  c.expectPunct(")", " to close the tables");
  return tables;
}

/** search's predicate: `and`/`or` of terms, `Column:"term"`, `*` and plain comparisons. */
function searchPredicate(c: ParserCursor): A.Expression {
  const start = c.peek().span.start;
  let left = searchAnd(c);
  while (c.eatWord("or")) {
    left = { kind: "binary", op: "or", left, right: searchAnd(c), span: c.spanFrom(start) };
  }
  return left;
}

function searchAnd(c: ParserCursor): A.Expression {
  const start = c.peek().span.start;
  let left = searchTerm(c);
  while (c.eatWord("and")) {
    left = { kind: "binary", op: "and", left, right: searchTerm(c), span: c.spanFrom(start) };
  }
  return left;
}

function searchTerm(c: ParserCursor): A.Expression {
  const start = c.peek().span.start;
  if (c.isPunct("(")) {
    // A group of search terms, unless what follows makes it part of a larger comparison.
    const mark = c.mark();
    c.next();
    const inner = searchPredicate(c);
    if (c.eatPunct(")") && endsTerm(c)) {
      return { kind: "paren", expression: inner, span: c.spanFrom(start) };
    }
    c.reset(mark);
    return c.comparison();
  }
  if (c.isWord("not") && c.isPunct("(", 1)) {
    c.next();
    c.next();
    const inner = searchPredicate(c);
    c.expectPunct(")", " to close 'not('");
    return { kind: "call", name: "not", args: [inner], span: c.spanFrom(start) };
  }
  if ((c.peek().kind === "ident" || c.isPunct("[")) && c.isPunct(":", c.isPunct("[") ? 3 : 1)) {
    const column = nameRef(c, "a column name");
    c.expectPunct(":");
    const term = c.additive();
    return { kind: "binary", op: ":", left: column, right: term, span: c.spanFrom(start) };
  }
  if (c.isPunct("*")) {
    const mark = c.mark();
    const star = c.next();
    if (endsTerm(c)) return { kind: "star", span: star.span };
    c.reset(mark);
  }
  return c.comparison();
}

function endsTerm(c: ParserCursor): boolean {
  return c.atOperatorEnd() || c.isWord("and") || c.isWord("or") || c.isWord("project") ||
    c.isWord("project-smart");
}

// ------------------------------------------------------------ top-nested

function topNested(start: number, c: ParserCursor): A.TopNestedOperator {
  const levels: A.TopNestedLevel[] = [];
  for (;;) {
    const levelStart = c.peek().span.start;
    const count = c.isWord("of") ? undefined : c.additive();
    c.expectWord("of", " in 'top-nested'");
    const value = c.named();
    let others: A.Expression | undefined;
    if (c.eatWord("with")) {
      c.expectWord("others", " after 'with' in 'top-nested'");
      c.expectPunct("=", " after 'others'");
      others = c.expression();
    }
    c.expectWord("by", " in 'top-nested'");
    const aggregate = c.named();
    let descending = true;
    if (c.eatWord("asc")) descending = false;
    else c.eatWord("desc");
    levels.push({ count, value, others, aggregate, descending, span: c.spanFrom(levelStart) });
    if (!(c.isPunct(",") && isHyphenated(c, 1, "top-nested"))) break;
    c.next();
    c.next();
    c.next();
    c.next();
  }
  return { kind: "top-nested", levels, span: c.spanFrom(start) };
}

/** Whether the tokens at `offset` spell a hyphenated word such as `top-nested`. */
function isHyphenated(c: ParserCursor, offset: number, word: string): boolean {
  const parts = word.split("-");
  for (let i = 0; i < parts.length; i++) {
    const at = offset + 2 * i;
    if (!c.isWord(parts[i], at)) return false;
    if (i + 1 < parts.length && !(c.isPunct("-", at + 1) && c.adjacent(at) && c.adjacent(at + 1))) {
      return false;
    }
  }
  return true;
}

// ------------------------------------------------------------ partition, fork

function partition(start: number, c: ParserCursor): A.PartitionOperator {
  let strategy: string | undefined;
  let badOption: A.OptionProblem | undefined;
  while (c.peek().kind === "ident" && c.peek().text === "hint" && c.isPunct(".", 1)) {
    c.next();
    c.next();
    const hint = c.identifier("a hint name");
    c.expectPunct("=", ` after 'hint.${hint}'`);
    const value = c.next();
    if (hint === "strategy") {
      strategy = value.text;
      badOption ??= problem("hint.strategy", value, ["native", "shuffle", "legacy"]);
    }
  }
  c.expectWord("by", " after 'partition'");
  const column = nameRef(c, "the partition column");
  let subquery: A.PartitionOperator["subquery"];
  if (c.eatPunct("{")) {
    subquery = { kind: "query", expression: c.pipeline() };
    c.expectPunct("}", " to close the subquery of 'partition'");
  } else {
    c.expectPunct("(", " to start the subquery of 'partition'");
    subquery = { kind: "operators", operators: operatorList(c) };
    c.expectPunct(")", " to close the subquery of 'partition'");
  }
  return { kind: "partition", strategy, column, subquery, badOption, span: c.spanFrom(start) };
}

function fork(start: number, c: ParserCursor): A.ForkOperator {
  const legs: A.ForkLeg[] = [];
  for (;;) {
    const legStart = c.peek().span.start;
    let name: string | undefined;
    if (c.peek().kind === "ident" && c.isPunct("=", 1) && c.isPunct("(", 2)) {
      name = c.identifier();
      c.next();
    }
    if (!c.isPunct("(")) {
      if (legs.length === 0 || name) c.expectPunct("(", " to start a subquery of 'fork'");
      break;
    }
    c.next();
    const operators = operatorList(c);
    c.expectPunct(")", " to close a subquery of 'fork'");
    legs.push({ name, operators, span: c.spanFrom(legStart) });
  }
  return { kind: "fork", legs, span: c.spanFrom(start) };
}

/** Operators separated by `|`, the first without one: the body of `( ... )` subqueries. */
function operatorList(c: ParserCursor): A.Operator[] {
  const operators: A.Operator[] = [c.operator()];
  while (c.eatPunct("|")) operators.push(c.operator());
  return operators;
}

/** An option value outside `allowed`, for the engine to report (see `A.OptionProblem`). */
function problem(
  name: string,
  token: Token | undefined,
  allowed: readonly string[],
): A.OptionProblem | undefined {
  if (!token || allowed.includes(token.text)) return undefined;
  return { name, value: token.text, allowed, span: token.span };
}

function nameRef(c: ParserCursor, what: string): A.NameRef {
  const start = c.peek().span.start;
  const name = c.identifier(what);
  return { kind: "name", name, span: c.spanFrom(start) };
}

// ------------------------------------------------------------ parse-kv, scan

function parseKv(start: number, c: ParserCursor): A.ParseKvOperator {
  const source = c.expression();
  c.expectWord("as", " after the expression of 'parse-kv'");
  c.expectPunct("(", " to start the keys of 'parse-kv'");
  const keys: A.ColumnDeclaration[] = [];
  do {
    const name = c.identifier("a key name");
    c.expectPunct(":", ` after key ${name}`);
    keys.push({ name, type: c.typeName() });
  } while (c.eatPunct(","));
  c.expectPunct(")", " to close the keys of 'parse-kv'");
  const options: Array<{ name: string; value: A.Expression }> = [];
  if (c.eatWord("with")) {
    c.expectPunct("(", " after 'with'");
    do {
      const t = c.peek();
      if (!PARSE_KV_OPTIONS.includes(t.text) || t.kind !== "ident") {
        c.fail(`expected an option of 'parse-kv' (${PARSE_KV_OPTIONS.join(", ")})`, t);
      }
      const name = c.identifier();
      c.expectPunct("=", ` after '${name}'`);
      options.push({ name, value: c.expression() });
    } while (c.eatPunct(","));
    c.expectPunct(")", " to close the options of 'parse-kv'");
  }
  return { kind: "parse-kv", source, keys, options, span: c.spanFrom(start) };
}

const PARSE_KV_OPTIONS = ["pair_delimiter", "kv_delimiter", "quote", "escape", "greedy", "regex"];

function scan(start: number, c: ParserCursor): A.ScanOperator {
  const options = c.options(["with_match_id"]);
  const declarations: A.ScanDeclaration[] = [];
  if (c.eatWord("declare")) {
    c.expectPunct("(", " after 'declare'");
    do {
      const name = c.identifier("a column name");
      c.expectPunct(":", ` after column ${name}`);
      const type = c.typeName();
      const defaultValue = c.eatPunct("=") ? c.expression() : undefined;
      declarations.push({ name, type, defaultValue });
    } while (c.eatPunct(","));
    c.expectPunct(")", " to close the columns of 'declare'");
  }
  c.expectWord("with", " before the steps of 'scan'");
  c.expectPunct("(", " to start the steps of 'scan'");
  const steps: A.ScanStep[] = [];
  do {
    const stepStart = c.expectWord("step", " to start a step of 'scan'").span.start;
    const name = c.identifier("a step name");
    let output: A.ScanStep["output"] = "all";
    if (c.eatWord("output")) {
      c.expectPunct("=", " after 'output'");
      const t = c.next();
      if (t.text !== "all" && t.text !== "last" && t.text !== "none") {
        c.fail("output must be all, last or none", t);
      }
      output = t.text as A.ScanStep["output"];
    }
    c.expectPunct(":", ` after step ${name}`);
    const condition = c.expression();
    const assignments: Array<{ name: string; value: A.Expression }> = [];
    if (c.eatPunct("=>")) {
      do {
        const column = c.identifier("a declared column");
        c.expectPunct("=", ` after '${column}'`);
        assignments.push({ name: column, value: c.expression() });
      } while (c.eatPunct(","));
    }
    c.expectPunct(";", " to end the step");
    steps.push({ name, output, condition, assignments, span: c.spanFrom(stepStart) });
  } while (c.isWord("step"));
  c.expectPunct(")", " to close the steps of 'scan'");
  return {
    kind: "scan",
    matchId: options.with_match_id?.text,
    declarations,
    steps,
    span: c.spanFrom(start),
  };
}

// ------------------------------------------------------------ graphs

function makeGraph(start: number, c: ParserCursor): A.MakeGraphOperator {
  const source = nameRef(c, "the source column");
  c.expectPunct("-", " in the edge of 'make-graph' (-->)");
  c.expectPunct("-", " in the edge of 'make-graph' (-->)");
  const undirected = !c.eatPunct(">");
  const target = nameRef(c, "the target column");
  const nodes: Array<{ table: A.Expression; key: A.NameRef }> = [];
  let nodeId: string | undefined;
  if (c.eatWord("with")) {
    do {
      const table = c.postfix();
      c.expectWord("on", " after the node table");
      nodes.push({ table, key: nameRef(c, "the node key column") });
    } while (c.eatPunct(","));
  } else if (c.isWord("with_node_id")) {
    c.next();
    c.expectPunct("=", " after 'with_node_id'");
    nodeId = c.identifier("a column name");
  }
  return { kind: "make-graph", source, target, undirected, nodes, nodeId, span: c.spanFrom(start) };
}

function graphMatch(start: number, c: ParserCursor): A.GraphMatchOperator {
  const options = c.options(["cycles"]);
  const cycles = options.cycles?.text ?? "unique_edges";
  const badOption = problem("cycles", options.cycles, ["all", "none", "unique_edges"]);
  const patterns: A.GraphPatternElement[][] = [];
  do patterns.push(graphPattern(c)); while (c.eatPunct(","));
  const where = c.eatWord("where") ? c.expression() : undefined;
  const project = c.eatWord("project") ? c.namedList() : undefined;
  return {
    kind: "graph-match",
    cycles: badOption ? "unique_edges" : cycles as A.GraphMatchOperator["cycles"],
    badOption,
    patterns,
    where,
    project,
    span: c.spanFrom(start),
  };
}

// (a)-[e]->(b)<-[f*1..3]-(c)--(d)
function graphPattern(c: ParserCursor): A.GraphPatternElement[] {
  const elements: A.GraphPatternElement[] = [graphNode(c)];
  while (c.isPunct("-") || c.isPunct("<")) {
    const left = c.eatPunct("<");
    c.expectPunct("-", " in an edge of the pattern");
    let name: string | undefined;
    let hops: { min: number; max: number } | undefined;
    if (c.eatPunct("[")) {
      if (c.peek().kind === "ident") name = c.identifier();
      if (c.eatPunct("*")) {
        const min = Number(c.next().value ?? NaN);
        let max = min;
        if (c.eatPunct("..")) max = Number(c.next().value ?? NaN);
        if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
          c.fail("expected '*min..max' hop counts in the edge");
        }
        hops = { min, max };
      }
      c.expectPunct("]", " to close the edge");
    }
    c.expectPunct("-", " in an edge of the pattern");
    const right = c.eatPunct(">");
    if (left && right) c.fail("an edge points one way: <-[e]- or -[e]->");
    elements.push({ kind: "edge", name, direction: left ? "left" : right ? "right" : "any", hops });
    elements.push(graphNode(c));
  }
  return elements;
}

function graphNode(c: ParserCursor): A.GraphPatternElement {
  c.expectPunct("(", " to start a node of the pattern");
  const name = c.isPunct(")") ? undefined : c.identifier("a node name");
  c.expectPunct(")", " to close the node");
  return { kind: "node", name };
}

/** The operators {@link parseOperatorOf} reads (`search` also starts a query, as does `find`). */
export const PARSED_OPERATORS: readonly string[] = [
  "search",
  "top-nested",
  "top-hitters",
  "sample",
  "sample-distinct",
  "partition",
  "fork",
  "facet",
  "reduce",
  "parse-kv",
  "scan",
  "make-graph",
  "graph-match",
  "graph-shortest-paths",
  "graph-to-table",
  "graph-mark-components",
];

/**
 * `declare pattern Name [= (params) [[path: type]] { (args)[.[path]] = { query }; ... }]`:
 * the pattern's name and its mappings.
 */
export function parsePatternDeclaration(c: ParserCursor): A.PatternDeclaration {
  c.expectWord("declare");
  c.expectWord("pattern");
  const name = c.identifier("a pattern name");
  const cases: A.PatternCase[] = [];
  if (!c.eatPunct("=")) return { name, cases };
  const declarations = (close: string) => {
    do {
      const name = c.identifier("a parameter name");
      c.expectPunct(":", ` after parameter ${name}`);
      c.typeName();
    } while (c.eatPunct(","));
    c.expectPunct(close, " to close the parameters of the pattern");
  };
  c.expectPunct("(", " to start the parameters of the pattern");
  declarations(")");
  if (c.eatPunct("[")) declarations("]");
  c.expectPunct("{", " to start the body of the pattern");
  while (!c.isPunct("}")) {
    c.expectPunct("(", " to start the arguments of a pattern case");
    const args: A.Expression[] = [];
    do args.push(c.expression()); while (c.eatPunct(","));
    c.expectPunct(")", " to close the arguments of a pattern case");
    let path: A.Expression | undefined;
    if (c.eatPunct(".")) {
      c.expectPunct("[", " to start the path of a pattern case");
      path = c.expression();
      c.expectPunct("]", " to close the path of a pattern case");
    }
    c.expectPunct("=", " in a pattern case");
    c.expectPunct("{", " to start the query of a pattern case");
    const query = c.pipeline();
    c.expectPunct("}", " to close the query of a pattern case");
    c.expectPunct(";", " after a pattern case");
    cases.push({ args, path, query });
  }
  c.expectPunct("}", " to close the body of the pattern");
  return { name, cases };
}
