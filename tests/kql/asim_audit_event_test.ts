/**
 * Sentinel's ASIM audit-event parser (`imAuditEvent`, `_Im_AuditEvent`, `ASimAuditEvent`) over
 * the demo case's AzureActivity, AuditLogs and OfficeActivity (issue 16, point 3). Expected values
 * come from the demo case's answer key (fixtures/demo-case/ANSWERS.md: the inbox rule, the admin
 * consent, the crypto-mining VMs) and, for the synthetic rows, are worked out by hand from
 * Microsoft's parsers (Azure/Azure-Sentinel Parsers/ASimAuditEvent/Parsers/
 * vimAuditEventAzureAdminActivity.yaml, vimAuditEventMicrosoftEntraIDAuditLogs.yaml,
 * vimAuditEventMicrosoftExchangeAdmin365.yaml).
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, runKqlCorpus, tempFolder } from "../_helpers.ts";

async function casefileJson(kql: string): Promise<Record<string, unknown>[]> {
  const run = await runCasefile(["query", kql, "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

Deno.test("casefile query: the external forwarding rule through imAuditEvent (stage 5)", async () => {
  // ANSWERS.md stage 5: New-InboxRule named '.' forwarding to ap.remit.archive@securemail-relay.example
  // at 2026-03-11T09:31:02Z, ClientIP 203.0.113.45:50412 (address and port). Microsoft's Exchange
  // parser: the verb New is 'Create', the port is split off, the rule's parameters are NewValue.
  const out = await casefileJson(
    `imAuditEvent(newvalue_has_any = dynamic(["ap.remit.archive@securemail-relay.example"]))
    | project TimeGenerated, EventProduct, Operation, EventType, EventResult, ActorUsername, ActorUsernameType,
        SrcIpAddr, SrcPortNumber, Object, TargetAppName, Forward = NewValue has "ForwardTo"`,
  );
  assert.deepEqual(out, [{
    TimeGenerated: "2026-03-11T09:31:02Z",
    EventProduct: "Exchange 365",
    Operation: "New-InboxRule",
    EventType: "Create",
    EventResult: "Success",
    ActorUsername: "daniel.reyes@larkspurlogistics.example",
    ActorUsernameType: "UPN",
    SrcIpAddr: "203.0.113.45",
    SrcPortNumber: 50412,
    Object: "daniel.reyes@larkspurlogistics.example\\.",
    TargetAppName: "Exchange 365",
    Forward: true,
  }]);
});

Deno.test("imAuditEvent: the two admin consents, the look-alike and the malicious one (C2)", async () => {
  // ANSWERS.md C2 and its benign look-alike: nadia.brooks grants admin consent from the office
  // (192.0.2.10) to "Adobe Acrobat Sign" (2026-03-03T14:22:05Z) and to "DocuView Secure"
  // (2026-03-05T10:02:39Z); ConsentContext.IsAdminConsent True. Entra ID's 'Assign' is 'Set', a
  // service principal is a 'Cloud Resource'.
  const out = await casefileJson(
    `imAuditEvent(operation_has_any = dynamic(["Consent to application"]), actorusername_has_any = dynamic(["nadia.brooks"]))
    | project TimeGenerated, EventProduct, EventType, Object, ObjectType, ActorUsername, SrcIpAddr, NewValue
    | order by TimeGenerated asc`,
  );
  const base = {
    EventProduct: "Microsoft Entra ID",
    EventType: "Set",
    ObjectType: "Cloud Resource",
    ActorUsername: "nadia.brooks@larkspurlogistics.example",
    SrcIpAddr: "192.0.2.10",
    NewValue: '"True"',
  };
  assert.deepEqual(out, [
    { TimeGenerated: "2026-03-03T14:22:05Z", Object: "Adobe Acrobat Sign", ...base },
    { TimeGenerated: "2026-03-05T10:02:39Z", Object: "DocuView Secure", ...base },
  ]);
});

Deno.test("casefile query: the crypto-mining VMs through imAuditEvent (C5)", async () => {
  // ANSWERS.md C5: the automation app's service principal (9a1d6e3b-...) from 203.0.113.132
  // creates mlworker-01, -02, -03. AzureActivity logs each operation as Start then Success/OK;
  // Microsoft's status table: Start is a success with details 'Start', Success/OK a success. A
  // caller without '@' is an Entra object id, not a user name.
  const out = await casefileJson(
    `imAuditEvent(srcipaddr_has_any_prefix = dynamic(["203.0.113.132"]),
        operation_has_any = dynamic(["MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE"]))
    | summarize Rows = count(), VMs = make_set(tostring(split(Object, "/")[-1]))
        by EventProduct, EventType, EventResult, EventResultDetails, ActorUserId, ActorUserIdType, ActorUsername,
          ObjectType
    | extend VMs = array_sort_asc(VMs)
    | order by EventResultDetails asc`,
  );
  const base = {
    EventProduct: "Azure",
    EventType: "Set",
    EventResult: "Success",
    ActorUserId: "9a1d6e3b-2c7f-4a58-b0e4-6f3c8d2a1b97",
    ActorUserIdType: "AADID",
    ActorUsername: "",
    ObjectType: "Cloud Resource",
    Rows: 3,
    VMs: ["mlworker-01", "mlworker-02", "mlworker-03"],
  };
  assert.deepEqual(out, [
    { ...base, EventResultDetails: "" },
    { ...base, EventResultDetails: "Start" },
  ]);
});

Deno.test("imAuditEvent's parameters by position: the attacker's hour on 6 March (C4, C5)", async () => {
  // Positional: starttime, endtime, srcipaddr_has_any_prefix. Between 02:00 and 03:00 on
  // 6 March, 203.0.113.132 adds a secret to lks-infra-automation in Entra ID (C4, 02:13:45Z) and
  // deploys in Azure (C5, from 02:31:05Z).
  const out = await casefileJson(
    `imAuditEvent(datetime(2026-03-06T02:00:00Z), datetime(2026-03-06T03:00:00Z), dynamic(["203.0.113.132"]))
    | summarize First = min(TimeGenerated), Objects = make_set(Object) by EventProduct
    | extend Automation = set_has_element(Objects, "lks-infra-automation")
    | project EventProduct, First, Automation
    | order by EventProduct asc`,
  );
  assert.equal(out.length, 2, JSON.stringify(out));
  assert.equal(out[0].EventProduct, "Azure");
  assert.ok(String(out[0].First) >= "2026-03-06T02:31:05Z", String(out[0].First));
  assert.deepEqual(out[1], {
    EventProduct: "Microsoft Entra ID",
    First: "2026-03-06T02:13:45Z",
    Automation: true,
  });
});

Deno.test("ASimAuditEvent keeps every row of its sources, one column per schema field", async () => {
  const out = await casefileJson(
    `union
      (ASimAuditEvent | count | extend k = "asim"),
      (union (AzureActivity | where CategoryValue == "Administrative" | count), (AuditLogs | count),
          (OfficeActivity | where RecordType == "ExchangeAdmin" | count)
        | summarize Count = sum(Count) | extend k = "raw"),
      (imAuditEvent | getschema | where ColumnName in ("TargetDvcId", "ThreatIsActive", "ValueType", "Value")
        | count | extend k = "schema fields"),
      (imAuditEvent | getschema | where ColumnName matches regex @"_(string|long|int|real|datetime|bool|dynamic)$"
        | count | extend k = "split fields")
    | project k, Count`,
  );
  const n = Object.fromEntries(out.map((r) => [r.k, r.Count]));
  assert.ok((n.raw as number) > 300, JSON.stringify(n));
  assert.equal(n.asim, n.raw);
  assert.equal(n["schema fields"], 4);
  assert.equal(n["split fields"], 0);
});

Deno.test("imAuditEvent by hand: Azure statuses and callers, Exchange addresses, users and objects", async () => {
  const t = new Date("2026-01-01T00:00:00Z");
  const azure = pl.DataFrame({
    TimeGenerated: [t, t, t, t],
    CategoryValue: ["Administrative", "Administrative", "Administrative", "Policy"],
    OperationNameValue: [
      "MICROSOFT.STORAGE/STORAGEACCOUNTS/DELETE",
      "MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION",
      "MICROSOFT.AUTHORIZATION/POLICIES/AUDIT/ACTION",
      "MICROSOFT.RESOURCES/DEPLOYMENTS/WRITE",
    ],
    ActivityStatusValue: ["Failed", "Succeeded", "Weird", "Success"],
    ActivitySubstatusValue: ["Forbidden", "201", "", ""],
    Caller: ["amy@corp.example", "5f0c-sp", "", "amy@corp.example"],
    CallerIpAddress: ["192.0.2.7", "192.0.2.8", "", "192.0.2.9"],
    Properties_d: [
      '{"entity":"/subscriptions/s/resourceGroups/rg/providers/x/y"}',
      "{}",
      "{}",
      "{}",
    ],
    SubscriptionId: ["s", "s", "s", "s"],
    ResourceGroup: ["rg", "RG2", "rg", "rg"],
    ResourceProviderValue: ["MICROSOFT.STORAGE", "MICROSOFT.COMPUTE", "P", "P"],
    Type: ["AzureActivity", "AzureActivity", "AzureActivity", "AzureActivity"],
  });
  const { frame } = await executeKql(
    `imAuditEvent | project EventType, EventResult, EventResultDetails, EventOriginalResultDetails, EventSeverity,
        ActorUsername, ActorUserId, Object | order by EventType asc`,
    { tables: { AzureActivity: azure } },
  );
  // A numeric sub-status counts as none (Succeeded alone is a success); an unknown status is
  // 'Other'; the object is the entity, or built from subscription, group and provider.
  assert.deepEqual(frame.toRecords(), [
    {
      EventType: "Delete",
      EventResult: "Failure",
      EventResultDetails: "Unauthorized",
      EventOriginalResultDetails: "Failed [Forbidden]",
      EventSeverity: "Low",
      ActorUsername: "amy@corp.example",
      ActorUserId: "",
      Object: "/subscriptions/s/resourceGroups/rg/providers/x/y",
    },
    {
      EventType: "Execute",
      EventResult: "Success",
      EventResultDetails: "",
      EventOriginalResultDetails: "Succeeded [201]",
      EventSeverity: "Informational",
      ActorUsername: "",
      ActorUserId: "5f0c-sp",
      Object: "/subscriptions/s/resourceGroups/RG2/providers/MICROSOFT.COMPUTE/",
    },
    {
      EventType: "Execute",
      EventResult: "Other",
      EventResultDetails: "",
      EventOriginalResultDetails: "Weird",
      EventSeverity: "Informational",
      ActorUsername: "",
      ActorUserId: "",
      Object: "/subscriptions/s/resourceGroups/rg/providers/P/",
    },
  ]);
  const office = pl.DataFrame({
    TimeGenerated: [t, t, t],
    RecordType: ["ExchangeAdmin", "ExchangeAdmin", "ExchangeItem"],
    Operation: ["Set-Mailbox", "Remove-MailboxPermission", "Send"],
    ResultStatus: ["True", "False", "True"],
    ClientIP: ["[2001:db8::5]:443", "192.0.2.5", "192.0.2.6"],
    UserId: ["NT AUTHORITY\\SYSTEM (w3wp)", "amy@corp.example", "amy@corp.example"],
    OfficeObjectId: ["corp.onmicrosoft.com/Users/amy", "", ""],
    OrganizationName: ["corp.onmicrosoft.com", "corp.onmicrosoft.com", "corp.onmicrosoft.com"],
    Parameters: ['[{"Name":"Identity","Value":"amy"}]', "", ""],
    UserType: ["DcAdmin", "Regular", "Regular"],
    Type: ["OfficeActivity", "OfficeActivity", "OfficeActivity"],
  });
  const ex = await executeKql(
    `imAuditEvent | project EventType, EventResult, SrcIpAddr, SrcPortNumber, ActorUsername, ActorUsernameType,
        ActingAppName, ActorUserType, Object | order by EventType asc`,
    { tables: { OfficeActivity: office } },
  );
  assert.deepEqual(ex.frame.toRecords(), [
    {
      EventType: "Delete",
      EventResult: "Failure",
      SrcIpAddr: "192.0.2.5",
      SrcPortNumber: null,
      ActorUsername: "amy@corp.example",
      ActorUsernameType: "UPN",
      ActingAppName: "",
      ActorUserType: "",
      Object: "MailboxPermission",
    },
    {
      EventType: "Set",
      EventResult: "Success",
      SrcIpAddr: "2001:db8::5",
      SrcPortNumber: 443,
      ActorUsername: "NT AUTHORITY\\SYSTEM",
      ActorUsernameType: "Windows",
      ActingAppName: "w3wp",
      ActorUserType: "Admin",
      Object: "Users/amy",
    },
  ]);
  // eventresult and eventtype_in filter on the normalised values; the actor filter reads UserId.
  const one = async (kql: string) =>
    (await executeKql(`${kql} | count`, {
      tables: { OfficeActivity: office, AzureActivity: azure },
    }))
      .frame.toRecords()[0].Count;
  assert.equal(await one(`imAuditEvent(eventresult = "Failure")`), 2);
  assert.equal(await one(`imAuditEvent(eventtype_in = dynamic(["Execute"]))`), 2);
  // The acting app is not the actor: Microsoft's parser filters UserId, then the actor parsed
  // out of it, so 'w3wp' finds nothing.
  assert.equal(await one(`imAuditEvent(actorusername_has_any = dynamic(["w3wp"]))`), 0);
  assert.equal(await one(`imAuditEvent(actorusername_has_any = dynamic(["SYSTEM"]))`), 1);
  assert.equal(await one(`imAuditEvent(actorusername_has_any = dynamic(["5f0c-sp"]))`), 1);
  // AzureActivity has no new value: asking for one leaves only Exchange's.
  assert.equal(await one(`imAuditEvent(newvalue_has_any = dynamic(["Identity"]))`), 1);
});

// No published Azure-Sentinel hunting query or analytic rule reads imAuditEvent yet (those
// found read AzureActivity, AuditLogs or OfficeActivity directly): these are published rules'
// logic over the parser.
Deno.test("deno run scripts/kql_corpus.ts runs audit-event hunts over the demo case", async () => {
  const dir = await tempFolder({
    // "Office 365 - Rare and potentially high-risk Office operations" (Azure-Sentinel), its
    // inbox-rule operations over the normalised Exchange events, with filtering parameters.
    "inbox_rules.kql":
      `_Im_AuditEvent(operation_has_any = dynamic(["New-InboxRule", "Set-InboxRule"]), eventresult = "Success")
| summarize Rules = count() by ActorUsername, SrcIpAddr, Operation`,
    // "Microsoft Sentinel Analytics Rules Administrative Operations" (Azure-Sentinel, Azure
    // Activity solution) over the normalised operations.
    "admin_ops.kql":
      `let opValues = dynamic(["Microsoft.SecurityInsights/alertRules/write", "Microsoft.SecurityInsights/alertRules/delete"]);
imAuditEvent
| where EventProduct == "Azure" and Operation in~ (opValues)
| project TimeGenerated, ActorUsername, Operation, Object, SrcIpAddr`,
  });
  const child = await runKqlCorpus(dir);
  const text = child.stdout;
  assert.match(text, /summary: 2\/2 ran/, text + child.stderr);
});

Deno.test("imAuditEvent has the schema's original-type fields; Entra ID fills OriginalObjectType", async () => {
  // Microsoft's vimAuditEventEmpty lists OriginalObjectType, TargetOriginalAppType and
  // ActingOriginalAppType, and vimAuditEventMicrosoftEntraIDAuditLogs sets OriginalObjectType to
  // the first target's type. ANSWERS.md C2: nadia.brooks's consent to DocuView Secure, whose
  // target (AuditLogs TargetResources[0].type) is the ServicePrincipal.
  const out = await casefileJson(
    `imAuditEvent(object_has_any = dynamic(["DocuView"]))
    | where Operation == "Consent to application"
    | project ObjectType, OriginalObjectType, TargetOriginalAppType, ActingOriginalAppType`,
  );
  assert.deepEqual(out, [{
    ObjectType: "Cloud Resource",
    OriginalObjectType: "ServicePrincipal",
    TargetOriginalAppType: "",
    ActingOriginalAppType: "",
  }]);
});
