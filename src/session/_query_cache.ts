/**
 * A query run through the shared result cache: the cache is asked first (by provider,
 * normalised query, time window and parameter values, and the provider's data version),
 * else the provider runs it and the result is stored. Cache problems are notices: the
 * query then runs as if the cache were not there.
 *
 * @module
 */
import type { DataFrame } from "../polars.ts";
import type { Provider, QueryResult } from "../providers/mod.ts";
import { type CacheEntry, ResultCache } from "./result_cache.ts";
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
}

/** A query's result, and where it came from. */
export interface Fetched {
  readonly frame: DataFrame;
  readonly result: Pick<QueryResult, "schema" | "warnings" | "render">;
  readonly cache: "hit" | "miss" | "off";
  /** How the cache holds the result, when it does. */
  readonly stored?: { sha256: string; bytes: number };
}

/** Runs `query` on `provider`, through the session's cache when it has one. */
export async function fetchResult(
  ctx: StepContext,
  provider: Provider,
  query: string,
  options: FetchOptions,
): Promise<Fetched> {
  const cache = ctx.cache;
  const timespan = options.timespan
    ? { start: new Date(options.timespan.start), end: new Date(options.timespan.end) }
    : undefined;
  if (!cache) {
    const result = await provider.query(query, { timespan, signal: options.signal });
    return { frame: result.frame, result, cache: "off" };
  }
  const key = ResultCache.key({
    provider: provider.id,
    query: normaliseQuery(query),
    timespan: options.timespan,
    params: options.params,
  });
  const version = provider.dataVersion ? await provider.dataVersion() : undefined;
  if (!options.refresh) {
    const found = await cachedResult(ctx, cache, key, version);
    if (found) return found;
  }
  const result = await provider.query(query, { timespan, signal: options.signal });
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
): Promise<Fetched | undefined> {
  const found = await cache.lookup(key, version);
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
    };
  }
  if (found.status === "damaged") ctx.notice(`cache: ${found.problem}; ran the query again`);
  if (found.status === "stale-format") {
    ctx.notice("cache: an entry written by another version was ignored; ran the query again");
  }
  return undefined;
}
