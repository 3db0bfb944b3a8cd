/**
 * Tables of other places: `workspace("w").T`, `app("a").T`, `resource("id").T`,
 * `database("d").T` and `cluster("c").database("d").T` parse to a scoped table (the forms
 * Kusto.Language accepts; these queries are also in the two-parser test's samples), and the
 * local engine refuses them by name with a hint. The Log Analytics twin resolving them is
 * tested in tests/providers/sentinel_cross_workspace_test.ts.
 */
import assert from "node:assert/strict";
import { KqlUnsupportedError, parseKql, runKql, tableReferences } from "../../src/kql/mod.ts";

Deno.test("each form keeps its place and table name", () => {
  const cases: Array<[string, Array<[string, string]>, string]> = [
    ['workspace("emea").SigninLogs | take 3', [["workspace", "emea"]], "SigninLogs"],
    ["app('web-frontend').requests", [["app", "web-frontend"]], "requests"],
    [
      'resource("/subscriptions/s/resourceGroups/rg").AzureActivity',
      [["resource", "/subscriptions/s/resourceGroups/rg"]],
      "AzureActivity",
    ],
    ['database("Samples").StormEvents', [["database", "Samples"]], "StormEvents"],
    [
      "cluster('help').database('Samples').['Storm Events'] | count",
      [["cluster", "help"], ["database", "Samples"]],
      "Storm Events",
    ],
    ['cluster("c").database("d").table("T")', [["cluster", "c"], ["database", "d"]], "T"],
    ['workspace(@"a" "b").T', [["workspace", "ab"]], "T"],
  ];
  for (const [query, place, table] of cases) {
    const [reference, ...rest] = tableReferences(query);
    assert.equal(rest.length, 0, query);
    assert.deepEqual(reference.scope.map((s) => [s.kind, s.name]), place, query);
    assert.equal(reference.table, table, query);
  }
  // In union, join and lookup; the same table twice is one reference.
  const refs = tableReferences(
    'union SigninLogs, workspace("emea").SigninLogs | join (workspace("emea").SigninLogs) on ' +
      'UserPrincipalName | lookup workspace("apac").IdentityInfo on UserPrincipalName',
  );
  assert.deepEqual(refs.map((r) => `${r.scope[0].name}/${r.table}`), [
    "emea/SigninLogs",
    "apac/IdentityInfo",
  ]);
  // A call on another database and a workspace() of a non-literal are not table references.
  assert.deepEqual(tableReferences('let w = "x"; workspace(w).T'), []);
  const statement = parseKql('workspace("emea").SigninLogs').statements[0];
  assert.equal(statement.kind === "expression" && statement.expression.kind, "scoped-table");
});

async function refusal(query: string): Promise<KqlUnsupportedError> {
  try {
    await runKql(query);
  } catch (error) {
    if (error instanceof KqlUnsupportedError) return error;
    throw error;
  }
  throw new Error(`expected a refusal: ${query}`);
}

Deno.test("the local engine refuses another place's table by name, with a hint", async () => {
  const workspace = await refusal('workspace("emea").SigninLogs | take 3');
  assert.match(workspace.message, /another workspace \(workspace\("emea"\)\.SigninLogs\)/);
  assert.match(workspace.hint ?? "", /cross-workspace queries need the Sentinel provider/);
  assert.equal(workspace.column, 1);
  const inJoin = await refusal(
    'datatable(x: int) [1] | join kind=inner (app("web").requests) on x',
  );
  assert.match(inJoin.message, /Application Insights app \(app\("web"\)\.requests\)/);
  assert.equal(inJoin.column, 42);
  const resource = await refusal('resource("/subscriptions/s").AzureActivity | count');
  assert.match(resource.hint ?? "", /Sentinel provider/);
  // cluster() and database() keep the one message of the refused functions.
  for (const query of ["cluster('help').database('Samples').StormEvents", "database('d').T"]) {
    const error = await refusal(query);
    assert.match(error.message, /The function '(cluster|database)\(\)'/);
    assert.match(error.hint ?? "", /reads what a Kusto cluster keeps/);
  }
});
