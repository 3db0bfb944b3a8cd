/**
 * Series functions as Polars list expressions (issue 22), over series of whole numbers (the
 * arrays `make-series count()` writes): the JSON text is decoded to a list of longs, the
 * function applied to the list, and the result written back as JSON text natively.
 *
 * Only the rows holding a plain array of whole numbers of up to 15 digits (compact JSON:
 * `[0,2,null]`) are computed so; every other row (reals, strings, spaces, nulls, numbers
 * JavaScript reads inexactly) is computed by the JavaScript function on that row alone,
 * batched and stopped by Ctrl-C as every row-wise computation. Results are the JavaScript
 * path's, text for text: whole numbers stay whole, and sums stay below 2^53.
 *
 * @module
 */
import { type Expr, pl } from "../../../polars.ts";
import type { KustoType } from "../../../schema/types.ts";
import type { ExprEnv, Typed } from "../../compile/_context.ts";
import { nativeDynamic } from "../../compile/_dynamic_native.ts";
import { listJson } from "../../compile/_series_native.ts";
import type { JsValue } from "../../runtime/_values.ts";

/** A compact JSON array of whole numbers of up to 15 digits, or nulls. */
const WHOLE_ARRAY = String.raw`^\[(?:(?:-?[0-9]{1,15}|null)(?:,(?:-?[0-9]{1,15}|null))*)?\]$`;

/** Element magnitude under which a product stays below 2^53 (JavaScript's exact range). */
const PRODUCT_SAFE = 94_906_265;

/** A series argument read natively: its list of longs, and where it is one. */
interface WholeList {
  readonly list: Expr;
  /** True on the rows whose text is a plain array of whole numbers. */
  readonly plain: Expr;
}

/** The list of a dynamic argument's whole-number arrays, or undefined for a constant. */
function wholeList(arg: Typed): WholeList | undefined {
  if (arg.type !== "dynamic" || arg.constant) return undefined;
  const plain = arg.expr.str.contains(WHOLE_ARRAY).fillNull(false);
  const text = pl.when(plain).then(arg.expr).otherwise(pl.lit(null).cast(pl.Utf8));
  return { list: text.str.jsonDecode(pl.List(pl.Int64)), plain };
}

/** A whole-number constant argument (a long or an int), or undefined. */
function wholeConstant(arg: Typed): number | undefined {
  const v = arg.constant?.value;
  return (arg.type === "long" || arg.type === "int") && typeof v === "number" &&
      Number.isSafeInteger(v) && Math.abs(v) <= 999_999_999_999_999
    ? v
    : undefined;
}

/** One operand: a list with its rows, or a whole constant applied to every element. */
type Operand = { kind: "list"; whole: WholeList } | { kind: "constant"; value: number };

function operandOf(arg: Typed): Operand | undefined {
  const whole = wholeList(arg);
  if (whole) return { kind: "list", whole };
  const value = wholeConstant(arg);
  return value === undefined ? undefined : { kind: "constant", value };
}

/** The element-wise operations computed natively, and their result element type. */
const BINARY: Readonly<Record<string, (a: Expr, b: Expr) => Expr>> = {
  series_add: (a, b) => a.add(b),
  series_subtract: (a, b) => a.sub(b),
  series_multiply: (a, b) => a.mul(b),
  series_greater: (a, b) => a.gt(b),
  series_greater_equals: (a, b) => a.gtEq(b),
  series_less: (a, b) => a.lt(b),
  series_less_equals: (a, b) => a.ltEq(b),
  series_equals: (a, b) => a.eq(b),
  series_not_equals: (a, b) => a.neq(b),
};

/**
 * `series_add(a, b)` and the other functions of {@link BINARY} natively, over whole-number
 * series (or a series and a whole constant), with `fn` (the JavaScript function) on the
 * other rows; undefined when no operand is such a series, or native reading is off.
 */
export function nativeBinary(
  name: string,
  args: readonly Typed[],
  env: ExprEnv,
  fn: (values: JsValue[]) => JsValue,
): Typed | undefined {
  const op = BINARY[name];
  if (!nativeDynamic() || !op || args.length !== 2) return undefined;
  const [a, b] = args.map(operandOf);
  if (!a || !b || (a.kind === "constant" && b.kind === "constant")) return undefined;
  const lists = [a, b].flatMap((o) => (o.kind === "list" ? [o.whole] : []));
  // Rows the lists do not cover: not plain, or two lists of different lengths (JavaScript
  // pads the shorter with nulls), or a product that would leave JavaScript's exact range.
  let slow = lists.map((l) => l.plain.not()).reduce((x, y) => x.or(y));
  if (a.kind === "list" && b.kind === "list") {
    slow = slow.or(a.whole.list.lst.lengths().neq(b.whole.list.lst.lengths()).fillNull(true));
  }
  if (name === "series_multiply") {
    for (const o of [a, b]) {
      const big = o.kind === "list"
        ? o.whole.list.lst.eval(pl.element().abs()).lst.max().gt(PRODUCT_SAFE).fillNull(false)
        : pl.lit(Math.abs(o.value) > PRODUCT_SAFE);
      slow = slow.or(big);
    }
  }
  let result: Expr;
  if (a.kind === "list" && b.kind === "list") {
    // nodejs-polars 0.25.2 has no list arithmetic (it panics): the two lists, of one length
    // here, are concatenated and each half read by position within the list.
    const e = pl.element();
    const n = e.count().add(e.nullCount()).cast(pl.Int64);
    const half = n.div(2).cast(pl.Int64);
    const first = e.gather(pl.intRange(whole(0), half, 1, pl.Int64));
    const second = e.gather(pl.intRange(half, n, 1, pl.Int64));
    // Polars computes this on the slow rows too: their lists (of different lengths, whose
    // halves do not pair up and fail the whole query) are left out.
    const pairs = pl.when(slow).then(pl.lit(null)).otherwise(
      pl.concatList([a.whole.list, b.whole.list]),
    );
    result = pairs.lst.eval(op(first, second));
  } else if (a.kind === "list") {
    result = a.whole.list.lst.eval(op(pl.element(), whole(constantOf(b))));
  } else {
    result = (b as { whole: WholeList }).whole.list.lst.eval(
      op(whole(constantOf(a)), pl.element()),
    );
  }
  return withFallback(listJson(result), "dynamic", slow, args, env, fn);
}

function constantOf(o: Operand): number {
  return o.kind === "constant" ? o.value : 0;
}

/** A whole-number literal as a long (a bare JavaScript number would be a double). */
function whole(value: number): Expr {
  return pl.lit(value).cast(pl.Int64);
}

/**
 * `series_sum(s)` natively over whole-number series (exact: 15-digit elements sum below
 * 2^53 for any series make-series can make), `fn` on the other rows.
 */
export function nativeSum(
  args: readonly Typed[],
  env: ExprEnv,
  fn: (values: JsValue[]) => JsValue,
): Typed | undefined {
  if (!nativeDynamic() || args.length !== 1) return undefined;
  const whole = wholeList(args[0]);
  if (!whole) return undefined;
  const sum = whole.list.lst.sum().cast(pl.Float64);
  return withFallback(sum, "real", whole.plain.not(), args, env, fn);
}

/**
 * `series_fill_const(s, c)` natively for a whole constant `c` over whole-number series (no
 * placeholder: the missing elements are the nulls), `fn` on the other rows.
 */
export function nativeFillConst(
  args: readonly Typed[],
  env: ExprEnv,
  fn: (values: JsValue[]) => JsValue,
): Typed | undefined {
  if (!nativeDynamic() || args.length !== 2) return undefined;
  const whole = wholeList(args[0]);
  const value = wholeConstant(args[1]);
  if (!whole || value === undefined) return undefined;
  const filled = whole.list.lst.eval(pl.element().fillNull(pl.lit(value).cast(pl.Int64)));
  return withFallback(listJson(filled), "dynamic", whole.plain.not(), args, env, fn);
}

/** `native` where `slow` is false; the JavaScript `fn` computes the `slow` rows alone. */
function withFallback(
  native: Expr,
  type: KustoType,
  slow: Expr,
  args: readonly Typed[],
  env: ExprEnv,
  fn: (values: JsValue[]) => JsValue,
): Typed {
  const js = env.rowwise(args, type, fn, slow);
  return { expr: pl.when(slow).then(js.expr).otherwise(native), type };
}
