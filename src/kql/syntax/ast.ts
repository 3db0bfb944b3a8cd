/**
 * The KQL syntax tree: plain objects with a string `kind` and a source `span`. One union
 * of expression kinds and one of tabular operator kinds; the compiler dispatches on
 * `kind` exhaustively, so a new kind cannot be left unhandled.
 *
 * @module
 */
import type { KustoType } from "../../schema/types.ts";

/** Where a node is in the query text: offsets, end exclusive. */
export interface Span {
  /** Offset of the first character. */
  readonly start: number;
  /** Offset just after the last character. */
  readonly end: number;
}

/** What every node has: where it is in the query text. */
export interface SyntaxNode {
  /** Where the node is in the query text. */
  readonly span: Span;
}

// ---------------------------------------------------------------- statements

/** A whole query: `let`/`set`/`declare` statements, then tabular expressions. */
export interface QueryText {
  /** The statements, in order. */
  readonly statements: readonly Statement[];
  /**
   * What parses but cannot run, in text order (`join kind=sideways`, a `join` without
   * `on`): Kusto.Language reads these as valid syntax and reports them when it binds, so
   * casefile parses them too and fails with the first when the query is compiled.
   */
  readonly problems?: readonly QueryProblem[];
}

/** Something in a query that parses but cannot run (see `QueryText.problems`). */
export interface QueryProblem {
  /** What is wrong. */
  readonly message: string;
  /** Where. */
  readonly span: Span;
  /** What to do instead. */
  readonly hint?: string;
}

/** One statement of a query. */
export type Statement = LetStatement | SetStatement | DeclareStatement | ExpressionStatement;

/** `declare query_parameters(name: type [= default], ...)`. */
export interface DeclareStatement extends SyntaxNode {
  /** The node kind: `declare`. */
  readonly kind: "declare";
  /** The declared parameters, with their types and defaults. */
  readonly parameters: readonly Parameter[];
}

/** `let name = value;` (scalar, tabular or a function). */
export interface LetStatement extends SyntaxNode {
  /** The node kind: `let`. */
  readonly kind: "let";
  /** The name bound. */
  readonly name: string;
  /** What the name stands for: a value, a table or a function. */
  readonly value: Expression | FunctionDefinition;
}

/** `set option = value;` and `declare query_parameters(...)`: accepted, not acted on. */
export interface SetStatement extends SyntaxNode {
  /** The node kind: `set`. */
  readonly kind: "set";
  /** The statement as written. */
  readonly text: string;
  /** For `declare pattern`: the pattern it declares (the engine runs its invocations). */
  readonly pattern?: PatternDeclaration;
}

/**
 * `declare pattern Name [= (args) [[path]] { (values)[.[path]] = { query }; ... }]`: a
 * map from tuples of strings to tabular expressions, invoked as `Name("a").b`.
 */
export interface PatternDeclaration {
  /** The pattern's name. */
  readonly name: string;
  /** The mappings (none for a pattern declared empty). */
  readonly cases: readonly PatternCase[];
}

/** One mapping of a pattern: its argument values, its path value, its query. */
export interface PatternCase {
  /** The argument values, in order. */
  readonly args: readonly Expression[];
  /** The path value, when the pattern has a path. */
  readonly path?: Expression;
  /** The tabular expression the tuple stands for. */
  readonly query: Expression;
}

/** A tabular (or scalar) expression whose result is a query's output. */
export interface ExpressionStatement extends SyntaxNode {
  /** The node kind: `expression`. */
  readonly kind: "expression";
  /** The expression. */
  readonly expression: Expression;
}

/** `(a: long, T: (*)) { body }`: a user function or lambda. */
export interface FunctionDefinition extends SyntaxNode {
  /** The node kind: `function`. */
  readonly kind: "function";
  /** The parameters, in order. */
  readonly parameters: readonly Parameter[];
  /** `let`s inside the body, then the result expression. */
  readonly body: readonly Statement[];
  /** Written `let V = view () {...}`: a view, which `union V*` patterns include. */
  readonly view?: boolean;
}

/** A function parameter. `tabular` is set for `T: (*)` or `T: (a: long)`. */
export interface Parameter {
  /** The parameter's name. */
  readonly name: string;
  /** Its scalar type (absent for a tabular parameter). */
  readonly type?: KustoType;
  /** For a table parameter: its declared columns, or `*` for any. */
  readonly tabular?: readonly ColumnDeclaration[] | "*";
  /** The default value, for an optional parameter. */
  readonly defaultValue?: Expression;
}

/** `name: type` in `datatable`, parameters and `externaldata`. */
export interface ColumnDeclaration {
  /** The column's name. */
  readonly name: string;
  /** The column's Kusto type. */
  readonly type: KustoType;
}

// ---------------------------------------------------------------- expressions

/** Every expression: scalar and tabular share one grammar in KQL. */
export type Expression =
  | Literal
  | NameRef
  | ScopedTable
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
  | SearchSource
  | FindSource
  | MissingInput
  | Parenthesized;

/** A literal value of a Kusto type; `value` is null for typed nulls like `int(null)`. */
export interface Literal extends SyntaxNode {
  /** The node kind: `literal`. */
  readonly kind: "literal";
  /** The literal's Kusto type. */
  readonly type: KustoType;
  /**
   * bool → boolean; int, long → bigint; real, decimal → number; string, guid → string;
   * datetime → bigint microseconds since the Unix epoch; timespan → bigint microseconds;
   * dynamic → the JSON value.
   */
  readonly value: unknown;
  /** A dynamic literal's JSON text as Kusto writes it (an integral real keeps its `.0`). */
  readonly json?: string;
}

/** An identifier: a column, a `let` name, a table or a function without arguments. */
export interface NameRef extends SyntaxNode {
  /** The node kind: `name`. */
  readonly kind: "name";
  /** The identifier (without brackets or quotes). */
  readonly name: string;
}

/**
 * A table of another place: `workspace("emea").SigninLogs`, `app("x").requests`,
 * `resource("/subscriptions/...").T`, `database("d").T`, `cluster("c").database("d").T`.
 */
export interface ScopedTable extends SyntaxNode {
  /** The node kind: `scoped-table`. */
  readonly kind: "scoped-table";
  /** Where the table is, outermost first (a cluster before its database). */
  readonly scope: readonly TablePlace[];
  /** The table's name. */
  readonly table: string;
}

/** One step of a {@link ScopedTable}'s place: `workspace("emea")`, `cluster("c")`. */
export interface TablePlace {
  /** The function that names the place. */
  readonly kind: "cluster" | "database" | "workspace" | "app" | "resource";
  /** The name, id or resource id given to it. */
  readonly name: string;
}

/** `*` as an argument (`arg_max(T, *)`, `count(*)`) or in `project-away *`. */
export interface Star extends SyntaxNode {
  /** The node kind: `star`. */
  readonly kind: "star";
}

/** `f(args)`: a scalar or aggregate function, a user function, or a tabular function. */
export interface Call extends SyntaxNode {
  /** The node kind: `call`. */
  readonly kind: "call";
  /** The function's name. */
  readonly name: string;
  /** The positional arguments. */
  readonly args: readonly Expression[];
  /** `name = value` arguments (`kind=inner` style options are on operators instead). */
  readonly named?: Readonly<Record<string, Expression>>;
}

/** Binary operators, with the string operators as written in lower case (`!has`, `in~`...). */
export interface Binary extends SyntaxNode {
  /** The node kind: `binary`. */
  readonly kind: "binary";
  /** The operator as written, string operators in lower case. */
  readonly op: string;
  /** The left operand. */
  readonly left: Expression;
  /** The right operand. */
  readonly right: Expression;
}

/** `-x`, `+x`. (`not(x)` is a function call.) */
export interface Unary extends SyntaxNode {
  /** The node kind: `unary`. */
  readonly kind: "unary";
  /** The sign. */
  readonly op: "-" | "+";
  /** The operand. */
  readonly operand: Expression;
}

/** `x in (a, b)`, `x !in~ (...)`, and `x in (T | project c)`. */
export interface InExpression extends SyntaxNode {
  /** The node kind: `in`. */
  readonly kind: "in";
  /** Set for `!in` and `!in~`. */
  readonly negated: boolean;
  /** Set for `in~` and `!in~`. */
  readonly caseInsensitive: boolean;
  /** The value looked for. */
  readonly left: Expression;
  /** The list, or one tabular expression whose first column is the list. */
  readonly values: readonly Expression[];
}

/** `x between (a .. b)` and `x !between (a .. b)`. */
export interface BetweenExpression extends SyntaxNode {
  /** The node kind: `between`. */
  readonly kind: "between";
  /** Set for `!between`. */
  readonly negated: boolean;
  /** The value tested. */
  readonly left: Expression;
  /** The lower bound (inclusive). */
  readonly low: Expression;
  /** The upper bound (inclusive). */
  readonly high: Expression;
}

/** `x.name`: a dynamic property (or `$left.Col` / `$right.Col` in join conditions). */
export interface Member extends SyntaxNode {
  /** The node kind: `member`. */
  readonly kind: "member";
  /** The value whose property is read. */
  readonly object: Expression;
  /** The property's name. */
  readonly name: string;
}

/** `x[index]`: dynamic element by position or key. */
export interface IndexExpression extends SyntaxNode {
  /** The node kind: `index`. */
  readonly kind: "index";
  /** The value indexed. */
  readonly object: Expression;
  /** The position or key. */
  readonly index: Expression;
}

/** `source | operator`. */
export interface Pipe extends SyntaxNode {
  /** The node kind: `pipe`. */
  readonly kind: "pipe";
  /** The table the operator reads. */
  readonly source: Expression;
  /** The operator applied. */
  readonly operator: Operator;
}

/** `datatable(a: long, b: string) [1, "x", ...]`. */
export interface Datatable extends SyntaxNode {
  /** The node kind: `datatable`. */
  readonly kind: "datatable";
  /** The declared columns. */
  readonly columns: readonly ColumnDeclaration[];
  /** The values, row after row. */
  readonly values: readonly Expression[];
}

/** `print a = 1, 2`. */
export interface PrintSource extends SyntaxNode {
  /** The node kind: `print`. */
  readonly kind: "print";
  /** The printed expressions, one column each. */
  readonly columns: readonly NamedExpression[];
}

/** `range x from a to b step s`. */
export interface RangeSource extends SyntaxNode {
  /** The node kind: `range`. */
  readonly kind: "range";
  /** The name of the column made. */
  readonly column: string;
  /** The first value. */
  readonly from: Expression;
  /** The last value (inclusive). */
  readonly to: Expression;
  /** The step between values. */
  readonly step: Expression;
}

/** `union T1, T2` at the start of a pipeline. */
export interface UnionSource extends SyntaxNode {
  /** The node kind: `union-source`. */
  readonly kind: "union-source";
  /** `kind`, `withsource` and `isfuzzy`. */
  readonly options: UnionOptions;
  /** The tables, in order. */
  readonly tables: readonly Expression[];
}

/**
 * The absent input of a query that starts with an operator (`where x > 1`, `project a`):
 * valid syntax, as Kusto.Language reads it, and an error when the query runs.
 */
export interface MissingInput extends SyntaxNode {
  /** The node kind: `missing-input`. */
  readonly kind: "missing-input";
  /** The operator that has no input (`where`). */
  readonly operator: string;
}

/** `( expression )`. Kept so that spans and precedence are faithful. */
export interface Parenthesized extends SyntaxNode {
  /** The node kind: `paren`. */
  readonly kind: "paren";
  /** The expression inside. */
  readonly expression: Expression;
  /**
   * The result name an aggregate's argument is given by `Name = expr`
   * (`arg_max(t, Name = x)`); absent for parentheses as written.
   */
  readonly name?: string;
}

/** `name = expr`, `(a, b) = expr`, or a bare `expr` whose name is derived. */
export interface NamedExpression {
  /** The names given, if any (several for a function with several outputs). */
  readonly names?: readonly string[];
  /** The expression. */
  readonly expression: Expression;
  /** Where the item is in the query text. */
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
  | SearchOperator
  | TopNestedOperator
  | TopHittersOperator
  | SampleOperator
  | SampleDistinctOperator
  | PartitionOperator
  | ForkOperator
  | FacetOperator
  | ReduceOperator
  | ParseKvOperator
  | ScanOperator
  | MakeGraphOperator
  | GraphMatchOperator
  | GraphShortestPathsOperator
  | GraphToTableOperator
  | GraphMarkComponentsOperator
  | UnsupportedOperator;

/** `where predicate` (also `filter`). */
export interface WhereOperator extends SyntaxNode {
  /** The node kind: `where`. */
  readonly kind: "where";
  /** The condition rows must meet. */
  readonly predicate: Expression;
}

/** `project a, b = expr`. */
export interface ProjectOperator extends SyntaxNode {
  /** The node kind: `project`. */
  readonly kind: "project";
  /** The output columns. */
  readonly columns: readonly NamedExpression[];
}

/** `project-away` and `project-keep`, with wildcards. */
export interface ProjectAwayOperator extends SyntaxNode {
  /** The node kind: `project-away` or `project-keep`. */
  readonly kind: "project-away" | "project-keep";
  /** Column names, with `*` wildcards. */
  readonly patterns: readonly string[];
}

/** `project-rename new = old, ...`. */
export interface ProjectRenameOperator extends SyntaxNode {
  /** The node kind: `project-rename`. */
  readonly kind: "project-rename";
  /** The renames: `to` is the new name, `from` the old. */
  readonly renames: ReadonlyArray<{ readonly to: string; readonly from: string }>;
}

/** `project-reorder a, b* asc`. */
export interface ProjectReorderOperator extends SyntaxNode {
  /** The node kind: `project-reorder`. */
  readonly kind: "project-reorder";
  /** Column name patterns in their new order, optionally sorted by name. */
  readonly patterns: ReadonlyArray<{ readonly pattern: string; readonly order?: "asc" | "desc" }>;
}

/** `extend a = expr, expr`. */
export interface ExtendOperator extends SyntaxNode {
  /** The node kind: `extend`. */
  readonly kind: "extend";
  /** The columns added or replaced. */
  readonly columns: readonly NamedExpression[];
}

/** `summarize aggregates by keys`. */
export interface SummarizeOperator extends SyntaxNode {
  /** The node kind: `summarize`. */
  readonly kind: "summarize";
  /** The aggregations. */
  readonly aggregates: readonly NamedExpression[];
  /** The grouping keys. */
  readonly by: readonly NamedExpression[];
}

/** One sort key: `expr [asc|desc] [nulls first|last]`. */
export interface SortKey {
  /** The value sorted by. */
  readonly expression: Expression;
  /** Whether the order is descending (Kusto's default). */
  readonly descending: boolean;
  /** Where nulls go, when written. */
  readonly nulls?: "first" | "last";
}

/** `sort by` / `order by`. */
export interface SortOperator extends SyntaxNode {
  /** The node kind: `sort`. */
  readonly kind: "sort";
  /** The sort keys, most significant first. */
  readonly keys: readonly SortKey[];
}

/** `top n by expr [asc|desc]`. */
export interface TopOperator extends SyntaxNode {
  /** The node kind: `top`. */
  readonly kind: "top";
  /** How many rows to keep. */
  readonly count: Expression;
  /** The sort keys. */
  readonly keys: readonly SortKey[];
}

/** `take n` / `limit n`. */
export interface TakeOperator extends SyntaxNode {
  /** The node kind: `take`. */
  readonly kind: "take";
  /** How many rows to keep. */
  readonly count: Expression;
}

/** `distinct a, b`, `distinct Url = RemoteUrl` or `distinct *`. */
export interface DistinctOperator extends SyntaxNode {
  /** The node kind: `distinct`. */
  readonly kind: "distinct";
  /** The columns (named or not), or one `*`. */
  readonly columns: readonly NamedExpression[];
}

/** `count`. */
export interface CountOperator extends SyntaxNode {
  /** The node kind: `count`. */
  readonly kind: "count";
  /** The result column's name (`count as N`); `Count` when absent. */
  readonly name?: string;
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
  /** The column of the left (piped) table. */
  readonly left: string;
  /** The column of the right table. */
  readonly right: string;
  /** Where the condition is in the query text. */
  readonly span: Span;
}

/** `join kind=... (right) on ...`. */
export interface JoinOperator extends SyntaxNode {
  /** The node kind: `join`. */
  readonly kind: "join";
  /** The kind of join (`innerunique` by default). */
  readonly joinKind: JoinKind;
  /** The right table. */
  readonly right: Expression;
  /** The equality conditions (none when the join matches rows by `where`). */
  readonly on: readonly JoinCondition[];
  /**
   * `join ... where Predicate` (Kusto.Language's JoinWhereClause): rows match when the
   * predicate over both sides' columns holds, instead of `on` equalities.
   */
  readonly where?: Expression;
}

/** `lookup kind=leftouter|inner (right) on ...`. */
export interface LookupOperator extends SyntaxNode {
  /** The node kind: `lookup`. */
  readonly kind: "lookup";
  /** The kind of lookup (`leftouter` by default). */
  readonly lookupKind: "leftouter" | "inner";
  /** The dimension table looked up. */
  readonly right: Expression;
  /** The equality conditions. */
  readonly on: readonly JoinCondition[];
}

/** Options of `union`. */
export interface UnionOptions {
  /** `outer` keeps every column, `inner` only the columns all tables have. */
  readonly unionKind: "inner" | "outer";
  /** The name of a column saying which table each row came from. */
  readonly withSource?: string;
  /** Whether tables that do not exist are left out instead of failing. */
  readonly isFuzzy?: boolean;
}

/** `| union T2, T3`. */
export interface UnionOperator extends SyntaxNode {
  /** The node kind: `union`. */
  readonly kind: "union";
  /** `kind`, `withsource` and `isfuzzy`. */
  readonly options: UnionOptions;
  /** The tables added to the piped one. */
  readonly tables: readonly Expression[];
}

/** One expanded column of `mv-expand`: `name = expr to typeof(type)`. */
export interface MvExpandItem {
  /** The output column's name, when given. */
  readonly name?: string;
  /** The array or property bag expanded. */
  readonly expression: Expression;
  /** The type the elements are converted to, when given. */
  readonly toType?: KustoType;
  /** Where the item is in the query text. */
  readonly span: Span;
}

/** `mv-expand [bagexpansion=..] [with_itemindex=..] items [limit n]`. */
export interface MvExpandOperator extends SyntaxNode {
  /** The node kind: `mv-expand`. */
  readonly kind: "mv-expand";
  /** The columns expanded together. */
  readonly items: readonly MvExpandItem[];
  /** How a property bag expands: one bag (`bag`) or one `[key, value]` array per property. */
  readonly bagExpansion: "bag" | "array";
  /** The name of a column holding each element's index. */
  readonly itemIndex?: string;
  /** The most rows made from one input row. */
  readonly limit?: Expression;
}

/** `mv-apply items on (subquery)`: the subquery's operators run per row's expansion. */
export interface MvApplyOperator extends SyntaxNode {
  /** The node kind: `mv-apply`. */
  readonly kind: "mv-apply";
  /** The columns expanded together. */
  readonly items: readonly MvExpandItem[];
  /** The name of a column holding each element's index. */
  readonly itemIndex?: string;
  /** The most rows made from one input row. */
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
export interface ParseOperator extends SyntaxNode {
  /** The node kind: `parse`. */
  readonly kind: "parse";
  /** Set for `parse-where`: rows that do not match are dropped. */
  readonly filter: boolean;
  /** How the pattern is matched. */
  readonly parseKind: "simple" | "regex" | "relaxed";
  /** Regex flags (`kind=regex flags=Ui`). */
  readonly flags?: string;
  /** The text parsed. */
  readonly source: Expression;
  /** The pattern's pieces, in order. */
  readonly parts: readonly ParsePart[];
}

/** `as name`. */
export interface AsOperator extends SyntaxNode {
  /** The node kind: `as`. */
  readonly kind: "as";
  /** The name the table gets. */
  readonly name: string;
}

/** `serialize [extends]`. */
export interface SerializeOperator extends SyntaxNode {
  /** The node kind: `serialize`. */
  readonly kind: "serialize";
  /** Columns added, as with `extend`. */
  readonly columns: readonly NamedExpression[];
}

/** `make-series aggs default=v on time from a to b step s by keys`. */
export interface MakeSeriesOperator extends SyntaxNode {
  /** The node kind: `make-series`. */
  readonly kind: "make-series";
  /** The aggregations, each with its default for empty bins. */
  readonly aggregates: ReadonlyArray<NamedExpression & { readonly defaultValue?: Expression }>;
  /** The axis column. */
  readonly on: Expression;
  /** The first bin, when given. */
  readonly from?: Expression;
  /** The end of the range, when given. */
  readonly to?: Expression;
  /** The bin size. */
  readonly step: Expression;
  /** The grouping keys: one series per group. */
  readonly by: readonly NamedExpression[];
}

/** `evaluate plugin(args)`. */
export interface EvaluateOperator extends SyntaxNode {
  /** The node kind: `evaluate`. */
  readonly kind: "evaluate";
  /** The plugin call. */
  readonly plugin: Call;
  /** `: (*, Name: type, ...)` after the call: the output's columns (`*`: the source's). */
  readonly outputSchema?: {
    readonly star: boolean;
    readonly columns: readonly ColumnDeclaration[];
  };
}

/** `invoke f(args)`: calls a tabular function with the pipeline as its first argument. */
export interface InvokeOperator extends SyntaxNode {
  /** The node kind: `invoke`. */
  readonly kind: "invoke";
  /** The function call, without the piped table. */
  readonly call: Call;
}

/** `render kind with (prop = value, ...)`. */
export interface RenderOperator extends SyntaxNode {
  /** The node kind: `render`. */
  readonly kind: "render";
  /** The chart kind (`timechart`, `barchart`, ...). */
  readonly visualization: string;
  /** The `with (...)` properties. */
  readonly properties: Readonly<Record<string, Expression>>;
}

/** `getschema`. */
export interface GetSchemaOperator extends SyntaxNode {
  /** The node kind: `getschema`. */
  readonly kind: "getschema";
}

/** An operator the parser recognised but the engine does not run (`scan`, `fork`...). */
export interface UnsupportedOperator extends SyntaxNode {
  /** The node kind: `unsupported`. */
  readonly kind: "unsupported";
  /** The operator's name. */
  readonly name: string;
}

// ---------------------------------------------------------------- search and find

/**
 * An option value the grammar lets through but the operator does not know (Kusto's
 * grammar reads any word after `kind=`): the engine reports it, with where it is.
 */
export interface OptionProblem {
  /** The option (`kind`, `hint.strategy`, `output`, ...). */
  readonly name: string;
  /** The value written. */
  readonly value: string;
  /** The values the operator knows. */
  readonly allowed: readonly string[];
  /** Where the value is in the query text. */
  readonly span: Span;
}

/**
 * The tables `search` and `find` read, written `in (T1, T2, A*)`: table names (a name
 * with `*` wildcards stands for every table it matches) or parenthesized tabular
 * expressions. Absent when every table of the database is searched.
 */
export type TableScope = readonly Expression[];

/**
 * `search [kind=case_sensitive] [in (T1, A*)] predicate` at the start of a query. The
 * predicate has search's own terms: a bare string is `* has "term"` (with `*` wildcards
 * inside it: `"err*"` is `hasprefix`), `Column:"term"` is a binary `:` node, a lone `*`
 * matches every row.
 */
export interface SearchSource extends SyntaxNode {
  /** An option value the operator does not know, reported when it runs. */
  readonly badOption?: OptionProblem;
  /** The node kind: `search-source`. */
  readonly kind: "search-source";
  /** Whether string operators compare case-sensitively (`kind=case_sensitive`). */
  readonly caseSensitive: boolean;
  /** The tables searched; absent for every table. */
  readonly tables?: TableScope;
  /** Which rows to return. */
  readonly predicate: Expression;
}

/** `T | search [kind=case_sensitive] predicate`: search over the piped table. */
export interface SearchOperator extends SyntaxNode {
  /** An option value the operator does not know, reported when it runs. */
  readonly badOption?: OptionProblem;
  /** The node kind: `search`. */
  readonly kind: "search";
  /** Whether string operators compare case-sensitively (`kind=case_sensitive`). */
  readonly caseSensitive: boolean;
  /** Which rows to return (see {@link SearchSource}). */
  readonly predicate: Expression;
}

/** One column of `find ... project Col[:type]`. */
export interface FindColumn {
  /** The column's name. */
  readonly name: string;
  /** The type it is converted to, when given. */
  readonly type?: KustoType;
}

/** `find [withsource=C] [in (T1, A*)] [where] predicate [project-smart | project ...]`. */
export interface FindSource extends SyntaxNode {
  /** The node kind: `find`. */
  readonly kind: "find";
  /** The name of the column naming each row's table (`source_` by default). */
  readonly withSource?: string;
  /** The tables searched; absent for every table. */
  readonly tables?: TableScope;
  /** Which rows to return (search's terms are allowed, see {@link SearchSource}). */
  readonly predicate: Expression;
  /** `project` columns; absent for `project-smart` (the default). */
  readonly project?: readonly FindColumn[];
  /** Set for `project ..., pack_all()`: the other columns packed into a bag. */
  readonly packAll?: boolean;
}

// ---------------------------------------------------------------- top-nested, top-hitters, sample

/** One level of `top-nested [N] of Expr [with others = V] by Aggregate [asc|desc]`. */
export interface TopNestedLevel {
  /** How many values to keep at this level; absent for all of them. */
  readonly count?: Expression;
  /** The value grouped by, with its name when given (`Name = Expr`). */
  readonly value: NamedExpression;
  /** The value of the row that sums up the values left out (`with others = V`). */
  readonly others?: Expression;
  /** The aggregation that ranks the values, with its name when given. */
  readonly aggregate: NamedExpression;
  /** Whether the highest aggregates are kept (the default) or the lowest (`asc`). */
  readonly descending: boolean;
  /** Where the level is in the query text. */
  readonly span: Span;
}

/** `top-nested ... , top-nested ...`: hierarchical top values. */
export interface TopNestedOperator extends SyntaxNode {
  /** The node kind: `top-nested`. */
  readonly kind: "top-nested";
  /** The levels, outermost first. */
  readonly levels: readonly TopNestedLevel[];
}

/** `top-hitters N of Expr [by SumExpr]`. */
export interface TopHittersOperator extends SyntaxNode {
  /** The node kind: `top-hitters`. */
  readonly kind: "top-hitters";
  /** How many values to return. */
  readonly count: Expression;
  /** The value counted. */
  readonly value: NamedExpression;
  /** The value summed per value instead of counting rows. */
  readonly by?: Expression;
}

/** `sample N`: N rows chosen at random. */
export interface SampleOperator extends SyntaxNode {
  /** The node kind: `sample`. */
  readonly kind: "sample";
  /** How many rows to return. */
  readonly count: Expression;
}

/** `sample-distinct N of Column`: up to N distinct values chosen at random. */
export interface SampleDistinctOperator extends SyntaxNode {
  /** The node kind: `sample-distinct`. */
  readonly kind: "sample-distinct";
  /** How many values to return. */
  readonly count: Expression;
  /** The column (or expression) whose values are sampled. */
  readonly value: NamedExpression;
}

// ---------------------------------------------------------------- partition, fork, facet

/** `partition [hint.strategy=...] by Column ( operators )` or `{ query }`. */
export interface PartitionOperator extends SyntaxNode {
  /** An option value the operator does not know, reported when it runs. */
  readonly badOption?: OptionProblem;
  /** The node kind: `partition`. */
  readonly kind: "partition";
  /** `hint.strategy`: `native`, `shuffle` or `legacy` (the default); results do not differ. */
  readonly strategy?: string;
  /** The column whose values make the partitions. */
  readonly column: NameRef;
  /**
   * The subquery: operators applied to each partition (`( ... )`), or a query with its own
   * source (`{ ... }`) in which the column's name is the partition's value.
   */
  readonly subquery:
    | { readonly kind: "operators"; readonly operators: readonly Operator[] }
    | { readonly kind: "query"; readonly expression: Expression };
}

/** One leg of `fork`: `[name =] ( operators )`. */
export interface ForkLeg {
  /** The name of the leg's result, when given. */
  readonly name?: string;
  /** The operators applied to the piped table. */
  readonly operators: readonly Operator[];
  /** Where the leg is in the query text. */
  readonly span: Span;
}

/** `fork (ops) (ops) ...`: several result tables from one input, one per leg. */
export interface ForkOperator extends SyntaxNode {
  /** The node kind: `fork`. */
  readonly kind: "fork";
  /** The legs, in order. */
  readonly legs: readonly ForkLeg[];
}

/** `facet by a, b [with (ops)]`: the `with` table, then value counts per column. */
export interface FacetOperator extends SyntaxNode {
  /** The node kind: `facet`. */
  readonly kind: "facet";
  /** The columns counted, one result each. */
  readonly columns: readonly NameRef[];
  /** The operators of the `with (...)` result, which comes first. */
  readonly with?: readonly Operator[];
}

// ---------------------------------------------------------------- reduce, parse-kv, scan

/** `reduce [kind=source] by Expr [with threshold=T, characters=C]`. */
export interface ReduceOperator extends SyntaxNode {
  /** An option value the operator does not know, reported when it runs. */
  readonly badOption?: OptionProblem;
  /** The node kind: `reduce`. */
  readonly kind: "reduce";
  /** Set for `kind=source`: rows are kept and given a `Pattern` column. */
  readonly keepSource: boolean;
  /** The text grouped. */
  readonly value: Expression;
  /** The `with` options (`threshold`, `characters`), as written. */
  readonly options: Readonly<Record<string, Expression>>;
}

/** `parse-kv Expr as (Key: type, ...) [with (option = value, ...)]`. */
export interface ParseKvOperator extends SyntaxNode {
  /** The node kind: `parse-kv`. */
  readonly kind: "parse-kv";
  /** The text parsed. */
  readonly source: Expression;
  /** The keys extracted, each a new column of its type. */
  readonly keys: readonly ColumnDeclaration[];
  /** The options in order (`quote` and `escape` may repeat). */
  readonly options: ReadonlyArray<{ readonly name: string; readonly value: Expression }>;
}

/** A column `scan` declares: `name: type [= default]`. */
export interface ScanDeclaration {
  /** The column's name. */
  readonly name: string;
  /** The column's type. */
  readonly type: KustoType;
  /** Its value until a step assigns one (null when absent). */
  readonly defaultValue?: Expression;
}

/** One step of `scan`: `step name [output=all|last|none]: condition [=> col = expr, ...];`. */
export interface ScanStep {
  /** The step's name, used as `name.Column` for the values of its match. */
  readonly name: string;
  /** Which matches of the step are output. */
  readonly output: "all" | "last" | "none";
  /** When a row matches the step. */
  readonly condition: Expression;
  /** The declared columns the step sets. */
  readonly assignments: ReadonlyArray<{ readonly name: string; readonly value: Expression }>;
  /** Where the step is in the query text. */
  readonly span: Span;
}

/** `scan [with_match_id=Id] [declare (...)] with (steps)`. */
export interface ScanOperator extends SyntaxNode {
  /** The node kind: `scan`. */
  readonly kind: "scan";
  /** The name of a column holding each output row's match number. */
  readonly matchId?: string;
  /** The columns the steps set. */
  readonly declarations: readonly ScanDeclaration[];
  /** The steps, in order. */
  readonly steps: readonly ScanStep[];
}

// ---------------------------------------------------------------- graphs

/** `make-graph Source --> Target [with Nodes on Key | with_node_id=Name]`. */
export interface MakeGraphOperator extends SyntaxNode {
  /** The node kind: `make-graph`. */
  readonly kind: "make-graph";
  /** The column of an edge's source node. */
  readonly source: NameRef;
  /** The column of an edge's target node. */
  readonly target: NameRef;
  /** Whether the edges go both ways (`--`). */
  readonly undirected: boolean;
  /** Node tables and their key columns (`with T1 on K1, T2 on K2`). */
  readonly nodes: ReadonlyArray<{ readonly table: Expression; readonly key: NameRef }>;
  /** With no node tables: the name of the node column (`with_node_id=`, default `NodeId`). */
  readonly nodeId?: string;
}

/** One element of a graph pattern: a node `(n)` or an edge `-[e]->`. */
export type GraphPatternElement =
  | { readonly kind: "node"; readonly name?: string }
  | {
    readonly kind: "edge";
    readonly name?: string;
    readonly direction: "right" | "left" | "any";
    /** `*min..max` variable length; absent for exactly one hop. */
    readonly hops?: { readonly min: number; readonly max: number };
  };

/** `graph-match [cycles=all|none|unique_edges] pattern [where predicate] [project ...]`. */
export interface GraphMatchOperator extends SyntaxNode {
  /** An option value the operator does not know, reported when it runs. */
  readonly badOption?: OptionProblem;
  /** The node kind: `graph-match`. */
  readonly kind: "graph-match";
  /** Which repeats a match may have: any, no repeated node, or no repeated edge (default). */
  readonly cycles: "all" | "none" | "unique_edges";
  /** The pattern's paths (comma-separated in the query). */
  readonly patterns: ReadonlyArray<readonly GraphPatternElement[]>;
  /** The condition on the named nodes and edges. */
  readonly where?: Expression;
  /** The output columns; absent for every named element. */
  readonly project?: readonly NamedExpression[];
}

/** `graph-shortest-paths [output=any|all] pattern [where predicate] [project ...]`. */
export interface GraphShortestPathsOperator extends SyntaxNode {
  /** An option value the operator does not know, reported when it runs. */
  readonly badOption?: OptionProblem;
  /** The node kind: `graph-shortest-paths`. */
  readonly kind: "graph-shortest-paths";
  /** Whether every shortest path between two end nodes is returned, or one (`any`). */
  readonly all: boolean;
  /** The pattern's paths. */
  readonly patterns: ReadonlyArray<readonly GraphPatternElement[]>;
  /** The condition on the named nodes and edges. */
  readonly where?: Expression;
  /** The output columns; absent for every named element. */
  readonly project?: readonly NamedExpression[];
}

/** One table of `graph-to-table`: its nodes or its edges, with their options. */
export interface GraphTablePart {
  /** Which table. */
  readonly what: "nodes" | "edges";
  /** The name the table gets for later statements (`as N`). */
  readonly name?: string;
  /** For nodes: a column of each node's hash id. */
  readonly nodeId?: string;
  /** For edges: a column of the source node's hash id. */
  readonly sourceId?: string;
  /** For edges: a column of the target node's hash id. */
  readonly targetId?: string;
}

/** `graph-to-table nodes [...], edges [...]`: a graph's nodes or edges as tables. */
export interface GraphToTableOperator extends SyntaxNode {
  /** The node kind: `graph-to-table`. */
  readonly kind: "graph-to-table";
  /** The tables made; the first is the result. */
  readonly parts: readonly GraphTablePart[];
}

/** `graph-mark-components [kind=weak|strong] [with_component_id=Name]`. */
export interface GraphMarkComponentsOperator extends SyntaxNode {
  /** An option value the operator does not know, reported when it runs. */
  readonly badOption?: OptionProblem;
  /** The node kind: `graph-mark-components`. */
  readonly kind: "graph-mark-components";
  /** Whether components follow edge directions (`strong`) or not (`weak`, the default). */
  readonly strong: boolean;
  /** The node property that gets the component number (`ComponentId` by default). */
  readonly componentId: string;
}
