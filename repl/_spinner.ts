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
    let said = "";
    try {
      said = status?.() ?? "";
    } catch {
      // A status that fails to say something is left out.
    }
    const line = `${FRAMES[frame++ % FRAMES.length]} ${options.label ?? "running"} ${seconds} s` +
      `${said ? ` · ${said}` : ""}  (Ctrl-C cancels)`;
    // One line only: a wrapped line would not be erased by the next tick.
    const text = `\r${clip(line, columns() - 1)}\x1b[K`;
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
    status = undefined;
    clearSpinner();
  }
}

function columns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80;
  }
}

function clip(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(1, width - 1)).join("")}…`;
}
