/**
 * RDAP machinery: IANA bootstrap files (longest-prefix match for IPs, longest-suffix
 * match for domains) and the normalisation of RFC 9083 IP network and domain objects.
 *
 * @module
 */
import { parseIpv4, parseIpv6 } from "./_ip.ts";
import ipv4Snapshot from "./_rdap_bootstrap/ipv4.json" with { type: "json" };
import ipv6Snapshot from "./_rdap_bootstrap/ipv6.json" with { type: "json" };
import dnsSnapshot from "./_rdap_bootstrap/dns.json" with { type: "json" };

/** An IANA RDAP bootstrap file (RFC 9224). */
export interface BootstrapFile {
  /** What the file covers. */
  readonly description?: string;
  /** When IANA published it. */
  readonly publication?: string;
  /** The format's version. */
  readonly version?: string;
  /** Each service: the ranges or TLDs it covers, and its RDAP base URLs. */
  readonly services: ReadonlyArray<readonly [readonly string[], readonly string[]]>;
}

/** The three bootstrap files. */
export interface Bootstrap {
  /** The registries of IPv4 ranges. */
  readonly ipv4: BootstrapFile;
  /** The registries of IPv6 ranges. */
  readonly ipv6: BootstrapFile;
  /** The registries of top-level domains. */
  readonly dns: BootstrapFile;
}

/** The snapshot shipped with casefile (IANA publications of 2019; refresh for new space). */
export const BOOTSTRAP_SNAPSHOT: Bootstrap = {
  ipv4: ipv4Snapshot as unknown as BootstrapFile,
  ipv6: ipv6Snapshot as unknown as BootstrapFile,
  dns: dnsSnapshot as unknown as BootstrapFile,
};

function bitsOf(groups: Uint16Array | number, version: 4 | 6): bigint {
  if (version === 4) return BigInt(groups as number);
  let v = 0n;
  for (const g of groups as Uint16Array) v = (v << 16n) | BigInt(g);
  return v;
}

/** The registry base URL for an address (https preferred), or undefined. */
export function registryForIp(ip: string, bootstrap: Bootstrap): string | undefined {
  const v4 = parseIpv4(ip);
  const version = v4 !== undefined ? 4 : 6;
  const groups = v4 ?? parseIpv6(ip);
  if (groups === undefined) return undefined;
  const width = version === 4 ? 32n : 128n;
  const value = bitsOf(groups, version);
  const file = version === 4 ? bootstrap.ipv4 : bootstrap.ipv6;
  let best: { length: number; url: string } | undefined;
  for (const [ranges, urls] of file.services) {
    for (const range of ranges) {
      const [base, len] = range.includes("/") ? range.split("/") : [`${range}.0.0.0`, "8"];
      const length = Number(len);
      const b = version === 4 ? parseIpv4(base) : parseIpv6(base);
      if (b === undefined) continue;
      const shift = width - BigInt(length);
      if (value >> shift !== bitsOf(b, version) >> shift) continue;
      if (!best || length > best.length) best = { length, url: pickUrl(urls) };
    }
  }
  return best?.url;
}

/** The registry base URL for a domain (longest matching suffix), or undefined. */
export function registryForDomain(domain: string, bootstrap: Bootstrap): string | undefined {
  const labels = domain.toLowerCase().replace(/\.$/, "").split(".");
  for (let i = 0; i < labels.length; i++) {
    const suffix = labels.slice(i).join(".");
    for (const [names, urls] of bootstrap.dns.services) {
      if (names.includes(suffix)) return pickUrl(urls);
    }
  }
  return undefined;
}

function pickUrl(urls: readonly string[]): string {
  return urls.find((u) => u.startsWith("https:")) ?? urls[0];
}

/** The normalised facts of an RDAP answer. */
export interface RdapFacts {
  /** The registry's handle of the object. */
  readonly handle: string | null;
  /** The network's or domain's name. */
  readonly name: string | null;
  /** The country, ISO 3166-1 alpha-2. */
  readonly country: string | null;
  /** Who registered it. */
  readonly registrant: string | null;
  /** The registrar (domains). */
  readonly registrar: string | null;
  /** Where to report abuse. */
  readonly abuseEmail: string | null;
  /** When it was registered (ISO 8601). */
  readonly created: string | null;
  /** When it last changed (ISO 8601). */
  readonly updated: string | null;
  /** When it expires (ISO 8601; domains). */
  readonly expires: string | null;
  /** The network's first address. */
  readonly startAddress: string | null;
  /** The network's last address. */
  readonly endAddress: string | null;
  /** The network as CIDR. */
  readonly cidr: string | null;
  /** The domain's name servers. */
  readonly nameservers: string[];
  /** The registry's page for it. */
  readonly link: string | null;
}

type Json = Record<string, unknown>;

/** Reads an RFC 9083 IP network or domain object. */
export function normaliseRdap(body: Json): RdapFacts {
  const entities = flatten((body.entities as Json[]) ?? []);
  const withRole = (role: string) =>
    entities.find((e) => ((e.roles as string[]) ?? []).includes(role));
  const event = (action: string) =>
    ((body.events as Json[]) ?? []).find((e) => e.eventAction === action)?.eventDate as string ??
      null;
  const cidrs = ((body.cidr0_cidrs as Json[]) ?? []).map((c) =>
    `${c.v4prefix ?? c.v6prefix}/${c.length}`
  );
  const abuse = withRole("abuse");
  const self = ((body.links as Json[]) ?? []).find((l) => l.rel === "self");
  return {
    handle: (body.handle as string) ?? null,
    name: (body.name as string) ?? (body.ldhName as string)?.toLowerCase() ?? null,
    country: (body.country as string) ?? null,
    registrant: vcard(withRole("registrant"), "fn"),
    registrar: vcard(withRole("registrar"), "fn"),
    abuseEmail: vcard(abuse, "email"),
    created: event("registration"),
    updated: event("last changed"),
    expires: event("expiration"),
    startAddress: (body.startAddress as string) ?? null,
    endAddress: (body.endAddress as string) ?? null,
    cidr: cidrs.length > 0 ? cidrs.join(", ") : null,
    nameservers: ((body.nameservers as Json[]) ?? []).map((n) => String(n.ldhName).toLowerCase()),
    link: (self?.href as string) ?? (self?.value as string) ?? null,
  };
}

function flatten(entities: Json[]): Json[] {
  return entities.flatMap((e) => [e, ...flatten((e.entities as Json[]) ?? [])]);
}

function vcard(entity: Json | undefined, field: string): string | null {
  const card = (entity?.vcardArray as [string, Array<[string, unknown, string, unknown]>])?.[1];
  const value = card?.find((p) => p[0] === field)?.[3];
  return typeof value === "string" && value.length > 0 ? value : null;
}
