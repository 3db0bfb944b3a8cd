/**
 * Ordinary endpoint and directory activity for the tables hunts join: the System log in
 * Event (service state changes, uptime, and Defender's own driver installs, which look
 * odd at first sight), Defender for Endpoint's file and registry events, and Defender for
 * Identity's directory queries (the helpdesk looking up users, an admin reviewing Domain
 * Admins, the inventory script listing computers). Each table and day draws from its own
 * stream, so none of this moves a row of another table.
 *
 * @module
 */
import { IMAGES } from "./_catalog.ts";
import { HOUR, isWeekend, MINUTE, SECOND } from "./_clock.ts";
import { fileEventRow, identityQueryRow, registryEventRow } from "./_cloud_rows.ts";
import { planUserDay } from "./_benign_identity.ts";
import { type Host, ORG, type User } from "./_org.ts";
import { Prng } from "./_prng.ts";
import {
  type Account,
  adminAccount,
  systemAccount,
  systemLogRow,
  userAccount,
} from "./_windows.ts";
import type { DayWorld, Emit } from "./_world.ts";

/** Patch Tuesday falls on day 8 (10 March 2026): updates, new services, new tasks. */
const PATCH_DAY = 8;

const SERVICES = [
  "Windows Update",
  "Windows Modules Installer",
  "Background Intelligent Transfer Service",
  "Microsoft Edge Update Service (edgeupdate)",
  "Windows Defender Advanced Threat Protection Service",
];

function windowsHosts(world: DayWorld): Host[] {
  return world.org.hosts.filter((h) => h.os === "Windows");
}

/** The System log: services starting and stopping, uptime, Defender driver installs. */
export function benignSystemLog(world: DayWorld, emit: Emit): void {
  for (const host of windowsHosts(world)) {
    const rng = new Prng(`${world.seed}/systemlog/${world.day}/${host.name}`);
    const day = world.dayStart;
    const changes = rng.poisson(world.day === PATCH_DAY ? 6 : 2);
    for (let i = 0; i < changes; i++) {
      const service = rng.pick(SERVICES);
      const state = rng.chance(0.5) ? "running" : "stopped";
      emit(systemLogRow({
        time: day + rng.int(24 * HOUR),
        host,
        source: "Service Control Manager",
        eventId: 7036,
        level: 4,
        userName: "N/A",
        description: `The ${service} service entered the ${state} state.`,
        data: [["param1", service], ["param2", state]],
      }));
    }
    if (host.kind === "server") {
      emit(systemLogRow({
        time: day + 12 * HOUR,
        host,
        source: "EventLog",
        eventId: 6013,
        level: 4,
        userName: "N/A",
        description: `The system uptime is ${(world.day + 20) * 86400} seconds.`,
        data: [["param1", String((world.day + 20) * 86400)], ["param2", "0"]],
      }));
    }
    // Defender installs a kernel driver with a random-looking name when it scans memory.
    if (rng.chance(host.kind === "server" ? 0.3 : 0.12)) {
      const name = `MpKsl${rng.hex(8)}`;
      const image = `C:\\ProgramData\\Microsoft\\Windows Defender\\Definition Updates\\` +
        `{${rng.guid().toUpperCase()}}\\MpKslDrv.sys`;
      emit(systemLogRow({
        time: day + rng.int(24 * HOUR),
        host,
        source: "Service Control Manager",
        eventId: 7045,
        level: 4,
        userName: "NT AUTHORITY\\SYSTEM",
        description: `A service was installed in the system.\r\n\r\nService Name:  ${name}` +
          `\r\nService File Name:  ${image}\r\nService Type:  kernel mode driver` +
          "\r\nService Start Type:  demand start\r\nService Account:  ",
        data: [
          ["ServiceName", name],
          ["ImagePath", image],
          ["ServiceType", "kernel mode driver"],
          ["StartType", "demand start"],
          ["AccountName", ""],
        ],
      }));
    }
  }
}

const DOCUMENTS = [
  ["Downloads", "Invoice_%.pdf"],
  ["Downloads", "Delivery_note_%.pdf"],
  ["Documents", "Route plan %.xlsx"],
  ["Documents", "Report %.docx"],
  ["OneDrive - Larkspur Logistics", "Rota %.xlsx"],
] as const;

function userOf(world: DayWorld, host: Host): User | undefined {
  return host.primaryUser === null ? undefined : world.org.byUpn.get(host.primaryUser);
}

/** Files people download and save, the file server's shares, and Patch Tuesday's updates. */
export function benignFileEvents(world: DayWorld, emit: Emit): void {
  const fs = world.org.byHost.get("LKS-FS01")!;
  let report = 80_000_000 + world.day * 100_000;
  for (const host of windowsHosts(world)) {
    if (!host.mde) continue;
    const rng = new Prng(`${world.seed}/files/${world.day}/${host.name}`);
    const user = userOf(world, host);
    const plan = user ? planUserDay(world, user) : undefined;
    if (user && plan?.present && plan.where === "office") {
      const account = userAccount(user);
      const n = rng.poisson(3 * user.activity);
      for (let i = 0; i < n; i++) {
        const [folder, pattern] = rng.pick(DOCUMENTS);
        const download = folder === "Downloads";
        const name = pattern.replace("%", String(rng.range(1000, 9999)));
        const image = download
          ? IMAGES.msedge
          : name.endsWith("xlsx")
          ? IMAGES.excel
          : IMAGES.winword;
        const time = plan.start + rng.int(Math.max(1, plan.end - plan.start));
        emit(fileEventRow({
          time,
          host,
          action: download ? "FileCreated" : "FileModified",
          path: `C:\\Users\\${user.sam}\\${folder}\\${name}`,
          size: rng.range(20_000, 2_000_000),
          by: { image, command: `"${image}"`, account },
          originUrl: download ? "https://portal.northgate-freight.example/docs" : undefined,
          reportId: report++,
        }));
        if (rng.chance(0.4)) {
          // Saved to the Finance or Operations share on the file server.
          emit(fileEventRow({
            time: time + rng.int(30 * MINUTE),
            host: fs,
            action: "FileModified",
            path: `D:\\Shares\\${user.department}\\${name}`,
            size: rng.range(20_000, 2_000_000),
            by: { image: IMAGES.system, command: "", account: systemAccount(fs) },
            smb: { ip: host.ip, account, share: user.department },
            reportId: report++,
          }));
        }
      }
    }
    if (world.day === PATCH_DAY) {
      const guid = rng.guid().toUpperCase();
      const installer = `C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\Install\\{${guid}}` +
        "\\MicrosoftEdgeUpdate.exe";
      emit(fileEventRow({
        time: world.dayStart + 3 * HOUR + rng.int(3 * HOUR),
        host,
        action: "FileCreated",
        path: installer,
        size: 1_612_840,
        by: {
          image: IMAGES.edgeUpdate,
          command: `"${IMAGES.edgeUpdate}" /ua /installsource scheduler`,
          account: systemAccount(host),
        },
        reportId: report++,
      }));
    }
  }
}

/** OneDrive and Teams refreshing their Run keys, Defender signatures, Patch Tuesday tasks. */
export function benignRegistryEvents(world: DayWorld, emit: Emit): void {
  let report = 85_000_000 + world.day * 100_000;
  for (const host of windowsHosts(world)) {
    if (!host.mde) continue;
    const rng = new Prng(`${world.seed}/registry/${world.day}/${host.name}`);
    const system = systemAccount(host);
    emit(registryEventRow({
      time: world.dayStart + rng.int(24 * HOUR),
      host,
      action: "RegistryValueSet",
      key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates",
      valueName: "SignaturesLastUpdated",
      valueData: String(rng.u32()),
      valueType: "Binary",
      by: { image: IMAGES.msmpeng, command: `"${IMAGES.msmpeng}"`, account: system },
      reportId: report++,
    }));
    const user = userOf(world, host);
    const plan = user ? planUserDay(world, user) : undefined;
    if (user && plan?.present && plan.where === "office" && rng.chance(0.5)) {
      emit(registryEventRow({
        time: plan.start + 2 * MINUTE + rng.int(120) * SECOND,
        host,
        action: "RegistryValueSet",
        key: `HKEY_CURRENT_USER\\${user.sid}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run`,
        valueName: "OneDrive",
        valueData: `"${IMAGES.onedrive}" /background`,
        valueType: "String",
        by: {
          image: IMAGES.onedrive,
          command: `"${IMAGES.onedrive}" /background`,
          account: userAccount(user),
        },
        reportId: report++,
      }));
    }
    if (world.day === PATCH_DAY && host.kind === "workstation") {
      // The real task the intrusion's task name imitates.
      const key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Schedule" +
        "\\TaskCache\\Tree\\MicrosoftEdgeUpdateTaskMachineUA";
      emit(registryEventRow({
        time: world.dayStart + 3 * HOUR + rng.int(3 * HOUR),
        host,
        action: "RegistryValueSet",
        key,
        valueName: "Id",
        valueData: `{${rng.guid().toUpperCase()}}`,
        valueType: "String",
        by: {
          image: IMAGES.svchost,
          command: "svchost.exe -k netsvcs -p -s Schedule",
          account: system,
        },
        reportId: report++,
      }));
    }
  }
}

function serviceAccount(name: string, rid: number): Account {
  return {
    name,
    domain: ORG.netbios,
    sid: `${ORG.domainSid}-${rid}`,
    type: "User",
    mdeName: name,
    mdeDomain: ORG.netbios.toLowerCase(),
    upn: `${name}@${ORG.domain}`,
    objectId: null,
    fixedLogonId: null,
  };
}

/** Directory queries Defender for Identity reports: the WMS app, the helpdesk, admins. */
export function benignDirectoryQueries(world: DayWorld, emit: Emit): void {
  const org = world.org;
  const rng = new Prng(`${world.seed}/directory/${world.day}`);
  const dcs = [org.byHost.get("LKS-DC01")!, org.byHost.get("LKS-DC02")!];
  const app = org.byHost.get("LKS-APP01")!;
  const jump = org.byHost.get("LKS-JUMP01")!;
  const wms = serviceAccount("svc-wms", 1607);
  const weekend = isWeekend(world.day);
  for (let h = 7; h < 19; h++) {
    if (weekend && h % 4 !== 0) continue;
    emit(identityQueryRow({
      time: world.dayStart + h * HOUR + rng.int(300) * SECOND,
      action: "LDAP query",
      queryType: "AllUsers",
      query: "Search Scope: WholeSubtree, Base Object: OU=Users,OU=Larkspur,DC=corp," +
        "DC=larkspurlogistics,DC=example, Search Filter: (&(objectCategory=person)(objectClass=user))",
      account: wms,
      user: null,
      from: app,
      dc: rng.pick(dcs),
      reportId: rng.guid(),
    }));
  }
  if (weekend) return;
  const liam = org.byUpn.get(`liam.oconnor@${ORG.domain}`)!;
  const liamWs = liam.workstation ? org.byHost.get(liam.workstation) : undefined;
  const lookups = rng.poisson(6);
  for (let i = 0; i < lookups && liamWs; i++) {
    const target = rng.pick(org.users);
    emit(identityQueryRow({
      time: world.dayStart + 8 * HOUR + rng.int(9 * HOUR),
      action: "SAMR query",
      queryType: "QueryUser",
      query: "QueryUser",
      target: target.display,
      account: userAccount(liam),
      user: liam,
      from: liamWs,
      dc: rng.pick(dcs),
      reportId: rng.guid(),
    }));
  }
  const aisha = org.byUpn.get(`aisha.khan@${ORG.domain}`)!;
  emit(identityQueryRow({
    time: world.dayStart + 7 * HOUR + 30 * MINUTE + rng.int(600) * SECOND,
    action: "LDAP query",
    queryType: "AllComputers",
    query: "Search Scope: WholeSubtree, Base Object: DC=corp,DC=larkspurlogistics,DC=example, " +
      "Search Filter: (objectClass=computer)",
    account: adminAccount(aisha),
    user: aisha,
    from: jump,
    dc: rng.pick(dcs),
    reportId: rng.guid(),
  }));
  if (world.day === 1) {
    // The monthly privileged-access review: the same query the intrusion's discovery makes.
    const tom = org.byUpn.get(`tom.harper@${ORG.domain}`)!;
    emit(identityQueryRow({
      time: world.dayStart + 10 * HOUR + 12 * MINUTE,
      action: "SAMR query",
      queryType: "QueryGroup",
      query: "QueryGroup",
      target: "Domain Admins",
      account: adminAccount(tom),
      user: tom,
      from: jump,
      dc: dcs[0],
      reportId: rng.guid(),
    }));
  }
}
