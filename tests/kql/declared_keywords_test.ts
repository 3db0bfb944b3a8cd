/**
 * Keywords as declared names (issue 16): every keyword of Kusto.Language's table and every
 * operator name casefile reads, placed wherever a query declares a name (`print w = 1`,
 * `let w = ...`, a parse pattern's column, a datatable column, a parameter, ...), goes
 * through casefile's parser and Kusto.Language's, the independent reference: what one
 * refuses, the other refuses. A refused name fails with a located error that says how to
 * write it (`['last']`), here and through `casefile query`.
 */
import assert from "node:assert/strict";
import { declaredWords, POSITIONS } from "./_declared_keywords.ts";
import { casefileSyntaxError, kustoSyntaxError } from "./_parser_reference.ts";
import { runCasefile } from "../_helpers.ts";

const WORDS = declaredWords();

Deno.test("the words tried cover Kusto.Language's keyword table", () => {
  // A few from each kind: refused everywhere, refused in some places, names everywhere.
  for (const w of ["last", "first", "and", "union", "with_itemindex", "where", "has", "by"]) {
    assert.ok(WORDS.includes(w), w);
  }
  assert.ok(WORDS.length > 200, `only ${WORDS.length} words`);
});

for (const position of POSITIONS) {
  Deno.test(`declared names agree with Kusto.Language: ${position.id}`, () => {
    // The plain name parses in both: the query shape itself is sound.
    assert.equal(kustoSyntaxError(position.query("Name1")), undefined);
    assert.equal(casefileSyntaxError(position.query("Name1")), undefined);
    const disagreements: string[] = [];
    let refused = 0;
    for (const word of WORDS) {
      const text = position.query(word);
      const kusto = kustoSyntaxError(text);
      const casefile = casefileSyntaxError(text);
      if (kusto) refused++;
      if ((kusto === undefined) !== (casefile === undefined)) {
        disagreements.push(
          `${text}\n  Kusto.Language: ${kusto ?? "parses"}\n  casefile: ${casefile ?? "parses"}`,
        );
      }
    }
    assert.deepEqual(disagreements, []);
    // Both parsers refuse a good part of the table and accept the rest.
    assert.ok(refused > 100 && refused < WORDS.length - 50, `${refused} refused`);
  });
}

Deno.test("a keyword as a name: a located error that says how to write it", () => {
  assert.equal(
    casefileSyntaxError("print x = 1,\n  last = 2"),
    "Cannot parse query: 'last' is a keyword; as a name it is written ['last'], " +
      "found 'last' at line 2, column 3",
  );
  // Bracketed, and where Kusto.Language reads the word as a name, it is one.
  assert.equal(casefileSyntaxError("print ['last'] = 1"), undefined);
  assert.equal(casefileSyntaxError("print where = 1, has = 2, title = 3"), undefined);
  assert.match(casefileSyntaxError("let where = 1; print 1") ?? "", /'where' is a keyword/);
  assert.match(
    casefileSyntaxError("print n = 1 | summarize by = count()") ?? "",
    /'by' is a keyword; as a name it is written \['by'\]/,
  );
});

Deno.test("casefile query: `last` as a name is refused with the bracketed form", async () => {
  const refused = await runCasefile(["query", "print last = 1"]);
  assert.notEqual(refused.code, 0);
  const said = refused.stdout + refused.stderr;
  assert.match(said, /'last' is a keyword; as a name it is written \['last'\]/);
  assert.match(said, /line 1, column 7/);
  const bracketed = await runCasefile(["query", "print ['last'] = 1", "--format", "json"]);
  assert.equal(bracketed.code, 0, bracketed.stderr);
  assert.deepEqual(JSON.parse(bracketed.stdout), [{ last: 1 }]);
});
