/**
 * Geo-IP and ASN: special ranges classified without lookup, public addresses looked up in
 * the pinned DB-IP and ASN data, columns enriched by distinct value.
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import {
  classifyIp,
  GEO_SOURCES,
  GeoIpDatabase,
  geoLookup,
  geoLookupFrame,
} from "../../src/enrich/geoip.ts";
import { EnrichmentError } from "../../src/enrich/errors.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { assertSameList, permutation, sha } from "../_order.ts";

Deno.test("classifyIp() knows the special-purpose ranges", () => {
  const cases: Array<[string, string, string | undefined]> = [
    ["10.20.4.42", "private", "10.0.0.0/8"],
    ["172.31.255.255", "private", "172.16.0.0/12"],
    ["172.32.0.1", "public", undefined],
    ["192.168.0.1", "private", "192.168.0.0/16"],
    ["127.0.0.1", "loopback", "127.0.0.0/8"],
    ["169.254.169.254", "link-local", "169.254.0.0/16"],
    ["100.64.0.1", "cgnat", "100.64.0.0/10"],
    ["100.128.0.1", "public", undefined],
    ["192.0.2.1", "documentation", "192.0.2.0/24"],
    ["198.51.100.160", "documentation", "198.51.100.0/24"],
    ["203.0.113.45", "documentation", "203.0.113.0/24"],
    ["198.18.0.1", "benchmarking", "198.18.0.0/15"],
    ["224.0.0.251", "multicast", "224.0.0.0/4"],
    ["255.255.255.255", "broadcast", "255.255.255.255/32"],
    ["240.0.0.1", "reserved", "240.0.0.0/4"],
    ["0.0.0.0", "unspecified", "0.0.0.0/8"],
    ["::1", "loopback", "::1/128"],
    ["::", "unspecified", "::/128"],
    ["fd12:3456::1", "private", "fc00::/7"],
    ["fe80::1%eth0", "link-local", "fe80::/10"],
    ["ff02::1", "multicast", "ff00::/8"],
    ["2001:db8::1", "documentation", "2001:db8::/32"],
    ["::ffff:10.1.2.3", "private", "10.0.0.0/8"],
    ["2606:4700:4700::1111", "public", undefined],
  ];
  for (const [ip, kind, range] of cases) {
    assert.deepEqual(classifyIp(ip), range ? { kind, range } : { kind }, ip);
  }
  assert.equal(classifyIp("256.1.1.1"), undefined);
  assert.equal(classifyIp("1.2.3"), undefined);
  assert.equal(classifyIp("01.2.3.4"), undefined);
  assert.equal(classifyIp("1::2::3"), undefined);
});

Deno.test("geoLookup() finds country, city, ASN and organisation offline", async () => {
  const [google, cloudflare, aaisp, googleV6, lan, bad] = await geoLookup([
    "8.8.8.8",
    "1.1.1.1",
    "81.2.69.142",
    "2001:4860:4860::8888",
    "192.168.1.10",
    "not an ip",
  ]);
  assert.equal(google.status, "ok");
  assert.equal(google.country, "US");
  assert.equal(google.asn, 15169);
  assert.equal(google.asOrg, "Google LLC");
  assert.equal(cloudflare.asn, 13335);
  assert.equal(cloudflare.country, "AU");
  assert.equal(aaisp.country, "GB");
  assert.equal(aaisp.city, "London");
  assert.ok(Math.abs(aaisp.latitude! - 51.5) < 0.5 && Math.abs(aaisp.longitude!) < 0.5);
  assert.equal(googleV6.asn, 15169);
  assert.equal(lan.status, "private");
  assert.equal(lan.country, null);
  assert.equal(bad.status, "invalid");
  assert.equal(GEO_SOURCES.length, 2);
  assert.ok(GEO_SOURCES.every((s) => s.licence === "CC BY 4.0"));
});

Deno.test("GeoIpDatabase.lookupFrame() enriches the demo case's sign-in addresses", async () => {
  const provider = await openLocalProvider();
  const signins = (await provider.table("SigninLogs")).frame;
  const geo = await GeoIpDatabase.open();
  const out = await geo.lookupFrame(signins, { column: "IPAddress" });
  assert.equal(out.height, signins.height);
  const attacker = out.filter(pl.col("IPAddress").eq(pl.lit(ANSWER_KEY.attacker.ip))).row(0);
  const cols = out.columns;
  const get = (name: string) => attacker[cols.indexOf(`IPAddress_${name}`)];
  // The demo case uses documentation ranges for its "public" addresses: classified, not looked up.
  assert.equal(get("ip_kind"), "documentation");
  assert.equal(get("geo_status"), "documentation");
  assert.equal(get("country"), null);
  // Every row has a status; no row was left unclassified.
  const statuses = out.getColumn("IPAddress_geo_status");
  assert.equal(statuses.nullCount(), signins.getColumn("IPAddress").nullCount());
  // A column mixing public, private, IPv6, invalid and null values.
  const mixed = pl.DataFrame({
    ip: ["8.8.8.8", "10.0.0.1", null, "2001:4860:4860::8888", "x", "8.8.8.8"],
  });
  const m = await geo.lookupFrame(mixed, { column: "ip", prefix: "" });
  assert.deepEqual(m.getColumn("geo_status").toArray(), [
    "ok",
    "private",
    null,
    "ok",
    "invalid",
    "ok",
  ]);
  assert.deepEqual(m.getColumn("asn").toArray(), [15169, null, null, 15169, null, 15169]);
  assert.deepEqual(m.getColumn("country").toArray()[0], "US");
  await assert.rejects(() => geo.lookupFrame(mixed, { column: "IP" }), EnrichmentError);
});

Deno.test("GeoIpDatabase.open() with a missing file says which", async () => {
  await assert.rejects(
    () => GeoIpDatabase.open({ cityDatabase: "/no/such/file.mmdb" }),
    (e: EnrichmentError) => e.message.includes("/no/such/file.mmdb") && e.hint !== undefined,
  );
  // ASN alone (no city database) still answers ASNs.
  const asnOnly = await GeoIpDatabase.open({ cityDatabase: null });
  const r = asnOnly.lookup("8.8.8.8");
  assert.equal(r.asn, 15169);
  assert.equal(r.country, null);
});

Deno.test("geoLookupFrame() keeps the input's rows in their order, each with its own address's data", async () => {
  const provider = await openLocalProvider();
  const firewall = (await provider.table("CommonSecurityLog")).frame;
  // Public v4 and v6 addresses (looked up), a null, then the firewall's (classified).
  const ips = [
    "8.8.8.8",
    "2001:4860:4860::8888",
    "1.1.1.1",
    null,
    ...(firewall.getColumn("DestinationIP").toArray() as (string | null)[]),
  ];
  const input = pl.DataFrame({ row: ips.map((_, i) => i), DestinationIP: ips });
  const out = await geoLookupFrame(input, { column: "DestinationIP" });
  assert.equal(out.height, input.height);
  assertSameList(out.getColumn("row").toArray(), input.getColumn("row").toArray());
  // Each row carries its own address's record, looked up one by one here.
  assertSameList(out.getColumn("DestinationIP").toArray(), ips);
  const countries = out.getColumn("DestinationIP_country").toArray();
  const statuses = out.getColumn("DestinationIP_geo_status").toArray();
  const one = await geoLookup(ips.filter((ip): ip is string => ip !== null));
  let k = 0;
  ips.forEach((ip, i) => {
    if (ip === null) return assert.equal(statuses[i], null);
    assert.equal(statuses[i], one[k].status, `row ${i}`);
    assert.equal(countries[i], one[k++].country, `row ${i}`);
  });
  // Rows in another order come back in that order with the same data.
  const order = permutation(input.height, 3);
  const again = await geoLookupFrame(input.select(pl.all().gather(order)), {
    column: "DestinationIP",
  });
  assert.equal(sha(again), sha(out.select(pl.all().gather(order))));
  assert.equal(
    sha(await geoLookupFrame(input, { column: "DestinationIP" })),
    sha(out),
    "a second run",
  );
});
