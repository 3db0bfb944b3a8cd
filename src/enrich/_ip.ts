/**
 * IP address parsing and the special-purpose ranges (IANA's IPv4 and IPv6 special-purpose
 * registries) that are classified, never looked up.
 *
 * @module
 */

/** What kind of address: public addresses are the only ones worth a lookup. */
export type IpKind =
  | "public"
  | "private"
  | "loopback"
  | "link-local"
  | "cgnat"
  | "documentation"
  | "benchmarking"
  | "multicast"
  | "broadcast"
  | "unspecified"
  | "reserved";

/** A parsed address: IPv4 as a 32-bit number, IPv6 as eight 16-bit groups. */
export type ParsedIp =
  | { readonly version: 4; readonly value: number }
  | { readonly version: 6; readonly groups: Uint16Array };

/** The dotted quad as an unsigned 32-bit number; undefined unless exactly a valid quad. */
export function parseIpv4(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      // A leading zero ("010") is octal to some parsers and decimal to others: not an address.
      if (digits === 1 && octet === 0) return undefined;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      if (++parts > 4) return undefined;
    } else return undefined;
  }
  return parts === 4 ? value : undefined;
}

/** The eight groups of an IPv6 address (compressed, embedded IPv4, zone id allowed). */
export function parseIpv6(text: string): Uint16Array | undefined {
  const zone = text.indexOf("%");
  const body = zone >= 0 ? text.slice(0, zone) : text;
  if (body.length < 2 || body.length > 45) return undefined;
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const side = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = side(halves[0]);
  if (!head) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const tail = side(halves[1]);
    if (!tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  return Uint16Array.from(groups);
}

/** Either version; undefined when `text` is no address. */
export function parseIp(text: string): ParsedIp | undefined {
  if (text.includes(":")) {
    const groups = parseIpv6(text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text);
    return groups ? { version: 6, groups } : undefined;
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { version: 4, value };
}

/** The canonical text of an IPv6 address (RFC 5952: lower case, longest zero run as ::). */
export function formatIpv6(groups: Uint16Array): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = Array.from(groups, (g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** The dotted quad of a 32-bit number. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The canonical text of an address. */
export function formatIp(ip: ParsedIp): string {
  return ip.version === 4 ? formatIpv4(ip.value) : formatIpv6(ip.groups);
}

interface V4Range {
  readonly base: number;
  readonly bits: number;
  readonly kind: IpKind;
  readonly cidr: string;
}

const V4_RANGES: V4Range[] = ([
  ["0.0.0.0/8", "unspecified"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "cgnat"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "reserved"],
  ["192.0.2.0/24", "documentation"],
  ["192.88.99.0/24", "reserved"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["255.255.255.255/32", "broadcast"],
  ["240.0.0.0/4", "reserved"],
] as const).map(([cidr, kind]) => {
  const [base, bits] = cidr.split("/");
  return { base: parseIpv4(base)!, bits: Number(bits), kind, cidr };
});

interface V6Range {
  readonly prefix: Uint16Array;
  readonly bits: number;
  readonly kind: IpKind;
  readonly cidr: string;
}

const V6_RANGES: V6Range[] = ([
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["64:ff9b::/96", "reserved"],
  ["100::/64", "reserved"],
  ["2001::/32", "reserved"],
  ["2001:10::/28", "reserved"],
  ["2001:20::/28", "reserved"],
  ["2001:db8::/32", "documentation"],
  ["2002::/16", "reserved"],
  ["3fff::/20", "documentation"],
  ["fc00::/7", "private"],
  ["fe80::/10", "link-local"],
  ["ff00::/8", "multicast"],
] as const).map(([cidr, kind]) => {
  const [base, bits] = cidr.split("/");
  return { prefix: parseIpv6(base)!, bits: Number(bits), kind, cidr };
});

/** The special-purpose range holding an address, or "public" with no range. */
export interface IpClass {
  /** "public", or the special-purpose kind (private, loopback, cgnat, ...). */
  readonly kind: IpKind;
  /** The special-purpose range (CIDR) it falls in; undefined for public addresses. */
  readonly range?: string;
}

function maskMatches(value: number, base: number, bits: number): boolean {
  if (bits === 0) return true;
  const shift = 32 - bits;
  return (value >>> shift) === (base >>> shift) || (bits === 32 && value === base);
}

/** Classifies an address without any lookup. */
export function classifyParsedIp(ip: ParsedIp): IpClass {
  if (ip.version === 4) {
    for (const r of V4_RANGES) {
      if (maskMatches(ip.value, r.base, r.bits)) return { kind: r.kind, range: r.cidr };
    }
    return { kind: "public" };
  }
  const g = ip.groups;
  // IPv4-mapped (::ffff:a.b.c.d): the embedded IPv4 address decides.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return classifyParsedIp({ version: 4, value: g[6] * 65536 + g[7] });
  }
  for (const r of V6_RANGES) {
    if (prefixMatches(g, r.prefix, r.bits)) return { kind: r.kind, range: r.cidr };
  }
  // Only 2000::/3 is allocated as global unicast; the rest of the space is reserved.
  if ((g[0] & 0xe000) !== 0x2000) return { kind: "reserved", range: "not in 2000::/3" };
  return { kind: "public" };
}

function prefixMatches(groups: Uint16Array, prefix: Uint16Array, bits: number): boolean {
  let remaining = bits;
  for (let i = 0; i < 8 && remaining > 0; i++) {
    const take = Math.min(16, remaining);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((groups[i] & mask) !== (prefix[i] & mask)) return false;
    remaining -= take;
  }
  return true;
}
