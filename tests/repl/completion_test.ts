import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { complete, type CompletionContext, loadKqlNames } from "../../repl/_completion.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { SENTINEL_SCHEMAS } from "../../src/schema/sentinel.ts";
import { pl } from "../../src/polars.ts";
import "../../mod.ts";

await loadKqlNames();
const provider = await openLocalProvider(undefined, { knownSchemas: SENTINEL_SCHEMAS });
const tables = await provider.tables();
const frame = pl.DataFrame({ Account: ["a"], Failures: [1] });

function context(over: Partial<CompletionContext> = {}): CompletionContext {
  return {
    pending: "",
    commands: ["help", "history", "schema", "set", "session", "mark", "export"],
    variables: ["spray", "sprayTop"],
    api: ["openLocalProvider", "openSession", "kql", "pl", "session"],
    params: ["upn", "window"],
    sessions: ["demo-1", "case-2"],
    tables,
    value: (name) => ({ spray: frame } as Record<string, unknown>)[name],
    ...over,
  };
}

Deno.test("complete() finds table names at the start of a %kql query", () => {
  assertEquals(complete("%kql s = Sign", context()), [["SigninLogs"], "Sign"]);
  assertEquals(complete("%kql Secu", context())[0].sort(), [
    "SecurityAlert",
    "SecurityEvent",
    "SecurityIncident",
  ]);
});

Deno.test("complete() finds columns of the table in play and operators after |", () => {
  const [columns, word] = complete("%kql s = SigninLogs | where UserPrin", context());
  assertEquals(word, "UserPrin");
  ok(columns.includes("UserPrincipalName"), columns.join());
  const [operators] = complete("%kql SigninLogs | summ", context());
  assertEquals(operators, ["summarize"]);
  const [all] = complete("%kql SigninLogs | ", context());
  ok(all.includes("where") && all.includes("project") && !all.includes("SigninLogs"));
  // Columns of DeviceProcessEvents, not of SigninLogs.
  const [device] = complete("%kql DeviceProcessEvents | where Process", context());
  ok(device.includes("ProcessCommandLine"), device.join());
  ok(
    !device.some((c) =>
      c.startsWith("ProcessId") &&
      !tables.some((t) =>
        t.name === "DeviceProcessEvents" && t.columns.some((col) => col.name === c)
      )
    ),
  );
});

Deno.test("complete() continues a multi-line %kql query and offers functions and parameters", () => {
  const ctx = context({ pending: "%kql spray =\nSigninLogs" });
  const [columns] = complete("| where ResultT", ctx);
  assertEquals(columns, ["ResultType"]);
  const [functions] = complete(
    "%kql SigninLogs | extend h = bin(TimeGenerated, 1h) | where dcou",
    context(),
  );
  assertEquals(functions, ["dcount", "dcount_hll", "dcount_intersect", "dcountif"]);
  assertEquals(complete("%kql SigninLogs | where UserPrincipalName == {{u", context()), [
    ["upn"],
    "u",
  ]);
});

Deno.test("complete() finds dot-commands and their arguments", () => {
  assertEquals(complete(".his", context()), [[".history "], ".his"]);
  assertEquals(complete(".s", context())[0], [".schema ", ".set ", ".session "]);
  assertEquals(complete(".schema Sig", context()), [["SigninLogs"], "Sig"]);
  assertEquals(complete(".set w", context()), [["window"], "w"]);
  assertEquals(complete(".mark 3 d", context()), [["dead-end"], "d"]);
  assertEquals(complete(".export n", context()), [["notebook"], "n"]);
  assertEquals(complete(".session case", context()), [["case-2"], "case"]);
});

Deno.test("complete() finds variables, API names and a DataFrame's methods", () => {
  assertEquals(complete("const t = spr", context()), [["spray", "sprayTop"], "spr"]);
  assertEquals(complete("await openS", context()), [["openSession"], "openS"]);
  const [methods, word] = complete("spray.he", context());
  assertEquals([methods, word], [["head", "height"], "he"]);
  const [none] = complete("nothing.he", context());
  assertEquals(none, []);
});

Deno.test("complete() reads a line starting with | as part of the query it continues", () => {
  assertEquals(complete("| summ", context()), [["summarize"], "summ"]);
  // The terminal passes the query the line extends as the input before it.
  const [columns, word] = complete(
    "| where UserPrin",
    context({ pending: "%kql spray = SigninLogs" }),
  );
  assertEquals(word, "UserPrin");
  ok(columns.includes("UserPrincipalName"), columns.join());
});

// Option names come from each function's run-time declaration (src/options.ts), loaded with
// the API (as in the REPL); columns from the frame bound in the scope.

Deno.test("complete() offers a function's option names after `fn(frame, {`", () => {
  const [names, word] = complete("timeChart(spray, { va", context());
  assertEquals([names, word], [["values"], "va"]);
  const [all] = complete("timelineChart(spray, { ", context());
  for (const name of ["time", "group", "color", "markers", "maxEvents", "title"]) {
    ok(all.includes(name), `${name} in ${all.join()}`);
  }
  ok(!all.includes("lane") && !all.includes("values"), all.join());
  // Options already given are not offered again; nor are other functions' options.
  const [rest] = complete('barChart(spray, { category: "Account", t', context());
  assertEquals(rest.sort(), ["title", "top"]);
  assertEquals(complete('barChart(spray, { category: "Account", top: 3, c', context()), [[], "c"]);
  // A method declared with its object's name.
  assertEquals(complete('session.query("x", "SigninLogs", { ref', context()), [["refresh"], "ref"]);
  // Not in an options object: the usual names.
  assertEquals(complete("timeChart(spr", context()), [["spray", "sprayTop"], "spr"]);
});

Deno.test("complete() offers the frame's columns in a column option's string", () => {
  assertEquals(complete('timelineChart(spray, { group: "Acc', context()), [["Account"], "Acc"]);
  assertEquals(complete('timeChart(spray, { values: ["', context())[0], ["Account", "Failures"]);
  assertEquals(
    complete('timeChart(spray, { values: ["Account", "Fa', context()),
    [["Failures"], "Fa"],
  );
  // A string option that is not a column, or an unknown frame: nothing to offer.
  assertEquals(complete('timeChart(spray, { title: "Acc', context()), [[], "Acc"]);
  assertEquals(complete('timeChart(nothing, { series: "Acc', context())[0], []);
});
