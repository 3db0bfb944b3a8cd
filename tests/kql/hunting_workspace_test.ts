/**
 * Engine faults a second, held-apart corpus of Microsoft Sentinel hunting queries and analytic
 * rules found (issue 16, 151 queries from the public Azure-Sentinel repository): Sentinel's
 * ASIM DNS parsers (`_Im_Dns` and its names) over DnsEvents, RE2's literal `[` inside a
 * character class, and `T | union isfuzzy=true Missing`. Expected values come from the demo
 * case's answer key (fixtures/demo-case/ANSWERS.md), RFC 1035 and hand computation.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError, tablePatterns } from "../../src/kql/mod.ts";
import { runCasefile, runKqlCorpus, tempFolder } from "../_helpers.ts";

async function rows(query: string): Promise<Record<string, unknown>[]> {
  return (await executeKql(query, { tables: {} })).frame.toRecords();
}

async function casefileJson(kql: string): Promise<Record<string, unknown>[]> {
  const run = await runCasefile(["query", kql, "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

// ---------------------------------------------------------------- ASIM DNS parsers

Deno.test("casefile query: _Im_Dns finds the DNS tunnel of the answer key", async () => {
  // ANSWERS.md, stage 13: TXT lookups from 10.20.4.42 for <base32>.<seq>.dx.datapipe-metrics
  // .example, 1100 queries. Through the ASIM schema: DnsQuery, SrcIpAddr, DnsQueryTypeName.
  const out = await casefileJson(
    `_Im_Dns | where DnsQuery endswith ".dx.datapipe-metrics.example"
      | summarize Queries = count() by SrcIpAddr, DnsQueryTypeName, EventType, EventSubType`,
  );
  assert.deepEqual(out, [{
    SrcIpAddr: "10.20.4.42",
    DnsQueryTypeName: "TXT",
    EventType: "Query",
    EventSubType: "request",
    Queries: 1100,
  }]);
});

Deno.test("casefile query: _Im_Dns filters by its ASIM parameters, named or positional", async () => {
  // The same 1100 lookups, found by the parser's own filters; RFC 1035: response code 3 is
  // NXDOMAIN, 0 NOERROR.
  const out = await casefileJson(
    `union
      (_Im_Dns(srcipaddr = "10.20.4.42", domain_has_any = dynamic(["datapipe-metrics.example"]))
        | summarize n = count() | extend k = "named"),
      (imDns(datetime(null), datetime(null), "10.20.4.42", dynamic(["datapipe-metrics.example"]))
        | summarize n = count() | extend k = "positional"),
      (_Im_Dns(responsecodename = "NXDOMAIN") | summarize n = countif(DnsResponseCode != 3)
        | extend k = "nxdomain not 3"),
      (_Im_Dns(responsecodename = "NXDOMAIN") | count | project n = Count, k = "nxdomain"),
      (DnsEvents | where ResultCode == 3 | count | project n = Count, k = "rcode 3"),
      (_Im_Dns | where DnsResponseCode == 0 | summarize n = countif(DnsResponseCodeName != "NOERROR")
        | extend k = "0 not NOERROR")
    | project k, n | order by k asc`,
  );
  const n = Object.fromEntries(out.map((r) => [r.k, r.n]));
  assert.ok((n["rcode 3"] as number) > 0);
  assert.deepEqual(n, {
    "0 not NOERROR": 0,
    named: 1100,
    "nxdomain not 3": 0,
    nxdomain: n["rcode 3"],
    positional: 1100,
    "rcode 3": n["rcode 3"],
  });
});

Deno.test("the ASIM DNS parsers keep DnsEvents' rows and answer to all their names", async () => {
  const out = await casefileJson(
    `union withsource = Name (DnsEvents | where EventId < 500 | count), (_Im_Dns | count),
      (imDns | count), (ASimDns | count), (_ASim_Dns | count), (vimDnsMicrosoftOMS() | count),
      (_Im_Dns_MicrosoftOMS(starttime = datetime(2026-03-13), endtime = datetime(2026-03-14))
        | summarize Count = countif(TimeGenerated < datetime(2026-03-13)))
    | summarize Counts = make_set(Count)`,
  );
  // Every unfiltered name gives DnsEvents' own count; the dated call nothing before its start.
  const counts = (out[0].Counts as number[]).sort((a, b) => a - b);
  assert.equal(counts.length, 2, JSON.stringify(counts));
  assert.equal(counts[0], 0);
  assert.ok(counts[1] > 1100);
});

Deno.test("a query's own let hides a workspace function of the same name", async () => {
  const out = await casefileJson(`let _Im_Dns = datatable(a: long) [7]; _Im_Dns | project a`);
  assert.deepEqual(out, [{ a: 7 }]);
});

Deno.test("_Im_Dns without DnsEvents is a casefile error that names the table", async () => {
  for (const q of ["_Im_Dns | count", "_Im_Dns(starttime = ago(1d)) | count"]) {
    await assert.rejects(
      () => rows(q),
      (e) =>
        e instanceof KqlSemanticError && /ASIM parser over DnsEvents/.test(e.message) &&
        /DnsEvents/.test(e.hint ?? ""),
    );
  }
  // A fuzzy union leaves it out like a missing table.
  assert.deepEqual(await rows(`union isfuzzy=true _Im_Dns, (print x = 1) | project x`), [{ x: 1 }]);
});

Deno.test("tablePatterns: a query calling _Im_Dns reads DnsEvents", () => {
  assert.ok(tablePatterns("_Im_Dns(starttime = ago(1d)) | take 1").includes("DnsEvents"));
  assert.ok(tablePatterns("imDns | take 1").includes("DnsEvents"));
  assert.ok(!tablePatterns("SigninLogs | take 1").includes("DnsEvents"));
});

Deno.test("deno run scripts/kql_corpus.ts runs DNS Essentials rules written on _Im_Dns", async () => {
  const dir = await tempFolder({
    // "Top 25 Domains with large number of Subdomains (ASIM DNS Solution)", as published.
    "subdomains.kql": `let lookback=1d;
_Im_Dns(starttime=ago(lookback),endtime=now())
| distinct DnsQuery
| extend DomainParts = split(DnsQuery,'.')
| extend DomainName = strcat(DomainParts[toint(array_length(DomainParts)-2)],'.',DomainParts[toint(array_length(DomainParts)-1)])
| summarize SubDomainCount=dcount(DnsQuery),make_list(DnsQuery) by DomainName
| order by SubDomainCount
| take 25`,
    // "CVE-2020-1350 (SIGRED) exploitation pattern": a schema field DnsEvents lacks is empty.
    "sigred.kql": `_Im_Dns(starttime=ago(1d),endtime=now())
| where DnsQueryTypeName in~ ('SIG', 'RRSIG')
| where NetworkProtocol =~ 'TCP'
| summarize Count=count() by SrcIpAddr, bin(TimeGenerated, 1m)`,
  });
  const child = await runKqlCorpus(dir);
  const out = child.stdout;
  assert.equal(child.code, 0, child.stderr);
  assert.match(out, /^ran\s+sigred\.kql\s+0 rows$/m);
  assert.match(out, /^ran\s+subdomains\.kql\s+\d+ rows$/m);
  assert.match(out, /summary: 2\/2 ran/);
  await Deno.remove(dir, { recursive: true });
});

// ---------------------------------------------------------------- RE2 character classes

Deno.test("RE2: `[:` without a closing `:]` is a literal inside a class", async () => {
  // "RunMRU with non-ASCII characters" matches RegistryValueData against "[^[:ascii]]". RE2
  // reads `[:` as a POSIX class only when `:]` follows; here the class is "not one of [ : a s
  // c i" and a literal `]` follows it. By hand: "b]" matches, "a]" and "b" do not.
  const out = await rows(
    `datatable(s: string) ["b]", "a]", "b", "[]", "é]"]
      | extend m = s matches regex "[^[:ascii]]", r = replace_regex(s, "[^[:ascii]]", "X")`,
  );
  assert.deepEqual(out, [
    { s: "b]", m: true, r: "X" },
    { s: "a]", m: false, r: "a]" },
    { s: "b", m: false, r: "b" },
    { s: "[]", m: false, r: "[]" },
    { s: "é]", m: true, r: "X" },
  ]);
  // Real POSIX classes still work; a `[:name:]` RE2 does not know is still an error.
  assert.deepEqual(await rows(`print a = "x9" matches regex "^[[:alpha:]][[:digit:]]$"`), [{
    a: true,
  }]);
  await assert.rejects(
    () => rows(`print a = "x" matches regex "[[:nosuch:]]"`),
    KqlSemanticError,
  );
});

Deno.test("casefile query: the RunMRU rule's regex runs on DeviceRegistryEvents", async () => {
  const out = await casefileJson(
    `DeviceRegistryEvents | take 50 | where RegistryValueData matches regex "[^[:ascii]]"
      | count`,
  );
  assert.equal(out.length, 1);
  assert.equal(typeof out[0].Count, "number");
});

// ---------------------------------------------------------------- fuzzy union

Deno.test("T | union isfuzzy=true Missing keeps the piped rows (the input is a leg)", async () => {
  // Kusto's union: with isfuzzy=true the sources are reduced to those that exist; the piped
  // input exists, so the query runs. By hand: 3 rows, then 3 + 1.
  assert.deepEqual(
    await rows(`datatable(x: long) [1, 2, 3] | union isfuzzy=true NoSuchTable | count`),
    [{ Count: 3 }],
  );
  assert.deepEqual(
    await rows(
      `let E = NoSuchTable | where y == 1;
       datatable(x: long) [1, 2, 3] | union isfuzzy=true E, NoSuchTable2, (print x = 4) | count`,
    ),
    [{ Count: 4 }],
  );
  // Without isfuzzy a missing leg is still the query's error.
  await assert.rejects(
    () => rows(`datatable(x: long) [1] | union NoSuchTable | count`),
    KqlSemanticError,
  );
});
