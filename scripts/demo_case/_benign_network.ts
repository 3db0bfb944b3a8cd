/**
 * Ordinary network and infrastructure telemetry: the firewall's CommonSecurityLog,
 * DnsEvents from the domain controllers, Syslog from the Linux servers, and Heartbeat.
 *
 * @module
 */
import { DAY, dayOf, HOUR, MINUTE, SECOND, START } from "./_clock.ts";
import { type DnsLookup, dnsRow, firewallRow, heartbeatRow, syslogRow } from "./_network.ts";
import { type Host, ORG, type Organisation, RDP_FORWARD } from "./_org.ts";
import { hash32, Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";
import type { Flow } from "./_windows.ts";
import type { DayWorld, Emit } from "./_world.ts";

const COUNTRY_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ["52.", "IE"],
  ["51.", "IE"],
  ["13.69.", "IE"],
  ["13.78.", "IE"],
  ["40.99.", "IE"],
  ["192.0.2.", "GB"],
  ["198.51.100.", "NL"],
  ["203.0.113.", "US"],
];

/** The country PAN-OS would place an external address in. */
export function countryOfIp(ip: string): string {
  for (const [prefix, country] of COUNTRY_PREFIXES) if (ip.startsWith(prefix)) return country;
  return "US";
}

function sessionIdBase(day: number): number {
  return 100_000_000 + day * 1_000_000;
}

/** The firewall's session row for an outbound connection a machine made. */
export function flowFirewallRow(f: Flow, rng: Prng, sessionId: number): Row {
  const seconds = 1 + Math.round((f.sent + f.received) / 400_000) + rng.int(30);
  return firewallRow({
    time: f.time + seconds * SECOND,
    srcIp: f.host.ip,
    srcPort: f.localPort,
    dstIp: f.remoteIp,
    dstPort: f.remotePort,
    natSrc: [ORG.egress.london, rng.range(1024, 65535)],
    protocol: "TCP",
    app: f.app,
    action: f.failed ? "reset-both" : "allow",
    rule: f.process.endsWith("vlagent.exe") ? "Allow-Backup-Offsite" : "Allow-Outbound-Web",
    srcZone: "trust",
    dstZone: "untrust",
    sent: f.failed ? 66 : f.sent,
    received: f.failed ? 0 : f.received,
    user: f.account.type === "User" && f.host.kind === "workstation"
      ? `larkspur\\${f.account.name}`
      : undefined,
    sessionId,
    country: countryOfIp(f.remoteIp),
    endReason: f.failed ? "tcp-rst-from-server" : "tcp-fin",
  });
}

/** DNS lookups a connection was preceded by (about half hit the client's cache). */
export function flowDnsRows(org: Organisation, f: Flow, rng: Prng): Row[] {
  if (f.remoteUrl === null || !rng.chance(0.45)) return [];
  const dayStart = START + dayOf(f.time) * DAY;
  const time = Math.max(dayStart, f.time - 30_000);
  const server = resolverFor(org, f.host);
  const rows = [dnsRow({
    time,
    server,
    clientIp: f.host.ip,
    name: f.remoteUrl,
    queryType: "A",
    answers: [f.remoteIp],
    resultCode: 0,
  })];
  if (rng.chance(0.2)) {
    rows.push(dnsRow({
      time: time + 400,
      server,
      clientIp: f.host.ip,
      name: f.remoteUrl,
      queryType: "AAAA",
      answers: [],
      resultCode: 0,
    }));
  }
  return rows;
}

/** CommonSecurityLog: the DMZ, the RDP forward and blocked probes (connections add their own). */
export function benignFirewall(world: DayWorld, emit: Emit): void {
  const rng = new Prng(`${world.seed}/firewall/${world.day}`);
  let session = sessionIdBase(world.day);
  const egress = ORG.egress.london;
  for (const p of world.windows.rdpProbes) {
    emit(firewallRow({
      time: p.time + p.seconds * SECOND,
      srcIp: p.ip,
      srcPort: p.port,
      dstIp: RDP_FORWARD.publicIp,
      dstPort: RDP_FORWARD.publicPort,
      natDst: [world.org.byHost.get(RDP_FORWARD.host)!.ip, 3389],
      protocol: "TCP",
      app: "ms-rdp",
      action: "allow",
      rule: RDP_FORWARD.rule,
      srcZone: "untrust",
      dstZone: "trust",
      sent: p.owner ? rng.range(2_000_000, 9_000_000) : rng.range(1_500, 4_000),
      received: p.owner ? rng.range(20_000_000, 90_000_000) : rng.range(2_000, 6_000),
      sessionId: session++,
      country: p.country,
      endReason: "tcp-fin",
    }));
  }
  for (const a of world.perimeter.ssh) {
    emit(firewallRow({
      time: a.time + (a.success ? rng.range(20, 400) : rng.range(1, 4)) * SECOND,
      srcIp: a.ip,
      srcPort: a.port,
      dstIp: "192.0.2.11",
      dstPort: 22,
      natDst: ["10.10.2.10", 22],
      protocol: "TCP",
      app: "ssh",
      action: "allow",
      rule: "Allow-SFTP-Partners-Inbound",
      srcZone: "untrust",
      dstZone: "dmz",
      sent: a.success ? rng.range(200_000, 40_000_000) : rng.range(1_800, 3_200),
      received: a.success ? rng.range(5_000, 20_000) : rng.range(2_000, 3_600),
      sessionId: session++,
      country: a.country,
      endReason: "tcp-fin",
    }));
  }
  for (const v of world.perimeter.web) {
    emit(firewallRow({
      time: v.time,
      srcIp: v.ip,
      srcPort: v.port,
      dstIp: "192.0.2.12",
      dstPort: 443,
      natDst: ["10.10.2.20", 443],
      protocol: "TCP",
      app: "ssl",
      action: "allow",
      rule: "Allow-Tracking-Portal-Inbound",
      srcZone: "untrust",
      dstZone: "dmz",
      sent: v.sent,
      received: v.received,
      sessionId: session++,
      country: "GB",
      endReason: "tcp-fin",
    }));
  }
  for (const p of world.perimeter.probes) {
    emit(firewallRow({
      time: p.time,
      srcIp: p.ip,
      srcPort: p.port,
      dstIp: egress,
      dstPort: p.dstPort,
      protocol: p.protocol,
      app: p.dstPort === 3389 ? "ms-rdp" : p.dstPort === 22 ? "ssh" : "incomplete",
      action: "deny",
      rule: "Default-Deny-Inbound",
      srcZone: "untrust",
      dstZone: "trust",
      sent: p.protocol === "TCP" ? 60 : 78,
      received: 0,
      sessionId: session++,
      country: p.country,
      endReason: "policy-deny",
    }));
  }
}

const INTERNAL_LOOKUPS: ReadonlyArray<readonly [string, DnsLookup["queryType"], string, number]> = [
  [`_ldap._tcp.Default-First-Site-Name._sites.dc._msdcs.${ORG.adDomain}`, "SRV", "", 0],
  [`_kerberos._tcp.${ORG.adDomain}`, "SRV", "", 0],
  [`lks-fs01.${ORG.adDomain}`, "A", "10.10.1.20", 0],
  [`lks-app01.${ORG.adDomain}`, "A", "10.10.1.31", 0],
  [`lks-print01.${ORG.adDomain}`, "A", "10.10.1.80", 0],
  [`lks-wsus01.${ORG.adDomain}`, "A", "10.10.1.50", 0],
  [`wpad.${ORG.adDomain}`, "A", "", 3],
  [`isatap.${ORG.adDomain}`, "A", "", 3],
];

function resolverFor(org: Organisation, host: Host): Host {
  return org.byHost.get(hash32(host.name) % 5 === 0 ? "LKS-DC02" : "LKS-DC01")!;
}

/** DnsEvents: internal names and antivirus reputation lookups (connections add their own). */
export function benignDns(world: DayWorld, emit: Emit): void {
  const rng = new Prng(`${world.seed}/dns/${world.day}`);
  const end = world.dayStart + DAY;
  for (const hd of world.windows.hosts.values()) {
    const server = resolverFor(world.org, hd.host);
    for (const [on, off] of hd.online) {
      const hours = (off - on) / HOUR;
      const internal = rng.poisson(hours * 2);
      for (let i = 0; i < internal; i++) {
        const [name, type, answer, code] = rng.pick(INTERNAL_LOOKUPS);
        emit(dnsRow({
          time: Math.min(end - 1, on + rng.int(off - on)),
          server,
          clientIp: hd.host.ip,
          name,
          queryType: type,
          answers: answer ? [answer] : [],
          resultCode: code,
        }));
      }
      // Antivirus cloud reputation: long hex labels, TXT answers, every machine, all day.
      const reputation = rng.poisson(hours * 0.5);
      for (let i = 0; i < reputation; i++) {
        emit(dnsRow({
          time: on + rng.int(off - on),
          server,
          clientIp: hd.host.ip,
          name: `${rng.hex(32)}.${rng.hex(8)}.rep.cloudav-reputation.example`,
          queryType: "TXT",
          answers: [],
          resultCode: 0,
        }));
      }
    }
  }
}

const LINUX_DAEMONS: ReadonlyArray<readonly [string, string, string, string]> = [
  ["daemon", "info", "systemd", "Starting Daily apt download activities..."],
  ["daemon", "info", "systemd", "apt-daily.service: Deactivated successfully."],
  ["daemon", "info", "systemd", "Started Session 4 of User root."],
  ["daemon", "info", "systemd-resolved", "Clock change detected. Flushing caches."],
  [
    "syslog",
    "info",
    "rsyslogd",
    '[origin software="rsyslogd" swVersion="8.2112.0"] rsyslogd was HUPed',
  ],
  [
    "kern",
    "info",
    "kernel",
    "[UFW BLOCK] IN=eth0 OUT= SRC=10.10.1.91 DST=224.0.0.251 PROTO=UDP SPT=5353 DPT=5353",
  ],
  [
    "daemon",
    "notice",
    "chronyd",
    "Selected source 10.10.1.10 (lks-dc01.corp.larkspurlogistics.example)",
  ],
];

/** Syslog from the Linux servers: cron, daemons, and sshd on the SFTP server. */
export function benignSyslog(world: DayWorld, emit: Emit): void {
  const rng = new Prng(`${world.seed}/syslog/${world.day}`);
  const linux = world.org.servers.filter((h) => h.os === "Linux");
  for (const host of linux) daemonLines(world, emit, rng, host);
  sftpLogins(world, emit);
  adminVisits(world, emit, rng, linux);
}

/** One Linux server's day: hourly cron, daemons, and Zabbix's housekeeper on the monitor. */
function daemonLines(world: DayWorld, emit: Emit, rng: Prng, host: Host): void {
  for (let h = 0; h < 24; h++) {
    const t = world.dayStart + h * HOUR + 17 * MINUTE + rng.int(SECOND);
    emit(
      syslogRow(
        t,
        host,
        "cron",
        "info",
        "CRON",
        rng.range(2000, 60000),
        "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
      ),
    );
    const extra = rng.poisson(3);
    for (let i = 0; i < extra; i++) {
      const [facility, severity, process, message] = rng.pick(LINUX_DAEMONS);
      emit(
        syslogRow(
          world.dayStart + h * HOUR + rng.int(HOUR),
          host,
          facility,
          severity,
          process,
          rng.range(300, 9000),
          message,
        ),
      );
    }
  }
  if (host.name === "lks-mon01") {
    for (let m = 0; m < 24 * 6; m++) {
      emit(
        syslogRow(
          world.dayStart + m * 10 * MINUTE + 42 * SECOND,
          host,
          "daemon",
          "info",
          "zabbix_server",
          1187,
          `housekeeper [deleted ${
            rng.range(800, 3000)
          } hist/trends, 0 items/triggers, 0 events, 0 sessions, 0 alarms, 0 audit items, 0 records in ${
            rng.range(1, 9)
          }.${rng.range(100, 999)} sec, idle for 1 hour(s)]`,
        ),
      );
    }
  }
}

/** sshd on the SFTP server: partners' key logins, and the guessing from the internet. */
function sftpLogins(world: DayWorld, emit: Emit): void {
  const sftp = world.org.byHost.get("lks-sftp01")!;
  for (const a of world.perimeter.ssh) {
    const pid = 20000 + (hash32(`${a.ip}:${a.port}`) % 40000);
    if (a.success) {
      emit(
        syslogRow(
          a.time,
          sftp,
          "auth",
          "info",
          "sshd",
          pid,
          `Accepted publickey for ${a.user} from ${a.ip} port ${a.port} ssh2: ED25519 SHA256:q3Vz9Lk0bWm2nF8xYp4TgR7cJ1hUe6sKaD5oN0iQwXE`,
        ),
      );
      emit(
        syslogRow(
          a.time + 12_000,
          sftp,
          "authpriv",
          "info",
          "sshd",
          pid,
          `pam_unix(sshd:session): session opened for user ${a.user}(uid=1001) by (uid=0)`,
        ),
      );
      continue;
    }
    if (a.invalid) {
      emit(
        syslogRow(
          a.time,
          sftp,
          "auth",
          "info",
          "sshd",
          pid,
          `Invalid user ${a.user} from ${a.ip} port ${a.port}`,
        ),
      );
      emit(
        syslogRow(
          a.time + 1_900_000,
          sftp,
          "auth",
          "info",
          "sshd",
          pid,
          `Failed password for invalid user ${a.user} from ${a.ip} port ${a.port} ssh2`,
        ),
      );
    } else {
      emit(
        syslogRow(
          a.time + 1_800_000,
          sftp,
          "authpriv",
          "notice",
          "sshd",
          pid,
          `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${a.ip}  user=${a.user}`,
        ),
      );
      emit(
        syslogRow(
          a.time + 1_900_000,
          sftp,
          "auth",
          "info",
          "sshd",
          pid,
          `Failed password for ${a.user} from ${a.ip} port ${a.port} ssh2`,
        ),
      );
    }
  }
}

/** Admins look after the Linux boxes from the jump host on working days. */
function adminVisits(world: DayWorld, emit: Emit, rng: Prng, linux: readonly Host[]): void {
  if (world.day % 7 < 5) {
    const visits = rng.poisson(2);
    for (let i = 0; i < visits; i++) {
      const host = rng.pick(linux);
      const t = world.dayStart + 9 * HOUR + rng.int(8 * HOUR);
      const pid = rng.range(20000, 60000);
      emit(
        syslogRow(
          t,
          host,
          "auth",
          "info",
          "sshd",
          pid,
          `Accepted publickey for tom.harper from 10.10.1.70 port ${
            rng.range(49152, 65535)
          } ssh2: RSA SHA256:Xh2kP9w0Lq4Rb7Vt1Mz3Nc8Yf5Ud6Js0Ga2Ke4Hi7Oo`,
        ),
      );
      emit(
        syslogRow(
          t + 40 * SECOND,
          host,
          "authpriv",
          "notice",
          "sudo",
          pid + 3,
          `tom.harper : TTY=pts/0 ; PWD=/home/tom.harper ; USER=root ; COMMAND=/usr/bin/apt-get upgrade -y`,
        ),
      );
    }
  }
}

/** Heartbeat: every reporting machine, every ten minutes while it is on. */
export function benignHeartbeat(world: DayWorld, emit: Emit): void {
  const interval = 10 * MINUTE;
  const beat = (host: Host, from: number, to: number) => {
    const offset = (hash32(host.name) % 600) * SECOND;
    let t = world.dayStart + offset;
    while (t < from) t += interval;
    const row = heartbeatRow(0, host);
    for (; t < to; t += interval) emit({ ...row, TimeGenerated: t });
  };
  for (const hd of world.windows.hosts.values()) {
    for (const [from, to] of hd.online) beat(hd.host, from, to);
  }
  for (const host of world.org.servers) {
    if (host.os === "Linux") beat(host, world.dayStart, world.dayStart + DAY);
  }
}
