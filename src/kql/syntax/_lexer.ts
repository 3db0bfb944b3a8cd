/**
 * The KQL lexer: turns query text into tokens with spans. Literal forms whose content is
 * not KQL tokens (`datetime(2024-01-01 10:00)`, `guid(...)`, `dynamic({...})`, `int(null)`)
 * are kept whole as `typed` tokens for the parser to read.
 *
 * @module
 */
import type { Span } from "./ast.ts";
import { KqlSyntaxError } from "../errors.ts";

/** The kinds of token. */
export type TokenKind =
  | "ident"
  | "string"
  | "long"
  | "real"
  | "timespan"
  | "typed"
  | "punct"
  | "eof";

/** One token. */
export interface Token {
  /** What the token is. */
  readonly kind: TokenKind;
  /** The text as written (for `string`, the decoded value is in `value`). */
  readonly text: string;
  /** Where the token is in the query text. */
  readonly span: Span;
  /**
   * string: the decoded text; long: bigint; real: number; timespan: bigint microseconds;
   * typed: { name, raw } with the raw text between the parentheses.
   */
  readonly value?: unknown;
}

/** The raw content of a typed literal such as `datetime(...)`. */
export interface TypedRaw {
  readonly name: string;
  readonly raw: string;
}

/** Names whose `name(...)` form is a literal of that type. */
const TYPED_LITERALS = new Set([
  "datetime",
  "date",
  "timespan",
  "time",
  "guid",
  "uniqueid",
  "dynamic",
  "int",
  "long",
  "real",
  "double",
  "bool",
  "boolean",
  "decimal",
]);

const PUNCTUATION = [
  "..",
  "==",
  "!=",
  "<>",
  "<=",
  ">=",
  "=~",
  "!~",
  "=>",
  "|",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ";",
  ".",
  ":",
  "=",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "%",
  "!",
  "?",
  // `@` before a quote starts a verbatim string; alone, Kusto.Language parses it as a value.
  "@",
];

/** Microseconds in one unit of each timespan suffix. */
const TIMESPAN_UNITS: Record<string, number> = {
  d: 86_400_000_000,
  day: 86_400_000_000,
  days: 86_400_000_000,
  h: 3_600_000_000,
  hr: 3_600_000_000,
  hrs: 3_600_000_000,
  hour: 3_600_000_000,
  hours: 3_600_000_000,
  m: 60_000_000,
  min: 60_000_000,
  minute: 60_000_000,
  minutes: 60_000_000,
  s: 1_000_000,
  sec: 1_000_000,
  second: 1_000_000,
  seconds: 1_000_000,
  ms: 1_000,
  milli: 1_000,
  millis: 1_000,
  millisecond: 1_000,
  milliseconds: 1_000,
  microsecond: 1,
  microseconds: 1,
  tick: 0.1,
  ticks: 0.1,
};

/** Microseconds in `amount` of timespan `unit`, or undefined for an unknown unit. */
export function timespanMicros(amount: number, unit: string): bigint | undefined {
  const scale = TIMESPAN_UNITS[unit.toLowerCase()];
  if (scale === undefined) return undefined;
  // The engine keeps microseconds, Kusto 100 ns ticks: a nonzero span shorter than a
  // microsecond stays nonzero (one microsecond), so `End - 1tick` is still before End.
  const micros = Math.round(amount * scale);
  return BigInt(micros === 0 && amount !== 0 ? Math.sign(amount) : micros);
}

function isIdentStart(c: string): boolean {
  return /[A-Za-z_$]/.test(c);
}

function isIdentPart(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c);
}

/**
 * The characters Kusto.Language skips as white space (read from it, one code point at a
 * time): JavaScript's `\s` less the vertical tab and the line and paragraph separators,
 * plus the zero-width space and the Mongolian vowel separator.
 */
const KUSTO_SPACE = /[\t\n\f\r \u00a0\u1680\u180e\u2000-\u200b\u202f\u205f\u3000\ufeff]/;

/** Splits `query` into tokens, ending with an `eof` token. */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string, start: number, end = start + 1): never => {
    throw new KqlSyntaxError(what, query, { start, end });
  };
  while (i < query.length) {
    const c = query[i];
    if (KUSTO_SPACE.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && query[i + 1] === "/") {
      while (i < query.length && query[i] !== "\n") i++;
      continue;
    }
    // Client directives (`#connect ...`) before the query's first token, as Kusto.Language
    // reads them: a line of their own that the query does not see.
    if (c === "#" && tokens.length === 0) {
      while (i < query.length && query[i] !== "\n") i++;
      continue;
    }
    const start = i;
    // Multi-line strings: ```text``` and ~~~text~~~.
    if ((c === "`" || c === "~") && query.startsWith(c.repeat(3), i)) {
      const fence = c.repeat(3);
      const end = query.indexOf(fence, i + 3);
      if (end < 0) fail("unterminated multi-line string", start, start + 3);
      tokens.push({
        kind: "string",
        text: query.slice(start, end + 3),
        span: { start, end: end + 3 },
        value: query.slice(start + 3, end),
      });
      i = end + 3;
      continue;
    }
    // Strings, with optional h (obfuscated) and @ (verbatim) prefixes.
    const prefix = /^(?:[hH]@?|@)?(?=['"])/.exec(query.slice(i, i + 3))?.[0];
    if (prefix !== undefined && (c === "'" || c === '"' || prefix.length > 0)) {
      const verbatim = prefix.includes("@");
      const quoteAt = i + prefix.length;
      const quote = query[quoteAt];
      let j = quoteAt + 1;
      let value = "";
      for (;;) {
        if (j >= query.length || query[j] === "\n") fail("unterminated string literal", start, j);
        const ch = query[j];
        if (ch === quote) {
          if (verbatim && query[j + 1] === quote) {
            value += quote;
            j += 2;
            continue;
          }
          j++;
          break;
        }
        if (ch === "\\" && !verbatim) {
          const [decoded, length] = escape(query, j, fail);
          value += decoded;
          j += length;
          continue;
        }
        value += ch;
        j++;
      }
      tokens.push({ kind: "string", text: query.slice(start, j), span: { start, end: j }, value });
      i = j;
      continue;
    }
    // A number starts with a digit: Kusto.Language reads `.5` as '.' and 5, not a real.
    if (/[0-9]/.test(c)) {
      i = number(query, i, tokens, fail);
      continue;
    }
    if (
      isIdentStart(c) || (c === "!" && isIdentStart(query[i + 1] ?? "") && query[i + 1] !== "$")
    ) {
      let j = i + 1;
      while (j < query.length && isIdentPart(query[j])) j++;
      let text = query.slice(i, j);
      // `in~` and `!in~` are single operators.
      if ((text === "in" || text === "!in") && query[j] === "~") text += query[j++];
      if (text.startsWith("!") && !isStringOperator(text.slice(1))) {
        // `!x` where x is not an operator: a lone `!` then an identifier.
        tokens.push({ kind: "punct", text: "!", span: { start, end: start + 1 } });
        i = start + 1;
        continue;
      }
      if (TYPED_LITERALS.has(text)) {
        let k = j;
        while (k < query.length && /[ \t]/.test(query[k])) k++;
        if (query[k] === "(") {
          const close = matchingParen(query, k, fail);
          tokens.push({
            kind: "typed",
            text: query.slice(start, close + 1),
            span: { start, end: close + 1 },
            value: { name: text, raw: query.slice(k + 1, close) } satisfies TypedRaw,
          });
          i = close + 1;
          continue;
        }
      }
      tokens.push({ kind: "ident", text, span: { start, end: j } });
      i = j;
      continue;
    }
    const punct = PUNCTUATION.find((p) => query.startsWith(p, i));
    if (!punct) fail(`unexpected character '${c}'`, start);
    tokens.push({ kind: "punct", text: punct!, span: { start, end: i + punct!.length } });
    i += punct!.length;
  }
  tokens.push({ kind: "eof", text: "", span: { start: query.length, end: query.length } });
  return tokens;
}

/** Operators that can be negated with a leading `!`. */
function isStringOperator(name: string): boolean {
  return /^(has|has_cs|hasprefix|hasprefix_cs|hassuffix|hassuffix_cs|contains|contains_cs|startswith|startswith_cs|endswith|endswith_cs|in|in~|between|has_any|has_all|matches)$/
    .test(name);
}

function escape(
  query: string,
  at: number,
  fail: (what: string, start: number, end?: number) => never,
): [string, number] {
  const e = query[at + 1];
  const simple: Record<string, string> = {
    n: "\n",
    t: "\t",
    r: "\r",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "0": "\0",
    a: "\x07",
    b: "\b",
    f: "\f",
    v: "\v",
    "/": "/",
  };
  if (e in simple) return [simple[e], 2];
  if (e === "u") {
    const hex = query.slice(at + 2, at + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("invalid \\u escape", at, at + 6);
    return [String.fromCharCode(parseInt(hex, 16)), 6];
  }
  if (e === "U") {
    const hex = query.slice(at + 2, at + 10);
    if (!/^[0-9a-fA-F]{8}$/.test(hex)) fail("invalid \\U escape", at, at + 10);
    return [String.fromCodePoint(parseInt(hex, 16)), 10];
  }
  if (e === "x") {
    const hex = /^[0-9a-fA-F]{1,2}/.exec(query.slice(at + 2))?.[0];
    if (!hex) fail("invalid \\x escape", at, at + 2);
    return [String.fromCharCode(parseInt(hex!, 16)), 2 + hex!.length];
  }
  return fail(`unknown escape '\\${e}' in string literal`, at, at + 2);
}

function number(
  query: string,
  at: number,
  tokens: Token[],
  fail: (what: string, start: number, end?: number) => never,
): number {
  const hex = /^0[xX][0-9a-fA-F]+/.exec(query.slice(at));
  if (hex) {
    const end = at + hex[0].length;
    tokens.push({ kind: "long", text: hex[0], span: { start: at, end }, value: BigInt(hex[0]) });
    return end;
  }
  const match = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(query.slice(at))!;
  let text = match[0];
  // `1..5` in `range` and `between`: the number is `1`, then `..`.
  if (text.endsWith(".") && query[at + text.length] === ".") text = text.slice(0, -1);
  let end = at + text.length;
  const unit = /^[A-Za-z]+/.exec(query.slice(end))?.[0];
  if (unit) {
    const micros = timespanMicros(Number(text), unit);
    if (micros === undefined) fail(`unknown timespan unit '${unit}'`, end, end + unit.length);
    end += unit.length;
    tokens.push({
      kind: "timespan",
      text: query.slice(at, end),
      span: { start: at, end },
      value: micros,
    });
    return end;
  }
  const isReal = /[.eE]/.test(text);
  tokens.push({
    kind: isReal ? "real" : "long",
    text,
    span: { start: at, end },
    value: isReal ? Number(text) : BigInt(text),
  });
  return end;
}

function matchingParen(
  query: string,
  open: number,
  fail: (what: string, start: number, end?: number) => never,
): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < query.length; i++) {
    const c = query[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return fail("missing ')'", open);
}
