/**
 * Scenario C: a network hunt written as a `deno run` script (`network_hunt.ts`: 38 steps
 * with `session.query` over `kql` templates and `session.params`, `session.run` with
 * TypeScript text and with functions, a typo caught, two dead ends, ten findings, a
 * `session.rerun` with another time window), which exports its session from code with
 * exportScript, exportNotebook, exportReport and exportBundle. Each export is then checked
 * as a person would use it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { pl } from "../../mod.ts";
import {
  checkExports,
  checkFindings,
  column,
  isKept,
  readSession,
  REPO,
  run,
  type StepFacts,
  tempDir,
} from "./_harness.ts";

Deno.test({
  name: "scenario C: a network hunt run as a deno script replays from every export",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const out = await tempDir();
    const home = join(out, "home");
    const hunt = await run(
      Deno.execPath(),
      ["run", "--allow-all", "tests/scenarios/network_hunt.ts", out],
      { cwd: REPO, env: { CASEFILE_HOME: home } },
    );
    assert.equal(hunt.code, 0, hunt.stderr);
    assert.match(hunt.stdout, /a typo: tunnelQuery is not defined/);

    const original = await readSession("network", home);
    assert.equal(original.length, 38);
    assert.ok(original.filter(isKept).length >= 30, "30+ kept steps");
    assert.deepEqual(original.filter((s) => s.status !== "ok").map((s) => s.name), ["oops"]);
    assert.deepEqual(
      original.filter((s) => s.mark === "dead-end").map((s) => s.name),
      ["reputation", "backups"],
    );
    assert.deepEqual(
      original.filter((s) => s.mark === "finding").map((s) => s.position),
      [8, 10, 12, 14, 18, 24, 27, 32, 34, 38],
    );
    // Both forms of code step, and the same name bound twice.
    assert.deepEqual(original.filter((s) => s.name === "top").map((s) => s.code), [
      "const top = flows.head(3)",
      "({ flows })=>flows.head(3)",
    ]);
    // The re-run moved the window of the last two steps only.
    assert.match(original[36].code, /\n\| summarize SentMB/);

    await checkExports(t, out, "network", original, checkNetworkReport);
  },
});

/** Whether an IPv4 address is in RFC 1918 space. */
function isPrivate(ip: string): boolean {
  const [a, b] = ip.split(".").map(Number);
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** What each finding of the network scenario must show, from the answer key. */
function checkNetworkReport(dom: string, original: readonly StepFacts[]): void {
  const sections = checkFindings(dom, original);
  const section = (n: number) => sections.get(n)!;
  const { c2, victim, dnsTunnel, exfiltration } = ANSWER_KEY;

  // 8: findBeacons' best pair: the workstation and the C2 address, every minute.
  const beacon = section(8);
  assert.ok(column(beacon, "DeviceName")[0].startsWith(victim.workstation.toLowerCase()));
  assert.deepEqual(column(beacon, "RemoteIP"), [c2.ip]);
  // The beacons, and the cradle's download from the same address.
  assert.deepEqual(column(beacon, "connections"), [String(c2.beacons + 1)]);
  const period = Number(column(beacon, "periodSeconds")[0]);
  assert.ok(Math.abs(period - c2.intervalSeconds) <= 2, `period ${period}`);
  const jitter = Number(column(beacon, "jitterPercent")[0]);
  assert.ok(Math.abs(jitter - c2.jitterPercent) <= 3, `jitter ${jitter}%`);

  // 10: the rhythm: 2160 beacons, 60 s apart, from the first beacon on.
  const rhythm = section(10);
  assert.deepEqual(column(rhythm, "Beacons"), [String(c2.beacons)]);
  assert.deepEqual(column(rhythm, "MedianGap"), [String(c2.intervalSeconds)]);
  assert.deepEqual(column(rhythm, "First"), [c2.firstBeacon.replace(".000Z", "Z")]);

  // 12: the chart made in code.
  assert.match(section(12).svgText, /Beacons to the C2 over time/);

  // 14: the one large upload through the C2, from the workstation.
  const dump = section(14);
  assert.deepEqual(column(dump, "SourceIP"), [victim.workstationIp]);
  const bytes = Number(column(dump, "SentBytes")[0]);
  assert.ok(Math.abs(bytes - c2.dumpUploadBytes) < 1e5, `${bytes} bytes`);

  // 18: the tunnel's parent domain, its query count, one client.
  const tunnel = section(18);
  assert.deepEqual(column(tunnel, "Parent"), [dnsTunnel.domain]);
  assert.deepEqual(column(tunnel, "Queries"), [String(dnsTunnel.queries)]);
  assert.deepEqual(column(tunnel, "Clients"), ["1"]);

  // 24: findAnomalies: the most anomalous hour is in the exfiltration.
  const first = column(section(24), "time")[0];
  assert.equal(first.slice(0, 10), exfiltration.start.slice(0, 10), first);

  // 27: the file server's 2.5 GB to the drop site.
  const fileServer = section(27);
  assert.deepEqual(column(fileServer, "SourceIP"), [exfiltration.sourceIp]);
  assert.deepEqual(column(fileServer, "DestinationIP"), [exfiltration.ip]);
  assert.equal(Number(column(fileServer, "SentMB")[0]), exfiltration.totalBytes / 2 ** 20);

  // 32: the drop site's name, in each of rclone's upload sessions.
  const domains = section(32);
  assert.deepEqual(column(domains, "value"), [exfiltration.domain]);
  assert.deepEqual(column(domains, "mentions"), [String(exfiltration.sessions)]);

  // 34: the STIX feed knows the C2's name and address only (ANSWERS.md, Indicators).
  const intel = section(34);
  const verdicts = Object.fromEntries(
    column(intel, "indicator").map((v, i) => [v, column(intel, "verdict")[i]]),
  );
  assert.deepEqual(verdicts, {
    [c2.domain]: "malicious",
    [c2.ip]: "malicious",
    [dnsTunnel.domain]: "unknown",
    [exfiltration.domain]: "unknown",
    [exfiltration.ip]: "unknown",
  });

  // 38: after the re-run over 12 March: the file server's public upload that day, summed
  // here with Polars over the raw table (not with the KQL engine).
  const firewall = pl.readParquet(join(REPO, "fixtures/demo-case/CommonSecurityLog.parquet"))
    .filter(
      pl.col("SourceIP").eq(pl.lit(exfiltration.sourceIp))
        .and(pl.col("TimeGenerated").gtEq(new Date("2026-03-12T00:00:00Z")))
        .and(pl.col("TimeGenerated").lt(new Date("2026-03-13T00:00:00Z"))),
    );
  const ips = firewall.getColumn("DestinationIP").toArray() as string[];
  const sent = firewall.getColumn("SentBytes").toArray() as number[];
  const total = ips.reduce((sum, ip, i) => isPrivate(ip) ? sum : sum + Number(sent[i]), 0);
  assert.equal(Number(section(38).value), Math.round(total / 2 ** 20 * 10) / 10);
  assert.ok(Number(section(38).value) < 10, "a few MB the day before, against 2.5 GB");
}
