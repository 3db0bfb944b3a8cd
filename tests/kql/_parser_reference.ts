/**
 * The material of the two-parser test (parser_reference_test.ts): KQL queries from the
 * conformance corpus and from the repository's KQL tests, mutations of them made with a
 * fixed seed, and what Kusto.Language (the official parser, compiled to JavaScript in
 * `@kusto/language-service-next`) and casefile's parser each say about a text.
 *
 * @module
 */
import "@kusto/language-service-next/bridge.js";
import "@kusto/language-service-next/Kusto.Language.Bridge.js";
import ts from "typescript";
import { KqlSyntaxError, parseKql, tokenizeKql } from "../../src/kql/mod.ts";
import { DEFAULT_CASES_PATH, loadCases } from "./_conformance.ts";
import { rng as seeded } from "../_order.ts";
import { builtinHuntFamilies, type HuntArgs, huntText } from "../../src/hunt/mod.ts";

/** The Bridge.NET runtime and Kusto.Language install themselves as globals. */
// deno-lint-ignore no-explicit-any
const Kusto = (globalThis as any).Kusto;

/** Kusto.Language's first syntax error in `text`, or undefined when it has none. */
export function kustoSyntaxError(text: string): string | undefined {
  const code = Kusto.Language.KustoCode.Parse(text);
  const diagnostics = code.GetSyntaxDiagnostics();
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    if (d.Severity === "Error") return `${d.Message} (at ${d.Start})`;
  }
  return undefined;
}

/** A query to parse, with where it comes from. */
export interface Sample {
  /** `docs:<case id>`, `tests:<file>:<line>`, with `#<mutation>` for a mutated text. */
  readonly id: string;
  readonly text: string;
}

/**
 * casefile's syntax error in `text`, or undefined when it parses. Any other exception is
 * a parser crash and is thrown.
 */
export function casefileSyntaxError(text: string): string | undefined {
  try {
    parseKql(text);
    return undefined;
  } catch (error) {
    if (error instanceof KqlSyntaxError) return error.message;
    throw error;
  }
}

/** The conformance corpus's queries. */
export async function corpusSamples(): Promise<Sample[]> {
  const cases = await loadCases(DEFAULT_CASES_PATH);
  return cases.map((c) => ({ id: `docs:${c.id}`, text: c.kql }));
}

/** Functions of the KQL tests whose first argument is a whole query. */
const QUERY_TAKERS = new Set(["runKql", "executeKql", "rows", "row", "run", "first", "values"]);

/**
 * The queries of the repository's KQL tests: string literals (without substitutions)
 * passed first to `runKql`, `executeKql` or the tests' own `rows`, `row`, `run`, `first`
 * and `values`, read with the TypeScript parser.
 */
export async function testSamples(directory: URL): Promise<Sample[]> {
  const samples: Sample[] = [];
  const files: string[] = [];
  for await (const entry of Deno.readDir(directory)) {
    if (
      entry.isFile && entry.name.endsWith("_test.ts") && entry.name !== "parser_reference_test.ts"
    ) {
      files.push(entry.name);
    }
  }
  for (const name of files.sort()) {
    const text = await Deno.readTextFile(new URL(name, directory));
    const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = ts.isIdentifier(node.expression) ? node.expression.text : undefined;
        const first = node.arguments[0];
        if (
          callee && QUERY_TAKERS.has(callee) && first &&
          (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))
        ) {
          const line = source.getLineAndCharacterOfPosition(first.getStart()).line + 1;
          samples.push({ id: `tests:${name}:${line}`, text: first.text });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return samples;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Three mutations of each sample: one token dropped, two neighbouring tokens swapped, and
 * the text cut before a token; tokens as casefile's lexer reads them, chosen at random
 * with a seed made of the sample's text (a sample's mutations do not change when other
 * samples come or go). Texts casefile's lexer cannot read give none.
 */
export function mutations(samples: readonly Sample[]): Sample[] {
  const out: Sample[] = [];
  for (const sample of samples) {
    const random = seeded(fnv1a(sample.text));
    let tokens;
    try {
      tokens = tokenizeKql(sample.text).filter((t) => t.kind !== "eof");
    } catch {
      continue;
    }
    if (tokens.length < 2) continue;
    const pick = (n: number) => Math.floor(random() * n);
    const text = sample.text;
    const drop = pick(tokens.length);
    out.push({
      id: `${sample.id}#drop:${drop}`,
      text: text.slice(0, tokens[drop].span.start) + text.slice(tokens[drop].span.end),
    });
    const swap = pick(tokens.length - 1);
    const [a, b] = [tokens[swap], tokens[swap + 1]];
    out.push({
      id: `${sample.id}#swap:${swap}`,
      text: text.slice(0, a.span.start) + text.slice(b.span.start, b.span.end) +
        text.slice(a.span.end, b.span.start) + text.slice(a.span.start, a.span.end) +
        text.slice(b.span.end),
    });
    const cut = 1 + pick(tokens.length - 1);
    out.push({ id: `${sample.id}#cut:${cut}`, text: text.slice(0, tokens[cut].span.start) });
  }
  return out;
}

/** Values for the hunt library's required parameters, by parameter type. */
const HUNT_VALUES: Readonly<Record<string, unknown>> = {
  account: "daniel.reyes@larkspurlogistics.example",
  app: "Azure Portal",
  bool: true,
  domain: "example.com",
  file: "a.exe",
  hash: "2dc5f1f0bc82428ec71acd28eb1a650bed7d5184b66f760120fa050263b552ec",
  host: "LKS-WS-1042",
  ip: "203.0.113.45",
  long: 3,
  mailbox: "a@b.example",
  process: "powershell.exe",
  real: 1.5,
  string: "x",
  strings: ["a", "b"],
  timespan: "1h",
  url: "http://x.example/",
};

/** The built-in hunt library's queries, with their parameters filled in (`hunt:<name>`). */
export function huntSamples(): Sample[] {
  const samples: Sample[] = [];
  for (const family of builtinHuntFamilies()) {
    for (const query of family.queries) {
      const args: Record<string, unknown> = {};
      for (const [name, parameter] of Object.entries(query.parameters ?? {})) {
        if (parameter.default === undefined) args[name] = HUNT_VALUES[parameter.type];
      }
      const { text } = huntText(query, args as HuntArgs, { now: new Date("2026-03-16T00:00:00Z") });
      samples.push({ id: `hunt:${query.name}`, text });
    }
  }
  return samples;
}

/**
 * Text a mutation may put in: odd white space (zero-width, non-breaking, byte-order mark),
 * bidirectional controls, a NUL, an emoji, and KQL's punctuation and comment marks.
 */
const ODD_TEXTS = [
  "\u200b",
  "\u00a0",
  "\ufeff",
  "\u2028",
  "\u202e",
  "\u0000",
  "é",
  "😀",
  "\\",
  "`",
  "'",
  '"',
  "@",
  "$",
  "#",
  "{",
  "}",
  "[",
  "]",
  "(",
  ")",
  "|",
  ";",
  ",",
  ".",
  "..",
  "=>",
  "!",
  "~",
  "-",
  "*",
  "//",
  "\n",
];

/**
 * Two more mutations of each sample, of five kinds taken in turn: a token duplicated, odd
 * text put before a token, a token replaced by odd text, two distant tokens swapped, and
 * two neighbouring tokens dropped. Seeded by the sample's text, like `mutations`.
 */
export function moreMutations(samples: readonly Sample[]): Sample[] {
  const out: Sample[] = [];
  for (const sample of samples) {
    const random = seeded(fnv1a(sample.text) ^ 0x9e3779b9);
    let tokens;
    try {
      tokens = tokenizeKql(sample.text).filter((t) => t.kind !== "eof");
    } catch {
      continue;
    }
    if (tokens.length < 3) continue;
    const pick = (n: number) => Math.floor(random() * n);
    const text = sample.text;
    const first = pick(5);
    for (const kind of [first, (first + 1 + pick(4)) % 5]) {
      const t = tokens[pick(tokens.length)];
      const odd = ODD_TEXTS[pick(ODD_TEXTS.length)];
      const id = `${sample.id}#${["dup", "odd", "replace", "far", "drop2"][kind]}:${t.span.start}`;
      if (kind === 0) {
        out.push({ id, text: text.slice(0, t.span.end) + " " + text.slice(t.span.start) });
      } else if (kind === 1) {
        out.push({ id, text: text.slice(0, t.span.start) + odd + text.slice(t.span.start) });
      } else if (kind === 2) {
        out.push({ id, text: text.slice(0, t.span.start) + odd + text.slice(t.span.end) });
      } else if (kind === 3) {
        const u = tokens[pick(tokens.length)];
        const [a, b] = t.span.start < u.span.start ? [t, u] : [u, t];
        if (a === b) continue;
        out.push({
          id,
          text: text.slice(0, a.span.start) + text.slice(b.span.start, b.span.end) +
            text.slice(a.span.end, b.span.start) + text.slice(a.span.start, a.span.end) +
            text.slice(b.span.end),
        });
      } else {
        const i = tokens.indexOf(t);
        const next = tokens[Math.min(i + 1, tokens.length - 1)];
        out.push({ id, text: text.slice(0, t.span.start) + text.slice(next.span.end) });
      }
    }
  }
  return out;
}

/**
 * Hostile texts made to measure: nesting of every bracket past the parser's limit and
 * within it, huge literals (strings, numbers, dynamic arrays, identifiers), and odd
 * Unicode in names, strings and between tokens.
 */
export function hostileSamples(): Sample[] {
  const deep = (n: number, open: string, close: string, inner: string) =>
    open.repeat(n) + inner + close.repeat(n);
  const texts: Record<string, string> = {
    "parens-150": `print x = ${deep(150, "(", ")", "1")}`,
    "parens-5000": `print x = ${deep(5000, "(", ")", "1")}`,
    "array-150": `print x = dynamic(${deep(150, "[", "]", "1")})`,
    "array-5000": `print x = dynamic(${deep(5000, "[", "]", "1")})`,
    "bag-3000": `print x = dynamic(${deep(3000, '{"a":', "}", "1")})`,
    "calls-3000": `print x = ${deep(3000, "strlen(", ")", "'a'")}`,
    "unary-3000": `print x = ${"-".repeat(3000)}1`,
    "not-3000": `print x = ${"not(".repeat(3000)}true${")".repeat(3000)}`,
    "subquery-2000": `print x = ${deep(2000, "toscalar(print y = ", ")", "1")}`,
    "unclosed-5000": `print x = ${"(".repeat(5000)}`,
    "string-1m": `print x = strlen('${"a".repeat(1_000_000)}')`,
    "number-100k": `print x = ${"9".repeat(100_000)}`,
    "real-100k": `print x = 1.${"5".repeat(100_000)}`,
    "name-100k": `print ${"n".repeat(100_000)} = 1`,
    "dynamic-100k": `print x = array_length(dynamic([${Array(100_000).fill(1).join(",")}]))`,
    "in-20k": `print x = 5 in (${Array.from({ length: 20_000 }, (_, i) => i).join(",")})`,
    "unicode-names": "print ['名前'] = 1, ['😀'] = 2, ['\u202e'] = 3",
    "unicode-strings": "print x = strlen('\u0000\u202e😀\ud800'), y = toupper('straße')",
    "unicode-spaces": "print\u200bx\u00a0=\ufeff1\u3000+\u20092",
    "unicode-stray": "print x = 1 \u2028+ 2",
    "lone-surrogate": "print x = '\ud800' == '\udc00'",
    "nul-in-name": "print ['a\u0000b'] = 1",
  };
  return Object.entries(texts).map(([id, text]) => ({ id: `hostile:${id}`, text }));
}
