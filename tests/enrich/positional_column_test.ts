/**
 * The frame enrichments take their column in the options (`decodeFrame(frame, { column })`);
 * the positional form sessions recorded before (`decodeFrame(frame, "CommandLine")`) must
 * still give the same frame, or those sessions would not replay.
 */
import assert from "node:assert/strict";
import {
  decodeFrame,
  EnrichmentError,
  extractIocsFrame,
  GeoIpDatabase,
  geoLookupFrame,
  loadFeed,
  lookupIndicatorsFrame,
  obfuscationFrame,
  rdapLookupFrame,
} from "../../src/enrich/mod.ts";
import { DEMO_CASE_DIR, openLocalProvider } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { sha } from "../_order.ts";

// The positional forms are deprecated, not typed away: call them as untyped code would.
// deno-lint-ignore no-explicit-any
type Untyped = (...args: any[]) => any;

Deno.test("decodeFrame() and obfuscationFrame() still take the column positionally", async () => {
  const provider = await openLocalProvider();
  const { frame } = await provider.query(
    "DeviceProcessEvents | where ProcessCommandLine has 'powershell' | take 200",
  );
  const column = "ProcessCommandLine";
  const decoded = decodeFrame(frame, { column, maxDepth: 3 });
  assert.ok(decoded.columns.includes(`${column}_decoded`));
  assert.equal(sha((decodeFrame as Untyped)(frame, column, { maxDepth: 3 })), sha(decoded));
  assert.equal(sha((decodeFrame as Untyped)(frame, column)), sha(decodeFrame(frame, { column })));
  const flagged = obfuscationFrame(frame, { column, longToken: 50 });
  assert.equal(sha((obfuscationFrame as Untyped)(frame, column, { longToken: 50 })), sha(flagged));
  assert.throws(
    () => (decodeFrame as Untyped)(frame),
    (e: unknown) => e instanceof EnrichmentError && /No column is named/.test(e.message),
  );
});

Deno.test("extractIocsFrame() still takes its columns positionally", async () => {
  const provider = await openLocalProvider();
  const { frame } = await provider.query("DeviceNetworkEvents | take 500");
  const columns = ["RemoteUrl", "RemoteIP"];
  const found = extractIocsFrame(frame, { columns, dedupe: false });
  assert.ok(found.height > 0);
  assert.equal(sha((extractIocsFrame as Untyped)(frame, columns, { dedupe: false })), sha(found));
  assert.equal(
    sha((extractIocsFrame as Untyped)(frame, "RemoteUrl")),
    sha(extractIocsFrame(frame, { columns: "RemoteUrl" })),
  );
});

Deno.test("geoLookupFrame() and GeoIpDatabase.lookupFrame() still take the column positionally", async () => {
  const input = pl.DataFrame({ ip: ["8.8.8.8", "10.0.0.1", null, "nope", "2001:4860:4860::8888"] });
  const out = await geoLookupFrame(input, { column: "ip" });
  assert.ok(out.columns.includes("ip_country"));
  assert.equal(sha(await (geoLookupFrame as Untyped)(input, "ip")), sha(out));
  const geo = await GeoIpDatabase.open();
  const prefixed = await geo.lookupFrame(input, { column: "ip", prefix: "geo_" });
  assert.ok(prefixed.columns.includes("geo_country"));
  const legacy = await (geo.lookupFrame as Untyped).call(geo, input, "ip", { prefix: "geo_" });
  assert.equal(sha(legacy), sha(prefixed));
});

Deno.test("lookupIndicatorsFrame() and rdapLookupFrame() still take the column positionally", async () => {
  const feed = await loadFeed(`${DEMO_CASE_DIR}/external/threat_intel_feed.json`);
  const input = pl.DataFrame({ ioc: ["203.0.113.45", "8.8.8.8", "cdn.edgeupdate-sync.example"] });
  const hits = await lookupIndicatorsFrame(input, { column: "ioc", providers: [feed] });
  assert.equal(hits.height, 3);
  const legacy = await (lookupIndicatorsFrame as Untyped)(input, "ioc", { providers: [feed] });
  assert.equal(sha(legacy), sha(hits));
  // Special-purpose addresses need no registry: nothing is fetched.
  const lan = pl.DataFrame({ ip: ["10.0.0.1", "192.168.1.1", "127.0.0.1"] });
  const records = await rdapLookupFrame(lan, { column: "ip", liveBootstrapUrl: false });
  assert.deepEqual(records.getColumn("status").toArray(), [
    "special-range",
    "special-range",
    "special-range",
  ]);
  const positional = await (rdapLookupFrame as Untyped)(lan, "ip", { liveBootstrapUrl: false });
  assert.equal(sha(positional), sha(records));
});
