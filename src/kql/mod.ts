/**
 * The local KQL engine: runs Kusto Query Language over Polars frames, without a cluster.
 *
 * {@link runKql} parses a query, checks its names and types against the tables' schemas,
 * compiles it to a Polars lazy plan and runs it; {@link executeKql} does the same and also
 * returns the result's Kusto schema and the chart `render` asked for. Errors carry the
 * query, its line and column and a hint ({@link KqlSyntaxError}, {@link KqlSemanticError},
 * {@link KqlUnsupportedError}). {@link SUPPORTED_OPERATORS} and {@link SUPPORTED_FUNCTIONS}
 * say what the engine runs. Providers that read KQL without running it use the syntax
 * layer: {@link parseKql} (the syntax tree, whose node types are exported),
 * {@link tokenizeKql}, {@link externalRequests} and the literal readers and writers
 * ({@link readKqlDatetime}, {@link formatKqlTimespan}, ...).
 *
 * The engine is laid out by stage: `syntax/` (lexer, parser, syntax tree, literals),
 * `compile/` (scopes, expressions, the query and one file per operator family),
 * `runtime/` (values, regexes, text) and `functions/` (the scalar and aggregate functions).
 *
 * @example Count failed sign-ins per account over inline data
 * ```ts
 * import assert from "node:assert/strict";
 * import { runKql } from "./mod.ts";
 *
 * const frame = await runKql(`
 *   datatable(Account: string, EventID: int) ["alice", 4625, "alice", 4625, "bob", 4624]
 *   | where EventID == 4625
 *   | summarize Failures = count() by Account`);
 * assert.deepEqual(frame.toRecords(), [{ Account: "alice", Failures: 2 }]);
 * ```
 *
 * @example Read a query without running it
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseKql, readKqlTimespan } from "./mod.ts";
 *
 * const text = parseKql("SigninLogs | where TimeGenerated > ago(1d) | take 10");
 * const statement = text.statements[0];
 * assert.equal(statement.kind, "expression");
 * assert.equal(readKqlTimespan("1d"), 86_400_000_000n);
 * ```
 *
 * @module
 */
export {
  executeKql,
  executeOn,
  type ExecuteOptions,
  type KqlResult,
  type KqlTable,
  runKql,
  type RunKqlOptions,
  sourceTables,
} from "./run.ts";
export {
  caretLine,
  type KqlErrorOptions,
  KqlSemanticError,
  KqlSyntaxError,
  KqlUnsupportedError,
  lineColumn,
} from "./errors.ts";
export { SUPPORTED_FUNCTIONS, SUPPORTED_OPERATORS } from "./supported.ts";
export type { SourceTable } from "./compile/_context.ts";
export type { KqlLimits } from "./compile/_limits.ts";
export {
  type ExternalRequest,
  externalRequests,
  formatKqlDatetime,
  formatKqlTimespan,
  type KqlToken,
  type KqlTokenKind,
  parseKql,
  readKqlDatetime,
  readKqlTimespan,
  tablePatterns,
  type TableReference,
  tableReferences,
  tokenizeKql,
} from "./syntax.ts";
export type { CasefileError, CasefileErrorOptions } from "../errors.ts";
export type { DataFrame, LazyDataFrame } from "../polars.ts";
export type { ColumnSchema, KustoType, TableSchema } from "../schema/mod.ts";
export type { RenderSpec } from "../providers/provider.ts";
export type {
  AsOperator,
  BetweenExpression,
  Binary,
  Call,
  ColumnDeclaration,
  CountOperator,
  Datatable,
  DeclareStatement,
  DistinctOperator,
  EvaluateOperator,
  Expression,
  ExpressionStatement,
  ExtendOperator,
  FacetOperator,
  FindColumn,
  FindSource,
  ForkLeg,
  ForkOperator,
  FunctionDefinition,
  GetSchemaOperator,
  GraphMarkComponentsOperator,
  GraphMatchOperator,
  GraphPatternElement,
  GraphShortestPathsOperator,
  GraphTablePart,
  GraphToTableOperator,
  IndexExpression,
  InExpression,
  InvokeOperator,
  JoinCondition,
  JoinKind,
  JoinOperator,
  LetStatement,
  Literal,
  LookupOperator,
  MakeGraphOperator,
  MakeSeriesOperator,
  Member,
  MissingInput,
  MvApplyOperator,
  MvExpandItem,
  MvExpandOperator,
  NamedExpression,
  NameRef,
  Operator,
  OptionProblem,
  Parameter,
  Parenthesized,
  ParseKvOperator,
  ParseOperator,
  ParsePart,
  PartitionOperator,
  PatternCase,
  PatternDeclaration,
  Pipe,
  PrintSource,
  ProjectAwayOperator,
  ProjectOperator,
  ProjectRenameOperator,
  ProjectReorderOperator,
  QueryProblem,
  QueryText,
  RangeSource,
  ReduceOperator,
  RenderOperator,
  SampleDistinctOperator,
  SampleOperator,
  ScanDeclaration,
  ScanOperator,
  ScanStep,
  ScopedTable,
  SearchOperator,
  SearchSource,
  SerializeOperator,
  SetStatement,
  SortKey,
  SortOperator,
  Span,
  Star,
  Statement,
  SummarizeOperator,
  SyntaxNode,
  TablePlace,
  TableScope,
  TakeOperator,
  TopHittersOperator,
  TopNestedLevel,
  TopNestedOperator,
  TopOperator,
  Unary,
  UnionOperator,
  UnionOptions,
  UnionSource,
  UnsupportedOperator,
  WhereOperator,
} from "./syntax/ast.ts";
