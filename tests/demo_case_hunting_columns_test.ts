/**
 * Real Sentinel hunting queries on the demo case through the `casefile query` command: columns
 * Microsoft documents in its 2024 table pages (and the unified IdentityInfo of the Defender
 * portal) exist, so the queries run instead of failing with "Unknown column". The queries are
 * Microsoft's (Azure/Azure-Sentinel), cut only where a time window or a placeholder needs a
 * fixed value; expected facts come from fixtures/demo-case/ANSWERS.md.
 */
import assert from "node:assert/strict";
import { runCasefile } from "./_helpers.ts";

/** Runs a query through the CLI as CSV; fails with the error text if the command fails. */
async function csv(kql: string): Promise<string[]> {
  const { code, stdout, stderr } = await runCasefile(["query", "--format", "csv", kql]);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /Unknown column/);
  return stdout.trim().split("\n");
}

Deno.test("real hunting queries find the columns Microsoft documents", async (t) => {
  await t.step("Dormant privileged identities: PrivilegedEntraPimRoles, AccountUpn", async () => {
    // Hunting Queries/SigninLogs/DormantPrivilegedIdentities.yaml, verbatim but for the
    // sign-in window (the whole case instead of the last day), and nadia.brooks's own
    // sign-ins left out so that she stays in the result.
    const lines = await csv(`
      IdentityInfo
      | where IsAccountEnabled == true
      | where isnotempty(AssignedRoles) or isnotempty(PrivilegedEntraPimRoles)
      | join kind=leftanti (
          SigninLogs
          | where ResultType == "0"
          | where UserPrincipalName != "nadia.brooks@larkspurlogistics.example"
          | project AccountObjectId = UserId
      ) on AccountObjectId
      | extend
          AccountName = tostring(split(AccountUpn, "@")[0]),
          AccountUPNSuffix = tostring(split(AccountUpn, "@")[1])
      | project
          AccountUpn, AccountName, AccountUPNSuffix, AccountDisplayName,
          BlastRadius, AssignedRoles, PrivilegedEntraPimRoles,
          Department, JobTitle
      | where AccountName == "nadia.brooks"
      | take 1`);
    assert.equal(
      lines[0],
      "AccountUpn,AccountName,AccountUPNSuffix,AccountDisplayName,BlastRadius,AssignedRoles," +
        "PrivilegedEntraPimRoles,Department,JobTitle",
    );
    // ANSWERS.md: nadia.brooks is the Global Administrator (the second incident's victim).
    assert.match(lines[1] ?? "", /^nadia\.brooks@larkspurlogistics\.example,nadia\.brooks,/);
    assert.match(lines[1], /Global Administrator/);
  });

  await t.step("Break-glass sign-ins: the BreakGlassAccounts watchlist's AccountUPN", async () => {
    // Hunting Queries/SigninLogs/BreakGlassAccountSignIn.yaml with its placeholders filled.
    const lines = await csv(`
      let BreakGlassAccounts = (
          _GetWatchlist('BreakGlassAccounts')
          | project AccountUPN = tolower(tostring(AccountUPN))
      );
      SigninLogs
      | where tolower(UserPrincipalName) in (BreakGlassAccounts)
      | project TimeGenerated, UserPrincipalName, IPAddress, ResultType,
          ConditionalAccessStatus, AuthenticationRequirement, CorrelationId`);
    // ANSWERS.md: two emergency-access accounts that never sign in.
    assert.deepEqual(lines, [
      "TimeGenerated,UserPrincipalName,IPAddress,ResultType,ConditionalAccessStatus," +
      "AuthenticationRequirement,CorrelationId",
    ]);
    const accounts = await csv("_GetWatchlist('BreakGlassAccounts') | project AccountUPN");
    assert.equal(accounts.length, 3);
  });

  await t.step("SecurityEvent's 2024 columns: Keywords, Version, EventRecordId", async () => {
    // Columns of Windows Security events added to Microsoft's page in 2024, null where the
    // agent leaves them empty; ANSWERS.md: one local account is created (4720) on the way,
    // and the service desk creates one domain account (megan.doyle, "More hunting tables").
    const lines = await csv(
      "SecurityEvent | where EventID == 4720 | project Keywords, Version, EventRecordId, " +
        "Opcode, SystemProcessId, _BilledSize, _IsBillable",
    );
    assert.equal(lines.length, 3);
  });

  await t.step("CommonSecurityLog's and SigninLogs' 2024 columns", async () => {
    const lines = await csv(
      "CommonSecurityLog | take 1 | project FieldDeviceCustomNumber1, ExtID, EventOutcome, " +
        "CollectorHostName, ReportReferenceLink | join kind=inner (SigninLogs | take 1 | " +
        "project AppliedEventListeners, AuthenticationProtocol, CrossTenantAccessType, " +
        "RiskLevel | extend k = 1) on $left.FieldDeviceCustomNumber1 == $right.k",
    );
    assert.equal(lines.length, 1);
  });
});
