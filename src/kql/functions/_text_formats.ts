/**
 * Text functions that format or compare: `strcmp`, `replace_strings`, `isutf8`, `tohex`,
 * `format_bytes`, `parse_version`, the combined hashes `hash_combine` and `hash_many`, and
 * Punycode (`punycode_from_string`, `punycode_to_string` and their `_domain_` forms).
 *
 * @module
 */
import { pl } from "../../polars.ts";
import type { Typed } from "../compile/_context.ts";
import { toStringTyped } from "../compile/_conversion.ts";
import type { JsValue } from "../runtime/_values.ts";
import { type CallSite, defineScalar, SCALAR_FUNCTIONS } from "./_registry.ts";
import { integerArg, numberArg } from "./_math.ts";

function fail(site: CallSite, i: number, what: string, hint?: string): never {
  throw site.env.ctx.error(what, (site.call.args[i] ?? site.call).span, hint);
}

/** A string argument: strings, and guids or dynamic values read as their text. */
function textArg(args: Typed[], i: number, site: CallSite): Typed {
  const arg = args[i];
  if (arg.type === "string") return arg;
  if (arg.type === "guid" || arg.type === "dynamic") return toStringTyped(arg, site.env);
  return fail(
    site,
    i,
    `argument ${i + 1} of ${site.call.name}() must be a string, not ${arg.type}`,
    "Convert it with tostring().",
  );
}

const str = (v: JsValue): string => (v === null || v === undefined ? "" : String(v));

/**
 * An integer's exact decimal text, computed by Polars: a constant long past 2^53 is only
 * approximate as a JS number, so the constant is not used.
 */
function exactText(value: Typed): Typed {
  return { expr: value.expr.cast(pl.Utf8).fillNull(pl.lit("")), type: "string" };
}

/** A long carried as its decimal text (a JS number cannot hold 64 bits) back to a long. */
function longFromText(text: Typed): Typed {
  return {
    expr: pl.when(text.expr.eq(pl.lit(""))).then(pl.lit(null)).otherwise(text.expr).cast(
      pl.Int64,
    ),
    type: "long",
  };
}

// ---------------------------------------------------------------- strcmp, replace_strings

defineScalar("strcmp", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    const a = toStringTyped(args[0], site.env);
    const b = toStringTyped(args[1], site.env);
    // Ordinal comparison, one UTF-16 unit after the other, as .NET's string.CompareOrdinal.
    return site.env.rowwise([a, b], "long", ([x, y]) => {
      const s = str(x);
      const t = str(y);
      return s === t ? 0 : s < t ? -1 : 1;
    });
  },
});

/**
 * Replaces each lookup in turn: an earlier lookup takes precedence over a later one, and
 * what one lookup matched (even when its rewrite is not a string and it stays as it was)
 * is not searched again.
 */
export function replaceStrings(text: string, lookups: unknown, rewrites: unknown): string {
  if (!Array.isArray(lookups) || !Array.isArray(rewrites)) return text;
  let parts: Array<{ text: string; done: boolean }> = [{ text, done: false }];
  lookups.forEach((lookup, i) => {
    if (typeof lookup !== "string" || lookup === "") return;
    const rewrite = rewrites[i];
    const next: typeof parts = [];
    for (const part of parts) {
      if (part.done) {
        next.push(part);
        continue;
      }
      const pieces = part.text.split(lookup);
      pieces.forEach((piece, k) => {
        if (k > 0) next.push({ text: typeof rewrite === "string" ? rewrite : lookup, done: true });
        if (piece) next.push({ text: piece, done: false });
      });
    }
    parts = next;
  });
  return parts.map((p) => p.text).join("");
}

defineScalar("replace_strings", {
  minArgs: 3,
  maxArgs: 3,
  compile(args, site) {
    const text = textArg(args, 0, site);
    for (const i of [1, 2]) {
      if (args[i].type !== "dynamic") {
        fail(site, i, `argument ${i + 1} of replace_strings() must be a dynamic array`);
      }
    }
    return site.env.rowwise(
      [text, args[1], args[2]],
      "string",
      ([t, l, r]) => replaceStrings(str(t), l, r),
    );
  },
});

defineScalar("isutf8", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const text = textArg(args, 0, site);
    // Text that reached the engine is Unicode; only a lone surrogate has no UTF-8 form.
    return site.env.rowwise([text], "bool", ([t]) => str(t).isWellFormed());
  },
});

// ---------------------------------------------------------------- tohex, format_bytes

/** Kusto's tohex(): lower-case hex; negatives in two's complement of the type's width. */
export function toHex(value: bigint, bits: 32 | 64, minLength: number | null): string {
  const width = bits / 4;
  const digits = value < 0n
    ? BigInt.asUintN(bits, value).toString(16).padStart(width, "0")
    : value.toString(16);
  const min = minLength === null ? 0 : Math.min(16, Math.max(0, minLength));
  return digits.padStart(min, "0");
}

defineScalar("tohex", {
  minArgs: 1,
  maxArgs: 2,
  compile(args, site) {
    const value = integerArg(args, 0, site);
    const length = args[1] ? integerArg(args, 1, site) : undefined;
    const bits = value.type === "int" ? 32 : 64;
    const text = exactText(value);
    const inputs = length ? [text, length] : [text];
    return site.env.rowwise(inputs, "string", ([v, n]) => {
      if (v === null || v === "") return null;
      const min = n === undefined || n === null ? null : Number(n);
      return toHex(BigInt(String(v)), bits, min);
    });
  },
});

const UNITS = ["Bytes", "KB", "MB", "GB", "TB", "PB", "EB"];

/** Kusto's format_bytes(): rounded to `precision` digits, in `unit` or the largest below. */
export function formatBytes(size: number, precision = 0, unit = ""): string {
  let index = UNITS.findIndex((u) => u.toLowerCase() === unit.toLowerCase());
  if (index < 0) {
    index = 0;
    while (index < UNITS.length - 1 && Math.abs(size) >= 1024 ** (index + 1)) index++;
  }
  const scaled = size / 1024 ** index;
  const digits = Math.max(0, Math.min(15, Math.trunc(precision)));
  const rounded = Number(scaled.toFixed(digits));
  return `${rounded} ${UNITS[index]}`;
}

defineScalar("format_bytes", {
  minArgs: 1,
  maxArgs: 3,
  compile(args, site) {
    const size = numberArg(args, 0, site);
    const precision = args[1] ? numberArg(args, 1, site) : undefined;
    const unit = args[2] ? textArg(args, 2, site) : undefined;
    const inputs = [size, ...(precision ? [precision] : []), ...(unit ? [unit] : [])];
    return site.env.rowwise(inputs, "string", ([s, p, u]) => {
      if (s === null) return "";
      return formatBytes(Number(s), p === null || p === undefined ? 0 : Number(p), str(u));
    });
  },
});

// ---------------------------------------------------------------- parse_version

/** Kusto's parse_version(): up to four dot-separated parts of up to 8 digits each. */
export function parseVersion(text: string): number | null {
  const parts = text.trim().split(".");
  if (parts.length < 1 || parts.length > 4) return null;
  if (!parts.every((p) => /^\d{1,8}$/.test(p))) return null;
  let value = 0;
  for (let i = 0; i < 4; i++) value = value * 1e8 + (i < parts.length ? Number(parts[i]) : 0);
  return value;
}

defineScalar("parse_version", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const text = textArg(args, 0, site);
    // Kusto's decimal is a real here: versions that differ only past 15-16 significant
    // digits (a build number under a large major) compare equal.
    return site.env.rowwise([text], "decimal", ([t]) => parseVersion(str(t)));
  },
});

// ---------------------------------------------------------------- hash_combine, hash_many

const GOLDEN = 0x9e3779b97f4a7c15n;

/**
 * Combines 64-bit hashes (Boost's hash_combine on 64 bits). Kusto documents that its
 * combination may change and is meant for use within one query; so is this one.
 */
export function combineHashes(hashes: readonly bigint[]): bigint {
  let seed = BigInt.asUintN(64, hashes[0]);
  for (const h of hashes.slice(1)) {
    const mixed = BigInt.asUintN(64, BigInt.asUintN(64, h) + GOLDEN + (seed << 6n) + (seed >> 2n));
    seed = BigInt.asUintN(64, seed ^ mixed);
  }
  return BigInt.asIntN(64, seed);
}

function combined(hashes: Typed[], site: CallSite): Typed {
  const texts = hashes.map(exactText);
  const text = site.env.rowwise(texts, "string", (values) => {
    if (values.some((v) => v === null || v === "")) return "";
    return combineHashes(values.map((v) => BigInt(String(v)))).toString();
  });
  return longFromText(text);
}

defineScalar("hash_combine", {
  minArgs: 2,
  maxArgs: 64,
  compile(args, site) {
    return combined(args.map((_, i) => integerArg(args, i, site)), site);
  },
});

defineScalar("hash_many", {
  minArgs: 2,
  maxArgs: 64,
  compile(args, site) {
    // hash() of each value, then combined (as Kusto documents it).
    const hash = SCALAR_FUNCTIONS.get("hash");
    if (!hash) throw new Error("internal: hash() is not registered");
    const hashes = args.map((arg, i) =>
      hash.compile([arg], { ...site, call: { ...site.call, args: [site.call.args[i]] } })
    );
    return combined(hashes, site);
  },
});

// ---------------------------------------------------------------- Punycode (RFC 3492)

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

function adapt(delta: number, points: number, first: boolean): number {
  delta = first ? Math.floor(delta / DAMP) : delta >> 1;
  delta += Math.floor(delta / points);
  let k = 0;
  while (delta > ((BASE - T_MIN) * T_MAX) >> 1) {
    delta = Math.floor(delta / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * delta) / (delta + SKEW));
}

const digit = (d: number) => String.fromCharCode(d + 22 + 75 * (d < 26 ? 1 : 0));

function digitValue(c: number): number {
  if (c >= 48 && c < 58) return c - 22;
  if (c >= 65 && c < 91) return c - 65;
  if (c >= 97 && c < 123) return c - 97;
  return BASE;
}

/** RFC 3492 encoding of `text` (basic code points kept as they are, case included). */
export function punycodeEncode(text: string): string {
  const input = [...text].map((c) => c.codePointAt(0)!);
  let output = input.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join("");
  const basic = output.length;
  let handled = basic;
  if (basic > 0) output += "-";
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < input.length) {
    const m = Math.min(...input.filter((c) => c >= n));
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of input) {
      if (c < n) delta++;
      if (c !== n) continue;
      let q = delta;
      for (let k = BASE;; k += BASE) {
        const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
        if (q < t) break;
        output += digit(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      output += digit(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}

/** RFC 3492 decoding; null when `text` is not valid Punycode. */
export function punycodeDecode(text: string): string | null {
  const cut = text.lastIndexOf("-");
  const output: number[] = [];
  for (let j = 0; j < Math.max(cut, 0); j++) {
    const c = text.charCodeAt(j);
    if (c >= 0x80) return null;
    output.push(c);
  }
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  for (let index = cut > 0 ? cut + 1 : 0; index < text.length;) {
    const old = i;
    let w = 1;
    for (let k = BASE;; k += BASE) {
      if (index >= text.length) return null;
      const d = digitValue(text.charCodeAt(index++));
      if (d >= BASE) return null;
      i += d * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (d < t) break;
      w *= BASE - t;
    }
    bias = adapt(i - old, output.length + 1, old === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff) return null;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

/** Label separators IDNA accepts: full stop, ideographic and fullwidth full stops. */
const SEPARATORS = /[.\u3002\uff0e\uff61]/;

function domainToPunycode(domain: string): string {
  return domain.split(SEPARATORS).map((label) =>
    [...label].every((c) => c.charCodeAt(0) < 0x80) ? label : `xn--${punycodeEncode(label)}`
  ).join(".");
}

function domainFromPunycode(domain: string): string | null {
  const labels = domain.split(".").map((label) =>
    /^xn--/i.test(label) ? punycodeDecode(label.slice(4)) : label
  );
  return labels.some((l) => l === null) ? null : labels.join(".");
}

for (
  const [name, fn] of [
    ["punycode_from_string", punycodeEncode],
    ["punycode_to_string", punycodeDecode],
    ["punycode_domain_from_string", domainFromPunycode],
    ["punycode_domain_to_string", domainToPunycode],
  ] as const
) {
  defineScalar(name, {
    minArgs: 1,
    maxArgs: 1,
    compile(args, site) {
      const text = textArg(args, 0, site);
      return site.env.rowwise([text], "string", ([t]) => (t === null ? "" : fn(str(t)) ?? ""));
    },
  });
}
