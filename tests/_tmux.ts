/**
 * The REPL in a real terminal, driven through tmux for end-to-end tests: keys go in with
 * `send-keys`, pastes with `paste-buffer` (bracketed when the program asks), the screen
 * comes back with `capture-pane`, and every wait polls with a deadline (no fixed sleeps).
 */
import { fail } from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "./_helpers.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));

/**
 * Whether tmux is there to drive (the terminal tests skip without it); under CI it must be,
 * and its absence is an error.
 */
export function tmuxAvailable(): Promise<boolean> {
  return programAvailable("tmux", ["-V"]);
}

/**
 * Whether `program` runs (`args` a harmless call such as `--version`); under CI it must, and
 * its absence is an error: `.ci/run` installs what the tests need.
 */
export async function programAvailable(program: string, args: string[]): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(program, { args, stdout: "null", stderr: "null" })
      .output();
    if (success) return true;
  } catch {
    // Not installed.
  }
  if (Deno.env.get("CI") === "true") {
    throw new Error(`${program} is missing under CI: .ci/run installs it (packages=(...))`);
  }
  return false;
}

/** Options of {@link Terminal}. */
export interface TerminalOptions {
  /** Lines of scrollback kept and captured (default: tmux's 2000; the last 3000 read). */
  readonly scrollback?: number;
  /** Read wrapped lines joined, as the program wrote them. */
  readonly joinWrapped?: boolean;
  /** The program run (default: `repl/main.ts`, the `casefile` command). */
  readonly script?: string;
}

/**
 * A REPL (`repl/main.ts ARGS`, run from the checkout) in its own tmux server, whose socket
 * (and config) live in a temporary folder of the terminal's own, removed by {@link close}
 * (tmux leaves its socket behind when its server is killed).
 */
export class Terminal {
  #folder: string | undefined;
  readonly #options: TerminalOptions;

  constructor(options: TerminalOptions = {}) {
    this.#options = options;
  }

  async start(args: string[], env: Record<string, string> = {}): Promise<void> {
    const script = this.#options.script ?? "repl/main.ts";
    const command = [Deno.execPath(), "run", "--allow-all", script, ...args]
      .map(quote).join(" ");
    const envArgs = Object.entries({ NO_COLOR: "1", ...env }).flatMap(([k, v]) => [
      "-e",
      `${k}=${v}`,
    ]);
    this.#folder ??= await tempDir("casefile-tmux-"); // the config goes there too
    const config: string[] = [];
    if (this.#options.scrollback) {
      const file = join(this.#folder, "tmux.conf");
      await Deno.writeTextFile(file, `set -g history-limit ${this.#options.scrollback}\n`);
      config.push("-f", file);
    }
    await this.#run(
      [...config, "new-session", "-d", "-x", "160", "-y", "50", "-s", "repl", "-c", REPO],
      [...envArgs, `${command}; echo "[exited $?]"; sleep 600`],
    );
  }

  /**
   * Starts the REPL (see {@link start}) on the demo case and waits for its prompt, which it
   * returns (`demo-20260307-101500>`, without the blank after it).
   */
  async startAtPrompt(args: string[], env: Record<string, string> = {}): Promise<string> {
    await this.start(args, env);
    const banner = await this.waitFor(/\n(demo-\d{8}-\d{6})>$/);
    return /\n(demo-\d{8}-\d{6})>$/.exec(banner)![1] + ">";
  }

  /** Types `text` literally. */
  async type(text: string): Promise<void> {
    await this.tmux("send-keys", "-t", "repl", "-l", text);
  }

  /** Presses keys (`Enter`, `Tab`, `C-c`, `C-d`, `C-u`). */
  async press(...keys: string[]): Promise<void> {
    await this.tmux("send-keys", "-t", "repl", ...keys);
  }

  /**
   * Pastes `text` as a terminal does: tmux sends it bracketed (`ESC [200~` … `ESC [201~`)
   * when the program asked for that, its line breaks as CR.
   */
  async paste(text: string): Promise<void> {
    await this.tmux("set-buffer", "-b", "paste", "--", text);
    await this.tmux("paste-buffer", "-p", "-d", "-b", "paste", "-t", "repl");
  }

  /** Types a line and presses Enter. */
  async line(text: string): Promise<void> {
    await this.type(text);
    await this.press("Enter");
  }

  /** The screen with scrollback; lines without trailing blanks, no blank lines at the end. */
  async screen(): Promise<string> {
    const from = this.#options.scrollback ? "-" : "-3000";
    const join = this.#options.joinWrapped ? ["-J"] : [];
    const text = await this.tmux("capture-pane", "-p", ...join, "-t", "repl", "-S", from);
    return text.split("\n").map((l) => l.trimEnd()).join("\n").trimEnd();
  }

  /** Waits until the screen matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return this.waitUntil(String(pattern), (screen) => pattern.test(screen), timeoutMs);
  }

  /** Waits until `test` accepts the screen (`what` names it when the wait times out). */
  async waitUntil(
    what: string,
    test: (screen: string) => boolean,
    timeoutMs = 30_000,
  ): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = "";
    while (Date.now() < deadline) {
      screen = await this.screen();
      if (test(screen)) return screen;
      await new Promise((r) => setTimeout(r, 50));
    }
    fail(`timed out waiting for ${what}; the screen ended with:\n${screen.slice(-3000)}`);
  }

  /** The text after the last occurrence of `marker` on the screen. */
  async after(marker: string): Promise<string> {
    const screen = await this.screen();
    return screen.slice(screen.lastIndexOf(marker));
  }

  /** Ends the tmux server and removes its folder (socket and config). */
  async close(): Promise<void> {
    if (this.#folder === undefined) return;
    await this.tmux("kill-server").catch(() => "");
    await Deno.remove(this.#folder, { recursive: true }).catch(() => {});
  }

  /** Runs a tmux command on this terminal's server. */
  tmux(...args: string[]): Promise<string> {
    return this.#run([], args);
  }

  async #run(options: string[], args: string[]): Promise<string> {
    // A test may start its own session with `tmux("new-session", …)` rather than start().
    this.#folder ??= await tempDir("casefile-tmux-");
    const out = await new Deno.Command("tmux", {
      args: ["-S", join(this.#folder, "socket"), ...options, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    return new TextDecoder().decode(out.stdout);
  }
}

function quote(s: string): string {
  return /^[\w./=:-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
