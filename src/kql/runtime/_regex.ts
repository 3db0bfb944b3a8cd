/**
 * KQL regular expressions (RE2 syntax) for both engines that run them, both linear in
 * time as RE2 is: Polars (Rust's `regex` crate, close to RE2, fed a translation) and, for
 * what runs in JavaScript (row-wise functions, constant folding), re2js, a port of RE2
 * itself. Also Kusto's rewrite strings (`\1`) for replace.
 *
 * @module
 */
import { RE2JS } from "re2js";
import { pl } from "../../polars.ts";

/** An RE2 pattern that cannot be used (invalid, or using what neither engine has). */
export class RegexProblem extends Error {}

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** RE2's ASCII-only shorthand classes, as class contents. */
const SHORTHANDS: Record<string, string> = {
  d: "0-9",
  w: "0-9A-Za-z_",
  s: "\\t\\n\\f\\r ",
};

const META_OUTSIDE = new Set("\\^$.|?*+()[]{}");
const META_INSIDE: Record<Flavour, Set<string>> = {
  js: new Set("\\^-[]"),
  // `&&`, `--` and `~~` are set operations inside Rust's classes.
  rust: new Set("\\^-[]&~"),
};

type Flavour = "rust" | "js";

/** A translated pattern: its source and (for JavaScript) its flags. */
interface Translated {
  readonly source: string;
  readonly flags: string;
}

/** One character as it is written in a pattern, escaped where needed. */
function literalChar(c: string, inClass: boolean, flavour: Flavour): string {
  const code = c.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code > 0xffff && flavour === "js") return c; // needs the u flag; handled by the caller
  const meta = inClass ? META_INSIDE[flavour] : META_OUTSIDE;
  return meta.has(c) ? `\\${c}` : c;
}

/**
 * Translates an RE2 pattern for Rust's regex crate (Polars) or JavaScript. Leading
 * inline flags become JavaScript flags; the shorthand classes become ASCII classes.
 */
export function translateRegex(pattern: string, flavour: Flavour): Translated {
  let i = 0;
  let flags = "";
  for (let m = /^\(\?([imsU]+)\)/.exec(pattern); m; m = /^\(\?([imsU]+)\)/.exec(pattern.slice(i))) {
    flags += m[1];
    i += m[0].length;
  }
  if (flavour === "js" && flags.includes("U")) {
    throw new RegexProblem("the U (ungreedy) flag is not supported by the local engine");
  }
  let unicode = false;
  let out = "";

  const escape = (at: number, inClass: boolean): { text: string; next: number } => {
    const c = pattern[at + 1];
    if (c === undefined) throw new RegexProblem("the pattern ends with a lone backslash");
    if (c in SHORTHANDS) {
      return { text: inClass ? SHORTHANDS[c] : `[${SHORTHANDS[c]}]`, next: at + 2 };
    }
    const lower = c.toLowerCase();
    if (!inClass && lower in SHORTHANDS && c !== lower) {
      return { text: `[^${SHORTHANDS[lower]}]`, next: at + 2 };
    }
    switch (c) {
      case "A":
        return { text: flavour === "js" ? "(?<![\\s\\S])" : "\\A", next: at + 2 };
      case "z":
        return { text: flavour === "js" ? "(?![\\s\\S])" : "\\z", next: at + 2 };
      case "C":
        return { text: "[\\s\\S]", next: at + 2 };
      case "a":
        return { text: "\\x07", next: at + 2 };
      case "Q": {
        const end = pattern.indexOf("\\E", at + 2);
        const literal = pattern.slice(at + 2, end < 0 ? pattern.length : end);
        const text = [...literal].map((ch) => literalChar(ch, inClass, flavour)).join("");
        if (/[\u{10000}-\u{10FFFF}]/u.test(literal)) unicode = true;
        return { text, next: end < 0 ? pattern.length : end + 2 };
      }
      case "x": {
        if (pattern[at + 2] !== "{") return { text: "\\x", next: at + 2 };
        const close = pattern.indexOf("}", at + 3);
        const code = close < 0 ? NaN : parseInt(pattern.slice(at + 3, close), 16);
        if (!Number.isInteger(code) || code > 0x10ffff) {
          throw new RegexProblem("invalid \\x{...} escape");
        }
        if (code > 0xffff && flavour === "js") unicode = true;
        return {
          text: flavour === "rust" ? pattern.slice(at, close + 1) : literalChar(
            String.fromCodePoint(code),
            inClass,
            flavour,
          ),
          next: close + 1,
        };
      }
      case "p":
      case "P": {
        if (flavour === "rust") {
          const end = pattern[at + 2] === "{" ? pattern.indexOf("}", at) + 1 : at + 3;
          return { text: pattern.slice(at, end), next: end };
        }
        unicode = true;
        if (pattern[at + 2] === "{") {
          const end = pattern.indexOf("}", at) + 1;
          if (end === 0) throw new RegexProblem("unterminated \\p{...}");
          return { text: pattern.slice(at, end), next: end };
        }
        return { text: `\\${c}{${pattern[at + 2] ?? ""}}`, next: at + 3 };
      }
    }
    // RE2's octal escapes: `\0` and up to two more octal digits, or `\1`-`\7` followed by
    // one or two (a lone `\1` would be a backreference, which RE2 rejects).
    const octal = /^(?:0[0-7]{0,2}|[1-7][0-7]{1,2})/.exec(pattern.slice(at + 1, at + 4));
    if (octal) {
      return {
        text: literalChar(String.fromCharCode(parseInt(octal[0], 8)), inClass, flavour),
        next: at + 1 + octal[0].length,
      };
    }
    if (/[1-9]/.test(c)) throw new RegexProblem("backreferences are not supported");
    if (/[0-9A-Za-z]/.test(c)) return { text: `\\${c}`, next: at + 2 };
    // RE2 lets any punctuation be escaped; write it the way each engine accepts.
    const ch = String.fromCodePoint(pattern.codePointAt(at + 1)!);
    return { text: literalChar(ch, inClass, flavour), next: at + 1 + ch.length };
  };

  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "\\") {
      const { text, next } = escape(i, false);
      out += text;
      i = next;
      continue;
    }
    if (c === "[") {
      out += "[";
      i++;
      if (pattern[i] === "^") {
        out += "^";
        i++;
      }
      if (pattern[i] === "]") {
        out += "\\]";
        i++;
      }
      while (i < pattern.length && pattern[i] !== "]") {
        // RE2 reads `[:` as a POSIX class only when a `:]` follows somewhere; without one the
        // `[` is a literal (`[^[:ascii]]` is "not one of `[:ascii`" then a literal `]`).
        const end = pattern.startsWith("[:", i) ? pattern.indexOf(":]", i + 2) : -1;
        if (end >= 0) {
          const name = pattern.slice(i + 2, end);
          if (!(name in POSIX_CLASSES)) {
            throw new RegexProblem(`unknown or unsupported character class [:${name}:]`);
          }
          out += POSIX_CLASSES[name];
          i = end + 2;
        } else if (pattern[i] === "\\") {
          const { text, next } = escape(i, true);
          out += text;
          i = next;
        } else if (pattern[i] === "-") {
          out += "-";
          i++;
        } else {
          const ch = String.fromCodePoint(pattern.codePointAt(i)!);
          if (ch.length > 1 && flavour === "js") unicode = true;
          out += ch === "^" ? "^" : literalChar(ch, true, flavour);
          i += ch.length;
        }
      }
      if (i >= pattern.length) throw new RegexProblem("missing ] at the end of a character class");
      out += "]";
      i++;
      continue;
    }
    if (c === "(" && pattern[i + 1] === "?") {
      if (pattern.startsWith("(?P<", i)) {
        out += flavour === "js" ? "(?<" : "(?P<";
        i += 4;
        continue;
      }
      const inline = /^\(\?([imsU-]*)([):])/.exec(pattern.slice(i));
      if (inline && flavour === "js") {
        if (inline[2] === ")") {
          throw new RegexProblem(
            "inline flags like (?i) are only supported at the start of the pattern",
          );
        }
        if (inline[1].includes("U")) {
          throw new RegexProblem("the U (ungreedy) flag is not supported by the local engine");
        }
      }
    }
    const ch = String.fromCodePoint(pattern.codePointAt(i)!);
    if (ch.length > 1 && flavour === "js") unicode = true;
    out += ch;
    i += ch.length;
  }
  if (flavour === "rust") return { source: flags ? `(?${flags})${out}` : out, flags: "" };
  return { source: out, flags: flags + (unicode ? "u" : "") };
}

/**
 * An RE2 pattern run by a linear-time engine (re2js, a port of RE2): KQL's regexes are
 * RE2, whose matching time is linear in the text, so a hostile pattern or text cannot
 * hang a query the way a backtracking engine (JavaScript's own) can. It offers the part
 * of `RegExp` the functions use: `exec`/`test` with `lastIndex` under the `g` flag, and
 * `String.prototype.replace` with a function.
 */
export class LinearRegex {
  /** The RE2 source (after wrapping). */
  readonly source: string;
  /** `g` when matches are iterated through {@linkcode LinearRegex.lastIndex}. */
  readonly flags: string;
  /** Whether `exec` starts at, and advances, `lastIndex`. */
  readonly global: boolean;
  /** Where the next `exec` of a global pattern starts (UTF-16 units). */
  lastIndex = 0;
  readonly #re: RE2JS;

  constructor(source: string, flags: string) {
    this.source = source;
    this.flags = flags;
    this.global = flags.includes("g");
    this.#re = RE2JS.compile(source, flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0);
  }

  /** The number of capture groups. */
  get groupCount(): number {
    return this.#re.groupCount();
  }

  /** The named groups and their numbers. */
  get groupNames(): Map<string, number> {
    return new Map(Object.entries(this.#re.namedGroups()));
  }

  /** The next match, as `RegExp.prototype.exec` gives it (unmatched groups undefined). */
  exec(text: string): RegExpExecArray | null {
    const from = this.global ? this.lastIndex : 0;
    const m = this.#re.matcher(text);
    if (from > text.length || !m.find(from)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let g = 0; g <= this.#re.groupCount(); g++) groups.push(m.group(g) ?? undefined);
    const match = Object.assign(groups as unknown as RegExpExecArray, {
      index: m.start(),
      input: text,
    });
    if (this.global) this.lastIndex = m.end();
    return match;
  }

  /** Whether the pattern matches (from `lastIndex` when global). */
  test(text: string): boolean {
    return this.exec(text) !== null;
  }

  /** Every match, left to right (an empty match advances by one). */
  *matchAll(text: string): Generator<RegExpExecArray> {
    const re = new LinearRegex(
      this.source,
      this.flags.includes("g") ? this.flags : `${this.flags}g`,
    );
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0] === "") re.lastIndex++;
      yield m;
    }
  }

  /** `text.replace(this, fn)`: every match when global, else the first. */
  [Symbol.replace](text: string, replacer: (...match: string[]) => string): string {
    let out = "";
    let last = 0;
    for (const m of this.matchAll(text)) {
      out += text.slice(last, m.index) + replacer(...(m as unknown as string[]));
      last = m.index + m[0].length;
      if (!this.global) break;
    }
    return out + text.slice(last);
  }
}

/** Which engine runs the KQL regexes that are not run by Polars (tests read it). */
export const JS_REGEX_ENGINE = "re2js";

const jsRegexCache = new Map<string, LinearRegex | RegexProblem>();

/**
 * The linear-time regex of an RE2 pattern (`wrap` puts the source inside a template
 * written in RE2 syntax; `extraFlags` may hold `g` and `i`).
 */
export function jsRegex(pattern: string, extraFlags = "", wrap = (s: string) => s): LinearRegex {
  const key = `${extraFlags}\u0000${wrap("\u0001")}\u0000${pattern}`;
  let cached = jsRegexCache.get(key);
  if (cached === undefined) {
    try {
      cached = new LinearRegex(wrap(pattern), extraFlags);
    } catch (e) {
      cached = new RegexProblem(
        String((e as Error).message ?? e).replace(/^error parsing regexp: /, ""),
      );
    }
    if (jsRegexCache.size > 1000) jsRegexCache.clear();
    jsRegexCache.set(key, cached);
  }
  if (cached instanceof RegexProblem) throw cached;
  cached.lastIndex = 0;
  return cached;
}

/** The number of capture groups of a pattern. */
export function groupCount(re: LinearRegex): number {
  return re.groupCount;
}

/** The names of a pattern's named groups, by group number. */
export function groupNames(re: LinearRegex): Map<string, number> {
  return re.groupNames;
}

/** Kusto's rewrite (`\0`..`\9` name groups, `\\` is a backslash) for Rust's replace. */
export function rustRewrite(rewrite: string): string {
  let out = "";
  for (let i = 0; i < rewrite.length; i++) {
    const c = rewrite[i];
    if (c === "\\" && /[0-9]/.test(rewrite[i + 1] ?? "")) {
      out += `\${${rewrite[++i]}}`;
    } else if (c === "\\" && rewrite[i + 1] === "\\") {
      out += "\\";
      i++;
    } else out += c === "$" ? "$$" : c;
  }
  return out;
}

/** Kusto's rewrite applied to one match. */
export function expandRewrite(rewrite: string, match: RegExpExecArray | string[]): string {
  let out = "";
  for (let i = 0; i < rewrite.length; i++) {
    const c = rewrite[i];
    if (c === "\\" && /[0-9]/.test(rewrite[i + 1] ?? "")) out += match[Number(rewrite[++i])] ?? "";
    else if (c === "\\" && rewrite[i + 1] === "\\") {
      out += "\\";
      i++;
    } else out += c;
  }
  return out;
}

/** The highest group number a rewrite refers to. */
export function rewriteMaxGroup(rewrite: string): number {
  let max = 0;
  for (let i = 0; i < rewrite.length; i++) {
    if (rewrite[i] !== "\\") continue;
    const next = rewrite[i + 1] ?? "";
    if (/[0-9]/.test(next)) max = Math.max(max, Number(next));
    i++;
  }
  return max;
}

const checkedRust = new Set<string>();

/**
 * The Rust translation of a pattern, checked by Polars now so that a bad pattern is
 * reported where it is written, not when the plan runs.
 *
 * @throws {RegexProblem} with the reason, when the pattern cannot be used.
 */
export function rustRegexSource(pattern: string): string {
  let source: string;
  try {
    source = translateRegex(pattern, "rust").source;
    if (!checkedRust.has(source)) {
      pl.DataFrame({ s: [""] }).select(pl.col("s").str.contains(source));
      checkedRust.add(source);
    }
  } catch (e) {
    if (e instanceof RegexProblem) throw e;
    throw new RegexProblem(
      /\nerror: (.*)/.exec(String((e as Error).message ?? e))?.[1] ?? String(e),
    );
  }
  return source;
}
