/**
 * The `casefile` command: the interactive REPL (the default, and `casefile repl`), and
 * commands for the shell: run a script, export a session, list sessions, the cache, and a
 * case folder's summary, tables, schemas and rows.
 *
 * @module
 */
import "./_warnings.ts";
import { Command } from "commander";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openSession } from "../src/session/session.ts";
import { defaultHome, listSessions, removeSession } from "../src/session/home.ts";
import { ResultCache } from "../src/session/result_cache.ts";
import { EXPORT_KINDS, type ExportKind } from "./_export_kinds.ts";
import { type OpenProvider, openProvider, type ProviderSpec } from "./_providers.ts";
import { ReplError } from "./errors.ts";
import { clearSpinner, setSpinnerStatus } from "./_spinner.ts";
import { formatSchema } from "../src/schema/mod.ts";
import { loadTable } from "../src/data/mod.ts";
import type { LocalProvider, QueryProgress, QueryResult } from "../src/providers/mod.ts";
import { summariseCase, summariseWorkspace } from "./_summary.ts";
import { count, describeError, textTable, utc } from "./_format.ts";
import { importLater } from "./_later.ts";

/** Options of `casefile repl`. */
interface ReplCliOptions {
  session?: string;
  provider?: string;
  data?: string;
  workspace?: string;
  home?: string;
  debug?: boolean;
}

const HINT =
  `Try:  %kql alerts = SecurityAlert | summarize n = count() by AlertName | sort by n desc
      const top = alerts.head(3)        (TypeScript; the casefile API and pl are in scope)
      .tables   .schema SigninLogs   .history   .help        (Tab completes; Ctrl-D exits)`;

/** A new session's name: `demo-YYYYMMDD-HHMMSS` (`case-` for a folder, `sentinel-`). */
export function freshSessionName(prefix: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return `${prefix}-${stamp}`;
}

/** The options that choose a provider. */
interface ProviderCliOptions {
  provider?: string;
  workspace?: string;
  data?: string;
}

/**
 * The provider the options name: `--provider sentinel` (or a `--workspace`) is a Log
 * Analytics workspace, else the local folder `--data` (default: the demo case).
 *
 * @throws {ReplError} for another provider, or options that belong to the other one (a
 *   workspace for the local provider, a data folder for Sentinel): never a silent default.
 */
export function providerSpec(options: ProviderCliOptions): ProviderSpec {
  const kind = options.provider ?? (options.workspace !== undefined ? "sentinel" : "local");
  if (kind !== "local" && kind !== "sentinel") {
    throw new ReplError(`--provider takes local or sentinel, not ${kind}.`, {
      hint: "--provider sentinel --workspace <name or id>, or --provider local --data <dir>.",
    });
  }
  if (kind === "local" && options.workspace !== undefined) {
    throw new ReplError(
      `--workspace ${options.workspace} names a Log Analytics workspace, but --provider is local.`,
      { hint: "Use --provider sentinel with --workspace, or leave --workspace out." },
    );
  }
  if (kind === "sentinel" && options.data !== undefined) {
    throw new ReplError(
      `--data ${options.data} is a folder for the local provider, but --provider is sentinel.`,
      { hint: "Leave --data out to query the workspace, or use --provider local." },
    );
  }
  return kind === "local"
    ? { kind: "local", dir: options.data }
    : { kind: "sentinel", workspace: options.workspace };
}

async function startRepl(options: ReplCliOptions): Promise<void> {
  const spec = providerSpec(options);
  const kind = spec.kind;
  const prefix = kind === "sentinel" ? "sentinel" : options.data ? "case" : "demo";
  const name = options.session ?? freshSessionName(prefix);
  const interactive = Deno.stdin.isTerminal() && Deno.stdout.isTerminal();
  const colors = interactive && !Deno.env.get("NO_COLOR");
  const { Repl } = await importLater<typeof import("./_repl.ts")>(
    new URL("./_repl.ts", import.meta.url),
  );
  const { runTerminal } = await importLater<typeof import("./_terminal.ts")>(
    new URL("./_terminal.ts", import.meta.url),
  );
  const repl = await Repl.open({
    home: options.home ? resolve(options.home) : defaultHome(),
    session: name,
    provider: spec,
    debug: options.debug,
    output: {
      write: (text) => {
        clearSpinner();
        console.log(text);
      },
      error: (text) => {
        clearSpinner();
        console.error(text);
      },
      columns: () => {
        try {
          return Deno.consoleSize().columns;
        } catch {
          return Number(Deno.env.get("COLUMNS")) || 120;
        }
      },
      colors,
      interactive,
      ...(interactive ? { status: setSpinnerStatus } : {}),
    },
  });
  const fresh = repl.session.steps().length === 0;
  const banner = interactive
    ? `casefile · session ${repl.session.name} · ${repl.connection.provider.description}` +
      (fresh ? `\n${HINT}` : "")
    : undefined;
  await runTerminal(repl, { interactive, banner });
}

/**
 * Runs a script with `deno run`. An exported session's script runs with the permissions
 * its first line asks for, its `${CASEFILE_DIR}`, `${CASEFILE_HOME}` and `${CASEFILE_DATA}`
 * filled in (this checkout, the home, the data folder); any other script with all
 * permissions and casefile's configuration.
 *
 * @returns The script's exit code.
 */
export async function runScript(
  script: string,
  args: readonly string[],
  where: { home: string; data?: string },
): Promise<number> {
  const repo = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
  const config = join(repo, "deno.json");
  let first = "";
  try {
    first = (await Deno.readTextFile(script)).split("\n", 1)[0];
  } catch (error) {
    throw new ReplError(`Cannot read ${script}: ${(error as Error).message}.`);
  }
  const header = /^#!\/usr\/bin\/env -S deno run (.*)$/.exec(first);
  const env: Record<string, string> = { CASEFILE_DIR: repo, CASEFILE_HOME: where.home };
  const data = where.data ?? readEnv("CASEFILE_DATA");
  if (data) env.CASEFILE_DATA = data;
  const home = readEnv("HOME");
  if (home) env.HOME = home;
  let flags = ["--allow-all", "--config", config];
  if (header) {
    flags = header[1].split(/\s+/).map((flag) =>
      flag.replace(/\$\{(\w+)\}/g, (_, name: string) => {
        const value = env[name];
        if (value === undefined) {
          throw new ReplError(`${script} needs ${name}, which is not set.`, {
            hint: name === "CASEFILE_DATA"
              ? "It reads a folder of data: give --data DIR (before run), or set CASEFILE_DATA."
              : `Set ${name}.`,
          });
        }
        return value;
      })
    );
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, script, ...args],
    env,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  return (await child.status).code;
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

function homeOf(options: { home?: string }): string {
  return options.home ? resolve(options.home) : defaultHome();
}

/** A `--rows` value, or `fallback` when it is not a number. */
function rowsOption(rows: string, fallback: number): number {
  const n = Number(rows);
  return Number.isFinite(n) && n >= 0 ? Math.trunc(n) : fallback;
}

/** A table name as KQL spells it: bare when it can be, else `['...']`. */
function kqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `['${name.replace(/['\\]/g, "\\$&")}']`;
}

/** Options shared by several commands: flag and help text, by name. */
const SHARED_OPTIONS = {
  data: ["--data <dir>", "folder of data files (default: the bundled demo case)"],
  session: ["--session <name>", "the session to open or resume (default: a new one)"],
  provider: ["--provider <kind>", "local or sentinel (default: local)"],
  workspace: ["--workspace <name>", "the Log Analytics workspace (a friendly name or an id)"],
  home: ["--home <dir>", "the casefile home (default: $CASEFILE_HOME or ./.casefile)"],
  debug: ["--debug", "show stack traces of errors"],
} as const;

type SharedOption = keyof typeof SHARED_OPTIONS;

/** What a subcommand's `--home` says (the default is told once, on `casefile` and `repl`). */
const HOME_HERE = { home: "the casefile home" } as const;

/** Adds the shared options `names` to `command`, in that order; `texts` replaces help texts. */
function withOptions(
  command: Command,
  names: readonly SharedOption[],
  texts: Partial<Record<SharedOption, string>> = {},
): Command {
  for (const name of names) {
    command.option(SHARED_OPTIONS[name][0], texts[name] ?? SHARED_OPTIONS[name][1]);
  }
  return command;
}

/** Builds the command line parser; `write` receives everything printed. */
export function buildCli(write: (text: string) => void): Command {
  const program = withOptions(
    new Command("casefile")
      .description("Security investigations over Sentinel and local data, in Deno."),
    ["data", "session", "provider", "workspace", "home", "debug"],
    { data: "folder of data files to serve (default: the bundled demo case)" },
  )
    .showHelpAfterError()
    .enablePositionalOptions()
    .action(async (options: ReplCliOptions) => {
      await startRepl(options);
    });

  withOptions(
    program.command("repl").description("the interactive REPL (the default command)"),
    ["session", "provider", "data", "workspace", "home", "debug"],
  ).action(async (options: ReplCliOptions) => {
    await startRepl({ ...program.opts(), ...options });
  });

  addRunCommand(program);
  addSessionCommands(program, write);
  addCaseCommands(program, write);
  return program;
}

/** `casefile run SCRIPT [args...]`. */
function addRunCommand(program: Command): void {
  program.command("run")
    .description(
      "run a script: an exported session (with the permissions of its first line) or any TypeScript file",
    )
    .argument("<script>", "the script")
    .argument(
      "[args...]",
      "its arguments (after --), e.g. flags of an exported session: --code 50057",
    )
    .action(async (script: string, args: string[]) => {
      const opts = program.opts() as { home?: string; data?: string } & ProviderCliOptions;
      if (opts.provider !== undefined || opts.workspace !== undefined) {
        throw new ReplError(
          "casefile run does not take --provider or --workspace: the script opens its own.",
          {
            hint: "An exported session replays on the workspace it recorded; a script of your " +
              "own reads CASEFILE_SENTINEL_WORKSPACE (set it for the run).",
          },
        );
      }
      const status = await runScript(resolve(script), args, {
        home: homeOf(opts),
        data: opts.data ? resolve(opts.data) : undefined,
      });
      if (status !== 0) {
        throw new ReplError(`${script} exited with code ${status}.`, {
          hint: "Its error is printed above.",
        });
      }
    });
}

/** The commands over the home's sessions and cache: import, export, sessions, cache. */
function addSessionCommands(program: Command, write: (text: string) => void): void {
  /** The home a subcommand works in: its own `--home`, else the program's. */
  const homeHere = (options: { home?: string }) => homeOf({ ...program.opts(), ...options });

  withOptions(
    program.command("import")
      .description("open a bundle (.casefile.gz) as a session of this home, checking every result")
      .argument("<bundle>", "the bundle file")
      .option("--name <name>", "the session's name (default: the bundled session's)"),
    ["home"],
    HOME_HERE,
  ).action(async (bundle: string, options: { name?: string; home?: string }) => {
    const { importBundle } = await importLater<typeof import("../src/session/bundle.ts")>(
      new URL("../src/session/bundle.ts", import.meta.url),
    );
    const home = homeHere(options);
    const imported = await importBundle(bundle, { home, name: options.name });
    try {
      const bad = imported.results.filter((r) => r.status !== "ok");
      write(
        `session ${imported.session.name} imported into ${home}: ` +
          `${imported.session.steps().length} steps, ` +
          `${imported.results.length - bad.length} of ${imported.results.length} results checked`,
      );
      for (const r of bad) write(`warning: result ${r.sha256.slice(0, 16)}… ${r.status}`);
    } finally {
      await imported.session.close();
    }
  });

  withOptions(
    program.command("export")
      .description("export a session as a script, a notebook or a report")
      .argument("<kind>", EXPORT_KINDS.join(" | "))
      .argument("<path>", "the file to write"),
    ["session", "home"],
    { ...HOME_HERE, session: "the session (default: the last one used)" },
  ).action(async (kind: string, path: string, options: { session?: string; home?: string }) => {
    if (!EXPORT_KINDS.includes(kind as ExportKind)) {
      throw new ReplError(`${kind} is not an export kind.`, {
        hint: `Use ${EXPORT_KINDS.join(", ")}.`,
      });
    }
    const home = homeHere(options);
    const name = options.session ?? (await listSessions(home))[0]?.name;
    if (!name) {
      throw new ReplError(`There are no sessions under ${home}.`, {
        hint: "Start one with casefile repl, or give --home.",
      });
    }
    const session = await openSession(name, { home });
    try {
      const { exportSession } = await importLater<typeof import("./_exports.ts")>(
        new URL("./_exports.ts", import.meta.url),
      );
      write(`${kind} written to ${await exportSession(session, kind as ExportKind, path)}`);
    } finally {
      await session.close();
    }
  });

  withOptions(
    program.command("sessions")
      .description("list the sessions, newest first; or remove some (rm NAME..., rm --replays)")
      .argument("[action]", "list (default) or rm", "list")
      .argument("[names...]", "for rm: the sessions to remove")
      .option("--replays", "for rm: every replay's session (<name>-replay-<time>)"),
    ["home"],
    HOME_HERE,
  ).action(
    async (action: string, names: string[], options: { home?: string; replays?: boolean }) => {
      const home = homeHere(options);
      const sessions = await listSessions(home);
      if (action === "rm") {
        const replay = /-replay-\d{8}T\d{6}-[0-9a-f]{4}$/;
        const chosen = options.replays
          ? sessions.filter((s) => replay.test(s.name)).map((s) => s.name)
          : names;
        if (chosen.length === 0) {
          throw new ReplError("sessions rm needs names, or --replays.", {
            hint: "casefile sessions rm spray-replay-20261206T101500-ab12, or rm --replays",
          });
        }
        for (const name of chosen) {
          await removeSession(name, home);
          write(`removed session ${name}`);
        }
        return;
      }
      if (action !== "list") throw new ReplError(`sessions takes list or rm, not ${action}.`);
      if (sessions.length === 0) write(`No sessions under ${home}.`);
      else {
        write(textTable(
          ["session", "last change (UTC)", "folder"],
          sessions.map((s) => [s.name, utc(s.modified), s.dir]),
        ));
      }
    },
  );

  withOptions(
    program.command("cache")
      .description("the result cache: stats, or clear it")
      .argument("[action]", "stats (default) or clear", "stats"),
    ["home"],
    HOME_HERE,
  ).action(async (action: string, options: { home?: string }) => {
    const cache = await ResultCache.open(join(homeHere(options), "cache"));
    if (action === "clear") {
      await cache.clear();
      write(`cache cleared (${cache.dir})`);
    } else if (action === "stats") {
      const s = await cache.stats();
      write(
        `cache ${s.dir}: ${count(s.queries)} queries, ${count(s.results)} results, ` +
          `${(s.bytes / 2 ** 20).toFixed(1)} MiB of ${(s.maxBytes / 2 ** 20).toFixed(0)} MiB`,
      );
    } else {
      throw new ReplError(`cache takes stats or clear, not ${action}.`);
    }
  });
}

/** The commands over the provider (`--data`, or `--provider sentinel --workspace`): summary ... query. */
function addCaseCommands(program: Command, write: (text: string) => void): void {
  /**
   * Runs `work` on the provider the options name (the subcommand's over the program's),
   * closing it after.
   */
  const withProvider = async <T>(
    options: ProviderCliOptions,
    work: (provider: OpenProvider, spec: ProviderSpec) => Promise<T>,
  ): Promise<T> => {
    const spec = providerSpec({ ...program.opts(), ...options });
    const provider = await openProvider(spec);
    try {
      return await work(provider, spec);
    } finally {
      provider.close?.();
    }
  };
  /** Prints the first `rows` rows of a query's result, `footer`, then its warnings. */
  const printResult = (
    result: QueryResult,
    rows: string,
    fallback: number,
    footer: string,
  ): void => {
    write(result.frame.head(rowsOption(rows, fallback)).toString());
    write(footer);
    for (const w of result.warnings) write(`warning: ${w.message}`);
  };
  /** A long query's events (retries and their waits, splits), on standard error. */
  const onProgress = (progress: QueryProgress) => {
    if (progress.message) console.error(`progress: ${progress.message}`);
  };
  const providerOptions: SharedOption[] = ["provider", "workspace", "data"];

  withOptions(
    program.command("summary")
      .description(
        "summarise the case folder (tables, rows, time span, outside data) or the workspace",
      ),
    providerOptions,
  ).action(async (options: ProviderCliOptions) => {
    await withProvider(options, async (provider) => {
      if (provider.kind === "sentinel") {
        write(await summariseWorkspace(provider));
        return;
      }
      write(await summariseCase(provider as LocalProvider));
      write(
        "\nTry:\n" +
          `  deno task casefile query "SecurityAlert | project TimeGenerated, AlertName, ` +
          `CompromisedEntity | sort by TimeGenerated asc"\n` +
          "  deno task casefile schema SigninLogs\n" +
          "  deno task casefile load <any CSV, JSON or Parquet export>",
      );
    });
  });

  withOptions(
    program.command("tables").description("list the tables with their row and column counts"),
    providerOptions,
  ).action(async (options: ProviderCliOptions) => {
    const tables = await withProvider(options, (provider) => provider.tables());
    write(textTable(
      ["table", "rows", "columns", "source"],
      tables.map((t) => [
        t.name,
        t.rows === undefined ? "" : count(t.rows),
        String(t.columns.length),
        t.source,
      ]),
    ));
  });

  withOptions(
    program.command("schema")
      .description("show a table's columns and Kusto types")
      .argument("<table>", "table name"),
    providerOptions,
  ).action(async (table: string, options: ProviderCliOptions) => {
    const schema = await withProvider(options, (provider) => provider.schema(table));
    write(textTable(["column", "type"], schema.columns.map((c) => [c.name, c.type])));
  });

  withOptions(
    program.command("head")
      .description("show the first rows of a table")
      .argument("<table>", "table name")
      .option("-n, --rows <n>", "how many rows", "10"),
    providerOptions,
  ).action(async (table: string, options: ProviderCliOptions & { rows: string }) => {
    await withProvider(options, async (provider) => {
      if (provider.kind === "sentinel") {
        // A workspace's table is not fetched whole to show ten rows of it.
        const n = rowsOption(options.rows, 10);
        const result = await provider.query(`${kqlName(table)} | take ${n}`, { onProgress });
        printResult(
          result,
          options.rows,
          10,
          `${count(result.rowCount)} rows of ${table} (take ${n})`,
        );
        return;
      }
      const result = await provider.query(table);
      printResult(result, options.rows, 10, `${count(result.rowCount)} rows in ${table}`);
    });
  });

  withOptions(
    program.command("query")
      .description("run a KQL query on the provider and print the result")
      .argument("<kql>", "the query, e.g. 'SecurityAlert | summarize count() by AlertName'")
      .option("-n, --rows <n>", "how many rows to show", "20"),
    providerOptions,
  ).action(async (kql: string, options: ProviderCliOptions & { rows: string }) => {
    await withProvider(options, async (provider) => {
      const result = await provider.query(kql, { onProgress });
      printResult(
        result,
        options.rows,
        20,
        `${count(result.rowCount)} rows, ${result.durationMs.toFixed(0)} ms`,
      );
    });
  });

  program.command("load")
    .description("read data files as one table and show its types, warnings and first rows")
    .argument("<files...>", "Parquet, CSV, TSV, JSON or NDJSON files")
    .action(async (files: string[]) => {
      if (providerSpec(program.opts()).kind === "sentinel") {
        throw new ReplError("casefile load reads files on this machine, not a workspace.", {
          hint: "Leave --provider sentinel and --workspace out for load.",
        });
      }
      const table = await loadTable(files);
      write(`${table.schema.name}: ${count(table.frame.height)} rows`);
      write(formatSchema(table.schema));
      for (const note of table.notes) write(`note: ${note}`);
      for (const w of table.warnings) write(`warning: ${w.file}: ${w.message}`);
      write(table.frame.head(5).toString());
    });
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
