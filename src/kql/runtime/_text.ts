/**
 * Text helpers for KQL's string operators: term matching for the `has` family, regex escaping.
 *
 * Kusto splits text into terms, maximal runs of ASCII letters and digits (anything else,
 * non-ASCII letters included, separates terms). `has` matches the needle where its
 * alphanumeric ends meet term boundaries (a needle of several terms is matched as that
 * sequence), `hasprefix` where it starts a term, `hassuffix` where it ends one.
 *
 * Two implementations agree exactly: {@link termMatchesJs} is the reference (constants
 * fold through it, and so do needles computed per row), and {@link termPattern} gives the
 * Rust regex Polars runs on a column, or undefined where Rust's rules would differ from it.
 *
 * @module
 */

/** `text` escaped for use inside a regular expression (Rust and JS syntax alike). */
export function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The operators of the `has` family, without their `_cs` and `!` forms. */
export type TermKind = "has" | "hasprefix" | "hassuffix";

const ALNUM = /[0-9A-Za-z]/;
const ASCII_LETTER = /[A-Za-z]/;
const BOUNDARY_START = "(?:^|[^0-9A-Za-z])";
const BOUNDARY_END = "(?:$|[^0-9A-Za-z])";

/** `needle` between the term boundaries `kind` asks for, around `literal` (its regex). */
function withBoundaries(kind: TermKind, needle: string, literal: string): string {
  const first = needle.length > 0 && ALNUM.test(needle[0]);
  const last = needle.length > 0 && ALNUM.test(needle[needle.length - 1]);
  switch (kind) {
    case "has":
      return `${first ? BOUNDARY_START : ""}${literal}${last ? BOUNDARY_END : ""}`;
    case "hasprefix":
      return `${BOUNDARY_START}${literal}`;
    case "hassuffix":
      return `${literal}${BOUNDARY_END}`;
  }
}

const jsCache = new Map<string, RegExp>();

/**
 * Whether `text` matches `needle` under `kind`: the reference implementation, in
 * JavaScript. Case-insensitive matching is JavaScript's `i` flag without `u`, under which an
 * ASCII letter matches only its other case (never the Kelvin sign or the long s) and the
 * term boundary stays ASCII.
 */
export function termMatchesJs(
  kind: TermKind,
  caseSensitive: boolean,
  text: string,
  needle: string,
): boolean {
  const key = `${kind}\u0000${caseSensitive}\u0000${needle}`;
  let regex = jsCache.get(key);
  if (!regex) {
    regex = new RegExp(withBoundaries(kind, needle, regexEscape(needle)), caseSensitive ? "" : "i");
    if (jsCache.size > 1000) jsCache.clear();
    jsCache.set(key, regex);
  }
  return regex.test(text);
}

/**
 * `needle` as a Rust regex that matches what {@link termMatchesJs} matches. Rust's `(?i)`
 * folds Unicode cases (`k` would match the Kelvin sign, `s` the long s, and the ASCII class
 * of a term boundary would take them in too), so ASCII letters become explicit `[Aa]`
 * classes and no flag is used. Undefined when a case-insensitive needle has a non-ASCII
 * character with case forms: JavaScript's case rules for those are not Rust's.
 */
function literalPattern(needle: string, caseSensitive: boolean): string | undefined {
  let out = "";
  for (const ch of needle) {
    if (ch.charCodeAt(0) < 128) {
      out += !caseSensitive && ASCII_LETTER.test(ch)
        ? `[${ch.toUpperCase()}${ch.toLowerCase()}]`
        : regexEscape(ch);
    } else if (caseSensitive || (ch.toUpperCase() === ch && ch.toLowerCase() === ch)) {
      out += ch;
    } else {
      return undefined;
    }
  }
  return out;
}

/**
 * The Rust regex (for Polars' `str.contains`) true where `needle` matches under `kind`,
 * exactly as {@link termMatchesJs}; undefined when no Rust regex is exactly equivalent
 * (a case-insensitive needle with a non-ASCII cased letter), so the caller runs the
 * JavaScript reference instead.
 */
export function termPattern(
  kind: TermKind,
  needle: string,
  caseSensitive: boolean,
): string | undefined {
  const literal = literalPattern(needle, caseSensitive);
  return literal === undefined ? undefined : withBoundaries(kind, needle, literal);
}

/**
 * The Rust regex true where any of `needles` matches under `has` (`has_any` is `has` of
 * each needle, or'ed), or undefined when one of them has no exact Rust regex.
 */
export function anyTermPattern(
  needles: readonly string[],
  caseSensitive: boolean,
): string | undefined {
  const each = needles.map((n) => termPattern("has", n, caseSensitive));
  if (each.some((p) => p === undefined)) return undefined;
  return `(?:${each.join("|")})`;
}
