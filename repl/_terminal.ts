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
import { complete, loadKqlNames } from "./_completion.ts";
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
  const interactive = options.interactive;
  const files = () => {
    const f = historyFiles(repl.home, repl.session.dir);
    return [f.session, f.global];
  };
  let pending = "";
  let sessions: string[] = [];
  listSessions(repl.home).then((list) => sessions = list.map((s) => s.name), () => {});
  if (!interactive) {
    await runPiped(repl);
    return;
  }
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: HISTORY_SIZE,
    history: await loadHistory(files()),
    removeHistoryDuplicates: true,
    // The callback form: the KQL names may still be loading when Tab is first pressed.
    completer: (line: string, done: (error: null, result: [string[], string]) => void) => {
      loadKqlNames().then(() =>
        complete(line, {
          pending,
          commands: repl.commandNames(),
          variables: repl.evaluator.names(),
          api: repl.apiNames(),
          params: repl.session.paramList().map((p) => p.name),
          sessions,
          tables: repl.connection.tables,
          value: (name) => repl.evaluator.vars[name],
        })
      ).then((result) => done(null, result), () => done(null, [[], ""]));
    },
  } as readline.ReadLineOptions);
  const lines = new LineQueue();
  // True while the prompt waits for a line (nothing typed is being handled).
  let idle = false;
  rl.on("line", (line) => {
    idle = false;
    lines.push(line);
  });
  let closed = false;
  rl.on("close", () => {
    closed = true;
    lines.end();
  });

  let running: AbortController | undefined;
  let lastInterrupt = 0;
  const prompt = () => {
    rl.setPrompt(pending ? "... " : repl.prompt());
    rl.prompt();
    idle = true;
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
  setTimeout(() => {
    // While these load, Deno draws and clears a progress line on the terminal, which wipes
    // the prompt: it is drawn again (with what was typed) once they are in.
    Promise.allSettled([repl.warmUp(), loadKqlNames()]).then(() => {
      if (idle && !closed) rl.prompt(true);
    });
  }, 0);
  try {
    for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
      lastInterrupt = 0;
      await appendHistory(files(), line);
      const input = pending ? `${pending}\n${line}` : line;
      const { complete: done } = classifyInput(input, await typescript());
      if (!done) {
        pending = input;
        prompt();
        continue;
      }
      pending = "";
      running = new AbortController();
      const outcome = await withSpinner(repl.handle(input, running.signal), { enabled: true });
      running = undefined;
      if (outcome === "quit") break;
      prompt();
    }
    if (pending) await repl.handle(pending, new AbortController().signal);
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    rl.close();
    await repl.close();
    process.stdout.write("\n");
  }
}

/** Lines as they come, awaited one at a time (none is lost while an input runs). */
class LineQueue {
  #lines: string[] = [];
  #ended = false;
  #waiting?: (line: string | undefined) => void;

  push(line: string): void {
    if (this.#waiting) {
      const wake = this.#waiting;
      this.#waiting = undefined;
      wake(line);
    } else this.#lines.push(line);
  }

  end(): void {
    this.#ended = true;
    this.#waiting?.(undefined);
    this.#waiting = undefined;
  }

  next(): Promise<string | undefined> {
    if (this.#lines.length) return Promise.resolve(this.#lines.shift());
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiting = resolve);
  }
}

/** Input piped on standard input: no prompts, no colours; each complete input is handled. */
async function runPiped(repl: Repl): Promise<void> {
  let running: AbortController | undefined;
  let stop = false;
  const onSignal = () => {
    if (running) running.abort();
    else stop = true;
  };
  Deno.addSignalListener("SIGINT", onSignal);
  let pending = "";
  try {
    for await (const line of readLines(Deno.stdin.readable)) {
      if (stop) break;
      const input = pending ? `${pending}\n${line}` : line;
      if (!classifyInput(input, await typescript()).complete) {
        pending = input;
        continue;
      }
      pending = "";
      running = new AbortController();
      const outcome = await repl.handle(input, running.signal);
      running = undefined;
      if (outcome === "quit") break;
    }
    if (pending && !stop) await repl.handle(pending, new AbortController().signal);
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    await repl.close();
  }
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, at).replace(/\r$/, "");
      buffer = buffer.slice(at + 1);
    }
  }
  if (buffer) yield buffer;
}
