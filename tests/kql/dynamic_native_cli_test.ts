/**
 * Dynamic property access and mv-expand read natively, through the front door: `casefile
 * query` (`deno run repl/main.ts`) over the bundled demo case, checked against its answer
 * key (fixtures/demo-case/ANSWERS.md, steps 3 and 4).
 */
import assert from "node:assert/strict";
import { runCasefile } from "../_helpers.ts";

async function query(kql: string): Promise<Record<string, unknown>[]> {
  const run = await runCasefile(["query", kql, "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

Deno.test("casefile query: the victim's sign-in countries read from LocationDetails", async () => {
  const rows = await query(`SigninLogs
    | where UserPrincipalName == "daniel.reyes@larkspurlogistics.example"
    | where TimeGenerated between (datetime(2026-03-11) .. 1d)
    | extend Country = tostring(LocationDetails.countryOrRegion),
        Country2 = tostring(parse_json(tostring(LocationDetails))["countryOrRegion"])
    | project TimeGenerated, IPAddress, Country, Country2, ResultType
    | order by TimeGenerated asc`);
  // ANSWERS.md step 3: the attacker from 203.0.113.45 (Sao Paulo, BR) at 09:21:44 is told
  // to register MFA (50079), and succeeds at 09:26:10; the office is 192.0.2.10, GB.
  const at = (time: string) => rows.find((r) => r.TimeGenerated === time);
  assert.deepEqual(at("2026-03-11T09:21:44Z"), {
    TimeGenerated: "2026-03-11T09:21:44Z",
    IPAddress: "203.0.113.45",
    Country: "BR",
    Country2: "BR",
    ResultType: "50079",
  });
  assert.equal(at("2026-03-11T09:26:10Z")?.Country, "BR");
  for (const r of rows.filter((r) => r.IPAddress === "192.0.2.10")) {
    assert.equal(r.Country, "GB");
    assert.equal(r.Country2, "GB");
  }
});

Deno.test("casefile query: who registered MFA, and the name's parts by mv-expand", async () => {
  // ANSWERS.md step 4: daniel.reyes@larkspurlogistics.example from 203.0.113.45.
  const rows = await query(`AuditLogs
    | where OperationName == "User registered security info"
    | extend User = tostring(InitiatedBy.user.userPrincipalName),
        Ip = tostring(InitiatedBy["user"]["ipAddress"])
    | where User startswith "daniel.reyes"
    | extend Part = split(User, "@")
    | mv-expand Part to typeof(string)
    | project User, Ip, Part`);
  assert.deepEqual(rows, [
    { User: "daniel.reyes@larkspurlogistics.example", Ip: "203.0.113.45", Part: "daniel.reyes" },
    {
      User: "daniel.reyes@larkspurlogistics.example",
      Ip: "203.0.113.45",
      Part: "larkspurlogistics.example",
    },
  ]);
});
