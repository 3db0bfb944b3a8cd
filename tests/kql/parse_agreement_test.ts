/**
 * What Kusto.Language (the official parser) accepts, casefile accepts, and what it rejects
 * as syntax, casefile rejects (issues 16 and 18). One test per class of disagreement that
 * the mutation campaign over the hunt library and the KQL tests found, with values worked
 * out by hand or read from Kusto's documentation, and the command line as a person uses it.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError, KqlSyntaxError, parseKql } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";
import { HuntLibraryError, validateHuntFamilies } from "../../src/hunt/mod.ts";

async function rows(query: string) {
  return (await executeKql(query)).frame.toRecords();
}

/** Asserts that `query` fails with `type` at `line`:`column`, the message matching `message`. */
async function failsAt(
  query: string,
  type: typeof KqlSyntaxError | typeof KqlSemanticError,
  [line, column]: [number, number],
  message: RegExp,
) {
  await assert.rejects(() => executeKql(query), (error: unknown) => {
    assert.ok(error instanceof type, `${(error as Error).name}: ${(error as Error).message}`);
    assert.match(error.message, message);
    assert.deepEqual([error.line, error.column], [line, column], error.message);
    if (type === KqlSemanticError) assert.ok(error.hint, "a hint says what to do");
    return true;
  });
}

Deno.test("white space is Kusto's: zero-width and no-break spaces, not line separators", async () => {
  // Kusto.Language skips U+200B, U+00A0, U+FEFF and U+3000 between tokens; 1 + 2 = 3.
  assert.deepEqual(await rows("print\u200bx = 1 +\u00a0\ufeff2\u3000"), [{ x: 3 }]);
  // U+2028 (line separator) and U+000B (vertical tab) are not white space there.
  await failsAt("print x = 1\u2028+ 2", KqlSyntaxError, [1, 12], /unexpected character/);
  await failsAt("print x = 1 +\v2", KqlSyntaxError, [1, 14], /unexpected character/);
});

Deno.test("keywords are not names in expressions unless bracketed", async () => {
  await failsAt("print x = where", KqlSyntaxError, [1, 11], /'where' is a keyword/);
  await failsAt("print a = 1 | project has", KqlSyntaxError, [1, 23], /'has' is a keyword/);
  await failsAt("print a = 1\n| project-away title", KqlSyntaxError, [2, 16], /'title'/);
  await failsAt("print print x = 1", KqlSyntaxError, [1, 7], /'print' is a keyword/);
  await failsAt("print x = 1, union", KqlSyntaxError, [1, 14], /'union' is a keyword/);
  // A keyword after its left side was lost (`x has_any (...)` without `x`).
  await failsAt("print y = has_any('a')", KqlSyntaxError, [1, 11], /'has_any' is a keyword/);
  // Bracketed, a keyword is a name (Kusto's documentation: "Entity names").
  assert.deepEqual(await rows("print ['where'] = 1 | project w = ['where'] + 1"), [{ w: 2 }]);
  // Kusto.Language accepts these as names (take, count) and toscalar() with a query.
  assert.deepEqual(
    await rows("print take = 2, count = 3 | extend s = take + count + toscalar(print 4)"),
    [{ take: 2, count: 3, s: 9 }],
  );
});

Deno.test("one ';' between statements; an empty statement is a syntax error", async () => {
  await failsAt("let a = 1;; print a", KqlSyntaxError, [1, 11], /statement before ';'/);
  await failsAt("; print 1", KqlSyntaxError, [1, 1], /statement before ';'/);
  assert.deepEqual(await rows("let a = 1; print b = a + 1;"), [{ b: 2 }]);
});

Deno.test("a query may not start with an operator: parsed, refused where it starts", async () => {
  // Kusto.Language parses `where ...` alone; its binder says the operator has no input.
  assert.ok(parseKql("where x == 1 | take 1"));
  await failsAt("where x == 1 | take 1", KqlSemanticError, [1, 1], /'where' has no input/);
  await failsAt("let t = project a;\nt", KqlSemanticError, [1, 9], /'project' has no input/);
  await failsAt(
    "print x = 1 | union (where y > 1)",
    KqlSemanticError,
    [1, 22],
    /'where' has no input/,
  );
});

Deno.test("join and lookup: kinds and keys Kusto parses but cannot run, located", async () => {
  const t = "datatable(k: long)[1]";
  await failsAt(`${t} | join kind=sideways (${t}) on k`, KqlSemanticError, [1, 35], /join kind/);
  await failsAt(`${t} | join (${t})`, KqlSemanticError, [1, 52], /'join' needs 'on'/);
  await failsAt(`${t} | join (${t}) on $left.k`, KqlSemanticError, [1, 57], /join key/);
  await failsAt(`${t} | lookup (${t})`, KqlSyntaxError, [1, 55], /expected 'on'/);
  await failsAt(`${t} | join kind=; (${t}) on k`, KqlSyntaxError, [1, 35], /value after 'kind='/);
  // The forms that run: an inner join of 1 with 1 is one row.
  assert.deepEqual(await rows(`${t} | join kind=inner (${t}) on k | count`), [{ Count: 1 }]);
});

Deno.test("a source after '|', a lone '@' and an empty query: parsed, refused with a hint", async () => {
  await failsAt("print a = 1 | print b = 2", KqlSemanticError, [1, 15], /'print' starts a query/);
  await failsAt("print a = 1 | range x from 1 to 2 step 1", KqlSemanticError, [1, 15], /'range'/);
  await failsAt("print a = @", KqlSemanticError, [1, 11], /'@' alone/);
  await failsAt("// only a comment", KqlSemanticError, [1, 1], /no tabular expression/);
  // `@` before a quote is a verbatim string, where \ is not an escape: 4 characters.
  assert.deepEqual(await rows(`print n = strlen(@'a\\tb')`), [{ n: 4 }]);
});

Deno.test("a client directive line before the query is skipped, as Kusto.Language does", async () => {
  assert.deepEqual(await rows("#connect cluster('help').database('Samples')\nprint x = 1"), [{
    x: 1,
  }]);
  await failsAt("print x = 1\n#connect", KqlSyntaxError, [2, 1], /unexpected character '#'/);
});

Deno.test("signs, numbers and datatable values as Kusto.Language reads them", async () => {
  await failsAt("print x = - -1", KqlSyntaxError, [1, 13], /expected an expression/);
  await failsAt("print x = .5", KqlSyntaxError, [1, 11], /expected an expression/);
  await failsAt("print x = pi() / *", KqlSyntaxError, [1, 18], /expected an expression/);
  await failsAt("datatable(s: string)[-'a']", KqlSyntaxError, [1, 23], /literal value/);
  // The forms that are valid: -(-1) = 1, 0.5, a signed number in a datatable.
  assert.deepEqual(
    await rows("datatable(v: real)[-0.5] | extend a = -(-1), b = 0.5 + v"),
    [{ v: -0.5, a: 1, b: 0 }],
  );
});

Deno.test("mv-apply: the subquery's operators are piped; mvapply is its old name", async () => {
  await failsAt(
    "print a = dynamic([1, 2]) | mv-apply x = a on (take 1 take 1)",
    KqlSyntaxError,
    [1, 55],
    /expected '\)'/,
  );
  // 1 + 2 = 3, with both spellings.
  for (const name of ["mv-apply", "mvapply"]) {
    assert.deepEqual(
      await rows(
        `print a = dynamic([1, 2]) | ${name} x = a to typeof(long) on (summarize s = sum(x))` +
          " | project s",
      ),
      [{ s: 3 }],
    );
  }
});

Deno.test("dynamic literals nest up to 400 levels, past that a located error", async () => {
  const nested = (n: number) => `${"[".repeat(n)}7${"]".repeat(n)}`;
  // 400 levels: the innermost value is 7 (399 single-element arrays around [7]).
  assert.deepEqual(
    await rows(`print x = array_length(dynamic(${nested(400)}))`),
    [{ x: 1 }],
  );
  // 5,000 used to overflow the stack, with a message depending on how deep the call was.
  await failsAt(
    `print x = dynamic(${nested(5000)})`,
    KqlSyntaxError,
    [1, 11],
    /nests arrays or property bags too deeply \(more than 400 levels\)/,
  );
});

Deno.test("casefile query: odd white space runs, a query without a table says where", async () => {
  // ANSWERS.md: the spray sources include 203.0.113.61 and 203.0.113.88 (SigninLogs).
  const ok = await runCasefile([
    "query",
    'SigninLogs\u200b| where IPAddress in ("203.0.113.61", "203.0.113.88")\u00a0' +
    "| distinct IPAddress | sort by IPAddress asc",
    "--format",
    "json",
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), [
    { IPAddress: "203.0.113.61" },
    { IPAddress: "203.0.113.88" },
  ]);
  const bad = await runCasefile(["query", 'where ResultType == "0"\n| take 5']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /'where' has no input/);
  assert.match(bad.stderr, /line 1, column 1/);
  assert.doesNotMatch(bad.stderr, /at file:|TypeError|RangeError/);
});

Deno.test("the hunt library refuses a query that parses but cannot run, saying where", () => {
  const family = (query: string) => ({
    name: "probe",
    description: "A family to check.",
    queries: [{
      name: "noTable",
      description: "A query that forgot its table.",
      tables: ["SigninLogs"],
      window: "1d",
      tactics: [],
      techniques: [],
      columns: ["IPAddress"],
      query,
    }],
  });
  assert.throws(
    () => validateHuntFamilies([family("SigninLogs\n| take 1\n| join (SigninLogs)")]),
    (error: unknown) =>
      error instanceof HuntLibraryError && /cannot run: 'join' needs 'on'/.test(error.message) &&
      /line 3/.test(error.message),
  );
  assert.equal(validateHuntFamilies([family("SigninLogs | project IPAddress")]).length, 1);
});
