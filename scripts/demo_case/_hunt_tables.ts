/**
 * More of the tables real Sentinel hunting queries read that the case lacked (issue 16):
 * Defender for Office's EmailUrlInfo, EmailAttachmentInfo and UrlClickEvents (derived from
 * EmailEvents, `_hunt_echoes.ts`), Defender for Identity's IdentityDirectoryEvents, and
 * Global Secure Access's EnrichedMicrosoft365AuditLogs (the SharePoint activity of staff on
 * their managed workstations), and the automation apps' AADServicePrincipalSignInLogs
 * (`_hunt_sp_signins.ts`). The Security log gains 5145, 4663 and 5058 events
 * (`_hunt_echoes.ts`), the intruder's staging reads (4663), and the service desk's directory
 * work (4720, 4722, 4728, 4724, also in IdentityDirectoryEvents).
 *
 * Each generator draws from its own stream (`<seed>/enriched-m365/...`,
 * `<seed>/directory-changes/...`) or none, and only reads the other generators' rows, so adding
 * these tables moves no byte of the older ones' rows (SecurityEvent only gains rows).
 *
 * @module
 */
import { CLOUD_ANSWER_KEY, CLOUD_TIMES } from "./_cloud_attack.ts";
import { ANSWER_KEY, ATTACK_TIMES } from "./_attack.ts";
import { deviceOf, planUserDay } from "./_benign_identity.ts";
import { at, END, SECOND, START } from "./_clock.ts";
import { urlClickRow } from "./_hunt_echoes.ts";
import { ORG, type Organisation } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";
import type { DayWorld, Emit } from "./_world.ts";

/** The tables this module (and `_hunt_echoes.ts`) fill, in manifest order. */
export const HUNT_TABLES = [
  "EmailUrlInfo",
  "EmailAttachmentInfo",
  "UrlClickEvents",
  "IdentityDirectoryEvents",
  "EnrichedMicrosoft365AuditLogs",
  "AADServicePrincipalSignInLogs",
  "Anomalies",
] as const;

/** Seconds before the consent sign-in that the victim clicks the phish's link. */
const CLICK_LEAD = 23;

/**
 * The planted rows: the second incident's victim clicking the consent phish's link (Safe
 * Links did not flag it: the domain was new), from the office, just before she signs in to the
 * app. `cloudEmails` are the second incident's EmailEvents rows.
 */
export function huntPlantedRows(
  org: Organisation,
  cloudEmails: readonly Row[],
  attackSecurity: readonly Row[],
): Map<string, Row[]> {
  const k = CLOUD_ANSWER_KEY.phishing;
  const mail = cloudEmails.find((r) =>
    r.SenderFromDomain === k.senderDomain &&
    r.RecipientEmailAddress === CLOUD_ANSWER_KEY.victim.upn
  );
  if (mail === undefined) throw new RangeError("The consent phish to the victim is missing");
  return new Map([
    [
      "UrlClickEvents",
      [urlClickRow({
        time: CLOUD_TIMES.consentSignin - CLICK_LEAD * SECOND,
        upn: CLOUD_ANSWER_KEY.victim.upn,
        ip: CLOUD_ANSWER_KEY.victim.officeIp,
        url: k.url,
        messageId: String(mail.NetworkMessageId),
        reportId: `${mail.ReportId}-c`,
      })],
    ],
    ["SecurityEvent", [...stagingReads(attackSecurity), ...directoryAdmin(org, "SecurityEvent")]],
    ["IdentityDirectoryEvents", directoryAdmin(org, "IdentityDirectoryEvents")],
  ]);
}

/** The service desk's admin account, which creates accounts and resets passwords. */
const SERVICE_DESK = "liam.oconnor";
/** Logon session of the service desk's admin tools on the domain controller. */
const DESK_LOGON = 0x5d2a11;
/** A password reset the service desk did (a warehouse supervisor locked out of his account). */
const RESET = { sam: "george.hill", time: at(2026, 3, 9, 7, 48, 16) };

/**
 * The service desk's directory work on LKS-DC01, as the Security log (4720, 4722, 4728, 4724)
 * and Defender for Identity record it: the new HR advisor's account (created in AD, then
 * synced: AuditLogs "Add user" two minutes later) and one password reset.
 */
function directoryAdmin(
  org: Organisation,
  table: "SecurityEvent" | "IdentityDirectoryEvents",
): Row[] {
  const desk = org.byUpn.get(`${SERVICE_DESK}@${ORG.domain}`)!;
  const dc = org.byHost.get("LKS-DC01")!;
  const jump = org.byHost.get("LKS-JUMP01")!;
  const megan = org.byUpn.get(`megan.doyle@${ORG.domain}`);
  const reset = org.byUpn.get(`${RESET.sam}@${ORG.domain}`);
  const actor = `adm-${desk.sam}`;
  const rows: Row[] = [];
  const security = (time: number, id: number, activity: string, task: number, extra: Row) =>
    rows.push({
      TimeGenerated: time,
      SourceSystem: "OpsManager",
      Computer: `${dc.name}.${ORG.adDomain}`,
      EventSourceName: "Microsoft-Windows-Security-Auditing",
      Channel: "Security",
      Task: task,
      EventID: id,
      Activity: `${id} - ${activity}`,
      Account: `${ORG.netbios}\\${actor}`,
      AccountType: "User",
      SubjectUserSid: desk.adminSid ?? undefined,
      SubjectUserName: actor,
      SubjectDomainName: ORG.netbios,
      SubjectLogonId: `0x${DESK_LOGON.toString(16)}`,
      SubjectAccount: `${ORG.netbios}\\${actor}`,
      ...extra,
    });
  const directory = (time: number, action: string, user: typeof desk, fields: object) =>
    rows.push({
      TimeGenerated: time,
      Timestamp: time,
      ActionType: action,
      Application: "Active Directory",
      TargetAccountUpn: user.upn,
      TargetAccountDisplayName: user.display,
      DeviceName: jump.fqdn.toLowerCase(),
      IPAddress: jump.ip,
      DestinationDeviceName: dc.fqdn.toLowerCase(),
      DestinationIPAddress: dc.ip,
      Protocol: "Ldap",
      AccountName: user.sam,
      AccountDomain: ORG.adDomain,
      AccountUpn: user.upn,
      AccountSid: user.sid,
      AccountObjectId: user.objectId,
      AccountDisplayName: user.display,
      ReportId: `${user.objectId}-${time / SECOND}`,
      AdditionalFields: JSON.stringify({ "ACTOR.ACCOUNT": actor, ...fields }),
      SourceSystem: "",
    });
  const target = (user: typeof desk) => ({
    TargetAccount: `${ORG.netbios}\\${user.sam}`,
    TargetDomainName: ORG.netbios,
    TargetSid: user.sid,
    TargetUserName: user.sam,
  });
  if (megan && megan.created >= START && megan.created < END) {
    const t = megan.created;
    if (table === "SecurityEvent") {
      security(t, 4720, "A user account was created.", 13824, {
        ...target(megan),
        SamAccountName: megan.sam,
        UserPrincipalName: megan.upn,
      });
      security(t + 1 * SECOND, 4722, "A user account was enabled.", 13824, target(megan));
      for (const [i, group] of ["SG-HR", "All Staff"].entries()) {
        security(
          t + (38 + i * 6) * SECOND,
          4728,
          "A member was added to a security-enabled global group.",
          13826,
          {
            MemberName:
              `CN=${megan.display},OU=Users,OU=Larkspur,DC=corp,DC=larkspurlogistics,DC=example`,
            MemberSid: megan.sid,
            TargetAccount: `${ORG.netbios}\\${group}`,
            TargetDomainName: ORG.netbios,
            TargetSid: `${ORG.domainSid}-${3100 + i}`,
            TargetUserName: group,
          },
        );
      }
    } else {
      for (const [i, group] of ["SG-HR", "All Staff"].entries()) {
        directory(t + (38 + i * 6) * SECOND, "Group Membership changed", megan, {
          "TO.GROUP": group,
          "TARGET_OBJECT.USER": megan.display,
        });
      }
    }
  }
  if (reset) {
    if (table === "SecurityEvent") {
      security(
        RESET.time,
        4724,
        "An attempt was made to reset an account's password.",
        13824,
        target(reset),
      );
    } else {
      directory(RESET.time, "Account Password changed", reset, {
        "TARGET_OBJECT.USER": reset.display,
      });
    }
  }
  return rows;
}

/** The files 7-Zip reads off the Finance and HR shares while staging (object access, 4663). */
export const STAGED_FILES = [
  "D:\\Shares\\Finance\\Payments\\Supplier payments 2026-03.xlsx",
  "D:\\Shares\\Finance\\Payments\\Bank details - suppliers.xlsx",
  "D:\\Shares\\Finance\\Budget\\FY26 forecast.xlsx",
  "D:\\Shares\\Finance\\Payroll\\Payroll 2026-02.csv",
  "D:\\Shares\\HR\\Staff\\Staff records 2026.xlsx",
  "D:\\Shares\\HR\\Staff\\Salaries 2026.xlsx",
  "D:\\Shares\\HR\\Policies\\Leave policy.docx",
  "D:\\Shares\\HR\\Staff\\Rota March.xlsx",
] as const;

/**
 * The file server audits object access on its Finance and HR shares: 7-Zip, run as SYSTEM by
 * the intruder's service, reads each file (4663, ReadData) as it archives them.
 */
function stagingReads(attackSecurity: readonly Row[]): Row[] {
  const zip = attackSecurity.find((r) =>
    r.EventID === 4688 && String(r.NewProcessName).endsWith("\\7z.exe")
  );
  if (zip === undefined) throw new RangeError("The staging 7z.exe process is missing");
  const start = Number(zip.TimeGenerated);
  return STAGED_FILES.map((file, i) => ({
    TimeGenerated: start + (1 + i * 23) * SECOND + 410_000,
    SourceSystem: "OpsManager",
    Computer: zip.Computer,
    EventSourceName: "Microsoft-Windows-Security-Auditing",
    Channel: "Security",
    Task: 12800,
    EventID: 4663,
    Activity: "4663 - An attempt was made to access an object.",
    Account: zip.SubjectAccount ?? zip.Account,
    AccountType: "Machine",
    SubjectUserSid: zip.SubjectUserSid,
    SubjectUserName: zip.SubjectUserName,
    SubjectDomainName: zip.SubjectDomainName,
    SubjectLogonId: zip.SubjectLogonId,
    SubjectAccount: zip.SubjectAccount,
    ObjectServer: "Security",
    ObjectType: "File",
    ObjectName: file,
    HandleId: `0x${(0x1a4 + i * 8).toString(16)}`,
    AccessMask: "0x1",
    AccessList: "%%4416 ",
    ProcessId: zip.NewProcessId,
    ProcessName: zip.NewProcessName,
  }));
}

/** Record type of SharePoint file operations in the unified audit log (AuditLogRecordType). */
const SHAREPOINT_FILE_OPERATION = 6;

const SITE_FILES: Readonly<Record<string, readonly string[]>> = {
  Finance: ["Supplier payments 2026-03.xlsx", "Month end checklist.docx"],
  Operations: ["Route plan Q2.xlsx", "Depot KPIs.xlsx"],
  Sales: ["Pipeline FY26.xlsx", "Carrier rate card 2026.pdf"],
  HR: ["Leave tracker 2026.xlsx", "Onboarding checklist.docx"],
  IT: ["Patch schedule.xlsx", "Runbook - backups.docx"],
  Executive: ["Board pack March.pptx", "Budget FY27 draft.xlsx"],
};
const OPERATIONS = [
  ["FileAccessed", 6],
  ["FileModified", 3],
  ["FileDownloaded", 1],
] as const;

/**
 * EnrichedMicrosoft365AuditLogs: Global Secure Access's client runs on the managed Windows
 * workstations, so the SharePoint activity of staff working at their own machine (at the office,
 * or a laptop at home) is logged with the device and the address it came from.
 */
export function benignEnrichedM365(world: DayWorld, emit: Emit): void {
  for (const user of world.org.users) {
    if (user.workstation === null) continue;
    const host = world.org.byHost.get(user.workstation);
    const plan = planUserDay(world, user);
    if (host === undefined || !plan.present || plan.where === "trip") continue;
    if (plan.where !== "office" && host.alwaysOn) continue; // a desktop stays at the office
    const rng = new Prng(`${world.seed}/enriched-m365/${world.day}/${user.index}`);
    const device = deviceOf(world, user, "desk");
    const files = SITE_FILES[user.department] ?? SITE_FILES.Operations;
    const site = `https://larkspurlogistics.sharepoint.com/sites/${
      SITE_FILES[user.department] ? user.department : "Operations"
    }/Shared Documents/`;
    const n = rng.poisson(1.5 * user.activity);
    for (let i = 0; i < n; i++) {
      const roll = rng.int(10);
      const operation = roll < OPERATIONS[0][1]
        ? OPERATIONS[0][0]
        : roll < OPERATIONS[0][1] + OPERATIONS[1][1]
        ? OPERATIONS[1][0]
        : OPERATIONS[2][0];
      const file = rng.pick(files);
      emit({
        TimeGenerated: plan.start + rng.int(Math.max(1, plan.end - plan.start)),
        Id: rng.guid(),
        RecordType: SHAREPOINT_FILE_OPERATION,
        Operation: operation,
        OrganizationId: ORG.aadTenantId,
        UserType: "Regular",
        ActorUserType: "Regular",
        UserKey: `i:0h.f|membership|${user.puid.toLowerCase()}@live.com`,
        Workload: "SharePoint",
        ResultStatus: "Succeeded",
        ObjectId: `${site}${file}`,
        UserId: user.upn,
        ClientIp: plan.ip,
        SourceIp: plan.ip,
        UniqueTokenId: rng.hex(22),
        DeviceId: device.deviceId,
        DeviceOperatingSystem: "Windows",
        DeviceOperatingSystemVersion: "10.0.22631",
        AdditionalProperties: JSON.stringify({
          SiteUrl: site.replace("Shared Documents/", ""),
          SourceFileName: file,
          SourceFileExtension: file.slice(file.lastIndexOf(".") + 1),
          SourceRelativeUrl: "Shared Documents",
        }),
        SourceSystem: "",
      });
    }
  }
}

/**
 * IdentityDirectoryEvents: the directory changes the sensors on the domain controllers see.
 * Staff change their passwords (a 90-day policy) from their workstation; nothing the intruder
 * did touched the directory (the account they made, svc-helpdesk, is local to LKS-WS-1042).
 */
export function benignDirectoryChanges(world: DayWorld, emit: Emit): void {
  const dcs = world.org.servers.filter((h) => h.name.startsWith("LKS-DC"));
  for (const user of world.org.users) {
    if (user.workstation === null) continue;
    const plan = planUserDay(world, user);
    if (!plan.present || plan.where !== "office") continue;
    const rng = new Prng(`${world.seed}/directory-changes/${world.day}/${user.index}`);
    if (!rng.chance(1 / 90)) continue;
    const host = world.org.byHost.get(user.workstation)!;
    const dc = rng.pick(dcs);
    const time = plan.start + rng.int(Math.max(1, plan.end - plan.start));
    emit({
      TimeGenerated: time,
      Timestamp: time,
      ActionType: "Account Password changed",
      Application: "Active Directory",
      TargetAccountUpn: user.upn,
      TargetAccountDisplayName: user.display,
      TargetDeviceName: undefined,
      DeviceName: host.fqdn.toLowerCase(),
      IPAddress: host.ip,
      Port: String(rng.range(49152, 65535)),
      DestinationDeviceName: dc.fqdn.toLowerCase(),
      DestinationIPAddress: dc.ip,
      DestinationPort: "464",
      Protocol: "Kpasswd",
      AccountName: user.sam,
      AccountDomain: ORG.adDomain,
      AccountUpn: user.upn,
      AccountSid: user.sid,
      AccountObjectId: user.objectId,
      AccountDisplayName: user.display,
      ReportId: rng.guid(),
      AdditionalFields: JSON.stringify({
        "ACTOR.ACCOUNT": user.sam,
        "TARGET_OBJECT.USER": user.display,
        "ACTOR.DEVICE": host.name,
      }),
      SourceSystem: "",
    });
  }
}

/** The answer key's section on these tables (facts from the story, written out here). */
export function huntAnswerLines(org: Organisation): string[] {
  const victim = org.byUpn.get(ANSWER_KEY.victim.upn)!;
  const k = CLOUD_ANSWER_KEY.phishing;
  const click = new Date((CLOUD_TIMES.consentSignin - CLICK_LEAD * SECOND) / 1000);
  const iso = (d: Date) => d.toISOString().replace(".000Z", "Z");
  const fsLogon = new Date(ATTACK_TIMES.fileServerLogon / 1000);
  return [
    "## More hunting tables",
    "",
    "Tables and Security log events added so that real hunting queries find what a tenant " +
    "would have. What an analyst finds in each:",
    "",
    "- **EmailUrlInfo, EmailAttachmentInfo** (Defender for Office): one row per link and per " +
    "attachment of each EmailEvents message (same NetworkMessageId). The consent phish's one " +
    `link is \`${k.url}\`; the 7 messages the inbox rule forwarded to ` +
    `${ANSWER_KEY.inboxRule.forwardTo} each carry one PDF (the invoices and remittances).`,
    "- **UrlClickEvents** (Safe Links): staff open SharePoint notices, partner portals and " +
    "newsletters. Of the 4 recipients of the consent phish, only " +
    `${CLOUD_ANSWER_KEY.victim.upn} clicked its link, at ${iso(click)} from ` +
    `${CLOUD_ANSWER_KEY.victim.officeIp} (ActionType ClickAllowed: the new domain was not ` +
    "flagged), 23 seconds before she signed in to DocuView Secure.",
    "",
    "```kql",
    "EmailUrlInfo",
    `| where UrlDomain == "${new URL(k.url).hostname}"`,
    "| join kind=inner (EmailEvents | project NetworkMessageId, RecipientEmailAddress) " +
    "on NetworkMessageId",
    "| join kind=leftouter (UrlClickEvents",
    "    | project NetworkMessageId, ClickTime = TimeGenerated, ActionType, IPAddress) " +
    "on NetworkMessageId",
    "| project RecipientEmailAddress, Url, ClickTime, ActionType, IPAddress",
    "```",
    "",
    "- **SecurityEvent 5145** (detailed file share, audited on LKS-FS01 only): every share " +
    "access there names the file (RelativeTargetName) and the rights asked for (AccessList; " +
    "`%%4417` is WriteData). At the lateral movement adm-tom.harper, from " +
    `${ANSWER_KEY.lateralMovement.fromIp}, writes \`Windows\\Temp\\wsh.exe\` through \`C$\` ` +
    `(${iso(fsLogon)} plus about a second) and opens the service control pipe \`svcctl\` ` +
    "through `IPC$`: the classic remote service install.",
    "",
    "```kql",
    "SecurityEvent",
    '| where EventID == 5145 and ShareName in (@"\\\\*\\C$", @"\\\\*\\IPC$")',
    '| where AccessList has "%%4417"',
    "| project TimeGenerated, Computer, SubjectUserName, IpAddress, ShareName, " +
    "RelativeTargetName",
    "| order by TimeGenerated asc",
    "```",
    "",
    "- **SecurityEvent 4663** (object access, audited on LKS-FS01's Finance and HR folders): " +
    "staff opening their files over SMB (ProcessName `System`). On 13 March, from " +
    `${iso(new Date(ATTACK_TIMES.staging / 1000))}, LKS-FS01$ (SYSTEM, the intruder's service) ` +
    `reads ${STAGED_FILES.length} files with \`7z.exe\` before the archive appears: the staging.`,
    "",
    "```kql",
    "SecurityEvent",
    '| where EventID == 4663 and ProcessName endswith "7z.exe"',
    "| summarize Files = dcount(ObjectName), First = min(TimeGenerated), " +
    "Last = max(TimeGenerated) by Computer, SubjectUserName",
    "```",
    "",
    "- **SecurityEvent 5058** (key file operation): each RDP logon makes the RDP service " +
    "(NETWORK SERVICE, logon id 0x3e4) read its TLS key `TSSecKeySet1`, including the " +
    `attacker's RDP session on ${victim.workstation}. No other machine key is read: Microsoft's ` +
    '"device identity key" hunt (5058 on `Microsoft\\Crypto\\Keys\\`) rightly finds nothing.',
    "- **IdentityDirectoryEvents** (Defender for Identity): staff changing their passwords " +
    "(Account Password changed, Kpasswd to a domain controller), and the service desk " +
    `(adm-${SERVICE_DESK}, from LKS-JUMP01) adding the new HR advisor megan.doyle to SG-HR and ` +
    "All Staff (Group Membership changed; SecurityEvent 4720, 4722 and 4728 on LKS-DC01 at " +
    `${iso(new Date(org.byUpn.get(`megan.doyle@${ORG.domain}`)!.created / 1000))}) and ` +
    `resetting ${RESET.sam}'s password (4724, ${iso(new Date(RESET.time / 1000))}). The ` +
    "intrusion changed nothing in the directory: svc-helpdesk is a local account of the " +
    "workstation.",
    "- **AADServicePrincipalSignInLogs**: the two automation apps' token requests from the " +
    "London office's address, lks-infra-automation before its 06:00 and 20:00 weekday runs, " +
    "lks-backup-automation before 01:00 daily (its credential key changes after the 10 March " +
    "rotation). Once, at " +
    `${iso(new Date((CLOUD_TIMES.resourceGroup - 38 * SECOND) / 1000))}, ` +
    `lks-infra-automation signs in from ${CLOUD_ANSWER_KEY.attacker.ip} (Ashburn, US) with a ` +
    "credential key never used before: the secret added at C4, just before the GPU VMs.",
    "",
    "```kql",
    "AADServicePrincipalSignInLogs",
    "| summarize Signins = count(), First = min(TimeGenerated), Ips = make_set(IPAddress)",
    "    by ServicePrincipalName, ServicePrincipalCredentialKeyId",
    "| order by First asc",
    "```",
    "",
    "- **Anomalies** (Sentinel's anomaly rules): five, all the first intrusion's, a few hours " +
    "after each stage: `Attempted user account brute force` for each of the three spray " +
    `sources, \`Anomalous Sign-in\` for ${ANSWER_KEY.victim.upn} from ` +
    `${ANSWER_KEY.attacker.ip}, and \`Anomalous RDP Login Detections\` for the RDP logon to ` +
    `${ANSWER_KEY.victim.workstation}. ${ANSWER_KEY.attacker.ip} is the only address with ` +
    "anomalies of three templates.",
    "",
    "```kql",
    "Anomalies",
    "| summarize Anomalies = count(), Templates = dcount(AnomalyTemplateName),",
    "    First = min(StartTime) by SourceIpAddress",
    "| order by Anomalies desc, SourceIpAddress asc",
    "```",
    "",
    "- **EnrichedMicrosoft365AuditLogs** (Global Secure Access): SharePoint file activity of " +
    "staff at their managed workstations, with DeviceId and SourceIp. The attacker's mailbox " +
    "access, inbox rule and consent-phish activity never appear: they came from unmanaged " +
    "machines, not through the Global Secure Access client.",
    "",
  ];
}
