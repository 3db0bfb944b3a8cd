/**
 * The casefile home: the folder where sessions (`sessions/<name>/`) and the shared result
 * cache (`cache/`) live. Listing and removing the sessions it holds.
 *
 * @module
 */
import { join, resolve as resolvePath } from "node:path";
import { SessionError } from "./errors.ts";
import { exists } from "./_files.ts";
import { releaseLock, takeLock } from "./_lock.ts";

/** A session found under a casefile home (see {@link listSessions}). */
export interface SessionListing {
  /** The session's name. */
  name: string;
  /** When its journal was last written. */
  modified: Date;
  /** The session's folder. */
  dir: string;
}

/** The default casefile home: `$CASEFILE_HOME`, else `./.casefile`. */
export function defaultHome(): string {
  let home: string | undefined;
  try {
    home = Deno.env.get("CASEFILE_HOME");
  } catch {
    // No env permission: the default.
  }
  return resolvePath(home || ".casefile");
}

/** The sessions under a casefile home, newest activity first. */
export async function listSessions(home: string = defaultHome()): Promise<SessionListing[]> {
  const root = join(resolvePath(home), "sessions");
  const out: SessionListing[] = [];
  try {
    for await (const entry of Deno.readDir(root)) {
      if (!entry.isDirectory) continue;
      const dir = join(root, entry.name);
      const info = await Deno.stat(join(dir, "journal.jsonl")).catch(() => undefined);
      if (info) out.push({ name: entry.name, modified: info.mtime ?? new Date(0), dir });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort((a, b) => b.modified.getTime() - a.modified.getTime());
}

/**
 * Removes the session `name` and its folder (journal, charts, history); the cached results
 * stay, shared by the home's sessions.
 *
 * @param name The session's name.
 * @param home The casefile home (default: {@link defaultHome}).
 * @throws {SessionError} when there is no such session; {@link SessionLockedError} when a
 *   process has it open.
 */
export async function removeSession(name: string, home: string = defaultHome()): Promise<void> {
  const dir = join(resolvePath(home), "sessions", name);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || !await exists(join(dir, "journal.jsonl"))) {
    throw new SessionError(`There is no session ${name} under ${resolvePath(home)}.`, {
      hint: "casefile sessions lists them.",
    });
  }
  // Taking the lock refuses a session open elsewhere; the folder goes with it.
  const lock = await takeLock(dir, name);
  try {
    await Deno.remove(dir, { recursive: true });
  } finally {
    await releaseLock(lock);
  }
}
