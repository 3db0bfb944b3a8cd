/**
 * Session locks: a `lock` file in the session's folder naming the process that has it open
 * (pid, host, since when). A lock whose process is gone (on this host) is stale and taken
 * over; one cut off by a crash too.
 *
 * @module
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { SessionLockedError } from "./errors.ts";
import { exists } from "./_files.ts";

/**
 * Takes the lock of the session `name` in `dir`.
 *
 * @returns The lock file, to remove with {@link releaseLock}.
 * @throws {SessionLockedError} when a live process holds it.
 */
export async function takeLock(dir: string, name: string): Promise<string> {
  const path = join(dir, "lock");
  const me = JSON.stringify({ pid: Deno.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(path, me, { createNew: true, mode: 0o600 });
      return path;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    let holder: { pid?: number; host?: string; since?: string } = {};
    try {
      holder = JSON.parse(await Deno.readTextFile(path));
    } catch {
      // An unreadable lock (cut off by a crash) is stale.
    }
    const alive = holder.pid !== undefined &&
      (holder.host !== hostname() || await exists(`/proc/${holder.pid}`));
    if (alive) {
      throw new SessionLockedError(
        name,
        `pid ${holder.pid} on ${holder.host}, since ${holder.since}`,
      );
    }
    await Deno.remove(path).catch(() => {});
  }
  throw new SessionLockedError(name, "another process took it at the same moment");
}

/** Releases a lock taken with {@link takeLock} (a lock already gone is fine). */
export async function releaseLock(path: string): Promise<void> {
  await Deno.remove(path).catch(() => {});
}
