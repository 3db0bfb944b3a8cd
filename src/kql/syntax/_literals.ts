/**
 * Reading the content of KQL's typed literals: `datetime(...)`, `timespan(...)`,
 * `guid(...)`, `dynamic(...)`, `int(...)`, `real(...)`, `bool(...)`.
 *
 * @module
 */
import type { KustoType } from "../../schema/types.ts";
import { timespanMicros } from "./_lexer.ts";

/** A literal's type and value (see `Literal.value` in ast.ts), or an error message. */
export type LiteralRead = { type: KustoType; value: unknown } | { error: string };

const MICROS_PER_DAY = 86_400_000_000n;

/** Microseconds since the epoch of a Kusto datetime literal's text; undefined if invalid. */
export function readDatetime(text: string): bigint | undefined {
  let t = text.trim();
  if (/^(['"]).*\1$/.test(t)) t = t.slice(1, -1).trim();
  // `datetime(2025, 6, 14[, h, m, s])`
  const parts =
    /^(\d{4})\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})(?:\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})(?:\s*,\s*(\d{1,2}))?)?$/
      .exec(t);
  if (parts) {
    const [, y, mo, d, h = "0", mi = "0", s = "0"] = parts;
    t = `${y}-${mo}-${d} ${h}:${mi.padStart(2, "0")}:${s.padStart(2, "0")}`;
  }
  // Kusto reads `2017 - 08 - 01`: spaces around the date's and time's separators.
  if (/^\d/.test(t)) t = t.replace(/\s*([-/:])\s*/g, "$1");
  // US month-day-year with dashes or slashes: `12-02-2022`.
  const us = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})(.*)$/.exec(t);
  if (us) t = `${us[3]}-${us[1]}-${us[2]}${us[4]}`;
  const iso =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|GMT|UTC|[+-]\d{2}:?\d{2})?$/i
      .exec(t);
  if (iso) {
    const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = iso;
    const days = daysFromCivil(Number(y), Number(mo), Number(d));
    // No rolling over, as Kusto refuses them: 2023-02-30 is no date, 24:00 or :60 no time.
    const monthDays = [31, isLeapYear(Number(y)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (
      Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > monthDays[Number(mo) - 1]
    ) {
      return undefined;
    }
    if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
    let micros = BigInt(days) * MICROS_PER_DAY +
      BigInt(Number(h) * 3600 + Number(mi) * 60 + Number(s)) * 1_000_000n +
      BigInt(frac.padEnd(6, "0").slice(0, 6) || "0");
    // datetime.md's sortable forms end with a zone name: `2014-11-08T15:05:25 GMT`.
    if (zone && !/^(Z|GMT|UTC)$/i.test(zone)) {
      const sign = zone[0] === "-" ? -1n : 1n;
      const digits = zone.slice(1).replace(":", "");
      const offset = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) *
        60_000_000n;
      micros -= sign * offset;
    }
    return micros;
  }
  // RFC 822 / RFC 850 forms ("Sat, 8 Nov 2014 15:05:02 GMT"): Date reads them.
  if (/[A-Za-z]{3}/.test(t) && /\d{1,2}:\d{2}/.test(t)) {
    const ms = Date.parse(/GMT|UTC|Z$|[+-]\d{4}$/.test(t) ? t : `${t} GMT`);
    if (!Number.isNaN(ms)) return BigInt(ms) * 1000n;
  }
  return undefined;
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Microseconds of a timespan literal's text (`1d`, `1.02:03:04.5`, `00:10:00`). */
export function readTimespan(text: string): bigint | undefined {
  const t = text.trim();
  const unit = /^(-?)(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-z]+)$/.exec(t);
  if (unit) {
    const micros = timespanMicros(Number(unit[2]), unit[3]);
    return micros === undefined ? undefined : unit[1] ? -micros : micros;
  }
  const clock = /^(-?)(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/.exec(t);
  if (clock) {
    const [, sign, d = "0", h, m, s = "0", frac = ""] = clock;
    const micros = BigInt(d) * MICROS_PER_DAY +
      BigInt(Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1_000_000n +
      BigInt(frac.padEnd(7, "0").slice(0, 6) || "0");
    return sign ? -micros : micros;
  }
  const days = /^(-?)(\d+)$/.exec(t);
  if (days) return (days[1] ? -1n : 1n) * BigInt(days[2]) * MICROS_PER_DAY;
  return undefined;
}

/** Reads the content of `name(raw)` where name is a type name. */
export function readTypedLiteral(name: string, raw: string): LiteralRead {
  const text = raw.trim();
  const isNull = text === "null";
  switch (name) {
    case "datetime":
    case "date": {
      if (isNull) return { type: "datetime", value: null };
      const value = readDatetime(text);
      return value === undefined ? { error: `invalid datetime literal '${text}'` } : {
        type: "datetime",
        value,
      };
    }
    case "timespan":
    case "time": {
      if (isNull) return { type: "timespan", value: null };
      const value = readTimespan(text);
      return value === undefined ? { error: `invalid timespan literal '${text}'` } : {
        type: "timespan",
        value,
      };
    }
    case "guid":
    case "uniqueid": {
      if (isNull) return { type: "guid", value: null };
      const guid =
        /^\{?([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})\}?$/
          .exec(text);
      if (!guid) return { error: `invalid guid literal '${text}'` };
      const hex = guid[1].replaceAll("-", "").toLowerCase();
      return {
        type: "guid",
        value: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
          hex.slice(20)
        }`,
      };
    }
    case "int":
    case "long": {
      const type = name as KustoType;
      if (isNull) return { type, value: null };
      if (!/^[+-]?(\d+|0x[0-9a-fA-F]+)$/.test(text)) {
        return { error: `invalid ${name} literal '${text}'` };
      }
      const negative = text.startsWith("-");
      const digits = text.replace(/^[+-]/, "");
      const value = BigInt(digits) * (negative ? -1n : 1n);
      return { type, value };
    }
    case "real":
    case "double":
    case "decimal": {
      const type: KustoType = name === "decimal" ? "decimal" : "real";
      if (isNull) return { type, value: null };
      const special: Record<string, number> = {
        nan: NaN,
        "+inf": Infinity,
        inf: Infinity,
        "-inf": -Infinity,
      };
      const value = special[text.toLowerCase()] ?? Number(text);
      if (Number.isNaN(value) && text.toLowerCase() !== "nan") {
        return { error: `invalid ${name} literal '${text}'` };
      }
      return { type, value };
    }
    case "bool":
    case "boolean": {
      if (isNull) return { type: "bool", value: null };
      const lower = text.toLowerCase();
      if (lower === "true" || lower === "1") return { type: "bool", value: true };
      if (lower === "false" || lower === "0") return { type: "bool", value: false };
      return { error: `invalid bool literal '${text}'` };
    }
    case "dynamic": {
      try {
        return { type: "dynamic", value: readDynamic(text) };
      } catch (error) {
        // A stack overflow is the literal's depth, not something the user can act on as said.
        if (error instanceof RangeError) {
          return {
            error:
              `invalid dynamic literal: it nests arrays or property bags too deeply (more than ${DYNAMIC_DEPTH} levels)`,
          };
        }
        return { error: `invalid dynamic literal: ${(error as Error).message}` };
      }
    }
    default:
      return { error: `unknown literal type '${name}'` };
  }
}

/**
 * Reads a dynamic literal: JSON, plus KQL's single-quoted strings and typed literals
 * inside (`datetime(...)` becomes its ISO text, as Kusto stores it).
 */
export function readDynamic(text: string): unknown {
  const reader = new DynamicReader(text);
  const value = reader.value();
  reader.end();
  return value;
}

/** How deep a dynamic literal may nest arrays and property bags. */
const DYNAMIC_DEPTH = 400;

class DynamicReader {
  #i = 0;
  #depth = 0;
  readonly #t: string;

  constructor(text: string) {
    this.#t = text;
  }

  #space(): void {
    while (/\s/.test(this.#t[this.#i] ?? "")) this.#i++;
  }

  end(): void {
    this.#space();
    if (this.#i < this.#t.length) throw new SyntaxError(`unexpected '${this.#t[this.#i]}'`);
  }

  value(): unknown {
    this.#space();
    const c = this.#t[this.#i];
    if (c === "{" || c === "[") {
      // A limit of its own, so the error does not depend on how much stack is left.
      if (this.#depth >= DYNAMIC_DEPTH) throw new RangeError("too deep");
      this.#depth++;
      try {
        return c === "{" ? this.#object() : this.#array();
      } finally {
        this.#depth--;
      }
    }
    if (c === '"' || c === "'") {
      // Adjacent string literals are one string, inside a dynamic literal as in an
      // expression (Kusto.Language reads `["a" "b"]` as one element).
      let text = this.#string();
      for (this.#space(); this.#t[this.#i] === '"' || this.#t[this.#i] === "'"; this.#space()) {
        text += this.#string();
      }
      return text;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.#t.slice(this.#i))?.[0];
    if (word) {
      this.#i += word.length;
      if (word === "null") return null;
      if (word === "true" || word === "True" || word === "TRUE") return true;
      if (word === "false" || word === "False" || word === "FALSE") return false;
      this.#space();
      if (this.#t[this.#i] !== "(") throw new SyntaxError(`unexpected '${word}'`);
      const close = this.#t.indexOf(")", this.#i);
      const raw = this.#t.slice(this.#i + 1, close);
      this.#i = close + 1;
      const read = readTypedLiteral(word, raw);
      if ("error" in read) throw new SyntaxError(read.error);
      return literalAsJson(read.type, read.value);
    }
    const num = /^-?(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)/.exec(this.#t.slice(this.#i))?.[0];
    if (num) {
      this.#i += num.length;
      // A timespan shorthand (`1h`, `10ms`) is a timespan, stored as its text.
      const unit = /^[A-Za-z]+/.exec(this.#t.slice(this.#i))?.[0];
      if (unit) {
        const micros = timespanMicros(Number(num), unit);
        if (micros === undefined) throw new SyntaxError(`unexpected '${unit}'`);
        this.#i += unit.length;
        return literalAsJson("timespan", micros);
      }
      // A number written with a fraction or an exponent is a real, also when integral.
      if (/[.eE]/.test(num)) return realAsJson(Number(num));
      // An integer past 2^53 keeps its digits (a long in Int64), as parse_json's does.
      const n = Number(num);
      return Number.isSafeInteger(n) ? n : exactLongAsJson(num) ?? n;
    }
    throw new SyntaxError(c === undefined ? "unexpected end" : `unexpected '${c}'`);
  }

  #object(): Record<string, unknown> {
    this.#i++;
    const out: Record<string, unknown> = {};
    this.#space();
    if (this.#t[this.#i] === "}") {
      this.#i++;
      return out;
    }
    for (;;) {
      this.#space();
      const key = this.#string();
      this.#space();
      if (this.#t[this.#i++] !== ":") throw new SyntaxError("expected ':'");
      out[key] = this.value();
      this.#space();
      const c = this.#t[this.#i++];
      if (c === "}") return out;
      if (c !== ",") throw new SyntaxError("expected ',' or '}'");
    }
  }

  #array(): unknown[] {
    this.#i++;
    const out: unknown[] = [];
    this.#space();
    if (this.#t[this.#i] === "]") {
      this.#i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.#space();
      const c = this.#t[this.#i++];
      if (c === "]") return out;
      if (c !== ",") throw new SyntaxError("expected ',' or ']'");
    }
  }

  #string(): string {
    const quote = this.#t[this.#i];
    if (quote !== '"' && quote !== "'") throw new SyntaxError("expected a string");
    let out = "";
    for (this.#i++; this.#i < this.#t.length; this.#i++) {
      const c = this.#t[this.#i];
      if (c === quote) {
        this.#i++;
        return out;
      }
      if (c === "\\") {
        const e = this.#t[++this.#i];
        if (e === "u") {
          out += String.fromCharCode(parseInt(this.#t.slice(this.#i + 1, this.#i + 5), 16));
          this.#i += 4;
        } else {
          out += ({ n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" } as Record<string, string>)[e] ??
            e;
        }
        continue;
      }
      out += c;
    }
    throw new SyntaxError("unterminated string");
  }
}

/** How a typed value is written inside a dynamic value (Kusto stores text for these). */
export function literalAsJson(type: KustoType, value: unknown): unknown {
  if (value === null) return null;
  switch (type) {
    case "datetime":
      return formatDatetime(value as bigint);
    case "timespan":
      return formatTimespan(value as bigint);
    case "int":
    case "long":
      return Number(value as bigint);
    case "real":
      return realAsJson(Number(value));
    default:
      return value;
  }
}

/** `JSON.rawJSON` and `JSON.isRawJSON` (ES2025, not yet in TypeScript's library). */
const RAW_JSON = JSON as unknown as {
  rawJSON(text: string): object;
  isRawJSON(value: unknown): boolean;
};

/**
 * A real as it goes into a dynamic value that is about to be written as JSON text: an
 * integral real keeps its fraction (`2.0`, as Kusto writes it, so that it stays a real and
 * not a long), as raw JSON that `JSON.stringify` writes verbatim. Other numbers stay plain.
 * Such a marker must not outlive the writing: JS code reading dynamic values sees numbers.
 */
export function realAsJson(n: number): unknown {
  if (!Number.isInteger(n)) return n;
  const text = String(n);
  return /e/i.test(text) ? n : RAW_JSON.rawJSON(`${text}.0`);
}

/** `value` with the reals {@link realAsJson} marked as plain numbers, as JS code reads it. */
export function plainJson(value: unknown): unknown {
  if (RAW_JSON.isRawJSON(value)) return Number((value as { rawJSON: string }).rawJSON);
  return typeof value === "object" && value !== null ? JSON.parse(JSON.stringify(value)) : value;
}

/** Whether `value` is a real made by {@link realAsJson} to keep its fraction. */
export function isRealAsJson(value: unknown): boolean {
  return RAW_JSON.isRawJSON(value) && (value as { rawJSON: string }).rawJSON.includes(".");
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * An integer of JSON text beyond 2^53, as it goes into a dynamic value about to be written
 * as JSON text: its digits as raw JSON, so it stays exact (Kusto keeps a long in Int64
 * exactly). Undefined when the text is not an integer within Int64 (Kusto reads such a
 * number as a real). Like {@link realAsJson}'s, the marker must not outlive the writing.
 */
export function exactLongAsJson(source: string): unknown {
  if (!/^-?[0-9]+$/.test(source)) return undefined;
  const n = BigInt(source);
  return n < INT64_MIN || n > INT64_MAX ? undefined : RAW_JSON.rawJSON(n.toString());
}

/** Whether `value` is an integer made by {@link exactLongAsJson} to keep its digits. */
export function isExactLongAsJson(value: unknown): boolean {
  return RAW_JSON.isRawJSON(value) && !(value as { rawJSON: string }).rawJSON.includes(".");
}

/** Kusto's text of a datetime: `2024-01-02T03:04:05.1234560Z` (seven fraction digits). */
export function formatDatetime(micros: bigint): string {
  const ms = Number(micros / 1000n) - (micros % 1000n < 0n ? 1 : 0);
  const sub = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const iso = new Date(ms).toISOString().slice(0, 19);
  return `${iso}.${sub.toString().padStart(6, "0")}0Z`;
}

/** Kusto's text of a timespan: `[-][d.]hh:mm:ss[.fffffff]`. */
export function formatTimespan(micros: bigint): string {
  const negative = micros < 0n;
  let rest = negative ? -micros : micros;
  const days = rest / MICROS_PER_DAY;
  rest %= MICROS_PER_DAY;
  const h = rest / 3_600_000_000n;
  rest %= 3_600_000_000n;
  const m = rest / 60_000_000n;
  rest %= 60_000_000n;
  const s = rest / 1_000_000n;
  const frac = rest % 1_000_000n;
  const two = (n: bigint) => n.toString().padStart(2, "0");
  return `${negative ? "-" : ""}${days > 0n ? `${days}.` : ""}${two(h)}:${two(m)}:${two(s)}${
    frac > 0n ? `.${frac.toString().padStart(6, "0")}0` : ""
  }`;
}
