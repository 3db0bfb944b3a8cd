/**
 * Session locks: one writer per session. The `lock` file in the session's folder is held
 * open with an exclusive advisory lock of the operating system (`flock`), which the kernel
 * releases when the process ends however it ends: a lock left by a dead process is free
 * at once, and of many processes trying at the same moment exactly one gets it (the
 * kernel decides, not a read-then-write of the file). The file names the holder (pid,
 * host, since when) for the message another process shows.
 *
 * @module
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { SessionLockedError } from "./errors.ts";

/** A lock taken with {@link takeLock}: the open, locked file. */
export interface SessionLock {
  readonly path: string;
  readonly file: Deno.FsFile;
}

/**
 * Takes the lock of the session `name` in `dir`.
 *
 * @returns The lock, to release with {@link releaseLock}.
 * @throws {SessionLockedError} when a live process holds it.
 */
export async function takeLock(dir: string, name: string): Promise<SessionLock> {
  const path = join(dir, "lock");
  for (let attempt = 0; attempt < 5; attempt++) {
    const file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
    if (!(await file.tryLock(true))) {
      file.close();
      throw new SessionLockedError(name, await holderOf(path));
    }
    // A holder releasing removes the file: if the file locked is no longer the one at the
    // path, another process may lock the new one, so start again on that.
    const [mine, current] = await Promise.all([
      file.stat(),
      Deno.stat(path).catch(() => undefined),
    ]);
    if (current && current.ino === mine.ino && current.dev === mine.dev) {
      const me = JSON.stringify({
        pid: Deno.pid,
        host: hostname(),
        since: new Date().toISOString(),
      });
      await file.truncate(0);
      await file.write(new TextEncoder().encode(me));
      return { path, file };
    }
    file.close();
  }
  throw new SessionLockedError(name, "another process took it at the same moment");
}

/** Who holds the lock at `path`, as its file says. */
async function holderOf(path: string): Promise<string> {
  try {
    const holder = JSON.parse(await Deno.readTextFile(path));
    return `pid ${holder.pid} on ${holder.host}, since ${holder.since}`;
  } catch {
    return "another process";
  }
}

/** Releases a lock taken with {@link takeLock} (releasing twice is fine). */
export async function releaseLock(lock: SessionLock): Promise<void> {
  // Removed while still held, so no process can lock this file after we let it go.
  await Deno.remove(lock.path).catch(() => {});
  try {
    lock.file.close();
  } catch {
    // Already closed.
  }
}
