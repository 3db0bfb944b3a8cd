/**
 * Outside data an investigator joins against the workspace: the HR system's staff export,
 * IT's high-value asset list, and a sector ISAC's STIX 2.1 threat-intel bundle that knows
 * some, not all, of the attacker's indicators.
 *
 * @module
 */
import { ANSWER_KEY } from "./_attack.ts";
import { at, iso, isoSeconds } from "./_clock.ts";
import type { Organisation } from "./_org.ts";
import { Prng } from "./_prng.ts";

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\n") + "\n";
}

function date(us: number): string {
  return iso(us).slice(0, 10);
}

const LEAVE_DATES: Readonly<Record<string, string>> = {
  "paul.fenwick": "2026-01-30",
  "anna.kowalski": "2026-02-13",
  "steve.dunn": "2026-02-27",
};

/** A leaver's last day (YYYY-MM-DD), as the HR export gives it. */
export function leaveDate(sam: string): string {
  return LEAVE_DATES[sam] ?? "2026-02-20";
}

/** The HR export: one row per employee (service accounts are not employees). */
export function hrEmployeesCsv(org: Organisation): string {
  const rows = org.users
    .filter((u) => u.jobTitle !== "Service Account")
    .map((u) => [
      u.employeeId,
      u.upn,
      u.display,
      u.given,
      u.surname,
      u.department,
      u.jobTitle,
      u.managerUpn ?? "",
      u.home.countryName,
      u.office,
      u.vip ? "true" : "false",
      u.enabled ? "Active" : "Leaver",
      date(u.created),
      u.enabled ? "" : leaveDate(u.sam),
    ]);
  return csv([
    "EmployeeId",
    "UserPrincipalName",
    "DisplayName",
    "GivenName",
    "Surname",
    "Department",
    "JobTitle",
    "ManagerUPN",
    "Country",
    "Office",
    "IsVIP",
    "EmploymentStatus",
    "HireDate",
    "LeaveDate",
  ], rows);
}

/** IT's list of high-value assets (the victim's workstation is, realistically, not on it). */
export function highValueAssetsCsv(org: Organisation): string {
  const rows: string[][] = [
    [
      "LKS-DC01",
      "10.10.1.10",
      "Domain controller",
      "IT Infrastructure",
      "Critical",
      "Restricted",
      "Tier 0",
    ],
    [
      "LKS-DC02",
      "10.10.1.11",
      "Domain controller",
      "IT Infrastructure",
      "Critical",
      "Restricted",
      "Tier 0",
    ],
    [
      "LKS-FS01",
      "10.10.1.20",
      "File server",
      "IT Infrastructure",
      "High",
      "Confidential",
      "Finance, HR and Board shares",
    ],
    [
      "LKS-SQL01",
      "10.10.1.30",
      "Database server",
      "IT Infrastructure",
      "High",
      "Confidential",
      "WMS and finance ERP databases",
    ],
    [
      "LKS-BKP01",
      "10.10.1.60",
      "Backup server",
      "IT Infrastructure",
      "High",
      "Restricted",
      "Nightly offsite copy to VaultLine",
    ],
    [
      "LKS-JUMP01",
      "10.10.1.70",
      "Admin jump host",
      "IT Infrastructure",
      "High",
      "Restricted",
      "Only admin accounts may log on",
    ],
    [
      "LKS-APP01",
      "10.10.1.31",
      "Application server",
      "Operations",
      "Medium",
      "Internal",
      "Warehouse management system",
    ],
    [
      "lks-sftp01",
      "10.10.2.10",
      "Partner SFTP (DMZ)",
      "IT Infrastructure",
      "Medium",
      "Confidential",
      "Internet-facing via 192.0.2.11:22",
    ],
    [
      "lks-web01",
      "10.10.2.20",
      "Customer tracking portal (DMZ)",
      "Digital",
      "Medium",
      "Internal",
      "Internet-facing via 192.0.2.12:443",
    ],
  ];
  for (const host of org.workstations) {
    const owner = host.primaryUser ? org.byUpn.get(host.primaryUser) : undefined;
    if (owner?.vip) {
      rows.push([
        host.name,
        host.ip,
        "Executive workstation",
        owner.display,
        "High",
        "Confidential",
        `VIP: ${owner.jobTitle}`,
      ]);
    }
  }
  return csv([
    "Hostname",
    "IPAddress",
    "Role",
    "Owner",
    "Criticality",
    "DataClassification",
    "Notes",
  ], rows);
}

/** How the ISAC labels each kind of indicator it shares about the campaign. */
const ISAC_NAMES: Readonly<Record<string, string>> = {
  ipv4: "EdgeSync infrastructure (password spray or C2)",
  domain: "EdgeSync C2 and payload domain",
  sha256: "EdgeSync loader masquerading as msedgeupdate.exe",
  email: "EdgeSync mail forwarding drop address",
};

const TLP_GREEN = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
const TLP_AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";

type Pattern = readonly [kind: string, value: string];

function pattern([kind, value]: Pattern): string {
  switch (kind) {
    case "ipv4":
      return `[ipv4-addr:value = '${value}']`;
    case "domain":
      return `[domain-name:value = '${value}']`;
    case "sha256":
      return `[file:hashes.'SHA-256' = '${value}']`;
    case "email":
      return `[email-addr:value = '${value}']`;
    default:
      return `[url:value = '${value}']`;
  }
}

/** The ISAC's STIX 2.1 bundle, as pretty JSON with a trailing newline. */
export function threatIntelBundle(seed: string): string {
  const rng = new Prng(`${seed}/stix`);
  const published = at(2026, 3, 14, 8, 30, 0);
  const stamp = (us: number) => `${isoSeconds(us).slice(0, 19)}.000Z`;
  const identity = `identity--${rng.guid()}`;
  const malware = `malware--${rng.guid()}`;
  const objects: Record<string, unknown>[] = [
    {
      type: "identity",
      spec_version: "2.1",
      id: identity,
      created: stamp(at(2025, 6, 2, 9, 0, 0)),
      modified: stamp(at(2025, 6, 2, 9, 0, 0)),
      name: "Logistics Sector ISAC",
      identity_class: "organization",
      sectors: ["transportation"],
    },
    {
      type: "malware",
      spec_version: "2.1",
      id: malware,
      created: stamp(published),
      modified: stamp(published),
      created_by_ref: identity,
      name: "EdgeSync loader",
      description: "PowerShell-delivered implant masquerading as the Microsoft Edge updater; " +
        "beacons over HTTPS about once a minute.",
      malware_types: ["remote-access-trojan"],
      is_family: true,
    },
  ];
  const indicator = (
    p: Pattern,
    name: string,
    description: string,
    validFrom: number,
    confidence: number,
    marking: string,
    types: readonly string[],
    linked: boolean,
  ) => {
    const id = `indicator--${rng.guid()}`;
    objects.push({
      type: "indicator",
      spec_version: "2.1",
      id,
      created: stamp(published),
      modified: stamp(published),
      created_by_ref: identity,
      name,
      description,
      indicator_types: types,
      pattern: pattern(p),
      pattern_type: "stix",
      valid_from: stamp(validFrom),
      confidence,
      object_marking_refs: [marking],
    });
    if (linked) {
      objects.push({
        type: "relationship",
        spec_version: "2.1",
        id: `relationship--${rng.guid()}`,
        created: stamp(published),
        modified: stamp(published),
        created_by_ref: identity,
        relationship_type: "indicates",
        source_ref: id,
        target_ref: malware,
      });
    }
  };
  for (const i of ANSWER_KEY.indicators) {
    if (!i.inStixFeed) continue;
    const seen = i.type === "ipv4" && i.value.startsWith("203.") ? at(2026, 2, 20) : at(2026, 3, 9);
    indicator(
      [i.type, i.value],
      ISAC_NAMES[i.type],
      "Shared by members after EdgeSync intrusions at two UK logistics companies.",
      seen,
      i.type === "email" ? 60 : 85,
      TLP_AMBER,
      i.type === "ipv4" && i.value.startsWith("203.")
        ? ["malicious-activity"]
        : ["malicious-activity", "attribution"],
      i.type === "sha256" || i.type === "domain",
    );
  }
  const words = ["parcel", "track", "invoice", "freight", "customs", "docs", "secure", "portal"];
  for (let k = 0; k < 22; k++) {
    const kind = rng.pick(["ipv4", "domain", "sha256", "url"] as const);
    const value = kind === "ipv4"
      ? `198.51.100.${121 + k}`
      : kind === "domain"
      ? `${rng.pick(words)}-${rng.pick(words)}${rng.range(2, 98)}.example`
      : kind === "sha256"
      ? rng.hex(64)
      : `https://${rng.pick(words)}-${rng.pick(words)}.example/${rng.hex(6)}/login`;
    indicator(
      [kind, value],
      `Sector phishing and malware infrastructure ${k + 1}`,
      "Shared by a member after a customs-themed phishing wave.",
      at(2026, 2, 1 + rng.int(27)),
      rng.range(40, 90),
      rng.chance(0.5) ? TLP_GREEN : TLP_AMBER,
      ["malicious-activity"],
      false,
    );
  }
  const bundle = { type: "bundle", id: `bundle--${rng.guid()}`, objects };
  return JSON.stringify(bundle, null, 2) + "\n";
}

/** The files under `external/`, with a line on each for the manifest. */
export const EXTERNAL_FILES = [
  {
    name: "hr_employees",
    file: "external/hr_employees.csv",
    description: "HR system export: employees, departments, managers, country, VIP flag, " +
      "employment status.",
  },
  {
    name: "high_value_assets",
    file: "external/high_value_assets.csv",
    description: "IT's high-value asset list: critical servers and executive workstations.",
  },
  {
    name: "threat_intel_feed",
    file: "external/threat_intel_feed.json",
    description: "Logistics Sector ISAC STIX 2.1 bundle (indicators shared on 2026-03-14).",
  },
] as const;
