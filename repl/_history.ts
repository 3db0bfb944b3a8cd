/**
 * Input history, persisted: one file per session (`sessions/NAME/history`) and one for all
 * sessions (`history` in the casefile home), both private (0600). Each input is one entry,
 * however many lines it has (a file line per entry, its newlines escaped as `\n`), so a
 * multi-line input comes back whole. A REPL recalls its session's entries first, then the
 * others', newest first.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { inputKind, kqlInputText, parseKqlInput } from "./_input.ts";

/** Entries kept per file, and recalled at most. */
export const HISTORY_SIZE = 1000;

/** The two history files of a session. */
export function historyFiles(
  home: string,
  sessionDir: string,
): { session: string; global: string } {
  return { session: join(sessionDir, "history"), global: join(home, "history") };
}

/** Entries to recall, newest first, without repeats. */
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
    const lines = text.split("\n").filter((l) => l.trim() !== "").map(decodeHistoryEntry);
    for (const line of lines.reverse()) {
      if (seen.has(line)) continue;
      seen.add(line);
      out.push(line);
      if (out.length >= HISTORY_SIZE) return out;
    }
  }
  return out;
}

/**
 * Appends an entry (an input, one or more lines) to each file (created private; trimmed to
 * the last entries now and then).
 */
export async function appendHistory(files: readonly string[], entry: string): Promise<void> {
  if (entry.trim() === "") return;
  const line = `${encodeHistoryEntry(entry)}\n`;
  for (const file of files) {
    try {
      await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(file, line, { append: true, create: true, mode: 0o600 });
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

/**
 * An entry as one line of a history file: a backslash doubled, a newline written `\n`.
 * Files written before multi-line entries (one line an entry, backslashes already doubled)
 * read the same.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { decodeHistoryEntry, encodeHistoryEntry } from "./_history.ts";
 *
 * const entry = "%kql s = SigninLogs\n| where UserAgent has '\\n'";
 * strictEqual(encodeHistoryEntry(entry), "%kql s = SigninLogs\\n| where UserAgent has '\\\\n'");
 * strictEqual(decodeHistoryEntry(encodeHistoryEntry(entry)), entry);
 * ```
 */
export function encodeHistoryEntry(entry: string): string {
  return entry.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

/** The entry a history file's line holds (see {@link encodeHistoryEntry}). */
export function decodeHistoryEntry(line: string): string {
  return line.replace(/\\(\\|n)/g, (_, c) => c === "n" ? "\n" : "\\");
}

/**
 * The entry an input that ran is remembered as: its text without trailing blanks, a `%kql
 * name =` block in the one-line form (`%kql name = SigninLogs` then its other lines), so
 * that recalling it and pressing Enter runs it at once.
 */
export function historyEntry(input: string): string {
  const text = input.trim();
  if (inputKind(text) !== "kql") return text;
  const firstLine = text.split("\n", 1)[0];
  if (parseKqlInput(firstLine).query !== "") return text;
  const kql = parseKqlInput(text);
  return kql.query === "" ? text : kqlInputText(kql);
}

/** `entries` (newest first) with `entry` moved or added to the front, at most {@link HISTORY_SIZE}. */
export function addHistoryEntry(entries: readonly string[], entry: string): string[] {
  if (entry.trim() === "") return [...entries];
  return [entry, ...entries.filter((e) => e !== entry)].slice(0, HISTORY_SIZE);
}
