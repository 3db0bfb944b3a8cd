/**
 * One ordinary day on the Windows estate: who logs on where, which processes start, which
 * connections are made. SecurityEvent, DeviceProcessEvents, DeviceNetworkEvents,
 * CommonSecurityLog and DnsEvents are all views of this one simulation, so the same
 * process or connection shows up consistently in every table that would record it.
 *
 * @module
 */
import {
  ADMIN_COMMANDS,
  ADMIN_ENCODED_SCRIPT,
  BACKUP_DESTINATION,
  type Destination,
  encodePowerShell,
  IMAGES,
  INVENTORY_COMMAND,
  IT_USER_PROCESSES,
  type ProcessKind,
  SERVER_COMMON,
  SERVER_PROCESSES,
  SYSTEM_PROCESSES,
  USER_PROCESSES,
  WORKSTATION_DESTINATIONS,
} from "./_catalog.ts";
import { DAY, HOUR, isWeekend, MINUTE, SECOND, START } from "./_clock.ts";
import { type Host, type Organisation, RDP_FORWARD, SCANNERS, tripOn, type User } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";
import {
  type Account,
  adminAccount,
  computerAccount,
  domainAuthEvent,
  type Flow,
  logoffEvent,
  logonEvent,
  type ProcessStart,
  serviceAccount,
  serviceInstallEvents,
  shareAccessEvent,
  specialPrivilegesEvent,
  systemAccount,
  userAccount,
} from "./_windows.ts";

/** An interactive or remote-interactive session on a host. */
export interface Session {
  readonly user: User | null;
  readonly account: Account;
  readonly host: Host;
  readonly logonId: number;
  readonly start: number;
  readonly end: number;
  readonly logonType: 2 | 10;
  readonly sourceIp: string | null;
  readonly explorerPid: number;
  readonly elevated: boolean;
}

/** Receives what the simulation produces, as it produces it. */
export interface Collector<T> {
  push(...items: T[]): void;
}

/**
 * Where the day's telemetry goes. The simulation streams into these instead of keeping a
 * day's worth of objects, so memory does not grow with the size of the organisation.
 */
export interface WindowsSink {
  /** Security log rows other than 4688 (logons, logoffs, privileges, shares, Kerberos). */
  readonly security: Collector<Row>;
  /** Process starts (each becomes a 4688 and, on Defender machines, a DeviceProcessEvents row). */
  readonly processes: Collector<ProcessStart>;
  /** Connections (DeviceNetworkEvents, the firewall log, DNS lookups). */
  readonly flows: Collector<Flow>;
}

/** One Windows host on one day: when it was on, and where its telemetry goes. */
export interface HostDay extends WindowsSink {
  readonly host: Host;
  /** Intervals the machine was powered on and reporting. */
  readonly online: Array<readonly [number, number]>;
}

/** An internet connection to the RDP port forward. */
export interface RdpProbe {
  readonly time: number;
  readonly ip: string;
  readonly port: number;
  readonly country: string;
  /** Seconds the session lasted; scanners give up within seconds. */
  readonly seconds: number;
  readonly owner: boolean;
}

/** The simulated day for the whole Windows estate. */
export interface WindowsDay {
  readonly day: number;
  readonly hosts: ReadonlyMap<string, HostDay>;
  /** Connections through the RDP port forward (for the firewall log). */
  readonly rdpProbes: readonly RdpProbe[];
}

const SERVICES_PID = 0x2b4;

/** Images that run as a service account rather than as the signed-in user. */
const SYSTEM_IMAGES: ReadonlySet<string> = new Set([
  IMAGES.svchost,
  IMAGES.system,
  IMAGES.lsass,
  IMAGES.sense,
  IMAGES.msmpeng,
  IMAGES.edgeUpdate,
  IMAGES.vaultline,
  IMAGES.compattel,
]);

/** What a machine talks to with nobody signed in: only its services. */
const BACKGROUND_DESTINATIONS = WORKSTATION_DESTINATIONS.filter((d) =>
  d.processes.every((p) => SYSTEM_IMAGES.has(p))
);
const WININIT = "C:\\Windows\\System32\\wininit.exe";

function pid(rng: Prng): number {
  return 4 * rng.range(200, 9000);
}

function grandparentOf(parent: string): string {
  if (parent === IMAGES.explorer) return IMAGES.userinit;
  if (parent === IMAGES.services) return WININIT;
  if (parent.endsWith("\\svchost.exe")) return IMAGES.services;
  if (parent === IMAGES.msmpeng) return IMAGES.services;
  return IMAGES.explorer;
}

function pickKind(rng: Prng, kinds: readonly ProcessKind[]): ProcessKind {
  return rng.weighted(kinds, kinds.map((k) => k.weight));
}

function pickDestination(rng: Prng, list: readonly Destination[]): Destination {
  return rng.weighted(list, list.map((d) => d.weight));
}

/** Simulates `day` for every Windows host in `org`, streaming telemetry into `sink`. */
export function simulateWindowsDay(
  org: Organisation,
  day: number,
  seed: string,
  sink: WindowsSink,
): WindowsDay {
  const hosts = new Map<string, HostDay>();
  const dayStart = START + day * DAY;
  const ctx: SimContext = { org, day, dayStart, hosts, seed };
  for (const host of org.hosts) {
    if (host.os !== "Windows") continue;
    hosts.set(host.name, { host, online: [], ...sink });
  }
  for (const host of org.workstations) simulateWorkstation(ctx, hosts.get(host.name)!);
  for (const host of org.servers) {
    if (host.os === "Windows") simulateServer(ctx, hosts.get(host.name)!);
  }
  simulateRemoteDesktop(ctx);
  simulateAdmins(ctx);
  simulateBackups(ctx);
  const rdpProbes = simulateRdpForward(ctx);
  simulateMachineAccounts(ctx);
  return { day, hosts, rdpProbes };
}

interface SimContext {
  readonly org: Organisation;
  readonly day: number;
  readonly dayStart: number;
  readonly hosts: Map<string, HostDay>;
  readonly seed: string;
}

function rngFor(ctx: SimContext, label: string): Prng {
  return new Prng(`${ctx.seed}/windows/${ctx.day}/${label}`);
}

function dcFor(ctx: SimContext, rng: Prng): HostDay {
  return ctx.hosts.get(rng.chance(0.5) ? "LKS-DC01" : "LKS-DC02")!;
}

/** Adds process starts of `kinds` to `hd` at random times within [from, to). */
function addProcesses(
  rng: Prng,
  hd: HostDay,
  kinds: readonly ProcessKind[],
  count: number,
  from: number,
  to: number,
  session: Session | null,
  bootTime: number,
): void {
  for (let i = 0; i < count; i++) {
    const k = pickKind(rng, kinds);
    const time = from + rng.int(to - from);
    addProcess(rng, hd, k, time, session, bootTime);
  }
}

function accountFor(hd: HostDay, runAs: ProcessKind["runAs"], session: Session | null): Account {
  switch (runAs) {
    case "system":
      return systemAccount(hd.host);
    case "network":
      return serviceAccount(hd.host, "network");
    case "local":
      return serviceAccount(hd.host, "local");
    case "user":
    case "admin":
      return session ? session.account : systemAccount(hd.host);
  }
}

function addProcess(
  rng: Prng,
  hd: HostDay,
  k: ProcessKind,
  time: number,
  session: Session | null,
  bootTime: number,
): ProcessStart {
  const account = accountFor(hd, k.runAs, session);
  const userish = k.runAs === "user" || k.runAs === "admin";
  const fromExplorer = k.parent === IMAGES.explorer;
  const parentPid = fromExplorer && session
    ? session.explorerPid
    : k.parent === IMAGES.services
    ? SERVICES_PID
    : pid(rng);
  const command = k.command.replaceAll("{user}", session?.user?.sam ?? "Public").replaceAll(
    "{host}",
    hd.host.name,
  );
  const parentAccount = fromExplorer || (userish && !k.parent.endsWith("svchost.exe"))
    ? account
    : k.parent === IMAGES.msmpeng
    ? systemAccount(hd.host)
    : systemAccount(hd.host);
  const p: ProcessStart = {
    time,
    host: hd.host,
    image: k.image,
    command,
    pid: pid(rng),
    account,
    logonId: account.fixedLogonId ?? session?.logonId ?? 0x3e7,
    integrity: userish
      ? (session?.elevated && !fromExplorer ? "High" : "Medium")
      : account.fixedLogonId === 0x3e7
      ? "System"
      : "System",
    elevation: userish ? (session?.elevated ? "Full" : "Limited") : "Default",
    parentImage: k.parent,
    parentCommand: k.parentCommand,
    parentPid,
    parentTime: fromExplorer && session ? session.start + 4 * SECOND : bootTime,
    parentAccount,
    grandparentImage: grandparentOf(k.parent),
    grandparentPid: k.parent === IMAGES.services ? 0x260 : fromExplorer ? pid(rng) : SERVICES_PID,
    grandparentTime: fromExplorer && session ? session.start + 2 * SECOND : bootTime,
  };
  hd.processes.push(p);
  return p;
}

/** Adds `count` outbound connections from `hd` to `destinations` within [from, to). */
function addFlows(
  rng: Prng,
  hd: HostDay,
  destinations: readonly Destination[],
  count: number,
  from: number,
  to: number,
  session: Session | null,
  bootTime: number,
): void {
  for (let i = 0; i < count; i++) {
    const d = pickDestination(rng, destinations);
    addFlow(rng, hd, d, from + rng.int(to - from), session, bootTime);
  }
}

function addFlow(
  rng: Prng,
  hd: HostDay,
  d: Destination,
  time: number,
  session: Session | null,
  bootTime: number,
  sentOverride?: number,
): void {
  const process = rng.pick(d.processes);
  const userProcess = !SYSTEM_IMAGES.has(process);
  const account = userProcess && session ? session.account : systemAccount(hd.host);
  hd.flows.push({
    time,
    host: hd.host,
    remoteIp: rng.pick(d.ips),
    remotePort: d.port,
    remoteUrl: d.url,
    localPort: rng.range(49152, 65535),
    protocol: d.protocol,
    inbound: false,
    failed: rng.chance(0.01),
    app: d.app,
    sent: sentOverride ?? rng.range(d.sent[0], d.sent[1]),
    received: rng.range(d.received[0], d.received[1]),
    process,
    processPid: process === IMAGES.system ? 4 : pid(rng),
    processCommand: process === IMAGES.svchost
      ? `${IMAGES.svchost} -k netsvcs -p`
      : process === IMAGES.system
      ? ""
      : `"${process}"`,
    processTime: userProcess && session ? session.start + 30 * SECOND : bootTime,
    account,
  });
}

function simulateWorkstation(ctx: SimContext, hd: HostDay): void {
  const rng = rngFor(ctx, hd.host.name);
  const host = hd.host;
  const owner = host.primaryUser ? ctx.org.byUpn.get(host.primaryUser) ?? null : null;
  const weekend = isWeekend(ctx.day);
  const away = owner ? tripOn(ctx.org, owner.upn, ctx.day) !== undefined : true;
  const present = owner !== null && !away &&
    (weekend ? rng.chance(0.04) : rng.chance(0.94)) && !rng.chance(owner.wfh);
  const arrive = ctx.dayStart + 8 * HOUR + Math.round(rng.normal() * 35 * MINUTE);
  const clampedArrive = Math.min(
    Math.max(arrive, ctx.dayStart + 6 * HOUR + 30 * MINUTE),
    ctx.dayStart + 10 * HOUR + 30 * MINUTE,
  );
  const leave = clampedArrive + 8 * HOUR + 30 * MINUTE + Math.round(rng.normal() * 50 * MINUTE);
  const bootTime = host.alwaysOn ? START - 3 * DAY + rng.int(HOUR) : clampedArrive - 3 * MINUTE;
  if (host.alwaysOn) {
    hd.online.push([ctx.dayStart, ctx.dayStart + DAY]);
  } else if (present) {
    hd.online.push([clampedArrive - 3 * MINUTE, leave + 4 * MINUTE]);
  }
  if (hd.online.length === 0) return;
  const [onFrom, onTo] = hd.online[0];
  const hours = (onTo - onFrom) / HOUR;

  // Background work happens whether or not anyone is signed in.
  addProcesses(rng, hd, SYSTEM_PROCESSES, rng.poisson(hours * 3.5), onFrom, onTo, null, bootTime);
  serviceLogons(rng, hd, rng.poisson(hours * 1.6), onFrom, onTo);
  const inventoryAt = host.alwaysOn
    ? ctx.dayStart + 6 * HOUR + rng.int(15 * MINUTE)
    : onFrom + 3 * MINUTE + rng.int(2 * MINUTE);
  addInventory(rng, hd, inventoryAt, bootTime);
  addFlows(
    rng,
    hd,
    BACKGROUND_DESTINATIONS,
    rng.poisson(hours * 1.2),
    onFrom,
    onTo,
    null,
    bootTime,
  );

  managementLogons(rng, hd, onFrom, onTo);
  if (!present || owner === null) return;
  const account = userAccount(owner);
  const localAdmin = owner.department === "IT" || owner.sam === "daniel.reyes";
  if (rng.chance(owner.sam === "george.hill" ? 0.4 : 0.07)) {
    hd.security.push(logonEvent({
      time: clampedArrive - 20 * SECOND,
      host,
      account,
      logonType: 2,
      logonId: 0,
      failure: { status: "0xc000006d", subStatus: "0xc000006a", reason: "%%2313" },
    }));
  }
  const session = interactiveSession(
    rng,
    hd,
    owner,
    account,
    clampedArrive,
    leave,
    2,
    null,
    localAdmin,
  );
  const kinds = owner.department === "IT"
    ? [...USER_PROCESSES, ...IT_USER_PROCESSES]
    : USER_PROCESSES;
  addProcesses(
    rng,
    hd,
    kinds,
    rng.poisson(48 * owner.activity),
    session.start,
    session.end,
    session,
    bootTime,
  );
  addFlows(
    rng,
    hd,
    WORKSTATION_DESTINATIONS,
    rng.poisson(8.5 * (leave - clampedArrive) / HOUR),
    session.start,
    session.end,
    session,
    bootTime,
  );
  kerberosForSession(ctx, rng, owner, host, session.start);
  fileShareVisits(ctx, rng, owner, host, session, rng.poisson(2.5 * owner.activity));
  const tickets = rng.poisson(22);
  for (let i = 0; i < tickets; i++) {
    const dc = dcFor(ctx, rng);
    const t = session.start + rng.int(Math.max(1, session.end - session.start));
    dc.security.push(
      domainAuthEvent(t, dc.host, 4769, account, host.ip, rng.pick(SERVICE_TICKETS), host.name),
    );
  }
  const unlocks = rng.poisson(6);
  for (let i = 0; i < unlocks; i++) {
    const t = session.start + HOUR + rng.int(Math.max(1, session.end - session.start - 2 * HOUR));
    const id = rng.range(0x100000, 0xffffff);
    hd.security.push(logonEvent({ time: t, host, account, logonType: 7, logonId: id }));
    if (localAdmin) hd.security.push(specialPrivilegesEvent(t + 12, host, account, id));
    hd.security.push(logoffEvent(t + 2 * SECOND, host, account, 7, id));
  }
}

function interactiveSession(
  rng: Prng,
  hd: HostDay,
  user: User | null,
  account: Account,
  start: number,
  end: number,
  logonType: 2 | 10,
  sourceIp: string | null,
  elevated: boolean,
): Session {
  const host = hd.host;
  const logonId = rng.range(0x100000, 0xffffff);
  const session: Session = {
    user,
    account,
    host,
    logonId,
    start,
    end,
    logonType,
    sourceIp,
    explorerPid: pid(rng),
    elevated,
  };
  hd.security.push(logonEvent({
    time: start,
    host,
    account,
    logonType,
    logonId,
    ip: sourceIp ?? undefined,
    port: sourceIp ? rng.range(49152, 65535) : undefined,
    auth: "Negotiate",
    workstation: sourceIp ? undefined : host.name,
  }));
  if (elevated) hd.security.push(specialPrivilegesEvent(start + 15, host, account, logonId));
  hd.security.push(logoffEvent(end, host, account, logonType, logonId));
  // The shell starting: userinit, then explorer, as every logon does.
  const boot = start;
  hd.processes.push({
    time: start + 2 * SECOND,
    host,
    image: IMAGES.userinit,
    command: IMAGES.userinit,
    pid: pid(rng),
    account,
    logonId,
    integrity: "Medium",
    elevation: elevated ? "Full" : "Limited",
    parentImage: IMAGES.winlogon,
    parentCommand: "winlogon.exe",
    parentPid: 0x2f8,
    parentTime: boot - HOUR,
    parentAccount: systemAccount(host),
    grandparentImage: "C:\\Windows\\System32\\smss.exe",
    grandparentPid: 0x1c0,
    grandparentTime: boot - HOUR,
  });
  hd.processes.push({
    time: start + 4 * SECOND,
    host,
    image: IMAGES.explorer,
    command: IMAGES.explorer,
    pid: session.explorerPid,
    account,
    logonId,
    integrity: "Medium",
    elevation: elevated ? "Full" : "Limited",
    parentImage: IMAGES.userinit,
    parentCommand: IMAGES.userinit,
    parentPid: pid(rng),
    parentTime: start + 2 * SECOND,
    parentAccount: account,
    grandparentImage: IMAGES.winlogon,
    grandparentPid: 0x2f8,
    grandparentTime: boot - HOUR,
  });
  if (logonType === 10) {
    hd.processes.push({
      time: start + 6 * SECOND,
      host,
      image: IMAGES.rdpclip,
      command: "rdpclip",
      pid: pid(rng),
      account,
      logonId,
      integrity: "Medium",
      elevation: elevated ? "Full" : "Limited",
      parentImage: IMAGES.svchost,
      parentCommand: `${IMAGES.svchost} -k netsvcs -p -s Schedule`,
      parentPid: pid(rng),
      parentTime: boot - HOUR,
      parentAccount: systemAccount(host),
      grandparentImage: IMAGES.services,
      grandparentPid: SERVICES_PID,
      grandparentTime: boot - HOUR,
    });
  }
  return session;
}

const SERVICE_TICKETS = ["LKS-FS01$", "LKS-APP01$", "LKS-DC01$", "LKS-PRINT01$", "LKS-SQL01$"];

/** The software inventory service account, which logs on to every workstation over the network. */
const INVENTORY_ACCOUNT: Account = {
  name: "svc-inventory",
  domain: "LARKSPUR",
  sid: "S-1-5-21-2746361983-1738253491-3120598347-1202",
  type: "User",
  mdeName: "svc-inventory",
  mdeDomain: "larkspur",
  upn: null,
  objectId: null,
  fixedLogonId: null,
};

/** LKS-WSUS01 polls each running workstation every couple of hours. */
function managementLogons(rng: Prng, hd: HostDay, from: number, to: number): void {
  for (let t = from + rng.int(2 * HOUR); t < to; t += 2 * HOUR + rng.int(20 * MINUTE)) {
    const id = rng.range(0x1000000, 0xfffffff);
    hd.security.push(logonEvent({
      time: t,
      host: hd.host,
      account: INVENTORY_ACCOUNT,
      logonType: 3,
      logonId: id,
      ip: "10.10.1.50",
      port: rng.range(49152, 65535),
      auth: "Kerberos",
    }));
    hd.security.push(specialPrivilegesEvent(t + 15, hd.host, INVENTORY_ACCOUNT, id));
    hd.security.push(logoffEvent(t + rng.range(4, 40) * SECOND, hd.host, INVENTORY_ACCOUNT, 3, id));
  }
}

function serviceLogons(rng: Prng, hd: HostDay, count: number, from: number, to: number): void {
  const account = systemAccount(hd.host);
  for (let i = 0; i < count; i++) {
    const t = from + rng.int(to - from);
    hd.security.push(logonEvent({ time: t, host: hd.host, account, logonType: 5, logonId: 0x3e7 }));
    hd.security.push(specialPrivilegesEvent(t + 20, hd.host, account, 0x3e7));
  }
}

function addInventory(rng: Prng, hd: HostDay, time: number, bootTime: number): void {
  const system = systemAccount(hd.host);
  hd.processes.push({
    time,
    host: hd.host,
    image: IMAGES.powershell,
    command: INVENTORY_COMMAND,
    pid: pid(rng),
    account: system,
    logonId: 0x3e7,
    integrity: "System",
    elevation: "Default",
    parentImage: IMAGES.svchost,
    parentCommand: `${IMAGES.svchost} -k netsvcs -p -s Schedule`,
    parentPid: pid(rng),
    parentTime: bootTime,
    parentAccount: system,
    grandparentImage: IMAGES.services,
    grandparentPid: SERVICES_PID,
    grandparentTime: bootTime,
  });
}

function kerberosForSession(
  ctx: SimContext,
  rng: Prng,
  user: User,
  host: Host,
  time: number,
): void {
  const dc = dcFor(ctx, rng);
  const account = userAccount(user);
  dc.security.push(
    domainAuthEvent(time - 900_000, dc.host, 4768, account, host.ip, "krbtgt", host.name),
  );
  dc.security.push(
    domainAuthEvent(time - 700_000, dc.host, 4769, account, host.ip, `${host.name}$`, host.name),
  );
}

const SHARES: Readonly<Record<string, readonly [string, string]>> = {
  Finance: ["Finance", "D:\\Shares\\Finance"],
  HR: ["HR", "D:\\Shares\\HR"],
  Executive: ["Board", "D:\\Shares\\Board"],
  IT: ["IT$", "D:\\Shares\\IT"],
};

function fileShareVisits(
  ctx: SimContext,
  rng: Prng,
  user: User,
  client: Host,
  session: Session,
  visits: number,
): void {
  const fs = ctx.hosts.get("LKS-FS01")!;
  const account = userAccount(user);
  const [share, path] = SHARES[user.department] ?? ["Shared", "D:\\Shares\\Shared"];
  for (let i = 0; i < visits; i++) {
    const t = session.start + rng.int(Math.max(1, session.end - session.start));
    const id = rng.range(0x1000000, 0xfffffff);
    fs.security.push(logonEvent({
      time: t,
      host: fs.host,
      account,
      logonType: 3,
      logonId: id,
      ip: client.ip,
      port: rng.range(49152, 65535),
      auth: "Kerberos",
      workstation: "-",
    }));
    const [s, p] = rng.chance(0.7) ? [share, path] : ["Shared", "D:\\Shares\\Shared"];
    fs.security.push(shareAccessEvent(t + 40, fs.host, account, id, client.ip, s, p));
    fs.security.push(logoffEvent(t + rng.range(30, 1800) * SECOND, fs.host, account, 3, id));
    if (rng.chance(0.3)) {
      const dc = dcFor(ctx, rng);
      dc.security.push(
        domainAuthEvent(t - 50_000, dc.host, 4769, account, client.ip, "LKS-FS01$", client.name),
      );
    }
  }
}

function simulateServer(ctx: SimContext, hd: HostDay): void {
  const rng = rngFor(ctx, hd.host.name);
  const bootTime = START - 9 * DAY + rng.int(DAY);
  const from = ctx.dayStart;
  const to = ctx.dayStart + DAY;
  hd.online.push([from, to]);
  addProcesses(rng, hd, SYSTEM_PROCESSES, rng.poisson(24 * 3), from, to, null, bootTime);
  const extra = SERVER_PROCESSES[hd.host.name];
  if (extra) addProcesses(rng, hd, extra, rng.poisson(6), from, to, null, bootTime);
  serviceLogons(rng, hd, rng.poisson(48), from, to);
  addInventory(rng, hd, ctx.dayStart + 6 * HOUR + rng.int(15 * MINUTE), bootTime);
  addFlows(rng, hd, SERVER_COMMON, rng.poisson(40), from, to, null, bootTime);
}

/** Warehouse and service staff without a desk PC work in sessions on LKS-RDS01. */
function simulateRemoteDesktop(ctx: SimContext): void {
  const rds = ctx.hosts.get("LKS-RDS01")!;
  const rng = rngFor(ctx, "rds");
  if (isWeekend(ctx.day)) return;
  const bootTime = START - 9 * DAY;
  for (const user of ctx.org.users) {
    if (!user.enabled || user.workstation !== null || user.legacyClient !== null) continue;
    if (!["Operations", "Customer Service", "Logistics Planning"].includes(user.department)) {
      continue;
    }
    if (!rng.chance(0.35)) continue;
    const start = ctx.dayStart + 7 * HOUR + rng.int(3 * HOUR);
    const end = start + 2 * HOUR + rng.int(5 * HOUR);
    const client = `10.30.${1 + (user.index % 4)}.${20 + (user.index % 200)}`;
    const session = interactiveSession(
      rng,
      rds,
      user,
      userAccount(user),
      start,
      end,
      10,
      client,
      false,
    );
    addProcesses(rng, rds, USER_PROCESSES, rng.poisson(8), start, end, session, bootTime);
    addFlows(rng, rds, WORKSTATION_DESTINATIONS, rng.poisson(6), start, end, session, bootTime);
    kerberosForSession(ctx, rng, user, rds.host, start);
  }
}

/** IT admins on the jump host: RDP hops, PowerShell, the odd PsExec. */
function simulateAdmins(ctx: SimContext): void {
  const rng = rngFor(ctx, "admins");
  if (isWeekend(ctx.day)) return;
  const jump = ctx.hosts.get("LKS-JUMP01")!;
  const bootTime = START - 9 * DAY;
  const admins = ctx.org.users.filter((u) => u.adminSam !== null);
  const servers = ctx.org.servers.filter((s) => s.os === "Windows" && s.name !== "LKS-JUMP01");
  for (const admin of admins) {
    if (!rng.chance(0.6)) continue;
    adminSession(ctx, rng, { jump, admin, servers, bootTime });
  }
  remoteAssistance(ctx, rng, jump, bootTime);
}

/** Where an admin works from, and the servers they may hop to. */
interface AdminDay {
  readonly jump: HostDay;
  readonly admin: User;
  readonly servers: readonly Host[];
  readonly bootTime: number;
}

/** One admin's session on the jump host: commands, hops to servers, the odd PsExec. */
function adminSession(ctx: SimContext, rng: Prng, day: AdminDay): void {
  const { jump, admin, bootTime } = day;
  const from = ctx.org.byHost.get(admin.workstation ?? "")?.ip ?? "10.20.4.1";
  const account = adminAccount(admin);
  const start = ctx.dayStart + 9 * HOUR + rng.int(6 * HOUR);
  const end = start + 20 * MINUTE + rng.int(2 * HOUR);
  const session = interactiveSession(rng, jump, admin, account, start, end, 10, from, true);
  const commands = rng.poisson(3);
  for (let i = 0; i < commands; i++) {
    const command = rng.pick(ADMIN_COMMANDS);
    const image = command.includes("powershell.exe") ? IMAGES.powershell : IMAGES.cmd;
    addProcess(
      rng,
      jump,
      {
        image,
        parent: IMAGES.explorer,
        parentCommand: IMAGES.explorer,
        command,
        runAs: "admin",
        weight: 1,
      },
      start + rng.int(end - start),
      session,
      bootTime,
    );
  }
  if (admin.sam === "aisha.khan" && rng.chance(0.5)) {
    addProcess(
      rng,
      jump,
      {
        image: IMAGES.powershell,
        parent: IMAGES.explorer,
        parentCommand: IMAGES.explorer,
        command: `"${IMAGES.powershell}" -NoProfile -EncodedCommand ${
          encodePowerShell(ADMIN_ENCODED_SCRIPT)
        }`,
        runAs: "admin",
        weight: 1,
      },
      start + rng.int(end - start),
      session,
      bootTime,
    );
  }
  hopToServers(ctx, rng, day, { account, start, end, session });
  psexecToServer(ctx, rng, day, { account, start, session });
}

/** RDP hops from the jump host to servers, each with a PowerShell command there. */
function hopToServers(
  ctx: SimContext,
  rng: Prng,
  { jump, admin, servers, bootTime }: AdminDay,
  { account, start, end, session }: {
    account: Account;
    start: number;
    end: number;
    session: Session;
  },
): void {
  const hops = rng.range(0, 2);
  for (let h = 0; h < hops; h++) {
    const target = ctx.hosts.get(rng.pick(servers).name)!;
    const t = start + rng.int(Math.max(1, end - start - 15 * MINUTE));
    addProcess(
      rng,
      jump,
      {
        image: IMAGES.mstsc,
        parent: IMAGES.explorer,
        parentCommand: IMAGES.explorer,
        command: `"${IMAGES.mstsc}" /v:${target.host.fqdn}`,
        runAs: "admin",
        weight: 1,
      },
      t,
      session,
      bootTime,
    );
    const inner = interactiveSession(
      rng,
      target,
      admin,
      account,
      t + 9 * SECOND,
      t + 9 * SECOND + 5 * MINUTE + rng.int(40 * MINUTE),
      10,
      jump.host.ip,
      true,
    );
    addProcess(
      rng,
      target,
      {
        image: IMAGES.powershell,
        parent: IMAGES.explorer,
        parentCommand: IMAGES.explorer,
        command: rng.pick(ADMIN_COMMANDS.filter((c) => c.includes("powershell.exe"))),
        runAs: "admin",
        weight: 1,
      },
      inner.start + MINUTE + rng.int(3 * MINUTE),
      inner,
      bootTime,
    );
  }
}

/** On two days, aisha.khan runs PsExec against a server: a legitimate service install. */
function psexecToServer(
  ctx: SimContext,
  rng: Prng,
  { jump, admin, bootTime }: AdminDay,
  { account, start, session }: { account: Account; start: number; session: Session },
): void {
  if (admin.sam === "aisha.khan" && (ctx.day === 2 || ctx.day === 8)) {
    const target = ctx.hosts.get(ctx.day === 2 ? "LKS-APP01" : "LKS-SQL01")!;
    const t = start + 10 * MINUTE;
    addProcess(
      rng,
      jump,
      {
        image: IMAGES.psexec,
        parent: IMAGES.powershell,
        parentCommand: `"${IMAGES.powershell}"`,
        command: `"${IMAGES.psexec}" \\\\${target.host.name} -s cmd /c "sc query state= all"`,
        runAs: "admin",
        weight: 1,
      },
      t,
      session,
      bootTime,
    );
    const id = rng.range(0x1000000, 0xfffffff);
    target.security.push(logonEvent({
      time: t + 2 * SECOND,
      host: target.host,
      account,
      logonType: 3,
      logonId: id,
      ip: jump.host.ip,
      port: rng.range(49152, 65535),
      auth: "Kerberos",
    }));
    target.security.push(specialPrivilegesEvent(t + 2 * SECOND + 10, target.host, account, id));
    target.security.push(...serviceInstallEvents({
      time: t + 3 * SECOND,
      host: target.host,
      account,
      logonId: id,
      serviceName: "PSEXESVC",
      fileName: "%SystemRoot%\\PSEXESVC.exe",
      startType: 3,
      serviceAccount: "LocalSystem",
    }));
    addProcess(
      rng,
      target,
      {
        image: IMAGES.psexesvc,
        parent: IMAGES.services,
        parentCommand: IMAGES.services,
        command: IMAGES.psexesvc,
        runAs: "system",
        weight: 1,
      },
      t + 4 * SECOND,
      null,
      bootTime,
    );
  }
}

/** Service desk remote assistance to a couple of staff workstations. */
function remoteAssistance(ctx: SimContext, rng: Prng, jump: HostDay, bootTime: number): void {
  const liam = ctx.org.users.find((u) => u.sam === "liam.oconnor");
  if (liam) {
    const visits = rng.poisson(1.5);
    for (let i = 0; i < visits; i++) {
      const ws = ctx.hosts.get(rng.pick(ctx.org.workstations).name)!;
      if (ws.online.length === 0) continue;
      const [on, off] = ws.online[0];
      const t = Math.max(on, ctx.dayStart + 10 * HOUR) + rng.int(4 * HOUR);
      if (t + 30 * MINUTE > off) continue;
      const session = interactiveSession(
        rng,
        ws,
        liam,
        adminAccount(liam),
        t,
        t + 8 * MINUTE + rng.int(25 * MINUTE),
        10,
        jump.host.ip,
        true,
      );
      addProcess(
        rng,
        ws,
        {
          image: IMAGES.cmd,
          parent: IMAGES.explorer,
          parentCommand: IMAGES.explorer,
          command: rng.pick([
            `"${IMAGES.cmd}" /c gpupdate /force`,
            `"${IMAGES.cmd}" /c ipconfig /flushdns`,
          ]),
          runAs: "admin",
          weight: 1,
        },
        t + 2 * MINUTE,
        session,
        bootTime,
      );
    }
  }
}

/** The nightly backup: network logons to every server and a large offsite upload. */
function simulateBackups(ctx: SimContext): void {
  const rng = rngFor(ctx, "backup");
  const bkp = ctx.hosts.get("LKS-BKP01")!;
  const bootTime = START - 9 * DAY;
  const svc: Account = {
    name: "svc-backup",
    domain: "LARKSPUR",
    sid: "S-1-5-21-2746361983-1738253491-3120598347-1201",
    type: "User",
    mdeName: "svc-backup",
    mdeDomain: "larkspur",
    upn: null,
    objectId: null,
    fixedLogonId: null,
  };
  const start = ctx.dayStart + HOUR + rng.int(10 * MINUTE);
  for (const hd of ctx.hosts.values()) {
    if (hd.host.kind !== "server" || hd.host === bkp.host) continue;
    const t = start + rng.int(90 * MINUTE);
    const id = rng.range(0x1000000, 0xfffffff);
    hd.security.push(logonEvent({
      time: t,
      host: hd.host,
      account: svc,
      logonType: 3,
      logonId: id,
      ip: bkp.host.ip,
      port: rng.range(49152, 65535),
      auth: "Kerberos",
    }));
    hd.security.push(specialPrivilegesEvent(t + 10, hd.host, svc, id));
    hd.security.push(logoffEvent(t + rng.range(5, 40) * MINUTE, hd.host, svc, 3, id));
  }
  // The offsite copy: a few large sessions, every night, to the same provider.
  const uploads = 6;
  for (let i = 0; i < uploads; i++) {
    addFlow(
      rng,
      bkp,
      BACKUP_DESTINATION,
      start + 95 * MINUTE + i * 6 * MINUTE + rng.int(MINUTE),
      null,
      bootTime,
    );
  }
}

/** Domain-joined machines authenticating to the DCs through the day (group policy, LDAP). */
function simulateMachineAccounts(ctx: SimContext): void {
  const rng = rngFor(ctx, "machines");
  for (const hd of ctx.hosts.values()) {
    if (hd.online.length === 0) continue;
    const [on, off] = hd.online[0];
    const machine = computerAccount(hd.host);
    const count = Math.max(1, Math.round((off - on) / (25 * MINUTE)));
    for (let i = 0; i < count; i++) {
      const dc = dcFor(ctx, rng);
      const t = on + rng.int(off - on);
      const id = rng.range(0x1000000, 0xfffffff);
      dc.security.push(
        domainAuthEvent(
          t - 30_000,
          dc.host,
          4769,
          machine,
          hd.host.ip,
          `${dc.host.name}$`,
          hd.host.name,
        ),
      );
      dc.security.push(logonEvent({
        time: t,
        host: dc.host,
        account: machine,
        logonType: 3,
        logonId: id,
        ip: hd.host.ip,
        port: rng.range(49152, 65535),
        auth: "Kerberos",
      }));
      dc.security.push(logoffEvent(t + rng.range(1, 30) * SECOND, dc.host, machine, 3, id));
    }
  }
}

const SCANNER_WORKSTATIONS = ["WIN-J8K2L4M9P1Q", "kali", "DESKTOP-7QF3T1R", "-", "WIN-CLJ1B0GQ6JP"];
const SCANNER_USERS = ["administrator", "admin", "user", "test", "guest", "scanner", "rdp"];

/** Daniel's own evening RDP sessions, and scanners that find the port forward. */
function simulateRdpForward(ctx: SimContext): RdpProbe[] {
  const rng = rngFor(ctx, "rdp-forward");
  const hd = ctx.hosts.get(RDP_FORWARD.host);
  const owner = ctx.org.byUpn.get(RDP_FORWARD.upn);
  if (!hd || !owner) return [];
  const probes: RdpProbe[] = [];
  const bootTime = START - 3 * DAY;
  for (const s of RDP_FORWARD.ownerSessions) {
    if (s.start < ctx.dayStart || s.start >= ctx.dayStart + DAY) continue;
    const end = s.start + s.minutes * MINUTE;
    const session = interactiveSession(
      rng,
      hd,
      owner,
      userAccount(owner),
      s.start,
      end,
      10,
      owner.homeIp,
      true,
    );
    addProcesses(rng, hd, USER_PROCESSES, rng.poisson(6), s.start + MINUTE, end, session, bootTime);
    addFlows(rng, hd, WORKSTATION_DESTINATIONS, rng.poisson(12), s.start, end, session, bootTime);
    probes.push({
      time: s.start - 2 * SECOND,
      ip: owner.homeIp,
      port: rng.range(49152, 65535),
      country: "GB",
      seconds: s.minutes * 60 + 3,
      owner: true,
    });
  }
  const tries = rng.poisson(14);
  for (let i = 0; i < tries; i++) {
    const [ip, country] = rng.pick(SCANNERS);
    const time = ctx.dayStart + rng.int(DAY);
    const port = rng.range(1024, 65535);
    probes.push({ time, ip, port, country, seconds: rng.range(1, 6), owner: false });
    const name = rng.pick(SCANNER_USERS);
    hd.security.push(logonEvent({
      time: time + SECOND,
      host: hd.host,
      account: {
        name,
        domain: "",
        sid: "S-1-0-0",
        type: "User",
        mdeName: name,
        mdeDomain: "",
        upn: null,
        objectId: null,
        fixedLogonId: null,
      },
      logonType: 3,
      logonId: 0,
      ip,
      port,
      auth: "NTLM",
      workstation: rng.pick(SCANNER_WORKSTATIONS),
      failure: { status: "0xc000006d", subStatus: "0xc0000064", reason: "%%2313" },
    }));
  }
  return probes;
}
