/**
 * A spinner with the elapsed time on standard error, for work longer than 100 ms (so it
 * shows within 250 ms of any step, counting the input's own handling before the work
 * starts), only on a terminal. Output printed meanwhile first erases it ({@link clearSpinner}); it is
 * drawn again on its next tick, and erased for good when the work ends.
 *
 * The spinner is drawn by its own thread (`_spinner_worker.ts`), which also answers Ctrl-C:
 * the local KQL engine holds the main thread for seconds at a time, during which no timer
 * or signal handler of the main thread runs. During the work the terminal is out of raw
 * mode, so Ctrl-C is a signal the spinner's thread sees at once; it raises the interrupt
 * flag the engine checks (`src/interrupt.ts`) and says it is cancelling.
 *
 * @module
 */
import { clearInterrupt, interruptBuffer } from "../src/interrupt.ts";

const encoder = new TextEncoder();
/** Indexes into the shared state (see the worker). */
const ACTIVE = 0, LOCK = 1, VISIBLE = 2, PAUSED = 3;
const shared = new Int32Array(new SharedArrayBuffer(16));
let worker: Worker | undefined;
/** How long work runs before the spinner shows (the rest of 250 ms is the input's handling). */
export const SPINNER_DELAY_MS = 100;
/** What the work is doing, asked at every tick (a countdown stays current). */
let status: (() => string) | undefined;

/**
 * Sets what the spinner says beside the elapsed time ("throttled (429), retrying in 8 s",
 * "3 of 8 windows · 12,345 rows so far"); undefined: nothing. Cleared when the work ends.
 */
export function setSpinnerStatus(text: (() => string) | undefined): void {
  status = text;
}

/** Erases the spinner's line if it is showing (call before printing). */
export function clearSpinner(): void {
  withLock(() => {
    if (Atomics.load(shared, VISIBLE) !== 0) {
      Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
      Atomics.store(shared, VISIBLE, 0);
    }
    // The next tick is skipped: what is printed now is not followed by the spinner's line.
    if (Atomics.load(shared, ACTIVE) !== 0) Atomics.store(shared, PAUSED, 1);
  });
}

/**
 * Runs `fn` (the pager, which owns the terminal until it is left) with the spinner erased
 * and held: its thread draws nothing, and takes no Ctrl-C for the work, until `fn` returns.
 */
export function holdSpinner<T>(fn: () => T): T {
  clearSpinner();
  const active = Atomics.exchange(shared, ACTIVE, 0);
  try {
    return fn();
  } finally {
    Atomics.store(shared, ACTIVE, active);
  }
}

/**
 * Shows a spinner while `work` runs (after `delayMs`); returns what `work` returns. With
 * `draw: false` (standard error is a file) nothing is drawn, but the thread still answers
 * Ctrl-C during synchronous work.
 */
export async function withSpinner<T>(
  work: Promise<T>,
  options: { enabled: boolean; label?: string; delayMs?: number; draw?: boolean },
): Promise<T> {
  if (!options.enabled) return await work;
  const thread = spinnerThread();
  clearInterrupt();
  const cooked = cookedTerminal();
  Atomics.store(shared, ACTIVE, 1);
  thread.postMessage({
    kind: "start",
    label: options.label ?? "running",
    delayMs: options.delayMs ?? SPINNER_DELAY_MS,
    columns: columns(),
    draw: options.draw ?? true,
  });
  // The status is the main thread's (it is free while a query waits on the network).
  let said = "";
  const statusTimer = setInterval(() => {
    let text = "";
    try {
      text = status?.() ?? "";
    } catch {
      // A status that fails to say something is left out.
    }
    if (text !== said) thread.postMessage({ kind: "status", text: said = text });
  }, 100);
  try {
    return await work;
  } finally {
    clearInterval(statusTimer);
    Atomics.store(shared, ACTIVE, 0);
    thread.postMessage({ kind: "stop" });
    status = undefined;
    clearSpinner();
    Atomics.store(shared, PAUSED, 0);
    cooked.restore();
  }
}

/**
 * Starts the spinner's thread ahead of the first work (when the REPL starts): a worker takes
 * a few hundred milliseconds to load, which would delay the first spinner past 250 ms.
 * Resolves once the thread has loaded (loading it, Deno may draw on the terminal).
 */
export function startSpinnerThread(): Promise<void> {
  spinnerThread();
  return threadLoaded ?? Promise.resolve();
}

/** Resolves when the thread says it has loaded (it answers the `init` message). */
let threadLoaded: Promise<void> | undefined;

/** Ends the spinner's thread (when the REPL ends). */
export function stopSpinnerThread(): void {
  worker?.terminate();
  worker = undefined;
}

function spinnerThread(): Worker {
  if (worker) return worker;
  const thread = new Worker(new URL("./_spinner_worker.ts", import.meta.url), {
    type: "module",
  });
  threadLoaded = new Promise<void>((resolve) => {
    const done = () => {
      thread.removeEventListener("message", done);
      thread.removeEventListener("error", done);
      resolve();
    };
    thread.addEventListener("message", done);
    thread.addEventListener("error", done);
  });
  thread.postMessage({ kind: "init", state: shared.buffer, interrupt: interruptBuffer() });
  worker = thread;
  return thread;
}

/**
 * Takes the terminal out of raw mode while work runs, so that Ctrl-C is a signal (seen by
 * the spinner's thread at once) rather than a key read by the busy main thread.
 */
function cookedTerminal(): { restore(): void } {
  try {
    if (!Deno.stdin.isTerminal()) return { restore() {} };
    Deno.stdin.setRaw(false);
    return {
      restore() {
        try {
          Deno.stdin.setRaw(true);
        } catch {
          // The terminal is gone.
        }
      },
    };
  } catch {
    return { restore() {} };
  }
}

/** Runs `fn` holding the lock around the spinner's line (the worker draws under it too). */
function withLock(fn: () => void): void {
  while (Atomics.compareExchange(shared, LOCK, 0, 1) !== 0) Atomics.wait(shared, LOCK, 1, 1);
  try {
    fn();
  } finally {
    Atomics.store(shared, LOCK, 0);
  }
}

function columns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80;
  }
}
