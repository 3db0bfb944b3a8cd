/**
 * Local threat-intel feeds: STIX 2.1 bundles, MISP events (JSON) and CSV files, indexed
 * in memory for exact (and, for IPv4, CIDR) matches.
 *
 * @module
 */
import { loadTable } from "../data/load.ts";
import { columnValues } from "../polars.ts";
import { parseIpv4 } from "./_ip.ts";
import {
  type IndicatorType,
  type TiAnswer,
  type TiProvider,
  typeIndicator,
  type Verdict,
} from "./_ti_types.ts";
import { EnrichmentError } from "./errors.ts";

/** One indicator of a feed. */
export interface FeedEntry {
  /** The indicator, normalised. */
  readonly value: string;
  /** Its type. */
  readonly type: IndicatorType;
  /** What the feed says of it. */
  readonly verdict: Verdict;
  /** 0 (benign) to 100 (certainly malicious), where the feed says. */
  readonly severity: number | null;
  /** The feed's facts about it (labels, description, source). */
  readonly details: Record<string, unknown>;
  /** A link to more, where the feed gives one. */
  readonly reference: string | null;
}

/** The format of a feed file. */
export type FeedFormat = "stix" | "misp" | "csv";

/** A feed parsed into entries. */
export interface ParsedFeed {
  /** The format the file was read as. */
  readonly format: FeedFormat;
  /** The indicators. */
  readonly entries: readonly FeedEntry[];
  /** Indicators skipped (revoked, unsupported patterns), with why. */
  readonly skipped: readonly string[];
}

const STIX_TYPES: Record<string, IndicatorType | "file"> = {
  "ipv4-addr": "ipv4",
  "ipv6-addr": "ipv6",
  "domain-name": "domain",
  url: "url",
  "email-addr": "email",
  file: "file",
};

const STIX_COMPARISON =
  /([a-z0-9-]+):([a-z_]+(?:\.'[^']+'|\.[A-Za-z0-9_-]+)?)\s*=\s*'((?:[^'\\]|\\.)*)'/g;

/** The entries of a STIX 2.1 bundle's indicators (with related malware names). */
export function parseStix(bundle: unknown, feedName: string): ParsedFeed {
  const objects = (bundle as { objects?: unknown[] })?.objects;
  if (!Array.isArray(objects)) {
    throw feedError(`${feedName} is not a STIX bundle (no "objects" array)`);
  }
  const byId = new Map<string, Record<string, unknown>>();
  for (const o of objects as Array<Record<string, unknown>>) byId.set(String(o.id), o);
  const related = new Map<string, string[]>();
  for (const o of objects as Array<Record<string, unknown>>) {
    if (o.type !== "relationship" || o.relationship_type !== "indicates") continue;
    const target = byId.get(String(o.target_ref));
    if (!target?.name) continue;
    const list = related.get(String(o.source_ref)) ?? [];
    list.push(`${target.type}: ${target.name}`);
    related.set(String(o.source_ref), list);
  }
  const entries: FeedEntry[] = [];
  const skipped: string[] = [];
  const now = Date.now();
  for (const o of objects as Array<Record<string, unknown>>) {
    if (o.type !== "indicator") continue;
    if (o.revoked === true) {
      skipped.push(`${o.id}: revoked`);
      continue;
    }
    if (o.pattern_type !== undefined && o.pattern_type !== "stix") {
      skipped.push(`${o.id}: pattern_type ${o.pattern_type} is not read`);
      continue;
    }
    const types = (o.indicator_types as string[] | undefined) ?? (o.labels as string[]) ?? [];
    const expired = typeof o.valid_until === "string" && Date.parse(o.valid_until) < now;
    let verdict: Verdict = types.includes("benign")
      ? "harmless"
      : types.some((t) => ["malicious-activity", "attribution", "compromised"].includes(t))
      ? "malicious"
      : "suspicious";
    if (expired && verdict === "malicious") verdict = "suspicious";
    const creator = byId.get(String(o.created_by_ref))?.name;
    const details = {
      feed: feedName,
      name: o.name ?? null,
      description: o.description ?? null,
      indicator_types: types,
      confidence: o.confidence ?? null,
      valid_from: o.valid_from ?? null,
      valid_until: o.valid_until ?? null,
      expired,
      created_by: creator ?? null,
      related: related.get(String(o.id)) ?? [],
    };
    let found = 0;
    for (const m of String(o.pattern ?? "").matchAll(STIX_COMPARISON)) {
      const kind = STIX_TYPES[m[1]];
      const value = m[3].replace(/\\(.)/g, "$1");
      let type: IndicatorType | undefined;
      if (kind === "file") {
        const alg = m[2].replace(/^hashes\./, "").replace(/'/g, "").toUpperCase();
        type = alg === "MD5"
          ? "md5"
          : alg === "SHA-1" || alg === "SHA1"
          ? "sha1"
          : alg === "SHA-256" || alg === "SHA256"
          ? "sha256"
          : undefined;
      } else if (kind && m[2] === "value") type = kind;
      if (!type) continue;
      const typed = cidrOrIndicator(value, type);
      if (!typed) continue;
      found++;
      entries.push({
        ...typed,
        verdict,
        severity: typeof o.confidence === "number" ? o.confidence : null,
        details,
        reference: String(o.id),
      });
    }
    if (found === 0) skipped.push(`${o.id}: no supported comparison in ${o.pattern}`);
  }
  return { format: "stix", entries, skipped };
}

const MISP_TYPES: Record<string, IndicatorType | "ip"> = {
  "ip-dst": "ip",
  "ip-src": "ip",
  "ip-dst|port": "ip",
  "ip-src|port": "ip",
  domain: "domain",
  hostname: "domain",
  "domain|ip": "domain",
  url: "url",
  link: "url",
  md5: "md5",
  sha1: "sha1",
  sha256: "sha256",
  "filename|md5": "md5",
  "filename|sha1": "sha1",
  "filename|sha256": "sha256",
  "email-src": "email",
  "email-dst": "email",
  email: "email",
};

const THREAT_LEVEL: Record<string, number | null> = { "1": 90, "2": 60, "3": 30, "4": null };

/** The entries of MISP events (an event, {response: [...]}, or an array of events). */
export function parseMisp(json: unknown, feedName: string): ParsedFeed {
  const root = json as Record<string, unknown>;
  const list: unknown[] = Array.isArray(json)
    ? json
    : Array.isArray(root?.response)
    ? root.response as unknown[]
    : [json];
  const events = list.map((e) => (e as { Event?: unknown }).Event ?? e) as Array<
    Record<string, unknown>
  >;
  if (!events.every((e) => e && (Array.isArray(e.Attribute) || Array.isArray(e.Object)))) {
    throw feedError(`${feedName} is not MISP JSON (events need an Attribute or Object list)`);
  }
  const entries: FeedEntry[] = [];
  const skipped: string[] = [];
  for (const event of events) {
    const attributes = [
      ...((event.Attribute as unknown[]) ?? []),
      ...((event.Object as Array<{ Attribute?: unknown[] }>) ?? []).flatMap((o) =>
        o.Attribute ?? []
      ),
    ] as Array<Record<string, unknown>>;
    const tags = ((event.Tag as Array<{ name: string }>) ?? []).map((t) => t.name);
    for (const a of attributes) {
      const kind = MISP_TYPES[String(a.type)];
      if (!kind) {
        skipped.push(`${a.uuid ?? a.value}: MISP type ${a.type} is not read`);
        continue;
      }
      const raw = String(a.value ?? "");
      const parts = raw.split("|");
      const value = String(a.type).startsWith("filename|") ? parts[1] : parts[0];
      const typed = kind === "ip"
        ? cidrOrIndicator(value, value.includes(":") ? "ipv6" : "ipv4")
        : cidrOrIndicator(value, kind);
      if (!typed) {
        skipped.push(`${raw}: not a valid ${kind}`);
        continue;
      }
      entries.push({
        ...typed,
        verdict: a.to_ids === false ? "suspicious" : "malicious",
        severity: THREAT_LEVEL[String(event.threat_level_id)] ?? null,
        details: {
          feed: feedName,
          event: event.info ?? null,
          event_id: event.id ?? null,
          category: a.category ?? null,
          comment: a.comment ?? null,
          tags,
        },
        reference: event.uuid ? `misp:event/${event.uuid}` : null,
      });
    }
  }
  return { format: "misp", entries, skipped };
}

const VALUE_COLUMNS = ["indicator", "value", "ioc", "observable", "indicator_value"];

/** The entries of a CSV feed: a value column, and optional type/verdict/severity columns. */
export async function parseCsv(path: string, feedName: string): Promise<ParsedFeed> {
  const { frame } = await loadTable(path);
  const lower = new Map(frame.columns.map((c) => [c.toLowerCase(), c]));
  const pick = (names: string[]) => names.map((n) => lower.get(n)).find((c) => c !== undefined);
  const valueColumn = pick(VALUE_COLUMNS);
  if (!valueColumn) {
    throw feedError(`${feedName} has no indicator column`, {
      hint: `Name the column one of: ${VALUE_COLUMNS.join(", ")}.`,
    });
  }
  const col = (name?: string) => name ? columnValues<unknown>(frame, name) : undefined;
  const values = col(valueColumn)!;
  const types = col(pick(["type", "indicator_type", "ioc_type"]));
  const verdicts = col(pick(["verdict", "classification", "disposition"]));
  const severities = col(pick(["severity", "confidence", "score"]));
  const descriptions = col(pick(["description", "comment", "notes", "name"]));
  const references = col(pick(["reference", "link", "source"]));
  const entries: FeedEntry[] = [];
  const skipped: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const raw = values[i] === null ? "" : String(values[i]);
    const declared = normaliseType(types?.[i]);
    const typed = cidrOrIndicator(raw, declared);
    if (!typed) {
      skipped.push(`row ${i + 1}: ${raw} is not an indicator`);
      continue;
    }
    const v = String(verdicts?.[i] ?? "").toLowerCase();
    const verdict: Verdict = ["malicious", "suspicious", "harmless", "unknown"].includes(v)
      ? v as Verdict
      : v === "benign"
      ? "harmless"
      : "malicious";
    const s = severities?.[i];
    entries.push({
      ...typed,
      verdict,
      severity: typeof s === "number" ? s : s != null && !isNaN(Number(s)) ? Number(s) : null,
      details: { feed: feedName, description: descriptions?.[i] ?? null, row: i + 1 },
      reference: references?.[i] == null ? null : String(references[i]),
    });
  }
  return { format: "csv", entries, skipped };
}

function normaliseType(value: unknown): IndicatorType | undefined {
  const t = String(value ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");
  const map: Record<string, IndicatorType> = {
    ip: "ipv4",
    ipv4: "ipv4",
    ipv4addr: "ipv4",
    ipv6: "ipv6",
    ipv6addr: "ipv6",
    domain: "domain",
    domainname: "domain",
    hostname: "domain",
    fqdn: "domain",
    url: "url",
    uri: "url",
    email: "email",
    emailaddr: "email",
    md5: "md5",
    sha1: "sha1",
    sha256: "sha256",
  };
  return map[t];
}

/** An IPv4 CIDR is kept as a range entry; anything else must be a valid indicator. */
function cidrOrIndicator(
  value: string,
  type: IndicatorType | undefined,
): { value: string; type: IndicatorType } | undefined {
  const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(value.trim());
  if (cidr && (type === undefined || type === "ipv4") && parseIpv4(cidr[1]) !== undefined) {
    if (Number(cidr[2]) <= 32) return { value: value.trim(), type: "ipv4" };
  }
  if (type === "ipv4" && value.includes(":") && !value.includes(".")) type = "ipv6";
  return typeIndicator(value, type);
}

function feedError(message: string, options: { hint?: string } = {}): EnrichmentError {
  return new EnrichmentError(message, {
    capability: "threat-intel",
    hint: options.hint ??
      "Give a STIX 2.1 bundle, MISP event JSON, or a CSV with an indicator column.",
  });
}

/** A provider over parsed feed entries. */
export function feedProvider(name: string, feed: ParsedFeed): TiProvider & { feed: ParsedFeed } {
  const exact = new Map<string, FeedEntry[]>();
  const ranges: Array<{ base: number; bits: number; entry: FeedEntry }> = [];
  for (const e of feed.entries) {
    const slash = e.value.indexOf("/");
    if (e.type === "ipv4" && slash > 0) {
      ranges.push({
        base: parseIpv4(e.value.slice(0, slash))!,
        bits: Number(e.value.slice(slash + 1)),
        entry: e,
      });
      continue;
    }
    const key = `${e.type}:${e.value}`;
    (exact.get(key) ?? exact.set(key, []).get(key)!).push(e);
  }
  const types = [...new Set(feed.entries.map((e) => e.type))];
  return {
    name,
    types,
    feed,
    cacheTtlMs: 0,
    concurrency: 64,
    unavailable: () => undefined,
    lookup(indicator: string, type: IndicatorType): Promise<TiAnswer> {
      const hits = [...(exact.get(`${type}:${indicator}`) ?? [])];
      if (type === "ipv4" && ranges.length > 0) {
        const ip = parseIpv4(indicator)!;
        for (const r of ranges) {
          const shift = 32 - r.bits;
          if (r.bits === 0 || Math.floor(ip / 2 ** shift) === Math.floor(r.base / 2 ** shift)) {
            hits.push(r.entry);
          }
        }
      }
      if (hits.length === 0) {
        return Promise.resolve({
          status: "not-found",
          verdict: "unknown",
          severity: null,
          details: {},
          reference: null,
        });
      }
      const rank: Record<Verdict, number> = {
        malicious: 3,
        suspicious: 2,
        harmless: 1,
        unknown: 0,
      };
      hits.sort((a, b) =>
        rank[b.verdict] - rank[a.verdict] || (b.severity ?? 0) - (a.severity ?? 0)
      );
      const best = hits[0];
      return Promise.resolve({
        status: "ok",
        verdict: best.verdict,
        severity: best.severity,
        details: hits.length === 1 ? best.details : { ...best.details, matches: hits.length },
        reference: best.reference,
      });
    },
  };
}
