/**
 * The "endpoint" family of the hunting library on the demo case, run by the framework's
 * runner (`runHuntQuery`) as `hunt.endpoint.<name>()` runs it: every query runs (or, on the
 * Defender tables the demo case lacks, type-checks against the Sentinel schemas) with the
 * columns it declares, and the detections surface the planted stages with the answer key's
 * values (fixtures/demo-case/ANSWERS.md, `ANSWER_KEY`), never values read back from the
 * queries. One test goes through the front door (`casefile hunt run`, `.pivot`).
 */
import assert from "node:assert/strict";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { FAMILY } from "../../src/hunt/library/_endpoint.ts";
import type { HuntArgs } from "../../src/hunt/mod.ts";
import {
  checkFamilyShape,
  DEMO_TABLES,
  queryOf,
  rows,
  runOnDemo,
  runOnEmptySchemas,
} from "./_family_check.ts";
import { REPO, run, runRepl, tempDir } from "../scenarios/_harness.ts";

type Row = Record<string, unknown>;
const K = ANSWER_KEY;

const query = (name: string) => queryOf(FAMILY, name);

/** Runs a query on the demo case with the framework's runner; checks its columns. */
async function hunt(name: string, args: HuntArgs = {}): Promise<Row[]> {
  return rows(await runOnDemo(query(name), args));
}

const shortHost = (v: unknown) => String(v).split(".")[0].toUpperCase();
const iso = (v: unknown) => new Date(v as string).toISOString();
const list = (v: unknown): unknown[] => (typeof v === "string" ? JSON.parse(v) : v) as unknown[];
const squash = (s: unknown) => String(s).replace(/\s+/g, " ");

Deno.test("endpoint family: every query keeps the library format", () => {
  assert.equal(FAMILY.name, "endpoint");
  checkFamilyShape(FAMILY);
});

Deno.test("endpoint family: every query runs (or type-checks) with its declared columns", async () => {
  for (const q of FAMILY.queries) {
    if (q.tables.every((t) => DEMO_TABLES.has(t))) await hunt(q.name);
    else await runOnEmptySchemas(q);
  }
});

Deno.test("endpoint family: context queries for every entity kind its tables carry", () => {
  const kinds = new Set(
    FAMILY.queries.filter((q) => q.techniques.length === 0)
      .flatMap((q) => Object.values(q.parameters).map((p) => p.type)),
  );
  for (const kind of ["host", "account", "process", "hash", "ip", "domain", "url"]) {
    assert.ok(kinds.has(kind as never), kind);
  }
});

// ------------------------------------------------------------------ execution (stage 7)

Deno.test("encodedPowerShell: the cradle decodes, on one host; the inventory task is everywhere", async () => {
  const found = await hunt("encodedPowerShell");
  const cradle = found.find((r) => r.Encoded === K.encodedPowerShell.encoded);
  assert.ok(cradle, "the planted payload");
  assert.equal(cradle.Decoded, K.encodedPowerShell.decoded);
  assert.equal(cradle.Hosts, 1);
  assert.deepEqual(list(cradle.Devices).map(shortHost), [K.encodedPowerShell.host]);
  assert.equal(iso(cradle.FirstSeen), iso(K.encodedPowerShell.time));
  // Rarest first: the attack sorts ahead of the LarkInventory task every machine runs.
  assert.equal(found[0].Encoded, K.encodedPowerShell.encoded);
  const inventory = found.find((r) => String(r.Decoded).includes("Get-CimInstance"));
  assert.ok(inventory && Number(inventory.Hosts) > 40, "the benign inventory task");
  assert.deepEqual(list(inventory.Accounts), ["system"]);
});

Deno.test("downloadCradles: the decoded cradle's URL runs in memory; admins' downloads do not", async () => {
  const found = await hunt("downloadCradles", { window: "14d" });
  const cradle = found.filter((r) => r.Url === K.encodedPowerShell.url);
  assert.equal(cradle.length, 1);
  assert.equal(shortHost(cradle[0].DeviceName), K.encodedPowerShell.host);
  assert.equal(iso(cradle[0].TimeGenerated), iso(K.encodedPowerShell.time));
  assert.equal(cradle[0].RunsInMemory, true);
  // Look-alike: admins' Invoke-WebRequest of SysinternalsSuite.zip, saved to disk.
  const admin = found.filter((r) => String(r.Url).includes("SysinternalsSuite.zip"));
  assert.ok(admin.length > 0);
  assert.ok(
    admin.every((r) => r.RunsInMemory === false && String(r.AccountName).startsWith("adm-")),
  );
});

Deno.test("binaries from user-writable folders and rare processes: implant, dumper, service, rclone", async () => {
  const paths = await hunt("binariesRunFromUserWritablePaths");
  const byPath = new Map(paths.map((r) => [r.FolderPath, r]));
  assert.equal(byPath.get(K.implant.path)?.SHA256, K.implant.sha256);
  assert.equal(byPath.get(K.lateralMovement.serviceFile)?.SHA256, K.lateralMovement.serviceSha256);
  assert.ok(byPath.has(K.exfiltration.toolPath));
  assert.ok(byPath.has("C:\\Users\\Public\\procdump64.exe"));
  // Defender's own platform folder under ProgramData\Microsoft is not user-writable noise.
  assert.ok(![...byPath.keys()].some((p) => String(p).includes("\\ProgramData\\Microsoft\\")));

  const fs01 = await hunt("rareProcessesPerHost", { host: K.exfiltration.host });
  assert.ok(fs01.every((r) => shortHost(r.DeviceName) === K.exfiltration.host));
  const names = fs01.map((r) => r.FolderPath);
  assert.ok(
    names.includes(K.lateralMovement.serviceFile) && names.includes(K.exfiltration.toolPath),
  );
});

// ------------------------------------------------------------------ credential access, discovery (stages 9-11)

Deno.test("credentialDumpingTools: the procdump of lsass, and nothing else", async () => {
  const found = await hunt("credentialDumpingTools");
  assert.equal(found.length, 1);
  assert.equal(iso(found[0].TimeGenerated), iso(K.lsassDump.time));
  assert.equal(shortHost(found[0].DeviceName), K.victim.workstation);
  assert.equal(found[0].FileName, K.lsassDump.tool);
  assert.equal(found[0].ProcessCommandLine, K.lsassDump.commandLine);
});

Deno.test("discoveryBursts: whoami, net group and nltest from the implant, in one burst", async () => {
  const found = await hunt("discoveryBursts");
  assert.equal(found.length, 1);
  const [burst] = found;
  assert.equal(shortHost(burst.DeviceName), K.victim.workstation);
  const commands = list(burst.Commands).map(squash);
  for (const c of K.discovery.commands) assert.ok(commands.some((x) => x.endsWith(c)), c);
  assert.ok(iso(burst.BurstStart) <= iso(K.discovery.time));
});

Deno.test("scheduled task, remote service and local admin: the persistence and lateral movement", async () => {
  const tasks = await hunt("scheduledTasksCreated");
  assert.equal(tasks.length, 1);
  assert.equal(String(tasks[0].TaskName).replaceAll('"', ""), K.implant.scheduledTask);
  assert.ok(String(tasks[0].TaskCommand).includes(K.implant.path));

  const services = await hunt("remoteServiceCreation");
  const create = services.find((r) => String(r.ProcessCommandLine).includes(" create "));
  assert.ok(create);
  assert.equal(create.TargetHost, K.lateralMovement.to);
  assert.equal(shortHost(create.DeviceName), K.lateralMovement.from);
  assert.ok(String(create.ProcessCommandLine).includes(K.lateralMovement.serviceName));
  assert.ok(String(create.ProcessCommandLine).includes(K.lateralMovement.serviceFile));
  // Look-alike: adm-aisha.khan's PsExec from the jump host to LKS-SQL01 on 10 March.
  assert.ok(
    services.some((r) => r.AccountName === "adm-aisha.khan" && r.TargetHost === "LKS-SQL01"),
  );

  const added = await hunt("localAccountsAddedByCommandLine");
  assert.deepEqual(
    added.map((r) => [iso(r.TimeGenerated), shortHost(r.DeviceName), r.Action]),
    [
      [iso(K.localAdmin.createdAt), K.localAdmin.host, "account created"],
      [iso(K.localAdmin.addedAt), K.localAdmin.host, "added to group"],
    ],
  );
  assert.ok(added.every((r) => String(r.ProcessCommandLine).includes(K.localAdmin.account)));
});

Deno.test("archiveStaging: the encrypted 7-Zip of the shares on the file server; extracts stay out", async () => {
  const found = await hunt("archiveStaging");
  assert.equal(found.length, 1);
  const [staging] = found;
  assert.equal(shortHost(staging.DeviceName), K.exfiltration.host);
  assert.equal(iso(staging.TimeGenerated).slice(0, 19), K.exfiltration.stagingAt.slice(0, 19));
  assert.ok(String(staging.ProcessCommandLine).includes(K.exfiltration.archive));
  assert.equal(staging.Encrypted, true);
  assert.equal(staging.StagedInSharedFolder, true);
});

// ------------------------------------------------------------------ C2 and exfiltration (stages 8, 14)

Deno.test("beaconingConnections: the implant's 60-second beacon is the only steady channel", async () => {
  const found = await hunt("beaconingConnections");
  assert.equal(found.length, 1);
  const [beacon] = found;
  assert.equal(shortHost(beacon.DeviceName), K.victim.workstation);
  assert.equal(beacon.InitiatingProcessFileName, K.implant.fileName);
  assert.equal(beacon.RemoteIP, K.c2.ip);
  assert.equal(beacon.RemotePort, K.c2.port);
  assert.equal(beacon.Connections, K.c2.beacons);
  const median = Number(beacon.MedianGapSeconds);
  const spread = K.c2.intervalSeconds * K.c2.jitterPercent / 100;
  assert.ok(Math.abs(median - K.c2.intervalSeconds) <= spread, `median gap ${median}`);
  assert.equal(iso(beacon.FirstSeen), iso(K.c2.firstBeacon));
});

Deno.test("rare destinations and transfer tools: C2 and exfiltration endpoints, backup as look-alike", async () => {
  const rare = await hunt("rarePublicDestinations");
  const byUrl = new Map(rare.map((r) => [r.RemoteUrl, r]));
  const c2 = byUrl.get(K.c2.domain);
  assert.ok(c2 && c2.RemoteIP === K.c2.ip && c2.Hosts === 1);
  assert.deepEqual(list(c2.Devices).map(shortHost), [K.victim.workstation]);
  const exfil = byUrl.get(K.exfiltration.domain);
  assert.ok(exfil && exfil.RemoteIP === K.exfiltration.ip);
  assert.equal(exfil.Connections, K.exfiltration.sessions);
  assert.ok(byUrl.has("backup.vaultline.example"), "the nightly backup look-alike");
  assert.ok(!byUrl.has("outlook.office365.com"));

  const tools = await hunt("transferToolConnections");
  const rclone = tools.find((r) => r.InitiatingProcessFileName === K.exfiltration.tool);
  assert.ok(rclone);
  assert.equal(shortHost(rclone.DeviceName), K.exfiltration.host);
  assert.equal(rclone.RemoteUrl, K.exfiltration.domain);
  assert.equal(rclone.Sessions, K.exfiltration.sessions);
  assert.equal(iso(rclone.FirstSeen), iso(K.exfiltration.start));
});

// ------------------------------------------------------------------ context

Deno.test("context: the implant's hash, process, host, account, address, domain and URL", async () => {
  const hash = await hunt("processesOfHash");
  assert.deepEqual(
    hash.map((r) => [iso(r.TimeGenerated), shortHost(r.DeviceName), r.FolderPath]),
    [[iso(K.implant.startedAt), K.victim.workstation, K.implant.path]],
  );

  const rclone = await hunt("runsOfProcess");
  assert.deepEqual(rclone.map((r) => shortHost(r.DeviceName)), [K.exfiltration.host]);

  const host = await hunt("processesOfHost");
  assert.ok(host.some((r) => r.FolderPath === K.implant.path && r.Runs === 1));
  const connections = await hunt("connectionsOfHost");
  assert.equal(connections[0].RemoteIP, K.c2.ip);
  assert.equal(connections[0].Connections, K.c2.beacons);

  // The account in any of its spellings finds the same activity.
  const byUpn = await hunt("processesOfAccount");
  const bySam = await hunt("processesOfAccount", { account: "LARKSPUR\\daniel.reyes" });
  assert.equal(byUpn.length, bySam.length);
  assert.ok(byUpn.some((r) => r.FileName === K.lsassDump.tool));
  const onFs01 = await hunt("processesOfAccount", { host: K.exfiltration.host });
  assert.equal(onFs01.length, 0, "the victim never ran anything on the file server");

  const ip = await hunt("connectionsWithIp");
  const beacons = ip.find((r) => r.InitiatingProcessFileName === K.implant.fileName);
  assert.equal(beacons?.Connections, K.c2.beacons);
  // The cradle itself reached the C2 domain from PowerShell before the implant existed.
  const domain = await hunt("connectionsToDomain");
  assert.deepEqual(domain.map((r) => r.InitiatingProcessFileName), [
    "powershell.exe",
    K.implant.fileName,
  ]);
  const url = await hunt("connectionsToUrl", { url: K.encodedPowerShell.url });
  assert.ok(url.every((r) => shortHost(r.DeviceName) === K.victim.workstation));
  assert.equal(url.reduce((n, r) => n + Number(r.Events), 0), K.c2.beacons + 1);
});

// ------------------------------------------------------------------ the front door

Deno.test({
  name: "front door: casefile hunt run endpoint.*, and .pivot on the implant's hash",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const casefile = (...args: string[]) =>
      run(Deno.execPath(), ["run", "-A", "repl/main.ts", ...args], { cwd: REPO });
    const cradles = await casefile("hunt", "run", "endpoint.downloadCradles", "--window", "14d");
    assert.equal(cradles.code, 0, cradles.stderr);
    // The cradle's row as printed: time, the victim's workstation, the victim, PowerShell.
    assert.match(
      cradles.stdout,
      /\n2026-03-12 01:52:08\s+lks-ws-1042\.\S*\s+daniel\.reyes\s+powershell\.exe\s/,
    );
    assert.match(cradles.stdout, /\d+ rows · endpoint\.downloadCradles/);

    const dump = await casefile(
      "hunt",
      "--technique",
      "T1003.001",
      "--table",
      "DeviceProcessEvents",
    );
    assert.equal(dump.code, 0, dump.stderr);
    assert.match(dump.stdout, /endpoint\.credentialDumpingTools\s+1\s+HIT/);

    const typo = await casefile(
      "hunt",
      "run",
      "endpoint.beaconingConnections",
      "--param",
      "minConection=5",
    );
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /Did you mean `minConnections`/);

    const repl = await runRepl(await tempDir(), "endpoint", `.pivot hash ${K.implant.sha256}\n`);
    assert.equal(repl.code, 0, repl.stderr);
    assert.match(repl.stdout, /endpoint\.processesOfHash\s+1 rows/);
  },
});
