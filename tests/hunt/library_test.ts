/**
 * The hunting library's framework: families validated at load (hostile YAML named by file,
 * family, query and field), substitution that keeps every value a literal, typed argument
 * checks, and every built-in query run on the demo case (or, for a table the demo case
 * lacks, type-checked against its Sentinel schema) with the columns it declares.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  builtinHuntFamilies,
  createHunt,
  huntEntries,
  HuntError,
  HuntLibraryError,
  huntText,
  loadHuntFolder,
  searchHunts,
  validateHuntFamilies,
} from "../../src/hunt/mod.ts";
import type { HuntParamType, HuntQuery } from "../../src/hunt/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { polarsTypeOf, SENTINEL_SCHEMAS } from "../../src/schema/mod.ts";
import { executeKql } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";
import { tempDir } from "../_helpers.ts";

const NOW = new Date("2026-03-16T00:00:00Z"); // the demo case's reference time (ANSWERS.md)

const GOOD = `name: mine
description: My own queries.
queries:
  - name: failuresFromIp
    description: Failed sign-ins from one address.
    tables: [SigninLogs]
    parameters:
      ip: { type: ip, description: The address., example: 203.0.113.45 }
    window: 14d
    tactics: [Credential Access]
    techniques: [T1110.003]
    columns: [UserPrincipalName, Failures]
    query: |
      SigninLogs
      | where TimeGenerated between ({start} .. {end})
      | where IPAddress == {ip} and ResultType != "0"
      | summarize Failures = count() by UserPrincipalName
      | project UserPrincipalName, Failures
`;

async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, name), text);
  return dir;
}

async function problemsOf(text: string) {
  const dir = await folderWith({ "bad.yaml": text });
  const error = await loadHuntFolder(dir).then(() => undefined, (e) => e);
  assert.ok(error instanceof HuntLibraryError, `a HuntLibraryError, not ${error}`);
  return { dir, problems: error.problems, error };
}

Deno.test("a folder of YAML families loads and runs on the demo case", async () => {
  const dir = await folderWith({ "mine.yaml": GOOD, "notes.txt": "not a family" });
  const families = await loadHuntFolder(dir);
  assert.deepEqual(families.map((f) => f.name), ["mine"]);
  const mine = createHunt(families, { provider: await openLocalProvider() });
  const frame = await mine.mine.failuresFromIp({ ip: "203.0.113.45" });
  assert.deepEqual(frame.columns, ["UserPrincipalName", "Failures"]);
  // ANSWERS.md: 203.0.113.45 sprayed 162 account names in one round.
  assert.equal(frame.height, 162);
});

Deno.test("hostile YAML: every problem is named by file, family, query and field", async (t) => {
  await t.step("an unknown field, with the closest known one", async () => {
    const { problems, dir } = await problemsOf(GOOD.replace("    window: 14d", "    windw: 14d"));
    const unknown = problems.find((p) => p.field === "windw");
    assert.ok(unknown, JSON.stringify(problems));
    assert.equal(unknown.source, join(dir, "bad.yaml"));
    assert.equal(unknown.family, "mine");
    assert.equal(unknown.query, "failuresFromIp");
    assert.match(unknown.message, /unknown field.*`window`/);
    // ... and the missing window itself.
    assert.ok(problems.some((p) => p.field === "window"));
  });
  await t.step("a parameter used but not declared, and one declared but not used", async () => {
    const { problems } = await problemsOf(
      GOOD.replace("IPAddress == {ip}", "IPAddress == {ipAddress}"),
    );
    assert.deepEqual(
      problems.map((p) => [p.field, p.message.split(" ").slice(0, 3).join(" ")]),
      [["query", "{ipAddress} is used"], ["parameters.ip", "declared but not"]],
    );
  });
  await t.step("a technique that is not an id, a tactic ATT&CK does not have", async () => {
    const { problems } = await problemsOf(
      GOOD.replace("[T1110.003]", "[T1110.3, t1110]").replace(
        "[Credential Access]",
        "[Credential Acces]",
      ),
    );
    assert.deepEqual(problems.map((p) => p.field), ["tactics", "techniques", "techniques"]);
    assert.match(problems[0].message, /`Credential Access`/);
  });
  await t.step("KQL that does not parse: the line and column inside the query", async () => {
    const { problems, error } = await problemsOf(
      GOOD.replace("IPAddress == {ip} and", "IPAddress == {ip} ) and"),
    );
    assert.equal(problems.length, 1);
    assert.equal(problems[0].field, "query");
    // Line 3 of the query, the stray `)` at column 27 (counted by hand, {ip} included).
    assert.deepEqual([problems[0].line, problems[0].column], [3, 27]);
    assert.match(error.message, /query failuresFromIp, field query, line 3, column 27/);
  });
  await t.step("a table Sentinel does not have, an unknown type, a bad window", async () => {
    const { problems } = await problemsOf(
      GOOD.replace("[SigninLogs]", "[SignInLogs]").replace("type: ip", "type: ipaddress")
        .replace("window: 14d", "window: fortnight"),
    );
    const fields = problems.map((p) => p.field);
    assert.deepEqual(fields, ["tables", "window", "parameters.ip.type"]);
    assert.match(problems[0].message, /`SigninLogs`/);
  });
  await t.step("YAML that does not parse, and a duplicate key", async () => {
    const { problems } = await problemsOf("name: x\nname: y\n");
    assert.match(problems[0].source, /bad\.yaml:\d+:\d+$/);
    assert.match(problems[0].message, /not valid YAML/);
  });
  await t.step("a family named like a built-in one", async () => {
    const { problems } = await problemsOf(GOOD.replace("name: mine", "name: identity"));
    assert.match(problems[0].message, /already in built-in/);
  });
  await t.step("a parameter named like the window", () => {
    const bad = validateHuntFamilies.bind(null, [{
      name: "f",
      description: "d",
      queries: [{
        name: "q",
        description: "d",
        tables: ["SigninLogs"],
        parameters: { start: { type: "datetime", description: "d" } },
        window: "1d",
        tactics: [],
        techniques: [],
        columns: ["n"],
        query: "SigninLogs | where TimeGenerated > {start} | count",
      }],
    }]);
    assert.throws(bad, (e: HuntLibraryError) => e.problems[0].field === "parameters.start");
  });
});

const SIGNINS: HuntQuery = {
  name: "signinsOf",
  description: "An account's sign-ins.",
  tables: ["SigninLogs"],
  parameters: {
    account: { type: "account", description: "The account." },
    ips: { type: "ips", description: "Addresses.", default: [] },
    limit: { type: "long", description: "Rows.", default: 1000 },
  },
  window: "14d",
  tactics: [],
  techniques: [],
  columns: ["UserPrincipalName", "IPAddress"],
  query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where UserPrincipalName =~ {account}
| where array_length({ips}) == 0 or IPAddress in ({ips})
| take {limit}
| project UserPrincipalName, IPAddress`,
};

Deno.test("substitution: literals as the format says, injection attempts stay literals", async () => {
  const { text, start, end } = huntText(SIGNINS, {
    account: "daniel.reyes@larkspurlogistics.example",
    ips: ["203.0.113.45"],
    window: "1d",
  }, { now: NOW, id: "t.signinsOf" });
  assert.equal(start.toISOString(), "2026-03-15T00:00:00.000Z");
  assert.equal(end.toISOString(), "2026-03-16T00:00:00.000Z");
  assert.ok(
    text.includes(
      "between (datetime(2026-03-15T00:00:00.000Z) .. datetime(2026-03-16T00:00:00.000Z))",
    ),
  );
  assert.ok(text.includes('=~ "daniel.reyes@larkspurlogistics.example"'));
  assert.ok(text.includes('array_length(dynamic(["203.0.113.45"])) == 0'));
  assert.ok(text.includes("| take 1000"));
  assert.equal(
    text.split("\n")[0],
    '// casefile hunt t.signinsOf {"account":"daniel.reyes@larkspurlogistics.example","ips":["203.0.113.45"],"window":"1d"}',
  );

  const provider = await openLocalProvider();
  const mine = createHunt([{ name: "t", description: "d", queries: [SIGNINS] }], { provider });
  // The victim's sign-ins from the attacker's address (ANSWERS.md: spray success + browser).
  const victim = await mine.t.signinsOf({
    account: "daniel.reyes@larkspurlogistics.example",
    ips: ["203.0.113.45"],
  });
  assert.ok(victim.height >= 2);
  // Values that try to close the string, end the comment, or add operators: no rows, no error.
  for (
    const hostile of [
      'x" or 1==1 or UserPrincipalName != "',
      "x\n| take 5\n//",
      "x\u2028| take 5",
      "x' or '1'=='1",
      "{account}",
      "x\\",
    ]
  ) {
    const frame = await mine.t.signinsOf({ account: hostile });
    assert.equal(frame.height, 0, `the value ${JSON.stringify(hostile)} stayed a literal`);
    const { text } = huntText(SIGNINS, { account: hostile }, { now: NOW });
    assert.equal(text.split("\n").length, SIGNINS.query.split("\n").length + 1);
  }
  const frame = await mine.t.signinsOf({ account: "x", ips: ['1.1.1.1") or true or ("'] }).catch((
    e,
  ) => e);
  assert.ok(frame instanceof HuntError, "a list of ips holds addresses only");
});

Deno.test("typed arguments: missing, unknown (did you mean), wrong type", () => {
  const call = (args: Record<string, unknown>) => () =>
    huntText(SIGNINS, args, { now: NOW, id: "t.signinsOf" });
  assert.throws(
    call({}),
    (e: HuntError) =>
      e instanceof HuntError && /needs the parameter account \(account\)/.test(e.message),
  );
  assert.throws(
    call({ acount: "x", account: "y" }),
    (e: HuntError) => /has no parameter acount/.test(e.message) && /`account`/.test(e.hint ?? ""),
  );
  assert.throws(call({ account: "x", limit: "5" }), /limit must be a whole number/);
  assert.throws(call({ account: "x", limit: 2.5 }), /limit must be a whole number/);
  assert.throws(call({ account: 42 }), /account must be a string/);
  assert.throws(call({ account: "x", ips: "1.2.3.4" }), /ips must be a list of strings/);
  assert.throws(call({ account: "x", window: "a week" }), /is not a KQL timespan/);
  assert.throws(
    call({ account: "x", start: "2026-03-12", end: "2026-03-11" }),
    /start is not before/,
  );
});

const SAMPLE: Record<HuntParamType, unknown> = {
  account: "daniel.reyes@larkspurlogistics.example",
  mailbox: "daniel.reyes@larkspurlogistics.example",
  host: "LKS-WS-1042",
  ip: "203.0.113.45",
  url: "https://cdn.edgeupdate-sync.example/",
  domain: "cdn.edgeupdate-sync.example",
  hash: "2dc5f1f0bc82428ec71acd28eb1a650bed7d5184b66f760120fa050263b552ec",
  process: "powershell.exe",
  app: "Office 365 Exchange Online",
  file: "msedgeupdate.exe",
  string: "x",
  strings: ["x"],
  ips: ["203.0.113.45"],
  accounts: ["daniel.reyes@larkspurlogistics.example"],
  hosts: ["LKS-WS-1042"],
  long: 1,
  real: 1,
  bool: true,
  datetime: "2026-03-11T00:00:00Z",
  timespan: "1h",
};

Deno.test("every built-in query runs on the demo case (or type-checks) with its declared columns", async (t) => {
  const families = builtinHuntFamilies();
  assert.ok(families.length >= 1);
  const provider = await openLocalProvider();
  const present = new Set((await provider.tables()).map((x) => x.name));
  let ran = 0;
  let typed = 0;
  for (const { id, query } of huntEntries(families)) {
    await t.step(id, async () => {
      const args: Record<string, unknown> = {};
      for (const [name, p] of Object.entries(query.parameters)) {
        if (p.default === undefined) args[name] = p.example ?? SAMPLE[p.type];
      }
      const { text } = huntText(query, args, { now: NOW, id });
      if (query.tables.every((table) => present.has(table))) {
        const result = await provider.query(text);
        assert.deepEqual(
          result.frame.columns,
          [...query.columns],
          "the declared columns, in order",
        );
        ran++;
        return;
      }
      // A table the demo case lacks: run on empty tables of its Sentinel schema instead.
      const tables: Record<string, ReturnType<typeof pl.DataFrame>> = {};
      const schemas: Record<string, (typeof SENTINEL_SCHEMAS)[string]> = {};
      for (const table of query.tables) {
        if (present.has(table)) {
          tables[table] = (await provider.table(table)).frame.head(0);
          schemas[table] = (await provider.table(table)).schema;
        } else {
          const schema = SENTINEL_SCHEMAS[table];
          tables[table] = pl.DataFrame(
            schema.columns.map((c) => pl.Series(c.name, [], polarsTypeOf(c.type))),
          );
          schemas[table] = schema;
        }
      }
      const result = await executeKql(text, { tables, schemas, now: NOW });
      assert.deepEqual(result.frame.columns, [...query.columns], "the declared columns, in order");
      typed++;
    });
  }
  assert.equal(ran + typed, huntEntries(families).length);
});

Deno.test("search: by text, table, technique (with sub-techniques), tactic, entity", () => {
  const all = huntEntries();
  const spray = searchHunts({ technique: "T1110" });
  assert.ok(spray.length > 0 && spray.length < all.length);
  assert.ok(spray.every((e) => e.query.techniques.some((x) => x.startsWith("T1110"))));
  assert.ok(spray.some((e) => e.query.techniques.includes("T1110.003")));
  assert.ok(
    searchHunts({ table: "signinlogs" }).every((e) => e.query.tables.includes("SigninLogs")),
  );
  const byIp = searchHunts({ entity: "ip" });
  assert.ok(byIp.length > 0);
  assert.ok(
    byIp.every((e) =>
      Object.values(e.query.parameters).some((p) => p.type === "ip" || p.type === "ips")
    ),
  );
  assert.deepEqual(searchHunts({ text: "no such words anywhere" }), []);
});
