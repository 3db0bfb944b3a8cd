/**
 * Ordinary threat intelligence and alerts: the workspace's ThreatIntelligenceIndicator
 * feed (mostly unrelated indicators, a few of the attacker's), and the true-but-benign
 * alerts every workspace has (travellers, VPNs, internet noise, admin tools).
 *
 * @module
 */
import { INVENTORY_COMMAND } from "./_catalog.ts";
import { at, DAY, DAYS, HOUR, MINUTE, START } from "./_clock.ts";
import { alertRow, indicatorRow, PRODUCTS } from "./_intel.ts";
import { planUserDay } from "./_benign_identity.ts";
import { ORG, type Organisation, SCANNERS, SSH_GUESSERS } from "./_org.ts";
import { hash32, Prng } from "./_prng.ts";
import { simulatePerimeter } from "./_sim_network.ts";
import type { Row } from "./_table.ts";

const WORDS = [
  "secure",
  "login",
  "verify",
  "account",
  "update",
  "office",
  "docs",
  "share",
  "cloud",
  "portal",
  "mail",
  "invoice",
  "parcel",
  "track",
  "delivery",
  "support",
  "billing",
  "auth",
  "sync",
  "files",
  "drive",
  "pay",
  "notice",
  "service",
  "online",
  "check",
  "review",
  "doc",
];

function fakeDomain(rng: Prng): string {
  return `${rng.pick(WORDS)}-${rng.pick(WORDS)}${rng.range(1, 99)}.example`;
}

/** Unrelated indicators the workspace's feeds carry, plus three of the attacker's. */
export function threatIntelRows(seed: string): Row[] {
  const rng = new Prng(`${seed}/ti`);
  const rows: Row[] = [];
  const feeds = [
    ["Microsoft Defender Threat Intelligence", "Microsoft"],
    ["AbuseFeeds TAXII", "AbuseFeeds"],
  ] as const;
  const add = (
    time: number,
    kind: "ip" | "domain" | "url" | "sha256",
    value: string,
    threatType: string,
    description: string,
    confidence: number,
    feed: readonly [string, string],
  ) => {
    rows.push(indicatorRow({
      time,
      id: rng.hex(64),
      externalId: `indicator--${rng.guid()}`,
      description,
      kind,
      value,
      confidence,
      expires: time + (kind === "ip" ? 30 : 90) * DAY,
      provider: feed[0],
      threatType,
      severity: rng.range(2, 4),
      tlp: rng.chance(0.7) ? "Green" : "Amber",
      tags: [feed[1], threatType.toLowerCase()],
    }));
  };
  const batch = () =>
    START + rng.int(DAYS) * DAY + (rng.chance(0.5) ? 15 : 12 * 60 + 15) * MINUTE +
    rng.int(5 * MINUTE);
  for (const [ip] of SCANNERS.filter((_, i) => i % 2 === 0)) {
    add(
      batch(),
      "ip",
      ip,
      "WatchList",
      "Mass internet scanning source",
      rng.range(40, 70),
      feeds[1],
    );
  }
  for (const [ip] of SSH_GUESSERS.filter((_, i) => i % 3 !== 0)) {
    add(batch(), "ip", ip, "Botnet", "SSH brute force source", rng.range(50, 80), feeds[1]);
  }
  for (let i = 0; i < 60; i++) {
    add(
      batch(),
      "ip",
      `198.51.100.${30 + i}`,
      rng.pick(["Botnet", "C2", "Proxy", "Malware"]),
      "Observed in commodity malware infrastructure",
      rng.range(30, 90),
      rng.pick(feeds),
    );
  }
  for (let i = 0; i < 70; i++) {
    const domain = fakeDomain(rng);
    add(
      batch(),
      "domain",
      domain,
      rng.pick(["Phishing", "MaliciousUrl", "C2", "Malware"]),
      "Domain associated with credential phishing or malware delivery",
      rng.range(40, 95),
      rng.pick(feeds),
    );
  }
  for (let i = 0; i < 30; i++) {
    add(
      batch(),
      "url",
      `https://${fakeDomain(rng)}/${rng.pick(WORDS)}/${rng.hex(8)}`,
      "Phishing",
      "Credential phishing page imitating a Microsoft 365 sign-in",
      rng.range(50, 95),
      feeds[0],
    );
  }
  for (let i = 0; i < 40; i++) {
    add(
      batch(),
      "sha256",
      rng.hex(64),
      "Malware",
      "Commodity loader sample",
      rng.range(60, 95),
      feeds[0],
    );
  }
  // The attacker's infrastructure the workspace feeds happen to know, and when they learnt it.
  add(
    at(2026, 3, 5, 12, 16, 40),
    "ip",
    "203.0.113.61",
    "Botnet",
    "Password spray infrastructure targeting Microsoft 365 tenants",
    80,
    feeds[1],
  );
  add(
    at(2026, 3, 11, 12, 17, 2),
    "ip",
    "203.0.113.88",
    "Botnet",
    "Password spray infrastructure targeting Microsoft 365 tenants",
    75,
    feeds[1],
  );
  add(
    at(2026, 3, 14, 0, 16, 9),
    "domain",
    "datapipe-metrics.example",
    "C2",
    "DNS tunnelling endpoint used for data theft",
    70,
    feeds[0],
  );
  return rows;
}

/** True-positive-but-benign alerts, the background an analyst triages every week. */
export function benignAlertRows(org: Organisation, seed: string): Row[] {
  const rng = new Prng(`${seed}/benign-alerts`);
  const rows: Row[] = [];
  const ids = () => [rng.guid(), `da${rng.hex(16)}_${rng.range(100000000, 999999999)}`] as const;
  const account = (upn: string) => {
    const u = org.byUpn.get(upn)!;
    return { Type: "account", Name: u.sam, UPNSuffix: ORG.domain, AadUserId: u.objectId };
  };
  const james = `james.okafor@${ORG.domain}`;
  const trip = org.trips.find((t) => t.upn === james)!;
  const tripIp = `${trip.ipPrefix}.${10 + (hash32(`${james}/${trip.from}`) % 200)}`;
  let [system, vendor] = ids();
  const t1 = START + trip.from * DAY + 14 * HOUR + 20 * MINUTE;
  rows.push(alertRow({
    time: t1,
    name: "Unfamiliar sign-in properties",
    severity: "Low",
    description: "The sign-in had properties not seen recently for this user.",
    product: PRODUCTS.identityProtection,
    alertType: "UnfamiliarLocation",
    start: t1 - 40 * MINUTE,
    end: t1 - 40 * MINUTE,
    entities: [account(james), { Type: "ip", Address: tripIp }],
    compromised: james,
    tactics: "InitialAccess",
    techniques: ["T1078"],
    remediation: ["Confirm the sign-in with the user."],
    extended: { "Risk level": "medium", Location: "Chicago, Illinois, US" },
    systemAlertId: system,
    vendorId: vendor,
  }));
  const ethan = org.byUpn.get(`ethan.clarke@${ORG.domain}`)!;
  for (let day = 0; day < DAYS; day++) {
    const plan = planUserDay({ org, day, dayStart: START + day * DAY, seed }, ethan);
    if (!plan.present || plan.where !== "vpn") continue;
    [system, vendor] = ids();
    rows.push(alertRow({
      time: plan.start + 25 * MINUTE,
      name: "Anonymous IP address",
      severity: "Low",
      description: "Sign-in from an anonymous IP address (for example, a VPN or Tor exit).",
      product: PRODUCTS.identityProtection,
      alertType: "AnonymousLogin",
      start: plan.start,
      end: plan.start,
      entities: [account(ethan.upn), { Type: "ip", Address: plan.ip }],
      compromised: ethan.upn,
      tactics: "InitialAccess",
      techniques: ["T1078"],
      remediation: ["Confirm the sign-in with the user."],
      extended: { "Risk level": "low" },
      systemAlertId: system,
      vendorId: vendor,
    }));
    break;
  }
  [system, vendor] = ids();
  const t3 = at(2026, 3, 3, 6, 24, 10);
  const sql = org.byHost.get("LKS-SQL01")!;
  rows.push(alertRow({
    time: t3,
    name: "Suspicious PowerShell command line",
    severity: "Low",
    description: "A suspicious PowerShell activity was observed on the machine. The command " +
      "line uses an encoded command.",
    product: PRODUCTS.defenderEndpoint,
    alertType: "WindowsDefenderAtp",
    start: t3 - 15 * MINUTE,
    end: t3 - 15 * MINUTE,
    entities: [
      {
        Type: "host",
        HostName: sql.name.toLowerCase(),
        DnsDomain: ORG.adDomain,
        OSFamily: "Windows",
      },
      { Type: "process", CommandLine: INVENTORY_COMMAND, ProcessId: "5312" },
    ],
    compromised: sql.fqdn.toLowerCase(),
    tactics: "Execution",
    techniques: ["T1059.001"],
    remediation: ["Review the machine timeline for other suspicious activity."],
    extended: { MachineGroup: "Servers", Category: "Execution" },
    systemAlertId: system,
    vendorId: vendor,
  }));
  const sftp = org.byHost.get("lks-sftp01")!;
  for (const day of [0, 3, 5, 9, 12]) {
    const perimeter = simulatePerimeter(day, seed, org.scale);
    const byIp = new Map<string, number[]>();
    for (const a of perimeter.ssh) {
      if (a.success) continue;
      const list = byIp.get(a.ip) ?? [];
      list.push(a.time);
      byIp.set(a.ip, list);
    }
    const [ip, times] = [...byIp.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    [system, vendor] = ids();
    rows.push(alertRow({
      time: times[times.length - 1] + 20 * MINUTE,
      name: "Failed SSH brute force attack",
      severity: "Medium",
      description: `Failed brute force attacks were detected from ${ip} against lks-sftp01: ` +
        `${times.length} attempts.`,
      product: PRODUCTS.defenderServers,
      alertType: "SSH_BruteForce",
      start: times[0],
      end: times[times.length - 1],
      entities: [
        { Type: "host", HostName: sftp.name, OSFamily: "Linux" },
        { Type: "ip", Address: ip },
      ],
      compromised: sftp.name,
      tactics: "PreAttack",
      techniques: ["T1110"],
      remediation: ["Restrict SSH to the partners' addresses."],
      extended: { "Number of failed authentication attempts": String(times.length) },
      systemAlertId: system,
      vendorId: vendor,
    }));
  }
  [system, vendor] = ids();
  const graham = `graham.whitfield@${ORG.domain}`;
  const t6 = at(2026, 3, 7, 18, 2, 44);
  rows.push(alertRow({
    time: t6,
    name: "Suspicious inbox manipulation rule",
    severity: "Low",
    description: "A user created an inbox rule that redirects messages containing payment " +
      "keywords.",
    product: PRODUCTS.cloudApps,
    alertType: "SUSPICIOUS_INBOX_MANIPULATION_RULE",
    start: t6 - 45 * MINUTE,
    end: t6 - 45 * MINUTE,
    entities: [account(graham), { Type: "mailbox", MailboxPrimaryAddress: graham }],
    compromised: graham,
    tactics: "Collection",
    techniques: ["T1114"],
    remediation: ["Review the rule with the user."],
    extended: { "Redirect address": `helen.marsh@${ORG.domain}` },
    systemAlertId: system,
    vendorId: vendor,
  }));
  return rows;
}
