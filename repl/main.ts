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
import { CliUsageError, ReplError } from "./errors.ts";
import { checkScriptImports } from "./_script_imports.ts";
import { clearSpinner, holdSpinner, setSpinnerStatus } from "./_spinner.ts";
import { pageIfLong } from "./_pager.ts";
import { formatSchema } from "../src/schema/mod.ts";
import { displayWidth, terminalSafe } from "../src/display/mod.ts";
import { loadTable } from "../src/data/mod.ts";
import type { LocalProvider, QueryProgress } from "../src/providers/mod.ts";
import { pl } from "../src/polars.ts";
import {
  chooseOutput,
  OUTPUT_FORMATS,
  type OutputChoice,
  type OutputCliOptions,
  render,
  rowLimit,
  tableLayout,
  typesOf,
  writeAll,
  type Written,
} from "./_cli_output.ts";
import { listTables, tablesText } from "./_table_list.ts";
import { summariseCase, summariseWorkspace } from "./_summary.ts";
import { count, describeError, textTable, utc } from "./_format.ts";
import { importLater } from "./_later.ts";
import { addHuntCommand } from "./_hunt_cli.ts";

/** Options of `casefile repl`. */
interface ReplCliOptions {
  session?: string;
  provider?: string;
  data?: string;
  workspace?: string;
  cluster?: string;
  database?: string;
  home?: string;
  debug?: boolean;
  /** A Sentinel incident to seed the new session from. */
  incident?: string;
  /** The workspace's ARM id, for incidents. */
  workspaceResource?: string;
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
  cluster?: string;
  database?: string;
}

/**
 * The provider the options name: `--provider sentinel` (or a `--workspace`) is a Log
 * Analytics workspace, else the local folder `--data` (default: the demo case).
 *
 * @throws {CliUsageError} for another provider, or options that belong to the other one (a
 *   workspace for the local provider, a data folder for Sentinel): never a silent default.
 */
export function providerSpec(options: ProviderCliOptions): ProviderSpec {
  const kind = options.provider ??
    (options.workspace !== undefined
      ? "sentinel"
      : options.cluster !== undefined
      ? "adx"
      : "local");
  if (kind === "xdr") return xdrSpec(options);
  if (kind !== "local" && kind !== "sentinel" && kind !== "adx") {
    throw new CliUsageError(`--provider takes local, sentinel, adx or xdr, not ${kind}.`, {
      hint: "--provider sentinel --workspace <name or id>, --provider adx --cluster <url> " +
        "--database <name>, or --provider local --data <dir>.",
    });
  }
  if (kind !== "adx" && (options.cluster !== undefined || options.database !== undefined)) {
    throw new CliUsageError(
      `--cluster and --database name an Azure Data Explorer database, but --provider is ${kind}.`,
      { hint: "Use --provider adx with --cluster and --database, or leave them out." },
    );
  }
  if (kind === "adx") {
    if (options.workspace !== undefined || options.data !== undefined) {
      throw new CliUsageError(
        "--provider adx takes --cluster and --database, not --workspace or --data.",
        {
          hint:
            'casefile query --provider adx --cluster https://<name>.<region>.kusto.windows.net --database <name> "..."',
        },
      );
    }
    return { kind: "adx", cluster: options.cluster, database: options.database };
  }
  if (kind === "local" && options.workspace !== undefined) {
    throw new CliUsageError(
      `--workspace ${options.workspace} names a Log Analytics workspace, but --provider is local.`,
      { hint: "Use --provider sentinel with --workspace, or leave --workspace out." },
    );
  }
  if (kind === "sentinel" && options.data !== undefined) {
    throw new CliUsageError(
      `--data ${options.data} is a folder for the local provider, but --provider is sentinel.`,
      { hint: "Leave --data out to query the workspace, or use --provider local." },
    );
  }
  return kind === "local"
    ? { kind: "local", dir: options.data }
    : { kind: "sentinel", workspace: options.workspace };
}

/** `--provider xdr`: Defender XDR advanced hunting, which has no workspace, cluster or folder. */
function xdrSpec(options: ProviderCliOptions): ProviderSpec {
  const stray = [
    ["--workspace", options.workspace],
    ["--data", options.data],
    ["--cluster", options.cluster],
    ["--database", options.database],
  ].find(([, value]) => value !== undefined)?.[0];
  if (stray) {
    throw new CliUsageError(`${stray} does not apply to --provider xdr.`, {
      hint: "Advanced hunting queries the signed-in tenant: leave it out (CASEFILE_XDR_* " +
        "variables choose the cloud, endpoint and credential).",
    });
  }
  return { kind: "xdr" };
}

async function startRepl(options: ReplCliOptions): Promise<void> {
  const spec = providerSpec(options);
  const kind = spec.kind;
  const prefix = kind === "sentinel" || kind === "adx" || kind === "xdr"
    ? kind
    : options.data
    ? "case"
    : "demo";
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
      // psql's pager: only on a terminal, never for piped output.
      ...(interactive
        ? {
          page: (text: string) => holdSpinner(() => pageIfLong(text)),
        }
        : {}),
      env: (name: string) => readEnv(name),
    },
  });
  if (options.incident || options.workspaceResource) {
    const { openIncidentInto, setIncidentWorkspace } = await importLater<
      typeof import("./_incident.ts")
    >(new URL("./_incident.ts", import.meta.url));
    setIncidentWorkspace(options.workspaceResource);
    if (options.incident) await openIncidentInto(repl, options.incident);
  }
  const fresh = repl.session.steps().length === 0;
  const banner = interactive
    ? `casefile · session ${repl.session.name} · ${repl.connection.provider.description}` +
      (fresh ? `\n${HINT}` : "")
    : undefined;
  await runTerminal(repl, { interactive, banner });
  console.log(
    `session ${repl.session.name} saved; resume it with:\n  ` +
      resumeCommand(repl.session.name, repl.connection.spec, options.home),
  );
}

/**
 * The command that opens session `name` again on the same provider and home (paths made
 * absolute: `deno task` runs in the checkout's folder).
 */
export function resumeCommand(name: string, spec: ProviderSpec, home?: string): string {
  const quote = (s: string) => /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
  const args = ["deno", "task", "casefile", "repl", "--session", name];
  if (spec.kind === "sentinel") {
    args.push("--provider", "sentinel");
    if (spec.workspace !== undefined) args.push("--workspace", spec.workspace);
  } else if (spec.kind === "adx") {
    args.push("--provider", "adx");
    if (spec.cluster !== undefined) args.push("--cluster", spec.cluster);
    if (spec.database !== undefined) args.push("--database", spec.database);
  } else if (spec.kind === "xdr") args.push("--provider", "xdr");
  else if (spec.dir !== undefined) args.push("--data", resolve(spec.dir));
  if (home !== undefined) args.push("--home", resolve(home));
  return args.map(quote).join(" ");
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
  let source = "";
  try {
    source = await Deno.readTextFile(script);
  } catch (error) {
    throw new ReplError(`Cannot read ${script}: ${(error as Error).message}.`);
  }
  await checkScriptImports(script, source);
  const first = source.split("\n", 1)[0];
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

/** A table name as KQL spells it: bare when it can be, else `['...']`. */
function kqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `['${name.replace(/['\\]/g, "\\$&")}']`;
}

/** Options shared by several commands: flag and help text, by name. */
const SHARED_OPTIONS = {
  data: ["--data <dir>", "folder of data files (default: the bundled demo case)"],
  session: ["--session <name>", "the session to open or resume (default: a new one)"],
  provider: ["--provider <kind>", "local, sentinel, adx or xdr (default: local)"],
  workspace: ["--workspace <name>", "the Log Analytics workspace (a friendly name or an id)"],
  cluster: ["--cluster <url>", "the Azure Data Explorer cluster (https://...kusto.windows.net)"],
  database: ["--database <name>", "the Azure Data Explorer database"],
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
    ["data", "session", "provider", "workspace", "cluster", "database", "home", "debug"],
    { data: "folder of data files to serve (default: the bundled demo case)" },
  )
    .showHelpAfterError()
    .enablePositionalOptions()
    .action(async (options: ReplCliOptions) => {
      await startRepl(options);
    });

  withOptions(
    program.command("repl").description("the interactive REPL (the default command)"),
    ["session", "provider", "data", "workspace", "cluster", "database", "home", "debug"],
  )
    .option("--incident <id>", "seed the session from this Sentinel incident (its name, a GUID)")
    .option("--workspace-resource <id>", "the workspace's ARM id, for incidents")
    .action(async (options: ReplCliOptions) => {
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
  const terminal = Deno.stdout.isTerminal();
  /** The terminal's width, for tables that fit it. */
  const width = () => {
    try {
      return Deno.consoleSize().columns;
    } catch {
      return Number(readEnv("COLUMNS")) || 160;
    }
  };
  /**
   * Writes `frame` as `choice` asks; a table gets `about` (its footer) and `warnings`
   * below it, the other formats only the data on standard output (warnings on standard
   * error).
   */
  const emit = async (
    choice: OutputChoice,
    written: Omit<Written, "width">,
    about: readonly string[],
    warnings: readonly string[],
  ): Promise<void> => {
    const pieces = render({ ...written, width: width() }, choice.format);
    if (choice.file !== undefined) {
      using file = await Deno.open(choice.file, { write: true, create: true, truncate: true });
      for (const piece of pieces) await writeAll(file, piece);
      for (const w of warnings) console.error(`warning: ${w}`);
      write(`${count(written.frame.height)} rows written to ${choice.file} (${choice.format})`);
      return;
    }
    let widest = 0;
    for (const piece of pieces) {
      if (terminal && written.layout === "wide" && typeof piece === "string") {
        for (const line of piece.split("\n")) widest = Math.max(widest, displayWidth(line));
      }
      await writeAll(Deno.stdout, piece);
    }
    const notes = choice.format === "table" ? write : (line: string) => console.error(line);
    for (const line of choice.format === "table" ? about : []) write(line);
    // Lines the terminal broke mid-cell: say how to read the rows whole instead.
    if (widest > width()) write("(wider than the terminal: --vertical shows each row as a record)");
    for (const w of warnings) notes(`warning: ${w}`);
  };
  /** The footer of a query's table: rows, and how many are shown when not all are. */
  const rowsAbout = (total: number, shown: number, rest: string) =>
    `${count(total)} rows${rest}${
      shown < total ? ` (first ${count(shown)} shown; -n N or -n all for more)` : ""
    }`;
  /** A long query's events (retries and their waits, splits), on standard error. */
  const onProgress = (progress: QueryProgress) => {
    if (progress.message) console.error(`progress: ${progress.message}`);
  };
  const providerOptions: SharedOption[] = ["provider", "workspace", "data", "cluster", "database"];
  const VERTICAL = "each row as a record: every column on a line of its own, values whole " +
    "(a wide table, a long command line)";
  /** Adds `-n`, `--format` and `--output` to a command that writes a frame. */
  const withOutput = (command: Command, rows?: string): Command => {
    if (rows) command.option("-n, --rows <n>", rows);
    return command
      .option(
        "--format <format>",
        `${OUTPUT_FORMATS.join(" | ")} (default: table on a terminal, csv in a pipe)`,
      )
      .option("--output <file>", "write to a file (its extension gives the format)");
  };

  withOptions(
    program.command("summary")
      .description(
        "summarise the case folder (tables, rows, time span, outside data) or the workspace",
      ),
    providerOptions,
  ).action(async (options: ProviderCliOptions) => {
    await withProvider(options, async (provider) => {
      if (provider.kind !== "local") {
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
    program.command("tables").description(
      "list the tables (and the case's outside data) with their row and column counts",
    ),
    providerOptions,
  ).action(async (options: ProviderCliOptions) => {
    const tables = await withProvider(options, (provider) => listTables(provider));
    write(tablesText(tables));
  });

  withOptions(
    withOutput(
      program.command("schema")
        .description("show a table's columns and Kusto types")
        .argument("<table>", "table name"),
    ),
    providerOptions,
  ).action(async (table: string, options: ProviderCliOptions & OutputCliOptions) => {
    const choice = chooseOutput(options, terminal);
    const schema = await withProvider(options, (provider) => provider.schema(table));
    const frame = pl.DataFrame({
      column: schema.columns.map((c) => c.name),
      type: schema.columns.map((c) => c.type),
    }, { schema: { column: pl.Utf8, type: pl.Utf8 } });
    await emit(choice, { frame, layout: "wide" }, [], []);
  });

  withOptions(
    withOutput(
      program.command("head")
        .description("show the first rows of a table")
        .argument("<table>", "table name")
        .option("--vertical", VERTICAL),
      "how many rows (default 10)",
    ),
    providerOptions,
  ).action(async (table: string, options: ProviderCliOptions & OutputCliOptions) => {
    const choice = chooseOutput(options, terminal);
    const layout = tableLayout(options, choice, "fit");
    const n = rowLimit(options.rows, 10);
    await withProvider(options, async (provider) => {
      if (provider.kind !== "local") {
        // A workspace's table is not fetched whole to show ten rows of it.
        const query = n === undefined ? kqlName(table) : `${kqlName(table)} | take ${n}`;
        const result = await provider.query(query, { onProgress });
        await emit(
          choice,
          { frame: result.frame, types: typesOf(result.schema), layout },
          [`${count(result.rowCount)} rows of ${table}${n === undefined ? "" : ` (take ${n})`}`],
          result.warnings.map((w) => w.message),
        );
        return;
      }
      const result = await provider.query(kqlName(table));
      const frame = n === undefined ? result.frame : result.frame.head(n);
      await emit(
        choice,
        { frame, types: typesOf(result.schema), layout },
        [rowsAbout(result.rowCount, frame.height, ` in ${table}`)],
        result.warnings.map((w) => w.message),
      );
    });
  });

  withOptions(
    withOutput(
      program.command("query")
        .description("run a KQL query on the provider and print or write the result")
        .argument("<kql>", "the query, e.g. 'SecurityAlert | summarize count() by AlertName'")
        .option("--vertical", VERTICAL),
      "how many rows (default: 20 in a table, every row in the other formats)",
    ),
    providerOptions,
  ).action(async (kql: string, options: ProviderCliOptions & OutputCliOptions) => {
    const choice = chooseOutput(options, terminal);
    const layout = tableLayout(options, choice, "wide");
    const n = rowLimit(options.rows, choice.format === "table" ? 20 : undefined);
    await withProvider(options, async (provider) => {
      const result = await provider.query(kql, { onProgress });
      const frame = n === undefined ? result.frame : result.frame.head(n);
      await emit(
        choice,
        { frame, types: typesOf(result.schema), layout },
        [rowsAbout(result.rowCount, frame.height, `, ${result.durationMs.toFixed(0)} ms`)],
        result.warnings.map((w) => w.message),
      );
    });
  });

  addHuntCommand(program, write, withProvider, (c) => withOptions(c, providerOptions));

  withOutput(
    program.command("load")
      .description("read data files as one table and show its types, warnings and first rows")
      .argument("<files...>", "Parquet, CSV, TSV, JSON or NDJSON files"),
    "how many rows (default: 5 in a table, every row in the other formats)",
  ).action(async (files: string[], options: OutputCliOptions) => {
    if (providerSpec(program.opts()).kind !== "local") {
      throw new CliUsageError("casefile load reads files on this machine, not a workspace.", {
        hint: "Leave --provider sentinel and --workspace out for load.",
      });
    }
    const choice = chooseOutput(options, terminal);
    const n = rowLimit(options.rows, choice.format === "table" ? 5 : undefined);
    const table = await loadTable(files);
    const frame = n === undefined ? table.frame : table.frame.head(n);
    const warnings = table.warnings.map((w) => `${w.file}: ${w.message}`);
    if (choice.format !== "table" || choice.file !== undefined) {
      for (const note of table.notes) console.error(`note: ${note}`);
      await emit(choice, { frame, types: typesOf(table.schema), layout: "fit" }, [], warnings);
      return;
    }
    // Names come from the file (hostile input): escape sequences shown, never sent raw.
    const safe = (text: string) => write(terminalSafe(text, { keepNewlines: true }));
    safe(`${table.schema.name}: ${count(table.frame.height)} rows`);
    safe(formatSchema(table.schema));
    for (const note of table.notes) safe(`note: ${note}`);
    for (const w of warnings) safe(`warning: ${w}`);
    await emit(
      choice,
      { frame, types: typesOf(table.schema), layout: "fit" },
      frame.height < table.frame.height
        ? [`(first ${count(frame.height)} of ${count(table.frame.height)} rows shown)`]
        : [],
      [],
    );
  });
}

/** Runs the command line; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const program = buildCli((text) => console.log(text));
  // Every command, so that a subcommand's unknown option or missing argument returns here.
  for (const command of [program, ...program.commands]) command.exitOverride();
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      // Help and version exit 0; every parse error (commander printed it) is usage: 2.
      return (error as { exitCode?: number }).exitCode === 0 ? 0 : 2;
    }
    // The reader went away (`casefile query ... | head`): what it read is all it wanted.
    if (error instanceof Deno.errors.BrokenPipe) return 0;
    console.error(describeError(error, args.includes("--debug")));
    return error instanceof CliUsageError ? 2 : 1;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
