import assert from "node:assert/strict";
import { join } from "node:path";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { UnknownTableError } from "../../src/providers/errors.ts";
import { KqlSemanticError, KqlSyntaxError } from "../../src/kql/mod.ts";
import { DataLoadError } from "../../src/data/errors.ts";
import { tempFolder } from "../_helpers.ts";
import { providerContract } from "./contract.ts";

const logons = "TimeGenerated,Account,LogonType\n" +
  Array.from(
    { length: 20 },
    (_, i) => `2024-05-01T${String(i).padStart(2, "0")}:00:00Z,user${i % 3},${i % 2 ? 3 : 10}`,
  ).join("\n") +
  "\n";

Deno.test("local provider on a folder of files passes the provider contract", async (t) => {
  const dir = await tempFolder({ "Logons.csv": logons, "Other.json": '[{"x":1}]' });
  const provider = await openLocalProvider(dir);
  await providerContract(t, provider, { table: "Logons", rows: 20 });
});

Deno.test("local provider serves a sub-folder of files as one table", async () => {
  const dir = await tempFolder({
    "Flows/2024-05-01.csv": "TimeGenerated,Bytes\n2024-05-01T00:00:00Z,10\n",
    "Flows/2024-05-02.csv": "TimeGenerated,Bytes\n2024-05-02T00:00:00Z,20\n",
    "Flows/late/2024-05-03.ndjson": '{"TimeGenerated":"2024-05-03T00:00:00Z","Bytes":30}\n',
  });
  const provider = await openLocalProvider(dir);
  const result = await provider.query("Flows");
  assert.equal(result.rowCount, 3);
  assert.deepEqual((await provider.schema("Flows")).columns, [
    { name: "TimeGenerated", type: "datetime" },
    { name: "Bytes", type: "long" },
  ]);
});

Deno.test("local provider takes explicit tables as globs", async () => {
  const dir = await tempFolder({
    "raw/a-1.csv": "x\n1\n",
    "raw/a-2.csv": "x\n2\n",
    "raw/b.csv": "x\n3\n",
  });
  const provider = await openLocalProvider(dir, { tables: { A: "raw/a-*.csv" } });
  assert.equal((await provider.query("A")).rowCount, 2);
  const error = await openLocalProvider(dir, { tables: { C: "raw/c-*.csv" } })
    .then(() => undefined, (e) => e);
  assert.ok(error instanceof DataLoadError);
  assert.match(error.message, /No file .* matches raw\/c-\*\.csv/);
});

Deno.test("local provider applies known schemas to tables with those names", async () => {
  const dir = await tempFolder({ "Logons.csv": logons });
  const provider = await openLocalProvider(dir, {
    knownSchemas: {
      Logons: { name: "Logons", columns: [{ name: "LogonType", type: "int" }] },
    },
  });
  const schema = await provider.schema("Logons");
  assert.equal(schema.columns.find((c) => c.name === "LogonType")?.type, "int");
});

Deno.test("local provider runs KQL over the tables a query names", async () => {
  const dir = await tempFolder({ "Logons.csv": logons, "Broken.csv": 'a,"never closed\n' });
  const provider = await openLocalProvider(dir);
  const result = await provider.query(
    "Logons | where LogonType == 10 | summarize Logons = count() by Account | sort by Account asc",
  );
  assert.deepEqual(result.frame.toRecords(), [
    { Account: "user0", Logons: 4 },
    { Account: "user1", Logons: 3 },
    { Account: "user2", Logons: 3 },
  ]);
  assert.deepEqual(result.schema.columns, [
    { name: "Account", type: "string" },
    { name: "Logons", type: "long" },
  ]);
});

Deno.test("local provider passes KQL errors through with their position", async () => {
  const dir = await tempFolder({ "Logons.csv": logons });
  const provider = await openLocalProvider(dir);
  const syntax = await provider.query("Logons | wher LogonType == 10").then(
    () => undefined,
    (e) => e,
  );
  assert.ok(syntax instanceof KqlSyntaxError);
  assert.equal(syntax.column, 10);
  assert.match(syntax.hint ?? "", /where/);
  const unknown = await provider.query("Logons | where LogonTyp == 10").then(
    () => undefined,
    (e) => e,
  );
  assert.ok(unknown instanceof KqlSemanticError);
  assert.match(unknown.message, /Did you mean 'LogonType'/);
});

Deno.test("local provider reports a missing folder and a file given as folder", async () => {
  const missing = await openLocalProvider("/nonexistent/case").then(() => undefined, (e) => e);
  assert.ok(missing instanceof DataLoadError);
  assert.match(missing.message, /does not exist/);
  const dir = await tempFolder({ "a.csv": "x\n1\n" });
  const file = await openLocalProvider(join(dir, "a.csv")).then(() => undefined, (e) => e);
  assert.ok(file instanceof DataLoadError);
  assert.match(file.message, /it is a file/);
});

Deno.test("local provider refuses two files that would be one table", async () => {
  const dir = await tempFolder({ "a.csv": "x\n1\n", "a.json": '[{"x":1}]' });
  const error = await openLocalProvider(dir).then(() => undefined, (e) => e);
  assert.ok(error instanceof DataLoadError);
  assert.match(error.message, /would both be table a/);
});

Deno.test("local provider reports a broken file on use, and recovers once it is fixed", async () => {
  const dir = await tempFolder({ "Bad.csv": 'a,b\n1,"oops\n', "Good.csv": "a\n1\n" });
  const provider = await openLocalProvider(dir);
  const error = await provider.query("Bad").then(() => undefined, (e) => e);
  assert.ok(error instanceof DataLoadError);
  assert.equal(error.line, 2);
  assert.equal((await provider.query("Good")).rowCount, 1);
  await Deno.writeTextFile(join(dir, "Bad.csv"), "a,b\n1,2\n");
  assert.equal((await provider.query("Bad")).rowCount, 1);
});

Deno.test("local provider tables are case-sensitive in KQL, with a suggestion", async () => {
  const dir = await tempFolder({ "SigninLogs.csv": "a\n1\n" });
  const provider = await openLocalProvider(dir);
  const error = await provider.query("signinlogs | count").then(() => undefined, (e) => e);
  assert.ok(error instanceof KqlSemanticError);
  assert.match(error.message, /Unknown table 'signinlogs'. Did you mean 'SigninLogs'\?/);
  // The direct API accepts a unique case-insensitive match.
  assert.equal((await provider.table("signinlogs")).frame.height, 1);
  const missing = await provider.table("Signin").then(() => undefined, (e) => e);
  assert.ok(missing instanceof UnknownTableError);
});

Deno.test("local provider reads externaldata from local files, by position", async () => {
  const dir = await tempFolder({
    "Logons.csv": logons,
    "intel/bad_ips.csv": "IP,Source\n203.0.113.5,feed-a\n198.51.100.7,feed-b\n",
    "intel/list.txt": "user0\nuser2\n",
  });
  const provider = await openLocalProvider(dir);
  const ips = await provider.query(
    `externaldata(IP: string, Source: string) ["intel/bad_ips.csv"] with (ignoreFirstRecord=true)`,
  );
  assert.deepEqual(ips.frame.toRecords(), [
    { IP: "203.0.113.5", Source: "feed-a" },
    { IP: "198.51.100.7", Source: "feed-b" },
  ]);
  const users = await provider.query(`
    let watched = externaldata(Account: string) [@"${dir}/intel/list.txt"] with (format="txt");
    Logons | where Account in (watched) | summarize count() by Account | sort by Account asc`);
  assert.deepEqual(users.frame.toRecords(), [
    { Account: "user0", count_: 7 },
    { Account: "user2", count_: 6 },
  ]);
  const remote = await provider.query(`externaldata(x: string) ["https://example.com/x.csv"]`)
    .then(() => undefined, (e) => e);
  assert.ok(remote instanceof DataLoadError);
  assert.match(remote.hint ?? "", /Download the file/);
});

Deno.test("local provider serves watchlists from the case's outside data", async () => {
  const dir = await tempFolder({
    "manifest.json": JSON.stringify({
      format: "casefile-case/1",
      name: "t",
      description: "",
      referenceTime: "2024-05-02T00:00:00Z",
      timeRange: { start: "2024-05-01T00:00:00Z", end: "2024-05-02T00:00:00Z" },
      tables: [{
        name: "Logons",
        file: "Logons.csv",
        rows: 20,
        columns: [
          { name: "TimeGenerated", type: "datetime" },
          { name: "Account", type: "string" },
          { name: "LogonType", type: "long" },
        ],
      }],
      external: [{ name: "vip_users", file: "vip.csv", description: "VIPs" }],
    }),
    "Logons.csv": logons,
    "vip.csv": "Upn,Title\nuser1,CFO\n",
  });
  const provider = await openLocalProvider(dir);
  const result = await provider.query(
    "Logons | where Account in ((_GetWatchlist('VipUsers') | project SearchKey)) | count",
  );
  assert.deepEqual(result.frame.toRecords(), [{ Count: 7 }]);
  const missing = await provider.query("_GetWatchlist('Nope')").then(() => undefined, (e) => e);
  assert.match(missing.message, /Unknown watchlist 'Nope'/);
});

Deno.test("a running local query stops being waited for when its signal aborts", async () => {
  const provider = await openLocalProvider();
  await provider.query("SigninLogs | take 1"); // tables loaded: what follows is the query itself
  const controller = new AbortController();
  const { signal } = controller;
  // The provider listens on the signal while the plan runs (and stops listening when it
  // settles): that listener is the event to abort on, no clock involved.
  let listening = false;
  let running!: () => void;
  const started = new Promise<"running">((resolve) => running = () => resolve("running"));
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    add(...args);
    if (args[0] === "abort") (listening = true, running());
  }) as typeof add;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    remove(...args);
    if (args[0] === "abort") listening = false;
  }) as typeof remove;
  const heavy = provider.query(
    `SigninLogs | join kind=inner (SigninLogs | project UserPrincipalName, Other = TimeGenerated) on UserPrincipalName
     | summarize Pairs = count(), Gaps = dcount(Other - TimeGenerated) by UserPrincipalName`,
    { signal },
  );
  let settled = false;
  heavy.finally(() => settled = true).catch(() => {});
  const first = await Promise.race([started, heavy.then(() => "finished", () => "failed")]);
  assert.equal(first, "running", "the provider never waited on the signal while running");
  const abortedWhileRunning = listening && !settled;
  controller.abort(new DOMException("stopped by the user", "AbortError"));
  await assert.rejects(heavy, (e: unknown) => e instanceof DOMException && e.name === "AbortError");
  assert.ok(abortedWhileRunning, "the query was still running when aborted");
});

Deno.test("local provider loads every table for search and find over the whole folder", async () => {
  const dir = await tempFolder({
    "Logons.csv": logons,
    "Alerts.csv": "TimeGenerated,Title\n2024-05-01T00:00:00Z,user1 locked out\n",
  });
  const provider = await openLocalProvider(dir);
  // user1 signs in at hours 1, 4, 7, 10, 13, 16 and 19; one alert names it.
  const searched = await provider.query(
    'search "user1" | summarize n = count() by $table | order by $table asc',
  );
  assert.deepEqual(searched.frame.toRecords(), [
    { $table: "Alerts", n: 1 },
    { $table: "Logons", n: 7 },
  ]);
  // Even hours are logon type 10; `in (Log*)` reaches Logons by its wildcard alone.
  const found = await provider.query("find in (Log*) where LogonType == 10 | count");
  assert.deepEqual(found.frame.toRecords(), [{ Count: 10 }]);
});

Deno.test("local provider gives a user's export named like a Sentinel table Sentinel's types", async () => {
  // Types as Microsoft documents them (azure-monitor-ref/tables/azureactivity.md), not as guessed
  // from the file's text: Authorization holds JSON but is documented as string (Authorization_d
  // is the dynamic one).
  const json = (o: object) => `"${JSON.stringify(o).replaceAll('"', '""')}"`;
  const row = (time: string, caller: string, operation: string, vm: string) =>
    [
      time,
      caller,
      operation,
      time.replace(":00Z", ":04Z"),
      json({ action: "Microsoft.Compute/virtualMachines/write", scope: "/subscriptions" }),
      json({ entity: `/subscriptions/rg-prod/providers/Microsoft.Compute/virtualMachines/${vm}` }),
    ].join(",");
  const dir = await tempFolder({
    "AzureActivity.csv": [
      "TimeGenerated,Caller,OperationNameValue,EventSubmissionTimestamp,Authorization,Properties_d",
      row(
        "2026-11-20T08:00:00Z",
        "admin@contoso.com",
        "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
        "web01",
      ),
      row("2026-11-21T02:13:00Z", "app-sp", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "miner01"),
      row(
        "2026-11-21T02:20:00Z",
        "app-sp",
        "MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION",
        "miner01",
      ),
    ].join("\n") + "\n",
  });
  const provider = await openLocalProvider(dir);
  const types = Object.fromEntries(
    (await provider.schema("AzureActivity")).columns.map((c) => [c.name, c.type]),
  );
  assert.equal(types.Properties_d, "dynamic");
  assert.equal(types.EventSubmissionTimestamp, "datetime");
  assert.equal(types.Caller, "string");
  assert.equal(types.Authorization, "string");
  const result = await provider.query(
    'AzureActivity | where tostring(Properties_d.entity) endswith "/miner01" and Authorization has "virtualMachines/write" | summarize n = count() by Caller',
  );
  assert.deepEqual(result.frame.toRecords(), [{ Caller: "app-sp", n: 2 }]);
});
