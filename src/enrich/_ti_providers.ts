/**
 * The online providers: VirusTotal v3, AbuseIPDB v2, AlienVault OTX and GreyNoise
 * Community, each reading its API's real response shape into a normalised answer.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { parse as parseDomain } from "tldts";
import { HttpGate, type HttpProviderOptions, type JsonReply, resolveKey } from "./_ti_http.ts";
import type { IndicatorType, TiAnswer, TiProvider, Verdict } from "./_ti_types.ts";
import { EnrichmentProviderError } from "./errors.ts";
import { checkOptions, defineOptions, type OptionSpec } from "../options.ts";

const HTTP_SPECS = {
  apiKey: "string",
  baseUrl: "string",
  timeoutMs: "number",
  concurrency: "number",
  maxRetries: "number",
  maxRetryWaitMs: "number",
  cacheTtlMs: "number",
  breakAfter: "number",
} as const satisfies Record<keyof HttpProviderOptions, OptionSpec>;
const VIRUSTOTAL_OPTIONS = defineOptions<HttpProviderOptions>("virusTotal", HTTP_SPECS);
const OTX_OPTIONS = defineOptions<HttpProviderOptions>("otx", HTTP_SPECS);
const GREYNOISE_OPTIONS = defineOptions<HttpProviderOptions>("greyNoise", HTTP_SPECS);
const ABUSEIPDB_OPTIONS = defineOptions<HttpProviderOptions & { maxAgeInDays?: number }>(
  "abuseIpDb",
  { ...HTTP_SPECS, maxAgeInDays: "number" },
);

const DAY = 24 * 3600 * 1000;

interface Spec {
  readonly name: string;
  readonly variable: string;
  readonly defaultBase: string;
  readonly types: readonly IndicatorType[];
  readonly keyHeader: string;
  url(base: string, indicator: string, type: IndicatorType): string;
  read(reply: JsonReply, indicator: string, type: IndicatorType): TiAnswer;
}

function httpProvider(spec: Spec, options: HttpProviderOptions): TiProvider {
  const gate = new HttpGate(spec.name, options);
  const base = (options.baseUrl ?? spec.defaultBase).replace(/\/+$/, "");
  return {
    name: spec.name,
    types: spec.types,
    cacheTtlMs: options.cacheTtlMs ?? DAY,
    concurrency: options.concurrency ?? 4,
    unavailable() {
      return resolveKey(options, spec.variable)
        ? undefined
        : `${spec.name} needs an API key: set ${spec.variable} (or pass apiKey)`;
    },
    async lookup(indicator, type, signal) {
      const key = resolveKey(options, spec.variable)!;
      const reply = await gate.getJson(
        spec.url(base, indicator, type),
        { [spec.keyHeader]: key },
        signal,
      );
      if (reply.status === 401 || reply.status === 403) {
        throw new EnrichmentProviderError(
          `${spec.name} rejected the API key (HTTP ${reply.status})`,
          {
            capability: "threat-intel",
            provider: spec.name,
            status: reply.status,
            hint: `Check the key in ${spec.variable}.`,
          },
        );
      }
      if (reply.status === 404) return notFound(spec.read(reply, indicator, type));
      if (reply.status >= 400) {
        throw new EnrichmentProviderError(
          `${spec.name} refused the lookup (HTTP ${reply.status}): ${errorText(reply.body)}`,
          {
            capability: "threat-intel",
            provider: spec.name,
            status: reply.status,
            hint: "Check that the indicator is of a type the provider takes.",
          },
        );
      }
      return spec.read(reply, indicator, type);
    },
  };
}

function notFound(answer: TiAnswer): TiAnswer {
  return { ...answer, status: "not-found" };
}

function errorText(body: unknown): string {
  const b = body as Record<string, unknown> | undefined;
  const vt = (b?.error as { message?: string })?.message;
  const abuse = (b?.errors as Array<{ detail?: string }>)?.[0]?.detail;
  return String(vt ?? abuse ?? b?.message ?? b?.detail ?? "no detail");
}

const empty = (reference: string | null, details: Record<string, unknown> = {}): TiAnswer => ({
  status: "not-found",
  verdict: "unknown",
  severity: null,
  details,
  reference,
});

/** VirusTotal v3: `x-apikey` header; IPs, domains, URLs and file hashes. */
export function virusTotal(options: HttpProviderOptions = {}): TiProvider {
  checkOptions("virusTotal", options, VIRUSTOTAL_OPTIONS);
  const collection = (type: IndicatorType) =>
    type === "ipv4" || type === "ipv6"
      ? "ip_addresses"
      : type === "domain"
      ? "domains"
      : type === "url"
      ? "urls"
      : "files";
  const id = (indicator: string, type: IndicatorType) =>
    type === "url" ? Buffer.from(indicator).toString("base64url") : encodeURIComponent(indicator);
  const gui = (indicator: string, type: IndicatorType) => {
    const kind = type === "ipv4" || type === "ipv6"
      ? "ip-address"
      : type === "domain"
      ? "domain"
      : type === "url"
      ? "url"
      : "file";
    const key = type === "url"
      ? Buffer.from(indicator).toString("base64url")
      : encodeURIComponent(indicator);
    return `https://www.virustotal.com/gui/${kind}/${key}`;
  };
  return httpProvider({
    name: "VirusTotal",
    variable: "VIRUSTOTAL_API_KEY",
    defaultBase: "https://www.virustotal.com/api/v3",
    types: ["ipv4", "ipv6", "domain", "url", "md5", "sha1", "sha256"],
    keyHeader: "x-apikey",
    url: (base, indicator, type) => `${base}/${collection(type)}/${id(indicator, type)}`,
    read(reply, indicator, type) {
      const reference = gui(indicator, type);
      const attributes = (reply.body as { data?: { attributes?: Record<string, unknown> } })?.data
        ?.attributes;
      if (!attributes) return empty(reference);
      const stats = (attributes.last_analysis_stats ?? {}) as Record<string, number>;
      const malicious = stats.malicious ?? 0;
      const suspicious = stats.suspicious ?? 0;
      const total = Object.values(stats).reduce((a, b) => a + (b ?? 0), 0);
      const verdict: Verdict = malicious >= 2
        ? "malicious"
        : malicious + suspicious >= 1
        ? "suspicious"
        : total > 0
        ? "harmless"
        : "unknown";
      return {
        status: "ok",
        verdict,
        severity: total > 0 ? Math.round((100 * (malicious + suspicious / 2)) / total) : null,
        details: {
          last_analysis_stats: stats,
          reputation: attributes.reputation ?? null,
          country: attributes.country ?? null,
          as_owner: attributes.as_owner ?? null,
          asn: attributes.asn ?? null,
          type_description: attributes.type_description ?? null,
          meaningful_name: attributes.meaningful_name ?? null,
          tags: attributes.tags ?? [],
          last_analysis_date: attributes.last_analysis_date ?? null,
        },
        reference,
      };
    },
  }, options);
}

/** AbuseIPDB v2 `check`: `Key` header; IP addresses only. */
export function abuseIpDb(
  options: HttpProviderOptions & { maxAgeInDays?: number } = {},
): TiProvider {
  checkOptions("abuseIpDb", options, ABUSEIPDB_OPTIONS);
  const days = options.maxAgeInDays ?? 90;
  return httpProvider({
    name: "AbuseIPDB",
    variable: "ABUSEIPDB_API_KEY",
    defaultBase: "https://api.abuseipdb.com/api/v2",
    types: ["ipv4", "ipv6"],
    keyHeader: "Key",
    url: (base, indicator) =>
      `${base}/check?ipAddress=${encodeURIComponent(indicator)}&maxAgeInDays=${days}`,
    read(reply, indicator) {
      const reference = `https://www.abuseipdb.com/check/${indicator}`;
      const d = (reply.body as { data?: Record<string, unknown> })?.data;
      if (!d) return empty(reference);
      const score = Number(d.abuseConfidenceScore ?? 0);
      const reports = Number(d.totalReports ?? 0);
      const verdict: Verdict = d.isWhitelisted === true
        ? "harmless"
        : score >= 75
        ? "malicious"
        : score >= 25
        ? "suspicious"
        : reports === 0
        ? "unknown"
        : "harmless";
      return {
        status: "ok",
        verdict,
        severity: score,
        details: {
          abuseConfidenceScore: score,
          totalReports: reports,
          numDistinctUsers: d.numDistinctUsers ?? null,
          lastReportedAt: d.lastReportedAt ?? null,
          countryCode: d.countryCode ?? null,
          usageType: d.usageType ?? null,
          isp: d.isp ?? null,
          domain: d.domain ?? null,
          isTor: d.isTor ?? null,
          isWhitelisted: d.isWhitelisted ?? null,
        },
        reference,
      };
    },
  }, options);
}

/** AlienVault OTX `indicators/{type}/{value}/general`: `X-OTX-API-KEY` header. */
export function otx(options: HttpProviderOptions = {}): TiProvider {
  checkOptions("otx", options, OTX_OPTIONS);
  const section = (indicator: string, type: IndicatorType) => {
    if (type === "ipv4") return "IPv4";
    if (type === "ipv6") return "IPv6";
    if (type === "url") return "url";
    if (type === "domain") {
      const parsed = parseDomain(indicator, { allowPrivateDomains: true });
      return parsed.domain === indicator ? "domain" : "hostname";
    }
    return "file";
  };
  const page = (type: IndicatorType) =>
    type === "ipv4" || type === "ipv6"
      ? "ip"
      : type === "domain"
      ? "domain"
      : type === "url"
      ? "url"
      : "file";
  return httpProvider({
    name: "OTX",
    variable: "OTX_API_KEY",
    defaultBase: "https://otx.alienvault.com/api/v1",
    types: ["ipv4", "ipv6", "domain", "url", "md5", "sha1", "sha256"],
    keyHeader: "X-OTX-API-KEY",
    url: (base, indicator, type) =>
      `${base}/indicators/${section(indicator, type)}/${encodeURIComponent(indicator)}/general`,
    read(reply, indicator, type) {
      const reference = `https://otx.alienvault.com/indicator/${page(type)}/${
        encodeURIComponent(indicator)
      }`;
      const body = reply.body as Record<string, unknown> | undefined;
      const info = body?.pulse_info as
        | { count?: number; pulses?: Array<Record<string, unknown>> }
        | undefined;
      if (!info) return empty(reference);
      const count = info.count ?? info.pulses?.length ?? 0;
      const pulses = (info.pulses ?? []).slice(0, 10);
      return {
        status: "ok",
        verdict: count >= 3 ? "malicious" : count >= 1 ? "suspicious" : "unknown",
        severity: Math.min(100, count * 20),
        details: {
          pulse_count: count,
          pulses: pulses.map((p) => p.name),
          tags: [...new Set(pulses.flatMap((p) => (p.tags as string[]) ?? []))],
          malware_families: [
            ...new Set(
              pulses.flatMap((p) =>
                ((p.malware_families as Array<{ display_name?: string } | string>) ?? []).map((m) =>
                  typeof m === "string" ? m : m.display_name
                )
              ),
            ),
          ],
          reputation: body?.reputation ?? null,
          country_code: body?.country_code ?? null,
          asn: body?.asn ?? null,
        },
        reference,
      };
    },
  }, options);
}

/** GreyNoise Community v3 `community/{ip}`: `key` header; IPv4 only. */
export function greyNoise(options: HttpProviderOptions = {}): TiProvider {
  checkOptions("greyNoise", options, GREYNOISE_OPTIONS);
  return httpProvider({
    name: "GreyNoise",
    variable: "GREYNOISE_API_KEY",
    defaultBase: "https://api.greynoise.io/v3",
    types: ["ipv4"],
    keyHeader: "key",
    url: (base, indicator) => `${base}/community/${encodeURIComponent(indicator)}`,
    read(reply, indicator) {
      const b = reply.body as Record<string, unknown> | undefined;
      const reference = typeof b?.link === "string"
        ? b.link
        : `https://viz.greynoise.io/ip/${indicator}`;
      if (!b || reply.status === 404) return empty(reference, { message: b?.message ?? null });
      const classification = String(b.classification ?? "unknown");
      const verdict: Verdict = classification === "malicious"
        ? "malicious"
        : classification === "benign" || b.riot === true
        ? "harmless"
        : b.noise === true
        ? "suspicious"
        : "unknown";
      return {
        status: "ok",
        verdict,
        severity: verdict === "malicious"
          ? 80
          : verdict === "suspicious"
          ? 40
          : verdict === "harmless"
          ? 0
          : null,
        details: {
          noise: b.noise ?? null,
          riot: b.riot ?? null,
          classification,
          name: b.name ?? null,
          last_seen: b.last_seen ?? null,
          message: b.message ?? null,
        },
        reference,
      };
    },
  }, options);
}
