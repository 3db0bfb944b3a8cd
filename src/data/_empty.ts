/**
 * Empty text files: a file of 0 bytes (a collector's log of a quiet day, an export cut to
 * nothing) is read as a table of no rows, whatever its text format, with a warning.
 *
 * @module
 */

/** The warning of an empty text file (0 bytes): it is read as a table of no rows. */
export const EMPTY_FILE_WARNING = "the file is empty (0 bytes): it holds no rows";

/** Whether `file` is a file of 0 bytes (one that cannot be read is not: its read says why). */
export function isEmptyFile(file: string): boolean {
  try {
    const info = Deno.statSync(file);
    return info.isFile && info.size === 0;
  } catch {
    return false;
  }
}
