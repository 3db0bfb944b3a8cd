/**
 * Interrupting long synchronous work. The local KQL engine runs stretches of Polars and
 * JavaScript that hold the main thread for seconds, so an `AbortSignal` (dispatched on the
 * event loop) is seen only once they end. A watcher on another thread (the REPL's spinner)
 * sets a shared flag when Ctrl-C is pressed, and the engine checks it between operators and
 * every few thousand rows of its row-by-row loops ({@link checkInterrupt}).
 *
 * @example The flag, raised from anywhere, stops work at its next check
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkInterrupt, clearInterrupt, interruptBuffer, InterruptedError } from "./interrupt.ts";
 *
 * clearInterrupt();
 * checkInterrupt(); // nothing raised: goes on
 * Atomics.store(new Int32Array(interruptBuffer()), 0, 1); // what a watcher thread does
 * assert.throws(() => checkInterrupt(), InterruptedError);
 * clearInterrupt();
 * ```
 *
 * @module
 */
import { CasefileError } from "./errors.ts";

const buffer = new SharedArrayBuffer(4);
const flag = new Int32Array(buffer);

/** Work stopped because the user pressed Ctrl-C (named `AbortError`, as an abort is). */
export class InterruptedError extends CasefileError {
  constructor() {
    super("Cancelled (Ctrl-C).", { hint: "Run it again when you want its result." });
    this.name = "AbortError";
  }
}

/** The shared memory of the flag, for a watcher thread to raise it (index 0 set to 1). */
export function interruptBuffer(): SharedArrayBuffer {
  return buffer;
}

/** Lowers the flag (before new work starts). */
export function clearInterrupt(): void {
  Atomics.store(flag, 0, 0);
}

/** Raises the flag: work running checks it and stops. */
export function raiseInterrupt(): void {
  Atomics.store(flag, 0, 1);
}

/** Whether the flag is raised. */
export function interrupted(): boolean {
  return Atomics.load(flag, 0) !== 0;
}

/**
 * Throws {@link InterruptedError} when the flag is raised; cheap enough to call every row.
 *
 * @throws {InterruptedError} when Ctrl-C was pressed since the work began.
 */
export function checkInterrupt(): void {
  if (Atomics.load(flag, 0) !== 0) throw new InterruptedError();
}
