/**
 * `fork` and `facet` make several result tables, as Kusto does (its documentation: "Multiple
 * result tables, one for each of the subquery arguments"; facet: "one for the with clause,
 * and one for each column"), named by a leg's `name =` or trailing `| as name`, a facet's
 * column. Expected rows are worked out by hand from the small tables below.
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { tempFolder } from "../_helpers.ts";
import { pipeRepl } from "../repl/_piped.ts";

const sales = `datatable(Seller: string, Region: string, Amount: long) [
  "ann", "North", 10,
  "bob", "North", 30,
  "cid", "South", 50,
  "ann", "South", 5,
]`;

type Table = { name: string; columns: string[]; rows: unknown[][] };

async function tables(query: string): Promise<Table[] | undefined> {
  const result = await executeKql(query);
  return result.tables?.map((t) => ({
    name: t.schema.name,
    columns: t.schema.columns.map((c) => c.name),
    rows: t.frame.rows().map((r) => r.map((v) => typeof v === "bigint" ? Number(v) : v)),
  }));
}

Deno.test("fork returns one table per leg, named as Kusto names them", async () => {
  const query = `${sales}
    | fork
      Big = (where Amount > 20 | project Seller)
      (summarize Total = sum(Amount) by Seller | order by Seller asc | as Totals)
      (count)`;
  assert.deepEqual(await tables(query), [
    { name: "Big", columns: ["Seller"], rows: [["bob"], ["cid"]] },
    {
      name: "Totals",
      columns: ["Seller", "Total"],
      rows: [["ann", 15], ["bob", 30], ["cid", 50]],
    },
    { name: "Table_2", columns: ["Count"], rows: [[4]] },
  ]);
  // The first table is still the result's frame, under its name.
  const result = await executeKql(query);
  assert.equal(result.schema.name, "Big");
  assert.deepEqual(result.frame.getColumn("Seller").toArray(), ["bob", "cid"]);
  assert.equal(result.tables?.[0].frame, result.frame);
});

Deno.test("an unnamed first leg is PrimaryResult; render after fork keeps the tables", async () => {
  const result = await executeKql(
    `${sales} | fork (take 1) (where Region == "South") | render table`,
  );
  assert.equal(result.render?.visualization, "table");
  assert.deepEqual(result.tables?.map((t) => [t.schema.name, t.frame.height]), [
    ["PrimaryResult", 1],
    ["Table_1", 2],
  ]);
});

Deno.test("facet returns the with table, then each column's counts", async () => {
  assert.deepEqual(
    await tables(`${sales} | facet by Region, Seller with (where Amount >= 30 | project Seller)`),
    [
      { name: "PrimaryResult", columns: ["Seller"], rows: [["bob"], ["cid"]] },
      { name: "Region", columns: ["Region", "count_Region"], rows: [["North", 2], ["South", 2]] },
      {
        name: "Seller",
        columns: ["Seller", "count_Seller"],
        rows: [["ann", 2], ["bob", 1], ["cid", 1]],
      },
    ],
  );
  // Without `with`, the first column's table comes first.
  const only = await tables(`${sales} | facet by Seller`);
  assert.equal(only, undefined, "one table: no list of tables");
  const result = await executeKql(`${sales} | facet by Seller, Region`);
  assert.deepEqual(result.tables?.map((t) => t.schema.name), ["Seller", "Region"]);
  assert.equal(result.schema.name, "Seller");
});

Deno.test("a query of one table has no list of tables", async () => {
  const result = await executeKql(`${sales} | where Amount > 20`);
  assert.equal(result.tables, undefined);
  assert.equal(result.schema.name, "PrimaryResult");
});

Deno.test("the local provider passes every table on", async () => {
  const provider = await openLocalProvider();
  const result = await provider.query(
    "SigninLogs | where ResultType == '0' | fork Ok = (count) All = (take 3)",
  );
  assert.deepEqual(result.tables?.map((t) => t.schema.name), ["Ok", "All"]);
  assert.equal(result.tables?.[1].frame.height, 3);
  assert.equal(result.schema.name, "Ok");
});

Deno.test({
  name: "in the piped REPL: a fork's tables are all shown, each under its name",
  sanitizeResources: false,
  async fn() {
    const home = await tempFolder();
    const fork = `${
      sales.replaceAll("\n", " ")
    } | fork Big = (where Amount > 20 | project Seller) (summarize Total = sum(Amount) by Region | order by Region asc | as PerRegion)`;
    const run = await pipeRepl(home, "forks", [
      `%kql split = ${fork}`,
      `%kql ${sales.replaceAll("\n", " ")} | facet by Region`,
      // The same query again: the cache holds one table a result, so it runs again.
      `%kql again = ${fork}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const out = run.stdout;
    const first = out.indexOf("table 1 of 2: Big (2 rows)");
    const second = out.indexOf("table 2 of 2: PerRegion (2 rows)");
    assert.ok(first >= 0 && second > first, out);
    // The rows of each table follow its title.
    assert.match(out.slice(first, second), /^bob\s*$/m);
    assert.match(out.slice(first, second), /^cid\s*$/m);
    assert.match(out.slice(second), /^North\s+40\s*$/m);
    assert.match(out.slice(second), /^South\s+55\s*$/m);
    // A query of one table shows no titles.
    assert.doesNotMatch(out.slice(second), /table 1 of 1/);
    assert.match(out.slice(second), /^Region\s+count_Region\s*$/m);
    const again = out.indexOf("table 2 of 2: PerRegion (2 rows)", second + 1);
    assert.ok(again > second, out);
  },
});
