/**
 * Planted bugs the suite let through (issue 23), enrichment: the last address of an ASN
 * range, and the most specific RDAP registry for an address. Ranges and prefixes written by
 * hand; the expected values follow from them by hand arithmetic.
 */
import assert from "node:assert/strict";
import { GeoIpDatabase } from "../../src/enrich/geoip.ts";
import { type Bootstrap, registryForIp } from "../../src/enrich/_rdap.ts";
import { tempFile } from "../_helpers.ts";

Deno.test("GeoIpDatabase: an ASN range holds its first and its last address, and no more", async () => {
  // 1.0.0.0 = 16777216 and 1.0.0.255 = 16777471; 1.0.1.0 = 16777472 and 1.0.3.255 =
  // 16778239; 1.0.4.0 .. 1.0.4.255 is in no range; 1.0.5.0 = 16778496 .. 1.0.5.0 alone.
  const asn4 = await tempFile(
    "asn4.csv",
    [
      '16777216,16777471,13335,"Cloudflare, Inc."',
      "16777472,16778239,38803,Wirecloud",
      "16778496,16778496,64500,Single",
    ].join("\n") + "\n",
  );
  const asn6 = await tempFile(
    "asn6.csv",
    "2a00:1450::,2a00:1450::ffff,15169,Google LLC\n",
  );
  const geo = await GeoIpDatabase.open({
    cityDatabase: null,
    cityDatabaseV6: null,
    asnIpv4: asn4,
    asnIpv6: asn6,
  });
  await geo.loadIpv6();
  const asn = (ip: string) => geo.lookup(ip).asn;
  assert.equal(asn("1.0.0.0"), 13335);
  assert.equal(asn("1.0.0.255"), 13335, "the range's last address");
  assert.equal(geo.lookup("1.0.0.255").asOrg, "Cloudflare, Inc.");
  assert.equal(asn("1.0.1.0"), 38803);
  assert.equal(asn("1.0.3.255"), 38803, "the range's last address");
  assert.equal(asn("1.0.4.0"), null, "between ranges");
  assert.equal(asn("1.0.5.0"), 64500, "a range of one address");
  assert.equal(asn("1.0.5.1"), null);
  assert.equal(asn("2a00:1450::ffff"), 15169, "the IPv6 range's last address");
  assert.equal(asn("2a00:1450::1:0"), null);
});

Deno.test("registryForIp(): the longest matching prefix wins, whatever the services' order", () => {
  const file = (services: Array<[string[], string[]]>) => ({ services });
  const empty = file([]);
  const wide: [string[], string[]] = [["10.0.0.0/8"], ["https://wide.example/"]];
  const narrow: [string[], string[]] = [["10.20.0.0/16"], ["https://narrow.example/"]];
  const wide6: [string[], string[]] = [["2001:db8::/32"], ["https://wide6.example/"]];
  const narrow6: [string[], string[]] = [["2001:db8:20::/48"], ["https://narrow6.example/"]];
  for (const services of [[wide, narrow], [narrow, wide]]) {
    const b: Bootstrap = { ipv4: file(services), ipv6: empty, dns: empty };
    assert.equal(registryForIp("10.20.30.40", b), "https://narrow.example/");
    assert.equal(registryForIp("10.21.0.1", b), "https://wide.example/");
    assert.equal(registryForIp("11.0.0.1", b), undefined);
  }
  for (const services of [[wide6, narrow6], [narrow6, wide6]]) {
    const b: Bootstrap = { ipv4: empty, ipv6: file(services), dns: empty };
    assert.equal(registryForIp("2001:db8:20::1", b), "https://narrow6.example/");
    assert.equal(registryForIp("2001:db8:21::1", b), "https://wide6.example/");
  }
});
