/**
 * `casefile hunt`: list and search the hunting library, show a query, run one, or run a
 * pack (every query of a technique, table, tactic or entity kind) and print the hits per
 * query. Runs on the provider the options name, like `casefile query`.
 *
 * @module
 */
import type { Command } from "commander";
import {
  builtinHuntFamilies,
  type EntityKind,
  findHunt,
  type HuntEntry,
  type HuntFamily,
  loadHuntFolder,
  runHuntQuery,
  searchHunts,
} from "../src/hunt/mod.ts";
import type { Provider } from "../src/providers/mod.ts";
import { CliUsageError, ReplError } from "./errors.ts";
import { textTable } from "./_format.ts";
import { formatValue } from "./_display.ts";
import { huntArgsFromWords, huntDetail, huntTable } from "./_hunt.ts";

interface HuntCliOptions {
  provider?: string;
  workspace?: string;
  data?: string;
  technique?: string;
  table?: string;
  tactic?: string;
  entity?: string;
  window?: string;
  param?: string[];
  library?: string;
  rows: string;
}

/**
 * Adds `casefile hunt` to `program`.
 *
 * @param withProvider Runs work on the provider the options name (closing it after).
 * @param withProviderOptions Adds `--provider`, `--workspace`, `--data` to a command.
 */
export function addHuntCommand(
  program: Command,
  write: (text: string) => void,
  withProvider: <T>(
    options: { provider?: string; workspace?: string; data?: string },
    work: (provider: Provider) => Promise<T>,
  ) => Promise<T>,
  withProviderOptions: (command: Command) => Command,
): void {
  withProviderOptions(
    program.command("hunt")
      .description(
        "the hunting library: list [TEXT] | show ID | run ID --param name=value; with " +
          "--technique/--table/--tactic/--entity and no verb, run that pack and print hits per query",
      )
      .argument("[verb]", "list, show, run (default: list, or run the pack a filter names)")
      .argument("[words...]", "search text, or the query id")
      .option("--technique <id>", "an ATT&CK technique (T1110 includes T1110.003)")
      .option("--table <name>", "a table the queries read")
      .option("--tactic <name>", "an ATT&CK tactic")
      .option("--entity <kind>", "an entity kind a parameter takes (ip, account, host...)")
      .option("--window <timespan>", "the lookback (default: each query's own)")
      .option("--param <name=value>", "a parameter (repeatable)", collect, [])
      .option("--library <dir>", "a folder of your own YAML families, added to the built-in ones")
      .option("-n, --rows <n>", "rows to show for run", "20"),
  ).action(async (verb: string | undefined, words: string[], options: HuntCliOptions) => {
    const families: HuntFamily[] = [
      ...builtinHuntFamilies(),
      ...(options.library ? await loadHuntFolder(options.library) : []),
    ];
    const filtered = (text: string[]) =>
      searchHunts({
        text: text.join(" ") || undefined,
        technique: options.technique,
        table: options.table,
        tactic: options.tactic,
        entity: options.entity as EntityKind | undefined,
      }, families);
    const pack = Boolean(options.technique || options.table || options.tactic || options.entity);
    if ((verb === "show" || verb === "run") && !words[0]) {
      throw new CliUsageError(`casefile hunt ${verb} needs a query id.`, {
        hint: `casefile hunt ${verb} identity.passwordSpraySourcesByIp; ` +
          "casefile hunt list shows the ids.",
      });
    }
    if (verb === "show") {
      write(huntDetail(findHunt(words[0], families)));
      return;
    }
    if (verb === "run") {
      const entry = findHunt(words[0], families);
      const args = huntArgsFromWords(entry, options.param ?? [], "cli");
      if (options.window) args.window = options.window;
      await withProvider(options, async (provider) => {
        const frame = await runHuntQuery(entry.query, args, { provider, id: entry.id });
        const shown = frame.head(Math.max(1, Number(options.rows) || 20));
        write(formatValue(shown, { width: columns(), colors: false }));
        write(`${frame.height} rows · ${entry.id}`);
      });
      return;
    }
    const text = verb === undefined || verb === "list" ? words : [verb, ...words];
    const entries = filtered(text);
    if (verb === "list" || !pack) {
      write(huntTable(entries));
      return;
    }
    if (entries.length === 0) {
      throw new ReplError("No library query matches the pack's filters.", {
        hint: "See casefile hunt list with the same filters.",
      });
    }
    await withProvider(options, (provider) => runPack(entries, options, provider, write));
  });
}

/**
 * Runs a pack's queries on `provider` and writes the hits per query. Queries reading a
 * table the provider lacks are not run; when it cannot list its tables, every one runs.
 */
export async function runPack(
  entries: readonly HuntEntry[],
  options: Pick<HuntCliOptions, "window">,
  provider: Provider,
  write: (text: string) => void,
): Promise<void> {
  const rows: string[][] = [];
  let hits = 0;
  let notRun = 0;
  const present = await providerTables(provider);
  if (!present) write("note: the provider could not list its tables; every query is tried.");
  for (const entry of entries) {
    const absent = present ? entry.query.tables.filter((t) => !present.has(t)) : [];
    if (absent.length) {
      rows.push([entry.id, "", `not run: this data has no ${absent.join(", ")}`]);
      notRun++;
      continue;
    }
    const required = Object.entries(entry.query.parameters).filter(([, p]) =>
      p.default === undefined
    );
    if (required.length) {
      rows.push([entry.id, "", `skipped: needs ${required.map(([n]) => n).join(", ")}`]);
      continue;
    }
    try {
      const frame = await runHuntQuery(
        entry.query,
        options.window ? { window: options.window } : {},
        {
          provider,
          id: entry.id,
        },
      );
      if (frame.height > 0) hits++;
      rows.push([entry.id, String(frame.height), frame.height > 0 ? "HIT" : ""]);
    } catch (error) {
      rows.push([entry.id, "", `failed: ${(error as Error).message.split("\n")[0]}`]);
    }
  }
  write(textTable(["query", "rows", "note"], rows));
  write(
    `${hits} of ${entries.length} queries found rows${
      notRun ? `; ${notRun} not run (this data lacks their tables)` : ""
    }`,
  );
}

/** The provider's tables, or undefined when it cannot say (then every query runs). */
async function providerTables(provider: Provider): Promise<ReadonlySet<string> | undefined> {
  try {
    return new Set((await provider.tables()).map((t) => t.name));
  } catch {
    return undefined;
  }
}

function columns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 160; // not a terminal
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
