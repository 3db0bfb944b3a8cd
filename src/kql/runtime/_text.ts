/**
 * Text helpers for KQL's string operators: term matching for `has`, regex escaping.
 *
 * @module
 */

/** `text` escaped for use inside a regular expression (Rust and JS syntax alike). */
export function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const ALNUM = /[0-9A-Za-z]/;

/**
 * A regex that is true where `needle` appears as whole terms: Kusto splits text into
 * maximal runs of ASCII letters and digits, and `has` matches when the needle's terms
 * appear with term boundaries at its alphanumeric ends.
 */
export function hasTermPattern(
  needle: string,
  caseSensitive: boolean,
  flavour: "rust" | "js" = "rust",
): string {
  const start = needle.length > 0 && ALNUM.test(needle[0]) ? "(?:^|[^0-9A-Za-z])" : "";
  const end = needle.length > 0 && ALNUM.test(needle[needle.length - 1])
    ? "(?:$|[^0-9A-Za-z])"
    : "";
  const flags = caseSensitive || flavour === "js" ? "" : "(?i)";
  return `${flags}${start}${regexEscape(needle)}${end}`;
}

/**
 * A regex that is true where any of `needles` appears as whole terms, each with the same
 * boundaries {@link hasTermPattern} gives it alone (`has_any` is `has` of each needle, or'ed).
 */
export function hasAnyTermPattern(
  needles: readonly string[],
  caseSensitive: boolean,
  flavour: "rust" | "js" = "rust",
): string {
  const flags = caseSensitive || flavour === "js" ? "" : "(?i)";
  const each = needles.map((n) => hasTermPattern(n, true, flavour));
  return `${flags}(?:${each.join("|")})`;
}
