/**
 * Which tables a folder holds: the manifest's list when there is one, otherwise one table
 * per data file at the top level and one per sub-folder of data files.
 *
 * @module
 */
import { basename, isAbsolute, join } from "node:path";
import { type CaseManifest, readManifest } from "./manifest.ts";
import { expandGlob, isGlob, walk } from "./_glob.ts";
import { formatOf, tableNameOf } from "./load.ts";
import { DataLoadError } from "./errors.ts";
import { isInside } from "./_confine.ts";
import type { KustoType } from "../schema/types.ts";
import { checkOptions, defineOptions } from "../options.ts";

const DISCOVER_OPTIONS = defineOptions<DiscoverTablesOptions>("discoverTables", {
  tables: "object",
});

/** A table found in a folder: its name and files, and its columns when a manifest lists them. */
export interface TableEntry {
  /** The table's name (the manifest's, the file's without extension, or the sub-folder's). */
  readonly name: string;
  /** What the user or manifest wrote: a file or glob, relative to the folder. */
  readonly source: string;
  /** The files that hold the table's rows (absolute, or as the manifest wrote them). */
  readonly files: readonly string[];
  /** Known column types, in order (from the manifest). */
  readonly columns?: ReadonlyArray<{ name: string; type: KustoType }>;
  /** Rows, when the manifest says. */
  readonly rows?: number;
  /** The SHA-256 of the table's one file, when the manifest records it. */
  readonly sha256?: string;
}

/** A folder's tables and outside files. */
export interface FolderContents {
  /** The case's manifest, when the folder has one. */
  readonly manifest?: CaseManifest;
  /** The tables, in the manifest's order or by file name. */
  readonly tables: readonly TableEntry[];
  /** The outside data files the manifest lists (HR exports, asset lists, feeds). */
  readonly external: readonly TableEntry[];
}

/** Options of {@link discoverTables}. */
export interface DiscoverTablesOptions {
  /** Extra or overriding tables: name → file or glob (relative to the folder). */
  readonly tables?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Finds the tables of `folder`: the manifest's when there is one, otherwise one table per
 * data file at the top level and one per sub-folder of data files; `options.tables` adds or
 * replaces tables by name.
 *
 * @param folder The folder to look in.
 * @param options Extra or overriding tables.
 * @returns The manifest (if any), the tables and the outside data files.
 * @throws {DataLoadError} when the folder is missing or a file, its manifest is invalid, a
 *   glob matches nothing, or two files would be the same table.
 *
 * @example A folder of two CSV files
 * ```ts
 * import assert from "node:assert/strict";
 * import { discoverTables } from "./folder.ts";
 *
 * const folder = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${folder}/Logons.csv`, "User,Count\nana,3\n");
 * await Deno.writeTextFile(`${folder}/Hosts.csv`, "Host\nweb01\n");
 * const found = await discoverTables(folder);
 * assert.deepEqual(found.tables.map((t) => t.name), ["Hosts", "Logons"]);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function discoverTables(
  folder: string,
  options: DiscoverTablesOptions = {},
): Promise<FolderContents> {
  checkOptions("discoverTables", options, DISCOVER_OPTIONS);
  const explicit = options.tables ?? {};
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(folder);
  } catch {
    throw new DataLoadError(`Cannot open data folder ${folder}: it does not exist`, {
      file: folder,
      hint: "Pass an existing folder with --data, or omit it to use the bundled demo case.",
    });
  }
  if (!info.isDirectory) {
    throw new DataLoadError(`Cannot open data folder ${folder}: it is a file`, {
      file: folder,
      hint: "Point at the folder that holds the files; one file can be loaded with loadTable().",
    });
  }
  const manifest = await readManifest(folder);
  const tables: TableEntry[] = [];
  const external: TableEntry[] = [];
  if (manifest) {
    for (const t of manifest.tables) {
      tables.push({
        name: t.name,
        source: t.file,
        files: await confined(folder, t.file, t.name),
        columns: t.columns,
        rows: t.rows,
        ...(t.sha256 !== undefined ? { sha256: t.sha256 } : {}),
      });
    }
    for (const e of manifest.external) {
      external.push({
        name: e.name,
        source: e.file,
        files: await confined(folder, e.file, e.name),
      });
    }
  } else {
    tables.push(...await scanFolder(folder));
  }
  for (const [name, spec] of Object.entries(explicit)) {
    const specs = typeof spec === "string" ? [spec] : spec;
    const files = (await Promise.all(specs.map((s) => resolve(folder, s)))).flat();
    const entry = { name, source: specs.join(", "), files };
    const at = tables.findIndex((t) => t.name === name);
    if (at >= 0) tables[at] = entry;
    else tables.push(entry);
  }
  return { manifest, tables, external };
}

// A manifest travels with a case from someone else: it names files inside its folder only.
async function confined(folder: string, spec: string, table: string): Promise<string[]> {
  const files = await resolve(folder, spec);
  const outside = files.find((file) => !isInside(folder, file));
  if (outside !== undefined) {
    throw new DataLoadError(
      `Invalid manifest ${join(folder, "manifest.json")}: the file of ${table} (${spec}) is ` +
        "outside the case folder",
      {
        file: outside,
        hint: "A manifest names files inside its folder; copy the file into the case folder, " +
          "or load it explicitly with the tables option.",
      },
    );
  }
  return files;
}

async function resolve(folder: string, spec: string): Promise<string[]> {
  if (isGlob(spec)) {
    const files = await expandGlob(folder, spec);
    if (files.length === 0) {
      throw new DataLoadError(`No file in ${folder} matches ${spec}`, {
        file: join(folder, spec),
        hint: "Check the pattern; it is relative to the data folder.",
      });
    }
    return files;
  }
  return [isAbsolute(spec) ? spec : join(folder, spec)];
}

async function scanFolder(folder: string): Promise<TableEntry[]> {
  const tables = new Map<string, TableEntry>();
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(folder)) entries.push(entry);
  // By code units, not the host's locale: the same folder lists the same way everywhere.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isFile && formatOf(entry.name)) {
      const name = tableNameOf(entry.name);
      const known = tables.get(name);
      if (known) {
        throw new DataLoadError(
          `Two files in ${folder} would both be table ${name}: ${basename(known.files[0])} ` +
            `and ${entry.name}`,
          { file: path, hint: "Rename or move one of them." },
        );
      }
      tables.set(name, { name, source: entry.name, files: [path] });
    } else if (entry.isDirectory && !entry.name.startsWith(".")) {
      const files: string[] = [];
      for await (const file of walk(path)) if (formatOf(file)) files.push(file);
      if (files.length > 0) {
        tables.set(entry.name, { name: entry.name, source: `${entry.name}/**`, files });
      }
    }
  }
  return [...tables.values()];
}
