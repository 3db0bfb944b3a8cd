/**
 * Session parameters: the few typed values an investigation turns on (a time range, an
 * account, a host, an IP), with defaults, validation and a display. Queries use them
 * through {@link ParamRef}s, so a step can be run again with other values.
 *
 * @module
 */
import { isIP } from "node:net";
import { readKqlDatetime, readKqlTimespan } from "../kql/syntax.ts";
import type { TimeRange } from "../providers/mod.ts";
import { didYouMean } from "../errors.ts";
import { ParamError } from "./errors.ts";

/** The kinds of parameter. */
export type ParamKind =
  | "datetime"
  | "timespan"
  | "timerange"
  | "string"
  | "strings"
  | "ip"
  | "number"
  | "bool";

/** All parameter kinds, in display order. */
export const PARAM_KINDS: readonly ParamKind[] = [
  "datetime",
  "timespan",
  "timerange",
  "string",
  "strings",
  "ip",
  "number",
  "bool",
];

/** A length of time, kept in microseconds (Kusto's `timespan` to the microsecond). */
export class Timespan {
  /** Microseconds (may be negative). */
  readonly micros: number;

  /**
   * A length of `micros` microseconds.
   *
   * @param micros The length in microseconds (a safe integer).
   */
  constructor(micros: number) {
    if (!Number.isSafeInteger(micros)) throw new RangeError(`invalid timespan: ${micros} µs`);
    this.micros = micros;
  }

  /** A timespan of `ms` milliseconds. */
  static ofMillis(ms: number): Timespan {
    return new Timespan(Math.round(ms * 1000));
  }

  /**
   * Reads `1d`, `90m`, `2.5h`, `00:30:00` or `1.02:00:00` (KQL's forms).
   *
   * @returns The timespan, or undefined when the text is not one.
   */
  static parse(text: string): Timespan | undefined {
    const micros = readKqlTimespan(text);
    return micros === undefined ? undefined : new Timespan(Number(micros));
  }

  /** Milliseconds. */
  get millis(): number {
    return this.micros / 1000;
  }

  /** The shortest exact KQL form: `1d`, `36h`, `90s`, `1500ms`, or `0.01:30:00.000001`. */
  toString(): string {
    const sign = this.micros < 0 ? "-" : "";
    const m = Math.abs(this.micros);
    for (const [unit, size] of UNITS) {
      if (m % size === 0) return `${sign}${m / size}${unit}`;
    }
    return `${sign}${m}microsecond`;
  }
}

const UNITS: ReadonlyArray<[string, number]> = [
  ["d", 86_400_000_000],
  ["h", 3_600_000_000],
  ["m", 60_000_000],
  ["s", 1_000_000],
  ["ms", 1_000],
];

/** The JavaScript value of each parameter kind. */
export interface ParamValueMap {
  /** A point in time. */
  datetime: Date;
  /** A length of time. */
  timespan: Timespan;
  /** A window of time: `start` to `end`. */
  timerange: TimeRange;
  /** Any text. */
  string: string;
  /** A list of texts. */
  strings: readonly string[];
  /** An IPv4 or IPv6 address, as text. */
  ip: string;
  /** A number. */
  number: number;
  /** True or false. */
  bool: boolean;
}

/** Any parameter value. */
export type ParamValue = ParamValueMap[ParamKind];

/** A parameter's definition. */
export interface ParamSpec<K extends ParamKind = ParamKind> {
  /** The kind of value the parameter takes. */
  readonly kind: K;
  /** The value used until another is set. Without one, the parameter must be set. */
  readonly default?: ParamValueMap[K];
  /** One line for people: what the parameter means. */
  readonly description?: string;
}

/** What {@link param} builders accept: a default as a value or as text, and a description. */
export interface ParamSpecInput<K extends ParamKind> {
  /** The value used until another is set, as a value of its kind or as text. */
  readonly default?: ParamValueMap[K] | string;
  /** One line for people: what the parameter means. */
  readonly description?: string;
}

/** Builds a parameter definition of one kind (what each of {@link param}'s builders is). */
export type ParamBuilder<K extends ParamKind> = (
  input?: ParamSpecInput<K> | ParamValueMap[K] | string,
) => ParamSpec<K>;

function builder<K extends ParamKind>(kind: K): ParamBuilder<K> {
  return (input: ParamSpecInput<K> | ParamValueMap[K] | string = {}): ParamSpec<K> => {
    const options = isSpecInput<K>(input) ? input : { default: input };
    const value = options.default === undefined
      ? undefined
      : parseParam("default", kind, options.default);
    return Object.freeze({ kind, default: value, description: options.description });
  };
}

function isSpecInput<K extends ParamKind>(input: unknown): input is ParamSpecInput<K> {
  return typeof input === "object" && input !== null && !Array.isArray(input) &&
    !(input instanceof Date) && !(input instanceof Timespan) && !("start" in input);
}

/**
 * Builders of parameter definitions, one per kind. Each takes a default (a value or its
 * text) or `{ default, description }`.
 *
 * @example Define an investigation's parameters
 * ```ts
 * import assert from "node:assert/strict";
 * import { param } from "./params.ts";
 *
 * const params = {
 *   window: param.timerange("2026-03-10..2026-03-13"),
 *   upn: param.string({ default: "j.doe@larkspur.example", description: "the account" }),
 *   lookback: param.timespan("1d"),
 * };
 * assert.deepEqual(params.window.default, {
 *   start: new Date("2026-03-10T00:00:00Z"),
 *   end: new Date("2026-03-13T00:00:00Z"),
 * });
 * assert.equal(String(params.lookback.default), "1d");
 * assert.equal(params.upn.description, "the account");
 * ```
 */
export const param: { readonly [K in ParamKind]: ParamBuilder<K> } = Object.freeze({
  datetime: builder("datetime"),
  timespan: builder("timespan"),
  timerange: builder("timerange"),
  string: builder("string"),
  strings: builder("strings"),
  ip: builder("ip"),
  number: builder("number"),
  bool: builder("bool"),
});

const FORMS: Record<ParamKind, string> = {
  datetime: "a date and time such as 2026-03-10 or 2026-03-10T14:00:00Z (UTC)",
  timespan: "a length of time such as 1d, 6h, 90m or 00:30:00",
  timerange: "two datetimes as START..END, such as 2026-03-10..2026-03-12T12:00Z",
  string: "text, such as an account or host name",
  strings: "a list of text values, comma-separated",
  ip: "an IPv4 or IPv6 address, or a CIDR range such as 10.0.0.0/8",
  number: "a finite number",
  bool: "true or false",
};

/**
 * Checks and converts `input` (a value of the kind, or its text as typed on a command line)
 * to the parameter's value.
 *
 * @param name The parameter's name, for the error.
 * @param kind The parameter's kind.
 * @param input A value or its text.
 * @returns The value.
 * @throws {ParamError} saying what form is expected.
 */
export function parseParam<K extends ParamKind>(
  name: string,
  kind: K,
  input: unknown,
): ParamValueMap[K] {
  const value = convert(kind, input);
  if (value === undefined) {
    const shown = typeof input === "string" ? `"${input}"` : describe(input);
    throw new ParamError(name, `Parameter ${name} (${kind}) cannot be ${shown}.`, {
      hint: `Give ${FORMS[kind]}.`,
    });
  }
  return value as ParamValueMap[K];
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "an invalid date";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

function convert(kind: ParamKind, input: unknown): ParamValue | undefined {
  switch (kind) {
    case "datetime":
      return toDate(input);
    case "timespan":
      if (input instanceof Timespan) return input;
      return typeof input === "string" ? Timespan.parse(input) : undefined;
    case "timerange":
      return toRange(input);
    case "string":
      return typeof input === "string" ? input : undefined;
    case "strings":
      if (Array.isArray(input)) {
        return input.every((x) => typeof x === "string") ? Object.freeze([...input]) : undefined;
      }
      if (typeof input !== "string") return undefined;
      return Object.freeze(input.split(",").map((s) => s.trim()).filter((s) => s !== ""));
    case "ip":
      return typeof input === "string" && isIpOrCidr(input.trim()) ? input.trim() : undefined;
    case "number": {
      const n = typeof input === "number"
        ? input
        : typeof input === "string" && /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(input)
        ? Number(input)
        : NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    case "bool":
      if (typeof input === "boolean") return input;
      if (typeof input !== "string") return undefined;
      if (/^(true|yes|1)$/i.test(input.trim())) return true;
      if (/^(false|no|0)$/i.test(input.trim())) return false;
      return undefined;
  }
}

function toDate(input: unknown): Date | undefined {
  if (input instanceof Date) return Number.isNaN(input.getTime()) ? undefined : input;
  if (typeof input !== "string") return undefined;
  const micros = readKqlDatetime(input);
  if (micros === undefined) return undefined;
  const date = new Date(Number(micros / 1000n));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function toRange(input: unknown): TimeRange | undefined {
  let start: Date | undefined;
  let end: Date | undefined;
  if (typeof input === "string") {
    const parts = input.includes("..") ? input.split("..") : input.split("/");
    if (parts.length !== 2) return undefined;
    start = toDate(parts[0]);
    const duration = Timespan.parse(parts[1].replace(/^P/i, ""));
    end = toDate(parts[1]) ??
      (start && duration ? new Date(start.getTime() + duration.millis) : undefined);
  } else if (typeof input === "object" && input !== null && "start" in input && "end" in input) {
    start = toDate((input as TimeRange).start);
    end = toDate((input as TimeRange).end);
  }
  if (!start || !end || end.getTime() <= start.getTime()) return undefined;
  return Object.freeze({ start, end });
}

function isIpOrCidr(text: string): boolean {
  const slash = text.indexOf("/");
  if (slash < 0) return isIP(text) !== 0;
  const family = isIP(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  return family !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * A value as people read it, and as {@link parseParam} reads it back: ISO 8601 UTC for
 * datetimes, KQL's forms for timespans, `START..END` for ranges, comma-separated lists.
 */
export function formatParam(kind: ParamKind, value: ParamValue): string {
  switch (kind) {
    case "datetime":
      return isoUtc(value as Date);
    case "timerange": {
      const { start, end } = value as TimeRange;
      return `${isoUtc(start)}..${isoUtc(end)}`;
    }
    case "strings":
      return (value as readonly string[]).join(", ");
    case "timespan":
    case "string":
    case "ip":
    case "number":
    case "bool":
      return String(value);
  }
}

function isoUtc(date: Date): string {
  return date.toISOString().replace(".000Z", "Z");
}

/** A value as JSON, for the journal (read back by {@link paramFromJson}). */
export function paramToJson(kind: ParamKind, value: ParamValue): unknown {
  switch (kind) {
    case "strings":
      return [...(value as readonly string[])];
    case "number":
    case "bool":
      return value;
    case "datetime":
    case "timespan":
    case "timerange":
    case "string":
    case "ip":
      return formatParam(kind, value);
  }
}

/** Reads back a value written by {@link paramToJson}. */
export function paramFromJson<K extends ParamKind>(
  name: string,
  kind: K,
  json: unknown,
): ParamValueMap[K] {
  return parseParam(name, kind, json);
}

/**
 * A reference to a session parameter: a query template renders it as the parameter's
 * current value, and records which parameter it was, so the step can be run again with
 * another value. A time range's `start` and `end` are references too.
 */
export class ParamRef<K extends ParamKind = ParamKind> {
  /** The parameter's name (`window.start` for a part of a range). */
  readonly name: string;
  /** The kind of value the parameter takes. */
  readonly kind: K;
  readonly #read: () => ParamValueMap[K];

  /**
   * A reference to the parameter `name` (a `ParamSet` makes them: `ref`).
   *
   * @param name The parameter's name.
   * @param kind Its kind.
   * @param read Reads its current value.
   */
  constructor(name: string, kind: K, read: () => ParamValueMap[K]) {
    this.name = name;
    this.kind = kind;
    this.#read = read;
  }

  /** The parameter's current value. */
  get value(): ParamValueMap[K] {
    return this.#read();
  }

  /** For a time range: its start. */
  get start(): ParamRef<"datetime"> {
    return this.#part("start");
  }

  /** For a time range: its end. */
  get end(): ParamRef<"datetime"> {
    return this.#part("end");
  }

  #part(part: "start" | "end"): ParamRef<"datetime"> {
    if (this.kind !== "timerange") {
      throw new ParamError(
        this.name,
        `Parameter ${this.name} is a ${this.kind}, not a time range.`,
        {
          hint: `Use ${this.name} itself.`,
        },
      );
    }
    return new ParamRef(
      `${this.name}.${part}`,
      "datetime",
      () => (this.#read() as TimeRange)[part],
    );
  }

  /** The parameter's current value, as text. */
  toString(): string {
    return formatParam(this.kind, this.value);
  }
}

/** A parameter as shown by {@link ParamSet.list}. */
export interface ParamInfo {
  /** The parameter's name. */
  readonly name: string;
  /** The kind of value it takes. */
  readonly kind: ParamKind;
  /** Its current value (the one set, else the default). */
  readonly value?: ParamValue;
  /** Its default, if it has one. */
  readonly default?: ParamValue;
  /** What it means, for people. */
  readonly description?: string;
  /** The value as text (empty when unset). */
  readonly text: string;
}

/** The parameters of a session: definitions and current values. */
export class ParamSet {
  readonly #specs = new Map<string, ParamSpec>();
  readonly #values = new Map<string, ParamValue>();

  /** Defines (or redefines) parameters; a new default applies only where no value is set. */
  define(specs: Readonly<Record<string, ParamSpec>>): void {
    for (const [name, spec] of Object.entries(specs)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new ParamError(name, `"${name}" cannot be a parameter name.`, {
          hint: "Use letters, digits and _ (not first), as for a variable.",
        });
      }
      const previous = this.#specs.get(name);
      this.#specs.set(name, spec);
      if (previous && previous.kind !== spec.kind) this.#values.delete(name);
    }
  }

  /** Whether `name` is defined. */
  has(name: string): boolean {
    return this.#specs.has(name);
  }

  /** The definition of `name`. */
  spec(name: string): ParamSpec {
    const spec = this.#specs.get(name);
    if (!spec) throw this.#unknown(name);
    return spec;
  }

  /** The names defined, in definition order. */
  names(): string[] {
    return [...this.#specs.keys()];
  }

  /**
   * Sets values (each a value of the kind or its text); all are checked before any is set.
   *
   * @returns The values as set.
   * @throws {ParamError} for an unknown name or a value of the wrong kind.
   */
  set(values: Readonly<Record<string, unknown>>): Record<string, ParamValue> {
    const parsed: Record<string, ParamValue> = {};
    for (const [name, input] of Object.entries(values)) {
      parsed[name] = parseParam(name, this.spec(name).kind, input);
    }
    for (const [name, value] of Object.entries(parsed)) this.#values.set(name, value);
    return parsed;
  }

  /**
   * The value of `name`: the one set, else the default.
   *
   * @throws {ParamError} when it has neither.
   */
  get(name: string): ParamValue {
    const spec = this.spec(name);
    const value = this.#values.get(name) ?? spec.default;
    if (value === undefined) {
      throw new ParamError(name, `Parameter ${name} has no value.`, {
        hint: `Set it first (${FORMS[spec.kind]}).`,
      });
    }
    return value;
  }

  /** A reference to `name` for query templates. */
  ref(name: string): ParamRef {
    const spec = this.spec(name);
    return new ParamRef(name, spec.kind, () => this.get(name));
  }

  /** Every parameter's value as JSON (unset ones left out). */
  toJson(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, spec] of this.#specs) {
      const value = this.#values.get(name) ?? spec.default;
      if (value !== undefined) out[name] = paramToJson(spec.kind, value);
    }
    return out;
  }

  /** Every parameter with its value, default and description. */
  list(): ParamInfo[] {
    return [...this.#specs].map(([name, spec]) => {
      const value = this.#values.get(name) ?? spec.default;
      return {
        name,
        kind: spec.kind,
        value,
        default: spec.default,
        description: spec.description,
        text: value === undefined ? "" : formatParam(spec.kind, value),
      };
    });
  }

  #unknown(name: string): ParamError {
    const names = this.names();
    return new ParamError(name, `There is no parameter ${name}.`, {
      hint: didYouMean(name, names) ??
        (names.length ? `Parameters: ${names.join(", ")}.` : "Define it first."),
    });
  }
}
