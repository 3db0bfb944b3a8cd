/**
 * The azure family of the hunting library. The demo case has no AzureActivity, so every
 * query runs on an empty table built from the Sentinel schema (the engine checks every
 * column and type), and the detections with logic in them run on a few hand-written
 * activity records whose expected hits are known by construction.
 */
import assert from "node:assert/strict";
import { FAMILY } from "../../src/hunt/library/_azure.ts";
import type { HuntQuery } from "../../src/hunt/types.ts";
import { DEMO_NOW, runOnEmptySchemas, substitute } from "./_family_check.ts";
import { runKql } from "../../src/kql/mod.ts";
import { SENTINEL_SCHEMAS } from "../../src/schema/mod.ts";
import { polarsTypeOf } from "../../src/schema/types.ts";
import { pl } from "../../src/polars.ts";

function query(name: string): HuntQuery {
  const found = FAMILY.queries.find((q) => q.name === name);
  assert.ok(found, `no query ${name} in the azure family`);
  return found;
}

const SUB = "/subscriptions/0000/resourcegroups/rg-prod/providers";

/** Activity records as Sentinel stores them; unset columns are empty. */
function activity(records: Record<string, unknown>[]) {
  const schema = SENTINEL_SCHEMAS.AzureActivity;
  return pl.DataFrame(schema.columns.map((c) => {
    const values = records.map((r) => {
      const v = r[c.name];
      if (v === undefined) return c.type === "string" ? "" : null;
      if (c.type === "dynamic") return JSON.stringify(v);
      if (c.type === "datetime") return new Date(String(v));
      return v;
    });
    return pl.Series(c.name, values, polarsTypeOf(c.type));
  }));
}

async function runOn(q: HuntQuery, records: Record<string, unknown>[], values = {}) {
  const frame = await runKql(substitute(q, values), {
    tables: { AzureActivity: activity(records) },
    schemas: { AzureActivity: SENTINEL_SCHEMAS.AzureActivity },
    now: DEMO_NOW,
  });
  assert.deepEqual(frame.columns, [...q.columns]);
  return frame.toRecords() as Record<string, unknown>[];
}

function write(time: string, operation: string, extra: Record<string, unknown> = {}) {
  return {
    TimeGenerated: time,
    OperationNameValue: operation,
    ActivityStatusValue: "Success",
    Caller: "mallory@contoso.example",
    CallerIpAddress: "203.0.113.45",
    ResourceGroup: "rg-prod",
    ...extra,
  };
}

Deno.test("azure: every query parses and type-checks against the AzureActivity schema", async (t) => {
  assert.equal(FAMILY.name, "azure");
  for (const q of FAMILY.queries) {
    await t.step(q.name, async () => {
      await runOnEmptySchemas(q, {
        caller: "mallory@contoso.example",
        ip: "203.0.113.45",
        resourceGroup: "rg-prod",
      });
    });
  }
});

Deno.test("azure: an inbound allow-any rule is reported, a restricted one is not", async () => {
  const rule = (name: string, source: string, access = "Allow") =>
    write(
      "2026-03-14T10:00:00Z",
      "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE",
      {
        _ResourceId: `${SUB}/microsoft.network/networksecuritygroups/nsg-web/securityrules/${name}`,
        Properties_d: {
          requestbody: JSON.stringify({
            properties: {
              access,
              direction: "Inbound",
              sourceAddressPrefix: source,
              destinationPortRange: "3389",
            },
          }),
        },
      },
    );
  const found = await runOn(query("nsgRulesOpenedToInternet"), [
    rule("open-rdp", "*"),
    rule("office-rdp", "192.0.2.10/32"),
    rule("deny-all", "*", "Deny"),
  ]);
  assert.deepEqual(found.map((r) => [r.Rule, r.Source, r.Ports]), [["open-rdp", "*", "3389"]]);
});

Deno.test("azure: a role assignment shows the principal, role and scope", async () => {
  const found = await runOn(query("roleAssignmentWrites"), [
    write("2026-03-14T11:00:00Z", "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE", {
      Properties_d: {
        requestbody: JSON.stringify({
          Id: "a1",
          Properties: {
            PrincipalId: "p-123",
            PrincipalType: "ServicePrincipal",
            RoleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/owner",
            Scope: "/subscriptions/0000",
          },
        }),
      },
    }),
    write("2026-03-14T11:05:00Z", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE"),
  ]);
  assert.deepEqual(found.map((r) => [r.PrincipalId, r.PrincipalType, r.Scope]), [
    ["p-123", "ServicePrincipal", "/subscriptions/0000"],
  ]);
});

Deno.test("azure: deletions and run commands are counted per caller and VM", async () => {
  const records = [
    write("2026-03-14T12:00:00Z", "MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE", {
      _ResourceId: `${SUB}/microsoft.compute/virtualmachines/vm-a`,
    }),
    write("2026-03-14T12:01:00Z", "MICROSOFT.STORAGE/STORAGEACCOUNTS/DELETE", {
      _ResourceId: `${SUB}/microsoft.storage/storageaccounts/backups`,
    }),
    write("2026-03-14T12:02:00Z", "MICROSOFT.STORAGE/STORAGEACCOUNTS/DELETE", {
      ActivityStatusValue: "Failure",
    }),
    write("2026-03-14T12:03:00Z", "MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION", {
      _ResourceId: `${SUB}/microsoft.compute/virtualmachines/vm-b`,
    }),
  ];
  const deletions = await runOn(query("resourceDeletions"), records, { caller: "" });
  assert.deepEqual(deletions.map((r) => [r.Caller, r.Deletions]), [["mallory@contoso.example", 2]]);
  const runs = await runOn(query("vmRunCommands"), records, { caller: "" });
  assert.deepEqual(runs.map((r) => r.VirtualMachine), ["vm-b"]);
});
