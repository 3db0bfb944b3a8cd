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
  const temporary = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
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
