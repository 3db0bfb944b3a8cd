/**
 * Ordinary cloud activity for the tables hunts join: Entra ID non-interactive sign-ins
 * (token refreshes from the same places the person works from), mail (Defender for
 * Office's EmailEvents, with partners, newsletters, SharePoint sharing notices and the odd
 * quarantined phish), Defender for Cloud Apps' CloudAppEvents, Azure's activity log (the
 * automation service principals' routine and admins' changes) and UEBA's
 * BehaviorAnalytics. Each table and day draws from its own stream.
 *
 * @module
 */
import { APPS } from "./_catalog.ts";
import { DAY, HOUR, isWeekend, MINUTE, SECOND } from "./_clock.ts";
import {
  azureActivityRows,
  behaviorRow,
  CLOUD_APPS,
  cloudAppRow,
  emailRow,
  nonInteractiveRow,
} from "./_cloud_rows.ts";
import { deviceOf, planUserDay } from "./_benign_identity.ts";
import { ORG, type User } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { DayWorld, Emit } from "./_world.ts";

const OFFICE_UA = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)";
const EDGE_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.80";

/** Token refreshes by Office, Teams and OneDrive through each person's working day. */
export function benignNonInteractive(world: DayWorld, emit: Emit): void {
  const apps = [APPS.teams, APPS.office, APPS.outlookWeb, APPS.sharepoint];
  for (const user of world.org.users) {
    const plan = planUserDay(world, user);
    if (!plan.present || user.legacyClient === "Authenticated SMTP") continue;
    const rng = new Prng(`${world.seed}/noninteractive/${world.day}/${user.index}`);
    const n = rng.poisson(2 * user.activity);
    for (let i = 0; i < n; i++) {
      emit(nonInteractiveRow({
        time: plan.start + rng.int(Math.max(1, plan.end - plan.start)),
        upn: user.upn,
        user,
        app: rng.pick(apps),
        ip: plan.ip,
        place: plan.place,
        asn: plan.asn,
        clientApp: "Mobile Apps and Desktop clients",
        resultType: "0",
        mfa: "Previously satisfied",
        device: deviceOf(world, user, "desk"),
        userAgent: OFFICE_UA,
        interactive: false,
        namedLocation: plan.named,
        correlationId: rng.guid(),
        id: rng.guid(),
      }));
    }
  }
}

const PARTNERS = [
  ["accounts@northgate-freight.example", "Northgate Freight Accounts"],
  ["orders@harbourtyres.example", "Harbour Tyres Ltd"],
  ["sales@fleetparts-direct.example", "FleetParts Direct"],
  ["clearance@uk-customs-broker.example", "UK Customs Broker"],
  ["bookings@palletline-hub.example", "Palletline Hub"],
] as const;
const PARTNER_SUBJECTS = [
  "Invoice attached",
  "Delivery schedule for next week",
  "RE: Quote request",
  "Proof of delivery",
  "Customs documents",
  "Order confirmation",
];
const NEWSLETTERS = [
  ["news@logisticsweekly.example", "Logistics Weekly", "This week in UK freight"],
  ["updates@fleetsafety-council.example", "Fleet Safety Council", "Safety bulletin"],
] as const;
const INTERNAL_SUBJECTS = [
  "Team meeting notes",
  "RE: Rota for next week",
  "Monthly figures",
  "Quick question",
  "FW: Customer escalation",
  "Lunch on Friday?",
];
const SHARE_FROM = "no-reply@sharepointonline.com";

/** A day of mail: partners, newsletters, colleagues, replies out, sharing notices, spam. */
export function benignEmail(world: DayWorld, emit: Emit): void {
  const users = world.org.users.filter((u) => u.enabled);
  const weekend = isWeekend(world.day);
  for (const user of users) {
    const plan = planUserDay(world, user);
    const rng = new Prng(`${world.seed}/email/${world.day}/${user.index}`);
    const during = () => plan.start + rng.int(Math.max(1, plan.end - plan.start));
    const inbound = rng.poisson(weekend ? 0.3 : 1.2);
    for (let i = 0; i < inbound; i++) {
      const newsletter = rng.chance(0.25);
      const [from, name, subject] = newsletter
        ? rng.pick(NEWSLETTERS)
        : [...rng.pick(PARTNERS), rng.pick(PARTNER_SUBJECTS)];
      emit(emailRow({
        time: weekend ? world.dayStart + rng.int(DAY) : during(),
        direction: "Inbound",
        from,
        fromName: name,
        to: user.upn,
        recipient: user,
        subject,
        senderIp: `192.0.2.${100 + rng.int(40)}`,
        attachments: newsletter ? 0 : rng.int(2),
        urls: newsletter ? 6 + rng.int(10) : rng.int(2),
        messageId: rng.guid(),
      }));
    }
    if (!plan.present || weekend) continue;
    const internal = rng.poisson(0.6);
    for (let i = 0; i < internal; i++) {
      const to = rng.pick(users);
      emit(emailRow({
        time: during(),
        direction: "Intra-org",
        from: user.upn,
        fromName: user.display,
        to: to.upn,
        recipient: to,
        subject: rng.pick(INTERNAL_SUBJECTS),
        senderIp: plan.ip,
        attachments: rng.int(2),
        urls: 0,
        messageId: rng.guid(),
      }));
    }
    if (rng.chance(0.3)) {
      const [to] = rng.pick(PARTNERS);
      emit(emailRow({
        time: during(),
        direction: "Outbound",
        from: user.upn,
        fromName: user.display,
        to,
        recipient: null,
        subject: `RE: ${rng.pick(PARTNER_SUBJECTS)}`,
        senderIp: plan.ip,
        attachments: rng.int(2),
        urls: 0,
        messageId: rng.guid(),
      }));
    }
    if (rng.chance(0.06)) {
      // A colleague shared a document: the notice the consent phish imitates.
      const owner = rng.pick(users);
      emit(emailRow({
        time: during(),
        direction: "Inbound",
        from: SHARE_FROM,
        fromName: `${owner.display} (via SharePoint Online)`,
        to: user.upn,
        recipient: user,
        subject: `${owner.display} shared "${
          rng.pick(["Budget FY26", "Route plan Q2", "Supplier list", "Rota"])
        }" with you`,
        senderIp: "192.0.2.150",
        attachments: 0,
        urls: 2,
        messageId: rng.guid(),
      }));
    }
  }
  // Phish and spam the filters caught.
  const rng = new Prng(`${world.seed}/email-threats/${world.day}`);
  const caught = rng.poisson(3 * world.org.scale);
  for (let i = 0; i < caught; i++) {
    const user = rng.pick(users);
    const phish = rng.chance(0.4);
    emit(emailRow({
      time: world.dayStart + rng.int(DAY),
      direction: "Inbound",
      from: phish
        ? `security@account-verify-${rng.hex(4)}.example`
        : `deals@promo-${rng.hex(4)}.example`,
      fromName: phish ? "Microsoft 365 Security" : "Special Offers",
      to: user.upn,
      recipient: user,
      subject: phish ? "Your password expires today" : "You have been selected",
      senderIp: `198.51.100.${220 + rng.int(30)}`,
      attachments: 0,
      urls: 1 + rng.int(3),
      threat: phish
        ? { types: "Phish", names: "", method: "URL detonation reputation" }
        : { types: "Spam", names: "", method: "Mixed analysis detection" },
      deliveryLocation: phish ? "Quarantine" : "Junk folder",
      messageId: rng.guid(),
    }));
  }
}

const SITE_FILES = [
  "Route plan.xlsx",
  "Rota.xlsx",
  "Supplier list.xlsx",
  "Minutes.docx",
  "Policy.pdf",
];

/** Mailbox and file activity as Defender for Cloud Apps records it. */
export function benignCloudApps(world: DayWorld, emit: Emit): void {
  for (const user of world.org.users) {
    const plan = planUserDay(world, user);
    if (!plan.present || user.legacyClient === "Authenticated SMTP") continue;
    const rng = new Prng(`${world.seed}/cloudapps/${world.day}/${user.index}`);
    const n = rng.poisson(1.6 * user.activity);
    for (let i = 0; i < n; i++) {
      const mail = rng.chance(0.5);
      const file = rng.pick(SITE_FILES);
      emit(cloudAppRow({
        time: plan.start + rng.int(Math.max(1, plan.end - plan.start)),
        app: mail ? CLOUD_APPS.exchange : CLOUD_APPS.sharepoint,
        action: mail
          ? "MailItemsAccessed"
          : rng.pick(["FileAccessed", "FileModified", "FileDownloaded"]),
        activityType: mail ? "Read" : "Access",
        user,
        ip: plan.ip,
        countryCode: plan.place.country,
        city: plan.place.city,
        isp: plan.where === "office" ? "Example Business Fibre" : "Example Broadband",
        userAgent: mail ? OFFICE_UA : EDGE_UA,
        objectName: mail ? "\\Inbox" : file,
        objectType: mail ? "Folder" : "File",
        appId: mail ? APPS.office.appId : undefined,
        extra: mail ? { MailAccessType: "Bind", OperationCount: 1 + rng.int(12) } : undefined,
        reportId: rng.guid(),
      }));
    }
  }
}

/** The Azure automation service principal the cloud incident abuses, and its routine. */
export const AUTOMATION = {
  appId: "4c8e2a1f-7b3d-4e95-a6c0-1f9d3b7e5a28",
  servicePrincipalId: "9a1d6e3b-2c7f-4a58-b0e4-6f3c8d2a1b97",
  /** Its hybrid runbook worker is LKS-APP01, so its calls leave from the London office. */
  ip: ORG.egress.london,
} as const;

const BACKUP_SP = "5e3b8d1c-4a7f-4c26-9e80-2d6b1f9a3c57";

/** Azure's activity log: dev VMs started and stopped, backups, policy audits, admin changes. */
export function benignAzureActivity(world: DayWorld, emit: Emit): void {
  const rng = new Prng(`${world.seed}/azure/${world.day}`);
  const ops = (
    time: number,
    operation: string,
    operationName: string,
    resourceGroup: string,
    resource: string,
    caller: string,
    callerIp: string,
    claims: Record<string, string>,
    category: "Administrative" | "Policy" = "Administrative",
  ) => {
    for (
      const row of azureActivityRows({
        time,
        operation,
        operationName,
        resourceGroup,
        resource,
        caller,
        callerIp,
        claims,
        category,
        correlationId: rng.guid(),
        eventIds: [rng.guid(), rng.guid()],
      })
    ) emit(row);
  };
  const sp = { appid: AUTOMATION.appId, oid: AUTOMATION.servicePrincipalId, idtyp: "app" };
  if (!isWeekend(world.day)) {
    for (const vm of ["vm-lks-dev01", "vm-lks-dev02"]) {
      const resource = `providers/Microsoft.Compute/virtualMachines/${vm}`;
      ops(
        world.dayStart + 6 * HOUR + rng.int(120) * SECOND,
        "Microsoft.Compute/virtualMachines/start/action",
        "Start Virtual Machine",
        "rg-larkspur-dev",
        resource,
        AUTOMATION.servicePrincipalId,
        AUTOMATION.ip,
        sp,
      );
      ops(
        world.dayStart + 20 * HOUR + rng.int(120) * SECOND,
        "Microsoft.Compute/virtualMachines/deallocate/action",
        "Deallocate Virtual Machine",
        "rg-larkspur-dev",
        resource,
        AUTOMATION.servicePrincipalId,
        AUTOMATION.ip,
        sp,
      );
    }
  }
  ops(
    world.dayStart + 1 * HOUR + rng.int(600) * SECOND,
    "Microsoft.Storage/storageAccounts/listKeys/action",
    "List Storage Account Keys",
    "rg-larkspur-backup",
    "providers/Microsoft.Storage/storageAccounts/stlksbackup01",
    BACKUP_SP,
    "192.0.2.10",
    { appid: "6b2f9e4a-1d7c-4a38-8e05-c3f1a9d7b264", oid: BACKUP_SP, idtyp: "app" },
  );
  const audits = rng.poisson(6);
  for (let i = 0; i < audits; i++) {
    ops(
      world.dayStart + rng.int(DAY),
      "Microsoft.Authorization/policies/audit/action",
      "'audit' Policy action.",
      rng.pick(["rg-larkspur-servers", "rg-larkspur-dev", "rg-secops-prod"]),
      `providers/Microsoft.Storage/storageAccounts/stlks${rng.hex(6)}`,
      "Microsoft.PolicyInsights",
      "",
      {},
      "Policy",
    );
  }
  if (!isWeekend(world.day)) {
    const admins = ["aisha.khan", "tom.harper"].map((s) =>
      world.org.byUpn.get(`${s}@${ORG.domain}`)!
    );
    const changes = rng.poisson(1.5);
    for (let i = 0; i < changes; i++) {
      const admin: User = rng.pick(admins);
      const [operation, name, resource] = rng.pick(
        [
          [
            "Microsoft.Network/networkSecurityGroups/securityRules/write",
            "Create or Update Security Rule",
            "providers/Microsoft.Network/networkSecurityGroups/nsg-lks-servers/securityRules/allow-mgmt",
          ],
          [
            "Microsoft.Compute/virtualMachines/write",
            "Create or Update Virtual Machine",
            "providers/Microsoft.Compute/virtualMachines/vm-lks-dev01",
          ],
          [
            "Microsoft.Storage/storageAccounts/write",
            "Create/Update Storage Account",
            "providers/Microsoft.Storage/storageAccounts/stlksbackup01",
          ],
        ] as const,
      );
      ops(
        world.dayStart + 9 * HOUR + rng.int(8 * HOUR),
        operation,
        name,
        "rg-larkspur-servers",
        resource,
        admin.upn,
        ORG.egress.london,
        { upn: admin.upn, oid: admin.objectId, appid: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c" },
      );
    }
  }
}

/** UEBA: one sign-in record per person and day, with insights for the unusual ones. */
export function benignBehavior(world: DayWorld, emit: Emit): void {
  for (const user of world.org.users) {
    const plan = planUserDay(world, user);
    if (!plan.present) continue;
    const rng = new Prng(`${world.seed}/ueba/${world.day}/${user.index}`);
    const abroad = plan.where === "trip";
    const firstDay = abroad &&
      planUserDay({ ...world, day: world.day - 1, dayStart: world.dayStart - DAY }, user).where !==
        "trip";
    emit(behaviorRow({
      time: plan.start + rng.int(20 * MINUTE),
      user,
      source: "Azure AD",
      activityType: "LogOn",
      actionType: "Sign-in",
      ip: plan.ip,
      country: plan.place.country,
      city: plan.place.city,
      priority: firstDay ? 3 + rng.int(2) : abroad ? 1 : 0,
      insights: {
        FirstTimeUserConnectedFromCountry: firstDay,
        CountryUncommonlyConnectedFromAmongPeers: abroad,
        FirstTimeUserConnectedViaISP: firstDay,
        FirstTimeUserUsedApp: false,
      },
      recordId: rng.guid(),
    }));
  }
}
