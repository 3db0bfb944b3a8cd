import assert from "node:assert/strict";
import { join } from "node:path";
import { Journal } from "../../src/session/_journal.ts";
import { digestFrame, ResultCache } from "../../src/session/result_cache.ts";
import { SessionWriteError } from "../../src/session/errors.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";

const mark = (position: number) => ({ type: "mark" as const, position, mark: "finding" as const });

Deno.test("journal: a line cut off by a crash is set aside; the others are kept", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  for (let i = 1; i <= 3; i++) await journal.append(mark(i));
  journal.close();
  const whole = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, whole + '{"type":"mark","position":4,"ma');
  const reopened = await Journal.open(path);
  assert.deepEqual(reopened.contents.records.map((r) => r.seq), [1, 2, 3]);
  assert.equal(reopened.contents.problems.length, 1);
  assert.match(reopened.contents.problems[0], /line 4: cut off/);
  assert.match(await Deno.readTextFile(`${path}.damaged`), /"position":4/);
  // Appends continue on a clean line, numbering after the last whole record.
  const next = await reopened.journal.append(mark(4));
  assert.equal(next.seq, 4);
  reopened.journal.close();
  const again = await Journal.open(path);
  assert.deepEqual(again.contents.records.map((r) => r.seq), [1, 2, 3, 4]);
  assert.deepEqual(again.contents.problems, []);
  again.journal.close();
});

Deno.test("journal: a damaged line in the middle is named; the records before it are kept, the rest set aside", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  for (let i = 1; i <= 3; i++) await journal.append(mark(i));
  journal.close();
  const lines = (await Deno.readTextFile(path)).split("\n");
  lines[1] = lines[1].replace('"position":2', '"position":9');
  await Deno.writeTextFile(path, lines.join("\n"));
  const { journal: j, contents } = await Journal.open(path);
  j.close();
  assert.deepEqual(contents.records.map((r) => (r as { position: number }).position), [1]);
  assert.equal(contents.problems.length, 1);
  assert.match(
    contents.problems[0],
    /^line 2: checksum mismatch; kept records 1–1; set aside 2 line/,
  );
  assert.match(
    contents.problems[0],
    /lost: record 2: a mark of step 9; record 3: a mark of step 3$/,
  );
  // The tail is kept aside byte for byte, never deleted.
  const aside = [...Deno.readDirSync(dir)].find((e) => e.name.startsWith("journal.jsonl.damaged-"));
  assert.equal(Deno.readTextFileSync(join(dir, aside!.name)), lines.slice(1).join("\n"));
  const info = await Deno.stat(path);
  assert.equal(info.mode! & 0o777, 0o600);
});

Deno.test("journal: a full disk is a clear error, and the records before stay", async (t) => {
  const dir = await tempFolder();
  // A 64 KiB tmpfs to fill (needs root, as CI has; skipped elsewhere).
  const mounted = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir],
    stderr: "null",
  }).output().then((o) => o.success, () => false);
  if (!mounted) {
    if (Deno.env.get("CI") === "true") throw new Error("cannot mount a tmpfs under CI");
    t.step({ name: "needs root to mount a small tmpfs", ignore: true, fn: () => {} });
    return;
  }
  try {
    const path = join(dir, "journal.jsonl");
    const { journal } = await Journal.open(path);
    await journal.append(mark(1));
    // Fill the disk.
    await Deno.writeFile(join(dir, "filler"), new Uint8Array(60 * 1024)).catch(() => {});
    const big = {
      type: "mark" as const,
      position: 2,
      mark: "finding" as const,
      note: "x".repeat(32_000),
    };
    await assert.rejects(() => journal.append(big), (e: unknown) => {
      assert.ok(e instanceof SessionWriteError);
      assert.match(e.message, /Cannot write .*journal\.jsonl: .*space/i);
      assert.match(e.hint ?? "", /Free disk space/);
      return true;
    });
    journal.close();
    await Deno.remove(join(dir, "filler"));
    const again = await Journal.open(path);
    again.journal.close();
    assert.deepEqual(again.contents.records.map((r) => r.seq), [1]);
    assert.deepEqual(again.contents.problems, []);
  } finally {
    await new Deno.Command("umount", { args: [dir] }).output();
  }
});

const frame = pl.DataFrame({ Account: ["a", "b", "c"], Failures: [3, 5, 8] });

Deno.test("cache: results are content-addressed and checked on read", async () => {
  const cache = await ResultCache.open(await tempFolder());
  const { sha256 } = await cache.putResult(frame);
  assert.equal(sha256, digestFrame(frame.rechunk()).sha256);
  const back = await cache.getResult(sha256);
  assert.ok(back.status === "ok" && back.frame.frameEqual(frame));
  // Flip one byte of the stored file: detected, never returned, moved to quarantine/.
  const path = join(cache.dir, "results", sha256.slice(0, 2), `${sha256}.parquet`);
  const bytes = await Deno.readFile(path);
  bytes[100] ^= 0xff;
  await Deno.writeFile(path, bytes);
  const damaged = await cache.getResult(sha256);
  assert.equal(damaged.status, "damaged");
  assert.deepEqual(await cache.getResult(sha256), { status: "missing" });
  const aside = await cache.quarantined(sha256);
  assert.ok(aside?.includes(`${join("quarantine", "results", sha256)}.parquet.`));
  assert.deepEqual(await Deno.readFile(aside!), bytes);
  assert.equal((await Deno.stat(join(cache.dir, "results"))).mode! & 0o777, 0o700);
});

Deno.test("cache: entries expire by data version, time to live and format", async () => {
  const cache = await ResultCache.open(await tempFolder(), { ttl: { sentinel: 0 } });
  const entry = {
    key: ResultCache.key({ provider: "local:/x", query: "T | take 3" }),
    rows: 3,
    columns: [
      { name: "Account", type: "string" as const },
      { name: "Failures", type: "real" as const },
    ],
    provider: "local:/x",
    query: "T | take 3",
    warnings: [],
    dataVersion: "v1",
  };
  await cache.store(entry, "local", frame);
  assert.equal((await cache.lookup(entry.key, "v1")).status, "hit");
  assert.equal((await cache.lookup(entry.key, "v2")).status, "expired");
  assert.equal((await cache.lookup(entry.key, "v1")).status, "miss");
  // A time to live of 0: expired at once.
  await cache.store(entry, "sentinel", frame);
  assert.equal((await cache.lookup(entry.key)).status, "expired");
  // An entry of another format version is not used.
  await cache.store(entry, "local", frame);
  const file = join(cache.dir, "queries", `${entry.key}.json`);
  const json = JSON.parse(await Deno.readTextFile(file));
  await Deno.writeTextFile(file, JSON.stringify({ ...json, format: 99 }));
  assert.equal((await cache.lookup(entry.key, "v1")).status, "stale-format");
  // A result file gone from under its entry (evicted, perhaps by another process): a miss.
  await cache.store(entry, "local", frame);
  await Deno.remove(join(cache.dir, "results"), { recursive: true });
  const gone = await cache.lookup(entry.key, "v1");
  assert.equal(gone.status, "miss");
});

Deno.test("cache: least recently used results are evicted above the cap", async () => {
  const frames = [0, 1, 2, 3].map((i) =>
    pl.DataFrame({
      x: Array.from({ length: 20_000 }, (_, j) => `${i}-${j}-${Math.sin(j * (i + 1))}`),
    })
  );
  const size = digestFrame(frames[0]).parquet.length;
  const cache = await ResultCache.open(await tempFolder(), { maxBytes: Math.floor(size * 2.5) });
  const shas: string[] = [];
  for (const [i, f] of frames.slice(0, 2).entries()) {
    shas.push((await cache.putResult(f)).sha256);
    const t = new Date(Date.now() - (10 - i) * 60_000);
    const path = join(cache.dir, "results", shas[i].slice(0, 2), `${shas[i]}.parquet`);
    await Deno.utime(path, t, t);
  }
  // Reading the first makes it the most recently used.
  assert.equal((await cache.getResult(shas[0])).status, "ok");
  shas.push((await cache.putResult(frames[2])).sha256);
  assert.equal(await cache.hasResult(shas[1]), false, "the least recently used went");
  assert.equal(await cache.hasResult(shas[0]), true);
  assert.equal(await cache.hasResult(shas[2]), true);
  const stats = await cache.stats();
  assert.ok(stats.bytes <= stats.maxBytes);
});
