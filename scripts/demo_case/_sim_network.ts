/**
 * One ordinary day at the perimeter: internet scanners hitting the firewall, password
 * guessing against the partner SFTP server, partners and customers using the DMZ. The
 * firewall log (CommonSecurityLog) and the Linux servers' Syslog are both views of it.
 *
 * @module
 */
import { DAY, HOUR, SECOND, START } from "./_clock.ts";
import { RESIDENTIAL_PREFIXES } from "./_geo.ts";
import { SCANNERS, SSH_GUESSERS } from "./_org.ts";
import { Prng } from "./_prng.ts";

/** One SSH authentication attempt against lks-sftp01. */
export interface SshAttempt {
  readonly time: number;
  readonly ip: string;
  readonly port: number;
  readonly user: string;
  /** The user does not exist on the server. */
  readonly invalid: boolean;
  readonly success: boolean;
  readonly method: "password" | "publickey";
  readonly country: string;
}

/** A blocked inbound packet. */
export interface InboundProbe {
  readonly time: number;
  readonly ip: string;
  readonly port: number;
  readonly dstPort: number;
  readonly protocol: "TCP" | "UDP";
  readonly country: string;
}

/** A customer visiting the tracking portal on lks-web01. */
export interface WebVisit {
  readonly time: number;
  readonly ip: string;
  readonly port: number;
  readonly sent: number;
  readonly received: number;
}

/** The perimeter's day. */
export interface PerimeterDay {
  readonly ssh: readonly SshAttempt[];
  readonly probes: readonly InboundProbe[];
  readonly web: readonly WebVisit[];
}

const GUESSED_USERS = [
  "root",
  "admin",
  "ubuntu",
  "test",
  "oracle",
  "postgres",
  "user",
  "ftpuser",
  "git",
  "deploy",
  "support",
  "guest",
  "pi",
  "sftp",
  "backup",
  "jenkins",
  "www-data",
  "mysql",
];
const PROBE_PORTS = [22, 23, 445, 1433, 3389, 5900, 8080, 8443, 6379, 5432, 3306, 9200, 25, 21];

/** Simulates the perimeter for `day`. */
export function simulatePerimeter(day: number, seed: string, scale: number): PerimeterDay {
  const rng = new Prng(`${seed}/perimeter/${day}`);
  const dayStart = START + day * DAY;
  const ssh: SshAttempt[] = [];
  // Partners upload manifests by key several times a day.
  const uploads = rng.poisson(6);
  for (let i = 0; i < uploads; i++) {
    ssh.push({
      time: dayStart + 6 * HOUR + rng.int(14 * HOUR),
      ip: "192.0.2.90",
      port: rng.range(40000, 60000),
      user: "northwind",
      invalid: false,
      success: true,
      method: "publickey",
      country: "GB",
    });
  }
  // Two to four guessing bursts a day, each a few hundred tries over half an hour.
  const bursts = rng.range(2, 4);
  for (let b = 0; b < bursts; b++) {
    const [ip, country] = rng.pick(SSH_GUESSERS);
    const start = dayStart + rng.int(DAY - HOUR);
    const tries = rng.range(40, 220);
    let t = start;
    for (let i = 0; i < tries; i++) {
      t += rng.range(2, 14) * SECOND + rng.int(SECOND);
      const user = rng.chance(0.35) ? "root" : rng.pick(GUESSED_USERS);
      ssh.push({
        time: t,
        ip,
        port: rng.range(32768, 60999),
        user,
        invalid: user !== "root" && user !== "sftp",
        success: false,
        method: "password",
        country,
      });
    }
  }
  const probes: InboundProbe[] = [];
  const count = rng.poisson(700);
  for (let i = 0; i < count; i++) {
    const [ip, country] = rng.pick(SCANNERS);
    probes.push({
      time: dayStart + rng.int(DAY),
      ip,
      port: rng.range(1024, 65535),
      dstPort: rng.pick(PROBE_PORTS),
      protocol: rng.chance(0.9) ? "TCP" : "UDP",
      country,
    });
  }
  const web: WebVisit[] = [];
  const visits = rng.poisson(320 * scale);
  const prefixes = RESIDENTIAL_PREFIXES.GB;
  for (let i = 0; i < visits; i++) {
    const hour = rng.weighted(HOURS, HOUR_WEIGHTS);
    web.push({
      time: dayStart + hour * HOUR + rng.int(HOUR),
      ip: `${rng.pick(prefixes)}.${rng.range(1, 254)}.${rng.range(1, 254)}`,
      port: rng.range(49152, 65535),
      sent: rng.range(800, 6_000),
      received: rng.range(20_000, 900_000),
    });
  }
  return { ssh, probes, web };
}

const HOURS = Array.from({ length: 24 }, (_, h) => h);
const HOUR_WEIGHTS = HOURS.map((h) => (h >= 7 && h <= 21 ? 6 : 1));
