/**
 * Every demo table carries the standard columns Azure Monitor Logs holds on every table, filled
 * the way a workspace fills them (issue 17). Expected values come from Microsoft's pages, read
 * by hand: "Standard columns in Azure Monitor Logs" (`_ItemId` "a unique identifier for the
 * record") and "Azure Monitor Logs cost calculations" (the standard columns "common to all
 * tables"; AzureActivity and Heartbeat are free of ingestion charges, which `_IsBillable`
 * shows; the excluded columns do not count in `_BilledSize`); and from the demo organisation's
 * Entra tenant id, written out by hand.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pl } from "../src/polars.ts";
import { readManifest } from "../src/data/manifest.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const CASE = join(REPO, "fixtures", "demo-case");

/** The standard columns "common to all tables", with the table reference's types. */
const STANDARD: Record<string, string> = {
  TenantId: "string",
  Type: "string",
  TimeGenerated: "datetime",
  _ResourceId: "string",
  _SubscriptionId: "string",
  _ItemId: "string",
  _IsBillable: "string",
  _BilledSize: "real",
};

const FREE = new Set(["AzureActivity", "Heartbeat"]);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AAD_TENANT = "5b8f2d71-4c3e-4a9b-9e61-2f0c7d3a8b14";

Deno.test("every demo table has every standard column, filled on every row", async () => {
  const manifest = await readManifest(CASE);
  assert.ok(manifest);
  assert.equal(manifest.tables.length, 37);
  const seen = new Set<string>();
  let rows = 0;
  for (const table of manifest.tables) {
    const types = Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
    for (const [name, type] of Object.entries(STANDARD)) {
      assert.equal(types[name], type, `${table.name}.${name}`);
    }
    const frame = pl.readParquet(join(CASE, table.file), {
      columns: ["Type", "_ItemId", "_IsBillable", "_BilledSize"],
    });
    for (const column of ["_ItemId", "_IsBillable", "_BilledSize"]) {
      assert.equal(frame.getColumn(column).nullCount(), 0, `${table.name}.${column} has nulls`);
    }
    const billable = frame.getColumn("_IsBillable").unique().toArray();
    assert.deepEqual(billable, [FREE.has(table.name) ? "False" : "True"], table.name);
    assert.ok(frame.getColumn("_BilledSize").min() > 0, `${table.name}: a record of 0 bytes`);
    for (const id of frame.getColumn("_ItemId").toArray() as string[]) {
      assert.match(id, GUID, table.name);
      assert.ok(!seen.has(id), `${table.name}: _ItemId ${id} repeats`);
      seen.add(id);
    }
    rows += frame.height;
  }
  // Unique across the whole workspace, not only within a table.
  assert.equal(seen.size, rows);
});

Deno.test("_BilledSize counts the record's text, not the excluded standard columns", () => {
  // A SecurityEvent record that carries its EventData XML bills at least that text plus its
  // Computer name; the 4624 records (EventData empty) bill less than the rarer ones with XML.
  const frame = pl.readParquet(join(CASE, "SecurityEvent.parquet"), {
    columns: ["EventID", "Computer", "EventData", "_ResourceId", "_BilledSize"],
  });
  const records = frame.filter(pl.col("EventID").eq(4697)).toRecords();
  assert.ok(records.length > 0);
  for (const r of records) {
    const text = String(r.EventData).length + String(r.Computer).length;
    assert.ok(Number(r._BilledSize) > text, `${r._BilledSize} <= ${text}`);
  }
  const logon = frame.filter(pl.col("EventID").eq(4624)).getColumn("_BilledSize").mean();
  const install = frame.filter(pl.col("EventID").eq(4697)).getColumn("_BilledSize").mean();
  assert.ok(logon < install, `4624 ${logon} >= 4697 ${install}`);
});

Deno.test("casefile query: Microsoft's billing and join queries on the standard columns", async () => {
  // "union ... | where _IsBillable == true | summarize Bytes=sum(_BilledSize)" from the
  // standard-columns page: Heartbeat is free, SecurityEvent is billed.
  const billed = await casefileJson(
    "union SecurityEvent, Heartbeat | where _IsBillable == true " +
      "| summarize Rows = count(), Bytes = sum(_BilledSize) by Type",
  );
  assert.deepEqual(billed.map((r) => r.Type), ["SecurityEvent"]);
  assert.ok(Number(billed[0].Bytes) > Number(billed[0].Rows) * 100);
  // A rule joining back on _ItemId finds exactly the record it started from.
  const joined = await casefileJson(
    "SigninLogs | where ResultType != '0' | take 3 | project _ItemId, UserPrincipalName " +
      "| join kind=inner (SigninLogs | project _ItemId, UserPrincipalName2 = UserPrincipalName) " +
      "on _ItemId | extend Same = UserPrincipalName == UserPrincipalName2 | project Same",
  );
  assert.deepEqual(joined, [{ Same: true }, { Same: true }, { Same: true }]);
  // Entra ID's logs name the tenant's aadiam resource in _ResourceId, in lower case.
  const resources = await casefileJson("SigninLogs | distinct _ResourceId, _SubscriptionId");
  assert.deepEqual(resources, [{
    _ResourceId: `/tenants/${AAD_TENANT}/providers/microsoft.aadiam`,
    _SubscriptionId: "",
  }]);
});

/** `casefile query <kql> --format json` on the demo case, as a person runs it. */
async function casefileJson(kql: string): Promise<Record<string, unknown>[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "repl/main.ts", "query", kql, "--format", "json"],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
