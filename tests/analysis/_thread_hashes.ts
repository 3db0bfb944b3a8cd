/**
 * Prints, as JSON, the SHA-256 of the groupBy- and join-heavy analyses over the demo case.
 * Run by rarity_test.ts under different `POLARS_MAX_THREADS`: the hashes must not change.
 *
 * @module
 */
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { pl } from "../../src/polars.ts";
import { buildProcessTree } from "../../src/analysis/process_tree.ts";
import { findBeacons } from "../../src/analysis/beaconing.ts";
import { findPasswordAttacks } from "../../src/analysis/password_attacks.ts";
import { firstSeen, rareValues } from "../../src/analysis/rarity.ts";
import { logonSessions } from "../../src/analysis/logon_sessions.ts";
import { decomposeSeries } from "../../src/analysis/anomalies.ts";
import { sha } from "../_order.ts";

const provider = await openLocalProvider();
const table = async (query: string) => (await provider.query(query)).frame;
const processes = await table("DeviceProcessEvents");
const security = await table("SecurityEvent");
const signins = await table(
  "SigninLogs | extend Country = tostring(LocationDetails.countryOrRegion)",
);
const hashes: Record<string, string> = {
  rareValues: sha(rareValues(processes, {
    entity: "DeviceName",
    value: ["InitiatingProcessFileName", "FileName"],
  })),
  firstSeen: sha(firstSeen(signins, {
    entity: "UserPrincipalName",
    value: ["Country", "AppDisplayName"],
    since: new Date("2026-03-09T00:00:00Z"),
  })),
  findBeacons: sha(findBeacons(await table("DeviceNetworkEvents"))),
  findPasswordAttacks: sha(findPasswordAttacks(await table("Syslog"))),
  logonSessions: sha(logonSessions(security)),
  processTree: sha(buildProcessTree(security.filter(pl.col("EventID").eq(4688))).frame),
  processTreeDefender: sha(buildProcessTree(processes).frame),
  decomposeSeries: sha(decomposeSeries(
    await table(
      "SigninLogs | make-series n = count() default = 0 on TimeGenerated step 1h by AppDisplayName",
    ),
  )),
};
console.log(JSON.stringify(hashes));
