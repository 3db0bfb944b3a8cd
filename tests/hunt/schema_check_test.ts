/**
 * A user's folder of queries is checked against the Sentinel schemas as it loads: a column
 * the table does not have, a type mismatch, or output columns other than the declared ones
 * are named by file, family, query and field (and the line and column in the query as
 * written, not in its substituted text), at load rather than at the first run; through the
 * command line too. Positions are counted by hand in the YAML below.
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

// Line 3 of the query: "| where TimeGenerated between ({start} .. {end}) and ResultTyp != 0"
// puts ResultTyp at column 54 of the text as written ({start} and {end} are 7 and 5 long;
// substituted, each is a longer datetime(...) literal).
const SHIFTED = `  - name: misspeltAfterWindow
    description: Failures, with a column misspelt after the window placeholders.
    tables: [SigninLogs]
    window: 7d
    tactics: [Credential Access]
    techniques: [T1110]
    columns: [UserPrincipalName]
    query: |
      SigninLogs
      | project TimeGenerated, UserPrincipalName, ResultType
      | where TimeGenerated between ({start} .. {end}) and ResultTyp != "0"
      | distinct UserPrincipalName
`;

// "| summarize Failures = count() by UserPrincipleName": column 35 of line 3.
const TYPO = `  - name: typoColumn
    description: Failures by a misspelt user column.
    tables: [SigninLogs]
    parameters:
      minFailures: { type: long, description: Fewest failures., default: 5 }
    window: 7d
    tactics: [Credential Access]
    techniques: [T1110]
    columns: [UserPrincipalName, Failures]
    query: |
      SigninLogs
      | where TimeGenerated between ({start} .. {end}) and ResultType != "0"
      | summarize Failures = count() by UserPrincipleName
      | where Failures >= {minFailures}
`;

const WRONG_COLUMNS = `  - name: wrongColumns
    description: Failures by user, with the output columns declared wrong.
    tables: [SigninLogs]
    window: 7d
    tactics: [Credential Access]
    techniques: [T1110]
    columns: [UserPrincipalName, Count]
    query: |
      SigninLogs
      | where TimeGenerated between ({start} .. {end}) and ResultType != "0"
      | summarize Failures = count() by UserPrincipalName
`;

// A table the demo case does not have (AADServicePrincipalSignInLogs): checked against its
// Sentinel schema. "ServicePrincipalName" is its column; "ServicePrincipleName" (line 3,
// column 9) is not.
const OTHER_TABLE = `  - name: automationSignIns
    description: Sign-ins of automation service principals.
    tables: [AADServicePrincipalSignInLogs]
    window: 7d
    tactics: [Initial Access]
    techniques: [T1078.004]
    columns: [ServicePrincipalName, IPAddress]
    query: |
      AADServicePrincipalSignInLogs
      | where TimeGenerated between ({start} .. {end})
      | where ServicePrincipleName has "automation"
      | project ServicePrincipalName, IPAddress
`;

const GOOD = `  - name: vipSignIns
    description: Sign-ins of the VIP watchlist's people (checked when it runs).
    tables: [SigninLogs]
    window: 7d
    tactics: []
    techniques: []
    columns: [UserPrincipalName]
    query: |
      SigninLogs
      | where TimeGenerated between ({start} .. {end})
      | where UserPrincipalName in ((_GetWatchlist('VIPUsers') | project SearchKey))
      | distinct UserPrincipalName
  - name: failuresByUser
    description: Failures by user, declared right.
    tables: [SigninLogs]
    window: 7d
    tactics: [Credential Access]
    techniques: [T1110]
    columns: [UserPrincipalName, Failures]
    query: |
      SigninLogs
      | where TimeGenerated between ({start} .. {end}) and ResultType != "0"
      | summarize Failures = count() by UserPrincipalName
`;

async function folder(text: string): Promise<string> {
  const dir = await tempDir("casefile-hunt-schema-");
  await Deno.writeTextFile(join(dir, "mine.yaml"), text);
  return dir;
}

Deno.test("a user's folder: unknown columns and wrong output columns are named at load", async () => {
  const dir = await folder(HEAD + SHIFTED + TYPO + WRONG_COLUMNS + OTHER_TABLE + GOOD);
  const error = await loadHuntFolder(dir).then(() => undefined, (e) => e);
  assert.ok(error instanceof HuntLibraryError, `a HuntLibraryError, not ${error}`);
  const file = join(dir, "mine.yaml");
  const got = error.problems.map((p) => [p.source, p.family, p.query, p.field, p.line, p.column]);
  assert.deepEqual(got, [
    [file, "mine", "misspeltAfterWindow", "query", 3, 54],
    [file, "mine", "typoColumn", "query", 3, 35],
    [file, "mine", "wrongColumns", "columns", undefined, undefined],
    [file, "mine", "automationSignIns", "query", 3, 9],
  ]);
  assert.match(error.problems[1].message, /UserPrincipleName.*Did you mean 'UserPrincipalName'/);
  assert.match(error.problems[2].message, /returns UserPrincipalName, Failures; .* Count/);
  assert.match(error.problems[3].message, /AADServicePrincipalSignInLogs.*ServicePrincipleName/);
});

Deno.test("a well-formed folder (with a watchlist query) loads", async () => {
  const families = await loadHuntFolder(await folder(HEAD + GOOD));
  assert.deepEqual(families[0].queries.map((q) => q.name), ["vipSignIns", "failuresByUser"]);
});

Deno.test({
  name: "casefile hunt --library: a folder with an unknown column is refused with its place",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await folder(HEAD + TYPO);
    const out = await run(
      Deno.execPath(),
      ["run", "-A", "repl/main.ts", "hunt", "list", "--library", dir],
      { cwd: REPO },
    );
    assert.equal(out.code, 1, out.stdout);
    assert.match(
      out.stderr,
      /mine\.yaml: family mine, query typoColumn, field query, line 3, column 35: .*UserPrincipleName/,
    );
    assert.doesNotMatch(out.stderr, /\n\s+at /, "no stack trace");
  },
});
