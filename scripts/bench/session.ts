/**
 * Session benchmark: (a) a cache hit for a 1M-row result next to reading the same data
 * from an Arrow IPC file with plain nodejs-polars, in the same run (target ratio ≤ 1.5;
 * the cache keeps Parquet and checks its SHA-256 on every read); (b) resuming a 50-step
 * session from the cache (target < 3 s); (c) the journal's overhead per step (target
 * < 5 ms; every record is synced to disk).
 *
 * @module
 */
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { DEMO_CASE_DIR, openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { openSession } from "../../src/session/session.ts";
import { ResultCache } from "../../src/session/result_cache.ts";
import { normaliseQuery } from "../../src/session/_query_text.ts";
import { Journal } from "../../src/session/_journal.ts";
import { compare, type Comparison, report } from "./_measure.ts";

/** Runs the suite; `rows` sizes the cached result (default 1M). */
export async function run(options: { rows?: number } = {}): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "casefile-bench-session-" });
  try {
    await cacheHit(dir, options.rows ?? 1_000_000);
    await resume(dir);
    await journalOverhead(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function cacheHit(dir: string, wanted: number): Promise<void> {
  const events = pl.readParquet(join(DEMO_CASE_DIR, "SecurityEvent.parquet"));
  const copies = Math.max(1, Math.ceil(wanted / events.height));
  const big = pl.concat(Array.from({ length: copies }, () => events)).head(wanted);
  const data = join(dir, "data");
  await Deno.mkdir(data);
  big.writeParquet(join(data, "Big.parquet"));
  const ipc = join(dir, "big.ipc"); // pl.readIPC takes a path only with this extension
  big.writeIPC(ipc);

  const home = join(dir, "home-hit");
  const provider = await openLocalProvider(data);
  const session = await openSession("hit", { home, provider });
  await session.query("big", "Big"); // the miss that fills the cache
  const cache = session.cache!;
  const key = ResultCache.key({ provider: provider.id, query: normaliseQuery("Big") });
  const version = await provider.dataVersion();
  const check = await cache.lookup(key, version);
  if (check.status !== "hit" || check.frame.height !== big.height) {
    throw new Error(`expected a cache hit of ${big.height} rows, got ${check.status}`);
  }
  const rows: Comparison[] = [
    await compare(
      `cache hit, ${big.height} rows (ResultCache.lookup)`,
      () => cache.lookup(key, version),
      () => pl.readIPC(ipc),
      { note: "Parquet + SHA-256 check vs pl.readIPC" },
    ),
    await compare(
      `cache hit as a step (session.query)`,
      () => session.query("big", "Big"),
      () => pl.readIPC(ipc),
      { note: "plus data version, journal record (fsync)" },
    ),
  ];
  await session.close();
  report("Result cache: hit vs reading the same data from Arrow IPC (target ≤ 1.5)", rows, 1.5);
}

async function resume(dir: string): Promise<void> {
  const home = join(dir, "home-resume");
  const provider = await openLocalProvider();
  const session = await openSession("fifty", { home, provider });
  const tables = ["SigninLogs", "SecurityEvent", "DnsEvents", "DeviceNetworkEvents", "AuditLogs"];
  for (let i = 0; i < 25; i++) {
    const table = tables[i % tables.length];
    await session.query(`q${i}`, `${table} | take ${100 * (i + 1)}`);
    await session.run(`c${i}`, `q${i}.height`);
  }
  const steps = session.steps().length;
  await session.close();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const again = await openSession("fifty", { home, provider });
    times.push(performance.now() - start);
    if (again.steps().filter((s) => s.restored).length !== steps) {
      throw new Error(`resume restored fewer than ${steps} steps: ${again.notices.join("; ")}`);
    }
    await again.close();
  }
  times.sort((a, b) => a - b);
  const ms = times[2];
  report("Resume: reopening a 50-step session from the cache (target < 3 s)", [{
    name: `resume ${steps} steps (${(ms / 1000).toFixed(2)} s)`,
    candidateMs: ms,
    baselineMs: 3000,
    note: "baseline: the 3 s target",
  }], 1);
}

async function journalOverhead(dir: string): Promise<void> {
  const n = 200;
  const { journal } = await Journal.open(join(dir, "journal.jsonl"));
  const record = {
    type: "step" as const,
    position: 1,
    revision: 1,
    name: "failures",
    kind: "query" as const,
    code: 'SigninLogs | where ResultType == "50126" | summarize n = count() by IPAddress',
    params: { code: "50126" },
    status: "ok" as const,
    startedAt: new Date().toISOString(),
    durationMs: 12,
  };
  let start = performance.now();
  for (let i = 0; i < n; i++) await journal.append({ ...record, position: i + 1 });
  const appendMs = (performance.now() - start) / n;
  journal.close();

  const session = await openSession("overhead", { home: join(dir, "home-journal") });
  const fn = () => 42;
  start = performance.now();
  for (let i = 0; i < n; i++) await session.run("v", fn);
  const stepMs = (performance.now() - start) / n;
  start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const bareMs = (performance.now() - start) / n;
  await session.close();
  report("Journal: overhead per step, synced to disk (target < 5 ms)", [
    {
      name: `Journal.append, ${n} records`,
      candidateMs: appendMs,
      baselineMs: 5,
      note: "ms per record; baseline: the 5 ms target",
    },
    {
      name: `session.run of a trivial step, ${n} steps`,
      candidateMs: stepMs - bareMs,
      baselineMs: 5,
      note: "ms per step over calling the function; baseline: the 5 ms target",
    },
  ], 1);
}
