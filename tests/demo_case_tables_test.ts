/**
 * The standard Defender XDR tables hunting queries read (issue 16): DeviceInfo, DeviceEvents,
 * DeviceImageLoadEvents, AlertInfo and AlertEvidence are in the demo case with Microsoft's
 * documented columns, ordinary rows inside the case window, and the intrusion's traces.
 *
 * Expected values: the column lists of Microsoft's table reference pages (AlertInfo's written
 * out by hand from azure-reference-other `alertinfo-include.md`; the others from the catalog's
 * documented text, which cites its page), and the answer key (fixtures/demo-case/ANSWERS.md:
 * stage times, the alert names and times, the implant and tool names), copied by hand.
 */
import assert from "node:assert/strict";
import { SENTINEL_TABLE_COLUMNS } from "../src/schema/_sentinel_tables.ts";
import { casefileJson, catalogPairs, checkDocumentedColumns } from "./_demo_tables.ts";

const NEW_TABLES = [
  "DeviceInfo",
  "DeviceEvents",
  "DeviceImageLoadEvents",
  "AlertInfo",
  "AlertEvidence",
];

Deno.test("each new table has exactly Microsoft's documented columns, with their types", async () => {
  await checkDocumentedColumns(NEW_TABLES);
});

Deno.test("AlertInfo's columns are the ones on Microsoft's page (written out by hand)", () => {
  const catalog = SENTINEL_TABLE_COLUMNS.find((t) => t.name === "AlertInfo")!;
  assert.deepEqual(catalogPairs(catalog.documented), [
    ["AlertId", "string"],
    ["AttackTechniques", "string"],
    ["_BilledSize", "real"],
    ["Category", "string"],
    ["DetectionSource", "string"],
    ["_IsBillable", "string"],
    ["ServiceSource", "string"],
    ["Severity", "string"],
    ["SourceSystem", "string"],
    ["TenantId", "string"],
    ["TimeGenerated", "datetime"],
    ["Title", "string"],
    ["Type", "string"],
  ]);
});

Deno.test("casefile query: the intrusion's traces in DeviceEvents and DeviceImageLoadEvents", async () => {
  const events = await casefileJson(
    'DeviceEvents | where DeviceName startswith "lks-ws-1042" and ActionType in ' +
      '("PowerShellCommand", "ScheduledTaskCreated", "OpenProcessApiCall", ' +
      '"UserAccountCreated", "UserAccountAddedToLocalGroup") ' +
      "| project T = format_datetime(TimeGenerated, 'yyyy-MM-ddTHH:mm:ss'), ActionType, " +
      "FileName, InitiatingProcessFileName, AccountName, Command = tostring(AdditionalFields.Command), " +
      "Group = tostring(AdditionalFields.GroupName) | order by T asc",
  );
  // ANSWERS.md: cradle 01:52:08, implant started 01:52:41, procdump 02:18:55, svc-helpdesk
  // created 02:41:17 and added to Administrators 02:41:39; each trace follows its process.
  assert.deepEqual(events.map((e) => [e.T, e.ActionType, e.InitiatingProcessFileName]), [
    ["2026-03-12T01:52:10", "PowerShellCommand", "powershell.exe"],
    ["2026-03-12T01:52:11", "PowerShellCommand", "powershell.exe"],
    // Registered by the cradle's schtasks.exe /Create (DeviceProcessEvents, 01:53:30), the
    // second its TaskCache key appears (DeviceRegistryEvents, 01:53:31): not before it ran.
    ["2026-03-12T01:53:31", "ScheduledTaskCreated", "schtasks.exe"],
    ["2026-03-12T02:18:57", "OpenProcessApiCall", "procdump64.exe"],
    ["2026-03-12T02:41:18", "UserAccountCreated", "net.exe"],
    ["2026-03-12T02:41:40", "UserAccountAddedToLocalGroup", "net.exe"],
  ]);
  assert.deepEqual(events.map((e) => e.Command).slice(0, 2), ["New-Object", "Invoke-Expression"]);
  assert.equal(events[3].FileName, "lsass.exe");
  assert.equal(events[4].AccountName, "svc-helpdesk");
  assert.equal(events[5].Group, "Administrators");
  // ANSWERS.md: the task's key is `...\Schedule\TaskCache\Tree\MicrosoftEdgeUpdateTaskMachineUA-S2`,
  // a task at the root of the library, as schtasks /TN "MicrosoftEdgeUpdateTaskMachineUA-S2" makes.
  assert.deepEqual(
    await casefileJson(
      'DeviceEvents | where ActionType == "ScheduledTaskCreated" ' +
        "| project Task = tostring(AdditionalFields.TaskName)",
    ),
    [{ Task: "\\MicrosoftEdgeUpdateTaskMachineUA-S2" }],
  );
  // No other machine has these attack traces (benign rows are scans, updates and links).
  const elsewhere = await casefileJson(
    'DeviceEvents | where ActionType in ("OpenProcessApiCall", "UserAccountCreated", ' +
      '"UserAccountAddedToLocalGroup", "ScheduledTaskCreated") ' +
      '| where not(DeviceName startswith "lks-ws-1042") | count',
  );
  assert.deepEqual(elsewhere, [{ Count: 0 }]);
  const loads = await casefileJson(
    'DeviceImageLoadEvents | where InitiatingProcessFileName in~ ("msedgeupdate.exe", ' +
      '"procdump64.exe") | project InitiatingProcessFileName, FileName, ' +
      "InitiatingProcessFolderPath, DeviceName | order by InitiatingProcessFileName asc",
  );
  assert.deepEqual(loads, [
    {
      InitiatingProcessFileName: "msedgeupdate.exe",
      FileName: "winhttp.dll",
      InitiatingProcessFolderPath: "C:\\ProgramData\\EdgeUpdate\\msedgeupdate.exe",
      DeviceName: "lks-ws-1042.corp.larkspurlogistics.example",
    },
    {
      InitiatingProcessFileName: "procdump64.exe",
      FileName: "dbghelp.dll",
      InitiatingProcessFolderPath: "C:\\Users\\Public\\procdump64.exe",
      DeviceName: "lks-ws-1042.corp.larkspurlogistics.example",
    },
  ]);
});

Deno.test("casefile query: AlertInfo and AlertEvidence mirror the incidents' alerts", async () => {
  // ANSWERS.md "Alerts": the four alerts of the intrusion, with their times.
  const alerts = await casefileJson(
    "AlertInfo | where TimeGenerated between (datetime(2026-03-11) .. datetime(2026-03-13)) " +
      "and Title !has 'SSH' | project T = format_datetime(TimeGenerated, " +
      "'yyyy-MM-ddTHH:mm:ss'), Title, ServiceSource | order by T asc",
  );
  assert.deepEqual(alerts, [
    {
      T: "2026-03-11T05:12:44",
      Title: "Password Spray",
      ServiceSource: "Microsoft Entra ID Protection",
    },
    {
      T: "2026-03-11T09:58:20",
      Title: "Suspicious inbox forwarding",
      ServiceSource: "Microsoft Defender for Cloud Apps",
    },
    {
      T: "2026-03-12T01:53:40",
      Title: "Suspicious PowerShell command line",
      ServiceSource: "Microsoft Defender for Endpoint",
    },
    {
      T: "2026-03-12T02:19:31",
      Title: "Sensitive credential memory read",
      ServiceSource: "Microsoft Defender for Endpoint",
    },
  ]);
  // The Defender hunting pattern: alerts joined to their evidence on AlertId.
  const evidence = await casefileJson(
    "AlertInfo | where Title == 'Sensitive credential memory read' " +
      "| join kind=inner AlertEvidence on AlertId " +
      "| summarize by EntityType, DeviceName, AccountUpn, FileName | order by EntityType asc",
  );
  assert.deepEqual(evidence, [
    { EntityType: "File", DeviceName: "", AccountUpn: "", FileName: "lsass.dmp" },
    {
      EntityType: "Machine",
      DeviceName: "lks-ws-1042.corp.larkspurlogistics.example",
      AccountUpn: "",
      FileName: "",
    },
    { EntityType: "Process", DeviceName: "", AccountUpn: "", FileName: "procdump64.exe" },
    {
      EntityType: "User",
      DeviceName: "",
      AccountUpn: "daniel.reyes@larkspurlogistics.example",
      FileName: "",
    },
  ]);
  // Every SecurityAlert row has its AlertInfo row.
  const counts = await casefileJson(
    "union (SecurityAlert | count | extend T = 'SecurityAlert'), " +
      "(AlertInfo | count | extend T = 'AlertInfo') | order by T asc",
  );
  assert.equal(counts[0].Count, counts[1].Count);
});
