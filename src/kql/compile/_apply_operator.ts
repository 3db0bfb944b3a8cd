/**
 * Applies one tabular operator: dispatches on the operator's `kind`, exhaustively, to its
 * family in `operators/`.
 *
 * @module
 */
import { pl } from "../../polars.ts";
import type * as A from "../syntax/ast.ts";
import type { Context, Relation, Scope } from "./_context.ts";
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

/** Applies one operator to a relation. */
export function applyOperator(
  input: Relation,
  op: A.Operator,
  scope: Scope,
  ctx: Context,
): Relation {
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
    case "count":
      return {
        frame: input.frame.select(pl.len().cast(pl.Int64).alias("Count")),
        columns: [{ name: "Count", type: "long" }],
      };
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
      return { ...project(input, op.columns, scope, ctx, true), ordered: true };
    case "make-series":
      return makeSeries(input, op, scope, ctx);
    case "evaluate":
      return evaluate(input, op, scope, ctx);
    case "invoke":
      return invoke(input, op, scope, ctx);
    case "render":
      return render(input, op, scope, ctx);
    case "getschema":
      return getschema(input);
    case "unsupported":
      throw ctx.unsupported(`The operator '${op.name}'`, op.span);
  }
}
