import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import {
  classifyInput,
  inputKind,
  isCompleteKql,
  parseKqlInput,
  splitKql,
  tableInPlay,
} from "../../repl/_input.ts";
import { typescript } from "../../repl/_transform.ts";
import { ReplError } from "../../repl/errors.ts";

const ts = await typescript();

Deno.test("inputKind() tells commands, %kql and TypeScript apart", () => {
  assertEquals(inputKind("   "), "empty");
  assertEquals(inputKind(".history"), "command");
  assertEquals(inputKind("  .rerun 3 upn=x"), "command");
  assertEquals(inputKind("%kql SigninLogs | take 3"), "kql");
  assertEquals(inputKind("%kql"), "kql");
  assertEquals(inputKind("%kqlx = 1"), "ts");
  assertEquals(inputKind(".5 + 1"), "ts");
  assertEquals(inputKind("const x = 1"), "ts");
  assertEquals(inputKind("frame\n.head(3)"), "ts");
});

Deno.test("classifyInput() continues TypeScript while it is incomplete", () => {
  const complete = (text: string) => classifyInput(text, ts).complete;
  assertEquals(complete("const x = 1"), true);
  assertEquals(complete("function f() {"), false);
  assertEquals(complete("function f() {\n  return 1;\n}"), true);
  assertEquals(complete("foo(1,"), false);
  assertEquals(complete("const x ="), false);
  assertEquals(complete("[1, 2,"), false);
  assertEquals(complete("`a template\nover lines"), false);
  assertEquals(complete("/* a comment"), false);
  assertEquals(complete("frame."), false);
  // A syntax error before the end is complete: it is shown, not waited on.
  assertEquals(complete("let x = 1 +* 2"), true);
  assertEquals(complete('"unterminated'), true);
  assertEquals(complete(".history"), true);
});

Deno.test("classifyInput() continues KQL on open brackets, quotes and a trailing pipe", () => {
  const complete = (text: string) => classifyInput(text, ts).complete;
  assertEquals(complete("%kql SigninLogs | take 3"), true);
  assertEquals(complete("%kql SigninLogs |"), false);
  assertEquals(complete("%kql s = SigninLogs\n| where ResultType == '50126' |"), false);
  assertEquals(complete("%kql s = SigninLogs\n| where ResultType == '50126' |\n count"), true);
  assertEquals(complete("%kql T | where A in ("), false);
  assertEquals(complete('%kql T | where A == "open'), false);
  assertEquals(complete('%kql T | where A == "a|b" // trailing |'), true);
  assertEquals(complete("%kql T | summarize count() by A,"), false);
  assertEquals(complete("%kql let x = 1;"), false);
  assertEquals(complete("%kql T | where ${[1,\n2]}"), true);
  assertEquals(complete("%kql T | where A == ${ips"), false);
});

Deno.test("a %kql line with no query starts a block that an empty line ends", () => {
  const complete = (text: string) => classifyInput(text, ts).complete;
  assertEquals(complete("%kql spray ="), false);
  assertEquals(complete("%kql spray =\nSigninLogs"), false);
  assertEquals(complete("%kql spray =\nSigninLogs\n| count"), false);
  assertEquals(complete("%kql spray =\nSigninLogs\n| count\n"), true);
  assertEquals(complete("%kql\nSigninLogs\n  "), true);
});

Deno.test("isCompleteKql() reads verbatim strings and ``` blocks", () => {
  assertEquals(isCompleteKql('T | where P has @"C:\\Temp\\"'), true);
  assertEquals(isCompleteKql("print x = ```multi"), false);
  assertEquals(isCompleteKql("print x = ```multi\nline```"), true);
  assertEquals(isCompleteKql("T | where a > 1 and"), false);
});

Deno.test("parseKqlInput() reads the name and the query", () => {
  assertEquals(parseKqlInput("%kql spray = SigninLogs | count"), {
    name: "spray",
    query: "SigninLogs | count",
  });
  assertEquals(parseKqlInput("%kql SigninLogs | count"), { query: "SigninLogs | count" });
  assertEquals(parseKqlInput("%kql x == 1"), { query: "x == 1" });
  assertEquals(parseKqlInput("%kql a =\nSigninLogs\n| take 1\n"), {
    name: "a",
    query: "SigninLogs\n| take 1",
  });
});

Deno.test("splitKql() finds ${expressions} and {{parameters}}", () => {
  assertEquals(splitKql("T | where A == ${x.y} and B == {{upn}} | where C > {{window.start}}"), [
    { kind: "text", text: "T | where A == " },
    { kind: "expr", source: "x.y", offset: 17 },
    { kind: "text", text: " and B == " },
    { kind: "param", name: "upn", part: undefined },
    { kind: "text", text: " | where C > " },
    { kind: "param", name: "window", part: "start" },
  ]);
  assertEquals(splitKql('print s = \'$${x}\', d = dynamic({"a":{"b":1}})'), [
    { kind: "text", text: 'print s = \'${x}\', d = dynamic({"a":{"b":1}})' },
  ]);
  assertEquals(splitKql("T | where A in (${f({ a: '}' })})")[1], {
    kind: "expr",
    source: "f({ a: '}' })",
    offset: 18,
  });
  assertThrows(() => splitKql("T | where A == ${x"), ReplError);
});

Deno.test("tableInPlay() is the first table the query names", () => {
  const tables = ["SigninLogs", "SecurityAlert"];
  assertEquals(tableInPlay("SigninLogs | where x", tables), "SigninLogs");
  assertEquals(tableInPlay("let t = 1; SecurityAlert | join SigninLogs", tables), "SecurityAlert");
  assertEquals(tableInPlay("print 1", tables), undefined);
});
