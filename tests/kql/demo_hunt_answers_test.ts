/**
 * Every hunting query of the demo case's answer key finds what the answer key's prose says it
 * finds: the addresses, accounts, times and counts written in ANSWERS.md, checked by hand against
 * each stage's text (not recomputed by the engine). A query that merely returns some rows (a
 * dropped filter, a wrong join, a wrong aggregate) fails here.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";

type Row = Record<string, unknown>;

const answers = await Deno.readTextFile(
  fileURLToPath(new URL("../../fixtures/demo-case/ANSWERS.md", import.meta.url)),
);
// As in the Log Analytics editor, a blank line separates two queries in one block.
const queries = [...answers.matchAll(/```kql\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1].split(/\n\s*\n/))
  .map((q) => q.trim())
  .filter((q) => q.length > 0);
const provider = await openLocalProvider();

const iso = (v: unknown) => v instanceof Date ? v.toISOString() : String(v);
const num = (v: unknown) => Number(v);
const host = (v: unknown) => String(v).toLowerCase().split(".")[0];
/** The one row matching `where`; fails when there is none or more than one. */
function one(rows: Row[], where: (r: Row) => boolean, what: string): Row {
  const found = rows.filter(where);
  assert.equal(found.length, 1, `${what}: ${found.length} rows match`);
  return found[0];
}

const VICTIM = "daniel.reyes@larkspurlogistics.example";
const ATTACKER = "203.0.113.45";
const SPRAY = ["203.0.113.61", "203.0.113.88", "203.0.113.45"];
const NADIA = "nadia.brooks@larkspurlogistics.example";

/** Per query of ANSWERS.md, in order: the table it starts from and what its rows must show. */
const EXPECTED: Array<{ table: string; check: (rows: Row[]) => void }> = [
  { // 1. Password spray: the three sources, 449 failures with 50126 between them, IMAP.
    table: "SigninLogs",
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.IPAddress).sort(), [...SPRAY].sort());
      assert.equal(rows.reduce((n, r) => n + num(r.Failures), 0), 449);
      assert.ok(rows.length === 3 && rows.every((r) => r.ClientAppUsed === "IMAP4"));
      assert.equal(
        iso(rows.find((r) => r.IPAddress === SPRAY[0])!.First),
        "2026-03-11T02:10:00.000Z",
      );
      // Ordered by failures, most first.
      assert.ok(rows.every((r, i) => i === 0 || num(rows[i - 1].Failures) >= num(r.Failures)));
    },
  },
  { // 2. The legacy-authentication success: IMAP4, no MFA, at 03:47:29.
    table: "SigninLogs",
    check: (rows) => {
      const win = one(rows, (r) => r.ClientAppUsed === "IMAP4", "IMAP success");
      assert.equal(iso(win.TimeGenerated), "2026-03-11T03:47:29.000Z");
      assert.equal(win.UserPrincipalName, VICTIM);
      assert.equal(win.IPAddress, ATTACKER);
      assert.equal(win.AuthenticationRequirement, "singleFactorAuthentication");
      assert.match(String(win.ConditionalAccessPolicies), /reportOnlyFailure/);
    },
  },
  { // 3. Impossible travel: London in the morning, then Brazil told to register MFA, then success.
    table: "SigninLogs",
    check: (rows) => {
      const at = (t: string) => one(rows, (r) => iso(r.TimeGenerated) === t, t);
      const interrupt = at("2026-03-11T09:21:44.000Z");
      assert.deepEqual(
        [interrupt.IPAddress, interrupt.Country, interrupt.AppDisplayName, interrupt.ResultType],
        [ATTACKER, "BR", "OfficeHome", "50079"],
      );
      const success = at("2026-03-11T09:26:10.000Z");
      assert.deepEqual([success.IPAddress, success.Country, success.ResultType], [
        ATTACKER,
        "BR",
        "0",
      ]);
      assert.ok(
        rows.some((r) =>
          r.IPAddress === "192.0.2.10" && r.Country === "GB" &&
          iso(r.TimeGenerated) < "2026-03-11T09:21:44"
        ),
        "an office sign-in from London earlier that morning",
      );
      const times = rows.map((r) => iso(r.TimeGenerated));
      assert.deepEqual(times, [...times].sort(), "in time order");
    },
  },
  { // 4. The attacker's MFA registration, among the benign ones from the office.
    table: "AuditLogs",
    check: (rows) => {
      const reg = one(rows, (r) => r.User === VICTIM, "the victim's registration");
      assert.equal(iso(reg.TimeGenerated), "2026-03-11T09:24:31.000Z");
      assert.equal(reg.Ip, ATTACKER);
      assert.ok(rows.filter((r) => r !== reg).every((r) => r.Ip === "192.0.2.10"));
      assert.ok(rows.some((r) => r.User === "megan.doyle@larkspurlogistics.example"));
    },
  },
  { // 5. The forwarding rule (and graham.whitfield's benign redirect).
    table: "OfficeActivity",
    check: (rows) => {
      const rule = one(rows, (r) => r.UserId === VICTIM, "the victim's rule");
      assert.equal(iso(rule.TimeGenerated), "2026-03-11T09:31:02.000Z");
      assert.equal(rule.ClientIP, "203.0.113.45:50412");
      assert.match(String(rule.Parameters), /ap\.remit\.archive@securemail-relay\.example/);
      assert.ok(rows.some((r) => r.UserId === "graham.whitfield@larkspurlogistics.example"));
    },
  },
  { // 6. RDP from the attacker, beside the victim's own two from home.
    table: "SecurityEvent",
    check: (rows) => {
      const rdp = one(rows, (r) => r.IpAddress === ATTACKER, "the attacker's RDP logon");
      assert.equal(iso(rdp.TimeGenerated), "2026-03-12T01:47:13.000Z");
      assert.equal(host(rdp.Computer), "lks-ws-1042");
      assert.equal(rdp.Account, "LARKSPUR\\daniel.reyes");
      const home = rows.filter((r) => r.Account === "LARKSPUR\\daniel.reyes" && r !== rdp);
      assert.deepEqual(home.map((r) => iso(r.TimeGenerated)).sort(), [
        "2026-03-04T18:42:10.000Z",
        "2026-03-08T20:05:33.000Z",
      ]);
    },
  },
  { // 7. The download cradle decodes to a fetch from the C2 domain.
    table: "DeviceProcessEvents",
    check: (rows) => {
      const cradle = one(
        rows,
        (r) => host(r.DeviceName) === "lks-ws-1042" && /edgeupdate-sync/.test(String(r.Decoded)),
        "the cradle",
      );
      assert.equal(iso(cradle.TimeGenerated), "2026-03-12T01:52:08.000Z");
      assert.equal(cradle.InitiatingProcessFileName, "explorer.exe");
      assert.match(String(cradle.Decoded), /cdn\.edgeupdate-sync\.example/);
      // The benign inventory task decodes too (Get-CimInstance), as the look-alikes say.
      assert.ok(rows.some((r) => /Get-CimInstance/.test(String(r.Decoded))));
      assert.ok(rows.every((r) => !String(r.Decoded).includes("\0")), "zero bytes dropped");
    },
  },
  { // 8. One rare destination talked to very often: the C2, 2160 connections.
    table: "DeviceNetworkEvents",
    check: (rows) => {
      assert.equal(rows.length, 1);
      assert.equal(rows[0].RemoteUrl, "cdn.edgeupdate-sync.example");
      assert.equal(rows[0].InitiatingProcessFileName, "msedgeupdate.exe");
      assert.equal(num(rows[0].Connections), 2160);
      assert.equal(num(rows[0].Hosts), 1);
    },
  },
  { // 8b. Its rhythm: every 60 s (±10% jitter) for about 36 h. The domain also served the
    // download cradle (Indicators: "C2 and download cradle"): 2160 beacons plus that one fetch.
    table: "DeviceNetworkEvents",
    check: (rows) => {
      assert.equal(rows.length, 1);
      assert.equal(num(rows[0].Beacons), 2161);
      assert.equal(num(rows[0].MedianGap), 60);
      const hours = (Date.parse(iso(rows[0].Last)) - Date.parse(iso(rows[0].First))) / 3.6e6;
      assert.ok(hours > 35 && hours < 37, `${hours} h`);
      assert.ok(iso(rows[0].First) <= "2026-03-12T01:55:02.000Z");
    },
  },
  { // 9. Discovery: whoami, net group, nltest from cmd.exe under the implant.
    table: "DeviceProcessEvents",
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.FileName), ["whoami.exe", "net.exe", "nltest.exe"]);
      assert.match(String(rows[0].ProcessCommandLine), /whoami\s+\/all/);
      assert.match(String(rows[1].ProcessCommandLine), /net\s+group "domain admins" \/domain/);
      assert.match(String(rows[2].ProcessCommandLine), /nltest\s+\/dclist:corp\.larkspurlogistics/);
      assert.ok(rows.every((r) => iso(r.TimeGenerated).startsWith("2026-03-12T02:03:")));
    },
  },
  { // 10. The LSASS dump, the only one.
    table: "DeviceProcessEvents",
    check: (rows) => {
      assert.equal(rows.length, 1);
      assert.equal(iso(rows[0].TimeGenerated), "2026-03-12T02:18:55.000Z");
      assert.equal(
        rows[0].ProcessCommandLine,
        "C:\\Users\\Public\\procdump64.exe -accepteula -ma lsass.exe C:\\Users\\Public\\lsass.dmp",
      );
    },
  },
  { // 11. The new local administrator: created at 02:41:17, added to Administrators at 02:41:39.
    table: "SecurityEvent",
    check: (rows) => {
      assert.deepEqual(rows.map((r) => num(r.EventID)), [4720, 4732]);
      assert.deepEqual(rows.map((r) => iso(r.TimeGenerated).slice(0, 19)), [
        "2026-03-12T02:41:17",
        "2026-03-12T02:41:39",
      ]);
      assert.equal(rows[0].SamAccountName, "svc-helpdesk");
      assert.equal(rows[1].TargetAccount, "Builtin\\Administrators");
      assert.ok(rows.every((r) => host(r.Computer) === "lks-ws-1042"));
    },
  },
  { // 12. The service on the file server, after adm-tom.harper's network logon from 10.20.4.42.
    table: "SecurityEvent",
    check: (rows) => {
      const svc = one(rows, (r) => r.ServiceName === "WinSysHealth", "WinSysHealth");
      assert.equal(host(svc.Computer), "lks-fs01");
      assert.equal(svc.ServiceFileName, "C:\\Windows\\Temp\\wsh.exe");
      assert.equal(svc.TargetUserName, "adm-tom.harper");
      assert.equal(svc.IpAddress, "10.20.4.42");
      assert.ok(
        iso(svc.LogonTime) >= "2026-03-12T03:05:26" &&
          iso(svc.LogonTime) <= "2026-03-12T03:05:59.000Z",
      );
      // Every row's logon is within the five minutes before its service install.
      for (const r of rows) {
        const gap = Date.parse(iso(r.TimeGenerated)) - Date.parse(iso(r.LogonTime));
        assert.ok(gap >= 0 && gap <= 300_000, `logon ${gap} ms before the install`);
      }
    },
  },
  { // 13. DNS tunnelling: 1100 queries from one client under datapipe-metrics.example.
    table: "DnsEvents",
    check: (rows) => {
      const tunnel = one(rows, (r) => r.Parent === "datapipe-metrics.example", "the tunnel");
      assert.equal(num(tunnel.Queries), 1100);
      assert.equal(num(tunnel.Clients), 1);
      // The antivirus reputation look-alike has long labels too, from every machine.
      const av = one(rows, (r) => r.Parent === "cloudav-reputation.example", "the look-alike");
      assert.ok(num(av.Clients) > 1);
      assert.ok(rows.every((r, i) => i === 0 || num(rows[i - 1].Queries) >= num(r.Queries)));
    },
  },
  { // 14. Exfiltration: 2684354560 bytes (2560 MB) from LKS-FS01 to 198.51.100.199.
    table: "CommonSecurityLog",
    check: (rows) => {
      const exfil = rows.filter((r) =>
        r.SourceIP === "10.10.1.20" && r.DestinationIP === "198.51.100.199"
      );
      assert.ok(exfil.length > 0, "the file server's uploads");
      const mb = exfil.reduce((n, r) => n + num(r.SentMB), 0);
      assert.ok(Math.abs(mb - 2684354560 / 1048576) < 1e-6, `${mb} MB`);
      assert.ok(exfil.every((r) => iso(r.TimeGenerated).startsWith("2026-03-13T0")));
      // Ordered by volume: the backup server's nightly uploads are as large, and come first.
      assert.ok(rows.every((r, i) => i === 0 || num(rows[i - 1].SentMB) >= num(r.SentMB)));
      assert.equal(rows[0].SourceIP, "10.10.1.60");
    },
  },
  { // C1. The phish reached four people, all in the inbox, one URL each.
    table: "EmailEvents",
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.RecipientEmailAddress).sort(), [
        "aisha.khan@larkspurlogistics.example",
        "graham.whitfield@larkspurlogistics.example",
        "megan.doyle@larkspurlogistics.example",
        NADIA,
      ]);
      assert.ok(rows.every((r) => r.SenderIPv4 === "198.51.100.214" && num(r.UrlCount) === 1));
      assert.equal(iso(rows[0].TimeGenerated), "2026-03-05T09:41:12.000Z");
    },
  },
  { // C2. Admin consent to DocuView Secure, beside the legitimate Adobe Acrobat Sign one.
    table: "AuditLogs",
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.App).sort(), ["Adobe Acrobat Sign", "DocuView Secure"]);
      const bad = one(rows, (r) => r.App === "DocuView Secure", "DocuView");
      assert.equal(iso(bad.TimeGenerated), "2026-03-05T10:02:39.000Z");
      assert.equal(bad.By, NADIA);
      assert.equal(bad.AdminConsent, true);
      assert.match(String(bad.Props), /Application\.ReadWrite\.All/);
    },
  },
  { // C3. 18 mailbox reads by the app, from the IPv6 address, over about 16 hours.
    table: "OfficeActivity",
    check: (rows) => {
      assert.equal(rows.length, 1);
      assert.deepEqual([rows[0].UserId, rows[0].ClientIP, num(rows[0].Events)], [
        NADIA,
        "2001:db8:5e7:1::20",
        18,
      ]);
      assert.ok(iso(rows[0].First) >= "2026-03-05T10:07:52.000Z");
      const hours = (Date.parse(iso(rows[0].Last)) - Date.parse(iso(rows[0].First))) / 3.6e6;
      assert.ok(hours > 14 && hours < 18, `${hours} h`);
    },
  },
  { // C4. The secret added to lks-infra-automation through the app, beside a routine rotation.
    table: "AuditLogs",
    check: (rows) => {
      const bad = one(rows, (r) => r.App === "lks-infra-automation", "the new secret");
      assert.equal(iso(bad.TimeGenerated), "2026-03-06T02:13:45.000Z");
      assert.deepEqual([bad.By, bad.IP], [NADIA, "203.0.113.132"]);
      assert.match(String(bad.AdditionalDetails), /7d3f5c1a-9b2e-4f68-a0d4-3c8e1b6f2a95/);
      const rotation = one(rows, (r) => r.App === "lks-backup-automation", "the rotation");
      assert.equal(iso(rotation.TimeGenerated), "2026-03-10T11:04:19.000Z");
    },
  },
  { // C5. Three GPU VMs by the service principal from the attacker's address.
    table: "AzureActivity",
    check: (rows) => {
      const bad = one(rows, (r) => r.CallerIpAddress === "203.0.113.132", "the miner");
      assert.equal(bad.Caller, "9a1d6e3b-2c7f-4a58-b0e4-6f3c8d2a1b97");
      assert.equal(String(bad.ResourceGroup).toLowerCase(), "rg-ml-training-eus");
      assert.equal(num(bad.VMs), 3);
      const first = iso(bad.First);
      assert.ok(first >= "2026-03-06T02:31:05" && first <= "2026-03-06T02:43:40.000Z", first);
      assert.ok(rows.filter((r) => r !== bad).every((r) => r.CallerIpAddress === "192.0.2.10"));
    },
  },
  { // Defender XDR tables: the intrusion's six DeviceEvents rows on LKS-WS-1042, in time order.
    table: "DeviceEvents",
    check: (rows) => {
      assert.deepEqual(
        rows.map((r) => [iso(r.TimeGenerated), r.ActionType, r.InitiatingProcessFileName]),
        [
          ["2026-03-12T01:52:10.000Z", "PowerShellCommand", "powershell.exe"],
          ["2026-03-12T01:52:11.000Z", "PowerShellCommand", "powershell.exe"],
          ["2026-03-12T01:53:31.000Z", "ScheduledTaskCreated", "schtasks.exe"],
          ["2026-03-12T02:18:57.000Z", "OpenProcessApiCall", "procdump64.exe"],
          ["2026-03-12T02:41:18.000Z", "UserAccountCreated", "net.exe"],
          ["2026-03-12T02:41:40.000Z", "UserAccountAddedToLocalGroup", "net.exe"],
        ],
      );
      assert.equal(rows[3].FileName, "lsass.exe");
      assert.match(String(rows[2].AdditionalFields), /MicrosoftEdgeUpdateTaskMachineUA-S2/);
      assert.deepEqual([rows[4].AccountName, rows[5].AccountName], [
        "svc-helpdesk",
        "svc-helpdesk",
      ]);
    },
  },
  { // Watchlist templates: the leavers' only sign-ins are the spray's 9 (3 each, 50057).
    table: "SigninLogs",
    check: (rows) => {
      const got = rows.map((r) => [r.UserPrincipalName, String(r.ResultType), num(r.Attempts)])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      assert.deepEqual(got, [
        ["anna.kowalski@larkspurlogistics.example", "50057", 3],
        ["paul.fenwick@larkspurlogistics.example", "50057", 3],
        ["steve.dunn@larkspurlogistics.example", "50057", 3],
      ]);
    },
  },
  { // More hunting tables: the phish's link reached 4 people; only Nadia clicked, from the
    // office, 23 s before her 10:02:11 sign-in to DocuView Secure (C1, C2).
    table: "EmailUrlInfo",
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.RecipientEmailAddress).sort(), [
        "aisha.khan@larkspurlogistics.example",
        "graham.whitfield@larkspurlogistics.example",
        "megan.doyle@larkspurlogistics.example",
        NADIA,
      ]);
      assert.ok(
        rows.every((r) =>
          r.Url === "https://login.docuview-secure.example/consent?doc=q1-supplier-contracts"
        ),
      );
      const clicked = one(rows, (r) => r.ActionType === "ClickAllowed", "the click");
      assert.equal(clicked.RecipientEmailAddress, NADIA);
      assert.equal(iso(clicked.ClickTime), "2026-03-05T10:01:48.000Z");
      assert.equal(clicked.IPAddress, "192.0.2.10");
    },
  },
  { // 5145 on LKS-FS01: adm-tom.harper from 10.20.4.42 writes wsh.exe through C$ (a second
    // after the 03:05:42 logon) and opens svcctl through IPC$ before the 03:05:59 install.
    table: "SecurityEvent",
    check: (rows) => {
      assert.deepEqual(rows.map((r) => [r.ShareName, r.RelativeTargetName]), [
        ["\\\\*\\C$", "Windows\\Temp\\wsh.exe"],
        ["\\\\*\\IPC$", "svcctl"],
      ]);
      assert.ok(
        rows.every((r) =>
          r.SubjectUserName === "adm-tom.harper" && r.IpAddress === "10.20.4.42" &&
          host(r.Computer) === "lks-fs01"
        ),
      );
      assert.ok(iso(rows[0].TimeGenerated) >= "2026-03-12T03:05:43");
      assert.ok(iso(rows[1].TimeGenerated) < "2026-03-12T03:05:59");
    },
  },
  { // 4663: 7-Zip (as SYSTEM, LKS-FS01$) reads the 8 staged Finance and HR files from the
    // 03:02:10 staging on 13 March, before the archive appears four minutes later (stage 14).
    table: "SecurityEvent",
    check: (rows) => {
      const r = one(rows, () => true, "the staging reads");
      assert.equal(host(r.Computer), "lks-fs01");
      assert.equal(r.SubjectUserName, "LKS-FS01$");
      assert.equal(num(r.Files), 8);
      assert.ok(iso(r.First) > "2026-03-13T03:02:10" && iso(r.Last) < "2026-03-13T03:06:10");
    },
  },
  { // Service principal sign-ins: backup daily (9 days up to the 10 March rotation, 5 after),
    // infra twice each of the 10 weekdays, all from 192.0.2.10; and once the attacker's new
    // secret from 203.0.113.132, 38 s before the 02:31:05 resource group (C5).
    table: "AADServicePrincipalSignInLogs",
    check: (rows) => {
      assert.deepEqual(
        rows.map((r) => [
          r.ServicePrincipalName,
          num(r.Signins),
          typeof r.Ips === "string" ? r.Ips : JSON.stringify(r.Ips),
        ]),
        [
          ["lks-backup-automation", 9, '["192.0.2.10"]'],
          ["lks-infra-automation", 20, '["192.0.2.10"]'],
          ["lks-infra-automation", 1, '["203.0.113.132"]'],
          ["lks-backup-automation", 5, '["192.0.2.10"]'],
        ],
      );
      assert.equal(iso(rows[2].First), "2026-03-06T02:30:27.000Z");
      assert.ok(iso(rows[3].First) > "2026-03-10T11:04:19");
    },
  },
  { // Anomalies: the attacker's address (spray source, the Brazil sign-in, the RDP logon) with
    // three anomalies of three templates; the other two spray sources one each (stages 1, 3, 6).
    table: "Anomalies",
    check: (rows) => {
      assert.deepEqual(
        rows.map((r) => [r.SourceIpAddress, num(r.Anomalies), num(r.Templates)]),
        [[ATTACKER, 3, 3], ["203.0.113.61", 1, 1], ["203.0.113.88", 1, 1]],
      );
      assert.equal(iso(rows[0].First), "2026-03-11T02:10:00.000Z");
    },
  },
];

Deno.test("the answer key's hunting queries each have their expected findings here", () => {
  assert.equal(queries.length, EXPECTED.length);
  for (const [i, query] of queries.entries()) {
    const table = query.split("\n").find((l) => !l.trim().startsWith("//"))!.trim();
    assert.equal(table, EXPECTED[i].table, `query ${i + 1} starts from another table`);
  }
});

Deno.test("every hunting query of the answer key finds what the answer key says", async (t) => {
  for (const [i, query] of queries.entries()) {
    const firstLine = query.split("\n").find((l) => !l.trim().startsWith("//")) ?? query;
    await t.step(`${i + 1}: ${firstLine.slice(0, 60)}`, async () => {
      const result = await provider.query(query);
      EXPECTED[i].check(result.frame.toRecords() as Row[]);
    });
  }
});

Deno.test("the Anomalies paragraph names as many templates as the attacker's address has", async () => {
  // By hand from the paragraph's own list: brute force, Anomalous Sign-in and Anomalous RDP
  // Login Detections all name 203.0.113.45, so three templates (the prose once said two).
  const result = await provider.query(
    `Anomalies | where SourceIpAddress == "${ATTACKER}" | summarize dcount(AnomalyTemplateName)`,
  );
  const templates = num(Object.values(result.frame.toRecords()[0] as Row)[0]);
  assert.equal(templates, 3);
  assert.ok(
    answers.includes(`${ATTACKER} is the only address with anomalies of three templates.`),
    "ANSWERS.md states the attacker's address has anomalies of three templates",
  );
});
