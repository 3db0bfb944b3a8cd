/**
 * The REPL on a terminal (or on piped standard input): line editing, Tab completion and
 * history by node:readline; multi-line input while it is incomplete; a spinner for long
 * work; Ctrl-C cancels the running input or clears the line, twice at an empty prompt (or
 * Ctrl-D) exits after the session is closed.
 *
 * @module
 */
import readline from "node:readline";
import process from "node:process";
import { classifyInput } from "./_input.ts";
import { typescript } from "./_transform.ts";
import { complete } from "./_completion.ts";
import { appendHistory, HISTORY_SIZE, historyFiles, loadHistory } from "./_history.ts";
import { withSpinner } from "./_spinner.ts";
import { listSessions } from "../src/session/session.ts";
import type { Repl } from "./_repl.ts";

/** Options of {@link runTerminal}. */
export interface TerminalOptions {
  /** Line editing, prompts, completion and a spinner (stdin and stdout are terminals). */
  readonly interactive: boolean;
  /** Printed once before the first prompt. */
  readonly banner?: string;
}

/** Reads and handles input until `.quit`, Ctrl-D, Ctrl-C twice, or the end of the input. */
export async function runTerminal(repl: Repl, options: TerminalOptions): Promise<void> {
  const ts = await typescript();
  const interactive = options.interactive;
  const files = () => {
    const f = historyFiles(repl.home, repl.session.dir);
    return [f.session, f.global];
  };
  let pending = "";
  let sessions: string[] = [];
  listSessions(repl.home).then((list) => sessions = list.map((s) => s.name), () => {});
  const rl = readline.createInterface({
    input: process.stdin,
    output: interactive ? process.stdout : undefined,
    terminal: interactive,
    historySize: HISTORY_SIZE,
    history: interactive ? await loadHistory(files()) : [],
    removeHistoryDuplicates: true,
    completer: interactive
      ? (line: string): [string[], string] => {
        try {
          return complete(line, {
            pending,
            commands: repl.commandNames(),
            variables: repl.evaluator.names(),
            api: repl.apiNames(),
            params: repl.session.paramList().map((p) => p.name),
            sessions,
            tables: repl.connection.tables,
            value: (name) => repl.evaluator.vars[name],
          });
        } catch {
          return [[], ""];
        }
      }
      : undefined,
  } as readline.ReadLineOptions);

  let running: AbortController | undefined;
  let lastInterrupt = 0;
  const prompt = () => {
    if (!interactive) return;
    rl.setPrompt(pending ? "... " : repl.prompt());
    rl.prompt();
  };
  rl.on("SIGINT", () => {
    if (running) {
      running.abort();
      return;
    }
    const state = rl as unknown as { line: string; cursor: number };
    const empty = state.line === "" && pending === "";
    process.stdout.write("^C\n");
    state.line = "";
    state.cursor = 0;
    pending = "";
    if (empty) {
      if (Date.now() - lastInterrupt < 3000) {
        rl.close();
        return;
      }
      lastInterrupt = Date.now();
      repl.output.write("(press Ctrl-C again, Ctrl-D or type .quit to exit)");
    }
    prompt();
  });
  // A real SIGINT (piped input, or `kill -INT`): cancel the running input, else stop.
  const onSignal = () => {
    if (running) running.abort();
    else rl.close();
  };
  Deno.addSignalListener("SIGINT", onSignal);

  if (options.banner) repl.output.write(options.banner);
  prompt();
  try {
    for await (const line of rl) {
      lastInterrupt = 0;
      if (interactive) await appendHistory(files(), line);
      const input = pending ? `${pending}\n${line}` : line;
      const { complete: done } = classifyInput(input, ts);
      if (!done) {
        pending = input;
        prompt();
        continue;
      }
      pending = "";
      running = new AbortController();
      const outcome = await withSpinner(repl.handle(input, running.signal), {
        enabled: interactive,
      });
      running = undefined;
      if (outcome === "quit") break;
      prompt();
    }
    if (pending) await repl.handle(pending, new AbortController().signal);
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    rl.close();
    await repl.close();
    if (interactive) process.stdout.write("\n");
  }
}
