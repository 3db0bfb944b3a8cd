/**
 * The "network" family of the hunting library (CommonSecurityLog) on the demo case, run by
 * the framework's runner as `hunt.network.<name>()` runs it: every query runs with the
 * columns it declares, and the detections surface the planted RDP port forward, C2 and
 * exfiltration with the answer key's values (fixtures/demo-case/ANSWERS.md, `ANSWER_KEY`).
 * One test goes through the front door (`casefile hunt run`, `.pivot`).
 */
import assert from "node:assert/strict";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { FAMILY } from "../../src/hunt/library/_network.ts";
import type { HuntArgs } from "../../src/hunt/mod.ts";
import { checkFamilyShape, queryOf, rows, runOnDemo } from "./_family_check.ts";
import { REPO, run, runRepl, tempDir } from "../scenarios/_harness.ts";

type Row = Record<string, unknown>;
const K = ANSWER_KEY;
/** The port forward of stage 6: public address and port, and the workstation's RDP. */
const FORWARD_TARGET = `${K.victim.workstationIp}:3389`;

const query = (name: string) => queryOf(FAMILY, name);

/** Runs a query on the demo case with the framework's runner; checks its columns. */
async function hunt(name: string, args: HuntArgs = {}): Promise<Row[]> {
  return rows(await runOnDemo(query(name), args));
}

const list = (v: unknown): unknown[] => (typeof v === "string" ? JSON.parse(v) : v) as unknown[];
const isPrivate = (ip: unknown) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(String(ip));
const ATTACKER_IPS = new Set<string>([K.attacker.ip, ...K.spray.ips]);

Deno.test("network family: every query keeps the library format and runs with its columns", async () => {
  assert.equal(FAMILY.name, "network");
  checkFamilyShape(FAMILY);
  for (const q of FAMILY.queries) await hunt(q.name);
  const kinds = new Set(
    FAMILY.queries.filter((q) => q.techniques.length === 0)
      .flatMap((q) => Object.values(q.parameters).map((p) => p.type)),
  );
  assert.ok(kinds.has("ip"));
});

Deno.test("the RDP port forward: the attacker's session, the rule, and the scanners that found it", async () => {
  const inbound = await hunt("inboundRemoteAccessAllowed");
  const attacker = inbound.filter((r) => r.SourceIP === K.rdp.ip);
  assert.equal(attacker.length, 1);
  assert.equal(attacker[0].InternalTarget, FORWARD_TARGET);
  assert.equal(attacker[0].Rule, K.rdp.firewallRule);
  assert.equal(`${attacker[0].DestinationIP}:${attacker[0].DestinationPort}`, K.rdp.publicAddress);
  // PAN-OS logs the session when it ends, just after the 4634 logoff.
  const end = new Date(attacker[0].LastSeen as string).getTime();
  const logoff = new Date(K.rdp.logoff).getTime();
  assert.ok(end >= logoff && end - logoff < 60_000, `${attacker[0].LastSeen}`);
  // Nothing from inside, and the default-deny never counts as allowed.
  assert.ok(inbound.every((r) => !isPrivate(r.SourceIP)));

  const forwards = await hunt("portForwardHits");
  const rdp = forwards.find((r) => r.Rule === K.rdp.firewallRule);
  assert.ok(rdp);
  assert.equal(rdp.PublicAddress, K.rdp.publicAddress);
  assert.equal(rdp.InternalTarget, FORWARD_TARGET);

  // "Internet scanners hit it daily": they scan many ports, are denied, and get through the
  // forward only.
  const scans = await hunt("portScanSources");
  assert.ok(scans.length > 0 && scans.every((r) => r.Internal === false));
  assert.ok(!scans.some((r) => ATTACKER_IPS.has(String(r.SourceIP))));
  const publicPort = Number(K.rdp.publicAddress.split(":")[1]);
  assert.ok(scans.some((r) => list(r.Ports).includes(publicPort)));
  const through = await hunt("deniedThenAllowed");
  assert.ok(through.length > 0);
  for (const r of through) {
    assert.deepEqual(list(r.AllowedRules), [K.rdp.firewallRule], String(r.SourceIP));
    assert.deepEqual(list(r.AllowedPorts), [publicPort]);
    assert.ok(new Date(r.FirstAllowed as string) > new Date(r.FirstDenied as string));
  }

  const ip = await hunt("trafficOfIp");
  assert.deepEqual(
    ip.map((r) => [r.DestinationPort, r.TranslatedDestination, r.DeviceAction, r.Rule]),
    [[publicPort, FORWARD_TARGET, "allow", K.rdp.firewallRule]],
  );
  const port = await hunt("trafficToPort");
  assert.ok(
    port.some((r) => r.SourceIP === K.rdp.ip && r.TranslatedDestination === FORWARD_TARGET),
  );
});

Deno.test("C2 and exfiltration: rare destinations, the volume out, the dump leaving, the beacon", async () => {
  const rare = await hunt("rareOutboundDestinations");
  const byDest = new Map(rare.map((r) => [r.DestinationIP, r]));
  assert.deepEqual(list(byDest.get(K.c2.ip)?.SourceIPs), [K.victim.workstationIp]);
  assert.deepEqual(list(byDest.get(K.exfiltration.ip)?.SourceIPs), [K.exfiltration.sourceIp]);
  // Look-alike: the nightly offsite backup to 198.51.100.20-21, from one server too.
  assert.ok(byDest.has("198.51.100.20") && byDest.has("198.51.100.21"));

  const volume = await hunt("highBytesOut");
  const exfil = volume.find((r) => r.SourceIP === K.exfiltration.sourceIp);
  assert.ok(exfil);
  assert.equal(exfil.DestinationIP, K.exfiltration.ip);
  assert.equal(exfil.SentBytes, K.exfiltration.totalBytes);
  assert.equal(exfil.Sessions, K.exfiltration.sessions);
  assert.equal(
    new Date(exfil.LastSeen as string).getTime(),
    new Date(K.exfiltration.end).getTime(),
  );
  assert.ok(volume.some((r) => r.DestinationIP === "198.51.100.20"), "backup look-alike");

  // The LSASS dump leaves over the C2 channel shortly after it is taken.
  const big = await hunt("largeOutboundSessions");
  const dump = big.filter((r) => r.DestinationIP === K.c2.ip);
  assert.equal(dump.length, 1);
  assert.equal(dump[0].SourceIP, K.victim.workstationIp);
  assert.equal(dump[0].SentMB, Math.round(K.c2.dumpUploadBytes / 1048576 * 10) / 10);
  assert.ok(new Date(dump[0].TimeGenerated as string) > new Date(K.lsassDump.time));
  assert.equal(
    big.filter((r) => r.DestinationIP === K.exfiltration.ip).length,
    K.exfiltration.sessions,
  );

  const beacons = await hunt("beaconLikeSessions");
  assert.deepEqual(beacons.map((r) => [r.SourceIP, r.DestinationIP, r.DestinationPort]), [
    [K.victim.workstationIp, K.c2.ip, K.c2.port],
  ]);
  const median = Number(beacons[0].MedianGapSeconds);
  assert.ok(
    Math.abs(median - K.c2.intervalSeconds) <= K.c2.intervalSeconds * K.c2.jitterPercent / 100,
  );
  assert.ok(Number(beacons[0].Sessions) >= K.c2.beacons);
});

Deno.test({
  name: "front door: casefile hunt run network.highBytesOut, and .pivot on the attacker's address",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const out = await run(
      Deno.execPath(),
      [
        "run",
        "-A",
        "repl/main.ts",
        "hunt",
        "run",
        "network.highBytesOut",
        "--param",
        "minMegabytes=1000",
      ],
      { cwd: REPO },
    );
    assert.equal(out.code, 0, out.stderr);
    // The file server's upload to the file-sharing site, as printed: source, destination,
    // sessions, bytes.
    assert.match(
      out.stdout,
      new RegExp(
        `\\n${K.exfiltration.sourceIp.replaceAll(".", "\\.")}\\s+${
          K.exfiltration.ip.replaceAll(".", "\\.")
        }\\s+${K.exfiltration.sessions}\\s+${K.exfiltration.totalBytes}\\s`,
      ),
    );
    const repl = await runRepl(await tempDir(), "network", `.pivot ip ${K.attacker.ip}\n`);
    assert.equal(repl.code, 0, repl.stderr);
    assert.match(repl.stdout, /network\.trafficOfIp\s+1 rows/);
  },
});
