/**
 * Argument checks and result shapes shared by the series functions: series (dynamic)
 * arguments, numeric and option arguments, and functions with several outputs.
 *
 * @module
 */
import type { KustoType } from "../../../schema/types.ts";
import type { Typed } from "../../compile/_context.ts";
import type { JsValue } from "../../runtime/_values.ts";
import { expectType } from "../_define.ts";
import { resultName } from "../../compile/_names.ts";
import type { CallSite, ScalarFunction } from "../_registry.ts";

/** Kusto's numeric types. */
export const NUMERIC: readonly KustoType[] = ["int", "long", "real", "decimal"];

/** Throws unless argument `i` is a dynamic value (a series). */
export function expectSeries(args: Typed[], i: number, site: CallSite): void {
  expectType(args, i, ["dynamic"], site);
}

/** Throws unless argument `i` is a number (or a dynamic holding one). */
export function expectNumber(args: Typed[], i: number, site: CallSite): void {
  expectType(args, i, [...NUMERIC, "dynamic"], site);
}

/** Throws unless argument `i` is a bool. */
export function expectBool(args: Typed[], i: number, site: CallSite): void {
  expectType(args, i, ["bool"], site);
}

/**
 * Throws unless argument `i` is a string; when it is a constant, also unless it is one
 * of `allowed` (a non-constant value outside them gives a null result at run time).
 */
export function expectOption(
  args: Typed[],
  i: number,
  site: CallSite,
  allowed: readonly string[],
): void {
  expectType(args, i, ["string"], site);
  const value = args[i]?.constant?.value;
  if (typeof value === "string" && !allowed.includes(value)) {
    throw site.env.ctx.error(
      `argument ${i + 1} of ${site.call.name}() must be one of ${
        allowed.map((a) => `'${a}'`).join(", ")
      }, not '${value}'`,
      site.call.args[i].span,
    );
  }
}

export { jsonNumber, jsonReal, numberOf, seriesOf } from "./_row_values.ts";

/** One output of a function with several results. */
export interface Output {
  /** The suffix of its default column name (`rsquare` in `series_fit_line_y_rsquare`). */
  readonly name: string;
  readonly type: KustoType;
}

/**
 * A function with several outputs (`extend (a, b) = f(x)`): `fn` computes all of them
 * once per row, as an array in the order of `outputs`, or null. Used with one name, the
 * call is its first output.
 */
export function multiOutput(
  minArgs: number,
  maxArgs: number,
  outputs: readonly Output[],
  check: (args: Typed[], site: CallSite) => void,
  fn: (values: JsValue[]) => JsValue,
): ScalarFunction {
  return {
    minArgs,
    maxArgs,
    compile(args, site) {
      check(args, site);
      // All outputs come from one computation per row (on a worker thread when `fn` is
      // portable and the job large: see compile/_job_workers.ts).
      const components = site.env.rowwiseMany(args, outputs.map((o) => o.type), fn);
      // Unnamed, the outputs are columns named function_argument_output.
      const arg = site.call.args[0] && resultName(site.call.args[0]);
      const base = arg ? `${site.call.name}_${arg}` : site.call.name;
      const componentNames = outputs.map((o) => `${base}_${o.name}`);
      return { ...components[0], components, componentNames };
    },
  };
}
