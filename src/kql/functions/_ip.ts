/**
 * KQL's IP address functions: parsing, formatting, comparing and range checks of IPv4
 * and IPv6 addresses in IP-prefix (CIDR) notation, and the `has_ipv4` text searches.
 *
 * The IPv4 functions that filter big tables (`ipv4_is_private`, `ipv4_is_in_range`,
 * `ipv4_is_match`, `parse_ipv4`...) compile to native Polars expressions: the dotted quad
 * is read with one regex and computed as a 32-bit number in Float64 (exact up to 2^53),
 * and prefixes mask it by dividing by 2^(32 - prefix). The `has_ipv4` family compiles
 * to one regex per call. IPv6 and text formatting run row by row in JavaScript.
 *
 * Every comparison applies the combined prefix of its arguments: the shortest of the
 * addresses' own `/n` and the optional prefix argument.
 *
 * @module
 */
import { type Expr, pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import { constant, type Typed } from "../compile/_context.ts";
import { toStringTyped } from "../compile/_conversion.ts";
import type { JsValue } from "../runtime/_values.ts";
import { type CallSite, defineScalar, type ScalarFunction } from "./_registry.ts";
import { expectType } from "./_define.ts";

// ---------------------------------------------------------------- IPv4 in JavaScript

/** An IPv4 address as a number, with the prefix length its text gave (32 if none). */
export interface Ipv4 {
  readonly value: number;
  readonly prefix: number;
}

const IPV4 = String.raw`^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:/(\d{1,2}))?$`;
const IPV4_JS = new RegExp(IPV4);

/** Reads `a.b.c.d` or `a.b.c.d/n`; null when the text is not an IPv4 address. */
export function readIpv4(text: JsValue): Ipv4 | null {
  if (typeof text !== "string") return null;
  const m = IPV4_JS.exec(text);
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return null;
  return { value: ((octets[0] * 256 + octets[1]) * 256 + octets[2]) * 256 + octets[3], prefix };
}

/** `value` with all but its first `prefix` bits cleared. */
function mask4(value: number, prefix: number): number {
  const size = 2 ** (32 - prefix);
  return Math.floor(value / size) * size;
}

/** A prefix argument within 0..max, or null. */
function prefixArg(v: JsValue, max: number): number | null {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max ? v : null;
}

/** -1, 0 or 1 comparing two IPv4 texts under their combined prefix; null if unreadable. */
function compare4(a: JsValue, b: JsValue, prefix?: JsValue): number | null {
  const x = readIpv4(a);
  const y = readIpv4(b);
  let bits = Math.min(x?.prefix ?? 32, y?.prefix ?? 32);
  if (prefix !== undefined) {
    const p = prefixArg(prefix, 32);
    if (p === null) return null;
    bits = Math.min(bits, p);
  }
  if (!x || !y) return null;
  return Math.sign(mask4(x.value, bits) - mask4(y.value, bits));
}

/** Kleene "or" of the checks of an address against ranges: true, false or null. */
function anyOf(results: Array<boolean | null>): boolean | null {
  if (results.some((r) => r === true)) return true;
  return results.some((r) => r === null) ? null : false;
}

function dottedQuad(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** `format_ipv4` and `format_ipv4_mask`: "" when the address or prefix is invalid. */
function format4(ip: JsValue, prefix: JsValue, withMask: boolean): string {
  let address: Ipv4 | null;
  if (typeof ip === "number") {
    address = Number.isInteger(ip) && ip >= 0 && ip < 2 ** 32 ? { value: ip, prefix: 32 } : null;
  } else address = readIpv4(ip);
  const p = prefix === undefined ? 32 : prefixArg(prefix, 32);
  if (!address || p === null) return "";
  const bits = Math.min(address.prefix, p);
  const text = dottedQuad(mask4(address.value, bits));
  return withMask ? `${text}/${bits}` : text;
}

// ---------------------------------------------------------------- IPv4 in Polars

// Regex captures cost ~5x a plain match in Polars, and a `where` predicate gets no
// common-subexpression elimination: range checks against constants therefore compile to
// one regex matching exactly the addresses in range, and numbers are read with simple
// patterns only where a function returns them.

/**
 * A regex matching the decimal texts of 1 to `width` digits (leading zeros allowed, as
 * `readIpv4` allows them) whose value is within lo..hi.
 */
function numberRangePattern(lo: number, hi: number, width: number): string {
  const parts: string[] = [];
  for (let w = 1; w <= width; w++) {
    const top = Math.min(hi, 10 ** w - 1);
    if (lo <= top) parts.push(digitsPattern(String(lo).padStart(w, "0"), String(top)));
  }
  return parts.length === 1 ? parts[0] : `(?:${parts.join("|")})`;
}

/** Digit strings of a's length from a to b (same length, a <= b), leading zeros kept. */
function digitsPattern(a: string, b: string): string {
  b = b.padStart(a.length, "0");
  if (a === b) return a;
  if (a.length === 1) return `[${a}-${b}]`;
  const n = a.length - 1;
  if (a.slice(1) === "0".repeat(n) && b.slice(1) === "9".repeat(n)) {
    return `[${a[0]}-${b[0]}][0-9]{${n}}`;
  }
  if (a[0] === b[0]) return a[0] + digitsPattern(a.slice(1), b.slice(1));
  const parts = [a[0] + digitsPattern(a.slice(1), "9".repeat(n))];
  if (Number(a[0]) + 1 <= Number(b[0]) - 1) {
    parts.push(`[${Number(a[0]) + 1}-${Number(b[0]) - 1}][0-9]{${n}}`);
  }
  parts.push(b[0] + digitsPattern("0".repeat(n), b.slice(1)));
  return `(?:${parts.join("|")})`;
}

const OCTET_PATTERN = numberRangePattern(0, 255, 3);
const VALID_IPV4 = `^${OCTET_PATTERN}(?:\\.${OCTET_PATTERN}){3}(?:/${
  numberRangePattern(0, 32, 2)
})?$`;

/** The dotted quads of the block `network/prefix` (the network already masked). */
function blockPattern(network: number, prefix: number): string {
  return [24, 16, 8, 0].map((shift, i) => {
    const fixed = Math.min(Math.max(prefix - 8 * i, 0), 8);
    const lo = Math.floor(network / 2 ** shift) % 256;
    return numberRangePattern(lo, lo + 2 ** (8 - fixed) - 1, 3);
  }).join("\\.");
}

/**
 * The alternatives of a regex matching the address texts that `ipv4_is_match` finds
 * equal to `network` under a combined prefix of at most `bits`: addresses with their own
 * prefix of `bits` or more (or none) compare `bits` bits, the others their own.
 */
function matchAlternatives(network: number, bits: number): string[] {
  const out = [
    `${blockPattern(mask4(network, bits), bits)}(?:/${numberRangePattern(bits, 32, 2)})?`,
  ];
  for (let own = 0; own < bits; own++) {
    out.push(`${blockPattern(mask4(network, own), own)}/${numberRangePattern(own, own, 2)}`);
  }
  return out;
}

/**
 * Whether address texts match any of the constant `targets` (address, combined prefix):
 * true, false, or null for texts that are not IPv4 addresses.
 */
function matchAnyExpr(address: Expr, targets: Array<Ipv4 | null>): Expr {
  const valid = address.str.contains(VALID_IPV4);
  const known = targets.filter((t): t is Ipv4 => t !== null);
  const hit = known.length === 0 ? pl.lit(false) : address.str.contains(
    `^(?:${known.flatMap((t) => matchAlternatives(t.value, t.prefix)).join("|")})$`,
  );
  // An unreadable target makes a miss unknown, as Kusto's null for failed conversions.
  const miss = known.length === targets.length ? pl.lit(false) : pl.lit(null).cast(pl.Bool);
  return pl.when(valid.not()).then(pl.lit(null).cast(pl.Bool)).when(hit).then(pl.lit(true))
    .otherwise(miss);
}

/** An IPv4 address column: its number and prefix as Float64, both null if unreadable. */
interface Ipv4Expr {
  readonly value: Expr;
  readonly prefix: Expr;
}

const OCTET_READERS = [
  String.raw`^(\d+)`,
  String.raw`^\d+\.(\d+)`,
  String.raw`^\d+\.\d+\.(\d+)`,
  String.raw`^\d+\.\d+\.\d+\.(\d+)`,
];

function ipv4Expr(arg: Typed): Ipv4Expr {
  if (arg.constant) {
    const ip = readIpv4(arg.constant.value);
    return {
      value: pl.lit(ip?.value ?? null).cast(pl.Float64),
      prefix: pl.lit(ip?.prefix ?? null).cast(pl.Float64),
    };
  }
  const valid = arg.expr.str.contains(VALID_IPV4);
  const [a, b, c, d] = OCTET_READERS.map((r) => arg.expr.str.extract(r, 1).cast(pl.Float64));
  const prefix = arg.expr.str.extract(String.raw`/(\d+)$`, 1).cast(pl.Float64).fillNull(32);
  const none = pl.lit(null).cast(pl.Float64);
  return {
    value: pl.when(valid).then(a.mul(16_777_216).add(b.mul(65_536)).add(c.mul(256)).add(d))
      .otherwise(none),
    prefix: pl.when(valid).then(prefix).otherwise(none),
  };
}

const PREFIXES = Array.from({ length: 33 }, (_, i) => i);
const BLOCK_SIZES = PREFIXES.map((p) => 2 ** (32 - p));

/** `value` masked to its first `prefix` bits (Expr.pow takes no Expr: look 2^n up). */
function mask4Expr(value: Expr, prefix: Expr): Expr {
  const size = prefix.cast(pl.Int64).replace(PREFIXES, BLOCK_SIZES).cast(pl.Float64);
  return value.div(size).floor().mul(size);
}

/** A prefix argument as Float64, null outside 0..max. */
function prefixExpr(arg: Typed, max: number): Expr {
  if (arg.constant) return pl.lit(prefixArg(arg.constant.value, max)).cast(pl.Float64);
  const p = arg.expr.cast(pl.Float64);
  return pl.when(p.gtEq(0).and(p.ltEq(max))).then(p).otherwise(pl.lit(null).cast(pl.Float64));
}

/** The shortest of some prefixes, null if any is null. */
function combined(prefixes: Expr[]): Expr {
  const nulls = prefixes.map((p) => p.isNull()).reduce((x, y) => x.or(y));
  return pl.when(nulls).then(pl.lit(null).cast(pl.Float64)).otherwise(pl.minHorizontal(prefixes));
}

/** Two addresses masked to their combined prefix (and the optional prefix argument). */
function maskedPair(a: Typed, b: Typed, prefix?: Typed): [Expr, Expr] {
  const x = ipv4Expr(a);
  const y = ipv4Expr(b);
  const bits = combined(
    prefix ? [x.prefix, y.prefix, prefixExpr(prefix, 32)] : [x.prefix, y.prefix],
  );
  return [mask4Expr(x.value, bits), mask4Expr(y.value, bits)];
}

/**
 * `ipv4_is_match(a, b[, prefix])` natively: one regex when one side and the prefix are
 * constant, else by numbers.
 */
function matchExpr(a: Typed, b: Typed, prefix?: Typed): Expr {
  const [column, fixed] = b.constant ? [a, b] : a.constant ? [b, a] : [undefined, undefined];
  if (column && fixed && (!prefix || prefix.constant)) {
    const target = readIpv4(fixed.constant!.value);
    const p = prefix ? prefixArg(prefix.constant!.value, 32) : 32;
    if (p === null) return pl.lit(null).cast(pl.Bool);
    const bits = target ? Math.min(target.prefix, p) : 0;
    return matchAnyExpr(column.expr, [target && { value: target.value, prefix: bits }]);
  }
  const [x, y] = maskedPair(a, b, prefix);
  return x.eq(y);
}

// ---------------------------------------------------------------- definitions

/** Throws unless argument `i` is text; dynamic values are read as their text. */
function textArg(args: Typed[], i: number, site: CallSite): Typed {
  expectType(args, i, ["string", "dynamic"], site);
  return args[i].type === "dynamic" ? toStringTyped(args[i], site.env) : args[i];
}

function prefixTypes(args: Typed[], from: number, site: CallSite): void {
  for (let i = from; i < args.length; i++) expectType(args, i, ["int", "long"], site);
}

/**
 * A function computed natively by `native`, or by `js` when every argument is constant.
 * `text` lists the arguments read as IP texts.
 */
function ipFunction(
  minArgs: number,
  maxArgs: number,
  type: KustoType,
  text: number[],
  js: (values: JsValue[]) => JsValue,
  native: (args: Typed[]) => Expr,
): ScalarFunction {
  return {
    minArgs,
    maxArgs,
    compile(raw: Typed[], site: CallSite): Typed {
      const args = raw.map((a, i) => (text.includes(i) ? textArg(raw, i, site) : a));
      prefixTypes(args, Math.max(...text) + 1, site);
      if (args.every((a) => a.constant)) {
        return constant(js(args.map((a) => a.constant!.value)), type);
      }
      return { expr: native(args), type };
    },
  };
}

defineScalar(
  "parse_ipv4",
  ipFunction(1, 1, "long", [0], ([a]) => {
    const ip = readIpv4(a);
    return ip ? mask4(ip.value, ip.prefix) : null;
  }, ([a]) => {
    const ip = ipv4Expr(a);
    return mask4Expr(ip.value, ip.prefix).cast(pl.Int64);
  }),
);

defineScalar(
  "parse_ipv4_mask",
  ipFunction(2, 2, "long", [0], ([a, p]) => {
    const ip = readIpv4(a);
    const bits = prefixArg(p, 32);
    return ip && bits !== null ? mask4(ip.value, Math.min(ip.prefix, bits)) : null;
  }, ([a, p]) => {
    const ip = ipv4Expr(a);
    return mask4Expr(ip.value, combined([ip.prefix, prefixExpr(p, 32)])).cast(pl.Int64);
  }),
);

defineScalar(
  "ipv4_netmask_suffix",
  // long, as Kusto.Language declares it.
  ipFunction(
    1,
    1,
    "long",
    [0],
    ([a]) => readIpv4(a)?.prefix ?? null,
    ([a]) => ipv4Expr(a).prefix.cast(pl.Int64),
  ),
);

defineScalar(
  "ipv4_compare",
  ipFunction(2, 3, "long", [0, 1], ([a, b, p]) => compare4(a, b, p), ([a, b, p]) => {
    const [x, y] = maskedPair(a, b, p);
    return pl.when(x.isNull().or(y.isNull())).then(pl.lit(null).cast(pl.Int64))
      .when(x.gt(y)).then(pl.lit(1).cast(pl.Int64))
      .when(x.lt(y)).then(pl.lit(-1).cast(pl.Int64))
      .otherwise(pl.lit(0).cast(pl.Int64));
  }),
);

defineScalar(
  "ipv4_is_match",
  ipFunction(2, 3, "bool", [0, 1], ([a, b, p]) => {
    const c = compare4(a, b, p);
    return c === null ? null : c === 0;
  }, ([a, b, p]) => matchExpr(a, b, p)),
);

defineScalar(
  "ipv4_is_in_range",
  ipFunction(2, 2, "bool", [0, 1], ([a, r]) => {
    const c = compare4(a, r);
    return c === null ? null : c === 0;
  }, ([a, r]) => matchExpr(a, r)),
);

/** Whether an address is in any of `ranges` (constant or not), natively. */
function inAnyRangeExpr(address: Typed, ranges: Typed[]): Expr {
  if (ranges.every((r) => r.constant)) {
    const targets = ranges.map((r) => readIpv4(r.constant!.value));
    return matchAnyExpr(address.expr, targets);
  }
  return ranges.map((r) => matchExpr(address, r)).reduce((x, y) => x.or(y));
}

function inAnyRangeJs(address: JsValue, ranges: JsValue[]): boolean | null {
  if (!readIpv4(address)) return null;
  return anyOf(ranges.map((r) => {
    const c = compare4(address, r);
    return c === null ? null : c === 0;
  }));
}

/** The ranges of an `*_is_in_any_range` call: strings, or one dynamic array. */
function rangeList(values: JsValue[]): JsValue[] {
  return values.length === 1 && Array.isArray(values[0]) ? values[0] : values;
}

defineScalar("ipv4_is_in_any_range", {
  minArgs: 2,
  maxArgs: 64,
  compile(raw, site) {
    const address = textArg(raw, 0, site);
    const dynamicList = raw.length === 2 && raw[1].type === "dynamic";
    const ranges = dynamicList ? [raw[1]] : raw.slice(1).map((_, i) => textArg(raw, i + 1, site));
    const all = [address, ...ranges];
    if (all.every((a) => a.constant) || (dynamicList && !ranges[0].constant)) {
      return site.env.rowwise(all, "bool", ([a, ...r]) => inAnyRangeJs(a, rangeList(r)));
    }
    const list = dynamicList
      ? rangeList([ranges[0].constant!.value]).map((r) => constant(r, "string"))
      : ranges;
    return { expr: inAnyRangeExpr(address, list), type: "bool" };
  },
});

/** The private networks of RFC 1918. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

defineScalar(
  "ipv4_is_private",
  ipFunction(
    1,
    1,
    "bool",
    [0],
    ([a]) => inAnyRangeJs(a, PRIVATE_RANGES),
    ([a]) => inAnyRangeExpr(a, PRIVATE_RANGES.map((r) => constant(r, "string"))),
  ),
);

for (const [name, withMask] of [["format_ipv4", false], ["format_ipv4_mask", true]] as const) {
  defineScalar(name, {
    minArgs: 1,
    maxArgs: 2,
    compile(args, site) {
      expectType(args, 0, ["string", "int", "long", "dynamic"], site);
      prefixTypes(args, 1, site);
      return site.env.rowwise(args, "string", ([ip, p]) => format4(ip, p, withMask));
    },
  });
}

// ---------------------------------------------------------------- IPv6

/** An IPv6 address (IPv4 addresses become `::ffff:a.b.c.d`) with its prefix length. */
export interface Ipv6 {
  readonly value: bigint;
  readonly prefix: number;
}

const V4_MAPPED = 0xffffn << 32n;

/** Reads an IPv6 or IPv4 address with an optional `/n`; null when unreadable. */
export function readIpv6(text: JsValue): Ipv6 | null {
  if (typeof text !== "string") return null;
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  // Kusto reads `::a.b.c.d` as the IPv4 address, with an IPv4 prefix.
  const v4 = readIpv4(address.startsWith("::") ? address.slice(2) : address);
  if (v4) {
    const p = prefixText === undefined ? 32 : Number(prefixText);
    if (p > 32) return null;
    return { value: V4_MAPPED | BigInt(v4.value), prefix: 96 + p };
  }
  const value = ipv6Value(address);
  const prefix = prefixText === undefined ? 128 : Number(prefixText);
  return value === null || prefix > 128 ? null : { value, prefix };
}

function ipv6Value(address: string): bigint | null {
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = readIpv4(item);
        if (!v4 || item.includes("/")) return null;
        out.push(Math.floor(v4.value / 65_536), v4.value % 65_536);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(item)) out.push(parseInt(item, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  return [...head, ...new Array(missing).fill(0), ...tail]
    .reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function mask6(value: bigint, prefix: number): bigint {
  const drop = BigInt(128 - prefix);
  return (value >> drop) << drop;
}

/** Kusto's canonical IPv6 text: eight groups of four lowercase hex digits. */
function canonical6(value: bigint): string {
  return value.toString(16).padStart(32, "0").match(/.{4}/g)!.join(":");
}

function compare6(a: JsValue, b: JsValue, prefix?: JsValue): number | null {
  const x = readIpv6(a);
  const y = readIpv6(b);
  let bits = Math.min(x?.prefix ?? 128, y?.prefix ?? 128);
  if (prefix !== undefined) {
    const p = prefixArg(prefix, 128);
    if (p === null) return null;
    bits = Math.min(bits, p);
  }
  if (!x || !y) return null;
  const u = mask6(x.value, bits);
  const v = mask6(y.value, bits);
  return u === v ? 0 : u > v ? 1 : -1;
}

/** An IPv6 function computed in JavaScript over IP texts and prefix numbers. */
function ipv6Function(
  minArgs: number,
  maxArgs: number,
  type: KustoType,
  text: number[],
  fn: (values: JsValue[]) => JsValue,
): ScalarFunction {
  return {
    minArgs,
    maxArgs,
    compile(raw: Typed[], site: CallSite): Typed {
      const args = raw.map((a, i) => (text.includes(i) ? textArg(raw, i, site) : a));
      prefixTypes(args, Math.max(...text) + 1, site);
      return site.env.rowwise(args, type, fn);
    },
  };
}

defineScalar(
  "parse_ipv6",
  ipv6Function(1, 1, "string", [0], ([a]) => {
    const ip = readIpv6(a);
    return ip ? canonical6(mask6(ip.value, ip.prefix)) : "";
  }),
);

defineScalar(
  "parse_ipv6_mask",
  ipv6Function(2, 2, "string", [0], ([a, p]) => {
    const ip = readIpv6(a);
    const bits = prefixArg(p, 128);
    return ip && bits !== null ? canonical6(mask6(ip.value, Math.min(ip.prefix, bits))) : "";
  }),
);

defineScalar("ipv6_compare", ipv6Function(2, 3, "long", [0, 1], ([a, b, p]) => compare6(a, b, p)));

function match6(a: JsValue, b: JsValue, p?: JsValue): boolean | null {
  const c = compare6(a, b, p);
  return c === null ? null : c === 0;
}

defineScalar("ipv6_is_match", ipv6Function(2, 3, "bool", [0, 1], ([a, b, p]) => match6(a, b, p)));

defineScalar("ipv6_is_in_range", ipv6Function(2, 2, "bool", [0, 1], ([a, r]) => match6(a, r)));

defineScalar("ipv6_is_in_any_range", {
  minArgs: 2,
  maxArgs: 64,
  compile(raw, site) {
    const address = textArg(raw, 0, site);
    const ranges = raw.length === 2 && raw[1].type === "dynamic"
      ? [raw[1]]
      : raw.slice(1).map((_, i) => textArg(raw, i + 1, site));
    return site.env.rowwise([address, ...ranges], "bool", ([a, ...r]) => {
      if (!readIpv6(a)) return null;
      return anyOf(rangeList(r).map((range) => match6(a, range)));
    });
  },
});

// ---------------------------------------------------------------- IPv4 in text

const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
// An address in text is delimited by characters that are neither letters, digits nor
// dots; a dot may follow it when no digit comes next (the end of a sentence).
const BEFORE = "(?:^|[^0-9A-Za-z.])";
const AFTER = "(?:$|[^0-9A-Za-z.]|\\.(?:$|[^0-9]))";

/**
 * The regex body matching an address that `needle` names: a whole IPv4 address, or
 * (with `prefix`) one to three leading octets ending with a dot. Undefined if invalid.
 */
function ipv4TextPattern(needle: JsValue, prefix: boolean): string | undefined {
  if (typeof needle !== "string") return undefined;
  const whole = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(needle);
  const partial = prefix ? /^(?:\d{1,3}\.){1,3}$/.exec(needle) : null;
  if (!whole && !partial) return undefined;
  const octets = needle.split(".").filter((o) => o !== "").map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const rest = Array(4 - octets.length).fill(OCTET);
  return [...octets.map(String), ...rest].join("\\.");
}

/** A regex finding any of the needles as delimited addresses; undefined if none is valid. */
function textSearchPattern(needles: JsValue[], prefix: boolean): string | undefined {
  const bodies = needles.map((n) => ipv4TextPattern(n, prefix))
    .filter((b): b is string => b !== undefined);
  return bodies.length === 0 ? undefined : `${BEFORE}(?:${bodies.join("|")})${AFTER}`;
}

const regexCache = new Map<string, RegExp>();

function searchJs(source: JsValue, needles: JsValue[], prefix: boolean): boolean {
  const pattern = textSearchPattern(needles, prefix);
  if (pattern === undefined || typeof source !== "string") return false;
  if (regexCache.size > 1_000) regexCache.clear();
  let re = regexCache.get(pattern);
  if (!re) regexCache.set(pattern, re = new RegExp(pattern));
  return re.test(source);
}

for (
  const [name, prefix, many] of [
    ["has_ipv4", false, false],
    ["has_ipv4_prefix", true, false],
    ["has_any_ipv4", false, true],
    ["has_any_ipv4_prefix", true, true],
  ] as const
) {
  defineScalar(name, {
    minArgs: 2,
    maxArgs: many ? 64 : 2,
    compile(raw, site) {
      const source = textArg(raw, 0, site);
      const list = many && raw.length === 2 && raw[1].type === "dynamic";
      const needles = list ? [raw[1]] : raw.slice(1).map((_, i) => textArg(raw, i + 1, site));
      const all = [source, ...needles];
      if (!needles.every((n) => n.constant) || source.constant) {
        return site.env.rowwise(all, "bool", ([s, ...n]) => searchJs(s, rangeList(n), prefix));
      }
      const pattern = textSearchPattern(rangeList(needles.map((n) => n.constant!.value)), prefix);
      if (pattern === undefined) return constant(false, "bool");
      return { expr: source.expr.str.contains(pattern).fillNull(false), type: "bool" };
    },
  });
}
