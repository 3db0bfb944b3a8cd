/**
 * Held-out Sentinel hunting queries, sixth corpus (issue 16): the engine-fault classes that
 * 136 published Azure-Sentinel analytic rules and hunting queries (never used to tune the
 * engine) showed, tested on their general rule. Expected values are worked out by hand from
 * the rows a test writes, or come from the demo case's answer key
 * (fixtures/demo-case/ANSWERS.md); what Kusto.Language accepts comes from
 * `@kusto/language-service-next`.
 *
 * - `join ... where Predicate` (Kusto.Language's JoinWhereClause) was a syntax error here;
 *   Microsoft's DNS Essentials and Network Session Essentials rules use it.
 * - `make_datetime(value)` and `make_timespan(value)`, Kusto.Language's one-value signatures,
 *   were refused (published rules rebuild datetimes from an mv-expanded list this way).
 * - A fuzzy union whose legs all fail on a missing table said only "none of the tables of
 *   'union' exist" when the legs were functions reading another table: it now names it.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";
import { casefileSyntaxError, kustoSyntaxError } from "./_parser_reference.ts";
import { runCasefile, runKqlCorpus, tempFolder } from "../_helpers.ts";

async function rows(kql: string): Promise<Record<string, unknown>[]> {
  const { frame } = await executeKql(kql);
  return frame.toRecords() as Record<string, unknown>[];
}

async function casefileJson(kql: string): Promise<Record<string, unknown>[]> {
  const run = await runCasefile(["query", kql, "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

// ---------------------------------------------------------------- join ... where

// Hosts and the ports they listen on; a port list per rule (NetworkSession_Monitor_Configuration's
// shape in Network Session Essentials). `has` matches a whole term of the comma-separated list.
const HOSTS = `let L = datatable(Host:string, Port:long)["a", 445, "b", 80, "c", 22];
let R = datatable(Ports:string, Name:string)["445,139", "SMB", "80,443", "Web", "25", "Mail"];`;

Deno.test("join ... where: each kind keeps the pairs the predicate holds for", async () => {
  const join = (kind: string) =>
    rows(`${HOSTS} L | join kind=${kind} (R) where Ports has tostring(Port)`);
  // By hand: a/445 is in "445,139" (SMB), b/80 in "80,443" (Web); c/22 and Mail/25 match nothing.
  const a = { Host: "a", Port: 445, Ports: "445,139", Name: "SMB" };
  const b = { Host: "b", Port: 80, Ports: "80,443", Name: "Web" };
  assert.deepEqual(await join("inner"), [a, b]);
  // Unmatched rows of the outer side once, the other side null (text "", Kusto has no null text).
  assert.deepEqual(await join("leftouter"), [a, b, { Host: "c", Port: 22, Ports: "", Name: "" }]);
  assert.deepEqual(await join("rightouter"), [a, b, {
    Host: "",
    Port: null,
    Ports: "25",
    Name: "Mail",
  }]);
  assert.deepEqual(await join("fullouter"), [
    a,
    b,
    { Host: "c", Port: 22, Ports: "", Name: "" },
    { Host: "", Port: null, Ports: "25", Name: "Mail" },
  ]);
  assert.deepEqual(await join("leftsemi"), [{ Host: "a", Port: 445 }, { Host: "b", Port: 80 }]);
  assert.deepEqual(await join("leftanti"), [{ Host: "c", Port: 22 }]);
  assert.deepEqual(await join("rightsemi"), [
    { Ports: "445,139", Name: "SMB" },
    { Ports: "80,443", Name: "Web" },
  ]);
  assert.deepEqual(await join("rightanti"), [{ Ports: "25", Name: "Mail" }]);
});

Deno.test("join ... where: a row matching several rows of the other side meets each", async () => {
  // By hand: 445 is in both "445,139" and "139,445"; 80 in neither; one pair per match.
  const out = await rows(
    `let L = datatable(Port:long)[445, 80];
    let R = datatable(Ports:string, Rule:long)["445,139", 1, "139,445", 2, "443", 3];
    L | join kind=inner (R) where Ports has tostring(Port) | project Port, Rule`,
  );
  assert.deepEqual(out, [{ Port: 445, Rule: 1 }, { Port: 445, Rule: 2 }]);
});

Deno.test("join ... where: $left and $right name a side; a shared name must", async () => {
  // By hand: the pairs of L with itself whose left port is below the right one.
  const out = await rows(
    `${HOSTS} L | join kind=inner (L) where $left.Port < $right.Port
    | project Host, Host1 | order by Host asc, Host1 asc`,
  );
  assert.deepEqual(out, [
    { Host: "b", Host1: "a" },
    { Host: "c", Host1: "a" },
    { Host: "c", Host1: "b" },
  ]);
  await assert.rejects(
    () => rows(`${HOSTS} L | join kind=inner (L) where Port < Port`),
    (e: unknown) =>
      e instanceof KqlSemanticError &&
      /Both sides of the join have a column 'Port'/.test(e.message) &&
      /\$left\.Port or \$right\.Port/.test(e.hint ?? ""),
  );
  await assert.rejects(
    () => rows(`${HOSTS} L | join kind=inner (R) where $right.Port == 1`),
    (e: unknown) =>
      e instanceof KqlSemanticError &&
      /right side of the join has no column 'Port'/.test(e.message),
  );
});

Deno.test("join ... where without a kind is refused, not guessed", async () => {
  // innerunique (the default) deduplicates the left by join keys; a predicate has none.
  await assert.rejects(
    () => rows(`${HOSTS} L | join (R) where Ports has tostring(Port)`),
    (e: unknown) =>
      e instanceof KqlSemanticError && /needs a kind/.test(e.message) &&
      /kind=inner/.test(e.hint ?? ""),
  );
});

Deno.test("join ... where parses as Kusto.Language parses it", () => {
  for (
    const text of [
      "T | join kind=inner (M) where Ports has tostring(n)",
      "T | join kind=inner['M'] where a has b",
      "T | join kind=leftouter M where $left.a == $right.b and n > 1",
    ]
  ) {
    assert.equal(kustoSyntaxError(text), undefined, text);
    assert.equal(casefileSyntaxError(text), undefined, text);
  }
  // Both reject a where without a predicate.
  const broken = "T | join kind=inner (M) where";
  assert.notEqual(kustoSyntaxError(broken), undefined);
  assert.notEqual(casefileSyntaxError(broken), undefined);
});

Deno.test("casefile query: the DNS Essentials IOC join finds the DNS tunnel (stage 13)", async () => {
  // The shape of "Detect DNS request to known Domain IOCs (ASIM DNS Solution)": a watchlist
  // of domains joined with `where DnsQuery has wl_DNSDomain`. ANSWERS.md stage 13: 1100 TXT
  // lookups from 10.20.4.42 under dx.datapipe-metrics.example; the decoy domain is nowhere.
  const iocs = `let IOCs = datatable(wl_DNSDomain:string, wl_Name:string)
    ["datapipe-metrics.example", "DNS tunnel", "never-seen.example", "Decoy"];`;
  assert.deepEqual(
    await casefileJson(
      `${iocs} DnsEvents | join kind=inner (IOCs) where Name has wl_DNSDomain
      | summarize Queries = count(), Types = make_set(QueryType) by ClientIP, wl_Name`,
    ),
    [{ ClientIP: "10.20.4.42", wl_Name: "DNS tunnel", Queries: 1100, Types: ["TXT"] }],
  );
  assert.deepEqual(
    await casefileJson(
      `${iocs} IOCs | join kind=leftanti (DnsEvents | distinct Name) where Name has wl_DNSDomain`,
    ),
    [{ wl_DNSDomain: "never-seen.example", wl_Name: "Decoy" }],
  );
});

// ---------------------------------------------------------------- make_datetime(value)

Deno.test("make_datetime(value) and make_timespan(value) convert one value", async () => {
  // Kusto.Language's one-value signatures; the values as todatetime() and totimespan() read them.
  assert.deepEqual(
    await rows(
      `print a = make_datetime("2026-03-11T09:21:44Z"), b = make_datetime(dynamic("2026-03-11")),
        c = make_datetime(datetime(2026-03-11) + 90m), d = make_timespan("01:30:00"),
        e = make_timespan(dynamic("2.00:00:01")), f = make_datetime("not a date")`,
    ),
    [{
      a: new Date("2026-03-11T09:21:44Z"),
      b: new Date("2026-03-11T00:00:00Z"),
      c: new Date("2026-03-11T01:30:00Z"),
      d: 90 * 60 * 1e6, // microseconds
      e: (2 * 86400 + 1) * 1e6,
      f: null,
    }],
  );
  // The part signatures are unchanged: 3 to 6 numbers, 2 to 4 for make_timespan.
  assert.deepEqual(await rows("print a = make_datetime(2026, 3, 11), b = make_timespan(2, 30)"), [{
    a: new Date("2026-03-11T00:00:00Z"),
    b: 150 * 60 * 1e6,
  }]);
  await assert.rejects(
    () => rows("print make_datetime(2026, 3)"),
    (e: unknown) => e instanceof KqlSemanticError && /one value, or 3 to 6 numbers/.test(e.message),
  );
});

Deno.test("casefile query: make_datetime rebuilds the attacker's sign-in times (stage 3)", async () => {
  // ANSWERS.md stage 3: OfficeHome sign-ins from 203.0.113.45 at 09:21:44 and 09:26:10 on
  // 11 March; a list of them, expanded, is dynamic until make_datetime makes datetimes again.
  assert.deepEqual(
    await casefileJson(
      `SigninLogs
      | where IPAddress == "203.0.113.45" and AppDisplayName == "OfficeHome"
      | where TimeGenerated between (datetime(2026-03-11) .. 1d)
      | summarize Times = make_list(TimeGenerated)
      | mv-expand T = Times
      | extend T = make_datetime(T)
      | project T, Kind = gettype(T), Later = T + 1m
      | order by T asc`,
    ),
    [
      { T: "2026-03-11T09:21:44Z", Kind: "datetime", Later: "2026-03-11T09:22:44Z" },
      { T: "2026-03-11T09:26:10Z", Kind: "datetime", Later: "2026-03-11T09:27:10Z" },
    ],
  );
});

Deno.test("kql_corpus: the published Teams rule with make_datetime(StartTime) runs", async () => {
  // "Anomalous login followed by Teams action" (Azure-Sentinel Detections/MultipleDataSources),
  // its make_datetime line and the surrounding steps, as published.
  const dir = await tempFolder({
    "teams.kql": `let projectedEndTime = 60min;
let signinData = SigninLogs
  | where AppDisplayName has "Teams"
  | extend country = tostring(todynamic(LocationDetails)['countryOrRegion']);
signinData
| summarize count(), make_list(TimeGenerated) by IPAddress, UserPrincipalName
| extend EventTimes = list_TimeGenerated
| mv-expand StartTime = EventTimes
| extend StartTime = make_datetime(StartTime)
| extend ProjectedEndTime = make_datetime(StartTime + projectedEndTime)
| project UserPrincipalName, StartTime, ProjectedEndTime
`,
  });
  const child = await runKqlCorpus(dir);
  assert.equal(child.code, 0, child.stderr);
  assert.match(child.stdout, /summary: 1\/1 ran \(100\.0%\)/);
});

// ---------------------------------------------------------------- union isfuzzy

Deno.test("union isfuzzy: legs that all fail name the table they miss", async () => {
  // "Failed host logons but success logon to AzureAD": each leg is a function whose body
  // reads WindowsEvent, which this workspace lacks; Kusto fails too, on that table.
  const signins = pl.DataFrame({ IPAddress: ["192.0.2.1"], ResultType: ["0"] });
  await assert.rejects(
    () =>
      executeKql(
        `let wef_fails = WindowsEvent | summarize make_list(IpAddress);
        let aadFunc = (tableName:string) { table(tableName) | where IPAddress in (wef_fails) };
        union isfuzzy=true aadFunc("SigninLogs"), aadFunc("AADNonInteractiveUserSignInLogs")`,
        { tables: { SigninLogs: signins, AADNonInteractiveUserSignInLogs: signins } },
      ),
    (e: unknown) =>
      e instanceof KqlSemanticError &&
      /^none of the tables of 'union' exist \(Unknown table 'WindowsEvent'.* at line 1, column 17\)/
        .test(e.message),
  );
});
