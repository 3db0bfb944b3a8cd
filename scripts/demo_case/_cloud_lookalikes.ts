/**
 * The cloud incident's benign look-alikes: a legitimate admin consent, a routine secret
 * rotation and a normal VM deployment, each shaped like its malicious counterpart in
 * `_cloud_attack.ts` but from the office, by the usual people, to known apps.
 *
 * @module
 */
import { CLOUD_ANSWER_KEY, CLOUD_TIMES as C } from "./_cloud_attack.ts";
import { SECOND } from "./_clock.ts";
import { azureActivityRows, behaviorRow } from "./_cloud_rows.ts";
import { consentAuditRows, EDGE_UA } from "./_consent.ts";
import { auditRow, byUser } from "./_identity.ts";
import { ORG, type Organisation } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";

/** The cloud incident's benign look-alikes, from their own random stream; rows by table. */
export function cloudLookalikeRows(org: Organisation, seed: string): Map<string, Row[]> {
  const rows = new Map<string, Row[]>();
  const add = (table: string, row: Row) => {
    let list = rows.get(table);
    if (!list) rows.set(table, list = []);
    list.push(row);
  };
  const rng = new Prng(`${seed}/cloud-lookalikes`);
  const nadia = org.byUpn.get(CLOUD_ANSWER_KEY.lookalikes.consent.by)!;
  const aisha = org.byUpn.get(CLOUD_ANSWER_KEY.lookalikes.vm.by)!;
  for (
    const row of consentAuditRows(rng, C.lookalikeConsent, nadia, ORG.egress.london, {
      name: CLOUD_ANSWER_KEY.lookalikes.consent.app,
      appId: "1ecd8c8f-3ce0-4b8e-9a10-6b4c7a8f0e25",
      sp: "b6f0a3d2-8c41-4e7a-9d25-3a1e6c8b0f74",
    }, "User.Read Files.Read.All offline_access")
  ) add("AuditLogs", row);
  add(
    "AuditLogs",
    auditRow({
      time: C.lookalikeSecret,
      activity: CLOUD_ANSWER_KEY.servicePrincipalSecret.activity,
      category: "ApplicationManagement",
      service: "Core Directory",
      operationType: "Update",
      initiatedBy: byUser(aisha, ORG.egress.london),
      target: {
        id: "6b2f9e4a-1d7c-4a38-8e05-c3f1a9d7b264",
        type: "Application" as const,
        name: "lks-backup-automation",
        upn: null,
        modified: [{
          displayName: "KeyDescription",
          oldValue:
            `["[KeyIdentifier=${rng.guid()},KeyType=Password,KeyUsage=Verify,DisplayName=2025-Q4]"]`,
          newValue:
            `["[KeyIdentifier=${rng.guid()},KeyType=Password,KeyUsage=Verify,DisplayName=2026-Q1]"]`,
        }],
      },
      details: [["User-Agent", EDGE_UA], ["AppId", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"]],
      correlationId: rng.guid(),
      idSuffix: rng.hex(8).toUpperCase(),
    }),
  );
  const claims = {
    upn: aisha.upn,
    oid: aisha.objectId,
    appid: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
    ipaddr: ORG.egress.london,
  };
  const vm = CLOUD_ANSWER_KEY.lookalikes.vm;
  const steps: [number, string, string, string, Record<string, unknown>][] = [
    [
      -50,
      "Microsoft.Network/networkInterfaces/write",
      "Create or Update Network Interface",
      `providers/Microsoft.Network/networkInterfaces/${vm.name}-nic`,
      {},
    ],
    [
      0,
      "Microsoft.Compute/virtualMachines/write",
      "Create or Update Virtual Machine",
      `providers/Microsoft.Compute/virtualMachines/${vm.name}`,
      {
        vmSize: "Standard_D4s_v5",
        location: vm.region,
        imageReference: "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest",
      },
    ],
    [
      300,
      "Microsoft.Compute/virtualMachines/extensions/write",
      "Create or Update Virtual Machine Extension",
      `providers/Microsoft.Compute/virtualMachines/${vm.name}/extensions/MDE.Windows`,
      {
        publisher: "Microsoft.Azure.AzureDefenderForServers",
        type: "MDE.Windows",
      },
    ],
  ];
  for (const [offset, operation, operationName, resource, properties] of steps) {
    for (
      const row of azureActivityRows({
        time: C.lookalikeVm + offset * SECOND,
        operation,
        operationName,
        resourceGroup: "rg-larkspur-servers",
        resource,
        caller: aisha.upn,
        callerIp: ORG.egress.london,
        claims,
        properties,
        correlationId: rng.guid(),
        eventIds: [rng.guid(), rng.guid()],
      })
    ) add("AzureActivity", row);
  }
  add(
    "BehaviorAnalytics",
    behaviorRow({
      time: C.lookalikeVm,
      user: aisha,
      source: "Azure",
      activityType: "ResourceManagement",
      actionType: "Create or Update Virtual Machine",
      ip: ORG.egress.london,
      country: "GB",
      city: "London",
      priority: 1,
      insights: { FirstTimeUserPerformedAction: false, ActionUncommonlyPerformedAmongPeers: false },
      recordId: rng.guid(),
    }),
  );
  return rows;
}
