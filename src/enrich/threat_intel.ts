/**
 * Threat intel: one lookup over several providers with normalised results (indicator,
 * type, provider, status, verdict, severity, details, reference, message). Local feeds
 * (STIX 2.1 bundles, MISP event JSON, CSV) work offline; VirusTotal v3, AbuseIPDB,
 * AlienVault OTX and GreyNoise Community are used when their keys are set
 * (`VIRUSTOTAL_API_KEY`, `ABUSEIPDB_API_KEY`, `OTX_API_KEY`, `GREYNOISE_API_KEY`, or
 * `apiKey`). Every row carries a status: a missing key, a 429, a timeout or a provider that
 * goes down mid-batch marks its own rows and the rest of the batch is still answered.
 *
 * @module
 */
import { type DataFrame, pl } from "../polars.ts";
import { type EnrichmentCache, MemoryCache } from "./cache.ts";
import { columnArguments, compareText, textColumn } from "./_frame.ts";
import {
  type FeedEntry,
  type FeedFormat,
  feedProvider,
  parseCsv,
  type ParsedFeed,
  parseMisp,
  parseStix,
} from "./_ti_feeds.ts";
import type { HttpProviderOptions } from "./_ti_http.ts";
import { abuseIpDb, greyNoise, otx, virusTotal } from "./_ti_providers.ts";
import {
  INDICATOR_TYPES,
  type IndicatorType,
  type TiAnswer,
  type TiProvider,
  type TiStatus,
  typeIndicator,
  type Verdict,
} from "./_ti_types.ts";
import { EnrichmentError, EnrichmentProviderError } from "./errors.ts";
import { checkOptions, defineOptions } from "../options.ts";

const LOOKUP_OPTIONS = defineOptions<LookupOptions>("lookupIndicators", {
  providers: { kind: "array", aliases: ["provider", "feeds"] },
  cache: "object",
  signal: "object",
});
const LOOKUP_FRAME_OPTIONS = defineOptions<LookupIndicatorsFrameOptions>("lookupIndicatorsFrame", {
  providers: { kind: "array", aliases: ["provider", "feeds"] },
  cache: "object",
  signal: "object",
  column: { kind: "column", aliases: ["columns", "col"] },
  type: { oneOf: INDICATOR_TYPES },
});
// The four providers' options but their keys and addresses (each reads its own key).
const ONLINE_OPTIONS = defineOptions<Omit<HttpProviderOptions, "apiKey" | "baseUrl">>(
  "onlineProviders",
  {
    timeoutMs: "number",
    concurrency: "number",
    maxRetries: "number",
    maxRetryWaitMs: "number",
    cacheTtlMs: "number",
    breakAfter: "number",
  },
);
const LOAD_FEED_OPTIONS = defineOptions<LoadFeedOptions>("loadFeed", {
  name: "string",
  format: { oneOf: ["stix", "misp", "csv"] },
});

export type {
  FeedEntry,
  FeedFormat,
  HttpProviderOptions,
  IndicatorType,
  ParsedFeed,
  TiAnswer,
  TiProvider,
  TiStatus,
  Verdict,
};
export { abuseIpDb, greyNoise, INDICATOR_TYPES, otx, virusTotal };

/** One normalised result row. */
export interface TiResult {
  /** The indicator, normalised. */
  readonly indicator: string;
  /** Its type (null when it is none the providers take). */
  readonly type: IndicatorType | null;
  /** The provider that answered. */
  readonly provider: string;
  /** How the lookup went. */
  readonly status: TiStatus;
  /** What the provider says of it, when it answered. */
  readonly verdict: Verdict | null;
  /** 0 (benign) to 100 (certainly malicious), as far as the provider says. */
  readonly severity: number | null;
  /** Provider-specific facts. */
  readonly details: Record<string, unknown> | null;
  /** A link to the provider's page for it. */
  readonly reference: string | null;
  /** What went wrong, for a status other than ok / not-found. */
  readonly message: string | null;
}

/** Options of {@link lookupIndicators}. */
export interface LookupOptions {
  /** The providers to ask (local feeds and/or online providers). */
  readonly providers: readonly TiProvider[];
  /** Where answers are cached (default: one in-memory cache per process). */
  readonly cache?: EnrichmentCache;
  /** Cancels the batch. */
  readonly signal?: AbortSignal;
}

/** Options of {@link lookupIndicatorsFrame}. */
export interface LookupIndicatorsFrameOptions extends LookupOptions {
  /** The column of indicators (IPs, domains, URLs, hashes...). */
  readonly column: string;
  /** The indicators' type (default: inferred from each value). */
  readonly type?: IndicatorType;
}

/** An indicator with its type stated. */
export interface IndicatorInput {
  /** The indicator. */
  readonly value: string;
  /** Its type (default: inferred from the value). */
  readonly type?: IndicatorType;
}

const DEFAULT_CACHE = new MemoryCache();

/**
 * Looks indicators up with every provider that takes their type.
 *
 * @param indicators Values (their type is inferred) or `{ value, type }`.
 * @param options The providers, a cache, a cancel signal.
 * @returns The results, one per indicator and provider, in input order; never throws for
 *   one row's failure.
 * @throws {EnrichmentError} When no provider is given.
 *
 * @example Check the demo case's indicators against its STIX feed
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFeed, lookupIndicators } from "./mod.ts";
 * import { DEMO_CASE_DIR } from "../../mod.ts";
 *
 * const feed = await loadFeed(`${DEMO_CASE_DIR}/external/threat_intel_feed.json`);
 * const results = await lookupIndicators(
 *   ["203.0.113.61", "cdn.edgeupdate-sync.example", "8.8.8.8"],
 *   { providers: [feed] },
 * );
 * assert.deepEqual(results.map((r) => `${r.indicator} ${r.status} ${r.verdict}`), [
 *   "203.0.113.61 ok malicious",
 *   "cdn.edgeupdate-sync.example ok malicious",
 *   "8.8.8.8 not-found unknown",
 * ]);
 * ```
 */
export async function lookupIndicators(
  indicators: Iterable<string | IndicatorInput>,
  options: LookupOptions,
): Promise<TiResult[]> {
  checkOptions("lookupIndicators", options, LOOKUP_OPTIONS);
  if (!options.providers || options.providers.length === 0) {
    throw new EnrichmentError("No threat-intel provider given", {
      capability: "threat-intel",
      hint:
        "Pass providers: [await loadFeed(path)] and/or [virusTotal(), abuseIpDb(), otx(), greyNoise()].",
    });
  }
  const cache = options.cache ?? DEFAULT_CACHE;
  const signal = options.signal ?? new AbortController().signal;
  const jobs: Array<Promise<TiResult[]>> = [];
  const seen = new Map<string, Promise<TiResult[]>>();
  for (const input of indicators) {
    const raw = typeof input === "string" ? input : input.value;
    const declared = typeof input === "string" ? undefined : input.type;
    const key = `${declared ?? ""}|${raw}`;
    let job = seen.get(key);
    if (!job) {
      job = lookupOne(raw, declared, options.providers, cache, signal);
      seen.set(key, job);
    }
    jobs.push(job);
  }
  return (await Promise.all(jobs)).flat();
}

async function lookupOne(
  raw: string,
  declared: IndicatorType | undefined,
  providers: readonly TiProvider[],
  cache: EnrichmentCache,
  signal: AbortSignal,
): Promise<TiResult[]> {
  const typed = typeIndicator(String(raw ?? ""), declared);
  if (!typed) {
    return [
      row(
        raw,
        null,
        "",
        "invalid",
        null,
        `${JSON.stringify(raw)} is not an IP, domain, URL, e-mail or hash`,
      ),
    ];
  }
  const able = providers.filter((p) => p.types.includes(typed.type));
  if (able.length === 0) {
    return [
      row(
        typed.value,
        typed.type,
        "",
        "unsupported",
        null,
        `No provider takes ${typed.type} indicators`,
      ),
    ];
  }
  return await Promise.all(able.map((p) => ask(p, typed.value, typed.type, cache, signal)));
}

async function ask(
  provider: TiProvider,
  indicator: string,
  type: IndicatorType,
  cache: EnrichmentCache,
  signal: AbortSignal,
): Promise<TiResult> {
  const missing = provider.unavailable();
  if (missing) return row(indicator, type, provider.name, "no-key", null, missing);
  const key = `ti:${provider.name}:${type}:${indicator}`;
  if (provider.cacheTtlMs > 0) {
    const hit = await cache.get(key) as TiAnswer | undefined;
    if (hit) return row(indicator, type, provider.name, hit.status, hit, null);
  }
  try {
    const answer = await provider.lookup(indicator, type, signal);
    if (provider.cacheTtlMs > 0) await cache.set(key, answer, provider.cacheTtlMs);
    return row(indicator, type, provider.name, answer.status, answer, null);
  } catch (e) {
    if (signal.aborted) throw e;
    if (e instanceof EnrichmentProviderError) {
      const status: TiStatus = e.status === 429
        ? "rate-limited"
        : e.status === 0
        ? "timeout"
        : "error";
      return row(indicator, type, provider.name, status, null, e.message);
    }
    return row(
      indicator,
      type,
      provider.name,
      "error",
      null,
      `${provider.name} failed: ${(e as Error).message}`,
    );
  }
}

function row(
  indicator: string,
  type: IndicatorType | null,
  provider: string,
  status: TiStatus,
  answer: TiAnswer | null,
  message: string | null,
): TiResult {
  return {
    indicator,
    type,
    provider,
    status,
    verdict: answer?.verdict ?? null,
    severity: answer?.severity ?? null,
    details: answer?.details ?? null,
    reference: answer?.reference ?? null,
    message,
  };
}

/**
 * The results of {@link lookupIndicators} as a DataFrame (details as JSON text).
 *
 * @param results The results.
 * @returns Columns indicator, type, provider, status, verdict, severity, details, reference,
 *   message; rows keep the order of `results`.
 *
 * @example A results frame
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFeed, lookupIndicators, tiResultsFrame } from "./mod.ts";
 * import { DEMO_CASE_DIR } from "../../mod.ts";
 *
 * const feed = await loadFeed(`${DEMO_CASE_DIR}/external/threat_intel_feed.json`);
 * const frame = tiResultsFrame(await lookupIndicators(["198.51.100.160"], { providers: [feed] }));
 * assert.deepEqual(frame.columns, [
 *   "indicator", "type", "provider", "status", "verdict", "severity", "details", "reference",
 *   "message",
 * ]);
 * assert.deepEqual(frame.select("indicator", "type", "status").row(0), ["198.51.100.160", "ipv4", "ok"]);
 * ```
 */
export function tiResultsFrame(results: readonly TiResult[]): DataFrame {
  const col = <T>(name: string, f: (r: TiResult) => T, type: unknown) =>
    pl.Series(name, results.map(f), type as never);
  return pl.DataFrame([
    col("indicator", (r) => r.indicator, pl.Utf8),
    col("type", (r) => r.type, pl.Utf8),
    col("provider", (r) => r.provider, pl.Utf8),
    col("status", (r) => r.status, pl.Utf8),
    col("verdict", (r) => r.verdict, pl.Utf8),
    col("severity", (r) => r.severity, pl.Float64),
    col("details", (r) => (r.details ? JSON.stringify(r.details) : null), pl.Utf8),
    col("reference", (r) => r.reference, pl.Utf8),
    col("message", (r) => r.message, pl.Utf8),
  ]);
}

/**
 * Looks up the distinct values of a frame's column; returns the results frame.
 *
 * Rows are ordered by `indicator` (its normal form), ascending by UTF-16 code units, then
 * by provider in the order `providers` gives them (a value written two ways, such as
 * `Example.com` and `example.com`, gives two such runs). The order depends neither on the
 * rows' order nor on which answer comes back first.
 *
 * @param frame The frame.
 * @param options The column of indicators and its indicator `type`; as
 *   {@link lookupIndicators}.
 * @returns One row per distinct value and provider (see {@link tiResultsFrame}).
 * @throws {EnrichmentError} When the column is missing or no provider is given.
 *
 * @example Sign-in addresses of the demo case against its feed
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFeed, lookupIndicatorsFrame } from "./mod.ts";
 * import { DEMO_CASE_DIR, openLocalProvider, pl } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const signins = (await provider.table("SigninLogs")).frame;
 * const feed = await loadFeed(`${DEMO_CASE_DIR}/external/threat_intel_feed.json`);
 * const hits = await lookupIndicatorsFrame(signins, { column: "IPAddress", providers: [feed] });
 * const known = hits.filter(pl.col("status").eq(pl.lit("ok"))).getColumn("indicator").toArray();
 * assert.deepEqual(known, ["203.0.113.61"]); // a spray address the feed knows
 * ```
 */
export async function lookupIndicatorsFrame(
  frame: DataFrame,
  options: LookupIndicatorsFrameOptions,
): Promise<DataFrame>;
/**
 * Looks up the distinct values of a column named positionally.
 *
 * @deprecated Name the column in the options:
 * `lookupIndicatorsFrame(frame, { column, providers, ... })`. This form keeps recorded
 * sessions replaying.
 */
export async function lookupIndicatorsFrame(
  frame: DataFrame,
  column: string,
  options: LookupOptions & { type?: IndicatorType },
): Promise<DataFrame>;
export async function lookupIndicatorsFrame(
  frame: DataFrame,
  columnOrOptions: string | LookupIndicatorsFrameOptions,
  legacyOptions?: LookupOptions & { type?: IndicatorType },
): Promise<DataFrame> {
  const args = columnArguments(columnOrOptions, legacyOptions, "column");
  checkOptions("lookupIndicatorsFrame", args.options, LOOKUP_FRAME_OPTIONS);
  const column = args.column as string;
  const options = args.options as LookupOptions & { type?: IndicatorType };
  const values = [
    ...new Set(textColumn(frame, column, "threat-intel").filter((v): v is string => !!v)),
  ];
  // One run of rows per value, in provider order; the sort is stable, so runs stay whole.
  const results = await lookupIndicators(
    values.map((value) => ({ value, type: options.type })),
    { providers: options.providers, cache: options.cache, signal: options.signal },
  );
  return tiResultsFrame(results.sort((a, b) => compareText(a.indicator, b.indicator)));
}

/** Options of {@link loadFeed}. */
export interface LoadFeedOptions {
  /** The provider's name in results (default: the file name). */
  readonly name?: string;
  /** The format (default: by extension and content). */
  readonly format?: FeedFormat;
}

/**
 * A local feed file as a provider: a STIX 2.1 bundle, MISP event JSON, or a CSV with an
 * indicator column (and optional type, verdict, severity, description, reference).
 *
 * @param path The feed file.
 * @param options Name and format.
 * @returns A provider answering from the file, offline.
 * @throws {EnrichmentError} When the file cannot be read or is in no known format.
 *
 * @example The demo case's STIX feed
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFeed } from "./mod.ts";
 * import { DEMO_CASE_DIR } from "../../mod.ts";
 *
 * const feed = await loadFeed(`${DEMO_CASE_DIR}/external/threat_intel_feed.json`);
 * assert.equal(feed.name, "threat_intel_feed.json");
 * assert.ok(feed.types.includes("ipv4") && feed.feed.entries.length > 0);
 * ```
 */
export async function loadFeed(
  path: string,
  options: LoadFeedOptions = {},
): Promise<TiProvider & { feed: ParsedFeed }> {
  checkOptions("loadFeed", options, LOAD_FEED_OPTIONS);
  const name = options.name ?? path.split(/[\\/]/).pop()!;
  const format = options.format ?? (/\.csv$/i.test(path) ? "csv" : undefined);
  if (format === "csv") return feedProvider(name, await parseCsv(path, name));
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new EnrichmentError(`Cannot read the feed ${path}`, {
      capability: "threat-intel",
      cause: e,
      hint: "Check the path (relative paths start from the current folder).",
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EnrichmentError(`The feed ${path} is not valid JSON`, {
      capability: "threat-intel",
      cause: e,
      hint: "Give a STIX 2.1 bundle or MISP JSON, or a .csv file.",
    });
  }
  return feedProvider(name, parseFeedJson(json, name, format));
}

/**
 * A feed given as data (a parsed STIX bundle or MISP JSON) as a provider.
 *
 * @param data The parsed JSON.
 * @param name The provider's name.
 * @returns The provider.
 * @throws {EnrichmentError} When the data is in no known format.
 *
 * @example A one-indicator STIX bundle
 * ```ts
 * import assert from "node:assert/strict";
 * import { feedFromJson, lookupIndicators } from "./mod.ts";
 *
 * const feed = feedFromJson({
 *   type: "bundle",
 *   objects: [{ type: "indicator", id: "indicator--1", pattern: "[ipv4-addr:value = '192.0.2.9']",
 *     pattern_type: "stix", indicator_types: ["malicious-activity"] }],
 * }, "mine");
 * const [result] = await lookupIndicators(["192.0.2.9"], { providers: [feed] });
 * assert.deepEqual([result.provider, result.status, result.verdict], ["mine", "ok", "malicious"]);
 * ```
 */
export function feedFromJson(data: unknown, name: string): TiProvider & { feed: ParsedFeed } {
  return feedProvider(name, parseFeedJson(data, name));
}

function parseFeedJson(json: unknown, name: string, format?: FeedFormat): ParsedFeed {
  const obj = json as Record<string, unknown>;
  if (format === "stix" || (format === undefined && obj?.type === "bundle")) {
    return parseStix(json, name);
  }
  return parseMisp(json, name);
}

/**
 * The four online providers with options shared by all (base URLs differ, so set them
 * per provider with the factories when pointing at test servers).
 *
 * @param options Timeouts, concurrency, cache lifetime.
 * @returns VirusTotal, AbuseIPDB, OTX and GreyNoise providers.
 *
 * @example Without keys, each provider's rows say which variable to set
 * ```ts
 * import assert from "node:assert/strict";
 * import { lookupIndicators, onlineProviders } from "./mod.ts";
 *
 * const results = await lookupIndicators(["203.0.113.45"], { providers: onlineProviders() });
 * assert.deepEqual(results.map((r) => r.provider), ["VirusTotal", "AbuseIPDB", "OTX", "GreyNoise"]);
 * assert.ok(results.every((r) => r.status !== "ok" && r.message !== null));
 * ```
 */
export function onlineProviders(
  options: Omit<HttpProviderOptions, "apiKey" | "baseUrl"> = {},
): TiProvider[] {
  checkOptions("onlineProviders", options, ONLINE_OPTIONS);
  return [virusTotal(options), abuseIpDb(options), otx(options), greyNoise(options)];
}
