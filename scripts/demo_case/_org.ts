/**
 * Larkspur Logistics, the fictional organisation the demo case is about: its tenant, staff,
 * machines and networks. The named people in `NAMED_PEOPLE` carry the story (victim,
 * stolen admin, travellers, look-alikes) and exist at every scale; everyone else is drawn
 * from name lists, one forked random stream per person, so person `i` is the same person
 * at `--scale 1` and `--scale 50`.
 *
 * @module
 */
import { at, DAY, HOUR, SECOND, START } from "./_clock.ts";
import { HOME_CITIES, type Place, PLACES, RESIDENTIAL_PREFIXES } from "./_geo.ts";
import { Prng } from "./_prng.ts";

/** Tenant-wide identifiers and names. */
export const ORG = Object.freeze({
  name: "Larkspur Logistics",
  domain: "larkspurlogistics.example",
  netbios: "LARKSPUR",
  adDomain: "corp.larkspurlogistics.example",
  /** Entra ID tenant (AADTenantId, HomeTenantId, ...). */
  aadTenantId: "5b8f2d71-4c3e-4a9b-9e61-2f0c7d3a8b14",
  /** Log Analytics workspace id: the `TenantId` column of every table. */
  workspaceId: "c3a1e7f4-92d8-4b6a-8f15-6d0e9b2c4a77",
  subscriptionId: "0e4d9b62-7a1f-4c83-b5e2-91f7c6d8a3b0",
  resourceGroup: "rg-secops-prod",
  workspaceName: "law-larkspur-sentinel",
  domainSid: "S-1-5-21-2746361983-1738253491-3120598347",
  /** Public egress address of each office (NAT for every internal host there). */
  egress: { london: "192.0.2.10", manchester: "192.0.2.20" },
  /** Firewall that writes CommonSecurityLog, and the Linux box forwarding its CEF. */
  firewall: "LKS-FW01",
  cefCollector: "lks-log01",
});

/** A member of staff (or a service identity with a mailbox). */
export interface User {
  readonly index: number;
  readonly given: string;
  readonly surname: string;
  readonly display: string;
  /** sAMAccountName, also the UPN's local part. */
  readonly sam: string;
  readonly upn: string;
  readonly department: string;
  readonly jobTitle: string;
  readonly managerUpn: string | null;
  readonly home: Place;
  readonly homeIp: string;
  readonly office: "London HQ" | "Manchester Depot";
  readonly vip: boolean;
  /** Privileged on-prem account (`adm-<sam>`) for IT staff. */
  readonly adminSam: string | null;
  readonly objectId: string;
  readonly sid: string;
  readonly adminSid: string | null;
  readonly puid: string;
  readonly mailboxGuid: string;
  readonly employeeId: string;
  readonly created: number;
  readonly enabled: boolean;
  readonly mfaRegistered: boolean;
  readonly mobile: "iOS" | "Android" | null;
  /** Relative activity level, about 1. */
  readonly activity: number;
  /** Chance of working from home on a weekday. */
  readonly wfh: number;
  /** A legacy mail client this person (or device) uses, if any. */
  readonly legacyClient: "Exchange ActiveSync" | "Authenticated SMTP" | null;
  /** Assigned Windows workstation, if any (set once hosts are built). */
  workstation: string | null;
}

/** A machine reporting to the workspace. */
export interface Host {
  readonly name: string;
  readonly fqdn: string;
  readonly ip: string;
  readonly kind: "workstation" | "server";
  readonly os: "Windows" | "Linux";
  readonly osName: string;
  readonly osMajor: string;
  readonly osMinor: string;
  readonly role: string;
  /** Defender for Endpoint device id (40 hex digits). */
  readonly deviceId: string;
  readonly vmuuid: string;
  readonly machineSid: string;
  /** Whether Defender for Endpoint is onboarded (DeviceProcessEvents, DeviceNetworkEvents). */
  readonly mde: boolean;
  /** Desktops and servers stay on overnight; laptops only run in working hours. */
  readonly alwaysOn: boolean;
  primaryUser: string | null;
}

/** A trip abroad: sign-ins come from `place` between `from` and `to` (day indexes, inclusive). */
export interface Trip {
  readonly upn: string;
  readonly place: Place;
  readonly from: number;
  readonly to: number;
  readonly ipPrefix: string;
}

/** The whole organisation at one scale. */
export interface Organisation {
  readonly users: readonly User[];
  readonly byUpn: ReadonlyMap<string, User>;
  readonly hosts: readonly Host[];
  readonly byHost: ReadonlyMap<string, Host>;
  readonly workstations: readonly Host[];
  readonly servers: readonly Host[];
  readonly trips: readonly Trip[];
  readonly scale: number;
}

/** Users per unit of scale. */
export const USERS_PER_SCALE = 200;
/** Workstations per unit of scale (servers are fixed). */
export const WORKSTATIONS_PER_SCALE = 46;

interface NamedPerson {
  readonly given: string;
  readonly surname: string;
  readonly department: string;
  readonly jobTitle: string;
  readonly manager: string | null;
  readonly home?: Place;
  readonly vip?: boolean;
  readonly admin?: boolean;
  readonly mfa?: boolean;
  readonly enabled?: boolean;
  readonly created?: number;
  readonly legacyClient?: User["legacyClient"];
  readonly sam?: string;
  readonly display?: string;
  readonly wfh?: number;
}

const D = (local: string) => `${local}@${ORG.domain}`;

/**
 * The people the story needs, by role. Index order is their user index.
 */
export const NAMED_PEOPLE: readonly NamedPerson[] = [
  {
    given: "Oliver",
    surname: "Grant",
    department: "Executive",
    jobTitle: "Chief Executive Officer",
    manager: null,
    vip: true,
  },
  {
    given: "Helen",
    surname: "Marsh",
    department: "Executive",
    jobTitle: "Chief Financial Officer",
    manager: D("oliver.grant"),
    vip: true,
  },
  {
    given: "Graham",
    surname: "Whitfield",
    department: "Finance",
    jobTitle: "Finance Manager",
    manager: D("helen.marsh"),
  },
  {
    given: "Daniel",
    surname: "Reyes",
    department: "Finance",
    jobTitle: "Accounts Payable Specialist",
    manager: D("graham.whitfield"),
    home: PLACES.london,
    mfa: false,
    wfh: 0.1,
  },
  {
    given: "Nadia",
    surname: "Brooks",
    department: "IT",
    jobTitle: "Head of IT",
    manager: D("oliver.grant"),
    admin: true,
  },
  {
    given: "Tom",
    surname: "Harper",
    department: "IT",
    jobTitle: "Senior Systems Administrator",
    manager: D("nadia.brooks"),
    admin: true,
  },
  {
    given: "Aisha",
    surname: "Khan",
    department: "IT",
    jobTitle: "Infrastructure Engineer",
    manager: D("nadia.brooks"),
    admin: true,
  },
  {
    given: "Liam",
    surname: "O'Connor",
    sam: "liam.oconnor",
    department: "IT",
    jobTitle: "Service Desk Analyst",
    manager: D("nadia.brooks"),
    admin: true,
  },
  {
    given: "James",
    surname: "Okafor",
    department: "Sales",
    jobTitle: "Sales Director",
    manager: D("oliver.grant"),
    vip: true,
  },
  {
    given: "Sofia",
    surname: "Martins",
    department: "Sales",
    jobTitle: "Account Manager",
    manager: D("james.okafor"),
  },
  {
    given: "Chloe",
    surname: "Bennett",
    department: "Procurement",
    jobTitle: "Procurement Lead",
    manager: D("helen.marsh"),
  },
  {
    given: "Raj",
    surname: "Patel",
    department: "Logistics Planning",
    jobTitle: "Network Planning Manager",
    manager: D("oliver.grant"),
  },
  {
    given: "Ethan",
    surname: "Clarke",
    department: "Marketing",
    jobTitle: "Digital Marketing Executive",
    manager: D("oliver.grant"),
    wfh: 0.6,
  },
  {
    given: "George",
    surname: "Hill",
    department: "Operations",
    jobTitle: "Warehouse Supervisor",
    manager: D("oliver.grant"),
    home: PLACES.manchester,
  },
  {
    given: "Megan",
    surname: "Doyle",
    department: "HR",
    jobTitle: "HR Advisor",
    manager: D("oliver.grant"),
    created: at(2026, 3, 6, 10, 12, 41),
  },
  {
    given: "Scan",
    surname: "Mailbox",
    sam: "svc-scan",
    display: "Scan to Email (MFP)",
    department: "Facilities",
    jobTitle: "Service Account",
    manager: null,
    mfa: false,
    legacyClient: "Authenticated SMTP",
  },
  {
    given: "Paul",
    surname: "Fenwick",
    department: "Operations",
    jobTitle: "Transport Coordinator",
    manager: D("george.hill"),
    enabled: false,
  },
  {
    given: "Anna",
    surname: "Kowalski",
    department: "Customer Service",
    jobTitle: "Customer Service Advisor",
    manager: D("oliver.grant"),
    enabled: false,
  },
  {
    given: "Steve",
    surname: "Dunn",
    department: "Sales",
    jobTitle: "Account Manager",
    manager: D("james.okafor"),
    enabled: false,
  },
  {
    given: "Rachel",
    surname: "Stone",
    department: "Customer Service",
    jobTitle: "Customer Service Advisor",
    manager: D("oliver.grant"),
    legacyClient: "Exchange ActiveSync",
  },
];

const FIRST_NAMES = [
  "Amelia",
  "Olivia",
  "Isla",
  "Ava",
  "Mia",
  "Ivy",
  "Lily",
  "Isabella",
  "Rosie",
  "Sophia",
  "Grace",
  "Freya",
  "Ella",
  "Evie",
  "Poppy",
  "Emily",
  "Hannah",
  "Zara",
  "Leah",
  "Maya",
  "Noah",
  "Oliver",
  "George",
  "Arthur",
  "Leo",
  "Harry",
  "Oscar",
  "Archie",
  "Henry",
  "Jack",
  "Charlie",
  "Freddie",
  "Thomas",
  "Alfie",
  "William",
  "Isaac",
  "Lucas",
  "Samuel",
  "Joshua",
  "Mohammed",
  "Adam",
  "Yusuf",
  "Omar",
  "Ibrahim",
  "Ravi",
  "Arjun",
  "Priya",
  "Anjali",
  "Sana",
  "Fatima",
  "Chen",
  "Wei",
  "Mei",
  "Kwame",
  "Ama",
  "Tunde",
  "Chiamaka",
  "Sean",
  "Ciara",
  "Niamh",
  "Callum",
  "Fiona",
  "Rhys",
  "Seren",
  "Dylan",
  "Gareth",
  "Kirsty",
  "Stuart",
  "Mark",
  "Karen",
  "Paula",
  "Diane",
  "Simon",
  "Andrew",
  "Claire",
  "Joanne",
  "Martin",
  "Julie",
  "Tomasz",
  "Katarzyna",
  "Piotr",
  "Agnieszka",
  "Luca",
  "Giulia",
  "Mateus",
  "Ines",
];

const SURNAMES = [
  "Smith",
  "Jones",
  "Taylor",
  "Brown",
  "Williams",
  "Wilson",
  "Johnson",
  "Davies",
  "Robinson",
  "Wright",
  "Thompson",
  "Evans",
  "Walker",
  "White",
  "Roberts",
  "Green",
  "Hall",
  "Wood",
  "Jackson",
  "Clarke",
  "Patel",
  "Khan",
  "Ahmed",
  "Ali",
  "Shah",
  "Singh",
  "Begum",
  "Hussain",
  "Lewis",
  "Harrison",
  "Baker",
  "Turner",
  "Cooper",
  "Ward",
  "Morris",
  "King",
  "Watson",
  "Edwards",
  "Hughes",
  "Morgan",
  "Price",
  "Phillips",
  "Parker",
  "Bell",
  "Murphy",
  "Kelly",
  "Campbell",
  "Stewart",
  "Reid",
  "MacDonald",
  "Fraser",
  "Nowak",
  "Kowalczyk",
  "Wojcik",
  "Rossi",
  "Ferreira",
  "Silva",
  "Nguyen",
  "Tran",
  "Wang",
  "Li",
  "Zhang",
  "Mensah",
  "Okoro",
  "Adeyemi",
  "Osei",
  "Chaudhry",
  "Iqbal",
  "Mistry",
  "Bailey",
  "Cox",
  "Fox",
  "Hunt",
  "Lloyd",
  "Marshall",
  "Owen",
  "Pearce",
  "Rees",
  "Saunders",
  "Webb",
  "Holmes",
  "Mills",
  "Knight",
];

const DEPARTMENTS: ReadonlyArray<readonly [string, number, readonly string[]]> = [
  ["Operations", 46, ["Warehouse Operative", "Forklift Operator", "Shift Lead", "Dispatcher"]],
  ["Logistics Planning", 26, ["Transport Planner", "Route Analyst", "Fleet Coordinator"]],
  ["Customer Service", 24, ["Customer Service Advisor", "Customer Service Team Lead"]],
  ["Sales", 20, ["Account Manager", "Business Development Manager", "Sales Coordinator"]],
  ["Finance", 14, ["Finance Assistant", "Credit Controller", "Management Accountant"]],
  ["Procurement", 9, ["Buyer", "Procurement Analyst"]],
  ["Marketing", 9, ["Marketing Executive", "Content Designer"]],
  ["HR", 6, ["HR Advisor", "Payroll Officer", "Recruiter"]],
  ["IT", 6, ["IT Support Technician", "Systems Engineer", "Developer"]],
  ["Legal", 3, ["Legal Counsel", "Contracts Manager"]],
  ["Facilities", 3, ["Facilities Coordinator"]],
];

const DEPARTMENT_HEADS: Readonly<Record<string, string>> = {
  Operations: D("george.hill"),
  "Logistics Planning": D("raj.patel"),
  "Customer Service": D("oliver.grant"),
  Sales: D("james.okafor"),
  Finance: D("graham.whitfield"),
  Procurement: D("chloe.bennett"),
  Marketing: D("oliver.grant"),
  HR: D("oliver.grant"),
  IT: D("nadia.brooks"),
  Legal: D("helen.marsh"),
  Facilities: D("oliver.grant"),
  Executive: D("oliver.grant"),
};

/** Departments whose staff get a Windows workstation, most likely first. */
const DESK_PRIORITY = [
  "Executive",
  "Finance",
  "IT",
  "HR",
  "Legal",
  "Procurement",
  "Sales",
  "Marketing",
  "Logistics Planning",
  "Customer Service",
];

/** The victim's workstation number, fixed so the story can name it. */
export const VICTIM_WORKSTATION_INDEX = 42;

/** Builds the organisation for `scale` (1 = 200 users, 60 hosts). */
export function buildOrganisation(scale: number, seed: string): Organisation {
  const root = new Prng(`${seed}/org`);
  const users: User[] = [];
  const taken = new Set<string>();
  for (const [i, p] of NAMED_PEOPLE.entries()) {
    const sam = p.sam ?? `${p.given}.${p.surname}`.toLowerCase();
    taken.add(sam);
    users.push(makeUser(root.fork(`user:${i}`), i, p, sam));
  }
  const total = USERS_PER_SCALE * scale;
  const quota = DEPARTMENTS.flatMap(([dept, n, titles]) =>
    Array.from({ length: n }, () => [dept, titles] as const)
  );
  for (let i = users.length; i < total; i++) {
    const rng = root.fork(`user:${i}`);
    const [department, titles] = quota[(i - NAMED_PEOPLE.length) % quota.length];
    const given = rng.pick(FIRST_NAMES);
    const surname = rng.pick(SURNAMES);
    let sam = `${given}.${surname}`.toLowerCase();
    for (let n = 2; taken.has(sam); n++) sam = `${given}.${surname}${n}`.toLowerCase();
    taken.add(sam);
    users.push(
      makeUser(rng, i, {
        given,
        surname,
        department,
        jobTitle: rng.pick(titles),
        manager: DEPARTMENT_HEADS[department],
        home: department === "Operations" && rng.chance(0.7) ? PLACES.manchester : undefined,
        enabled: !rng.chance(0.015),
      }, sam),
    );
  }
  const byUpn = new Map(users.map((u) => [u.upn, u]));
  const servers = buildServers(root);
  const workstations = buildWorkstations(root, users, scale);
  const hosts = [...servers, ...workstations];
  return {
    users,
    byUpn,
    hosts,
    byHost: new Map(hosts.map((h) => [h.name, h])),
    workstations,
    servers,
    trips: TRIPS,
    scale,
  };
}

function makeUser(rng: Prng, index: number, p: NamedPerson, sam: string): User {
  const home = p.home ?? rng.pick(HOME_CITIES);
  const prefixes = RESIDENTIAL_PREFIXES.GB;
  const enabled = p.enabled ?? true;
  const isAdmin = p.admin ?? false;
  const rid = 1104 + index * 3;
  const created = p.created ?? START - (200 + rng.int(3000)) * DAY + 8 * HOUR +
      rng.int(9 * 3600) * SECOND;
  return {
    index,
    given: p.given,
    surname: p.surname,
    display: p.display ?? `${p.given} ${p.surname}`,
    sam,
    upn: `${sam}@${ORG.domain}`,
    department: p.department,
    jobTitle: p.jobTitle,
    managerUpn: p.manager,
    home,
    homeIp: `${rng.pick(prefixes)}.${rng.range(1, 254)}.${rng.range(2, 254)}`,
    office: home === PLACES.manchester ? "Manchester Depot" : "London HQ",
    vip: p.vip ?? false,
    adminSam: isAdmin ? `adm-${sam}` : null,
    objectId: rng.guid(),
    sid: `${ORG.domainSid}-${rid}`,
    adminSid: isAdmin ? `${ORG.domainSid}-${rid + 1}` : null,
    puid: rng.hex(16).toUpperCase(),
    mailboxGuid: rng.guid(),
    employeeId: `LL${String(10000 + index * 7).padStart(6, "0")}`,
    created,
    enabled,
    mfaRegistered: p.mfa ?? (p.department === "Operations" ? rng.chance(0.8) : rng.chance(0.96)),
    mobile: p.sam === "svc-scan" ? null : rng.weighted(["iOS", "Android", null], [5, 3, 2]),
    activity: 0.6 + rng.next() * 0.8,
    wfh: p.wfh ?? (p.department === "Operations" ? 0.02 : 0.3),
    legacyClient: p.legacyClient ?? null,
    workstation: null,
  };
}

interface ServerSpec {
  readonly name: string;
  readonly ip: string;
  readonly role: string;
  readonly os: "Windows" | "Linux";
}

const SERVER_SPECS: readonly ServerSpec[] = [
  { name: "LKS-DC01", ip: "10.10.1.10", role: "Domain controller, DNS", os: "Windows" },
  { name: "LKS-DC02", ip: "10.10.1.11", role: "Domain controller, DNS", os: "Windows" },
  { name: "LKS-FS01", ip: "10.10.1.20", role: "File server (Finance, HR, shares)", os: "Windows" },
  { name: "LKS-SQL01", ip: "10.10.1.30", role: "SQL Server (WMS, finance ERP)", os: "Windows" },
  { name: "LKS-APP01", ip: "10.10.1.31", role: "Warehouse management app server", os: "Windows" },
  { name: "LKS-WSUS01", ip: "10.10.1.50", role: "WSUS, software deployment", os: "Windows" },
  { name: "LKS-BKP01", ip: "10.10.1.60", role: "Backup server (VaultLine)", os: "Windows" },
  { name: "LKS-JUMP01", ip: "10.10.1.70", role: "Admin jump host", os: "Windows" },
  { name: "LKS-PRINT01", ip: "10.10.1.80", role: "Print server", os: "Windows" },
  { name: "LKS-RDS01", ip: "10.10.1.85", role: "Remote desktop session host", os: "Windows" },
  { name: "lks-sftp01", ip: "10.10.2.10", role: "Partner SFTP server (DMZ)", os: "Linux" },
  { name: "lks-web01", ip: "10.10.2.20", role: "Customer tracking portal (DMZ)", os: "Linux" },
  { name: "lks-log01", ip: "10.10.1.90", role: "Syslog/CEF collector", os: "Linux" },
  { name: "lks-mon01", ip: "10.10.1.91", role: "Monitoring (Zabbix)", os: "Linux" },
];

function buildServers(root: Prng): Host[] {
  return SERVER_SPECS.map((s) => {
    const rng = root.fork(`host:${s.name}`);
    const windows = s.os === "Windows";
    return {
      name: s.name,
      fqdn: `${s.name.toLowerCase()}.${ORG.adDomain}`,
      ip: s.ip,
      kind: "server" as const,
      os: s.os,
      osName: windows ? "Windows Server 2022 Datacenter" : "Ubuntu",
      osMajor: windows ? "10" : "22",
      osMinor: windows ? "0" : "04",
      role: s.role,
      deviceId: rng.hex(40),
      vmuuid: rng.guid(),
      machineSid: `S-1-5-21-${rng.range(1e9, 4e9)}-${rng.range(1e9, 4e9)}-${rng.range(1e9, 4e9)}`,
      mde: windows,
      alwaysOn: true,
      primaryUser: null,
    };
  });
}

function buildWorkstations(root: Prng, users: User[], scale: number): Host[] {
  const count = WORKSTATIONS_PER_SCALE * scale;
  const candidates = users
    .filter((u) => u.enabled && DESK_PRIORITY.includes(u.department))
    .sort((a, b) =>
      DESK_PRIORITY.indexOf(a.department) - DESK_PRIORITY.indexOf(b.department) ||
      a.index - b.index
    );
  const owners = candidates.slice(0, count);
  const victim = users.find((u) => u.sam === "daniel.reyes")!;
  const pos = owners.indexOf(victim);
  const target = VICTIM_WORKSTATION_INDEX - 1;
  if (pos >= 0 && pos !== target && target < owners.length) {
    [owners[pos], owners[target]] = [owners[target], owners[pos]];
  }
  const hosts: Host[] = [];
  for (let k = 1; k <= count; k++) {
    const name = `LKS-WS-${1000 + k}`;
    const rng = root.fork(`host:${name}`);
    const owner = owners[k - 1] ?? null;
    const host: Host = {
      name,
      fqdn: `${name.toLowerCase()}.${ORG.adDomain}`,
      ip: `10.20.${4 + Math.floor((k - 1) / 200)}.${((k - 1) % 200) + 1}`,
      kind: "workstation",
      os: "Windows",
      osName: "Windows 11 Enterprise",
      osMajor: "10",
      osMinor: "0",
      role: owner ? `${owner.department} workstation` : "Shared workstation",
      deviceId: rng.hex(40),
      vmuuid: rng.guid(),
      machineSid: `S-1-5-21-${rng.range(1e9, 4e9)}-${rng.range(1e9, 4e9)}-${rng.range(1e9, 4e9)}`,
      mde: true,
      alwaysOn: owner === victim || rng.chance(0.3),
      primaryUser: owner?.upn ?? null,
    };
    if (owner) owner.workstation = name;
    hosts.push(host);
  }
  return hosts;
}

/** Business trips: sign-ins from abroad that are not the attacker. */
export const TRIPS: readonly Trip[] = [
  { upn: D("raj.patel"), place: PLACES.singapore, from: 0, to: 4, ipPrefix: "116.86.41" },
  { upn: D("sofia.martins"), place: PLACES.frankfurt, from: 2, to: 5, ipPrefix: "84.150.172" },
  { upn: D("james.okafor"), place: PLACES.chicago, from: 8, to: 12, ipPrefix: "98.213.77" },
  { upn: D("chloe.bennett"), place: PLACES.rotterdam, from: 9, to: 10, ipPrefix: "145.53.12" },
  { upn: D("helen.marsh"), place: PLACES.zurich, from: 11, to: 11, ipPrefix: "178.197.224" },
];

/** The trip `upn` is on during day `day`, if any. */
export function tripOn(org: Organisation, upn: string, day: number): Trip | undefined {
  for (const t of org.trips) if (t.upn === upn && day >= t.from && day <= t.to) return t;
  return undefined;
}

/**
 * A forgotten port forward on the firewall (192.0.2.10:33891 to LKS-WS-1042:3389) that
 * Daniel Reyes uses to reach his desk PC from home, and that internet scanners find.
 */
export const RDP_FORWARD = Object.freeze({
  publicIp: ORG.egress.london,
  publicPort: 33891,
  host: "LKS-WS-1042",
  upn: D("daniel.reyes"),
  rule: "NAT-RDP-WS1042-HomeAccess",
  /** Daniel's own evening sessions: start and length in minutes. */
  ownerSessions: [
    { start: at(2026, 3, 4, 18, 42, 10), minutes: 44 },
    { start: at(2026, 3, 8, 20, 5, 33), minutes: 37 },
  ],
});

/** Internet hosts that probe the perimeter, with the country PAN-OS places them in. */
export const SCANNERS: ReadonlyArray<readonly [string, string]> = Array.from(
  { length: 40 },
  (_, i) =>
    [
      `192.0.2.${130 + i}`,
      ["CN", "RU", "US", "NL", "VN", "BR", "IN", "DE", "KR", "RO"][i % 10],
    ] as const,
);

/** Sources of SSH password guessing against the partner SFTP server. */
export const SSH_GUESSERS: ReadonlyArray<readonly [string, string]> = Array.from(
  { length: 24 },
  (_, i) => [`192.0.2.${176 + i}`, ["CN", "US", "RU", "SG", "NL", "IN"][i % 6]] as const,
);
