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
 * puts those first) and no key twice in a bag, at any depth (JavaScript keeps the last
 * value). A row holding anything else is one the exact (JavaScript) reading must compute:
 * its `exact` flag is set, and the caller stops the one-pass plan for it; the bags inside
 * an array's elements, and for `to typeof(string)` the reals written `2.0` inside them, are
 * checked on the elements expanded ({@link elementNeedsExact}).
 *
 * The costs, over 1M rows of a few elements each: the grammar's checks are a quick scan
 * each (a regular expression without captures); the split is one replacement whose pattern
 * is one-pass (a delimiter, then an element told apart by its first byte), which Rust's
 * regex engine reads captures of cheaply (about half the time of the pattern it replaced);
 * under a small limit, an array's first elements only are split, in one match (a third of
 * the time for 3 of 5); the part after a row's last element stays in its list, for the
 * explode to drop by position (slicing each list cost more than the split); a flat bag's
 * (scalars, no comma or escape in its strings) is cut by literal replacements at its
 * commas, about a quarter of the split's time; a key twice is found by Polars'
 * own JSON reading (serde keeps one of two equal keys, so its compact text differs from the
 * row's), only in bags holding two keys at least. Each check and the split are frame
 * columns of their own, read once each. Bags of a source column's known shape, verified
 * row by row, skip all of that: `_bag_shapes.ts` cuts them at their keys.
 *
 * @module
 */
import { type Expr, pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import { type BagShape, shapedParts } from "./_bag_shapes.ts";

/** A JSON string JavaScript writes back as it reads (escapes `\"`, `\\`, `\b\f\n\r\t`). */
const STR = String.raw`"(?:[^"\\\x00-\x1f]|\\["\\bfnrt])*"`;
/** A key: a string without escapes (so `":` ends it), never a whole number (checked apart). */
const KEY = String.raw`"[^"\\\x00-\x1f]*"`;
/** A number as JSON writes it (no exponent); which ones JavaScript writes back is checked apart. */
const NUM = String.raw`-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?`;
const SCALAR = `${STR}|${NUM}|true|false|null`;
const FLAT_ARRAY = String.raw`\[(?:(?:${SCALAR})(?:,(?:${SCALAR}))*)?\]`;
const FLAT_BAG = String.raw`\{(?:${KEY}:(?:${SCALAR})(?:,${KEY}:(?:${SCALAR}))*)?\}`;
/** An element: a scalar, or an array or bag of scalars (each kind known by its first byte). */
const ELEMENT = `${SCALAR}|${FLAT_ARRAY}|${FLAT_BAG}`;

const ARRAY_TEXT = String.raw`^\[(?:(?:${ELEMENT})(?:,(?:${ELEMENT}))*)?\]$`;
const BAG_TEXT = String.raw`^\{(?:${KEY}:(?:${ELEMENT})(?:,${KEY}:(?:${ELEMENT}))*)?\}$`;
const SCALAR_TEXT = `^(?:${SCALAR})$`;

/**
 * A flat bag whose only commas are its members' delimiters: keys and strings hold no comma
 * and no escape (nor a colon first), values are scalars. Its members are cut at each comma,
 * its `[key, value]` pairs also at each `":` (a key's end: no string holds a quote, nor
 * opens with a colon), by literal replacements (several times cheaper than the capturing
 * split over the same rows).
 */
const PLAIN_STR = String.raw`"(?:[^"\\\x00-\x1f,:][^"\\\x00-\x1f,]*)?"`;
const PLAIN_MEMBER = `${PLAIN_STR}:(?:${PLAIN_STR}|${NUM}|true|false|null)`;
const PLAIN_BAG_TEXT = String.raw`^\{${PLAIN_MEMBER}(?:,${PLAIN_MEMBER})*\}$`;

/** The separator written after each element: no JSON text the grammar reads holds it. */
const SEP = "\u0001";

/**
 * Each element of an array's text, after its delimiter (the opening bracket or a comma).
 * On text {@link ARRAY_TEXT} reads, each match starts where the one before ended, and the
 * closing bracket is left over. The pattern is one-pass (every choice is made by the next
 * byte), so Rust's regex engine finds the capture in the same scan as the match.
 */
const SPLIT_ARRAY = String.raw`[\[,](${ELEMENT})`;
/** The largest limit {@link splitFirst} reads an array's first elements for. */
const SPLIT_FIRST_MAX = 16;

/**
 * The pattern and replacement that split an array's first `n` elements apart, in one match
 * (`replace` takes one: Polars' regular `replace` of `n` matches replaces the first only):
 * each element the pattern reaches followed by the separator, then as many empty parts as
 * it did not reach (a row shorter than `n`), then what is left of the text, whole. One-pass
 * too: after each element, a comma goes on and anything else stops.
 */
function splitFirst(n: number): [string, string] {
  let pattern = "";
  for (let k = n; k >= 1; k--) {
    pattern = k === n ? `(${ELEMENT})` : `(${ELEMENT})(?:,${pattern})?`;
  }
  const replacement = Array.from({ length: n }, (_, k) => `\${${k + 1}}${SEP}`).join("");
  return [String.raw`^\[` + pattern, replacement];
}

/** Each `key:value` of a bag's text (after `{` or a comma); `}` is left over. */
const SPLIT_MEMBER = String.raw`[{,](${KEY}:(?:${ELEMENT}))`;
/** Each key and value of a bag's text, apart (for `[key, value]` pairs). */
const SPLIT_PAIR = String.raw`[{,](${KEY}):(${ELEMENT})`;

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

/** Text holding two keys (at any depth): only such a text may hold a key twice. */
const TWO_KEYS = `":.*":`;

/**
 * A real written `2.0` inside an array or bag element: `to typeof(string)` writes the
 * element as JavaScript reads it (the number 2, written `2`).
 */
const INTEGRAL_REAL_INSIDE = String.raw`^[\[{](?:.*[:,\[])?-?[0-9]+\.0[,\]}]`;

/** `expr` where `when` holds, null elsewhere (work on the null rows costs nothing). */
function only(when: Expr, expr: Expr): Expr {
  return pl.when(when).then(expr).otherwise(pl.lit(null).cast(pl.Utf8));
}

/** What {@link jsonElements} reads of a column of JSON text. */
export interface JsonElements {
  /**
   * Columns to add to the frame first, step by step (each step reads the ones before): the
   * checks and the split read the text once each, whatever Polars' common subexpression
   * elimination shares.
   */
  readonly steps: readonly (readonly Expr[])[];
  /**
   * Each row's element texts (`null` for a JSON null), then one part that is no element
   * (what follows the last one: dropping it from each list cost more than the rest of
   * the expansion, so the explode drops it, see `explodeList`); a null list for a null
   * row. Under a `limit`, an array's list may hold empty parts before that last one
   * (elements are never empty): its first elements only are split apart.
   */
  readonly list: Expr;
  /** Whether the row needs the exact reading (its list is then not to be read). */
  readonly exact: Expr;
  /**
   * Whether the row is an array (not null): only an array's bag elements may still hold a
   * key twice once expanded (a bag row was checked whole), see {@link elementNeedsExact}.
   */
  readonly arrays: Expr;
}

/**
 * Rows of a column's bags that verify a known shape (`_bag_shapes.ts`), which
 * {@link jsonElements} cuts apart by the shape: `text` holds them, the `text` it is given
 * holds null there.
 */
export interface ShapedRows {
  readonly shape: BagShape;
  /** Whether the row verifies the shape. */
  readonly verified: Expr;
  /** The rows' JSON text. */
  readonly text: Expr;
}

/** Whether an item of `type` writes an element's own text (a key twice there matters). */
function readsInside(type: KustoType): boolean {
  return type === "dynamic" || type === "string";
}

/**
 * The elements `mv-expand` makes of each row of `text` (JSON text; null for rows read
 * otherwise), as a list of their JSON texts, and the rows the grammar cannot copy, with the
 * frame columns named after `prefix` they read. `bag` says how a property bag expands
 * (`bag`: one-key bags; `array`: `[key, value]` pairs). A bag row with a key twice (at any
 * depth) is read exactly; an array's elements are checked once expanded, see
 * {@link elementNeedsExact}. The rows of `shaped` (bags verified to have a known shape, null
 * in `text`) are cut apart by `_bag_shapes.ts` instead, a list of their own.
 */
export function jsonElements(
  text: Expr,
  prefix: string,
  bag: "bag" | "array",
  shaped?: ShapedRows,
  limit = Infinity,
): JsonElements {
  const col = (name: string) => pl.col(`${prefix}_${name}`);
  const source = col("source");
  // Each test fails at the first byte of the others' rows (no copy of the text to skip them).
  const kinds = [
    source.str.contains(ARRAY_TEXT).fillNull(false).alias(`${prefix}_array`),
    source.str.contains(BAG_TEXT).fillNull(false).alias(`${prefix}_bag`),
    source.str.contains(SCALAR_TEXT).fillNull(false).alias(`${prefix}_scalar`),
    source.str.contains(PLAIN_BAG_TEXT).fillNull(false).alias(`${prefix}_flat`),
  ];
  const [isArray, isBag, isScalar] = [col("array"), col("bag"), col("scalar")];
  const isFlat = col("flat");
  const read = isArray.or(isBag).or(isScalar);
  // Columns of their own, each read by several checks (Polars' common subexpression
  // elimination does not share them: each use ran the regular expression again).
  const unsafe = col("unsafe");
  const twoKeys = col("twokeys");
  const checked = col("checked");
  // A key twice in a bag's text: serde keeps one (the last value), so its compact writing
  // differs. The bags inside an array's elements are checked once expanded (only those a
  // limit keeps, see elementNeedsExact).
  const checks = [
    only(read, source).str.contains(UNSAFE).fillNull(false).alias(`${prefix}_unsafe`),
    only(isBag, source).str.contains(TWO_KEYS).fillNull(false).alias(`${prefix}_twokeys`),
  ];
  // (A text serde does not read, null, is read exactly too.)
  const repeated = checked.isNotNull()
    .and(checked.str.jsonPathMatch("$").neq(checked).fillNull(true));
  const exact = source.isNotNull().and(read.not().or(unsafe)).or(repeated);
  // Under a small limit, an array's first elements only: the split costs what it reads.
  const arrays = limit >= 1 && limit <= SPLIT_FIRST_MAX
    ? only(isArray, source).str.replace(...splitFirst(limit))
    : only(isArray, source).str.replaceAll(SPLIT_ARRAY, `\${1}${SEP}`);
  const nested = isBag.and(isFlat.not());
  const bags = bag === "bag"
    ? only(nested, source).str.replaceAll(SPLIT_MEMBER, `{\${1}}${SEP}`)
    : only(nested, source).str.replaceAll(SPLIT_PAIR, `[\${1},\${2}]${SEP}`);
  // A flat bag (`{"a":1,"b":"x"}`): `{"a":1}SEP{"b":"x"}SEP`, or `["a",1]SEP["b","x"]SEP`
  // (null on the other rows: no null ignored by the concatenation).
  const flat = only(isFlat, source);
  const flats = bag === "bag"
    ? pl.concatString([flat.str.replaceAll(",", `}${SEP}{`, true as never), pl.lit(SEP)], "", false)
    : pl.concatString(
      [
        pl.lit("["),
        // (A scalar ends the text: the one brace stripped is the bag's.)
        flat.str.slice(1).str.replaceAll(",", `]${SEP}[`, true as never)
          .str.replaceAll(`":`, `",`, true as never).str.stripCharsEnd("}"),
        pl.lit(`]${SEP}`),
      ],
      "",
      false,
    );
  // Each element ends in the separator: the split's last part (the closing bracket or
  // brace, empty after a scalar; the whole text of an empty array or bag) is none, left
  // for the explode to drop. One split of the rows' texts: no choice between lists.
  const scalar = only(isScalar, pl.concatString([source, pl.lit(SEP)], ""));
  // Rows verified to have a known shape (null in `text`): cut apart by `_bag_shapes.ts`,
  // ending, as the others, in a part that is none (the same split).
  const verified = shaped &&
    pl.concatString(
      [shapedParts(only(shaped.verified, shaped.text), shaped.shape, bag, SEP), pl.lit(SEP)],
      "",
      false,
    );
  const parts = (verified ? verified.fillNull(arrays) : arrays)
    .fillNull(flats).fillNull(bags).fillNull(scalar).str.split(SEP);
  return {
    steps: [
      [text.alias(`${prefix}_source`)],
      kinds,
      [parts.alias(`${prefix}_parts`), ...checks],
      [only(twoKeys.and(unsafe.not()), source).alias(`${prefix}_checked`)],
      [exact.alias(`${prefix}_exact`)],
    ],
    list: col("parts"),
    exact: col("exact"),
    arrays: col("array"),
  };
}

/**
 * Whether an element (its JSON text) of a row {@link jsonElements} copies must still be
 * read exactly, as an item of `type` (`dynamic` and `string`, which write it): a bag with a
 * key twice (an array's element: a bag row was checked whole), and for `string`, an array
 * or bag holding a real written `2.0` (JavaScript writes it `2` there). Only the elements
 * expanded are checked (a limit's others are not); `arrays` (each element's row is an
 * array, see {@link JsonElements.arrays}) spares the key search on a bag row's elements.
 * Undefined for the other types.
 */
export function elementNeedsExact(
  element: Expr,
  type: KustoType,
  arrays?: Expr,
): Expr | undefined {
  if (!readsInside(type)) return undefined;
  // A bag element of an array with a key twice (a bag row's were checked whole: with
  // `arrays`, the elements of the other rows are not searched). Anchored tests: any other
  // element fails at its first byte.
  const inArray = arrays ? only(arrays, element) : element;
  const twoKeys = inArray.str.contains(`^\\{.*${TWO_KEYS}`).fillNull(false);
  const checked = only(twoKeys, element);
  const repeated = checked.isNotNull()
    .and(checked.str.jsonPathMatch("$").neq(checked).fillNull(true));
  if (type !== "string") return repeated;
  const real = element.str.contains(INTEGRAL_REAL_INSIDE).fillNull(false);
  return repeated.or(real);
}

/**
 * Whether an element is a string holding an escape (serde decodes it; the grammar let
 * through only the escapes JavaScript writes alike). Any other string holds no quote
 * between its own two, nor does any other element start or end with one: stripping quotes
 * off both ends of every element is `tostring()` of the strings, and leaves the others as
 * they are (one copy of the texts, no choice between readings).
 */
function escapedString(element: Expr): Expr {
  return element.str.startsWith('"').and(element.str.contains("\\", true as never))
    .fillNull(false);
}

/** The types {@link elementValue} reads natively. */
export function readsElementsAs(type: KustoType): boolean {
  return ["dynamic", "string", "long", "real", "bool"].includes(type);
}

/**
 * An element (its JSON text, `null` for a JSON null) as a value of `type`, as the
 * JavaScript expansion casts it: `dynamic` its text (null for `null`); `string` a string's
 * own text, the JSON text of anything else (a real written `2.0` as `2`), empty for null;
 * `long` a number's whole part; `real` a number; `bool` a boolean; null for elements of
 * another kind.
 */
export function elementValue(element: Expr, type: KustoType): Expr {
  switch (type) {
    case "dynamic":
      return pl.when(element.eq(pl.lit("null"))).then(pl.lit(null).cast(pl.Utf8))
        .otherwise(element);
    case "string": {
      // JavaScript reads `2.0` as the number 2 (a typed expansion keeps no reals): no other
      // element ends in `.0` (strings end in a quote, `2.50` in a 0).
      const real = element.str.endsWith(".0").fillNull(false);
      return readString(element, [real, only(real, element).str.replace(".0", "", true)])
        .fillNull(pl.lit(""));
    }
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
  return readString(element);
}

/**
 * An element's string (see {@link escapedString}), in one choice: null for `null`, the
 * reading `first` gives where its test holds, serde's decoding of a string with escapes,
 * else the text with the quotes stripped.
 */
function readString(element: Expr, first?: [Expr, Expr]): Expr {
  const escaped = escapedString(element);
  let read = pl.when(element.eq(pl.lit("null"))).then(pl.lit(null).cast(pl.Utf8));
  if (first) read = read.when(first[0]).then(first[1]);
  return read.when(escaped).then(only(escaped, element).str.jsonPathMatch("$"))
    .otherwise(element.str.stripChars('"'));
}

/** A number element's value (null for other elements: the text does not cast). */
function numberOf(element: Expr): Expr {
  const number = only(element.str.contains(`^${NUM}$`).fillNull(false), element);
  return number.cast(pl.Float64, false as never);
}
