/**
 * The "windows" family of the hunting library, run on the bundled demo case.
 * Expected values come from fixtures/demo-case/ANSWERS.md (the answer key), never from the
 * queries themselves. Queries on tables the demo case lacks (Event) are run on empty tables
 * built from the Sentinel schemas.
 */
import assert from "node:assert/strict";
import { FAMILY as WINDOWS } from "../../src/hunt/library/_windows.ts";
import type { HuntFamily, HuntQuery } from "../../src/hunt/types.ts";
import {
  checkFamilyShape,
  DEMO_TABLES,
  rows,
  runOnDemo,
  runOnEmptySchemas,
} from "./_family_check.ts";

function query(family: HuntFamily, name: string): HuntQuery {
  const found = family.queries.find((q) => q.name === name);
  assert.ok(found, `${family.name}.${name} exists`);
  return found;
}

/** Short host name: the demo's Computer column holds FQDNs. */
function host(value: unknown): string {
  return String(value).split(".")[0].toUpperCase();
}

for (const family of [WINDOWS]) {
  Deno.test(`${family.name}: every query is well formed and runs with the columns it declares`, async () => {
    checkFamilyShape(family);
    for (const q of family.queries) {
      assert.match(q.window, /^\d+[dh]$/, `${q.name}: window`);
      assert.match(q.query, /\| where TimeGenerated between \(\{start\} \.\. \{end\}\)/);
      if (q.tables.every((t) => DEMO_TABLES.has(t))) await runOnDemo(q);
      else await runOnEmptySchemas(q);
    }
  });
}

Deno.test("windows: the family has context queries for account, host, ip and process", () => {
  const kinds = new Set(
    WINDOWS.queries.filter((q) => q.techniques.length === 0)
      .flatMap((q) => Object.values(q.parameters).map((p) => p.type)),
  );
  for (const kind of ["account", "host", "ip", "process"] as const) {
    assert.ok(kinds.has(kind), kind);
  }
});

// ---------------------------------------------------------------- windows detections (ANSWERS.md)

Deno.test("windows.rdpLogonsFromPublicIps: the attacker's RDP and the victim's own from home", async () => {
  const found = rows(await runOnDemo(query(WINDOWS, "rdpLogonsFromPublicIps")));
  // Stage 6: 4624 type 10 on LKS-WS-1042 for LARKSPUR\daniel.reyes from 203.0.113.45 at 01:47:13.
  const attacker = found.filter((r) => r.IpAddress === "203.0.113.45");
  assert.equal(attacker.length, 1);
  assert.equal(host(attacker[0].Computer), "LKS-WS-1042");
  assert.equal(attacker[0].Account, "LARKSPUR\\daniel.reyes");
  assert.equal(
    new Date(attacker[0].TimeGenerated as string).toISOString(),
    "2026-03-12T01:47:13.000Z",
  );
  // Look-alike: Daniel's own RDP through the port forward on 4 and 8 March (14-day window).
  const times = found.map((r) => new Date(r.TimeGenerated as string).toISOString());
  assert.ok(
    times.includes("2026-03-04T18:42:10.000Z") && times.includes("2026-03-08T20:05:33.000Z"),
  );
  // Internal admin RDP (LKS-JUMP01, 10.10.1.70) is private and stays out.
  assert.ok(!found.some((r) => String(r.IpAddress).startsWith("10.")));
});

Deno.test("windows: pass-the-hash and lateral movement to LKS-FS01 (stage 12)", async () => {
  const ptH = rows(await runOnDemo(query(WINDOWS, "newCredentialsLogons")));
  assert.deepEqual(
    ptH.map((r) => [host(r.Computer), r.LogonProcessName]),
    [["LKS-WS-1042", "seclogo"]],
  );
  const ntlm = rows(await runOnDemo(query(WINDOWS, "ntlmNetworkLogonsOfUsers")));
  assert.ok(
    ntlm.some((r) =>
      host(r.Computer) === "LKS-FS01" && r.Account === "LARKSPUR\\adm-tom.harper" &&
      r.IpAddress === "10.20.4.42"
    ),
  );
  const shares = rows(await runOnDemo(query(WINDOWS, "adminShareAccess")));
  assert.ok(
    shares.some((r) =>
      host(r.Computer) === "LKS-FS01" && String(r.ShareName).endsWith("C$") &&
      r.Account === "LARKSPUR\\adm-tom.harper"
    ),
  );
  // The business shares (Finance, HR, IT$ ...) are not administrative shares.
  assert.ok(!shares.some((r) => /Finance|HR|IT\$|Shared|Board/.test(String(r.ShareName))));
});

Deno.test("windows.servicesInstalled: WinSysHealth from Temp is flagged, admin PsExec is not", async () => {
  const found = rows(await runOnDemo(query(WINDOWS, "servicesInstalled")));
  const implant = found.find((r) => r.ServiceName === "WinSysHealth");
  assert.ok(implant);
  assert.equal(host(implant.Computer), "LKS-FS01");
  assert.equal(implant.ServiceFileName, "C:\\Windows\\Temp\\wsh.exe");
  assert.equal(implant.UnusualPath, true);
  const psexec = found.find((r) => r.ServiceName === "PSEXESVC");
  assert.ok(psexec, "adm-aisha.khan's PsExec on LKS-SQL01 (10 March) is listed");
  assert.equal(psexec.UnusualPath, false);
});

Deno.test("windows: the new local administrator svc-helpdesk (stage 11)", async () => {
  const created = rows(await runOnDemo(query(WINDOWS, "userAccountsCreated")));
  assert.deepEqual(
    created.map((r) => [host(r.Computer), r.CreatedAccount, r.CreatedBy]),
    [["LKS-WS-1042", "LKS-WS-1042\\svc-helpdesk", "LARKSPUR\\daniel.reyes"]],
  );
  const added = rows(await runOnDemo(query(WINDOWS, "securityGroupMembersAdded")));
  assert.equal(added.length, 1);
  assert.equal(added[0].Group, "Builtin\\Administrators");
  // 4732 logs the local member by SID only; the query resolves it from the 4720.
  assert.equal(added[0].Member, "LKS-WS-1042\\svc-helpdesk");
  const none = rows(
    await runOnDemo(query(WINDOWS, "securityGroupMembersAdded"), { group: "Domain Admins" }),
  );
  assert.equal(none.length, 0);
});

Deno.test("windows: the implant's execution chain on LKS-WS-1042", async () => {
  const encoded = rows(await runOnDemo(query(WINDOWS, "encodedPowerShell")));
  const cradle = encoded.find((r) => r.Account === "LARKSPUR\\daniel.reyes");
  assert.ok(cradle);
  assert.equal(new Date(cradle.TimeGenerated as string).toISOString(), "2026-03-12T01:52:08.000Z");
  assert.equal(host(cradle.Computer), "LKS-WS-1042");
  // Its payload decodes (UTF-16LE) to the download cradle of ANSWERS.md.
  const decoded = new TextDecoder("utf-16le").decode(
    Uint8Array.from(atob(String(cradle.EncodedPayload)), (c) => c.charCodeAt(0)),
  );
  assert.ok(decoded.includes("https://cdn.edgeupdate-sync.example/a/u.ps1"), decoded);
  // Look-alike: the LarkInventory task on every machine, as SYSTEM.
  assert.ok(encoded.filter((r) => String(r.Account).endsWith("$")).length > 10);

  const task = rows(await runOnDemo(query(WINDOWS, "scheduledTasksCreatedByCommandLine")));
  assert.ok(task.some((r) => r.TaskName === "MicrosoftEdgeUpdateTaskMachineUA-S2"));

  const lsass = rows(await runOnDemo(query(WINDOWS, "lsassDumpCommands")));
  assert.deepEqual(
    lsass.map((r) => [new Date(r.TimeGenerated as string).toISOString(), r.NewProcessName]),
    [["2026-03-12T02:18:55.000Z", "C:\\Users\\Public\\procdump64.exe"]],
  );

  const discovery = rows(await runOnDemo(query(WINDOWS, "discoveryCommandBursts")));
  assert.equal(discovery.length, 1);
  assert.equal(host(discovery[0].Computer), "LKS-WS-1042");
  const tools = JSON.parse(String(discovery[0].Tools));
  for (const tool of ["whoami.exe", "net.exe", "nltest.exe"]) assert.ok(tools.includes(tool), tool);

  const rare = rows(await runOnDemo(query(WINDOWS, "rareProcessesPerHost")));
  const byPath = new Map(rare.map((r) => [r.NewProcessName, r]));
  for (
    const path of [
      "C:\\ProgramData\\EdgeUpdate\\msedgeupdate.exe",
      "C:\\Users\\Public\\procdump64.exe",
      "C:\\Windows\\Temp\\wsh.exe",
    ]
  ) assert.equal(byPath.get(path)?.UserWritablePath, true, path);
});

Deno.test("windows.failedLogonBursts: internet scanners guessing names on LKS-WS-1042", async () => {
  const found = rows(await runOnDemo(query(WINDOWS, "failedLogonBursts"), {}, "14d"));
  assert.ok(found.length > 0);
  for (const r of found) {
    assert.equal(host(r.Computer), "LKS-WS-1042");
    assert.deepEqual(JSON.parse(String(r.SubStatuses)), ["0xc0000064"]);
  }
});

// ---------------------------------------------------------------- windows context

Deno.test("windows.logonsOfAccount: adm-tom.harper's trail, in any account spelling", async () => {
  const q = query(WINDOWS, "logonsOfAccount");
  for (const account of ["LARKSPUR\\adm-tom.harper", "adm-tom.harper"]) {
    const found = rows(await runOnDemo(q, { account }));
    // 9 March: helpdesk RDP from LKS-JUMP01 (10.10.1.70) to LKS-WS-1042, at 14:05:12.
    assert.ok(
      found.some((r) =>
        r.EventID === 4624 && host(r.Computer) === "LKS-WS-1042" && r.LogonType === 10 &&
        r.IpAddress === "10.10.1.70" &&
        new Date(r.TimeGenerated as string).toISOString() === "2026-03-09T14:05:12.000Z"
      ),
    );
    // 12 March: NTLM network logon on LKS-FS01 from the victim's workstation.
    assert.ok(
      found.some((r) =>
        r.EventID === 4624 && host(r.Computer) === "LKS-FS01" && r.IpAddress === "10.20.4.42"
      ),
    );
    assert.ok(found.every((r) => r.Account === "LARKSPUR\\adm-tom.harper"));
  }
});

Deno.test("windows: host, ip and process context of the victim's workstation", async () => {
  const toHost = rows(await runOnDemo(query(WINDOWS, "logonsToHost")));
  assert.ok(
    toHost.some((r) =>
      r.Account === "LARKSPUR\\daniel.reyes" && r.IpAddress === "203.0.113.45" &&
      String(r.LogonTypeName).startsWith("10")
    ),
  );
  const fqdn = rows(
    await runOnDemo(query(WINDOWS, "logonsToHost"), {
      host: "lks-ws-1042.corp.larkspurlogistics.example",
    }),
  );
  assert.equal(fqdn.length, toHost.length);

  const fromIp = rows(await runOnDemo(query(WINDOWS, "eventsFromIp")));
  assert.deepEqual(fromIp.map((r) => [r.EventID, host(r.Computer)]), [[4624, "LKS-WS-1042"]]);
  // Kerberos events log IPv4 as ::ffff:a.b.c.d; the victim's workstation address still matches them.
  const ws = rows(await runOnDemo(query(WINDOWS, "eventsFromIp"), { ip: "10.20.4.42" }));
  assert.ok(ws.some((r) => r.EventID === 4769));
  assert.ok(ws.some((r) => r.EventID === 5140 && host(r.Computer) === "LKS-FS01"));

  const procs = rows(
    await runOnDemo(query(WINDOWS, "processesOnHost"), {
      account: "daniel.reyes@larkspurlogistics.example",
    }),
  );
  assert.ok(procs.some((r) => r.NewProcessName === "C:\\Users\\Public\\procdump64.exe"));
  assert.ok(procs.every((r) => r.Account === "LARKSPUR\\daniel.reyes"));

  const where = rows(await runOnDemo(query(WINDOWS, "hostsRunningProcess")));
  assert.deepEqual(where.map((r) => host(r.Computer)), ["LKS-WS-1042"]);

  const priv = rows(await runOnDemo(query(WINDOWS, "privilegedLogonsOfAccount")));
  const hosts = priv.map((r) => host(r.Computer));
  for (const h of ["LKS-WS-1042", "LKS-FS01"]) assert.ok(hosts.includes(h), h);
});
