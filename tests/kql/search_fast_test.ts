/**
 * `search` over the whole case, fast and unchanged (issue 16): search builds its outer
 * union of the searched tables natively (Polars' diagonal concatenation) instead of one
 * expression per missing column per table. Expected values come from hand counts on small
 * tables (Kusto's union rules: a name of several types becomes `Name_type` columns, a
 * missing string is "", other missing values null), from the demo case's answer key
 * (fixtures/demo-case/ANSWERS.md), and from the equivalent explicit query
 * `T | where A has "x" or tostring(B) has "x" ...` written per table, the independent
 * reference for what search must find.
 */
import assert from "node:assert/strict";
import { type DataFrame, runKql } from "../../src/kql/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile } from "../_helpers.ts";

const tables = {
  Hosts: pl.DataFrame([
    pl.Series("Host", ["web01", "db01", "mail"]),
    pl.Series("Port", [443, 5432, 25], pl.Int64),
    pl.Series("Note", ["tls 10.0.0.5", "web01 replica", "SMTP relay"]),
  ]),
  Flows: pl.DataFrame([
    pl.Series("Host", ["web01", "fw"]),
    pl.Series("Port", ["https", "10.0.0.5:443"]),
    pl.Series("Bytes", [1200, null], pl.Int64),
  ]),
};

async function records(query: string, given: Record<string, DataFrame> = tables) {
  return (await runKql(query, { tables: given })).toRecords();
}

Deno.test("search's union of tables: Kusto's columns, types, order, and blanks", async () => {
  // Hand-derived: $table, then names in order of first appearance; Port is long in Hosts
  // and string in Flows, so Port_long and Port_string sit together where Port first is.
  const schema = await records('search "web01" | getschema | project ColumnName, ColumnType');
  assert.deepEqual(schema.map((r) => `${r.ColumnName}:${r.ColumnType}`), [
    "$table:string",
    "Host:string",
    "Port_long:long",
    "Port_string:string",
    "Note:string",
    "Bytes:long",
  ]);
  // web01 is in Hosts rows 1 and 2 (Host, Note) and Flows row 1; a missing string is "",
  // a missing number null.
  assert.deepEqual(await records('search "web01"'), [
    {
      $table: "Hosts",
      Host: "web01",
      Port_long: 443,
      Port_string: "",
      Note: "tls 10.0.0.5",
      Bytes: null,
    },
    {
      $table: "Hosts",
      Host: "db01",
      Port_long: 5432,
      Port_string: "",
      Note: "web01 replica",
      Bytes: null,
    },
    {
      $table: "Flows",
      Host: "web01",
      Port_long: null,
      Port_string: "https",
      Note: "",
      Bytes: 1200,
    },
  ]);
});

Deno.test("search over one table: $table first, then the table's columns", async () => {
  assert.deepEqual(await records('Hosts | search "smtp"'), [
    { $table: "Hosts", Host: "mail", Port: 25, Note: "SMTP relay" },
  ]);
  assert.deepEqual(Object.keys((await records('search in (Flows) "fw"'))[0]), [
    "$table",
    "Host",
    "Port",
    "Bytes",
  ]);
});

Deno.test("search's terms on small tables: punctuation, wildcards, case, Column:term", async () => {
  const found = async (q: string) =>
    (await records(`${q} | project $table, Host`)).map((r) => `${r.$table}/${r.Host}`);
  // "10.0.0.5" is in Hosts' Note (web01) and Flows' Port (fw), not in "10.0.0.50"-like text.
  assert.deepEqual(await found('search "10.0.0.5"'), ["Hosts/web01", "Flows/fw"]);
  assert.deepEqual(await found('search "web*"'), ["Hosts/web01", "Hosts/db01", "Flows/web01"]);
  assert.deepEqual(await found('search "*01"'), ["Hosts/web01", "Hosts/db01", "Flows/web01"]);
  assert.deepEqual(await found('search "smtp"'), ["Hosts/mail"]);
  assert.deepEqual(await found('search kind=case_sensitive "smtp"'), []);
  assert.deepEqual(await found('search kind=case_sensitive "SMTP"'), ["Hosts/mail"]);
  // Port:"443" reads Hosts' long as text and Flows' string, where ":" bounds the term 443.
  assert.deepEqual(await found('search Port:"443"'), ["Hosts/web01", "Flows/fw"]);
  assert.deepEqual(await found("search * | where Bytes > 0"), ["Flows/web01"]);
  assert.equal((await records("search * | count"))[0].Count, 5);
});

// ------------------------------------------------------------------ the demo case

const provider = await openLocalProvider();

async function demo(query: string): Promise<Record<string, unknown>[]> {
  return (await provider.query(query)).frame.toRecords();
}

/** `T | where C1 op "x" or tostring(C2) op "x" ...` over every column (or the given ones). */
async function explicitWhere(table: string, op: string, term: string, only?: string[]) {
  const schema = await demo(`${table} | getschema | project ColumnName, ColumnType`);
  const tests = schema
    .filter((c) => !only || only.includes(String(c.ColumnName)))
    .map((c) => {
      const name = `['${c.ColumnName}']`;
      const text = c.ColumnType === "string" ? name : `tostring(${name})`;
      return `${text} ${op} ${JSON.stringify(term)}`;
    });
  return `${table} | where ${tests.join(" or ")}`;
}

/** Per table, the rows the explicit query finds (tables with none left out). */
async function explicitCounts(names: string[], op: string, term: string, only?: string[]) {
  const counts: Record<string, number> = {};
  for (const name of names) {
    const [{ Count }] = await demo(`${await explicitWhere(name, op, term, only)} | count`);
    if (Number(Count) > 0) counts[name] = Number(Count);
  }
  return counts;
}

async function searchCounts(query: string): Promise<Record<string, number>> {
  const rows = await demo(`${query} | summarize n = count() by $table`);
  return Object.fromEntries(rows.map((r) => [String(r.$table), Number(r.n)]));
}

const ALL = (await demo("search * | distinct $table")).map((r) => String(r.$table));

Deno.test("search over the whole demo case finds what the explicit where finds", async () => {
  // ANSWERS.md, DNS tunnelling: 1100 queries to dx.datapipe-metrics.example (a term with
  // punctuation), all in DnsEvents.
  const term = "dx.datapipe-metrics.example";
  assert.deepEqual(await searchCounts(`search "${term}"`), { DnsEvents: 1100 });
  assert.deepEqual(await explicitCounts(ALL, "has", term), { DnsEvents: 1100 });
  // A wildcard: "adm-tom*" is hasprefix, in every table that names the stolen admin.
  assert.deepEqual(
    await searchCounts('search "adm-tom*"'),
    await explicitCounts(ALL, "hasprefix", "adm-tom"),
  );
});

Deno.test("search in (...) on the demo case: case, Column:term, and the rows themselves", async () => {
  // ANSWERS.md stage 1: 486 spray attempts over IMAP4 in SigninLogs (ClientAppUsed IMAP4).
  const signins = ["SigninLogs", "OfficeActivity", "AADNonInteractiveUserSignInLogs"];
  const imap = await searchCounts(`search kind=case_sensitive in (${signins.join(", ")}) "IMAP4"`);
  assert.equal(imap.SigninLogs, 486);
  assert.deepEqual(imap, await explicitCounts(signins, "has_cs", "IMAP4"));
  assert.deepEqual(
    await searchCounts(`search kind=case_sensitive in (${signins.join(", ")}) "imap4"`),
    await explicitCounts(signins, "has_cs", "imap4"),
  );
  assert.deepEqual(
    await searchCounts('search in (SigninLogs, SecurityEvent) IpAddress:"203.0.113.45"'),
    await explicitCounts(["SecurityEvent"], "has", "203.0.113.45", ["IpAddress"]),
  );
  // The rows, column by column, against union of the explicit queries: SigninLogs and
  // AADNonInteractiveUserSignInLogs disagree on the types of five columns (Status, ...).
  const legs = ["SigninLogs", "AADNonInteractiveUserSignInLogs"];
  const term = "daniel.reyes";
  const searched = await provider.query(`search in (${legs.join(", ")}) "${term}"`);
  const wheres = await Promise.all(legs.map((t) => explicitWhere(t, "has", term)));
  const unioned = await provider.query(`union withsource=src ${wheres.map((w) => `(${w})`)}`);
  assert.deepEqual(searched.frame.columns.slice(1), unioned.frame.columns.slice(1));
  assert.ok(searched.frame.columns.includes("Status_dynamic"));
  const body = (f: DataFrame) => JSON.stringify(f.drop(f.columns[0]).toRecords());
  assert.ok(searched.frame.height > 0);
  assert.equal(body(searched.frame), body(unioned.frame));
});

Deno.test("casefile query runs search over the whole demo case", async () => {
  const run = await runCasefile([
    "query",
    'search "dx.datapipe-metrics.example" | summarize n = count() by $table',
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), [{ $table: "DnsEvents", n: 1100 }]);
});
