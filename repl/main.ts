/**
 * The `casefile` command. Until the interactive REPL is built, it summarises a case
 * folder (the bundled demo case by default) and shows tables, schemas and rows.
 *
 * @module
 */
import { Command } from "commander";
import { formatSchema } from "../src/schema/types.ts";
import { loadTable } from "../src/data/load.ts";
import { DEMO_CASE_DIR, openLocalProvider } from "../src/providers/local/local_provider.ts";
import { SENTINEL_SCHEMAS } from "../src/schema/sentinel.ts";
import { summariseCase } from "./_summary.ts";
import { count, describeError, textTable } from "./_format.ts";

interface DataOption {
  data?: string;
}

function open(options: DataOption) {
  return openLocalProvider(options.data ?? DEMO_CASE_DIR, { knownSchemas: SENTINEL_SCHEMAS });
}

/** Builds the command line parser; `write` receives everything printed. */
export function buildCli(write: (text: string) => void): Command {
  const program = new Command("casefile")
    .description("Security investigations over Sentinel and local data, in Deno.")
    .option("--data <dir>", "folder of data files to serve (default: the bundled demo case)")
    .option("--debug", "show stack traces of errors")
    .showHelpAfterError()
    .action(async (options: DataOption) => {
      write(await summariseCase(await open(options)));
      write(
        "\nTry:\n" +
          `  deno task casefile query "SecurityAlert | project TimeGenerated, AlertName, ` +
          `CompromisedEntity | sort by TimeGenerated asc"\n` +
          "  deno task casefile schema SigninLogs\n" +
          "  deno task casefile load <any CSV, JSON or Parquet export>",
      );
    });

  program.command("tables")
    .description("list the tables with their row and column counts")
    .action(async () => {
      const provider = await open(program.opts());
      const tables = await provider.tables();
      write(textTable(
        ["table", "rows", "columns", "source"],
        tables.map((
          t,
        ) => [
          t.name,
          t.rows === undefined ? "" : count(t.rows),
          String(t.columns.length),
          t.source,
        ]),
      ));
    });

  program.command("schema")
    .description("show a table's columns and Kusto types")
    .argument("<table>", "table name")
    .action(async (table: string) => {
      const schema = await (await open(program.opts())).schema(table);
      write(textTable(["column", "type"], schema.columns.map((c) => [c.name, c.type])));
    });

  program.command("head")
    .description("show the first rows of a table")
    .argument("<table>", "table name")
    .option("-n, --rows <n>", "how many rows", "10")
    .action(async (table: string, options: { rows: string }) => {
      const result = await (await open(program.opts())).query(table);
      const rows = Number(options.rows);
      write(result.frame.head(Number.isFinite(rows) ? rows : 10).toString());
      write(`${count(result.rowCount)} rows in ${table}`);
      for (const w of result.warnings) write(`warning: ${w.message}`);
    });

  program.command("query")
    .description("run a KQL query over the data folder and print the result")
    .argument("<kql>", "the query, e.g. 'SecurityAlert | summarize count() by AlertName'")
    .option("-n, --rows <n>", "how many rows to show", "20")
    .action(async (kql: string, options: { rows: string }) => {
      const result = await (await open(program.opts())).query(kql);
      const rows = Number(options.rows);
      write(result.frame.head(Number.isFinite(rows) ? rows : 20).toString());
      write(`${count(result.rowCount)} rows, ${result.durationMs.toFixed(0)} ms`);
      for (const w of result.warnings) write(`warning: ${w.message}`);
    });

  program.command("load")
    .description("read data files as one table and show its types, warnings and first rows")
    .argument("<files...>", "Parquet, CSV, TSV, JSON or NDJSON files")
    .action(async (files: string[]) => {
      const table = await loadTable(files);
      write(`${table.schema.name}: ${count(table.frame.height)} rows`);
      write(formatSchema(table.schema));
      for (const note of table.notes) write(`note: ${note}`);
      for (const w of table.warnings) write(`warning: ${w.file}: ${w.message}`);
      write(table.frame.head(5).toString());
    });
  return program;
}

/** Runs the command line; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const program = buildCli((text) => console.log(text));
  program.exitOverride();
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      return (error as { exitCode?: number }).exitCode ?? 1;
    }
    console.error(describeError(error, args.includes("--debug")));
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
