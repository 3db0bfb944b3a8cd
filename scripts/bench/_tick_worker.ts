/**
 * A thread for the responsiveness benchmark: it ticks every 10 ms and keeps its worst gap
 * between ticks (what the spinner's thread sees), and on request raises the interrupt flag
 * after a delay (what Ctrl-C does), answering with the wall-clock time it did.
 *
 * @module
 */
/// <reference lib="deno.worker" />

let worst = 0;
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  worst = Math.max(worst, now - last);
  last = now;
}, 10);

self.onmessage = (event: MessageEvent) => {
  const m = event.data as
    | { kind: "reset" }
    | { kind: "worst" }
    | { kind: "interrupt"; afterMs: number; buffer: SharedArrayBuffer };
  switch (m.kind) {
    case "reset":
      worst = 0;
      last = performance.now();
      self.postMessage({ kind: "reset" });
      break;
    case "worst":
      self.postMessage({ kind: "worst", ms: Math.max(worst, performance.now() - last) });
      break;
    case "interrupt":
      setTimeout(() => {
        Atomics.store(new Int32Array(m.buffer), 0, 1);
        self.postMessage({ kind: "interrupt", at: Date.now() });
      }, m.afterMs);
      break;
  }
};
