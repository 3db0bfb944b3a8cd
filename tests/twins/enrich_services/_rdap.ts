/**
 * The loopback RDAP side: IANA-shaped bootstrap files pointing at per-registry paths on
 * this server, and RFC 9083 IP network and domain objects (with a cross-registry redirect,
 * as ARIN answers for space another registry holds).
 *
 * @module
 */

interface Network {
  readonly registry: string;
  readonly start: string;
  readonly end: string;
  readonly prefix: string;
  readonly length: number;
  readonly handle: string;
  readonly name: string;
  readonly country: string;
  readonly org: string;
  readonly orgHandle: string;
  readonly abuse: string;
  readonly registered: string;
  readonly changed: string;
}

const NETWORKS: Network[] = [
  {
    registry: "arin",
    start: "8.8.8.0",
    end: "8.8.8.255",
    prefix: "8.8.8.0",
    length: 24,
    handle: "NET-8-8-8-0-2",
    name: "GOGL",
    country: "US",
    org: "Google LLC",
    orgHandle: "GOGL",
    abuse: "network-abuse@google.com",
    registered: "2014-03-14T16:52:05-04:00",
    changed: "2014-03-14T16:52:05-04:00",
  },
  {
    registry: "ripe",
    start: "81.2.69.0",
    end: "81.2.69.255",
    prefix: "81.2.69.0",
    length: 24,
    handle: "81.2.69.0 - 81.2.69.255",
    name: "AAISP-STATIC",
    country: "GB",
    org: "Andrews & Arnold Ltd",
    orgHandle: "ORG-AAAL1-RIPE",
    abuse: "abuse@aa.net.uk",
    registered: "2004-05-11T09:12:44Z",
    changed: "2021-02-03T10:05:12Z",
  },
  {
    registry: "ripe",
    start: "45.136.0.0",
    end: "45.136.3.255",
    prefix: "45.136.0.0",
    length: 22,
    handle: "45.136.0.0 - 45.136.3.255",
    name: "EXAMPLE-TRANSFERRED",
    country: "DE",
    org: "Example Transfer GmbH",
    orgHandle: "ORG-ETG1-RIPE",
    abuse: "abuse@transfer.example",
    registered: "2019-08-01T12:00:00Z",
    changed: "2023-01-20T08:00:00Z",
  },
];

/** Answers one RDAP path: bootstrap files, /{registry}/ip/{ip}, /{registry}/domain/{name}. */
export function rdapRoute(
  path: string,
  base: string,
  deadPort: number,
): { status: number; body: unknown } {
  if (path === "/bootstrap/ipv4.json") {
    return ok({
      description: "RDAP bootstrap file for IPv4 address allocations",
      publication: "2026-03-01T00:00:00Z",
      version: "1.0",
      services: [
        [["8.0.0.0/8", "45.0.0.0/8"], [`${base}/arin/`]],
        [["81.0.0.0/8"], [`${base}/ripe/`]],
        [["1.0.0.0/8"], [`${base}/apnic/`]],
        [["9.0.0.0/8"], [`http://127.0.0.1:${deadPort}/unreachable/`]],
      ],
    });
  }
  if (path === "/bootstrap/ipv6.json") {
    return ok({
      description: "RDAP bootstrap file for IPv6 address allocations",
      publication: "2026-03-01T00:00:00Z",
      version: "1.0",
      services: [[["2001:4860::/32"], [`${base}/arin/`]]],
    });
  }
  if (path === "/bootstrap/dns.json") {
    return ok({
      description: "RDAP bootstrap file for Domain Name System registrations",
      publication: "2026-03-01T00:00:00Z",
      version: "1.0",
      services: [[["com", "net"], [`${base}/verisign/com/v1/`]], [["org"], [`${base}/pir/`]]],
    });
  }
  const ip = /^\/(arin|ripe|apnic)\/ip\/(.+)$/.exec(path);
  if (ip) {
    const [, registry, address] = ip;
    if (address.includes(":") && registry === "arin" && address.startsWith("2001:4860:")) {
      return ok(
        network(
          {
            ...NETWORKS[0],
            start: "2001:4860::",
            end: "2001:4860:ffff:ffff:ffff:ffff:ffff:ffff",
            prefix: "2001:4860::",
            length: 32,
            handle: "NET6-2001-4860-1",
          },
          base,
          6,
        ),
      );
    }
    const net = NETWORKS.find((n) => inRange(address, n.start, n.end));
    if (!net) return notFound(`No network found for ${address}`);
    if (net.registry !== registry) {
      // A registry answering for space another registry holds refers the client on.
      return { status: 301, body: { location: `${base}/${net.registry}/ip/${address}` } };
    }
    return ok(network(net, base, 4));
  }
  const org = /^\/pir\/domain\/(.+)$/.exec(path);
  if (org) return notFound(`${org[1]} not found`);
  const domain = /^\/verisign\/com\/v1\/domain\/(.+)$/.exec(path);
  if (domain) {
    if (domain[1].toLowerCase() !== "google.com") return notFound(`${domain[1]} not found`);
    return ok({
      objectClassName: "domain",
      handle: "2138514_DOMAIN_COM-VRSN",
      ldhName: "GOOGLE.COM",
      links: [{
        value: `${base}/verisign/com/v1/domain/GOOGLE.COM`,
        rel: "self",
        href: `${base}/verisign/com/v1/domain/GOOGLE.COM`,
        type: "application/rdap+json",
      }],
      status: [
        "client delete prohibited",
        "client transfer prohibited",
        "server delete prohibited",
      ],
      entities: [{
        objectClassName: "entity",
        handle: "292",
        roles: ["registrar"],
        publicIds: [{ type: "IANA Registrar ID", identifier: "292" }],
        vcardArray: ["vcard", [["version", {}, "text", "4.0"], [
          "fn",
          {},
          "text",
          "MarkMonitor Inc.",
        ]]],
        entities: [{
          objectClassName: "entity",
          roles: ["abuse"],
          vcardArray: ["vcard", [
            ["version", {}, "text", "4.0"],
            ["fn", {}, "text", ""],
            ["tel", { type: "voice" }, "uri", "tel:+1.2086851750"],
            ["email", {}, "text", "abusecomplaints@markmonitor.com"],
          ]],
        }],
      }],
      events: [
        { eventAction: "registration", eventDate: "1997-09-15T04:00:00Z" },
        { eventAction: "expiration", eventDate: "2028-09-14T04:00:00Z" },
        { eventAction: "last changed", eventDate: "2019-09-09T15:39:04Z" },
        { eventAction: "last update of RDAP database", eventDate: "2026-03-14T09:00:00Z" },
      ],
      secureDNS: { delegationSigned: false },
      nameservers: ["NS1.GOOGLE.COM", "NS2.GOOGLE.COM", "NS3.GOOGLE.COM", "NS4.GOOGLE.COM"].map((
        n,
      ) => ({
        objectClassName: "nameserver",
        ldhName: n,
      })),
      rdapConformance: [
        "rdap_level_0",
        "icann_rdap_technical_implementation_guide_0",
        "icann_rdap_response_profile_0",
      ],
      notices: [{
        title: "Terms of Use",
        description: ["Service subject to Terms of Use."],
        links: [],
      }],
    });
  }
  return notFound(`Unknown path ${path}`);
}

function ok(body: unknown) {
  return { status: 200, body };
}

function notFound(description: string) {
  return {
    status: 404,
    body: {
      errorCode: 404,
      title: "Not Found",
      description: [description],
      rdapConformance: ["rdap_level_0"],
    },
  };
}

function network(n: Network, base: string, version: 4 | 6): unknown {
  return {
    rdapConformance: ["nro_rdap_profile_0", "rdap_level_0", "cidr0"],
    objectClassName: "ip network",
    handle: n.handle,
    startAddress: n.start,
    endAddress: n.end,
    ipVersion: `v${version}`,
    name: n.name,
    type: "DIRECT ALLOCATION",
    country: n.country,
    parentHandle: "NET-8-0-0-0-0",
    status: ["active"],
    cidr0_cidrs: [
      version === 4
        ? { v4prefix: n.prefix, length: n.length }
        : { v6prefix: n.prefix, length: n.length },
    ],
    links: [{
      value: `${base}/${n.registry}/ip/${n.start}`,
      rel: "self",
      type: "application/rdap+json",
      href: `${base}/${n.registry}/ip/${n.start}`,
    }],
    events: [
      { eventAction: "registration", eventDate: n.registered },
      { eventAction: "last changed", eventDate: n.changed },
    ],
    entities: [{
      objectClassName: "entity",
      handle: n.orgHandle,
      roles: ["registrant"],
      vcardArray: ["vcard", [
        ["version", {}, "text", "4.0"],
        ["fn", {}, "text", n.org],
        ["kind", {}, "text", "org"],
        ["adr", { label: "1600 Amphitheatre Parkway" }, "text", ["", "", "", "", "", "", ""]],
      ]],
      entities: [{
        objectClassName: "entity",
        handle: `ABUSE-${n.orgHandle}`,
        roles: ["abuse"],
        vcardArray: ["vcard", [
          ["version", {}, "text", "4.0"],
          ["fn", {}, "text", "Abuse"],
          ["kind", {}, "text", "group"],
          ["email", {}, "text", n.abuse],
        ]],
      }],
    }],
    port43: `whois.${n.registry}.net`,
  };
}

function toNumber(ip: string): number {
  return ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
}

function inRange(ip: string, start: string, end: string): boolean {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
  const v = toNumber(ip);
  return v >= toNumber(start) && v <= toNumber(end);
}
