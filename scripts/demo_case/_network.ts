/**
 * Row builders for the network and infrastructure tables: CommonSecurityLog (the Palo Alto
 * firewall's CEF traffic log), DnsEvents, Syslog and Heartbeat.
 *
 * @module
 */
import { eventComputer } from "./_windows.ts";
import { PLACES } from "./_geo.ts";
import { type Host, ORG } from "./_org.ts";
import type { Row } from "./_table.ts";

/** One session the firewall logged. */
export interface FirewallSession {
  readonly time: number;
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  /** Source NAT (outbound) address and port. */
  readonly natSrc?: readonly [string, number];
  /** Destination NAT (port forward) address and port. */
  readonly natDst?: readonly [string, number];
  readonly protocol: "TCP" | "UDP";
  readonly app: string;
  readonly action: "allow" | "deny" | "drop" | "reset-both";
  readonly rule: string;
  readonly srcZone: "trust" | "untrust" | "dmz";
  readonly dstZone: "trust" | "untrust" | "dmz";
  readonly sent: number;
  readonly received: number;
  /** User-ID mapping (`larkspur\daniel.reyes`) when the firewall knows it. */
  readonly user?: string;
  readonly sessionId: number;
  /** Country of the external end, as PAN-OS geolocates it. */
  readonly country: string;
  readonly endReason: string;
}

/** A CommonSecurityLog row for a firewall session. */
export function firewallRow(s: FirewallSession): Row {
  const outbound = s.srcZone !== "untrust";
  const packetsSent = Math.max(1, Math.round(s.sent / 900));
  const packetsReceived = Math.max(s.received > 0 ? 1 : 0, Math.round(s.received / 1200));
  return {
    TimeGenerated: s.time,
    DeviceVendor: "Palo Alto Networks",
    DeviceProduct: "PAN-OS",
    DeviceVersion: "10.2.8",
    DeviceEventClassID: s.action === "allow" ? "end" : s.action,
    Activity: "TRAFFIC",
    LogSeverity: s.action === "allow" ? "1" : "3",
    AdditionalExtensions:
      `PanOSPacketsSent=${packetsSent};PanOSPacketsReceived=${packetsReceived};` +
      `PanOSSessionEndReason=${s.endReason};PanOS${
        outbound ? "Destination" : "Source"
      }Location=${s.country}`,
    DeviceAction: s.action,
    ApplicationProtocol: s.app,
    EventCount: 1,
    DestinationIP: s.dstIp,
    DestinationPort: s.dstPort,
    DestinationTranslatedAddress: s.natDst?.[0] ?? "0.0.0.0",
    DestinationTranslatedPort: s.natDst?.[1] ?? 0,
    DeviceInboundInterface: s.srcZone === "untrust"
      ? "ethernet1/1"
      : s.srcZone === "dmz"
      ? "ethernet1/3"
      : "ethernet1/2",
    DeviceOutboundInterface: s.dstZone === "untrust"
      ? "ethernet1/1"
      : s.dstZone === "dmz"
      ? "ethernet1/3"
      : "ethernet1/2",
    DeviceName: ORG.firewall,
    Protocol: s.protocol,
    ReceivedBytes: s.received,
    SentBytes: s.sent,
    SourceIP: s.srcIp,
    SourcePort: s.srcPort,
    SourceTranslatedAddress: s.natSrc?.[0] ?? "0.0.0.0",
    SourceTranslatedPort: s.natSrc?.[1] ?? 0,
    SourceUserName: s.user,
    DeviceCustomNumber1: s.sessionId,
    DeviceCustomNumber1Label: "SessionID",
    DeviceCustomString1: s.rule,
    DeviceCustomString1Label: "Rule",
    DeviceCustomString4: s.srcZone,
    DeviceCustomString4Label: "Source Zone",
    DeviceCustomString5: s.dstZone,
    DeviceCustomString5Label: "Destination Zone",
    Computer: ORG.cefCollector,
    SourceSystem: "OpsManager",
  };
}

/** One DNS lookup a domain controller answered. */
export interface DnsLookup {
  readonly time: number;
  readonly server: Host;
  readonly clientIp: string;
  readonly name: string;
  readonly queryType: "A" | "AAAA" | "TXT" | "SRV" | "PTR" | "CNAME";
  readonly answers: readonly string[];
  /** 0 = NOERROR, 3 = NXDOMAIN, 2 = SERVFAIL. */
  readonly resultCode: number;
}

/** A DnsEvents row. */
export function dnsRow(d: DnsLookup): Row {
  return {
    TimeGenerated: d.time,
    SourceSystem: "OpsManager",
    Computer: eventComputer(d.server),
    EventId: 260,
    SubType: "LookupQuery",
    Name: d.name,
    ClientIP: d.clientIp,
    QueryType: d.queryType,
    IPAddresses: d.answers.join(","),
    Result: d.resultCode === 0 ? "Success" : "Failure",
    ResultCode: d.resultCode,
  };
}

/** A Syslog row. */
export function syslogRow(
  time: number,
  host: Host,
  facility: string,
  severity: string,
  process: string,
  pid: number,
  message: string,
): Row {
  return {
    TimeGenerated: time,
    SourceSystem: "Linux",
    Computer: host.name,
    EventTime: time,
    Facility: facility,
    HostName: host.name,
    SeverityLevel: severity,
    SyslogMessage: message,
    ProcessID: pid,
    HostIP: host.ip,
    ProcessName: process,
  };
}

/** A Heartbeat row. The agent reports the office's public address, not the host's own. */
export function heartbeatRow(time: number, host: Host): Row {
  const windows = host.os === "Windows";
  return {
    SourceSystem: windows ? "OpsManager" : "Linux",
    TimeGenerated: time,
    Computer: windows ? eventComputer(host) : host.name,
    ComputerIP: ORG.egress.london,
    Category: "Azure Monitor Agent",
    OSType: host.os,
    OSName: host.osName,
    OSMajorVersion: host.osMajor,
    OSMinorVersion: host.osMinor,
    Version: windows ? "1.24.0.0" : "1.29.4",
    SCAgentChannel: "Direct",
    IsGatewayInstalled: false,
    ComputerEnvironment: "Non-Azure",
    RemoteIPCountry: PLACES.london.countryName,
    RemoteIPLatitude: PLACES.london.lat,
    RemoteIPLongitude: PLACES.london.lon,
    VMUUID: host.vmuuid,
  };
}
