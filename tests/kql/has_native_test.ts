/**
 * The `has` family (`has`, `has_cs`, `hasprefix`, `hassuffix`, their `!` forms, `has_any`,
 * `has_all`, `has_any_index`) runs in Polars as a Rust regex on a column and in JavaScript on
 * constants and per-row needles (issue 22). The two must agree exactly: a differential test
 * over generated text and needles (punctuation, digits, non-ASCII letters whose case rules
 * differ between Rust and JavaScript, empty strings), then the documented results of
 * Kusto's string operators page, through the `casefile query` command.
 *
 * Kusto's rule (learn.microsoft.com/kusto/query/datatypes-string-operators): a term is a
 * maximal run of ASCII letters and digits; anything else separates terms.
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { type TermKind, termMatchesJs, termPattern } from "../../src/kql/runtime/_text.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile } from "../_helpers.ts";

const NOW = new Date("2026-03-16T00:00:00Z");

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Letters whose case folds differently in Rust's (?i) and JavaScript's `i`: the Kelvin sign
// and the long s fold to k and s in Rust; ẞ to ß; İ and ı to i in neither.
const ALPHABET = [
  ..."abkKsSzZ019",
  ..." -._\\/:()*+?[]|^$",
  "\u212A", // Kelvin sign
  "\u017F", // long s
  "é",
  "É",
  "ß",
  "ẞ",
  "İ",
  "ı",
  "Σ",
  "σ",
  "ς",
  "中",
  "😀",
  "\n",
];

function generate(next: () => number, maxLength: number): string {
  const length = Math.floor(next() * (maxLength + 1));
  let s = "";
  for (let k = 0; k < length; k++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return s;
}

/** Needles: random strings, and pieces of the texts with their case flipped at random. */
function needles(next: () => number, texts: string[], count: number): string[] {
  const out = new Set<string>(["", "a", "A", "k", "s", "ab", "b-a", "-", " ", "1.0", "é"]);
  while (out.size < count) {
    if (next() < 0.4) out.add(generate(next, 4));
    else {
      const chars = [...texts[Math.floor(next() * texts.length)]];
      const from = Math.floor(next() * chars.length);
      const piece = chars.slice(from, from + 1 + Math.floor(next() * 4))
        .map((c) => (next() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join("");
      out.add(piece);
    }
  }
  return [...out];
}

/** A KQL string literal of `s`. */
function literal(s: string): string {
  return `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;
}

const KINDS: TermKind[] = ["has", "hasprefix", "hassuffix"];

Deno.test("has family: the Polars path agrees with the JavaScript reference on generated text", async () => {
  const next = random(22);
  const texts = Array.from({ length: 300 }, () => generate(next, 10));
  texts.push("", "North America", "mimi\u212Aatz", "\u017Fmimikatz", "x-ab-a.y");
  const list = needles(next, texts, 160);
  const frame = pl.DataFrame({ s: texts });
  let native = 0;
  let checked = 0;
  const operators = KINDS.flatMap((kind) => [
    { op: kind, kind, cs: false, negated: false },
    { op: `${kind}_cs`, kind, cs: true, negated: false },
    { op: `!${kind}`, kind, cs: false, negated: true },
  ]);
  for (const needle of list) {
    for (const { cs } of operators) if (termPattern("has", needle, cs) !== undefined) native++;
    const columns = operators.map((o, k) => `r${k} = s ${o.op} ${literal(needle)}`);
    const result = await executeKql(`T | extend ${columns.join(", ")}`, {
      tables: { T: frame },
      now: NOW,
    });
    const rows = result.frame.toRecords();
    rows.forEach((row, i) => {
      operators.forEach((o, k) => {
        const expected = termMatchesJs(o.kind, o.cs, texts[i], needle) !== o.negated;
        assert.equal(
          row[`r${k}`],
          expected,
          `${JSON.stringify(texts[i])} ${o.op} ${JSON.stringify(needle)}`,
        );
        checked++;
      });
    });
  }
  // Most needles must have run natively, or this compared JavaScript with itself.
  assert.ok(native > list.length * operators.length * 0.6, `only ${native} native`);
  assert.ok(checked > 400_000);
});

Deno.test("has family: has_any, has_all and has_any_index agree with the reference", async () => {
  const next = random(7);
  const texts = Array.from({ length: 200 }, () => generate(next, 10));
  const list = needles(next, texts, 60);
  const frame = pl.DataFrame({ s: texts });
  for (let k = 0; k + 3 <= list.length; k += 3) {
    const set = list.slice(k, k + 3);
    const args = set.map(literal).join(", ");
    const result = await executeKql(
      `T | extend any = s has_any (${args}), all = s has_all (${args}), ` +
        `none = s !has_any (${args}), index = has_any_index(s, dynamic([${args}]))`,
      { tables: { T: frame }, now: NOW },
    );
    result.frame.toRecords().forEach((row, i) => {
      const hits = set.map((n) => termMatchesJs("has", false, texts[i], n));
      const what = `${JSON.stringify(texts[i])} / ${JSON.stringify(set)}`;
      assert.equal(row.any, hits.some(Boolean), `has_any ${what}`);
      assert.equal(row.all, hits.every(Boolean), `has_all ${what}`);
      assert.equal(row.none, !hits.some(Boolean), `!has_any ${what}`);
      assert.equal(row.index, hits.indexOf(true), `has_any_index ${what}`);
    });
  }
});

Deno.test("has family: ASCII letters never match the Kelvin sign or the long s (by hand)", async () => {
  // Kusto's terms are runs of ASCII letters and digits: U+212A and U+017F separate terms,
  // so "ſmimikatz" holds the term "mimikatz" and "mimiKatz" (Kelvin) does not.
  const texts = ["\u017Fmimikatz", "mimi\u212Aatz", "x\u212Amimikatz", "MIMIKATZ.exe", "mimikatzz"];
  const q = `datatable(s: string) [${texts.map(literal).join(", ")}]
    | extend h = s has "mimikatz", p = s hasprefix "mimik", x = s hassuffix "katz",
             a = s has_any ("mimikatz", "zzz"), l = s has "x"`;
  const rows = (await executeKql(q, { tables: {}, now: NOW })).frame.toRecords();
  assert.deepEqual(rows.map((r) => r.h), [true, false, true, true, false]);
  assert.deepEqual(rows.map((r) => r.p), [true, false, true, true, true]);
  assert.deepEqual(rows.map((r) => r.x), [true, false, true, true, false]);
  assert.deepEqual(rows.map((r) => r.a), [true, false, true, true, false]);
  assert.deepEqual(rows.map((r) => r.l), [false, false, true, false, false]);
  // A needle with a non-ASCII cased letter runs in JavaScript, with the same answer as a
  // constant: "STRASSE" is not "straße", and "Straße" is.
  const words =
    `datatable(s: string) ["Straße 1", "STRASSE 1", "straße"] | extend h = s has "straße"`;
  const hits = (await executeKql(words, { tables: {}, now: NOW })).frame.toRecords();
  assert.deepEqual(hits.map((r) => r.h), [true, false, true]);
});

Deno.test("has family: Kusto's documented examples, through `casefile query`", async () => {
  // Each of these yields true on learn.microsoft.com's string operators page; the term
  // example's terms are Kusto, KustoExplorerQueryRun, ad67d136, c1db, 4f9f, 88ef and
  // d94f3b6b0b5a.
  const id = "Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun";
  const query = `datatable(s: string) ["North America"] | extend
    a = s has "america", b = s !has "amer", c = s has_cs "America", d = s !has_cs "amer",
    e = s hasprefix "ame", f = s !hasprefix "mer", g = s hasprefix_cs "Ame",
    h = s !hasprefix_cs "CA", i = s hassuffix "ICA", j = s !hassuffix "americ",
    k = s hassuffix_cs "ica", l = s !hassuffix_cs "icA", m = s has_any ("south", "north"),
    n = strcat("North and South ", s) has_all ("south", "north"), o = s has_cs "america",
    p = ${literal(id)} has "c1db", q = ${literal(id)} has "c1d",
    r = ${literal(id)} has "4f9f-88ef", t = ${literal(id)} hasprefix "KustoExplorer"
    | project-away s`;
  const run = await runCasefile(["query", query, "--format", "csv"]);
  assert.equal(run.code, 0, run.stderr);
  const [header, row] = run.stdout.trim().split("\n");
  assert.equal(header, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,t");
  assert.equal(
    row,
    "true,true,true,true,true,true,true,true,true,true,true,true,true,true,false,true,false,true,true",
  );
});
