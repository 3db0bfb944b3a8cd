/**
 * Applies one tabular operator: dispatches on the operator's `kind`, exhaustively, to its
 * family in `operators/`.
 *
 * @module
 */
import { checkInterrupt } from "../../interrupt.ts";
import { pl } from "../../polars.ts";
import type * as A from "../syntax/ast.ts";
import type { Context, Relation, Scope } from "./_context.ts";
import { exposeRowCarrier, hideRowCarrier } from "./_row_carrier.ts";
import {
  getschema,
  project,
  projectAway,
  projectRename,
  projectReorder,
} from "./operators/_columns.ts";
import { distinct, rowCount, sort, where } from "./operators/_rows.ts";
import { render } from "./operators/_render.ts";
import { summarize } from "./operators/_summarize.ts";
import { join, lookup } from "./operators/_join.ts";
import { unionOperator } from "./operators/_union.ts";
import { mvApply, mvExpand } from "./operators/_mv_expand.ts";
import { parseOperator } from "./operators/_parse_operator.ts";
import { makeSeries } from "./operators/_make_series.ts";
import { evaluate } from "./operators/_evaluate_plugins.ts";
import { invoke } from "./operators/_invoke.ts";
import { searchOperator } from "./operators/_search.ts";
import { topHitters, topNested } from "./operators/_top_nested.ts";
import { sample, sampleDistinct } from "./operators/_sample.ts";
import { facet, fork, keepResultTables, partition } from "./operators/_partition.ts";
import { reduce } from "./operators/_reduce.ts";
import { parseKv } from "./operators/_parse_kv.ts";
import { scan } from "./operators/_scan.ts";
import {
  graphMarkComponents,
  graphMatch,
  graphOf,
  graphShortestPaths,
  graphToTable,
  makeGraph,
  notATable,
} from "./operators/_graph.ts";

/** The error of an option value an operator does not know (see `A.OptionProblem`). */
export function badOptionError(operator: string, bad: A.OptionProblem, ctx: Context): Error {
  return ctx.error(
    `${operator} ${bad.name} must be ${oneOf(bad.allowed)}, not '${bad.value}'`,
    bad.span,
  );
}

function oneOf(values: readonly string[]): string {
  return values.length === 1 ? values[0] : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}

/** The operators that read the graph `make-graph` makes. */
const GRAPH_OPERATORS: ReadonlySet<string> = new Set([
  "graph-match",
  "graph-shortest-paths",
  "graph-to-table",
  "graph-mark-components",
]);

/** Applies one operator to a relation. */
export function applyOperator(
  input: Relation,
  op: A.Operator,
  scope: Scope,
  ctx: Context,
): Relation {
  // Operators may hold the main thread for long: Ctrl-C (from another thread) is seen here.
  checkInterrupt();
  if (graphOf(input) && !GRAPH_OPERATORS.has(op.kind)) throw notATable(op, ctx);
  const bad = "badOption" in op ? op.badOption : undefined;
  if (bad) throw badOptionError(op.kind, bad, ctx);
  // A table without columns keeps its rows in a hidden column (`_row_carrier.ts`): every
  // operator sees it as a column, so none drops it, and no result shows it. `getschema`
  // describes the visible columns; `as` names the table as it is; `evaluate`'s plugins
  // (narrow, basket, autocluster...) read the visible columns as data.
  if (op.kind === "getschema" || op.kind === "as" || op.kind === "evaluate") {
    return dispatch(input, op, scope, ctx);
  }
  return hideRowCarrier(dispatch(exposeRowCarrier(input), op, scope, ctx));
}

function dispatch(input: Relation, op: A.Operator, scope: Scope, ctx: Context): Relation {
  switch (op.kind) {
    case "where":
      return where(input, op, scope, ctx);
    case "project":
      return project(input, op.columns, scope, ctx, false);
    case "extend":
      return project(input, op.columns, scope, ctx, true);
    case "project-away":
    case "project-keep":
      return projectAway(input, op, ctx);
    case "project-rename":
      return projectRename(input, op, ctx);
    case "project-reorder":
      return projectReorder(input, op, ctx);
    case "summarize":
      return summarize(input, op, scope, ctx);
    case "sort":
      return sort(input, op.keys, scope, ctx);
    case "top": {
      const sorted = sort(input, op.keys, scope, ctx);
      return { ...sorted, frame: sorted.frame.head(rowCount(op.count, scope, ctx)) };
    }
    case "take":
      return { ...input, frame: input.frame.head(rowCount(op.count, scope, ctx)) };
    case "distinct":
      return distinct(input, op, scope, ctx);
    case "count": {
      const name = op.name ?? "Count";
      // Cast apart: Polars merges `select(len().cast(Int64))` over the same select into
      // one, so `count | count` counted the first input's rows.
      return {
        frame: input.frame.select(pl.len().alias(name)).withColumns(pl.col(name).cast(pl.Int64)),
        columns: [{ name, type: "long" }],
      };
    }
    case "join":
      return join(input, op, scope, ctx);
    case "lookup":
      return lookup(input, op, scope, ctx);
    case "union":
      return unionOperator(input, op, scope, ctx);
    case "mv-expand":
      return mvExpand(input, op, scope, ctx);
    case "mv-apply":
      return mvApply(input, op, scope, ctx);
    case "parse":
      return parseOperator(input, op, scope, ctx);
    case "as":
      scope.set(op.name, { kind: "tabular", get: () => input });
      return input;
    case "serialize":
      return { ...project(input, op.columns, scope, ctx, true, "serialize"), ordered: true };
    case "make-series":
      return makeSeries(input, op, scope, ctx);
    case "evaluate":
      return evaluate(input, op, scope, ctx);
    case "invoke":
      return invoke(input, op, scope, ctx);
    case "render":
      return keepResultTables(input, render(input, op, scope, ctx));
    case "getschema":
      return getschema(input);
    case "search":
      return searchOperator(input, op, scope, ctx);
    case "top-nested":
      return topNested(input, op, scope, ctx);
    case "top-hitters":
      return topHitters(input, op, scope, ctx);
    case "sample":
      return sample(input, op, scope, ctx);
    case "sample-distinct":
      return sampleDistinct(input, op, scope, ctx);
    case "partition":
      return partition(input, op, scope, ctx);
    case "fork":
      return fork(input, op, scope, ctx);
    case "facet":
      return facet(input, op, scope, ctx);
    case "reduce":
      return reduce(input, op, scope, ctx);
    case "parse-kv":
      return parseKv(input, op, scope, ctx);
    case "scan":
      return scan(input, op, scope, ctx);
    case "make-graph":
      return makeGraph(input, op, scope, ctx);
    case "graph-match":
      return graphMatch(input, op, scope, ctx);
    case "graph-shortest-paths":
      return graphShortestPaths(input, op, scope, ctx);
    case "graph-to-table":
      return graphToTable(input, op, scope, ctx);
    case "graph-mark-components":
      return graphMarkComponents(input, op, scope, ctx);
    case "unsupported":
      throw ctx.unsupported(`The operator '${op.name}'`, op.span);
  }
}
