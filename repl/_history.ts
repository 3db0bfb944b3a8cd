/**
 * Line history, persisted: one file per session (`sessions/NAME/history`) and one for all
 * sessions (`history` in the casefile home), both private (0600). A REPL recalls its
 * session's lines first, then the others', newest first.
 *
 * @module
 */
import { dirname, join } from "node:path";

/** Lines kept per file, and recalled at most. */
export const HISTORY_SIZE = 1000;

/** The two history files of a session. */
export function historyFiles(
  home: string,
  sessionDir: string,
): { session: string; global: string } {
  return { session: join(sessionDir, "history"), global: join(home, "history") };
}

/** Lines to recall, newest first, without repeats. */
export async function loadHistory(files: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    let text = "";
    try {
      text = await Deno.readTextFile(file);
    } catch {
      continue;
    }
    const lines = text.split("\n").filter((l) => l.trim() !== "").map(decode);
    for (const line of lines.reverse()) {
      if (seen.has(line)) continue;
      seen.add(line);
      out.push(line);
      if (out.length >= HISTORY_SIZE) return out;
    }
  }
  return out;
}

/** Appends `line` to each file (created private; trimmed to the last lines now and then). */
export async function appendHistory(files: readonly string[], line: string): Promise<void> {
  if (line.trim() === "") return;
  const entry = `${encode(line)}\n`;
  for (const file of files) {
    try {
      await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(file, entry, { append: true, create: true, mode: 0o600 });
      await Deno.chmod(file, 0o600);
      const info = await Deno.stat(file);
      if (info.size > HISTORY_SIZE * 400) await trim(file);
    } catch {
      // History is a convenience: a file that cannot be written does not stop the REPL.
    }
  }
}

async function trim(file: string): Promise<void> {
  const lines = (await Deno.readTextFile(file)).split("\n").filter((l) => l !== "");
  await Deno.writeTextFile(file, lines.slice(-HISTORY_SIZE).join("\n") + "\n", { mode: 0o600 });
}

// A line never holds a newline (readline keeps lines), but a backslash is kept escaped so
// the format can carry one later.
function encode(line: string): string {
  return line.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

function decode(line: string): string {
  return line.replace(/\\(\\|n)/g, (_, c) => c === "n" ? "\n" : "\\");
}
