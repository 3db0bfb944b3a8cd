/**
 * The pager, as `psql` uses one: output taller or wider than the terminal goes through
 * `$PAGER` (when set; empty turns paging off) or `less -SRFX` (when installed), which the
 * user leaves with `q`. Only on a terminal; a pager that is missing or fails means the text
 * is printed instead.
 *
 * @module
 */
import { delimiter, join } from "node:path";
import { displayWidth } from "../src/display/mod.ts";

/** The screen the text would go to. */
export interface Screen {
  readonly rows: number;
  readonly columns: number;
}

/**
 * Whether `text` is taller (a line kept for the prompt) or wider than `screen`, in display
 * columns: wide characters and emoji take two, combining marks and colour escapes none.
 */
export function needsPager(text: string, screen: Screen): boolean {
  const lines = text.split("\n");
  if (lines.length >= screen.rows) return true;
  // A line no longer than the screen in UTF-16 units cannot be wider than twice that.
  return lines.some((line) =>
    line.length * 2 > screen.columns && displayWidth(line) > screen.columns
  );
}

/** A pager to run through `sh -c` (the text on its standard input). */
export interface PagerCommand {
  /** The shell command. */
  readonly command: string;
}

/**
 * The pager `env` names: `$PAGER` when set (an empty one: no pager), else `less -SRFX`
 * when `less` is on `PATH` (-S: long lines scroll sideways, -R: colours, -F: quit when the
 * text fits, -X: the text stays on screen after). Undefined when there is none.
 */
export function pagerCommand(
  env: (name: string) => string | undefined,
  exists: (path: string) => boolean = isFile,
): PagerCommand | undefined {
  const pager = env("PAGER");
  if (pager !== undefined) return pager.trim() === "" ? undefined : { command: pager };
  const found = (env("PATH") ?? "").split(delimiter).filter(Boolean).some((dir) =>
    exists(join(dir, "less"))
  );
  return found ? { command: "less -SRFX" } : undefined;
}

/**
 * Shows `text` through `pager`, waiting for the user to leave it. The event loop waits too,
 * so no spinner draws over the pager and the REPL reads no key meant for it. The text goes
 * through a private temporary file (mode 0600), removed at once.
 *
 * @returns Whether the pager ran; false (print it instead) when it could not start or failed.
 */
export function runPager(text: string, pager: PagerCommand): boolean {
  let file: string | undefined;
  try {
    file = Deno.makeTempFileSync({ prefix: "casefile-page-" });
    Deno.writeTextFileSync(file, text.endsWith("\n") ? text : `${text}\n`);
    const status = new Deno.Command("sh", {
      args: ["-c", `${pager.command} < "$1"`, "casefile-pager", file],
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).outputSync();
    // 0: shown (less also exits 0 when the user leaves with q). 130: the user pressed Ctrl-C
    // in it. Anything else (127 no such program, 126 not runnable, `PAGER=false`'s 1, a
    // crash): the text may not have been shown, so it is printed instead.
    return status.code === 0 || status.code === 130;
  } catch {
    return false;
  } finally {
    if (file) {
      try {
        Deno.removeSync(file);
      } catch {
        // Already gone.
      }
    }
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * Shows `text` through the pager when it does not fit the terminal and there is a pager.
 *
 * @returns Whether it was paged (else the caller prints it).
 */
export function pageIfLong(text: string): boolean {
  let screen: Screen;
  try {
    screen = Deno.consoleSize();
  } catch {
    return false; // Not a terminal.
  }
  if (!needsPager(text, screen)) return false;
  const pager = pagerCommand(readEnv);
  return pager ? runPager(text, pager) : false;
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
