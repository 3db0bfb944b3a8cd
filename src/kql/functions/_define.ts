/**
 * Helpers for defining functions: row-by-row JavaScript functions with constant
 * folding, and common argument checks.
 *
 * @module
 */
import type { KustoType } from "../../schema/types.ts";
import type { Typed } from "../compile/_context.ts";
import type { JsValue } from "../runtime/_values.ts";
import type { CallSite, ScalarFunction } from "./_registry.ts";
import { isNumeric, numericType } from "../compile/_conversion.ts";

/** A function computed row by row in JavaScript (folded when its arguments are constant). */
export function rowwise(
  minArgs: number,
  maxArgs: number,
  returns: KustoType | ((args: Typed[], site: CallSite) => KustoType),
  fn: (values: JsValue[], types: KustoType[]) => JsValue,
): ScalarFunction {
  return {
    minArgs,
    maxArgs,
    compile(args, site) {
      const type = typeof returns === "function" ? returns(args, site) : returns;
      const types = args.map((a) => a.type);
      return site.env.rowwise(args, type, (values) => fn(values, types));
    },
  };
}

/** Throws unless argument `i` has one of `types`. */
export function expectType(
  args: Typed[],
  i: number,
  types: readonly KustoType[],
  site: CallSite,
): void {
  const arg = args[i];
  if (arg && !types.includes(arg.type)) {
    throw site.env.ctx.error(
      `argument ${i + 1} of ${site.call.name}() must be ${types.join(" or ")}, not ${arg.type}`,
      site.call.args[i].span,
    );
  }
}

/** The type several values share (numbers widen; otherwise the first non-dynamic type). */
export function commonType(types: readonly KustoType[]): KustoType {
  const known = types.filter((t) => t !== undefined);
  if (known.every((t) => isNumeric(t))) return known.reduce((a, b) => numericType(a, b));
  return known.find((t) => t !== "dynamic") ?? "dynamic";
}

/** Whether a JS value is a Kusto null (or empty, for strings). */
export function isMissing(v: JsValue): boolean {
  return v === null || v === undefined;
}
