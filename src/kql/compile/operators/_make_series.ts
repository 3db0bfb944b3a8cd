/**
 * `make-series`: aggregates per group and per bin of an axis, as arrays over every bin.
 *
 * Rows are binned natively (a bin number per row), grouped by the keys and the bin with
 * `summarize`'s machinery, and the (small) summary is then laid out as arrays, with the
 * default value where a bin has no rows: by Polars for whole numbers over plain keys
 * (`_series_native.ts`), in JavaScript otherwise.
 *
 * @module
 */
import { type DataFrame, pl } from "../../../polars.ts";
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import {
  type Context,
  ExprEnv,
  type Relation,
  rowEnv,
  type Scope,
  type Typed,
} from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { convertJs, isNumeric } from "../_conversion.ts";
import { derivedName } from "../_names.ts";
import { summarize } from "./_summarize.ts";
import { checkMemory } from "../_limits.ts";
import { checkMicrosecondStep } from "../_time_resolution.ts";
import { nativeSeriesLayout } from "../_series_native.ts";
import { AGGREGATE_FUNCTIONS } from "../../functions/_registry.ts";
import {
  jsonElements,
  jsToSeries,
  type JsValue,
  readableExpr,
  seriesToJs,
} from "../../runtime/_values.ts";

/** The most elements make-series puts in one array (as Kusto: 2^20). */
const MAX_BINS = 1 << 20;
/** Bytes of one element of a series: a JS value, then its text in the dynamic column. */
const SERIES_ELEMENT_BYTES = 32;

/** Applies `make-series`. */
export function makeSeries(
  input: Relation,
  op: A.MakeSeriesOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const env = rowEnv(input, scope, ctx);
  const axis = compileExpr(op.on, env);
  if (!isNumeric(axis.type) && axis.type !== "datetime" && axis.type !== "timespan") {
    throw ctx.error(
      `the axis of make-series must be a datetime, timespan or number, not ${axis.type}`,
      op.on.span,
    );
  }
  const axisName = derivedName(op.on, "Column1");
  const step = bound(op.step, "step", axis.type, scope, ctx)!;
  if (step <= 0) throw ctx.error("the step of make-series must be positive", op.step.span);
  if (!isNumeric(axis.type)) checkMicrosecondStep(op.step, "the step of make-series", ctx);
  // The parser reads neither `kind=nonempty` nor which range syntax was used: look at the
  // text. `in range(a, b, step)` includes b and bins with bin(), not bin_at().
  const head = ctx.query.slice(op.span.start, op.aggregates[0]?.span.start ?? op.span.end);
  const nonempty = /\bkind\s*=\s*nonempty\b/i.test(head);
  const inRange = /^\s*in\b/i.test(ctx.query.slice(op.on.span.end, op.span.end));
  let from = op.from ? bound(op.from, "start", axis.type, scope, ctx) : null;
  let to = op.to ? bound(op.to, "end", axis.type, scope, ctx) : null;
  if (inRange) {
    if (from !== null) from = Math.floor(from / step) * step;
    if (to !== null) to = Math.floor(to / step) * step + step;
  }

  const axisMicros = axis.type === "datetime" || axis.type === "timespan"
    ? axis.expr.cast(pl.Int64).cast(pl.Float64)
    : axis.expr.cast(pl.Float64);
  let frame = env.materialise(input.frame);
  if (from === null || to === null) {
    // Without bounds the series spans the bins that have data.
    const range = frame.select(axisMicros.min().alias("lo"), axisMicros.max().alias("hi"))
      .collectSync();
    const lo = range.getColumn("lo").toArray()[0] as number | null;
    const hi = range.getColumn("hi").toArray()[0] as number | null;
    if (from === null && lo !== null) from = Math.floor(lo / step) * step;
    if (to === null && hi !== null) to = Math.floor(hi / step) * step + step;
  }
  const bins = from === null || to === null ? 0 : Math.max(0, Math.ceil((to - from) / step));
  if (bins > MAX_BINS) {
    throw ctx.error(
      `make-series would make arrays of ${bins} elements (at most ${MAX_BINS})`,
      op.step.span,
      "Use a larger step or a shorter range.",
    );
  }

  // Each row's bin number, and its position so that series come in the order of the
  // rows they start from.
  const bin = ctx.temp("__bin");
  const position = ctx.temp("__pos");
  const binExpr = axisMicros.sub(pl.lit(from ?? 0)).div(pl.lit(step)).floor().cast(pl.Int64);
  frame = frame.withRowIndex(position)
    .withColumns(binExpr.alias(bin), pl.col(position).cast(pl.Int64).alias(position))
    .filter(pl.col(bin).isNotNull().and(pl.col(bin).gtEq(0)).and(pl.col(bin).lt(bins)));
  const binned: Relation = {
    frame,
    columns: [...input.columns, { name: bin, type: "long" }, { name: position, type: "long" }],
  };

  let unnamed = 0;
  const aggregates = op.aggregates.map((item) => ({
    names: item.names ??
      (hasAggregate(item.expression, scope) ? undefined : [`Column${++unnamed}`]),
    // A constant stands for its own value in every bin that has rows.
    expression: hasAggregate(item.expression, scope) ? item.expression : {
      kind: "call" as const,
      name: "take_any",
      args: [item.expression],
      span: item.expression.span,
    },
    span: item.span,
  }));
  const summary = summarize(
    binned,
    {
      kind: "summarize",
      aggregates: [...aggregates, {
        names: [position],
        expression: {
          kind: "call",
          name: "min",
          args: [{ kind: "name", name: position, span: op.span }],
          span: op.span,
        },
        span: op.span,
      }],
      by: [...op.by, { expression: { kind: "name", name: bin, span: op.span }, span: op.span }],
      span: op.span,
    },
    scope,
    ctx,
  );
  const keys = summary.columns.slice(0, op.by.length);
  const values = summary.columns.slice(op.by.length + 1, -1);
  // `on d ... by d`: Kusto.Language refuses the second column of one name.
  const clash = [...keys, ...values].find((c) => c.name === axisName);
  if (clash) {
    throw ctx.error(
      `A column with the name '${axisName}' is already declared: make-series names its ` +
        "axis after the 'on' column",
      op.on.span,
      `Name the group key or the aggregate otherwise (by key = ${axisName}).`,
    );
  }
  const defaults = values.map((c, i) =>
    defaultValue(
      values.length === op.aggregates.length ? op.aggregates[i] : undefined,
      c,
      scope,
      ctx,
    )
  );

  const data = summary.frame.select(
    ...summary.columns.map((c) => readableExpr(pl.col(c.name), c.type).alias(c.name)),
  ).collectSync();
  // Every group gets a full array per aggregate: check groups x bins before making them.
  const groups = keys.length === 0
    ? Math.min(1, data.height)
    : data.select(...keys.map((k) => pl.col(k.name))).unique().height;
  checkMemory(
    ctx,
    "make-series",
    `${groups} series of ${bins} bins (${groups * bins * values.length} values)`,
    groups * bins * Math.max(1, values.length) * SERIES_ELEMENT_BYTES,
    op.span,
  );
  const axisValues = Array.from({ length: bins }, (_, k) => from! + k * step);
  const axisArray = jsonElements(axisValues, axis.type);
  const columns: ColumnSchema[] = [
    ...keys,
    ...values.map((c) => ({ name: c.name, type: "dynamic" as KustoType })),
    { name: axisName, type: "dynamic" },
  ];
  // Whole numbers over plain keys: laid out by Polars (the arrays' text written natively).
  const native = data.height === 0
    ? undefined
    : nativeSeriesLayout(data, keys, values, { bin, position, bins, defaults });
  if (native) {
    const frame = native.lazy().withColumns(pl.lit(JSON.stringify(axisArray)).alias(axisName));
    return { frame: frame.select(...columns.map((c) => pl.col(c.name))), columns };
  }
  const rows = layout(data, keys, values, { bin, position, bins, defaults });
  if (rows.length === 0 && nonempty && bins > 0) {
    rows.push({
      keys: keys.map(() => null),
      series: defaults.map((d) => new Array<JsValue>(bins).fill(d)),
    });
  }

  const series = [
    ...keys.map((c, i) => jsToSeries(c.name, rows.map((r) => r.keys[i]), c.type)),
    ...values.map((c, i) =>
      jsToSeries(c.name, rows.map((r) => jsonElements(r.series[i], c.type)), "dynamic")
    ),
    jsToSeries(axisName, rows.map(() => axisArray), "dynamic"),
  ];
  return { frame: pl.DataFrame(series).lazy(), columns };
}

interface SeriesRow {
  keys: JsValue[];
  series: JsValue[][];
  /** The position of the group's first input row. */
  first?: number;
}

/** Groups summary rows by their keys into arrays indexed by bin. */
function layout(
  data: DataFrame,
  keys: readonly ColumnSchema[],
  values: readonly ColumnSchema[],
  options: { bin: string; position: string; bins: number; defaults: readonly JsValue[] },
): SeriesRow[] {
  const { bins, defaults } = options;
  const keyValues = keys.map((c) => seriesToJs(data.getColumn(c.name), c.type));
  const valueValues = values.map((c) => seriesToJs(data.getColumn(c.name), c.type));
  const binValues = seriesToJs(data.getColumn(options.bin), "long") as number[];
  const positions = seriesToJs(data.getColumn(options.position), "long") as number[];
  const groups = new Map<string, SeriesRow>();
  const height = data.height;
  for (let row = 0; row < height; row++) {
    const key = keyValues.map((k) => k[row]);
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (!group) {
      group = { keys: key, series: defaults.map((d) => new Array<JsValue>(bins).fill(d)) };
      groups.set(id, group);
    }
    group.first = Math.min(group.first ?? Infinity, positions[row]);
    const at = binValues[row];
    valueValues.forEach((v, i) => (group!.series[i][at] = v[row]));
  }
  return [...groups.values()].sort((a, b) => a.first! - b.first!);
}

/** Whether an expression calls an aggregate function. */
function hasAggregate(e: A.Expression, scope: Scope): boolean {
  switch (e.kind) {
    case "call":
      return (AGGREGATE_FUNCTIONS.has(e.name) && !scope.get(e.name)) ||
        e.args.some((a) => hasAggregate(a, scope));
    case "binary":
      return hasAggregate(e.left, scope) || hasAggregate(e.right, scope);
    case "unary":
      return hasAggregate(e.operand, scope);
    case "paren":
      return hasAggregate(e.expression, scope);
    case "member":
      return hasAggregate(e.object, scope);
    case "index":
      return hasAggregate(e.object, scope) || hasAggregate(e.index, scope);
    default:
      return false;
  }
}

/** A constant bound (start, end or step) in the axis' units (microseconds for times). */
function bound(
  e: A.Expression,
  what: string,
  axisType: KustoType,
  scope: Scope,
  ctx: Context,
): number | null {
  const value = compileExpr(e, new ExprEnv(ctx, scope));
  if (!value.constant) throw ctx.error(`the ${what} of make-series must be a constant`, e.span);
  const v = value.constant.value;
  if (v === null) return null;
  const expected: KustoType = what === "step" && axisType === "datetime" ? "timespan" : axisType;
  const fits = isNumeric(expected) ? isNumeric(value.type) : value.type === expected;
  if (!fits || typeof v !== "number") {
    throw ctx.error(
      `the ${what} of make-series must be a ${expected} for an axis of ${axisType}, ` +
        `not ${value.type}`,
      e.span,
    );
  }
  return v;
}

/** The value of bins without rows: the `default=` value, else 0 for numbers and timespans. */
function defaultValue(
  item: (A.NamedExpression & { readonly defaultValue?: A.Expression }) | undefined,
  column: ColumnSchema,
  scope: Scope,
  ctx: Context,
): JsValue {
  if (!item?.defaultValue) {
    return isNumeric(column.type) || column.type === "timespan" ? 0 : null;
  }
  const value: Typed = compileExpr(item.defaultValue, new ExprEnv(ctx, scope));
  if (!value.constant) {
    throw ctx.error("the default value of make-series must be a constant", item.defaultValue.span);
  }
  const v = value.constant.value;
  if (v === null || value.type === column.type) return v;
  return convertJs(v, value.type, column.type);
}
