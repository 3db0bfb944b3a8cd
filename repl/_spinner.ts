/**
 * A spinner with the elapsed time on standard error, for work longer than ~250 ms, only
 * on a terminal. Output printed meanwhile first erases it ({@link clearSpinner}); it is
 * drawn again on its next tick, and erased for good when the work ends.
 *
 * @module
 */

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const encoder = new TextEncoder();
let visible = false;

/** Erases the spinner's line if it is showing (call before printing). */
export function clearSpinner(): void {
  if (!visible) return;
  Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
  visible = false;
}

/** Shows a spinner while `work` runs (after `delayMs`); returns what `work` returns. */
export async function withSpinner<T>(
  work: Promise<T>,
  options: { enabled: boolean; label?: string; delayMs?: number },
): Promise<T> {
  if (!options.enabled) return await work;
  const started = performance.now();
  let frame = 0;
  const draw = () => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const text = `\r${FRAMES[frame++ % FRAMES.length]} ${options.label ?? "running"} ${seconds} s` +
      "  (Ctrl-C cancels)\x1b[K";
    Deno.stderr.writeSync(encoder.encode(text));
    visible = true;
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  const delay = setTimeout(() => {
    draw();
    timer = setInterval(draw, 100);
  }, options.delayMs ?? 250);
  try {
    return await work;
  } finally {
    clearTimeout(delay);
    if (timer !== undefined) clearInterval(timer);
    clearSpinner();
  }
}
