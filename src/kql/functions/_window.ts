/**
 * KQL window functions over a serialized row set: prev, next, row_number, row_cumsum,
 * row_rank_dense (and its obsolete name row_rank), row_rank_min, row_window_session.
 *
 * They compile to native Polars expressions over the current row order (shifts,
 * cumulative sums, forward fills of the row position where a run or a partition starts),
 * except row_window_session, whose sessions depend on each other and are computed in one
 * ordered pass in JavaScript.
 *
 * @module
 */
import { type Expr, pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import { constant, type Typed } from "../compile/_context.ts";
import { convert, isNumeric } from "../compile/_conversion.ts";
import { type CallSite, defineScalar } from "./_registry.ts";

/** Each row's position in the current row set, from 0. */
function rowIndex(): Expr {
  return pl.intRange({ start: 0, end: pl.len(), dtype: pl.Int64 } as never) as unknown as Expr;
}

/** A column's values as an expression over every row (a constant is repeated). */
function column(value: Typed): Expr {
  return value.constant
    ? pl.when(rowIndex().isNotNull()).then(value.expr).otherwise(value.expr)
    : value.expr;
}

function constantCount(args: Typed[], i: number, fallback: number, site: CallSite): number {
  const arg = args[i];
  if (!arg) return fallback;
  const v = arg.constant?.value;
  if (!isNumeric(arg.type) || typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw site.env.ctx.error(
      `argument ${i + 1} of ${site.call.name}() must be a constant, non-negative whole number`,
      site.call.args[i].span,
    );
  }
  return v;
}

/** The optional restart predicate at `i` (null counts as false), or undefined. */
function restartArg(args: Typed[], i: number, site: CallSite): Expr | undefined {
  const arg = args[i];
  if (!arg) return undefined;
  if (arg.type !== "bool") {
    throw site.env.ctx.error(
      `argument ${i + 1} of ${site.call.name}() must be a bool (when to restart), not ${arg.type}`,
      site.call.args[i].span,
    );
  }
  return column(arg).fillNull(false);
}

/** Where a new partition starts: the first row, and each row where `restart` is true. */
function partitionStart(restart: Expr | undefined): Expr {
  const first = rowIndex().eq(0);
  return restart ? first.or(restart) : first;
}

/** The position of the last row (at or before this one) where `starts` was true. */
function lastStart(starts: Expr): Expr {
  return pl.when(starts).then(rowIndex()).otherwise(pl.lit(null).cast(pl.Int64)).forwardFill();
}

/** Whether a value differs from the previous row's (nulls equal each other). */
function changed(value: Expr): Expr {
  const previous = value.shift(1);
  return value.neq(previous).fillNull(value.isNull().neq(previous.isNull()));
}

for (const [name, forward] of [["prev", false], ["next", true]] as const) {
  defineScalar(name, {
    minArgs: 1,
    maxArgs: 3,
    compile(args, site) {
      const [value] = args;
      const offset = constantCount(args, 1, 1, site);
      let fallback = args[2] ?? constant(null, value.type);
      if (fallback.type !== value.type) {
        const isNull = fallback.constant && fallback.constant.value === null;
        if (isNull || (isNumeric(fallback.type) && isNumeric(value.type))) {
          fallback = isNull ? constant(null, value.type) : convert(fallback, value.type, site.env);
        } else {
          throw site.env.ctx.error(
            `the default value of ${name}() must be a ${value.type}, like its column, ` +
              `not ${fallback.type}`,
            site.call.args[2].span,
          );
        }
      }
      const inRange = forward
        ? rowIndex().lt(pl.len().cast(pl.Int64).sub(pl.lit(offset)))
        : rowIndex().gtEq(pl.lit(offset));
      const shifted = value.constant ? value.expr : value.expr.shift(forward ? -offset : offset);
      return {
        expr: pl.when(inRange).then(shifted).otherwise(fallback.expr),
        type: value.type,
      };
    },
  });
}

defineScalar("row_number", {
  minArgs: 0,
  maxArgs: 2,
  compile(args, site) {
    const start = args[0] ? startingIndex(args[0], site) : 1;
    const restart = restartArg(args, 1, site);
    const index = rowIndex();
    const number = restart ? index.sub(lastStart(partitionStart(restart))) : index;
    return { expr: number.add(pl.lit(start)).cast(pl.Int64), type: "long" };
  },
});

function startingIndex(arg: Typed, site: CallSite): number {
  const v = arg.constant?.value;
  if (!isNumeric(arg.type) || typeof v !== "number" || !Number.isInteger(v)) {
    throw site.env.ctx.error(
      "the starting index of row_number() must be a constant whole number",
      site.call.args[0].span,
    );
  }
  return v;
}

const CUMSUM_TYPES: readonly KustoType[] = ["int", "long", "real", "decimal", "timespan"];

defineScalar("row_cumsum", {
  minArgs: 1,
  maxArgs: 2,
  compile(args, site) {
    const [term] = args;
    if (!CUMSUM_TYPES.includes(term.type)) {
      throw site.env.ctx.error(
        `row_cumsum() sums numbers, not ${term.type}`,
        site.call.args[0].span,
      );
    }
    const restart = restartArg(args, 1, site);
    const dtype = term.type === "int"
      ? pl.Int32
      : term.type === "long"
      ? pl.Int64
      : term.type === "timespan"
      ? pl.Duration("us")
      : pl.Float64;
    // A null adds nothing; the running sum goes on.
    let values = column(term);
    if (term.type === "timespan") values = values.cast(pl.Int64);
    values = values.fillNull(0);
    const sum = restart
      ? values.cumSum().over(partitionStart(restart).cast(pl.Int64).cumSum())
      : values.cumSum();
    return {
      expr: term.type === "timespan" ? sum.cast(pl.Int64).cast(dtype) : sum.cast(dtype),
      type: term.type,
    };
  },
});

const rowRankDense: Parameters<typeof defineScalar>[1] = {
  minArgs: 1,
  maxArgs: 2,
  compile(args, site) {
    const restart = restartArg(args, 1, site);
    const starts = partitionStart(restart);
    const newRank = changed(column(args[0])).or(starts).cast(pl.Int64);
    const rank = restart ? newRank.cumSum().over(starts.cast(pl.Int64).cumSum()) : newRank.cumSum();
    return { expr: rank.cast(pl.Int64), type: "long" };
  },
};
defineScalar("row_rank_dense", rowRankDense);
// Kusto.Language keeps row_rank as an obsolete name whose replacement is row_rank_dense.
defineScalar("row_rank", rowRankDense);

defineScalar("row_rank_min", {
  minArgs: 1,
  maxArgs: 2,
  compile(args, site) {
    const restart = restartArg(args, 1, site);
    const starts = partitionStart(restart);
    // A row's rank is its position (within the partition) of the first row equal to it.
    const runStart = lastStart(changed(column(args[0])).or(starts));
    return {
      expr: runStart.sub(lastStart(starts)).add(pl.lit(1)).cast(pl.Int64),
      type: "long",
    };
  },
});

defineScalar("row_window_session", {
  minArgs: 3,
  maxArgs: 4,
  compile(args, site) {
    const [value] = args;
    if (value.type !== "datetime" && value.type !== "timespan" && !isNumeric(value.type)) {
      throw site.env.ctx.error(
        `row_window_session() groups datetime values, not ${value.type}`,
        site.call.args[0].span,
      );
    }
    const distance = (i: number): number => {
      const arg = args[i];
      const v = arg.constant?.value;
      const expected = value.type === "datetime" ? "timespan" : value.type;
      const fits = isNumeric(expected) ? isNumeric(arg.type) : arg.type === expected;
      if (!fits || typeof v !== "number") {
        throw site.env.ctx.error(
          `argument ${i + 1} of row_window_session() must be a constant ${expected}`,
          site.call.args[i].span,
        );
      }
      return v;
    };
    const maxFromFirst = distance(1);
    const maxBetween = distance(2);
    const restart = args[3];
    if (restart && restart.type !== "bool") {
      throw site.env.ctx.error(
        `argument 4 of row_window_session() must be a bool (when to restart), not ${restart.type}`,
        site.call.args[3].span,
      );
    }
    // The barrier computes rows in order, so the session state carries from row to row.
    let session: number | null = null;
    let previous: number | null = null;
    const inputs = restart ? [value, restart] : [value];
    return site.env.rowwise(inputs, value.type, ([v, again]) => {
      const current = v as number | null;
      const starts = session === null || current === null || previous === null ||
        again === true || current >= session + maxFromFirst ||
        current >= previous + maxBetween;
      if (starts) session = current;
      previous = current;
      return session;
    });
  },
});
