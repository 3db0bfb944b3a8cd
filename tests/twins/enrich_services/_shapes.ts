/**
 * The providers' response bodies, in the shapes their public API documentation shows:
 * VirusTotal v3 objects and errors, AbuseIPDB v2 `check`, OTX `general` sections,
 * GreyNoise Community v3, RDAP (RFC 9083) IP networks and domains.
 *
 * @module
 */

/** What the loopback services know about one indicator. */
export interface Known {
  readonly malicious: number;
  readonly suspicious: number;
  readonly harmless: number;
  readonly abuseScore: number;
  readonly reports: number;
  readonly pulses: string[];
  readonly greynoise: "malicious" | "benign" | "unknown" | "unseen";
  readonly country: string;
  readonly asn: number;
  readonly asOwner: string;
}

/** The indicators the services know (the demo case's planted infrastructure, and a benign one). */
export const KNOWN: Record<string, Known> = {
  "203.0.113.45": {
    malicious: 9,
    suspicious: 2,
    harmless: 60,
    abuseScore: 100,
    reports: 1423,
    pulses: ["Password spray infrastructure", "IMAP brute force", "EdgeSync intrusions"],
    greynoise: "malicious",
    country: "BR",
    asn: 64496,
    asOwner: "Example Hosting Ltda",
  },
  "198.51.100.160": {
    malicious: 4,
    suspicious: 1,
    harmless: 62,
    abuseScore: 37,
    reports: 12,
    pulses: ["EdgeSync C2"],
    greynoise: "unseen",
    country: "NL",
    asn: 64500,
    asOwner: "Example Transit B.V.",
  },
  "8.8.8.8": {
    malicious: 0,
    suspicious: 0,
    harmless: 70,
    abuseScore: 0,
    reports: 3,
    pulses: [],
    greynoise: "benign",
    country: "US",
    asn: 15169,
    asOwner: "GOOGLE",
  },
  "cdn.edgeupdate-sync.example": {
    malicious: 12,
    suspicious: 1,
    harmless: 55,
    abuseScore: 0,
    reports: 0,
    pulses: ["EdgeSync C2", "Fake Edge updater"],
    greynoise: "unseen",
    country: "",
    asn: 0,
    asOwner: "",
  },
};

/** VirusTotal v3: an IP address, domain, URL or file object. */
export function vtObject(type: string, id: string, k: Known): unknown {
  const stats = {
    harmless: k.harmless,
    malicious: k.malicious,
    suspicious: k.suspicious,
    undetected: 11,
    timeout: 0,
  };
  return {
    data: {
      id,
      type,
      links: { self: `https://www.virustotal.com/api/v3/${type}s/${id}` },
      attributes: {
        last_analysis_date: 1773500000,
        last_analysis_stats: stats,
        last_analysis_results: {},
        reputation: -k.malicious * 3,
        tags: [],
        total_votes: { harmless: 0, malicious: k.malicious > 0 ? 2 : 0 },
        ...(type === "ip_address"
          ? { as_owner: k.asOwner, asn: k.asn, country: k.country, network: `${id}/24` }
          : {}),
      },
    },
  };
}

/** VirusTotal v3 error object. */
export function vtError(code: string, message: string): unknown {
  return { error: { code, message } };
}

/** AbuseIPDB v2 `check` data (any valid IP has one; unknown ones have no reports). */
export function abuseCheck(ip: string, k: Known | undefined): unknown {
  return {
    data: {
      ipAddress: ip,
      isPublic: true,
      ipVersion: ip.includes(":") ? 6 : 4,
      isWhitelisted: ip === "8.8.8.8",
      abuseConfidenceScore: k?.abuseScore ?? 0,
      countryCode: k?.country || null,
      usageType: k ? "Data Center/Web Hosting/Transit" : null,
      isp: k?.asOwner || null,
      domain: null,
      hostnames: [],
      isTor: false,
      totalReports: k?.reports ?? 0,
      numDistinctUsers: k ? Math.ceil(k.reports / 4) : 0,
      lastReportedAt: k?.reports ? "2026-03-12T08:14:02+00:00" : null,
    },
  };
}

/** AbuseIPDB v2 error list. */
export function abuseError(status: number, detail: string): unknown {
  return { errors: [{ detail, status }] };
}

/** OTX `indicators/{type}/{value}/general` (unknown indicators answer with no pulses). */
export function otxGeneral(indicator: string, type: string, k: Known | undefined): unknown {
  const pulses = (k?.pulses ?? []).map((name, i) => ({
    id: `65f0c0ffee${i}`,
    name,
    description: "",
    modified: "2026-03-14T08:30:00.000000",
    created: "2026-03-14T08:30:00.000000",
    tags: ["edgesync", "logistics"],
    references: [],
    public: 1,
    adversary: "",
    targeted_countries: ["United Kingdom of Great Britain and Northern Ireland"],
    malware_families: [{ id: "EdgeSync", display_name: "EdgeSync", target: null }],
    attack_ids: [],
    industries: ["transportation"],
    TLP: "white",
  }));
  return {
    whois: `http://whois.domaintools.com/${indicator}`,
    reputation: 0,
    indicator,
    type,
    type_title: type,
    base_indicator: {},
    pulse_info: { count: pulses.length, pulses, references: [], related: {} },
    false_positive: [],
    validation: [],
    asn: k?.asn ? `AS${k.asn} ${k.asOwner.toLowerCase()}` : null,
    country_code: k?.country || null,
    sections: [
      "general",
      "geo",
      "reputation",
      "url_list",
      "passive_dns",
      "malware",
      "nids_list",
      "http_scans",
    ],
  };
}

/** GreyNoise Community v3 answer (200) or "not observed" (404). */
export function greyNoiseCommunity(
  ip: string,
  k: Known | undefined,
): { status: number; body: unknown } {
  if (!k || k.greynoise === "unseen") {
    return {
      status: 404,
      body: {
        ip,
        noise: false,
        riot: false,
        message: "IP not observed scanning the internet or contained in RIOT data set.",
      },
    };
  }
  return {
    status: 200,
    body: {
      ip,
      noise: k.greynoise !== "benign",
      riot: k.greynoise === "benign",
      classification: k.greynoise,
      name: k.greynoise === "benign" ? "Google Public DNS" : "unknown",
      link: `https://viz.greynoise.io/ip/${ip}`,
      last_seen: "2026-03-12",
      message: "Success",
    },
  };
}
