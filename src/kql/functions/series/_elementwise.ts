/**
 * Element-wise series functions (`series_add`, `series_abs`, `series_greater`, ...) and
 * functions that reduce series to one number (`series_sum`, `series_dot_product`,
 * `series_pearson_correlation`, `series_stats`, ...). Their row functions are in
 * `_elementwise_rows.ts`, where worker threads can load them.
 *
 * @module
 */
import type { Typed } from "../../compile/_context.ts";
import type { RowFn } from "../../compile/_portable.ts";
import type { CallSite, ScalarFunction } from "../_registry.ts";
import { expectBool, expectNumber, expectSeries, multiOutput } from "./_args.ts";
import { nativeBinary, nativeSum } from "./_native.ts";
import * as rows from "./_elementwise_rows.ts";

/** Throws unless both operands are series or numbers, and at least one is dynamic. */
function checkOperands(args: Typed[], site: CallSite): void {
  expectNumber(args, 0, site);
  expectNumber(args, 1, site);
  if (args[0].type !== "dynamic" && args[1].type !== "dynamic") {
    throw site.env.ctx.error(
      `${site.call.name}() needs at least one dynamic array argument`,
      site.call.span,
      "Pass a series, such as the output of make-series or make_list().",
    );
  }
}

/**
 * A function of two series (or a series and a number), element by element (`row`, see
 * `_elementwise_rows.ts`). The result is as long as the longer series; a missing or
 * non-numeric element gives null.
 */
function binary(row: RowFn): ScalarFunction {
  return {
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      checkOperands(args, site);
      // Series of whole numbers (make-series counts) as Polars lists; the rest in JavaScript.
      return nativeBinary(site.call.name, args, site.env, row) ??
        site.env.rowwise(args, "dynamic", row);
    },
  };
}

/** A function of one series, element by element, giving reals; non-numeric elements give null. */
function unary(row: RowFn): ScalarFunction {
  return {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      expectSeries(args, 0, site);
      return site.env.rowwise(args, "dynamic", row);
    },
  };
}

/** Element-wise functions by name. */
export const ELEMENTWISE: Record<string, ScalarFunction> = {
  series_add: binary(rows.seriesAddRow),
  series_subtract: binary(rows.seriesSubtractRow),
  series_multiply: binary(rows.seriesMultiplyRow),
  // Division and powers are reals, as Kusto writes them ([0.25,1.0,4.0]).
  series_divide: binary(rows.seriesDivideRow),
  series_pow: binary(rows.seriesPowRow),
  series_greater: binary(rows.seriesGreaterRow),
  series_greater_equals: binary(rows.seriesGreaterEqualsRow),
  series_less: binary(rows.seriesLessRow),
  series_less_equals: binary(rows.seriesLessEqualsRow),
  series_equals: binary(rows.seriesEqualsRow),
  series_not_equals: binary(rows.seriesNotEqualsRow),
  series_abs: unary(rows.seriesAbsRow),
  series_ceiling: unary(rows.seriesCeilingRow),
  series_floor: unary(rows.seriesFloorRow),
  series_sign: unary(rows.seriesSignRow),
  series_exp: unary(rows.seriesExpRow),
  series_log: unary(rows.seriesLogRow),
  series_sin: unary(rows.seriesSinRow),
  series_cos: unary(rows.seriesCosRow),
  series_tan: unary(rows.seriesTanRow),
  series_asin: unary(rows.seriesAsinRow),
  series_acos: unary(rows.seriesAcosRow),
  series_atan: unary(rows.seriesAtanRow),
};

// ---------------------------------------------------------------- reductions

/** A function of one series giving a real (`row`); null when the argument is not an array. */
function reduce(row: RowFn): ScalarFunction {
  return {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      expectSeries(args, 0, site);
      return (site.call.name === "series_sum" ? nativeSum(args, site.env, row) : undefined) ??
        site.env.rowwise(args, "real", row);
    },
  };
}

/** A function of two operands (series or numbers) giving a real (`row`). */
function reducePairs(row: RowFn): ScalarFunction {
  return {
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      checkOperands(args, site);
      return site.env.rowwise(args, "real", row);
    },
  };
}

function checkStats(args: Typed[], site: CallSite): void {
  expectSeries(args, 0, site);
  expectBool(args, 1, site);
}

/** Functions reducing series to numbers, by name. */
export const REDUCTIONS: Record<string, ScalarFunction> = {
  series_sum: reduce(rows.seriesSumRow),
  series_magnitude: reduce(rows.seriesMagnitudeRow),
  series_dot_product: reducePairs(rows.seriesDotProductRow),
  series_cosine_similarity: reducePairs(rows.seriesCosineSimilarityRow),
  series_pearson_correlation: {
    minArgs: 2,
    maxArgs: 2,
    compile(args, site) {
      expectSeries(args, 0, site);
      expectSeries(args, 1, site);
      return site.env.rowwise(args, "real", rows.seriesPearsonCorrelationRow);
    },
  },
  series_stats: multiOutput(1, 2, rows.STATS_OUTPUTS, checkStats, rows.seriesStatsRow),
  series_stats_dynamic: {
    minArgs: 1,
    maxArgs: 2,
    compile(args, site) {
      checkStats(args, site);
      return site.env.rowwise(args, "dynamic", rows.seriesStatsDynamicRow);
    },
  },
};

/** Suffixes of the default column names of the several-output functions here. */
export const ELEMENTWISE_OUTPUT_NAMES: Record<string, readonly string[]> = {
  series_stats: rows.STATS_OUTPUTS.map((o) => o.name),
};
