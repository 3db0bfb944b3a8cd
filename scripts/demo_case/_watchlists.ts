/**
 * Sentinel watchlists of the workspace, as files under `watchlists/` that the local
 * provider serves to `_GetWatchlist('<alias>')` (the alias matched loosely against the
 * manifest name, so `VIPUsers` finds `vip_users`). The first column is the search key.
 * VIP users follow Microsoft's "VIP Users" watchlist template; the high-value asset list is
 * IT's `external/high_value_assets.csv`, which `_GetWatchlist('HighValueAssets')` serves.
 * Terminated Employees, Service Accounts, Network Addresses and Identity Correlation follow
 * Microsoft's templates of those names (columns from "Microsoft Sentinel built-in watchlist
 * template schemas", the search key moved first), filled only from what the case knows.
 *
 * @module
 */
import { leaveDate } from "./_external.ts";
import { ORG, type Organisation } from "./_org.ts";

function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (v: string) => /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\n") + "\n";
}

/** Accounts on the VIP watchlist beyond the HR VIP flag: Global Administrators. */
const PRIVILEGED_VIPS: Readonly<Record<string, string>> = {
  "nadia.brooks": "Global Administrator",
};

/** The VIP users watchlist: executives (HR's VIP flag) and Global Administrators. */
export function vipUsersCsv(org: Organisation): string {
  const rows = org.users
    .filter((u) => u.enabled && (u.vip || PRIVILEGED_VIPS[u.sam] !== undefined))
    .map((u) => [
      u.upn,
      u.sam,
      u.objectId,
      u.sid,
      u.vip ? `Executive, ${u.jobTitle}` : PRIVILEGED_VIPS[u.sam],
    ]);
  return csv(
    ["User Principal Name", "User Identifier", "User AAD Object Id", "User On-Prem Sid", "Tags"],
    rows,
  );
}

/** The emergency-access accounts: cloud-only Global Administrators nobody should use. */
export const BREAK_GLASS_ACCOUNTS = [
  ["breakglass01@larkspurlogistics.onmicrosoft.com", "a7d3e9f1-2b6c-4d80-9e15-7c4f0a2b8d63"],
  ["breakglass02@larkspurlogistics.onmicrosoft.com", "c1f8b2a6-5e3d-4c97-8a40-1d6e9f3b7c25"],
] as const;

/** The break-glass accounts watchlist. */
export function breakGlassCsv(): string {
  return csv(
    // AccountUPN: the column Microsoft's break-glass hunting queries read
    // (Azure-Sentinel "Break-glass account sign-in detected").
    ["AccountUPN", "ObjectId", "Notes"],
    BREAK_GLASS_ACCOUNTS.map(([upn, id]) => [
      upn,
      id,
      `Emergency access for ${ORG.name}: any sign-in must be investigated`,
    ]),
  );
}

/**
 * The Terminated Employees template: HR's leavers (disabled accounts). The HR export has no
 * notice date, so the optional "Notification date" stays empty.
 */
export function terminatedEmployeesCsv(org: Organisation): string {
  const rows = org.users
    .filter((u) => !u.enabled && u.jobTitle !== "Service Account")
    .map((u) => [
      u.upn,
      u.sam,
      u.objectId,
      u.sid,
      "Terminated",
      "",
      leaveDate(u.sam),
      JSON.stringify([u.department]),
    ]);
  return csv([
    "User Principal Name",
    "User Identifier",
    "User AAD Object Id",
    "User On-Prem Sid",
    "UserState",
    "Notification date",
    "Termination date",
    "Tags",
  ], rows);
}

/**
 * The service accounts the workspace sees, as the tables show them: the scan-to-email mailbox
 * (a cloud user) and the on-premises svc-backup, svc-inventory and svc-wms (their SIDs are the
 * ones SecurityEvent logs). svc-helpdesk is the intruder's and is, rightly, absent.
 */
const SERVICE_ACCOUNTS = [
  { sam: "svc-scan", rid: null, owner: "nadia.brooks", tags: ["Scan to email", "Facilities"] },
  { sam: "svc-backup", rid: 1201, owner: "tom.harper", tags: ["Backup", "LKS-BKP01"] },
  { sam: "svc-inventory", rid: 1202, owner: "tom.harper", tags: ["Software inventory"] },
  { sam: "svc-wms", rid: 1607, owner: "aisha.khan", tags: ["Warehouse management"] },
] as const;

/** The Service Accounts template: each service account and the IT person who owns it. */
export function serviceAccountsCsv(org: Organisation): string {
  const rows = SERVICE_ACCOUNTS.map((a) => {
    const cloud = org.byUpn.get(`${a.sam}@${ORG.domain}`);
    const owner = org.byUpn.get(`${a.owner}@${ORG.domain}`)!;
    return [
      `${a.sam}@${ORG.domain}`,
      a.sam,
      cloud?.objectId ?? "",
      cloud?.sid ?? `${ORG.domainSid}-${a.rid}`,
      owner.sam,
      owner.objectId,
      owner.sid,
      owner.upn,
      JSON.stringify(a.tags),
    ];
  });
  return csv([
    "Service Principal Name",
    "Service Identifier",
    "Service AAD Object Id",
    "Service On-Prem Sid",
    "Owner User Identifier",
    "Owner User AAD Object Id",
    "Owner User On-Prem Sid",
    "Owner User Principal Name",
    "Tags",
  ], rows);
}

/** The Network Addresses template: the office networks the case's hosts live in. */
export function networkAddressesCsv(): string {
  return csv(["IP Subnet", "Range Name", "Tags"], [
    ["10.10.1.0/24", "Server LAN", '["London HQ","Servers"]'],
    ["10.10.2.0/24", "DMZ", '["London HQ","Internet-facing"]'],
    ["10.20.0.0/16", "Workstation LAN", '["Workstations"]'],
    ["10.30.0.0/16", "Thin clients", '["Remote desktop clients of LKS-RDS01"]'],
    [`${ORG.egress.london}/32`, "London HQ egress", '["NAT","Public"]'],
    [`${ORG.egress.manchester}/32`, "Manchester Depot egress", '["NAT","Public"]'],
  ]);
}

/**
 * The Identity Correlation template: IT staff whose privileged on-premises `adm-` account
 * belongs to the same person (that account has no Entra ID UPN; its AD implicit UPN is given).
 */
export function identityCorrelationCsv(org: Organisation): string {
  const rows = org.users
    .filter((u) => u.enabled && u.adminSam !== null)
    .map((u) => [
      u.upn,
      u.sam,
      u.objectId,
      u.sid,
      u.employeeId,
      u.upn,
      u.adminSid ?? "",
      `${u.adminSam}@${ORG.adDomain}`,
      '["Administrator"]',
    ]);
  return csv([
    "User Principal Name",
    "User Identifier",
    "User AAD Object Id",
    "User On-Prem Sid",
    "Employee Id",
    "Email",
    "Associated Privileged Account ID",
    "Associated Privileged Account",
    "Tags",
  ], rows);
}

/**
 * The `Accounts` watchlist real rules read (Azure-Sentinel "User added to Microsoft Entra ID
 * Privileged Groups": `_GetWatchlist('Accounts') | project Users`, the users allowed to be
 * added to privileged roles). Not a Microsoft template: a tenant makes it by hand, so it holds
 * the four IT staff who hold an Entra ID role (the roles IdentityInfo lists for them).
 */
const PRIVILEGED_ROLES: ReadonlyArray<readonly [string, string]> = [
  ["nadia.brooks", "Global Administrator"],
  ["tom.harper", "Exchange Administrator; User Administrator"],
  ["aisha.khan", "Intune Administrator"],
  ["liam.oconnor", "Helpdesk Administrator"],
];

/** The `Accounts` watchlist: users allowed to hold privileged Entra ID roles. */
export function accountsCsv(org: Organisation): string {
  return csv(
    ["Users", "Display Name", "Roles"],
    PRIVILEGED_ROLES.map(([sam, roles]) => {
      const user = org.byUpn.get(`${sam}@${ORG.domain}`)!;
      return [user.upn, user.display, roles];
    }),
  );
}

/**
 * The DNS Essentials solution's configuration watchlist, exactly as the solution installs it
 * (Azure-Sentinel `Solutions/DNS Essentials/Watchlists/DNS_Solution_Monitoring_Configuration.json`,
 * its `rawContent`): the thresholds its rules read with
 * `_GetWatchlist('DNS_Solution_Monitoring_Configuration') | where wl_RuleName == ...`.
 */
export function dnsSolutionConfigurationCsv(): string {
  const rule = (name: string, type: string, threshold: string, anomaly: string) => [
    name,
    type,
    threshold,
    anomaly,
  ];
  return csv(["wl_RuleName", "wl_Type", "wl_Threshold", "wl_AnomalyThreshold"], [
    rule("Potential DGA(Domain Generation Algorithm) detected", "Detection", "100", "NA"),
    rule("Excessive NXDOMAIN DNS Queries", "Detection", "200", "NA"),
    rule("Multiple errors reported for same DNSQuery", "Detection", "2", "NA"),
    rule("Rare client observed with high reverse DNS lookup", "Detection", "10", "NA"),
    rule("Anomaly - Potential DGA(Domain Generation Algorithm) detected", "Detection", "NA", "2.5"),
    rule("Anomaly - Excessive NXDOMAIN DNS Queries", "Detection", "NA", "2.5"),
    rule("Anomaly - Multiple errors reported for same DNSQuery", "Detection", "NA", "2.5"),
    rule("Anomaly - Rare client observed with high reverse DNS lookup", "Detection", "NA", "2.5"),
    rule("Anomaly - Anomalous Increase in DNS activity by Clients", "Hunting", "NA", "2.5"),
  ]);
}

/**
 * The DNS Essentials solution's domain IOC watchlist (`_GetWatchlist('DNS_Solution_Domain_IOCs')`,
 * the columns its "DNS request to known domain IOCs" rule reads), filled by the SOC with the
 * domain indicators of the sector ISAC's feed (`external/threat_intel_feed.json`, a STIX bundle).
 */
export function dnsDomainIocsCsv(bundleJson: string): string {
  const bundle = JSON.parse(bundleJson) as {
    objects: { type: string; pattern?: string; name?: string; description?: string }[];
  };
  const rows = bundle.objects.flatMap((o) => {
    const domain = /^\[domain-name:value = '([^']+)'\]$/.exec(o.pattern ?? "")?.[1];
    if (o.type !== "indicator" || domain === undefined) return [];
    const edgeSync = o.name?.startsWith("EdgeSync") ?? false;
    return [[
      domain,
      o.name ?? domain,
      o.description ?? "",
      "Detection",
      "Static",
      "0",
      edgeSync ? "High" : "Medium",
      edgeSync ? "CommandAndControl" : "InitialAccess",
      "TRUE",
    ]];
  });
  return csv([
    "wl_DNSDomain",
    "wl_Name",
    "wl_Description",
    "wl_Type",
    "wl_ThresholdType",
    "wl_Threshold",
    "wl_Severity",
    "wl_Tactic",
    "wl_Enabled",
  ], rows);
}

/** The watchlist CSVs by file name under `watchlists/`. */
export function watchlistCsvs(org: Organisation): Readonly<Record<string, string>> {
  return {
    "vip_users.csv": vipUsersCsv(org),
    "break_glass_accounts.csv": breakGlassCsv(),
    "terminated_employees.csv": terminatedEmployeesCsv(org),
    "service_accounts.csv": serviceAccountsCsv(org),
    "network_addresses.csv": networkAddressesCsv(),
    "identity_correlation.csv": identityCorrelationCsv(org),
    "accounts.csv": accountsCsv(org),
    "dns_solution_monitoring_configuration.csv": dnsSolutionConfigurationCsv(),
  };
}

/** The answer key's section on the watchlist templates. */
export function watchlistAnswerLines(org: Organisation): string[] {
  const leavers = org.users.filter((u) => !u.enabled && u.jobTitle !== "Service Account");
  const admins = org.users.filter((u) => u.enabled && u.adminSam !== null);
  return [
    "## Watchlist templates",
    "",
    "Microsoft Sentinel's watchlist templates, filled from the case (the first column is the " +
    "search key):",
    "",
    `- \`_GetWatchlist('TerminatedEmployees')\`: the ${leavers.length} leavers of ` +
    "`external/hr_employees.csv`, UserState `Terminated`, Termination date = LeaveDate. " +
    "In SigninLogs the only leavers' sign-ins are the spray's 9 attempts (ResultType 50057) " +
    "on paul.fenwick, anna.kowalski and steve.dunn, one from each of 203.0.113.61, " +
    "203.0.113.88 and 203.0.113.45.",
    "- `_GetWatchlist('ServiceAccounts')`: svc-scan, svc-backup, svc-inventory and svc-wms " +
    "with their IT owners. svc-helpdesk, created by the intruder on LKS-WS-1042, is not on it.",
    "- `_GetWatchlist('NetworkAddresses')`: 10.10.1.0/24 Server LAN, 10.10.2.0/24 DMZ, " +
    "10.20.0.0/16 Workstation LAN, 10.30.0.0/16 Thin clients and the two office egress " +
    "addresses.",
    `- \`_GetWatchlist('IdentityCorrelation')\`: the ${admins.length} IT staff with a ` +
    "privileged `adm-` account, linked to it by SID and AD UPN.",
    "- `_GetWatchlist('Accounts')`: the users allowed to hold privileged Entra ID roles " +
    "(column `Users`): nadia.brooks (Global Administrator), tom.harper, aisha.khan and " +
    "liam.oconnor. No role is assigned during the case.",
    "- `_GetWatchlist('DNS_Solution_Monitoring_Configuration')`: the DNS Essentials " +
    "solution's thresholds as it installs them (for example `Excessive NXDOMAIN DNS Queries`, " +
    "wl_Threshold 200); `_GetWatchlist('DNS_Solution_Domain_IOCs')`: the SOC loaded the " +
    "ISAC feed's domain indicators into it, the C2 domain cdn.edgeupdate-sync.example among " +
    "them, so the solution's \"DNS request to known domain IOCs\" rule finds LKS-WS-1042's " +
    "lookups of it.",
    "",
    "```kql",
    "SigninLogs",
    "| join kind=inner (_GetWatchlist('TerminatedEmployees')",
    "    | project UserPrincipalName = SearchKey, ['Termination date']) on UserPrincipalName",
    "| summarize Attempts = count() by UserPrincipalName, ResultType",
    "```",
    "",
  ];
}

/** The watchlist files, with a line on each for the manifest. */
export const WATCHLIST_FILES = [
  {
    name: "vip_users",
    file: "watchlists/vip_users.csv",
    description: "Watchlist VIPUsers (`_GetWatchlist('VIPUsers')`): executives and Global " +
      "Administrators, search key User Principal Name.",
  },
  {
    name: "break_glass_accounts",
    file: "watchlists/break_glass_accounts.csv",
    description: "Watchlist BreakGlassAccounts (`_GetWatchlist('BreakGlassAccounts')`): the " +
      "emergency-access accounts, search key AccountUPN.",
  },
  {
    name: "terminated_employees",
    file: "watchlists/terminated_employees.csv",
    description: "Watchlist TerminatedEmployees (`_GetWatchlist('TerminatedEmployees')`, " +
      "Microsoft's Terminated Employees template): HR's leavers, search key User Principal Name.",
  },
  {
    name: "service_accounts",
    file: "watchlists/service_accounts.csv",
    description: "Watchlist ServiceAccounts (`_GetWatchlist('ServiceAccounts')`, Microsoft's " +
      "Service Accounts template): service accounts and owners, search key Service Principal Name.",
  },
  {
    name: "network_addresses",
    file: "watchlists/network_addresses.csv",
    description: "Watchlist NetworkAddresses (`_GetWatchlist('NetworkAddresses')`, Microsoft's " +
      "Network Addresses template): the office subnets, search key IP Subnet.",
  },
  {
    name: "identity_correlation",
    file: "watchlists/identity_correlation.csv",
    description: "Watchlist IdentityCorrelation (`_GetWatchlist('IdentityCorrelation')`, " +
      "Microsoft's Identity Correlation template): IT staff and their adm- accounts, search " +
      "key User Principal Name.",
  },
  {
    name: "accounts",
    file: "watchlists/accounts.csv",
    description: "Watchlist Accounts (`_GetWatchlist('Accounts')`): the users allowed to hold " +
      "privileged Entra ID roles, search key Users.",
  },
  {
    name: "dns_solution_domain_iocs",
    file: "watchlists/dns_solution_domain_iocs.csv",
    description: "Watchlist DNS_Solution_Domain_IOCs (the DNS Essentials solution's domain " +
      "IOCs): the sector ISAC feed's domain indicators, search key wl_DNSDomain.",
  },
  {
    name: "dns_solution_monitoring_configuration",
    file: "watchlists/dns_solution_monitoring_configuration.csv",
    description: "Watchlist DNS_Solution_Monitoring_Configuration (the DNS Essentials " +
      "solution's thresholds, as it installs them), search key wl_RuleName.",
  },
] as const;
