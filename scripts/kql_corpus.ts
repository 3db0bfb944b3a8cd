/**
 * Runs every query of a folder (`.kql` files, or Sentinel `.yaml` rules with a `query:` field) on
 * a case folder (default: the bundled demo case) and classifies each outcome, so a corpus of real
 * hunting queries measures how much of the language the engine runs:
 *
 * ```sh
 * deno run -A scripts/kql_corpus.ts <folder> [--case <case folder>] [--json] [--only <text>]
 * ```
 *
 * Classes: `ran`; `parse-error` (casefile rejects KQL that Kusto.Language accepts: an engine
 * fault); `invalid-kql` (Kusto.Language rejects it too); `unknown-table` and `unknown-column`
 * (the case lacks the table or column; a column a query made itself is an engine fault, so the
 * name is printed); `unsupported` (a function, operator or plugin casefile refuses);
 * `external-data` (`externaldata` from the network, which casefile never fetches); `semantic`
 * (another casefile error: types, arguments, unknown functions); `crash` (an error that is not a
 * casefile error: always an engine fault). The last line is the summary.
 *
 * Template placeholders of hunting queries (`{{StartTimeISO}}`, `{{EndTimeISO}}`, other
 * `{{…}}`) become the case's time range, or `1d`.
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import { openLocalProvider } from "../src/providers/local/local_provider.ts";
import { KqlSemanticError, KqlSyntaxError, KqlUnsupportedError } from "../src/kql/errors.ts";
import { CasefileError } from "../src/errors.ts";

/** One query of a corpus and where it came from. */
export interface CorpusQuery {
  /** The file name. */
  readonly name: string;
  /** The KQL text, placeholders not yet filled. */
  readonly text: string;
}

/** The class of one outcome. */
export type CorpusOutcome =
  | "ran"
  | "parse-error"
  | "invalid-kql"
  | "unknown-table"
  | "unknown-column"
  | "unsupported"
  | "external-data"
  | "semantic"
  | "crash";

/** The outcome of one query. */
export interface CorpusResult {
  /** The file name. */
  readonly name: string;
  /** Its class. */
  readonly outcome: CorpusOutcome;
  /** Rows, or the first line of the error. */
  readonly detail: string;
}

/** Reads the queries of a folder: `.kql` files whole, `.yaml`/`.yml` files by their `query:`. */
export function readCorpus(folder: string): CorpusQuery[] {
  const out: CorpusQuery[] = [];
  const names = [...Deno.readDirSync(folder)].filter((e) => e.isFile).map((e) => e.name).sort();
  for (const name of names) {
    const path = `${folder}/${name}`;
    if (name.endsWith(".kql")) out.push({ name, text: Deno.readTextFileSync(path) });
    else if (/\.ya?ml$/.test(name)) {
      const text = yamlQuery(Deno.readTextFileSync(path));
      if (text) out.push({ name, text });
    }
  }
  return out;
}

function yamlQuery(source: string): string | undefined {
  try {
    const doc = parseYaml(source) as { query?: unknown } | null;
    if (doc && typeof doc.query === "string" && doc.query.trim()) return doc.query;
  } catch {
    // Some rule files are not valid YAML; take the block after `query: |` by hand.
    const m = /^query:\s*[|>][-+]?\s*\n((?:[ \t]+.*\n|\s*\n)+)/m.exec(source);
    if (m) return m[1];
  }
  return undefined;
}

/** Fills a hunting query's `{{…}}` placeholders with the case's time range. */
export function fillPlaceholders(query: string, start: Date, end: Date): string {
  return query.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => {
    if (/start/i.test(name)) return start.toISOString();
    if (/end/i.test(name)) return end.toISOString();
    return "1d";
  });
}

type KustoSyntaxCheck = (query: string) => string[];

async function kustoSyntax(): Promise<KustoSyntaxCheck | undefined> {
  try {
    await import("@kusto/language-service-next/bridge.js");
    await import("@kusto/language-service-next/Kusto.Language.Bridge.js");
  } catch {
    return undefined;
  }
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  return (query: string) => {
    const code = g.Kusto.Language.KustoCode.Parse(query);
    const out: string[] = [];
    const it = g.Bridge.getEnumerator(code.GetSyntaxDiagnostics());
    while (it.moveNext()) if (it.Current.Severity === "Error") out.push(it.Current.Message);
    return out;
  };
}

/** Sorts an error into its class. */
export function classify(error: unknown, kustoErrors?: string[]): CorpusOutcome {
  if (error instanceof KqlSyntaxError) {
    return kustoErrors && kustoErrors.length > 0 ? "invalid-kql" : "parse-error";
  }
  if (error instanceof KqlUnsupportedError) return "unsupported";
  const message = error instanceof Error ? error.message : String(error);
  if (
    error instanceof CasefileError &&
    /unknown (table|watchlist)|no (table|watchlist)/i.test(message)
  ) {
    return "unknown-table";
  }
  if (error instanceof CasefileError && /does not fetch data from the network/.test(message)) {
    return "external-data";
  }
  if (error instanceof KqlSemanticError) {
    return /unknown column|has no column/i.test(message) ? "unknown-column" : "semantic";
  }
  if (error instanceof CasefileError) return "semantic";
  return "crash";
}

async function main(args: string[]): Promise<number> {
  const folder = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
  if (!folder) {
    console.error("usage: kql_corpus.ts <folder> [--case <case folder>] [--json] [--only <text>]");
    return 2;
  }
  const at = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const provider = await openLocalProvider(at("--case"));
  const end = provider.referenceTime ?? new Date();
  const start = new Date(end.getTime() - 14 * 86_400_000);
  const kusto = await kustoSyntax();
  const only = at("--only");
  const results: CorpusResult[] = [];
  for (const q of readCorpus(folder)) {
    if (only && !q.name.includes(only)) continue;
    const text = fillPlaceholders(q.text, start, end);
    try {
      const r = await provider.query(text);
      results.push({ name: q.name, outcome: "ran", detail: `${r.rowCount} rows` });
    } catch (e) {
      const outcome = classify(e, e instanceof KqlSyntaxError ? kusto?.(text) : undefined);
      const first = (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split("\n")[0];
      results.push({ name: q.name, outcome, detail: first });
    }
  }
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  if (args.includes("--json")) console.log(JSON.stringify({ results, counts }, null, 1));
  else {
    for (const r of results) {
      console.log(`${r.outcome.padEnd(15)} ${r.name.padEnd(48)} ${r.detail.slice(0, 200)}`);
    }
  }
  const ran = counts.ran ?? 0;
  const pct = results.length ? ((100 * ran) / results.length).toFixed(1) : "0";
  const rest = Object.entries(counts).filter(([k]) => k !== "ran").map(([k, v]) => `${k} ${v}`);
  console.log(
    `summary: ${ran}/${results.length} ran (${pct}%)${rest.length ? "; " : ""}${rest.join(", ")}`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
