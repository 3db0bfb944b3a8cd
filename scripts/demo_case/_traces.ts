/**
 * The first intrusion as the tables added later record it: Defender for Endpoint's file
 * and registry events, Defender for Identity's directory queries, Entra ID's
 * non-interactive sign-ins, UEBA, Defender for Cloud Apps and Defender for Office. The
 * story and its times are `_attack.ts`'s; this file only adds the rows a real workspace
 * would also hold, from its own random stream so the original rows never shift.
 *
 * @module
 */
import { IMAGES } from "./_catalog.ts";
import { ANSWER_KEY, ATTACK_TIMES as T } from "./_attack.ts";
import { HOUR, MINUTE, SECOND } from "./_clock.ts";
import {
  behaviorRow,
  CLOUD_APPS,
  cloudAppRow,
  emailRow,
  fileEventRow,
  identityQueryRow,
  nonInteractiveRow,
  registryEventRow,
} from "./_cloud_rows.ts";
import { UNKNOWN_DEVICE } from "./_identity.ts";
import { PLACES } from "./_geo.ts";
import { ORG, type Organisation } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";
import { adminAccount, systemAccount, userAccount } from "./_windows.ts";

/** What the first intrusion adds to the later tables (facts the answer key does not hold). */
export const FIRST_INCIDENT_TRACES = {
  /** Mail the attacker's inbox rule forwarded out, after the rule was made. */
  forwardedEmails: 7,
  /** Token refreshes from the attacker's address after the browser sign-in. */
  attackerTokenRefreshes: 6,
  /** The scheduled task's registry key. */
  taskCacheKey: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Schedule" +
    `\\TaskCache\\Tree\\${ANSWER_KEY.implant.scheduledTask}`,
  /** The service's registry key on the file server. */
  serviceKey:
    `HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\${ANSWER_KEY.lateralMovement.serviceName}`,
} as const;

const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Chrome/122.0.0.0 Safari/537.36";

const FORWARDED_SUBJECTS = [
  "Invoice INV-20931 payment due",
  "RE: Remittance advice - March run",
  "Updated bank details for Northgate Freight",
  "Payment confirmation 11/03",
  "FW: Invoice query - Harbour Tyres Ltd",
  "Remittance advice 0312",
  "Invoice INV-21007 overdue",
];

/** The first intrusion's rows for the later tables, by table name. */
export function firstIncidentTraces(org: Organisation, seed: string): Map<string, Row[]> {
  const rows = new Map<string, Row[]>();
  const add = (table: string, row: Row) => {
    let list = rows.get(table);
    if (!list) rows.set(table, list = []);
    list.push(row);
  };
  const rng = new Prng(`${seed}/attack-traces`);
  const victim = org.byUpn.get(ANSWER_KEY.victim.upn)!;
  const tom = org.byUpn.get(ANSWER_KEY.stolenAdmin.owner)!;
  const ws = org.byHost.get(ANSWER_KEY.victim.workstation)!;
  const fs = org.byHost.get(ANSWER_KEY.lateralMovement.to)!;
  const dc = org.byHost.get("LKS-DC01")!;
  const account = userAccount(victim);
  const admin = adminAccount(tom);
  const report = () => 90_000_000 + rng.range(0, 9_999_999);
  const ps = {
    image: IMAGES.powershell,
    command: ANSWER_KEY.encodedPowerShell.commandLine,
    account,
  };
  const implant = {
    image: ANSWER_KEY.implant.path,
    command: `"${ANSWER_KEY.implant.path}" /svc`,
    account,
  };

  // Files on the workstation: the implant, the service binary, procdump and the dump.
  add(
    "DeviceFileEvents",
    fileEventRow({
      time: T.implantStart - 9 * SECOND,
      host: ws,
      action: "FileCreated",
      path: ANSWER_KEY.implant.path,
      size: 1_842_176,
      by: ps,
      reportId: report(),
    }),
  );
  add(
    "DeviceFileEvents",
    fileEventRow({
      time: T.passTheHash - 40 * SECOND,
      host: ws,
      action: "FileCreated",
      path: "C:\\ProgramData\\EdgeUpdate\\wsh.exe",
      file: undefined,
      size: 412_672,
      by: implant,
      reportId: report(),
    }),
  );
  add(
    "DeviceFileEvents",
    fileEventRow({
      time: T.elevatedShell + 50 * SECOND,
      host: ws,
      action: "FileCreated",
      path: "C:\\Users\\Public\\procdump64.exe",
      size: 424_856,
      by: implant,
      reportId: report(),
    }),
  );
  add(
    "DeviceFileEvents",
    fileEventRow({
      time: T.lsassDump + 3 * SECOND,
      host: ws,
      action: "FileCreated",
      path: ANSWER_KEY.lsassDump.dumpPath,
      size: ANSWER_KEY.c2.dumpUploadBytes,
      by: {
        image: "C:\\Users\\Public\\procdump64.exe",
        command: ANSWER_KEY.lsassDump.commandLine,
        account,
      },
      reportId: report(),
    }),
  );
  for (const path of [ANSWER_KEY.lsassDump.dumpPath, "C:\\Users\\Public\\procdump64.exe"]) {
    add(
      "DeviceFileEvents",
      fileEventRow({
        time: T.dumpDeleted + 1 * SECOND,
        host: ws,
        action: "FileDeleted",
        path,
        by: {
          image: IMAGES.cmd,
          command:
            `"${IMAGES.cmd}" /c del /f /q C:\\Users\\Public\\lsass.dmp C:\\Users\\Public\\procdump64.exe`,
          account,
        },
        reportId: report(),
      }),
    );
  }
  // The file server: the service binary arrives over SMB, then the archive and rclone.
  add(
    "DeviceFileEvents",
    fileEventRow({
      time: T.fileServerLogon + 6 * SECOND,
      host: fs,
      action: "FileCreated",
      path: ANSWER_KEY.lateralMovement.serviceFile,
      size: 412_672,
      by: { image: IMAGES.system, command: "", account: systemAccount(fs) },
      smb: { ip: ANSWER_KEY.lateralMovement.fromIp, account: admin, share: "C$" },
      reportId: report(),
    }),
  );
  add(
    "DeviceFileEvents",
    fileEventRow({
      time: T.staging + 4 * MINUTE,
      host: fs,
      action: "FileCreated",
      path: ANSWER_KEY.exfiltration.archive,
      size: ANSWER_KEY.exfiltration.totalBytes,
      by: {
        image: IMAGES.sevenZip,
        command:
          `"${IMAGES.sevenZip}" a -mx1 ${ANSWER_KEY.exfiltration.archive} D:\\Shares\\Finance`,
        account: systemAccount(fs),
      },
      reportId: report(),
    }),
  );
  add(
    "DeviceFileEvents",
    fileEventRow({
      time: T.exfilTool - 25 * SECOND,
      host: fs,
      action: "FileCreated",
      path: ANSWER_KEY.exfiltration.toolPath,
      size: 52_318_720,
      by: {
        image: ANSWER_KEY.lateralMovement.serviceFile,
        command: ANSWER_KEY.lateralMovement.serviceFile,
        account: systemAccount(fs),
      },
      reportId: report(),
    }),
  );

  // Registry: the scheduled task (written by the Task Scheduler service) and the service.
  const schedule = {
    image: IMAGES.svchost,
    command: "svchost.exe -k netsvcs -p -s Schedule",
    account: systemAccount(ws),
  };
  add(
    "DeviceRegistryEvents",
    registryEventRow({
      time: T.persistence + 1 * SECOND,
      host: ws,
      action: "RegistryKeyCreated",
      key: FIRST_INCIDENT_TRACES.taskCacheKey,
      by: schedule,
      reportId: report(),
    }),
  );
  add(
    "DeviceRegistryEvents",
    registryEventRow({
      time: T.persistence + 1 * SECOND + 20_000,
      host: ws,
      action: "RegistryValueSet",
      key: FIRST_INCIDENT_TRACES.taskCacheKey,
      valueName: "Id",
      valueData: `{${rng.guid().toUpperCase()}}`,
      valueType: "String",
      by: schedule,
      reportId: report(),
    }),
  );
  const services = { image: IMAGES.services, command: IMAGES.services, account: systemAccount(fs) };
  add(
    "DeviceRegistryEvents",
    registryEventRow({
      time: T.serviceInstall - 200_000,
      host: fs,
      action: "RegistryKeyCreated",
      key: FIRST_INCIDENT_TRACES.serviceKey,
      by: services,
      reportId: report(),
    }),
  );
  add(
    "DeviceRegistryEvents",
    registryEventRow({
      time: T.serviceInstall - 150_000,
      host: fs,
      action: "RegistryValueSet",
      key: FIRST_INCIDENT_TRACES.serviceKey,
      valueName: "ImagePath",
      valueData: ANSWER_KEY.lateralMovement.serviceFile,
      valueType: "ExpandString",
      by: services,
      reportId: report(),
    }),
  );

  // Defender for Identity sees the discovery against the domain controller.
  add(
    "IdentityQueryEvents",
    identityQueryRow({
      time: T.discovery + 2 * SECOND + 300_000,
      action: "SAMR query",
      queryType: "QueryGroup",
      query: "QueryGroup",
      target: "Domain Admins",
      account,
      user: victim,
      from: ws,
      dc,
      reportId: rng.guid(),
    }),
  );
  add(
    "IdentityQueryEvents",
    identityQueryRow({
      time: T.discovery + 4 * SECOND + 200_000,
      action: "LDAP query",
      queryType: "AllDomainControllers",
      query: "Search Scope: WholeSubtree, Base Object: DC=corp,DC=larkspurlogistics,DC=example, " +
        "Search Filter: (&(objectCategory=computer)(userAccountControl:1.2.840.113556.1.4.803:=8192))",
      account,
      user: victim,
      from: ws,
      dc,
      reportId: rng.guid(),
    }),
  );

  // The attacker's session keeps refreshing its token from the same address.
  for (let i = 0; i < FIRST_INCIDENT_TRACES.attackerTokenRefreshes; i++) {
    add(
      "AADNonInteractiveUserSignInLogs",
      nonInteractiveRow({
        time: T.attackerSignin + (i + 1) * HOUR + rng.int(300) * SECOND,
        upn: victim.upn,
        user: victim,
        app: {
          name: "One Outlook Web",
          appId: "9199bf20-a13f-4107-85dc-02114787ef48",
          resource: "Office 365 Exchange Online",
          resourceId: "00000002-0000-0ff1-ce00-000000000000",
        },
        ip: ANSWER_KEY.attacker.ip,
        place: PLACES.saoPaulo,
        asn: ANSWER_KEY.attacker.asn,
        clientApp: "Browser",
        resultType: "0",
        mfa: "Previously satisfied",
        device: { ...UNKNOWN_DEVICE, operatingSystem: "Windows10", browser: "Chrome 122.0.0" },
        userAgent: CHROME_UA,
        interactive: false,
        namedLocation: null,
        correlationId: rng.guid(),
        id: rng.guid(),
      }),
    );
  }

  // UEBA: the Brazilian sign-in is the first from that country for the user.
  add(
    "BehaviorAnalytics",
    behaviorRow({
      time: T.attackerSignin,
      user: victim,
      source: "Azure AD",
      activityType: "LogOn",
      actionType: "Sign-in",
      ip: ANSWER_KEY.attacker.ip,
      country: ANSWER_KEY.attacker.country,
      city: ANSWER_KEY.attacker.city,
      priority: 8,
      insights: {
        FirstTimeUserConnectedFromCountry: true,
        CountryUncommonlyConnectedFromAmongPeers: true,
        FirstTimeUserConnectedViaISP: true,
        FirstTimeUserUsedApp: false,
      },
      recordId: rng.guid(),
    }),
  );

  // Defender for Cloud Apps records the inbox rule; Defender for Office the mail it forwards.
  add(
    "CloudAppEvents",
    cloudAppRow({
      time: T.inboxRule,
      app: CLOUD_APPS.exchange,
      action: ANSWER_KEY.inboxRule.operation,
      activityType: "Create",
      user: victim,
      ip: ANSWER_KEY.attacker.ip,
      countryCode: ANSWER_KEY.attacker.country,
      city: ANSWER_KEY.attacker.city,
      isp: "Example Telecom BR",
      userAgent: CHROME_UA,
      objectName: ANSWER_KEY.inboxRule.name,
      objectType: "Inbox rule",
      extra: {
        Parameters: [
          { Name: "ForwardTo", Value: ANSWER_KEY.inboxRule.forwardTo },
          { Name: "SubjectOrBodyContainsWords", Value: ANSWER_KEY.inboxRule.keywords },
        ],
      },
      reportId: rng.guid(),
    }),
  );
  for (let i = 0; i < FIRST_INCIDENT_TRACES.forwardedEmails; i++) {
    add(
      "EmailEvents",
      emailRow({
        time: T.inboxRule + (40 + i * 397) * MINUTE + rng.int(600) * SECOND,
        direction: "Outbound",
        from: victim.upn,
        fromName: victim.display,
        to: ANSWER_KEY.inboxRule.forwardTo,
        recipient: null,
        subject: `FW: ${FORWARDED_SUBJECTS[i % FORWARDED_SUBJECTS.length]}`,
        senderIp: ORG.egress.london,
        attachments: 1,
        urls: 0,
        messageId: rng.guid(),
      }),
    );
  }
  return rows;
}
