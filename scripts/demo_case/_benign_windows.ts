/**
 * Ordinary Windows telemetry. The day's simulation streams process starts, connections
 * and Security log rows into this sink, which turns each into the rows of every table
 * that would record it: a process start is a 4688 and (on Defender machines) a
 * DeviceProcessEvents row; a connection is a DeviceNetworkEvents row, a firewall session
 * when it leaves the network, and sometimes a DNS lookup before it.
 *
 * @module
 */
import { flowDnsRows, flowFirewallRow } from "./_benign_network.ts";
import type { Host, Organisation } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { WindowsSink } from "./_sim_windows.ts";
import type { Row } from "./_table.ts";
import { deviceNetworkEvent, deviceProcessEvent, ipType, processEvent } from "./_windows.ts";
import type { Emit } from "./_world.ts";

/** The tables Windows telemetry lands in. */
export interface WindowsTables {
  readonly SecurityEvent: Emit;
  readonly DeviceProcessEvents: Emit;
  readonly DeviceNetworkEvents: Emit;
  readonly CommonSecurityLog: Emit;
  readonly DnsEvents: Emit;
  /** The System log (service installs, 7045), which the agent sends to Event. */
  readonly Event: Emit;
}

/** A sink that writes day `day`'s Windows telemetry into `tables`. */
export function windowsSink(
  org: Organisation,
  day: number,
  seed: string,
  tables: WindowsTables,
): WindowsSink {
  // Defender's ReportId counts per device.
  const reports = new Map<Host, number>();
  const report = (host: Host, offset: number) => {
    const next = (reports.get(host) ?? (day + 1) * 1_000_000) + 1;
    reports.set(host, next);
    return next + offset;
  };
  const firewallRng = new Prng(`${seed}/firewall-flows/${day}`);
  const dnsRng = new Prng(`${seed}/dns-flows/${day}`);
  let session = 10_000_000 + day * 1_000_000;
  return {
    security: {
      push(...rows: Row[]) {
        // System-log rows (they carry EventLog) go to Event, the rest to SecurityEvent.
        for (const row of rows) {
          (row.EventLog === undefined ? tables.SecurityEvent : tables.Event)(row);
        }
      },
    },
    processes: {
      push(...starts) {
        for (const p of starts) {
          tables.SecurityEvent(processEvent(p));
          if (p.host.mde) tables.DeviceProcessEvents(deviceProcessEvent(p, report(p.host, 0)));
        }
      },
    },
    flows: {
      push(...flows) {
        for (const f of flows) {
          if (f.host.mde) {
            tables.DeviceNetworkEvents(deviceNetworkEvent(f, report(f.host, 500_000)));
          }
          if (ipType(f.remoteIp) === "Public") {
            tables.CommonSecurityLog(flowFirewallRow(f, firewallRng, session++));
          }
          for (const row of flowDnsRows(org, f, dnsRng)) tables.DnsEvents(row);
        }
      },
    },
  };
}
