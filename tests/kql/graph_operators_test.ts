/**
 * make-graph and the graph operators, on the examples of Microsoft's Kusto documentation
 * with their documented output (graph-match, graph-shortest-paths, graph-to-table,
 * graph-mark-components).
 */
import assert from "node:assert/strict";
import { KqlSemanticError, runKql } from "../../src/kql/mod.ts";

async function values(query: string) {
  return (await runKql(query)).toRecords().map((r) => Object.values(r));
}

const entities = `let Entities = datatable(name:string, type:string, age:long) [
  "Alice", "Person", 23, "Bob", "Person", 31, "Eve", "Person", 17, "Mallory", "Person", 29,
  "Apollo", "System", 99];
let Actions = datatable(source:string, destination:string, action_type:string) [
  "Alice", "Bob", "communicatesWith", "Alice", "Apollo", "trusts", "Bob", "Apollo", "hasPermission",
  "Eve", "Alice", "attacks", "Mallory", "Alice", "attacks", "Mallory", "Bob", "attacks"];`;

Deno.test("graph-match finds attack paths and star patterns, as documented", async () => {
  const path = `${entities}
    Actions
    | make-graph source --> destination with Entities on name
    | graph-match (mallory)-[attacks]->(compromised)-[hasPermission]->(apollo)
      where mallory.name == "Mallory" and apollo.name == "Apollo" and attacks.action_type == "attacks" and hasPermission.action_type == "hasPermission"
      project Attacker = mallory.name, Compromised = compromised.name, System = apollo.name`;
  assert.deepEqual(await values(path), [["Mallory", "Bob", "Apollo"]]);
  const star = path
    .replace("->(apollo)", "->(apollo), (compromised)-[communicates]-(alice)")
    .replace('"hasPermission"\n', '"hasPermission" and alice.name == "Alice"\n');
  assert.ok(star.includes("(alice)") && star.includes('alice.name == "Alice"'));
  assert.deepEqual(await values(star), [["Mallory", "Bob", "Apollo"]]);
});

Deno.test("graph-match with a variable-length edge returns its properties as arrays", async () => {
  const rows = await values(`
    let employees = datatable(name:string, age:long) [
      "Alice", 32, "Bob", 31, "Eve", 27, "Joe", 29, "Chris", 45, "Alex", 35, "Ben", 23, "Richard", 39];
    let reports = datatable(employee:string, manager:string) [
      "Bob", "Alice", "Chris", "Alice", "Eve", "Bob", "Ben", "Chris", "Joe", "Alice", "Richard", "Bob"];
    reports
    | make-graph employee --> manager with employees on name
    | graph-match (alice)<-[reports*1..5]-(employee)
      where alice.name == "Alice" and employee.age < 30
      project employee = employee.name, age = employee.age, reportingPath = reports.manager
    | order by employee asc`);
  assert.deepEqual(rows, [
    ["Ben", 23, '["Alice","Chris"]'],
    ["Eve", 27, '["Alice","Bob"]'],
    ["Joe", 29, '["Alice"]'],
  ]);
});

const children = `let ChildOf = datatable(child:string, parent:string) [
  "Alice", "Bob", "Carol", "Alice", "Carol", "Dave", "Greg", "Alice", "Greg", "Dave",
  "Howard", "Alice", "Howard", "Dave", "Eve", "Frank", "Frank", "Mallory", "Eve", "Kirk"];
ChildOf
| make-graph child --> parent with_node_id=name
| graph-mark-components with_component_id = family`;

Deno.test("graph-mark-components numbers the families, as documented", async () => {
  assert.deepEqual(await values(`${children} | graph-to-table nodes`), [
    ["Alice", 0],
    ["Bob", 0],
    ["Carol", 0],
    ["Dave", 0],
    ["Greg", 0],
    ["Howard", 0],
    ["Eve", 1],
    ["Frank", 1],
    ["Mallory", 1],
    ["Kirk", 1],
  ]);
  assert.deepEqual(
    await values(`${children}
      | graph-match (descendant)-[childOf*1..5]->(ancestor)
        project name = ancestor.name, lineage = map(childOf, child), family = ancestor.family
      | summarize (generations, name) = arg_max(array_length(lineage), name) by family
      | order by family desc`),
    [[1, 2, "Mallory"], [0, 2, "Bob"]],
  );
  // Strong components follow edge directions: a child-parent forest has one per person,
  // and a cycle is one component (worked out by hand).
  const strong = children.replace("graph-mark-components", "graph-mark-components kind=strong");
  assert.deepEqual(await values(`${strong} | graph-to-table nodes | summarize dcount(family)`), [[
    10,
  ]]);
  assert.deepEqual(
    await values(`datatable(s:string, t:string) ["a", "b", "b", "c", "c", "a", "c", "d"]
      | make-graph s --> t with_node_id=n
      | graph-mark-components kind=strong
      | graph-to-table nodes`),
    [["a", 0], ["b", 0], ["c", 0], ["d", 1]],
  );
});

Deno.test("graph-shortest-paths keeps one or all of the shortest paths, as documented", async () => {
  const connections =
    `let connections = datatable(from_station:string, to_station:string, line:string) [
    "Central", "North", "red", "North", "Central", "red", "Central", "South", "red",
    "South", "Central", "red", "South", "South-West", "red", "South-West", "South", "red",
    "South-West", "West", "red", "West", "South-West", "red", "Central", "East", "blue",
    "East", "Central", "blue", "Central", "West", "blue", "West", "Central", "blue"];
  connections
  | make-graph from_station --> to_station with_node_id=station
  | graph-shortest-paths OUTPUT (start)-[connections*1..5]->(destination)
    where start.station == "South-West" and destination.station == "North"
    project from = start.station, path = map(connections, to_station), line = map(connections, line), to = destination.station`;
  const all = [
    ["South-West", '["South","Central","North"]', '["red","red","red"]', "North"],
    ["South-West", '["West","Central","North"]', '["red","blue","red"]', "North"],
  ];
  assert.deepEqual(await values(connections.replace("OUTPUT", "output=all")), all);
  const any = await values(connections.replace("OUTPUT", ""));
  assert.equal(any.length, 1);
  assert.ok(all.some((row) => JSON.stringify(row) === JSON.stringify(any[0])));
});

Deno.test("graph-to-table gives nodes and edges with Kusto's hash ids, as documented", async () => {
  const graph = `let nodes = datatable(name:string, type:string, age:long) [
    "Alice", "Person", 23, "Bob", "Person", 31, "Eve", "Person", 17, "Trent", "System", 99];
  let edges = datatable(source:string, destination:string, edge_type:string) [
    "Alice", "Bob", "communicatesWith", "Alice", "Trent", "trusts", "Bob", "Trent", "hasPermission",
    "Eve", "Alice", "attacks", "Mallory", "Alice", "attacks", "Mallory", "Bob", "attacks"];
  edges | make-graph source --> destination with nodes on name`;
  assert.deepEqual(
    await values(
      `${graph} | graph-to-table nodes with_node_id=NodeId | extend NodeId = tostring(NodeId)`,
    ),
    [
      ["-3122868243544336885", "Alice", "Person", 23],
      ["-7133945255344544237", "Bob", "Person", 31],
      ["4363395278938690453", "Eve", "Person", 17],
      ["2533909231875758225", "Trent", "System", 99],
      ["3855580634910899594", "Mallory", "", null],
    ],
  );
  assert.deepEqual(
    await values(`${graph}
      | graph-to-table edges with_source_id=SourceId with_target_id=TargetId
      | project SourceId = tostring(SourceId), TargetId = tostring(TargetId), source
      | take 2`),
    [
      ["-3122868243544336885", "-7133945255344544237", "Alice"],
      ["-3122868243544336885", "2533909231875758225", "Alice"],
    ],
  );
  // `as` names the tables for the statements after.
  assert.deepEqual(
    await values(
      `${graph} | graph-to-table nodes as N, edges as E; E | summarize count() by source | count`,
    ),
    [[4]],
  );
});

Deno.test("a graph is not a table: table operators after make-graph are errors", async () => {
  const error = await runKql('datatable(a:string, b:string)["x","y"] | make-graph a --> b | count')
    .then(() => undefined, (e) => e);
  assert.ok(error instanceof KqlSemanticError);
  assert.match(error.message, /'count' needs a table, and make-graph made a graph/);
});
