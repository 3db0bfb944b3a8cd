import assert from "node:assert/strict";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { Buffer } from "node:buffer";
import { exportBundle, importBundle } from "../../src/session/bundle.ts";
import { verifySession } from "../../src/session/verify.ts";
import { openSession } from "../../src/session/session.ts";
import { BundleError, SessionError } from "../../src/session/errors.ts";
import type { DataFrame } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";
import { exportReport } from "../../src/session/export_report.ts";
import { exists } from "../../src/session/_files.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { demoSession, SPRAY_IPS } from "./_export_fixture.ts";

async function rewrite(path: string, change: (lines: string[]) => void): Promise<void> {
  const lines = new TextDecoder().decode(gunzipSync(await Deno.readFile(path))).split("\n");
  change(lines);
  await Deno.writeFile(path, new Uint8Array(gzipSync(lines.join("\n"))));
}

Deno.test("exportBundle() and importBundle() round-trip a session offline", async (t) => {
  const { session } = await demoSession("handover");
  const dir = await tempFolder();
  const path = join(dir, "handover.casefile.gz");
  const summary = await exportBundle(session, { path });
  assert.equal(summary.path, path);
  assert.deepEqual(await Deno.readFile(path), summary.data);
  assert.equal(summary.bytes, summary.data.length);
  // spray, recent, top, odd: the kept steps with table results (wide is a dead end).
  const kept = session.steps().filter((s) =>
    s.record.status === "ok" && s.mark !== "dead-end" && s.record.result?.kind === "frame"
  );
  assert.equal(kept.length, 4);
  assert.deepEqual(
    [...summary.results].sort(),
    kept.map((s) => (s.record.result as { sha256: string }).sha256).sort(),
  );
  assert.deepEqual(summary.missing, []);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  const original = session.steps().map((s) => [s.record.name, s.record.status, s.mark, s.note]);
  await session.close();

  await t.step("the copy opens with its steps, marks and results, without a provider", async () => {
    const home = await tempFolder();
    const imported = await importBundle(path, { home });
    assert.ok(imported.ok);
    assert.equal(imported.results.length, 4);
    const copy = imported.session;
    assert.equal(copy.provider, undefined);
    assert.deepEqual(
      copy.steps().map((s) => [s.record.name, s.record.status, s.mark, s.note]),
      original,
    );
    const spray = copy.value("spray") as DataFrame;
    assert.deepEqual(spray.getColumn("IPAddress").toArray(), SPRAY_IPS);
    assert.equal(copy.step("wide").restored, false); // dead end: result not bundled
    assert.equal(copy.paramValues().code, "50126");
    const report = await verifySession(copy);
    assert.ok(report.ok);
    assert.deepEqual(
      report.steps.filter((s) => s.status === "ok").map((s) => s.name),
      ["spray", "recent", "top", "odd"],
    );
    assert.deepEqual(report.steps.find((s) => s.name === "wide")?.status, "missing");
    await copy.close();
    await assert.rejects(importBundle(path, { home }), SessionError);
    const again = await importBundle(path, { home, name: "handover-2" });
    assert.ok(again.ok);
    await again.session.close();
  });

  await t.step("a tampered result is detected, reported and not imported", async () => {
    const tampered = join(dir, "tampered.casefile.gz");
    await Deno.copyFile(path, tampered);
    const spraySha = (kept[0].record.result as { sha256: string }).sha256;
    await rewrite(tampered, (lines) => {
      const i = lines.findIndex((l) =>
        l.includes(`"sha256":"${spraySha}"`) && l.includes('"result"')
      );
      const entry = JSON.parse(lines[i]);
      const bytes = Buffer.from(entry.data, "base64");
      bytes[bytes.length >> 1] ^= 0xff;
      entry.data = bytes.toString("base64");
      lines[i] = JSON.stringify(entry);
    });
    const notices: string[] = [];
    const imported = await importBundle(tampered, {
      home: await tempFolder(),
      session: { onNotice: (n) => notices.push(n) },
    });
    assert.equal(imported.ok, false);
    assert.deepEqual(
      imported.results.filter((r) => r.status !== "ok"),
      [{ sha256: spraySha, status: "mismatch" }],
    );
    assert.equal(imported.session.step("spray").restored, false);
    assert.equal(imported.session.step("top").restored, true);
    assert.ok(notices.some((n) => /steps 1, 3: result not in the cache/.test(n)), notices.join());
    const report = await verifySession(imported.session);
    assert.deepEqual(report.steps.find((s) => s.name === "spray")?.status, "missing");
    await imported.session.close();
  });

  await t.step("a changed journal stops the import", async () => {
    const tampered = join(dir, "journal.casefile.gz");
    await Deno.copyFile(path, tampered);
    await rewrite(tampered, (lines) => {
      lines[1] = lines[1].replace("Three IPs", "Two IPs");
    });
    const home = await tempFolder();
    await assert.rejects(importBundle(tampered, { home }), (e: unknown) => {
      assert.ok(e instanceof BundleError);
      assert.match(e.message, /journal .* does not match its SHA-256/);
      return true;
    });
    await assert.rejects(importBundle(join(dir, "nope.gz"), { home }), BundleError);
    await Deno.writeTextFile(join(dir, "plain.gz"), "hello");
    await assert.rejects(importBundle(join(dir, "plain.gz"), { home }), /not a casefile bundle/);
  });
});

Deno.test("verifySession() reports a tampered and a missing cache file per step", async () => {
  const { session, home } = await demoSession("evidence");
  assert.ok((await verifySession(session)).ok);
  const cache = session.cache!;
  const sha = (name: string) => (session.step(name).record.result as { sha256: string }).sha256;
  const file = cache.resultPath(sha("recent"));
  const bytes = await Deno.readFile(file);
  bytes[100] ^= 0x01;
  await Deno.writeFile(file, bytes);
  await Deno.remove(cache.resultPath(sha("odd")));
  const report = await verifySession(session);
  assert.equal(report.ok, false);
  const by = Object.fromEntries(report.steps.map((s) => [s.name, s]));
  assert.equal(by.spray.status, "ok");
  assert.equal(by.top.status, "ok");
  assert.equal(by.recent.status, "mismatch");
  assert.notEqual(by.recent.actual, sha("recent"));
  assert.equal(by.odd.status, "missing");
  // Verification changes nothing: the tampered file is still there to examine.
  assert.deepEqual(await Deno.readFile(file), bytes);
  await session.close();
  const uncached = await openSession("nocache", { home, cache: false });
  await assert.rejects(verifySession(uncached), SessionError);
  await uncached.close();
});

Deno.test("a bundle carries the charts code steps drew; a changed one is left out", async () => {
  const session = await openSession("charted", {
    home: await tempFolder(),
    provider: await openLocalProvider(),
  });
  await session.query("alerts", "SecurityAlert | project AlertName, AlertSeverity");
  await session.run("bars", 'const bars = barChart(alerts, { category: "AlertSeverity" })');
  const file = session.step("bars").record.chart!.file;
  const svg = await Deno.readTextFile(join(session.dir, file));
  const path = join(await tempFolder(), "charted.casefile.gz");
  // The older call form, a path as the second argument, still writes the bundle.
  const written = await exportBundle(session, path);
  assert.equal(written.path, path);
  await session.close();

  const home = await tempFolder();
  const { session: copy } = await importBundle(path, { home });
  assert.equal(await Deno.readTextFile(join(copy.dir, file)), svg);
  const report = await exportReport(copy, { format: "html" });
  assert.ok(report.includes(svg.trim().slice(0, 200)));
  await copy.close();

  // The chart's text changed in transfer: the session opens without it.
  const lines = new TextDecoder().decode(gunzipSync(await Deno.readFile(path))).split("\n");
  const changed = lines.map((line) =>
    line.includes('"type":"file"') ? line.replace("High", "Hi!h") : line
  ).join("\n");
  const tampered = join(await tempFolder(), "tampered.casefile.gz");
  await Deno.writeFile(tampered, new Uint8Array(gzipSync(changed)));
  const { session: other } = await importBundle(tampered, { home: await tempFolder() });
  assert.equal(await exists(join(other.dir, file)), false);
  await other.close();
});

Deno.test("exportBundle() without a path writes nothing and gives the bundle's bytes", async () => {
  const session = await openSession("bytes", {
    home: await tempFolder(),
    provider: await openLocalProvider(),
  });
  await session.query("alerts", "SecurityAlert | summarize n = count() by AlertName");
  const bundle = await exportBundle(session);
  await session.close();
  assert.equal(bundle.path, undefined);
  assert.equal(bundle.results.length, 1);
  const path = join(await tempFolder(), "sent.casefile.gz");
  await Deno.writeFile(path, bundle.data);
  const imported = await importBundle(path, { home: await tempFolder() });
  assert.ok(imported.ok);
  assert.equal((imported.session.value("alerts") as DataFrame).height > 0, true);
  await imported.session.close();
});
