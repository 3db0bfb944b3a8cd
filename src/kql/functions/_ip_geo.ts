/**
 * IP ranges and places: `ipv4_range_to_cidr_list` (a range as the fewest CIDR blocks) and
 * `geo_info_from_ip_address` (country, state, city and coordinates of an address, from the
 * geo-IP data casefile ships: DB-IP's city database through casefile/enrich, where Kusto
 * uses MaxMind's GeoLite2; the two can place an address differently).
 *
 * The geo data loads with the first query that names `geo_info_from_ip_address`:
 * `executeOn` awaits {@link loadIpGeo} when {@link needsIpGeo} says so, and the function
 * then reads it synchronously.
 *
 * @module
 */
import { toStringTyped } from "../compile/_conversion.ts";
import type { JsValue } from "../runtime/_values.ts";
import { defineScalar } from "./_registry.ts";
import { readIpv4 } from "./_ip.ts";

// ---------------------------------------------------------------- ipv4_range_to_cidr_list

function ipv4Text(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** The fewest CIDR blocks covering `start`..`end` (inclusive), in order. */
export function ipv4RangeToCidrs(start: number, end: number): string[] {
  const out: string[] = [];
  let at = start;
  while (at <= end) {
    // The largest block aligned at `at` that does not pass `end`.
    let size = 1;
    while (at % (size * 2) === 0 && at + size * 2 - 1 <= end && size < 2 ** 32) size *= 2;
    out.push(`${ipv4Text(at)}/${32 - Math.log2(size)}`);
    at += size;
  }
  return out;
}

defineScalar("ipv4_range_to_cidr_list", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    const [a, b] = args.map((x) => toStringTyped(x, site.env));
    return site.env.rowwise([a, b], "dynamic", ([x, y]) => {
      const start = readIpv4(x);
      const end = readIpv4(y);
      if (!start || !end || start.prefix !== 32 || end.prefix !== 32) return null;
      return start.value <= end.value
        ? ipv4RangeToCidrs(start.value, end.value)
        : ipv4RangeToCidrs(end.value, start.value);
    });
  },
});

// ---------------------------------------------------------------- geo_info_from_ip_address

/** What the geo lookup needs of casefile/enrich's GeoIpDatabase. */
interface GeoLookup {
  lookup(ip: string): {
    status: string;
    country: string | null;
    region: string | null;
    city: string | null;
    latitude: number | null;
    longitude: number | null;
  };
}

let database: GeoLookup | undefined;
let loadError: unknown;
let loading: Promise<void> | undefined;

/** Whether a query names geo_info_from_ip_address (so its data must be loaded first). */
export function needsIpGeo(query: string): boolean {
  return /\bgeo_info_from_ip_address\s*\(/i.test(query);
}

/** Loads the geo-IP data once, IPv4 and IPv6 (later calls return at once). */
export function loadIpGeo(): Promise<void> {
  loading ??= import("../../enrich/geoip.ts")
    .then(async ({ GeoIpDatabase }) => {
      const db = await GeoIpDatabase.open();
      await db.loadIpv6();
      database = db;
    })
    .catch((e) => {
      loadError = e;
    });
  return loading;
}

const COUNTRY_NAMES = new Intl.DisplayNames(["en"], { type: "region" });

/** Kusto's answer for one address: country name, state, city, latitude, longitude. */
function geoInfo(db: GeoLookup, ip: JsValue): JsValue {
  if (typeof ip !== "string" || ip === "") return null;
  const record = db.lookup(ip);
  if (record.status !== "ok") return null;
  const out: Record<string, JsValue> = {};
  if (record.country) out.country = COUNTRY_NAMES.of(record.country) ?? record.country;
  if (record.region) out.state = record.region;
  if (record.city) out.city = record.city;
  // Coordinates to 4 decimals, as Kusto's (GeoLite2's) come; DB-IP's are 32-bit floats.
  if (record.latitude !== null) out.latitude = Math.round(record.latitude * 1e4) / 1e4;
  if (record.longitude !== null) out.longitude = Math.round(record.longitude * 1e4) / 1e4;
  return out;
}

defineScalar("geo_info_from_ip_address", {
  minArgs: 1,
  maxArgs: 1,
  compile(args, site) {
    const db = database;
    if (!db) {
      const reason = loadError instanceof Error ? loadError.message : "it was not loaded";
      throw site.env.ctx.unsupported(
        "geo_info_from_ip_address() without geo-IP data",
        site.call.span,
        `The bundled geo-IP data could not be read (${reason}). Run \`deno install\`.`,
      );
    }
    const ip = toStringTyped(args[0], site.env);
    return site.env.rowwise([ip], "dynamic", ([v]) => geoInfo(db, v));
  },
});
