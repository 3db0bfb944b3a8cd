/**
 * The result cache, shared by every session under a casefile home: query results stored
 * once, as Parquet (byte-deterministic, so a result's SHA-256 is its identity), found by a
 * key made of the provider, the normalised query, its time window and parameters.
 *
 * Every read is checked against the SHA-256 the entry was stored under, and a query's entry
 * against the result it points at (rows, columns): a damaged or mismatched one is reported,
 * never returned, and moved to `quarantine/` (evidence is never deleted). A result evicted
 * while another process reads it is a miss. Entries expire by provider (local data: when
 * its files change; Sentinel: after a time to live), and the least recently used results
 * are evicted above a size cap.
 *
 * The time to live of a live service's results is one hour by default: long enough for
 * the loop of an investigation (re-running a step, pivoting on its result, resuming after
 * a break), short enough that a result whose window reaches the present does not stand in
 * for new events for long (Log Analytics ingests within minutes). Set another with
 * `CASEFILE_CACHE_TTL` (a timespan: `15m`, `4h`, `1d`; `0` serves nothing from the cache)
 * or {@link ResultCacheOptions.ttl}; a hit says how old it is, and a refresh fetches anew.
 *
 * @module
 */
import { checkOptions, defineOptions } from "../options.ts";
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { type DataFrame, pl } from "../polars.ts";
import type { ColumnSchema } from "../schema/mod.ts";
import type { ProviderKind, QueryWarning, RenderSpec } from "../providers/mod.ts";
import { exists, privateDir, removeTemporaries, writeFileAtomic } from "./_files.ts";
import { readKqlTimespan } from "../kql/syntax.ts";
import { SessionError } from "./errors.ts";

/** The cache format this version reads and writes; entries of another are refetched. */
export const CACHE_FORMAT = 1;

/** Options of {@link ResultCache.open}. */
export interface ResultCacheOptions {
  /** Size above which least recently used results are evicted (default 4 GiB). */
  readonly maxBytes?: number;
  /**
   * Time to live by provider kind in milliseconds; `null`: until the data changes
   * (default: local `null`, Sentinel one hour, or `CASEFILE_CACHE_TTL`).
   */
  readonly ttl?: Partial<Record<ProviderKind, number | null>>;
  /** Environment variables are read from here (default: `Deno.env`). */
  readonly env?: (name: string) => string | undefined;
}

const CACHE_OPTIONS = defineOptions<ResultCacheOptions>("ResultCache.open", {
  maxBytes: { kind: "number", aliases: ["size", "limit"] },
  ttl: "object",
  env: "function",
});

/** A query's cache entry: where its result is and what it was. */
export interface CacheEntry {
  /** The cache format it was written in ({@link CACHE_FORMAT}). */
  readonly format: number;
  /** The query's key (see {@link ResultCache.key}). */
  readonly key: string;
  /** The result's SHA-256 (its file in the cache). */
  readonly sha256: string;
  /** The result's size in bytes (Parquet). */
  readonly bytes: number;
  /** The result's rows. */
  readonly rows: number;
  /** The result's columns. */
  readonly columns: readonly ColumnSchema[];
  /** The provider's identity. */
  readonly provider: string;
  /** The query as run. */
  readonly query: string;
  /** What the provider warned of. */
  readonly warnings: readonly QueryWarning[];
  /** The chart `render` asked for. */
  readonly render?: RenderSpec;
  /** When the entry was stored (ISO time). */
  readonly created: string;
  /** When the entry stops being valid (absent: valid while `dataVersion` matches). */
  readonly expires?: string;
  /** The provider's data version when stored (local: a digest of its files). */
  readonly dataVersion?: string;
}

/** A result serialised for the cache: its Parquet bytes and their SHA-256. */
export interface ResultDigest {
  /** The Parquet bytes. */
  readonly parquet: Uint8Array;
  /** Their SHA-256 (the result's identity). */
  readonly sha256: string;
}

/** What a lookup found. */
export type CacheLookup =
  | { readonly status: "hit"; readonly entry: CacheEntry; readonly frame: DataFrame }
  | { readonly status: "miss" | "expired" | "stale-format" }
  | {
    readonly status: "damaged";
    readonly problem: string;
    /** Where the damaged entry or result was moved, when it was. */
    readonly quarantined?: string;
  };

/** Size and count of a cache. */
export interface CacheStats {
  /** The cache's folder. */
  readonly dir: string;
  /** How many results it holds. */
  readonly results: number;
  /** How many queries it knows. */
  readonly queries: number;
  /** The results' size in bytes. */
  readonly bytes: number;
  /** The size it is kept under, in bytes. */
  readonly maxBytes: number;
}

/**
 * The Parquet serialisation of a frame and its SHA-256: the result's identity (the same
 * data gives the same hash, however it was computed or chunked).
 */
export function digestFrame(frame: DataFrame): ResultDigest {
  const parquet = new Uint8Array(frame.writeParquet());
  return { parquet, sha256: sha256Hex(parquet) };
}

/** SHA-256 of bytes, as hex. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const DEFAULT_TTL: Record<ProviderKind, number | null> = {
  local: null,
  sentinel: 3_600_000,
  adx: 3_600_000,
  xdr: 3_600_000,
};

/**
 * The time to live `CASEFILE_CACHE_TTL` sets for live services, in milliseconds.
 *
 * @throws {SessionError} when it is set to something that is not a timespan.
 */
function ttlFromEnv(env: (name: string) => string | undefined): number | undefined {
  const text = env("CASEFILE_CACHE_TTL")?.trim();
  if (!text) return undefined;
  const micros = /^\d+$/.test(text) ? BigInt(text) * 1_000_000n : readKqlTimespan(text);
  if (micros === undefined || micros < 0n) {
    throw new SessionError(`CASEFILE_CACHE_TTL is '${text}', which is not a timespan.`, {
      hint: "Give how long results of a live service stay cached: 15m, 4h, 1d (seconds " +
        "without a unit; 0 caches nothing).",
    });
  }
  return Number(micros / 1000n);
}

function denoEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** A folder of cached results. Open one with {@link ResultCache.open}. */
export class ResultCache {
  /** The cache's folder. */
  readonly dir: string;
  /** The size results are kept under, in bytes (the oldest go first). */
  readonly maxBytes: number;
  readonly #ttl: Record<ProviderKind, number | null>;
  /** Bytes of results, as this process last counted them (undefined: not counted yet). */
  #bytes?: number;

  private constructor(dir: string, options: ResultCacheOptions) {
    this.dir = dir;
    this.maxBytes = options.maxBytes ?? 4 * 2 ** 30;
    const fromEnv = ttlFromEnv(options.env ?? denoEnv);
    this.#ttl = {
      ...DEFAULT_TTL,
      ...(fromEnv !== undefined ? { sentinel: fromEnv } : {}),
      ...options.ttl,
    };
  }

  /**
   * Opens (creating) the cache folder `dir`.
   *
   * @example A result stored and read back, checked against its hash
   * ```ts
   * import assert from "node:assert/strict";
   * import { ResultCache } from "./result_cache.ts";
   * import { pl } from "../polars.ts";
   *
   * const dir = await Deno.makeTempDir();
   * const cache = await ResultCache.open(dir);
   * const frame = pl.DataFrame({ Account: ["a", "b"], Failures: [3, 5] });
   * const { sha256 } = await cache.putResult(frame);
   * const back = await cache.getResult(sha256);
   * assert.equal(back.status === "ok" && back.frame.frameEqual(frame), true);
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  static async open(dir: string, options: ResultCacheOptions = {}): Promise<ResultCache> {
    checkOptions("ResultCache.open", options, CACHE_OPTIONS);
    await privateDir(join(dir, "results"));
    await privateDir(join(dir, "queries"));
    // Files a killed write left behind (never one another process is still writing).
    await removeTemporaries(join(dir, "queries"));
    for await (const prefix of Deno.readDir(join(dir, "results"))) {
      if (prefix.isDirectory) await removeTemporaries(join(dir, "results", prefix.name));
    }
    return new ResultCache(dir, options);
  }

  /**
   * The key of a query: provider (and the service it is at, its `origin`), normalised
   * query, time window and parameters.
   */
  static key(parts: {
    provider: string;
    /** Where a live service's data comes from (`Provider.origin`). */
    origin?: string;
    query: string;
    timespan?: { start: string; end: string };
    params?: Readonly<Record<string, unknown>>;
    /** The provider's own query options (`split`, `additionalWorkspaces`, ...). */
    options?: Readonly<Record<string, unknown>>;
  }): string {
    return sha256Hex(JSON.stringify([
      CACHE_FORMAT,
      parts.provider,
      parts.query,
      parts.timespan ?? null,
      Object.entries(parts.params ?? {}).sort(([a], [b]) => a < b ? -1 : 1),
      // Only for providers that have one, so that other keys stay what they were.
      ...(parts.origin !== undefined ? [parts.origin] : []),
      // Likewise only for queries that have options.
      ...(parts.options && Object.keys(parts.options).length
        ? [Object.entries(parts.options).sort(([a], [b]) => a < b ? -1 : 1)]
        : []),
    ]));
  }

  /**
   * How long results of a provider kind are kept, in milliseconds (`null`: while the
   * provider's data version is unchanged).
   */
  ttl(kind: ProviderKind): number | null {
    return this.#ttl[kind];
  }

  #resultPath(sha256: string): string {
    return join(this.dir, "results", sha256.slice(0, 2), `${sha256}.parquet`);
  }

  /**
   * The file a result with this hash is stored in (it may not exist): for exports and
   * verification, which read the bytes as stored.
   */
  resultPath(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RangeError(`not a SHA-256: ${sha256}`);
    return this.#resultPath(sha256);
  }

  #entryPath(key: string): string {
    return join(this.dir, "queries", `${key}.json`);
  }

  /**
   * Stores a result under its SHA-256 (once: the same data is stored once).
   *
   * @param digest The result's serialisation, when already made.
   */
  async putResult(frame: DataFrame, digest: ResultDigest = digestFrame(frame)): Promise<{
    sha256: string;
    bytes: number;
  }> {
    const path = this.#resultPath(digest.sha256);
    if (!(await exists(path))) {
      await writeFileAtomic(path, digest.parquet);
      await this.#evict(digest.sha256, digest.parquet.length);
    }
    return { sha256: digest.sha256, bytes: digest.parquet.length };
  }

  /**
   * Moves a damaged file into `quarantine/` (named by what it should have been and when),
   * so it can be examined; undefined when it was gone already.
   */
  async #quarantine(path: string, kind: "results" | "queries", name: string): Promise<
    string | undefined
  > {
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const aside = join(this.dir, "quarantine", kind, `${name}.${stamp}`);
    try {
      await privateDir(join(this.dir, "quarantine", kind));
      await Deno.rename(path, aside);
      return aside;
    } catch {
      return undefined;
    }
  }

  /**
   * The latest file quarantined for the result `sha256` (its bytes no longer had that
   * hash), if any.
   */
  async quarantined(sha256: string): Promise<string | undefined> {
    const dir = join(this.dir, "quarantine", "results");
    const found: string[] = [];
    try {
      for await (const e of Deno.readDir(dir)) {
        if (e.name.startsWith(`${sha256}.parquet.`)) found.push(e.name);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    return found.length ? join(dir, found.sort().at(-1)!) : undefined;
  }

  /**
   * The result stored under `sha256`, checked: a file whose content no longer has that
   * hash is moved to `quarantine/` and reported, never returned.
   */
  async getResult(sha256: string): Promise<
    | { status: "ok"; frame: DataFrame }
    | { status: "missing" }
    | { status: "damaged"; quarantined?: string }
  > {
    const path = this.#resultPath(sha256);
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return { status: "missing" };
      // A directory where the result belongs is damage, set aside like bytes with another
      // hash. Anything else (no permission, too many open files) may pass: the file stays.
      if (!(error instanceof Deno.errors.IsADirectory)) throw error;
      return {
        status: "damaged",
        quarantined: await this.#quarantine(path, "results", `${sha256}.parquet`),
      };
    }
    if (sha256Hex(bytes) !== sha256) {
      return {
        status: "damaged",
        quarantined: await this.#quarantine(path, "results", `${sha256}.parquet`),
      };
    }
    // Least recently used is judged by modification time.
    const now = new Date();
    await Deno.utime(path, now, now).catch(() => {});
    try {
      return {
        status: "ok",
        frame: pl.readParquet(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)),
      };
    } catch {
      return {
        status: "damaged",
        quarantined: await this.#quarantine(path, "results", `${sha256}.parquet`),
      };
    }
  }

  /** Whether a result with this hash is stored (unchecked). */
  async hasResult(sha256: string): Promise<boolean> {
    return await exists(this.#resultPath(sha256));
  }

  /**
   * Looks a query up.
   *
   * @param key From {@link ResultCache.key}.
   * @param dataVersion The provider's current data version, when it has one.
   * @param maxAgeMs An age past which an entry is expired whatever it was stored with (the
   *   time to live now in force: a shorter one than when it was stored applies at once).
   */
  async lookup(key: string, dataVersion?: string, maxAgeMs?: number): Promise<CacheLookup> {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(await Deno.readTextFile(this.#entryPath(key)));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return { status: "miss" };
      const quarantined = await this.#quarantine(this.#entryPath(key), "queries", `${key}.json`);
      return {
        status: "damaged",
        problem: `the cache entry ${key.slice(0, 12)} is not readable`,
        quarantined,
      };
    }
    if (entry.format !== CACHE_FORMAT || entry.key !== key) {
      await this.forget(key);
      return { status: "stale-format" };
    }
    const now = Date.now();
    const expired = entry.expires
      ? Date.parse(entry.expires) <= now ||
        (maxAgeMs !== undefined && Date.parse(entry.created) + maxAgeMs <= now)
      : entry.dataVersion !== dataVersion;
    if (expired) {
      await this.forget(key);
      return { status: "expired" };
    }
    const result = typeof entry.sha256 === "string" && /^[0-9a-f]{64}$/.test(entry.sha256)
      ? await this.getResult(entry.sha256)
      : { status: "damaged" as const, quarantined: undefined };
    // Evicted (perhaps by another process a moment ago): a miss, not damage.
    if (result.status === "missing") {
      await this.forget(key);
      return { status: "miss" };
    }
    if (result.status === "damaged") {
      await this.forget(key);
      return {
        status: "damaged",
        problem: `the cached result ${String(entry.sha256).slice(0, 12)} does not match its ` +
          `SHA-256${result.quarantined ? `; set aside in ${result.quarantined}` : ""}`,
        quarantined: result.quarantined,
      };
    }
    const wrong = entryMismatch(entry, result.frame);
    if (wrong) {
      const quarantined = await this.#quarantine(this.#entryPath(key), "queries", `${key}.json`);
      return {
        status: "damaged",
        problem: `the cache entry ${key.slice(0, 12)} points at a result that is not its ` +
          `query's (${wrong})${quarantined ? `; set aside in ${quarantined}` : ""}`,
        quarantined,
      };
    }
    return { status: "hit", entry, frame: result.frame };
  }

  /** Stores a query's result and entry. */
  async store(
    entry: Omit<CacheEntry, "format" | "created" | "expires" | "sha256" | "bytes">,
    providerKind: ProviderKind,
    frame: DataFrame,
    digest?: ResultDigest,
  ): Promise<CacheEntry> {
    const { sha256, bytes } = await this.putResult(frame, digest);
    const ttl = this.#ttl[providerKind];
    const created = new Date();
    const full: CacheEntry = {
      ...entry,
      format: CACHE_FORMAT,
      sha256,
      bytes,
      created: created.toISOString(),
      expires: ttl === null ? undefined : new Date(created.getTime() + ttl).toISOString(),
    };
    await writeFileAtomic(this.#entryPath(entry.key), JSON.stringify(full));
    return full;
  }

  /** Removes a query's entry (its result stays while other entries or steps use it). */
  async forget(key: string): Promise<void> {
    await Deno.remove(this.#entryPath(key)).catch(() => {});
  }

  /** Removes everything. */
  async clear(): Promise<void> {
    await Deno.remove(join(this.dir, "results"), { recursive: true }).catch(() => {});
    await Deno.remove(join(this.dir, "queries"), { recursive: true }).catch(() => {});
    await privateDir(join(this.dir, "results"));
    await privateDir(join(this.dir, "queries"));
    this.#bytes = 0;
  }

  /** Counts and size. */
  async stats(): Promise<CacheStats> {
    const results = await this.#results();
    let queries = 0;
    for await (const _ of Deno.readDir(join(this.dir, "queries"))) queries++;
    return {
      dir: this.dir,
      results: results.length,
      queries,
      bytes: results.reduce((sum, r) => sum + r.size, 0),
      maxBytes: this.maxBytes,
    };
  }

  async #results(): Promise<{ path: string; size: number; used: number }[]> {
    const out: { path: string; size: number; used: number }[] = [];
    const root = join(this.dir, "results");
    for await (const prefix of Deno.readDir(root)) {
      if (!prefix.isDirectory) continue;
      for await (const file of Deno.readDir(join(root, prefix.name))) {
        if (!file.name.endsWith(".parquet")) continue;
        const path = join(root, prefix.name, file.name);
        const info = await Deno.stat(path).catch(() => undefined);
        if (info) out.push({ path, size: info.size, used: info.mtime?.getTime() ?? 0 });
      }
    }
    return out;
  }

  // Least recently used results go first, down to 90% of the cap; `keep` is never evicted.
  // The folder is walked only when the running total (of this process's view) passes the cap.
  async #evict(keep: string, added: number): Promise<void> {
    if (this.#bytes === undefined) {
      this.#bytes = (await this.#results()).reduce((sum, r) => sum + r.size, 0);
    } else this.#bytes += added;
    if (this.#bytes <= this.maxBytes) return;
    const results = await this.#results();
    let total = results.reduce((sum, r) => sum + r.size, 0);
    results.sort((a, b) => a.used - b.used);
    for (const result of results) {
      if (total <= this.maxBytes * 0.9) break;
      if (result.path.endsWith(`${keep}.parquet`)) continue;
      await Deno.remove(result.path).catch(() => {});
      total -= result.size;
    }
    this.#bytes = total;
  }
}

/** How a cache entry and the frame it points at disagree (undefined: they agree). */
function entryMismatch(entry: CacheEntry, frame: DataFrame): string | undefined {
  if (entry.rows !== frame.height) return `${frame.height} rows where it recorded ${entry.rows}`;
  const recorded = Array.isArray(entry.columns) ? entry.columns.map((c) => c?.name) : [];
  if (recorded.join("\u0000") !== frame.columns.join("\u0000")) {
    return `columns ${frame.columns.join(", ")} where it recorded ${recorded.join(", ")}`;
  }
  return undefined;
}
