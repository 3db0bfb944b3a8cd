/**
 * Review of the load-time schema check (issue 21): valid queries of a user's folder load, and
 * loading stays quick. A query may read a Sentinel table it does not declare (a join), use what
 * only the workspace has (an ASIM parser function, a custom `_CL` table), a multi-line `let`
 * with a tabular function and `union`, the standard columns (`_ItemId`, `_BilledSize`), and
 * parameters of every type; each runs on Sentinel, so none may be refused at load. A misspelt
 * Sentinel table in a join still is, at its line and column (counted by hand below).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { HuntLibraryError, loadHuntFolder } from "../../src/hunt/mod.ts";
import { REPO, run } from "../scenarios/_harness.ts";
import { tempDir } from "../_helpers.ts";

const HEAD = `name: mine
description: My own queries.
queries:
`;

const Q = (name: string, tables: string, columns: string, query: string, extra = "") =>
  `  - name: ${name}
    description: ${name}.
    tables: [${tables}]
${extra}    window: 7d
    tactics: [Credential Access]
    techniques: [T1110]
    columns: [${columns}]
    query: |
${query.trim().split("\n").map((l) => `      ${l}`).join("\n")}
`;

const VALID = [
  Q(
    "letUnion",
    "SigninLogs, AADNonInteractiveUserSignInLogs",
    "UserPrincipalName, n",
    `
let failures = (T:(UserPrincipalName:string, ResultType:string)) {
    T | where ResultType != "0"
};
union SigninLogs, AADNonInteractiveUserSignInLogs
| where TimeGenerated between ({start} .. {end})
| invoke failures()
| summarize n = count() by UserPrincipalName`,
  ),
  Q(
    "undeclaredJoin",
    "SigninLogs",
    "UserPrincipalName, Department",
    `
SigninLogs
| where TimeGenerated between ({start} .. {end})
| join kind=leftouter (IdentityInfo | project UserPrincipalName = AccountUPN, Department)
    on UserPrincipalName
| project UserPrincipalName, Department`,
  ),
  Q(
    "standardColumns",
    "SecurityEvent",
    "_ResourceId, Bytes",
    `
SecurityEvent
| where TimeGenerated between ({start} .. {end}) and _IsBillable == true and isnotempty(_ItemId)
| summarize Bytes = sum(_BilledSize) by _ResourceId`,
  ),
  Q(
    "asimParser",
    "DnsEvents",
    "DnsQuery",
    `
_Im_Dns(starttime={start}, endtime={end})
| distinct DnsQuery`,
  ),
  Q(
    "customTable",
    "SigninLogs",
    "UserPrincipalName",
    `
union isfuzzy=true SigninLogs, (MyVpn_CL | project UserPrincipalName = User_s, TimeGenerated)
| where TimeGenerated between ({start} .. {end})
| distinct UserPrincipalName`,
  ),
  Q(
    "everyType",
    "SigninLogs",
    "UserPrincipalName",
    `
SigninLogs
| where TimeGenerated between ({start} .. {end}) and TimeGenerated > {since} - {span}
| where IsInteractive == {flag} and DurationMs > {many} * {ratio}
| where IPAddress in ({addrs}) or ipv4_is_in_range(IPAddress, {addr})
| where UserPrincipalName in~ ({users}) or UserPrincipalName == {user}
| where tostring(DeviceDetail.displayName) in~ ({hosts}) or AppDisplayName has_any ({words})
| where AppDisplayName has {url} or AppDisplayName has {dom} or AppDisplayName == {hash}
| distinct UserPrincipalName`,
    `    parameters:
      since: { type: datetime, description: d. }
      span: { type: timespan, description: t. }
      flag: { type: bool, description: b. }
      ratio: { type: real, description: r. }
      many: { type: long, description: l. }
      addrs: { type: ips, description: i. }
      addr: { type: ip, description: i. }
      users: { type: accounts, description: a. }
      hosts: { type: hosts, description: h. }
      words: { type: strings, description: s. }
      user: { type: account, description: a. }
      url: { type: url, description: u. }
      dom: { type: domain, description: d. }
      hash: { type: hash, description: h. }
`,
  ),
];

// Line 4 of the query: "| join kind=inner (IdentityInfos | project ...)": the table at
// column 20; line 2 has both placeholders before it, which must not shift it.
const MISSPELT_TABLE = Q(
  "misspeltJoin",
  "SigninLogs",
  "UserPrincipalName",
  `
SigninLogs
| where TimeGenerated between ({start} .. {end})
| project UserPrincipalName
| join kind=inner (IdentityInfos | project UserPrincipalName = AccountUPN)
    on UserPrincipalName
| distinct UserPrincipalName`,
);

async function folder(text: string): Promise<string> {
  const dir = await tempDir("casefile-hunt-review-");
  await Deno.writeTextFile(join(dir, "mine.yaml"), text);
  return dir;
}

Deno.test("valid queries load: undeclared and unknown tables, parsers, let, every parameter type", async () => {
  const families = await loadHuntFolder(await folder(HEAD + VALID.join("")));
  assert.deepEqual(families[0].queries.map((q) => q.name), [
    "letUnion",
    "undeclaredJoin",
    "standardColumns",
    "asimParser",
    "customTable",
    "everyType",
  ]);
});

Deno.test("a misspelt Sentinel table in a join is still refused, at its place", async () => {
  const error = await loadHuntFolder(await folder(HEAD + MISSPELT_TABLE)).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof HuntLibraryError, `a HuntLibraryError, not ${error}`);
  assert.deepEqual(error.problems.map((p) => [p.query, p.field, p.line, p.column]), [
    ["misspeltJoin", "query", 4, 20],
  ]);
  assert.match(error.problems[0].message, /IdentityInfos.*Did you mean 'IdentityInfo'/);
});

Deno.test("queries whose columns come from the values (pivot, bag_unpack) load", async () => {
  // On Sentinel, pivot makes a Success and a Failure column and bag_unpack a city column
  // from the rows; the empty tables of the check make none, yet the queries are valid.
  const valueColumns = Q(
    "pivoted",
    "SigninLogs",
    "UserPrincipalName, Success, Failure",
    `
SigninLogs
| where TimeGenerated between ({start} .. {end})
| extend Outcome = iff(ResultType == "0", "Success", "Failure")
| evaluate pivot(Outcome, count(), UserPrincipalName)`,
  ) + Q(
    "unpacked",
    "SigninLogs",
    "UserPrincipalName, city",
    `
SigninLogs
| where TimeGenerated between ({start} .. {end})
| project UserPrincipalName, L = LocationDetails
| evaluate bag_unpack(L)
| project UserPrincipalName, city`,
  );
  const families = await loadHuntFolder(await folder(HEAD + valueColumns));
  assert.deepEqual(families[0].queries.map((q) => q.name), ["pivoted", "unpacked"]);
});

Deno.test("a saved scalar function of the workspace loads; a misspelt KQL function does not", async () => {
  // IsVip is no KQL function nor close to one: a workspace function, which runs on Sentinel.
  const saved = Q(
    "savedScalar",
    "SigninLogs",
    "UserPrincipalName",
    `
SigninLogs
| where TimeGenerated between ({start} .. {end})
| where IsVip(UserPrincipalName)
| distinct UserPrincipalName`,
  );
  const families = await loadHuntFolder(await folder(HEAD + saved));
  assert.deepEqual(families[0].queries.map((q) => q.name), ["savedScalar"]);
  // "| where strlenn(UserPrincipalName) > 3": strlenn at line 3, column 9.
  const typo = Q(
    "misspeltFunction",
    "SigninLogs",
    "UserPrincipalName",
    `
SigninLogs
| where TimeGenerated between ({start} .. {end})
| where strlenn(UserPrincipalName) > 3
| distinct UserPrincipalName`,
  );
  const error = await loadHuntFolder(await folder(HEAD + typo)).then(() => undefined, (e) => e);
  assert.ok(error instanceof HuntLibraryError, `a HuntLibraryError, not ${error}`);
  assert.deepEqual(error.problems.map((p) => [p.query, p.field, p.line, p.column]), [
    ["misspeltFunction", "query", 3, 9],
  ]);
  assert.match(error.problems[0].message, /Did you mean strlen\(\)/);
});

Deno.test({
  name: "casefile hunt list/show --library: valid queries, none with parameters, over wide tables",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // Forty queries over SecurityEvent (230 columns): each checked against its schema.
    const many = Array.from({ length: 40 }, (_, i) =>
      Q(
        `logons${i}`,
        "SecurityEvent",
        "Account, n",
        `
SecurityEvent
| where TimeGenerated between ({start} .. {end}) and EventID == ${4624 + (i % 2)}
| summarize n = count() by Account`,
      )).join("");
    const dir = await folder(HEAD + VALID.join("") + many);
    const out = await run(
      Deno.execPath(),
      ["run", "-A", "repl/main.ts", "hunt", "list", "mine", "--library", dir],
      { cwd: REPO },
    );
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^mine\.asimParser\s/m);
    assert.match(out.stdout, /^mine\.logons39\s/m);
    assert.match(out.stdout, /\(46 queries\)/);
    // A query written without `parameters:` shows in full (it crashed the listing).
    const shown = await run(
      Deno.execPath(),
      ["run", "-A", "repl/main.ts", "hunt", "show", "mine.letUnion", "--library", dir],
      { cwd: REPO },
    );
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /invoke failures\(\)/);
  },
});
