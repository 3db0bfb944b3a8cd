/**
 * The `kql` tagged template: queries with values in them, where every value becomes a
 * correctly quoted KQL literal of its type, so no value can change the query's structure.
 * Raw KQL text must be opted into with {@link rawKql} (or {@link kqlIdent} for a name).
 *
 * @module
 */
import type { TimeRange } from "../providers/mod.ts";
import { KqlTemplateError } from "./errors.ts";
import { ParamRef, type ParamValue, Timespan } from "./params.ts";

/** KQL text inserted as it is: made by {@link rawKql} and {@link kqlIdent} only. */
export class RawKql {
  /** The KQL text. */
  readonly text: string;

  /**
   * Wraps KQL text (made by `rawKql` and `kqlIdent`).
   *
   * @param text KQL text, inserted as it is.
   */
  constructor(text: string) {
    this.text = text;
  }

  /** The KQL text. */
  toString(): string {
    return this.text;
  }
}

/**
 * KQL text to insert as it is, unquoted (a table name chosen by the user, an operator).
 * Only for text you trust: it can change the query's meaning.
 */
export function rawKql(text: string): RawKql {
  if (typeof text !== "string") throw new TypeError("rawKql() takes a string");
  return new RawKql(text);
}

/** A table or column name, quoted as `['name']` when it is not a plain identifier. */
export function kqlIdent(name: string): RawKql {
  if (typeof name !== "string" || name === "") {
    throw new TypeError("kqlIdent() takes a non-empty string");
  }
  return new RawKql(/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `[${stringLiteral(name)}]`);
}

/**
 * A value in a query together with the TypeScript expression that computed it from the
 * session's variables (`${ips}`, `${A.getColumn("IPAddress").toArray()}` in a REPL `%kql`).
 * The query holds the value's literal, as for any value; the journal records the
 * expression too, so an exported script computes the value again from the earlier steps
 * of its own run (another `--window` gives other IPs) instead of reusing the recorded
 * literal. Made by {@link kqlExpression}.
 */
export class KqlExpression {
  /** The TypeScript expression, as written. */
  readonly source: string;
  /** Its value when the query was built. */
  readonly value: unknown;

  /**
   * Pairs a value with the expression that computed it (see {@link kqlExpression}).
   *
   * @param source The TypeScript expression.
   * @param value Its value.
   */
  constructor(source: string, value: unknown) {
    this.source = source;
    this.value = value;
  }
}

/**
 * A value for a `kql` template that keeps the expression it came from, so exports compute
 * it again (see {@link KqlExpression}).
 *
 * @param source A TypeScript expression over the session's variables.
 * @param value The expression's value now.
 * @returns The value, to interpolate with `${...}` in a `kql` template.
 *
 * @example The query holds the literal; the expression travels with it
 * ```ts
 * import assert from "node:assert/strict";
 * import { kql, kqlExpression } from "./kql_template.ts";
 *
 * const ips = ["203.0.113.45", "198.51.100.7"];
 * const query = kql`SigninLogs | where IPAddress in (${kqlExpression("ips", ips)})`;
 * assert.equal(
 *   query.text,
 *   'SigninLogs | where IPAddress in (dynamic(["203.0.113.45","198.51.100.7"]))',
 * );
 * ```
 */
export function kqlExpression(source: string, value: unknown): KqlExpression {
  if (typeof source !== "string" || !source.trim()) {
    throw new TypeError("kqlExpression() takes the expression's text");
  }
  return new KqlExpression(source.trim(), value);
}

/** A query made by the {@link kql} tag: text pieces and the values between them. */
export class KqlQuery {
  /** The template's text pieces (one more than its values). */
  readonly strings: readonly string[];
  /** The values between the pieces (parameters, nested queries, literals). */
  readonly values: readonly unknown[];

  /**
   * A query of text pieces and the values between them (the `kql` tag makes them).
   *
   * @param strings The text pieces.
   * @param values The values between them.
   */
  constructor(strings: readonly string[], values: readonly unknown[]) {
    if (strings.length !== values.length + 1) {
      throw new TypeError("a KQL template has one more text piece than values");
    }
    this.strings = strings;
    this.values = values;
    // Fail now, at the line that built the query, not when it runs.
    this.text;
  }

  /** The query with every value as a literal (parameters at their current values). */
  get text(): string {
    return this.render();
  }

  /**
   * The query text, parameters resolved by `resolve` (default: their current value).
   *
   * @throws {KqlTemplateError} for a value that has no KQL literal.
   */
  render(resolve: (ref: ParamRef) => ParamValue = (ref) => ref.value): string {
    let out = this.strings[0];
    for (let i = 0; i < this.values.length; i++) {
      out += piece(this.values[i], i, resolve) + this.strings[i + 1];
    }
    return out;
  }

  /** Names of the parameters the query uses (`window` for `window.start`), in order. */
  get params(): string[] {
    const names = new Set<string>();
    for (const value of this.values) {
      if (value instanceof ParamRef) names.add(value.name.split(".")[0]);
      else if (value instanceof KqlQuery) { for (const name of value.params) names.add(name); }
    }
    return [...names];
  }

  /** The query's text, with the parameters' current values. */
  toString(): string {
    return this.text;
  }
}

function piece(value: unknown, index: number, resolve: (ref: ParamRef) => ParamValue): string {
  if (value instanceof RawKql) return value.text;
  if (value instanceof KqlQuery) return value.render(resolve);
  if (value instanceof KqlExpression) return piece(value.value, index, resolve);
  if (value instanceof ParamRef) {
    if (value.kind === "timerange") {
      throw new KqlTemplateError(index, `Parameter ${value.name} is a time range.`, {
        hint: `Use ${value.name}.start and ${value.name}.end, or pass it as the step's timespan.`,
      });
    }
    return literal(resolve(value), index);
  }
  return literal(value, index);
}

/**
 * The KQL literal of a value: strings quoted with every character outside printable ASCII
 * escaped, `datetime(...)`, `timespan(...)`, numbers (`long(...)` / `real(...)` where a
 * bare form could be misread), `true`/`false`, and lists or objects as `dynamic(...)`.
 *
 * @throws {KqlTemplateError} for `null`, `undefined` and values with no KQL literal.
 */
export function kqlLiteral(value: unknown): string {
  return literal(value, 0);
}

function literal(value: unknown, index: number): string {
  switch (typeof value) {
    case "string":
      return stringLiteral(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return numberLiteral(value);
    case "bigint":
      if (value < -(2n ** 63n) || value >= 2n ** 63n) {
        throw new KqlTemplateError(index, `${value} does not fit a KQL long.`);
      }
      return `long(${value})`;
    case "object":
      if (value === null) break;
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) {
          throw new KqlTemplateError(index, `Value ${index + 1} of the query is an invalid date.`);
        }
        return `datetime(${value.toISOString()})`;
      }
      if (value instanceof Timespan) return `timespan(${clock(value.micros)})`;
      if (isRange(value)) {
        throw new KqlTemplateError(index, `Value ${index + 1} of the query is a time range.`, {
          hint: "Use its start and end, or pass it as the step's timespan.",
        });
      }
      if (Array.isArray(value) || isPlainObject(value)) {
        return `dynamic(${dynamicText(value, index)})`;
      }
      throw new KqlTemplateError(
        index,
        `Value ${index + 1} of the query (${
          value.constructor?.name ?? "object"
        }) has no KQL literal.`,
        { hint: "Interpolate strings, numbers, dates, timespans, lists or plain objects." },
      );
    default:
      break;
  }
  throw new KqlTemplateError(index, `Value ${index + 1} of the query is ${String(value)}.`, {
    hint: "A query cannot hold a missing value: check the variable, or write null in the text.",
  });
}

/** A double-quoted string literal; outside printable ASCII, everything is `\uXXXX`. */
function stringLiteral(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += text[i];
    else out += `\\u${c.toString(16).padStart(4, "0")}`;
  }
  return out + '"';
}

function numberLiteral(n: number): string {
  if (Number.isNaN(n)) return "real(nan)";
  if (n === Infinity) return "real(+inf)";
  if (n === -Infinity) return "real(-inf)";
  if (Number.isSafeInteger(n)) return n < 0 ? `long(${n})` : String(n);
  return `real(${String(n)})`;
}

function clock(micros: number): string {
  const sign = micros < 0 ? "-" : "";
  let m = Math.abs(micros);
  const days = Math.floor(m / 86_400_000_000);
  m -= days * 86_400_000_000;
  const h = Math.floor(m / 3_600_000_000);
  m -= h * 3_600_000_000;
  const min = Math.floor(m / 60_000_000);
  m -= min * 60_000_000;
  const s = Math.floor(m / 1_000_000);
  const frac = m - s * 1_000_000;
  const two = (x: number) => String(x).padStart(2, "0");
  return `${sign}${days}.${two(h)}:${two(min)}:${two(s)}.${String(frac).padStart(6, "0")}`;
}

function isRange(value: object): value is TimeRange {
  return "start" in value && "end" in value && (value as TimeRange).start instanceof Date;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function dynamicText(value: unknown, index: number): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return stringLiteral(value);
    case "boolean":
      return String(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw new KqlTemplateError(index, `A dynamic value cannot hold ${value}.`);
      }
      return String(value);
    case "object":
      if (value instanceof Date) return stringLiteral(value.toISOString());
      if (Array.isArray(value)) return `[${value.map((v) => dynamicText(v, index)).join(",")}]`;
      if (isPlainObject(value)) {
        return `{${
          Object.entries(value).map(([k, v]) => `${stringLiteral(k)}:${dynamicText(v, index)}`)
            .join(",")
        }}`;
      }
  }
  throw new KqlTemplateError(index, `A dynamic value cannot hold ${String(value)}.`);
}

/**
 * A KQL query with values in it: each `${value}` becomes a literal of its type (strings
 * quoted and escaped, dates as `datetime(...)`, lists as `dynamic([...])`), and each
 * session parameter is recorded, so the step can be run again with other values.
 *
 * @returns The query; `String(query)` or `query.text` is the KQL text.
 * @throws {KqlTemplateError} for a value with no KQL literal (`undefined`, a function...).
 *
 * @example Values cannot change the query's structure
 * ```ts
 * import assert from "node:assert/strict";
 * import { kql } from "./kql_template.ts";
 *
 * const upn = `x" or 1==1 | union *`;
 * const since = new Date("2026-03-10T00:00:00Z");
 * const query = kql`SigninLogs | where UserPrincipalName == ${upn} and TimeGenerated > ${since}`;
 * assert.equal(
 *   query.text,
 *   'SigninLogs | where UserPrincipalName == "x\\" or 1==1 | union *" and ' +
 *     "TimeGenerated > datetime(2026-03-10T00:00:00.000Z)",
 * );
 * ```
 */
export function kql(strings: TemplateStringsArray, ...values: unknown[]): KqlQuery {
  return new KqlQuery([...strings.raw], values);
}
