/**
 * The spinner's thread: it draws the spinner and answers Ctrl-C while the main thread may
 * be held for seconds by synchronous work (the local KQL engine's Polars and JavaScript
 * stretches), which would otherwise keep the spinner from showing and Ctrl-C from being
 * seen. It shares with the main thread a small state (active, a lock around writing the
 * line, whether the line shows, a pause after the main thread erased it) and the interrupt
 * flag the engine checks.
 *
 * @module
 */
/// <reference lib="deno.worker" />

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const encoder = new TextEncoder();

/** Indexes into the shared state. */
const ACTIVE = 0, LOCK = 1, VISIBLE = 2, PAUSED = 3;

let state: Int32Array | undefined;
let interrupt: Int32Array | undefined;
let label = "running";
let said = "";
let started = 0;
let frame = 0;
let cancelling = false;
let delay: ReturnType<typeof setTimeout> | undefined;
let timer: ReturnType<typeof setInterval> | undefined;
let columns = 80;
/** False when standard error is a file: Ctrl-C is still answered, nothing is drawn. */
let drawing = true;

function draw(): void {
  if (!drawing || !state || Atomics.load(state, ACTIVE) === 0) return;
  if (Atomics.exchange(state, PAUSED, 0) !== 0) return; // Just erased to print: next tick.
  if (Atomics.compareExchange(state, LOCK, 0, 1) !== 0) return;
  try {
    if (Atomics.load(state, ACTIVE) === 0) return;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const line = cancelling
      ? `${FRAMES[frame++ % FRAMES.length]} cancelling ${seconds} s (stops at the next step)`
      : `${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds} s${said ? ` · ${said}` : ""}` +
        "  (Ctrl-C cancels)";
    Deno.stderr.writeSync(encoder.encode(`\r${clip(line, columns - 1)}\x1b[K`));
    Atomics.store(state, VISIBLE, 1);
  } finally {
    Atomics.store(state, LOCK, 0);
  }
}

function onInterrupt(): void {
  if (!state || !interrupt || Atomics.load(state, ACTIVE) === 0) return;
  Atomics.store(interrupt, 0, 1);
  cancelling = true;
  draw();
}

function stop(): void {
  if (delay !== undefined) clearTimeout(delay);
  if (timer !== undefined) clearInterval(timer);
  delay = timer = undefined;
  try {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  } catch {
    // Not listening.
  }
}

self.onmessage = (event: MessageEvent) => {
  const message = event.data as
    | { kind: "init"; state: SharedArrayBuffer; interrupt: SharedArrayBuffer }
    | { kind: "start"; label: string; delayMs: number; columns: number; draw: boolean }
    | { kind: "status"; text: string }
    | { kind: "stop" };
  switch (message.kind) {
    case "init":
      state = new Int32Array(message.state);
      interrupt = new Int32Array(message.interrupt);
      self.postMessage({ kind: "loaded" });
      break;
    case "start":
      stop();
      label = message.label;
      columns = message.columns;
      drawing = message.draw;
      said = "";
      started = performance.now();
      cancelling = false;
      Deno.addSignalListener("SIGINT", onInterrupt);
      delay = setTimeout(() => {
        draw();
        timer = setInterval(draw, 100);
      }, message.delayMs);
      break;
    case "status":
      said = message.text;
      break;
    case "stop":
      stop();
      break;
  }
};

function clip(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(1, width - 1)).join("")}…`;
}
