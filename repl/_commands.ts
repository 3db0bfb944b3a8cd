/**
 * The REPL's dot-commands: `.help` lists them, each with a one-line description.
 *
 * @module
 */
import { isIP } from "node:net";
import { didYouMean } from "../src/errors.ts";
import { listSessions } from "../src/session/home.ts";
import { PARAM_KINDS, type ParamKind, Timespan } from "../src/session/params.ts";
import type { StepMark, StepRecord } from "../src/session/mod.ts";
import type { Session, Step } from "../src/session/mod.ts";
import { type DisplaySettings, formatValue } from "./_display.ts";
import { changeDisplay, showRecord, showTable } from "./_record.ts";
import { cacheText, count, counted, textTable, utc } from "./_format.ts";
import { EXPORT_KINDS, type ExportKind } from "./_export_kinds.ts";
import type { Connection, ProviderSpec } from "./_providers.ts";
import { ReplError } from "./errors.ts";
import { importLater } from "./_later.ts";
import { docText } from "./_doc.ts";
import { listTables, tablesText } from "./_table_list.ts";
import { incidentCommand } from "./_incident.ts";

/** What handling an input asks the caller to do next. */
export type HandleOutcome = "continue" | "quit";

/**
 * What a dot-command reaches of the REPL (`Repl` in `_repl.ts` is the one host). An interface,
 * so that the commands do not import back the REPL that dispatches to them.
 */
export interface CommandHost {
  /** The casefile home (sessions, cache, history). */
  readonly home: string;
  /** Where results and notes are printed. */
  readonly output: { write(text: string): void; columns(): number; readonly interactive?: boolean };
  /** The open session. */
  readonly session: Session;
  /** The provider queries go to. */
  readonly connection: Connection;
  /** The session's variables, as code sees them. */
  readonly evaluator: { readonly vars: Record<string, unknown> };
  /** Every provider connected, by name (`%kql @name` runs on one). */
  readonly connections: ReadonlyMap<string, Connection>;
  /** Connects a provider as the default, keeping the others by name (`.connect`). */
  reconnect(spec: ProviderSpec, name?: string): Promise<void>;
  /** Closes the current session and opens `name` (`.session NAME`). */
  openSession(name: string): Promise<void>;
  /** How values are shown (`.display`). */
  readonly display: DisplaySettings;
  /** Prints text, through the pager when it does not fit the screen. */
  showText(text: string): void;
  /**
   * Prints a value as a step's result is shown (a table pages when it does not fit);
   * `name`, the variable it is bound to, for the table's note on cut values.
   */
  show(value: unknown, name?: string): void;
}

interface Command {
  readonly usage: string;
  readonly description: string;
  /** `raw` is the line after the command's name, as typed (quotes kept). */
  run(
    repl: CommandHost,
    args: string[],
    signal: AbortSignal,
    raw?: string,
  ): Promise<HandleOutcome | void>;
}

const MARKS: readonly StepMark[] = ["dead-end", "finding", "none"];

/**
 * `.connect`'s words: the provider and, after `as`, the name `%kql @NAME` uses (default: its
 * kind).
 *
 * @throws {ReplError} for another kind, a missing cluster or database, or a bad name.
 */
function connectArgs(given: readonly string[]): { spec: ProviderSpec; name?: string } {
  const args = [...given];
  let name: string | undefined;
  const as = args.indexOf("as");
  if (as >= 0) {
    name = args[as + 1];
    if (!name || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) || args.length > as + 2) {
      throw new ReplError(`.connect ... as ${args.slice(as + 1).join(" ")}: not a name.`, {
        hint: "Name it with a letter, then letters, digits or _: .connect sentinel prod as emea",
      });
    }
    args.splice(as);
  }
  const [kind, target, extra] = args;
  const tooMany = (usage: string) =>
    new ReplError(`.connect ${kind} takes ${usage}, not ${args.slice(1).join(" ")}.`, {
      hint: `.connect ${kind} ${usage}`,
    });
  switch (kind) {
    case "local":
      if (extra !== undefined) throw tooMany("[DIR]");
      return { spec: { kind: "local", dir: target }, name };
    case "sentinel":
      return { spec: sentinelSpec(args.slice(1)), name };
    case "adx":
      if (target === undefined || extra === undefined || args.length > 3) {
        throw new ReplError(".connect adx takes a cluster URL and a database.", {
          hint: ".connect adx https://<name>.<region>.kusto.windows.net <database>",
        });
      }
      return { spec: { kind: "adx", cluster: target, database: extra }, name };
    case "xdr":
      if (target !== undefined) throw tooMany("nothing more");
      return { spec: { kind: "xdr" }, name };
    default:
      throw new ReplError(`.connect takes local, sentinel, adx or xdr, not ${kind ?? "nothing"}.`, {
        hint: ".connect local ./exports, .connect sentinel prod, or .connect adx CLUSTER DATABASE",
      });
  }
}

const SENTINEL_FLAGS = {
  "--cloud": "cloud",
  "--endpoint": "endpoint",
  "--authority-host": "authorityHost",
  "--config": "configFile",
} as const;

/**
 * `.connect sentinel [WORKSPACE] [--cloud NAME] [--endpoint URL] [--authority-host URL]
 * [--config FILE]`: where a resumed session's queries went (never a secret).
 *
 * @throws {ReplError} for an unknown flag, a flag without its value, or two workspaces.
 */
function sentinelSpec(args: readonly string[]): ProviderSpec {
  const spec: Record<string, string> = {};
  const usage = ".connect sentinel [WORKSPACE] [--cloud public|usgov|china] [--endpoint URL] " +
    "[--authority-host URL] [--config FILE]";
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (word.startsWith("--")) {
      const key = (SENTINEL_FLAGS as Record<string, string>)[word];
      const value = args[i + 1];
      if (key === undefined || value === undefined || value.startsWith("--")) {
        throw new ReplError(
          key === undefined
            ? `.connect sentinel has no option ${word}.`
            : `.connect sentinel ${word} needs a value.`,
          { hint: usage },
        );
      }
      spec[key] = value;
      i++;
    } else if (spec.workspace === undefined) spec.workspace = word;
    else {
      throw new ReplError(`.connect sentinel takes one workspace, not ${args.join(" ")}.`, {
        hint: usage,
      });
    }
  }
  return { kind: "sentinel", ...spec };
}

/** The providers connected, the default first, as `.connect` alone lists them. */
function connectionsText(repl: CommandHost): string {
  const rows = [...repl.connections].map(([name, c]) => [
    `@${name}`,
    c === repl.connection ? "default" : "",
    c.provider.description,
  ]);
  rows.sort((a, b) => (b[1] ? 1 : 0) - (a[1] ? 1 : 0));
  return textTable(["name", "", "provider"], rows) +
    "\n%kql @NAME x = ... runs on one; plain %kql on the default.";
}

/** The terminal's width for a table to fit, when a person reads it (piped output is not cut). */
function screenWidth(repl: CommandHost): number | undefined {
  return repl.output.interactive ? repl.output.columns() : undefined;
}

/** The dot-commands by name. */
export const COMMANDS = {
  help: {
    usage: ".help",
    description: "list the commands, the %kql form and the keys",
    run: (repl) => {
      const rows = Object.values(COMMANDS).map((c) => [c.usage, c.description]);
      repl.output.write(textTable(["command", "what it does"], rows, undefined, screenWidth(repl)));
      repl.output.write(HELP_TAIL);
      return Promise.resolve();
    },
  },
  doc: {
    usage: ".doc [NAME]",
    description: "a function's signature, options and example (alone: the functions)",
    run: async (repl, [name]) => {
      repl.output.write(await docText(name, repl.output.columns()));
    },
  },
  connect: {
    usage: ".connect local [DIR] | sentinel [WORKSPACE] [--cloud C] [--endpoint URL] " +
      "[--authority-host URL] [--config FILE] | adx CLUSTER DATABASE | xdr [as NAME]",
    description: "query a folder, a workspace, an ADX database or Defender XDR; " +
      "the others stay connected for %kql @NAME (alone: list them)",
    run: async (repl, given) => {
      if (given.length === 0) {
        repl.output.write(connectionsText(repl));
        return;
      }
      const { spec, name } = connectArgs(given);
      await repl.reconnect(spec, name);
      const others = [...repl.connections.keys()].filter((n) => n !== (name ?? spec.kind));
      repl.output.write(
        `connected: ${repl.connection.provider.description} (as @${name ?? spec.kind})` +
          (others.length ? `; still connected: ${others.map((n) => `@${n}`).join(", ")}` : ""),
      );
    },
  },
  incident: {
    usage: ".incident list [STATUS] | open ID | write [--close CLASSIFICATION] ...",
    description: "Sentinel incidents: list, open one into the session, write findings back",
    run: async (repl, args) => {
      await incidentCommand(repl, args);
    },
  },
  tables: {
    usage: ".tables",
    description: "every table a query can use (the case's outside data marked), rows, columns",
    run: async (repl) => {
      repl.output.write(tablesText(await listTables(repl.connection.provider)));
    },
  },
  schema: {
    usage: ".schema TABLE",
    description: "a table's columns and Kusto types (paged when longer than the screen)",
    run: async (repl, [table]) => {
      if (!table) throw new ReplError(".schema needs a table name.", { hint: "See .tables." });
      const schema = await repl.connection.provider.schema(table);
      // SecurityEvent has over 200 columns: through the pager, as a long table is.
      repl.showText(
        textTable(["column", "type"], schema.columns.map((c) => [c.name, c.type])) +
          `\n(${counted(schema.columns.length, "column")})`,
      );
    },
  },
  params: {
    usage: ".params",
    description: "the session's parameters, their kinds and values",
    run: (repl) => {
      const list = repl.session.paramList();
      if (list.length === 0) {
        repl.output.write("No parameters yet. Define one: .set upn j.doe@larkspur.example");
      } else {
        repl.output.write(textTable(
          ["name", "kind", "value", "description"],
          list.map((p) => [p.name, p.kind, p.text, p.description ?? ""]),
        ));
      }
      return Promise.resolve();
    },
  },
  set: {
    usage: ".set NAME[:KIND] VALUE",
    description: "set a parameter (a new one is defined; its kind is guessed unless given)",
    run: async (repl, args) => {
      const [target, ...rest] = args;
      const value = rest.join(" ");
      if (!target || !value) {
        throw new ReplError(".set needs a name and a value.", {
          hint: ".set window 2026-03-10..2026-03-13, .set upn:string j.doe@larkspur.example",
        });
      }
      const [name, kindText] = target.split(":");
      const known = repl.session.paramList().find((p) => p.name === name);
      if (kindText !== undefined && !PARAM_KINDS.includes(kindText as ParamKind)) {
        throw new ReplError(`${kindText} is not a parameter kind.`, {
          hint: `Kinds: ${PARAM_KINDS.join(", ")}.`,
        });
      }
      const kind = (kindText as ParamKind | undefined) ?? known?.kind ?? guessKind(value);
      if (!known || known.kind !== kind) await repl.session.defineParams({ [name]: { kind } });
      await repl.session.setParams({ [name]: value });
      const info = repl.session.paramList().find((p) => p.name === name)!;
      repl.output.write(`${name} (${info.kind}) = ${info.text}`);
    },
  },
  history: {
    usage: ".history [N]",
    description:
      "the session's steps (name, rows, status, cache, mark, what it gave); N: one in full",
    run: (repl, [n]) => {
      const steps = repl.session.steps();
      if (n !== undefined) {
        repl.output.write(stepDetail(repl, repl.session.step(stepNumber(n, ".history"))));
        return Promise.resolve();
      }
      if (steps.length === 0) {
        repl.output.write("No steps yet.");
        return Promise.resolve();
      }
      repl.output.write(textTable(
        ["#", "name", "kind", "rows", "ms", "status", "cache", "mark", "gave", "note"],
        steps.map((s) => {
          const r = s.record;
          const rows = r.result && (r.result.kind === "frame" || r.result.kind === "series")
            ? count(r.result.rows)
            : "";
          const status = r.status === "ok"
            ? (s.restored ? "ok" : "ok (not loaded)")
            : `error: ${clip(r.error?.message ?? "", 40)}`;
          return [
            String(r.position),
            r.name,
            r.kind,
            rows,
            count(r.durationMs),
            status,
            cacheText(r).replace(/^cache /, ""),
            s.mark === "none" ? "" : s.mark,
            clip(gave(r), 40),
            clip(s.note ?? "", 40),
          ];
        }),
        undefined,
        screenWidth(repl),
      ));
      repl.output.write(
        "(add a step's number to see it in full: its code, what it printed, its value)",
      );
      return Promise.resolve();
    },
  },
  rerun: {
    usage: ".rerun N [--refresh] [name=value ...]",
    description:
      "run steps N.. again, optionally with other parameter values; --refresh asks the " +
      "provider again instead of taking cached results",
    run: async (repl, args, signal) => {
      const refresh = args.includes("--refresh");
      const [from, ...assignments] = args.filter((a) => a !== "--refresh");
      const position = stepNumber(from, ".rerun");
      const params: Record<string, string> = {};
      for (const a of assignments) {
        const at = a.indexOf("=");
        if (at <= 0) {
          throw new ReplError(`${a} is not name=value.`, {
            hint: ".rerun 2 upn=j.doe@larkspur.example",
          });
        }
        params[a.slice(0, at)] = a.slice(at + 1);
      }
      const done = await repl.session.rerun(position, params, { signal, refresh });
      const scope = repl.session.scope();
      for (const step of done) {
        const r = step.record;
        if (r.name in scope) repl.evaluator.vars[r.name] = scope[r.name];
        repl.output.write(
          `step ${r.position} ${r.name}: ${describeResult(r.result)} · ${count(r.durationMs)} ms` +
            (cacheText(r) ? ` · ${cacheText(r)}` : ""),
        );
        for (const w of r.warnings ?? []) repl.output.write(`warning (${w.kind}): ${w.message}`);
      }
      // The new answer, as a step shows it: the result of the last step run again.
      const last = done.at(-1)?.record;
      if (
        last && last.result && !(last.result.kind === "other" && last.result.type === "undefined")
      ) {
        if (last.name in scope) repl.show(scope[last.name], last.name);
      }
      if (done.length === 0) repl.output.write("Nothing to run again.");
    },
  },
  mark: {
    usage: ".mark N|NAME dead-end|finding|none [note]",
    description: "mark a step (its number or name) as a dead end or a finding, with a note",
    run: async (repl, args, _signal, raw = "") => {
      // The note is the rest of the line as typed: quotes in it are part of it.
      const typed = raw || args.join(" ");
      const [, n, mark, note] = /^\s*(\S+)?\s*(\S+)?\s*([\s\S]*?)\s*$/.exec(typed)!;
      const position = stepPosition(repl.session, n, ".mark");
      if (!MARKS.includes(mark as StepMark)) {
        throw new ReplError(`${mark ?? "Nothing"} is not a mark.`, {
          hint: `Use ${MARKS.join(", ")}.`,
        });
      }
      await repl.session.mark(position, mark as StepMark, note ? note : undefined);
      repl.output.write(`step ${position} marked ${mark}`);
    },
  },
  cache: {
    usage: ".cache [clear]",
    description: "the result cache's size, or empty it",
    run: async (repl, [action]) => {
      const cache = repl.session.cache;
      if (!cache) {
        repl.output.write("This session has no cache.");
        return;
      }
      if (action === "clear") {
        await cache.clear();
        repl.output.write(`cache cleared (${cache.dir})`);
        return;
      }
      if (action !== undefined) {
        throw new ReplError(`.cache takes clear or nothing, not ${action}.`);
      }
      const stats = await cache.stats();
      repl.output.write(
        `cache ${stats.dir}: ${count(stats.queries)} queries, ${count(stats.results)} results, ` +
          `${megabytes(stats.bytes)} of ${megabytes(stats.maxBytes)}`,
      );
    },
  },
  export: {
    usage: ".export script|notebook|report|bundle PATH",
    description: "write the session as a script, a notebook, a report or a bundle",
    run: async (repl, [kind, path]) => {
      if (!EXPORT_KINDS.includes(kind as ExportKind) || !path) {
        throw new ReplError(".export needs a kind and a path.", {
          hint: ".export script ./spray.ts, .export notebook ./spray.ipynb, .export report " +
            "./r.html, .export bundle ./spray.casefile.gz",
        });
      }
      const { exportSession } = await importLater<typeof import("./_exports.ts")>(
        new URL("./_exports.ts", import.meta.url),
      );
      const written = await exportSession(repl.session, kind as ExportKind, path);
      repl.output.write(`${kind} written to ${written}`);
    },
  },
  hunt: {
    usage: ".hunt [WORDS|show ID|run ID [name=value ...]]",
    description: "the hunting library: list or search its queries (technique:, table:, " +
      "entity:), show one, or run one as a step",
    run: async (repl, args, signal) => {
      const { huntCommand } = await importLater<typeof import("./_hunt.ts")>(
        new URL("./_hunt.ts", import.meta.url),
      );
      await huntCommand(repl, args, signal);
    },
  },
  pivot: {
    usage: ".pivot KIND VALUE [window=7d]",
    description: "run every library query and enrichment that takes an entity " +
      "(ip, account, host, url, domain, hash, mailbox...) and print their hits",
    run: async (repl, args, signal) => {
      const { pivotCommand } = await importLater<typeof import("./_hunt.ts")>(
        new URL("./_hunt.ts", import.meta.url),
      );
      await pivotCommand(repl, args, signal);
    },
  },
  chart: {
    usage: ".chart NAME [FILE]",
    description:
      "draw a variable's chart (its query's render) to FILE (.svg/.png/.html) and open it",
    run: async (repl, args) => {
      // Charts load vega on first use: only when asked for.
      const { chartCommand } = await importLater<typeof import("./_charts.ts")>(
        new URL("./_charts.ts", import.meta.url),
      );
      await chartCommand(repl, args);
    },
  },
  session: {
    usage: ".session [NAME]",
    description: "open another session (new or earlier); without a name, list them",
    run: async (repl, [name]) => {
      if (!name) {
        const sessions = await listSessions(repl.home);
        repl.output.write(`current: ${repl.session.name}`);
        repl.output.write(textTable(
          ["session", "last change (UTC)"],
          sessions.map((s) => [s.name, utc(s.modified)]),
        ));
        return;
      }
      await repl.openSession(name);
      repl.output.write(`session ${name} open`);
    },
  },
  show: {
    usage: ".show NAME [ROW] [COL,COL...]",
    description: "one row of a frame as a record: every column (or those named), values " +
      "whole, JSON pretty-printed; ROW counts from 0 (default), -1 is the last",
    run: (repl, args) => Promise.resolve(showRecord(repl, args)),
  },
  table: {
    usage: ".table NAME [COL,COL...] [N|all]",
    description: "a frame as a table: only the columns named, N rows or all (paged)",
    run: (repl, args) => Promise.resolve(showTable(repl, args)),
  },
  display: {
    usage: ".display [width auto|full|N] [rows N] [pager on|off] [images auto|on|off]",
    description: "how values are shown: cells cut or whole, rows of a table, the pager, " +
      "charts inline; alone, the settings",
    run: (repl, args) => Promise.resolve(changeDisplay(repl, args)),
  },
  quit: {
    usage: ".quit",
    description: "close the session and leave (Ctrl-D does the same)",
    run: () => Promise.resolve("quit" as const),
  },
} satisfies Record<string, Command>;

/** A dot-command's name. */
export type CommandName = keyof typeof COMMANDS;

const HELP_TAIL = `
KQL:   %kql name = SigninLogs | where ResultType == "50126"   (binds name and _; %kql alone binds _N)
       %kql! ... asks the provider again instead of taking a cached result (so does .rerun N --refresh)
       %kql split=1d serverTimeoutSeconds=600 additionalWorkspaces=emea,apac name = ...
              a workspace's query options, key=value right after %kql: split (a timespan or a
              number of windows), serverTimeoutSeconds (1-600), additionalWorkspaces (names or
              ids, comma-separated), workspace (another than the connected one), truncation
              (split, warn or error); kept by .rerun and exports
       %kql @adx spray = ...   runs on the provider connected as @adx (.connect adx CLUSTER DB);
              plain %kql runs on the last connected; .connect alone lists them
       \${expr} puts a value in as a literal; {{param}} uses a session parameter (.set, .params)
       a query continues on the next line while a bracket or quote is open or the line ends in |
       a line starting with | extends the query step just before it (a new step, same name);
       pasted or piped, a query may leave out %kql when it starts with a table, then | lines
Code:  TypeScript with top-level await; const/let can be declared again; the casefile API,
       session, kql, pl and params are in scope; each input is a session step (see .history)
View:  .show name 3 one row whole, every column (show(frame, 3) in code); a table that cut values
       at 40 characters says which row ("values cut, whole with .show name 3"); .table name A,B
       all; .display width full; long or wide output (a table, .show, .schema) goes through
       $PAGER or less -SRFX (q leaves; .display pager off); casefile query --vertical: records
Keys:  Tab completes; Ctrl-C cancels a running query or clears the line; Ctrl-C twice or
       Ctrl-D exits (the session is saved); up/down recall earlier inputs, a multi-line one
       whole; a pasted block is one input, run when the paste ends (if it is complete)`;

/** Runs the dot-command `line` (starting with `.`). */
export async function runCommand(
  repl: CommandHost,
  line: string,
  signal: AbortSignal,
): Promise<HandleOutcome> {
  const [head, ...args] = splitArgs(line.slice(1));
  const name = head === "exit" ? "quit" : head;
  const command = (COMMANDS as Record<string, Command>)[name];
  if (!command) {
    throw new ReplError(`There is no command .${head}.`, {
      hint: didYouMean(head, Object.keys(COMMANDS))?.replaceAll("`", "`.") ??
        "See .help for the commands.",
    });
  }
  const raw = line.slice(1).replace(/^\s*\S+/, "");
  return (await command.run(repl, args, signal, raw)) ?? "continue";
}

/** Splits command arguments on spaces; double or single quotes keep spaces. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) {
    out.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : match[2] ?? match[3]);
  }
  return out;
}

/** The kind of parameter a value looks like. */
export function guessKind(value: string): ParamKind {
  const v = value.trim();
  if (v.includes("..")) return "timerange";
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) return "datetime";
  if (/^(true|false)$/i.test(v)) return "bool";
  if (isIP(v) || /^[\d.]+\/\d+$/.test(v) || /^[0-9a-f:]+\/\d+$/i.test(v)) return "ip";
  if (v !== "" && Number.isFinite(Number(v))) return "number";
  if (/^\d/.test(v) && Timespan.parse(v)) return "timespan";
  return "string";
}

/**
 * The step `text` names: its number, or its name (the latest step of that name, as a name
 * bound again names the newest).
 */
function stepPosition(session: Session, text: string | undefined, command: string): number {
  if (text === undefined || /^\d+$/.test(text)) return stepNumber(text, command);
  const steps = session.steps();
  const named = steps.filter((s) => s.record.name === text).at(-1);
  if (named) return named.record.position;
  throw new ReplError(`${command} needs a step number or name: there is no step ${text}.`, {
    hint: didYouMean(text, [...new Set(steps.map((s) => s.record.name))]) ??
      "See .history for the steps' numbers and names.",
  });
}

function stepNumber(text: string | undefined, command: string): number {
  const n = Number(text);
  if (!text || !Number.isInteger(n) || n < 1) {
    throw new ReplError(`${command} needs a step number, not ${text ?? "nothing"}.`, {
      hint: "See .history for the numbers.",
    });
  }
  return n;
}

function describeResult(result: import("../src/session/mod.ts").ResultSummary | undefined) {
  if (!result) return "no result";
  switch (result.kind) {
    case "frame":
    case "series":
      return counted(result.rows, "row");
    case "json":
      return "a value";
    case "other":
      return result.type === "undefined" ? "no value" : `a ${result.type}`;
  }
}

/** What a step gave, in a few words: its printed output's first line, its value, its chart. */
function gave(r: StepRecord): string {
  const parts: string[] = [];
  const result = r.result;
  if (result?.kind === "json") parts.push(JSON.stringify(result.value) ?? "");
  else if (result?.kind === "other" && result.type !== "undefined") {
    parts.push(result.text.split("\n")[0]);
  }
  if (r.chart) parts.push(`chart ${r.chart.kind}`);
  if (r.output) parts.push(`printed: ${r.output.split("\n")[0]}`);
  return parts.join("; ");
}

/** A step in full: its code, status, result, what it printed and its value. */
function stepDetail(repl: CommandHost, step: Step): string {
  const r = step.record;
  const lines = [
    `step ${r.position} ${r.name} (${r.kind}${r.revision > 1 ? `, revision ${r.revision}` : ""})` +
    `${step.mark === "none" ? "" : ` · ${step.mark}${step.note ? `: ${step.note}` : ""}`}`,
    indentLines(r.code),
    `status: ${r.status}${r.error ? ` (${r.error.name}: ${r.error.message})` : ""} · ` +
    `${count(r.durationMs)} ms${cacheText(r) ? ` · ${cacheText(r)}` : ""}`,
  ];
  const result = r.result;
  if (result) {
    lines.push(
      `result: ${describeResult(result)}${
        "sha256" in result && result.sha256 ? ` · sha256 ${result.sha256}` : ""
      }`,
    );
  }
  if (r.volatile) lines.push(`may differ on a re-run: ${r.volatile}`);
  if (r.uses) {
    lines.push(
      `reads: ${Object.entries(r.uses).map(([n, p]) => `${n} (step ${p})`).join(", ")}`,
    );
  }
  if (r.imports) lines.push(`imports: ${r.imports.map((i) => i.specifier).join(", ")}`);
  if (r.output) lines.push("printed:", indentLines(r.output.replace(/\n$/, "")));
  if (r.chart) lines.push(`chart: ${r.chart.kind} "${r.chart.title}" (${r.chart.file})`);
  if (step.restored && r.status === "ok") {
    const value = repl.session.value(r.position);
    if (value !== undefined) {
      lines.push("value:", formatValue(value, { width: repl.output.columns(), colors: false }));
    }
  } else if (result?.kind === "other") {
    lines.push("value (as recorded):", result.text);
  }
  return lines.join("\n");
}

function indentLines(text: string): string {
  return text.split("\n").map((l) => `  ${l}`).join("\n");
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
