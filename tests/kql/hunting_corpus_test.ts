/**
 * The engine faults a corpus of real Microsoft Sentinel hunting queries and analytic rules
 * found (issue 16, `scripts/kql_corpus.ts` over the public Azure-Sentinel repository), each
 * checked against an independent source: Kusto.Language's parser and binder
 * (`@kusto/language-service-next`), Kusto's documentation, or hand computation. And the corpus
 * runner itself, through `deno run`.
 */
import assert from "node:assert/strict";
import {
  executeKql,
  KqlSemanticError,
  KqlSyntaxError,
  KqlUnsupportedError,
} from "../../src/kql/mod.ts";
import { bindKql } from "./_kusto_binder.ts";
import { runCasefile, runKqlCorpus, tempFolder } from "../_helpers.ts";

async function rows(query: string): Promise<Record<string, unknown>[]> {
  return (await executeKql(query, { tables: {} })).frame.toRecords();
}

async function columns(query: string): Promise<string[]> {
  return (await executeKql(query, { tables: {} })).schema.columns.map((c) => c.name);
}

Deno.test("project-away and project-keep take a wildcard that ends in digits (`*1`)", async () => {
  // The rule "Successful logon from IP and failure from a different IP" drops the join's
  // duplicate columns with `project-away *1`; Kusto.Language binds it to the columns left.
  const q = "print a1 = 1, b = 2, c1 = 3, d11 = 4";
  assert.deepEqual(bindKql(`${q} | project-away *1`).columns.map((c) => c.name), ["b"]);
  assert.deepEqual(await columns(`${q} | project-away *1`), ["b"]);
  assert.deepEqual(await columns(`${q} | project-keep *1`), ["a1", "c1", "d11"]);
  assert.deepEqual(await columns(`${q} | project-away d*1`), ["a1", "b", "c1"]);
});

Deno.test("a join key names a column with spaces as $left.['Column name']", async () => {
  // UEBA's "Activity from terminated employees" joins a watchlist on
  // $left.['User Principal Name'] == $right.UserPrincipalName.
  const q = `datatable(['User Principal Name']: string, a: long) ["x", 1, "y", 5]
    | join kind=inner (datatable(UPN: string, b: long) ["x", 2])
      on $left.['User Principal Name'] == $right.UPN`;
  assert.deepEqual(bindKql(q).errors, []);
  assert.deepEqual(await rows(q), [{ "User Principal Name": "x", a: 1, UPN: "x", b: 2 }]);
  const swapped = q.replace(
    "$left.['User Principal Name'] == $right.UPN",
    "$right['UPN'] == $left['User Principal Name']",
  );
  assert.deepEqual(await rows(swapped), [{ "User Principal Name": "x", a: 1, UPN: "x", b: 2 }]);
});

Deno.test("a misspelt function is an unknown function with a suggestion, not a missing feature", async () => {
  // "Mass Cloud resource deletions" writes startfoday(); Kusto.Language calls it unknown.
  assert.ok(bindKql("print startfoday(now())").errors.some((e) => /startfoday/.test(e)));
  const typo = await executeKql("print startfoday(now())").then(() => undefined, (e) => e);
  assert.ok(typo instanceof KqlSemanticError);
  assert.ok(!(typo instanceof KqlUnsupportedError), "a typo is not a missing feature");
  assert.match(typo.message, /Unknown function 'startfoday\(\)'\. Did you mean startofday\(\)\?/);
  assert.deepEqual([typo.line, typo.column], [1, 7]);
  // A workspace function (a saved function, an ASIM parser) is one the engine cannot know.
  const workspace = await executeKql("print _MyParser(1)").then(() => undefined, (e) => e);
  assert.ok(workspace instanceof KqlUnsupportedError);
  assert.match(workspace.message, /workspace function '_MyParser\(\)'/);
});

Deno.test("'!in' without its left side is a syntax error, as in Kusto.Language", async () => {
  for (const q of ["print x = 1 | where !in (1, 2)", "print x = 1 | where !has 'a'"]) {
    assert.ok(bindKql(q).errors.length > 0, `Kusto.Language accepts ${q}`);
    const e = await executeKql(q).then(() => undefined, (e) => e);
    assert.ok(e instanceof KqlSyntaxError, `${q}: ${e}`);
    assert.equal(e.column, 21);
  }
  // With its left side it is an operator; bracketed, a column name.
  assert.deepEqual(await rows("print x = 3 | where x !in (1, 2)"), [{ x: 3 }]);
  assert.deepEqual(await rows("datatable(['!in']: long) [1] | where ['!in'] == 1"), [{ "!in": 1 }]);
});

Deno.test("datetime % timespan and datetime / timespan count from 0001-01-01 as Kusto's ticks", async () => {
  // Kusto.Language types them timespan and real.
  assert.equal(bindKql("print datetime(2020-01-01) % 1h").columns[0].type, "timespan");
  assert.equal(bindKql("print datetime(2020-01-01) / 1h").columns[0].type, "real");
  // By hand: 2020-01-01 is day 737424 after 0001-01-01 (a Monday); 737424 = 7 * 105346 + 2,
  // so 10:37 that Wednesday is 2 days 10:37 into its week, and 30 minutes into its hour.
  const [r] = await rows(`print t = datetime(2020-01-01 10:37:00.000007)
    | extend h = t % 1h, w = t % 7d, d = datetime(2020-01-01) / 1d, n = datetime(null) % 1h`);
  assert.equal(r.h, (37 * 60) * 1e6 + 7);
  assert.equal(r.w, ((2 * 24 + 10) * 60 + 37) * 60 * 1e6 + 7);
  assert.equal(r.d, 737424);
  assert.equal(r.n, null);
  const [c] = await rows(
    "datatable(t: datetime) [datetime(2020-01-01 10:37)] | project w = t % 7d",
  );
  assert.equal(c.w, ((2 * 24 + 10) * 60 + 37) * 60 * 1e6);
});

Deno.test("todouble() reads .NET number text only: hexadecimal is no real", async () => {
  const [r] = await rows(`print a = todouble("0x10"), b = toreal("1e3"), c = todouble(".5"),
    d = todouble(" -2.5E-1 "), e = todouble("0b1"), f = tolong("0x10")`);
  assert.deepEqual(r, { a: null, b: 1000, c: 0.5, d: -0.25, e: null, f: 16 });
  const out = await rows(`datatable(s: string) ["0x10", "2.5"] | project d = todouble(s)`);
  assert.deepEqual(out, [{ d: null }, { d: 2.5 }]);
});

Deno.test("parse_json('') is null, as Kusto's isnull() documentation shows", async () => {
  // learn.microsoft.com isnull(): isnull(parse_json("")) == true; isempty() too.
  const [r] = await rows(`print a = isnull(parse_json("")), b = isempty(parse_json("")),
    c = gettype(parse_json("")), d = isnull(parse_json("[]"))`);
  assert.deepEqual(r, { a: true, b: true, c: "null", d: false });
  const out = await rows(`datatable(s: string) ["", "[1]"] | project a = isnull(todynamic(s))`);
  assert.deepEqual(out, [{ a: true }, { a: false }]);
});

Deno.test("deno run scripts/kql_corpus.ts classifies a folder of hunting queries", async () => {
  const dir = await tempFolder({
    "ran.kql": "SecurityAlert | summarize count() by AlertSeverity",
    "rule.yaml": [
      "id: 1",
      "name: a rule",
      "query: |",
      "  SigninLogs",
      "  | where TimeGenerated > ago(1d)",
      "  | where NoSuchColumn == 1",
      "",
    ].join("\n"),
    "invalid.kql": "SigninLogs | where !in (1)",
    "parser.kql": "_Im_NoSuchSchema | take 1",
    "notes.txt": "not a query",
  });
  const child = await runKqlCorpus(dir);
  const out = child.stdout;
  assert.equal(child.code, 0, child.stderr);
  const lines = out.trim().split("\n");
  const outcome = (name: string) => lines.find((l) => l.includes(name))?.split(/\s+/)[0];
  assert.equal(outcome("ran.kql"), "ran");
  assert.equal(outcome("rule.yaml"), "unknown-column");
  assert.equal(outcome("invalid.kql"), "invalid-kql");
  assert.equal(lines.length, 5);
  assert.match(lines.at(-1)!, /^summary: 1\/4 ran \(25\.0%\)/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("casefile query runs a rule's project-away *1 through the front door", async () => {
  const run = await runCasefile([
    "query",
    `SigninLogs | take 3 | project UserPrincipalName, IPAddress
      | join kind=inner (SigninLogs | take 3 | project UserPrincipalName, IPAddress) on UserPrincipalName
      | project-away *1 | getschema | project ColumnName`,
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), [
    { ColumnName: "UserPrincipalName" },
    { ColumnName: "IPAddress" },
  ]);
});

Deno.test("autocluster() over a whole wide table stops with a hint instead of exhausting memory", async () => {
  // `SigninLogs | evaluate autocluster()` (45 columns, 11,381 rows) used to search for minutes
  // and end the process out of memory; a projection of a few columns still clusters.
  const { openLocalProvider } = await import("../../src/providers/local/local_provider.ts");
  const provider = await openLocalProvider();
  for (const plugin of ["autocluster()", "basket()"]) {
    const e = await provider.query(`SigninLogs | evaluate ${plugin}`).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(e instanceof KqlSemanticError, `${plugin}: ${e}`);
    assert.match(e.message, /too many candidate patterns/);
    assert.match(e.hint ?? "", /Project fewer columns/);
  }
  const few = await provider.query(
    "SigninLogs | project ClientAppUsed, UserAgent | evaluate autocluster()",
  );
  assert.ok(few.rowCount > 0);
});

Deno.test("autocluster() and basket() still answer over a long table of a few columns", async () => {
  // 200,000 rows, 8 columns: within the search's budget (a too-small budget refused it as
  // "too many candidate patterns"). Three quarters of the rows are one combination, so
  // both plugins must report it with its count.
  const { executeKql } = await import("../../src/kql/mod.ts");
  const { pl } = await import("../../src/polars.ts");
  const n = 200_000;
  const names = ["App", "Result", "Country", "Client", "OS", "Browser", "Risk", "Kind"];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cols: Record<string, string[]> = {};
  for (const [i, name] of names.entries()) {
    cols[name] = Array.from(
      { length: n },
      (_, r) => r % 4 !== 3 ? `${name}0` : `${name}${1 + Math.floor(rnd() * (3 + i))}`,
    );
  }
  const schemas = {
    T: { name: "T", columns: names.map((name) => ({ name, type: "string" as const })) },
  };
  for (const plugin of ["autocluster()", "basket()"]) {
    const r = await executeKql(`T | evaluate ${plugin}`, {
      tables: { T: pl.DataFrame(cols) },
      schemas,
    });
    const rows = r.frame.toRecords() as Record<string, unknown>[];
    // basket() reports at most 5 columns of a pattern (MaxDimensions), autocluster() all.
    const top = rows.find((row) =>
      names.filter((name) => row[name] === `${name}0`).length >= 5 &&
      names.every((name) => row[name] === `${name}0` || row[name] === "")
    );
    assert.ok(
      top,
      `${plugin}: no cluster of the common combination in ${JSON.stringify(rows.slice(0, 3))}`,
    );
    // Exactly the 150,000 rows with r % 4 != 3: the random values are never the `…0` ones.
    assert.equal(Number(top.Count), 150_000, plugin);
  }
});
