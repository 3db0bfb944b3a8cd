/**
 * Library detections checked row by row against fixtures/demo-case/ANSWERS.md (values
 * written here from the answer key, never read from the queries): each returns the planted
 * rows for the right reason, marks what is suspicious, and leaves the key's benign
 * look-alikes unmarked; a query whose indicators the key says are absent returns nothing.
 */
import assert from "node:assert/strict";
import { findHunt } from "../../src/hunt/mod.ts";
import { rows, runOnDemo } from "./_family_check.ts";

const q = (id: string) => findHunt(id).query;
const iso = (v: unknown) => new Date(v as string).toISOString();
const host = (v: unknown) => String(v).split(".")[0].toUpperCase();

Deno.test("identity.servicePrincipalCredentialAdditions: the secret on lks-infra-automation (C4), not app creations", async () => {
  const found = rows(await runOnDemo(q("identity.servicePrincipalCredentialAdditions")));
  assert.deepEqual(
    found.map((r) => [iso(r.TimeGenerated), r.AppName, r.InitiatedByUser, r.IPAddress]),
    [
      // C4: through the app, as nadia.brooks from 203.0.113.132, a secret on the automation app.
      [
        "2026-03-06T02:13:45.000Z",
        "lks-infra-automation",
        "nadia.brooks@larkspurlogistics.example",
        "203.0.113.132",
      ],
      // Look-alike, listed as the description says: aisha.khan's routine rotation from the office.
      [
        "2026-03-10T11:04:19.000Z",
        "lks-backup-automation",
        "aisha.khan@larkspurlogistics.example",
        "192.0.2.10",
      ],
    ],
  );
  // "Add service principal" (the consents' new service principals) adds no credential.
  assert.ok(!found.some((r) => r.OperationName === "Add service principal"));
});

Deno.test("windows.servicesInstalledSystemLog: WinSysHealth from Temp marked; PsExec and Defender's drivers not", async () => {
  const found = rows(await runOnDemo(q("windows.servicesInstalledSystemLog"), {}, "14d"));
  const marked = found.filter((r) => r.UnusualPath === true);
  // Stage 12: 7045 in the System log on LKS-FS01, C:\Windows\Temp\wsh.exe, at 03:05:26-03:05:59.
  assert.deepEqual(
    marked.map((r) => [host(r.Computer), r.ServiceName, r.ImagePath]),
    [["LKS-FS01", "WinSysHealth", "C:\\Windows\\Temp\\wsh.exe"]],
  );
  const at = new Date(marked[0].TimeGenerated as string).getTime();
  assert.ok(
    at >= Date.parse("2026-03-12T03:05:26Z") && at <= Date.parse("2026-03-12T03:05:59Z"),
  );
  // Look-alikes: adm-aisha.khan's PsExec on LKS-SQL01 (10 March) and the MpKsl drivers.
  const psexec = found.find((r) =>
    r.ServiceName === "PSEXESVC" && host(r.Computer) === "LKS-SQL01"
  );
  assert.ok(psexec, "PsExec on LKS-SQL01 is listed");
  assert.equal(psexec.UnusualPath, false);
  const drivers = found.filter((r) => /^MpKsl[0-9a-f]{8}$/.test(String(r.ServiceName)));
  assert.ok(drivers.length > 10, "Defender's drivers on many machines are listed");
  assert.ok(drivers.every((r) => r.UnusualPath === false));
});

Deno.test("endpoint.remoteInteractiveLogons: the attacker's RDP from the internet (stage 6)", async () => {
  const found = rows(await runOnDemo(q("endpoint.remoteInteractiveLogons"), {}, "14d"));
  const attacker = found.filter((r) => r.RemoteIP === "203.0.113.45");
  assert.deepEqual(
    attacker.map((r) => [host(r.DeviceName), r.AccountName, r.FromInternet, iso(r.FirstSeen)]),
    [["LKS-WS-1042", "daniel.reyes", true, "2026-03-12T01:47:13.000Z"]],
  );
  // Internal RDP (the service desk, LKS-JUMP01 10.10.1.70) is never marked as from the internet.
  assert.ok(
    found.filter((r) => /^10\./.test(String(r.RemoteIP))).every((r) => r.FromInternet === false),
  );
});

Deno.test("endpoint.executablesDroppedInUserWritablePaths: implant, procdump, wsh.exe and rclone", async () => {
  const found = rows(
    await runOnDemo(q("endpoint.executablesDroppedInUserWritablePaths"), {}, "14d"),
  );
  const byPath = new Map(found.map((r) => [String(r.FolderPath), r]));
  // Stage 7: the implant and its SHA-256.
  const implant = byPath.get("C:\\ProgramData\\EdgeUpdate\\msedgeupdate.exe");
  assert.ok(implant);
  assert.equal(implant.SHA256, "2dc5f1f0bc82428ec71acd28eb1a650bed7d5184b66f760120fa050263b552ec");
  assert.equal(host(implant.DeviceName), "LKS-WS-1042");
  // Stage 10: procdump in Users\Public; stage 12: wsh.exe on LKS-FS01 with its SHA-256.
  assert.ok(byPath.has("C:\\Users\\Public\\procdump64.exe"));
  const wsh = byPath.get("C:\\Windows\\Temp\\wsh.exe");
  assert.ok(wsh);
  assert.equal(host(wsh.DeviceName), "LKS-FS01");
  assert.equal(wsh.SHA256, "6b0517c0896539bbc4f1ee76891661ea869e6ff553ac29a06b0a068519f18c82");
  // Stage 14: rclone on the file server.
  assert.equal(host(byPath.get("C:\\ProgramData\\rclone.exe")?.DeviceName), "LKS-FS01");
  // Every row is a drop into a folder any user can write to.
  for (const r of found) {
    assert.match(String(r.FolderPath), /^C:\\(ProgramData|Users\\Public|Windows\\Temp|Users\\)/i);
  }
});

Deno.test("threat-intel joins the key says find nothing: neither hash, nor the C2, is in ThreatIntelligenceIndicator", async () => {
  // ANSWERS.md, Indicators: both SHA-256 and 198.51.100.160 are "no" in ThreatIntelligenceIndicator;
  // the spray addresses that are in it never reach Defender or Office.
  for (
    const id of [
      "threatIntel.hashIndicatorsInProcesses",
      "threatIntel.hashIndicatorsInFileEvents",
      "threatIntel.ipIndicatorsInDeviceNetwork",
      "threatIntel.indicatorsInOfficeActivity",
    ]
  ) {
    assert.equal((await runOnDemo(q(id), {}, "14d")).height, 0, id);
  }
});
