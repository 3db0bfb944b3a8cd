/**
 * File writes for sessions: private (0600 files, 0700 folders), durable (synced before a
 * write is reported done) and atomic where a file is replaced (written aside, renamed).
 *
 * @module
 */
import { dirname } from "node:path";
import { SessionWriteError } from "./errors.ts";

/** Creates `dir` (and its parents) private to the user. */
export async function privateDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * Writes `data` to `path` atomically: a crash leaves the old file or the new one, never a
 * mix. The file is private to the user.
 *
 * @throws {SessionWriteError} when the disk is full or the folder not writable.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const temporary = `${path}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await privateDir(dirname(path));
    const file = await Deno.open(temporary, { write: true, createNew: true, mode: 0o600 });
    try {
      await writeAll(file, bytes);
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw new SessionWriteError(path, error);
  }
}

/** Writes all of `bytes` (a single write may take only part). */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}

/** Whether `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** How old a temporary file of a process on another host must be to count as left over. */
const LEFT_OVER_MS = 60 * 60 * 1000;

/**
 * Removes the temporary files (`*.tmp`) in `dir` that a killed write left: those of a
 * process no longer running (their name holds the writer's pid), and any older than an
 * hour. A write in progress in a live process is left alone.
 */
export async function removeTemporaries(dir: string): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isFile || !entry.name.endsWith(".tmp")) continue;
    const path = `${dir}/${entry.name}`;
    const pid = /\.(\d+)-[0-9a-f]{8}\.tmp$/.exec(entry.name)?.[1];
    const writerGone = pid !== undefined && Number(pid) !== Deno.pid &&
      !(await exists(`/proc/${pid}`));
    const old = await Deno.stat(path).then(
      (info) => Date.now() - (info.mtime?.getTime() ?? 0) > LEFT_OVER_MS,
      () => false,
    );
    if (writerGone || old) await Deno.remove(path).catch(() => {});
  }
}
