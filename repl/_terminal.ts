/**
 * The REPL on a terminal (or on piped standard input): line editing, Tab completion and
 * history by node:readline; multi-line input while it is incomplete; a pasted block taken
 * as one input (bracketed paste) and recalled as one history entry; a line starting with
 * `|` continuing the query above it; a spinner for long work; Ctrl-C cancels the running
 * input or clears the line, twice at an empty prompt (or Ctrl-D) exits after the session is
 * closed.
 *
 * @module
 */
import readline from "node:readline";
import process from "node:process";
import {
  classifyInput,
  continuedInput,
  extendKqlInput,
  kqlInputText,
  mayContinueWithPipe,
  sentinelQuery,
  sentinelQueryTable,
  startsWithPipe,
} from "./_input.ts";
import { type Keypress, PASTE_OFF, PASTE_ON, pastedInput, PasteReader } from "./_paste.ts";
import { typescript } from "./_transform.ts";
import { complete, loadKqlNames } from "./_completion.ts";
import {
  addHistoryEntry,
  appendHistory,
  HISTORY_SIZE,
  historyEntry,
  historyFiles,
  loadHistory,
} from "./_history.ts";
import { startSpinnerThread, stopSpinnerThread, withSpinner } from "./_spinner.ts";
import { listSessions } from "../src/session/home.ts";
import { InterruptedError } from "../src/interrupt.ts";
import type { Repl } from "./_repl.ts";

/** Options of {@link runTerminal}. */
export interface TerminalOptions {
  /** Line editing, prompts, completion and a spinner (stdin and stdout are terminals). */
  readonly interactive: boolean;
  /** Printed once before the first prompt. */
  readonly banner?: string;
  /**
   * What loads after the first prompt shows (default: the API, the TypeScript compiler and
   * the KQL names). Keys typed meanwhile are kept, in order, and drawn once it settles.
   */
  readonly warmUp?: () => Promise<unknown>;
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
  // Whole inputs, newest first: readline adds each line it reads to its own list, which is
  // set back to these once the line is taken.
  let entries = await loadHistory(files());
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: HISTORY_SIZE,
    history: [...entries],
    removeHistoryDuplicates: true,
    // The callback form: the KQL names may still be loading when Tab is first pressed.
    completer: (line: string, done: (error: null, result: [string[], string]) => void) => {
      loadKqlNames().then(() =>
        complete(line, {
          // A line starting with `|` completes as part of the query it continues.
          pending: pending || queryContinued(repl, line),
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
  const editor = rl as unknown as EditorState;
  const syncHistory = () => editor.history.splice(0, editor.history.length, ...entries);
  const stopPastes = readPastes(rl);
  const pasteOff = bracketedPaste();
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
      running.abort(new InterruptedError());
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
    if (running) running.abort(new InterruptedError());
    else rl.close();
  };
  Deno.addSignalListener("SIGINT", onSignal);

  if (options.banner) repl.output.write(options.banner);
  prompt();
  // The spinner draws on standard error: not into a file that it is sent to (`2>log`); its
  // thread still runs, as it answers Ctrl-C while the engine holds the main thread.
  const spinning = Deno.stderr.isTerminal();
  // Loaded now, so the first input's spinner is as quick as the others'.
  const spinnerLoaded = startSpinnerThread();
  // While modules load (the spinner's thread, the heavy parts), Deno draws and clears its
  // progress line on the terminal (`ESC[0G ESC[2K`, even with nothing to show), which erases
  // the row the cursor is on: the prompt and whatever was typed after it. So nothing typed
  // is read (nor echoed, nor run) until they are in: the keys wait in standard input, in
  // order, and are read after the prompt is drawn again. (`rl.prompt()` resumes reading, so
  // this comes after it.)
  rl.pause();
  const warmUp = options.warmUp ??
    (() => Promise.allSettled([repl.warmUp(), loadKqlNames()]));
  setTimeout(() => {
    Promise.allSettled([spinnerLoaded, warmUp()]).then(() => {
      if (idle && !closed) rl.prompt(true);
      else if (!closed) rl.resume();
    });
  }, 0);
  try {
    for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
      lastInterrupt = 0;
      let input = pending ? `${pending}\n${line}` : line;
      // A pasted or recalled query in the Sentinel style: a table, then lines starting with `|`.
      if (!pending && sentinelQueryTable(input) !== undefined) {
        input = sentinelQuery(input, await tableNames(repl)) ?? input;
      }
      const { kind, complete: done } = classifyInput(input, await typescript());
      if (!done) {
        pending = input;
        syncHistory();
        prompt();
        continue;
      }
      pending = "";
      // Remembered as it runs: a `|` line as the whole query it makes.
      const base = kind === "pipe" ? repl.kqlToExtend() : undefined;
      const entry = historyEntry(base ? kqlInputText(extendKqlInput(base.input, input)) : input);
      entries = addHistoryEntry(entries, entry);
      syncHistory();
      await appendHistory(files(), entry);
      running = new AbortController();
      const outcome = await withSpinner(repl.handle(input, running.signal), {
        enabled: true,
        draw: spinning,
      });
      running = undefined;
      if (outcome === "quit") break;
      prompt();
    }
    if (pending) await repl.handle(pending, new AbortController().signal);
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    stopSpinnerThread();
    stopPastes();
    rl.close();
    pasteOff();
    await repl.close();
    process.stdout.write("\n");
  }
}

/** The node:readline state the terminal reads and sets (public, but not in its typings). */
interface EditorState {
  line: string;
  cursor: number;
  /** Entries, newest first. */
  history: string[];
  _refreshLine(): void;
}

/** The query a line starting with `|` continues, as a `%kql` input; else "". */
function queryContinued(repl: Repl, line: string): string {
  if (!startsWithPipe(line)) return "";
  const base = repl.kqlToExtend();
  return base ? kqlInputText(base.input) : "";
}

/** The provider's table names (once they are loaded). */
async function tableNames(repl: Repl): Promise<string[]> {
  await repl.connection.ready;
  return repl.connection.tables.map((t) => t.name);
}

/**
 * Puts a {@link PasteReader} in front of readline's keypress handler. A paste with a line
 * break is submitted as one line, its newlines kept (readline shows it over several rows,
 * and keeps it as one history entry); a paste within a line is typed. Returns what undoes it.
 */
function readPastes(rl: readline.Interface): () => void {
  const input = process.stdin;
  type Listener = (s: string | undefined, key?: Keypress) => void;
  const editorKeys = input.listeners("keypress") as Listener[];
  const editor = rl as unknown as EditorState;
  const reader = new PasteReader();
  const onKeypress: Listener = (s, key) => {
    const step = reader.feed(s, key);
    switch (step.kind) {
      case "key":
        for (const listener of editorKeys) listener(s, key);
        return;
      case "held":
        return;
      case "pasted": {
        if (!/[\r\n]/.test(step.text)) {
          rl.write(step.text);
          return;
        }
        const before = editor.line.slice(0, editor.cursor);
        const text = pastedInput(before + step.text + editor.line.slice(editor.cursor));
        editor.line = text;
        editor.cursor = text.length;
        editor._refreshLine();
        (rl.write as (data: null, key: { name: string }) => void).call(rl, null, {
          name: "return",
        });
        return;
      }
    }
  };
  for (const listener of editorKeys) input.removeListener("keypress", listener);
  input.on("keypress", onKeypress);
  return () => void input.removeListener("keypress", onKeypress);
}

const EXIT_EVENTS = ["unload", "error", "unhandledrejection"] as const;

/**
 * Turns the terminal's bracketed paste on; the function returned turns it off, as does the
 * process ending (an uncaught error included), so the shell does not get the markers.
 */
function bracketedPaste(): () => void {
  if (readEnv("TERM") === "dumb") return () => {};
  let on = true;
  const off = (event?: Event) => {
    if (!on || event?.defaultPrevented) return;
    on = false;
    for (const type of EXIT_EVENTS) globalThis.removeEventListener(type, off);
    writeTerminal(PASTE_OFF);
  };
  for (const type of EXIT_EVENTS) globalThis.addEventListener(type, off);
  writeTerminal(PASTE_ON);
  return () => off();
}

function writeTerminal(text: string): void {
  try {
    Deno.stdout.writeSync(new TextEncoder().encode(text));
  } catch {
    // The terminal is gone.
  }
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
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

/**
 * Input piped on standard input: no prompts, no colours; each complete input is handled. A
 * complete query (`%kql`, a `|` line, a lone table name) waits for the next line: when it
 * starts with `|`, it belongs to the query. Nothing else reads ahead.
 */
async function runPiped(repl: Repl): Promise<void> {
  let running: AbortController | undefined;
  let stop = false;
  const onSignal = () => {
    if (running) running.abort(new InterruptedError());
    else stop = true;
  };
  Deno.addSignalListener("SIGINT", onSignal);
  const source = readLines(Deno.stdin.readable);
  let ahead: IteratorResult<string> | undefined;
  const peek = async () => ahead ??= await source.next();
  const next = async () => {
    const line = await peek();
    ahead = undefined;
    return line;
  };
  let pending = "";
  try {
    for (let read = await next(); !read.done; read = await next()) {
      if (stop) break;
      const input = pending ? `${pending}\n${read.value}` : read.value;
      if (!classifyInput(input, await typescript()).complete) {
        pending = input;
        continue;
      }
      if (mayContinueWithPipe(input)) {
        const following = await peek();
        const carried = following.done || !startsWithPipe(following.value)
          ? undefined
          : continuedInput(input, following.value, await tableNames(repl));
        if (carried !== undefined) {
          pending = carried;
          continue;
        }
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
    await source.return(undefined);
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
