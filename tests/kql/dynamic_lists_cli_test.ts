/**
 * Arrays kept as Polars lists (`split`, its `mv-expand` with an item index, `array_length`,
 * `a[i]`), through the front door: `casefile query` (`deno run repl/main.ts`) over the
 * bundled demo case, checked against its answer key (fixtures/demo-case/ANSWERS.md, stages
 * 1 and 5).
 */
import assert from "node:assert/strict";
import { runCasefile } from "../_helpers.ts";

async function query(kql: string): Promise<Record<string, unknown>[]> {
  const run = await runCasefile(["query", kql, "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

Deno.test("casefile query: the spray's sources by the last octet of their addresses", async () => {
  // ANSWERS.md stage 1: 486 attempts over IMAP4 (BAV2ROPC) from 203.0.113.61, .88 and .45,
  // one round each against 162 account names.
  const rows = await query(`SigninLogs
    | where TimeGenerated between (datetime(2026-03-11T02:10:00Z) .. datetime(2026-03-11T03:47:29Z))
    | where ClientAppUsed == "IMAP4" and UserAgent == "BAV2ROPC"
    | extend Octets = split(IPAddress, ".")
    | mv-expand with_itemindex = i Octets
    | where i == 3
    | summarize Attempts = count() by Last = tostring(Octets)
    | order by Last asc`);
  assert.deepEqual(rows, [
    { Last: "45", Attempts: 162 },
    { Last: "61", Attempts: 162 },
    { Last: "88", Attempts: 162 },
  ]);
});

Deno.test("casefile query: the inbox rule's client address and port by split", async () => {
  // ANSWERS.md stage 5: New-InboxRule at 2026-03-11T09:31:02Z, ClientIP 203.0.113.45:50412.
  const rows = await query(`OfficeActivity
    | where Operation == "New-InboxRule" and TimeGenerated == datetime(2026-03-11T09:31:02Z)
    | extend Parts = split(ClientIP, ":")
    | mv-expand with_itemindex = i Parts
    | project i, Part = tostring(Parts), Count = array_length(split(ClientIP, ":")),
        Ip = tostring(split(ClientIP, ":")[0]), Port = toint(split(ClientIP, ":")[-1])`);
  assert.deepEqual(rows, [
    { i: 0, Part: "203.0.113.45", Count: 2, Ip: "203.0.113.45", Port: 50412 },
    { i: 1, Part: "50412", Count: 2, Ip: "203.0.113.45", Port: 50412 },
  ]);
});
