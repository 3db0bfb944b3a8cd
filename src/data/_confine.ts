/**
 * Confinement of the files a case reads: a path is allowed when it is inside the case
 * folder or inside a path the user allowed. Paths are compared after resolving `..` and
 * symbolic links, so neither `../` nor a link inside the folder reaches outside it.
 *
 * @module
 */
import { isAbsolute, relative, resolve } from "node:path";

/** `path` resolved with symbolic links followed as far as the path exists. */
function realOf(path: string): string {
  const absolute = resolve(path);
  try {
    return Deno.realPathSync(absolute);
  } catch {
    // A missing file: resolve its nearest existing parent, keep the rest as written.
    const parent = resolve(absolute, "..");
    if (parent === absolute) return absolute;
    return resolve(realOf(parent), relative(parent, absolute));
  }
}

/** Whether `path` is `root` or inside it (after resolving `..` and links). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(realOf(root), realOf(path));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** Whether `path` is inside any of `roots`. */
export function isInsideAny(roots: readonly string[], path: string): boolean {
  return roots.some((root) => isInside(root, path));
}
