/**
 * The two-parser test: casefile's parser against Kusto.Language, the official one. Every
 * query of the conformance corpus and of the repository's KQL tests, and three mutations
 * of each (a token dropped, two tokens swapped, the text cut short; fixed seeds), go
 * through both: what Kusto.Language parses without a syntax error, casefile parses; what
 * Kusto.Language rejects, casefile rejects. Reviewed exceptions are listed below with
 * their reason.
 */
import assert from "node:assert/strict";
import {
  casefileSyntaxError,
  corpusSamples,
  kustoSyntaxError,
  mutations,
  type Sample,
  testSamples,
} from "./_parser_reference.ts";

/**
 * Where the two parsers are known to disagree, by sample id (see `Sample.id`), each with
 * why casefile keeps its answer. Keep this short: a disagreement that is casefile's fault
 * is fixed in the parser instead.
 */
const KNOWN_DISAGREEMENTS: ReadonlyArray<
  { readonly ids: readonly string[]; readonly reason: string }
> = [];

const known = new Map(KNOWN_DISAGREEMENTS.flatMap((d) => d.ids.map((id) => [id, d.reason])));

const base = [
  ...await corpusSamples(),
  ...await testSamples(new URL("./", import.meta.url)),
];
const mutated = mutations(base);

/** The samples on which the parsers disagree, with both answers, but the known ones. */
function disagreements(samples: readonly Sample[], skipKnown = true): string[] {
  const found: string[] = [];
  for (const sample of samples) {
    const kusto = kustoSyntaxError(sample.text);
    const casefile = casefileSyntaxError(sample.text);
    if ((kusto === undefined) === (casefile === undefined)) continue;
    if (skipKnown && known.has(sample.id)) continue;
    const verdict = kusto === undefined
      ? `Kusto.Language parses it; casefile: ${casefile}`
      : `casefile parses it; Kusto.Language: ${kusto}`;
    found.push(`${sample.id}: ${verdict}\n${sample.text}`);
  }
  return found;
}

Deno.test("the reference parser tells valid KQL from syntax errors", () => {
  assert.equal(kustoSyntaxError("StormEvents | where State == 'TEXAS' | take 10"), undefined);
  assert.equal(kustoSyntaxError("T | top-nested 2 of a by sum(b)"), undefined);
  assert.match(kustoSyntaxError("T | where") ?? "", /Missing expression/);
  assert.match(kustoSyntaxError("print f(1,)") ?? "", /Missing expression/);
});

Deno.test("the samples are the corpus, the KQL tests' queries and their mutations", () => {
  const docs = base.filter((s) => s.id.startsWith("docs:")).length;
  const tests = base.filter((s) => s.id.startsWith("tests:")).length;
  assert.equal(docs, 376);
  assert.ok(tests >= 150, `only ${tests} queries read from the KQL tests`);
  assert.ok(base.some((s) => s.id.startsWith("tests:operators_test.ts:")));
  assert.ok(mutated.length >= 3 * base.length * 0.95);
  // The same mutations on every run.
  assert.deepEqual(mutations(base.slice(0, 5)), mutated.slice(0, 15));
});

Deno.test("casefile agrees with Kusto.Language on the corpus and the KQL tests", () => {
  assert.deepEqual(disagreements(base), []);
});

Deno.test("casefile agrees with Kusto.Language on mutated queries", () => {
  assert.deepEqual(disagreements(mutated), []);
});

Deno.test("every known disagreement still disagrees", () => {
  const samples = new Map([...base, ...mutated].map((s) => [s.id, s]));
  const stale = [...known.keys()].filter((id) => {
    const sample = samples.get(id);
    return !sample || disagreements([sample], false).length === 0;
  });
  assert.deepEqual(stale, [], "remove these from KNOWN_DISAGREEMENTS");
});
