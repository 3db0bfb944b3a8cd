/**
 * Indicators as Microsoft Sentinel threat-intelligence indicators: an IoC frame (`type`,
 * `value`, as `extractIocsFrame` makes it) or a list of indicators → STIX 2.1 patterns
 * (`[ipv4-addr:value = '203.0.113.45']`, `[file:hashes.'SHA-256' = '…']`) and the bodies of
 * `threatIntelligence/main/createIndicator`; and the patterns casefile wrote before (from
 * `queryIndicators`, source `casefile`), so that writing again adds nothing twice.
 *
 * @module
 */
import { type DataFrame, isDataFrame } from "../../polars.ts";
import { IncidentError } from "./_errors.ts";
import type { ArmHttp } from "./_incident_http.ts";

/** An indicator as given: `{ type: "ipv4", value: "203.0.113.45" }`. */
interface Indicator {
  readonly type: string;
  readonly value: string;
}

/** The source every indicator casefile writes carries (and dedupe looks for). */
export const TI_SOURCE = "casefile";

/** An indicator with its STIX pattern. */
export interface StixIndicator {
  /** The indicator's type as given (`ipv4`). */
  readonly type: string;
  /** The indicator itself (`203.0.113.45`). */
  readonly value: string;
  /** `[ipv4-addr:value = '203.0.113.45']`. */
  readonly pattern: string;
  /** The STIX object the pattern is on: `ipv4-addr`, `domain-name`, `url`, `file`, ... */
  readonly patternType: string;
}

/** An indicator that has no STIX pattern here, and why. */
export interface SkippedIndicator {
  /** The indicator's type as given (`windows_path`, `ipv4`, ...). */
  readonly type: string;
  /** The indicator itself. */
  readonly value: string;
  /** `written before`, or why it has no STIX pattern. */
  readonly reason: string;
}

const HASHES: Record<string, string> = { md5: "MD5", sha1: "SHA-1", sha256: "SHA-256" };
const HASH_BY_LENGTH: Record<number, string> = { 32: "MD5", 40: "SHA-1", 64: "SHA-256" };

/** A STIX string literal: quotes and backslashes escaped. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The STIX pattern of one indicator, or why there is none. */
export function stixOf(indicator: Indicator): StixIndicator | SkippedIndicator {
  const type = indicator.type.toLowerCase();
  const value = indicator.value.trim();
  // Hex digits, domain names and IPv6 addresses are the same in any case: one pattern for
  // them (lower case), so that dedupe by pattern does not write one indicator twice.
  const make = (patternType: string, path: string, caseless = false): StixIndicator => ({
    type: indicator.type,
    value,
    pattern: `[${patternType}:${path} = ${literal(caseless ? value.toLowerCase() : value)}]`,
    patternType,
  });
  const skip = (reason: string): SkippedIndicator => ({ type: indicator.type, value, reason });
  if (!value) return skip("empty value");
  switch (type) {
    case "ip":
    case "ipv4":
    case "ipv6":
    case "ipaddress":
      // STIX allows a CIDR block as the value of both; an address with a port is neither.
      if (/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(value)) return make("ipv4-addr", "value");
      if (/^[\da-f]{0,4}(:[\da-f]{0,4}){2,7}(:\d{1,3}(\.\d{1,3}){3})?(\/\d{1,3})?$/i.test(value)) {
        return make("ipv6-addr", "value", true);
      }
      return skip("not an IP address");
    case "domain":
    case "domain-name":
    case "dns":
      return make("domain-name", "value", true);
    case "url":
      return make("url", "value");
    case "email":
    case "email-addr":
      return make("email-addr", "value");
    case "md5":
    case "sha1":
    case "sha256":
    case "filehash":
    case "hash": {
      const algorithm = HASHES[type] ?? HASH_BY_LENGTH[value.length];
      if (!algorithm || !/^[0-9a-f]+$/i.test(value)) return skip("not an MD5, SHA-1 or SHA-256");
      return make("file", `hashes.'${algorithm}'`, true);
    }
    default:
      return skip(`no STIX pattern for type ${indicator.type}`);
  }
}

/**
 * The indicators of an IoC frame (columns `type` and `value`) or a list, deduplicated.
 *
 * @throws {IncidentError} when a frame lacks `type` or `value`.
 */
export function indicatorsFrom(source: DataFrame | readonly Indicator[]): Indicator[] {
  let list: Indicator[];
  if (isDataFrame(source)) {
    for (const column of ["type", "value"]) {
      if (!source.columns.includes(column)) {
        throw new IncidentError(
          `The indicators frame has no '${column}' column (it has ${source.columns.join(", ")})`,
          {
            hint: "Give an IoC frame as extractIocsFrame makes it (columns type and value), or " +
              "a list of { type, value }.",
          },
        );
      }
    }
    list = (source.select("type", "value").toRecords() as { type: unknown; value: unknown }[])
      .filter((r) => r.type != null && r.value != null)
      .map((r) => ({ type: String(r.type), value: String(r.value) }));
  } else {
    list = [...source];
  }
  const seen = new Set<string>();
  return list.filter((i) => {
    const key = `${i.type.toLowerCase()}\u0000${i.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What `createIndicator` is sent for one indicator. */
export interface TiSettings {
  readonly labels: readonly string[];
  readonly confidence: number;
  readonly validFrom: Date;
  readonly validUntil?: Date;
  readonly threatTypes: readonly string[];
  readonly description: string;
}

/** The body of `POST threatIntelligence/main/createIndicator`. */
export function createIndicatorBody(indicator: StixIndicator, settings: TiSettings): unknown {
  return {
    kind: "indicator",
    properties: {
      source: TI_SOURCE,
      displayName: `${indicator.type} ${indicator.value}`,
      description: settings.description,
      pattern: indicator.pattern,
      patternType: indicator.patternType,
      labels: [...settings.labels],
      threatTypes: [...settings.threatTypes],
      confidence: settings.confidence,
      validFrom: settings.validFrom.toISOString(),
      ...(settings.validUntil ? { validUntil: settings.validUntil.toISOString() } : {}),
      revoked: false,
    },
  };
}

/**
 * The patterns of the indicators casefile wrote to the workspace before (`queryIndicators`
 * with source `casefile`, every page).
 */
export async function existingPatterns(http: ArmHttp, base: string): Promise<Set<string>> {
  const patterns = new Set<string>();
  let link: string | undefined = `${base}/threatIntelligence/main/queryIndicators`;
  for (let page = 0; link && page < 100; page++) {
    const answer = await http.send("POST", link, "read", {
      sources: [TI_SOURCE],
      pageSize: 100,
    });
    const body = answer.body as
      | { value?: { properties?: { pattern?: unknown; source?: unknown } }[]; nextLink?: string }
      | undefined;
    for (const item of body?.value ?? []) {
      if (item.properties?.source !== TI_SOURCE) continue;
      if (typeof item.properties?.pattern === "string") patterns.add(item.properties.pattern);
    }
    link = body?.nextLink;
  }
  return patterns;
}
