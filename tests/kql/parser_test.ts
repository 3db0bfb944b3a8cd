import assert from "node:assert/strict";
import {
  caretLine,
  executeKql,
  KqlSemanticError,
  KqlSyntaxError,
  parseKql,
} from "../../src/kql/mod.ts";

function syntaxError(query: string): KqlSyntaxError {
  try {
    parseKql(query);
  } catch (error) {
    assert.ok(error instanceof KqlSyntaxError, `expected a KqlSyntaxError, got ${error}`);
    return error;
  }
  throw new Error(`parsed without error: ${query}`);
}

Deno.test("parseKql() rejects an unclosed parenthesis at its line and column", () => {
  const error = syntaxError("T\n| where (a == 1\n| take 1");
  // The pipeline inside the parentheses runs on to the end, where ')' is missing.
  assert.equal(error.line, 3);
  assert.equal(error.column, 9);
  assert.match(error.message, /^Cannot parse query: expected '\)' to close '\(', found the end/);
});

Deno.test("parseKql() suggests the operator a typo meant", () => {
  const error = syntaxError("SigninLogs | summarise count() by UserPrincipalName");
  assert.match(error.message, /unknown operator 'summarise'/);
  assert.match(error.hint ?? "", /'summarize'/);
  assert.equal(caretLine(error.query, error.span).split("\n")[1], "             ^^^^^^^^^");
});

Deno.test("parseKql() rejects an unterminated string", () => {
  const error = syntaxError('T | where a == "oops');
  assert.match(error.message, /unterminated string literal at line 1, column 16/);
});

Deno.test("parseKql() rejects an invalid datetime literal", () => {
  const error = syntaxError("print datetime(2024-13-45)");
  assert.match(error.message, /invalid datetime literal/);
});

Deno.test("a join without keys parses (as in Kusto.Language) and fails where it is", async () => {
  // Kusto.Language's parser accepts it; its binder reports "Missing join on condition clause".
  assert.equal(parseKql("A | join (B)").problems?.length, 1);
  await assert.rejects(
    () => executeKql("datatable(k: long)[1]\n| join (datatable(k: long)[1])"),
    (error: unknown) =>
      error instanceof KqlSemanticError && error.line === 2 && error.column === 30 &&
      /'join' needs 'on'/.test(error.message),
  );
});

Deno.test("parseKql() reads every literal form", () => {
  const text = parseKql(String.raw`print
    a = "tab\there", b = 'it''s'? , c = @"C:\path", d = h"secret", e = 1d, e2 = 2h, e3 = 100ms, e4 = 1.5s,
    f = 1.5e3, g = 0x1F, h = datetime(2024-01-02 03:04:05.1234567),
    i = dynamic({"k": [1, "x", null]}), j = guid(00000000-0000-0000-0000-000000000001),
    k = int(null), l = timespan(1.02:03:04), m = real(nan), n = bool(true)`.replace(
    "'it''s'? ,",
    "'it\\'s',",
  ));
  const print = text.statements[0];
  assert.equal(print.kind, "expression");
});

Deno.test("parseKql() keeps spans on nodes", () => {
  const query = "T | where Account has 'admin'";
  const text = parseKql(query);
  const statement = text.statements[0];
  assert.equal(statement.kind, "expression");
  if (statement.kind !== "expression" || statement.expression.kind !== "pipe") throw new Error();
  const op = statement.expression.operator;
  assert.equal(query.slice(op.span.start, op.span.end), "where Account has 'admin'");
});

Deno.test("parseKql() accepts let, functions, and several statements", () => {
  const text = parseKql(`
    let threshold = 5;
    let f = (T: (x: long), n: long = 2) { T | where x > n };
    let g = view () { range x from 1 to 10 step 1 };
    f(g(), threshold) | count`);
  assert.equal(text.statements.length, 4);
});
