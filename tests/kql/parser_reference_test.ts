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
  hostileSamples,
  huntSamples,
  kustoSyntaxError,
  moreMutations,
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
> = [
  {
    ids: ["docs:parse-csv-function-02#replace:25"],
    reason: "`x.f(...)`: Kusto.Language parses a dotted call on any value and rejects it when " +
      "binding; casefile reads `.f` as a property and stops at the '('.",
  },
  {
    ids: ["tests:more_functions_test.ts:52#far:46"],
    reason: "`where k = 'b'`: Kusto.Language parses '=' in a predicate and rejects it when " +
      "binding; casefile rejects it while parsing (a located error either way).",
  },
  {
    ids: ["tests:mutation_join_test.ts:45#far:31"],
    reason: "Kusto.Language's grammar takes any expression as a join's right side " +
      "(`join R . $left.k == ...`); casefile takes a table or subquery there.",
  },
  {
    ids: ["tests:tabular_operators_test.ts:477#drop2:347"],
    reason: "A scan step whose '=>' was cut: Kusto.Language's grammar reads the rest as the " +
      "step's condition; casefile asks for the ';' that ends the step.",
  },
];

const known = new Map(KNOWN_DISAGREEMENTS.flatMap((d) => d.ids.map((id) => [id, d.reason])));

const base = [
  ...await corpusSamples(),
  ...await testSamples(new URL("./", import.meta.url)),
];
const mutated = mutations(base);
const hunts = huntSamples();
// The hunt library, its mutations, and two more mutations of every query (issue 18).
const extra = [...hunts, ...mutations(hunts), ...moreMutations([...hunts, ...base])];
/**
 * Hostile texts past casefile's nesting limit (issue 18): casefile refuses them with a
 * located syntax error by design, where Kusto.Language (which has no such limit) parses.
 */
const TOO_DEEP = new Set([
  "hostile:parens-5000",
  "hostile:array-5000",
  "hostile:bag-3000",
  "hostile:calls-3000",
  "hostile:not-3000",
  "hostile:subquery-2000",
  "hostile:unclosed-5000",
]);
const hostile = hostileSamples();

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

Deno.test("casefile agrees with Kusto.Language on the hunt library and more mutations", () => {
  assert.ok(hunts.length >= 100, `only ${hunts.length} hunt library queries`);
  assert.ok(extra.length >= 2 * base.length, `only ${extra.length} more samples`);
  // The same samples on every run.
  const firstFive = new Set(base.slice(0, 5).map((s) => s.id));
  assert.deepEqual(
    moreMutations(base.slice(0, 5)),
    moreMutations(base).filter((m) => firstFive.has(m.id.split("#")[0])),
  );
  assert.deepEqual(disagreements(extra), []);
});

Deno.test("hostile texts: deep nesting is refused where it starts, the rest as Kusto.Language", () => {
  const deep = hostile.filter((s) => TOO_DEEP.has(s.id));
  assert.equal(deep.length, TOO_DEEP.size);
  for (const sample of deep) {
    assert.match(
      casefileSyntaxError(sample.text) ?? "parsed",
      /too deeply.* at line 1, column \d+$/,
      sample.id,
    );
  }
  assert.deepEqual(disagreements(hostile.filter((s) => !TOO_DEEP.has(s.id))), []);
});

Deno.test("every known disagreement still disagrees", () => {
  const samples = new Map([...base, ...mutated, ...extra].map((s) => [s.id, s]));
  const stale = [...known.keys()].filter((id) => {
    const sample = samples.get(id);
    // A test file's samples move with its lines: one no longer found there is not stale.
    if (!sample) return !id.startsWith("tests:");
    return disagreements([sample], false).length === 0;
  });
  assert.deepEqual(stale, [], "remove these from KNOWN_DISAGREEMENTS");
});
