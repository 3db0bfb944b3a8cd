/**
 * The shared vocabulary of threat-intel lookups: indicator types, verdicts, per-row
 * statuses and the provider interface every source implements.
 *
 * @module
 */
import { parse as parseDomain } from "tldts";
import { formatIpv6, parseIpv4, parseIpv6 } from "./_ip.ts";
import { refang } from "./_refang.ts";

/** The indicator types threat intel is looked up for. */
export const INDICATOR_TYPES = [
  "ipv4",
  "ipv6",
  "domain",
  "url",
  "email",
  "md5",
  "sha1",
  "sha256",
] as const;

/** An indicator type. */
export type IndicatorType = typeof INDICATOR_TYPES[number];

/** What a provider thinks of an indicator. */
export type Verdict = "malicious" | "suspicious" | "harmless" | "unknown";

/**
 * How one lookup went: "ok" (the provider knows it), "not-found" (it does not), "no-key"
 * (the provider needs an API key), "rate-limited", "timeout", "error" (the provider
 * failed or is down), "invalid" (not an indicator).
 */
export type TiStatus =
  | "ok"
  | "not-found"
  | "no-key"
  | "rate-limited"
  | "timeout"
  | "error"
  | "invalid"
  | "unsupported";

/** What a provider answers for one indicator. */
export interface TiAnswer {
  /** Whether the provider knows the indicator. */
  readonly status: "ok" | "not-found";
  /** What the provider says of it. */
  readonly verdict: Verdict;
  /** 0 (benign) to 100 (certainly malicious), as far as the provider says. */
  readonly severity: number | null;
  /** Provider-specific facts (JSON-serialisable). */
  readonly details: Record<string, unknown>;
  /** Where a person can read more. */
  readonly reference: string | null;
}

/** One source of threat intel. */
export interface TiProvider {
  /** Its name in the `provider` column. */
  readonly name: string;
  /** The indicator types it can look up. */
  readonly types: readonly IndicatorType[];
  /** How long its answers may be cached (ms); 0 for local feeds, which need no cache. */
  readonly cacheTtlMs: number;
  /** Most lookups in flight at once. */
  readonly concurrency: number;
  /** Why it cannot be used (e.g. "set VIRUSTOTAL_API_KEY"), or undefined when it can. */
  unavailable(): string | undefined;
  /** Looks one indicator up; throws EnrichmentProviderError when the provider fails. */
  lookup(indicator: string, type: IndicatorType, signal: AbortSignal): Promise<TiAnswer>;
}

/** An indicator and its type, normalised (refanged, lower-case, canonical IPv6). */
export interface TypedIndicator {
  readonly value: string;
  readonly type: IndicatorType;
}

/** The type and normal form of `raw`, or undefined when it is no indicator. */
export function typeIndicator(raw: string, type?: IndicatorType): TypedIndicator | undefined {
  const text = refang(raw.trim());
  if (text.length === 0) return undefined;
  const t = type ?? inferType(text);
  if (t === undefined) return undefined;
  switch (t) {
    case "ipv4":
      return parseIpv4(text) === undefined ? undefined : { value: text, type: t };
    case "ipv6": {
      const groups = parseIpv6(text.replace(/^\[|\]$/g, ""));
      return groups ? { value: formatIpv6(groups), type: t } : undefined;
    }
    case "md5":
    case "sha1":
    case "sha256": {
      const len = { md5: 32, sha1: 40, sha256: 64 }[t];
      return new RegExp(`^[0-9a-f]{${len}}$`, "i").test(text)
        ? { value: text.toLowerCase(), type: t }
        : undefined;
    }
    case "domain": {
      const host = text.toLowerCase().replace(/\.$/, "");
      const parsed = parseDomain(host, { allowPrivateDomains: true });
      return parsed.hostname === host && !parsed.isIp && host.includes(".")
        ? { value: host, type: t }
        : undefined;
    }
    case "url":
      return /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(text) ? { value: text, type: t } : undefined;
    case "email": {
      const at = text.lastIndexOf("@");
      return at > 0 && at < text.length - 3
        ? { value: `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}`, type: t }
        : undefined;
    }
  }
}

function inferType(text: string): IndicatorType | undefined {
  if (parseIpv4(text) !== undefined) return "ipv4";
  if (text.includes(":") && !text.includes("/") && parseIpv6(text.replace(/^\[|\]$/g, ""))) {
    return "ipv6";
  }
  if (/^[0-9a-f]+$/i.test(text)) {
    if (text.length === 32) return "md5";
    if (text.length === 40) return "sha1";
    if (text.length === 64) return "sha256";
    return undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return "url";
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text)) return "email";
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/i.test(text)) return "domain";
  return undefined;
}
