/**
 * A query run through the shared result cache: the cache is asked first (by provider and
 * the service it is at, normalised query, time window and parameter values, and the
 * provider's data version), else the provider runs it and the result is stored. A result
 * the provider warns is incomplete (partial, truncated) is never stored for a later run to
 * find. Cache problems are notices: the query then runs as if the cache were not there.
 *
 * @module
 */
import type { DataFrame } from "../polars.ts";
import type { Provider, QueryProgress, QueryResult } from "../providers/mod.ts";
import { type CacheEntry, ResultCache } from "./result_cache.ts";
import { attachRender } from "../providers/frame_render.ts";
import { attachTables } from "../providers/frame_tables.ts";
import { normaliseQuery } from "./_query_text.ts";
import { errorText, type StepContext } from "./_step_context.ts";

/** Options of {@link fetchResult}. */
export interface FetchOptions {
  /** The time window, as ISO text. */
  readonly timespan?: { start: string; end: string };
  /** The parameter values the query used (part of the cache key). */
  readonly params: Record<string, unknown>;
  /** Bypass the cache (the fresh result replaces the cached one). */
  readonly refresh: boolean;
  readonly signal?: AbortSignal;
  /** Told of a long query's progress (retries, windows, rows so far). */
  readonly onProgress?: (progress: QueryProgress) => void;
  /** The provider's own query options (part of the cache key). */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
}

/** A query's result, and where it came from. */
export interface Fetched {
  readonly frame: DataFrame;
  readonly result: Pick<QueryResult, "schema" | "warnings" | "render" | "tables">;
  readonly cache: "hit" | "miss" | "off";
  /** How the cache holds the result, when it does. */
  readonly stored?: { sha256: string; bytes: number };
  /** On a hit of a result that expires with time: when it was fetched (ISO time). */
  readonly cachedAt?: string;
}

/** Warnings that make a result incomplete: such a result is never served from the cache. */
const INCOMPLETE = new Set(["partial", "truncated"]);

/** Runs `query` on `provider`, through the session's cache when it has one. */
export async function fetchResult(
  ctx: StepContext,
  provider: Provider,
  query: string,
  options: FetchOptions,
): Promise<Fetched> {
  const fetched = await fetchUntagged(ctx, provider, query, options);
  // The frame is what gets bound: it carries the chart its query asked for.
  attachRender(fetched.frame, fetched.result.render, fetched.result.schema);
  // So do the other tables of a query that makes several (fork, facet).
  attachTables(fetched.frame, fetched.result.tables);
  return fetched;
}

async function fetchUntagged(
  ctx: StepContext,
  provider: Provider,
  query: string,
  options: FetchOptions,
): Promise<Fetched> {
  const cache = ctx.cache;
  const timespan = options.timespan
    ? { start: new Date(options.timespan.start), end: new Date(options.timespan.end) }
    : undefined;
  const run = {
    ...options.providerOptions,
    timespan,
    signal: options.signal,
    onProgress: options.onProgress,
  };
  if (!cache) {
    const result = await provider.query(query, run);
    return { frame: result.frame, result, cache: "off" };
  }
  const key = ResultCache.key({
    provider: provider.id,
    origin: provider.origin,
    query: normaliseQuery(query),
    timespan: options.timespan,
    params: options.params,
    options: options.providerOptions,
  });
  const version = provider.dataVersion ? await provider.dataVersion() : undefined;
  if (!options.refresh) {
    const found = await cachedResult(ctx, cache, key, version, cache.ttl(provider.kind));
    if (found) return found;
  }
  const result = await provider.query(query, run);
  if (result.tables && result.tables.length > 1) {
    // The cache holds one table a result: a query that makes several runs again each time.
    await cache.forget(key);
    return { frame: result.frame, result, cache: "miss" };
  }
  const incomplete = result.warnings.find((w) => INCOMPLETE.has(w.kind));
  if (incomplete) {
    // The rows are kept with the step (its result is stored by hash); the query's entry is
    // not written, and an older one is dropped: the next run asks the service again.
    await cache.forget(key);
    ctx.notice(`cache: the result is ${incomplete.kind}, so it is not cached for a re-run`);
    return { frame: result.frame, result, cache: "miss" };
  }
  let entry: CacheEntry | undefined;
  try {
    entry = await cache.store(
      {
        key,
        rows: result.frame.height,
        columns: result.schema.columns,
        provider: provider.id,
        query,
        warnings: result.warnings,
        render: result.render,
        dataVersion: version,
      },
      provider.kind,
      result.frame,
    );
  } catch (error) {
    ctx.notice(`cache: result not stored (${errorText(error)})`);
  }
  return { frame: result.frame, result, cache: "miss", stored: entry };
}

/** The cached result of `key`, or undefined (with a notice when the entry was unusable). */
async function cachedResult(
  ctx: StepContext,
  cache: ResultCache,
  key: string,
  version: string | undefined,
  ttl: number | null,
): Promise<Fetched | undefined> {
  const found = await cache.lookup(key, version, ttl ?? undefined);
  if (found.status === "hit") {
    const { entry } = found;
    return {
      frame: found.frame,
      result: {
        schema: { name: "result", columns: entry.columns },
        warnings: entry.warnings,
        render: entry.render,
      },
      cache: "hit",
      stored: entry,
      // The age matters where results expire with time (a live service), not where they
      // last while the data is unchanged (a folder).
      ...(entry.expires ? { cachedAt: entry.created } : {}),
    };
  }
  if (found.status === "damaged") ctx.notice(`cache: ${found.problem}; ran the query again`);
  if (found.status === "stale-format") {
    ctx.notice("cache: an entry written by another version was ignored; ran the query again");
  }
  return undefined;
}
