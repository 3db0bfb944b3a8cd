/**
 * `summarize`: group keys, aggregates (also inside scalar expressions such as
 * `round(avg(x), 2)`), Kusto's output names, and dynamic results of list aggregates.
 *
 * @module
 */
import { type DataFrame, type Expr, pl } from "../../../polars.ts";
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import {
  type Context,
  ExprEnv,
  markCanonicalJson,
  noteCanonicalJson,
  type Relation,
  rowEnv,
  type Scope,
  type Typed,
} from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { selectPerRow } from "./_columns.ts";
import { resultName, uniqueNames } from "../_names.ts";
import {
  AGGREGATE_FUNCTIONS,
  type AggregateOutput,
  type AggregateSite,
  SCALAR_FUNCTIONS,
} from "../../functions/_registry.ts";
import { excludedFunctionError } from "../../functions/_excluded.ts";
import { closestNames } from "../../../errors.ts";
import { jsToSeries, type JsValue, kustoTypedExpr } from "../../runtime/_values.ts";

interface Output {
  temp: string;
  name: string;
  type: KustoType;
  agg: AggregateOutput;
  /** Set when this output is only an input to a scalar expression over aggregates. */
  hidden?: boolean;
}

/** Applies `summarize`. */
export function summarize(
  input: Relation,
  op: A.SummarizeOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const env = rowEnv(input, scope, ctx);
  const prepared: Array<{ name: string; value: Typed }> = [];
  const addInput = (value: Typed) => {
    const name = ctx.temp("__in");
    prepared.push({ name, value });
    return name;
  };
  let unnamed = 0;
  const keys = op.by.map((item) => {
    const value = compileExpr(item.expression, env);
    const name = item.names?.[0] ??
      resultName(item.expression, { columns: env.columns, scope }) ?? `Column${++unnamed}`;
    return { name, temp: addInput(value), type: value.type };
  });
  const keyNames = keys.map((k) => k.name);
  const outputs: Output[] = [];
  const finals: Array<
    { names?: readonly string[]; outputs?: Output[]; post?: A.Expression; span: A.Span }
  > = [];
  const siteFor = (call: A.Call): AggregateSite => ({
    env,
    call,
    columns: input.columns,
    keys: keyNames,
    addInput,
    input: (expression) => {
      const typed = compileExpr(expression, env);
      return { column: addInput(typed), type: typed.type, typed };
    },
  });
  const aggregate = (written: A.Call): Output[] => {
    const call = withNamedArguments(written);
    const fn = AGGREGATE_FUNCTIONS.get(call.name)!;
    if (call.args.length < fn.minArgs || call.args.length > fn.maxArgs) {
      throw ctx.error(`${call.name}() does not take ${call.args.length} argument(s)`, call.span);
    }
    const compiled = fn.compile(siteFor(call));
    return compiled.outputs.map((agg) => ({
      temp: ctx.temp("__agg"),
      name: agg.name,
      type: agg.type,
      agg,
    }));
  };
  for (const item of op.aggregates) {
    const e = unwrap(item.expression);
    if (e.kind === "call" && AGGREGATE_FUNCTIONS.has(e.name) && !scope.get(e.name)) {
      const outs = aggregate(e);
      // An output the aggregate leaves unnamed (take_anyif(x + 1, p)) is Column1, ...
      outs.forEach((o, i) => o.name = item.names?.[i] ?? (o.name || `Column${++unnamed}`));
      outputs.push(...outs);
      finals.push({ names: item.names, outputs: outs, span: item.span });
      continue;
    }
    // A scalar expression over aggregates: aggregate first, then compute over the results.
    const replaced = replaceAggregates(item.expression, (call) => {
      const outs = aggregate(call);
      outs.forEach((o) => (o.hidden = true));
      outputs.push(...outs);
      return outs[0].temp;
    }, scope);
    if (replaced === item.expression) {
      if (e.kind === "call" && !SCALAR_FUNCTIONS.has(e.name) && !scope.get(e.name)) {
        // Every aggregate of Kusto.Language is supported or refused by name: this is a typo.
        const close = closestNames(e.name, [...AGGREGATE_FUNCTIONS.keys()]);
        throw excludedFunctionError(e.name, e.span, ctx) ?? ctx.error(
          `Unknown aggregate function '${e.name}()'` +
            (close.length ? `. Did you mean ${close.map((c) => `${c}()`).join(" or ")}?` : ""),
          e.span,
          "Check the function's name in the KQL reference.",
        );
      }
      throw ctx.error(
        "summarize needs an aggregate function here (count(), sum(), ...)",
        item.span,
      );
    }
    // Named as Kusto names it: round(avg(x), 2) is avg_x.
    const where = { columns: env.columns, scope, aggregates: true };
    finals.push({
      names: item.names ?? [resultName(item.expression, where) ?? `Column${++unnamed}`],
      post: replaced,
      span: item.span,
    });
  }

  // Stage 1: keys and aggregate inputs as columns; stage 2: group and aggregate.
  // With no inputs to compute (count() alone), the rows still have to be there to count.
  const materialised = env.materialise(input.frame);
  let frame = prepared.length > 0
    ? selectPerRow(materialised, prepared.map((p) => ({ name: p.name, expr: p.value.expr })))
    : materialised;
  const aggExprs = outputs.map((o) => o.agg.expr.alias(o.temp));
  frame = keys.length > 0
    ? frame.groupBy(keys.map((k) => k.temp)).agg(...aggExprs)
    : frame.select(...aggExprs);

  // Stage 3: list aggregates become dynamic arrays, in JavaScript.
  const needsJs = outputs.filter((o) => o.agg.list || o.agg.post);
  let data: DataFrame | undefined;
  if (needsJs.length > 0) {
    data = frame.collectSync();
    for (const o of needsJs) {
      const raw = data.getColumn(o.temp).toArray() as JsValue[];
      const values = raw.map((v) => {
        const value = o.agg.list ? (v === null ? [] : v) : v;
        return o.agg.post ? o.agg.post(value) : value;
      });
      data = data.withColumn(jsToSeries(o.temp, values, o.type));
    }
    frame = data.lazy();
  }
  const typedOutputs = new Map(outputs.map((o) => [o.temp, o.type]));
  // Stage 4: scalar expressions over aggregates, then final names.
  const columns: ColumnSchema[] = keys.map((k) => ({ name: k.name, type: k.type }));
  const selects: Expr[] = keys.map((k) => pl.col(k.temp));
  const postColumns = new Map<string, KustoType>([
    ...keys.map((k) => [k.temp, k.type] as [string, KustoType]),
    ...typedOutputs,
  ]);
  const postEnv = new ExprEnv(ctx, scope, postColumns);
  // Aggregates that wrote canonical JSON text (`make_list`): `tostring()` reads the text.
  const canonical = outputs.filter((o) => o.agg.canonicalJson);
  noteCanonicalJson(postColumns, canonical.map((o) => ({ name: o.temp, type: o.type })));
  const canonicalOutputs = new Set<number>();
  for (const f of finals) {
    if (f.outputs) {
      f.outputs.forEach((o, i) => {
        if (o.agg.canonicalJson) canonicalOutputs.add(columns.length);
        columns.push({ name: f.names?.[i] ?? o.name, type: o.type });
        selects.push(kustoTypedExpr(pl.col(o.temp), o.type));
      });
    } else {
      const value = compileExpr(f.post!, postEnv);
      columns.push({ name: f.names![0], type: value.type });
      selects.push(value.expr);
    }
  }
  frame = postEnv.materialise(frame);
  const names = uniqueNames(columns.map((c) => c.name));
  return {
    frame: frame.select(...selects.map((s, i) => s.alias(names[i]))),
    columns: columns.map((c, i) => {
      const column = { ...c, name: names[i] };
      return canonicalOutputs.has(i) ? markCanonicalJson(column) : column;
    }),
  };
}

/**
 * The call with its `Name = expr` arguments back in their places among the positional ones,
 * each carrying its name: Kusto.Language names an aggregate's output after such an argument
 * (`arg_max(t, Name = x)` returns a column `Name`, `sum(A = x)` is `sum_A`).
 */
function withNamedArguments(call: A.Call): A.Call {
  if (!call.named || Object.keys(call.named).length === 0) return call;
  const named: A.Expression[] = Object.entries(call.named).map(([name, expression]) => ({
    kind: "paren",
    expression,
    name,
    span: expression.span,
  }));
  const args = [...call.args, ...named].sort((a, b) => a.span.start - b.span.start);
  return { ...call, args, named: undefined };
}

function unwrap(e: A.Expression): A.Expression {
  return e.kind === "paren" ? unwrap(e.expression) : e;
}

/** A copy of `e` with each aggregate call replaced by a reference to its output column. */
function replaceAggregates(
  e: A.Expression,
  replace: (call: A.Call) => string,
  scope: Scope,
): A.Expression {
  let replaced = false;
  const walk = (x: A.Expression): A.Expression => {
    switch (x.kind) {
      case "call":
        if (AGGREGATE_FUNCTIONS.has(x.name) && !scope.get(x.name)) {
          replaced = true;
          return { kind: "name", name: replace(x), span: x.span };
        }
        return { ...x, args: x.args.map(walk) };
      case "binary":
        return { ...x, left: walk(x.left), right: walk(x.right) };
      case "unary":
        return { ...x, operand: walk(x.operand) };
      case "paren":
        return { ...x, expression: walk(x.expression) };
      case "member":
        return { ...x, object: walk(x.object) };
      case "index":
        return { ...x, object: walk(x.object), index: walk(x.index) };
      case "in":
        return { ...x, left: walk(x.left) };
      case "between":
        return { ...x, left: walk(x.left), low: walk(x.low), high: walk(x.high) };
      default:
        return x;
    }
  };
  const out = walk(e);
  return replaced ? out : e;
}
