/**
 * Series functions that fill missing values (`series_fill_*`) and filters
 * (`series_fir`, `series_iir`, whose row functions are in `_fill_rows.ts`, where worker
 * threads can load them).
 *
 * A missing value is a null element, or an element equal to the
 * *missing_value_placeholder* argument when one is given. Elements that are not numbers
 * are kept as they are by the fills that only copy values, and count as missing for
 * interpolation.
 *
 * @module
 */
import { constant, type Typed } from "../../compile/_context.ts";
import type { RowFn } from "../../compile/_portable.ts";
import { pl } from "../../../polars.ts";
import { dynamicText } from "../../compile/_conversion.ts";
import type { CallSite, ScalarFunction } from "../_registry.ts";
import { expectBool, expectSeries, NUMERIC } from "./_args.ts";
import { expectType } from "../_define.ts";
import { nativeFillConst } from "./_native.ts";
import {
  seriesFillBackwardRow,
  seriesFillConstRow,
  seriesFillForwardRow,
  seriesFillLinearRow,
  seriesFirRow,
  seriesIirRow,
} from "./_fill_rows.ts";

const NULL_ARG: Typed = { expr: pl.lit(null), type: "dynamic", constant: { value: null } };

/** Throws unless the placeholder argument at `i` is a scalar of a numeric type. */
function checkPlaceholder(args: Typed[], i: number, site: CallSite): void {
  expectType(args, i, [...NUMERIC, "dynamic"], site);
}

/** `series_fill_forward` or `series_fill_backward`, whose row function is `row`. */
function fillCarry(row: RowFn): ScalarFunction {
  return {
    minArgs: 1,
    maxArgs: 2,
    compile(args, site) {
      expectSeries(args, 0, site);
      checkPlaceholder(args, 1, site);
      return site.env.rowwise(args, "dynamic", row);
    },
  };
}

/** Fill and filter functions by name. */
export const FILL: Record<string, ScalarFunction> = {
  series_fill_forward: fillCarry(seriesFillForwardRow),
  series_fill_backward: fillCarry(seriesFillBackwardRow),
  series_fill_const: {
    minArgs: 2,
    maxArgs: 3,
    compile(args, site) {
      expectSeries(args, 0, site);
      checkPlaceholder(args, 2, site);
      // Whole-number series and a whole constant as Polars lists; the rest in JavaScript.
      return nativeFillConst(args, site.env, seriesFillConstRow) ??
        site.env.rowwise(args, "dynamic", seriesFillConstRow);
    },
  },
  series_fill_linear: {
    minArgs: 1,
    maxArgs: 4,
    compile(args, site) {
      expectSeries(args, 0, site);
      checkPlaceholder(args, 1, site);
      expectBool(args, 2, site);
      checkPlaceholder(args, 3, site);
      const [series, placeholder, edges, constantArg] = args;
      // Arguments left out are given their defaults (edges true, constant 0), and the
      // series' text tells integers from integral reals (`2` from `2.0`): the row function
      // is a function of its arguments alone, and portable.
      return site.env.rowwise(
        [
          series,
          placeholder ?? NULL_ARG,
          edges ?? constant(true, "bool"),
          constantArg ?? constant(0, "long"),
          dynamicText(series),
        ],
        "dynamic",
        seriesFillLinearRow,
      );
    },
  },
  series_fir: {
    minArgs: 2,
    maxArgs: 4,
    compile(args, site) {
      expectSeries(args, 0, site);
      expectSeries(args, 1, site);
      expectBool(args, 2, site);
      expectBool(args, 3, site);
      // Whether normalize is given is an argument too: the row function is portable.
      const given = constant(args.length > 2, "bool");
      const [x, f, normalize, center] = args;
      return site.env.rowwise(
        [x, f, normalize ?? NULL_ARG, center ?? NULL_ARG, given],
        "dynamic",
        seriesFirRow,
      );
    },
  },
  series_iir: {
    minArgs: 3,
    maxArgs: 3,
    compile(args, site) {
      expectSeries(args, 0, site);
      expectSeries(args, 1, site);
      expectSeries(args, 2, site);
      return site.env.rowwise(args, "dynamic", seriesIirRow);
    },
  },
};
