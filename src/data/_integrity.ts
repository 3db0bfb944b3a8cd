/**
 * A data file's SHA-256, checked against the one its manifest recorded: a bit flipped in a
 * Parquet page often still decodes, into other values, so only the content's hash can tell.
 * A file is hashed once per process for a given size and modification time, so a table
 * scanned lazily (planned again for each query) is not read again for each query.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { DataLoadError } from "./errors.ts";

/** The form a recorded SHA-256 has: 64 lowercase hexadecimal digits. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

const READ_BYTES = 4 * 1024 * 1024;

// path, size and mtime → the digest computed then.
const digests = new Map<string, string>();

let computed = 0;

/** How many files were hashed (not served from memory) in this process; for tests. */
export function hashesComputed(): number {
  return computed;
}

/** The SHA-256 of `file` (hex), computed once per path, size and modification time. */
export async function sha256Of(file: string): Promise<string> {
  const before = await Deno.stat(file);
  const key = `${file}\0${before.size}\0${before.mtime?.getTime() ?? -1}`;
  const known = digests.get(key);
  if (known !== undefined) return known;
  const hash = createHash("sha256");
  using handle = await Deno.open(file, { read: true });
  const buffer = new Uint8Array(READ_BYTES);
  for (;;) {
    const n = await handle.read(buffer);
    if (n === null) break;
    hash.update(buffer.subarray(0, n));
  }
  const digest = hash.digest("hex");
  computed++;
  const after = await Deno.stat(file);
  // A file written while it was read has no digest worth keeping.
  if (after.size === before.size && after.mtime?.getTime() === before.mtime?.getTime()) {
    digests.set(key, digest);
  }
  return digest;
}

/**
 * Checks that `file`'s content has the SHA-256 `expected` (recorded when the case was
 * made).
 *
 * @throws {DataLoadError} naming the file and both digests when they differ.
 */
export async function verifySha256(file: string, expected: string, table: string): Promise<void> {
  let actual: string;
  try {
    actual = await sha256Of(file);
  } catch (error) {
    throw new DataLoadError(`Cannot read ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  if (actual === expected.toLowerCase()) return;
  throw new DataLoadError(
    `Cannot load ${file} (table ${table}): its content differs from the one the manifest ` +
      `recorded (SHA-256 ${actual.slice(0, 12)}… where the manifest says ` +
      `${expected.slice(0, 12)}…)`,
    {
      file,
      hint: `${basename(file)} was changed or damaged after the case was made: restore it ` +
        "from the original export, or regenerate the manifest if the change is intended. " +
        "The case's other tables are unaffected.",
    },
  );
}

/**
 * Checks the content of a table's one file against `sha256`.
 *
 * @throws {DataLoadError} when the table has several files or the content differs.
 */
export async function verifyTableSha256(
  files: readonly string[],
  sha256: string,
  table: string,
): Promise<void> {
  if (files.length !== 1) {
    throw new DataLoadError(
      `Cannot check table ${table}: a SHA-256 is for one file, and it has ${files.length}`,
      { file: files[0] ?? "", hint: "Record a SHA-256 only for a table held in one file." },
    );
  }
  await verifySha256(files[0], sha256, table);
}
