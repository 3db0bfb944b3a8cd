/**
 * The cache enrichment results go through: an interface the session cache plugs into, an
 * in-memory default and a folder on disk. Keys are hashed before they are stored, values
 * are results only (never API keys), and files are readable by their owner alone.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { EnrichmentError } from "./errors.ts";

/** Where enrichment results are kept between lookups. Values must be JSON-serialisable. */
export interface EnrichmentCache {
  /** The value stored under `key`, or undefined when absent or expired. */
  get(key: string): Promise<unknown | undefined>;
  /** Stores `value` under `key` for `ttlMs` milliseconds. */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
}

/** The SHA-256 of a cache key: what is stored, so keys (indicators) never sit in clear. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/**
 * An in-memory cache (the default): lives as long as the process.
 *
 * @example Cache a value for a minute
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryCache } from "./mod.ts";
 *
 * const cache = new MemoryCache();
 * await cache.set("geo:8.8.8.8", { country: "US" }, 60_000);
 * assert.deepEqual(await cache.get("geo:8.8.8.8"), { country: "US" });
 * assert.equal(await cache.get("geo:1.1.1.1"), undefined);
 * ```
 */
export class MemoryCache implements EnrichmentCache {
  #entries = new Map<string, { expires: number; value: unknown }>();
  readonly #maxEntries: number;

  /**
   * An empty cache.
   *
   * @param maxEntries The oldest entries are dropped beyond this many (default 100,000).
   */
  constructor(maxEntries = 100_000) {
    this.#maxEntries = maxEntries;
  }

  get(key: string): Promise<unknown | undefined> {
    const k = hashKey(key);
    const entry = this.#entries.get(k);
    if (!entry) return Promise.resolve(undefined);
    if (entry.expires <= Date.now()) {
      this.#entries.delete(k);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(structuredClone(entry.value));
  }

  set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const k = hashKey(key);
    this.#entries.delete(k);
    this.#entries.set(k, { expires: Date.now() + ttlMs, value: structuredClone(value) });
    while (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return Promise.resolve();
  }

  /** How many entries are held (expired ones included until read). */
  get size(): number {
    return this.#entries.size;
  }
}

/**
 * A cache in a folder: one JSON file per key, named by the key's SHA-256, mode 0600.
 *
 * @example A cache folder under the system's temp folder
 * ```ts
 * import assert from "node:assert/strict";
 * import { FolderCache } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const cache = new FolderCache(dir);
 * await cache.set("ti:local:203.0.113.61", { verdict: "malicious" }, 3_600_000);
 * assert.deepEqual(await cache.get("ti:local:203.0.113.61"), { verdict: "malicious" });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class FolderCache implements EnrichmentCache {
  /** The folder holding the files. */
  readonly folder: string;

  /**
   * A cache in `folder` (created on the first write).
   *
   * @param folder The folder.
   */
  constructor(folder: string) {
    this.folder = folder;
  }

  async get(key: string): Promise<unknown | undefined> {
    const path = join(this.folder, `${hashKey(key)}.json`);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw this.#error(`Cannot read the cache file ${path}`, e);
    }
    try {
      const entry = JSON.parse(text) as { expires: number; value: unknown };
      if (entry.expires > Date.now()) return entry.value;
    } catch {
      // A torn write: treat as absent.
    }
    await Deno.remove(path).catch(() => {});
    return undefined;
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    try {
      await Deno.mkdir(this.folder, { recursive: true, mode: 0o700 });
      const path = join(this.folder, `${hashKey(key)}.json`);
      const temp = `${path}.${crypto.randomUUID()}.tmp`;
      await Deno.writeTextFile(temp, JSON.stringify({ expires: Date.now() + ttlMs, value }), {
        mode: 0o600,
      });
      await Deno.chmod(temp, 0o600).catch(() => {});
      await Deno.rename(temp, path);
    } catch (e) {
      throw this.#error(`Cannot write to the cache folder ${this.folder}`, e);
    }
  }

  #error(message: string, cause: unknown): EnrichmentError {
    return new EnrichmentError(message, {
      capability: "cache",
      cause,
      hint: "Check that the folder exists and is writable, or use a MemoryCache.",
    });
  }
}
