/**
 * File globs (`*`, `?`, `**`, `{a,b}`) expanded against a folder, in a stable order.
 *
 * @module
 */
import { join, relative, sep as SEPARATOR } from "node:path";

/** Whether `text` holds glob syntax. */
export function isGlob(text: string): boolean {
  return /[*?{]/.test(text);
}

/** A regular expression for a glob over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") {
      const end = glob.indexOf("}", i);
      if (end < 0) out += "\\{";
      else {
        out += "(?:" + glob.slice(i + 1, end).split(",").map(escape).join("|") + ")";
        i = end;
      }
    } else out += escape(c);
  }
  return new RegExp(`^${out}$`);
}

function escape(text: string): string {
  return text.replace(/[.+^$()|[\]\\]/g, "\\$&");
}

/** The files under `root` whose relative path matches `glob`, sorted. */
export async function expandGlob(root: string, glob: string): Promise<string[]> {
  const pattern = globToRegExp(glob.replaceAll("\\", "/"));
  const found: string[] = [];
  for await (const file of walk(root)) {
    const rel = relative(root, file).split(SEPARATOR).join("/");
    if (pattern.test(rel)) found.push(file);
  }
  return found.sort();
}

/**
 * Every file under `folder`, depth first, sorted per folder by name in UTF-16 code-unit
 * order: the same on every host, whatever its locale (`localeCompare` is not), so a table
 * read from a folder of files has its rows in one order everywhere.
 */
export async function* walk(folder: string): AsyncGenerator<string> {
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(folder)) entries.push(entry);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}
