/**
 * Microsoft Sentinel's watchlist templates in the demo case (issue 16): hunting queries call
 * `_GetWatchlist('TerminatedEmployees')`, `'ServiceAccounts'`, `'NetworkAddresses'` and
 * `'IdentityCorrelation'`, and the case serves each with the template's columns.
 *
 * Expected values, written by hand from independent sources: the column lists of "Microsoft
 * Sentinel built-in watchlist template schemas" (MicrosoftDocs/azure-docs
 * `articles/sentinel/watchlist-schemas.md`), the answer key (fixtures/demo-case/ANSWERS.md,
 * stage 1: 9 attempts with ResultType 50057 on disabled leavers), the HR export's leavers
 * (`EmploymentStatus` Leaver) and the org's networks.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ManifestExternal, readManifest } from "../src/data/manifest.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));
// A generated copy can be checked before it is committed (as the planted-bug runs did).
const CASE = Deno.env.get("CASEFILE_DEMO_CASE_UNDER_TEST") ?? join(REPO, "fixtures", "demo-case");
const DOMAIN = "@larkspurlogistics.example";

/**
 * Each template's fields as the docs page lists them, in its order, and the field the case
 * puts first (the search key `_GetWatchlist` serves as SearchKey).
 */
const TEMPLATES: Record<string, { key: string; fields: string[] }> = {
  TerminatedEmployees: {
    key: "User Principal Name",
    fields: [
      "User Identifier",
      "User AAD Object Id",
      "User On-Prem Sid",
      "User Principal Name",
      "UserState",
      "Notification date",
      "Termination date",
      "Tags",
    ],
  },
  ServiceAccounts: {
    key: "Service Principal Name",
    fields: [
      "Service Identifier",
      "Service AAD Object Id",
      "Service On-Prem Sid",
      "Service Principal Name",
      "Owner User Identifier",
      "Owner User AAD Object Id",
      "Owner User On-Prem Sid",
      "Owner User Principal Name",
      "Tags",
    ],
  },
  NetworkAddresses: {
    key: "IP Subnet",
    fields: ["IP Subnet", "Range Name", "Tags"],
  },
  IdentityCorrelation: {
    key: "User Principal Name",
    fields: [
      "User Identifier",
      "User AAD Object Id",
      "User On-Prem Sid",
      "User Principal Name",
      "Employee Id",
      "Email",
      "Associated Privileged Account ID",
      "Associated Privileged Account",
      "Tags",
    ],
  },
};

/** The HR export's leavers (EmploymentStatus Leaver), with their LeaveDate. */
const LEAVERS: Record<string, string> = {
  "paul.fenwick": "2026-01-30",
  "anna.kowalski": "2026-02-13",
  "steve.dunn": "2026-02-27",
  "ava.robinson": "2026-02-20",
  "martin.mistry": "2026-02-20",
  "martin.stewart": "2026-02-20",
  "fatima.edwards": "2026-02-20",
};

Deno.test("each template is in manifest.json and serves the documented columns", async () => {
  const manifest = await readManifest(CASE);
  assert.ok(manifest);
  for (const [alias, { key, fields }] of Object.entries(TEMPLATES)) {
    const snake = alias.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
    const entry: ManifestExternal | undefined = manifest.external.find((e) => e.name === snake);
    assert.ok(entry, `${snake} is not in manifest.json`);
    assert.equal(entry.file, `watchlists/${snake}.csv`);
    const rows = await casefileJson(`_GetWatchlist('${alias}') | take 1`);
    assert.equal(rows.length, 1, `${alias} is empty`);
    const columns = Object.keys(rows[0]);
    assert.deepEqual(columns, [key, ...fields.filter((f) => f !== key), "SearchKey"], alias);
    assert.equal(rows[0].SearchKey, rows[0][key]);
  }
});

Deno.test("casefile query: TerminatedEmployees holds HR's leavers, terminated on their leave date", async () => {
  const count = await casefileJson("_GetWatchlist('TerminatedEmployees') | count");
  assert.deepEqual(count, [{ Count: Object.keys(LEAVERS).length }]);
  const rows = await casefileJson(
    "_GetWatchlist('TerminatedEmployees') | project SearchKey, UserState, ['Termination date'] " +
      "| order by SearchKey asc",
  );
  const expected = Object.entries(LEAVERS)
    .map(([sam, date]) => ({
      SearchKey: sam + DOMAIN,
      UserState: "Terminated",
      "Termination date": date,
    }))
    .sort((a, b) => a.SearchKey < b.SearchKey ? -1 : 1);
  assert.deepEqual(
    rows.map((r) => ({ ...r, "Termination date": String(r["Termination date"]).slice(0, 10) })),
    expected,
  );
});

Deno.test("casefile query: leavers' sign-ins, joined to TerminatedEmployees, are the spray's 50057s", async () => {
  const rows = await casefileJson(
    "SigninLogs | join kind=inner (_GetWatchlist('TerminatedEmployees') " +
      "| project UserPrincipalName = SearchKey) on UserPrincipalName " +
      "| summarize Attempts = count(), Ips = make_set(IPAddress) by UserPrincipalName, ResultType " +
      "| order by UserPrincipalName asc",
  );
  // ANSWERS.md stage 1: 9 attempts with 50057 (disabled leavers), one round from each of
  // 203.0.113.61, 203.0.113.88 and 203.0.113.45; nothing else from leavers.
  const spray = ["203.0.113.45", "203.0.113.61", "203.0.113.88"];
  assert.deepEqual(
    rows.map((r) => ({ ...r, Ips: (r.Ips as string[]).toSorted() })),
    ["anna.kowalski", "paul.fenwick", "steve.dunn"].map((sam) => ({
      UserPrincipalName: sam + DOMAIN,
      ResultType: "50057",
      Attempts: 3,
      Ips: spray,
    })),
  );
});

Deno.test("casefile query: ServiceAccounts lists the case's service accounts, not the intruder's", async () => {
  const rows = await casefileJson(
    "_GetWatchlist('ServiceAccounts') | project SearchKey, Sid = ['Service On-Prem Sid'], " +
      "Owner = ['Owner User Principal Name'] | order by SearchKey asc",
  );
  assert.deepEqual(rows.map((r) => r.SearchKey), [
    "svc-backup" + DOMAIN,
    "svc-inventory" + DOMAIN,
    "svc-scan" + DOMAIN,
    "svc-wms" + DOMAIN,
  ]);
  assert.ok(rows.every((r) => String(r.Owner).endsWith(DOMAIN)));
  // The on-premises accounts' SIDs are the ones their logons carry in SecurityEvent.
  const logons = await casefileJson(
    "SecurityEvent | where EventID == 4624 and TargetUserName in ('svc-backup', 'svc-inventory') " +
      "| distinct TargetUserName, TargetUserSid | order by TargetUserName asc",
  );
  assert.deepEqual(logons, [
    { TargetUserName: "svc-backup", TargetUserSid: rows[0].Sid },
    { TargetUserName: "svc-inventory", TargetUserSid: rows[1].Sid },
  ]);
  // svc-helpdesk, the local administrator the intruder created, is not a known service account.
  const unknown = await casefileJson(
    "DeviceEvents | where ActionType == 'UserAccountCreated' " +
      "| where strcat(AccountName, '" + DOMAIN + "') !in ((_GetWatchlist('ServiceAccounts') " +
      "| project SearchKey)) | distinct AccountName",
  );
  assert.deepEqual(unknown, [{ AccountName: "svc-helpdesk" }]);
});

Deno.test("casefile query: NetworkAddresses places the victim's workstation and the servers", async () => {
  const rows = await casefileJson(
    "_GetWatchlist('NetworkAddresses') | project SearchKey, ['Range Name'] | order by SearchKey asc",
  );
  const ranges = new Map(rows.map((r) => [r.SearchKey as string, r["Range Name"] as string]));
  // ANSWERS.md: the victim's workstation LKS-WS-1042 is 10.20.4.42; LKS-FS01 is 10.10.1.20.
  const hit = await casefileJson(
    "print Ip = '10.20.4.42', Fs = '10.10.1.20' | extend Subnets = toscalar(" +
      "_GetWatchlist('NetworkAddresses') | summarize make_list(SearchKey)) " +
      "| mv-expand Subnet = Subnets to typeof(string) " +
      "| extend InWs = ipv4_is_in_range(Ip, Subnet), InFs = ipv4_is_in_range(Fs, Subnet) " +
      "| where InWs or InFs | project Subnet, InWs, InFs | order by Subnet asc",
  );
  assert.deepEqual(hit, [
    { Subnet: "10.10.1.0/24", InWs: false, InFs: true },
    { Subnet: "10.20.0.0/16", InWs: true, InFs: false },
  ]);
  assert.equal(ranges.get("10.10.1.0/24"), "Server LAN");
  assert.equal(ranges.get("10.20.0.0/16"), "Workstation LAN");
  assert.equal(ranges.get("10.10.2.0/24"), "DMZ");
});

Deno.test("casefile query: IdentityCorrelation ties IT staff to their adm- accounts", async () => {
  const rows = await casefileJson(
    "_GetWatchlist('IdentityCorrelation') | project SearchKey, " +
      "Admin = ['Associated Privileged Account'], AdminSid = ['Associated Privileged Account ID']",
  );
  const tom = rows.find((r) => r.SearchKey === "tom.harper" + DOMAIN);
  assert.ok(tom, "tom.harper (Senior Systems Administrator) is missing");
  assert.equal(tom.Admin, "adm-tom.harper@corp.larkspurlogistics.example");
  // The adm- account's SID is the one its logons carry.
  const sids = await casefileJson(
    "SecurityEvent | where EventID == 4624 and TargetUserName == 'adm-tom.harper' " +
      "| distinct TargetUserSid",
  );
  assert.deepEqual(sids, [{ TargetUserSid: tom.AdminSid }]);
});

/** `casefile query <kql> --format json` on the demo case, as a person runs it. */
async function casefileJson(kql: string): Promise<Record<string, unknown>[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "repl/main.ts", "query", kql, "--format", "json", "--data", CASE],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
