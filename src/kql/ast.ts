/**
 * The KQL syntax tree: plain objects with a string `kind` and a source `span`. One union
 * of expression kinds and one of tabular operator kinds; the compiler dispatches on
 * `kind` exhaustively, so a new kind cannot be left unhandled.
 *
 * @module
 */
import type { KustoType } from "../schema/types.ts";

/** Where a node is in the query text: offsets, end exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

interface Node {
  readonly span: Span;
}

// ---------------------------------------------------------------- statements

/** A whole query: `let`/`set`/`declare` statements, then tabular expressions. */
export interface QueryText {
  readonly statements: readonly Statement[];
}

/** One statement of a query. */
export type Statement = LetStatement | SetStatement | DeclareStatement | ExpressionStatement;

/** `declare query_parameters(name: type [= default], ...)`. */
export interface DeclareStatement extends Node {
  readonly kind: "declare";
  readonly parameters: readonly Parameter[];
}

/** `let name = value;` (scalar, tabular or a function). */
export interface LetStatement extends Node {
  readonly kind: "let";
  readonly name: string;
  readonly value: Expression | FunctionDefinition;
}

/** `set option = value;` and `declare query_parameters(...)`: accepted, not acted on. */
export interface SetStatement extends Node {
  readonly kind: "set";
  readonly text: string;
}

/** A tabular (or scalar) expression whose result is a query's output. */
export interface ExpressionStatement extends Node {
  readonly kind: "expression";
  readonly expression: Expression;
}

/** `(a: long, T: (*)) { body }`: a user function or lambda. */
export interface FunctionDefinition extends Node {
  readonly kind: "function";
  readonly parameters: readonly Parameter[];
  /** `let`s inside the body, then the result expression. */
  readonly body: readonly Statement[];
}

/** A function parameter. `tabular` is set for `T: (*)` or `T: (a: long)`. */
export interface Parameter {
  readonly name: string;
  readonly type?: KustoType;
  readonly tabular?: readonly ColumnDeclaration[] | "*";
  readonly defaultValue?: Expression;
}

/** `name: type` in `datatable`, parameters and `externaldata`. */
export interface ColumnDeclaration {
  readonly name: string;
  readonly type: KustoType;
}

// ---------------------------------------------------------------- expressions

/** Every expression: scalar and tabular share one grammar in KQL. */
export type Expression =
  | Literal
  | NameRef
  | Star
  | Call
  | Binary
  | Unary
  | InExpression
  | BetweenExpression
  | Member
  | IndexExpression
  | Pipe
  | Datatable
  | PrintSource
  | RangeSource
  | UnionSource
  | Parenthesized;

/** A literal value of a Kusto type; `value` is null for typed nulls like `int(null)`. */
export interface Literal extends Node {
  readonly kind: "literal";
  readonly type: KustoType;
  /**
   * bool → boolean; int, long → bigint; real, decimal → number; string, guid → string;
   * datetime → bigint microseconds since the Unix epoch; timespan → bigint microseconds;
   * dynamic → the JSON value.
   */
  readonly value: unknown;
}

/** An identifier: a column, a `let` name, a table or a function without arguments. */
export interface NameRef extends Node {
  readonly kind: "name";
  readonly name: string;
}

/** `*` as an argument (`arg_max(T, *)`, `count(*)`) or in `project-away *`. */
export interface Star extends Node {
  readonly kind: "star";
}

/** `f(args)`: a scalar or aggregate function, a user function, or a tabular function. */
export interface Call extends Node {
  readonly kind: "call";
  readonly name: string;
  readonly args: readonly Expression[];
  /** `name = value` arguments (`kind=inner` style options are on operators instead). */
  readonly named?: Readonly<Record<string, Expression>>;
}

/** Binary operators, with the string operators as written in lower case (`!has`, `in~`...). */
export interface Binary extends Node {
  readonly kind: "binary";
  readonly op: string;
  readonly left: Expression;
  readonly right: Expression;
}

/** `-x`, `+x`. (`not(x)` is a function call.) */
export interface Unary extends Node {
  readonly kind: "unary";
  readonly op: "-" | "+";
  readonly operand: Expression;
}

/** `x in (a, b)`, `x !in~ (...)`, and `x in (T | project c)`. */
export interface InExpression extends Node {
  readonly kind: "in";
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
  readonly left: Expression;
  readonly values: readonly Expression[];
}

/** `x between (a .. b)` and `x !between (a .. b)`. */
export interface BetweenExpression extends Node {
  readonly kind: "between";
  readonly negated: boolean;
  readonly left: Expression;
  readonly low: Expression;
  readonly high: Expression;
}

/** `x.name`: a dynamic property (or `$left.Col` / `$right.Col` in join conditions). */
export interface Member extends Node {
  readonly kind: "member";
  readonly object: Expression;
  readonly name: string;
}

/** `x[index]`: dynamic element by position or key. */
export interface IndexExpression extends Node {
  readonly kind: "index";
  readonly object: Expression;
  readonly index: Expression;
}

/** `source | operator`. */
export interface Pipe extends Node {
  readonly kind: "pipe";
  readonly source: Expression;
  readonly operator: Operator;
}

/** `datatable(a: long, b: string) [1, "x", ...]`. */
export interface Datatable extends Node {
  readonly kind: "datatable";
  readonly columns: readonly ColumnDeclaration[];
  readonly values: readonly Expression[];
}

/** `print a = 1, 2`. */
export interface PrintSource extends Node {
  readonly kind: "print";
  readonly columns: readonly NamedExpression[];
}

/** `range x from a to b step s`. */
export interface RangeSource extends Node {
  readonly kind: "range";
  readonly column: string;
  readonly from: Expression;
  readonly to: Expression;
  readonly step: Expression;
}

/** `union T1, T2` at the start of a pipeline. */
export interface UnionSource extends Node {
  readonly kind: "union-source";
  readonly options: UnionOptions;
  readonly tables: readonly Expression[];
}

/** `( expression )`. Kept so that spans and precedence are faithful. */
export interface Parenthesized extends Node {
  readonly kind: "paren";
  readonly expression: Expression;
}

/** `name = expr`, `(a, b) = expr`, or a bare `expr` whose name is derived. */
export interface NamedExpression {
  readonly names?: readonly string[];
  readonly expression: Expression;
  readonly span: Span;
}

// ---------------------------------------------------------------- tabular operators

/** Every tabular operator that can follow a `|`. */
export type Operator =
  | WhereOperator
  | ProjectOperator
  | ProjectAwayOperator
  | ProjectRenameOperator
  | ProjectReorderOperator
  | ExtendOperator
  | SummarizeOperator
  | SortOperator
  | TopOperator
  | TakeOperator
  | DistinctOperator
  | CountOperator
  | JoinOperator
  | LookupOperator
  | UnionOperator
  | MvExpandOperator
  | MvApplyOperator
  | ParseOperator
  | AsOperator
  | SerializeOperator
  | MakeSeriesOperator
  | EvaluateOperator
  | InvokeOperator
  | RenderOperator
  | GetSchemaOperator
  | UnsupportedOperator;

/** `where predicate` (also `filter`). */
export interface WhereOperator extends Node {
  readonly kind: "where";
  readonly predicate: Expression;
}

/** `project a, b = expr`. */
export interface ProjectOperator extends Node {
  readonly kind: "project";
  readonly columns: readonly NamedExpression[];
}

/** `project-away` and `project-keep`, with wildcards. */
export interface ProjectAwayOperator extends Node {
  readonly kind: "project-away" | "project-keep";
  readonly patterns: readonly string[];
}

/** `project-rename new = old, ...`. */
export interface ProjectRenameOperator extends Node {
  readonly kind: "project-rename";
  readonly renames: ReadonlyArray<{ readonly to: string; readonly from: string }>;
}

/** `project-reorder a, b* asc`. */
export interface ProjectReorderOperator extends Node {
  readonly kind: "project-reorder";
  readonly patterns: ReadonlyArray<{ readonly pattern: string; readonly order?: "asc" | "desc" }>;
}

/** `extend a = expr, expr`. */
export interface ExtendOperator extends Node {
  readonly kind: "extend";
  readonly columns: readonly NamedExpression[];
}

/** `summarize aggregates by keys`. */
export interface SummarizeOperator extends Node {
  readonly kind: "summarize";
  readonly aggregates: readonly NamedExpression[];
  readonly by: readonly NamedExpression[];
}

/** One sort key: `expr [asc|desc] [nulls first|last]`. */
export interface SortKey {
  readonly expression: Expression;
  readonly descending: boolean;
  readonly nulls?: "first" | "last";
}

/** `sort by` / `order by`. */
export interface SortOperator extends Node {
  readonly kind: "sort";
  readonly keys: readonly SortKey[];
}

/** `top n by expr [asc|desc]`. */
export interface TopOperator extends Node {
  readonly kind: "top";
  readonly count: Expression;
  readonly keys: readonly SortKey[];
}

/** `take n` / `limit n`. */
export interface TakeOperator extends Node {
  readonly kind: "take";
  readonly count: Expression;
}

/** `distinct a, b` or `distinct *`. */
export interface DistinctOperator extends Node {
  readonly kind: "distinct";
  readonly columns: readonly Expression[];
}

/** `count`. */
export interface CountOperator extends Node {
  readonly kind: "count";
}

/** The kinds of `join`. */
export type JoinKind =
  | "innerunique"
  | "inner"
  | "leftouter"
  | "rightouter"
  | "fullouter"
  | "leftanti"
  | "rightanti"
  | "leftsemi"
  | "rightsemi";

/** One join condition: `Col` or `$left.A == $right.B`. */
export interface JoinCondition {
  readonly left: string;
  readonly right: string;
  readonly span: Span;
}

/** `join kind=... (right) on ...`. */
export interface JoinOperator extends Node {
  readonly kind: "join";
  readonly joinKind: JoinKind;
  readonly right: Expression;
  readonly on: readonly JoinCondition[];
}

/** `lookup kind=leftouter|inner (right) on ...`. */
export interface LookupOperator extends Node {
  readonly kind: "lookup";
  readonly lookupKind: "leftouter" | "inner";
  readonly right: Expression;
  readonly on: readonly JoinCondition[];
}

/** Options of `union`. */
export interface UnionOptions {
  readonly unionKind: "inner" | "outer";
  readonly withSource?: string;
  readonly isFuzzy?: boolean;
}

/** `| union T2, T3`. */
export interface UnionOperator extends Node {
  readonly kind: "union";
  readonly options: UnionOptions;
  readonly tables: readonly Expression[];
}

/** One expanded column of `mv-expand`: `name = expr to typeof(type)`. */
export interface MvExpandItem {
  readonly name?: string;
  readonly expression: Expression;
  readonly toType?: KustoType;
  readonly span: Span;
}

/** `mv-expand [bagexpansion=..] [with_itemindex=..] items [limit n]`. */
export interface MvExpandOperator extends Node {
  readonly kind: "mv-expand";
  readonly items: readonly MvExpandItem[];
  readonly bagExpansion: "bag" | "array";
  readonly itemIndex?: string;
  readonly limit?: Expression;
}

/** `mv-apply items on (subquery)`: the subquery's operators run per row's expansion. */
export interface MvApplyOperator extends Node {
  readonly kind: "mv-apply";
  readonly items: readonly MvExpandItem[];
  readonly itemIndex?: string;
  readonly limit?: Expression;
  /** The operators of the subquery, applied to the expanded rows of each input row. */
  readonly subquery: readonly Operator[];
}

/** A piece of a `parse` pattern: literal text, a column to capture, or `*`. */
export type ParsePart =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "column"; readonly name: string; readonly type: KustoType }
  | { readonly kind: "wildcard" };

/** `parse [kind=simple|regex|relaxed [flags=..]] expr with pattern` and `parse-where`. */
export interface ParseOperator extends Node {
  readonly kind: "parse";
  readonly filter: boolean;
  readonly parseKind: "simple" | "regex" | "relaxed";
  readonly flags?: string;
  readonly source: Expression;
  readonly parts: readonly ParsePart[];
}

/** `as name`. */
export interface AsOperator extends Node {
  readonly kind: "as";
  readonly name: string;
}

/** `serialize [extends]`. */
export interface SerializeOperator extends Node {
  readonly kind: "serialize";
  readonly columns: readonly NamedExpression[];
}

/** `make-series aggs default=v on time from a to b step s by keys`. */
export interface MakeSeriesOperator extends Node {
  readonly kind: "make-series";
  readonly aggregates: ReadonlyArray<NamedExpression & { readonly defaultValue?: Expression }>;
  readonly on: Expression;
  readonly from?: Expression;
  readonly to?: Expression;
  readonly step: Expression;
  readonly by: readonly NamedExpression[];
}

/** `evaluate plugin(args)`. */
export interface EvaluateOperator extends Node {
  readonly kind: "evaluate";
  readonly plugin: Call;
}

/** `invoke f(args)`: calls a tabular function with the pipeline as its first argument. */
export interface InvokeOperator extends Node {
  readonly kind: "invoke";
  readonly call: Call;
}

/** `render kind with (prop = value, ...)`. */
export interface RenderOperator extends Node {
  readonly kind: "render";
  readonly visualization: string;
  readonly properties: Readonly<Record<string, Expression>>;
}

/** `getschema`. */
export interface GetSchemaOperator extends Node {
  readonly kind: "getschema";
}

/** An operator the parser recognised but the engine does not run (`scan`, `fork`...). */
export interface UnsupportedOperator extends Node {
  readonly kind: "unsupported";
  readonly name: string;
}
