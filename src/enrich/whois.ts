/**
 * Whois over RDAP for IP addresses and domains: the IANA bootstrap files say which
 * registry (ARIN, RIPE NCC, APNIC, LACNIC, AFRINIC, a TLD registry) to ask, the answer is
 * followed through redirects and normalised (name, handle, country, registrant, registrar,
 * abuse e-mail, created/updated/expiry dates, network range and CIDR, name servers).
 * Results are cached; every value gets a row with a status.
 *
 * casefile ships a snapshot of the bootstrap files (IANA publications of 2019, a partial
 * DNS file for com and net). A value the snapshot cannot route (a newer address block, a
 * TLD other than com and net) makes the lookup fetch IANA's current files once, from
 * `liveBootstrapUrl`; pass `bootstrap` or `bootstrapUrl` to use other files throughout.
 *
 * @module
 */
import { type DataFrame, pl } from "../polars.ts";
import { type EnrichmentCache, MemoryCache } from "./cache.ts";
import { columnArguments, compareText, textColumn } from "./_frame.ts";
import { classifyParsedIp, formatIp, parseIp } from "./_ip.ts";
import {
  type Bootstrap,
  BOOTSTRAP_SNAPSHOT,
  type BootstrapFile,
  normaliseRdap,
  type RdapFacts,
  registryForDomain,
  registryForIp,
} from "./_rdap.ts";
import { HttpGate } from "./_ti_http.ts";
import { EnrichmentProviderError } from "./errors.ts";
import { checkOptions, defineOptions } from "../options.ts";

const RDAP_OPTIONS = defineOptions<RdapOptions>("rdapLookup", {
  bootstrap: "object",
  bootstrapUrl: "string",
  liveBootstrapUrl: { kind: "string", oneOf: [false] },
  cache: "object",
  cacheTtlMs: "number",
  timeoutMs: "number",
  concurrency: "number",
  signal: "object",
});
const RDAP_FRAME_OPTIONS = defineOptions<RdapLookupFrameOptions>("rdapLookupFrame", {
  ...RDAP_OPTIONS,
  column: { kind: "column", aliases: ["columns", "col"] },
});

export type { Bootstrap, BootstrapFile, RdapFacts };
export { BOOTSTRAP_SNAPSHOT };

/** How one RDAP lookup went. */
export type RdapStatus =
  | "ok"
  | "not-found"
  | "no-registry"
  | "special-range"
  | "invalid"
  | "timeout"
  | "rate-limited"
  | "error";

/** One value's RDAP record. */
export interface RdapRecord extends Partial<RdapFacts> {
  /** The value looked up, normalised. */
  readonly query: string;
  /** What it is (null when it is neither). */
  readonly kind: "ip" | "domain" | null;
  /** How the lookup went. */
  readonly status: RdapStatus;
  /** The registry asked. */
  readonly registry: string | null;
  /** Why there is no record, for a status other than ok. */
  readonly message: string | null;
}

/** Options of {@link rdapLookup}. */
export interface RdapOptions {
  /** Bootstrap files to use instead of the snapshot. */
  readonly bootstrap?: Partial<Bootstrap>;
  /** Fetch ipv4.json, ipv6.json and dns.json from here (e.g. https://data.iana.org/rdap/). */
  readonly bootstrapUrl?: string;
  /**
   * Where to fetch current bootstrap files when the snapshot has no registry for a value
   * (default IANA's, https://data.iana.org/rdap/; `false` never fetches). Not used with
   * `bootstrapUrl`, whose files are current already.
   */
  readonly liveBootstrapUrl?: string | false;
  /** Where answers are cached (default: in memory, per process). */
  readonly cache?: EnrichmentCache;
  /** Cache lifetime (default 7 days). */
  readonly cacheTtlMs?: number;
  /** Every call's timeout (default 15,000 ms). */
  readonly timeoutMs?: number;
  /** Calls in flight at once (default 4). */
  readonly concurrency?: number;
  /** Cancels the lookups. */
  readonly signal?: AbortSignal;
}

const DEFAULT_CACHE = new MemoryCache();

/** Options of {@link rdapLookupFrame}. */
export interface RdapLookupFrameOptions extends RdapOptions {
  /** The column of IPs or domains. */
  readonly column: string;
}

/** IANA's RDAP bootstrap files (RFC 9224). */
export const IANA_RDAP_BOOTSTRAP = "https://data.iana.org/rdap/";

// Live bootstrap files fetched in this process, by base URL; a failed fetch is forgotten.
const LIVE = new Map<string, Promise<Bootstrap>>();

/**
 * RDAP records for IP addresses and domains.
 *
 * @param values Addresses and/or domain names.
 * @param options Bootstrap, cache, timeouts.
 * @returns One record per value, in order; failures are statuses, not exceptions.
 *
 * @example Special ranges need no registry
 * ```ts
 * import assert from "node:assert/strict";
 * import { rdapLookup } from "./mod.ts";
 *
 * const [record] = await rdapLookup(["10.20.4.42"]);
 * assert.deepEqual([record.status, record.message], ["special-range", "private (10.0.0.0/8)"]);
 * ```
 */
export async function rdapLookup(
  values: readonly string[],
  options: RdapOptions = {},
): Promise<RdapRecord[]> {
  checkOptions("rdapLookup", options, RDAP_OPTIONS);
  const signal = options.signal ?? new AbortController().signal;
  const gate = new HttpGate("RDAP", {
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    breakAfter: Number.POSITIVE_INFINITY,
  });
  const files = await resolveBootstrap(options, gate, signal);
  const liveUrl = options.bootstrapUrl ? false : options.liveBootstrapUrl ?? IANA_RDAP_BOOTSTRAP;
  const routing: Routing = {
    files,
    live: liveUrl === false ? undefined : () => {
      let job = LIVE.get(liveUrl);
      if (!job) {
        job = fetchBootstrap(liveUrl, gate, signal);
        LIVE.set(liveUrl, job);
        job.catch(() => LIVE.delete(liveUrl));
      }
      return job;
    },
  };
  const cache = options.cache ?? DEFAULT_CACHE;
  const ttl = options.cacheTtlMs ?? 7 * 24 * 3600 * 1000;
  const seen = new Map<string, Promise<RdapRecord>>();
  return await Promise.all(values.map((v) => {
    const key = String(v ?? "").trim();
    let job = seen.get(key);
    if (!job) {
      job = one(key, routing, gate, cache, ttl, signal);
      seen.set(key, job);
    }
    return job;
  }));
}

async function resolveBootstrap(
  options: RdapOptions,
  gate: HttpGate,
  signal: AbortSignal,
): Promise<Bootstrap> {
  const given = { ...BOOTSTRAP_SNAPSHOT, ...options.bootstrap };
  if (!options.bootstrapUrl) return given;
  return await fetchBootstrap(options.bootstrapUrl, gate, signal);
}

/** Where registries are found: the files in use, then (if allowed) IANA's current ones. */
interface Routing {
  readonly files: Bootstrap;
  readonly live?: () => Promise<Bootstrap>;
}

async function fetchBootstrap(
  url: string,
  gate: HttpGate,
  signal: AbortSignal,
): Promise<Bootstrap> {
  const base = url.replace(/\/?$/, "/");
  const fetchFile = async (name: string) => {
    const reply = await gate.getJson(`${base}${name}`, {}, signal);
    if (reply.status !== 200) {
      throw new EnrichmentProviderError(
        `Cannot fetch the RDAP bootstrap ${base}${name} (HTTP ${reply.status})`,
        {
          capability: "whois",
          provider: "RDAP",
          status: reply.status,
          hint: "Check bootstrapUrl, or leave it out to use the shipped snapshot.",
        },
      );
    }
    return reply.body as BootstrapFile;
  };
  const [ipv4, ipv6, dns] = await Promise.all([
    fetchFile("ipv4.json"),
    fetchFile("ipv6.json"),
    fetchFile("dns.json"),
  ]);
  return { ipv4, ipv6, dns };
}

async function one(
  value: string,
  routing: Routing,
  gate: HttpGate,
  cache: EnrichmentCache,
  ttl: number,
  signal: AbortSignal,
): Promise<RdapRecord> {
  const ip = parseIp(value);
  let kind: "ip" | "domain";
  let query: string;
  let registry: string | undefined;
  if (ip) {
    kind = "ip";
    query = formatIp(ip);
    const cls = classifyParsedIp(ip);
    if (cls.kind !== "public") {
      return record(query, kind, "special-range", null, `${cls.kind} (${cls.range})`);
    }
    registry = registryForIp(query, routing.files);
  } else if (/^[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/i.test(value)) {
    kind = "domain";
    query = value.toLowerCase().replace(/\.$/, "");
    registry = registryForDomain(query, routing.files);
  } else {
    return record(
      value,
      null,
      "invalid",
      null,
      `${JSON.stringify(value)} is neither an IP address nor a domain`,
    );
  }
  let liveProblem = "";
  if (!registry && routing.live) {
    try {
      const live = await routing.live();
      registry = kind === "ip" ? registryForIp(query, live) : registryForDomain(query, live);
    } catch (e) {
      if (signal.aborted) throw e;
      liveProblem = `; the current ones could not be fetched: ${(e as Error).message}`;
    }
  }
  if (!registry) {
    return record(
      query,
      kind,
      "no-registry",
      null,
      `No RDAP registry for ${query} in the bootstrap files${liveProblem}`,
    );
  }
  const cacheKey = `rdap:${kind}:${query}`;
  const hit = await cache.get(cacheKey) as RdapRecord | undefined;
  if (hit) return hit;
  const url = `${registry.replace(/\/?$/, "/")}${kind}/${encodeURIComponent(query)}`;
  try {
    const reply = await gate.getJson(url, { accept: "application/rdap+json" }, signal);
    if (reply.status === 404) {
      const r = record(query, kind, "not-found", registry, `${registry} has no record of ${query}`);
      await cache.set(cacheKey, r, ttl);
      return r;
    }
    if (reply.status !== 200 || typeof reply.body !== "object" || reply.body === null) {
      return record(query, kind, "error", registry, `${registry} answered HTTP ${reply.status}`);
    }
    const facts = normaliseRdap(reply.body as Record<string, unknown>);
    const r: RdapRecord = { ...record(query, kind, "ok", registry, null), ...facts };
    await cache.set(cacheKey, r, ttl);
    return r;
  } catch (e) {
    if (signal.aborted) throw e;
    const status = e instanceof EnrichmentProviderError
      ? (e.status === 429 ? "rate-limited" : e.status === 0 ? "timeout" : "error")
      : "error";
    return record(
      query,
      kind,
      status,
      registry,
      (e as Error).message.replace(/\bRDAP\b/, registry),
    );
  }
}

function record(
  query: string,
  kind: "ip" | "domain" | null,
  status: RdapStatus,
  registry: string | null,
  message: string | null,
): RdapRecord {
  return { query, kind, status, registry, message };
}

/**
 * RDAP records for the distinct values of a column, as a frame: query, kind, status,
 * registry, handle, name, country, registrant, registrar, abuse_email, created, updated,
 * expires, start_address, end_address, cidr, nameservers, link, message.
 *
 * Rows are ordered by `query` (the value's normal form), ascending by UTF-16 code units (a
 * value written two ways, such as `Example.com` and `example.com`, gives two rows). The
 * order depends neither on the rows' order nor on which answer comes back first.
 *
 * @param frame The frame.
 * @param options The column of IPs or domains; as {@link rdapLookup}.
 * @returns One row per distinct value.
 * @throws {EnrichmentError} When the column is missing.
 *
 * @example Private addresses of the demo case's hosts need no lookup
 * ```ts
 * import assert from "node:assert/strict";
 * import { rdapLookupFrame } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const heartbeat = (await provider.table("Heartbeat")).frame;
 * const records = await rdapLookupFrame(heartbeat.head(5), { column: "ComputerIP" });
 * assert.deepEqual(records.getColumn("status").unique().toArray(), ["special-range"]);
 * ```
 */
export async function rdapLookupFrame(
  frame: DataFrame,
  options: RdapLookupFrameOptions,
): Promise<DataFrame>;
/**
 * RDAP records for the distinct values of a column named positionally.
 *
 * @deprecated Name the column in the options: `rdapLookupFrame(frame, { column, ... })`.
 * This form keeps recorded sessions replaying.
 */
export async function rdapLookupFrame(
  frame: DataFrame,
  column: string,
  options?: RdapOptions,
): Promise<DataFrame>;
export async function rdapLookupFrame(
  frame: DataFrame,
  columnOrOptions: string | RdapLookupFrameOptions,
  legacyOptions?: RdapOptions,
): Promise<DataFrame> {
  const args = columnArguments<RdapOptions>(columnOrOptions, legacyOptions, "column");
  checkOptions("rdapLookupFrame", args.options, RDAP_FRAME_OPTIONS);
  const column = args.column as string;
  const options = args.options;
  const values = [...new Set(textColumn(frame, column, "whois").filter((v): v is string => !!v))];
  // rdapLookup answers in the order asked, whatever answers first; then sort by normal form.
  const records = (await rdapLookup(values, options))
    .sort((a, b) => compareText(a.query, b.query));
  const col = (name: string, f: (r: RdapRecord) => string | null | undefined) =>
    pl.Series(name, records.map((r) => f(r) ?? null), pl.Utf8);
  return pl.DataFrame([
    col("query", (r) => r.query),
    col("kind", (r) => r.kind),
    col("status", (r) => r.status),
    col("registry", (r) => r.registry),
    col("handle", (r) => r.handle),
    col("name", (r) => r.name),
    col("country", (r) => r.country),
    col("registrant", (r) => r.registrant),
    col("registrar", (r) => r.registrar),
    col("abuse_email", (r) => r.abuseEmail),
    col("created", (r) => r.created),
    col("updated", (r) => r.updated),
    col("expires", (r) => r.expires),
    col("start_address", (r) => r.startAddress),
    col("end_address", (r) => r.endAddress),
    col("cidr", (r) => r.cidr),
    col("nameservers", (r) => r.nameservers?.join(", ")),
    col("link", (r) => r.link),
    col("message", (r) => r.message),
  ]);
}
