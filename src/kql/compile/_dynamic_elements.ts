/**
 * The elements `mv-expand` makes of dynamic values held as JSON text, read by Polars: the
 * elements of an array, the one-key bags (or `[key, value]` pairs, `kind=array`) of a
 * property bag, the value itself for anything else, each as its JSON text, exactly as the
 * JavaScript expansion writes it (`JSON.stringify` of each element of `JSON.parse`).
 *
 * A grammar (regular expressions, no parsing) recognises the text it can copy element by
 * element unchanged: compact JSON whose elements nest one level at most (`[1,"a",{"k":2}]`,
 * `{"a":[1,2],"b":{"x":"y"}}`), strings with escapes JavaScript writes back the same way,
 * numbers JavaScript writes back the same way, no key that is a whole number (JavaScript
 * puts those first) and no key twice in a bag (JavaScript keeps the last value). A row
 * holding anything else is one the exact (JavaScript) reading must compute: its `exact`
 * flag is set, and the caller stops the one-pass plan for it.
 *
 * The split is one regular-expression replacement that writes a separator after each
 * element (and the braces of each one-key bag), and a `split` on it.
 *
 * @module
 */
import { type Expr, pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";

/** A JSON string JavaScript writes back as it reads (escapes `\"`, `\\`, `\b\f\n\r\t`). */
const STR = String.raw`"(?:[^"\\\x00-\x1f]|\\["\\bfnrt])*"`;
/** A key: a string without escapes (so `":` ends it), never a whole number (checked apart). */
const KEY = String.raw`"[^"\\\x00-\x1f]*"`;
/** A number as JSON writes it (no exponent); which ones JavaScript writes back is checked apart. */
const NUM = String.raw`-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?`;
const SCALAR = `${STR}|${NUM}|true|false|null`;
const FLAT_ARRAY = String.raw`\[(?:(?:${SCALAR})(?:,(?:${SCALAR}))*)?\]`;
const FLAT_BAG = String.raw`\{(?:${KEY}:(?:${SCALAR})(?:,${KEY}:(?:${SCALAR}))*)?\}`;
/** An element: a scalar, or an array or bag of scalars. */
const ELEMENT = `${SCALAR}|${FLAT_ARRAY}|${FLAT_BAG}`;

const ARRAY_TEXT = String.raw`^\[(?:(?:${ELEMENT})(?:,(?:${ELEMENT}))*)?\]$`;
const BAG_TEXT = String.raw`^\{(?:${KEY}:(?:${ELEMENT})(?:,${KEY}:(?:${ELEMENT}))*)?\}$`;
const SCALAR_TEXT = `^(?:${SCALAR})$`;

/** The separator written after each element: no JSON text the grammar reads holds it. */
const SEP = "\u0001";

/** Each element of an array's text followed by the separator. */
const SPLIT_ARRAY = String.raw`(?:^\[)?(${ELEMENT})(?:,|\]$)`;
/** Each `key:value` of a bag's text, as a one-key bag or a `[key, value]` pair. */
const SPLIT_BAG = String.raw`(?:^\{)?(${KEY}):(${ELEMENT})(?:,|\}$)`;

/**
 * Numbers JavaScript writes otherwise (a number starts the text or follows `[`, `,` or `:`;
 * text in a string that looks like one only costs the exact reading): 16 digits or more in
 * all (rounded), a fraction ending in 0 other than `.0` (`2.50` is written `2.5`), negative
 * zero, below 1e-6 (an exponent). Whole-number keys: JavaScript lists them first.
 */
const NUMBER_AT = String.raw`(?:^|[:,\[])-?`;
const UNSAFE = [
  `${NUMBER_AT}[0-9]{16}`,
  ...Array.from({ length: 15 }, (_, i) => `${NUMBER_AT}[0-9]{${i + 1}}\\.[0-9]{${15 - i}}`),
  String.raw`${NUMBER_AT}[0-9]+\.[0-9]+0(?:[,\]}]|$)`,
  String.raw`(?:^|[:,\[])-0(?:\.0)?(?:[,\]}]|$)`,
  String.raw`${NUMBER_AT}0\.00000`,
  String.raw`"[0-9]+":`,
].join("|");

/**
 * Text `to typeof(string)` reads otherwise: JavaScript reads `2.0` as the number 2 there
 * (a typed expansion does not keep reals), written `2`.
 */
const INTEGRAL_REAL = String.raw`${NUMBER_AT}[0-9]+\.0(?:[,\]}]|$)`;

/** The keys of a bag's text (top level), each followed by the separator. */
const BAG_KEYS = String.raw`(?:^\{)?(${KEY}):(?:${ELEMENT})(?:,|\}$)`;
/** The keys of a bag of scalars found in an element, each followed by the separator. */
const FLAT_KEYS = String.raw`(?:^\{)?(${KEY}):(?:${SCALAR})(?:,|\}$)`;

/** Whether the keys listed in `text` (each followed by {@link SEP}) repeat one. */
function repeatsKey(keys: Expr): Expr {
  const list = keys.str.split(SEP);
  return list.lst.unique().lst.lengths().lt(list.lst.lengths());
}

/** `expr` where `when` holds, null elsewhere (work on the null rows costs nothing). */
function only(when: Expr, expr: Expr): Expr {
  return pl.when(when).then(expr).otherwise(pl.lit(null).cast(pl.Utf8));
}

/** What {@link jsonElements} reads of a column of JSON text. */
export interface JsonElements {
  /** Each row's element texts (`null` for a JSON null), a null list for a null row. */
  readonly list: Expr;
  /** Whether the row needs the exact reading (its list is then not to be read). */
  readonly exact: Expr;
}

/**
 * The elements `mv-expand` makes of each row of `text` (JSON text), as a list of their
 * JSON texts, and the rows the grammar cannot copy. `bag` says how a property bag expands
 * (`bag`: one-key bags; `array`: `[key, value]` pairs); `type` is the item's type (any but
 * `dynamic` reads `2.0` as 2, so `string` needs the exact reading for integral reals).
 */
export function jsonElements(
  text: Expr,
  bag: "bag" | "array",
  type: KustoType,
): JsonElements {
  // Each test reads only the rows the ones before did not settle.
  const isArray = text.str.contains(ARRAY_TEXT).fillNull(false);
  const isBag = only(isArray.not(), text).str.contains(BAG_TEXT).fillNull(false);
  const isScalar = only(isArray.or(isBag).not(), text).str.contains(SCALAR_TEXT)
    .fillNull(false);
  const read = isArray.or(isBag).or(isScalar);
  const readText = only(read, text);
  let unsafe = readText.str.contains(UNSAFE);
  if (type === "string") unsafe = unsafe.or(readText.str.contains(INTEGRAL_REAL));
  const repeated = repeatsKey(only(isBag, text).str.replaceAll(BAG_KEYS, `\${1}${SEP}`));
  const exact = text.isNotNull().and(read.not().or(unsafe.fillNull(false)))
    .or(repeated.fillNull(false));
  const arrays = only(isArray, text).str.replaceAll(SPLIT_ARRAY, `\${1}${SEP}`);
  const bags = only(isBag, text).str.replaceAll(
    SPLIT_BAG,
    bag === "bag" ? `{\${1}:\${2}}${SEP}` : `[\${1},\${2}]${SEP}`,
  );
  // Each element ends in the separator: the split's last part (empty) is dropped, and an
  // empty array or bag (no separator) makes no element.
  const parts = pl.when(isArray).then(arrays).when(isBag).then(bags)
    .otherwise(pl.lit(null).cast(pl.Utf8)).str.split(SEP);
  const split = parts.lst.slice(0, parts.lst.lengths().sub(1) as never);
  const list = pl.when(isScalar).then(pl.concatList([text])).otherwise(split);
  return { list, exact };
}

/**
 * Whether an element (its JSON text) holds a bag of scalars with a key twice (the JavaScript
 * expansion writes such a bag with the key once, its last value).
 */
export function elementRepeatsKey(element: Expr): Expr {
  // Two keys at least (a bag of one key repeats none): most one-key bags skip the search.
  const nested = only(element.str.contains(`":.*":`).fillNull(false), element);
  const bagText = nested.str.extract(`(${FLAT_BAG})`, 1);
  return repeatsKey(bagText.str.replaceAll(FLAT_KEYS, `\${1}${SEP}`)).fillNull(false);
}

/** The string a JSON string element holds (null for other elements). */
function decodedString(element: Expr): Expr {
  const quoted = only(element.str.startsWith('"').fillNull(false), element);
  return pl.concatString([pl.lit("["), quoted, pl.lit("]")], "")
    .str.jsonDecode(pl.List(pl.Utf8)).lst.first();
}

/** The types {@link elementValue} reads natively. */
export function readsElementsAs(type: KustoType): boolean {
  return ["dynamic", "string", "long", "real", "bool"].includes(type);
}

/**
 * An element (its JSON text, `null` for a JSON null) as a value of `type`, as the
 * JavaScript expansion casts it: `dynamic` its text (null for `null`); `string` a string's
 * own text, the JSON text of anything else, empty for null; `long` a number's whole part;
 * `real` a number; `bool` a boolean; null for elements of another kind.
 */
export function elementValue(element: Expr, type: KustoType): Expr {
  const isNull = element.isNull().or(element.eq(pl.lit("null")));
  switch (type) {
    case "dynamic":
      return pl.when(isNull).then(pl.lit(null).cast(pl.Utf8)).otherwise(element);
    case "string":
      return elementString(element).fillNull(pl.lit(""));
    case "long":
      return numberOf(element).cast(pl.Int64, false as never);
    case "real":
      return numberOf(element);
    case "bool":
      return pl.when(element.eq(pl.lit("true"))).then(pl.lit(true))
        .when(element.eq(pl.lit("false"))).then(pl.lit(false))
        .otherwise(pl.lit(null).cast(pl.Bool));
    default:
      throw new Error(`elements are not read natively as ${type}`);
  }
}

/** `tostring()` of an element: a string's text, the JSON text of others, null for null. */
export function elementString(element: Expr): Expr {
  const isNull = element.isNull().or(element.eq(pl.lit("null")));
  return pl.when(isNull).then(pl.lit(null).cast(pl.Utf8))
    .when(element.str.startsWith('"')).then(decodedString(element))
    .otherwise(element);
}

/** A number element's value (null for other elements: the text does not cast). */
function numberOf(element: Expr): Expr {
  const number = only(element.str.contains(`^${NUM}$`).fillNull(false), element);
  return number.cast(pl.Float64, false as never);
}
