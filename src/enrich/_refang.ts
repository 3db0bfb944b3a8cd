/**
 * Defanged indicators ("hxxp", "[.]", "[at]"...) back to their live form.
 *
 * @module
 */

/** The separators a defanged dot may take inside a pattern. */
export const DOT = String.raw`(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))`;
/** The separators a defanged at-sign may take inside a pattern. */
export const AT = String.raw`(?:@|\[at\]|\(at\)|\[@\]|\{at\})`;

const DEFANGED =
  /\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[at\]|\(at\)|\[@\]|\{at\}|\[:\]|\[:\/\/\]|^h[xX]{2}p|^f[xX]p/gi;

/** Whether `text` holds any defanged marker. */
export function isDefanged(text: string): boolean {
  // Every marker but a leading hxxp/fxp has a bracket: most texts are settled without the
  // regex (this runs for each of millions of candidates on a column).
  const first = text.charCodeAt(0) | 32;
  const xScheme = (first === 104 /* h */ || first === 102 /* f */) &&
    (text.charCodeAt(1) | 32) === 120; /* x */
  if (!xScheme && text.indexOf("[") < 0 && text.indexOf("(") < 0 && text.indexOf("{") < 0) {
    return false;
  }
  DEFANGED.lastIndex = 0;
  return DEFANGED.test(text);
}

/**
 * The live form of a defanged indicator: `hxxp`→`http`, `[.]`/`(.)`/`{.}`/`[dot]`→`.`,
 * `[at]`/`(at)`/`[@]`→`@`, `[:]`→`:`, `[://]`→`://`.
 */
export function refang(text: string): string {
  if (!/[\[\(\{xX]/.test(text)) return text;
  return text.replace(DEFANGED, (m) => {
    const lower = m.toLowerCase();
    if (lower.startsWith("h")) return "http";
    if (lower.startsWith("f")) return "ftp";
    if (lower === "[:]") return ":";
    if (lower === "[://]") return "://";
    if (lower.includes("at") || lower.includes("@")) return "@";
    return ".";
  });
}
