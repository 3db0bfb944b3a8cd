/**
 * The result cache's rules, each checked by a property or a hand-set value: every input of
 * a key changes the key (a 1-day query is never served the 15-day answer), a time to live
 * read from CASEFILE_CACHE_TTL, expiry at the exact instant (with a fixed clock, no wait),
 * damage reported and set aside, least recently used results evicted down to 90% of the cap.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { pl } from "../../src/polars.ts";
import { CACHE_FORMAT, ResultCache } from "../../src/session/result_cache.ts";
import { SessionError } from "../../src/session/errors.ts";
import { tempDir } from "../_helpers.ts";

const BASE = {
  provider: "sentinel:ws-1",
  origin: "https://api.loganalytics.io",
  query: "SigninLogs | where ResultType != 0",
  timespan: { start: "2026-03-01T00:00:00.000Z", end: "2026-03-16T00:00:00.000Z" },
  params: { user: "daniel.reyes", days: 15 },
  options: { split: "1d" },
};

Deno.test("ResultCache.key() changes with every input, and only with them", () => {
  const base = ResultCache.key(BASE);
  assert.match(base, /^[0-9a-f]{64}$/);
  const variants: Array<[string, Parameters<typeof ResultCache.key>[0]]> = [
    ["provider", { ...BASE, provider: "sentinel:ws-2" }],
    ["origin", { ...BASE, origin: "https://api.loganalytics.azure.cn" }],
    ["no origin", { ...BASE, origin: undefined }],
    ["query", { ...BASE, query: "SigninLogs | where ResultType == 0" }],
    ["start (a 1-day window)", {
      ...BASE,
      timespan: { ...BASE.timespan, start: "2026-03-15T00:00:00.000Z" },
    }],
    ["end", { ...BASE, timespan: { ...BASE.timespan, end: "2026-03-17T00:00:00.000Z" } }],
    ["no window", { ...BASE, timespan: undefined }],
    ["a parameter's value", { ...BASE, params: { ...BASE.params, days: 1 } }],
    ["a parameter more", { ...BASE, params: { ...BASE.params, extra: true } }],
    ["an option's value", { ...BASE, options: { split: "6h" } }],
    ["no options", { ...BASE, options: undefined }],
  ];
  const keys = new Set([base]);
  for (const [what, parts] of variants) {
    const key = ResultCache.key(parts);
    assert.notEqual(key, base, what);
    keys.add(key);
  }
  assert.equal(keys.size, variants.length + 1, "two different inputs gave one key");
  // The same inputs in another order are the same query.
  assert.equal(
    ResultCache.key({
      ...BASE,
      params: { days: 15, user: "daniel.reyes" },
      options: { split: "1d" },
    }),
    base,
  );
  const twoOptions = { ...BASE, options: { split: "1d", additionalWorkspaces: ["b"] } };
  assert.equal(
    ResultCache.key(twoOptions),
    ResultCache.key({ ...BASE, options: { additionalWorkspaces: ["b"], split: "1d" } }),
  );
  // No options and empty options are the same key (older keys stay what they were).
  assert.equal(
    ResultCache.key({ ...BASE, options: {} }),
    ResultCache.key({ ...BASE, options: undefined }),
  );
});

Deno.test("ResultCache time to live: defaults by provider, CASEFILE_CACHE_TTL, options", async () => {
  const dir = await tempDir();
  const env = (value?: string) => (name: string) =>
    name === "CASEFILE_CACHE_TTL" ? value : undefined;
  const plain = await ResultCache.open(dir, { env: env() });
  assert.equal(plain.ttl("local"), null);
  assert.equal(plain.ttl("sentinel"), 3_600_000);
  assert.equal(plain.ttl("adx"), 3_600_000);
  assert.equal(plain.ttl("xdr"), 3_600_000);
  assert.equal(plain.maxBytes, 4 * 1024 * 1024 * 1024);
  assert.equal((await ResultCache.open(dir, { env: env("15m") })).ttl("sentinel"), 900_000);
  assert.equal((await ResultCache.open(dir, { env: env(" 90 ") })).ttl("sentinel"), 90_000);
  assert.equal((await ResultCache.open(dir, { env: env("0") })).ttl("sentinel"), 0);
  assert.equal((await ResultCache.open(dir, { env: env("") })).ttl("sentinel"), 3_600_000);
  const given = await ResultCache.open(dir, { env: env("15m"), ttl: { sentinel: 5 } });
  assert.equal(given.ttl("sentinel"), 5);
  for (const bad of ["soon", "-5m"]) {
    await assert.rejects(
      () => ResultCache.open(dir, { env: env(bad) }),
      (e: unknown) =>
        e instanceof SessionError &&
        e.message === `CASEFILE_CACHE_TTL is '${bad}', which is not a timespan.` &&
        /15m, 4h, 1d/.test(e.hint ?? ""),
      bad,
    );
  }
});

/** Runs `fn` with `Date.now()` and `new Date()` fixed at `at` (no waiting for a clock). */
async function at<T>(instant: number, fn: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class Fixed extends RealDate {
    constructor(...args: unknown[]) {
      // No arguments: the fixed instant; otherwise a Date as usual.
      // deno-lint-ignore no-explicit-any
      super(...((args.length === 0 ? [instant] : args) as [any]));
    }
    static override now(): number {
      return instant;
    }
  }
  globalThis.Date = Fixed as DateConstructor;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

const FRAME = pl.DataFrame({ Account: ["a", "b", "c"], Failures: [3, 5, 8] });
const ENTRY = {
  key: "",
  rows: 3,
  columns: [{ name: "Account", type: "string" as const }, {
    name: "Failures",
    type: "real" as const,
  }],
  provider: "sentinel:ws-1",
  query: "T",
  warnings: [],
};

Deno.test("ResultCache entries of a live service expire at created + ttl, to the millisecond", async () => {
  const cache = await ResultCache.open(await tempDir(), { ttl: { sentinel: 60_000 } });
  const t0 = Date.UTC(2026, 2, 12, 9);
  const key = ResultCache.key({ provider: "sentinel:ws-1", query: "T" });
  const entry = await at(t0, () => cache.store({ ...ENTRY, key }, "sentinel", FRAME));
  assert.equal(entry.created, new Date(t0).toISOString());
  assert.equal(entry.expires, new Date(t0 + 60_000).toISOString());
  assert.equal(entry.format, CACHE_FORMAT);
  assert.equal((await at(t0 + 59_999, () => cache.lookup(key))).status, "hit");
  // A shorter time to live now in force applies at once.
  assert.equal((await at(t0 + 1000, () => cache.lookup(key, undefined, 1001))).status, "hit");
  assert.equal((await at(t0 + 1000, () => cache.lookup(key, undefined, 1000))).status, "expired");
  // Expired entries are forgotten: the next lookup is a miss.
  assert.equal((await cache.lookup(key)).status, "miss");
  await at(t0, () => cache.store({ ...ENTRY, key }, "sentinel", FRAME));
  assert.equal((await at(t0 + 60_000, () => cache.lookup(key))).status, "expired");
});

Deno.test("ResultCache local entries live while the data version holds; other formats are refetched", async () => {
  const cache = await ResultCache.open(await tempDir());
  const key = ResultCache.key({ provider: "local", query: "T" });
  const entry = await cache.store({ ...ENTRY, key, dataVersion: "v1" }, "local", FRAME);
  assert.equal(entry.expires, undefined);
  const hit = await cache.lookup(key, "v1");
  assert.equal(hit.status, "hit");
  assert.ok(hit.status === "hit" && hit.frame.frameEqual(FRAME));
  assert.equal((await cache.lookup(key, "v2")).status, "expired");
  assert.equal((await cache.lookup(key, "v1")).status, "miss");
  // An entry of another format, or filed under another key, is stale.
  const path = join(cache.dir, "queries", `${key}.json`);
  for (const change of [{ format: CACHE_FORMAT + 1 }, { key: "0".repeat(64) }]) {
    await cache.store({ ...ENTRY, key, dataVersion: "v1" }, "local", FRAME);
    const stored = JSON.parse(await Deno.readTextFile(path));
    await Deno.writeTextFile(path, JSON.stringify({ ...stored, ...change }));
    assert.equal((await cache.lookup(key, "v1")).status, "stale-format");
    assert.equal((await cache.lookup(key, "v1")).status, "miss");
  }
});

Deno.test("ResultCache reports damage, never returns it, and sets it aside", async () => {
  const cache = await ResultCache.open(await tempDir());
  const key = ResultCache.key({ provider: "local", query: "T" });
  // An entry recording other rows or columns than its result has.
  for (
    const [change, problem] of [
      [{ rows: 4 }, "3 rows where it recorded 4"],
      [
        { columns: [{ name: "Account", type: "string" }] },
        "columns Account, Failures where it recorded Account",
      ],
    ] as const
  ) {
    await cache.store({ ...ENTRY, ...change, key }, "local", FRAME);
    const found = await cache.lookup(key);
    assert.equal(found.status, "damaged");
    assert.ok(
      found.status === "damaged" && found.quarantined && await Deno.stat(found.quarantined),
    );
    assert.equal(
      found.status === "damaged" && found.problem,
      `the cache entry ${key.slice(0, 12)} points at a result that is not its query's ` +
        `(${problem}); set aside in ${found.status === "damaged" && found.quarantined}`,
    );
  }
  // A result whose bytes changed: damaged, moved aside, the entry forgotten.
  const entry = await cache.store({ ...ENTRY, key }, "local", FRAME);
  const file = cache.resultPath(entry.sha256);
  const bytes = await Deno.readFile(file);
  bytes[bytes.length >> 1] ^= 0xff;
  await Deno.writeFile(file, bytes);
  const damaged = await cache.lookup(key);
  assert.equal(damaged.status, "damaged");
  assert.equal(
    damaged.status === "damaged" && damaged.problem,
    `the cached result ${entry.sha256.slice(0, 12)} does not match its SHA-256; set aside in ` +
      `${damaged.status === "damaged" && damaged.quarantined}`,
  );
  // The entry is forgotten with it.
  assert.equal((await cache.stats()).queries, 0);
  assert.equal(await cache.hasResult(entry.sha256), false);
  assert.equal(
    await cache.quarantined(entry.sha256),
    damaged.status === "damaged" ? damaged.quarantined : "",
  );
  assert.equal((await cache.lookup(key)).status, "miss");
  // An unreadable entry.
  await cache.store({ ...ENTRY, key }, "local", FRAME);
  await Deno.writeTextFile(join(cache.dir, "queries", `${key}.json`), "{not json");
  const unreadable = await cache.lookup(key);
  assert.ok(
    unreadable.status === "damaged" &&
      unreadable.problem === `the cache entry ${key.slice(0, 12)} is not readable`,
  );
  // An entry naming something that is not a SHA-256: damaged, and forgotten.
  const good = await cache.store({ ...ENTRY, key }, "local", FRAME);
  const entryPath = join(cache.dir, "queries", `${key}.json`);
  await Deno.writeTextFile(entryPath, JSON.stringify({ ...good, sha256: "../../x" }));
  const pointing = await cache.lookup(key);
  assert.ok(
    pointing.status === "damaged" &&
      pointing.problem === "the cached result ../../x does not match its SHA-256",
    JSON.stringify(pointing),
  );
  assert.equal((await cache.lookup(key)).status, "miss");
  // Bytes that have their hash but are not Parquet: damaged, set aside.
  const junk = new TextEncoder().encode("not parquet at all");
  const junkSha = createHash("sha256").update(junk).digest("hex");
  await Deno.mkdir(join(cache.dir, "results", junkSha.slice(0, 2)), { recursive: true });
  await Deno.writeFile(cache.resultPath(junkSha), junk);
  const notParquet = await cache.getResult(junkSha);
  assert.equal(notParquet.status, "damaged");
  assert.ok(notParquet.status === "damaged" && notParquet.quarantined?.includes("quarantine"));
  assert.equal(await cache.hasResult(junkSha), false);
  assert.throws(() => cache.resultPath("../../etc/passwd"), RangeError);
});

Deno.test("ResultCache evicts the least recently used results down to 90% of its cap", async () => {
  const frames = [1, 2, 3, 4].map((n) =>
    pl.DataFrame({ n: Array.from({ length: 50 }, (_, i) => i * n) })
  );
  const probe = await ResultCache.open(await tempDir());
  const sizes = await Promise.all(frames.map(async (f) => (await probe.putResult(f)).bytes));
  // Room for three results: the fourth passes the cap, and the oldest go until ≤ 90%.
  const cap = sizes[0] + sizes[1] + sizes[2] + Math.floor(sizes[3] / 2);
  const cache = await ResultCache.open(await tempDir(), { maxBytes: cap });
  const stored = [];
  for (const [i, f] of frames.slice(0, 3).entries()) {
    const put = await cache.putResult(f);
    stored.push(put.sha256);
    // Last used at a set time each: 0 oldest.
    const used = new Date(Date.UTC(2026, 0, 1, i));
    await Deno.utime(cache.resultPath(put.sha256), used, used);
  }
  // Reading result 0 makes it the most recently used.
  assert.equal((await cache.getResult(stored[0])).status, "ok");
  const fourth = await cache.putResult(frames[3]);
  const left = await Promise.all(stored.map((s) => cache.hasResult(s)));
  // Total was sizes 0..3; result 1 (oldest now) goes; if still above 90%, result 2 too.
  const after1 = sizes[0] + sizes[2] + sizes[3];
  const expectTwoGone = after1 > cap * 0.9;
  assert.deepEqual(left, [true, false, !expectTwoGone]);
  assert.equal(await cache.hasResult(fourth.sha256), true);
  const stats = await cache.stats();
  assert.equal(stats.results, expectTwoGone ? 2 : 3);
  assert.equal(stats.maxBytes, cap);
  assert.ok(stats.bytes <= cap * 0.9);
  await cache.clear();
  assert.deepEqual(
    { ...(await cache.stats()), dir: "" },
    { dir: "", results: 0, queries: 0, bytes: 0, maxBytes: cap },
  );
});

Deno.test("ResultCache files: format 1 on disk, a dead writer's temporaries removed on open, TTL from the environment", async () => {
  const dir = await tempDir();
  const cache = await ResultCache.open(dir);
  const key = ResultCache.key({ provider: "local", query: "T" });
  const entry = await cache.store({ ...ENTRY, key, dataVersion: "v" }, "local", FRAME);
  const onDisk = JSON.parse(await Deno.readTextFile(join(dir, "queries", `${key}.json`)));
  assert.equal(onDisk.format, 1);
  assert.equal(onDisk.sha256, entry.sha256);
  // Left by a writer that died (no such process): removed when the cache is next opened.
  const prefix = join(dir, "results", entry.sha256.slice(0, 2));
  const leftResult = join(prefix, `${entry.sha256}.parquet.999999999-0123abcd.tmp`);
  const leftEntry = join(dir, "queries", `${key}.json.999999999-0123abcd.tmp`);
  await Deno.writeTextFile(leftResult, "half");
  await Deno.writeTextFile(leftEntry, "half");
  await ResultCache.open(dir);
  const gone = async (p: string) => await Deno.stat(p).then(() => false, () => true);
  assert.equal(await gone(leftResult), true);
  assert.equal(await gone(leftEntry), true);
  assert.equal(await gone(cache.resultPath(entry.sha256)), false);
  // Without an `env` option, CASEFILE_CACHE_TTL is read from the process environment.
  Deno.env.set("CASEFILE_CACHE_TTL", "2h");
  try {
    assert.equal((await ResultCache.open(dir)).ttl("sentinel"), 7_200_000);
  } finally {
    Deno.env.delete("CASEFILE_CACHE_TTL");
  }
});

Deno.test("ResultCache keeps results that fill the cap exactly, and counts only its results", async () => {
  const frames = [1, 2, 3].map((n) =>
    pl.DataFrame({ n: Array.from({ length: 40 }, (_, i) => i + n) })
  );
  const probe = await ResultCache.open(await tempDir());
  const sizes = await Promise.all(frames.map(async (f) => (await probe.putResult(f)).bytes));
  const dir = await tempDir();
  // A stray file among the prefix folders, and a write in progress (this process's).
  await Deno.mkdir(join(dir, "results"), { recursive: true });
  await Deno.writeTextFile(join(dir, "results", "README"), "not a result");
  const cache = await ResultCache.open(dir, { maxBytes: sizes[0] + sizes[1] });
  const first = await cache.putResult(frames[0]);
  const inProgress = join(
    dir,
    "results",
    first.sha256.slice(0, 2),
    `x.parquet.${Deno.pid}-0123abcd.tmp`,
  );
  await Deno.writeTextFile(inProgress, "being written");
  const second = await cache.putResult(frames[1]);
  // Exactly at the cap: nothing is evicted.
  assert.deepEqual(await Promise.all([first, second].map((r) => cache.hasResult(r.sha256))), [
    true,
    true,
  ]);
  assert.deepEqual(await cache.stats(), {
    dir,
    results: 2,
    queries: 0,
    bytes: sizes[0] + sizes[1],
    maxBytes: sizes[0] + sizes[1],
  });
});

Deno.test("ResultCache eviction stops exactly at 90% of the cap", async () => {
  const probe = await ResultCache.open(await tempDir());
  const frame = (n: number, k: number) =>
    pl.DataFrame({ v: Array.from({ length: n }, (_, i) => i * k) });
  const newest = frame(30, 7);
  const c = (await probe.putResult(newest)).bytes;
  // A second result B such that B + C is a multiple of 9: the cap is then (B + C) / 0.9 exactly.
  let middle = frame(1, 3);
  let b = 0;
  for (let n = 1; n < 200; n++) {
    middle = frame(n, 3);
    b = (await probe.putResult(middle)).bytes;
    if ((b + c) % 9 === 0) break;
  }
  assert.equal((b + c) % 9, 0, "no size fits; change the frames");
  const cap = ((b + c) / 9) * 10;
  assert.equal(cap * 0.9, b + c);
  // A about the size of C: A + B fits under the cap, A + B + C does not.
  const oldest = frame(30, 13);
  const cache = await ResultCache.open(await tempDir(), { maxBytes: cap });
  const a = await cache.putResult(oldest);
  const mid = await cache.putResult(middle);
  for (const [sha, hour] of [[a.sha256, 1], [mid.sha256, 2]] as const) {
    const used = new Date(Date.UTC(2026, 0, 1, hour));
    await Deno.utime(cache.resultPath(sha), used, used);
  }
  assert.ok(a.bytes + b <= cap && a.bytes + b + c > cap, "sizes do not straddle the cap");
  const last = await cache.putResult(newest);
  // Over the cap: the oldest goes; B + C is then exactly 90% of the cap, so B stays.
  assert.deepEqual(
    await Promise.all([a, mid, last].map((r) => cache.hasResult(r.sha256))),
    [false, true, true],
  );
  assert.equal((await cache.stats()).bytes, b + c);
});
