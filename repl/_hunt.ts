/**
 * `.hunt` and `.pivot` in the REPL, and the text both they and `casefile hunt` print: the
 * library's queries as a table, one query in full, a pack's hits per query.
 *
 * @module
 */
import type { Session } from "../src/session/mod.ts";
import {
  builtinHuntFamilies,
  ENTITY_KINDS,
  type EntityKind,
  findHunt,
  type HuntEntry,
  huntText,
  parseHuntArg,
  searchHunts,
} from "../src/hunt/mod.ts";
import { CliUsageError, ReplError } from "./errors.ts";
import { textTable } from "./_format.ts";
import { formatValue } from "./_display.ts";

/** The queries as a table: id, window, techniques, tables, parameters. */
export function huntTable(entries: readonly HuntEntry[]): string {
  if (entries.length === 0) return "No library query matches.";
  return textTable(
    ["query", "window", "techniques", "tables", "parameters"],
    entries.map(({ id, query }) => [
      id,
      query.window,
      query.techniques.join(" "),
      query.tables.join(" "),
      Object.entries(query.parameters).map(([n, p]) =>
        `${n}:${p.type}${p.default === undefined ? "" : "?"}`
      ).join(" "),
    ]),
  ) + `\n(${entries.length} queries)`;
}

/** One query in full: description, ATT&CK, tables, parameters, columns and its KQL. */
export function huntDetail(entry: HuntEntry): string {
  const q = entry.query;
  const params = Object.entries(q.parameters);
  return [
    `${entry.id}: ${q.description}`,
    `window ${q.window} · tactics ${q.tactics.join(", ") || "-"} · techniques ${
      q.techniques.join(", ") || "-"
    }`,
    `tables ${q.tables.join(", ")}`,
    `columns ${q.columns.join(", ")}`,
    params.length
      ? textTable(
        ["parameter", "type", "default", "example", "description"],
        params.map(([n, p]) => [
          n,
          p.type,
          p.default === undefined ? "(required)" : JSON.stringify(p.default),
          p.example === undefined ? "" : JSON.stringify(p.example),
          p.description,
        ]),
      )
      : "no parameters",
    q.query.trim(),
  ].join("\n");
}

/**
 * Reads `name=value` words into a query's arguments (`window=7d`, `start=`, `end=`).
 *
 * @param from Where the words were typed, for the hint: the REPL's `.hunt run` or the
 *   command line's `casefile hunt run --param` (a usage error there).
 */
export function huntArgsFromWords(
  entry: HuntEntry,
  words: readonly string[],
  from: "repl" | "cli" = "repl",
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const example = `${Object.keys(entry.query.parameters)[0] ?? "window"}=...`;
  for (const word of words) {
    const at = word.indexOf("=");
    if (at <= 0) {
      if (from === "cli") {
        throw new CliUsageError(`--param ${word} is not name=value.`, {
          hint: `casefile hunt run ${entry.id} --param ${example}`,
        });
      }
      throw new ReplError(`${word} is not name=value.`, {
        hint: `.hunt run ${entry.id} ${example}`,
      });
    }
    const name = word.slice(0, at);
    const text = word.slice(at + 1);
    const spec = entry.query.parameters[name];
    args[name] = spec ? parseHuntArg(spec, text, entry.id, name) : text;
  }
  return args;
}

/** What `.hunt` reaches of the REPL. */
export interface HuntHost {
  readonly output: { write(text: string): void; columns(): number };
  readonly session: Session;
}

/**
 * `.hunt` (list), `.hunt WORDS` (search), `.hunt show ID`, `.hunt run ID [name=value ...]`
 * (a query step with the KQL as run).
 */
export async function huntCommand(
  host: HuntHost,
  args: string[],
  signal: AbortSignal,
): Promise<void> {
  const [verb, id, ...rest] = args;
  if (verb === "show") {
    if (!id) {
      throw new ReplError(".hunt show needs a query id.", {
        hint: ".hunt show identity.riskySignIns",
      });
    }
    host.output.write(huntDetail(findHunt(id)));
    return;
  }
  if (verb === "run") {
    if (!id) throw new ReplError(".hunt run needs a query id.", { hint: "See .hunt for the ids." });
    const entry = findHunt(id);
    const provider = host.session.provider;
    if (!provider) throw new ReplError("The session has no provider.", { hint: ".connect local" });
    const now = provider.referenceTime ?? new Date();
    const { text } = huntText(entry.query, huntArgsFromWords(entry, rest), { id: entry.id, now });
    const frame = await host.session.query(entry.query.name, text, { signal });
    host.output.write(
      formatValue(frame, {
        width: host.output.columns(),
        colors: false,
        name: entry.query.name,
      }),
    );
    host.output.write(
      `(${entry.query.name} · ${frame.height} rows · step ${host.session.steps().length})`,
    );
    return;
  }
  host.output.write(huntTable(searchWords(args)));
}

/** Search words: `technique:T1110`, `table:SigninLogs`, `entity:ip`, `tactic:...`, text. */
export function searchWords(words: readonly string[]): HuntEntry[] {
  const text: string[] = [];
  const search: Record<string, string> = {};
  for (const word of words) {
    const m = /^(technique|table|tactic|entity):(.+)$/i.exec(word);
    if (m) search[m[1].toLowerCase()] = m[2];
    else if (/^T\d{4}(\.\d{3})?$/i.test(word)) search.technique = word;
    else text.push(word);
  }
  if (search.entity && !ENTITY_KINDS.includes(search.entity as EntityKind)) {
    throw new ReplError(`${search.entity} is not an entity kind.`, {
      hint: `Kinds: ${ENTITY_KINDS.join(", ")}.`,
    });
  }
  return searchHunts({
    text: text.join(" ") || undefined,
    table: search.table,
    technique: search.technique,
    tactic: search.tactic?.replace(/_/g, " "),
    entity: search.entity as EntityKind | undefined,
  }, builtinHuntFamilies());
}

/** `.pivot KIND VALUE [window=7d]`: the pivots of a value and their hit counts (a code step). */
export async function pivotCommand(
  host: HuntHost,
  args: string[],
  signal: AbortSignal,
): Promise<void> {
  const [kind, value, ...rest] = args;
  if (!kind || !ENTITY_KINDS.includes(kind as EntityKind) || !value) {
    throw new ReplError(".pivot takes an entity kind and a value.", {
      hint: `.pivot ip 203.0.113.45 (kinds: ${ENTITY_KINDS.join(", ")})`,
    });
  }
  const options: Record<string, string> = {};
  for (const word of rest) {
    const m = /^(window)=(.+)$/.exec(word);
    if (!m) {
      throw new ReplError(`${word} is not window=VALUE.`, {
        hint: ".pivot ip 203.0.113.45 window=14d",
      });
    }
    options[m[1]] = m[2];
  }
  const code = `await pivot.${kind}(${JSON.stringify(value)}${
    Object.keys(options).length ? `, ${JSON.stringify(options)}` : ""
  }).run()`;
  const name = `_${host.session.steps().length + 1}`;
  const report = await host.session.run(name, code, { signal });
  host.output.write(String(report));
}
