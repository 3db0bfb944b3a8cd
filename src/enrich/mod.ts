/**
 * Enrichment of investigation data: indicators of compromise found in text
 * ({@link extractIocs}), obfuscated command lines decoded ({@link decode}) and flagged
 * ({@link obfuscationIndicators}), addresses placed with the bundled geo-IP and ASN data
 * ({@link geoLookup}), indicators checked against local feeds and online threat-intel
 * services ({@link lookupIndicators}), and registration data from RDAP
 * ({@link rdapLookup}). Each has a frame form that takes the frame first and the column in
 * its options (`decodeFrame(frame, { column })`). Batch lookups never fail for one bad row:
 * each row carries a status; answers go through an {@link EnrichmentCache}.
 *
 * @example The demo case's encoded PowerShell, decoded, and its C2 found
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeFrame, extractIocsFrame } from "./mod.ts";
 * import { openLocalProvider, pl } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query(
 *   "DeviceProcessEvents | where ProcessCommandLine has '-EncodedCommand'",
 * );
 * const decoded = decodeFrame(frame, { column: "ProcessCommandLine" });
 * const status = decoded.getColumn("ProcessCommandLine_decode_status").unique().toArray();
 * assert.deepEqual(status, ["decoded"]);
 * const iocs = extractIocsFrame(decoded, { columns: "ProcessCommandLine_decoded", types: ["url"] });
 * const hosts = iocs.select(pl.col("value").str.contains("edgeupdate-sync")).getColumn("value");
 * assert.ok(hosts.toArray().includes(true));
 * ```
 *
 * @module
 */
export { EnrichmentError, EnrichmentProviderError } from "./errors.ts";
export type { EnrichmentErrorOptions, EnrichmentProviderErrorOptions } from "./errors.ts";
export { BUILTIN_IOC_TYPES, extractIocs, extractIocsFrame, refang } from "./ioc.ts";
export type {
  BuiltinIocType,
  CustomIocType,
  ExtractIocsFrameOptions,
  ExtractIocsOptions,
  IocMatch,
} from "./ioc.ts";
export { decode, decodeFrame, entropy, obfuscationFrame, obfuscationIndicators } from "./decode.ts";
export type {
  BinaryPayload,
  DecodeFrameOptions,
  DecodeLayer,
  DecodeLayerKind,
  DecodeOptions,
  DecodeResult,
  DecodeStatus,
  ObfuscationFrameOptions,
  ObfuscationIndicator,
  ObfuscationOptions,
  ObfuscationReport,
} from "./decode.ts";
export { FolderCache, hashKey, MemoryCache } from "./cache.ts";
export type { EnrichmentCache } from "./cache.ts";
export { classifyIp, GEO_SOURCES, GeoIpDatabase, geoLookup, geoLookupFrame } from "./geoip.ts";
export type {
  GeoDataSource,
  GeoIpOptions,
  GeoIpRecord,
  GeoLookupFrameOptions,
  GeoStatus,
  IpClass,
  IpKind,
} from "./geoip.ts";
export {
  abuseIpDb,
  feedFromJson,
  greyNoise,
  INDICATOR_TYPES,
  loadFeed,
  lookupIndicators,
  lookupIndicatorsFrame,
  onlineProviders,
  otx,
  tiResultsFrame,
  virusTotal,
} from "./threat_intel.ts";
export type {
  FeedEntry,
  FeedFormat,
  HttpProviderOptions,
  IndicatorInput,
  IndicatorType,
  LoadFeedOptions,
  LookupIndicatorsFrameOptions,
  LookupOptions,
  ParsedFeed,
  TiAnswer,
  TiProvider,
  TiResult,
  TiStatus,
  Verdict,
} from "./threat_intel.ts";
export { BOOTSTRAP_SNAPSHOT, IANA_RDAP_BOOTSTRAP, rdapLookup, rdapLookupFrame } from "./whois.ts";
export type {
  Bootstrap,
  BootstrapFile,
  RdapFacts,
  RdapLookupFrameOptions,
  RdapOptions,
  RdapRecord,
  RdapStatus,
} from "./whois.ts";
// Types the signatures refer to, from the units that define them.
export type { DataFrame } from "../polars.ts";
export type { CasefileError, CasefileErrorOptions } from "../errors.ts";
