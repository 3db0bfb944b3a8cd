/**
 * The manifest of a case folder (`manifest.json`): which file holds which table, each
 * table's Kusto schema, and the dataset's reference time, so that relative queries
 * ("the last day") mean the same thing on any date.
 *
 * @module
 */
import { join } from "node:path";
import { DataLoadError } from "./errors.ts";
import { isKustoType, type TableSchema } from "../schema/types.ts";
import { SHA256_PATTERN } from "./_integrity.ts";
import { isGlob } from "./_glob.ts";

/** The file name a case folder's manifest has. */
export const MANIFEST_FILE = "manifest.json";

/** The format tag every manifest carries. */
export const MANIFEST_FORMAT = "casefile-case/1";

/** One workspace table of a case. */
export interface ManifestTable extends TableSchema {
  /** File (or glob of files) relative to the case folder. */
  readonly file: string;
  /** Row count, for summaries without loading the data; a file with other rows is refused. */
  readonly rows: number;
  /**
   * The SHA-256 of the file's content (64 lowercase hex digits), for a table in one file:
   * a file whose content differs (a flipped bit that still decodes, an edit) is refused.
   */
  readonly sha256?: string;
}

/** Outside data an investigator joins: HR lists, asset lists, threat-intel feeds. */
export interface ManifestExternal {
  /** The name the file is read by (in queries, `externaldata` and watchlists). */
  readonly name: string;
  /** File relative to the case folder. */
  readonly file: string;
  /** One line on what it is. */
  readonly description: string;
}

/** A case folder's manifest. */
export interface CaseManifest {
  /** Always `casefile-case/1`. */
  readonly format: "casefile-case/1";
  /** The case's name. */
  readonly name: string;
  /** What the case is, in a sentence or two. */
  readonly description: string;
  /** ISO 8601 UTC instant that stands for "now" in this dataset. */
  readonly referenceTime: string;
  /** ISO 8601 UTC bounds of the data. */
  readonly timeRange: { readonly start: string; readonly end: string };
  /** The workspace tables. */
  readonly tables: readonly ManifestTable[];
  /** The outside data files. */
  readonly external: readonly ManifestExternal[];
}

/** Reads and validates `manifest.json` in `folder`, or returns undefined if there is none. */
export async function readManifest(folder: string): Promise<CaseManifest | undefined> {
  const path = join(folder, MANIFEST_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new DataLoadError(`Cannot read ${path}: ${(error as Error).message}`, { file: path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataLoadError(`Cannot parse ${path}: ${(error as Error).message}`, {
      file: path,
      hint: "Fix the JSON, or delete manifest.json to let casefile infer tables from the files.",
    });
  }
  return validateManifest(value, path);
}

function validateManifest(value: unknown, path: string): CaseManifest {
  const fail = (what: string): never => {
    throw new DataLoadError(`Invalid manifest ${path}: ${what}`, {
      file: path,
      hint: `A manifest has format "${MANIFEST_FORMAT}", name, referenceTime, timeRange, ` +
        "tables (name, file, rows, columns) and external.",
    });
  };
  if (typeof value !== "object" || value === null) return fail("not a JSON object");
  const m = value as Record<string, unknown>;
  if (m.format !== MANIFEST_FORMAT) fail(`format is ${JSON.stringify(m.format)}`);
  if (typeof m.referenceTime !== "string" || Number.isNaN(Date.parse(m.referenceTime))) {
    fail("referenceTime is not an ISO 8601 instant");
  }
  if (!Array.isArray(m.tables)) fail("tables is not a list");
  for (const [i, t] of (m.tables as unknown[]).entries()) {
    const table = t as Record<string, unknown>;
    if (typeof table?.name !== "string" || typeof table.file !== "string") {
      fail(`tables[${i}] needs a name and a file`);
    }
    if (
      table.rows !== undefined && !(Number.isSafeInteger(table.rows) && (table.rows as number) >= 0)
    ) {
      fail(`the rows of table ${table.name} is ${JSON.stringify(table.rows)}, not a count`);
    }
    if (table.sha256 !== undefined) {
      if (typeof table.sha256 !== "string" || !SHA256_PATTERN.test(table.sha256)) {
        fail(`the sha256 of table ${table.name} is not 64 lowercase hex digits`);
      }
      if (isGlob(table.file as string)) {
        fail(`table ${table.name} has a sha256 but its file is a pattern (${table.file})`);
      }
    }
    if (!Array.isArray(table.columns)) fail(`table ${table.name} has no columns list`);
    for (const c of table.columns as Array<Record<string, unknown>>) {
      if (typeof c?.name !== "string" || typeof c.type !== "string" || !isKustoType(c.type)) {
        fail(`table ${table.name} has a column with a missing name or unknown type`);
      }
    }
  }
  return { external: [], description: "", ...m } as unknown as CaseManifest;
}
