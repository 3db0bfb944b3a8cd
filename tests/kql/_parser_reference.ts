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
