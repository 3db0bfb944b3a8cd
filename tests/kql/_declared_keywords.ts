/**
 * The words and declaring positions of the declared-keyword test (issue 16): every keyword
 * of Kusto.Language's keyword table and of casefile's parser, each placed where a query
 * declares a name.
 *
 * @module
 */
import "@kusto/language-service-next/bridge.js";
import "@kusto/language-service-next/Kusto.Language.Bridge.js";
import { OPERATOR_NAMES } from "../../src/kql/syntax/_parser.ts";

// deno-lint-ignore no-explicit-any
const Kusto = (globalThis as any).Kusto;

/** The keywords of Kusto.Language's syntax table (words only, no punctuation). */
export function kustoKeywords(): string[] {
  const facts = Kusto.Language.Syntax.SyntaxFacts;
  const words = new Set<string>();
  const kinds = Object.values(Kusto.Language.Syntax.SyntaxKind)
    .filter((k) => typeof k === "number") as number[];
  for (const kind of kinds) {
    try {
      if (!facts.IsKeyword(kind)) continue;
      const text = facts.GetText(kind) as string;
      if (text && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(text)) words.add(text);
    } catch {
      // a kind without syntax data
    }
  }
  return [...words].sort();
}

/**
 * Every word to try: Kusto.Language's keywords and the operator names casefile reads, those
 * that are one identifier (`project-away`, `top-nested` are several tokens: never one name).
 */
export function declaredWords(): string[] {
  return [...new Set([...kustoKeywords(), ...OPERATOR_NAMES])]
    .filter((w) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(w))
    .sort();
}

/** A place where a query declares a name, as a query with `w` for the word. */
export interface Position {
  readonly id: string;
  readonly query: (w: string) => string;
}

/** The declaring positions. */
export const POSITIONS: readonly Position[] = [
  { id: "print", query: (w) => `print ${w} = 1` },
  { id: "extend", query: (w) => `T | extend ${w} = 1` },
  { id: "project", query: (w) => `T | project ${w} = x` },
  { id: "summarize", query: (w) => `T | summarize ${w} = count()` },
  { id: "summarize-by", query: (w) => `T | summarize count() by ${w} = x` },
  { id: "let", query: (w) => `let ${w} = 1; print y = 1` },
  { id: "project-rename", query: (w) => `T | project-rename ${w} = x` },
  { id: "parse", query: (w) => `T | parse x with ${w}:string` },
  { id: "mv-expand", query: (w) => `T | mv-expand ${w} = x` },
  { id: "datatable", query: (w) => `datatable(${w}:long)[1]` },
  { id: "parameter", query: (w) => `let f = (${w}:long) { 1 }; print y = f(1)` },
  { id: "query-parameters", query: (w) => `declare query_parameters(${w}:long); print y = 1` },
  { id: "extend-tuple", query: (w) => `T | extend (${w}, v) = pack_array(1, 2)` },
];
