/**
 * Ordinary identity and productivity activity: SigninLogs, AuditLogs, OfficeActivity and
 * IdentityInfo. Each person's day is planned once (where they work from, which address
 * they come from) and both the sign-in log and the Office audit log read that plan.
 *
 * @module
 */
import { APPS, type EntraApp } from "./_catalog.ts";
import { DAY, HOUR, isWeekend, MINUTE, SECOND } from "./_clock.ts";
import { ASN_BY_COUNTRY, type Place, PLACES } from "./_geo.ts";
import {
  auditRow,
  byUser,
  type ClientApp,
  identityRow,
  type MfaMethod,
  officeRow,
  type SigninDevice,
  type SigninRisk,
  signinRow,
  SYNC_ACCOUNT,
} from "./_identity.ts";
import { ORG, tripOn, type User } from "./_org.ts";
import { hash32, Prng } from "./_prng.ts";
import type { DayWorld, Emit } from "./_world.ts";

/** Where and when a person works on one day. */
export interface UserDay {
  readonly user: User;
  readonly present: boolean;
  readonly where: "office" | "home" | "trip" | "vpn";
  readonly ip: string;
  readonly place: Place;
  readonly named: string | null;
  readonly asn: string;
  readonly start: number;
  readonly end: number;
}

const VPN_EXIT = "203.0.113.200";

/** The parts of a day's world that planning a person's day needs. */
export type DayBasics = Pick<DayWorld, "org" | "day" | "dayStart" | "seed">;

/** Plans `user`'s day (deterministic: every table that asks gets the same answer). */
export function planUserDay(world: DayBasics, user: User): UserDay {
  const rng = new Prng(`${world.seed}/userday/${world.day}/${user.index}`);
  const weekend = isWeekend(world.day);
  const trip = tripOn(world.org, user.upn, world.day);
  let present = user.enabled && (weekend ? rng.chance(0.1) : rng.chance(0.95));
  if (user.sam === "daniel.reyes") present = !weekend;
  if (!user.mfaRegistered && weekend) present = false;
  let where: UserDay["where"] = "office";
  if (trip) where = "trip";
  else if (weekend || (user.mfaRegistered && rng.chance(user.wfh))) where = "home";
  if (where === "home" && user.sam === "ethan.clarke" && rng.chance(0.5)) where = "vpn";
  const office = user.office === "Manchester Depot";
  const place = where === "trip"
    ? trip!.place
    : where === "vpn"
    ? PLACES.zurich
    : where === "home"
    ? user.home
    : office
    ? PLACES.manchester
    : PLACES.london;
  const ip = where === "trip"
    ? `${trip!.ipPrefix}.${10 + (hash32(`${user.upn}/${world.day}`) % 200)}`
    : where === "vpn"
    ? VPN_EXIT
    : where === "home"
    ? user.homeIp
    : office
    ? ORG.egress.manchester
    : ORG.egress.london;
  const localStart = Math.min(
    Math.max(8 * HOUR + Math.round(rng.normal() * 40 * MINUTE), 6 * HOUR + 45 * MINUTE),
    9 * HOUR + 15 * MINUTE,
  );
  // Keep the working day inside this UTC day (travellers in Singapore start near midnight).
  const start = Math.max(
    world.dayStart + 10 * MINUTE,
    world.dayStart + localStart - place.utcOffset * HOUR,
  );
  return {
    user,
    present,
    where,
    ip,
    place,
    named: where === "office" ? user.office : null,
    asn: where === "vpn" ? "9009" : where === "office" ? "2856" : ASN_BY_COUNTRY[place.country],
    start,
    end: start + 8 * HOUR + 30 * MINUTE + Math.round(rng.normal() * 45 * MINUTE),
  };
}

const EDGE_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.80";
const MAC_UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
  "Version/17.3 Safari/605.1.15";
const OFFICE_UA = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)";
const TEAMS_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0 Teams/24033.811.2738.2546/49";
const IOS_UA = "Outlook-iOS/723.4121256.prod.iphone (4.2410.0)";
const ANDROID_UA = "Outlook-Android/2.0";

const devices = new Map<string, SigninDevice>();

const ACTIVESYNC_DEVICE: SigninDevice = Object.freeze({
  deviceId: "",
  displayName: "",
  operatingSystem: "Ios",
  browser: "",
  isCompliant: false,
  isManaged: false,
  trustType: "",
});

/** The desk or mobile device `user` signs in from (the same every day). */
export function deviceOf(world: DayBasics, user: User, kind: "desk" | "mobile"): SigninDevice {
  const key = `${world.seed}/${user.index}/${kind}`;
  let d = devices.get(key);
  if (d === undefined) {
    const rng = new Prng(`${world.seed}/device/${user.index}/${kind}`);
    if (kind === "mobile") {
      const ios = user.mobile === "iOS";
      d = {
        deviceId: rng.chance(0.7) ? rng.guid() : "",
        displayName: "",
        operatingSystem: ios ? "Ios 17.3.1" : "Android 14",
        browser: "",
        isCompliant: false,
        isManaged: false,
        trustType: "",
      };
    } else if (user.workstation) {
      d = {
        deviceId: rng.guid(),
        displayName: user.workstation,
        operatingSystem: "Windows10",
        browser: "Edge 122.0.0",
        isCompliant: true,
        isManaged: true,
        trustType: "Hybrid Azure AD joined",
      };
    } else {
      const mac = rng.chance(0.2);
      d = {
        deviceId: "",
        displayName: "",
        operatingSystem: mac ? "MacOs" : "Windows10",
        browser: mac ? "Safari 17.3" : "Edge 122.0.0",
        isCompliant: false,
        isManaged: false,
        trustType: "",
      };
    }
    devices.set(key, d);
  }
  return d;
}

interface Choice {
  readonly app: EntraApp;
  readonly client: ClientApp;
  readonly kind: "desk" | "mobile";
}

const CHOICES: readonly Choice[] = [
  { app: APPS.officeHome, client: "Browser", kind: "desk" },
  { app: APPS.outlookWeb, client: "Browser", kind: "desk" },
  { app: APPS.sharepoint, client: "Browser", kind: "desk" },
  { app: APPS.office, client: "Mobile Apps and Desktop clients", kind: "desk" },
  { app: APPS.teams, client: "Mobile Apps and Desktop clients", kind: "desk" },
  { app: APPS.outlookMobile, client: "Mobile Apps and Desktop clients", kind: "mobile" },
];

function userAgentFor(choice: Choice, device: SigninDevice, user: User): string {
  if (choice.kind === "mobile") return user.mobile === "iOS" ? IOS_UA : ANDROID_UA;
  if (choice.app === APPS.teams) return TEAMS_UA;
  if (choice.app === APPS.office) return OFFICE_UA;
  return device.operatingSystem === "MacOs" ? MAC_UA : EDGE_UA;
}

/** SigninLogs: interactive sign-ins, typos, MFA prompts, travellers and legacy clients. */
export function benignSignins(world: DayWorld, emit: Emit): void {
  for (const user of world.org.users) {
    const plan = planUserDay(world, user);
    const rng = new Prng(`${world.seed}/signin/${world.day}/${user.index}`);
    if (user.legacyClient === "Authenticated SMTP") {
      if (isWeekend(world.day)) continue;
      const n = rng.poisson(10);
      for (let i = 0; i < n; i++) {
        emit(signinRow({
          time: world.dayStart + 7 * HOUR + rng.int(11 * HOUR),
          upn: user.upn,
          user,
          app: APPS.exchange,
          ip: ORG.egress.london,
          place: PLACES.london,
          asn: "2856",
          clientApp: "Authenticated SMTP",
          resultType: "0",
          mfa: "none",
          device: deviceOf(world, user, "desk"),
          userAgent: null,
          interactive: false,
          namedLocation: "London HQ",
          correlationId: rng.guid(),
          id: rng.guid(),
        }));
      }
      continue;
    }
    if (user.legacyClient === "Exchange ActiveSync" && user.enabled) {
      const n = rng.poisson(4);
      const ip = `31.94.${20 + (user.index % 60)}.${
        (hash32(`${user.upn}/${world.day}`) % 250) + 2
      }`;
      for (let i = 0; i < n; i++) {
        emit(signinRow({
          time: world.dayStart + 7 * HOUR + rng.int(14 * HOUR),
          upn: user.upn,
          user,
          app: APPS.exchange,
          ip,
          place: user.home,
          asn: "12576",
          clientApp: "Exchange ActiveSync",
          resultType: "0",
          mfa: "none",
          device: ACTIVESYNC_DEVICE,
          userAgent: "Apple-iPhone14C3/2103.220",
          interactive: false,
          namedLocation: null,
          correlationId: rng.guid(),
          id: rng.guid(),
        }));
      }
    }
    if (!plan.present) continue;
    const count = 1 + rng.poisson(4.5 * user.activity * (isWeekend(world.day) ? 0.3 : 1));
    const typoRate = user.sam === "george.hill" ? 0.25 : 0.03;
    let mfaDone = false;
    const times: number[] = [];
    // The first sign-in comes on arrival; the rest spread over the day.
    times.push(plan.start + rng.int(10 * MINUTE));
    for (let i = 1; i < count; i++) {
      times.push(plan.start + rng.int(Math.max(1, plan.end - plan.start)));
    }
    times.sort((a, b) => a - b);
    for (const time of times) {
      let choice = rng.pick(CHOICES);
      if (choice.kind === "mobile" && user.mobile === null) choice = CHOICES[0];
      const device = deviceOf(world, user, choice.kind);
      const trusted = plan.named !== null;
      const base = {
        upn: user.upn,
        user,
        app: choice.app,
        ip: plan.ip,
        place: plan.place,
        asn: plan.asn,
        clientApp: choice.client,
        device,
        userAgent: userAgentFor(choice, device, user),
        interactive: true,
        namedLocation: plan.named,
      };
      let risk: SigninRisk | undefined;
      if (plan.where === "vpn") risk = { level: "low", eventTypes: ["anonymizedIPAddress"] };
      if (
        plan.where === "trip" && user.sam === "james.okafor" && !mfaDone &&
        world.day === world.org.trips.find((t) => t.upn === user.upn)!.from
      ) {
        risk = { level: "medium", eventTypes: ["unfamiliarFeatures"] };
      }
      if (rng.chance(typoRate)) {
        emit(signinRow({
          ...base,
          time: time - rng.range(5, 40) * SECOND,
          resultType: "50126",
          mfa: "none",
          correlationId: rng.guid(),
          id: rng.guid(),
        }));
      }
      if (choice.client === "Browser" && rng.chance(0.04)) {
        emit(signinRow({
          ...base,
          time: time - rng.range(2, 9) * SECOND,
          resultType: "50140",
          mfa: "none",
          correlationId: rng.guid(),
          id: rng.guid(),
        }));
      }
      let mfa: MfaMethod = "none";
      if (!trusted) {
        if (!mfaDone) {
          if (rng.chance(0.3)) {
            emit(signinRow({
              ...base,
              time: time - rng.range(8, 30) * SECOND,
              resultType: "50074",
              mfa: "none",
              correlationId: rng.guid(),
              id: rng.guid(),
            }));
          }
          mfa = rng.chance(0.8) ? "Mobile app notification" : "OATH verification code";
          mfaDone = true;
        } else {
          mfa = "Previously satisfied";
        }
      }
      emit(signinRow({
        ...base,
        time,
        resultType: "0",
        mfa,
        correlationId: rng.guid(),
        id: rng.guid(),
        risk,
      }));
    }
  }
}

const FILES: Readonly<Record<string, readonly string[]>> = {
  Finance: [
    "Supplier payments run.xlsx",
    "AP ageing March.xlsx",
    "Remittance advice.pdf",
    "VAT return Q1.xlsx",
  ],
  Sales: ["Pipeline FY26.xlsx", "Carrier rate card 2026.pdf", "Proposal - Northwind.docx"],
  HR: ["Onboarding checklist.docx", "Leave tracker 2026.xlsx"],
  IT: ["Network diagram.vsdx", "Patch schedule.xlsx", "Runbook - backups.docx"],
  Executive: ["Board pack March.pptx", "Budget FY27 draft.xlsx"],
};
const GENERIC_FILES = [
  "Team rota.xlsx",
  "Meeting notes.docx",
  "Shift handover.docx",
  "Depot KPIs.xlsx",
];

function siteFor(user: User): string {
  return FILES[user.department]
    ? `https://larkspurlogistics.sharepoint.com/sites/${user.department}/`
    : `https://larkspurlogistics-my.sharepoint.com/personal/${user.upn.replace(/[@.]/g, "_")}/`;
}

/** OfficeActivity: mail, files, Teams, and the occasional inbox rule. */
export function benignOffice(world: DayWorld, emit: Emit): void {
  for (const user of world.org.users) {
    if (user.legacyClient === "Authenticated SMTP") continue;
    const plan = planUserDay(world, user);
    if (!plan.present) continue;
    const rng = new Prng(`${world.seed}/office/${world.day}/${user.index}`);
    const span = Math.max(1, plan.end - plan.start);
    const at = () => plan.start + rng.int(span);
    const base = { user, clientIp: plan.ip };
    emit(officeRow({
      ...base,
      time: plan.start + rng.int(10 * MINUTE),
      operation: "UserLoggedIn",
      workload: "AzureActiveDirectory",
      recordType: "AzureActiveDirectoryStsLogon",
      officeId: rng.guid(),
      objectId: APPS.officeHome.appId,
      userAgent: EDGE_UA,
      resultStatus: "Success",
    }));
    emit(officeRow({
      ...base,
      time: plan.start + rng.int(20 * MINUTE),
      operation: "TeamsSessionStarted",
      workload: "MicrosoftTeams",
      recordType: "MicrosoftTeams",
      officeId: rng.guid(),
      userAgent: TEAMS_UA,
    }));
    const mail = rng.poisson(6 * user.activity);
    for (let i = 0; i < mail; i++) {
      const op = rng.weighted([
        "MailItemsAccessed",
        "Send",
        "MoveToDeletedItems",
        "SoftDelete",
        "Update",
      ], [5, 3, 2, 1, 1]);
      emit(officeRow({
        ...base,
        time: at(),
        operation: op,
        workload: "Exchange",
        recordType: op === "MailItemsAccessed"
          ? "ExchangeItemAggregated"
          : op === "Send" || op === "Update"
          ? "ExchangeItem"
          : "ExchangeItemGroup",
        officeId: rng.guid(),
        clientInfo: rng.chance(0.7)
          ? "Client=MSExchangeRPC"
          : "Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/122.0.2365.80",
      }));
    }
    const site = siteFor(user);
    const files = FILES[user.department] ?? GENERIC_FILES;
    const fileOps = rng.poisson(7 * user.activity);
    for (let i = 0; i < fileOps; i++) {
      const op = rng.weighted(
        ["FileAccessed", "FileModified", "FilePreviewed", "FileDownloaded", "FileUploaded"],
        [6, 2, 1.5, 1, 0.6],
      );
      const name = rng.pick(files);
      const folder = site.includes("-my.") ? "Documents" : "Shared Documents";
      emit(officeRow({
        ...base,
        time: at(),
        operation: op,
        workload: site.includes("-my.") ? "OneDrive" : "SharePoint",
        recordType: "SharePointFileOperation",
        officeId: rng.guid(),
        objectId: `${site}${folder}/${name}`,
        siteUrl: site,
        relativeUrl: folder,
        fileName: name,
        userAgent: rng.chance(0.6)
          ? EDGE_UA
          : "Microsoft SkyDriveSync 24.030.0211.0002 ship; Windows NT 10.0 (22631)",
      }));
    }
    if (rng.chance(0.004)) {
      emit(
        inboxRule(world, plan, rng, "Move to Newsletters", [["MoveToFolder", "Newsletters"], [
          "From",
          "newsletter@northwind-freight.example",
        ]]),
      );
    }
  }
  for (const story of INBOX_RULE_STORIES) {
    if (story.day !== world.day) continue;
    const user = world.org.byUpn.get(`${story.sam}@${ORG.domain}`);
    if (!user) continue;
    const plan = planUserDay(world, user);
    const rng = new Prng(`${world.seed}/inbox-story/${story.sam}`);
    emit(
      inboxRule(
        world,
        {
          ...plan,
          start: world.dayStart + story.hour * HOUR,
          end: world.dayStart + (story.hour + 1) * HOUR,
        },
        rng,
        story.name,
        story.parameters,
      ),
    );
  }
}

/** Benign inbox rules worth a second look: one moves newsletters, one redirects internally. */
export const INBOX_RULE_STORIES = [
  {
    sam: "sofia.martins",
    day: 2,
    hour: 16,
    name: "Newsletters",
    parameters: [["From", "news@freightweekly.example"], ["MoveToFolder", "Newsletters"], [
      "StopProcessingRules",
      "True",
    ]],
  },
  {
    sam: "graham.whitfield",
    day: 5,
    hour: 17,
    name: "Leave cover - redirect to Helen",
    parameters: [["SubjectOrBodyContainsWords", "invoice;approval"], [
      "RedirectTo",
      `helen.marsh@${ORG.domain}`,
    ], ["StopProcessingRules", "False"]],
  },
] as const satisfies ReadonlyArray<{
  sam: string;
  day: number;
  hour: number;
  name: string;
  parameters: ReadonlyArray<readonly [string, string]>;
}>;

function inboxRule(
  world: DayWorld,
  plan: UserDay,
  rng: Prng,
  name: string,
  parameters: ReadonlyArray<readonly [string, string]>,
) {
  return officeRow({
    user: plan.user,
    time: plan.start + rng.int(Math.max(1, plan.end - plan.start)),
    operation: "New-InboxRule",
    workload: "Exchange",
    recordType: "ExchangeAdmin",
    clientIp: `${plan.ip}:${rng.range(49152, 65535)}`,
    officeId: new Prng(`${world.seed}/rule/${plan.user.index}/${world.day}`).guid(),
    objectId: `${plan.user.upn}\\${name}`,
    parameters: [
      ["AlwaysDeleteOutlookRulesBlob", "False"],
      ["Force", "False"],
      ["Name", name],
      ...parameters,
    ],
    clientInfo: "Client=OWA;Action=ViaProxy",
  });
}

function groupsOf(user: User): string[] {
  const groups = ["All Staff", `SG-${user.department.replaceAll(" ", "-")}`];
  if (user.vip) groups.push("SG-VIP-Protected");
  if (user.adminSam) groups.push("SG-IT-Admins");
  if (user.mobile) groups.push("SG-Mobile-Users");
  return groups;
}

const ROLES: Readonly<Record<string, readonly string[]>> = {
  "nadia.brooks": ["Global Administrator"],
  "tom.harper": ["Exchange Administrator", "User Administrator"],
  "aisha.khan": ["Intune Administrator"],
  "liam.oconnor": ["Helpdesk Administrator"],
};

/** IdentityInfo: weekly full snapshots plus change rows. */
export function benignIdentityInfo(world: DayWorld, emit: Emit): void {
  if (world.day !== 0 && world.day !== 7) {
    for (const user of world.org.users) {
      if (user.created >= world.dayStart && user.created < world.dayStart + DAY) {
        emit(identityRow(user, {
          time: user.created + 17 * MINUTE,
          groups: groupsOf(user),
          roles: [],
          mfaRegistered: false,
        }));
      }
    }
    return;
  }
  const time = world.dayStart + 30 * MINUTE;
  for (const user of world.org.users) {
    if (user.created > time) continue;
    emit(identityRow(user, {
      time: time + (user.index % 600) * SECOND,
      groups: groupsOf(user),
      roles: ROLES[user.sam] ?? [],
    }));
  }
}

const SYNC_PROPERTIES = [
  "TelephoneNumber",
  "Title",
  "Department",
  "Manager",
  "PhysicalDeliveryOfficeName",
];
const GROUPS = [
  "SG-Finance-Approvers",
  "SG-VPN-Users",
  "SG-Mobile-Users",
  "SG-Print-Manchester",
  "Teams-Depot-Ops",
];

/** AuditLogs: directory sync, group changes, password resets, security info. */
export function benignAudit(world: DayWorld, emit: Emit): void {
  const rng = new Prng(`${world.seed}/audit/${world.day}`);
  const users = world.org.users.filter((u) => u.enabled);
  const scale = world.org.scale;
  const weekend = isWeekend(world.day);
  const liam = world.org.byUpn.get(`liam.oconnor@${ORG.domain}`)!;
  const workHours = () => world.dayStart + 8 * HOUR + rng.int(9 * HOUR);
  const syncs = rng.poisson((weekend ? 6 : 26) * scale);
  for (let i = 0; i < syncs; i++) {
    const user = rng.pick(users);
    const property = rng.pick(SYNC_PROPERTIES);
    emit(auditRow({
      time: world.dayStart + rng.int(DAY),
      activity: "Update user",
      category: "UserManagement",
      service: "Core Directory",
      operationType: "Update",
      initiatedBy: SYNC_ACCOUNT,
      target: {
        id: user.objectId,
        type: "User",
        name: null,
        upn: user.upn,
        modified: [{ displayName: property, oldValue: "[]", newValue: "[]" }, {
          displayName: "Included Updated Properties",
          oldValue: "",
          newValue: `"${property}"`,
        }],
      },
      details: [["UserType", "Member"]],
      correlationId: rng.guid(),
      idSuffix: `${rng.hex(5).toUpperCase()}_${rng.range(10000000, 99999999)}`,
    }));
  }
  if (!weekend) {
    const groupChanges = rng.poisson(2 * scale);
    for (let i = 0; i < groupChanges; i++) {
      const user = rng.pick(users);
      const group = rng.pick(GROUPS);
      const add = rng.chance(0.7);
      emit(auditRow({
        time: workHours(),
        activity: add ? "Add member to group" : "Remove member from group",
        category: "GroupManagement",
        service: "Core Directory",
        operationType: add ? "Assign" : "Unassign",
        initiatedBy: byUser(liam, null),
        target: {
          id: user.objectId,
          type: "User",
          name: null,
          upn: user.upn,
          modified: [{
            displayName: "Group.DisplayName",
            oldValue: add ? "null" : `"${group}"`,
            newValue: add ? `"${group}"` : "null",
          }],
        },
        details: [],
        correlationId: rng.guid(),
        idSuffix: `${rng.hex(5).toUpperCase()}_${rng.range(10000000, 99999999)}`,
      }));
    }
    const resets = rng.poisson(0.8 * scale);
    for (let i = 0; i < resets; i++) {
      const user = rng.pick(users);
      const self = rng.chance(0.6);
      emit(auditRow({
        time: workHours(),
        activity: self ? "Reset password (self-service)" : "Reset password (by admin)",
        category: "UserManagement",
        service: self ? "Self-service Password Management" : "Core Directory",
        operationType: "Update",
        initiatedBy: self ? byUser(user, ORG.egress.london) : byUser(liam, null),
        target: { id: user.objectId, type: "User", name: null, upn: user.upn, modified: [] },
        details: [],
        correlationId: rng.guid(),
        idSuffix: `${rng.hex(5).toUpperCase()}_${rng.range(10000000, 99999999)}`,
      }));
    }
    // People replacing phones re-register their authenticator: the benign twin of stage 4.
    const reRegistrations = rng.poisson(0.4 * scale);
    for (let i = 0; i < reRegistrations; i++) {
      const user = rng.pick(users.filter((u) => u.mfaRegistered));
      securityInfoRegistered(
        emit,
        rng,
        user,
        workHours(),
        ORG.egress.london,
        "Microsoft Authenticator App",
      );
    }
  }
  // The new HR advisor: account synced from AD, groups added, first security info.
  const megan = world.org.byUpn.get(`megan.doyle@${ORG.domain}`);
  if (megan && megan.created >= world.dayStart && megan.created < world.dayStart + DAY) {
    emit(auditRow({
      time: megan.created + 2 * MINUTE,
      activity: "Add user",
      category: "UserManagement",
      service: "Core Directory",
      operationType: "Add",
      initiatedBy: SYNC_ACCOUNT,
      target: { id: megan.objectId, type: "User", name: null, upn: megan.upn, modified: [] },
      details: [["UserType", "Member"]],
      correlationId: rng.guid(),
      idSuffix: `${rng.hex(5).toUpperCase()}_${rng.range(10000000, 99999999)}`,
    }));
    securityInfoRegistered(
      emit,
      rng,
      megan,
      megan.created + 46 * MINUTE,
      ORG.egress.london,
      "Microsoft Authenticator App",
    );
  }
}

/** "User registered security info" plus the "Update user" that records the new method. */
export function securityInfoRegistered(
  emit: Emit,
  rng: Prng,
  user: User,
  time: number,
  ip: string,
  method: string,
): void {
  emit(auditRow({
    time,
    activity: "User registered security info",
    category: "UserManagement",
    service: "Authentication Methods",
    operationType: "Add",
    initiatedBy: byUser(user, ip),
    target: { id: user.objectId, type: "User", name: user.display, upn: user.upn, modified: [] },
    details: [["Method", method], ["TenantId", ORG.aadTenantId]],
    correlationId: rng.guid(),
    idSuffix: `${rng.hex(5).toUpperCase()}_${rng.range(10000000, 99999999)}`,
  }));
  emit(auditRow({
    time: time + 2 * SECOND,
    activity: "Update user",
    category: "UserManagement",
    service: "Core Directory",
    operationType: "Update",
    initiatedBy: {
      kind: "app",
      name: "Azure MFA StrongAuthenticationService",
      servicePrincipalId: "6a4c7d1e-3f92-4b58-8e06-c1d2b7a9f034",
    },
    target: {
      id: user.objectId,
      type: "User",
      name: null,
      upn: user.upn,
      modified: [{
        displayName: "StrongAuthenticationMethod",
        oldValue: "[]",
        newValue: '[{"MethodType":6,"Default":true},{"MethodType":7,"Default":false}]',
      }, {
        displayName: "Included Updated Properties",
        oldValue: "",
        newValue: '"StrongAuthenticationMethod"',
      }],
    },
    details: [["UserType", "Member"]],
    correlationId: rng.guid(),
    idSuffix: `${rng.hex(5).toUpperCase()}_${rng.range(10000000, 99999999)}`,
  }));
}
