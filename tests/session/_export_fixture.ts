/** A session over the demo case with every kind of step, for the export tests. */
import assert from "node:assert/strict";
import { openSession, type Session } from "../../src/session/session.ts";
import { kql } from "../../src/session/kql_template.ts";
import { param } from "../../src/session/params.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { tempFolder } from "../_helpers.ts";

/** The spray sources of the demo case's ANSWER_KEY (each failed over 20+ accounts). */
export const SPRAY_IPS = ["203.0.113.45", "203.0.113.61", "203.0.113.88"];

/**
 * Builds session "spray" under a fresh home:
 * 1 spray (query, timespan parameter; a finding), 2 recent (query with ago(), now pinned
 * to 2026-03-12T06:00Z), 3 wide (dead end), 4 broken (failed), 5 top (function code),
 * 6 count (source text code), 7 odd (query with a literal needing rawKql), 8 analyst
 * (recorded value).
 */
export async function demoSession(name = "spray"): Promise<{ session: Session; home: string }> {
  const home = await tempFolder();
  const session = await openSession(name, {
    home,
    provider: await openLocalProvider(),
    params: {
      window: param.timerange({
        default: "2026-03-11..2026-03-12",
        description: "the day of the spray",
      }),
      code: param.string({ default: "50126", description: "the failure code <b>" }),
      minAccounts: param.number(20),
    },
  });
  const spray = await session.query(
    "spray",
    kql`SigninLogs
| where ResultType == ${session.params.code}
| summarize Failures = count(), Accounts = dcount(UserPrincipalName) by IPAddress
| where Accounts >= ${session.params.minAccounts}
| order by IPAddress asc`,
    { timespan: session.params.window },
  );
  assert.deepEqual(spray.getColumn("IPAddress").toArray(), SPRAY_IPS);
  await session.query(
    "recent",
    kql`SigninLogs | where TimeGenerated > ago(1d) | summarize n = count() by ResultType | order by ResultType asc`,
    { now: new Date("2026-03-12T06:00:00Z") },
  );
  await session.query("wide", "SigninLogs | take 5");
  await session.mark("wide", "dead-end", "nothing there");
  await assert.rejects(session.query("broken", "NoSuchTable | take 1"));
  await session.run(
    "top",
    ({ spray }) => spray.select("IPAddress", "Failures").sort("Failures", true).head(2),
  );
  await session.run("count", "spray.height");
  await session.query(
    "odd",
    kql`SigninLogs | where UserPrincipalName != ${"o`dd${x}\\"} | count`,
  );
  await session.record("analyst", { name: "<script>alert(1)</script>" });
  await session.mark("spray", "finding", "Three IPs sprayed <script>x</script> 20+ accounts");
  return { session, home };
}
