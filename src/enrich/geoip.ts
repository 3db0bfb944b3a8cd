/**
 * Geo-IP and ASN, offline: country, region, city, coordinates, ASN and organisation from
 * data packages pinned in deno.json (DB-IP IP to City Lite in MaxMind mmdb format, read
 * with mmdb-lib; RouteViews/RIR/DB-IP IP-to-ASN ranges; both CC BY 4.0). Private and
 * special-purpose addresses (RFC 1918, loopback, link-local, CGNAT, documentation,
 * benchmarking, multicast, IPv6 unique-local...) are classified, never looked up. Columns
 * are enriched by looking up each distinct address once and joining back.
 *
 * @module
 */
import { type DataFrame, pl } from "../polars.ts";
import {
  type AsnRecord,
  bundledAsnPaths,
  bundledCityPaths,
  type CityDatabase,
  GEO_SOURCES,
  type GeoDataSource,
  Ipv4AsnIndex,
  Ipv6AsnIndex,
  openCityDatabase,
  readAsnFile,
} from "./_geo_data.ts";
import { classifyParsedIp, formatIp, type IpClass, type IpKind, parseIp } from "./_ip.ts";
import { columnArguments, textColumn } from "./_frame.ts";
import { checkOptions, defineOptions } from "../options.ts";

const GEO_FRAME_OPTIONS = defineOptions<GeoLookupFrameOptions>("geoLookupFrame", {
  column: { kind: "column", aliases: ["columns", "col", "ip"] },
  prefix: "string",
});
const DB_FRAME_OPTIONS = defineOptions<GeoLookupFrameOptions>("GeoIpDatabase.lookupFrame", {
  column: { kind: "column", aliases: ["columns", "col", "ip"] },
  prefix: "string",
});

export type { GeoDataSource, IpClass, IpKind };
export { GEO_SOURCES };

/** How one address's lookup went: "ok", "not-found", "invalid", or the special range's kind. */
export type GeoStatus = "ok" | "not-found" | "invalid" | Exclude<IpKind, "public">;

/** What is known of one address. */
export interface GeoIpRecord {
  /** The address, canonical (IPv6 compressed, lower-case). */
  readonly ip: string;
  /** How the lookup went. */
  readonly status: GeoStatus;
  /** "public", or the special-purpose kind; null when invalid. */
  readonly kind: IpKind | null;
  /** The special-purpose range (CIDR) it falls in. */
  readonly range: string | null;
  /** ISO 3166-1 alpha-2. */
  readonly country: string | null;
  /** The region (state, province). */
  readonly region: string | null;
  /** The city. */
  readonly city: string | null;
  /** The city's latitude, in degrees. */
  readonly latitude: number | null;
  /** The city's longitude, in degrees. */
  readonly longitude: number | null;
  /** The autonomous system announcing it. */
  readonly asn: number | null;
  /** The organisation holding that autonomous system. */
  readonly asOrg: string | null;
}

/** Which data to use (default: the bundled packages). */
export interface GeoIpOptions {
  /** An mmdb city database for IPv4 (DB-IP or MaxMind layout); null for none. */
  readonly cityDatabase?: string | null;
  /** An mmdb city database for IPv6 (may be the same file); null for none. */
  readonly cityDatabaseV6?: string | null;
  /** An ASN CSV with numeric IPv4 ranges (start,end,asn,organisation); null for none. */
  readonly asnIpv4?: string | null;
  /** An ASN CSV with IPv6 ranges (start,end,asn,organisation); null for none. */
  readonly asnIpv6?: string | null;
}

// A path, or null for none: the kind is not checked (null is a value), the names are.
const GEO_DB_OPTIONS = defineOptions<GeoIpOptions>("GeoIpDatabase.open", {
  cityDatabase: { kind: "any", aliases: ["city", "mmdb", "database"] },
  cityDatabaseV6: { kind: "any", aliases: ["cityV6", "ipv6"] },
  asnIpv4: { kind: "any", aliases: ["asn", "asnDatabase"] },
  asnIpv6: { kind: "any", aliases: ["asnV6"] },
});

/** Options of {@link geoLookupFrame} and {@link GeoIpDatabase.lookupFrame}. */
export interface GeoLookupFrameOptions {
  /** The column of IP addresses (text). */
  readonly column: string;
  /** The new columns' prefix (default `<column>_`). */
  readonly prefix?: string;
}

/**
 * Classifies an address without any lookup.
 *
 * @param ip An IPv4 or IPv6 address.
 * @returns Its kind and special-purpose range, or undefined when it is no address.
 *
 * @example Special ranges
 * ```ts
 * import assert from "node:assert/strict";
 * import { classifyIp } from "./mod.ts";
 *
 * assert.deepEqual(classifyIp("10.20.4.42"), { kind: "private", range: "10.0.0.0/8" });
 * assert.equal(classifyIp("100.64.1.1")?.kind, "cgnat");
 * assert.deepEqual(classifyIp("fd00::1"), { kind: "private", range: "fc00::/7" });
 * assert.equal(classifyIp("not an address"), undefined);
 * ```
 */
export function classifyIp(ip: string): IpClass | undefined {
  const parsed = parseIp(ip.trim());
  return parsed ? classifyParsedIp(parsed) : undefined;
}

/** An opened geo-IP and ASN database. */
export class GeoIpDatabase {
  readonly #options: GeoIpOptions;
  #v4?: CityDatabase | null;
  #v6?: CityDatabase | null;
  #asn4?: Ipv4AsnIndex | null;
  #asn6?: Ipv6AsnIndex | null;
  /** Where the data comes from. */
  readonly sources: readonly GeoDataSource[];

  private constructor(options: GeoIpOptions) {
    this.#options = options;
    this.sources = options.cityDatabase === undefined && options.asnIpv4 === undefined
      ? GEO_SOURCES
      : [];
  }

  /**
   * Opens the databases (IPv4 now; IPv6 when first needed).
   *
   * @param options Other database files, or null to leave one out.
   * @returns The database.
   * @throws {EnrichmentError} When a file cannot be read.
   *
   * @example Look up one address
   * ```ts
   * import assert from "node:assert/strict";
   * import { GeoIpDatabase } from "./mod.ts";
   *
   * const geo = await GeoIpDatabase.open();
   * const record = geo.lookup("8.8.8.8");
   * assert.deepEqual([record.status, record.kind, record.asn], ["ok", "public", 15169]);
   * ```
   */
  static async open(options: GeoIpOptions = {}): Promise<GeoIpDatabase> {
    checkOptions("GeoIpDatabase.open", options, GEO_DB_OPTIONS);
    const db = new GeoIpDatabase(options);
    await db.#load(4);
    return db;
  }

  async #load(version: 4 | 6): Promise<void> {
    const o = this.#options;
    if (version === 4 && this.#v4 === undefined) {
      const city = o.cityDatabase === undefined ? bundledCityPaths().ipv4 : o.cityDatabase;
      const asn = o.asnIpv4 === undefined ? bundledAsnPaths().ipv4 : o.asnIpv4;
      [this.#v4, this.#asn4] = await Promise.all([
        city === null ? null : openCityDatabase(city),
        asn === null ? null : readAsnFile(asn).then((t) => new Ipv4AsnIndex(t)),
      ]);
    }
    if (version === 6 && this.#v6 === undefined) {
      const city = o.cityDatabaseV6 === undefined
        ? (o.cityDatabase === undefined ? bundledCityPaths().ipv6 : null)
        : o.cityDatabaseV6;
      const asn = o.asnIpv6 === undefined
        ? (o.asnIpv4 === undefined ? bundledAsnPaths().ipv6 : null)
        : o.asnIpv6;
      [this.#v6, this.#asn6] = await Promise.all([
        city === null ? null : openCityDatabase(city),
        asn === null ? null : readAsnFile(asn).then((t) => new Ipv6AsnIndex(t)),
      ]);
    }
  }

  /** Loads the IPv6 data now (lookups of IPv6 addresses need it; frames load it themselves). */
  async loadIpv6(): Promise<void> {
    await this.#load(6);
  }

  /**
   * What is known of one address (IPv6 needs {@link loadIpv6} first, or use lookupFrame).
   *
   * @param ip The address text (IPv4, IPv6, bracketed IPv6).
   * @returns The record; status "invalid" for no address, the kind for special ranges.
   */
  lookup(ip: string): GeoIpRecord {
    const parsed = parseIp(String(ip).trim());
    if (!parsed) return blank(String(ip), "invalid", null, null);
    const cls = classifyParsedIp(parsed);
    const text = formatIp(parsed);
    if (cls.kind !== "public") return blank(text, cls.kind, cls.kind, cls.range ?? null);
    const city = parsed.version === 4 ? this.#v4 : this.#v6;
    const geo = city?.get(text) ?? null;
    let asn: AsnRecord | null = null;
    if (parsed.version === 4) asn = this.#asn4?.get(parsed.value) ?? null;
    else asn = this.#asn6?.get(parsed.groups) ?? null;
    if (!geo && !asn) return blank(text, "not-found", "public", null);
    return {
      ip: text,
      status: "ok",
      kind: "public",
      range: null,
      country: geo?.country ?? null,
      region: geo?.region ?? null,
      city: geo?.city ?? null,
      latitude: geo?.latitude ?? null,
      longitude: geo?.longitude ?? null,
      asn: asn?.asn ?? null,
      asOrg: asn?.org ?? null,
    };
  }

  /**
   * Adds geo and ASN columns for an address column: `<prefix>ip_kind`, `<prefix>geo_status`,
   * `<prefix>country`, `<prefix>region`, `<prefix>city`, `<prefix>latitude`,
   * `<prefix>longitude`, `<prefix>asn`, `<prefix>as_org` (prefix default `<column>_`).
   *
   * The positional form `lookupFrame(frame, column, { prefix })` still works (deprecated:
   * recorded sessions call it so).
   *
   * @param frame The frame.
   * @param options The column of IP addresses (text) and the new columns' prefix.
   * @param legacyOptions Only with the deprecated positional column: the prefix.
   * @returns The frame with the columns added; each distinct address is looked up once.
   *   Rows keep the input's order.
   * @throws {EnrichmentError} When the column is missing.
   *
   * @example Where the demo case's sign-ins come from
   * ```ts
   * import assert from "node:assert/strict";
   * import { GeoIpDatabase } from "./mod.ts";
   * import { openLocalProvider } from "../../mod.ts";
   *
   * const provider = await openLocalProvider();
   * const signins = (await provider.table("SigninLogs")).frame;
   * const geo = await GeoIpDatabase.open();
   * const enriched = await geo.lookupFrame(signins, { column: "IPAddress" });
   * assert.equal(enriched.height, signins.height);
   * const statuses = enriched.getColumn("IPAddress_geo_status").unique().toArray();
   * assert.ok(statuses.includes("ok"));
   * ```
   */
  async lookupFrame(
    frame: DataFrame,
    options: GeoLookupFrameOptions | string,
    legacyOptions?: { prefix?: string },
  ): Promise<DataFrame> {
    const args = columnArguments(options, legacyOptions, "column");
    checkOptions("GeoIpDatabase.lookupFrame", args.options, DB_FRAME_OPTIONS);
    const column = args.column as string;
    const prefix = args.options.prefix ?? `${column}_`;
    textColumn(frame, column, "geoip"); // checks the column exists, with a hint
    // Distinct values in Polars, lookups in JS, a native left join back (told to keep the
    // rows' order: Polars does not promise it otherwise).
    const key = `__casefile_geo_${column}`;
    const keys = frame.select(pl.col(column).cast(pl.Utf8).alias(key)).unique().dropNulls();
    const unique = keys.getColumn(key).toArray() as string[];
    if (unique.some((u) => u.includes(":"))) await this.#load(6);
    const records = unique.map((ip) => this.lookup(ip));
    const pick = <T>(f: (r: GeoIpRecord) => T | null) => records.map(f);
    const table = pl.DataFrame([
      pl.Series(key, unique, pl.Utf8),
      pl.Series(`${prefix}ip_kind`, pick((r) => r.kind), pl.Utf8),
      pl.Series(`${prefix}geo_status`, pick((r) => r.status), pl.Utf8),
      pl.Series(`${prefix}country`, pick((r) => r.country), pl.Utf8),
      pl.Series(`${prefix}region`, pick((r) => r.region), pl.Utf8),
      pl.Series(`${prefix}city`, pick((r) => r.city), pl.Utf8),
      pl.Series(`${prefix}latitude`, pick((r) => r.latitude), pl.Float64),
      pl.Series(`${prefix}longitude`, pick((r) => r.longitude), pl.Float64),
      pl.Series(`${prefix}asn`, pick((r) => r.asn), pl.Float64).cast(pl.Int64),
      pl.Series(`${prefix}as_org`, pick((r) => r.asOrg), pl.Utf8),
    ]);
    return frame
      .withColumns(pl.col(column).cast(pl.Utf8).alias(key))
      .join(table, { on: key, how: "left", maintainOrder: "left" })
      .drop(key);
  }
}

function blank(
  ip: string,
  status: GeoStatus,
  kind: IpKind | null,
  range: string | null,
): GeoIpRecord {
  return {
    ip,
    status,
    kind,
    range,
    country: null,
    region: null,
    city: null,
    latitude: null,
    longitude: null,
    asn: null,
    asOrg: null,
  };
}

let shared: Promise<GeoIpDatabase> | undefined;

/**
 * Geo and ASN columns for an address column, with the bundled data (opened once per process).
 *
 * @param frame The frame.
 * @param options The address column and the new columns' prefix.
 * @returns The frame with the columns of {@link GeoIpDatabase.lookupFrame}; rows keep the
 *   input's order.
 * @throws {EnrichmentError} When the column is missing or the data cannot be read.
 *
 * @example Destination addresses of the demo case's firewall log
 * ```ts
 * import assert from "node:assert/strict";
 * import { geoLookupFrame } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const firewall = (await provider.table("CommonSecurityLog")).frame;
 * const enriched = await geoLookupFrame(firewall, { column: "DestinationIP" });
 * const kinds = enriched.getColumn("DestinationIP_ip_kind").unique().toArray();
 * assert.deepEqual(kinds.sort(), ["documentation", "public"]); // 203.0.113.0/24 is TEST-NET-3
 * ```
 */
export async function geoLookupFrame(
  frame: DataFrame,
  options: GeoLookupFrameOptions,
): Promise<DataFrame>;
/**
 * Geo and ASN columns for an address column named positionally.
 *
 * @deprecated Name the column in the options: `geoLookupFrame(frame, { column, prefix })`.
 * This form keeps recorded sessions replaying.
 */
export async function geoLookupFrame(
  frame: DataFrame,
  column: string,
  options?: { prefix?: string },
): Promise<DataFrame>;
export async function geoLookupFrame(
  frame: DataFrame,
  columnOrOptions: string | GeoLookupFrameOptions,
  legacyOptions?: { prefix?: string },
): Promise<DataFrame> {
  shared ??= GeoIpDatabase.open();
  const args = columnArguments(columnOrOptions, legacyOptions, "column");
  checkOptions("geoLookupFrame", args.options, GEO_FRAME_OPTIONS);
  const column = args.column as string;
  return await (await shared).lookupFrame(frame, { ...args.options, column });
}

/**
 * What is known of some addresses, with the bundled data.
 *
 * @param ips Addresses.
 * @returns One record per address, in order.
 *
 * @example Public, private and invalid
 * ```ts
 * import assert from "node:assert/strict";
 * import { geoLookup } from "./mod.ts";
 *
 * const records = await geoLookup(["1.1.1.1", "192.168.1.10", "2001:4860:4860::8888", "nope"]);
 * assert.deepEqual(records.map((r) => r.status), ["ok", "private", "ok", "invalid"]);
 * assert.equal(records[2].asn, 15169);
 * ```
 */
export async function geoLookup(ips: readonly string[]): Promise<GeoIpRecord[]> {
  shared ??= GeoIpDatabase.open();
  const db = await shared;
  if (ips.some((ip) => String(ip).includes(":"))) await db.loadIpv6();
  return ips.map((ip) => db.lookup(ip));
}
