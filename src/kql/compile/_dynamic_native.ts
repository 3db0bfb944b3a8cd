/**
 * Dynamic values read natively: property access (`d.a.b`, `d["a"]`, `d[0]`) and `tostring()`
 * of a dynamic value as Polars' JSON-path match on the text, and arrays of strings Polars
 * builds (`pack_array`, `split`) carried as Polars lists next to their JSON text: `mv-expand`
 * explodes the list, `array_length` and `a[i]` read it, and the text is only computed when
 * something reads the value as JSON.
 *
 * Dynamic values are JSON text. Polars reads JSON with serde, JavaScript with `JSON.parse`;
 * they agree on everything but a few spellings (numbers beyond 2^53 or with exponents, text
 * serde rejects). Rows that may hold one of those are computed by the JavaScript path, and
 * only those rows: the values are the same as the JavaScript path's, row for row.
 *
 * @module
 */
import { regexEscape } from "../runtime/_text.ts";
import { type DataFrame, type Expr, type LazyDataFrame, pl } from "../../polars.ts";
import type { ColumnSchema } from "../../schema/types.ts";
import type { KustoType } from "../../schema/types.ts";
import {
  dynamicToString,
  type JsValue,
  kustoToString,
  parseJsonKeepingReals,
} from "../runtime/_values.ts";
import type * as A from "../syntax/ast.ts";
import { isExactLongAsJson, isRealAsJson } from "../syntax/_literals.ts";
import { EXACT_JSON_NEEDED, type ExprEnv, type JsonPath, type Typed } from "./_context.ts";
import { type BagShape, pairKey, shapeCheck } from "./_bag_shapes.ts";
import {
  elementNeedsExact,
  elementString,
  elementValue,
  jsonElements,
  readsElementsAs,
} from "./_dynamic_elements.ts";

/**
 * Text whose reading may differ between serde and JavaScript: a number (after `:`, `,`, `[`
 * or at the start) of 16 digits or more in all (beyond 2^53, or a fraction serde may read
 * one unit off in its last place), with an exponent, a tiny fraction or negative zero, and
 * escaped surrogates (serde rejects a lone one). Text inside strings rarely looks like that.
 */
const RISKY = String.raw`(?:^|[:,\[])\s*(?:-?(?:[0-9]\.?){16}|-?[0-9.]+[eE]|-?0\.000|` +
  String.raw`-0(?:\.0*)?(?:[^.0-9eE]|$))|\\u[dD][89a-fA-F]`;

/**
 * Text {@link RISKY} matches is matched by this too (a looser test, quicker for the regex
 * engine): the one-pass reading's check, whose match only sends the query to the exact path.
 */
const RISKY_SUPERSET = String.raw`[:,\[]\s*(?:-?[0-9.]+[eE]|-?0\.000|-0)|(?:[0-9]\.?){16}|` +
  String.raw`^\s*-?[0-9.]|\\u[dD][89a-fA-F]`;

/**
 * A value read by serde that JavaScript may write differently: a number with an exponent,
 * of 16 digits or more in all (`0.12345678901234567`), a tiny fraction or negative zero (the whole value: `3e4f…`, a GUID,
 * is text). A bag or array read is checked with {@link RISKY}.
 */
const RISKY_NUMBER = String.raw`^-?(?:[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+|(?:[0-9]\.?){16}[0-9]*|` +
  String.raw`0\.000[0-9]*)$|^-0(?:\.0*)?$`;

/**
 * A value read by serde that JavaScript may write differently: {@link RISKY_NUMBER}, or a
 * bag or array holding such a number.
 */
const RISKY_READ = `${RISKY_NUMBER}|(?s:^\\s*[\\[{](?:.*[:,\\[])?\\s*(?:-?(?:[0-9]\\.?){16}|` +
  String.raw`-?[0-9.]+[eE]|-?0\.000|-0(?:\.0*)?(?:[^.0-9eE]|$)))`;

/**
 * Whether a value serde wrote from a scanned column's Polars text (`_raw_json.ts`) holds an
 * object whose keys may be in another order than the file's: a key that is a whole number
 * (JavaScript puts those first), or more than 32 keys (Polars' reader keeps the order of
 * at most 32). The text holds no escape (its guard), so every `":` ends a key.
 */
function reorderedKeys(read: Expr): Expr {
  const bag = pl.when(read.str.contains("{", true as never)).then(read)
    .otherwise(pl.lit(null).cast(pl.Utf8));
  const keys = bag.str.lengths().sub(bag.str.replaceAll(`":`, `"`, true).str.lengths());
  return bag.str.contains(`"[0-9]+":`).or(keys.gt(ORDERED_KEYS)).fillNull(false);
}

/** More keys than Polars' NDJSON reader keeps in order in one object. */
const ORDERED_KEYS = 32;

/** Whether native reading is on (tests turn it off to compare with the JavaScript path). */
let nativeEnabled = true;

/** Turns native dynamic reading on or off; returns the previous setting (for tests). */
export function setNativeDynamic(on: boolean): boolean {
  const was = nativeEnabled;
  nativeEnabled = on;
  return was;
}

/** Whether the native paths are on. */
export function nativeDynamic(): boolean {
  return nativeEnabled;
}

/** A key or index Polars' JSON path can spell, or undefined. */
export function pathStep(key: Typed): string | number | undefined {
  if (!key.constant) return undefined;
  const k = key.constant.value;
  if (typeof k === "number" && Number.isSafeInteger(k) && key.type !== "real") return k;
  if (typeof k === "string" && key.type === "string" && !/['\\]/.test(k)) return k;
  return undefined;
}

/** The JSON path of `steps`: `$['a'][0]`. */
export function jsonPathOf(steps: readonly (string | number)[]): string {
  return "$" + steps.map((s) => typeof s === "number" ? `[${s}]` : `['${s}']`).join("");
}

/** `o[k]` on a dynamic value: arrays by (negative) position, bags by key. */
export function dynamicGet(o: JsValue, k: JsValue): JsValue {
  if (o === null || k === null) return null;
  if (Array.isArray(o)) {
    if (typeof k !== "number") return null;
    const i = k < 0 ? o.length + k : k;
    return o[i] ?? null;
  }
  if (typeof o === "object" && !isRealAsJson(o) && !isExactLongAsJson(o)) {
    return (o as Record<string, unknown>)[String(k)] ?? null;
  }
  return null;
}

/** The JavaScript reading of `tostring(text[steps...])`. */
function toStringAt(text: string, path: JsonPath): string {
  const steps = path.steps;
  // A dynamic column's own text is written back as it reads (`null` stays `null`).
  if (steps.length === 0 && !path.parsed) return dynamicToString(text);
  let value: JsValue = parseJsonKeepingReals(text);
  for (const step of steps) value = dynamicGet(value, step);
  return value === null ? "" : kustoToString(value, "dynamic");
}

/**
 * Whether `text` could hold the step `last` (a null native reading of it then needs
 * JavaScript): a key is a word of the text; an index reads arrays (any array may hold it,
 * if serde could not read the text) and, as a key, bags.
 */
function unreadOf(text: Expr, last: string | number): Expr {
  const word = text.str.contains(String(last), true as never);
  return typeof last === "number" ? word.or(text.str.contains("[", true as never)) : word;
}

/**
 * `tostring()` of the value at `path` in JSON text, as Polars' JSON-path match; the rows it
 * may read differently from JavaScript are computed in JavaScript. Where it is known for
 * every row ({@link JsonPath.key}: `F[0]` of an expanded column, written by the expansion),
 * that column is read, and the text is neither read nor checked (nor computed).
 */
export function nativeToString(path: JsonPath, env: ExprEnv): Typed {
  const source = path.source;
  const native = source.str.jsonPathMatch(jsonPathOf(path.steps));
  // Native null: a missing key, JSON null or text serde did not read. JavaScript decides
  // when the text could hold the key (or is not JSON at all).
  const last = path.steps.at(-1);
  const unread = last === undefined ? true : unreadOf(source, last);
  if (!env.ctx.exactJson && path.steps.length > 0) {
    // The answer written beside the column (the column itself is not even computed), null
    // where the exact reading is needed.
    if (path.key) return env.column(exactWhereNull(path.key), "string");
    // A scanned nested column's Polars text, when it has one: no compaction to wait for.
    const text = path.raw ?? source;
    // A column of its own: Polars does not share a JSON-path match between its uses.
    const read = env.column(
      path.raw ? text.str.jsonPathMatch(jsonPathOf(path.steps)) : native,
      "string",
    ).expr;
    return env.column(checkedRead(read, text, last!, path.raw !== undefined), "string");
  }
  const own = path.steps.length === 0 && !path.parsed;
  if (!env.ctx.exactJson && own) return ownText(path, env);
  // A value's own text is written as JavaScript writes it: whole-number keys first.
  const slow = source.str.contains(own ? `${RISKY}|${WHOLE_NUMBER_KEY}` : RISKY)
    .or(native.isNull().and(unread === true ? pl.lit(true) : unread)).fillNull(false);
  const js = env.rowwise(
    [{ expr: source, type: "string" }],
    "string",
    ([t]) => t === null ? "" : toStringAt(t as string, path),
    slow,
  );
  return {
    expr: pl.when(slow).then(js.expr).otherwise(native.fillNull(pl.lit(""))),
    type: "string",
  };
}

/**
 * `read` (Polars' JSON-path match in `text` of a path ending in `last`) as `tostring()`
 * reads it, in one pass: the native reading, and an error (a strict cast of the marker
 * {@link EXACT_JSON_NEEDED}) on any row the exact reading could read differently; the query
 * then runs again, exactly. Only the value read can differ (its numbers, as serde writes
 * them: RISKY on the short value, not the whole text), or a text serde could not read (the
 * checks of the text run on the rows whose value is null only; on the others they see
 * null). `raw`: the text is a scanned column's Polars text, whose keys may be reordered.
 */
function checkedRead(read: Expr, text: Expr, last: string | number, raw = false): Expr {
  const maybeSlow = readsOtherwise(read, text, last, raw);
  // The guard is null on every row it lets through (a marker fails the strict cast), so
  // the value is chosen on it: no string is built or copied for the check.
  const guard = pl.when(maybeSlow).then(pl.lit(EXACT_JSON_NEEDED)).otherwise(pl.lit(null))
    .cast(pl.Int64, true as never);
  return pl.when(guard.isNull()).then(read).otherwise(pl.lit(null)).fillNull(pl.lit(""));
}

/** Whether the exact reading may read `read` otherwise (see {@link checkedRead}). */
function readsOtherwise(read: Expr, text: Expr, last: string | number, raw = false): Expr {
  // One regex for each: a text with a backslash may spell the key with an escape.
  const word = typeof last === "number" ? `${last}|\\[` : regexEscape(String(last));
  const unreadText = pl.when(read.isNull()).then(text).otherwise(pl.lit(null));
  const maybeSlow = read.str.contains(RISKY_READ)
    .or(unreadText.str.contains(`${RISKY_SUPERSET}|\\\\|${word}`))
    .fillNull(false);
  return raw ? maybeSlow.or(reorderedKeys(read)) : maybeSlow;
}

/**
 * `value`, and an error ({@link EXACT_JSON_NEEDED}: the query runs again, exactly) on a
 * row where it is null.
 */
function exactWhereNull(value: Expr): Expr {
  const guard = pl.when(value.isNull()).then(pl.lit(EXACT_JSON_NEEDED)).otherwise(pl.lit(null))
    .cast(pl.Int64, true as never);
  return pl.when(guard.isNull()).then(value).otherwise(pl.lit(null));
}

/** A key that is a whole number (or looks like one), which JavaScript writes first. */
const WHOLE_NUMBER_KEY = String.raw`"[0-9]+"\s*:`;

/**
 * `tostring()` of a dynamic column's own text in one pass (no rows read out while planning):
 * serde's writing of it, and an error ({@link EXACT_JSON_NEEDED}) on any row JavaScript may
 * write otherwise, after which the query runs again exactly: a number serde may spell
 * otherwise or an escaped surrogate ({@link RISKY_SUPERSET}), a key that is a whole number
 * (JavaScript writes those first), or a text serde did not read (or JSON `null`).
 */
function ownText(path: JsonPath, env: ExprEnv): Typed {
  const text = path.source;
  // A column of its own: the guard and the value both read it.
  const read = env.column(text.str.jsonPathMatch("$"), "string").expr;
  const maybeSlow = text.str.contains(`${RISKY_SUPERSET}|${WHOLE_NUMBER_KEY}`)
    .or(read.isNull().and(text.isNotNull())).fillNull(false);
  const guard = pl.when(maybeSlow).then(pl.lit(EXACT_JSON_NEEDED)).otherwise(pl.lit(null))
    .cast(pl.Int64, true as never);
  const value = pl.when(guard.isNull()).then(read).otherwise(pl.lit(null)).fillNull(pl.lit(""));
  return env.column(value, "string");
}

/**
 * The JSON text of a string (or of a list of strings): `"a\"b"`, as `JSON.stringify` writes
 * it (Polars' writer escapes the same characters: `"`, `\`, and the control characters, as
 * `\n` or `\u001f`; a Polars string is UTF-8, so it holds no lone surrogate). Not null on
 * a null row: callers choose null there.
 */
function jsonQuote(text: Expr): Expr {
  // The writer costs as much on a row whose field is null as on a string, and next to
  // nothing on a null struct: null rows (most rows of an expanded column read from element
  // texts) are masked whole. (Quoting by concatenation where no character needs an escape
  // measured slower: choosing between two strings per row costs about what the writer does.)
  const struct = pl.when(text.isNotNull()).then(pl.struct([text.alias("v")]))
    .otherwise(pl.lit(null));
  // `{"v":…}`: the closing quote (or bracket) stops the strip at the one brace.
  return struct.struct.jsonEncode().str.slice(5).str.stripCharsEnd("}");
}

/**
 * `pack_array` of string values, built by Polars: the JSON text of the array, and the list
 * of its elements' JSON texts for `mv-expand`. Undefined when a value is not a string.
 */
export function nativePackArray(args: readonly Typed[]): Typed | undefined {
  if (!nativeEnabled || args.length === 0) return undefined;
  if (args.some((a) => a.type !== "string") || args.every((a) => a.constant)) return undefined;
  const values = args.map((a) => a.expr.fillNull(pl.lit("")));
  const quoted = values.map(jsonQuote);
  const parts: Expr[] = [pl.lit("[")];
  quoted.forEach((q, i) => parts.push(...(i > 0 ? [pl.lit(","), q] : [q])));
  parts.push(pl.lit("]"));
  return {
    expr: pl.concatString(parts, ""),
    type: "dynamic",
    jsonList: { strings: pl.concatList(values), nonEmpty: true },
  };
}

/**
 * A dynamic array of strings built by Polars: its JSON `text` and the `strings` list (null
 * where the text is `null`; no null elements), which native readers use instead of the text;
 * `nonEmpty` when no array is empty.
 */
export function nativeStringArray(text: Expr, strings: Expr, nonEmpty = false): Typed {
  if (!nativeEnabled) return { expr: text, type: "dynamic" };
  return { expr: text, type: "dynamic", jsonList: { strings, nonEmpty } };
}

/** The list of strings of a native array, or undefined. */
export function nativeElements(value: Typed): Expr | undefined {
  return nativeEnabled ? value.jsonList?.strings : undefined;
}

/** `array_length()` of a native array: its list's length (null for a null array). */
export function nativeArrayLength(args: readonly Typed[]): Typed | undefined {
  const list = args.length === 1 ? nativeElements(args[0]) : undefined;
  if (!list) return undefined;
  return { expr: list.lst.lengths().cast(pl.Int64), type: "long" };
}

/** A constant whole number argument, or undefined. */
function constantWhole(arg: Typed): number | undefined {
  const v = arg.constant?.value;
  return typeof v === "number" && Number.isSafeInteger(v) ? v : undefined;
}

/**
 * `array_slice(a, start, end)` of a native array with constant positions (both inclusive,
 * negative from the end, clamped to the array): a native array again.
 */
export function nativeArraySlice(args: readonly Typed[]): Typed | undefined {
  const list = args.length === 3 ? nativeElements(args[0]) : undefined;
  const start = constantWhole(args[1]);
  const end = constantWhole(args[2]);
  if (!list || start === undefined || end === undefined) return undefined;
  const n = list.lst.lengths().cast(pl.Int64);
  const zero = pl.lit(0).cast(pl.Int64);
  const from = start < 0
    ? pl.when(n.add(start).lt(zero)).then(zero).otherwise(n.add(start))
    : pl.lit(start).cast(pl.Int64);
  // Past the end needs no clamp: Polars' slice stops at the end of the list.
  const to = end < 0 ? n.add(end) : pl.lit(end).cast(pl.Int64);
  const length = pl.when(to.lt(from)).then(zero).otherwise(to.sub(from).add(1));
  const sliced = pl.when(list.isNull()).then(pl.lit(null)).otherwise(
    list.lst.slice(from as never, length as never),
  );
  const text = pl.when(list.isNull()).then(pl.lit(null).cast(pl.Utf8)).otherwise(
    jsonQuote(sliced),
  );
  return nativeStringArray(text, sliced);
}

/**
 * `set_has_element()` of a native array and a string: the list's `contains` (null for a
 * null array, false for a null value, as the JavaScript path).
 */
export function nativeHasElement(args: readonly Typed[]): Typed | undefined {
  const list = args.length === 2 ? nativeElements(args[0]) : undefined;
  if (!list || args[1].type !== "string") return undefined;
  const value = args[1].expr;
  return {
    expr: pl.when(list.isNull()).then(pl.lit(null).cast(pl.Bool))
      .when(value.isNull()).then(pl.lit(false))
      .otherwise(list.lst.contains(value)),
    type: "bool",
  };
}

/** `a[i]` of a native array for a constant whole `i` (negative from the end). */
function nativeIndex(list: Expr, at: number): Typed {
  const element = list.lst.get(at, true);
  return {
    expr: pl.when(element.isNull()).then(pl.lit(null).cast(pl.Utf8)).otherwise(jsonQuote(element)),
    type: "dynamic",
    jsonString: element,
  };
}

/**
 * A JSON string serde and `JSON.parse` read alike: no raw control character, no bad escape,
 * no escaped surrogate (serde rejects a lone one, which JavaScript reads).
 */
const JSON_STRING = String
  .raw`"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u(?:[0-9a-cA-Ce-fE-F][0-9a-fA-F]|[dD][0-7])[0-9a-fA-F]{2}))*"`;

/** The compact JSON text of an array of strings: `[]`, `["a","b c"]`. */
const PLAIN_STRING_ARRAY = `^\\[(?:${JSON_STRING}(?:,${JSON_STRING})*)?\\]$`;

/**
 * The elements of a dynamic value holding arrays of strings, in two steps: `text`, its JSON
 * text (a dynamic column, or a property of one: `AdditionalFields.Tags`, read by Polars'
 * JSON path), to add to the frame as column `column` first, then `list`, a Polars list
 * decoded from that column, for `mv-expand`; undefined outside the one-pass reading. A row
 * holding anything else (a bag, numbers, an escape, text serde may read differently) fails
 * with {@link EXACT_JSON_NEEDED}, and the query runs again exactly. Drops the value's own
 * JavaScript job when the path is read instead: call it only when the list is used.
 *
 * The text is a column of its own because each check reads it: Polars' common
 * subexpression elimination does not share a JSON path read nested in several checks, and
 * the path read (a JSON parse of the whole value) is the costly part.
 */
export function nativeJsonStrings(
  value: Typed,
  expression: A.Expression,
  env: ExprEnv,
  column: string,
  elements?: ElementsOptions,
): JsonStringsRead | undefined {
  if (!decodableJson(value, expression, env)) return undefined;
  const path = value.jsonPath;
  let source = value.expr;
  const text = pl.col(column);
  let unread: Expr = pl.lit(false);
  let byIndex = false;
  if (path && path.steps.length > 0 && usedOnce(expression, env)) {
    if (path.job) env.discard(path.job);
    // A scanned nested column's Polars text, when it has one: no compaction to wait for.
    const from = path.raw ?? path.source;
    source = from.str.jsonPathMatch(jsonPathOf(path.steps));
    // Native null on a text that could hold the key (or serde could not read): exactly.
    // Searched only where the path read null (the other rows are null to the search).
    const last = path.steps.at(-1)!;
    byIndex = typeof last === "number";
    const word = typeof last === "number" ? `${last}|\\[` : regexEscape(String(last));
    const missed = pl.when(text.isNull()).then(from).otherwise(pl.lit(null).cast(pl.Utf8));
    // The path reads a string as its text, unquoted (`"[1]"` as `[1]`): exactly where the
    // value may be a string (the key then a quote, compact or after `: `, literals Polars
    // finds fast; for an index, a string opening with a bracket), or a key may be spelled
    // with an escape.
    const stringy = typeof last === "number"
      ? String.raw`"[\[{]|\\u`
      : [":", ": "].map((colon) => regexEscape(`"${last}"${colon}"`)).join("|") + String.raw`|\\u`;
    // From Polars' text (no backslash: its guard, so no string in it holds a quote) a string
    // reads as text without a quote: only the rows whose read has none are searched.
    const maybeString = path.raw ? text.str.contains(`"`, true as never).not() : text.isNotNull();
    const read = pl.when(maybeString).then(from).otherwise(pl.lit(null).cast(pl.Utf8));
    unread = missed.str.contains(`${RISKY_SUPERSET}|\\\\|${word}`).fillNull(false)
      .or(read.str.contains(stringy).fillNull(false));
  }
  const plain = text.str.contains(PLAIN_STRING_ARRAY).fillNull(false);
  if (path?.raw && source !== value.expr) {
    // Read from Polars' text: a value other than an array of strings may hold a number
    // Polars spelt its own way, or an object whose keys' order it did not keep.
    const other = pl.when(plain).then(pl.lit(null).cast(pl.Utf8)).otherwise(text);
    unread = unread.or(other.str.contains(RISKY_READ).fillNull(false)).or(reorderedKeys(other));
  }
  // Other rows: the elements of anything the grammar copies (`_dynamic_elements.ts`), when
  // asked for (not by an index: any string element would read as its text); the rest need
  // the exact reading.
  // Items of a type only element texts read (`long`, `real`, `bool`) read them in the first
  // plan too: the one before would be JavaScript's, at planning time.
  const elementTexts = elements && !byIndex &&
    (env.ctx.elementTexts || !readsStrings(elements.type));
  // Bags of a known shape (`_bag_shapes.ts`): the rows that verify are cut apart directly;
  // the general grammar reads the others (null to it: its checks cost nothing there).
  const shape = elementTexts ? elements.shape : undefined;
  const shaped = pl.col(`${column}_shaped`);
  const others = shape ? pl.col(`${column}_plain`).or(shaped) : pl.col(`${column}_plain`);
  const general = elementTexts &&
    jsonElements(
      pl.when(others).then(pl.lit(null).cast(pl.Utf8)).otherwise(text),
      column,
      elements.bag,
      shape && { shape, verified: shaped, text },
      elements.limit,
    );
  // With element texts, the test of arrays of strings is a column of its own (read again).
  const isPlain = general ? pl.col(`${column}_plain`) : plain;
  const other = general ? general.exact.or(unread) : text.isNotNull().and(plain.not()).or(unread);
  const guard = pl.when(other).then(pl.lit(EXACT_JSON_NEEDED)).otherwise(pl.lit(null))
    .cast(pl.Int64, true as never);
  const decoded = pl.when(isPlain).then(text).otherwise(pl.lit(null).cast(pl.Utf8))
    .str.jsonDecode(pl.List(pl.Utf8));
  const list = general ? pl.when(isPlain).then(decoded).otherwise(general.list) : decoded;
  return {
    text: source,
    ...(general
      ? {
        steps: [
          [
            plain.alias(`${column}_plain`),
            ...(shape
              ? [text.str.contains(shapeCheck(shape)).fillNull(false).alias(`${column}_shaped`)]
              : []),
          ],
          ...general.steps,
        ],
      }
      : {}),
    list: pl.when(guard.isNull()).then(list).otherwise(pl.lit(null)),
    ...(general ? { texts: isPlain.not(), arrays: general.arrays } : {}),
    ...(general && shape ? { shaped: { shape, verified: `${column}_shaped` } } : {}),
  };
}

/** Whether `type` reads arrays of strings natively without element texts. */
function readsStrings(type: KustoType): boolean {
  return type === "dynamic" || type === "string";
}

/** How {@link nativeJsonStrings} reads rows other than arrays of strings. */
export interface ElementsOptions {
  /** How a property bag expands: one-key bags, or `[key, value]` pairs (`kind=array`). */
  readonly bag: "bag" | "array";
  /** The item's type (`to typeof(…)`). */
  readonly type: KustoType;
  /** The shape the value's bags are likely to have (a source column's, `_bag_shapes.ts`). */
  readonly shape?: BagShape;
  /**
   * The expansion's limit: an array's elements past it are not split apart, so the list is
   * for {@link explodeList} under this same limit only (its parts past the elements split
   * are no elements); several items side by side (`explodeLists`) pass none.
   */
  readonly limit?: number;
}

/** What {@link nativeJsonStrings} reads: the text to add first, then the list. */
export interface JsonStringsRead {
  /** The JSON text, to add to the frame as the given column first. */
  readonly text: Expr;
  /**
   * With element texts: columns to add next, step by step, before the list (the checks
   * and the split of `_dynamic_elements.ts`, each read once).
   */
  readonly steps?: readonly (readonly Expr[])[];
  /** The list (strings, or element texts where `texts` holds). */
  readonly list: Expr;
  /**
   * With {@link ElementsOptions}: whether a row's list holds its elements' JSON texts
   * (`_dynamic_elements.ts`) rather than the strings of an array of strings.
   */
  readonly texts?: Expr;
  /**
   * With {@link ElementsOptions}: whether a row is an array read by its elements' texts
   * (only their bag elements are searched for a key twice once expanded).
   */
  readonly arrays?: Expr;
  /**
   * With {@link ElementsOptions.shape}: the shape, and the frame column (added by `steps`)
   * of the rows that verify it, cut apart by `_bag_shapes.ts`.
   */
  readonly shaped?: { readonly shape: BagShape; readonly verified: string };
}

/** Whether an expansion to `type` can read elements natively (see `_dynamic_elements.ts`). */
export function readsElements(type: KustoType): boolean {
  return readsElementsAs(type);
}

/**
 * Whether {@link nativeJsonStrings} applies to `value` (no side effect: several items are
 * checked before any of their JavaScript jobs is dropped).
 */
export function decodableJson(value: Typed, expression: A.Expression, env: ExprEnv): boolean {
  if (!nativeEnabled || env.ctx.exactJson || value.constant || value.type !== "dynamic") {
    return false;
  }
  // Read natively elsewhere.
  if (value.jsonList || value.jsonString || value.stringText) return false;
  const path = value.jsonPath;
  if (path && path.steps.length > 0 && usedOnce(expression, env)) return true;
  // Otherwise only a column's own text: a value JavaScript computes is not read here.
  return path?.job === undefined && expression.kind === "name";
}

/** How several lists expand side by side (`mv-expand a, b`). */
export interface ListsExpansion {
  /** The frame holding the lists in columns `lists`. */
  readonly frame: LazyDataFrame;
  readonly lists: readonly string[];
  /** The expanded columns' names and types (`dynamic` or `string`), one per list. */
  readonly names: readonly string[];
  readonly types: readonly KustoType[];
  readonly limit: number;
  readonly itemIndex?: string;
  /** The columns after the expansion. */
  readonly columns: readonly ColumnSchema[];
  /** A `dynamic` item also keeps its strings themselves in this frame column. */
  readonly strings: readonly string[];
  /** Per list, the frame column of the rows holding element texts (see {@link ListExpansion.texts}). */
  readonly texts?: readonly (string | undefined)[];
  /** Per list, the frame column of the array rows (see {@link ListExpansion.arrays}). */
  readonly arrays?: readonly (string | undefined)[];
}

/**
 * `mv-expand` of several native lists side by side, lazily: as Kusto does, each row makes
 * as many rows as its longest array (a null array counts one; shorter ones are padded with
 * nulls), up to `limit`; a row whose arrays are all empty makes none. The item index counts
 * from 0.
 */
export function explodeLists(x: ListsExpansion): LazyDataFrame {
  const at = `${x.lists[0]}_at`;
  // Each list's elements (see elementCount: a list of element texts ends in a part that is
  // none, masked here).
  const counts = x.lists.map((l, k) => elementCount(pl.col(l), x.texts?.[k]));
  const lengths = counts.map((n, k) =>
    pl.when(pl.col(x.lists[k]).isNull()).then(pl.lit(1)).otherwise(n).cast(pl.Int64)
  );
  let count = pl.maxHorizontal(lengths);
  if (Number.isFinite(x.limit)) {
    count = pl.when(count.gt(x.limit)).then(pl.lit(x.limit).cast(pl.Int64)).otherwise(count);
  }
  const element = (k: number) => {
    const got = pl.col(x.lists[k]).lst.get(pl.col(at), true);
    return x.texts?.[k] === undefined
      ? got
      : pl.when(pl.col(at).lt(counts[k])).then(got).otherwise(pl.lit(null).cast(pl.Utf8));
  };
  const reads = x.lists.map((_, k) => {
    const texts = x.texts?.[k];
    const arrays = x.arrays?.[k];
    const read = expandedValue(
      element(k),
      x.types[k],
      texts ? pl.col(texts) : undefined,
      arrays ? pl.col(arrays) : undefined,
      x.lists[k],
    );
    if (!read) throw new Error(`a list expanded as ${x.types[k]} is not read natively`);
    return read;
  });
  let frame = x.frame
    .withColumns(count.alias(at))
    .filter(pl.col(at).gt(0))
    .withColumns(pl.intRanges(0, pl.col(at), 1, pl.Int64).alias(at))
    .explode(at);
  // Each list's steps side by side (their columns are named after the lists).
  const depth = Math.max(0, ...reads.map((r) => r.steps?.length ?? 0));
  for (let d = 0; d < depth; d++) {
    const step = reads.flatMap((r) => r.steps?.[d] ?? []);
    if (step.length > 0) frame = frame.withColumns(...step);
  }
  return frame
    .select(
      ...x.columns.map((c) => {
        const k = x.names.indexOf(c.name);
        if (k < 0) return c.name === x.itemIndex ? pl.col(at).alias(c.name) : pl.col(c.name);
        return reads[k].value.alias(c.name);
      }),
      ...x.types.flatMap((t, k) => t === "dynamic" ? [reads[k].strings.alias(x.strings[k])] : []),
    );
}

// ---------------------------------------------------------------- lists kept by extend

/**
 * The native lists of the columns an `extend` assigned, by the frame it returned: each makes
 * that frame again with the list as one more column. Keyed by the frame object, so any later
 * operator (which makes a new frame) drops them: they are never read for a changed column.
 */
const extendedLists = new WeakMap<LazyDataFrame, Map<string, ExtendedList>>();

/** A column `extend` assigned a native array: the frame again with its list, and its kind. */
export interface ExtendedList {
  /** The frame `extend` returned, with the list as one more column `alias`. */
  readonly withList: (alias: string) => LazyDataFrame;
  /** Whether no array is empty. */
  readonly nonEmpty?: boolean;
  /**
   * Whether `withList`'s frame holds the JSON path's text in the column, not its value:
   * only an mv-expand right after reads it (a filter on the column would read the text).
   */
  readonly pathText?: boolean;
}

/** Records that column `name` of `frame` (made by `extend`) is a native array. */
export function rememberList(frame: LazyDataFrame, name: string, list: ExtendedList): void {
  if (!nativeEnabled) return;
  const lists = extendedLists.get(frame) ?? new Map();
  lists.set(name, list);
  extendedLists.set(frame, lists);
}

/**
 * Carries the native arrays of `from` to `to`, a frame made from it by `same` (a filter or a
 * sort: the same columns, rows kept or dropped whole).
 */
export function carryLists(
  from: LazyDataFrame,
  to: LazyDataFrame,
  same: (frame: LazyDataFrame) => LazyDataFrame,
): void {
  for (const [name, list] of extendedLists.get(from) ?? []) {
    if (list.pathText) continue;
    rememberList(to, name, { ...list, withList: (alias) => same(list.withList(alias)) });
  }
}

/**
 * The frame an operator that keeps the rows' columns, or some of them, unchanged (`where`,
 * `project`, `project-away`) makes of `from` with `make`, the native arrays of `from` carried
 * to it: each one's frame with its list (column `alias`) goes through `make` too. A column
 * is carried when `keeps` says the operator keeps it unchanged, and, for one that waits for
 * an `mv-expand` (`pathText`: its slot holds a JSON path's text, not the value), unread;
 * the frame made is then deferred as the `extend`'s was, so the column's JavaScript job
 * never runs when the expansion follows (issue 22).
 */
export function keepLists(
  from: LazyDataFrame,
  make: (frame: LazyDataFrame, alias?: string) => LazyDataFrame,
  keeps: (name: string, pathText: boolean) => boolean,
): LazyDataFrame {
  const lists = [...(extendedLists.get(from) ?? [])]
    .filter(([name, list]) => keeps(name, list.pathText === true));
  const waiting = lists.some(([, list]) => list.pathText);
  const to = waiting ? deferredFrame(() => make(from)) : make(from);
  for (const [name, list] of lists) {
    rememberList(to, name, { ...list, withList: (alias) => make(list.withList(alias), alias) });
  }
  return to;
}

/**
 * Whether `expression` may read column `name`: it names it, or calls a function of
 * `isFunction` (a user function's body may read any column).
 */
export function readsColumn(
  expression: unknown,
  name: string,
  isFunction: (called: string) => boolean,
): boolean {
  if (typeof expression !== "object" || expression === null) return false;
  if (Array.isArray(expression)) {
    return expression.some((e) => readsColumn(e, name, isFunction));
  }
  const node = expression as { kind?: unknown; name?: unknown };
  if (node.kind === "name" && node.name === name) return true;
  if (node.kind === "call" && typeof node.name === "string" && isFunction(node.name)) return true;
  return Object.values(expression).some((e) => readsColumn(e, name, isFunction));
}

/**
 * A frame made by `make` only when first used (any property read, `in` or key listing),
 * then always that one. `extend` returns one when a column waits for an `mv-expand` right
 * after (issue 22): the expansion builds its own frame from the input (its
 * {@link ExtendedList}), and the deferred frame, with the column's JavaScript job, is never
 * made; any other operator makes it as before.
 */
export function deferredFrame(make: () => LazyDataFrame): LazyDataFrame {
  let made: LazyDataFrame | undefined;
  const real = () => (made ??= make()) as unknown as Record<PropertyKey, unknown>;
  return new Proxy({} as LazyDataFrame, {
    get(_, key) {
      const frame = real();
      const value = Reflect.get(frame, key, frame);
      return typeof value === "function" ? value.bind(frame) : value;
    },
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor(_, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

/** Column `name`'s native array, when `frame` is the one `extend` made it in. */
export function extendedList(frame: LazyDataFrame, name: string): ExtendedList | undefined {
  return nativeEnabled ? extendedLists.get(frame)?.get(name) : undefined;
}

/** How a native expansion reads: the list column, the limit and the item index. */
export interface ListExpansion {
  /** The frame holding the list in column `list`. */
  readonly frame: LazyDataFrame;
  readonly list: string;
  /** The expanded column: its name and type (`dynamic` or `string`). */
  readonly name: string;
  readonly type: KustoType;
  readonly limit: number;
  readonly itemIndex?: string;
  /** Whether no list is empty: no row to drop (unless the limit is 0). */
  readonly nonEmpty?: boolean;
  /** The columns after the expansion. */
  readonly columns: readonly ColumnSchema[];
  /** A `dynamic` expansion also keeps the strings themselves in this frame column. */
  readonly strings?: string;
  /**
   * The frame column of the rows whose list holds element texts (see
   * {@link JsonStringsRead.texts}); without it, every list holds strings.
   */
  readonly texts?: string;
  /**
   * The frame column of the rows that are arrays read by their elements' texts (see
   * {@link JsonStringsRead.arrays}); without it, every element is searched.
   */
  readonly arrays?: string;
  /**
   * The frame column of the rows of bags of a known shape ({@link JsonStringsRead.shaped}),
   * whose elements (`dynamic`) are their own value and text, read no further.
   */
  readonly verbatim?: string;
  /**
   * `[key, value]` pairs of bags of a known shape ({@link JsonStringsRead.shaped}): each
   * verified row's pairs, whose keys `first` writes without reading them.
   */
  readonly pairKeys?: { readonly shape: BagShape; readonly verified: string };
  /**
   * With `texts`, for a `dynamic` expansion: the frame column to write `tostring(F[0])` of
   * each expanded element to (null where it needs the exact reading; see
   * {@link expandedValue}), which later reads of `F[0]` take instead of the element (Polars
   * drops it when nothing reads it).
   */
  readonly first?: string;
}

/**
 * An expanded element as a value of `type`, and its strings for later reads (`tostring()`)
 * of a `dynamic` one: `element` is a string of an array of strings, or, on the rows where
 * `texts` holds, an element's JSON text (read by `_dynamic_elements.ts`). An element the
 * type writes otherwise (`to typeof(string)` of a bag holding a real written `2.0`) fails
 * with {@link EXACT_JSON_NEEDED}; `arrays` says which rows are arrays (only their bag
 * elements may hold a key twice). Undefined for a type read otherwise.
 *
 * A `dynamic` one read from element texts also gets `first`, `tostring(F[0])` of each
 * element, read from cheaper columns than the element's value (see {@link firstOf}); `key`
 * is the pair's key on the `verbatim` rows when those are `[key, value]` pairs (null
 * elsewhere).
 */
function expandedValue(
  element: Expr,
  type: KustoType,
  texts?: Expr,
  arrays?: Expr,
  name = "__element",
  verbatim?: Expr,
  key?: Expr,
): ExpandedValue | undefined {
  const ofStrings = (e: Expr): Expr | undefined => {
    switch (type) {
      case "string":
        return e.fillNull(pl.lit(""));
      case "dynamic":
        return pl.when(e.isNull()).then(pl.lit(null).cast(pl.Utf8)).otherwise(jsonQuote(e));
      case "long":
        return texts && pl.lit(null).cast(pl.Int64);
      case "real":
        return texts && pl.lit(null).cast(pl.Float64);
      case "bool":
        return texts && pl.lit(null).cast(pl.Bool);
      default:
        return undefined;
    }
  };
  if (!texts) {
    const value = ofStrings(element);
    return value && { value, strings: element };
  }
  // The element text, and the check of it, are columns of their own (Polars' common
  // subexpression elimination does not share them between the readings: each one copied
  // the texts, or ran the checks, again).
  const text = pl.col(`${name}_text`);
  // Elements of bags of a known shape (`verbatim`) are their own `dynamic` value and text:
  // no element reading or check runs on them (null to those).
  const own = verbatim && type === "dynamic" ? verbatim : undefined;
  const read = own ? texts.and(own.not()) : texts;
  const steps: Expr[][] = [
    [pl.when(read).then(element).otherwise(pl.lit(null).cast(pl.Utf8)).alias(`${name}_text`)],
  ];
  const string = pl.when(texts).then(pl.lit(null).cast(pl.Utf8)).otherwise(element);
  const fromStrings = ofStrings(string);
  if (!fromStrings || !readsElementsAs(type)) return undefined;
  const readValue = pl.when(read).then(elementValue(text, type)).otherwise(fromStrings);
  const value = own ? pl.when(own).then(element).otherwise(readValue) : readValue;
  const strings = pl.when(read).then(elementString(text)).otherwise(element);
  const first = type === "dynamic" ? firstOf(text, key) : undefined;
  // An element written otherwise as this type (checked on the elements expanded only).
  const exact = elementNeedsExact(text, type, arrays);
  if (!exact) return { value, strings, steps, ...(first ? { first } : {}) };
  steps.push([exact.alias(`${name}_exact`)]);
  // On each: a later read may take one alone (`tostring()` reads the strings).
  const guard = pl.when(pl.col(`${name}_exact`)).then(pl.lit(EXACT_JSON_NEEDED))
    .otherwise(pl.lit(null)).cast(pl.Int64, true as never);
  const guarded = (e: Expr) => pl.when(guard.isNull()).then(e).otherwise(pl.lit(null));
  return {
    value: guarded(value),
    strings: guarded(strings),
    steps,
    // (Null where the element needs the exact reading: the reader fails there.)
    ...(first
      ? { first: pl.when(pl.col(`${name}_exact`)).then(pl.lit(null)).otherwise(first) }
      : {}),
  };
}

/**
 * `tostring(F[0])` of each element of a `dynamic` expansion read from element texts, from
 * columns cheaper than the element's value `F` (whose strings are quoted on every row):
 * `text`, the element's text where it is read (null elsewhere), and `key`, the pair's key
 * on the rows of `[key, value]` pairs of a verified bag (`_bag_shapes.ts`; null elsewhere).
 * Null where the exact reading may read otherwise (see {@link checkedRead}): the reader
 * fails there, not the expansion (a plan that collects the column unread runs through).
 * - A pair of a verified bag: its key.
 * - An element read by its text: the text is its value `F` (`null` aside, which reads `""`
 *   either way), read as `tostring()` reads a JSON path ({@link checkedRead}).
 * - Any other (null text): `""`. A string of an array of strings (JavaScript reads no
 *   element of a string), a verified bag's one-key bag (no shape has a key that is a whole
 *   number, which `F[0]` reads of a bag), a null.
 */
function firstOf(text: Expr, key?: Expr): Expr {
  const path = text.str.jsonPathMatch("$[0]");
  const read = pl.when(readsOtherwise(path, text, 0)).then(pl.lit(null).cast(pl.Utf8))
    .otherwise(path.fillNull(pl.lit("")));
  return key ? key.fillNull(read) : read;
}

/** An expanded element's readings ({@link expandedValue}). */
interface ExpandedValue {
  /** The element as a value of the item's type. */
  readonly value: Expr;
  /** Its strings, for later reads of a `dynamic` item. */
  readonly strings: Expr;
  /** Columns to add after the explode, step by step, before `value` or `strings` is read. */
  readonly steps?: readonly (readonly Expr[])[];
  /**
   * `tostring()` of its first element, for a `dynamic` item (see {@link firstOf}); null
   * where that needs the exact reading.
   */
  readonly first?: Expr;
}

/**
 * `mv-expand` of a native list by Polars' `explode`, lazily; undefined for types it does not
 * read (`dynamic` and `string`; with element texts, also `long`, `real` and `bool`). As
 * Kusto does, a null array expands to one null row and an empty one to none; the item index
 * counts from 0 (0 for a null array).
 */
export function explodeList(x: ListExpansion): LazyDataFrame | undefined {
  // `limit 1` (`mv-apply … on (take 1)`): each list's first element, neither sliced nor
  // exploded (a third of the time over 1M rows).
  const first = x.limit === 1;
  const index = `${x.list}_index`;
  // Each pair's key: the shape's key at the element's position.
  const keys = x.pairKeys;
  const key = keys && pairKey(keys.shape, pl.col(keys.verified), first ? pl.lit(0) : pl.col(index));
  const read = expandedValue(
    pl.col(x.list),
    x.type,
    x.texts ? pl.col(x.texts) : undefined,
    x.arrays ? pl.col(x.arrays) : undefined,
    x.list,
    x.verbatim ? pl.col(x.verbatim) : undefined,
    key,
  );
  if (!read) return undefined;
  const list = pl.col(x.list);
  const elements = elementCount(list, x.texts);
  // Elements past the limit, and the part after a row's element texts, are dropped once
  // exploded, by their position: slicing each list of a few texts cost more (Polars copies
  // them again). A list of strings is cut to the limit first (its elements past it may be
  // many: 2-3 times the time to explode them all).
  const cut = !first && x.texts === undefined && Number.isFinite(x.limit);
  const bounded = !first && x.texts !== undefined;
  const count = `${x.list}_count`;
  // The element's position, for the item index, for a pair's key and for the bound.
  const indexed = !first && (x.itemIndex !== undefined || x.pairKeys !== undefined || bounded);
  const value = read.value;
  let frame = x.frame;
  if (!x.nonEmpty || x.limit < 1 || x.texts !== undefined) {
    frame = frame.filter(list.isNull().or(elements.gt(0)));
  }
  if (cut) frame = frame.withColumns(list.lst.head(x.limit).alias(x.list));
  if (indexed) {
    frame = frame.withColumns(pl.intRanges(0, list.lst.lengths(), 1, pl.Int64).alias(index));
  }
  if (bounded) {
    const bound = Number.isFinite(x.limit)
      ? pl.when(elements.gt(x.limit)).then(pl.lit(x.limit)).otherwise(elements)
      : elements;
    frame = frame.withColumns(bound.cast(pl.Int64).alias(count));
  }
  frame = first
    ? frame.withColumns(list.lst.first().alias(x.list))
    : frame.explode(indexed ? [x.list, index] : [x.list]);
  if (bounded) {
    // (Under a limit, an array's list of element texts may hold empty parts too: none is
    // an element, see `jsonElements`.)
    let kept = pl.col(index).lt(pl.col(count));
    if (x.texts !== undefined) {
      kept = kept.and(pl.col(x.texts).not().or(pl.col(x.list).neq(pl.lit(""))));
    }
    frame = frame.filter(pl.col(index).isNull().or(kept));
  }
  for (const step of read.steps ?? []) frame = frame.withColumns(...step);
  return frame
    .select(
      ...x.columns.map((c) =>
        c.name === x.name
          ? value.alias(c.name)
          : c.name === x.itemIndex
          ? (first ? pl.lit(0) : pl.col(index).fillNull(0)).cast(pl.Int64).alias(c.name)
          : pl.col(c.name)
      ),
      ...(x.strings && x.type === "dynamic" ? [read.strings.alias(x.strings)] : []),
      ...(x.first && read.first ? [read.first.alias(x.first)] : []),
    );
}

/**
 * How many elements each row's list holds: all of its parts, but on the rows of `texts` (a
 * frame column: they hold element texts, `_dynamic_elements.ts`) the last one, which is
 * none.
 */
function elementCount(list: Expr, texts?: string): Expr {
  if (texts === undefined) return list.lst.lengths();
  return list.lst.lengths().cast(pl.Int64).sub(pl.col(texts).cast(pl.Int64));
}

const PARSE_JSON = new Set(["parse_json", "parsejson", "todynamic", "toobject"]);

/**
 * Whether `e` compiles to a value made for this one use (a member access, a `parse_json`
 * call), whose pending JavaScript job nothing else reads and may be dropped.
 */
export function usedOnce(e: A.Expression, env: ExprEnv): boolean {
  switch (e.kind) {
    case "member":
    case "index":
      return true;
    case "paren":
      return usedOnce(e.expression, env);
    case "call":
      return PARSE_JSON.has(e.name) && env.scope.get(e.name)?.kind !== "function";
    default:
      return false;
  }
}

/**
 * The value `object[key]` as a JSON path, computed by a JavaScript job that is dropped when
 * only the path is read; undefined when the native path does not apply.
 */
export function nativeMember(
  object: Typed,
  objectExpression: A.Expression,
  key: Typed,
  env: ExprEnv,
): Typed | undefined {
  const step = pathStep(key);
  if (!nativeEnabled || object.constant || step === undefined) return undefined;
  if (object.jsonList && typeof step === "number") {
    return nativeIndex(object.jsonList.strings, step);
  }
  const chained = object.jsonPath !== undefined && usedOnce(objectExpression, env);
  // A column's own Polars text (`_raw_json.ts`), read by path in its place: only for the
  // column named as it is, whose value the text is.
  const raw = objectExpression.kind === "name" ? object.rawJson : undefined;
  const base: JsonPath = chained
    ? object.jsonPath!
    : { source: object.expr, steps: [], ...(raw ? { raw } : {}) };
  if (chained && base.job) env.discard(base.job);
  const steps = [...base.steps, step];
  // `F[0]` of `[key, value]` pairs whose keys are known (`_bag_shapes.ts`): the key there.
  const knownKey = !chained && step === 0 && objectExpression.kind === "name"
    ? object.pairKey
    : undefined;
  const value = env.rowwise([{ expr: base.source, type: "string" }], "dynamic", ([t]) => {
    if (t === null) return null;
    let v: JsValue = parseJsonKeepingReals(t as string);
    for (const s of steps) v = dynamicGet(v, s);
    return v;
  });
  return {
    ...value,
    jsonPath: {
      source: base.source,
      steps,
      job: env.lastJob(),
      parsed: base.parsed,
      ...(base.raw ? { raw: base.raw } : {}),
      ...(knownKey ? { key: knownKey } : {}),
    },
  };
}

/** `tostring()` of a dynamic value, natively; drops the value's own job when used once. */
export function dynamicToStringNative(
  value: Typed,
  expression: A.Expression | undefined,
  env: ExprEnv,
): Typed | undefined {
  if (!nativeEnabled || value.constant || value.type !== "dynamic") return undefined;
  const text = value.jsonString ?? value.stringText;
  if (text) return { expr: text.fillNull(pl.lit("")), type: "string" };
  const path = value.jsonPath;
  if (path && expression && usedOnce(expression, env)) {
    if (path.job) env.discard(path.job);
    return nativeToString(path, env);
  }
  return nativeToString({ source: value.expr, steps: [] }, env);
}

/**
 * The rows of `data` with column `text` (JSON arrays of strings) expanded by Polars into
 * column `name` of `type` (`dynamic`: each element's JSON text; `string`: the string), or
 * undefined unless every row holds exactly a compact JSON array of strings or null (checked
 * by writing the decoded lists back and comparing texts). As Kusto does, a null expands to
 * one null row and an empty array to none.
 */
export function explodeJsonStrings(
  data: DataFrame,
  text: string,
  name: string,
  type: KustoType,
): LazyDataFrame | undefined {
  if (!nativeEnabled || (type !== "dynamic" && type !== "string")) return undefined;
  const list = `${text}_list`;
  let decoded: DataFrame;
  try {
    decoded = data.withColumn(pl.col(text).str.jsonDecode(pl.List(pl.Utf8)).alias(list));
  } catch {
    return undefined; // not arrays of strings: JavaScript reads them
  }
  const written = pl.struct([pl.col(list).alias("v")]).struct.jsonEncode().str.slice(5)
    .str.replace("\\}$", "");
  const exact = decoded.select(
    pl.col(text).isNull().or(pl.col(text).eq(written)).fillNull(false).all().alias("ok"),
  ).getColumn("ok").toArray()[0];
  if (exact !== true) return undefined;
  const element = pl.col(name);
  return decoded.lazy()
    .filter(pl.col(list).isNull().or(pl.col(list).lst.lengths().gt(0)))
    .withColumn(pl.col(list).alias(name))
    .explode(name)
    .withColumn(
      type === "string"
        ? element.fillNull(pl.lit(""))
        : pl.when(element.isNull()).then(pl.lit(null)).otherwise(jsonQuote(element)).alias(name),
    );
}
